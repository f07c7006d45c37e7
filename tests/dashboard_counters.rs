//! The dashboard's counters (migration 0008) through real store operations:
//! picks, short picks, refused scans, pack scans, packs, a manifest, a
//! supervisor's move to shipped and returned units each add exactly what
//! they should in their own transaction; seeded shipped orders are counted
//! per batch; migration 0008's backfill of an older store computes the same
//! as the operations would have; and the demo's counters agree with its orders.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use chrono::{DateTime, TimeZone, Utc};
use common::{bin, line, order, returned_unit, seeded, sku};
use packline::domain::rma::Grade;
use packline::domain::wave::{ShortReason, StopState};
use packline::domain::{Actor, Layout, NewOrderLine, OrderNumber, OrderStatus, Verdict};
use packline::planning::batching::{self, Planned, WaveRules};
use packline::store::{NewPackage, PackageIds, Store};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use tempfile::TempDir;

fn supervisor() -> Actor {
    Actor::new("OFFICE", "EMP-0001")
}

fn picker() -> Actor {
    Actor::new("HANDHELD-1", "EMP-0002")
}

fn packer() -> Actor {
    Actor::new("PACK-1", "EMP-0004")
}

fn other_packer() -> Actor {
    Actor::new("PACK-2", "EMP-0005")
}

/// 2100-01-01 00:00 UTC: orders created or due then are never late.
const FUTURE: i64 = 4_102_444_800;
/// When `common::order` orders are created (2025-11-21 04:40 UTC).
const CREATED: i64 = 1_763_700_000;
/// 2025-11-21 12:00 UTC, the seeded orders' ship-by.
const S: i64 = 1_763_726_400;

/// A connection of the tests' own to a store's database, to read the
/// counter tables (no store method shows them row by row). Only reads.
enum Raw {
    Sqlite(Connection),
    Postgres(std::cell::RefCell<::postgres::Client>),
}

impl Raw {
    fn open(store: &Store) -> Self {
        match store.path().to_str().filter(|p| packline::store::is_postgres_url(p)) {
            Some(url) => Self::Postgres(::postgres::Client::connect(url, ::postgres::NoTls).unwrap().into()),
            None => Self::Sqlite(Connection::open(store.path()).unwrap()),
        }
    }
}

