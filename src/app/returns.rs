//! The returns bench: finding the shipment (order number, tracking number,
//! SSCC of our label or RMA), inspecting units, restocking into a bin, and
//! closing with the refund recommendation.

use super::{Active, App, store_message};
use crate::domain::OrderNumber;
use crate::domain::rma::ReturnView;
use crate::scan::Scan;
use crate::screens::returns::{ReturnsCommand, ReturnsInput};
use crate::store::Inspection;

impl App {
    /// The returns screen's state (for tests).
    #[must_use]
    pub fn returns(&self) -> &crate::screens::returns::ReturnsScreen {
        &self.returns
    }

    pub(super) fn show_returns(&mut self) {
        self.active = Active::Returns;
        if let Some(rma) = self.returns.rma() {
            match self.store.return_view(rma) {
                Ok(view) => self.on_return_view(view),
                Err(e) => self.returns.on_error(store_message(&e)),
            }
        }
    }

    pub(super) fn returns_key(&mut self, key: &crossterm::event::KeyEvent) {
        if let Some(command) = self.returns.on_key(key) {
            self.run_returns_command(command);
        }
        self.ring_on_returns_error();
    }

    /// A scan at the returns bench.
    pub(super) fn returns_scan(&mut self, scan: Scan, code: &str) {
        let input = match scan {
            Scan::Order(number) => ReturnsInput::Found(number),
            Scan::Tracking(code) | Scan::Sscc(code) => match self.store.order_for_package(&code) {
                Ok(Some(number)) => ReturnsInput::Found(number),
                Ok(None) => return self.returns_refused(format!("NOT OURS: no package of ours has the code {code}.")),
                Err(e) => return self.returns_refused(store_message(&e)),
            },
            Scan::Rma(n) => {
                let rma = crate::domain::rma::RmaNumber(i64::try_from(n).unwrap_or(i64::MAX));
                match self.store.receive_rma(&self.actor(), rma) {
                    Ok(view) => return self.on_return_view(view),
                    Err(e) => return self.returns_refused(store_message(&e)),
                }
            }
            Scan::Bin(bin) => ReturnsInput::Bin(bin),
            Scan::Command(word) => ReturnsInput::Command(word),
            Scan::Gtin(gtin) => self.returns_item(&gtin.to_string(), code, None, None),
            Scan::Sku(sku) => self.returns_item(&sku, code, None, None),
            Scan::Gs1(elements) => {
                let value = |ai: &str| elements.iter().find(|e| e.ai == ai).map(|e| e.value.clone());
                let Some(gtin) = value("01").or_else(|| value("02")) else {
                    return self.returns_refused("That GS1 code carries no GTIN: scan the item's own barcode.".into());
                };
                self.returns_item(&gtin, code, value("10"), value("21"))
            }
            other => {
                return self.returns_refused(format!("A {} scan does nothing at the returns bench.", other.kind()));
            }
        };
        // An item the order never had, or has all back already, is refused at once.
        if let (ReturnsInput::Item { sku: Some(sku), .. }, Some(view)) = (&input, &self.returns.view)
            && self.returns.step == crate::screens::returns::Step::ScanItem
        {
            let refusal = match view.lines.iter().find(|l| l.sku == *sku) {
                None => Some(crate::domain::rma::ReturnRefusal::NotShipped { sku: sku.clone() }),
                Some(line) if view.lines.iter().filter(|l| l.sku == *sku).all(|l| l.returned >= l.shipped) => {
                    Some(crate::domain::rma::ReturnRefusal::AllReturned { sku: sku.clone(), shipped: line.shipped })
                }
                Some(_) => None,
            };
            if let Some(refusal) = refusal {
                return self.returns_refused(refusal.to_string());
            }
        }
        if let Some(command) = self.returns.on_scan(input) {
            self.run_returns_command(command);
        }
        self.ring_on_returns_error();
    }

    fn returns_item(&mut self, lookup: &str, code: &str, lot: Option<String>, serial: Option<String>) -> ReturnsInput {
        let plain = lookup.strip_prefix("SKU-").unwrap_or(lookup);
        let sku = [lookup, plain].into_iter().find_map(|c| self.store.sku_for_code(c).ok().flatten());
        ReturnsInput::Item { sku, code: crate::domain::text::sanitize(code).into_owned(), lot, serial }
    }

