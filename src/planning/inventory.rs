//! Inventory health (`[inventory]`, `packline report inventory`): per SKU the
//! average daily demand, reorder point, days of cover, a suggested order
//! quantity, turnover, and the flags a supervisor acts on (stockout, at or
//! below the reorder point, cover below the lead time, slow mover). Pure:
//! the store supplies stock, backorders and shipped units; ABC classes come
//! from `planning::abc`.
//!
//! Every threshold is decided in integers (units, days), so a SKU exactly at
//! its reorder point or exactly at the lead time is never tipped over by a
//! rounding error; the decimals (demand per day, cover, turnover) are for
//! showing only.
//!
//! Definitions, with `d = units / window_days` (units shipped in the demand
//! window):
//! - **reorder point** `ceil(d × (lead_time_days + safety_days))`;
//! - **available** on hand − reserved; **position** available − the units
//!   backordered orders want of it and have not reserved (what is free once
//!   the waiting orders are served). Under `backorders = "whole"` a waiting
//!   order reserves none of its lines, also those whose SKU is in stock, so
//!   waiting units alone do not make a shortage; wanting more than is free does;
//! - **stockout**: nothing available while there is demand, or a negative
//!   position (backordered orders want more than is free);
//! - **reorder**: there is demand and the position is at or below the
//!   reorder point (the classic rule: order when stock falls *to* it);
//! - **cover** `available / d` days (none without demand); **cover < lead**
//!   when it is under `lead_time_days`: stock runs out before an order
//!   placed today arrives;
//! - **slow mover**: units on hand and no shipment in the last
//!   `slow_mover_days` days (the last one that many days ago or more), or
//!   never shipped;
//! - **suggested order** (stockout or reorder only): up to the reorder
//!   point plus the lead time's demand, `reorder_point + ceil(d ×
//!   lead_time_days) − position`, so after the lead time's sales the SKU is
//!   still at its reorder point; 0 otherwise;
//! - **turnover** the window's units annualised over what is on hand,
//!   `units × 365 / window_days / on_hand` (on hand stands in for the
//!   average inventory the textbook ratio uses); none with nothing on hand.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::Zone;

/// The `[inventory]` section of the config (all in days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryConfig {
    /// Days from placing a purchase order to the units on the shelf.
    pub lead_time_days: u32,
    /// Days of demand kept on top of the lead time against late deliveries and peaks.
    pub safety_days: u32,
    /// Days of shipped orders that average daily demand is taken over.
    pub demand_window_days: u32,
    /// A SKU with stock and no shipment in this many days is a slow mover.
    pub slow_mover_days: u32,
}

impl Default for InventoryConfig {
    /// The bundled defaults: 10 days lead time, 5 safety days (reorder at
    /// about 15 days of sales), demand over 28 days, slow after 90.
    fn default() -> Self {
        Self { lead_time_days: 10, safety_days: 5, demand_window_days: 28, slow_mover_days: 90 }
    }
}

impl InventoryConfig {
    /// What is wrong with the section, if anything, naming the key: each
    /// value must be 1 to 3650.
    pub fn check(&self) -> Result<(), String> {
        for (key, value) in [
            ("lead_time_days", self.lead_time_days),
            ("safety_days", self.safety_days),
            ("demand_window_days", self.demand_window_days),
            ("slow_mover_days", self.slow_mover_days),
        ] {
            if !(1..=3_650).contains(&value) {
                return Err(format!("inventory.{key} must be 1 to 3650, not {value}"));
            }
        }
        Ok(())
    }
}

/// What the rules need to know of one SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuInput {
    pub sku: String,
    pub title: String,
    /// Its ABC class (`planning::abc::classify`), carried through for the report.
    pub class: Zone,
    /// Units on hand over all its stock rows.
    pub on_hand: u64,
    /// Of those, units reserved for orders.
    pub reserved: u64,
    /// Units of it on backordered orders not reserved yet (the order may
    /// wait for another SKU).
    pub backordered: u64,
    /// Units shipped in the demand window.
    pub units: u64,
    /// The day of its last shipment, if it ever shipped.
    pub last_shipped: Option<NaiveDate>,
}

/// The flags of one SKU (see the module docs). Independent of each other,
/// any combination can be raised, so bools rather than a state.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    pub stockout: bool,
    pub reorder: bool,
    pub low_cover: bool,
    pub slow: bool,
}

impl Flags {
    /// The raised flags' names, in a fixed order: `stockout`, `reorder`,
    /// `cover<lead`, `slow`.
    #[must_use]
    pub fn names(self) -> Vec<&'static str> {
        [(self.stockout, "stockout"), (self.reorder, "reorder"), (self.low_cover, "cover<lead"), (self.slow, "slow")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect()
    }
}

