//! One worker's channels and one pass over them: pulls and pushes for REST
//! channels, order files in and shipment files out for file-drop channels,
//! channels no connector serves, and the carrier feed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::super::carrier::{self, CarrierFeed, DemoCarrier};
use super::super::config::{
    CarrierFeed as FeedKind, ChannelConfig, ChannelKind, SyncConfig, TrackingConfig, load_token,
};
use super::super::filedrop::{self, FileDropError};
use super::super::pull::{PullError, PullOptions, pull};
use super::super::push::{PushOptions, PushReport, push_due};
use super::super::rest::{ApiError, RestChannel};
use super::{SyncNotice, WorkerError, WorkerSetup};
use crate::domain::sku::SkuFacts;
use crate::domain::sync::{ChannelOrder, ChannelState};
use crate::domain::{Actor, NewOrder, Verdict};
use crate::planning::rules::RulesConfig;
use crate::store::Store;

/// Rows taken from the outbox per channel per pass.
const PUSH_BATCH: usize = 200;

/// Packages asked about per pass.
const TRACK_BATCH: usize = 500;

/// A channel as the worker runs it.
struct Live {
    config: ChannelConfig,
    client: Option<Rc<RestChannel>>,
    next_pull: Instant,
    /// Why the channel is stopped (token refused or unreadable); tried again
    /// when the token file changes or a supervisor asks.
    stopped: Option<String>,
    token_seen: Option<std::time::SystemTime>,
}

pub(super) struct Worker {
    pub(super) store: Rc<RefCell<Store>>,
    pub(super) actor: Actor,
    channels: Vec<Live>,
    sync: SyncConfig,
    rules: RulesConfig,
    /// The carrier feed, if tracking is on, and how often a package is asked about.
    carrier: Option<(Box<dyn CarrierFeed>, Duration)>,
}

impl Worker {
    pub(super) fn open(setup: &WorkerSetup) -> Result<Self, WorkerError> {
        let mut store = Store::open(&setup.store_path)?;
        store.set_backorder_policy(setup.backorders);
        store.set_min_shelf_days(setup.min_shelf_days);
        let actor = Actor::new(setup.station.clone(), "sync");
        let now = Instant::now();
        let mut channels = Vec::new();
        for config in setup.channels.iter().filter(|c| c.enabled) {
            store.configure_channel(&actor, &config.name, config.title(), config.kind.as_str())?;
            let mut live =
                Live { config: config.clone(), client: None, next_pull: now, stopped: None, token_seen: None };
            live.connect(&setup.sync, &mut store);
            channels.push(live);
        }
        Ok(Self {
            store: Rc::new(RefCell::new(store)),
            actor,
            channels,
            sync: setup.sync.clone(),
            rules: setup.rules.clone(),
            carrier: carrier_feed(&setup.tracking),
        })
    }

    /// A supervisor asked: pull everything now, stopped channels too.
    pub(super) fn pull_all_now(&mut self) {
        let now = Instant::now();
        let mut store = self.store.borrow_mut();
        for live in &mut self.channels {
            live.next_pull = now;
            if live.stopped.is_some() {
                live.connect(&self.sync, &mut store);
            }
        }
    }

    /// Channels in trouble, each as `name: why`.
    pub(super) fn failing(&self) -> Vec<String> {
        let store = self.store.borrow();
        self.channels
            .iter()
            .filter_map(|live| {
                let record = store.channel_sync(&live.config.name).ok().flatten();
                let why = live.stopped.clone().or_else(|| {
                    record
                        .filter(|c| c.state != ChannelState::Ok)
                        .map(|c| c.last_error.unwrap_or_else(|| c.state.to_string()))
                })?;
                Some(format!("{}: {why}", live.config.name))
            })
            .collect()
    }

    /// Pulls what is due, pushes what is due. `true` when a whole batch went
    /// out (there may be more at once).
    pub(super) async fn pass(&mut self, full: bool, notify: &dyn Fn(SyncNotice)) -> Result<bool, WorkerError> {
        let mut busy = false;
        let now = Instant::now();
        for i in 0..self.channels.len() {
            self.retry_if_token_changed(i);
            let live = &self.channels[i];
            if live.stopped.is_some() {
                continue;
            }
            if live.config.kind == ChannelKind::File {
                busy |= self.file_drop(i, full, now, notify)?;
                continue;
            }
            let Some(client) = live.client.clone() else { continue };
            let name = live.config.name.clone();
            // Shipments first: they are promised to customers already; a
            // long pull (many pages, retries) never holds them up.
            let options = PushOptions {
                backoff_base: Duration::from_secs_f64(self.sync.backoff_base_seconds),
                backoff_cap: Duration::from_secs_f64(self.sync.backoff_cap_seconds),
                notify_customer: self.sync.notify_customer,
                concurrency: self.sync.concurrency,
                batch: PUSH_BATCH,
            };
            let report = push_due(&self.store, &self.actor, &client, &name, options, Utc::now()).await?;
            busy |= report.taken as usize >= PUSH_BATCH;
            self.after_push(i, &report, notify);
            if self.channels[i].stopped.is_none() && (self.channels[i].next_pull <= now || full) {
                self.channels[i].next_pull = now + Duration::from_secs(self.sync.pull_seconds);
                self.pull_channel(i, &client, full, notify).await?;
            }
        }
        self.flag_unconnected(notify)?;
        if let Some((feed, every)) = &self.carrier {
            // Only packages due for a poll are asked about, so this is cheap on every pass.
            let done = carrier::poll(
                &mut self.store.borrow_mut(),
                &self.actor,
                feed.as_ref(),
                Utc::now(),
                *every,
                TRACK_BATCH,
            )?;
            busy |= done.packages as usize >= TRACK_BATCH;
            if done.orders_moved > 0 {
                notify(SyncNotice::Tracked { packages: done.orders_moved });
            }
        }
        Ok(busy)
    }

