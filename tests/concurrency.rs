//! Several packline processes on one store at once (DESIGN section 7: every
//! write is `BEGIN IMMEDIATE`, stock is changed only by conditional updates),
//! driven through the hidden `packline probe` commands:
//!
//! - two processes import an order for the same units at the same instant:
//!   exactly one gets them, the other is backordered, nothing is
//!   over-allocated;
//! - several processes import, cancel and adjust stock on a few hot SKUs for
//!   a few seconds; afterwards every invariant still holds, checked both by
//!   the store's own audit and by plain SQL here.
//!
//! The outcome never depends on who wins a race, only on the invariants.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use packline::domain::queue::StatusCounts;
use packline::domain::{Actor, Bin, BinCode, NewSku, OrderNumber, OrderStatus, Zone};
use packline::store::{StockBalance, Store};
use rusqlite::Connection;
use tempfile::TempDir;

/// How long after spawning the children they all start (process start and
/// store open in a debug build, on a busy machine, fit well inside).
const START_LEAD_MS: u64 = 1_000;

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

fn bin(code: &str) -> BinCode {
    code.parse().unwrap()
}

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

fn sku(code: &str) -> NewSku {
    NewSku {
        code: code.into(),
        title: format!("Item {code}"),
        gtins: Vec::new(),
        length_mm: 100,
        width_mm: 80,
        height_mm: 40,
        weight_g: 250,
        lot_tracked: false,
        expiry_tracked: false,
        serial_tracked: false,
        hs_code: None,
        origin_country: None,
        customs_value_minor: None,
    }
}

/// A store with the `shop` channel and `stock` as (SKU, bin, zone, units),
/// in its own directory, which is also the children's HOME.
struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn new(stock: &[(&str, &str, Zone, u32)]) -> Self {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("packline.db");
        let mut store = Store::open(&db).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        let mut bins: Vec<Bin> = stock.iter().map(|&(_, code, zone, _)| Bin { code: bin(code), zone }).collect();
        bins.sort_by_key(|b| b.code);
        bins.dedup();
        store.add_bins(&actor(), &bins).unwrap();
        let mut skus: Vec<&str> = stock.iter().map(|&(code, ..)| code).collect();
        skus.sort_unstable();
        skus.dedup();
        store.add_skus(&actor(), &skus.iter().map(|code| sku(code)).collect::<Vec<_>>()).unwrap();
        for &(code, bin_code, _, qty) in stock {
            store.receive_stock(&actor(), bin(bin_code), code, None, qty, "goods-in").unwrap();
        }
        Self { dir, db }
    }

    /// `packline --db <store> probe ...` with HOME and XDG dirs inside the
    /// fixture (so the default config, whole-order backorders, applies).
    fn probe(&self, args: &[&str]) -> Command {
        let home = self.dir.path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_packline"));
        cmd.env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LOG")
            .arg("--db")
            .arg(&self.db)
            .arg("probe")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    fn raw(&self) -> Connection {
        let conn = Connection::open(&self.db).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    fn number(&self, external_id: &str) -> OrderNumber {
        OrderNumber(
            self.raw().query_row("SELECT id FROM orders WHERE external_id = ?1", [external_id], |r| r.get(0)).unwrap(),
        )
    }
}

fn finish(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

/// Stdout of a child that must have succeeded.
fn succeeded(what: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}): stdout {stdout:?}, stderr {:?}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

// ---------------------------------------------------------------------------
// Two orders for the same units at the same instant
// ---------------------------------------------------------------------------

/// `rounds` times on a fresh store: `on_hand` units of one SKU in one bin,
/// two processes each import an order of `qty` at the same instant.
fn race_for_the_same_units(on_hand: u32, qty: u32, rounds: usize) {
    let mut overlapped = 0;
    for round in 0..rounds {
        let fixture = Fixture::new(&[("HOT-1", "01-001-A", Zone::A, on_hand)]);
        let start_at = (unix_ms() + START_LEAD_MS).to_string();
        let ids = [format!("R{round}-A"), format!("R{round}-B")];
        let children: Vec<Child> = ids
            .iter()
            .map(|id| {
                let qty = qty.to_string();
                let args =
                    ["import-one", "--external-id", id, "--sku", "HOT-1", "--qty", &qty, "--start-at-ms", &start_at];
                fixture.probe(&args).spawn().unwrap()
            })
            .collect();
        let outputs: Vec<Output> = children.into_iter().map(finish).collect();
        let lines: Vec<String> = outputs.iter().map(|o| succeeded("import-one", o).trim().to_owned()).collect();
        // Both on time means both were inside SQLite within about a millisecond.
        eprintln!("round {round}: {lines:?}");
        if lines.iter().all(|l| l.ends_with("late_ms=0")) {
            overlapped += 1;
        }
        let statuses: Vec<&str> = lines.iter().map(|l| l.split_whitespace().next().unwrap()).collect();
        let mut sorted = statuses.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ["backordered", "ready"], "round {round}: {lines:?}");

        let store = fixture.store();
        let audit = store.audit_allocation().unwrap();
        assert!(audit.is_clean(), "round {round}: {audit:?}");
        let balance = store.stock_balance(bin("01-001-A"), "HOT-1", None).unwrap();
        assert_eq!(balance, StockBalance { on_hand: i64::from(on_hand), reserved: i64::from(qty) }, "round {round}");
        for (id, status) in ids.iter().zip(&statuses) {
            let number = fixture.number(id);
            let reserved: u32 = store.order_reservations(number).unwrap().iter().map(|r| r.qty).sum();
            if *status == "ready" {
                assert_eq!(store.order_status(number).unwrap(), OrderStatus::Ready);
                assert_eq!(reserved, qty, "round {round}: the ready order holds its units");
            } else {
                assert_eq!(store.order_status(number).unwrap(), OrderStatus::Backordered);
                assert_eq!(reserved, 0, "round {round}: a whole-order backorder holds nothing");
            }
        }
    }
    eprintln!("{overlapped} of {rounds} rounds started both imports on time");
}

