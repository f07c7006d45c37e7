//! Waves and picking through the store: planning from ready orders, totes,
//! pick tasks in walk order, leases, confirmations, short picks with an
//! alternate bin or a short order, and the stock invariants throughout.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use chrono::Utc;
use common::{bin, order, sku};
use packline::domain::wave::{ShortReason, StopState, WavePlan};
use packline::domain::{Actor, BinCode, Layout, OrderNumber, OrderStatus, Verdict, WaveStatus};
use packline::planning::batching::{self, Planned, WaveRules};
use packline::store::Store;
use tempfile::TempDir;

const LEASE_MS: i64 = 120_000;

fn supervisor() -> Actor {
    Actor::new("STATION-1", "EMP-0001")
}

fn picker() -> Actor {
    Actor::new("STATION-2", "EMP-0002")
}

fn other_picker() -> Actor {
    Actor::new("STATION-3", "EMP-0003")
}

struct Env {
    _dir: TempDir,
    store: Store,
    layout: Layout,
}

/// The demo layout's bins, three SKUs: MUG in 01-002-A (10) and 06-010-B
/// (10), TEE in 03-005-A (2) and 11-020-C (5), CAP in 02-003-A (6); three
/// orders allocated and ready.
fn env(backend: &pg::Backend) -> Env {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
    let layout = Layout::demo();
    store.add_channel(&supervisor(), "shop", "Web shop", "rest").unwrap();
    store.add_bins(&supervisor(), &layout.zoned_bins()).unwrap();
    store.add_skus(&supervisor(), &[sku("MUG"), sku("TEE"), sku("CAP")]).unwrap();
    for (code, item, qty) in [
        ("01-002-A", "MUG", 10),
        ("06-010-B", "MUG", 10),
        ("03-005-A", "TEE", 2),
        ("11-020-C", "TEE", 5),
        ("02-003-A", "CAP", 6),
    ] {
        store.receive_stock(&supervisor(), bin(code), item, None, qty, "PO-1").unwrap();
    }
    let orders =
        [order("1", &[("MUG", 2), ("TEE", 1)]), order("2", &[("MUG", 3)]), order("3", &[("TEE", 1), ("CAP", 2)])];
    let summary = store.import_checked(&supervisor(), &orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.ready, 3);
    Env { _dir: dir, store, layout }
}

fn rules() -> WaveRules {
    WaveRules {
        min_orders: 1,
        max_orders: 20,
        totes_per_cart: 20,
        units_per_tote: 40,
        pool: 100,
        cutoff: "14:00:00".parse().unwrap(),
        lease_seconds: 120,
    }
}

fn plan(env: &Env) -> WavePlan {
    let mut candidates = env.store.wave_candidates(100).unwrap();
    batching::by_urgency(&mut candidates, &rules(), Utc::now());
    match batching::plan_wave(&env.layout, &candidates, &rules()) {
        Planned::Wave(plan) => plan,
        Planned::Nothing { .. } => panic!("three ready orders make a wave"),
    }
}

fn assert_clean(env: &Env) {
    let audit = env.store.audit_allocation().unwrap();
    assert!(audit.is_clean(), "{audit:?}");
}

fn a_planned_wave_holds_its_orders_in_totes_with_tasks_in_walk_order(backend: &pg::Backend) {
    let mut env = env(backend);
    let plan = plan(&env);
    assert_eq!(plan.orders.len(), 3);
    assert_eq!((plan.lines, plan.units), (5, 9));
    let wave = env.store.create_wave(&supervisor(), &plan).unwrap();
    for n in 1..=3 {
        assert_eq!(env.store.order_status(OrderNumber(n)).unwrap(), OrderStatus::Waved);
    }
    let list = env.store.pick_list(wave).unwrap();
    assert_eq!(list.wave.status, WaveStatus::Planned);
    assert_eq!((list.wave.orders, list.wave.lines, list.wave.units, list.wave.done_units), (3, 5, 9, 0));
    // MUG for orders 1 and 2 from one bin is one stop with two totes.
    let mug = list.stops.iter().find(|s| s.sku == "MUG").unwrap();
    assert_eq!(mug.bin, bin("01-002-A"));
    let totes: Vec<(&str, u32)> = mug.shares.iter().map(|s| (s.tote.as_str(), s.qty)).collect();
    assert_eq!(totes, [("T0001", 2), ("T0002", 3)]);
    // Stops follow the plan's walk.
    let walk: Vec<BinCode> = list.stops.iter().map(|s| s.bin).collect();
    let in_plan: Vec<BinCode> = plan.walk.iter().copied().filter(|b| walk.contains(b)).collect();
    assert_eq!(walk, in_plan);
    // The same orders cannot be waved twice.
    let err = env.store.create_wave(&supervisor(), &plan).unwrap_err().to_string();
    assert!(err.contains("no longer ready"), "{err}");
    assert_eq!(env.store.waves(10).unwrap().len(), 1);
}

