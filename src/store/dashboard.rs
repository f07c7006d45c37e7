//! Reads for the supervisor's dashboard (and the per-SKU health `packline
//! report inventory` shares with it): [`Store::dashboard_facts`] from the
//! counters of migration 0008, and [`Store::dashboard_facts_by_scan`], the
//! same facts computed from orders, lines, events and returns (the
//! benchmark's comparator and the tests' oracle: both must agree).
//!
//! Cost of one refresh: small range reads of the counters (today's hours and
//! the chart's, today's operators, today's cycle-time and per-SKU rows), the
//! open orders due by the next cut-off (a status index range), the active
//! waves, the open alerts, and per SKU its stock (summed over the `stock`
//! table) and backorders (a status index), the last of these at most every
//! [`SKU_SECONDS`]. Days before today do not change, so their KPI and
//! per-SKU sums are read once per day into a [`DashboardCache`], kept by the
//! caller between refreshes.

use std::collections::{BTreeMap, HashMap};

use crate::store::db::{Backend, Db, params};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::{Result, Store, status_from_sql};
use crate::domain::OrderNumber;
use crate::domain::dashboard::{
    CutoffFacts, DayFacts, Facts, FactsRequest, HourFacts, OpenAlert, OperatorFacts, SkuFacts,
};
use crate::domain::queue::StatusCounts;

/// Each backordered order's lines with what they still miss (ordered less
/// reserved; under `backorders = "whole"` such an order reserves nothing, so
/// this counts its lines in stock too: the order waits for another SKU),
/// driven by the status index (backorders are few).
const BACKORDERED: &str = "SELECT l.sku_id, l.qty - ifnull((SELECT sum(r.qty) FROM reservations r
        WHERE r.order_id = l.order_id AND r.line_no = l.line_no), 0)
    FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id
    WHERE o.status = 'backordered' AND l.sku_id IS NOT NULL AND l.requires_shipping = 1";

/// Orders the short-pick alert names at most.
const SHORTS: i64 = 50;
/// Open alerts listed at most.
const ALERTS: i64 = 200;

const OPEN_STATUSES: &str =
    "('new', 'ready', 'held', 'backordered', 'waved', 'picking', 'short', 'picked', 'packing', 'packed')";

/// How long per-SKU health (stock, backorders, demand) is reused before a
/// refresh reads it again: it moves slowly, and reading it costs more than
/// the rest of a refresh together.
pub const SKU_SECONDS: i64 = 30;

/// What the days before today add up to, read once per day, and the last
/// per-SKU read, reused for [`SKU_SECONDS`].
#[derive(Debug, Default)]
pub struct DashboardCache {
    past: Option<Past>,
    skus: Option<(DateTime<Utc>, Vec<SkuFacts>)>,
}

impl DashboardCache {
    /// The next refresh reads everything that may have changed, SKUs included
    /// (the dashboard opened, or a supervisor asked for a refresh).
    pub fn expire(&mut self) {
        self.skus = None;
    }
}

#[derive(Debug)]
struct Past {
    /// The day, spans and fingerprint this was read for.
    key: (NaiveDate, u32, u32, u32, i64),
    /// The KPI window's days before today, oldest first.
    days: Vec<DayFacts>,
    /// Per SKU id: units shipped in the demand window before today, and
    /// units shipped and returned in the returns window before today.
    skus: HashMap<i64, (u64, u64, u64)>,
}

fn hour_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(3_600)
}

fn day_number(day: NaiveDate) -> i64 {
    day.and_time(NaiveTime::MIN).and_utc().timestamp().div_euclid(86_400)
}

fn day_of_number(n: i64) -> NaiveDate {
    DateTime::from_timestamp(n * 86_400, 0).unwrap_or_default().date_naive()
}

fn hour_start(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(hour * 3_600, 0).unwrap_or_default()
}

/// A stored count as a count (never negative).
fn count(n: i64) -> u64 {
    n.max(0).unsigned_abs()
}

