//! The status bar: station, who is signed in, which store, and the clock.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme;

/// What the status bar shows.
#[derive(Debug, Clone)]
pub struct StatusBar<'a> {
    pub station: &'a str,
    /// The signed-in operator's badge and name, if anyone is signed in.
    pub operator: Option<&'a str>,
    pub store: &'a str,
    pub now: DateTime<Utc>,
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, theme::BAR);
        let clock = self.now.format("%H:%M UTC").to_string();
        let left = Line::from(vec![
            Span::styled(format!(" {} ", self.station), theme::TITLE),
            Span::raw("│ "),
            Span::raw(self.operator.unwrap_or("not signed in")),
            Span::raw(" │ "),
            Span::raw(format!("store {}", self.store)),
        ]);
        let clock_width = clock.len() as u16 + 1;
        // A column of space always separates the left part from the clock.
        left.render(Rect { width: area.width.saturating_sub(clock_width + 1), ..area }, buf);
        if area.width > clock_width {
            Line::raw(clock).render(Rect { x: area.right() - clock_width, width: clock_width, ..area }, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_long_left_part_never_touches_the_clock() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 8, 0).unwrap();
        let bar = StatusBar {
            station: "STATION-1",
            operator: Some("EMP-0001 Sabine Hoffmann (supervisor)"),
            store: "packline.db",
            now,
        };
        let area = Rect::new(0, 0, 80, 1);
        let mut buf = Buffer::empty(area);
        bar.render(area, &mut buf);
        let line: String = (0..80).map(|x| buf[(x, 0)].symbol()).collect();
        let clock = line.find("12:08 UTC").expect("the clock is shown");
        assert!(line[..clock].ends_with(' '), "the clock is set apart: {line:?}");
        assert!(line.contains("store packline.d"), "{line:?}");
    }
}
