//! The pack station: opening orders from totes, verified scans, undo, the
//! carton, the weight check (with a supervisor's approval when outside the
//! tolerance), the carrier service, completing into shipments, labels to the
//! printer, reprints and the end-of-day manifest.

use std::time::Duration;

use super::action::Action;
use super::{Active, App, store_message};
use crate::config::Config;
use crate::domain::pack::{PackOrder, PackRefusal};
use crate::domain::{OrderNumber, Role};
use crate::labels::{LabelData, PrinterConfig, ShipperConfig, SlipData, SlipLine};
use crate::planning::cartonization::{self, Carton, Item, Package};
use crate::planning::shipping::{self, RateTable, WeightRules};
use crate::scan::Scan;
use crate::screens::pack::{PackCommand, PackInput};
use crate::store::{NewPackage, PackageIds};

/// What packing needs from the config.
#[derive(Debug, Clone)]
pub struct Shipping {
    cartons: Vec<Carton>,
    weight: WeightRules,
    scale: Option<crate::sync::scale::ScaleAddr>,
    scale_timeout: Duration,
    rates: RateTable,
    printer: PrinterConfig,
    shipper: ShipperConfig,
    customs_free: Vec<String>,
}

impl Shipping {
    /// From a loaded config; a rate table file that cannot be read falls
    /// back to the bundled table (the error is logged).
    #[must_use]
    pub fn from_config(config: &Config) -> Self {
        let rates = config.rates.table().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the rate table cannot be read; using the bundled one");
            RateTable::bundled()
        });
        Self {
            cartons: config.packing.cartons.clone(),
            weight: config.weighing.rules(),
            scale: config.weighing.scale(),
            scale_timeout: Duration::from_millis(config.weighing.scale_timeout_ms),
            rates,
            printer: config.printer.clone(),
            shipper: config.shipper.clone(),
            customs_free: config.rules.customs_free.clone(),
        }
    }
}

impl App {
    /// Packing, shipping and printing as the config says.
    pub fn set_shipping(&mut self, config: &Config) {
        self.shipping = Shipping::from_config(config);
        self.returns_rules = config.returns.clone();
        self.returns.reasons.clone_from(&config.returns.reasons);
        self.returns.defaults = config.returns.grades.iter().map(|g| (g.grade, g.disposition)).collect();
    }

    /// The pack screen's state (for tests).
    #[must_use]
    pub fn pack(&self) -> &crate::screens::pack::PackScreen {
        &self.pack
    }

    pub(super) fn show_pack(&mut self) {
        self.active = Active::Pack;
        self.reload_pack();
    }

    pub(super) fn reload_pack(&mut self) {
        let Some(number) = self.pack.number() else { return };
        match self.store.pack_order(number) {
            Ok(order) => self.on_pack_order(order),
            Err(e) => self.pack.on_error(store_message(&e)),
        }
    }

    pub(super) fn pack_action(&mut self, action: Action) {
        let command = match action {
            Action::UndoPackScan => self.pack.number().map(PackCommand::Undo),
            Action::ReprintLabels => self.pack.number().map(PackCommand::Reprint),
            Action::CloseManifest => {
                self.close_manifests();
                None
            }
            _ => None,
        };
        if let Some(command) = command {
            self.run_pack_command(command);
        }
    }

    pub(super) fn pack_key(&mut self, key: &crossterm::event::KeyEvent) {
        if let Some(command) = self.pack.on_key(key) {
            self.run_pack_command(command);
        }
    }

