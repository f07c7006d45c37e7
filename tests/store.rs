//! The store through its public facade, each test on a fresh store: a file
//! in a temporary directory (WAL needs a real file) or a new PostgreSQL
//! database. Migrations and file identity, stock invariants held by the
//! schema itself, order intake, status transitions, keyset paging of the
//! queue, and search. The tests of store operations run on both backends
//! (`on_both_backends!` at the end); those about the SQLite file itself stay
//! plain `#[test]`s.
//!
//! Raw `rusqlite` connections on the same file stand in for "someone editing
//! the file behind packline's back" (SQLite only). The tests on both
//! backends read what they check through the store, or, for what the store
//! does not show (the movement ledger, empty stock rows, a PIN's hash), by a
//! naive read-only query of their own (`raw`, either backend).

#![allow(clippy::unwrap_used)]

mod pg;
// The shared module's `Raw::open` is a two-arm match clippy would have as `if let`.
#[allow(clippy::single_match_else)]
mod raw;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use packline::domain::queue::{PageFrom, QueueFilter, QueueKey, QueueQuery, QueueRow, QueueSort, SearchQuery};
use packline::domain::{
    Actor, Address, Bin, BinCode, Gtin, HoldReason, NewOrder, NewOrderLine, NewSku, Operator, OrderNumber, OrderStatus,
    Role, TransitionError, Verdict, Zone,
};
use packline::store::{APPLICATION_ID, AuditQuery, ImportSummary, LATEST_VERSION, SeedOrder, Store, StoreError};
use rusqlite::Connection;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// 2025-06-15 15:06:40 UTC; every time in these tests is relative to it.
const T0: i64 = 1_750_000_000;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// The committed version-1 store (see `write_v1_fixture`).
const V1_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db");

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

/// A new, migrated store with the `shop` channel, in its own directory (or
/// its own PostgreSQL database).
struct Env {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
}

impl Env {
    fn new(backend: &pg::Backend) -> Self {
        let dir = TempDir::new().unwrap();
        let path = backend.location(dir.path(), "packline.db");
        let mut store = Store::open(&path).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        Self { _dir: dir, path, store }
    }

    /// A second, plain connection on the same file (SQLite only).
    fn raw(&self) -> Connection {
        raw(&self.path)
    }

    /// A naive count by SQL, read-only, on a connection of its own (either backend).
    fn count(&self, sql: &str) -> i64 {
        raw::Raw::open(&self.path).int(sql)
    }

    /// Every order, read from the orders themselves (one whole queue page
    /// per status, not the trigger-kept counts), by status then ship-by.
    fn all_orders(&self) -> Vec<QueueRow> {
        let mut rows = Vec::new();
        for status in OrderStatus::ALL {
            let query = QueueQuery {
                filter: QueueFilter::Status(status),
                sort: QueueSort::ShipBy,
                from: PageFrom::Start,
                limit: 1_000_000,
            };
            rows.extend(self.store.queue_page(&query).unwrap());
        }
        rows
    }

    /// How many orders there are of each status (none listed for zero), by
    /// [`Env::all_orders`].
    fn full_status_counts(&self) -> BTreeMap<OrderStatus, u64> {
        let mut counts = BTreeMap::new();
        for row in self.all_orders() {
            *counts.entry(row.status).or_default() += 1;
        }
        counts
    }

    /// The external id an order was received with.
    fn external_id(&self, number: OrderNumber) -> String {
        self.store.order_as_received(number).unwrap().unwrap().external_id
    }

    /// The order number given to `external_id`.
    fn number(&self, external_id: &str) -> OrderNumber {
        let numbers: Vec<OrderNumber> = self
            .all_orders()
            .iter()
            .map(QueueRow::number)
            .filter(|&number| self.external_id(number) == external_id)
            .collect();
        assert_eq!(numbers.len(), 1, "orders with external id {external_id:?}: {numbers:?}");
        numbers[0]
    }

    /// Events in the audit trail (of one kind, or all).
    fn events(&self, kind: Option<&str>) -> usize {
        let query = AuditQuery { kind: kind.map(str::to_owned), ..AuditQuery::since(DateTime::UNIX_EPOCH, usize::MAX) };
        self.store.audit_events(&query).unwrap().len()
    }

    fn events_of(&self, number: OrderNumber) -> Vec<packline::domain::queue::EventRecord> {
        self.store.order_detail(number, 1_000).unwrap().unwrap().events
    }
}

fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    conn
}

fn pragma_i64(conn: &Connection, name: &str) -> i64 {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
}

fn line(sku: &str, title: &str, qty: u32) -> NewOrderLine {
    NewOrderLine { sku: sku.into(), title: title.into(), qty, unit_price_minor: 1_250, requires_shipping: true }
}

/// An order of the `shop` channel, referenced `#<external_id>`.
fn new_order(external_id: &str, customer: &str) -> NewOrder {
    NewOrder {
        channel: "shop".into(),
        external_id: external_id.into(),
        channel_ref: format!("#{external_id}"),
        created_at: at(T0),
        updated_at: at(T0),
        ship_by: at(T0 + DAY),
        address: Address {
            name: customer.into(),
            address1: "Rua Augusta 12".into(),
            address2: String::new(),
            city: "Lisboa".into(),
            region: String::new(),
            postcode: "1100-048".into(),
            country: "PT".into(),
            phone: "+351 210 000 000".into(),
            email: "customer@example.com".into(),
        },
        service: "standard".into(),
        financial_status: "paid".into(),
        total_minor: 2_500,
        currency: "EUR".into(),
        note: String::new(),
        priority: 5,
        lines: vec![line("MUG-RED", "Mug, red", 2)],
    }
}

fn seed(order: NewOrder, status: OrderStatus) -> SeedOrder {
    let holds = if status == OrderStatus::Held { vec![HoldReason::Manual] } else { Vec::new() };
    SeedOrder {
        order,
        status,
        holds,
        status_at: at(T0 + HOUR),
        carrier_service: String::new(),
        signature_required: false,
        shipped_at: None,
    }
}

fn sku(code: &str, title: &str, gtins: Vec<Gtin>) -> NewSku {
    NewSku {
        code: code.into(),
        title: title.into(),
        gtins,
        length_mm: 120,
        width_mm: 90,
        height_mm: 100,
        weight_g: 350,
        lot_tracked: false,
        expiry_tracked: false,
        serial_tracked: false,
        hs_code: None,
        origin_country: None,
        customs_value_minor: None,
    }
}

fn bin(code: &str) -> BinCode {
    code.parse().unwrap()
}

/// Bins 01-001-A and 01-002-A, SKUs MUG-RED and TEE-BLK-M.
fn stocked(backend: &pg::Backend) -> Env {
    let mut env = Env::new(backend);
    env.store
        .add_bins(
            &actor(),
            &[Bin { code: bin("01-001-A"), zone: Zone::A }, Bin { code: bin("01-002-A"), zone: Zone::A }],
        )
        .unwrap();
    let gtin = Gtin::from_body13("400638133393").unwrap();
    env.store
        .add_skus(&actor(), &[sku("MUG-RED", "Mug, red", vec![gtin]), sku("TEE-BLK-M", "T-shirt, black, M", vec![])])
        .unwrap();
    env
}

/// Every file in `dir`, by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The schema as SQLite stores it, for before/after comparisons.
fn schema_of(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = raw(path);
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn assert_clean(text: &str) {
    let bad = text.chars().find(|c| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert_eq!(bad, None, "{text:?} still holds a control or bidi character");
}

// ---------------------------------------------------------------------------
// 1. Migrations and file identity
// ---------------------------------------------------------------------------

#[test]
fn a_new_file_is_migrated_to_the_latest_version() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("packline.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.path(), path);

    let conn = raw(&path);
    assert_eq!(pragma_i64(&conn, "user_version"), LATEST_VERSION);
    assert_eq!(pragma_i64(&conn, "application_id"), i64::from(APPLICATION_ID));
    assert_eq!(APPLICATION_ID.to_be_bytes(), *b"PKLN");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in ["channels", "events", "movements", "order_counts", "order_lines", "order_search", "orders", "stock"] {
        assert!(tables.iter().any(|t| t == table), "table {table} missing from {tables:?}");
    }
    // A new store is empty.
    let totals = store.totals().unwrap();
    assert_eq!((totals.orders, totals.skus, totals.bins, totals.channels), (0, 0, 0, 0));
}

#[test]
fn opening_twice_is_idempotent() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("packline.db");
    {
        let mut store = Store::open(&path).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        store.set_meta("site", "Lisbon DC").unwrap();
    }
    let schema = schema_of(&path);
    let events = raw(&path).query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap();

    let first = Store::open(&path).unwrap();
    // A second terminal on the same file at the same time.
    let second = Store::open(&path).unwrap();
    assert_eq!(schema_of(&path), schema);
    let conn = raw(&path);
    assert_eq!(pragma_i64(&conn, "user_version"), LATEST_VERSION);
    assert_eq!(conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap(), events);
    assert_eq!(first.meta("site").unwrap().as_deref(), Some("Lisbon DC"));
    assert_eq!(second.totals().unwrap().channels, 1);
}

#[test]
fn a_store_from_a_newer_packline_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("packline.db");
    drop(Store::open(&path).unwrap());
    raw(&path).execute_batch(&format!("PRAGMA user_version = {}", LATEST_VERSION + 1)).unwrap();

    let err = Store::open(&path).unwrap_err();
    let message = err.to_string();
    match err {
        StoreError::TooNew { path: shown, found, known } => {
            assert_eq!(shown, path.display().to_string());
            assert_eq!((found, known), (LATEST_VERSION + 1, LATEST_VERSION));
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("upgrade packline"), "{message}");
    assert!(message.contains(&format!("schema version {}", LATEST_VERSION + 1)), "{message}");
    // Nothing was migrated down or rewritten.
    assert_eq!(pragma_i64(&raw(&path), "user_version"), LATEST_VERSION + 1);
}

#[test]
fn a_text_file_is_refused_and_left_as_it_was() {
    let dir = TempDir::new().unwrap();
    let long = "order_ref,channel,created_at\n".repeat(200);
    for (name, text) in [("short.csv", "hello\n"), ("orders.csv", long.as_str())] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let before = files_in(dir.path());

        let err = Store::open(&path).unwrap_err();
        let message = err.to_string();
        match err {
            StoreError::NotAStore { path: shown, reason } => {
                assert_eq!(shown, path.display().to_string());
                assert!(reason.contains("not an SQLite database"), "{reason}");
            }
            other => panic!("{name}: expected NotAStore, got {other:?}"),
        }
        assert!(message.contains(&path.display().to_string()) && message.contains("not a packline store"), "{message}");
        assert_eq!(std::fs::read(&path).unwrap(), text.as_bytes(), "{name} was changed");
        assert_eq!(files_in(dir.path()), before, "opening {name} left files behind");
    }
}

