//! Drawing the dashboard: a pure function of [`DashboardScreen`]. Tiles on
//! top, then the throughput chart, operators, waves, alerts and the KPI
//! strip; the message line last.
//!
//! Two arrangements. From [`ROOMY_WIDTH`] columns and [`ROOMY_HEIGHT`] rows
//! each section sits in its own box, operators beside waves, and the alert
//! list's box says where Enter goes. Below that the sections are stacked
//! under one-line headings, the message line says where Enter goes, and the
//! sections shrink in turn (chart, operators and waves, then extra alerts) so
//! the tiles, the alerts and the KPIs always stay on screen. Every text from
//! data is cleaned and cut to its room by display width.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{DashboardScreen, Tone, describe_target, draw_chart, draw_tables, draw_tiles};
use crate::domain::dashboard::Dashboard;
use crate::domain::text::sanitize;
use crate::widgets::theme;

/// From this width (and [`ROOMY_HEIGHT`]) sections get boxes, operators beside waves.
pub(super) const ROOMY_WIDTH: u16 = 110;
/// From this many rows above the message line sections get boxes.
pub(super) const ROOMY_HEIGHT: u16 = 33;

impl Widget for &DashboardScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let Some(dashboard) = &self.dashboard else {
            self.render_waiting(body, buf);
            if let Some((Tone::Info, message)) = &self.message {
                Tone::Info.line(message).render(footer, buf);
            }
            return;
        };
        let roomy = body.width >= ROOMY_WIDTH && body.height >= ROOMY_HEIGHT;
        if roomy {
            self.render_roomy(dashboard, body, buf);
        } else {
            self.render_compact(dashboard, body, buf);
        }
        if let Some((tone, message)) = &self.message {
            tone.line(message).render(footer, buf);
        } else if !roomy && let Some(hint) = self.enter_hint() {
            fit(hint, footer.width).render(footer, buf);
        }
    }
}

/// Takes up to `want` rows from `left`.
fn take(left: &mut u16, want: u16) -> u16 {
    let got = want.min(*left);
    *left -= got;
    got
}

/// Any work in the chart's hours (an empty chart stays small).
fn busy(d: &Dashboard) -> bool {
    d.hours.iter().any(|h| h.picked_units > 0 || h.packed_units > 0)
}

/// Rows a list of `n` items wants: one per item, one for "none".
fn rows(n: usize) -> u16 {
    n.clamp(1, usize::from(u16::MAX / 2)) as u16
}