/// The integer rows of `sql` (written so both databases read it alike).
fn rows(conn: &Raw, sql: &str) -> Vec<Vec<i64>> {
    match conn {
        Raw::Sqlite(conn) => {
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        }
        // The simple protocol gives every value as text: sums (numeric on
        // PostgreSQL) and counts alike.
        Raw::Postgres(client) => client
            .borrow_mut()
            .simple_query(sql)
            .unwrap()
            .into_iter()
            .filter_map(|message| match message {
                ::postgres::SimpleQueryMessage::Row(row) => Some(
                    (0..row.len())
                        .map(|i| {
                            let text = row.get(i).unwrap_or_else(|| panic!("NULL in column {i} of {sql}"));
                            text.parse().unwrap_or_else(|e| panic!("{text:?} in column {i} of {sql}: {e}"))
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect(),
    }
}

fn one(conn: &Raw, sql: &str) -> i64 {
    let found = rows(conn, sql);
    assert_eq!(found.len(), 1, "{sql}");
    found[0][0]
}

/// Every counter row and every order's ship time, as text sorted by key, for
/// comparing two stores.
fn all_counters(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT 'op', hour, operator, pick_lines, picked_units, short_lines, pick_refusals, packed_units,
                packed_orders, pack_refusals FROM operator_hourly ORDER BY hour, operator",
        "SELECT 'sh', hour, orders, units, on_time_orders FROM shipped_hourly ORDER BY hour",
        "SELECT 'cy', day, minutes, orders FROM cycle_daily ORDER BY day, minutes",
        "SELECT 'sd', day, sku_id, shipped_units, returned_units FROM sku_daily ORDER BY day, sku_id",
        "SELECT 'sl', sku_id, day FROM sku_last_shipped ORDER BY sku_id",
        "SELECT 'or', id, shipped_at FROM orders ORDER BY id",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let found = stmt
            .query_map([], |r| {
                let cell = |i| match r.get_ref(i).unwrap() {
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                };
                Ok((0..n).map(cell).collect::<Vec<_>>().join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        out.extend(found);
    }
    out
}

/// A floor after one wave of three orders worked through every counted
/// operation (see the test below for what each did), with the times the
/// operations ran between (unix seconds).
struct Floor {
    dir: TempDir,
    store: Store,
    began: i64,
    ended: i64,
}

/// The demo layout; MUG 10 in 01-002-A; TEE 2 in 03-005-A and 5 in
/// 11-020-C; CAP 6 in 02-003-A; WRAP (gift wrap, nothing to ship).
/// Orders: 1 = MUG 2, TEE 1, WRAP 1 (not shipped), created and due in 2100;
/// 2 = MUG 3, created 2025-11-21 04:40 and due a day later (late);
/// 3 = TEE 1, CAP 2, created and due in 2100.
fn floor(backend: &pg::Backend) -> Floor {
    let began = Utc::now().timestamp();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "floor.db")).unwrap();
    let boss = supervisor();
    store.add_channel(&boss, "shop", "Web shop", "rest").unwrap();
    store.add_bins(&boss, &Layout::demo().zoned_bins()).unwrap();
    store.add_skus(&boss, &[sku("MUG"), sku("TEE"), sku("CAP"), sku("WRAP")]).unwrap();
    for (code, item, qty) in
        [("01-002-A", "MUG", 10), ("03-005-A", "TEE", 2), ("11-020-C", "TEE", 5), ("02-003-A", "CAP", 6)]
    {
        store.receive_stock(&boss, bin(code), item, None, qty, "PO-1").unwrap();
    }
    let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
    let mut first = order("1", &[("MUG", 2), ("TEE", 1), ("WRAP", 1)]);
    first.lines[2].requires_shipping = false;
    (first.created_at, first.updated_at, first.ship_by) = (at(FUTURE), at(FUTURE), at(FUTURE + 86_400));
    let second = order("2", &[("MUG", 3)]);
    let mut third = order("3", &[("TEE", 1), ("CAP", 2)]);
    (third.created_at, third.updated_at, third.ship_by) = (at(FUTURE), at(FUTURE), at(FUTURE + 86_400));
    let summary =
        store.import_checked(&boss, &[first, second, third], &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.ready, 3);

    // One wave of the three orders, picked by EMP-0002.
    let rules = WaveRules {
        min_orders: 1,
        max_orders: 20,
        totes_per_cart: 20,
        units_per_tote: 40,
        pool: 100,
        cutoff: "14:00:00".parse().unwrap(),
        lease_seconds: 120,
    };
    let mut candidates = store.wave_candidates(100).unwrap();
    batching::by_urgency(&mut candidates, &rules, Utc::now());
    let Planned::Wave(plan) = batching::plan_wave(&Layout::demo(), &candidates, &rules) else {
        panic!("three ready orders make a wave")
    };
    assert_eq!(plan.orders.len(), 3);
    let wave = store.create_wave(&boss, &plan).unwrap();
    store.release_wave(&boss, wave).unwrap();
    store.take_wave(&picker(), wave, 120_000, false).unwrap();
    let list = store.pick_list(wave).unwrap();
    for stop in &list.stops {
        if stop.bin == bin("03-005-A") {
            // Both TEE tasks (orders 1 and 3) are reported short here and move to 11-020-C.
            assert_eq!(stop.shares.len(), 2);
            let outcome = store.short_pick(&picker(), wave, stop.stock_id, ShortReason::CannotFind).unwrap();
            assert_eq!(outcome.moved_to, [bin("11-020-C")]);
            continue;
        }
        for share in &stop.shares {
            if share.order == OrderNumber(2) {
                // Order 2's three MUGs in two confirmations: 1, then 2.
                store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, 1).unwrap();
                store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, 2).unwrap();
            } else {
                store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, share.qty).unwrap();
            }
        }
    }
    for stop in store.pick_list(wave).unwrap().stops.iter().filter(|s| s.state == StopState::Open) {
        assert_eq!(stop.bin, bin("11-020-C"));
        for share in &stop.shares {
            store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, share.qty).unwrap();
        }
    }
    let subject = format!("wave:{}", wave.0);
    store.record_scan_refusal(&picker(), &subject, "01-001-A", "Wrong bin").unwrap();
    store.record_scan_refusal(&picker(), &subject, "TEE", "Wrong item").unwrap();
    store.record_scan_refusal(&Actor::new("HANDHELD-2", "EMP-0003"), &subject, "T0009", "Wrong tote").unwrap();

    // EMP-0004 packs orders 1 (with one undone scan) and 3; EMP-0005 packs order 2.
    let mut ids = |n: i64| PackageIds { tracking: format!("TRACK{n:04}"), sscc: format!("{n:018}") };
    let boxed = vec![NewPackage { carton: "S".into(), weight_g: 900, measured_g: None }];
    let (one, two, three) = (OrderNumber(1), OrderNumber(2), OrderNumber(3));
    store.pack_open(&packer(), one).unwrap().unwrap();
    store.record_scan_refusal(&packer(), "order:1", "CUP", "Not in this order").unwrap();
    store.record_scan_refusal(&packer(), "station:PACK-1", "X", "Scan a tote first").unwrap();
    store.pack_scan(&packer(), one, "MUG", 2, None, None).unwrap().unwrap();
    store.pack_scan(&packer(), one, "TEE", 1, None, None).unwrap().unwrap();
    store.pack_undo(&packer(), one).unwrap().unwrap();
    store.pack_scan(&packer(), one, "TEE", 1, None, None).unwrap().unwrap();
    store.complete_pack(&packer(), one, &boxed, ("DHL", "DHL Paket"), "", &mut ids).unwrap();
    store.pack_open(&other_packer(), two).unwrap().unwrap();
    store.pack_scan(&other_packer(), two, "MUG", 3, None, None).unwrap().unwrap();
    store.complete_pack(&other_packer(), two, &boxed, ("DHL", "DHL Paket"), "", &mut ids).unwrap();
    store.pack_open(&packer(), three).unwrap().unwrap();
    store.pack_scan(&packer(), three, "TEE", 1, None, None).unwrap().unwrap();
    store.pack_scan(&packer(), three, "CAP", 2, None, None).unwrap().unwrap();
    store.complete_pack(&packer(), three, &boxed, ("UPS", "UPS Standard"), "", &mut ids).unwrap();

    // The DHL manifest ships orders 1 and 2; the supervisor ships order 3 by hand.
    let manifest = store.close_manifest(&boss, "DHL").unwrap();
    assert_eq!(manifest.orders, 2);
    store.transition_order(&boss, three, OrderStatus::Shipped, "handed to the UPS driver").unwrap();

    // Order 1 comes back: both MUGs and the TEE.
    let rma = store.receive_return(&boss, one).unwrap().rma;
    for item in ["MUG", "MUG", "TEE"] {
        store.inspect_unit(&boss, rma, &returned_unit(item, "changed mind", Grade::Sealed)).unwrap().unwrap();
    }
    let ended = Utc::now().timestamp();
    Floor { dir, store, began, ended }
}

fn every_counted_operation_adds_to_its_counters_in_its_own_transaction(backend: &pg::Backend) {
    let floor = floor(backend);
    let conn = Raw::open(&floor.store);
    let (h0, h1) = (floor.began / 3600, floor.ended / 3600);
    for hour in rows(&conn, "SELECT hour FROM operator_hourly UNION SELECT hour FROM shipped_hourly") {
        assert!((h0..=h1).contains(&hour[0]), "hour {} outside the test's run {h0}..={h1}", hour[0]);
    }
    // Per badge over the hours: pick lines, picked units, short lines, pick
    // refusals, packed units, packed orders, pack refusals.
    // EMP-0002: confirmations MUG 2 (order 1), MUG 1 + MUG 2 (order 2), CAP 2,
    //   then TEE 1 + TEE 1 from the second bin = 6 lines, 9 units; one short
    //   pick of a stop with two tasks = 2 short lines; 2 refused scans in the wave.
    // EMP-0003: one refused scan in the wave.
    // EMP-0004: order 1 MUG 2 + TEE 1 + TEE 1 again after the undo (an undone
    //   scan stays counted) = 4, order 3 TEE 1 + CAP 2 = 3: 7 units, 2 orders;
    //   2 refused scans at the pack station.
    // EMP-0005: order 2 MUG 3: 3 units, 1 order.
    // EMP-0001 closed the manifest and shipped order 3: no work counted.
    let per_badge = rows(
        &conn,
        "SELECT CAST(substr(operator, 5) AS INTEGER), sum(pick_lines), sum(picked_units), sum(short_lines), sum(pick_refusals),
                sum(packed_units), sum(packed_orders), sum(pack_refusals)
         FROM operator_hourly GROUP BY operator ORDER BY operator",
    );
    assert_eq!(
        per_badge,
        [
            vec![2, 6, 9, 2, 2, 0, 0, 0],
            vec![3, 0, 0, 0, 1, 0, 0, 0],
            vec![4, 0, 0, 0, 0, 7, 2, 2],
            vec![5, 0, 0, 0, 0, 3, 1, 0]
        ]
    );

    // Shipped: orders 1 and 2 by the manifest, 3 by the supervisor, each at
    // its operation's time. Units: order 1 MUG 2 + TEE 1 (WRAP does not
    // ship) = 3, order 2 MUG 3, order 3 TEE 1 + CAP 2 = 3: 9; on time: orders
    // 1 and 3 (due in 2100), not order 2 (due 2025-11-22).
    let shipped = rows(&conn, "SELECT id, shipped_at FROM orders WHERE shipped_at IS NOT NULL ORDER BY id");
    assert_eq!(shipped.iter().map(|r| r[0]).collect::<Vec<_>>(), [1, 2, 3]);
    for r in &shipped {
        assert!((floor.began..=floor.ended).contains(&r[1]), "{r:?}");
    }
    let hours = rows(&conn, "SELECT sum(orders), sum(units), sum(on_time_orders) FROM shipped_hourly");
    assert_eq!(hours, [vec![3, 9, 2]]);
    let shipped_hours: Vec<i64> = shipped.iter().map(|r| r[1] / 3600).collect();
    for r in rows(&conn, "SELECT hour FROM shipped_hourly") {
        assert!(shipped_hours.contains(&r[0]));
    }

    // Cycle times: orders 1 and 3 were created in 2100, after they shipped:
    // 0 minutes, never less; order 2 took from 04:40 on 2025-11-21 until it shipped.
    let day = shipped[0][1] / 86_400;
    let order_2 = (shipped[1][1] - CREATED) / 60;
    let cycles = rows(&conn, "SELECT day, minutes, orders FROM cycle_daily ORDER BY minutes");
    if shipped.iter().all(|r| r[1] / 86_400 == day) {
        assert_eq!(cycles, [vec![day, 0, 2], vec![day, order_2, 1]]);
    } else {
        // The test ran across midnight UTC.
        let minutes: i64 = cycles.iter().map(|r| r[1] * r[2]).sum();
        assert_eq!((minutes, cycles.iter().map(|r| r[2]).sum::<i64>()), (order_2, 3));
    }

    // Per SKU: shipped MUG 2 + 3, TEE 1 + 1, CAP 2, WRAP none; returned MUG 2, TEE 1.
    let skus = rows(
        &conn,
        "SELECT d.sku_id, sum(d.shipped_units), sum(d.returned_units) FROM sku_daily d GROUP BY d.sku_id ORDER BY 1",
    );
    assert_eq!(skus, [vec![1, 5, 2], vec![2, 2, 1], vec![3, 2, 0]]);
    let last = rows(&conn, "SELECT sku_id, day FROM sku_last_shipped ORDER BY sku_id");
    let last_day = shipped.iter().map(|r| r[1] / 86_400).max().unwrap();
    assert_eq!(last.iter().map(|r| r[0]).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(last.iter().all(|r| (day..=last_day).contains(&r[1])));
}

#[test]
fn the_backfill_computes_what_the_operations_counted() {
    // The floor's store taken back to version 7 (no counters, no ship
    // times, no goods-in tables, count tasks as they were) and opened again: migration 0008 must rebuild every counter and
    // ship time from the audit trail exactly as the operations counted them.
    let floor = floor(&pg::Backend::Sqlite);
    let copy = floor.dir.path().join("v7.db");
    let live = Connection::open(floor.store.path()).unwrap();
    live.execute("VACUUM INTO ?1", [copy.to_str().unwrap()]).unwrap();
    let expected = all_counters(&live);
    assert!(expected.iter().any(|r| r.starts_with("op|")) && expected.iter().any(|r| r.starts_with("sd|")));
    {
        let old = Connection::open(&copy).unwrap();
        old.execute_batch(&format!(
            "DROP TABLE operator_hourly; DROP TABLE shipped_hourly; DROP TABLE cycle_daily; DROP TABLE sku_daily;
             DROP TABLE sku_last_shipped; DROP INDEX orders_open_due; ALTER TABLE orders DROP COLUMN shipped_at;
             DROP TABLE receipt_scans; DROP TABLE putaway; DROP TABLE receipt_packages; DROP TABLE receipt_lines;
             DROP TABLE receipts; DROP TABLE count_lines; DROP TABLE bin_last_counted; DROP TABLE bin_counts;
             CREATE TABLE count_tasks (id INTEGER PRIMARY KEY, bin_id INTEGER NOT NULL REFERENCES bins (id),
                 sku_id INTEGER NOT NULL REFERENCES skus (id), reason TEXT NOT NULL, created_at INTEGER NOT NULL,
                 done_at INTEGER);
             PRAGMA user_version = 7; PRAGMA application_id = {};",
            packline::store::APPLICATION_ID
        ))
        .unwrap();
    }
    let upgraded = Store::open(&copy).unwrap();
    let conn = Connection::open(upgraded.path()).unwrap();
    assert_eq!(all_counters(&conn), expected);
}

/// The store of the backfill test at version 7: migrations 0001 to 0007
/// applied by hand and rows written as an older packline would have.
fn version_7(path: &std::path::Path, rows: &str) {
    let raw = Connection::open(path).unwrap();
    for n in
        ["0001_initial", "0002_allocation", "0003_waves", "0004_packing", "0005_returns", "0006_sync", "0007_reports"]
    {
        let sql = std::fs::read_to_string(format!("{}/src/store/migrations/{n}.sql", env!("CARGO_MANIFEST_DIR")));
        raw.execute_batch(&sql.unwrap()).unwrap();
    }
    raw.execute_batch(&format!(
        "PRAGMA user_version = 7; PRAGMA application_id = {};",
        packline::store::APPLICATION_ID
    ))
    .unwrap();
    raw.execute_batch(rows).unwrap();
}

#[test]
fn a_version_7_store_is_backfilled_from_its_events_and_orders() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v7.db");
    // T = 1,763,700,000 = 2025-11-21 04:40:00 UTC: hour 489,916 (04:00), day 20,413.
    // Order 1 (delivered): shipped by a manifest at T + 7,200 (06:40, hour
    //   489,918), due T + 86,400: on time, 120 minutes; lines MUG 2, TEE 1,
    //   WRAP 1 (not shipped), OLD-1 4 (unknown SKU): 3 units.
    // Order 2 (shipped, seeded): its `new -> shipped` event at T + 90,000
    //   (2025-11-22 05:40, hour 489,941, day 20,414); a later event whose note
    //   mentions "-> shipped" is no ship time. Due T + 86,400: late; 1,500
    //   minutes; MUG 3.
    // Order 3 (in transit, arrived so): no event; ship-by T + 86,400 before
    //   its last change T + 200,000: shipped then (hour 489,940, day 20,414),
    //   on time, 1,440 minutes; CAP 2.
    // Order 4 (packed) and 5 (cancelled): not shipped.
    let orders = "INSERT INTO channels (id, code, name, kind) VALUES (1, 'shop', 'Web shop', 'rest');
        INSERT INTO skus (id, code, title, length_mm, width_mm, height_mm, weight_g) VALUES
            (1, 'MUG', 'Mug', 1, 1, 1, 1), (2, 'TEE', 'Tee', 1, 1, 1, 1), (3, 'CAP', 'Cap', 1, 1, 1, 1),
            (4, 'WRAP', 'Wrap', 1, 1, 1, 1);
        INSERT INTO orders (id, channel_id, external_id, channel_ref, status, created_at, updated_at, ship_by,
            customer_name, address1, address2, city, region, postcode, country, phone, email, service,
            financial_status, total_minor, currency, note)
        SELECT column1, 1, column1, '#' || column1, column2, 1763700000, column3, 1763786400, 'Ana', 'Rua', '', 'Lisboa',
               '', '1100-048', 'PT', '', '', 'standard', 'paid', 100, 'EUR', ''
        FROM (VALUES (1, 'delivered', 1764000000), (2, 'shipped', 1763790000), (3, 'in_transit', 1763900000),
                     (4, 'packed', 1763703600), (5, 'cancelled', 1763703600));
        INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, title, qty, unit_price_minor, requires_shipping)
        VALUES (1, 1, 1, 'MUG', 'Mug', 2, 1, 1), (1, 2, 2, 'TEE', 'Tee', 1, 1, 1), (1, 3, 4, 'WRAP', 'Wrap', 1, 1, 0),
               (1, 4, NULL, 'OLD-1', 'Old', 4, 1, 1), (2, 1, 1, 'MUG', 'Mug', 3, 1, 1), (3, 1, 3, 'CAP', 'Cap', 2, 1, 1),
               (4, 1, 1, 'MUG', 'Mug', 1, 1, 1), (5, 1, 2, 'TEE', 'Tee', 1, 1, 1);";
    // Events (hour h = 489,916 at T, h + 1 at T + 3,600):
    // EMP-0002 at h: picks of 2 and 1 units, two `pick_short` (one short pick
    //   of a stop with two tasks), a refused scan about `wave:1`; at h + 1 a
    //   pick of 3 units.
    // EMP-0003 at h: a refused scan about `WAVE:1` (not a wave subject: the
    //   pick screen writes `wave:`), counted at the pack station.
    // EMP-0004 at h + 1: verified 2 and 1 units, a refused scan about
    //   `order:1`, `packing -> packed` of order 1 (one order).
    // Not counted: the seed's `new -> packed` of order 4, a supervisor's
    //   `packed -> packing` whose note ends "-> packed", tracking's
    //   `shipped -> in_transit`, other kinds.
    let events = "INSERT INTO events (at_ms, station, operator, kind, subject, details) VALUES
        (1763700000000, 'H1', 'EMP-0002', 'units_picked', 'order:1', '2 × MUG from 01-002-A into T0001 (WAVE-000001)'),
        (1763700000001, 'H1', 'EMP-0002', 'units_picked', 'order:1', '1 × TEE from 03-005-A into T0001 (WAVE-000001)'),
        (1763700000002, 'H1', 'EMP-0002', 'pick_short', 'order:1', 'short 1 × TEE in 03-005-A (stockout); taken from 1 in 11-020-C'),
        (1763700000002, 'H1', 'EMP-0002', 'pick_short', 'order:3', 'short 1 × TEE in 03-005-A (stockout); no other bin has it'),
        (1763700000003, 'H1', 'EMP-0002', 'scan_refused', 'wave:1', '\"0400\": wrong bin'),
        (1763700000004, 'H2', 'EMP-0003', 'scan_refused', 'WAVE:1', '\"X\": wrong tote'),
        (1763700000005, 'H1', 'EMP-0002', 'count_requested', 'bin:03-005-A', 'count TEE in 03-005-A: stockout'),
        (1763703600000, 'H1', 'EMP-0002', 'units_picked', 'order:2', '3 × MUG from 01-002-A into T0002 (WAVE-000001)'),
        (1763703600001, 'P1', 'EMP-0004', 'unit_verified', 'order:1', '2 × MUG'),
        (1763703600002, 'P1', 'EMP-0004', 'unit_verified', 'order:1', '1 × TEE lot L1'),
        (1763703600003, 'P1', 'EMP-0004', 'scan_refused', 'order:1', '\"CUP\": not in this order'),
        (1763703600004, 'P1', 'EMP-0004', 'status_changed', 'order:1', 'packing -> packed: 1 package(s), DHL DHL Paket: T1'),
        (1763703600005, 'demo', 'system', 'status_changed', 'order:4', 'new -> packed'),
        (1763703600006, 'OFFICE', 'EMP-0001', 'status_changed', 'order:4', 'packed -> packing: reopened -> packed'),
        (1763707200000, 'OFFICE', 'EMP-0001', 'status_changed', 'order:1', 'packed -> shipped: manifest 1 (DHL)'),
        (1763720000000, 'carrier', 'system', 'status_changed', 'order:1', 'shipped -> in_transit: carrier tracking T1'),
        (1763790000000, 'demo', 'system', 'status_changed', 'order:2', 'new -> shipped'),
        (1763800000000, 'OFFICE', 'EMP-0001', 'status_changed', 'order:2', 'shipped -> delivered: was -> shipped: ok');";
    // Returns: two MUGs of order 1 on 2025-11-25 (day 20,417), and the
    // unknown OLD-1 once (no SKU to count).
    let returns = "INSERT INTO rmas (id, order_id, status, announced, created_at, created_by) VALUES (1, 1, 'inspected', 0, 0, 'x');
        INSERT INTO rma_units (rma_id, order_id, line_no, reason, grade, disposition, refund_minor, at_ms, station, operator)
        VALUES (1, 1, 1, 'r', 'sealed', 'restock', 0, 1764040000000, 'R', 'EMP-0001'),
               (1, 1, 1, 'r', 'sealed', 'restock', 0, 1764040000001, 'R', 'EMP-0001'),
               (1, 1, 4, 'r', 'sealed', 'restock', 0, 1764040000002, 'R', 'EMP-0001');";
    version_7(&path, &format!("{orders}{events}{returns}"));
    let store = Store::open(&path).unwrap();
    let conn = Raw::open(&store);

    // Ship times (-1: none).
    assert_eq!(
        rows(&conn, "SELECT id, ifnull(shipped_at, -1) FROM orders ORDER BY id"),
        [vec![1, 1_763_707_200], vec![2, 1_763_790_000], vec![3, 1_763_786_400], vec![4, -1], vec![5, -1]]
    );
    assert_eq!(
        rows(&conn, "SELECT hour, orders, units, on_time_orders FROM shipped_hourly ORDER BY hour"),
        [vec![489_918, 1, 3, 1], vec![489_940, 1, 2, 1], vec![489_941, 1, 3, 0]]
    );
    assert_eq!(
        rows(&conn, "SELECT day, minutes, orders FROM cycle_daily ORDER BY day, minutes"),
        [vec![20_413, 120, 1], vec![20_414, 1_440, 1], vec![20_414, 1_500, 1]]
    );
    // Shipped: day 20,413 MUG 2 + TEE 1 (order 1); day 20,414 MUG 3 (order
    // 2), CAP 2 (order 3). Returned: MUG 2 on day 20,417.
    assert_eq!(
        rows(&conn, "SELECT day, sku_id, shipped_units, returned_units FROM sku_daily ORDER BY day, sku_id"),
        [
            vec![20_413, 1, 2, 0],
            vec![20_413, 2, 1, 0],
            vec![20_414, 1, 3, 0],
            vec![20_414, 3, 2, 0],
            vec![20_417, 1, 0, 2]
        ]
    );
    assert_eq!(
        rows(&conn, "SELECT sku_id, day FROM sku_last_shipped ORDER BY sku_id"),
        [vec![1, 20_414], vec![2, 20_413], vec![3, 20_414]]
    );
    // hour, badge, pick lines, picked units, short lines, pick refusals,
    // packed units, packed orders, pack refusals.
    assert_eq!(
        rows(
            &conn,
            "SELECT hour, CAST(substr(operator, 5) AS INTEGER), pick_lines, picked_units, short_lines, pick_refusals, packed_units,
                    packed_orders, pack_refusals FROM operator_hourly ORDER BY hour, operator"
        ),
        [
            vec![489_916, 2, 2, 3, 2, 1, 0, 0, 0],
            vec![489_916, 3, 0, 0, 0, 0, 0, 0, 1],
            vec![489_917, 2, 1, 3, 0, 0, 0, 0, 0],
            vec![489_917, 4, 0, 0, 0, 0, 3, 1, 1]
        ]
    );
}

