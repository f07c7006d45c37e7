//! A dashboard to draw in the tests: a busy Thursday afternoon with every
//! section full, and an empty store.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::domain::dashboard::{
    Alert, AlertKind, AlertTarget, CutoffFacts, Dashboard, HourFacts, Kpis, OperatorFacts, OperatorRow, Severity,
    WaveProgress,
};
use crate::domain::wave::{Lease, WaveNumber, WaveStatus, WaveSummary};
use crate::domain::{OrderNumber, OrderStatus, Role};

/// Thursday afternoon, a quarter past three.
pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 19, 15, 25, 0).unwrap()
}

pub(super) fn minutes_ago(m: i64) -> DateTime<Utc> {
    now() - Duration::minutes(m)
}

/// Picked units, packed units and shipped orders of the last 12 clock
/// hours, 04:00 to the current 15:00, quiet before six.
const HOURS: [(u64, u64, u64); 12] = [
    (0, 0, 0),
    (0, 0, 0),
    (35, 0, 0),
    (120, 88, 0),
    (168, 150, 31),
    (182, 166, 44),
    (175, 170, 0),
    (140, 151, 58),
    (96, 90, 12),
    (158, 132, 40),
    (171, 160, 37),
    (64, 71, 9),
];

fn hours() -> Vec<HourFacts> {
    HOURS
        .iter()
        .zip(4..)
        .map(|(&(picked_units, packed_units, shipped_orders), hour)| HourFacts {
            start: Utc.with_ymd_and_hms(2026, 11, 19, hour, 0, 0).unwrap(),
            pick_lines: picked_units / 2,
            picked_units,
            packed_units,
            packed_orders: packed_units / 3,
            shipped_orders,
            shipped_units: shipped_orders * 3,
        })
        .collect()
}

/// An operator with (picked, packed) units over seven active hours.
fn operator(badge: &str, name: &str, role: Role, units: (u64, u64), error: Option<f64>) -> OperatorRow {
    let hours = 7;
    OperatorRow {
        facts: OperatorFacts {
            badge: badge.into(),
            name: name.into(),
            role: Some(role),
            active_hours: hours,
            pick_lines: units.0 / 2,
            picked_units: units.0,
            short_lines: 1,
            packed_units: units.1,
            packed_orders: units.1 / 3,
            refused_scans: 3,
        },
        picks_per_hour: units.0 as f64 / hours as f64,
        packs_per_hour: units.1 as f64 / hours as f64,
        scan_error_rate: error,
    }
}

fn wave(number: i64, done: f64, lease_until: i64, finish: Option<DateTime<Utc>>) -> WaveProgress {
    WaveProgress {
        wave: WaveSummary {
            number: WaveNumber(number),
            status: WaveStatus::Picking,
            created_at: minutes_ago(90),
            created_by: "EMP-0009".into(),
            orders: 12,
            lines: 30,
            units: 50,
            done_units: (done * 50.0) as u32,
            route_m: 312.5,
            baseline_m: 401.0,
            lease: Some(Lease {
                station: format!("PICK-{number}"),
                operator: "EMP-0003".into(),
                since: minutes_ago(60),
                until: now() + Duration::minutes(lease_until),
            }),
        },
        done,
        finish,
        lease_expired: lease_until <= 0,
    }
}

pub(super) fn alert(
    kind: AlertKind,
    severity: Severity,
    message: &str,
    since: Option<i64>,
    target: AlertTarget,
) -> Alert {
    Alert { kind, severity, message: message.into(), since: since.map(minutes_ago), target }
}

