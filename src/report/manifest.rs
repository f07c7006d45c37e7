//! `packline report manifest`: the packages waiting for each carrier's
//! end-of-day hand-over, and the manifests closed today.

use chrono::{DateTime, Utc};

use super::{Column, Report, Value};
use crate::store::{self, Store};
use crate::widgets::format::count;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 9] = [
    Column::left("carrier", "CARRIER"),
    Column::left("manifest", "MANIFEST"),
    Column::left("order", "ORDER"),
    Column::left("package", "PKG"),
    Column::left("service", "SERVICE"),
    Column::left("tracking", "TRACKING"),
    Column::left("sscc", "SSCC"),
    Column::right("weight_g", "GRAMS"),
    Column::left("closed_at", "HANDED OVER"),
];

/// Packages not yet handed over and those on manifests closed since the
/// start of `now`'s day (UTC).
pub fn build(store: &Store, now: DateTime<Utc>) -> store::Result<Report> {
    let today = now.date_naive().and_hms_opt(0, 0, 0).map_or(now, |t| t.and_utc());
    let rows = store.manifest_report(today)?;
    let waiting = rows.iter().filter(|r| r.manifest.is_none()).count() as u64;
    let summary = format!(
        "Manifest: {} packages waiting for the carrier, {} handed over today ({}).",
        count(waiting),
        count(rows.len() as u64 - waiting),
        today.format("%Y-%m-%d")
    );
    Ok(Report {
        name: "manifest",
        facts: vec![("date", Value::Text(today.format("%Y-%m-%d").to_string())), ("waiting", Value::Count(waiting))],
        summary,
        empty: "No packages are packed or handed over today.".into(),
        columns: COLUMNS.to_vec(),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Value::Text(r.carrier),
                    r.manifest.map_or_else(|| Value::Text("waiting".into()), |id| Value::Text(format!("M{id}"))),
                    Value::Text(r.order.to_string()),
                    Value::Text(format!("{}/{}", r.package_no, r.packages)),
                    Value::Text(r.service),
                    Value::Text(r.tracking),
                    Value::Text(r.sscc),
                    Value::Count(u64::from(r.weight_g)),
                    Value::text_or_null(r.closed_at.map(|t| t.format("%H:%M").to_string())),
                ]
            })
            .collect(),
    })
}
