//! Tests of the waves screen: selection across reloads, the refusals, the
//! cancellation's "why?", the preview, and snapshots at 80x24 and 120x40
//! (empty, every status, the preview, an error), plus 40x16 without panics.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::text::Line;

use super::draw::{age, progress_bar};
use super::*;
use crate::domain::OrderNumber;
use crate::domain::location::BinCode;
use crate::domain::wave::Lease;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn lease(operator: &str, station: &str, until_minutes: i64) -> Lease {
    Lease {
        station: station.into(),
        operator: operator.into(),
        since: now() - Duration::minutes(20),
        until: now() + Duration::minutes(until_minutes),
    }
}

fn wave(id: i64, status: WaveStatus, age_minutes: i64, units: u32, done: u32, lease: Option<Lease>) -> WaveSummary {
    WaveSummary {
        number: WaveNumber(id),
        status,
        created_at: now() - Duration::minutes(age_minutes),
        created_by: "EMP-0001".into(),
        orders: (id % 5 + 8) as u32,
        lines: (id % 7 + 20) as u32,
        units,
        done_units: done,
        route_m: 150.0 + id as f64 * 4.3,
        baseline_m: 230.0 + id as f64 * 7.1,
        lease,
    }
}

/// Newest first: one wave in each status, two being picked (one of them by
/// a station whose lease ran out).
fn waves() -> Vec<WaveSummary> {
    vec![
        wave(7, WaveStatus::Planned, 4, 58, 0, None),
        wave(6, WaveStatus::Released, 12, 41, 0, None),
        wave(5, WaveStatus::Picking, 47, 64, 29, Some(lease("EMP-0003", "STATION-2", 4))),
        wave(4, WaveStatus::Picking, 185, 37, 12, Some(lease("EMP-0007", "STATION-5", -3))),
        wave(3, WaveStatus::Picked, 250, 52, 52, None),
        wave(2, WaveStatus::Cancelled, 3 * 24 * 60 + 75, 30, 0, None),
    ]
}

fn populated() -> WavesScreen {
    let mut screen = WavesScreen::new(now());
    screen.on_waves(waves());
    screen
}

fn preview() -> Preview {
    let bins = [(1, 4, 'A'), (1, 9, 'C'), (2, 3, 'B'), (3, 12, 'A'), (4, 1, 'D'), (4, 30, 'A')];
    Preview {
        plan: WavePlan {
            orders: (101..=112).map(OrderNumber).collect(),
            walk: bins.iter().map(|(a, b, l)| BinCode::new(*a, *b, *l).unwrap()).collect(),
            route_m: 182.4,
            baseline_m: 264.0,
            lines: 31,
            units: 58,
        },
        note: Some("only 12 ready orders (fewer than 16)".into()),
    }
}

