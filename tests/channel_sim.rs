//! `packline channel-sim` in-process on 127.0.0.1:0, driven through reqwest
//! the way the channel connector talks to a real channel.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use packline::sync::sim::{Activity, Faults, Sim, SimConfig, SimStats, TOKEN_HEADER};
use serde_json::{Value, json};

const TOKEN: &str = "shpat_test_token";

async fn start(orders: usize, faults: Faults) -> (Sim, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sim = Sim::new(SimConfig { initial_orders: orders, token: TOKEN.into(), faults, ..SimConfig::default() });
    sim.spawn(listener);
    (sim, base)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap()
}

async fn get(url: &str) -> reqwest::Response {
    client().get(url).header(TOKEN_HEADER, TOKEN).header("Accept", "application/json").send().await.unwrap()
}

/// Status, headers and the body parsed as JSON (ids read as exact integers).
async fn get_json(url: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = get(url).await;
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

async fn post(base: &str, body: &Value) -> Result<(u16, Value), reqwest::Error> {
    let url = format!("{base}/admin/api/2025-01/fulfillments.json");
    let response = with_json(client().post(url).header(TOKEN_HEADER, TOKEN), body).send().await?;
    let status = response.status().as_u16();
    Ok((status, serde_json::from_str(&response.text().await?).unwrap()))
}

/// reqwest is built without its `json` feature.
fn with_json(request: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    request.header("Content-Type", "application/json").body(body.to_string())
}

fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().unwrap();
    link.split(',').find(|part| part.contains("rel=\"next\"")).map(|part| {
        let part = part.trim();
        part[part.find('<').unwrap() + 1..part.find('>').unwrap()].to_owned()
    })
}

fn key(order: &Value) -> (i64, u64) {
    let at = chrono::DateTime::parse_from_rfc3339(order["updated_at"].as_str().unwrap()).unwrap();
    (at.timestamp(), order["id"].as_u64().unwrap())
}

/// Every page of a listing, following `Link: rel="next"`.
async fn pages(first: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut url = Some(first.to_owned());
    while let Some(next) = url {
        let (status, headers, body) = get_json(&next).await;
        assert_eq!(status, 200, "{next}: {body}");
        pages.push(body["orders"].as_array().unwrap().clone());
        url = next_link(&headers);
        assert!(pages.len() < 1000, "paging does not end");
    }
    pages
}

fn orders_url(base: &str, query: &str) -> String {
    format!("{base}/admin/api/2025-01/orders.json?{query}")
}

fn fulfillment(fo: &Value, tracking: &str) -> Value {
    let lines: Vec<Value> = fo["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"id": l["id"].as_u64().unwrap(), "quantity": l["fulfillable_quantity"].as_u64().unwrap()}))
        .collect();
    json!({"fulfillment": {"notify_customer": true,
        "tracking_info": {"number": tracking, "company": "UPS", "url": "https://example.com/t"},
        "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"].as_u64().unwrap(),
            "fulfillment_order_line_items": lines}]}})
}

async fn fulfillment_order(base: &str, order: u64) -> Value {
    let (status, _, body) = get_json(&format!("{base}/admin/api/2025-01/orders/{order}/fulfillment_orders.json")).await;
    assert_eq!(status, 200, "{body}");
    body["fulfillment_orders"][0].clone()
}

#[tokio::test]
async fn paging_follows_link_headers_and_sees_every_order_once_in_order() {
    let (sim, base) = start(137, Faults::default()).await;
    // A change moves an old order to the end of the listing.
    sim.update_order(sim.order_ids()[3], Some("please ring".into())).unwrap();
    let first = orders_url(&base, "status=any&updated_at_min=2000-01-01T00:00:00Z&limit=10");
    let (_, headers, _) = get_json(&first).await;
    assert!(!headers["link"].to_str().unwrap().contains("previous"), "the first page has no previous");
    let second = next_link(&headers).unwrap();
    assert!(second.starts_with(&orders_url(&base, "limit=10&page_info=")), "{second}");
    let (_, headers, _) = get_json(&second).await;
    let link = headers["link"].to_str().unwrap();
    assert!(link.contains("rel=\"previous\", <") && link.ends_with("rel=\"next\""), "{link}");

    let pages = pages(&first).await;
    assert_eq!(pages.len(), 14);
    assert!(pages[..13].iter().all(|p| p.len() == 10) && pages[13].len() == 7);
    let keys: Vec<(i64, u64)> = pages.iter().flatten().map(key).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "not in (updated_at, id) order");
    let seen: BTreeSet<u64> = keys.iter().map(|k| k.1).collect();
    assert_eq!(seen.len(), 137);
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), sim.order_ids());
    assert_eq!(keys.last().unwrap().1, sim.order_ids()[3]);
}

