//! Copying a SQLite store into an empty PostgreSQL store (`packline
//! migrate`): every table's rows in one PostgreSQL transaction, parents
//! before the tables whose foreign keys name them, then a check of the copy
//! against the source.
//!
//! Tables and columns come from the two schemas (SQLite's `pragma_table_list`,
//! `pragma_table_info` and `pragma_foreign_key_list`; PostgreSQL's
//! `information_schema`), matched by name and order and always double-quoted;
//! no name comes from the person at the terminal, and every value is a
//! parameter. The source is read in one read transaction, so the copy is one
//! consistent snapshot even while other terminals work (what they write
//! after it began is not copied).
//!
//! Three things are not plain row copies:
//! - SQLite's `order_search` is an FTS5 table that keeps no text; its
//!   PostgreSQL twin is a plain table, rebuilt from the orders it indexes
//!   exactly as the store writes it ([`super::orders::indexed_search_words`]).
//! - PostgreSQL's INSERT triggers (today `outbox_channel_of_order`) are off
//!   while the rows go in: the source's rows already carry what they did, and
//!   firing them again could change a copied row. They are back on before
//!   the commit, so no other connection ever sees them off.
//! - Identity columns (SQLite's row ids) take the copied ids as given; their
//!   sequences are then moved past the largest id so new rows get new ids.

mod plan;
mod verify;

use plan::{Plan, Source, Table, match_schemas, postgres_schema, sqlite_schema};
use verify::{Tally, describe_audit, stock_totals};

use super::db::{Arg, Backend, Db, Kind, Param, Value};
use super::{AllocationAudit, Result, Store, StoreError};

/// What was copied and what was checked afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Rows copied per table, in the order the tables were copied.
    pub tables: Vec<TableRows>,
    pub verified: Verified,
}

impl CopyReport {
    /// Rows copied over all tables.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// One table's rows copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

/// What was found equal on both sides after the commit (a difference is an
/// error, so a report holds only agreement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Tables whose row count and contents (an order-free digest of every
    /// row) are the same in both stores.
    pub tables: usize,
    pub rows: u64,
    /// Units on hand and reserved over `stock`, the same on both sides.
    pub on_hand: i64,
    pub reserved: i64,
    /// `Store::audit_allocation` of each side (both clean, so the movement
    /// ledger equals the balances on both sides).
    pub source_audit: AllocationAudit,
    pub target_audit: AllocationAudit,
}

/// How far a copy is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyProgress<'a> {
    /// `done` of `total` rows of `table` are in (after each batch, from 0).
    Rows { table: &'a str, done: u64, total: u64 },
    /// `table` is copied, `rows` rows.
    Copied { table: &'a str, rows: u64 },
    /// Every table is copied and committed; the copy is being checked.
    Verifying,
}

/// Rows of one INSERT at most, and parameters of one INSERT at most
/// (PostgreSQL takes 65,535).
const BATCH_ROWS: usize = 1_000;
const BATCH_PARAMS: usize = 16_000;
/// Rows read per query when the copy is read back.
pub(super) const PAGE: usize = 5_000;

/// The PostgreSQL store's own bookkeeping, not a copied table.
pub(super) const SCHEMA_TABLE: &str = "packline_schema";

/// Rows the PostgreSQL schema writes itself, as `(table, condition)`: a row
/// meeting the condition is a seed, not data. They are deleted before the
/// source's rows of that table go in.
const SEEDS: &[(&str, &str)] =
    &[("sync_lease", "id = 1 AND station IS NULL AND since_ms IS NULL AND until_ms IS NULL")];

impl Store {
    /// Copies every row of this SQLite store into `target`, an empty
    /// PostgreSQL store, in one transaction, then checks the copy.
    ///
    /// `target` counts as empty when none of its tables (all but
    /// `packline_schema`) holds a row, apart from the rows its schema writes
    /// when it is created (`SEEDS`: today the `sync_lease` row nobody holds); it
    /// is checked inside the copy's transaction after every table is locked
    /// against writers, so nothing can slip in between. The source must pass
    /// its own allocation audit (ledger equals balances) first.
    ///
    /// After the commit both stores are compared: per table the row count
    /// and a digest of every row's contents, the units on hand and reserved
    /// over `stock`, and `audit_allocation` on each side. A difference is an
    /// error saying what differs (the copy then stays in `target`, which
    /// should be dropped).
    pub fn copy_into(&self, target: &mut Store, mut progress: impl FnMut(CopyProgress<'_>)) -> Result<CopyReport> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Invalid(format!(
                "{} is a PostgreSQL store already; migrate copies a SQLite store",
                self.location()
            )));
        }
        if target.backend() != Backend::Postgres {
            return Err(StoreError::Invalid(format!(
                "{} is not a PostgreSQL database; migrate copies into PostgreSQL",
                target.location()
            )));
        }
        let place = target.location();
        self.conn.read(|src| {
            let source_audit = self.audit_allocation()?;
            if !source_audit.is_clean() {
                return Err(StoreError::Invalid(format!(
                    "{} fails its own allocation audit ({}); nothing was copied: fix the source store first",
                    self.location(),
                    describe_audit(&source_audit)
                )));
            }
            let source_stock = stock_totals(src)?;
            let sqlite = sqlite_schema(src)?;
            let (plan, copied) = target
                .conn
                .exclusive(|tx| {
                    let plan = match_schemas(&sqlite, &postgres_schema(tx)?)?;
                    lock_and_check_empty(tx, &plan, &place)?;
                    let triggers = insert_triggers(tx)?;
                    for (table, trigger) in &triggers {
                        tx.execute_batch(&format!("ALTER TABLE {} DISABLE TRIGGER {}", quote(table), quote(trigger)))?;
                    }
                    let mut copied = Vec::with_capacity(plan.tables.len());
                    for table in &plan.tables {
                        copied.push(copy_table(src, tx, table, &mut progress)?);
                    }
                    for (table, trigger) in &triggers {
                        tx.execute_batch(&format!("ALTER TABLE {} ENABLE TRIGGER {}", quote(table), quote(trigger)))?;
                    }
                    for table in &plan.tables {
                        move_sequences(tx, table)?;
                    }
                    Ok((plan, copied))
                })
                .map_err(|e| StoreError::Invalid(format!("{e}; nothing was copied")))?;
            progress(CopyProgress::Verifying);
            let verified = verify::verify(target, &plan, &copied, source_audit, source_stock)?;
            let tables = plan
                .tables
                .iter()
                .zip(&copied)
                .map(|(t, c)| TableRows { table: t.name.clone(), rows: c.rows })
                .collect();
            Ok(CopyReport { tables, verified })
        })
    }
}

