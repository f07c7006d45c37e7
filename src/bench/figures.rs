//! Measuring each figure and its comparator.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::report::{Budget, Figure, Report};
use super::{Plan, percentile};
use crate::app::App;
use crate::app::action::Action;
use crate::config::Config;
use crate::domain::{Actor, Address, BinCode, Gtin, Layout, NewOrder, NewOrderLine, NewSku};
use crate::errors::{Error, Result};
use crate::store::Store;

/// The figures measured so far, in DESIGN's order.
pub(super) const NAMES: [&str; 14] = [
    "scan_to_frame_p99",
    "render_queue_p99",
    "first_frame",
    "memory_rss",
    "ingest_ratio",
    "route_optimal_60",
    super::waves::NAMES[0],
    super::waves::NAMES[1],
    "allocation_throughput",
    super::pack::NAMES[0],
    super::pack::NAMES[1],
    super::dashboard::NAME,
    super::postgres::NAMES[0],
    super::postgres::NAMES[1],
];

/// Measures every figure, or only `only`.
pub(super) fn measure_all(plan: &Plan, dir: &Path, only: Option<&str>) -> Result<Report> {
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let mut figures = Vec::new();
    let queue_db = dir.join("queue.db");
    // The pack-scan figure packs picked orders of the same demo store.
    if NAMES[..4].iter().any(|n| wanted(n)) || wanted(super::pack::NAMES[0]) || wanted(super::dashboard::NAME) {
        eprintln!("bench: building a {}-order demo store ...", crate::widgets::format::count(plan.store_orders));
        let mut store = Store::open(&queue_db)?;
        let options = crate::demo::DemoOptions { orders: plan.store_orders, seed: 7, now: Utc::now() };
        crate::demo::seed(&mut store, &options, &mut |_, _| {})?;
    }
    eprintln!("bench: measuring ...");
    if wanted("scan_to_frame_p99") {
        figures.push(super::latency::scan_to_frame(&queue_db, plan.store_orders, plan.scans, &plan.note())?);
    }
    if wanted("render_queue_p99") {
        figures.push(render_queue(plan, &queue_db)?);
    }
    if wanted("first_frame") || wanted("memory_rss") {
        let (first_frame, memory) = start_up(plan, &queue_db)?;
        figures.extend([first_frame, memory].into_iter().filter(|f| wanted(f.name)));
    }
    if wanted("ingest_ratio") {
        figures.push(ingest(plan, dir)?);
    }
    if wanted("route_optimal_60") {
        figures.push(route_optimal_60(plan)?);
    }
    if super::waves::NAMES.iter().any(|n| wanted(n)) {
        figures.extend(super::waves::measure(plan, dir, &wanted)?);
    }
    if wanted("allocation_throughput") {
        figures.push(super::allocation::allocation_throughput(plan, dir)?);
    }
    if super::pack::NAMES.iter().any(|n| wanted(n)) {
        figures.extend(super::pack::measure(plan, &queue_db, &wanted)?);
    }
    if wanted(super::dashboard::NAME) {
        figures.push(super::dashboard::measure(plan, &queue_db)?);
    }
    if super::postgres::NAMES.iter().any(|n| wanted(n)) {
        figures.extend(super::postgres::measure(plan, dir, &wanted)?);
    }
    Ok(Report { machine: machine(), figures })
}

/// One frame of the queue at 200x50 against ratatui's diff of two such buffers.
fn render_queue(plan: &Plan, db: &Path) -> Result<Figure> {
    let store = Store::open(db)?;
    let loaded = Config::from_texts(None, "(built-in defaults)")?;
    let mut app = App::new(store, loaded.keymap, "BENCH", Utc::now(), (200, 50));
    // A packer's badge, then F3 from the pack station to the order queue.
    app.scan("EMP-0004");
    app.dispatch(crate::app::action::Action::SwitchScreen);
    let area = Rect::new(0, 0, 200, 50);
    let mut previous = Buffer::empty(area);
    let mut current = Buffer::empty(area);
    let (mut frames, mut diffs) = (Vec::with_capacity(plan.frames), Vec::with_capacity(plan.frames));
    for i in 0..plan.frames {
        // Move as an operator does; only the drawing is timed.
        app.dispatch(if i % 40 == 39 { Action::PageDown } else { Action::SelectNext });
        let started = Instant::now();
        current.reset();
        (&app).render(area, &mut current);
        frames.push(ms(started.elapsed()));
        let started = Instant::now();
        let changes = previous.diff(&current).len();
        diffs.push(ms(started.elapsed()));
        std::hint::black_box(changes);
        std::mem::swap(&mut previous, &mut current);
    }
    Ok(Figure::new(
        "render_queue_p99",
        (percentile(&mut frames, 99.0), "ms"),
        ("ratatui buffer diff 200x50 p99", percentile(&mut diffs, 99.0)),
        ("<= 1 ms", Budget::AtMost(1.0)),
        Some(format!("{}; {} frames", plan.note(), plan.frames)),
    ))
}

