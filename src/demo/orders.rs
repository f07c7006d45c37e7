//! The demo order stream: each order's channel, service and destination, its
//! lines drawn by demand, and its life so far: shipped history spread over
//! 90 days of busy and quiet hours, or open work on the floor with deadlines
//! and holds whose causes are really in the order.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::catalog::Catalog;
use super::commerce::{CHANNEL_SHARES, Channel, DAY, HOUR, Service, local_price, ship_by};
use super::places::{COUNTRIES, Country, HOME};
use super::{address, by_weight, names, pick, pick_word, put, timestamp, weighted};
use crate::domain::{HoldReason, NewOrder, NewOrderLine, OrderStatus};
use crate::store::SeedOrder;

/// Days of shipped history before `now`.
pub const HISTORY_DAYS: i64 = 90;
/// Orders per UTC hour of day (customers are mostly on Central European time).
const HOUR_WEIGHTS: [u64; 24] = [3, 2, 1, 1, 1, 2, 4, 7, 10, 11, 12, 12, 13, 12, 11, 11, 12, 13, 15, 17, 18, 16, 11, 6];
/// Orders per weekday, Monday first: Sunday evening shopping, quiet Saturdays.
const DAY_WEIGHTS: [u64; 7] = [115, 105, 100, 100, 95, 80, 105];
/// Lines per consumer order: one most often, a long tail up to twelve.
const LINE_COUNTS: &[(usize, u32)] =
    &[(1, 450), (2, 220), (3, 120), (4, 80), (5, 50), (6, 30), (7, 20), (8, 12), (9, 8), (10, 5), (11, 3), (12, 2)];
const QUANTITIES: &[(u32, u32)] = &[(1, 750), (2, 170), (3, 50), (4, 15), (5, 8), (6, 7)];
const B2B_QUANTITIES: &[u32] = &[6, 10, 12, 20, 24, 36, 50];
/// Shares of open orders by status, per thousand.
const OPEN_STATUSES: &[(OrderStatus, u32)] = &[
    (OrderStatus::New, 100),
    (OrderStatus::Ready, 240),
    (OrderStatus::Held, 70),
    (OrderStatus::Backordered, 40),
    (OrderStatus::Waved, 120),
    (OrderStatus::Picking, 80),
    (OrderStatus::Short, 20),
    (OrderStatus::Picked, 80),
    (OrderStatus::Packing, 50),
    (OrderStatus::Packed, 200),
];
/// Held orders take their reasons from this cycle, so even a small demo
/// shows every kind of hold.
const HOLD_CYCLE: &[&[HoldReason]] = &[
    &[HoldReason::Unpaid],
    &[HoldReason::BadAddress],
    &[HoldReason::UnknownSku],
    &[HoldReason::Unpaid],
    &[HoldReason::BadAddress],
    &[HoldReason::MissingCustoms],
    &[HoldReason::UnknownSku],
    &[HoldReason::BadAddress, HoldReason::Unpaid],
    &[HoldReason::Unpaid],
    &[HoldReason::Manual],
];
const MANUAL_NOTES: &[&str] = &[
    "Customer asked to hold until further notice.",
    "Possible fraud: check with the payment provider.",
    "Hold for the customer's second order, ship together.",
];

/// An order's status, creation, deadline and time of reaching the status.
#[derive(Clone, Copy)]
struct Life {
    status: OrderStatus,
    created: i64,
    ship_by: i64,
    at: i64,
}

/// Generates orders from one random stream.
pub struct OrderGen<'a> {
    rng: ChaCha8Rng,
    catalog: &'a Catalog,
    now: i64,
    history_start: i64,
    /// Cumulative order weights of each hour of the history window.
    hours: Vec<u64>,
    held: usize,
}