/// Worst first, then newest first, as the planner sorts them.
pub(super) fn alerts() -> Vec<Alert> {
    vec![
        alert(
            AlertKind::Stockout,
            Severity::Critical,
            "SKU-MUG-RED: nothing available, 14 units on backorder",
            Some(40),
            AlertTarget::Sku("SKU-MUG-RED".into()),
        ),
        alert(
            AlertKind::SyncFailure,
            Severity::Critical,
            "Webshop rejected the API token (401 Unauthorized): no orders pulled since 12:10",
            Some(195),
            AlertTarget::Sync,
        ),
        alert(
            AlertKind::ExpiredLease,
            Severity::Warning,
            "WAVE-000042: the lease of PICK-42 ran out 10 minutes ago",
            Some(10),
            AlertTarget::Wave(WaveNumber(42)),
        ),
        alert(
            AlertKind::ShortPick,
            Severity::Warning,
            "3 orders wait for a decision on a short pick",
            Some(65),
            AlertTarget::Status(OrderStatus::Short),
        ),
        alert(
            AlertKind::ChannelCancelled,
            Severity::Warning,
            "ORD-004790 was cancelled by the channel after picking started: put its tote aside",
            Some(22),
            AlertTarget::Order(OrderNumber(4790)),
        ),
        alert(
            AlertKind::DeliveryDelay,
            Severity::Notice,
            "ORD-004711: DHL reports a delivery exception (address not found)",
            Some(2 * 1440 + 30),
            AlertTarget::Order(OrderNumber(4711)),
        ),
        alert(
            AlertKind::BelowReorder,
            Severity::Notice,
            "SKU-CANDLE-XL: 4 on hand, reorder point 10",
            None,
            AlertTarget::Sku("SKU-CANDLE-XL".into()),
        ),
    ]
}

/// A busy Thursday: every section full, one cut-off 35 minutes away, a
/// wave whose lease ran out, KPIs with and without figures.
pub(super) fn busy() -> Dashboard {
    Dashboard {
        now: now(),
        open: vec![
            (OrderStatus::New, 5),
            (OrderStatus::Ready, 112),
            (OrderStatus::Held, 2),
            (OrderStatus::Backordered, 4),
            (OrderStatus::Picking, 23),
            (OrderStatus::Short, 3),
            (OrderStatus::Packed, 14),
        ],
        open_total: 163,
        late: 3,
        cutoffs: vec![
            CutoffFacts {
                carrier: "DHL Paket".into(),
                cutoff: Utc.with_ymd_and_hms(2026, 11, 19, 16, 0, 0).unwrap(),
                due: 40,
                packed: 12,
            },
            CutoffFacts {
                carrier: "UPS Standard".into(),
                cutoff: Utc.with_ymd_and_hms(2026, 11, 19, 18, 0, 0).unwrap(),
                due: 12,
                packed: 2,
            },
        ],
        shipped_today_orders: 231,
        shipped_today_units: 694,
        units_last_hour: 171,
        units_per_hour_today: 139.4,
        hours: hours(),
        operators: vec![
            operator("EMP-0001", "Anna Schmidt", Role::Picker, (812, 0), Some(0.004)),
            operator("EMP-0002", "Jonas Weber", Role::Packer, (0, 705), Some(0.012)),
            operator("EMP-0003", "Maria-Fernanda Oliveira de Souza Santos", Role::Picker, (497, 18), Some(0.031)),
            operator("EMP-0009", "Tomasz Nowak", Role::Supervisor, (0, 0), None),
        ],
        waves_waiting: 3,
        waves: vec![
            wave(41, 0.62, 4, Some(Utc.with_ymd_and_hms(2026, 11, 19, 16, 10, 0).unwrap())),
            wave(42, 0.35, -10, None),
        ],
        alerts: alerts(),
        today: Kpis {
            days: 1,
            shipped_orders: 231,
            cycle_p50_minutes: Some(42),
            cycle_p90_minutes: Some(185),
            on_time_rate: Some(0.962),
            pick_lines: 660,
            pick_errors_per_line: Some(0.009),
            picking_accuracy: Some(0.991),
            shipped_units: 694,
            returned_units: 0,
            returns_rate: None,
        },
        week: Kpis {
            days: 7,
            shipped_orders: 1_604,
            cycle_p50_minutes: Some(70),
            cycle_p90_minutes: Some(1_680),
            on_time_rate: Some(0.94),
            pick_lines: 4_480,
            pick_errors_per_line: Some(0.013),
            picking_accuracy: Some(0.987),
            shipped_units: 4_830,
            returned_units: 101,
            returns_rate: Some(0.0209),
        },
    }
}

/// A store with nothing in it: the hours are there, all zero.
pub(super) fn empty() -> Dashboard {
    let hours = hours().into_iter().map(|h| HourFacts { start: h.start, ..HourFacts::default() }).collect();
    Dashboard {
        now: now(),
        hours,
        today: Kpis { days: 1, ..Kpis::default() },
        week: Kpis { days: 7, ..Kpis::default() },
        ..Dashboard::default()
    }
}
