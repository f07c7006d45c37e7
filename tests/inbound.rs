//! Goods in and stock truth through the store, headless: a delivery with
//! over, short, damaged and unexpected lines; putaway that fills a
//! backorder; a blind count with a recount and an adjustment; a count that
//! takes stock away from allocated orders (re-planned, backordered, and a
//! waved order taken out of its wave); the count schedule. The ledger stays
//! equal to the balances and allocation stays clean throughout.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use chrono::NaiveDate;
use common::{bin, order, sku};
use packline::domain::inbound::{
    CountEntry, CountOutcome, CountSource, CountStatus, NewReceipt, NewReceiptLine, ReceiptStatus, ReceiveUnits,
    SuggestionReason,
};
use packline::domain::{Actor, Layout, OrderNumber, OrderStatus, Verdict, Zone};
use packline::planning::counts::CountSchedule;
use packline::store::{AuditQuery, Store};
use tempfile::TempDir;

fn supervisor() -> Actor {
    Actor::new("STATION-1", "EMP-0001")
}

fn receiver() -> Actor {
    Actor::new("DOCK-1", "EMP-0006")
}

/// An SSCC with a valid check digit.
const SSCC: &str = "106141411234567897";

struct Env {
    _dir: TempDir,
    store: Store,
    layout: Layout,
}

/// The demo layout's bins; MUG in 01-002-A (10) and 06-010-B (10), TEE in
/// 03-005-A (2), CAP (lot-tracked) with no stock, HAT with no stock.
fn env(backend: &pg::Backend) -> Env {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
    let layout = Layout::demo();
    store.add_channel(&supervisor(), "shop", "Web shop", "rest").unwrap();
    store.add_bins(&supervisor(), &layout.zoned_bins()).unwrap();
    let mut cap = sku("CAP");
    cap.lot_tracked = true;
    cap.expiry_tracked = true;
    store.add_skus(&supervisor(), &[sku("MUG"), sku("TEE"), cap, sku("HAT")]).unwrap();
    for (code, item, qty) in [("01-002-A", "MUG", 10), ("06-010-B", "MUG", 10), ("03-005-A", "TEE", 2)] {
        store.receive_stock(&supervisor(), bin(code), item, None, qty, "opening stock").unwrap();
    }
    Env { _dir: dir, store, layout }
}

fn line(sku: &str, qty: u32) -> NewReceiptLine {
    NewReceiptLine { sku: sku.into(), qty, sscc: None, lot: None, expires_on: None }
}

