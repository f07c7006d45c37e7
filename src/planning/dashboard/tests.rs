// Paces and rates here are exact by construction (whole numbers over whole hours).
#![allow(clippy::float_cmp)]

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use super::*;
use crate::domain::dashboard::{HourFacts, SkuFacts};
use crate::domain::queue::StatusCounts;
use crate::domain::wave::{Lease, WaveSummary};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn kpis_by_hand() {
    let days = [
        DayFacts {
            day: day(20),
            shipped_orders: 3,
            shipped_units: 10,
            on_time_orders: 2,
            pick_lines: 40,
            short_lines: 1,
            pick_refusals: 2,
            returned_units: 1,
            cycle_minutes: vec![(30, 1), (60, 2)],
        },
        DayFacts {
            day: day(21),
            shipped_orders: 2,
            shipped_units: 15,
            on_time_orders: 1,
            pick_lines: 60,
            short_lines: 2,
            pick_refusals: 0,
            returned_units: 1,
            cycle_minutes: vec![(90, 1), (600, 1)],
        },
    ];
    let week = kpis(&days);
    // Cycle times 30, 60, 60, 90, 600: p50 is rank ceil(2.5) = 3 -> 60, p90 rank 5 -> 600.
    assert_eq!((week.cycle_p50_minutes, week.cycle_p90_minutes), (Some(60), Some(600)));
    assert_eq!(week.shipped_orders, 5);
    // 3 of 5 shipped by their ship-by.
    assert_eq!(week.on_time_rate, Some(0.6));
    // (1 + 2 shorts + 2 wrong scans) per 100 lines.
    assert_eq!(week.pick_errors_per_line, Some(0.05));
    assert_eq!(week.picking_accuracy, Some(0.95));
    // 2 units back of 25 shipped.
    assert_eq!(week.returns_rate, Some(0.08));
    assert_eq!(week.days, 2);

    let today = kpis(&days[1..]);
    // 90 and 600: p50 rank 1 -> 90, p90 rank ceil(1.8) = 2 -> 600.
    assert_eq!((today.cycle_p50_minutes, today.cycle_p90_minutes), (Some(90), Some(600)));
    assert_eq!(today.on_time_rate, Some(0.5));

    let empty = kpis(&[DayFacts { day: day(21), ..DayFacts::default() }]);
    assert_eq!(
        (empty.cycle_p50_minutes, empty.on_time_rate, empty.picking_accuracy, empty.returns_rate),
        (None, None, None, None)
    );
}

#[test]
fn operator_paces_and_error_rate() {
    let row = operator_row(&OperatorFacts {
        badge: "EMP-0002".into(),
        active_hours: 3,
        pick_lines: 45,
        picked_units: 120,
        packed_units: 90,
        refused_scans: 5,
        ..OperatorFacts::default()
    });
    assert_eq!(row.picks_per_hour, 40.0);
    assert_eq!(row.packs_per_hour, 30.0);
    // 5 refused of 5 + 45 + 90 scans.
    assert_eq!(row.scan_error_rate, Some(5.0 / 140.0));
    assert_eq!(operator_row(&OperatorFacts::default()).scan_error_rate, None);
}

fn sku(code: &str, on_hand: u64, reserved: u64, window_units: u64) -> SkuFacts {
    SkuFacts { sku: code.into(), title: format!("Item {code}"), on_hand, reserved, window_units, ..SkuFacts::default() }
}

fn facts() -> Facts {
    Facts { now: at(12, 0), ..Facts::default() }
}

