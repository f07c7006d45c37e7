//! State tests of the stock screen: the exact commands each scan and key
//! produce on every tab, what is refused (and that it changes nothing), the
//! red banner, and the tabs a non-supervisor sees.

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::*;
use crate::domain::inbound::{Adjusted, CountOutcome, CountSource, CountStatus, ReceiptStatus, ReceiveUnits, Received};

fn message(s: &StockScreen) -> &str {
    s.message.as_ref().map_or("", |(_, m)| m.as_str())
}

fn is_error(s: &StockScreen) -> bool {
    matches!(s.message, Some((Tone::Error, _)))
}

/// The receiving tab with the fixture delivery open.
fn receiving() -> StockScreen {
    let mut s = screen();
    s.on_receipts(receipts());
    s.on_receipt(receipt());
    s
}

fn units(sku: &str, qty: u32) -> ReceiveUnits {
    ReceiveUnits { sku: sku.into(), qty, lot: None, expires_on: None, damaged: None }
}

#[test]
fn the_list_opens_the_selected_delivery_and_an_sscc_receives_its_package() {
    let mut s = screen();
    s.on_receipts(receipts());
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None);
    assert_eq!(message(&s), "Open a delivery first (Enter) or scan its package's SSCC.");
    assert!(is_error(&s));
    s.on_key(&key(KeyCode::Down));
    press(&mut s, 'j');
    press(&mut s, 'j');
    assert_eq!(s.selected_receipt, 2);
    s.on_key(&key(KeyCode::Home));
    press(&mut s, 'j');
    assert_eq!(s.on_key(&key(KeyCode::Enter)), Some(StockCommand::OpenReceipt(8)));
    let sscc = "340123450000000024".to_owned();
    assert_eq!(s.on_scan(StockInput::Sscc(sscc.clone())), Some(StockCommand::ReceivePackage { sscc: sscc.clone() }));
    s.on_receipt(receipt());
    assert_eq!(s.selected_receipt, 0, "the list follows the open delivery");
    assert_eq!(s.on_scan(StockInput::Sscc(sscc.clone())), Some(StockCommand::ReceivePackage { sscc }));
}

#[test]
fn an_item_scan_receives_qty_times_the_case_count() {
    let mut s = receiving();
    assert_eq!(
        s.on_scan(item("SKU-MUG-RED")),
        Some(StockCommand::Receive { receipt: 7, units: units("SKU-MUG-RED", 1) })
    );
    assert_eq!(s.on_scan(StockInput::Quantity(3)), None);
    assert_eq!(s.pending_qty, Some(3));
    let gs1 = StockInput::Item {
        sku: Some("SKU-OAT-1L".into()),
        code: "0104012345678901102511-0417251130306".into(),
        lot: Some("L2511-04".into()),
        expires_on: Some(day(30)),
        count: Some(6),
    };
    let expected = ReceiveUnits {
        sku: "SKU-OAT-1L".into(),
        qty: 18,
        lot: Some("L2511-04".into()),
        expires_on: Some(day(30)),
        damaged: None,
    };
    assert_eq!(s.on_scan(gs1), Some(StockCommand::Receive { receipt: 7, units: expected }));
    assert_eq!(s.pending_qty, None, "QTY is consumed by the scan");
    assert_eq!(s.on_scan(StockInput::Quantity(0)), None);
    assert!(is_error(&s) && s.pending_qty.is_none());
}

#[test]
fn an_unknown_item_raises_the_banner_and_keeps_the_qty() {
    let mut s = receiving();
    s.on_scan(StockInput::Quantity(4));
    assert_eq!(s.on_scan(unknown("4006381333931")), None);
    assert_eq!(s.alert.as_deref(), Some("UNKNOWN ITEM: 4006381333931 is not in the catalogue. Set it aside."));
    assert_eq!(s.pending_qty, Some(4));
}

