//! Cycle counts: one task per bin (from a short pick, the schedule or a
//! supervisor), counted blind. A first count that differs from the system
//! asks for a recount of the SKUs that differ; a recount that still differs
//! waits for a reason, then becomes an adjustment: a `count` movement per
//! stock row (the ledger stays equal to the balances) and an audit event.
//! Units an adjustment takes away from reservations are taken from the
//! orders least urgent and furthest from the floor first; each such order is
//! re-planned from other bins, or backordered, or (when it is being picked)
//! left `short` for the supervisor.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::store::db::{Db, OptionalExt, Row, params};
use chrono::{DateTime, NaiveDate, Utc};

use super::stock::{ensure_stock_row, move_stock};
use super::waves::parse_bin;
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::inbound::{
    Adjusted, BinCountState, CountDifference, CountEntry, CountOutcome, CountSource, CountStatus, CountTask,
};
use crate::domain::{Actor, BinCode, Zone};

const TASK: &str = "SELECT c.id, b.code, b.zone, c.source, c.reason, c.created_at, c.status
    FROM bin_counts c JOIN bins b ON b.id = c.bin_id";

mod adjust;

use adjust::take_away;

impl Store {
    /// Open count tasks (not done), oldest first; never with quantities.
    pub fn count_tasks(&self) -> Result<Vec<CountTask>> {
        self.conn.read(|tx| {
            let rows: Vec<TaskRow> = tx
                .prepare_cached(&format!("{TASK} WHERE c.status <> 'done' ORDER BY c.id"))?
                .query_map((), task_row)?
                .collect::<Result<_>>()?;
            let tasks = rows.into_iter().map(|row| task_from(tx, row)).collect::<Result<Vec<_>>>()?;
            Ok(tasks)
        })
    }

    /// The open count task of `bin`, if there is one.
    pub fn count_task_for_bin(&self, bin: BinCode) -> Result<Option<CountTask>> {
        self.conn.read(|tx| {
            let id: Option<i64> = tx
                .prepare_cached(
                    "SELECT c.id FROM bin_counts c JOIN bins b ON b.id = c.bin_id WHERE b.code = ?1 AND c.status <> 'done'",
                )?
                .query_row([bin.to_string()], |r| r.get(0))
                .optional()?;
            let found = id.map(|id| task(tx, id)).transpose()?;
            Ok(found)
        })
    }

    /// Asks for a count of `bin` (a supervisor's request); the bin's open
    /// task if it already has one.
    pub fn request_count(&mut self, actor: &Actor, bin: BinCode, reason: &str) -> Result<CountTask> {
        self.write(|tx| {
            let bin_id = bin_id(tx, bin)?;
            let at = now_ms();
            let reason = crate::domain::text::sanitize(reason.trim()).into_owned();
            let reason = if reason.is_empty() { format!("asked by {}", actor.operator) } else { reason };
            let added = tx.execute(
                "INSERT INTO bin_counts (bin_id, source, reason, created_at) VALUES (?1, 'supervisor', ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![bin_id, reason, at / 1000],
            )?;
            if added == 1 {
                events::append(tx, at, actor, "count_requested", &format!("bin:{bin}"), &reason)?;
            }
            let id =
                tx.query_row("SELECT id FROM bin_counts WHERE bin_id = ?1 AND status <> 'done'", [bin_id], |r| {
                    r.get(0)
                })?;
            task(tx, id)
        })
    }

