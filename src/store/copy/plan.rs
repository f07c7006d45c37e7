//! What the copy copies: the two schemas read and matched, tables ordered
//! parents first.

use std::collections::{BTreeMap, BTreeSet};

use super::super::db::{Db, Kind};
use super::super::{Result, StoreError};
use super::SCHEMA_TABLE;

/// Where a table's rows come from in the SQLite store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// Its own rows, column for column; `rowid`: read in row-id order.
    Rows { rowid: bool },
    /// The orders that SQLite's FTS5 `order_search` indexes (row id = order
    /// id), their words made as the store makes them.
    SearchWords,
}

/// One table as both stores have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    pub(super) name: String,
    /// Its columns in order (the same names on both sides), with the kind
    /// PostgreSQL gives each (the type a NULL is bound with).
    pub(super) columns: Vec<String>,
    pub(super) kinds: Vec<Kind>,
    /// The primary key's columns, to read the copy back in pages; empty when
    /// the table has none.
    pub(super) key: Vec<String>,
    /// Identity columns on the PostgreSQL side.
    pub(super) identity: Vec<String>,
    pub(super) source: Source,
    /// Tables whose rows must be in first (the parents its foreign keys name).
    pub(super) parents: BTreeSet<String>,
}

/// The copy's tables in the order they are copied, and every PostgreSQL
/// table that must be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    pub(super) tables: Vec<Table>,
    pub(super) target_tables: Vec<String>,
}

/// A SQLite table: its kind (`table` or `virtual`), whether it has row ids,
/// columns, primary key and foreign-key parents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SqliteTable {
    pub(super) name: String,
    pub(super) virtual_table: bool,
    pub(super) rowid: bool,
    pub(super) columns: Vec<String>,
    pub(super) key: Vec<String>,
    pub(super) parents: BTreeSet<String>,
}

/// A PostgreSQL column: name, `data_type`, and whether it is an identity.
pub(super) type PgColumn = (String, String, bool);

/// The source's tables, without SQLite's own (`sqlite_*`) and without the
/// shadow tables behind a virtual table.
pub(super) fn sqlite_schema(src: &Db) -> Result<Vec<SqliteTable>> {
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
pub(super) fn postgres_schema(tx: &Db) -> Result<BTreeMap<String, Vec<PgColumn>>> {
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
pub(super) fn kind_of(table: &str, column: &str, data_type: &str) -> Result<Kind> {
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
pub(super) fn match_schemas(sqlite: &[SqliteTable], postgres: &BTreeMap<String, Vec<PgColumn>>) -> Result<Plan> {
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
pub(super) fn parents_first(mut tables: Vec<Table>) -> Result<Vec<Table>> {
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
