//! Crash safety of packing (DESIGN section 10, issue 6): a packer process
//! (`packline probe pack-loop`) packs picked orders through the store, unit
//! by unit, while this test kills it with SIGKILL at a random instant,
//! hundreds of times. After every kill the store is opened as the next
//! process would open it and checked:
//!
//! - SQLite's `integrity_check` is ok and `foreign_key_check` finds nothing
//!   (SQLite only: a PostgreSQL server has no file of ours to check, and
//!   enforces foreign keys on every statement);
//! - no order is packed twice: one set of packages (`package_no` 1..n, all
//!   saying n), one outbox entry, one `packing -> packed` event, and only
//!   packed or shipped orders have any;
//! - no unit is counted twice or lost: verified units never exceed a line's
//!   quantity, packed orders have exactly their units, every scan and undo
//!   has its audit event, and the store holds what the packer's last line
//!   said was done, at most the one step in flight beyond it;
//! - the per-status counts, the stock ledger and the allocation audit agree.
//!
//! The next run resumes the interrupted pack (its `open` line must report
//! exactly the units already stored) and goes on; a last run packs what is
//! left to the end. `PACKLINE_CRASH_RUNS` and `PACKLINE_CRASH_SEED` change
//! the number of kills and the random delays.
//!
//! The same runs on PostgreSQL: a packer killed mid-transaction leaves its
//! connection half-way through a transaction, which the server rolls back,
//! so nothing half-written is ever seen; a commit the server has taken is
//! there even if the packer died before printing it.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;
mod raw;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::{bin, order, sku};
use packline::domain::queue::StatusCounts;
use packline::domain::{Actor, Bin, OrderNumber, OrderStatus, Zone};
use packline::store::{SeedOrder, Store};
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use raw::Raw;
use tempfile::TempDir;

