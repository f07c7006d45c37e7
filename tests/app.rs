//! Headless flow tests: the whole app on a temporary demo store, driven by
//! key events, checked on screen and in the store; on SQLite and on
//! PostgreSQL (the demo warehouse seeded into a database of its own).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use packline::app::App;
use packline::app::event::Event;
use packline::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueRow, QueueSort};
use packline::domain::{Actor, OrderNumber, OrderStatus};
use packline::store::Store;
use tempfile::TempDir;

#[path = "console/mod.rs"]
mod console;
mod pg;

use console::{app, clock, now, press, scan, screen, signed_out, supervisor, type_text};

/// The demo warehouse with `orders` orders (as `console::demo_store` seeds
/// it), in `demo.db` of a new directory or in a new PostgreSQL database.
fn demo_store(backend: &pg::Backend, orders: u64) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = backend.location(dir.path(), "demo.db");
    let mut store = Store::open(&path).unwrap();
    let options = packline::demo::DemoOptions { orders, seed: 42, now: now() };
    packline::demo::seed(&mut store, &options, &mut |_, _| {}).unwrap();
    (dir, path)
}

/// The store's name on the status bar: the file's name, or the PostgreSQL database's.
fn store_label(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Ticks the console at `at` until it redraws for another connection's
/// change. SQLite's `data_version` has moved by the time the other
/// connection's commit returns, so the first tick must redraw; PostgreSQL's
/// notice of the commit arrives a moment later, so ticks go on for up to 5 s.
fn tick_until_redrawn(backend: &pg::Backend, app: &mut App, at: DateTime<Utc>) {
    if !backend.is_postgres() {
        assert!(app.handle(Event::Tick(at)), "a change redraws");
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app.handle(Event::Tick(at)) {
        assert!(Instant::now() < deadline, "no redraw within 5 s of another connection's change");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every order in `status`, by order number.
fn orders_in(store: &Store, status: OrderStatus) -> Vec<QueueRow> {
    let query = QueueQuery {
        filter: QueueFilter::Status(status),
        sort: QueueSort::ShipBy,
        from: PageFrom::Start,
        limit: 100_000,
    };
    let mut rows = store.queue_page(&query).unwrap();
    rows.sort_by_key(|r| r.id);
    rows
}

fn opens_on_the_open_queue_sorted_by_ship_by(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 1_500);
    let app = app(&path, (120, 40));
    let queue = app.queue();
    assert_eq!(queue.filter, QueueFilter::Open);
    let rows = queue.visible_rows();
    // 40 lines less hints, status bar, tab line, footer, two borders and the header.
    assert_eq!(rows.len(), 33);
    assert!(rows.iter().all(|r| r.status.is_open()));
    assert!(rows.windows(2).all(|w| (w[0].ship_by, w[0].id) <= (w[1].ship_by, w[1].id)));
    // The tab counts are the store's.
    let store = Store::open(&path).unwrap();
    assert_eq!(queue.counts, store.status_counts().unwrap());
    let text = screen(&app, (120, 40));
    assert!(text.contains(&format!("{}", rows[0].number())), "{text}");
    assert!(
        text.contains("TEST-1")
            && text.contains("EMP-0002 Jonas Weber (picker)")
            && text.contains(&format!("store {}", store_label(&path))),
        "{text}"
    );
}

fn searching_by_customer_then_order_number(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 1_500);
    let mut app = app(&path, (120, 40));
    let target = app.queue().visible_rows()[3].clone();
    let surname = target.customer.split_whitespace().last().unwrap().to_owned();
    press(&mut app, KeyCode::Char('/'));
    assert!(app.queue().is_typing());
    // 'q' while typing lands in the box, it does not quit.
    press(&mut app, KeyCode::Char('q'));
    assert!(app.exit().is_none());
    assert_eq!(app.queue().search_input.as_deref(), Some("q"));
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, &surname.to_lowercase());
    press(&mut app, KeyCode::Enter);
    let results = app.queue().results.as_ref().expect("search results");
    assert!(results.rows.iter().any(|r| r.id == target.id), "{surname} should find {}", target.number());
    let lower = surname.to_lowercase();
    assert!(results.rows.iter().all(|r| r.customer.to_lowercase().split_whitespace().any(|w| w.starts_with(&lower))
        || r.channel_ref.to_lowercase().contains(&lower)));
    let text = screen(&app, (120, 40));
    assert!(text.contains(&format!("Search \"{}\"", surname.to_lowercase())), "{text}");
    // Esc goes back to the queue page we left.
    press(&mut app, KeyCode::Esc);
    assert!(app.queue().results.is_none());
    // By order number: exactly that order.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, &target.number().to_string());
    press(&mut app, KeyCode::Enter);
    let results = app.queue().results.as_ref().unwrap();
    assert_eq!(results.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![target.id]);
    // Enter opens its detail with its lines and events from the store.
    press(&mut app, KeyCode::Enter);
    let detail = app.queue().detail.as_ref().expect("detail loaded");
    assert_eq!(detail.row.id, target.id);
    assert_eq!(detail.lines.len() as u32, target.lines);
    assert!(detail.events.iter().any(|e| e.kind == "order_imported"));
    let text = screen(&app, (120, 40));
    assert!(text.contains("Lines (") && text.contains("Events"), "{text}");
}

fn another_terminals_change_shows_on_the_next_tick(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 800);
    let mut app = app(&path, (120, 40));
    let first = app.queue().visible_rows()[0].clone();
    let cancelled_before = app.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled));
    // Another terminal cancels the first order.
    let mut other = Store::open(&path).unwrap();
    other
        .transition_order(&Actor::new("OTHER", "EMP-0001"), first.number(), OrderStatus::Cancelled, "customer called")
        .unwrap();
    tick_until_redrawn(backend, &mut app, now() + chrono::Duration::seconds(1));
    assert_eq!(app.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled)), cancelled_before + 1);
    assert!(app.queue().visible_rows().iter().all(|r| r.id != first.id), "the cancelled order left the Open tab");
    // Nothing changed since: the next tick in the same minute does not redraw.
    assert!(!app.handle(Event::Tick(now() + chrono::Duration::seconds(2))));
    // The change is in the store with its audit event.
    let detail = other.order_detail(OrderNumber(first.id), 5).unwrap().unwrap();
    assert_eq!(detail.row.status, OrderStatus::Cancelled);
    assert!(detail.events.iter().any(|e| e.kind == "status_changed" && e.station == "OTHER"));
}

