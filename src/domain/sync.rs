//! What the sync moves and what it reports: channel orders with their
//! cancellation, outbox rows, channel health, carrier tracking events and
//! alerts. Plain data shared by the store, the sync task and the screens.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{NewOrder, OrderNumber};

/// An order as a channel sends it: the order, and whether the channel has
/// cancelled it. A cancelled copy is still stored (as `cancelled`), so a
/// stale copy delivered later can never bring the order back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOrder {
    pub order: NewOrder,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// What storing one page of channel orders did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageSummary {
    /// New orders stored (cancelled ones included).
    pub inserted: u64,
    pub held: u64,
    pub ready: u64,
    pub backordered: u64,
    /// Newer copies of stored orders.
    pub updated: u64,
    /// Copies not newer than the stored one: nothing changed.
    pub unchanged: u64,
    /// Orders cancelled here because the channel cancelled them (or stored
    /// as cancelled on arrival).
    pub cancelled: u64,
    /// Orders the channel cancelled after work had started on them: flagged
    /// for the supervisor, not cancelled.
    pub flagged: u64,
}

impl std::ops::AddAssign for PageSummary {
    fn add_assign(&mut self, page: Self) {
        self.inserted += page.inserted;
        self.held += page.held;
        self.ready += page.ready;
        self.backordered += page.backordered;
        self.updated += page.updated;
        self.unchanged += page.unchanged;
        self.cancelled += page.cancelled;
        self.flagged += page.flagged;
    }
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (perhaps after a failed attempt, see `next_attempt_at`).
    Pending,
    /// The channel has it.
    Sent,
    /// The channel refused it for good; a supervisor retries or skips it.
    Failed,
    /// A supervisor decided it is not to be sent.
    Skipped,
}

impl OutboxState {
    pub const ALL: [OutboxState; 4] = [Self::Pending, Self::Sent, Self::Failed, Self::Skipped];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown outbox state {s:?}"))
    }
}

/// One row of the outbox: work for the sync, written in the same transaction
/// as what it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    /// `shipment` or `refund`.
    pub kind: String,
    /// Unique per piece of work, e.g. `shipment:shop:5823416729361`.
    pub idempotency_key: String,
    /// The channel code it goes to.
    pub channel: String,
    /// JSON; for a shipment see [`ShipmentPush`].
    pub payload: String,
    pub created_at: DateTime<Utc>,
    /// Attempts started (counted before each request goes out, so an
    /// attempt cut short by a crash still counts).
    pub attempts: u32,
    pub state: OutboxState,
    /// Not before this time (backoff, `Retry-After`); `None`: at once.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The channel's id for what was created (a fulfillment id).
    pub remote_id: Option<String>,
}

/// A shipment outbox row's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentPush {
    /// Our order number, e.g. `ORD-004711`.
    pub order: String,
    pub channel: String,
    /// The channel's order id.
    pub external_id: String,
    pub carrier: String,
    pub service: String,
    /// One per package, in package order.
    pub tracking_numbers: Vec<String>,
}

/// How a channel's sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelState {
    /// Last contact worked (or none yet).
    Ok,
    /// The last contact failed for a reason that may pass (network, 5xx, 429).
    Failing,
    /// 401/403: the channel is stopped until the token is fixed.
    TokenRejected,
}

impl ChannelState {
    pub const ALL: [ChannelState; 3] = [Self::Ok, Self::Failing, Self::TokenRejected];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failing => "failing",
            Self::TokenRejected => "token_rejected",
        }
    }
}

impl fmt::Display for ChannelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChannelState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown channel state {s:?}"))
    }
}

/// One channel's sync record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSync {
    pub code: String,
    pub name: String,
    /// `rest`, `file` or `manual`.
    pub kind: String,
    /// The channel's `updated_at` of the newest order fully stored, as the
    /// channel wrote it (sent back verbatim as `updated_at_min`).
    pub cursor: Option<String>,
    pub last_pull_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Orders stored from this channel by the sync, all time.
    pub orders_imported: u64,
    pub state: ChannelState,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// Outbox rows for this channel waiting to be sent.
    pub pending: u64,
    /// Outbox rows for this channel refused for good.
    pub failed: u64,
}

/// The sync at a glance, for the status bar (cheap to read on every tick).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncHealth {
    /// Channels with a sync record (registered channels with no record are left out).
    pub channels: Vec<ChannelSync>,
    /// Pending outbox rows over all channels.
    pub pending: u64,
    pub failed: u64,
    /// When the oldest pending row was written.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// The station running the sync, while its lease runs.
    pub worker: Option<SyncWorker>,
}

