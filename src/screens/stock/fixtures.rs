//! Test data for the stock screen: a delivery with over, short, damaged and
//! unexpected lines, a putaway list, count tasks (with hidden system
//! quantities that must never be drawn) and a replenishment list.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{StockInput, StockScreen};
use crate::domain::inbound::{
    CountDifference, CountSource, CountStatus, CountTask, PackageView, PutawayItem, ReceiptLineView, ReceiptStatus,
    ReceiptSummary, ReceiptView, ReplenishmentRow, Suggestion, SuggestionReason,
};
use crate::domain::{BinCode, Zone};

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_726_400, 0).unwrap()
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
}

pub fn bin(code: &str) -> BinCode {
    code.parse().unwrap()
}

pub fn receiving_reasons() -> Vec<String> {
    ["crushed", "wet", "supplier sent more", "supplier sent less", "wrong item", "count on ASN wrong"]
        .map(String::from)
        .to_vec()
}

pub fn adjust_reasons() -> Vec<String> {
    ["miscount earlier", "damaged in bin", "theft or loss", "put in wrong bin"].map(String::from).to_vec()
}

pub fn screen() -> StockScreen {
    StockScreen::new(now(), receiving_reasons(), adjust_reasons())
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn press(s: &mut StockScreen, c: char) -> Option<super::StockCommand> {
    s.on_key(&key(KeyCode::Char(c)))
}

pub fn item(sku: &str) -> StockInput {
    StockInput::Item { sku: Some(sku.into()), code: format!("GTIN-{sku}"), lot: None, expires_on: None, count: None }
}

pub fn unknown(code: &str) -> StockInput {
    StockInput::Item { sku: None, code: code.into(), lot: None, expires_on: None, count: None }
}

pub fn summary(id: i64, reference: &str, supplier: &str, status: ReceiptStatus) -> ReceiptSummary {
    ReceiptSummary {
        id,
        reference: reference.into(),
        supplier: supplier.into(),
        expected_on: Some(day(21)),
        status,
        lines: 4,
        expected: 120,
        received: if status == ReceiptStatus::Expected { 0 } else { 57 },
        damaged: if status == ReceiptStatus::Expected { 0 } else { 2 },
    }
}

pub fn receipts() -> Vec<ReceiptSummary> {
    vec![
        summary(7, "PO-2025-00471", "Müller Haushaltswaren GmbH", ReceiptStatus::Receiving),
        summary(8, "ASN-88213", "Nordic Ceramics AB", ReceiptStatus::Expected),
        ReceiptSummary {
            expected_on: None,
            ..summary(9, "PO-2025-00480", "Casa Bella S.r.l.", ReceiptStatus::Expected)
        },
    ]
}

pub fn line(no: i64, sku: &str, title: &str, expected: u32, received: u32, damaged: u32) -> ReceiptLineView {
    ReceiptLineView { line_no: no, sku: sku.into(), title: title.into(), expected, received, damaged, reason: None }
}

/// Over, short, exact, damaged and unexpected lines; two announced packages.
pub fn receipt() -> ReceiptView {
    ReceiptView {
        id: 7,
        reference: "PO-2025-00471".into(),
        supplier: "Müller Haushaltswaren GmbH".into(),
        expected_on: Some(day(21)),
        status: ReceiptStatus::Receiving,
        lines: vec![
            line(1, "SKU-MUG-RED", "Stoneware mug, red, 350 ml", 10, 12, 0),
            line(2, "SKU-PLATE-26", "Dinner plate 26 cm", 24, 21, 0),
            line(3, "SKU-BOWL-S", "Cereal bowl, small", 12, 12, 0),
            ReceiptLineView {
                reason: Some("crushed".into()),
                ..line(4, "SKU-GLASS-6", "Tumbler glass, set of 6", 8, 6, 2)
            },
            line(5, "SKU-CANDLE-XL", "Pillar candle XL, unscented", 0, 3, 0),
        ],
        packages: vec![
            PackageView { sscc: "340123450000000017".into(), units: 24, received: true },
            PackageView { sscc: "340123450000000024".into(), units: 12, received: false },
        ],
    }
}

/// Every line exactly as expected.
pub fn exact_receipt() -> ReceiptView {
    ReceiptView { lines: vec![line(1, "SKU-BOWL-S", "Cereal bowl, small", 12, 12, 0)], packages: vec![], ..receipt() }
}

pub fn putaway_item(id: i64, sku: &str, qty: u32, suggestion: Option<(&str, SuggestionReason)>) -> PutawayItem {
    PutawayItem {
        id,
        receipt: "PO-2025-00471".into(),
        sku: sku.into(),
        title: format!("{sku} title"),
        lot: None,
        expires_on: None,
        qty,
        class: Zone::B,
        suggestion: suggestion.map(|(b, why)| Suggestion { bin: bin(b), why }),
    }
}

pub fn putaway() -> Vec<PutawayItem> {
    vec![
        PutawayItem {
            title: "Stoneware mug, red, 350 ml".into(),
            class: Zone::A,
            ..putaway_item(31, "SKU-MUG-RED", 12, Some(("03-017-B", SuggestionReason::HoldsIt)))
        },
        PutawayItem {
            title: "Oat drink 1 l".into(),
            lot: Some("L2511-04".into()),
            expires_on: Some(day(30)),
            ..putaway_item(32, "SKU-OAT-1L", 48, Some(("05-002-A", SuggestionReason::FreeInClassZone)))
        },
        PutawayItem {
            title: "Pillar candle XL, unscented".into(),
            class: Zone::C,
            lot: Some("OLD-1".into()),
            expires_on: Some(day(1)),
            ..putaway_item(33, "SKU-CANDLE-XL", 3, Some(("12-040-C", SuggestionReason::FreeElsewhere(Zone::C))))
        },
        PutawayItem { title: "Tumbler glass, set of 6".into(), ..putaway_item(34, "SKU-GLASS-6", 6, None) },
    ]
}

pub fn task(id: i64, code: &str, source: CountSource, status: CountStatus) -> CountTask {
    CountTask {
        id,
        bin: bin(code),
        zone: Zone::A,
        source,
        reason: "picker found 2 of 5".into(),
        created_at: now() - Duration::minutes(95),
        status,
        recount: Vec::new(),
        differences: Vec::new(),
    }
}

pub fn tasks() -> Vec<CountTask> {
    vec![
        task(41, "03-017-B", CountSource::ShortPick, CountStatus::Open),
        CountTask {
            reason: "zone A every 30 days".into(),
            created_at: now() - Duration::days(3),
            ..task(42, "04-001-A", CountSource::Schedule, CountStatus::Open)
        },
        CountTask {
            recount: vec!["SKU-OAT-1L".into()],
            reason: "cycle check".into(),
            created_at: now() - Duration::minutes(7),
            ..task(43, "05-002-A", CountSource::Supervisor, CountStatus::Recount)
        },
    ]
}

/// Confirmed differences with distinctive system quantities.
pub fn differences() -> Vec<CountDifference> {
    vec![
        CountDifference { sku: "SKU-MUG-RED".into(), title: "Stoneware mug, red".into(), system: 9731, counted: 9728 },
        CountDifference { sku: "SKU-BOWL-S".into(), title: "Cereal bowl, small".into(), system: 8642, counted: 8645 },
    ]
}

pub fn replenishment() -> Vec<ReplenishmentRow> {
    let row = |sku: &str, title: &str, class: Zone, on_hand: u64, per_day: f64, cover: Option<f64>| ReplenishmentRow {
        sku: sku.into(),
        title: title.into(),
        class,
        on_hand,
        available: on_hand.saturating_sub(4),
        backordered: if on_hand == 0 { 7 } else { 0 },
        demand_per_day: per_day,
        cover_days: cover,
        reorder_point: 40,
        inbound: if class == Zone::A { 24 } else { 0 },
        suggested: 96,
    };
    vec![
        row("SKU-MUG-RED", "Stoneware mug, red, 350 ml", Zone::A, 0, 6.25, Some(0.0)),
        row("SKU-OAT-1L", "Oat drink 1 l", Zone::A, 18, 4.0, Some(3.5)),
        row("SKU-CANDLE-XL", "Pillar candle XL, unscented", Zone::C, 12, 0.0, None),
        row("SKU-GLASS-6", "Tumbler glass, set of 6", Zone::B, 30, 1.43, Some(18.2)),
    ]
}
