//! The Counts tab's input: a bin scan starts its count; the count sheet
//! takes item scans and typed totals, blind; `c` submits; a recount takes
//! only the SKUs asked; after a confirmed difference a reason adjusts. Also
//! what the app hands back: tasks, a started count, its outcome, the adjustment.

use crossterm::event::KeyCode;

use super::{CountSheet, StockCommand, StockInput, StockScreen, TYPED_MAX, digit, list, moved};
use crate::domain::inbound::{Adjusted, CountEntry, CountOutcome, CountStatus, CountTask};

impl StockScreen {
    /// A bin or item scanned on the Counts tab.
    pub(super) fn counts_scan(&mut self, input: StockInput) -> Option<StockCommand> {
        match input {
            StockInput::Bin(bin) => {
                match &self.sheet {
                    Some(sheet) if sheet.task.bin != bin => {
                        self.on_error(format!("Finish or leave (Esc) the count of {} first.", sheet.task.bin));
                    }
                    Some(_) => self.on_info(format!("Counting {bin}: scan its items.")),
                    None => return Some(StockCommand::StartCount { bin }),
                }
                None
            }
            StockInput::Item { sku, code, count, .. } => {
                let Some(sheet) = &self.sheet else {
                    self.on_error("Scan the bin's label first: a count starts at the bin.".into());
                    return None;
                };
                match sheet.task.status {
                    CountStatus::Review => {
                        self.on_error("The recount is done: pick a reason (1-9) to adjust, or Esc.".into());
                        return None;
                    }
                    CountStatus::Done => {
                        self.on_error("This count is done: Esc, then scan the next bin.".into());
                        return None;
                    }
                    CountStatus::Open | CountStatus::Recount => {}
                }
                let Some(sku) = sku else {
                    self.raise(format!("UNKNOWN ITEM: {code} is not in the catalogue. Set it aside."));
                    return None;
                };
                let recount = &sheet.task.recount;
                if sheet.task.status == CountStatus::Recount && !recount.contains(&sku) {
                    let verb = if recount.len() == 1 { "is" } else { "are" };
                    self.on_error(format!("Only {} {verb} recounted: leave {sku} out.", list(recount)));
                    return None;
                }
                let qty = self.take_units(count)?;
                let sheet = self.sheet.as_mut()?;
                match sheet.counted.iter_mut().find(|e| e.sku == sku) {
                    Some(entry) => entry.qty = entry.qty.saturating_add(qty),
                    None => sheet.counted.push(CountEntry { sku: sku.clone(), qty }),
                }
                sheet.last = Some(sku);
                sheet.typed.clear();
                sheet.confirm_empty = false;
                None
            }
            StockInput::Sscc(_) => {
                self.on_error("A package is not counted: scan the items in the bin.".into());
                None
            }
            StockInput::Quantity(_) | StockInput::Command(_) => None,
        }
    }

    /// A key on the Counts tab: the list moves; the sheet takes digits,
    /// Backspace, Enter and `c`; a review takes a reason's digit.
    pub(super) fn counts_key(&mut self, code: KeyCode) -> Option<StockCommand> {
        let Some(sheet) = &mut self.sheet else {
            if let Some(selected) = moved(code, self.selected_task, self.tasks.len()) {
                self.selected_task = selected;
            } else if code == KeyCode::Enter {
                self.on_info("Scan the bin's label to count it: a count starts at the bin.".into());
            }
            return None;
        };
        if code != KeyCode::Char('c') {
            sheet.confirm_empty = false;
        }
        match (sheet.task.status, code) {
            (CountStatus::Review, code) => {
                let task = sheet.task.id;
                if self.adjust_reasons.is_empty() {
                    self.on_error("No adjustment reasons are configured: ask a supervisor.".into());
                    return None;
                }
                let reason = digit(code).and_then(|d| self.adjust_reasons.get(d - 1)).cloned()?;
                Some(StockCommand::Adjust { task, reason })
            }
            (CountStatus::Done, _) => None,
            (_, KeyCode::Char(c @ '0'..='9')) => {
                if sheet.typed.len() < TYPED_MAX {
                    sheet.typed.push(c);
                }
                None
            }
            (_, KeyCode::Backspace) => {
                sheet.typed.pop();
                None
            }
            (_, KeyCode::Enter) => {
                self.apply_typed();
                None
            }
            (_, KeyCode::Char('c')) => self.submit_count(),
            _ => None,
        }
    }