impl SyncHealth {
    /// The latest success over all channels.
    #[must_use]
    pub fn last_success(&self) -> Option<DateTime<Utc>> {
        self.channels.iter().filter_map(|c| c.last_success_at).max()
    }

    /// The most recent error of a channel that is not `Ok` now.
    #[must_use]
    pub fn current_error(&self) -> Option<&ChannelSync> {
        self.channels.iter().filter(|c| c.state != ChannelState::Ok).max_by_key(|c| c.last_error_at)
    }
}

/// Who runs the sync: one worker per store at a time, by lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncWorker {
    pub station: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// A carrier's view of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingStatus {
    /// The carrier has it (scanned at pick-up or a hub).
    InTransit,
    OutForDelivery,
    Delivered,
    /// Running late: the expected delivery moved.
    Delayed,
    /// Could not be delivered (address, damage, refused...).
    Exception,
}

impl TrackingStatus {
    pub const ALL: [TrackingStatus; 5] =
        [Self::InTransit, Self::OutForDelivery, Self::Delivered, Self::Delayed, Self::Exception];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InTransit => "in_transit",
            Self::OutForDelivery => "out_for_delivery",
            Self::Delivered => "delivered",
            Self::Delayed => "delayed",
            Self::Exception => "exception",
        }
    }

    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::InTransit => "in transit",
            Self::OutForDelivery => "out for delivery",
            Self::Delivered => "delivered",
            Self::Delayed => "delayed",
            Self::Exception => "exception",
        }
    }
}

impl fmt::Display for TrackingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TrackingStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown tracking status {s:?}"))
    }
}

/// One event of a package, as the carrier reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    pub at: DateTime<Utc>,
    pub status: TrackingStatus,
    /// The carrier's words, e.g. "Arrived at hub Leipzig" (untrusted text).
    pub description: String,
    /// The carrier's expected delivery day, when it gives one.
    pub expected_delivery: Option<NaiveDate>,
}

/// A package the carrier still has to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedPackage {
    pub tracking: String,
    pub order: OrderNumber,
    pub carrier: String,
    pub service: String,
    /// When the package was packed (its shipment row was written).
    pub packed_at: DateTime<Utc>,
    /// The latest status recorded, if any.
    pub status: Option<TrackingStatus>,
    /// Events already recorded (the adapter reports only newer ones).
    pub events_seen: u32,
}

/// What recording a package's events changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackingUpdate {
    /// New events stored.
    pub events: u32,
    /// The order's status after the change, if it changed.
    pub order_status: Option<super::OrderStatus>,
    /// A delay or exception alert was raised.
    pub alerted: bool,
}

/// Something a supervisor should look at. One open alert per (kind, subject).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    /// `delivery_delay`, `delivery_exception`, `channel_cancelled`, `sync_failed`, `token_rejected`.
    pub kind: String,
    /// What it is about: `order:ORD-004711`, `outbox:12`, `channel:shop`.
    pub subject: String,
    pub message: String,
    pub raised_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_add_up() {
        let mut total = PageSummary { inserted: 1, flagged: 1, ..PageSummary::default() };
        total += PageSummary { inserted: 2, unchanged: 3, cancelled: 1, ..PageSummary::default() };
        assert_eq!(
            total,
            PageSummary { inserted: 3, unchanged: 3, cancelled: 1, flagged: 1, ..PageSummary::default() }
        );
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in OutboxState::ALL {
            assert_eq!(state.as_str().parse::<OutboxState>(), Ok(state));
        }
        for state in ChannelState::ALL {
            assert_eq!(state.as_str().parse::<ChannelState>(), Ok(state));
        }
        for status in TrackingStatus::ALL {
            assert_eq!(status.as_str().parse::<TrackingStatus>(), Ok(status));
        }
        assert!("sending".parse::<OutboxState>().is_err());
    }

    #[test]
    fn health_names_the_latest_error_of_a_failing_channel() {
        let at = |s: i64| DateTime::from_timestamp(s, 0);
        let channel = |code: &str, state, error_at| ChannelSync {
            code: code.into(),
            name: code.into(),
            kind: "rest".into(),
            cursor: None,
            last_pull_at: None,
            last_success_at: at(50),
            orders_imported: 0,
            state,
            last_error: Some(format!("{code} broke")),
            last_error_at: error_at,
            pending: 0,
            failed: 0,
        };
        let health = SyncHealth {
            channels: vec![
                channel("a", ChannelState::Ok, at(300)),
                channel("b", ChannelState::Failing, at(100)),
                channel("c", ChannelState::TokenRejected, at(200)),
            ],
            ..SyncHealth::default()
        };
        assert_eq!(health.current_error().map(|c| c.code.as_str()), Some("c"));
        assert_eq!(health.last_success(), at(50));
    }
}