/// The console polls `Store::data_version` on its tick and reloads when it
/// moved. It moves for commits of other connections only: SQLite's
/// `PRAGMA data_version`; on PostgreSQL the change notices (LISTEN/NOTIFY)
/// of every other connection, which arrive a moment after their commit.
/// The console's own writes are shown at once and owe no reload.
fn the_console_reloads_for_another_connections_commit_not_for_its_own(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut boss = supervisor(&path);
    let at = now() + chrono::Duration::seconds(1);
    // Its own change: the supervisor makes an order more urgent, shown at once.
    let ready = |r: &&QueueRow| r.status == OrderStatus::Ready && r.holds.is_empty();
    let urgent = boss.queue().visible_rows().iter().filter(ready).find(|r| r.priority > 1).unwrap().clone();
    select(&mut boss, urgent.id);
    press(&mut boss, KeyCode::Char('+'));
    assert!(!boss.take_bell());
    let shown = |app: &App, id: i64| app.queue().visible_rows().iter().find(|r| r.id == id).map(|r| r.priority);
    assert_eq!(shown(&boss, urgent.id), Some(urgent.priority - 1));
    // Another connection commits a change: another terminal cancels another ready order.
    let first = boss.queue().visible_rows().iter().filter(ready).find(|r| r.id != urgent.id).unwrap().clone();
    let cancelled_before = boss.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled));
    let mut other = Store::open(&path).unwrap();
    other
        .transition_order(&Actor::new("OTHER", "EMP-0001"), first.number(), OrderStatus::Cancelled, "customer called")
        .unwrap();
    // The console's tick sees it (on PostgreSQL once the notice is in) and reloads.
    tick_until_redrawn(backend, &mut boss, at);
    assert_eq!(boss.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled)), cancelled_before + 1);
    assert!(boss.queue().visible_rows().iter().all(|r| r.id != first.id), "the cancelled order left the Open tab");
    assert_eq!(shown(&boss, urgent.id), Some(urgent.priority - 1), "its own change is still shown");
    // Nothing is owed for the console's own change: it was committed before
    // the other one, so on PostgreSQL its notice came first (notices arrive
    // in commit order) and did not count.
    assert!(!boss.handle(Event::Tick(at + chrono::Duration::seconds(1))));
    // Its own next change does not make the next tick reload either.
    select(&mut boss, urgent.id);
    press(&mut boss, KeyCode::Char('-'));
    assert!(!boss.take_bell());
    assert_eq!(shown(&boss, urgent.id), Some(urgent.priority));
    let cancelled_after = boss.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled));
    other
        .transition_order(&Actor::new("OTHER", "EMP-0001"), urgent.number(), OrderStatus::Cancelled, "customer called")
        .unwrap();
    tick_until_redrawn(backend, &mut boss, at + chrono::Duration::seconds(2));
    assert_eq!(boss.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled)), cancelled_after + 1);
    assert!(!boss.handle(Event::Tick(at + chrono::Duration::seconds(3))));
}

fn paging_through_a_tab_reaches_every_order_once(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 1_200);
    let mut app = app(&path, (80, 24));
    let total = app.queue().total();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..total {
        let row = app.queue().selected_row().unwrap().id;
        assert!(seen.insert(row), "order {row} came twice");
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(seen.len() as u64, total);
    let position = app.queue().page.offset + app.queue().page.selected as u64 + 1;
    assert_eq!(position, total, "the selection stops on the last order");
    // End and Home jump straight there.
    press(&mut app, KeyCode::Home);
    assert_eq!((app.queue().page.offset, app.queue().page.selected), (0, 0));
    press(&mut app, KeyCode::End);
    assert_eq!(app.queue().page.offset + app.queue().page.selected as u64 + 1, total);
}

fn help_comes_from_the_keymap_and_esc_closes_it(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = app(&path, (100, 40));
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&app, (100, 40));
    assert!(text.contains("Search: order number, customer or SKU"), "{text}");
    assert!(text.contains("Sort by ship-by or by priority"), "{text}");
    // While help is open, 'q' does not quit.
    press(&mut app, KeyCode::Char('q'));
    assert!(app.exit().is_none());
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&app, (100, 40)).contains("Sort by ship-by or by priority"));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.exit().is_some());
}

fn a_small_terminal_is_asked_to_grow(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let app = app(&path, (60, 20));
    let text = screen(&app, (60, 20));
    assert!(text.contains("Enlarge the terminal") && text.contains("this one is 60x20"), "{text}");
}

fn snapshots_of_the_console(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let app80 = app(&path, (80, 24));
    insta::assert_snapshot!("console_demo_80x24", named_as(screen(&app80, (80, 24)), &path, "demo.db"));
    let app120 = app(&path, (120, 40));
    insta::assert_snapshot!("console_demo_120x40", named_as(screen(&app120, (120, 40)), &path, "demo.db"));
    let empty_dir = TempDir::new().unwrap();
    let empty_path = backend.location(empty_dir.path(), "empty.db");
    let empty = signed_out(&empty_path, (80, 24));
    insta::assert_snapshot!("console_empty_80x24", named_as(screen(&empty, (80, 24)), &empty_path, "empty.db"));
}

/// `text` with the status bar's store name (`store <label>`) shown as the
/// snapshots' `file`, so a screen of a PostgreSQL store (named by its
/// database, `t12`) is compared cell for cell with the SQLite one. The
/// label must be shorter: the padding before the clock takes up the difference.
fn named_as(text: String, path: &Path, file: &str) -> String {
    let label = store_label(path);
    if label == file {
        return text;
    }
    assert!(label.len() < file.len(), "store label {label:?} is longer than {file:?}");
    let shown = format!("store {label}{}", " ".repeat(file.len() - label.len()));
    assert!(text.contains(&shown), "no {shown:?} on the screen: {text}");
    text.replace(&shown, &format!("store {file}"))
}

fn a_scan_never_lands_in_the_search_box_and_opens_its_order(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 800);
    let mut app = app(&path, (120, 40));
    let target = app.queue().visible_rows()[2].clone();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "li");
    scan(&mut app, &target.number().to_string());
    // The typed text is untouched; the scanned order is shown with its detail.
    assert_eq!(app.queue().search_input.as_deref(), Some("li"));
    assert_eq!(app.queue().detail.as_ref().map(|d| d.row.id), Some(target.id));
    assert!(!app.take_bell());
}

fn a_wrong_scan_rings_and_changes_nothing(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = app(&path, (120, 40));
    let before = app.queue().visible_rows().to_vec();
    scan(&mut app, "4006381333932");
    assert!(app.take_bell(), "a refused scan rings the bell");
    let text = screen(&app, (120, 40));
    assert!(text.contains("Scan refused: check digit of 4006381333932 should be 1"), "{text}");
    assert_eq!(app.queue().visible_rows(), before.as_slice());
    // CMD-HELP opens the help from the scanner.
    scan(&mut app, "CMD-HELP");
    assert!(screen(&app, (120, 40)).contains("Show or hide this help"));
}

fn sign_in_by_badge_and_out_by_command_barcode(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = signed_out(&path, (100, 30));
    let text = screen(&app, (100, 30));
    assert!(text.contains("Scan your badge") && text.contains("not signed in"), "{text}");
    // Nothing but a badge works before sign-in.
    scan(&mut app, "ORD-000001");
    assert!(app.take_bell());
    assert!(screen(&app, (100, 30)).contains("Sign in first: scan your badge."));
    // A packer's badge signs in at once.
    scan(&mut app, "EMP-0004");
    assert_eq!(app.operator().map(|o| o.name.as_str()), Some("Marek Nowak"));
    assert!(screen(&app, (100, 30)).contains("EMP-0004 Marek Nowak (packer)"));
    // CMD-LOGOUT signs out, audited.
    scan(&mut app, "CMD-LOGOUT");
    assert!(app.operator().is_none());
    let store = Store::open(&path).unwrap();
    let newest = store.operator_events("EMP-0004", 2).unwrap();
    assert_eq!(newest.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["sign_out", "sign_in"]);
    assert_eq!((newest[0].details.as_str(), newest[0].station.as_str()), ("CMD-LOGOUT", "TEST-1"));
}

