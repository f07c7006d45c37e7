//! Carrier tracking through a real store: shipped orders followed by the
//! demo carrier until delivered, an exception that ends in
//! `delivery_exception` with an alert, and a feed failing for one package
//! while the others go on.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use common::{bin, order, ship, sku};
use packline::domain::sync::{TrackedPackage, TrackingEvent, TrackingStatus};
use packline::domain::{Actor, Bin, OrderNumber, OrderStatus, Verdict, Zone};
use packline::store::Store;
use packline::sync::carrier::{self, CarrierFeed, DemoCarrier};
use tempfile::TempDir;

fn sync() -> Actor {
    Actor::new("SYNC", "sync")
}

/// A store with `n` orders of the `shop` channel shipped (one MUG each,
/// order 1 in two packages).
fn shipped(backend: &pg::Backend, n: i64) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "t.db")).unwrap();
    let a = sync();
    store.add_channel(&a, "shop", "Web shop", "rest").unwrap();
    store.add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
    store.add_skus(&a, &[sku("MUG")]).unwrap();
    store.receive_stock(&a, bin("01-001-A"), "MUG", None, 50, "PO-1").unwrap();
    let orders: Vec<_> = (1..=n).map(|i| order(&i.to_string(), &[("MUG", 1)])).collect();
    store.import_checked(&a, &orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    for i in 1..=n {
        ship(&mut store, OrderNumber(i), if i == 1 { 2 } else { 1 });
    }
    (dir, store)
}

fn tracking_of(store: &Store, number: OrderNumber) -> Vec<String> {
    store.shipments(number).unwrap().into_iter().map(|p| p.tracking).collect()
}

fn shipped_orders_are_followed_until_delivered(backend: &pg::Backend) {
    let (_dir, mut store) = shipped(backend, 8);
    let demo = DemoCarrier { seconds_per_day: 120 };
    let start = Utc::now();
    // Nothing has happened yet: the carrier picks up about 0.2 days (24 s) after packing.
    let first = carrier::poll(&mut store, &sync(), &demo, start, Duration::from_secs(1), 100).unwrap();
    assert_eq!((first.packages, first.events, first.orders_moved), (9, 0, 0));
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Shipped);
    let mut seen_in_transit = false;
    for step in 1..=60 {
        let now = start + TimeDelta::seconds(step * 20);
        carrier::poll(&mut store, &sync(), &demo, now, Duration::from_secs(1), 100).unwrap();
        seen_in_transit |= store.order_status(OrderNumber(1)).unwrap() == OrderStatus::InTransit;
    }
    assert!(seen_in_transit);
    let (mut delivered, mut still_out) = (0, 0);
    for i in 1..=8 {
        let number = OrderNumber(i);
        let mut failed = false;
        for tracking in tracking_of(&store, number) {
            let timeline = demo.timeline(&tracking, "DHL Paket", start);
            let lost = timeline.last().unwrap().status == TrackingStatus::Exception;
            failed |= lost;
            still_out += u32::from(lost);
            // Every event recorded once, none lost, none twice.
            let recorded = store.tracking_events(&tracking).unwrap();
            let statuses = |events: &[TrackingEvent]| events.iter().map(|e| e.status).collect::<Vec<_>>();
            assert_eq!(statuses(&recorded), statuses(&timeline), "{tracking}");
        }
        let expected = if failed { OrderStatus::DeliveryException } else { OrderStatus::Delivered };
        assert_eq!(store.order_status(number).unwrap(), expected, "{number}");
        delivered += u32::from(!failed);
    }
    assert!(delivered >= 6, "{delivered}");
    // Delivered packages are no longer asked about.
    let late = start + TimeDelta::days(1);
    let last = carrier::poll(&mut store, &sync(), &demo, late, Duration::from_secs(1), 100).unwrap();
    assert_eq!((last.packages, last.events), (still_out, 0), "{last:?}");
}

