//! Orders as they arrive from a channel or a file, and why one may be held.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why an order is held back from the floor. Stored by its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// Required address fields are missing or malformed.
    BadAddress,
    /// The channel has not reported the order as paid.
    Unpaid,
    /// A line names a SKU the warehouse does not know.
    UnknownSku,
    /// International order without customs data on every SKU.
    MissingCustoms,
    /// The order's shipping service maps to no carrier service.
    UnknownService,
    /// Put on hold by a supervisor.
    Manual,
}

impl HoldReason {
    /// Every reason; `Manual` stays last.
    pub const ALL: [HoldReason; 6] =
        [Self::BadAddress, Self::Unpaid, Self::UnknownSku, Self::MissingCustoms, Self::UnknownService, Self::Manual];

    /// A few words for tables: `address`, `unpaid`, `unknown SKU`...
    #[must_use]
    pub const fn short_label(self) -> &'static str {
        match self {
            Self::BadAddress => "address",
            Self::Unpaid => "unpaid",
            Self::UnknownSku => "unknown SKU",
            Self::MissingCustoms => "customs",
            Self::UnknownService => "service",
            Self::Manual => "manual",
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadAddress => "bad_address",
            Self::Unpaid => "unpaid",
            Self::UnknownSku => "unknown_sku",
            Self::MissingCustoms => "missing_customs",
            Self::UnknownService => "unknown_service",
            Self::Manual => "manual",
        }
    }
}

impl fmt::Display for HoldReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HoldReason {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown hold reason {s:?}"))
    }
}

/// What validation says of an incoming order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The rules it fails (empty: it may go on to allocation).
    pub holds: std::collections::BTreeSet<HoldReason>,
    /// The carrier service its shipping service maps to (empty when none does).
    pub carrier_service: String,
    /// High value: the carrier must get a signature on delivery.
    pub signature_required: bool,
}

/// A shipping address. All text is untrusted until the store sanitises it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub name: String,
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub phone: String,
    pub email: String,
}

/// One line of an incoming order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderLine {
    pub sku: String,
    pub title: String,
    pub qty: u32,
    pub unit_price_minor: i64,
    /// Lines that do not ship (gift cards, services) are never picked.
    pub requires_shipping: bool,
}

/// An order as received from a channel or an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Code of the channel it came from (e.g. `shop`).
    pub channel: String,
    /// The channel's own id; (channel, external_id) is unique.
    pub external_id: String,
    /// What the channel shows the customer, e.g. `#1043`.
    pub channel_ref: String,
    pub created_at: DateTime<Utc>,
    /// The channel's last change; an older update never overwrites a newer one.
    pub updated_at: DateTime<Utc>,
    pub ship_by: DateTime<Utc>,
    pub address: Address,
    /// Shipping service code, e.g. `standard` or `express`.
    pub service: String,
    /// The channel's payment state (`paid`, `pending`, ...).
    pub financial_status: String,
    pub total_minor: i64,
    pub currency: String,
    pub note: String,
    /// 1 is the most urgent, 9 the least; 5 is the default.
    pub priority: i64,
    pub lines: Vec<NewOrderLine>,
}

impl NewOrder {
    /// Units that need picking.
    #[must_use]
    pub fn units(&self) -> u32 {
        self.lines.iter().filter(|l| l.requires_shipping).map(|l| l.qty).sum()
    }
}