    /// A scan at the pack station; items are looked up in the catalogue first.
    pub(super) fn pack_scan(&mut self, scan: Scan, code: &str) {
        let input = match scan {
            Scan::Tote(tote) => match self.store.order_in_tote(&tote) {
                Ok(order) => PackInput::Tote { tote, order },
                Err(e) => return self.pack_refused(store_message(&e)),
            },
            Scan::Order(number) => PackInput::Order(number),
            Scan::Quantity(n) => PackInput::Quantity(n),
            Scan::Carton(code) => PackInput::Carton(code.trim_start_matches("BOX-").to_owned()),
            Scan::Command(word) => PackInput::Command(word),
            Scan::Badge(badge) => PackInput::Badge(badge),
            Scan::Gtin(gtin) => self.pack_item(&gtin.to_string(), code, None, None),
            Scan::Sku(sku) => self.pack_item(&sku, code, None, None),
            Scan::Gs1(elements) => {
                let value = |ai: &str| elements.iter().find(|e| e.ai == ai).map(|e| e.value.clone());
                let Some(gtin) = value("01").or_else(|| value("02")) else {
                    let why = "That GS1 code carries no GTIN: scan the item's own barcode.";
                    self.record_pack_refusal(code, why);
                    return self.pack_refused(why.into());
                };
                self.pack_item(&gtin, code, value("10"), value("21"))
            }
            other => {
                let why = format!("A {} scan does nothing at the pack station.", other.kind());
                self.record_pack_refusal(code, &why);
                return self.pack_refused(why);
            }
        };
        let had_alert = self.pack.alert.is_some();
        let command = self.pack.on_scan(input);
        self.record_pack_screen_refusal(had_alert, code);
        if self.pack.alert.is_some() || matches!(self.pack.message, Some((crate::screens::order_queue::Tone::Error, _)))
        {
            self.bell = true;
        }
        if let Some(command) = command {
            self.run_pack_command(command);
        }
    }

    fn pack_item(&mut self, lookup: &str, code: &str, lot: Option<String>, serial: Option<String>) -> PackInput {
        let plain = lookup.strip_prefix("SKU-").unwrap_or(lookup);
        let sku = [lookup, plain].into_iter().find_map(|c| self.store.sku_for_code(c).ok().flatten());
        PackInput::Item { sku, code: crate::domain::text::sanitize(code).into_owned(), lot, serial }
    }

    /// A scan that could not be read at the pack station: the banner, a bell.
    pub(super) fn pack_refused_scan(&mut self, message: String) {
        self.pack_refused(message);
    }

    fn pack_refused(&mut self, message: String) {
        self.pack.raise(message);
        self.bell = true;
    }

    fn on_pack_order(&mut self, mut order: PackOrder) {
        order.customs = !self.shipping.customs_free.iter().any(|c| c.eq_ignore_ascii_case(&order.country));
        let complete = order.complete() && order.packages.is_empty();
        self.pack.suggestion = complete.then(|| {
            let packing = cartonization::suggest(&self.shipping.cartons, &items(&order));
            let named = |p: &Package| {
                p.carton
                    .as_ref()
                    .map_or_else(|| "its own packaging (too big for any carton)".to_owned(), |c| format!("carton {c}"))
            };
            packing.packages.iter().map(named).collect::<Vec<_>>().join(" + ")
        });
        self.pack.on_order(order);
    }

