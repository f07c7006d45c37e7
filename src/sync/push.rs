//! Pushing shipments to a REST channel from the outbox, exactly once as the
//! channel sees it, whatever the network does.
//!
//! Each attempt is counted in the store before its first request goes out.
//! So any attempt after the first, whether it follows a timeout, a reset, a
//! 5xx or a crash of this process mid-request, first looks at the
//! fulfillments the channel already has and records the one carrying our
//! tracking number instead of posting again. A 422 "already fulfilled" is
//! looked up the same way. The channel's own check of fulfillable
//! quantities closes the last gap (two posts racing after a slow answer):
//! the second is refused and then found by the lookup.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng as _;

use super::rest::{ApiError, FulfillmentOrder, NewFulfillment, RestChannel};
use crate::domain::Actor;
use crate::domain::sync::{ChannelState, OutboxRow, ShipmentPush};
use crate::store::Store;

/// How pushes are paced.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub notify_customer: bool,
    /// Rows sent at the same time.
    pub concurrency: usize,
    /// Rows taken per round.
    pub batch: usize,
}

/// What became of one row's attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The channel has it, under this fulfillment id.
    Sent { remote_id: String, note: &'static str },
    /// Try again after `wait` (at least the backoff).
    Later { error: String, wait: Duration },
    /// It will never work as it is: for the supervisor.
    Failed(String),
    /// The token is refused: stop the channel.
    TokenRejected(u16),
}

/// What one round of pushing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Rows looked at.
    pub taken: u32,
    pub sent: u32,
    pub deferred: u32,
    pub failed: u32,
    /// The last retryable error, if any.
    pub last_error: Option<String>,
    /// 401/403 came back: the channel is stopped.
    pub token_rejected: bool,
}

/// Sends the channel's due shipment rows, `options.concurrency` at a time,
/// and records each outcome. Must run inside a `tokio::task::LocalSet`.
pub async fn push_due(
    store: &Rc<RefCell<Store>>,
    actor: &Actor,
    client: &Rc<RestChannel>,
    channel: &str,
    options: PushOptions,
    now: DateTime<Utc>,
) -> Result<PushReport, crate::store::StoreError> {
    let rows = store.borrow().outbox_due(channel, "shipment", now, options.batch)?;
    let mut report = PushReport { taken: rows.len() as u32, ..PushReport::default() };
    let mut rows = rows.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < options.concurrency.max(1) && !report.token_rejected {
            let Some(row) = rows.next() else { break };
            let (store, client) = (Rc::clone(store), Rc::clone(client));
            running.spawn_local(async move {
                let outcome = attempt(&store, &client, &row, options).await;
                (row, outcome)
            });
        }
        let Some(joined) = running.join_next().await else { break };
        let Ok((row, outcome)) = joined else { continue };
        record(&mut store.borrow_mut(), actor, &row, outcome, options, &mut report)?;
        if report.token_rejected {
            // Nothing new starts; requests already out are dropped (their
            // attempts are counted, so the next try looks them up first).
            running.abort_all();
        }
    }
    let mut store = store.borrow_mut();
    if report.token_rejected {
        store.record_sync_error(channel, ChannelState::TokenRejected, "token rejected", Utc::now())?;
    } else if report.sent > 0 {
        store.record_sync_success(channel, Utc::now())?;
    } else if let Some(error) = &report.last_error {
        store.record_sync_error(channel, ChannelState::Failing, error, Utc::now())?;
    }
    Ok(report)
}

/// Stores one outcome.
fn record(
    store: &mut Store,
    actor: &Actor,
    row: &OutboxRow,
    outcome: Outcome,
    options: PushOptions,
    report: &mut PushReport,
) -> Result<(), crate::store::StoreError> {
    match outcome {
        Outcome::Sent { remote_id, note } => {
            store.outbox_sent(actor, row.id, &remote_id, note)?;
            report.sent += 1;
        }
        Outcome::Later { error, wait } => {
            // The attempt that just failed is the row's attempts + 1.
            let wait = wait.max(backoff(row.attempts + 1, options));
            let next = Utc::now() + chrono::TimeDelta::from_std(wait).unwrap_or(chrono::TimeDelta::MAX);
            tracing::info!(row = row.id, %error, wait_ms = wait.as_millis() as u64, "outbox row deferred");
            store.outbox_defer(row.id, &error, next)?;
            report.deferred += 1;
            report.last_error = Some(error);
        }
        Outcome::Failed(error) => {
            tracing::warn!(row = row.id, %error, "outbox row failed");
            store.outbox_fail(actor, row.id, &error)?;
            report.failed += 1;
        }
        Outcome::TokenRejected(status) => {
            tracing::warn!(row = row.id, status, "the channel refused the token");
            report.token_rejected = true;
        }
    }
    Ok(())
}

