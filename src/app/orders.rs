//! Supervisor actions on the selected order: priority, hold, release (which
//! validates the order again) and cancel, each audited with who and why.

use super::App;
use super::action::Action;
use crate::domain::{HoldReason, OrderStatus};
use crate::screens::address_form::{AddressForm, FormOutcome};
use crate::screens::order_queue::{Prompt, QueueCommand};

impl App {
    /// Moves the selected order's priority by `step` (negative: more urgent).
    pub(super) fn change_priority(&mut self, step: i64) {
        let Some(row) = self.queue.selected_row() else { return };
        let (number, priority) = (row.number(), (row.priority + step).clamp(1, 9));
        let actor = self.actor();
        let done = self.store.set_priority(&actor, number, priority).map(|()| "Priority changed.".to_owned());
        self.after_order_action(done);
    }

    /// Runs a confirmed hold, release or cancel.
    pub(super) fn run_prompt(&mut self, prompt: &Prompt) {
        let actor = self.actor();
        let why = prompt.input.trim();
        let number = prompt.number;
        let done = match prompt.action {
            Action::HoldOrder => {
                self.store.hold_order(&actor, number, HoldReason::Manual, why).map(|()| format!("{number} is on hold."))
            }
            Action::ReleaseOrder => self.release(number, why),
            Action::CancelOrder => self
                .store
                .transition_order(&actor, number, OrderStatus::Cancelled, why)
                .map(|()| format!("{number} is cancelled.")),
            _ => return,
        };
        self.after_order_action(done);
    }

    /// Announces a return (an RMA, `expected`) for the selected shipped order.
    pub(super) fn announce_return(&mut self) {
        let Some(number) = self.queue.selected_row().map(crate::domain::queue::QueueRow::number) else { return };
        let actor = self.actor();
        let done = self
            .store
            .create_rma(&actor, number, "announced from the order queue")
            .map(|rma| format!("{rma} announced for {number}: print it or tell the customer; the bench scans it."));
        self.after_order_action(done);
    }

    /// Opens the address form for the selected order.
    pub(super) fn edit_address(&mut self) {
        let Some(number) = self.queue.selected_row().map(crate::domain::queue::QueueRow::number) else { return };
        match self.store.order_as_received(number) {
            Ok(Some(order)) => self.address_form = Some(AddressForm::new(number, &order.address)),
            Ok(None) => self.queue.on_error(format!("Order {number} no longer exists.")),
            Err(e) => self.queue.on_error(super::store_message(&e)),
        }
    }

    /// A key for the open address form.
    pub(super) fn address_form_key(&mut self, key: &crossterm::event::KeyEvent) {
        let Some(form) = self.address_form.as_mut() else { return };
        match form.key(key) {
            FormOutcome::Editing => {}
            FormOutcome::Cancel => self.address_form = None,
            FormOutcome::Save(address) => {
                let number = form.number;
                self.address_form = None;
                let actor = self.actor();
                let done = self.store.correct_address(&actor, number, address.as_ref()).and_then(|()| {
                    // A held order is checked again at once: corrected, it may go on.
                    if self.store.order_status(number)? == OrderStatus::Held {
                        self.release(number, "address corrected")
                    } else {
                        Ok(format!("The address of {number} is corrected."))
                    }
                });
                self.after_order_action(done);
            }
        }
    }

    /// Releases the holds and validates the order again with today's rules and catalogue.
    fn release(&mut self, number: crate::domain::OrderNumber, why: &str) -> crate::store::Result<String> {
        let actor = self.actor();
        let Some(order) = self.store.order_as_received(number)? else {
            return Err(crate::store::StoreError::OrderNotFound(number));
        };
        let codes: Vec<&str> = order.lines.iter().map(|l| l.sku.as_str()).collect();
        let facts = self.store.sku_facts(&codes)?;
        let verdict = crate::planning::rules::validate(&order, &self.rules, &facts);
        Ok(match self.store.release_order(&actor, number, &verdict, why)? {
            OrderStatus::Ready => format!("{number} is released and ready: its stock is reserved."),
            OrderStatus::Backordered => format!("{number} is released but backordered: not enough stock."),
            _ => {
                let reasons: Vec<&str> = verdict.holds.iter().map(|r| r.short_label()).collect();
                format!("{number} is still held: {}.", reasons.join(", "))
            }
        })
    }

    /// Shows the outcome and re-reads what changed.
    fn after_order_action(&mut self, done: crate::store::Result<String>) {
        match done {
            Ok(message) => {
                self.refresh_counts();
                self.queue.detail = None;
                let command = match &self.queue.results {
                    Some(results) => crate::domain::queue::SearchQuery::parse(&results.query).map(QueueCommand::Search),
                    None => Some(self.queue.reload_in_place()),
                };
                if let Some(command) = command {
                    self.run_command(command);
                }
                self.load_wanted_detail();
                self.queue.message = Some((crate::screens::order_queue::Tone::Info, message));
            }
            Err(e) => {
                self.queue.on_error(super::store_message(&e));
                self.bell = true;
            }
        }
    }
}
