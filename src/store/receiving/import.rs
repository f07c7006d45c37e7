//! Adding one expected delivery: its lines (one per SKU, quantities summed)
//! and the packages an advance ship notice announces.

use crate::store::db::{Db, OptionalExt, params};

use super::super::{Result, StoreError, events};
use super::subject;
use crate::domain::Actor;
use crate::domain::inbound::NewReceipt;

pub(super) fn insert_receipt(tx: &Db, actor: &Actor, at: i64, receipt: &NewReceipt) -> Result<i64> {
    let reference = receipt.reference.trim();
    if reference.is_empty() {
        return Err(StoreError::Invalid("a delivery needs a reference (its PO or ASN number)".into()));
    }
    if receipt.lines.is_empty() {
        return Err(StoreError::Invalid(format!("delivery {reference} expects nothing")));
    }
    let known: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM receipts WHERE reference = ?1)", [reference], |r| r.get(0))?;
    if known {
        return Err(StoreError::Invalid(format!("delivery {reference} is already known")));
    }
    let id = tx.insert_row(
        "INSERT INTO receipts (reference, supplier, expected_on, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![reference, receipt.supplier, receipt.expected_on.map(|d| d.to_string()), at / 1000],
    )?;
    let mut lines: Vec<(i64, i64)> = Vec::new();
    for line in &receipt.lines {
        if line.qty == 0 {
            return Err(StoreError::Invalid(format!("delivery {reference}: {} expects no units", line.sku)));
        }
        let sku_id: i64 =
            tx.query_row("SELECT id FROM skus WHERE code = ?1", [&line.sku], |r| r.get(0)).optional()?.ok_or_else(
                || StoreError::Invalid(format!("delivery {reference}: SKU {} is not in the catalogue", line.sku)),
            )?;
        let line_no = if let Some(&(_, n)) = lines.iter().find(|(s, _)| *s == sku_id) {
            n
        } else {
            let n = lines.len() as i64 + 1;
            lines.push((sku_id, n));
            tx.execute(
                "INSERT INTO receipt_lines (receipt_id, line_no, sku_id, expected) VALUES (?1, ?2, ?3, 0)",
                params![id, n, sku_id],
            )?;
            n
        };
        tx.execute(
            "UPDATE receipt_lines SET expected = expected + ?3 WHERE receipt_id = ?1 AND line_no = ?2",
            params![id, line_no, i64::from(line.qty)],
        )?;
        if let Some(sscc) = &line.sscc {
            let elsewhere: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM receipt_packages WHERE sscc = ?1 AND receipt_id <> ?2)",
                params![sscc, id],
                |r| r.get(0),
            )?;
            if elsewhere {
                return Err(StoreError::Invalid(format!("package {sscc} is already announced on another delivery")));
            }
            tx.execute(
                "INSERT INTO receipt_packages (sscc, receipt_id, line_no, qty, lot, expires_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (sscc, line_no, ifnull(lot, '')) DO UPDATE SET qty = receipt_packages.qty + excluded.qty",
                params![sscc, id, line_no, i64::from(line.qty), line.lot, line.expires_on.map(|d| d.to_string())],
            )?;
        }
    }
    let units: u64 = receipt.lines.iter().map(|l| u64::from(l.qty)).sum();
    let details = format!("from {}: {} lines, {units} units", receipt.supplier, lines.len());
    events::append(tx, at, actor, "receipt_expected", &subject(reference), &details)?;
    Ok(id)
}