fn units(sku: &str, qty: u32) -> ReceiveUnits {
    ReceiveUnits { sku: sku.into(), qty, lot: None, expires_on: None, damaged: None }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// PO-1 from Acme: 10 MUG, 5 TEE, and an announced package of 6 CAP (lot L1).
fn expect_po(store: &mut Store) -> i64 {
    let package = NewReceiptLine {
        sku: "CAP".into(),
        qty: 6,
        sscc: Some(SSCC.into()),
        lot: Some("L1".into()),
        expires_on: Some(day("2027-03-31")),
    };
    let receipt = NewReceipt {
        reference: "PO-1".into(),
        supplier: "Acme".into(),
        expected_on: Some(day("2026-11-21")),
        lines: vec![line("MUG", 10), line("TEE", 5), package],
    };
    store.import_receipts(&supervisor(), &[receipt]).unwrap()[0]
}

fn assert_books_balance(store: &Store) {
    assert_eq!(store.ledger_mismatches().unwrap(), 0, "the ledger equals the balances");
    let audit = store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{audit:?}");
}

/// Submits a count as the counter's screen does, with the task's status as it was read.
fn submit(store: &mut Store, task: i64, entries: &[CountEntry]) -> Result<CountOutcome, packline::store::StoreError> {
    let seen = store.count_tasks().unwrap().into_iter().find(|t| t.id == task).map_or(CountStatus::Open, |t| t.status);
    store.submit_count(&receiver(), task, seen, entries)
}

/// The audit trail of `subject`, newest first.
fn events(store: &Store, subject: &str) -> Vec<packline::domain::queue::EventRecord> {
    let mut query = AuditQuery::since(chrono::DateTime::UNIX_EPOCH, 50);
    query.subject = Some(subject.to_owned());
    store.audit_events(&query).unwrap().into_iter().map(|e| e.event).collect()
}

fn on_hand(store: &Store, code: &str, item: &str) -> i64 {
    store.stock_balance(bin(code), item, None).unwrap().on_hand
}

fn a_delivery_with_over_short_damaged_and_unexpected_lines_is_closed_with_reasons(backend: &pg::Backend) {
    let Env { _dir, mut store, .. } = env(backend);
    let po = expect_po(&mut store);
    let open = store.open_receipts().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].status, open[0].lines, open[0].expected), (ReceiptStatus::Expected, 3, 21));

    // 12 MUG (two over), 3 good and 1 damaged TEE (one short), 2 HAT nobody announced.
    store.receive_units(&receiver(), po, &units("MUG", 10)).unwrap();
    let over = store.receive_units(&receiver(), po, &units("MUG", 2)).unwrap();
    assert_eq!((over.line.received, over.unexpected), (12, false));
    store.receive_units(&receiver(), po, &units("TEE", 3)).unwrap();
    let damaged = ReceiveUnits { damaged: Some("damaged in transit".into()), ..units("TEE", 1) };
    store.receive_units(&receiver(), po, &damaged).unwrap();
    let hat = store.receive_units(&receiver(), po, &units("HAT", 2)).unwrap();
    assert!(hat.unexpected);
    assert_eq!((hat.line.expected, hat.line.received), (0, 2));
    // The lot-tracked CAP needs its lot; its package brings lot and expiry in one scan.
    let refused = store.receive_units(&receiver(), po, &units("CAP", 1)).unwrap_err().to_string();
    assert!(refused.contains("lot-tracked"), "{refused}");
    let (of, lines) = store.receive_package(&receiver(), SSCC).unwrap();
    assert_eq!((of, lines.len(), lines[0].line.received), (po, 1, 6));
    let again = store.receive_package(&receiver(), SSCC).unwrap_err().to_string();
    assert!(again.contains("already received"), "{again}");
    // A mistaken extra scan is taken back.
    store.receive_units(&receiver(), po, &units("MUG", 1)).unwrap();
    assert_eq!(store.undo_receive(&receiver(), po).unwrap(), "1 × MUG");
    // Undo at another station takes back nothing of this one's.
    assert!(store.undo_receive(&supervisor(), po).is_err());

    let view = store.receipt_view(po).unwrap();
    assert_eq!(view.status, ReceiptStatus::Receiving);
    let figures: Vec<_> = view.lines.iter().map(|l| (l.sku.as_str(), l.expected, l.received, l.damaged)).collect();
    assert_eq!(figures, [("MUG", 10, 12, 0), ("TEE", 5, 3, 1), ("CAP", 6, 6, 0), ("HAT", 0, 2, 0)]);
    let differing: Vec<&str> = view.differences().iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(differing, ["MUG", "TEE", "HAT"]);
    // Received units are not stock yet: nothing can allocate them before putaway.
    assert_eq!(on_hand(&store, "01-002-A", "MUG"), 10);

    // Closing needs a reason per difference; without them nothing changes.
    let refused = store.close_receipt(&supervisor(), po, &[(1, "supplier sent more".into())]).unwrap_err();
    assert!(refused.to_string().contains("TEE, HAT"), "{refused}");
    assert_eq!(store.receipt_view(po).unwrap().status, ReceiptStatus::Receiving);
    let reasons = [(1, "supplier sent more".into()), (2, "damaged in transit".into()), (4, "wrong item sent".into())];
    let closed = store.close_receipt(&supervisor(), po, &reasons).unwrap();
    assert_eq!(closed.status, ReceiptStatus::Closed);
    assert_eq!(closed.lines[1].reason.as_deref(), Some("damaged in transit"));
    assert!(store.open_receipts().unwrap().is_empty());
    assert!(store.receive_units(&receiver(), po, &units("MUG", 1)).unwrap_err().to_string().contains("closed"));
    // The damaged TEE never waits for a bin; everything good does.
    let waiting: Vec<_> =
        store.waiting_putaway().unwrap().into_iter().map(|w| (w.sku, w.lot, w.qty)).collect::<Vec<_>>();
    assert_eq!(
        waiting,
        [
            ("MUG".into(), None, 12),
            ("TEE".into(), None, 3),
            ("CAP".into(), Some("L1".into()), 6),
            ("HAT".into(), None, 2)
        ]
    );
    let events = events(&store, "receipt:PO-1");
    let closing = events.iter().find(|e| e.kind == "receipt_closed").unwrap();
    assert_eq!(
        closing.details,
        "expected 21, arrived 24; MUG +2 over (supplier sent more); TEE -1 short, 1 damaged (damaged in transit); \
         HAT +2 over (wrong item sent)"
    );
}

