//! The app: owns the store connection and the screens, turns events into
//! actions, runs the screens' commands against the store (one operation each)
//! and hands the results back. Only this module talks to the store.

pub mod action;
mod dashboard;
mod draw;
pub mod event;
mod input;
pub mod keymap;
mod keys;
mod orders;
mod packing;
mod refusals;
mod returns;
mod run;
mod session;
mod stock;
mod sync;
mod waves;

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::layout::Rect;

use crate::scan::ParseOptions;
use crate::scan::wedge::{Wedge, WedgeConfig};
use crate::screens::order_queue::{self, QueueCommand, QueueScreen};
use crate::screens::pack::PackScreen;
use crate::screens::pick::PickScreen;
use crate::screens::returns::ReturnsScreen;
use crate::screens::scanner_test::ScannerTestScreen;
use crate::screens::sync::SyncScreen;
use crate::screens::waves::WavesScreen;
use crate::store::Store;
use action::Action;
use event::Event;
use keymap::{Keymap, Section};

pub use run::run;

/// The smallest terminal the pick screen works on (a picker's handheld).
const PICK_MIN: (u16, u16) = (40, 16);

/// How many events the detail pane lists.
const DETAIL_EVENTS: usize = 12;

/// The screen in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Active {
    Queue,
    Waves,
    /// Picking a wave (`App::pick` is set).
    Pick,
    /// The pack station.
    Pack,
    /// The returns bench.
    Returns,
    /// The sync screen (channels and the outbox), over the screen it was opened from.
    Sync,
    /// The supervisor's dashboard, over the screen it was opened from.
    Dashboard,
    /// Receiving, putaway, cycle counts and replenishment, over the screen it was opened from.
    Stock,
}

/// Why the app stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The operator quit.
    Quit,
    /// A signal asked us to leave.
    Signal(&'static str),
    /// The terminal went away.
    InputClosed(String),
}

/// The console's state.
pub struct App {
    store: Store,
    keymap: Keymap,
    station: String,
    store_label: String,
    session: session::Session,
    queue: QueueScreen,
    help_open: bool,
    now: DateTime<Utc>,
    data_version: i64,
    size: (u16, u16),
    exit: Option<Exit>,
    /// Tells scanner bursts from typing.
    wedge: Wedge,
    scan_options: ParseOptions,
    /// A terminal bell is owed (a scan was refused); the loop rings it.
    bell: bool,
    /// The scanner test screen, while it is open (it takes every input).
    scanner_test: Option<ScannerTestScreen>,
    /// The address form, while a supervisor corrects an address.
    address_form: Option<crate::screens::address_form::AddressForm>,
    /// Lines the help overlay is scrolled by.
    help_scroll: u16,
    /// Validation rules, for releasing held orders.
    rules: crate::planning::rules::RulesConfig,
    active: Active,
    waves: WavesScreen,
    /// The wave being picked at this station.
    pick: Option<PickScreen>,
    /// The warehouse layout, for routing.
    layout: crate::domain::Layout,
    wave_rules: crate::planning::batching::WaveRules,
    /// When this station last renewed its wave lease (or released expired ones).
    last_heartbeat: DateTime<Utc>,
    pack: PackScreen,
    /// Orders opened at this pack station lately, newest last (to name the
    /// order an item really belongs to).
    pack_recent: Vec<crate::domain::OrderNumber>,
    /// Packing: cartons, weighing, carrier rates, labels and the printer.
    shipping: packing::Shipping,
    returns: ReturnsScreen,
    /// Reasons, grade rules and refunds for the returns bench.
    returns_rules: crate::planning::returns::ReturnsConfig,
    /// Network print jobs that failed in the background.
    print_failures: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// The sync worker's handle and the health the status bar shows.
    sync: sync::SyncLink,
    sync_screen: SyncScreen,
    dashboard: crate::screens::dashboard::DashboardScreen,
    dash: dashboard::DashboardLink,
    stock: crate::screens::stock::StockScreen,
    stock_link: stock::StockLink,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("station", &self.station).field("store", &self.store_label).finish_non_exhaustive()
    }
}

