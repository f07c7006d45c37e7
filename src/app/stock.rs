//! The console's side of the stock screen (F8): receiving deliveries,
//! putaway, cycle counts and (for supervisors) the replenishment list. Scans
//! are resolved against the catalogue here; the screen's commands run as one
//! store operation each; lists are re-read when another terminal changes the
//! store.

use super::{Active, App, store_message};
use crate::domain::inbound::CountOutcome;
use crate::domain::{BinCode, Layout, Role};
use crate::planning::counts::CountSchedule;
use crate::planning::inventory::InventoryConfig;
use crate::scan::Scan;
use crate::screens::order_queue::Tone;
use crate::screens::stock::{StockCommand, StockInput, Tab};

/// What the stock screen needs besides the store.
#[derive(Debug)]
pub(super) struct StockLink {
    schedule: CountSchedule,
    inventory: InventoryConfig,
    abc_window_days: u32,
    /// Where F8 or Esc on an idle tab goes back to.
    back: Option<Active>,
    /// The day this terminal last made the scheduled counts.
    scheduled_on: Option<chrono::NaiveDate>,
}

impl Default for StockLink {
    fn default() -> Self {
        Self {
            schedule: CountSchedule::default(),
            inventory: InventoryConfig::default(),
            abc_window_days: 90,
            back: None,
            scheduled_on: None,
        }
    }
}

impl App {
    /// Where F3 on the stock screen continues from.
    pub(super) fn stock_link_back(&mut self) -> Active {
        match self.stock_link.back.take() {
            Some(Active::Sync | Active::Dashboard | Active::Stock) | None => Active::Queue,
            Some(other) => other,
        }
    }

    /// The stock screen's settings (`[receiving]`, `[counts]`, `[inventory]`, `[abc] window_days`).
    pub fn set_stock(
        &mut self,
        receiving: &crate::planning::counts::ReceivingConfig,
        schedule: CountSchedule,
        inventory: InventoryConfig,
        abc_window_days: u32,
    ) {
        self.stock = crate::screens::stock::StockScreen::new(
            self.now,
            receiving.reasons.clone(),
            schedule.adjust_reasons.clone(),
        );
        self.stock_link = StockLink { schedule, inventory, abc_window_days, back: None, scheduled_on: None };
    }

    /// The stock screen's state (for tests).
    #[must_use]
    pub fn stock(&self) -> &crate::screens::stock::StockScreen {
        &self.stock
    }

    fn is_supervisor(&self) -> bool {
        self.session.operator.as_ref().is_some_and(|o| o.role == Role::Supervisor)
    }

    /// F8: opens the stock screen on its current tab, or goes back.
    pub(super) fn toggle_stock(&mut self) {
        if self.active == Active::Stock {
            let back = self.stock_link.back.take().unwrap_or(Active::Queue);
            self.go_back_to(back);
            return;
        }
        if self.active == Active::Pick {
            self.show_error("Leave the wave first (Esc); it stays yours meanwhile.".into());
            return;
        }
        self.stock_link.back = Some(self.active);
        self.active = Active::Stock;
        self.stock.supervisor = self.is_supervisor();
        if self.stock.tab == Tab::Replenishment && !self.stock.supervisor {
            self.stock.tab = Tab::Receiving;
        }
        self.reload_stock();
    }

    /// Re-reads what the current tab shows (and the open delivery).
    pub(super) fn reload_stock(&mut self) {
        self.run_stock(StockCommand::Reload(self.stock.tab));
        if let Some(id) = self.stock.receipt.as_ref().map(|r| r.id) {
            self.run_stock(StockCommand::OpenReceipt(id));
        }
    }

    pub(super) fn stock_key(&mut self, key: &crossterm::event::KeyEvent) {
        if key.code == crossterm::event::KeyCode::Esc && self.stock_idle() {
            self.toggle_stock();
            return;
        }
        if let Some(command) = self.stock.on_key(key) {
            self.run_stock(command);
        }
        self.ring_on_stock_error();
    }

    /// Nothing is open on the tab: Esc leaves the screen.
    fn stock_idle(&self) -> bool {
        let s = &self.stock;
        s.alert.is_none()
            && s.receipt.is_none()
            && s.sheet.is_none()
            && s.other_bin.is_none()
            && s.pending_qty.is_none()
            && s.step == crate::screens::stock::ReceivingStep::Scan
    }

