//! Snapshots of the stock screen at 80x24 and 120x40 (receiving list and
//! open delivery, putaway, the blind count sheet, recount, review,
//! replenishment), that a count never shows the system's quantity before
//! the review, that hostile text is cleaned, and that no size panics.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::fixtures::*;
use super::*;
use crate::domain::inbound::{CountOutcome, CountSource, CountStatus, Received};

fn draw(screen: &StockScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

fn text(screen: &StockScreen, width: u16, height: u16) -> String {
    format!("{}", draw(screen, width, height))
}

/// The fixture delivery open, with a QTY waiting.
fn receiving() -> StockScreen {
    let mut s = screen();
    s.on_receipts(receipts());
    s.on_receipt(receipt());
    s.on_received(Received { line: receipt().lines[0].clone(), unexpected: false });
    s
}

/// Task 41's sheet, counted: two SKUs, one typed total pending.
fn counted() -> StockScreen {
    let mut s = screen();
    s.set_tab(Tab::Counts);
    s.on_tasks(tasks());
    s.on_count_started(task(41, "03-017-B", CountSource::ShortPick, CountStatus::Open));
    s.on_scan(StockInput::Quantity(12));
    s.on_scan(item("SKU-MUG-RED"));
    s.on_scan(item("SKU-BOWL-S"));
    press(&mut s, '3');
    press(&mut s, '6');
    s
}

#[test]
fn receiving_snapshots() {
    let mut s = screen();
    s.on_receipts(receipts());
    press(&mut s, 'j');
    insta::assert_snapshot!("receiving_list_80x24", draw(&s, 80, 24));
    let mut s = receiving();
    let shown = text(&s, 80, 24);
    for needle in ["+2 over", "-3 short", "✓", "not expected", "PO-2025-00471", "340123450000000024"] {
        assert!(shown.contains(needle), "{needle:?}:\n{shown}");
    }
    insta::assert_snapshot!("receiving_open_80x24", draw(&s, 80, 24));
    insta::assert_snapshot!("receiving_open_120x40", draw(&s, 120, 40));
    s.on_scan(StockInput::Quantity(6));
    press(&mut s, 'd');
    press(&mut s, '1');
    insta::assert_snapshot!("receiving_damaged_armed_80x24", draw(&s, 80, 24));
    s.on_key(&key(KeyCode::Esc));
    s.on_key(&key(KeyCode::Esc));
    press(&mut s, 'c');
    press(&mut s, '3');
    let shown = text(&s, 80, 24);
    assert!(shown.contains("Line 2 · SKU-PLATE-26: expected 24, arrived 21 (-3 short)"), "{shown}");
    insta::assert_snapshot!("receiving_close_80x24", draw(&s, 80, 24));
}

#[test]
fn putaway_snapshots() {
    let mut s = screen();
    s.set_tab(Tab::Putaway);
    s.on_putaway(putaway());
    press(&mut s, 'j');
    insta::assert_snapshot!("putaway_80x24", draw(&s, 80, 24));
    insta::assert_snapshot!("putaway_120x40", draw(&s, 120, 40));
    s.on_scan(StockInput::Bin("09-009-D".parse().unwrap()));
    let shown = text(&s, 80, 24);
    assert!(shown.contains("Suggested 05-002-A; scan 09-009-D again"), "{shown}");
    s.on_putaway(Vec::new());
    assert!(text(&s, 80, 24).contains("Nothing waits for putaway."));
}

#[test]
fn count_snapshots() {
    let mut s = screen();
    s.set_tab(Tab::Counts);
    s.on_tasks(tasks());
    insta::assert_snapshot!("counts_tasks_80x24", draw(&s, 80, 24));
    let s = counted();
    let shown = text(&s, 80, 24);
    for needle in ["Count 03-017-B", "Blind count", "SKU-MUG-RED", "12", "Typed: 36", "Enter sets SKU-BOWL-S to 36"] {
        assert!(shown.contains(needle), "{needle:?}:\n{shown}");
    }
    insta::assert_snapshot!("count_sheet_80x24", draw(&s, 80, 24));
    insta::assert_snapshot!("count_sheet_120x40", draw(&s, 120, 40));
}

#[test]
fn recount_and_review_snapshots() {
    let mut s = counted();
    s.on_key(&key(KeyCode::Enter));
    s.on_count_outcome(41, CountOutcome::Recount(vec!["SKU-MUG-RED".into(), "SKU-BOWL-S".into()]));
    s.on_scan(item("SKU-BOWL-S"));
    insta::assert_snapshot!("recount_80x24", draw(&s, 80, 24));
    s.on_count_outcome(41, CountOutcome::Review(differences()));
    let shown = text(&s, 80, 24);
    for needle in ["9731", "9728", "-3", "+3", "theft or loss"] {
        assert!(shown.contains(needle), "{needle:?}:\n{shown}");
    }
    insta::assert_snapshot!("review_80x24", draw(&s, 80, 24));
}

#[test]
fn a_count_never_shows_the_system_quantity_before_the_review() {
    // The task carries its (hidden) differences; counting it must not draw them.
    let hidden = CountTask {
        differences: differences(),
        recount: vec!["SKU-MUG-RED".into(), "SKU-BOWL-S".into()],
        ..task(41, "03-017-B", CountSource::ShortPick, CountStatus::Recount)
    };
    let open = CountTask { status: CountStatus::Open, recount: vec![], ..hidden.clone() };
    for task in [open, hidden] {
        let mut s = screen();
        s.set_tab(Tab::Counts);
        s.on_tasks(vec![task.clone()]);
        for (width, height) in [(80, 24), (120, 40)] {
            let list = text(&s, width, height);
            assert!(!list.contains("9731") && !list.contains("8642"), "{list}");
        }
        s.on_count_started(task);
        s.on_scan(item("SKU-MUG-RED"));
        for (width, height) in [(80, 24), (120, 40), (60, 20)] {
            let sheet = text(&s, width, height);
            assert!(sheet.contains("SKU-MUG-RED"), "{sheet}");
            for hidden in ["9731", "8642", "9728", "8645"] {
                assert!(!sheet.contains(hidden), "{hidden} shown at {width}x{height}:\n{sheet}");
            }
        }
    }
}

#[test]
fn replenishment_snapshot() {
    let mut s = screen();
    s.supervisor = true;
    s.set_tab(Tab::Replenishment);
    s.on_replenishment(replenishment());
    let shown = text(&s, 120, 40);
    for needle in ["6.2", "3.5", "96", "Replenishment"] {
        assert!(shown.contains(needle), "{needle:?}:\n{shown}");
    }
    insta::assert_snapshot!("replenishment_120x40", draw(&s, 120, 40));
    s.on_replenishment(Vec::new());
    assert!(text(&s, 80, 24).contains("No SKU is at or below its reorder point"));
}

#[test]
fn banner_and_hostile_text() {
    let mut s = screen();
    let mut rows = receipts();
    rows[0].supplier = "Evil\u{1b}[31mRED\u{1b}[0m \u{202e}Corp".into();
    s.on_receipts(rows);
    let shown = text(&s, 80, 24);
    assert!(shown.contains("EvilRED Corp") && !shown.contains('\u{1b}'), "{shown}");
    s.on_receipt(receipt());
    s.raise("UNKNOWN ITEM: 4006381333931 is not in the catalogue. Set it aside.".into());
    insta::assert_snapshot!("banner_80x24", draw(&s, 80, 24));
}

#[test]
fn no_size_panics_in_any_state() {
    let mut states = vec![screen(), receiving(), counted()];
    let mut closing = receiving();
    press(&mut closing, 'c');
    states.push(closing);
    let mut putaway_tab = screen();
    putaway_tab.set_tab(Tab::Putaway);
    putaway_tab.on_putaway(putaway());
    states.push(putaway_tab);
    let mut review = counted();
    review.on_count_outcome(41, CountOutcome::Review(differences()));
    states.push(review);
    let mut replenishment_tab = screen();
    replenishment_tab.supervisor = true;
    replenishment_tab.set_tab(Tab::Replenishment);
    replenishment_tab.on_replenishment(replenishment());
    states.push(replenishment_tab);
    for s in &mut states {
        s.raise("banner".into());
        for (width, height) in [(0, 0), (1, 1), (10, 3), (40, 10), (60, 20), (80, 22), (200, 60)] {
            draw(s, width, height);
        }
        s.alert = None;
        for (width, height) in [(0, 0), (1, 1), (2, 2), (10, 3), (40, 10), (60, 20), (79, 23), (200, 60)] {
            draw(s, width, height);
        }
    }
    // Usable at 60x20: the open delivery still shows its lines and what to do.
    let shown = text(&receiving(), 60, 20);
    assert!(shown.contains("SKU-MUG-RED") && shown.contains("Scan items"), "{shown}");
}