    /// Shipments of a channel no connector serves (orders imported from a
    /// file, a channel left out of the config) would wait unseen: the
    /// channel is marked failing with what to do, until its rows are gone.
    fn flag_unconnected(&self, notify: &dyn Fn(SyncNotice)) -> Result<(), WorkerError> {
        let mut store = self.store.borrow_mut();
        let health = store.sync_health()?;
        for channel in health.channels {
            if self.channels.iter().any(|live| live.config.name == channel.code) {
                continue;
            }
            let why = format!(
                "no connector: {} shipment(s) wait; add a [[channels]] entry named {:?} to the config",
                channel.pending, channel.code
            );
            let said = channel.last_error.as_deref() == Some(why.as_str()) && channel.state == ChannelState::Failing;
            if channel.pending > 0 && !said {
                store.record_sync_error(&channel.code, ChannelState::Failing, &why, Utc::now())?;
                notify(SyncNotice::Failed { channel: channel.code, message: why });
            } else if channel.pending == 0 && channel.state == ChannelState::Failing {
                store.record_sync_success(&channel.code, Utc::now())?;
            }
        }
        Ok(())
    }

    /// A file-drop channel: order files in (when a pull is due), shipment files out.
    fn file_drop(
        &mut self,
        i: usize,
        full: bool,
        now: Instant,
        notify: &dyn Fn(SyncNotice),
    ) -> Result<bool, WorkerError> {
        let config = self.channels[i].config.clone();
        let name = config.name.clone();
        let mut store = self.store.borrow_mut();
        let mut trouble = None;
        let mut progress = false;
        let polled = self.channels[i].next_pull <= now || full;
        if polled {
            self.channels[i].next_pull = now + Duration::from_secs(self.sync.pull_seconds);
            match filedrop::poll_inbox(&mut store, &self.actor, &config, &self.rules, filedrop::SETTLE) {
                Ok(report) => {
                    if !report.files.is_empty() {
                        notify(SyncNotice::Pulled { channel: name.clone(), summary: report.summary });
                    }
                    progress |=
                        report.files.iter().any(|f| matches!(f.outcome, filedrop::FileOutcome::Imported { .. }));
                    for problem in report.problems() {
                        notify(SyncNotice::Failed { channel: name.clone(), message: problem.clone() });
                        trouble = Some(problem);
                    }
                }
                Err(FileDropError::Store(e)) => return Err(e.into()),
                Err(e) => trouble = Some(e.to_string()),
            }
        }
        let busy = match filedrop::write_shipments(&mut store, &self.actor, &config, Utc::now()) {
            Ok(sent) => {
                if sent > 0 {
                    notify(SyncNotice::Pushed { channel: name.clone(), sent });
                    progress = true;
                }
                sent as usize >= filedrop::ROWS_PER_FILE
            }
            Err(FileDropError::Store(e)) => return Err(e.into()),
            Err(e) => {
                trouble = Some(e.to_string());
                false
            }
        };
        match trouble {
            Some(why) => {
                store.record_sync_error(&name, ChannelState::Failing, &why, Utc::now())?;
                notify(SyncNotice::Failed { channel: name, message: why });
            }
            // A rejected file stays the channel's news until a good file or
            // a shipment file goes through; an idle pass only says it looked.
            None if progress => store.record_sync_success(&name, Utc::now())?,
            // (Only when the inbox was read: an idle write every pass would make
            // every terminal look again.)
            None if polled => {
                let failing = store.channel_sync(&name)?.is_some_and(|c| c.state != ChannelState::Ok);
                if !failing {
                    store.record_sync_success(&name, Utc::now())?;
                }
            }
            None => {}
        }
        Ok(busy)
    }