#[test]
fn inventory_alerts_by_hand() {
    // Lead 10 days, safety 5, window 28.
    let config = InventoryConfig::default();
    let mut f = facts();
    f.skus = vec![
        // 1 unit a day: reorder point 15, 8 available cover 8 days < 10: low cover; order 15 + 10 - 8 = 17.
        sku("SKU-A", 20, 12, 28),
        // Nothing on hand, 14 in the window: stockout; order ceil(7.5) = 8 + 5 = 13.
        sku("SKU-B", 0, 0, 14),
        // 14 available, reorder point 15: reorder, cover 14 days is above the lead time; order 15 + 10 - 14 = 11.
        sku("SKU-C", 14, 0, 28),
        // Plenty.
        sku("SKU-D", 100, 0, 28),
        // No demand: never an alert, even empty.
        sku("SKU-E", 0, 0, 0),
    ];
    let alerts = alerts(&f, &config, &DashboardConfig::default());
    let got: Vec<(AlertKind, Severity, &str)> = alerts
        .iter()
        .map(|a| {
            let AlertTarget::Sku(code) = &a.target else { panic!("{a:?}") };
            (a.kind, a.severity, code.as_str())
        })
        .collect();
    assert_eq!(
        got,
        [
            (AlertKind::Stockout, Severity::Critical, "SKU-B"),
            (AlertKind::LowCover, Severity::Warning, "SKU-A"),
            (AlertKind::BelowReorder, Severity::Notice, "SKU-C"),
        ]
    );
    assert!(alerts[0].message.ends_with("order 13"), "{}", alerts[0].message);
    assert!(
        alerts[1].message.contains("cover 8.0 days") && alerts[1].message.ends_with("order 17"),
        "{}",
        alerts[1].message
    );
    assert!(alerts[2].message.contains("reorder point 15; order 11"), "{}", alerts[2].message);
}

