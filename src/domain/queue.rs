//! What the order queue shows: filters, sort orders, pages of rows and the
//! detail of one order. Plain data, filled by the store and read by screens.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::ids::OrderNumber;
use super::order::HoldReason;
use super::status::OrderStatus;

/// Which orders the queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueFilter {
    /// Every order not yet shipped or cancelled.
    Open,
    Status(OrderStatus),
    /// Held orders with an active hold for this reason (a view of the Held tab).
    HeldFor(HoldReason),
}

impl QueueFilter {
    /// The tabs in order: Open, then every status.
    #[must_use]
    pub fn tabs() -> Vec<QueueFilter> {
        std::iter::once(Self::Open).chain(OrderStatus::ALL.into_iter().map(Self::Status)).collect()
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Status(status) => status.label(),
            Self::HeldFor(_) => OrderStatus::Held.label(),
        }
    }

    /// The tab this filter belongs to.
    #[must_use]
    pub fn tab(self) -> QueueFilter {
        match self {
            Self::HeldFor(_) => Self::Status(OrderStatus::Held),
            other => other,
        }
    }

    /// What the table's title calls it: `Held: address`.
    #[must_use]
    pub fn title(self) -> String {
        match self {
            Self::HeldFor(reason) => format!("Held: {}", reason.short_label()),
            other => other.label().to_owned(),
        }
    }
}

/// How the queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueSort {
    /// Earliest ship-by first.
    ShipBy,
    /// Highest priority first, then earliest ship-by.
    Priority,
}

impl QueueSort {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::ShipBy => "ship-by",
            Self::Priority => "priority",
        }
    }
}

/// The position of a row in either sort order (keyset paging).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueKey {
    pub priority: i64,
    pub ship_by: i64,
    pub id: i64,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFrom {
    /// The first rows.
    Start,
    /// The last rows.
    End,
    /// Rows from this key on, including it.
    AtOrAfter(QueueKey),
    /// Rows after this key.
    After(QueueKey),
    /// Rows before this key (the page ends just before it).
    Before(QueueKey),
}

/// One page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueQuery {
    pub filter: QueueFilter,
    pub sort: QueueSort,
    pub from: PageFrom,
    pub limit: usize,
}

/// One order as a queue row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    pub channel: String,
    pub channel_ref: String,
    pub customer: String,
    pub country: String,
    pub lines: u32,
    pub units: u32,
    pub ship_by: DateTime<Utc>,
    pub priority: i64,
    pub service: String,
    pub status: OrderStatus,
    pub holds: Vec<HoldReason>,
}

impl QueueRow {
    #[must_use]
    pub fn number(&self) -> OrderNumber {
        OrderNumber(self.id)
    }

    #[must_use]
    pub fn key(&self) -> QueueKey {
        QueueKey { priority: self.priority, ship_by: self.ship_by.timestamp(), id: self.id }
    }

    /// Late: still open and past its ship-by time.
    #[must_use]
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        self.status.is_open() && self.ship_by < now
    }
}

/// How many orders are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts(pub BTreeMap<OrderStatus, u64>);

impl StatusCounts {
    #[must_use]
    pub fn get(&self, filter: QueueFilter) -> u64 {
        match filter {
            QueueFilter::Open => self.0.iter().filter(|(s, _)| s.is_open()).map(|(_, n)| n).sum(),
            QueueFilter::Status(status) => self.0.get(&status).copied().unwrap_or(0),
            // The Held tab's count; per-reason counts are kept beside these.
            QueueFilter::HeldFor(_) => self.0.get(&OrderStatus::Held).copied().unwrap_or(0),
        }
    }
}

/// A line of an order, as the detail pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    pub sku: String,
    pub title: String,
    pub qty: u32,
    pub requires_shipping: bool,
    /// Where its reserved units wait, nearest first.
    pub reserved: Vec<ReservedPlace>,
    /// Units of its SKU in the warehouse that no order holds (expired lots
    /// not counted): what a backordered line could still get.
    pub free: u32,
}

impl DetailLine {
    /// Units still to be reserved (zero for lines that do not ship).
    #[must_use]
    pub fn unreserved(&self) -> u32 {
        if !self.requires_shipping {
            return 0;
        }
        self.qty.saturating_sub(self.reserved.iter().map(|p| p.qty).sum())
    }
}

/// Units of a line reserved in one bin (and lot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservedPlace {
    pub bin: String,
    pub lot: Option<String>,
    pub qty: u32,
}

/// An active hold on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldInfo {
    pub reason: HoldReason,
    pub note: String,
    pub since: DateTime<Utc>,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub at: DateTime<Utc>,
    pub station: String,
    pub operator: String,
    pub kind: String,
    pub details: String,
}

/// Everything the detail pane shows about one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDetail {
    pub row: QueueRow,
    pub address_lines: Vec<String>,
    pub note: String,
    pub financial_status: String,
    pub total_minor: i64,
    pub currency: String,
    /// The carrier service the shipping service maps to (empty: none yet).
    pub carrier_service: String,
    pub signature_required: bool,
    pub lines: Vec<DetailLine>,
    pub holds: Vec<HoldInfo>,
    pub events: Vec<EventRecord>,
}

/// What a queue search matches: an order number, or a word of text that is
/// tried as channel reference, SKU code and customer name prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    Number(OrderNumber),
    Text(String),
}

impl SearchQuery {
    /// Reads what the user typed; `None` for an empty search.
    #[must_use]
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        if input.is_empty() {
            return None;
        }
        let looks_numbered = input.len() > 4 && input[..4].eq_ignore_ascii_case("ORD-");
        match input.parse::<OrderNumber>() {
            Ok(number) if looks_numbered => Some(Self::Number(number)),
            _ => Some(Self::Text(input.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_counts_every_unshipped_status() {
        let counts = StatusCounts(
            [(OrderStatus::New, 2), (OrderStatus::Held, 3), (OrderStatus::Shipped, 50), (OrderStatus::Cancelled, 1)]
                .into_iter()
                .collect(),
        );
        assert_eq!(counts.get(QueueFilter::Open), 5);
        assert_eq!(counts.get(QueueFilter::Status(OrderStatus::Shipped)), 50);
        assert_eq!(counts.get(QueueFilter::Status(OrderStatus::Packed)), 0);
    }

    #[test]
    fn searches_tell_numbers_from_text() {
        assert_eq!(SearchQuery::parse(" ORD-000042 "), Some(SearchQuery::Number(OrderNumber(42))));
        assert_eq!(SearchQuery::parse("lima"), Some(SearchQuery::Text("lima".into())));
        assert_eq!(SearchQuery::parse("1043"), Some(SearchQuery::Text("1043".into())));
        assert_eq!(SearchQuery::parse("   "), None);
    }
}
