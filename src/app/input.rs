//! Input: what the burst detector hands on (keys and scans), scans acted on
//! whatever has focus, and the scanner test screen that records them instead.

use super::action::Action;
use super::keymap::{Key, Section};
use super::{Active, App, Exit};
use crate::domain::queue::SearchQuery;
use crate::scan::Scan;
use crate::scan::wedge::{Wedge, WedgeConfig, WedgeOutput};
use crate::screens::order_queue::QueueCommand;
use crate::screens::scanner_test::ScannerTestScreen;

impl App {
    /// Scanner settings: the burst thresholds and a GS substitute.
    pub fn set_scanner(&mut self, wedge: WedgeConfig, gs_substitute: Option<char>) {
        self.wedge = Wedge::new(wedge);
        self.scan_options.gs_substitute = gs_substitute;
    }

    /// When keys held back as a possible scan must be released.
    #[must_use]
    pub fn input_deadline(&self) -> Option<std::time::Instant> {
        self.wedge.deadline()
    }

    /// Releases held keys whose time is up (the loop calls this at
    /// [`App::input_deadline`]); returns whether the screen changed.
    pub fn flush_input(&mut self, now: std::time::Instant) -> bool {
        let outputs = self.wedge.tick(now);
        let changed = !outputs.is_empty();
        self.take_input(outputs);
        changed
    }

