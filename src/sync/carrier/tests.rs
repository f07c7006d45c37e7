//! The demo carrier: the same story on every poll, time moving forward,
//! every story ending, late and failed deliveries in their stated shares.

use chrono::{TimeZone as _, Timelike as _};

use super::*;
use crate::domain::OrderNumber;

fn packed() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, 30, 0).unwrap()
}

fn tracking(i: u32) -> String {
    format!("1Z999AA1{i:010}")
}

const REAL: DemoCarrier = DemoCarrier { seconds_per_day: 86_400 };

fn package(tracking: &str, service: &str) -> TrackedPackage {
    TrackedPackage {
        tracking: tracking.into(),
        order: OrderNumber(1),
        carrier: "DHL".into(),
        service: service.into(),
        packed_at: packed(),
        status: None,
        events_seen: 0,
    }
}

#[test]
fn a_timeline_follows_from_the_tracking_number_alone() {
    let a = REAL.timeline(&tracking(7), "DHL Paket", packed());
    assert_eq!(a, REAL.timeline(&tracking(7), "DHL Paket", packed()));
    let different = (0..20).filter(|i| REAL.timeline(&tracking(*i), "DHL Paket", packed()) != a).count();
    assert!(different >= 19, "only {different} of 20 tracking numbers differ");
}

#[test]
fn every_timeline_moves_forward_and_ends_delivered_or_in_an_exception() {
    for carrier in [REAL, DemoCarrier { seconds_per_day: 120 }] {
        for i in 0..2_000 {
            for service in ["DHL Express", "DHL Paket", "DHL Warenpost"] {
                let events = carrier.timeline(&tracking(i), service, packed());
                assert!(events.len() >= 3, "{events:?}");
                assert!(events[0].at > packed());
                for pair in events.windows(2) {
                    // Whole seconds: strictly later in real time, never earlier when compressed.
                    if carrier == REAL {
                        assert!(pair[0].at < pair[1].at, "{events:#?}");
                    } else {
                        assert!(pair[0].at <= pair[1].at, "{events:#?}");
                    }
                }
                let last = events.last().unwrap();
                assert!(matches!(last.status, TrackingStatus::Delivered | TrackingStatus::Exception), "{events:#?}");
                let delivered = events.iter().filter(|e| e.status == TrackingStatus::Delivered).count();
                assert_eq!(delivered, usize::from(last.status == TrackingStatus::Delivered));
                assert_eq!(events[0].status, TrackingStatus::InTransit);
                for event in &events {
                    assert_eq!(event.expected_delivery.is_none(), event.status == TrackingStatus::Exception);
                    assert!(!event.description.is_empty());
                }
                if last.status == TrackingStatus::Delivered {
                    assert_eq!(last.expected_delivery, Some(last.at.date_naive()));
                }
            }
        }
    }
}

#[test]
fn about_a_tenth_are_delayed_and_about_three_percent_end_in_an_exception() {
    let n = 2_000;
    let (mut delayed, mut failed, mut retried) = (0, 0, 0);
    for i in 0..n {
        let events = REAL.timeline(&tracking(i), "DHL Paket", packed());
        delayed += u32::from(events.iter().any(|e| e.status == TrackingStatus::Delayed));
        let exceptions = events.iter().filter(|e| e.status == TrackingStatus::Exception).count();
        match events.last().unwrap().status {
            TrackingStatus::Exception => failed += 1,
            _ if exceptions > 0 => retried += 1,
            _ => {}
        }
    }
    let share = |k: u32| f64::from(k) / f64::from(n);
    assert!((0.07..=0.13).contains(&share(delayed)), "delayed {delayed} of {n}");
    assert!((0.015..=0.05).contains(&share(failed)), "exceptions {failed} of {n}");
    assert!((0.015..=0.05).contains(&share(retried)), "second attempts {retried} of {n}");
}

#[test]
fn a_delay_moves_the_expected_day_by_one_or_two_days() {
    let mut seen = 0;
    for i in 0..500 {
        let events = REAL.timeline(&tracking(i), "DHL Paket", packed());
        let Some(at) = events.iter().position(|e| e.status == TrackingStatus::Delayed) else { continue };
        seen += 1;
        let before = events[at - 1].expected_delivery.unwrap();
        let after = events[at].expected_delivery.unwrap();
        let days = (after - before).num_days();
        assert!((1..=2).contains(&days), "{events:#?}");
    }
    assert!(seen > 20, "{seen}");
}

