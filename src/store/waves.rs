//! Waves: candidates for planning, storing a planned wave with its totes and
//! pick tasks, release, cancellation, leases, and the pick list.

use std::collections::{HashMap, HashSet};

use crate::store::db::{Db, OptionalExt, params};
use chrono::{DateTime, Utc};

use super::leases::lease_of;
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::wave::{PickList, PickStop, StopState, ToteShare, WaveCandidate, WavePlan, WaveSummary};
use crate::domain::{Actor, BinCode, OrderNumber, OrderStatus, WaveNumber, WaveStatus};

/// Order statuses during which an order keeps its tote.
const IN_TOTE: &str = "'waved', 'picking', 'picked', 'short', 'packing'";

impl Store {
    /// Ready orders a wave could take, most urgent first (priority, then
    /// ship-by), with the bins their reserved units are in; at most `limit`.
    pub fn wave_candidates(&self, limit: usize) -> Result<Vec<WaveCandidate>> {
        let heads: Vec<(i64, i64, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, priority, ship_by, carrier_service FROM orders WHERE status = 'ready'
                 ORDER BY priority, ship_by, id LIMIT ?1",
            )?
            .query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_>>()?;
        let mut places = self.conn.prepare_cached(
            "SELECT b.code, sum(r.qty), count(DISTINCT r.line_no) FROM reservations r
             JOIN stock s ON s.id = r.stock_id JOIN bins b ON b.id = s.bin_id
             WHERE r.order_id = ?1 GROUP BY b.code ORDER BY b.code",
        )?;
        let mut lines = self
            .conn
            .prepare_cached("SELECT count(*) FROM order_lines WHERE order_id = ?1 AND requires_shipping = 1")?;
        let mut candidates = Vec::with_capacity(heads.len());
        for (id, priority, ship_by, carrier_service) in heads {
            let mut bins = Vec::new();
            let mut units = 0u32;
            let rows = places.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (code, qty) = row?;
                bins.push(parse_bin(&code)?);
                units += u32::try_from(qty).unwrap_or(0);
            }
            candidates.push(WaveCandidate {
                number: OrderNumber(id),
                priority,
                ship_by: time(ship_by),
                carrier_service,
                units,
                lines: lines.query_row([id], |r| r.get(0))?,
                bins,
            });
        }
        Ok(candidates)
    }

    /// Stores a planned wave: its orders go from `ready` to `waved`, each
    /// gets the lowest free tote, and every reserved unit becomes a pick
    /// task in the plan's walk order. Refused, changing nothing, if any order
    /// is no longer ready (another supervisor waved or changed it).
    pub fn create_wave(&mut self, actor: &Actor, plan: &WavePlan) -> Result<WaveNumber> {
        Ok(self.create_waves(actor, std::slice::from_ref(plan))?[0])
    }

    /// [`Store::create_wave`] for many plans in one transaction (planning a
    /// whole shift at once): all of them or none.
    pub fn create_waves(&mut self, actor: &Actor, plans: &[WavePlan]) -> Result<Vec<WaveNumber>> {
        if plans.iter().any(|p| p.orders.is_empty()) {
            return Err(StoreError::Invalid("a wave needs at least one order".into()));
        }
        self.write(|tx| {
            let mut totes = free_totes(tx)?;
            plans.iter().map(|plan| insert_wave(tx, actor, plan, &mut totes)).collect()
        })
    }

    /// Puts a planned wave on the floor for pickers.
    pub fn release_wave(&mut self, actor: &Actor, wave: WaveNumber) -> Result<()> {
        self.write(|tx| {
            let status = wave_status(tx, wave)?;
            if status != WaveStatus::Planned {
                return Err(StoreError::Invalid(format!("{wave} is {status}: only a planned wave can be released")));
            }
            tx.execute("UPDATE waves SET status = 'released' WHERE id = ?1 AND status = 'planned'", [wave.0])?;
            events::append(tx, now_ms(), actor, "wave_released", &wave_subject(wave), "planned -> released")?;
            Ok(())
        })
    }

    /// Cancels a wave nobody has started: its orders go back to `ready`,
    /// keeping their reserved stock, and their totes are free again.
    pub fn cancel_wave(&mut self, actor: &Actor, wave: WaveNumber, why: &str) -> Result<()> {
        self.write(|tx| {
            let status = wave_status(tx, wave)?;
            if !matches!(status, WaveStatus::Planned | WaveStatus::Released) {
                return Err(StoreError::Invalid(format!(
                    "{wave} is {status}: only a wave nobody has started can be cancelled"
                )));
            }
            let at = now_ms();
            let orders: Vec<i64> = tx
                .prepare_cached("SELECT order_id FROM wave_orders WHERE wave_id = ?1 ORDER BY order_id")?
                .query_map([wave.0], |r| r.get(0))?
                .collect::<Result<_>>()?;
            for id in orders {
                let changed =
                    tx.execute("UPDATE orders SET status = 'ready' WHERE id = ?1 AND status = 'waved'", [id])?;
                if changed == 1 {
                    let details = format!("waved -> ready: {wave} cancelled");
                    events::append(tx, at, actor, "status_changed", &events::order_subject(id), &details)?;
                }
            }
            tx.execute("UPDATE pick_tasks SET status = 'cancelled' WHERE wave_id = ?1 AND status = 'open'", [wave.0])?;
            tx.execute("UPDATE waves SET status = 'cancelled' WHERE id = ?1", [wave.0])?;
            let why = crate::domain::text::sanitize(why);
            events::append(tx, at, actor, "wave_cancelled", &wave_subject(wave), &why)?;
            Ok(())
        })
    }

    /// Active waves (planned, released, picking) and the `recent` newest
    /// finished ones, newest first.
    pub fn waves(&self, recent: usize) -> Result<Vec<WaveSummary>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM waves WHERE status IN ('planned', 'released', 'picking')
                 UNION ALL
                 SELECT id FROM (SELECT id FROM waves WHERE status IN ('picked', 'cancelled') ORDER BY id DESC LIMIT ?1) AS newest
                 ORDER BY id DESC",
            )?
            .query_map([recent as i64], |r| r.get(0))?
            .collect::<Result<_>>()?;
        ids.into_iter().map(|id| summary(&self.conn, WaveNumber(id))).collect()
    }

    /// One wave's summary.
    pub fn wave(&self, wave: WaveNumber) -> Result<WaveSummary> {
        summary(&self.conn, wave)
    }

    /// A wave's pick list: its stops in walk order, each with what goes into which tote.
    pub fn pick_list(&self, wave: WaveNumber) -> Result<PickList> {
        let summary = summary(&self.conn, wave)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.seq, t.stock_id, b.code, b.zone, k.code, k.title, l.lot_code, l.expires_on,
                    t.order_id, w.tote, t.qty, t.picked, t.status
             FROM pick_tasks t
             JOIN wave_orders w ON w.wave_id = t.wave_id AND w.order_id = t.order_id
             JOIN stock s ON s.id = t.stock_id JOIN bins b ON b.id = s.bin_id JOIN skus k ON k.id = s.sku_id
             LEFT JOIN lots l ON l.id = s.lot_id
             WHERE t.wave_id = ?1 AND t.status <> 'cancelled'
             ORDER BY t.seq, t.stock_id, w.tote, t.id",
        )?;
        let mut stops: Vec<PickStop> = Vec::new();
        let mut states: Vec<(bool, bool)> = Vec::new();
        let rows = stmt.query_map([wave.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                (r.get::<_, i64>(8)?, r.get::<_, String>(9)?, r.get::<_, i64>(10)?, r.get::<_, i64>(11)?),
                r.get::<_, String>(12)?,
            ))
        })?;
        for row in rows {
            let (seq, stock_id, bin, zone, sku, title, lot, expires, (order, tote, qty, picked), task_status) = row?;
            // A moved task's unpicked units are another stop's now.
            let qty = if task_status == "moved" { picked } else { qty };
            let open = task_status == "open";
            let short = task_status == "short" || task_status == "moved";
            if stops.last().is_none_or(|s| s.stock_id != stock_id || s.seq != seq as u32) {
                stops.push(PickStop {
                    seq: seq as u32,
                    stock_id,
                    bin: parse_bin(&bin)?,
                    zone: zone.parse().map_err(StoreError::Invalid)?,
                    sku,
                    title,
                    lot,
                    expires_on: expires.and_then(|d| d.parse().ok()),
                    shares: Vec::new(),
                    state: StopState::Done,
                });
                states.push((false, false));
            }
            let stop = stops.last_mut().expect("pushed above");
            let state = states.last_mut().expect("pushed with the stop");
            state.0 |= open;
            state.1 |= short;
            if qty == 0 && !open {
                continue;
            }
            let (qty, picked) = (u32::try_from(qty).unwrap_or(0), u32::try_from(picked).unwrap_or(0));
            match stop.shares.iter_mut().find(|s| s.tote == tote) {
                Some(share) => {
                    share.qty += qty;
                    share.picked += picked;
                }
                None => stop.shares.push(ToteShare { tote, order: OrderNumber(order), qty, picked }),
            }
        }
        for (stop, (open, short)) in stops.iter_mut().zip(states) {
            stop.state = if open {
                StopState::Open
            } else if short {
                StopState::Short
            } else {
                StopState::Done
            };
        }
        Ok(PickList { wave: summary, stops })
    }

    /// The wave an order is in (the newest, if it was waved again after a cancellation).
    pub fn wave_of_order(&self, number: OrderNumber) -> Result<Option<(WaveNumber, String)>> {
        self.conn
            .prepare_cached(
                "SELECT w.wave_id, w.tote FROM wave_orders w JOIN waves v ON v.id = w.wave_id
                 WHERE w.order_id = ?1 ORDER BY w.wave_id DESC LIMIT 1",
            )?
            .query_row([number.0], |r| Ok((WaveNumber(r.get(0)?), r.get(1)?)))
            .optional()
    }
}

