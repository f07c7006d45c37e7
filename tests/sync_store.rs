//! The store side of the background sync: channel pages stored with their
//! cursor (all or nothing, idempotent, never overwritten by a stale copy),
//! cancellations from the channel, the outbox lifecycle, the sync lease,
//! carrier tracking with its alerts, and the health the status bar reads.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use chrono::{DateTime, Duration, Utc};
use common::{bin, order, sku};
use packline::domain::pack::PackRefusal;
use packline::domain::sync::{ChannelOrder, ChannelState, OutboxState, TrackingEvent, TrackingStatus};
use packline::domain::{Actor, Bin, HoldReason, NewOrder, OrderNumber, OrderStatus, Verdict, Zone};
use packline::store::{AuditQuery, NewPackage, PackageIds, SeedOrder, Store};
use tempfile::TempDir;

fn actor() -> Actor {
    Actor::new("SYNC-1", "system")
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// The `updated_at` of `common::order`.
const T0: i64 = 1_763_700_000;

/// A store with the `shop` channel, SKUs MUG and TEE, 5 MUG in a bin.
fn env(backend: &pg::Backend) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "s.db")).unwrap();
    store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
    store.add_bins(&actor(), &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
    store.add_skus(&actor(), &[sku("MUG"), sku("TEE")]).unwrap();
    store.receive_stock(&actor(), bin("01-001-A"), "MUG", None, 5, "PO-1").unwrap();
    (dir, store)
}

fn copy(id: &str, mugs: u32, updated: i64, cancelled: bool) -> ChannelOrder {
    let mut o: NewOrder = order(id, &[("MUG", mugs)]);
    o.updated_at = at(updated);
    ChannelOrder { order: o, cancelled_at: cancelled.then(|| at(updated)) }
}

fn page(store: &mut Store, orders: &[ChannelOrder], cursor: Option<&str>) -> packline::domain::sync::PageSummary {
    store.store_channel_page(&actor(), "shop", orders, cursor, &mut |_| Verdict::default()).unwrap()
}

fn status(store: &Store, n: i64) -> OrderStatus {
    store.order_status(OrderNumber(n)).unwrap()
}

fn reserved_mugs(store: &Store) -> i64 {
    store.stock_balance(bin("01-001-A"), "MUG", None).unwrap().reserved
}

fn seed(id: &str, status: OrderStatus) -> SeedOrder {
    SeedOrder {
        order: order(id, &[("TEE", 1)]),
        status,
        holds: Vec::new(),
        status_at: at(T0),
        carrier_service: "DHL Paket".into(),
        signature_required: false,
        shipped_at: None,
    }
}

fn ids(serial: i64) -> PackageIds {
    PackageIds { tracking: format!("TRACK{serial:04}"), sscc: format!("{:018}", 340_123_450_000_000_000 + serial) }
}

/// Opens a picked order, verifies its one TEE and completes it in `boxes` packages.
fn pack(store: &mut Store, n: i64, boxes: usize) {
    let number = OrderNumber(n);
    store.pack_open(&actor(), number).unwrap().unwrap();
    store.pack_scan(&actor(), number, "TEE", 1, None, None).unwrap().unwrap();
    let packages = vec![NewPackage { carton: "S".into(), weight_g: 500, measured_g: None }; boxes];
    store.complete_pack(&actor(), number, &packages, ("DHL", "DHL Paket"), "", &mut ids).unwrap();
}

