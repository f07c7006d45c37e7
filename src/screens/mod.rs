//! The console's screens. Each is state + update + `impl Widget for &State`;
//! none of them touches the store: they get plain data and return commands.

pub mod address_form;
pub mod dashboard;
pub mod help;
pub mod order_queue;
pub mod pack;
pub mod pick;
pub mod returns;
pub mod scanner_test;
pub mod sign_in;
pub mod stock;
pub mod sync;
pub mod waves;
pub mod why;

/// Where a list's selection goes for a movement action (next, previous, a
/// page of `page` rows, first, last) in a list of `len`; `None` for any
/// other action.
#[must_use]
pub fn moved_selection(action: crate::app::action::Action, selected: usize, len: usize, page: usize) -> Option<usize> {
    use crate::app::action::Action;
    let last = len.saturating_sub(1);
    Some(match action {
        Action::SelectNext => (selected + 1).min(last),
        Action::SelectPrevious => selected.saturating_sub(1),
        Action::PageDown => (selected + page).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::SelectFirst => 0,
        Action::SelectLast => last,
        _ => return None,
    })
}

/// `spans` cut to `width` display columns, ending in `…` when cut.
pub fn fit_spans(spans: Vec<ratatui::text::Span<'static>>, width: impl Into<usize>) -> ratatui::text::Line<'static> {
    let width = width.into();
    let total: usize = spans.iter().map(ratatui::text::Span::width).sum();
    if total <= width {
        return ratatui::text::Line::from(spans);
    }
    let mut room = width.saturating_sub(1);
    let mut out = Vec::new();
    let mut style = ratatui::style::Style::new();
    for span in spans {
        style = span.style;
        let span_width = span.width();
        if span_width <= room {
            room -= span_width;
            out.push(span);
            continue;
        }
        let mut cut = String::new();
        for c in span.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w > room {
                break;
            }
            room -= w;
            cut.push(c);
        }
        out.push(ratatui::text::Span::styled(cut.trim_end().to_owned(), span.style));
        break;
    }
    if width > 0 {
        out.push(ratatui::text::Span::styled("…", style));
    }
    ratatui::text::Line::from(out)
}
