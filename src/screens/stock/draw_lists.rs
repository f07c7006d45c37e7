//! Drawing the Putaway tab (what waits for a bin, the selected item and the
//! bin to scan) and the Replenishment tab (SKUs at or below their reorder
//! point, with what to order).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;

use super::StockScreen;
use super::draw::{
    BOLD, Column, DASH, OVER, SHORT, boxed, clean, col, date, lines, num, shown_of, styled, table, text, window,
};
use crate::domain::inbound::{PutawayItem, ReplenishmentRow};
use crate::widgets::format::count;
use crate::widgets::theme;

/// A figure with one decimal, or a dim dash.
fn decimal(value: Option<f64>) -> Vec<Span<'static>> {
    match value {
        Some(v) if v.is_finite() => text(format!("{v:.1}")),
        _ => styled(DASH, theme::DIM),
    }
}

impl StockScreen {
    /// What waits for putaway, the selected item, and what to scan.
    pub(super) fn render_putaway(&self, area: Rect, buf: &mut Buffer) {
        let [list, detail] = Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
        let wide = area.width >= 100;
        let columns: Vec<Column> = if wide {
            vec![
                col("Delivery", Constraint::Length(14)),
                col("SKU", Constraint::Length(14)),
                col("Item", Constraint::Fill(2)),
                col("Lot", Constraint::Length(10)),
                col("Expires", Constraint::Length(10)),
                num("Qty", 5),
                col("Class", Constraint::Length(5)),
                col("Bin", Constraint::Length(8)),
                col("Why", Constraint::Fill(3)),
            ]
        } else {
            vec![
                col("SKU", Constraint::Length(12)),
                col("Item", Constraint::Fill(1)),
                col("Lot", Constraint::Length(8)),
                col("Expires", Constraint::Length(10)),
                num("Qty", 4),
                col("Cl", Constraint::Length(2)),
                col("Bin", Constraint::Length(8)),
            ]
        };
        let n = self.putaway.len();
        let units: u64 = self.putaway.iter().map(|i| u64::from(i.qty)).sum();
        let (first, shown) = window(n, usize::from(list.height.saturating_sub(3)), Some(self.selected_item), 0);
        let title = vec![
            Span::styled(" Waiting for putaway", theme::TITLE),
            Span::raw(format!(" · {n} items · {} units{} ", count(units), shown_of(first, shown, n))),
        ];
        let inner = boxed(list, title, buf);
        let today = self.now.date_naive();
        let rows = self
            .putaway
            .iter()
            .map(|item| {
                let expires = match item.expires_on {
                    Some(d) if d < today => styled(d.format("%Y-%m-%d").to_string(), SHORT),
                    other => date(other),
                };
                let bin = item.suggestion.map_or_else(|| styled("none", theme::DIM), |s| text(s.bin.to_string()));
                let mut cells = vec![
                    text(clean(&item.sku)),
                    text(clean(&item.title)),
                    item.lot.as_deref().map_or_else(|| styled(DASH, theme::DIM), |lot| text(clean(lot))),
                    expires,
                    text(item.qty.to_string()),
                    text(item.class.as_str()),
                    bin,
                ];
                if wide {
                    cells.insert(0, text(clean(&item.receipt)));
                    cells.push(styled(item.suggestion.map(|s| s.why.to_string()).unwrap_or_default(), theme::DIM));
                }
                cells
            })
            .collect();
        let selected = (n > 0).then_some(self.selected_item);
        table(inner, &columns, rows, first, selected, "Nothing waits for putaway.", buf);
        if let Some(item) = self.putaway.get(self.selected_item) {
            lines(self.putaway_detail(item), detail, buf);
        }
    }