    /// Creates today's scheduled counts in one transaction: `plan` gets
    /// every bin's count state and how many scheduled tasks today already
    /// has, and returns the bins to count with the reason shown for each.
    /// Returns how many tasks were added.
    pub fn schedule_counts(
        &mut self,
        actor: &Actor,
        today: NaiveDate,
        mut plan: impl FnMut(&[BinCountState], u32) -> Vec<(i64, String)>,
    ) -> Result<u32> {
        self.write(|tx| {
            let day_start = today.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
            let already: u32 = tx.query_row(
                "SELECT count(*) FROM bin_counts WHERE source = 'schedule' AND created_at >= ?1",
                [day_start],
                |r| r.get(0),
            )?;
            let bins: Vec<BinCountState> = tx
                .prepare_cached(
                    "SELECT b.id, b.zone, lc.day,
                            EXISTS (SELECT 1 FROM stock s WHERE s.bin_id = b.id AND s.on_hand > 0),
                            EXISTS (SELECT 1 FROM bin_counts c WHERE c.bin_id = b.id AND c.status <> 'done')
                     FROM bins b LEFT JOIN bin_last_counted lc ON lc.bin_id = b.id",
                )?
                .query_map((), |r| {
                    let zone: String = r.get(1)?;
                    let day: Option<String> = r.get(2)?;
                    Ok(BinCountState {
                        bin_id: r.get(0)?,
                        zone: zone.parse().unwrap_or(Zone::C),
                        last_counted: day.and_then(|d| d.parse().ok()),
                        has_stock: r.get(3)?,
                        open_task: r.get(4)?,
                    })
                })?
                .collect::<Result<_>>()?;
            let due = plan(&bins, already);
            let at = now_ms();
            let mut added = 0;
            for (bin_id, reason) in &due {
                added += tx.execute(
                    "INSERT INTO bin_counts (bin_id, source, reason, created_at) VALUES (?1, 'schedule', ?2, ?3)
                     ON CONFLICT DO NOTHING",
                    params![bin_id, crate::domain::text::sanitize(reason), at / 1000],
                )?;
            }
            if added > 0 {
                let details = format!("{added} bins scheduled for {today}");
                events::append(tx, at, actor, "counts_scheduled", "counts", &details)?;
            }
            Ok(u32::try_from(added).unwrap_or(u32::MAX))
        })
    }

    /// The counter's figures for a task, blind. On a first count every SKU
    /// the bin holds (or that was counted) is compared with the system; on a
    /// recount only the SKUs that differed, against the system as it is now.
    /// `seen` is the task's status when the counter started (a first count
    /// or a recount): if another station moved it on meanwhile, nothing is
    /// stored and the counter starts again from the bin.
    pub fn submit_count(
        &mut self,
        actor: &Actor,
        task_id: i64,
        seen: CountStatus,
        entries: &[CountEntry],
    ) -> Result<CountOutcome> {
        self.write(|tx| {
            let (bin_id, bin, status) = task_head(tx, task_id)?;
            if status != seen {
                return Err(StoreError::Invalid(format!(
                    "the count of {bin} moved on at another station meanwhile ({} now); nothing was stored: scan the bin again",
                    status.as_str()
                )));
            }
            let mut counted: BTreeMap<i64, (String, i64)> = BTreeMap::new();
            for entry in entries {
                let id = sku_id(tx, &entry.sku)?;
                counted.entry(id).or_insert_with(|| (entry.sku.clone(), 0)).1 += i64::from(entry.qty);
            }
            let system = on_hand_by_sku(tx, bin_id)?;
            let at = now_ms();
            let subject = format!("bin:{bin}");
            match status {
                CountStatus::Open => {
                    let mut skus: Vec<i64> = system.keys().chain(counted.keys()).copied().collect();
                    skus.sort_unstable();
                    skus.dedup();
                    let mut differ = Vec::new();
                    for sku in skus {
                        let first = counted.get(&sku).map_or(0, |c| c.1);
                        let held = system.get(&sku).copied().unwrap_or(0);
                        tx.execute(
                            "INSERT INTO count_lines (count_id, sku_id, system, first) VALUES (?1, ?2, ?3, ?4)",
                            params![task_id, sku, held, first],
                        )?;
                        if first != held {
                            differ.push(sku_code(tx, sku)?);
                        }
                    }
                    if differ.is_empty() {
                        finish(tx, actor, at, task_id, bin_id)?;
                        events::append(tx, at, actor, "count_matched", &subject, "first count agrees with the system")?;
                        return Ok(CountOutcome::Matched);
                    }
                    set_status(tx, task_id, CountStatus::Recount)?;
                    let details = format!("first count differs on {}; recount asked", differ.join(", "));
                    events::append(tx, at, actor, "count_differs", &subject, &details)?;
                    Ok(CountOutcome::Recount(differ))
                }
                CountStatus::Recount => {
                    let listed = recount_skus(tx, task_id)?;
                    if let Some((_, (code, _))) = counted.iter().find(|(id, _)| !listed.iter().any(|(l, _)| l == *id)) {
                        let names: Vec<&str> = listed.iter().map(|(_, c)| c.as_str()).collect();
                        return Err(StoreError::Invalid(format!(
                            "{code} is not being recounted here; only {} are",
                            names.join(", ")
                        )));
                    }
                    let mut differences = Vec::new();
                    for (sku, code) in &listed {
                        let second = counted.get(sku).map_or(0, |c| c.1);
                        let held = system.get(sku).copied().unwrap_or(0);
                        tx.execute(
                            "UPDATE count_lines SET second = ?3, system = ?4 WHERE count_id = ?1 AND sku_id = ?2",
                            params![task_id, sku, second, held],
                        )?;
                        if second != held {
                            let title = tx.query_row("SELECT title FROM skus WHERE id = ?1", [sku], |r| r.get(0))?;
                            differences.push(CountDifference {
                                sku: code.clone(),
                                title,
                                system: held,
                                counted: second,
                            });
                        }
                    }
                    if differences.is_empty() {
                        finish(tx, actor, at, task_id, bin_id)?;
                        events::append(tx, at, actor, "count_matched", &subject, "recount agrees with the system")?;
                        return Ok(CountOutcome::Matched);
                    }
                    set_status(tx, task_id, CountStatus::Review)?;
                    let shown: Vec<String> = differences
                        .iter()
                        .map(|d| format!("{} {} counted, {} in the system", d.sku, d.counted, d.system))
                        .collect();
                    events::append(tx, at, actor, "count_confirmed", &subject, &shown.join("; "))?;
                    Ok(CountOutcome::Review(differences))
                }
                CountStatus::Review => Err(StoreError::Invalid(format!(
                    "the count of {bin} is confirmed already: choose a reason to adjust it"
                ))),
                CountStatus::Done => Err(StoreError::Invalid(format!("the count of {bin} is finished"))),
            }
        })
    }

