//! Returns: RMAs announced ahead or opened on the bench, units inspected one
//! by one (never more than were shipped, never an item the order did not
//! have), restocking into a bin with its ledger entry and backorders filled
//! at once, and closing with the refund recommendation for export.

use crate::store::db::{Db, OptionalExt, params};

use super::stock::{ensure_stock_row, move_stock};
use super::{Result, Store, StoreError, counters, events, now_ms};
use crate::domain::rma::{
    Disposition, Grade, ReturnLine, ReturnRefusal, ReturnView, ReturnedUnit, RmaNumber, RmaStatus,
};
use crate::domain::{Actor, BinCode, OrderNumber, OrderStatus};

/// One unit as the inspector judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub sku: String,
    pub lot: Option<String>,
    pub serial: Option<String>,
    pub reason: String,
    pub grade: Grade,
    pub disposition: Disposition,
    pub note: String,
    /// The unit's share of the refund (from the `[returns]` grade rules).
    pub refund_minor: i64,
}

/// Statuses of an order whose goods have left the building.
const SHIPPED: [OrderStatus; 4] =
    [OrderStatus::Shipped, OrderStatus::InTransit, OrderStatus::Delivered, OrderStatus::DeliveryException];

impl Store {
    /// The order a scanned tracking number or SSCC of one of our labels belongs to.
    pub fn order_for_package(&self, code: &str) -> Result<Option<OrderNumber>> {
        Ok(self
            .conn
            .prepare_cached("SELECT order_id FROM shipments WHERE tracking = ?1 OR sscc = ?1 LIMIT 1")?
            .query_row([code], |r| r.get(0))
            .optional()?
            .map(OrderNumber))
    }

    /// A supervisor announces a return ahead (`expected`).
    pub fn create_rma(&mut self, actor: &Actor, order: OrderNumber, note: &str) -> Result<RmaNumber> {
        self.write(|tx| {
            require_shipped(tx, order)?;
            let rma = insert_rma(tx, actor, order, RmaStatus::Expected, true, note)?;
            events::append(tx, now_ms(), actor, "rma_created", &events::order_subject(order.0), &rma.to_string())?;
            Ok(rma)
        })
    }

    /// A box on the returns bench for `order`: its open RMA is received, or,
    /// unannounced, a new one is opened and flagged.
    pub fn receive_return(&mut self, actor: &Actor, order: OrderNumber) -> Result<ReturnView> {
        self.write(|tx| {
            require_shipped(tx, order)?;
            let open: Option<(i64, String)> = tx
                .prepare_cached(
                    "SELECT id, status FROM rmas WHERE order_id = ?1 AND status <> 'closed' ORDER BY id DESC LIMIT 1",
                )?
                .query_row([order.0], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let rma = if let Some((id, status)) = open {
                if status == "expected" {
                    tx.execute("UPDATE rmas SET status = 'received' WHERE id = ?1 AND status = 'expected'", [id])?;
                    let subject = rma_subject(RmaNumber(id));
                    events::append(tx, now_ms(), actor, "rma_received", &subject, "expected -> received")?;
                }
                RmaNumber(id)
            } else {
                let rma = insert_rma(tx, actor, order, RmaStatus::Received, false, "")?;
                let details = format!("{rma} opened for an unannounced return");
                events::append(tx, now_ms(), actor, "rma_received", &events::order_subject(order.0), &details)?;
                rma
            };
            read_view(tx, rma)
        })
    }

    /// An RMA scanned on the bench: received if it was expected.
    pub fn receive_rma(&mut self, actor: &Actor, rma: RmaNumber) -> Result<ReturnView> {
        let order = self.return_view(rma)?.order;
        let view = self.receive_return(actor, order)?;
        if view.rma != rma {
            return Err(StoreError::Invalid(format!("{rma} is closed; {} is the open return of {order}", view.rma)));
        }
        Ok(view)
    }

    /// An RMA as the returns screen shows it.
    pub fn return_view(&self, rma: RmaNumber) -> Result<ReturnView> {
        read_view(&self.conn, rma)
    }

    /// Records one inspected unit, or says why it is refused: the order never
    /// had that SKU, every shipped unit of it is back already (one
    /// conditional insert, so never more than shipped), or the lot or serial
    /// is not one packed for this order.
    pub fn inspect_unit(
        &mut self,
        actor: &Actor,
        rma: RmaNumber,
        unit: &Inspection,
    ) -> Result<Result<ReturnView, ReturnRefusal>> {
        self.write(|tx| {
            let view = read_view(tx, rma)?;
            if view.status == RmaStatus::Closed {
                return Ok(Err(ReturnRefusal::Closed { rma }));
            }
            let Some(line) = view.lines.iter().find(|l| l.sku == unit.sku && l.returned < l.shipped) else {
                return Ok(Err(match view.lines.iter().find(|l| l.sku == unit.sku) {
                    Some(line) => ReturnRefusal::AllReturned { sku: unit.sku.clone(), shipped: line.shipped },
                    None => ReturnRefusal::NotShipped { sku: unit.sku.clone() },
                }));
            };
            for (what, column, value) in [("lot", "lot", &unit.lot), ("serial", "serial", &unit.serial)] {
                let Some(value) = value else { continue };
                let packed: Vec<String> = tx
                    .prepare_cached(&format!(
                        "SELECT {column} FROM pack_scans WHERE order_id = ?1 AND line_no = ?2 AND undone = 0 AND {column} IS NOT NULL"
                    ))?
                    .query_map(params![view.order.0, line.line_no], |r| r.get(0))?
                    .collect::<Result<_>>()?;
                if !packed.is_empty() && !packed.contains(value) {
                    return Ok(Err(ReturnRefusal::WrongLotOrSerial { sku: unit.sku.clone(), what, value: value.clone() }));
                }
            }
            let at = now_ms();
            let sanitize = |text: &str| crate::domain::text::sanitize(text).into_owned();
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO rma_units (rma_id, order_id, line_no, reason, grade, disposition, lot, serial, note,
                         refund_minor, at_ms, station, operator)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
                     WHERE (SELECT count(*) FROM rma_units WHERE order_id = ?2 AND line_no = ?3)
                           < (SELECT qty FROM order_lines WHERE order_id = ?2 AND line_no = ?3)",
                )?
                .execute(params![
                    rma.0,
                    view.order.0,
                    line.line_no,
                    sanitize(&unit.reason),
                    unit.grade.as_str(),
                    unit.disposition.as_str(),
                    unit.lot.as_deref().map(sanitize),
                    unit.serial.as_deref().map(sanitize),
                    sanitize(&unit.note),
                    unit.refund_minor.max(0),
                    at,
                    actor.station,
                    actor.operator
                ])?;
            if inserted == 0 {
                return Ok(Err(ReturnRefusal::AllReturned { sku: unit.sku.clone(), shipped: line.shipped }));
            }
            counters::returned(tx, at, view.order.0, line.line_no)?;
            tx.execute("UPDATE rmas SET status = 'inspected' WHERE id = ?1 AND status = 'received'", [rma.0])?;
            let details = format!("{} × 1: {}, {}, {}", unit.sku, sanitize(&unit.reason), unit.grade, unit.disposition);
            events::append(tx, at, actor, "unit_returned", &rma_subject(rma), &details)?;
            Ok(Ok(read_view(tx, rma)?))
        })
    }

