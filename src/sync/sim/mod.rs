//! `packline channel-sim`: a local sales channel speaking the channel API
//! subset (shared/contracts/channel-api.md), for demos and tests.
//!
//! A [`Sim`] holds generated orders (from a seed), each with one fulfillment
//! order and a version history, and serves them over the hand-written
//! [`http`] server with optional, seeded fault injection ([`Faults`]). It runs
//! in-process (`Sim::new` then `Sim::spawn` on a listener, e.g. on
//! `127.0.0.1:0`) or as the `channel-sim` command ([`run`]).
//!
//! Admin endpoints (no token, never faulted):
//! - `GET /_sim/stats`: [`SimStats`] as JSON.
//! - `GET /_sim/faults`, `POST /_sim/faults` (a [`Faults`] object replacing the
//!   settings; missing fields take their defaults; 400 on a bad rate).
//! - `GET /_sim/activity`, `POST /_sim/activity` (an [`Activity`] object).
//! - `GET /_sim/orders`: `{"orders": [...]}`, every order's current version,
//!   by id; `GET /_sim/orders/{id}`: `{"order", "versions", "fulfillments"}`.
//! - `POST /_sim/orders` with `{"count": N}` (default 1): 201 `{"created": [ids]}`.
//! - `POST /_sim/orders/{id}/cancel`: 200 `{"order": ...}`; 404; 422 when
//!   already cancelled or (partly) fulfilled.
//! - `POST /_sim/orders/{id}/update` with optional `{"note": "..."}` or
//!   `{"address": true}`: a newer version (another note by default).

pub mod http;

mod api;
mod faults;
mod orders;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Offset as _};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use api::PREFIX as API_PREFIX;
pub use faults::{FaultCounts, Faults};
pub use orders::{DEFAULT_SKUS, FIRST_ORDER_ID, GIFT_CARD};
pub use state::Refused;

use faults::{Before, FaultState};
use http::{Reply, Request, Response};
use state::State;

/// The 401 body for a missing or wrong `X-Shopify-Access-Token`.
pub const INVALID_TOKEN: &str = "[API] Invalid API key or access token (unrecognized login or wrong password)";

/// The header carrying the token.
pub const TOKEN_HEADER: &str = "X-Shopify-Access-Token";

/// How busy the channel is: events per minute, made by a background task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Activity {
    /// New orders.
    pub orders_per_minute: f64,
    /// Changes (note or address) to orders neither cancelled nor fulfilled.
    pub updates_per_minute: f64,
    /// Cancellations of orders neither cancelled nor fulfilled.
    pub cancels_per_minute: f64,
}

/// How a [`Sim`] starts.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Orders, ids and (separately) faults follow from it.
    pub seed: u64,
    /// Orders made at the start, spread over the last three days.
    pub initial_orders: usize,
    pub activity: Activity,
    /// SKU codes for line items (duplicates dropped; empty: [`DEFAULT_SKUS`];
    /// `GIFT-CARD` makes gift card lines with `requires_shipping: false`).
    pub skus: Vec<String>,
    /// The access token every API request must carry.
    pub token: String,
    pub faults: Faults,
    /// The first order's id (default above 2^53).
    pub first_order_id: u64,
    /// The shop's UTC offset in seconds, used in every timestamp.
    pub utc_offset_secs: i32,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            initial_orders: 50,
            activity: Activity::default(),
            skus: Vec::new(),
            token: "shpat_channel_sim".into(),
            faults: Faults::default(),
            first_order_id: FIRST_ORDER_ID,
            utc_offset_secs: 3600,
        }
    }
}

/// What the channel has seen and holds (`GET /_sim/stats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimStats {
    pub orders: u64,
    pub cancelled_orders: u64,
    /// Orders whose shipped lines are all fulfilled.
    pub fulfilled_orders: u64,
    pub fulfillments: u64,
    /// Fulfillments per order id, for orders with at least one.
    pub fulfillments_by_order: BTreeMap<u64, u64>,
    pub orders_with_multiple_fulfillments: u64,
    /// Tracking numbers carried by more than one fulfillment.
    pub duplicate_tracking_numbers: u64,
    /// API requests received (not `/_sim/`), faulted ones included.
    pub requests: u64,
    pub requests_by_endpoint: BTreeMap<String, u64>,
    /// Statuses of the API answers made (resets are not answers).
    pub responses_by_status: BTreeMap<u16, u64>,
    pub unauthorized: u64,
    pub faults: FaultCounts,
}