/// Kills per test run, unless `PACKLINE_CRASH_RUNS` says otherwise.
const RUNS: usize = 200;
/// Each kill comes 0 to this many milliseconds after the packer has the store open.
const MAX_DELAY_MS: u64 = 30;
/// The same on PostgreSQL, where each step of the packer is a few round
/// trips to the server (and its first use of a statement prepares it), so
/// the kills land mid-pack about as often as on SQLite.
const MAX_DELAY_MS_POSTGRES: u64 = 150;
/// Picked orders are topped up to at least this many before each run.
const MIN_WAITING: usize = 25;
/// Orders added per top-up.
const BATCH: usize = 60;
const SKUS: [&str; 6] = ["MUG", "TEE", "CAP", "BAG", "LOT", "SER"];

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A store with the `shop` channel, six SKUs (LOT needs a lot, SER a serial
/// number), some stock in the ledger, and picked orders, with its own
/// directory (the children's HOME, and on SQLite the store's).
struct Fixture {
    dir: TempDir,
    /// The store's file, or its PostgreSQL URL.
    db: PathBuf,
    batches: usize,
}

impl Fixture {
    fn new(backend: &pg::Backend) -> Self {
        let dir = TempDir::new().unwrap();
        let db = backend.location(dir.path(), "packline.db");
        let mut store = Store::open(&db).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        let skus: Vec<_> = SKUS
            .iter()
            .map(|code| {
                let mut s = sku(code);
                s.lot_tracked = *code == "LOT";
                s.serial_tracked = *code == "SER";
                s
            })
            .collect();
        store.add_skus(&actor(), &skus).unwrap();
        store.add_bins(&actor(), &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
        for code in SKUS.iter().filter(|c| **c != "LOT") {
            store.receive_stock(&actor(), bin("01-001-A"), code, None, 50, "goods-in").unwrap();
        }
        Self { dir, db, batches: 0 }
    }

    /// Adds `BATCH` picked orders of 1-4 lines, 1-3 units each.
    fn add_picked(&mut self, rng: &mut ChaCha8Rng) {
        self.batches += 1;
        let at = DateTime::<Utc>::from_timestamp(1_763_700_000, 0).unwrap();
        let seeds: Vec<SeedOrder> = (0..BATCH)
            .map(|i| {
                let kinds = rng.random_range(1..=4);
                let lines: Vec<(&str, u32)> = rand::seq::index::sample(rng, SKUS.len(), kinds)
                    .into_iter()
                    .map(|s| (SKUS[s], rng.random_range(1..=3)))
                    .collect();
                SeedOrder {
                    order: order(&format!("b{}-{i}", self.batches), &lines),
                    status: OrderStatus::Picked,
                    holds: Vec::new(),
                    status_at: at,
                    carrier_service: "DHL Paket".into(),
                    signature_required: false,
                    shipped_at: None,
                }
            })
            .collect();
        Store::open(&self.db).unwrap().seed_orders(&actor(), &seeds).unwrap();
    }

    /// `packline --db <store> probe pack-loop --seed SEED` with HOME inside the fixture.
    fn packer(&self, seed: u64) -> Command {
        let mut cmd = common::packline(self.dir.path(), &self.db);
        cmd.args(["probe", "pack-loop", "--seed", &seed.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn raw(&self) -> Raw {
        Raw::open(&self.db)
    }

    /// Waits until the server is done with every other connection to the
    /// store (PostgreSQL): a killed packer's session has then been rolled
    /// back, or its last commit taken, before the store is looked at. A
    /// commit already sent when the packer died would otherwise land after
    /// the snapshot. On SQLite a dead process's write is in the file or not.
    fn settle(&self) {
        let raw = self.raw();
        if !raw.is_postgres() {
            return;
        }
        let others =
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        let deadline = Instant::now() + Duration::from_secs(10);
        while raw.int(others) > 0 {
            assert!(Instant::now() < deadline, "the killed packer's session is still open after 10 s");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// One order as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OrderState {
    status: OrderStatus,
    /// Units verified, as the store totals them (scans not taken back).
    verified: u32,
    expected: u32,
    /// Scan rows ever stored, and how many of them were taken back.
    scans: u32,
    undone: u32,
}

type Snapshot = BTreeMap<OrderNumber, OrderState>;

/// One line of the packer's output.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Open(OrderNumber, u32, u32),
    Verified(OrderNumber, u32, u32),
    Undone(OrderNumber, u32, u32),
    Packed(OrderNumber, Vec<String>),
    Manifest,
    Done,
}

impl Step {
    fn parse(line: &str) -> Self {
        let words: Vec<&str> = line.split(' ').collect();
        let number = || words[1].parse::<OrderNumber>().unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let progress = || {
            let (k, n) = words[2].split_once('/').unwrap_or_else(|| panic!("{line:?}: no k/n"));
            (k.parse().unwrap(), n.parse().unwrap())
        };
        match words[0] {
            "open" => Self::Open(number(), progress().0, progress().1),
            "verified" => Self::Verified(number(), progress().0, progress().1),
            "undone" => Self::Undone(number(), progress().0, progress().1),
            "packed" => Self::Packed(number(), words[2].split(',').map(str::to_owned).collect()),
            "manifest" => Self::Manifest,
            "done" => Self::Done,
            _ => panic!("the packer printed {line:?}"),
        }
    }

    fn order(&self) -> Option<OrderNumber> {
        match self {
            Self::Open(n, ..) | Self::Verified(n, ..) | Self::Undone(n, ..) | Self::Packed(n, _) => Some(*n),
            Self::Manifest | Self::Done => None,
        }
    }
}

/// Every order with its status, units verified (the store's own totals)
/// and units ordered.
fn snapshot(store: &Store, raw: &Raw) -> Snapshot {
    let totals: BTreeMap<OrderNumber, u32> = store.pack_scan_totals().unwrap().into_iter().collect();
    let rows = raw.rows(
        "SELECT o.id, o.status,
                (SELECT CAST(coalesce(sum(qty), 0) AS BIGINT) FROM order_lines l
                 WHERE l.order_id = o.id AND l.requires_shipping = 1),
                (SELECT count(*) FROM pack_scans p WHERE p.order_id = o.id),
                (SELECT count(*) FROM pack_scans p WHERE p.order_id = o.id AND p.undone = 1)
         FROM orders o ORDER BY o.id",
    );
    let units = |cell: &raw::Cell| u32::try_from(cell.int()).unwrap();
    rows.iter()
        .map(|r| {
            let number = OrderNumber(r[0].int());
            let state = OrderState {
                status: r[1].text().parse().unwrap(),
                verified: totals.get(&number).copied().unwrap_or(0),
                expected: units(&r[2]),
                scans: units(&r[3]),
                undone: units(&r[4]),
            };
            (number, state)
        })
        .collect()
}

fn count(raw: &Raw, sql: &str) -> i64 {
    raw.int(sql)
}

/// Everything that must hold in the store whatever instant the packer died at.
fn check_store(run: &str, store: &Store, raw: &Raw, now: &Snapshot) {
    // SQLite's own checks of the file. PostgreSQL keeps no file of ours to
    // check, and checks every foreign key on every statement.
    if let Raw::Sqlite(conn) = raw {
        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(integrity, ["ok"], "{run}: integrity_check");
        let fk = conn.prepare("PRAGMA foreign_key_check").unwrap().query_map([], |_| Ok(())).unwrap().count();
        assert_eq!(fk, 0, "{run}: foreign_key_check found {fk} rows");
    }
    let audit = store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{run}: {audit:?}");
    assert_eq!(store.ledger_mismatches().unwrap(), 0, "{run}: stock ledger");
    let mut by_status = BTreeMap::new();
    for state in now.values() {
        *by_status.entry(state.status).or_insert(0) += 1;
    }
    assert_eq!(store.status_counts().unwrap(), StatusCounts(by_status), "{run}: per-status counts");

    // Units: never more than a line ordered; a packed order has all of them.
    let over = "SELECT count(*) FROM order_lines l WHERE l.qty < (SELECT coalesce(sum(p.qty), 0) FROM pack_scans p
                WHERE p.order_id = l.order_id AND p.line_no = l.line_no AND p.undone = 0)";
    assert_eq!(count(raw, over), 0, "{run}: a line with more units verified than ordered");
    for (number, s) in now {
        assert!(s.verified <= s.expected, "{run}: {number} has {}/{} units", s.verified, s.expected);
        match s.status {
            OrderStatus::Packed | OrderStatus::Shipped => {
                assert_eq!(
                    s.verified, s.expected,
                    "{run}: {number} is {} with {}/{}",
                    s.status, s.verified, s.expected
                );
            }
            OrderStatus::Picked => assert_eq!(s.verified, 0, "{run}: {number} is picked with units verified"),
            OrderStatus::Packing => {}
            other => panic!("{run}: {number} is {other}"),
        }
    }
    // Every scan and every undo was stored with its audit event.
    let events = |kind: &str, undone: &str| {
        format!(
            "SELECT count(*) FROM (SELECT o.id,
                 (SELECT count(*) FROM pack_scans p WHERE p.order_id = o.id {undone}) AS scans,
                 (SELECT count(*) FROM events e WHERE e.subject = 'order:' || o.id AND e.kind = '{kind}') AS events
             FROM orders o) AS per_order WHERE scans <> events"
        )
    };
    assert_eq!(count(raw, &events("unit_verified", "")), 0, "{run}: scans without their event");
    assert_eq!(count(raw, &events("unit_unverified", "AND p.undone = 1")), 0, "{run}: undos without their event");

    // Packages: one set per order, only for packed or shipped orders, on a
    // manifest exactly when shipped.
    let packed: BTreeSet<i64> = now
        .iter()
        .filter(|(_, s)| matches!(s.status, OrderStatus::Packed | OrderStatus::Shipped))
        .map(|(n, _)| n.0)
        .collect();
    let sets: Vec<(i64, i64, i64, i64, i64, i64, String)> = raw
        .rows(
            "SELECT s.order_id, count(*), min(s.packages), max(s.packages), max(s.package_no),
                    CAST(sum(CASE WHEN s.manifest_id IS NULL THEN 1 ELSE 0 END) AS BIGINT), o.status
             FROM shipments s JOIN orders o ON o.id = s.order_id GROUP BY s.order_id, o.status",
        )
        .iter()
        .map(|r| (r[0].int(), r[1].int(), r[2].int(), r[3].int(), r[4].int(), r[5].int(), r[6].text().to_owned()))
        .collect();
    for (order, n, min, max, last, open, status) in &sets {
        assert!(*n == *min && *n == *max && *n == *last, "{run}: order {order} has {n} packages saying {min}..{max}");
        assert!(packed.contains(order), "{run}: order {order} is {status} with packages");
        let expect_open = if status == "shipped" { 0 } else { *n };
        assert_eq!(*open, expect_open, "{run}: order {order} is {status} with {open} packages off a manifest");
    }
    let with_packages: BTreeSet<i64> = sets.iter().map(|s| s.0).collect();
    assert_eq!(with_packages, packed, "{run}: packed orders and orders with packages differ");
    // One outbox entry and one completion per packed order.
    let order_of =
        if raw.is_postgres() { "CAST(payload AS json) ->> 'order'" } else { "json_extract(payload, '$.order')" };
    let outbox: Vec<(String, i64)> = raw
        .rows(&format!("SELECT {order_of}, count(*) FROM outbox GROUP BY 1"))
        .iter()
        .map(|r| (r[0].text().to_owned(), r[1].int()))
        .collect();
    assert!(outbox.iter().all(|(_, n)| *n == 1), "{run}: an order with two outbox entries: {outbox:?}");
    let told: BTreeSet<i64> = outbox.iter().map(|(o, _)| o.parse::<OrderNumber>().unwrap().0).collect();
    assert_eq!(told, packed, "{run}: packed orders and outbox entries differ");
    let completions = "SELECT count(*) FROM (SELECT subject FROM events WHERE kind = 'status_changed'
                       AND details LIKE 'packing -> packed%' GROUP BY subject HAVING count(*) > 1) AS twice";
    assert_eq!(count(raw, completions), 0, "{run}: an order completed twice");
    assert_eq!(
        count(raw, "SELECT count(*) FROM events WHERE kind = 'status_changed' AND details LIKE 'packing -> packed%'"),
        packed.len() as i64,
        "{run}: completion events"
    );
}

/// What the killed packer's output promises: every step it printed is
/// stored (each `verified` line one scan row more, each `undone` line one
/// row taken back, each `packed` line the packages it names), at most the
/// one step in flight beyond the last line, and nothing it did not mention
/// has changed (but an order opened or a manifest closed in flight).
/// Returns whether the store was one step beyond the last line.
fn check_progress(run: &str, store: &Store, before: &Snapshot, now: &Snapshot, steps: &[Step]) -> bool {
    // The order of the last line is the only one a step in flight can change.
    let in_flight_order = steps.last().and_then(Step::order);
    let mut beyond = false;
    let mut mentioned = BTreeSet::new();
    for number in steps.iter().filter_map(Step::order) {
        if !mentioned.insert(number) {
            continue;
        }
        let (was, state) = (before[&number], now[&number]);
        let of_order: Vec<&Step> = steps.iter().filter(|s| s.order() == Some(number)).collect();
        if let Some(Step::Open(_, k, _)) = of_order.first() {
            assert_eq!(*k, was.verified, "{run}: {number} reopened with a different count: {was:?}");
        }
        let printed = |f: fn(&Step) -> bool| of_order.iter().filter(|s| f(s)).count() as u32;
        let scans = was.scans + printed(|s| matches!(s, Step::Verified(..)));
        let undone = was.undone + printed(|s| matches!(s, Step::Undone(..)));
        // Rows beyond what was printed: (scans, undos).
        let extra = (i64::from(state.scans) - i64::from(scans), i64::from(state.undone) - i64::from(undone));
        let last = of_order.last().copied();
        if let Some(Step::Packed(_, tracking)) = last {
            assert!(matches!(state.status, OrderStatus::Packed | OrderStatus::Shipped), "{run}: {number}: {state:?}");
            assert_eq!(extra, (0, 0), "{run}: {number} was packed with scans the packer did not print");
            let stored: Vec<String> = store.shipments(number).unwrap().into_iter().map(|p| p.tracking).collect();
            assert_eq!(&stored, tracking, "{run}: {number}'s packages");
            continue;
        }
        let Some(Step::Open(_, k, n) | Step::Verified(_, k, n) | Step::Undone(_, k, n)) = last else { unreachable!() };
        assert_eq!(*n, state.expected, "{run}: {number} printed {k}/{n}");
        let wanted = i64::from(*k) + extra.0 - extra.1;
        assert_eq!(i64::from(state.verified), wanted, "{run}: {number} printed {k}/{n}, stored {state:?}");
        if Some(number) == in_flight_order {
            // The step in flight: one more scan, taking the last one back
            // (only right after a scan), or the completion.
            let could = match last {
                Some(Step::Verified(..)) => [(0, 0), (1, 0), (0, 1)].contains(&extra),
                _ => [(0, 0), (1, 0)].contains(&extra),
            };
            let completed = state.status == OrderStatus::Packed && extra == (0, 0) && k == n;
            assert!(
                could && (state.status == OrderStatus::Packing || completed),
                "{run}: {number} printed {k}/{n} last, {extra:?} rows beyond it, stored {state:?}"
            );
            beyond |= extra != (0, 0) || completed;
        } else {
            assert_eq!(
                (state.status, extra),
                (OrderStatus::Packing, (0, 0)),
                "{run}: {number} printed {k}/{n} and the packer moved on"
            );
        }
    }
    // Orders the packer did not mention: unchanged, but for an order opened
    // (picked -> packing, nothing verified) or a manifest closed
    // (packed -> shipped) in flight.
    let mut opened = 0;
    for (number, state) in now.iter().filter(|(n, _)| !mentioned.contains(n)) {
        let Some(was) = before.get(number) else { continue };
        if state == was {
            continue;
        }
        let same_units = (state.verified, state.scans, state.undone) == (was.verified, was.scans, was.undone);
        match (was.status, state.status) {
            (OrderStatus::Picked, OrderStatus::Packing) if same_units => opened += 1,
            (OrderStatus::Packed, OrderStatus::Shipped) if same_units => beyond = true,
            _ => panic!("{run}: {number} changed from {was:?} to {state:?} without a line saying so"),
        }
    }
    assert!(opened <= 1, "{run}: {opened} orders opened without a line saying so");
    // Nothing ever goes back: packed stays packed or ships, shipped stays shipped.
    for (number, was) in before {
        let state = now[number];
        let kept = match was.status {
            OrderStatus::Packed => matches!(state.status, OrderStatus::Packed | OrderStatus::Shipped),
            OrderStatus::Shipped => state.status == OrderStatus::Shipped,
            _ => true,
        };
        assert!(kept, "{run}: {number} went from {was:?} to {state:?}");
    }
    beyond || opened > 0
}

/// Reads the packer's first line (`ready`), or fails with what it said.
fn wait_ready(child: &mut std::process::Child, out: &mut impl BufRead) {
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    if first.trim_end() != "ready" {
        let _ = child.kill();
        let status = child.wait().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        panic!("the packer did not start ({status}): {first:?} {err}");
    }
}

fn packing_survives_sigkill_at_random_instants(backend: &pg::Backend) {
    let runs = env_number("PACKLINE_CRASH_RUNS", RUNS as u64) as usize;
    let seed = env_number("PACKLINE_CRASH_SEED", 6);
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let max_delay_ms = if backend.is_postgres() { MAX_DELAY_MS_POSTGRES } else { MAX_DELAY_MS };
    let mut fx = Fixture::new(backend);
    let mut before = {
        let store = Store::open(&fx.db).unwrap();
        snapshot(&store, &fx.raw())
    };
    // How far each run got (its last line's kind), and how often the store
    // was one step beyond the last line.
    let mut last_kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut beyond, mut packs, mut scans) = (0, 0, 0);
    for run in 0..runs {
        let waiting =
            before.values().filter(|s| matches!(s.status, OrderStatus::Picked | OrderStatus::Packing)).count();
        if waiting < MIN_WAITING {
            fx.add_picked(&mut rng);
            before = snapshot(&Store::open(&fx.db).unwrap(), &fx.raw());
        }
        let name = format!("run {run} (seed {seed})");
        let mut child = fx.packer(run as u64).spawn().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        wait_ready(&mut child, &mut out);
        std::thread::sleep(Duration::from_micros(rng.random_range(0..=max_delay_ms * 1_000)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        fx.settle();
        let lines: Vec<String> = out.lines().map(Result::unwrap).collect();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(status.signal() == Some(9) || status.success(), "{name}: the packer failed ({status}): {err}");
        let steps: Vec<Step> = lines.iter().map(|l| Step::parse(l)).collect();
        packs += steps.iter().filter(|s| matches!(s, Step::Packed(..))).count();
        scans += steps.iter().filter(|s| matches!(s, Step::Verified(..))).count();
        let kind = match steps.last() {
            None => "nothing",
            Some(Step::Open(..)) => "open",
            Some(Step::Verified(..)) => "verified",
            Some(Step::Undone(..)) => "undone",
            Some(Step::Packed(..)) => "packed",
            Some(Step::Manifest) => "manifest",
            Some(Step::Done) => "done",
        };
        *last_kinds.entry(kind).or_default() += 1;

        let store = Store::open(&fx.db).unwrap();
        let raw = fx.raw();
        let now = snapshot(&store, &raw);
        check_store(&name, &store, &raw, &now);
        beyond += usize::from(check_progress(&name, &store, &before, &now, &steps));
        before = now;
    }

    // A last run packs everything left, to the end.
    let output = fx.packer(u64::MAX).output().unwrap();
    let lines: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect();
    assert!(output.status.success(), "the last run failed: {}", String::from_utf8_lossy(&output.stderr));
    let steps: Vec<Step> = lines.iter().skip(1).map(|l| Step::parse(l)).collect();
    assert_eq!(steps.last(), Some(&Step::Done));
    let store = Store::open(&fx.db).unwrap();
    let raw = fx.raw();
    let now = snapshot(&store, &raw);
    check_store("the last run", &store, &raw, &now);
    check_progress("the last run", &store, &before, &now, &steps);
    let unpacked: Vec<_> =
        now.iter().filter(|(_, s)| !matches!(s.status, OrderStatus::Packed | OrderStatus::Shipped)).collect();
    assert!(unpacked.is_empty(), "left unpacked: {unpacked:?}");

    eprintln!(
        "{runs} kills in {:.1} s: {} orders, {packs} packs and {scans} scans printed before a kill; \
         last line before the kill: {last_kinds:?}; a step stored but not yet printed (the kill came \
         between its commit and the call returning) {beyond} times",
        started.elapsed().as_secs_f64(),
        now.len()
    );
    // The kills must land while packs are under way, not only before the
    // first step, or this test proves nothing (a very slow disk would need
    // longer delays).
    let idle = last_kinds.get("nothing").copied().unwrap_or(0);
    assert!(packs > 0 && runs - idle >= runs / 4, "too few kills mid-pack: {packs} packs, {last_kinds:?}");
}

on_both_backends!(packing_survives_sigkill_at_random_instants);