    /// A scan on the stock screen, resolved against the catalogue.
    pub(super) fn stock_scan(&mut self, scan: Scan) {
        let input = match scan {
            Scan::Gtin(gtin) => self.stock_item(gtin.as_str(), None, None, None),
            Scan::Sku(code) => self.stock_item(&code, None, None, None),
            Scan::Gs1(elements) => {
                let value = |ai: &str| elements.iter().find(|e| e.ai == ai).map(|e| e.value.clone());
                if let Some(sscc) = value("00") {
                    StockInput::Sscc(sscc)
                } else if let Some(gtin) = value("01").or_else(|| value("02")) {
                    let expires = elements.iter().find(|e| e.ai == "17").and_then(|e| e.date);
                    let count = value("37").or_else(|| value("30")).and_then(|n| n.parse().ok());
                    self.stock_item(&gtin, value("10"), expires, count)
                } else {
                    return self
                        .stock_refused("That GS1 code carries no GTIN or SSCC: scan the item's own barcode.".into());
                }
            }
            Scan::Sscc(code) => StockInput::Sscc(code),
            Scan::Bin(bin) => StockInput::Bin(bin),
            Scan::Quantity(n) => StockInput::Quantity(n),
            Scan::Command(word) => StockInput::Command(word),
            other => return self.stock_refused(format!("A {} scan does nothing on the stock screen.", other.kind())),
        };
        if let Some(command) = self.stock.on_scan(input) {
            self.run_stock(command);
        }
        self.ring_on_stock_error();
    }

    fn stock_item(
        &mut self,
        code: &str,
        lot: Option<String>,
        expires_on: Option<chrono::NaiveDate>,
        count: Option<u32>,
    ) -> StockInput {
        let sku = match self.store.sku_for_code(code) {
            Ok(sku) => sku,
            Err(e) => {
                self.stock.on_error(store_message(&e));
                None
            }
        };
        StockInput::Item { sku, code: crate::domain::text::sanitize(code).into_owned(), lot, expires_on, count }
    }

    pub(super) fn stock_refused(&mut self, message: String) {
        self.stock.on_error(message);
        self.bell = true;
    }

    fn ring_on_stock_error(&mut self) {
        if self.stock.alert.is_some() || matches!(self.stock.message, Some((Tone::Error, _))) {
            self.bell = true;
        }
    }

    /// Runs one of the screen's commands against the store.
    pub(super) fn run_stock(&mut self, command: StockCommand) {
        let actor = self.actor();
        let result = match command {
            StockCommand::Reload(tab) => self.load_stock_tab(tab),
            StockCommand::OpenReceipt(id) => self.store.receipt_view(id).map(|view| self.stock.on_receipt(view)),
            StockCommand::Receive { receipt, units } => match self.store.receive_units(&actor, receipt, &units) {
                Ok(received) => {
                    // Over or not expected: the receiver must notice.
                    self.bell |=
                        received.unexpected || received.line.received + received.line.damaged > received.line.expected;
                    self.stock.on_received(received);
                    self.store.receipt_view(receipt).map(|view| self.stock.on_receipt(view))
                }
                Err(e) => Err(e),
            },
            StockCommand::ReceivePackage { sscc } => match self.store.receive_package(&actor, &sscc) {
                Ok((receipt, lines)) => {
                    let units: u32 = lines.iter().map(|l| l.line.received).sum();
                    self.store.receipt_view(receipt).map(|view| {
                        let reference = view.reference.clone();
                        self.stock.on_receipt(view);
                        self.stock.on_info(format!(
                            "Package {sscc} of {reference} received: {} lines, {units} units now counted on them.",
                            lines.len()
                        ));
                    })
                }
                Err(e) => Err(e),
            },
            StockCommand::UndoReceive { receipt } => match self.store.undo_receive(&actor, receipt) {
                Ok(what) => self.store.receipt_view(receipt).map(|view| {
                    self.stock.on_receipt(view);
                    self.stock.on_info(format!("Taken back: {what}."));
                }),
                Err(e) => Err(e),
            },
            StockCommand::CloseReceipt { receipt, reasons } => {
                self.store.close_receipt(&actor, receipt, &reasons).map(|view| self.stock.on_receipt(view))
            }
            StockCommand::PutAway { item, bin, qty } => self.put_away(item, bin, qty),
            StockCommand::StartCount { bin } => self.start_count(bin),
            StockCommand::SubmitCount { task, entries } => {
                match self.store.submit_count(&actor, task, self.sheet_status(task), &entries) {
                    Ok(outcome) => {
                        self.bell |= !matches!(outcome, CountOutcome::Matched);
                        self.stock.on_count_outcome(task, outcome);
                        self.load_stock_tab(Tab::Counts)
                    }
                    Err(e) => Err(e),
                }
            }
            StockCommand::Adjust { task, reason } => match self.store.adjust_count(&actor, task, &reason) {
                Ok(adjusted) => {
                    self.stock.on_adjusted(adjusted);
                    self.load_stock_tab(Tab::Counts)
                }
                Err(e) => Err(e),
            },
        };
        if let Err(e) = result {
            self.stock.raise(store_message(&e));
            self.bell = true;
        }
    }

