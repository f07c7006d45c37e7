//! `allocation_throughput`: orders imported with allocation at arrival, in
//! channel-sized batches, while a second process reads the queue.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::figures::{SKUS, synthetic_orders, synthetic_skus};
use super::report::{Budget, Figure};
use super::{Plan, percentile};
use crate::domain::{Actor, Layout, NewOrder, Verdict, Zone};
use crate::errors::{Error, Result};
use crate::store::{ImportSummary, StockReceipt, Store};

/// Orders per transaction in the allocation figure, as a channel sync stores them.
pub(super) const ALLOCATION_BATCH: usize = 100;
/// Units of each SKU put away in each of its two bins for the allocation figure.
const ALLOCATION_STOCK: u32 = 300;

/// Orders imported with allocation at arrival, in channel-sync batches, while
/// a second process reads the queue, against the same orders imported without
/// allocation into an identical store with the same reader.
pub(super) fn allocation_throughput(plan: &Plan, dir: &Path) -> Result<Figure> {
    const NAME: &str = "allocation_throughput";
    const COMPARATOR: &str = "same batches without allocation, orders/s";
    const BUDGET: (&str, Budget) = (">= 1,000 orders/s", Budget::AtLeast(1_000.0));
    // Each side runs this often, alternating, into fresh files (comparator
    // first); the medians are reported, as for the ingest figure.
    const RUNS: usize = 3;
    let orders = synthetic_orders(plan.allocation_orders as usize);
    let lines: usize = orders.iter().map(|o| o.lines.len()).sum();
    let exe = std::env::current_exe().map_err(Error::io("cannot find the packline executable"))?;
    let quick = if plan.quick { "quick run: " } else { "" };
    let what = format!(
        "{quick}{} orders, {:.1} lines each, {ALLOCATION_BATCH} per transaction, {} SKUs in 2 bins each",
        crate::widgets::format::count(orders.len() as u64),
        lines as f64 / orders.len() as f64,
        crate::widgets::format::count(SKUS as u64)
    );
    let mut runs = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let without = allocation_run(&exe, &dir.join(format!("allocation-off-{run}.db")), &orders, false)?;
        let with = allocation_run(&exe, &dir.join(format!("allocation-on-{run}.db")), &orders, true)?;
        match (without, with) {
            (Ok(without), Ok(with)) => runs.push((without, with)),
            (Err(why), _) | (_, Err(why)) => {
                return Ok(Figure::new(
                    NAME,
                    (None, "orders/s"),
                    (COMPARATOR, None),
                    BUDGET,
                    Some(format!("{what}; not measured: {why}")),
                ));
            }
        }
    }
    if let Some((_, with)) = runs.iter().find(|(_, with)| with.summary.ready + with.summary.backordered != with.orders)
    {
        return Err(Error::Other(format!("allocation figure: {} orders imported, {:?}", with.orders, with.summary)));
    }
    let median = |f: &dyn Fn(&(AllocationRun, AllocationRun)) -> f64| {
        percentile(&mut runs.iter().map(f).collect::<Vec<_>>(), 50.0)
    };
    let (ours, theirs) = (median(&|(_, w)| w.orders_per_s), median(&|(o, _)| o.orders_per_s));
    let pages = median(&|(_, w)| w.reader_pages as f64).unwrap_or(0.0);
    let pages_per_s = median(&|(_, w)| w.reader_pages as f64 / w.seconds).unwrap_or(0.0);
    let last = &runs[runs.len() - 1].1.summary;
    Ok(Figure::new(
        NAME,
        (ours, "orders/s"),
        (COMPARATOR, theirs),
        BUDGET,
        Some(format!(
            "{what}; median of {RUNS} runs each; {} ready, {} backordered per run; a second process read \
             {pages} queue pages meanwhile ({pages_per_s:.0}/s, median)",
            crate::widgets::format::count(last.ready),
            crate::widgets::format::count(last.backordered),
        )),
    ))
}

/// One side of the allocation figure.
struct AllocationRun {
    orders: u64,
    seconds: f64,
    orders_per_s: f64,
    summary: ImportSummary,
    /// Queue pages the second process read during the import.
    reader_pages: u64,
}

