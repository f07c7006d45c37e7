//! The pick screen: one wave's pick list and a large "next" panel that
//! guides the picker scan by scan: go to the bin (scan it), pick the item
//! (scan it, once per unit, or `QTY-n` first, or `+`/`-`), put it into the
//! tote (scan the tote, which confirms). A wrong bin, item, lot or tote
//! stops the picker with the reason. `CMD-SHORT` (or `s`) reports what
//! cannot be picked, with a reason.

mod draw;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::wave::{PickList, PickStop, ShortReason, ToteShare};
use crate::domain::{BinCode, WaveNumber};
use crate::screens::order_queue::Tone;

/// What the picker scanned, as the app resolved it (an item's GTIN or GS1
/// code is looked up in the catalogue before it gets here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickInput {
    Bin(BinCode),
    Item {
        /// The SKU the code belongs to (`None`: the catalogue does not know it).
        sku: Option<String>,
        /// What was scanned, for messages.
        code: String,
        /// Batch or lot (GS1 AI 10), if the code carried one.
        lot: Option<String>,
        /// Expiry or best-before (GS1 AI 17 or 15), if the code carried one.
        expires_on: Option<NaiveDate>,
    },
    /// `QTY-n`: the next item scan counts n units.
    Quantity(u32),
    Tote(String),
    /// A `CMD-` word.
    Command(&'static str),
}

/// What the picker asked for, for the app to run against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickCommand {
    /// Put `qty` units from the stop's stock row into `tote`.
    Confirm { wave: WaveNumber, stock_id: i64, tote: String, qty: u32 },
    /// What is left at the stop cannot be picked.
    Short { wave: WaveNumber, stock_id: i64, reason: ShortReason },
    /// Back to the waves screen, giving the wave back.
    Leave(WaveNumber),
}

/// The pick screen's state.
#[derive(Debug, Clone)]
pub struct PickScreen {
    pub list: PickList,
    pub now: DateTime<Utc>,
    /// `false`: the list grouped by zone (A, B, C), each in walk order, and
    /// picked in that order; `true`: the pure optimal walk.
    pub walk_view: bool,
    /// The stock row whose bin the picker has scanned.
    pub at_bin: Option<i64>,
    /// The item at the stop has been scanned and matched.
    pub item_ok: bool,
    /// Units counted for the current tote.
    pub count: u32,
    /// From a `QTY-n` scan: the next item scan counts this many.
    pub multiplier: Option<u32>,
    /// Choosing a short-pick reason.
    pub short_menu: bool,
    /// Lots expiring before this day are refused (today plus the minimum shelf life).
    pub sell_by: NaiveDate,
    pub message: Option<(Tone, String)>,
}

impl PickScreen {
    #[must_use]
    pub fn new(list: PickList, now: DateTime<Utc>, sell_by: NaiveDate) -> Self {
        Self {
            list,
            now,
            walk_view: false,
            at_bin: None,
            item_ok: false,
            count: 0,
            multiplier: None,
            short_menu: false,
            sell_by,
            message: None,
        }
    }

    #[must_use]
    pub fn wave(&self) -> WaveNumber {
        self.list.wave.number
    }

    /// The stops in the order they are shown and picked.
    #[must_use]
    pub fn stops(&self) -> Vec<&PickStop> {
        if self.walk_view { self.list.stops.iter().collect() } else { self.list.by_zone() }
    }

    /// The stop to work now.
    #[must_use]
    pub fn current(&self) -> Option<&PickStop> {
        self.stops().into_iter().find(|s| s.state == crate::domain::wave::StopState::Open)
    }

    /// The tote the current stop fills next.
    #[must_use]
    pub fn current_share(&self) -> Option<&ToteShare> {
        self.current().and_then(PickStop::next_share)
    }

    /// A fresh pick list after a confirmation, a short pick or another
    /// station's change. The picker stays at the bin while it has more to give.
    pub fn on_list(&mut self, list: PickList) {
        let stop = self.current().map(|s| s.stock_id);
        self.list = list;
        if self.current().map(|s| s.stock_id) != stop || stop.is_none() {
            self.at_bin = None;
        }
        self.item_ok = self.at_bin.is_some() && self.item_ok;
        self.count = 0;
        self.multiplier = None;
    }

    pub fn on_error(&mut self, message: String) {
        self.message = Some((Tone::Error, message));
    }

    pub fn on_info(&mut self, message: String) {
        self.message = Some((Tone::Info, message));
    }

    /// Switches between the zone-grouped list and the pure optimal walk.
    pub fn toggle_view(&mut self) {
        self.walk_view = !self.walk_view;
        self.at_bin = None;
        self.item_ok = false;
        self.count = 0;
        let view = if self.walk_view { "the optimal walk" } else { "zones A, B, C, each in walk order" };
        self.on_info(format!("Showing {view}."));
    }

