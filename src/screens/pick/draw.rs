//! Drawing the pick screen: the "next" panel on top, the list below; on a
//! small terminal (an area under 80x20, down to 40x16) a compact form of both.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::PickScreen;
use crate::domain::wave::{PickStop, ShortReason, StopState};
use crate::screens::order_queue::Tone;
use crate::widgets::theme;

/// Below this the screen draws its compact form.
const FULL: (u16, u16) = (80, 20);

const BIG: Style = Style::new().add_modifier(Modifier::BOLD);

impl Widget for &PickScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let compact = area.width < FULL.0 || area.height < FULL.1;
        let [panel, list, message] = Layout::vertical([
            Constraint::Length(if compact { 5 } else { 8 }),
            Constraint::Min(1),
            Constraint::Length(if compact { 2 } else { 1 }),
        ])
        .areas(area);
        let title = format!(
            " {} · {} of {} units{} ",
            self.list.wave.number,
            self.list.wave.done_units,
            self.list.wave.units,
            if compact { "" } else { " · stop by stop" }
        );
        let block = Block::default()
            .borders(if compact { Borders::TOP } else { Borders::ALL })
            .title(Line::styled(title, theme::TITLE));
        let inner = block.inner(panel);
        block.render(panel, buf);
        Paragraph::new(self.next_lines(compact)).wrap(Wrap { trim: true }).render(inner, buf);
        self.render_list(list, buf, compact);
        if let Some((tone, text)) = &self.message {
            let style = if *tone == Tone::Error { theme::ERROR } else { theme::INFO };
            Paragraph::new(Line::styled(text.clone(), style)).wrap(Wrap { trim: true }).render(message, buf);
        }
    }
}

impl PickScreen {
    /// The "next" panel: where to go, what to take, where to put it.
    fn next_lines(&self, compact: bool) -> Vec<Line<'static>> {
        if self.short_menu {
            let mut lines = vec![Line::styled("Why can it not be picked?", BIG)];
            for (i, reason) in ShortReason::ALL.iter().enumerate() {
                lines.push(Line::raw(format!("  {}  {}", i + 1, reason.label())));
            }
            return lines;
        }
        let Some(stop) = self.current() else {
            return vec![
                Line::styled("Wave picked.", BIG),
                Line::raw("Take the cart to packing. Esc: back to the waves."),
            ];
        };
        let share = stop.next_share();
        let label = |text: &str| Span::styled(format!("{text:<7}"), theme::DIM);
        let bin_done = self.at_bin == Some(stop.stock_id);
        let todo = |done: bool| if done { Style::new() } else { BIG.add_modifier(Modifier::REVERSED) };
        let go = Line::from(vec![
            label("GO TO"),
            Span::styled(format!(" {} ", stop.bin), todo(bin_done)),
            Span::styled(format!("  zone {:?}", stop.zone), theme::DIM),
        ]);
        let left = share.map_or(0, |s| s.qty - s.picked);
        let pick = Line::from(vec![
            label("PICK"),
            Span::styled(format!(" {left} × {} ", stop.sku), todo(!bin_done || self.count >= left)),
            Span::raw(if compact { String::new() } else { format!("  {}", stop.title) }),
        ]);
        let lot = stop.lot.as_ref().map(|lot| {
            let expiry = stop.expires_on.map_or_else(String::new, |d| format!("  expires {d}"));
            Line::from(vec![label("LOT"), Span::raw(format!(" {lot}{expiry}"))])
        });
        let into = share.map(|s| {
            Line::from(vec![
                label("INTO"),
                Span::styled(format!(" {} ", s.tote), todo(self.count < left || !bin_done)),
                Span::raw(if compact {
                    format!("  {}/{left}", self.count)
                } else {
                    format!("  {}  counted {} of {left}", s.order, self.count)
                }),
                Span::styled(self.multiplier.map_or_else(String::new, |n| format!("  next scan ×{n}")), theme::INFO),
            ])
        });
        let mut lines = vec![go, pick];
        lines.extend(lot.filter(|_| !compact));
        lines.extend(into);
        if !compact {
            let others: Vec<String> = stop
                .shares
                .iter()
                .filter(|s| s.picked < s.qty)
                .skip(1)
                .map(|s| format!("{} × {}", s.qty - s.picked, s.tote))
                .collect();
            if !others.is_empty() {
                lines.push(Line::styled(format!("then {}", others.join(", ")), theme::DIM));
            }
            lines.push(Line::styled(
                "Scan bin, item (each unit or QTY-n), tote · s short · v view · Esc leave",
                theme::DIM,
            ));
        }
        lines
    }

    fn render_list(&self, area: Rect, buf: &mut Buffer, compact: bool) {
        let stops = self.stops();
        let current = self.current().map(|s| (s.seq, s.stock_id));
        let view = if self.walk_view { "optimal walk" } else { "zones A, B, C" };
        let block = Block::default()
            .borders(if compact { Borders::TOP } else { Borders::ALL })
            .title(Line::styled(format!(" {} stops · {view} ", stops.len()), theme::HEADER));
        let inner = block.inner(area);
        block.render(area, buf);
        // Keep the current stop in sight: start a little before it.
        let at = stops.iter().position(|s| Some((s.seq, s.stock_id)) == current).unwrap_or(0);
        let room = usize::from(inner.height.saturating_sub(u16::from(!compact)));
        let first = at.saturating_sub(room / 3).min(stops.len().saturating_sub(room));
        let rows = stops.iter().skip(first).take(room).map(|stop| {
            let mark = if Some((stop.seq, stop.stock_id)) == current { "▶" } else { " " };
            let (state, style) = match stop.state {
                StopState::Done => ("done", theme::DIM),
                StopState::Short => ("short", theme::HOLD),
                StopState::Open => ("", Style::new()),
            };
            let qty = format!("{}/{}", stop.picked(), stop.qty());
            if compact {
                Row::new(vec![
                    Cell::from(format!("{mark}{:?} {}", stop.zone, stop.bin)),
                    Cell::from(stop.sku.clone()),
                    Cell::from(qty),
                ])
                .style(style)
            } else {
                Row::new(vec![
                    Cell::from(format!("{mark}{}", stop.seq)),
                    Cell::from(format!("{:?}", stop.zone)),
                    Cell::from(stop.bin.to_string()),
                    Cell::from(stop.sku.clone()),
                    Cell::from(qty),
                    Cell::from(totes(stop)),
                    Cell::from(state),
                ])
                .style(style)
            }
        });
        let table = if compact {
            Table::new(rows, [Constraint::Length(12), Constraint::Min(8), Constraint::Length(6)])
        } else {
            Table::new(
                rows,
                [
                    Constraint::Length(4),
                    Constraint::Length(4),
                    Constraint::Length(9),
                    Constraint::Min(14),
                    Constraint::Length(6),
                    Constraint::Min(16),
                    Constraint::Length(5),
                ],
            )
            .header(Row::new(["#", "Zone", "Bin", "SKU", "Qty", "Totes", ""]).style(theme::HEADER))
        };
        table.render(inner, buf);
    }
}

/// "T0003×2 T0005×1": what goes into which tote at a stop.
fn totes(stop: &PickStop) -> String {
    stop.shares.iter().map(|s| format!("{}×{}", s.tote, s.qty)).collect::<Vec<_>>().join(" ")
}
