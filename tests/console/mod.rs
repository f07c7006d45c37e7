//! The console as the integration tests drive it: a demo store, the app
//! signed in as a picker or the supervisor, key presses and scanner bursts
//! on a per-thread clock, and the screen as text.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use packline::app::App;
use packline::app::event::Event;
use packline::config::Config;
use packline::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
}

pub fn demo_store(orders: u64) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = Store::open(&path).unwrap();
    let options = packline::demo::DemoOptions { orders, seed: 42, now: now() };
    packline::demo::seed(&mut store, &options, &mut |_, _| {}).unwrap();
    (dir, path)
}

/// The console on `path`, signed in by scanning a picker's badge, switched
/// from the waves (where pickers start) past packing to the order queue.
pub fn app(path: &std::path::Path, size: (u16, u16)) -> App {
    let mut app = signed_out(path, size);
    scan(&mut app, "EMP-0002");
    assert_eq!(app.operator().map(|o| o.badge.as_str()), Some("EMP-0002"));
    assert_eq!(app.active(), packline::app::Active::Waves, "pickers start on the waves");
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.active(), packline::app::Active::Pack, "F3 goes round: waves, packing, orders");
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.active(), packline::app::Active::Queue);
    app
}

/// The console as it opens: on the sign-in screen.
pub fn signed_out(path: &std::path::Path, size: (u16, u16)) -> App {
    signed_out_at(path, size, now())
}

/// [`signed_out`], with the console's clock at `at`.
pub fn signed_out_at(path: &std::path::Path, size: (u16, u16), at: DateTime<Utc>) -> App {
    let loaded = Config::from_texts(None, "-").unwrap();
    App::new(Store::open(path).unwrap(), loaded.keymap, "TEST-1", at, size)
}

/// A clock for key presses: every call is a little later than the last.
/// One per test thread: tests run in parallel, and another test's key
/// presses must not open a gap inside this test's scanner burst.
pub fn clock(step_ms: u64) -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    thread_local! {
        static ELAPSED_MS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }
    let start = *START.get_or_init(Instant::now);
    let elapsed = ELAPSED_MS.with(|e| {
        e.set(e.get() + step_ms);
        e.get()
    });
    start + Duration::from_millis(elapsed)
}

/// A person pressing a key: 150 ms after the last one, then nothing more
/// (so the scanner-burst detector hands it on).
pub fn press(app: &mut App, code: KeyCode) {
    let at = clock(150);
    let event = TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE));
    app.handle(Event::Input(event, at));
    app.flush_input(at + Duration::from_millis(100));
}

/// A scanner: the code and Enter, 8 ms apart.
pub fn scan(app: &mut App, code: &str) {
    let key = |code| Event::Input(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)), clock(8));
    for c in code.chars() {
        app.handle(key(KeyCode::Char(c)));
    }
    app.handle(key(KeyCode::Enter));
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn screen(app: &App, (width, height): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>()).collect::<Vec<_>>().join("\n")
}

/// The console signed in as the demo supervisor (badge and PIN).
pub fn supervisor(path: &std::path::Path) -> App {
    supervisor_at(path, now())
}

/// [`supervisor`], with the console's clock at `at`.
pub fn supervisor_at(path: &std::path::Path, at: DateTime<Utc>) -> App {
    let mut app = signed_out_at(path, (120, 40), at);
    scan(&mut app, "EMP-0001");
    type_text(&mut app, packline::demo::DEMO_PIN);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.operator().map(|o| o.badge.as_str()), Some("EMP-0001"));
    app
}