#[tokio::test]
async fn page_info_takes_no_other_filter() {
    let (_sim, base) = start(30, Faults::default()).await;
    let (_, headers, _) = get_json(&orders_url(&base, "status=any&limit=5")).await;
    let next = next_link(&headers).unwrap();
    assert_eq!(get(&next).await.status(), 200);
    for extra in ["&status=any", "&updated_at_min=2020-01-01T00:00:00Z"] {
        let (status, _, body) = get_json(&format!("{next}{extra}")).await;
        assert_eq!(status, 400, "{extra}: {body}");
        assert!(body["errors"].as_str().unwrap().contains("page_info"), "{body}");
    }
    assert_eq!(get(&orders_url(&base, "limit=5&page_info=garbage")).await.status(), 400);
    assert_eq!(get(&orders_url(&base, "status=any&limit=251")).await.status(), 400);
    assert_eq!(get(&orders_url(&base, "status=any&updated_at_min=yesterday")).await.status(), 400);
}

#[tokio::test]
async fn updated_at_min_is_inclusive_in_any_offset() {
    let (sim, base) = start(40, Faults::default()).await;
    let all: Vec<Value> = pages(&orders_url(&base, "status=any&limit=250")).await.concat();
    assert_eq!(all.len(), 40);
    let cut = all[25]["updated_at"].as_str().unwrap().to_owned();
    let cut_at = key(&all[25]).0;
    let expected: Vec<u64> = all.iter().filter(|o| key(o).0 >= cut_at).map(|o| key(o).1).collect();
    let utc = chrono::DateTime::parse_from_rfc3339(&cut).unwrap().to_utc().to_rfc3339();
    for min in [cut.clone(), utc] {
        let query = format!("status=any&limit=7&updated_at_min={}", packline::sync::sim::http::encode_component(&min));
        let got: Vec<u64> = pages(&orders_url(&base, &query)).await.concat().iter().map(|o| key(o).1).collect();
        assert_eq!(got, expected, "updated_at_min={min}");
    }
    // A change to an old order shows up from the newest cursor on.
    let newest = all.last().unwrap()["updated_at"].as_str().unwrap().to_owned();
    sim.update_order(key(&all[0]).1, None).unwrap();
    let query = format!("status=any&updated_at_min={}", packline::sync::sim::http::encode_component(&newest));
    let got: Vec<u64> = pages(&orders_url(&base, &query)).await.concat().iter().map(|o| key(o).1).collect();
    assert!(got.contains(&key(&all[0]).1) && got.contains(&key(all.last().unwrap()).1), "{got:?}");
}

#[tokio::test]
async fn a_shipment_is_fulfilled_once_and_then_found() {
    let (sim, base) = start(5, Faults::default()).await;
    let order = sim.order_ids()[0];
    let fo = fulfillment_order(&base, order).await;
    assert_eq!(fo["status"], "open");
    let mut too_many = fulfillment(&fo, "1Z999AA10123456784");
    too_many["fulfillment"]["line_items_by_fulfillment_order"][0]["fulfillment_order_line_items"][0]["quantity"] =
        json!(99);
    let (status, body) = post(&base, &too_many).await.unwrap();
    assert_eq!(status, 422, "{body}");
    assert!(!body.to_string().contains("already fulfilled"), "{body}");
    let mut unknown = fulfillment(&fo, "1Z999AA10123456784");
    unknown["fulfillment"]["line_items_by_fulfillment_order"][0]["fulfillment_order_id"] = json!(12345);
    assert_eq!(post(&base, &unknown).await.unwrap().0, 422);

    let (status, body) = post(&base, &fulfillment(&fo, "1Z999AA10123456784")).await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["fulfillment"]["tracking_number"], "1Z999AA10123456784");
    assert_eq!(body["fulfillment"]["status"], "success");
    let id = body["fulfillment"]["id"].as_u64().unwrap();
    let (status, again) = post(&base, &fulfillment(&fo, "1Z999AA10123456784")).await.unwrap();
    assert_eq!(status, 422, "{again}");
    assert!(again.to_string().contains("already fulfilled"), "{again}");

    let url = format!("{base}/admin/api/2025-01/orders/{order}/fulfillments.json");
    let (_, _, found) = get_json(&url).await;
    let list = found["fulfillments"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["id"].as_u64(), list[0]["tracking_number"].as_str()), (Some(id), Some("1Z999AA10123456784")));
    let fo = fulfillment_order(&base, order).await;
    assert_eq!(fo["status"], "closed");
    assert_eq!(sim.order_json(order).unwrap()["fulfillment_status"], "fulfilled");
    assert_eq!(sim.stats().fulfillments_by_order.get(&order), Some(&1));

    let cancelled = sim.order_ids()[1];
    sim.cancel_order(cancelled).unwrap();
    let fo = fulfillment_order(&base, cancelled).await;
    let (status, body) = post(&base, &fulfillment(&fo, "1Z999AA10123456785")).await.unwrap();
    assert_eq!(status, 422);
    assert!(body.to_string().contains("cancelled"), "{body}");
    assert_eq!(get(&format!("{base}/admin/api/2025-01/orders/1/fulfillments.json")).await.status(), 404);
    assert_eq!(get(&format!("{base}/admin/api/2025-01/products.json")).await.status(), 404);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401() {
    let (sim, base) = start(3, Faults::default()).await;
    let url = orders_url(&base, "status=any");
    let expected = json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"});
    for token in [None, Some("shpat_wrong")] {
        let mut request = client().get(&url);
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(serde_json::from_str::<Value>(&response.text().await.unwrap()).unwrap(), expected);
    }
    sim.set_token("shpat_rotated");
    assert_eq!(get(&url).await.status(), 401);
    assert_eq!(sim.stats().unauthorized, 3);
}

