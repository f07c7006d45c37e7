//! `packline report operators`: today's work per operator (the UTC day), as
//! the dashboard's operator table shows it: picks and packs per active hour,
//! short lines and the scan error rate (refused scans over all scans).

use super::{Column, Report, Value};
use crate::domain::dashboard::Dashboard;

/// The report's columns.
pub const COLUMNS: [Column; 13] = [
    Column::left("badge", "BADGE"),
    Column::left("name", "NAME"),
    Column::left("role", "ROLE"),
    Column::right("active_hours", "HOURS"),
    Column::right("pick_lines", "LINES"),
    Column::right("picked_units", "PICKED"),
    Column::right("picks_per_hour", "PICKS/H"),
    Column::right("short_lines", "SHORT"),
    Column::right("packed_units", "PACKED"),
    Column::right("packed_orders", "ORDERS"),
    Column::right("packs_per_hour", "PACKS/H"),
    Column::right("refused_scans", "REFUSED"),
    Column::right("scan_error_rate", "ERR%"),
];

/// The report of `dashboard`.
#[must_use]
pub fn build(dashboard: &Dashboard) -> Report {
    let rows: Vec<Vec<Value>> = dashboard
        .operators
        .iter()
        .map(|row| {
            let f = &row.facts;
            vec![
                Value::Text(f.badge.clone()),
                Value::Text(f.name.clone()),
                Value::text_or_null(f.role),
                Value::Count(f.active_hours),
                Value::Count(f.pick_lines),
                Value::Count(f.picked_units),
                Value::Decimal(row.picks_per_hour),
                Value::Count(f.short_lines),
                Value::Count(f.packed_units),
                Value::Count(f.packed_orders),
                Value::Decimal(row.packs_per_hour),
                Value::Count(f.refused_scans),
                Value::percent_or_null(row.scan_error_rate),
            ]
        })
        .collect();
    let day = dashboard.now.date_naive();
    Report {
        name: "operators",
        facts: vec![("day", Value::Text(day.to_string()))],
        summary: format!("{} operator{} worked on {day} (UTC).", rows.len(), if rows.len() == 1 { "" } else { "s" }),
        empty: format!("Nobody has picked, packed or scanned on {day} (UTC) yet."),
        columns: COLUMNS.to_vec(),
        rows,
    }
}
