//! The outbox: work for the sync written in the same transaction as what it
//! reports, sent at least once and recorded exactly once.
//!
//! Times are unix seconds like the rest of the outbox; `next_attempt_at` is
//! rounded up to the second, so a row never comes due before the time it was
//! deferred to (a channel's `Retry-After` is honoured, at most a second late).

use crate::store::db::{Db, OptionalExt, Row, params};
use chrono::{DateTime, Utc};

use super::sync::{ERROR_CHARS, truncate};
use super::tracking::{clear_open_alert, raise_alert};
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::Actor;
use crate::domain::sync::{OutboxRow, OutboxState};
use crate::domain::text::sanitize;

const COLUMNS: &str = "id, kind, idempotency_key, channel, payload, created_at, attempts, state, next_attempt_at,
        last_error, sent_at, remote_id";

/// Due rows: a seek on `outbox_due` (state, channel, kind) in id order.
fn due_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE state = 'pending' AND channel = ?1 AND kind = ?2 AND (next_attempt_at IS NULL OR next_attempt_at <= ?3)
         ORDER BY id LIMIT ?4"
    )
}

impl Store {
    /// Pending rows of `kind` for `channel` that are due at `now` (no
    /// `next_attempt_at`, or one not after `now`), oldest first.
    pub fn outbox_due(&self, channel: &str, kind: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare_cached(&due_sql())?;
        let rows = stmt.query_map(params![channel, kind, now.timestamp(), limit as i64], read_row)?;
        rows.collect::<Result<_>>()
    }

    /// SQLite's plan for [`Store::outbox_due`], one line per step (for the
    /// test that it is an index seek, never a scan of the outbox).
    pub fn explain_outbox_due(&self) -> Result<Vec<String>> {
        self.conn.explain(&due_sql(), params!["shop", "shipment", 0_i64, 10_i64])
    }

    /// One row by id.
    pub fn outbox_row(&self, id: i64) -> Result<Option<OutboxRow>> {
        row_by_id(&self.conn, id)
    }

    /// Counts an attempt before its request goes out (committed first, so a
    /// crash mid-request leaves `attempts > 0` and the next try looks the
    /// work up at the channel before sending again). Returns the new count.
    /// Refused unless the row is pending.
    pub fn outbox_begin_attempt(&mut self, id: i64) -> Result<u32> {
        self.write(|tx| {
            let attempts: Option<i64> = tx
                .prepare_cached(
                    "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1 AND state = 'pending' RETURNING attempts",
                )?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match attempts {
                Some(n) => Ok(n.max(0) as u32),
                None => Err(not_pending(tx, id, "sent")?),
            }
        })
    }

    /// The channel has it: `sent`, with the channel's id for it and an
    /// audit event. A row already sent is left alone (returns `false`); a
    /// failed or skipped row is refused (a supervisor decided about it).
    pub fn outbox_sent(&mut self, actor: &Actor, id: i64, remote_id: &str, note: &str) -> Result<bool> {
        let remote_id = sanitize(remote_id);
        let note = sanitize(note);
        self.write(|tx| {
            let at = now_ms();
            let changed = tx
                .prepare_cached(
                    "UPDATE outbox SET state = 'sent', sent_at = ?2, remote_id = ?3, next_attempt_at = NULL
                     WHERE id = ?1 AND state = 'pending'",
                )?
                .execute(params![id, at / 1000, remote_id])?;
            if changed == 0 {
                return match state_of(tx, id)? {
                    Some(OutboxState::Sent) => Ok(false),
                    _ => Err(not_pending(tx, id, "recorded as sent")?),
                };
            }
            let row = row_by_id(tx, id)?.ok_or_else(|| missing(id))?;
            let sep = if note.is_empty() { "" } else { "; " };
            let details =
                format!("{} {} to {}: remote id {remote_id}{sep}{note}", row.kind, row.idempotency_key, row.channel);
            events::append(tx, at, actor, "outbox_sent", &subject(id), &truncate(&details, ERROR_CHARS))?;
            Ok(true)
        })
    }

