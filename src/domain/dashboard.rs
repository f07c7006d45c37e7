//! The supervisor's dashboard as plain data: what the store's counters say
//! ([`Facts`], read by `store::dashboard`) and what the dashboard shows
//! ([`Dashboard`], built from the facts by `planning::dashboard`). The
//! screen, the reports and the benchmark all speak these types, so the
//! screen and `packline report kpis|operators` show the same numbers.
//!
//! Times: hours are UTC clock hours, days UTC days (the carriers' cut-offs
//! are UTC too). "Today" is the UTC day of `now`.

use chrono::{DateTime, NaiveDate, Utc};

use super::queue::StatusCounts;
use super::wave::{WaveNumber, WaveSummary};
use super::{OrderNumber, Role};

/// One UTC clock hour of the floor's work (every operator together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HourFacts {
    /// The hour's start.
    pub start: DateTime<Utc>,
    /// Pick confirmations (one per pick task done: a line at a bin).
    pub pick_lines: u64,
    pub picked_units: u64,
    /// Units verified by scan at the pack stations.
    pub packed_units: u64,
    pub packed_orders: u64,
    /// Orders handed to a carrier (manifest closed) in the hour.
    pub shipped_orders: u64,
    pub shipped_units: u64,
}

/// One operator's work over a span (today, for the dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperatorFacts {
    pub badge: String,
    /// The operator's name (empty for a badge the store no longer knows).
    pub name: String,
    pub role: Option<Role>,
    /// Clock hours with any pick, pack or refused scan by this operator.
    pub active_hours: u64,
    pub pick_lines: u64,
    pub picked_units: u64,
    /// Pick tasks this operator reported short.
    pub short_lines: u64,
    pub packed_units: u64,
    pub packed_orders: u64,
    /// Scans refused at the pick screen and at the pack station.
    pub refused_scans: u64,
}

/// One UTC day's shipping and picking quality (the KPI window's days).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayFacts {
    pub day: NaiveDate,
    pub shipped_orders: u64,
    pub shipped_units: u64,
    /// Orders shipped at or before their ship-by.
    pub on_time_orders: u64,
    pub pick_lines: u64,
    pub short_lines: u64,
    /// Scans refused at the pick screen (wrong bin, item, lot or tote).
    pub pick_refusals: u64,
    /// Units returned (received at the returns bench) on the day.
    pub returned_units: u64,
    /// Cycle times (created to shipped) of the orders shipped on the day, in
    /// whole minutes, as (minutes, orders), ascending by minutes.
    pub cycle_minutes: Vec<(u64, u64)>,
}

/// Open orders of one carrier service due by its next cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutoffFacts {
    /// The carrier service (`DHL Paket`), as validation set it on the order.
    pub carrier: String,
    /// Its next cut-off after `now`.
    pub cutoff: DateTime<Utc>,
    /// Open orders of this carrier whose ship-by is at or before the cut-off
    /// (late ones included).
    pub due: u64,
    /// Of those, orders packed already (waiting for the manifest).
    pub packed: u64,
}

/// A stored alert still open (raised by the sync, the carrier feed...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAlert {
    pub id: i64,
    /// `delivery_delay`, `delivery_exception`, `sync_failed`, `token_rejected`, `channel_cancelled`...
    pub kind: String,
    /// `order:ID`, `outbox:ID`, `channel:CODE`...
    pub subject: String,
    pub message: String,
    pub raised_at: DateTime<Utc>,
}

/// One SKU's stock and demand, for inventory health.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkuFacts {
    pub sku: String,
    pub title: String,
    pub on_hand: u64,
    pub reserved: u64,
    /// Units its backordered orders still miss.
    pub backordered: u64,
    /// Units shipped in the demand window (the last `demand_window_days` days, today included).
    pub window_units: u64,
    /// The last day it shipped, ever.
    pub last_shipped: Option<NaiveDate>,
    /// Units shipped and returned over the returns window (the last
    /// `return_window_days` days, today included), for return-rate spikes.
    pub recent_shipped: u64,
    pub recent_returned: u64,
}