    /// Enter: the typed number becomes the count of the SKU scanned last.
    fn apply_typed(&mut self) {
        let Some(sheet) = &mut self.sheet else { return };
        if sheet.typed.is_empty() {
            return;
        }
        let Some(sku) = sheet.last.clone() else {
            self.on_error("Scan one unit of the item first, then type the total and Enter.".into());
            return;
        };
        let qty: u32 = sheet.typed.parse().unwrap_or(0);
        sheet.typed.clear();
        match sheet.counted.iter_mut().find(|e| e.sku == sku) {
            Some(entry) => entry.qty = qty,
            None => sheet.counted.push(CountEntry { sku: sku.clone(), qty }),
        }
        self.on_info(format!("{sku}: {qty} counted."));
    }

    /// `c` or CMD-CONFIRM: the counter is done with the bin.
    pub(super) fn submit_count(&mut self) -> Option<StockCommand> {
        let Some(sheet) = &mut self.sheet else {
            self.on_error("Nothing is being counted: scan a bin's label first.".into());
            return None;
        };
        if !sheet.typed.is_empty() {
            let what = sheet.last.as_deref().unwrap_or("the item");
            let text = format!("Press Enter to set {what} to {}, or Backspace it, before finishing.", sheet.typed);
            self.on_error(text);
            return None;
        }
        let entries = match sheet.task.status {
            CountStatus::Review => {
                self.on_error("Pick a reason (1-9) to adjust the stock, or Esc.".into());
                return None;
            }
            CountStatus::Done => return None,
            CountStatus::Recount => sheet
                .task
                .recount
                .iter()
                .map(|sku| CountEntry { sku: sku.clone(), qty: sheet.counted(sku).unwrap_or(0) })
                .collect(),
            CountStatus::Open => sheet.counted.clone(),
        };
        if sheet.counted.is_empty() && !sheet.confirm_empty {
            sheet.confirm_empty = true;
            self.on_warning("Nothing counted: is the bin empty? c again to confirm.".into());
            return None;
        }
        sheet.confirm_empty = false;
        Some(StockCommand::SubmitCount { task: sheet.task.id, entries })
    }

    /// Esc on the Counts tab: typed digits go first, then the sheet is left.
    pub(super) fn counts_escape(&mut self) {
        let Some(sheet) = &mut self.sheet else { return };
        if !sheet.typed.is_empty() {
            sheet.typed.clear();
            self.on_info("Typed number cleared.".into());
            return;
        }
        let bin = sheet.task.bin;
        self.sheet = None;
        self.on_info(format!("Left the count of {bin}: nothing stored. Scan the bin to count it again."));
    }

    /// Opens the count sheet for that task (status Open: count every SKU;
    /// Recount: only task.recount SKUs; Review: straight to the reason choice).
    pub fn on_count_started(&mut self, task: CountTask) {
        self.update_task(&task);
        match task.status {
            CountStatus::Done => {
                self.sheet = None;
                self.on_info(format!("{} is already counted: nothing to do.", task.bin));
                return;
            }
            CountStatus::Open => self.on_info(format!("Counting {}: scan every unit in the bin.", task.bin)),
            CountStatus::Recount => {
                self.on_warning(format!("Recount {}: count {} again.", task.bin, list(&task.recount)));
            }
            CountStatus::Review => {
                self.on_warning(format!("{}: the recount confirmed a difference. Pick a reason.", task.bin));
            }
        }
        self.sheet = Some(CountSheet::new(task));
    }

