//! `dashboard_refresh_p99`: the dashboard's refresh (read the counters,
//! build the tiles, KPIs and alerts) on the demo store, each refresh after a
//! write as another terminal's work would make, against the same facts
//! computed by scanning orders, lines, events and returns.

use std::path::Path;
use std::time::Instant;

use chrono::Utc;

use super::figures::ms;
use super::report::{Budget, Figure};
use super::{Plan, percentile};
use crate::config::Config;
use crate::domain::Actor;
use crate::errors::Result;
use crate::store::{DashboardCache, Store};

pub(super) const NAME: &str = "dashboard_refresh_p99";

/// Refreshes timed in a full run (a quick run times a fifth).
const REFRESHES: usize = 500;
/// Full scans timed (each reads the whole store).
const SCANS: usize = 3;

pub(super) fn measure(plan: &Plan, db: &Path) -> Result<Figure> {
    let mut store = Store::open(db)?;
    let config = Config::from_texts(None, "(built-in defaults)")?.config;
    let (dash, inventory) = (&config.dashboard, &config.inventory);
    let actor = Actor::new("BENCH", "EMP-0004");
    let mut cache = DashboardCache::default();

    let request = dash.request(Utc::now(), config.waves.cutoff, inventory);
    let started = Instant::now();
    let first = store.dashboard_facts(&mut cache, &request)?;
    let cold = ms(started.elapsed());

    let refreshes = if plan.quick { REFRESHES / 5 } else { REFRESHES };
    let mut samples = Vec::with_capacity(refreshes);
    for i in 0..refreshes {
        // A refused pack scan: an event and an operator counter, as a pack station writes them.
        store.record_scan_refusal(&actor, "station:BENCH", &format!("BENCH-{i}"), "bench")?;
        let request = dash.request(Utc::now(), config.waves.cutoff, inventory);
        let started = Instant::now();
        let facts = store.dashboard_facts(&mut cache, &request)?;
        let built = crate::planning::dashboard::build(&facts, inventory, dash);
        samples.push(ms(started.elapsed()));
        std::hint::black_box(built);
    }

    // Per-SKU health is read again every SKU_SECONDS: time that read too.
    let mut sku_reads = Vec::with_capacity(SCANS);
    for _ in 0..SCANS {
        cache.expire();
        let request = dash.request(Utc::now(), config.waves.cutoff, inventory);
        let started = Instant::now();
        std::hint::black_box(store.dashboard_facts(&mut cache, &request)?);
        sku_reads.push(ms(started.elapsed()));
    }
    let sku_read = sku_reads.iter().copied().fold(0.0, f64::max);

    let mut scans = Vec::with_capacity(SCANS);
    let mut same = true;
    for _ in 0..SCANS {
        let request = dash.request(Utc::now(), config.waves.cutoff, inventory);
        let started = Instant::now();
        let facts = store.dashboard_facts_by_scan(&request)?;
        let built = crate::planning::dashboard::build(&facts, inventory, dash);
        scans.push(ms(started.elapsed()));
        cache.expire();
        let counted = store.dashboard_facts(&mut cache, &request)?;
        same &= agree(&counted, &facts);
        std::hint::black_box(built);
    }
    let agree = if same {
        "the counters and the scan agree on orders, shipping, returns and SKUs"
    } else {
        "THE COUNTERS AND THE SCAN DISAGREE"
    };
    Ok(Figure::new(
        NAME,
        (percentile(&mut samples, 99.0), "ms"),
        ("the same figures by a full scan p99", percentile(&mut scans, 99.0)),
        ("<= 10 ms", Budget::AtMost(10.0)),
        Some(format!(
            "{}; {refreshes} refreshes after a write each, {SCANS} scans; first refresh {cold:.1} ms \
             (reads the days before today once); with per-SKU health read again (every {} s) {sku_read:.1} ms; \
             {} SKUs, {} open alerts; {agree}",
            plan.note(),
            crate::store::SKU_SECONDS,
            first.skus.len(),
            first.alerts.len(),
        )),
    ))
}

/// Whether the counters and the scan agree on what both can know: the demo's
/// shift of operator work exists only as counters (it has no events), so
/// picks, packs and refusals are left out.
fn agree(counted: &crate::domain::dashboard::Facts, scanned: &crate::domain::dashboard::Facts) -> bool {
    let shipping = |f: &crate::domain::dashboard::Facts| {
        f.days
            .iter()
            .map(|d| {
                (d.day, d.shipped_orders, d.shipped_units, d.on_time_orders, d.returned_units, d.cycle_minutes.clone())
            })
            .collect::<Vec<_>>()
    };
    let shipped_hours = |f: &crate::domain::dashboard::Facts| {
        f.hours.iter().map(|h| (h.start, h.shipped_orders, h.shipped_units)).collect::<Vec<_>>()
    };
    counted.counts == scanned.counts
        && counted.late == scanned.late
        && counted.cutoffs == scanned.cutoffs
        && counted.skus == scanned.skus
        && shipping(counted) == shipping(scanned)
        && shipped_hours(counted) == shipped_hours(scanned)
}
