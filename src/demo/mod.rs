//! The deterministic demo warehouse behind `packline demo` and `packline --demo`:
//! a zoned layout, about 2,000 SKUs with stock, three channels, six operators,
//! 90 days of shipped history and a floor of open orders, some of them late or
//! held. Everything derives from the seed and `now`, so the same options give
//! the same store contents (event and movement times aside, which the store
//! takes from the clock).
//!
//! History orders that shipped carry their ship time, so the dashboard's
//! shipping counters (orders and units per hour, on time, cycle times, units
//! per SKU and day) are filled as they are seeded. The last twelve hours of
//! that history also get a shift of operator work (`shift.rs`): picks about
//! two hours and packs about an hour before each order shipped, shared among
//! the pickers and packers by order number, with a few short lines and
//! refused scans. That work lives in the counters only (no events).
//!
//! The demo talks to the store only through its domain operations.

mod address;
mod catalog;
mod commerce;
mod names;
mod orders;
mod places;
mod products;
pub mod receipts;
mod shift;
#[cfg(test)]
mod tests;

use crate::widgets::format::count;
use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::{Actor, Address, Layout, NewOrder, Operator, OrderStatus, Role};
use crate::store::{SeedOrder, Store, StoreError};
use catalog::Catalog;
use commerce::Channel;
use orders::OrderGen;

/// Orders per `seed_orders` call: one transaction and one progress step each.
const BATCH: usize = 10_000;
/// Meta key holding the seed the catalogue was made from.
/// The demo supervisors' PIN (documented in the README).
pub const DEMO_PIN: &str = "1234";

pub const META_SEED: &str = "demo.seed";
/// Meta key holding how many demo orders the store has been given.
pub const META_ORDERS: &str = "demo.orders";

/// What to seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Orders to add: history plus open work.
    pub orders: u64,
    pub seed: u64,
    /// The demo's "now": history ends and deadlines fall around it.
    pub now: DateTime<Utc>,
}

/// What a seeding run did, printed by `packline demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// The store already had the demo catalogue; only orders were added.
    pub topped_up: bool,
    /// The seed the catalogue was made from.
    pub catalogue_seed: u64,
    pub skus: u64,
    pub bins: u64,
    /// Stock rows put away by this run (none on a top-up).
    pub stock_rows: u64,
    pub channels: u64,
    pub operators: u64,
    pub orders_added: u64,
    pub open_orders: u64,
    pub held_orders: u64,
    /// Open orders whose ship-by time is already past.
    pub late_orders: u64,
    /// Orders in the store afterwards.
    pub orders_total: u64,
    pub elapsed: Duration,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.topped_up { "Topped up the demo warehouse" } else { "Seeded a demo warehouse" };
        writeln!(f, "{what} (catalogue seed {}) in {:.1} s", self.catalogue_seed, self.elapsed.as_secs_f64())?;
        let stock =
            if self.topped_up { String::from("stock kept") } else { format!("{} stock rows", count(self.stock_rows)) };
        writeln!(f, "  catalogue  {} SKUs, {} bins (zones A/B/C), {stock}", count(self.skus), count(self.bins))?;
        writeln!(
            f,
            "  people     {} channels, {} operators (EMP-0001 is the supervisor)",
            self.channels, self.operators
        )?;
        writeln!(
            f,
            "  orders     {} added: {} history, {} open ({} held, {} late)",
            count(self.orders_added),
            count(self.orders_added - self.open_orders),
            count(self.open_orders),
            count(self.held_orders),
            count(self.late_orders)
        )?;
        write!(f, "  store      {} orders in total", count(self.orders_total))
    }
}