fn putaway_suggests_a_bin_that_holds_the_sku_else_a_free_one_and_fills_backorders(backend: &pg::Backend) {
    let Env { _dir, mut store, layout } = env(backend);
    // An order for two HATs waits: there are none.
    let summary = store
        .import_checked(&supervisor(), &[order("1", &[("HAT", 2)])], &mut |_| Verdict::default(), &mut |_| {})
        .unwrap();
    assert_eq!(summary.backordered, 1);
    let po = expect_po(&mut store);
    store.receive_units(&receiver(), po, &units("MUG", 10)).unwrap();
    store.receive_units(&receiver(), po, &units("HAT", 3)).unwrap();

    let today = chrono::Utc::now().date_naive();
    let items = packline::report::inbound::putaway(&store, &layout, 90, today).unwrap();
    assert_eq!(items.len(), 2);
    let mug = &items[0];
    let suggestion = mug.suggestion.unwrap();
    assert_eq!(suggestion.why, SuggestionReason::HoldsIt);
    assert!(["01-002-A", "06-010-B"].contains(&suggestion.bin.to_string().as_str()), "{suggestion:?}");
    // Nothing sold: HAT is class C and goes to the nearest free C bin.
    let hat = &items[1];
    let free = hat.suggestion.unwrap();
    assert_eq!((hat.class, free.why), (Zone::C, SuggestionReason::FreeInClassZone));
    assert_eq!(layout.zoned_bins().iter().find(|b| b.code == free.bin).unwrap().zone, Zone::C);

    let before = on_hand(&store, &suggestion.bin.to_string(), "MUG");
    assert_eq!(store.put_away(&receiver(), mug.id, suggestion.bin, 10).unwrap(), 0);
    assert_eq!(on_hand(&store, &suggestion.bin.to_string(), "MUG"), before + 10);
    // More than waits is refused and changes nothing.
    let refused = store.put_away(&receiver(), hat.id, free.bin, 4).unwrap_err().to_string();
    assert!(refused.contains("only 3 × HAT"), "{refused}");
    // The HATs land and the backorder takes two of them at once.
    assert_eq!(store.put_away(&receiver(), hat.id, free.bin, 3).unwrap(), 1);
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Ready);
    let balance = store.stock_balance(free.bin, "HAT", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (3, 2));
    assert!(store.waiting_putaway().unwrap().is_empty());
    assert_books_balance(&store);
}

