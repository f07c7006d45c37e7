//! The supervisor's dashboard from the store's counters: KPIs (cycle time
//! p50/p90, on-time rate, picking accuracy, returns rate), operators' paces
//! and scan error rates, waves' progress and estimated finish, and the
//! alert list (inventory health, return-rate spikes, stored alerts, short
//! picks, expired leases), each alert with the screen that resolves it.
//!
//! Pure: `store::dashboard` reads the [`Facts`]; the screen and `packline
//! report kpis|operators` show what [`build`] makes of them, so both agree.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::Deserialize;

use super::inventory::{self, InventoryConfig, SkuInput};
use crate::domain::dashboard::{
    Alert, AlertKind, AlertTarget, Dashboard, DayFacts, Facts, FactsRequest, Kpis, OpenAlert, OperatorFacts,
    OperatorRow, Severity, WaveProgress,
};
use crate::domain::{OrderNumber, OrderStatus, WaveNumber, WaveStatus, Zone};

/// `[dashboard]`: what the dashboard looks at.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardConfig {
    /// Clock hours the throughput chart shows.
    pub hours: u32,
    /// Days the KPI window spans, today included.
    pub kpi_days: u32,
    /// Days over which return rates are compared, today included.
    pub return_window_days: u32,
    /// A SKU's return rate this many times the floor's is a spike...
    pub return_spike_factor: f64,
    /// ...once at least this many of its units came back in the window.
    pub return_spike_min_units: u32,
    /// Daily cut-off (UTC) per carrier service; others use `[waves] cutoff`.
    pub cutoffs: BTreeMap<String, NaiveTime>,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        Self {
            hours: 12,
            kpi_days: 7,
            return_window_days: 14,
            return_spike_factor: 2.0,
            return_spike_min_units: 3,
            cutoffs: BTreeMap::new(),
        }
    }
}

impl DashboardConfig {
    /// Refuses values the dashboard cannot work with, naming the key.
    pub fn check(&self) -> Result<(), String> {
        for (key, value, max) in [
            ("hours", self.hours, 48),
            ("kpi_days", self.kpi_days, 90),
            ("return_window_days", self.return_window_days, 365),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("dashboard.{key} must be 1 to {max}, not {value}"));
            }
        }
        if !(self.return_spike_factor.is_finite() && self.return_spike_factor >= 1.0) {
            return Err(format!("dashboard.return_spike_factor must be 1 or more, not {}", self.return_spike_factor));
        }
        Ok(())
    }

    /// What the store is asked for at `now`, with `[waves] cutoff` for
    /// carriers without their own and `inventory`'s demand window.
    #[must_use]
    pub fn request(&self, now: DateTime<Utc>, default_cutoff: NaiveTime, inventory: &InventoryConfig) -> FactsRequest {
        FactsRequest {
            now,
            hours: self.hours,
            kpi_days: self.kpi_days,
            demand_days: inventory.demand_window_days,
            return_days: self.return_window_days,
            default_cutoff,
            cutoffs: self.cutoffs.clone(),
        }
    }
}

/// How many orders an alert about short picks names.
const SHORTS_NAMED: usize = 3;

/// The dashboard the facts show.
#[must_use]
pub fn build(facts: &Facts, inventory: &InventoryConfig, config: &DashboardConfig) -> Dashboard {
    let open: Vec<(OrderStatus, u64)> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .filter_map(|s| facts.counts.0.get(&s).copied().filter(|&n| n > 0).map(|n| (s, n)))
        .collect();
    let today = facts.days.last().cloned().unwrap_or_default();
    let operators: Vec<OperatorRow> = facts.operators.iter().map(operator_row).collect();
    let keep = config.hours as usize;
    let hours = facts.hours[facts.hours.len().saturating_sub(keep)..].to_vec();
    Dashboard {
        now: facts.now,
        open_total: open.iter().map(|(_, n)| n).sum(),
        open,
        late: facts.late,
        cutoffs: facts.cutoffs.clone(),
        shipped_today_orders: today.shipped_orders,
        shipped_today_units: today.shipped_units,
        units_last_hour: facts.hours.iter().rev().nth(1).map_or(0, |h| h.picked_units),
        units_per_hour_today: units_per_hour_today(facts),
        hours,
        waves: waves(facts, &operators),
        waves_waiting: facts.waiting_waves,
        operators,
        alerts: alerts(facts, inventory, config),
        today: kpis(std::slice::from_ref(&today)),
        week: kpis(&facts.days),
    }
}

