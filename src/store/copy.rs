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

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

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
const PAGE: usize = 5_000;

/// The PostgreSQL store's own bookkeeping, not a copied table.
const SCHEMA_TABLE: &str = "packline_schema";

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
            let verified = verify(target, &plan, &copied, source_audit, source_stock)?;
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

/// Where a table's rows come from in the SQLite store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Its own rows, column for column; `rowid`: read in row-id order.
    Rows { rowid: bool },
    /// The orders that SQLite's FTS5 `order_search` indexes (row id = order
    /// id), their words made as the store makes them.
    SearchWords,
}

/// One table as both stores have it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    name: String,
    /// Its columns in order (the same names on both sides), with the kind
    /// PostgreSQL gives each (the type a NULL is bound with).
    columns: Vec<String>,
    kinds: Vec<Kind>,
    /// The primary key's columns, to read the copy back in pages; empty when
    /// the table has none.
    key: Vec<String>,
    /// Identity columns on the PostgreSQL side.
    identity: Vec<String>,
    source: Source,
    /// Tables whose rows must be in first (the parents its foreign keys name).
    parents: BTreeSet<String>,
}

/// The copy's tables in the order they are copied, and every PostgreSQL
/// table that must be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    tables: Vec<Table>,
    target_tables: Vec<String>,
}

/// A SQLite table: its kind (`table` or `virtual`), whether it has row ids,
/// columns, primary key and foreign-key parents.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SqliteTable {
    name: String,
    virtual_table: bool,
    rowid: bool,
    columns: Vec<String>,
    key: Vec<String>,
    parents: BTreeSet<String>,
}

/// A PostgreSQL column: name, `data_type`, and whether it is an identity.
type PgColumn = (String, String, bool);

/// The source's tables, without SQLite's own (`sqlite_*`) and without the
/// shadow tables behind a virtual table.
fn sqlite_schema(src: &Db) -> Result<Vec<SqliteTable>> {
    let listed: Vec<(String, String, bool)> = src.query_map(
        r"SELECT name, type, wr FROM pragma_table_list
          WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
          ORDER BY name",
        (),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut tables = Vec::with_capacity(listed.len());
    for (name, kind, without_rowid) in listed {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        src.query_each("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid", [&name], |r| {
            let column: String = r.get(0)?;
            let pk: i64 = r.get(1)?;
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            columns.push(column);
            Ok(())
        })?;
        key.sort();
        let parents = src
            .query_map(r#"SELECT DISTINCT "table" FROM pragma_foreign_key_list(?1)"#, [&name], |r| r.get(0))?
            .into_iter()
            .filter(|parent: &String| *parent != name)
            .collect();
        let virtual_table = kind == "virtual";
        tables.push(SqliteTable {
            rowid: !without_rowid && !virtual_table,
            virtual_table,
            columns,
            key: key.into_iter().map(|(_, c)| c).collect(),
            parents,
            name,
        });
    }
    Ok(tables)
}

/// The target's tables (base tables of the current schema) and their columns in order.
fn postgres_schema(tx: &Db) -> Result<BTreeMap<String, Vec<PgColumn>>> {
    let mut tables: BTreeMap<String, Vec<PgColumn>> = BTreeMap::new();
    tx.query_each(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position",
        (),
        |r| {
            let identity: String = r.get(3)?;
            tables.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, identity == "YES"));
            Ok(())
        },
    )?;
    Ok(tables)
}

/// The kind a PostgreSQL column's values are bound as.
fn kind_of(table: &str, column: &str, data_type: &str) -> Result<Kind> {
    match data_type {
        "bigint" | "integer" | "smallint" => Ok(Kind::Int),
        "double precision" | "real" => Ok(Kind::Real),
        "text" | "character varying" | "character" => Ok(Kind::Text),
        "bytea" => Ok(Kind::Blob),
        other => Err(StoreError::Invalid(format!(
            "{table}.{column} is of type {other} in PostgreSQL, which migrate cannot fill; \
             the PostgreSQL schema does not match this packline"
        ))),
    }
}

/// Matches the two schemas and orders the tables parents first.
fn match_schemas(sqlite: &[SqliteTable], postgres: &BTreeMap<String, Vec<PgColumn>>) -> Result<Plan> {
    let mismatch =
        |what: String| StoreError::Invalid(format!("{what}: the PostgreSQL schema does not match this store"));
    let mut tables = Vec::with_capacity(sqlite.len());
    for t in sqlite {
        let pg = postgres
            .get(&t.name)
            .ok_or_else(|| mismatch(format!("table {} has no twin in the PostgreSQL database", t.name)))?;
        let pg_names: Vec<&str> = pg.iter().map(|(c, _, _)| c.as_str()).collect();
        let (source, key, parents) = if t.virtual_table {
            if t.name != "order_search" {
                return Err(mismatch(format!("{} is a SQLite virtual table that migrate cannot copy", t.name)));
            }
            if pg_names != ["rowid", "words"] {
                return Err(mismatch(format!("order_search has columns {} in PostgreSQL", pg_names.join(", "))));
            }
            (Source::SearchWords, vec!["rowid".to_owned()], BTreeSet::from(["orders".to_owned()]))
        } else {
            if pg_names != t.columns {
                return Err(mismatch(format!(
                    "table {} has columns ({}) in SQLite but ({}) in PostgreSQL",
                    t.name,
                    t.columns.join(", "),
                    pg_names.join(", ")
                )));
            }
            (Source::Rows { rowid: t.rowid }, t.key.clone(), t.parents.clone())
        };
        let kinds = pg.iter().map(|(c, ty, _)| kind_of(&t.name, c, ty)).collect::<Result<Vec<_>>>()?;
        tables.push(Table {
            name: t.name.clone(),
            columns: pg_names.iter().map(|c| (*c).to_owned()).collect(),
            kinds,
            key,
            identity: pg.iter().filter(|(_, _, identity)| *identity).map(|(c, _, _)| c.clone()).collect(),
            source,
            parents,
        });
    }
    let tables = parents_first(tables)?;
    let target_tables = postgres.keys().filter(|t| *t != SCHEMA_TABLE).cloned().collect();
    Ok(Plan { tables, target_tables })
}

