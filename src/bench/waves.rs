//! The wave figures: 10,000 ready orders planned into waves and stored,
//! against first-come batching stored the same way (`wave_plan_10k`), and the
//! travel of the planned waves against first-come carts routed with S-shape
//! (`wave_travel_ratio`), both on the demo warehouse.
//!
//! The orders replay the demo's own orders (their lines, services and
//! priorities; re-timed to arrive over the last day), so the demand is the
//! demo's skewed one and the bins are where the demo put its stock away.
//! Every bin of a SKU is topped up first, so every order is ready and
//! allocation takes the nearest bin, as it does when stock is plentiful.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DurationRound as _, Utc};

use super::report::{Budget, Figure};
use super::{Plan, percentile};
use crate::config::Config;
use crate::domain::wave::{WaveCandidate, WavePlan};
use crate::domain::{Actor, BinCode, Layout, NewOrder, NewOrderLine, OrderNumber, OrderStatus, Verdict};
use crate::errors::{Error, Result};
use crate::planning::batching::{self, WaveRules};
use crate::planning::routing::{self, Method};
use crate::store::{StockReceipt, Store};

/// The figures this module measures, in DESIGN's order.
pub(super) const NAMES: [&str; 2] = ["wave_plan_10k", "wave_travel_ratio"];

/// Ready orders planned (the same in `--quick`: the figure is about 10,000).
const ORDERS: usize = 10_000;
/// Orders of the demo store the replayed orders are taken from.
const DEMO_ORDERS: u64 = 12_000;
/// Orders per import transaction while building the store.
const IMPORT_BATCH: usize = 100;
/// Runs of each side, alternating, each on a fresh copy of the store.
const RUNS: usize = 3;

