//! What the returns report reads: the RMAs open or closed in a window, and
//! the counts behind return analytics (units shipped and returned per SKU,
//! returned units per reason) over a half-open time window `[from, to)`.
//!
//! Shipped units come from `shipments.created_at` (when the order was packed
//! and labelled): one row per order through its first package (`package_no =
//! 1`, unique per order), joined to the order's lines that ship. Returned
//! units are inspected `rma_units` by their inspection time (`at_ms`). So a
//! rate compares what came back in a window with what went out in it, not
//! the fate of one window's shipments. Stored times are truncated (seconds
//! for shipments, milliseconds for units), so bounds are rounded up: a
//! shipment made in the same second as `to` counts when `to` is past it.
//!
//! Cost on a large store: `shipments` has no index on `created_at`, so the
//! shipped count scans `shipments` (one row per package) and seeks each
//! order's lines by primary key (`CROSS JOIN` keeps `shipments` outside:
//! left to itself SQLite would scan every order line instead); `rma_units` and `rmas` are scanned whole
//! (returns are a few percent of orders).

use crate::store::db::params;
use chrono::{DateTime, Utc};

use super::{Result, Store};
use crate::domain::OrderNumber;
use crate::domain::rma::RmaNumber;

/// One RMA in the returns report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub rma: RmaNumber,
    pub order: OrderNumber,
    pub channel_ref: String,
    /// `expected`, `received`, `inspected` or `closed`.
    pub status: String,
    pub announced: bool,
    /// Units inspected so far.
    pub units: u32,
    /// The distinct reasons given for its units, sorted.
    pub reasons: Vec<String>,
    /// `full`, `partial` or `none` once closed.
    pub refund_kind: Option<String>,
    pub refund_minor: Option<i64>,
    /// The order's currency.
    pub currency: String,
    pub closed_at: Option<DateTime<Utc>>,
}

const RMAS: &str = "SELECT r.id, r.order_id, o.channel_ref, r.status, r.announced, r.refund_kind, r.refund_minor,
        o.currency, r.closed_at
    FROM rmas r JOIN orders o ON o.id = r.order_id
    WHERE r.status <> 'closed' OR r.closed_at >= ?1
    ORDER BY r.id";

const RMA_REASONS: &str = "SELECT reason, count(*) FROM rma_units WHERE rma_id = ?1 GROUP BY reason ORDER BY reason";

const SHIPPED: &str = "SELECT l.sku_code, sum(l.qty)
    FROM shipments s CROSS JOIN order_lines l ON l.order_id = s.order_id
    WHERE s.package_no = 1 AND s.created_at >= ?1 AND s.created_at < ?2 AND l.requires_shipping = 1
    GROUP BY l.sku_code";

const RETURNED: &str = "SELECT l.sku_code, count(*)
    FROM rma_units u CROSS JOIN order_lines l ON l.order_id = u.order_id AND l.line_no = u.line_no
    WHERE u.at_ms >= ?1 AND u.at_ms < ?2
    GROUP BY l.sku_code";

const REASONS: &str = "SELECT reason, count(*) FROM rma_units WHERE at_ms >= ?1 AND at_ms < ?2
    GROUP BY reason ORDER BY count(*) DESC, reason";

impl Store {
    /// RMAs still open (whenever made) and those closed at or after `since`,
    /// oldest first, with their units and reasons.
    pub fn returns_report(&self, since: DateTime<Utc>) -> Result<Vec<ReturnRow>> {
        let mut stmt = self.conn.prepare_cached(RMAS)?;
        let mut rows: Vec<ReturnRow> = stmt
            .query_map([since.timestamp()], |r| {
                Ok(ReturnRow {
                    rma: RmaNumber(r.get(0)?),
                    order: OrderNumber(r.get(1)?),
                    channel_ref: r.get(2)?,
                    status: r.get(3)?,
                    announced: r.get(4)?,
                    units: 0,
                    reasons: Vec::new(),
                    refund_kind: r.get(5)?,
                    refund_minor: r.get(6)?,
                    currency: r.get(7)?,
                    closed_at: r.get::<_, Option<i64>>(8)?.and_then(|t| DateTime::from_timestamp(t, 0)),
                })
            })?
            .collect::<Result<_>>()?;
        let mut reasons = self.conn.prepare_cached(RMA_REASONS)?;
        for row in &mut rows {
            let counted = reasons.query_map([row.rma.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
            for counted in counted {
                let (reason, units) = counted?;
                row.units += units;
                row.reasons.push(reason);
            }
        }
        Ok(rows)
    }

    /// Units shipped per SKU code in `[from, to)` (see the module docs), by code.
    pub fn units_shipped_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(String, u64)>> {
        self.sku_counts(SHIPPED, ceil_seconds(from), ceil_seconds(to))
    }

    /// Units inspected on returns per SKU code in `[from, to)`, by code.
    pub fn units_returned_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(String, u64)>> {
        self.sku_counts(RETURNED, ceil_millis(from), ceil_millis(to))
    }

    /// Returned units per reason in `[from, to)`, most first.
    pub fn return_reasons_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(REASONS)?;
        let rows = stmt.query_map(params![ceil_millis(from), ceil_millis(to)], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0).unsigned_abs()))
        })?;
        rows.collect::<Result<_>>()
    }

    /// The query plan of the shipped units per SKU, one line per step.
    pub fn explain_units_shipped_between(&self) -> Result<Vec<String>> {
        self.conn.explain(SHIPPED, [0_i64, 0])
    }

    fn sku_counts(&self, sql: &str, from: i64, to: i64) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0).unsigned_abs())))?;
        let mut counts: Vec<(String, u64)> = rows.collect::<Result<_>>()?;
        counts.sort();
        Ok(counts)
    }
}

/// `at` in whole seconds, rounded up: a stored second `s` (truncated from a
/// time in `[s, s + 1)`) is before `at` when `s < ceil_seconds(at)`.
fn ceil_seconds(at: DateTime<Utc>) -> i64 {
    at.timestamp() + i64::from(at.timestamp_subsec_nanos() > 0)
}

/// `at` in whole milliseconds, rounded up (see [`ceil_seconds`]).
fn ceil_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis() + i64::from(!at.timestamp_subsec_nanos().is_multiple_of(1_000_000))
}
