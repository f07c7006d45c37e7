//! The dashboard's facts computed without the counters, from orders,
//! order lines, returned units and the audit trail: the benchmark's
//! comparator and the tests' oracle (`Store::dashboard_facts_by_scan`).

use super::{
    DayFacts, Db, FactsRequest, HashMap, HourFacts, OperatorFacts, Result, blank_hours, count, day_number, hour_span,
    params,
};

/// Everything the counters hold, computed from the base tables in one pass each.
pub(super) struct Scan {
    /// Per hour: (pick lines, picked, packed units, packed orders, shipped orders, shipped units).
    hours: HashMap<i64, [u64; 6]>,
    /// Per day.
    days: HashMap<i64, DayFacts>,
    /// Per (operator, hour).
    work: HashMap<(String, i64), OperatorFacts>,
    /// Per (SKU id, day): shipped, returned.
    sku_days: HashMap<(i64, i64), (u64, u64)>,
    /// Per SKU id: last day shipped.
    pub(super) last: HashMap<i64, i64>,
}

impl Scan {
    pub(super) fn read(conn: &Db) -> Result<Self> {
        let mut s = Scan {
            hours: HashMap::new(),
            days: HashMap::new(),
            work: HashMap::new(),
            sku_days: HashMap::new(),
            last: HashMap::new(),
        };
        // Every shipped order, with its units (a full scan of orders).
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, o.created_at, o.ship_by, o.shipped_at FROM orders o WHERE o.shipped_at IS NOT NULL",
        )?;
        let mut lines = conn.prepare_cached(
            "SELECT sku_id, qty FROM order_lines WHERE order_id = ?1 AND sku_id IS NOT NULL AND requires_shipping = 1",
        )?;
        let mut cycles: HashMap<(i64, u64), u64> = HashMap::new();
        let rows = stmt.query_map((), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        })?;
        for row in rows {
            let (id, created, ship_by, shipped) = row?;
            let (hour, day) = (shipped.div_euclid(3_600), shipped.div_euclid(86_400));
            let mut units = 0;
            for line in lines.query_map(params![id], |r| Ok((r.get::<_, i64>(0)?, count(r.get(1)?))))? {
                let (sku, qty) = line?;
                units += qty;
                s.sku_days.entry((sku, day)).or_default().0 += qty;
                let last = s.last.entry(sku).or_insert(day);
                *last = (*last).max(day);
            }
            let h = s.hours.entry(hour).or_default();
            h[4] += 1;
            h[5] += units;
            let d = s.days.entry(day).or_default();
            d.shipped_orders += 1;
            d.shipped_units += units;
            d.on_time_orders += u64::from(shipped <= ship_by);
            *cycles.entry((day, count(shipped - created) / 60)).or_default() += 1;
        }
        for ((day, minutes), orders) in cycles {
            s.days.entry(day).or_default().cycle_minutes.push((minutes, orders));
        }
        for d in s.days.values_mut() {
            d.cycle_minutes.sort_unstable();
        }
        // Returned units.
        let mut stmt = conn.prepare_cached(
            "SELECT u.at_ms, l.sku_id FROM rma_units u
             JOIN order_lines l ON l.order_id = u.order_id AND l.line_no = u.line_no WHERE l.sku_id IS NOT NULL",
        )?;
        for row in stmt.query_map((), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (at_ms, sku) = row?;
            let day = at_ms.div_euclid(86_400_000);
            s.sku_days.entry((sku, day)).or_default().1 += 1;
            s.days.entry(day).or_default().returned_units += 1;
        }
        // Operators' work from the audit trail (a full scan of events).
        let mut stmt = conn.prepare_cached(
            "SELECT at_ms, operator, kind, subject, details FROM events
             WHERE kind IN ('units_picked', 'pick_short', 'scan_refused', 'unit_verified', 'status_changed')",
        )?;
        let rows = stmt.query_map((), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (at_ms, operator, kind, subject, details) = row?;
            let hour = at_ms.div_euclid(3_600_000);
            let leading: u64 =
                details.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let w = s.work.entry((operator, hour)).or_default();
            let h = s.hours.entry(hour).or_default();
            let d = s.days.entry(hour.div_euclid(24)).or_default();
            match kind.as_str() {
                "units_picked" => {
                    w.pick_lines += 1;
                    w.picked_units += leading;
                    h[0] += 1;
                    h[1] += leading;
                    d.pick_lines += 1;
                }
                "pick_short" => {
                    w.short_lines += 1;
                    d.short_lines += 1;
                }
                "scan_refused" => {
                    w.refused_scans += 1;
                    if subject.starts_with("wave:") {
                        d.pick_refusals += 1;
                    }
                }
                "unit_verified" => {
                    w.packed_units += leading;
                    h[2] += leading;
                }
                _ if details.split(':').next() == Some("packing -> packed") => {
                    w.packed_orders += 1;
                    h[3] += 1;
                }
                _ => {}
            }
        }
        s.work.retain(|_, w| *w != OperatorFacts::default());
        Ok(s)
    }

    pub(super) fn hours(&self, request: &FactsRequest) -> Vec<HourFacts> {
        let (first, last) = hour_span(request);
        let mut hours = blank_hours(first, last);
        for h in &mut hours {
            if let Some(c) = self.hours.get(&h.start.timestamp().div_euclid(3_600)) {
                (h.pick_lines, h.picked_units, h.packed_units, h.packed_orders, h.shipped_orders, h.shipped_units) =
                    (c[0], c[1], c[2], c[3], c[4], c[5]);
            }
        }
        hours
    }

    pub(super) fn operators(&self, conn: &Db, request: &FactsRequest) -> Result<Vec<OperatorFacts>> {
        let first = day_number(request.now.date_naive()) * 24;
        let mut per: std::collections::BTreeMap<&str, OperatorFacts> = std::collections::BTreeMap::new();
        for ((badge, hour), w) in &self.work {
            if *hour < first {
                continue;
            }
            let o = per
                .entry(badge.as_str())
                .or_insert_with(|| OperatorFacts { badge: badge.clone(), ..OperatorFacts::default() });
            o.active_hours += 1;
            o.pick_lines += w.pick_lines;
            o.picked_units += w.picked_units;
            o.short_lines += w.short_lines;
            o.packed_units += w.packed_units;
            o.packed_orders += w.packed_orders;
            o.refused_scans += w.refused_scans;
        }
        let mut stmt = conn.prepare_cached("SELECT name, role FROM operators WHERE badge = ?1")?;
        let mut out = Vec::new();
        for (_, mut o) in per {
            if let Some((name, role)) = stmt
                .query_map([&o.badge], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .next()
                .transpose()?
            {
                o.name = name;
                o.role = role.parse().ok();
            }
            out.push(o);
        }
        Ok(out)
    }

    pub(super) fn days(&self, request: &FactsRequest) -> Vec<DayFacts> {
        let today = day_number(request.now.date_naive());
        (day_number(request.first_day(request.kpi_days))..=today)
            .map(|n| {
                let mut d = self.days.get(&n).cloned().unwrap_or_default();
                d.day = super::day_of_number(n);
                d
            })
            .collect()
    }

    /// (window units, recent shipped, recent returned) of one SKU.
    pub(super) fn sku(&self, id: i64, request: &FactsRequest) -> (u64, u64, u64) {
        let today = day_number(request.now.date_naive());
        let sum = |days: u32| {
            (day_number(request.first_day(days))..=today).fold((0, 0), |(s, r), day| {
                let (ds, dr) = self.sku_days.get(&(id, day)).copied().unwrap_or_default();
                (s + ds, r + dr)
            })
        };
        let (window, _) = sum(request.demand_days);
        let (shipped, returned) = sum(request.return_days);
        (window, shipped, returned)
    }
}