fn cancelling_a_wave_gives_its_orders_back_with_their_stock(backend: &pg::Backend) {
    let mut env = env(backend);
    let wave = env.store.create_wave(&supervisor(), &plan(&env)).unwrap();
    env.store.release_wave(&supervisor(), wave).unwrap();
    env.store.cancel_wave(&supervisor(), wave, "wrong cart").unwrap();
    for n in 1..=3 {
        assert_eq!(env.store.order_status(OrderNumber(n)).unwrap(), OrderStatus::Ready);
        assert!(!env.store.order_reservations(OrderNumber(n)).unwrap().is_empty());
    }
    assert_eq!(env.store.wave(wave).unwrap().status, WaveStatus::Cancelled);
    // Waved again: the totes are free again.
    let again = env.store.create_wave(&supervisor(), &plan(&env)).unwrap();
    assert_eq!(env.store.wave_of_order(OrderNumber(1)).unwrap(), Some((again, "T0001".to_owned())));
    assert_clean(&env);
}

fn a_wave_is_leased_to_one_station_until_it_expires_or_is_taken_over(backend: &pg::Backend) {
    let mut env = env(backend);
    let wave = env.store.create_wave(&supervisor(), &plan(&env)).unwrap();
    let err = env.store.take_wave(&picker(), wave, LEASE_MS, false).unwrap_err().to_string();
    assert!(err.contains("planned"), "not released yet: {err}");
    env.store.release_wave(&supervisor(), wave).unwrap();
    env.store.take_wave(&picker(), wave, LEASE_MS, false).unwrap();
    assert_eq!(env.store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Picking);
    let err = env.store.take_wave(&other_picker(), wave, LEASE_MS, false).unwrap_err().to_string();
    assert!(err.contains("is held by EMP-0002 at STATION-2 since"), "{err}");
    let stop = env.store.pick_list(wave).unwrap().stops[0].clone();
    let err = env.store.confirm_pick(&other_picker(), wave, stop.stock_id, &stop.shares[0].tote, 1).unwrap_err();
    assert!(err.to_string().contains("take it over first"), "{err}");
    assert!(env.store.renew_lease(&picker(), wave, LEASE_MS).unwrap());
    // A supervisor takes it over: the first picker's lease is gone.
    env.store.take_wave(&other_picker(), wave, LEASE_MS, true).unwrap();
    assert!(!env.store.renew_lease(&picker(), wave, LEASE_MS).unwrap());
    let lease = env.store.wave(wave).unwrap().lease.unwrap();
    assert_eq!((lease.station.as_str(), lease.operator.as_str()), ("STATION-3", "EMP-0003"));
    // An expired lease frees the wave for anyone.
    env.store.take_wave(&other_picker(), wave, 1, false).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(env.store.release_expired_leases(&supervisor()).unwrap(), 1);
    env.store.take_wave(&picker(), wave, LEASE_MS, false).unwrap();
}

fn picking_a_whole_wave_moves_the_stock_out_and_finishes_orders_and_wave(backend: &pg::Backend) {
    let mut env = env(backend);
    let wave = env.store.create_wave(&supervisor(), &plan(&env)).unwrap();
    env.store.release_wave(&supervisor(), wave).unwrap();
    env.store.take_wave(&picker(), wave, LEASE_MS, false).unwrap();
    let list = env.store.pick_list(wave).unwrap();
    // A tote that gets nothing here, or too many units, is refused.
    let mug = list.stops.iter().find(|s| s.sku == "MUG").unwrap();
    let err = env.store.confirm_pick(&picker(), wave, mug.stock_id, "T0003", 1).unwrap_err().to_string();
    assert!(err.contains("tote T0003 gets nothing from this bin; put it into T0001, T0002"), "{err}");
    let err = env.store.confirm_pick(&picker(), wave, mug.stock_id, "T0001", 3).unwrap_err().to_string();
    assert!(err.contains("only 2 more go into T0001"), "{err}");
    for stop in &list.stops {
        for share in &stop.shares {
            env.store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, share.qty).unwrap();
        }
    }
    let summary = env.store.wave(wave).unwrap();
    assert_eq!((summary.status, summary.done_units, summary.lease.is_none()), (WaveStatus::Picked, 9, true));
    for n in 1..=3 {
        assert_eq!(env.store.order_status(OrderNumber(n)).unwrap(), OrderStatus::Picked);
        assert!(
            env.store.order_reservations(OrderNumber(n)).unwrap().is_empty(),
            "picked units are no longer reserved"
        );
    }
    let mug = env.store.stock_balance(bin("01-002-A"), "MUG", None).unwrap();
    assert_eq!((mug.on_hand, mug.reserved), (5, 0));
    assert_clean(&env);
}

