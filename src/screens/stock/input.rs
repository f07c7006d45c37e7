//! Scans and keys, before a tab sees them: the red banner takes only its
//! acknowledgement, Tab and BackTab cycle the tabs, Esc steps back, QTY-n
//! waits for the next scan, and CMD-words do what their tab makes of them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{StockCommand, StockInput, StockScreen, Tab, moved};

impl StockScreen {
    /// A scan; returns what the app should do. While a banner is up only
    /// `CMD-OK` (acknowledge) is taken.
    pub fn on_scan(&mut self, input: StockInput) -> Option<StockCommand> {
        if self.alert.is_some() {
            if input == StockInput::Command("OK") {
                self.acknowledge();
            } else {
                self.refuse_while_alert();
            }
            return None;
        }
        self.clear_message();
        match input {
            StockInput::Quantity(n) => {
                self.quantity(n);
                None
            }
            StockInput::Command(word) => self.command(word),
            other => match self.tab {
                Tab::Receiving => self.receiving_scan(other),
                Tab::Putaway => self.putaway_scan(other),
                Tab::Counts => self.counts_scan(other),
                Tab::Replenishment => {
                    self.on_error("The replenishment list takes no scans: Tab to Receiving, Putaway or Counts.".into());
                    None
                }
            },
        }
    }

    /// A key: Enter acknowledges a banner; Tab and BackTab cycle the tabs;
    /// Esc steps back; the rest belongs to the tab.
    pub fn on_key(&mut self, key: &KeyEvent) -> Option<StockCommand> {
        if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return None;
        }
        if self.alert.is_some() {
            if key.code == KeyCode::Enter {
                self.acknowledge();
            } else {
                self.refuse_while_alert();
            }
            return None;
        }
        self.clear_message();
        match key.code {
            KeyCode::Tab => self.cycle(true),
            KeyCode::BackTab => self.cycle(false),
            KeyCode::Esc => self.escape(),
            code => match self.tab {
                Tab::Receiving => self.receiving_key(code),
                Tab::Putaway => self.putaway_key(code),
                Tab::Counts => self.counts_key(code),
                Tab::Replenishment => {
                    let len = self.replenishment.len();
                    if let Some(top) = moved(code, self.replenishment_top, len) {
                        self.replenishment_top = top;
                    }
                    None
                }
            },
        }
    }

    fn cycle(&mut self, forward: bool) -> Option<StockCommand> {
        let tabs = self.tabs();
        let len = tabs.len();
        let at = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
        let next = if forward { (at + 1) % len } else { (at + len - 1) % len };
        self.set_tab(tabs[next])
    }

    fn acknowledge(&mut self) {
        self.alert = None;
        self.on_info("Acknowledged: carry on.".into());
    }

    fn refuse_while_alert(&mut self) {
        self.on_error("Acknowledge the red banner first: scan CMD-OK or press Enter.".into());
    }

    /// QTY-n: kept for the next item scan or putaway.
    fn quantity(&mut self, n: u32) {
        if n == 0 {
            self.on_error("QTY-0 counts nothing: scan a quantity of 1 or more.".into());
            return;
        }
        let what = match self.tab {
            Tab::Receiving => format!("the next item scan receives {n} of it"),
            Tab::Putaway => format!("the next putaway moves {n}"),
            Tab::Counts => format!("the next item scan counts {n} of it"),
            Tab::Replenishment => {
                self.on_error("The replenishment list takes no quantity: Tab to Receiving, Putaway or Counts.".into());
                return;
            }
        };
        self.pending_qty = Some(n);
        self.on_info(format!("QTY-{n}: {what}."));
    }

    /// The units one item scan stands for: the pending QTY (consumed) times
    /// the case count (or 1). `None` (with an error) when that is nothing.
    pub(super) fn take_units(&mut self, count: Option<u32>) -> Option<u32> {
        match self.pending_qty.unwrap_or(1).checked_mul(count.unwrap_or(1)) {
            Some(0) => {
                self.on_error("That scan says 0 units: scan the item's unit or case barcode.".into());
                None
            }
            None => {
                self.on_error("Too many units for one scan: scan a smaller QTY.".into());
                None
            }
            Some(n) => {
                self.pending_qty = None;
                Some(n)
            }
        }
    }

    /// A scanned CMD-word.
    fn command(&mut self, word: &str) -> Option<StockCommand> {
        match (word, self.tab) {
            ("OK", _) => None,
            ("CANCEL", _) => self.escape(),
            ("CONFIRM", Tab::Receiving) => self.close_receipt(),
            ("CONFIRM", Tab::Putaway) => self.confirm_other_bin(),
            ("CONFIRM", Tab::Counts) => self.submit_count(),
            ("UNDO", Tab::Receiving) => self.undo(),
            ("UNDO", tab) => {
                self.on_error(format!("CMD-UNDO takes back receiving scans only: it does nothing on {}.", tab.label()));
                None
            }
            ("NEXT" | "SKIP", Tab::Receiving) if self.receipt.is_none() => {
                self.selected_receipt = moved(KeyCode::Down, self.selected_receipt, self.receipts.len())?;
                None
            }
            ("NEXT" | "SKIP", Tab::Putaway) => {
                self.other_bin = None;
                self.selected_item = moved(KeyCode::Down, self.selected_item, self.putaway.len())?;
                None
            }
            ("NEXT" | "SKIP", Tab::Counts) if self.sheet.is_none() => {
                self.selected_task = moved(KeyCode::Down, self.selected_task, self.tasks.len())?;
                None
            }
            (other, tab) => {
                self.on_error(format!("CMD-{other} does nothing here ({}).", tab.label()));
                None
            }
        }
    }

    /// Esc (or CMD-CANCEL): a pending QTY goes first, then the tab steps back.
    fn escape(&mut self) -> Option<StockCommand> {
        if let Some(n) = self.pending_qty.take() {
            self.on_info(format!("QTY-{n} dropped."));
            return None;
        }
        match self.tab {
            Tab::Receiving => self.receiving_escape(),
            Tab::Putaway => {
                if self.other_bin.take().is_some() {
                    self.on_info("Other bin dropped: scan the suggested bin.".into());
                }
                None
            }
            Tab::Counts => {
                self.counts_escape();
                None
            }
            Tab::Replenishment => None,
        }
    }
}
