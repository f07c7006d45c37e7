//! `packline report`: the store reads behind the slotting report on small
//! stores built here (what counts as shipped in the window, placements, free
//! bins, the query plan), and the binary on a demo warehouse (JSON, CSV,
//! table, unknown report names, a missing store).

#![allow(clippy::unwrap_used)]

mod common;

use common::{bin, sku};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use packline::domain::{Actor, Address, Bin, NewOrder, NewOrderLine, OrderStatus, Zone};
use packline::store::{SeedOrder, StockPlacement, Store};
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers (after tests/store.rs)
// ---------------------------------------------------------------------------

/// 2025-06-15 15:06:40 UTC; every time in these tests is relative to it.
const T0: i64 = 1_750_000_000;
const DAY: i64 = 86_400;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

/// A store in its own directory with the `shop` channel, bins 01-001-A (A),
/// 05-001-A (B), 10-001-A and 10-002-A (C), SKUs CUP, MUG and TEA.
struct Env {
    _dir: TempDir,
    store: Store,
}

impl Env {
    fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let mut store = Store::open(&dir.path().join("packline.db")).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        let bins = [("01-001-A", Zone::A), ("05-001-A", Zone::B), ("10-001-A", Zone::C), ("10-002-A", Zone::C)];
        let bins: Vec<Bin> = bins.iter().map(|(code, zone)| Bin { code: bin(code), zone: *zone }).collect();
        store.add_bins(&actor(), &bins).unwrap();
        store.add_skus(&actor(), &[sku("TEA"), sku("MUG"), sku("CUP")]).unwrap();
        Self { _dir: dir, store }
    }
}

fn line(sku: &str, qty: u32) -> NewOrderLine {
    NewOrderLine { sku: sku.into(), title: sku.into(), qty, unit_price_minor: 500, requires_shipping: true }
}

/// An order of the `shop` channel in `status`, due to ship at `ship_by`.
fn order(id: &str, status: OrderStatus, ship_by: i64, lines: Vec<NewOrderLine>) -> SeedOrder {
    SeedOrder {
        order: NewOrder {
            channel: "shop".into(),
            external_id: id.into(),
            channel_ref: format!("#{id}"),
            created_at: at(ship_by - DAY),
            updated_at: at(ship_by),
            ship_by: at(ship_by),
            address: Address {
                name: "Ana Lima".into(),
                address1: "Rua Augusta 12".into(),
                city: "Lisboa".into(),
                postcode: "1100-048".into(),
                country: "PT".into(),
                ..Address::default()
            },
            service: "standard".into(),
            financial_status: "paid".into(),
            total_minor: 2_500,
            currency: "EUR".into(),
            note: String::new(),
            priority: 5,
            lines,
        },
        status,
        holds: Vec::new(),
        status_at: at(ship_by),
        carrier_service: String::new(),
        signature_required: false,
    }
}

// ---------------------------------------------------------------------------
// 1. Store reads
// ---------------------------------------------------------------------------

#[test]
fn units_shipped_count_shipped_orders_due_in_the_window() {
    let mut env = Env::new();
    let since = T0 - 30 * DAY;
    let mut digital = line("CUP", 100);
    digital.requires_shipping = false;
    env.store
        .seed_orders(
            &actor(),
            &[
                order("1", OrderStatus::Shipped, T0, vec![line("MUG", 2), line("TEA", 1)]),
                order("2", OrderStatus::InTransit, T0 - DAY, vec![line("MUG", 3)]),
                order("3", OrderStatus::Delivered, since, vec![line("MUG", 5)]), // on the boundary: counts
                order("4", OrderStatus::DeliveryException, T0, vec![line("TEA", 7)]),
                order("5", OrderStatus::Delivered, since - 1, vec![line("MUG", 1_000)]), // before the window
                order("6", OrderStatus::Ready, T0, vec![line("MUG", 1_000)]),            // not shipped yet
                order("7", OrderStatus::Cancelled, T0, vec![line("TEA", 1_000)]),
                order("8", OrderStatus::Shipped, T0, vec![line("GHOST", 9), digital]), // unknown SKU, no shipping
            ],
        )
        .unwrap();
    let units = env.store.units_shipped_since(at(since)).unwrap();
    let expected = [("CUP", 0), ("MUG", 10), ("TEA", 8)];
    assert_eq!(units, expected.map(|(s, n)| (s.to_owned(), n)), "every catalogue SKU, by code");
    let older = env.store.units_shipped_since(at(since - 1)).unwrap();
    assert_eq!(older[1], ("MUG".to_owned(), 1_010));
    assert!(env.store.units_shipped_since(at(T0 + 1)).unwrap().iter().all(|(_, n)| *n == 0));
}

#[test]
fn units_shipped_seek_the_window_rather_than_scan_orders() {
    let env = Env::new();
    let plan = env.store.explain_units_shipped().unwrap();
    assert!(plan.iter().any(|l| l.contains("orders_status_ship")), "{plan:#?}");
    assert!(plan.iter().all(|l| !l.starts_with("SCAN") && !l.contains("TEMP B-TREE")), "{plan:#?}");
}