#[test]
fn damaged_is_armed_with_a_reason_for_the_next_scan_only() {
    let mut s = receiving();
    assert_eq!(press(&mut s, 'd'), None);
    assert_eq!(s.step, ReceivingStep::DamageReason);
    assert!(s.wants_keys());
    assert_eq!(s.on_scan(item("SKU-GLASS-6")), None, "no reason yet");
    assert!(is_error(&s));
    press(&mut s, '0');
    press(&mut s, '9');
    assert_eq!(s.step, ReceivingStep::DamageReason, "no such reason");
    press(&mut s, '2');
    assert_eq!(s.step, ReceivingStep::Damaged("wet".into()));
    assert!(!s.wants_keys());
    let damaged = ReceiveUnits { damaged: Some("wet".into()), ..units("SKU-GLASS-6", 1) };
    assert_eq!(s.on_scan(item("SKU-GLASS-6")), Some(StockCommand::Receive { receipt: 7, units: damaged }));
    assert_eq!(
        s.on_scan(item("SKU-GLASS-6")),
        Some(StockCommand::Receive { receipt: 7, units: units("SKU-GLASS-6", 1) })
    );
    // Esc disarms.
    press(&mut s, 'd');
    press(&mut s, '1');
    s.on_key(&key(KeyCode::Esc));
    assert_eq!(s.step, ReceivingStep::Scan);
    assert!(s.receipt.is_some(), "Esc disarms before it leaves");
    assert_eq!(
        s.on_scan(item("SKU-GLASS-6")),
        Some(StockCommand::Receive { receipt: 7, units: units("SKU-GLASS-6", 1) })
    );
}

#[test]
fn undo_by_key_or_command() {
    let mut s = receiving();
    assert_eq!(press(&mut s, 'u'), Some(StockCommand::UndoReceive { receipt: 7 }));
    assert_eq!(s.on_scan(StockInput::Command("UNDO")), Some(StockCommand::UndoReceive { receipt: 7 }));
    let mut list = screen();
    assert_eq!(press(&mut list, 'u'), None);
    assert!(is_error(&list));
}

#[test]
fn closing_steps_through_every_difference_for_a_reason() {
    let mut s = receiving();
    // Lines 1 (over), 2 (short), 4 (damaged) and 5 (unexpected) differ.
    assert_eq!(press(&mut s, 'c'), None);
    assert_eq!(s.step, ReceivingStep::Close { lines: vec![1, 2, 4, 5], reasons: vec![] });
    assert!(s.wants_keys());
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None, "no receiving while closing");
    assert!(is_error(&s));
    assert_eq!(press(&mut s, '3'), None);
    assert_eq!(press(&mut s, 'x'), None);
    assert_eq!(press(&mut s, '4'), None);
    assert_eq!(press(&mut s, '1'), None);
    assert_eq!(
        press(&mut s, '5'),
        Some(StockCommand::CloseReceipt {
            receipt: 7,
            reasons: vec![
                (1, "supplier sent more".into()),
                (2, "supplier sent less".into()),
                (4, "crushed".into()),
                (5, "wrong item".into()),
            ],
        })
    );
    assert_eq!(s.step, ReceivingStep::Scan);
    // The closed delivery comes back: the list shows, without it.
    s.on_receipt(ReceiptView { status: ReceiptStatus::Closed, ..receipt() });
    assert!(s.receipt.is_none());
    assert!(s.receipts.iter().all(|r| r.id != 7));
    assert_eq!(message(&s), "PO-2025-00471 closed: its units wait for putaway.");
}

#[test]
fn esc_cancels_a_close_and_then_leaves_the_delivery() {
    let mut s = receiving();
    assert_eq!(s.on_scan(StockInput::Command("CONFIRM")), None);
    press(&mut s, '3');
    assert_eq!(s.on_key(&key(KeyCode::Esc)), None);
    assert_eq!(s.step, ReceivingStep::Scan);
    assert_eq!(message(&s), "Close cancelled: nothing stored.");
    assert!(s.receipt.is_some());
    // A new close starts from the first difference again.
    press(&mut s, 'c');
    assert_eq!(s.step, ReceivingStep::Close { lines: vec![1, 2, 4, 5], reasons: vec![] });
    s.on_key(&key(KeyCode::Esc));
    assert_eq!(s.on_key(&key(KeyCode::Esc)), Some(StockCommand::Reload(Tab::Receiving)));
    assert!(s.receipt.is_none());
    // A delivery with no difference closes at once.
    s.on_receipt(exact_receipt());
    assert_eq!(press(&mut s, 'c'), Some(StockCommand::CloseReceipt { receipt: 7, reasons: vec![] }));
}