    pub(super) fn run_pack_command(&mut self, command: PackCommand) {
        let actor = self.actor();
        match command {
            PackCommand::Open(number) => match self.store.pack_open(&actor, number) {
                Ok(Ok(order)) => {
                    self.pack_recent.retain(|n| *n != number);
                    self.pack_recent.push(number);
                    if self.pack_recent.len() > 8 {
                        self.pack_recent.remove(0);
                    }
                    let shipped = !order.packages.is_empty();
                    self.on_pack_order(order);
                    self.pack.on_info(if shipped {
                        format!("{number} is packed already. CMD-REPRINT prints its labels again.")
                    } else {
                        format!("{number}: scan every unit.")
                    });
                }
                Ok(Err(refusal)) => self.pack_refused(refusal.to_string()),
                Err(e) => self.pack_refused(store_message(&e)),
            },
            PackCommand::Verify { order, sku, qty, lot, serial } => {
                match self.store.pack_scan(&actor, order, &sku, qty, lot.as_deref(), serial.as_deref()) {
                    Ok(Ok(updated)) => {
                        let done = updated.complete();
                        let line = updated.lines.iter().find(|l| l.sku == sku).map(|l| (l.scanned, l.expected));
                        self.on_pack_order(updated);
                        self.pack.on_info(match (done, line) {
                            (true, _) => "All units verified: pack, weigh, then Enter or CMD-CONFIRM.".to_owned(),
                            (false, Some((scanned, expected))) => format!("✔ {sku} {scanned}/{expected}"),
                            (false, None) => format!("✔ {sku}"),
                        });
                    }
                    Ok(Err(PackRefusal::WrongItem { sku })) => {
                        let refusal = self.other_order_with(order, &sku).map_or(
                            PackRefusal::WrongItem { sku: sku.clone() },
                            |other| PackRefusal::OtherOrder { sku: sku.clone(), order: other },
                        );
                        self.record_verify_refusal(order, &sku, &refusal);
                        self.pack_refused(refusal.to_string());
                    }
                    Ok(Err(refusal)) => {
                        self.record_verify_refusal(order, &sku, &refusal);
                        self.pack_refused(refusal.to_string());
                    }
                    Err(e) => self.pack_refused(store_message(&e)),
                }
            }
            PackCommand::Undo(number) => match self.store.pack_undo(&actor, number) {
                Ok(Some((sku, qty))) => {
                    self.reload_pack();
                    self.pack.on_info(format!("Took back {qty} × {sku}."));
                }
                Ok(None) => self.pack.on_error("Nothing to take back.".into()),
                Err(e) => self.pack_refused(store_message(&e)),
            },
            PackCommand::Complete { order, grams, carton, approved_by } => {
                self.complete(order, grams, carton.as_deref(), approved_by.as_deref());
            }
            PackCommand::Reprint(number) => match self.store.pack_order(number) {
                Ok(order) if !order.packages.is_empty() => {
                    let printed = self.print(&order);
                    self.report_print(printed, "Labels printed again.");
                }
                Ok(_) => self.pack.on_error(format!("{number} has no labels yet: complete the pack first.")),
                Err(e) => self.pack.on_error(store_message(&e)),
            },
            PackCommand::Approve { badge, pin } => {
                let supervisor = self.store.operator(&badge).ok().flatten().filter(|o| o.role == Role::Supervisor);
                let pin_ok = supervisor.is_some() && self.store.verify_pin(&badge, &pin).unwrap_or(false);
                if pin_ok {
                    if let Some(command) = self.pack.approved(&badge) {
                        self.run_pack_command(command);
                    }
                } else {
                    if let Some(hold) = self.pack.weight_hold.as_mut() {
                        hold.badge = None;
                    }
                    self.pack_refused(format!("{badge} cannot approve: a supervisor's badge and PIN are needed."));
                }
            }
        }
    }

    /// Another order opened at this station that has `sku` (the packer put
    /// an item in the wrong order), if any.
    fn other_order_with(&self, current: OrderNumber, sku: &str) -> Option<OrderNumber> {
        self.pack_recent
            .iter()
            .copied()
            .filter(|n| *n != current)
            .find(|n| self.store.order_has_sku(*n, sku).unwrap_or(false))
    }

