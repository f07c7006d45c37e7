//! The supervisor's dashboard: the floor at a glance (open, late and due
//! orders, shipped today, throughput by hour, operators, waves on the
//! floor), the alerts that need someone, and the KPIs of today and of the
//! KPI window.
//!
//! The app reads a [`Dashboard`] and hands it over through
//! [`DashboardScreen::on_data`]; `update` turns actions into
//! [`DashboardCommand`]s: read it again, or jump to the screen that resolves
//! the selected alert. Rendering lives in `draw.rs` (the arrangement),
//! `draw_tiles.rs`, `draw_chart.rs` and `draw_tables.rs` (operators, waves,
//! alerts, KPIs); the figures' formats in `figures.rs`.

mod draw;
mod draw_chart;
mod draw_tables;
mod draw_tiles;
mod figures;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::app::action::Action;
use crate::domain::dashboard::{Alert, AlertTarget, Dashboard};
use crate::domain::text::sanitize;
pub use crate::screens::order_queue::Tone;

/// Alerts PageDown and PageUp move the selection by.
const PAGE: usize = 10;

/// Work the screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardCommand {
    /// Read the dashboard again and pass it to [`DashboardScreen::on_data`].
    Reload,
    /// Open the screen that resolves an alert, on its subject.
    Jump(AlertTarget),
}

/// The dashboard screen.
#[derive(Debug, Clone)]
pub struct DashboardScreen {
    /// The time countdowns and ages are measured against (set on every tick).
    pub now: DateTime<Utc>,
    /// The last dashboard read; `None` until the first one arrives.
    pub dashboard: Option<Dashboard>,
    /// The selected alert, as an index into the dashboard's alerts.
    pub selected: usize,
    pub message: Option<(Tone, String)>,
}

/// Where Enter on an alert goes, as the hint says it: `the order
/// ORD-000123`, `orders with SKU SKU-MUG-RED`, `the Short tab`, `the wave
/// WAVE-000007`, `the sync screen`.
#[must_use]
pub fn describe_target(target: &AlertTarget) -> String {
    match target {
        AlertTarget::Order(number) => format!("the order {number}"),
        AlertTarget::Sku(sku) => format!("orders with SKU {}", sanitize(sku)),
        AlertTarget::Status(status) => format!("the {} tab", status.label()),
        AlertTarget::Wave(number) => format!("the wave {number}"),
        AlertTarget::Sync => "the sync screen".to_owned(),
    }
}

/// The same alert in two reads: kind, target and message alike.
fn same_alert(a: &Alert, b: &Alert) -> bool {
    a.kind == b.kind && a.target == b.target && a.message == b.message
}

impl DashboardScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, dashboard: None, selected: 0, message: None }
    }

    /// The alerts listed (none before the first read).
    #[must_use]
    pub fn alerts(&self) -> &[Alert] {
        self.dashboard.as_ref().map_or(&[], |d| d.alerts.as_slice())
    }

    /// The selected alert, if any.
    #[must_use]
    pub fn selected_alert(&self) -> Option<&Alert> {
        self.alerts().get(self.selected)
    }

    /// A new read. The selection stays on the same alert while it is still
    /// listed, else on the same line (or the last one); the clock never
    /// runs behind the data.
    pub fn on_data(&mut self, dashboard: Dashboard) {
        // The same alert; else one of the same kind about the same thing (its
        // text may have moved on: "3 orders wait" becomes "4 orders wait").
        let kept = self.selected_alert().and_then(|old| {
            let alerts = &dashboard.alerts;
            alerts
                .iter()
                .position(|new| same_alert(new, old))
                .or_else(|| alerts.iter().position(|new| new.kind == old.kind && new.target == old.target))
        });
        self.selected = kept.unwrap_or_else(|| self.selected.min(dashboard.alerts.len().saturating_sub(1)));
        self.now = self.now.max(dashboard.now);
        self.dashboard = Some(dashboard);
    }

    /// Something went wrong; the screen keeps what it had (with nothing read
    /// yet, the error takes its place).
    pub fn on_error(&mut self, message: String) {
        self.message = Some((Tone::Error, message));
    }

    /// Something went through, or a word on what Enter could not do.
    pub fn on_info(&mut self, message: String) {
        self.message = Some((Tone::Info, message));
    }

    /// Opened afresh: no message left over, the worst alert selected.
    pub fn reset(&mut self) {
        self.message = None;
        self.selected = 0;
    }

    /// Applies a bound action; returns work for the app, if any.
    pub fn update(&mut self, action: Action) -> Option<DashboardCommand> {
        if action == Action::Refresh {
            // The message stays: a reload does not answer it.
            return Some(DashboardCommand::Reload);
        }
        self.message = None;
        if action == Action::OpenAlert {
            return self.open_alert();
        }
        if let Some(selected) = super::moved_selection(action, self.selected, self.alerts().len(), PAGE) {
            self.selected = selected;
        }
        None
    }

    /// The jump for the selected alert; without one, a word why not.
    fn open_alert(&mut self) -> Option<DashboardCommand> {
        if let Some(alert) = self.selected_alert() {
            return Some(DashboardCommand::Jump(alert.target.clone()));
        }
        let why = if self.dashboard.is_none() {
            "The dashboard is still being read: no alert to open yet."
        } else {
            "No alert to open: nothing needs a supervisor right now."
        };
        self.message = Some((Tone::Info, why.to_owned()));
        None
    }
}