fn a_blind_count_that_differs_is_recounted_then_adjusted_with_a_reason(backend: &pg::Backend) {
    let Env { _dir, mut store, .. } = env(backend);
    let task = store.request_count(&supervisor(), bin("06-010-B"), "").unwrap();
    assert_eq!(
        (task.source, task.status, task.reason.as_str()),
        (CountSource::Supervisor, CountStatus::Open, "asked by EMP-0001")
    );
    // Asking again gives the same task: one open count per bin.
    assert_eq!(store.request_count(&supervisor(), bin("06-010-B"), "again").unwrap().id, task.id);

    // 8 MUG and a stray TEE: both differ from the system (10 MUG, no TEE).
    let first = [CountEntry { sku: "MUG".into(), qty: 8 }, CountEntry { sku: "TEE".into(), qty: 1 }];
    let outcome = submit(&mut store, task.id, &first).unwrap();
    assert_eq!(outcome, CountOutcome::Recount(vec!["MUG".into(), "TEE".into()]));
    let listed = store.count_task_for_bin(bin("06-010-B")).unwrap().unwrap();
    assert_eq!(
        (listed.status, listed.recount.clone()),
        (CountStatus::Recount, vec!["MUG".to_owned(), "TEE".to_owned()])
    );
    assert!(listed.differences.is_empty(), "still blind while recounting");
    // Only the listed SKUs are recounted.
    let stray = submit(&mut store, task.id, &[CountEntry { sku: "HAT".into(), qty: 1 }]).unwrap_err();
    assert!(stray.to_string().contains("only MUG, TEE"), "{stray}");
    // The recount finds no TEE after all, and 8 MUG again.
    let outcome = submit(&mut store, task.id, &[CountEntry { sku: "MUG".into(), qty: 8 }]).unwrap();
    let CountOutcome::Review(differences) = outcome else { panic!("{outcome:?}") };
    assert_eq!(differences.len(), 1);
    assert_eq!((differences[0].sku.as_str(), differences[0].system, differences[0].counted), ("MUG", 10, 8));
    assert_eq!(on_hand(&store, "06-010-B", "MUG"), 10, "nothing changes before the reason");
    assert!(store.adjust_count(&supervisor(), task.id, "  ").is_err());

    let adjusted = store.adjust_count(&supervisor(), task.id, "lost or stolen").unwrap();
    assert_eq!(adjusted.net, -2);
    assert_eq!(on_hand(&store, "06-010-B", "MUG"), 8);
    assert_eq!(on_hand(&store, "01-002-A", "MUG"), 10, "other bins untouched");
    assert!(store.count_tasks().unwrap().is_empty());
    assert!(store.adjust_count(&supervisor(), task.id, "again").is_err(), "a finished count adjusts once");
    let events = events(&store, "bin:06-010-B");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["count_adjusted", "count_confirmed", "count_differs", "count_requested"]);
    assert_eq!(events[0].details, "MUG -2 (10 -> 8); reason: lost or stolen");
    assert_eq!(events[0].operator, "EMP-0001");
    assert_books_balance(&store);

    // A count that agrees is done at once, and one found wrong then right on the recount changes nothing.
    let task = store.request_count(&supervisor(), bin("03-005-A"), "").unwrap();
    assert_eq!(
        submit(&mut store, task.id, &[CountEntry { sku: "TEE".into(), qty: 2 }]).unwrap(),
        CountOutcome::Matched
    );
    let task = store.request_count(&supervisor(), bin("01-002-A"), "").unwrap();
    let first = submit(&mut store, task.id, &[CountEntry { sku: "MUG".into(), qty: 9 }]).unwrap();
    assert_eq!(first, CountOutcome::Recount(vec!["MUG".into()]));
    assert_eq!(
        submit(&mut store, task.id, &[CountEntry { sku: "MUG".into(), qty: 10 }]).unwrap(),
        CountOutcome::Matched
    );
    assert_eq!(on_hand(&store, "01-002-A", "MUG"), 10);
}

