//! The sync's own records: each channel's cursor and health, storing a page
//! of channel orders together with the cursor that follows it, and the lease
//! that lets one worker per store run the sync.

use crate::store::db::{Db, OptionalExt, Row, params};
use chrono::{DateTime, Utc};

use super::allocation::Allocator;
use super::inserter::intake;
use super::orders::{current_status, transition};
use super::tracking::{clear_open_alert, raise_alert};
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::sync::{ChannelOrder, ChannelState, ChannelSync, PageSummary, SyncHealth, SyncWorker};
use crate::domain::text::sanitize;
use crate::domain::{Actor, NewOrder, OrderNumber, OrderStatus, Verdict};

/// Errors kept for the supervisor are cut to about this many characters.
pub(super) const ERROR_CHARS: usize = 500;

/// What a newer cancelled copy did to a stored order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChannelCancel {
    /// No work had started: cancelled here, stock released.
    Cancelled,
    /// Work had started: flagged for the supervisor.
    Flagged,
    /// Cancelled or flagged already.
    Unchanged,
}

impl Store {
    /// Stores one page of a channel's orders and, in the same transaction,
    /// moves the channel's cursor to `cursor` (when given), counts the
    /// orders imported and records a successful pull. Idempotent on
    /// (channel, external id); a copy whose `updated_at` is not newer than
    /// the stored one changes nothing. New orders are checked (`check`) and
    /// allocated as in [`Store::import_checked`]. A cancelled order that is
    /// new here is stored `cancelled`; a stored order the channel cancelled
    /// is cancelled (stock released) while no work has started on it, and
    /// otherwise flagged for the supervisor (`channel_cancelled_at`, an
    /// alert, an event).
    pub fn store_channel_page(
        &mut self,
        actor: &Actor,
        channel: &str,
        orders: &[ChannelOrder],
        cursor: Option<&str>,
        check: &mut dyn FnMut(&NewOrder) -> Verdict,
    ) -> Result<PageSummary> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            if let Some(stray) = orders.iter().find(|c| c.order.channel != channel) {
                return Err(StoreError::Invalid(format!(
                    "order {} of channel {:?} arrived in a page of {:?}; nothing was stored",
                    sanitize(&stray.order.external_id),
                    sanitize(&stray.order.channel),
                    sanitize(channel)
                )));
            }
            let channel_id = sync_row(tx, channel)?;
            let arrivals = orders.iter().map(|c| (&c.order, c.cancelled_at));
            let summary = intake(tx, &allocator, arrivals, check, true, &mut |_| {})?;
            tx.prepare_cached(
                "UPDATE channel_sync SET cursor = coalesce(?2, cursor), orders_imported = orders_imported + ?3
                 WHERE channel_id = ?1",
            )?
            .execute(params![channel_id, cursor, summary.inserted as i64])?;
            succeeded(tx, channel_id, channel, Utc::now())?;
            Ok(summary)
        })
    }

    /// A channel's sync record (`None` for a channel the store does not know).
    pub fn channel_sync(&self, channel: &str) -> Result<Option<ChannelSync>> {
        let sql = format!(
            "{CHANNEL_SELECT} FROM channels c LEFT JOIN channel_sync s ON s.channel_id = c.id WHERE c.code = ?1"
        );
        let Some(mut record) = self.conn.prepare_cached(&sql)?.query_row([channel], read_channel).optional()? else {
            return Ok(None);
        };
        let mut count = self.conn.prepare_cached("SELECT count(*) FROM outbox WHERE state = ?1 AND channel = ?2")?;
        record.pending = count.query_row(["pending", channel], |r| r.get::<_, i64>(0))? as u64;
        record.failed = count.query_row(["failed", channel], |r| r.get::<_, i64>(0))? as u64;
        Ok(Some(record))
    }

    /// Records a successful contact with a channel (state back to `ok`).
    pub fn record_sync_success(&mut self, channel: &str, at: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let channel_id = sync_row(tx, channel)?;
            succeeded(tx, channel_id, channel, at)
        })
    }

    /// Records a failed contact: the channel's state and the error, worded
    /// for the supervisor (never a token). `TokenRejected` also raises a
    /// `token_rejected` alert; `Ok` is not an error state and is refused.
    pub fn record_sync_error(
        &mut self,
        channel: &str,
        state: ChannelState,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if state == ChannelState::Ok {
            return Err(StoreError::Invalid("a sync error needs a failing state, not ok".into()));
        }
        let error = truncate(&sanitize(error), ERROR_CHARS);
        self.write(|tx| {
            let channel_id = sync_row(tx, channel)?;
            let previous = state_of(tx, channel_id)?;
            tx.prepare_cached(
                "UPDATE channel_sync SET last_pull_at = ?2, state = ?3, last_error = ?4, last_error_at = ?2
                 WHERE channel_id = ?1",
            )?
            .execute(params![channel_id, at.timestamp(), state.as_str(), error])?;
            let subject = channel_subject(channel);
            if previous != state {
                let details = format!("{previous} -> {state}: {error}");
                events::append(tx, now_ms(), &sync_actor(), "channel_sync_state", &subject, &details)?;
            }
            if state == ChannelState::TokenRejected {
                let message = format!(
                    "{} refused the API token; the channel is stopped until the token file is fixed ({error})",
                    sanitize(channel)
                );
                raise_alert(tx, "token_rejected", &subject, &message, at.timestamp())?;
            }
            Ok(())
        })
    }

    /// The sync at a glance: every channel's record with its outbox counts,
    /// the totals and the worker's lease. A handful of indexed reads.
    pub fn sync_health(&self) -> Result<SyncHealth> {
        let sql =
            format!("{CHANNEL_SELECT} FROM channel_sync s JOIN channels c ON c.id = s.channel_id ORDER BY c.code");
        let mut channels = self.conn.prepare_cached(&sql)?.query_map((), read_channel)?.collect::<Result<Vec<_>>>()?;
        let mut health = SyncHealth::default();
        // Per channel, by the (state, channel, ...) index: only the pending
        // and failed entries are read, never the sent history.
        let mut counts = self.conn.prepare_cached(OUTBOX_COUNTS)?;
        let mut oldest: Option<i64> = None;
        for state in ["pending", "failed"] {
            let rows = counts.query_map([state], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?)))?;
            for row in rows {
                let (code, n, first): (String, i64, i64) = row?;
                let n = n as u64;
                // A channel with work waiting but no sync record yet (no connector has run for it) is listed too.
                if !channels.iter().any(|c| c.code == code) {
                    let sql = format!(
                        "{CHANNEL_SELECT} FROM channels c LEFT JOIN channel_sync s ON s.channel_id = c.id WHERE c.code = ?1"
                    );
                    let found = self.conn.prepare_cached(&sql)?.query_row([&code], read_channel).optional()?;
                    channels.extend(found);
                }
                let record = channels.iter_mut().find(|c| c.code == code);
                if state == "pending" {
                    health.pending += n;
                    oldest = Some(oldest.map_or(first, |o| o.min(first)));
                    if let Some(record) = record {
                        record.pending = n;
                    }
                } else {
                    health.failed += n;
                    if let Some(record) = record {
                        record.failed = n;
                    }
                }
            }
        }
        if let Some(id) = oldest {
            let created: i64 = self
                .conn
                .prepare_cached("SELECT created_at FROM outbox WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
            health.oldest_pending = DateTime::from_timestamp(created, 0);
        }
        channels.sort_by(|a, b| a.code.cmp(&b.code));
        health.channels = channels;
        health.worker = lease(&self.conn)?.filter(|w| w.until.timestamp_millis() > now_ms());
        Ok(health)
    }

    /// SQLite's plan for the outbox counts of [`Store::sync_health`] (for
    /// the test that they read the index, never the outbox itself).
    pub fn explain_sync_health(&self) -> Result<Vec<String>> {
        self.conn.explain(OUTBOX_COUNTS, ["pending"])
    }

    /// Takes or renews the sync lease for the actor's station until `lease_ms`
    /// from now. `Ok(None)`: it is ours. `Ok(Some(worker))`: another station
    /// holds it and its lease still runs. The same station takes its own
    /// lease back at once (a restarted `packline sync` on the same host).
    pub fn take_sync_lease(&mut self, actor: &Actor, lease_ms: i64) -> Result<Option<SyncWorker>> {
        if lease_ms <= 0 {
            return Err(StoreError::Invalid(format!("a sync lease must last some time, not {lease_ms} ms")));
        }
        self.write(|tx| {
            let at = now_ms();
            tx.execute("INSERT INTO sync_lease (id) VALUES (1) ON CONFLICT (id) DO NOTHING", ())?;
            let previous = lease(tx)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE sync_lease SET station = ?1,
                         since_ms = CASE WHEN station = ?1 AND until_ms > ?2 THEN since_ms ELSE ?2 END,
                         until_ms = ?2 + ?3
                     WHERE id = 1 AND (station IS NULL OR until_ms <= ?2 OR station = ?1)",
                )?
                .execute(params![actor.station, at, lease_ms])?;
            if changed != 1 {
                return Ok(previous);
            }
            let details = match previous {
                Some(p) if p.station == actor.station && p.until.timestamp_millis() > at => return Ok(None),
                Some(p) => format!("the lease of {} had expired", p.station),
                None => "free".to_owned(),
            };
            events::append(tx, at, actor, "sync_lease_taken", "sync", &details)?;
            Ok(None)
        })
    }

    /// Gives the sync lease back if the actor's station holds it.
    pub fn release_sync_lease(&mut self, actor: &Actor) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE sync_lease SET station = NULL, since_ms = NULL, until_ms = NULL WHERE id = 1 AND station = ?1",
                [&actor.station],
            )?;
            if changed == 1 {
                events::append(tx, now_ms(), actor, "sync_lease_released", "sync", "given back")?;
            }
            Ok(())
        })
    }
}

