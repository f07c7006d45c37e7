//! Each rule with passing and failing orders.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::{Address, NewOrderLine};

fn rules() -> RulesConfig {
    let loaded = crate::config::Config::from_texts(None, "-").unwrap();
    loaded.config.rules
}

fn skus() -> HashMap<String, SkuFacts> {
    [
        ("MUG-RED".to_owned(), SkuFacts { customs_complete: true }),
        ("TEA-1".to_owned(), SkuFacts { customs_complete: false }),
    ]
    .into_iter()
    .collect()
}

fn order(country: &str, postcode: &str, sku: &str) -> NewOrder {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    NewOrder {
        channel: "shop".into(),
        external_id: "1".into(),
        channel_ref: "#1".into(),
        created_at: at,
        updated_at: at,
        ship_by: at,
        address: Address {
            name: "Ana Lima".into(),
            address1: "Rua Augusta 12".into(),
            city: "Lisboa".into(),
            postcode: postcode.into(),
            country: country.into(),
            ..Address::default()
        },
        service: "standard".into(),
        financial_status: "paid".into(),
        total_minor: 1250,
        currency: "EUR".into(),
        note: String::new(),
        priority: 5,
        lines: vec![NewOrderLine {
            sku: sku.into(),
            title: "x".into(),
            qty: 1,
            unit_price_minor: 1250,
            requires_shipping: true,
        }],
    }
}

fn holds(order: &NewOrder) -> Vec<HoldReason> {
    validate(order, &rules(), &skus()).holds.into_iter().collect()
}

#[test]
fn a_good_order_passes() {
    assert!(holds(&order("PT", "1100-053", "MUG-RED")).is_empty());
    assert!(holds(&order("DE", "10115", "TEA-1")).is_empty(), "no customs inside the union");
}

#[test]
fn addresses_need_their_fields_a_real_country_and_a_real_postcode() {
    let mut o = order("PT", "1100-053", "MUG-RED");
    o.address.city.clear();
    assert_eq!(holds(&o), [HoldReason::BadAddress]);
    assert_eq!(holds(&order("XX", "1100-053", "MUG-RED")), [HoldReason::BadAddress]);
    assert_eq!(holds(&order("DE", "1011", "MUG-RED")), [HoldReason::BadAddress]);
    assert_eq!(holds(&order("NL", "1011 AB", "MUG-RED")), []);
    assert_eq!(holds(&order("NL", "1011 A1", "MUG-RED")), [HoldReason::BadAddress]);
}

#[test]
fn only_paid_orders_go_on() {
    let mut o = order("PT", "1100-053", "MUG-RED");
    o.financial_status = "pending".into();
    assert_eq!(holds(&o), [HoldReason::Unpaid]);
    o.financial_status = "PAID".into();
    assert!(holds(&o).is_empty());
}

#[test]
fn unknown_skus_are_held_but_lines_that_do_not_ship_are_not_checked() {
    assert_eq!(holds(&order("PT", "1100-053", "NOPE")), [HoldReason::UnknownSku]);
    let mut o = order("PT", "1100-053", "MUG-RED");
    o.lines.push(NewOrderLine {
        sku: "GIFT-CARD".into(),
        title: "x".into(),
        qty: 1,
        unit_price_minor: 0,
        requires_shipping: false,
    });
    assert!(holds(&o).is_empty());
}

#[test]
fn orders_leaving_the_union_need_customs_data_on_every_sku() {
    assert!(holds(&order("CH", "8001", "MUG-RED")).is_empty());
    assert_eq!(holds(&order("CH", "8001", "TEA-1")), [HoldReason::MissingCustoms]);
    assert_eq!(holds(&order("US", "10001-1234", "TEA-1")), [HoldReason::MissingCustoms]);
}

fn verdict(order: &NewOrder) -> Verdict {
    validate(order, &rules(), &skus())
}

fn with_service(channel: &str, service: &str) -> NewOrder {
    let mut o = order("PT", "1100-053", "MUG-RED");
    o.channel = channel.into();
    o.service = service.into();
    o
}

fn rule(carrier: &str, ship_days: u32, priority: i64) -> ServiceRule {
    ServiceRule { carrier: carrier.into(), ship_days, priority }
}