/// A feed that says what it is told, per tracking number.
struct Scripted(HashMap<String, Result<Vec<TrackingEvent>, String>>);

impl CarrierFeed for Scripted {
    fn events(&self, package: &TrackedPackage, now: DateTime<Utc>) -> Result<Vec<TrackingEvent>, String> {
        match self.0.get(&package.tracking) {
            Some(Ok(events)) => Ok(events.iter().filter(|e| e.at <= now).cloned().collect()),
            Some(Err(error)) => Err(error.clone()),
            None => Ok(Vec::new()),
        }
    }
}

fn event(at: DateTime<Utc>, status: TrackingStatus, description: &str) -> TrackingEvent {
    let expected = (status != TrackingStatus::Exception).then(|| at.date_naive() + TimeDelta::days(1));
    TrackingEvent { at, status, description: description.into(), expected_delivery: expected }
}

fn an_exception_ends_in_delivery_exception_with_an_alert(backend: &pg::Backend) {
    let (_dir, mut store) = shipped(backend, 2);
    let t0 = Utc::now();
    let script = tracking_of(&store, OrderNumber(2))
        .into_iter()
        .map(|tracking| {
            let events = vec![
                event(t0 + TimeDelta::hours(1), TrackingStatus::InTransit, "Picked up in Leipzig"),
                event(t0 + TimeDelta::hours(5), TrackingStatus::Exception, "Address not found"),
            ];
            (tracking, Ok(events))
        })
        .collect();
    let feed = Scripted(script);
    let poll =
        carrier::poll(&mut store, &sync(), &feed, t0 + TimeDelta::hours(2), Duration::from_secs(60), 10).unwrap();
    assert_eq!((poll.events, poll.orders_moved, poll.alerts), (1, 1, 0));
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::InTransit);
    let poll =
        carrier::poll(&mut store, &sync(), &feed, t0 + TimeDelta::hours(6), Duration::from_secs(60), 10).unwrap();
    assert_eq!((poll.events, poll.orders_moved, poll.alerts), (1, 1, 1));
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::DeliveryException);
    let alerts = store.open_alerts(10).unwrap();
    assert!(alerts.iter().any(|a| a.kind == "delivery_exception" && a.subject == "order:ORD-000002"), "{alerts:?}");
    // Order 1 heard nothing and is still shipped.
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Shipped);
}

fn a_feed_failing_for_one_package_leaves_the_others_moving(backend: &pg::Backend) {
    let (_dir, mut store) = shipped(backend, 3);
    let t0 = Utc::now();
    let mut script = HashMap::new();
    for tracking in tracking_of(&store, OrderNumber(2)) {
        script.insert(tracking, Err("carrier answered 503".to_owned()));
    }
    for tracking in tracking_of(&store, OrderNumber(3)) {
        script.insert(tracking, Ok(vec![event(t0, TrackingStatus::InTransit, "Sorted at hub Kassel")]));
    }
    let feed = Scripted(script);
    let every = Duration::from_secs(60);
    let poll = carrier::poll(&mut store, &sync(), &feed, t0, every, 10).unwrap();
    assert_eq!((poll.packages, poll.failures, poll.orders_moved), (4, 1, 1), "{poll:?}");
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Shipped);
    assert_eq!(store.order_status(OrderNumber(3)).unwrap(), OrderStatus::InTransit);
    // Everyone, the failed one included, is asked again only after `every`.
    let soon = carrier::poll(&mut store, &sync(), &feed, t0 + TimeDelta::seconds(1), every, 10).unwrap();
    assert_eq!(soon.packages, 0);
    let later = carrier::poll(&mut store, &sync(), &feed, t0 + TimeDelta::seconds(61), every, 10).unwrap();
    assert_eq!((later.packages, later.failures, later.events), (4, 1, 0));
}

on_both_backends!(
    shipped_orders_are_followed_until_delivered,
    an_exception_ends_in_delivery_exception_with_an_alert,
    a_feed_failing_for_one_package_leaves_the_others_moving,
);