fn supervisors_need_their_pin_and_wrong_pins_pause_sign_in(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = signed_out(&path, (100, 30));
    scan(&mut app, "EMP-0001");
    assert!(app.operator().is_none(), "a supervisor is not signed in by the badge alone");
    assert!(screen(&app, (100, 30)).contains("type your PIN"));
    for _ in 0..3 {
        type_text(&mut app, "9999");
        press(&mut app, KeyCode::Enter);
    }
    let text = screen(&app, (100, 30));
    assert!(text.contains("Wrong PIN 3 times: wait 30 s."), "{text}");
    // Even the right PIN waits until the pause is over.
    scan(&mut app, "EMP-0001");
    assert!(screen(&app, (100, 30)).contains("Too many wrong PINs"));
    app.handle(Event::Tick(now() + chrono::Duration::seconds(31)));
    scan(&mut app, "EMP-0001");
    type_text(&mut app, packline::demo::DEMO_PIN);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.operator().map(|o| o.badge.as_str()), Some("EMP-0001"));
    // The refusals are in the audit trail.
    let store = Store::open(&path).unwrap();
    let refused = store.operator_events("EMP-0001", 10).unwrap().iter().filter(|e| e.kind == "sign_in_refused").count();
    assert_eq!(refused, 3);
}

fn an_idle_station_signs_out(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = app(&path, (100, 30));
    app.handle(Event::Tick(now() + chrono::Duration::minutes(14)));
    assert!(app.operator().is_some());
    app.handle(Event::Tick(now() + chrono::Duration::minutes(16)));
    assert!(app.operator().is_none());
    assert!(screen(&app, (100, 30)).contains("Scan your badge"));
}

fn the_scanner_test_screen_records_scans_instead_of_acting_on_them(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = signed_out(&path, (120, 40));
    press(&mut app, KeyCode::F(2));
    assert!(app.scanner_test().is_some());
    // A badge scanned here is recorded, not a sign-in.
    scan(&mut app, "EMP-0002");
    assert!(app.operator().is_none());
    // A scanner without an Enter suffix: a fast burst and then nothing.
    for c in "T0042".chars() {
        app.handle(Event::Input(TermEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)), clock(8)));
    }
    app.flush_input(clock(100));
    let entries = app.scanner_test().unwrap().entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].burst.text, "EMP-0002");
    assert_eq!(entries[1].report.kind, "badge");
    assert_eq!(entries[0].burst.text, "T0042");
    let text = screen(&app, (120, 40));
    assert!(text.contains("no Enter after the code"), "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(app.scanner_test().is_none());
    assert!(screen(&app, (120, 40)).contains("Scan your badge"));
}

fn only_a_supervisor_may_change_priority(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    // A picker is refused, with a bell, and nothing changes.
    let mut app = app(&path, (120, 40));
    let row = app.queue().visible_rows()[0].clone();
    press(&mut app, KeyCode::Char('+'));
    assert!(app.take_bell());
    assert!(screen(&app, (120, 40)).contains("Only a supervisor can change an order's priority."));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.order_detail(row.number(), 20).unwrap().unwrap().row.priority, row.priority);
    // The supervisor (badge and PIN) makes it more urgent; the change is audited.
    let mut app = signed_out(&path, (120, 40));
    scan(&mut app, "EMP-0001");
    type_text(&mut app, packline::demo::DEMO_PIN);
    press(&mut app, KeyCode::Enter);
    let row = app.queue().visible_rows().iter().find(|r| r.priority > 1).unwrap().clone();
    while app.queue().selected_row().unwrap().id != row.id {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('+'));
    assert!(!app.take_bell());
    let detail = store.order_detail(row.number(), 20).unwrap().unwrap();
    assert_eq!(detail.row.priority, row.priority - 1);
    let event = detail.events.iter().find(|e| e.kind == "priority_changed").unwrap();
    assert_eq!(
        (event.operator.as_str(), event.details.clone()),
        ("EMP-0001", format!("{} -> {}", row.priority, row.priority - 1))
    );
}

fn select(app: &mut App, id: i64) {
    while app.queue().selected_row().unwrap().id != id {
        press(app, KeyCode::Down);
    }
}

fn a_supervisor_holds_releases_and_cancels_saying_why(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = supervisor(&path);
    let store = Store::open(&path).unwrap();
    let target = app
        .queue()
        .visible_rows()
        .iter()
        .find(|r| r.status == OrderStatus::Ready && r.holds.is_empty())
        .unwrap()
        .clone();
    let reserved = store.order_reservations(target.number()).unwrap();
    assert!(!reserved.is_empty(), "a ready order holds its stock");
    select(&mut app, target.id);
    // Hold: an empty reason is not enough.
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Enter);
    assert!(app.queue().prompt.is_some(), "still asking why");
    type_text(&mut app, "customer called");
    press(&mut app, KeyCode::Enter);
    let held = store.order_detail(target.number(), 10).unwrap().unwrap();
    assert_eq!(held.row.status, OrderStatus::Held);
    assert_eq!(held.row.holds, [packline::domain::HoldReason::Manual]);
    assert!(
        held.events
            .iter()
            .any(|e| e.kind == "order_held" && e.details == "manual: customer called" && e.operator == "EMP-0001")
    );
    assert_eq!(store.order_reservations(target.number()).unwrap(), reserved, "a hold keeps the stock");
    // Release: validated again, and this order is fine: its stock is still
    // reserved, so it is ready again at once.
    for _ in 0..3 {
        app.dispatch(packline::app::action::Action::NextFilter);
    }
    assert_eq!(app.queue().filter, QueueFilter::Status(OrderStatus::Held));
    select(&mut app, target.id);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "called back, all fine");
    press(&mut app, KeyCode::Enter);
    assert_eq!(store.order_status(target.number()).unwrap(), OrderStatus::Ready);
    assert!(screen(&app, (120, 40)).contains("is released and ready"));
    // Cancel from the Ready tab: the stock goes back to its bins.
    app.dispatch(packline::app::action::Action::PreviousFilter);
    select(&mut app, target.id);
    press(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "duplicate order");
    press(&mut app, KeyCode::Enter);
    let cancelled = store.order_detail(target.number(), 10).unwrap().unwrap();
    assert_eq!(cancelled.row.status, OrderStatus::Cancelled);
    assert!(cancelled.events.iter().any(|e| e.details == "ready -> cancelled: duplicate order"));
    assert!(store.order_reservations(target.number()).unwrap().is_empty());
    assert!(store.audit_allocation().unwrap().is_clean());
}