/// A stored order its channel cancelled (a newer copy says so): cancelled
/// here like a supervisor's cancellation while no work has started on it
/// (new, held, ready, backordered); flagged for the supervisor once it is
/// on the floor or beyond (`channel_cancelled_at`, a `channel_cancelled`
/// alert, an event), its status unchanged.
pub(super) fn cancelled_at_channel(
    tx: &Db,
    allocator: &Allocator<'_>,
    id: i64,
    cancelled_at: DateTime<Utc>,
) -> Result<ChannelCancel> {
    let number = OrderNumber(id);
    let status = current_status(tx, number)?;
    match status {
        OrderStatus::New | OrderStatus::Held | OrderStatus::Ready | OrderStatus::Backordered => {
            transition(tx, allocator, number, status, OrderStatus::Cancelled, "cancelled at the channel")?;
            Ok(ChannelCancel::Cancelled)
        }
        OrderStatus::Cancelled => Ok(ChannelCancel::Unchanged),
        OrderStatus::Waved if take_out_of_wave(tx, allocator, number)? => Ok(ChannelCancel::Cancelled),
        _ => {
            let flagged = tx
                .prepare_cached(
                    "UPDATE orders SET channel_cancelled_at = ?2 WHERE id = ?1 AND channel_cancelled_at IS NULL",
                )?
                .execute(params![id, cancelled_at.timestamp()])?;
            if flagged == 0 {
                return Ok(ChannelCancel::Unchanged);
            }
            let message = format!("{number} was cancelled at the channel while {status}: decide whether it still goes");
            raise_alert(tx, "channel_cancelled", &format!("order:{number}"), &message, allocator.at_ms / 1000)?;
            let details = format!("cancelled at the channel while {status}: flagged for the supervisor");
            events::append(
                tx,
                allocator.at_ms,
                allocator.actor,
                "channel_cancelled",
                &events::order_subject(id),
                &details,
            )?;
            Ok(ChannelCancel::Flagged)
        }
    }
}

