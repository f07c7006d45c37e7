//! Drawing the stock screen: a pure function of [`StockScreen`]. The tab bar
//! on top (with a pending QTY on its right), the current tab's body, the
//! message line at the bottom, and the red banner over everything while it
//! is up. Also the helpers the tab bodies share: cells cut to their width by
//! display columns (every text from data is sanitised first), boxed lists
//! that keep the selection in view, and numbered choices.

use std::rc::Rc;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use super::{StockScreen, Tab, Tone};
use crate::domain::text::sanitize;
use crate::widgets::banner::Banner;
use crate::widgets::theme;

/// More arrived than expected, or not expected at all.
pub(super) const OVER: Style = Style::new().fg(Color::Yellow);
/// Less arrived than expected, damage, an expired lot.
pub(super) const SHORT: Style = Style::new().fg(Color::Red);
/// Exactly as expected.
pub(super) const EXACT: Style = Style::new().fg(Color::Green);
pub(super) const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
/// A warning on the message line.
const WARNING: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// A dash for nothing.
pub(super) const DASH: &str = "—";

impl Widget for &StockScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let [tabs, body, message] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
        self.render_tabs(tabs, buf);
        match self.tab {
            Tab::Receiving => match &self.receipt {
                Some(view) => self.render_receipt(view, body, buf),
                None => self.render_receipts(body, buf),
            },
            Tab::Putaway => self.render_putaway(body, buf),
            Tab::Counts => match &self.sheet {
                Some(sheet) => self.render_sheet(sheet, body, buf),
                None => self.render_tasks(body, buf),
            },
            Tab::Replenishment => self.render_replenishment(body, buf),
        }
        if let Some((tone, text)) = &self.message {
            let style = match tone {
                Tone::Error => theme::ERROR,
                Tone::Info if self.warning => WARNING,
                Tone::Info => theme::INFO,
            };
            let text = format!(" {} ", clean(text));
            fit(vec![Span::styled(text, style)], message.width).render(message, buf);
        }
        if let Some(alert) = &self.alert {
            Banner(&clean(alert)).render(area, buf);
        }
    }
}

impl StockScreen {
    /// `Receiving · Putaway · Counts · Replenishment`, the current one
    /// highlighted; `× n next` on the right while a QTY waits.
    fn render_tabs(&self, area: Rect, buf: &mut Buffer) {
        let mut spans = Vec::new();
        for (i, tab) in self.tabs().into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme::DIM));
            }
            let style = if tab == self.tab { theme::TAB_ACTIVE } else { Style::new() };
            spans.push(Span::styled(format!(" {} ", tab.label()), style));
        }
        let qty = self.pending_qty.map(|n| format!(" × {n} next "));
        let qty_width = qty.as_ref().map_or(0, |q| q.width() as u16);
        let room = if area.width > qty_width + 2 { area.width - qty_width - 1 } else { area.width };
        fit(spans, room).render(area, buf);
        if let Some(qty) = qty
            && room < area.width
        {
            Line::styled(qty, theme::KEY.add_modifier(Modifier::BOLD)).right_aligned().render(area, buf);
        }
    }
}

/// Untrusted text made safe to show: no controls, escapes or bidi tricks.
pub(super) fn clean(text: &str) -> String {
    sanitize(text).into_owned()
}

pub(super) use crate::screens::fit_spans as fit;

/// One row of `area` (the `i`th); empty past its bottom.
pub(super) fn row(area: Rect, i: usize) -> Rect {
    let i = u16::try_from(i).unwrap_or(u16::MAX);
    if i >= area.height { Rect { height: 0, ..area } } else { Rect { y: area.y + i, height: 1, ..area } }
}

/// Lines of text, one per row, each cut to the width.
pub(super) fn lines(lines: Vec<Vec<Span<'static>>>, area: Rect, buf: &mut Buffer) {
    for (i, spans) in lines.into_iter().enumerate().take(usize::from(area.height)) {
        fit(spans, area.width).render(row(area, i), buf);
    }
}

/// A box with a title (cut to fit); returns its inner area.
pub(super) fn boxed(area: Rect, title: Vec<Span<'static>>, buf: &mut Buffer) -> Rect {
    let block = Block::default().borders(Borders::ALL).title(fit(title, area.width.saturating_sub(2)));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// A table column: its header, width and alignment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub name: &'static str,
    pub width: Constraint,
    pub right: bool,
}

pub(super) const fn col(name: &'static str, width: Constraint) -> Column {
    Column { name, width, right: false }
}

