//! The channel REST connector against the channel simulator and a scripted
//! mock channel, through `packline sync --once`: pages and the cursor, stale
//! copies, cancellations, rate limits, a rejected token and the token file's
//! mode, and shipments pushed once.

#![allow(clippy::unwrap_used)]

mod common;
mod sync_env;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use packline::domain::sync::ChannelState;
use packline::domain::{OrderNumber, OrderStatus};
use packline::sync::sim::Faults;
use packline::sync::sim::http::{Reply, Request, Response, handler_fn};
use serde_json::json;
use sync_env::{Env, outbox_counts, pack_all_ready, text};

fn stored_orders(env: &Env) -> i64 {
    env.sql().query_row("SELECT count(*) FROM orders", [], |r| r.get(0)).unwrap()
}

#[test]
fn pages_are_followed_and_the_cursor_brings_only_changes_next_time() {
    let (env, sim) = Env::new(500).with_sim(23, 7);
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("shop: pulled 23 new"), "{}", text(&out));
    assert_eq!(stored_orders(&env), 23);
    // 23 orders at 7 a page: 4 pages.
    assert_eq!(sim.stats().requests_by_endpoint.get("list_orders"), Some(&4));
    let cursor = env.store().channel_sync("shop").unwrap().unwrap().cursor.unwrap();
    let newest = sim
        .orders_json()
        .iter()
        .map(|o| o["updated_at"].as_str().unwrap().to_owned())
        .max_by_key(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap());
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&cursor).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&newest.unwrap()).unwrap(),
        "the cursor is the newest order stored"
    );

    let first = sim.order_ids()[0];
    sim.add_orders(3);
    sim.update_order(first, Some("ring twice".into())).unwrap();
    let out = env.sync_once(&[]);
    assert!(text(&out).contains("shop: pulled 3 new"), "{}", text(&out));
    assert!(text(&out).contains(", 1 updated,"), "{}", text(&out));
    assert_eq!(stored_orders(&env), 26);
    let note: String = env
        .sql()
        .query_row("SELECT note FROM orders WHERE external_id = ?1", [first.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(note, "ring twice");
    // Ids above 2^53 are kept exactly.
    let ids: Vec<String> = env
        .sql()
        .prepare("SELECT external_id FROM orders ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(ids.contains(&first.to_string()), "{first} in {ids:?}");
    assert!(first > 1 << 53);
}

/// One order in the API's shape.
fn api_order(id: u64, updated_at: &str, note: &str, cancelled: bool) -> serde_json::Value {
    json!({
        "id": id, "name": format!("#{}", id % 10_000), "email": "ana@example.com",
        "created_at": "2026-11-20T09:14:03+01:00", "updated_at": updated_at,
        "cancelled_at": if cancelled { json!(updated_at) } else { json!(null) },
        "financial_status": "paid", "fulfillment_status": null, "total_price": "25.00", "currency": "EUR",
        "note": note, "tags": "",
        "shipping_address": {"name": "Ana Lima", "company": null, "address1": "Rua Augusta 12", "address2": "",
            "city": "Lisboa", "province_code": null, "zip": "1100-053", "country_code": "PT", "phone": "+351 912 345 678"},
        "line_items": [{"id": id * 10, "sku": "MUG-RED", "title": "Mug", "variant_title": "Red", "quantity": 2,
            "price": "12.50", "grams": 350, "requires_shipping": true}],
        "shipping_lines": [{"code": "standard", "title": "Standard", "price": "4.90"}]
    })
}

/// A mock channel answering each orders request with the next scripted
/// page, recording every request target and when it came.
/// Request targets as the mock saw them, with when.
type Seen = Arc<Mutex<Vec<(String, Instant)>>>;

fn scripted(pages: Vec<Response>) -> (sync_env::Env, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let pages = Arc::new(Mutex::new(pages.into_iter()));
    let log = Arc::clone(&seen);
    let handler = handler_fn(move |request: Request| {
        log.lock().unwrap().push((request.target.clone(), Instant::now()));
        if request.header("X-Shopify-Access-Token") != Some(sync_env::TOKEN) {
            return Response::json(401, &json!({"errors": "[API] Invalid API key"})).into();
        }
        if request.query_value("page_info").is_some() && request.query_value("status").is_some() {
            return Response::json(400, &json!({"errors": "page_info may not be sent with other filters"})).into();
        }
        match pages.lock().unwrap().next() {
            Some(page) => Reply::Response(page),
            None => Response::json(200, &json!({"orders": []})).into(),
        }
    });
    (Env::new(100).with_mock(handler), seen)
}

fn page(orders: &[serde_json::Value]) -> Response {
    Response::json(200, &json!({ "orders": orders }))
}

#[test]
fn link_headers_are_followed_exactly_even_beside_a_previous_link() {
    let env_pages = |addr: std::net::SocketAddr| {
        let link = |info: &str, rel: &str| {
            format!("<http://{addr}/admin/api/2025-01/orders.json?limit=7&page_info={info}>; rel=\"{rel}\"")
        };
        vec![
            page(&[api_order(9_007_199_254_740_993, "2026-11-20T10:00:00+01:00", "", false)])
                .header("Link", &link("p2", "next")),
            page(&[api_order(9_007_199_254_740_995, "2026-11-20T10:05:00+01:00", "", false)])
                .header("Link", &format!("{}, {}", link("p1", "previous"), link("p3", "next"))),
            page(&[api_order(9_007_199_254_740_997, "2026-11-20T10:10:00+01:00", "", false)])
                .header("Link", &link("p2", "previous")),
        ]
    };
    // The mock needs its own address in the links: bind first, then script.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let pages: Arc<Mutex<Option<std::vec::IntoIter<Response>>>> = Arc::new(Mutex::new(None));
    let (log, script) = (Arc::clone(&seen), Arc::clone(&pages));
    let env = Env::new(100).with_mock(handler_fn(move |request: Request| {
        log.lock().unwrap().push(request.target.clone());
        if request.query_value("page_info").is_some() && request.query_value("status").is_some() {
            return Response::json(400, &json!({"errors": "page_info with another filter"})).into();
        }
        match script.lock().unwrap().as_mut().and_then(Iterator::next) {
            Some(page) => Reply::Response(page),
            None => Response::json(200, &json!({"orders": []})).into(),
        }
    }));
    *pages.lock().unwrap() = Some(env_pages(env.addr).into_iter());
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let seen = seen.lock().unwrap().clone();
    let orders: Vec<&String> = seen.iter().filter(|t| t.contains("orders.json")).collect();
    assert_eq!(orders.len(), 3, "{seen:?}");
    assert!(orders[0].starts_with("/admin/api/2025-01/orders.json?status=any&limit=7"), "{seen:?}");
    assert!(!orders[0].contains("updated_at_min"), "no cursor yet: {seen:?}");
    assert_eq!(orders[1], "/admin/api/2025-01/orders.json?limit=7&page_info=p2");
    assert_eq!(orders[2], "/admin/api/2025-01/orders.json?limit=7&page_info=p3");
    assert_eq!(stored_orders(&env), 3);
    let ids: Vec<String> = env
        .sql()
        .prepare("SELECT external_id FROM orders")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(ids.contains(&"9007199254740993".to_owned()), "{ids:?}");
    assert_eq!(
        env.store().channel_sync("shop").unwrap().unwrap().cursor.as_deref(),
        Some("2026-11-20T09:10:00Z"),
        "the cursor is the newest change, in UTC"
    );
}

#[test]
fn a_stale_copy_changes_nothing_and_a_cancellation_gives_the_stock_back() {
    let (env, seen) = scripted(vec![
        page(&[
            api_order(5_823_416_729_361, "2026-11-20T10:00:00+01:00", "new note", false),
            api_order(5_823_416_729_362, "2026-11-20T10:01:00+01:00", "", false),
        ]),
        // Next pull: an older copy of the first, and the second cancelled.
        page(&[
            api_order(5_823_416_729_361, "2026-11-20T09:00:00+01:00", "old note", false),
            api_order(5_823_416_729_362, "2026-11-20T10:30:00+01:00", "", true),
        ]),
    ]);
    let out = env.sync_once(&[]);
    assert!(text(&out).contains("pulled 2 new (2 ready"), "{}", text(&out));
    let reserved =
        |env: &Env| -> i64 { env.sql().query_row("SELECT sum(reserved) FROM stock", [], |r| r.get(0)).unwrap() };
    assert_eq!(reserved(&env), 4);
    let out = env.sync_once(&[]);
    assert!(text(&out).contains("1 unchanged, 1 cancelled"), "{}", text(&out));
    let store = env.store();
    let note: String =
        env.sql().query_row("SELECT note FROM orders WHERE external_id = '5823416729361'", [], |r| r.get(0)).unwrap();
    assert_eq!(note, "new note", "the stale copy did not overwrite the newer one");
    assert_eq!(store.order_status(OrderNumber(2)).unwrap(), OrderStatus::Cancelled);
    assert_eq!(reserved(&env), 2, "the cancelled order's units are free again");
    // The second pull asked from the cursor (09:01Z) less the 5-minute overlap.
    let seen = seen.lock().unwrap();
    assert!(seen[1].0.contains("updated_at_min=2026-11-20T08%3A56%3A00Z"), "{:?}", seen[1].0);
}

#[test]
fn a_rate_limit_is_waited_out_for_as_long_as_the_channel_says() {
    let (env, seen) = scripted(vec![
        Response::json(429, &json!({"errors": "Exceeded 2 calls per second"})).header("Retry-After", "1"),
        page(&[api_order(5_823_416_729_361, "2026-11-20T10:00:00+01:00", "", false)]),
    ]);
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stored_orders(&env), 1);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "asked again after the 429");
    let waited = seen[1].1 - seen[0].1;
    assert!(waited >= std::time::Duration::from_millis(950), "waited {waited:?}");
}