    /// What submitting a count did: matched (sheet closed), recount (sheet
    /// cleared, those SKUs again, no quantities shown) or review (reasons).
    pub fn on_count_outcome(&mut self, task: i64, outcome: CountOutcome) {
        let bin = self.tasks.iter().chain(self.sheet.as_ref().map(|s| &s.task)).find(|t| t.id == task).map(|t| t.bin);
        let bin = bin.map_or_else(|| "The bin".to_owned(), |b| b.to_string());
        let sheet = self.sheet.as_mut().filter(|s| s.task.id == task);
        match outcome {
            CountOutcome::Matched => {
                if sheet.is_some() {
                    self.sheet = None;
                }
                self.tasks.retain(|t| t.id != task);
                self.selected_task = self.selected_task.min(self.tasks.len().saturating_sub(1));
                self.on_info(format!("{bin} counted: it matches. Done."));
            }
            CountOutcome::Recount(skus) => {
                if let Some(sheet) = sheet {
                    sheet.task.status = CountStatus::Recount;
                    sheet.task.recount.clone_from(&skus);
                    sheet.counted.clear();
                    sheet.last = None;
                    sheet.typed.clear();
                    sheet.confirm_empty = false;
                }
                if let Some(t) = self.tasks.iter_mut().find(|t| t.id == task) {
                    t.status = CountStatus::Recount;
                    t.recount.clone_from(&skus);
                }
                self.on_warning(format!("Count differs: count again: {}", list(&skus)));
            }
            CountOutcome::Review(differences) => {
                if let Some(sheet) = sheet {
                    sheet.task.status = CountStatus::Review;
                    sheet.task.differences.clone_from(&differences);
                    sheet.typed.clear();
                }
                if let Some(t) = self.tasks.iter_mut().find(|t| t.id == task) {
                    t.status = CountStatus::Review;
                    t.differences = differences;
                }
                self.on_warning(format!("{bin}: the recount confirmed a difference. Pick a reason to adjust."));
            }
        }
    }

    /// Keeps the task list in step with a task just read.
    fn update_task(&mut self, task: &CountTask) {
        if let Some(t) = self.tasks.iter_mut().find(|t| t.id == task.id) {
            *t = task.clone();
        }
    }

    /// Fresh count tasks; the selection stays on the same task.
    pub fn on_tasks(&mut self, tasks: Vec<CountTask>) {
        let id = self.tasks.get(self.selected_task).map(|t| t.id);
        self.selected_task = id
            .and_then(|id| tasks.iter().position(|t| t.id == id))
            .unwrap_or_else(|| self.selected_task.min(tasks.len().saturating_sub(1)));
        self.tasks = tasks;
    }

    /// After an adjustment: the sheet closes and the message sums it up.
    pub fn on_adjusted(&mut self, adjusted: Adjusted) {
        let Adjusted { net, reallocated, backordered, short, filled } = adjusted;
        let bin = self.sheet.take().map(|sheet| {
            self.tasks.retain(|t| t.id != sheet.task.id);
            self.selected_task = self.selected_task.min(self.tasks.len().saturating_sub(1));
            sheet.task.bin.to_string()
        });
        let orders = |n: usize| if n == 1 { "1 order".to_owned() } else { format!("{n} orders") };
        let mut parts = vec![format!("{} adjusted: net {:+} units", bin.as_deref().unwrap_or("Stock"), net)];
        if !reallocated.is_empty() {
            parts.push(format!("{} reallocated", orders(reallocated.len())));
        }
        if !backordered.is_empty() {
            parts.push(format!("{} backordered", orders(backordered.len())));
        }
        if !short.is_empty() {
            let numbers: Vec<String> = short.iter().take(3).map(ToString::to_string).collect();
            let more = if short.len() > 3 { " …" } else { "" };
            parts.push(format!("{} short, a supervisor decides ({}{more})", orders(short.len()), numbers.join(", ")));
        }
        if filled > 0 {
            parts.push(format!("{filled} backorders filled"));
        }
        let text = parts.join(" · ");
        if short.is_empty() && backordered.is_empty() {
            self.on_info(text);
        } else {
            self.on_warning(text);
        }
    }
}
