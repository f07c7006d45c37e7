//! The status bar: station, who is signed in, the sync at a glance, which
//! store, and the clock. On a narrow terminal the store label gives way
//! first, then the sync segment shortens; station, operator and clock stay.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme;
use crate::domain::sync::{ChannelState, SyncHealth};
use crate::domain::text::sanitize;

/// The sync segment when something needs watching (black on yellow).
pub const SYNC_WARNING: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

/// What the status bar knows about the sync.
#[derive(Debug, Clone, Copy)]
pub enum SyncStatus<'a> {
    /// The store could not say (the app logged why): `sync ?`.
    Unknown,
    /// The store's view of the sync.
    Health(&'a SyncHealth),
}

/// What the status bar shows.
#[derive(Debug, Clone)]
pub struct StatusBar<'a> {
    pub station: &'a str,
    /// The signed-in operator's badge and name, if anyone is signed in.
    pub operator: Option<&'a str>,
    pub store: &'a str,
    pub now: DateTime<Utc>,
    pub sync: SyncStatus<'a>,
}

/// How the sync segment reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTone {
    Normal,
    Warning,
    Error,
}

/// The sync segment before it is fitted: `head`, then `detail` (error
/// text, which may be cut short, or a time, which may not), then `tail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSegment {
    pub tone: SyncTone,
    pub head: String,
    pub detail: Option<String>,
    /// Whether `detail` may be cut short (with `…`) rather than dropped.
    pub cut_detail: bool,
    /// ` · 3 out`, ` · 3 out · 1 failed`.
    pub tail: String,
    /// A shorter head for when `head` alone does not fit (`sync STATION-2`).
    pub short_head: Option<String>,
}

impl SyncSegment {
    /// Works out the segment: `sync ?`, `sync off`, `sync ✗ shop: token
    /// rejected`, `sync ! shop: 503 …`, `sync by STATION-2`, `sync ✓ 14:02`,
    /// each followed by the outbox count.
    #[must_use]
    pub fn new(status: SyncStatus<'_>, station: &str, now: DateTime<Utc>) -> Self {
        let SyncStatus::Health(health) = status else {
            return Self::plain(SyncTone::Warning, "sync ?", None, false, String::new());
        };
        let tail = match health.failed {
            0 => format!(" · {} out", health.pending),
            failed => format!(" · {} out · {failed} failed", health.pending),
        };
        let busy = if health.failed > 0 { SyncTone::Warning } else { SyncTone::Normal };
        let worker = health.worker.as_ref().filter(|w| w.until > now);
        if health.channels.is_empty() {
            return Self::plain(SyncTone::Normal, "sync off", None, false, String::new());
        }
        let Some(worker) = worker else {
            return Self::plain(busy, "sync off", None, false, tail);
        };
        let stopped =
            health.channels.iter().filter(|c| c.state == ChannelState::TokenRejected).max_by_key(|c| c.last_error_at);
        if let Some(channel) = stopped {
            let detail = format!("{}: token rejected", sanitize(&channel.code));
            return Self::plain(SyncTone::Error, "sync ✗", Some(detail), true, tail);
        }
        if let Some(channel) = health.current_error() {
            let error =
                channel.last_error.as_deref().map_or_else(|| "failing".to_owned(), |e| sanitize(e).into_owned());
            let detail = format!("{}: {error}", sanitize(&channel.code));
            return Self::plain(SyncTone::Warning, "sync !", Some(detail), true, tail);
        }
        if worker.station != station {
            let other = sanitize(&worker.station);
            let segment = Self::plain(busy, &format!("sync by {other}"), None, false, tail);
            return Self { short_head: Some(format!("sync {other}")), ..segment };
        }
        let detail = health.last_success().map(|at| {
            if at.date_naive() == now.date_naive() {
                at.format("%H:%M").to_string()
            } else {
                at.format("%m-%d %H:%M").to_string()
            }
        });
        let head = if health.failed > 0 { "sync !" } else { "sync ✓" };
        Self::plain(busy, head, detail, false, tail)
    }