/// Start to first frame, and peak memory, each against opening the store alone,
/// measured on fresh `packline probe` processes.
fn start_up(plan: &Plan, db: &Path) -> Result<(Figure, Figure)> {
    let exe = std::env::current_exe().map_err(Error::io("cannot find the packline executable"))?;
    let mut frame_ms = Vec::new();
    let mut open_ms = Vec::new();
    let mut frame_kb = Vec::new();
    let mut open_kb = Vec::new();
    for _ in 0..plan.starts {
        let (ms, kb) = probe(&exe, db, "frame")?;
        frame_ms.push(ms);
        frame_kb.push(kb);
        let (ms, kb) = probe(&exe, db, "open")?;
        open_ms.push(ms);
        open_kb.push(kb);
    }
    let max_mb = |kb: &[f64]| kb.iter().copied().reduce(f64::max).map(|k| k / 1024.0);
    let first_frame = Figure::new(
        "first_frame",
        (percentile(&mut frame_ms, 50.0), "ms"),
        ("store open alone, median", percentile(&mut open_ms, 50.0)),
        ("<= 150 ms", Budget::AtMost(150.0)),
        Some(format!("{}; median of {} process starts, 200x50", plan.note(), plan.starts)),
    );
    let memory = Figure::new(
        "memory_rss",
        (max_mb(&frame_kb), "MB"),
        ("peak RSS of store open alone", max_mb(&open_kb)),
        ("<= 64 MB", Budget::AtMost(64.0)),
        Some(format!("{}; peak RSS (VmHWM) after the first frame and a few pages", plan.note())),
    );
    Ok((first_frame, memory))
}

/// Runs one probe: milliseconds from spawn to its first line, and its peak RSS in kB.
fn probe(exe: &Path, db: &Path, kind: &str) -> Result<(f64, f64)> {
    let started = Instant::now();
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["probe", kind])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(Error::io("cannot start a probe process"))?;
    let stdout = child.stdout.take().ok_or_else(|| Error::Other("probe has no stdout".into()))?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().transpose().map_err(Error::io("reading the probe"))?;
    let elapsed = ms(started.elapsed());
    let last = lines.last().transpose().map_err(Error::io("reading the probe"))?.or(first);
    let status = child.wait().map_err(Error::io("waiting for the probe"))?;
    let kb = last
        .as_deref()
        .and_then(|l| l.strip_prefix("ok "))
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|_| status.success())
        .ok_or_else(|| Error::Other(format!("probe {kind} failed ({status})")))?;
    Ok((elapsed, kb))
}

/// Orders ingested through the store (checks, indexes, search words, audit
/// events) against the same rows into bare tables.
fn ingest(plan: &Plan, dir: &Path) -> Result<Figure> {
    const BATCH: usize = 1_000;
    // Each side runs this often, alternating, into fresh files; the medians
    // are reported (a short run is at the mercy of a few fsyncs).
    const RUNS: usize = 3;
    let orders = synthetic_orders(plan.ingest_orders as usize);
    let actor = Actor::new("bench", "system");
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let mut store = Store::open(&dir.join(format!("ingest-{run}.db")))?;
        store.add_channel(&actor, "bench", "Benchmark", "file")?;
        store.add_skus(&actor, &synthetic_skus())?;
        let started = Instant::now();
        for batch in orders.chunks(BATCH) {
            store.import_orders(&actor, batch)?;
        }
        ours.push(orders.len() as f64 / started.elapsed().as_secs_f64());
        let took = crate::store::baseline::raw_insert(&dir.join(format!("raw-{run}.db")), &orders, BATCH)?;
        raw.push(orders.len() as f64 / took.as_secs_f64());
    }
    let lines: usize = orders.iter().map(|o| o.lines.len()).sum();
    Ok(Figure::new(
        "ingest_ratio",
        (percentile(&mut ours, 50.0), "orders/s"),
        ("same rows into bare tables, orders/s", percentile(&mut raw, 50.0)),
        (">= 0.25x", Budget::RatioAtLeast(0.25)),
        Some(format!(
            "{} orders, {:.1} lines each, {BATCH} per transaction, median of {RUNS} runs each",
            orders.len(),
            lines as f64 / orders.len() as f64
        )),
    ))
}

/// Bins per pick list in the routing figure.
const ROUTE_BINS: usize = 60;
/// Times each pick list is routed by each method in the routing figure.
const ROUTE_REPEATS: usize = 10;