    /// The bin a restocked unit should go to: a bin already slotted for the
    /// SKU (one holding some first, then the nearest zone), else the first
    /// free bin of zone C (a SKU the warehouse has never stocked is no fast mover).
    pub fn suggest_restock_bin(&self, sku: &str) -> Result<Option<BinCode>> {
        let holding: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT b.code FROM stock s JOIN bins b ON b.id = s.bin_id JOIN skus k ON k.id = s.sku_id
                 WHERE k.code = ?1 ORDER BY s.on_hand = 0, b.zone, b.code LIMIT 1",
            )?
            .query_row([sku], |r| r.get(0))
            .optional()?;
        let code = match holding {
            Some(code) => Some(code),
            None => self
                .conn
                .prepare_cached(
                    "SELECT b.code FROM bins b WHERE b.zone = 'C'
                       AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.bin_id = b.id AND s.on_hand > 0)
                     ORDER BY b.code LIMIT 1",
                )?
                .query_row((), |r| r.get(0))
                .optional()?,
        };
        code.map(|c: String| c.parse().map_err(StoreError::Invalid)).transpose()
    }

    /// Puts a unit judged `restock` back into `bin` (scanned by the
    /// inspector): stock and ledger, the unit's record and the audit trail in
    /// one transaction, and backorders waiting for the SKU are filled at once.
    pub fn restock_unit(&mut self, actor: &Actor, unit_id: i64, bin: BinCode) -> Result<()> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            type Row = (i64, String, String, Option<String>, Option<i64>);
            let row: Option<Row> = tx
                .prepare_cached(
                    "SELECT u.rma_id, l.sku_code, u.disposition, u.lot, u.stock_id FROM rma_units u
                     JOIN order_lines l ON l.order_id = u.order_id AND l.line_no = u.line_no WHERE u.id = ?1",
                )?
                .query_row([unit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .optional()?;
            let Some((rma, sku, disposition, lot, stock)) = row else {
                return Err(StoreError::Invalid(format!("returned unit {unit_id} does not exist")));
            };
            if disposition != Disposition::Restock.as_str() {
                return Err(StoreError::Invalid(format!("this {sku} is for {disposition}, not for restocking")));
            }
            if stock.is_some() {
                return Err(StoreError::Invalid(format!("this {sku} is back on the shelf already")));
            }
            let (stock_id, sku_id) = ensure_stock_row(tx, bin, &sku, lot.as_deref())?;
            let rma = RmaNumber(rma);
            let at = now_ms();
            if !move_stock(tx, at, stock_id, 1, 0, "return", &rma.to_string())? {
                return Err(StoreError::Invalid(format!("{bin} cannot take {sku}")));
            }
            tx.execute(
                "UPDATE rma_units SET stock_id = ?2 WHERE id = ?1 AND stock_id IS NULL",
                params![unit_id, stock_id],
            )?;
            events::append(tx, at, actor, "unit_restocked", &rma_subject(rma), &format!("{sku} × 1 into {bin}"))?;
            allocator.fill_backorders(tx, &[sku_id])?;
            Ok(())
        })
    }

    /// Settles an RMA with its refund recommendation (`kind` full, partial or
    /// none, and the amount), recorded for the returns export and the sync.
    pub fn close_rma(&mut self, actor: &Actor, rma: RmaNumber, kind: &str, refund_minor: i64) -> Result<()> {
        self.write(|tx| {
            let view = read_view(tx, rma)?;
            if view.status == RmaStatus::Closed {
                return Err(StoreError::Invalid(format!("{rma} is closed already")));
            }
            if view.units.is_empty() {
                return Err(StoreError::Invalid(format!("{rma} has no inspected unit: scan the items first")));
            }
            let at = now_ms();
            tx.execute(
                "UPDATE rmas SET status = 'closed', refund_kind = ?2, refund_minor = ?3, closed_at = ?4
                 WHERE id = ?1 AND status <> 'closed'",
                params![rma.0, kind, refund_minor.max(0), at / 1000],
            )?;
            let payload = serde_json::json!({
                "rma": rma.to_string(), "order": view.order.to_string(), "refund": kind,
                "amount_minor": refund_minor.max(0), "currency": view.currency,
            });
            tx.execute(
                "INSERT INTO outbox (kind, idempotency_key, payload, created_at) VALUES ('refund', ?1, ?2, ?3)",
                params![format!("refund:{rma}"), payload.to_string(), at / 1000],
            )?;
            let details = format!("refund {kind} {} {}", refund_minor.max(0), view.currency);
            events::append(tx, at, actor, "rma_closed", &rma_subject(rma), &details)?;
            Ok(())
        })
    }
}

