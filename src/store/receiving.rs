//! Goods in: expected deliveries, counting units against them (one SSCC for
//! a whole announced package, or a GTIN or GS1 string times a quantity),
//! damaged units with their reason, taking back the last scan, closing with a
//! reason for every difference, and putaway into a bin. Received units are
//! not stock until a bin takes them: stock only ever exists in a bin, so a
//! unit on the dock can never be allocated.

use std::fmt::Write as _;

use crate::store::db::{Db, OptionalExt, params};

use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::Actor;
use crate::domain::inbound::{
    NewReceipt, PackageView, ReceiptLineView, ReceiptStatus, ReceiptSummary, ReceiptView, ReceiveUnits, Received,
};

/// An announced package's line: receipt, line, units, lot, expiry, received at.
type PackageRow = (i64, i64, i64, Option<String>, Option<String>, Option<i64>);
/// A receiving scan: id, line, units, damage reason, putaway row.
type ScanRow = (i64, i64, i64, Option<String>, Option<i64>);

mod import;

use import::insert_receipt;

impl Store {
    /// Adds expected deliveries, all or nothing: a reference already known,
    /// an unknown SKU or an SSCC already announced refuses the whole batch.
    /// Lines of one SKU are summed into one receipt line. Returns the ids.
    pub fn import_receipts(&mut self, actor: &Actor, receipts: &[NewReceipt]) -> Result<Vec<i64>> {
        self.write(|tx| {
            let at = now_ms();
            let mut ids = Vec::with_capacity(receipts.len());
            for receipt in receipts {
                ids.push(insert_receipt(tx, actor, at, receipt)?);
            }
            Ok(ids)
        })
    }

