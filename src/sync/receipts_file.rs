//! Expected-delivery files: a CSV of purchase orders or advance ship notices,
//! one row per expected SKU, read into [`NewReceipt`]s. Pure: nothing is
//! stored here (the store checks that each SKU exists). As with order files
//! ([`super::file`]), a file with any bad row yields every problem, each
//! naming the file, the row and the field, and no deliveries.
//!
//! The header is required; its columns may come in any order, and all of
//! [`RECEIPT_COLUMNS`] must be there and nothing else. Rows with the same
//! `reference` form one delivery, in the order of its first row, and must
//! agree on `supplier` and `expected_on`. Text is sanitised
//! ([`crate::domain::text::sanitize`]) before it is checked.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::file::FileError;
use crate::domain::inbound::{NewReceipt, NewReceiptLine};
use crate::domain::shipment::Sscc;
use crate::domain::text::sanitize;

/// The columns of a receipts file, in the documented order.
pub const RECEIPT_COLUMNS: [&str; 8] = ["reference", "supplier", "expected_on", "sku", "qty", "sscc", "lot", "expiry"];

/// Columns every row needs a value in.
const REQUIRED: [&str; 4] = ["reference", "supplier", "sku", "qty"];

/// Most units one row may expect.
const MAX_QTY: u32 = 1_000_000;

/// Longest lot number, in characters (GS1 AI 10 allows 20).
const MAX_LOT: usize = 20;

/// Reads a CSV receipts file; `name` names it in errors. Rows are counted
/// as a spreadsheet shows them: the header is row 1.
pub fn parse_receipts(name: &str, text: &str) -> Result<Vec<NewReceipt>, Vec<FileError>> {
    let err = |row: usize, field: Option<&str>, reason: String| FileError {
        file: name.to_owned(),
        row,
        field: field.map(str::to_owned),
        reason,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| vec![err(1, None, e.to_string())])?.clone();
    let position = columns(&header).map_err(|problems| {
        problems.into_iter().map(|(field, reason)| err(1, Some(&field), reason)).collect::<Vec<_>>()
    })?;

    let lines = Lines::new(text);
    let mut errors = Vec::new();
    let mut receipts: Vec<NewReceipt> = Vec::new();
    // Per reference: its index in `receipts` and its first row.
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    // Per SSCC: the delivery announcing it and the row.
    let mut packages: HashMap<String, (String, usize)> = HashMap::new();
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        rows += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let row = e.position().map_or(i + 2, |p| lines.row(p));
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("has {len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                errors.push(err(row, None, reason));
                continue;
            }
        };
        let row = record.position().map_or(i + 2, |p| lines.row(p));
        let get = |column: &str| -> String {
            position.get(column).and_then(|&at| record.get(at)).map(|v| sanitize(v).into_owned()).unwrap_or_default()
        };
        let parsed = match read_row(&get) {
            Ok(parsed) => parsed,
            Err(problems) => {
                errors.extend(problems.into_iter().map(|(field, reason)| err(row, Some(field), reason)));
                continue;
            }
        };
        if let Some(sscc) = &parsed.line.sscc {
            match packages.get(sscc) {
                Some((other, at)) if *other != parsed.reference => {
                    let reason = format!("{sscc} is already announced for delivery {other} (row {at})");
                    errors.push(err(row, Some("sscc"), reason));
                    continue;
                }
                Some(_) => {}
                None => {
                    packages.insert(sscc.clone(), (parsed.reference.clone(), row));
                }
            }
        }
        if let Some(&(at, first_row)) = index.get(&parsed.reference) {
            // Later rows of a delivery must agree with its first row.
            let receipt = &mut receipts[at];
            let mut agree = true;
            let day = |d: Option<NaiveDate>| d.map_or_else(String::new, |d| d.to_string());
            for (column, first, this) in [
                ("supplier", receipt.supplier.clone(), parsed.supplier.clone()),
                ("expected_on", day(receipt.expected_on), day(parsed.expected_on)),
            ] {
                if first != this {
                    let reference = &receipt.reference;
                    let reason = format!("{this:?} differs from {first:?} on row {first_row} of delivery {reference}");
                    errors.push(err(row, Some(column), reason));
                    agree = false;
                }
            }
            if agree {
                receipt.lines.push(parsed.line);
            }
            continue;
        }
        index.insert(parsed.reference.clone(), (receipts.len(), row));
        receipts.push(NewReceipt {
            reference: parsed.reference,
            supplier: parsed.supplier,
            expected_on: parsed.expected_on,
            lines: vec![parsed.line],
        });
    }
    if rows == 0 {
        errors.push(err(1, None, "no rows: the file has a header and nothing under it".into()));
    }
    if errors.is_empty() { Ok(receipts) } else { Err(errors) }
}

