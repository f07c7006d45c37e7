//! `probe pack-loop`: one packer packing every picked order of a store
//! through the store API, as the pack screen does (open, scan each missing
//! unit one by one, now and then take a scan back and scan it again,
//! complete into shipments, close the carrier's manifest now and then), and
//! saying after each step what is now stored. The crash test kills it at
//! random instants and checks that the store still holds at least what the
//! last line said, and never more than one step beyond it.
//!
//! An order found `packing` (a pack interrupted by a crash) is resumed
//! first: only the units its checklist still misses are scanned.

use std::path::Path;

use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::config::Config;
use crate::domain::pack::PackOrder;
use crate::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueSort};
use crate::domain::{Actor, OrderNumber, OrderStatus};
use crate::errors::{Error, Result};
use crate::labels::ShipperConfig;
use crate::store::{NewPackage, PackageIds, Store, StoreError};

/// The carrier every probe pack ships with (its manifests are closed).
const CARRIER: &str = "DHL";

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct PackLoopArgs {
    /// Random seed: which picked order next, how many packages, which scans to take back.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The packer's station.
    #[arg(long, default_value = "PACK-1")]
    pub station: String,
    /// The packer's badge.
    #[arg(long, default_value = "EMP-0004")]
    pub badge: String,
    /// Stop after packing this many orders (default: when none is left).
    #[arg(long)]
    pub orders: Option<u64>,
    /// Close the carrier's manifest after every this many packs (0: never).
    #[arg(long, default_value_t = 5)]
    pub manifest_every: u64,
    /// Take back about one scan in this many, then scan the unit again (0: never).
    #[arg(long, default_value_t = 8)]
    pub undo_one_in: u32,
}

/// What one run did.
#[derive(Debug, Default)]
struct Packed {
    orders: u64,
    resumed: u64,
    scans: u64,
    undos: u64,
    manifests: u64,
}

/// Prints `ready` once the store is open, then one line per stored step:
/// `open ORD-… k/n` (k units already verified), `verified ORD-… k/n`,
/// `undone ORD-… k/n`, `packed ORD-… TRACKING[,TRACKING]`,
/// `manifest ID orders=N`, and at the end
/// `done packed=… resumed=… scans=… undos=… manifests=…`. A refusal or an
/// error ends the process with exit 1 and says which order and step.
pub(super) fn pack_loop(db: &Path, args: &PackLoopArgs) -> Result<()> {
    let actor = Actor::new(args.station.clone(), args.badge.clone());
    let shipper = Config::from_texts(None, "(built-in defaults)")?.config.shipper;
    let mut store = Store::open(db)?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let fail = |what: String, e: StoreError| Error::Other(format!("pack-loop: {what}: {e}"));
    println!("ready");
    let mut done = Packed::default();
    while args.orders.is_none_or(|n| done.orders < n) {
        let Some((number, resumed)) = next_order(&store, &mut rng).map_err(|e| fail("finding an order".into(), e))?
        else {
            break;
        };
        done.resumed += u64::from(resumed);
        let order = match store.pack_open(&actor, number).map_err(|e| fail(format!("opening {number}"), e))? {
            Ok(order) => order,
            Err(refusal) => return Err(Error::Other(format!("pack-loop: opening {number} was refused: {refusal}"))),
        };
        println!("open {number} {}", progress(&order));
        let order = scan_missing(&mut store, &actor, order, args.undo_one_in, &mut rng, &mut done)?;
        let packages = packages(&order, &mut rng);
        let service = if order.carrier_service.is_empty() { "DHL Paket" } else { order.carrier_service.as_str() };
        let mut failed = None;
        let mut ids = |serial: i64| {
            package_ids(&shipper, serial).unwrap_or_else(|e| {
                failed = Some(e);
                PackageIds { tracking: String::new(), sscc: String::new() }
            })
        };
        let completed = store.complete_pack(&actor, number, &packages, (CARRIER, service), "", &mut ids);
        if let Some(e) = failed {
            return Err(Error::Other(format!("pack-loop: numbering a package of {number}: {e}")));
        }
        let packed = completed.map_err(|e| fail(format!("completing {number}"), e))?;
        let tracking: Vec<&str> = packed.iter().map(|p| p.tracking.as_str()).collect();
        println!("packed {number} {}", tracking.join(","));
        done.orders += 1;
        if args.manifest_every > 0 && done.orders % args.manifest_every == 0 {
            let manifest = store.close_manifest(&actor, CARRIER).map_err(|e| fail("closing the manifest".into(), e))?;
            println!("manifest {} orders={}", manifest.id, manifest.orders);
            done.manifests += 1;
        }
    }
    let d = &done;
    println!(
        "done packed={} resumed={} scans={} undos={} manifests={}",
        d.orders, d.resumed, d.scans, d.undos, d.manifests
    );
    Ok(())
}

