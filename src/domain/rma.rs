//! Returns (DESIGN section 4): an RMA per returned shipment, each unit with a
//! reason, a condition grade and a disposition.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::OrderNumber;

/// An RMA's number, printed and scanned as `RMA-000031`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RmaNumber(pub i64);

impl fmt::Display for RmaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RMA-{:06}", self.0)
    }
}

/// Defines a small enum stored by its snake_case name.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("unknown {} {s:?}", stringify!($name).to_lowercase()))
            }
        }
    };
}

named! {
    /// Where an RMA is: announced, on the bench, every unit inspected, settled.
    RmaStatus { Expected = "expected", Received = "received", Inspected = "inspected", Closed = "closed" }
}

named! {
    /// The condition a returned unit is in.
    Grade {
        Sealed = "sealed",
        OpenedAsNew = "opened_as_new",
        Used = "used",
        Damaged = "damaged",
        Defective = "defective",
        MissingParts = "missing_parts",
    }
}

named! {
    /// What happens to a returned unit.
    Disposition {
        Restock = "restock",
        Quarantine = "quarantine",
        Refurbish = "refurbish",
        Scrap = "scrap",
        ReturnToVendor = "return_to_vendor",
    }
}

/// A line of the returned order, with what has come back of it so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLine {
    pub line_no: i64,
    pub sku: String,
    pub title: String,
    pub shipped: u32,
    pub returned: u32,
    pub unit_price_minor: i64,
}

/// One inspected unit of an RMA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedUnit {
    pub id: i64,
    pub sku: String,
    pub reason: String,
    pub grade: Grade,
    pub disposition: Disposition,
    pub lot: Option<String>,
    pub serial: Option<String>,
    pub note: String,
    pub refund_minor: i64,
    /// The bin a restocked unit went back to.
    pub restocked_to: Option<String>,
}

/// An RMA on the returns bench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnView {
    pub rma: RmaNumber,
    pub status: RmaStatus,
    pub order: OrderNumber,
    pub customer: String,
    pub currency: String,
    /// Announced ahead (created by a supervisor) or not.
    pub announced: bool,
    pub lines: Vec<ReturnLine>,
    pub units: Vec<ReturnedUnit>,
}

impl ReturnView {
    /// The recommended refund so far, in the order's minor units.
    #[must_use]
    pub fn refund_minor(&self) -> i64 {
        self.units.iter().map(|u| u.refund_minor).sum()
    }
}

/// Why a returned unit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnRefusal {
    /// The order never had this SKU: not ours, or another order's.
    NotShipped { sku: String },
    /// More units than were shipped on the order.
    AllReturned { sku: String, shipped: u32 },
    /// The lot or serial is not one we shipped on this order.
    WrongLotOrSerial { sku: String, what: &'static str, value: String },
    /// The reason is not one of the configured reasons.
    UnknownReason { reason: String },
    /// The RMA is closed.
    Closed { rma: RmaNumber },
}

impl fmt::Display for ReturnRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotShipped { sku } => write!(f, "NOT OURS: {sku} was never shipped on this order. Set it aside."),
            Self::AllReturned { sku, shipped } => {
                write!(f, "ALREADY BACK: all {shipped} × {sku} shipped on this order have been returned.")
            }
            Self::WrongLotOrSerial { sku, what, value } => {
                write!(f, "NOT THE ONE SHIPPED: {sku} {what} {value} did not leave on this order.")
            }
            Self::UnknownReason { reason } => write!(f, "{reason:?} is not a return reason in the config."),
            Self::Closed { rma } => write!(f, "{rma} is closed: nothing more can be added."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_refusals_read_well() {
        assert_eq!(RmaNumber(31).to_string(), "RMA-000031");
        for grade in Grade::ALL {
            assert_eq!(grade.as_str().parse::<Grade>(), Ok(*grade));
        }
        for disposition in Disposition::ALL {
            assert_eq!(disposition.as_str().parse::<Disposition>(), Ok(*disposition));
        }
        assert!("new".parse::<Grade>().unwrap_err().contains("unknown grade"));
        let text = ReturnRefusal::AllReturned { sku: "MUG".into(), shipped: 2 }.to_string();
        assert_eq!(text, "ALREADY BACK: all 2 × MUG shipped on this order have been returned.");
    }
}
