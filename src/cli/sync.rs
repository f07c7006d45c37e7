//! The sync at the command line: `packline sync [--once [--full]]`, the
//! worker the console runs beside itself, and the demo's own channels (the
//! channel simulator in-process, a file-drop folder and the demo carrier).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Cli, SyncArgs, open_store};
use crate::app::event::Event;
use crate::config::Loaded;
use crate::errors::{Error, Result};
use crate::store::Store;
use crate::sync::config::{CarrierFeed, ChannelConfig, ChannelKind, TrackingConfig, write_token};
use crate::sync::worker::{self, SyncCommand, SyncHandle, WorkerSetup};

/// The demo's simulated web shop: its channel code in the store.
pub const DEMO_SHOP: &str = "webshop";

/// What the worker needs from the config.
pub(super) fn worker_setup(store_path: PathBuf, loaded: &Loaded) -> WorkerSetup {
    let config = &loaded.config;
    WorkerSetup {
        store_path,
        station: config.station.name.clone(),
        channels: config.channels.clone(),
        sync: config.sync.clone(),
        tracking: config.tracking.clone(),
        rules: config.rules.clone(),
        backorders: config.allocation.backorders,
        min_shelf_days: config.allocation.min_shelf_days,
    }
}

/// Whether there is anything for a worker to do.
fn has_work(setup: &WorkerSetup) -> bool {
    setup.channels.iter().any(|c| c.enabled) || setup.tracking.carrier != CarrierFeed::None
}

/// `packline sync [--once [--full]]`.
pub(super) fn run(cli: &Cli, loaded: &Loaded, args: &SyncArgs) -> Result<()> {
    // Opened here so a missing or newer store is reported before anything runs.
    let store = open_store(cli, loaded)?;
    let setup = worker_setup(store.path().to_owned(), loaded);
    drop(store);
    if !has_work(&setup) {
        return Err(Error::Other(
            "no sales channel is configured: add a [[channels]] entry to the config (see the README, Sync)".into(),
        ));
    }
    if args.once {
        let report = worker::run_once(&setup, args.full).map_err(|e| Error::Other(e.to_string()))?;
        for line in &report.lines {
            println!("{line}");
        }
        if !report.failing.is_empty() {
            return Err(Error::Other(format!("sync trouble: {}", report.failing.join("; "))));
        }
        return Ok(());
    }
    let (handle, thread) = worker::spawn(setup, |notice| println!("{}", worker::describe(&notice)))
        .map_err(Error::io("cannot start the sync worker"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::io("cannot start the async runtime"))?;
    runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hangup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
            return;
        };
        let stopped = async {
            while !thread.is_finished() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hangup.recv() => {}
            () = stopped => {}
        }
    });
    stop(&handle, &thread);
    Ok(())
}