#[test]
fn another_programs_database_is_refused_and_left_as_it_was() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes.db");
    raw(&path)
        .execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');",
        )
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let err = Store::open(&path).unwrap_err();
    match err {
        StoreError::NotAStore { path: shown, reason } => {
            assert_eq!(shown, path.display().to_string());
            assert!(reason.contains("another program"), "{reason}");
        }
        other => panic!("expected NotAStore, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(files_in(dir.path()), vec!["notes.db".to_owned()], "no -wal or -shm may appear");
    let conn = raw(&path);
    assert_eq!(pragma_i64(&conn, "user_version"), 0);
    assert_eq!(pragma_i64(&conn, "application_id"), 0);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    let body: String = conn.query_row("SELECT body FROM notes", [], |r| r.get(0)).unwrap();
    assert_eq!(body, "keep me");
}

#[test]
fn a_missing_directory_is_named() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no-such-dir");
    let path = missing.join("packline.db");
    let err = Store::open(&path).unwrap_err();
    let message = err.to_string();
    match err {
        StoreError::Open { path: shown, reason } => {
            assert_eq!(shown, path.display().to_string());
            assert!(reason.contains(&missing.display().to_string()), "{reason}");
            assert!(reason.contains("does not exist"), "{reason}");
        }
        other => panic!("expected Open, got {other:?}"),
    }
    assert!(message.starts_with("cannot open store"), "{message}");
    assert!(!missing.exists(), "the directory must not be created behind the user's back");
}

#[test]
fn a_directory_is_not_a_store_file() {
    let dir = TempDir::new().unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    match err {
        StoreError::Open { reason, .. } => assert!(reason.contains("directory"), "{reason}"),
        other => panic!("expected Open, got {other:?}"),
    }
}

#[test]
fn the_connection_uses_wal_full_sync_and_foreign_keys() {
    let env = Env::new(&pg::Backend::Sqlite);
    let pragmas = env.store.pragmas().unwrap();
    assert_eq!(pragmas.journal_mode, "wal");
    assert!(pragmas.foreign_keys);
    assert_eq!(pragmas.synchronous, 2, "synchronous must be FULL (2)");
    assert!((4_000..=10_000).contains(&pragmas.busy_timeout_ms), "busy timeout {} ms", pragmas.busy_timeout_ms);
    // WAL is a property of the file: every other connection sees it too.
    let mode: String = env.raw().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_write_waits_for_another_terminals_transaction() {
    let mut env = Env::new(&pg::Backend::Sqlite);
    let path = env.path.clone();
    let (locked, wait) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        let conn = raw(&path);
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        conn.execute_batch("COMMIT").unwrap();
    });
    wait.recv().unwrap();
    let started = std::time::Instant::now();
    env.store.set_meta("site", "waited").unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(500), "the write must have waited for the lock");
    other.join().unwrap();
    assert_eq!(env.store.meta("site").unwrap().as_deref(), Some("waited"));
}

#[test]
fn foreign_keys_are_enforced_by_the_schema() {
    let env = stocked(&pg::Backend::Sqlite);
    // A connection that turns foreign keys on, as the store's own does.
    let conn = env.raw();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let err = conn.execute("INSERT INTO stock (bin_id, sku_id) VALUES (999, 999)", []).unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY constraint failed"), "{err}");
}

/// Fills a store with the rows the v1 fixture holds.
fn fill_v1(store: &mut Store) {
    let a = actor();
    store.add_channel(&a, "shop", "Web shop", "rest").unwrap();
    store.add_channel(&a, "files", "File drop", "file").unwrap();
    let gtin = Gtin::from_body13("400638133393").unwrap();
    store
        .add_skus(&a, &[sku("MUG-RED", "Mug, red", vec![gtin]), sku("TEE-BLK-M", "T-shirt, black, M", vec![])])
        .unwrap();
    store
        .add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }, Bin { code: bin("03-017-B"), zone: Zone::B }])
        .unwrap();
    store
        .add_operator(&a, &Operator { badge: "EMP-0001".into(), name: "Ana Lima".into(), role: Role::Packer })
        .unwrap();
    store.receive_stock(&a, bin("01-001-A"), "MUG-RED", None, 12, "PO-1").unwrap();
    store.reserve_stock(&a, bin("01-001-A"), "MUG-RED", None, 2, "ORD-000001").unwrap();
    store.receive_stock(&a, bin("03-017-B"), "TEE-BLK-M", Some("L24"), 5, "PO-2").unwrap();
    let mut third = new_order("1003", "Chloé Martin");
    third.lines.push(line("TEE-BLK-M", "T-shirt, black, M", 1));
    let summary =
        store.import_orders(&a, &[new_order("1001", "Ana Lima"), new_order("1002", "Bruno Costa"), third]).unwrap();
    assert_eq!(summary.inserted, 3);
    store.transition_order(&a, OrderNumber(1), OrderStatus::Ready, "").unwrap();
    let mut held = seed(new_order("1004", "Dora Held"), OrderStatus::Held);
    held.holds = vec![HoldReason::Unpaid];
    store.seed_orders(&a, &[held]).unwrap();
    store.set_meta("site", "fixture v1").unwrap();
}

/// Writes `tests/fixtures/v1.db`. Run once, by hand, with a version-1
/// packline: `cargo test --test store -- --ignored write_v1_fixture`.
/// Shipped fixtures are never regenerated; a new schema version gets its own.
#[test]
#[ignore = "writes the committed fixture; only for a version-1 packline"]
fn write_v1_fixture() {
    assert_eq!(LATEST_VERSION, 1, "v1.db must be written by a version-1 packline; it is never regenerated");
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v1.db");
    fill_v1(&mut Store::open(&path).unwrap());
    // Small pages keep the committed binary small; the schema is unchanged.
    raw(&path)
        .execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM; PRAGMA journal_mode = WAL;")
        .unwrap();
    std::fs::copy(&path, V1_FIXTURE).unwrap();
}

/// The upgrade path from every shipped schema version (today only v1).
#[test]
fn a_version_1_store_opens_with_its_data() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v1.db");
    std::fs::copy(V1_FIXTURE, &path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 100_000);
    {
        let conn = raw(&path);
        assert_eq!(pragma_i64(&conn, "user_version"), 1, "the fixture must stay a version-1 store");
        assert_eq!(pragma_i64(&conn, "application_id"), i64::from(APPLICATION_ID));
    }

    let mut store = Store::open(&path).unwrap();
    assert_eq!(pragma_i64(&raw(&path), "user_version"), LATEST_VERSION);
    let totals = store.totals().unwrap();
    assert_eq!((totals.channels, totals.skus, totals.bins, totals.operators, totals.orders), (2, 2, 2, 1, 4));
    assert_eq!(store.meta("site").unwrap().as_deref(), Some("fixture v1"));
    let counts = store.status_counts().unwrap();
    assert_eq!(counts.get(QueueFilter::Status(OrderStatus::New)), 2);
    assert_eq!(counts.get(QueueFilter::Status(OrderStatus::Ready)), 1);
    assert_eq!(counts.get(QueueFilter::Status(OrderStatus::Held)), 1);
    assert_eq!(counts.get(QueueFilter::Open), 4);

    let detail = store.order_detail(OrderNumber(1), 10).unwrap().unwrap();
    assert_eq!(detail.row.customer, "Ana Lima");
    assert_eq!(detail.row.status, OrderStatus::Ready);
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["status_changed", "order_imported"]);
    let held = store.order_detail(OrderNumber(4), 10).unwrap().unwrap();
    assert_eq!(held.row.holds, [HoldReason::Unpaid]);
    let third = store.order_detail(OrderNumber(3), 10).unwrap().unwrap();
    assert_eq!(third.lines.len(), 2);
    assert_eq!(third.row.customer, "Chloé Martin");

    let found = store.search_orders(&SearchQuery::Text("bruno".into()), 10).unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), [2]);
    let balance = store.stock_balance(bin("01-001-A"), "MUG-RED", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (12, 2));
    let lot = store.stock_balance(bin("03-017-B"), "TEE-BLK-M", Some("L24")).unwrap();
    assert_eq!((lot.on_hand, lot.reserved), (5, 0));
    assert_eq!(store.ledger_mismatches().unwrap(), 0);
    assert_eq!(store.operator("EMP-0001").unwrap().unwrap().role, Role::Packer);

    // And it takes new work.
    let summary = store.import_orders(&actor(), &[new_order("1005", "Eva Nova")]).unwrap();
    assert_eq!(summary.inserted, 1);
    assert_eq!(store.totals().unwrap().orders, 5);
    store.transition_order(&actor(), OrderNumber(2), OrderStatus::Ready, "").unwrap();
}

// ---------------------------------------------------------------------------
// 2. Stock invariants
// ---------------------------------------------------------------------------

#[test]
fn raw_sql_cannot_break_the_stock_checks() {
    let mut env = stocked(&pg::Backend::Sqlite);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 10, "PO-1").unwrap();
    env.store.reserve_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 3, "ORD-000001").unwrap();
    let conn = env.raw();
    for sql in [
        "UPDATE stock SET on_hand = -1",
        "UPDATE stock SET reserved = on_hand + 1",
        "UPDATE stock SET reserved = -1",
        "UPDATE stock SET on_hand = 2",
        "INSERT INTO stock (bin_id, sku_id, on_hand, reserved) VALUES (2, 2, 1, 2)",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation), "{sql}: {err}");
        assert!(err.to_string().contains("CHECK constraint failed"), "{sql}: {err}");
    }
    let balance = env.store.stock_balance(bin("01-001-A"), "MUG-RED", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved, balance.available()), (10, 3, 7));
    assert_eq!(env.count("SELECT count(*) FROM stock"), 1);
}

