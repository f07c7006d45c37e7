//! Carrier tracking: the packages still on their way, the events their
//! carrier reports, the order statuses that follow, and alerts.

use crate::store::db::{Db, OptionalExt, params};
use chrono::{DateTime, NaiveDate, Utc};

use super::{Result, Store, StoreError, events, now_ms, status_from_sql};
use crate::domain::sync::{Alert, TrackedPackage, TrackingEvent, TrackingStatus, TrackingUpdate};
use crate::domain::text::sanitize;
use crate::domain::{Actor, OrderNumber, OrderStatus};

/// Packages not yet delivered of orders on their way, oldest first: a seek
/// per status on the orders' status index, then each order's packages (never
/// a scan of every shipment or of the delivered history).
const TO_TRACK: &str = "SELECT s.tracking, s.order_id, s.carrier, s.service, s.created_at, s.tracking_status,
        (SELECT count(*) FROM tracking_events e WHERE e.shipment_id = s.id)
     FROM shipments s JOIN orders o ON o.id = s.order_id
     WHERE (s.tracking_status IS NULL OR s.tracking_status <> 'delivered')
       AND o.status IN ('shipped', 'in_transit', 'delivery_exception')
       AND (s.next_poll_at IS NULL OR s.next_poll_at <= ?1)
     ORDER BY s.id LIMIT ?2";

