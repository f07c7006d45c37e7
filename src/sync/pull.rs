//! Pulling a REST channel's orders: page after page from the stored cursor,
//! each page stored in one transaction together with the cursor it earns, so
//! a crash between pages loses nothing and repeats nothing harmful.
//!
//! The cursor is the `updated_at` of the newest order fully stored. While
//! the pages come in ascending `updated_at` (as the channel lists them) it
//! moves with each page; if a page goes back in time (a channel that lists
//! in another order) it stays put until the last page, then jumps to the
//! newest seen. It never moves backwards. Each pull asks from the cursor
//! minus an overlap, so changes stamped just before the cursor (clock skew,
//! a lagging read) are read again; copies already stored change nothing.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::rest::{ApiError, RestChannel};
use crate::domain::sku::SkuFacts;
use crate::domain::sync::{ChannelOrder, PageSummary};
use crate::domain::{Actor, NewOrder, Verdict};
use crate::store::Store;

/// What one pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    pub pages: u32,
    pub summary: PageSummary,
    /// Orders the channel sent that could not be read (why); they are read
    /// again when the channel next changes them, or on a full pull.
    pub unreadable: Vec<String>,
    /// The cursor after the pull.
    pub cursor: Option<String>,
}

/// Why a pull stopped early (pages stored before it stay stored).
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// How to pull.
#[derive(Debug, Clone, Copy)]
pub struct PullOptions {
    pub limit: u32,
    /// Re-read this much before the cursor.
    pub overlap: TimeDelta,
    /// Ignore the cursor: read every order the channel lists (a full resync).
    pub full: bool,
    /// A page that fails for a passing reason (5xx, reset, timeout) is asked
    /// again a few times, after this long and then twice as long each time.
    pub retry_base: std::time::Duration,
}

/// Pulls `channel` to its last page. `parse` reads one order's JSON;
/// `check` validates a new order given the facts of the page's SKUs (the
/// store then holds or allocates it).
#[allow(clippy::implicit_hasher)] // the facts come from `Store::sku_facts`, with the default hasher
pub async fn pull(
    store: &RefCell<Store>,
    actor: &Actor,
    client: &RestChannel,
    channel: &str,
    options: PullOptions,
    parse: &dyn Fn(&str) -> Result<ChannelOrder, String>,
    check: &mut dyn FnMut(&NewOrder, &HashMap<String, SkuFacts>) -> Verdict,
) -> Result<PullReport, PullError> {
    let stored = store.borrow().channel_sync(channel)?.and_then(|c| c.cursor);
    let start = stored.as_deref().and_then(parse_cursor);
    let asked = if options.full { None } else { start.map(|at| cursor_text(at - options.overlap)) };
    let mut url = client.orders_url(asked.as_deref(), options.limit);
    let mut report = PullReport { cursor: stored.clone(), ..PullReport::default() };
    // The newest `updated_at` stored in this pull, and whether pages have come in order.
    let mut newest: Option<DateTime<Utc>> = start;
    let mut in_order = true;
    let mut previous_max: Option<DateTime<Utc>> = None;
    loop {
        let page = fetch(client, &url, options.retry_base).await?;
        let mut orders = Vec::with_capacity(page.orders.len());
        for raw in &page.orders {
            match parse(raw.get()) {
                Ok(order) => orders.push(order),
                Err(why) => report.unreadable.push(why),
            }
        }
        let page_min = orders.iter().map(|o| o.order.updated_at).min();
        let page_max = orders.iter().map(|o| o.order.updated_at).max();
        if let (Some(min), Some(before)) = (page_min, previous_max) {
            in_order &= min >= before;
        }
        previous_max = page_max.max(previous_max);
        newest = newest.max(page_max);
        let last = page.next.is_none();
        // The cursor this page earns: while in order, the page's newest; at the end, the pull's newest.
        let cursor = if last || in_order { newest.filter(|n| Some(*n) != start).map(cursor_text) } else { None };
        let mut codes: Vec<&str> = orders.iter().flat_map(|o| o.order.lines.iter().map(|l| l.sku.as_str())).collect();
        codes.sort_unstable();
        codes.dedup();
        let facts = store.borrow().sku_facts(&codes)?;
        let summary =
            store
                .borrow_mut()
                .store_channel_page(actor, channel, &orders, cursor.as_deref(), &mut |order| check(order, &facts))?;
        report.summary += summary;
        report.pages += 1;
        if cursor.is_some() {
            report.cursor = cursor;
        }
        match page.next {
            Some(next) => url = next,
            None => break,
        }
    }
    Ok(report)
}

/// Rate limits on one page are waited out (`Retry-After`) and passing
/// failures retried with backoff, a few times each; then the pull ends (the
/// next one starts from the cursor).
async fn fetch(
    client: &RestChannel,
    url: &str,
    retry_base: std::time::Duration,
) -> Result<super::rest::OrderPage, ApiError> {
    let (mut waits, mut retries) = (0, 0);
    loop {
        match client.orders(url).await {
            Err(ApiError::RateLimited { retry_after }) if waits < RATE_LIMIT_WAITS && retry_after <= LONGEST_WAIT => {
                tracing::info!(wait_ms = retry_after.as_millis() as u64, "rate limited: waiting");
                tokio::time::sleep(retry_after).await;
                waits += 1;
            }
            Err(ApiError::Transient(why)) if retries < PAGE_RETRIES => {
                tracing::info!(%why, "a page failed: asking again");
                tokio::time::sleep(retry_base * 2u32.pow(retries)).await;
                retries += 1;
            }
            other => return other,
        }
    }
}

/// How often one page is asked again after a passing failure.
const PAGE_RETRIES: u32 = 3;

/// How many rate limits one page waits out before the pull gives up until
/// next time, and the longest `Retry-After` waited out within a pull (a
/// longer one ends the pull; the next starts no sooner).
const RATE_LIMIT_WAITS: u32 = 3;
const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The cursor as sent back to the channel: RFC 3339 in UTC, whole seconds.
fn cursor_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_cursor(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_round_trips_in_utc() {
        let at = parse_cursor("2026-11-20T09:20:11-05:00").unwrap();
        assert_eq!(cursor_text(at), "2026-11-20T14:20:11Z");
        assert_eq!(parse_cursor(&cursor_text(at)), Some(at));
        assert_eq!(parse_cursor("yesterday"), None);
    }
}
