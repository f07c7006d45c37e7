//! Goods in and stock truth: expected deliveries (purchase orders or advance
//! ship notices), receiving against them, putaway into bins, cycle counts and
//! the replenishment list. Pure types; the store keeps them, the screens show
//! them.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use super::{BinCode, OrderNumber, Zone};

/// Where an expected delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReceiptStatus {
    /// Announced, nothing counted yet.
    Expected,
    /// At least one unit counted.
    Receiving,
    /// Closed: every difference has a reason. Putaway may go on.
    Closed,
}

impl ReceiptStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expected => "expected",
            Self::Receiving => "receiving",
            Self::Closed => "closed",
        }
    }

    /// The status stored as `text`, if it is one.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Expected, Self::Receiving, Self::Closed].into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for ReceiptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An expected delivery as imported or entered: a purchase order, or an
/// advance ship notice when its lines name the SSCC of the package they come in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceipt {
    /// The supplier's PO or ASN number; unique among receipts.
    pub reference: String,
    pub supplier: String,
    pub expected_on: Option<NaiveDate>,
    pub lines: Vec<NewReceiptLine>,
}

/// One SKU expected, optionally in a named package with a lot and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceiptLine {
    /// The SKU's code.
    pub sku: String,
    pub qty: u32,
    /// The 18-digit SSCC of the package (ASN), if announced.
    pub sscc: Option<String>,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
}

/// A delivery in the receiving list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptSummary {
    pub id: i64,
    pub reference: String,
    pub supplier: String,
    pub expected_on: Option<NaiveDate>,
    pub status: ReceiptStatus,
    pub lines: u32,
    pub expected: u64,
    /// Good units counted so far.
    pub received: u64,
    pub damaged: u64,
}

/// A delivery being received: its lines and announced packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    pub id: i64,
    pub reference: String,
    pub supplier: String,
    pub expected_on: Option<NaiveDate>,
    pub status: ReceiptStatus,
    pub lines: Vec<ReceiptLineView>,
    pub packages: Vec<PackageView>,
}

impl ReceiptView {
    /// Lines whose count differs from what was expected (they need a reason to close).
    #[must_use]
    pub fn differences(&self) -> Vec<&ReceiptLineView> {
        self.lines.iter().filter(|l| l.difference() != Difference::Exact || l.damaged > 0).collect()
    }
}

/// One SKU of a delivery: expected, counted good, counted damaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLineView {
    pub line_no: i64,
    pub sku: String,
    pub title: String,
    /// Zero for a SKU that came without being expected.
    pub expected: u32,
    pub received: u32,
    pub damaged: u32,
    /// The reason recorded for its difference (at close), or for damage.
    pub reason: Option<String>,
}

impl ReceiptLineView {
    /// Units that arrived (good and damaged) against what was expected.
    #[must_use]
    pub fn difference(&self) -> Difference {
        let arrived = self.received + self.damaged;
        match arrived.cmp(&self.expected) {
            std::cmp::Ordering::Greater => Difference::Over(arrived - self.expected),
            std::cmp::Ordering::Less => Difference::Short(self.expected - arrived),
            std::cmp::Ordering::Equal => Difference::Exact,
        }
    }
}

/// How a line's arrivals compare with what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    Exact,
    Over(u32),
    Short(u32),
}

/// An announced package (ASN) and whether it has been received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageView {
    pub sscc: String,
    pub units: u32,
    pub received: bool,
}

/// Units counted at receiving from one scan (a GTIN, a GS1 string with lot
/// and expiry, times a quantity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveUnits {
    /// The SKU's code.
    pub sku: String,
    pub qty: u32,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    /// Damaged units are recorded with this reason and never put away.
    pub damaged: Option<String>,
}

/// What one receiving scan did to its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub line: ReceiptLineView,
    /// The SKU was not expected on this delivery (a new line, all over).
    pub unexpected: bool,
}

/// Units received and waiting for a bin, with the bin suggested for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutawayItem {
    pub id: i64,
    /// The delivery's reference.
    pub receipt: String,
    pub sku: String,
    pub title: String,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub qty: u32,
    /// The SKU's ABC class by units sold.
    pub class: Zone,
    pub suggestion: Option<Suggestion>,
}

