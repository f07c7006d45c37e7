use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::domain::pack::{PackLine, PackOrder, PackageInfo};
use crate::domain::{OrderNumber, OrderStatus};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_726_400, 0).unwrap()
}

fn line(no: i64, sku: &str, expected: u32, scanned: u32) -> PackLine {
    PackLine {
        line_no: no,
        sku: sku.into(),
        title: format!("{sku} title"),
        expected,
        scanned,
        lot_tracked: sku == "MILK",
        serial_tracked: false,
        weight_g: 300,
        dims_mm: [100, 80, 60],
    }
}

fn order(scanned: u32) -> PackOrder {
    PackOrder {
        number: OrderNumber(123),
        status: OrderStatus::Packing,
        channel_ref: "#1123".into(),
        customer: "Ana Lima".into(),
        country: "CH".into(),
        service: "express".into(),
        carrier_service: "DHL Express".into(),
        ship_by: now() + chrono::Duration::hours(3),
        note: "Gift: happy birthday".into(),
        signature_required: true,
        customs: true,
        tote: Some("T0007".into()),
        lines: vec![line(1, "MUG", 2, scanned.min(2)), line(2, "MILK", 1, scanned.saturating_sub(2))],
        packages: vec![],
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn item(sku: &str) -> PackInput {
    PackInput::Item { sku: Some(sku.into()), code: sku.into(), lot: None, serial: None }
}

fn draw(screen: &PackScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

#[test]
fn a_tote_opens_its_order_and_items_become_verified_scans() {
    let mut s = PackScreen::new(now());
    assert_eq!(s.on_scan(item("MUG")), None, "no order yet");
    assert!(matches!(&s.message, Some((Tone::Error, m)) if m.contains("Scan a tote")));
    let open = s.on_scan(PackInput::Tote { tote: "T0007".into(), order: Some(OrderNumber(123)) });
    assert_eq!(open, Some(PackCommand::Open(OrderNumber(123))));
    s.on_order(order(0));
    s.on_scan(PackInput::Quantity(2));
    assert_eq!(
        s.on_scan(item("MUG")),
        Some(PackCommand::Verify { order: OrderNumber(123), sku: "MUG".into(), qty: 2, lot: None, serial: None })
    );
    assert_eq!(s.multiplier, None, "QTY- counts one scan only");
    assert_eq!(s.on_scan(PackInput::Command("UNDO")), Some(PackCommand::Undo(OrderNumber(123))));
}

#[test]
fn a_banner_stops_everything_until_acknowledged() {
    let mut s = PackScreen::new(now());
    s.on_order(order(0));
    s.on_scan(PackInput::Item { sku: None, code: "4006381333931".into(), lot: None, serial: None });
    assert!(s.alert.as_deref().unwrap().starts_with("UNKNOWN ITEM: 4006381333931"));
    // Nothing else is taken meanwhile.
    assert_eq!(s.on_scan(item("MUG")), None);
    assert!(s.alert.is_some());
    s.on_scan(PackInput::Command("OK"));
    assert!(s.alert.is_none());
    s.raise("ONE TOO MANY".into());
    s.on_key(&key(KeyCode::Enter));
    assert!(s.alert.is_none());
    s.on_scan(PackInput::Tote { tote: "T0099".into(), order: None });
    assert!(s.alert.as_deref().unwrap().contains("EMPTY TOTE"));
}

#[test]
fn completing_needs_every_unit_then_takes_the_typed_weight_and_carton() {
    let mut s = PackScreen::new(now());
    s.on_order(order(2));
    assert_eq!(s.on_scan(PackInput::Command("CONFIRM")), None);
    assert!(matches!(&s.message, Some((Tone::Error, m)) if m.contains("2 of 3 units verified")));
    s.on_order(order(3));
    s.on_scan(PackInput::Carton("M".into()));
    for c in ['1', '2', '5', '0'] {
        s.on_key(&key(KeyCode::Char(c)));
    }
    assert_eq!(
        s.on_key(&key(KeyCode::Enter)),
        Some(PackCommand::Complete {
            order: OrderNumber(123),
            grams: Some(1250),
            carton: Some("M".into()),
            approved_by: None
        })
    );
}

#[test]
fn a_weight_outside_the_tolerance_needs_a_recount_or_a_supervisor() {
    let mut s = PackScreen::new(now());
    s.on_order(order(3));
    s.hold_weight("7% heavy (+90 g)".into(), 1_340);
    assert_eq!(s.on_scan(PackInput::Badge("EMP-0001".into())), None);
    for c in ['1', '2', '3', '4'] {
        s.on_key(&key(KeyCode::Char(c)));
    }
    assert_eq!(
        s.on_key(&key(KeyCode::Enter)),
        Some(PackCommand::Approve { badge: "EMP-0001".into(), pin: "1234".into() })
    );
    assert_eq!(
        s.approved("EMP-0001"),
        Some(PackCommand::Complete {
            order: OrderNumber(123),
            grams: Some(1_340),
            carton: None,
            approved_by: Some("EMP-0001".into())
        })
    );
    // A recount instead: the hold goes away.
    s.hold_weight("too light".into(), 900);
    s.on_scan(PackInput::Command("UNDO"));
    assert!(s.weight_hold.is_none());
}

#[test]
fn snapshots_of_the_pack_screen() {
    let mut s = PackScreen::new(now());
    insta::assert_snapshot!("pack_idle_80x24", draw(&s, 80, 24));
    s.on_order(order(1));
    s.multiplier = Some(2);
    insta::assert_snapshot!("pack_checklist_120x40", draw(&s, 120, 40));
    insta::assert_snapshot!("pack_checklist_80x24", draw(&s, 80, 24));
    s.raise("ONE TOO MANY: the order has only 2 × MUG. Take the extra out.".into());
    insta::assert_snapshot!("pack_banner_80x24", draw(&s, 80, 24));
    s.alert = None;
    s.on_order(order(3));
    s.suggestion = Some("carton S".into());
    s.weight_input = "1250".into();
    insta::assert_snapshot!("pack_complete_80x24", draw(&s, 80, 24));
    s.hold_weight("7.2% heavy (+90 g): recount or ask a supervisor".into(), 1_340);
    insta::assert_snapshot!("pack_weight_hold_80x24", draw(&s, 80, 24));
    let mut packed = order(3);
    packed.status = OrderStatus::Packed;
    packed.packages = vec![PackageInfo {
        package_no: 1,
        packages: 1,
        carton: "S".into(),
        weight_g: 1_250,
        carrier: "DHL".into(),
        service: "DHL Express".into(),
        tracking: "1Z999AA10123456784".into(),
        sscc: "340123450000000018".into(),
    }];
    s.weight_hold = None;
    s.on_order(packed);
    insta::assert_snapshot!("pack_packed_80x24", draw(&s, 80, 24));
}
