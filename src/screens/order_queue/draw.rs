//! Drawing the order queue: a pure function of [`QueueScreen`].

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::QueueScreen;
use crate::app::action::Action;
use crate::domain::OrderStatus;
use crate::domain::queue::{OrderDetail, QueueFilter, QueueRow};
use crate::widgets::format::{self, Urgency};
use crate::widgets::theme;

/// Rows of the queue area taken by everything but table rows: the tab line,
/// the table's borders and header, and the message line.
pub const CHROME_ROWS: u16 = 5;

/// The table body height for a queue area of `area` (what `page_size` follows;
/// a detail pane below the table only hides rows, it does not change pages).
#[must_use]
pub fn table_rows(area: Rect) -> usize {
    area.height.saturating_sub(CHROME_ROWS) as usize
}

impl Widget for &QueueScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [tabs, body, footer] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
        self.render_tabs(tabs, buf);
        self.render_footer(footer, buf);
        let detail = self.detail.as_ref().filter(|_| self.detail_open);
        match detail {
            Some(detail) if body.width >= 120 => {
                let [table, pane] =
                    Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
                self.render_table(table, buf);
                render_detail(detail, self, pane, buf);
            }
            Some(detail) if body.height >= 25 => {
                let [table, pane] =
                    Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
                self.render_table(table, buf);
                render_detail(detail, self, pane, buf);
            }
            Some(detail) => render_detail(detail, self, body, buf),
            None => self.render_table(body, buf),
        }
    }
}

impl QueueScreen {
    fn render_tabs(&self, area: Rect, buf: &mut Buffer) {
        let labels: Vec<(QueueFilter, String, u64)> = QueueFilter::tabs()
            .into_iter()
            .map(|t| {
                let n = self.counts.get(t);
                (t, format!(" {} {} ", t.label(), format::count(n)), n)
            })
            .collect();
        let active = labels.iter().position(|(t, _, _)| *t == self.filter.tab()).unwrap_or(0);
        let (first, last) = visible_tabs(
            &labels.iter().map(|(_, l, _)| l.width() + 1).collect::<Vec<_>>(),
            active,
            area.width as usize,
        );
        let mut spans = Vec::new();
        if first > 0 {
            spans.push(Span::styled("‹", theme::DIM));
        }
        for (tab, label, n) in &labels[first..=last] {
            let style = match (*tab == self.filter.tab(), *n) {
                (true, _) => theme::TAB_ACTIVE,
                (false, 0) => theme::DIM,
                (false, _) => Style::new(),
            };
            spans.push(Span::styled(label.clone(), style));
            spans.push(Span::styled("│", theme::DIM));
        }
        if last + 1 < labels.len() {
            spans.pop();
            spans.push(Span::styled("›", theme::DIM));
        }
        Line::from(spans).render(area, buf);
    }

    /// The message line (errors, refused scans); the search box sits on the
    /// table's lower border, so a message is never hidden by typing.
    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        if let Some(prompt) = &self.prompt {
            let verb = match prompt.action {
                Action::HoldOrder => "Hold",
                Action::ReleaseOrder => "Release",
                _ => "Cancel",
            };
            Line::from(vec![
                Span::styled(format!(" {verb} {}, why? ", prompt.number), theme::HEADER),
                Span::raw(prompt.input.clone()),
                Span::styled("█", theme::DIM),
                Span::styled("  Enter confirms · Esc", theme::DIM),
            ])
            .render(area, buf);
        } else if let Some((tone, message)) = &self.message {
            tone.line(message).render(area, buf);
        }
    }

    fn title(&self) -> Line<'static> {
        match &self.results {
            Some(results) => Line::from(vec![
                Span::styled(format!(" Search \"{}\" ", results.query), theme::TITLE),
                Span::raw(format!("· {} found · Esc back to the queue ", format::count(results.rows.len() as u64))),
            ]),
            None => Line::from(vec![
                Span::styled(format!(" {} ", self.filter.title()), theme::TITLE),
                Span::raw(format!("· {} orders · sort {} ", format::count(self.total()), self.sort.label())),
            ]),
        }
    }

    fn position(&self) -> Option<Line<'static>> {
        let rows = self.visible_rows();
        if rows.is_empty() {
            return None;
        }
        let (at, of) = match &self.results {
            Some(r) => (r.selected as u64 + 1, r.rows.len() as u64),
            None => (self.page.offset + self.page.selected as u64 + 1, self.total().max(rows.len() as u64)),
        };
        Some(Line::raw(format!(" {} of {} ", format::count(at), format::count(of))).right_aligned())
    }

    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let mut block = Block::default().borders(Borders::ALL).title(self.title());
        if let Some(input) = &self.search_input {
            block = block.title_bottom(Line::from(vec![
                Span::styled(" Search: ", theme::HEADER),
                Span::raw(input.clone()),
                Span::styled("█ ", theme::DIM),
                Span::styled("Enter search · Esc cancel ", theme::DIM),
            ]));
        }
        if let Some(position) = self.position() {
            block = block.title_bottom(position);
        }
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = self.visible_rows();
        if rows.is_empty() {
            let text = match (&self.results, self.total()) {
                (Some(_), _) => "No matching orders.".to_owned(),
                (None, 0) if self.counts.0.is_empty() => {
                    "No orders yet. Seed a demo warehouse with `packline demo --orders 5000`, or start with --demo."
                        .to_owned()
                }
                (None, 0) => format!("No orders are {} right now.", self.filter.title().to_lowercase()),
                (None, _) => "Loading…".to_owned(),
            };
            Paragraph::new(text).style(theme::DIM).wrap(Wrap { trim: true }).render(inner, buf);
            return;
        }
        let columns = Columns::for_width(inner.width);
        let header = Row::new(columns.headers()).style(theme::HEADER);
        let body: Vec<Row> = rows.iter().map(|row| columns.row(row, self.now)).collect();
        let table =
            Table::new(body, columns.widths()).header(header).row_highlight_style(theme::SELECTED).column_spacing(1);
        let selected = match &self.results {
            Some(r) => r.selected,
            None => self.page.selected,
        };
        let mut state = TableState::default().with_selected(Some(selected));
        StatefulWidget::render(table, inner, buf, &mut state);
    }
}