/// The simulated channel; clones share it.
#[derive(Clone)]
pub struct Sim {
    shared: Arc<Mutex<Shared>>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sim")
    }
}

struct Shared {
    state: State,
    faults: FaultState,
    token: String,
    activity: Activity,
    stats: SimStats,
}

impl Sim {
    /// A channel with `config.initial_orders` orders.
    #[must_use]
    pub fn new(config: SimConfig) -> Self {
        let mut skus = Vec::new();
        for sku in config.skus.iter().filter(|s| !s.trim().is_empty()) {
            if !skus.contains(sku) {
                skus.push(sku.clone());
            }
        }
        if skus.is_empty() {
            skus = DEFAULT_SKUS.iter().map(|s| (*s).to_owned()).collect();
        }
        let offset = FixedOffset::east_opt(config.utc_offset_secs).unwrap_or_else(|| chrono::Utc.fix());
        let mut state = State::new(config.seed, skus, offset, config.first_order_id);
        state.seed_history(config.initial_orders, chrono::Utc::now().timestamp());
        let shared = Shared {
            state,
            faults: FaultState::new(config.faults, config.seed),
            token: config.token,
            activity: config.activity,
            stats: SimStats::default(),
        };
        Self { shared: Arc::new(Mutex::new(shared)) }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Serves the channel on `listener` and runs its [`Activity`] until the
    /// returned task is aborted.
    pub fn spawn(&self, listener: TcpListener) -> JoinHandle<()> {
        let sim = self.clone();
        tokio::spawn(async move {
            tokio::join!(http::serve(listener, sim.handler()), sim.run_activity());
        })
    }

    /// The channel as an [`http::Handler`] (for [`http::serve`]).
    #[must_use]
    pub fn handler(&self) -> http::Handler {
        let sim = self.clone();
        http::handler_fn(move |request| sim.handle(&request))
    }

    /// Answers one request (what the server calls): `/_sim/...` is the admin
    /// side, `/admin/...` the API (faults, then the token check), anything
    /// else 404.
    #[must_use]
    pub fn handle(&self, request: &Request) -> Reply {
        if request.path == "/_sim" || request.path.starts_with("/_sim/") {
            return self.admin(request).into();
        }
        if !request.path.starts_with("/admin/") {
            return Response::json(404, &json!({"errors": "Not Found"})).into();
        }
        let mut guard = self.lock();
        let shared = &mut *guard;
        let plan = shared.faults.plan();
        let stats = &mut shared.stats;
        stats.requests += 1;
        *stats.requests_by_endpoint.entry(api::endpoint(request).to_owned()).or_default() += 1;
        let response = match plan.before {
            Some(Before::Reset) => return Reply::Reset,
            Some(Before::RateLimited { retry_after }) => Response::json(
                429,
                &json!({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}),
            )
            .header("Retry-After", &retry_after.to_string()),
            Some(Before::ServerError(502)) => Response::text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
                .header("Content-Type", "text/html"),
            Some(Before::ServerError(code)) => {
                let message = if code == 503 { "Service Unavailable" } else { "Internal Server Error" };
                Response::json(code, &json!({ "errors": message }))
            }
            None if request.header(TOKEN_HEADER) != Some(shared.token.as_str()) => {
                stats.unauthorized += 1;
                Response::json(401, &json!({ "errors": INVALID_TOKEN }))
            }
            None if !request.path.starts_with(api::PREFIX) => Response::json(404, &json!({"errors": "Not Found"})),
            None => api::route(&mut shared.state, &mut shared.faults, request),
        };
        *shared.stats.responses_by_status.entry(response.status).or_default() += 1;
        let mut reply = if plan.reset_after { Reply::Reset } else { response.into() };
        if let Some(wait) = plan.delay {
            reply = Reply::Delay(wait, Box::new(reply));
        }
        reply
    }

    fn admin(&self, request: &Request) -> Response {
        let parts: Vec<&str> = request.path.trim_start_matches("/_sim/").split('/').collect();
        let body: Value = if request.body.is_empty() { json!({}) } else { request.json().unwrap_or(Value::Null) };
        let ok = |value: &Value| Response::json(200, value);
        let refused = |refused: Refused| match refused {
            Refused::NotFound => Response::json(404, &json!({"errors": "Not Found"})),
            Refused::Cancelled => Response::json(422, &json!({"errors": "the order is already cancelled"})),
            Refused::Fulfilled => Response::json(422, &json!({"errors": "the order has fulfillments"})),
        };
        let order =
            |id: u64| self.order_json(id).map_or_else(|| refused(Refused::NotFound), |o| ok(&json!({"order": o})));
        match (request.method.as_str(), parts.as_slice()) {
            ("GET", ["stats"]) => ok(&json!(self.stats())),
            ("GET", ["faults"]) => ok(&json!(self.faults())),
            ("GET", ["activity"]) => ok(&json!(self.activity())),
            ("POST", ["faults"]) => match serde_json::from_value::<Faults>(body) {
                Ok(faults) => match self.set_faults(faults.clone()) {
                    Ok(()) => ok(&json!(faults)),
                    Err(e) => Response::json(400, &json!({ "errors": e })),
                },
                Err(e) => Response::json(400, &json!({ "errors": e.to_string() })),
            },
            ("POST", ["activity"]) => match serde_json::from_value::<Activity>(body) {
                Ok(activity) => {
                    self.set_activity(activity);
                    ok(&json!(activity))
                }
                Err(e) => Response::json(400, &json!({ "errors": e.to_string() })),
            },
            ("GET", ["orders"]) => ok(&json!({ "orders": self.orders_json() })),
            ("POST", ["orders"]) => match body.get("count").map_or(Some(1), Value::as_u64) {
                Some(count @ 1..=10_000) => Response::json(201, &json!({ "created": self.add_orders(count as usize) })),
                _ => Response::json(400, &json!({"errors": "count must be a number from 1 to 10000"})),
            },
            ("GET", [id]) if id.parse::<u64>().is_ok() => {
                let id = id.parse().unwrap_or(0);
                let shared = self.lock();
                match shared.state.orders.get(&id) {
                    Some(record) => ok(&json!({
                        "order": record.current.to_json(shared.state.offset),
                        "versions": record.versions.len() + 1,
                        "fulfillments": shared.state.fulfillments_json(id).map(|f| f["fulfillments"].clone()),
                    })),
                    None => refused(Refused::NotFound),
                }
            }
            ("POST", ["orders", id, action @ ("cancel" | "update")]) => {
                let Ok(id) = id.parse::<u64>() else { return refused(Refused::NotFound) };
                let done = match *action {
                    "cancel" => self.cancel_order(id),
                    _ if body.get("address").and_then(Value::as_bool) == Some(true) => self.change_address(id),
                    _ => self.update_order(id, body.get("note").and_then(Value::as_str).map(str::to_owned)),
                };
                done.map_or_else(refused, |()| order(id))
            }
            _ => Response::json(404, &json!({"errors": "Not Found"})),
        }
    }

    /// The access token API requests must carry.
    #[must_use]
    pub fn token(&self) -> String {
        self.lock().token.clone()
    }

    /// Changes the token (requests with the old one get 401 from now on).
    pub fn set_token(&self, token: impl Into<String>) {
        self.lock().token = token.into();
    }

    /// Counts and holdings so far.
    #[must_use]
    pub fn stats(&self) -> SimStats {
        let shared = self.lock();
        let mut stats = shared.stats.clone();
        stats.faults = shared.faults.counts.clone();
        let mut tracking: BTreeMap<&str, u64> = BTreeMap::new();
        for record in shared.state.orders.values() {
            let order = &record.current;
            stats.orders += 1;
            stats.cancelled_orders += u64::from(order.cancelled_at.is_some());
            stats.fulfilled_orders += u64::from(order.fulfillment_status() == Some("fulfilled"));
            let count = record.fulfillments.len() as u64;
            stats.fulfillments += count;
            if count > 0 {
                stats.fulfillments_by_order.insert(order.id, count);
            }
            stats.orders_with_multiple_fulfillments += u64::from(count > 1);
            for number in record.fulfillments.iter().filter_map(|f| f.tracking.number.as_deref()) {
                *tracking.entry(number).or_default() += 1;
            }
        }
        stats.duplicate_tracking_numbers = tracking.values().filter(|&&n| n > 1).count() as u64;
        stats
    }

    #[must_use]
    pub fn faults(&self) -> Faults {
        self.lock().faults.settings.clone()
    }

    /// Replaces the fault settings (the counts and the random stream go on).
    pub fn set_faults(&self, faults: Faults) -> Result<(), String> {
        faults.check()?;
        self.lock().faults.settings = faults;
        Ok(())
    }

    #[must_use]
    pub fn activity(&self) -> Activity {
        self.lock().activity
    }

    /// Changes how busy the channel is (takes effect within a second).
    pub fn set_activity(&self, activity: Activity) {
        self.lock().activity = activity;
    }

    /// Creates `count` orders now; returns their ids.
    #[allow(clippy::must_use_candidate)]
    pub fn add_orders(&self, count: usize) -> Vec<u64> {
        let mut shared = self.lock();
        (0..count).map(|_| shared.state.add_order()).collect()
    }

    /// Cancels an order (a newer version with `cancelled_at`).
    pub fn cancel_order(&self, id: u64) -> Result<(), Refused> {
        self.lock().state.cancel(id)
    }

    /// A newer version of an order with `note` (or another customer note).
    pub fn update_order(&self, id: u64, note: Option<String>) -> Result<(), Refused> {
        self.lock().state.update_note(id, note)
    }

    /// A newer version of an order with a slightly changed address.
    pub fn change_address(&self, id: u64) -> Result<(), Refused> {
        self.lock().state.update_address(id)
    }

    /// Every order id, ascending.
    #[must_use]
    pub fn order_ids(&self) -> Vec<u64> {
        self.lock().state.order_ids()
    }

    /// An order's current version in the API's shape.
    #[must_use]
    pub fn order_json(&self, id: u64) -> Option<Value> {
        let shared = self.lock();
        shared.state.orders.get(&id).map(|r| r.current.to_json(shared.state.offset))
    }

    /// Every order's current version, by id.
    #[must_use]
    pub fn orders_json(&self) -> Vec<Value> {
        let shared = self.lock();
        shared.state.orders.values().map(|r| r.current.to_json(shared.state.offset)).collect()
    }

    /// `{"fulfillments": [...]}` of an order, as the API answers it.
    #[must_use]
    pub fn fulfillments_json(&self, id: u64) -> Option<Value> {
        self.lock().state.fulfillments_json(id)
    }

    /// Makes the [`Activity`]'s orders, changes and cancellations as time passes.
    async fn run_activity(self) {
        let mut owed = [0.0f64; 3];
        let mut last = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tick.tick().await;
            let minutes = last.elapsed().as_secs_f64() / 60.0;
            last = Instant::now();
            let mut guard = self.lock();
            let shared = &mut *guard;
            let a = shared.activity;
            for (owed, rate) in owed.iter_mut().zip([a.orders_per_minute, a.updates_per_minute, a.cancels_per_minute]) {
                *owed = if rate > 0.0 { *owed + rate * minutes } else { 0.0 };
            }
            let state = &mut shared.state;
            while owed[0] >= 1.0 {
                owed[0] -= 1.0;
                state.add_order();
            }
            while owed[1] >= 1.0 {
                owed[1] -= 1.0;
                if let Some(id) = state.random_open_order() {
                    let _ = if id % 2 == 0 { state.update_note(id, None) } else { state.update_address(id) };
                }
            }
            while owed[2] >= 1.0 {
                owed[2] -= 1.0;
                if let Some(id) = state.random_open_order() {
                    let _ = state.cancel(id);
                }
            }
        }
    }
}

/// `packline channel-sim`: serves `config` on `address` until Ctrl-C or
/// SIGTERM, after printing one line saying where.
pub fn run(address: SocketAddr, config: SimConfig) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(address).await?;
        let local = listener.local_addr()?;
        let orders = config.initial_orders;
        let sim = Sim::new(config);
        let task = sim.spawn(listener);
        println!("channel-sim listening on http://{local} ({orders} orders; API under {})", api::PREFIX);
        tracing::info!(%local, "channel-sim listening");
        shutdown_signal().await;
        task.abort();
        tracing::info!(stats = ?sim.stats(), "channel-sim stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