impl<'a> OrderGen<'a> {
    pub fn new(rng: ChaCha8Rng, catalog: &'a Catalog, now: i64) -> Self {
        // History runs from 90 days ago until six hours ago.
        let history_start = now - HISTORY_DAYS * DAY;
        let hour_count = (HISTORY_DAYS * 24 - 6) as u64;
        let mut total = 0;
        let hours = (0..hour_count)
            .map(|h| {
                let at = history_start + h as i64 * HOUR;
                // 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday.
                let weekday = (at.div_euclid(DAY) + 3).rem_euclid(7) as usize;
                let hour_of_day = (at.rem_euclid(DAY) / HOUR) as usize;
                // A slowly growing business: 90% of today's volume at the start.
                let trend = 90 + 10 * h / hour_count;
                total += HOUR_WEIGHTS[hour_of_day] * DAY_WEIGHTS[weekday] * trend;
                total
            })
            .collect();
        Self { rng, catalog, now, history_start, hours, held: 0 }
    }

    /// Statuses for `count` open orders in the shares of OPEN_STATUSES, shuffled.
    pub fn open_statuses(&mut self, count: usize) -> Vec<OrderStatus> {
        let total: u32 = OPEN_STATUSES.iter().map(|(_, w)| w).sum();
        let mut statuses: Vec<OrderStatus> = (0..count)
            .map(|i| {
                let x = ((2 * i + 1) * total as usize / (2 * count)) as u32;
                by_weight(OPEN_STATUSES, |(_, w)| *w, x).0
            })
            .collect();
        statuses.shuffle(&mut self.rng);
        statuses
    }

    /// Fills `o` as history order `index` of `count`, evenly through the
    /// weighted hours of the history window; `seq` numbers its channel ids.
    /// Every order not cancelled has its ship time.
    pub fn history(&mut self, o: &mut SeedOrder, seq: u64, index: u64, count: u64) {
        let (channel, country, service) = self.basics(&mut o.order, seq, &[]);
        let created = self.history_time(index, count);
        let ship_by = ship_by(created, service);
        self.lines(&mut o.order, channel, country, service, &[]);

        let rng = &mut self.rng;
        let now = self.now;
        let mut shipped_at = None;
        let (status, at) = if rng.random_ratio(2, 100) {
            (OrderStatus::Cancelled, (created + rng.random_range(600..=20 * HOUR)).min(now - 60))
        } else {
            let shipped = if rng.random_ratio(97, 100) {
                created + rng.random_range(HOUR..=ship_by - created)
            } else {
                ship_by + rng.random_range(HOUR / 2..=DAY)
            }
            .min(now - 600);
            shipped_at = Some(timestamp(shipped));
            let abroad = if country.code == HOME { 0 } else { rng.random_range(1..=3) };
            let transit = abroad
                + match service {
                    Service::Express => 1,
                    Service::Standard => rng.random_range(1..=2),
                    Service::Economy => rng.random_range(2..=4),
                };
            let delivered = shipped + transit * DAY + rng.random_range(0..=8 * HOUR);
            if delivered <= now {
                if rng.random_ratio(6, 1000) {
                    (OrderStatus::DeliveryException, shipped + (delivered - shipped) / 2)
                } else {
                    (OrderStatus::Delivered, delivered)
                }
            } else if now - shipped < 8 * HOUR {
                (OrderStatus::Shipped, shipped)
            } else {
                (OrderStatus::InTransit, (shipped + rng.random_range(2 * HOUR..=6 * HOUR)).min(now))
            }
        };
        let paid = if status == OrderStatus::Cancelled { "refunded" } else { "paid" };
        Self::finish(o, Life { status, created, ship_by, at }, &[], paid);
        o.order.priority = service.priority();
        o.shipped_at = shipped_at;
    }