/// Inserts one planned wave (see [`Store::create_wave`]), taking totes from `totes`.
fn insert_wave(
    tx: &Db,
    actor: &Actor,
    plan: &WavePlan,
    totes: &mut impl Iterator<Item = String>,
) -> Result<WaveNumber> {
    let at = now_ms();
    let wave = WaveNumber(tx.insert_row(
        "INSERT INTO waves (status, created_at, created_by, route_m, baseline_m) VALUES ('planned', ?1, ?2, ?3, ?4)",
        params![at / 1000, actor.operator, plan.route_m, plan.baseline_m],
    )?);
    let walk: HashMap<BinCode, usize> = plan.walk.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let mut tasks: Vec<(usize, i64, i64, i64, i64)> = Vec::new();
    for number in &plan.orders {
        let changed = tx
            .prepare_cached("UPDATE orders SET status = 'waved' WHERE id = ?1 AND status = 'ready'")?
            .execute([number.0])?;
        if changed != 1 {
            return Err(StoreError::Invalid(format!(
                "{number} is no longer ready (someone else waved or changed it); plan the wave again"
            )));
        }
        let tote = totes.next().ok_or_else(|| StoreError::Invalid("every tote T0001-T999999 is in use".into()))?;
        tx.prepare_cached("INSERT INTO wave_orders (wave_id, order_id, tote) VALUES (?1, ?2, ?3)")?
            .execute(params![wave.0, number.0, tote])?;
        let details = format!("ready -> waved: {wave}, tote {tote}");
        events::append(tx, at, actor, "status_changed", &events::order_subject(number.0), &details)?;
        let mut stmt = tx.prepare_cached(
            "SELECT r.line_no, r.stock_id, r.qty, b.code FROM reservations r
             JOIN stock s ON s.id = r.stock_id JOIN bins b ON b.id = s.bin_id WHERE r.order_id = ?1",
        )?;
        let rows = stmt.query_map([number.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (line_no, stock_id, qty, bin) = row?;
            let place = walk.get(&parse_bin(&bin)?).copied().unwrap_or(usize::MAX);
            tasks.push((place, stock_id, number.0, line_no, qty));
        }
    }
    tasks.sort_unstable();
    let mut seq = 0;
    let mut last_stock = None;
    let mut insert = tx.prepare_cached(
        "INSERT INTO pick_tasks (wave_id, seq, order_id, line_no, stock_id, qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (_, stock_id, order_id, line_no, qty) in &tasks {
        if last_stock != Some(*stock_id) {
            seq += 1;
            last_stock = Some(*stock_id);
        }
        insert.execute(params![wave.0, seq, order_id, line_no, stock_id, qty])?;
    }
    let details = format!(
        "{} orders, {} lines, {} units; walk {:.1} m (first-come with S-shape {:.1} m)",
        plan.orders.len(),
        plan.lines,
        plan.units,
        plan.route_m,
        plan.baseline_m
    );
    events::append(tx, at, actor, "wave_created", &wave_subject(wave), &details)?;
    Ok(wave)
}

/// The subject of a wave's events.
pub(super) fn wave_subject(wave: WaveNumber) -> String {
    format!("wave:{}", wave.0)
}

pub(super) fn wave_status(conn: &Db, wave: WaveNumber) -> Result<WaveStatus> {
    let status: String = conn
        .prepare_cached("SELECT status FROM waves WHERE id = ?1")?
        .query_row([wave.0], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("{wave} does not exist")))?;
    status.parse().map_err(StoreError::Invalid)
}