    fn plain(tone: SyncTone, head: &str, detail: Option<String>, cut_detail: bool, tail: String) -> Self {
        Self { tone, head: head.to_owned(), detail, cut_detail, tail, short_head: None }
    }

    /// The longest form that fits `width` columns: everything; without the
    /// tail; the detail cut short (an error still says a few words); the
    /// head and tail; the head alone (or its short form).
    #[must_use]
    pub fn fit(&self, width: usize) -> String {
        let head = self.head.width();
        if let Some(detail) = &self.detail {
            if head + 1 + detail.width() + self.tail.width() <= width {
                return format!("{} {detail}{}", self.head, self.tail);
            }
            let room = width.saturating_sub(head + 1);
            if self.cut_detail && room >= 10 {
                return format!("{} {}", self.head, truncate(detail, room));
            }
        }
        if head + self.tail.width() <= width {
            return format!("{}{}", self.head, self.tail);
        }
        match &self.short_head {
            Some(short) if head > width => truncate(short, width),
            _ => truncate(&self.head, width),
        }
    }
}

/// `text` cut to `width` display columns, ending in `…` when cut.
#[must_use]
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, theme::BAR);
        let clock = self.now.format("%H:%M UTC").to_string();
        let clock_width = clock.len() as u16 + 1;
        // A column of space always separates the left part from the clock.
        let room = usize::from(area.width.saturating_sub(clock_width + 1));
        let station = format!(" {} ", self.station);
        let operator = self.operator.unwrap_or("not signed in");
        let mut spans = vec![Span::styled(station.clone(), theme::TITLE), Span::raw("│ "), Span::raw(operator)];
        let mut used = station.width() + 2 + operator.width();
        // The sync segment, padded by a space each side so its colour reads as a block.
        let segment = SyncSegment::new(self.sync, self.station, self.now);
        let text = segment.fit(room.saturating_sub(used + 4));
        if !text.is_empty() {
            let style = match segment.tone {
                SyncTone::Normal => theme::BAR,
                SyncTone::Warning => SYNC_WARNING,
                SyncTone::Error => theme::ERROR,
            };
            spans.push(Span::raw(" │"));
            used += 2 + text.width() + 2;
            spans.push(Span::styled(format!(" {text} "), style));
        }
        // The store label takes what is left, if that is enough to read.
        let store = format!("store {}", self.store);
        let store_room = room.saturating_sub(used + 2);
        if store_room >= 8 {
            spans.push(Span::raw("│ "));
            spans.push(Span::raw(truncate(&store, store_room)));
        }
        Line::from(spans).render(Rect { width: room as u16, ..area }, buf);
        if area.width > clock_width {
            Line::raw(clock).render(Rect { x: area.right() - clock_width, width: clock_width, ..area }, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::{ChannelSync, SyncWorker};
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 12, 8, 0).unwrap()
    }

    fn channel(code: &str, state: ChannelState, error: Option<&str>) -> ChannelSync {
        ChannelSync {
            code: code.into(),
            name: code.into(),
            kind: "rest".into(),
            cursor: None,
            last_pull_at: Some(now() - Duration::minutes(1)),
            last_success_at: Some(Utc.with_ymd_and_hms(2026, 11, 21, 12, 2, 0).unwrap()),
            orders_imported: 120,
            state,
            last_error: error.map(Into::into),
            last_error_at: error.map(|_| now() - Duration::minutes(1)),
            pending: 3,
            failed: 0,
        }
    }

    fn health(channels: Vec<ChannelSync>, worker: &str, pending: u64, failed: u64) -> SyncHealth {
        SyncHealth {
            channels,
            pending,
            failed,
            oldest_pending: None,
            worker: Some(SyncWorker {
                station: worker.into(),
                since: now() - Duration::hours(1),
                until: now() + Duration::seconds(20),
            }),
        }
    }

    /// The bar at `width` columns as text, and the colours of the first sync cell.
    fn bar(operator: &str, sync: SyncStatus<'_>, width: u16) -> (String, Style) {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        StatusBar { station: "STATION-1", operator: Some(operator), store: "packline.db", now: now(), sync }
            .render(area, &mut buf);
        let line: String = (0..width).map(|x| buf[(x, 0)].symbol()).collect();
        let at = line.find("sync").map_or(0, |byte| line[..byte].chars().count() as u16);
        let cell = &buf[(at, 0)];
        (line, Style::new().fg(cell.fg).bg(cell.bg))
    }

    fn colours(style: Style) -> Style {
        Style::new().fg(style.fg.unwrap_or_default()).bg(style.bg.unwrap_or_default())
    }

    const SUPERVISOR: &str = "EMP-0001 Sabine Hoffmann (supervisor)";
    const PACKER: &str = "EMP-0004 Tim Vogel (packer)";

    /// The clock is shown whole and set apart from everything to its left.
    fn clock_stands_apart(line: &str) {
        let clock = line.find("12:08 UTC").unwrap_or_else(|| panic!("the clock is shown: {line:?}"));
        assert!(line[..clock].ends_with(' '), "the clock is set apart: {line:?}");
        assert!(line.contains("STATION-1"), "{line:?}");
    }

    #[test]
    fn a_long_left_part_never_touches_the_clock() {
        let ok = health(vec![channel("shop", ChannelState::Ok, None)], "STATION-1", 3, 0);
        for operator in [SUPERVISOR, PACKER, "EMP-0009 Maximiliane Müller-Lüdenscheidt-Oberhausen (supervisor)"] {
            for width in [80, 100, 120] {
                let (line, _) = bar(operator, SyncStatus::Health(&ok), width);
                clock_stands_apart(&line);
            }
        }
        let (line, _) = bar(PACKER, SyncStatus::Health(&ok), 120);
        assert!(line.contains("store packline.db"), "{line:?}");
    }

    #[test]
    fn fine_shows_the_last_success_and_the_outbox() {
        let ok = health(vec![channel("shop", ChannelState::Ok, None)], "STATION-1", 3, 0);
        let (line, style) = bar(PACKER, SyncStatus::Health(&ok), 120);
        assert!(line.contains("(packer) │ sync ✓ 12:02 · 3 out │ store packline.db"), "{line:?}");
        assert_eq!(style, colours(theme::BAR));
        // At 80 columns the store gives way first.
        let (line, _) = bar(PACKER, SyncStatus::Health(&ok), 80);
        assert!(line.contains("(packer) │ sync ✓ 12:02 · 3 out "), "{line:?}");
        assert!(!line.contains("store"), "{line:?}");
        clock_stands_apart(&line);
        // The supervisor's long name leaves no room for the time either.
        let (line, _) = bar(SUPERVISOR, SyncStatus::Health(&ok), 80);
        assert!(line.contains("(supervisor) │ sync ✓ · 3 out "), "{line:?}");
        assert!(!line.contains("store"), "{line:?}");
        clock_stands_apart(&line);
        // An older success names its day; failed rows turn it yellow.
        let mut old = ok.clone();
        old.channels[0].last_success_at = Some(now() - Duration::days(2));
        old.failed = 2;
        let (line, style) = bar(PACKER, SyncStatus::Health(&old), 120);
        assert!(line.contains("sync ! 11-19 12:08 · 3 out · 2 failed"), "{line:?}");
        assert_eq!(style, colours(SYNC_WARNING));
    }

    #[test]
    fn a_failing_channel_shows_its_error_in_the_warning_colour() {
        let failing = health(
            vec![
                channel("shop", ChannelState::Failing, Some("HTTP 503 Service Unavailable, retrying")),
                channel("b2b", ChannelState::Ok, None),
            ],
            "STATION-1",
            12,
            0,
        );
        let (line, style) = bar(PACKER, SyncStatus::Health(&failing), 120);
        assert!(line.contains("sync ! shop: HTTP 503 Service Unavailable, retrying · 12 out"), "{line:?}");
        assert_eq!(style, colours(SYNC_WARNING));
        // Short of room, the error is cut (and the count goes) before anything else.
        let (line, _) = bar(PACKER, SyncStatus::Health(&failing), 80);
        assert!(line.contains("sync ! shop: HTTP 503 Se… "), "{line:?}");
        clock_stands_apart(&line);
        let (line, _) = bar(SUPERVISOR, SyncStatus::Health(&failing), 80);
        assert!(line.contains("(supervisor) │ sync ! · 12 out "), "{line:?}");
        clock_stands_apart(&line);
    }

    #[test]
    fn a_rejected_token_shows_in_the_error_colour() {
        let rejected = health(
            vec![
                channel("shop", ChannelState::TokenRejected, Some("401 Unauthorized")),
                channel("b2b", ChannelState::Failing, Some("timed out")),
            ],
            "STATION-1",
            0,
            0,
        );
        let (line, style) = bar(PACKER, SyncStatus::Health(&rejected), 120);
        assert!(line.contains("sync ✗ shop: token rejected · 0 out"), "{line:?}");
        assert_eq!(style, colours(theme::ERROR));
        let (line, style) = bar(PACKER, SyncStatus::Health(&rejected), 80);
        assert!(line.contains("sync ✗ shop: token rejec… "), "{line:?}");
        assert_eq!(style, colours(theme::ERROR));
        clock_stands_apart(&line);
        let (line, _) = bar(SUPERVISOR, SyncStatus::Health(&rejected), 80);
        assert!(line.contains("│ sync ✗ · 0 out "), "{line:?}");
        clock_stands_apart(&line);
    }

    #[test]
    fn no_channel_or_no_worker_is_off_and_an_unreadable_store_is_unknown() {
        let none = SyncHealth::default();
        let (line, style) = bar(PACKER, SyncStatus::Health(&none), 80);
        assert!(line.contains("(packer) │ sync off │ store packline… "), "{line:?}");
        assert_eq!(style, colours(theme::BAR));
        clock_stands_apart(&line);
        // Channels, but the worker's lease ran out: nobody sends the outbox.
        let mut lapsed = health(vec![channel("shop", ChannelState::Ok, None)], "STATION-1", 4, 0);
        lapsed.worker.as_mut().unwrap().until = now() - Duration::seconds(1);
        let (line, _) = bar(PACKER, SyncStatus::Health(&lapsed), 80);
        assert!(line.contains("sync off · 4 out"), "{line:?}");
        let (line, style) = bar(SUPERVISOR, SyncStatus::Unknown, 80);
        assert!(line.contains("│ sync ? "), "{line:?}");
        assert_eq!(style, colours(SYNC_WARNING));
        clock_stands_apart(&line);
    }

    #[test]
    fn another_station_running_the_sync_is_named() {
        let standby = health(vec![channel("shop", ChannelState::Ok, None)], "STATION-2", 1, 0);
        let (line, style) = bar(PACKER, SyncStatus::Health(&standby), 80);
        assert!(line.contains("sync by STATION-2 · 1 out"), "{line:?}");
        assert_eq!(style, colours(theme::BAR));
        clock_stands_apart(&line);
        // Short of room, it still names the station.
        let (line, _) = bar(SUPERVISOR, SyncStatus::Health(&standby), 80);
        assert!(line.contains("│ sync STATION-2 "), "{line:?}");
        clock_stands_apart(&line);
    }

    #[test]
    fn network_text_is_cleaned_before_it_reaches_the_terminal() {
        let hostile = health(
            vec![channel("shop", ChannelState::Failing, Some("\u{1b}[2J\u{1b}]0;owned\u{7}bad\u{202e}gateway\n"))],
            "STATION-1",
            0,
            0,
        );
        let segment = SyncSegment::new(SyncStatus::Health(&hostile), "STATION-1", now());
        assert_eq!(segment.detail.as_deref(), Some("shop: badgateway"));
        let (line, _) = bar(PACKER, SyncStatus::Health(&hostile), 120);
        assert!(!line.contains('\u{1b}') && line.contains("sync ! shop: badgateway"), "{line:?}");
    }

    #[test]
    fn truncation_counts_display_columns() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        // Wide characters take two columns each.
        assert_eq!(truncate("東京都の倉庫", 7), "東京都…");
        assert_eq!(truncate("東京都の倉庫", 7).width(), 7);
        assert_eq!(truncate("anything", 0), "");
        assert_eq!(truncate("anything", 1), "…");
    }
}
