//! Checking the copy: rows and an order-free digest per table, stock
//! totals, and the allocation audit on both sides.

use std::hash::{Hash, Hasher};

use super::super::db::{Db, Value};
use super::super::{AllocationAudit, Result, Store, StoreError};
use super::plan::{Plan, Table};
use super::{PAGE, Verified, column_list, quote};

/// Row count and an order-free digest of a table's rows (the wrapping sum of
/// one hash per row), the same for the same rows on either side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tally {
    pub(super) rows: u64,
    pub(super) digest: u64,
}

impl Tally {
    pub(super) fn add(&mut self, row: &[Value]) {
        let mut hasher = std::hash::DefaultHasher::new();
        for value in row {
            match value {
                Value::Null => 0_u8.hash(&mut hasher),
                Value::Int(i) => (1_u8, i).hash(&mut hasher),
                Value::Real(r) => (2_u8, r.to_bits()).hash(&mut hasher),
                Value::Text(t) => (3_u8, t).hash(&mut hasher),
                Value::Blob(b) => (4_u8, b).hash(&mut hasher),
            }
        }
        self.rows += 1;
        self.digest = self.digest.wrapping_add(hasher.finish());
    }
}

/// Units on hand and reserved over `stock`.
pub(super) fn stock_totals(db: &Db) -> Result<(i64, i64)> {
    db.query_row("SELECT coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0) FROM stock", (), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// Reads the committed copy back and compares it with what was read from the source.
pub(super) fn verify(
    target: &Store,
    plan: &Plan,
    copied: &[Tally],
    source_audit: AllocationAudit,
    source_stock: (i64, i64),
) -> Result<Verified> {
    let (tallies, target_stock, target_audit) = target.conn.read(|db| {
        let tallies = plan.tables.iter().map(|t| read_back(db, t)).collect::<Result<Vec<_>>>()?;
        Ok((tallies, stock_totals(db)?, target.audit_allocation()?))
    })?;
    let mut differences = Vec::new();
    for ((table, source), copy) in plan.tables.iter().zip(copied).zip(&tallies) {
        if source.rows != copy.rows {
            differences.push(format!("{}: {} rows in SQLite, {} in PostgreSQL", table.name, source.rows, copy.rows));
        } else if source.digest != copy.digest {
            differences
                .push(format!("{}: the same {} rows in number, but their contents differ", table.name, copy.rows));
        }
    }
    if target_stock != source_stock {
        differences.push(format!(
            "stock: {} on hand and {} reserved in SQLite, {} and {} in PostgreSQL",
            source_stock.0, source_stock.1, target_stock.0, target_stock.1
        ));
    }
    if !target_audit.is_clean() {
        differences.push(format!("the copy fails the allocation audit ({})", describe_audit(&target_audit)));
    }
    if !differences.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the copy in {} does not match the source: {}; do not use it (drop that database and migrate again)",
            target.location(),
            differences.join("; ")
        )));
    }
    Ok(Verified {
        tables: plan.tables.len(),
        rows: tallies.iter().map(|t| t.rows).sum(),
        on_hand: target_stock.0,
        reserved: target_stock.1,
        source_audit,
        target_audit,
    })
}

/// A copied table's rows as PostgreSQL has them, read in pages of the
/// primary key (a table without one in a single read).
pub(super) fn read_back(db: &Db, table: &Table) -> Result<Tally> {
    let width = table.columns.len();
    let columns = column_list(&table.columns);
    let name = quote(&table.name);
    let mut tally = Tally::default();
    if table.key.is_empty() {
        db.query_each(&format!("SELECT {columns} FROM {name}"), (), |r| {
            tally.add(&(0..width).map(|i| r.get(i)).collect::<Result<Vec<Value>>>()?);
            Ok(())
        })?;
        return Ok(tally);
    }
    let key_at: Vec<usize> =
        table.key.iter().map(|k| table.columns.iter().position(|c| c == k).unwrap_or_default()).collect();
    let keys = column_list(&table.key);
    let first = format!("SELECT {columns} FROM {name} ORDER BY {keys} LIMIT {PAGE}");
    let marks: Vec<String> = (1..=table.key.len()).map(|i| format!("?{i}")).collect();
    let next =
        format!("SELECT {columns} FROM {name} WHERE ({keys}) > ({}) ORDER BY {keys} LIMIT {PAGE}", marks.join(", "));
    let mut last: Option<Vec<Value>> = None;
    loop {
        let page: Vec<Vec<Value>> = match &last {
            None => db.query_map(&first, (), |r| (0..width).map(|i| r.get(i)).collect())?,
            Some(key) => db.query_map(&next, key.clone(), |r| (0..width).map(|i| r.get(i)).collect())?,
        };
        for row in &page {
            tally.add(row);
        }
        match page.last() {
            Some(row) if page.len() == PAGE => last = Some(key_at.iter().map(|&i| row[i].clone()).collect()),
            _ => return Ok(tally),
        }
    }
}

/// What an allocation audit found, in a few words.
pub(super) fn describe_audit(audit: &AllocationAudit) -> String {
    let found = [
        (audit.ledger_mismatches, "stock rows differ from their movement ledger"),
        (audit.impossible_rows, "stock rows below zero or reserved beyond on hand"),
        (audit.reservation_mismatches, "stock rows whose reserved units differ from the reservations"),
        (audit.over_reserved_lines, "order lines reserved beyond their quantity"),
        (audit.ready_but_short, "ready orders not fully reserved"),
        (audit.closed_with_reservations, "closed orders still holding reservations"),
    ];
    found.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect::<Vec<_>>().join(", ")
}
