//! Drawing the Counts tab: the open count tasks (never with a quantity), the
//! blind count sheet (the counter's own counts only), the recount of the
//! SKUs asked, and the review of confirmed differences with the reasons to
//! adjust. The system's quantity appears only in the review, after the
//! recount confirmed it differs.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Span;

use super::draw::{
    BOLD, DASH, EXACT, OVER, SHORT, age, boxed, choices, clean, col, lines, num, rows_for, shown_of, styled, table,
    text, window,
};
use super::{CountSheet, StockScreen};
use crate::domain::inbound::{CountSource, CountStatus, CountTask};
use crate::widgets::theme;

fn source(source: CountSource) -> &'static str {
    match source {
        CountSource::ShortPick => "short pick",
        CountSource::Schedule => "schedule",
        CountSource::Supervisor => "supervisor",
    }
}

fn status(status: CountStatus) -> Vec<Span<'static>> {
    match status {
        CountStatus::Open => text("count"),
        CountStatus::Recount => styled("recount", OVER),
        CountStatus::Review => styled("review", SHORT),
        CountStatus::Done => styled("done", EXACT),
    }
}

/// `Why: short pick · picker found 2 of 5`.
fn why(task: &CountTask) -> Vec<Span<'static>> {
    let reason = clean(&task.reason);
    let reason = if reason.is_empty() { String::new() } else { format!(" · {reason}") };
    vec![Span::styled("Why: ", theme::DIM), Span::raw(format!("{}{reason}", source(task.source)))]
}