/// A waved order whose wave nobody has started (planned or released) is
/// taken out of it and cancelled: its pick tasks are dropped, its tote is
/// free, its stock goes back (a wave left empty is cancelled). `false` if
/// its wave has started: then it is flagged instead.
fn take_out_of_wave(tx: &Db, allocator: &Allocator<'_>, number: OrderNumber) -> Result<bool> {
    let wave: Option<i64> = tx
        .prepare_cached(
            "SELECT w.id FROM wave_orders o JOIN waves w ON w.id = o.wave_id
             WHERE o.order_id = ?1 AND w.status IN ('planned', 'released')",
        )?
        .query_row([number.0], |r| r.get(0))
        .optional()?;
    let Some(wave) = wave else { return Ok(false) };
    let wave_number = crate::domain::WaveNumber(wave);
    let subject = super::waves::wave_subject(wave_number);
    tx.execute(
        "UPDATE pick_tasks SET status = 'cancelled' WHERE wave_id = ?1 AND order_id = ?2 AND status = 'open'",
        params![wave, number.0],
    )?;
    tx.execute("DELETE FROM wave_orders WHERE wave_id = ?1 AND order_id = ?2", params![wave, number.0])?;
    transition(
        tx,
        allocator,
        number,
        OrderStatus::Waved,
        OrderStatus::Cancelled,
        &format!("cancelled at the channel: taken out of {wave_number}"),
    )?;
    let details = format!("{number} taken out: cancelled at the channel");
    events::append(tx, allocator.at_ms, allocator.actor, "wave_order_removed", &subject, &details)?;
    let left: i64 = tx.query_row("SELECT count(*) FROM wave_orders WHERE wave_id = ?1", [wave], |r| r.get(0))?;
    if left == 0 {
        tx.execute("UPDATE waves SET status = 'cancelled' WHERE id = ?1", [wave])?;
        events::append(
            tx,
            allocator.at_ms,
            allocator.actor,
            "wave_cancelled",
            &subject,
            "its last order was cancelled at the channel",
        )?;
    }
    Ok(true)
}

