//! `packline migrate --to URL` and `Store::copy_into`: a SQLite store copied
//! into an empty PostgreSQL database of the shared test cluster (tests/pg),
//! counted and read back through the PostgreSQL store; a database that is
//! not empty is refused and left as it was; the command's summary and exit
//! codes. Without PostgreSQL the tests that need it say they were skipped.

#![allow(clippy::unwrap_used)]

mod common;
// The shared cluster helper's `on_both_backends!` macro (unused here) names `crate::pg`.
#[allow(clippy::crate_in_macro_def)]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use chrono::{DateTime, TimeZone, Utc};
use packline::domain::{Actor, Bin, Verdict, Zone};
use packline::store::db::Backend;
use packline::store::{AuditQuery, CopyProgress, CopyReport, Store};
use rusqlite::Connection;
use tempfile::TempDir;

use common::{bin, order, packline, sku};

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

/// A new empty database of the shared cluster, or `None` after saying why the test is skipped.
fn new_database(test: &str) -> Option<String> {
    match pg::Backend::postgres_or_skip(test)? {
        pg::Backend::Postgres(cluster) => Some(cluster.new_database()),
        pg::Backend::Sqlite => None,
    }
}

/// A small SQLite store: one channel, SKU and bin, 10 units received, one
/// order that reserved 2 of them.
fn small_store(dir: &Path) -> PathBuf {
    let path = dir.join("small.db");
    let mut store = Store::open(&path).unwrap();
    store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
    store.add_skus(&actor(), &[sku("MUG")]).unwrap();
    store.add_bins(&actor(), &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
    store.receive_stock(&actor(), bin("01-001-A"), "MUG", None, 10, "PO-1").unwrap();
    let summary = store
        .import_checked(&actor(), &[order("1001", &[("MUG", 2)])], &mut |_| Verdict::default(), &mut |_| {})
        .unwrap();
    assert_eq!(summary.ready, 1);
    path
}

/// Rows of `table` in the SQLite file, counted by SQLite itself.
fn sqlite_count(conn: &Connection, table: &str) -> u64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get::<_, i64>(0)).unwrap() as u64
}

/// Rows of `table` in the PostgreSQL database, counted on a connection of its own.
fn pg_count(client: &mut postgres::Client, table: &str) -> u64 {
    client.query_one(&format!("SELECT count(*) FROM \"{table}\""), &[]).unwrap().get::<_, i64>(0) as u64
}

fn copy(source: &Store, target: &mut Store) -> packline::store::Result<CopyReport> {
    source.copy_into(target, |_| {})
}