/// The tables in an order where every table comes after the tables it
/// references: each time the first by name whose parents are all in, so
/// the order is the same each run.
fn parents_first(mut tables: Vec<Table>) -> Result<Vec<Table>> {
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    for t in &tables {
        if let Some(missing) = t.parents.iter().find(|p| !names.contains(*p)) {
            return Err(StoreError::Invalid(format!(
                "table {} references {missing}, which is not in the store",
                t.name
            )));
        }
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = tables.iter().position(|t| t.parents.iter().all(|p| done.contains(p))).ok_or_else(|| {
            let stuck: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
            StoreError::Invalid(format!(
                "the foreign keys of {} reference each other in a cycle; migrate cannot order them",
                stuck.join(", ")
            ))
        })?;
        let table = tables.remove(ready);
        done.insert(table.name.clone());
        ordered.push(table);
    }
    Ok(ordered)
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

/// Row count and an order-free digest of a table's rows (the wrapping sum of
/// one hash per row), the same for the same rows on either side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    rows: u64,
    digest: u64,
}

impl Tally {
    fn add(&mut self, row: &[Value]) {
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

/// Units on hand and reserved over `stock`.
fn stock_totals(db: &Db) -> Result<(i64, i64)> {
    db.query_row("SELECT coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0) FROM stock", (), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// Reads the committed copy back and compares it with what was read from the source.
fn verify(
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
fn read_back(db: &Db, table: &Table) -> Result<Tally> {
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
fn describe_audit(audit: &AllocationAudit) -> String {
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

/// A table or column name as a quoted identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_list(columns: &[String]) -> String {
    columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, parents: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec!["id".into(), "note".into()],
            kinds: vec![Kind::Int, Kind::Text],
            key: vec!["id".into()],
            identity: vec!["id".into()],
            source: Source::Rows { rowid: true },
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn parents_come_before_the_tables_that_reference_them() {
        let tables = vec![
            table("reservations", &["order_lines", "stock"]),
            table("order_lines", &["orders", "skus"]),
            table("orders", &["channels"]),
            table("stock", &["skus"]),
            table("skus", &[]),
            table("channels", &[]),
        ];
        let order: Vec<String> = parents_first(tables).unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(order, ["channels", "orders", "skus", "order_lines", "stock", "reservations"]);
    }

    #[test]
    fn a_cycle_or_a_missing_parent_is_refused() {
        let cycle = parents_first(vec![table("a", &["b"]), table("b", &["a"])]).unwrap_err();
        assert!(cycle.to_string().contains("cycle"), "{cycle}");
        let missing = parents_first(vec![table("a", &["nowhere"])]).unwrap_err();
        assert!(missing.to_string().contains("nowhere"), "{missing}");
    }

    #[test]
    fn inserts_number_every_parameter_and_quote_every_name() {
        assert_eq!(
            insert_sql(&table("order_holds", &[]), 2),
            r#"INSERT INTO "order_holds" ("id", "note") VALUES (?1, ?2), (?3, ?4)"#
        );
        assert_eq!(quote(r#"we"ird"#), r#""we""ird""#);
    }

    #[test]
    fn values_fit_their_postgres_column_or_are_refused() {
        assert_eq!(fit(Value::Int(3), Kind::Real), Ok(Value::Real(3.0)));
        assert_eq!(fit(Value::Null, Kind::Int), Ok(Value::Null));
        assert_eq!(fit(Value::Text("x".into()), Kind::Blob), Ok(Value::Blob(b"x".to_vec())));
        let refused = fit(Value::Text("soon".into()), Kind::Int).unwrap_err();
        assert_eq!(refused, r#"holds the text "soon" where PostgreSQL keeps an integer"#);
        assert!(fit(Value::Real(1.5), Kind::Int).is_err());
    }

    #[test]
    fn the_digest_ignores_row_order_but_not_contents() {
        let (a, b) = (vec![Value::Int(1), Value::Text("x".into())], vec![Value::Int(2), Value::Null]);
        let (mut one, mut two, mut other) = (Tally::default(), Tally::default(), Tally::default());
        one.add(&a);
        one.add(&b);
        two.add(&b);
        two.add(&a);
        other.add(&a);
        other.add(&[Value::Int(2), Value::Text(String::new())]);
        assert_eq!(one, two);
        assert_ne!(one.digest, other.digest);
    }
}