/// One SKU's inventory health.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub input: SkuInput,
    /// On hand − reserved.
    pub available: u64,
    /// Available − backordered (negative when waiting orders want more than is free).
    pub position: i64,
    /// Units per day over the demand window.
    pub demand_per_day: f64,
    pub reorder_point: u64,
    /// `ceil(demand × lead_time_days)`: what sells while an order is on its way.
    pub lead_time_demand: u64,
    /// Days the available units last at the current demand; none without demand.
    pub cover_days: Option<f64>,
    /// Whole days since the last shipment (negative for a ship-by date ahead).
    pub days_since_shipped: Option<i64>,
    pub suggested_order: u64,
    /// Annualised: units shipped per year over units on hand; none with nothing on hand.
    pub turnover: Option<f64>,
    pub flags: Flags,
}

/// `ceil(a × b / c)` in integers (`c > 0`).
fn mul_div_ceil(a: u64, b: u64, c: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    u64::try_from(product.div_ceil(u128::from(c))).unwrap_or(u64::MAX)
}

/// The health of one SKU on `today` (see the module docs for each figure).
#[must_use]
pub fn assess(input: &SkuInput, config: &InventoryConfig, today: NaiveDate) -> Health {
    let window = u64::from(config.demand_window_days.max(1));
    let lead = u64::from(config.lead_time_days);
    let units = input.units;
    let available = input.on_hand.saturating_sub(input.reserved);
    let position = i64::try_from(available).unwrap_or(i64::MAX) - i64::try_from(input.backordered).unwrap_or(i64::MAX);
    let demand = units > 0;
    let reorder_point = mul_div_ceil(units, lead + u64::from(config.safety_days), window);
    let lead_time_demand = mul_div_ceil(units, lead, window);
    let days_since_shipped = input.last_shipped.map(|day| (today - day).num_days());

    let flags = Flags {
        stockout: (demand && available == 0) || position < 0,
        reorder: demand && position <= i64::try_from(reorder_point).unwrap_or(i64::MAX),
        // available / (units / window) < lead, without dividing.
        low_cover: demand && u128::from(available) * u128::from(window) < u128::from(lead) * u128::from(units),
        slow: input.on_hand > 0 && days_since_shipped.is_none_or(|days| days >= i64::from(config.slow_mover_days)),
    };
    let suggested_order = if flags.stockout || flags.reorder {
        let target = i128::from(reorder_point) + i128::from(lead_time_demand);
        u64::try_from((target - i128::from(position)).max(0)).unwrap_or(u64::MAX)
    } else {
        0
    };
    Health {
        input: input.clone(),
        available,
        position,
        demand_per_day: units as f64 / window as f64,
        reorder_point,
        lead_time_demand,
        cover_days: demand.then(|| available as f64 * window as f64 / units as f64),
        days_since_shipped,
        suggested_order,
        turnover: (input.on_hand > 0).then(|| units as f64 * 365.0 / window as f64 / input.on_hand as f64),
        flags,
    }
}

/// Most urgent first: stockouts (fastest sellers first), then SKUs at or
/// below their reorder point by days of cover (least first), then the rest;
/// ties, and the rest, by SKU code.
#[must_use]
pub fn urgency(a: &Health, b: &Health) -> Ordering {
    let group = |h: &Health| match (h.flags.stockout, h.flags.reorder) {
        (true, _) => 0,
        (false, true) => 1,
        (false, false) => 2,
    };
    let within = match group(a) {
        0 => b.input.units.cmp(&a.input.units),
        // Cover a < cover b: avail_a / units_a < avail_b / units_b (both have demand).
        1 => (u128::from(a.available) * u128::from(b.input.units))
            .cmp(&(u128::from(b.available) * u128::from(a.input.units))),
        _ => Ordering::Equal,
    };
    group(a).cmp(&group(b)).then(within).then_with(|| a.input.sku.cmp(&b.input.sku))
}

/// Every SKU's health, most urgent first ([`urgency`]).
#[must_use]
pub fn assess_all(inputs: &[SkuInput], config: &InventoryConfig, today: NaiveDate) -> Vec<Health> {
    let mut health: Vec<Health> = inputs.iter().map(|i| assess(i, config, today)).collect();
    health.sort_by(urgency);
    health
}

/// How many SKUs raise each flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlagCounts {
    pub stockout: u64,
    pub reorder: u64,
    pub low_cover: u64,
    pub slow: u64,
}

/// Counts the flags of `health`.
#[must_use]
pub fn count_flags(health: &[Health]) -> FlagCounts {
    let mut counts = FlagCounts::default();
    for f in health.iter().map(|h| h.flags) {
        counts.stockout += u64::from(f.stockout);
        counts.reorder += u64::from(f.reorder);
        counts.low_cover += u64::from(f.low_cover);
        counts.slow += u64::from(f.slow);
    }
    counts
}

#[cfg(test)]
mod tests;
