//! The order queue: status tabs with counts, a keyset-paged table of orders,
//! search, and a detail pane. The state never holds more than a page of
//! orders (or one search's results), however large the store.
//!
//! `update` turns actions and typed keys into [`QueueCommand`]s; the app runs
//! them against the store and hands the results back through the `on_*`
//! methods. Rendering lives in `draw.rs`.

mod draw;

pub use draw::table_rows;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::action::Action;
use crate::domain::queue::{
    OrderDetail, PageFrom, QueueFilter, QueueQuery, QueueRow, QueueSort, SearchQuery, StatusCounts,
};
use crate::domain::{HoldReason, OrderNumber, OrderStatus};

/// At most this many search results are listed.
pub const SEARCH_LIMIT: usize = 200;

/// Store work the screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueCommand {
    /// Read a page of the queue and pass it to [`QueueScreen::on_page`].
    LoadPage(QueueQuery),
    /// Run a search and pass the rows to [`QueueScreen::on_search`].
    Search(SearchQuery),
}

/// Where the selection goes when the requested page arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Land {
    First,
    Last,
    /// Keep this row index (clamped to the page).
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    land: Land,
    /// Position of the new page's first row in the whole list, if known.
    offset: Option<u64>,
    from: PageFrom,
}

/// The page of the queue on screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<QueueRow>,
    pub selected: usize,
    /// Position of `rows[0]` in the whole filtered list.
    pub offset: u64,
}

/// A search and its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub query: String,
    pub rows: Vec<QueueRow>,
    pub selected: usize,
}

/// A question on the message line: why a supervisor holds, releases or cancels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub action: Action,
    pub number: OrderNumber,
    pub input: String,
}

/// How a message line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

impl Tone {
    /// A screen's message line in this tone.
    #[must_use]
    pub fn line(self, message: &str) -> ratatui::text::Line<'static> {
        let style = match self {
            Self::Info => crate::widgets::theme::INFO,
            Self::Error => crate::widgets::theme::ERROR,
        };
        ratatui::text::Line::styled(format!(" {message}"), style)
    }
}

/// The order queue screen.
#[derive(Debug, Clone)]
pub struct QueueScreen {
    pub filter: QueueFilter,
    pub sort: QueueSort,
    pub counts: StatusCounts,
    /// Held orders per active hold reason.
    pub hold_counts: BTreeMap<HoldReason, u64>,
    pub page: Page,
    /// Rows the table shows at once; set from the terminal size.
    pub page_size: usize,
    /// The text being typed into the search box, while it is open.
    pub search_input: Option<String>,
    pub results: Option<Results>,
    pub detail_open: bool,
    pub detail: Option<OrderDetail>,
    pub message: Option<(Tone, String)>,
    /// A "why?" being typed for an order action.
    pub prompt: Option<Prompt>,
    /// The time countdowns are measured from (set on every tick).
    pub now: DateTime<Utc>,
    pending: Option<Pending>,
}

