//! `packline report inventory`: the store read behind it and the report on
//! a small fixed store with shipped history (one order through the real
//! pick-pack-ship path, the rest seeded in shipped states at fixed ship-by
//! times), every number checked against values computed by hand; the table
//! and CSV carry the same numbers as the JSON; the binary runs it.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use std::collections::BTreeMap;
use std::process::Stdio;

use chrono::{DateTime, Utc};
use common::{bin, line, order, packline, seeded, sku};
use packline::domain::dashboard::SkuFacts;
use packline::domain::{Actor, BackorderPolicy, Bin, NewOrder, OrderStatus, Verdict, Zone};
use packline::planning::inventory::InventoryConfig;
use packline::report::{Format, Report};
use packline::store::{SeedOrder, Store};
use serde_json::{Value, json};
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------

const DAY: i64 = 86_400;
/// 2025-11-24 04:40 UTC: two days after common::order's ship-by, "now" in these tests.
const T0: i64 = 1_763_959_200;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

/// A history order seeded in `status`, shipped at its ship-by.
fn history(id: &str, status: OrderStatus, ship_by: i64, lines: Vec<packline::domain::NewOrderLine>) -> SeedOrder {
    let mut order = seeded(id, status, ship_by, lines);
    if status != OrderStatus::Cancelled {
        order.shipped_at = Some(at(ship_by));
    }
    order
}

/// Per-SKU health as the dashboard and the report read it at `now`, over a
/// 28-day window.
fn skus(store: &Store, now: i64) -> Vec<SkuFacts> {
    store.sku_health(at(now).date_naive(), 28, 28).unwrap()
}

fn import(store: &mut Store, orders: &[NewOrder]) {
    store.import_checked(&actor(), orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
}

/// Bins 01-001-A and 02-001-A (A), 05-001-A (B), 10-001-A and 10-002-A (C);
/// SKUs CUP, IDLE, MUG, NEW, OLD, TEA. History ships at its ship-by (the
/// dashboard's counters count it on that UTC day). With the default
/// `[inventory]` (window the 28 UTC days 2025-10-28 to 2025-11-24, lead 10,
/// safety 5, slow 90):
/// - CUP: 50 received in 01-001-A, 14 + 14 shipped: 28 in the window.
/// - MUG: 20 in 10-001-A (zone C), 2 reserved by a ready order; 20 + 20 + 16
///   shipped in the window (the 16 on its first day), 30 the day before it.
/// - TEA: none on hand, 14 shipped, 3 wanted by a backordered order (and
///   100 on a cancelled order, which never counts).
/// - NEW: never shipped, 2 wanted by the same backordered order, which also
///   wants 1 CUP (not reserved: the order waits whole; CUP is not short).
/// - OLD: 5 in 05-001-A (zone B), its one unit shipped 120 days ago.
/// - IDLE: nothing at all.
fn fixture(backend: &pg::Backend) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut s = Store::open(&backend.location(dir.path(), "inventory.db")).unwrap();
    let a = actor();
    s.add_channel(&a, "shop", "Web shop", "rest").unwrap();
    let bins = [
        ("01-001-A", Zone::A),
        ("02-001-A", Zone::A),
        ("05-001-A", Zone::B),
        ("10-001-A", Zone::C),
        ("10-002-A", Zone::C),
    ];
    s.add_bins(&a, &bins.map(|(code, zone)| Bin { code: bin(code), zone })).unwrap();
    s.add_skus(&a, &["CUP", "IDLE", "MUG", "NEW", "OLD", "TEA"].map(sku)).unwrap();
    s.receive_stock(&a, bin("01-001-A"), "CUP", None, 50, "PO-1").unwrap();
    s.seed_orders(
        &a,
        &[
            history("H1", OrderStatus::Delivered, T0 - DAY, vec![line("MUG", 20), line("CUP", 14)]),
            history("H2", OrderStatus::InTransit, T0 - 10 * DAY, vec![line("MUG", 20), line("TEA", 14)]),
            history("H3", OrderStatus::Delivered, T0 - 27 * DAY, vec![line("MUG", 16), line("CUP", 14)]),
            history("H4", OrderStatus::Delivered, T0 - 28 * DAY, vec![line("MUG", 30)]),
            history("H5", OrderStatus::Delivered, T0 - 120 * DAY, vec![line("OLD", 1)]),
            history("H6", OrderStatus::Cancelled, T0 - 2 * DAY, vec![line("TEA", 100)]),
        ],
    )
    .unwrap();
    s.receive_stock(&a, bin("10-001-A"), "MUG", None, 20, "PO-2").unwrap();
    s.receive_stock(&a, bin("05-001-A"), "OLD", None, 5, "PO-2").unwrap();
    import(&mut s, &[order("R1", &[("MUG", 2)]), order("B1", &[("TEA", 3), ("NEW", 2), ("CUP", 1)])]);
    (dir, s)
}