/// Everything the dashboard is built from, read in one snapshot of the store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub now: DateTime<Utc>,
    /// Orders by status (every status; the dashboard shows the open ones).
    pub counts: StatusCounts,
    /// Open orders past their ship-by.
    pub late: u64,
    /// Per carrier service, ordered by cut-off then name.
    pub cutoffs: Vec<CutoffFacts>,
    /// The last `hours` clock hours, oldest first, the current hour last
    /// (hours without work are present, with zeros).
    pub hours: Vec<HourFacts>,
    /// Today's work per operator, by badge (operators without work today are left out).
    pub operators: Vec<OperatorFacts>,
    /// The KPI window's days, oldest first, today last (days without work are present).
    pub days: Vec<DayFacts>,
    /// Waves being picked, oldest first.
    pub waves: Vec<WaveSummary>,
    /// Waves released and waiting for a picker.
    pub waiting_waves: u64,
    /// Orders waiting for a supervisor's decision on a short pick, oldest ship-by first (at most 50).
    pub shorts: Vec<OrderNumber>,
    /// Open stored alerts, newest first (at most 200).
    pub alerts: Vec<OpenAlert>,
    /// Every catalogue SKU, by code.
    pub skus: Vec<SkuFacts>,
}

/// The screen an alert's Enter jumps to, where it is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertTarget {
    /// The order queue on the order, with its detail open.
    Order(OrderNumber),
    /// The order queue searching this SKU code (its open and backordered orders).
    Sku(String),
    /// The order queue on one status tab (e.g. the short picks).
    Status(super::OrderStatus),
    /// The waves screen with this wave selected (a supervisor may take it over).
    Wave(WaveNumber),
    /// The sync screen.
    Sync,
}

/// How bad an alert is; the list is sorted worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something stops work or a customer's order now.
    Critical,
    /// Something will go wrong unless someone acts.
    Warning,
    /// Worth knowing.
    Notice,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A SKU with demand and nothing available, or less than its backorders need.
    Stockout,
    /// A SKU at or below its reorder point.
    BelowReorder,
    /// A SKU whose available stock covers fewer days than the lead time.
    LowCover,
    /// A SKU returned far more often than the floor's usual rate.
    ReturnSpike,
    /// A package late or with a delivery exception (from the carrier feed).
    DeliveryDelay,
    /// A sync failure: an outbox row failed or a channel's token was rejected.
    SyncFailure,
    /// An order the channel cancelled after picking started.
    ChannelCancelled,
    /// Orders waiting for a decision on a short pick.
    ShortPick,
    /// A wave whose picker's lease ran out (another station may take it over).
    ExpiredLease,
    /// A stored alert of a kind this version does not know.
    Other,
}

impl AlertKind {
    /// The short label the list shows.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Stockout => "stockout",
            Self::BelowReorder => "reorder",
            Self::LowCover => "low cover",
            Self::ReturnSpike => "returns",
            Self::DeliveryDelay => "delivery",
            Self::SyncFailure => "sync",
            Self::ChannelCancelled => "cancelled",
            Self::ShortPick => "short pick",
            Self::ExpiredLease => "lease",
            Self::Other => "alert",
        }
    }
}

/// One line of the dashboard's alert list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    pub severity: Severity,
    /// One line, already sanitised.
    pub message: String,
    /// Since when, when known.
    pub since: Option<DateTime<Utc>>,
    pub target: AlertTarget,
}

/// A wave on the floor with its progress and estimated finish.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveProgress {
    pub wave: WaveSummary,
    /// 0.0 to 1.0, by units.
    pub done: f64,
    /// When it should be picked, at the picker's pace (or the floor's, before
    /// the picker has a pace); `None` when no pace is known yet.
    pub finish: Option<DateTime<Utc>>,
    /// The picker's lease ran out.
    pub lease_expired: bool,
}

