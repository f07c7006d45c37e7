//! Several packline processes on one store at once (DESIGN section 7: every
//! write is `BEGIN IMMEDIATE` on SQLite and takes the store's write lock
//! first on PostgreSQL (see `Db::write`); stock is changed only by
//! conditional updates), driven through the hidden `packline probe`
//! commands, on both databases:
//!
//! - two processes import an order for the same units at the same instant:
//!   exactly one gets them, the other is backordered, nothing is
//!   over-allocated;
//! - several processes import, cancel and adjust stock on a few hot SKUs for
//!   a few seconds; afterwards every invariant still holds, checked both by
//!   the store's own audit and by plain SQL here;
//! - two pickers pick two waves from the same bins at the same instant (one
//!   shorting a stop, so units move to another bin meanwhile); every unit
//!   picked leaves the stock exactly once, and a picker cannot take a wave
//!   another station holds the lease on.
//!
//! The outcome never depends on who wins a race, only on the invariants.
//! The plain-SQL checks read the database through a connection of their own
//! (`raw`), the same queries on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;
mod raw;

use common::{bin, order, sku};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::Utc;
use packline::domain::queue::StatusCounts;
use packline::domain::{Actor, Bin, Layout, NewOrder, OrderNumber, OrderStatus, Verdict, WaveNumber, WaveStatus, Zone};
use packline::planning::batching::{self, WaveRules};
use packline::store::{StockBalance, Store};
use raw::Raw;
use tempfile::TempDir;

/// How long after spawning the children they all start (process start and
/// store open in a debug build, on a busy machine, fit well inside).
const START_LEAD_MS: u64 = 1_000;

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// A store with the `shop` channel and `stock` as (SKU, bin, zone, units),
/// with its own directory, which is also the children's HOME (and on
/// SQLite holds the store's file).
struct Fixture {
    dir: TempDir,
    /// The store's file, or its PostgreSQL URL.
    db: PathBuf,
}

