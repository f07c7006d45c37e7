//! Tests of the demo warehouse: determinism, the catalogue, zoning, stock,
//! holds that match their causes, and top-ups. Sizes stay small so they run
//! quickly in debug builds.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

use super::catalog::{Catalog, SKU_COUNT};
use super::{DEMO_PIN, DemoOptions, DemoSummary, open_count, seed};
use crate::domain::{Gtin, Zone};
use crate::store::{Store, StoreError};

const ORDERS: u64 = 2_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 10, 0, 0).unwrap()
}

fn seeded(dir: &Path, name: &str, orders: u64, seed_value: u64) -> (Store, DemoSummary) {
    let mut store = Store::open(&dir.join(name)).unwrap();
    let opts = DemoOptions { orders, seed: seed_value, now: now() };
    let summary = seed(&mut store, &opts, &mut |_, _| {}).unwrap();
    (store, summary)
}

/// Tables whose contents the demo decides (events and movements carry clock times).
const CONTENT_TABLES: &str = "channels operators bins skus gtins lots stock orders order_lines order_holds order_search \
     order_counts operator_hourly shipped_hourly cycle_daily sku_daily sku_last_shipped";

/// Every row of the content tables and the demo's meta keys, as sorted text, table by table.
fn contents(path: &Path) -> Vec<(String, Vec<String>)> {
    let conn = Connection::open(path).unwrap();
    let rows = |sql: &str| {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt
            .query_map([], |r| {
                Ok((0..columns).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.sort_unstable();
        rows
    };
    // PIN hashes carry a fresh random salt each time, as they must.
    let select = |table: &str| match table {
        "operators" => "SELECT id, badge, name, role, active FROM operators".to_owned(),
        _ => format!("SELECT * FROM {table}"),
    };
    let mut all: Vec<(String, Vec<String>)> =
        CONTENT_TABLES.split(' ').map(|table| (table.to_owned(), rows(&select(table)))).collect();
    // Only the demo's own keys: the store may keep others of its own.
    all.push(("meta".to_owned(), rows("SELECT * FROM meta WHERE key LIKE 'demo.%'")));
    all
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_same_seed_builds_the_same_store_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path(), "a.db", ORDERS, 42);
    seeded(dir.path(), "b.db", ORDERS, 42);
    seeded(dir.path(), "c.db", ORDERS, 43);
    let (a, b, c) =
        (contents(&dir.path().join("a.db")), contents(&dir.path().join("b.db")), contents(&dir.path().join("c.db")));
    for ((table, rows_a), (_, rows_b)) in a.iter().zip(&b) {
        assert!(!rows_a.is_empty(), "{table} is empty");
        assert!(rows_a == rows_b, "{table} differs between two runs with the same seed");
    }
    for table in ["skus", "stock", "orders", "order_lines"] {
        let pick = |all: &[(String, Vec<String>)]| all.iter().find(|(t, _)| t == table).unwrap().1.clone();
        assert_ne!(pick(&a), pick(&c), "{table} is the same for seeds 42 and 43");
    }
}

#[test]
fn the_catalogue_is_believable() {
    let catalog = Catalog::build(&mut ChaCha8Rng::seed_from_u64(42));
    assert_eq!(catalog.skus.len(), SKU_COUNT);
    let mut codes: Vec<&str> = catalog.skus.iter().map(|s| s.code.as_str()).collect();
    let mut titles: Vec<&str> = catalog.skus.iter().map(|s| s.title.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!((codes.len(), titles.len()), (SKU_COUNT, SKU_COUNT), "codes and titles are unique");
    assert!(catalog.skus.iter().any(|s| s.title == "Ceramic Mug 350 ml, Red" || s.title.starts_with("Ceramic Mug")));

    let mut gtins: Vec<&str> = catalog.skus.iter().flat_map(|s| s.gtins.iter().map(Gtin::as_str)).collect();
    for gtin in &gtins {
        assert_eq!(gtin[1..].parse::<Gtin>().unwrap().as_str(), *gtin, "GTIN-13 {gtin} has a valid check digit");
    }
    gtins.sort_unstable();
    gtins.dedup();
    assert_eq!(gtins.len(), SKU_COUNT, "GTINs are unique");

    let lots = catalog.skus.iter().filter(|s| s.lot_tracked && s.expiry_tracked).count();
    assert!((SKU_COUNT * 6 / 100..=SKU_COUNT * 10 / 100).contains(&lots), "{lots} lot-tracked SKUs, want about 8%");
    let customs = (0..SKU_COUNT).filter(|&i| catalog.has_customs(i)).count();
    assert!(customs > SKU_COUNT * 8 / 10 && customs < SKU_COUNT, "{customs} SKUs with customs data");
    for (sku, price) in catalog.skus.iter().zip(&catalog.prices) {
        assert!(sku.length_mm > 0 && sku.width_mm > 0 && sku.height_mm > 0 && sku.weight_g > 0, "{}", sku.code);
        assert!(*price > 0, "{}", sku.code);
    }
}

#[test]
fn demand_is_skewed_so_abc_classes_mean_something() {
    let catalog = Catalog::build(&mut ChaCha8Rng::seed_from_u64(7));
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let draws = 100_000;
    let class_a = (0..draws).filter(|_| catalog.class(catalog.draw(&mut rng)) == Zone::A).count();
    assert!(class_a * 100 / draws >= 60, "top 20% of SKUs drew {class_a} of {draws}");
}

#[test]
fn the_seeded_store_holds_the_whole_warehouse() {
    let dir = tempfile::tempdir().unwrap();
    let (store, summary) = seeded(dir.path(), "demo.db", ORDERS, 42);
    assert_eq!((summary.skus, summary.bins, summary.channels, summary.operators), (2_000, 1_200, 3, 6));
    assert_eq!((summary.orders_added, summary.orders_total), (ORDERS, ORDERS));
    assert_eq!(summary.open_orders, open_count(ORDERS));
    assert!(summary.late_orders > 0 && summary.held_orders > 0);
    // The supervisor signs in with the documented PIN; nobody else has one.
    assert!(store.verify_pin("EMP-0001", DEMO_PIN).unwrap());
    assert!(!store.verify_pin("EMP-0001", "0000").unwrap());
    assert!(!store.verify_pin("EMP-0004", DEMO_PIN).unwrap());
    assert_eq!(store.ledger_mismatches().unwrap(), 0);
    assert_eq!(store.operator("EMP-0001").unwrap().unwrap().role, crate::domain::Role::Supervisor);
    let text = summary.to_string();
    assert!(text.contains("2,000 SKUs") && text.contains("1,200 bins") && text.contains("2,000 added"), "{text}");

    let conn = Connection::open(dir.path().join("demo.db")).unwrap();
    let stock_rows = count(&conn, "SELECT count(*) FROM stock");
    assert_eq!(stock_rows as u64, summary.stock_rows);
    assert_eq!(count(&conn, "SELECT count(*) FROM stock WHERE on_hand <= 0"), 0);
    // Open work was allocated as it was loaded: ready, waved and picking
    // orders hold their units, nothing is left waiting as `new`.
    assert!(store.audit_allocation().unwrap().is_clean(), "{:?}", store.audit_allocation().unwrap());
    assert!(count(&conn, "SELECT count(*) FROM stock WHERE reserved > 0") > 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders WHERE status = 'new'"), 0);
    // Orders on the floor are in released waves, the picking ones in waves a handheld took.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM orders o WHERE o.status IN ('waved', 'picking')
               AND NOT EXISTS (SELECT 1 FROM wave_orders w WHERE w.order_id = o.id)"
        ),
        0
    );
    assert!(count(&conn, "SELECT count(*) FROM waves WHERE status = 'released'") > 0);
    assert!(
        count(&conn, "SELECT count(*) FROM waves WHERE status = 'picking' AND lease_station LIKE 'HANDHELD-%'") > 0
    );
    // Carrier services as the default rules map them; the costliest orders need a signature.
    assert_eq!(count(&conn, "SELECT count(*) FROM orders WHERE carrier_service = ''"), 0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM orders WHERE service = 'express' AND carrier_service <> 'DHL Express'"),
        0
    );
    let signed = count(&conn, "SELECT count(*) FROM orders WHERE signature_required = 1");
    assert!(signed > 0 && signed < ORDERS as i64 / 10, "{signed} orders need a signature");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM orders o WHERE o.status IN ('ready', 'waved', 'picking')
               AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.order_id = o.id)"
        ),
        0
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM (SELECT sku_id FROM stock GROUP BY sku_id HAVING count(*) > 3)"), 0);
    assert_eq!(count(&conn, "SELECT count(DISTINCT sku_id) FROM stock"), 2_000, "every SKU is in stock");
    // Lots exactly for lot-tracked SKUs.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM stock s JOIN skus k ON k.id = s.sku_id WHERE (s.lot_id IS NULL) = (k.lot_tracked = 1)"
        ),
        0
    );
    // Most of zone A's stock rows belong to fast movers: check the best sellers' share of order lines.
    let top_lines = count(
        &conn,
        "SELECT count(*) FROM order_lines l WHERE l.sku_id IN (
             SELECT s.sku_id FROM stock s JOIN bins b ON b.id = s.bin_id WHERE b.zone = 'A')",
    );
    let lines = count(&conn, "SELECT count(*) FROM order_lines");
    assert!(top_lines * 100 / lines >= 60, "{top_lines} of {lines} lines are for SKUs stocked in zone A");
}

