//! Drawing the scanner test screen: a pure function of [`ScannerTestScreen`].
//! Raw input never reaches the terminal: control characters are shown as
//! `<GS>` or `<0x..>`.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{Entry, Hint, KEEP, NOT_READ, ScannerTestScreen, hints};
use crate::scan::gs1::GS;
use crate::scan::wedge::Verdict;
use crate::widgets::theme;

// The shared theme has no "good" colour yet, and its red is bold (for late
// orders); a long parse error reads better in plain red.
const GOOD: Style = Style::new().fg(Color::Green);
const BAD: Style = Style::new().fg(Color::Red);
const WARN: Style = theme::HOLD;

/// `text` safe for the terminal: GS as `<GS>`, other control characters as `<0x..>`.
#[must_use]
pub fn visible(text: &str) -> String {
    tokens(text).concat()
}

/// The visible form of each character of `text`.
fn tokens(text: &str) -> Vec<String> {
    text.chars()
        .map(|c| match c {
            GS => "<GS>".to_owned(),
            c if c.is_control() => format!("<0x{:02X}>", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// Median and longest key gap: `med 8 max 14 ms` (`—` with no gaps).
#[must_use]
pub fn gap_summary(gaps: &[Duration]) -> String {
    let mut ms: Vec<u128> = gaps.iter().map(Duration::as_millis).collect();
    ms.sort_unstable();
    match ms.last() {
        Some(max) => format!("med {} max {max} ms", ms[ms.len() / 2]),
        None => "—".to_owned(),
    }
}

fn verdict_label(verdict: Verdict) -> (&'static str, Style) {
    match verdict {
        Verdict::Scanner => ("scanner", GOOD),
        Verdict::Typing => ("typing", WARN),
        Verdict::TooShort => ("too short", WARN),
    }
}

/// The parse result: kind and value, or the error.
fn parsed(entry: &Entry) -> (String, Style) {
    let report = &entry.report;
    if !entry.is_terminated() {
        return (NOT_READ.to_owned(), WARN);
    }
    if let Some(error) = &report.error {
        let text = if report.kind == "unknown" { error.clone() } else { format!("{}: {error}", report.kind) };
        return (visible(&text), BAD);
    }
    let value = if report.elements.is_empty() {
        report.gtin.clone().or_else(|| report.value.clone()).unwrap_or_default()
    } else {
        report.elements.iter().map(|e| format!("({}){}", e.ai, e.value)).collect::<Vec<_>>().join(" ")
    };
    (visible(&format!("{} {value}", report.kind)), Style::new())
}

/// `text` as units for [`pack`]: words (after the first, with their leading
/// space), split into characters when wider than `width`.
fn words(text: &str, width: usize) -> Vec<String> {
    let mut units = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        let space = if i == 0 { "" } else { " " };
        if word.width() > width {
            units.extend(word.chars().enumerate().map(|(j, c)| format!("{}{c}", if j == 0 { space } else { "" })));
        } else {
            units.push(format!("{space}{word}"));
        }
    }
    units
}

/// Lays `units` out in at most `max_lines` lines of `width` columns (a line
/// drops a unit's leading space); the last line ends in `…` if any are left.
fn pack(units: &[String], width: usize, max_lines: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut cut = false;
    for unit in units {
        let last = lines.len() - 1;
        if lines[last].width() + unit.width() <= width {
            lines[last].push_str(unit);
        } else if lines.len() == max_lines {
            cut = true;
            break;
        } else {
            lines.push(unit.trim_start().to_owned());
        }
    }
    if let (true, Some(last)) = (cut, lines.last_mut()) {
        if last.width() + 1 > width {
            match last.rfind(' ') {
                Some(space) => last.truncate(space),
                None => while last.width() + 1 > width && last.pop().is_some() {},
            }
        }
        last.push('…');
    }
    lines
}

/// Column widths of the table for the entries shown.
struct Columns {
    input: usize,
    end: usize,
    gaps: usize,
    verdict: usize,
    result: usize,
}

impl Columns {
    const HEADERS: [&str; 5] = ["Input", "End", "Key gaps", "Verdict", "Parsed as"];

    fn fit(entries: &[Entry], width: u16) -> Self {
        let widest =
            |header: &str, of: &dyn Fn(&Entry) -> usize| entries.iter().map(of).max().unwrap_or(0).max(header.width());
        let end = widest("End", &|e| e.burst.terminator.width());
        let gaps = widest("Key gaps", &|e| gap_summary(&e.burst.gaps).width());
        let verdict = widest("Verdict", &|e| verdict_label(e.burst.verdict).0.width());
        let rest = usize::from(width).saturating_sub(end + gaps + verdict + 4);
        let input = widest("Input", &|e| visible(&e.burst.text).width()).min(rest / 2);
        Self { input, end, gaps, verdict, result: rest - input }
    }

    fn constraints(&self) -> [Constraint; 5] {
        [self.input, self.end, self.gaps, self.verdict, self.result].map(|w| Constraint::Length(w as u16))
    }

    /// One entry's row and its height, the input and result wrapped to `max_lines`.
    fn row(&self, entry: &Entry, max_lines: usize) -> (Row<'static>, u16) {
        let burst = &entry.burst;
        let input: Vec<Line> = if burst.text.is_empty() {
            vec![Line::styled("(nothing)", theme::DIM)]
        } else {
            pack(&tokens(&burst.text), self.input, max_lines).into_iter().map(Line::raw).collect()
        };
        let (result, result_style) = parsed(entry);
        let result: Vec<Line> =
            pack(&words(&result, self.result), self.result, max_lines).into_iter().map(Line::raw).collect();
        let height = input.len().max(result.len()) as u16;
        let end_style = if entry.is_terminated() { Style::new() } else { WARN };
        let (verdict, verdict_style) = verdict_label(burst.verdict);
        let row = Row::new([
            Cell::from(Text::from(input)),
            Cell::from(burst.terminator).style(end_style),
            Cell::from(gap_summary(&burst.gaps)),
            Cell::from(verdict).style(verdict_style),
            Cell::from(Text::from(result)).style(result_style),
        ]);
        (row.height(height), height)
    }
}

impl Widget for &ScannerTestScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let hints = hint_lines(&hints(&self.entries), usize::from(area.width.saturating_sub(4)));
        let hints_height = (hints.len() as u16 + 2).min(area.height / 2);
        let [title, table, hints_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(hints_height)]).areas(area);
        self.render_title(title, buf);
        self.render_table(table, buf);
        let block = Block::bordered().title(Line::styled(" Hints ", theme::HEADER));
        Paragraph::new(hints).block(block).render(hints_area, buf);
    }
}

