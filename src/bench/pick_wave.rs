//! `probe pick-wave`: one picker working a whole wave from its own process,
//! as the pick screen does (take the wave, confirm every open tote share of
//! every stop in walk order, renew the lease, re-route after a short pick),
//! so the concurrency tests can run pickers on different waves at once.

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use super::probe::{is_busy, ms, wait_until};
use crate::domain::wave::{ShortReason, StopState};
use crate::domain::{Actor, Layout, WaveNumber, WaveStatus};
use crate::errors::{Error, Result};
use crate::planning::routing::{Method, route};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct PickWaveArgs {
    /// The wave, as `WAVE-000007` or `7`.
    #[arg(long)]
    pub wave: String,
    /// The picker's station.
    #[arg(long)]
    pub station: String,
    /// The picker's badge.
    #[arg(long)]
    pub badge: String,
    /// Short the first stop (bin empty) instead of picking it; its units
    /// move to another bin if one has them, else the orders are left short.
    #[arg(long)]
    pub short_first: bool,
    /// How long the lease lasts without a renewal.
    #[arg(long, default_value_t = 120)]
    pub lease_seconds: u32,
    /// After taking the wave, hold it until stdin closes, then pick (the
    /// tests keep the lease while another picker tries to take the wave).
    #[arg(long)]
    pub hold: bool,
    /// Wait until this wall-clock instant (unix milliseconds) before taking the wave.
    #[arg(long, value_name = "UNIX_MS")]
    pub start_at_ms: Option<u64>,
}

/// What one picker did.
#[derive(Debug, Default)]
struct Picked {
    stops: u64,
    confirms: u64,
    units: u64,
    shorts: u64,
    moved_to: u64,
    short_orders: u64,
    max_op_ms: f64,
}

/// Prints `took WAVE-… late_ms=N` once the wave is leased, then
/// `picked WAVE-… stops=… confirms=… units=… shorts=… moved_to=… short_orders=… max_op_ms=…`.
/// A refused take (another station's lease, or nothing to pick) ends the
/// process with exit 1 and the store's reason.
pub(super) fn pick_wave(db: &Path, args: &PickWaveArgs) -> Result<()> {
    let wave = parse_wave(&args.wave)?;
    let actor = Actor::new(args.station.clone(), args.badge.clone());
    let lease_ms = i64::from(args.lease_seconds) * 1_000;
    let mut store = Store::open(db)?;
    let fail = |what: &str, e: StoreError| -> Error {
        let busy = if is_busy(&e) { "SQLITE_BUSY while " } else { "" };
        Error::Other(format!("pick-wave {wave} at {}: {busy}{what}: {e}", actor.station))
    };
    let late_ms = wait_until(args.start_at_ms);
    store.take_wave(&actor, wave, lease_ms, false).map_err(|e| fail("cannot take the wave", e))?;
    println!("took {wave} late_ms={late_ms}");
    if args.hold {
        let mut buf = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
    }
    let mut done = Picked::default();
    let mut renewed = Instant::now();
    let renew_every = Duration::from_millis(u64::from(args.lease_seconds) * 1_000 / 3);
    // Each round settles one stop; the bound only guards against a store
    // that stops making progress.
    let bound = 4 * store.pick_list(wave).map_err(|e| fail("reading the pick list", e))?.stops.len() + 8;
    for _ in 0..bound {
        if renewed.elapsed() >= renew_every {
            if !store.renew_lease(&actor, wave, lease_ms).map_err(|e| fail("renewing the lease", e))? {
                return Err(Error::Other(format!("pick-wave {wave}: the lease was lost")));
            }
            renewed = Instant::now();
        }
        let list = store.pick_list(wave).map_err(|e| fail("reading the pick list", e))?;
        let Some(stop) = list.next_stop().cloned() else { break };
        if args.short_first && done.shorts == 0 {
            let started = Instant::now();
            let outcome = store
                .short_pick(&actor, wave, stop.stock_id, ShortReason::Stockout)
                .map_err(|e| fail(&format!("short pick of {} in {}", stop.sku, stop.bin), e))?;
            done.shorts += 1;
            done.moved_to += outcome.moved_to.len() as u64;
            done.short_orders += outcome.short_orders.len() as u64;
            if !outcome.moved_to.is_empty() {
                resequence(&mut store, &actor, wave).map_err(|e| fail("re-routing after the short pick", e))?;
            }
            done.max_op_ms = done.max_op_ms.max(ms(started.elapsed()));
            continue;
        }
        for share in stop.shares.iter().filter(|s| s.picked < s.qty) {
            let qty = share.qty - share.picked;
            let started = Instant::now();
            store
                .confirm_pick(&actor, wave, stop.stock_id, &share.tote, qty)
                .map_err(|e| fail(&format!("picking {qty} × {} from {} into {}", stop.sku, stop.bin, share.tote), e))?;
            done.max_op_ms = done.max_op_ms.max(ms(started.elapsed()));
            done.confirms += 1;
            done.units += u64::from(qty);
        }
        done.stops += 1;
    }
    let summary = store.wave(wave).map_err(|e| fail("reading the wave", e))?;
    if summary.status != WaveStatus::Picked {
        return Err(Error::Other(format!("pick-wave {wave}: the wave is {} after every stop", summary.status)));
    }
    let d = &done;
    println!(
        "picked {wave} stops={} confirms={} units={} shorts={} moved_to={} short_orders={} max_op_ms={:.0}",
        d.stops, d.confirms, d.units, d.shorts, d.moved_to, d.short_orders, d.max_op_ms
    );
    Ok(())
}

/// Puts the open stops into the optimal walk on the demo layout (the bins a
/// probe works with), or leaves their order if the layout does not know them.
fn resequence(store: &mut Store, actor: &Actor, wave: WaveNumber) -> std::result::Result<(), StoreError> {
    let list = store.pick_list(wave)?;
    let mut open: Vec<_> = list.stops.iter().filter(|s| s.state == StopState::Open).map(|s| s.bin).collect();
    open.sort_unstable();
    open.dedup();
    let walk = route(&Layout::demo(), &open, Method::Optimal).map(|r| r.sequence).unwrap_or(open);
    store.resequence_wave(actor, wave, &walk)
}

fn parse_wave(text: &str) -> Result<WaveNumber> {
    let digits = text.strip_prefix("WAVE-").unwrap_or(text);
    digits
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .map(WaveNumber)
        .ok_or_else(|| Error::Other(format!("--wave {text:?}: write it as WAVE-000007 or 7")))
}