    /// Weighs, checks the weight, chooses the service, completes the pack and prints.
    fn complete(&mut self, number: OrderNumber, grams: Option<u32>, carton: Option<&str>, approved_by: Option<&str>) {
        let order = match self.store.pack_order(number) {
            Ok(order) => order,
            Err(e) => return self.pack_refused(store_message(&e)),
        };
        let items = items(&order);
        let packing = match carton {
            Some(code) => match cartonization::with_carton(&self.shipping.cartons, code, &items) {
                Ok(package) => vec![package],
                Err(e) => return self.pack_refused(format!("CARTON {code} WILL NOT DO: {e}")),
            },
            None => cartonization::suggest(&self.shipping.cartons, &items).packages,
        };
        let expected: u32 = packing.iter().map(|p| p.weight_g).sum();
        let measured = match grams {
            Some(g) => g,
            None => match &self.shipping.scale {
                Some(addr) => {
                    match crate::sync::scale::read_weight(addr, self.shipping.scale_timeout, shipping::parse_scale_line)
                    {
                        Ok(g) => g,
                        Err(e) => return self.pack.on_error(format!("{e}; or type the weight in grams")),
                    }
                }
                None => {
                    return self
                        .pack
                        .on_error(format!("Type the weight in grams (expected about {expected} g), then Enter."));
                }
            },
        };
        if approved_by.is_none() {
            let verdict = shipping::check_weight(expected, measured, &self.shipping.weight);
            if !verdict.is_ok() {
                self.pack.hold_weight(
                    format!("WEIGHT: {} ({measured} g, expected {expected} g)", verdict.message()),
                    measured,
                );
                self.bell = true;
                return;
            }
        }
        let choice = match shipping::choose(
            &self.shipping.rates,
            &order.carrier_service,
            &order.country,
            measured,
            self.now,
            order.ship_by,
            None,
        ) {
            Ok(choice) => choice,
            Err(e) => return self.pack_refused(format!("NO CARRIER SERVICE: {e}")),
        };
        let single = packing.len() == 1;
        let packages: Vec<NewPackage> = packing
            .iter()
            .map(|p| NewPackage {
                carton: carton_name(p),
                weight_g: p.weight_g.max(1),
                measured_g: single.then_some(measured),
            })
            .collect();
        let shipper = self.shipping.shipper.clone();
        let mut failed = None;
        let mut ids = |serial: i64| {
            let serial = u64::try_from(serial).unwrap_or(0);
            match (shipper.sscc(serial), shipper.tracking(3, serial)) {
                (Ok(sscc), Ok(tracking)) => PackageIds { tracking: tracking.to_string(), sscc: sscc.to_string() },
                (Err(e), _) | (_, Err(e)) => {
                    failed = Some(e.to_string());
                    PackageIds { tracking: String::new(), sscc: String::new() }
                }
            }
        };
        let actor = self.actor();
        let note = approved_by.map_or_else(String::new, |badge| format!("weight {measured} g approved by {badge}"));
        let done =
            self.store.complete_pack(&actor, number, &packages, (&choice.carrier, &choice.service), &note, &mut ids);
        if let Some(e) = failed {
            return self.pack_refused(format!("CANNOT NUMBER THE PACKAGE: {e}; check [shipper] in the config"));
        }
        match done {
            Ok(_) => {
                // The shipment's outbox row goes to the channel without waiting for the next look.
                self.sync_push_now();
                self.reload_pack();
                let order = self.pack.order.clone();
                let printed = order.as_ref().map_or(Ok(()), |o| self.print(o));
                let late = if choice.late { " (it will be late)" } else { "" };
                self.report_print(printed, &format!("{number} is packed, {}{late}. Labels printed.", choice.service));
            }
            Err(e) => self.pack_refused(store_message(&e)),
        }
    }