/// Units picked today per hour, from the start of the first hour with picks to now.
fn units_per_hour_today(facts: &Facts) -> f64 {
    let midnight = facts.now.date_naive().and_time(NaiveTime::MIN).and_utc();
    let today = facts.hours.iter().filter(|h| h.start >= midnight);
    let mut units = 0;
    let mut first = None;
    for hour in today {
        units += hour.picked_units;
        if hour.picked_units > 0 && first.is_none() {
            first = Some(hour.start);
        }
    }
    first.map_or(0.0, |start| units as f64 / hours_between(start, facts.now).max(1.0))
}

fn hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3_600.0
}

/// The KPIs over `days`.
#[must_use]
pub fn kpis(days: &[DayFacts]) -> Kpis {
    let mut cycle: BTreeMap<u64, u64> = BTreeMap::new();
    let mut k = Kpis { days: u32::try_from(days.len()).unwrap_or(u32::MAX), ..Kpis::default() };
    let (mut on_time, mut errors) = (0, 0);
    for day in days {
        k.shipped_orders += day.shipped_orders;
        k.shipped_units += day.shipped_units;
        k.returned_units += day.returned_units;
        k.pick_lines += day.pick_lines;
        on_time += day.on_time_orders;
        errors += day.short_lines + day.pick_refusals;
        for &(minutes, orders) in &day.cycle_minutes {
            *cycle.entry(minutes).or_default() += orders;
        }
    }
    k.cycle_p50_minutes = nearest_rank(&cycle, 50);
    k.cycle_p90_minutes = nearest_rank(&cycle, 90);
    k.on_time_rate = ratio(on_time, k.shipped_orders);
    k.pick_errors_per_line = ratio(errors, k.pick_lines);
    k.picking_accuracy = k.pick_errors_per_line.map(|e| (1.0 - e).max(0.0));
    k.returns_rate = ratio(k.returned_units, k.shipped_units);
    k
}