    /// The selected item, and the bin to scan for it.
    fn putaway_detail(&self, item: &PutawayItem) -> Vec<Vec<Span<'static>>> {
        let lot = item.lot.as_deref().map_or_else(String::new, |lot| format!(" · lot {}", clean(lot)));
        let first = vec![
            Span::styled(format!("▶ {}", clean(&item.sku)), BOLD),
            Span::raw(format!(" · {}{lot} · {} units from {}", clean(&item.title), item.qty, clean(&item.receipt))),
        ];
        let qty = self.pending_qty.map_or_else(|| format!("all {}", item.qty), |n| format!("{n} of {}", item.qty));
        let second = match (self.other_bin, item.suggestion) {
            (Some((id, bin)), suggestion) if id == item.id => {
                let instead = suggestion.map_or_else(String::new, |s| format!(" instead of {}", s.bin));
                vec![Span::styled(
                    format!("Bin {bin}{instead}: scan it again (or CMD-CONFIRM) to put {qty} there · Esc drops it"),
                    OVER,
                )]
            }
            (_, Some(suggestion)) => vec![
                Span::raw("Scan bin "),
                Span::styled(suggestion.bin.to_string(), BOLD),
                Span::raw(format!(" ({}) to put {qty} away", suggestion.why)),
            ],
            (_, None) => vec![Span::raw(format!("No bin suggested: scan a bin twice to put {qty} there."))],
        };
        vec![first, second]
    }

    /// SKUs at or below their reorder point (supervisors only).
    pub(super) fn render_replenishment(&self, area: Rect, buf: &mut Buffer) {
        let [list, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        if !self.supervisor {
            lines(vec![styled("The replenishment list is for supervisors.", theme::DIM)], list, buf);
            return;
        }
        let wide = area.width >= 100;
        let compact = area.width < 76;
        let columns: Vec<Column> = if compact {
            vec![
                col("SKU", Constraint::Length(12)),
                num("Avail", 6),
                num("Back", 5),
                num("/day", 5),
                num("Cover", 5),
                num("ROP", 5),
                num("Order", 6),
            ]
        } else if wide {
            vec![
                col("SKU", Constraint::Length(16)),
                col("Item", Constraint::Fill(1)),
                col("Class", Constraint::Length(5)),
                num("On hand", 7),
                num("Available", 9),
                num("Backordered", 11),
                num("Per day", 7),
                num("Cover days", 10),
                num("Reorder pt", 10),
                num("Inbound", 7),
                num("Order", 7),
            ]
        } else {
            vec![
                col("SKU", Constraint::Length(12)),
                col("Item", Constraint::Fill(1)),
                num("On hand", 7),
                num("Avail", 6),
                num("Back", 5),
                num("/day", 5),
                num("Cover", 5),
                num("ROP", 5),
                num("Inbound", 7),
                num("Order", 6),
            ]
        };
        let n = self.replenishment.len();
        let (first, shown) = window(n, usize::from(list.height.saturating_sub(3)), None, self.replenishment_top);
        let title = vec![
            Span::styled(" Replenishment", theme::TITLE),
            Span::raw(format!(" · {n} SKUs at or below their reorder point{} ", shown_of(first, shown, n))),
        ];
        let inner = boxed(list, title, buf);
        let rows = self
            .replenishment
            .iter()
            .map(|row| {
                let mut cells = replenishment_row(row, wide);
                if compact {
                    // SKU, available, backordered, per day, cover, reorder point, order.
                    for at in [8, 2, 1] {
                        cells.remove(at);
                    }
                }
                cells
            })
            .collect();
        table(inner, &columns, rows, first, None, "No SKU is at or below its reorder point.", buf);
        let words = if wide {
            "Order: the suggested order quantity less what is already inbound. Cover: days the available stock lasts."
        } else {
            "Order: suggested less inbound · ROP: reorder point · Cover: days of stock"
        };
        lines(vec![styled(words, theme::DIM)], hint, buf);
    }
}

fn replenishment_row(row: &ReplenishmentRow, wide: bool) -> Vec<Vec<Span<'static>>> {
    let backordered = if row.backordered > 0 { styled(count(row.backordered), SHORT) } else { text("0") };
    let cover = match row.cover_days {
        Some(days) if days.is_finite() && days < 3.0 => styled(format!("{days:.1}"), SHORT),
        other => decimal(other),
    };
    let mut cells = vec![
        text(clean(&row.sku)),
        text(clean(&row.title)),
        text(count(row.on_hand)),
        text(count(row.available)),
        backordered,
        decimal(Some(row.demand_per_day)),
        cover,
        text(count(row.reorder_point)),
        text(count(row.inbound)),
        styled(count(row.suggested), BOLD),
    ];
    if wide {
        cells.insert(2, text(row.class.as_str()));
    }
    cells
}
