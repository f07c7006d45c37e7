//! Drawing the dashboard's tiles: open orders by status, late orders, the
//! orders due by each carrier's next cut-off, shipped today and units per
//! hour. Boxed side by side when roomy, else as a few dense lines.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::draw::fit;
use super::figures::{countdown, per_hour};
use crate::domain::dashboard::{CutoffFacts, Dashboard};
use crate::domain::text::sanitize;
use crate::widgets::format::count;
use crate::widgets::theme;

/// Open orders, late, due by cut-off, shipped today, units/hour.
const TILE_WIDTHS: [Constraint; 5] = [
    Constraint::Length(27),
    Constraint::Length(14),
    Constraint::Fill(1),
    Constraint::Length(17),
    Constraint::Length(15),
];

/// A cut-off this close stands out.
const SOON_MINUTES: i64 = 60;

/// Lines of open orders by status the stacked tiles show at most.
const COMPACT_OPEN_LINES: usize = 2;

/// Lines inside a boxed tile: at least three, at most five.
const TILE_LINES: (usize, usize) = (3, 5);

/// `Open 163` ahead of the statuses, in the stacked tiles.
const OPEN_LEAD: usize = 10;

fn width_of(spans: &[Span]) -> usize {
    spans.iter().map(Span::width).sum()
}

/// Each open status with its count (`ready 112`), in its colour.
fn status_items(d: &Dashboard) -> Vec<Vec<Span<'static>>> {
    d.open
        .iter()
        .map(|(status, n)| {
            vec![
                Span::styled(status.as_str().replace('_', " "), theme::status(*status)),
                Span::raw(format!(" {}", count(*n))),
            ]
        })
        .collect()
}

/// `lead`, then `items` (each kept whole) ` · ` apart, in lines of
/// `width`; lines after the first start with `indent` spaces. At most
/// `max` lines: the last one then ends in `…`.
fn wrap(
    lead: Vec<Span<'static>>,
    items: Vec<Vec<Span<'static>>>,
    width: usize,
    indent: usize,
    max: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut fresh = lead.is_empty();
    let mut used = width_of(&lead);
    let mut line = lead;
    let mut first_item = true;
    for item in items {
        let item_width = width_of(&item);
        let separator = if first_item { 0 } else { 3 };
        if !fresh && used + separator + item_width > width {
            lines.push(std::mem::take(&mut line));
            line.push(Span::raw(" ".repeat(indent)));
            used = indent;
            first_item = true;
        }
        if !first_item {
            line.push(Span::styled(" · ", theme::DIM));
            used += 3;
        }
        used += item_width;
        line.extend(item);
        fresh = false;
        first_item = false;
    }
    lines.push(line);
    let cut = lines.len() > max;
    lines.truncate(max);
    if cut && let Some(last) = lines.last_mut() {
        last.push(Span::raw(" …"));
    }
    lines.into_iter().map(|spans| fit(spans, width)).collect()
}

/// `Late 3`, red and bold while any order is late.
fn late_spans(late: u64) -> Vec<Span<'static>> {
    let style = if late > 0 { theme::LATE } else { theme::DIM };
    vec![Span::styled("Late ", style), Span::styled(count(late), style.add_modifier(Modifier::BOLD))]
}

/// The stacked tiles' open-order lines (one or two), `Late 3` on the right of the first.
fn compact_open_lines(d: &Dashboard, width: usize) -> Vec<Line<'static>> {
    let room = width.saturating_sub(width_of(&late_spans(d.late)) + 2);
    let lead = vec![
        Span::styled("Open ", theme::HEADER),
        Span::styled(count(d.open_total), theme::TITLE),
        Span::raw(" ".repeat(OPEN_LEAD.saturating_sub(5 + count(d.open_total).len()).max(2))),
    ];
    wrap(lead, status_items(d), room, OPEN_LEAD, COMPACT_OPEN_LINES)
}

/// Rows the stacked tiles want at `width`, with up to `cutoffs` carrier lines.
pub(super) fn compact_height(d: &Dashboard, width: u16, cutoffs: usize) -> u16 {
    let open = compact_open_lines(d, usize::from(width)).len();
    (open + 1 + d.cutoffs.len().clamp(1, cutoffs)) as u16
}

/// The tiles as lines: open and late, shipped and units per hour, the cut-offs.
pub(super) fn render_compact(d: &Dashboard, now: DateTime<Utc>, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let mut lines = compact_open_lines(d, width);
    if let Some(first) = lines.first_mut() {
        let pad = width.saturating_sub(first.width() + width_of(&late_spans(d.late)));
        first.spans.push(Span::raw(" ".repeat(pad)));
        first.spans.extend(late_spans(d.late));
    }
    let rate = vec![
        Span::styled("Units/h ", theme::HEADER),
        Span::styled(count(d.units_last_hour), theme::TITLE),
        Span::raw(" last hour · "),
        Span::styled(per_hour(d.units_per_hour_today), theme::TITLE),
        Span::raw(" today"),
    ];
    let mut shipped = fit(
        vec![
            Span::styled("Shipped today ", theme::HEADER),
            Span::styled(count(d.shipped_today_orders), theme::TITLE),
            Span::raw(" orders · "),
            Span::styled(count(d.shipped_today_units), theme::TITLE),
            Span::raw(" units"),
        ],
        width.saturating_sub(width_of(&rate) + 2),
    );
    if width_of(&rate) + 2 <= width {
        shipped.spans.push(Span::raw(" ".repeat(width - shipped.width() - width_of(&rate))));
        shipped.spans.extend(rate);
    }
    lines.push(shipped);
    let room = usize::from(area.height).saturating_sub(lines.len());
    for (i, line) in cutoff_lines(&d.cutoffs, now, room, width.saturating_sub(OPEN_LEAD)).into_iter().enumerate() {
        let label = if i == 0 { "Cut-off" } else { "" };
        let mut spans = vec![Span::styled(format!("{label:<OPEN_LEAD$}"), theme::HEADER)];
        spans.extend(line.spans);
        lines.push(fit(spans, width));
    }
    Paragraph::new(lines).render(area, buf);
}

