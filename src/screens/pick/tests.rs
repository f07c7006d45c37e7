use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::domain::wave::{Lease, PickStop, StopState, ToteShare, WaveSummary};
use crate::domain::{OrderNumber, WaveStatus, Zone};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_726_400, 0).unwrap() // 2025-11-21 12:00 UTC
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn share(tote: &str, order: i64, qty: u32, picked: u32) -> ToteShare {
    ToteShare { tote: tote.into(), order: OrderNumber(order), qty, picked }
}

fn stop(seq: u32, bin: &str, zone: Zone, sku: &str, shares: Vec<ToteShare>) -> PickStop {
    let state = if shares.iter().all(|s| s.picked == s.qty) { StopState::Done } else { StopState::Open };
    PickStop {
        seq,
        stock_id: i64::from(seq) * 10,
        bin: bin.parse().unwrap(),
        zone,
        sku: sku.into(),
        title: format!("{sku} title"),
        lot: None,
        expires_on: None,
        shares,
        state,
    }
}

fn list() -> PickList {
    let mut milk = stop(2, "01-004-A", Zone::A, "MILK-1L", vec![share("T0002", 102, 2, 0)]);
    milk.lot = Some("L2611".into());
    milk.expires_on = Some(day("2026-03-01"));
    PickList {
        wave: WaveSummary {
            number: WaveNumber(7),
            status: WaveStatus::Picking,
            created_at: now(),
            created_by: "EMP-0001".into(),
            orders: 3,
            lines: 4,
            units: 9,
            done_units: 1,
            route_m: 120.4,
            baseline_m: 150.0,
            lease: Some(Lease { station: "STATION-1".into(), operator: "EMP-0002".into(), since: now(), until: now() }),
        },
        stops: vec![
            stop(1, "09-020-C", Zone::C, "TEE-BLK-M", vec![share("T0001", 101, 1, 1)]),
            milk,
            stop(3, "05-010-B", Zone::B, "MUG-RED", vec![share("T0001", 101, 3, 0), share("T0003", 103, 2, 0)]),
            stop(4, "02-001-A", Zone::A, "CUP-BLU", vec![share("T0003", 103, 1, 0)]),
        ],
    }
}

fn screen() -> PickScreen {
    PickScreen::new(list(), now(), day("2025-12-05"))
}

fn item(sku: &str) -> PickInput {
    PickInput::Item { sku: Some(sku.into()), code: sku.into(), lot: None, expires_on: None }
}

fn bin(code: &str) -> PickInput {
    PickInput::Bin(code.parse().unwrap())
}

