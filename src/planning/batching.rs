//! Wave planning: which ready orders go on one picker's cart.
//!
//! Seed batching with nearest additions: the most urgent order seeds the
//! wave (orders due before the next carrier cut-off first, then priority,
//! then ship-by); the wave then grows with the order, among the next most
//! urgent, whose bins lie closest to the bins already on the cart (the sum
//! over its bins of the walking distance to the nearest bin of the wave),
//! until the cart is full. Every wave is routed optimally; its baseline is
//! the same orders routed with S-shape, and for a whole plan, first-come
//! batching (the urgency order cut into carts) routed with S-shape.

use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;

use super::routing::{Method, route};
use crate::domain::wave::{WaveCandidate, WavePlan};
use crate::domain::{BinCode, Layout};

/// The `[waves]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaveRules {
    /// Orders per wave: the planner fills up to `max_orders`, and says so
    /// when fewer than `min_orders` are ready.
    pub min_orders: usize,
    pub max_orders: usize,
    /// Totes on one cart: one order per tote.
    pub totes_per_cart: usize,
    /// Units one tote holds; larger orders are picked alone, outside waves.
    pub units_per_tote: u32,
    /// How many of the most urgent ready orders the planner chooses among.
    pub pool: usize,
    /// The carriers' daily cut-off (UTC): orders due before the next one go first.
    pub cutoff: NaiveTime,
    /// How long a picker's lease on a wave lasts without a heartbeat.
    pub lease_seconds: u32,
}

impl WaveRules {
    /// Checks the numbers make sense, naming the key that does not.
    pub fn check(&self) -> Result<(), String> {
        if self.min_orders == 0 || self.min_orders > self.max_orders {
            return Err(format!(
                "waves.min_orders must be 1 to max_orders ({}), not {}",
                self.max_orders, self.min_orders
            ));
        }
        if self.max_orders > self.totes_per_cart {
            return Err(format!(
                "waves.max_orders ({}) cannot exceed waves.totes_per_cart ({}): one order per tote",
                self.max_orders, self.totes_per_cart
            ));
        }
        if self.units_per_tote == 0 || self.pool < self.max_orders || self.lease_seconds < 10 {
            return Err("waves.units_per_tote must be above 0, waves.pool at least max_orders, and waves.lease_seconds at least 10".into());
        }
        Ok(())
    }

    /// The orders a wave can take: those that fit one tote.
    #[must_use]
    pub fn fits(&self, candidate: &WaveCandidate) -> bool {
        candidate.units <= self.units_per_tote && !candidate.bins.is_empty()
    }
}

/// A planned wave, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    Wave(WavePlan),
    /// No ready order can go on a cart (none, or all too big for a tote).
    Nothing {
        too_big: usize,
    },
}

/// Sorts candidates most urgent first: due before the next cut-off, then
/// priority, then ship-by, then order number.
pub fn by_urgency(candidates: &mut [WaveCandidate], rules: &WaveRules, now: DateTime<Utc>) {
    let today_cutoff = now.date_naive().and_time(rules.cutoff).and_utc();
    let next_cutoff = if now < today_cutoff { today_cutoff } else { today_cutoff + chrono::Duration::days(1) };
    candidates.sort_by_key(|c| (c.ship_by > next_cutoff, c.priority, c.ship_by, c.number));
}

/// Plans one wave from `candidates` (most urgent first, see [`by_urgency`]).
#[must_use]
pub fn plan_wave(layout: &Layout, candidates: &[WaveCandidate], rules: &WaveRules) -> Planned {
    let too_big = candidates.iter().filter(|c| !rules.fits(c)).count();
    let pool: Vec<&WaveCandidate> = candidates.iter().filter(|c| rules.fits(c)).take(rules.pool).collect();
    match grow(layout, &pool, rules) {
        Some(picked) => Planned::Wave(finish(layout, &picked)),
        None => Planned::Nothing { too_big },
    }
}

