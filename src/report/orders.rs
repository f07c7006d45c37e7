//! `packline report orders`: the console's order queue as a report: every
//! open order (or those in one `--status`), earliest ship-by first, with the
//! queue's columns and numbers (lines and units to ship, the countdown to
//! ship-by, priority, active holds); `--channel` and `--late` narrow it. At
//! most `--limit` orders (default [`super::DEFAULT_LIMIT`]).
//!
//! Rows come from the queue's own keyset pages (`Store::queue_page`), read
//! [`PAGE`] at a time, so the report and the screen cannot disagree.

use chrono::{DateTime, Utc};

use super::{Column, Report, Value};
use crate::domain::OrderStatus;
use crate::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueRow, QueueSort};
use crate::domain::text::sanitize;
use crate::store::{self, Store};
use crate::widgets::format::{count, countdown};

/// Orders read per queue page.
pub const PAGE: usize = 500;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 14] = [
    Column::left("order", "ORDER"),
    Column::left("channel", "CHANNEL"),
    Column::left("channel_ref", "REF"),
    Column::left("customer", "CUSTOMER"),
    Column::left("country", "CTRY"),
    Column::right("lines", "LINES"),
    Column::right("units", "UNITS"),
    Column::left("ship_by", "SHIP BY (UTC)"),
    Column::left("due", "DUE"),
    Column::left("late", "LATE"),
    Column::left("service", "SERVICE"),
    Column::right("priority", "P"),
    Column::left("status", "STATUS"),
    Column::left("holds", "HOLDS"),
];

/// What the report lists (the command line's orders options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    /// Orders in this status; `None`: every open order.
    pub status: Option<OrderStatus>,
    /// Only orders of this channel (its code).
    pub channel: Option<String>,
    /// Only open orders past their ship-by time.
    pub late: bool,
    pub limit: usize,
}

impl Default for Filters {
    fn default() -> Self {
        Self { status: None, channel: None, late: false, limit: super::DEFAULT_LIMIT }
    }
}

/// The report at `now`.
pub fn build(store: &Store, filters: &Filters, now: DateTime<Utc>) -> store::Result<Report> {
    let filter = filters.status.map_or(QueueFilter::Open, QueueFilter::Status);
    let in_filter = store.status_counts()?.get(filter);
    let (rows, more) = read(store, filter, filters, now)?;
    let late = rows.iter().filter(|r| r.is_late(now)).count() as u64;

    let which = filters.status.map_or("open", OrderStatus::as_str);
    let mut narrowed = Vec::new();
    if let Some(channel) = &filters.channel {
        narrowed.push(format!("channel {}", sanitize(channel)));
    }
    if filters.late {
        narrowed.push("late only".to_owned());
    }
    let mut summary = format!("Orders {which}: {} of {} listed", count(rows.len() as u64), count(in_filter));
    if !narrowed.is_empty() {
        summary = format!("{summary} ({})", narrowed.join(", "));
    }
    summary = format!("{summary}, {} late, earliest ship-by first.", count(late));
    if more {
        summary = format!("{summary} Only the first {}: raise --limit for more.", count(filters.limit as u64));
    }
    Ok(Report {
        name: "orders",
        facts: vec![
            ("status", Value::Text(which.to_owned())),
            ("channel", filters.channel.as_deref().map_or(Value::Null, |c| Value::Text(sanitize(c).into_owned()))),
            ("late_only", Value::Text(if filters.late { "yes" } else { "no" }.into())),
            ("in_status", Value::Count(in_filter)),
            ("late", Value::Count(late)),
            ("limit", Value::Count(filters.limit as u64)),
            ("more", Value::Text(if more { "yes" } else { "no" }.into())),
        ],
        summary,
        empty: "No order matches.".into(),
        columns: COLUMNS.to_vec(),
        rows: rows.iter().map(|r| row(r, now)).collect(),
    })
}

/// Pages through the queue in ship-by order, keeping what the filters
/// want, up to the limit; `true` when more would follow.
fn read(
    store: &Store,
    filter: QueueFilter,
    filters: &Filters,
    now: DateTime<Utc>,
) -> store::Result<(Vec<QueueRow>, bool)> {
    let mut kept = Vec::new();
    let mut from = PageFrom::Start;
    loop {
        let page = store.queue_page(&QueueQuery { filter, sort: QueueSort::ShipBy, from, limit: PAGE })?;
        let Some(last) = page.last() else { return Ok((kept, false)) };
        from = PageFrom::After(last.key());
        let full = page.len() == PAGE;
        for row in page {
            // Earliest ship-by first: once one is not yet due, none after it is late.
            if filters.late && row.ship_by >= now {
                return Ok((kept, false));
            }
            if (filters.late && !row.is_late(now)) || filters.channel.as_ref().is_some_and(|c| *c != row.channel) {
                continue;
            }
            if kept.len() == filters.limit {
                return Ok((kept, true));
            }
            kept.push(row);
        }
        if !full {
            return Ok((kept, false));
        }
    }
}

/// One order as the queue shows it; text is sanitised again on the way out.
fn row(r: &QueueRow, now: DateTime<Utc>) -> Vec<Value> {
    let text = |t: &str| Value::Text(sanitize(t).into_owned());
    let open = r.status.is_open();
    vec![
        Value::Text(r.number().to_string()),
        text(&r.channel),
        text(&r.channel_ref),
        text(&r.customer),
        text(&r.country),
        Value::Count(u64::from(r.lines)),
        Value::Count(u64::from(r.units)),
        Value::Text(r.ship_by.format("%Y-%m-%d %H:%M").to_string()),
        if open { Value::Text(countdown(r.ship_by, now).0) } else { Value::Null },
        Value::Text(if r.is_late(now) { "yes" } else { "no" }.into()),
        text(&r.service),
        Value::Count(r.priority.unsigned_abs()),
        Value::Text(r.status.as_str().to_owned()),
        Value::Text(r.holds.iter().map(|h| h.as_str()).collect::<Vec<_>>().join("; ")),
    ]
}