fn rma_subject(rma: RmaNumber) -> String {
    format!("rma:{}", rma.0)
}

fn require_shipped(conn: &Db, order: OrderNumber) -> Result<()> {
    let status = super::orders::current_status(conn, order)?;
    if SHIPPED.contains(&status) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("{order} is {status}: only a shipped order can come back")))
    }
}

fn insert_rma(
    tx: &Db,
    actor: &Actor,
    order: OrderNumber,
    status: RmaStatus,
    announced: bool,
    note: &str,
) -> Result<RmaNumber> {
    let id = tx.insert_row(
        "INSERT INTO rmas (order_id, status, announced, created_at, created_by, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            order.0,
            status.as_str(),
            announced,
            now_ms() / 1000,
            actor.operator,
            crate::domain::text::sanitize(note)
        ],
    )?;
    Ok(RmaNumber(id))
}

fn read_view(conn: &Db, rma: RmaNumber) -> Result<ReturnView> {
    let head: Option<(i64, String, bool)> = conn
        .prepare_cached("SELECT order_id, status, announced FROM rmas WHERE id = ?1")?
        .query_row([rma.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((order, status, announced)) = head else {
        return Err(StoreError::Invalid(format!("{rma} does not exist")));
    };
    let (customer, currency): (String, String) =
        conn.query_row("SELECT customer_name, currency FROM orders WHERE id = ?1", [order], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let lines = conn
        .prepare_cached(
            "SELECT l.line_no, l.sku_code, l.title, l.qty, l.unit_price_minor,
                    (SELECT count(*) FROM rma_units u WHERE u.order_id = l.order_id AND u.line_no = l.line_no)
             FROM order_lines l WHERE l.order_id = ?1 AND l.requires_shipping = 1 ORDER BY l.line_no",
        )?
        .query_map([order], |r| {
            Ok(ReturnLine {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                title: r.get(2)?,
                shipped: r.get(3)?,
                unit_price_minor: r.get(4)?,
                returned: r.get(5)?,
            })
        })?
        .collect::<Result<_>>()?;
    let units = conn
        .prepare_cached(
            "SELECT u.id, l.sku_code, u.reason, u.grade, u.disposition, u.lot, u.serial, u.note, u.refund_minor,
                    (SELECT b.code FROM stock s JOIN bins b ON b.id = s.bin_id WHERE s.id = u.stock_id)
             FROM rma_units u JOIN order_lines l ON l.order_id = u.order_id AND l.line_no = u.line_no
             WHERE u.rma_id = ?1 ORDER BY u.id",
        )?
        .query_map([rma.0], |r| {
            let grade: String = r.get(3)?;
            let disposition: String = r.get(4)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                grade,
                disposition,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?
        .map(|row| {
            let (id, sku, reason, grade, disposition, lot, serial, note, refund_minor, restocked_to) = row?;
            Ok(ReturnedUnit {
                id,
                sku,
                reason,
                grade: grade.parse().map_err(StoreError::Invalid)?,
                disposition: disposition.parse().map_err(StoreError::Invalid)?,
                lot,
                serial,
                note,
                refund_minor,
                restocked_to,
            })
        })
        .collect::<Result<_>>()?;
    Ok(ReturnView {
        rma,
        status: status.parse().map_err(StoreError::Invalid)?,
        order: OrderNumber(order),
        customer,
        currency,
        announced,
        lines,
        units,
    })
}
