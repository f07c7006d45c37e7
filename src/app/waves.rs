//! The waves and pick screens: planning, releasing and cancelling waves
//! (supervisors), taking a wave and picking it scan by scan, short picks,
//! and the lease heartbeat while a wave is open.

use chrono::TimeDelta;

use super::action::Action;
use super::{Active, App, store_message};
use crate::domain::WaveNumber;
use crate::planning::batching::{self, Planned};
use crate::planning::routing::{Method, route};
use crate::scan::Scan;
use crate::screens::pick::{PickCommand, PickInput, PickScreen};
use crate::screens::waves::{Preview, WavesCommand};

/// Waves listed beside the active ones: the newest finished.
const RECENT_WAVES: usize = 20;

impl App {
    /// Shows the waves screen with fresh data.
    pub(super) fn show_waves(&mut self) {
        self.active = Active::Waves;
        self.reload_waves();
    }

    pub(super) fn reload_waves(&mut self) {
        match self.store.waves(RECENT_WAVES) {
            Ok(waves) => self.waves.on_waves(waves),
            Err(e) => self.waves.on_error(store_message(&e)),
        }
    }

    /// An action on the waves screen.
    pub(super) fn waves_action(&mut self, action: Action) {
        if let Some(command) = self.waves.update(action) {
            self.run_waves_command(command);
        }
    }

    pub(super) fn run_waves_command(&mut self, command: WavesCommand) {
        let actor = self.actor();
        let done = match command {
            WavesCommand::Reload => {
                self.reload_waves();
                return;
            }
            WavesCommand::Plan => {
                self.plan_wave();
                return;
            }
            WavesCommand::Create(plan) => match self.store.create_wave(&actor, &plan) {
                Ok(wave) => {
                    self.waves.preview = None;
                    self.reload_waves();
                    self.waves.select_wave(wave);
                    self.waves.on_info(format!("{wave} is planned: {} orders. Release it with r.", plan.orders.len()));
                    return;
                }
                Err(e) => Err(e),
            },
            WavesCommand::Release(wave) => {
                self.store.release_wave(&actor, wave).map(|()| format!("{wave} is on the floor."))
            }
            WavesCommand::Cancel(wave, why) => self
                .store
                .cancel_wave(&actor, wave, &why)
                .map(|()| format!("{wave} is cancelled; its orders are ready again.")),
            WavesCommand::Open(wave) => {
                self.open_wave(wave, false);
                return;
            }
            WavesCommand::TakeOver(wave) => {
                self.open_wave(wave, true);
                return;
            }
        };
        self.reload_waves();
        match done {
            Ok(message) => self.waves.on_info(message),
            Err(e) => {
                self.waves.on_error(store_message(&e));
                self.bell = true;
            }
        }
    }

    /// Plans one wave from the ready orders and shows it for confirmation.
    fn plan_wave(&mut self) {
        let rules = self.wave_rules.clone();
        let mut candidates = match self.store.wave_candidates(rules.pool * 4) {
            Ok(candidates) => candidates,
            Err(e) => return self.waves.on_error(store_message(&e)),
        };
        batching::by_urgency(&mut candidates, &rules, self.now);
        match batching::plan_wave(&self.layout, &candidates, &rules) {
            Planned::Wave(plan) => {
                let note = (plan.orders.len() < rules.min_orders).then(|| {
                    format!(
                        "Only {} ready orders fit a cart (the usual minimum is {}).",
                        plan.orders.len(),
                        rules.min_orders
                    )
                });
                self.waves.on_preview(Preview { plan, note });
            }
            Planned::Nothing { too_big } => {
                let why = if too_big > 0 {
                    format!(
                        "No wave: {too_big} ready orders have more units than a tote holds ({}); pick them alone.",
                        rules.units_per_tote
                    )
                } else {
                    "No wave: no order is ready.".to_owned()
                };
                self.waves.on_error(why);
                self.bell = true;
            }
        }
    }

