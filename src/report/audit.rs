//! `packline report audit`: the audit trail newest first (time in UTC,
//! station, operator, kind, subject, details), from a day on (by default the
//! last [`DEFAULT_DAYS`] days), optionally of one kind, about one subject or
//! by one operator; at most `--limit` events (default [`super::DEFAULT_LIMIT`]).
//!
//! The store seeks the time bound (`events_at`) or the subject
//! (`events_subject`); see `Store::explain_audit_events`.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Column, Report, Value};
use crate::domain::OrderNumber;
use crate::domain::text::sanitize;
use crate::store::{self, AuditQuery, Store};
use crate::widgets::format::count;

/// Without `--since`, the report covers this many days before now.
pub const DEFAULT_DAYS: i64 = 7;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 6] = [
    Column::left("at", "TIME (UTC)"),
    Column::left("station", "STATION"),
    Column::left("operator", "OPERATOR"),
    Column::left("kind", "KIND"),
    Column::left("subject", "SUBJECT"),
    Column::left("details", "DETAILS"),
];

/// What the report lists (the command line's audit options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    /// From this day on (00:00 UTC); `None`: the last [`DEFAULT_DAYS`] days.
    pub since: Option<NaiveDate>,
    pub kind: Option<String>,
    /// A subject (`order:12`), or an order or wave number (`ORD-000012`, `WAVE-000003`).
    pub subject: Option<String>,
    /// An operator's badge.
    pub operator: Option<String>,
    pub limit: usize,
}

impl Default for Filters {
    fn default() -> Self {
        Self { since: None, kind: None, subject: None, operator: None, limit: super::DEFAULT_LIMIT }
    }
}

/// The subject events are stored under: `ORD-000012` is `order:12`,
/// `WAVE-000003` is `wave:3`; anything else is taken as it is.
#[must_use]
pub fn subject(text: &str) -> String {
    let text = text.trim();
    let prefixed = |prefix: &str| text.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if prefixed("ORD-")
        && let Ok(number) = text.parse::<OrderNumber>()
    {
        return format!("order:{}", number.0);
    }
    if prefixed("WAVE-")
        && let Ok(number) = text[5..].parse::<u64>()
    {
        return format!("wave:{number}");
    }
    text.to_owned()
}

/// The report at `now`.
pub fn build(store: &Store, filters: &Filters, now: DateTime<Utc>) -> store::Result<Report> {
    let since = filters
        .since
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or_else(|| now - Duration::days(DEFAULT_DAYS), |t| t.and_utc());
    let query = AuditQuery {
        since,
        kind: filters.kind.clone(),
        subject: filters.subject.as_deref().map(subject),
        operator: filters.operator.clone(),
        // One more than shown tells whether the limit cut the list.
        limit: filters.limit.saturating_add(1),
    };
    let mut events = store.audit_events(&query)?;
    let more = events.len() > filters.limit;
    events.truncate(filters.limit);

    let since_text = since.format("%Y-%m-%d %H:%M").to_string();
    let mut narrowed = Vec::new();
    for (label, value) in [("kind", &query.kind), ("subject", &query.subject), ("operator", &query.operator)] {
        if let Some(value) = value {
            narrowed.push(format!("{label} {}", sanitize(value)));
        }
    }
    let mut summary =
        format!("Audit trail since {since_text} UTC: {} events, newest first", count(events.len() as u64));
    if !narrowed.is_empty() {
        summary = format!("{summary} ({})", narrowed.join(", "));
    }
    summary.push('.');
    if more {
        summary = format!(
            "{summary} Only the newest {}: more match (narrow with --since, --kind, --subject or --operator, or raise --limit).",
            count(filters.limit as u64)
        );
    }
    let text = |t: &str| Value::Text(sanitize(t).into_owned());
    let optional = |t: &Option<String>| t.as_deref().map_or(Value::Null, text);
    Ok(Report {
        name: "audit",
        facts: vec![
            ("since", Value::Text(since.format("%Y-%m-%dT%H:%M:%SZ").to_string())),
            ("kind", optional(&query.kind)),
            ("subject", optional(&query.subject)),
            ("operator", optional(&query.operator)),
            ("limit", Value::Count(filters.limit as u64)),
            ("more", Value::Text(if more { "yes" } else { "no" }.into())),
        ],
        summary,
        empty: "No event matches.".into(),
        columns: COLUMNS.to_vec(),
        rows: events
            .iter()
            .map(|e| {
                vec![
                    Value::Text(e.event.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                    text(&e.event.station),
                    text(&e.event.operator),
                    text(&e.event.kind),
                    text(&e.subject),
                    text(&e.event.details),
                ]
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::subject;

    #[test]
    fn order_and_wave_numbers_become_subjects() {
        assert_eq!(subject("ORD-000012"), "order:12");
        assert_eq!(subject(" ord-12 "), "order:12");
        assert_eq!(subject("WAVE-000003"), "wave:3");
        assert_eq!(subject("order:7"), "order:7");
        assert_eq!(subject("operator:EMP-0004"), "operator:EMP-0004");
        assert_eq!(subject("ORD-x"), "ORD-x");
        assert_eq!(subject("É"), "É", "no slicing inside a character");
    }
}
