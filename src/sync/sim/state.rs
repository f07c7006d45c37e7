//! The simulated channel's data: orders with their version history, one
//! fulfillment order per order, and the fulfillments created through the API.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use chrono::FixedOffset;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use super::orders::{self, Ids, Order};

/// One order: its current version, the older ones, and what was shipped.
pub(super) struct Record {
    pub current: Order,
    /// Older versions, oldest first (for stale deliveries).
    pub versions: Vec<Order>,
    pub fo_id: u64,
    /// Fulfillment order line ids, one per line item (same positions).
    pub fo_line_ids: Vec<u64>,
    pub fulfillments: Vec<Fulfillment>,
}

/// A fulfillment created through the API.
pub(super) struct Fulfillment {
    pub id: u64,
    pub name: String,
    pub created_at: i64,
    pub tracking: TrackingInfo,
    /// Line item position and quantity.
    pub lines: Vec<(usize, u32)>,
}

/// A POSTed fulfillment (the `fulfillment` object of the body).
#[derive(Debug, Deserialize)]
pub(super) struct NewFulfillment {
    #[serde(default)]
    #[allow(dead_code)]
    pub notify_customer: bool,
    #[serde(default)]
    pub tracking_info: TrackingInfo,
    pub line_items_by_fulfillment_order: Vec<ByFulfillmentOrder>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct TrackingInfo {
    pub number: Option<String>,
    pub company: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ByFulfillmentOrder {
    pub fulfillment_order_id: u64,
    /// None: every line with something left.
    #[serde(default)]
    pub fulfillment_order_line_items: Option<Vec<LineRequest>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct LineRequest {
    pub id: u64,
    pub quantity: u32,
}

/// Which orders a listing shows (`status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Any,
    Open,
    Cancelled,
}

/// A listing's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Filter {
    pub status: Status,
    /// `updated_at` bounds in unix seconds, both inclusive.
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Where a page starts: at the beginning, after or before an (updated_at, id) key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum From {
    Start,
    After((i64, u64)),
    Before((i64, u64)),
}

/// Why a change to an order was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NotFound,
    Cancelled,
    Fulfilled,
}

pub(super) struct State {
    pub offset: FixedOffset,
    skus: Vec<String>,
    rng: ChaCha8Rng,
    ids: Ids,
    pub orders: BTreeMap<u64, Record>,
    fo_index: HashMap<u64, u64>,
    /// (updated_at, id) of every order's current version.
    index: BTreeSet<(i64, u64)>,
    /// The newest `updated_at` given out: changes never go back before it.
    last_stamp: i64,
}

impl State {
    pub fn new(seed: u64, skus: Vec<String>, offset: FixedOffset, first_order_id: u64) -> Self {
        Self {
            offset,
            skus,
            rng: ChaCha8Rng::seed_from_u64(seed),
            ids: Ids::new(first_order_id),
            orders: BTreeMap::new(),
            fo_index: HashMap::new(),
            index: BTreeSet::new(),
            last_stamp: 0,
        }
    }

    /// A time for a change: now, never before an earlier change, and after
    /// `previous` (the changed order's own `updated_at`).
    fn stamp(&mut self, previous: i64) -> i64 {
        let mut at = chrono::Utc::now().timestamp().max(self.last_stamp);
        if at <= previous {
            at = previous + 1;
        }
        self.last_stamp = at;
        at
    }

    /// `count` orders created over the three days before `now`; some already
    /// changed once (so they have an older version).
    pub fn seed_history(&mut self, count: usize, now: i64) {
        let span = 3 * 86_400;
        let step = span / (count.max(1) as i64);
        for i in 0..count {
            let at = now - span + i as i64 * step + self.rng.random_range(0..step.max(1));
            let mut order = orders::generate(&mut self.rng, &mut self.ids, at, &self.skus);
            let mut versions = Vec::new();
            if self.rng.random_bool(0.15) {
                versions.push(order.clone());
                (*orders::pick(&mut self.rng, orders::NOTES)).clone_into(&mut order.note);
                order.updated_at = (at + self.rng.random_range(60..3_600)).min(now);
            }
            self.last_stamp = self.last_stamp.max(order.updated_at);
            self.insert(order, versions);
        }
    }