fn releasing_an_order_that_still_fails_keeps_it_held(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let mut app = supervisor(&path);
    for _ in 0..3 {
        app.dispatch(packline::app::action::Action::NextFilter);
    }
    let bad = app
        .queue()
        .visible_rows()
        .iter()
        .find(|r| r.holds == [packline::domain::HoldReason::BadAddress])
        .unwrap()
        .clone();
    select(&mut app, bad.id);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "try again");
    press(&mut app, KeyCode::Enter);
    let store = Store::open(&path).unwrap();
    let detail = store.order_detail(bad.number(), 10).unwrap().unwrap();
    assert_eq!(detail.row.status, OrderStatus::Held);
    assert_eq!(detail.row.holds, [packline::domain::HoldReason::BadAddress]);
    assert!(screen(&app, (120, 40)).contains("is still held: address."));
}

fn help_scrolls_when_the_terminal_is_small(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = app(&path, (80, 24));
    press(&mut app, KeyCode::Char('?'));
    let first = screen(&app, (80, 24));
    assert!(first.contains("↑↓ scroll") && !first.contains("Quit packline"), "{first}");
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
    }
    assert!(screen(&app, (80, 24)).contains("Quit packline"));
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&app, (80, 24)).contains("Quit packline"));
}

fn the_held_tab_shows_one_hold_reason_at_a_time(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 1_200);
    let mut app = app(&path, (120, 40));
    // Elsewhere the key explains itself.
    press(&mut app, KeyCode::Char('f'));
    assert!(screen(&app, (120, 40)).contains("Hold reasons filter the Held tab"));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.queue().filter, QueueFilter::Status(OrderStatus::Held));
    press(&mut app, KeyCode::Char('f'));
    let reason = packline::domain::HoldReason::BadAddress;
    assert_eq!(app.queue().filter, QueueFilter::HeldFor(reason));
    let rows = app.queue().visible_rows();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.holds.contains(&reason)));
    let store = Store::open(&path).unwrap();
    let count = store.hold_counts().unwrap()[&reason];
    let text = screen(&app, (120, 40));
    assert!(text.contains(&format!("Held: address · {count} orders")), "{text}");
    // Through every reason and back to the whole tab.
    for _ in 0..packline::domain::HoldReason::ALL.len() {
        press(&mut app, KeyCode::Char('f'));
    }
    assert_eq!(app.queue().filter, QueueFilter::Status(OrderStatus::Held));
    // Tab moves on from the Held tab whatever view it shows.
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.queue().filter, QueueFilter::Status(OrderStatus::Backordered));
}

fn correcting_a_bad_address_releases_the_order(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let mut app = supervisor(&path);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    let store = Store::open(&path).unwrap();
    let bad = app
        .queue()
        .visible_rows()
        .iter()
        .find(|r| {
            r.holds == [packline::domain::HoldReason::BadAddress]
                && store.order_as_received(r.number()).unwrap().unwrap().address.city.is_empty()
        })
        .expect("a demo order held only for a missing city")
        .clone();
    select(&mut app, bad.id);
    press(&mut app, KeyCode::Char('e'));
    assert!(screen(&app, (120, 40)).contains(&format!("Address of {}", bad.number())));
    // The form starts on the missing city.
    type_text(&mut app, "Lisboa");
    press(&mut app, KeyCode::Enter);
    let detail = store.order_detail(bad.number(), 10).unwrap().unwrap();
    assert_eq!(store.order_as_received(bad.number()).unwrap().unwrap().address.city, "Lisboa");
    assert!(
        matches!(detail.row.status, OrderStatus::Ready | OrderStatus::Backordered),
        "corrected and checked again: no longer held, allocated instead ({})",
        detail.row.status
    );
    assert!(detail.events.iter().any(|e| e.kind == "address_corrected" && e.operator == "EMP-0001"));
    assert!(detail.events.iter().any(|e| e.kind == "holds_released" && e.details.ends_with("address corrected")));
}

/// Plans, creates and releases one wave as a supervisor would, by keys.
fn supervisor_plans_a_wave(path: &std::path::Path) -> packline::domain::WaveNumber {
    let mut boss = supervisor(path);
    press(&mut boss, KeyCode::F(3));
    assert_eq!(boss.active(), packline::app::Active::Waves);
    press(&mut boss, KeyCode::Char('n'));
    let preview = boss.waves().preview.clone().expect("a preview of the planned wave");
    assert!(preview.plan.orders.len() >= 10, "{} orders", preview.plan.orders.len());
    assert!(preview.plan.route_m <= preview.plan.baseline_m);
    let shown = screen(&boss, (120, 40));
    assert!(shown.contains("Walk, planned route") && shown.contains("First-come, S-shape"), "{shown}");
    press(&mut boss, KeyCode::Enter);
    press(&mut boss, KeyCode::Char('r'));
    let wave = boss.waves().selected_wave().expect("the new wave").clone();
    assert_eq!(
        (wave.status, wave.orders as usize),
        (packline::domain::WaveStatus::Released, preview.plan.orders.len())
    );
    assert!(screen(&boss, (120, 40)).contains("is on the floor"));
    wave.number
}

/// SQLite only: which stop to short is chosen by the free units of single
/// stock rows elsewhere, read with plain SQL; no store method tells them
/// (`stock_balance` sums a bin's lots).
#[test]
fn a_picker_picks_a_whole_wave_by_scans_with_one_short_pick() {
    let (_dir, path) = demo_store(&pg::Backend::Sqlite, 600);
    let wave = supervisor_plans_a_wave(&path);
    let store = Store::open(&path).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    // The picker's handheld: 40x16.
    let mut app = signed_out(&path, (40, 16));
    scan(&mut app, "EMP-0002");
    assert_eq!(app.active(), packline::app::Active::Waves);
    scan(&mut app, &wave.to_string());
    assert_eq!(app.active(), packline::app::Active::Pick);
    assert!(screen(&app, (40, 16)).contains("GO TO"));
    let units = app.pick().unwrap().list.wave.units;
    // One stop is reported short: the first whose SKU another bin holds enough of.
    let mut shorted = None;
    let mut moved_to = None;
    let mut rounds = 0;
    while let Some(stop) = app.pick().unwrap().current().cloned() {
        rounds += 1;
        assert!(rounds < 200, "the wave never ends");
        let share = stop.next_share().unwrap().clone();
        let left = share.qty - share.picked;
        let elsewhere: i64 = raw
            .query_row(
                "SELECT coalesce(max(s.on_hand - s.reserved), 0) FROM stock s JOIN skus k ON k.id = s.sku_id
                 WHERE k.code = ?1 AND s.id <> ?2",
                rusqlite::params![stop.sku, stop.stock_id],
                |r| r.get(0),
            )
            .unwrap();
        if shorted.is_none() && share.picked == 0 && elsewhere >= i64::from(stop.qty()) {
            scan(&mut app, &stop.bin.to_string());
            scan(&mut app, "CMD-SHORT");
            press(&mut app, KeyCode::Char('1'));
            let message = app.pick().unwrap().message.clone().unwrap().1;
            assert!(message.starts_with("Found elsewhere: added "), "{message}");
            shorted = Some(stop.clone());
            moved_to = Some(message);
            continue;
        }
        if app.pick().unwrap().at_bin != Some(stop.stock_id) {
            // A wrong bin first: refused with a bell, nothing changes.
            scan(&mut app, if stop.bin.to_string() == "12-025-D" { "12-025-C" } else { "12-025-D" });
            assert!(app.take_bell());
            scan(&mut app, &stop.bin.to_string());
        }
        if left > 1 {
            scan(&mut app, &format!("QTY-{}", left - 1));
        }
        scan(&mut app, &stop.sku);
        if left > 1 {
            scan(&mut app, &stop.sku);
        }
        assert_eq!(app.pick().unwrap().count, left, "{:?}", app.pick().unwrap().message);
        scan(&mut app, &share.tote);
        let message = app.pick().unwrap().message.clone();
        assert!(
            matches!(&message, Some((packline::screens::order_queue::Tone::Info, text)) if text.contains("into") || text.contains("picked")),
            "{message:?}"
        );
    }
    let shorted = shorted.expect("some stop had stock elsewhere");
    assert!(moved_to.unwrap().contains("added"));
    assert!(screen(&app, (40, 16)).contains("Wave picked"));
    let summary = store.wave(wave).unwrap();
    assert_eq!((summary.status, summary.done_units), (packline::domain::WaveStatus::Picked, units));
    // Every order is picked: the short stop was picked from another bin.
    let list = store.pick_list(wave).unwrap();
    for share in list.stops.iter().flat_map(|s| &s.shares) {
        assert_eq!(store.order_status(share.order).unwrap(), OrderStatus::Picked, "{}", share.order);
    }
    let count_tasks = store.count_tasks().unwrap();
    assert!(
        count_tasks.iter().any(|t| t.bin.to_string() == shorted.bin.to_string() && t.reason.contains(&shorted.sku)),
        "{count_tasks:?}"
    );
    assert!(store.audit_allocation().unwrap().is_clean());
}

