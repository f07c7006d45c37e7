//! Drawing the console: the screen in front, its key hints and the status
//! bar (with the sync's state); the waves and pick screens alone on a
//! picker's small terminal.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Widget;

use super::action::Action;
use super::{Active, App, PICK_MIN};
use crate::screens::help::Help;
use crate::widgets::key_hints::KeyHints;
use crate::widgets::status_bar::StatusBar;
use crate::widgets::too_small::{MIN_HEIGHT, MIN_WIDTH, TooSmall};

impl App {
    pub(super) fn hints(&self) -> KeyHints {
        let wanted: &[(Action, &str)] = match self.active {
            Active::Queue => &[
                (Action::ToggleHelp, "Help"),
                (Action::StartSearch, "Search"),
                (Action::ToggleDetail, "Detail"),
                (Action::NextFilter, "Status"),
                (Action::ToggleSort, "Sort"),
                (Action::SwitchScreen, "Waves"),
                (Action::ClearSearch, "Back"),
                (Action::Quit, "Quit"),
            ],
            Active::Waves => &[
                (Action::ToggleHelp, "Help"),
                (Action::OpenWave, "Pick"),
                (Action::NewWave, "New"),
                (Action::ReleaseWave, "Release"),
                (Action::CancelWave, "Cancel"),
                (Action::TakeOverWave, "Take over"),
                (Action::SwitchScreen, "Orders"),
                (Action::Quit, "Quit"),
            ],
            Active::Pack => &[
                (Action::UndoPackScan, "Undo"),
                (Action::ReprintLabels, "Reprint"),
                (Action::CloseManifest, "Manifest"),
                (Action::SwitchScreen, "Orders"),
                (Action::ToggleHelp, "Help"),
                (Action::Quit, "Quit"),
            ],
            Active::Returns => {
                &[(Action::SwitchScreen, "Orders"), (Action::ToggleHelp, "Help"), (Action::Quit, "Quit")]
            }
            Active::Sync => &[
                (Action::RetryOutbox, "Retry"),
                (Action::SkipOutbox, "Skip"),
                (Action::PullNow, "Pull now"),
                (Action::SyncScreen, "Back"),
                (Action::ToggleHelp, "Help"),
                (Action::Quit, "Quit"),
            ],
            Active::Dashboard => &[
                (Action::OpenAlert, "Go to alert"),
                (Action::Dashboard, "Back"),
                (Action::SwitchScreen, "Next screen"),
                (Action::ToggleHelp, "Help"),
                (Action::Quit, "Quit"),
            ],
            Active::Stock => {
                &[(Action::StockScreen, "Back"), (Action::SwitchScreen, "Next screen"), (Action::ToggleHelp, "Help")]
            }
            Active::Pick => &[
                (Action::ShortPick, "Short"),
                (Action::ToggleWalk, "View"),
                (Action::LeaveWave, "Leave"),
                (Action::ToggleHelp, "Help"),
            ],
        };
        let section = self.section();
        KeyHints(
            wanted
                .iter()
                .filter_map(|(action, label)| {
                    let key = self.keymap.key_for(section, *action)?;
                    Some((key.label(), (*label).to_owned()))
                })
                .collect(),
        )
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // The waves and pick screens also work on a picker's handheld (40x16),
        // without the hint and status lines.
        let small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        let handheld = small && area.width >= PICK_MIN.0 && area.height >= PICK_MIN.1;
        if handheld && !self.help_open && self.scanner_test.is_none() && self.session.operator.is_some() {
            match (self.active, &self.pick) {
                (Active::Pick, Some(pick)) => return pick.render(area, buf),
                (Active::Waves, _) => return self.waves.render(area, buf),
                _ => {}
            }
        }
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            TooSmall.render(area, buf);
            return;
        }
        let [main, hints, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1), Constraint::Length(1)]).areas(area);
        if let Some(screen) = &self.scanner_test {
            screen.render(main, buf);
            let test_hints = [("Scan", "anything"), ("Esc", "Back"), ("^C", "Quit")];
            KeyHints(test_hints.iter().map(|(k, d)| ((*k).to_owned(), (*d).to_owned())).collect()).render(hints, buf);
        } else if self.session.operator.is_some() {
            match (self.active, &self.pick) {
                (Active::Pick, Some(pick)) => pick.render(main, buf),
                (Active::Waves | Active::Pick, _) => self.waves.render(main, buf),
                (Active::Pack, _) => self.pack.render(main, buf),
                (Active::Returns, _) => self.returns.render(main, buf),
                (Active::Sync, _) => self.sync_screen.render(main, buf),
                (Active::Dashboard, _) => self.dashboard.render(main, buf),
                (Active::Stock, _) => self.stock.render(main, buf),
                (Active::Queue, _) => self.queue.render(main, buf),
            }
            self.hints().render(hints, buf);
        } else {
            self.session.screen.render(main, buf);
            let sign_in_hints =
                [("Scan", "badge"), ("Enter", "Sign in"), ("Esc", "Clear"), ("F1", "Help"), ("^C", "Quit")];
            KeyHints(sign_in_hints.iter().map(|(k, d)| ((*k).to_owned(), (*d).to_owned())).collect())
                .render(hints, buf);
        }
        let operator = self.session.operator.as_ref().map(|o| format!("{} {} ({})", o.badge, o.name, o.role));
        StatusBar {
            station: &self.station,
            operator: operator.as_deref(),
            store: &self.store_label,
            now: self.now,
            sync: self.sync_status(),
        }
        .render(status, buf);
        if let Some(form) = &self.address_form {
            form.render(main, buf);
        }
        if self.help_open {
            Help { keymap: &self.keymap, section: self.section(), scroll: self.help_scroll }.render(main, buf);
        }
    }
}