    /// Takes a wave for picking at this station and opens the pick screen.
    pub(super) fn open_wave(&mut self, wave: WaveNumber, take_over: bool) {
        let actor = self.actor();
        let lease_ms = i64::from(self.wave_rules.lease_seconds) * 1_000;
        let opened = self.store.take_wave(&actor, wave, lease_ms, take_over).and_then(|()| self.store.pick_list(wave));
        match opened {
            Ok(list) => {
                self.pick = Some(PickScreen::new(list, self.now, self.store.sell_by()));
                self.active = Active::Pick;
                self.last_heartbeat = self.now;
            }
            Err(e) => {
                self.waves.on_error(store_message(&e));
                self.bell = true;
            }
        }
    }

    /// An action on the pick screen.
    pub(super) fn pick_action(&mut self, action: Action) {
        let Some(pick) = self.pick.as_mut() else { return };
        match action {
            Action::ShortPick => pick.start_short(),
            Action::ToggleWalk => pick.toggle_view(),
            Action::LeaveWave => {
                let wave = pick.wave();
                self.run_pick_command(PickCommand::Leave(wave));
            }
            _ => {}
        }
    }

    /// A key the pick keymap does not bind (counting, short reasons).
    pub(super) fn pick_key(&mut self, key: &crossterm::event::KeyEvent) {
        let command = self.pick.as_mut().and_then(|pick| pick.on_key(key));
        if let Some(command) = command {
            self.run_pick_command(command);
        }
        self.ring_on_pick_error();
    }

    /// A scan on the pick screen; item codes are looked up in the catalogue first.
    pub(super) fn pick_scan(&mut self, scan: Scan, code: &str) {
        let input = match scan {
            Scan::Bin(bin) => PickInput::Bin(bin),
            Scan::Tote(tote) => PickInput::Tote(tote),
            Scan::Quantity(n) => PickInput::Quantity(n),
            Scan::Command(word) => PickInput::Command(word),
            Scan::Gtin(gtin) => self.item_input(&gtin.to_string(), code, None, None),
            Scan::Sku(sku) => self.item_input(&sku, code, None, None),
            Scan::Gs1(elements) => {
                let value = |ai: &str| elements.iter().find(|e| e.ai == ai);
                let Some(gtin) = value("01").or_else(|| value("02")) else {
                    let why = "That GS1 code carries no GTIN: scan the item's own barcode.";
                    self.record_pick_refusal(code, why);
                    return self.pick_error(why.to_owned());
                };
                let lot = value("10").map(|e| e.value.clone());
                let expires = value("17").or_else(|| value("15")).and_then(|e| e.date);
                self.item_input(&gtin.value.clone(), code, lot, expires)
            }
            other => {
                let why = format!("A {} scan does nothing while picking.", other.kind());
                self.record_pick_refusal(code, &why);
                return self.pick_error(why);
            }
        };
        let command = self.pick.as_mut().and_then(|pick| pick.on_scan(input));
        self.record_pick_screen_refusal(code);
        if let Some(command) = command {
            self.run_pick_command(command);
        }
        self.ring_on_pick_error();
    }

