//! Drawing the dashboard's lists: operators, waves on the floor, alerts and
//! the KPI strip. Each is drawn in a box (`boxed`) or under a one-line
//! heading; cells are cut to their width with an ellipsis.

use std::rc::Rc;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, LineGauge, Widget};

use super::DashboardScreen;
use super::draw::{fit, heading};
use super::figures::{DASH, age, clock, maybe_minutes, per_hour, percent};
use crate::domain::dashboard::{Dashboard, Kpis, OperatorRow, Severity, WaveProgress};
use crate::domain::text::sanitize;
use crate::widgets::format::count;
use crate::widgets::theme;

/// Badge, name, picks/h, packs/h, units picked, units packed, scan errors.
const OPERATOR_COLUMNS: [Constraint; 7] = [
    Constraint::Length(8),
    Constraint::Fill(1),
    Constraint::Length(7),
    Constraint::Length(7),
    Constraint::Length(7),
    Constraint::Length(7),
    Constraint::Length(8),
];

/// Wave, picker, progress, estimated finish.
const WAVE_COLUMNS: [Constraint; 4] =
    [Constraint::Length(11), Constraint::Fill(3), Constraint::Fill(2), Constraint::Length(12)];

/// Kind, message, age.
const ALERT_COLUMNS: [Constraint; 3] = [Constraint::Length(10), Constraint::Fill(1), Constraint::Length(4)];

/// Span, then the six figures.
const KPI_COLUMNS: [Constraint; 7] = [
    Constraint::Length(8),
    Constraint::Length(10),
    Constraint::Length(10),
    Constraint::Length(10),
    Constraint::Length(10),
    Constraint::Length(10),
    Constraint::Length(10),
];

/// The waves' progress line.
const PROGRESS: Style = Style::new().fg(ratatui::style::Color::Cyan);

/// One row of `area` (the `i`th).
fn row(area: Rect, i: u16) -> Rect {
    Rect { y: area.y + i, height: 1, ..area }
}

/// One row split into cells, a column apart.
fn cells(row: Rect, widths: &[Constraint]) -> Rc<[Rect]> {
    Layout::horizontal(widths.iter().copied()).spacing(1).split(row)
}

/// Spans in a cell, cut to fit, aligned.
fn put(spans: Vec<Span<'static>>, cell: Rect, alignment: Alignment, buf: &mut Buffer) {
    fit(spans, cell.width).alignment(alignment).render(cell, buf);
}

/// Text in a cell, or a dim dash for the dash.
fn figure(text: String) -> Span<'static> {
    if text == DASH { Span::styled(text, theme::DIM) } else { Span::raw(text) }
}