fn a_short_pick_takes_another_bin_or_leaves_the_order_short(backend: &pg::Backend) {
    let mut env = env(backend);
    let wave = env.store.create_wave(&supervisor(), &plan(&env)).unwrap();
    env.store.release_wave(&supervisor(), wave).unwrap();
    env.store.take_wave(&picker(), wave, LEASE_MS, false).unwrap();
    let list = env.store.pick_list(wave).unwrap();
    // MUG's bin is empty: the other MUG bin has 10, so both orders move there.
    let mug = list.stops.iter().find(|s| s.sku == "MUG").unwrap().clone();
    let outcome = env.store.short_pick(&picker(), wave, mug.stock_id, ShortReason::Stockout).unwrap();
    assert_eq!(
        (outcome.moved_to.as_slice(), outcome.short_orders.as_slice()),
        ([bin("06-010-B")].as_slice(), [].as_slice())
    );
    let walk = packline::planning::routing::route(
        &env.layout,
        &env.store
            .pick_list(wave)
            .unwrap()
            .stops
            .iter()
            .filter(|s| s.state == StopState::Open)
            .map(|s| s.bin)
            .collect::<Vec<_>>(),
        packline::planning::routing::Method::Optimal,
    )
    .unwrap();
    env.store.resequence_wave(&picker(), wave, &walk.sequence).unwrap();
    let list = env.store.pick_list(wave).unwrap();
    let old = list.stops.iter().find(|s| s.stock_id == mug.stock_id).unwrap();
    assert_eq!(old.state, StopState::Short);
    let moved = list.stops.iter().find(|s| s.bin == bin("06-010-B")).unwrap();
    assert_eq!((moved.qty(), moved.state), (5, StopState::Open));
    let tasks = env.store.count_tasks().unwrap();
    let tasks: Vec<_> = tasks.iter().map(|t| (t.bin.to_string(), t.source, t.reason.clone())).collect();
    assert_eq!(
        tasks,
        [(
            "01-002-A".to_owned(),
            packline::domain::inbound::CountSource::ShortPick,
            format!("short pick of MUG in {wave}: bin empty")
        )]
    );
    // TEE: 2 in 03-005-A for orders 1 and 3, and 5 in 11-020-C: short one tote's unit after picking the other.
    let tee = list.stops.iter().find(|s| s.sku == "TEE" && s.bin == bin("03-005-A")).unwrap().clone();
    env.store.confirm_pick(&picker(), wave, tee.stock_id, &tee.shares[0].tote, 1).unwrap();
    // Take the rest of TEE elsewhere away first, so nothing is left for the short.
    env.store.adjust_stock(&supervisor(), bin("11-020-C"), "TEE", None, -5, "damaged").unwrap();
    let outcome = env.store.short_pick(&picker(), wave, tee.stock_id, ShortReason::Damaged).unwrap();
    assert!(outcome.moved_to.is_empty());
    let short = OrderNumber(tee.shares[1].order.0);
    assert_eq!(outcome.short_orders, [short]);
    assert_eq!(env.store.order_status(short).unwrap(), OrderStatus::Short);
    // The rest of the wave is still picked.
    for stop in env.store.pick_list(wave).unwrap().stops.iter().filter(|s| s.state == StopState::Open) {
        for share in stop.shares.iter().filter(|s| s.picked < s.qty) {
            env.store.confirm_pick(&picker(), wave, stop.stock_id, &share.tote, share.qty - share.picked).unwrap();
        }
    }
    assert_eq!(env.store.wave(wave).unwrap().status, WaveStatus::Picked);
    assert_eq!(env.store.order_status(short).unwrap(), OrderStatus::Short, "left for the supervisor");
    let others: Vec<OrderStatus> =
        (1..=3).filter(|n| *n != short.0).map(|n| env.store.order_status(OrderNumber(n)).unwrap()).collect();
    assert_eq!(others, [OrderStatus::Picked, OrderStatus::Picked]);
    assert_clean(&env);
}

on_both_backends!(
    a_planned_wave_holds_its_orders_in_totes_with_tasks_in_walk_order,
    cancelling_a_wave_gives_its_orders_back_with_their_stock,
    a_wave_is_leased_to_one_station_until_it_expires_or_is_taken_over,
    picking_a_whole_wave_moves_the_stock_out_and_finishes_orders_and_wave,
    a_short_pick_takes_another_bin_or_leaves_the_order_short,
);
