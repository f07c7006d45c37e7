//! The returns bench: scan what came back (order, tracking number, SSCC or
//! RMA) to open its RMA, then each unit: pick a reason, a condition grade and
//! a disposition (preselected from the grade), add an optional note, and the
//! app stores the inspected unit. A restocked unit is put away by scanning a
//! bin. A refusal raises a full-width red banner that stops everything until
//! the operator acknowledges it (`CMD-OK` or Enter), as on the pack screen.

mod draw;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::rma::{Disposition, Grade, ReturnView, RmaNumber, RmaStatus};
use crate::domain::{BinCode, OrderNumber};
use crate::screens::order_queue::Tone;

/// The longest note kept with an inspected unit, in characters.
pub const NOTE_MAX: usize = 120;

/// What the operator scanned, as the app resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnsInput {
    /// An order number, tracking number, SSCC or RMA, resolved to its order.
    Found(OrderNumber),
    /// A returned unit (`sku` is `None` when the code is not in the catalogue).
    Item {
        sku: Option<String>,
        code: String,
        lot: Option<String>,
        serial: Option<String>,
    },
    Bin(BinCode),
    Command(&'static str),
}

/// What the operator asked for, for the app to run against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnsCommand {
    /// Open (or create) the RMA of this order.
    Open(OrderNumber),
    /// Store one inspected unit.
    Inspect {
        rma: RmaNumber,
        sku: String,
        lot: Option<String>,
        serial: Option<String>,
        reason: String,
        grade: Grade,
        disposition: Disposition,
        note: String,
    },
    /// Put a restocked unit into a bin.
    Restock { rma: RmaNumber, unit_id: i64, bin: BinCode },
    /// Close the RMA: inspection finished.
    Close(RmaNumber),
}

/// The unit being inspected, as scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub sku: String,
    pub lot: Option<String>,
    pub serial: Option<String>,
}

/// Where the bench is in inspecting a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No RMA open: scan an order, tracking number, SSCC or RMA.
    Idle,
    /// An RMA is open: scan a returned unit.
    ScanItem,
    /// Keys `1`-`9` pick a reason.
    Reason { unit: Unit },
    /// Keys `1`-`6` pick a grade.
    Grade { unit: Unit, reason: String },
    /// Keys `1`-`5` change the preselected disposition, Enter accepts it.
    Disposition { unit: Unit, reason: String, grade: Grade, choice: Disposition },
    /// An optional note is typed; Enter stores the unit.
    Note { unit: Unit, reason: String, grade: Grade, disposition: Disposition, text: String },
    /// A restocked unit waits for a bin scan.
    Restock { unit_id: i64, sku: String },
}

/// The returns screen's state.
#[derive(Debug, Clone)]
pub struct ReturnsScreen {
    pub view: Option<ReturnView>,
    pub now: DateTime<Utc>,
    /// The configured return reasons, in key order.
    pub reasons: Vec<String>,
    /// The default disposition of each grade.
    pub defaults: Vec<(Grade, Disposition)>,
    pub step: Step,
    /// A refusal the operator must acknowledge before anything else happens.
    pub alert: Option<String>,
    pub message: Option<(Tone, String)>,
    /// The refund recommendation (kind, amount in minor units), filled by the app.
    pub refund: Option<(String, i64)>,
    /// The bin suggested for the unit being restocked.
    pub suggested_bin: Option<BinCode>,
}

