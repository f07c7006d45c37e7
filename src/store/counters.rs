//! The dashboard's counters (migration 0008), added to in the same
//! transaction as the operation they count.
//!
//! What each counts (migration 0008's backfill computes the same from the
//! audit trail and the orders, for stores older than the counters):
//!
//! - `operator_hourly`, per clock hour of the event and the acting badge:
//!   `pick_lines` one per `units_picked` event and `picked_units` its
//!   quantity; `short_lines` one per `pick_short` event (one per pick task
//!   reported short); `pick_refusals` / `pack_refusals` one per
//!   `scan_refused` event about a wave / anything else; `packed_units` the
//!   quantity of each `unit_verified` event (an undone scan stays counted);
//!   `packed_orders` one per move `packing -> packed`.
//! - `shipped_hourly`, per hour of `orders.shipped_at`: orders shipped, their
//!   units (lines of a known SKU that ship) and those shipped by their ship-by.
//! - `cycle_daily`, per day shipped: orders by whole minutes from created to
//!   shipped (never below zero).
//! - `sku_daily`: units of each SKU shipped (as above) and returned (one per
//!   `rma_units` row) per day; `sku_last_shipped` the last day a SKU shipped.

use crate::store::db::{Backend, Db, Value, params};

use super::{Result, Store};

/// A count of one operator's work in one clock hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OperatorWork {
    /// Unix seconds / 3600.
    pub hour: i64,
    pub pick_lines: i64,
    pub picked_units: i64,
    pub short_lines: i64,
    pub pick_refusals: i64,
    pub packed_units: i64,
    pub packed_orders: i64,
    pub pack_refusals: i64,
}

/// Adds `work` to `operator`'s row of its hour.
fn add_work(tx: &Db, operator: &str, work: &OperatorWork) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO operator_hourly (hour, operator, pick_lines, picked_units, short_lines, pick_refusals,
             packed_units, packed_orders, pack_refusals)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (hour, operator) DO UPDATE SET
             pick_lines = operator_hourly.pick_lines + excluded.pick_lines,
             picked_units = operator_hourly.picked_units + excluded.picked_units,
             short_lines = operator_hourly.short_lines + excluded.short_lines,
             pick_refusals = operator_hourly.pick_refusals + excluded.pick_refusals,
             packed_units = operator_hourly.packed_units + excluded.packed_units,
             packed_orders = operator_hourly.packed_orders + excluded.packed_orders,
             pack_refusals = operator_hourly.pack_refusals + excluded.pack_refusals",
    )?
    .execute(params![
        work.hour,
        operator,
        work.pick_lines,
        work.picked_units,
        work.short_lines,
        work.pick_refusals,
        work.packed_units,
        work.packed_orders,
        work.pack_refusals
    ])?;
    Ok(())
}

/// The clock hour of an event time (milliseconds), as SQLite divides.
fn hour_of(at_ms: i64) -> i64 {
    at_ms / 3_600_000
}

/// A pick confirmation (`units_picked`) of `qty` units.
pub(super) fn picked(tx: &Db, at_ms: i64, operator: &str, qty: i64) -> Result<()> {
    add_work(
        tx,
        operator,
        &OperatorWork { hour: hour_of(at_ms), pick_lines: 1, picked_units: qty, ..Default::default() },
    )
}

/// A short pick: `tasks` pick tasks reported short (one `pick_short` event each).
pub(super) fn shorted(tx: &Db, at_ms: i64, operator: &str, tasks: i64) -> Result<()> {
    add_work(tx, operator, &OperatorWork { hour: hour_of(at_ms), short_lines: tasks, ..Default::default() })
}

/// A refused scan about `subject`: at the pick screen (`wave:ID`) or the pack station.
pub(super) fn refused(tx: &Db, at_ms: i64, operator: &str, subject: &str) -> Result<()> {
    let picking = subject.starts_with("wave:");
    let work = OperatorWork {
        hour: hour_of(at_ms),
        pick_refusals: i64::from(picking),
        pack_refusals: i64::from(!picking),
        ..Default::default()
    };
    add_work(tx, operator, &work)
}

/// A verified pack scan (`unit_verified`) of `qty` units.
pub(super) fn verified(tx: &Db, at_ms: i64, operator: &str, qty: i64) -> Result<()> {
    add_work(tx, operator, &OperatorWork { hour: hour_of(at_ms), packed_units: qty, ..Default::default() })
}

/// An order moved `packing -> packed` by `operator`.
pub(super) fn packed(tx: &Db, at_ms: i64, operator: &str) -> Result<()> {
    add_work(tx, operator, &OperatorWork { hour: hour_of(at_ms), packed_orders: 1, ..Default::default() })
}

/// A returned unit (one `rma_units` row) of the order's line, on the day of `at_ms`.
pub(super) fn returned(tx: &Db, at_ms: i64, order_id: i64, line_no: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sku_daily (day, sku_id, returned_units)
         SELECT ?1, sku_id, 1 FROM order_lines WHERE order_id = ?2 AND line_no = ?3 AND sku_id IS NOT NULL
         ON CONFLICT (day, sku_id) DO UPDATE SET returned_units = sku_daily.returned_units + 1",
    )?
    .execute(params![at_ms / 86_400_000, order_id, line_no])?;
    Ok(())
}

