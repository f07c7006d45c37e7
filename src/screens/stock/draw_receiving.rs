//! Drawing the Receiving tab: the list of open deliveries, or the open
//! delivery (header, its lines with the difference of each, the announced
//! packages) with the panel of the step: what to scan, the damage reasons,
//! or the reason asked for each differing line at close.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;

use super::draw::{
    BOLD, Column, DASH, EXACT, OVER, SHORT, boxed, choices, clean, col, date, lines, num, shown_of, styled, table,
    text, window,
};
use super::receiving::describe_difference;
use super::{ReceivingStep, StockScreen};
use crate::domain::inbound::{Difference, ReceiptLineView, ReceiptStatus, ReceiptView};
use crate::widgets::format::count;
use crate::widgets::theme;

/// Takes up to `want` rows from `left`.
fn take(left: &mut u16, want: u16) -> u16 {
    let got = want.min(*left);
    *left -= got;
    got
}

fn status(status: ReceiptStatus) -> Vec<Span<'static>> {
    match status {
        ReceiptStatus::Expected => styled("expected", theme::DIM),
        ReceiptStatus::Receiving => styled("receiving", theme::INFO),
        ReceiptStatus::Closed => styled("closed", EXACT),
    }
}

/// A count, dim when nothing.
fn units(n: u64, style: ratatui::style::Style) -> Vec<Span<'static>> {
    if n == 0 { styled("0", theme::DIM) } else { styled(count(n), style) }
}

/// `+2 over` (yellow), `-3 short` (red), `✓` (green), `not expected`.
fn difference(line: &ReceiptLineView) -> Vec<Span<'static>> {
    if line.expected == 0 {
        return styled("not expected", OVER.add_modifier(ratatui::style::Modifier::BOLD));
    }
    match line.difference() {
        Difference::Over(n) => styled(format!("+{n} over"), OVER),
        Difference::Short(n) => styled(format!("-{n} short"), SHORT),
        Difference::Exact if line.damaged > 0 => {
            vec![Span::styled("✓ ", EXACT), Span::styled(format!("{} dmg", line.damaged), SHORT)]
        }
        Difference::Exact => styled("✓", EXACT),
    }
}

