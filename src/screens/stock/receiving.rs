//! The Receiving tab's input: opening a delivery, receiving item scans and
//! packages, marking damage, undoing the last scan, and closing with a
//! reason for every line that differs; and the deliveries the app hands in.

use crossterm::event::KeyCode;

use super::{ReceivingStep, StockCommand, StockInput, StockScreen, Tab, digit, moved};
use crate::domain::inbound::{
    Difference, ReceiptLineView, ReceiptStatus, ReceiptSummary, ReceiptView, ReceiveUnits, Received,
};

/// `expected 10, arrived 12 (+2 over)`, with damaged units named.
#[must_use]
pub fn describe_difference(line: &ReceiptLineView) -> String {
    let arrived = line.received.saturating_add(line.damaged);
    let difference = match line.difference() {
        _ if line.expected == 0 => "not expected".to_owned(),
        Difference::Over(n) => format!("+{n} over"),
        Difference::Short(n) => format!("-{n} short"),
        Difference::Exact => "all there".to_owned(),
    };
    let damaged = if line.damaged > 0 { format!(", {} damaged", line.damaged) } else { String::new() };
    format!("expected {}, arrived {arrived} ({difference}{damaged})", line.expected)
}

impl StockScreen {
    /// An item, package or bin scanned on the Receiving tab.
    pub(super) fn receiving_scan(&mut self, input: StockInput) -> Option<StockCommand> {
        match input {
            StockInput::Sscc(sscc) => {
                if self.receipt.is_some() && matches!(self.step, ReceivingStep::Close { .. }) {
                    self.on_error("Closing: pick the reason for this line (1-9), or Esc to cancel the close.".into());
                    return None;
                }
                Some(StockCommand::ReceivePackage { sscc })
            }
            StockInput::Item { sku, code, lot, expires_on, count } => {
                let Some(receipt) = self.receipt.as_ref().map(|r| r.id) else {
                    self.on_error("Open a delivery first (Enter) or scan its package's SSCC.".into());
                    return None;
                };
                match self.step {
                    ReceivingStep::DamageReason => {
                        self.on_error("Pick the damage reason first (1-9), or Esc.".into());
                        return None;
                    }
                    ReceivingStep::Close { .. } => {
                        self.on_error(
                            "Closing: pick the reason for this line (1-9), or Esc to cancel the close.".into(),
                        );
                        return None;
                    }
                    ReceivingStep::Scan | ReceivingStep::Damaged(_) => {}
                }
                let Some(sku) = sku else {
                    self.raise(format!("UNKNOWN ITEM: {code} is not in the catalogue. Set it aside."));
                    return None;
                };
                let qty = self.take_units(count)?;
                let damaged = match std::mem::replace(&mut self.step, ReceivingStep::Scan) {
                    ReceivingStep::Damaged(reason) => Some(reason),
                    _ => None,
                };
                Some(StockCommand::Receive { receipt, units: ReceiveUnits { sku, qty, lot, expires_on, damaged } })
            }
            StockInput::Bin(bin) => {
                self.on_error(format!("Bin {bin}: bins are scanned on the Putaway and Counts tabs."));
                None
            }
            StockInput::Quantity(_) | StockInput::Command(_) => None,
        }
    }

    /// A key on the Receiving tab (Tab, BackTab and Esc are handled before).
    pub(super) fn receiving_key(&mut self, code: KeyCode) -> Option<StockCommand> {
        if self.receipt.is_none() {
            if let Some(selected) = moved(code, self.selected_receipt, self.receipts.len()) {
                self.selected_receipt = selected;
                return None;
            }
            return match code {
                KeyCode::Enter => {
                    let id = self.receipts.get(self.selected_receipt).map(|r| r.id);
                    if id.is_none() {
                        self.on_info("No delivery to open: scan a package's SSCC, or wait for one.".into());
                    }
                    id.map(StockCommand::OpenReceipt)
                }
                KeyCode::Char('d' | 'u' | 'c') => {
                    self.on_error("Open a delivery first (Enter) or scan its package's SSCC.".into());
                    None
                }
                _ => None,
            };
        }
        match &self.step {
            ReceivingStep::DamageReason => {
                if let Some(reason) = digit(code).and_then(|d| self.receiving_reasons.get(d - 1)).cloned() {
                    self.on_warning(format!("Next item scan is received DAMAGED ({reason}). Esc disarms."));
                    self.step = ReceivingStep::Damaged(reason);
                }
                None
            }
            ReceivingStep::Close { .. } => self.close_reason(digit(code)),
            ReceivingStep::Scan | ReceivingStep::Damaged(_) => match code {
                KeyCode::Char('d') => {
                    if self.receiving_reasons.is_empty() {
                        self.on_error("No receiving reasons are configured: ask a supervisor.".into());
                    } else {
                        self.step = ReceivingStep::DamageReason;
                    }
                    None
                }
                KeyCode::Char('u') => self.undo(),
                KeyCode::Char('c') => self.close_receipt(),
                code => {
                    let len = self.receipt.as_ref().map_or(0, |r| r.lines.len());
                    if let Some(top) = moved(code, self.lines_top, len) {
                        self.lines_top = top;
                    }
                    None
                }
            },
        }
    }

