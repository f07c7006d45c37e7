//! The one insert path for orders (imports, channel pages, the demo,
//! benchmarks): statements prepared once per transaction, ids looked up
//! once, counts added once; and [`intake`], what files and channel pages
//! share: new orders checked, held or allocated, newer copies applied.

use std::collections::HashMap;

use crate::store::db::{Db, OptionalExt, Stmt, params};
use chrono::{DateTime, Utc};

use super::allocation::Allocator;
use super::orders::{SEARCH_INSERT, indexed_search_words, update_order_header};
use super::sync::{ChannelCancel, cancelled_at_channel};
use super::{Result, StoreError, events, now_ms};
use crate::domain::sync::PageSummary;
use crate::domain::text::sanitize;
use crate::domain::{Actor, NewOrder, OrderStatus, Verdict};

/// What arrives: an order, and when its channel cancelled it (channel pages
/// only; files carry no cancellation).
pub(super) type Arrival<'o> = (&'o NewOrder, Option<DateTime<Utc>>);

/// Order intake inside the caller's transaction, for files and channel
/// pages alike. A new order is checked (`check`): one that fails a rule is
/// stored `held` with its reasons, the others are allocated (when
/// `allocate`) most urgent, then oldest, first. A new order its channel
/// cancelled is stored `cancelled` and never allocated. A stored order
/// changes only with a strictly newer `updated_at`; a newer cancelled copy
/// cancels it or flags it (see [`cancelled_at_channel`]).
pub(super) fn intake<'o>(
    tx: &Db,
    allocator: &Allocator<'_>,
    arrivals: impl Iterator<Item = Arrival<'o>>,
    check: &mut dyn FnMut(&NewOrder) -> Verdict,
    allocate: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<PageSummary> {
    let actor = allocator.actor;
    let mut inserter = Inserter::new(tx)?;
    let mut summary = PageSummary::default();
    let mut to_allocate = Vec::new();
    let mut to_cancel = Vec::new();
    let at = now_ms();
    for (done, (order, cancelled_at)) in arrivals.enumerate() {
        if done % 1_000 == 0 {
            progress(done);
        }
        let origin = format!("{} {} from {}", order.channel_ref, order.external_id, order.channel);
        if cancelled_at.is_some() {
            if let Some(id) = inserter.insert(order, OrderStatus::Cancelled, &Verdict::default(), None)? {
                let details = format!("{origin}, cancelled at the channel");
                inserter.event(at, actor, "order_imported", id, &sanitize(&details))?;
                summary.inserted += 1;
                summary.cancelled += 1;
                continue;
            }
        } else {
            let verdict = check(order);
            let status = if verdict.holds.is_empty() { OrderStatus::New } else { OrderStatus::Held };
            if let Some(id) = inserter.insert(order, status, &verdict, None)? {
                inserter.event(at, actor, "order_imported", id, &sanitize(&origin))?;
                if verdict.holds.is_empty() {
                    to_allocate.push((order.priority, order.created_at.timestamp(), id));
                } else {
                    let mut hold_stmt = tx.prepare_cached(
                        "INSERT INTO order_holds (order_id, reason, note, created_at) VALUES (?1, ?2, 'validation', ?3)",
                    )?;
                    for reason in &verdict.holds {
                        hold_stmt.execute(params![id, reason.as_str(), at / 1000])?;
                    }
                    let reasons: Vec<&str> = verdict.holds.iter().map(|r| r.as_str()).collect();
                    inserter.event(at, actor, "order_held", id, &reasons.join(", "))?;
                    summary.held += 1;
                }
                summary.inserted += 1;
                continue;
            }
        }
        // Already stored: only a newer copy changes it.
        let channel_id = inserter.channel_id(&order.channel)?;
        let (id, stored_updated): (i64, i64) = tx
            .prepare_cached("SELECT id, updated_at FROM orders WHERE channel_id = ?1 AND external_id = ?2")?
            .query_row(params![channel_id, sanitize(&order.external_id)], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if order.updated_at.timestamp() <= stored_updated {
            summary.unchanged += 1;
            continue;
        }
        update_order_header(tx, id, order)?;
        inserter.event(at, actor, "order_updated", id, "newer copy from the channel")?;
        summary.updated += 1;
        if let Some(cancelled) = cancelled_at {
            to_cancel.push((id, cancelled));
        }
    }
    // Counted first, so the status changes below are counted by the triggers.
    inserter.finish()?;
    // Stock freed by cancellations goes to waiting backorders before the
    // page's new orders are allocated.
    for (id, cancelled) in to_cancel {
        match cancelled_at_channel(tx, allocator, id, cancelled)? {
            ChannelCancel::Cancelled => summary.cancelled += 1,
            ChannelCancel::Flagged => summary.flagged += 1,
            ChannelCancel::Unchanged => {}
        }
    }
    if allocate {
        to_allocate.sort_unstable();
        for (_, _, id) in to_allocate {
            match allocator.allocate(tx, id)?.status {
                OrderStatus::Ready => summary.ready += 1,
                OrderStatus::Backordered => summary.backordered += 1,
                _ => {}
            }
        }
    }
    Ok(summary)
}

/// Inserts orders within one transaction: its statements are prepared once
/// per transaction and channel and SKU ids looked up once, not per order or
/// line (an import's cost is mostly per statement). Call
/// [`Inserter::finish`] before committing: it adds the inserted orders to the
/// per-status counts.
pub(super) struct Inserter<'tx> {
    tx: &'tx Db,
    order: Stmt<'tx>,
    line: Stmt<'tx>,
    words: Stmt<'tx>,
    event: Stmt<'tx>,
    channels: HashMap<String, i64>,
    skus: HashMap<String, Option<i64>>,
    inserted: HashMap<OrderStatus, i64>,
}

