//! Tests of the sync screen: failed rows first, the selection across
//! reloads, retry and skip (with its "why?"), the refusals, cleaned network
//! text, and snapshots at 80x24 and 120x40 (no channel, channels ok,
//! failing and with a rejected token, an empty outbox, the prompt, an error).

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::draw::{age, ago, clock_or_day};
use super::*;
use crate::domain::sync::{ChannelState, ChannelSync, SyncWorker};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn minutes_ago(m: i64) -> DateTime<Utc> {
    now() - Duration::minutes(m)
}

fn channel(code: &str, name: &str, state: ChannelState, error: Option<&str>) -> ChannelSync {
    ChannelSync {
        code: code.into(),
        name: name.into(),
        kind: "rest".into(),
        cursor: None,
        last_pull_at: Some(minutes_ago(2)),
        last_success_at: Some(if state == ChannelState::Ok { minutes_ago(2) } else { minutes_ago(26 * 60) }),
        orders_imported: 12_480,
        state,
        last_error: error.map(Into::into),
        last_error_at: error.map(|_| minutes_ago(1)),
        pending: 2,
        failed: 1,
    }
}

/// A shop that works, a marketplace answering 503, a B2B portal that
/// refuses its token; this station runs the sync.
fn health() -> SyncHealth {
    let mut shop = channel("shop", "Webshop", ChannelState::Ok, None);
    shop.failed = 2;
    let mut b2b = channel("b2b", "Wholesale portal", ChannelState::TokenRejected, Some("401 Unauthorized"));
    b2b.last_pull_at = Some(minutes_ago(3 * 60));
    b2b.orders_imported = 87;
    SyncHealth {
        channels: vec![
            shop,
            channel("market", "Marketplace", ChannelState::Failing, Some("HTTP 503 Service Unavailable")),
            b2b,
        ],
        pending: 14,
        failed: 2,
        oldest_pending: Some(minutes_ago(95)),
        worker: Some(SyncWorker {
            station: "STATION-1".into(),
            since: minutes_ago(60),
            until: now() + Duration::seconds(20),
        }),
    }
}

