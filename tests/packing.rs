//! Packing through the store: opening, verified scans that can never count
//! too many, undo, completion into shipments with their outbox entry, and
//! the manifest that ships them.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use chrono::{DateTime, Utc};
use common::{order, sku};
use packline::domain::pack::PackRefusal;
use packline::domain::sync::OutboxState;
use packline::domain::{Actor, HoldReason, OrderNumber, OrderStatus};
use packline::store::{NewPackage, PackageIds, SeedOrder, Store};
use tempfile::TempDir;

fn packer() -> Actor {
    Actor::new("PACK-1", "EMP-0004")
}

fn seed(id: &str, lines: &[(&str, u32)], status: OrderStatus) -> SeedOrder {
    let holds = if status == OrderStatus::Held { vec![HoldReason::Manual] } else { vec![] };
    SeedOrder {
        order: order(id, lines),
        status,
        holds,
        status_at: DateTime::<Utc>::from_timestamp(1_763_700_000, 0).unwrap(),
        carrier_service: "DHL Paket".into(),
        signature_required: false,
        shipped_at: None,
    }
}

/// A store with SKUs MUG, TEE and LOT (lot-tracked); orders 1 (picked: 2 MUG
/// and 1 TEE), 2 (picked: 1 TEE), 3 (held).
fn env(backend: &pg::Backend) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "p.db")).unwrap();
    store.add_channel(&packer(), "shop", "Web shop", "rest").unwrap();
    let mut lot = sku("LOT");
    lot.lot_tracked = true;
    store.add_skus(&packer(), &[sku("MUG"), sku("TEE"), lot]).unwrap();
    let seeds = [
        seed("1", &[("MUG", 2), ("TEE", 1)], OrderStatus::Picked),
        seed("2", &[("TEE", 1), ("LOT", 1)], OrderStatus::Picked),
        seed("3", &[("MUG", 1)], OrderStatus::Held),
    ];
    store.seed_orders(&packer(), &seeds).unwrap();
    (dir, store)
}

fn ids(serial: i64) -> PackageIds {
    PackageIds { tracking: format!("TRACK{serial:06}"), sscc: format!("{:018}", 340_123_450_000_000_000 + serial) }
}

fn one_box() -> Vec<NewPackage> {
    vec![NewPackage { carton: "S".into(), weight_g: 1_200, measured_g: Some(1_210) }]
}

fn a_checklist_counts_every_unit_once_and_refuses_wrong_and_extra_items(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let one = OrderNumber(1);
    let opened = store.pack_open(&packer(), one).unwrap().unwrap();
    assert_eq!((opened.status, opened.expected_units(), opened.scanned_units()), (OrderStatus::Packing, 3, 0));
    let refusal = store.pack_scan(&packer(), one, "CUP", 1, None, None).unwrap().unwrap_err();
    assert_eq!(refusal, PackRefusal::WrongItem { sku: "CUP".into() });
    store.pack_scan(&packer(), one, "MUG", 1, None, None).unwrap().unwrap();
    let after = store.pack_scan(&packer(), one, "MUG", 1, None, None).unwrap().unwrap();
    assert_eq!(after.scanned_units(), 2);
    let refusal = store.pack_scan(&packer(), one, "MUG", 1, None, None).unwrap().unwrap_err();
    assert_eq!(refusal, PackRefusal::TooMany { sku: "MUG".into(), expected: 2 });
    // QTY-2 of TEE would be one too many as well.
    assert!(matches!(store.pack_scan(&packer(), one, "TEE", 2, None, None).unwrap(), Err(PackRefusal::TooMany { .. })));
    // Undo takes the last scan back; scanning again puts it back.
    assert_eq!(store.pack_undo(&packer(), one).unwrap(), Some(("MUG".to_owned(), 1)));
    assert_eq!(store.pack_order(one).unwrap().scanned_units(), 1);
    store.pack_scan(&packer(), one, "MUG", 1, None, None).unwrap().unwrap();
    let done = store.pack_scan(&packer(), one, "TEE", 1, None, None).unwrap().unwrap();
    assert!(done.complete());
    assert_eq!(store.pack_scan_totals().unwrap(), [(one, 3)]);
}