/// The box around a section (its inner area), or the area itself.
fn frame(area: Rect, boxed: bool, title: Vec<Span<'static>>, buf: &mut Buffer) -> Rect {
    if !boxed {
        return area;
    }
    let block = Block::default().borders(Borders::ALL).title(fit(title, area.width.saturating_sub(2)));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// ` · 3 of 7` when only some of `total` are shown.
fn shown_of(shown: usize, total: usize) -> String {
    if shown < total { format!(" · {shown} of {total}") } else { String::new() }
}

/// The operators who worked today, by badge, as many as fit.
pub(super) fn render_operators(d: &Dashboard, area: Rect, boxed: bool, buf: &mut Buffer) {
    let total = d.operators.len();
    let fits = usize::from(area.height.saturating_sub(if boxed { 3 } else { 1 }));
    let shown = total.min(fits);
    let title = vec![Span::styled(" Operators today", theme::TITLE), Span::raw(format!("{} ", shown_of(shown, total)))];
    let inner = frame(area, boxed, title, buf);
    if inner.height == 0 {
        return;
    }
    let header = cells(row(inner, 0), &OPERATOR_COLUMNS);
    let who = Rect { width: header[1].right() - header[0].x, ..header[0] };
    let first = if boxed { "Operator".to_owned() } else { format!("Operators today{}", shown_of(shown, total)) };
    put(vec![Span::raw(first)], who, Alignment::Left, buf);
    for (cell, name) in header[2..].iter().zip(["Picks/h", "Packs/h", "Picked", "Packed", "Scan err"]) {
        put(vec![Span::raw(name)], *cell, Alignment::Right, buf);
    }
    buf.set_style(row(inner, 0), theme::HEADER);
    if total == 0 && inner.height > 1 {
        put(vec![Span::styled("Nobody has picked or packed today.", theme::DIM)], row(inner, 1), Alignment::Left, buf);
    }
    for (i, operator) in d.operators.iter().take(shown).enumerate() {
        operator_row(operator, &cells(row(inner, i as u16 + 1), &OPERATOR_COLUMNS), buf);
    }
}

fn operator_row(operator: &OperatorRow, cells: &[Rect], buf: &mut Buffer) {
    let facts = &operator.facts;
    put(vec![Span::raw(sanitize(&facts.badge).into_owned())], cells[0], Alignment::Left, buf);
    let name = sanitize(&facts.name);
    let name = if name.is_empty() { Span::styled(DASH, theme::DIM) } else { Span::raw(name.into_owned()) };
    put(vec![name], cells[1], Alignment::Left, buf);
    let figures = [
        per_hour(operator.picks_per_hour),
        per_hour(operator.packs_per_hour),
        count(facts.picked_units),
        count(facts.packed_units),
        percent(operator.scan_error_rate),
    ];
    for (cell, text) in cells[2..].iter().zip(figures) {
        put(vec![figure(text)], *cell, Alignment::Right, buf);
    }
}

/// The waves being picked: who, how far, when done; how many wait for a picker.
pub(super) fn render_waves(
    d: &Dashboard,
    now: chrono::DateTime<chrono::Utc>,
    area: Rect,
    boxed: bool,
    buf: &mut Buffer,
) {
    let total = d.waves.len();
    let fits = usize::from(area.height.saturating_sub(if boxed { 2 } else { 1 }));
    let shown = total.min(fits);
    let waiting = if d.waves_waiting > 0 { format!(" · {} waiting", count(d.waves_waiting)) } else { String::new() };
    let title = vec![
        Span::styled(" Waves being picked", theme::TITLE),
        Span::raw(format!(" · {}{waiting} ", count(total as u64))),
    ];
    let mut inner = frame(area, boxed, title, buf);
    if inner.height == 0 {
        return;
    }
    if !boxed {
        let right = if shown < total { format!("{shown} of {total}") } else { String::new() };
        heading(vec![Span::raw(format!("Waves being picked{waiting}"))], &right, row(inner, 0), buf);
        inner = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    }
    if total == 0 && inner.height > 0 {
        put(vec![Span::styled("No wave is being picked.", theme::DIM)], row(inner, 0), Alignment::Left, buf);
    }
    for (i, wave) in d.waves.iter().take(shown).enumerate() {
        wave_row(wave, now, &cells(row(inner, i as u16), &WAVE_COLUMNS), buf);
    }
}

fn wave_row(wave: &WaveProgress, now: chrono::DateTime<chrono::Utc>, cells: &[Rect], buf: &mut Buffer) {
    put(vec![Span::raw(wave.wave.number.to_string())], cells[0], Alignment::Left, buf);
    let who = wave.wave.lease.as_ref().map(|l| format!("{}/{}", sanitize(&l.operator), sanitize(&l.station)));
    let picker = match (wave.lease_expired, who) {
        (true, Some(who)) => vec![
            Span::styled("lease expired", theme::HOLD.add_modifier(Modifier::BOLD)),
            Span::styled(format!(" {who}"), theme::DIM),
        ],
        (true, None) => vec![Span::styled("lease expired", theme::HOLD.add_modifier(Modifier::BOLD))],
        (false, Some(who)) => vec![Span::raw(who)],
        (false, None) => vec![Span::styled("waiting for a picker", theme::DIM)],
    };
    put(picker, cells[1], Alignment::Left, buf);
    let done = if wave.done.is_finite() { wave.done.clamp(0.0, 1.0) } else { 0.0 };
    LineGauge::default()
        .ratio(done)
        .label(format!("{:>3}%", (done * 100.0).floor() as u32))
        .filled_symbol(ratatui::symbols::line::THICK_HORIZONTAL)
        .filled_style(PROGRESS)
        .unfilled_style(theme::DIM)
        .render(cells[2], buf);
    let finish = wave.finish.map_or_else(
        || Span::styled(DASH, theme::DIM),
        |at| {
            let when =
                if at.date_naive() == now.date_naive() { clock(at, now) } else { at.format("%m-%d").to_string() };
            Span::raw(format!("finish {when}"))
        },
    );
    put(vec![finish], cells[3], Alignment::Left, buf);
}

/// The colour of an alert's label.
fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => theme::LATE,
        Severity::Warning => theme::HOLD,
        Severity::Notice => theme::INFO,
    }
}