/// Builds the store once and measures the wave figures that are `wanted`.
pub(super) fn measure(plan: &Plan, dir: &Path, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<Figure>> {
    let rules = Config::from_texts(None, "(built-in defaults)")?.config.waves;
    let layout = Layout::demo();
    eprintln!("bench: building a store with {} ready orders for the wave figures ...", count(ORDERS));
    let built = build(&dir.join("waves.db"), &rules)?;
    let quick = if plan.quick { "quick run, same size as the full run: " } else { "" };
    let mut figures = Vec::new();
    if wanted(NAMES[0]) {
        figures.push(plan_10k(dir, &built, &layout, &rules, quick)?);
    }
    if wanted(NAMES[1]) {
        figures.push(travel_ratio(&built, &layout, &rules, quick)?);
    }
    Ok(figures)
}

/// The pristine store the runs copy.
struct Built {
    db: PathBuf,
    /// Ready orders in it (the replayed ones and the demo's own).
    ready: u64,
    /// Pick-face bins holding stock.
    bins: usize,
}

/// The demo warehouse with `ORDERS` replayed orders imported, allocated and ready.
fn build(db: &Path, rules: &WaveRules) -> Result<Built> {
    let actor = Actor::new("bench", "system");
    // The demo's clock, truncated to the hour as `packline demo` does, so
    // runs within one hour build the same store.
    let now = Utc::now().duration_trunc(chrono::TimeDelta::hours(1)).unwrap_or_else(|_| Utc::now());
    let mut store = Store::open(db)?;
    let options = crate::demo::DemoOptions { orders: DEMO_ORDERS, seed: 7, now };
    crate::demo::seed(&mut store, &options, &mut |_, _| {})?;
    let placements = store.stock_placements()?;
    let stocked: HashSet<&str> = placements.iter().map(|p| p.sku.as_str()).collect();
    let orders = replayed_orders(&store, rules, &stocked, now)?;
    // Every bin of a SKU gets enough for all of the run's demand for it, with
    // room for the demo's backorders, which the new units are offered to first.
    let mut demand: HashMap<&str, u32> = HashMap::new();
    for line in orders.iter().flat_map(|o| &o.lines) {
        *demand.entry(line.sku.as_str()).or_default() += line.qty;
    }
    let receipts: Vec<StockReceipt> = placements
        .iter()
        .filter_map(|p| {
            let qty = 2 * *demand.get(p.sku.as_str())? + 100;
            Some(StockReceipt { bin: p.bin.code, sku: p.sku.clone(), lot: None, expires_on: None, qty })
        })
        .collect();
    store.receive_stock_many(&actor, &receipts, "bench top-up")?;
    let mut ready = 0;
    for batch in orders.chunks(IMPORT_BATCH) {
        let summary = store.import_checked(&actor, batch, &mut |_| Verdict::default(), &mut |_| {})?;
        if summary.inserted != batch.len() as u64 || summary.ready != summary.inserted {
            return Err(Error::Other(format!("wave figures: {} orders sent, {summary:?}", batch.len())));
        }
        ready += summary.ready;
    }
    let all_ready = store.status_counts()?.0.get(&OrderStatus::Ready).copied().unwrap_or(0);
    if ready != ORDERS as u64 || all_ready < ready {
        return Err(Error::Other(format!("wave figures: {ready} of {ORDERS} orders ready ({all_ready} in all)")));
    }
    let mut bins: Vec<BinCode> = placements.iter().map(|p| p.bin.code).collect();
    bins.sort_unstable();
    bins.dedup();
    drop(store);
    Ok(Built { db: db.to_owned(), ready: all_ready, bins: bins.len() })
}

/// `ORDERS` of the demo's orders as new ones: those whose lines all need
/// shipping, are of `stocked` SKUs and fit one tote, arriving over the last
/// day, each keeping its ship-by time relative to its arrival.
fn replayed_orders(
    store: &Store,
    rules: &WaveRules,
    stocked: &HashSet<&str>,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<NewOrder>> {
    let mut orders = Vec::with_capacity(ORDERS);
    let mut number = 0;
    while orders.len() < ORDERS {
        number += 1;
        let Some(mut order) = store.order_as_received(OrderNumber(number))? else {
            return Err(Error::Other(format!(
                "wave figures: the demo store has only {} orders that fit a tote, not {ORDERS}",
                orders.len()
            )));
        };
        let units: u32 = order.lines.iter().map(|l| l.qty).sum();
        let odd = |l: &NewOrderLine| !l.requires_shipping || !stocked.contains(l.sku.as_str());
        if order.lines.is_empty() || units > rules.units_per_tote || order.lines.iter().any(odd) {
            continue;
        }
        let i = orders.len();
        let arrived = now - chrono::Duration::seconds((i as i64 * 86_400) / ORDERS as i64);
        order.ship_by = arrived + (order.ship_by - order.created_at);
        order.created_at = arrived;
        order.updated_at = arrived;
        order.external_id = format!("wave-bench-{i}");
        order.financial_status = "paid".into();
        orders.push(order);
    }
    Ok(orders)
}

/// One side of the planning figure: milliseconds per phase and what was made.
struct PlanRun {
    read_ms: f64,
    plan_ms: f64,
    store_ms: f64,
    orders: usize,
    waves: usize,
    tasks_units: u32,
}

impl PlanRun {
    fn total_ms(&self) -> f64 {
        self.read_ms + self.plan_ms + self.store_ms
    }
}

/// Reads the candidates, plans them (`first_come` or the planner) and stores
/// the waves in one transaction, timing each phase.
fn plan_and_store(db: &Path, layout: &Layout, rules: &WaveRules, first_come: bool) -> Result<PlanRun> {
    let actor = Actor::new("bench", "EMP-0001");
    let mut store = Store::open(db)?;
    let started = Instant::now();
    let mut candidates = store.wave_candidates(ORDERS)?;
    batching::by_urgency(&mut candidates, rules, Utc::now());
    let read = started.elapsed();
    let plans = if first_come {
        first_come_plans(layout, &candidates, rules)?
    } else {
        batching::plan_all(layout, &candidates, rules)
    };
    let planned = started.elapsed();
    let waves = store.create_waves(&actor, &plans)?;
    let stored = started.elapsed();
    if waves.len() != plans.len() {
        return Err(Error::Other(format!("wave figures: {} waves planned, {} stored", plans.len(), waves.len())));
    }
    Ok(PlanRun {
        read_ms: super::figures::ms(read),
        plan_ms: super::figures::ms(planned.saturating_sub(read)),
        store_ms: super::figures::ms(stored.saturating_sub(planned)),
        orders: plans.iter().map(|p| p.orders.len()).sum(),
        waves: plans.len(),
        tasks_units: plans.iter().map(|p| p.units).sum(),
    })
}

/// First-come batching: the candidates that fit a tote, in urgency order, cut
/// into carts of `max_orders`, each walked in S-shape.
fn first_come_plans(layout: &Layout, candidates: &[WaveCandidate], rules: &WaveRules) -> Result<Vec<WavePlan>> {
    let fitting: Vec<&WaveCandidate> = candidates.iter().filter(|c| rules.fits(c)).collect();
    fitting
        .chunks(rules.max_orders)
        .map(|cart| {
            let bins = bins_of(cart);
            let walk = routing::route(layout, &bins, Method::SShape).map_err(|e| Error::Other(e.to_string()))?;
            Ok(WavePlan {
                orders: cart.iter().map(|c| c.number).collect(),
                walk: walk.sequence,
                route_m: walk.distance_m,
                baseline_m: walk.distance_m,
                lines: cart.iter().map(|c| c.lines).sum(),
                units: cart.iter().map(|c| c.units).sum(),
            })
        })
        .collect()
}

fn bins_of(cart: &[&WaveCandidate]) -> Vec<BinCode> {
    let mut bins: Vec<BinCode> = cart.iter().flat_map(|c| c.bins.iter().copied()).collect();
    bins.sort_unstable();
    bins.dedup();
    bins
}

/// A copy of the pristine store (closed, so its WAL is checkpointed).
fn copy_store(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).map_err(Error::io(format!("cannot copy {} to {}", from.display(), to.display())))?;
    Ok(())
}

/// `wave_plan_10k`: median of `RUNS` alternating runs of each side.
fn plan_10k(dir: &Path, built: &Built, layout: &Layout, rules: &WaveRules, quick: &str) -> Result<Figure> {
    let (mut ours, mut theirs) = (Vec::with_capacity(RUNS), Vec::with_capacity(RUNS));
    for run in 0..RUNS {
        for (first_come, runs) in [(true, &mut theirs), (false, &mut ours)] {
            let db = dir.join(format!("waves-{}-{run}.db", if first_come { "fcfs" } else { "plan" }));
            copy_store(&built.db, &db)?;
            runs.push(plan_and_store(&db, layout, rules, first_come)?);
            if run + 1 < RUNS {
                let _ = std::fs::remove_file(&db);
            }
        }
    }
    // The last planned store must still hold together.
    let store = Store::open(&dir.join(format!("waves-plan-{}.db", RUNS - 1)))?;
    let audit = store.audit_allocation()?;
    if !audit.is_clean() || store.ledger_mismatches()? != 0 {
        return Err(Error::Other(format!("wave figures: the planned store does not audit clean: {audit:?}")));
    }
    drop(store);
    let median = |runs: &[PlanRun], f: &dyn Fn(&PlanRun) -> f64| {
        percentile(&mut runs.iter().map(f).collect::<Vec<_>>(), 50.0).unwrap_or(0.0)
    };
    let (last, fcfs) = (&ours[RUNS - 1], &theirs[RUNS - 1]);
    Ok(Figure::new(
        NAMES[0],
        (Some(median(&ours, &PlanRun::total_ms)), "ms"),
        ("first-come batching stored the same way, ms", Some(median(&theirs, &PlanRun::total_ms))),
        ("<= 2 s", Budget::AtMost(2_000.0)),
        Some(format!(
            "{quick}the {} most urgent of {} ready orders (replayed demo orders and the demo's own) on the \
             demo layout ({} stocked bins), {} of them fitting a tote; read, urgency sort, plan (pool {}, up to {} \
             per wave) and one transaction storing {} waves, a tote per order and the pick tasks of {} units; \
             median of {RUNS} runs each on fresh copies; phases {:.0} + {:.0} + {:.0} ms (first-come {:.0} + \
             {:.0} + {:.0} ms, {} waves)",
            count(ORDERS),
            count(built.ready as usize),
            count(built.bins),
            count(last.orders),
            rules.pool,
            rules.max_orders,
            count(last.waves),
            count(last.tasks_units as usize),
            median(&ours, &|r| r.read_ms),
            median(&ours, &|r| r.plan_ms),
            median(&ours, &|r| r.store_ms),
            median(&theirs, &|r| r.read_ms),
            median(&theirs, &|r| r.plan_ms),
            median(&theirs, &|r| r.store_ms),
            count(fcfs.waves),
        )),
    ))
}

/// `wave_travel_ratio`: the planned waves' optimal routes against first-come
/// carts walked in S-shape, with the two halves of the gain in the note.
fn travel_ratio(built: &Built, layout: &Layout, rules: &WaveRules, quick: &str) -> Result<Figure> {
    let store = Store::open(&built.db)?;
    let mut candidates = store.wave_candidates(ORDERS)?;
    drop(store);
    batching::by_urgency(&mut candidates, rules, Utc::now());
    let plans = batching::plan_all(layout, &candidates, rules);
    let planned_m: f64 = plans.iter().map(|p| p.route_m).sum();
    let planned_s_shape_m: f64 = plans.iter().map(|p| p.baseline_m).sum();
    let first_come_m = batching::first_come_travel(layout, &candidates, rules);
    let fitting: Vec<&WaveCandidate> = candidates.iter().filter(|c| rules.fits(c)).collect();
    let mut first_come_optimal_m = 0.0;
    for cart in fitting.chunks(rules.max_orders) {
        let route = routing::route(layout, &bins_of(cart), Method::Optimal).map_err(|e| Error::Other(e.to_string()))?;
        first_come_optimal_m += route.distance_m;
    }
    let bins_per_wave = plans.iter().map(|p| p.walk.len()).sum::<usize>() as f64 / plans.len().max(1) as f64;
    let km = |m: f64| m / 1000.0;
    Ok(Figure::new(
        NAMES[1],
        (Some(km(planned_m)), "km"),
        ("first-come carts walked in S-shape, km", Some(km(first_come_m))),
        ("<= 0.80x", Budget::RatioAtMost(0.80)),
        Some(format!(
            "{quick}{} orders in {} waves ({bins_per_wave:.1} bins each) on the demo layout; routing alone \
             (first-come carts, optimal) {:.1} km, batching alone (planned waves, S-shape) {:.1} km, \
             both {:.1} km, first-come S-shape {:.1} km",
            count(fitting.len()),
            count(plans.len()),
            km(first_come_optimal_m),
            km(planned_s_shape_m),
            km(planned_m),
            km(first_come_m),
        )),
    ))
}

fn count(n: usize) -> String {
    crate::widgets::format::count(n as u64)
}