    /// Adjusts the bin to the recount, with `reason`: one `count` movement
    /// per stock row changed, reservations re-checked, added units offered to
    /// backorders. One transaction, audited.
    pub fn adjust_count(&mut self, actor: &Actor, task_id: i64, reason: &str) -> Result<Adjusted> {
        let reason = crate::domain::text::sanitize(reason.trim()).into_owned();
        if reason.is_empty() {
            return Err(StoreError::Invalid("an adjustment needs a reason".into()));
        }
        let allocator = self.allocator(actor);
        let today = self.sell_by();
        self.write(|tx| {
            let (bin_id, bin, status) = task_head(tx, task_id)?;
            if status != CountStatus::Review {
                return Err(StoreError::Invalid(format!("the count of {bin} has no confirmed difference to adjust")));
            }
            let lines: Vec<(i64, String, i64, i64)> = tx
                .prepare_cached(
                    "SELECT l.sku_id, k.code, l.system, l.second FROM count_lines l JOIN skus k ON k.id = l.sku_id
                     WHERE l.count_id = ?1 AND l.second IS NOT NULL AND l.second <> l.system ORDER BY k.code",
                )?
                .query_map([task_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_>>()?;
            let at = now_ms();
            let reference = format!("count {task_id}: {reason}");
            let mut adjusted = Adjusted::default();
            let mut grown = Vec::new();
            let mut shown = Vec::new();
            for (sku_id, code, system, second) in lines {
                let delta = second - system;
                adjusted.net += delta;
                shown.push(format!("{code} {delta:+} ({system} -> {second})"));
                if delta > 0 {
                    let (stock_id, _) = ensure_stock_row(tx, bin, &code, None)?;
                    if !move_stock(tx, at, stock_id, delta, 0, "count", &reference)? {
                        return Err(StoreError::Invalid(format!(
                            "the stock of {code} in {bin} cannot take {delta} more"
                        )));
                    }
                    grown.push(sku_id);
                } else {
                    take_away(tx, &allocator, today, at, bin_id, sku_id, -delta, &reference, &mut adjusted)?;
                }
            }
            finish(tx, actor, at, task_id, bin_id)?;
            let mut details = format!("{}; reason: {reason}", shown.join(", "));
            for (label, orders) in [
                ("re-planned", &adjusted.reallocated),
                ("backordered", &adjusted.backordered),
                ("short", &adjusted.short),
            ] {
                if !orders.is_empty() {
                    let names: Vec<String> = orders.iter().map(ToString::to_string).collect();
                    let _ = write!(details, "; {label} {}", names.join(", "));
                }
            }
            events::append(tx, at, actor, "count_adjusted", &format!("bin:{bin}"), &details)?;
            if !grown.is_empty() {
                adjusted.filled = allocator.fill_backorders(tx, &grown)?;
            }
            Ok(adjusted)
        })
    }
}

/// A task's row as [`TASK`] reads it.
type TaskRow = (i64, String, String, String, String, i64, String);

fn task_row(r: &Row<'_>) -> Result<TaskRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn task(tx: &Db, id: i64) -> Result<CountTask> {
    let row = tx.prepare_cached(&format!("{TASK} WHERE c.id = ?1"))?.query_row([id], task_row)?;
    task_from(tx, row)
}

/// A task from its row; the recount's SKUs or the confirmed differences
/// are read only for a task in that state.
fn task_from(tx: &Db, row: TaskRow) -> Result<CountTask> {
    let (id, bin, zone, source, reason, created, status) = row;
    let corrupt = |what: &str| StoreError::Invalid(format!("count task {id}: bad {what}"));
    let status = CountStatus::parse(&status).ok_or_else(|| corrupt("status"))?;
    let recount = if status == CountStatus::Recount {
        recount_skus(tx, id)?.into_iter().map(|(_, code)| code).collect()
    } else {
        Vec::new()
    };
    let differences = if status == CountStatus::Review {
        tx.prepare_cached(
            "SELECT k.code, k.title, l.system, l.second FROM count_lines l JOIN skus k ON k.id = l.sku_id
             WHERE l.count_id = ?1 AND l.second IS NOT NULL AND l.second <> l.system ORDER BY k.code",
        )?
        .query_map([id], |r| {
            Ok(CountDifference { sku: r.get(0)?, title: r.get(1)?, system: r.get(2)?, counted: r.get(3)? })
        })?
        .collect::<Result<_>>()?
    } else {
        Vec::new()
    };
    Ok(CountTask {
        id,
        bin: parse_bin(&bin)?,
        zone: zone.parse().map_err(|_| corrupt("zone"))?,
        source: CountSource::parse(&source).ok_or_else(|| corrupt("source"))?,
        reason,
        created_at: DateTime::<Utc>::from_timestamp(created, 0).unwrap_or_default(),
        status,
        recount,
        differences,
    })
}

fn task_head(tx: &Db, id: i64) -> Result<(i64, BinCode, CountStatus)> {
    let row: Option<(i64, String, String)> = tx
        .prepare_cached(
            "SELECT c.bin_id, b.code, c.status FROM bin_counts c JOIN bins b ON b.id = c.bin_id WHERE c.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((bin_id, bin, status)) = row else {
        return Err(StoreError::Invalid("that count task does not exist; reload the list".into()));
    };
    let status =
        CountStatus::parse(&status).ok_or_else(|| StoreError::Invalid(format!("count task {id}: bad status")))?;
    Ok((bin_id, parse_bin(&bin)?, status))
}

/// The SKUs a recount covers (those whose first count differed), by code.
fn recount_skus(tx: &Db, id: i64) -> Result<Vec<(i64, String)>> {
    tx.prepare_cached(
        "SELECT l.sku_id, k.code FROM count_lines l JOIN skus k ON k.id = l.sku_id
             WHERE l.count_id = ?1 AND l.first <> l.system ORDER BY k.code",
    )?
    .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect::<Result<_>>()
}

fn on_hand_by_sku(tx: &Db, bin_id: i64) -> Result<BTreeMap<i64, i64>> {
    tx.prepare_cached(
        "SELECT sku_id, sum(on_hand) FROM stock WHERE bin_id = ?1 GROUP BY sku_id HAVING sum(on_hand) > 0",
    )?
    .query_map([bin_id], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect::<Result<_>>()
}

fn set_status(tx: &Db, id: i64, status: CountStatus) -> Result<()> {
    tx.execute("UPDATE bin_counts SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
    Ok(())
}

fn finish(tx: &Db, actor: &Actor, at: i64, id: i64, bin_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE bin_counts SET status = 'done', counted_by = ?2, done_at = ?3 WHERE id = ?1",
        params![id, actor.operator, at / 1000],
    )?;
    let day = DateTime::<Utc>::from_timestamp_millis(at).unwrap_or_default().date_naive().to_string();
    tx.execute(
        "INSERT INTO bin_last_counted (bin_id, day) VALUES (?1, ?2) ON CONFLICT (bin_id) DO UPDATE SET day = excluded.day",
        params![bin_id, day],
    )?;
    Ok(())
}

fn bin_id(tx: &Db, bin: BinCode) -> Result<i64> {
    tx.query_row("SELECT id FROM bins WHERE code = ?1", [bin.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("bin {bin} does not exist")))
}

fn sku_id(tx: &Db, code: &str) -> Result<i64> {
    tx.query_row("SELECT id FROM skus WHERE code = ?1", [code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("SKU {code} is not in the catalogue")))
}

fn sku_code(tx: &Db, id: i64) -> Result<String> {
    tx.query_row("SELECT code FROM skus WHERE id = ?1", [id], |r| r.get(0))
}