    /// `u` or CMD-UNDO: take back the last scan on the open delivery.
    pub(super) fn undo(&mut self) -> Option<StockCommand> {
        let Some(receipt) = self.receipt.as_ref().map(|r| r.id) else {
            self.on_error("Open a delivery first (Enter) or scan its package's SSCC.".into());
            return None;
        };
        if !matches!(self.step, ReceivingStep::Scan | ReceivingStep::Damaged(_)) {
            self.on_error("Finish this step first (pick a reason), or Esc.".into());
            return None;
        }
        self.step = ReceivingStep::Scan;
        Some(StockCommand::UndoReceive { receipt })
    }

    /// `c` or CMD-CONFIRM: close at once when every line is exact, else ask a
    /// reason for each line that differs.
    pub(super) fn close_receipt(&mut self) -> Option<StockCommand> {
        let Some(view) = &self.receipt else {
            self.on_error("Open a delivery first (Enter) or scan its package's SSCC.".into());
            return None;
        };
        if !matches!(self.step, ReceivingStep::Scan | ReceivingStep::Damaged(_)) {
            self.on_error("Finish this step first (pick a reason), or Esc.".into());
            return None;
        }
        let receipt = view.id;
        let lines: Vec<i64> = view.differences().iter().map(|l| l.line_no).collect();
        if lines.is_empty() {
            self.step = ReceivingStep::Scan;
            return Some(StockCommand::CloseReceipt { receipt, reasons: Vec::new() });
        }
        if self.receiving_reasons.is_empty() {
            self.on_error("Lines differ but no receiving reasons are configured: ask a supervisor.".into());
            return None;
        }
        self.step = ReceivingStep::Close { lines, reasons: Vec::new() };
        None
    }

    /// A reason picked for the current differing line; the last one closes.
    fn close_reason(&mut self, choice: Option<usize>) -> Option<StockCommand> {
        let reason = choice.and_then(|d| self.receiving_reasons.get(d - 1)).cloned()?;
        let receipt = self.receipt.as_ref()?.id;
        let ReceivingStep::Close { lines, reasons } = &mut self.step else { return None };
        let line = *lines.get(reasons.len())?;
        reasons.push((line, reason));
        if reasons.len() < lines.len() {
            return None;
        }
        let reasons = std::mem::take(reasons);
        self.step = ReceivingStep::Scan;
        Some(StockCommand::CloseReceipt { receipt, reasons })
    }

    /// Esc on the Receiving tab: disarm damage, cancel a close, or leave the delivery.
    pub(super) fn receiving_escape(&mut self) -> Option<StockCommand> {
        self.receipt.as_ref()?;
        match std::mem::replace(&mut self.step, ReceivingStep::Scan) {
            ReceivingStep::DamageReason | ReceivingStep::Damaged(_) => {
                self.on_info("Damage disarmed: item scans are received as good.".into());
                None
            }
            ReceivingStep::Close { .. } => {
                self.on_info("Close cancelled: nothing stored.".into());
                None
            }
            ReceivingStep::Scan => {
                self.receipt = None;
                self.lines_top = 0;
                Some(StockCommand::Reload(Tab::Receiving))
            }
        }
    }

    /// A fresh list of open deliveries; the selection stays on the same one.
    pub fn on_receipts(&mut self, rows: Vec<ReceiptSummary>) {
        let id = self.receipts.get(self.selected_receipt).map(|r| r.id);
        self.selected_receipt = id
            .and_then(|id| rows.iter().position(|r| r.id == id))
            .unwrap_or_else(|| self.selected_receipt.min(rows.len().saturating_sub(1)));
        self.receipts = rows;
    }

    /// A fresh copy after open/receive/undo/close; a closed delivery is left
    /// (back to the list, with an info message).
    pub fn on_receipt(&mut self, view: ReceiptView) {
        let same = self.receipt.as_ref().is_some_and(|r| r.id == view.id);
        if view.status == ReceiptStatus::Closed {
            if same || self.receipt.is_none() {
                self.receipt = None;
                self.step = ReceivingStep::Scan;
                self.lines_top = 0;
            }
            self.receipts.retain(|r| r.id != view.id);
            self.selected_receipt = self.selected_receipt.min(self.receipts.len().saturating_sub(1));
            self.on_info(format!("{} closed: its units wait for putaway.", view.reference));
            return;
        }
        if !same {
            self.step = ReceivingStep::Scan;
            self.lines_top = 0;
        }
        if let Some(i) = self.receipts.iter().position(|r| r.id == view.id) {
            self.selected_receipt = i;
        }
        self.receipt = Some(view);
    }

    /// After a Receive: what the scan did to its line (the app rings the bell
    /// for over and unexpected units, then passes the fresh delivery).
    pub fn on_received(&mut self, received: Received) {
        let Received { line, unexpected } = received;
        let arrived = line.received.saturating_add(line.damaged);
        let damaged = if line.damaged > 0 { format!(" ({} damaged)", line.damaged) } else { String::new() };
        let sku = &line.sku;
        if unexpected || line.expected == 0 {
            self.on_warning(format!("{sku}: {arrived} received{damaged} — NOT EXPECTED on this delivery"));
            return;
        }
        let expected = line.expected;
        match line.difference() {
            Difference::Over(n) => {
                self.on_warning(format!("{sku}: {arrived} of {expected}{damaged} — OVER by {n}"));
            }
            Difference::Short(n) => {
                self.on_info(format!("{sku}: {arrived} of {expected}{damaged} — {n} to come"));
            }
            Difference::Exact => {
                self.on_info(format!("{sku}: {arrived} of {expected}{damaged} — complete ✓"));
            }
        }
    }
}