fn signing_out_mid_wave_gives_the_wave_back_and_others_see_who_holds_one(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let wave = supervisor_plans_a_wave(&path);
    let store = Store::open(&path).unwrap();
    let mut picker = app(&path, (120, 40));
    press(&mut picker, KeyCode::F(3));
    scan(&mut picker, &wave.to_string());
    assert_eq!(picker.active(), packline::app::Active::Pick);
    let lease = store.wave(wave).unwrap().lease.expect("taken");
    assert_eq!((lease.station.as_str(), lease.operator.as_str()), ("TEST-1", "EMP-0002"));
    // Another picker at another station sees who holds it, and is refused.
    let mut other = signed_out(&path, (120, 40));
    scan(&mut other, "EMP-0003");
    let shown = screen(&other, (120, 40));
    assert!(shown.contains("EMP-0002/TEST-1"), "{shown}");
    scan(&mut other, &wave.to_string());
    assert_eq!(other.active(), packline::app::Active::Waves);
    assert!(other.take_bell());
    assert!(screen(&other, (120, 40)).contains("is held by EMP-0002"));
    // The first picker signs out: the wave is free at once.
    scan(&mut picker, "CMD-LOGOUT");
    assert!(store.wave(wave).unwrap().lease.is_none());
    assert!(picker.pick().is_none());
}

/// A picked order of the demo with its lines to pack (SKU code, units): the
/// `skip`-th by order number of those with at most 6 units in all and no
/// line to pack whose SKU needs a lot or serial number.
fn picked_order(path: &Path, skip: usize) -> (OrderNumber, Vec<(String, u32)>) {
    let store = Store::open(path).unwrap();
    orders_in(&store, OrderStatus::Picked)
        .iter()
        .filter(|row| {
            store.order_detail(row.number(), 0).unwrap().unwrap().lines.iter().map(|l| l.qty).sum::<u32>() <= 6
        })
        .filter_map(|row| {
            let order = store.pack_order(row.number()).unwrap();
            let plain = order.lines.iter().all(|l| !l.lot_tracked && !l.serial_tracked);
            plain.then(|| (row.number(), order.lines.iter().map(|l| (l.sku.clone(), l.expected)).collect()))
        })
        .nth(skip)
        .expect("a small picked order")
}

