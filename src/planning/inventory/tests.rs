//! Each rule with hand-computed values (defaults: lead 10, safety 5, window
//! 28, slow after 90 days), and the edges: no demand, nothing on hand,
//! exactly at the reorder point and at the lead time, backorders, the slow
//! mover's boundary day, the order of the report.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

fn day(days_ago: i64) -> NaiveDate {
    today() - chrono::Duration::days(days_ago)
}

/// `units` shipped in the window, `on_hand` units of which none reserved,
/// last shipped yesterday.
fn sku(code: &str, units: u64, on_hand: u64) -> SkuInput {
    SkuInput {
        sku: code.into(),
        title: format!("Item {code}"),
        class: Zone::B,
        on_hand,
        reserved: 0,
        backordered: 0,
        units,
        last_shipped: Some(day(1)),
    }
}

fn health(input: &SkuInput) -> Health {
    assess(input, &InventoryConfig::default(), today())
}

#[test]
fn a_healthy_sku() {
    // 56 units in 28 days: 2 a day; reorder at ceil(2 x 15) = 30.
    let h = health(&SkuInput { reserved: 5, ..sku("MUG", 56, 50) });
    assert_eq!((h.available, h.position), (45, 45));
    assert!((h.demand_per_day - 2.0).abs() < 1e-12);
    assert_eq!((h.reorder_point, h.lead_time_demand), (30, 20));
    assert!((h.cover_days.unwrap() - 22.5).abs() < 1e-12, "45 / 2");
    // 56 x 365 / 28 / 50 = 14.6 turns a year.
    assert!((h.turnover.unwrap() - 14.6).abs() < 1e-12);
    assert_eq!(h.days_since_shipped, Some(1));
    assert_eq!((h.flags, h.suggested_order), (Flags::default(), 0));
}

#[test]
fn exactly_at_the_reorder_point_reorders_one_above_does_not() {
    let at = health(&sku("MUG", 56, 30));
    assert_eq!(at.flags.names(), ["reorder"], "cover 15 is above the lead time");
    // Up to 30 + 20, from 30.
    assert_eq!(at.suggested_order, 20);
    let above = health(&sku("MUG", 56, 31));
    assert_eq!((above.flags, above.suggested_order), (Flags::default(), 0));
}

#[test]
fn fractional_demand_rounds_up_in_integers() {
    // 7 units in 28 days: 0.25 a day; ROP ceil(3.75) = 4, lead demand ceil(2.5) = 3.
    let h = health(&sku("TEA", 7, 2));
    assert!((h.demand_per_day - 0.25).abs() < 1e-12);
    assert_eq!((h.reorder_point, h.lead_time_demand), (4, 3));
    assert!((h.cover_days.unwrap() - 8.0).abs() < 1e-12);
    assert_eq!(h.flags.names(), ["reorder", "cover<lead"]);
    assert_eq!(h.suggested_order, 4 + 3 - 2);
    assert!((h.turnover.unwrap() - 45.625).abs() < 1e-12, "7 x 365 / 28 / 2");
    // 0.3 x 30 is 9.000000000000002 in floating point; the rule says 9.
    let config = InventoryConfig { lead_time_days: 10, safety_days: 20, demand_window_days: 10, slow_mover_days: 90 };
    let h = assess(&sku("TEA", 3, 100), &config, today());
    assert_eq!((h.reorder_point, h.lead_time_demand), (9, 3));
}

#[test]
fn cover_exactly_at_the_lead_time_is_enough() {
    // One a day: 10 units last exactly the 10 days of lead time.
    let mut input = sku("CUP", 28, 100);
    input.reserved = 90;
    let h = health(&input);
    assert!((h.cover_days.unwrap() - 10.0).abs() < 1e-12);
    assert!(!h.flags.low_cover);
    input.reserved = 91;
    assert!(health(&input).flags.low_cover, "9 days < 10");
}

#[test]
fn no_demand() {
    // Stock, nothing shipped in the window, the last shipment 100 days ago.
    let h = health(&SkuInput { last_shipped: Some(day(100)), ..sku("OLD", 0, 5) });
    assert_eq!((h.reorder_point, h.lead_time_demand, h.cover_days), (0, 0, None));
    assert!(h.demand_per_day.abs() < f64::EPSILON);
    assert_eq!(h.turnover, Some(0.0));
    assert_eq!(h.flags.names(), ["slow"]);
    assert_eq!(h.suggested_order, 0);
    // Nothing on hand and no demand: nothing to say, not even a stockout.
    let h = health(&SkuInput { last_shipped: None, ..sku("DEAD", 0, 0) });
    assert_eq!((h.flags, h.turnover, h.cover_days, h.suggested_order), (Flags::default(), None, None, 0));
}

