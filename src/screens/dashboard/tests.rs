//! Tests of the dashboard screen: moving the alert selection, keeping it
//! across reads, Enter on an alert, the figures' formats, and snapshots at
//! 80x24 and 120x40 (a busy floor, an empty store, reading, an error), with
//! the sections that must stay visible checked at the app's 80x22 too.

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::figures::{age, countdown, minutes, per_hour, percent};
use super::fixtures::{alert, alerts, busy, empty, minutes_ago, now};
use super::*;
use crate::domain::dashboard::{AlertKind, Severity};
use crate::domain::wave::WaveNumber;
use crate::domain::{OrderNumber, OrderStatus};

fn screen(dashboard: Dashboard) -> DashboardScreen {
    let mut screen = DashboardScreen::new(now());
    screen.on_data(dashboard);
    screen
}

fn draw(screen: &DashboardScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

fn text(screen: &DashboardScreen, width: u16, height: u16) -> String {
    format!("{}", draw(screen, width, height))
}

fn message(screen: &DashboardScreen) -> &str {
    screen.message.as_ref().map_or("", |(_, m)| m.as_str())
}

#[test]
fn busy_floor() {
    let screen = screen(busy());
    insta::assert_snapshot!("busy_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("busy_120x40", draw(&screen, 120, 40));
    // What the app gives the screen: the terminal less the status bar and key hints.
    insta::assert_snapshot!("busy_app_80x22", draw(&screen, 80, 22));
    insta::assert_snapshot!("busy_app_120x38", draw(&screen, 120, 38));
}

#[test]
fn the_app_sized_areas_keep_tiles_alerts_and_kpis() {
    let screen = screen(busy());
    // The app draws the screen above its status bar and key hints.
    for (width, height) in [(80, 22), (80, 24), (120, 38), (120, 40), (100, 30)] {
        let shown = text(&screen, width, height);
        let late = if width < 110 { "Late 3" } else { "│3  " };
        for needle in [
            late,
            "Open",
            "163",
            "DHL Paket",
            "in 35m: 40 due, 12 packed",
            "231",
            "171",
            "Alerts · 2 critical · 3 warnings · 2 notices",
            "stockout",
            "SKU-MUG-RED: nothing available",
            "Cycle p50",
            "Today",
            "7 days",
            "1h10m",
            "1d4h",
            "96.2%",
            "98.7%",
            "2.1%",
        ] {
            assert!(shown.contains(needle), "{needle:?} at {width}x{height}:\n{shown}");
        }
        // The selected alert's jump is named at every size.
        assert!(shown.contains("Enter: go to orders with SKU SKU-MUG-RED"), "{width}x{height}:\n{shown}");
    }
    let roomy = text(&screen, 120, 38);
    for needle in ["Anna Schmidt", "Tomasz Nowak", "WAVE-000041", "finish 16:10", "lease expired", "08", "15"] {
        assert!(roomy.contains(needle), "{needle:?} at 120x38:\n{roomy}");
    }
}

#[test]
fn an_empty_store() {
    let screen = screen(empty());
    let shown = text(&screen, 80, 24);
    for needle in ["No open orders due by a carrier cut-off.", "No alerts", "Late 0"] {
        assert!(shown.contains(needle), "{needle:?}:\n{shown}");
    }
    insta::assert_snapshot!("empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn reading_and_error_before_data() {
    let mut screen = DashboardScreen::new(now());
    assert!(text(&screen, 80, 24).contains("Reading the dashboard…"));
    insta::assert_snapshot!("reading_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("reading_120x40", draw(&screen, 120, 40));
    screen.on_error("store error: database is locked".into());
    let shown = text(&screen, 80, 24);
    assert!(shown.contains("could not be read") && shown.contains("database is locked"), "{shown}");
    insta::assert_snapshot!("error_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("error_120x40", draw(&screen, 120, 40));
    // Data arrives: the dashboard shows, the error stays on the message line.
    screen.on_data(busy());
    let shown = text(&screen, 80, 24);
    assert!(shown.contains("Alerts") && shown.contains("store error: database is locked"), "{shown}");
}

#[test]
fn moving_the_selection_stays_in_the_list() {
    let mut screen = screen(busy());
    assert_eq!(screen.update(Action::SelectPrevious), None);
    assert_eq!(screen.selected, 0);
    screen.update(Action::SelectNext);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected, 2);
    screen.update(Action::PageDown);
    assert_eq!(screen.selected, 6);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected, 6);
    screen.update(Action::PageUp);
    assert_eq!(screen.selected, 0);
    screen.update(Action::SelectLast);
    assert_eq!(screen.selected_alert().map(|a| a.kind), Some(AlertKind::BelowReorder));
    // The list scrolls to keep it in view.
    assert!(text(&screen, 80, 24).contains("SKU-CANDLE-XL"));
    screen.update(Action::SelectFirst);
    assert_eq!(screen.selected, 0);
    // Before the first read there is nothing to move over.
    let mut waiting = DashboardScreen::new(now());
    waiting.update(Action::SelectNext);
    waiting.update(Action::PageDown);
    assert_eq!(waiting.selected, 0);
}

#[test]
fn the_selection_follows_its_alert_across_reads() {
    let mut screen = screen(busy());
    screen.update(Action::SelectNext);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected_alert().map(|a| a.kind), Some(AlertKind::ExpiredLease));
    // A new stockout comes in at the top: the selection stays on the lease.
    let mut next = busy();
    next.alerts.insert(
        0,
        alert(AlertKind::Stockout, Severity::Critical, "SKU-TEE-BLK-M: nothing available", Some(1), {
            AlertTarget::Sku("SKU-TEE-BLK-M".into())
        }),
    );
    screen.on_data(next.clone());
    assert_eq!((screen.selected, screen.selected_alert().map(|a| a.kind)), (3, Some(AlertKind::ExpiredLease)));
    // Its message changes (a new read of the same wave): still the lease alert.
    next.alerts[3].message = "WAVE-000042: the lease of PICK-42 ran out 15 minutes ago".into();
    screen.update(Action::SelectPrevious);
    screen.on_data(next.clone());
    assert_eq!(screen.selected, 2);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected_alert().map(|a| a.kind), Some(AlertKind::ExpiredLease));
    screen.on_data(busy());
    assert_eq!(
        (screen.selected, screen.selected_alert().map(|a| a.kind)),
        (2, Some(AlertKind::ExpiredLease)),
        "its text changed, its wave did not: the same alert"
    );
    // The list shrinks under the selection: the last alert.
    screen.update(Action::SelectLast);
    let mut fewer = busy();
    fewer.alerts.truncate(2);
    fewer.alerts[1].message = "Webshop answers 503".into();
    screen.on_data(fewer);
    assert_eq!(screen.selected, 1);
    screen.on_data(empty());
    assert_eq!((screen.selected, screen.selected_alert()), (0, None));
}

#[test]
fn enter_jumps_to_the_selected_alerts_target() {
    let mut screen = screen(busy());
    let targets: Vec<Option<DashboardCommand>> = (0..7)
        .map(|i| {
            screen.selected = i;
            screen.update(Action::OpenAlert)
        })
        .collect();
    assert_eq!(
        targets,
        [
            AlertTarget::Sku("SKU-MUG-RED".into()),
            AlertTarget::Sync,
            AlertTarget::Wave(WaveNumber(42)),
            AlertTarget::Status(OrderStatus::Short),
            AlertTarget::Order(OrderNumber(4790)),
            AlertTarget::Order(OrderNumber(4711)),
            AlertTarget::Sku("SKU-CANDLE-XL".into()),
        ]
        .map(|t| Some(DashboardCommand::Jump(t)))
    );
    let hints: Vec<String> = alerts().iter().map(|a| describe_target(&a.target)).collect();
    assert_eq!(
        hints,
        [
            "orders with SKU SKU-MUG-RED",
            "the sync screen",
            "the wave WAVE-000042",
            "the Short tab",
            "the order ORD-004790",
            "the order ORD-004711",
            "orders with SKU SKU-CANDLE-XL",
        ]
    );
    screen.selected = 2;
    assert!(text(&screen, 80, 24).contains("Enter: go to the wave WAVE-000042"));
    assert!(text(&screen, 120, 40).contains("Enter: go to the wave WAVE-000042"));
}

#[test]
fn enter_without_alerts_says_why() {
    let mut screen = screen(empty());
    assert_eq!(screen.update(Action::OpenAlert), None);
    assert_eq!(message(&screen), "No alert to open: nothing needs a supervisor right now.");
    assert!(text(&screen, 80, 24).contains("No alert to open"));
    // Any other key clears the word; Refresh keeps it and asks for a read.
    assert_eq!(screen.update(Action::Refresh), Some(DashboardCommand::Reload));
    assert!(!message(&screen).is_empty());
    assert_eq!(screen.update(Action::SelectNext), None);
    assert_eq!(message(&screen), "");
    let mut waiting = DashboardScreen::new(now());
    assert_eq!(waiting.update(Action::OpenAlert), None);
    assert_eq!(message(&waiting), "The dashboard is still being read: no alert to open yet.");
    assert!(text(&waiting, 80, 24).contains("still being read"));
    // Actions of other screens do nothing here; reset clears the word.
    assert_eq!(waiting.update(Action::RetryOutbox), None);
    waiting.on_info("Opened ORD-004711.".into());
    waiting.reset();
    assert_eq!((waiting.message.as_ref(), waiting.selected), (None, 0));
}

#[test]
fn figures_read_naturally() {
    assert_eq!(minutes(0), "0m");
    assert_eq!(minutes(42), "42m");
    assert_eq!(minutes(60), "1h00m");
    assert_eq!(minutes(185), "3h05m");
    assert_eq!(minutes(1439), "23h59m");
    assert_eq!(minutes(1440), "1d0h");
    assert_eq!(minutes(1680), "1d4h");
    assert_eq!(minutes(3 * 1440 + 23 * 60 + 59), "3d23h");
    assert_eq!(age(now() - Duration::seconds(20), now()), "now");
    assert_eq!(age(minutes_ago(12), now()), "12m");
    assert_eq!(age(minutes_ago(195), now()), "3h");
    assert_eq!(age(minutes_ago(2 * 1440 + 30), now()), "2d");
    assert_eq!(age(now() + Duration::minutes(5), now()), "now");
    assert_eq!(countdown(now() + Duration::minutes(35), now()), "in 35m");
    assert_eq!(countdown(now() + Duration::minutes(72), now()), "in 1h12m");
    assert_eq!(countdown(now() + Duration::seconds(30), now()), "in <1m");
    assert_eq!(countdown(now(), now()), "passed");
    assert_eq!(percent(Some(0.962)), "96.2%");
    assert_eq!(percent(Some(0.004)), "0.4%");
    assert_eq!(percent(Some(0.0)), "0.0%");
    assert_eq!(percent(Some(1.0)), "100%");
    assert_eq!(percent(Some(0.99999)), "100%");
    assert_eq!(percent(None), "—");
    assert_eq!(percent(Some(f64::NAN)), "—");
    assert_eq!(per_hour(139.4), "139");
    assert_eq!(per_hour(8.46), "8.5");
    assert_eq!(per_hour(0.0), "0");
}

#[test]
fn long_and_hostile_text_never_breaks_the_layout() {
    let mut dashboard = busy();
    let long = "Ünïcödé 倉庫 ".repeat(20);
    dashboard.cutoffs[0].carrier = format!("DHL {long}");
    dashboard.operators[0].facts.name = format!("Anna {long}");
    dashboard.operators[1].facts.badge = "EMP-123456789012".into();
    dashboard.alerts[0].message = format!("boom\u{1b}[2J\u{1b}]0;owned\u{7} over {long}");
    dashboard.waves[0].wave.lease.as_mut().unwrap().operator = format!("EMP\u{202e}-0003 {long}");
    let screen = screen(dashboard);
    for (width, height) in [(80, 24), (120, 40), (80, 22)] {
        let backend = draw(&screen, width, height);
        let shown = format!("{backend}");
        // The figures after a long text stay in their places.
        for needle in ["in 35m: 40 due, 12 packed", "boom over", "812       0     0.4%", "40m", "62%", "Late 3"] {
            if needle != "Late 3" || width < 110 {
                assert!(shown.contains(needle), "{needle:?} at {width}x{height}:\n{shown}");
            }
        }
        assert!(shown.contains("EMP-123…") && shown.contains("Anna Ünïcödé"), "{shown}");
        let cells = backend.buffer().content();
        assert!(cells.iter().all(|c| !c.symbol().chars().any(|ch| ch.is_control() || ch == '\u{202e}')), "{shown}");
    }
}

#[test]
fn small_areas_do_not_panic() {
    let mut screen = screen(busy());
    screen.selected = 6;
    for (w, h) in [(60, 20), (40, 16), (20, 5), (1, 1), (0, 0), (79, 23), (80, 8), (200, 60), (109, 45), (130, 33)] {
        draw(&screen, w, h);
    }
    let waiting = DashboardScreen::new(now());
    for (w, h) in [(20, 5), (1, 1), (0, 0)] {
        draw(&waiting, w, h);
    }
}

/// Where `needle` starts on screen (text of width-one characters).
fn position(backend: &TestBackend, needle: &str) -> (u16, u16) {
    let buffer = backend.buffer();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
        if let Some(at) = line.find(needle) {
            return (line[..at].chars().count() as u16, y);
        }
    }
    panic!("{needle:?} is not on screen:\n{backend}");
}

