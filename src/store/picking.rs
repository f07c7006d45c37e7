//! Picking a wave: confirming units into totes, short picks with an
//! alternate bin or a `short` order, and re-sequencing what is left.
//!
//! Every operation checks that the actor's station holds the wave's lease,
//! so two stations can never pick the same wave at once.

use crate::store::db::{Db, params};

use super::allocation::{add_reservation, candidate_slots, drop_reservation};
use super::stock::move_stock;
use super::waves::{move_wave_orders, parse_bin, wave_subject};
use super::{Result, Store, StoreError, counters, events, now_ms};
use crate::domain::allocation::plan_line;
use crate::domain::wave::{ShortOutcome, ShortReason};
use crate::domain::{Actor, BinCode, OrderNumber, OrderStatus, WaveNumber};

/// What a confirmed pick completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PickDone {
    /// The order in that tote has every unit now.
    pub order_picked: bool,
    /// The wave has nothing left to pick.
    pub wave_picked: bool,
}

/// An open task at a stop.
struct OpenTask {
    id: i64,
    order_id: i64,
    line_no: i64,
    left: i64,
}

impl Store {
    /// Puts `qty` units from the stop's stock row into `tote`: the tasks of
    /// the order in that tote at that stop are picked, the stock leaves the
    /// bin (on hand and reserved together) and the reservation shrinks, all
    /// in one transaction. Refused, changing nothing, for a tote that gets
    /// nothing here or more units than it still needs.
    pub fn confirm_pick(
        &mut self,
        actor: &Actor,
        wave: WaveNumber,
        stock_id: i64,
        tote: &str,
        qty: u32,
    ) -> Result<PickDone> {
        if qty == 0 {
            return Err(StoreError::Invalid("pick at least one unit".into()));
        }
        self.write(|tx| {
            check_lease(tx, actor, wave)?;
            let tasks = open_tasks(tx, wave, stock_id, Some(tote))?;
            if tasks.is_empty() {
                let wanted = totes_at(tx, wave, stock_id)?;
                return Err(StoreError::Invalid(if wanted.is_empty() {
                    format!("nothing more is picked from this bin in {wave}")
                } else {
                    format!("tote {tote} gets nothing from this bin; put it into {}", wanted.join(", "))
                }));
            }
            let left: i64 = tasks.iter().map(|t| t.left).sum();
            if i64::from(qty) > left {
                return Err(StoreError::Invalid(format!("only {left} more go into {tote} from this bin, not {qty}")));
            }
            let at = now_ms();
            let mut rest = i64::from(qty);
            let order_id = tasks[0].order_id;
            for task in &tasks {
                let take = rest.min(task.left);
                if take == 0 {
                    break;
                }
                tx.prepare_cached(
                    "UPDATE pick_tasks SET picked = picked + ?2,
                         status = CASE WHEN picked + ?2 = qty THEN 'done' ELSE 'open' END
                     WHERE id = ?1 AND status = 'open' AND picked + ?2 <= qty",
                )?
                .execute(params![task.id, take])?;
                let reference = OrderNumber(task.order_id).to_string();
                if !move_stock(tx, at, stock_id, -take, -take, "pick", &reference)? {
                    return Err(StoreError::Invalid(format!(
                        "the bin's stock no longer covers {reference}; count it and short the pick"
                    )));
                }
                drop_reservation(tx, task.order_id, task.line_no, stock_id, take)?;
                rest -= take;
            }
            let (bin, sku) = stop_names(tx, stock_id)?;
            let details = format!("{qty} × {sku} from {bin} into {tote} ({wave})");
            events::append(tx, at, actor, "units_picked", &events::order_subject(order_id), &details)?;
            counters::picked(tx, at, &actor.operator, i64::from(qty))?;
            let order_picked = settle_order(tx, actor, at, wave, order_id)?;
            let wave_picked = settle_wave(tx, actor, at, wave)?;
            Ok(PickDone { order_picked, wave_picked })
        })
    }