    /// A new order, now.
    pub fn add_order(&mut self) -> u64 {
        let at = self.stamp(0);
        let order = orders::generate(&mut self.rng, &mut self.ids, at, &self.skus);
        let id = order.id;
        self.insert(order, Vec::new());
        id
    }

    fn insert(&mut self, order: Order, versions: Vec<Order>) {
        let fo_id = Ids::next(&mut self.rng, &mut self.ids.fulfillment_order);
        let fo_line_ids =
            order.lines.iter().map(|_| Ids::next(&mut self.rng, &mut self.ids.fulfillment_order_line)).collect();
        self.fo_index.insert(fo_id, order.id);
        self.index.insert((order.updated_at, order.id));
        let record = Record { current: order, versions, fo_id, fo_line_ids, fulfillments: Vec::new() };
        self.orders.insert(record.current.id, record);
    }

    /// Makes a new version of an order: the old one is kept, `updated_at` moves.
    fn change(&mut self, id: u64, edit: impl FnOnce(&mut Order, &mut ChaCha8Rng)) -> Result<i64, Refused> {
        let previous = self.orders.get(&id).ok_or(Refused::NotFound)?.current.updated_at;
        let at = self.stamp(previous);
        let record = self.orders.get_mut(&id).ok_or(Refused::NotFound)?;
        record.versions.push(record.current.clone());
        edit(&mut record.current, &mut self.rng);
        record.current.updated_at = at;
        self.index.remove(&(previous, id));
        self.index.insert((at, id));
        Ok(at)
    }

    /// The note changes (to `note`, or to another customer note).
    pub fn update_note(&mut self, id: u64, note: Option<String>) -> Result<(), Refused> {
        self.change(id, |order, rng| {
            order.note = note.unwrap_or_else(|| {
                loop {
                    let note = orders::pick(rng, orders::NOTES);
                    if *note != order.note {
                        break (*note).to_owned();
                    }
                }
            });
        })
        .map(drop)
    }

    /// The delivery address changes a little.
    pub fn update_address(&mut self, id: u64) -> Result<(), Refused> {
        self.change(id, |order, rng| orders::change_address(rng, &mut order.address)).map(drop)
    }

    /// Cancels an order; one with anything fulfilled cannot be cancelled.
    pub fn cancel(&mut self, id: u64) -> Result<(), Refused> {
        let order = &self.orders.get(&id).ok_or(Refused::NotFound)?.current;
        if order.cancelled_at.is_some() {
            return Err(Refused::Cancelled);
        }
        if order.lines.iter().any(|l| l.requires_shipping && l.fulfilled > 0) {
            return Err(Refused::Fulfilled);
        }
        self.change(id, |_, _| {}).map(|at| {
            if let Some(record) = self.orders.get_mut(&id) {
                record.current.cancelled_at = Some(at);
            }
        })
    }

    /// A random order that is neither cancelled nor (in part) fulfilled.
    pub fn random_open_order(&mut self) -> Option<u64> {
        let open: Vec<u64> = self
            .orders
            .values()
            .filter(|r| r.current.cancelled_at.is_none() && r.fulfillments.is_empty())
            .map(|r| r.current.id)
            .collect();
        (!open.is_empty()).then(|| open[self.rng.random_range(0..open.len())])
    }

    /// Up to `limit` orders in (updated_at, id) order from `from`, and whether
    /// more follow in that direction.
    pub fn list(&self, filter: Filter, from: From, limit: usize) -> (Vec<&Record>, bool) {
        let admits = |&&(at, id): &&(i64, u64)| {
            filter.min.is_none_or(|min| at >= min)
                && filter.max.is_none_or(|max| at <= max)
                && match filter.status {
                    Status::Any => true,
                    Status::Open => self.orders[&id].current.cancelled_at.is_none(),
                    Status::Cancelled => self.orders[&id].current.cancelled_at.is_some(),
                }
        };
        let low = Bound::Included((filter.min.unwrap_or(i64::MIN), 0));
        let mut keys: Vec<(i64, u64)> = match from {
            From::Start => self.index.range((low, Bound::Unbounded)).filter(admits).take(limit + 1).copied().collect(),
            From::After(key) => self
                .index
                .range((Bound::Excluded(key), Bound::Unbounded))
                .filter(admits)
                .take(limit + 1)
                .copied()
                .collect(),
            From::Before(key) => self.index.range(..key).rev().filter(admits).take(limit + 1).copied().collect(),
        };
        let more = keys.len() > limit;
        keys.truncate(limit);
        if matches!(from, From::Before(_)) {
            keys.reverse();
        }
        (keys.iter().map(|(_, id)| &self.orders[id]).collect(), more)
    }