    /// Acts on what the wedge handed on, or records it while the scanner test is open.
    pub(super) fn take_input(&mut self, outputs: Vec<WedgeOutput>) {
        if let Some(screen) = self.scanner_test.as_mut() {
            // The test screen records what arrived instead of acting on it.
            if let Some(burst) = self.wedge.take_burst() {
                let report = crate::scan::report(&burst.text, &self.scan_options);
                screen.record(burst, report);
            }
            if let Some((text, gaps)) = self.wedge.take_unterminated() {
                screen.unterminated(text, gaps);
            }
            for output in outputs {
                if let WedgeOutput::Key(key) = output {
                    let action = self.keymap.action(Section::OrderQueue, Key::from_event(&key));
                    match action {
                        Some(Action::Quit) if key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL) => {
                            self.exit = Some(Exit::Quit);
                        }
                        Some(Action::ScannerTest) => self.scanner_test = None,
                        _ if key.code == crossterm::event::KeyCode::Esc => self.scanner_test = None,
                        _ => {}
                    }
                    if self.scanner_test.is_none() || self.exit.is_some() {
                        return;
                    }
                }
            }
            return;
        }
        let _ = (self.wedge.take_burst(), self.wedge.take_unterminated());
        for output in outputs {
            match output {
                WedgeOutput::Key(key) => self.on_key(&key),
                WedgeOutput::Scan(code) => self.on_scan(&code),
            }
            if self.exit.is_some() {
                return;
            }
        }
    }

    pub(super) fn open_scanner_test(&mut self) {
        self.help_open = false;
        self.scanner_test = Some(ScannerTestScreen::new());
    }

    /// Whether the scanner test screen is open.
    #[must_use]
    pub fn scanner_test(&self) -> Option<&ScannerTestScreen> {
        self.scanner_test.as_ref()
    }

    /// Handles `code` as the wedge hands on a scan (benchmarks and probes
    /// that do not simulate key timing).
    pub fn scan(&mut self, code: &str) {
        self.on_scan(code);
    }

    /// A scan, whatever has focus: it never lands in a text field.
    fn on_scan(&mut self, code: &str) {
        self.scan_options.today = self.now.date_naive();
        self.session.last_activity = self.now;
        let parsed = crate::scan::parse(code, &self.scan_options);
        // At the pack station a badge may be a supervisor approving a weight.
        if self.active == Active::Pack && self.pack.weight_hold.is_some() && matches!(parsed, Ok(Scan::Badge(_))) {
            if let Ok(scan) = parsed {
                self.pack_scan(scan, code);
            }
            return;
        }
        // A badge signs in (after signing out whoever was signed in).
        if let Ok(Scan::Badge(badge)) = &parsed {
            self.sign_out("another badge was scanned");
            let command = self.session.screen.badge_scanned(badge);
            self.sign_in(command);
            return;
        }
        if matches!(parsed, Ok(Scan::Command("LOGOUT"))) {
            self.sign_out("CMD-LOGOUT");
            return;
        }
        if self.session.operator.is_none() && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.session.screen.refuse("Sign in first: scan your badge.".into());
            self.bell = true;
            return;
        }
        if self.active == Active::Pick && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.help_open = false;
            match parsed {
                Ok(scan) => self.pick_scan(scan, code),
                Err(e) => self.show_error(format!("Scan refused: {e}.")),
            }
            return;
        }
        // The sync screen has nothing to scan: say so where the operator looks.
        if self.active == Active::Sync && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.show_error("Nothing here takes a scan: Esc goes back to where the scanner works.".into());
            return;
        }
        // On the dashboard an order's barcode opens the order; nothing else is scanned there.
        if self.active == Active::Dashboard && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            match parsed {
                Ok(Scan::Order(number)) => self.dashboard_action_jump_order(number),
                _ => self.show_error(
                    "The dashboard takes only an order's barcode: Esc goes back to where the scanner works.".into(),
                ),
            }
            return;
        }
        if self.active == Active::Stock && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.help_open = false;
            match parsed {
                Ok(scan) => self.stock_scan(scan),
                Err(e) => self.stock_refused(format!("Scan refused: {e}.")),
            }
            return;
        }
        // An RMA opens the returns bench wherever it is scanned.
        if matches!(parsed, Ok(Scan::Rma(_))) && self.active != Active::Pick {
            self.active = Active::Returns;
        }
        if self.active == Active::Returns && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.help_open = false;
            match parsed {
                Ok(scan) => self.returns_scan(scan, code),
                Err(e) => self.show_error(format!("Scan refused: {e}.")),
            }
            return;
        }
        if self.active == Active::Pack && !matches!(parsed, Ok(Scan::Command("HELP"))) {
            self.help_open = false;
            match parsed {
                Ok(scan) => self.pack_scan(scan, code),
                Err(e) => self.pack_refused_scan(format!("Scan refused: {e}.")),
            }
            return;
        }
        if self.active == Active::Waves {
            match parsed {
                Ok(Scan::Wave(n)) => {
                    self.help_open = false;
                    let number = crate::domain::WaveNumber(i64::try_from(n).unwrap_or(i64::MAX));
                    self.waves.select_wave(number);
                    self.open_wave(number, false);
                }
                Ok(Scan::Command("HELP")) => self.help_open = true,
                Ok(Scan::Command("CANCEL")) => {
                    self.help_open = false;
                    self.waves_action(Action::ClearSearch);
                }
                Ok(other) => self.show_error(format!("A {} scan does nothing on the waves screen.", other.kind())),
                Err(e) => self.show_error(format!("Scan refused: {e}.")),
            }
            return;
        }
        let refused = match parsed {
            Ok(Scan::Command("HELP")) => {
                self.help_open = true;
                None
            }
            Ok(Scan::Command("CANCEL")) => {
                self.help_open = false;
                self.forward(Action::ClearSearch);
                None
            }
            Ok(Scan::Order(number)) => {
                self.help_open = false;
                self.run_command(QueueCommand::Search(SearchQuery::Number(number)));
                if self.queue.selected_row().is_some() {
                    self.queue.detail_open = true;
                    self.load_wanted_detail();
                }
                None
            }
            Ok(other) => Some(format!("A {} scan does nothing on the order queue.", other.kind())),
            Err(e) => Some(format!("Scan refused: {e}.")),
        };
        if let Some(message) = refused {
            tracing::info!(scan = %crate::domain::text::sanitize(code), %message, "scan refused");
            self.queue.on_error(message);
            self.bell = true;
        }
    }
}
