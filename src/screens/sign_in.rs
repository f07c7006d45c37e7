//! The sign-in screen: scan a badge (or type it); supervisors then type their
//! PIN. The screen only collects input; the app checks it against the store,
//! throttles failures and keeps the session.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::widgets::theme;

/// What the screen is asking for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Badge,
    /// A supervisor's badge was accepted; their PIN is next.
    Pin {
        badge: String,
        name: String,
    },
}

/// What the app must check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInCommand {
    Badge(String),
    Pin { badge: String, pin: String },
}

/// The sign-in screen's state.
#[derive(Debug, Clone)]
pub struct SignInScreen {
    pub step: Step,
    /// What has been typed (a badge, or a PIN shown as dots).
    pub input: String,
    /// The last refusal, shown in red.
    pub error: Option<String>,
    /// False when the store has no operators at all.
    pub operators_exist: bool,
}

impl SignInScreen {
    #[must_use]
    pub fn new(operators_exist: bool) -> Self {
        Self { step: Step::Badge, input: String::new(), error: None, operators_exist }
    }

    /// Back to the badge step, keeping the error (if any) on screen.
    pub fn reset(&mut self) {
        self.step = Step::Badge;
        self.input.clear();
    }

    /// A badge was accepted and needs a PIN.
    pub fn ask_pin(&mut self, badge: String, name: String) {
        self.step = Step::Pin { badge, name };
        self.input.clear();
        self.error = None;
    }

    /// The app refused what was entered.
    pub fn refuse(&mut self, error: String) {
        self.input.clear();
        self.error = Some(error);
    }

    /// A scanned badge (scans never land in the input).
    #[must_use]
    pub fn badge_scanned(&mut self, badge: &str) -> SignInCommand {
        self.reset();
        SignInCommand::Badge(badge.to_owned())
    }

    /// A typed key: characters, Backspace, Enter (submit), Esc (clear, or back to the badge).
    pub fn type_key(&mut self, key: &KeyEvent) -> Option<SignInCommand> {
        match key.code {
            KeyCode::Enter => {
                let typed = std::mem::take(&mut self.input);
                let typed = typed.trim();
                if typed.is_empty() {
                    return None;
                }
                match &self.step {
                    Step::Badge => return Some(SignInCommand::Badge(typed.to_ascii_uppercase())),
                    Step::Pin { badge, .. } => {
                        return Some(SignInCommand::Pin { badge: badge.clone(), pin: typed.to_owned() });
                    }
                }
            }
            KeyCode::Esc if self.input.is_empty() => {
                self.reset();
                self.error = None;
            }
            KeyCode::Esc => self.input.clear(),
            KeyCode::Backspace => {
                self.input.pop();
            }
            KeyCode::Char(c)
                if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control()
                    && self.input.chars().count() < 32 =>
            {
                self.input.push(c);
            }
            _ => {}
        }
        None
    }
}

impl Widget for &SignInScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = 56.min(area.width);
        let [column] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(area);
        let [boxed] = Layout::vertical([Constraint::Length(9.min(area.height))]).flex(Flex::Center).areas(column);
        let (prompt, shown) = match &self.step {
            Step::Badge => ("Scan your badge, or type it and press Enter:".to_owned(), self.input.clone()),
            Step::Pin { badge, name } => {
                (format!("{name} ({badge}), type your PIN and press Enter:"), "●".repeat(self.input.chars().count()))
            }
        };
        let mut lines = vec![
            Line::raw(prompt),
            Line::from(vec![Span::styled(" > ", theme::HEADER), Span::raw(shown), Span::styled("█", theme::DIM)]),
            Line::raw(""),
        ];
        if let Some(error) = &self.error {
            lines.push(Line::styled(error.clone(), theme::ERROR));
        } else if !self.operators_exist {
            lines.push(Line::styled(
                "This store has no operators yet: seed the demo warehouse (packline demo).",
                theme::DUE_SOON,
            ));
        } else if matches!(self.step, Step::Pin { .. }) {
            lines.push(Line::styled("Esc goes back to the badge.", theme::DIM));
        }
        let block = Block::default().borders(Borders::ALL).title(Line::styled(" Sign in ", theme::TITLE));
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }).render(boxed, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn draw(screen: &SignInScreen, width: u16, height: u16) -> TestBackend {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
        terminal.backend().clone()
    }

    #[test]
    fn a_typed_badge_is_submitted_in_capitals() {
        let mut screen = SignInScreen::new(true);
        for c in "emp-0004".chars() {
            assert_eq!(screen.type_key(&key(KeyCode::Char(c))), None);
        }
        assert_eq!(screen.type_key(&key(KeyCode::Enter)), Some(SignInCommand::Badge("EMP-0004".into())));
        assert!(screen.input.is_empty());
    }

    #[test]
    fn the_pin_is_masked_and_esc_goes_back() {
        let mut screen = SignInScreen::new(true);
        screen.ask_pin("EMP-0001".into(), "Sabine Hoffmann".into());
        for c in "1234".chars() {
            screen.type_key(&key(KeyCode::Char(c)));
        }
        let text = format!("{}", draw(&screen, 80, 24));
        assert!(text.contains("●●●●") && !text.contains("1234"), "{text}");
        insta::assert_snapshot!("sign_in_pin_80x24", draw(&screen, 80, 24));
        assert_eq!(
            screen.type_key(&key(KeyCode::Enter)),
            Some(SignInCommand::Pin { badge: "EMP-0001".into(), pin: "1234".into() })
        );
        screen.type_key(&key(KeyCode::Esc));
        assert_eq!(screen.step, Step::Badge);
    }

    #[test]
    fn snapshots() {
        let screen = SignInScreen::new(true);
        insta::assert_snapshot!("sign_in_80x24", draw(&screen, 80, 24));
        insta::assert_snapshot!("sign_in_120x40", draw(&screen, 120, 40));
        let mut refused = SignInScreen::new(true);
        refused.refuse("Unknown badge EMP-0099.".into());
        insta::assert_snapshot!("sign_in_refused_80x24", draw(&refused, 80, 24));
        insta::assert_snapshot!("sign_in_no_operators_80x24", draw(&SignInScreen::new(false), 80, 24));
    }
}
