//! Packing: an order at the pack station, its checklist of lines verified
//! unit by unit, and why a scan is refused.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{OrderNumber, OrderStatus};

/// One line of the packing checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackLine {
    pub line_no: i64,
    pub sku: String,
    pub title: String,
    pub expected: u32,
    pub scanned: u32,
    /// The SKU needs its lot (GS1 AI 10) or serial (AI 21) captured.
    pub lot_tracked: bool,
    pub serial_tracked: bool,
    pub weight_g: u32,
    pub dims_mm: [u32; 3],
}

impl PackLine {
    #[must_use]
    pub fn done(&self) -> bool {
        self.scanned >= self.expected
    }
}

/// A shipped package, as the pack screen shows it after completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInfo {
    pub package_no: u32,
    pub packages: u32,
    pub carton: String,
    pub weight_g: u32,
    pub carrier: String,
    pub service: String,
    pub tracking: String,
    pub sscc: String,
}

/// An order at the pack station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOrder {
    pub number: OrderNumber,
    pub status: OrderStatus,
    pub channel_ref: String,
    pub customer: String,
    pub country: String,
    pub service: String,
    pub carrier_service: String,
    pub ship_by: DateTime<Utc>,
    pub note: String,
    pub signature_required: bool,
    /// Leaves the customs union: customs papers go with it (set by the app
    /// from the validation rules).
    pub customs: bool,
    /// The tote it arrived in, if it was picked in a wave.
    pub tote: Option<String>,
    pub lines: Vec<PackLine>,
    /// After the pack is complete: its packages.
    pub packages: Vec<PackageInfo>,
}

impl PackOrder {
    /// Every unit is verified.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.lines.iter().all(PackLine::done)
    }

    #[must_use]
    pub fn expected_units(&self) -> u32 {
        self.lines.iter().map(|l| l.expected).sum()
    }

    #[must_use]
    pub fn scanned_units(&self) -> u32 {
        self.lines.iter().map(|l| l.scanned).sum()
    }

    /// A gift note: the order note when it starts with "gift" (channels put
    /// the buyer's message there).
    #[must_use]
    pub fn gift_note(&self) -> Option<&str> {
        let note = self.note.trim();
        note.get(..4).filter(|head| head.eq_ignore_ascii_case("gift")).map(|_| note)
    }
}

/// Why a pack scan is refused; the packer must acknowledge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackRefusal {
    /// The scanned item is not in this order.
    WrongItem { sku: String },
    /// The scanned code is not in the catalogue at all.
    UnknownItem { code: String },
    /// One unit too many of a line.
    TooMany { sku: String, expected: u32 },
    /// The item belongs to another order on the station's totes.
    OtherOrder { sku: String, order: OrderNumber },
    /// The order cannot be packed in its state (held, cancelled, not picked...).
    NotPackable { number: OrderNumber, status: OrderStatus },
    /// A lot- or serial-tracked item scanned without it (a plain GTIN).
    NeedsLot { sku: String, what: &'static str },
    /// The sales channel cancelled the order after work on it had started.
    ChannelCancelled { number: OrderNumber },
}

impl fmt::Display for PackRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongItem { sku } => write!(f, "WRONG ITEM: {sku} is not in this order. Put it aside."),
            Self::UnknownItem { code } => write!(f, "UNKNOWN ITEM: {code} is not in the catalogue. Put it aside."),
            Self::TooMany { sku, expected } => {
                write!(f, "ONE TOO MANY: the order has only {expected} × {sku}. Take the extra out.")
            }
            Self::OtherOrder { sku, order } => {
                write!(f, "ANOTHER ORDER'S ITEM: {sku} belongs to {order}. Put it back in its tote.")
            }
            Self::NotPackable { number, status } => {
                write!(f, "DO NOT PACK: {number} is {status}. Set it aside for the supervisor.")
            }
            Self::NeedsLot { sku, what } => {
                write!(f, "{sku} needs its {what}: scan the GS1 barcode that carries it.")
            }
            Self::ChannelCancelled { number } => {
                write!(f, "DO NOT PACK: {number} was cancelled at the channel: hand it to the supervisor.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(expected: u32, scanned: u32) -> PackLine {
        PackLine {
            line_no: 1,
            sku: "MUG".into(),
            title: "Mug".into(),
            expected,
            scanned,
            lot_tracked: false,
            serial_tracked: false,
            weight_g: 350,
            dims_mm: [100, 100, 100],
        }
    }

    #[test]
    fn an_order_is_complete_when_every_unit_is_scanned_and_gift_notes_are_found() {
        let mut order = PackOrder {
            number: OrderNumber(1),
            status: OrderStatus::Packing,
            channel_ref: "#1".into(),
            customer: "Ana".into(),
            country: "PT".into(),
            service: "standard".into(),
            carrier_service: "DHL Paket".into(),
            ship_by: DateTime::default(),
            note: "Gift: happy birthday!".into(),
            signature_required: false,
            customs: false,
            tote: None,
            lines: vec![line(2, 2), line(1, 0)],
            packages: vec![],
        };
        assert!(!order.complete());
        assert_eq!((order.expected_units(), order.scanned_units()), (3, 2));
        order.lines[1].scanned = 1;
        assert!(order.complete());
        assert_eq!(order.gift_note(), Some("Gift: happy birthday!"));
        order.note = "Leave at the door".into();
        assert_eq!(order.gift_note(), None);
    }

    #[test]
    fn refusals_say_what_to_do() {
        let text = PackRefusal::TooMany { sku: "MUG".into(), expected: 2 }.to_string();
        assert_eq!(text, "ONE TOO MANY: the order has only 2 × MUG. Take the extra out.");
        let held = PackRefusal::NotPackable { number: OrderNumber(7), status: OrderStatus::Held }.to_string();
        assert!(held.contains("ORD-000007 is held"));
    }
}
