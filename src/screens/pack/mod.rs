//! The pack screen: scan a tote or an order number to open the order, then
//! every unit; the checklist ticks them off. A wrong, extra or foreign item,
//! or an order that must not be packed, raises a full-width red banner that
//! stops everything until the packer acknowledges it (`CMD-OK` or Enter).
//! When the checklist is complete the packer weighs the parcel (types the
//! weight, or the scale sends it) and confirms; labels come out.

mod draw;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::OrderNumber;
use crate::domain::pack::PackOrder;
use crate::screens::order_queue::Tone;

/// What the packer scanned, as the app resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackInput {
    /// A tote, resolved to the order waiting in it (or `None`).
    Tote {
        tote: String,
        order: Option<OrderNumber>,
    },
    Order(OrderNumber),
    Item {
        sku: Option<String>,
        code: String,
        lot: Option<String>,
        serial: Option<String>,
    },
    Quantity(u32),
    Carton(String),
    Command(&'static str),
    /// A badge: only taken while a weight waits for a supervisor's approval.
    Badge(String),
}

/// What the packer asked for, for the app to run against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackCommand {
    Open(OrderNumber),
    /// One verified scan of `qty` units.
    Verify {
        order: OrderNumber,
        sku: String,
        qty: u32,
        lot: Option<String>,
        serial: Option<String>,
    },
    Undo(OrderNumber),
    /// Weigh (read the scale when `grams` is `None`) and complete the pack.
    Complete {
        order: OrderNumber,
        grams: Option<u32>,
        carton: Option<String>,
        approved_by: Option<String>,
    },
    Reprint(OrderNumber),
    /// A supervisor's badge and PIN approving a weight outside the tolerance.
    Approve {
        badge: String,
        pin: String,
    },
}

/// A weight outside the tolerance: recount, or a supervisor approves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightHold {
    pub message: String,
    pub grams: u32,
    /// The supervisor's badge, once scanned; then the PIN is typed.
    pub badge: Option<String>,
    pub pin: String,
}

/// The pack screen's state.
#[derive(Debug, Clone)]
pub struct PackScreen {
    pub order: Option<PackOrder>,
    pub now: DateTime<Utc>,
    /// A refusal the packer must acknowledge before anything else happens.
    pub alert: Option<String>,
    /// From `QTY-n`: the next item scan counts n units.
    pub multiplier: Option<u32>,
    /// A carton scanned with `BOX-` (overrides the suggestion).
    pub carton: Option<String>,
    /// The suggested carton(s), as the app computed them for the complete checklist.
    pub suggestion: Option<String>,
    /// The weight being typed, in grams.
    pub weight_input: String,
    pub weight_hold: Option<WeightHold>,
    pub message: Option<(Tone, String)>,
}

