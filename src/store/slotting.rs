//! Reads for ABC slotting (`planning::abc`, `packline report slotting`):
//! units shipped per SKU over a window, where stock sits, and which bins are
//! empty.
//!
//! "Shipped in the window" is read from the order rows, not the audit trail:
//! an order counts when its status is shipped, in transit, delivered or
//! delivery exception (its units left the building) and its ship-by time is
//! at or after `since`. Orders have no shipped-at column; ship-by is the
//! deadline the order shipped against (most ship before it, late ones within
//! a day or so), and `(status, ship_by)` is indexed by `orders_status_ship`,
//! so the read seeks the window instead of scanning every order or event.
//! `updated_at` would drift to the delivery time and is not indexed.

use std::collections::HashMap;

use crate::store::db::{Db, Row};
use chrono::{DateTime, Utc};

use super::{Result, Store};
use crate::domain::{Bin, BinCode, Zone};

/// Units of one SKU on hand in one bin, all lots together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockPlacement {
    pub sku: String,
    pub bin: Bin,
    pub on_hand: u64,
}

/// Everything the slotting report reads, from one snapshot of the store.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlottingInputs {
    /// Every catalogue SKU with its units shipped in the window (0 for none), by code.
    pub units: Vec<(String, u64)>,
    /// Stock on hand per (SKU, bin), by SKU then bin.
    pub placements: Vec<StockPlacement>,
    /// Bins with nothing on hand, by code.
    pub free_bins: Vec<Bin>,
}

/// The lines of shipped orders whose ship-by is at or after ?1 (unix
/// seconds): SKU id and units. Driven by `orders_status_ship` (a covering
/// seek per status), then each order's lines by their primary key; lines of
/// SKUs the catalogue does not know, or that need no shipping, are left out.
/// Summed in Rust: a `GROUP BY` here sorts every line (2.4 million for a
/// million orders) and took three times as long as the join itself.
const SHIPPED_LINES: &str = "SELECT l.sku_id, l.qty
    FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id
    WHERE o.status IN ('shipped', 'in_transit', 'delivered', 'delivery_exception')
      AND o.ship_by >= ?1
      AND l.sku_id IS NOT NULL AND l.requires_shipping = 1";

const CATALOGUE: &str = "SELECT id, code FROM skus ORDER BY code";

const PLACEMENTS: &str = "SELECT k.code, b.code, b.zone, sum(s.on_hand)
    FROM stock s JOIN bins b ON b.id = s.bin_id JOIN skus k ON k.id = s.sku_id
    GROUP BY k.code, b.code, b.zone
    HAVING sum(s.on_hand) > 0
    ORDER BY k.code, b.code";

const FREE_BINS: &str = "SELECT b.code, b.zone FROM bins b
    WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.bin_id = b.id AND s.on_hand > 0)
    ORDER BY b.code";

impl Store {
    /// Every catalogue SKU with the units shipped since `since` (0 for none),
    /// by SKU code. See the module docs for what counts as shipped.
    pub fn units_shipped_since(&self, since: DateTime<Utc>) -> Result<Vec<(String, u64)>> {
        units_shipped(&self.conn, since)
    }

    /// Stock on hand per (SKU, bin) with the bin's zone, all lots together;
    /// rows with nothing on hand are left out. By SKU code, then bin code.
    pub fn stock_placements(&self) -> Result<Vec<StockPlacement>> {
        placements(&self.conn)
    }

    /// Bins with no units on hand (no stock row, or only empty ones), with
    /// their zones, by bin code.
    pub fn free_bins(&self) -> Result<Vec<Bin>> {
        free_bins(&self.conn)
    }

    /// The three reads above in one read transaction, so a put-away
    /// committed meanwhile cannot make a bin both occupied and free.
    pub fn slotting_inputs(&self, since: DateTime<Utc>) -> Result<SlottingInputs> {
        self.conn.read(|tx| {
            let inputs = SlottingInputs {
                units: units_shipped(tx, since)?,
                placements: placements(tx)?,
                free_bins: free_bins(tx)?,
            };
            Ok(inputs)
        })
    }

    /// The query plan of the shipped lines behind
    /// [`Store::units_shipped_since`], one line per step (for the test that
    /// it seeks the window and scans nothing).
    pub fn explain_units_shipped(&self) -> Result<Vec<String>> {
        self.conn.explain(SHIPPED_LINES, [0_i64])
    }
}

fn units_shipped(conn: &Db, since: DateTime<Utc>) -> Result<Vec<(String, u64)>> {
    let mut units: HashMap<i64, u64> = HashMap::new();
    conn.query_each(SHIPPED_LINES, [since.timestamp()], |line| {
        *units.entry(line.get(0)?).or_default() += line.get::<_, i64>(1)?.max(0) as u64;
        Ok(())
    })?;
    let mut stmt = conn.prepare_cached(CATALOGUE)?;
    let skus = stmt.query_map((), |r| {
        let id: i64 = r.get(0)?;
        Ok((r.get::<_, String>(1)?, units.get(&id).copied().unwrap_or(0)))
    })?;
    skus.collect()
}

fn placements(conn: &Db) -> Result<Vec<StockPlacement>> {
    let mut stmt = conn.prepare_cached(PLACEMENTS)?;
    let rows = stmt.query_map((), |r| {
        Ok(StockPlacement { sku: r.get(0)?, bin: bin_at(r, 1)?, on_hand: r.get::<_, i64>(3)?.max(0) as u64 })
    })?;
    rows.collect()
}

fn free_bins(conn: &Db) -> Result<Vec<Bin>> {
    let mut stmt = conn.prepare_cached(FREE_BINS)?;
    let rows = stmt.query_map((), |r| bin_at(r, 0))?;
    rows.collect()
}

/// The bin whose code is in column `i` and zone in column `i + 1`; a corrupt
/// value is an error, not a panic.
fn bin_at(r: &Row<'_>, i: usize) -> Result<Bin> {
    let bad = |e: String| crate::store::db::bad_column(i, e);
    let code: BinCode = r.get::<_, String>(i)?.parse().map_err(bad)?;
    let zone: Zone = r.get::<_, String>(i + 1)?.parse().map_err(bad)?;
    Ok(Bin { code, zone })
}