fn a_page_is_stored_with_its_cursor_or_not_at_all(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let summary = page(&mut store, &[copy("1", 2, T0, false), copy("2", 9, T0, false)], Some("2025-11-21T04:40:00Z"));
    assert_eq!((summary.inserted, summary.ready, summary.backordered), (2, 1, 1));
    let record = store.channel_sync("shop").unwrap().unwrap();
    assert_eq!(record.cursor.as_deref(), Some("2025-11-21T04:40:00Z"));
    assert_eq!((record.orders_imported, record.state), (2, ChannelState::Ok));
    assert!(record.last_success_at.is_some() && record.last_pull_at.is_some());
    // An order without lines fails the page: nothing stored, cursor kept.
    let mut bad = copy("4", 1, T0, false);
    bad.order.lines.clear();
    let err = store
        .store_channel_page(&actor(), "shop", &[copy("3", 1, T0, false), bad], Some("LATER"), &mut |_| {
            Verdict::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("no lines"), "{err}");
    assert_eq!(store.totals().unwrap().orders, 2);
    let record = store.channel_sync("shop").unwrap().unwrap();
    assert_eq!((record.cursor.as_deref(), record.orders_imported), (Some("2025-11-21T04:40:00Z"), 2));
    // Unknown channels and orders of another channel are refused.
    let refuse = |store: &mut Store, channel: &str| {
        store.store_channel_page(&actor(), channel, &[copy("5", 1, T0, false)], None, &mut |_| Verdict::default())
    };
    assert!(refuse(&mut store, "market").is_err());
    store.add_channel(&actor(), "market", "Marketplace", "rest").unwrap();
    assert!(refuse(&mut store, "market").unwrap_err().to_string().contains("nothing was stored"));
    assert_eq!(store.channel_sync("nowhere").unwrap(), None);
    assert_eq!(store.channel_sync("market").unwrap().unwrap().orders_imported, 0);
}

fn a_page_delivered_again_changes_nothing_and_failing_orders_are_held(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let orders = [copy("1", 2, T0, false), copy("2", 1, T0, false), copy("3", 1, T0, true)];
    let mut hold_tee = |o: &NewOrder| {
        let mut verdict = Verdict::default();
        if o.external_id == "2" {
            verdict.holds.insert(HoldReason::UnknownSku);
        }
        verdict
    };
    let first = store.store_channel_page(&actor(), "shop", &orders, Some("C1"), &mut hold_tee).unwrap();
    assert_eq!((first.inserted, first.held, first.ready, first.cancelled), (3, 1, 1, 1));
    assert_eq!((status(&store, 2), status(&store, 3)), (OrderStatus::Held, OrderStatus::Cancelled));
    let again = store.store_channel_page(&actor(), "shop", &orders, Some("C1"), &mut hold_tee).unwrap();
    assert_eq!((again.inserted, again.unchanged, again.updated, again.cancelled), (0, 3, 0, 0));
    assert_eq!(store.totals().unwrap().orders, 3);
    assert_eq!(store.channel_sync("shop").unwrap().unwrap().orders_imported, 3);
    assert_eq!(reserved_mugs(&store), 2);
}

fn a_stale_copy_never_overwrites_and_a_newer_one_does(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let mut newer = copy("1", 1, T0 + 60, false);
    newer.order.note = "Leave at the back door".into();
    page(&mut store, &[newer], None);
    let mut stale = copy("1", 1, T0, false);
    stale.order.note = "old note".into();
    let mut equal = copy("1", 1, T0 + 60, true);
    equal.order.note = "same time".into();
    let summary = page(&mut store, &[stale, equal], None);
    assert_eq!((summary.unchanged, summary.updated, summary.cancelled), (2, 0, 0));
    let detail = store.order_detail(OrderNumber(1), 10).unwrap().unwrap();
    assert_eq!((detail.note.as_str(), detail.row.status), ("Leave at the back door", OrderStatus::Ready));
    let mut newest = copy("1", 1, T0 + 120, false);
    newest.order.note = "Ring twice".into();
    assert_eq!(page(&mut store, &[newest], None).updated, 1);
    assert_eq!(store.order_detail(OrderNumber(1), 10).unwrap().unwrap().note, "Ring twice");
}

fn a_cancelled_copy_cancels_a_ready_order_and_its_stock_feeds_a_backorder(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    page(&mut store, &[copy("1", 5, T0, false), copy("2", 3, T0, false)], None);
    assert_eq!((status(&store, 1), status(&store, 2)), (OrderStatus::Ready, OrderStatus::Backordered));
    assert_eq!(reserved_mugs(&store), 5);
    let summary = page(&mut store, &[copy("1", 5, T0 + 60, true)], None);
    assert_eq!((summary.updated, summary.cancelled, summary.flagged), (1, 1, 0));
    assert_eq!(status(&store, 1), OrderStatus::Cancelled);
    assert_eq!(status(&store, 2), OrderStatus::Ready, "the freed units went to the backorder");
    assert_eq!(reserved_mugs(&store), 3);
    assert!(store.order_reservations(OrderNumber(1)).unwrap().is_empty());
    assert!(store.audit_allocation().unwrap().is_clean());
    let events = store.order_detail(OrderNumber(1), 10).unwrap().unwrap().events;
    assert!(events.iter().any(|e| e.details == "ready -> cancelled: cancelled at the channel"), "{events:?}");
    assert!(store.open_alerts(10).unwrap().is_empty(), "no work had started: nothing to flag");
}

fn a_cancelled_copy_of_an_order_on_the_floor_is_flagged_and_not_packed(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let seeds = [seed("1", OrderStatus::Picking), seed("2", OrderStatus::Picked), seed("3", OrderStatus::Picked)];
    store.seed_orders(&actor(), &seeds).unwrap();
    store.pack_open(&actor(), OrderNumber(3)).unwrap().unwrap();
    store.pack_scan(&actor(), OrderNumber(3), "TEE", 1, None, None).unwrap().unwrap();
    // (A newer copy's lines change nothing: only its header and cancellation count.)
    let cancelled = ["1", "2", "3"].map(|id| copy(id, 1, T0 + 60, true));
    let summary = page(&mut store, &cancelled, None);
    assert_eq!((summary.flagged, summary.cancelled), (3, 0));
    assert_eq!(
        [1, 2, 3].map(|n| status(&store, n)),
        [OrderStatus::Picking, OrderStatus::Picked, OrderStatus::Packing],
        "statuses stay for the supervisor to decide"
    );
    let alerts = store.open_alerts(10).unwrap();
    assert_eq!(alerts.len(), 3);
    assert!(alerts.iter().all(|a| a.kind == "channel_cancelled"));
    assert!(alerts.iter().any(|a| a.subject == "order:ORD-000002"), "{alerts:?}");
    let refusal = store.pack_open(&actor(), OrderNumber(2)).unwrap().unwrap_err();
    assert_eq!(refusal, PackRefusal::ChannelCancelled { number: OrderNumber(2) });
    assert!(refusal.to_string().contains("ORD-000002 was cancelled at the channel: hand it to the supervisor"));
    assert_eq!(status(&store, 2), OrderStatus::Picked);
    let packages = [NewPackage { carton: "S".into(), weight_g: 500, measured_g: None }];
    let err = store.complete_pack(&actor(), OrderNumber(3), &packages, ("DHL", "DHL Paket"), "", &mut ids).unwrap_err();
    assert!(err.to_string().contains("cancelled at the channel"), "{err}");
    assert!(store.shipments(OrderNumber(3)).unwrap().is_empty());
    // Delivered again (even newer): flagged once, one alert each.
    let again = ["1", "2", "3"].map(|id| copy(id, 1, T0 + 120, true));
    let summary = page(&mut store, &again, None);
    assert_eq!((summary.updated, summary.flagged), (3, 0));
    assert_eq!(store.open_alerts(10).unwrap().len(), 3);
}

fn a_packed_order_cancelled_at_the_channel_stays_off_the_manifest(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    store.seed_orders(&actor(), &[seed("1", OrderStatus::Picked), seed("2", OrderStatus::Picked)]).unwrap();
    pack(&mut store, 1, 1);
    pack(&mut store, 2, 1);
    assert_eq!(store.open_manifests().unwrap(), [("DHL".to_owned(), 2)]);
    let summary = page(&mut store, &[copy("2", 1, T0 + 60, true)], None);
    assert_eq!(summary.flagged, 1);
    assert_eq!(store.open_manifests().unwrap(), [("DHL".to_owned(), 1)], "the flagged package is not offered");
    let manifest = store.close_manifest(&actor(), "DHL").unwrap();
    assert_eq!((manifest.orders, manifest.packages, manifest.held_back), (1, 1, 1));
    assert_eq!((status(&store, 1), status(&store, 2)), (OrderStatus::Shipped, OrderStatus::Packed));
}

fn a_cancelled_order_arriving_first_stays_cancelled(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let summary = page(&mut store, &[copy("1", 2, T0 + 60, true)], None);
    assert_eq!((summary.inserted, summary.cancelled, summary.ready), (1, 1, 0));
    assert_eq!(status(&store, 1), OrderStatus::Cancelled);
    assert_eq!(reserved_mugs(&store), 0, "a cancelled order is never allocated");
    let summary = page(&mut store, &[copy("1", 2, T0, false)], None);
    assert_eq!((summary.inserted, summary.unchanged), (0, 1));
    assert_eq!((status(&store, 1), store.totals().unwrap().orders), (OrderStatus::Cancelled, 1));
    assert_eq!(reserved_mugs(&store), 0);
}

fn the_outbox_lifecycle(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    store.seed_orders(&actor(), &[seed("1", OrderStatus::Picked), seed("2", OrderStatus::Picked)]).unwrap();
    pack(&mut store, 1, 1);
    pack(&mut store, 2, 1);
    let now = Utc::now();
    let due = store.outbox_due("shop", "shipment", now, 10).unwrap();
    assert_eq!(
        due.iter().map(|r| r.idempotency_key.as_str()).collect::<Vec<_>>(),
        ["shipment:shop:1", "shipment:shop:2"]
    );
    assert!(due.iter().all(|r| r.channel == "shop" && r.state == OutboxState::Pending && r.attempts == 0));
    assert!(store.outbox_due("market", "shipment", now, 10).unwrap().is_empty());
    assert!(store.outbox_due("shop", "refund", now, 10).unwrap().is_empty());
    let (one, two) = (due[0].id, due[1].id);
    assert_eq!(store.outbox_begin_attempt(one).unwrap(), 1);
    assert_eq!(store.outbox_begin_attempt(one).unwrap(), 2);
    // Deferred: hidden until its time.
    store.outbox_defer(one, "HTTP 503 from the channel", now + Duration::seconds(60)).unwrap();
    let ids_due = |store: &Store, at| {
        store.outbox_due("shop", "shipment", at, 10).unwrap().iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(ids_due(&store, now), [two]);
    assert_eq!(ids_due(&store, now + Duration::seconds(61)), [one, two]);
    // Sent: once; again is a no-op.
    assert!(store.outbox_sent(&actor(), one, "4401", "posted").unwrap());
    assert!(!store.outbox_sent(&actor(), one, "4401", "posted").unwrap());
    let sent = store.outbox_row(one).unwrap().unwrap();
    assert_eq!((sent.state, sent.remote_id.as_deref(), sent.attempts), (OutboxState::Sent, Some("4401"), 2));
    assert!(sent.sent_at.is_some());
    assert!(store.outbox_begin_attempt(one).is_err(), "a sent row takes no more attempts");
    // Failed: truncated reason, an alert; not due, not sendable.
    store.outbox_fail(&actor(), two, &"x".repeat(2_000)).unwrap();
    let failed = store.outbox_row(two).unwrap().unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert!(failed.last_error.unwrap().chars().count() <= 501);
    let alerts = store.open_alerts(10).unwrap();
    assert_eq!((alerts[0].kind.as_str(), alerts[0].subject.clone()), ("sync_failed", format!("outbox:{two}")));
    assert!(ids_due(&store, now).is_empty());
    assert!(store.outbox_sent(&actor(), two, "1", "").is_err());
    // Retried: pending again, alert cleared.
    store.outbox_retry(&actor(), two).unwrap();
    assert_eq!(ids_due(&store, now), [two]);
    assert!(store.open_alerts(10).unwrap().is_empty());
    assert!(store.outbox_retry(&actor(), one).is_err(), "a sent row is not retried");
    // Skipped: needs a why.
    assert!(store.outbox_skip(&actor(), two, "  ").is_err());
    store.outbox_skip(&actor(), two, "sent by hand in the shop admin").unwrap();
    assert!(ids_due(&store, now).is_empty());
    assert!(store.outbox_sent(&actor(), two, "1", "").is_err());
    let rows = store.outbox_rows(&[OutboxState::Sent, OutboxState::Skipped], 10).unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.id, r.state)).collect::<Vec<_>>(),
        [(two, OutboxState::Skipped), (one, OutboxState::Sent)]
    );
    assert_eq!(store.outbox_rows(&[OutboxState::Sent, OutboxState::Skipped], 1).unwrap().len(), 1);
    let mut query = AuditQuery::since(DateTime::UNIX_EPOCH, 100);
    query.subject = Some(format!("outbox:{two}"));
    // Oldest first, as they were written.
    let kinds: Vec<String> = store.audit_events(&query).unwrap().into_iter().rev().map(|e| e.event.kind).collect();
    assert_eq!(kinds, ["outbox_failed", "outbox_retried", "outbox_skipped"]);
}