    /// `{"fulfillment_orders": [...]}` of an order (lines that need shipping).
    pub fn fulfillment_orders_json(&self, id: u64) -> Option<Value> {
        let record = self.orders.get(&id)?;
        let order = &record.current;
        let shipped = || order.lines.iter().zip(&record.fo_line_ids).filter(|(l, _)| l.requires_shipping);
        let status = if order.cancelled_at.is_some() {
            "cancelled"
        } else if shipped().all(|(l, _)| l.fulfillable() == 0) {
            "closed"
        } else if shipped().any(|(l, _)| l.fulfilled > 0) {
            "in_progress"
        } else {
            "open"
        };
        let lines: Vec<Value> = shipped()
            .map(|(l, &fo_line)| {
                json!({"id": fo_line, "fulfillment_order_id": record.fo_id, "line_item_id": l.id,
                       "quantity": l.quantity, "fulfillable_quantity": l.fulfillable()})
            })
            .collect();
        Some(json!({"fulfillment_orders": [{
            "id": record.fo_id, "order_id": id, "status": status, "request_status": "unsubmitted", "line_items": lines,
        }]}))
    }

    /// `{"fulfillments": [...]}` of an order.
    pub fn fulfillments_json(&self, id: u64) -> Option<Value> {
        let record = self.orders.get(&id)?;
        let list: Vec<Value> = record.fulfillments.iter().map(|f| self.fulfillment_json(record, f)).collect();
        Some(json!({ "fulfillments": list }))
    }

    fn fulfillment_json(&self, record: &Record, f: &Fulfillment) -> Value {
        let at = orders::iso(f.created_at, self.offset);
        let lines: Vec<Value> = f
            .lines
            .iter()
            .map(|&(i, quantity)| {
                let line = &record.current.lines[i];
                json!({"id": line.id, "sku": line.sku, "title": line.title, "quantity": quantity})
            })
            .collect();
        let t = &f.tracking;
        json!({
            "id": f.id, "order_id": record.current.id, "name": f.name, "status": "success", "service": "manual",
            "created_at": at, "updated_at": at, "tracking_company": t.company, "tracking_number": t.number,
            "tracking_numbers": t.number.iter().collect::<Vec<_>>(), "tracking_url": t.url,
            "tracking_urls": t.url.iter().collect::<Vec<_>>(), "line_items": lines,
        })
    }

