//! The demo warehouse's expected deliveries, so that the stock screen (F8)
//! has goods to receive: a purchase order for the SKUs that orders wait for
//! or that run lowest (receiving and putting them away fills backorders), an advance ship notice
//! with two announced packages (one with a lot and its expiry), and a purchase
//! order due tomorrow.

use chrono::{DateTime, Days, Utc};

use super::catalog::Catalog;
use crate::domain::inbound::{NewReceipt, NewReceiptLine};
use crate::domain::{Actor, Gtin};
use crate::store::{Store, StoreError};

/// The GS1 company prefix of the demo supplier's package labels.
const SUPPLIER_PREFIX: &str = "4012345";

/// The SSCC of the supplier's package `serial`: extension 0, prefix, serial, check digit.
#[must_use]
pub fn sscc(serial: u32) -> String {
    let body = format!("0{SUPPLIER_PREFIX}{serial:09}");
    format!("{body}{}", Gtin::check_digit(body.as_bytes()))
}

fn line(sku: &str, qty: u32) -> NewReceiptLine {
    NewReceiptLine { sku: sku.to_owned(), qty, sscc: None, lot: None, expires_on: None }
}

pub(super) fn seed(store: &mut Store, actor: &Actor, catalog: &Catalog, now: DateTime<Utc>) -> Result<(), StoreError> {
    let today = now.date_naive();
    let plain: Vec<&str> = catalog.skus.iter().filter(|s| !s.lot_tracked).map(|s| s.code.as_str()).collect();
    // What orders wait for first, then what sells and has least left.
    let mut health: Vec<_> = store
        .sku_health(today, 28, 1)?
        .into_iter()
        .filter(|f| (f.window_units > 0 || f.backordered > 0) && plain.contains(&f.sku.as_str()))
        .collect();
    health.sort_by_key(|f| (std::cmp::Reverse(f.backordered), f.on_hand.saturating_sub(f.reserved), f.sku.clone()));
    let waiting: Vec<String> = health.into_iter().map(|f| f.sku).take(4).collect();
    let lotted = catalog.skus.iter().find(|s| s.lot_tracked && s.expiry_tracked).map(|s| s.code.as_str());
    let mut restock: Vec<NewReceiptLine> = waiting.iter().map(|sku| line(sku, 24)).collect();
    restock.extend(plain.iter().skip(10).take(4 - restock.len().min(4)).map(|sku| line(sku, 36)));
    let mut notice = vec![
        NewReceiptLine { sscc: Some(sscc(1)), ..line(plain[1], 12) },
        NewReceiptLine { sscc: Some(sscc(1)), ..line(plain[2], 6) },
    ];
    if let Some(sku) = lotted {
        notice.push(NewReceiptLine {
            sscc: Some(sscc(2)),
            lot: Some("L2611A".to_owned()),
            expires_on: today.checked_add_days(Days::new(240)),
            ..line(sku, 20)
        });
    }
    let receipts = [
        NewReceipt {
            reference: "PO-4500012".to_owned(),
            supplier: "Nordic Home Supply".to_owned(),
            expected_on: Some(today),
            lines: restock,
        },
        NewReceipt {
            reference: "ASN-77801".to_owned(),
            supplier: "Baltic Textiles".to_owned(),
            expected_on: Some(today),
            lines: notice,
        },
        NewReceipt {
            reference: "PO-4500013".to_owned(),
            supplier: "Nordic Home Supply".to_owned(),
            expected_on: today.checked_add_days(Days::new(1)),
            lines: plain.iter().skip(20).take(3).map(|sku| line(sku, 48)).collect(),
        },
    ];
    store.import_receipts(actor, &receipts)?;
    Ok(())
}
