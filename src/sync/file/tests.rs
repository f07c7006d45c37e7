//! Order files: good files read into orders, every bad row named, money exact.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::Duration;

use super::*;
use crate::domain::ServiceRule;

fn rule(carrier: &str, ship_days: u32, priority: i64) -> ServiceRule {
    ServiceRule { carrier: carrier.into(), ship_days, priority }
}

/// Service rules unlike the bundled defaults, so nothing hard-coded can pass.
static SERVICES: LazyLock<BTreeMap<String, ServiceRule>> = LazyLock::new(|| {
    [
        ("standard".to_owned(), rule("DHL Paket", 2, 5)),
        ("express".to_owned(), rule("DHL Express", 1, 3)),
        ("economy".to_owned(), rule("DHL Warenpost", 3, 7)),
        ("courier".to_owned(), rule("Kurier", 4, 2)),
    ]
    .into()
});

/// The `market` channel's own express: same day, most urgent.
static CHANNEL_SERVICES: LazyLock<BTreeMap<String, BTreeMap<String, ServiceRule>>> =
    LazyLock::new(|| [("market".to_owned(), [("express".to_owned(), rule("UPS Express", 0, 1))].into())].into());

fn book() -> ServiceBook<'static> {
    ServiceBook::new(&SERVICES, &CHANNEL_SERVICES)
}

const HEADER: &str = "order_ref,channel,created_at,ship_by,customer_name,address1,address2,city,region,postcode,country,phone,email,service,sku,qty,unit_price,currency";

fn csv(rows: &[&str]) -> String {
    std::iter::once(HEADER).chain(rows.iter().copied()).collect::<Vec<_>>().join("\n")
}

const ROW_A1: &str = "1043,shop,2026-11-20T09:14:03+01:00,,Ana Lima,Rua Augusta 12,3 esq,Lisboa,,1100-053,pt,+351 912,ana@example.com,express,MUG-RED,2,12.50,EUR";
const ROW_A2: &str = "1043,shop,2026-11-20T09:14:03+01:00,,Ana Lima,Rua Augusta 12,3 esq,Lisboa,,1100-053,pt,+351 912,ana@example.com,express,TEE-BLK-M,1,19.90,EUR";
const ROW_B: &str =
    "1044,shop,2026-11-20 10:00:00,2026-11-23,Jonas Berg,Hauptstr. 5,,Berlin,,10115,DE,,,standard,MUG-RED,1,12.50,EUR";

#[test]
fn rows_of_one_order_become_one_order() {
    let parsed = parse_csv("orders.csv", &csv(&[ROW_A1, ROW_B, ROW_A2]), book()).unwrap();
    assert_eq!(parsed.orders.len(), 2);
    let a = &parsed.orders[0];
    assert_eq!((a.channel.as_str(), a.external_id.as_str(), a.lines.len()), ("shop", "1043", 2));
    assert_eq!(a.total_minor, 2 * 1250 + 1990);
    assert_eq!(a.address.country, "PT");
    assert_eq!(a.created_at.to_rfc3339(), "2026-11-20T08:14:03+00:00");
    // Express with no ship-by: the next day, and more urgent than standard.
    assert_eq!(a.ship_by - a.created_at, Duration::days(1));
    assert_eq!((a.priority, parsed.orders[1].priority), (3, 5));
    assert_eq!(parsed.orders[1].ship_by.to_rfc3339(), "2026-11-23T00:00:00+00:00");
}