fn a_removal_or_reservation_beyond_stock_is_refused_and_changes_nothing(backend: &pg::Backend) {
    let mut env = stocked(backend);
    let a = actor();
    let mug_bin = bin("01-001-A");
    env.store.receive_stock(&a, mug_bin, "MUG-RED", None, 10, "PO-1").unwrap();
    env.store.reserve_stock(&a, mug_bin, "MUG-RED", None, 4, "ORD-000001").unwrap();
    let movements = env.count("SELECT count(*) FROM movements");
    let events = env.count("SELECT count(*) FROM events");
    assert_eq!(movements, 2);

    // Removing 7 would leave 3 on hand under 4 reserved.
    let err = env.store.adjust_stock(&a, mug_bin, "MUG-RED", None, -7, "count").unwrap_err();
    assert_eq!(err.to_string(), "not enough stock of MUG-RED in 01-001-A: 6 available, 7 wanted");
    assert!(
        matches!(&err, StoreError::InsufficientStock { sku, bin, available: 6, wanted: 7 } if sku == "MUG-RED" && bin == "01-001-A"),
        "{err:?}"
    );
    // Removing more than is on hand at all.
    let err = env.store.adjust_stock(&a, mug_bin, "MUG-RED", None, -11, "count").unwrap_err();
    assert!(matches!(err, StoreError::InsufficientStock { available: 6, wanted: 11, .. }), "{err:?}");
    // Reserving more than is available.
    let err = env.store.reserve_stock(&a, mug_bin, "MUG-RED", None, 7, "ORD-000002").unwrap_err();
    assert!(matches!(err, StoreError::InsufficientStock { available: 6, wanted: 7, .. }), "{err:?}");

    let balance = env.store.stock_balance(mug_bin, "MUG-RED", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (10, 4));
    assert_eq!(env.count("SELECT count(*) FROM movements"), movements);
    assert_eq!(env.count("SELECT count(*) FROM events"), events);

    // A removal from a place that never held the SKU leaves no empty row behind.
    let err = env.store.adjust_stock(&a, bin("01-002-A"), "TEE-BLK-M", None, -1, "count").unwrap_err();
    assert!(matches!(err, StoreError::InsufficientStock { available: 0, wanted: 1, .. }), "{err:?}");
    assert_eq!(env.count("SELECT count(*) FROM stock"), 1);
    assert_eq!(env.count("SELECT count(*) FROM movements"), movements);
    assert_eq!(env.store.ledger_mismatches().unwrap(), 0);
}

fn unknown_bins_and_skus_are_refused(backend: &pg::Backend) {
    let mut env = stocked(backend);
    let err = env.store.receive_stock(&actor(), bin("09-009-A"), "MUG-RED", None, 1, "PO").unwrap_err();
    assert!(err.to_string().contains("bin 09-009-A does not exist"), "{err}");
    let err = env.store.receive_stock(&actor(), bin("01-001-A"), "NOPE", None, 1, "PO").unwrap_err();
    assert!(err.to_string().contains("SKU NOPE does not exist"), "{err}");
    assert_eq!(env.count("SELECT count(*) FROM stock"), 0);
}

#[test]
fn the_ledger_sums_to_the_balances_after_a_sequence() {
    let mut env = stocked(&pg::Backend::Sqlite);
    let a = actor();
    let (one, two) = (bin("01-001-A"), bin("01-002-A"));
    let s = &mut env.store;
    s.receive_stock(&a, one, "MUG-RED", None, 10, "PO-1").unwrap();
    s.adjust_stock(&a, one, "MUG-RED", None, 3, "found in count").unwrap(); // 13 / 0
    s.reserve_stock(&a, one, "MUG-RED", None, 4, "ORD-000001").unwrap(); // 13 / 4
    s.adjust_stock(&a, one, "MUG-RED", None, -6, "damaged").unwrap(); // 7 / 4
    s.reserve_stock(&a, one, "MUG-RED", None, 3, "ORD-000002").unwrap(); // 7 / 7
    assert!(s.reserve_stock(&a, one, "MUG-RED", None, 1, "ORD-000003").is_err());
    assert!(s.adjust_stock(&a, one, "MUG-RED", None, -1, "count").is_err());
    s.receive_stock(&a, two, "TEE-BLK-M", Some("L1"), 5, "PO-2").unwrap();
    s.receive_stock(&a, two, "TEE-BLK-M", Some("L2"), 2, "PO-3").unwrap();
    s.reserve_stock(&a, two, "TEE-BLK-M", Some("L2"), 2, "ORD-000004").unwrap();
    s.adjust_stock(&a, two, "TEE-BLK-M", Some("L1"), -1, "count").unwrap();
    s.receive_stock(&a, two, "MUG-RED", None, 1, "PO-4").unwrap();

    let balance = |s: &Store, b, sku, lot| {
        let x = s.stock_balance(b, sku, lot).unwrap();
        (x.on_hand, x.reserved)
    };
    assert_eq!(balance(s, one, "MUG-RED", None), (7, 7));
    assert_eq!(balance(s, two, "TEE-BLK-M", Some("L1")), (4, 0));
    assert_eq!(balance(s, two, "TEE-BLK-M", Some("L2")), (2, 2));
    assert_eq!(balance(s, two, "TEE-BLK-M", None), (6, 2));
    assert_eq!(balance(s, two, "MUG-RED", None), (1, 0));
    assert_eq!(balance(s, one, "TEE-BLK-M", None), (0, 0));
    assert_eq!(s.stock_balance(one, "MUG-RED", None).unwrap().available(), 0);
    assert_eq!(s.ledger_mismatches().unwrap(), 0);
    // One movement per successful change, none for the two refusals.
    assert_eq!(env.count("SELECT count(*) FROM movements"), 10);
    assert_eq!(env.count("SELECT count(*) FROM stock"), 4);
    assert_eq!(env.count("SELECT sum(delta_on_hand) FROM movements"), 7 + 6 + 1);

    // The check can fail: a balance edited behind packline's back is found.
    env.raw().execute("UPDATE stock SET on_hand = on_hand + 1 WHERE lot_id IS NOT NULL AND reserved = 0", []).unwrap();
    assert_eq!(env.store.ledger_mismatches().unwrap(), 1);
}

#[test]
fn the_ledger_and_the_audit_trail_are_append_only() {
    let mut env = stocked(&pg::Backend::Sqlite);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 10, "PO-1").unwrap();
    let movements = env.count("SELECT count(*) FROM movements");
    let events = env.count("SELECT count(*) FROM events");
    assert!(movements == 1 && events >= 4, "{movements} movements, {events} events");
    let conn = env.raw();
    for sql in [
        "UPDATE movements SET delta_on_hand = 0",
        "DELETE FROM movements",
        "UPDATE events SET details = 'nothing happened'",
        "DELETE FROM events",
        "DELETE FROM events WHERE kind = 'stock_receive'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(env.count("SELECT count(*) FROM movements"), movements);
    assert_eq!(env.count("SELECT count(*) FROM events"), events);
    assert_eq!(env.count("SELECT sum(delta_on_hand) FROM movements"), 10);
}

// ---------------------------------------------------------------------------
// 3. Orders
// ---------------------------------------------------------------------------

fn import_inserts_new_orders_with_an_event_each(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let summary =
        env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima"), new_order("1002", "Bruno Costa")]).unwrap();
    assert_eq!(summary, ImportSummary { inserted: 2, held: 0, ready: 0, backordered: 0, updated: 0, unchanged: 0 });
    for (external, customer) in [("1001", "Ana Lima"), ("1002", "Bruno Costa")] {
        let number = env.number(external);
        assert_eq!(env.store.order_status(number).unwrap(), OrderStatus::New);
        let detail = env.store.order_detail(number, 10).unwrap().unwrap();
        assert_eq!(detail.row.customer, customer);
        assert_eq!(detail.row.channel, "shop");
        assert_eq!(detail.row.channel_ref, format!("#{external}"));
        assert_eq!((detail.row.lines, detail.row.units), (1, 2));
        assert_eq!(detail.row.ship_by, at(T0 + DAY));
        assert_eq!((detail.total_minor, detail.currency.as_str()), (2_500, "EUR"));
        assert_eq!(detail.events.len(), 1);
        let event = &detail.events[0];
        assert_eq!(event.kind, "order_imported");
        assert_eq!((event.station.as_str(), event.operator.as_str()), ("test-01", "EMP-0001"));
        assert!(event.details.contains(&format!("#{external}")) && event.details.contains("shop"), "{}", event.details);
    }
    assert_eq!(env.store.status_counts().unwrap().get(QueueFilter::Status(OrderStatus::New)), 2);
    assert_eq!(env.store.totals().unwrap().orders, 2);
}

fn a_second_import_of_the_same_orders_changes_nothing(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let batch = [new_order("1001", "Ana Lima"), new_order("1002", "Bruno Costa")];
    env.store.import_orders(&actor(), &batch).unwrap();
    let events = env.events(None);
    let summary = env.store.import_orders(&actor(), &batch).unwrap();
    assert_eq!(summary, ImportSummary { inserted: 0, held: 0, ready: 0, backordered: 0, updated: 0, unchanged: 2 });
    assert_eq!(env.store.totals().unwrap().orders, 2);
    assert_eq!(env.events(None), events);
    // The same external id on another channel is another order.
    env.store.add_channel(&actor(), "market", "Marketplace", "rest").unwrap();
    let mut elsewhere = new_order("1001", "Ana Lima");
    elsewhere.channel = "market".into();
    let summary = env.store.import_orders(&actor(), &[elsewhere]).unwrap();
    assert_eq!(summary.inserted, 1);
}

fn ids_that_need_sanitising_still_import_idempotently(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let order = new_order("A-1\u{1b}[0m ", "Ana Lima");
    assert_eq!(env.store.import_orders(&actor(), std::slice::from_ref(&order)).unwrap().inserted, 1);
    let again = env.store.import_orders(&actor(), std::slice::from_ref(&order)).unwrap();
    assert_eq!(again, ImportSummary { inserted: 0, held: 0, ready: 0, backordered: 0, updated: 0, unchanged: 1 });
    let mut newer = order.clone();
    newer.updated_at = at(T0 + 60);
    newer.address.name = "Ana Lima Souza".into();
    assert_eq!(env.store.import_orders(&actor(), &[newer]).unwrap().updated, 1);
    assert_eq!(env.store.totals().unwrap().orders, 1);
}

