//! Reading the audit trail across subjects (`packline report audit`):
//! events from a time on, newest first, optionally of one kind, about one
//! subject or by one operator. The time bound seeks `events_at` (migration
//! 0007); a subject seeks `events_subject`; kind and operator filter the rows
//! read. Always bounded by a limit.

use crate::store::db::Row;
use chrono::{DateTime, Utc};

use super::{Result, Store};
use crate::domain::queue::EventRecord;

/// Which events [`Store::audit_events`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Events at or after this time.
    pub since: DateTime<Utc>,
    /// Only events of this kind (`scan_refused`, `status_changed`, ...).
    pub kind: Option<String>,
    /// Only events about this subject (`order:12`, `wave:3`, `operator:EMP-0004`).
    pub subject: Option<String>,
    /// Only events by this operator's badge.
    pub operator: Option<String>,
    /// At most this many events.
    pub limit: usize,
}

impl AuditQuery {
    /// Every event since `since`, at most `limit`.
    #[must_use]
    pub fn since(since: DateTime<Utc>, limit: usize) -> Self {
        Self { since, kind: None, subject: None, operator: None, limit }
    }

    /// The statement for this query, with only the conditions it uses, and its values.
    fn sql(&self) -> (String, Vec<(&'static str, &dyn crate::store::db::Param)>) {
        let mut sql = String::from(
            "SELECT id, at_ms, station, operator, kind, subject, details FROM events WHERE at_ms >= :since",
        );
        let mut named: Vec<(&'static str, &dyn crate::store::db::Param)> = Vec::with_capacity(5);
        for (column, name, value) in [
            ("kind", ":kind", &self.kind),
            ("subject", ":subject", &self.subject),
            ("operator", ":operator", &self.operator),
        ] {
            if let Some(value) = value {
                for part in [" AND ", column, " = ", name] {
                    sql.push_str(part);
                }
                named.push((name, value));
            }
        }
        sql.push_str(" ORDER BY at_ms DESC, id DESC LIMIT :limit");
        (sql, named)
    }
}

/// One event of the audit trail with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its place in the trail (ties in time are ordered by it).
    pub id: i64,
    /// What it is about: `order:12`, `wave:3`, `operator:EMP-0004`, ...
    pub subject: String,
    pub event: EventRecord,
}

fn read_event(r: &Row<'_>) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.get(0)?,
        subject: r.get(5)?,
        event: EventRecord {
            at: DateTime::<Utc>::from_timestamp_millis(r.get(1)?).unwrap_or_default(),
            station: r.get(2)?,
            operator: r.get(3)?,
            kind: r.get(4)?,
            details: r.get(6)?,
        },
    })
}

impl Store {
    /// The events `query` asks for, newest first (by time, then by their
    /// order in the trail).
    pub fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>> {
        let (sql, mut named) = query.sql();
        let since = query.since.timestamp_millis();
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        named.extend([(":since", &since as &dyn crate::store::db::Param), (":limit", &limit)]);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(named.as_slice(), read_event)?;
        rows.collect::<Result<Vec<_>>>()
    }

    /// SQLite's query plan for [`Store::audit_events`] (a diagnostic: the
    /// tests check the trail is sought through an index, never scanned).
    pub fn explain_audit_events(&self, query: &AuditQuery) -> Result<Vec<String>> {
        let (sql, mut named) = query.sql();
        let since = query.since.timestamp_millis();
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        named.extend([(":since", &since as &dyn crate::store::db::Param), (":limit", &limit)]);
        self.conn.explain(&sql, named.as_slice())
    }
}