#[test]
fn ship_by_and_priority_come_from_the_service_rules() {
    let row = |order_ref: &str, channel: &str, ship_by: &str, service: &str| {
        ROW_B
            .replacen("1044", order_ref, 1)
            .replacen(",shop,", &format!(",{channel},"), 1)
            .replacen(",2026-11-23,Jonas", &format!(",{ship_by},Jonas"), 1)
            .replacen(",standard,", &format!(",{service},"), 1)
    };
    let rows = [
        row("1", "shop", "", "economy"),
        row("2", "shop", "", "courier"),
        row("3", "shop", "", "EXPRESS"),
        row("4", "market", "", "express"),
        row("5", "market", "", "economy"),
        row("6", "shop", "", "pigeon"),
        row("7", "shop", "", ""),
        row("8", "shop", "2026-11-30", "courier"),
    ];
    let parsed = parse_csv("orders.csv", &csv(&rows.iter().map(String::as_str).collect::<Vec<_>>()), book()).unwrap();
    let plan: Vec<(&str, i64, i64)> = parsed
        .orders
        .iter()
        .map(|o| (o.service.as_str(), (o.ship_by - o.created_at).num_hours(), o.priority))
        .collect();
    assert_eq!(
        plan,
        [
            ("economy", 3 * 24, 7),
            // Not a name the code knows: only the rules say 4 days and priority 2.
            ("courier", 4 * 24, 2),
            ("express", 24, 3),
            // The market's own express: same day, most urgent.
            ("express", 0, 1),
            // The market has no economy of its own: the shared rule.
            ("economy", 3 * 24, 7),
            // No rule: two days and the default priority (validation holds it).
            ("pigeon", 2 * 24, 5),
            // No service at all: standard.
            ("standard", 2 * 24, 5),
            // A ship-by in the file wins; the priority still comes from the rule.
            ("courier", 9 * 24 + 14, 2),
        ]
    );
}

#[test]
fn every_bad_row_is_named_with_its_field() {
    let bad_qty = ROW_B.replace(",1,12.50,", ",two,12.50,");
    let bad_price = ROW_B.replace("1044", "1045").replace("12.50", "12,5");
    let bad_date = ROW_B.replace("1044", "1046").replace("2026-11-20 10:00:00", "yesterday");
    let errors = parse_csv(
        "orders.csv",
        &csv(&[ROW_A1, &bad_qty, &bad_price.replace(",12,5,", ",\"12,5\","), &bad_date]),
        book(),
    )
    .unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown[0], "orders.csv row 3, field qty: \"two\" is not a whole number above 0");
    assert_eq!(shown[1], "orders.csv row 4, field unit_price: \"12,5\" is not an amount in EUR (e.g. 12.50)");
    assert!(shown[2].starts_with("orders.csv row 5, field created_at: \"yesterday\" is not a date"), "{}", shown[2]);
    assert_eq!(errors.len(), 3);
}

#[test]
fn missing_columns_and_disagreeing_rows_are_errors() {
    let errors = parse_csv("x.csv", "order_ref,channel\n1,shop\n", book()).unwrap_err();
    assert!(errors.iter().any(|e| e.to_string() == "x.csv row 1, field qty: the header has no such column"));
    let other_customer = ROW_A2.replace("Ana Lima", "Ana Souza");
    let errors = parse_csv("x.csv", &csv(&[ROW_A1, &other_customer]), book()).unwrap_err();
    assert_eq!(errors[0].to_string(), "x.csv row 3, field customer_name: differs from row 2 of order 1043");
    let empty_sku = ROW_B.replace("MUG-RED", "");
    assert_eq!(
        parse_csv("x.csv", &csv(&[&empty_sku]), book()).unwrap_err()[0].to_string(),
        "x.csv row 2, field sku: is empty"
    );
}

#[test]
fn money_never_goes_through_floating_point() {
    assert_eq!(money("12.50", "EUR"), Ok(1250));
    assert_eq!(money("0.1", "EUR"), Ok(10));
    assert_eq!(money("19999999.99", "USD"), Ok(1_999_999_999));
    assert_eq!(money("1200", "JPY"), Ok(1200));
    assert_eq!(money("1.234", "KWD"), Ok(1234));
    assert!(money("12.505", "EUR").is_err());
    assert!(money("-1", "EUR").is_err());
    assert!(money("1e3", "EUR").is_err());
}

