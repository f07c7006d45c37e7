//! The PostgreSQL figures, each beside the same measurement on SQLite in
//! the same run:
//!
//! - `pg_allocation_concurrent`: orders per second imported with allocation
//!   by several processes at once into one store, on PostgreSQL over
//!   loopback; the comparator is the same processes on one SQLite file.
//! - `pg_scan_to_frame_p99`: the console's scan-to-frame latency on a
//!   PostgreSQL store; the comparator is the same console on a SQLite file
//!   holding the same demo warehouse.
//!
//! The server is `PACKLINE_BENCH_PG` (the URL of a database on a server
//! where the user may create databases; the figures create their own and
//! drop them) or, without it, a throwaway cluster started for the run.
//! Without either, the figures say why they were not measured.

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use chrono::Utc;

use super::Plan;
use super::allocation::{ALLOCATION_BATCH, stocked_store};
use super::cluster::PgCluster;
use super::figures::synthetic_orders;
use super::probe::{unix_ms, wait_until};
use super::report::{Budget, Figure};
use crate::domain::{Actor, BackorderPolicy, Verdict};
use crate::errors::{Error, Result};
use crate::store::Store;

pub(super) const NAMES: [&str; 2] = ["pg_allocation_concurrent", "pg_scan_to_frame_p99"];

/// Importer processes running at once in the allocation figure.
const PROCESSES: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ImportBatchesArgs {
    /// The first of the synthetic orders to import (0-based).
    #[arg(long)]
    pub from: usize,
    /// How many orders to import.
    #[arg(long)]
    pub count: usize,
    /// Wait until this wall-clock instant (unix milliseconds) before importing.
    #[arg(long, value_name = "UNIX_MS")]
    pub start_at_ms: Option<u64>,
}

/// The child side of the allocation figure.
pub(super) fn import_batches(db: &Path, args: &ImportBatchesArgs, policy: BackorderPolicy) -> Result<()> {
    let mut store = Store::open(db)?;
    store.set_backorder_policy(policy);
    let orders = synthetic_orders(args.from + args.count);
    let mine = &orders[args.from..];
    let actor = Actor::new("bench", "system");
    let mut out = std::io::stdout();
    writeln!(out, "ready").and_then(|()| out.flush()).map_err(Error::io("writing to the parent"))?;
    wait_until(args.start_at_ms);
    for batch in mine.chunks(ALLOCATION_BATCH) {
        store.import_checked(&actor, batch, &mut |_| Verdict::default(), &mut |_| {})?;
    }
    writeln!(out, "done {} {}", mine.len(), unix_ms()).map_err(Error::io("writing to the parent"))?;
    Ok(())
}

/// Where the figures' PostgreSQL databases come from.
enum Server {
    /// `PACKLINE_BENCH_PG`: databases created on it and dropped afterwards.
    Given {
        url: String,
        made: Vec<String>,
    },
    Throwaway(PgCluster),
}

impl Server {
    fn find() -> std::result::Result<Self, String> {
        match std::env::var("PACKLINE_BENCH_PG") {
            Ok(url) if !url.is_empty() => Ok(Self::Given { url, made: Vec::new() }),
            _ => PgCluster::start().map(Self::Throwaway),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Given { url, .. } => format!("PostgreSQL at {}", crate::store::redact_url(url)),
            Self::Throwaway(_) => "a throwaway PostgreSQL cluster on loopback (fsync off)".into(),
        }
    }