#[test]
fn express_arrives_before_standard_and_standard_before_economy() {
    let mean_days = |service: &str| {
        let mut total = 0.0;
        let mut count = 0.0;
        for i in 0..1_000 {
            let events = REAL.timeline(&tracking(i), service, packed());
            let last = events.last().unwrap();
            if last.status == TrackingStatus::Delivered {
                total += (last.at - packed()).num_seconds() as f64 / 86_400.0;
                count += 1.0;
            }
        }
        total / count
    };
    let (express, standard, economy) = (mean_days("DHL Express"), mean_days("DHL Paket"), mean_days("DHL Warenpost"));
    assert!(express < standard && standard < economy, "{express} {standard} {economy}");
    assert!((1.0..1.6).contains(&express), "{express}");
    assert!(economy > 3.0, "{economy}");
}

#[test]
fn an_express_package_on_time_is_out_in_the_morning_and_delivered_the_next_afternoon() {
    let on_time = (0..200)
        .map(|i| REAL.timeline(&tracking(i), "UPS Express Saver", packed()))
        .find(|events| events.len() == 4 && events.last().unwrap().status == TrackingStatus::Delivered)
        .unwrap();
    let statuses: Vec<_> = on_time.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            TrackingStatus::InTransit,
            TrackingStatus::InTransit,
            TrackingStatus::OutForDelivery,
            TrackingStatus::Delivered
        ]
    );
    let (out, delivered) = (&on_time[2], &on_time[3]);
    assert_eq!(delivered.at.date_naive(), packed().date_naive().succ_opt().unwrap());
    assert!((7..10).contains(&out.at.hour()) && (12..17).contains(&delivered.at.hour()), "{on_time:#?}");
    assert!(on_time[1].description.contains("depot"), "{on_time:#?}");
}

#[test]
fn the_feed_reports_what_happened_up_to_now() {
    let p = package(&tracking(3), "DHL Paket");
    let all = REAL.timeline(&p.tracking, &p.service, p.packed_at);
    assert_eq!(REAL.events(&p, packed()).unwrap(), []);
    assert_eq!(REAL.events(&p, packed() + TimeDelta::days(30)).unwrap(), all);
    let middle = all[1].at;
    assert_eq!(REAL.events(&p, middle).unwrap(), all[..2]);
}

#[test]
fn a_fast_demo_day_compresses_the_same_story() {
    let fast = DemoCarrier { seconds_per_day: 120 };
    for i in 0..50 {
        let real = REAL.timeline(&tracking(i), "DHL Paket", packed());
        let quick = fast.timeline(&tracking(i), "DHL Paket", packed());
        let statuses = |events: &[TrackingEvent]| events.iter().map(|e| e.status).collect::<Vec<_>>();
        assert_eq!(statuses(&real), statuses(&quick));
        let real_span = (real.last().unwrap().at - packed()).num_seconds();
        let quick_span = (quick.last().unwrap().at - packed()).num_seconds();
        assert!((quick_span - real_span * 120 / 86_400).abs() <= 1, "{real_span} {quick_span}");
        // Minutes, not days: the whole story fits in a coffee break.
        assert!(quick_span < 15 * 60, "{quick_span}");
    }
}

#[test]
fn services_are_read_by_their_names() {
    assert_eq!(Speed::of_service("DHL Express"), Speed::Express);
    assert_eq!(Speed::of_service("UPS Express Saver"), Speed::Express);
    assert_eq!(Speed::of_service("overnight"), Speed::Express);
    assert_eq!(Speed::of_service("DHL Warenpost"), Speed::Economy);
    assert_eq!(Speed::of_service("Economy"), Speed::Economy);
    assert_eq!(Speed::of_service("DHL Paket"), Speed::Standard);
    assert_eq!(Speed::of_service("UPS Standard"), Speed::Standard);
    assert_eq!(Speed::of_service("second day"), Speed::Standard);
}
