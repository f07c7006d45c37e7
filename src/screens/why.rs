//! The one-line "why?" a supervisor action asks before it acts (cancelling
//! a wave, skipping an outbox row): typing, Esc, and an answer that must
//! not be empty because it goes into the audit trail.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::{Line, Span};

use crate::widgets::theme;

/// The longest answer taken, in characters.
pub const WHY_LIMIT: usize = 120;

/// What the screen says to an empty answer.
pub const SAY_WHY: &str = "Say why: it goes into the audit trail.";

/// The prompt as the message line shows it: `question`, the answer so far
/// and a cursor, and how to finish.
#[must_use]
pub fn prompt_line(question: String, input: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(question, theme::HEADER),
        Span::raw(input.to_owned()),
        Span::styled("█", theme::DIM),
        Span::styled("  Enter confirms · Esc", theme::DIM),
    ])
}

/// What a key did to the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhyKey {
    /// Esc: the action is abandoned.
    Cancel,
    /// Enter on an empty answer: ask again.
    Empty,
    /// Enter: the answer, trimmed.
    Done(String),
    /// Typed, erased, or ignored.
    Edited,
}

/// Applies one key to the answer being typed.
pub fn key(input: &mut String, key: &KeyEvent) -> WhyKey {
    match key.code {
        KeyCode::Esc => WhyKey::Cancel,
        KeyCode::Enter if input.trim().is_empty() => WhyKey::Empty,
        KeyCode::Enter => WhyKey::Done(input.trim().to_owned()),
        KeyCode::Backspace => {
            input.pop();
            WhyKey::Edited
        }
        KeyCode::Char(c)
            if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && input.chars().count() < WHY_LIMIT
                && !c.is_control() =>
        {
            input.push(c);
            WhyKey::Edited
        }
        _ => WhyKey::Edited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut String, code: KeyCode) -> WhyKey {
        key(input, &KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn an_answer_is_typed_trimmed_and_bounded() {
        let mut input = String::new();
        assert_eq!(press(&mut input, KeyCode::Enter), WhyKey::Empty);
        for c in " late ".chars() {
            press(&mut input, KeyCode::Char(c));
        }
        press(&mut input, KeyCode::Backspace);
        assert_eq!(press(&mut input, KeyCode::Enter), WhyKey::Done("late".into()));
        assert_eq!(key(&mut input, &KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL)), WhyKey::Edited);
        assert_eq!(input, " late", "a control chord types nothing");
        let mut long = "x".repeat(WHY_LIMIT);
        press(&mut long, KeyCode::Char('y'));
        assert_eq!(long.len(), WHY_LIMIT);
        assert_eq!(press(&mut long, KeyCode::Esc), WhyKey::Cancel);
    }
}