    /// Fills `o` as an open order in `status`: about one in ten is already
    /// late, one in seven is due within four hours.
    pub fn open(&mut self, o: &mut SeedOrder, seq: u64, status: OrderStatus) {
        let holds: &[HoldReason] = if status == OrderStatus::Held {
            self.held += 1;
            HOLD_CYCLE[(self.held - 1) % HOLD_CYCLE.len()]
        } else {
            &[]
        };
        let (channel, country, service) = self.basics(&mut o.order, seq, holds);
        let rng = &mut self.rng;
        let now = self.now;
        let mut ship_by = match rng.random_range(0..100) {
            0..10 => now - rng.random_range(HOUR / 4..=30 * HOUR),
            10..25 => now + rng.random_range(HOUR / 4..=4 * HOUR),
            _ if service == Service::Express => now + rng.random_range(4 * HOUR..=8 * HOUR),
            _ => now + rng.random_range(4 * HOUR..=60 * HOUR),
        };
        ship_by -= ship_by.rem_euclid(HOUR / 4);
        let lead = match service {
            Service::Express => rng.random_range(2 * HOUR..=8 * HOUR),
            Service::Standard => rng.random_range(18 * HOUR..=44 * HOUR),
            Service::Economy => rng.random_range(44 * HOUR..=90 * HOUR),
        };
        let mut created = ship_by - lead;
        if created > now - 300 {
            created = now - rng.random_range(300..=3 * HOUR);
        }
        let at = match status {
            OrderStatus::New => created,
            OrderStatus::Held => created + rng.random_range(30..=600),
            _ => created + (now - created) * rng.random_range(10..=95) / 100,
        }
        .min(now);
        let late = ship_by < now;
        let priority = if late && rng.random_ratio(1, 3) {
            2
        } else if rng.random_ratio(2, 100) {
            *pick(rng, &[1, 2])
        } else {
            service.priority()
        };

        self.lines(&mut o.order, channel, country, service, holds);
        let paid = if holds.contains(&HoldReason::Unpaid) { "pending" } else { "paid" };
        Self::finish(o, Life { status, created, ship_by, at }, holds, paid);
        o.order.priority = priority;
        o.shipped_at = None;
        let rng = &mut self.rng;
        let address = &mut o.order.address;
        if holds.contains(&HoldReason::BadAddress) {
            if rng.random_ratio(6, 10) { address.postcode.clear() } else { address.city.clear() }
        }
        if holds.contains(&HoldReason::Manual) {
            put(&mut o.order.note, format_args!("{}", pick(rng, MANUAL_NOTES)));
        }
    }

    /// Channel, destination and service, the channel's ids, the address and note.
    fn basics(&mut self, o: &mut NewOrder, seq: u64, holds: &[HoldReason]) -> (Channel, &'static Country, Service) {
        let rng = &mut self.rng;
        let channel = weighted(rng, CHANNEL_SHARES);
        let country = if holds.contains(&HoldReason::MissingCustoms) {
            // A customs hold needs a destination outside the EU.
            let outside: Vec<&'static Country> = COUNTRIES.iter().filter(|c| !c.eu).collect();
            *pick(rng, &outside)
        } else {
            let x = rng.random_range(0..COUNTRIES.iter().map(|c| c.share).sum::<u32>());
            by_weight(COUNTRIES, |c| c.share, x)
        };
        let service = weighted(rng, channel.services());

        let (code, _, _) = channel.registration();
        put(&mut o.channel, format_args!("{code}"));
        match channel {
            Channel::Shop => {
                put(&mut o.external_id, format_args!("{}", 5_100_000_000 + seq));
                put(&mut o.channel_ref, format_args!("#{}", 100_000 + seq));
            }
            Channel::Market => {
                let (block, serial) = (302 + seq / 10_000_000, seq % 10_000_000);
                // The third group grows with the second: random-looking ids would scatter
                // every insert across the search index.
                let check = (seq * 3 + 4_211_337) % 10_000_000;
                put(&mut o.external_id, format_args!("{block:03}-{serial:07}-{check:07}"));
                o.channel_ref.clone_from(&o.external_id);
            }
            Channel::B2b => {
                put(&mut o.external_id, format_args!("PO-{seq:07}"));
                o.channel_ref.clone_from(&o.external_id);
            }
        }
        put(&mut o.service, format_args!("{}", service.code()));
        put(&mut o.currency, format_args!("{}", country.currency));
        address::fill(&mut o.address, rng, country, channel);
        o.note.clear();
        if channel != Channel::B2b && rng.random_ratio(4, 100) {
            o.note.push_str(pick_word(rng, names::NOTES));
        }
        (channel, country, service)
    }

