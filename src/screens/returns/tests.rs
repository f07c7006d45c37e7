use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::domain::rma::{ReturnLine, ReturnedUnit};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_726_400, 0).unwrap()
}

fn reasons() -> Vec<String> {
    ["wrong size", "not as described", "arrived damaged", "changed mind", "defective"].map(String::from).to_vec()
}

fn defaults() -> Vec<(Grade, Disposition)> {
    vec![
        (Grade::Sealed, Disposition::Restock),
        (Grade::OpenedAsNew, Disposition::Restock),
        (Grade::Used, Disposition::Refurbish),
        (Grade::Damaged, Disposition::Scrap),
        (Grade::Defective, Disposition::ReturnToVendor),
        (Grade::MissingParts, Disposition::Quarantine),
    ]
}

fn screen() -> ReturnsScreen {
    ReturnsScreen::new(now(), reasons(), defaults())
}

fn unit(id: i64, sku: &str, grade: Grade, disposition: Disposition, refund: i64, bin: Option<&str>) -> ReturnedUnit {
    ReturnedUnit {
        id,
        sku: sku.into(),
        reason: "wrong size".into(),
        grade,
        disposition,
        lot: None,
        serial: None,
        note: String::new(),
        refund_minor: refund,
        restocked_to: bin.map(String::from),
    }
}

fn view(units: Vec<ReturnedUnit>) -> ReturnView {
    ReturnView {
        rma: RmaNumber(31),
        status: if units.is_empty() { RmaStatus::Expected } else { RmaStatus::Received },
        order: OrderNumber(123),
        customer: "Ana Lima".into(),
        currency: "EUR".into(),
        announced: false,
        lines: vec![
            ReturnLine {
                line_no: 1,
                sku: "MUG".into(),
                title: "Stoneware mug".into(),
                shipped: 2,
                returned: 2,
                unit_price_minor: 1_250,
            },
            ReturnLine {
                line_no: 2,
                sku: "MILK".into(),
                title: "Oat milk 1 l".into(),
                shipped: 1,
                returned: 0,
                unit_price_minor: 299,
            },
        ],
        units,
    }
}