#[tokio::test]
async fn a_429_carries_retry_after_and_5xx_has_a_body() {
    let (sim, base) = start(3, Faults { rate_limit_rate: 1.0, retry_after_secs: 7, ..Faults::default() }).await;
    let response = get(&orders_url(&base, "status=any")).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    sim.set_faults(Faults { server_error_rate: 1.0, ..Faults::default() }).unwrap();
    for _ in 0..5 {
        let response = get(&orders_url(&base, "status=any")).await;
        assert!([500, 502, 503].contains(&response.status().as_u16()));
        assert!(!response.text().await.unwrap().is_empty());
    }
    let stats = sim.stats();
    assert_eq!((stats.faults.rate_limited, stats.faults.server_error, stats.requests), (1, 5, 6));
}

#[tokio::test]
async fn a_reset_after_commit_creates_the_fulfillment_while_the_client_sees_an_error() {
    let (sim, base) = start(3, Faults::default()).await;
    let order = sim.order_ids()[2];
    let fo = fulfillment_order(&base, order).await;
    sim.set_faults(Faults { reset_before_rate: 1.0, ..Faults::default() }).unwrap();
    assert!(post(&base, &fulfillment(&fo, "1ZRESET0001")).await.is_err());
    assert_eq!(sim.stats().fulfillments, 0, "a reset before does nothing");
    sim.set_faults(Faults { reset_after_rate: 1.0, ..Faults::default() }).unwrap();
    assert!(post(&base, &fulfillment(&fo, "1ZRESET0001")).await.is_err(), "the client must see an error");
    sim.set_faults(Faults::default()).unwrap();
    let (_, _, found) = get_json(&format!("{base}/admin/api/2025-01/orders/{order}/fulfillments.json")).await;
    assert_eq!(found["fulfillments"][0]["tracking_number"], "1ZRESET0001", "{found}");
    let (status, body) = post(&base, &fulfillment(&fo, "1ZRESET0001")).await.unwrap();
    assert_eq!(status, 422, "{body}");
    let counts = sim.stats();
    assert_eq!((counts.fulfillments, counts.orders_with_multiple_fulfillments), (1, 0));
    assert_eq!((counts.faults.reset_before, counts.faults.reset_after), (1, 1));
}

#[tokio::test]
async fn a_delay_past_the_client_timeout_times_out() {
    let (sim, base) = start(3, Faults { delay_rate: 1.0, delay_ms: 2_000, ..Faults::default() }).await;
    let quick = reqwest::Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
    let err = quick.get(orders_url(&base, "status=any")).header(TOKEN_HEADER, TOKEN).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(sim.stats().faults.delay, 1);
}

#[tokio::test]
async fn stale_and_duplicate_deliveries_happen_at_about_their_rates() {
    let (sim, base) = start(400, Faults::default()).await;
    for id in sim.order_ids() {
        sim.update_order(id, None).unwrap();
    }
    let current: HashMap<u64, (i64, u64)> = sim.orders_json().iter().map(|o| (key(o).1, key(o))).collect();
    sim.set_faults(Faults { stale_rate: 0.3, duplicate_rate: 0.2, ..Faults::default() }).unwrap();
    let (mut stale, mut duplicates, mut seen) = (0u64, 0u64, BTreeSet::new());
    for page in pages(&orders_url(&base, "status=any&limit=100")).await {
        let mut in_page = BTreeSet::new();
        for order in &page {
            let (at, id) = key(order);
            if in_page.insert(id) {
                stale += u64::from((at, id) != current[&id]);
            } else {
                duplicates += 1;
            }
        }
        seen.extend(in_page);
    }
    assert_eq!(seen.len(), 400, "every order is still listed");
    assert!((80..=160).contains(&stale), "{stale} stale of 400 at 0.3");
    assert!((45..=120).contains(&duplicates), "{duplicates} duplicates of 400 at 0.2");
    let faults = sim.stats().faults;
    assert_eq!((faults.stale, faults.duplicate), (stale, duplicates));

    sim.set_faults(Faults { reorder_rate: 1.0, ..Faults::default() }).unwrap();
    let (_, _, body) = get_json(&orders_url(&base, "status=any&limit=50")).await;
    let keys: Vec<(i64, u64)> = body["orders"].as_array().unwrap().iter().map(key).collect();
    assert!(keys.windows(2).any(|w| w[0] > w[1]), "a reordered page is out of order");
}

