//! Stock per bin and lot. Every change is a conditional update checked by its
//! changed-row count (never read-then-write), backed by CHECK constraints, and
//! recorded in the movement ledger and the audit trail.

use crate::store::db::{Db, OptionalExt, params};

use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::{Actor, BinCode};

/// On-hand and reserved units of one SKU (and lot) in one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StockBalance {
    pub on_hand: i64,
    pub reserved: i64,
}

impl StockBalance {
    #[must_use]
    pub fn available(self) -> i64 {
        self.on_hand - self.reserved
    }
}

/// Units arriving in a bin: goods-in, a return put back, the demo warehouse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockReceipt {
    pub bin: BinCode,
    /// The SKU's code.
    pub sku: String,
    pub lot: Option<String>,
    /// The lot's best-before or expiry date (first-expiry-first-out).
    pub expires_on: Option<chrono::NaiveDate>,
    pub qty: u32,
}

/// A change to one stock row.
struct Change<'a> {
    on_hand: i64,
    reserved: i64,
    kind: &'a str,
    reference: &'a str,
}

impl Store {
    /// Puts `qty` units of `sku` (optionally of `lot`) into `bin`; backorders
    /// waiting for the SKU are offered the new units at once.
    pub fn receive_stock(
        &mut self,
        actor: &Actor,
        bin: BinCode,
        sku: &str,
        lot: Option<&str>,
        qty: u32,
        reference: &str,
    ) -> Result<()> {
        let receipt = StockReceipt { bin, sku: sku.to_owned(), lot: lot.map(str::to_owned), expires_on: None, qty };
        self.receive_stock_many(actor, &[receipt], reference)
    }

