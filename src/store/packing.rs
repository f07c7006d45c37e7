//! Packing and shipping: opening an order at the pack station, verified
//! scans stored one by one, completing the pack into shipments with their
//! outbox entry, and the end-of-day manifest.

use crate::store::db::{Db, OptionalExt, params};

use super::{Result, Store, StoreError, counters, events, now_ms, status_from_sql};
use crate::domain::pack::{PackLine, PackOrder, PackRefusal, PackageInfo};
use crate::domain::{Actor, OrderNumber, OrderStatus};

/// A package of a completed pack, as the station measured it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPackage {
    pub carton: String,
    /// Expected weight: items plus the carton's tare.
    pub weight_g: u32,
    /// What the scale said (or the packer typed), if weighed.
    pub measured_g: Option<u32>,
}

/// Identifiers of one package: its tracking number and SSCC, made by the
/// caller from never-repeating serial numbers the store hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageIds {
    pub tracking: String,
    pub sscc: String,
}

impl Store {
    /// The order waiting in a tote (picked, or being packed).
    pub fn order_in_tote(&self, tote: &str) -> Result<Option<OrderNumber>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT w.order_id FROM wave_orders w JOIN orders o ON o.id = w.order_id
                 WHERE w.tote = ?1 AND o.status IN ('picked', 'packing') ORDER BY w.wave_id DESC LIMIT 1",
            )?
            .query_row([tote], |r| r.get(0))
            .optional()?
            .map(OrderNumber))
    }

    /// Everything the pack screen shows about an order.
    pub fn pack_order(&self, number: OrderNumber) -> Result<PackOrder> {
        read_order(&self.conn, number)
    }

    /// Opens an order at the pack station: a picked order starts packing
    /// (audited). Held, cancelled or unpicked orders are refused with the
    /// reason; packed and shipped ones open to be looked at.
    pub fn pack_open(&mut self, actor: &Actor, number: OrderNumber) -> Result<Result<PackOrder, PackRefusal>> {
        self.write(|tx| {
            let order = read_order(tx, number)?;
            if channel_cancelled(tx, number)? {
                return Ok(Err(PackRefusal::ChannelCancelled { number }));
            }
            match order.status {
                OrderStatus::Picked => {
                    set_status(
                        tx,
                        actor,
                        number,
                        OrderStatus::Picked,
                        OrderStatus::Packing,
                        "opened at the pack station",
                    )?;
                    Ok(Ok(read_order(tx, number)?))
                }
                OrderStatus::Packing | OrderStatus::Packed | OrderStatus::Shipped => Ok(Ok(order)),
                status => Ok(Err(PackRefusal::NotPackable { number, status })),
            }
        })
    }

    /// Records `qty` verified units of `sku` (with its lot or serial where
    /// the SKU needs one) against the order, or says why not. The check and
    /// the insert are one conditional statement, so the checklist can never
    /// count more units than ordered, whatever else happens at once.
    pub fn pack_scan(
        &mut self,
        actor: &Actor,
        number: OrderNumber,
        sku: &str,
        qty: u32,
        lot: Option<&str>,
        serial: Option<&str>,
    ) -> Result<Result<PackOrder, PackRefusal>> {
        if qty == 0 {
            return Err(StoreError::Invalid("a scan counts at least one unit".into()));
        }
        self.write(|tx| {
            let order = read_order(tx, number)?;
            if order.status != OrderStatus::Packing {
                return Ok(Err(PackRefusal::NotPackable { number, status: order.status }));
            }
            if channel_cancelled(tx, number)? {
                return Ok(Err(PackRefusal::ChannelCancelled { number }));
            }
            let lines: Vec<&PackLine> = order.lines.iter().filter(|l| l.sku == sku).collect();
            let Some(first) = lines.first() else {
                return Ok(Err(PackRefusal::WrongItem { sku: sku.to_owned() }));
            };
            if first.lot_tracked && lot.is_none() {
                return Ok(Err(PackRefusal::NeedsLot { sku: sku.to_owned(), what: "lot" }));
            }
            if first.serial_tracked && serial.is_none() {
                return Ok(Err(PackRefusal::NeedsLot { sku: sku.to_owned(), what: "serial number" }));
            }
            let expected: u32 = lines.iter().map(|l| l.expected).sum();
            let Some(line) = lines.iter().find(|l| l.expected - l.scanned.min(l.expected) >= qty) else {
                return Ok(Err(PackRefusal::TooMany { sku: sku.to_owned(), expected }));
            };
            let at = now_ms();
            let lot = lot.map(crate::domain::text::sanitize);
            let serial = serial.map(crate::domain::text::sanitize);
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO pack_scans (order_id, line_no, qty, lot, serial, at_ms, station, operator)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
                     WHERE (SELECT coalesce(sum(qty), 0) FROM pack_scans
                            WHERE order_id = ?1 AND line_no = ?2 AND undone = 0) + ?3
                           <= (SELECT qty FROM order_lines WHERE order_id = ?1 AND line_no = ?2)",
                )?
                .execute(params![number.0, line.line_no, qty, lot, serial, at, actor.station, actor.operator])?;
            if inserted == 0 {
                return Ok(Err(PackRefusal::TooMany { sku: sku.to_owned(), expected }));
            }
            let lot_part = lot.as_ref().map_or_else(String::new, |lot| format!(" lot {lot}"));
            let serial_part = serial.as_ref().map_or_else(String::new, |serial| format!(" serial {serial}"));
            let details = format!("{qty} × {sku}{lot_part}{serial_part}");
            events::append(tx, at, actor, "unit_verified", &events::order_subject(number.0), &details)?;
            counters::verified(tx, at, &actor.operator, i64::from(qty))?;
            Ok(Ok(read_order(tx, number)?))
        })
    }

    /// Takes back the last verified scan of an open pack; `None` if there is none.
    pub fn pack_undo(&mut self, actor: &Actor, number: OrderNumber) -> Result<Option<(String, u32)>> {
        self.write(|tx| {
            let status = read_status(tx, number)?;
            if status != OrderStatus::Packing {
                return Err(StoreError::Invalid(format!("{number} is {status}: there is nothing to undo")));
            }
            let last: Option<(i64, String, u32)> = tx
                .prepare_cached(
                    "SELECT p.id, l.sku_code, p.qty FROM pack_scans p
                     JOIN order_lines l ON l.order_id = p.order_id AND l.line_no = p.line_no
                     WHERE p.order_id = ?1 AND p.undone = 0 ORDER BY p.id DESC LIMIT 1",
                )?
                .query_row([number.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((id, sku, qty)) = last else { return Ok(None) };
            tx.execute("UPDATE pack_scans SET undone = 1 WHERE id = ?1 AND undone = 0", [id])?;
            events::append(
                tx,
                now_ms(),
                actor,
                "unit_unverified",
                &events::order_subject(number.0),
                &format!("{qty} × {sku}"),
            )?;
            Ok(Some((sku, qty)))
        })
    }

    /// Completes a pack: every unit must be verified. Writes one shipment
    /// per package (tracking number and SSCC from `ids`, given a serial the
    /// store never hands out twice), the outbox entry that tells the sales
    /// channel, and `packing -> packed`, all in one transaction. A second
    /// completion of the same order is refused.
    pub fn complete_pack(
        &mut self,
        actor: &Actor,
        number: OrderNumber,
        packages: &[NewPackage],
        (carrier, service): (&str, &str),
        note: &str,
        ids: &mut dyn FnMut(i64) -> PackageIds,
    ) -> Result<Vec<PackageInfo>> {
        if packages.is_empty() {
            return Err(StoreError::Invalid("a pack needs at least one package".into()));
        }
        self.write(|tx| {
            let order = read_order(tx, number)?;
            if order.status != OrderStatus::Packing {
                return Err(StoreError::Invalid(format!("{number} is {}: it cannot be completed", order.status)));
            }
            if channel_cancelled(tx, number)? {
                return Err(StoreError::Invalid(PackRefusal::ChannelCancelled { number }.to_string()));
            }
            if !order.complete() {
                return Err(StoreError::Invalid(format!(
                    "{number} has {} of {} units verified: scan the rest first",
                    order.scanned_units(),
                    order.expected_units()
                )));
            }
            let at = now_ms();
            let count = packages.len() as i64;
            let mut tracking = Vec::with_capacity(packages.len());
            for (i, package) in packages.iter().enumerate() {
                let serial = next_serial(tx, "package")?;
                let made = ids(serial);
                tx.prepare_cached(
                    "INSERT INTO shipments (order_id, package_no, packages, carton, weight_g, measured_g, carrier, service,
                         tracking, sscc, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    number.0,
                    i as i64 + 1,
                    count,
                    package.carton,
                    package.weight_g,
                    package.measured_g,
                    carrier,
                    service,
                    made.tracking,
                    made.sscc,
                    at / 1000
                ])?;
                tracking.push(made.tracking);
            }
            let (channel, external_id): (String, String) = tx.query_row(
                "SELECT (SELECT code FROM channels WHERE id = o.channel_id), external_id FROM orders o WHERE id = ?1",
                [number.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let payload = serde_json::json!({
                "order": number.to_string(),
                "channel": channel,
                "external_id": external_id,
                "carrier": carrier,
                "service": service,
                "tracking_numbers": tracking,
            });
            tx.prepare_cached(
                "INSERT INTO outbox (kind, idempotency_key, channel, payload, created_at)
                 VALUES ('shipment', ?1, ?2, ?3, ?4)",
            )?
            .execute(params![format!("shipment:{channel}:{external_id}"), channel, payload.to_string(), at / 1000])?;
            let approval =
                if note.is_empty() { String::new() } else { format!("; {}", crate::domain::text::sanitize(note)) };
            let details =
                format!("{} package(s), {carrier} {service}: {}{approval}", packages.len(), tracking.join(", "));
            set_status_at(tx, actor, number, (OrderStatus::Packing, OrderStatus::Packed), &details, at)?;
            shipments_of(tx, number)
        })
    }

    /// The packages of an order (after its pack is complete).
    pub fn shipments(&self, number: OrderNumber) -> Result<Vec<PackageInfo>> {
        shipments_of(&self.conn, number)
    }

    /// Whether an order has a line of `sku` (to tell another order's item
    /// from an item of no order at all).
    pub fn order_has_sku(&self, number: OrderNumber, sku: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM order_lines WHERE order_id = ?1 AND sku_code = ?2)")?
            .query_row(params![number.0, sku], |r| r.get(0))
    }

    /// Units verified per order, counting each scan once (for the crash test).
    pub fn pack_scan_totals(&self) -> Result<Vec<(OrderNumber, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT order_id, sum(qty) FROM pack_scans WHERE undone = 0 GROUP BY order_id ORDER BY order_id",
        )?;
        let rows = stmt.query_map((), |r| Ok((OrderNumber(r.get(0)?), r.get(1)?)))?;
        rows.collect::<Result<_>>()
    }
}