fn error(screen: &PickScreen) -> &str {
    match &screen.message {
        Some((Tone::Error, text)) => text,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn draw(screen: &PickScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

#[test]
fn zones_first_each_in_walk_order_or_the_pure_walk() {
    let mut s = screen();
    assert_eq!(s.current().map(|s| s.seq), Some(2), "zone A before B and C; stop 1 is done");
    let order: Vec<u32> = s.stops().iter().map(|s| s.seq).collect();
    assert_eq!(order, [2, 4, 3, 1]);
    s.toggle_view();
    assert_eq!(s.current().map(|s| s.seq), Some(2));
    let order: Vec<u32> = s.stops().iter().map(|s| s.seq).collect();
    assert_eq!(order, [1, 2, 3, 4]);
}

#[test]
fn a_wrong_bin_item_or_tote_stops_the_picker() {
    let mut s = screen();
    assert_eq!(s.on_scan(item("MILK-1L")), None);
    assert!(error(&s).contains("Scan the bin first: go to 01-004-A"), "{:?}", s.message);
    s.on_scan(bin("05-010-B"));
    assert!(error(&s).contains("Wrong bin: this is 05-010-B; go to 01-004-A"));
    s.on_scan(bin("01-004-A"));
    assert_eq!(s.at_bin, Some(20));
    s.on_scan(item("MUG-RED"));
    assert!(error(&s).contains("Wrong item: that is MUG-RED; pick MILK-1L"));
    s.on_scan(PickInput::Item { sku: None, code: "4006381333931".into(), lot: None, expires_on: None });
    assert!(error(&s).contains("4006381333931 is not in the catalogue"));
    assert_eq!(s.on_scan(PickInput::Tote("T0002".into())), None);
    assert!(error(&s).contains("Pick the item first"));
    s.on_scan(item("MILK-1L"));
    assert_eq!(s.count, 1);
    assert_eq!(s.on_scan(PickInput::Tote("T0009".into())), None);
    assert!(error(&s).contains("Wrong tote: these go into T0002 (ORD-000102)"));
}

#[test]
fn the_wrong_lot_and_short_dated_units_are_refused() {
    let mut s = screen();
    s.on_scan(bin("01-004-A"));
    let gs1 = |lot: &str, expires: &str| PickInput::Item {
        sku: Some("MILK-1L".into()),
        code: "]C1...".into(),
        lot: Some(lot.into()),
        expires_on: Some(day(expires)),
    };
    s.on_scan(gs1("L2701", "2026-06-01"));
    assert!(error(&s).contains("Lot L2701 is not the one to pick: take lot L2611, expiring 2026-03-01"));
    assert_eq!(s.count, 0);
    s.on_scan(gs1("L2611", "2025-12-01"));
    assert!(error(&s).contains("expires on 2025-12-01: too short-dated"));
    s.on_scan(gs1("L2611", "2026-03-01"));
    assert_eq!((s.count, s.message.as_ref().map(|m| m.0)), (1, None));
}

#[test]
fn quantities_come_from_repeated_scans_qty_and_keys_never_beyond_the_tote() {
    let mut s = screen();
    s.toggle_view(); // walk order: the next stop is still 2 (MILK), then 3 (MUG) with two totes
    s.on_scan(bin("01-004-A"));
    s.on_scan(item("MILK-1L"));
    s.on_scan(item("MILK-1L"));
    assert_eq!(s.count, 2);
    s.on_scan(item("MILK-1L"));
    assert!(error(&s).contains("Only 2 go into T0002"));
    assert_eq!(s.count, 2);
    let confirm = s.on_scan(PickInput::Tote("T0002".into()));
    assert_eq!(confirm, Some(PickCommand::Confirm { wave: WaveNumber(7), stock_id: 20, tote: "T0002".into(), qty: 2 }));
    // The store confirms; the next stop is MUG-RED for T0001 (3) then T0003 (2).
    let mut next = list();
    next.stops[1].shares[0].picked = 2;
    next.stops[1].state = StopState::Done;
    s.on_list(next);
    assert_eq!((s.current().map(|s| s.seq), s.at_bin, s.count), (Some(3), None, 0));
    s.on_scan(bin("05-010-B"));
    s.on_scan(PickInput::Quantity(2));
    s.on_scan(item("MUG-RED"));
    assert_eq!(s.count, 2);
    s.on_key(&KeyEvent::new(KeyCode::Char('+'), KeyModifiers::NONE));
    assert_eq!(s.count, 3);
    s.on_key(&KeyEvent::new(KeyCode::Char('+'), KeyModifiers::NONE));
    assert!(error(&s).contains("Only 3 go into T0001"));
    s.on_key(&KeyEvent::new(KeyCode::Char('-'), KeyModifiers::NONE));
    assert_eq!(s.count, 2);
}

#[test]
fn a_short_pick_asks_why_then_reports_the_stop() {
    let mut s = screen();
    assert_eq!(s.on_scan(PickInput::Command("SHORT")), None);
    assert!(s.short_menu);
    s.on_scan(bin("01-004-A"));
    assert!(error(&s).contains("Choose why"));
    let command = s.on_key(&KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE));
    assert_eq!(
        command,
        Some(PickCommand::Short { wave: WaveNumber(7), stock_id: 20, reason: ShortReason::CannotFind })
    );
    assert!(!s.short_menu);
}

#[test]
fn snapshots_of_the_pick_screen() {
    let mut s = screen();
    s.on_scan(bin("01-004-A"));
    s.on_scan(item("MILK-1L"));
    insta::assert_snapshot!("pick_120x40", draw(&s, 120, 40));
    insta::assert_snapshot!("pick_80x24", draw(&s, 80, 24));
    insta::assert_snapshot!("pick_40x16", draw(&s, 40, 16));
    s.start_short();
    insta::assert_snapshot!("pick_short_40x16", draw(&s, 40, 16));
}

#[test]
fn a_picked_wave_says_so() {
    let mut done = list();
    for stop in &mut done.stops {
        for share in &mut stop.shares {
            share.picked = share.qty;
        }
        stop.state = StopState::Done;
    }
    let mut s = PickScreen::new(done, now(), day("2025-12-05"));
    assert!(s.current().is_none());
    s.on_scan(bin("01-004-A"));
    assert!(error(&s).contains("WAVE-000007 is picked"));
    let text = format!("{:?}", draw(&s, 80, 24));
    assert!(text.contains("Wave picked."), "{text}");
}
