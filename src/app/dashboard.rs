//! The console's side of the supervisor's dashboard (F7): reads the facts
//! from the store's counters when the screen opens and whenever the store
//! changed (`PRAGMA data_version`, on the tick), builds the dashboard, and
//! turns an alert's Enter into the screen that resolves it.

use chrono::NaiveTime;

use super::action::Action;
use super::{Active, App, store_message};
use crate::domain::dashboard::AlertTarget;
use crate::domain::queue::{QueueFilter, SearchQuery};
use crate::planning::dashboard::DashboardConfig;
use crate::planning::inventory::InventoryConfig;
use crate::screens::dashboard::DashboardCommand;
use crate::screens::order_queue::QueueCommand;
use crate::store::DashboardCache;

/// What the dashboard needs besides the store.
#[derive(Debug)]
pub(super) struct DashboardLink {
    cache: DashboardCache,
    config: DashboardConfig,
    inventory: InventoryConfig,
    /// `[waves] cutoff`: carriers without their own cut-off use it.
    default_cutoff: NaiveTime,
    /// Where F7 or Esc goes back to.
    back: Option<Active>,
}

impl Default for DashboardLink {
    fn default() -> Self {
        Self {
            cache: DashboardCache::default(),
            config: DashboardConfig::default(),
            inventory: InventoryConfig::default(),
            default_cutoff: NaiveTime::from_hms_opt(14, 0, 0).unwrap_or(NaiveTime::MIN),
            back: None,
        }
    }
}

impl App {
    /// The dashboard's settings (`[dashboard]`, `[inventory]`, `[waves] cutoff`).
    pub fn set_dashboard(&mut self, config: DashboardConfig, inventory: InventoryConfig, default_cutoff: NaiveTime) {
        self.dash.config = config;
        self.dash.inventory = inventory;
        self.dash.default_cutoff = default_cutoff;
    }

    /// The dashboard screen's state (for tests).
    #[must_use]
    pub fn dashboard(&self) -> &crate::screens::dashboard::DashboardScreen {
        &self.dashboard
    }

    /// F7: opens the dashboard, or goes back to where it was opened from.
    pub(super) fn toggle_dashboard(&mut self) {
        if self.active == Active::Dashboard {
            let back = self.dash.back.take().unwrap_or(Active::Queue);
            self.go_back_to(back);
            return;
        }
        if self.active == Active::Pick {
            self.show_error("Leave the wave first (Esc); it stays yours meanwhile.".into());
            return;
        }
        self.dash.back = Some(self.active);
        self.active = Active::Dashboard;
        self.dashboard.reset();
        self.dash.cache.expire();
        self.reload_dashboard();
    }

    /// Reads the facts (cheap: counters) and builds the dashboard.
    pub(super) fn reload_dashboard(&mut self) {
        let request = self.dash.config.request(self.now, self.dash.default_cutoff, &self.dash.inventory);
        match self.store.dashboard_facts(&mut self.dash.cache, &request) {
            Ok(facts) => {
                let built = crate::planning::dashboard::build(&facts, &self.dash.inventory, &self.dash.config);
                self.dashboard.on_data(built);
            }
            Err(e) => self.dashboard.on_error(store_message(&e)),
        }
    }

    pub(super) fn dashboard_action(&mut self, action: Action) {
        match self.dashboard.update(action) {
            Some(DashboardCommand::Reload) => {
                self.dash.cache.expire();
                self.reload_dashboard();
            }
            Some(DashboardCommand::Jump(target)) => self.jump(target),
            None => {}
        }
    }

    /// An order scanned on the dashboard: the order in the queue.
    pub(super) fn dashboard_action_jump_order(&mut self, number: crate::domain::OrderNumber) {
        self.jump(AlertTarget::Order(number));
    }

    /// An alert's Enter: the screen where it is resolved.
    fn jump(&mut self, target: AlertTarget) {
        self.dash.back = None;
        match target {
            AlertTarget::Order(number) => {
                self.show_queue_on(QueueFilter::Open);
                self.run_command(QueueCommand::Search(SearchQuery::Number(number)));
                if self.queue.selected_row().is_some() {
                    self.queue.detail_open = true;
                    self.load_wanted_detail();
                }
            }
            AlertTarget::Sku(code) => {
                self.show_queue_on(QueueFilter::Open);
                self.run_command(QueueCommand::Search(SearchQuery::Text(code)));
            }
            AlertTarget::Status(status) => self.show_queue_on(QueueFilter::Status(status)),
            AlertTarget::Wave(wave) => {
                self.show_waves();
                if !self.waves.select_wave(wave) {
                    self.waves.on_error(format!("{wave} is no longer on the floor."));
                }
            }
            AlertTarget::Sync => {
                self.active = Active::Queue;
                self.toggle_sync();
            }
        }
    }

    /// The order queue on one tab, from its first page, search and detail closed.
    fn show_queue_on(&mut self, filter: QueueFilter) {
        self.active = Active::Queue;
        self.queue.results = None;
        self.queue.search_input = None;
        self.queue.detail_open = false;
        self.queue.filter = filter;
        self.refresh_counts();
        let command = self.queue.reload_from_start();
        self.run_command(command);
    }

    /// Back to a screen the dashboard was opened from.
    pub(super) fn go_back_to(&mut self, back: Active) {
        match back {
            Active::Waves | Active::Pick | Active::Dashboard => self.show_waves(),
            Active::Stock => {
                self.active = Active::Stock;
                self.reload_stock();
            }
            Active::Pack => self.show_pack(),
            Active::Returns => self.show_returns(),
            Active::Sync => {
                self.active = Active::Queue;
                self.toggle_sync();
            }
            Active::Queue => self.show_queue_on(self.queue.filter),
        }
    }

    /// F3 on the dashboard: the screen after the one it was opened from.
    pub(super) fn switch_from_dashboard(&mut self) {
        self.active = self.dash.back.take().unwrap_or(Active::Queue);
        if self.active == Active::Sync {
            self.active = Active::Queue;
        }
        self.dispatch(Action::SwitchScreen);
    }
}