/// Seeds `store` with the demo warehouse, or tops it up with more orders if
/// it already holds the demo catalogue. `progress` is called with orders
/// done and orders wanted after each batch.
///
/// A store with a catalogue the demo did not make is refused.
pub fn seed(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<DemoSummary, StoreError> {
    let started = Instant::now();
    let actor = Actor::new("demo", "system");
    let before = store.totals()?;
    let stored_seed = store.meta(META_SEED)?;
    let topped_up = stored_seed.is_some();
    let catalogue_seed = match stored_seed {
        Some(text) => text
            .parse()
            .map_err(|_| StoreError::Invalid(format!("the store's {META_SEED} is {text:?}, not a number")))?,
        None if before.skus > 0 || before.bins > 0 => {
            return Err(StoreError::Invalid(
                "this store already has a catalogue that the demo did not make; seed the demo into a new file with --db"
                    .into(),
            ));
        }
        None => opts.seed,
    };

    // Separate streams, so that adding orders never changes the catalogue.
    let mut rng = ChaCha8Rng::seed_from_u64(catalogue_seed);
    let catalog = Catalog::build(&mut rng);
    let mut stock_rows = 0;
    if !topped_up {
        for channel in Channel::ALL {
            let (code, name, kind) = channel.registration();
            keep_existing(store.add_channel(&actor, code, name, kind).map(|_| ()))?;
        }
        for (badge, name, role) in names::OPERATORS {
            let operator = Operator { badge: (*badge).to_owned(), name: (*name).to_owned(), role: *role };
            keep_existing(store.add_operator(&actor, &operator))?;
            if operator.role == Role::Supervisor {
                store.set_pin(&actor, &operator.badge, DEMO_PIN)?;
            }
        }
        let bins = Layout::demo().zoned_bins();
        store.add_bins(&actor, &bins)?;
        store.add_skus(&actor, &catalog.skus)?;
        let mut stock_rng = ChaCha8Rng::seed_from_u64(catalogue_seed);
        stock_rng.set_stream(1);
        let items = catalog::put_away(&catalog, &bins, &mut stock_rng, opts.now);
        store.receive_stock_many(&actor, &items, "demo goods-in")?;
        stock_rows = items.len() as u64;
        store.set_meta(META_SEED, &catalogue_seed.to_string())?;
    }

    // Channel ids continue after every order already stored, so they never collide.
    let start = before.orders;
    let mut order_rng = ChaCha8Rng::seed_from_u64(opts.seed);
    order_rng.set_stream(start.wrapping_add(2));
    let added = add_orders(store, &actor, &catalog, order_rng, opts, start, progress)?;
    if !topped_up {
        receipts::seed(store, &actor, &catalog, opts.now)?;
    }
    let demo_orders = store.meta(META_ORDERS)?.and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    store.set_meta(META_ORDERS, &(demo_orders + opts.orders).to_string())?;

    let after = store.totals()?;
    Ok(DemoSummary {
        topped_up,
        catalogue_seed,
        skus: after.skus,
        bins: after.bins,
        stock_rows,
        channels: after.channels,
        operators: after.operators,
        orders_added: opts.orders,
        open_orders: added.open,
        held_orders: added.held,
        late_orders: added.late,
        orders_total: after.orders,
        elapsed: started.elapsed(),
    })
}

/// Open, held and late orders among those added.
#[derive(Default)]
struct Added {
    open: u64,
    held: u64,
    late: u64,
}

/// Adds `opts.orders` orders: history first (oldest first), then the open
/// orders in order of creation, in batches of BATCH.
fn add_orders(
    store: &mut Store,
    actor: &Actor,
    catalog: &Catalog,
    rng: ChaCha8Rng,
    opts: &DemoOptions,
    start: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Added, StoreError> {
    let total = opts.orders;
    let open = open_count(total);
    let history = total - open;
    let mut orders = OrderGen::new(rng, catalog, opts.now.timestamp());
    let rules = crate::config::Config::from_texts(None, "(built-in defaults)")
        .map_err(|e| StoreError::Invalid(e.to_string()))?
        .config
        .rules;
    let mut batch: Vec<SeedOrder> = Vec::new();
    let mut shift = shift::Shift::new(opts.now.timestamp());
    let mut filled = 0;
    let mut done = 0;
    progress(0, total);
    for index in 0..history {
        if filled == batch.len() {
            batch.push(blank_order());
        }
        orders.history(&mut batch[filled], start + index + 1, index, history);
        settle(&mut batch[filled], &rules);
        shift.add(start + index + 1, &batch[filled]);
        filled += 1;
        if filled == BATCH {
            store.seed_orders(actor, &batch)?;
            done += filled as u64;
            filled = 0;
            progress(done, total);
        }
    }
    if filled > 0 {
        store.seed_orders(actor, &batch[..filled])?;
        done += filled as u64;
        progress(done, total);
    }
    store.seed_operator_work(&shift.rows())?;

    let mut open_orders: Vec<SeedOrder> = Vec::with_capacity(open as usize);
    for (i, status) in orders.open_statuses(open as usize).into_iter().enumerate() {
        let mut order = batch.pop().unwrap_or_else(blank_order);
        orders.open(&mut order, start + history + i as u64 + 1, status);
        settle(&mut order, &rules);
        open_orders.push(order);
    }
    open_orders.sort_by_key(|o| o.order.created_at);
    let now = opts.now;
    let added = Added {
        open,
        held: open_orders.iter().filter(|o| o.status == OrderStatus::Held).count() as u64,
        late: open_orders.iter().filter(|o| o.order.ship_by < now).count() as u64,
    };
    for chunk in open_orders.chunks(BATCH) {
        store.seed_open_orders(actor, chunk)?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    let on_floor = |status| open_orders.iter().filter(|o| o.status == status).count();
    put_on_floor(
        store,
        actor,
        opts.now,
        on_floor(OrderStatus::Waved) + on_floor(OrderStatus::Picking),
        on_floor(OrderStatus::Picking),
    )?;
    Ok(added)
}

/// Plans as many of the most urgent ready orders into waves as the demo
/// wants on the floor, releases them, and has the demo's handhelds take the
/// first waves, enough for `picking` orders (their leases soon expire, as if
/// the shift had ended: any picker can go on with them).
fn put_on_floor(
    store: &mut Store,
    actor: &Actor,
    now: DateTime<Utc>,
    orders: usize,
    picking: usize,
) -> Result<(), StoreError> {
    use crate::planning::batching;
    if orders == 0 {
        return Ok(());
    }
    let rules = crate::config::Config::from_texts(None, "(built-in defaults)")
        .map_err(|e| StoreError::Invalid(e.to_string()))?
        .config
        .waves;
    let mut candidates = store.wave_candidates(orders)?;
    batching::by_urgency(&mut candidates, &rules, now);
    let plans = batching::plan_all(&Layout::demo(), &candidates, &rules);
    let waves = store.create_waves(actor, &plans)?;
    let pickers = names::OPERATORS.iter().filter(|(_, _, role)| *role == Role::Picker).map(|(badge, _, _)| *badge);
    let mut taken = 0;
    for ((wave, plan), badge) in waves.iter().zip(&plans).zip(pickers.cycle()) {
        store.release_wave(actor, *wave)?;
        if taken < picking {
            let handheld = Actor::new(format!("HANDHELD-{}", wave.0), badge);
            store.take_wave(&handheld, *wave, i64::from(rules.lease_seconds) * 1_000, false)?;
            taken += plan.orders.len();
        }
    }
    Ok(())
}

/// Open orders among `total`: all of a small demo (up to 250), otherwise
/// one in sixty, the rest shipped history.
#[must_use]
pub fn open_count(total: u64) -> u64 {
    total.min(250).max(total / 60)
}

/// Treats "already exists" as done, so a store set up by hand keeps its channels
/// and operators.
fn keep_existing(result: Result<(), StoreError>) -> Result<(), StoreError> {
    match result {
        Err(e) if e.is_constraint_violation() => Ok(()),
        other => other,
    }
}

fn blank_order() -> SeedOrder {
    SeedOrder {
        order: NewOrder {
            channel: String::new(),
            external_id: String::new(),
            channel_ref: String::new(),
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
            ship_by: DateTime::default(),
            address: Address::default(),
            service: String::new(),
            financial_status: String::new(),
            total_minor: 0,
            currency: String::new(),
            note: String::new(),
            priority: 5,
            lines: Vec::new(),
        },
        status: OrderStatus::New,
        holds: Vec::new(),
        status_at: DateTime::default(),
        carrier_service: String::new(),
        signature_required: false,
        shipped_at: None,
    }
}

/// Carrier service and signature as validation with the default rules would
/// set them (the demo's services are all in the default `[rules.services]`).
fn settle(seed: &mut SeedOrder, rules: &crate::planning::rules::RulesConfig) {
    let o = &seed.order;
    seed.carrier_service =
        rules.service_book().rule(&o.channel, &o.service).map(|r| r.carrier.clone()).unwrap_or_default();
    seed.signature_required = rules.needs_signature(o);
}

/// Draws from a table of (value, weight).
fn weighted<T: Copy>(rng: &mut ChaCha8Rng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    by_weight(table, |(_, w)| *w, rng.random_range(0..total)).0
}

/// The item at position `x` when each item takes up `weight` places.
fn by_weight<T>(items: &[T], weight: impl Fn(&T) -> u32, mut x: u32) -> &T {
    for item in items {
        let w = weight(item);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1]
}

/// Picks one item uniformly.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks one word of a word list.
fn pick_word(rng: &mut ChaCha8Rng, words: &[&'static str]) -> &'static str {
    words[rng.random_range(0..words.len())]
}

/// Overwrites `dst` with formatted text, reusing its allocation.
fn put(dst: &mut String, args: fmt::Arguments<'_>) {
    dst.clear();
    // Writing into a String cannot fail.
    let _ = fmt::Write::write_fmt(dst, args);
}

/// Unix seconds as a time (the epoch for values chrono cannot represent).
fn timestamp(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}
