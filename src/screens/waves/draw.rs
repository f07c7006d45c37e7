//! Drawing the waves screen: a pure function of [`WavesScreen`].

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};

use super::{Preview, WavesScreen, saving_percent};
use crate::domain::OrderStatus;
use crate::domain::wave::{WaveStatus, WaveSummary};
use crate::widgets::theme;

/// Below this width the preview replaces the table instead of sitting beside it.
const SIDE_BY_SIDE: u16 = 120;

impl Widget for &WavesScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, footer] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        self.render_footer(footer, buf);
        match &self.preview {
            Some(preview) if body.width >= SIDE_BY_SIDE => {
                let [table, pane] =
                    Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(body);
                self.render_table(table, buf);
                render_preview(preview, pane, buf);
            }
            Some(preview) => render_preview(preview, body, buf),
            None => self.render_table(body, buf),
        }
    }
}

impl WavesScreen {
    /// The message line, or the "why?" prompt while cancelling.
    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        if let (Some(input), Some(number)) = (&self.prompt, self.cancelling()) {
            crate::screens::why::prompt_line(format!(" Cancel {number}, why? "), input).render(area, buf);
        } else if let Some((tone, message)) = &self.message {
            tone.line(message).render(area, buf);
        }
    }

    fn title(&self) -> Line<'static> {
        let active = self.waves.iter().filter(|w| w.status.is_active()).count();
        Line::from(vec![
            Span::styled(" Waves ", theme::TITLE),
            Span::raw(format!("· {active} active · {} listed ", self.waves.len())),
        ])
    }

    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let mut block = Block::default().borders(Borders::ALL).title(self.title());
        if !self.waves.is_empty() {
            let position = format!(" {} of {} ", self.selected + 1, self.waves.len());
            block = block.title_bottom(Line::raw(position).right_aligned());
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if self.waves.is_empty() {
            Paragraph::new("No waves yet. A supervisor plans one with n.")
                .style(theme::DIM)
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let columns = Columns::for_width(inner.width);
        let header = Row::new(columns.headers()).style(theme::HEADER);
        let rows: Vec<Row> = self.waves.iter().map(|wave| columns.row(wave, self.now)).collect();
        let table =
            Table::new(rows, columns.widths()).header(header).row_highlight_style(theme::SELECTED).column_spacing(1);
        let mut state = TableState::default().with_selected(Some(self.selected));
        StatefulWidget::render(table, inner, buf, &mut state);
    }
}

/// Which columns fit: everything from 104 columns, the essentials from 70,
/// number, status and progress below that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    Wide,
    Medium,
    Narrow,
}

impl Columns {
    fn for_width(width: u16) -> Self {
        match width {
            104.. => Self::Wide,
            70.. => Self::Medium,
            _ => Self::Narrow,
        }
    }

    /// The progress column's width: the bar, a space and `100%`.
    fn progress_width(self) -> u16 {
        match self {
            Self::Wide => 16,
            Self::Medium | Self::Narrow => 12,
        }
    }

    fn headers(self) -> Vec<Cell<'static>> {
        let right = |text: &'static str| Cell::from(Line::from(text).right_aligned());
        match self {
            Self::Wide => vec![
                Cell::from("Wave"),
                Cell::from("Status"),
                right("Orders"),
                right("Lines"),
                right("Units"),
                Cell::from("Progress"),
                Cell::from("Picker"),
                right("Age"),
                right("Walk"),
                right("S-shape"),
            ],
            Self::Medium => vec![
                Cell::from("Wave"),
                Cell::from("Status"),
                right("Ord"),
                right("Units"),
                Cell::from("Progress"),
                Cell::from("Picker"),
                right("Age"),
            ],
            Self::Narrow => vec![Cell::from("Wave"), Cell::from("Status"), Cell::from("Progress")],
        }
    }

    fn widths(self) -> Vec<Constraint> {
        let progress = Constraint::Length(self.progress_width());
        match self {
            Self::Wide => vec![
                Constraint::Length(11),
                Constraint::Length(9),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(5),
                progress,
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(8),
                Constraint::Length(8),
            ],
            Self::Medium => vec![
                Constraint::Length(11),
                Constraint::Length(9),
                Constraint::Length(4),
                Constraint::Length(5),
                progress,
                Constraint::Fill(1),
                Constraint::Length(6),
            ],
            Self::Narrow => vec![Constraint::Length(11), Constraint::Length(9), progress],
        }
    }

    fn row(self, wave: &WaveSummary, now: DateTime<Utc>) -> Row<'static> {
        let right = |text: String| Cell::from(Line::from(text).right_aligned());
        let number_style = if wave.status.is_active() { Style::new() } else { theme::DIM };
        let mut cells = vec![
            Cell::from(wave.number.to_string()).style(number_style),
            Cell::from(label(wave.status)).style(status_style(wave.status)),
        ];
        let progress = Cell::from(progress_bar(wave.done_units, wave.units, self.progress_width()));
        match self {
            Self::Wide => cells.extend([
                right(wave.orders.to_string()),
                right(wave.lines.to_string()),
                right(wave.units.to_string()),
                progress,
                picker(wave, now),
                right(age(wave.created_at, now)),
                right(metres(wave.route_m)),
                Cell::from(Line::styled(metres(wave.baseline_m), theme::DIM).right_aligned()),
            ]),
            Self::Medium => cells.extend([
                right(wave.orders.to_string()),
                right(wave.units.to_string()),
                progress,
                picker(wave, now),
                right(age(wave.created_at, now)),
            ]),
            Self::Narrow => cells.push(progress),
        }
        Row::new(cells)
    }
}

