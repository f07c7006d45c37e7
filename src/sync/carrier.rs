//! Carrier tracking: a small adapter interface ([`CarrierFeed`]) a real
//! carrier's tracking API would implement, the demo carrier
//! ([`DemoCarrier`]), whose packages move through on their own, and
//! [`poll`], which asks a feed about the packages due and records what it
//! says (the store moves the orders and raises the alerts).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Timelike as _, Utc};

use crate::domain::Actor;
use crate::domain::sync::{TrackedPackage, TrackingEvent, TrackingStatus};
use crate::store::{Store, StoreError};

/// A carrier's tracking feed. A real carrier answers over HTTP, so a call
/// may block and may fail; the worker runs polls off the UI loop
/// (`spawn_blocking`). Implementations report every event up to `now`
/// (the store ignores those it has already recorded).
pub trait CarrierFeed: Send + Sync {
    /// The carrier's events for `package` that happened at or before `now`,
    /// oldest first. An `Err` is worded for the supervisor (no secrets).
    fn events(&self, package: &TrackedPackage, now: DateTime<Utc>) -> Result<Vec<TrackingEvent>, String>;
}

/// What one [`poll`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackingPoll {
    /// Packages asked about (failures included).
    pub packages: u32,
    /// New events stored.
    pub events: u32,
    /// Orders whose status changed (in transit, delivered, exception).
    pub orders_moved: u32,
    /// Delay or exception alerts raised.
    pub alerts: u32,
    /// Packages the feed could not answer for; asked again next time.
    pub failures: u32,
}

/// Asks `feed` about up to `limit` packages due at `now` and records their
/// events, one store transaction per package, each next polled
/// `poll_every` later. A feed error for one package is logged and counted
/// (the package is asked again after `poll_every`); the others go on. A
/// store error ends the poll.
pub fn poll(
    store: &mut Store,
    actor: &Actor,
    feed: &dyn CarrierFeed,
    now: DateTime<Utc>,
    poll_every: Duration,
    limit: usize,
) -> Result<TrackingPoll, StoreError> {
    let next_poll = now + TimeDelta::from_std(poll_every).unwrap_or(TimeDelta::days(1));
    let mut done = TrackingPoll::default();
    for package in store.packages_to_track(now, limit)? {
        done.packages += 1;
        let events = match feed.events(&package, now) {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(tracking = %package.tracking, order = %package.order, %error, "carrier feed failed");
                done.failures += 1;
                Vec::new()
            }
        };
        let update = store.record_tracking(actor, &package.tracking, &events, now, next_poll)?;
        done.events += update.events;
        done.orders_moved += u32::from(update.order_status.is_some());
        done.alerts += u32::from(update.alerted);
    }
    Ok(done)
}

/// How fast a carrier service is, for the demo carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// Delivered the next day.
    Express,
    /// On the second day.
    Standard,
    /// On the third or fourth day.
    Economy,
}

impl Speed {
    /// Reads a carrier service name (any case): "express", "overnight" or
    /// "next day" in it is express; "economy", "warenpost" or "post" is
    /// economy; everything else is standard.
    #[must_use]
    pub fn of_service(service: &str) -> Self {
        let name = service.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        if has(&["express", "overnight", "next day", "next_day"]) {
            Self::Express
        } else if has(&["economy", "warenpost", "post"]) {
            Self::Economy
        } else {
            Self::Standard
        }
    }
}

/// Hub cities of the demo carrier's network.
const HUBS: [&str; 24] = [
    "Leipzig",
    "Hannover",
    "Kassel",
    "Köln",
    "Frankfurt am Main",
    "Nürnberg",
    "München",
    "Hamburg",
    "Berlin",
    "Dortmund",
    "Stuttgart",
    "Erfurt",
    "Bremen",
    "Saarbrücken",
    "Wien",
    "Linz",
    "Salzburg",
    "Basel",
    "Venlo",
    "Liège",
    "Praha",
    "Strasbourg",
    "Milano",
    "Lyon",
];

