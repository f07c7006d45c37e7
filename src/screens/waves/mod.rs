//! The waves screen: the active and recent waves with their progress, the
//! picker holding each, and a supervisor's planning, release, cancellation
//! and take-over.
//!
//! A new wave is planned first and shown as a [`Preview`] (its walk against
//! first-come batching with S-shape routing); Enter creates it. `update` turns
//! actions into [`WavesCommand`]s; the app runs them against the store and
//! hands the results back through the `on_*` methods. Rendering lives in
//! `draw.rs`.

mod draw;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::app::action::Action;
use crate::domain::wave::{WaveNumber, WavePlan, WaveStatus, WaveSummary};
pub use crate::screens::order_queue::Tone;
use crate::screens::why::{self, WhyKey};

/// Rows PageDown and PageUp move the selection by.
const PAGE: usize = 10;

/// Store work the screen asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum WavesCommand {
    /// Read the waves again and pass them to [`WavesScreen::on_waves`].
    Reload,
    /// Plan a wave from the ready orders and pass it to [`WavesScreen::on_preview`].
    Plan,
    /// Store the previewed plan as a new wave.
    Create(WavePlan),
    /// Release a planned wave to the floor.
    Release(WaveNumber),
    /// Cancel a planned or released wave, with the supervisor's reason.
    Cancel(WaveNumber, String),
    /// Open a wave's pick list.
    Open(WaveNumber),
    /// Take a wave being picked away from the station holding its lease.
    TakeOver(WaveNumber),
}

/// A planned wave shown before it is created.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub plan: WavePlan,
    /// Something the supervisor should know, e.g. "only 6 ready orders (fewer than 10)".
    pub note: Option<String>,
}

impl Preview {
    /// The walk saved against first-come S-shape batching, in percent of
    /// the latter (`None` without a baseline).
    #[must_use]
    pub fn saving_percent(&self) -> Option<f64> {
        saving_percent(self.plan.route_m, self.plan.baseline_m)
    }
}

/// `route_m` saved against `baseline_m`, in percent of the baseline.
#[must_use]
pub fn saving_percent(route_m: f64, baseline_m: f64) -> Option<f64> {
    (baseline_m > 0.0).then(|| (baseline_m - route_m) / baseline_m * 100.0)
}

/// The waves screen.
#[derive(Debug, Clone)]
pub struct WavesScreen {
    /// Newest first, as the store gives them.
    pub waves: Vec<WaveSummary>,
    pub selected: usize,
    /// The time ages and leases are measured against (set on every tick).
    pub now: DateTime<Utc>,
    /// A planned wave shown before it is created.
    pub preview: Option<Preview>,
    pub message: Option<(Tone, String)>,
    /// The "why?" being typed while cancelling a wave.
    pub prompt: Option<String>,
    /// The wave the open prompt cancels.
    cancelling: Option<WaveNumber>,
}

