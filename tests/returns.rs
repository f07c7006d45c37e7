//! Returns through the store: announced and unannounced RMAs, units never
//! beyond what shipped and never another order's item, lots checked against
//! what was packed, restocking that fills a waiting backorder, and closing
//! with the refund for export.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use common::{bin, order, returned_unit, ship, sku};
use packline::domain::rma::{Disposition, Grade, ReturnRefusal, RmaStatus};
use packline::domain::sync::OutboxState;
use packline::domain::{Actor, Bin, OrderNumber, OrderStatus, Verdict, Zone};
use packline::planning::returns::ReturnsConfig;
use packline::store::Store;
use tempfile::TempDir;

fn bench() -> Actor {
    Actor::new("RETURNS-1", "EMP-0004")
}

fn rules() -> ReturnsConfig {
    packline::config::Config::from_texts(None, "test").unwrap().config.returns
}

/// Order 1 (2 MUG, 1 TEE) picked, packed and shipped; MUG has no stock left,
/// so order 2 (1 MUG) waits as a backorder.
fn env(backend: &pg::Backend) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "r.db")).unwrap();
    let a = bench();
    store.add_channel(&a, "shop", "Web shop", "rest").unwrap();
    store
        .add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }, Bin { code: bin("09-020-C"), zone: Zone::C }])
        .unwrap();
    store.add_skus(&a, &[sku("MUG"), sku("TEE"), sku("CUP")]).unwrap();
    store.receive_stock(&a, bin("01-001-A"), "MUG", None, 2, "PO-1").unwrap();
    store.receive_stock(&a, bin("01-001-A"), "TEE", None, 1, "PO-1").unwrap();
    let first = order("1", &[("MUG", 2), ("TEE", 1)]);
    let second = order("2", &[("MUG", 1)]);
    store.import_checked(&a, &[first, second], &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Backordered);
    ship(&mut store, OrderNumber(1), 1);
    (dir, store)
}

fn an_unannounced_return_is_flagged_and_never_takes_more_than_shipped(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let one = OrderNumber(1);
    // Found by the tracking number on our label.
    assert_eq!(store.order_for_package("TRACK0001").unwrap(), Some(one));
    let view = store.receive_return(&bench(), one).unwrap();
    assert_eq!((view.status, view.announced), (RmaStatus::Received, false));
    assert_eq!(
        view.lines.iter().map(|l| (l.sku.as_str(), l.shipped, l.returned)).collect::<Vec<_>>(),
        [("MUG", 2, 0), ("TEE", 1, 0)]
    );
    let rma = view.rma;
    // An item we never shipped on this order is refused.
    let refusal =
        store.inspect_unit(&bench(), rma, &returned_unit("CUP", "changed mind", Grade::Sealed)).unwrap().unwrap_err();
    assert_eq!(refusal, ReturnRefusal::NotShipped { sku: "CUP".into() });
    store.inspect_unit(&bench(), rma, &returned_unit("TEE", "too small", Grade::Sealed)).unwrap().unwrap();
    let refusal =
        store.inspect_unit(&bench(), rma, &returned_unit("TEE", "too small", Grade::Sealed)).unwrap().unwrap_err();
    assert_eq!(refusal, ReturnRefusal::AllReturned { sku: "TEE".into(), shipped: 1 });
    let view = store.return_view(rma).unwrap();
    assert_eq!((view.status, view.units.len()), (RmaStatus::Inspected, 1));
    // A second box for the same order joins the same open RMA.
    assert_eq!(store.receive_return(&bench(), one).unwrap().rma, rma);
}

fn mixed_dispositions_a_restock_fills_the_backorder_and_the_refund_is_recorded(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let one = OrderNumber(1);
    let announced = store.create_rma(&Actor::new("OFFICE", "EMP-0001"), one, "customer called").unwrap();
    let view = store.receive_rma(&bench(), announced).unwrap();
    assert_eq!((view.rma, view.status, view.announced), (announced, RmaStatus::Received, true));
    let sealed =
        store.inspect_unit(&bench(), announced, &returned_unit("MUG", "changed mind", Grade::Sealed)).unwrap().unwrap();
    let restock = sealed.units[0].clone();
    assert_eq!(restock.disposition, Disposition::Restock);
    let broken = store
        .inspect_unit(&bench(), announced, &returned_unit("MUG", "damaged in transit", Grade::Damaged))
        .unwrap()
        .unwrap();
    assert_eq!(broken.units[1].disposition, Disposition::Quarantine);
    // The restock goes to the bin already holding MUG; the backorder takes it at once.
    let suggested = store.suggest_restock_bin("MUG").unwrap().unwrap();
    assert_eq!(suggested, bin("01-001-A"));
    assert!(
        store.restock_unit(&bench(), broken.units[1].id, suggested).unwrap_err().to_string().contains("quarantine")
    );
    store.restock_unit(&bench(), restock.id, suggested).unwrap();
    assert!(store.restock_unit(&bench(), restock.id, suggested).is_err(), "once only");
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Ready, "the waiting order was allocated");
    let balance = store.stock_balance(suggested, "MUG", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (1, 1));
    assert!(store.audit_allocation().unwrap().is_clean());
    assert_eq!(store.return_view(announced).unwrap().units[0].restocked_to.as_deref(), Some("01-001-A"));
    // The refund: a sealed unit in full, a damaged one not at all; mixed reasons, no fee.
    let rules = rules();
    let units: Vec<(String, Grade, i64)> =
        store.return_view(announced).unwrap().units.iter().map(|u| (u.reason.clone(), u.grade, 500)).collect();
    let refund = rules.recommend(&units);
    assert_eq!((refund.kind(), refund.amount_minor()), ("partial", 500));
    store.close_rma(&bench(), announced, refund.kind(), refund.amount_minor()).unwrap();
    assert_eq!(store.return_view(announced).unwrap().status, RmaStatus::Closed);
    let refusal = store
        .inspect_unit(&bench(), announced, &returned_unit("TEE", "too small", Grade::Sealed))
        .unwrap()
        .unwrap_err();
    assert_eq!(refusal, ReturnRefusal::Closed { rma: announced });
    let refunds = store.outbox_rows(&OutboxState::ALL, 100).unwrap().iter().filter(|row| row.kind == "refund").count();
    assert_eq!(refunds, 1);
}

fn only_shipped_orders_come_back(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let err = store.receive_return(&bench(), OrderNumber(2)).unwrap_err().to_string();
    assert!(err.contains("only a shipped order can come back"), "{err}");
}

on_both_backends!(
    an_unannounced_return_is_flagged_and_never_takes_more_than_shipped,
    mixed_dispositions_a_restock_fills_the_backorder_and_the_refund_is_recorded,
    only_shipped_orders_come_back,
);