impl Store {
    /// The dashboard's facts at `request.now`, from the counters, in one
    /// snapshot of the store. `cache` keeps the days before today.
    pub fn dashboard_facts(&self, cache: &mut DashboardCache, request: &FactsRequest) -> Result<Facts> {
        self.conn.read(|tx| {
            let today = request.now.date_naive();
            let today_n = day_number(today);
            let fingerprint: i64 = tx
                .prepare_cached(
                    "SELECT ifnull(sum(orders), 0) + ifnull(sum(units), 0) FROM shipped_hourly WHERE hour < ?1",
                )?
                .query_row([today_n * 24], |r| r.get(0))?;
            let key = (today, request.kpi_days, request.demand_days, request.return_days, fingerprint);
            if cache.past.as_ref().is_none_or(|p| p.key != key) {
                cache.past = Some(read_past(tx, request, key)?);
                cache.skus = None;
            }
            let past = cache.past.as_ref().expect("read above");

            let mut facts = common(tx, request)?;
            facts.hours = hours(tx, request)?;
            facts.operators = operators(tx, today_n * 24, i64::MAX)?;
            let mut days = past.days.clone();
            days.extend(day_range(tx, today_n, today_n)?);
            facts.days = days;
            let fresh = |(at, _): &(DateTime<Utc>, Vec<SkuFacts>)| {
                (request.now - *at).num_seconds().abs() < SKU_SECONDS && at.date_naive() == today
            };
            if !cache.skus.as_ref().is_some_and(fresh) {
                let today_skus = sku_days(tx, today_n, today_n)?;
                let read = skus(tx, |id, last| {
                    let (window, shipped, returned) = past.skus.get(&id).copied().unwrap_or_default();
                    let (t_shipped, t_returned) = today_skus.get(&id).copied().unwrap_or_default();
                    (window + t_shipped, shipped + t_shipped, returned + t_returned, last)
                })?;
                cache.skus = Some((request.now, read));
            }
            facts.skus = cache.skus.as_ref().map(|(_, skus)| skus.clone()).unwrap_or_default();
            Ok(facts)
        })
    }

    /// Every catalogue SKU's health facts on `today`, as the dashboard reads
    /// them (`packline report inventory` shows the same numbers): units
    /// shipped over the `demand_days` UTC days up to today, shipped and
    /// returned over the `return_days`, stock, backorders, last shipment.
    pub fn sku_health(&self, today: NaiveDate, demand_days: u32, return_days: u32) -> Result<Vec<SkuFacts>> {
        self.conn.read(|tx| {
            let first = |days: u32| day_number(today - Duration::days(i64::from(days.max(1)) - 1));
            let today_n = day_number(today);
            let demand = sku_days(tx, first(demand_days), today_n)?;
            let returns = sku_days(tx, first(return_days), today_n)?;
            let facts = skus(tx, |id, last| {
                let window = demand.get(&id).map_or(0, |d| d.0);
                let (shipped, returned) = returns.get(&id).copied().unwrap_or_default();
                (window, shipped, returned, last)
            })?;
            Ok(facts)
        })
    }

    /// The same facts as [`Store::dashboard_facts`], computed from the base
    /// tables (orders, lines, events, returned units) without the counters.
    pub fn dashboard_facts_by_scan(&self, request: &FactsRequest) -> Result<Facts> {
        self.conn.read(|tx| {
            let scan = scan::Scan::read(tx)?;
            let mut facts = common(tx, request)?;
            facts.hours = scan.hours(request);
            facts.operators = scan.operators(tx, request)?;
            facts.days = scan.days(request);
            facts.skus = skus(tx, |id, _| {
                let (window, shipped, returned) = scan.sku(id, request);
                (window, shipped, returned, scan.last.get(&id).copied())
            })?;
            Ok(facts)
        })
    }
}

