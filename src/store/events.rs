//! The append-only audit trail: one row per state change, written in the same
//! transaction as the change itself.

use crate::store::db::{Db, params};
use chrono::{DateTime, Utc};

use super::Result;

use crate::domain::{Actor, queue::EventRecord};

/// The statement that appends one event (time, station, operator, kind, subject, details).
pub(super) const APPEND: &str =
    "INSERT INTO events (at_ms, station, operator, kind, subject, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Appends one event.
pub(super) fn append(conn: &Db, at_ms: i64, actor: &Actor, kind: &str, subject: &str, details: &str) -> Result<()> {
    conn.prepare_cached(APPEND)?.execute(params![at_ms, actor.station, actor.operator, kind, subject, details])?;
    Ok(())
}

/// The newest `limit` events about `subject`, newest first.
pub(super) fn for_subject(conn: &Db, subject: &str, limit: usize) -> Result<Vec<EventRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at_ms, station, operator, kind, details FROM events WHERE subject = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![subject, limit as i64], |r| {
        Ok(EventRecord {
            at: DateTime::<Utc>::from_timestamp_millis(r.get(0)?).unwrap_or_default(),
            station: r.get(1)?,
            operator: r.get(2)?,
            kind: r.get(3)?,
            details: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The subject name of an order's events.
pub(super) fn order_subject(id: i64) -> String {
    format!("order:{id}")
}
