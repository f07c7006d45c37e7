//! Fault injection: what can go wrong between the connector and the channel,
//! at rates from a seeded random stream so a test run can be repeated.

use std::time::Duration;

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The fault settings. Every rate is a probability from 0.0 to 1.0; they
/// apply to API requests only (never to `/_sim/`).
///
/// Per request, in this order (the first that fires wins): `reset_before_rate`
/// (the connection is reset before anything is done), `rate_limit_rate` (429
/// with `Retry-After`), `server_error_rate` (500 or 503 with a JSON body, 502
/// with an HTML one). Then the request is carried out, and afterwards
/// `reset_after_rate` (the work is committed, e.g. a fulfillment created, then
/// the connection is reset) and `delay_rate` (the answer, or that reset, comes
/// `delay_ms` late; the work is done before the wait).
///
/// Per order listing: `stale_rate` (per order that has an older version: an
/// older version is served in its place; the paging still follows the current
/// one), `duplicate_rate` (per order: it appears a second time later in the
/// same page) and `reorder_rate` (per page: its orders are shuffled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    pub server_error_rate: f64,
    pub rate_limit_rate: f64,
    /// The `Retry-After` of a 429, in seconds.
    pub retry_after_secs: u64,
    pub delay_rate: f64,
    pub delay_ms: u64,
    pub reset_before_rate: f64,
    pub reset_after_rate: f64,
    pub duplicate_rate: f64,
    pub reorder_rate: f64,
    pub stale_rate: f64,
}

impl Default for Faults {
    /// No faults; a 429 would say `Retry-After: 1`, a delay would be 15 s
    /// (past the connector's default 10 s timeout).
    fn default() -> Self {
        Self {
            server_error_rate: 0.0,
            rate_limit_rate: 0.0,
            retry_after_secs: 1,
            delay_rate: 0.0,
            delay_ms: 15_000,
            reset_before_rate: 0.0,
            reset_after_rate: 0.0,
            duplicate_rate: 0.0,
            reorder_rate: 0.0,
            stale_rate: 0.0,
        }
    }
}

impl Faults {
    /// Checks every rate is within 0.0-1.0.
    pub fn check(&self) -> Result<(), String> {
        let rates = [
            ("server_error_rate", self.server_error_rate),
            ("rate_limit_rate", self.rate_limit_rate),
            ("delay_rate", self.delay_rate),
            ("reset_before_rate", self.reset_before_rate),
            ("reset_after_rate", self.reset_after_rate),
            ("duplicate_rate", self.duplicate_rate),
            ("reorder_rate", self.reorder_rate),
            ("stale_rate", self.stale_rate),
        ];
        match rates.iter().find(|(_, rate)| !(0.0..=1.0).contains(rate)) {
            Some((name, rate)) => Err(format!("{name} must be from 0.0 to 1.0, not {rate}")),
            None => Ok(()),
        }
    }
}

/// How many faults of each kind were injected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultCounts {
    pub server_error: u64,
    pub rate_limited: u64,
    pub delay: u64,
    pub reset_before: u64,
    pub reset_after: u64,
    pub duplicate: u64,
    pub reorder: u64,
    pub stale: u64,
}

impl FaultCounts {
    /// All faults together.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.server_error
            + self.rate_limited
            + self.delay
            + self.reset_before
            + self.reset_after
            + self.duplicate
            + self.reorder
            + self.stale
    }
}

/// A fault that replaces the answer before the request is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Before {
    Reset,
    RateLimited { retry_after: u64 },
    ServerError(u16),
}

/// What happens to one API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    pub before: Option<Before>,
    pub reset_after: bool,
    pub delay: Option<Duration>,
}

/// The settings, their random stream and the counts.
pub(super) struct FaultState {
    pub settings: Faults,
    pub counts: FaultCounts,
    rng: ChaCha8Rng,
}

impl FaultState {
    pub fn new(settings: Faults, seed: u64) -> Self {
        // Its own stream: turning faults on does not change the orders generated.
        Self { settings, counts: FaultCounts::default(), rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_fa17) }
    }

    /// One draw against `rate`.
    pub fn hit(&mut self, rate: f64) -> bool {
        let draw: f64 = self.rng.random();
        draw < rate
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.rng.random_range(0..n) }
    }

    /// Decides the faults of one API request and counts them. Always takes
    /// the same number of draws, so a rate at 0 does not shift the others.
    pub fn plan(&mut self) -> Plan {
        let s = self.settings.clone();
        let draws = [
            self.hit(s.reset_before_rate),
            self.hit(s.rate_limit_rate),
            self.hit(s.server_error_rate),
            self.hit(s.reset_after_rate),
            self.hit(s.delay_rate),
        ];
        let code = [500, 502, 503][self.below(3)];
        let before = if draws[0] {
            self.counts.reset_before += 1;
            Some(Before::Reset)
        } else if draws[1] {
            self.counts.rate_limited += 1;
            Some(Before::RateLimited { retry_after: s.retry_after_secs })
        } else if draws[2] {
            self.counts.server_error += 1;
            Some(Before::ServerError(code))
        } else {
            None
        };
        let reset_after = before.is_none() && draws[3];
        if reset_after {
            self.counts.reset_after += 1;
        }
        let delay = (draws[4] && before != Some(Before::Reset)).then(|| Duration::from_millis(s.delay_ms));
        if delay.is_some() {
            self.counts.delay += 1;
        }
        Plan { before, reset_after, delay }
    }

    /// Shuffles `items` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        use rand::seq::SliceRandom as _;
        items.shuffle(&mut self.rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_checked_and_plans_follow_them() {
        assert!(Faults::default().check().is_ok());
        let bad = Faults { stale_rate: 1.5, ..Faults::default() };
        assert!(bad.check().unwrap_err().contains("stale_rate"));
        let mut state = FaultState::new(Faults { server_error_rate: 1.0, ..Faults::default() }, 1);
        assert!(matches!(state.plan().before, Some(Before::ServerError(500 | 502 | 503))));
        state.settings = Faults { reset_after_rate: 1.0, delay_rate: 1.0, delay_ms: 5, ..Faults::default() };
        let plan = state.plan();
        assert_eq!((plan.before, plan.reset_after, plan.delay), (None, true, Some(Duration::from_millis(5))));
        assert_eq!((state.counts.server_error, state.counts.reset_after, state.counts.delay), (1, 1, 1));
        assert_eq!(state.counts.total(), 3);
        let parsed: Faults = serde_json::from_str(r#"{"rate_limit_rate": 0.5}"#).unwrap();
        assert_eq!(parsed, Faults { rate_limit_rate: 0.5, ..Faults::default() });
        assert!(serde_json::from_str::<Faults>(r#"{"rate_limit": 0.5}"#).is_err());
    }
}