fn seeded_shipped_orders_are_counted_per_batch(backend: &pg::Backend) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "seed.db")).unwrap();
    let boss = supervisor();
    store.add_channel(&boss, "shop", "Web shop", "rest").unwrap();
    store.add_skus(&boss, &[sku("MUG"), sku("TEE"), sku("CAP"), sku("WRAP")]).unwrap();
    // S = 2025-11-21 12:00 UTC: hour 489,924, day 20,413 (S + 2 days: day 20,415).
    // Each `seeded` order is created a day before its ship-by.
    let at = |secs: i64| Some(DateTime::<Utc>::from_timestamp(secs, 0).unwrap());
    let shipped = |id: &str, status, ship_by, shipped_at, lines: Vec<NewOrderLine>| {
        let mut seed = seeded(id, status, ship_by, lines);
        seed.shipped_at = at(shipped_at);
        seed
    };
    let mut wrap = line("WRAP", 1);
    wrap.requires_shipping = false;
    // A: 11:30, on time, 1,410 minutes, MUG 2 + TEE 1. B: 12:10, late, 1,450
    // minutes, MUG 1. C: 11:43:20, on time, 1,423 minutes, CAP 3 (WRAP does
    // not ship, GONE is no catalogue SKU). D cancelled, E packed: not shipped.
    let first = [
        shipped("A", OrderStatus::Delivered, S, S - 1_800, vec![line("MUG", 2), line("TEE", 1)]),
        shipped("B", OrderStatus::Shipped, S, S + 600, vec![line("MUG", 1)]),
        shipped("C", OrderStatus::InTransit, S, S - 1_000, vec![line("CAP", 3), wrap, line("GONE", 5)]),
        seeded("D", OrderStatus::Cancelled, S, vec![line("MUG", 9)]),
        seeded("E", OrderStatus::Packed, S, vec![line("MUG", 9)]),
    ];
    store.seed_orders(&boss, &first).unwrap();
    // Another batch: G again at 11:30 (1,410 minutes) with MUG 1, and F two
    // days later at 11:00, an hour before its ship-by (1,380 minutes), TEE 4.
    let second = [
        shipped("G", OrderStatus::DeliveryException, S, S - 1_800, vec![line("MUG", 1)]),
        shipped("F", OrderStatus::Shipped, S + 172_800, S + 169_200, vec![line("TEE", 4)]),
    ];
    store.seed_orders(&boss, &second).unwrap();
    // An open order has no ship time.
    let open = shipped("H", OrderStatus::Packed, S, S, vec![line("MUG", 1)]);
    assert!(store.seed_orders(&boss, &[open]).is_err());

    let conn = Raw::open(&store);
    assert_eq!(one(&conn, "SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL"), 5);
    // 11:00 (489,923): A, C, G: 3 + 3 + 1 units, all on time; 12:00: B, late;
    // 2025-11-23 11:00 (489,971): F.
    assert_eq!(
        rows(&conn, "SELECT hour, orders, units, on_time_orders FROM shipped_hourly ORDER BY hour"),
        [vec![489_923, 3, 7, 3], vec![489_924, 1, 1, 0], vec![489_971, 1, 4, 1]]
    );
    assert_eq!(
        rows(&conn, "SELECT day, minutes, orders FROM cycle_daily ORDER BY day, minutes"),
        [vec![20_413, 1_410, 2], vec![20_413, 1_423, 1], vec![20_413, 1_450, 1], vec![20_415, 1_380, 1]]
    );
    // SKU ids: MUG 1, TEE 2, CAP 3. Day 20,413: MUG 2 + 1 + 1, TEE 1, CAP 3; day 20,415: TEE 4.
    assert_eq!(
        rows(&conn, "SELECT day, sku_id, shipped_units, returned_units FROM sku_daily ORDER BY day, sku_id"),
        [vec![20_413, 1, 4, 0], vec![20_413, 2, 1, 0], vec![20_413, 3, 3, 0], vec![20_415, 2, 4, 0]]
    );
    assert_eq!(
        rows(&conn, "SELECT sku_id, day FROM sku_last_shipped ORDER BY sku_id"),
        [vec![1, 20_413], vec![2, 20_415], vec![3, 20_413]]
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM operator_hourly"), 0, "a seed is nobody's work");
}

