//! What a terminal smaller than the console needs sees instead of a broken layout.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::theme;

/// The smallest terminal the console lays out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// "Enlarge the terminal" with the current and the needed size.
#[derive(Debug, Clone, Copy)]
pub struct TooSmall;

impl Widget for TooSmall {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = vec![
            Line::styled("Enlarge the terminal", theme::TITLE),
            Line::raw(format!("packline needs {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}.", area.width, area.height)),
            Line::raw("q quits."),
        ];
        let top = area.height.saturating_sub(3) / 2;
        let inner = Rect { y: area.y + top, height: area.height - top, ..area };
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }).render(inner, buf);
    }
}