#[test]
fn received_messages_name_over_and_unexpected() {
    let mut s = receiving();
    s.on_received(Received { line: receipt().lines[0].clone(), unexpected: false });
    assert_eq!(message(&s), "SKU-MUG-RED: 12 of 10 — OVER by 2");
    assert!(s.warning && !is_error(&s));
    s.on_received(Received { line: receipt().lines[4].clone(), unexpected: true });
    assert_eq!(message(&s), "SKU-CANDLE-XL: 3 received — NOT EXPECTED on this delivery");
    s.on_received(Received { line: receipt().lines[1].clone(), unexpected: false });
    assert_eq!(message(&s), "SKU-PLATE-26: 21 of 24 — 3 to come");
    assert!(!s.warning);
}

#[test]
fn putaway_into_the_suggested_bin_at_once() {
    let mut s = screen();
    assert_eq!(s.set_tab(Tab::Putaway), Some(StockCommand::Reload(Tab::Putaway)));
    s.on_putaway(putaway());
    assert_eq!(
        s.on_scan(StockInput::Bin(bin("03-017-B"))),
        Some(StockCommand::PutAway { item: 31, bin: bin("03-017-B"), qty: 12 })
    );
    // An item scan selects its first waiting row.
    assert_eq!(s.on_scan(item("SKU-OAT-1L")), None);
    assert_eq!(s.selected_item, 1);
    s.on_scan(StockInput::Quantity(20));
    assert_eq!(
        s.on_scan(StockInput::Bin(bin("05-002-A"))),
        Some(StockCommand::PutAway { item: 32, bin: bin("05-002-A"), qty: 20 })
    );
    assert_eq!(s.pending_qty, None);
    assert_eq!(s.on_scan(item("SKU-NOT-HERE")), None);
    assert_eq!(message(&s), "No SKU-NOT-HERE waits for putaway.");
    assert_eq!(s.selected_item, 1, "a refused scan changes nothing");
}

#[test]
fn another_bin_needs_the_same_bin_scanned_twice() {
    let mut s = screen();
    s.set_tab(Tab::Putaway);
    s.on_putaway(putaway());
    assert_eq!(s.on_scan(StockInput::Bin(bin("09-009-D"))), None);
    assert_eq!(message(&s), "Suggested 03-017-B; scan 09-009-D again to put it there instead.");
    assert!(s.warning);
    // A different bin starts over.
    assert_eq!(s.on_scan(StockInput::Bin(bin("09-010-D"))), None);
    assert_eq!(
        s.on_scan(StockInput::Bin(bin("09-010-D"))),
        Some(StockCommand::PutAway { item: 31, bin: bin("09-010-D"), qty: 12 })
    );
    // No suggestion: the bin is scanned twice too; CMD-CONFIRM also confirms.
    s.on_key(&key(KeyCode::End));
    assert_eq!(s.on_scan(StockInput::Bin(bin("01-001-A"))), None);
    assert_eq!(message(&s), "No bin suggested; scan 01-001-A again to put it there.");
    assert_eq!(
        s.on_scan(StockInput::Command("CONFIRM")),
        Some(StockCommand::PutAway { item: 34, bin: bin("01-001-A"), qty: 6 })
    );
    // Moving the selection forgets the other bin.
    s.on_scan(StockInput::Bin(bin("01-001-A")));
    s.on_key(&key(KeyCode::Up));
    s.on_key(&key(KeyCode::Down));
    assert_eq!(s.on_scan(StockInput::Bin(bin("01-001-A"))), None);
}

#[test]
fn a_qty_over_the_waiting_units_is_refused() {
    let mut s = screen();
    s.set_tab(Tab::Putaway);
    s.on_putaway(putaway());
    s.on_scan(StockInput::Quantity(13));
    assert_eq!(s.on_scan(StockInput::Bin(bin("03-017-B"))), None);
    assert_eq!(message(&s), "QTY-13 is more than the 12 SKU-MUG-RED waiting: scan the right QTY, then the bin.");
    assert!(is_error(&s));
    assert_eq!(s.pending_qty, None);
    s.on_putaway(Vec::new());
    assert_eq!(s.on_scan(StockInput::Bin(bin("03-017-B"))), None);
    assert_eq!(message(&s), "Nothing waits for putaway.");
}

/// The Counts tab with the sheet of task 41 open.
fn counting() -> StockScreen {
    let mut s = screen();
    s.set_tab(Tab::Counts);
    s.on_tasks(tasks());
    assert_eq!(s.on_scan(StockInput::Bin(bin("03-017-B"))), Some(StockCommand::StartCount { bin: bin("03-017-B") }));
    s.on_count_started(tasks()[0].clone());
    s
}

