//! Stock per bin and lot. Every change is a conditional update checked by its
//! changed-row count (never read-then-write), backed by CHECK constraints, and
//! recorded in the movement ledger and the audit trail.

use rusqlite::{OptionalExtension, Transaction, params};

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

/// A change to one stock row.
struct Change<'a> {
    on_hand: i64,
    reserved: i64,
    kind: &'a str,
    reference: &'a str,
}

impl Store {
    /// Puts `qty` units of `sku` (optionally of `lot`) into `bin`.
    pub fn receive_stock(
        &mut self,
        actor: &Actor,
        bin: BinCode,
        sku: &str,
        lot: Option<&str>,
        qty: u32,
        reference: &str,
    ) -> Result<()> {
        self.receive_stock_many(actor, &[(bin, sku.to_owned(), lot.map(str::to_owned), qty)], reference)
    }

    /// Puts many receipts away in one transaction (the demo warehouse, bulk
    /// goods-in): each item is `(bin, SKU code, lot, units)`. All or nothing.
    pub fn receive_stock_many(
        &mut self,
        actor: &Actor,
        items: &[(BinCode, String, Option<String>, u32)],
        reference: &str,
    ) -> Result<()> {
        self.write(|tx| {
            for (bin, sku, lot, qty) in items {
                let stock_id = ensure_stock_row(tx, *bin, sku, lot.as_deref())?;
                let change = Change { on_hand: i64::from(*qty), reserved: 0, kind: "receive", reference };
                apply(tx, actor, stock_id, &change)?;
            }
            Ok(())
        })
    }

    /// Adds (or with a negative `delta`, removes) units, e.g. after a count.
    /// A removal that would leave less than what is reserved is refused.
    pub fn adjust_stock(
        &mut self,
        actor: &Actor,
        bin: BinCode,
        sku: &str,
        lot: Option<&str>,
        delta: i64,
        reason: &str,
    ) -> Result<()> {
        self.write(|tx| {
            let stock_id = ensure_stock_row(tx, bin, sku, lot)?;
            let change = Change { on_hand: delta, reserved: 0, kind: "adjust", reference: reason };
            require(tx, stock_id, bin, sku, -delta, apply(tx, actor, stock_id, &change)?)
        })
    }

    /// Reserves `qty` available units for an order; refused when fewer are available.
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
            let stock_id = ensure_stock_row(tx, bin, sku, lot)?;
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
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}

/// Turns "no row changed" into a clear shortage error.
fn require(tx: &Transaction<'_>, stock_id: i64, bin: BinCode, sku: &str, wanted: i64, changed: bool) -> Result<()> {
    if changed {
        return Ok(());
    }
    let available: i64 =
        tx.query_row("SELECT on_hand - reserved FROM stock WHERE id = ?1", [stock_id], |r| r.get(0))?;
    Err(StoreError::InsufficientStock { sku: sku.to_owned(), bin: bin.to_string(), available, wanted })
}

/// The stock row for (bin, SKU, lot), created empty if needed.
fn ensure_stock_row(tx: &Transaction<'_>, bin: BinCode, sku: &str, lot: Option<&str>) -> Result<i64> {
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
    Ok(tx.query_row(
        "SELECT id FROM stock WHERE bin_id = ?1 AND sku_id = ?2 AND ifnull(lot_id, 0) = ifnull(?3, 0)",
        params![bin_id, sku_id, lot_id],
        |r| r.get(0),
    )?)
}

/// Applies a change only if the row stays valid; returns whether it did.
/// The WHERE clause mirrors the CHECK constraints, which stay as the last line.
fn apply(tx: &Transaction<'_>, actor: &Actor, stock_id: i64, change: &Change<'_>) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE stock SET on_hand = on_hand + ?2, reserved = reserved + ?3
         WHERE id = ?1 AND on_hand + ?2 >= 0 AND reserved + ?3 >= 0 AND on_hand + ?2 - (reserved + ?3) >= 0",
        )?
        .execute(params![stock_id, change.on_hand, change.reserved])?;
    if changed == 0 {
        return Ok(false);
    }
    let at = now_ms();
    tx.prepare_cached(
        "INSERT INTO movements (at_ms, stock_id, delta_on_hand, delta_reserved, kind, reference) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at, stock_id, change.on_hand, change.reserved, change.kind, change.reference])?;
    let details = format!("on_hand {:+}, reserved {:+}, {}", change.on_hand, change.reserved, change.reference);
    events::append(tx, at, actor, &format!("stock_{}", change.kind), &format!("stock:{stock_id}"), &details)?;
    Ok(true)
}