#[test]
fn orders_look_like_a_real_floor() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path(), "demo.db", ORDERS, 42);
    let conn = Connection::open(dir.path().join("demo.db")).unwrap();
    let now = now().timestamp();
    let open = "status NOT IN ('shipped', 'in_transit', 'delivered', 'delivery_exception', 'cancelled')";

    let lines = count(&conn, "SELECT count(*) FROM order_lines");
    let avg_x100 = lines * 100 / ORDERS as i64;
    assert!((200..=300).contains(&avg_x100), "{avg_x100} lines per 100 orders");
    assert!(count(&conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM order_lines GROUP BY order_id)") <= 14);
    let small = count(&conn, "SELECT count(*) FROM order_lines WHERE qty <= 2");
    assert!(small * 100 / lines >= 75, "{small} of {lines} lines have one or two units");

    let late = count(&conn, &format!("SELECT count(*) FROM orders WHERE {open} AND ship_by < {now}"));
    let soon =
        count(&conn, &format!("SELECT count(*) FROM orders WHERE {open} AND ship_by BETWEEN {now} AND {now} + 14400"));
    assert!(late > 0 && soon > 0, "{late} late and {soon} due within four hours");
    let open_statuses = count(&conn, &format!("SELECT count(DISTINCT status) FROM orders WHERE {open}"));
    // Every open status but `new`: arrivals are allocated at once.
    assert_eq!(open_statuses, 9, "every open status is on the floor");
    for status in ["delivered", "in_transit", "shipped", "cancelled"] {
        assert!(count(&conn, &format!("SELECT count(*) FROM orders WHERE status = '{status}'")) > 0, "no {status}");
    }
    let oldest = count(&conn, "SELECT min(created_at) FROM orders");
    assert!(oldest >= now - 90 * 86_400 && count(&conn, "SELECT max(created_at) FROM orders") <= now);
    assert!(count(&conn, "SELECT count(DISTINCT country) FROM orders") >= 10);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders WHERE country = 'GB' AND currency <> 'GBP'"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders WHERE priority NOT BETWEEN 1 AND 9"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders WHERE ship_by <= created_at"), 0);
}

