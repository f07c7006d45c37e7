//! The sync worker: one per process, on its own thread with its own store
//! connection and a single-threaded tokio runtime, so store calls block only
//! the worker and the UI loop never awaits the network. It pulls orders from
//! each channel, pushes the outbox, polls the carrier feed, and tells the
//! console what happened. Commands in ([`SyncCommand`]), notices out
//! ([`SyncNotice`]). One station per store runs it at a time (a lease in
//! the store); others stand by and take over when the lease runs out.

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::config::{ChannelConfig, SyncConfig, TrackingConfig};
use crate::domain::BackorderPolicy;
use crate::domain::sync::{PageSummary, SyncWorker};
use crate::planning::rules::RulesConfig;
use crate::store::StoreError;

/// What the console asks of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncCommand {
    /// Pull every channel now (a supervisor pressed the key); a stopped
    /// channel is tried again.
    PullNow,
    /// Look at the outbox now (a pack was completed, a row was retried).
    PushNow,
    /// Stop (a request in flight is dropped: the outbox makes that safe).
    Shutdown,
}

/// What the worker tells the console (it then re-reads the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncNotice {
    /// A pull stored orders from a channel.
    Pulled { channel: String, summary: PageSummary },
    /// Outbox rows reached a channel.
    Pushed { channel: String, sent: u32 },
    /// A channel could not be reached or refused a request; the message is
    /// for the supervisor (never holds a token).
    Failed { channel: String, message: String },
    /// 401/403: the channel is stopped until its token is fixed.
    TokenRejected { channel: String },
    /// The carrier feed moved packages on.
    Tracked { packages: u32 },
    /// Another station runs the sync; this one waits.
    Standby { holder: SyncWorker },
    /// The worker has stopped.
    Stopped,
}

/// The console's end of a running worker.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    commands: UnboundedSender<SyncCommand>,
}

impl SyncHandle {
    #[must_use]
    pub fn new(commands: UnboundedSender<SyncCommand>) -> Self {
        Self { commands }
    }

    /// Asks the worker for something; `false` if it has stopped.
    #[must_use = "a stopped worker does nothing: say so"]
    pub fn send(&self, command: SyncCommand) -> bool {
        self.commands.send(command).is_ok()
    }
}

/// Everything the worker needs, owned (it moves to the worker's thread).
#[derive(Debug, Clone)]
pub struct WorkerSetup {
    pub store_path: PathBuf,
    pub station: String,
    pub channels: Vec<ChannelConfig>,
    pub sync: SyncConfig,
    pub tracking: TrackingConfig,
    pub rules: RulesConfig,
    pub backorders: BackorderPolicy,
    pub min_shelf_days: u32,
}

/// Why the worker could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Setup(String),
}

/// What one `packline sync --once` did.
#[derive(Debug, Clone, Default)]
pub struct PassReport {
    /// What happened, in words, in order.
    pub lines: Vec<String>,
    /// Channels that ended in trouble, each as `name: why`.
    pub failing: Vec<String>,
}

/// Starts the worker on its own thread. Notices go to `notify`.
pub fn spawn(
    setup: WorkerSetup,
    notify: impl Fn(SyncNotice) + Send + 'static,
) -> std::io::Result<(SyncHandle, std::thread::JoinHandle<()>)> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let thread = std::thread::Builder::new().name("sync".into()).spawn(move || {
        let result = runtime().and_then(|rt| {
            let local = tokio::task::LocalSet::new();
            local.block_on(&rt, run(setup, rx, &notify))
        });
        if let Err(e) = result {
            tracing::error!(error = %e, "the sync worker stopped");
            notify(SyncNotice::Failed { channel: "sync".into(), message: e.to_string() });
        }
        notify(SyncNotice::Stopped);
    })?;
    Ok((SyncHandle::new(tx), thread))
}

fn runtime() -> Result<tokio::runtime::Runtime, WorkerError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| WorkerError::Setup(format!("cannot start the sync runtime: {e}")))
}