fn with_units() -> ReturnView {
    view(vec![
        unit(7, "MUG", Grade::Sealed, Disposition::Restock, 1_250, Some("01-002-A")),
        unit(8, "MUG", Grade::Damaged, Disposition::Scrap, 625, None),
    ])
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(s: &mut ReturnsScreen, c: char) -> Option<ReturnsCommand> {
    s.on_key(&key(KeyCode::Char(c)))
}

fn item(sku: &str, lot: Option<&str>) -> ReturnsInput {
    ReturnsInput::Item { sku: Some(sku.into()), code: sku.into(), lot: lot.map(String::from), serial: None }
}

fn bin() -> BinCode {
    "01-002-A".parse().unwrap()
}

fn draw(screen: &ReturnsScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

/// An open RMA with a unit scanned and walked to the given step.
fn at_reason() -> ReturnsScreen {
    let mut s = screen();
    s.on_view(view(vec![]));
    s.on_scan(item("MUG", Some("L42")));
    s
}

#[test]
fn the_whole_flow_produces_the_exact_inspect_command() {
    let mut s = screen();
    assert_eq!(s.on_scan(item("MUG", None)), None, "no RMA yet");
    assert!(matches!(&s.message, Some((Tone::Error, m)) if m.contains("first")));
    assert_eq!(s.on_scan(ReturnsInput::Found(OrderNumber(123))), Some(ReturnsCommand::Open(OrderNumber(123))));
    s.on_view(view(vec![]));
    assert_eq!(s.step, Step::ScanItem);
    assert_eq!(s.on_scan(item("MUG", Some("L42"))), None);
    assert!(matches!(s.step, Step::Reason { .. }));
    press(&mut s, '0');
    press(&mut s, '9');
    assert!(matches!(s.step, Step::Reason { .. }), "no such reason");
    press(&mut s, '2');
    assert!(matches!(&s.step, Step::Grade { reason, .. } if reason == "not as described"));
    press(&mut s, '3');
    assert!(
        matches!(s.step, Step::Disposition { grade: Grade::Used, choice: Disposition::Refurbish, .. }),
        "preselected from the grade's default"
    );
    press(&mut s, '2');
    assert!(matches!(s.step, Step::Disposition { choice: Disposition::Quarantine, .. }));
    s.on_key(&key(KeyCode::Enter));
    assert!(matches!(s.step, Step::Note { .. }));
    for c in "box tornn".chars() {
        press(&mut s, c);
    }
    s.on_key(&key(KeyCode::Backspace));
    assert_eq!(
        s.on_key(&key(KeyCode::Enter)),
        Some(ReturnsCommand::Inspect {
            rma: RmaNumber(31),
            sku: "MUG".into(),
            lot: Some("L42".into()),
            serial: None,
            reason: "not as described".into(),
            grade: Grade::Used,
            disposition: Disposition::Quarantine,
            note: "box torn".into(),
        })
    );
    assert_eq!(s.step, Step::ScanItem);
}

#[test]
fn the_note_is_optional_and_capped() {
    let mut s = at_reason();
    press(&mut s, '1');
    press(&mut s, '1');
    s.on_key(&key(KeyCode::Enter));
    for _ in 0..200 {
        press(&mut s, 'x');
    }
    assert!(matches!(&s.step, Step::Note { text, .. } if text.len() == NOTE_MAX));
    let mut s = at_reason();
    press(&mut s, '1');
    press(&mut s, '1');
    s.on_key(&key(KeyCode::Enter));
    let Some(ReturnsCommand::Inspect { note, disposition, .. }) = s.on_key(&key(KeyCode::Enter)) else {
        panic!("expected an inspection");
    };
    assert_eq!((note.as_str(), disposition), ("", Disposition::Restock));
}

#[test]
fn esc_at_any_step_goes_back_to_scanning_and_stores_nothing() {
    for presses in 0..4 {
        let mut s = at_reason();
        for (i, c) in ['1', '4', '\n'].iter().enumerate().take(presses) {
            if *c == '\n' {
                s.on_key(&key(KeyCode::Enter));
            } else {
                press(&mut s, *c);
            }
            assert_ne!(s.step, Step::ScanItem, "step {i}");
        }
        assert_eq!(s.on_key(&key(KeyCode::Esc)), None);
        assert_eq!(s.step, Step::ScanItem, "after {presses} presses");
        assert!(s.view.is_some());
    }
    // Esc while scanning leaves the RMA.
    let mut s = at_reason();
    s.on_key(&key(KeyCode::Esc));
    s.on_key(&key(KeyCode::Esc));
    assert_eq!((s.step, s.view), (Step::Idle, None));
}

#[test]
fn a_banner_blocks_everything_until_acknowledged() {
    let mut s = screen();
    s.on_view(view(vec![]));
    s.on_scan(ReturnsInput::Item { sku: None, code: "4006381333931".into(), lot: None, serial: None });
    assert!(s.alert.as_deref().unwrap().starts_with("UNKNOWN ITEM: 4006381333931"));
    assert_eq!(s.step, Step::ScanItem);
    assert_eq!(s.on_scan(item("MUG", None)), None);
    assert_eq!(s.on_scan(ReturnsInput::Command("CONFIRM")), None);
    assert_eq!(press(&mut s, 'c'), None);
    assert_eq!(s.step, Step::ScanItem, "nothing moved");
    assert!(s.alert.is_some());
    s.on_scan(ReturnsInput::Command("OK"));
    assert!(s.alert.is_none());
    s.raise("NOT OURS: MUG was never shipped on this order. Set it aside.".into());
    s.on_key(&key(KeyCode::Enter));
    assert!(s.alert.is_none());
    assert_eq!(s.on_scan(item("MUG", None)), None);
    assert!(matches!(s.step, Step::Reason { .. }));
}

#[test]
fn closing_needs_an_inspected_unit() {
    let mut s = screen();
    s.on_view(view(vec![]));
    assert_eq!(s.on_scan(ReturnsInput::Command("CONFIRM")), None);
    assert!(matches!(&s.message, Some((Tone::Error, m)) if m.contains("at least one unit")));
    assert_eq!(press(&mut s, 'c'), None);
    s.on_view(with_units());
    assert_eq!(s.on_scan(ReturnsInput::Command("CONFIRM")), Some(ReturnsCommand::Close(RmaNumber(31))));
    assert_eq!(press(&mut s, 'c'), Some(ReturnsCommand::Close(RmaNumber(31))));
}

#[test]
fn a_restocked_unit_is_put_away_by_a_bin_scan_or_left_for_later() {
    let mut s = screen();
    s.on_view(with_units());
    assert_eq!(s.on_scan(ReturnsInput::Bin(bin())), None, "nothing to restock");
    s.restock(7, "MUG".into(), Some(bin()));
    let other: BinCode = "02-010-C".parse().unwrap();
    assert_eq!(
        s.on_scan(ReturnsInput::Bin(other)),
        Some(ReturnsCommand::Restock { rma: RmaNumber(31), unit_id: 7, bin: other }),
        "any bin is taken"
    );
    assert_eq!(s.step, Step::ScanItem);
    s.restock(7, "MUG".into(), Some(bin()));
    assert_eq!(s.on_scan(ReturnsInput::Command("SKIP")), None);
    assert_eq!(s.step, Step::ScanItem);
    s.restock(7, "MUG".into(), None);
    s.on_key(&key(KeyCode::Esc));
    assert_eq!(s.step, Step::ScanItem);
    assert!(s.view.is_some());
}

#[test]
fn snapshots_of_the_returns_screen() {
    let mut s = screen();
    insta::assert_snapshot!("returns_idle_80x24", draw(&s, 80, 24));
    s.on_view(with_units());
    s.refund = Some(("partial".into(), 1_875));
    insta::assert_snapshot!("returns_units_120x40", draw(&s, 120, 40));
    insta::assert_snapshot!("returns_units_80x24", draw(&s, 80, 24));
    s.on_scan(item("MILK", Some("L42")));
    insta::assert_snapshot!("returns_reason_80x24", draw(&s, 80, 24));
    press(&mut s, '3');
    insta::assert_snapshot!("returns_grade_80x24", draw(&s, 80, 24));
    press(&mut s, '4');
    insta::assert_snapshot!("returns_disposition_80x24", draw(&s, 80, 24));
    s.on_key(&key(KeyCode::Esc));
    s.message = None;
    s.restock(7, "MUG".into(), Some(bin()));
    insta::assert_snapshot!("returns_restock_80x24", draw(&s, 80, 24));
    s.step = Step::ScanItem;
    s.raise("NOT OURS: CAM-01 was never shipped on this order. Set it aside.".into());
    insta::assert_snapshot!("returns_banner_80x24", draw(&s, 80, 24));
    // Small terminals must not panic, in any step.
    s.alert = None;
    s.on_scan(item("MUG", None));
    for c in ['1', '2'] {
        draw(&s, 40, 16);
        press(&mut s, c);
    }
    draw(&s, 40, 16);
    draw(&s, 10, 3);
}