/// Why a package is late (`{hub}` is the hub it waits at).
const DELAYS: [&str; 4] = [
    "Missed its connection at hub {hub}",
    "High parcel volume: held at hub {hub}",
    "Delayed by weather near {hub}",
    "Vehicle breakdown after hub {hub}",
];

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// The demo carrier. Each package's story follows from its tracking number
/// (hashed; no global random generator) and when it was packed, so every
/// poll sees the same timeline: picked up about 0.2 days after packing,
/// scanned at one to four hubs, out for delivery on day 1 (express), 2
/// (standard) or 3-4 (economy) in the morning and delivered that afternoon.
/// About 10% are delayed at a hub by one or two days; about 3% end in an
/// exception (refused, damaged, address not found) and about 3% more fail
/// their first delivery and are delivered the day after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoCarrier {
    /// Real seconds per simulated day (86,400 is real time; the demo uses
    /// e.g. 120 so packages move while you watch).
    pub seconds_per_day: u64,
}

impl CarrierFeed for DemoCarrier {
    fn events(&self, package: &TrackedPackage, now: DateTime<Utc>) -> Result<Vec<TrackingEvent>, String> {
        let mut events = self.timeline(&package.tracking, &package.service, package.packed_at);
        events.retain(|e| e.at <= now);
        Ok(events)
    }
}

impl DemoCarrier {
    /// A package's whole story, oldest first, whatever the time now.
    #[must_use]
    pub fn timeline(&self, tracking: &str, service: &str, packed_at: DateTime<Utc>) -> Vec<TrackingEvent> {
        let mut draw = Draw::new(tracking);
        let mut story = Story { carrier: *self, packed_at, events: Vec::new() };
        // Simulated seconds since packing of `secs` into simulated day `day` (0: the packing day).
        let since_midnight = i64::from(packed_at.num_seconds_from_midnight());
        let clock = move |day: i64, secs: i64| day * DAY + secs - since_midnight;

        let speed = Speed::of_service(service);
        let mut delivery_day = match speed {
            Speed::Express => 1,
            Speed::Standard => 2,
            Speed::Economy => 3 + draw.range(0, 2),
        };
        let hub_count = match speed {
            Speed::Express => 1 + draw.range(0, 2),
            Speed::Standard => 2 + draw.range(0, 2),
            Speed::Economy => 3 + draw.range(0, 2),
        } as usize;
        let drawn = draw.pick_distinct(&HUBS, hub_count + 1);
        let (origin, hubs) = (drawn[0], &drawn[1..]);
        let pickup = DAY / 5 + draw.range(-HOUR, HOUR);
        let out_time = 7 * HOUR + draw.range(0, 150) * MINUTE;
        let delivered_time = 12 * HOUR + draw.range(0, 5 * 60) * MINUTE;
        // Decided up front so every roll is drawn in the same order.
        let delayed = draw.range(0, 1000) < 100;
        let delay_days = 1 + draw.range(0, 2);
        let delay_after = draw.range(0, hub_count as i64) as usize;
        let delay_why = DELAYS[draw.range(0, DELAYS.len() as i64) as usize];
        let fate = draw.range(0, 1000);
        let fate_why = draw.range(0, 3);
        let depot = hubs.last().copied().unwrap_or(origin);

        let expected = |story: &Story, day: i64| Some(story.date(clock(day, delivered_time)));
        let words = format!("Picked up by the carrier in {origin}");
        story.push(pickup, TrackingStatus::InTransit, words, expected(&story, delivery_day));
        let step = (clock(delivery_day, out_time) - pickup) / (hub_count as i64 + 1);
        let mut shift = 0;
        for (i, hub) in hubs.iter().enumerate() {
            let at = pickup + step * (i as i64 + 1) + draw.range(0, step / 4) + shift;
            let last = i + 1 == hubs.len();
            let words = if last { format!("Arrived at delivery depot {hub}") } else { format!("Sorted at hub {hub}") };
            story.push(at, TrackingStatus::InTransit, words, expected(&story, delivery_day));
            if delayed && i == delay_after {
                delivery_day += delay_days;
                shift = delay_days * DAY;
                let late = at + HOUR + draw.range(0, 2 * HOUR);
                let words = delay_why.replace("{hub}", hub);
                story.push(late, TrackingStatus::Delayed, words, expected(&story, delivery_day));
            }
            if fate < 30 && fate_why == 1 && last {
                // Damaged on the way: the story ends here.
                story.push(at + 4 * HOUR, TrackingStatus::Exception, "Package damaged in transit".into(), None);
                return story.events;
            }
        }
        story.push(
            clock(delivery_day, out_time),
            TrackingStatus::OutForDelivery,
            format!("Out for delivery from {depot}"),
            expected(&story, delivery_day),
        );
        if fate < 30 {
            let why = if fate_why == 0 { "Recipient refused the package" } else { "Address not found" };
            story.push(clock(delivery_day, delivered_time), TrackingStatus::Exception, why.into(), None);
            return story.events;
        }
        if fate < 60 {
            // The first attempt fails; the address is fixed and it goes out again the next day.
            let why = "Delivery attempt failed: address incomplete";
            story.push(clock(delivery_day, delivered_time), TrackingStatus::Exception, why.into(), None);
            delivery_day += 1;
            let words = "Address corrected by the recipient; back in transit".to_owned();
            story.push(clock(delivery_day, 6 * HOUR), TrackingStatus::InTransit, words, expected(&story, delivery_day));
            story.push(
                clock(delivery_day, out_time),
                TrackingStatus::OutForDelivery,
                format!("Out for delivery from {depot}"),
                expected(&story, delivery_day),
            );
        }
        let at = clock(delivery_day, delivered_time);
        story.push(at, TrackingStatus::Delivered, "Delivered".into(), Some(story.date(at)));
        story.events
    }