#[test]
fn due_rows_are_an_index_seek_and_refunds_take_their_orders_channel() {
    let (_dir, mut store) = env(&pg::Backend::Sqlite);
    let plan = store.explain_outbox_due().unwrap();
    assert!(
        plan.iter().any(|s| s.contains("USING INDEX outbox_due") || s.contains("USING COVERING INDEX outbox_due")),
        "{plan:?}"
    );
    assert!(!plan.iter().any(|s| s.starts_with("SCAN")), "{plan:?}");
    let plan = store.explain_sync_health().unwrap();
    assert_eq!(plan, ["SEARCH outbox USING COVERING INDEX outbox_due (state=?)"], "grouped in index order");
    let plan = store.explain_packages_to_track().unwrap();
    assert!(!plan.iter().any(|s| s.starts_with("SCAN")), "{plan:?}");
    page(&mut store, &[copy("1", 1, T0, false)], None);
    // A row written without its channel (as refunds are) takes the order's.
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    raw.execute(
        "INSERT INTO outbox (kind, idempotency_key, payload, created_at) VALUES ('refund', 'refund:RMA-000001', ?1, 0)",
        [r#"{"rma":"RMA-000001","order":"ORD-000001"}"#],
    )
    .unwrap();
    let rows = store.outbox_due("shop", "refund", Utc::now(), 10).unwrap();
    assert_eq!(rows.len(), 1);
}

fn one_station_holds_the_sync_lease(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let (a, b) = (Actor::new("HOST-A", "system"), Actor::new("HOST-B", "system"));
    assert_eq!(store.take_sync_lease(&a, 60_000).unwrap(), None);
    let holder = store.take_sync_lease(&b, 60_000).unwrap().unwrap();
    assert_eq!(holder.station, "HOST-A");
    // A restarted sync on the same host takes it back at once.
    assert_eq!(store.take_sync_lease(&Actor::new("HOST-A", "EMP-0001"), 60_000).unwrap(), None);
    assert_eq!(store.sync_health().unwrap().worker.unwrap().station, "HOST-A");
    // B's release does nothing; A's frees it.
    store.release_sync_lease(&b).unwrap();
    assert!(store.take_sync_lease(&b, 60_000).unwrap().is_some());
    store.release_sync_lease(&a).unwrap();
    assert_eq!(store.sync_health().unwrap().worker, None);
    assert_eq!(store.take_sync_lease(&b, 1).unwrap(), None);
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(store.take_sync_lease(&a, 60_000).unwrap(), None, "an expired lease is taken over");
    assert!(store.take_sync_lease(&a, 0).is_err());
}

fn tracking_moves_the_order_and_raises_alerts_once(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    store.seed_orders(&actor(), &[seed("1", OrderStatus::Picked), seed("2", OrderStatus::Picked)]).unwrap();
    pack(&mut store, 1, 2);
    pack(&mut store, 2, 1);
    let now = Utc::now();
    assert!(store.packages_to_track(now, 10).unwrap().is_empty(), "packed, not yet handed over");
    store.close_manifest(&actor(), "DHL").unwrap();
    let due = store.packages_to_track(now, 10).unwrap();
    assert_eq!(
        due.iter().map(|p| (p.tracking.as_str(), p.order.0)).collect::<Vec<_>>(),
        [("TRACK0001", 1), ("TRACK0002", 1), ("TRACK0003", 2)]
    );
    let event = |secs: i64, status, description: &str| TrackingEvent {
        at: now - Duration::hours(10) + Duration::seconds(secs),
        status,
        description: description.into(),
        expected_delivery: None,
    };
    let later = now + Duration::hours(1);
    let first = [event(0, TrackingStatus::InTransit, "Picked up \u{1b}[31mLeipzig")];
    let update = store.record_tracking(&actor(), "TRACK0001", &first, now, later).unwrap();
    assert_eq!((update.events, update.order_status, update.alerted), (1, Some(OrderStatus::InTransit), false));
    assert_eq!(store.tracking_events("TRACK0001").unwrap()[0].description, "Picked up Leipzig");
    // Not due again before its next poll; the other packages still are.
    let due = store.packages_to_track(now, 10).unwrap();
    assert_eq!(due.iter().map(|p| p.tracking.as_str()).collect::<Vec<_>>(), ["TRACK0002", "TRACK0003"]);
    let polled = &store.packages_to_track(later, 10).unwrap()[0];
    assert_eq!((polled.events_seen, polled.status), (1, Some(TrackingStatus::InTransit)));
    // Duplicates are ignored; one package delivered is not the order delivered.
    let both = [first[0].clone(), event(60, TrackingStatus::Delivered, "Delivered")];
    let update = store.record_tracking(&actor(), "TRACK0001", &both, now, later).unwrap();
    assert_eq!((update.events, update.order_status), (1, None));
    assert_eq!(store.tracking_events("TRACK0001").unwrap().len(), 2);
    // A delay raises one alert, however often it is reported.
    let delayed = [event(30, TrackingStatus::Delayed, "Weather")];
    assert!(store.record_tracking(&actor(), "TRACK0002", &delayed, now, later).unwrap().alerted);
    let delayed = [event(90, TrackingStatus::Delayed, "Weather again")];
    assert!(!store.record_tracking(&actor(), "TRACK0002", &delayed, now, later).unwrap().alerted);
    let alerts = store.open_alerts(10).unwrap();
    assert_eq!(
        alerts.iter().map(|a| (a.kind.as_str(), a.subject.as_str())).collect::<Vec<_>>(),
        [("delivery_delay", "order:ORD-000001")]
    );
    // All packages delivered: the order is delivered and its alert cleared.
    let update = store
        .record_tracking(&actor(), "TRACK0002", &[event(120, TrackingStatus::Delivered, "Delivered")], now, later)
        .unwrap();
    assert_eq!(update.order_status, Some(OrderStatus::Delivered));
    assert!(store.open_alerts(10).unwrap().is_empty());
    // An exception, then moving again; an overdue expected day alerts once.
    let exception = [event(0, TrackingStatus::Exception, "Address not found")];
    let update = store.record_tracking(&actor(), "TRACK0003", &exception, now, later).unwrap();
    assert_eq!((update.order_status, update.alerted), (Some(OrderStatus::DeliveryException), true));
    let mut moving = event(60, TrackingStatus::InTransit, "Address corrected");
    moving.expected_delivery = Some(now.date_naive() - Duration::days(1));
    let update = store.record_tracking(&actor(), "TRACK0003", &[moving], now, later).unwrap();
    assert_eq!((update.order_status, update.alerted), (Some(OrderStatus::InTransit), true));
    let kinds = |store: &Store| store.open_alerts(10).unwrap().into_iter().map(|a| a.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&store), ["delivery_delay", "delivery_exception"]);
    let delay = store.open_alerts(10).unwrap()[0].id;
    store.clear_alert(&actor(), delay).unwrap();
    assert!(store.clear_alert(&actor(), delay).is_err());
    let update = store.record_tracking(&actor(), "TRACK0003", &[], now, later).unwrap();
    assert!(!update.alerted, "a cleared delay for the same day does not come back");
    assert_eq!(kinds(&store), ["delivery_exception"]);
    assert!(store.record_tracking(&actor(), "NOPE", &[], now, later).is_err());
}

