//! Allocation at arrival, backorders and releases.
//!
//! Every function here runs inside the caller's `BEGIN IMMEDIATE`
//! transaction, so the snapshot the planner reads cannot change before the
//! plan is applied; the conditional updates and the schema's CHECKs still
//! guard every unit, so even a wrong plan could only fail, never over-allocate.

use std::collections::HashMap;

use crate::store::db::{Db, params};
use chrono::NaiveDate;

use super::stock::move_stock;
use super::{Result, StoreError, events, status_from_sql};
use crate::domain::allocation::{Slot, Take, plan_line};
use crate::domain::{Actor, BackorderPolicy, OrderNumber, OrderStatus};

/// What allocating one order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The order's status afterwards.
    pub status: OrderStatus,
    /// Units reserved by this call.
    pub reserved: u64,
    /// Units still missing, per SKU code (empty when the order is ready).
    pub short: Vec<(String, u32)>,
}

/// Allocation's inputs that are not per order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Allocator<'a> {
    pub actor: &'a Actor,
    pub policy: BackorderPolicy,
    /// Lots expiring before this day are not allocated.
    pub today: NaiveDate,
    pub at_ms: i64,
}

/// A line still waiting for units.
struct Need {
    line_no: i64,
    sku_id: Option<i64>,
    sku: String,
    units: u32,
}

impl Allocator<'_> {
    /// Reserves stock for a `new` or `backordered` order and moves it to
    /// `ready` (every line filled) or `backordered`. Orders in other states
    /// are left alone. Under [`BackorderPolicy::Whole`] a short order
    /// reserves nothing; under `Partial` it keeps what it could reserve.
    pub fn allocate(&self, tx: &Db, id: i64) -> Result<Allocation> {
        let status = status_of(tx, id)?;
        if !matches!(status, OrderStatus::New | OrderStatus::Backordered) {
            return Ok(Allocation { status, reserved: 0, short: Vec::new() });
        }
        let needs = needs(tx, id)?;
        let mut slots: HashMap<i64, Vec<Slot>> = HashMap::new();
        let mut takes: Vec<(i64, String, Take)> = Vec::new();
        let mut short: Vec<(String, u32)> = Vec::new();
        for need in &needs {
            let Some(sku_id) = need.sku_id else {
                short.push((need.sku.clone(), need.units));
                continue;
            };
            let candidates = match slots.entry(sku_id) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => entry.insert(candidate_slots(tx, sku_id)?),
            };
            let plan = plan_line(need.units, candidates, self.today);
            let planned: u32 = plan.iter().map(|t| t.qty).sum();
            for take in plan {
                if let Some(slot) = candidates.iter_mut().find(|s| s.stock_id == take.stock_id) {
                    slot.available -= take.qty;
                }
                takes.push((need.line_no, need.sku.clone(), take));
            }
            if planned < need.units {
                short.push((need.sku.clone(), need.units - planned));
            }
        }
        if !short.is_empty() && self.policy == BackorderPolicy::Whole {
            takes.clear();
        }
        let number = OrderNumber(id);
        let reference = number.to_string();
        let mut reserved = 0;
        let mut placed = Vec::with_capacity(takes.len());
        for (line_no, sku, take) in &takes {
            let qty = i64::from(take.qty);
            if !move_stock(tx, self.at_ms, take.stock_id, 0, qty, "reserve", &reference)? {
                return Err(StoreError::Invalid(format!(
                    "stock of {sku} changed while {number} was being allocated; try again"
                )));
            }
            add_reservation(tx, id, *line_no, take.stock_id, qty)?;
            reserved += u64::from(take.qty);
            placed.push(format!("{sku} {}×{}", take.qty, bin_of(tx, take.stock_id)?));
        }
        let to = if short.is_empty() { OrderStatus::Ready } else { OrderStatus::Backordered };
        if to != status {
            status.transition(to).map_err(|source| StoreError::Transition { number, source })?;
            tx.prepare_cached("UPDATE orders SET status = ?2 WHERE id = ?1 AND status = ?3")?.execute(params![
                id,
                to.as_str(),
                status.as_str()
            ])?;
        }
        if to != status || reserved > 0 {
            let mut parts = vec![format!("{status} -> {to}")];
            if !placed.is_empty() {
                parts.push(format!("reserved {}", placed.join(", ")));
            }
            if !short.is_empty() {
                let missing: Vec<String> = short.iter().map(|(sku, n)| format!("{sku} {n}")).collect();
                parts.push(format!("short {}", missing.join(", ")));
            }
            let details = parts.join("; ");
            events::append(tx, self.at_ms, self.actor, "order_allocated", &events::order_subject(id), &details)?;
        }
        Ok(Allocation { status: to, reserved, short })
    }

    /// Offers stock of `sku_ids` that has just appeared to the backordered
    /// orders waiting for it, most urgent (then oldest) first. Returns how
    /// many of them became ready.
    pub fn fill_backorders(&self, tx: &Db, sku_ids: &[i64]) -> Result<u64> {
        let mut waiting: Vec<(i64, i64, i64)> = Vec::new();
        let mut stmt = tx.prepare_cached(
            "SELECT o.priority, o.created_at, o.id FROM orders o
             WHERE o.status = 'backordered'
               AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku_id = ?1)",
        )?;
        for sku_id in sku_ids {
            let rows = stmt.query_map([sku_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            for row in rows {
                waiting.push(row?);
            }
        }
        waiting.sort_unstable();
        waiting.dedup();
        let mut free_stmt =
            tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM stock WHERE sku_id = ?1 AND on_hand > reserved)")?;
        let mut ready = 0;
        for (_, _, id) in waiting {
            // Once the new units are all promised, the rest keep waiting
            // without being planned again (the write lock is held meanwhile).
            let mut any_free = false;
            for sku_id in sku_ids {
                any_free |= free_stmt.query_row([sku_id], |r| r.get::<_, bool>(0))?;
            }
            if !any_free {
                break;
            }
            if self.allocate(tx, id)?.status == OrderStatus::Ready {
                ready += 1;
            }
        }
        Ok(ready)
    }
}