impl DashboardScreen {
    /// The alerts, worst first, the selected one highlighted and kept in view.
    pub(super) fn render_alerts(&self, area: Rect, boxed: bool, buf: &mut Buffer) {
        let alerts = self.alerts();
        let mut summary = vec![Span::styled(if boxed { " Alerts" } else { "Alerts" }, theme::TITLE)];
        for (severity, one, many) in [
            (Severity::Critical, "critical", "critical"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Notice, "notice", "notices"),
        ] {
            let n = alerts.iter().filter(|a| a.severity == severity).count();
            if n > 0 {
                summary.push(Span::raw(" · "));
                summary
                    .push(Span::styled(format!("{n} {}", if n == 1 { one } else { many }), severity_style(severity)));
            }
        }
        let position =
            if alerts.is_empty() { String::new() } else { format!("{} of {}", self.selected + 1, alerts.len()) };
        let mut inner = area;
        if boxed {
            summary.push(Span::raw(" "));
            let mut block = Block::default().borders(Borders::ALL).title(fit(summary, area.width.saturating_sub(2)));
            if !position.is_empty() {
                let position = format!(" {position} ");
                let room = area.width.saturating_sub(position.len() as u16 + 4);
                if let Some(mut hint) = self.enter_hint() {
                    hint.push(Span::raw(" "));
                    block = block.title_bottom(fit(hint, room));
                }
                block = block.title_bottom(Line::raw(position).right_aligned());
            }
            inner = block.inner(area);
            block.render(area, buf);
        } else if area.height > 0 {
            heading(summary, &position, row(area, 0), buf);
            inner = Rect { y: area.y + 1, height: area.height - 1, ..area };
        }
        if inner.height == 0 {
            return;
        }
        if alerts.is_empty() {
            let none = "No alerts: nothing needs a supervisor right now.";
            put(vec![Span::styled(none, theme::DIM)], row(inner, 0), Alignment::Left, buf);
            return;
        }
        let rows = usize::from(inner.height);
        let offset = (self.selected + 1).saturating_sub(rows);
        for (i, alert) in alerts.iter().enumerate().skip(offset).take(rows) {
            let line = row(inner, (i - offset) as u16);
            let cells = cells(line, &ALERT_COLUMNS);
            put(vec![Span::styled(alert.kind.label(), severity_style(alert.severity))], cells[0], Alignment::Left, buf);
            put(vec![Span::raw(sanitize(&alert.message).into_owned())], cells[1], Alignment::Left, buf);
            let since = alert.since.map_or_else(|| DASH.to_owned(), |at| age(at, self.now));
            put(vec![figure(since)], cells[2], Alignment::Right, buf);
            if i == self.selected {
                buf.set_style(line, theme::SELECTED);
            }
        }
    }
}

/// Today and the KPI window: cycle time, on time, picking accuracy, returns, shipped.
pub(super) fn render_kpis(d: &Dashboard, area: Rect, boxed: bool, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let header = cells(row(area, 0), &KPI_COLUMNS);
    put(vec![Span::raw(if boxed { "" } else { "KPIs" })], header[0], Alignment::Left, buf);
    for (cell, name) in header[1..].iter().zip(["Cycle p50", "Cycle p90", "On time", "Accuracy", "Returns", "Shipped"])
    {
        put(vec![Span::raw(name)], *cell, Alignment::Right, buf);
    }
    buf.set_style(row(area, 0), theme::HEADER);
    let window = if d.week.days == 1 { "1 day".to_owned() } else { format!("{} days", d.week.days) };
    for (i, (name, kpis)) in [("Today".to_owned(), &d.today), (window, &d.week)].into_iter().enumerate() {
        if i as u16 + 1 >= area.height {
            break;
        }
        kpi_row(name, kpis, &cells(row(area, i as u16 + 1), &KPI_COLUMNS), buf);
    }
}

fn kpi_row(name: String, kpis: &Kpis, cells: &[Rect], buf: &mut Buffer) {
    put(vec![Span::styled(name, theme::TITLE)], cells[0], Alignment::Left, buf);
    let figures = [
        maybe_minutes(kpis.cycle_p50_minutes),
        maybe_minutes(kpis.cycle_p90_minutes),
        percent(kpis.on_time_rate),
        percent(kpis.picking_accuracy),
        percent(kpis.returns_rate),
        count(kpis.shipped_orders),
    ];
    for (cell, text) in cells[1..].iter().zip(figures) {
        put(vec![figure(text)], *cell, Alignment::Right, buf);
    }
}