/// What a wave's status is called on screen.
fn label(status: WaveStatus) -> &'static str {
    match status {
        WaveStatus::Planned => "Planned",
        WaveStatus::Released => "Released",
        WaveStatus::Picking => "Picking",
        WaveStatus::Picked => "Picked",
        WaveStatus::Cancelled => "Cancelled",
    }
}

/// A wave status in the colour of the order status it corresponds to.
fn status_style(status: WaveStatus) -> Style {
    theme::status(match status {
        WaveStatus::Planned => OrderStatus::New,
        WaveStatus::Released => OrderStatus::Ready,
        WaveStatus::Picking => OrderStatus::Picking,
        WaveStatus::Picked => OrderStatus::Picked,
        WaveStatus::Cancelled => OrderStatus::Cancelled,
    })
}

/// Who holds the wave and since when: `EMP-0003/STATION-2 09:12`,
/// "lease expired" (dim) or a dash.
fn picker(wave: &WaveSummary, now: DateTime<Utc>) -> Cell<'static> {
    match &wave.lease {
        Some(lease) if lease.expired(now) => Cell::from("lease expired").style(theme::DIM),
        Some(lease) => Cell::from(format!("{}/{} {}", lease.operator, lease.station, lease.since.format("%H:%M"))),
        None => Cell::from("—").style(theme::DIM),
    }
}

/// A text gauge `width` columns wide: `████░░░░  45%`. Full only when every
/// unit is done; a wave without units shows a dash.
pub(super) fn progress_bar(done: u32, units: u32, width: u16) -> Line<'static> {
    if units == 0 {
        return Line::styled("—", theme::DIM);
    }
    let done = done.min(units);
    let bar = usize::from(width.saturating_sub(5)).max(1);
    let filled = (u64::from(done) * bar as u64 / u64::from(units)) as usize;
    let percent = u64::from(done) * 100 / u64::from(units);
    let fill_style = Style::new().fg(if done == units { Color::Green } else { Color::Cyan });
    Line::from(vec![
        Span::styled("█".repeat(filled), fill_style),
        Span::styled("░".repeat(bar - filled), theme::DIM),
        Span::raw(format!(" {percent:>3}%")),
    ])
}

/// Time since `since`: `12m`, `3h05m`, `2d04h`.
pub(super) fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes}m"),
        60..1440 => format!("{}h{:02}m", minutes / 60, minutes % 60),
        _ => format!("{}d{:02}h", minutes / 1440, minutes / 60 % 24),
    }
}

/// A walking distance: `182.4 m`.
fn metres(m: f64) -> String {
    format!("{m:.1} m")
}

fn render_preview(preview: &Preview, area: Rect, buf: &mut Buffer) {
    let plan = &preview.plan;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Line::styled(" New wave (preview) ", theme::TITLE))
        .title_bottom(Line::styled(" Enter creates the wave · Esc discards ", theme::INFO));
    let figure = |name: &str, value: String| Line::from(vec![Span::raw(format!("{name:<22}")), Span::raw(value)]);
    let mut lines = vec![
        Line::raw(format!(
            "{} orders · {} lines · {} units · {} bins",
            plan.orders.len(),
            plan.lines,
            plan.units,
            plan.walk.len()
        )),
        Line::raw(""),
        figure("Walk, planned route", metres(plan.route_m)),
        figure("First-come, S-shape", metres(plan.baseline_m)),
    ];
    match saving_percent(plan.route_m, plan.baseline_m) {
        Some(percent) if percent >= 0.0 => lines.push(Line::from(vec![
            Span::raw(format!("{:<22}", "Saving")),
            Span::styled(
                format!("{} ({percent:.0}%)", metres(plan.baseline_m - plan.route_m)),
                Style::new().fg(Color::Green),
            ),
        ])),
        Some(percent) => lines.push(Line::from(vec![
            Span::raw(format!("{:<22}", "Longer by")),
            Span::styled(format!("{} ({:.0}%)", metres(plan.route_m - plan.baseline_m), -percent), theme::HOLD),
        ])),
        None => lines.push(figure("Saving", "—".into())),
    }
    if let Some(note) = &preview.note {
        lines.push(Line::raw(""));
        lines.push(Line::styled(note.clone(), theme::HOLD));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Orders ({})", plan.orders.len()), theme::HEADER));
    let orders: Vec<String> = plan.orders.iter().map(ToString::to_string).collect();
    lines.push(Line::raw(orders.join("  ")));
    Paragraph::new(lines).block(block).wrap(Wrap { trim: true }).render(area, buf);
}