/// Asks the worker to stop and gives it a second (a request in flight is
/// dropped; the outbox makes that safe).
fn stop(handle: &SyncHandle, thread: &std::thread::JoinHandle<()>) {
    // A worker that already stopped has nothing to shut down.
    let _ = handle.send(SyncCommand::Shutdown);
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    while !thread.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The console's worker, while it runs.
pub(super) struct ConsoleSync {
    handle: SyncHandle,
    thread: std::thread::JoinHandle<()>,
    /// The demo's simulated shop, served on loopback.
    sim: Option<tokio::task::JoinHandle<()>>,
}

impl ConsoleSync {
    pub(super) fn handle(&self) -> SyncHandle {
        self.handle.clone()
    }

    pub(super) fn stop(self) {
        stop(&self.handle, &self.thread);
        if let Some(sim) = self.sim {
            sim.abort();
        }
    }
}

/// Starts the console's worker (and, for `--demo`, the demo's channels) if
/// there is anything to sync. Notices arrive as [`Event::Sync`] on `events`.
/// Must be called inside the console's tokio runtime.
pub(super) fn start_for_console(
    demo: bool,
    store: &Store,
    loaded: &Loaded,
    events: &tokio::sync::mpsc::UnboundedSender<Event>,
) -> Result<Option<ConsoleSync>> {
    let mut setup = worker_setup(store.path().to_owned(), loaded);
    let sim = if demo { Some(demo_channels(store, &mut setup)?) } else { None };
    if !has_work(&setup) {
        return Ok(None);
    }
    let events = events.clone();
    let (handle, thread) = worker::spawn(setup, move |notice| {
        // The console may be closing: nobody to tell.
        let _ = events.send(Event::Sync(notice));
    })
    .map_err(Error::io("cannot start the sync worker"))?;
    Ok(Some(ConsoleSync { handle, thread, sim }))
}

/// The demo's channels, added to `setup` unless the config names its own:
/// a simulated web shop (the channel simulator on a loopback port, with
/// orders arriving every half minute or so), the seeded channels (shop,
/// marketplace, B2B portal) as file-drop folders beside the store, and the
/// demo carrier moving packages a simulated day every two minutes.
fn demo_channels(store: &Store, setup: &mut WorkerSetup) -> Result<tokio::task::JoinHandle<()>> {
    use crate::sync::sim::{Activity, Sim, SimConfig};
    let dir = store.path().parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let token = format!("shpat_demo_{:016x}", rand::random::<u64>());
    let token_file = dir.join("demo-webshop.token");
    write_token(&token_file, &token).map_err(Error::io(format!("cannot write {}", token_file.display())))?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(Error::io("cannot open a loopback port"))?;
    let addr = listener.local_addr().map_err(Error::io("cannot read the loopback port"))?;
    listener.set_nonblocking(true).map_err(Error::io("cannot set up the loopback port"))?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(Error::io("cannot set up the loopback port"))?;
    // Each opening of the demo is a new day of trading: another seed, and ids
    // above every earlier opening's (they advance by under 100 an order, and
    // far fewer than one order a second arrives).
    let opened = chrono::Utc::now().timestamp().unsigned_abs();
    let sim = Sim::new(SimConfig {
        seed: super::DEMO_SEED ^ opened,
        first_order_id: crate::sync::sim::FIRST_ORDER_ID + opened * 100,
        initial_orders: 12,
        activity: Activity { orders_per_minute: 2.0, updates_per_minute: 0.3, cancels_per_minute: 0.1 },
        skus: store.sku_codes()?,
        token,
        ..SimConfig::default()
    });
    let task = sim.spawn(listener);
    if !setup.channels.iter().any(|c| c.name == DEMO_SHOP) {
        setup.channels.push(ChannelConfig {
            name: DEMO_SHOP.into(),
            kind: ChannelKind::Rest,
            title: Some("Webshop (simulated)".into()),
            base_url: Some(format!("http://{addr}")),
            token_file: Some(token_file),
            inbox: None,
            outbox: None,
            enabled: true,
        });
    }
    // The seeded channels exchange files: orders dropped in `in/`, shipment files written to `out/`.
    for (code, title) in [("shop", "Webshop"), ("market", "Marketplace"), ("b2b", "B2B portal")] {
        if setup.channels.iter().any(|c| c.name == code) {
            continue;
        }
        let folder = dir.join(format!("demo-{code}"));
        for sub in ["in", "out"] {
            let path = folder.join(sub);
            std::fs::create_dir_all(&path).map_err(Error::io(format!("cannot create {}", path.display())))?;
        }
        setup.channels.push(ChannelConfig {
            name: code.into(),
            kind: ChannelKind::File,
            title: Some(title.into()),
            base_url: None,
            token_file: None,
            inbox: Some(folder.join("in")),
            outbox: Some(folder.join("out")),
            enabled: true,
        });
    }
    if setup.tracking.carrier == CarrierFeed::None {
        setup.tracking = TrackingConfig { carrier: CarrierFeed::Demo, poll_seconds: 10, demo_seconds_per_day: 120 };
    }
    // Pull often enough that new web orders show up while you watch.
    setup.sync.pull_seconds = setup.sync.pull_seconds.min(15);
    Ok(task)
}