fn a_newer_copy_updates_the_header_and_an_older_one_does_not(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima"), new_order("1002", "Ana Souza")]).unwrap();
    let number = env.number("1001");

    let mut newer = new_order("1001", "Beatriz Nunes");
    newer.updated_at = at(T0 + 60);
    newer.ship_by = at(T0 + 2 * DAY);
    newer.address.address1 = "Avenida da Liberdade 1".into();
    newer.note = "call first".into();
    let summary = env.store.import_orders(&actor(), &[newer]).unwrap();
    assert_eq!(summary, ImportSummary { inserted: 0, held: 0, ready: 0, backordered: 0, updated: 1, unchanged: 0 });
    let detail = env.store.order_detail(number, 10).unwrap().unwrap();
    assert_eq!(detail.row.customer, "Beatriz Nunes");
    assert_eq!(detail.row.ship_by, at(T0 + 2 * DAY));
    assert_eq!(detail.address_lines[0], "Avenida da Liberdade 1");
    assert_eq!(detail.note, "call first");
    assert_eq!(detail.events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["order_updated", "order_imported"]);

    let ids = |store: &Store, text: &str| -> Vec<i64> {
        store.search_orders(&SearchQuery::Text(text.into()), 50).unwrap().iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(&env.store, "beatriz"), [number.0]);
    assert_eq!(ids(&env.store, "nunes"), [number.0]);
    assert_eq!(ids(&env.store, "lima"), Vec::<i64>::new(), "the old name must no longer find it");
    assert_eq!(ids(&env.store, "ana"), [env.number("1002").0]);
    assert_eq!(ids(&env.store, "1001"), [number.0], "the channel reference still finds it");

    // Older than the stored copy, and as old as it: both ignored.
    for updated_at in [T0 + 30, T0 + 60] {
        let mut stale = new_order("1001", "Carla Stale");
        stale.updated_at = at(updated_at);
        let summary = env.store.import_orders(&actor(), &[stale]).unwrap();
        assert_eq!(summary, ImportSummary { inserted: 0, held: 0, ready: 0, backordered: 0, updated: 0, unchanged: 1 });
    }
    let detail = env.store.order_detail(number, 10).unwrap().unwrap();
    assert_eq!(detail.row.customer, "Beatriz Nunes");
    assert_eq!(detail.row.ship_by, at(T0 + 2 * DAY));
    assert_eq!(detail.events.len(), 2);
    assert_eq!(ids(&env.store, "carla"), Vec::<i64>::new());
}

fn an_unknown_channel_fails_the_whole_batch(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("1000", "Old Order")]).unwrap();
    let events = env.events(None);
    let mut stray = new_order("1002", "Bruno Costa");
    stray.channel = "nope".into();
    let err = env
        .store
        .import_orders(&actor(), &[new_order("1001", "Ana Lima"), stray, new_order("1003", "Chloé Martin")])
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("unknown channel") && message.contains("\"nope\""), "{message}");
    assert_eq!(env.store.totals().unwrap().orders, 1);
    assert_eq!(env.store.status_counts().unwrap().get(QueueFilter::Open), 1);
    // Read from the orders themselves; each queue row counts its order's lines.
    let orders = env.all_orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders.iter().map(|o| o.lines).sum::<u32>(), 1, "order lines");
    assert_eq!(env.events(None), events);
    assert!(env.store.search_orders(&SearchQuery::Text("ana".into()), 10).unwrap().is_empty());
}

fn an_order_without_lines_fails_the_whole_batch(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let mut empty = new_order("1002", "Bruno Costa");
    empty.lines.clear();
    let err = env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima"), empty]).unwrap_err();
    assert!(err.to_string().contains("has no lines"), "{err}");
    assert!(env.all_orders().is_empty());
}

fn untrusted_text_is_stored_sanitised(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let mut order = new_order("1001", "Ana \u{1b}[31mLima\u{1b}[0m\u{202e}");
    order.address.address1 = "Rua\tAugusta\u{7} 12\r\n".into();
    order.address.address2 = "\u{1b}]0;pwned title\u{7}".into();
    order.address.city = "Lisboa\u{200f}".into();
    order.address.phone = "+351\u{0} 210 000 000".into();
    order.note = "\u{1b}]8;;http://evil\u{1b}\\Leave at door\u{1b}]8;;\u{1b}\\\u{2066}".into();
    order.lines = vec![line("MUG-RED", "Mug \u{9b}2J red\u{0}", 1), line("TEE-BLK-M", "\u{202e}M ,kcalb ,trihs-T", 1)];
    env.store.import_orders(&actor(), &[order]).unwrap();

    let detail = env.store.order_detail(env.number("1001"), 10).unwrap().unwrap();
    assert_eq!(detail.row.customer, "Ana Lima");
    assert_eq!(
        detail.address_lines,
        ["Rua Augusta 12", "1100-048 Lisboa PT", "+351 210 000 000", "customer@example.com"]
    );
    assert_eq!(detail.note, "Leave at door");
    let titles: Vec<&str> = detail.lines.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Mug red", "M ,kcalb ,trihs-T"]);
    for text in detail.address_lines.iter().chain([&detail.note, &detail.row.customer]) {
        assert_clean(text);
    }
    for event in &detail.events {
        assert_clean(&event.details);
    }

    let page = env
        .store
        .queue_page(&QueueQuery {
            filter: QueueFilter::Open,
            sort: QueueSort::ShipBy,
            from: PageFrom::Start,
            limit: 10,
        })
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].customer, "Ana Lima");
    // The sanitised name is what search finds.
    let found = env.store.search_orders(&SearchQuery::Text("lima".into()), 10).unwrap();
    assert_eq!(found.len(), 1);
}

// ---------------------------------------------------------------------------
// 4. Status transitions
// ---------------------------------------------------------------------------

fn a_legal_transition_is_applied_and_recorded(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima")]).unwrap();
    let number = env.number("1001");
    let picker = Actor::new("pack-03", "EMP-0042");

    env.store.transition_order(&picker, number, OrderStatus::Ready, "").unwrap();
    assert_eq!(env.store.order_status(number).unwrap(), OrderStatus::Ready);
    env.store.transition_order(&picker, number, OrderStatus::Waved, "wave \u{1b}[2J7").unwrap();
    assert_eq!(env.store.order_status(number).unwrap(), OrderStatus::Waved);

    let events = env.events_of(number);
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].kind, "status_changed");
    assert_eq!(events[0].details, "ready -> waved: wave 7");
    assert_eq!(events[1].kind, "status_changed");
    assert_eq!(events[1].details, "new -> ready");
    assert_eq!((events[1].station.as_str(), events[1].operator.as_str()), ("pack-03", "EMP-0042"));
    assert!(events[0].at >= events[1].at);
    let detail = env.store.order_detail(number, 1).unwrap().unwrap();
    assert_eq!(detail.events.len(), 1, "the event limit is honoured");
    assert_eq!(detail.row.status, OrderStatus::Waved);
}

fn an_illegal_transition_is_an_error_and_changes_nothing(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima")]).unwrap();
    let number = env.number("1001");
    let counts = env.store.status_counts().unwrap();
    for to in [OrderStatus::Shipped, OrderStatus::New, OrderStatus::Picking, OrderStatus::Delivered] {
        let err = env.store.transition_order(&actor(), number, to, "").unwrap_err();
        let message = err.to_string();
        match err {
            StoreError::Transition { number: n, source } => {
                assert_eq!(n, number);
                assert_eq!(source, TransitionError { from: OrderStatus::New, to });
            }
            other => panic!("expected Transition, got {other:?}"),
        }
        assert_eq!(message, format!("order {number}: an order that is new cannot become {to}"));
    }
    assert_eq!(env.store.order_status(number).unwrap(), OrderStatus::New);
    assert_eq!(env.events_of(number).len(), 1);
    assert_eq!(env.store.status_counts().unwrap(), counts);

    // Cancelled is final.
    env.store.transition_order(&actor(), number, OrderStatus::Cancelled, "customer asked").unwrap();
    let err = env.store.transition_order(&actor(), number, OrderStatus::Ready, "").unwrap_err();
    assert!(matches!(err, StoreError::Transition { .. }), "{err:?}");
    assert_eq!(env.store.order_status(number).unwrap(), OrderStatus::Cancelled);
    assert_eq!(env.events_of(number)[0].details, "new -> cancelled: customer asked");
}

fn an_unknown_order_is_not_found(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("1001", "Ana Lima")]).unwrap();
    let missing = OrderNumber(999);
    let err = env.store.transition_order(&actor(), missing, OrderStatus::Ready, "").unwrap_err();
    assert!(matches!(err, StoreError::OrderNotFound(OrderNumber(999))), "{err:?}");
    assert_eq!(err.to_string(), "order ORD-000999 does not exist");
    assert!(matches!(env.store.order_status(missing), Err(StoreError::OrderNotFound(_))));
    assert_eq!(env.store.order_detail(missing, 10).unwrap(), None);
    assert_eq!(env.events(Some("status_changed")), 0);
}