#[test]
fn two_orders_of_8_for_10_on_hand_one_ready_one_backordered() {
    race_for_the_same_units(10, 8, 5);
}

#[test]
fn two_orders_of_5_for_5_on_hand_exactly_one_ready() {
    race_for_the_same_units(5, 5, 2);
}

// ---------------------------------------------------------------------------
// Churn: imports, cancellations and stock adjustments from four processes
// ---------------------------------------------------------------------------

/// Three hot SKUs, each in three bins of different zones, with little stock.
const CHURN_STOCK: [(&str, &str, Zone, u32); 9] = [
    ("HOT-A", "01-001-A", Zone::A, 6),
    ("HOT-A", "05-010-B", Zone::B, 4),
    ("HOT-A", "09-020-C", Zone::C, 3),
    ("HOT-B", "01-002-A", Zone::A, 5),
    ("HOT-B", "05-011-B", Zone::B, 5),
    ("HOT-B", "09-021-C", Zone::C, 2),
    ("HOT-C", "01-003-A", Zone::A, 8),
    ("HOT-C", "05-012-B", Zone::B, 3),
    ("HOT-C", "09-022-C", Zone::C, 4),
];
const CHURNERS: u64 = 4;
/// Each churn process's running time (seconds, as the probe takes it).
const CHURN_SECONDS: &str = "4";

/// One churn process's `key=value` summary.
fn summary(line: &str) -> BTreeMap<String, f64> {
    line.split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
        .collect()
}