/// What both reads share: counts, late and due orders, waves, shorts, alerts.
fn common(conn: &Db, request: &FactsRequest) -> Result<Facts> {
    let counts = conn
        .prepare_cached("SELECT status, n FROM order_counts WHERE n > 0")?
        .query_map((), |r| Ok((status_from_sql(&r.get::<_, String>(0)?)?, count(r.get(1)?))))?
        .collect::<Result<BTreeMap<_, _>>>()?;
    let (late, cutoffs) = due(conn, request)?;
    let waiting_waves: i64 =
        conn.prepare_cached("SELECT count(*) FROM waves WHERE status = 'released'")?.query_row((), |r| r.get(0))?;
    let waves = {
        let ids: Vec<i64> = conn
            .prepare_cached("SELECT id FROM waves WHERE status = 'picking' ORDER BY id")?
            .query_map((), |r| r.get(0))?
            .collect::<Result<_>>()?;
        ids.into_iter()
            .map(|id| super::waves::summary(conn, crate::domain::WaveNumber(id)))
            .collect::<Result<Vec<_>>>()?
    };
    let shorts = conn
        .prepare_cached("SELECT id FROM orders WHERE status = 'short' ORDER BY ship_by, id LIMIT ?1")?
        .query_map([SHORTS], |r| Ok(OrderNumber(r.get(0)?)))?
        .collect::<Result<_>>()?;
    let alerts = conn
        .prepare_cached(
            "SELECT id, kind, subject, message, raised_at FROM alerts WHERE cleared_at IS NULL ORDER BY id DESC LIMIT ?1",
        )?
        .query_map([ALERTS], |r| {
            Ok(OpenAlert {
                id: r.get(0)?,
                kind: r.get(1)?,
                subject: r.get(2)?,
                message: r.get(3)?,
                raised_at: DateTime::from_timestamp(r.get(4)?, 0).unwrap_or_default(),
            })
        })?
        .collect::<Result<_>>()?;
    Ok(Facts {
        now: request.now,
        counts: StatusCounts(counts),
        late,
        cutoffs,
        waves,
        waiting_waves: count(waiting_waves),
        shorts,
        alerts,
        ..Facts::default()
    })
}

/// Open orders past their ship-by, and per carrier service the open orders
/// due by its next cut-off: a range of `orders_open_due`, which covers the
/// read (its `WHERE` must stay the index's word for word).
fn due(conn: &Db, request: &FactsRequest) -> Result<(u64, Vec<CutoffFacts>)> {
    let now = request.now.timestamp();
    let horizon = (request.now + Duration::days(1)).timestamp();
    // `INDEXED BY` is SQLite's own; PostgreSQL's planner chooses the index itself.
    let hint = match conn.backend() {
        Backend::Sqlite => " INDEXED BY orders_open_due",
        Backend::Postgres => "",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT carrier_service, ship_by, status = 'packed' FROM orders{hint}
         WHERE status IN {OPEN_STATUSES} AND ship_by <= ?1"
    ))?;
    let rows =
        stmt.query_map([horizon], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, bool>(2)?)))?;
    let mut late = 0;
    let mut carriers: BTreeMap<String, CutoffFacts> = BTreeMap::new();
    for row in rows {
        let (carrier, ship_by, packed) = row?;
        if ship_by < now {
            late += 1;
        }
        if carrier.is_empty() {
            continue;
        }
        if !carriers.contains_key(&carrier) {
            let cutoff = request.next_cutoff(&carrier);
            carriers.insert(carrier.clone(), CutoffFacts { carrier: carrier.clone(), cutoff, due: 0, packed: 0 });
        }
        let entry = carriers.get_mut(&carrier).expect("inserted above");
        if ship_by <= entry.cutoff.timestamp() {
            entry.due += 1;
            entry.packed += u64::from(packed);
        }
    }
    let mut cutoffs: Vec<CutoffFacts> = carriers.into_values().filter(|c| c.due > 0).collect();
    cutoffs.sort_by(|a, b| a.cutoff.cmp(&b.cutoff).then_with(|| a.carrier.cmp(&b.carrier)));
    Ok((late, cutoffs))
}

