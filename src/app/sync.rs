//! The console's side of the background sync: the worker's handle, the
//! health the status bar shows (read on every tick and after each notice),
//! the sync screen's data, and a supervisor's retry, skip and pull.

use crossterm::event::KeyEvent;

use super::action::Action;
use super::{Active, App, store_message};
use crate::domain::Role;
use crate::domain::sync::{OutboxState, SyncHealth};
use crate::screens::sync::{SyncScreen, SyncScreenCommand};
use crate::sync::worker::{SyncCommand, SyncHandle, SyncNotice};
use crate::widgets::status_bar::SyncStatus;

/// How many failed, and how many pending, outbox rows the screen lists.
const OUTBOX_ROWS: usize = 200;

/// The sync as this console sees it.
#[derive(Debug, Default)]
pub(super) struct SyncLink {
    /// The worker running in this process, if any.
    handle: Option<SyncHandle>,
    /// The last health read; `None` when the store could not say.
    health: Option<SyncHealth>,
    /// The last error reading the health, logged once until it changes.
    error: Option<String>,
    /// Where F6 or Esc goes back to from the sync screen.
    back: Option<Active>,
}

impl App {
    /// The worker running in this console: pulls, pushes and packs reach it
    /// through `handle`; its notices arrive as `Event::Sync`.
    pub fn set_sync(&mut self, handle: SyncHandle) {
        self.sync.handle = Some(handle);
    }

    /// The sync screen's state (for tests).
    #[must_use]
    pub fn sync_screen(&self) -> &SyncScreen {
        &self.sync_screen
    }

    /// The sync health the status bar shows; `None` when the store could not say.
    #[must_use]
    pub fn sync_health(&self) -> Option<&SyncHealth> {
        self.sync.health.as_ref()
    }