impl ScannerTestScreen {
    fn render_title(&self, area: Rect, buf: &mut Buffer) {
        let title = Line::from(vec![
            Span::styled("Scanner test", theme::TITLE),
            Span::raw(": scan anything; nothing is changed"),
        ]);
        let count = format!("{} of the last {KEEP} inputs kept", self.entries.len());
        let fits = title.width() + count.width() + 2 <= usize::from(area.width);
        title.render(area, buf);
        if fits && !self.entries.is_empty() {
            Line::styled(count, theme::DIM).right_aligned().render(area, buf);
        }
    }

    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let mut block = Block::bordered().title(Line::styled(" Inputs, newest first ", theme::HEADER));
        let inner = block.inner(area);
        if self.entries.is_empty() {
            block.render(area, buf);
            let lines = vec![
                Line::raw(""),
                Line::styled("No input yet.", theme::TITLE),
                Line::styled("Scan any barcode. Each input is listed here with its raw characters,", theme::DIM),
                Line::styled("its key timings, the scanner-or-typing verdict and what it reads as.", theme::DIM),
            ];
            Paragraph::new(lines).centered().wrap(Wrap { trim: true }).render(inner, buf);
            return;
        }
        let columns = Columns::fit(&self.entries, inner.width);
        let max_lines = 3;
        let mut room = inner.height.saturating_sub(1);
        let mut rows = Vec::new();
        for entry in &self.entries {
            let (row, height) = columns.row(entry, max_lines);
            if height > room {
                break;
            }
            room -= height;
            rows.push(row);
        }
        let hidden = self.entries.len() - rows.len();
        if hidden > 0 {
            block = block.title_bottom(Line::styled(format!(" {hidden} older not shown "), theme::DIM).right_aligned());
        }
        block.render(area, buf);
        let header = Row::new(Columns::HEADERS).style(theme::HEADER);
        Table::new(rows, columns.constraints()).header(header).column_spacing(1).render(inner, buf);
    }
}

/// The hints as bulleted lines wrapped to `width` columns.
fn hint_lines(hints: &[Hint], width: usize) -> Vec<Line<'static>> {
    let width = width.saturating_sub(2).max(1);
    hints
        .iter()
        .flat_map(|hint| {
            let lines = pack(&words(hint.text(), width), width, usize::MAX);
            lines.into_iter().enumerate().map(move |(i, line)| {
                let bullet = if i == 0 { "• " } else { "  " };
                Line::styled(format!("{bullet}{line}"), hint_style(*hint))
            })
        })
        .collect()
}

fn hint_style(hint: Hint) -> Style {
    match hint {
        Hint::Works => GOOD,
        Hint::ScanToStart => Style::new(),
        _ => WARN,
    }
}
