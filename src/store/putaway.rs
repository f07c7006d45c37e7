//! Putaway: units received and waiting for a bin become stock in the bin
//! scanned (a `receive` movement with the lot's expiry), and backorders
//! waiting for the SKU are offered them in the same transaction. Also what
//! open deliveries still bring, for the replenishment list.

use crate::store::db::{OptionalExt, params};

use super::receiving::day;
use super::stock::{ensure_stock_row, move_stock};
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::{Actor, BinCode};

/// A unit waiting for putaway, as stored (the suggestion is planned above the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingPutaway {
    pub id: i64,
    pub receipt: String,
    pub sku: String,
    pub title: String,
    pub lot: Option<String>,
    pub expires_on: Option<chrono::NaiveDate>,
    pub qty: u32,
}

/// A putaway row: delivery, SKU, lot, expiry, units waiting.
type WaitingRow = (String, String, Option<String>, Option<String>, i64);

impl Store {
    /// Units received and waiting for a bin, oldest delivery first.
    pub fn waiting_putaway(&self) -> Result<Vec<WaitingPutaway>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, r.reference, k.code, k.title, p.lot, p.expires_on, p.qty
             FROM putaway p JOIN receipts r ON r.id = p.receipt_id JOIN skus k ON k.id = p.sku_id
             WHERE p.qty > 0 ORDER BY p.receipt_id, p.line_no, p.id",
        )?;
        let rows = stmt.query_map((), |r| {
            Ok(WaitingPutaway {
                id: r.get(0)?,
                receipt: r.get(1)?,
                sku: r.get(2)?,
                title: r.get(3)?,
                lot: r.get(4)?,
                expires_on: day(r.get(5)?),
                qty: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
            })
        })?;
        rows.collect::<Result<_>>()
    }

    /// Puts `qty` waiting units into `bin`: they become stock there (a
    /// `receive` movement, with the lot's expiry) and waiting backorders are
    /// offered them at once, in the same transaction.
    pub fn put_away(&mut self, actor: &Actor, item: i64, bin: BinCode, qty: u32) -> Result<u64> {
        if qty == 0 {
            return Err(StoreError::Invalid("put away at least one unit".into()));
        }
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let row: Option<WaitingRow> = tx
                .prepare_cached(
                    "SELECT r.reference, k.code, p.lot, p.expires_on, p.qty FROM putaway p
                     JOIN receipts r ON r.id = p.receipt_id JOIN skus k ON k.id = p.sku_id WHERE p.id = ?1",
                )?
                .query_row([item], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .optional()?;
            let Some((reference, sku, lot, expires_on, waiting)) = row else {
                return Err(StoreError::Invalid("that putaway is gone; reload the list".into()));
            };
            let taken = tx.execute(
                "UPDATE putaway SET qty = qty - ?2 WHERE id = ?1 AND qty >= ?2",
                params![item, i64::from(qty)],
            )?;
            if taken != 1 {
                return Err(StoreError::Invalid(format!("only {waiting} × {sku} wait for putaway, not {qty}")));
            }
            let (stock_id, sku_id) = ensure_stock_row(tx, bin, &sku, lot.as_deref())?;
            if let (Some(lot), Some(day)) = (&lot, &expires_on) {
                tx.execute(
                    "UPDATE lots SET expires_on = ?3 WHERE sku_id = ?1 AND lot_code = ?2 AND expires_on IS NULL",
                    params![sku_id, lot, day],
                )?;
            }
            let at = now_ms();
            if !move_stock(tx, at, stock_id, i64::from(qty), 0, "receive", &reference)? {
                return Err(StoreError::Invalid(format!("the stock of {sku} in {bin} cannot take {qty} more")));
            }
            let lot_text = lot.as_deref().map(|l| format!(" lot {l}")).unwrap_or_default();
            let details = format!("on_hand +{qty}, reserved +0, {reference}: {sku}{lot_text} put away in {bin}");
            events::append(tx, at, actor, "stock_receive", &format!("stock:{stock_id}"), &details)?;
            allocator.fill_backorders(tx, &[sku_id])
        })
    }

    /// Units expected on open deliveries and not arrived yet, per SKU code.
    pub fn inbound_units(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.code, sum(max(l.expected - l.received - l.damaged, 0))
             FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id JOIN skus k ON k.id = l.sku_id
             WHERE r.status <> 'closed' GROUP BY k.code HAVING sum(max(l.expected - l.received - l.damaged, 0)) > 0",
        )?;
        let rows = stmt.query_map((), |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
        rows.collect::<Result<_>>()
    }
}
