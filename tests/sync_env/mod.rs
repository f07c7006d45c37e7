//! A warehouse and a sales channel for the sync tests: a store with stock
//! for the channel's SKUs, the channel simulator (or a scripted mock) on
//! loopback, a 0600 token file and a config naming the channel, and the
//! `packline` binary pointed at all of it.

#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use packline::domain::wave::WavePlan;
use packline::domain::{Actor, Bin, OrderNumber, Zone};
use packline::store::{NewPackage, PackageIds, Store};
use packline::sync::sim::http::{self, Handler};
use packline::sync::sim::{Sim, SimConfig};
use tempfile::TempDir;

use super::common::{bin, sku};

/// The SKUs the channel sells, each stocked in its own bin.
pub const SKUS: [&str; 6] = ["MUG-RED", "MUG-BLU", "TEE-S", "TEE-M", "CAP-01", "SOCK-3"];

pub const TOKEN: &str = "shpat_test_token";

/// Sync settings fit for tests: short timeouts and backoff, small pages.
pub const FAST_SYNC: &str = "
[sync]
pull_seconds = 1
push_seconds = 1
timeout_seconds = 0.5
backoff_base_seconds = 0.05
backoff_cap_seconds = 0.4
page_limit = 7
concurrency = 8
lease_seconds = 5
";

pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub rt: tokio::runtime::Runtime,
    pub addr: SocketAddr,
}

impl Env {
    /// A store with the SKUs stocked (`units` each) and nothing listening yet.
    pub fn new(units: u32) -> Self {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("sync.db");
        let mut store = Store::open(&db).unwrap();
        let a = actor();
        let skus: Vec<_> = SKUS.iter().map(|s| sku(s)).collect();
        store.add_skus(&a, &skus).unwrap();
        for (i, code) in SKUS.iter().enumerate() {
            let place = bin(&format!("01-{:03}-A", i + 1));
            store.add_bins(&a, &[Bin { code: place, zone: Zone::A }]).unwrap();
            store.receive_stock(&a, place, code, None, units, "PO-1").unwrap();
        }
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        Self { dir, db, rt, addr: SocketAddr::from(([127, 0, 0, 1], 0)) }
    }

    /// Starts the simulator with `orders` orders of [`SKUS`].
    pub fn with_sim(mut self, orders: usize, seed: u64) -> (Self, Sim) {
        let sim = Sim::new(SimConfig {
            seed,
            initial_orders: orders,
            skus: SKUS.iter().map(|s| (*s).to_owned()).collect(),
            token: TOKEN.into(),
            ..SimConfig::default()
        });
        let listener = self.rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        self.addr = listener.local_addr().unwrap();
        let _guard = self.rt.enter();
        sim.spawn(listener);
        self.configure("");
        (self, sim)
    }

    /// Starts a scripted mock channel.
    pub fn with_mock(mut self, handler: Handler) -> Self {
        let listener = self.rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        self.addr = listener.local_addr().unwrap();
        self.rt.spawn(http::serve(listener, handler));
        self.configure("");
        self
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn token_file(&self) -> PathBuf {
        self.home().join("shop.token")
    }

    /// Writes the token file and a config naming the channel, with [`FAST_SYNC`] and `extra`.
    pub fn configure(&self, extra: &str) {
        self.configure_sync(FAST_SYNC, extra);
    }

    /// [`Env::configure`] with another `[sync]` section.
    pub fn configure_sync(&self, sync: &str, extra: &str) {
        packline::sync::config::write_token(&self.token_file(), TOKEN).unwrap();
        let config_dir = self.home().join("config/packline");
        std::fs::create_dir_all(&config_dir).unwrap();
        let config = format!(
            "[[channels]]\nname = \"shop\"\nkind = \"rest\"\nbase_url = \"http://{}\"\ntoken_file = \"{}\"\n{sync}{extra}",
            self.addr,
            self.token_file().display()
        );
        std::fs::write(config_dir.join("config.toml"), config).unwrap();
    }

    /// `packline --db DB ARGS` with this home.
    pub fn packline(&self, args: &[&str]) -> Command {
        let mut cmd = super::common::packline(self.home(), &self.db);
        cmd.args(args);
        cmd
    }

    /// `packline sync --once` (plus `args`).
    pub fn sync_once(&self, args: &[&str]) -> Output {
        let mut all = vec!["sync", "--once"];
        all.extend_from_slice(args);
        self.packline(&all).output().unwrap()
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    /// A read-only look at the store's tables.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }
}

pub fn actor() -> Actor {
    Actor::new("TEST", "EMP-0004")
}

pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Picks and packs every ready order (in waves of 100), each in one
/// package tracked `TRK` + its order number; returns how many.
pub fn pack_all_ready(store: &mut Store) -> usize {
    let a = actor();
    let mut packed = 0;
    loop {
        let candidates = store.wave_candidates(100).unwrap();
        if candidates.is_empty() {
            return packed;
        }
        let mut walk: Vec<_> = candidates.iter().flat_map(|c| c.bins.iter().copied()).collect();
        walk.sort();
        walk.dedup();
        let plan = WavePlan {
            orders: candidates.iter().map(|c| c.number).collect(),
            walk,
            route_m: 1.0,
            baseline_m: 1.0,
            lines: candidates.iter().map(|c| c.lines).sum(),
            units: candidates.iter().map(|c| c.units).sum(),
        };
        let wave = store.create_wave(&a, &plan).unwrap();
        store.release_wave(&a, wave).unwrap();
        store.take_wave(&a, wave, 600_000, false).unwrap();
        for stop in store.pick_list(wave).unwrap().stops {
            for share in stop.shares {
                store.confirm_pick(&a, wave, stop.stock_id, &share.tote, share.qty).unwrap();
            }
        }
        for number in plan.orders {
            pack(store, number);
            packed += 1;
        }
    }
}

/// Packs one picked order into one package tracked `TRK` + its number.
pub fn pack(store: &mut Store, number: OrderNumber) {
    let a = actor();
    let open = store.pack_open(&a, number).unwrap().unwrap();
    for line in open.lines {
        store.pack_scan(&a, number, &line.sku, line.expected, None, None).unwrap().unwrap();
    }
    let mut ids = |n: i64| PackageIds {
        tracking: format!("TRK{:07}", number.0),
        sscc: format!("{:018}", 340_000_000_000_000_000 + n),
    };
    let package = NewPackage { carton: "S".into(), weight_g: 900, measured_g: None };
    store.complete_pack(&a, number, &[package], ("DHL", "DHL Paket"), "", &mut ids).unwrap();
}

/// The outbox by state: (pending, sent, failed).
pub fn outbox_counts(env: &Env) -> (i64, i64, i64) {
    let sql = env.sql();
    let count = |state: &str| -> i64 {
        sql.query_row("SELECT count(*) FROM outbox WHERE kind = 'shipment' AND state = ?1", [state], |r| r.get(0))
            .unwrap()
    };
    (count("pending"), count("sent"), count("failed"))
}
