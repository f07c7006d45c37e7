//! The full-width red banner the pack station and the returns bench raise
//! when something is wrong: it covers the middle of the screen and says how
//! to carry on.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// White on red, bold.
pub const STYLE: Style = Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD);

/// A refusal the operator must acknowledge.
pub struct Banner<'a>(pub &'a str);

impl Widget for Banner<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let height = 5.min(area.height);
        let y = area.y + area.height.saturating_sub(height) / 2;
        let banner = Rect::new(area.x, y, area.width, height);
        Clear.render(banner, buf);
        let text = vec![
            Line::raw(""),
            Line::styled(self.0.to_owned(), STYLE),
            Line::styled("Scan CMD-OK or press Enter to carry on.", STYLE),
        ];
        Paragraph::new(text).style(STYLE).alignment(Alignment::Center).wrap(Wrap { trim: true }).render(banner, buf);
    }
}