/// Presses Enter with no weight typed and reads the expected weight from the prompt.
fn expected_weight(app: &mut App) -> u32 {
    press(app, KeyCode::Enter);
    let message = app.pack().message.clone().unwrap().1;
    let grams = message.split("expected about ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or_default();
    grams.parse().unwrap_or_else(|_| panic!("{message}"))
}

fn a_packer_verifies_every_unit_prints_labels_and_a_supervisor_ships_the_manifest(backend: &pg::Backend) {
    let (dir, path) = demo_store(backend, 600);
    let store = Store::open(&path).unwrap();
    let mut app = signed_out(&path, (120, 40));
    if backend.is_postgres() {
        // The spool folder defaults to one beside the store's file; a
        // PostgreSQL store has none, so the station's config names it.
        let spool = format!("[printer]\nspool_dir = '{}'\n", dir.path().join("spool").display());
        app.set_shipping(&packline::config::Config::from_texts(Some(&spool), "-").unwrap().config);
    }
    scan(&mut app, "EMP-0004");
    assert_eq!(app.active(), packline::app::Active::Pack, "packers start at the pack station");
    let (number, lines) = picked_order(&path, 0);
    scan(&mut app, &number.to_string());
    assert_eq!(store.order_status(number).unwrap(), OrderStatus::Packing);
    // A wrong item: red banner and bell; nothing continues until acknowledged.
    scan(&mut app, "ZZZ-NOT-IN-ORDER");
    assert!(app.take_bell());
    assert!(app.pack().alert.as_deref().unwrap().starts_with("UNKNOWN ITEM"), "{:?}", app.pack().alert);
    assert!(screen(&app, (120, 40)).contains("Scan CMD-OK or press Enter to carry on."));
    scan(&mut app, &lines[0].0);
    assert_eq!(store.pack_order(number).unwrap().scanned_units(), 0, "blocked while the banner is up");
    scan(&mut app, "CMD-OK");
    assert!(app.pack().alert.is_none());
    // Every unit, one too many of the first line, then undo and redo one.
    for (sku, qty) in &lines {
        for _ in 0..*qty {
            scan(&mut app, sku);
        }
    }
    scan(&mut app, &lines[0].0);
    assert!(app.pack().alert.as_deref().unwrap().starts_with("ONE TOO MANY"));
    press(&mut app, KeyCode::Enter);
    let units: u32 = lines.iter().map(|(_, q)| q).sum();
    assert_eq!(store.pack_order(number).unwrap().scanned_units(), units);
    scan(&mut app, "CMD-UNDO");
    assert_eq!(store.pack_order(number).unwrap().scanned_units(), units - 1);
    scan(&mut app, &lines.last().unwrap().0);
    assert!(app.pack().order.as_ref().unwrap().complete());
    assert!(screen(&app, (120, 40)).contains("All units verified"));
    // Weigh: the expected weight, typed, completes the pack and prints.
    let grams = expected_weight(&mut app);
    type_text(&mut app, &grams.to_string());
    press(&mut app, KeyCode::Enter);
    assert_eq!(store.order_status(number).unwrap(), OrderStatus::Packed, "{:?}", app.pack().message);
    let packages = store.shipments(number).unwrap();
    assert!(!packages.is_empty());
    assert!(packages[0].tracking.parse::<packline::domain::shipment::TrackingNumber>().is_ok());
    let spooled: Vec<String> = std::fs::read_dir(dir.path().join("spool"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(spooled.iter().any(|f| f.contains(&format!("label-{number}-1"))), "{spooled:?}");
    assert!(spooled.iter().any(|f| f.contains(&format!("slip-{number}"))), "{spooled:?}");
    // A second order weighs far too much: a supervisor's badge and PIN approve it.
    let (second, lines) = picked_order(&path, 0);
    scan(&mut app, &second.to_string());
    for (sku, qty) in &lines {
        scan(&mut app, &format!("QTY-{qty}"));
        scan(&mut app, sku);
    }
    let grams = expected_weight(&mut app) * 2 + 500;
    type_text(&mut app, &grams.to_string());
    press(&mut app, KeyCode::Enter);
    assert!(app.take_bell());
    assert!(app.pack().weight_hold.is_some());
    assert_eq!(store.order_status(second).unwrap(), OrderStatus::Packing);
    scan(&mut app, "EMP-0001");
    assert_eq!(app.operator().unwrap().badge, "EMP-0004", "the badge approves, it does not sign in");
    type_text(&mut app, packline::demo::DEMO_PIN);
    press(&mut app, KeyCode::Enter);
    assert_eq!(store.order_status(second).unwrap(), OrderStatus::Packed, "{:?}", app.pack().message);
    let events = store.order_detail(second, 20).unwrap().unwrap().events;
    assert!(events.iter().any(|e| e.details.contains("approved by EMP-0001")), "{events:?}");
    // The end-of-day manifest needs a supervisor.
    press(&mut app, KeyCode::F(5));
    assert!(app.take_bell());
    assert_eq!(store.order_status(number).unwrap(), OrderStatus::Packed);
    let mut boss = supervisor(&path);
    press(&mut boss, KeyCode::F(3));
    press(&mut boss, KeyCode::F(3));
    assert_eq!(boss.active(), packline::app::Active::Pack);
    press(&mut boss, KeyCode::F(5));
    assert!(boss.pack().message.as_ref().unwrap().1.contains("shipped"), "{:?}", boss.pack().message);
    assert_eq!(store.order_status(number).unwrap(), OrderStatus::Shipped);
    assert_eq!(store.order_status(second).unwrap(), OrderStatus::Shipped);
}

fn a_return_is_inspected_restocked_and_closed_by_scans(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let store = Store::open(&path).unwrap();
    // The first delivered order with two or more units of a SKU that needs
    // no lot or serial number, and a catalogue SKU the order never had.
    let (order, sku) = orders_in(&store, OrderStatus::Delivered)
        .iter()
        .find_map(|row| {
            let lines = store.pack_order(row.number()).unwrap().lines;
            let line = lines.into_iter().find(|l| l.expected >= 2 && !l.lot_tracked && !l.serial_tracked)?;
            Some((row.id, line.sku))
        })
        .expect("a delivered order to return");
    let ordered: Vec<String> =
        store.order_detail(OrderNumber(order), 0).unwrap().unwrap().lines.into_iter().map(|l| l.sku).collect();
    let other = store.sku_codes().unwrap().into_iter().find(|code| !ordered.contains(code)).unwrap();
    let mut app = app(&path, (120, 40));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.active(), packline::app::Active::Returns);
    scan(&mut app, &OrderNumber(order).to_string());
    let rma = app.returns().view.as_ref().expect("an RMA is open").rma;
    assert!(!app.returns().view.as_ref().unwrap().announced, "an unannounced return is flagged");
    assert!(screen(&app, (120, 40)).contains("UNANNOUNCED"));
    // An item the order never had: refused with a banner, until acknowledged.
    scan(&mut app, &other);
    assert!(app.take_bell());
    assert!(app.returns().alert.as_deref().unwrap().starts_with("NOT OURS"));
    scan(&mut app, "CMD-OK");
    // First unit: changed mind (7), sealed (1), the default (restock), no note; then its bin.
    scan(&mut app, &sku);
    for key in [KeyCode::Char('7'), KeyCode::Char('1'), KeyCode::Enter, KeyCode::Enter] {
        press(&mut app, key);
    }
    let bin = app.returns().suggested_bin.expect("a bin already holding the SKU");
    let before = store.stock_balance(bin, &sku, None).unwrap().on_hand;
    scan(&mut app, &bin.to_string());
    assert_eq!(store.stock_balance(bin, &sku, None).unwrap().on_hand, before + 1);
    // Second unit: damaged in transit (3), damaged (4), quarantine by default, a note.
    scan(&mut app, &sku);
    for key in [KeyCode::Char('3'), KeyCode::Char('4'), KeyCode::Enter] {
        press(&mut app, key);
    }
    type_text(&mut app, "box crushed");
    press(&mut app, KeyCode::Enter);
    let view = store.return_view(rma).unwrap();
    let units: Vec<_> =
        view.units.iter().map(|u| (u.reason.as_str(), u.disposition.as_str(), u.restocked_to.is_some())).collect();
    assert_eq!(units, [("changed mind", "restock", true), ("damaged in transit", "quarantine", false)]);
    assert_eq!(view.units[1].note, "box crushed");
    // Close: the sealed unit in full, the damaged one not at all (mixed reasons: no fee).
    press(&mut app, KeyCode::Char('c'));
    let closed = store.return_view(rma).unwrap();
    assert_eq!(closed.status, packline::domain::rma::RmaStatus::Closed);
    assert!(screen(&app, (120, 40)).contains("closed: refund partial"), "{:?}", app.returns().message);
    assert!(store.audit_allocation().unwrap().is_clean());
}

fn a_supervisor_announces_a_return_and_the_bench_receives_it_by_its_rma(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let store = Store::open(&path).unwrap();
    let order = orders_in(&store, OrderStatus::Delivered)[0].id;
    let mut boss = supervisor(&path);
    scan(&mut boss, &OrderNumber(order).to_string());
    assert_eq!(boss.queue().selected_row().unwrap().id, order);
    press(&mut boss, KeyCode::Char('a'));
    let message = boss.queue().message.clone().unwrap().1;
    assert!(message.starts_with("RMA-") && message.contains("announced"), "{message}");
    let rma = message.split(' ').next().unwrap().to_owned();
    // A picker may not announce one.
    let mut picker = app(&path, (120, 40));
    scan(&mut picker, &OrderNumber(order).to_string());
    press(&mut picker, KeyCode::Char('a'));
    assert!(picker.take_bell());
    // At the bench the RMA scan opens the announced return, from any screen.
    scan(&mut picker, &rma);
    assert_eq!(picker.active(), packline::app::Active::Returns);
    let view = picker.returns().view.clone().unwrap();
    assert_eq!((view.rma.to_string(), view.announced, view.order.0), (rma, true, order));
    assert_eq!(store.return_view(view.rma).unwrap().status, packline::domain::rma::RmaStatus::Received);
}

/// Packs `n` picked orders of the demo through the store, as pack stations
/// elsewhere would: each leaves a pending shipment row in the outbox.
/// Returns the rows' ids, oldest first.
fn packed_elsewhere(path: &std::path::Path, n: usize) -> Vec<i64> {
    let mut store = Store::open(path).unwrap();
    let actor = Actor::new("STATION-9", "EMP-0004");
    for _ in 0..n {
        let (number, _) = picked_order(path, 0);
        let order = store.pack_open(&actor, number).unwrap().unwrap();
        for line in order.lines {
            store.pack_scan(&actor, number, &line.sku, line.expected, None, None).unwrap().unwrap();
        }
        let package = packline::store::NewPackage { carton: "S".into(), weight_g: 900, measured_g: None };
        let mut ids =
            |n: i64| packline::store::PackageIds { tracking: format!("TRACK{n:04}"), sscc: format!("{n:018}") };
        store.complete_pack(&actor, number, &[package], ("DHL", "DHL Paket"), "", &mut ids).unwrap();
    }
    let mut ids: Vec<i64> =
        store.outbox_rows(&[packline::domain::sync::OutboxState::Pending], 100).unwrap().iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

fn outbox_state(path: &std::path::Path, id: i64) -> packline::domain::sync::OutboxState {
    Store::open(path).unwrap().outbox_row(id).unwrap().unwrap().state
}

fn sync_message(app: &App) -> String {
    app.sync_screen().message.as_ref().map_or_else(String::new, |(_, m)| m.clone())
}

fn f6_opens_the_sync_screen_and_goes_back_where_it_came_from(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut app = app(&path, (120, 40));
    // No channel has synced yet, nobody runs the sync: the bar says so.
    assert!(screen(&app, (120, 40)).contains("│ sync off │"), "{}", screen(&app, (120, 40)));
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.active(), packline::app::Active::Sync);
    let text = screen(&app, (120, 40));
    assert!(text.contains("Channels · sync off") && text.contains("Outbox · 0 failed · 0 pending"), "{text}");
    assert!(text.contains("Retry") && text.contains("Pull now"), "hints: {text}");
    // A scan here is refused where the operator looks, with the bell.
    scan(&mut app, "ORD-000001");
    assert!(app.take_bell());
    assert!(sync_message(&app).contains("Nothing here takes a scan"), "{}", sync_message(&app));
    assert_eq!(app.active(), packline::app::Active::Sync);
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.active(), packline::app::Active::Queue);
    // From the waves, Esc goes back to the waves; F3 still goes round from there.
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.active(), packline::app::Active::Waves);
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.active(), packline::app::Active::Sync);
    press(&mut app, KeyCode::Char('?'));
    assert!(screen(&app, (120, 40)).contains("Skip the selected row, saying why"), "help of the sync screen");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.active(), packline::app::Active::Waves);
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.active(), packline::app::Active::Pack, "F3 goes on from the screen the sync screen covered");
}