/// The chart's hours (and every hour of today), oldest first, from the counters.
fn hours(conn: &Db, request: &FactsRequest) -> Result<Vec<HourFacts>> {
    let (first, last) = hour_span(request);
    let mut hours = blank_hours(first, last);
    let mut stmt = conn.prepare_cached(
        "SELECT hour, sum(pick_lines), sum(picked_units), sum(packed_units), sum(packed_orders)
         FROM operator_hourly WHERE hour BETWEEN ?1 AND ?2 GROUP BY hour",
    )?;
    let rows = stmt.query_map([first, last], |r| {
        Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?), count(r.get(3)?), count(r.get(4)?)))
    })?;
    for row in rows {
        let (hour, lines, units_in, units_out, orders) = row?;
        let h = &mut hours[(hour - first) as usize];
        (h.pick_lines, h.picked_units, h.packed_units, h.packed_orders) = (lines, units_in, units_out, orders);
    }
    let mut stmt =
        conn.prepare_cached("SELECT hour, orders, units FROM shipped_hourly WHERE hour BETWEEN ?1 AND ?2")?;
    let rows = stmt.query_map([first, last], |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?))))?;
    for row in rows {
        let (hour, orders, units) = row?;
        let h = &mut hours[(hour - first) as usize];
        (h.shipped_orders, h.shipped_units) = (orders, units);
    }
    Ok(hours)
}

/// The first and last hour of `Facts::hours`: the chart's hours or all of
/// today, whichever starts earlier, up to the current hour.
fn hour_span(request: &FactsRequest) -> (i64, i64) {
    let last = hour_of(request.now);
    let chart = last - i64::from(request.hours.max(1)) + 1;
    (chart.min(day_number(request.now.date_naive()) * 24), last)
}

fn blank_hours(first: i64, last: i64) -> Vec<HourFacts> {
    (first..=last).map(|hour| HourFacts { start: hour_start(hour), ..HourFacts::default() }).collect()
}

/// Operators' work in hours `first..=last` (by badge), from the counters.
fn operators(conn: &Db, first: i64, last: i64) -> Result<Vec<OperatorFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.operator, ifnull(o.name, ''), o.role, count(*), sum(h.pick_lines), sum(h.picked_units),
                sum(h.short_lines), sum(h.packed_units), sum(h.packed_orders), sum(h.pick_refusals + h.pack_refusals)
         FROM operator_hourly h LEFT JOIN operators o ON o.badge = h.operator
         WHERE h.hour BETWEEN ?1 AND ?2
         GROUP BY h.operator, o.name, o.role ORDER BY h.operator",
    )?;
    let rows = stmt.query_map([first, last], |r| {
        Ok(OperatorFacts {
            badge: r.get(0)?,
            name: r.get(1)?,
            role: r.get::<_, Option<String>>(2)?.and_then(|role| role.parse().ok()),
            active_hours: count(r.get(3)?),
            pick_lines: count(r.get(4)?),
            picked_units: count(r.get(5)?),
            short_lines: count(r.get(6)?),
            packed_units: count(r.get(7)?),
            packed_orders: count(r.get(8)?),
            refused_scans: count(r.get(9)?),
        })
    })?;
    rows.collect::<Result<_>>()
}

/// Days `first..=last` (day numbers) from the counters, oldest first.
fn day_range(conn: &Db, first: i64, last: i64) -> Result<Vec<DayFacts>> {
    let mut days: Vec<DayFacts> =
        (first..=last).map(|n| DayFacts { day: day_of_number(n), ..DayFacts::default() }).collect();
    if days.is_empty() {
        return Ok(days);
    }
    let index = |n: i64| (n - first) as usize;
    let mut stmt = conn.prepare_cached(
        "SELECT hour / 24, sum(orders), sum(units), sum(on_time_orders) FROM shipped_hourly
         WHERE hour BETWEEN ?1 AND ?2 GROUP BY hour / 24",
    )?;
    for row in stmt.query_map([first * 24, last * 24 + 23], |r| {
        Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?), count(r.get(3)?)))
    })? {
        let (n, orders, units, on_time) = row?;
        let d = &mut days[index(n)];
        (d.shipped_orders, d.shipped_units, d.on_time_orders) = (orders, units, on_time);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT hour / 24, sum(pick_lines), sum(short_lines), sum(pick_refusals) FROM operator_hourly
         WHERE hour BETWEEN ?1 AND ?2 GROUP BY hour / 24",
    )?;
    for row in stmt.query_map([first * 24, last * 24 + 23], |r| {
        Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?), count(r.get(3)?)))
    })? {
        let (n, lines, shorts, refusals) = row?;
        let d = &mut days[index(n)];
        (d.pick_lines, d.short_lines, d.pick_refusals) = (lines, shorts, refusals);
    }
    let mut stmt =
        conn.prepare_cached("SELECT day, sum(returned_units) FROM sku_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY day")?;
    for row in stmt.query_map([first, last], |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?))))? {
        let (n, returned) = row?;
        days[index(n)].returned_units = returned;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT day, minutes, orders FROM cycle_daily WHERE day BETWEEN ?1 AND ?2 AND orders > 0 ORDER BY day, minutes",
    )?;
    for row in stmt.query_map([first, last], |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?))))? {
        let (n, minutes, orders) = row?;
        days[index(n)].cycle_minutes.push((minutes, orders));
    }
    Ok(days)
}