/// Which columns fit: all of them from 110 columns, the essentials below.
#[derive(Debug, Clone, Copy)]
struct Columns {
    wide: bool,
}

impl Columns {
    fn for_width(width: u16) -> Self {
        Self { wide: width >= 108 }
    }

    fn headers(self) -> Vec<&'static str> {
        if self.wide {
            vec!["Order", "Ref", "Customer", "Ctry", "L/U", "Ship by", "Due", "Service", "P", "Status", "Holds"]
        } else {
            vec!["Order", "Customer", "L/U", "Due", "P", "Status", "Holds"]
        }
    }

    fn widths(self) -> Vec<Constraint> {
        if self.wide {
            vec![
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Fill(4),
                Constraint::Length(4),
                Constraint::Length(6),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(8),
                Constraint::Length(1),
                Constraint::Length(10),
                Constraint::Fill(3),
            ]
        } else {
            vec![
                Constraint::Length(10),
                Constraint::Fill(4),
                Constraint::Length(5),
                Constraint::Length(11),
                Constraint::Length(1),
                Constraint::Length(10),
                Constraint::Fill(3),
            ]
        }
    }

    /// One table row; text the row already holds is borrowed, not copied.
    fn row(self, row: &QueueRow, now: chrono::DateTime<chrono::Utc>) -> Row<'_> {
        let late = row.is_late(now);
        let (due, urgency) =
            if row.status.is_open() { format::countdown(row.ship_by, now) } else { ("—".to_owned(), Urgency::Later) };
        let due_style = match urgency {
            Urgency::Late => theme::LATE,
            Urgency::Soon => theme::DUE_SOON,
            Urgency::Later => Style::new(),
        };
        let number_style = if late { theme::LATE } else { Style::new() };
        let holds = row.holds.iter().map(|h| h.short_label()).collect::<Vec<_>>().join(", ");
        let units = format!("{}/{}", row.lines, row.units);
        let status = Cell::from(row.status.label()).style(theme::status(row.status));
        let mut cells = vec![Cell::from(row.number().to_string()).style(number_style)];
        if self.wide {
            cells.extend([
                Cell::from(row.channel_ref.as_str()),
                Cell::from(row.customer.as_str()),
                Cell::from(row.country.as_str()),
                Cell::from(units),
                Cell::from(format::short_time(row.ship_by)),
                Cell::from(due).style(due_style),
                Cell::from(row.service.as_str()),
                Cell::from(row.priority.to_string()),
                status,
                Cell::from(holds).style(theme::HOLD),
            ]);
        } else {
            cells.extend([
                Cell::from(row.customer.as_str()),
                Cell::from(units),
                Cell::from(due).style(due_style),
                Cell::from(row.priority.to_string()),
                status,
                Cell::from(holds).style(theme::HOLD),
            ]);
        }
        Row::new(cells)
    }
}