/// SQLite only: the captured lot is read back from `pack_scans` with
/// rusqlite, and no `Store` method returns a scan's lot.
#[test]
fn held_orders_are_not_packed_and_lots_are_captured() {
    let (_dir, mut store) = env(&pg::Backend::Sqlite);
    let held = store.pack_open(&packer(), OrderNumber(3)).unwrap().unwrap_err();
    assert_eq!(held, PackRefusal::NotPackable { number: OrderNumber(3), status: OrderStatus::Held });
    assert_eq!(store.order_status(OrderNumber(3)).unwrap(), OrderStatus::Held, "nothing changed");
    let two = OrderNumber(2);
    store.pack_open(&packer(), two).unwrap().unwrap();
    let refusal = store.pack_scan(&packer(), two, "LOT", 1, None, None).unwrap().unwrap_err();
    assert!(matches!(refusal, PackRefusal::NeedsLot { what: "lot", .. }), "{refusal:?}");
    store.pack_scan(&packer(), two, "LOT", 1, Some("L2611"), None).unwrap().unwrap();
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    let lot: String = raw.query_row("SELECT lot FROM pack_scans WHERE order_id = 2", [], |r| r.get(0)).unwrap();
    assert_eq!(lot, "L2611");
}

fn completing_writes_shipments_and_the_outbox_once_and_the_manifest_ships(backend: &pg::Backend) {
    let (_dir, mut store) = env(backend);
    let one = OrderNumber(1);
    store.pack_open(&packer(), one).unwrap().unwrap();
    let err = store.complete_pack(&packer(), one, &one_box(), ("DHL", "DHL Paket"), "", &mut ids).unwrap_err();
    assert!(err.to_string().contains("0 of 3 units verified"), "{err}");
    for (item, qty) in [("MUG", 2), ("TEE", 1)] {
        store.pack_scan(&packer(), one, item, qty, None, None).unwrap().unwrap();
    }
    let two_boxes = vec![
        NewPackage { carton: "S".into(), weight_g: 800, measured_g: None },
        NewPackage { carton: "XS".into(), weight_g: 400, measured_g: Some(410) },
    ];
    let packages = store.complete_pack(&packer(), one, &two_boxes, ("DHL", "DHL Paket"), "", &mut ids).unwrap();
    assert_eq!(packages.len(), 2);
    assert_eq!((packages[1].package_no, packages[1].packages, packages[1].weight_g), (2, 2, 410));
    assert_eq!(store.order_status(one).unwrap(), OrderStatus::Packed);
    // Never twice: the order is packed now.
    assert!(store.complete_pack(&packer(), one, &one_box(), ("DHL", "DHL Paket"), "", &mut ids).is_err());
    let outbox: Vec<String> = store
        .outbox_rows(&OutboxState::ALL, 100)
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "shipment")
        .map(|row| row.payload)
        .collect();
    assert_eq!(outbox.len(), 1);
    let payload = &outbox[0];
    assert!(payload.contains(&packages[0].tracking) && payload.contains("\"external_id\":\"1\""), "{payload}");
    // The manifest hands the packages over and ships the order.
    let midnight = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
    let waiting = store.manifest_report(midnight).unwrap();
    assert_eq!(waiting.iter().map(|r| (r.manifest, r.package_no)).collect::<Vec<_>>(), [(None, 1), (None, 2)]);
    assert_eq!(store.open_manifests().unwrap(), [("DHL".to_owned(), 2)]);
    let manifest = store.close_manifest(&packer(), "DHL").unwrap();
    assert_eq!((manifest.packages, manifest.orders), (2, 1));
    assert_eq!(store.order_status(one).unwrap(), OrderStatus::Shipped);
    assert_eq!(store.manifest_packages(manifest.id).unwrap().len(), 2);
    let handed = store.manifest_report(midnight).unwrap();
    assert!(handed.iter().all(|r| r.manifest == Some(manifest.id) && r.closed_at.is_some()), "{handed:?}");
    assert!(store.close_manifest(&packer(), "DHL").unwrap_err().to_string().contains("no packed DHL packages"));
}

on_both_backends!(
    a_checklist_counts_every_unit_once_and_refuses_wrong_and_extra_items,
    completing_writes_shipments_and_the_outbox_once_and_the_manifest_ships,
);