impl StockScreen {
    /// The open count tasks: where, why, how far, how old; no quantity.
    pub(super) fn render_tasks(&self, area: Rect, buf: &mut Buffer) {
        let [list, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let columns = [
            col("Bin", Constraint::Length(8)),
            col("Zone", Constraint::Length(4)),
            col("Source", Constraint::Length(10)),
            col("Reason", Constraint::Fill(1)),
            col("Status", Constraint::Length(7)),
            num("Age", 4),
        ];
        let n = self.tasks.len();
        let (first, shown) = window(n, usize::from(list.height.saturating_sub(3)), Some(self.selected_task), 0);
        let title = vec![
            Span::styled(" Count tasks", theme::TITLE),
            Span::raw(format!(" · {n} open{} ", shown_of(first, shown, n))),
        ];
        let inner = boxed(list, title, buf);
        let rows = self
            .tasks
            .iter()
            .map(|t| {
                vec![
                    text(t.bin.to_string()),
                    text(t.zone.as_str()),
                    text(source(t.source)),
                    text(clean(&t.reason)),
                    status(t.status),
                    text(age(t.created_at, self.now)),
                ]
            })
            .collect();
        let selected = (n > 0).then_some(self.selected_task);
        table(inner, &columns, rows, first, selected, "No count task is open.", buf);
        let words = vec![
            Span::styled("Scan a bin's label to count it", BOLD),
            Span::styled(" · counts are blind: no quantity is shown", theme::DIM),
        ];
        lines(vec![words], hint, buf);
    }

    /// The count sheet of one bin, by the task's status.
    pub(super) fn render_sheet(&self, sheet: &CountSheet, area: Rect, buf: &mut Buffer) {
        let task = &sheet.task;
        let verb = match task.status {
            CountStatus::Open | CountStatus::Done => "Count",
            CountStatus::Recount => "Recount",
            CountStatus::Review => "Review",
        };
        let title = vec![
            Span::styled(format!(" {verb} {}", task.bin), theme::TITLE),
            Span::raw(format!(" · zone {} ", task.zone.as_str())),
        ];
        let inner = boxed(area, title, buf);
        if task.status == CountStatus::Review {
            self.render_review(task, inner, buf);
            return;
        }
        let instruction = if task.status == CountStatus::Recount {
            let skus: Vec<String> = task.recount.iter().map(|s| clean(s)).collect();
            vec![Span::styled(format!("Recount, still blind: count only {} again", skus.join(", ")), OVER)]
        } else {
            vec![Span::styled("Blind count: scan every unit, or scan one and type the total then Enter", BOLD)]
        };
        let counted: Vec<(String, Option<u32>)> = if task.status == CountStatus::Recount {
            task.recount.iter().map(|sku| (sku.clone(), sheet.counted(sku))).collect()
        } else {
            sheet.counted.iter().map(|e| (e.sku.clone(), Some(e.qty))).collect()
        };
        let units: u64 = sheet.counted.iter().map(|e| u64::from(e.qty)).sum();
        let [head, list, typed, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Max(rows_for(counted.len()).saturating_add(1)),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        lines(vec![why(task), instruction], head, buf);
        let columns = [col("SKU", Constraint::Length(24)), num("Counted", 8), col("", Constraint::Fill(1))];
        let scanned_last = sheet.last.as_deref();
        // Keep the SKU scanned last in view (else the newest rows).
        let last_at = counted.iter().position(|(sku, _)| scanned_last == Some(sku.as_str()));
        let newest = counted.len().saturating_sub(1);
        let (first, _) =
            window(counted.len(), usize::from(list.height.saturating_sub(1)), Some(last_at.unwrap_or(newest)), 0);
        let rows = counted
            .into_iter()
            .map(|(sku, qty)| {
                let mark = match qty {
                    _ if scanned_last == Some(sku.as_str()) => styled("◀ last scanned", theme::DIM),
                    None => styled("not scanned yet", theme::DIM),
                    Some(_) => text(""),
                };
                let qty = qty.map_or_else(|| styled(DASH, theme::DIM), |q| styled(q.to_string(), BOLD));
                vec![text(clean(&sku)), qty, mark]
            })
            .collect();
        table(list, &columns, rows, first, None, "Nothing counted yet: scan the first unit.", buf);
        lines(vec![self.typed_line(sheet, units)], typed, buf);
        let key = |k: &'static str| Span::styled(k, theme::KEY);
        let foot_line = vec![
            key("c"),
            Span::styled(" or CMD-CONFIRM: done with this bin  ", theme::DIM),
            key("Esc"),
            Span::styled(" leaves without storing", theme::DIM),
        ];
        lines(vec![foot_line], foot, buf);
    }

    /// The number being typed, or what typing would do.
    fn typed_line(&self, sheet: &CountSheet, units: u64) -> Vec<Span<'static>> {
        let total = Span::styled(format!("{units} unit{} counted", if units == 1 { "" } else { "s" }), theme::DIM);
        match (&sheet.last, sheet.typed.is_empty()) {
            (Some(sku), false) => vec![
                Span::raw("Typed: "),
                Span::styled(format!("{}▏", sheet.typed), theme::SELECTED),
                Span::raw(format!("  Enter sets {} to {} · Backspace edits", clean(sku), sheet.typed)),
            ],
            (None, false) => vec![
                Span::raw("Typed: "),
                Span::styled(format!("{}▏", sheet.typed), theme::SELECTED),
                Span::styled("  scan one unit of the item first", SHORT),
            ],
            (Some(sku), true) => vec![
                total,
                Span::styled(format!(" · type the total of {} and Enter, or keep scanning", clean(sku)), theme::DIM),
            ],
            (None, true) => vec![total],
        }
        .into_iter()
        .chain(self.pending_qty.map(|n| Span::styled(format!("  QTY-{n} applies to the next scan"), OVER)))
        .collect()
    }

    /// The confirmed differences, then the reasons to adjust.
    fn render_review(&self, task: &CountTask, area: Rect, buf: &mut Buffer) {
        let reasons = choices(&self.adjust_reasons, area.width);
        let [head, list, pick] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(2),
            Constraint::Length(rows_for(reasons.len()).saturating_add(1)),
        ])
        .areas(area);
        let confirmed =
            vec![Span::styled("The recount confirmed these differences:", BOLD.add_modifier(Modifier::BOLD))];
        lines(vec![why(task), confirmed], head, buf);
        let columns = [
            col("SKU", Constraint::Length(16)),
            col("Item", Constraint::Fill(1)),
            num("System", 7),
            num("Counted", 7),
            num("Delta", 7),
        ];
        let rows = task
            .differences
            .iter()
            .map(|d| {
                let delta = d.delta();
                let style = if delta < 0 { SHORT } else { OVER };
                vec![
                    text(clean(&d.sku)),
                    text(clean(&d.title)),
                    text(d.system.to_string()),
                    text(d.counted.to_string()),
                    styled(format!("{delta:+}"), style.add_modifier(Modifier::BOLD)),
                ]
            })
            .collect();
        let (first, _) = window(task.differences.len(), usize::from(list.height.saturating_sub(1)), None, 0);
        table(list, &columns, rows, first, None, "No differences listed.", buf);
        let n = self.adjust_reasons.len().min(9);
        let mut pick_lines = vec![vec![
            Span::styled("Adjust the stock: why? ", theme::HEADER),
            Span::raw(format!("Press 1-{n} · Esc leaves (nothing stored)")),
        ]];
        pick_lines.extend(reasons);
        lines(pick_lines, pick, buf);
    }
}