/// The range of tabs to show: whole tabs only, the active one always, as
/// many as fit (each width includes its separator; 2 columns stay for ‹ ›).
fn visible_tabs(widths: &[usize], active: usize, room: usize) -> (usize, usize) {
    let room = room.saturating_sub(2);
    let (mut first, mut last) = (active, active);
    let mut used = widths[active];
    loop {
        if last + 1 < widths.len() && used + widths[last + 1] <= room {
            last += 1;
            used += widths[last];
        } else if first > 0 && used + widths[first - 1] <= room {
            first -= 1;
            used += widths[first];
        } else {
            return (first, last);
        }
    }
}

#[cfg(test)]
pub(super) fn visible_tabs_for_test(widths: &[usize], active: usize, room: usize) -> (usize, usize) {
    visible_tabs(widths, active, room)
}

fn render_detail(detail: &OrderDetail, screen: &QueueScreen, area: Rect, buf: &mut Buffer) {
    let row = &detail.row;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Line::styled(format!(" {} ", row.number()), theme::TITLE))
        .title_bottom(Line::raw(" Esc closes ").right_aligned());
    let (due, urgency) = format::countdown(row.ship_by, screen.now);
    let due_style = if urgency == Urgency::Late && row.status.is_open() { theme::LATE } else { Style::new() };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(row.status.label(), theme::status(row.status)),
            Span::raw(format!("  {} {}  priority {}", row.channel, row.channel_ref, row.priority)),
        ]),
        Line::from(vec![
            Span::raw(format!("Ship by {} ", format::short_time(row.ship_by))),
            Span::styled(if row.status.is_open() { format!("({due})") } else { String::new() }, due_style),
        ]),
        Line::from(vec![
            Span::raw(row.service.clone()),
            Span::raw(if detail.carrier_service.is_empty() {
                String::new()
            } else {
                format!(" → {}", detail.carrier_service)
            }),
            Span::styled(if detail.signature_required { " · signature on delivery" } else { "" }, theme::HOLD),
        ]),
        Line::raw(format!("{} · {}", detail.financial_status, format::money(detail.total_minor, &detail.currency))),
        Line::styled(row.customer.clone(), theme::TITLE),
    ];
    lines.extend(detail.address_lines.iter().map(|l| Line::raw(l.clone())));
    if !detail.note.is_empty() {
        lines.push(Line::raw(format!("Note: {}", detail.note)));
    }
    for hold in &detail.holds {
        let note = if hold.note.is_empty() { String::new() } else { format!(": {}", hold.note) };
        let since = format::short_time(hold.since);
        lines.push(Line::styled(format!("Hold: {}{note} (since {since})", hold.reason.short_label()), theme::HOLD));
    }
    lines.push(Line::styled(format!("Lines ({})", detail.lines.len()), theme::HEADER));
    // Allocation is shown while the order waits for the floor; later the
    // pick list says where its units are.
    let allocating =
        matches!(row.status, OrderStatus::New | OrderStatus::Ready | OrderStatus::Held | OrderStatus::Backordered);
    for line in &detail.lines {
        let ships = if line.requires_shipping { "" } else { " (not shipped)" };
        lines.push(Line::raw(format!("{:>3} × {}  {}{ships}", line.qty, line.sku, line.title)));
        if !allocating || !line.requires_shipping {
            continue;
        }
        if !line.reserved.is_empty() {
            let places: Vec<String> = line
                .reserved
                .iter()
                .map(|p| match &p.lot {
                    Some(lot) => format!("{} in {} (lot {lot})", p.qty, p.bin),
                    None => format!("{} in {}", p.qty, p.bin),
                })
                .collect();
            lines.push(Line::styled(format!("      reserved {}", places.join(", ")), theme::DIM));
        }
        let missing = line.unreserved();
        if missing > 0 && row.status == OrderStatus::Backordered {
            // The short line in red; a line that could be filled now only
            // waits for the others (the whole order is reserved at once).
            lines.push(if line.free < missing {
                Line::styled(format!("      short: {missing} needed, {} free", line.free), theme::LATE)
            } else {
                Line::styled("      can be filled now; waits for the other lines", theme::DIM)
            });
        }
    }
    lines.push(Line::styled("Events", theme::HEADER));
    for event in &detail.events {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", format::short_time(event.at)), theme::DIM),
            Span::raw(format!("{} ", event.kind)),
            Span::styled(format!("{}/{} ", event.station, event.operator), theme::DIM),
            Span::raw(event.details.clone()),
        ]));
    }
    Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).render(area, buf);
}