pub(super) fn summary(conn: &Db, wave: WaveNumber) -> Result<WaveSummary> {
    let head = conn
        .prepare_cached("SELECT status, created_at, created_by, route_m, baseline_m FROM waves WHERE id = ?1")?
        .query_row([wave.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, f64>(3)?, r.get(4)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("{wave} does not exist")))?;
    let (status, created_at, created_by, route_m, baseline_m) = head;
    let (orders, lines, units, done): (u32, u32, i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM wave_orders WHERE wave_id = ?1),
                    (SELECT count(*) FROM (SELECT DISTINCT order_id, line_no FROM pick_tasks WHERE wave_id = ?1) AS distinct_lines),
                    coalesce(sum(CASE status WHEN 'moved' THEN picked WHEN 'cancelled' THEN 0 ELSE qty END), 0),
                    coalesce(sum(CASE status WHEN 'short' THEN qty WHEN 'cancelled' THEN 0 ELSE picked END), 0)
             FROM pick_tasks WHERE wave_id = ?1",
        )?
        .query_row([wave.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(WaveSummary {
        number: wave,
        status: status.parse().map_err(StoreError::Invalid)?,
        created_at: time(created_at),
        created_by,
        orders,
        lines,
        units: u32::try_from(units).unwrap_or(0),
        done_units: u32::try_from(done).unwrap_or(0),
        route_m,
        baseline_m,
        lease: lease_of(conn, wave)?,
    })
}

/// Tote codes no order in a tote holds, lowest first.
fn free_totes(tx: &Db) -> Result<impl Iterator<Item = String> + use<>> {
    let used: HashSet<String> = tx
        .prepare_cached(&format!(
            "SELECT w.tote FROM wave_orders w JOIN orders o ON o.id = w.order_id
             JOIN waves v ON v.id = w.wave_id
             WHERE o.status IN ({IN_TOTE}) AND v.status <> 'cancelled'"
        ))?
        .query_map((), |r| r.get(0))?
        .collect::<Result<_>>()?;
    Ok((1..=999_999).map(|n| format!("T{n:04}")).filter(move |t| !used.contains(t)))
}

pub(super) fn parse_bin(code: &str) -> Result<BinCode> {
    code.parse().map_err(|e: String| StoreError::Invalid(format!("stored bin {code:?}: {e}")))
}

fn time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Moves the orders of a wave from `from` to `to` where they still are in
/// `from`, with an event each.
pub(super) fn move_wave_orders(
    tx: &Db,
    actor: &Actor,
    at: i64,
    orders: &[i64],
    from: OrderStatus,
    to: OrderStatus,
    note: &str,
) -> Result<()> {
    for id in orders {
        let changed = tx
            .prepare_cached("UPDATE orders SET status = ?3 WHERE id = ?1 AND status = ?2")?
            .execute(params![id, from.as_str(), to.as_str()])?;
        if changed == 1 {
            let details = format!("{from} -> {to}: {note}");
            events::append(tx, at, actor, "status_changed", &events::order_subject(*id), &details)?;
        }
    }
    Ok(())
}