/// Gives back every unit order `id` has reserved (a cancellation). Returns
/// the SKUs that got stock back, for [`Allocator::fill_backorders`].
pub(super) fn release_reservations(tx: &Db, at_ms: i64, id: i64) -> Result<Vec<i64>> {
    let held: Vec<(i64, i64, i64)> = tx
        .prepare_cached(
            "SELECT r.stock_id, s.sku_id, sum(r.qty) FROM reservations r JOIN stock s ON s.id = r.stock_id
             WHERE r.order_id = ?1 GROUP BY r.stock_id, s.sku_id ORDER BY r.stock_id",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_>>()?;
    let reference = OrderNumber(id).to_string();
    let mut skus = Vec::new();
    for (stock_id, sku_id, qty) in held {
        if !move_stock(tx, at_ms, stock_id, 0, -qty, "release", &reference)? {
            return Err(StoreError::Invalid(format!(
                "the reservations of {reference} do not match the stock; nothing was changed"
            )));
        }
        skus.push(sku_id);
    }
    tx.prepare_cached("DELETE FROM reservations WHERE order_id = ?1")?.execute([id])?;
    skus.sort_unstable();
    skus.dedup();
    Ok(skus)
}

/// Records that an order line holds `qty` more units of a stock row (the
/// stock row's `reserved` is moved by the caller, in the same transaction).
pub(super) fn add_reservation(tx: &Db, order_id: i64, line_no: i64, stock_id: i64, qty: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO reservations (order_id, line_no, stock_id, qty) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (order_id, line_no, stock_id) DO UPDATE SET qty = reservations.qty + excluded.qty",
    )?
    .execute(params![order_id, line_no, stock_id, qty])?;
    Ok(())
}

/// Takes `qty` units off an order line's reservation of a stock row (picked,
/// or given up by a short pick); refused when the line holds fewer.
pub(super) fn drop_reservation(tx: &Db, order_id: i64, line_no: i64, stock_id: i64, qty: i64) -> Result<()> {
    let key = params![order_id, line_no, stock_id, qty];
    let gone = tx
        .prepare_cached("DELETE FROM reservations WHERE order_id = ?1 AND line_no = ?2 AND stock_id = ?3 AND qty = ?4")?
        .execute(key)?;
    let less = if gone == 0 {
        tx.prepare_cached(
            "UPDATE reservations SET qty = qty - ?4 WHERE order_id = ?1 AND line_no = ?2 AND stock_id = ?3 AND qty > ?4",
        )?
        .execute(key)?
    } else {
        0
    };
    if gone + less == 1 {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{} holds fewer than {qty} units there; nothing was changed",
            OrderNumber(order_id)
        )))
    }
}