fn draw(screen: &WavesScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn select(screen: &mut WavesScreen, id: i64) {
    assert!(screen.select_wave(WaveNumber(id)), "WAVE-{id} is not listed");
}

fn message(screen: &WavesScreen) -> &str {
    screen.message.as_ref().map_or("", |(_, m)| m.as_str())
}

#[test]
fn empty_state() {
    let screen = WavesScreen::new(now());
    let text = format!("{}", draw(&screen, 80, 24));
    assert!(text.contains("No waves yet. A supervisor plans one with n."), "{text}");
    insta::assert_snapshot!("empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn populated_list() {
    let mut screen = populated();
    select(&mut screen, 5);
    insta::assert_snapshot!("populated_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("populated_120x40", draw(&screen, 120, 40));
    insta::assert_snapshot!("populated_40x16", draw(&screen, 40, 16));
}

#[test]
fn leases_read_as_who_and_where_or_expired() {
    let screen = populated();
    let backend = draw(&screen, 120, 40);
    let text = format!("{backend}");
    assert!(text.contains("EMP-0003/STATION-2 11:40"), "{text}");
    assert!(!text.contains("EMP-0007"), "an expired lease names nobody: {text}");
    // "lease expired" is dimmed.
    let buffer = backend.buffer();
    let row = |needle: &str| {
        (0..40).find(|y| (0..120).map(|x| buffer[(x, *y)].symbol()).collect::<String>().contains(needle)).unwrap()
    };
    let y = row("lease expired");
    let line: String = (0..120).map(|x| buffer[(x, y)].symbol()).collect();
    let x = line.chars().take_while(|c| *c != 'l').count() as u16;
    assert_eq!(buffer[(x, y)].fg, Color::DarkGray);
    // Ages and walks.
    assert!(text.contains("3h05m") && text.contains(" 4m") && text.contains("3d01h"), "{text}");
    assert!(text.contains("171.5 m") && text.contains("265.5 m"), "{text}");
}

#[test]
fn progress_bars_fit_their_column() {
    let text = |line: Line| line.spans.iter().map(|s| s.content.as_ref()).collect::<String>();
    assert_eq!(text(progress_bar(29, 64, 12)), "███░░░░  45%");
    assert_eq!(text(progress_bar(0, 41, 12)), "░░░░░░░   0%");
    assert_eq!(text(progress_bar(52, 52, 16)), "███████████ 100%");
    // Almost done is not shown as done.
    assert_eq!(text(progress_bar(99, 100, 12)), "██████░  99%");
    assert_eq!(text(progress_bar(0, 0, 12)), "—");
    for width in [1, 5, 13, 16] {
        assert!(text(progress_bar(3, 7, width)).chars().count() <= usize::from(width.max(6)));
    }
}

#[test]
fn ages_are_compact() {
    assert_eq!(age(now() - Duration::minutes(12), now()), "12m");
    assert_eq!(age(now() - Duration::minutes(185), now()), "3h05m");
    assert_eq!(age(now() - Duration::minutes(2 * 1440 + 4 * 60 + 59), now()), "2d04h");
    assert_eq!(age(now() + Duration::minutes(3), now()), "0m");
}

#[test]
fn the_selection_stays_on_the_same_wave_after_a_reload() {
    let mut screen = populated();
    select(&mut screen, 5);
    assert_eq!(screen.selected, 2);
    // A new wave arrives at the top: the selection follows WAVE-000005.
    let mut reloaded = waves();
    reloaded.insert(0, wave(8, WaveStatus::Planned, 0, 20, 0, None));
    screen.on_waves(reloaded);
    assert_eq!(screen.selected_wave().map(|w| w.number), Some(WaveNumber(5)));
    assert_eq!(screen.selected, 3);
    // The selected wave drops off the list: the selection stays in range.
    screen.update(Action::SelectLast);
    screen.on_waves(waves()[..3].to_vec());
    assert_eq!(screen.selected, 2);
    screen.on_waves(Vec::new());
    assert_eq!((screen.selected, screen.selected_wave()), (0, None));
}

#[test]
fn moving_the_selection_stays_in_the_list() {
    let mut screen = populated();
    assert_eq!(screen.update(Action::SelectPrevious), None);
    assert_eq!(screen.selected, 0);
    screen.update(Action::SelectNext);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected, 2);
    screen.update(Action::PageDown);
    assert_eq!(screen.selected, 5);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected, 5);
    screen.update(Action::SelectFirst);
    assert_eq!(screen.selected, 0);
}

#[test]
fn only_a_planned_wave_is_released() {
    let mut screen = populated();
    select(&mut screen, 7);
    assert_eq!(screen.update(Action::ReleaseWave), Some(WavesCommand::Release(WaveNumber(7))));
    select(&mut screen, 5);
    assert_eq!(screen.update(Action::ReleaseWave), None);
    assert_eq!(message(&screen), "WAVE-000005 is picking: only a planned wave can be released.");
    // The next action clears the message.
    screen.update(Action::SelectNext);
    assert_eq!(screen.message, None);
    // Nothing selected: nothing released.
    let mut empty = WavesScreen::new(now());
    assert_eq!(empty.update(Action::ReleaseWave), None);
    assert_eq!(message(&empty), "No wave selected.");
}

#[test]
fn cancelling_asks_why_and_needs_an_answer() {
    let mut screen = populated();
    select(&mut screen, 6);
    assert_eq!(screen.update(Action::CancelWave), None);
    assert_eq!(screen.prompt.as_deref(), Some(""));
    assert_eq!(screen.cancelling(), Some(WaveNumber(6)));
    // Enter without a reason is refused.
    assert_eq!(screen.prompt_key(&key(KeyCode::Enter)), None);
    assert!(screen.prompt.is_some());
    assert_eq!(message(&screen), "Say why: it goes into the audit trail.");
    // Only blanks is no reason either.
    screen.prompt_key(&key(KeyCode::Char(' ')));
    assert_eq!(screen.prompt_key(&key(KeyCode::Enter)), None);
    assert!(screen.prompt.is_some());
    screen.prompt_key(&key(KeyCode::Backspace));
    for c in "wrong carrierx".chars() {
        assert_eq!(screen.prompt_key(&key(KeyCode::Char(c))), None);
    }
    screen.prompt_key(&key(KeyCode::Backspace));
    // Ctrl-chords are not typed.
    screen.prompt_key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    insta::assert_snapshot!("cancel_prompt_80x24", draw(&screen, 80, 24));
    // A reload that moves the wave keeps the prompt on WAVE-000006.
    let mut reloaded = waves();
    reloaded.insert(0, wave(8, WaveStatus::Planned, 0, 20, 0, None));
    screen.on_waves(reloaded);
    assert_eq!(
        screen.prompt_key(&key(KeyCode::Enter)),
        Some(WavesCommand::Cancel(WaveNumber(6), "wrong carrier".into()))
    );
    assert_eq!((screen.prompt.as_ref(), screen.cancelling()), (None, None));
}

#[test]
fn esc_abandons_the_cancellation() {
    let mut screen = populated();
    select(&mut screen, 7);
    screen.update(Action::CancelWave);
    screen.prompt_key(&key(KeyCode::Char('x')));
    assert_eq!(screen.prompt_key(&key(KeyCode::Esc)), None);
    assert_eq!((screen.prompt.as_ref(), screen.cancelling()), (None, None));
    // Esc as an action closes it too.
    screen.update(Action::CancelWave);
    assert_eq!(screen.update(Action::ClearSearch), None);
    assert_eq!(screen.prompt, None);
}

#[test]
fn only_planned_or_released_waves_are_cancelled() {
    let mut screen = populated();
    for id in [5, 3, 2] {
        select(&mut screen, id);
        assert_eq!(screen.update(Action::CancelWave), None);
        assert_eq!(screen.prompt, None, "WAVE-{id}");
        assert!(message(&screen).contains("only a planned or released wave can be cancelled"), "{screen:?}");
    }
}

#[test]
fn a_cancelled_wave_that_disappears_closes_the_prompt() {
    let mut screen = populated();
    select(&mut screen, 7);
    screen.update(Action::CancelWave);
    screen.on_waves(waves()[1..].to_vec());
    assert_eq!(screen.prompt, None);
    assert_eq!(message(&screen), "WAVE-000007 is no longer listed: nothing to cancel.");
}

#[test]
fn take_over_needs_a_wave_someone_is_picking() {
    let mut screen = populated();
    select(&mut screen, 5);
    assert_eq!(screen.update(Action::TakeOverWave), Some(WavesCommand::TakeOver(WaveNumber(5))));
    select(&mut screen, 4);
    assert_eq!(screen.update(Action::TakeOverWave), Some(WavesCommand::TakeOver(WaveNumber(4))));
    select(&mut screen, 6);
    assert_eq!(screen.update(Action::TakeOverWave), None);
    assert_eq!(message(&screen), "WAVE-000006 is released: only a wave being picked can be taken over.");
    let mut free = waves();
    free[2].lease = None;
    screen.on_waves(free);
    select(&mut screen, 5);
    assert_eq!(screen.update(Action::TakeOverWave), None);
    assert_eq!(message(&screen), "No station holds WAVE-000005: there is nothing to take over.");
}

#[test]
fn enter_opens_the_selected_wave_and_refresh_reloads() {
    let mut screen = populated();
    select(&mut screen, 3);
    assert_eq!(screen.update(Action::OpenWave), Some(WavesCommand::Open(WaveNumber(3))));
    screen.on_error("store error: database is locked".into());
    // Refresh keeps the message.
    assert_eq!(screen.update(Action::Refresh), Some(WavesCommand::Reload));
    assert_eq!(message(&screen), "store error: database is locked");
    assert_eq!(WavesScreen::new(now()).update(Action::OpenWave), None);
}

#[test]
fn planning_previews_and_enter_creates_the_plan() {
    let mut screen = populated();
    assert_eq!(screen.update(Action::NewWave), Some(WavesCommand::Plan));
    screen.on_preview(preview());
    // While previewing, the list's actions wait; Enter creates the wave.
    assert_eq!(screen.update(Action::ReleaseWave), None);
    assert_eq!(message(&screen), "Create the planned wave (Enter) or discard it (Esc) first.");
    assert!(screen.preview.is_some());
    assert_eq!(screen.update(Action::OpenWave), Some(WavesCommand::Create(preview().plan)));
    assert_eq!(screen.preview, None);
    // A second Enter opens the selected wave, it does not create another.
    assert_eq!(screen.update(Action::OpenWave), Some(WavesCommand::Open(WaveNumber(7))));
}

#[test]
fn esc_discards_the_preview() {
    let mut screen = populated();
    screen.on_preview(preview());
    assert_eq!(screen.update(Action::ClearSearch), None);
    assert_eq!(screen.preview, None);
    assert_eq!(screen.update(Action::OpenWave), Some(WavesCommand::Open(WaveNumber(7))));
}

#[test]
fn an_empty_plan_is_not_created() {
    let mut screen = populated();
    let mut empty = preview();
    empty.plan.orders.clear();
    screen.on_preview(empty);
    assert_eq!(screen.update(Action::OpenWave), None);
    assert_eq!(message(&screen), "The plan has no orders: there is no wave to create.");
}

#[test]
fn the_preview_compares_the_walk_with_first_come_batching() {
    assert_eq!(preview().saving_percent().map(f64::round), Some(31.0));
    assert_eq!(saving_percent(10.0, 0.0), None);
    let mut screen = populated();
    screen.on_preview(preview());
    let text = format!("{}", draw(&screen, 120, 40));
    assert!(text.contains("182.4 m") && text.contains("264.0 m") && text.contains("81.6 m (31%)"), "{text}");
    assert!(text.contains("only 12 ready orders (fewer than 16)"), "{text}");
    assert!(text.contains("ORD-000101") && text.contains("ORD-000112"), "{text}");
    assert!(text.contains("Enter creates the wave · Esc discards"), "{text}");
    insta::assert_snapshot!("preview_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("preview_120x40", draw(&screen, 120, 40));
}

#[test]
fn error_message() {
    let mut screen = populated();
    screen.on_error("store error: database is locked".into());
    insta::assert_snapshot!("error_80x24", draw(&screen, 80, 24));
}

#[test]
fn small_terminals_do_not_panic() {
    let mut screen = populated();
    for (w, h) in [(40, 16), (20, 5), (1, 1), (0, 0), (79, 23)] {
        draw(&screen, w, h);
    }
    let text = format!("{}", draw(&screen, 40, 16));
    assert!(text.contains("WAVE-000007"), "{text}");
    screen.on_preview(preview());
    for (w, h) in [(40, 16), (20, 5), (1, 1)] {
        draw(&screen, w, h);
    }
}