#[test]
fn held_orders_carry_the_problem_they_are_held_for() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path(), "demo.db", ORDERS, 42);
    let conn = Connection::open(dir.path().join("demo.db")).unwrap();
    for reason in ["bad_address", "unpaid", "unknown_sku"] {
        assert!(count(&conn, &format!("SELECT count(*) FROM order_holds WHERE reason = '{reason}'")) > 0, "{reason}");
    }
    let held_for = |reason: &str| format!("id IN (SELECT order_id FROM order_holds WHERE reason = '{reason}')");
    let bad_address = "(postcode = '' OR city = '')";
    let unknown_sku = "id IN (SELECT order_id FROM order_lines WHERE sku_id IS NULL)";
    let no_customs = "country IN ('GB', 'US', 'CH') AND id IN (
        SELECT order_id FROM order_lines l JOIN skus k ON k.id = l.sku_id WHERE k.hs_code IS NULL)";
    for (reason, problem) in [
        ("bad_address", bad_address),
        ("unpaid", "financial_status = 'pending'"),
        ("unknown_sku", unknown_sku),
        ("missing_customs", no_customs),
    ] {
        let with = count(&conn, &format!("SELECT count(*) FROM orders WHERE {problem}"));
        let held = count(&conn, &format!("SELECT count(*) FROM orders WHERE {}", held_for(reason)));
        let both = count(
            &conn,
            &format!("SELECT count(*) FROM orders WHERE {problem} AND status = 'held' AND {}", held_for(reason)),
        );
        assert!(with > 0, "no order has the {reason} problem");
        assert_eq!((with, held), (both, both), "orders with the {reason} problem are exactly those held for it");
    }
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM orders WHERE (status = 'held') <> (id IN (SELECT order_id FROM order_holds))"
        ),
        0
    );
}