impl Store {
    /// Packages of orders that are shipped, in transit or in a delivery
    /// exception, not yet delivered, due for a poll at `now`, oldest first.
    pub fn packages_to_track(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<TrackedPackage>> {
        let mut stmt = self.conn.prepare_cached(TO_TRACK)?;
        let rows = stmt.query_map(params![now.timestamp(), limit as i64], |r| {
            let status: Option<String> = r.get(5)?;
            Ok(TrackedPackage {
                tracking: r.get(0)?,
                order: OrderNumber(r.get(1)?),
                carrier: r.get(2)?,
                service: r.get(3)?,
                packed_at: DateTime::from_timestamp(r.get(4)?, 0).unwrap_or_default(),
                status: status.map(|s| tracking_status(&s, 5)).transpose()?,
                events_seen: r.get::<_, i64>(6)?.max(0) as u32,
            })
        })?;
        rows.collect::<Result<_>>()
    }

    /// SQLite's plan for [`Store::packages_to_track`] (for the test that it
    /// seeks the orders on their way, never scanning a table).
    pub fn explain_packages_to_track(&self) -> Result<Vec<String>> {
        self.conn.explain(TO_TRACK, params![0_i64, 10_i64])
    }

    /// Records a package's new events (already recorded ones are ignored)
    /// and when to poll it next. The order follows its packages: any
    /// exception -> `delivery_exception`; all delivered -> `delivered`;
    /// otherwise moving -> `in_transit` (each move checked by the status
    /// machine and audited). A `delayed` event, or an expected delivery day
    /// before `now`'s day with the package not delivered, raises a
    /// `delivery_delay` alert; an exception a `delivery_exception` alert.
    /// A move the status machine refuses (say, a cancelled order) is not
    /// made; a delivered order's delivery alerts are cleared.
    pub fn record_tracking(
        &mut self,
        actor: &Actor,
        tracking: &str,
        events: &[TrackingEvent],
        now: DateTime<Utc>,
        next_poll: DateTime<Utc>,
    ) -> Result<TrackingUpdate> {
        self.write(|tx| {
            let at = now_ms();
            let (shipment, order_id): (i64, i64) = tx
                .prepare_cached("SELECT id, order_id FROM shipments WHERE tracking = ?1")?
                .query_row([tracking], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| StoreError::Invalid(format!("no package has tracking number {}", sanitize(tracking))))?;
            let number = OrderNumber(order_id);
            let mut update = TrackingUpdate::default();
            let mut insert = tx.prepare_cached(
                "INSERT INTO tracking_events (shipment_id, at, status, description, expected_on)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (shipment_id, at, status) DO NOTHING",
            )?;
            let mut fresh = Vec::new();
            for event in events {
                let expected = event.expected_delivery.map(|d| d.to_string());
                let description = sanitize(&event.description);
                let params = params![shipment, event.at.timestamp(), event.status.as_str(), description, expected];
                if insert.execute(params)? == 1 {
                    update.events += 1;
                    fresh.push(event);
                }
            }
            let package = package_state(tx, shipment)?;
            tx.prepare_cached(
                "UPDATE shipments SET tracking_status = ?2, expected_on = coalesce(?3, expected_on), next_poll_at = ?4
                 WHERE id = ?1",
            )?
            .execute(params![
                shipment,
                package.status.map(TrackingStatus::as_str),
                package.expected_on.map(|d| d.to_string()),
                next_poll.timestamp()
            ])?;
            update.order_status = follow_packages(tx, actor, number, tracking, at)?;
            let subject = format!("order:{number}");
            let delivered = package.status == Some(TrackingStatus::Delivered);
            for event in &fresh {
                let (kind, message) = match event.status {
                    TrackingStatus::Delayed => ("delivery_delay", format!("{number} package {tracking} is late")),
                    TrackingStatus::Exception => ("delivery_exception", format!("{number} package {tracking}")),
                    _ => continue,
                };
                let message = format!("{message}: {}", sanitize(&event.description));
                update.alerted |= alert_order(tx, actor, kind, &subject, order_id, &message, at)?;
            }
            let expected = tx
                .prepare_cached("SELECT expected_on FROM shipments WHERE id = ?1")?
                .query_row([shipment], |r| r.get::<_, Option<String>>(0))?
                .and_then(|d| d.parse::<NaiveDate>().ok());
            if let Some(day) = expected.filter(|day| !delivered && *day < now.date_naive()) {
                // Once per expected day: a cleared alert does not come back
                // on the next poll unless the carrier names a new day.
                let message = format!("{number} package {tracking} was expected on {day} and is not delivered");
                let raised_before: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM alerts WHERE subject = ?1 AND kind = 'delivery_delay' AND message = ?2)",
                    )?
                    .query_row(params![subject, message], |r| r.get(0))?;
                if !raised_before {
                    update.alerted |= alert_order(tx, actor, "delivery_delay", &subject, order_id, &message, at)?;
                }
            }
            if update.order_status == Some(OrderStatus::Delivered) {
                for kind in ["delivery_delay", "delivery_exception"] {
                    clear_open_alert(tx, actor, kind, &subject, at / 1000)?;
                }
            }
            Ok(update)
        })
    }

    /// A package's recorded events, oldest first.
    pub fn tracking_events(&self, tracking: &str) -> Result<Vec<TrackingEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.at, e.status, e.description, e.expected_on FROM tracking_events e
             JOIN shipments s ON s.id = e.shipment_id WHERE s.tracking = ?1 ORDER BY e.at, e.id",
        )?;
        let rows = stmt.query_map([tracking], |r| {
            Ok(TrackingEvent {
                at: DateTime::from_timestamp(r.get(0)?, 0).unwrap_or_default(),
                status: tracking_status(&r.get::<_, String>(1)?, 1)?,
                description: r.get(2)?,
                expected_delivery: r.get::<_, Option<String>>(3)?.and_then(|d| d.parse().ok()),
            })
        })?;
        rows.collect::<Result<_>>()
    }

    /// Open alerts, newest first.
    pub fn open_alerts(&self, limit: usize) -> Result<Vec<Alert>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, subject, message, raised_at FROM alerts WHERE cleared_at IS NULL ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Alert {
                id: r.get(0)?,
                kind: r.get(1)?,
                subject: r.get(2)?,
                message: r.get(3)?,
                raised_at: DateTime::from_timestamp(r.get(4)?, 0).unwrap_or_default(),
            })
        })?;
        rows.collect::<Result<_>>()
    }

    /// A supervisor clears an alert. Audited.
    pub fn clear_alert(&mut self, actor: &Actor, id: i64) -> Result<()> {
        self.write(|tx| {
            let at = now_ms();
            let alert: Option<(String, String, bool)> = tx
                .prepare_cached("SELECT kind, subject, cleared_at IS NULL FROM alerts WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((kind, subject, open)) = alert else {
                return Err(StoreError::Invalid(format!("alert {id} does not exist")));
            };
            if !open {
                return Err(StoreError::Invalid(format!("alert {id} ({kind}, {subject}) is cleared already")));
            }
            tx.prepare_cached(
                "UPDATE alerts SET cleared_at = ?2, cleared_by = ?3 WHERE id = ?1 AND cleared_at IS NULL",
            )?
            .execute(params![id, at / 1000, actor.operator])?;
            events::append(tx, at, actor, "alert_cleared", &format!("alert:{id}"), &format!("{kind} {subject}"))?;
            Ok(())
        })
    }
}

/// Raises an alert unless one of that kind is open for the subject already.
/// Returns whether it was raised.
pub(super) fn raise_alert(tx: &Db, kind: &str, subject: &str, message: &str, at: i64) -> Result<bool> {
    let raised = tx
        .prepare_cached(
            "INSERT INTO alerts (kind, subject, message, raised_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, subject) WHERE cleared_at IS NULL DO NOTHING",
        )?
        .execute(params![kind, subject, message, at])?;
    Ok(raised == 1)
}