    /// Creates a fulfillment after checking it the way the channel does;
    /// refusals are (status, message).
    pub fn fulfill(&mut self, request: NewFulfillment) -> Result<Value, (u16, String)> {
        let unprocessable = |message: String| Err((422, message));
        let mut order_id = None;
        for by in &request.line_items_by_fulfillment_order {
            let fo = by.fulfillment_order_id;
            let Some(&id) = self.fo_index.get(&fo) else {
                return unprocessable(format!("Fulfillment order {fo} does not exist"));
            };
            if order_id.is_some_and(|other| other != id) {
                return unprocessable("All fulfillment orders must belong to the same order".into());
            }
            order_id = Some(id);
        }
        let Some(id) = order_id else {
            return Err((400, "line_items_by_fulfillment_order must name at least one fulfillment order".into()));
        };
        let record = &self.orders[&id];
        let order = &record.current;
        if order.cancelled_at.is_some() {
            return unprocessable(format!("The order {} has been cancelled: it cannot be fulfilled", order.number));
        }
        let already = |fo_line: u64| {
            Err((
                422,
                format!(
                    "The line items are already fulfilled (fulfillment order line item {fo_line} has nothing left to fulfill)"
                ),
            ))
        };
        let mut wanted: BTreeMap<usize, u32> = BTreeMap::new();
        for by in &request.line_items_by_fulfillment_order {
            let fo = by.fulfillment_order_id;
            let Some(items) = &by.fulfillment_order_line_items else {
                let open: Vec<(usize, u32)> = (order.lines.iter().enumerate())
                    .filter(|(_, l)| l.requires_shipping && l.fulfillable() > 0)
                    .map(|(i, l)| (i, l.fulfillable()))
                    .collect();
                if open.is_empty() {
                    return already(record.fo_line_ids.first().copied().unwrap_or(0));
                }
                for (i, quantity) in open {
                    *wanted.entry(i).or_default() += quantity;
                }
                continue;
            };
            for item in items {
                let found = record.fo_line_ids.iter().position(|&l| l == item.id);
                let Some(i) = found.filter(|&i| order.lines[i].requires_shipping) else {
                    return unprocessable(format!(
                        "Fulfillment order line item {} does not belong to fulfillment order {fo}",
                        item.id
                    ));
                };
                if item.quantity == 0 {
                    return unprocessable(format!(
                        "Fulfillment order line item {}: quantity must be at least 1",
                        item.id
                    ));
                }
                *wanted.entry(i).or_default() += item.quantity;
            }
        }
        for (&i, &quantity) in &wanted {
            let left = order.lines[i].fulfillable();
            if left == 0 {
                return already(record.fo_line_ids[i]);
            }
            if quantity > left {
                return unprocessable(format!(
                    "Invalid fulfillment order line item quantity requested: line item {} has {left} left to fulfill, not {quantity}",
                    record.fo_line_ids[i]
                ));
            }
        }
        let fulfillment_id = Ids::next(&mut self.rng, &mut self.ids.fulfillment);
        let at = self.change(id, |order, _| {
            for (&i, &quantity) in &wanted {
                order.lines[i].fulfilled += quantity;
            }
        });
        let at = at.map_err(|_| (404, "Not Found".to_owned()))?;
        let record = self.orders.get_mut(&id).ok_or((404, "Not Found".to_owned()))?;
        let name = format!("#{}.{}", record.current.number, record.fulfillments.len() + 1);
        let lines = wanted.into_iter().collect();
        record.fulfillments.push(Fulfillment {
            id: fulfillment_id,
            name,
            created_at: at,
            tracking: request.tracking_info,
            lines,
        });
        let record = &self.orders[&id];
        let created = record.fulfillments.last().map(|f| self.fulfillment_json(record, f));
        Ok(json!({ "fulfillment": created }))
    }

    /// The current order ids, ascending.
    pub fn order_ids(&self) -> Vec<u64> {
        self.orders.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(count: usize) -> State {
        let skus = orders::DEFAULT_SKUS.iter().map(|s| (*s).to_owned()).collect();
        let mut state = State::new(1, skus, FixedOffset::east_opt(3600).unwrap(), orders::FIRST_ORDER_ID);
        state.seed_history(count, chrono::Utc::now().timestamp());
        state
    }

    #[test]
    fn listings_page_both_ways_in_key_order() {
        let mut s = state(30);
        let first = s.order_ids()[0];
        s.update_note(first, Some("changed".into())).unwrap();
        let all = Filter { status: Status::Any, min: None, max: None };
        let (page, more) = s.list(all, From::Start, 10);
        assert!(more && page.len() == 10);
        let key = |r: &Record| (r.current.updated_at, r.current.id);
        assert!(page.windows(2).all(|w| key(w[0]) < key(w[1])));
        let last = key(page[9]);
        let (next, _) = s.list(all, From::After(last), 100);
        assert_eq!(next.len(), 20);
        assert_eq!(next.last().unwrap().current.id, first, "the changed order comes last");
        let (back, more) = s.list(all, From::Before(key(next[0])), 5);
        assert!(more);
        assert_eq!(
            back.iter().map(|r| r.current.id).collect::<Vec<_>>(),
            page[5..].iter().map(|r| r.current.id).collect::<Vec<_>>()
        );
        s.cancel(first).unwrap();
        assert_eq!(s.cancel(first), Err(Refused::Cancelled));
        let open = Filter { status: Status::Open, ..all };
        assert_eq!(s.list(open, From::Start, 100).0.len(), 29);
        assert_eq!(s.orders[&first].versions.len(), 2);
    }
}