impl QueueScreen {
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            filter: QueueFilter::Open,
            sort: QueueSort::ShipBy,
            counts: StatusCounts::default(),
            hold_counts: BTreeMap::new(),
            page: Page::default(),
            page_size: 20,
            search_input: None,
            results: None,
            detail_open: false,
            detail: None,
            message: None,
            prompt: None,
            now,
            pending: None,
        }
    }

    /// Orders in the current tab (or the Held tab's view of one reason).
    #[must_use]
    pub fn total(&self) -> u64 {
        match self.filter {
            QueueFilter::HeldFor(reason) => self.hold_counts.get(&reason).copied().unwrap_or(0),
            filter => self.counts.get(filter),
        }
    }

    /// The rows on screen: search results if a search is shown, else the page.
    #[must_use]
    pub fn visible_rows(&self) -> &[QueueRow] {
        self.results.as_ref().map_or(&self.page.rows, |r| &r.rows)
    }

    /// The selected order, if any.
    #[must_use]
    pub fn selected_row(&self) -> Option<&QueueRow> {
        match &self.results {
            Some(r) => r.rows.get(r.selected),
            None => self.page.rows.get(self.page.selected),
        }
    }

    /// The order whose detail should be loaded: the detail pane is open and
    /// shows another order (or none).
    #[must_use]
    pub fn wanted_detail(&self) -> Option<OrderNumber> {
        let selected = self.selected_row()?;
        let shown = self.detail.as_ref().map(|d| d.row.id);
        (self.detail_open && shown != Some(selected.id)).then(|| selected.number())
    }

    /// The first page of the current tab.
    pub fn reload_from_start(&mut self) -> QueueCommand {
        self.request(PageFrom::Start, Land::First, Some(0))
    }

    /// Re-reads the page on screen in place (after another terminal's change,
    /// or a resize), keeping the selection where it was.
    pub fn reload_in_place(&mut self) -> QueueCommand {
        let land = Land::Index(self.page.selected);
        match self.page.rows.first() {
            Some(first) => self.request(PageFrom::AtOrAfter(first.key()), land, Some(self.page.offset)),
            None => self.request(PageFrom::Start, land, Some(0)),
        }
    }

    fn request(&mut self, from: PageFrom, land: Land, offset: Option<u64>) -> QueueCommand {
        self.pending = Some(Pending { land, offset, from });
        QueueCommand::LoadPage(QueueQuery { filter: self.filter, sort: self.sort, from, limit: self.page_size.max(1) })
    }

    /// A page the app read for the last [`QueueCommand::LoadPage`]. Returns
    /// a follow-up when the rows it was anchored on have gone.
    pub fn on_page(&mut self, rows: Vec<QueueRow>) -> Option<QueueCommand> {
        let pending = self.pending.take().unwrap_or(Pending { land: Land::First, offset: None, from: PageFrom::Start });
        if rows.is_empty() && pending.from != PageFrom::Start && self.total() > 0 {
            // Other terminals moved the orders we were looking at: start over.
            return Some(self.reload_from_start());
        }
        let total = self.total();
        let len = rows.len() as u64;
        let offset = match pending.from {
            PageFrom::Start => 0,
            PageFrom::End => total.saturating_sub(len),
            // A short page going backwards means we reached the top.
            PageFrom::Before(_) if rows.len() < self.page_size => 0,
            _ => pending.offset.unwrap_or(self.page.offset),
        };
        self.page.offset = offset.min(total.saturating_sub(len));
        let last = rows.len().saturating_sub(1);
        self.page.selected = match pending.land {
            Land::First => 0,
            Land::Last => last,
            Land::Index(i) => i.min(last),
        };
        self.page.rows = rows;
        None
    }

    /// New counts per status (after any change).
    pub fn on_counts(&mut self, counts: StatusCounts) {
        self.counts = counts;
    }

    /// Results of the last [`QueueCommand::Search`].
    pub fn on_search(&mut self, query: String, rows: Vec<QueueRow>) {
        self.message = match rows.len() {
            0 => Some((Tone::Info, format!("No order matches \"{query}\". Esc goes back to the queue."))),
            SEARCH_LIMIT => {
                Some((Tone::Info, format!("Showing the first {SEARCH_LIMIT} matches; type more to narrow it.")))
            }
            _ => None,
        };
        self.results = Some(Results { query, rows, selected: 0 });
    }

    /// The detail the app read for [`QueueScreen::wanted_detail`].
    pub fn on_detail(&mut self, detail: Option<OrderDetail>) {
        self.detail = detail;
    }

    /// Something went wrong running a command; the screen keeps what it had.
    pub fn on_error(&mut self, message: String) {
        self.pending = None;
        self.message = Some((Tone::Error, message));
    }

    /// The table got room for `rows` rows; re-reads the page if that changed.
    pub fn set_page_size(&mut self, rows: usize) -> Option<QueueCommand> {
        let rows = rows.max(1);
        if rows == self.page_size {
            return None;
        }
        self.page_size = rows;
        Some(self.reload_in_place())
    }

    /// Asks why `action` should happen to the selected order.
    pub fn ask_why(&mut self, action: Action) {
        if let Some(row) = self.selected_row() {
            self.prompt = Some(Prompt { action, number: row.number(), input: String::new() });
            self.message = None;
        }
    }

    /// A key typed into the open prompt; returns the confirmed prompt on Enter.
    pub fn prompt_key(&mut self, key: &KeyEvent) -> Option<Prompt> {
        let prompt = self.prompt.as_mut()?;
        match key.code {
            KeyCode::Esc => self.prompt = None,
            KeyCode::Enter if prompt.input.trim().is_empty() => {
                self.message = Some((Tone::Info, "Say why: it goes into the audit trail.".into()));
            }
            KeyCode::Enter => return self.prompt.take(),
            KeyCode::Backspace => {
                prompt.input.pop();
            }
            KeyCode::Char(c)
                if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && prompt.input.chars().count() < 120
                    && !c.is_control() =>
            {
                prompt.input.push(c);
            }
            _ => {}
        }
        None
    }

    /// True while the search box has the keyboard.
    #[must_use]
    pub fn is_typing(&self) -> bool {
        self.search_input.is_some()
    }

    /// A key typed into the open search box.
    pub fn type_key(&mut self, key: &KeyEvent) -> Option<QueueCommand> {
        let input = self.search_input.as_mut()?;
        match key.code {
            KeyCode::Esc => self.search_input = None,
            KeyCode::Enter => {
                let typed = std::mem::take(input);
                self.search_input = None;
                let Some(query) = SearchQuery::parse(&typed) else {
                    self.message =
                        Some((Tone::Info, "Type an order number, a customer name or a SKU to search.".into()));
                    return None;
                };
                self.detail = None;
                self.message = None;
                return Some(QueueCommand::Search(query));
            }
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Char(c)
                if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && input.chars().count() < 64
                    && !c.is_control() =>
            {
                input.push(c);
            }
            _ => {}
        }
        None
    }

    /// Applies a bound action; returns store work for the app, if any.
    pub fn update(&mut self, action: Action) -> Option<QueueCommand> {
        if !matches!(action, Action::Refresh) {
            self.message = None;
        }
        if self.results.is_some() {
            return self.update_results(action);
        }
        let rows = self.page.rows.len();
        let selected = self.page.selected;
        let total = self.total();
        let more_below = self.page.offset + (rows as u64) < total;
        match action {
            Action::SelectNext if selected + 1 < rows => self.page.selected += 1,
            Action::SelectNext if more_below && rows > 1 => {
                let from = PageFrom::AtOrAfter(self.page.rows[1].key());
                return Some(self.request(from, Land::Last, Some(self.page.offset + 1)));
            }
            Action::SelectPrevious if selected > 0 => self.page.selected -= 1,
            Action::SelectPrevious if self.page.offset > 0 => {
                let from = PageFrom::Before(self.page.rows[rows - 1].key());
                return Some(self.request(from, Land::First, Some(self.page.offset - 1)));
            }
            Action::PageDown if more_below => {
                let from = PageFrom::After(self.page.rows[rows - 1].key());
                return Some(self.request(from, Land::Index(selected), Some(self.page.offset + rows as u64)));
            }
            Action::PageDown => self.page.selected = rows.saturating_sub(1),
            Action::PageUp if self.page.offset > 0 => {
                let from = PageFrom::Before(self.page.rows[0].key());
                let offset = self.page.offset.saturating_sub(self.page_size as u64);
                return Some(self.request(from, Land::Index(selected), Some(offset)));
            }
            Action::PageUp => self.page.selected = 0,
            Action::SelectFirst => return Some(self.reload_from_start()),
            Action::SelectLast => return Some(self.request(PageFrom::End, Land::Last, None)),
            Action::NextHoldReason if self.filter.tab() == QueueFilter::Status(OrderStatus::Held) => {
                let reasons = HoldReason::ALL;
                self.filter = match self.filter {
                    QueueFilter::HeldFor(reason) => match reasons.iter().position(|r| *r == reason) {
                        Some(i) if i + 1 < reasons.len() => QueueFilter::HeldFor(reasons[i + 1]),
                        _ => QueueFilter::Status(OrderStatus::Held),
                    },
                    _ => QueueFilter::HeldFor(reasons[0]),
                };
                self.detail = None;
                return Some(self.reload_from_start());
            }
            Action::NextHoldReason => {
                self.message = Some((Tone::Info, "Hold reasons filter the Held tab: Tab to it first.".into()));
            }
            Action::NextFilter | Action::PreviousFilter => {
                let tabs = QueueFilter::tabs();
                let at = tabs.iter().position(|t| *t == self.filter.tab()).unwrap_or(0);
                let step = if action == Action::NextFilter { 1 } else { tabs.len() - 1 };
                self.filter = tabs[(at + step) % tabs.len()];
                self.detail = None;
                return Some(self.reload_from_start());
            }
            Action::ToggleSort => {
                self.sort = match self.sort {
                    QueueSort::ShipBy => QueueSort::Priority,
                    QueueSort::Priority => QueueSort::ShipBy,
                };
                return Some(self.reload_from_start());
            }
            Action::StartSearch => self.search_input = Some(String::new()),
            Action::ClearSearch => self.detail_open = false,
            Action::ToggleDetail => self.toggle_detail(),
            Action::Refresh => return Some(self.reload_in_place()),
            _ => {}
        }
        None
    }

    fn update_results(&mut self, action: Action) -> Option<QueueCommand> {
        let page = self.page_size.max(1);
        let results = self.results.as_mut()?;
        let last = results.rows.len().saturating_sub(1);
        match action {
            Action::SelectNext => results.selected = (results.selected + 1).min(last),
            Action::SelectPrevious => results.selected = results.selected.saturating_sub(1),
            Action::PageDown => results.selected = (results.selected + page).min(last),
            Action::PageUp => results.selected = results.selected.saturating_sub(page),
            Action::SelectFirst => results.selected = 0,
            Action::SelectLast => results.selected = last,
            Action::StartSearch => self.search_input = Some(results.query.clone()),
            Action::ToggleDetail => self.toggle_detail(),
            Action::ClearSearch if self.detail_open => self.detail_open = false,
            Action::ClearSearch => {
                self.results = None;
                self.detail = None;
            }
            Action::Refresh => {
                let query = SearchQuery::parse(&results.query)?;
                return Some(QueueCommand::Search(query));
            }
            // Tabs and sorting apply to the queue: leave the search first.
            Action::NextFilter | Action::PreviousFilter | Action::ToggleSort => {
                self.results = None;
                self.detail = None;
                return self.update(action);
            }
            _ => {}
        }
        None
    }

    fn toggle_detail(&mut self) {
        self.detail_open = !self.detail_open && self.selected_row().is_some();
    }
}