    /// The picker cannot pick what is left at a stop. Each open task there
    /// gives up its reservation in that bin; if other bins hold enough of
    /// the SKU the units are reserved there and become new stops of the
    /// wave (call [`Store::resequence_wave`] with the new walk), otherwise
    /// the order is left `short` for the supervisor. Either way the bin gets
    /// a cycle-count task. One transaction, audited.
    pub fn short_pick(
        &mut self,
        actor: &Actor,
        wave: WaveNumber,
        stock_id: i64,
        reason: ShortReason,
    ) -> Result<ShortOutcome> {
        let today = self.sell_by();
        self.write(|tx| {
            check_lease(tx, actor, wave)?;
            let tasks = open_tasks(tx, wave, stock_id, None)?;
            if tasks.is_empty() {
                return Err(StoreError::Invalid(format!("nothing is left to pick from this bin in {wave}")));
            }
            let at = now_ms();
            let (bin, sku) = stop_names(tx, stock_id)?;
            let (bin_id, sku_id): (i64, i64) =
                tx.query_row("SELECT bin_id, sku_id FROM stock WHERE id = ?1", [stock_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let next_seq: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM pick_tasks WHERE wave_id = ?1", [wave.0], |r| r.get(0))?;
            let mut outcome = ShortOutcome { moved_to: Vec::new(), short_orders: Vec::new() };
            let mut new_stops: Vec<i64> = Vec::new();
            for task in &tasks {
                let reference = OrderNumber(task.order_id).to_string();
                if !move_stock(tx, at, stock_id, 0, -task.left, "short", &reference)? {
                    return Err(StoreError::Invalid(format!("the reservation of {reference} in {bin} is gone")));
                }
                drop_reservation(tx, task.order_id, task.line_no, stock_id, task.left)?;
                // Elsewhere, whole or not at all (a part would still leave the order short).
                let slots: Vec<_> =
                    candidate_slots(tx, sku_id)?.into_iter().filter(|s| s.stock_id != stock_id).collect();
                let need = u32::try_from(task.left).unwrap_or(u32::MAX);
                let plan = plan_line(need, &slots, today);
                let subject = events::order_subject(task.order_id);
                if plan.iter().map(|t| t.qty).sum::<u32>() == need {
                    tx.execute("UPDATE pick_tasks SET status = 'moved' WHERE id = ?1", [task.id])?;
                    let mut places = Vec::new();
                    for take in plan {
                        let qty = i64::from(take.qty);
                        if !move_stock(tx, at, take.stock_id, 0, qty, "reserve", &reference)? {
                            return Err(StoreError::Invalid(format!("stock of {sku} changed meanwhile; try again")));
                        }
                        add_reservation(tx, task.order_id, task.line_no, take.stock_id, qty)?;
                        if !new_stops.contains(&take.stock_id) {
                            new_stops.push(take.stock_id);
                        }
                        let at_stop = new_stops.iter().position(|s| *s == take.stock_id).unwrap_or(0);
                        let seq = next_seq + at_stop as i64;
                        tx.execute(
                            "INSERT INTO pick_tasks (wave_id, seq, order_id, line_no, stock_id, qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![wave.0, seq, task.order_id, task.line_no, take.stock_id, qty],
                        )?;
                        let (other, _) = stop_names(tx, take.stock_id)?;
                        places.push(format!("{} in {other}", take.qty));
                        let code = parse_bin(&other)?;
                        if !outcome.moved_to.contains(&code) {
                            outcome.moved_to.push(code);
                        }
                    }
                    let details = format!("short {} × {sku} in {bin} ({}); taken from {}", task.left, reason.label(), places.join(", "));
                    events::append(tx, at, actor, "pick_short", &subject, &details)?;
                } else {
                    tx.execute("UPDATE pick_tasks SET status = 'short' WHERE id = ?1", [task.id])?;
                    let details = format!("short {} × {sku} in {bin} ({}); no other bin has it", task.left, reason.label());
                    events::append(tx, at, actor, "pick_short", &subject, &details)?;
                    let number = OrderNumber(task.order_id);
                    if !outcome.short_orders.contains(&number) {
                        outcome.short_orders.push(number);
                    }
                }
            }
            // One `pick_short` event per task above, one short line each.
            counters::shorted(tx, at, &actor.operator, tasks.len() as i64)?;
            tx.execute(
                "INSERT INTO bin_counts (bin_id, source, reason, created_at) VALUES (?1, 'short_pick', ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![bin_id, format!("short pick of {sku} in {wave}: {}", reason.label()), at / 1000],
            )?;
            let details = format!("count {sku} in {bin}: {}", reason.label());
            events::append(tx, at, actor, "count_requested", &format!("bin:{bin}"), &details)?;
            let ids: Vec<i64> = outcome.short_orders.iter().map(|n| n.0).collect();
            move_wave_orders(tx, actor, at, &ids, OrderStatus::Picking, OrderStatus::Short, "short pick")?;
            settle_wave(tx, actor, at, wave)?;
            Ok(outcome)
        })
    }

    /// Puts the wave's open stops into `walk` order (bins in walk order; the
    /// stops already done keep their place). Used after a short pick moved
    /// units to other bins.
    pub fn resequence_wave(&mut self, actor: &Actor, wave: WaveNumber, walk: &[BinCode]) -> Result<()> {
        self.write(|tx| {
            check_lease(tx, actor, wave)?;
            let done_seq: i64 = tx.query_row(
                "SELECT coalesce(max(seq), 0) FROM pick_tasks WHERE wave_id = ?1 AND status IN ('done', 'short', 'moved')",
                [wave.0],
                |r| r.get(0),
            )?;
            let open: Vec<(i64, String)> = tx
                .prepare_cached(
                    "SELECT DISTINCT t.stock_id, b.code FROM pick_tasks t JOIN stock s ON s.id = t.stock_id
                     JOIN bins b ON b.id = s.bin_id WHERE t.wave_id = ?1 AND t.status = 'open'",
                )?
                .query_map([wave.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_>>()?;
            let mut ranked = Vec::with_capacity(open.len());
            for (stock_id, code) in open {
                let bin = parse_bin(&code)?;
                ranked.push((walk.iter().position(|b| *b == bin).unwrap_or(usize::MAX), code, stock_id));
            }
            ranked.sort_unstable();
            for (i, (_, _, stock_id)) in ranked.iter().enumerate() {
                tx.execute(
                    "UPDATE pick_tasks SET seq = ?3 WHERE wave_id = ?1 AND stock_id = ?2 AND status = 'open'",
                    params![wave.0, stock_id, done_seq + 1 + i as i64],
                )?;
            }
            Ok(())
        })
    }

    /// The SKU a scanned GTIN (14 digits) or SKU code belongs to, if the catalogue knows it.
    pub fn sku_for_code(&self, code: &str) -> Result<Option<String>> {
        use crate::store::db::OptionalExt;
        self.conn
            .prepare_cached(
                "SELECT k.code FROM gtins g JOIN skus k ON k.id = g.sku_id WHERE g.gtin = ?1
                 UNION ALL SELECT code FROM skus WHERE code = ?1 LIMIT 1",
            )?
            .query_row([code], |r| r.get(0))
            .optional()
    }
}

/// Refuses unless the actor's station holds a running lease on the wave.
fn check_lease(tx: &Db, actor: &Actor, wave: WaveNumber) -> Result<()> {
    let lease = super::leases::lease_of(tx, wave)?;
    let now = chrono::Utc::now();
    match lease {
        Some(l) if l.station == actor.station && l.operator == actor.operator && !l.expired(now) => Ok(()),
        Some(l) if !l.expired(now) => Err(StoreError::Invalid(format!(
            "{wave} is being picked at {} by {}; take it over first",
            l.station, l.operator
        ))),
        _ => Err(StoreError::Invalid(format!("{wave} is not taken at this station; open it from the waves screen"))),
    }
}

/// The open tasks at a stop (of the order in `tote`, if given), oldest first.
fn open_tasks(tx: &Db, wave: WaveNumber, stock_id: i64, tote: Option<&str>) -> Result<Vec<OpenTask>> {
    let mut stmt = tx.prepare_cached(
        "SELECT t.id, t.order_id, t.line_no, t.qty - t.picked FROM pick_tasks t
         JOIN wave_orders w ON w.wave_id = t.wave_id AND w.order_id = t.order_id
         WHERE t.wave_id = ?1 AND t.stock_id = ?2 AND t.status = 'open' AND (?3 IS NULL OR w.tote = ?3)
         ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![wave.0, stock_id, tote], |r| {
        Ok(OpenTask { id: r.get(0)?, order_id: r.get(1)?, line_no: r.get(2)?, left: r.get(3)? })
    })?;
    rows.collect::<Result<_>>()
}

/// The totes still waiting for units from a stop.
fn totes_at(tx: &Db, wave: WaveNumber, stock_id: i64) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT w.tote FROM pick_tasks t JOIN wave_orders w ON w.wave_id = t.wave_id AND w.order_id = t.order_id
         WHERE t.wave_id = ?1 AND t.stock_id = ?2 AND t.status = 'open' ORDER BY w.tote",
    )?;
    let rows = stmt.query_map(params![wave.0, stock_id], |r| r.get(0))?;
    rows.collect::<Result<_>>()
}

/// A stock row's bin and SKU codes.
fn stop_names(tx: &Db, stock_id: i64) -> Result<(String, String)> {
    tx
        .prepare_cached(
            "SELECT b.code, k.code FROM stock s JOIN bins b ON b.id = s.bin_id JOIN skus k ON k.id = s.sku_id WHERE s.id = ?1",
        )?
        .query_row([stock_id], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// An order with no open task left in the wave is `picked` (unless a short
/// pick left it `short`). Returns whether it just became picked.
fn settle_order(tx: &Db, actor: &Actor, at: i64, wave: WaveNumber, order_id: i64) -> Result<bool> {
    let open: i64 = tx.query_row(
        "SELECT count(*) FROM pick_tasks WHERE wave_id = ?1 AND order_id = ?2 AND status = 'open'",
        params![wave.0, order_id],
        |r| r.get(0),
    )?;
    if open > 0 {
        return Ok(false);
    }
    let changed = tx.execute("UPDATE orders SET status = 'picked' WHERE id = ?1 AND status = 'picking'", [order_id])?;
    if changed == 1 {
        let details = format!("picking -> picked: {wave}");
        events::append(tx, at, actor, "status_changed", &events::order_subject(order_id), &details)?;
    }
    Ok(changed == 1)
}

/// A wave with no open task left is `picked`; its lease ends. Returns
/// whether it just finished.
pub(super) fn settle_wave(tx: &Db, actor: &Actor, at: i64, wave: WaveNumber) -> Result<bool> {
    let open: i64 =
        tx.query_row("SELECT count(*) FROM pick_tasks WHERE wave_id = ?1 AND status = 'open'", [wave.0], |r| r.get(0))?;
    if open > 0 {
        return Ok(false);
    }
    // Orders whose last open task was moved and then picked elsewhere are settled here too.
    let orders: Vec<i64> = tx
        .prepare_cached("SELECT order_id FROM wave_orders WHERE wave_id = ?1")?
        .query_map([wave.0], |r| r.get(0))?
        .collect::<Result<_>>()?;
    for id in orders {
        settle_order(tx, actor, at, wave, id)?;
    }
    let changed = tx.execute(
        "UPDATE waves SET status = 'picked', lease_station = NULL, lease_operator = NULL, lease_since_ms = NULL,
             lease_until_ms = NULL
         WHERE id = ?1 AND status = 'picking'",
        [wave.0],
    )?;
    if changed == 1 {
        events::append(tx, at, actor, "wave_picked", &wave_subject(wave), "picking -> picked")?;
    }
    Ok(changed == 1)
}