#[test]
fn a_second_run_tops_up_with_exactly_n_orders() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, first) = seeded(dir.path(), "demo.db", 1_000, 42);
    let opts = DemoOptions { orders: 300, seed: 9, now: now() };
    let second = seed(&mut store, &opts, &mut |_, _| {}).unwrap();
    assert!(second.topped_up && !first.topped_up);
    assert_eq!(second.orders_added, 300);
    assert_eq!(second.orders_total, 1_300);
    assert_eq!((second.skus, second.bins), (first.skus, first.bins));
    assert_eq!(store.totals().unwrap().orders, 1_300);
    assert_eq!(store.meta(super::META_ORDERS).unwrap().as_deref(), Some("1300"));
    assert_eq!(store.meta(super::META_SEED).unwrap().as_deref(), Some("42"));
    assert!(second.to_string().contains("Topped up"));
}

#[test]
fn progress_reaches_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db")).unwrap();
    let mut seen = Vec::new();
    seed(&mut store, &DemoOptions { orders: 600, seed: 1, now: now() }, &mut |done, total| seen.push((done, total)))
        .unwrap();
    assert_eq!(seen.first(), Some(&(0, 600)));
    assert_eq!(seen.last(), Some(&(600, 600)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[test]
fn a_catalogue_the_demo_did_not_make_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("own.db")).unwrap();
    let actor = crate::domain::Actor::new("test", "system");
    let bins = [crate::domain::Bin { code: "01-001-A".parse().unwrap(), zone: Zone::A }];
    store.add_bins(&actor, &bins).unwrap();
    let err = seed(&mut store, &DemoOptions { orders: 10, seed: 1, now: now() }, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.totals().unwrap().orders, 0);
}

#[test]
fn open_orders_follow_the_formula() {
    assert_eq!(open_count(10), 10);
    assert_eq!(open_count(5_000), 250);
    assert_eq!(open_count(15_000), 250);
    assert_eq!(open_count(1_000_000), 16_666);
}

#[test]
fn addresses_follow_each_countrys_format() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path(), "demo.db", ORDERS, 5);
    let conn = Connection::open(dir.path().join("demo.db")).unwrap();
    let mut stmt =
        conn.prepare("SELECT country, postcode, phone, email, currency FROM orders WHERE postcode <> ''").unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    // d is a digit, L a capital letter, anything else itself.
    let shape = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    'd'
                } else if c.is_ascii_uppercase() {
                    'L'
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    for (country, postcode, phone, email, currency) in &rows {
        let want = match country.as_str() {
            "DE" | "FR" | "IT" | "ES" | "US" => "ddddd",
            "AT" | "BE" | "DK" | "CH" => "dddd",
            "NL" => "dddd LL",
            "PL" => "dd-ddd",
            "SE" => "ddd dd",
            // Outward codes vary in length (SW1, LS12); the inward half does not.
            "GB" => &format!("{} dLL", shape(postcode.split(' ').next().unwrap())),
            other => panic!("unexpected country {other}"),
        };
        assert_eq!(shape(postcode), want, "{country} postcode {postcode}");
        assert!(phone.is_empty() || phone.starts_with('+'), "{phone}");
        assert!(email.contains('@') && email.is_ascii(), "{email}");
        assert_eq!(currency.len(), 3);
    }
}

#[test]
fn ship_by_follows_the_carrier_cutoff() {
    use super::commerce::{Service, ship_by};
    let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2025, 6, 2, h, m, 0).unwrap().timestamp();
    let day = 86_400;
    assert_eq!(ship_by(at(9, 0), Service::Express), at(14, 0), "express before the cutoff ships today");
    assert_eq!(ship_by(at(13, 30), Service::Express), at(14, 0) + day, "too close to the cutoff: tomorrow");
    assert_eq!(ship_by(at(9, 0), Service::Standard), at(14, 0) + day);
    assert_eq!(ship_by(at(15, 0), Service::Standard), at(14, 0) + 2 * day);
    assert_eq!(ship_by(at(9, 0), Service::Economy), at(14, 0) + 3 * day);
}