    /// Puts many receipts away in one transaction (goods-in, the demo
    /// warehouse), then offers the new units to waiting backorders. All or
    /// nothing. A lot's expiry, once known, is kept; a receipt cannot change it.
    pub fn receive_stock_many(&mut self, actor: &Actor, items: &[StockReceipt], reference: &str) -> Result<()> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let mut skus = Vec::with_capacity(items.len());
            for item in items {
                let (stock_id, sku_id) = ensure_stock_row(tx, item.bin, &item.sku, item.lot.as_deref())?;
                if let (Some(lot), Some(day)) = (&item.lot, item.expires_on) {
                    tx.prepare_cached(
                        "UPDATE lots SET expires_on = ?3 WHERE sku_id = ?1 AND lot_code = ?2 AND expires_on IS NULL",
                    )?
                    .execute(params![sku_id, lot, day.to_string()])?;
                }
                let change = Change { on_hand: i64::from(item.qty), reserved: 0, kind: "receive", reference };
                apply(tx, actor, stock_id, &change)?;
                skus.push(sku_id);
            }
            skus.sort_unstable();
            skus.dedup();
            allocator.fill_backorders(tx, &skus)?;
            Ok(())
        })
    }

    /// Adds (or with a negative `delta`, removes) units, e.g. after a count.
    /// A removal that would leave less than what is reserved is refused;
    /// added units are offered to waiting backorders at once.
    pub fn adjust_stock(
        &mut self,
        actor: &Actor,
        bin: BinCode,
        sku: &str,
        lot: Option<&str>,
        delta: i64,
        reason: &str,
    ) -> Result<()> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let (stock_id, sku_id) = ensure_stock_row(tx, bin, sku, lot)?;
            let change = Change { on_hand: delta, reserved: 0, kind: "adjust", reference: reason };
            require(tx, stock_id, bin, sku, -delta, apply(tx, actor, stock_id, &change)?)?;
            if delta > 0 {
                allocator.fill_backorders(tx, &[sku_id])?;
            }
            Ok(())
        })
    }

    /// Reserves `qty` available units; refused when fewer are available.
    /// The stock primitive under allocation, kept for the tests of the
    /// conditional updates: units reserved this way belong to no order, and
    /// [`Store::audit_allocation`] reports them. Orders reserve through
    /// allocation (`import_checked`, releases, backorder filling).
    #[doc(hidden)]
    pub fn reserve_stock(
        &mut self,
        actor: &Actor,
        bin: BinCode,
        sku: &str,
        lot: Option<&str>,
        qty: u32,
        reference: &str,
    ) -> Result<()> {
        self.write(|tx| {
            let (stock_id, _) = ensure_stock_row(tx, bin, sku, lot)?;
            let change = Change { on_hand: 0, reserved: i64::from(qty), kind: "reserve", reference };
            require(tx, stock_id, bin, sku, i64::from(qty), apply(tx, actor, stock_id, &change)?)
        })
    }

    /// Current balance of `sku` in `bin` (all lots together when `lot` is `None`).
    pub fn stock_balance(&self, bin: BinCode, sku: &str, lot: Option<&str>) -> Result<StockBalance> {
        let (on_hand, reserved) = self.conn.query_row(
            "SELECT coalesce(sum(s.on_hand), 0), coalesce(sum(s.reserved), 0)
             FROM stock s JOIN bins b ON b.id = s.bin_id JOIN skus k ON k.id = s.sku_id
             LEFT JOIN lots l ON l.id = s.lot_id
             WHERE b.code = ?1 AND k.code = ?2 AND (?3 IS NULL OR l.lot_code = ?3)",
            params![bin.to_string(), sku, lot],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(StockBalance { on_hand, reserved })
    }

    /// Stock rows whose balances differ from the sum of their movements
    /// (always zero unless the file was edited behind packline's back).
    pub fn ledger_mismatches(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM stock s LEFT JOIN (
                 SELECT stock_id, sum(delta_on_hand) AS oh, sum(delta_reserved) AS rs FROM movements GROUP BY stock_id
             ) m ON m.stock_id = s.id
             WHERE s.on_hand <> coalesce(m.oh, 0) OR s.reserved <> coalesce(m.rs, 0)",
            (),
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}

/// Turns "no row changed" into a clear shortage error.
fn require(tx: &Db, stock_id: i64, bin: BinCode, sku: &str, wanted: i64, changed: bool) -> Result<()> {
    if changed {
        return Ok(());
    }
    let available: i64 =
        tx.query_row("SELECT on_hand - reserved FROM stock WHERE id = ?1", [stock_id], |r| r.get(0))?;
    Err(StoreError::InsufficientStock { sku: sku.to_owned(), bin: bin.to_string(), available, wanted })
}

/// The stock row for (bin, SKU, lot), created empty if needed, and the SKU's id.
pub(super) fn ensure_stock_row(tx: &Db, bin: BinCode, sku: &str, lot: Option<&str>) -> Result<(i64, i64)> {
    let bin_code = bin.to_string();
    let bin_id: i64 = tx
        .query_row("SELECT id FROM bins WHERE code = ?1", [&bin_code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("bin {bin_code} does not exist")))?;
    let sku_id: i64 = tx
        .query_row("SELECT id FROM skus WHERE code = ?1", [sku], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("SKU {sku} does not exist")))?;
    let lot_id: Option<i64> = match lot {
        None => None,
        Some(code) => {
            tx.execute(
                "INSERT INTO lots (sku_id, lot_code) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![sku_id, code],
            )?;
            Some(tx.query_row(
                "SELECT id FROM lots WHERE sku_id = ?1 AND lot_code = ?2",
                params![sku_id, code],
                |r| r.get(0),
            )?)
        }
    };
    tx.execute(
        "INSERT INTO stock (bin_id, sku_id, lot_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![bin_id, sku_id, lot_id],
    )?;
    let stock_id = tx.query_row(
        "SELECT id FROM stock WHERE bin_id = ?1 AND sku_id = ?2 AND ifnull(lot_id, 0) = ifnull(?3, 0)",
        params![bin_id, sku_id, lot_id],
        |r| r.get(0),
    )?;
    Ok((stock_id, sku_id))
}

/// Applies a change only if the row stays valid, with its audit event;
/// returns whether it did.
fn apply(tx: &Db, actor: &Actor, stock_id: i64, change: &Change<'_>) -> Result<bool> {
    let at = now_ms();
    if !move_stock(tx, at, stock_id, change.on_hand, change.reserved, change.kind, change.reference)? {
        return Ok(false);
    }
    let details = format!("on_hand {:+}, reserved {:+}, {}", change.on_hand, change.reserved, change.reference);
    events::append(tx, at, actor, &format!("stock_{}", change.kind), &format!("stock:{stock_id}"), &details)?;
    Ok(true)
}

/// Changes one stock row only if it stays valid, and records the change in
/// the movement ledger; returns whether it did. The WHERE clause mirrors the
/// CHECK constraints, which stay as the last line. Callers write the audit
/// event (allocation writes one per order, not one per row).
pub(super) fn move_stock(
    tx: &Db,
    at_ms: i64,
    stock_id: i64,
    on_hand: i64,
    reserved: i64,
    kind: &str,
    reference: &str,
) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE stock SET on_hand = on_hand + ?2, reserved = reserved + ?3
         WHERE id = ?1 AND on_hand + ?2 >= 0 AND reserved + ?3 >= 0 AND on_hand + ?2 - (reserved + ?3) >= 0",
        )?
        .execute(params![stock_id, on_hand, reserved])?;
    if changed == 0 {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO movements (at_ms, stock_id, delta_on_hand, delta_reserved, kind, reference) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at_ms, stock_id, on_hand, reserved, kind, reference])?;
    Ok(true)
}