impl StockScreen {
    /// The open deliveries, the selected one highlighted.
    pub(super) fn render_receipts(&self, area: Rect, buf: &mut Buffer) {
        let [list, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let (wide, compact) = (area.width >= 100, area.width < 76);
        let mut columns = vec![
            col("Reference", Constraint::Length(if wide { 18 } else { 14 })),
            col("Supplier", Constraint::Fill(1)),
            col("Expected", Constraint::Length(10)),
            col("Status", Constraint::Length(9)),
        ];
        if compact {
            columns.push(num("Units in", 9));
        } else {
            columns.extend([
                num("Lines", 5),
                num(if wide { "Expected" } else { "Units" }, if wide { 8 } else { 6 }),
                num(if wide { "Received" } else { "Recvd" }, if wide { 8 } else { 6 }),
                num(if wide { "Damaged" } else { "Dmg" }, if wide { 7 } else { 4 }),
            ]);
        }
        let n = self.receipts.len();
        let (first, shown) = window(n, usize::from(list.height.saturating_sub(3)), Some(self.selected_receipt), 0);
        let title = vec![
            Span::styled(" Deliveries", theme::TITLE),
            Span::raw(format!(" · {n} open{} ", shown_of(first, shown, n))),
        ];
        let inner = boxed(list, title, buf);
        let rows = self
            .receipts
            .iter()
            .map(|r| {
                let mut cells =
                    vec![text(clean(&r.reference)), text(clean(&r.supplier)), date(r.expected_on), status(r.status)];
                if compact {
                    cells.push(text(format!("{}/{}", count(r.received + r.damaged), count(r.expected))));
                } else {
                    cells.extend([
                        text(r.lines.to_string()),
                        text(count(r.expected)),
                        units(r.received, ratatui::style::Style::new()),
                        units(r.damaged, SHORT),
                    ]);
                }
                cells
            })
            .collect();
        let selected = (n > 0).then_some(self.selected_receipt);
        let empty = "No open deliveries. Scan a package's SSCC, or import the expected deliveries.";
        table(inner, &columns, rows, first, selected, empty, buf);
        let words = vec![
            Span::styled("Enter", theme::KEY),
            Span::styled(" opens the selected delivery · or scan a package's SSCC to receive it", theme::DIM),
        ];
        lines(vec![words], hint, buf);
    }

    /// The open delivery: header, lines, packages, and the step's panel.
    pub(super) fn render_receipt(&self, view: &ReceiptView, area: Rect, buf: &mut Buffer) {
        let (panel, panel_boxed) = self.receipt_panel(view, area.width.saturating_sub(2));
        let mut left = area.height;
        let head = take(&mut left, 2);
        let panel_height = take(&mut left, rows(panel.len()) + if panel_boxed { 2 } else { 0 });
        let lines_want = rows(view.lines.len()).saturating_add(3);
        let mut lines_height = take(&mut left, lines_want.min(6));
        let packages_want = rows(view.packages.len().min(3)) + 2;
        let packages_height =
            if view.packages.is_empty() || left < packages_want { 0 } else { take(&mut left, packages_want) };
        lines_height += left;
        let [head, lines_area, packages, panel_area] =
            Layout::vertical([head, lines_height, packages_height, panel_height].map(Constraint::Length)).areas(area);
        self.render_receipt_head(view, head, buf);
        self.render_receipt_lines(view, lines_area, buf);
        if packages_height > 0 {
            render_packages(view, packages, buf);
        }
        let inner = if panel_boxed { boxed(panel_area, Vec::new(), buf) } else { panel_area };
        lines(panel, inner, buf);
    }

    fn render_receipt_head(&self, view: &ReceiptView, area: Rect, buf: &mut Buffer) {
        let expected_on = view.expected_on.map_or_else(|| DASH.to_owned(), |d| d.format("%Y-%m-%d").to_string());
        let mut first = vec![
            Span::styled(clean(&view.reference), theme::TITLE),
            Span::raw(format!(" · {} · expected {expected_on} · ", clean(&view.supplier))),
        ];
        first.extend(status(view.status));
        let second = if let ReceivingStep::Damaged(reason) = &self.step {
            vec![Span::styled(
                format!("DAMAGED: the next item scan is received damaged ({}) · Esc disarms", clean(reason)),
                SHORT.add_modifier(ratatui::style::Modifier::BOLD),
            )]
        } else {
            let expected: u64 = view.lines.iter().map(|l| u64::from(l.expected)).sum();
            let good: u64 = view.lines.iter().map(|l| u64::from(l.received)).sum();
            let damaged: u64 = view.lines.iter().map(|l| u64::from(l.damaged)).sum();
            let differ = view.differences().len();
            let mut spans =
                vec![Span::raw(format!("{} units expected · {} arrived", count(expected), count(good + damaged)))];
            if damaged > 0 {
                spans.push(Span::raw(" · "));
                spans.push(Span::styled(format!("{} damaged", count(damaged)), SHORT));
            }
            let lines = view.lines.len();
            spans.push(Span::raw(format!(" · {differ} of {lines} lines differ")));
            spans
        };
        lines(vec![first, second], area, buf);
    }

    fn render_receipt_lines(&self, view: &ReceiptView, area: Rect, buf: &mut Buffer) {
        let wide = area.width >= 100;
        let mut columns: Vec<Column> = if wide {
            vec![
                col("SKU", Constraint::Length(16)),
                col("Item", Constraint::Fill(2)),
                num("Expected", 8),
                num("Received", 8),
                num("Damaged", 7),
                col("Difference", Constraint::Length(12)),
            ]
        } else {
            vec![
                col("SKU", Constraint::Length(14)),
                col("Item", Constraint::Fill(1)),
                num("Exp", 5),
                num("Recvd", 5),
                num("Dmg", 4),
                col("Difference", Constraint::Length(12)),
            ]
        };
        if wide {
            columns.push(col("Reason", Constraint::Fill(1)));
        }
        let current = match &self.step {
            ReceivingStep::Close { lines, reasons } => {
                lines.get(reasons.len()).and_then(|no| view.lines.iter().position(|l| l.line_no == *no))
            }
            _ => None,
        };
        let n = view.lines.len();
        let (first, shown) = window(n, usize::from(area.height.saturating_sub(3)), current, self.lines_top);
        let title =
            vec![Span::styled(" Lines", theme::TITLE), Span::raw(format!(" · {n}{} ", shown_of(first, shown, n)))];
        let inner = boxed(area, title, buf);
        let rows = view
            .lines
            .iter()
            .map(|l| {
                let mut cells = vec![
                    text(clean(&l.sku)),
                    text(clean(&l.title)),
                    if l.expected == 0 { styled("0", theme::DIM) } else { text(l.expected.to_string()) },
                    text(l.received.to_string()),
                    units(u64::from(l.damaged), SHORT),
                    difference(l),
                ];
                if wide {
                    cells.push(styled(l.reason.as_deref().map(clean).unwrap_or_default(), theme::DIM));
                }
                cells
            })
            .collect();
        table(inner, &columns, rows, first, current, "No lines: scan the items that came.", buf);
    }

    /// The step's panel lines, and whether they sit in a box.
    fn receipt_panel(&self, view: &ReceiptView, width: u16) -> (Vec<Vec<Span<'static>>>, bool) {
        let key = |k: &'static str| Span::styled(k, theme::KEY);
        match &self.step {
            ReceivingStep::Scan | ReceivingStep::Damaged(_) => {
                let dim = |t: &'static str| Span::styled(t, theme::DIM);
                let line = vec![
                    Span::styled("Scan items to receive them  ", BOLD),
                    key("d"),
                    dim(" damaged  "),
                    key("u"),
                    dim(" undo last  "),
                    key("c"),
                    dim(" close  "),
                    key("Esc"),
                    dim(" leave"),
                ];
                (vec![line], false)
            }
            ReceivingStep::DamageReason => {
                let n = self.receiving_reasons.len().min(9);
                let mut panel = vec![vec![
                    Span::styled("Damaged: why? ", BOLD),
                    Span::raw(format!("Press 1-{n} · Esc: not damaged")),
                ]];
                panel.extend(choices(&self.receiving_reasons, width));
                (panel, true)
            }
            ReceivingStep::Close { lines, reasons } => {
                let at = reasons.len();
                let line = lines.get(at).and_then(|no| view.lines.iter().find(|l| l.line_no == *no));
                let what = line.map_or_else(String::new, |l| {
                    format!("Line {} · {}: {}", l.line_no, clean(&l.sku), describe_difference(l))
                });
                let n = self.receiving_reasons.len().min(9);
                let mut panel = vec![
                    vec![Span::styled(format!("Close: difference {} of {}  ", at + 1, lines.len()), theme::HEADER)],
                    vec![Span::styled(what, BOLD)],
                    vec![Span::raw(format!("Why? Press 1-{n} · Esc cancels the close (nothing stored)"))],
                ];
                panel.extend(choices(&self.receiving_reasons, width));
                (panel, true)
            }
        }
    }
}

/// Rows for `n` lines.
fn rows(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The announced packages: SSCC, units, received or waiting.
fn render_packages(view: &ReceiptView, area: Rect, buf: &mut Buffer) {
    let n = view.packages.len();
    let done = view.packages.iter().filter(|p| p.received).count();
    let visible = usize::from(area.height.saturating_sub(2));
    let title = vec![
        Span::styled(" Packages", theme::TITLE),
        Span::raw(format!(" · {done} of {n} received{} ", shown_of(0, n.min(visible), n))),
    ];
    let inner = boxed(area, title, buf);
    // Waiting packages first: they are the ones to look for.
    let mut packages: Vec<_> = view.packages.iter().collect();
    packages.sort_by_key(|p| p.received);
    let rows = packages
        .into_iter()
        .map(|p| {
            let state =
                if p.received { Span::styled("✓ received", EXACT) } else { Span::styled("waiting", theme::DIM) };
            vec![Span::raw(format!("{:<18}  {:>5} units  ", clean(&p.sscc), p.units)), state]
        })
        .collect();
    lines(rows, inner, buf);
}