fn build(store: &Store) -> Report {
    let layout = packline::domain::Layout::demo();
    packline::report::inventory::build(store, &layout, 90, &InventoryConfig::default(), at(T0)).unwrap()
}

fn written(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    report.write(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------
// 1. The store
// ---------------------------------------------------------------------------

fn per_sku_health_sums_stock_backorders_and_shipped_units(backend: &pg::Backend) {
    let (_dir, store) = fixture(backend);
    // SKU on_hand reserved backordered units last-shipped, one line each.
    let seen: Vec<String> = skus(&store, T0)
        .iter()
        .map(|r| {
            let last = r.last_shipped.map_or("never".to_owned(), |d| d.to_string());
            format!("{} {} {} {} {} {last}", r.sku, r.on_hand, r.reserved, r.backordered, r.window_units)
        })
        .collect();
    assert_eq!(
        seen,
        [
            "CUP 50 0 1 28 2025-11-23",
            "IDLE 0 0 0 0 never",
            "MUG 20 2 0 56 2025-11-23",
            "NEW 0 0 2 0 never",
            "OLD 5 0 0 0 2025-07-27",
            "TEA 0 0 3 14 2025-11-14",
        ]
    );
    assert_eq!(skus(&store, T0)[0].title, "Item CUP");
    // A day later the 16 MUG of the window's first day drop out.
    assert_eq!(skus(&store, T0 + DAY)[2].window_units, 40);
}

fn partial_backorders_count_only_what_is_missing(backend: &pg::Backend) {
    let (_dir, mut store) = fixture(backend);
    store.set_backorder_policy(BackorderPolicy::Partial);
    // 18 MUG are free: the order keeps them and waits for 7.
    import(&mut store, &[order("P1", &[("MUG", 25)])]);
    let rows = skus(&store, T0);
    let mug = rows.iter().find(|r| r.sku == "MUG").unwrap();
    assert_eq!((mug.on_hand, mug.reserved, mug.backordered), (20, 20, 7));
}

// ---------------------------------------------------------------------------
// 2. The report
// ---------------------------------------------------------------------------

fn the_report_matches_hand_computed_values(backend: &pg::Backend) {
    let (_dir, store) = fixture(backend);
    let json: Value = serde_json::from_str(&written(&build(&store), Format::Json)).unwrap();
    assert_eq!(json["report"], "inventory");
    let facts = [
        ("since", json!("2025-10-28")),
        ("demand_window_days", json!(28)),
        ("lead_time_days", json!(10)),
        ("safety_days", json!(5)),
        ("slow_mover_days", json!(90)),
        ("abc_window_days", json!(90)),
        ("skus", json!(5)),
        ("stockouts", json!(2)),
        ("below_reorder_point", json!(2)),
        ("cover_below_lead_time", json!(2)),
        ("slow_movers", json!(1)),
        ("skus_to_reslot", json!(2)),
    ];
    for (key, value) in facts {
        assert_eq!(json[key], value, "{key}");
    }
    // Classes over 90 days, 6 SKUs: MUG 86 and CUP 28 are A, TEA 14 B, the unsold C.
    // TEA: 0.5 a day, ROP ceil(7.5) = 8, lead demand 5; position -3: 8 + 5 + 3.
    // NEW: only its backorder: 0 + 0 + 2.
    // MUG: 2 a day, ROP 30, lead demand 20; 18 free: cover 9 days, 30 + 20 - 18;
    //      56 x 365 / 28 / 20 = 36.5 turns. Class A in a C bin, A bin 02-001-A free.
    // CUP: 1 a day, ROP 15, 50 free (1 of them wanted by the waiting order): 50 days;
    //      28 x 365 / 28 / 50 = 7.3 turns.
    // OLD: no demand, 120 days since its last shipment: slow; C in a B bin.
    let expected = json!([
        {"sku": "TEA", "title": "Item TEA", "class": "B", "on_hand": 0, "reserved": 0, "available": 0,
         "backordered": 3, "demand_per_day": "0.50", "reorder_point": 8, "cover_days": "0.0",
         "suggested_order": 16, "turnover": null, "last_shipped": "2025-11-14",
         "flags": "stockout reorder cover<lead", "slotting": null},
        {"sku": "NEW", "title": "Item NEW", "class": "C", "on_hand": 0, "reserved": 0, "available": 0,
         "backordered": 2, "demand_per_day": "0.00", "reorder_point": 0, "cover_days": null,
         "suggested_order": 2, "turnover": null, "last_shipped": null, "flags": "stockout", "slotting": null},
        {"sku": "MUG", "title": "Item MUG", "class": "A", "on_hand": 20, "reserved": 2, "available": 18,
         "backordered": 0, "demand_per_day": "2.00", "reorder_point": 30, "cover_days": "9.0",
         "suggested_order": 32, "turnover": "36.5", "last_shipped": "2025-11-23",
         "flags": "reorder cover<lead", "slotting": "10-001-A -> 02-001-A"},
        {"sku": "CUP", "title": "Item CUP", "class": "A", "on_hand": 50, "reserved": 0, "available": 50,
         "backordered": 1, "demand_per_day": "1.00", "reorder_point": 15, "cover_days": "50.0",
         "suggested_order": 0, "turnover": "7.3", "last_shipped": "2025-11-23", "flags": null, "slotting": null},
        {"sku": "OLD", "title": "Item OLD", "class": "C", "on_hand": 5, "reserved": 0, "available": 5,
         "backordered": 0, "demand_per_day": "0.00", "reorder_point": 0, "cover_days": null,
         "suggested_order": 0, "turnover": "0.0", "last_shipped": "2025-07-27", "flags": "slow",
         "slotting": "05-001-A -> 10-002-A"},
    ]);
    assert_eq!(json["rows"], expected, "{:#}", json["rows"]);
}

/// Splits a table line into its cells: columns are two or more spaces
/// apart, and no cell of this store holds two spaces in a row.
fn cells(line: &str) -> Vec<String> {
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

fn table_and_csv_carry_the_json_numbers(backend: &pg::Backend) {
    let (_dir, store) = fixture(backend);
    let report = build(&store);
    let json: Value = serde_json::from_str(&written(&report, Format::Json)).unwrap();
    let keys: Vec<&str> = report.columns.iter().map(|c| c.key).collect();
    // Each JSON row as the text a CSV field holds (null: empty).
    let as_fields = |row: &Value| -> Vec<String> {
        keys.iter()
            .map(|k| match &row[*k] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let from_json: Vec<Vec<String>> = json["rows"].as_array().unwrap().iter().map(as_fields).collect();

    let csv = written(&report, Format::Csv);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), keys);
    let from_csv: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(from_csv, from_json);

    let table = written(&report, Format::Table);
    let mut lines = table.lines();
    let summary = lines.next().unwrap();
    assert!(summary.starts_with("Inventory health: 2 stockouts, 2 at or below the reorder point"), "{summary}");
    assert!(summary.ends_with("2 SKUs have stock outside their class's zone: see `packline report slotting`."));
    assert_eq!(lines.next(), Some(""));
    let headings: Vec<String> = report.columns.iter().map(|c| c.heading.to_owned()).collect();
    assert_eq!(cells(lines.next().unwrap()), headings);
    // The table shows a missing value as "-" (no count here reaches a thousands separator).
    let shown: Vec<Vec<String>> = from_json
        .iter()
        .map(|row| row.iter().map(|c| if c.is_empty() { "-".to_owned() } else { c.clone() }).collect())
        .collect();
    assert_eq!(lines.map(cells).collect::<Vec<_>>(), shown);
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");
}

fn the_binary_prints_the_report_in_every_format(backend: &pg::Backend) {
    let (dir, store) = fixture(backend);
    let db = store.path().to_owned();
    drop(store);
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let run = |format: &str| {
        let output = packline(&home, &db)
            .args(["report", "inventory", "--format", format])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    // Today's date moves the demand window, but stock and backorders stay: five SKUs.
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let skus: BTreeMap<&str, &Value> =
        json["rows"].as_array().unwrap().iter().map(|r| (r["sku"].as_str().unwrap(), &r["on_hand"])).collect();
    assert_eq!(skus.keys().copied().collect::<Vec<_>>(), ["CUP", "MUG", "NEW", "OLD", "TEA"]);
    assert_eq!((skus["CUP"], skus["MUG"], skus["OLD"]), (&json!(50), &json!(20), &json!(5)));
    let csv = run("csv");
    assert!(csv.starts_with("sku,title,class,on_hand,reserved,available,backordered,demand_per_day,"), "{csv}");
    assert_eq!(csv.lines().count(), 6);
    assert!(run("table").starts_with("Inventory health: "));
}

on_both_backends!(
    per_sku_health_sums_stock_backorders_and_shipped_units,
    partial_backorders_count_only_what_is_missing,
    the_report_matches_hand_computed_values,
    table_and_csv_carry_the_json_numbers,
    the_binary_prints_the_report_in_every_format,
);