/// One attempt at one row.
async fn attempt(store: &RefCell<Store>, client: &RestChannel, row: &OutboxRow, options: PushOptions) -> Outcome {
    let push: ShipmentPush = match serde_json::from_str(&row.payload) {
        Ok(push) => push,
        Err(e) => return Outcome::Failed(format!("the outbox row cannot be read: {e}")),
    };
    let Some(tracking) = push.tracking_numbers.first().cloned() else {
        return Outcome::Failed("the shipment has no tracking number".into());
    };
    let attempts = match store.borrow_mut().outbox_begin_attempt(row.id) {
        Ok(n) => n,
        // Sent or skipped meanwhile (a supervisor): the next look at the outbox no longer sees it.
        Err(e) => return Outcome::Later { error: format!("the store: {e}"), wait: Duration::ZERO },
    };
    let order = push.external_id.as_str();
    if attempts > 1 {
        match find(client, order, &tracking).await {
            Ok(Some(id)) => {
                return Outcome::Sent { remote_id: id, note: "found at the channel after an uncertain attempt" };
            }
            Ok(None) => {}
            Err(e) => return from_error(e),
        }
    }
    let open: Vec<FulfillmentOrder> = match client.fulfillment_orders(order).await {
        Ok(orders) => orders
            .into_iter()
            .filter(|fo| fo.status != "closed" && fo.status != "cancelled")
            .filter(|fo| fo.line_items.iter().any(|l| l.fulfillable_quantity > 0))
            .collect(),
        Err(e) => return from_error(e),
    };
    if open.is_empty() {
        return match find(client, order, &tracking).await {
            Ok(Some(id)) => Outcome::Sent { remote_id: id, note: "found at the channel" },
            Ok(None) => Outcome::Failed(
                "the channel has nothing left to fulfil for this order (fulfilled or cancelled there)".into(),
            ),
            Err(e) => from_error(e),
        };
    }
    let shipment = NewFulfillment {
        url: tracking_url(&push.carrier, &tracking),
        company: push.carrier.clone(),
        tracking_number: tracking.clone(),
        notify_customer: options.notify_customer,
    };
    match client.create_fulfillment(&open, &shipment).await {
        Ok(fulfillment) => Outcome::Sent { remote_id: fulfillment.id.to_string(), note: "fulfillment created" },
        Err(ApiError::AlreadyFulfilled) => match find(client, order, &tracking).await {
            Ok(Some(id)) => Outcome::Sent { remote_id: id, note: "already fulfilled by an earlier attempt" },
            Ok(None) => Outcome::Failed("the channel says the items are already fulfilled by another shipment".into()),
            Err(e) => from_error(e),
        },
        Err(e) => from_error(e),
    }
}

/// The channel's fulfillment carrying `tracking`, if any.
async fn find(client: &RestChannel, order: &str, tracking: &str) -> Result<Option<String>, ApiError> {
    let found = client.fulfillments(order).await?;
    Ok(found
        .into_iter()
        .find(|f| f.tracking_number.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case(tracking)))
        .map(|f| f.id.to_string()))
}

fn from_error(e: ApiError) -> Outcome {
    match e {
        ApiError::RateLimited { retry_after } => Outcome::Later { error: e.to_string(), wait: retry_after },
        ApiError::Transient(error) => Outcome::Later { error, wait: Duration::ZERO },
        ApiError::TokenRejected { status } => Outcome::TokenRejected(status),
        ApiError::AlreadyFulfilled | ApiError::Refused { .. } => Outcome::Failed(e.to_string()),
    }
}

/// Exponential backoff with jitter: half the step fixed, half random, so
/// retries spread out yet never come back at once.
fn backoff(attempts: u32, options: PushOptions) -> Duration {
    let step = options.backoff_base.saturating_mul(1 << attempts.saturating_sub(1).min(20)).min(options.backoff_cap);
    let half = step / 2;
    half + half.mul_f64(rand::rng().random::<f64>())
}

/// Where the customer follows the package, for the carriers the labels know.
fn tracking_url(carrier: &str, tracking: &str) -> Option<String> {
    match carrier.to_ascii_uppercase().as_str() {
        "UPS" => Some(format!("https://www.ups.com/track?tracknum={tracking}")),
        "DHL" => Some(format!("https://www.dhl.com/de-en/home/tracking.html?tracking-id={tracking}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> PushOptions {
        PushOptions {
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(300),
            notify_customer: true,
            concurrency: 4,
            batch: 100,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        for _ in 0..50 {
            let first = backoff(1, options());
            assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1), "{first:?}");
            let fourth = backoff(4, options());
            assert!(fourth >= Duration::from_secs(4) && fourth <= Duration::from_secs(8), "{fourth:?}");
            let late = backoff(40, options());
            assert!(late >= Duration::from_secs(150) && late <= Duration::from_secs(300), "{late:?}");
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| backoff(5, options())).collect();
        assert!(spread.len() > 1, "jitter spreads retries out");
    }

    #[test]
    fn errors_become_waits_failures_or_a_stop() {
        let wait = Duration::from_secs(7);
        assert_eq!(
            from_error(ApiError::RateLimited { retry_after: wait }),
            Outcome::Later { error: "rate limited (429): retry after 7s".into(), wait }
        );
        assert!(matches!(from_error(ApiError::Transient("reset".into())), Outcome::Later { .. }));
        assert_eq!(from_error(ApiError::TokenRejected { status: 401 }), Outcome::TokenRejected(401));
        assert!(matches!(
            from_error(ApiError::Refused { status: 404, body: "Not Found".into() }),
            Outcome::Failed(m) if m.contains("404")
        ));
    }
}
