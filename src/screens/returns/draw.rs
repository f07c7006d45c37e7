//! Drawing the returns bench: the RMA header with its flags, the shipped
//! lines, the inspected units, the step panel with its numbered choices, the
//! refund recommendation, and the full-width red banner when something is wrong.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::{NOTE_MAX, ReturnsScreen, Step, Unit};
use crate::domain::rma::{Disposition, Grade, ReturnView};
use crate::screens::order_queue::Tone;
use crate::widgets::{format, theme};

const DONE: Style = Style::new().fg(Color::Green);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);

/// A stored name for people: `opened_as_new` → `opened as new`.
fn words(name: &str) -> String {
    name.replace('_', " ")
}

impl Widget for &ReturnsScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, message] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        match &self.view {
            None => {
                let block = Block::default().borders(Borders::ALL).title(Line::styled(" Returns ", theme::TITLE));
                let inner = block.inner(body);
                block.render(body, buf);
                let lines = vec![
                    Line::styled("Scan the order number, tracking number, SSCC or RMA to start.", BOLD),
                    Line::raw(""),
                    Line::styled("Then scan each returned unit: reason, grade, disposition, note.", theme::DIM),
                    Line::styled("CMD-CONFIRM closes the RMA once its units are inspected.", theme::DIM),
                ];
                Paragraph::new(lines).wrap(Wrap { trim: true }).render(inner, buf);
            }
            Some(view) => self.render_view(view, body, buf),
        }
        if let Some((tone, text)) = &self.message {
            let style = if *tone == Tone::Error { theme::ERROR } else { theme::INFO };
            Line::styled(text.clone(), style).render(message, buf);
        }
        if let Some(alert) = &self.alert {
            crate::widgets::banner::Banner(alert).render(area, buf);
        }
    }
}

