//! The stock screen: goods in and stock truth, in four tabs.
//!
//! - **Receiving**: the open deliveries; one opened shows its lines with what
//!   arrived against what was expected. Item scans receive units (QTY-n
//!   multiplies, `d` marks the next scan damaged), an SSCC receives an
//!   announced package, `u` takes back the last scan, `c` closes the delivery
//!   after a reason for every line that differs.
//! - **Putaway**: what waits for a bin, with the bin suggested; scanning the
//!   suggested bin puts it away, another bin must be scanned twice.
//! - **Counts**: the open count tasks. Scanning a bin opens its count sheet;
//!   counts are blind (the system's quantity is never shown) until a recount
//!   confirms a difference and a reason is picked to adjust the stock.
//! - **Replenishment** (supervisors): SKUs at or below their reorder point.
//!
//! Like the other screens it never touches the store: the app hands it data
//! through the `on_*` methods and runs the [`StockCommand`]s it returns. Scans
//! and keys go through `input.rs` to the tab's own handling (and the data it
//! is handed) in `receiving.rs`, `putaway.rs` and `counts.rs`. Drawing lives
//! in `draw.rs` (frame, tab bar, shared table helpers), `draw_receiving.rs`,
//! `draw_counts.rs` and `draw_lists.rs` (putaway and replenishment).

mod counts;
mod draw;
mod draw_counts;
mod draw_lists;
mod draw_receiving;
mod input;
mod putaway;
mod receiving;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_draw;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyCode;

use crate::domain::BinCode;
use crate::domain::inbound::{
    CountEntry, CountTask, PutawayItem, ReceiptSummary, ReceiptView, ReceiveUnits, ReplenishmentRow,
};
pub use crate::screens::order_queue::Tone;

/// The longest number typed on a count sheet, in digits.
pub const TYPED_MAX: usize = 6;

/// Rows PageUp and PageDown move by.
const PAGE: usize = 10;

/// The screen's tabs, in the order Tab cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Receiving,
    Putaway,
    Counts,
    /// Supervisors only.
    Replenishment,
}

impl Tab {
    pub const ALL: [Self; 4] = [Self::Receiving, Self::Putaway, Self::Counts, Self::Replenishment];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Receiving => "Receiving",
            Self::Putaway => "Putaway",
            Self::Counts => "Counts",
            Self::Replenishment => "Replenishment",
        }
    }
}

/// What the operator scanned, as the app resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockInput {
    /// A GTIN, GS1 element string or SKU code. `sku` is None when the catalogue does not know it.
    /// `lot` / `expires_on` from GS1 AI 10 / 17; `count` from AI 30 or 37 (units in the case), if present.
    Item {
        sku: Option<String>,
        code: String,
        lot: Option<String>,
        expires_on: Option<NaiveDate>,
        count: Option<u32>,
    },
    /// An SSCC (18 digits) from a package or pallet label.
    Sscc(String),
    Bin(BinCode),
    /// QTY-n: multiplies the next item scan (receiving, counting) or limits the next putaway.
    Quantity(u32),
    /// CMD-word: "CONFIRM", "UNDO", "CANCEL", "SKIP", "NEXT", "OK" ...
    Command(&'static str),
}

/// What the screen asks the app to run against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockCommand {
    /// Re-read the receipts list / putaway list / count tasks / replenishment rows for the current tab.
    Reload(Tab),
    /// Read this delivery and pass it to [`StockScreen::on_receipt`].
    OpenReceipt(i64),
    /// Receive the scanned units on the open delivery.
    Receive { receipt: i64, units: ReceiveUnits },
    /// An SSCC: receive that announced package (the app finds its receipt).
    ReceivePackage { sscc: String },
    /// Take back the last receiving scan made at this station on this receipt.
    UndoReceive { receipt: i64 },
    /// Close with a reason for every line listed by ReceiptView::differences(): (line_no, reason).
    CloseReceipt { receipt: i64, reasons: Vec<(i64, String)> },
    /// Put `qty` units of a waiting putaway item into `bin`.
    PutAway { item: i64, bin: BinCode, qty: u32 },
    /// A bin was scanned on the Counts tab: start (or continue) its count task.
    StartCount { bin: BinCode },
    /// The counter finished the bin (first count, or the recount of the SKUs asked).
    SubmitCount { task: i64, entries: Vec<CountEntry> },
    /// The recount confirmed differences: adjust the stock with this reason.
    Adjust { task: i64, reason: String },
}

/// Where receiving an open delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceivingStep {
    /// Item scans receive good units.
    Scan,
    /// `d` was pressed: keys `1`-`9` pick the damage reason.
    DamageReason,
    /// The next item scan is received damaged, with this reason.
    Damaged(String),
    /// Closing: keys `1`-`9` pick a reason for each differing line in turn.
    Close { lines: Vec<i64>, reasons: Vec<(i64, String)> },
}

/// A bin being counted: the counter's own count, never the system's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountSheet {
    pub task: CountTask,
    /// Units counted per SKU, in the order first scanned.
    pub counted: Vec<CountEntry>,
    /// The SKU scanned last: a typed number sets its quantity.
    pub last: Option<String>,
    /// Digits typed, not yet applied with Enter.
    pub typed: String,
    /// `c` was pressed with nothing counted: a second `c` submits an empty bin.
    pub confirm_empty: bool,
}

impl CountSheet {
    #[must_use]
    pub fn new(task: CountTask) -> Self {
        Self { task, counted: Vec::new(), last: None, typed: String::new(), confirm_empty: false }
    }

