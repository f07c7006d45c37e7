//! `packline report returns`: the RMAs still open and those closed in the
//! last [`WINDOW_DAYS`] days with their refund recommendation (the export of
//! DESIGN's refunds: `--format csv` holds plain minor units), and return
//! analytics in the summary and the JSON facts: the top return rates per
//! SKU, returned units per reason, and alerts for SKUs whose rate jumped.
//!
//! The window is fixed: the last 30 days before now. Alerts compare it with
//! the [`USUAL_DAYS`] days before it (see `planning::returns::alerts`).

use chrono::{DateTime, Duration, Utc};

use super::{Column, Report, Value};
use crate::planning::returns::{Alert, Rate, alerts, return_rates};
use crate::store::{self, Store};
use crate::widgets::format::{count, money};

/// The report's window, ending now.
pub const WINDOW_DAYS: i64 = 30;
/// The usual level a recent rate is compared with: this many days before the window.
pub const USUAL_DAYS: i64 = 90;
/// An alert needs at least this many units returned in the window...
pub const MIN_RETURNS: u32 = 3;
/// ...and a rate at least this many times the usual one (or no usual returns).
pub const FACTOR: f64 = 2.0;
/// How many return rates the summary and the facts name.
pub const TOP: usize = 5;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 12] = [
    Column::left("rma", "RMA"),
    Column::left("order", "ORDER"),
    Column::left("channel_ref", "REF"),
    Column::left("status", "STATUS"),
    Column::left("announced", "ANNOUNCED"),
    Column::right("units", "UNITS"),
    Column::left("reasons", "REASONS"),
    Column::left("refund_kind", "REFUND"),
    Column::right("refund", "AMOUNT"),
    Column::right("refund_minor", "MINOR"),
    Column::left("currency", "CUR"),
    Column::left("closed_at", "CLOSED"),
];

/// The report at `now`.
pub fn build(store: &Store, now: DateTime<Utc>) -> store::Result<Report> {
    let since = now - Duration::days(WINDOW_DAYS);
    let usual_since = since - Duration::days(USUAL_DAYS);
    let recent = return_rates(&store.units_shipped_between(since, now)?, &store.units_returned_between(since, now)?);
    let usual = return_rates(
        &store.units_shipped_between(usual_since, since)?,
        &store.units_returned_between(usual_since, since)?,
    );
    let raised = alerts(&recent, &usual, MIN_RETURNS, FACTOR);
    let reasons = store.return_reasons_between(since, now)?;
    let top: Vec<&Rate> = recent.iter().filter(|r| r.returned > 0).take(TOP).collect();
    let rows = store.returns_report(since)?;
    let open = rows.iter().filter(|r| r.status != "closed").count() as u64;

    // A SKU with returns but no shipment in the window (it shipped earlier) has no rate to speak of.
    let top_text = join(top.iter().map(|r| {
        if r.shipped == 0 {
            format!("{} {} back, none shipped in the window", r.sku, r.returned)
        } else {
            format!("{} {} ({} of {} shipped)", r.sku, pct(r.rate), r.returned, r.shipped)
        }
    }));
    let reasons_text = join(reasons.iter().map(|(reason, units)| format!("{reason}: {units}")));
    let alerts_text = join(raised.iter().map(alert_text));
    let mut summary = format!(
        "Returns since {}: {} open, {} closed; {} units back.",
        since.format("%Y-%m-%d"),
        count(open),
        count(rows.len() as u64 - open),
        count(reasons.iter().map(|(_, n)| n).sum()),
    );
    for (label, text) in [("Top rates", &top_text), ("Reasons", &reasons_text), ("ALERT", &alerts_text)] {
        if !text.is_empty() {
            summary = format!("{summary} {label}: {text}.");
        }
    }
    Ok(Report {
        name: "returns",
        facts: vec![
            ("since", Value::Text(since.format("%Y-%m-%d").to_string())),
            ("window_days", Value::Count(WINDOW_DAYS.unsigned_abs())),
            ("open", Value::Count(open)),
            ("top_rates", Value::Text(top_text)),
            ("reasons", Value::Text(reasons_text)),
            ("alerts", Value::Text(alerts_text)),
        ],
        summary,
        empty: "No RMA is open or closed in the window.".into(),
        columns: COLUMNS.to_vec(),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Value::Text(r.rma.to_string()),
                    Value::Text(r.order.to_string()),
                    Value::Text(r.channel_ref),
                    Value::Text(r.status),
                    Value::Text(if r.announced { "yes" } else { "no" }.into()),
                    Value::Count(u64::from(r.units)),
                    Value::Text(r.reasons.join("; ")),
                    Value::text_or_null(r.refund_kind),
                    Value::text_or_null(r.refund_minor.map(|m| money(m, &r.currency))),
                    r.refund_minor.map_or(Value::Null, |m| Value::Count(m.max(0).unsigned_abs())),
                    Value::Text(r.currency),
                    Value::text_or_null(r.closed_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string())),
                ]
            })
            .collect(),
    })
}

/// `0.125` -> `12.5%`.
fn pct(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

fn alert_text(alert: &Alert) -> String {
    format!("{} {} (usual {})", alert.sku, pct(alert.recent_rate), pct(alert.usual_rate))
}

/// Items `; `-separated (facts are flat text: the report model has no lists).
fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("; ")
}