impl DashboardScreen {
    /// Before the first read: "Reading the dashboard…", or why it failed.
    fn render_waiting(&self, area: Rect, buf: &mut Buffer) {
        let lines = match &self.message {
            Some((Tone::Error, message)) => vec![
                Line::styled("The dashboard could not be read.", theme::LATE),
                Line::raw(sanitize(message).into_owned()),
                Line::styled("Refresh to try again.", theme::DIM),
            ],
            _ => vec![Line::styled("Reading the dashboard…", theme::DIM)],
        };
        let top = area.height.saturating_sub(lines.len() as u16) / 2;
        let inner = Rect { y: area.y + top, height: area.height - top, ..area };
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }).render(inner, buf);
    }

    /// `Enter: go to the order ORD-000123`, for the selected alert.
    pub(super) fn enter_hint(&self) -> Option<Vec<Span<'static>>> {
        let alert = self.selected_alert()?;
        Some(vec![
            Span::raw(" "),
            Span::styled("Enter", theme::KEY),
            Span::raw(format!(": go to {}", describe_target(&alert.target))),
        ])
    }

    /// Stacked sections under one-line headings.
    fn render_compact(&self, d: &Dashboard, area: Rect, buf: &mut Buffer) {
        let mut left = area.height;
        let cutoffs = if area.height >= 30 { 4 } else { 2 };
        let tiles = take(&mut left, draw_tiles::compact_height(d, area.width, cutoffs));
        let kpis = take(&mut left, 3);
        let alert_rows = rows(d.alerts.len());
        let mut alerts = take(&mut left, 1 + alert_rows.min(3));
        let mut chart = if left >= 3 { take(&mut left, 3) } else { 0 };
        let mut operators = if left >= 2 { take(&mut left, 1 + rows(d.operators.len()).min(2)) } else { 0 };
        let mut waves = if left >= 2 { take(&mut left, 1 + rows(d.waves.len()).min(2)) } else { 0 };
        // What is left: a few more alerts, every operator and wave, a taller
        // chart, then every alert.
        alerts += take(&mut left, (1 + alert_rows.min(8)).saturating_sub(alerts));
        if operators > 0 {
            operators += take(&mut left, (1 + rows(d.operators.len())).saturating_sub(operators));
        }
        if waves > 0 {
            waves += take(&mut left, (1 + rows(d.waves.len())).saturating_sub(waves));
        }
        if chart > 0 {
            chart += take(&mut left, if busy(d) { 8u16.saturating_sub(chart) } else { 0 });
        }
        alerts += take(&mut left, (1 + alert_rows).saturating_sub(alerts));
        let areas: [Rect; 6] =
            Layout::vertical([tiles, chart, operators, waves, alerts, kpis].map(Constraint::Length)).areas(area);
        let [tiles, chart, operators, waves, alerts, kpis] = areas;
        draw_tiles::render_compact(d, self.now, tiles, buf);
        draw_chart::render_stacked(&d.hours, chart, buf);
        draw_tables::render_operators(d, operators, false, buf);
        draw_tables::render_waves(d, self.now, waves, false, buf);
        self.render_alerts(alerts, false, buf);
        draw_tables::render_kpis(d, kpis, false, buf);
    }

    /// Every section in its box, operators beside waves.
    fn render_roomy(&self, d: &Dashboard, area: Rect, buf: &mut Buffer) {
        let mut left = area.height;
        let tiles = take(&mut left, draw_tiles::roomy_height(d, area.width));
        let kpis = take(&mut left, 5);
        let alert_rows = rows(d.alerts.len());
        let mut alerts = take(&mut left, 2 + alert_rows.min(5));
        let mut chart = take(&mut left, 8);
        let side_rows = (1 + rows(d.operators.len())).max(rows(d.waves.len()));
        let mut side = take(&mut left, 2 + side_rows.min(5));
        alerts += take(&mut left, (2 + alert_rows.min(10)).saturating_sub(alerts));
        side += take(&mut left, (2 + side_rows).saturating_sub(side));
        chart += take(&mut left, if busy(d) { 14u16.saturating_sub(chart) } else { 0 });
        alerts += take(&mut left, (2 + alert_rows).saturating_sub(alerts));
        let areas: [Rect; 5] = Layout::vertical([tiles, chart, side, alerts, kpis].map(Constraint::Length)).areas(area);
        let [tiles, chart, side, alerts, kpis] = areas;
        draw_tiles::render_roomy(d, self.now, tiles, buf);
        let block = Block::default().borders(Borders::ALL).title(draw_chart::title());
        draw_chart::render_boxed(&d.hours, block.inner(chart), buf);
        block.render(chart, buf);
        let [operators, waves] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(side);
        draw_tables::render_operators(d, operators, true, buf);
        draw_tables::render_waves(d, self.now, waves, true, buf);
        self.render_alerts(alerts, true, buf);
        let block = Block::default().borders(Borders::ALL).title(Line::styled(" KPIs ", theme::TITLE));
        draw_tables::render_kpis(d, block.inner(kpis), true, buf);
        block.render(kpis, buf);
    }
}

/// A heading line for a stacked section: `left` on the left in the header
/// style, `right` (dim) on the right when both fit.
pub(super) fn heading(left: Vec<Span<'static>>, right: &str, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let right_width = right.width();
    let room = if right.is_empty() || right_width + 2 > width { width } else { width - right_width - 2 };
    fit(left, room).style(theme::HEADER).render(area, buf);
    if room < width {
        Line::styled(right.to_owned(), theme::DIM).right_aligned().render(area, buf);
    }
}

pub(super) use crate::screens::fit_spans as fit;