fn row(id: i64, state: OutboxState, order: &str, channel: &str, attempts: u32, error: Option<&str>) -> OutboxRow {
    OutboxRow {
        id,
        kind: "shipment".into(),
        idempotency_key: format!("shipment:{channel}:58234167{id:05}"),
        channel: channel.into(),
        payload: format!(r#"{{"order":"{order}","channel":"{channel}","external_id":"58234167{id:05}"}}"#),
        created_at: minutes_ago(id * 7),
        attempts,
        state,
        next_attempt_at: None,
        last_error: error.map(Into::into),
        sent_at: None,
        remote_id: None,
    }
}

/// Newest first as the store gives them, failed and pending mixed.
fn rows() -> Vec<OutboxRow> {
    let mut waiting = row(13, OutboxState::Pending, "ORD-004712", "market", 2, Some("HTTP 503 Service Unavailable"));
    waiting.next_attempt_at = Some(now() + Duration::minutes(3));
    let mut refund = row(15, OutboxState::Failed, "", "shop", 4, Some("422 refund exceeds the order total"));
    refund.kind = "refund".into();
    refund.idempotency_key = "refund:RMA-000003".into();
    refund.payload = r#"{"rma":"RMA-000003","order":"ORD-004650","refund":"full"}"#.into();
    vec![
        row(16, OutboxState::Pending, "ORD-004790", "shop", 0, None),
        refund,
        waiting,
        row(
            12,
            OutboxState::Failed,
            "ORD-004711",
            "shop",
            5,
            Some("422 Unprocessable Entity: tracking number already used"),
        ),
    ]
}

fn populated() -> SyncScreen {
    let mut screen = SyncScreen::new("STATION-1", now());
    screen.on_data(health(), rows());
    screen
}

fn draw(screen: &SyncScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

fn text(screen: &SyncScreen, width: u16, height: u16) -> String {
    format!("{}", draw(screen, width, height))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn select(screen: &mut SyncScreen, id: i64) {
    screen.selected = screen.rows.iter().position(|r| r.id == id).expect("the row is listed");
}

fn message(screen: &SyncScreen) -> &str {
    screen.message.as_ref().map_or("", |(_, m)| m.as_str())
}

#[test]
fn empty_state() {
    let screen = SyncScreen::new("STATION-1", now());
    let shown = text(&screen, 80, 24);
    assert!(shown.contains("No channel is set up"), "{shown}");
    assert!(shown.contains("Nothing waiting"), "{shown}");
    assert!(shown.contains("sync off"), "{shown}");
    insta::assert_snapshot!("empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn populated_with_every_channel_state() {
    let screen = populated();
    insta::assert_snapshot!("populated_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("populated_120x40", draw(&screen, 120, 40));
    let shown = text(&screen, 120, 40);
    for needle in [
        "sync runs here (STATION-1)",
        "token rejected",
        "failing",
        "HTTP 503 Service Unavailable",
        "2 min ago",
        "3 h ago",
        "12,480",
        "2 failed · 14 pending",
        "oldest 1h35m",
        "ORD-004711",
        "RMA-000003",
        "in 3m",
        "1 of 4",
    ] {
        assert!(shown.contains(needle), "{needle:?} in {shown}");
    }
}

#[test]
fn an_empty_outbox_beside_working_channels() {
    let mut screen = SyncScreen::new("STATION-1", now());
    let mut fine = health();
    fine.channels.truncate(1);
    fine.channels[0].failed = 0;
    fine.channels[0].pending = 0;
    (fine.pending, fine.failed, fine.oldest_pending) = (0, 0, None);
    fine.worker.as_mut().unwrap().station = "STATION-2".into();
    screen.on_data(fine, Vec::new());
    let shown = text(&screen, 80, 24);
    assert!(shown.contains("sync runs at STATION-2") && shown.contains("Nothing waiting"), "{shown}");
    insta::assert_snapshot!("outbox_empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("outbox_empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn failed_rows_come_first_and_the_selection_follows_its_row() {
    let mut screen = populated();
    let order: Vec<i64> = screen.rows.iter().map(|r| r.id).collect();
    assert_eq!(order, [15, 12, 16, 13], "failed first, each group as the store sorted it");
    select(&mut screen, 16);
    // A reload where row 15 was sent: the selection stays on row 16.
    let reloaded: Vec<OutboxRow> = rows().into_iter().filter(|r| r.id != 15).collect();
    screen.on_data(health(), reloaded);
    assert_eq!(screen.selected_row().map(|r| r.id), Some(16));
    // The selected row goes too: the selection stays in range.
    screen.update(Action::SelectLast);
    screen.on_data(health(), rows()[..1].to_vec());
    assert_eq!(screen.selected, 0);
    screen.on_data(health(), Vec::new());
    assert_eq!((screen.selected, screen.selected_row()), (0, None));
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
    assert_eq!(screen.selected, 3);
    screen.update(Action::SelectNext);
    assert_eq!(screen.selected, 3);
    screen.update(Action::PageUp);
    assert_eq!(screen.selected, 0);
}

#[test]
fn retry_names_the_row_and_only_failed_or_pending_rows_go() {
    let mut screen = populated();
    select(&mut screen, 12);
    assert_eq!(
        screen.update(Action::RetryOutbox),
        Some(SyncScreenCommand::Retry { id: 12, what: "ORD-004711 to shop".into() })
    );
    select(&mut screen, 13);
    assert_eq!(
        screen.update(Action::RetryOutbox),
        Some(SyncScreenCommand::Retry { id: 13, what: "ORD-004712 to market".into() })
    );
    select(&mut screen, 15);
    assert_eq!(
        screen.update(Action::RetryOutbox),
        Some(SyncScreenCommand::Retry { id: 15, what: "RMA-000003 to shop".into() })
    );
    // A row sent meanwhile is not sent again.
    let mut sent = rows();
    sent[0].state = OutboxState::Sent;
    screen.on_data(health(), sent);
    select(&mut screen, 16);
    assert_eq!(screen.update(Action::RetryOutbox), None);
    assert_eq!(message(&screen), "Outbox 16 is sent: only a failed or pending row can be sent or skipped.");
    // Nothing listed: nothing to retry.
    let mut empty = SyncScreen::new("STATION-1", now());
    assert_eq!(empty.update(Action::RetryOutbox), None);
    assert_eq!(message(&empty), "No outbox row selected: nothing is waiting to be sent.");
}

#[test]
fn skipping_asks_why_and_needs_an_answer() {
    let mut screen = populated();
    select(&mut screen, 12);
    assert_eq!(screen.update(Action::SkipOutbox), None);
    assert_eq!((screen.prompt.as_deref(), screen.skipping()), (Some(""), Some(12)));
    // Enter without a reason (or with blanks) is refused.
    assert_eq!(screen.prompt_key(&key(KeyCode::Enter)), None);
    assert_eq!(message(&screen), "Say why: it goes into the audit trail.");
    screen.prompt_key(&key(KeyCode::Char(' ')));
    assert_eq!(screen.prompt_key(&key(KeyCode::Enter)), None);
    assert!(screen.prompt.is_some());
    screen.prompt_key(&key(KeyCode::Backspace));
    for c in "sent by hand in the shop adminx".chars() {
        assert_eq!(screen.prompt_key(&key(KeyCode::Char(c))), None);
    }
    screen.prompt_key(&key(KeyCode::Backspace));
    // Ctrl-chords are not typed.
    screen.prompt_key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    insta::assert_snapshot!("skip_prompt_80x24", draw(&screen, 80, 24));
    // A reload that moves the row keeps the prompt on it.
    let mut reloaded = rows();
    reloaded.insert(0, row(17, OutboxState::Failed, "ORD-004800", "shop", 1, Some("timeout")));
    screen.on_data(health(), reloaded);
    assert_eq!(
        screen.prompt_key(&key(KeyCode::Enter)),
        Some(SyncScreenCommand::Skip {
            id: 12,
            what: "ORD-004711 to shop".into(),
            why: "sent by hand in the shop admin".into()
        })
    );
    assert_eq!((screen.prompt.as_ref(), screen.skipping()), (None, None));
}

#[test]
fn esc_abandons_the_skip_and_a_row_that_goes_closes_the_prompt() {
    let mut screen = populated();
    select(&mut screen, 16);
    screen.update(Action::SkipOutbox);
    screen.prompt_key(&key(KeyCode::Char('x')));
    assert_eq!(screen.prompt_key(&key(KeyCode::Esc)), None);
    assert_eq!((screen.prompt.as_ref(), screen.skipping()), (None, None));
    // Esc as an action closes it too.
    screen.update(Action::SkipOutbox);
    assert_eq!(screen.update(Action::ClearSearch), None);
    assert_eq!(screen.prompt, None);
    // The row is sent while the supervisor types.
    screen.update(Action::SkipOutbox);
    screen.on_data(health(), rows().into_iter().filter(|r| r.id != 16).collect());
    assert_eq!(screen.prompt, None);
    assert_eq!(message(&screen), "Outbox 16 is no longer waiting: nothing to skip.");
    // Opening the screen afresh leaves no prompt behind.
    select(&mut screen, 12);
    screen.update(Action::SkipOutbox);
    screen.reset();
    assert_eq!((screen.prompt.as_ref(), screen.skipping()), (None, None));
}

#[test]
fn pull_now_and_refresh_go_to_the_app() {
    let mut screen = populated();
    assert_eq!(screen.update(Action::PullNow), Some(SyncScreenCommand::PullNow));
    screen.on_error("store error: database is locked".into());
    // Refresh keeps the message.
    assert_eq!(screen.update(Action::Refresh), Some(SyncScreenCommand::Reload));
    assert_eq!(message(&screen), "store error: database is locked");
    insta::assert_snapshot!("error_80x24", draw(&screen, 80, 24));
}

#[test]
fn network_text_is_cleaned_before_it_is_drawn() {
    let mut health = health();
    health.channels[1].last_error = Some("\u{1b}[2J\u{1b}]0;owned\u{7}bad \u{202e}gateway\r\nretry".into());
    health.channels[1].code = "mar\u{1b}[31mket".into();
    let mut hostile = rows();
    hostile[3].last_error = Some("boom\u{1b}[1;1H\u{9b}2Jover".into());
    hostile[3].payload = "{\"order\":\"ORD-\\u001b[5m004711\"}".into();
    let mut screen = SyncScreen::new("STATION-1", now());
    screen.on_data(health, hostile);
    let backend = draw(&screen, 120, 40);
    let shown = format!("{backend}");
    assert!(shown.contains("bad gateway retry") && shown.contains("boomover"), "{shown}");
    assert!(shown.contains("market ") && shown.contains("ORD-004711"), "{shown}");
    let cells = backend.buffer().content();
    assert!(cells.iter().all(|c| !c.symbol().chars().any(|ch| ch.is_control() || ch == '\u{202e}')), "{shown}");
}

#[test]
fn times_read_naturally() {
    assert_eq!(ago(now() - Duration::seconds(20), now()), "just now");
    assert_eq!(ago(minutes_ago(2), now()), "2 min ago");
    assert_eq!(ago(minutes_ago(185), now()), "3 h ago");
    assert_eq!(ago(minutes_ago(3 * 1440 + 5), now()), "3 d ago");
    assert_eq!(ago(now() + Duration::minutes(1), now()), "just now");
    assert_eq!(clock_or_day(minutes_ago(2), now()), "11:58");
    assert_eq!(clock_or_day(minutes_ago(26 * 60), now()), "11-20 10:00");
    assert_eq!(age(now() - Duration::seconds(45), now()), "45s");
    assert_eq!(age(minutes_ago(95), now()), "1h35m");
    assert_eq!(age(minutes_ago(2 * 1440 + 4 * 60 + 59), now()), "2d04h");
}

#[test]
fn small_terminals_do_not_panic() {
    let mut screen = populated();
    for (w, h) in [(40, 16), (20, 5), (1, 1), (0, 0), (79, 23), (80, 8)] {
        draw(&screen, w, h);
    }
    select(&mut screen, 12);
    screen.update(Action::SkipOutbox);
    for (w, h) in [(40, 16), (20, 5), (1, 1)] {
        draw(&screen, w, h);
    }
}