fn tracking_never_moves_an_order_the_status_machine_refuses(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    store.seed_orders(&actor(), &[seed("1", OrderStatus::Picked)]).unwrap();
    pack(&mut store, 1, 1);
    store.transition_order(&actor(), OrderNumber(1), OrderStatus::Cancelled, "customer called").unwrap();
    let delivered = TrackingEvent {
        at: at(T0),
        status: TrackingStatus::Delivered,
        description: String::new(),
        expected_delivery: None,
    };
    let update = store.record_tracking(&actor(), "TRACK0001", &[delivered], Utc::now(), Utc::now()).unwrap();
    assert_eq!((update.events, update.order_status), (1, None));
    assert_eq!(status(&store, 1), OrderStatus::Cancelled);
}

fn sync_health_counts_the_outbox_and_names_the_failing_channel(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    assert_eq!(store.sync_health().unwrap(), packline::domain::sync::SyncHealth::default());
    store
        .seed_orders(
            &actor(),
            &[seed("1", OrderStatus::Picked), seed("2", OrderStatus::Picked), seed("3", OrderStatus::Picked)],
        )
        .unwrap();
    for n in 1..=3 {
        pack(&mut store, n, 1);
    }
    let first = store.outbox_due("shop", "shipment", Utc::now(), 10).unwrap();
    store.outbox_fail(&actor(), first[0].id, "HTTP 422: unknown order").unwrap();
    store.outbox_sent(&actor(), first[1].id, "4401", "").unwrap();
    store.add_channel(&actor(), "market", "Marketplace", "rest").unwrap();
    store.record_sync_success("market", Utc::now()).unwrap();
    let when = at(T0 + 600);
    store.record_sync_error("shop", ChannelState::TokenRejected, "HTTP 401 from https://shop.example", when).unwrap();
    assert!(store.record_sync_error("shop", ChannelState::Ok, "fine", when).is_err());
    let health = store.sync_health().unwrap();
    assert_eq!((health.pending, health.failed), (1, 1));
    assert_eq!(health.oldest_pending, Some(first[2].created_at));
    assert_eq!(health.channels.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["market", "shop"]);
    let shop = &health.channels[1];
    assert_eq!((shop.pending, shop.failed, shop.state), (1, 1, ChannelState::TokenRejected));
    assert_eq!(health.current_error().unwrap().code, "shop");
    assert_eq!(health.current_error().unwrap().last_error_at, Some(when));
    let kinds: Vec<String> = store.open_alerts(10).unwrap().into_iter().map(|a| a.kind).collect();
    assert_eq!(kinds, ["token_rejected", "sync_failed"]);
    // The token works again: ok, its alert cleared, the last success kept.
    store.record_sync_success("shop", at(T0 + 900)).unwrap();
    let shop = store.channel_sync("shop").unwrap().unwrap();
    assert_eq!((shop.state, shop.last_success_at), (ChannelState::Ok, Some(at(T0 + 900))));
    assert_eq!(store.open_alerts(10).unwrap().len(), 1);
    assert!(store.sync_health().unwrap().current_error().is_none());
}