    /// The real time of `sim` simulated seconds after `packed_at`, in whole seconds.
    fn real(self, packed_at: DateTime<Utc>, sim: i64) -> DateTime<Utc> {
        let per_day = i128::from(self.seconds_per_day.max(1));
        let ms = i128::from(sim) * 1000 * per_day / i128::from(DAY);
        let whole = ms.div_euclid(1000) as i64;
        packed_at.with_nanosecond(0).unwrap_or(packed_at) + TimeDelta::seconds(whole)
    }
}

/// A timeline being written, in simulated seconds since packing.
struct Story {
    carrier: DemoCarrier,
    packed_at: DateTime<Utc>,
    events: Vec<TrackingEvent>,
}

impl Story {
    fn push(&mut self, sim: i64, status: TrackingStatus, description: String, expected: Option<NaiveDate>) {
        let at = self.carrier.real(self.packed_at, sim);
        self.events.push(TrackingEvent { at, status, description, expected_delivery: expected });
    }

    /// The (real) day a simulated instant falls on.
    fn date(&self, sim: i64) -> NaiveDate {
        self.carrier.real(self.packed_at, sim).date_naive()
    }
}

/// A small deterministic generator (SplitMix64) seeded by FNV-1a of a text.
struct Draw(u64);

impl Draw {
    fn new(seed: &str) -> Self {
        let hash =
            seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Self(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..high` (`low` when the range is empty).
    fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + (self.next() % (high - low) as u64) as i64
    }

    /// `n` different items, in drawn order.
    fn pick_distinct<'a>(&mut self, items: &[&'a str], n: usize) -> Vec<&'a str> {
        let mut pool = items.to_vec();
        let mut picked = Vec::with_capacity(n);
        while picked.len() < n && !pool.is_empty() {
            let i = self.range(0, pool.len() as i64) as usize;
            picked.push(pool.swap_remove(i));
        }
        picked
    }
}

#[cfg(test)]
mod tests;