#[test]
fn placements_sum_lots_per_bin_and_free_bins_hold_nothing() {
    let mut env = Env::new();
    let s = &mut env.store;
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", Some("L1"), 4, "in").unwrap();
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", Some("L2"), 6, "in").unwrap();
    s.receive_stock(&actor(), bin("01-001-A"), "TEA", None, 3, "in").unwrap();
    s.receive_stock(&actor(), bin("05-001-A"), "CUP", None, 2, "in").unwrap();
    // Counted out to nothing: the row stays, the bin is free again.
    s.adjust_stock(&actor(), bin("05-001-A"), "CUP", None, -2, "count").unwrap();
    let placements = s.stock_placements().unwrap();
    let place = |sku: &str, code: &str, zone, on_hand| StockPlacement {
        sku: sku.into(),
        bin: Bin { code: bin(code), zone },
        on_hand,
    };
    assert_eq!(placements, [place("MUG", "10-001-A", Zone::C, 10), place("TEA", "01-001-A", Zone::A, 3)]);
    let free = s.free_bins().unwrap();
    assert_eq!(free, [Bin { code: bin("05-001-A"), zone: Zone::B }, Bin { code: bin("10-002-A"), zone: Zone::C }]);
    let inputs = s.slotting_inputs(at(T0)).unwrap();
    assert_eq!((inputs.placements, inputs.free_bins), (placements, free));
    assert_eq!(inputs.units.len(), 3);
}

#[test]
fn the_slotting_report_moves_a_best_seller_out_of_zone_c() {
    let mut env = Env::new();
    let s = &mut env.store;
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", None, 10, "in").unwrap(); // best seller in C
    s.receive_stock(&actor(), bin("01-001-A"), "TEA", None, 10, "in").unwrap(); // unsold in A
    s.seed_orders(&actor(), &[order("1", OrderStatus::Delivered, T0 - DAY, vec![line("MUG", 4)])]).unwrap();
    // Bins 05-001-A (B) and 10-002-A (C) are free; zone A has no free bin.
    let layout = packline::domain::Layout::demo();
    let report = packline::report::slotting::build(s, &layout, 90, at(T0)).unwrap();
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["report"], "slotting");
    assert_eq!(json["window_days"], 90);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json:#}");
    assert_eq!(rows[0]["sku"], "MUG");
    assert_eq!((&rows[0]["class"], &rows[0]["zone"], &rows[0]["bin"]), (&"A".into(), &"C".into(), &"10-001-A".into()));
    assert_eq!(rows[0]["suggested_bin"], serde_json::Value::Null);
    assert_eq!(rows[0]["note"], "no free bin in zone A");
    assert_eq!((&rows[1]["sku"], &rows[1]["class"], &rows[1]["zone"]), (&"TEA".into(), &"C".into(), &"A".into()));
    assert_eq!(rows[1]["suggested_bin"], "10-002-A");
}

// ---------------------------------------------------------------------------
// 2. The binary
// ---------------------------------------------------------------------------

/// `packline` with HOME and XDG dirs inside `home`, so nothing touches the real ones.
fn packline(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_packline"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn demo_store(home: &Path) -> PathBuf {
    let db = home.join("demo.db");
    let output = run(packline(home).arg("--db").arg(&db).args(["demo", "--orders", "2000"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    db
}

fn report(home: &Path, db: &Path, args: &[&str]) -> String {
    let output = run(packline(home).arg("--db").arg(db).arg("report").args(args));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn report_slotting_on_a_demo_store_in_every_format() {
    let home = TempDir::new().unwrap();
    let db = demo_store(home.path());

    let json: serde_json::Value =
        serde_json::from_str(&report(home.path(), &db, &["slotting", "--format", "json"])).unwrap();
    assert_eq!(json["report"], "slotting");
    assert_eq!(json["window_days"], 90);
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.len() > 50, "the demo misplaces some stock on purpose: {} rows", rows.len());
    let keys = ["sku", "class", "units_shipped", "bin", "zone", "on_hand", "suggested_bin", "note"];
    for row in rows {
        let row = row.as_object().unwrap();
        assert_eq!(row.keys().map(String::as_str).collect::<Vec<_>>().len(), keys.len());
        assert!(keys.iter().all(|k| row.contains_key(*k)), "{row:?}");
        assert_ne!(row["class"], row["zone"], "only mismatches are listed: {row:?}");
        assert!(row["suggested_bin"].is_null() || row["suggested_bin"].as_str().unwrap().len() == 8, "{row:?}");
    }
    assert_eq!((&rows[0]["class"], &rows[0]["zone"]), (&"A".into(), &"C".into()), "A in C comes first");
    // No free bin is offered twice.
    let mut targets: Vec<&str> = rows
        .iter()
        .filter(|r| r["note"].as_str().unwrap().starts_with("free bin"))
        .map(|r| r["suggested_bin"].as_str().unwrap())
        .collect();
    let offered = targets.len();
    targets.sort_unstable();
    targets.dedup();
    assert_eq!(targets.len(), offered);

    let csv = report(home.path(), &db, &["slotting", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("sku,class,units_shipped,bin,zone,on_hand,suggested_bin,note"));
    assert_eq!(lines.count(), rows.len());

    let table = report(home.path(), &db, &["slotting"]);
    assert!(table.starts_with("Slotting: "), "{table}");
    let header = table.lines().find(|l| l.starts_with("SKU")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "SKU CLASS SHIPPED BIN ZONE ON HAND MOVE TO NOTE"
    );
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");
}

#[test]
fn unknown_report_names_are_bad_usage_listing_what_exists() {
    let home = TempDir::new().unwrap();
    let output = run(packline(home.path()).args(["report", "waves"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("slotting"), "{stderr}");
    let output = run(packline(home.path()).args(["report", "slotting", "--format", "xml"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_report_never_creates_a_store() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("typo.db");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["report", "slotting"]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("typo.db") && stderr.contains("no store"), "{stderr}");
    assert!(!db.exists());
}
