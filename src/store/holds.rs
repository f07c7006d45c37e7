//! Holds: a supervisor's hold, the release that validates an order again,
//! and the order as it was received (what validation reads).

use crate::store::db::{Db, OptionalExt, params};
use chrono::{DateTime, Utc};

use super::orders::current_status;
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::text::sanitize;
use crate::domain::{Actor, Address, HoldReason, NewOrder, OrderNumber, OrderStatus, Verdict};

impl Store {
    /// Puts an order on hold for `reason` (new, ready, backordered or already
    /// held orders), with who and why in the audit trail.
    pub fn hold_order(&mut self, actor: &Actor, number: OrderNumber, reason: HoldReason, why: &str) -> Result<()> {
        self.write(|tx| {
            let from = current_status(tx, number)?;
            if from != OrderStatus::Held {
                from.transition(OrderStatus::Held).map_err(|source| StoreError::Transition { number, source })?;
                tx.execute(
                    "UPDATE orders SET status = 'held' WHERE id = ?1 AND status = ?2",
                    params![number.0, from.as_str()],
                )?;
            }
            let why = sanitize(why);
            tx.execute(
                "INSERT INTO order_holds (order_id, reason, note, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![number.0, reason.as_str(), why, now_ms() / 1000],
            )?;
            let details = if why.is_empty() { reason.to_string() } else { format!("{reason}: {why}") };
            events::append(tx, now_ms(), actor, "order_held", &events::order_subject(number.0), &details)?;
            Ok(())
        })
    }

    /// Releases every hold on a held order after a fresh validation: the
    /// reasons in `verdict` hold it again; with none, the order is allocated
    /// at once and becomes `ready` or `backordered` (returned). The verdict's
    /// carrier service and signature flag replace the stored ones. Who and
    /// why go into the audit trail.
    pub fn release_order(
        &mut self,
        actor: &Actor,
        number: OrderNumber,
        verdict: &Verdict,
        why: &str,
    ) -> Result<OrderStatus> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let from = current_status(tx, number)?;
            if from != OrderStatus::Held {
                return Err(StoreError::Invalid(format!(
                    "order {number} is {from}, not held: there is nothing to release"
                )));
            }
            let at = now_ms();
            tx.execute(
                "UPDATE order_holds SET released_at = ?2 WHERE order_id = ?1 AND released_at IS NULL",
                params![number.0, at / 1000],
            )?;
            tx.execute(
                "UPDATE orders SET carrier_service = ?2, signature_required = ?3 WHERE id = ?1",
                params![number.0, sanitize(&verdict.carrier_service), verdict.signature_required],
            )?;
            let why = sanitize(why);
            for reason in &verdict.holds {
                tx.execute(
                    "INSERT INTO order_holds (order_id, reason, note, created_at) VALUES (?1, ?2, 'validation', ?3)",
                    params![number.0, reason.as_str(), at / 1000],
                )?;
            }
            let outcome = if verdict.holds.is_empty() {
                "released".to_owned()
            } else {
                let reasons: Vec<&str> = verdict.holds.iter().map(|r| r.as_str()).collect();
                format!("released, held again: {}", reasons.join(", "))
            };
            let details = if why.is_empty() { outcome } else { format!("{outcome}: {why}") };
            events::append(tx, at, actor, "holds_released", &events::order_subject(number.0), &details)?;
            if !verdict.holds.is_empty() {
                return Ok(OrderStatus::Held);
            }
            tx.execute("UPDATE orders SET status = 'new' WHERE id = ?1 AND status = 'held'", [number.0])?;
            Ok(allocator.allocate(tx, number.0)?.status)
        })
    }

    /// Corrects an open order's shipping address (untrusted text sanitised),
    /// with the old and new address in the audit trail.
    pub fn correct_address(&mut self, actor: &Actor, number: OrderNumber, address: &Address) -> Result<()> {
        self.write(|tx| {
            let status = current_status(tx, number)?;
            if !status.is_open() {
                return Err(StoreError::Invalid(format!(
                    "order {number} is {status}: its address can no longer change"
                )));
            }
            // What the audit trail shows of an address, before and after.
            let summary = |tx: &Db| -> Result<String> {
                tx.query_row(
                    "SELECT customer_name || ', ' || address1 || ', ' || postcode || ' ' || city || ' ' || country
                     FROM orders WHERE id = ?1",
                    [number.0],
                    |r| r.get(0),
                )
            };
            let before = summary(tx)?;
            super::orders::write_address(tx, number.0, address)?;
            let details = format!("{before} -> {}", summary(tx)?);
            events::append(tx, now_ms(), actor, "address_corrected", &events::order_subject(number.0), &details)?;
            Ok(())
        })
    }

    /// An order as it was received (for re-validation), if it exists.
    pub fn order_as_received(&self, number: OrderNumber) -> Result<Option<NewOrder>> {
        let header = self
            .conn
            .query_row(
                "SELECT (SELECT code FROM channels WHERE id = o.channel_id), external_id, channel_ref, created_at,
                        updated_at, ship_by, customer_name, address1, address2, city, region, postcode, country,
                        phone, email, service, financial_status, total_minor, currency, note, priority
                 FROM orders o WHERE id = ?1",
                [number.0],
                |r| {
                    let time = |i: usize| -> Result<DateTime<Utc>> {
                        Ok(DateTime::from_timestamp(r.get(i)?, 0).unwrap_or_default())
                    };
                    Ok(NewOrder {
                        channel: r.get(0)?,
                        external_id: r.get(1)?,
                        channel_ref: r.get(2)?,
                        created_at: time(3)?,
                        updated_at: time(4)?,
                        ship_by: time(5)?,
                        address: crate::domain::Address {
                            name: r.get(6)?,
                            address1: r.get(7)?,
                            address2: r.get(8)?,
                            city: r.get(9)?,
                            region: r.get(10)?,
                            postcode: r.get(11)?,
                            country: r.get(12)?,
                            phone: r.get(13)?,
                            email: r.get(14)?,
                        },
                        service: r.get(15)?,
                        financial_status: r.get(16)?,
                        total_minor: r.get(17)?,
                        currency: r.get(18)?,
                        note: r.get(19)?,
                        priority: r.get(20)?,
                        lines: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut order) = header else { return Ok(None) };
        order.lines = self
            .conn
            .prepare_cached(
                "SELECT sku_code, title, qty, unit_price_minor, requires_shipping FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
            )?
            .query_map([number.0], |r| {
                Ok(crate::domain::NewOrderLine {
                    sku: r.get(0)?,
                    title: r.get(1)?,
                    qty: r.get(2)?,
                    unit_price_minor: r.get(3)?,
                    requires_shipping: r.get(4)?,
                })
            })?
            .collect::<Result<_>>()?;
        Ok(Some(order))
    }
}