    /// Deliveries not closed yet, the expected soonest first (then by id).
    pub fn open_receipts(&self) -> Result<Vec<ReceiptSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.reference, r.supplier, r.expected_on, r.status, count(l.line_no),
                    coalesce(sum(l.expected), 0), coalesce(sum(l.received), 0), coalesce(sum(l.damaged), 0)
             FROM receipts r LEFT JOIN receipt_lines l ON l.receipt_id = r.id
             WHERE r.status <> 'closed'
             GROUP BY r.id ORDER BY r.expected_on IS NULL, r.expected_on, r.id",
        )?;
        let rows = stmt.query_map((), |r| {
            Ok(ReceiptSummary {
                id: r.get(0)?,
                reference: r.get(1)?,
                supplier: r.get(2)?,
                expected_on: day(r.get(3)?),
                status: receipt_status(&r.get::<_, String>(4)?)?,
                lines: r.get(5)?,
                expected: r.get::<_, i64>(6)?.max(0) as u64,
                received: r.get::<_, i64>(7)?.max(0) as u64,
                damaged: r.get::<_, i64>(8)?.max(0) as u64,
            })
        })?;
        rows.collect::<Result<_>>()
    }

    /// One delivery with its lines and announced packages.
    pub fn receipt_view(&self, id: i64) -> Result<ReceiptView> {
        self.conn.read(|tx| {
            let view = view(tx, id)?;
            Ok(view)
        })
    }

    /// The delivery that announced package `sscc`, if any.
    pub fn receipt_for_sscc(&self, sscc: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT receipt_id FROM receipt_packages WHERE sscc = ?1 LIMIT 1")?
            .query_row([sscc], |r| r.get(0))
            .optional()
    }

    /// Counts units of one SKU onto a delivery: good units wait for putaway,
    /// damaged ones are recorded with their reason. A SKU the delivery did
    /// not expect gets a line of its own (all of it over). A lot-tracked SKU
    /// needs its lot, an expiry-tracked one its expiry.
    pub fn receive_units(&mut self, actor: &Actor, receipt: i64, units: &ReceiveUnits) -> Result<Received> {
        if units.qty == 0 {
            return Err(StoreError::Invalid("receive at least one unit".into()));
        }
        self.write(|tx| {
            let at = now_ms();
            let reference = open_receipt(tx, receipt)?;
            let (line_no, unexpected) = line_for(tx, receipt, &units.sku)?;
            count_in(tx, actor, at, receipt, line_no, units, None)?;
            let details = describe(units);
            events::append(tx, at, actor, "units_received", &subject(&reference), &details)?;
            let line = view(tx, receipt)?.lines.into_iter().find(|l| l.line_no == line_no).ok_or_else(gone)?;
            Ok(Received { line, unexpected })
        })
    }

    /// Receives a whole announced package by its SSCC, with the lots and
    /// expiries the notice gave. A package already received is refused.
    /// Returns the delivery's id and what each of its lines now holds.
    pub fn receive_package(&mut self, actor: &Actor, sscc: &str) -> Result<(i64, Vec<Received>)> {
        self.write(|tx| {
            let rows: Vec<PackageRow> = tx
                .prepare_cached(
                    "SELECT receipt_id, line_no, qty, lot, expires_on, received_at FROM receipt_packages
                     WHERE sscc = ?1 ORDER BY line_no, lot",
                )?
                .query_map([sscc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<_>>()?;
            let Some(&(receipt, ..)) = rows.first() else {
                return Err(StoreError::Invalid(format!(
                    "package {sscc} is on no expected delivery; open the delivery and scan its items"
                )));
            };
            if let Some(at) = rows.iter().find_map(|r| r.5) {
                let when = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at).unwrap_or_default();
                return Err(StoreError::Invalid(format!(
                    "package {sscc} was already received at {}",
                    when.format("%Y-%m-%d %H:%M")
                )));
            }
            let reference = open_receipt(tx, receipt)?;
            let at = now_ms();
            let mut lines = Vec::new();
            for (_, line_no, qty, lot, expires_on, _) in &rows {
                let sku: String = tx.query_row(
                    "SELECT k.code FROM receipt_lines l JOIN skus k ON k.id = l.sku_id
                     WHERE l.receipt_id = ?1 AND l.line_no = ?2",
                    params![receipt, line_no],
                    |r| r.get(0),
                )?;
                let units = ReceiveUnits {
                    sku,
                    qty: u32::try_from(*qty).unwrap_or(u32::MAX),
                    lot: lot.clone(),
                    expires_on: expires_on.as_deref().and_then(|d| d.parse().ok()),
                    damaged: None,
                };
                count_in(tx, actor, at, receipt, *line_no, &units, Some(sscc))?;
                lines.push(*line_no);
            }
            tx.prepare_cached("UPDATE receipt_packages SET received_at = ?2 WHERE sscc = ?1")?
                .execute(params![sscc, at])?;
            let units: i64 = rows.iter().map(|r| r.2).sum();
            events::append(tx, at, actor, "package_received", &subject(&reference), &format!("{sscc}: {units} units"))?;
            let view = view(tx, receipt)?;
            lines.dedup();
            let received = view
                .lines
                .into_iter()
                .filter(|l| lines.contains(&l.line_no))
                .map(|line| Received { line, unexpected: false })
                .collect();
            Ok((receipt, received))
        })
    }

    /// Takes back the last receiving scan made at this station on the
    /// delivery (a whole package for an SSCC). Refused once its units are
    /// put away (count the bin instead) or the delivery is closed.
    pub fn undo_receive(&mut self, actor: &Actor, receipt: i64) -> Result<String> {
        self.write(|tx| {
            let reference = open_receipt(tx, receipt)?;
            let last: Option<(i64, Option<String>)> = tx
                .prepare_cached(
                    "SELECT id, sscc FROM receipt_scans WHERE receipt_id = ?1 AND station = ?2 AND undone_at IS NULL
                     ORDER BY id DESC LIMIT 1",
                )?
                .query_row(params![receipt, actor.station], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((last_id, sscc)) = last else {
                return Err(StoreError::Invalid(format!("nothing scanned at this station on {reference} to take back")));
            };
            let scans: Vec<ScanRow> = tx
                .prepare_cached(
                    "SELECT id, line_no, qty, damaged, putaway_id FROM receipt_scans
                     WHERE receipt_id = ?1 AND undone_at IS NULL AND (id = ?2 OR (?3 IS NOT NULL AND sscc = ?3))",
                )?
                .query_map(params![receipt, last_id, sscc], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<_>>()?;
            let at = now_ms();
            let mut taken = Vec::new();
            for (id, line_no, qty, damaged, putaway_id) in scans {
                let column = if damaged.is_some() { "damaged" } else { "received" };
                let changed = tx.execute(
                    &format!(
                        "UPDATE receipt_lines SET {column} = {column} - ?3 WHERE receipt_id = ?1 AND line_no = ?2 AND {column} >= ?3"
                    ),
                    params![receipt, line_no, qty],
                )?;
                let waiting = match putaway_id {
                    Some(pid) => tx.execute("UPDATE putaway SET qty = qty - ?2 WHERE id = ?1 AND qty >= ?2", params![pid, qty])?,
                    None => 1,
                };
                if changed != 1 || waiting != 1 {
                    return Err(StoreError::Invalid(
                        "those units are already put away: take them back by counting the bin".into(),
                    ));
                }
                tx.execute("UPDATE receipt_scans SET undone_at = ?2 WHERE id = ?1", params![id, at])?;
                let sku: String = tx.query_row(
                    "SELECT k.code FROM receipt_lines l JOIN skus k ON k.id = l.sku_id WHERE l.receipt_id = ?1 AND l.line_no = ?2",
                    params![receipt, line_no],
                    |r| r.get(0),
                )?;
                taken.push(format!("{qty} × {sku}{}", if damaged.is_some() { " damaged" } else { "" }));
            }
            if let Some(code) = &sscc {
                tx.execute("UPDATE receipt_packages SET received_at = NULL WHERE sscc = ?1", [code])?;
            }
            let what = match &sscc {
                Some(code) => format!("package {code}: {}", taken.join(", ")),
                None => taken.join(", "),
            };
            events::append(tx, at, actor, "receive_undone", &subject(&reference), &what)?;
            Ok(what)
        })
    }

    /// Closes a delivery. Every line whose arrivals differ from what was
    /// expected (over, short) or that had damaged units needs a reason from
    /// `reasons` (line number, reason); otherwise nothing changes. Units
    /// waiting for putaway stay waiting.
    pub fn close_receipt(&mut self, actor: &Actor, receipt: i64, reasons: &[(i64, String)]) -> Result<ReceiptView> {
        self.write(|tx| {
            let reference = open_receipt(tx, receipt)?;
            let before = view(tx, receipt)?;
            let mut missing = Vec::new();
            let mut summary = Vec::new();
            for line in before.differences() {
                let reason = reasons.iter().find(|(n, _)| *n == line.line_no).map(|(_, r)| r.trim());
                match reason {
                    Some(reason) if !reason.is_empty() => {
                        tx.execute(
                            "UPDATE receipt_lines SET reason = ?3 WHERE receipt_id = ?1 AND line_no = ?2",
                            params![receipt, line.line_no, reason],
                        )?;
                        summary.push(format!("{} {} ({reason})", line.sku, difference_text(line)));
                    }
                    _ => missing.push(line.sku.clone()),
                }
            }
            if !missing.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "{reference}: give a reason for the difference on {}",
                    missing.join(", ")
                )));
            }
            let at = now_ms();
            tx.execute(
                "UPDATE receipts SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status <> 'closed'",
                params![receipt, at],
            )?;
            let (expected, arrived): (u64, u64) = before
                .lines
                .iter()
                .fold((0, 0), |(e, a), l| (e + u64::from(l.expected), a + u64::from(l.received + l.damaged)));
            let mut details = format!("expected {expected}, arrived {arrived}");
            if !summary.is_empty() {
                details.push_str("; ");
                details.push_str(&summary.join("; "));
            }
            events::append(tx, at, actor, "receipt_closed", &subject(&reference), &details)?;
            view(tx, receipt)
        })
    }
}

