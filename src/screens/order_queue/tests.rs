//! Snapshots of the order queue at 80x24 and 120x40 in its empty, populated,
//! detail, search and error states, plus the paging logic.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::domain::queue::{DetailLine, EventRecord, HoldInfo, QueueKey, ReservedPlace};
use crate::domain::{HoldReason, OrderStatus};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn row(id: i64, customer: &str, status: OrderStatus, ship_in_minutes: i64, holds: Vec<HoldReason>) -> QueueRow {
    QueueRow {
        id,
        channel: "shop".into(),
        channel_ref: format!("#{}", 1000 + id),
        customer: customer.into(),
        country: "DE".into(),
        lines: (id % 4 + 1) as u32,
        units: (id % 4 + 2) as u32,
        ship_by: now() + Duration::minutes(ship_in_minutes),
        priority: 5,
        service: if id % 3 == 0 { "express".into() } else { "standard".into() },
        status,
        holds,
    }
}

fn rows() -> Vec<QueueRow> {
    vec![
        row(101, "Ana Lima", OrderStatus::Ready, -95, vec![]),
        row(102, "Jonas Berg", OrderStatus::Held, -10, vec![HoldReason::BadAddress, HoldReason::Unpaid]),
        row(103, "Marie Dubois", OrderStatus::Picking, 45, vec![]),
        row(104, "Piotr Nowak", OrderStatus::Ready, 130, vec![]),
        row(105, "Sofia Rossi-Bianchi von Hohenberg", OrderStatus::Backordered, 600, vec![]),
        row(106, "Liam Smith", OrderStatus::Packed, 2 * 24 * 60 + 30, vec![]),
        row(107, "Zoë Ørsted", OrderStatus::New, 3000, vec![HoldReason::UnknownSku]),
    ]
}

fn counts() -> StatusCounts {
    StatusCounts(
        [
            (OrderStatus::New, 1),
            (OrderStatus::Ready, 1_204),
            (OrderStatus::Held, 37),
            (OrderStatus::Backordered, 12),
            (OrderStatus::Picking, 80),
            (OrderStatus::Packed, 9),
            (OrderStatus::Delivered, 990_000),
        ]
        .into_iter()
        .collect(),
    )
}

fn populated() -> QueueScreen {
    let mut screen = QueueScreen::new(now());
    screen.on_counts(counts());
    screen.page_size = 20;
    let command = screen.reload_from_start();
    assert!(matches!(command, QueueCommand::LoadPage(_)));
    assert_eq!(screen.on_page(rows()), None);
    screen
}

fn detail() -> OrderDetail {
    OrderDetail {
        row: rows()[1].clone(),
        address_lines: vec!["Hauptstrasse 5".into(), "10115 Berlin DE".into(), "+49 30 1234567".into()],
        note: "Leave at the back door".into(),
        financial_status: "pending".into(),
        total_minor: 5_990,
        currency: "EUR".into(),
        carrier_service: "DHL Paket".into(),
        signature_required: true,
        lines: vec![
            DetailLine {
                sku: "MUG-RED".into(),
                title: "Ceramic Mug 350 ml, Red".into(),
                qty: 2,
                requires_shipping: true,
                reserved: vec![ReservedPlace { bin: "01-001-A".into(), lot: Some("L2611".into()), qty: 2 }],
                free: 1,
            },
            DetailLine {
                sku: "GIFT-CARD".into(),
                title: "Gift card".into(),
                qty: 1,
                requires_shipping: false,
                reserved: Vec::new(),
                free: 0,
            },
        ],
        holds: vec![HoldInfo {
            reason: HoldReason::BadAddress,
            note: String::new(),
            since: now() - Duration::hours(3),
        }],
        events: vec![EventRecord {
            at: now() - Duration::hours(3),
            station: "sync".into(),
            operator: "system".into(),
            kind: "order_imported".into(),
            details: "#1102 from shop".into(),
        }],
    }
}