    async fn pull_channel(
        &mut self,
        i: usize,
        client: &RestChannel,
        full: bool,
        notify: &dyn Fn(SyncNotice),
    ) -> Result<(), WorkerError> {
        let name = self.channels[i].config.name.clone();
        let overlap = chrono::TimeDelta::seconds(self.sync.overlap_seconds as i64);
        let retry_base = Duration::from_secs_f64(self.sync.backoff_base_seconds);
        let options = PullOptions { limit: self.sync.page_limit, overlap, full, retry_base };
        let rules = &self.rules;
        let services = rules.service_book();
        let parse = |json: &str| parse_order(json, &name, services);
        let mut check = |order: &NewOrder, facts: &HashMap<String, SkuFacts>| -> Verdict {
            crate::planning::rules::validate(order, rules, facts)
        };
        match pull(&self.store, &self.actor, client, &name, options, &parse, &mut check).await {
            Ok(report) => {
                for why in &report.unreadable {
                    tracing::warn!(channel = %name, %why, "an order from the channel could not be read");
                }
                if let Some(first) = report.unreadable.first() {
                    let message = format!("{} order(s) could not be read: {first}", report.unreadable.len());
                    notify(SyncNotice::Failed { channel: name.clone(), message });
                }
                notify(SyncNotice::Pulled { channel: name, summary: report.summary });
            }
            Err(PullError::Store(e)) => return Err(e.into()),
            Err(PullError::Api(e)) => self.api_failure(i, &e, notify)?,
        }
        Ok(())
    }

    /// A request failed: record it; 401/403 stops the channel.
    fn api_failure(&mut self, i: usize, e: &ApiError, notify: &dyn Fn(SyncNotice)) -> Result<(), WorkerError> {
        let name = self.channels[i].config.name.clone();
        let mut store = self.store.borrow_mut();
        if let ApiError::TokenRejected { .. } = e {
            store.record_sync_error(&name, ChannelState::TokenRejected, &e.to_string(), Utc::now())?;
            self.channels[i].stopped = Some(e.to_string());
            notify(SyncNotice::TokenRejected { channel: name });
        } else {
            store.record_sync_error(&name, ChannelState::Failing, &e.to_string(), Utc::now())?;
            // A rate limit says when to come back; other failures wait for the next pull.
            if let ApiError::RateLimited { retry_after } = e {
                self.channels[i].next_pull = Instant::now() + *retry_after;
            }
            notify(SyncNotice::Failed { channel: name, message: e.to_string() });
        }
        Ok(())
    }

    fn after_push(&mut self, i: usize, report: &PushReport, notify: &dyn Fn(SyncNotice)) {
        let name = self.channels[i].config.name.clone();
        if report.sent > 0 {
            notify(SyncNotice::Pushed { channel: name.clone(), sent: report.sent });
        }
        if report.token_rejected {
            self.channels[i].stopped = Some("token rejected".into());
            notify(SyncNotice::TokenRejected { channel: name });
        } else if let Some(error) = report.last_error.as_ref().filter(|_| report.sent == 0) {
            notify(SyncNotice::Failed { channel: name, message: error.clone() });
        }
    }

    /// A stopped channel whose token file changed is tried again.
    fn retry_if_token_changed(&mut self, i: usize) {
        let live = &mut self.channels[i];
        if live.stopped.is_none() {
            return;
        }
        let Some(path) = &live.config.token_file else { return };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if modified.is_some() && modified != live.token_seen {
            live.connect(&self.sync, &mut self.store.borrow_mut());
        }
    }
}

impl Live {
    /// (Re)reads the token and makes the client; a bad token file stops the
    /// channel with the reason.
    fn connect(&mut self, sync: &SyncConfig, store: &mut Store) {
        self.stopped = None;
        if self.config.kind != ChannelKind::Rest {
            return;
        }
        let (Some(url), Some(path)) = (&self.config.base_url, &self.config.token_file) else { return };
        self.token_seen = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let client = load_token(path).and_then(|token| RestChannel::new(url, token, sync.timeout()));
        match client {
            Ok(client) => self.client = Some(Rc::new(client)),
            Err(why) => {
                tracing::warn!(channel = %self.config.name, %why, "channel not started");
                if let Err(e) =
                    store.record_sync_error(&self.config.name, ChannelState::TokenRejected, &why, Utc::now())
                {
                    tracing::error!(error = %e, "recording the channel's state failed");
                }
                self.stopped = Some(why);
                self.client = None;
            }
        }
    }
}

/// The configured carrier feed and its poll interval.
fn carrier_feed(tracking: &TrackingConfig) -> Option<(Box<dyn CarrierFeed>, Duration)> {
    let every = Duration::from_secs(tracking.poll_seconds);
    match tracking.carrier {
        FeedKind::None => None,
        FeedKind::Demo => Some((Box::new(DemoCarrier { seconds_per_day: tracking.demo_seconds_per_day }), every)),
    }
}

/// One channel-API order as a [`ChannelOrder`] (cancelled ones kept, with `cancelled_at`).
fn parse_order(json: &str, channel: &str, services: crate::domain::ServiceBook<'_>) -> Result<ChannelOrder, String> {
    let id =
        serde_json::from_str::<OrderId>(json).map_or_else(|_| "an order".to_owned(), |o| format!("order {}", o.id));
    let mut orders = super::super::file::parse_jsonl_orders(&id, json, channel, services)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    orders.pop().ok_or_else(|| format!("{id} is empty"))
}

/// Just enough of an order to name it in an error.
#[derive(serde::Deserialize)]
struct OrderId {
    id: serde_json::Number,
}
