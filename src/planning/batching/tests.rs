use chrono::{DateTime, NaiveTime, Utc};

use super::*;
use crate::domain::OrderNumber;

fn rules(max_orders: usize) -> WaveRules {
    WaveRules {
        min_orders: 1,
        max_orders,
        totes_per_cart: 20,
        units_per_tote: 10,
        pool: 100,
        cutoff: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
        lease_seconds: 120,
    }
}

fn at(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_683_200 + hour * 3_600, 0).unwrap() // 2025-11-21 00:00 UTC + hours
}

fn candidate(id: i64, priority: i64, ship_by: DateTime<Utc>, units: u32, bins: &[&str]) -> WaveCandidate {
    WaveCandidate {
        number: OrderNumber(id),
        priority,
        ship_by,
        carrier_service: String::new(),
        units,
        lines: u32::try_from(bins.len()).unwrap(),
        bins: bins.iter().map(|b| b.parse().unwrap()).collect(),
    }
}

#[test]
fn orders_due_before_the_cutoff_come_first_then_priority() {
    let mut candidates = vec![
        candidate(1, 1, at(40), 1, &["01-001-A"]),
        candidate(2, 5, at(13), 1, &["01-001-A"]),
        candidate(3, 5, at(12), 1, &["01-001-A"]),
        candidate(4, 3, at(30), 1, &["01-001-A"]),
    ];
    by_urgency(&mut candidates, &rules(20), at(9));
    let order: Vec<i64> = candidates.iter().map(|c| c.number.0).collect();
    assert_eq!(order, [3, 2, 1, 4], "due before today's 14:00 cut-off first, then priority");
    // After today's cut-off, tomorrow's (hour 38) counts: 4 is due before it too.
    by_urgency(&mut candidates, &rules(20), at(15));
    let order: Vec<i64> = candidates.iter().map(|c| c.number.0).collect();
    assert_eq!(order, [4, 3, 2, 1]);
}

#[test]
fn a_wave_starts_with_the_most_urgent_and_adds_the_nearest_orders() {
    let layout = crate::domain::Layout::demo();
    let candidates = vec![
        candidate(1, 1, at(10), 2, &["03-002-A"]),
        candidate(2, 2, at(10), 2, &["12-024-D"]),
        candidate(3, 3, at(10), 2, &["03-003-B"]),
        candidate(4, 4, at(10), 50, &["03-002-C"]),
        candidate(5, 5, at(10), 2, &["04-002-A"]),
    ];
    let Planned::Wave(plan) = plan_wave(&layout, &candidates, &rules(3)) else { panic!("a wave") };
    assert_eq!(
        plan.orders,
        [OrderNumber(1), OrderNumber(3), OrderNumber(5)],
        "the far order waits; the big one never fits"
    );
    assert_eq!((plan.lines, plan.units), (3, 6));
    assert!(plan.route_m > 0.0 && plan.route_m <= plan.baseline_m + 1e-9, "{plan:?}");
    assert_eq!(plan.walk.len(), 3);
}

#[test]
fn nothing_to_plan_says_why() {
    let layout = crate::domain::Layout::demo();
    assert_eq!(plan_wave(&layout, &[], &rules(3)), Planned::Nothing { too_big: 0 });
    let big = [candidate(1, 1, at(10), 11, &["01-001-A"])];
    assert_eq!(plan_wave(&layout, &big, &rules(3)), Planned::Nothing { too_big: 1 });
}

#[test]
fn planning_everything_takes_each_fitting_order_once_and_beats_first_come() {
    let layout = crate::domain::Layout::demo();
    let bins: Vec<String> = layout.bins().step_by(7).map(|b| b.to_string()).collect();
    let candidates: Vec<WaveCandidate> = (0..200)
        .map(|i| {
            let a = &bins[(i * 37) % bins.len()];
            let b = &bins[(i * 91 + 5) % bins.len()];
            candidate(i as i64 + 1, 5, at(10), 2, &[a.as_str(), b.as_str()])
        })
        .collect();
    let waves = plan_all(&layout, &candidates, &rules(20));
    let mut seen: Vec<i64> = waves.iter().flat_map(|w| w.orders.iter().map(|o| o.0)).collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=200).collect::<Vec<_>>());
    assert!(waves.iter().all(|w| w.orders.len() <= 20));
    let planned: f64 = waves.iter().map(|w| w.route_m).sum();
    let first_come = first_come_travel(&layout, &candidates, &rules(20));
    assert!(planned < first_come, "planned {planned:.1} m, first-come S-shape {first_come:.1} m");
}

#[test]
fn rules_are_checked() {
    assert!(rules(20).check().is_ok());
    let mut bad = rules(20);
    bad.min_orders = 0;
    assert!(bad.check().unwrap_err().contains("min_orders"));
    let mut bad = rules(20);
    bad.totes_per_cart = 10;
    assert!(bad.check().unwrap_err().contains("totes_per_cart"));
}