/// Counts units onto a line: good units to putaway, damaged to the line's
/// damaged count; records the scan and moves the delivery to `receiving`.
fn count_in(
    tx: &Db,
    actor: &Actor,
    at: i64,
    receipt: i64,
    line_no: i64,
    units: &ReceiveUnits,
    sscc: Option<&str>,
) -> Result<()> {
    let (sku_id, lot_tracked, expiry_tracked): (i64, bool, bool) = tx.query_row(
        "SELECT k.id, k.lot_tracked, k.expiry_tracked FROM receipt_lines l JOIN skus k ON k.id = l.sku_id
         WHERE l.receipt_id = ?1 AND l.line_no = ?2",
        params![receipt, line_no],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let qty = i64::from(units.qty);
    let mut putaway_id = None;
    if let Some(reason) = &units.damaged {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid("damaged units need a reason".into()));
        }
        tx.execute(
            "UPDATE receipt_lines SET damaged = damaged + ?3 WHERE receipt_id = ?1 AND line_no = ?2",
            params![receipt, line_no, qty],
        )?;
    } else {
        if lot_tracked && units.lot.is_none() {
            return Err(StoreError::Invalid(format!(
                "{} is lot-tracked: scan the GS1 barcode that carries its lot (AI 10)",
                units.sku
            )));
        }
        if expiry_tracked && units.expires_on.is_none() {
            return Err(StoreError::Invalid(format!(
                "{} needs its expiry date: scan the GS1 barcode that carries it (AI 17)",
                units.sku
            )));
        }
        tx.execute(
            "UPDATE receipt_lines SET received = received + ?3 WHERE receipt_id = ?1 AND line_no = ?2",
            params![receipt, line_no, qty],
        )?;
        let expires = units.expires_on.map(|d| d.to_string());
        tx.execute(
            "INSERT INTO putaway (receipt_id, line_no, sku_id, lot, expires_on, qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (receipt_id, line_no, ifnull(lot, '')) DO UPDATE
                 SET qty = putaway.qty + excluded.qty, expires_on = coalesce(putaway.expires_on, excluded.expires_on)",
            params![receipt, line_no, sku_id, units.lot, expires, qty],
        )?;
        putaway_id = Some(tx.query_row(
            "SELECT id FROM putaway WHERE receipt_id = ?1 AND line_no = ?2 AND ifnull(lot, '') = ifnull(?3, '')",
            params![receipt, line_no, units.lot],
            |r| r.get::<_, i64>(0),
        )?);
    }
    tx.execute(
        "INSERT INTO receipt_scans (receipt_id, line_no, station, qty, lot, damaged, putaway_id, sscc, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![receipt, line_no, actor.station, qty, units.lot, units.damaged, putaway_id, sscc, at],
    )?;
    tx.execute("UPDATE receipts SET status = 'receiving' WHERE id = ?1 AND status = 'expected'", [receipt])?;
    Ok(())
}

