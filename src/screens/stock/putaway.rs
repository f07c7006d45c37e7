//! The Putaway tab's input: an item scan selects what is put away, a bin
//! scan puts it there. The suggested bin is taken at once; another bin must
//! be scanned twice (or confirmed with CMD-CONFIRM). Also the fresh list the
//! app hands in.

use crossterm::event::KeyCode;

use super::{StockCommand, StockInput, StockScreen, moved};
use crate::domain::BinCode;
use crate::domain::inbound::PutawayItem;

impl StockScreen {
    /// An item or bin scanned on the Putaway tab.
    pub(super) fn putaway_scan(&mut self, input: StockInput) -> Option<StockCommand> {
        match input {
            StockInput::Item { sku, code, .. } => {
                let Some(sku) = sku else {
                    self.on_error(format!("{code} is not in the catalogue: nothing waits for putaway with it."));
                    return None;
                };
                let Some(at) = self.putaway.iter().position(|i| i.sku == sku) else {
                    self.on_error(format!("No {sku} waits for putaway."));
                    return None;
                };
                self.selected_item = at;
                self.other_bin = None;
                let item = &self.putaway[at];
                let bin = item.suggestion.map_or_else(|| "a bin".to_owned(), |s| format!("bin {}", s.bin));
                self.on_info(format!("{sku}: {} waiting. Scan {bin} to put it away.", item.qty));
                None
            }
            StockInput::Bin(bin) => self.put_into(bin),
            StockInput::Sscc(_) => {
                self.on_error("An SSCC is received on the Receiving tab: here scan the item, then its bin.".into());
                None
            }
            StockInput::Quantity(_) | StockInput::Command(_) => None,
        }
    }

    /// A key on the Putaway tab: movement selects.
    pub(super) fn putaway_key(&mut self, code: KeyCode) -> Option<StockCommand> {
        if let Some(selected) = moved(code, self.selected_item, self.putaway.len()) {
            if selected != self.selected_item {
                self.other_bin = None;
            }
            self.selected_item = selected;
        }
        None
    }

    /// A bin for the selected item: the suggestion (or the other bin scanned
    /// a second time) puts it away; another bin asks for a second scan.
    fn put_into(&mut self, bin: BinCode) -> Option<StockCommand> {
        let Some(item) = self.putaway.get(self.selected_item) else {
            self.on_error("Nothing waits for putaway.".into());
            return None;
        };
        let (id, waiting, suggested) = (item.id, item.qty, item.suggestion.map(|s| s.bin));
        let qty = match self.pending_qty {
            Some(n) if n > waiting => {
                let sku = item.sku.clone();
                self.pending_qty = None;
                self.on_error(format!(
                    "QTY-{n} is more than the {waiting} {sku} waiting: scan the right QTY, then the bin."
                ));
                return None;
            }
            Some(n) => n,
            None => waiting,
        };
        if suggested == Some(bin) || self.other_bin == Some((id, bin)) {
            self.pending_qty = None;
            self.other_bin = None;
            return Some(StockCommand::PutAway { item: id, bin, qty });
        }
        self.other_bin = Some((id, bin));
        self.on_warning(match suggested {
            Some(suggested) => format!("Suggested {suggested}; scan {bin} again to put it there instead."),
            None => format!("No bin suggested; scan {bin} again to put it there."),
        });
        None
    }

    /// CMD-CONFIRM: the other bin scanned once is taken.
    pub(super) fn confirm_other_bin(&mut self) -> Option<StockCommand> {
        match self.other_bin {
            Some((id, bin)) if self.putaway.get(self.selected_item).is_some_and(|i| i.id == id) => self.put_into(bin),
            _ => {
                self.on_error("Nothing to confirm: scan the bin to put the selected item away.".into());
                None
            }
        }
    }

    /// A fresh putaway list; the selection stays on the same item.
    pub fn on_putaway(&mut self, items: Vec<PutawayItem>) {
        let id = self.putaway.get(self.selected_item).map(|i| i.id);
        self.selected_item = id
            .and_then(|id| items.iter().position(|i| i.id == id))
            .unwrap_or_else(|| self.selected_item.min(items.len().saturating_sub(1)));
        if let Some((item, _)) = self.other_bin
            && items.get(self.selected_item).is_none_or(|i| i.id != item)
        {
            self.other_bin = None;
        }
        self.putaway = items;
    }
}
