//! The dashboard's figures as a supervisor reads them: durations (`42m`,
//! `3h05m`, `1d4h`), ages (`12m`, `3h`, `2d`), countdowns, rates per hour
//! and percentages. A figure that is not known is a dash.

use chrono::{DateTime, Utc};

/// What a figure that is not known shows.
pub(super) const DASH: &str = "—";

/// Whole minutes as `42m`, `3h05m` or `1d4h`.
pub(super) fn minutes(minutes: u64) -> String {
    match minutes {
        0..60 => format!("{minutes}m"),
        60..1440 => format!("{}h{:02}m", minutes / 60, minutes % 60),
        _ => format!("{}d{}h", minutes / 1440, minutes / 60 % 24),
    }
}

/// A KPI's minutes, or a dash.
pub(super) fn maybe_minutes(value: Option<u64>) -> String {
    value.map_or_else(|| DASH.to_owned(), minutes)
}

/// How long ago `since` was, in its largest unit: `now`, `12m`, `3h`, `2d`.
pub(super) fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => "now".to_owned(),
        1..60 => format!("{minutes}m"),
        60..1440 => format!("{}h", minutes / 60),
        _ => format!("{}d", minutes / 1440),
    }
}

/// Time left until `until`: `in 35m`, `in 1h12m`, `in 1d4h`; `in <1m` in
/// its last minute and `passed` after it.
pub(super) fn countdown(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (until - now).num_seconds();
    match seconds {
        ..=0 => "passed".to_owned(),
        1..60 => "in <1m".to_owned(),
        _ => format!("in {}", minutes(seconds as u64 / 60)),
    }
}

/// A ratio (0 to 1) as a percentage with one decimal: `96.2%`, `0.4%`,
/// `100%`; a dash when unknown.
pub(super) fn percent(ratio: Option<f64>) -> String {
    match ratio {
        Some(ratio) if ratio.is_finite() => {
            let shown = format!("{:.1}", ratio * 100.0);
            if shown == "100.0" { "100%".to_owned() } else { format!("{shown}%") }
        }
        _ => DASH.to_owned(),
    }
}

/// A rate per hour: whole from 10 up (`142`), one decimal below (`8.5`),
/// `0` for none.
pub(super) fn per_hour(rate: f64) -> String {
    if !rate.is_finite() {
        DASH.to_owned()
    } else if rate <= 0.0 {
        "0".to_owned()
    } else if rate >= 9.95 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

/// A time of day: `14:00` today, `11-22 14:00` on another day.
pub(super) fn clock(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at.date_naive() == now.date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%m-%d %H:%M").to_string()
    }
}
