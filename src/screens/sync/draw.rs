//! Drawing the sync screen: a pure function of [`SyncScreen`]. The channels
//! on top, the outbox below, the message line or the "why?" prompt last.
//! Every text that came over the network is cleaned before it is drawn.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};

use super::{SyncScreen, describe_row, row_subject};
use crate::domain::sync::{ChannelState, ChannelSync, OutboxRow, OutboxState};
use crate::domain::text::sanitize;
use crate::widgets::format::{count, short_time};
use crate::widgets::theme;

/// From this inner width the tables show every column.
const WIDE: u16 = 110;

/// At most this many channel rows before the outbox gets the rest.
const MAX_CHANNEL_ROWS: usize = 8;

/// The selected row's detail: three lines in a box.
const DETAIL_HEIGHT: u16 = 5;

impl Widget for &SyncScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        self.render_footer(footer, buf);
        let channel_rows = self.health.channels.len().clamp(1, MAX_CHANNEL_ROWS) as u16;
        // Borders and the header; an empty list says so on one line.
        let wanted = if self.health.channels.is_empty() { 3 } else { channel_rows + 3 };
        // The outbox keeps at least its borders, header and a few rows.
        let channels_height = wanted.min(body.height.saturating_sub(6).max(body.height / 2));
        let [channels, outbox] =
            Layout::vertical([Constraint::Length(channels_height), Constraint::Min(0)]).areas(body);
        self.render_channels(channels, buf);
        // The selected row in full under the list, when there is room for it.
        match self.selected_row() {
            Some(row) if outbox.height >= 12 => {
                let [list, detail] =
                    Layout::vertical([Constraint::Min(0), Constraint::Length(DETAIL_HEIGHT)]).areas(outbox);
                self.render_outbox(list, buf);
                render_detail(row, self.now, detail, buf);
            }
            _ => self.render_outbox(outbox, buf),
        }
    }
}