    /// Lines drawn by demand (distinct SKUs, all with customs data when the
    /// parcel leaves the EU), plus the lines that cause `holds`; sets the total.
    fn lines(&mut self, o: &mut NewOrder, channel: Channel, country: &Country, service: Service, holds: &[HoldReason]) {
        let rng = &mut self.rng;
        let catalog = self.catalog;
        let wanted = if channel == Channel::B2b { rng.random_range(2..=8) } else { weighted(rng, LINE_COUNTS) };
        let mut chosen = [0usize; 14];
        let mut n = 0;
        for _ in 0..wanted {
            for _ in 0..16 {
                let sku = catalog.draw(rng);
                if !chosen[..n].contains(&sku) && (country.eu || catalog.has_customs(sku)) {
                    chosen[n] = sku;
                    n += 1;
                    break;
                }
            }
        }
        if n == 0 {
            chosen[0] = catalog.draw(rng);
            n = 1;
        }
        if holds.contains(&HoldReason::MissingCustoms) {
            let lacking = (0..256)
                .map(|_| rng.random_range(0..catalog.skus.len()))
                .find(|&sku| !catalog.has_customs(sku) && !chosen[..n].contains(&sku));
            if let Some(sku) = lacking {
                chosen[n] = sku;
                n += 1;
            }
        }
        let unknown = holds.contains(&HoldReason::UnknownSku).then(|| catalog.draw(rng));

        let lines = n + usize::from(unknown.is_some());
        o.lines.truncate(lines);
        while o.lines.len() < lines {
            o.lines.push(NewOrderLine {
                sku: String::new(),
                title: String::new(),
                qty: 1,
                unit_price_minor: 0,
                requires_shipping: true,
            });
        }
        let mut goods = 0;
        for (line, &sku) in o.lines.iter_mut().zip(chosen[..n].iter().chain(&unknown)) {
            let item = &catalog.skus[sku];
            line.sku.clone_from(&item.code);
            line.title.clone_from(&item.title);
            line.qty = if channel == Channel::B2b { *pick(rng, B2B_QUANTITIES) } else { weighted(rng, QUANTITIES) };
            let retail = catalog.prices[sku];
            // Trade customers buy at 15% off list.
            let price = if channel == Channel::B2b { retail * 85 / 100 } else { retail };
            line.unit_price_minor = local_price(price, country);
            line.requires_shipping = true;
            goods += i64::from(line.qty) * line.unit_price_minor;
        }
        if let Some(line) = unknown.and_then(|_| o.lines.last_mut()) {
            // A listing the channel still sells under a code the warehouse retired.
            line.sku.push_str("-V2");
            line.title.push_str(" (new version)");
        }
        // Shipping fees in euro cents: standard, express, economy; free
        // domestic standard delivery from 50 euros, trade orders on account.
        let domestic = country.code == HOME;
        let (standard, express, economy) = if domestic { (490, 990, 0) } else { (990, 2_490, 690) };
        let free = channel == Channel::B2b
            || (domestic && service == Service::Standard && goods >= local_price(5_000, country));
        let fee_cents = match service {
            _ if free => 0,
            Service::Standard => standard,
            Service::Express => express,
            Service::Economy => economy,
        };
        let (num, den) = country.rate;
        o.total_minor = goods + (fee_cents * num / den + 5) / 10 * 10;
    }

    /// Where an order stands and when it got there (unix seconds).
    fn finish(o: &mut SeedOrder, life: Life, holds: &[HoldReason], financial: &str) {
        o.status = life.status;
        o.holds.clear();
        o.holds.extend_from_slice(holds);
        o.status_at = timestamp(life.at);
        o.order.created_at = timestamp(life.created);
        o.order.updated_at = timestamp(life.at.max(life.created));
        o.order.ship_by = timestamp(life.ship_by);
        put(&mut o.order.financial_status, format_args!("{financial}"));
    }

    /// The creation time of history order `index` of `count`.
    fn history_time(&self, index: u64, count: u64) -> i64 {
        let total = self.hours.last().copied().unwrap_or(1);
        let target = ((2 * u128::from(index) + 1) * u128::from(total) / (2 * u128::from(count.max(1)))) as u64;
        let hour = self.hours.partition_point(|&c| c <= target).min(self.hours.len() - 1);
        let before = if hour == 0 { 0 } else { self.hours[hour - 1] };
        let weight = (self.hours[hour] - before).max(1);
        self.history_start + hour as i64 * HOUR + ((target.saturating_sub(before)) * 3_600 / weight) as i64
    }
}
