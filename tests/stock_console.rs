//! The stock screen (F8) in the console, on the demo warehouse: receiving an
//! announced package by its SSCC, putting it away by scanning the suggested
//! bin, a blind count that agrees, refusals, and the supervisor's
//! replenishment tab; on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

#[path = "common/mod.rs"]
mod common;
#[path = "console/mod.rs"]
mod console;
mod pg;

use crossterm::event::KeyCode;
use packline::app::Active;
use packline::domain::inbound::ReceiptStatus;
use packline::screens::stock::Tab;
use packline::store::Store;
use tempfile::TempDir;

use console::{app, press, scan, screen, supervisor, type_text};

/// The demo warehouse with `orders` orders (as `console::demo_store` seeds
/// it), in `demo.db` of a new directory or in a new PostgreSQL database.
fn demo_store(backend: &pg::Backend, orders: u64) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = backend.location(dir.path(), "demo.db");
    let mut store = Store::open(&path).unwrap();
    let options = packline::demo::DemoOptions { orders, seed: 42, now: console::now() };
    packline::demo::seed(&mut store, &options, &mut |_, _| {}).unwrap();
    (dir, path)
}

fn a_picker_receives_a_package_puts_it_away_and_counts_a_bin(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut picker = app(&path, (120, 40));
    press(&mut picker, KeyCode::F(8));
    assert_eq!(picker.active(), Active::Stock);
    let text = screen(&picker, (120, 40));
    assert!(text.contains("PO-4500012") && text.contains("ASN-77801") && text.contains("Nordic Home Supply"), "{text}");
    assert!(!text.contains("Replenishment"), "a picker has no replenishment tab: {text}");

    // The package label of the notice opens the delivery and counts its 18 units in.
    scan(&mut picker, &format!("00{}", packline::demo::receipts::sscc(1)));
    let receipt = picker.stock().receipt.clone().expect("the delivery is open");
    assert_eq!((receipt.reference.as_str(), receipt.status), ("ASN-77801", ReceiptStatus::Receiving));
    assert_eq!(receipt.lines.iter().map(|l| l.received).sum::<u32>(), 18);
    assert!(screen(&picker, (120, 40)).contains("received"), "{}", screen(&picker, (120, 40)));
    // The same label again is refused with the bell, and changes nothing.
    scan(&mut picker, &format!("00{}", packline::demo::receipts::sscc(1)));
    assert!(picker.take_bell());
    assert!(screen(&picker, (120, 40)).contains("already received"));
    press(&mut picker, KeyCode::Enter);
    assert_eq!(picker.stock().receipt.as_ref().unwrap().lines.iter().map(|l| l.received).sum::<u32>(), 18);

    // Putaway: the suggested bin takes the first item; it is stock now.
    press(&mut picker, KeyCode::Esc);
    press(&mut picker, KeyCode::Tab);
    assert_eq!(picker.stock().tab, Tab::Putaway);
    let first = picker.stock().putaway[0].clone();
    let bin = first.suggestion.expect("a bin is suggested").bin;
    let before = Store::open(&path).unwrap().stock_balance(bin, &first.sku, None).unwrap().on_hand;
    scan(&mut picker, &bin.to_string());
    assert!(!picker.take_bell());
    let after = Store::open(&path).unwrap().stock_balance(bin, &first.sku, None).unwrap().on_hand;
    assert_eq!(after, before + i64::from(first.qty));
    assert!(picker.stock().putaway.iter().all(|i| i.id != first.id));
    assert!(screen(&picker, (120, 40)).contains(&format!("put away in {bin}")));

    // Counts: today's scheduled counts are listed, never with quantities.
    press(&mut picker, KeyCode::Tab);
    assert_eq!(picker.stock().tab, Tab::Counts);
    let task = picker.stock().tasks.first().cloned().expect("scheduled counts");
    // A bin nobody asked to count is refused for a picker.
    let store = Store::open(&path).unwrap();
    let free =
        store.free_bins().unwrap().into_iter().find(|b| store.count_task_for_bin(b.code).unwrap().is_none()).unwrap();
    scan(&mut picker, &free.code.to_string());
    assert!(picker.take_bell());
    assert!(screen(&picker, (120, 40)).contains("No count is asked for"));
    // The task's bin, counted right: each SKU scanned once and its total typed.
    scan(&mut picker, &task.bin.to_string());
    assert!(picker.stock().sheet.is_some());
    let placements: Vec<_> = store.stock_placements().unwrap().into_iter().filter(|p| p.bin.code == task.bin).collect();
    for p in &placements {
        scan(&mut picker, &p.sku);
        type_text(&mut picker, &p.on_hand.to_string());
        press(&mut picker, KeyCode::Enter);
    }
    press(&mut picker, KeyCode::Char('c'));
    if placements.is_empty() {
        press(&mut picker, KeyCode::Char('c'));
    }
    assert!(picker.stock().sheet.is_none(), "{}", screen(&picker, (120, 40)));
    assert!(picker.stock().tasks.iter().all(|t| t.id != task.id), "the matched count is done");
    assert!(store.count_task_for_bin(task.bin).unwrap().is_none());

    // F8 goes back to where it was opened.
    press(&mut picker, KeyCode::F(8));
    assert_eq!(picker.active(), Active::Queue);
}

fn a_supervisor_reads_the_replenishment_list_with_inbound_units(backend: &pg::Backend) {
    let (_dir, path) = demo_store(backend, 300);
    let mut boss = supervisor(&path);
    press(&mut boss, KeyCode::F(8));
    for _ in 0..3 {
        press(&mut boss, KeyCode::Tab);
    }
    assert_eq!(boss.stock().tab, Tab::Replenishment);
    let rows = boss.stock().replenishment.clone();
    assert!(!rows.is_empty(), "the demo has SKUs to reorder");
    // The demo's purchase order brings 24 of each SKU that orders wait for.
    let inbound = rows.iter().find(|r| r.inbound > 0).expect("some reorder is already on its way");
    assert_eq!(inbound.inbound % 24, 0, "{inbound:?}");
    let text = screen(&boss, (120, 40));
    assert!(text.contains("Replenishment") && text.contains(&inbound.sku), "{text}");
    // The report prints the same rows.
    let store = Store::open(&path).unwrap();
    let config = packline::planning::inventory::InventoryConfig::default();
    let report = packline::report::inbound::replenishment(&store, &config, 90, console::now().date_naive()).unwrap();
    assert_eq!(report, rows);
}

on_both_backends!(
    a_picker_receives_a_package_puts_it_away_and_counts_a_bin,
    a_supervisor_reads_the_replenishment_list_with_inbound_units,
);