    /// What the status bar is given.
    pub(super) fn sync_status(&self) -> SyncStatus<'_> {
        self.sync.health.as_ref().map_or(SyncStatus::Unknown, SyncStatus::Health)
    }

    /// Reads the health again (every tick and after a notice); returns
    /// whether it changed. A store error shows as `sync ?` and is logged
    /// once, never stopping the console.
    pub(super) fn refresh_sync_health(&mut self) -> bool {
        let health = match self.store.sync_health() {
            Ok(health) => {
                self.sync.error = None;
                Some(health)
            }
            Err(e) => {
                let error = e.to_string();
                if self.sync.error.as_ref() != Some(&error) {
                    tracing::warn!(error = %error, "reading the sync health failed");
                    self.sync.error = Some(error);
                }
                None
            }
        };
        if health == self.sync.health {
            return false;
        }
        if let Some(health) = &health
            && self.active == Active::Sync
        {
            self.sync_screen.on_health(health.clone());
        }
        self.sync.health = health;
        true
    }

    /// A pack was completed or a row retried: the worker looks at the outbox now.
    pub(super) fn sync_push_now(&self) {
        if let Some(handle) = &self.sync.handle
            && !handle.send(SyncCommand::PushNow)
        {
            tracing::warn!("the sync worker has stopped; the outbox waits for the next start");
        }
    }

    /// F6: opens the sync screen, or goes back to where it was opened from.
    pub(super) fn toggle_sync(&mut self) {
        if self.active == Active::Sync {
            self.leave_sync();
            return;
        }
        self.sync.back = Some(self.active);
        self.active = Active::Sync;
        self.sync_screen.reset();
        self.reload_sync();
    }

    fn leave_sync(&mut self) {
        match self.sync.back.take().unwrap_or(Active::Queue) {
            Active::Pick if self.pick.is_some() => {
                self.active = Active::Pick;
                self.reload_pick();
            }
            // A wave given up meanwhile (a lost lease) leaves the waves.
            Active::Waves | Active::Pick | Active::Sync => self.show_waves(),
            Active::Pack => self.show_pack(),
            Active::Returns => self.show_returns(),
            Active::Dashboard => {
                self.active = Active::Queue;
                self.toggle_dashboard();
            }
            Active::Stock => {
                self.active = Active::Stock;
                self.reload_stock();
            }
            Active::Queue => {
                self.active = Active::Queue;
                self.refresh_counts();
                let command = self.queue.reload_in_place();
                self.run_command(command);
            }
        }
    }

    /// F3 on the sync screen: the screen after the one it was opened from.
    pub(super) fn switch_from_sync(&mut self) {
        self.active = self.sync.back.take().unwrap_or(Active::Queue);
        self.dispatch(Action::SwitchScreen);
    }

    /// Reads the health and the shipments still to send for the screen
    /// (refund rows wait for the returns export, not for the sync).
    pub(super) fn reload_sync(&mut self) {
        self.refresh_sync_health();
        let rows = self.store.outbox_rows(&[OutboxState::Failed], OUTBOX_ROWS).and_then(|mut failed| {
            failed.extend(self.store.outbox_rows(&[OutboxState::Pending], OUTBOX_ROWS)?);
            failed.retain(|row| row.kind == "shipment");
            Ok(failed)
        });
        match (rows, self.sync.health.clone()) {
            (Ok(rows), Some(health)) => self.sync_screen.on_data(health, rows),
            (Err(e), _) => self.sync_screen.on_error(store_message(&e)),
            (Ok(_), None) => {
                let why = self.sync.error.clone().unwrap_or_default();
                self.sync_screen.on_error(format!("The sync's state cannot be read: {why}"));
            }
        }
    }

    pub(super) fn sync_action(&mut self, action: Action) {
        if let Some(command) = self.sync_screen.update(action) {
            self.run_sync_command(command);
        }
    }

    /// A key for the open "why?" prompt.
    pub(super) fn sync_prompt_key(&mut self, key: &KeyEvent) {
        if let Some(command) = self.sync_screen.prompt_key(key) {
            self.run_sync_command(command);
        }
    }

    fn run_sync_command(&mut self, command: SyncScreenCommand) {
        let supervisor = self.session.operator.as_ref().is_some_and(|o| o.role == Role::Supervisor);
        let actor = self.actor();
        let done = match command {
            SyncScreenCommand::Reload => {
                self.reload_sync();
                return;
            }
            // The prompt may outlive a sign-in: check the role again.
            SyncScreenCommand::Retry { .. } | SyncScreenCommand::Skip { .. } | SyncScreenCommand::PullNow
                if !supervisor =>
            {
                Err(format!("Only a {} can change the outbox or pull orders.", Role::Supervisor))
            }
            SyncScreenCommand::Retry { id, what } => match self.store.outbox_retry(&actor, id) {
                Ok(()) => {
                    self.sync_push_now();
                    Ok(format!("Outbox {id} ({what}) will be sent again now."))
                }
                Err(e) => Err(store_message(&e)),
            },
            SyncScreenCommand::Skip { id, what, why } => match self.store.outbox_skip(&actor, id, &why) {
                Ok(()) => Ok(format!("Skipped outbox {id} ({what}): {why}.")),
                Err(e) => Err(store_message(&e)),
            },
            SyncScreenCommand::PullNow => self.pull_now(),
        };
        self.reload_sync();
        match done {
            Ok(message) => self.sync_screen.on_info(message),
            Err(message) => {
                self.sync_screen.on_error(message);
                self.bell = true;
            }
        }
    }

    fn pull_now(&self) -> Result<String, String> {
        let elsewhere = self
            .sync
            .health
            .as_ref()
            .and_then(|h| h.worker.as_ref())
            .filter(|w| w.until > self.now && w.station != self.station)
            .map(|w| crate::domain::text::sanitize(&w.station).into_owned());
        match (&self.sync.handle, elsewhere) {
            (_, Some(station)) => Err(format!("{station} runs the sync: pull from there (or wait for its next pull).")),
            (Some(handle), None) if handle.send(SyncCommand::PullNow) => {
                Ok("Pulling orders from every channel now; new orders appear as they arrive.".into())
            }
            (Some(_), None) => Err("The sync has stopped at this station: restart packline to start it.".into()),
            (None, None) => Err("The sync does not run at this station: there is nothing to pull with.".into()),
        }
    }

    /// A notice from the worker: re-read what is on screen. New orders also
    /// refresh the queue, as another terminal's change does.
    pub(super) fn on_sync_notice(&mut self, notice: &SyncNotice) -> bool {
        match notice {
            SyncNotice::Stopped => {
                tracing::info!("the sync worker stopped");
                self.sync.handle = None;
            }
            SyncNotice::Failed { channel, message } => {
                tracing::debug!(%channel, %message, "sync failure noticed");
            }
            _ => {}
        }
        let changed = self.refresh_sync_health();
        if self.active == Active::Sync {
            self.reload_sync();
        }
        let imported = matches!(notice, SyncNotice::Pulled { summary, .. }
            if summary.inserted + summary.updated + summary.cancelled + summary.flagged > 0);
        if imported {
            self.refresh_counts();
            if self.active == Active::Queue && self.queue.results.is_none() {
                let command = self.queue.reload_in_place();
                self.run_command(command);
            }
        }
        changed || imported || self.active == Active::Sync
    }
}
