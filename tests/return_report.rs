//! `packline report returns`: the store reads behind it (units shipped and
//! returned per SKU in a window, reasons, the RMAs open or closed since a
//! time) on a small store with one shipped order, and the binary's JSON and
//! CSV on that store.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use common::{bin, order, returned_unit, ship, sku};
use packline::domain::rma::{Grade, RmaNumber};
use packline::domain::{Actor, Bin, OrderNumber, Verdict, Zone};
use packline::store::Store;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Fixture (after tests/returns.rs)
// ---------------------------------------------------------------------------

fn bench() -> Actor {
    Actor::new("RETURNS-1", "EMP-0004")
}

/// Order 1 (2 MUG, 1 TEE) shipped, then returned: one MUG changed mind, the
/// TEE defective; the RMA closed with its refund when `close` says so.
fn env(backend: &pg::Backend, close: bool) -> (TempDir, Store, RmaNumber) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "r.db")).unwrap();
    let a = bench();
    store.add_channel(&a, "shop", "Web shop", "rest").unwrap();
    store.add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
    store.add_skus(&a, &[sku("MUG"), sku("TEE")]).unwrap();
    store.receive_stock(&a, bin("01-001-A"), "MUG", None, 2, "PO-1").unwrap();
    store.receive_stock(&a, bin("01-001-A"), "TEE", None, 1, "PO-1").unwrap();
    let first = order("1", &[("MUG", 2), ("TEE", 1)]);
    store.import_checked(&a, &[first], &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    ship(&mut store, OrderNumber(1), 2);
    let rma = store.receive_return(&a, OrderNumber(1)).unwrap().rma;
    store.inspect_unit(&a, rma, &returned_unit("MUG", "changed mind", Grade::Sealed)).unwrap().unwrap();
    store.inspect_unit(&a, rma, &returned_unit("TEE", "defective", Grade::Defective)).unwrap().unwrap();
    if close {
        store.close_rma(&a, rma, "partial", 1_234).unwrap();
    }
    (dir, store, rma)
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

// ---------------------------------------------------------------------------
// 1. The store
// ---------------------------------------------------------------------------

fn shipped_and_returned_units_and_reasons_count_in_their_window(backend: &pg::Backend) {
    let (_dir, store, _) = env(backend, false);
    let now = Utc::now();
    let (day_ago, tomorrow) = (now - Duration::days(1), now + Duration::days(1));
    assert_eq!(store.units_shipped_between(day_ago, tomorrow).unwrap(), counts(&[("MUG", 2), ("TEE", 1)]));
    assert_eq!(store.units_returned_between(day_ago, tomorrow).unwrap(), counts(&[("MUG", 1), ("TEE", 1)]));
    let reasons = store.return_reasons_between(day_ago, tomorrow).unwrap();
    assert_eq!(reasons, counts(&[("changed mind", 1), ("defective", 1)]));
    // Windows are half-open and outside them nothing counts.
    let earlier = now - Duration::days(30);
    assert!(store.units_shipped_between(earlier, day_ago).unwrap().is_empty());
    assert!(store.units_returned_between(earlier, day_ago).unwrap().is_empty());
    assert!(store.return_reasons_between(tomorrow, tomorrow + Duration::days(1)).unwrap().is_empty());
    assert!(store.units_shipped_between(day_ago, day_ago).unwrap().is_empty());
}

/// SQLite only: checks SQLite's EXPLAIN QUERY PLAN.
#[test]
fn units_shipped_in_a_window_seek_each_orders_lines_by_primary_key() {
    let (_dir, store, _) = env(&pg::Backend::Sqlite, false);
    let plan = store.explain_units_shipped_between().unwrap().join("\n");
    // Shipments drive the join: each order's lines are a primary-key seek.
    assert!(plan.contains("SEARCH l USING PRIMARY KEY"), "{plan}");
    assert!(!plan.contains("SCAN l"), "{plan}");
}

fn open_rmas_are_listed_and_closed_ones_only_in_the_window(backend: &pg::Backend) {
    let (_dir, mut store, rma) = env(backend, false);
    let now = Utc::now();
    let rows = store.returns_report(now + Duration::days(1)).unwrap();
    assert_eq!(rows.len(), 1, "an open RMA is listed whatever the window");
    let row = &rows[0];
    assert_eq!(
        (row.rma, row.order, row.channel_ref.as_str(), row.status.as_str()),
        (rma, OrderNumber(1), "#1", "inspected")
    );
    assert_eq!((row.units, row.reasons.clone()), (2, vec!["changed mind".to_owned(), "defective".to_owned()]));
    assert_eq!((row.refund_kind.as_deref(), row.refund_minor, row.closed_at), (None, None, None));
    assert!(!row.announced);
    store.close_rma(&bench(), rma, "partial", 1_234).unwrap();
    let rows = store.returns_report(now - Duration::days(1)).unwrap();
    assert_eq!(
        (rows[0].refund_kind.as_deref(), rows[0].refund_minor, rows[0].currency.as_str()),
        (Some("partial"), Some(1_234), "EUR")
    );
    assert!(rows[0].closed_at.is_some());
    assert!(store.returns_report(now + Duration::days(1)).unwrap().is_empty(), "closed before the window");
}

// ---------------------------------------------------------------------------
// 2. The binary
// ---------------------------------------------------------------------------

fn report(home: &Path, db: &Path, format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_packline"))
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .arg("--db")
        .arg(db)
        .args(["report", "returns", "--format", format])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn report_returns_as_json_and_csv(backend: &pg::Backend) {
    let (dir, store, rma) = env(backend, true);
    let db = store.path().to_owned();
    drop(store);
    let json: serde_json::Value = serde_json::from_str(&report(dir.path(), &db, "json")).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["alerts", "open", "reasons", "report", "rows", "since", "top_rates", "window_days"]);
    assert_eq!(json["report"], "returns");
    assert_eq!((json["window_days"].as_u64(), json["open"].as_u64()), (Some(30), Some(0)));
    assert_eq!(json["top_rates"], "TEE 100.0% (1 of 1 shipped); MUG 50.0% (1 of 2 shipped)");
    assert_eq!(json["reasons"], "changed mind: 1; defective: 1");
    assert_eq!(json["alerts"], "", "one return per SKU is below the alert minimum");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["rma"], rma.to_string());
    assert_eq!(
        (row["order"].as_str(), row["channel_ref"].as_str()),
        (Some(OrderNumber(1).to_string().as_str()), Some("#1"))
    );
    assert_eq!((row["status"].as_str(), row["announced"].as_str()), (Some("closed"), Some("no")));
    assert_eq!((row["units"].as_u64(), row["reasons"].as_str()), (Some(2), Some("changed mind; defective")));
    assert_eq!((row["refund_kind"].as_str(), row["refund"].as_str()), (Some("partial"), Some("12.34 EUR")));
    assert_eq!((row["refund_minor"].as_u64(), row["currency"].as_str()), (Some(1_234), Some("EUR")));
    assert!(row["closed_at"].is_string());

    let csv = report(dir.path(), &db, "csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("rma,order,channel_ref,status,announced,units,reasons,refund_kind,refund,refund_minor,currency,closed_at")
    );
    let fields: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(fields[5..11], ["2", "changed mind; defective", "partial", "12.34 EUR", "1234", "EUR"]);
    assert_eq!(lines.next(), None);

    let table = report(dir.path(), &db, "table");
    assert!(table.starts_with("Returns since "), "{table}");
    assert!(table.contains("Reasons: changed mind: 1; defective: 1."), "{table}");
}

on_both_backends!(
    shipped_and_returned_units_and_reasons_count_in_their_window,
    open_rmas_are_listed_and_closed_ones_only_in_the_window,
    report_returns_as_json_and_csv,
);