/// One operator's line of the operator table.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorRow {
    pub facts: OperatorFacts,
    /// Units picked per active hour.
    pub picks_per_hour: f64,
    /// Units packed per active hour.
    pub packs_per_hour: f64,
    /// Refused scans over all scans (refused + pick lines + packed units); `None` without scans.
    pub scan_error_rate: Option<f64>,
}

/// The KPIs over a span of days.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    /// How many days (today included).
    pub days: u32,
    pub shipped_orders: u64,
    /// Cycle time (created to shipped) in minutes, by nearest rank; `None` when nothing shipped.
    pub cycle_p50_minutes: Option<u64>,
    pub cycle_p90_minutes: Option<u64>,
    /// Orders shipped by their ship-by, over orders shipped; `None` when nothing shipped.
    pub on_time_rate: Option<f64>,
    pub pick_lines: u64,
    /// Short lines plus refused pick scans, per pick line; `None` without pick lines.
    pub pick_errors_per_line: Option<f64>,
    /// 1 - errors per line, floored at 0.
    pub picking_accuracy: Option<f64>,
    pub shipped_units: u64,
    pub returned_units: u64,
    /// Units returned over units shipped in the span; `None` when nothing shipped.
    pub returns_rate: Option<f64>,
}

/// The dashboard as the screen and the reports show it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dashboard {
    pub now: DateTime<Utc>,
    /// Open orders per open status, in status order (statuses with none left out).
    pub open: Vec<(super::OrderStatus, u64)>,
    pub open_total: u64,
    pub late: u64,
    pub cutoffs: Vec<CutoffFacts>,
    pub shipped_today_orders: u64,
    pub shipped_today_units: u64,
    /// Units picked in the last full clock hour.
    pub units_last_hour: u64,
    /// Units picked today per hour since the first hour with work.
    pub units_per_hour_today: f64,
    /// The throughput chart's hours, oldest first.
    pub hours: Vec<HourFacts>,
    pub operators: Vec<OperatorRow>,
    /// Waves being picked.
    pub waves: Vec<WaveProgress>,
    /// Waves released and waiting for a picker.
    pub waves_waiting: u64,
    /// Worst first, then newest first.
    pub alerts: Vec<Alert>,
    pub today: Kpis,
    /// The KPI window (the last `kpi_days` days, today included).
    pub week: Kpis,
}

/// What the store is asked for: the spans the facts cover and the carriers'
/// cut-offs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsRequest {
    pub now: DateTime<Utc>,
    /// Clock hours of `Facts::hours` (the store also reads every hour of today).
    pub hours: u32,
    /// Days of `Facts::days`, today included.
    pub kpi_days: u32,
    /// Days of `SkuFacts::window_units`, today included.
    pub demand_days: u32,
    /// Days of `SkuFacts::recent_shipped` and `recent_returned`, today included.
    pub return_days: u32,
    /// The cut-off of carriers not in `cutoffs`.
    pub default_cutoff: chrono::NaiveTime,
    pub cutoffs: std::collections::BTreeMap<String, chrono::NaiveTime>,
}

impl FactsRequest {
    /// The next cut-off after `now` of `carrier`.
    #[must_use]
    pub fn next_cutoff(&self, carrier: &str) -> DateTime<Utc> {
        let time = self.cutoffs.get(carrier).copied().unwrap_or(self.default_cutoff);
        let today = self.now.date_naive().and_time(time).and_utc();
        if self.now < today { today } else { today + chrono::Duration::days(1) }
    }

    /// The first day of a span of `days` days ending today.
    #[must_use]
    pub fn first_day(&self, days: u32) -> NaiveDate {
        self.now.date_naive() - chrono::Duration::days(i64::from(days.max(1)) - 1)
    }
}