    fn returns_refused(&mut self, message: String) {
        self.returns.raise(message);
        self.bell = true;
    }

    fn ring_on_returns_error(&mut self) {
        let error = matches!(self.returns.message, Some((crate::screens::order_queue::Tone::Error, _)));
        if self.returns.alert.is_some() || error {
            self.bell = true;
        }
    }

    /// Shows an RMA with its refund recommendation so far.
    fn on_return_view(&mut self, view: ReturnView) {
        let units: Vec<(String, crate::domain::rma::Grade, i64)> = view
            .units
            .iter()
            .map(|u| {
                let price = view.lines.iter().find(|l| l.sku == u.sku).map_or(0, |l| l.unit_price_minor);
                (u.reason.clone(), u.grade, price)
            })
            .collect();
        let refund = self.returns_rules.recommend(&units);
        self.returns.on_view(view);
        self.returns.refund = Some((refund.kind().to_owned(), refund.amount_minor()));
    }

    fn run_returns_command(&mut self, command: ReturnsCommand) {
        let actor = self.actor();
        match command {
            ReturnsCommand::Open(order) => self.open_return(order),
            ReturnsCommand::Inspect { rma, sku, lot, serial, reason, grade, disposition, note } => {
                let price = match self.store.return_view(rma) {
                    Ok(view) => view.lines.iter().find(|l| l.sku == sku).map_or(0, |l| l.unit_price_minor),
                    Err(e) => return self.returns_refused(store_message(&e)),
                };
                let unit = Inspection {
                    sku: sku.clone(),
                    lot,
                    serial,
                    reason,
                    grade,
                    disposition,
                    note,
                    refund_minor: self.returns_rules.unit_refund(grade, price),
                };
                match self.store.inspect_unit(&actor, rma, &unit) {
                    Ok(Ok(view)) => {
                        let last = view.units.last().map(|u| u.id);
                        self.on_return_view(view);
                        if disposition == crate::domain::rma::Disposition::Restock
                            && let Some(unit_id) = last
                        {
                            let bin = self.store.suggest_restock_bin(&sku).ok().flatten();
                            self.returns.restock(unit_id, sku, bin);
                        } else {
                            self.returns.on_info(format!("{sku}: {grade}, {disposition}. Scan the next item."));
                        }
                    }
                    Ok(Err(refusal)) => self.returns_refused(refusal.to_string()),
                    Err(e) => self.returns_refused(store_message(&e)),
                }
            }
            ReturnsCommand::Restock { rma, unit_id, bin } => match self.store.restock_unit(&actor, unit_id, bin) {
                Ok(()) => {
                    if let Ok(view) = self.store.return_view(rma) {
                        self.on_return_view(view);
                    }
                    self.returns.on_info(format!("Back in {bin}. Scan the next item."));
                }
                Err(e) => self.returns_refused(store_message(&e)),
            },
            ReturnsCommand::Close(rma) => {
                let (kind, amount) = self.returns.refund.clone().unwrap_or_else(|| ("none".into(), 0));
                match self.store.close_rma(&actor, rma, &kind, amount) {
                    Ok(()) => {
                        if let Ok(view) = self.store.return_view(rma) {
                            let money = crate::widgets::format::money(amount, &view.currency);
                            self.on_return_view(view);
                            self.returns.on_info(format!("{rma} closed: refund {kind} {money}. Scan the next return."));
                        }
                    }
                    Err(e) => self.returns_refused(store_message(&e)),
                }
            }
        }
    }

    fn open_return(&mut self, order: OrderNumber) {
        match self.store.receive_return(&self.actor(), order) {
            Ok(view) => {
                let flag = if view.announced { "" } else { " (unannounced)" };
                let rma = view.rma;
                self.on_return_view(view);
                self.returns.on_info(format!("{rma} for {order}{flag}: scan each item."));
            }
            Err(e) => self.returns_refused(store_message(&e)),
        }
    }
}