    /// A scan; returns a command when it completes a step. A refusal sets
    /// an error message (the app rings the bell for it).
    pub fn on_scan(&mut self, input: PickInput) -> Option<PickCommand> {
        self.message = None;
        if let PickInput::Command(word) = input {
            return self.command(word);
        }
        if self.short_menu {
            self.on_error("Choose why it cannot be picked (1-4), or Esc.".into());
            return None;
        }
        let Some(stop) = self.current().cloned() else {
            self.on_error(format!("{} is picked: nothing is left.", self.wave()));
            return None;
        };
        match input {
            PickInput::Bin(bin) if bin == stop.bin => {
                self.at_bin = Some(stop.stock_id);
                self.on_info(format!("At {bin}: scan the item."));
            }
            PickInput::Bin(bin) => self.on_error(format!("Wrong bin: this is {bin}; go to {}.", stop.bin)),
            PickInput::Quantity(n) => {
                self.multiplier = Some(n);
                self.on_info(format!("The next item scan counts {n}."));
            }
            PickInput::Item { sku, code, lot, expires_on } => self.item(&stop, sku, &code, lot.as_ref(), expires_on),
            PickInput::Tote(tote) => return self.tote(&stop, &tote),
            PickInput::Command(_) => {}
        }
        None
    }

    /// A key the keymap did not take: `+`/`-` count, digits choose a short reason.
    pub fn on_key(&mut self, key: &KeyEvent) -> Option<PickCommand> {
        let stop = self.current().cloned()?;
        if self.short_menu {
            return match key.code {
                KeyCode::Char(c @ '1'..='4') => {
                    self.short_menu = false;
                    let reason = ShortReason::ALL[usize::from(c as u8 - b'1')];
                    Some(PickCommand::Short { wave: self.wave(), stock_id: stop.stock_id, reason })
                }
                KeyCode::Esc => {
                    self.short_menu = false;
                    self.message = None;
                    None
                }
                _ => None,
            };
        }
        match key.code {
            KeyCode::Char('+') if self.item_ok => self.add_units(&stop, 1),
            KeyCode::Char('-') if self.count > 0 => {
                self.count -= 1;
                self.message = None;
            }
            KeyCode::Char('+' | '-') => self.on_error("Scan the item first.".into()),
            _ => {}
        }
        None
    }

    /// Opens the short-pick reasons for the current stop.
    pub fn start_short(&mut self) {
        if self.current().is_some() {
            self.short_menu = true;
            self.message = None;
        }
    }

    fn command(&mut self, word: &str) -> Option<PickCommand> {
        match word {
            "SHORT" => self.start_short(),
            "CANCEL" if self.short_menu => self.short_menu = false,
            "CANCEL" | "UNDO" => {
                self.count = 0;
                self.item_ok = false;
                self.multiplier = None;
                self.on_info("Counting starts again: scan the item.".into());
            }
            "NEXT" => self.toggle_view(),
            "OK" | "CONFIRM" => {
                self.on_info(match self.current_share() {
                    Some(share) => format!("Scan tote {} to put the units in.", share.tote),
                    None => "Nothing is waiting here.".into(),
                });
            }
            other => self.on_error(format!("CMD-{other} does nothing while picking.")),
        }
        None
    }

    fn item(
        &mut self,
        stop: &PickStop,
        sku: Option<String>,
        code: &str,
        lot: Option<&String>,
        expires: Option<NaiveDate>,
    ) {
        if self.at_bin != Some(stop.stock_id) {
            self.on_error(format!("Scan the bin first: go to {}.", stop.bin));
            return;
        }
        let Some(sku) = sku else {
            self.on_error(format!("{code} is not in the catalogue; pick {} ({}).", stop.sku, stop.title));
            return;
        };
        if sku != stop.sku {
            self.on_error(format!("Wrong item: that is {sku}; pick {} ({}).", stop.sku, stop.title));
            return;
        }
        if let (Some(wanted), Some(scanned)) = (&stop.lot, lot)
            && wanted != scanned
        {
            let when = stop.expires_on.map_or_else(String::new, |d| format!(", expiring {d}"));
            self.on_error(format!(
                "Lot {scanned} is not the one to pick: take lot {wanted}{when} (first expiry first out)."
            ));
            return;
        }
        if let Some(day) = expires.filter(|d| *d < self.sell_by) {
            self.on_error(format!("That unit expires on {day}: too short-dated to ship. Take another, or short it."));
            return;
        }
        self.item_ok = true;
        let units = self.multiplier.take().unwrap_or(1);
        self.add_units(stop, units);
    }

    fn add_units(&mut self, stop: &PickStop, units: u32) {
        let Some(share) = stop.next_share() else { return };
        let left = share.qty - share.picked;
        if self.count + units > left {
            self.on_error(format!("Only {left} go into {}; you have {} counted.", share.tote, self.count));
            return;
        }
        self.count += units;
        self.message = None;
    }

    fn tote(&mut self, stop: &PickStop, tote: &str) -> Option<PickCommand> {
        let share = stop.next_share()?;
        if self.count == 0 {
            self.on_error(format!(
                "Pick the item first: {} × {} from {}.",
                share.qty - share.picked,
                stop.sku,
                stop.bin
            ));
            return None;
        }
        if tote != share.tote {
            self.on_error(format!("Wrong tote: these go into {} ({}).", share.tote, share.order));
            return None;
        }
        Some(PickCommand::Confirm {
            wave: self.wave(),
            stock_id: stop.stock_id,
            tote: tote.to_owned(),
            qty: self.count,
        })
    }
}