    /// Prints every package's label and the packing slip. A spool folder is
    /// written at once; a network printer gets its jobs from a thread (the
    /// console never waits on the network), and a failure shows on the next tick.
    fn print(&self, order: &PackOrder) -> Result<(), String> {
        let printer = self.shipping.printer.printer(self.store.path());
        let mut jobs = Vec::new();
        let ship_to = self.store.order_as_received(order.number).ok().flatten().map(|o| o.address).unwrap_or_default();
        for package in &order.packages {
            let (Ok(tracking), Ok(sscc)) = (package.tracking.parse(), package.sscc.parse()) else {
                return Err(format!("package {} has a malformed tracking number or SSCC", package.package_no));
            };
            let label = LabelData {
                ship_from: self.shipping.shipper.ship_from(),
                ship_to: ship_to.clone(),
                carrier: package.service.clone(),
                service: order.service.clone(),
                order: order.number,
                package: package.package_no,
                packages: package.packages,
                weight_grams: Some(package.weight_g),
                tracking,
                sscc,
            };
            let name = format!("label-{}-{}", order.number, package.package_no);
            jobs.push((name, crate::labels::shipping_label(&label)));
        }
        let slip = SlipData {
            order: order.number,
            customer: order.customer.clone(),
            lines: order
                .lines
                .iter()
                .map(|l| SlipLine { sku: l.sku.clone(), title: l.title.clone(), qty: l.expected })
                .collect(),
            gift_note: order.gift_note().map(str::to_owned),
        };
        jobs.push((format!("slip-{}", order.number), crate::labels::packing_slip(&slip)));
        let send_all = move |printer: &crate::labels::Printer| -> Result<(), String> {
            for (name, zpl) in &jobs {
                crate::labels::send(printer, name, zpl).map_err(|e| e.to_string())?;
            }
            Ok(())
        };
        match printer {
            crate::labels::Printer::Spool { .. } => send_all(&printer),
            crate::labels::Printer::Tcp { .. } => {
                let failures = std::sync::Arc::clone(&self.print_failures);
                std::thread::spawn(move || {
                    if let Err(e) = send_all(&printer) {
                        tracing::error!(error = %e, "printing failed");
                        if let Ok(mut failed) = failures.lock() {
                            failed.push(e);
                        }
                    }
                });
                Ok(())
            }
        }
    }

    /// Shows a print job that failed in the background (called on every tick).
    pub(super) fn print_failures(&mut self) -> bool {
        let failed: Vec<String> = self.print_failures.lock().map(|mut f| std::mem::take(&mut *f)).unwrap_or_default();
        let Some(last) = failed.last() else { return false };
        self.pack.on_error(format!("{last}. The pack is saved: CMD-REPRINT once the printer is back."));
        self.bell = true;
        true
    }

    fn report_print(&mut self, printed: Result<(), String>, done: &str) {
        match printed {
            Ok(()) => self.pack.on_info(done.to_owned()),
            Err(e) => {
                self.pack.on_error(format!("{e}. The pack is saved: CMD-REPRINT once the printer is back."));
                self.bell = true;
            }
        }
    }

    /// End of day: closes a manifest per carrier with packed packages.
    fn close_manifests(&mut self) {
        let actor = self.actor();
        let open = match self.store.open_manifests() {
            Ok(open) => open,
            Err(e) => return self.pack.on_error(store_message(&e)),
        };
        if open.is_empty() {
            return self.pack.on_info("No packed packages are waiting for a manifest.".into());
        }
        let mut done = Vec::new();
        for (carrier, _) in open {
            match self.store.close_manifest(&actor, &carrier) {
                Ok(m) => done.push(format!(
                    "{} manifest {}: {} packages of {} orders shipped{}",
                    m.carrier,
                    m.id,
                    m.packages,
                    m.orders,
                    match m.held_back {
                        0 => String::new(),
                        n => format!(" ({n} cancelled at the channel held back for the supervisor)"),
                    }
                )),
                Err(e) => return self.pack.on_error(store_message(&e)),
            }
        }
        self.pack.on_info(format!("{}. `packline report manifest` lists them.", done.join("; ")));
    }
}

/// One packing item per unit of the order.
fn items(order: &PackOrder) -> Vec<Item> {
    order
        .lines
        .iter()
        .flat_map(|l| std::iter::repeat_n(Item::new(l.sku.clone(), l.dims_mm, l.weight_g), l.expected as usize))
        .collect()
}

/// A package's carton code, or `OWN` for an item that ships in its own packaging.
fn carton_name(package: &Package) -> String {
    package.carton.clone().unwrap_or_else(|| "OWN".to_owned())
}
