//! Every kind of scan, the errors operators see, and properties: generated
//! valid codes parse back, single-digit errors are caught, nothing panics.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::barcode::{ParseOptions, Scan, parse, report};
use super::gs1::GS;
use crate::domain::{Gtin, OrderNumber};

fn options() -> ParseOptions {
    ParseOptions { gs_substitute: None, today: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap() }
}

fn json(raw: &str) -> String {
    serde_json::to_string(&report(raw, &options())).unwrap()
}

#[test]
fn design_examples_print_as_specified() {
    assert_eq!(
        json("4006381333931"),
        r#"{"input":"4006381333931","kind":"gtin","gtin":"04006381333931","error":null}"#
    );
    assert_eq!(
        json("]C1010950110153000317260630102402"),
        concat!(
            r#"{"input":"]C1010950110153000317260630102402","kind":"gs1","gtin":"09501101530003","elements":["#,
            r#"{"ai":"01","value":"09501101530003","title":"GTIN"},"#,
            r#"{"ai":"17","value":"260630","title":"USE BY OR EXPIRY","date":"2026-06-30"},"#,
            r#"{"ai":"10","value":"2402","title":"BATCH/LOT"}],"error":null}"#
        )
    );
    assert_eq!(
        json("00106141411234567897"),
        r#"{"input":"00106141411234567897","kind":"sscc","value":"106141411234567897","error":null}"#
    );
    assert_eq!(json("03-017-B"), r#"{"input":"03-017-B","kind":"bin","value":"03-017-B","error":null}"#);
    assert_eq!(
        json("4006381333932"),
        r#"{"input":"4006381333932","kind":"gtin","error":"check digit of 4006381333932 should be 1"}"#
    );
}

#[test]
fn every_kind_is_recognised() {
    let o = options();
    assert_eq!(parse("T0042", &o), Ok(Scan::Tote("T0042".into())));
    assert_eq!(parse("ORD-000123", &o), Ok(Scan::Order(OrderNumber(123))));
    assert_eq!(parse("WAVE-000007", &o), Ok(Scan::Wave(7)));
    assert_eq!(parse("EMP-0001", &o), Ok(Scan::Badge("EMP-0001".into())));
    assert_eq!(parse("RMA-000031", &o), Ok(Scan::Rma(31)));
    assert_eq!(parse("CMD-CONFIRM", &o), Ok(Scan::Command("CONFIRM")));
    assert_eq!(parse("cmd-logout", &o), Ok(Scan::Command("LOGOUT")));
    assert_eq!(parse("QTY-12", &o), Ok(Scan::Quantity(12)));
    assert_eq!(parse("BOX-M", &o), Ok(Scan::Carton("M".into())));
    assert_eq!(parse("1Z999AA10123456784", &o), Ok(Scan::Tracking("1Z999AA10123456784".into())));
    assert_eq!(parse("940011189922385538", &o), Ok(Scan::Tracking("940011189922385538".into())));
    assert_eq!(parse("SKU-MUG-RED", &o), Ok(Scan::Sku("SKU-MUG-RED".into())));
    assert_eq!(parse("96385074", &o), Ok(Scan::Gtin("96385074".parse().unwrap())));
    assert_eq!(parse("4006381333931\r\n", &o), Ok(Scan::Gtin("4006381333931".parse().unwrap())));
}

#[test]
fn gs1_separators_and_substitutes() {
    let data = format!("{GS}0109501101530003{GS}10AB-12{GS}21XYZ");
    let Ok(Scan::Gs1(elements)) = parse(&data, &options()) else { panic!("{data:?}") };
    assert_eq!(elements.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(), ["09501101530003", "AB-12", "XYZ"]);
    let with_sub = ParseOptions { gs_substitute: Some('^'), ..options() };
    let Ok(Scan::Gs1(elements)) = parse("]C1010950110153000310AB-12^21XYZ", &with_sub) else { panic!() };
    assert_eq!(elements[1].value, "AB-12");
    assert_eq!(elements[2].value, "XYZ");
    // Other AIM prefixes are dropped: ]E0 is EAN-13.
    assert_eq!(parse("]E04006381333931", &options()), Ok(Scan::Gtin("4006381333931".parse().unwrap())));
}

#[test]
fn bad_scans_say_what_is_wrong() {
    let o = options();
    let reason = |raw: &str| parse(raw, &o).unwrap_err().reason;
    assert_eq!(reason("00106141411234567890"), "AI 00: check digit should be 7");
    assert_eq!(reason("]C101095011015300031726063"), "AI 17 needs 6 digits");
    assert!(reason("CMD-EXPLODE").starts_with("unknown command \"EXPLODE\""));
    assert_eq!(reason("QTY-0"), "a quantity is 1 to 9999");
    assert_eq!(reason("13-000-A"), "bay 0 is outside 001-999");
    assert!(reason("&é\"'(").contains("keyboard layout"), "{}", reason("&é\"'("));
    assert_eq!(reason(""), "nothing was scanned");
    assert_eq!(reason("12345"), "5 digits is no barcode packline knows");
}

fn with_check_digit(body: &str) -> String {
    format!("{body}{}", Gtin::check_digit(body.as_bytes()))
}

proptest! {
    #[test]
    fn generated_gtins_parse_back(body in "[0-9]{12}") {
        let code = with_check_digit(&body);
        prop_assert_eq!(parse(&code, &options()), Ok(Scan::Gtin(code.parse().unwrap())));
    }

    #[test]
    fn every_single_digit_error_in_a_gtin_or_sscc_is_caught(
        body in "[0-9]{17}", position in 0usize..18, delta in 1u8..10, sscc: bool
    ) {
        let code = if sscc { format!("00{}", with_check_digit(&body)) } else { with_check_digit(&body[..12]) };
        let offset = if sscc { 2 } else { 0 };
        let position = offset + position % (code.len() - offset);
        let mut bytes = code.into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let wrong = String::from_utf8(bytes).unwrap();
        prop_assert!(parse(&wrong, &options()).is_err(), "{} was accepted", wrong);
    }

    #[test]
    fn generated_gs1_strings_parse_back(
        gtin_body in "[0-9]{13}", yy in 0u32..100, mm in 1u32..13, dd in 0u32..29,
        lot in "[A-Z0-9-]{1,20}", serial in "[A-Za-z0-9]{1,20}", weight in 0u32..1_000_000
    ) {
        let gtin = with_check_digit(&gtin_body);
        let data = format!("]C101{gtin}17{yy:02}{mm:02}{dd:02}10{lot}{GS}21{serial}{GS}3103{weight:06}");
        let Ok(Scan::Gs1(elements)) = parse(&data, &options()) else { return Err(TestCaseError::fail(format!("{data:?}"))) };
        let values: Vec<&str> = elements.iter().map(|e| e.value.as_str()).collect();
        let date = format!("{yy:02}{mm:02}{dd:02}");
        let weight = format!("{weight:06}");
        prop_assert_eq!(values, vec![gtin.as_str(), date.as_str(), lot.as_str(), serial.as_str(), weight.as_str()]);
        prop_assert!(elements[1].date.is_some());
    }

    #[test]
    fn random_input_never_panics(raw in "\\PC{0,60}", bytes in proptest::collection::vec(any::<u8>(), 0..60)) {
        let _ = report(&raw, &options());
        let _ = report(&String::from_utf8_lossy(&bytes), &options());
        let _ = report(&format!("]C1{raw}"), &options());
    }
}
