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
