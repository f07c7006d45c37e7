//! Taking units away from a bin after a count: the freest stock rows
//! first; where a row would hold less than it has reserved, reservations are
//! given up, the orders least urgent and not yet in a wave first, and each
//! order is re-planned from other bins, backordered, taken out of a wave
//! nobody started, or (being picked) left `short`.

use crate::store::db::{Db, OptionalExt, params};
use chrono::NaiveDate;

use super::super::allocation::{Allocator, add_reservation, candidate_slots, drop_reservation, release_reservations};
use super::super::picking::settle_wave;
use super::super::stock::move_stock;
use super::super::waves::{move_wave_orders, wave_subject};
use super::super::{Result, StoreError, events, status_from_sql};
use crate::domain::allocation::plan_line;
use crate::domain::inbound::Adjusted;
use crate::domain::{Actor, BackorderPolicy, OrderNumber, OrderStatus, WaveNumber};

/// Removes `units` of a SKU from a bin's rows, the freest rows first. Where
/// a row would be left holding less than it has reserved, reservations are
/// given up first (see the module docs), each order re-planned.
#[allow(clippy::too_many_arguments)]
pub(super) fn take_away(
    tx: &Db,
    allocator: &Allocator<'_>,
    today: NaiveDate,
    at: i64,
    bin_id: i64,
    sku_id: i64,
    units: i64,
    reference: &str,
    adjusted: &mut Adjusted,
) -> Result<()> {
    let rows: Vec<(i64, i64, i64)> = tx
        .prepare_cached(
            "SELECT id, on_hand, reserved FROM stock WHERE bin_id = ?1 AND sku_id = ?2 AND on_hand > 0
             ORDER BY on_hand - reserved DESC, id",
        )?
        .query_map(params![bin_id, sku_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_>>()?;
    let mut left = units;
    for (stock_id, on_hand, reserved) in rows {
        if left == 0 {
            break;
        }
        let take = left.min(on_hand);
        let short_by = reserved - (on_hand - take);
        if short_by > 0 {
            free_reservations(tx, allocator, today, at, stock_id, short_by, adjusted)?;
        }
        if !move_stock(tx, at, stock_id, -take, 0, "count", reference)? {
            return Err(StoreError::Invalid("the bin's stock changed meanwhile; submit the count again".into()));
        }
        left -= take;
    }
    if left > 0 {
        return Err(StoreError::Invalid("the bin holds fewer units than the count takes away; count it again".into()));
    }
    Ok(())
}

/// A reservation on the row being reduced.
struct Holder {
    order_id: i64,
    line_no: i64,
    qty: i64,
    status: OrderStatus,
}

/// Gives up at least `needed` reserved units of a stock row: orders not in
/// a wave first, the least urgent first; each is re-planned elsewhere.
fn free_reservations(
    tx: &Db,
    allocator: &Allocator<'_>,
    today: NaiveDate,
    at: i64,
    stock_id: i64,
    needed: i64,
    adjusted: &mut Adjusted,
) -> Result<()> {
    let holders: Vec<Holder> = tx
        .prepare_cached(
            "SELECT r.order_id, r.line_no, r.qty, o.status FROM reservations r JOIN orders o ON o.id = r.order_id
             WHERE r.stock_id = ?1
             ORDER BY o.status IN ('waved', 'picking', 'short') , o.priority DESC, o.ship_by DESC, o.id DESC",
        )?
        .query_map([stock_id], |r| {
            Ok(Holder {
                order_id: r.get(0)?,
                line_no: r.get(1)?,
                qty: r.get(2)?,
                status: status_from_sql(&r.get::<_, String>(3)?)?,
            })
        })?
        .collect::<Result<_>>()?;
    let (sku_id, bin): (i64, String) = tx.query_row(
        "SELECT s.sku_id, b.code FROM stock s JOIN bins b ON b.id = s.bin_id WHERE s.id = ?1",
        [stock_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let bin = super::super::waves::parse_bin(&bin)?;
    let mut freed = 0;
    for holder in holders {
        if freed >= needed {
            break;
        }
        let number = OrderNumber(holder.order_id);
        let reference = number.to_string();
        if !move_stock(tx, at, stock_id, 0, -holder.qty, "release", &reference)? {
            return Err(StoreError::Invalid(format!("the reservations of {reference} do not match the stock")));
        }
        drop_reservation(tx, holder.order_id, holder.line_no, stock_id, holder.qty)?;
        freed += holder.qty;
        // Not from this bin: the count is taking its units away, all lots of them.
        let slots: Vec<_> = candidate_slots(tx, sku_id)?.into_iter().filter(|s| s.bin != bin).collect();
        let need = u32::try_from(holder.qty).unwrap_or(u32::MAX);
        let plan = plan_line(need, &slots, today);
        let fits = plan.iter().map(|t| t.qty).sum::<u32>() == need;
        let subject = events::order_subject(holder.order_id);
        let task = open_task(tx, holder.order_id, holder.line_no, stock_id)?;
        if fits {
            for take in &plan {
                let qty = i64::from(take.qty);
                if !move_stock(tx, at, take.stock_id, 0, qty, "reserve", &reference)? {
                    return Err(StoreError::Invalid(format!(
                        "stock changed while {reference} was re-planned; try again"
                    )));
                }
                add_reservation(tx, holder.order_id, holder.line_no, take.stock_id, qty)?;
                if let Some((task_id, wave)) = task {
                    tx.execute(
                        "INSERT INTO pick_tasks (wave_id, seq, order_id, line_no, stock_id, qty)
                         SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5 FROM pick_tasks WHERE wave_id = ?1",
                        params![wave.0, holder.order_id, holder.line_no, take.stock_id, qty],
                    )?;
                    tx.execute("UPDATE pick_tasks SET status = 'moved' WHERE id = ?1", [task_id])?;
                }
            }
            events::append(
                tx,
                at,
                allocator.actor,
                "order_replanned",
                &subject,
                &format!("{} units after a count", holder.qty),
            )?;
            adjusted.reallocated.push(number);
            continue;
        }
        match (holder.status, task) {
            (OrderStatus::Picking | OrderStatus::Short, Some((task_id, wave))) => {
                tx.execute("UPDATE pick_tasks SET status = 'short' WHERE id = ?1", [task_id])?;
                let details = format!("{} units gone at a count; no other bin has them", holder.qty);
                events::append(tx, at, allocator.actor, "pick_short", &subject, &details)?;
                move_wave_orders(
                    tx,
                    allocator.actor,
                    at,
                    &[holder.order_id],
                    OrderStatus::Picking,
                    OrderStatus::Short,
                    "stock gone at a count",
                )?;
                settle_wave(tx, allocator.actor, at, wave)?;
                adjusted.short.push(number);
            }
            (status, task) => {
                if let (OrderStatus::Waved, Some((_, wave))) = (status, task) {
                    leave_wave(tx, allocator.actor, at, holder.order_id, wave)?;
                }
                backorder(tx, allocator, at, holder.order_id)?;
                adjusted.backordered.push(number);
            }
        }
    }
    Ok(())
}

/// The open pick task of an order line on a stock row, with its wave.
fn open_task(tx: &Db, order_id: i64, line_no: i64, stock_id: i64) -> Result<Option<(i64, WaveNumber)>> {
    tx.prepare_cached(
        "SELECT id, wave_id FROM pick_tasks WHERE order_id = ?1 AND line_no = ?2 AND stock_id = ?3 AND status = 'open'",
    )?
    .query_row(params![order_id, line_no, stock_id], |r| Ok((r.get(0)?, WaveNumber(r.get(1)?))))
    .optional()
}

/// Takes an order nobody has started picking out of its wave: its tasks are
/// cancelled, its tote freed, and it is `ready` again.
fn leave_wave(tx: &Db, actor: &Actor, at: i64, order_id: i64, wave: WaveNumber) -> Result<()> {
    tx.execute(
        "UPDATE pick_tasks SET status = 'cancelled' WHERE wave_id = ?1 AND order_id = ?2 AND status = 'open'",
        params![wave.0, order_id],
    )?;
    tx.execute("DELETE FROM wave_orders WHERE wave_id = ?1 AND order_id = ?2", params![wave.0, order_id])?;
    move_wave_orders(
        tx,
        actor,
        at,
        &[order_id],
        OrderStatus::Waved,
        OrderStatus::Ready,
        &format!("left {wave}: stock gone at a count"),
    )?;
    // A wave nobody started that has no order left is cancelled.
    let emptied = tx.execute(
        "UPDATE waves SET status = 'cancelled' WHERE id = ?1 AND status IN ('planned', 'released')
           AND NOT EXISTS (SELECT 1 FROM wave_orders WHERE wave_id = ?1)",
        [wave.0],
    )?;
    if emptied == 1 {
        events::append(tx, at, actor, "wave_cancelled", &wave_subject(wave), "its orders lost their stock at a count")?;
    }
    Ok(())
}

/// An order that lost units and found none elsewhere waits for stock; under
/// the whole-order policy it gives up the rest of its reservations too. A
/// held order stays held (its release allocates again).
fn backorder(tx: &Db, allocator: &Allocator<'_>, at: i64, order_id: i64) -> Result<()> {
    let status: String = tx.query_row("SELECT status FROM orders WHERE id = ?1", [order_id], |r| r.get(0))?;
    let status = status_from_sql(&status)?;
    if status != OrderStatus::Ready {
        return Ok(());
    }
    if allocator.policy == BackorderPolicy::Whole {
        release_reservations(tx, at, order_id)?;
    }
    move_wave_orders(
        tx,
        allocator.actor,
        at,
        &[order_id],
        OrderStatus::Ready,
        OrderStatus::Backordered,
        "stock gone at a count",
    )
}