/// The `p`-th percentile (nearest rank) of a histogram of value -> count.
fn nearest_rank(histogram: &BTreeMap<u64, u64>, p: u64) -> Option<u64> {
    let total: u64 = histogram.values().sum();
    if total == 0 {
        return None;
    }
    let rank = (p * total).div_ceil(100).max(1);
    let mut seen = 0;
    histogram.iter().find_map(|(&value, &count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// An operator's paces and scan error rate.
#[must_use]
pub fn operator_row(facts: &OperatorFacts) -> OperatorRow {
    let hours = facts.active_hours.max(1) as f64;
    let scans = facts.refused_scans + facts.pick_lines + facts.packed_units;
    OperatorRow {
        facts: facts.clone(),
        picks_per_hour: facts.picked_units as f64 / hours,
        packs_per_hour: facts.packed_units as f64 / hours,
        scan_error_rate: ratio(facts.refused_scans, scans),
    }
}

/// Waves released or being picked, with progress and an estimated finish at
/// the picker's pace today, else the floor's.
fn waves(facts: &Facts, operators: &[OperatorRow]) -> Vec<WaveProgress> {
    let pickers: Vec<&OperatorRow> = operators.iter().filter(|o| o.facts.picked_units > 0).collect();
    let floor_units: u64 = pickers.iter().map(|o| o.facts.picked_units).sum();
    let floor_hours: u64 = pickers.iter().map(|o| o.facts.active_hours.max(1)).sum();
    let floor_pace = (floor_units > 0).then(|| floor_units as f64 / floor_hours as f64);
    facts
        .waves
        .iter()
        .filter(|w| matches!(w.status, WaveStatus::Released | WaveStatus::Picking))
        .map(|w| {
            let left = w.units.saturating_sub(w.done_units);
            let pace = w
                .lease
                .as_ref()
                .and_then(|l| pickers.iter().find(|o| o.facts.badge == l.operator))
                .map(|o| o.picks_per_hour)
                .or(floor_pace);
            let finish = pace.filter(|&p| p > 0.0).map(|p| {
                let seconds = (f64::from(left) / p * 3_600.0).round() as i64;
                facts.now + Duration::seconds(seconds)
            });
            WaveProgress {
                done: if w.units == 0 { 1.0 } else { f64::from(w.done_units) / f64::from(w.units) },
                finish,
                lease_expired: w.status == WaveStatus::Picking
                    && w.lease.as_ref().is_some_and(|l| l.expired(facts.now)),
                wave: w.clone(),
            }
        })
        .collect()
}

/// Every alert, worst first, then newest first.
#[must_use]
pub fn alerts(facts: &Facts, inventory: &InventoryConfig, config: &DashboardConfig) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = facts.alerts.iter().map(stored).collect();
    alerts.extend(inventory_alerts(facts, inventory));
    alerts.extend(return_spikes(facts, config));
    let shorts = facts.counts.0.get(&OrderStatus::Short).copied().unwrap_or(0);
    if shorts > 0 {
        let named: Vec<String> = facts.shorts.iter().take(SHORTS_NAMED).map(ToString::to_string).collect();
        let more = if shorts > named.len() as u64 { ", …" } else { "" };
        alerts.push(Alert {
            kind: AlertKind::ShortPick,
            severity: Severity::Warning,
            message: format!(
                "{shorts} order{} wait for a decision on a short pick ({}{more})",
                plural(shorts),
                named.join(", ")
            ),
            since: None,
            target: AlertTarget::Status(OrderStatus::Short),
        });
    }
    for w in waves(facts, &[]).into_iter().filter(|w| w.lease_expired) {
        let Some(lease) = &w.wave.lease else { continue };
        alerts.push(Alert {
            kind: AlertKind::ExpiredLease,
            severity: Severity::Warning,
            message: format!(
                "{}: {}'s lease ran out ({}); {:.0}% picked, another station may take it over",
                w.wave.number,
                lease.station,
                lease.operator,
                w.done * 100.0
            ),
            since: Some(lease.until),
            target: AlertTarget::Wave(w.wave.number),
        });
    }
    alerts.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.since.cmp(&a.since)));
    alerts
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A stored alert (sync, carrier feed, channel cancellations) as listed.
fn stored(alert: &OpenAlert) -> Alert {
    let order = alert.subject.strip_prefix("order:").and_then(|id| id.parse().ok()).map(OrderNumber);
    let wave = alert.subject.strip_prefix("wave:").and_then(|id| id.parse().ok()).map(WaveNumber);
    let (kind, severity) = match alert.kind.as_str() {
        "delivery_delay" => (AlertKind::DeliveryDelay, Severity::Warning),
        "delivery_exception" => (AlertKind::DeliveryDelay, Severity::Critical),
        "sync_failed" => (AlertKind::SyncFailure, Severity::Warning),
        "token_rejected" => (AlertKind::SyncFailure, Severity::Critical),
        "channel_cancelled" => (AlertKind::ChannelCancelled, Severity::Critical),
        _ => (AlertKind::Other, Severity::Notice),
    };
    let target = match (kind, order, wave) {
        (AlertKind::SyncFailure, ..) => AlertTarget::Sync,
        (_, Some(order), _) => AlertTarget::Order(order),
        (_, None, Some(wave)) => AlertTarget::Wave(wave),
        _ => AlertTarget::Sync,
    };
    Alert {
        kind,
        severity,
        message: crate::domain::text::sanitize(&alert.message).into_owned(),
        since: Some(alert.raised_at),
        target,
    }
}

/// Inventory alerts listed one by one at most; the rest are one line.
pub const SKU_ALERTS: usize = 50;

/// Per SKU its worst inventory flag: a stockout, cover below the lead time,
/// or stock at or below the reorder point; the [`SKU_ALERTS`] most urgent
/// (`planning::inventory::urgency`) one by one, then one line for the rest.
fn inventory_alerts(facts: &Facts, config: &InventoryConfig) -> Vec<Alert> {
    let today = facts.now.date_naive();
    let mut flagged: Vec<inventory::Health> = facts
        .skus
        .iter()
        .map(|sku| {
            let input = SkuInput {
                sku: sku.sku.clone(),
                title: sku.title.clone(),
                // The dashboard ranks nothing by class; the inventory report does.
                class: Zone::C,
                on_hand: sku.on_hand,
                reserved: sku.reserved,
                backordered: sku.backordered,
                units: sku.window_units,
                last_shipped: sku.last_shipped,
            };
            inventory::assess(&input, config, today)
        })
        .filter(|h| h.flags.stockout || h.flags.low_cover || h.flags.reorder)
        .collect();
    flagged.sort_by(inventory::urgency);
    let mut alerts: Vec<Alert> = flagged.iter().take(SKU_ALERTS).map(|h| inventory_alert(h, config)).collect();
    let rest = flagged.len().saturating_sub(SKU_ALERTS) as u64;
    if rest > 0 {
        alerts.push(Alert {
            kind: AlertKind::BelowReorder,
            severity: Severity::Notice,
            message: format!(
                "{rest} more SKU{} at or below the reorder point: `packline report inventory` lists them all",
                plural(rest)
            ),
            since: None,
            target: AlertTarget::Status(OrderStatus::Backordered),
        });
    }
    alerts
}

fn inventory_alert(h: &inventory::Health, config: &InventoryConfig) -> Alert {
    let sku = &h.input;
    let name = format!("{} {}", sku.sku, crate::domain::text::sanitize(&sku.title));
    let (kind, severity, message) = if h.flags.stockout {
        let what = if h.available == 0 {
            let waiting =
                if sku.backordered > 0 { format!(", {} backordered", sku.backordered) } else { String::new() };
            format!("out of stock{waiting}")
        } else {
            format!("{} backordered, {} available", sku.backordered, h.available)
        };
        (AlertKind::Stockout, Severity::Critical, format!("{name}: {what}; order {}", h.suggested_order))
    } else if h.flags.low_cover {
        (
            AlertKind::LowCover,
            Severity::Warning,
            format!(
                "{name}: {} available cover {:.1} days, lead time {} days; order {}",
                h.available,
                h.cover_days.unwrap_or(0.0),
                config.lead_time_days,
                h.suggested_order
            ),
        )
    } else {
        (
            AlertKind::BelowReorder,
            Severity::Notice,
            format!(
                "{name}: {} available{}, reorder point {}; order {}",
                h.available,
                // The reorder point is weighed against what backorders leave.
                if sku.backordered > 0 { format!(" less {} backordered", sku.backordered) } else { String::new() },
                h.reorder_point,
                h.suggested_order
            ),
        )
    };
    Alert { kind, severity, message, since: None, target: AlertTarget::Sku(sku.sku.clone()) }
}

/// SKUs returned at `return_spike_factor` times the floor's rate or more
/// over the returns window, with at least `return_spike_min_units` back.
fn return_spikes<'a>(facts: &'a Facts, config: &'a DashboardConfig) -> impl Iterator<Item = Alert> + 'a {
    let shipped: u64 = facts.skus.iter().map(|s| s.recent_shipped).sum();
    let returned: u64 = facts.skus.iter().map(|s| s.recent_returned).sum();
    let floor = ratio(returned, shipped).unwrap_or(0.0);
    facts.skus.iter().filter_map(move |sku| {
        if sku.recent_returned < u64::from(config.return_spike_min_units) {
            return None;
        }
        // Units back with none shipped in the window: older sales coming back.
        let rate = ratio(sku.recent_returned, sku.recent_shipped).unwrap_or(f64::INFINITY);
        (rate >= floor * config.return_spike_factor).then(|| Alert {
            kind: AlertKind::ReturnSpike,
            severity: Severity::Warning,
            message: format!(
                "{} {}: {} of {} shipped came back in {} days ({}; floor {:.1}%)",
                sku.sku,
                crate::domain::text::sanitize(&sku.title),
                sku.recent_returned,
                sku.recent_shipped,
                config.return_window_days,
                if rate.is_finite() { format!("{:.1}%", rate * 100.0) } else { "none shipped".to_owned() },
                floor * 100.0
            ),
            since: None,
            target: AlertTarget::Sku(sku.sku.clone()),
        })
    })
}

#[cfg(test)]
mod tests;