impl SyncScreen {
    /// The message line, or the "why?" prompt while skipping a row.
    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        if let (Some(input), Some((id, what))) = (&self.prompt, &self.skipping) {
            crate::screens::why::prompt_line(format!(" Skip outbox {id} ({what}), why? "), input).render(area, buf);
        } else if let Some((tone, message)) = &self.message {
            tone.line(message).render(area, buf);
        }
    }

    /// ` Channels · sync runs here (STATION-1) `, `… by STATION-2 `, `… not running `.
    fn channels_title(&self) -> Line<'static> {
        let worker = self.health.worker.as_ref().filter(|w| w.until > self.now);
        let who = match worker {
            Some(w) if w.station == self.station => Span::raw(format!("· sync runs here ({}) ", sanitize(&w.station))),
            Some(w) => Span::raw(format!("· sync runs at {} ", sanitize(&w.station))),
            None if self.health.channels.is_empty() => Span::styled("· sync off ", theme::DIM),
            None => Span::styled("· nobody runs the sync ", theme::HOLD),
        };
        Line::from(vec![Span::styled(" Channels ", theme::TITLE), who])
    }

    fn render_channels(&self, area: Rect, buf: &mut Buffer) {
        let block = Block::default().borders(Borders::ALL).title(self.channels_title());
        let inner = block.inner(area);
        block.render(area, buf);
        if self.health.channels.is_empty() {
            Paragraph::new("No channel is set up (the config's [[channels]]): orders come from imports.")
                .style(theme::DIM)
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let wide = inner.width >= WIDE;
        let right = |text: &'static str| Cell::from(Line::from(text).right_aligned());
        let (headers, widths) = if wide {
            (
                vec![
                    Cell::from("Channel"),
                    Cell::from("Name"),
                    Cell::from("Kind"),
                    Cell::from("State"),
                    Cell::from("Last pull"),
                    Cell::from("Success"),
                    right("Orders"),
                    right("Pend"),
                    right("Fail"),
                    Cell::from("Last error"),
                ],
                vec![
                    Constraint::Length(10),
                    Constraint::Length(16),
                    Constraint::Length(5),
                    Constraint::Length(14),
                    Constraint::Length(11),
                    Constraint::Length(11),
                    Constraint::Length(8),
                    Constraint::Length(5),
                    Constraint::Length(5),
                    Constraint::Fill(1),
                ],
            )
        } else {
            (
                vec![
                    Cell::from("Channel"),
                    Cell::from("State"),
                    Cell::from("Last pull"),
                    right("Orders"),
                    right("Pend"),
                    right("Fail"),
                    Cell::from("Last error"),
                ],
                vec![
                    Constraint::Length(8),
                    Constraint::Length(14),
                    Constraint::Length(10),
                    Constraint::Length(7),
                    Constraint::Length(5),
                    Constraint::Length(4),
                    Constraint::Fill(1),
                ],
            )
        };
        let rows: Vec<Row> = self.health.channels.iter().map(|c| channel_row(c, self.now, wide)).collect();
        let table = Table::new(rows, widths).header(Row::new(headers).style(theme::HEADER)).column_spacing(1);
        Widget::render(table, inner, buf);
    }

    /// ` Outbox · 2 failed · 12 pending `, from the totals (the list may be cut).
    fn outbox_title(&self) -> Line<'static> {
        let failed_style = if self.health.failed > 0 { theme::LATE } else { Style::new() };
        let mut spans = vec![
            Span::styled(" Outbox ", theme::TITLE),
            Span::raw("· "),
            Span::styled(format!("{} failed", count(self.health.failed)), failed_style),
            Span::raw(format!(" · {} pending ", count(self.health.pending))),
        ];
        if let Some(oldest) = self.health.oldest_pending {
            spans.push(Span::styled(format!("· oldest {} ", age(oldest, self.now)), theme::DIM));
        }
        Line::from(spans)
    }

    fn render_outbox(&self, area: Rect, buf: &mut Buffer) {
        let mut block = Block::default().borders(Borders::ALL).title(self.outbox_title());
        if !self.rows.is_empty() {
            let position = format!(" {} of {} ", self.selected + 1, self.rows.len());
            block = block.title_bottom(Line::raw(position).right_aligned());
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if self.rows.is_empty() {
            Paragraph::new("Nothing waiting: every shipment has reached its channel.")
                .style(theme::DIM)
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let wide = inner.width >= WIDE;
        let right = |text: &'static str| Cell::from(Line::from(text).right_aligned());
        let (headers, widths) = if wide {
            (
                vec![
                    Cell::from("State"),
                    Cell::from("Kind"),
                    Cell::from("Order / key"),
                    Cell::from("To"),
                    right("Tries"),
                    Cell::from("Next"),
                    right("Age"),
                    Cell::from("Last error"),
                ],
                vec![
                    Constraint::Length(7),
                    Constraint::Length(8),
                    Constraint::Length(18),
                    Constraint::Length(10),
                    Constraint::Length(5),
                    Constraint::Length(8),
                    Constraint::Length(6),
                    Constraint::Fill(1),
                ],
            )
        } else {
            (
                vec![
                    Cell::from("State"),
                    Cell::from("Order / key"),
                    Cell::from("To"),
                    right("Tries"),
                    Cell::from("Next"),
                    right("Age"),
                    Cell::from("Last error"),
                ],
                vec![
                    Constraint::Length(7),
                    Constraint::Length(12),
                    Constraint::Length(6),
                    Constraint::Length(5),
                    Constraint::Length(7),
                    Constraint::Length(6),
                    Constraint::Fill(1),
                ],
            )
        };
        let rows: Vec<Row> = self.rows.iter().map(|r| outbox_row(r, self.now, wide)).collect();
        let table = Table::new(rows, widths)
            .header(Row::new(headers).style(theme::HEADER))
            .row_highlight_style(theme::SELECTED)
            .column_spacing(1);
        let mut state = TableState::default().with_selected(Some(self.selected));
        StatefulWidget::render(table, inner, buf, &mut state);
    }
}

/// The selected outbox row in full: what, where, tries, and the whole last error.
fn render_detail(row: &OutboxRow, now: DateTime<Utc>, area: Rect, buf: &mut Buffer) {
    let block =
        Block::default().borders(Borders::ALL).title(Line::styled(format!(" Outbox {} ", row.id), theme::TITLE));
    let next = match (row.state, row.next_attempt_at) {
        (OutboxState::Pending, Some(at)) if at > now => format!(", next {}", clock_or_day(at, now)),
        _ => String::new(),
    };
    let tries = if row.attempts == 1 { "1 try".to_owned() } else { format!("{} tries", row.attempts) };
    let facts = format!(
        "{} {}, key {}, written {}, {tries}{next}",
        sanitize(&row.kind),
        describe_row(row),
        sanitize(&row.idempotency_key),
        clock_or_day(row.created_at, now),
    );
    let error = row.last_error.as_deref().map_or_else(
        || Line::styled("No error recorded.", theme::DIM),
        |e| Line::from(vec![Span::styled("Last error: ", theme::HEADER), Span::raw(sanitize(e).into_owned())]),
    );
    Paragraph::new(vec![Line::raw(facts), error]).block(block).wrap(Wrap { trim: true }).render(area, buf);
}

fn channel_row(channel: &ChannelSync, now: DateTime<Utc>, wide: bool) -> Row<'static> {
    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    let (state, state_style) = match channel.state {
        ChannelState::Ok => ("ok", Style::new().fg(Color::Green)),
        ChannelState::Failing => ("failing", theme::HOLD),
        ChannelState::TokenRejected => ("token rejected", theme::LATE),
    };
    let pull =
        channel.last_pull_at.map_or_else(|| Cell::from("never").style(theme::DIM), |at| Cell::from(ago(at, now)));
    let error = match (&channel.last_error, channel.state) {
        (Some(error), ChannelState::Ok) => Cell::from(sanitize(error).into_owned()).style(theme::DIM),
        (Some(error), _) => Cell::from(sanitize(error).into_owned()),
        (None, _) => Cell::from("—").style(theme::DIM),
    };
    let failed_style = if channel.failed > 0 { theme::LATE } else { Style::new() };
    let mut cells = vec![Cell::from(sanitize(&channel.code).into_owned())];
    if wide {
        cells.push(Cell::from(sanitize(&channel.name).into_owned()));
        cells.push(Cell::from(sanitize(&channel.kind).into_owned()));
    }
    cells.extend([Cell::from(state).style(state_style), pull]);
    if wide {
        let success = channel
            .last_success_at
            .map_or_else(|| Cell::from("never").style(theme::DIM), |at| Cell::from(clock_or_day(at, now)));
        cells.push(success);
    }
    cells.extend([
        right(count(channel.orders_imported)),
        right(count(channel.pending)),
        Cell::from(Line::from(count(channel.failed)).right_aligned()).style(failed_style),
        error,
    ]);
    Row::new(cells)
}

