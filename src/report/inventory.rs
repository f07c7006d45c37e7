//! `packline report inventory`: inventory health (`planning::inventory`,
//! `[inventory]`) of every SKU with stock, demand or backorders, most urgent
//! first: stockouts, then SKUs at or below their reorder point by days of
//! cover, then the rest by code. Each row carries its ABC class (ranked as
//! `packline report slotting` ranks, over `[abc] window_days`) and, when its
//! stock sits outside its class's zone, that report's first suggested move.
//!
//! Decimals (demand per day, cover, turnover) are text with fixed places in
//! every format (JSON strings such as `"0.25"`): the report's values are
//! text or counts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Column, Report, Value};
use crate::domain::{Layout, Zone};
use crate::planning::abc::{self, Placement, Suggestion};
use crate::planning::inventory::{Health, InventoryConfig, SkuInput, assess_all, count_flags};
use crate::store::{self, Store};
use crate::widgets::format::count;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 15] = [
    Column::left("sku", "SKU"),
    Column::left("title", "TITLE"),
    Column::left("class", "CLASS"),
    Column::right("on_hand", "ON HAND"),
    Column::right("reserved", "RESERVED"),
    Column::right("available", "AVAIL"),
    Column::right("backordered", "BACKORD"),
    Column::right("demand_per_day", "PER DAY"),
    Column::right("reorder_point", "REORDER AT"),
    Column::right("cover_days", "COVER D"),
    Column::right("suggested_order", "ORDER"),
    Column::right("turnover", "TURNS/Y"),
    Column::left("last_shipped", "LAST SHIPPED"),
    Column::left("flags", "FLAGS"),
    Column::left("slotting", "SLOTTING"),
];

/// The report at `now`: demand over `config.demand_window_days` before
/// `now`, classes over the `abc_window_days` before it (with `layout`'s
/// distances for the slotting moves).
pub fn build(
    store: &Store,
    layout: &Layout,
    abc_window_days: u32,
    config: &InventoryConfig,
    now: DateTime<Utc>,
) -> store::Result<Report> {
    let today = now.date_naive();
    let since = today - Duration::days(i64::from(config.demand_window_days.max(1)) - 1);
    let rows = store.sku_health(today, config.demand_window_days, config.demand_window_days)?;

    let slot = store.slotting_inputs(now - Duration::days(i64::from(abc_window_days)))?;
    let classes = abc::classify(&slot.units);
    let placements: Vec<Placement> =
        slot.placements.into_iter().map(|p| Placement { sku: p.sku, bin: p.bin, on_hand: p.on_hand }).collect();
    let moves = abc::slotting(&classes, &placements, &slot.free_bins, layout);
    let class_of: HashMap<&str, Zone> = classes.iter().map(|c| (c.sku.as_str(), c.class)).collect();
    let mut moves_of: HashMap<&str, Vec<&Suggestion>> = HashMap::new();
    for s in &moves {
        moves_of.entry(s.sku.as_str()).or_default().push(s);
    }

    let inputs = sku_inputs(rows, |sku| class_of.get(sku).copied());
    let health = assess_all(&inputs, config, now.date_naive());
    let flags = count_flags(&health);
    let misplaced = moves_of.len() as u64;

    let plural = |n: u64, one: &str, many: &str| format!("{} {}", count(n), if n == 1 { one } else { many });
    let summary = format!(
        "Inventory health: {}, {} at or below the reorder point, {} with cover under the {}-day lead time, \
         {} ({} SKUs with stock, demand or backorders). \
         Demand over the {} days from {} (UTC days, today included); reorder point = demand x ({} lead + {} safety days); \
         slow: no shipment in {} days. {} outside their class's zone: see `packline report slotting`.",
        plural(flags.stockout, "stockout", "stockouts"),
        count(flags.reorder),
        count(flags.low_cover),
        config.lead_time_days,
        plural(flags.slow, "slow mover", "slow movers"),
        count(health.len() as u64),
        config.demand_window_days,
        since.format("%Y-%m-%d"),
        config.lead_time_days,
        config.safety_days,
        config.slow_mover_days,
        plural(misplaced, "SKU has stock", "SKUs have stock"),
    );
    let days = |n: u32| Value::Count(u64::from(n));
    Ok(Report {
        name: "inventory",
        facts: vec![
            ("since", Value::Text(since.to_string())),
            ("demand_window_days", days(config.demand_window_days)),
            ("lead_time_days", days(config.lead_time_days)),
            ("safety_days", days(config.safety_days)),
            ("slow_mover_days", days(config.slow_mover_days)),
            ("abc_window_days", days(abc_window_days)),
            ("skus", Value::Count(health.len() as u64)),
            ("stockouts", Value::Count(flags.stockout)),
            ("below_reorder_point", Value::Count(flags.reorder)),
            ("cover_below_lead_time", Value::Count(flags.low_cover)),
            ("slow_movers", Value::Count(flags.slow)),
            ("skus_to_reslot", Value::Count(misplaced)),
        ],
        summary,
        empty: "No SKU has stock, demand or backorders.".to_owned(),
        columns: COLUMNS.to_vec(),
        rows: health.iter().map(|h| row(h, moves_of.get(h.input.sku.as_str()).map_or(&[], Vec::as_slice))).collect(),
    })
}

/// The inventory planner's inputs: every SKU with stock, demand or
/// backorders, with its class (`C` when `class_of` has none).
pub(super) fn sku_inputs(
    rows: Vec<crate::domain::dashboard::SkuFacts>,
    class_of: impl Fn(&str) -> Option<Zone>,
) -> Vec<SkuInput> {
    rows.into_iter()
        .filter(|r| r.on_hand > 0 || r.window_units > 0 || r.backordered > 0)
        .map(|r| SkuInput {
            class: class_of(&r.sku).unwrap_or(Zone::C),
            sku: r.sku,
            title: r.title,
            on_hand: r.on_hand,
            reserved: r.reserved,
            backordered: r.backordered,
            units: r.window_units,
            last_shipped: r.last_shipped,
        })
        .collect()
}

/// One SKU's row; `moves` are its slotting suggestions, most urgent first.
fn row(h: &Health, moves: &[&Suggestion]) -> Vec<Value> {
    let i = &h.input;
    let decimal = |x: Option<f64>, places: usize| Value::text_or_null(x.map(|x| format!("{x:.places$}")));
    let names = h.flags.names();
    vec![
        Value::Text(i.sku.clone()),
        Value::Text(i.title.clone()),
        Value::Text(i.class.as_str().to_owned()),
        Value::Count(i.on_hand),
        Value::Count(i.reserved),
        Value::Count(h.available),
        Value::Count(i.backordered),
        decimal(Some(h.demand_per_day), 2),
        Value::Count(h.reorder_point),
        decimal(h.cover_days, 1),
        Value::Count(h.suggested_order),
        decimal(h.turnover, 1),
        Value::text_or_null(i.last_shipped.map(|d| d.format("%Y-%m-%d"))),
        if names.is_empty() { Value::Null } else { Value::Text(names.join(" ")) },
        Value::text_or_null(slotting_note(moves)),
    ]
}

/// The first move in words (`03-002-C -> 01-001-A`, or why there is none),
/// with how many more the slotting report lists.
fn slotting_note(moves: &[&Suggestion]) -> Option<String> {
    let first = moves.first()?;
    let text = match first.suggested_bin() {
        Some(to) => format!("{} -> {to}", first.bin.code),
        None => format!("{}: {}", first.bin.code, first.note()),
    };
    Some(if moves.len() > 1 { format!("{text} (+{} more)", moves.len() - 1) } else { text })
}