/// The open-order tile's lines: the total, then the statuses.
fn roomy_open_lines(d: &Dashboard, width: usize) -> Vec<Line<'static>> {
    let lead = vec![Span::styled(count(d.open_total), theme::TITLE), Span::raw("  ")];
    wrap(lead, status_items(d), width, 0, TILE_LINES.1)
}

/// Rows the boxed tiles want at `width`.
pub(super) fn roomy_height(d: &Dashboard, width: u16) -> u16 {
    let [open, ..] = Layout::horizontal(TILE_WIDTHS).areas::<5>(Rect::new(0, 0, width, 1));
    let open = roomy_open_lines(d, usize::from(open.width.saturating_sub(2))).len();
    2 + open.max(d.cutoffs.len().min(TILE_LINES.1 - 1)).clamp(TILE_LINES.0, TILE_LINES.1) as u16
}

/// Five boxed tiles: open orders, late, due by cut-off, shipped today, units/hour.
pub(super) fn render_roomy(d: &Dashboard, now: DateTime<Utc>, area: Rect, buf: &mut Buffer) {
    let [open, late, cutoffs, shipped, rate] = Layout::horizontal(TILE_WIDTHS).areas(area);
    let tile = |title: &'static str, area: Rect, buf: &mut Buffer| {
        let block = Block::default().borders(Borders::ALL).title(Line::styled(format!(" {title} "), theme::TITLE));
        let inner = block.inner(area);
        block.render(area, buf);
        inner
    };
    let inner = tile("Open orders", open, buf);
    Paragraph::new(roomy_open_lines(d, usize::from(inner.width))).render(inner, buf);
    let inner = tile("Late", late, buf);
    let late_style = if d.late > 0 { theme::LATE } else { Style::new() };
    Paragraph::new(vec![Line::styled(count(d.late), late_style), Line::styled("past ship-by", theme::DIM)])
        .render(inner, buf);
    let inner = tile("Due by cut-off", cutoffs, buf);
    let lines = cutoff_lines(&d.cutoffs, now, usize::from(inner.height), usize::from(inner.width));
    Paragraph::new(lines).render(inner, buf);
    let inner = tile("Shipped today", shipped, buf);
    let figure = |n: String, what: &'static str| Line::from(vec![Span::styled(n, theme::TITLE), Span::raw(what)]);
    Paragraph::new(vec![
        figure(count(d.shipped_today_orders), " orders"),
        figure(count(d.shipped_today_units), " units"),
    ])
    .render(inner, buf);
    let inner = tile("Units/hour", rate, buf);
    Paragraph::new(vec![
        figure(count(d.units_last_hour), " last hour"),
        figure(per_hour(d.units_per_hour_today), " avg today"),
    ])
    .render(inner, buf);
}

/// One line per carrier, soonest cut-off first, at most `room` lines (the
/// last one then says how many more): `DHL Paket 14:00 in 35m: 40 due, 12
/// packed`. The carrier's name gives way first: the numbers matter more.
fn cutoff_lines(cutoffs: &[CutoffFacts], now: DateTime<Utc>, room: usize, width: usize) -> Vec<Line<'static>> {
    if room == 0 {
        return Vec::new();
    }
    if cutoffs.is_empty() {
        return vec![fit(vec![Span::styled("No open orders due by a carrier cut-off.", theme::DIM)], width)];
    }
    let shown = if cutoffs.len() > room { room - 1 } else { cutoffs.len() };
    let mut lines: Vec<Line<'static>> = cutoffs[..shown]
        .iter()
        .map(|c| {
            let soon = (c.cutoff - now).num_minutes() < SOON_MINUTES;
            let when =
                if soon { theme::DUE_SOON.add_modifier(Modifier::BOLD | Modifier::REVERSED) } else { Style::new() };
            let tail = vec![
                Span::raw(" "),
                // The countdown tells today's cut-off from tomorrow's: the time alone is enough.
                Span::styled(format!("{} {}", c.cutoff.format("%H:%M"), countdown(c.cutoff, now)), when),
                Span::raw(format!(": {} due, {} packed", count(c.due), count(c.packed))),
            ];
            let carrier = Span::styled(sanitize(&c.carrier).into_owned(), theme::TITLE);
            let mut spans = fit(vec![carrier], width.saturating_sub(width_of(&tail)).max(6)).spans;
            spans.extend(tail);
            fit(spans, width)
        })
        .collect();
    if shown < cutoffs.len() {
        lines.push(Line::styled(format!("+{} more cut-offs", cutoffs.len() - shown), theme::DIM));
    }
    lines
}