fn status_counts_follow_inserts_and_transitions(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let statuses = [
        OrderStatus::New,
        OrderStatus::New,
        OrderStatus::Ready,
        OrderStatus::Held,
        OrderStatus::Picking,
        OrderStatus::Shipped,
        OrderStatus::Shipped,
        OrderStatus::Shipped,
    ];
    let seeds: Vec<SeedOrder> = statuses
        .iter()
        .enumerate()
        .map(|(i, status)| seed(new_order(&format!("{}", 2000 + i), "Seed Customer"), *status))
        .collect();
    env.store.seed_orders(&actor(), &seeds).unwrap();
    env.store.import_orders(&actor(), &[new_order("3000", "Ana Lima")]).unwrap();

    let expect = |pairs: &[(OrderStatus, u64)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
    let counts = env.store.status_counts().unwrap();
    assert_eq!(
        counts.0,
        expect(&[
            (OrderStatus::New, 3),
            (OrderStatus::Ready, 1),
            (OrderStatus::Held, 1),
            (OrderStatus::Picking, 1),
            (OrderStatus::Shipped, 3),
        ])
    );
    assert_eq!(counts.get(QueueFilter::Open), 6);

    let a = actor();
    env.store.transition_order(&a, env.number("2000"), OrderStatus::Ready, "").unwrap();
    env.store.transition_order(&a, env.number("2004"), OrderStatus::Short, "").unwrap();
    env.store.transition_order(&a, env.number("2005"), OrderStatus::Delivered, "").unwrap();
    env.store.transition_order(&a, env.number("3000"), OrderStatus::Cancelled, "").unwrap();
    // A refused move does not touch the counts.
    assert!(env.store.transition_order(&a, env.number("2001"), OrderStatus::Packed, "").is_err());

    let counts = env.store.status_counts().unwrap();
    assert_eq!(
        counts.0,
        expect(&[
            (OrderStatus::New, 1),
            (OrderStatus::Ready, 2),
            (OrderStatus::Held, 1),
            (OrderStatus::Short, 1),
            (OrderStatus::Shipped, 2),
            (OrderStatus::Delivered, 1),
            (OrderStatus::Cancelled, 1),
        ])
    );
    assert_eq!(counts.get(QueueFilter::Open), 5);
    assert_eq!(counts.get(QueueFilter::Status(OrderStatus::Picking)), 0);
    // The trigger-kept counts agree with a full count.
    assert_eq!(counts.0, env.full_status_counts());
}

fn seeding_a_held_order_requires_hold_reasons(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let mut held = seed(new_order("1001", "Ana Lima"), OrderStatus::Held);
    held.holds.clear();
    let err =
        env.store.seed_orders(&actor(), &[seed(new_order("1000", "Ok Order"), OrderStatus::New), held]).unwrap_err();
    assert!(err.to_string().contains("held exactly when it has hold reasons"), "{err}");
    assert!(env.all_orders().is_empty());
    let mut ready = seed(new_order("1002", "Bruno Costa"), OrderStatus::Ready);
    ready.holds = vec![HoldReason::Unpaid];
    assert!(env.store.seed_orders(&actor(), &[ready]).is_err());
}

// ---------------------------------------------------------------------------
// 5. Queue paging
// ---------------------------------------------------------------------------

/// A small deterministic generator (no dependence on `rand`'s stream).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 500 orders: about 60% open, many equal ship-by times, priorities 1-9.
fn queue_env(backend: &pg::Backend) -> Env {
    let mut env = Env::new(backend);
    let mut rng = Lcg(42);
    let weighted = [
        OrderStatus::New,
        OrderStatus::New,
        OrderStatus::Ready,
        OrderStatus::Held,
        OrderStatus::Backordered,
        OrderStatus::Waved,
        OrderStatus::Picking,
        OrderStatus::Packing,
        OrderStatus::Shipped,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];
    let seeds: Vec<SeedOrder> = (0..500)
        .map(|i| {
            let mut order = new_order(&format!("{}", 10_000 + i), &format!("Customer {i}"));
            // 12 distinct ship-by times for 500 orders: long runs of ties.
            order.ship_by = at(T0 + rng.below(12) as i64 * HOUR);
            order.priority = 1 + rng.below(9) as i64;
            let status = weighted[rng.below(weighted.len() as u64) as usize];
            seed(order, status)
        })
        .collect();
    env.store.seed_orders(&actor(), &seeds).unwrap();
    env
}

/// The key and status of every order, each order read alone by its number
/// (numbers 1, 2, ... until the store's total is found): a reference that
/// does not page.
fn keys_by_number(env: &Env) -> Vec<(QueueKey, OrderStatus)> {
    let total = env.store.totals().unwrap().orders as usize;
    let mut all = Vec::with_capacity(total);
    let mut number = 0;
    while all.len() < total {
        number += 1;
        assert!(number <= 2 * total as i64 + 100, "only {} of {total} orders found by number", all.len());
        let row = env.store.search_orders(&SearchQuery::Number(OrderNumber(number)), 1).unwrap();
        all.extend(row.iter().map(|r| (r.key(), r.status)));
    }
    all
}

/// Every order of `all` matching `filter`, sorted in Rust.
fn expected_keys(all: &[(QueueKey, OrderStatus)], filter: QueueFilter, sort: QueueSort) -> Vec<QueueKey> {
    let mut rows: Vec<(QueueKey, OrderStatus)> = all
        .iter()
        .copied()
        .filter(|(_, status)| match filter {
            QueueFilter::Open => status.is_open(),
            QueueFilter::Status(wanted) => *status == wanted,
            QueueFilter::HeldFor(_) => panic!("hold views are checked by their own test"),
        })
        .collect();
    match sort {
        QueueSort::ShipBy => rows.sort_by_key(|(k, _)| (k.ship_by, k.id)),
        QueueSort::Priority => rows.sort_by_key(|(k, _)| (k.priority, k.ship_by, k.id)),
    }
    rows.into_iter().map(|(k, _)| k).collect()
}

fn page(store: &Store, filter: QueueFilter, sort: QueueSort, from: PageFrom, limit: usize) -> Vec<QueueRow> {
    let rows = store.queue_page(&QueueQuery { filter, sort, from, limit }).unwrap();
    assert!(rows.len() <= limit, "{} rows for a limit of {limit}", rows.len());
    for row in &rows {
        match filter {
            QueueFilter::Open => assert!(row.status.is_open(), "{:?} in the open tab", row.status),
            QueueFilter::Status(status) => assert_eq!(row.status, status),
            QueueFilter::HeldFor(reason) => {
                assert_eq!(row.status, OrderStatus::Held);
                assert!(row.holds.contains(&reason), "{:?} lacks {reason}", row.holds);
            }
        }
    }
    rows
}

fn keys(rows: &[QueueRow]) -> Vec<QueueKey> {
    rows.iter().map(QueueRow::key).collect()
}

fn walk_forward(store: &Store, filter: QueueFilter, sort: QueueSort, limit: usize) -> Vec<QueueKey> {
    let mut all = Vec::new();
    let mut from = PageFrom::Start;
    for _ in 0..=1_000 {
        let rows = page(store, filter, sort, from, limit);
        let Some(last) = rows.last() else { return all };
        from = PageFrom::After(last.key());
        all.extend(keys(&rows));
    }
    panic!("paging forward did not end");
}

fn walk_backward(store: &Store, filter: QueueFilter, sort: QueueSort, limit: usize) -> Vec<QueueKey> {
    let mut pages = Vec::new();
    let mut from = PageFrom::End;
    for _ in 0..=1_000 {
        let rows = page(store, filter, sort, from, limit);
        let Some(first) = rows.first() else {
            pages.reverse();
            return pages.concat();
        };
        from = PageFrom::Before(first.key());
        pages.push(keys(&rows));
    }
    panic!("paging backward did not end");
}

const FILTERS: [QueueFilter; 5] = [
    QueueFilter::Open,
    QueueFilter::Status(OrderStatus::New),
    QueueFilter::Status(OrderStatus::Held),
    QueueFilter::Status(OrderStatus::Shipped),
    QueueFilter::Status(OrderStatus::Short),
];
const SORTS: [QueueSort; 2] = [QueueSort::ShipBy, QueueSort::Priority];

fn paging_forward_and_backward_visits_every_order_once_in_order(backend: &pg::Backend) {
    let env = queue_env(backend);
    let all = keys_by_number(&env);
    assert_eq!(all.len(), 500);
    let mut open_seen = 0;
    for filter in FILTERS {
        for sort in SORTS {
            let expected = expected_keys(&all, filter, sort);
            if filter == QueueFilter::Open {
                open_seen = expected.len();
            }
            for limit in [1, 37, 1_000] {
                assert_eq!(
                    walk_forward(&env.store, filter, sort, limit),
                    expected,
                    "{filter:?} {sort:?} forward by {limit}"
                );
                assert_eq!(
                    walk_backward(&env.store, filter, sort, limit),
                    expected,
                    "{filter:?} {sort:?} backward by {limit}"
                );
            }
        }
    }
    // The seed really exercises what this test is about.
    assert!((200..400).contains(&open_seen), "{open_seen} open orders");
    assert_eq!(env.store.status_counts().unwrap().get(QueueFilter::Open), open_seen as u64);
    assert!(expected_keys(&all, QueueFilter::Status(OrderStatus::Short), QueueSort::ShipBy).is_empty());
    let by_ship = expected_keys(&all, QueueFilter::Open, QueueSort::ShipBy);
    let ties = by_ship.windows(2).filter(|w| w[0].ship_by == w[1].ship_by).count();
    assert!(ties > 200, "only {ties} ship-by ties");
}

fn pages_start_at_after_or_before_a_key(backend: &pg::Backend) {
    let env = queue_env(backend);
    let all = keys_by_number(&env);
    for filter in [QueueFilter::Open, QueueFilter::Status(OrderStatus::New)] {
        for sort in SORTS {
            let expected = expected_keys(&all, filter, sort);
            let n = expected.len();
            assert!(n > 20);
            for i in [0, 1, n / 3, n / 2, n - 2, n - 1] {
                let key = expected[i];
                let at_or_after = keys(&page(&env.store, filter, sort, PageFrom::AtOrAfter(key), 5));
                assert_eq!(at_or_after, expected[i..(i + 5).min(n)], "{filter:?} {sort:?} at or after #{i}");
                let after = keys(&page(&env.store, filter, sort, PageFrom::After(key), 5));
                assert_eq!(after, expected[i + 1..(i + 6).min(n)], "{filter:?} {sort:?} after #{i}");
                let before = keys(&page(&env.store, filter, sort, PageFrom::Before(key), 5));
                assert_eq!(before, expected[i.saturating_sub(5)..i], "{filter:?} {sort:?} before #{i}");
            }
            assert_eq!(keys(&page(&env.store, filter, sort, PageFrom::Start, 4)), expected[..4]);
            assert_eq!(keys(&page(&env.store, filter, sort, PageFrom::End, 4)), expected[n - 4..]);
        }
    }
}

fn queue_rows_carry_their_holds_lines_and_units(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let mut order = new_order("1001", "Ana Lima");
    order.lines = vec![
        line("MUG-RED", "Mug, red", 3),
        line("TEE-BLK-M", "T-shirt", 2),
        NewOrderLine { requires_shipping: false, ..line("GIFT-CARD", "Gift card", 1) },
    ];
    let mut held = seed(order, OrderStatus::Held);
    held.holds = vec![HoldReason::Unpaid, HoldReason::BadAddress];
    env.store.seed_orders(&actor(), &[held]).unwrap();
    let rows = page(&env.store, QueueFilter::Status(OrderStatus::Held), QueueSort::ShipBy, PageFrom::Start, 10);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.lines, row.units), (3, 5));
    let mut holds = row.holds.clone();
    holds.sort();
    assert_eq!(holds, [HoldReason::BadAddress, HoldReason::Unpaid]);
    assert_eq!((row.channel.as_str(), row.country.as_str(), row.service.as_str()), ("shop", "PT", "standard"));
    let detail = env.store.order_detail(row.number(), 10).unwrap().unwrap();
    assert_eq!(detail.holds.len(), 2);
    assert_eq!(detail.events.iter().map(|e| e.details.as_str()).collect::<Vec<_>>(), ["new -> held", "#1001"]);
}