fn entry(sku: &str, qty: u32) -> CountEntry {
    CountEntry { sku: sku.into(), qty }
}

#[test]
fn a_blind_count_by_scans_and_a_typed_total() {
    let mut s = counting();
    assert!(s.wants_keys());
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None);
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None);
    s.on_scan(StockInput::Quantity(5));
    let case = StockInput::Item {
        sku: Some("SKU-BOWL-S".into()),
        code: "x".into(),
        lot: None,
        expires_on: None,
        count: Some(2),
    };
    s.on_scan(case);
    assert_eq!(s.sheet.as_ref().unwrap().counted, vec![entry("SKU-MUG-RED", 2), entry("SKU-BOWL-S", 10)]);
    // Digits then Enter set the last scanned SKU's count.
    for c in "247".chars() {
        press(&mut s, c);
    }
    s.on_key(&key(KeyCode::Backspace));
    press(&mut s, '5');
    assert_eq!(s.sheet.as_ref().unwrap().typed, "245");
    assert_eq!(press(&mut s, 'c'), None, "the typed number must be entered first");
    assert!(is_error(&s));
    s.on_key(&key(KeyCode::Enter));
    assert_eq!(
        press(&mut s, 'c'),
        Some(StockCommand::SubmitCount { task: 41, entries: vec![entry("SKU-MUG-RED", 2), entry("SKU-BOWL-S", 245)] })
    );
    s.on_count_outcome(41, CountOutcome::Matched);
    assert!(s.sheet.is_none());
    assert_eq!(message(&s), "03-017-B counted: it matches. Done.");
    assert!(s.tasks.iter().all(|t| t.id != 41));
}

#[test]
fn another_bin_or_an_unknown_item_is_refused_while_counting() {
    let mut s = counting();
    assert_eq!(s.on_scan(StockInput::Bin(bin("04-001-A"))), None);
    assert_eq!(message(&s), "Finish or leave (Esc) the count of 03-017-B first.");
    assert_eq!(s.on_scan(unknown("9999")), None);
    assert!(s.alert.as_deref().unwrap().starts_with("UNKNOWN ITEM: 9999"));
    let mut list = screen();
    list.set_tab(Tab::Counts);
    assert_eq!(list.on_scan(item("SKU-MUG-RED")), None);
    assert!(is_error(&list));
}

#[test]
fn an_empty_bin_is_confirmed_with_a_second_c() {
    let mut s = counting();
    assert_eq!(press(&mut s, 'c'), None);
    assert_eq!(message(&s), "Nothing counted: is the bin empty? c again to confirm.");
    assert_eq!(press(&mut s, 'c'), Some(StockCommand::SubmitCount { task: 41, entries: vec![] }));
    // Anything in between asks again.
    let mut s = counting();
    s.on_scan(StockInput::Command("CONFIRM"));
    s.on_key(&key(KeyCode::Backspace));
    assert_eq!(press(&mut s, 'c'), None);
}

#[test]
fn a_recount_takes_only_the_skus_asked_and_submits_zeros() {
    let mut s = counting();
    s.on_scan(item("SKU-MUG-RED"));
    press(&mut s, 'c');
    s.on_count_outcome(41, CountOutcome::Recount(vec!["SKU-MUG-RED".into(), "SKU-BOWL-S".into()]));
    assert_eq!(message(&s), "Count differs: count again: SKU-MUG-RED, SKU-BOWL-S");
    let sheet = s.sheet.as_ref().unwrap();
    assert!(sheet.counted.is_empty() && sheet.task.status == CountStatus::Recount);
    assert_eq!(s.on_scan(item("SKU-OAT-1L")), None);
    assert_eq!(message(&s), "Only SKU-MUG-RED, SKU-BOWL-S are recounted: leave SKU-OAT-1L out.");
    assert!(s.sheet.as_ref().unwrap().counted.is_empty());
    s.on_scan(item("SKU-MUG-RED"));
    press(&mut s, '4');
    s.on_key(&key(KeyCode::Enter));
    assert_eq!(
        press(&mut s, 'c'),
        Some(StockCommand::SubmitCount { task: 41, entries: vec![entry("SKU-MUG-RED", 4), entry("SKU-BOWL-S", 0)] })
    );
}