fn a_count_that_takes_stock_away_re_plans_or_backorders_the_orders_that_held_it(backend: &pg::Backend) {
    let Env { _dir, mut store, .. } = env(backend);
    // Orders 1 (2 MUG) and 2 (3 MUG) reserve in 01-002-A, the bin allocation takes first.
    let orders = [order("1", &[("MUG", 2)]), order("2", &[("MUG", 3)])];
    let summary = store.import_checked(&supervisor(), &orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.ready, 2);
    let held: Vec<String> =
        [1, 2].iter().flat_map(|n| store.order_reservations(OrderNumber(*n)).unwrap()).map(|r| r.bin).collect();
    let (full, other) =
        if held.iter().all(|b| b == "01-002-A") { ("01-002-A", "06-010-B") } else { ("06-010-B", "01-002-A") };
    assert!(held.iter().all(|b| b == full), "{held:?}");
    // The other bin keeps only 3 free units: enough for order 2, not for both.
    store.adjust_stock(&supervisor(), bin(other), "MUG", None, -7, "damaged").unwrap();

    // The reserved bin is found empty.
    let task = store.request_count(&supervisor(), bin(full), "").unwrap();
    let nothing: [CountEntry; 0] = [];
    assert_eq!(submit(&mut store, task.id, &nothing).unwrap(), CountOutcome::Recount(vec!["MUG".into()]));
    let CountOutcome::Review(_) = submit(&mut store, task.id, &nothing).unwrap() else { panic!() };
    let adjusted = store.adjust_count(&supervisor(), task.id, "lost or stolen").unwrap();
    assert_eq!(adjusted.net, -10);
    // The least urgent first (same priority and ship-by: the newest): order 2 moves to the other bin, order 1 waits.
    assert_eq!(adjusted.reallocated, [OrderNumber(2)]);
    assert_eq!(adjusted.backordered, [OrderNumber(1)]);
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Ready);
    let moved = store.order_reservations(OrderNumber(2)).unwrap();
    assert_eq!((moved[0].bin.as_str(), moved[0].qty), (other, 3));
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Backordered);
    assert!(store.order_reservations(OrderNumber(1)).unwrap().is_empty());
    let balance = store.stock_balance(bin(full), "MUG", None).unwrap();
    assert_eq!((balance.on_hand, balance.reserved), (0, 0));
    assert_books_balance(&store);

    // Stock found back in the bin at the next count fills the backorder.
    let task = store.request_count(&supervisor(), bin(full), "").unwrap();
    let found = [CountEntry { sku: "MUG".into(), qty: 4 }];
    submit(&mut store, task.id, &found).unwrap();
    submit(&mut store, task.id, &found).unwrap();
    let adjusted = store.adjust_count(&supervisor(), task.id, "found stock").unwrap();
    assert_eq!((adjusted.net, adjusted.filled), (4, 1));
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Ready);
    assert_books_balance(&store);
}

fn the_schedule_counts_a_bins_more_often_and_keeps_to_the_daily_cap(backend: &pg::Backend) {
    let Env { _dir, mut store, .. } = env(backend);
    let schedule = CountSchedule { per_day: 2, ..CountSchedule::default() };
    let today = chrono::Utc::now().date_naive();
    // Three bins hold stock, none was ever counted: two today, most urgent (zone A) first.
    let made =
        store.schedule_counts(&supervisor(), today, packline::report::inbound::count_plan(&schedule, today)).unwrap();
    assert_eq!(made, 2);
    let tasks = store.count_tasks().unwrap();
    assert!(tasks.iter().all(|t| t.source == CountSource::Schedule && t.zone == Zone::A), "{tasks:?}");
    assert!(tasks[0].reason.starts_with("zone A every 7 days; never counted"), "{}", tasks[0].reason);
    // The cap holds for the rest of the day.
    let made =
        store.schedule_counts(&supervisor(), today, packline::report::inbound::count_plan(&schedule, today)).unwrap();
    assert_eq!(made, 0);
    // Counted bins are not due again until their interval has passed.
    for task in &tasks {
        let system =
            store.stock_balance(task.bin, if task.bin == bin("03-005-A") { "TEE" } else { "MUG" }, None).unwrap();
        let item = if task.bin == bin("03-005-A") { "TEE" } else { "MUG" };
        let entry = [CountEntry { sku: item.into(), qty: u32::try_from(system.on_hand).unwrap() }];
        assert_eq!(submit(&mut store, task.id, &entry).unwrap(), CountOutcome::Matched);
    }
    let tomorrow = today.succ_opt().unwrap();
    let made = store
        .schedule_counts(&supervisor(), tomorrow, packline::report::inbound::count_plan(&schedule, tomorrow))
        .unwrap();
    assert_eq!(made, 1, "only the bin never counted");
    let week = today + chrono::Days::new(7);
    let left = store.count_tasks().unwrap().len();
    let made =
        store.schedule_counts(&supervisor(), week, packline::report::inbound::count_plan(&schedule, week)).unwrap();
    assert_eq!(made as usize + left, 3, "the A bins are due again after 7 days");
}

