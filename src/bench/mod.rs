//! `packline bench`: the headline figures of DESIGN section 11, each measured
//! beside its comparator in the same run. A figure that cannot be measured
//! says so (`value: null` and a note), never a made-up number.

mod allocation;
mod cluster;
mod dashboard;
mod figures;
mod latency;
mod pack;
mod pack_loop;
mod pick_wave;
mod postgres;
mod probe;
mod report;
mod waves;

use std::path::Path;

use crate::errors::{Error, Result};

pub use cluster::PgCluster;
pub use probe::{Probe, run_probe};
pub use report::{Figure, Report};

/// Sizes of one run.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub quick: bool,
    /// Orders in the store that the queue figures open.
    pub store_orders: u64,
    /// Orders ingested for the ingest figure.
    pub ingest_orders: u64,
    /// Orders imported (and allocated) for the allocation-throughput figure.
    pub allocation_orders: u64,
    /// Frames rendered for the render figure.
    pub frames: usize,
    /// Child processes started for the first-frame figure.
    pub starts: usize,
    /// Order scans sent for the scan-latency figure.
    pub scans: usize,
    /// Random 60-bin pick lists routed for the routing figure (each timed `ROUTE_REPEATS` times).
    pub route_lists: usize,
}

impl Plan {
    #[must_use]
    pub fn new(quick: bool) -> Self {
        if quick {
            Self {
                quick,
                store_orders: 100_000,
                ingest_orders: 20_000,
                allocation_orders: 10_000,
                frames: 300,
                starts: 5,
                scans: 60,
                route_lists: 200,
            }
        } else {
            Self {
                quick,
                store_orders: 1_000_000,
                ingest_orders: 100_000,
                allocation_orders: 50_000,
                frames: 1_000,
                starts: 11,
                scans: 200,
                route_lists: 1_000,
            }
        }
    }

    pub(crate) fn note(&self) -> String {
        if self.quick {
            format!(
                "quick run: {} orders (budgets are for 1,000,000)",
                crate::widgets::format::count(self.store_orders)
            )
        } else {
            format!("{} orders", crate::widgets::format::count(self.store_orders))
        }
    }
}

/// Runs every figure and prints the report (a table, or JSON with `json`).
pub fn run(quick: bool, json: bool, only: Option<&str>) -> Result<()> {
    let plan = Plan::new(quick);
    if let Some(name) = only.filter(|n| !figures::NAMES.contains(n)) {
        return Err(Error::Other(format!("no figure named {name:?}; the figures are {}", figures::NAMES.join(", "))));
    }
    let dir = tempfile_dir()?;
    let report = figures::measure_all(&plan, dir.path(), only)?;
    if json {
        println!("{}", serde_json::to_string(&report).map_err(|e| Error::Other(e.to_string()))?);
    } else {
        print!("{}", report.table());
    }
    Ok(())
}

/// A scratch directory removed when dropped.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> Result<ScratchDir> {
    let dir = std::env::temp_dir().join(format!("packline-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(Error::io(format!("cannot create {}", dir.display())))?;
    Ok(ScratchDir(dir))
}

/// The p-th percentile (0-100) of samples, by nearest rank.
#[must_use]
pub fn percentile(samples: &mut [f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut samples, 99.0), Some(99.0));
        assert_eq!(percentile(&mut samples, 50.0), Some(50.0));
        assert_eq!(percentile(&mut [3.0, 1.0, 2.0], 100.0), Some(3.0));
        assert_eq!(percentile(&mut [], 99.0), None);
    }
}
