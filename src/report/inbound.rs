//! Goods in, composed from the store's reads and the pure planners, for the
//! stock screen and `packline report replenishment`:
//!
//! - the replenishment list: SKUs at or below their reorder point
//!   (`planning::inventory`, the same per-SKU facts as the dashboard and
//!   `report inventory`), with the suggested order less what open deliveries
//!   still bring;
//! - the putaway list: waiting units with a suggested bin
//!   (`planning::putaway`);
//! - the count schedule's plan (`planning::counts`).
//!
//! Classes here come from the shipped-units counters over `[abc]
//! window_days` (UTC days), so the screen stays cheap on a large store;
//! `report slotting` ranks by the orders' ship-by over the same window and
//! can differ at the window's edge.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Column, Report, Value};
use crate::domain::inbound::{BinCountState, PutawayItem, ReplenishmentRow};
use crate::domain::{Layout, Zone};
use crate::planning::abc;
use crate::planning::counts::{CountSchedule, due_bins};
use crate::planning::inventory::{InventoryConfig, assess_all};
use crate::planning::putaway::{BinSpot, PutawayNeed, suggest};
use crate::store::{self, Store};

/// Every SKU's class by units shipped over the last `window_days` UTC days.
fn classes(store: &Store, today: NaiveDate, window_days: u32) -> store::Result<HashMap<String, Zone>> {
    let units: Vec<(String, u64)> =
        store.sku_health(today, window_days, 1)?.into_iter().map(|f| (f.sku, f.window_units)).collect();
    Ok(abc::classify(&units).into_iter().map(|c| (c.sku, c.class)).collect())
}

/// SKUs at or below their reorder point, most urgent first.
pub fn replenishment(
    store: &Store,
    config: &InventoryConfig,
    abc_window_days: u32,
    today: NaiveDate,
) -> store::Result<Vec<ReplenishmentRow>> {
    let class_of = classes(store, today, abc_window_days)?;
    let inbound: HashMap<String, u64> = store.inbound_units()?.into_iter().collect();
    let rows = store.sku_health(today, config.demand_window_days, 1)?;
    let inputs = super::inventory::sku_inputs(rows, |sku| class_of.get(sku).copied());
    Ok(assess_all(&inputs, config, today)
        .into_iter()
        .filter(|h| h.flags.reorder || h.flags.stockout)
        .map(|h| {
            let coming = inbound.get(&h.input.sku).copied().unwrap_or(0);
            ReplenishmentRow {
                sku: h.input.sku.clone(),
                title: h.input.title.clone(),
                class: h.input.class,
                on_hand: h.input.on_hand,
                available: h.available,
                backordered: h.input.backordered,
                demand_per_day: h.demand_per_day,
                cover_days: h.cover_days,
                reorder_point: h.reorder_point,
                inbound: coming,
                suggested: h.suggested_order.saturating_sub(coming),
            }
        })
        .collect())
}

/// Units waiting for putaway, each with its suggested bin.
pub fn putaway(
    store: &Store,
    layout: &Layout,
    abc_window_days: u32,
    today: NaiveDate,
) -> store::Result<Vec<PutawayItem>> {
    let waiting = store.waiting_putaway()?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let class_of = classes(store, today, abc_window_days)?;
    let slot = store.slotting_inputs(chrono::DateTime::<chrono::Utc>::MAX_UTC)?;
    let to_spot = |bin: crate::domain::Bin| BinSpot {
        bin: bin.code,
        zone: bin.zone,
        distance_m: layout.distance_from_depot(bin.code).unwrap_or(f64::MAX),
    };
    let mut holding: HashMap<&str, Vec<BinSpot>> = HashMap::new();
    for p in &slot.placements {
        holding.entry(p.sku.as_str()).or_default().push(to_spot(p.bin));
    }
    let free: Vec<BinSpot> = slot.free_bins.iter().map(|b| to_spot(*b)).collect();
    let needs: Vec<PutawayNeed> = waiting
        .iter()
        .map(|w| PutawayNeed {
            sku: w.sku.clone(),
            class: class_of.get(&w.sku).copied().unwrap_or(Zone::C),
            holding: holding.get(w.sku.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    let suggestions = suggest(&needs, &free);
    Ok(waiting
        .into_iter()
        .zip(needs)
        .zip(suggestions)
        .map(|((w, need), suggestion)| PutawayItem {
            id: w.id,
            receipt: w.receipt,
            sku: w.sku,
            title: w.title,
            lot: w.lot,
            expires_on: w.expires_on,
            qty: w.qty,
            class: need.class,
            suggestion,
        })
        .collect())
}

/// The plan `Store::schedule_counts` runs: the due bins, each with the
/// reason the counter reads.
pub fn count_plan(
    schedule: &CountSchedule,
    today: NaiveDate,
) -> impl FnMut(&[BinCountState], u32) -> Vec<(i64, String)> + '_ {
    move |bins, already| {
        due_bins(bins, today, schedule, already)
            .into_iter()
            .filter_map(|id| {
                let bin = bins.iter().find(|b| b.bin_id == id)?;
                let since =
                    bin.last_counted.map_or_else(|| "never counted".to_owned(), |d| format!("last counted {d}"));
                Some((id, format!("zone {} every {} days; {since}", bin.zone, schedule.interval(bin.zone))))
            })
            .collect()
    }
}

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 11] = [
    Column::left("sku", "SKU"),
    Column::left("title", "TITLE"),
    Column::left("class", "CLASS"),
    Column::right("on_hand", "ON HAND"),
    Column::right("available", "AVAIL"),
    Column::right("backordered", "BACKORD"),
    Column::right("demand_per_day", "PER DAY"),
    Column::right("cover_days", "COVER D"),
    Column::right("reorder_point", "REORDER AT"),
    Column::right("inbound", "INBOUND"),
    Column::right("suggested_order", "ORDER"),
];

/// `packline report replenishment`.
pub fn build(store: &Store, config: &InventoryConfig, abc_window_days: u32, today: NaiveDate) -> store::Result<Report> {
    let rows = replenishment(store, config, abc_window_days, today)?;
    let to_order: u64 = rows.iter().map(|r| r.suggested).sum();
    let inbound: u64 = rows.iter().map(|r| r.inbound).sum();
    let decimal = |x: Option<f64>, places: usize| Value::text_or_null(x.map(|x| format!("{x:.places$}")));
    let summary = format!(
        "Replenishment: {} SKUs at or below their reorder point; {} units to order after {} units on open deliveries. \
         Reorder point = demand over the last {} days x ({} lead + {} safety days).",
        rows.len(),
        to_order,
        inbound,
        config.demand_window_days,
        config.lead_time_days,
        config.safety_days
    );
    Ok(Report {
        name: "replenishment",
        facts: vec![
            ("date", Value::Text(today.to_string())),
            ("skus", Value::Count(rows.len() as u64)),
            ("units_to_order", Value::Count(to_order)),
            ("units_inbound", Value::Count(inbound)),
        ],
        summary,
        empty: "No SKU is at or below its reorder point.".to_owned(),
        columns: COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Value::Text(r.sku.clone()),
                    Value::Text(r.title.clone()),
                    Value::Text(r.class.as_str().to_owned()),
                    Value::Count(r.on_hand),
                    Value::Count(r.available),
                    Value::Count(r.backordered),
                    decimal(Some(r.demand_per_day), 2),
                    decimal(r.cover_days, 1),
                    Value::Count(r.reorder_point),
                    Value::Count(r.inbound),
                    Value::Count(r.suggested),
                ]
            })
            .collect(),
    })
}