impl Fixture {
    fn new(backend: &pg::Backend, stock: &[(&str, &str, Zone, u32)]) -> Self {
        let dir = TempDir::new().unwrap();
        let db = backend.location(dir.path(), "packline.db");
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
        let mut cmd = common::packline(self.dir.path(), &self.db);
        cmd.arg("probe").args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    fn raw(&self) -> Raw {
        Raw::open(&self.db)
    }

    /// The order imported as `external_id` (the test's own ids: plain letters, digits and dashes).
    fn number(&self, external_id: &str) -> OrderNumber {
        OrderNumber(self.raw().int(&format!("SELECT id FROM orders WHERE external_id = '{external_id}'")))
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
fn race_for_the_same_units(backend: &pg::Backend, on_hand: u32, qty: u32, rounds: usize) {
    let mut overlapped = 0;
    for round in 0..rounds {
        let fixture = Fixture::new(backend, &[("HOT-1", "01-001-A", Zone::A, on_hand)]);
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
        // Both on time means both were inside the database within about a millisecond.
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

fn two_orders_of_8_for_10_on_hand_one_ready_one_backordered(backend: &pg::Backend) {
    race_for_the_same_units(backend, 10, 8, 5);
}

fn two_orders_of_5_for_5_on_hand_exactly_one_ready(backend: &pg::Backend) {
    race_for_the_same_units(backend, 5, 5, 2);
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

fn four_processes_churning_keep_every_stock_invariant(backend: &pg::Backend) {
    let fixture = Fixture::new(backend, &CHURN_STOCK);
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
    let count = |sql: &str| -> i64 { raw.int(sql) };
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
    assert_eq!(count(&format!("SELECT count(*) FROM ({line_units}) AS u WHERE status = 'ready' AND held <> qty")), 0);
    assert_eq!(count(&format!("SELECT count(*) FROM ({line_units}) AS u WHERE status <> 'ready' AND held <> 0")), 0);
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
    for row in raw.rows("SELECT status, count(*) FROM orders GROUP BY status") {
        by_status.insert(row[0].text().parse::<OrderStatus>().unwrap(), row[1].int() as u64);
    }
    assert_eq!(store.status_counts().unwrap(), StatusCounts(by_status));
}

/// Sustained back-to-back writes from four processes. Each operation is a
/// short `BEGIN IMMEDIATE` transaction; with SQLite's default busy handler
/// (sleeps growing to 100 ms, no queue) whoever just committed kept winning,
/// and a process could wait past the 5 s busy timeout and fail with
/// SQLITE_BUSY. The store's own handler polls with short jittered sleeps, so
/// every writer gets its turn (the longest wait seen is tens of milliseconds).
/// On PostgreSQL a write that cannot go ahead within about 5 s (the write
/// lock still held, or a conflict still repeating) fails as busy
/// (`StoreError::is_busy`) just as SQLITE_BUSY does; a churn process fails on
/// either, so every writer finishing means none was starved.
fn sustained_contention_starves_no_writer(backend: &pg::Backend) {
    let fixture = Fixture::new(backend, &CHURN_STOCK);
    for output in churn(&fixture, CHURNERS, "8") {
        succeeded("churn", &output);
    }
    assert!(fixture.store().audit_allocation().unwrap().is_clean());
}

// ---------------------------------------------------------------------------
// Two pickers, two waves, the same bins
// ---------------------------------------------------------------------------

/// Six SKUs, each in a near bin and a far one; orders are allocated from the
/// near bins, so the far ones are where a short pick finds the units.
const PICK_STOCK: [(&str, &str, Zone, u32); 12] = [
    ("PK-1", "01-003-A", Zone::A, 40),
    ("PK-1", "10-018-C", Zone::C, 40),
    ("PK-2", "02-004-B", Zone::A, 40),
    ("PK-2", "11-020-C", Zone::C, 40),
    ("PK-3", "01-007-C", Zone::A, 40),
    ("PK-3", "12-022-A", Zone::C, 40),
    ("PK-4", "03-002-A", Zone::A, 40),
    ("PK-4", "09-016-D", Zone::C, 40),
    ("PK-5", "02-009-B", Zone::A, 40),
    ("PK-5", "10-024-B", Zone::C, 40),
    ("PK-6", "04-005-A", Zone::A, 40),
    ("PK-6", "12-010-C", Zone::C, 40),
];
/// Orders in the pick tests: two waves of eight.
const PICK_ORDERS: usize = 16;

/// A store with `stock`, `PICK_ORDERS` ready orders of two lines each over
/// its SKUs, and those orders planned into two released waves of eight.
fn two_released_waves(backend: &pg::Backend, stock: &[(&str, &str, Zone, u32)]) -> (Fixture, Vec<WaveNumber>) {
    let fixture = Fixture::new(backend, stock);
    let mut skus: Vec<&str> = stock.iter().map(|&(code, ..)| code).collect();
    skus.dedup();
    let mut store = fixture.store();
    let orders: Vec<NewOrder> = (0..PICK_ORDERS)
        .map(|i| {
            let first = (skus[i % skus.len()].to_owned(), 1 + (i % 3) as u32);
            let second = (skus[(i + skus.len() / 2) % skus.len()].to_owned(), 2);
            order(&format!("P{i}"), &[first, second])
        })
        .collect();
    let summary = store.import_checked(&actor(), &orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.ready, PICK_ORDERS as u64, "{summary:?}");
    let rules = WaveRules {
        min_orders: 1,
        max_orders: PICK_ORDERS / 2,
        totes_per_cart: PICK_ORDERS / 2,
        units_per_tote: 40,
        pool: PICK_ORDERS,
        cutoff: "14:00:00".parse().unwrap(),
        lease_seconds: 120,
    };
    let mut candidates = store.wave_candidates(PICK_ORDERS).unwrap();
    batching::by_urgency(&mut candidates, &rules, Utc::now());
    let plans = batching::plan_all(&Layout::demo(), &candidates, &rules);
    assert_eq!(plans.iter().map(|p| p.orders.len()).collect::<Vec<_>>(), [PICK_ORDERS / 2; 2]);
    let waves = store.create_waves(&actor(), &plans).unwrap();
    for wave in &waves {
        store.release_wave(&actor(), *wave).unwrap();
    }
    // The pickers meet: both waves take units from some of the same stock rows.
    let rows = |wave| store.pick_list(wave).unwrap().stops.iter().map(|s| s.stock_id).collect::<BTreeSet<_>>();
    assert!(!rows(waves[0]).is_disjoint(&rows(waves[1])));
    (fixture, waves)
}

/// `(on hand, reserved)` over every stock row.
fn stock_totals(fixture: &Fixture) -> (i64, i64) {
    let row = fixture.raw().row("SELECT CAST(sum(on_hand) AS BIGINT), CAST(sum(reserved) AS BIGINT) FROM stock");
    (row[0].int(), row[1].int())
}

/// Units of every open pick task.
fn open_task_units(fixture: &Fixture) -> i64 {
    fixture.raw().int("SELECT CAST(sum(qty) AS BIGINT) FROM pick_tasks WHERE status = 'open'")
}

/// `pick-wave` for `wave` at station `ST-<n>` with badge `EMP-000<n>`.
fn pick_wave(fixture: &Fixture, wave: WaveNumber, n: usize, extra: &[&str]) -> Command {
    let (wave, station, badge) = (wave.to_string(), format!("ST-{n}"), format!("EMP-{n:04}"));
    let mut args = vec!["pick-wave", "--wave", &wave, "--station", &station, "--badge", &badge];
    args.extend(extra);
    fixture.probe(&args)
}

/// Runs one picker per wave, all starting at the same instant, each with its
/// `extra` arguments; checks what every pick test checks and returns each
/// picker's `key=value` summary.
fn pick_at_once(fixture: &Fixture, waves: &[WaveNumber], extra: [&[&str]; 2]) -> Vec<BTreeMap<String, f64>> {
    let units = open_task_units(fixture);
    let (on_hand, reserved) = stock_totals(fixture);
    assert_eq!(reserved, units, "every open task holds its units");
    let start_at = (unix_ms() + START_LEAD_MS).to_string();
    let children: Vec<Child> = waves
        .iter()
        .enumerate()
        .map(|(i, wave)| {
            let args = [["--start-at-ms", start_at.as_str()].as_slice(), extra[i]].concat();
            pick_wave(fixture, *wave, i + 1, &args).spawn().unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(finish).collect();
    let summaries: Vec<BTreeMap<String, f64>> = outputs
        .iter()
        .zip(waves)
        .map(|(output, wave)| {
            let stdout = succeeded("pick-wave", output);
            eprint!("{stdout}");
            let last = stdout.lines().last().unwrap();
            assert!(last.starts_with(&format!("picked {wave} ")), "{stdout}");
            summary(last)
        })
        .collect();
    let total = |key: &str| summaries.iter().map(|s| s[key]).sum::<f64>() as i64;

    let store = fixture.store();
    for wave in waves {
        let summary = store.wave(*wave).unwrap();
        assert_eq!((summary.status, summary.lease), (WaveStatus::Picked, None), "{wave}");
    }
    // Orders: picked, except those a short pick left short.
    let mut statuses = BTreeMap::new();
    for n in 1..=PICK_ORDERS as i64 {
        *statuses.entry(store.order_status(OrderNumber(n)).unwrap()).or_insert(0) += 1;
    }
    let short = total("short_orders");
    let mut expected = BTreeMap::from([(OrderStatus::Picked, PICK_ORDERS as i64 - short)]);
    if short > 0 {
        expected.insert(OrderStatus::Short, short);
    }
    expected.retain(|_, n| *n > 0);
    assert_eq!(statuses, expected, "{summaries:?}");
    // Stock: what was picked left the bins exactly once; nothing stays reserved.
    let audit = store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{audit:?}");
    assert_eq!(store.ledger_mismatches().unwrap(), 0);
    let picked = fixture.raw().int("SELECT CAST(sum(picked) AS BIGINT) FROM pick_tasks");
    assert_eq!(picked, total("units"), "the pickers' own count");
    assert_eq!(stock_totals(fixture), (on_hand - picked, 0));
    // Every short pick asks for a count; a bin has one open count task however often it is shorted.
    let requests =
        fixture.raw().row("SELECT count(*), count(DISTINCT subject) FROM events WHERE kind = 'count_requested'");
    let (asked, bins) = (requests[0].int(), requests[1].int());
    assert_eq!(asked, total("shorts"), "a count request per short pick");
    assert_eq!(store.count_tasks().unwrap().len() as i64, bins, "one open count task per shorted bin");
    summaries
}

fn two_pickers_pick_two_waves_at_once_and_a_short_moves_to_another_bin(backend: &pg::Backend) {
    let (fixture, waves) = two_released_waves(backend, &PICK_STOCK);
    let units = open_task_units(&fixture);
    let summaries = pick_at_once(&fixture, &waves, [&["--short-first"], &[]]);
    // The far bins had the units: nothing was left short, every unit was picked.
    assert_eq!((summaries[0]["shorts"], summaries[0]["short_orders"]), (1.0, 0.0), "{summaries:?}");
    assert!(summaries[0]["moved_to"] >= 1.0, "{summaries:?}");
    assert_eq!(summaries.iter().map(|s| s["units"] as i64).sum::<i64>(), units);
    let far_picked = fixture.raw().int(
        "SELECT count(*) FROM movements m JOIN stock s ON s.id = m.stock_id JOIN bins b ON b.id = s.bin_id
         WHERE m.kind = 'pick' AND b.zone = 'C'",
    );
    assert!(far_picked > 0, "the short stop was picked from a far bin");
}

fn two_pickers_shorting_with_no_other_bin_leave_only_those_orders_short(backend: &pg::Backend) {
    // Each SKU in one bin only: a short pick has nowhere else to go.
    let near: Vec<(&str, &str, Zone, u32)> = PICK_STOCK.iter().copied().step_by(2).collect();
    let (fixture, waves) = two_released_waves(backend, &near);
    let summaries = pick_at_once(&fixture, &waves, [&["--short-first"], &["--short-first"]]);
    let total = |key: &str| summaries.iter().map(|s| s[key]).sum::<f64>() as i64;
    assert_eq!((total("shorts"), total("moved_to")), (2, 0), "{summaries:?}");
    assert!(total("short_orders") >= 2, "each short stop leaves its orders short: {summaries:?}");
}

fn a_picker_cannot_take_a_wave_another_station_is_picking(backend: &pg::Backend) {
    let (fixture, waves) = two_released_waves(backend, &PICK_STOCK);
    let mut first = pick_wave(&fixture, waves[0], 1, &["--hold"]).stdin(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    let took = lines.next().unwrap().unwrap();
    assert!(took.starts_with(&format!("took {} ", waves[0])), "{took}");
    // While the first picker holds the lease.
    let second = pick_wave(&fixture, waves[0], 2, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{} is held by EMP-0001 at ST-1 since", waves[0])), "{stderr}");
    assert!(second.stdout.is_empty(), "refused before taking anything");
    drop(first.stdin.take());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(first.wait().unwrap().success(), "{rest:?}");
    assert!(rest.last().unwrap().starts_with(&format!("picked {} ", waves[0])), "{rest:?}");
    // A picked wave is refused too; the other wave is still free to take.
    let again = pick_wave(&fixture, waves[0], 2, &[]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("is picked: there is nothing to pick"));
    succeeded("pick-wave", &pick_wave(&fixture, waves[1], 2, &[]).output().unwrap());
    assert!(fixture.store().audit_allocation().unwrap().is_clean());
}

on_both_backends!(
    two_orders_of_8_for_10_on_hand_one_ready_one_backordered,
    two_orders_of_5_for_5_on_hand_exactly_one_ready,
    four_processes_churning_keep_every_stock_invariant,
    sustained_contention_starves_no_writer,
    two_pickers_pick_two_waves_at_once_and_a_short_moves_to_another_bin,
    two_pickers_shorting_with_no_other_bin_leave_only_those_orders_short,
    a_picker_cannot_take_a_wave_another_station_is_picking,
);