#[test]
fn a_version_5_outbox_is_upgraded_with_channels_and_states() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v5.db");
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        for n in ["0001_initial", "0002_allocation", "0003_waves", "0004_packing", "0005_returns"] {
            let sql = std::fs::read_to_string(format!("{}/src/store/migrations/{n}.sql", env!("CARGO_MANIFEST_DIR")));
            raw.execute_batch(&sql.unwrap()).unwrap();
        }
        raw.execute_batch(&format!(
            "PRAGMA user_version = 5; PRAGMA application_id = {};
             INSERT INTO channels (id, code, name, kind) VALUES (1, 'shop', 'Web shop', 'rest'), (2, 'market', 'M', 'rest');
             INSERT INTO orders (id, channel_id, external_id, channel_ref, status, created_at, updated_at, ship_by,
                 customer_name, address1, address2, city, region, postcode, country, phone, email, service,
                 financial_status, total_minor, currency, note)
             VALUES (7, 2, '99', '#99', 'delivered', 0, 0, 0, 'Ana', 'Rua', '', 'Lisboa', '', '1100-048', 'PT', '', '',
                 'standard', 'paid', 100, 'EUR', '');
             INSERT INTO shipments (order_id, package_no, packages, carton, weight_g, carrier, service, tracking, sscc, created_at)
             VALUES (7, 1, 1, 'S', 500, 'DHL', 'DHL Paket', 'TRACK0001', '003401234500000001', 0);
             INSERT INTO outbox (kind, idempotency_key, payload, created_at, sent_at) VALUES
                 ('shipment', 'shipment:shop:1', '{{}}', 10, 20),
                 ('shipment', 'shipment:shop:2', '{{}}', 11, NULL),
                 ('refund', 'refund:RMA-000001', '{{\"order\":\"ORD-000007\"}}', 12, NULL);",
            packline::store::APPLICATION_ID
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let rows = store.outbox_rows(&[OutboxState::Pending, OutboxState::Sent], 10).unwrap();
    let seen: Vec<String> = rows.iter().map(|r| format!("{} {} {}", r.idempotency_key, r.channel, r.state)).collect();
    assert_eq!(seen, ["refund:RMA-000001 market pending", "shipment:shop:2 shop pending", "shipment:shop:1 shop sent"]);
    // The health counts the sync's work: shipments (refunds wait for the returns export).
    assert_eq!(store.sync_health().unwrap().pending, 1);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let package: String = raw.query_row("SELECT tracking_status FROM shipments", [], |r| r.get(0)).unwrap();
    assert_eq!(package, "delivered", "packages of delivered orders are not tracked again");
}

fn a_channel_follows_its_config_and_each_change_is_audited_once(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let read = |store: &Store| -> (String, String, usize) {
        let shop = store.channel_sync("shop").unwrap().unwrap();
        let mut query = AuditQuery::since(DateTime::UNIX_EPOCH, 100);
        query.kind = Some("channel_configured".into());
        (shop.name, shop.kind, store.audit_events(&query).unwrap().len())
    };
    store.configure_channel(&actor(), "shop", "Web shop", "rest").unwrap();
    assert_eq!(read(&store), ("Web shop".into(), "rest".into(), 0), "unchanged: no event");
    store.configure_channel(&actor(), "shop", "Shop files", "file").unwrap();
    assert_eq!(read(&store), ("Shop files".into(), "file".into(), 1));
    store.configure_channel(&actor(), "shop", "Shop files", "file").unwrap();
    assert_eq!(read(&store).2, 1, "the same config again changes nothing");
    store.configure_channel(&actor(), "b2b", "B2B portal", "file").unwrap();
    assert!(store.ensure_channel(&actor(), "b2b", "x", "rest").is_ok_and(|added| !added), "b2b was added");
}

/// Orders 1 and 2 (two MUG each) in one wave, planned then released.
fn waved_pair(store: &mut Store) -> packline::domain::WaveNumber {
    page(store, &[copy("1", 2, T0, false), copy("2", 2, T0, false)], None);
    let candidates = store.wave_candidates(10).unwrap();
    let plan = packline::domain::wave::WavePlan {
        orders: candidates.iter().map(|c| c.number).collect(),
        walk: vec![bin("01-001-A")],
        route_m: 1.0,
        baseline_m: 1.0,
        lines: 2,
        units: 4,
    };
    let wave = store.create_wave(&actor(), &plan).unwrap();
    store.release_wave(&actor(), wave).unwrap();
    wave
}

fn a_cancelled_copy_takes_an_order_out_of_a_wave_nobody_started(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let wave = waved_pair(&mut store);
    assert_eq!(reserved_mugs(&store), 4);
    let summary = page(&mut store, &[copy("1", 2, T0 + 60, true)], None);
    assert_eq!((summary.cancelled, summary.flagged), (1, 0));
    assert_eq!((status(&store, 1), status(&store, 2)), (OrderStatus::Cancelled, OrderStatus::Waved));
    assert_eq!(reserved_mugs(&store), 2, "its stock is free again");
    let list = store.pick_list(wave).unwrap();
    assert_eq!((list.wave.orders, list.wave.units), (1, 2), "the wave keeps only the other order");
    assert!(list.stops.iter().flat_map(|s| &s.shares).all(|share| share.order == OrderNumber(2)));
    // The last order going takes the wave with it.
    page(&mut store, &[copy("2", 2, T0 + 60, true)], None);
    assert_eq!(store.pick_list(wave).unwrap().wave.status, packline::domain::WaveStatus::Cancelled);
    assert_eq!(reserved_mugs(&store), 0);
    assert!(store.open_alerts(10).unwrap().is_empty(), "nothing for the supervisor to decide");
}

fn an_order_in_a_wave_being_picked_is_flagged_not_taken_out(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let wave = waved_pair(&mut store);
    store.take_wave(&actor(), wave, 60_000, false).unwrap();
    let summary = page(&mut store, &[copy("1", 2, T0 + 60, true)], None);
    assert_eq!((summary.cancelled, summary.flagged), (0, 1));
    assert_eq!(status(&store, 1), OrderStatus::Picking);
    assert_eq!(store.pick_list(wave).unwrap().wave.orders, 2);
}

on_both_backends!(
    a_page_is_stored_with_its_cursor_or_not_at_all,
    a_page_delivered_again_changes_nothing_and_failing_orders_are_held,
    a_stale_copy_never_overwrites_and_a_newer_one_does,
    a_cancelled_copy_cancels_a_ready_order_and_its_stock_feeds_a_backorder,
    a_cancelled_copy_of_an_order_on_the_floor_is_flagged_and_not_packed,
    a_packed_order_cancelled_at_the_channel_stays_off_the_manifest,
    a_cancelled_order_arriving_first_stays_cancelled,
    the_outbox_lifecycle,
    one_station_holds_the_sync_lease,
    tracking_moves_the_order_and_raises_alerts_once,
    tracking_never_moves_an_order_the_status_machine_refuses,
    sync_health_counts_the_outbox_and_names_the_failing_channel,
    a_channel_follows_its_config_and_each_change_is_audited_once,
    a_cancelled_copy_takes_an_order_out_of_a_wave_nobody_started,
    an_order_in_a_wave_being_picked_is_flagged_not_taken_out,
);