pub(super) const fn num(name: &'static str, width: u16) -> Column {
    Column { name, width: Constraint::Length(width), right: true }
}

/// One row split into cells, a column apart.
fn cells(row: Rect, columns: &[Column]) -> Rc<[Rect]> {
    Layout::horizontal(columns.iter().map(|c| c.width)).spacing(1).split(row)
}

/// Which rows of `len` show in `visible` rows: the first index and how many.
/// With a selection it stays in view; otherwise `top` is the first row, but
/// never so far down that the last page is not full.
pub(super) fn window(len: usize, visible: usize, selected: Option<usize>, top: usize) -> (usize, usize) {
    let first = match selected {
        Some(selected) => (selected + 1).saturating_sub(visible),
        None => top.min(len.saturating_sub(visible)),
    };
    (first, len.saturating_sub(first).min(visible))
}

/// ` · 3-12 of 25` when only some of `len` rows show.
pub(super) fn shown_of(first: usize, shown: usize, len: usize) -> String {
    if shown < len { format!(" · {}-{} of {len}", first + 1, first + shown) } else { String::new() }
}

/// A table: the header row, then the rows from `first`, the selected one
/// highlighted; `empty` (dim) when there are no rows.
pub(super) fn table(
    area: Rect,
    columns: &[Column],
    rows: Vec<Vec<Vec<Span<'static>>>>,
    first: usize,
    selected: Option<usize>,
    empty: &str,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    let header = row(area, 0);
    for (cell, column) in cells(header, columns).iter().zip(columns) {
        put(vec![Span::raw(column.name)], *cell, column.right, buf);
    }
    buf.set_style(header, theme::HEADER);
    if rows.is_empty() {
        fit(vec![Span::styled(empty.to_owned(), theme::DIM)], area.width).render(row(area, 1), buf);
        return;
    }
    let visible = usize::from(area.height - 1);
    for (i, spans) in rows.into_iter().enumerate().skip(first).take(visible) {
        let line = row(area, i - first + 1);
        for ((cell, column), content) in cells(line, columns).iter().zip(columns).zip(spans) {
            put(content, *cell, column.right, buf);
        }
        if selected == Some(i) {
            buf.set_style(line, theme::SELECTED);
        }
    }
}

/// Spans in a cell, cut to fit, aligned.
fn put(spans: Vec<Span<'static>>, cell: Rect, right: bool, buf: &mut Buffer) {
    let alignment = if right { Alignment::Right } else { Alignment::Left };
    fit(spans, cell.width).alignment(alignment).render(cell, buf);
}

/// A cell of plain text.
pub(super) fn text(text: impl Into<String>) -> Vec<Span<'static>> {
    vec![Span::raw(text.into())]
}

/// A cell of styled text.
pub(super) fn styled(text: impl Into<String>, style: Style) -> Vec<Span<'static>> {
    vec![Span::styled(text.into(), style)]
}

/// A date, or a dim dash.
pub(super) fn date(date: Option<chrono::NaiveDate>) -> Vec<Span<'static>> {
    date.map_or_else(|| styled(DASH, theme::DIM), |d| text(d.format("%Y-%m-%d").to_string()))
}

/// Numbered choices (1-9) in as many columns as fit `width`.
pub(super) fn choices(names: &[String], width: u16) -> Vec<Vec<Span<'static>>> {
    let names: Vec<String> = names.iter().take(9).map(|n| clean(n)).collect();
    let widest = names.iter().map(|n| n.width()).max().unwrap_or(0);
    let cell = (widest + 5).min(usize::from(width).max(1));
    let columns = (usize::from(width) / cell).max(1);
    names
        .chunks(columns)
        .enumerate()
        .map(|(r, chunk)| {
            chunk
                .iter()
                .enumerate()
                .flat_map(|(c, name)| {
                    let number = r * columns + c + 1;
                    let pad = cell.saturating_sub(name.width() + 3);
                    [Span::styled(format!("{number}"), theme::KEY), Span::raw(format!(" {name}{} ", " ".repeat(pad)))]
                })
                .collect()
        })
        .collect()
}

/// Rows a list of `n` wants, at least one (for its "none" line).
pub(super) fn rows_for(n: usize) -> u16 {
    u16::try_from(n.max(1)).unwrap_or(u16::MAX)
}

/// How long ago: `35m`, `5h`, `3d`.
pub(super) fn age(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    if minutes < 60 {
        format!("{minutes}m")
    } else if minutes < 48 * 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{}d", minutes / (24 * 60))
    }
}
