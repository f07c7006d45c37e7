//! `packline report kpis`: the dashboard's figures (F7) as a report, built
//! by the same code from the same counters, so the two cannot disagree. One
//! row per figure with its value today (the UTC day) and over the KPI window
//! (`[dashboard] kpi_days`, today included); queue figures have only today's.

use super::{Column, Report, Value};
use crate::domain::dashboard::{Dashboard, Kpis};

/// The report's columns.
pub const COLUMNS: [Column; 4] = [
    Column::left("figure", "FIGURE"),
    Column::right("today", "TODAY"),
    Column::right("window", "WINDOW"),
    Column::left("unit", "UNIT"),
];

/// The report of `dashboard`.
#[must_use]
pub fn build(dashboard: &Dashboard) -> Report {
    let (today, week) = (&dashboard.today, &dashboard.week);
    let now_only = |figure: &str, value: Value, unit: &str| {
        vec![Value::Text(figure.to_owned()), value, Value::Null, Value::Text(unit.to_owned())]
    };
    let both = |figure: &str, of: &dyn Fn(&Kpis) -> Value, unit: &str| {
        vec![Value::Text(figure.to_owned()), of(today), of(week), Value::Text(unit.to_owned())]
    };
    let minutes = |m: Option<u64>| m.map_or(Value::Null, Value::Count);
    let rows = vec![
        now_only("open_orders", Value::Count(dashboard.open_total), "orders"),
        now_only("late_orders", Value::Count(dashboard.late), "orders"),
        now_only("units_last_hour", Value::Count(dashboard.units_last_hour), "units"),
        now_only("units_per_hour", Value::Decimal(dashboard.units_per_hour_today), "units/h"),
        both("shipped_orders", &|k| Value::Count(k.shipped_orders), "orders"),
        both("shipped_units", &|k| Value::Count(k.shipped_units), "units"),
        both("cycle_time_p50", &|k| minutes(k.cycle_p50_minutes), "minutes"),
        both("cycle_time_p90", &|k| minutes(k.cycle_p90_minutes), "minutes"),
        both("on_time_rate", &|k| Value::percent_or_null(k.on_time_rate), "%"),
        both("pick_lines", &|k| Value::Count(k.pick_lines), "lines"),
        both("picking_accuracy", &|k| Value::percent_or_null(k.picking_accuracy), "%"),
        both("pick_errors_per_line", &|k| Value::percent_or_null(k.pick_errors_per_line), "% of lines"),
        both("returned_units", &|k| Value::Count(k.returned_units), "units"),
        both("returns_rate", &|k| Value::percent_or_null(k.returns_rate), "%"),
    ];
    let pct = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |x| format!("{:.1}%", x * 100.0));
    Report {
        name: "kpis",
        facts: vec![
            ("at", Value::Text(dashboard.now.format("%Y-%m-%dT%H:%M:%SZ").to_string())),
            ("window_days", Value::Count(u64::from(week.days))),
        ],
        summary: format!(
            "{} open orders, {} late; shipped today {} orders. Over {} days: on time {}, picking accuracy {}, returns {}.",
            dashboard.open_total,
            dashboard.late,
            today.shipped_orders,
            week.days,
            pct(week.on_time_rate),
            pct(week.picking_accuracy),
            pct(week.returns_rate),
        ),
        empty: String::new(),
        columns: COLUMNS.to_vec(),
        rows,
    }
}
