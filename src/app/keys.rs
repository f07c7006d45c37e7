//! Keys: which screen, prompt, form or overlay a key press goes to.

use crossterm::event::KeyEvent;

use super::action::Action;
use super::keymap::Key;
use super::{Active, App, Exit};

impl App {
    pub(super) fn on_key(&mut self, key: &KeyEvent) {
        self.session.last_activity = self.now;
        let pressed = Key::from_event(key);
        let action = self.keymap.action(self.section(), pressed);
        if self.session.operator.is_none() && !self.help_open {
            // Characters go to the badge or PIN field; ctrl-c still quits, F1 still helps.
            match action {
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                Some(Action::ScannerTest) => self.open_scanner_test(),
                Some(Action::ToggleHelp) if !matches!(key.code, crossterm::event::KeyCode::Char(_)) => {
                    self.help_open = true;
                }
                _ => {
                    if let Some(command) = self.session.screen.type_key(key) {
                        self.sign_in(command);
                    }
                }
            }
            return;
        }
        if self.help_open {
            let closes = matches!(action, Some(Action::ToggleHelp)) || key.code == crossterm::event::KeyCode::Esc;
            match action {
                _ if closes => {
                    self.help_open = false;
                    self.help_scroll = 0;
                }
                Some(Action::SelectNext | Action::PageDown) => self.help_scroll = self.help_scroll.saturating_add(3),
                Some(Action::SelectPrevious | Action::PageUp) => self.help_scroll = self.help_scroll.saturating_sub(3),
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                _ => {}
            }
            return;
        }
        if self.address_form.is_some() {
            if pressed.ctrl && action == Some(Action::Quit) {
                self.exit = Some(Exit::Quit);
            } else {
                self.address_form_key(key);
            }
            return;
        }
        if self.active == Active::Waves && self.waves.prompt.is_some() {
            if pressed.ctrl && action == Some(Action::Quit) {
                self.exit = Some(Exit::Quit);
            } else if let Some(command) = self.waves.prompt_key(key) {
                self.run_waves_command(command);
            }
            return;
        }
        if self.active == Active::Sync && self.sync_screen.prompt.is_some() {
            // The "why?" of a skip takes the keys; only ctrl-bound quit escapes it.
            if pressed.ctrl && action == Some(Action::Quit) {
                self.exit = Some(Exit::Quit);
            } else {
                self.sync_prompt_key(key);
            }
            return;
        }
        if self.active == Active::Pick {
            match action {
                Some(action) if !self.pick.as_ref().is_some_and(|p| p.short_menu) => self.dispatch(action),
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                _ => self.pick_key(key),
            }
            return;
        }
        if self.active == Active::Returns {
            // Numbers, letters and Enter choose reasons and type notes here.
            let typing = self.returns.alert.is_some()
                || !matches!(
                    self.returns.step,
                    crate::screens::returns::Step::ScanItem | crate::screens::returns::Step::Idle
                );
            match action {
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                Some(
                    action @ (Action::SwitchScreen
                    | Action::ToggleHelp
                    | Action::ReturnsScreen
                    | Action::SyncScreen
                    | Action::SignOut
                    | Action::ScannerTest),
                ) if !typing => {
                    self.dispatch(action);
                }
                _ => self.returns_key(key),
            }
            return;
        }
        if self.active == Active::Stock {
            // Digits, letters, Tab and Enter work the tabs, counts and reasons.
            let typing = self.stock.wants_keys();
            match action {
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                Some(
                    action @ (Action::SwitchScreen
                    | Action::ToggleHelp
                    | Action::StockScreen
                    | Action::ReturnsScreen
                    | Action::SyncScreen
                    | Action::Dashboard
                    | Action::SignOut
                    | Action::ScannerTest
                    | Action::Quit
                    | Action::Refresh),
                ) if !typing
                    && !matches!(
                        key.code,
                        crossterm::event::KeyCode::Tab
                            | crossterm::event::KeyCode::BackTab
                            | crossterm::event::KeyCode::Esc
                    ) =>
                {
                    if action == Action::Refresh {
                        self.reload_stock();
                    } else {
                        self.dispatch(action);
                    }
                }
                _ => self.stock_key(key),
            }
            return;
        }
        if self.active == Active::Pack {
            // While a banner or a weight approval is up, keys belong to them.
            let busy = self.pack.alert.is_some() || self.pack.weight_hold.is_some();
            match action {
                Some(Action::Quit) if pressed.ctrl => self.exit = Some(Exit::Quit),
                Some(action) if !busy && !matches!(key.code, crossterm::event::KeyCode::Char('0'..='9')) => {
                    self.dispatch(action);
                }
                _ => self.pack_key(key),
            }
            return;
        }
        if self.queue.prompt.is_some() {
            // The "why?" takes the keys; only ctrl-bound quit escapes it.
            if pressed.ctrl && action == Some(Action::Quit) {
                self.exit = Some(Exit::Quit);
            } else if let Some(prompt) = self.queue.prompt_key(key) {
                self.run_prompt(&prompt);
            }
            return;
        }
        if self.queue.is_typing() {
            // Typing goes to the search box; only ctrl-bound quit escapes it.
            if pressed.ctrl && action == Some(Action::Quit) {
                self.exit = Some(Exit::Quit);
            } else if let Some(command) = self.queue.type_key(key) {
                self.run_command(command);
                self.load_wanted_detail();
            }
            return;
        }
        if let Some(action) = action {
            self.dispatch(action);
        }
    }
}