/// A one-order wave for `number`, released; taken by a picker when `start`.
fn wave_of(store: &mut Store, layout: &Layout, number: i64, start: bool) -> packline::domain::WaveNumber {
    use packline::planning::batching::{self, Planned, WaveRules};
    let rules = WaveRules {
        min_orders: 1,
        max_orders: 1,
        totes_per_cart: 5,
        units_per_tote: 40,
        pool: 100,
        cutoff: "14:00:00".parse().unwrap(),
        lease_seconds: 120,
    };
    let candidates: Vec<_> =
        store.wave_candidates(100).unwrap().into_iter().filter(|c| c.number == OrderNumber(number)).collect();
    let Planned::Wave(plan) = batching::plan_wave(layout, &candidates, &rules) else { panic!("no wave for {number}") };
    let wave = store.create_wave(&supervisor(), &plan).unwrap();
    store.release_wave(&supervisor(), wave).unwrap();
    if start {
        store.take_wave(&Actor::new("HANDHELD-1", "EMP-0002"), wave, 120_000, false).unwrap();
    }
    wave
}

fn a_count_takes_stock_from_waved_and_picking_orders_last_and_says_what_became_of_them(backend: &pg::Backend) {
    let Env { _dir, mut store, layout } = env(backend);
    store.adjust_stock(&supervisor(), bin("06-010-B"), "MUG", None, -10, "damaged").unwrap();
    let orders = [order("1", &[("MUG", 2)]), order("2", &[("MUG", 3)]), order("3", &[("MUG", 4)])];
    store.import_checked(&supervisor(), &orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    let picking = wave_of(&mut store, &layout, 1, true);
    let waved = wave_of(&mut store, &layout, 2, false);
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Picking);
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Waved);

    // 01-002-A is found empty: all 9 reserved units are gone and no other bin has MUG.
    let task = store.request_count(&supervisor(), bin("01-002-A"), "").unwrap();
    submit(&mut store, task.id, &[]).unwrap();
    submit(&mut store, task.id, &[]).unwrap();
    let adjusted = store.adjust_count(&supervisor(), task.id, "lost or stolen").unwrap();
    assert_eq!(adjusted.net, -10);
    // Not waved first (3), then the waved one (2); the one being picked is left short for the supervisor.
    assert_eq!(adjusted.backordered, [OrderNumber(3), OrderNumber(2)]);
    assert_eq!(adjusted.short, [OrderNumber(1)]);
    assert!(adjusted.reallocated.is_empty());
    assert_eq!(store.order_status(OrderNumber(3)).unwrap(), OrderStatus::Backordered);
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Backordered);
    assert_eq!(store.wave_of_order(OrderNumber(2)).unwrap(), None, "out of its wave, tote free");
    assert_eq!(store.wave(waved).unwrap().status, packline::domain::WaveStatus::Cancelled, "nothing left in it");
    assert_eq!(store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Short);
    let list = store.pick_list(picking).unwrap();
    assert_eq!(list.stops[0].state, packline::domain::wave::StopState::Short);
    assert_eq!(list.wave.status, packline::domain::WaveStatus::Picked, "nothing left to pick");
    assert_books_balance(&store);
}