fn a_packer_may_look_but_not_retry_or_skip(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let ids = packed_elsewhere(&path, 1);
    let mut app = signed_out(&path, (120, 40));
    scan(&mut app, "EMP-0004");
    // F6 opens the sync screen from the pack station too.
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.active(), packline::app::Active::Sync);
    assert_eq!(app.sync_screen().rows.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
    press(&mut app, KeyCode::Char('r'));
    assert!(app.take_bell());
    assert_eq!(sync_message(&app), "Only a supervisor can send an outbox row again.");
    press(&mut app, KeyCode::Char('s'));
    assert!(app.take_bell());
    assert!(app.sync_screen().prompt.is_none(), "no prompt for a packer");
    press(&mut app, KeyCode::Char('p'));
    assert!(app.take_bell());
    assert_eq!(outbox_state(&path, ids[0]), packline::domain::sync::OutboxState::Pending);
}

fn a_supervisor_retries_a_failed_row_and_skips_another_saying_why(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let ids = packed_elsewhere(&path, 2);
    // The channel refused the first for good.
    let mut store = Store::open(&path).unwrap();
    store.outbox_begin_attempt(ids[0]).unwrap();
    store.outbox_fail(&Actor::new("STATION-9", "-"), ids[0], "422 tracking number already used").unwrap();
    let mut app = supervisor(&path);
    press(&mut app, KeyCode::F(6));
    // Failed first; the row's reason is on screen.
    assert_eq!(app.sync_screen().rows.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[0], ids[1]]);
    let text = screen(&app, (120, 40));
    assert!(
        text.contains("Outbox · 1 failed · 1 pending") && text.contains("422 tracking number already used"),
        "{text}"
    );
    let order = |id: i64| {
        let row = store.outbox_row(id).unwrap().unwrap();
        serde_json::from_str::<serde_json::Value>(&row.payload).unwrap()["order"].as_str().unwrap().to_owned()
    };
    press(&mut app, KeyCode::Char('r'));
    let channel = store.outbox_row(ids[0]).unwrap().unwrap().channel;
    assert_eq!(
        sync_message(&app),
        format!("Outbox {} ({} to {channel}) will be sent again now.", ids[0], order(ids[0]))
    );
    assert_eq!(outbox_state(&path, ids[0]), packline::domain::sync::OutboxState::Pending);
    // Both pending now, newest first: the second row is on top.
    press(&mut app, KeyCode::Home);
    assert_eq!(app.sync_screen().selected_row().unwrap().id, ids[1]);
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, (120, 40)).contains(&format!("Skip outbox {}", ids[1])));
    // Enter without a reason is refused; 'q' while typing is typed, it does not quit.
    press(&mut app, KeyCode::Enter);
    assert_eq!(outbox_state(&path, ids[1]), packline::domain::sync::OutboxState::Pending);
    type_text(&mut app, "sent by hand in the shop admin q");
    assert!(app.exit().is_none());
    press(&mut app, KeyCode::Enter);
    assert_eq!(outbox_state(&path, ids[1]), packline::domain::sync::OutboxState::Skipped);
    assert_eq!(
        sync_message(&app),
        format!("Skipped outbox {} ({} to {channel}): sent by hand in the shop admin q.", ids[1], order(ids[1]))
    );
    // Audited with the supervisor's badge and the reason.
    let audited: Vec<(String, String, String)> = ids
        .iter()
        .flat_map(|id| {
            let query = packline::store::AuditQuery {
                subject: Some(format!("outbox:{id}")),
                ..packline::store::AuditQuery::since(DateTime::UNIX_EPOCH, 100)
            };
            store.audit_events(&query).unwrap()
        })
        .map(|e| (e.event.kind, e.event.operator, e.event.details))
        .collect();
    assert!(audited.iter().any(|(k, o, _)| k == "outbox_retried" && o == "EMP-0001"), "{audited:?}");
    assert!(
        audited.iter().any(|(k, o, d)| k == "outbox_skipped" && o == "EMP-0001" && d.contains("sent by hand")),
        "{audited:?}"
    );
    // The skipped row has left the list.
    assert_eq!(app.sync_screen().rows.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[0]]);
}