#[test]
fn a_confirmed_difference_is_adjusted_with_a_reason() {
    let mut s = counting();
    s.on_count_outcome(41, CountOutcome::Review(differences()));
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None);
    assert!(is_error(&s));
    assert_eq!(press(&mut s, '7'), None, "no such reason");
    assert_eq!(press(&mut s, '3'), Some(StockCommand::Adjust { task: 41, reason: "theft or loss".into() }));
    s.on_adjusted(Adjusted {
        net: -3,
        reallocated: vec![crate::domain::OrderNumber(12)],
        backordered: vec![],
        short: vec![crate::domain::OrderNumber(15)],
        filled: 0,
    });
    assert!(s.sheet.is_none());
    assert_eq!(
        message(&s),
        "03-017-B adjusted: net -3 units · 1 order reallocated · 1 order short, a supervisor decides (ORD-000015)"
    );
    // A task already in review opens straight at the reasons.
    let mut s = screen();
    s.set_tab(Tab::Counts);
    let review =
        CountTask { differences: differences(), ..task(44, "06-001-A", CountSource::Schedule, CountStatus::Review) };
    s.on_count_started(review);
    assert_eq!(press(&mut s, '1'), Some(StockCommand::Adjust { task: 44, reason: "miscount earlier".into() }));
}

#[test]
fn esc_leaves_the_sheet_without_storing() {
    let mut s = counting();
    s.on_scan(item("SKU-MUG-RED"));
    press(&mut s, '9');
    assert_eq!(s.on_key(&key(KeyCode::Esc)), None);
    assert!(s.sheet.as_ref().unwrap().typed.is_empty(), "the typed number goes first");
    assert_eq!(s.on_key(&key(KeyCode::Esc)), None);
    assert!(s.sheet.is_none());
    assert_eq!(message(&s), "Left the count of 03-017-B: nothing stored. Scan the bin to count it again.");
    assert!(!s.wants_keys());
}

#[test]
fn the_banner_blocks_everything_until_acknowledged() {
    let mut s = receiving();
    s.raise("UNKNOWN ITEM: 4006381333931 is not in the catalogue. Set it aside.".into());
    assert!(s.wants_keys());
    assert_eq!(s.on_scan(item("SKU-MUG-RED")), None);
    assert_eq!(message(&s), "Acknowledge the red banner first: scan CMD-OK or press Enter.");
    assert_eq!(press(&mut s, 'c'), None);
    assert_eq!(s.on_key(&key(KeyCode::Tab)), None);
    assert_eq!(s.on_scan(StockInput::Command("CONFIRM")), None);
    assert_eq!((s.tab, &s.step), (Tab::Receiving, &ReceivingStep::Scan), "nothing moved");
    s.on_scan(StockInput::Command("OK"));
    assert!(s.alert.is_none());
    s.raise("again".into());
    s.on_key(&key(KeyCode::Enter));
    assert!(s.alert.is_none());
    assert!(s.on_scan(item("SKU-MUG-RED")).is_some());
}

#[test]
fn tab_cycles_the_visible_tabs() {
    let mut s = screen();
    assert_eq!(s.on_key(&key(KeyCode::Tab)), Some(StockCommand::Reload(Tab::Putaway)));
    assert_eq!(s.on_key(&key(KeyCode::Tab)), Some(StockCommand::Reload(Tab::Counts)));
    assert_eq!(s.on_key(&key(KeyCode::Tab)), Some(StockCommand::Reload(Tab::Receiving)), "no Replenishment");
    assert_eq!(s.on_key(&key(KeyCode::BackTab)), Some(StockCommand::Reload(Tab::Counts)));
    assert_eq!(s.set_tab(Tab::Replenishment), None);
    assert_eq!(s.tab, Tab::Counts);
    s.supervisor = true;
    assert_eq!(s.on_key(&key(KeyCode::Tab)), Some(StockCommand::Reload(Tab::Replenishment)));
    assert_eq!(s.on_key(&key(KeyCode::Tab)), Some(StockCommand::Reload(Tab::Receiving)));
    assert_eq!(s.on_key(&key(KeyCode::BackTab)), Some(StockCommand::Reload(Tab::Replenishment)));
    s.on_replenishment(replenishment());
    s.on_key(&key(KeyCode::End));
    assert_eq!(s.replenishment_top, 3);
    // Switching tabs drops a pending QTY.
    s.set_tab(Tab::Receiving);
    s.on_scan(StockInput::Quantity(6));
    s.on_key(&key(KeyCode::Tab));
    assert_eq!(s.pending_qty, None);
}