fn the_demos_counters_agree_with_its_orders(backend: &pg::Backend) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "demo.db")).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 2, 10, 0, 0).unwrap();
    let opts = packline::demo::DemoOptions { orders: 3_000, seed: 42, now };
    packline::demo::seed(&mut store, &opts, &mut |_, _| {}).unwrap();
    let conn = Raw::open(&store);
    let shipped_statuses = "('shipped', 'in_transit', 'delivered', 'delivery_exception')";

    // Every history order that was not cancelled shipped, and nothing else did.
    let with_time = one(&conn, "SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL");
    let gone = one(&conn, &format!("SELECT count(*) FROM orders WHERE status IN {shipped_statuses}"));
    assert!(with_time > 2_500, "{with_time}");
    assert_eq!(with_time, gone);
    assert_eq!(
        one(
            &conn,
            &format!("SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL AND status NOT IN {shipped_statuses}")
        ),
        0
    );
    let late_ship =
        format!("SELECT count(*) FROM orders WHERE shipped_at < created_at OR shipped_at >= {}", now.timestamp());
    assert_eq!(one(&conn, &late_ship), 0, "history ships after it was created and before now");
    assert_eq!(one(&conn, "SELECT sum(orders) FROM shipped_hourly"), with_time);
    assert_eq!(one(&conn, "SELECT sum(orders) FROM cycle_daily"), with_time);
    let on_time = one(&conn, "SELECT count(*) FROM orders WHERE shipped_at <= ship_by");
    assert_eq!(one(&conn, "SELECT sum(on_time_orders) FROM shipped_hourly"), on_time);
    assert!(on_time < with_time, "a few history orders ship late");
    let units = one(
        &conn,
        "SELECT sum(l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.shipped_at IS NOT NULL AND l.sku_id IS NOT NULL AND l.requires_shipping = 1",
    );
    assert_eq!(one(&conn, "SELECT sum(units) FROM shipped_hourly"), units);
    assert_eq!(one(&conn, "SELECT sum(shipped_units) FROM sku_daily"), units);
    assert_eq!(one(&conn, "SELECT sum(returned_units) FROM sku_daily"), 0);
    let skus = one(
        &conn,
        "SELECT count(DISTINCT l.sku_id) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.shipped_at IS NOT NULL",
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM sku_last_shipped"), skus);

    // The shift: orders shipped in the 12 hours before now were picked (one
    // line per order line) and packed (one order, all its units) by the
    // demo's pickers and packers, between 14 and 1 hours before now.
    let (from, to) = (now.timestamp() - 12 * 3_600, now.timestamp());
    let recent = format!(
        "FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.shipped_at >= {from} AND o.shipped_at < {to}"
    );
    let orders = one(&conn, &format!("SELECT count(DISTINCT o.id) {recent}"));
    let lines = one(&conn, &format!("SELECT count(*) {recent}"));
    let recent_units = one(&conn, &format!("SELECT sum(l.qty) {recent}"));
    assert!(orders >= 10, "the demo's last hours shipped {orders} orders");
    let work = rows(
        &conn,
        "SELECT sum(pick_lines), sum(picked_units), sum(packed_units), sum(packed_orders), min(hour), max(hour)
         FROM operator_hourly",
    );
    assert_eq!(work[0][..4], [lines, recent_units, recent_units, orders]);
    assert!(work[0][4] >= to / 3_600 - 14 && work[0][5] < to / 3_600, "{work:?}");
    let by_role = rows(
        &conn,
        "SELECT sum(CASE WHEN p.role = 'picker' AND (h.pick_lines > 0 OR h.short_lines > 0 OR h.pick_refusals > 0)
                    THEN 1 ELSE 0 END),
                sum(CASE WHEN p.role = 'packer' AND (h.packed_orders > 0 OR h.pack_refusals > 0) THEN 1 ELSE 0 END),
                sum(CASE WHEN p.role = 'picker' AND h.packed_orders + h.packed_units + h.pack_refusals > 0
                    THEN 1 ELSE 0 END),
                sum(CASE WHEN p.role = 'packer' AND h.pick_lines + h.short_lines + h.pick_refusals > 0
                    THEN 1 ELSE 0 END),
                sum(CASE WHEN p.badge IS NULL THEN 1 ELSE 0 END), count(DISTINCT h.operator)
         FROM operator_hourly h LEFT JOIN operators p ON p.badge = h.operator",
    );
    let [at_shelves, at_benches, pickers_packing, packers_picking, strangers, badges] = by_role[0][..] else {
        panic!()
    };
    assert!(at_shelves > 0 && at_benches > 0, "{by_role:?}");
    assert_eq!((pickers_packing, packers_picking, strangers), (0, 0, 0));
    assert_eq!(badges, 5, "three pickers and two packers worked");
    // The shift's refusals and short lines follow its rule (see `demo/shift.rs`).
    let rule = |sql: &str| one(&conn, &format!("SELECT count(*) {recent} AND {sql}"));
    assert_eq!(
        one(&conn, "SELECT sum(pick_refusals) FROM operator_hourly"),
        rule("(7 * o.id + 13 * l.line_no) % 80 = 0")
    );
    assert_eq!(one(&conn, "SELECT sum(short_lines) FROM operator_hourly"), rule("(31 * o.id + l.line_no) % 300 = 0"));
    assert_eq!(
        one(&conn, "SELECT sum(pack_refusals) FROM operator_hourly"),
        one(
            &conn,
            &format!("SELECT count(*) FROM orders WHERE shipped_at >= {from} AND shipped_at < {to} AND id % 150 = 77")
        )
    );
}

on_both_backends!(
    every_counted_operation_adds_to_its_counters_in_its_own_transaction,
    seeded_shipped_orders_are_counted_per_batch,
    the_demos_counters_agree_with_its_orders,
);