#[test]
fn services_map_to_carrier_services_or_the_order_is_held() {
    let v = verdict(&with_service("shop", "standard"));
    assert!(v.holds.is_empty());
    assert_eq!(v.carrier_service, "DHL Paket");
    assert_eq!(verdict(&with_service("shop", "express")).carrier_service, "DHL Express");
    assert_eq!(verdict(&with_service("shop", "next_day")).carrier_service, "DHL Express");
    assert_eq!(verdict(&with_service("shop", "economy")).carrier_service, "DHL Warenpost");
    // Channels send names in any case.
    assert_eq!(verdict(&with_service("shop", "EXPRESS")).carrier_service, "DHL Express");
    assert_eq!(verdict(&with_service("shop", "Overnight")).carrier_service, "DHL Express");
    let v = verdict(&with_service("shop", "pigeon"));
    assert_eq!(v.holds.into_iter().collect::<Vec<_>>(), [HoldReason::UnknownService]);
    assert_eq!(v.carrier_service, "");
    assert_eq!(holds(&with_service("shop", "")), [HoldReason::UnknownService]);
}

#[test]
fn a_channel_s_own_services_come_first() {
    let mut config = rules();
    let market =
        [("express".to_owned(), rule("UPS Express Saver", 1, 2)), ("Pallet".to_owned(), rule("DB Schenker", 5, 8))];
    config.channel_services.insert("market".into(), market.into_iter().collect());
    config.check().unwrap();
    let check = |channel: &str, service: &str| validate(&with_service(channel, service), &config, &skus());
    assert_eq!(check("market", "Express").carrier_service, "UPS Express Saver");
    assert_eq!(check("market", "pallet").carrier_service, "DB Schenker");
    // Names the channel does not override still come from the shared list.
    assert_eq!(check("market", "standard").carrier_service, "DHL Paket");
    // Other channels keep the shared names and do not see the market's own.
    assert_eq!(check("shop", "express").carrier_service, "DHL Express");
    assert_eq!(check("shop", "pallet").holds.into_iter().collect::<Vec<_>>(), [HoldReason::UnknownService]);
}

#[test]
fn the_demo_warehouse_s_services_all_map() {
    for channel in ["shop", "market", "b2b"] {
        for service in ["standard", "express", "economy"] {
            let v = verdict(&with_service(channel, service));
            assert!(v.holds.is_empty() && !v.carrier_service.is_empty(), "{channel} {service}: {v:?}");
        }
    }
}

#[test]
fn high_value_orders_need_a_signature_but_are_not_held() {
    let signed = |total_minor: i64, currency: &str| {
        let mut o = order("PT", "1100-053", "MUG-RED");
        o.total_minor = total_minor;
        o.currency = currency.into();
        let v = verdict(&o);
        assert!(v.holds.is_empty(), "{v:?}");
        v.signature_required
    };
    // EUR 500: above it, not at it.
    assert!(!signed(49_999, "EUR"));
    assert!(!signed(50_000, "EUR"));
    assert!(signed(50_001, "EUR"));
    // JPY has no minor units: 80,000 yen is 80,000 minor units, not 8,000,000.
    assert!(!signed(80_000, "JPY"));
    assert!(signed(80_001, "JPY"));
    assert!(!signed(1_000, "JPY"));
    // A currency the table does not list is never flagged.
    assert!(!signed(i64::MAX, "BRL"));
    let mut config = rules();
    config.signature_over.insert("BRL".into(), 3_000);
    let mut o = order("PT", "1100-053", "MUG-RED");
    (o.total_minor, o.currency) = (300_001, "BRL".into());
    assert!(validate(&o, &config, &skus()).signature_required);
}

#[test]
fn the_rules_check_names_the_bad_key() {
    let mut config = rules();
    config.services.insert("courier".into(), rule("Kurier", 1, 0));
    assert_eq!(config.check().unwrap_err(), "rules.services.courier.priority must be 1 (most urgent) to 9, not 0");
    let mut config = rules();
    config.channel_services.insert("b2b".into(), [("pallet".to_owned(), rule("", 5, 8))].into_iter().collect());
    assert!(config.check().unwrap_err().starts_with("rules.channel_services.b2b.pallet.carrier"));
    let mut config = rules();
    config.signature_over.insert("eur".into(), 500);
    assert!(config.check().unwrap_err().contains("\"eur\" is not an ISO 4217 currency code"));
}

#[test]
fn postcode_formats_cover_at_least_25_countries() {
    assert!(postcode_countries() >= 25);
    for (country, good, bad) in [
        ("GB", "SW1A 1AA", "SW1A1"),
        ("GB", "M1 1AE", "M11 1A1"),
        ("CA", "K1A 0B1", "K1A0B"),
        ("US", "10001", "1000"),
        ("PL", "00-950", "00950-"),
        ("IE", "D02 X285", "D02"),
        ("JP", "100-0001", "1000-001"),
        ("LV", "LV-1050", "LT-1050"),
    ] {
        assert!(postcode_matches(country, good), "{country} {good}");
        assert!(!postcode_matches(country, bad), "{country} {bad}");
    }
    assert!(postcode_matches("ZZ", "anything"));
}