impl PackScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            order: None,
            now,
            alert: None,
            multiplier: None,
            carton: None,
            suggestion: None,
            weight_input: String::new(),
            weight_hold: None,
            message: None,
        }
    }

    #[must_use]
    pub fn number(&self) -> Option<OrderNumber> {
        self.order.as_ref().map(|o| o.number)
    }

    /// Stops everything until acknowledged.
    pub fn raise(&mut self, text: String) {
        self.alert = Some(text);
        self.multiplier = None;
    }

    pub fn on_info(&mut self, text: String) {
        self.message = Some((Tone::Info, text));
    }

    pub fn on_error(&mut self, text: String) {
        self.message = Some((Tone::Error, text));
    }

    /// A fresh copy of the open order (after a scan, undo or completion).
    pub fn on_order(&mut self, order: PackOrder) {
        let other = self.number() != Some(order.number);
        if other {
            self.carton = None;
            self.suggestion = None;
            self.weight_input.clear();
            self.weight_hold = None;
            self.multiplier = None;
        }
        self.order = Some(order);
    }

    /// A scan; returns what the app should do. While a banner is up only
    /// `CMD-OK` (acknowledge) is taken.
    pub fn on_scan(&mut self, input: PackInput) -> Option<PackCommand> {
        if self.alert.is_some() {
            if input == PackInput::Command("OK") {
                self.alert = None;
                self.on_info("Acknowledged: carry on.".into());
            } else {
                self.message =
                    Some((Tone::Error, "Acknowledge the red banner first: scan CMD-OK or press Enter.".into()));
            }
            return None;
        }
        self.message = None;
        if let Some(hold) = self.weight_hold.as_mut() {
            // A supervisor's badge starts an approval; anything else is a recount.
            if let PackInput::Command("CANCEL" | "UNDO") = input {
                self.weight_hold = None;
                self.on_info("Recount: check the items, then weigh again.".into());
                return None;
            }
            if let PackInput::Badge(badge) = &input {
                hold.badge = Some(badge.clone());
                self.on_info(format!("{badge}: type your PIN and press Enter to approve."));
                return None;
            }
        }
        match input {
            PackInput::Tote { tote, order: Some(number) } => {
                self.message = Some((Tone::Info, format!("Tote {tote}: {number}.")));
                Some(PackCommand::Open(number))
            }
            PackInput::Tote { tote, order: None } => {
                self.raise(format!("EMPTY TOTE: nothing picked is waiting in {tote}."));
                None
            }
            PackInput::Order(number) => Some(PackCommand::Open(number)),
            PackInput::Quantity(n) => {
                self.multiplier = Some(n);
                self.on_info(format!("The next item scan counts {n}."));
                None
            }
            PackInput::Carton(code) => {
                self.carton = Some(code.clone());
                self.on_info(format!("Carton {code} chosen."));
                None
            }
            PackInput::Item { sku, code, lot, serial } => {
                let Some(order) = self.number() else {
                    self.on_error("Scan a tote or an order number first.".into());
                    return None;
                };
                let Some(sku) = sku else {
                    self.raise(format!("UNKNOWN ITEM: {code} is not in the catalogue. Put it aside."));
                    return None;
                };
                let qty = self.multiplier.take().unwrap_or(1);
                Some(PackCommand::Verify { order, sku, qty, lot, serial })
            }
            PackInput::Command(word) => self.command(word),
            PackInput::Badge(_) => {
                self.on_error("A badge approves a weight only when the weight is outside the tolerance.".into());
                None
            }
        }
    }

    /// A key: digits and Backspace type the weight, Enter acknowledges a
    /// banner or confirms the weight, Esc closes the order.
    pub fn on_key(&mut self, key: &KeyEvent) -> Option<PackCommand> {
        if self.alert.is_some() {
            if key.code == KeyCode::Enter {
                self.alert = None;
                self.on_info("Acknowledged: carry on.".into());
            }
            return None;
        }
        if let Some(hold) = self.weight_hold.as_mut() {
            if hold.badge.is_some() {
                match key.code {
                    KeyCode::Char(c) if c.is_ascii_digit() && hold.pin.len() < 12 => hold.pin.push(c),
                    KeyCode::Backspace => {
                        hold.pin.pop();
                    }
                    KeyCode::Enter => {
                        let badge = hold.badge.clone().unwrap_or_default();
                        let pin = std::mem::take(&mut hold.pin);
                        return Some(PackCommand::Approve { badge, pin });
                    }
                    KeyCode::Esc => self.weight_hold = None,
                    _ => {}
                }
                return None;
            }
            if key.code == KeyCode::Esc {
                self.weight_hold = None;
                self.on_info("Recount: check the items, then weigh again.".into());
            }
            return None;
        }
        let order = self.order.as_ref()?;
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && order.complete() && self.weight_input.len() < 6 => {
                self.weight_input.push(c);
                None
            }
            KeyCode::Backspace => {
                self.weight_input.pop();
                None
            }
            KeyCode::Enter if order.complete() && order.packages.is_empty() => self.complete(),
            KeyCode::Esc => {
                self.order = None;
                self.weight_input.clear();
                self.on_info("Order closed. Scan the next tote.".into());
                None
            }
            _ => None,
        }
    }

    /// The weight was outside the tolerance: recount or a supervisor approves.
    pub fn hold_weight(&mut self, message: String, grams: u32) {
        self.weight_hold = Some(WeightHold { message, grams, badge: None, pin: String::new() });
    }

    /// A supervisor approved the weight: complete with their badge on record.
    pub fn approved(&mut self, badge: &str) -> Option<PackCommand> {
        let hold = self.weight_hold.take()?;
        let order = self.number()?;
        Some(PackCommand::Complete {
            order,
            grams: Some(hold.grams),
            carton: self.carton.clone(),
            approved_by: Some(badge.to_owned()),
        })
    }

    fn complete(&mut self) -> Option<PackCommand> {
        let order = self.order.as_ref()?;
        if !order.complete() {
            self.on_error(format!(
                "{} of {} units verified: scan the rest first.",
                order.scanned_units(),
                order.expected_units()
            ));
            return None;
        }
        if !order.packages.is_empty() {
            self.on_info("This order is packed. CMD-REPRINT prints its labels again.".into());
            return None;
        }
        let grams = self.weight_input.parse().ok().filter(|g| *g > 0);
        Some(PackCommand::Complete { order: order.number, grams, carton: self.carton.clone(), approved_by: None })
    }

    fn command(&mut self, word: &str) -> Option<PackCommand> {
        let Some(number) = self.number() else {
            self.on_error(format!("CMD-{word}: scan a tote or an order number first."));
            return None;
        };
        match word {
            "UNDO" => Some(PackCommand::Undo(number)),
            "CONFIRM" | "NEXT" => self.complete(),
            "REPRINT" | "PRINT" => Some(PackCommand::Reprint(number)),
            "CANCEL" => {
                self.order = None;
                self.on_info("Order closed. Scan the next tote.".into());
                None
            }
            "OK" => None,
            other => {
                self.on_error(format!("CMD-{other} does nothing while packing."));
                None
            }
        }
    }
}
