//! Drawing the pack screen: the order header with its flags, the checklist,
//! the weighing line, and the full-width red banner when something is wrong.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::PackScreen;
use crate::domain::pack::PackOrder;
use crate::screens::order_queue::Tone;
use crate::widgets::{format, theme};

const DONE: Style = Style::new().fg(Color::Green);

impl Widget for &PackScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, message] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        match &self.order {
            None => {
                let block = Block::default().borders(Borders::ALL).title(Line::styled(" Packing ", theme::TITLE));
                let inner = block.inner(body);
                block.render(body, buf);
                let lines = vec![
                    Line::styled("Scan a tote or an order number to start.", Style::new().add_modifier(Modifier::BOLD)),
                    Line::raw(""),
                    Line::styled("Then scan every unit; QTY-n counts the next scan n times.", theme::DIM),
                    Line::styled("CMD-UNDO takes back the last scan; BOX-code chooses the carton.", theme::DIM),
                ];
                Paragraph::new(lines).wrap(Wrap { trim: true }).render(inner, buf);
            }
            Some(order) => self.render_order(order, body, buf),
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

impl PackScreen {
    fn render_order(&self, order: &PackOrder, area: Rect, buf: &mut Buffer) {
        let [head, list, foot] =
            Layout::vertical([Constraint::Length(5), Constraint::Min(3), Constraint::Length(4)]).areas(area);
        let title = format!(
            " {} · {} · {} of {} units ",
            order.number,
            order.status.label(),
            order.scanned_units(),
            order.expected_units()
        );
        let block = Block::default().borders(Borders::ALL).title(Line::styled(title, theme::TITLE));
        let inner = block.inner(head);
        block.render(head, buf);
        let (due, urgency) = format::countdown(order.ship_by, self.now);
        let due_style = if urgency == format::Urgency::Late { theme::LATE } else { Style::new() };
        let mut flags = Vec::new();
        if order.signature_required {
            flags.push("SIGNATURE");
        }
        if order.gift_note().is_some() {
            flags.push("GIFT NOTE");
        }
        if order.customs {
            flags.push("CUSTOMS");
        }
        let tote = order.tote.as_ref().map_or_else(String::new, |t| format!("  tote {t}"));
        let lines = vec![
            Line::from(vec![
                Span::styled(order.customer.clone(), theme::TITLE),
                Span::raw(format!("  {} {}{tote}", order.country, order.channel_ref)),
            ]),
            Line::from(vec![
                Span::raw(format!(
                    "{} → {}  ship by {} ",
                    order.service,
                    order.carrier_service,
                    format::short_time(order.ship_by)
                )),
                Span::styled(format!("({due})"), due_style),
                Span::styled(
                    if flags.is_empty() { String::new() } else { format!("  {}", flags.join(" · ")) },
                    theme::HOLD,
                ),
            ]),
            Line::styled(
                if order.note.is_empty() { String::new() } else { format!("Note: {}", order.note) },
                theme::HOLD,
            ),
        ];
        Paragraph::new(lines).wrap(Wrap { trim: true }).render(inner, buf);

        let rows = order.lines.iter().map(|line| {
            let mark = if line.done() { "✔" } else { " " };
            let style = if line.done() { DONE } else { Style::new() };
            let needs = match (line.lot_tracked, line.serial_tracked) {
                (true, _) => "lot",
                (_, true) => "serial",
                _ => "",
            };
            Row::new(vec![
                Cell::from(mark),
                Cell::from(line.sku.clone()),
                Cell::from(line.title.clone()),
                Cell::from(format!("{}/{}", line.scanned, line.expected)),
                Cell::from(needs),
            ])
            .style(style)
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(2),
                Constraint::Length(20),
                Constraint::Min(10),
                Constraint::Length(7),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(["", "SKU", "Item", "Units", ""]).style(theme::HEADER))
        .block(Block::default().borders(Borders::ALL).title(Line::styled(" Checklist ", theme::HEADER)));
        table.render(list, buf);

        let block = Block::default().borders(Borders::ALL);
        let inner = block.inner(foot);
        block.render(foot, buf);
        Paragraph::new(self.foot_lines(order)).wrap(Wrap { trim: true }).render(inner, buf);
    }

    fn foot_lines(&self, order: &PackOrder) -> Vec<Line<'static>> {
        if !order.packages.is_empty() {
            let parts: Vec<String> = order
                .packages
                .iter()
                .map(|p| format!("{}/{} {} {} g {}", p.package_no, p.packages, p.carton, p.weight_g, p.tracking))
                .collect();
            return vec![
                Line::styled(format!("Packed: {}", parts.join(" · ")), DONE),
                Line::styled("Labels printed. CMD-REPRINT prints them again; scan the next tote.", theme::DIM),
            ];
        }
        if let Some(hold) = &self.weight_hold {
            let step = match &hold.badge {
                None => "Recount (CMD-UNDO / Esc) or a supervisor scans their badge to approve.".to_owned(),
                Some(badge) => format!("{badge}: PIN {} then Enter", "●".repeat(hold.pin.len())),
            };
            return vec![Line::styled(hold.message.clone(), theme::LATE), Line::raw(step)];
        }
        if !order.complete() {
            let left = order.expected_units() - order.scanned_units();
            let next = self.multiplier.map_or_else(String::new, |n| format!("  next scan ×{n}"));
            return vec![Line::raw(format!("Scan every unit: {left} to go.{next}"))];
        }
        let carton = match (&self.carton, &self.suggestion) {
            (Some(chosen), _) => format!("carton {chosen} (scanned)"),
            (None, Some(suggested)) => format!("{suggested} (suggested; BOX- to change)"),
            (None, None) => "carton: scan BOX-code".to_owned(),
        };
        let weight = if self.weight_input.is_empty() { "—".to_owned() } else { format!("{} g", self.weight_input) };
        vec![
            Line::styled(format!("All units verified. Pack into {carton}."), DONE),
            Line::raw(format!(
                "Weight {weight}: type it (or leave empty to read the scale), then Enter or CMD-CONFIRM."
            )),
        ]
    }
}