/// A bin for a putaway and why it was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion {
    pub bin: BinCode,
    pub why: SuggestionReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionReason {
    /// The bin already holds the SKU.
    HoldsIt,
    /// A free bin in the zone of the SKU's class.
    FreeInClassZone,
    /// No free bin in the class's zone: the nearest free one in this zone.
    FreeElsewhere(Zone),
}

impl fmt::Display for SuggestionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HoldsIt => f.write_str("already holds it"),
            Self::FreeInClassZone => f.write_str("free bin in its zone"),
            Self::FreeElsewhere(zone) => write!(f, "no free bin in its zone; free in zone {zone}"),
        }
    }
}

/// Why a bin is to be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountSource {
    /// A picker found less than the system said.
    ShortPick,
    /// Its zone's count interval has passed.
    Schedule,
    /// A supervisor asked.
    Supervisor,
}

impl CountSource {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShortPick => "short_pick",
            Self::Schedule => "schedule",
            Self::Supervisor => "supervisor",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::ShortPick, Self::Schedule, Self::Supervisor].into_iter().find(|s| s.as_str() == text)
    }
}

/// Where a count task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountStatus {
    /// Waiting for its first count.
    Open,
    /// The first count differed: the SKUs named are counted again, still blind.
    Recount,
    /// The recount confirmed a difference: it waits for a reason to adjust.
    Review,
    Done,
}

impl CountStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Recount => "recount",
            Self::Review => "review",
            Self::Done => "done",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Recount, Self::Review, Self::Done].into_iter().find(|s| s.as_str() == text)
    }
}

/// A bin to count, as the counter sees it: never the expected quantities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTask {
    pub id: i64,
    pub bin: BinCode,
    pub zone: Zone,
    pub source: CountSource,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub status: CountStatus,
    /// While `Recount`: the SKUs to count again (codes). Empty otherwise.
    pub recount: Vec<String>,
    /// While `Review`: the confirmed differences.
    pub differences: Vec<CountDifference>,
}

/// Units of one SKU counted in the bin (all its lots together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountEntry {
    pub sku: String,
    pub qty: u32,
}

/// A SKU whose recount confirmed a difference from the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountDifference {
    pub sku: String,
    pub title: String,
    pub system: i64,
    pub counted: i64,
}

impl CountDifference {
    #[must_use]
    pub fn delta(&self) -> i64 {
        self.counted - self.system
    }
}

/// What submitting a count did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountOutcome {
    /// The count agreed with the system (first time or on the recount): done.
    Matched,
    /// Some SKUs differ: count these again (codes), blind.
    Recount(Vec<String>),
    /// The recount confirmed differences: pick a reason to adjust.
    Review(Vec<CountDifference>),
}

/// What an adjustment after a count did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Adjusted {
    /// Units added (positive) or removed (negative), over all SKUs.
    pub net: i64,
    /// Orders that lost their reservation in the bin and found stock elsewhere.
    pub reallocated: Vec<OrderNumber>,
    /// Orders that lost their reservation and now wait for stock.
    pub backordered: Vec<OrderNumber>,
    /// Orders being picked whose units are gone: a supervisor decides (`short`).
    pub short: Vec<OrderNumber>,
    /// Backordered orders the added units made ready.
    pub filled: u64,
}

/// A SKU at or below its reorder point, with what to order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplenishmentRow {
    pub sku: String,
    pub title: String,
    pub class: Zone,
    pub on_hand: u64,
    pub available: u64,
    pub backordered: u64,
    pub demand_per_day: f64,
    pub cover_days: Option<f64>,
    pub reorder_point: u64,
    /// Units expected on open deliveries and not yet received.
    pub inbound: u64,
    /// The suggested order quantity less what is already inbound.
    pub suggested: u64,
}

/// What the count schedule knows of one bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinCountState {
    pub bin_id: i64,
    pub zone: Zone,
    pub last_counted: Option<NaiveDate>,
    /// Something is on hand in it.
    pub has_stock: bool,
    /// It has a count task not done yet.
    pub open_task: bool,
}