fn draw(screen: &QueueScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn empty_store() {
    let screen = QueueScreen::new(now());
    insta::assert_snapshot!("empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn populated_queue() {
    let screen = populated();
    insta::assert_snapshot!("populated_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("populated_120x40", draw(&screen, 120, 40));
}

#[test]
fn late_orders_say_late_and_are_red() {
    let screen = populated();
    let backend = draw(&screen, 120, 40);
    let text = format!("{backend}");
    assert!(text.contains("late 1h35m"), "{text}");
    // Row of ORD-000101 (late): its order number cell is red.
    let buffer = backend.buffer();
    let y = (0..40)
        .find(|y| (0..120).map(|x| buffer[(x, *y)].symbol()).collect::<String>().contains("ORD-000101"))
        .unwrap();
    let x = (0..120).find(|x| buffer[(*x, y)].symbol() == "O").unwrap();
    assert_eq!(buffer[(x, y)].fg, ratatui::style::Color::Red);
    // ORD-000104 is not late: default colour.
    let y = (0..40)
        .find(|y| (0..120).map(|x| buffer[(x, *y)].symbol()).collect::<String>().contains("ORD-000104"))
        .unwrap();
    assert_ne!(buffer[(x, y)].fg, ratatui::style::Color::Red);
}

#[test]
fn detail_pane() {
    let mut screen = populated();
    screen.update(Action::SelectNext);
    screen.update(Action::ToggleDetail);
    assert_eq!(screen.wanted_detail(), Some(OrderNumber(102)));
    screen.on_detail(Some(detail()));
    assert_eq!(screen.wanted_detail(), None);
    insta::assert_snapshot!("detail_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("detail_120x40", draw(&screen, 120, 40));
}

#[test]
fn a_backordered_detail_says_what_it_waits_for() {
    let mut screen = populated();
    screen.update(Action::SelectNext);
    screen.update(Action::ToggleDetail);
    let mut waiting = detail();
    waiting.row.status = OrderStatus::Backordered;
    waiting.holds.clear();
    waiting.lines[0].qty = 5;
    screen.on_detail(Some(waiting.clone()));
    let text = format!("{:?}", draw(&screen, 120, 40));
    assert!(text.contains("reserved 2 in 01-001-A (lot L2611)") && text.contains("short: 3 needed, 1 free"), "{text}");
    // Once shipped, the pick list has taken over: no allocation lines.
    waiting.row.status = OrderStatus::Shipped;
    screen.on_detail(Some(waiting));
    let text = format!("{:?}", draw(&screen, 120, 40));
    assert!(!text.contains("reserved 2") && !text.contains("needed"), "{text}");
}

#[test]
fn search_typing_and_results() {
    let mut screen = populated();
    screen.update(Action::StartSearch);
    for c in "lima".chars() {
        assert_eq!(screen.type_key(&key(KeyCode::Char(c))), None);
    }
    insta::assert_snapshot!("search_typing_80x24", draw(&screen, 80, 24));
    let command = screen.type_key(&key(KeyCode::Enter));
    assert_eq!(command, Some(QueueCommand::Search(SearchQuery::Text("lima".into()))));
    screen.on_search("lima".into(), vec![rows()[0].clone()]);
    insta::assert_snapshot!("search_results_120x40", draw(&screen, 120, 40));
    // Esc leaves the results and shows the page again.
    screen.update(Action::ClearSearch);
    assert!(screen.results.is_none());
    assert_eq!(screen.visible_rows().len(), rows().len());
}

#[test]
fn error_message() {
    let mut screen = populated();
    screen.on_error("store error: database is locked".into());
    insta::assert_snapshot!("error_80x24", draw(&screen, 80, 24));
}

#[test]
fn empty_tab_says_so() {
    let mut screen = populated();
    screen.filter = QueueFilter::Status(OrderStatus::Short);
    screen.on_page(vec![]);
    let text = format!("{}", draw(&screen, 80, 24));
    assert!(text.contains("No orders are short right now."), "{text}");
}

fn key_of(id: i64) -> QueueKey {
    rows().into_iter().find(|r| r.id == id).unwrap().key()
}

#[test]
fn moving_past_the_page_asks_for_the_next_rows() {
    let mut screen = populated();
    screen.page_size = 7;
    // Within the page: no store work.
    for _ in 0..6 {
        assert_eq!(screen.update(Action::SelectNext), None);
    }
    assert_eq!(screen.page.selected, 6);
    // Past the last row: the window moves by one, anchored on the second row.
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::SelectNext) else { panic!("expected a page load") };
    assert_eq!(query.from, PageFrom::AtOrAfter(key_of(102)));
    assert_eq!(query.limit, 7);
    let mut next: Vec<QueueRow> = rows()[1..].to_vec();
    next.push(row(108, "Eva Novak", OrderStatus::Ready, 4000, vec![]));
    screen.on_page(next);
    assert_eq!((screen.page.offset, screen.page.selected), (1, 6));
    assert_eq!(screen.selected_row().unwrap().id, 108);
    // Page down continues after the last row; page up goes back before the first.
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::PageDown) else { panic!() };
    assert!(matches!(query.from, PageFrom::After(k) if k.id == 108));
    // Nothing came back (other terminals moved those orders): start over.
    let follow = screen.on_page(vec![]);
    assert!(matches!(follow, Some(QueueCommand::LoadPage(q)) if q.from == PageFrom::Start), "{follow:?}");
}

#[test]
fn tabs_cycle_and_reload_from_the_start() {
    let mut screen = populated();
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::NextFilter) else { panic!() };
    assert_eq!(query.filter, QueueFilter::Status(OrderStatus::New));
    assert_eq!(query.from, PageFrom::Start);
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::PreviousFilter) else { panic!() };
    assert_eq!(query.filter, QueueFilter::Open);
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::PreviousFilter) else { panic!() };
    assert_eq!(query.filter, QueueFilter::Status(OrderStatus::Cancelled));
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::ToggleSort) else { panic!() };
    assert_eq!(query.sort, QueueSort::Priority);
}

#[test]
fn last_page_offset_comes_from_the_count() {
    let mut screen = populated();
    let Some(QueueCommand::LoadPage(query)) = screen.update(Action::SelectLast) else { panic!() };
    assert_eq!(query.from, PageFrom::End);
    screen.on_page(rows());
    assert_eq!(screen.page.offset, screen.total() - rows().len() as u64);
    assert_eq!(screen.page.selected, rows().len() - 1);
}

#[test]
fn tabs_are_never_cut_in_the_middle() {
    use super::draw::visible_tabs_for_test as visible;
    // Widths 10 each, room for 3 (+2 for the markers).
    let widths = [10; 8];
    assert_eq!(visible(&widths, 0, 32), (0, 2));
    assert_eq!(visible(&widths, 5, 32), (5, 7));
    assert_eq!(visible(&widths, 7, 32), (5, 7));
    assert_eq!(visible(&widths, 3, 200), (0, 7));
    // At 80 columns the Picking count shows whole or not at all.
    let screen = populated();
    let text = format!("{}", draw(&screen, 80, 24));
    let tab_line = text.lines().next().unwrap();
    assert!(!tab_line.contains("Picking 8 ") && !tab_line.contains("Picking 8\""), "{tab_line}");
}