/// An order being packed (interrupted, so resumed first), else a random one
/// of the most urgent picked orders; `true` with a resumed one.
fn next_order(store: &Store, rng: &mut ChaCha8Rng) -> std::result::Result<Option<(OrderNumber, bool)>, StoreError> {
    let page = |status, limit| {
        store.queue_page(&QueueQuery {
            filter: QueueFilter::Status(status),
            sort: QueueSort::ShipBy,
            from: PageFrom::Start,
            limit,
        })
    };
    if let Some(row) = page(OrderStatus::Packing, 1)?.first() {
        return Ok(Some((row.number(), true)));
    }
    Ok(page(OrderStatus::Picked, 20)?.choose(rng).map(|row| (row.number(), false)))
}

/// Scans every unit the checklist misses, one at a time (with a lot or a
/// serial number where the SKU needs one), sometimes taking a scan back.
fn scan_missing(
    store: &mut Store,
    actor: &Actor,
    mut order: PackOrder,
    undo_one_in: u32,
    rng: &mut ChaCha8Rng,
    done: &mut Packed,
) -> Result<PackOrder> {
    let number = order.number;
    let fail = |what: &str, e: StoreError| Error::Other(format!("pack-loop: {what} {number}: {e}"));
    // Each round stores one scan or one undo; the bound only guards against
    // a store that stops making progress.
    let bound = 3 * order.expected_units() as usize + 8;
    for _ in 0..bound {
        let Some(line) = order.lines.iter().find(|l| l.scanned < l.expected) else { return Ok(order) };
        let sku = line.sku.clone();
        let lot = line.lot_tracked.then(|| "L-PROBE".to_owned());
        let serial = line.serial_tracked.then(|| format!("SN{}-{}-{}", number.0, line.line_no, line.scanned + 1));
        order = match store
            .pack_scan(actor, number, &sku, 1, lot.as_deref(), serial.as_deref())
            .map_err(|e| fail(&format!("scanning {sku} for"), e))?
        {
            Ok(order) => order,
            Err(refusal) => return Err(Error::Other(format!("pack-loop: scanning {sku} for {number}: {refusal}"))),
        };
        done.scans += 1;
        println!("verified {number} {}", progress(&order));
        if undo_one_in > 0 && rng.random_ratio(1, undo_one_in) {
            if store.pack_undo(actor, number).map_err(|e| fail("taking back a scan of", e))?.is_none() {
                return Err(Error::Other(format!("pack-loop: {number} had no scan to take back")));
            }
            order = store.pack_order(number).map_err(|e| fail("reading", e))?;
            done.undos += 1;
            println!("undone {number} {}", progress(&order));
        }
    }
    Err(Error::Other(format!("pack-loop: {number} is still missing units after {bound} scans")))
}

/// `k/n`: units verified of units ordered.
fn progress(order: &PackOrder) -> String {
    format!("{}/{}", order.scanned_units(), order.expected_units())
}

/// One package, or (sometimes, with more than one unit) two, weighing what
/// the items do plus 150 g of carton each.
fn packages(order: &PackOrder, rng: &mut ChaCha8Rng) -> Vec<NewPackage> {
    let items: u32 = order.lines.iter().map(|l| l.weight_g.saturating_mul(l.expected)).sum();
    let count = if order.expected_units() > 1 && rng.random_ratio(1, 3) { 2 } else { 1 };
    (0..count)
        .map(|i| NewPackage {
            carton: if i == 0 { "M".into() } else { "S".into() },
            weight_g: items / count + 150,
            measured_g: (count == 1).then_some(items + 155),
        })
        .collect()
}

/// The tracking number and SSCC of package `serial`, as the pack screen makes them.
fn package_ids(shipper: &ShipperConfig, serial: i64) -> std::result::Result<PackageIds, String> {
    let serial = u64::try_from(serial).map_err(|_| format!("serial {serial} is negative"))?;
    let sscc = shipper.sscc(serial).map_err(|e| e.to_string())?;
    let tracking = shipper.tracking(3, serial).map_err(|e| e.to_string())?;
    Ok(PackageIds { tracking: tracking.to_string(), sscc: sscc.to_string() })
}