impl WavesScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { waves: Vec::new(), selected: 0, now, preview: None, message: None, prompt: None, cancelling: None }
    }

    /// The selected wave, if any.
    #[must_use]
    pub fn selected_wave(&self) -> Option<&WaveSummary> {
        self.waves.get(self.selected)
    }

    /// The wave the open "why?" prompt would cancel.
    #[must_use]
    pub fn cancelling(&self) -> Option<WaveNumber> {
        self.prompt.as_ref().and(self.cancelling)
    }

    /// Moves the selection to `number`; `false` if it is not listed.
    pub fn select_wave(&mut self, number: WaveNumber) -> bool {
        match self.waves.iter().position(|w| w.number == number) {
            Some(at) => {
                self.selected = at;
                true
            }
            None => false,
        }
    }

    /// Waves the app read; the selection stays on the same wave while it is listed.
    pub fn on_waves(&mut self, waves: Vec<WaveSummary>) {
        let kept = self.selected_wave().map(|w| w.number);
        self.waves = waves;
        if !kept.is_some_and(|number| self.select_wave(number)) {
            self.selected = self.selected.min(self.waves.len().saturating_sub(1));
        }
        if let Some(number) = self.cancelling()
            && !self.waves.iter().any(|w| w.number == number)
        {
            self.close_prompt();
            self.message = Some((Tone::Info, format!("{number} is no longer listed: nothing to cancel.")));
        }
    }

    /// A planned wave to show before it is created.
    pub fn on_preview(&mut self, preview: Preview) {
        self.close_prompt();
        self.message = None;
        self.preview = Some(preview);
    }

    /// Something went wrong running a command; the screen keeps what it had.
    pub fn on_error(&mut self, message: String) {
        self.message = Some((Tone::Error, message));
    }

    /// A command went through ("WAVE-000008 created").
    pub fn on_info(&mut self, message: String) {
        self.message = Some((Tone::Info, message));
    }

    /// A key typed into the open "why?" prompt; Enter with a reason confirms.
    pub fn prompt_key(&mut self, key: &KeyEvent) -> Option<WavesCommand> {
        let input = self.prompt.as_mut()?;
        match why::key(input, key) {
            WhyKey::Cancel => self.close_prompt(),
            WhyKey::Empty => self.message = Some((Tone::Info, why::SAY_WHY.into())),
            WhyKey::Done(why) => {
                let number = self.cancelling;
                self.close_prompt();
                self.message = None;
                return number.map(|n| WavesCommand::Cancel(n, why));
            }
            WhyKey::Edited => {}
        }
        None
    }

    /// Applies a bound action; returns store work for the app, if any.
    pub fn update(&mut self, action: Action) -> Option<WavesCommand> {
        if action == Action::Refresh {
            // The message stays: a reload does not answer it.
            return Some(WavesCommand::Reload);
        }
        self.message = None;
        if self.prompt.is_some() {
            // The app sends typing to `prompt_key`; here only Esc matters.
            if action == Action::ClearSearch {
                self.close_prompt();
            }
            return None;
        }
        if self.preview.is_some() {
            return self.update_preview(action);
        }
        let last = self.waves.len().saturating_sub(1);
        match action {
            Action::SelectNext => self.selected = (self.selected + 1).min(last),
            Action::SelectPrevious => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::SelectFirst => self.selected = 0,
            Action::SelectLast => self.selected = last,
            Action::NewWave => return Some(WavesCommand::Plan),
            Action::OpenWave => return self.check_selected(|w| Ok(WavesCommand::Open(w.number))),
            Action::ReleaseWave => {
                return self.check_selected(|w| match w.status {
                    WaveStatus::Planned => Ok(WavesCommand::Release(w.number)),
                    status => Err(format!("{} is {status}: only a planned wave can be released.", w.number)),
                });
            }
            Action::CancelWave => {
                let number = self.check_selected(|w| match w.status {
                    WaveStatus::Planned | WaveStatus::Released => Ok(w.number),
                    status => {
                        Err(format!("{} is {status}: only a planned or released wave can be cancelled.", w.number))
                    }
                });
                if number.is_some() {
                    self.cancelling = number;
                    self.prompt = Some(String::new());
                }
            }
            Action::TakeOverWave => {
                return self.check_selected(|w| match (w.status, &w.lease) {
                    (WaveStatus::Picking, Some(_)) => Ok(WavesCommand::TakeOver(w.number)),
                    (WaveStatus::Picking, None) => {
                        Err(format!("No station holds {}: there is nothing to take over.", w.number))
                    }
                    (status, _) => {
                        Err(format!("{} is {status}: only a wave being picked can be taken over.", w.number))
                    }
                });
            }
            _ => {}
        }
        None
    }

    /// Actions while a planned wave is previewed: create it, plan again, or discard it.
    fn update_preview(&mut self, action: Action) -> Option<WavesCommand> {
        match action {
            Action::OpenWave => {
                let preview = self.preview.take()?;
                if preview.plan.orders.is_empty() {
                    self.message = Some((Tone::Info, "The plan has no orders: there is no wave to create.".into()));
                    return None;
                }
                Some(WavesCommand::Create(preview.plan))
            }
            Action::ClearSearch => {
                self.preview = None;
                None
            }
            Action::NewWave => Some(WavesCommand::Plan),
            Action::ReleaseWave | Action::CancelWave | Action::TakeOverWave => {
                self.message = Some((Tone::Info, "Create the planned wave (Enter) or discard it (Esc) first.".into()));
                None
            }
            _ => None,
        }
    }

    /// Runs `check` on the selected wave; a refusal becomes the message.
    fn check_selected<T>(&mut self, check: impl FnOnce(&WaveSummary) -> Result<T, String>) -> Option<T> {
        let Some(wave) = self.selected_wave() else {
            self.message = Some((Tone::Info, "No wave selected.".into()));
            return None;
        };
        match check(wave) {
            Ok(done) => Some(done),
            Err(why) => {
                self.message = Some((Tone::Info, why));
                None
            }
        }
    }

    fn close_prompt(&mut self) {
        self.prompt = None;
        self.cancelling = None;
    }
}