impl App {
    /// Opens the console on `store` for a `width` x `height` terminal and reads the first page.
    pub fn new(store: Store, keymap: Keymap, station: &str, now: DateTime<Utc>, (width, height): (u16, u16)) -> Self {
        let store_label = store
            .path()
            .file_name()
            .map_or_else(|| store.path().display().to_string(), |n| n.to_string_lossy().into_owned());
        let data_version = store.data_version().unwrap_or(0);
        let defaults = crate::config::Config::from_texts(None, "(built-in defaults)")
            .map(|loaded| loaded.config)
            .expect("the bundled default config is valid");
        let mut app = Self {
            store,
            keymap,
            station: station.to_owned(),
            store_label,
            session: session::Session::new(true, now),
            queue: QueueScreen::new(now),
            help_open: false,
            now,
            data_version,
            size: (width, height),
            exit: None,
            wedge: Wedge::new(WedgeConfig::default()),
            scan_options: ParseOptions { gs_substitute: None, today: now.date_naive() },
            bell: false,
            scanner_test: None,
            help_scroll: 0,
            address_form: None,
            rules: defaults.rules.clone(),
            active: Active::Queue,
            waves: WavesScreen::new(now),
            pick: None,
            layout: crate::domain::Layout::demo(),
            wave_rules: defaults.waves.clone(),
            last_heartbeat: now,
            pack: PackScreen::new(now),
            pack_recent: Vec::new(),
            shipping: packing::Shipping::from_config(&defaults),
            print_failures: std::sync::Arc::default(),
            returns: ReturnsScreen::new(
                now,
                defaults.returns.reasons.clone(),
                defaults.returns.grades.iter().map(|g| (g.grade, g.disposition)).collect(),
            ),
            returns_rules: defaults.returns.clone(),
            sync: sync::SyncLink::default(),
            sync_screen: SyncScreen::new(station, now),
            dashboard: crate::screens::dashboard::DashboardScreen::new(now),
            dash: dashboard::DashboardLink::default(),
            stock: crate::screens::stock::StockScreen::new(
                now,
                defaults.receiving.reasons.clone(),
                defaults.counts.adjust_reasons.clone(),
            ),
            stock_link: stock::StockLink::default(),
        };
        app.refresh_sync_health();
        app.session.screen.operators_exist = app.store.totals().map_or(true, |t| t.operators > 0);
        app.queue.page_size = order_queue::table_rows(app.queue_area());
        app.refresh_counts();
        let command = app.queue.reload_from_start();
        app.run_command(command);
        app
    }

    /// The validation rules used when a held order is released.
    pub fn set_rules(&mut self, rules: crate::planning::rules::RulesConfig) {
        self.rules = rules;
    }

    /// The layout routes are planned on, and how waves are planned.
    pub fn set_planning(&mut self, layout: crate::domain::Layout, waves: crate::planning::batching::WaveRules) {
        self.layout = layout;
        self.wave_rules = waves;
    }

    /// The screen in front.
    #[must_use]
    pub fn active(&self) -> Active {
        self.active
    }

    /// The waves screen's state (for tests).
    #[must_use]
    pub fn waves(&self) -> &WavesScreen {
        &self.waves
    }

    /// The pick screen's state, while a wave is being picked here.
    #[must_use]
    pub fn pick(&self) -> Option<&PickScreen> {
        self.pick.as_ref()
    }

    /// Whether a bell is owed; clears it.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// Why the app wants to stop, once it does.
    #[must_use]
    pub fn exit(&self) -> Option<&Exit> {
        self.exit.as_ref()
    }

    /// The order queue's state (for tests and benchmarks).
    #[must_use]
    pub fn queue(&self) -> &QueueScreen {
        &self.queue
    }