#[test]
fn the_demo_warehouse_copied_into_postgres_reads_the_same() {
    let Some(url) = new_database("the_demo_warehouse_copied_into_postgres_reads_the_same") else {
        return;
    };
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("demo.db");
    let mut source = Store::open(&path).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 2, 10, 0, 0).unwrap();
    packline::demo::seed(&mut source, &packline::demo::DemoOptions { orders: 1_500, seed: 42, now }, &mut |_, _| {})
        .unwrap();
    // An outbox row whose channel is empty although its order has one: the
    // PostgreSQL INSERT trigger would fill it in; the copy must not.
    let raw = Connection::open(&path).unwrap();
    raw.execute(
        "INSERT INTO outbox (kind, idempotency_key, payload, created_at, channel) \
         VALUES ('refund', 'test-refund-1', '{\"order\": \"ORD-000001\"}', 0, 'shop')",
        [],
    )
    .unwrap();
    raw.execute("UPDATE outbox SET channel = '' WHERE idempotency_key = 'test-refund-1'", []).unwrap();

    let mut target = Store::open(Path::new(&url)).unwrap();
    assert_eq!(target.backend(), Backend::Postgres);
    let mut seen: Vec<String> = Vec::new();
    let mut verifying = false;
    let report = source
        .copy_into(&mut target, |step| match step {
            CopyProgress::Copied { table, .. } => seen.push(table.to_owned()),
            CopyProgress::Verifying => verifying = true,
            CopyProgress::Rows { .. } => {}
        })
        .unwrap();
    assert!(verifying);
    let copied: Vec<&str> = report.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(seen, copied, "progress names every table once, in copy order");
    let at = |name: &str| copied.iter().position(|t| *t == name).unwrap_or_else(|| panic!("{name} not copied"));
    assert!(
        at("channels") < at("orders") && at("orders") < at("order_lines") && at("order_lines") < at("reservations")
    );
    assert!(at("skus") < at("stock") && at("stock") < at("movements") && at("orders") < at("order_search"));

    // Per table, the rows counted by each database itself.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for t in &report.tables {
        let in_sqlite = sqlite_count(&raw, &t.table);
        assert_eq!(t.rows, in_sqlite, "{}: rows copied", t.table);
        assert_eq!(pg_count(&mut client, &t.table), in_sqlite, "{}: rows in PostgreSQL", t.table);
    }
    assert!(report.rows() > 10_000, "{}", report.rows());
    for (table, least) in [("orders", 1_500), ("events", 1_000), ("movements", 1_000), ("order_search", 1_500)] {
        let rows = report.tables.iter().find(|t| t.table == table).unwrap().rows;
        assert!(rows >= least, "{table}: {rows}");
    }
    let verified = &report.verified;
    assert_eq!((verified.tables, verified.rows), (report.tables.len(), report.rows()));
    assert!(verified.source_audit.is_clean() && verified.target_audit.is_clean());
    assert_eq!(verified.source_audit.ledger_mismatches + verified.target_audit.ledger_mismatches, 0);
    let totals: (i64, i64) =
        raw.query_row("SELECT sum(on_hand), sum(reserved) FROM stock", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((verified.on_hand, verified.reserved), totals);
    assert!(totals.1 > 0, "the demo has reservations");
    let channel: String =
        client.query_one("SELECT channel FROM outbox WHERE idempotency_key = 'test-refund-1'", &[]).unwrap().get(0);
    assert_eq!(channel, "", "the INSERT trigger did not change the copied row");
    let sync_lease = pg_count(&mut client, "sync_lease");
    assert_eq!(sync_lease, sqlite_count(&raw, "sync_lease"), "the schema's seed row was replaced, not added to");
    drop(target);

    // The PostgreSQL store, opened as any terminal opens it, reads as the SQLite one.
    let mut copy_store = Store::open(Path::new(&url)).unwrap();
    assert_eq!(copy_store.status_counts().unwrap(), source.status_counts().unwrap());
    assert_eq!(copy_store.hold_counts().unwrap(), source.hold_counts().unwrap());
    assert_eq!(copy_store.totals().unwrap(), source.totals().unwrap());
    assert_eq!(copy_store.ledger_mismatches().unwrap(), 0);
    assert_eq!(copy_store.audit_allocation().unwrap(), source.audit_allocation().unwrap());
    // Some stock rows without a lot that hold reservations, and some that do not.
    let mut stmt = raw
        .prepare(
            "SELECT k.code, b.code, s.reserved > 0 FROM stock s JOIN skus k ON k.id = s.sku_id JOIN bins b ON b.id = s.bin_id
             WHERE s.lot_id IS NULL ORDER BY s.reserved > 0 DESC, s.id LIMIT 3 OFFSET 100",
        )
        .unwrap();
    let samples: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(samples.len(), 3);
    for (sku, bin_code) in &samples {
        let balance = source.stock_balance(bin(bin_code), sku, None).unwrap();
        assert!(balance.on_hand > 0, "{sku} in {bin_code}");
        assert_eq!(copy_store.stock_balance(bin(bin_code), sku, None).unwrap(), balance, "{sku} in {bin_code}");
    }
    let everything = AuditQuery::since(DateTime::<Utc>::UNIX_EPOCH, 1_000_000);
    let events = source.audit_events(&everything).unwrap();
    assert!(events.len() > 1_000);
    assert_eq!(copy_store.audit_events(&everything).unwrap(), events);

    // New rows get new ids: the identity sequences were moved past the copied ones.
    let channels = sqlite_count(&raw, "channels") as i64;
    let id = copy_store.add_channel(&actor(), "extra", "Extra", "file").unwrap();
    assert_eq!(id, channels + 1);
    let last_event: i64 = raw.query_row("SELECT max(id) FROM events", [], |r| r.get(0)).unwrap();
    let max_event: i64 = client.query_one("SELECT max(id) FROM events", &[]).unwrap().get(0);
    assert_eq!(max_event, last_event + 1, "the new channel's event follows the copied ones");

    // A second migration into the same, now used, database is refused and changes nothing.
    let orders = pg_count(&mut client, "orders");
    let refused = copy(&source, &mut copy_store).unwrap_err().to_string();
    assert!(refused.contains("is not empty"), "{refused}");
    assert_eq!(pg_count(&mut client, "orders"), orders);
    assert_eq!(pg_count(&mut client, "events"), sqlite_count(&raw, "events") + 1);
}

