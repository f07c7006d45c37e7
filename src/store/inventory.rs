//! Reads for inventory health (`planning::inventory`, `packline report
//! inventory`): per catalogue SKU its stock, what backordered orders still
//! miss, the units shipped in the demand window and the day it last shipped.
//!
//! "Shipped" is what the slotting report counts (`store/slotting.rs`): lines
//! of orders shipped, in transit, delivered or with a delivery exception, at
//! their order's ship-by time. The window's units come from
//! [`Store::units_shipped_since`] itself, so both reports agree on demand.
//! Order rows rather than `shipments` because the history a store starts
//! with (the demo's 90 days, orders imported already shipped) has no
//! shipment rows, and `shipments` has no index on its time.
//!
//! Cost: the window and the backorders seek orders by status (a covering
//! status index, then each order's lines by primary key); the last shipment
//! reads every shipped order's lines once (the maximum per SKU is kept in
//! Rust, as the slotting read sums). Stock is summed over the whole `stock`
//! table. Fine for a report; a dashboard needs counters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Result, Store};

/// One catalogue SKU as inventory health sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    pub sku: String,
    pub title: String,
    /// Units on hand over all its stock rows (every bin and lot).
    pub on_hand: u64,
    /// Of those, units reserved for orders.
    pub reserved: u64,
    /// Units its lines on backordered orders have not reserved (ordered less
    /// reserved; under `backorders = "whole"` such an order reserves nothing,
    /// so this counts lines in stock too: the order waits for another SKU).
    pub backordered: u64,
    /// Units shipped since the window's start.
    pub units: u64,
    /// The latest ship-by of a shipped order with the SKU, ever.
    pub last_shipped: Option<DateTime<Utc>>,
}

const CATALOGUE: &str = "SELECT id, code, title FROM skus ORDER BY code";

const STOCK: &str = "SELECT sku_id, sum(on_hand), sum(reserved) FROM stock GROUP BY sku_id";

/// Each backordered order's lines with what they still miss, driven by a
/// status index (backorders are few).
pub(super) const BACKORDERED: &str = "SELECT l.sku_id, l.qty - ifnull((SELECT sum(r.qty) FROM reservations r
        WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0)
    FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id
    WHERE o.status = 'backordered' AND l.sku_id IS NOT NULL AND l.requires_shipping = 1";

/// Every shipped line's SKU with its order's ship-by (see the module docs).
const SHIPPED_AT: &str = "SELECT l.sku_id, o.ship_by
    FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id
    WHERE o.status IN ('shipped', 'in_transit', 'delivered', 'delivery_exception')
      AND l.sku_id IS NOT NULL AND l.requires_shipping = 1";

impl Store {
    /// Every catalogue SKU, by code, with its stock, backordered units,
    /// units shipped since `window_from` and last shipment, from one
    /// snapshot of the store.
    pub fn inventory_inputs(&self, window_from: DateTime<Utc>) -> Result<Vec<InventoryRow>> {
        let tx = self.conn.unchecked_transaction()?;
        let units: HashMap<String, u64> = self.units_shipped_since(window_from)?.into_iter().collect();
        let stock = per_sku(&tx, STOCK, |r| Ok((count(r.get(1)?), count(r.get(2)?))))?;
        let backordered = per_sku(&tx, BACKORDERED, |r| Ok(count(r.get(1)?)))?;
        let mut last: HashMap<i64, i64> = HashMap::new();
        for (sku_id, ship_by) in per_sku(&tx, SHIPPED_AT, |r| r.get::<_, i64>(1))? {
            let latest = last.entry(sku_id).or_insert(ship_by);
            *latest = (*latest).max(ship_by);
        }
        let mut short: HashMap<i64, u64> = HashMap::new();
        for (sku_id, n) in backordered {
            *short.entry(sku_id).or_default() += n;
        }
        let stock: HashMap<i64, (u64, u64)> = stock.into_iter().collect();
        let mut stmt = tx.prepare_cached(CATALOGUE)?;
        let rows = stmt.query_map([], |r| {
            let id: i64 = r.get(0)?;
            let sku: String = r.get(1)?;
            let (on_hand, reserved) = stock.get(&id).copied().unwrap_or_default();
            Ok(InventoryRow {
                units: units.get(&sku).copied().unwrap_or(0),
                sku,
                title: r.get(2)?,
                on_hand,
                reserved,
                backordered: short.get(&id).copied().unwrap_or(0),
                last_shipped: last.get(&id).and_then(|&t| DateTime::from_timestamp(t, 0)),
            })
        })?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        tx.finish()?;
        Ok(rows)
    }

    /// The query plans of the backorder and last-shipment reads behind
    /// [`Store::inventory_inputs`], one line per step (for the test that
    /// they seek orders by status and scan nothing).
    pub fn explain_inventory_inputs(&self) -> Result<Vec<String>> {
        let mut plan = Vec::new();
        for sql in [BACKORDERED, SHIPPED_AT] {
            let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            plan.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        Ok(plan)
    }
}

/// A stored count as a count (negative values cannot occur; they read as 0).
fn count(n: i64) -> u64 {
    n.max(0).unsigned_abs()
}

/// Runs `sql` (no parameters), whose first column is a SKU id, and reads the
/// rest of each row with `rest`.
fn per_sku<T>(
    conn: &Connection,
    sql: &str,
    rest: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<(i64, T)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, rest(r)?)))?;
    rows.collect()
}