/// Builds the stocked store at `db`, starts the queue reader on it, imports
/// `orders` in batches (allocating them or not) and stops the reader. The
/// inner error says why the reader could not run (the figure is then not
/// measured); the outer one is a failure of the store.
fn allocation_run(
    exe: &Path,
    db: &Path,
    orders: &[NewOrder],
    allocate: bool,
) -> Result<std::result::Result<AllocationRun, String>> {
    let actor = Actor::new("bench", "system");
    let mut store = stocked_store(db, &actor)?;
    let reader = match QueueReader::start(exe, db) {
        Ok(reader) => reader,
        Err(why) => return Ok(Err(why)),
    };
    let mut summary = ImportSummary::default();
    let started = Instant::now();
    for batch in orders.chunks(ALLOCATION_BATCH) {
        let done = if allocate {
            store.import_checked(&actor, batch, &mut |_| Verdict::default(), &mut |_| {})?
        } else {
            store.import_orders(&actor, batch)?
        };
        summary.inserted += done.inserted;
        summary.ready += done.ready;
        summary.backordered += done.backordered;
    }
    let took = started.elapsed();
    let reader_pages = match reader.stop() {
        Ok(pages) => pages,
        Err(why) => return Ok(Err(why)),
    };
    if summary.inserted != orders.len() as u64 {
        return Err(Error::Other(format!("allocation figure: {} orders sent, {summary:?}", orders.len())));
    }
    let seconds = took.as_secs_f64();
    Ok(Ok(AllocationRun {
        orders: orders.len() as u64,
        seconds,
        orders_per_s: orders.len() as f64 / seconds,
        summary,
        reader_pages,
    }))
}

/// A store with the bench channel, the synthetic catalogue, the demo layout's
/// bins, and every SKU put away in two bins of different zones.
pub(super) fn stocked_store(db: &Path, actor: &Actor) -> Result<Store> {
    let mut store = Store::open(db)?;
    store.add_channel(actor, "bench", "Benchmark", "file")?;
    store.add_skus(actor, &synthetic_skus())?;
    let bins = Layout::demo().zoned_bins();
    store.add_bins(actor, &bins)?;
    let in_zone = |zone: Zone| bins.iter().filter(|b| b.zone == zone).map(|b| b.code).collect::<Vec<_>>();
    let (near, far) = ([in_zone(Zone::A), in_zone(Zone::B)].concat(), in_zone(Zone::C));
    if near.is_empty() || far.is_empty() {
        return Err(Error::Other("the demo layout has no bins in some zone".into()));
    }
    let receipts: Vec<StockReceipt> = (0..SKUS)
        .flat_map(|i| {
            [near[i % near.len()], far[(i * 7) % far.len()]].map(|bin| StockReceipt {
                bin,
                sku: format!("BENCH-{i:05}"),
                lot: None,
                expires_on: None,
                qty: ALLOCATION_STOCK,
            })
        })
        .collect();
    store.receive_stock_many(actor, &receipts, "bench goods-in")?;
    Ok(store)
}

/// A `packline probe read-queue` process on a store, stopped by closing its stdin.
struct QueueReader {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl QueueReader {
    /// Starts the reader and waits until it has the store open.
    fn start(exe: &Path, db: &Path) -> std::result::Result<Self, String> {
        let mut child = Command::new(exe)
            .arg("--db")
            .arg(db)
            .args(["probe", "read-queue", "--stdin", "--seconds", "3600"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the queue reader: {e}"))?;
        let stdout = child.stdout.take().ok_or("the queue reader has no stdout")?;
        let mut reader = Self { child, lines: BufReader::new(stdout).lines() };
        match reader.lines.next() {
            Some(Ok(line)) if line == "ready" => Ok(reader),
            other => {
                let _ = reader.child.kill();
                let status = reader.child.wait().map_or_else(|e| e.to_string(), |s| s.to_string());
                Err(format!("the queue reader did not start ({other:?}, {status})"))
            }
        }
    }

    /// Closes its stdin and returns how many pages it read.
    fn stop(mut self) -> std::result::Result<u64, String> {
        drop(self.child.stdin.take());
        let last = self.lines.by_ref().map_while(std::result::Result::ok).last();
        let status = self.child.wait().map_err(|e| format!("waiting for the queue reader: {e}"))?;
        last.as_deref()
            .and_then(|l| l.strip_prefix("pages "))
            .and_then(|n| n.parse().ok())
            .filter(|_| status.success())
            .ok_or_else(|| format!("the queue reader failed ({status}, last line {last:?})"))
    }
}