#[test]
fn a_rejected_token_stops_the_channel_keeps_the_outbox_and_resumes_once_fixed() {
    let (env, sim) = Env::new(500).with_sim(4, 11);
    assert!(env.sync_once(&[]).status.success());
    let packed = pack_all_ready(&mut env.store());
    assert_eq!(packed, 4);
    sim.set_token("rotated");
    let out = env.sync_once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("token rejected"), "{}", text(&out));
    let channel = env.store().channel_sync("shop").unwrap().unwrap();
    assert_eq!(channel.state, ChannelState::TokenRejected);
    assert_eq!(outbox_counts(&env), (4, 0, 0), "nothing sent, nothing dropped");
    assert_eq!(sim.stats().fulfillments, 0);
    sim.set_token(sync_env::TOKEN);
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outbox_counts(&env), (0, 4, 0));
    assert_eq!(env.store().channel_sync("shop").unwrap().unwrap().state, ChannelState::Ok);
    let held = sim.stats();
    assert_eq!(held.fulfillments, 4);
    assert!(held.fulfillments_by_order.values().all(|n| *n == 1));
}

#[test]
fn a_token_file_others_can_read_is_refused_with_the_reason() {
    use std::os::unix::fs::PermissionsExt as _;
    let (env, sim) = Env::new(500).with_sim(2, 3);
    std::fs::set_permissions(env.token_file(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.sync_once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let state = env.store().channel_sync("shop").unwrap().unwrap();
    assert_eq!(state.state, ChannelState::TokenRejected);
    let why = state.last_error.unwrap();
    assert!(why.contains("mode 0644") && why.contains("chmod 600"), "{why}");
    assert!(!why.contains(sync_env::TOKEN) && !text(&out).contains(sync_env::TOKEN));
    assert!(
        text(&out).contains("sync trouble: shop: the token file") && text(&out).contains("chmod 600"),
        "{}",
        text(&out)
    );
    assert_eq!(sim.stats().requests, 0, "nothing was sent with a token others can read");
    assert_eq!(stored_orders(&env), 0);
}

#[test]
fn shipments_reach_the_channel_once_with_their_tracking_number() {
    let (env, sim) = Env::new(500).with_sim(5, 5);
    assert!(env.sync_once(&[]).status.success());
    assert_eq!(pack_all_ready(&mut env.store()), 5);
    let out = env.sync_once(&[]);
    assert!(text(&out).contains("shop: 5 shipment(s) sent"), "{}", text(&out));
    assert_eq!(outbox_counts(&env), (0, 5, 0));
    // Each row records the channel's fulfillment, which carries our tracking number.
    let rows: Vec<(String, String)> = env
        .sql()
        .prepare("SELECT o.external_id, x.remote_id FROM outbox x JOIN orders o ON x.idempotency_key = 'shipment:shop:' || o.external_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 5);
    for (external, remote) in rows {
        let found = sim.fulfillments_json(external.parse().unwrap()).unwrap();
        let list = found["fulfillments"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{found}");
        assert_eq!(list[0]["id"].to_string(), remote);
        assert!(list[0]["tracking_number"].as_str().unwrap().starts_with("TRK"), "{found}");
    }
    // Nothing more to send: a second run posts nothing.
    assert!(env.sync_once(&[]).status.success());
    assert_eq!(sim.stats().requests_by_endpoint.get("create_fulfillment"), Some(&5));
}

#[test]
fn a_rate_limited_push_waits_and_records_why() {
    let (env, sim) = Env::new(500).with_sim(1, 9);
    assert!(env.sync_once(&[]).status.success());
    assert_eq!(pack_all_ready(&mut env.store()), 1);
    sim.set_faults(Faults { rate_limit_rate: 1.0, retry_after_secs: 30, ..Faults::default() }).unwrap();
    let started = chrono::Utc::now();
    let out = env.sync_once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let row = env.store().outbox_rows(&[packline::domain::sync::OutboxState::Pending], 10).unwrap().remove(0);
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().unwrap().contains("429"), "{row:?}");
    let next = row.next_attempt_at.unwrap();
    assert!(next >= started + chrono::TimeDelta::seconds(29), "not before Retry-After: {next} vs {started}");
    assert_eq!(sim.stats().fulfillments, 0);
}

#[test]
fn a_file_channel_imports_good_files_and_keeps_a_rejected_one_in_view() {
    let env = Env::new(500);
    let (inbox, outbox) = (env.home().join("b2b/in"), env.home().join("b2b/out"));
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&outbox).unwrap();
    let config_dir = env.home().join("config/packline");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[[channels]]\nname = \"b2b\"\nkind = \"file\"\ninbox = \"{}\"\noutbox = \"{}\"\n",
            inbox.display(),
            outbox.display()
        ),
    )
    .unwrap();
    let header = "order_ref,channel,created_at,ship_by,customer_name,address1,address2,city,region,postcode,country,phone,email,service,sku,qty,unit_price,currency";
    let row = |reference: &str, qty: &str| {
        format!(
            "{reference},b2b,2026-11-21T10:00:00Z,,Braun GmbH,Hauptstr. 5,,Berlin,,10115,DE,+49 30 1234,a@braun.example,standard,MUG-RED,{qty},12.50,EUR"
        )
    };
    // Dropped files are taken once they have settled (2 s).
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2_100));
    std::fs::write(inbox.join("bad.csv"), format!("{header}\n{}\n{}\n", row("PO-1", "3"), row("PO-2", "many")))
        .unwrap();
    settle();
    let out = env.sync_once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("sync trouble: b2b:") && text(&out).contains("bad.csv"), "{}", text(&out));
    assert!(inbox.join("rejected/bad.csv.errors.txt").exists());
    assert_eq!(stored_orders(&env), 0);
    // Nothing new: the rejection stays in view.
    let out = env.sync_once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    std::fs::write(inbox.join("good.csv"), format!("{header}\n{}\n", row("PO-3", "2"))).unwrap();
    settle();
    let out = env.sync_once(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("b2b: pulled 1 new (1 ready"), "{}", text(&out));
    assert!(inbox.join("done/good.csv").exists());
    // Its shipment goes out as a file.
    assert_eq!(pack_all_ready(&mut env.store()), 1);
    let out = env.sync_once(&[]);
    assert!(text(&out).contains("b2b: 1 shipment(s) sent"), "{}", text(&out));
    let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(outbox_counts(&env), (0, 1, 0));
}