/// Locks every target table against other writers for the rest of the
/// transaction, then refuses a target that holds anything but seed rows.
fn lock_and_check_empty(tx: &Db, plan: &Plan, place: &str) -> Result<()> {
    if !plan.target_tables.is_empty() {
        let all: Vec<String> = plan.target_tables.iter().map(|t| quote(t)).collect();
        tx.execute_batch(&format!("LOCK TABLE {} IN EXCLUSIVE MODE", all.join(", ")))?;
    }
    let mut holding = Vec::new();
    for table in &plan.target_tables {
        let data = match SEEDS.iter().find(|(t, _)| t == table) {
            Some((_, seed)) => format!("SELECT EXISTS (SELECT 1 FROM {} WHERE NOT ({seed}))", quote(table)),
            None => format!("SELECT EXISTS (SELECT 1 FROM {})", quote(table)),
        };
        if tx.query_row(&data, (), |r| r.get::<_, bool>(0))? {
            holding.push(table.as_str());
        }
    }
    if holding.is_empty() {
        return Ok(());
    }
    let shown = match holding.len() {
        1..=4 => holding.join(", "),
        n => format!("{} and {} more tables", holding[..3].join(", "), n - 3),
    };
    Err(StoreError::Invalid(format!(
        "{place} is not empty ({shown} hold rows); migrate copies only into an empty database: \
         create a new one and migrate into that"
    )))
}