    /// Reacts to one event; returns whether the screen needs redrawing.
    pub fn handle(&mut self, event: Event) -> bool {
        match event {
            Event::Input(TermEvent::Key(key), at) if key.kind != KeyEventKind::Release => {
                let outputs = self.wedge.push(key, at);
                let changed = !outputs.is_empty();
                self.take_input(outputs);
                changed
            }
            Event::Input(TermEvent::Resize(width, height), _) => {
                self.resize(width, height);
                true
            }
            Event::Input(..) => false,
            Event::Tick(now) => self.tick(now),
            Event::Sync(notice) => self.on_sync_notice(&notice),
            Event::InputClosed(reason) => {
                self.exit = Some(Exit::InputClosed(reason));
                false
            }
            Event::Shutdown(signal) => {
                self.exit = Some(Exit::Signal(signal));
                false
            }
        }
    }

    /// Applies an action as if its key had been pressed; actions a role may
    /// not take are refused with a message and a bell, and change nothing.
    pub fn dispatch(&mut self, action: Action) {
        if let Some(role) = action.required_role() {
            let allowed = self.session.operator.as_ref().is_some_and(|o| o.role == role);
            if !allowed {
                self.show_error(format!("Only a {role} can {}.", action.describe()));
                return;
            }
        }
        match action {
            Action::Quit => self.exit = Some(Exit::Quit),
            Action::SignOut => self.sign_out("signed out"),
            Action::ScannerTest => self.open_scanner_test(),
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::SyncScreen => self.toggle_sync(),
            Action::Dashboard => self.toggle_dashboard(),
            Action::StockScreen => self.toggle_stock(),
            Action::SwitchScreen => match self.active {
                Active::Queue => self.show_waves(),
                Active::Waves => self.active = Active::Pack,
                Active::Pack | Active::Returns => {
                    self.active = Active::Queue;
                    self.refresh_counts();
                    let command = self.queue.reload_in_place();
                    self.run_command(command);
                }
                Active::Pick => self.show_error("Leave the wave first (Esc); it stays yours meanwhile.".into()),
                Active::Sync => self.switch_from_sync(),
                Active::Dashboard => self.switch_from_dashboard(),
                Active::Stock => {
                    self.active = self.stock_link_back();
                    self.dispatch(Action::SwitchScreen);
                }
            },
            _ if self.active == Active::Waves => self.waves_action(action),
            Action::ReturnsScreen => self.show_returns(),
            _ if self.active == Active::Sync => self.sync_action(action),
            _ if self.active == Active::Dashboard => self.dashboard_action(action),
            _ if self.active == Active::Stock => {}
            _ if self.active == Active::Pack => self.pack_action(action),
            _ if self.active == Active::Returns => {}
            _ if self.active == Active::Pick => self.pick_action(action),
            Action::HoldOrder | Action::ReleaseOrder | Action::CancelOrder => self.queue.ask_why(action),
            Action::EditAddress => self.edit_address(),
            Action::AnnounceReturn => self.announce_return(),
            Action::RaisePriority => self.change_priority(-1),
            Action::LowerPriority => self.change_priority(1),
            Action::Refresh => {
                self.refresh_counts();
                self.forward(Action::Refresh);
            }
            other => self.forward(other),
        }
    }

    /// A refusal on the screen in front, with a bell.
    fn show_error(&mut self, message: String) {
        match self.active {
            Active::Queue => self.queue.on_error(message),
            Active::Waves => self.waves.on_error(message),
            Active::Pack => self.pack.on_error(message),
            Active::Returns => self.returns.on_error(message),
            Active::Sync => self.sync_screen.on_error(message),
            Active::Dashboard => self.dashboard.on_error(message),
            Active::Stock => self.stock.on_error(message),
            Active::Pick => match self.pick.as_mut() {
                Some(pick) => pick.on_error(message),
                None => self.waves.on_error(message),
            },
        }
        self.bell = true;
    }

    /// The keymap section of the screen in front.
    fn section(&self) -> Section {
        match self.active {
            Active::Queue => Section::OrderQueue,
            Active::Waves => Section::Waves,
            Active::Pick => Section::Pick,
            Active::Pack => Section::Pack,
            Active::Returns => Section::Returns,
            Active::Sync => Section::Sync,
            Active::Dashboard => Section::Dashboard,
            Active::Stock => Section::Stock,
        }
    }