#[test]
fn colours_come_from_the_theme() {
    use ratatui::style::{Color, Modifier};
    let mut screen = screen(busy());
    screen.selected = 2;
    for (width, height) in [(80, 24), (120, 40)] {
        let backend = draw(&screen, width, height);
        let style = |needle: &str| backend.buffer()[position(&backend, needle)].style();
        // Late orders red and bold; the cut-off within the hour stands out, the later one not.
        let late = if width < 110 {
            style("Late 3")
        } else {
            // The count sits above "past ship-by" in its tile.
            let (x, y) = position(&backend, "past ship-by");
            backend.buffer()[(x, y - 1)].style()
        };
        assert_eq!((late.fg, late.add_modifier.contains(Modifier::BOLD)), (Some(Color::Red), true));
        let soon = style("16:00 in 35m");
        assert_eq!((soon.fg, soon.add_modifier.contains(Modifier::REVERSED)), (Some(Color::Yellow), true));
        assert!(!style("18:00 in 2h35m").add_modifier.contains(Modifier::REVERSED));
        // Alert labels by severity; the selected line reversed from edge to edge.
        assert_eq!(style("stockout").fg, Some(Color::Red));
        assert_eq!(style("short pick").fg, Some(Color::Yellow));
        let (x, y) = position(&backend, "lease      WAVE-000042");
        let row = |x| backend.buffer()[(x, y)].style().add_modifier.contains(Modifier::REVERSED);
        assert!(row(x) && row(x + 20) && row(width - 2), "{backend}");
        assert!(!style("stockout").add_modifier.contains(Modifier::REVERSED));
        assert_eq!(style("lease expired").fg, Some(Color::Yellow));
    }
    let backend = draw(&screen, 120, 40);
    assert_eq!(backend.buffer()[position(&backend, "reorder")].style().fg, Some(Color::Cyan));
}