    /// A new, empty database; its URL.
    fn database(&mut self) -> Result<String> {
        match self {
            Self::Throwaway(cluster) => cluster.create_database().map_err(Error::Other),
            Self::Given { url, made } => {
                let name = format!("packline_bench_{}_{}", std::process::id(), made.len());
                let mut admin = postgres::Client::connect(url, postgres::NoTls)
                    .map_err(|e| Error::Other(format!("cannot connect to PACKLINE_BENCH_PG: {e}")))?;
                // A name we made; CREATE DATABASE takes no parameters.
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .map_err(|e| Error::Other(format!("cannot create a bench database: {e}")))?;
                made.push(name.clone());
                Ok(with_database(url, &name))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Self::Given { url, made } = self
            && let Ok(mut admin) = postgres::Client::connect(url, postgres::NoTls)
        {
            for name in made.iter() {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Measures the wanted PostgreSQL figures.
pub(super) fn measure(plan: &Plan, dir: &Path, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<Figure>> {
    let mut server = match Server::find() {
        Ok(server) => server,
        Err(why) => {
            let why = format!("not measured: no PostgreSQL server ({why})");
            return Ok(NAMES.iter().filter(|n| wanted(n)).map(|n| unmeasured(n, &why)).collect());
        }
    };
    let mut figures = Vec::new();
    if wanted(NAMES[0]) {
        figures.push(allocation_concurrent(plan, dir, &mut server)?);
    }
    if wanted(NAMES[1]) {
        figures.push(scan_to_frame(plan, dir, &mut server)?);
    }
    Ok(figures)
}

fn unmeasured(name: &'static str, why: &str) -> Figure {
    if name == NAMES[0] {
        Figure::new(name, (None, "orders/s"), ("same processes on SQLite", None), allocation_budget(), Some(why.into()))
    } else {
        Figure::new(name, (None, "ms"), ("same console on SQLite, p99", None), latency_budget(), Some(why.into()))
    }
}

fn allocation_budget() -> (&'static str, Budget) {
    (">= 1,000 orders/s", Budget::AtLeast(1_000.0))
}

fn latency_budget() -> (&'static str, Budget) {
    ("<= 16.7 ms", Budget::AtMost(16.7))
}

/// `PROCESSES` importers at once, on PostgreSQL and on SQLite.
fn allocation_concurrent(plan: &Plan, dir: &Path, server: &mut Server) -> Result<Figure> {
    let per_process = (plan.allocation_orders as usize / PROCESSES / 2).max(ALLOCATION_BATCH);
    let exe = std::env::current_exe().map_err(Error::io("cannot find the packline executable"))?;
    let pg = PathBuf::from(server.database()?);
    let ours = concurrent_run(&exe, &pg, per_process)?;
    let theirs = concurrent_run(&exe, &dir.join("allocation-concurrent.db"), per_process)?;
    let quick = if plan.quick { "quick run: " } else { "" };
    let what = format!(
        "{quick}{PROCESSES} processes × {} orders, {ALLOCATION_BATCH} per transaction, the same hot SKUs; {}",
        crate::widgets::format::count(per_process as u64),
        server.describe()
    );
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => Ok(Figure::new(
            NAMES[0],
            (Some(ours), "orders/s"),
            ("same processes on SQLite", Some(theirs)),
            allocation_budget(),
            Some(format!("{what}; stock and reservations audited clean on both afterwards")),
        )),
        (Err(why), _) | (_, Err(why)) => Ok(unmeasured(NAMES[0], &format!("{what}; not measured: {why}"))),
    }
}

/// Stocks the store at `db`, starts the importers, lets them go at one
/// instant, and returns orders per second from that instant to the last
/// one's end. The store is audited afterwards: a stock row below zero or
/// reserved past its on-hand, or a ledger that differs, is an error.
fn concurrent_run(exe: &Path, db: &Path, per_process: usize) -> Result<std::result::Result<f64, String>> {
    let actor = Actor::new("bench", "system");
    drop(stocked_store(db, &actor)?);
    let start_at = unix_ms() + 3_000;
    let mut children: Vec<(Child, std::io::Lines<BufReader<std::process::ChildStdout>>)> = Vec::new();
    for i in 0..PROCESSES {
        let mut child = Command::new(exe)
            .arg("--db")
            .arg(db)
            .args(["probe", "import-batches"])
            .args(["--from", &(i * per_process).to_string(), "--count", &per_process.to_string()])
            .args(["--start-at-ms", &start_at.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(Error::io("cannot start an importer process"))?;
        let Some(stdout) = child.stdout.take() else {
            return Ok(Err("an importer has no stdout".into()));
        };
        children.push((child, BufReader::new(stdout).lines()));
    }
    let mut last_end = start_at;
    let mut failure = None;
    for (child, lines) in &mut children {
        let done = lines.map_while(std::result::Result::ok).find(|l| l.starts_with("done "));
        let status = child.wait().map_err(Error::io("waiting for an importer"))?;
        match done.as_deref().and_then(|l| l.split_whitespace().nth(2)).and_then(|ms| ms.parse::<u64>().ok()) {
            Some(end) if status.success() => last_end = last_end.max(end),
            _ => failure = Some(format!("an importer failed ({status})")),
        }
    }
    if let Some(why) = failure {
        return Ok(Err(why));
    }
    let store = Store::open(db)?;
    let audit = store.audit_allocation()?;
    if !audit.is_clean() {
        return Err(Error::Other(format!("after the concurrent imports on {}: {audit:?}", store.location())));
    }
    let seconds = (last_end - start_at) as f64 / 1000.0;
    Ok(Ok((PROCESSES * per_process) as f64 / seconds.max(0.001)))
}

/// The console's scan-to-frame latency on a PostgreSQL demo store, beside
/// the same on a SQLite file with the same demo warehouse.
fn scan_to_frame(plan: &Plan, dir: &Path, server: &mut Server) -> Result<Figure> {
    // Seeding over the network is slower than into a file: a store of a tenth
    // of the SQLite figure's size (the queue reads pages, not the whole store).
    let orders = (plan.store_orders / 10).max(1_000);
    let options = crate::demo::DemoOptions { orders, seed: 7, now: Utc::now() };
    let pg = PathBuf::from(server.database()?);
    let lite = dir.join("scan-compare.db");
    for db in [&pg, &lite] {
        let mut store = Store::open(db)?;
        crate::demo::seed(&mut store, &options, &mut |_, _| {})?;
    }
    let note = format!("{} orders; {}", crate::widgets::format::count(orders), server.describe());
    let ours = super::latency::scan_to_frame(&pg, orders, plan.scans, &note)?;
    let theirs = super::latency::scan_to_frame(&lite, orders, plan.scans, &note)?;
    Ok(Figure::new(
        NAMES[1],
        (ours.value, "ms"),
        ("same console on SQLite, p99", theirs.value),
        latency_budget(),
        Some(format!("{note}; {} order scans each", plan.scans)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_name_replaces_the_urls_own() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "b1"), "postgres://u@h:5432/b1");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "b1"), "postgres://u@h/b1?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "b1"), "postgres://u@h/b1");
    }
}