/// The target's triggers that fire on INSERT, as (table, trigger).
fn insert_triggers(tx: &Db) -> Result<Vec<(String, String)>> {
    tx.query_map(
        "SELECT DISTINCT event_object_table::text, trigger_name::text FROM information_schema.triggers
         WHERE trigger_schema = current_schema() AND event_manipulation = 'INSERT'
         ORDER BY 1, 2",
        (),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The SQL that reads a table's source rows (in PostgreSQL's column order).
fn source_sql(table: &Table) -> String {
    match table.source {
        Source::Rows { rowid } => {
            let order = if rowid { "rowid".to_owned() } else { column_list(&table.key) };
            let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {order}") };
            format!("SELECT {} FROM {}{order}", column_list(&table.columns), quote(&table.name))
        }
        Source::SearchWords => "SELECT s.rowid, o.customer_name, o.channel_ref
             FROM order_search s JOIN orders o ON o.id = s.rowid ORDER BY s.rowid"
            .to_owned(),
    }
}

/// `INSERT INTO "t" ("a", "b") VALUES (?1, ?2), (?3, ?4)...` for `rows` rows.
fn insert_sql(table: &Table, rows: usize) -> String {
    let width = table.columns.len();
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=width).map(|c| format!("?{}", row * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!("INSERT INTO {} ({}) VALUES {}", quote(&table.name), column_list(&table.columns), values.join(", "))
}

/// Copies one table: its seed rows out, the source's rows in, in batches.
fn copy_table(src: &Db, tx: &Db, table: &Table, progress: &mut dyn FnMut(CopyProgress<'_>)) -> Result<Tally> {
    let select = source_sql(table);
    let total: u64 = src.query_row(&format!("SELECT count(*) FROM ({select})"), (), |r| r.get(0))?;
    progress(CopyProgress::Rows { table: &table.name, done: 0, total });
    if SEEDS.iter().any(|(t, _)| *t == table.name) {
        tx.execute(&format!("DELETE FROM {}", quote(&table.name)), ())?;
    }
    let width = table.columns.len();
    let per_batch = (BATCH_PARAMS / width.max(1)).clamp(1, BATCH_ROWS);
    let full_batch = insert_sql(table, per_batch);
    let mut batch: Vec<Value> = Vec::with_capacity(per_batch * width);
    let mut tally = Tally::default();
    let failed = |e: StoreError| StoreError::Invalid(format!("copying table {}: {e}", table.name));
    let mut flush = |batch: &mut Vec<Value>, tally: &Tally| -> Result<()> {
        let rows = batch.len() / width;
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == per_batch { full_batch.clone() } else { insert_sql(table, rows) };
        let args: Vec<Arg<'_>> = batch
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Null => Arg::Null(table.kinds[i % width]),
                v => v.arg(),
            })
            .collect();
        tx.execute(&sql, args).map_err(failed)?;
        batch.clear();
        progress(CopyProgress::Rows { table: &table.name, done: tally.rows, total });
        Ok(())
    };
    src.query_each(&select, (), |r| {
        let row = match table.source {
            Source::Rows { .. } => (0..width)
                .map(|i| {
                    let value: Value = r.get(i)?;
                    fit(value, table.kinds[i]).map_err(|why| {
                        StoreError::Invalid(format!(
                            "{}.{} (row {}): {why}",
                            table.name,
                            table.columns[i],
                            tally.rows + 1
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            Source::SearchWords => {
                let (id, name, reference): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let words = super::orders::indexed_search_words(Backend::Postgres, &name, &reference);
                vec![Value::Int(id), Value::Text(words)]
            }
        };
        tally.add(&row);
        batch.extend(row);
        if batch.len() >= per_batch * width {
            flush(&mut batch, &tally)?;
        }
        Ok(())
    })?;
    flush(&mut batch, &tally)?;
    progress(CopyProgress::Copied { table: &table.name, rows: tally.rows });
    Ok(tally)
}

/// A SQLite value as the PostgreSQL column of `kind` takes it. SQLite's
/// column affinity already stores what the schema declares; what cannot be
/// stored without changing it is refused.
fn fit(value: Value, kind: Kind) -> std::result::Result<Value, String> {
    Ok(match (value, kind) {
        (Value::Null, _) => Value::Null,
        (Value::Int(i), Kind::Int) => Value::Int(i),
        (Value::Int(i), Kind::Real) => Value::Real(i as f64),
        (Value::Int(i), Kind::Text) => Value::Text(i.to_string()),
        (Value::Real(r), Kind::Real) => Value::Real(r),
        (Value::Text(t), Kind::Text) => Value::Text(t),
        (Value::Text(t), Kind::Blob) => Value::Blob(t.into_bytes()),
        (Value::Blob(b), Kind::Blob) => Value::Blob(b),
        (Value::Blob(b), Kind::Text) => {
            Value::Text(String::from_utf8(b).map_err(|_| "bytes that are not UTF-8 text in a text column".to_owned())?)
        }
        (value, kind) => {
            let found = match value {
                Value::Real(r) => format!("the real number {r}"),
                Value::Text(t) => format!("the text {:?}", t.chars().take(40).collect::<String>()),
                Value::Blob(b) => format!("{} bytes", b.len()),
                Value::Int(i) => format!("the integer {i}"),
                Value::Null => "NULL".to_owned(),
            };
            let wanted = match kind {
                Kind::Int => "an integer",
                Kind::Real => "a real number",
                Kind::Text => "text",
                Kind::Blob => "bytes",
            };
            return Err(format!("holds {found} where PostgreSQL keeps {wanted}"));
        }
    })
}

/// Moves each identity column's sequence past the largest copied value.
fn move_sequences(tx: &Db, table: &Table) -> Result<()> {
    for column in &table.identity {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence(?1, ?2), greatest(coalesce(max({}), 0), 0) + 1, false) FROM {}",
            quote(column),
            quote(&table.name)
        );
        tx.query_row(&sql, [quote(&table.name), column.clone()], |_| Ok(()))?;
    }
    Ok(())
}

pub(super) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn column_list(columns: &[String]) -> String {
    columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests;