#[tokio::test]
async fn ids_above_2_pow_53_survive_as_exact_integers() {
    let (sim, base) = start(20, Faults::default()).await;
    let text = get(&orders_url(&base, "status=any")).await.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<u64> = body["orders"].as_array().unwrap().iter().map(|o| o["id"].as_u64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, sim.order_ids());
    assert!(ids.iter().all(|&id| id > 1 << 53 && text.contains(&format!("\"id\":{id},"))));
    assert!(ids.iter().any(|&id| (id as f64) as u64 != id), "some id must be lost through f64");
    let lines = &body["orders"][0]["line_items"];
    assert!(lines[0]["id"].as_u64().unwrap() > 1 << 53, "{lines}");
}

#[tokio::test]
async fn admin_endpoints_need_no_token_and_are_never_faulted() {
    let (sim, base) = start(2, Faults::default()).await;
    let admin = |path: &str| format!("{base}/_sim/{path}");
    let all = json!({"server_error_rate": 1.0, "reset_before_rate": 1.0, "delay_rate": 1.0});
    let response = with_json(client().post(admin("faults")), &all).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(client().get(orders_url(&base, "status=any")).header(TOKEN_HEADER, TOKEN).send().await.is_err());
    assert_eq!(client().get(format!("{base}/")).send().await.unwrap().status(), 404, "only the API is faulted");
    let response = with_json(client().post(admin("orders")), &json!({"count": 3})).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let id = created["created"][2].as_u64().unwrap();
    assert_eq!(sim.order_ids().len(), 5);
    let response = with_json(client().post(admin(&format!("orders/{id}/update"))), &json!({"note": "gate 4"})).send();
    let order: Value = serde_json::from_str(&response.await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(order["order"]["note"], "gate 4");
    let response = client().post(admin(&format!("orders/{id}/cancel"))).send().await.unwrap();
    let order: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(order["order"]["cancelled_at"].is_string(), "{order}");
    assert_eq!(client().post(admin(&format!("orders/{id}/cancel"))).send().await.unwrap().status(), 422);
    assert_eq!(client().post(admin("orders/7/cancel")).send().await.unwrap().status(), 404);
    let bad = with_json(client().post(admin("faults")), &json!({"stale_rate": 2.0})).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let text = client().get(admin("stats")).send().await.unwrap().text().await.unwrap();
    let stats: SimStats = serde_json::from_str(&text).unwrap();
    assert_eq!((stats.orders, stats.cancelled_orders, stats.requests, stats.faults.reset_before), (5, 1, 1, 1));
    let text = client().get(admin("orders")).send().await.unwrap().text().await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["orders"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn the_activity_adds_orders_as_time_passes() {
    let (sim, _base) = start(0, Faults::default()).await;
    sim.set_activity(Activity { orders_per_minute: 1_200.0, ..Activity::default() });
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let orders = sim.stats().orders;
    assert!((10..=40).contains(&orders), "{orders} orders after a second at 20 a second");
}

#[test]
fn generated_orders_pass_packline_validation() {
    let sim = Sim::new(SimConfig { initial_orders: 300, seed: 9, ..SimConfig::default() });
    let jsonl = sim.orders_json().iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let rules = packline::config::Config::from_texts(None, "test").unwrap().config.rules;
    let parsed = packline::sync::file::parse_jsonl("sim.jsonl", &jsonl, "sim", rules.service_book()).unwrap();
    assert_eq!(parsed.orders.len(), 300);
    let facts = packline::sync::sim::DEFAULT_SKUS
        .iter()
        .map(|s| ((*s).to_owned(), packline::domain::sku::SkuFacts { customs_complete: true }))
        .collect::<HashMap<_, _>>();
    let mut unpaid = 0;
    for order in &parsed.orders {
        let verdict = packline::planning::rules::validate(order, &rules, &facts);
        let holds: Vec<_> = verdict.holds.iter().filter(|h| **h != packline::domain::HoldReason::Unpaid).collect();
        assert!(holds.is_empty(), "{holds:?} for {order:?}");
        unpaid += usize::from(!verdict.holds.is_empty());
    }
    assert!(unpaid < 60, "{unpaid} of 300 unpaid");
}