/// Orders that just shipped, for [`mark_shipped`] and [`add_shipped`].
pub(super) enum Shipped<'a> {
    /// The orders of a closed manifest.
    Manifest(i64),
    /// These orders.
    Orders(&'a [i64]),
    /// Orders with ids in this range (inclusive) that have a ship time (a seed batch).
    Range(i64, i64),
}

impl Shipped<'_> {
    /// A condition on `o` (an order row) that holds for these orders, with its parameters.
    /// A list of ids is one text parameter, unpacked by each database's own means.
    fn filter(&self, backend: Backend) -> (&'static str, Vec<Value>) {
        match self {
            Self::Manifest(id) => {
                ("o.id IN (SELECT order_id FROM shipments WHERE manifest_id = ?1)", vec![Value::Int(*id)])
            }
            Self::Orders(ids) => {
                let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                match backend {
                    Backend::Sqlite => {
                        ("o.id IN (SELECT value FROM json_each(?1))", vec![Value::Text(format!("[{list}]"))])
                    }
                    Backend::Postgres => (
                        "o.id IN (SELECT CAST(v AS BIGINT) FROM unnest(string_to_array(?1, ',')) AS v)",
                        vec![Value::Text(list)],
                    ),
                }
            }
            Self::Range(first, last) => ("o.id BETWEEN ?1 AND ?2", vec![Value::Int(*first), Value::Int(*last)]),
        }
    }
}

/// The statements that add shipped orders (`o` where `{batch}`) to the
/// counters; they read the orders' `shipped_at`. The last day each SKU
/// shipped is the latest of `sku_daily` over the batch's days (a maximum:
/// counting a day twice changes nothing).
const SHIPPED_COUNTERS: [&str; 4] = [
    "INSERT INTO shipped_hourly (hour, orders, units, on_time_orders)
     SELECT o.shipped_at / 3600, count(*),
            sum((SELECT ifnull(sum(l.qty), 0) FROM order_lines l
                  WHERE l.order_id = o.id AND l.sku_id IS NOT NULL AND l.requires_shipping = 1)),
            sum(CASE WHEN o.shipped_at <= o.ship_by THEN 1 ELSE 0 END)
     FROM orders o WHERE {batch} AND o.shipped_at IS NOT NULL GROUP BY 1
     ON CONFLICT (hour) DO UPDATE SET orders = shipped_hourly.orders + excluded.orders, units = shipped_hourly.units + excluded.units,
         on_time_orders = shipped_hourly.on_time_orders + excluded.on_time_orders",
    "INSERT INTO cycle_daily (day, minutes, orders)
     SELECT o.shipped_at / 86400, max(o.shipped_at - o.created_at, 0) / 60, count(*)
     FROM orders o WHERE {batch} AND o.shipped_at IS NOT NULL GROUP BY 1, 2
     ON CONFLICT (day, minutes) DO UPDATE SET orders = cycle_daily.orders + excluded.orders",
    "INSERT INTO sku_daily (day, sku_id, shipped_units)
     SELECT o.shipped_at / 86400, l.sku_id, sum(l.qty)
     FROM orders o JOIN order_lines l ON l.order_id = o.id
     WHERE {batch} AND o.shipped_at IS NOT NULL AND l.sku_id IS NOT NULL AND l.requires_shipping = 1 GROUP BY 1, 2
     ON CONFLICT (day, sku_id) DO UPDATE SET shipped_units = sku_daily.shipped_units + excluded.shipped_units",
    "INSERT INTO sku_last_shipped (sku_id, day)
     SELECT sku_id, max(day) FROM sku_daily
     WHERE day BETWEEN (SELECT min(o.shipped_at) / 86400 FROM orders o WHERE {batch})
                   AND (SELECT max(o.shipped_at) / 86400 FROM orders o WHERE {batch})
       AND shipped_units > 0
     GROUP BY sku_id
     ON CONFLICT (sku_id) DO UPDATE SET day = max(sku_last_shipped.day, excluded.day)",
];

/// Adds orders whose `shipped_at` is set to the shipping counters: a few
/// set-based statements for the whole batch.
pub(super) fn add_shipped(tx: &Db, orders: &Shipped<'_>) -> Result<()> {
    let (batch, values) = orders.filter(tx.backend());
    for statement in SHIPPED_COUNTERS {
        tx.execute(&statement.replace("{batch}", batch), &values)?;
    }
    Ok(())
}

/// Sets the orders' ship time (unix seconds) and adds them to the counters.
pub(super) fn mark_shipped(tx: &Db, orders: &Shipped<'_>, at_s: i64) -> Result<()> {
    let (batch, mut values) = orders.filter(tx.backend());
    let at = values.len() + 1;
    let sql = format!("UPDATE orders AS o SET shipped_at = ?{at} WHERE {batch}");
    values.push(Value::Int(at_s));
    tx.execute(&sql, &values)?;
    add_shipped(tx, orders)
}

impl Store {
    /// Adds operators' work to the dashboard's counters without events: the
    /// demo's plausible shift of work behind its seeded history. One
    /// transaction; a badge the store does not know is still counted.
    pub fn seed_operator_work(&mut self, work: &[(String, OperatorWork)]) -> Result<()> {
        self.write(|tx| {
            for (operator, hour) in work {
                add_work(tx, operator, hour)?;
            }
            Ok(())
        })
    }
}
