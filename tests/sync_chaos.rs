//! Chaos for the sync: shipments pushed through injected faults while the
//! sync process is killed again and again (exactly one fulfillment per
//! order at the channel, an empty outbox at the end), and order pulls through
//! duplicated, reordered and stale deliveries (the store converges to the
//! channel with no duplicate and no copy ever going back in time).
//!
//! Run with `--nocapture` to see the figures.

#![allow(clippy::unwrap_used)]

mod common;
mod sync_env;

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use packline::sync::sim::Faults;
use rand::{Rng as _, SeedableRng as _};
use sync_env::{Env, outbox_counts, pack_all_ready, text};

#[test]
fn a_thousand_shipments_through_faults_and_kills_reach_the_channel_exactly_once() {
    let (env, sim) = Env::new(20_000).with_sim(1_150, 2026);
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let packed = pack_all_ready(&mut env.store());
    assert!(packed >= 1_000, "only {packed} orders were ready to pack");
    // 30% of API requests fail: resets before and after the channel commits,
    // answers slower than the 0.5 s timeout, 5xx and 429.
    let faults = Faults {
        server_error_rate: 0.06,
        rate_limit_rate: 0.03,
        retry_after_secs: 1,
        delay_rate: 0.04,
        delay_ms: 800,
        reset_before_rate: 0.08,
        reset_after_rate: 0.09,
        ..Faults::default()
    };
    sim.set_faults(faults).unwrap();
    // Full pages, pulled now and then: the pushes are what is measured here.
    env.configure_sync(
        &sync_env::FAST_SYNC
            .replace("page_limit = 7", "page_limit = 250")
            .replace("pull_seconds = 1", "pull_seconds = 20"),
        "",
    );
    let started = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut kills = 0;
    loop {
        let (pending, _, failed) = outbox_counts(&env);
        assert_eq!(failed, 0, "no row may fail for good");
        if pending == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(400), "{pending} rows still pending after {kills} kills");
        let mut child = env.packline(&["sync"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        // Killed mid-push a dozen times; then left to finish.
        let life =
            if kills < 12 { Duration::from_millis(rng.random_range(300..2_500)) } else { Duration::from_secs(3) };
        std::thread::sleep(life);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if kills < 12 {
            kills += 1;
        }
    }
    let elapsed = started.elapsed();
    let stats = sim.stats();
    let (pending, sent, failed) = outbox_counts(&env);
    let attempts: i64 = env.sql().query_row("SELECT sum(attempts) FROM outbox", [], |r| r.get(0)).unwrap();
    println!(
        "chaos push: {packed} shipments, {kills} SIGKILLs, {} API requests, faults injected {:?} ({} in all), \
         {attempts} attempts, {elapsed:.1?}",
        stats.requests,
        stats.faults,
        stats.faults.total()
    );
    assert_eq!((pending, sent as usize, failed), (0, packed, 0));
    assert_eq!(stats.fulfillments as usize, packed, "one fulfillment per shipment");
    assert_eq!(stats.orders_with_multiple_fulfillments, 0);
    assert_eq!(stats.duplicate_tracking_numbers, 0);
    assert!(stats.faults.reset_after > 10 && stats.faults.reset_before > 10, "{:?}", stats.faults);
    assert!(kills >= 12);
    // Each row recorded the very fulfillment the channel holds.
    let rows: Vec<(String, String)> = env
        .sql()
        .prepare("SELECT o.external_id, x.remote_id FROM outbox x JOIN orders o ON x.idempotency_key = 'shipment:shop:' || o.external_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), packed);
    for (external, remote) in rows {
        let held = sim.fulfillments_json(external.parse().unwrap()).unwrap();
        assert_eq!(held["fulfillments"][0]["id"].to_string(), remote, "{external}");
    }
}

/// Every stored order of the channel: external id -> (updated_at, status, note).
fn stored(env: &Env) -> HashMap<String, (i64, String, String)> {
    env.sql()
        .prepare("SELECT external_id, updated_at, status, note FROM orders")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn pulls_through_duplicates_reordering_and_stale_copies_converge_to_the_channel() {
    let (env, sim) = Env::new(100_000).with_sim(300, 99);
    sim.set_faults(Faults {
        duplicate_rate: 0.2,
        reorder_rate: 0.3,
        stale_rate: 0.2,
        server_error_rate: 0.05,
        reset_before_rate: 0.05,
        ..Faults::default()
    })
    .unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let mut before = stored(&env);
    let mut failed_pulls = 0;
    for _ in 0..12 {
        sim.add_orders(10);
        let ids = sim.order_ids();
        for _ in 0..8 {
            let id = ids[rng.random_range(0..ids.len())];
            let _ = sim.update_order(id, None);
        }
        for _ in 0..3 {
            let id = ids[rng.random_range(0..ids.len())];
            let _ = sim.cancel_order(id);
        }
        let out = env.sync_once(&[]);
        failed_pulls += usize::from(!out.status.success());
        let after = stored(&env);
        for (id, (updated, status, _)) in &before {
            let (now_updated, now_status, _) = &after[id];
            assert!(now_updated >= updated, "order {id} went back in time: {updated} -> {now_updated}");
            assert!(status != "cancelled" || now_status == "cancelled", "order {id} came back from cancelled");
        }
        before = after;
    }
    let distinct: i64 = env
        .sql()
        .query_row("SELECT count(DISTINCT channel_id || ':' || external_id) FROM orders", [], |r| r.get(0))
        .unwrap();
    let total: i64 = env.sql().query_row("SELECT count(*) FROM orders", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, total, "no order stored twice");
    // What incremental pulls alone left behind (stale copies can hide a change), then the full pull.
    sim.set_faults(Faults::default()).unwrap();
    assert!(env.sync_once(&[]).status.success());
    let behind = differences(&env, &sim);
    let out = env.sync_once(&["--full"]);
    assert!(out.status.success(), "{}", text(&out));
    let left = differences(&env, &sim);
    let stats = sim.stats();
    println!(
        "chaos pull: {} orders, {} API requests, faults {:?}, {failed_pulls} of 12 pulls failed, \
         {behind} orders behind after incremental pulls, {left} after the full pull",
        stats.orders, stats.requests, stats.faults
    );
    assert!(stats.faults.stale > 20 && stats.faults.duplicate > 20 && stats.faults.reorder > 5, "{:?}", stats.faults);
    assert_eq!(left, 0, "the store equals the channel");
    assert_eq!(stored(&env).len() as u64, stats.orders);
}

/// Orders where the store differs from the channel (missing, another
/// version, another note, cancelled on one side only).
fn differences(env: &Env, sim: &packline::sync::sim::Sim) -> usize {
    let stored = stored(env);
    sim.orders_json()
        .iter()
        .filter(|order| {
            let id = order["id"].to_string();
            let Some((updated, status, note)) = stored.get(&id) else { return true };
            let channel_updated =
                chrono::DateTime::parse_from_rfc3339(order["updated_at"].as_str().unwrap()).unwrap().timestamp();
            let cancelled = !order["cancelled_at"].is_null();
            *updated != channel_updated
                || (status == "cancelled") != cancelled
                || note.as_str() != order["note"].as_str().unwrap_or("")
        })
        .count()
}