fn status_of(tx: &Db, id: i64) -> Result<OrderStatus> {
    let status: String = tx.prepare_cached("SELECT status FROM orders WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    status_from_sql(&status)
}

/// The order's shipped lines with the units they still need.
fn needs(tx: &Db, id: i64) -> Result<Vec<Need>> {
    let mut stmt = tx.prepare_cached(
        "SELECT l.line_no, l.sku_id, l.sku_code,
                l.qty - coalesce((SELECT sum(r.qty) FROM reservations r
                                  WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0)
         FROM order_lines l WHERE l.order_id = ?1 AND l.requires_shipping = 1 ORDER BY l.line_no",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Need { line_no: r.get(0)?, sku_id: r.get(1)?, sku: r.get(2)?, units: r.get::<_, i64>(3)?.max(0) as u32 })
    })?;
    let mut needs = Vec::new();
    for need in rows {
        let need = need?;
        if need.units > 0 {
            needs.push(need);
        }
    }
    Ok(needs)
}

/// Stock rows of one SKU with units free to reserve.
pub(super) fn candidate_slots(tx: &Db, sku_id: i64) -> Result<Vec<Slot>> {
    let mut stmt = tx.prepare_cached(
        "SELECT s.id, b.code, b.zone, l.expires_on, s.on_hand - s.reserved
         FROM stock s JOIN bins b ON b.id = s.bin_id LEFT JOIN lots l ON l.id = s.lot_id
         WHERE s.sku_id = ?1 AND s.on_hand > s.reserved",
    )?;
    let rows = stmt.query_map([sku_id], |r| {
        let bin: String = r.get(1)?;
        let zone: String = r.get(2)?;
        let expires: Option<String> = r.get(3)?;
        Ok((r.get::<_, i64>(0)?, bin, zone, expires, r.get::<_, i64>(4)?))
    })?;
    let mut slots = Vec::new();
    for row in rows {
        let (stock_id, bin, zone, expires, available) = row?;
        let corrupt = |what: String| StoreError::Invalid(format!("stock row {stock_id}: {what}"));
        slots.push(Slot {
            stock_id,
            bin: bin.parse().map_err(corrupt)?,
            zone: zone.parse().map_err(corrupt)?,
            expires_on: match expires.as_deref() {
                None | Some("") => None,
                Some(day) => Some(day.parse().map_err(|e| corrupt(format!("expiry {day:?} is not a date ({e})")))?),
            },
            available: u32::try_from(available).unwrap_or(u32::MAX),
        });
    }
    Ok(slots)
}

fn bin_of(tx: &Db, stock_id: i64) -> Result<String> {
    tx.prepare_cached("SELECT b.code FROM stock s JOIN bins b ON b.id = s.bin_id WHERE s.id = ?1")?
        .query_row([stock_id], |r| r.get(0))
}

/// Units an order holds in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserved {
    pub sku: String,
    pub bin: String,
    pub lot: Option<String>,
    pub qty: u32,
}

/// The allocation invariants, counted over the whole store. Every count is
/// zero unless something broke them (or the file was edited by hand).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocationAudit {
    /// Stock rows below zero or reserved beyond what is on hand.
    pub impossible_rows: u64,
    /// Stock rows whose balances differ from their movement ledger.
    pub ledger_mismatches: u64,
    /// Stock rows whose `reserved` differs from the orders' reservations.
    pub reservation_mismatches: u64,
    /// Order lines holding more units than they ordered.
    pub over_reserved_lines: u64,
    /// `ready` orders with a shipped line not fully reserved.
    pub ready_but_short: u64,
    /// Cancelled or finished orders still holding reservations.
    pub closed_with_reservations: u64,
}

impl AllocationAudit {
    #[must_use]
    pub fn is_clean(&self) -> bool {
        *self == Self::default()
    }
}

impl super::Store {
    /// What an order has reserved, by SKU and bin.
    pub fn order_reservations(&self, number: OrderNumber) -> Result<Vec<Reserved>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.code, b.code, l.lot_code, r.qty FROM reservations r
             JOIN stock s ON s.id = r.stock_id JOIN skus k ON k.id = s.sku_id JOIN bins b ON b.id = s.bin_id
             LEFT JOIN lots l ON l.id = s.lot_id
             WHERE r.order_id = ?1 ORDER BY r.line_no, b.code",
        )?;
        let rows = stmt.query_map([number.0], |r| {
            Ok(Reserved { sku: r.get(0)?, bin: r.get(1)?, lot: r.get(2)?, qty: r.get(3)? })
        })?;
        rows.collect::<Result<_>>()
    }

    /// Counts every way stock and reservations could disagree (all zero in a
    /// healthy store); the concurrency test ends with it.
    pub fn audit_allocation(&self) -> Result<AllocationAudit> {
        let count = |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, (), |r| r.get::<_, i64>(0))? as u64) };
        Ok(AllocationAudit {
            impossible_rows: count(
                "SELECT count(*) FROM stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand",
            )?,
            ledger_mismatches: self.ledger_mismatches()?,
            reservation_mismatches: count(
                "SELECT count(*) FROM stock s LEFT JOIN (
                     SELECT stock_id, sum(qty) AS n FROM reservations GROUP BY stock_id
                 ) r ON r.stock_id = s.id WHERE s.reserved <> coalesce(r.n, 0)",
            )?,
            over_reserved_lines: count(
                "SELECT count(*) FROM order_lines l JOIN (
                     SELECT order_id, line_no, sum(qty) AS n FROM reservations GROUP BY order_id, line_no
                 ) r ON r.order_id = l.order_id AND r.line_no = l.line_no WHERE r.n > l.qty",
            )?,
            ready_but_short: count(
                "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id
                 WHERE o.status = 'ready' AND l.requires_shipping = 1
                   AND l.qty > coalesce((SELECT sum(r.qty) FROM reservations r
                                         WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0)",
            )?,
            closed_with_reservations: count(
                "SELECT count(DISTINCT r.order_id) FROM reservations r JOIN orders o ON o.id = r.order_id
                 WHERE o.status IN ('cancelled', 'shipped', 'in_transit', 'delivered', 'delivery_exception')",
            )?,
        })
    }
}
