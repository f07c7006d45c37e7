//! Orders: intake (import, demo seed), status transitions and the detail view.

use std::collections::HashMap;

use crate::store::db::{Db, OptionalExt, params};
use chrono::{DateTime, Utc};

use super::allocation::Allocator;
use super::inserter::{Inserter, intake};
use super::{Result, Store, StoreError, counters, events, now_ms, queue, status_from_sql};
use crate::domain::queue::{DetailLine, HoldInfo, OrderDetail, ReservedPlace};
use crate::domain::text::sanitize;
use crate::domain::{Actor, Address, HoldReason, NewOrder, OrderNumber, OrderStatus, Verdict};

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub inserted: u64,
    /// Of the inserted orders, those that failed validation and were held.
    pub held: u64,
    /// Of the inserted orders, those allocated in full (now `ready`).
    pub ready: u64,
    /// Of the inserted orders, those stock could not fill (now `backordered`).
    pub backordered: u64,
    pub updated: u64,
    /// Already stored and not older than the stored copy.
    pub unchanged: u64,
}

/// An order loaded in a given state, for the demo warehouse and benchmarks.
#[derive(Debug, Clone)]
pub struct SeedOrder {
    pub order: NewOrder,
    pub status: OrderStatus,
    pub holds: Vec<HoldReason>,
    /// When the order reached `status`.
    pub status_at: DateTime<Utc>,
    /// What validation would have said of its carrier service and signature.
    pub carrier_service: String,
    pub signature_required: bool,
    /// When it was handed to the carrier: only for orders seeded shipped or
    /// later, which then count in the dashboard's shipping counters. `None`
    /// for those leaves the ship time unknown and the order uncounted.
    pub shipped_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Imports orders as `new`, in one transaction: all of them or none,
    /// without validation or allocation (tests, benchmarks and tools that
    /// drive the steps themselves; channel and file intake use
    /// [`Store::import_checked`]). Idempotent on (channel, external id): an
    /// update that is not newer than the stored copy changes nothing.
    pub fn import_orders(&mut self, actor: &Actor, orders: &[NewOrder]) -> Result<ImportSummary> {
        self.import(actor, orders, &mut |_| Verdict::default(), false, &mut |_| {})
    }