impl ReturnsScreen {
    fn render_view(&self, view: &ReturnView, area: Rect, buf: &mut Buffer) {
        let panel = self.panel_lines(area.width.saturating_sub(2));
        let panel_height = u16::try_from(panel.len()).unwrap_or(u16::MAX).saturating_add(2);
        let lines_height = u16::try_from(view.lines.len()).unwrap_or(u16::MAX).saturating_add(3);
        let [head, lines, units, step, refund] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Max(lines_height),
            Constraint::Min(3),
            Constraint::Length(panel_height),
            Constraint::Length(1),
        ])
        .areas(area);

        let title = format!(" {} · {} · {} ", view.rma, words(view.status.as_str()), view.order);
        let block = Block::default().borders(Borders::ALL).title(Line::styled(title, theme::TITLE));
        let inner = block.inner(head);
        block.render(head, buf);
        let (flag, flag_style) = if view.announced { ("announced", theme::DIM) } else { ("UNANNOUNCED", theme::HOLD) };
        let returned: u32 = view.lines.iter().map(|l| l.returned).sum();
        let shipped: u32 = view.lines.iter().map(|l| l.shipped).sum();
        let head_lines = vec![
            Line::from(vec![
                Span::styled(view.customer.clone(), theme::TITLE),
                Span::raw("  "),
                Span::styled(flag, flag_style),
            ]),
            Line::raw(format!("{} inspected · {returned} of {shipped} shipped units back", view.units.len())),
        ];
        Paragraph::new(head_lines).render(inner, buf);

        let rows = view.lines.iter().map(|line| {
            Row::new(vec![
                Cell::from(line.sku.clone()),
                Cell::from(line.title.clone()),
                Cell::from(line.shipped.to_string()),
                Cell::from(line.returned.to_string()),
            ])
        });
        Table::new(rows, [Constraint::Length(16), Constraint::Min(10), Constraint::Length(7), Constraint::Length(8)])
            .header(Row::new(["SKU", "Item", "Shipped", "Returned"]).style(theme::HEADER))
            .block(Block::default().borders(Borders::ALL).title(Line::styled(" Shipped ", theme::HEADER)))
            .render(lines, buf);

        let rows = view.units.iter().map(|unit| {
            let restocked = unit.restocked_to.clone().unwrap_or_default();
            Row::new(vec![
                Cell::from(unit.sku.clone()),
                Cell::from(unit.reason.clone()),
                Cell::from(words(unit.grade.as_str())),
                Cell::from(words(unit.disposition.as_str())),
                Cell::from(Line::raw(format::money(unit.refund_minor, &view.currency)).alignment(Alignment::Right)),
                Cell::from(restocked),
            ])
            .style(if unit.restocked_to.is_some() { DONE } else { Style::new() })
        });
        Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Min(10),
                Constraint::Length(13),
                Constraint::Length(16),
                Constraint::Length(11),
                Constraint::Length(9),
            ],
        )
        .header(Row::new(["SKU", "Reason", "Grade", "Disposition", "     Refund", "Restocked"]).style(theme::HEADER))
        .block(Block::default().borders(Borders::ALL).title(Line::styled(" Inspected ", theme::HEADER)))
        .render(units, buf);

        let block = Block::default().borders(Borders::ALL);
        let inner = block.inner(step);
        block.render(step, buf);
        Paragraph::new(panel).render(inner, buf);

        let text = match &self.refund {
            Some((kind, minor)) => format!("Refund: {kind} {}", format::money(*minor, &view.currency)),
            None => format!("Refund so far: {}", format::money(view.refund_minor(), &view.currency)),
        };
        Line::styled(text, BOLD).render(refund, buf);
    }

    /// The step panel's lines for an inner width: a prompt, then the choices.
    fn panel_lines(&self, width: u16) -> Vec<Line<'static>> {
        match &self.step {
            Step::Idle | Step::ScanItem => vec![
                Line::styled("Scan a returned unit.", BOLD),
                Line::styled("CMD-CONFIRM or c closes the RMA; Esc leaves it.", theme::DIM),
            ],
            Step::Reason { unit } => {
                let names: Vec<String> = self.reasons.iter().take(9).cloned().collect();
                choices(label(unit), "Why did it come back? Press 1-9.", grid(&names, None, width))
            }
            Step::Grade { unit, reason } => {
                let names: Vec<String> = Grade::ALL.iter().map(|g| words(g.as_str())).collect();
                let summary = format!("{} · {reason}", label(unit));
                choices(summary, "What condition is it in? Press 1-6.", grid(&names, None, width))
            }
            Step::Disposition { unit, reason, grade, choice } => {
                let names: Vec<String> = Disposition::ALL.iter().map(|d| words(d.as_str())).collect();
                let chosen = Disposition::ALL.iter().position(|d| d == choice);
                let summary = format!("{} · {reason} · {}", label(unit), words(grade.as_str()));
                choices(summary, "Where does it go? 1-5 change it, Enter accepts.", grid(&names, chosen, width))
            }
            Step::Note { unit, reason, grade, disposition, text } => vec![
                Line::styled(
                    format!("{} · {reason} · {} · {}", label(unit), words(grade.as_str()), words(disposition.as_str())),
                    BOLD,
                ),
                Line::from(vec![Span::raw("Note: "), Span::styled(format!("{text}▏"), theme::SELECTED)]),
                Line::styled(
                    format!("Optional, {}/{NOTE_MAX}. Enter stores the unit; Esc drops it.", text.chars().count()),
                    theme::DIM,
                ),
            ],
            Step::Restock { sku, .. } => {
                let bin = self.suggested_bin.map_or_else(|| "any bin".to_owned(), |b| b.to_string());
                vec![
                    Line::styled(format!("{sku} goes back to stock. Put it into {bin}: scan the bin."), DONE),
                    Line::styled("Any bin is taken; CMD-SKIP or Esc leaves it for later.", theme::DIM),
                ]
            }
        }
    }
}

/// The unit so far, the question, then the numbered choices.
fn choices(summary: String, question: &'static str, grid: Vec<Line<'static>>) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(summary, BOLD), Line::raw(question)];
    lines.extend(grid);
    lines
}

/// `MUG`, `MILK lot L42`, `CAM serial S1`.
fn label(unit: &Unit) -> String {
    let lot = unit.lot.as_ref().map_or_else(String::new, |lot| format!(" lot {lot}"));
    let serial = unit.serial.as_ref().map_or_else(String::new, |serial| format!(" serial {serial}"));
    format!("{}{lot}{serial}", unit.sku)
}

/// Numbered choices laid out in as many columns as fit; `chosen` is highlighted.
fn grid(names: &[String], chosen: Option<usize>, width: u16) -> Vec<Line<'static>> {
    let cell = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 6;
    let columns = (usize::from(width) / cell).max(1);
    names
        .chunks(columns)
        .enumerate()
        .map(|(row, chunk)| {
            let spans = chunk.iter().enumerate().flat_map(|(col, name)| {
                let index = row * columns + col;
                let (mark, style) = if chosen == Some(index) { ("▶", theme::SELECTED) } else { (" ", Style::new()) };
                let text = format!("{mark}{} {name:<width$}", index + 1, width = cell - 4);
                [Span::styled(text, style), Span::raw("  ")]
            });
            Line::from(spans.collect::<Vec<_>>())
        })
        .collect()
}