/// Runs until told to stop (or the command channel closes). Must run inside
/// a `tokio::task::LocalSet`.
pub async fn run(
    setup: WorkerSetup,
    mut commands: UnboundedReceiver<SyncCommand>,
    notify: &dyn Fn(SyncNotice),
) -> Result<(), WorkerError> {
    let mut worker = Worker::open(&setup)?;
    let lease_ms = (setup.sync.lease_seconds * 1_000) as i64;
    let mut standby_said = false;
    // Renewed every third of the lease, not every pass: each write makes
    // every terminal on the store look again.
    let renew_every = Duration::from_millis(lease_ms as u64 / 3);
    let mut renewed: Option<Instant> = None;
    loop {
        let holder = if renewed.is_some_and(|at| at.elapsed() < renew_every) {
            None
        } else {
            let holder = worker.store.borrow_mut().take_sync_lease(&worker.actor, lease_ms)?;
            renewed = holder.is_none().then(Instant::now);
            holder
        };
        let wait = if let Some(holder) = holder {
            if !standby_said {
                notify(SyncNotice::Standby { holder });
                standby_said = true;
            }
            Duration::from_secs(setup.sync.lease_seconds.div_ceil(3))
        } else {
            standby_said = false;
            // Only a shutdown cuts a pass short; other commands wait for its end.
            let pull_now = std::cell::Cell::new(false);
            let stop = async {
                loop {
                    match commands.recv().await {
                        None | Some(SyncCommand::Shutdown) => break,
                        Some(SyncCommand::PullNow) => pull_now.set(true),
                        Some(SyncCommand::PushNow) => {}
                    }
                }
            };
            let busy = tokio::select! {
                busy = worker.pass(false, notify) => busy?,
                () = stop => break,
            };
            if pull_now.get() {
                worker.pull_all_now();
            }
            if busy || pull_now.get() { Duration::ZERO } else { Duration::from_secs(setup.sync.push_seconds) }
        };
        let command = if wait.is_zero() {
            commands.try_recv().ok()
        } else {
            tokio::select! {
                command = commands.recv() => Some(command.unwrap_or(SyncCommand::Shutdown)),
                () = tokio::time::sleep(wait) => None,
            }
        };
        match command {
            Some(SyncCommand::Shutdown) => break,
            Some(SyncCommand::PullNow) => worker.pull_all_now(),
            Some(SyncCommand::PushNow) | None => {}
        }
    }
    worker.store.borrow_mut().release_sync_lease(&worker.actor)?;
    Ok(())
}

/// One pass for `packline sync --once`: every channel pulled to its last
/// page (`full`: from the beginning, ignoring the cursor), every due row
/// pushed, the carrier polled. Refused while another station runs the sync.
pub fn run_once(setup: &WorkerSetup, full: bool) -> Result<PassReport, WorkerError> {
    let rt = runtime()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let mut worker = Worker::open(setup)?;
        let lease_ms = (setup.sync.lease_seconds * 1_000) as i64;
        if let Some(holder) = worker.store.borrow_mut().take_sync_lease(&worker.actor, lease_ms)? {
            return Err(WorkerError::Setup(format!(
                "the sync runs at {} (since {}); stop it there first",
                holder.station,
                holder.since.format("%H:%M")
            )));
        }
        let lines = RefCell::new(Vec::new());
        let note = |notice: SyncNotice| lines.borrow_mut().push(describe(&notice));
        // Whole batches going out means there may be more; rows deferred to later stay.
        let mut first = true;
        while worker.pass(full && first, &note).await? {
            first = false;
        }
        let failing = worker.failing();
        worker.store.borrow_mut().release_sync_lease(&worker.actor)?;
        Ok(PassReport { lines: lines.into_inner(), failing })
    })
}

/// A notice in words, for the headless command.
#[must_use]
pub fn describe(notice: &SyncNotice) -> String {
    match notice {
        SyncNotice::Pulled { channel, summary: s } => format!(
            "{channel}: pulled {} new ({} ready, {} held, {} backordered), {} updated, {} unchanged, {} cancelled, {} flagged",
            s.inserted, s.ready, s.held, s.backordered, s.updated, s.unchanged, s.cancelled, s.flagged
        ),
        SyncNotice::Pushed { channel, sent } => format!("{channel}: {sent} shipment(s) sent"),
        SyncNotice::Failed { channel, message } => format!("{channel}: {message}"),
        SyncNotice::TokenRejected { channel } => format!("{channel}: token rejected; the channel is stopped"),
        SyncNotice::Tracked { packages } => format!("carrier: {packages} package(s) moved on"),
        SyncNotice::Standby { holder } => format!("the sync runs at {}", holder.station),
        SyncNotice::Stopped => "sync stopped".into(),
    }
}

mod pass;

use pass::Worker;