#[test]
fn queue_pages_are_index_seeks_on_the_whole_key() {
    let env = queue_env(&pg::Backend::Sqlite);
    let key = QueueKey { priority: 3, ship_by: T0, id: 1 };
    let cases = [
        (QueueFilter::Open, QueueSort::ShipBy, "orders_status_ship"),
        (QueueFilter::Open, QueueSort::Priority, "orders_status_priority"),
        (QueueFilter::Status(OrderStatus::New), QueueSort::ShipBy, "orders_status_ship"),
        (QueueFilter::Status(OrderStatus::Shipped), QueueSort::ShipBy, "orders_status_ship"),
        (QueueFilter::Status(OrderStatus::Held), QueueSort::Priority, "orders_status_priority"),
        (QueueFilter::HeldFor(HoldReason::Unpaid), QueueSort::ShipBy, "orders_status_ship"),
    ];
    for (filter, sort, index) in cases {
        for from in
            [PageFrom::Start, PageFrom::End, PageFrom::AtOrAfter(key), PageFrom::After(key), PageFrom::Before(key)]
        {
            let query = QueueQuery { filter, sort, from, limit: 50 };
            let plans = env.store.explain_queue_page(&query).unwrap();
            for plan in &plans {
                let main = plan.iter().find(|step| step.contains(" o ")).unwrap_or_else(|| panic!("{plan:?}"));
                let ctx = format!("{filter:?} {sort:?} {from:?}: {plan:#?}");
                assert!(main.split_whitespace().any(|word| word == index), "{ctx}");
                assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{ctx}");
                assert!(!plan.iter().any(|step| step.starts_with("SCAN l") || step.starts_with("SCAN h")), "{ctx}");
            }
            // With a key, the first branch seeks on every key column, the id included,
            // so a page deep inside a run of equal ship-by times is still a seek.
            if let PageFrom::AtOrAfter(_) | PageFrom::After(_) | PageFrom::Before(_) = from {
                let first = plans[0].iter().find(|step| step.contains(" o ")).unwrap();
                assert!(first.starts_with("SEARCH") && first.contains("ship_by=? AND id"), "{first}");
            }
        }
    }
}

fn pages_deep_inside_equal_ship_by_times_stay_correct(backend: &pg::Backend) {
    // 300 orders sharing one ship-by time: the id alone orders them.
    let mut env = Env::new(backend);
    let seeds: Vec<SeedOrder> = (0..300)
        .map(|i| {
            let mut order = new_order(&format!("T{i}"), "Tie Breaker");
            order.ship_by = at(T0);
            SeedOrder { status: OrderStatus::Ready, status_at: at(T0), ..seed(order, OrderStatus::Ready) }
        })
        .collect();
    env.store.seed_orders(&actor(), &seeds).unwrap();
    let first = QueueQuery { filter: QueueFilter::Open, sort: QueueSort::ShipBy, from: PageFrom::Start, limit: 7 };
    let mut page = env.store.queue_page(&first).unwrap();
    let mut seen: Vec<i64> = page.iter().map(|r| r.id).collect();
    while let Some(last) = page.last() {
        let next = QueueQuery { from: PageFrom::After(last.key()), ..first };
        page = env.store.queue_page(&next).unwrap();
        seen.extend(page.iter().map(|r| r.id));
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seen, sorted, "ascending ids, no repeats");
    assert_eq!(seen.len(), 300);
}

// ---------------------------------------------------------------------------
// 6. Search
// ---------------------------------------------------------------------------

fn search_env(backend: &pg::Backend) -> Env {
    let mut env = Env::new(backend);
    let mut souza = new_order("1003", "ana maria SOUZA");
    souza.lines = vec![line("TEE-BLK-M", "T-shirt", 1)];
    let mut orsted = new_order("1004", "Zoë Ørsted-Müller");
    orsted.lines = vec![line("TEE-BLK-M", "T-shirt", 1), line("SKU-MUG-RED", "Mug", 1)];
    let mut lima = new_order("1043", "Ana Lima");
    lima.ship_by = at(T0 + 3 * DAY);
    let orders = [new_order("1001", "Bruno Costa"), lima, souza, orsted, new_order("2001", "Carla Lima")];
    env.store.import_orders(&actor(), &orders).unwrap();
    env
}

/// External ids of the orders a search finds, sorted, for readable assertions.
fn found(env: &Env, query: &str) -> Vec<String> {
    let rows = env.store.search_orders(&text(query), 20).unwrap();
    let mut ids: Vec<String> = rows.iter().map(|r| env.external_id(r.number())).collect();
    ids.sort_unstable();
    ids
}

fn text(s: &str) -> SearchQuery {
    SearchQuery::Text(s.into())
}

fn search_by_order_number(backend: &pg::Backend) {
    let env = search_env(backend);
    let number = env.number("1003");
    let rows = env.store.search_orders(&SearchQuery::Number(number), 20).unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [number.0]);
    assert_eq!(rows[0].customer, "ana maria SOUZA");
    assert_eq!(SearchQuery::parse(&number.to_string()), Some(SearchQuery::Number(number)));
    assert!(env.store.search_orders(&SearchQuery::Number(OrderNumber(9_999)), 20).unwrap().is_empty());
}

fn search_by_customer_name_word_prefix(backend: &pg::Backend) {
    let env = search_env(backend);
    assert_eq!(found(&env, "ana"), ["1003", "1043"]);
    assert_eq!(found(&env, "ANA"), ["1003", "1043"]);
    assert_eq!(found(&env, "An"), ["1003", "1043"]);
    assert_eq!(found(&env, "lima"), ["1043", "2001"]);
    assert_eq!(found(&env, "souz"), ["1003"], "a later word of the name");
    assert_eq!(found(&env, "maria"), ["1003"]);
    assert_eq!(found(&env, "ørsted"), ["1004"]);
    assert_eq!(found(&env, "MÜLLER"), ["1004"]);
    assert_eq!(found(&env, "zoë"), ["1004"]);
    // A prefix of a word, not a substring in the middle of one.
    assert_eq!(found(&env, "ima"), Vec::<String>::new());
}

fn search_by_two_words_needs_both(backend: &pg::Backend) {
    let env = search_env(backend);
    assert_eq!(found(&env, "ana lima"), ["1043"]);
    assert_eq!(found(&env, "Lima Ana"), ["1043"]);
    assert_eq!(found(&env, "ana sou"), ["1003"]);
    assert_eq!(found(&env, "carla lima"), ["2001"]);
    assert_eq!(found(&env, "bruno lima"), Vec::<String>::new());
}

fn a_two_word_search_finds_a_match_behind_many_first_word_matches(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let mut orders: Vec<NewOrder> = (0..120)
        .map(|i| {
            let mut order = new_order(&format!("{}", 5_000 + i), &format!("Ana Silva {i}"));
            order.ship_by = at(T0 + i * 60);
            order
        })
        .collect();
    let mut late = new_order("9001", "Ana Lima");
    late.ship_by = at(T0 + 10 * DAY);
    orders.push(late);
    env.store.import_orders(&actor(), &orders).unwrap();
    let rows = env.store.search_orders(&text("ana lima"), 10).unwrap();
    assert_eq!(rows.iter().map(|r| r.customer.as_str()).collect::<Vec<_>>(), ["Ana Lima"]);
    // And the limit still holds for a one-word search.
    assert_eq!(env.store.search_orders(&text("ana"), 10).unwrap().len(), 10);
    let first = env.store.search_orders(&text("ana"), 3).unwrap();
    assert_eq!(
        first.iter().map(|r| r.customer.as_str()).collect::<Vec<_>>(),
        ["Ana Silva 0", "Ana Silva 1", "Ana Silva 2"]
    );
}

fn search_by_exact_sku_code(backend: &pg::Backend) {
    let env = search_env(backend);
    assert_eq!(found(&env, "TEE-BLK-M"), ["1003", "1004"]);
    assert_eq!(found(&env, "tee-blk-m"), ["1003", "1004"]);
    assert_eq!(found(&env, "MUG-RED"), ["1001", "1043", "2001"]);
    assert_eq!(found(&env, "SKU-MUG-RED"), ["1004"]);
    // Exact codes only: a part of a code is not a SKU match.
    assert_eq!(found(&env, "TEE-BLK"), Vec::<String>::new());
}

fn search_by_channel_reference_digits(backend: &pg::Backend) {
    let env = search_env(backend);
    assert_eq!(found(&env, "1043"), ["1043"]);
    assert_eq!(found(&env, "#1043"), ["1043"]);
    assert_eq!(found(&env, "2001"), ["2001"]);
    assert_eq!(found(&env, "100"), ["1001", "1003", "1004"], "a prefix of the reference");
}

fn unknown_text_finds_nothing(backend: &pg::Backend) {
    let env = search_env(backend);
    for query in ["xyzzy", "zz top", "ORD", "-", "  ", "\u{1b}[2J"] {
        assert_eq!(found(&env, query), Vec::<String>::new(), "{query:?}");
    }
}

fn search_lists_open_orders_first_then_the_newest_history(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let seed = |id: &str, status: OrderStatus, ship_by: i64| {
        let mut order = new_order(id, "Ana Lima");
        order.ship_by = at(ship_by);
        SeedOrder { status_at: at(ship_by), ..seed(order, status) }
    };
    let seeds = [
        seed("old-delivered", OrderStatus::Delivered, T0 - 9 * DAY),
        seed("late-ready", OrderStatus::Ready, T0 - DAY),
        seed("new-delivered", OrderStatus::Delivered, T0 - 2 * DAY),
        seed("due-new", OrderStatus::New, T0 + DAY),
    ];
    env.store.seed_orders(&actor(), &seeds).unwrap();
    let order: Vec<String> =
        env.store.search_orders(&text("lima"), 10).unwrap().iter().map(|r| env.external_id(r.number())).collect();
    assert_eq!(order, ["late-ready", "due-new", "new-delivered", "old-delivered"]);
}

fn holding_needs_a_reason(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("H1", "Ana Lima")]).unwrap();
    let err = env.store.transition_order(&actor(), OrderNumber(1), OrderStatus::Held, "").unwrap_err();
    assert!(err.to_string().contains("hold reason"), "{err}");
    assert_eq!(env.store.order_status(OrderNumber(1)).unwrap(), OrderStatus::New);
}

fn search_folds_accents_and_ignores_punctuation(backend: &pg::Backend) {
    let env = search_env(backend);
    // "Zoë Ørsted-Müller": accents fold both ways, hyphens split words.
    assert_eq!(found(&env, "muller"), ["1004"]);
    assert_eq!(found(&env, "MÜLLER zoe"), ["1004"]);
    assert_eq!(found(&env, "ørst"), ["1004"]);
    // Nothing searchable in the text: no match, and no error from the index.
    assert!(found(&env, "#-*\"").is_empty());
}