/// The optimal route through 60 random bins of the demo layout against
/// S-shape on the same lists: medians of every timed call, alternating the
/// two methods list by list.
fn route_optimal_60(plan: &Plan) -> Result<Figure> {
    use rand::SeedableRng as _;
    use rand::seq::IndexedRandom as _;

    use crate::planning::routing::{self, Method};
    let layout = Layout::demo();
    let all: Vec<BinCode> = layout.bins().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(60);
    let lists: Vec<Vec<BinCode>> =
        (0..plan.route_lists).map(|_| all.choose_multiple(&mut rng, ROUTE_BINS).copied().collect()).collect();
    let route = |bins: &[BinCode], method| {
        routing::route(&layout, std::hint::black_box(bins), method).map_err(|e| Error::Other(e.to_string()))
    };
    let (mut optimal_m, mut s_shape_m) = (0.0, 0.0);
    for bins in &lists {
        let (optimal, s_shape) = (route(bins, Method::Optimal)?, route(bins, Method::SShape)?);
        if optimal.distance_m > s_shape.distance_m + 1e-9 {
            return Err(Error::Other(format!(
                "routing figure: optimal {} m is longer than S-shape {} m for {bins:?}",
                optimal.distance_m, s_shape.distance_m
            )));
        }
        optimal_m += optimal.distance_m;
        s_shape_m += s_shape.distance_m;
    }
    let (mut optimal_us, mut s_shape_us) = (Vec::new(), Vec::new());
    for _ in 0..ROUTE_REPEATS {
        for bins in &lists {
            for (method, samples) in [(Method::Optimal, &mut optimal_us), (Method::SShape, &mut s_shape_us)] {
                let started = Instant::now();
                let route = route(bins, method)?;
                samples.push(started.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(route);
            }
        }
    }
    let mean = |total: f64| total / lists.len() as f64;
    let quick = if plan.quick { "quick run: " } else { "" };
    Ok(Figure::new(
        "route_optimal_60",
        (percentile(&mut optimal_us, 50.0), "us"),
        ("S-shape on the same bins, median", percentile(&mut s_shape_us, 50.0)),
        ("<= 50 us", Budget::AtMost(50.0)),
        Some(format!(
            "{quick}median of {} routes ({} lists of {ROUTE_BINS} distinct random demo-layout bins x {ROUTE_REPEATS}); \
             mean distance optimal {:.1} m, S-shape {:.1} m",
            optimal_us.len(),
            lists.len(),
            mean(optimal_m),
            mean(s_shape_m),
        )),
    ))
}

pub(super) const SKUS: usize = 2_000;

pub(super) fn synthetic_skus() -> Vec<NewSku> {
    (0..SKUS)
        .map(|i| NewSku {
            code: format!("BENCH-{i:05}"),
            title: format!("Bench item {i}"),
            gtins: Gtin::from_body13(&format!("20{i:010}")).into_iter().collect(),
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
        })
        .collect()
}

/// Orders of 1-5 lines (3 on average), deterministic.
pub(super) fn synthetic_orders(count: usize) -> Vec<NewOrder> {
    const NAMES: [&str; 8] = [
        "Ana Lima",
        "Jonas Berg",
        "Marie Dubois",
        "Piotr Nowak",
        "Sofia Rossi",
        "Liam Smith",
        "Eva Novak",
        "Noah Meyer",
    ];
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).single().unwrap_or_default();
    (0..count)
        .map(|i| NewOrder {
            channel: "bench".into(),
            external_id: format!("B{i}"),
            channel_ref: format!("#{}", 10_000 + i),
            created_at: at,
            updated_at: at,
            ship_by: at + chrono::Duration::hours(24 + (i % 48) as i64),
            address: Address {
                name: NAMES[i % NAMES.len()].into(),
                address1: format!("Hauptstrasse {}", i % 200 + 1),
                address2: String::new(),
                city: "Berlin".into(),
                region: String::new(),
                postcode: format!("{:05}", 10_000 + i % 80_000),
                country: "DE".into(),
                phone: "+49 30 1234567".into(),
                email: format!("customer{i}@example.com"),
            },
            service: "standard".into(),
            financial_status: "paid".into(),
            total_minor: 4_990,
            currency: "EUR".into(),
            note: String::new(),
            priority: 5,
            lines: (0..=i % 5)
                .map(|l| NewOrderLine {
                    sku: format!("BENCH-{:05}", (i * 7 + l * 13) % SKUS),
                    title: format!("Bench item {l}"),
                    qty: 1 + (l % 2) as u32,
                    unit_price_minor: 1_250,
                    requires_shipping: true,
                })
                .collect(),
        })
        .collect()
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Host name, CPU model and core count.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "unknown host".into(), |h| h.trim().to_owned());
    format!("{host}, {cpu}, {cores} cores")
}