    fn forward(&mut self, action: Action) {
        if let Some(command) = self.queue.update(action) {
            self.run_command(command);
        }
        self.load_wanted_detail();
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        if let Some(command) = self.queue.set_page_size(order_queue::table_rows(self.queue_area())) {
            self.run_command(command);
        }
    }

    /// Moves the clock; re-reads when another terminal changed the store.
    fn tick(&mut self, now: DateTime<Utc>) -> bool {
        let minute_changed = now.timestamp() / 60 != self.now.timestamp() / 60;
        self.now = now;
        self.queue.now = now;
        self.waves.now = now;
        self.pack.now = now;
        self.returns.now = now;
        self.sync_screen.now = now;
        self.dashboard.now = now;
        self.stock.now = now;
        if let Some(pick) = self.pick.as_mut() {
            pick.now = now;
        }
        if self.check_idle() {
            return true;
        }
        let sync_changed = self.refresh_sync_health();
        let version = match self.store.data_version() {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "reading data_version failed");
                return minute_changed || sync_changed;
            }
        };
        self.heartbeat();
        let printing_failed = self.print_failures();
        if version == self.data_version {
            // Cut-offs pass and hours turn: the dashboard's figures move with the clock.
            if minute_changed && self.active == Active::Dashboard {
                self.reload_dashboard();
            }
            return minute_changed || printing_failed || sync_changed;
        }
        self.data_version = version;
        match self.active {
            Active::Waves => self.reload_waves(),
            Active::Pick => self.reload_pick(),
            Active::Pack => self.reload_pack(),
            Active::Sync => self.reload_sync(),
            Active::Dashboard => self.reload_dashboard(),
            Active::Stock => self.reload_stock(),
            Active::Returns | Active::Queue => {}
        }
        self.refresh_counts();
        if self.queue.results.is_none() {
            let command = self.queue.reload_in_place();
            self.run_command(command);
        }
        self.queue.detail = None;
        self.load_wanted_detail();
        true
    }

    fn refresh_counts(&mut self) {
        match self.store.status_counts().and_then(|counts| Ok((counts, self.store.hold_counts()?))) {
            Ok((counts, holds)) => {
                self.queue.on_counts(counts);
                self.queue.hold_counts = holds;
            }
            Err(e) => self.queue.on_error(store_message(&e)),
        }
    }

    /// Runs a screen command (and any follow-up it asks for) against the store.
    fn run_command(&mut self, command: QueueCommand) {
        let mut next = Some(command);
        // A follow-up is at most "start over", so two rounds always suffice.
        for _ in 0..2 {
            let Some(command) = next.take() else { break };
            next = match command {
                QueueCommand::LoadPage(query) => match self.store.queue_page(&query) {
                    Ok(rows) => self.queue.on_page(rows),
                    Err(e) => {
                        self.queue.on_error(store_message(&e));
                        None
                    }
                },
                QueueCommand::Search(query) => {
                    let shown = match &query {
                        crate::domain::queue::SearchQuery::Number(n) => n.to_string(),
                        crate::domain::queue::SearchQuery::Text(t) => t.clone(),
                    };
                    match self.store.search_orders(&query, order_queue::SEARCH_LIMIT) {
                        Ok(rows) => self.queue.on_search(shown, rows),
                        Err(e) => self.queue.on_error(store_message(&e)),
                    }
                    None
                }
            };
        }
    }

    fn load_wanted_detail(&mut self) {
        if let Some(number) = self.queue.wanted_detail() {
            match self.store.order_detail(number, DETAIL_EVENTS) {
                Ok(detail) => self.queue.on_detail(detail),
                Err(e) => self.queue.on_error(store_message(&e)),
            }
        }
    }

    /// The part of the terminal the active screen gets.
    fn queue_area(&self) -> Rect {
        let (width, height) = self.size;
        Rect::new(0, 0, width, height.saturating_sub(2))
    }
}

/// A store error as the operator reads it, also logged in full.
fn store_message(e: &crate::store::StoreError) -> String {
    tracing::error!(error = %e, "store operation failed");
    format!("{e}")
}