    /// Order intake: each new order is checked (`check` returns its
    /// verdict); one that fails a rule is stored `held` with its reasons,
    /// the others are allocated at once, most urgent (then oldest) first,
    /// and become `ready` or `backordered`. One transaction: all or nothing.
    /// `progress` hears how many orders are stored every thousand.
    pub fn import_checked(
        &mut self,
        actor: &Actor,
        orders: &[NewOrder],
        check: &mut dyn FnMut(&NewOrder) -> Verdict,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportSummary> {
        self.import(actor, orders, check, true, progress)
    }

    fn import(
        &mut self,
        actor: &Actor,
        orders: &[NewOrder],
        check: &mut dyn FnMut(&NewOrder) -> Verdict,
        allocate: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportSummary> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let arrivals = orders.iter().map(|order| (order, None));
            let page = intake(tx, &allocator, arrivals, check, allocate, progress)?;
            Ok(ImportSummary {
                inserted: page.inserted,
                held: page.held,
                ready: page.ready,
                backordered: page.backordered,
                updated: page.updated,
                unchanged: page.unchanged,
            })
        })
    }

    /// Loads orders directly in the given states with their holds (the demo
    /// warehouse and benchmarks), one transaction for the whole slice. No
    /// stock is reserved: see [`Store::seed_open_orders`].
    pub fn seed_orders(&mut self, actor: &Actor, orders: &[SeedOrder]) -> Result<()> {
        self.seed(actor, orders, false)
    }

    /// [`Store::seed_orders`] for open work that holds stock: orders seeded
    /// `new`, `ready`, `backordered`, `waved` or `picking` are allocated as
    /// they are loaded (in slice order) and end `ready` with their units
    /// reserved, or `backordered` when stock cannot fill them, so every
    /// backorder really waits for stock. Waved and picking orders belong in
    /// waves: the caller plans those from the ready orders.
    pub fn seed_open_orders(&mut self, actor: &Actor, orders: &[SeedOrder]) -> Result<()> {
        self.seed(actor, orders, true)
    }

    fn seed(&mut self, actor: &Actor, orders: &[SeedOrder], allocate: bool) -> Result<()> {
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let mut inserter = Inserter::new(tx)?;
            let mut later = Vec::new();
            // Ids of the orders seeded with a ship time: the first and the last.
            let mut shipped: Option<(i64, i64)> = None;
            for seed in orders {
                if (seed.status == OrderStatus::Held) == seed.holds.is_empty() {
                    return Err(StoreError::Invalid(format!(
                        "order {} {}: an order is held exactly when it has hold reasons",
                        seed.order.channel, seed.order.external_id
                    )));
                }
                if seed.shipped_at.is_some() && (seed.status.is_open() || seed.status == OrderStatus::Cancelled) {
                    return Err(StoreError::Invalid(format!(
                        "order {} {}: only an order seeded shipped or later has a ship time",
                        seed.order.channel, seed.order.external_id
                    )));
                }
                let holds_stock = matches!(
                    seed.status,
                    OrderStatus::New
                        | OrderStatus::Ready
                        | OrderStatus::Backordered
                        | OrderStatus::Waved
                        | OrderStatus::Picking
                );
                let status = if allocate && holds_stock { OrderStatus::New } else { seed.status };
                let verdict = Verdict {
                    holds: std::collections::BTreeSet::new(),
                    carrier_service: seed.carrier_service.clone(),
                    signature_required: seed.signature_required,
                };
                let shipped_at = seed.shipped_at.map(|t| t.timestamp());
                let id = inserter.insert(&seed.order, status, &verdict, shipped_at)?.ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "order {} {} is already in the store",
                        sanitize(&seed.order.channel),
                        sanitize(&seed.order.external_id)
                    ))
                })?;
                if shipped_at.is_some() {
                    shipped = Some(shipped.map_or((id, id), |(first, _)| (first, id)));
                }
                let created = seed.order.created_at.timestamp_millis();
                inserter.event(created, actor, "order_imported", id, &sanitize(&seed.order.channel_ref))?;
                let mut hold_stmt = tx.prepare_cached(
                    "INSERT INTO order_holds (order_id, reason, note, created_at) VALUES (?1, ?2, '', ?3)",
                )?;
                for reason in &seed.holds {
                    hold_stmt.execute(params![id, reason.as_str(), seed.status_at.timestamp()])?;
                }
                if allocate && holds_stock {
                    later.push(id);
                } else if seed.status != OrderStatus::New {
                    let details = format!("new -> {}", seed.status);
                    inserter.event(seed.status_at.timestamp_millis(), actor, "status_changed", id, &details)?;
                }
            }
            // Counted first, so the status changes below are counted by the triggers.
            inserter.finish()?;
            if let Some((first, last)) = shipped {
                counters::add_shipped(tx, &counters::Shipped::Range(first, last))?;
            }
            for id in later {
                allocator.allocate(tx, id)?;
            }
            Ok(())
        })
    }

    /// Moves an order to `to` if the status machine allows it, with an audit event.
    /// Holding needs a reason, so `held` is not reachable this way. A
    /// cancellation gives the order's reserved units back to their bins and
    /// offers them to waiting backorders, in the same transaction.
    pub fn transition_order(&mut self, actor: &Actor, number: OrderNumber, to: OrderStatus, note: &str) -> Result<()> {
        if to == OrderStatus::Held {
            return Err(StoreError::Invalid(format!("order {number} can only be held with a hold reason")));
        }
        let allocator = self.allocator(actor);
        self.write(|tx| {
            let from = current_status(tx, number)?;
            transition(tx, &allocator, number, from, to, note)
        })
    }

    /// Sets an open order's priority (1 most urgent .. 9), with an audit event.
    pub fn set_priority(&mut self, actor: &Actor, number: OrderNumber, priority: i64) -> Result<()> {
        if !(1..=9).contains(&priority) {
            return Err(StoreError::Invalid(format!("priority runs from 1 (most urgent) to 9, not {priority}")));
        }
        self.write(|tx| {
            let status = current_status(tx, number)?;
            if !status.is_open() {
                return Err(StoreError::Invalid(format!("order {number} is {status}: its priority no longer matters")));
            }
            let old: i64 = tx.query_row("SELECT priority FROM orders WHERE id = ?1", [number.0], |r| r.get(0))?;
            if old == priority {
                return Ok(());
            }
            tx.execute("UPDATE orders SET priority = ?2 WHERE id = ?1", params![number.0, priority])?;
            let details = format!("{old} -> {priority}");
            events::append(tx, now_ms(), actor, "priority_changed", &events::order_subject(number.0), &details)?;
            Ok(())
        })
    }

    /// The status of one order.
    pub fn order_status(&self, number: OrderNumber) -> Result<OrderStatus> {
        current_status(&self.conn, number)
    }

    /// Everything the detail pane shows about one order (newest `events` events).
    pub fn order_detail(&self, number: OrderNumber, events_limit: usize) -> Result<Option<OrderDetail>> {
        let Some(row) = queue::row_by_id(&self.conn, number.0)? else {
            return Ok(None);
        };
        let header = self.conn.query_row(
            "SELECT address1, address2, city, region, postcode, country, phone, email, note, financial_status,
                    total_minor, currency, carrier_service, signature_required FROM orders WHERE id = ?1",
            [number.0],
            |r| {
                let parts: Vec<String> = (0..8).map(|i| r.get(i)).collect::<Result<_>>()?;
                Ok((
                    parts,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, i64>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, bool>(13)?,
                ))
            },
        )?;
        let (parts, note, financial_status, total_minor, currency, carrier_service, signature_required) = header;
        let city_line = [parts[4].as_str(), parts[2].as_str(), parts[3].as_str(), parts[5].as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let address_lines = [parts[0].clone(), parts[1].clone(), city_line, parts[6].clone(), parts[7].clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let mut places: HashMap<i64, Vec<ReservedPlace>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.line_no, b.code, l.lot_code, r.qty FROM reservations r
             JOIN stock s ON s.id = r.stock_id JOIN bins b ON b.id = s.bin_id LEFT JOIN lots l ON l.id = s.lot_id
             WHERE r.order_id = ?1 ORDER BY r.line_no, b.zone, b.code",
        )?;
        let rows = stmt.query_map([number.0], |r| {
            Ok((r.get::<_, i64>(0)?, ReservedPlace { bin: r.get(1)?, lot: r.get(2)?, qty: r.get(3)? }))
        })?;
        for row in rows {
            let (line_no, place) = row?;
            places.entry(line_no).or_default().push(place);
        }
        let lines = self
            .conn
            .prepare_cached(
                "SELECT l.line_no, l.sku_code, l.title, l.qty, l.requires_shipping,
                        (SELECT coalesce(sum(s.on_hand - s.reserved), 0) FROM stock s LEFT JOIN lots t ON t.id = s.lot_id
                         WHERE s.sku_id = l.sku_id AND (t.expires_on IS NULL OR t.expires_on >= ?2))
                 FROM order_lines l WHERE l.order_id = ?1 ORDER BY l.line_no",
            )?
            .query_map(params![number.0, chrono::Utc::now().date_naive().to_string()], |r| {
                Ok(DetailLine {
                    sku: r.get(1)?,
                    title: r.get(2)?,
                    qty: r.get(3)?,
                    requires_shipping: r.get(4)?,
                    reserved: places.remove(&r.get::<_, i64>(0)?).unwrap_or_default(),
                    free: u32::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                })
            })?
            .collect::<Result<_>>()?;
        let holds = self
            .conn
            .prepare_cached(
                "SELECT reason, note, created_at FROM order_holds WHERE order_id = ?1 AND released_at IS NULL ORDER BY id",
            )?
            .query_map([number.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?
            .map(|row| {
                let (reason, note, since) = row?;
                Ok(HoldInfo {
                    reason: reason.parse().map_err(StoreError::Invalid)?,
                    note,
                    since: DateTime::from_timestamp(since, 0).unwrap_or_default(),
                })
            })
            .collect::<Result<_>>()?;
        let events = events::for_subject(&self.conn, &events::order_subject(number.0), events_limit)?;
        Ok(Some(OrderDetail {
            row,
            address_lines,
            note,
            financial_status,
            total_minor,
            currency,
            carrier_service,
            signature_required,
            lines,
            holds,
            events,
        }))
    }
}

/// Moves an order from `from` to `to` if the status machine allows it, with
/// its audit event; a cancellation gives the reserved units back and offers
/// them to waiting backorders, and a shipped order gets its ship time and is
/// counted as the manifest counts it. Refused if the order moved meanwhile.
pub(super) fn transition(
    tx: &Db,
    allocator: &Allocator<'_>,
    number: OrderNumber,
    from: OrderStatus,
    to: OrderStatus,
    note: &str,
) -> Result<()> {
    super::packing::set_status_at(tx, allocator.actor, number, (from, to), note, allocator.at_ms)?;
    if to == OrderStatus::Shipped {
        let ids = [number.0];
        counters::mark_shipped(tx, &counters::Shipped::Orders(&ids), allocator.at_ms / 1000)?;
    }
    if to == OrderStatus::Cancelled {
        let freed = super::allocation::release_reservations(tx, allocator.at_ms, number.0)?;
        allocator.fill_backorders(tx, &freed)?;
    }
    Ok(())
}

pub(super) fn current_status(conn: &Db, number: OrderNumber) -> Result<OrderStatus> {
    let status: String = conn
        .prepare_cached("SELECT status FROM orders WHERE id = ?1")?
        .query_row([number.0], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::OrderNotFound(number))?;
    status_from_sql(&status)
}

pub(super) fn update_order_header(tx: &Db, id: i64, order: &NewOrder) -> Result<()> {
    write_address(tx, id, &order.address)?;
    tx.execute(
        "UPDATE orders SET updated_at = ?2, ship_by = ?3, financial_status = ?4, note = ?5 WHERE id = ?1",
        params![
            id,
            order.updated_at.timestamp(),
            order.ship_by.timestamp(),
            sanitize(&order.financial_status),
            sanitize(&order.note)
        ],
    )?;
    Ok(())
}

/// Replaces an order's shipping address (untrusted text sanitised) and keeps
/// its search words in step with the customer's name.
pub(super) fn write_address(tx: &Db, id: i64, a: &Address) -> Result<()> {
    let (old_name, channel_ref): (String, String) =
        tx.query_row("SELECT customer_name, channel_ref FROM orders WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let name = sanitize(&a.name);
    tx.execute(
        "UPDATE orders SET customer_name = ?2, address1 = ?3, address2 = ?4, city = ?5, region = ?6,
            postcode = ?7, country = ?8, phone = ?9, email = ?10
         WHERE id = ?1",
        params![
            id,
            name,
            sanitize(&a.address1),
            sanitize(&a.address2),
            sanitize(&a.city),
            sanitize(&a.region),
            sanitize(&a.postcode),
            sanitize(&a.country.to_ascii_uppercase()),
            sanitize(&a.phone),
            sanitize(&a.email),
        ],
    )?;
    if name != old_name {
        tx.execute("DELETE FROM order_search WHERE rowid = ?1", [id])?;
        tx.execute(SEARCH_INSERT, params![id, indexed_search_words(tx.backend(), &name, &channel_ref)])?;
    }
    Ok(())
}

/// Adds an order's searchable text (rowid = order id).
pub(super) const SEARCH_INSERT: &str = "INSERT INTO order_search (rowid, words) VALUES (?1, ?2)";

/// What search finds an order by: the customer's name and the channel's reference.
pub(super) fn search_words(customer: &str, channel_ref: &str) -> String {
    format!("{customer} {channel_ref}")
}

/// [`search_words`] as `backend`'s `order_search` stores them: SQLite's FTS5
/// folds case and accents itself; PostgreSQL's full-text index does not, so
/// there they are stored folded the same way ([`queue::search_fold`]).
pub(super) fn indexed_search_words(backend: crate::store::db::Backend, customer: &str, channel_ref: &str) -> String {
    let words = search_words(customer, channel_ref);
    match backend {
        crate::store::db::Backend::Sqlite => words,
        crate::store::db::Backend::Postgres => queue::search_fold(&words),
    }
}