    fn item_input(
        &mut self,
        lookup: &str,
        code: &str,
        lot: Option<String>,
        expires_on: Option<chrono::NaiveDate>,
    ) -> PickInput {
        // `SKU-MUG-RED` or `MUG-RED`: the store's own codes, with or without the prefix.
        let plain = lookup.strip_prefix("SKU-").unwrap_or(lookup);
        let sku = [lookup, plain].into_iter().find_map(|code| match self.store.sku_for_code(code) {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "looking up a scanned item failed");
                None
            }
        });
        let code = crate::domain::text::sanitize(code).into_owned();
        PickInput::Item { sku, code, lot, expires_on }
    }

    fn run_pick_command(&mut self, command: PickCommand) {
        let actor = self.actor();
        match command {
            PickCommand::Confirm { wave, stock_id, tote, qty } => {
                match self.store.confirm_pick(&actor, wave, stock_id, &tote, qty) {
                    Ok(done) => {
                        self.reload_pick();
                        let message = if done.wave_picked {
                            format!("{wave} is picked. Take the cart to packing.")
                        } else if done.order_picked {
                            format!("{qty} into {tote}: that order is complete.")
                        } else {
                            format!("{qty} into {tote}.")
                        };
                        if let Some(pick) = self.pick.as_mut() {
                            pick.on_info(message);
                        }
                    }
                    Err(e) => self.pick_error(store_message(&e)),
                }
            }
            PickCommand::Short { wave, stock_id, reason } => {
                match self.store.short_pick(&actor, wave, stock_id, reason) {
                    Ok(outcome) => {
                        let mut parts = Vec::new();
                        if !outcome.moved_to.is_empty() {
                            let bins: Vec<String> = outcome.moved_to.iter().map(ToString::to_string).collect();
                            parts.push(format!("Found elsewhere: added {} to the route.", bins.join(", ")));
                            self.resequence(wave);
                        }
                        if !outcome.short_orders.is_empty() {
                            let orders: Vec<String> = outcome.short_orders.iter().map(ToString::to_string).collect();
                            parts.push(format!("{} left short for the supervisor.", orders.join(", ")));
                        }
                        parts.push("The bin will be counted.".to_owned());
                        let message = parts.join(" ");
                        self.reload_pick();
                        if let Some(pick) = self.pick.as_mut() {
                            pick.on_info(message);
                        }
                    }
                    Err(e) => self.pick_error(store_message(&e)),
                }
            }
            PickCommand::Leave(wave) => {
                if let Err(e) = self.store.leave_wave(&actor, wave) {
                    tracing::error!(error = %e, "cannot give a wave back");
                }
                self.pick = None;
                self.show_waves();
            }
        }
    }

    /// Routes the wave's open stops again (after a short pick added bins).
    fn resequence(&mut self, wave: WaveNumber) {
        let open: Vec<_> = match self.store.pick_list(wave) {
            Ok(list) => {
                list.stops.iter().filter(|s| s.state == crate::domain::wave::StopState::Open).map(|s| s.bin).collect()
            }
            Err(e) => return self.pick_error(store_message(&e)),
        };
        let actor = self.actor();
        let walk = route(&self.layout, &open, Method::Optimal).map(|r| r.sequence).unwrap_or(open);
        if let Err(e) = self.store.resequence_wave(&actor, wave, &walk) {
            self.pick_error(store_message(&e));
        }
    }

    pub(super) fn reload_pick(&mut self) {
        let Some(wave) = self.pick.as_ref().map(PickScreen::wave) else { return };
        match self.store.pick_list(wave) {
            Ok(list) => {
                if let Some(pick) = self.pick.as_mut() {
                    pick.on_list(list);
                }
            }
            Err(e) => self.pick_error(store_message(&e)),
        }
    }

    fn pick_error(&mut self, message: String) {
        if let Some(pick) = self.pick.as_mut() {
            pick.on_error(message);
        }
        self.bell = true;
    }

    fn ring_on_pick_error(&mut self) {
        if self.pick.as_ref().is_some_and(|p| matches!(p.message, Some((crate::screens::order_queue::Tone::Error, _))))
        {
            self.bell = true;
        }
    }

    /// Keeps this station's lease while the wave is open; a lost lease
    /// (taken over by a supervisor) closes the pick screen with a message.
    /// While the waves screen is shown, expired leases are released
    /// (audited) so every station sees those waves free again.
    pub(super) fn heartbeat(&mut self) {
        let every = TimeDelta::seconds(i64::from(self.wave_rules.lease_seconds / 4).max(5));
        if self.now - self.last_heartbeat < every {
            return;
        }
        self.last_heartbeat = self.now;
        if self.active == Active::Waves && self.session.operator.is_some() {
            let actor = self.actor();
            match self.store.release_expired_leases(&actor) {
                Ok(0) => {}
                Ok(_) => self.reload_waves(),
                Err(e) => tracing::warn!(error = %e, "releasing expired wave leases failed"),
            }
        }
        let Some(wave) = self.pick.as_ref().map(PickScreen::wave) else { return };
        let actor = self.actor();
        let lease_ms = i64::from(self.wave_rules.lease_seconds) * 1_000;
        match self.store.renew_lease(&actor, wave, lease_ms) {
            Ok(true) => {}
            Ok(false) => {
                let picked = self.pick.as_ref().is_some_and(|p| p.current().is_none());
                self.pick = None;
                self.show_waves();
                if !picked {
                    self.waves.on_error(format!("{wave} was taken over by another station."));
                    self.bell = true;
                }
            }
            Err(e) => tracing::warn!(error = %e, "renewing a wave lease failed"),
        }
    }
}