#[test]
fn upgrading_a_version_8_store_turns_its_open_short_pick_counts_into_one_task_per_bin() {
    let Env { _dir, store, .. } = env(&pg::Backend::Sqlite);
    let path = store.path().to_owned();
    drop(store);
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "DROP TABLE receipt_scans; DROP TABLE putaway; DROP TABLE receipt_packages; DROP TABLE receipt_lines;
             DROP TABLE receipts; DROP TABLE count_lines; DROP TABLE bin_last_counted; DROP TABLE bin_counts;
             CREATE TABLE count_tasks (id INTEGER PRIMARY KEY, bin_id INTEGER NOT NULL REFERENCES bins (id),
                 sku_id INTEGER NOT NULL REFERENCES skus (id), reason TEXT NOT NULL, created_at INTEGER NOT NULL,
                 done_at INTEGER);
             INSERT INTO count_tasks (bin_id, sku_id, reason, created_at, done_at)
             SELECT b.id, k.id, t.reason, t.at, t.done FROM (
                 SELECT '01-002-A' AS bin, 'MUG' AS sku, 'short pick in WAVE-000001: bin empty' AS reason, 100 AS at, NULL AS done
                 UNION ALL SELECT '01-002-A', 'TEE', 'short pick in WAVE-000002: damaged', 200, NULL
                 UNION ALL SELECT '03-005-A', 'TEE', 'short pick in WAVE-000002: bin empty', 300, NULL
                 UNION ALL SELECT '06-010-B', 'MUG', 'short pick in WAVE-000003: bin empty', 400, 500
             ) t JOIN bins b ON b.code = t.bin JOIN skus k ON k.code = t.sku;
             PRAGMA user_version = 8;",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let tasks: Vec<_> = store
        .count_tasks()
        .unwrap()
        .into_iter()
        .map(|t| (t.bin.to_string(), t.source, t.status, t.reason, t.created_at.timestamp()))
        .collect();
    assert_eq!(
        tasks,
        [
            (
                "01-002-A".into(),
                CountSource::ShortPick,
                CountStatus::Open,
                "short pick in WAVE-000001: bin empty".into(),
                100
            ),
            (
                "03-005-A".into(),
                CountSource::ShortPick,
                CountStatus::Open,
                "short pick in WAVE-000002: bin empty".into(),
                300
            ),
        ]
    );
}

fn a_count_submitted_by_two_stations_is_taken_once(backend: &pg::Backend) {
    let Env { _dir, mut store, .. } = env(backend);
    let task = store.request_count(&supervisor(), bin("06-010-B"), "").unwrap();
    // Both counters opened the first count; the first to submit wins.
    let first = [CountEntry { sku: "MUG".into(), qty: 9 }];
    assert_eq!(
        store.submit_count(&receiver(), task.id, CountStatus::Open, &first).unwrap(),
        CountOutcome::Recount(vec!["MUG".into()])
    );
    let late = store.submit_count(&supervisor(), task.id, CountStatus::Open, &first).unwrap_err().to_string();
    assert!(late.contains("moved on at another station"), "{late}");
    // The late one's figures did not count as the recount.
    assert_eq!(store.count_task_for_bin(bin("06-010-B")).unwrap().unwrap().status, CountStatus::Recount);
}

on_both_backends!(
    a_delivery_with_over_short_damaged_and_unexpected_lines_is_closed_with_reasons,
    putaway_suggests_a_bin_that_holds_the_sku_else_a_free_one_and_fills_backorders,
    a_blind_count_that_differs_is_recounted_then_adjusted_with_a_reason,
    a_count_that_takes_stock_away_re_plans_or_backorders_the_orders_that_held_it,
    the_schedule_counts_a_bins_more_often_and_keeps_to_the_daily_cap,
    a_count_takes_stock_from_waved_and_picking_orders_last_and_says_what_became_of_them,
    a_count_submitted_by_two_stations_is_taken_once,
);
