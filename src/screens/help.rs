//! The help overlay, generated from the keymap's descriptions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::keymap::{Keymap, Section};
use crate::widgets::theme;

/// The help overlay for one screen: its bindings, then the global ones.
#[derive(Debug, Clone, Copy)]
pub struct Help<'a> {
    pub keymap: &'a Keymap,
    pub section: Section,
    /// Lines scrolled off the top (clamped when drawn).
    pub scroll: u16,
}

impl Help<'_> {
    /// One line per distinct description, with every key bound to it.
    fn lines(self) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for section in [self.section, Section::Global] {
            lines.push(Line::styled(section.title(), theme::HEADER));
            let mut entries: Vec<(Vec<String>, String)> = Vec::new();
            for binding in self.keymap.bindings(section) {
                match entries.iter_mut().find(|(_, desc)| *desc == binding.desc) {
                    Some((keys, _)) => keys.push(binding.key.label()),
                    None => entries.push((vec![binding.key.label()], binding.desc.clone())),
                }
            }
            for (keys, desc) in entries {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<14}", keys.join(" ")), theme::TITLE),
                    Span::raw(desc),
                ]));
            }
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled("Key bindings live in the config's [keymap] tables.", theme::DIM));
        lines
    }
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = self.lines();
        let height = (lines.len() as u16 + 2).min(area.height);
        // Descriptions may wrap, so allow a few lines more than counted.
        let overflow = (lines.len() as u16 + 4).saturating_sub(height);
        let scroll = self.scroll.min(overflow);
        let [vertical] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
        let [popup] = Layout::horizontal([Constraint::Length(64.min(area.width))]).flex(Flex::Center).areas(vertical);
        Clear.render(popup, buf);
        let block = Block::default().borders(Borders::ALL).title(Line::styled(" Help ", theme::TITLE)).title_bottom(
            Line::raw(if overflow > 0 { " ↑↓ scroll · ? or Esc closes " } else { " ? or Esc closes " }).right_aligned(),
        );
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)).render(popup, buf);
    }
}
