//! Receipts files: a good file read into exact deliveries, every bad row
//! named with its row and field, the header's rules, deliveries whose rows
//! disagree, SSCC check digits.

use super::*;

const HEADER: &str = "reference,supplier,expected_on,sku,qty,sscc,lot,expiry";

fn csv(rows: &[&str]) -> String {
    std::iter::once(HEADER).chain(rows.iter().copied()).collect::<Vec<_>>().join("\n")
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// (row, field, reason) of each error.
fn problems(result: Result<Vec<NewReceipt>, Vec<FileError>>) -> Vec<(usize, Option<String>, String)> {
    let errors = result.unwrap_err();
    assert!(errors.iter().all(|e| e.file == "in.csv"));
    errors.into_iter().map(|e| (e.row, e.field, e.reason)).collect()
}

fn field(row: usize, name: &str, reason: &str) -> (usize, Option<String>, String) {
    (row, Some(name.to_owned()), reason.to_owned())
}

#[test]
fn a_good_file_becomes_its_deliveries() {
    let text = csv(&[
        "ASN-7731,Nordic Mugs AB,2026-03-02,MUG-RED,48,340123450000000017,L2403,2028-01-31",
        "PO-1001,Tees & Co,,TEE-BLK-M,12,,,",
        "ASN-7731,Nordic Mugs AB,2026-03-02,MUG-BLU,24,340123450000000017,,",
        "ASN-7731,Nordic Mugs AB,2026-03-02,MUG-RED,6,340123450000000024,L2404,",
    ]);
    let receipts = parse_receipts("in.csv", &text).unwrap();
    let line = |sku: &str, qty, sscc: Option<&str>, lot: Option<&str>, expires_on: Option<&str>| NewReceiptLine {
        sku: sku.into(),
        qty,
        sscc: sscc.map(Into::into),
        lot: lot.map(Into::into),
        expires_on: expires_on.map(date),
    };
    assert_eq!(
        receipts,
        vec![
            NewReceipt {
                reference: "ASN-7731".into(),
                supplier: "Nordic Mugs AB".into(),
                expected_on: Some(date("2026-03-02")),
                lines: vec![
                    line("MUG-RED", 48, Some("340123450000000017"), Some("L2403"), Some("2028-01-31")),
                    line("MUG-BLU", 24, Some("340123450000000017"), None, None),
                    line("MUG-RED", 6, Some("340123450000000024"), Some("L2404"), None),
                ],
            },
            NewReceipt {
                reference: "PO-1001".into(),
                supplier: "Tees & Co".into(),
                expected_on: None,
                lines: vec![line("TEE-BLK-M", 12, None, None, None)],
            },
        ]
    );
}

#[test]
fn columns_may_come_in_any_order_and_text_is_sanitised() {
    let text = "\u{feff}sku,qty,reference,supplier,lot,expiry,sscc,expected_on\n\
                \"MUG\u{1b}[31m-RED \",3,\" PO-9\",\"Nordic\u{202e} \tMugs\",\"L\u{7}1\",2027-05-01,,\n";
    let receipts = parse_receipts("in.csv", text).unwrap();
    assert_eq!(
        receipts,
        vec![NewReceipt {
            reference: "PO-9".into(),
            supplier: "Nordic Mugs".into(),
            expected_on: None,
            lines: vec![NewReceiptLine {
                sku: "MUG-RED".into(),
                qty: 3,
                sscc: None,
                lot: Some("L1".into()),
                expires_on: Some(date("2027-05-01")),
            }],
        }]
    );
}

#[test]
fn every_bad_row_is_named_with_its_field() {
    let text = csv(&[
        "PO-1,Acme,2026-02-30,MUG-RED,5,,,",
        ",,,,,,,",
        "PO-1,Acme,2026-02-28,MUG-RED,0,,,",
        "PO-1,Acme,2026-02-28,MUG-RED,1000001,12345,LOT-NUMBER-LONGER-THAN-20,31/12/2027",
        "PO-1,Acme,2026-02-28,MUG-RED,two,,,",
        "PO-1,Acme,2026-02-28,MUG-RED,1",
    ]);
    assert_eq!(
        problems(parse_receipts("in.csv", &text)),
        vec![
            field(2, "expected_on", "\"2026-02-30\" is not a date (YYYY-MM-DD)"),
            field(3, "reference", "is empty"),
            field(3, "supplier", "is empty"),
            field(3, "sku", "is empty"),
            field(3, "qty", "is empty"),
            field(4, "qty", "\"0\" is not a whole number from 1 to 1000000"),
            field(5, "qty", "\"1000001\" is not a whole number from 1 to 1000000"),
            field(5, "sscc", "\"12345\" is not an SSCC (exactly 18 digits)"),
            field(5, "lot", "\"LOT-NUMBER-LONGER-THAN-20\" is 25 characters, the most is 20"),
            field(5, "expiry", "\"31/12/2027\" is not a date (YYYY-MM-DD)"),
            field(6, "qty", "\"two\" is not a whole number from 1 to 1000000"),
            (7, None, "has 5 fields where the header has 8".to_owned()),
        ]
    );
}

#[test]
fn rows_of_a_delivery_must_agree_on_supplier_and_date() {
    let text = csv(&[
        "PO-1,Acme,2026-03-02,MUG-RED,5,,,",
        "PO-2,Other,,TEE,1,,,",
        "PO-1,Acme Ltd,2026-03-02,MUG-BLU,5,,,",
        "PO-1,Acme,,MUG-GRN,5,,,",
    ]);
    assert_eq!(
        problems(parse_receipts("in.csv", &text)),
        vec![
            field(4, "supplier", "\"Acme Ltd\" differs from \"Acme\" on row 2 of delivery PO-1"),
            field(5, "expected_on", "\"\" differs from \"2026-03-02\" on row 2 of delivery PO-1"),
        ]
    );
}

#[test]
fn an_sscc_needs_its_check_digit_and_one_delivery() {
    let text = csv(&[
        "ASN-1,Acme,,MUG-RED,5,340123450000000018,,",
        "ASN-1,Acme,,MUG-RED,5,3401234500000000171,,",
        "ASN-1,Acme,,MUG-RED,5,00340123450000000017,,",
        "ASN-1,Acme,,MUG-RED,5,340123450000000024,,",
        "ASN-2,Acme,,MUG-RED,5,340123450000000024,,",
    ]);
    assert_eq!(
        problems(parse_receipts("in.csv", &text)),
        vec![
            field(2, "sscc", "check digit of SSCC 340123450000000018 should be 7"),
            field(3, "sscc", "\"3401234500000000171\" is not an SSCC (exactly 18 digits)"),
            field(4, "sscc", "\"00340123450000000017\" is not an SSCC (exactly 18 digits)"),
            field(6, "sscc", "340123450000000024 is already announced for delivery ASN-1 (row 5)"),
        ]
    );
}

#[test]
fn the_header_must_name_each_column_once_and_nothing_else() {
    let text = "reference,supplier,supplier,sku,qty,sscc,lot,expiry,colour\nPO-1,Acme,Acme,MUG,1,,,,red";
    assert_eq!(
        problems(parse_receipts("in.csv", text)),
        vec![
            field(1, "supplier", "appears twice in the header"),
            field(
                1,
                "colour",
                "is not a column of a receipts file (reference,supplier,expected_on,sku,qty,sscc,lot,expiry)"
            ),
            field(1, "expected_on", "the header has no such column"),
        ]
    );
}

#[test]
fn a_file_without_rows_is_refused() {
    let none = (1, None, "no rows: the file has a header and nothing under it".to_owned());
    assert_eq!(problems(parse_receipts("in.csv", HEADER)), vec![none.clone()]);
    assert_eq!(problems(parse_receipts("in.csv", &format!("{HEADER}\n\n"))), vec![none]);
    // Nothing at all: not even a header.
    assert_eq!(problems(parse_receipts("in.csv", "")).len(), RECEIPT_COLUMNS.len());
}

#[test]
fn blank_lines_keep_row_numbers_as_a_spreadsheet_shows_them() {
    let text = csv(&["PO-1,Acme,,MUG,1,,,", "", "", "PO-1,Acme,,MUG,x,,,"]);
    let want = vec![field(5, "qty", "\"x\" is not a whole number from 1 to 1000000")];
    assert_eq!(problems(parse_receipts("in.csv", &text)), want);
    assert_eq!(problems(parse_receipts("in.csv", &text.replace('\n', "\r\n"))), want);
}