/// Per SKU id, units shipped and returned over days `first..=last`.
fn sku_days(conn: &Db, first: i64, last: i64) -> Result<HashMap<i64, (u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sku_id, sum(shipped_units), sum(returned_units) FROM sku_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY sku_id",
    )?;
    let rows = stmt.query_map([first, last], |r| Ok((r.get::<_, i64>(0)?, (count(r.get(1)?), count(r.get(2)?)))))?;
    rows.collect::<Result<_>>()
}

/// The days before today: the KPI window's days and per-SKU window sums.
fn read_past(conn: &Db, request: &FactsRequest, key: (NaiveDate, u32, u32, u32, i64)) -> Result<Past> {
    let today = day_number(request.now.date_naive());
    let days = day_range(conn, day_number(request.first_day(request.kpi_days)), today - 1)?;
    let demand = sku_days(conn, day_number(request.first_day(request.demand_days)), today - 1)?;
    let returns = sku_days(conn, day_number(request.first_day(request.return_days)), today - 1)?;
    let mut skus: HashMap<i64, (u64, u64, u64)> = HashMap::new();
    for (id, (shipped, _)) in demand {
        skus.entry(id).or_default().0 = shipped;
    }
    for (id, (shipped, returned)) in returns {
        let e = skus.entry(id).or_default();
        (e.1, e.2) = (shipped, returned);
    }
    Ok(Past { key, days, skus })
}

/// Every catalogue SKU by code with its stock, backorders and last
/// shipment. `sums` gives per SKU id and stored last day shipped its
/// (window units, recent shipped, recent returned, last day shipped).
fn skus(conn: &Db, sums: impl Fn(i64, Option<i64>) -> (u64, u64, u64, Option<i64>)) -> Result<Vec<SkuFacts>> {
    let mut stock: HashMap<i64, (u64, u64)> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT sku_id, sum(on_hand), sum(reserved) FROM stock GROUP BY sku_id")?;
    for row in stmt.query_map((), |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?), count(r.get(2)?))))? {
        let (id, on_hand, reserved) = row?;
        stock.insert(id, (on_hand, reserved));
    }
    let mut backordered: HashMap<i64, u64> = HashMap::new();
    let mut stmt = conn.prepare_cached(BACKORDERED)?;
    for row in stmt.query_map((), |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?))))? {
        let (id, n) = row?;
        *backordered.entry(id).or_default() += n;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT k.id, k.code, k.title, s.day FROM skus k LEFT JOIN sku_last_shipped s ON s.sku_id = k.id ORDER BY k.code",
    )?;
    let rows = stmt.query_map((), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<i64>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, sku, title, last) = row?;
        let (on_hand, reserved) = stock.get(&id).copied().unwrap_or_default();
        let (window_units, recent_shipped, recent_returned, last) = sums(id, last);
        out.push(SkuFacts {
            sku,
            title,
            on_hand,
            reserved,
            backordered: backordered.get(&id).copied().unwrap_or(0),
            window_units,
            last_shipped: last.map(day_of_number),
            recent_shipped,
            recent_returned,
        });
    }
    Ok(out)
}

/// The full-scan computation.
mod scan;