/// Plans every candidate that fits into waves, in urgency order (the
/// benchmark's 10,000 orders, or a supervisor's "wave everything").
#[must_use]
pub fn plan_all(layout: &Layout, candidates: &[WaveCandidate], rules: &WaveRules) -> Vec<WavePlan> {
    let mut left: Vec<&WaveCandidate> = candidates.iter().filter(|c| rules.fits(c)).collect();
    let mut waves = Vec::new();
    while !left.is_empty() {
        let pool: Vec<&WaveCandidate> = left.iter().take(rules.pool).copied().collect();
        let Some(picked) = grow(layout, &pool, rules) else { break };
        left.retain(|c| !picked.iter().any(|p| p.number == c.number));
        waves.push(finish(layout, &picked));
    }
    waves
}

/// First-come batching of the same candidates (urgency order cut into
/// carts), each cart routed with S-shape: the comparator of the plan.
#[must_use]
pub fn first_come_travel(layout: &Layout, candidates: &[WaveCandidate], rules: &WaveRules) -> f64 {
    let fitting: Vec<&WaveCandidate> = candidates.iter().filter(|c| rules.fits(c)).collect();
    fitting.chunks(rules.max_orders).map(|cart| travel(layout, &bins_of(cart), Method::SShape)).sum()
}

/// Seeds a wave with the most urgent order and adds the nearest ones.
fn grow<'a>(layout: &Layout, pool: &[&'a WaveCandidate], rules: &WaveRules) -> Option<Vec<&'a WaveCandidate>> {
    let (seed, rest) = pool.split_first()?;
    let point = |bin: &BinCode| layout.point(*bin);
    let depot = layout.depot();
    // Per remaining candidate: for each of its bins, the distance to the
    // nearest bin on the cart so far (the depot counts as on the cart).
    let mut nearest: Vec<Vec<f64>> = rest
        .iter()
        .map(|c| c.bins.iter().map(|b| point(b).map_or(f64::MAX, |p| layout.travel(depot, p))).collect())
        .collect();
    let mut taken = vec![false; rest.len()];
    let mut picked = vec![*seed];
    let mut added: Vec<BinCode> = seed.bins.clone();
    let limit = rules.max_orders.min(rules.totes_per_cart);
    while picked.len() < limit {
        for (i, candidate) in rest.iter().enumerate() {
            if taken[i] {
                continue;
            }
            for (j, bin) in candidate.bins.iter().enumerate() {
                let Some(p) = point(bin) else { continue };
                for new in &added {
                    if let Some(q) = point(new) {
                        nearest[i][j] = nearest[i][j].min(layout.travel(p, q));
                    }
                }
            }
        }
        // The cheapest addition; ties go to the more urgent (earlier) order.
        let best = (0..rest.len())
            .filter(|&i| !taken[i])
            .map(|i| (nearest[i].iter().sum::<f64>(), i))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let Some((_, i)) = best else { break };
        taken[i] = true;
        picked.push(rest[i]);
        added.clone_from(&rest[i].bins);
    }
    Some(picked)
}

fn finish(layout: &Layout, picked: &[&WaveCandidate]) -> WavePlan {
    let bins = bins_of(picked);
    let optimal = route(layout, &bins, Method::Optimal).ok();
    let route_m = optimal.as_ref().map_or(0.0, |r| r.distance_m);
    WavePlan {
        orders: picked.iter().map(|c| c.number).collect(),
        walk: optimal.map_or(bins.clone(), |r| r.sequence),
        route_m,
        baseline_m: travel(layout, &bins, Method::SShape),
        lines: picked.iter().map(|c| c.lines).sum(),
        units: picked.iter().map(|c| c.units).sum(),
    }
}

fn bins_of(cart: &[&WaveCandidate]) -> Vec<BinCode> {
    let mut bins: Vec<BinCode> = cart.iter().flat_map(|c| c.bins.iter().copied()).collect();
    bins.sort_unstable();
    bins.dedup();
    bins
}

fn travel(layout: &Layout, bins: &[BinCode], method: Method) -> f64 {
    route(layout, bins, method).map_or(0.0, |r| r.distance_m)
}

#[cfg(test)]
mod tests;