impl<'tx> Inserter<'tx> {
    pub(super) fn new(tx: &'tx Db) -> Result<Self> {
        Ok(Self {
            tx,
            order: tx.prepare_cached(
                "INSERT INTO orders (channel_id, external_id, channel_ref, status, priority, created_at, updated_at,
                    ship_by, customer_name, address1, address2, city, region, postcode, country, phone, email, service,
                    financial_status, total_minor, currency, note, carrier_service, signature_required, shipped_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                    ?23, ?24, ?25)
                 ON CONFLICT (channel_id, external_id) DO NOTHING",
            )?,
            line: tx.prepare_cached(
                "INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, title, qty, unit_price_minor, requires_shipping)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            words: tx.prepare_cached(SEARCH_INSERT)?,
            event: tx.prepare_cached(events::APPEND)?,
            channels: HashMap::new(),
            skus: HashMap::new(),
            inserted: HashMap::new(),
        })
    }

    /// Adds this transaction's inserts to `order_counts`, one row per status.
    pub(super) fn finish(self) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO order_counts (status, n) VALUES (?1, ?2) ON CONFLICT (status) DO UPDATE SET n = order_counts.n + excluded.n",
        )?;
        for (status, n) in &self.inserted {
            stmt.execute(params![status.as_str(), n])?;
        }
        Ok(())
    }

    /// An audit event about order `id`.
    pub(super) fn event(&mut self, at_ms: i64, actor: &Actor, kind: &str, id: i64, details: &str) -> Result<()> {
        let subject = events::order_subject(id);
        self.event.execute(params![at_ms, actor.station, actor.operator, kind, subject, details])?;
        Ok(())
    }

    pub(super) fn channel_id(&mut self, code: &str) -> Result<i64> {
        if let Some(id) = self.channels.get(code) {
            return Ok(*id);
        }
        let id: i64 =
            self.tx.query_row("SELECT id FROM channels WHERE code = ?1", [code], |r| r.get(0)).optional()?.ok_or_else(
                || StoreError::Invalid(format!("unknown channel {:?}; add it to the config first", sanitize(code))),
            )?;
        self.channels.insert(code.to_owned(), id);
        Ok(id)
    }

    /// The SKU's id, or `None` for a SKU the catalogue does not know.
    fn sku_id(&mut self, code: &str) -> Result<Option<i64>> {
        if let Some(id) = self.skus.get(code) {
            return Ok(*id);
        }
        let id = self
            .tx
            .prepare_cached("SELECT id FROM skus WHERE code = ?1")?
            .query_row([code], |r| r.get(0))
            .optional()?;
        self.skus.insert(code.to_owned(), id);
        Ok(id)
    }

    /// Inserts an order with its lines and search words (and its ship time,
    /// unix seconds, for an order seeded shipped); untrusted text is
    /// sanitised here. `None` if (channel, external id) is already stored.
    pub(super) fn insert(
        &mut self,
        order: &NewOrder,
        status: OrderStatus,
        verdict: &Verdict,
        shipped_at: Option<i64>,
    ) -> Result<Option<i64>> {
        if order.lines.is_empty() {
            return Err(StoreError::Invalid(format!("order {} has no lines", sanitize(&order.external_id))));
        }
        let channel_id = self.channel_id(&order.channel)?;
        let a = &order.address;
        let customer = sanitize(&a.name);
        let channel_ref = sanitize(&order.channel_ref);
        let inserted: Option<i64> = self.order.insert(params![
            channel_id,
            sanitize(&order.external_id),
            channel_ref,
            status.as_str(),
            order.priority,
            order.created_at.timestamp(),
            order.updated_at.timestamp(),
            order.ship_by.timestamp(),
            customer,
            sanitize(&a.address1),
            sanitize(&a.address2),
            sanitize(&a.city),
            sanitize(&a.region),
            sanitize(&a.postcode),
            sanitize(&a.country),
            sanitize(&a.phone),
            sanitize(&a.email),
            sanitize(&order.service),
            sanitize(&order.financial_status),
            order.total_minor,
            sanitize(&order.currency),
            sanitize(&order.note),
            sanitize(&verdict.carrier_service),
            verdict.signature_required,
            shipped_at,
        ])?;
        let Some(id) = inserted else {
            return Ok(None);
        };
        *self.inserted.entry(status).or_default() += 1;
        for (no, line) in order.lines.iter().enumerate() {
            let sku = sanitize(&line.sku);
            let sku_id = self.sku_id(&sku)?;
            self.line.execute(params![
                id,
                no as i64 + 1,
                sku_id,
                sku,
                sanitize(&line.title),
                line.qty,
                line.unit_price_minor,
                line.requires_shipping
            ])?;
        }
        self.words.execute(params![id, indexed_search_words(self.tx.backend(), &customer, &channel_ref)])?;
        Ok(Some(id))
    }
}