#[test]
fn jsonl_reads_the_channel_api_shape() {
    let order = r##"{"id": 5823416729361234567, "name": "#1043", "email": "ana@example.com", "created_at": "2026-11-20T09:14:03-05:00", "updated_at": "2026-11-20T09:20:11-05:00", "cancelled_at": null, "financial_status": "paid", "total_price": "59.90", "currency": "EUR", "note": "Back door", "tags": "vip", "shipping_address": {"name": "Ana Lima", "company": null, "address1": "Rua Augusta 12", "address2": "3 esq", "city": "Lisboa", "province_code": null, "zip": "1100-053", "country_code": "PT", "phone": "+351 912 345 678"}, "line_items": [{"id": 14111, "sku": "MUG-RED", "title": "Mug", "variant_title": "Red", "quantity": 2, "price": "12.50", "grams": 350, "requires_shipping": true}, {"id": 14112, "sku": "GIFT", "title": "Gift card", "quantity": 1, "price": "10.00", "requires_shipping": false}], "shipping_lines": [{"code": "express", "title": "Express", "price": "6.90"}], "unknown_field": [1, 2]}"##;
    let cancelled = r##"{"id": 2, "name": "#2", "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "cancelled_at": "2026-11-20T10:00:00Z", "currency": "EUR", "line_items": []}"##;
    let parsed = parse_jsonl("orders.jsonl", &format!("{order}\n\n{cancelled}\n"), "shop", book()).unwrap();
    assert_eq!(parsed.cancelled, 1);
    let o = &parsed.orders[0];
    // Ids above 2^53 survive exactly.
    assert_eq!(o.external_id, "5823416729361234567");
    assert_eq!((o.channel_ref.as_str(), o.service.as_str(), o.priority), ("#1043", "express", 3));
    assert_eq!(o.ship_by - o.created_at, Duration::days(1));
    assert_eq!(o.lines[0].title, "Mug, Red");
    assert!(!o.lines[1].requires_shipping);
    assert_eq!(o.total_minor, 3500);
    assert_eq!(o.updated_at.to_rfc3339(), "2026-11-20T14:20:11+00:00");
    let bad = order.replace("\"price\": \"12.50\"", "\"price\": \"12.5.0\"");
    // The channel named on the command line chooses the channel's own rules.
    let market = &parse_jsonl("orders.jsonl", order, "market", book()).unwrap().orders[0];
    assert_eq!((market.ship_by - market.created_at, market.priority), (Duration::zero(), 1));
    let courier = order.replace("\"code\": \"express\"", "\"code\": \"Courier\"");
    let courier = &parse_jsonl("orders.jsonl", &courier, "shop", book()).unwrap().orders[0];
    assert_eq!((courier.ship_by - courier.created_at, courier.priority), (Duration::days(4), 2));
    let errors = parse_jsonl("orders.jsonl", &format!("{order}\n{bad}"), "shop", book()).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "orders.jsonl row 2, field line_items[0].price: \"12.5.0\" is not an amount in EUR (e.g. 12.50)"
    );
    let errors = parse_jsonl("o.jsonl", "{\"id\": \"x\"}", "shop", book()).unwrap_err();
    assert_eq!(errors[0].row, 1);
}

#[test]
fn jsonl_for_a_sync_keeps_cancelled_orders_in_file_order() {
    let line = |id: u32, cancelled: &str, items: &str| {
        format!(
            r##"{{"id": {id}, "name": "#{id}", "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T11:00:00Z", "cancelled_at": {cancelled}, "financial_status": "paid", "currency": "EUR", "line_items": [{items}]}}"##
        )
    };
    let item = r#"{"sku": "MUG-RED", "title": "Mug", "quantity": 1, "price": "12.50"}"#;
    let text = [
        line(1, r#""2026-11-20T10:30:00+01:00""#, item),
        line(2, "null", item),
        line(3, r#""2026-11-20T10:00:00Z""#, item),
    ]
    .join("\n");
    let orders = parse_jsonl_orders("orders.jsonl", &text, "shop", book()).unwrap();
    let seen: Vec<(&str, Option<String>)> =
        orders.iter().map(|o| (o.order.external_id.as_str(), o.cancelled_at.map(|at| at.to_rfc3339()))).collect();
    assert_eq!(
        seen,
        [
            ("1", Some("2026-11-20T09:30:00+00:00".to_owned())),
            ("2", None),
            ("3", Some("2026-11-20T10:00:00+00:00".to_owned()))
        ]
    );
    // packline import still skips them.
    let parsed = parse_jsonl("orders.jsonl", &text, "shop", book()).unwrap();
    assert_eq!((parsed.orders.len(), parsed.cancelled), (1, 2));
    // A cancelled order is read by the same rules: it needs lines and a readable time.
    let bad = [line(4, r#""yesterday""#, item), line(5, r#""2026-11-20T10:00:00Z""#, "")].join("\n");
    let errors = parse_jsonl_orders("o.jsonl", &bad, "shop", book()).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| (e.row, e.field.as_deref())).collect();
    assert_eq!(fields, [(1, Some("cancelled_at")), (2, Some("line_items"))]);
    assert_eq!(parse_jsonl("o.jsonl", &bad, "shop", book()).unwrap().cancelled, 2);
}
