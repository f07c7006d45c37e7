//! The address form: a supervisor corrects an order's shipping address. The
//! form only edits text; the app stores it and validates the order again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::domain::{Address, OrderNumber};
use crate::widgets::theme;

/// The fields, in order, with their labels.
const LABELS: [&str; 9] = ["Name", "Address 1", "Address 2", "City", "Region", "Postcode", "Country", "Phone", "Email"];

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    Editing,
    Save(Box<Address>),
    Cancel,
}

/// The form's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressForm {
    pub number: OrderNumber,
    pub fields: [String; 9],
    pub focus: usize,
}

impl AddressForm {
    #[must_use]
    pub fn new(number: OrderNumber, a: &Address) -> Self {
        let fields = [
            a.name.clone(),
            a.address1.clone(),
            a.address2.clone(),
            a.city.clone(),
            a.region.clone(),
            a.postcode.clone(),
            a.country.clone(),
            a.phone.clone(),
            a.email.clone(),
        ];
        // Start on the first empty field an address needs: usually the one that is wrong.
        let focus = [0, 1, 3, 5, 6].into_iter().find(|i| fields[*i].is_empty()).unwrap_or(0);
        Self { number, fields, focus }
    }

    /// The address as edited.
    #[must_use]
    pub fn address(&self) -> Address {
        let f = |i: usize| self.fields[i].trim().to_owned();
        Address {
            name: f(0),
            address1: f(1),
            address2: f(2),
            city: f(3),
            region: f(4),
            postcode: f(5),
            country: f(6).to_ascii_uppercase(),
            phone: f(7),
            email: f(8),
        }
    }

    /// A typed key: Tab/↓ and BackTab/↑ move, Enter saves, Esc cancels.
    pub fn key(&mut self, key: &KeyEvent) -> FormOutcome {
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Save(Box::new(self.address())),
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % LABELS.len(),
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + LABELS.len() - 1) % LABELS.len(),
            KeyCode::Backspace => {
                self.fields[self.focus].pop();
            }
            KeyCode::Char(c)
                if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control()
                    && self.fields[self.focus].chars().count() < 80 =>
            {
                self.fields[self.focus].push(c);
            }
            _ => {}
        }
        FormOutcome::Editing
    }
}

impl Widget for &AddressForm {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let height = (LABELS.len() as u16 + 4).min(area.height);
        let [vertical] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
        let [popup] = Layout::horizontal([Constraint::Length(70.min(area.width))]).flex(Flex::Center).areas(vertical);
        Clear.render(popup, buf);
        let mut lines: Vec<Line> = LABELS
            .iter()
            .zip(&self.fields)
            .enumerate()
            .map(|(i, (label, value))| {
                let focused = i == self.focus;
                let marker = if focused { Span::styled("█", theme::DIM) } else { Span::raw("") };
                let label_style = if focused { theme::HEADER } else { theme::DIM };
                Line::from(vec![Span::styled(format!(" {label:<10} "), label_style), Span::raw(value.clone()), marker])
            })
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(" Tab/↑↓ field · Enter save and check again · Esc cancel", theme::DIM));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Line::styled(format!(" Address of {} ", self.number), theme::TITLE));
        Paragraph::new(lines).block(block).render(popup, buf);
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

    fn form() -> AddressForm {
        let address = Address {
            name: "Ana Lima".into(),
            address1: "Rua Augusta 12".into(),
            postcode: "1100-053".into(),
            country: "PT".into(),
            ..Address::default()
        };
        AddressForm::new(OrderNumber(42), &address)
    }

    #[test]
    fn editing_starts_on_the_first_empty_field_and_saves_the_address() {
        let mut form = form();
        assert_eq!(form.focus, 3, "the city is the first empty field an address needs");
        for c in "Lisboa".chars() {
            assert_eq!(form.key(&key(KeyCode::Char(c))), FormOutcome::Editing);
        }
        let FormOutcome::Save(address) = form.key(&key(KeyCode::Enter)) else { panic!() };
        assert_eq!((address.city.as_str(), address.name.as_str()), ("Lisboa", "Ana Lima"));
        assert_eq!(form.key(&key(KeyCode::Esc)), FormOutcome::Cancel);
    }

    #[test]
    fn snapshot() {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| f.render_widget(&form(), f.area())).unwrap();
        insta::assert_snapshot!("address_form_80x24", terminal.backend());
    }
}