    /// Units of `sku` counted so far.
    #[must_use]
    pub fn counted(&self, sku: &str) -> Option<u32> {
        self.counted.iter().find(|e| e.sku == sku).map(|e| e.qty)
    }
}

/// The stock screen's state.
#[derive(Debug, Clone)]
pub struct StockScreen {
    /// The time ages are measured against (set on every tick).
    pub now: DateTime<Utc>,
    pub tab: Tab,
    /// Whether the Replenishment tab is shown.
    pub supervisor: bool,
    pub receipts: Vec<ReceiptSummary>,
    /// The delivery being received, if one is open.
    pub receipt: Option<ReceiptView>,
    pub putaway: Vec<PutawayItem>,
    pub tasks: Vec<CountTask>,
    pub replenishment: Vec<ReplenishmentRow>,
    /// A refusal the operator must acknowledge before anything else happens.
    pub alert: Option<String>,
    pub message: Option<(Tone, String)>,
    /// The message is a warning (drawn yellow). [`Tone`] has no warning
    /// variant, so a warning is `Tone::Info` with this set.
    pub warning: bool,
    /// Reasons for damage and for differences at close, in key order.
    pub receiving_reasons: Vec<String>,
    /// Reasons for a stock adjustment after a count, in key order.
    pub adjust_reasons: Vec<String>,
    /// The selected delivery in the receiving list.
    pub selected_receipt: usize,
    /// The first line shown of the open delivery's lines.
    pub lines_top: usize,
    /// The selected putaway item.
    pub selected_item: usize,
    /// The selected count task.
    pub selected_task: usize,
    /// The first replenishment row shown.
    pub replenishment_top: usize,
    /// A QTY-n waiting for the next item scan or putaway.
    pub pending_qty: Option<u32>,
    pub step: ReceivingStep,
    /// A bin other than the suggestion scanned once for this putaway item:
    /// the same bin again confirms it.
    pub other_bin: Option<(i64, BinCode)>,
    pub sheet: Option<CountSheet>,
}

/// A movement key's new selection in a list of `len`, or `None` for another key.
fn moved(code: KeyCode, selected: usize, len: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    Some(match code {
        KeyCode::Down | KeyCode::Char('j') => (selected + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
        KeyCode::PageDown => (selected + PAGE).min(last),
        KeyCode::PageUp => selected.saturating_sub(PAGE),
        KeyCode::Home => 0,
        KeyCode::End => last,
        _ => return None,
    })
}

/// Keys `1`-`9` as a choice number.
fn digit(code: KeyCode) -> Option<usize> {
    match code {
        KeyCode::Char(c @ '1'..='9') => Some(c as usize - '0' as usize),
        _ => None,
    }
}

/// `SKU-A`, `SKU-A, SKU-B`.
fn list(skus: &[String]) -> String {
    skus.join(", ")
}

impl StockScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>, receiving_reasons: Vec<String>, adjust_reasons: Vec<String>) -> Self {
        Self {
            now,
            tab: Tab::Receiving,
            supervisor: false,
            receipts: Vec::new(),
            receipt: None,
            putaway: Vec::new(),
            tasks: Vec::new(),
            replenishment: Vec::new(),
            alert: None,
            message: None,
            warning: false,
            receiving_reasons,
            adjust_reasons,
            selected_receipt: 0,
            lines_top: 0,
            selected_item: 0,
            selected_task: 0,
            replenishment_top: 0,
            pending_qty: None,
            step: ReceivingStep::Scan,
            other_bin: None,
            sheet: None,
        }
    }

    /// The tabs this operator sees, in order.
    #[must_use]
    pub fn tabs(&self) -> Vec<Tab> {
        Tab::ALL.into_iter().filter(|t| *t != Tab::Replenishment || self.supervisor).collect()
    }

    /// Whether keys typed now are text for the screen (digits of a count, a reason choice) rather than global shortcuts like q or ?.
    #[must_use]
    pub fn wants_keys(&self) -> bool {
        self.alert.is_some()
            || (self.tab == Tab::Receiving
                && self.receipt.is_some()
                && matches!(self.step, ReceivingStep::DamageReason | ReceivingStep::Close { .. }))
            || (self.tab == Tab::Counts && self.sheet.is_some())
    }

    /// Shows `tab` (a supervisor's only for Replenishment); returns `Reload(tab)`.
    pub fn set_tab(&mut self, tab: Tab) -> Option<StockCommand> {
        if tab == Tab::Replenishment && !self.supervisor {
            self.on_error("The replenishment list is for supervisors.".into());
            return None;
        }
        if tab != self.tab {
            self.clear_message();
            self.pending_qty = None;
            self.other_bin = None;
            self.tab = tab;
        }
        Some(StockCommand::Reload(tab))
    }

    /// Stops everything until acknowledged (CMD-OK or Enter), like the returns bench's red banner.
    pub fn raise(&mut self, text: String) {
        self.alert = Some(text);
    }

    pub fn on_info(&mut self, text: String) {
        self.message = Some((Tone::Info, text));
        self.warning = false;
    }

    pub fn on_error(&mut self, text: String) {
        self.message = Some((Tone::Error, text));
        self.warning = false;
    }

    /// Something to heed that is not a refusal (drawn yellow).
    pub fn on_warning(&mut self, text: String) {
        self.message = Some((Tone::Info, text));
        self.warning = true;
    }

    fn clear_message(&mut self) {
        self.message = None;
        self.warning = false;
    }

    /// Fresh replenishment rows.
    pub fn on_replenishment(&mut self, rows: Vec<ReplenishmentRow>) {
        self.replenishment_top = self.replenishment_top.min(rows.len().saturating_sub(1));
        self.replenishment = rows;
    }
}
