//! Drawing the throughput chart: units per clock hour as bars, newest on
//! the right, as many hours as fit. Stacked, it shows picked units with a
//! short legend beside; boxed, packed units stand beside picked ones, with
//! a scale on the left and shipped orders under the hours.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Widget};

use crate::domain::dashboard::HourFacts;
use crate::widgets::format::count;
use crate::widgets::theme;

/// Picked units.
pub(super) const PICKED: Style = Style::new().fg(Color::Cyan);
/// Packed units.
pub(super) const PACKED: Style = Style::new().fg(Color::Blue);

/// Bars are three columns wide: values up to 999 fit inside.
const BAR_WIDTH: u16 = 3;
/// The boxed chart's left column: the scale on top, what the rows under the bars are.
const AXIS: u16 = 8;
/// The stacked chart's legend beside the bars.
const LEGEND: u16 = 22;

/// The chart's title line in its box: what the bars and the figures are.
pub(super) fn title() -> Line<'static> {
    Line::from(vec![
        Span::styled(" Throughput per hour ", theme::TITLE),
        Span::styled("█", PICKED),
        Span::raw(" picked units "),
        Span::styled("█", PACKED),
        Span::raw(" packed units · shipped orders under the hours "),
    ])
}

fn bar(value: u64, style: Style) -> Bar<'static> {
    Bar::default().value(value).style(style).value_style(style.add_modifier(Modifier::REVERSED))
}

fn hour_label(hour: &HourFacts) -> Line<'static> {
    Line::from(hour.start.format("%H").to_string()).centered()
}

/// The last hours that fit `width` at `pitch` columns each (the last bar
/// needs no gap after it).
fn fitting(hours: &[HourFacts], width: u16, pitch: u16) -> &[HourFacts] {
    let fits = usize::from((width + 1) / pitch);
    &hours[hours.len().saturating_sub(fits)..]
}

/// Picked units per hour, with `Picked units per hour`, the peak and the
/// current hour beside the bars when there is room.
pub(super) fn render_stacked(hours: &[HourFacts], area: Rect, buf: &mut Buffer) {
    if area.height < 2 || area.width < 4 {
        return;
    }
    if hours.is_empty() {
        Line::styled("No hours read yet.", theme::DIM).render(area, buf);
        return;
    }
    let pitch = BAR_WIDTH + 1;
    let legend = area.width >= 2 * LEGEND;
    let shown = fitting(hours, if legend { area.width - LEGEND - 2 } else { area.width }, pitch);
    let bars_width = (shown.len() as u16 * pitch).saturating_sub(1);
    let [bars, _, beside] =
        Layout::horizontal([Constraint::Length(bars_width), Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let chart: Vec<Bar> = shown.iter().map(|h| bar(h.picked_units, PICKED).label(hour_label(h))).collect();
    BarChart::vertical(chart).bar_width(BAR_WIDTH).bar_gap(1).label_style(theme::DIM).render(bars, buf);
    if legend {
        let peak = shown.iter().rev().max_by_key(|h| h.picked_units).filter(|h| h.picked_units > 0);
        let mut lines = vec![Line::styled("Picked units per hour", theme::HEADER)];
        lines.push(peak.map_or_else(
            || Line::styled("nothing picked yet", theme::DIM),
            |h| Line::raw(format!("peak {} at {}", count(h.picked_units), h.start.format("%H:%M"))),
        ));
        if let Some(last) = shown.last() {
            lines.push(Line::raw(format!("{} so far: {}", last.start.format("%H:%M"), count(last.picked_units))));
        }
        Paragraph::new(lines).render(beside, buf);
    }
}

/// Picked and packed units per hour side by side, the scale on the left,
/// shipped orders under the hours.
pub(super) fn render_boxed(hours: &[HourFacts], area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < AXIS + 8 {
        return render_stacked(hours, area, buf);
    }
    if hours.is_empty() {
        Line::styled("No hours read yet.", theme::DIM).render(area, buf);
        return;
    }
    let [axis, plot] = Layout::horizontal([Constraint::Length(AXIS), Constraint::Min(0)]).areas(area);
    let [bars, shipped] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(plot);
    // A group is its bars with a column after each, then one more.
    let pitch = 2 * (BAR_WIDTH + 1) + 1;
    let shown = fitting(hours, plot.width, pitch);
    let groups: Vec<BarGroup> = shown
        .iter()
        .map(|h| {
            BarGroup::default().label(hour_label(h)).bars(&[bar(h.picked_units, PICKED), bar(h.packed_units, PACKED)])
        })
        .collect();
    BarChart::grouped(groups).bar_width(BAR_WIDTH).bar_gap(1).group_gap(1).label_style(theme::DIM).render(bars, buf);
    let max = shown.iter().map(|h| h.picked_units.max(h.packed_units)).max().unwrap_or(0);
    for (y, text) in [(bars.y, count(max)), (bars.bottom() - 1, "hour".to_owned()), (shipped.y, "shipped".to_owned())] {
        let cell = Rect { y, height: 1, width: axis.width - 1, ..axis };
        Line::styled(text, theme::DIM).right_aligned().render(cell, buf);
    }
    for (i, hour) in shown.iter().enumerate() {
        let x = shipped.x + i as u16 * pitch;
        let cell = Rect { x, width: (pitch - 1).min(shipped.right().saturating_sub(x)), ..shipped };
        Line::raw(count(hour.shipped_orders)).centered().render(cell, buf);
    }
}