/// Clears the open alert of `kind` about `subject`, if any, with an audit
/// event. Returns whether there was one.
pub(super) fn clear_open_alert(tx: &Db, actor: &Actor, kind: &str, subject: &str, at: i64) -> Result<bool> {
    let id: Option<i64> = tx
        .prepare_cached(
            "UPDATE alerts SET cleared_at = ?3, cleared_by = ?4 WHERE kind = ?1 AND subject = ?2 AND cleared_at IS NULL
             RETURNING id",
        )?
        .query_row(params![kind, subject, at, actor.operator], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        events::append(tx, now_ms(), actor, "alert_cleared", &format!("alert:{id}"), &format!("{kind} {subject}"))?;
    }
    Ok(id.is_some())
}

/// A delivery alert about an order, with an event on the order when raised.
fn alert_order(
    tx: &Db,
    actor: &Actor,
    kind: &str,
    subject: &str,
    order_id: i64,
    message: &str,
    at_ms: i64,
) -> Result<bool> {
    let raised = raise_alert(tx, kind, subject, message, at_ms / 1000)?;
    if raised {
        events::append(tx, at_ms, actor, kind, &events::order_subject(order_id), message)?;
    }
    Ok(raised)
}

/// What a package's recorded events say now.
struct PackageState {
    /// Delivered once any event says so; otherwise the latest event's status.
    status: Option<TrackingStatus>,
    /// The latest expected day any event named.
    expected_on: Option<NaiveDate>,
}

fn package_state(conn: &Db, shipment: i64) -> Result<PackageState> {
    let delivered: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM tracking_events WHERE shipment_id = ?1 AND status = 'delivered')",
        )?
        .query_row([shipment], |r| r.get(0))?;
    let latest: Option<String> = conn
        .prepare_cached("SELECT status FROM tracking_events WHERE shipment_id = ?1 ORDER BY at DESC, id DESC LIMIT 1")?
        .query_row([shipment], |r| r.get(0))
        .optional()?;
    let expected: Option<String> = conn
        .prepare_cached(
            "SELECT expected_on FROM tracking_events WHERE shipment_id = ?1 AND expected_on IS NOT NULL
             ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row([shipment], |r| r.get(0))
        .optional()?;
    let status =
        if delivered { Some(TrackingStatus::Delivered) } else { latest.map(|s| tracking_status(&s, 0)).transpose()? };
    Ok(PackageState { status, expected_on: expected.and_then(|d| d.parse().ok()) })
}

/// Moves the order where its packages are: any exception -> delivery
/// exception; all delivered -> delivered; any moving -> in transit. A move
/// the status machine refuses is not made. Returns the new status, if moved.
fn follow_packages(
    tx: &Db,
    actor: &Actor,
    number: OrderNumber,
    tracking: &str,
    at_ms: i64,
) -> Result<Option<OrderStatus>> {
    let statuses: Vec<Option<String>> = tx
        .prepare_cached("SELECT tracking_status FROM shipments WHERE order_id = ?1 ORDER BY package_no")?
        .query_map([number.0], |r| r.get(0))?
        .collect::<Result<_>>()?;
    let packages =
        statuses.iter().map(|s| s.as_deref().map(|s| tracking_status(s, 0)).transpose()).collect::<Result<Vec<_>>>()?;
    let target = if packages.contains(&Some(TrackingStatus::Exception)) {
        OrderStatus::DeliveryException
    } else if packages.iter().all(|p| *p == Some(TrackingStatus::Delivered)) {
        OrderStatus::Delivered
    } else if packages.iter().any(Option::is_some) {
        OrderStatus::InTransit
    } else {
        return Ok(None);
    };
    let status: String =
        tx.prepare_cached("SELECT status FROM orders WHERE id = ?1")?.query_row([number.0], |r| r.get(0))?;
    let from = status_from_sql(&status)?;
    if from == target || from.transition(target).is_err() {
        return Ok(None);
    }
    let changed = tx
        .prepare_cached("UPDATE orders SET status = ?2 WHERE id = ?1 AND status = ?3")?
        .execute(params![number.0, target.as_str(), from.as_str()])?;
    if changed != 1 {
        return Ok(None);
    }
    let details = format!("{from} -> {target}: carrier tracking {}", sanitize(tracking));
    events::append(tx, at_ms, actor, "status_changed", &events::order_subject(number.0), &details)?;
    Ok(Some(target))
}

fn tracking_status(value: &str, column: usize) -> Result<TrackingStatus> {
    value.parse().map_err(|e: String| crate::store::db::bad_column(column, e))
}