/// Where each line of the text starts, to name rows as an editor or a
/// spreadsheet numbers them (the CSV reader skips blank lines uncounted).
struct Lines<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = text.match_indices('\n').map(|(at, _)| at + 1);
        Self { text: text.as_bytes(), starts: std::iter::once(0).chain(starts).collect() }
    }

    /// The 1-based line a record at `position` starts on. The reader puts a
    /// record's start right after the previous one, before any blank lines.
    fn row(&self, position: &csv::Position) -> usize {
        let mut at = position.byte() as usize;
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.starts.partition_point(|&start| start <= at)
    }
}

/// Where each column is, or every problem with the header as (field, reason).
fn columns(header: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, Vec<(String, String)>> {
    let mut position = HashMap::new();
    let mut problems = Vec::new();
    for (at, raw) in header.iter().enumerate() {
        let name = sanitize(raw);
        match RECEIPT_COLUMNS.iter().find(|c| **c == name) {
            Some(column) => {
                if position.insert(*column, at).is_some() {
                    problems.push((name.into_owned(), "appears twice in the header".to_owned()));
                }
            }
            None => problems.push((
                name.into_owned(),
                format!("is not a column of a receipts file ({})", RECEIPT_COLUMNS.join(",")),
            )),
        }
    }
    for column in RECEIPT_COLUMNS.iter().filter(|c| !position.contains_key(*c)) {
        problems.push(((*column).to_owned(), "the header has no such column".to_owned()));
    }
    if problems.is_empty() { Ok(position) } else { Err(problems) }
}

/// One good row.
struct Row {
    reference: String,
    supplier: String,
    expected_on: Option<NaiveDate>,
    line: NewReceiptLine,
}

/// Reads one row's fields (already sanitised), or every problem as (field,
/// reason) in the documented column order.
fn read_row(get: &dyn Fn(&str) -> String) -> Result<Row, Vec<(&'static str, String)>> {
    let mut problems: Vec<(&'static str, String)> = REQUIRED
        .into_iter()
        .filter(|column| get(column).is_empty())
        .map(|column| (column, "is empty".into()))
        .collect();
    let qty_text = get("qty");
    // An empty qty is already reported.
    let qty = if qty_text.is_empty() { Ok(0) } else { quantity(&qty_text) };
    let expected_on = date(&get("expected_on"));
    let expires_on = date(&get("expiry"));
    let sscc = sscc(&get("sscc"));
    let lot = lot(get("lot"));
    for (column, result) in [
        ("qty", qty.as_ref().err()),
        ("expected_on", expected_on.as_ref().err()),
        ("expiry", expires_on.as_ref().err()),
        ("sscc", sscc.as_ref().err()),
        ("lot", lot.as_ref().err()),
    ] {
        if let Some(reason) = result {
            problems.push((column, reason.clone()));
        }
    }
    match (qty, expected_on, expires_on, sscc, lot) {
        (Ok(qty), Ok(expected_on), Ok(expires_on), Ok(sscc), Ok(lot)) if problems.is_empty() => Ok(Row {
            reference: get("reference"),
            supplier: get("supplier"),
            expected_on,
            line: NewReceiptLine { sku: get("sku"), qty, sscc, lot, expires_on },
        }),
        _ => {
            problems.sort_by_key(|(column, _)| RECEIPT_COLUMNS.iter().position(|c| c == column));
            Err(problems)
        }
    }
}

fn quantity(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|q| (1..=MAX_QTY).contains(q))
        .ok_or_else(|| format!("{text:?} is not a whole number from 1 to {MAX_QTY}"))
}

/// Empty, or a date as YYYY-MM-DD.
fn date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// Empty, or exactly 18 digits whose last is the GS1 check digit.
fn sscc(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() != 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not an SSCC (exactly 18 digits)"));
    }
    text.parse::<Sscc>().map(|s| Some(s.as_str().to_owned())).map_err(|e| e.to_string())
}

fn lot(text: String) -> Result<Option<String>, String> {
    let chars = text.chars().count();
    if chars > MAX_LOT {
        return Err(format!("{text:?} is {chars} characters, the most is {MAX_LOT}"));
    }
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests;