#[test]
fn return_spikes_against_the_floor_rate() {
    let mut f = facts();
    let returns = |code: &str, shipped, returned| SkuFacts {
        sku: code.into(),
        recent_shipped: shipped,
        recent_returned: returned,
        ..SkuFacts::default()
    };
    // Floor: 10 of 200 back = 5%; twice that is 10%.
    f.skus = vec![returns("SKU-E", 20, 4), returns("SKU-F", 100, 5), returns("SKU-G", 10, 1), returns("SKU-H", 70, 0)];
    let alerts = alerts(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!((alerts[0].kind, &alerts[0].target), (AlertKind::ReturnSpike, &AlertTarget::Sku("SKU-E".into())));
    assert!(
        alerts[0].message.contains("4 of 20 shipped came back in 14 days (20.0%; floor 5.0%)"),
        "{}",
        alerts[0].message
    );

    // At the minimum of three units, one below the factor is not a spike.
    f.skus = vec![returns("SKU-E", 30, 3), returns("SKU-F", 70, 2)];
    // Floor 5%; SKU-E 10% is exactly twice: a spike.
    let alerts = super::alerts(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(alerts.len(), 1);
    let strict = DashboardConfig { return_spike_factor: 2.5, ..DashboardConfig::default() };
    assert!(super::alerts(&f, &InventoryConfig::default(), &strict).is_empty());
}

fn wave(number: i64, units: u32, done: u32, lease: Option<Lease>) -> WaveSummary {
    WaveSummary {
        number: WaveNumber(number),
        status: if lease.is_some() { WaveStatus::Picking } else { WaveStatus::Released },
        created_at: at(8, 0),
        created_by: "EMP-0001".into(),
        orders: 10,
        lines: 20,
        units,
        done_units: done,
        route_m: 0.0,
        baseline_m: 0.0,
        lease,
    }
}

fn lease(operator: &str, until: DateTime<Utc>) -> Lease {
    Lease { station: "HANDHELD-1".into(), operator: operator.into(), since: at(10, 0), until }
}

#[test]
fn stored_shorts_and_leases_become_alerts_that_jump() {
    let mut f = facts();
    f.alerts = vec![
        OpenAlert {
            id: 1,
            kind: "delivery_delay".into(),
            subject: "order:4923".into(),
            message: "ORD-004923 package 1Z is late".into(),
            raised_at: at(9, 0),
        },
        OpenAlert {
            id: 2,
            kind: "sync_failed".into(),
            subject: "outbox:7".into(),
            message: "shop: 500".into(),
            raised_at: at(11, 0),
        },
        OpenAlert {
            id: 3,
            kind: "channel_cancelled".into(),
            subject: "order:17".into(),
            message: "ORD-000017 cancelled\u{1b}[31m".into(),
            raised_at: at(10, 0),
        },
        OpenAlert {
            id: 4,
            kind: "token_rejected".into(),
            subject: "channel:shop".into(),
            message: "401".into(),
            raised_at: at(8, 0),
        },
    ];
    f.counts = StatusCounts([(OrderStatus::Short, 4)].into_iter().collect());
    f.shorts = vec![OrderNumber(5), OrderNumber(9), OrderNumber(12), OrderNumber(30)];
    f.waves =
        vec![wave(3, 100, 40, Some(lease("EMP-0002", at(11, 58)))), wave(4, 50, 0, Some(lease("EMP-0003", at(12, 1))))];
    let alerts = alerts(&f, &InventoryConfig::default(), &DashboardConfig::default());
    let got: Vec<(AlertKind, Severity, AlertTarget)> =
        alerts.iter().map(|a| (a.kind, a.severity, a.target.clone())).collect();
    assert_eq!(
        got,
        [
            // Critical, newest first.
            (AlertKind::ChannelCancelled, Severity::Critical, AlertTarget::Order(OrderNumber(17))),
            (AlertKind::SyncFailure, Severity::Critical, AlertTarget::Sync),
            // Warnings, newest first; the short picks have no time and come last.
            (AlertKind::ExpiredLease, Severity::Warning, AlertTarget::Wave(WaveNumber(3))),
            (AlertKind::SyncFailure, Severity::Warning, AlertTarget::Sync),
            (AlertKind::DeliveryDelay, Severity::Warning, AlertTarget::Order(OrderNumber(4923))),
            (AlertKind::ShortPick, Severity::Warning, AlertTarget::Status(OrderStatus::Short)),
        ]
    );
    assert!(!alerts[0].message.contains('\u{1b}'), "sanitised: {:?}", alerts[0].message);
    assert_eq!(
        alerts[5].message,
        "4 orders wait for a decision on a short pick (ORD-000005, ORD-000009, ORD-000012, …)"
    );
    assert!(
        alerts[2].message.starts_with("WAVE-000003: HANDHELD-1's lease ran out (EMP-0002); 40% picked"),
        "{}",
        alerts[2].message
    );
}

#[test]
fn waves_finish_at_the_pickers_pace_else_the_floors() {
    let mut f = facts();
    f.operators = vec![
        // 60 units an hour.
        OperatorFacts { badge: "EMP-0002".into(), active_hours: 2, picked_units: 120, ..OperatorFacts::default() },
        // 20 units an hour; the floor: 140 units in 3 hours.
        OperatorFacts { badge: "EMP-0006".into(), active_hours: 1, picked_units: 20, ..OperatorFacts::default() },
    ];
    f.waves = vec![wave(3, 100, 40, Some(lease("EMP-0002", at(12, 2)))), wave(4, 70, 0, None), {
        let mut picked = wave(5, 10, 10, None);
        picked.status = WaveStatus::Picked;
        picked
    }];
    let d = build(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(d.waves.len(), 2, "picked waves are not on the floor");
    // 60 units left at 60 an hour.
    assert_eq!(d.waves[0].finish, Some(at(13, 0)));
    assert!((d.waves[0].done - 0.4).abs() < 1e-9);
    assert!(!d.waves[0].lease_expired);
    // 70 units at the floor's 140 / 3 an hour: 1.5 hours.
    assert_eq!(d.waves[1].finish, Some(at(13, 30)));

    f.operators.clear();
    let d = build(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(d.waves[1].finish, None, "no pace known yet");
}

#[test]
fn tiles_from_counts_and_hours() {
    let mut f = facts();
    f.counts = StatusCounts(
        [
            (OrderStatus::Ready, 12),
            (OrderStatus::Packed, 4),
            (OrderStatus::Delivered, 900),
            (OrderStatus::Cancelled, 3),
        ]
        .into_iter()
        .collect(),
    );
    f.late = 2;
    // 06:00 to 12:00; picks from 09:00 (none before), now 12:00.
    f.hours = (6..=12)
        .map(|h| HourFacts { start: at(h, 0), picked_units: if h >= 9 { 30 } else { 0 }, ..HourFacts::default() })
        .collect();
    f.days = vec![DayFacts { day: day(21), shipped_orders: 7, shipped_units: 19, ..DayFacts::default() }];
    let config = DashboardConfig { hours: 4, ..DashboardConfig::default() };
    let d = build(&f, &InventoryConfig::default(), &config);
    assert_eq!(d.open, [(OrderStatus::Ready, 12), (OrderStatus::Packed, 4)]);
    assert_eq!((d.open_total, d.late), (16, 2));
    assert_eq!((d.shipped_today_orders, d.shipped_today_units), (7, 19));
    // The last full hour is 11:00.
    assert_eq!(d.units_last_hour, 30);
    // 120 units from 09:00 to 12:00.
    assert_eq!(d.units_per_hour_today, 40.0);
    assert_eq!(d.hours.first().map(|h| h.start), Some(at(9, 0)), "the chart keeps the last 4 hours");
}

#[test]
fn cutoffs_per_carrier_roll_to_tomorrow() {
    let config = DashboardConfig {
        cutoffs: [("DHL Express".to_owned(), NaiveTime::from_hms_opt(16, 0, 0).unwrap())].into_iter().collect(),
        ..DashboardConfig::default()
    };
    let default = NaiveTime::from_hms_opt(14, 0, 0).unwrap();
    let next = |carrier: &str, now| config.request(now, default, &InventoryConfig::default()).next_cutoff(carrier);
    assert_eq!(next("DHL Express", at(15, 0)), at(16, 0));
    assert_eq!(next("DHL Paket", at(13, 59)), at(14, 0));
    assert_eq!(next("DHL Paket", at(14, 0)), Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap());
    assert_eq!(config.request(at(1, 0), default, &InventoryConfig::default()).first_day(7), day(15));
    assert!(DashboardConfig { kpi_days: 0, ..DashboardConfig::default() }.check().is_err());
    assert!(DashboardConfig { return_spike_factor: 0.5, ..DashboardConfig::default() }.check().is_err());
    assert!(DashboardConfig::default().check().is_ok());
}

#[test]
fn the_most_urgent_skus_are_listed_and_the_rest_is_one_line() {
    let mut f = facts();
    // SKU-00 to SKU-52 out of stock with falling demand (the most urgent sells most), then a healthy one.
    f.skus = (0..53).map(|i| sku(&format!("SKU-{i:02}"), 0, 0, 100 - i)).collect();
    f.skus.push(sku("SKU-OK", 1_000, 0, 28));
    let alerts = alerts(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(alerts.len(), SKU_ALERTS + 1);
    assert!(alerts[..SKU_ALERTS].iter().all(|a| a.kind == AlertKind::Stockout));
    assert_eq!(alerts[0].target, AlertTarget::Sku("SKU-00".into()), "the best seller first");
    let last = alerts.last().unwrap();
    assert_eq!(
        (last.kind, last.severity, last.target.clone()),
        (AlertKind::BelowReorder, Severity::Notice, AlertTarget::Status(OrderStatus::Backordered))
    );
    assert!(last.message.starts_with("3 more SKUs at or below the reorder point"), "{}", last.message);
}

#[test]
fn a_reorder_alert_names_the_backorders_it_weighs() {
    let mut f = facts();
    // 28 a window: reorder point 15; 20 available less 6 backordered is 14.
    f.skus = vec![SkuFacts { backordered: 6, ..sku("SKU-R", 20, 0, 28) }];
    let alerts = alerts(&f, &InventoryConfig::default(), &DashboardConfig::default());
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, AlertKind::BelowReorder);
    // Order 15 + 10 - 14 = 11.
    assert_eq!(alerts[0].message, "SKU-R Item SKU-R: 20 available less 6 backordered, reorder point 15; order 11");
}