fn outbox_row(row: &OutboxRow, now: DateTime<Utc>, wide: bool) -> Row<'static> {
    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    let state_style = match row.state {
        OutboxState::Failed => theme::LATE,
        OutboxState::Pending if row.attempts > 0 => theme::HOLD,
        OutboxState::Pending => Style::new(),
        OutboxState::Sent | OutboxState::Skipped => theme::DIM,
    };
    // The order (or RMA) alone: the channel has its own column.
    let subject = row_subject(row);
    let next = match (row.state, row.next_attempt_at) {
        (OutboxState::Pending, Some(at)) if at > now => Cell::from(format!("in {}", age(now, at))),
        (OutboxState::Pending, _) => Cell::from("now"),
        _ => Cell::from("—").style(theme::DIM),
    };
    let error = row
        .last_error
        .as_deref()
        .map_or_else(|| Cell::from("—").style(theme::DIM), |e| Cell::from(sanitize(e).into_owned()));
    let mut cells = vec![Cell::from(row.state.as_str()).style(state_style)];
    if wide {
        cells.push(Cell::from(sanitize(&row.kind).into_owned()));
    }
    cells.extend([
        Cell::from(subject),
        Cell::from(sanitize(&row.channel).into_owned()),
        right(row.attempts.to_string()),
        next,
        right(age(row.created_at, now)),
        error,
    ]);
    Row::new(cells)
}

/// How long ago, as people say it: `just now`, `2 min ago`, `3 h ago`, `4 d ago`.
pub(super) fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds().max(0);
    match seconds {
        0..60 => "just now".to_owned(),
        60..3_600 => format!("{} min ago", seconds / 60),
        3_600..86_400 => format!("{} h ago", seconds / 3_600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// `14:02` today, `11-19 14:02` on another day.
pub(super) fn clock_or_day(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at.date_naive() == now.date_naive() { at.format("%H:%M").to_string() } else { short_time(at) }
}

/// Time from `since` to `until`: `45s`, `12m`, `3h05m`, `2d04h`.
pub(super) fn age(since: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let seconds = (until - since).num_seconds().max(0);
    let minutes = seconds / 60;
    match minutes {
        0 => format!("{seconds}s"),
        1..60 => format!("{minutes}m"),
        60..1440 => format!("{}h{:02}m", minutes / 60, minutes % 60),
        _ => format!("{}d{:02}h", minutes / 1440, minutes / 60 % 24),
    }
}
