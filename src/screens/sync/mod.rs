//! The sync screen: each channel's last pull, orders imported and outbox
//! counts with its last error, and below them the outbox rows still to be
//! sent (failed first, then pending), which a supervisor sends again or skips.
//!
//! `update` turns actions into [`SyncScreenCommand`]s; the app runs them
//! (against the store, or as a command to the sync worker) and hands the
//! results back through the `on_*` methods. Rendering lives in `draw.rs`.

mod draw;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::app::action::Action;
use crate::domain::sync::{OutboxRow, OutboxState, SyncHealth};
use crate::domain::text::sanitize;
pub use crate::screens::order_queue::Tone;
use crate::screens::why::{self, WhyKey};

/// Rows PageDown and PageUp move the selection by.
const PAGE: usize = 10;

/// Work the screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncScreenCommand {
    /// Read the health and the outbox again and pass them to [`SyncScreen::on_data`].
    Reload,
    /// Send outbox row `id` again now; `what` names it in the message.
    Retry { id: i64, what: String },
    /// Skip outbox row `id`, with the supervisor's reason.
    Skip { id: i64, what: String, why: String },
    /// Ask the sync worker to pull every channel now.
    PullNow,
}

/// The sync screen.
#[derive(Debug, Clone)]
pub struct SyncScreen {
    /// Channels, totals and who runs the sync.
    pub health: SyncHealth,
    /// Failed rows first, then pending ones, each newest first.
    pub rows: Vec<OutboxRow>,
    pub selected: usize,
    /// The station this console runs at (to say "here").
    pub station: String,
    /// The time ages are measured against (set on every tick).
    pub now: DateTime<Utc>,
    pub message: Option<(Tone, String)>,
    /// The "why?" being typed while skipping a row.
    pub prompt: Option<String>,
    /// The row the open prompt skips, and how it is named.
    skipping: Option<(i64, String)>,
}

/// What an outbox row is about: its order (a refund: its RMA) from the
/// payload, else its idempotency key. Payloads are the sync's own JSON,
/// cleaned all the same.
#[must_use]
pub fn row_subject(row: &OutboxRow) -> String {
    let payload: Option<serde_json::Value> = serde_json::from_str(&row.payload).ok();
    let field = |name: &str| payload.as_ref().and_then(|p| p.get(name)).and_then(serde_json::Value::as_str);
    let subject = match row.kind.as_str() {
        "refund" => field("rma").or_else(|| field("order")),
        _ => field("order"),
    }
    .unwrap_or(&row.idempotency_key);
    sanitize(subject).into_owned()
}

/// How an outbox row is named to a supervisor: `ORD-004711 to shop`.
#[must_use]
pub fn describe_row(row: &OutboxRow) -> String {
    let subject = row_subject(row);
    if row.channel.is_empty() { subject } else { format!("{subject} to {}", sanitize(&row.channel)) }
}

impl SyncScreen {
    #[must_use]
    pub fn new(station: &str, now: DateTime<Utc>) -> Self {
        Self {
            health: SyncHealth::default(),
            rows: Vec::new(),
            selected: 0,
            station: station.to_owned(),
            now,
            message: None,
            prompt: None,
            skipping: None,
        }
    }

    /// The selected outbox row, if any.
    #[must_use]
    pub fn selected_row(&self) -> Option<&OutboxRow> {
        self.rows.get(self.selected)
    }

    /// The outbox row the open "why?" prompt would skip.
    #[must_use]
    pub fn skipping(&self) -> Option<i64> {
        self.prompt.as_ref().and(self.skipping.as_ref()).map(|(id, _)| *id)
    }

    /// What the app read: the health and the outbox rows. Failed rows come
    /// first; the selection stays on the same row while it is listed.
    pub fn on_data(&mut self, health: SyncHealth, mut rows: Vec<OutboxRow>) {
        let kept = self.selected_row().map(|r| r.id);
        rows.sort_by_key(|r| r.state != OutboxState::Failed);
        self.health = health;
        self.rows = rows;
        match kept.and_then(|id| self.rows.iter().position(|r| r.id == id)) {
            Some(at) => self.selected = at,
            None => self.selected = self.selected.min(self.rows.len().saturating_sub(1)),
        }
        if let Some(id) = self.skipping()
            && !self.rows.iter().any(|r| r.id == id)
        {
            self.close_prompt();
            self.message = Some((Tone::Info, format!("Outbox {id} is no longer waiting: nothing to skip.")));
        }
    }

    /// Newer health alone (read on every tick): channels and totals.
    pub fn on_health(&mut self, health: SyncHealth) {
        self.health = health;
    }

    /// Something went wrong; the screen keeps what it had.
    pub fn on_error(&mut self, message: String) {
        self.message = Some((Tone::Error, message));
    }

    /// Something went through ("Skipped outbox 12: ...").
    pub fn on_info(&mut self, message: String) {
        self.message = Some((Tone::Info, message));
    }

    /// Opened afresh: no prompt left over from an earlier visit (or operator).
    pub fn reset(&mut self) {
        self.close_prompt();
        self.message = None;
    }

    /// A key typed into the open "why?" prompt; Enter with a reason confirms.
    pub fn prompt_key(&mut self, key: &KeyEvent) -> Option<SyncScreenCommand> {
        let input = self.prompt.as_mut()?;
        match why::key(input, key) {
            WhyKey::Cancel => self.close_prompt(),
            WhyKey::Empty => self.message = Some((Tone::Info, why::SAY_WHY.into())),
            WhyKey::Done(why) => {
                let skipping = self.skipping.take();
                self.close_prompt();
                self.message = None;
                return skipping.map(|(id, what)| SyncScreenCommand::Skip { id, what, why });
            }
            WhyKey::Edited => {}
        }
        None
    }

    /// Applies a bound action; returns work for the app, if any.
    pub fn update(&mut self, action: Action) -> Option<SyncScreenCommand> {
        if action == Action::Refresh {
            // The message stays: a reload does not answer it.
            return Some(SyncScreenCommand::Reload);
        }
        self.message = None;
        if self.prompt.is_some() {
            // The app sends typing to `prompt_key`; here only Esc matters.
            if action == Action::ClearSearch {
                self.close_prompt();
            }
            return None;
        }
        if let Some(selected) = super::moved_selection(action, self.selected, self.rows.len(), PAGE) {
            self.selected = selected;
            return None;
        }
        match action {
            Action::PullNow => return Some(SyncScreenCommand::PullNow),
            Action::RetryOutbox => {
                return self.check_selected().map(|(id, what)| SyncScreenCommand::Retry { id, what });
            }
            Action::SkipOutbox => {
                if let Some(row) = self.check_selected() {
                    self.skipping = Some(row);
                    self.prompt = Some(String::new());
                }
            }
            _ => {}
        }
        None
    }

    /// The selected row's id and name, if it is failed or pending; a
    /// refusal becomes the message.
    fn check_selected(&mut self) -> Option<(i64, String)> {
        let Some(row) = self.selected_row() else {
            self.message = Some((Tone::Info, "No outbox row selected: nothing is waiting to be sent.".into()));
            return None;
        };
        match row.state {
            OutboxState::Failed | OutboxState::Pending => Some((row.id, describe_row(row))),
            state => {
                let message =
                    format!("Outbox {} is {state}: only a failed or pending row can be sent or skipped.", row.id);
                self.message = Some((Tone::Info, message));
                None
            }
        }
    }

    fn close_prompt(&mut self) {
        self.prompt = None;
        self.skipping = None;
    }
}