    /// A failure that may pass: stays pending, not before `next_at`
    /// (rounded up to the second).
    pub fn outbox_defer(&mut self, id: i64, error: &str, next_at: DateTime<Utc>) -> Result<()> {
        let error = truncate(&sanitize(error), ERROR_CHARS);
        let next = next_at.timestamp() + i64::from(next_at.timestamp_subsec_nanos() > 0);
        self.write(|tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE outbox SET next_attempt_at = ?2, last_error = ?3 WHERE id = ?1 AND state = 'pending'",
                )?
                .execute(params![id, next, error])?;
            if changed == 0 {
                return Err(not_pending(tx, id, "deferred")?);
            }
            Ok(())
        })
    }

    /// Refused for good: `failed` with the reason (truncated), an audit event
    /// and a `sync_failed` alert; other rows go on.
    pub fn outbox_fail(&mut self, actor: &Actor, id: i64, error: &str) -> Result<()> {
        let error = truncate(&sanitize(error), ERROR_CHARS);
        self.write(|tx| {
            let at = now_ms();
            let changed = tx
                .prepare_cached(
                    "UPDATE outbox SET state = 'failed', last_error = ?2, next_attempt_at = NULL
                     WHERE id = ?1 AND state = 'pending'",
                )?
                .execute(params![id, error])?;
            if changed == 0 {
                return Err(not_pending(tx, id, "marked failed")?);
            }
            let row = row_by_id(tx, id)?.ok_or_else(|| missing(id))?;
            let message = format!("{} {} refused by {}: {error}", row.kind, row.idempotency_key, row.channel);
            raise_alert(tx, "sync_failed", &subject(id), &message, at / 1000)?;
            events::append(tx, at, actor, "outbox_failed", &subject(id), &error)?;
            Ok(())
        })
    }

    /// A supervisor sends a failed (or waiting) row again now. Audited; its
    /// `sync_failed` alert is cleared.
    pub fn outbox_retry(&mut self, actor: &Actor, id: i64) -> Result<()> {
        self.write(|tx| supervisor_decides(tx, actor, id, OutboxState::Pending, ""))
    }

    /// A supervisor decides a failed or pending row is not to be sent.
    /// Audited with why (required); its `sync_failed` alert is cleared.
    pub fn outbox_skip(&mut self, actor: &Actor, id: i64, why: &str) -> Result<()> {
        let why = sanitize(why);
        if why.is_empty() {
            return Err(StoreError::Invalid(format!("say why outbox entry {id} is not to be sent")));
        }
        self.write(|tx| supervisor_decides(tx, actor, id, OutboxState::Skipped, &why))
    }

    /// Rows in any of `states`, newest first (the sync screen). One seek on
    /// `outbox_state` per state, merged.
    pub fn outbox_rows(&self, states: &[OutboxState], limit: usize) -> Result<Vec<OutboxRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE state = ?1 ORDER BY id DESC LIMIT ?2"))?;
        let mut states = states.to_vec();
        states.sort_unstable_by_key(|s| s.as_str());
        states.dedup();
        let mut rows = Vec::new();
        for state in states {
            let found = stmt.query_map(params![state.as_str(), limit as i64], read_row)?;
            for row in found {
                rows.push(row?);
            }
        }
        rows.sort_unstable_by_key(|row| std::cmp::Reverse(row.id));
        rows.truncate(limit);
        Ok(rows)
    }
}

/// A failed or pending row made pending again (`to` pending: sent at once)
/// or skipped, with its alert cleared and the decision audited.
fn supervisor_decides(tx: &Db, actor: &Actor, id: i64, to: OutboxState, why: &str) -> Result<()> {
    let at = now_ms();
    let from = state_of(tx, id)?.ok_or_else(|| missing(id))?;
    let changed = tx
        .prepare_cached(
            "UPDATE outbox SET state = ?2, next_attempt_at = NULL WHERE id = ?1 AND state IN ('failed', 'pending')",
        )?
        .execute(params![id, to.as_str()])?;
    let (kind, refusal) = match to {
        OutboxState::Skipped => ("outbox_skipped", "it cannot be skipped"),
        _ => ("outbox_retried", "there is nothing to retry"),
    };
    if changed == 0 {
        return Err(StoreError::Invalid(format!("outbox entry {id} is {from}: {refusal}")));
    }
    clear_open_alert(tx, actor, "sync_failed", &subject(id), at / 1000)?;
    let details = if why.is_empty() { format!("{from} -> {to}") } else { format!("{from} -> {to}: {why}") };
    events::append(tx, at, actor, kind, &subject(id), &truncate(&details, ERROR_CHARS))?;
    Ok(())
}

/// The subject of an outbox row's events and alerts.
fn subject(id: i64) -> String {
    format!("outbox:{id}")
}

fn missing(id: i64) -> StoreError {
    StoreError::Invalid(format!("outbox entry {id} does not exist"))
}

/// Why a row that had to be pending was not: it does not exist, or its state.
fn not_pending(tx: &Db, id: i64, what: &str) -> Result<StoreError> {
    Ok(match state_of(tx, id)? {
        None => missing(id),
        Some(state) => StoreError::Invalid(format!("outbox entry {id} is {state}: it cannot be {what}")),
    })
}

fn state_of(conn: &Db, id: i64) -> Result<Option<OutboxState>> {
    let state: Option<String> =
        conn.prepare_cached("SELECT state FROM outbox WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    state.map(|s| s.parse().map_err(StoreError::Invalid)).transpose()
}

fn row_by_id(conn: &Db, id: i64) -> Result<Option<OutboxRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?.query_row([id], read_row).optional()
}

fn read_row(r: &Row<'_>) -> Result<OutboxRow> {
    let time = |i: usize| -> Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.and_then(|s| DateTime::from_timestamp(s, 0)))
    };
    let state: String = r.get(7)?;
    Ok(OutboxRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        idempotency_key: r.get(2)?,
        channel: r.get(3)?,
        payload: r.get(4)?,
        created_at: time(5)?.unwrap_or_default(),
        attempts: r.get::<_, i64>(6)?.max(0) as u32,
        state: state.parse().map_err(|e: String| crate::store::db::bad_column(7, e))?,
        next_attempt_at: time(8)?,
        last_error: r.get(9)?,
        sent_at: time(10)?,
        remote_id: r.get(11)?,
    })
}
