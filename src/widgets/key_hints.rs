//! The key-hint bar, generated from the keymap: as many hints as fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::theme;

/// Hints as (key label, what it does), most useful first.
#[derive(Debug, Clone)]
pub struct KeyHints(pub Vec<(String, String)>);

impl Widget for KeyHints {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut spans = Vec::new();
        let mut used = 0usize;
        for (key, what) in self.0 {
            let width = key.width() + what.width() + 3;
            if used + width > area.width as usize {
                break;
            }
            used += width;
            spans.push(Span::styled(key, theme::KEY));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        Line::from(spans).render(area, buf);
    }
}