/// Hands out the next number of a never-repeating sequence.
fn next_serial(tx: &Db, name: &str) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO sequences (name, next) VALUES (?1, 2) ON CONFLICT (name) DO UPDATE SET next = sequences.next + 1",
    )?
    .execute([name])?;
    tx.query_row("SELECT next - 1 FROM sequences WHERE name = ?1", [name], |r| r.get(0))
}

/// Whether the sales channel cancelled the order after work had started
/// (the sync flags it; the supervisor decides).
fn channel_cancelled(conn: &Db, number: OrderNumber) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT channel_cancelled_at IS NOT NULL FROM orders WHERE id = ?1")?
        .query_row([number.0], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

fn read_status(conn: &Db, number: OrderNumber) -> Result<OrderStatus> {
    super::orders::current_status(conn, number)
}

/// A conditional status change with its audit event; refused if the order moved meanwhile.
pub(super) fn set_status(
    tx: &Db,
    actor: &Actor,
    number: OrderNumber,
    from: OrderStatus,
    to: OrderStatus,
    note: &str,
) -> Result<()> {
    set_status_at(tx, actor, number, (from, to), note, now_ms())
}

/// [`set_status`] with the event at `at_ms`. An order reaching `packed`
/// counts as packed by the actor (the dashboard's `packed_orders`).
pub(super) fn set_status_at(
    tx: &Db,
    actor: &Actor,
    number: OrderNumber,
    (from, to): (OrderStatus, OrderStatus),
    note: &str,
    at_ms: i64,
) -> Result<()> {
    from.transition(to).map_err(|source| StoreError::Transition { number, source })?;
    let changed = tx
        .prepare_cached("UPDATE orders SET status = ?3 WHERE id = ?1 AND status = ?2")?
        .execute(params![number.0, from.as_str(), to.as_str()])?;
    if changed != 1 {
        return Err(StoreError::Invalid(format!("{number} changed while this was being done; try again")));
    }
    let details = if note.is_empty() {
        format!("{from} -> {to}")
    } else {
        format!("{from} -> {to}: {}", crate::domain::text::sanitize(note))
    };
    events::append(tx, at_ms, actor, "status_changed", &events::order_subject(number.0), &details)?;
    if to == OrderStatus::Packed {
        counters::packed(tx, at_ms, &actor.operator)?;
    }
    Ok(())
}

fn read_order(conn: &Db, number: OrderNumber) -> Result<PackOrder> {
    let head = conn
        .prepare_cached(
            "SELECT status, channel_ref, customer_name, country, service, carrier_service, ship_by, note, signature_required
             FROM orders WHERE id = ?1",
        )?
        .query_row([number.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })
        .optional()?
        .ok_or(StoreError::OrderNotFound(number))?;
    let (status, channel_ref, customer, country, service, carrier_service, ship_by, note, signature_required) = head;
    let tote: Option<String> = conn
        .prepare_cached("SELECT tote FROM wave_orders WHERE order_id = ?1 ORDER BY wave_id DESC LIMIT 1")?
        .query_row([number.0], |r| r.get(0))
        .optional()?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.line_no, l.sku_code, l.title, l.qty,
                (SELECT coalesce(sum(p.qty), 0) FROM pack_scans p
                 WHERE p.order_id = l.order_id AND p.line_no = l.line_no AND p.undone = 0),
                coalesce(k.lot_tracked, 0), coalesce(k.serial_tracked, 0), coalesce(k.weight_g, 0),
                coalesce(k.length_mm, 1), coalesce(k.width_mm, 1), coalesce(k.height_mm, 1)
         FROM order_lines l LEFT JOIN skus k ON k.id = l.sku_id
         WHERE l.order_id = ?1 AND l.requires_shipping = 1 ORDER BY l.line_no",
    )?;
    let lines = stmt
        .query_map([number.0], |r| {
            Ok(PackLine {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                title: r.get(2)?,
                expected: r.get(3)?,
                scanned: r.get(4)?,
                lot_tracked: r.get(5)?,
                serial_tracked: r.get(6)?,
                weight_g: r.get(7)?,
                dims_mm: [r.get(8)?, r.get(9)?, r.get(10)?],
            })
        })?
        .collect::<Result<_>>()?;
    Ok(PackOrder {
        number,
        status: status_from_sql(&status)?,
        channel_ref,
        customer,
        country,
        service,
        carrier_service,
        ship_by: chrono::DateTime::from_timestamp(ship_by, 0).unwrap_or_default(),
        note,
        signature_required,
        customs: false,
        tote,
        lines,
        packages: shipments_of(conn, number)?,
    })
}

fn shipments_of(conn: &Db, number: OrderNumber) -> Result<Vec<PackageInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT package_no, packages, carton, coalesce(measured_g, weight_g), carrier, service, tracking, sscc
         FROM shipments WHERE order_id = ?1 ORDER BY package_no",
    )?;
    let rows = stmt.query_map([number.0], |r| {
        Ok(PackageInfo {
            package_no: r.get(0)?,
            packages: r.get(1)?,
            carton: r.get(2)?,
            weight_g: r.get(3)?,
            carrier: r.get(4)?,
            service: r.get(5)?,
            tracking: r.get(6)?,
            sscc: r.get(7)?,
        })
    })?;
    rows.collect::<Result<_>>()
}