impl ReturnsScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>, reasons: Vec<String>, defaults: Vec<(Grade, Disposition)>) -> Self {
        Self {
            view: None,
            now,
            reasons,
            defaults,
            step: Step::Idle,
            alert: None,
            message: None,
            refund: None,
            suggested_bin: None,
        }
    }

    #[must_use]
    pub fn rma(&self) -> Option<RmaNumber> {
        self.view.as_ref().map(|v| v.rma)
    }

    /// The default disposition for a grade (quarantine when none is configured).
    #[must_use]
    pub fn default_for(&self, grade: Grade) -> Disposition {
        self.defaults.iter().find(|(g, _)| *g == grade).map_or(Disposition::Quarantine, |(_, d)| *d)
    }

    /// Stops everything until acknowledged.
    pub fn raise(&mut self, text: String) {
        self.alert = Some(text);
    }

    pub fn on_info(&mut self, text: String) {
        self.message = Some((Tone::Info, text));
    }

    pub fn on_error(&mut self, text: String) {
        self.message = Some((Tone::Error, text));
    }

    /// A fresh copy of the open RMA (after opening, an inspection or a restock).
    pub fn on_view(&mut self, view: ReturnView) {
        if self.rma() != Some(view.rma) || self.step == Step::Idle {
            self.step = Step::ScanItem;
            self.refund = None;
            self.suggested_bin = None;
        }
        self.view = Some(view);
    }

    /// The unit just stored goes back to stock: ask for its bin.
    pub fn restock(&mut self, unit_id: i64, sku: String, suggested_bin: Option<BinCode>) {
        self.suggested_bin = suggested_bin;
        self.step = Step::Restock { unit_id, sku };
    }

    /// A scan; returns what the app should do. While a banner is up only
    /// `CMD-OK` (acknowledge) is taken.
    pub fn on_scan(&mut self, input: ReturnsInput) -> Option<ReturnsCommand> {
        if self.alert.is_some() {
            if input == ReturnsInput::Command("OK") {
                self.acknowledge();
            } else {
                self.on_error("Acknowledge the red banner first: scan CMD-OK or press Enter.".into());
            }
            return None;
        }
        self.message = None;
        match input {
            ReturnsInput::Found(order) => {
                if self.is_inspecting() {
                    self.on_error("Finish this unit first, or Esc to drop it.".into());
                    return None;
                }
                Some(ReturnsCommand::Open(order))
            }
            ReturnsInput::Item { sku, code, lot, serial } => {
                if self.view.is_none() {
                    self.on_error("Scan the order, tracking number, SSCC or RMA first.".into());
                    return None;
                }
                if self.step != Step::ScanItem {
                    self.on_error("Finish this step first, or Esc to go back to scanning.".into());
                    return None;
                }
                let Some(sku) = sku else {
                    self.raise(format!("UNKNOWN ITEM: {code} is not in the catalogue. Set it aside."));
                    return None;
                };
                self.step = Step::Reason { unit: Unit { sku, lot, serial } };
                None
            }
            ReturnsInput::Bin(bin) => {
                let (Step::Restock { unit_id, .. }, Some(rma)) = (&self.step, self.rma()) else {
                    self.on_error(format!("Bin {bin}: nothing is waiting to be restocked."));
                    return None;
                };
                let unit_id = *unit_id;
                self.step = Step::ScanItem;
                self.suggested_bin = None;
                Some(ReturnsCommand::Restock { rma, unit_id, bin })
            }
            ReturnsInput::Command(word) => self.command(word),
        }
    }

    /// A key: Enter acknowledges a banner; digits pick reason, grade and
    /// disposition; the note is typed; Esc goes back to scanning (or leaves
    /// the RMA when already there); `c` closes the RMA.
    pub fn on_key(&mut self, key: &KeyEvent) -> Option<ReturnsCommand> {
        if self.alert.is_some() {
            if key.code == KeyCode::Enter {
                self.acknowledge();
            }
            return None;
        }
        if key.code == KeyCode::Esc {
            self.back();
            return None;
        }
        let digit = match key.code {
            KeyCode::Char(c) => c.to_digit(10).and_then(|d| usize::try_from(d).ok()).filter(|d| *d >= 1),
            _ => None,
        };
        let step = std::mem::replace(&mut self.step, Step::Idle);
        let (step, command) = self.advance(step, key.code, digit);
        self.step = step;
        command
    }

    /// One key in one step: the next step and maybe a command.
    fn advance(&mut self, step: Step, code: KeyCode, digit: Option<usize>) -> (Step, Option<ReturnsCommand>) {
        match step {
            Step::ScanItem if code == KeyCode::Char('c') => (Step::ScanItem, self.close()),
            Step::Reason { unit } => match digit.and_then(|d| self.reasons.get(d - 1)) {
                Some(reason) => (Step::Grade { unit, reason: reason.clone() }, None),
                None => (Step::Reason { unit }, None),
            },
            Step::Grade { unit, reason } => match digit.and_then(|d| Grade::ALL.get(d - 1)) {
                Some(&grade) => {
                    let choice = self.default_for(grade);
                    (Step::Disposition { unit, reason, grade, choice }, None)
                }
                None => (Step::Grade { unit, reason }, None),
            },
            Step::Disposition { unit, reason, grade, choice } => {
                if code == KeyCode::Enter {
                    return (Step::Note { unit, reason, grade, disposition: choice, text: String::new() }, None);
                }
                let choice = digit.and_then(|d| Disposition::ALL.get(d - 1)).copied().unwrap_or(choice);
                (Step::Disposition { unit, reason, grade, choice }, None)
            }
            Step::Note { unit, reason, grade, disposition, mut text } => match code {
                KeyCode::Enter => {
                    let Some(rma) = self.rma() else { return (Step::Idle, None) };
                    let Unit { sku, lot, serial } = unit;
                    let note = text.trim().to_owned();
                    (
                        Step::ScanItem,
                        Some(ReturnsCommand::Inspect { rma, sku, lot, serial, reason, grade, disposition, note }),
                    )
                }
                KeyCode::Backspace => {
                    text.pop();
                    (Step::Note { unit, reason, grade, disposition, text }, None)
                }
                KeyCode::Char(c) if !c.is_control() && text.chars().count() < NOTE_MAX => {
                    text.push(c);
                    (Step::Note { unit, reason, grade, disposition, text }, None)
                }
                _ => (Step::Note { unit, reason, grade, disposition, text }, None),
            },
            other => (other, None),
        }
    }

    fn acknowledge(&mut self) {
        self.alert = None;
        self.on_info("Acknowledged: carry on.".into());
    }

    fn is_inspecting(&self) -> bool {
        matches!(self.step, Step::Reason { .. } | Step::Grade { .. } | Step::Disposition { .. } | Step::Note { .. })
    }

    /// Esc: drop the unit being inspected (nothing stored), leave a restock
    /// for later, or leave the RMA when already scanning.
    fn back(&mut self) {
        match self.step {
            Step::Idle => {}
            Step::ScanItem => {
                self.view = None;
                self.step = Step::Idle;
                self.refund = None;
                self.on_info("RMA left. Scan the next return.".into());
            }
            Step::Restock { .. } => {
                self.step = Step::ScanItem;
                self.suggested_bin = None;
                self.on_info("Left for later: the unit waits to be restocked.".into());
            }
            _ => {
                self.step = Step::ScanItem;
                self.on_info("Dropped: nothing stored. Scan the unit again.".into());
            }
        }
    }

    fn close(&mut self) -> Option<ReturnsCommand> {
        let view = self.view.as_ref()?;
        if view.status == RmaStatus::Closed {
            self.on_error(format!("{} is already closed.", view.rma));
            return None;
        }
        if view.units.is_empty() {
            self.on_error(format!("{}: inspect at least one unit before closing.", view.rma));
            return None;
        }
        Some(ReturnsCommand::Close(view.rma))
    }

    fn command(&mut self, word: &str) -> Option<ReturnsCommand> {
        if self.view.is_none() {
            if word != "OK" {
                self.on_error(format!("CMD-{word}: scan the order, tracking number, SSCC or RMA first."));
            }
            return None;
        }
        match (word, &self.step) {
            ("OK", _) => None,
            ("SKIP" | "CANCEL", Step::Restock { .. }) | ("CANCEL", _) => {
                self.back();
                None
            }
            ("CONFIRM", Step::ScanItem) => self.close(),
            ("CONFIRM", _) => {
                self.on_error("Finish this step first, or Esc to go back to scanning.".into());
                None
            }
            (other, _) => {
                self.on_error(format!("CMD-{other} does nothing on the returns bench."));
                None
            }
        }
    }
}