#[test]
fn searches_scan_no_table_whole() {
    let env = search_env(&pg::Backend::Sqlite);
    for text in ["lima", "ana lima", "TEE-BLK-M", "1043"] {
        let plan = env.store.explain_search(text).unwrap();
        // Reading the FTS5 index and the small intermediate lists (hit, kept)
        // is expected; a scan of a real table is not.
        let tables = ["o", "orders", "l", "order_lines", "h", "order_holds", "skus", "channels"];
        let scans: Vec<&String> = plan
            .iter()
            .filter(|step| {
                let scanned = step.strip_prefix("SCAN ").and_then(|rest| rest.split_whitespace().next());
                scanned.is_some_and(|t| tables.contains(&t))
            })
            .collect();
        assert!(scans.is_empty(), "{text}: {plan:#?}");
    }
}

fn search_finds_catalogue_and_unknown_skus(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.add_skus(&actor(), &[sku("MUG-RED", "Mug, red", vec![])]).unwrap();
    let mut known = new_order("K1", "Ana Lima");
    known.lines = vec![line("MUG-RED", "Mug, red", 1)];
    let mut unknown = new_order("U1", "Bruno Costa");
    unknown.lines = vec![line("MUG-BLUE", "Mug, blue", 1)];
    env.store.import_orders(&actor(), &[known, unknown]).unwrap();
    assert_eq!(found(&env, "mug-red"), ["K1"]);
    assert_eq!(found(&env, "MUG-BLUE"), ["U1"]);
    // SQLite's query plan (PostgreSQL's plans are not checked here).
    if !backend.is_postgres() {
        for text in ["MUG-RED", "MUG-BLUE"] {
            let plan = env.store.explain_search(text).unwrap();
            assert!(!plan.iter().any(|s| s.starts_with("SCAN order_lines")), "{text}: {plan:#?}");
        }
    }
}

fn pins_are_stored_hashed_and_checked(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let boss = Operator { badge: "EMP-0001".into(), name: "Sabine".into(), role: Role::Supervisor };
    env.store.add_operator(&actor(), &boss).unwrap();
    assert!(!env.store.verify_pin("EMP-0001", "1234").unwrap(), "no PIN set yet");
    for bad in ["12", "12a4", "1234567890123"] {
        assert!(env.store.set_pin(&actor(), "EMP-0001", bad).is_err(), "{bad}");
    }
    assert!(env.store.set_pin(&actor(), "EMP-0099", "1234").is_err(), "unknown badge");
    env.store.set_pin(&actor(), "EMP-0001", "4711").unwrap();
    assert!(env.store.verify_pin("EMP-0001", "4711").unwrap());
    assert!(!env.store.verify_pin("EMP-0001", "4712").unwrap());
    let stored = raw::Raw::open(&env.path).row("SELECT pin_hash FROM operators")[0].text().to_owned();
    assert!(stored.starts_with("$argon2") && !stored.contains("4711"), "{stored}");
}

fn priority_changes_are_checked_and_audited(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("P1", "Ana Lima")]).unwrap();
    let number = OrderNumber(1);
    assert!(env.store.set_priority(&actor(), number, 0).is_err());
    assert!(env.store.set_priority(&actor(), number, 10).is_err());
    env.store.set_priority(&actor(), number, 2).unwrap();
    let detail = env.store.order_detail(number, 5).unwrap().unwrap();
    assert_eq!(detail.row.priority, 2);
    assert!(detail.events.iter().any(|e| e.kind == "priority_changed" && e.details.ends_with("-> 2")));
    env.store.transition_order(&actor(), number, OrderStatus::Cancelled, "").unwrap();
    let err = env.store.set_priority(&actor(), number, 1).unwrap_err().to_string();
    assert!(err.contains("cancelled"), "{err}");
}

fn orders_that_fail_validation_arrive_held_with_their_reasons(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let orders = [new_order("V1", "Ana Lima"), new_order("V2", "Bruno Costa")];
    let mut check = |o: &NewOrder| Verdict {
        holds: if o.external_id == "V2" { [HoldReason::Unpaid, HoldReason::BadAddress].into() } else { [].into() },
        ..Verdict::default()
    };
    let summary = env.store.import_checked(&actor(), &orders, &mut check, &mut |_| {}).unwrap();
    // The valid order goes on to allocation: nothing is in stock, so it waits.
    assert_eq!(summary, ImportSummary { inserted: 2, held: 1, ready: 0, backordered: 1, updated: 0, unchanged: 0 });
    assert_eq!(env.store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Backordered);
    let held = env.store.order_detail(OrderNumber(2), 5).unwrap().unwrap();
    assert_eq!(held.row.status, OrderStatus::Held);
    assert_eq!(held.row.holds, [HoldReason::BadAddress, HoldReason::Unpaid]);
    assert!(held.events.iter().any(|e| e.kind == "order_held" && e.details == "bad_address, unpaid"));
}

fn the_held_tab_narrows_to_one_hold_reason(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let seed = |id: usize, holds: Vec<HoldReason>| {
        let mut order = new_order(&format!("H{id}"), "Ana Lima");
        order.ship_by = at(T0 + (id as i64 % 5) * 3600);
        let status = if holds.is_empty() { OrderStatus::Ready } else { OrderStatus::Held };
        SeedOrder { holds, status_at: at(T0), ..seed(order, status) }
    };
    let seeds: Vec<SeedOrder> = (0..60)
        .map(|i| match i % 4 {
            0 => seed(i, vec![HoldReason::BadAddress]),
            1 => seed(i, vec![HoldReason::Unpaid, HoldReason::BadAddress]),
            2 => seed(i, vec![HoldReason::Unpaid]),
            _ => seed(i, vec![]),
        })
        .collect();
    env.store.seed_orders(&actor(), &seeds).unwrap();
    let counts = env.store.hold_counts().unwrap();
    assert_eq!((counts[&HoldReason::BadAddress], counts[&HoldReason::Unpaid]), (30, 30));
    // Every bad-address order, in order, page by page, and no other.
    let filter = QueueFilter::HeldFor(HoldReason::BadAddress);
    let mut listed = Vec::new();
    let mut from = PageFrom::Start;
    loop {
        let rows = page(&env.store, filter, QueueSort::ShipBy, from, 7);
        let Some(last) = rows.last() else { break };
        from = PageFrom::After(last.key());
        listed.extend(rows.iter().map(|r| (r.ship_by, r.id)));
    }
    assert_eq!(listed.len(), 30);
    assert!(listed.windows(2).all(|w| w[0] < w[1]));
    // A released hold no longer counts.
    env.store.release_order(&actor(), OrderNumber(1), &Verdict::default(), "fixed").unwrap();
    assert_eq!(env.store.hold_counts().unwrap()[&HoldReason::BadAddress], 29);
}

fn addresses_are_corrected_sanitised_and_only_while_the_order_is_open(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    env.store.import_orders(&actor(), &[new_order("C1", "Ana Lima")]).unwrap();
    let number = OrderNumber(1);
    let mut address = env.store.order_as_received(number).unwrap().unwrap().address;
    address.name = "Ana \u{1b}[31mSouza".into();
    address.city = "Porto".into();
    env.store.correct_address(&actor(), number, &address).unwrap();
    let stored = env.store.order_as_received(number).unwrap().unwrap().address;
    assert_eq!((stored.name.as_str(), stored.city.as_str()), ("Ana Souza", "Porto"));
    assert_eq!(found(&env, "souza"), ["C1"], "search follows the new name");
    let detail = env.store.order_detail(number, 5).unwrap().unwrap();
    assert!(detail.events.iter().any(|e| e.kind == "address_corrected" && e.details.contains("-> Ana Souza")));
    env.store.transition_order(&actor(), number, OrderStatus::Cancelled, "").unwrap();
    let err = env.store.correct_address(&actor(), number, &address).unwrap_err().to_string();
    assert!(err.contains("can no longer change"), "{err}");
}

// ---------------------------------------------------------------------------
// Allocation at arrival
// ---------------------------------------------------------------------------

/// Bins in three zones and two SKUs: MUG-RED, and MILK-1L, which is lot-tracked.
fn warehouse(backend: &pg::Backend) -> Env {
    let mut env = Env::new(backend);
    let bins = [("01-001-A", Zone::A), ("01-002-A", Zone::A), ("05-010-B", Zone::B), ("09-020-C", Zone::C)];
    let bins: Vec<Bin> = bins.iter().map(|&(code, zone)| Bin { code: bin(code), zone }).collect();
    env.store.add_bins(&actor(), &bins).unwrap();
    let mut milk = sku("MILK-1L", "Oat milk, 1 l", vec![]);
    milk.lot_tracked = true;
    milk.expiry_tracked = true;
    env.store.add_skus(&actor(), &[sku("MUG-RED", "Mug, red", vec![]), milk]).unwrap();
    env
}

/// An order of `qty` units per SKU in `lines`.
fn order_of(external_id: &str, lines: &[(&str, u32)]) -> NewOrder {
    let mut order = new_order(external_id, "Ana Lima");
    order.lines = lines.iter().map(|&(sku, qty)| line(sku, sku, qty)).collect();
    order
}