fn the_worker_is_asked_to_pull_and_push_and_its_notices_refresh_the_console(backend: &pg::Backend) {
    use packline::sync::worker::{SyncCommand, SyncHandle, SyncNotice};
    let (_dir, path) = demo_store(backend, 600);
    let ids = packed_elsewhere(&path, 1);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = supervisor(&path);
    // The test ticks the real clock, hours after the demo's: no idle sign-out.
    app.set_idle_sign_out(0);
    app.set_sync(SyncHandle::new(tx));
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(rx.try_recv().ok(), Some(SyncCommand::PullNow));
    assert!(sync_message(&app).starts_with("Pulling orders from every channel now"), "{}", sync_message(&app));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(outbox_state(&path, ids[0]), packline::domain::sync::OutboxState::Pending);
    assert_eq!(rx.try_recv().ok(), Some(SyncCommand::PushNow), "a retried row goes at once");
    // The worker reports a channel: the bar shows it without waiting for a tick.
    let mut store = Store::open(&path).unwrap();
    let me = Actor::new("TEST-1", "-");
    store.take_sync_lease(&me, 60_000).unwrap();
    store.record_sync_success("shop", Utc::now()).unwrap();
    store
        .record_sync_error("shop", packline::domain::sync::ChannelState::Failing, "HTTP 503 from shop", Utc::now())
        .unwrap();
    let notice = SyncNotice::Failed { channel: "shop".into(), message: "HTTP 503 from shop".into() };
    assert!(app.handle(Event::Sync(notice)));
    // The lease is measured against the console's clock: tick it to now.
    app.handle(Event::Tick(Utc::now()));
    let text = screen(&app, (120, 40));
    assert!(text.contains("sync ! shop: HTTP 503 from shop · 1 out"), "{text}");
    assert!(text.contains("sync runs here (TEST-1)") && text.contains("failing"), "{text}");
    // New orders from a pull refresh the queue's counts, as another terminal's change does.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.active(), packline::app::Active::Queue);
    let first = app.queue().visible_rows()[0].clone();
    let cancelled_before = app.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled));
    store.transition_order(&me, first.number(), OrderStatus::Cancelled, "cancelled at the channel").unwrap();
    let summary = packline::domain::sync::PageSummary { cancelled: 1, ..Default::default() };
    assert!(app.handle(Event::Sync(SyncNotice::Pulled { channel: "shop".into(), summary })));
    assert_eq!(app.queue().counts.get(QueueFilter::Status(OrderStatus::Cancelled)), cancelled_before + 1);
    // Another station takes the sync over once this one's lease lapses; a stopped worker is let go.
    app.handle(Event::Sync(SyncNotice::Stopped));
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Char('p'));
    assert!(app.take_bell());
    assert!(sync_message(&app).contains("does not run at this station"), "{}", sync_message(&app));
}

fn a_wrong_item_at_the_pack_station_leaves_a_refused_scan_with_the_packers_badge(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 600);
    let store = Store::open(&path).unwrap();
    let since = Utc::now() - chrono::Duration::seconds(1);
    let refused = |store: &Store| {
        let query = packline::store::AuditQuery {
            kind: Some(packline::store::SCAN_REFUSED.into()),
            ..packline::store::AuditQuery::since(since, 100)
        };
        store.audit_events(&query).unwrap()
    };
    let mut app = signed_out(&path, (120, 40));
    scan(&mut app, "EMP-0004");
    let (number, lines) = picked_order(&path, 0);
    // A catalogue item this order does not have, one that needs no lot or
    // serial number: the first by code among the other picked orders' lines.
    let ordered: Vec<String> =
        store.order_detail(number, 0).unwrap().unwrap().lines.into_iter().map(|l| l.sku).collect();
    let wrong: String = orders_in(&store, OrderStatus::Picked)
        .iter()
        .flat_map(|row| store.pack_order(row.number()).unwrap().lines)
        .filter(|l| !l.lot_tracked && !l.serial_tracked && !ordered.contains(&l.sku))
        .map(|l| l.sku)
        .min()
        .expect("another catalogue item");
    scan(&mut app, &number.to_string());
    scan(&mut app, &lines[0].0);
    assert!(refused(&store).is_empty(), "an accepted scan writes no refusal");
    scan(&mut app, &wrong);
    assert!(app.take_bell());
    let banner = app.pack().alert.clone().unwrap();
    assert!(banner.starts_with("WRONG ITEM"), "{banner}");
    // Scans while the banner waits are ignored, not refused again.
    scan(&mut app, &wrong);
    scan(&mut app, "CMD-OK");
    let events = refused(&store);
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event.subject, format!("order:{}", number.0));
    assert_eq!((event.event.operator.as_str(), event.event.station.as_str()), ("EMP-0004", "TEST-1"));
    assert_eq!(event.event.details, format!("\"{wrong}\": {banner}"));
    // The order's own history shows it, beside the verified unit.
    let history = store.order_detail(number, 20).unwrap().unwrap().events;
    assert!(history.iter().any(|e| e.kind == "scan_refused" && e.operator == "EMP-0004"), "{history:?}");
    assert!(history.iter().any(|e| e.kind == "unit_verified"), "{history:?}");
}

on_both_backends!(
    opens_on_the_open_queue_sorted_by_ship_by,
    searching_by_customer_then_order_number,
    another_terminals_change_shows_on_the_next_tick,
    the_console_reloads_for_another_connections_commit_not_for_its_own,
    paging_through_a_tab_reaches_every_order_once,
    help_comes_from_the_keymap_and_esc_closes_it,
    a_small_terminal_is_asked_to_grow,
    snapshots_of_the_console,
    a_scan_never_lands_in_the_search_box_and_opens_its_order,
    a_wrong_scan_rings_and_changes_nothing,
    sign_in_by_badge_and_out_by_command_barcode,
    supervisors_need_their_pin_and_wrong_pins_pause_sign_in,
    an_idle_station_signs_out,
    the_scanner_test_screen_records_scans_instead_of_acting_on_them,
    only_a_supervisor_may_change_priority,
    a_supervisor_holds_releases_and_cancels_saying_why,
    releasing_an_order_that_still_fails_keeps_it_held,
    help_scrolls_when_the_terminal_is_small,
    the_held_tab_shows_one_hold_reason_at_a_time,
    correcting_a_bad_address_releases_the_order,
    signing_out_mid_wave_gives_the_wave_back_and_others_see_who_holds_one,
    a_packer_verifies_every_unit_prints_labels_and_a_supervisor_ships_the_manifest,
    a_return_is_inspected_restocked_and_closed_by_scans,
    a_supervisor_announces_a_return_and_the_bench_receives_it_by_its_rma,
    f6_opens_the_sync_screen_and_goes_back_where_it_came_from,
    a_packer_may_look_but_not_retry_or_skip,
    a_supervisor_retries_a_failed_row_and_skips_another_saying_why,
    the_worker_is_asked_to_pull_and_push_and_its_notices_refresh_the_console,
    a_wrong_item_at_the_pack_station_leaves_a_refused_scan_with_the_packers_badge,
);