#[test]
fn a_database_that_is_not_empty_is_refused_and_left_as_it_was() {
    let Some(url) = new_database("a_database_that_is_not_empty_is_refused_and_left_as_it_was") else {
        return;
    };
    let dir = TempDir::new().unwrap();
    let source = Store::open(&small_store(dir.path())).unwrap();
    let mut target = Store::open(Path::new(&url)).unwrap();
    target
        .add_operator(
            &actor(),
            &packline::domain::Operator {
                badge: "EMP-0042".into(),
                name: "Someone".into(),
                role: packline::domain::Role::Packer,
            },
        )
        .unwrap();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let before: Vec<u64> =
        ["operators", "events", "channels", "orders", "sync_lease"].iter().map(|t| pg_count(&mut client, t)).collect();
    assert_eq!(before, [1, 1, 0, 0, 1]);

    let refused = copy(&source, &mut target).unwrap_err().to_string();
    assert!(refused.contains("is not empty") && refused.contains("operators"), "{refused}");
    assert!(refused.contains("nothing was copied"), "{refused}");
    let after: Vec<u64> =
        ["operators", "events", "channels", "orders", "sync_lease"].iter().map(|t| pg_count(&mut client, t)).collect();
    assert_eq!(after, before);
    let lease: Option<String> = client.query_one("SELECT station FROM sync_lease", &[]).unwrap().get(0);
    assert_eq!(lease, None, "the seed row is still there");

    // The other way round, and SQLite into SQLite, are refused before anything is read.
    let mut other = Store::open(&dir.path().join("other.db")).unwrap();
    assert!(copy(&source, &mut other).unwrap_err().to_string().contains("not a PostgreSQL database"));
    assert!(copy(&target, &mut other).unwrap_err().to_string().contains("PostgreSQL store already"));
}

fn run(cmd: &mut std::process::Command) -> (Output, String, String) {
    let output = cmd.stdin(Stdio::null()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

#[test]
fn packline_migrate_prints_the_summary_and_keeps_the_password_to_itself() {
    let Some(url) = new_database("packline_migrate_prints_the_summary_and_keeps_the_password_to_itself") else {
        return;
    };
    let home = TempDir::new().unwrap();
    let db = small_store(home.path());
    // The test cluster trusts loopback, so any password is accepted (and must never be shown).
    let with_password = url.replacen("packline@", "packline:s3cret-pw@", 1);
    let (output, stdout, stderr) = run(packline(home.path(), &db).args(["migrate", "--to", &with_password]));
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("table"), "{stdout}");
    let row = |table: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .unwrap_or_else(|| panic!("no {table} row in\n{stdout}"))
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_eq!(row("orders"), "1");
    assert_eq!(row("order_lines"), "1");
    assert_eq!(row("stock"), "1");
    assert_eq!(row("order_search"), "1");
    assert_eq!(row("shipments"), "0");
    let conn = Connection::open(&db).unwrap();
    let events = sqlite_count(&conn, "events");
    assert_eq!(row("events"), events.to_string());
    let verified = stdout.lines().find(|l| l.starts_with("verified: ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(verified.ends_with("rows, ledger equals balances on both sides"), "{verified}");
    assert!(stderr.contains("Copying") && stderr.contains("packline@127.0.0.1"), "{stderr}");
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"), "the password was printed:\n{stdout}\n{stderr}");

    // Again into the same database: refused (exit 1), nothing printed as copied.
    let (output, stdout, stderr) = run(packline(home.path(), &db).args(["migrate", "--to", &with_password]));
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    assert_eq!(pg_count(&mut client, "orders"), 1);
}

#[test]
fn packline_migrate_refuses_bad_usage_with_exit_code_2() {
    let home = TempDir::new().unwrap();
    let db = small_store(home.path());
    for to in ["mysql://root:s3cret@db.example/packline", "elsewhere.db", "sqlite:///tmp/x.db"] {
        let (output, stdout, stderr) = run(packline(home.path(), &db).args(["migrate", "--to", to]));
        assert_eq!(output.status.code(), Some(2), "--to {to}: {stdout}\n{stderr}");
        assert!(stderr.contains("name a PostgreSQL database"), "{stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
    let (output, _, stderr) = run(packline(home.path(), &db).arg("migrate"));
    assert_eq!(output.status.code(), Some(2), "--to is required: {stderr}");

    // The source must be a SQLite store.
    let pg_source = Path::new("postgres://packline:s3cret@127.0.0.1:1/source");
    let (output, _, stderr) =
        run(packline(home.path(), pg_source).args(["migrate", "--to", "postgres://127.0.0.1:1/t"]));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("PostgreSQL already") && !stderr.contains("s3cret"), "{stderr}");

    // A source that does not exist is a failure (exit 1), and is not created.
    let missing = home.path().join("missing.db");
    let (output, _, stderr) =
        run(packline(home.path(), &missing).args(["migrate", "--to", "postgres://127.0.0.1:1/t"]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("there is no store at"), "{stderr}");
    assert!(!missing.exists());
}