#[test]
fn zero_stock_with_demand_is_a_stockout() {
    // 14 in 28 days: 0.5 a day; ROP ceil(7.5) = 8, lead demand 5.
    let h = health(&sku("MUG", 14, 0));
    assert_eq!(h.flags.names(), ["stockout", "reorder", "cover<lead"]);
    assert_eq!((h.reorder_point, h.lead_time_demand, h.suggested_order), (8, 5, 13));
    assert_eq!((h.cover_days, h.turnover), (Some(0.0), None));
    // Everything on hand promised to orders is a stockout too, with turnover over what is on hand.
    let h = health(&SkuInput { reserved: 10, ..sku("MUG", 14, 10) });
    assert!(h.flags.stockout);
    assert_eq!((h.available, h.suggested_order), (0, 13));
    assert!((h.turnover.unwrap() - 18.25).abs() < 1e-12, "14 x 365 / 28 / 10");
}

#[test]
fn backorders_are_stockouts_and_ordered_for() {
    // All 4 promised, 6 more wanted by backordered orders: position -6.
    let h = health(&SkuInput { reserved: 4, backordered: 6, ..sku("MUG", 14, 4) });
    assert_eq!((h.available, h.position), (0, -6));
    assert_eq!(h.suggested_order, 8 + 5 + 6);
    // A SKU nobody bought in the window, but a new order waits for 5 of it with 3 free.
    let h = health(&SkuInput { backordered: 5, last_shipped: None, ..sku("NEW", 0, 3) });
    assert_eq!(h.flags.names(), ["stockout", "slow"], "never shipped, with stock");
    assert_eq!((h.position, h.suggested_order), (-2, 2));
    // Waiting orders that want less than is free wait for other SKUs: no stockout here.
    let h = health(&SkuInput { backordered: 5, ..sku("MUG", 56, 100) });
    assert_eq!((h.position, h.flags, h.suggested_order), (95, Flags::default(), 0));
    let h = health(&SkuInput { backordered: 5, ..sku("MUG", 56, 5) });
    assert_eq!((h.position, h.flags.names()), (0, vec!["reorder", "cover<lead"]), "just enough for them");
    assert_eq!(h.suggested_order, 30 + 20);
}

#[test]
fn slow_movers_from_the_ninetieth_day() {
    let at = |days| health(&SkuInput { last_shipped: Some(day(days)), ..sku("X", 0, 1) }).flags.slow;
    assert!(!at(89));
    assert!(at(90), "no shipment in the last 90 days");
    assert!(health(&SkuInput { last_shipped: None, ..sku("X", 0, 1) }).flags.slow, "never shipped");
    assert!(!health(&SkuInput { last_shipped: None, ..sku("X", 0, 0) }).flags.slow, "nothing on hand");
    // A ship-by ahead of today (shipped early) is recent.
    assert!(!health(&SkuInput { last_shipped: Some(day(-2)), ..sku("X", 0, 1) }).flags.slow);
}

#[test]
fn most_urgent_first() {
    let inputs = [
        sku("A-FINE", 56, 500),
        sku("B-OUT-SLOWER", 14, 0),
        sku("C-REORDER-12D", 28, 12),
        sku("D-OUT-FASTER", 56, 0),
        sku("E-REORDER-4D", 28, 4),
        sku("F-IDLE", 0, 9),
        SkuInput { backordered: 1, ..sku("G-BACKORDER", 0, 0) },
    ];
    let order: Vec<String> =
        assess_all(&inputs, &InventoryConfig::default(), today()).into_iter().map(|h| h.input.sku).collect();
    assert_eq!(
        order,
        ["D-OUT-FASTER", "B-OUT-SLOWER", "G-BACKORDER", "E-REORDER-4D", "C-REORDER-12D", "A-FINE", "F-IDLE"]
    );
    let counts = count_flags(&assess_all(&inputs, &InventoryConfig::default(), today()));
    assert_eq!(counts, FlagCounts { stockout: 3, reorder: 4, low_cover: 3, slow: 0 });
}

#[test]
fn the_section_is_checked_key_by_key() {
    assert_eq!(InventoryConfig::default().check(), Ok(()));
    let bad = InventoryConfig { safety_days: 0, ..InventoryConfig::default() };
    assert_eq!(bad.check().unwrap_err(), "inventory.safety_days must be 1 to 3650, not 0");
    let bad = InventoryConfig { demand_window_days: 3_651, ..InventoryConfig::default() };
    assert_eq!(bad.check().unwrap_err(), "inventory.demand_window_days must be 1 to 3650, not 3651");
    let edge = InventoryConfig { lead_time_days: 3_650, safety_days: 1, demand_window_days: 1, slow_mover_days: 1 };
    assert_eq!(edge.check(), Ok(()));
}