/// Runs `processes` churn probes on the fixture, all starting at the same
/// instant, and returns their outputs.
fn churn(fixture: &Fixture, processes: u64, seconds: &str) -> Vec<Output> {
    let slots: Vec<String> = CHURN_STOCK.iter().map(|(sku, bin, ..)| format!("{sku}@{bin}")).collect();
    let start_at = (unix_ms() + START_LEAD_MS).to_string();
    let children: Vec<Child> = (1..=processes)
        .map(|seed| {
            let (seed, tag) = (seed.to_string(), format!("p{seed}"));
            let mut args =
                vec!["churn", "--seconds", seconds, "--seed", &seed, "--tag", &tag, "--start-at-ms", &start_at];
            for slot in &slots {
                args.extend(["--slot", slot]);
            }
            fixture.probe(&args).spawn().unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(finish).collect();
    for o in &outputs {
        eprint!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    }
    outputs
}

#[test]
fn four_processes_churning_keep_every_stock_invariant() {
    let fixture = Fixture::new(&CHURN_STOCK);
    // Back-to-back writes with no pause; this test is about the invariants
    // (the one below is about every writer getting its turn).
    let outputs = churn(&fixture, CHURNERS, CHURN_SECONDS);
    let summaries: Vec<BTreeMap<String, f64>> = outputs.iter().map(|o| summary(succeeded("churn", o).trim())).collect();
    let total = |key: &str| summaries.iter().map(|s| s[key]).sum::<f64>() as i64;

    // Work happened, and it was contended.
    assert!(total("orders") >= 20, "{summaries:?}");
    assert!(total("ready") > 0 && total("backordered") > 0, "{summaries:?}");
    assert!(total("cancels") > 0 && total("additions") > 0, "{summaries:?}");

    // The store's own audit.
    let store = fixture.store();
    let audit = store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{audit:?}");
    assert_eq!(store.ledger_mismatches().unwrap(), 0);

    // The same invariants, and a few more, in plain SQL.
    let raw = fixture.raw();
    let count = |sql: &str| -> i64 { raw.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM orders"), total("orders"), "every order sent was stored once");
    assert_eq!(
        count("SELECT count(*) FROM orders WHERE status = 'cancelled'"),
        total("cancels"),
        "every cancellation counted once"
    );
    assert_eq!(count("SELECT count(*) FROM stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand"), 0);
    assert_eq!(
        count(
            "SELECT count(*) FROM stock s LEFT JOIN (
                 SELECT stock_id, sum(delta_on_hand) AS oh, sum(delta_reserved) AS rs FROM movements GROUP BY stock_id
             ) m ON m.stock_id = s.id WHERE s.on_hand <> coalesce(m.oh, 0) OR s.reserved <> coalesce(m.rs, 0)"
        ),
        0,
        "the ledger sums to the balances"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM stock s LEFT JOIN (SELECT stock_id, sum(qty) AS n FROM reservations GROUP BY stock_id) r
             ON r.stock_id = s.id WHERE s.reserved <> coalesce(r.n, 0)"
        ),
        0,
        "each row's reserved units are the orders' reservations"
    );
    // Per order line: ready lines hold exactly their units, backordered
    // (whole policy) and cancelled ones hold none.
    let line_units = "SELECT l.qty AS qty, coalesce((SELECT sum(r.qty) FROM reservations r
                          WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0) AS held, o.status AS status
                      FROM order_lines l JOIN orders o ON o.id = l.order_id";
    assert_eq!(count(&format!("SELECT count(*) FROM ({line_units}) WHERE status = 'ready' AND held <> qty")), 0);
    assert_eq!(count(&format!("SELECT count(*) FROM ({line_units}) WHERE status <> 'ready' AND held <> 0")), 0);
    assert_eq!(count("SELECT count(*) FROM orders WHERE status NOT IN ('ready', 'backordered', 'cancelled')"), 0);
    // No backorder is left waiting for stock that is there: each one needs
    // more of some SKU than is free now.
    let fillable = count(
        "SELECT count(*) FROM orders o WHERE o.status = 'backordered' AND NOT EXISTS (
             SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty > coalesce(
                 (SELECT sum(s.on_hand - s.reserved) FROM stock s WHERE s.sku_id = l.sku_id), 0))",
    );
    assert_eq!(fillable, 0, "backorders that the free stock could fill");
    // The per-status counts the triggers keep agree with a full count.
    let mut by_status = BTreeMap::new();
    let mut stmt = raw.prepare("SELECT status, count(*) FROM orders GROUP BY status").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (status, n) = row.unwrap();
        by_status.insert(status.parse::<OrderStatus>().unwrap(), n as u64);
    }
    assert_eq!(store.status_counts().unwrap(), StatusCounts(by_status));
}

/// Sustained back-to-back writes from four processes. Each operation is a
/// short `BEGIN IMMEDIATE` transaction; with SQLite's default busy handler
/// (sleeps growing to 100 ms, no queue) whoever just committed kept winning,
/// and a process could wait past the 5 s busy timeout and fail with
/// SQLITE_BUSY. The store's own handler polls with short jittered sleeps, so
/// every writer gets its turn (the longest wait seen is tens of milliseconds).
#[test]
fn sustained_contention_starves_no_writer() {
    let fixture = Fixture::new(&CHURN_STOCK);
    for output in churn(&fixture, CHURNERS, "8") {
        succeeded("churn", &output);
    }
    assert!(fixture.store().audit_allocation().unwrap().is_clean());
}