    /// The status the count sheet of `task` was opened with.
    fn sheet_status(&self, task: i64) -> crate::domain::inbound::CountStatus {
        self.stock
            .sheet
            .as_ref()
            .filter(|s| s.task.id == task)
            .map_or(crate::domain::inbound::CountStatus::Open, |s| s.task.status)
    }

    fn put_away(&mut self, item: i64, bin: BinCode, qty: u32) -> crate::store::Result<()> {
        let sku = self.stock.putaway.iter().find(|i| i.id == item).map(|i| i.sku.clone()).unwrap_or_default();
        let filled = self.store.put_away(&self.actor(), item, bin, qty)?;
        self.load_stock_tab(Tab::Putaway)?;
        let orders = match filled {
            0 => String::new(),
            1 => "; 1 waiting order is ready now".to_owned(),
            n => format!("; {n} waiting orders are ready now"),
        };
        self.stock.on_info(format!("{qty} × {sku} put away in {bin}: available{orders}."));
        Ok(())
    }

    /// A bin scanned on the Counts tab: its open task; a supervisor's scan
    /// of a bin without one asks for a count.
    fn start_count(&mut self, bin: BinCode) -> crate::store::Result<()> {
        let task = match self.store.count_task_for_bin(bin)? {
            Some(task) => task,
            None if self.is_supervisor() => self.store.request_count(&self.actor(), bin, "")?,
            None => {
                self.stock
                    .on_error(format!("No count is asked for {bin}: a supervisor can ask for one by scanning it."));
                self.bell = true;
                return Ok(());
            }
        };
        self.stock.on_count_started(task);
        self.load_stock_tab(Tab::Counts)
    }

    /// Reads what `tab` lists. The first read of the counts tab each day
    /// also makes today's scheduled counts (the store keeps to the daily
    /// cap whichever terminal makes them).
    fn load_stock_tab(&mut self, tab: Tab) -> crate::store::Result<()> {
        let today = self.now.date_naive();
        match tab {
            Tab::Receiving => self.stock.on_receipts(self.store.open_receipts()?),
            Tab::Putaway => {
                let layout: &Layout = &self.layout;
                let items = crate::report::inbound::putaway(
                    &self.store,
                    layout,
                    self.stock_link.abc_window_days.max(1),
                    today,
                )?;
                self.stock.on_putaway(items);
            }
            Tab::Counts => {
                if self.stock_link.scheduled_on != Some(today) {
                    let plan = crate::report::inbound::count_plan(&self.stock_link.schedule, today);
                    let actor = self.actor();
                    self.store.schedule_counts(&actor, today, plan)?;
                    self.stock_link.scheduled_on = Some(today);
                }
                self.stock.on_tasks(self.store.count_tasks()?);
            }
            Tab::Replenishment => {
                let rows = crate::report::inbound::replenishment(
                    &self.store,
                    &self.stock_link.inventory,
                    self.stock_link.abc_window_days.max(1),
                    today,
                )?;
                self.stock.on_replenishment(rows);
            }
        }
        Ok(())
    }
}