/// Order intake as a channel or a file would run it, every order valid.
fn intake(env: &mut Env, orders: &[NewOrder]) -> ImportSummary {
    env.store.import_checked(&actor(), orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap()
}

fn status(env: &Env, external_id: &str) -> OrderStatus {
    env.store.order_status(env.number(external_id)).unwrap()
}

/// What an order reserved, as (bin, lot, units).
fn reserved(env: &Env, external_id: &str) -> Vec<(String, Option<String>, u32)> {
    let held = env.store.order_reservations(env.number(external_id)).unwrap();
    held.into_iter().map(|r| (r.bin, r.lot, r.qty)).collect()
}

fn assert_allocation_clean(env: &Env) {
    let audit = env.store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{audit:?}");
}

fn allocation_takes_the_fewest_bins_then_the_nearest_zone(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    for (code, units) in [("01-001-A", 3), ("05-010-B", 10), ("09-020-C", 10)] {
        env.store.receive_stock(&actor(), bin(code), "MUG-RED", None, units, "PO-1").unwrap();
    }
    let summary = intake(&mut env, &[order_of("A1", &[("MUG-RED", 2)]), order_of("A2", &[("MUG-RED", 5)])]);
    assert_eq!((summary.ready, summary.backordered), (2, 0));
    assert_eq!(reserved(&env, "A1"), [("01-001-A".to_owned(), None, 2)], "zone A holds enough");
    assert_eq!(reserved(&env, "A2"), [("05-010-B".to_owned(), None, 5)], "one bin in B beats A plus B");
    // 1 left in A, 5 in B, 10 in C: 14 units need two bins, B and C (A + C
    // is not enough); the nearer bin is emptied first.
    intake(&mut env, &[order_of("A3", &[("MUG-RED", 14)])]);
    assert_eq!(reserved(&env, "A3"), [("05-010-B".to_owned(), None, 5), ("09-020-C".to_owned(), None, 9)]);
    assert_eq!(env.store.stock_balance(bin("05-010-B"), "MUG-RED", None).unwrap().reserved, 10);
    let events = env.events_of(env.number("A2"));
    assert!(
        events
            .iter()
            .any(|e| e.kind == "order_allocated" && e.details.contains("new -> ready; reserved MUG-RED 5×05-010-B"))
    );
    assert_allocation_clean(&env);
}

fn lot_tracked_stock_goes_first_expiry_first_out_and_never_expired(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    let today = Utc::now().date_naive();
    let receipt = |code: &str, lot: &str, days: i64, qty| packline::store::StockReceipt {
        bin: bin(code),
        sku: "MILK-1L".into(),
        lot: Some(lot.into()),
        expires_on: Some(today + chrono::Duration::days(days)),
        qty,
    };
    let receipts = [
        receipt("01-001-A", "L-OLD", -1, 50),
        receipt("01-002-A", "L-LATE", 30, 10),
        receipt("09-020-C", "L-SOON", 10, 4),
    ];
    env.store.receive_stock_many(&actor(), &receipts, "PO-2").unwrap();
    intake(&mut env, &[order_of("M1", &[("MILK-1L", 6)])]);
    assert_eq!(status(&env, "M1"), OrderStatus::Ready);
    assert_eq!(
        reserved(&env, "M1"),
        [("01-002-A".to_owned(), Some("L-LATE".to_owned()), 2), ("09-020-C".to_owned(), Some("L-SOON".to_owned()), 4)],
        "the lot expiring soonest first, even from zone C; the expired lot is never taken"
    );
    // Only the expired lot is left: the next order waits rather than ship it.
    intake(&mut env, &[order_of("M2", &[("MILK-1L", 9)])]);
    assert_eq!(status(&env, "M2"), OrderStatus::Backordered);
    assert!(reserved(&env, "M2").is_empty());
    assert_allocation_clean(&env);
}

fn a_short_order_waits_whole_and_is_filled_when_stock_is_adjusted(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 3, "PO-1").unwrap();
    let summary = intake(&mut env, &[order_of("S1", &[("MUG-RED", 5)]), order_of("S2", &[("MUG-RED", 2)])]);
    assert_eq!((summary.ready, summary.backordered), (1, 1));
    assert_eq!(status(&env, "S1"), OrderStatus::Backordered);
    assert!(reserved(&env, "S1").is_empty(), "a backorder reserves nothing until it can be filled whole");
    assert_eq!(status(&env, "S2"), OrderStatus::Ready, "the units S1 could not use went to S2");
    let events = env.events_of(env.number("S1"));
    assert!(events.iter().any(|e| e.kind == "order_allocated" && e.details == "new -> backordered; short MUG-RED 2"));
    // A count finds four more: S1 is filled at once.
    env.store.adjust_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 4, "found in count").unwrap();
    assert_eq!(status(&env, "S1"), OrderStatus::Ready);
    assert_eq!(reserved(&env, "S1"), [("01-001-A".to_owned(), None, 5)]);
    let balance = env.store.stock_balance(bin("01-001-A"), "MUG-RED", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (7, 7));
    // Removing reserved units is refused and changes nothing.
    assert!(env.store.adjust_stock(&actor(), bin("01-001-A"), "MUG-RED", None, -1, "damaged").is_err());
    assert_allocation_clean(&env);
}

fn backorders_are_filled_most_urgent_first_then_oldest(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    let mut older = order_of("B-OLD", &[("MUG-RED", 3)]);
    older.created_at = at(T0 - DAY);
    let mut urgent = order_of("B-EXPRESS", &[("MUG-RED", 3)]);
    urgent.priority = 3;
    let newer = order_of("B-NEW", &[("MUG-RED", 3)]);
    intake(&mut env, &[newer, urgent, older]);
    assert_eq!(env.full_status_counts()[&OrderStatus::Backordered], 3);
    let filled = |env: &Env| ["B-EXPRESS", "B-OLD", "B-NEW"].map(|id| status(env, id) == OrderStatus::Ready);
    env.store.receive_stock(&actor(), bin("05-010-B"), "MUG-RED", None, 3, "PO-1").unwrap();
    assert_eq!(filled(&env), [true, false, false]);
    env.store.receive_stock(&actor(), bin("05-010-B"), "MUG-RED", None, 4, "PO-2").unwrap();
    assert_eq!(filled(&env), [true, true, false]);
    env.store.receive_stock(&actor(), bin("09-020-C"), "MUG-RED", None, 2, "PO-3").unwrap();
    assert_eq!(filled(&env), [true, true, true], "1 left in B and 2 in C fill the last one");
    assert_allocation_clean(&env);
}

fn the_partial_policy_keeps_what_it_could_reserve(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    env.store.set_backorder_policy(packline::domain::BackorderPolicy::Partial);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 3, "PO-1").unwrap();
    intake(&mut env, &[order_of("P1", &[("MUG-RED", 5)]), order_of("P2", &[("MUG-RED", 1)])]);
    assert_eq!(status(&env, "P1"), OrderStatus::Backordered);
    assert_eq!(reserved(&env, "P1"), [("01-001-A".to_owned(), None, 3)], "the units on hand are promised to P1");
    assert_eq!(status(&env, "P2"), OrderStatus::Backordered, "nothing is left for a later order");
    env.store.receive_stock(&actor(), bin("05-010-B"), "MUG-RED", None, 2, "PO-2").unwrap();
    assert_eq!(status(&env, "P1"), OrderStatus::Ready);
    assert_eq!(reserved(&env, "P1"), [("01-001-A".to_owned(), None, 3), ("05-010-B".to_owned(), None, 2)]);
    assert_eq!(status(&env, "P2"), OrderStatus::Backordered);
    assert_allocation_clean(&env);
}

fn cancelling_returns_the_stock_and_feeds_the_next_backorder(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 5, "PO-1").unwrap();
    intake(&mut env, &[order_of("X1", &[("MUG-RED", 5)]), order_of("X2", &[("MUG-RED", 4)])]);
    assert_eq!((status(&env, "X1"), status(&env, "X2")), (OrderStatus::Ready, OrderStatus::Backordered));
    env.store.transition_order(&actor(), env.number("X1"), OrderStatus::Cancelled, "customer cancelled").unwrap();
    assert!(reserved(&env, "X1").is_empty());
    assert_eq!(status(&env, "X2"), OrderStatus::Ready, "the returned units went to the waiting order");
    let balance = env.store.stock_balance(bin("01-001-A"), "MUG-RED", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (5, 4));
    env.store.transition_order(&actor(), env.number("X2"), OrderStatus::Cancelled, "").unwrap();
    assert_eq!(env.store.stock_balance(bin("01-001-A"), "MUG-RED", None).unwrap().reserved, 0);
    assert_eq!(env.count("SELECT count(*) FROM movements WHERE kind = 'release'"), 2);
    assert_allocation_clean(&env);
}

fn two_lines_of_one_sku_share_the_same_stock(backend: &pg::Backend) {
    let mut env = warehouse(backend);
    env.store.receive_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 5, "PO-1").unwrap();
    intake(&mut env, &[order_of("D1", &[("MUG-RED", 3), ("MUG-RED", 3)])]);
    assert_eq!(status(&env, "D1"), OrderStatus::Backordered);
    assert!(reserved(&env, "D1").is_empty());
    env.store.adjust_stock(&actor(), bin("01-001-A"), "MUG-RED", None, 1, "count").unwrap();
    assert_eq!(status(&env, "D1"), OrderStatus::Ready);
    assert_allocation_clean(&env);
}

on_both_backends!(
    a_removal_or_reservation_beyond_stock_is_refused_and_changes_nothing,
    unknown_bins_and_skus_are_refused,
    import_inserts_new_orders_with_an_event_each,
    a_second_import_of_the_same_orders_changes_nothing,
    ids_that_need_sanitising_still_import_idempotently,
    a_newer_copy_updates_the_header_and_an_older_one_does_not,
    an_unknown_channel_fails_the_whole_batch,
    an_order_without_lines_fails_the_whole_batch,
    untrusted_text_is_stored_sanitised,
    a_legal_transition_is_applied_and_recorded,
    an_illegal_transition_is_an_error_and_changes_nothing,
    an_unknown_order_is_not_found,
    status_counts_follow_inserts_and_transitions,
    seeding_a_held_order_requires_hold_reasons,
    paging_forward_and_backward_visits_every_order_once_in_order,
    pages_start_at_after_or_before_a_key,
    queue_rows_carry_their_holds_lines_and_units,
    pages_deep_inside_equal_ship_by_times_stay_correct,
    search_by_order_number,
    search_by_customer_name_word_prefix,
    search_by_two_words_needs_both,
    a_two_word_search_finds_a_match_behind_many_first_word_matches,
    search_by_exact_sku_code,
    search_by_channel_reference_digits,
    unknown_text_finds_nothing,
    search_lists_open_orders_first_then_the_newest_history,
    holding_needs_a_reason,
    search_folds_accents_and_ignores_punctuation,
    search_finds_catalogue_and_unknown_skus,
    priority_changes_are_checked_and_audited,
    orders_that_fail_validation_arrive_held_with_their_reasons,
    the_held_tab_narrows_to_one_hold_reason,
    addresses_are_corrected_sanitised_and_only_while_the_order_is_open,
    pins_are_stored_hashed_and_checked,
    allocation_takes_the_fewest_bins_then_the_nearest_zone,
    lot_tracked_stock_goes_first_expiry_first_out_and_never_expired,
    a_short_order_waits_whole_and_is_filled_when_stock_is_adjusted,
    backorders_are_filled_most_urgent_first_then_oldest,
    the_partial_policy_keeps_what_it_could_reserve,
    cancelling_returns_the_stock_and_feeds_the_next_backorder,
    two_lines_of_one_sku_share_the_same_stock,
);