/// The delivery's reference, if it is still open; else a clear refusal.
fn open_receipt(tx: &Db, receipt: i64) -> Result<String> {
    let row: Option<(String, String)> = tx
        .prepare_cached("SELECT reference, status FROM receipts WHERE id = ?1")?
        .query_row([receipt], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(gone()),
        Some((reference, status)) if status == "closed" => {
            Err(StoreError::Invalid(format!("delivery {reference} is closed; nothing more is counted on it")))
        }
        Some((reference, _)) => Ok(reference),
    }
}

/// The line of `sku` on the delivery, added (expected 0) when the SKU came
/// unannounced; and whether it was.
fn line_for(tx: &Db, receipt: i64, sku: &str) -> Result<(i64, bool)> {
    let sku_id: i64 = tx
        .query_row("SELECT id FROM skus WHERE code = ?1", [sku], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Invalid(format!("SKU {sku} is not in the catalogue; set the item aside")))?;
    let line: Option<(i64, i64)> = tx
        .query_row(
            "SELECT line_no, expected FROM receipt_lines WHERE receipt_id = ?1 AND sku_id = ?2",
            params![receipt, sku_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((line_no, expected)) = line {
        return Ok((line_no, expected == 0));
    }
    let line_no: i64 = tx.query_row(
        "SELECT coalesce(max(line_no), 0) + 1 FROM receipt_lines WHERE receipt_id = ?1",
        [receipt],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO receipt_lines (receipt_id, line_no, sku_id, expected) VALUES (?1, ?2, ?3, 0)",
        params![receipt, line_no, sku_id],
    )?;
    Ok((line_no, true))
}

fn view(tx: &Db, id: i64) -> Result<ReceiptView> {
    let head: Option<(String, String, Option<String>, String)> = tx
        .prepare_cached("SELECT reference, supplier, expected_on, status FROM receipts WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((reference, supplier, expected_on, status)) = head else { return Err(gone()) };
    let lines = tx
        .prepare_cached(
            "SELECT l.line_no, k.code, k.title, l.expected, l.received, l.damaged, l.reason
             FROM receipt_lines l JOIN skus k ON k.id = l.sku_id WHERE l.receipt_id = ?1 ORDER BY l.line_no",
        )?
        .query_map([id], |r| {
            Ok(ReceiptLineView {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                title: r.get(2)?,
                expected: r.get(3)?,
                received: r.get(4)?,
                damaged: r.get(5)?,
                reason: r.get(6)?,
            })
        })?
        .collect::<Result<_>>()?;
    let packages = tx
        .prepare_cached(
            "SELECT sscc, sum(qty), max(CASE WHEN received_at IS NOT NULL THEN 1 ELSE 0 END) FROM receipt_packages WHERE receipt_id = ?1
             GROUP BY sscc ORDER BY min(line_no), sscc",
        )?
        .query_map([id], |r| Ok(PackageView { sscc: r.get(0)?, units: r.get(1)?, received: r.get(2)? }))?
        .collect::<Result<_>>()?;
    Ok(ReceiptView {
        id,
        reference,
        supplier,
        expected_on: day(expected_on),
        status: receipt_status(&status)?,
        lines,
        packages,
    })
}

fn receipt_status(text: &str) -> Result<ReceiptStatus> {
    ReceiptStatus::parse(text).ok_or_else(|| crate::store::db::bad_column(0, format!("bad receipt status {text}")))
}

pub(super) fn day(text: Option<String>) -> Option<chrono::NaiveDate> {
    text.and_then(|d| d.parse().ok())
}

fn gone() -> StoreError {
    StoreError::Invalid("that delivery does not exist; reload the list".into())
}

/// The audit subject of a delivery's events.
pub(super) fn subject(reference: &str) -> String {
    format!("receipt:{reference}")
}

fn describe(units: &ReceiveUnits) -> String {
    let mut text = format!("{} × {}", units.qty, units.sku);
    if let Some(lot) = &units.lot {
        let _ = write!(text, " lot {lot}");
    }
    if let Some(day) = units.expires_on {
        let _ = write!(text, " exp {day}");
    }
    if let Some(reason) = &units.damaged {
        let _ = write!(text, " damaged: {reason}");
    }
    text
}

fn difference_text(line: &ReceiptLineView) -> String {
    use crate::domain::inbound::Difference;
    let mut text = match line.difference() {
        Difference::Over(n) => format!("+{n} over"),
        Difference::Short(n) => format!("-{n} short"),
        Difference::Exact => "as expected".to_owned(),
    };
    if line.damaged > 0 {
        let _ = write!(text, ", {} damaged", line.damaged);
    }
    text
}