/// Cuts text to `max` characters (on a character boundary), marking the cut.
pub(super) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Who records what the sync itself notices (no operator is involved).
fn sync_actor() -> Actor {
    Actor::new("sync", "system")
}

fn channel_subject(code: &str) -> String {
    format!("channel:{code}")
}

/// The channel's id, with its sync record created on demand; an unknown
/// channel is refused.
fn sync_row(tx: &Db, code: &str) -> Result<i64> {
    let id: i64 = tx
        .prepare_cached("SELECT id FROM channels WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            StoreError::Invalid(format!("unknown channel {:?}; add it to the config first", sanitize(code)))
        })?;
    tx.prepare_cached("INSERT INTO channel_sync (channel_id) VALUES (?1) ON CONFLICT (channel_id) DO NOTHING")?
        .execute([id])?;
    Ok(id)
}

fn state_of(tx: &Db, channel_id: i64) -> Result<ChannelState> {
    let state: String = tx
        .prepare_cached("SELECT state FROM channel_sync WHERE channel_id = ?1")?
        .query_row([channel_id], |r| r.get(0))?;
    state.parse().map_err(StoreError::Invalid)
}

/// A successful contact: state `ok`; a token that works again clears its alert.
fn succeeded(tx: &Db, channel_id: i64, code: &str, at: DateTime<Utc>) -> Result<()> {
    let previous = state_of(tx, channel_id)?;
    tx.prepare_cached(
        "UPDATE channel_sync SET last_pull_at = ?2, last_success_at = ?2, state = 'ok' WHERE channel_id = ?1",
    )?
    .execute(params![channel_id, at.timestamp()])?;
    if previous != ChannelState::Ok {
        let subject = channel_subject(code);
        let actor = sync_actor();
        events::append(tx, now_ms(), &actor, "channel_sync_state", &subject, &format!("{previous} -> ok"))?;
        clear_open_alert(tx, &actor, "token_rejected", &subject, at.timestamp())?;
    }
    Ok(())
}

/// Shipment rows (the sync's work; refund rows wait for the returns export)
/// in one state per channel, with the oldest: a covering range of the
/// `outbox_due` index (state, channel, kind, id), already grouped.
const OUTBOX_COUNTS: &str =
    "SELECT channel, count(*), min(id) FROM outbox WHERE state = ?1 AND kind = 'shipment' GROUP BY channel";

const CHANNEL_SELECT: &str = "SELECT c.code, c.name, c.kind, s.cursor, s.last_pull_at, s.last_success_at,
        coalesce(s.orders_imported, 0), coalesce(s.state, 'ok'), s.last_error, s.last_error_at";

fn read_channel(r: &Row<'_>) -> Result<ChannelSync> {
    let time = |i: usize| -> Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.and_then(|s| DateTime::from_timestamp(s, 0)))
    };
    let state: String = r.get(7)?;
    Ok(ChannelSync {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        cursor: r.get(3)?,
        last_pull_at: time(4)?,
        last_success_at: time(5)?,
        orders_imported: r.get::<_, i64>(6)?.max(0) as u64,
        state: state.parse().map_err(|e: String| crate::store::db::bad_column(7, e))?,
        last_error: r.get(8)?,
        last_error_at: time(9)?,
        pending: 0,
        failed: 0,
    })
}

/// The sync lease as stored (running or expired), `None` when free.
fn lease(conn: &Db) -> Result<Option<SyncWorker>> {
    let row: Option<(Option<String>, Option<i64>, Option<i64>)> = conn
        .prepare_cached("SELECT station, since_ms, until_ms FROM sync_lease WHERE id = 1")?
        .query_row((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let time = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
    Ok(match row {
        Some((Some(station), since, Some(until))) => {
            Some(SyncWorker { station, since: time(since.unwrap_or(until)), until: time(until) })
        }
        _ => None,
    })
}
