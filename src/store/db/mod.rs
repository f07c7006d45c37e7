//! The store's one way to the database: SQLite in the process, or a
//! PostgreSQL server. The store's operations are written once, against
//! [`Db`], in SQL both databases read the same way (see ARCHITECTURE.md,
//! "One SQL for two databases"); only opening, identity, migrations and
//! change notices differ per backend.
//!
//! The API follows rusqlite's shape (`execute`, `query_row`,
//! `prepare_cached(..).query_map(..)`, `params!`), but every parameter and
//! column goes through the small [`Param`] and [`FromColumn`] traits, so
//! the same call binds an `i64` as SQLite's INTEGER or PostgreSQL's BIGINT.

mod notices;
mod pg;
mod pg_sql;
mod pg_types;
mod value;

use std::cell::Cell;

pub use notices::Notices;
pub use value::{Arg, Cell as Column, FromColumn, Kind, Param, Params, Value};

use super::{Result, StoreError};

/// A database error below the store's own wording.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg::describe(.0))]
    Postgres(#[from] postgres::Error),
    /// A statement PostgreSQL refused, with the statement (it holds no
    /// values: those are parameters).
    #[error("{} in: {}", pg::describe(.error), pg::clip(.statement))]
    PostgresStatement { error: postgres::Error, statement: String },
    #[error("the PostgreSQL connection is gone ({0})")]
    Disconnected(String),
    #[error("the query returned no rows")]
    NoRows,
    #[error("column {column}: {reason}")]
    Column { column: usize, reason: String },
}

impl DbError {
    /// A CHECK, UNIQUE, NOT NULL or foreign-key constraint refused the change.
    #[must_use]
    pub fn is_constraint_violation(&self) -> bool {
        match self {
            Self::Sqlite(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation),
            _ => self.postgres().is_some_and(|e| e.code().is_some_and(|c| c.code().starts_with("23"))),
        }
    }

    fn postgres(&self) -> Option<&postgres::Error> {
        match self {
            Self::Postgres(error) | Self::PostgresStatement { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Another terminal held the database past the wait (SQLite's busy
    /// lock), or PostgreSQL kept refusing the transaction as conflicting.
    #[must_use]
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            // 55P03: the write lock was not free within its wait.
            _ => self.is_conflict() || self.postgres().is_some_and(|e| e.code().is_some_and(|c| c.code() == "55P03")),
        }
    }

    /// PostgreSQL aborted a transaction that conflicted with another one
    /// (serialization failure or deadlock): running it again is right.
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        self.postgres().is_some_and(|e| e.code().is_some_and(|c| matches!(c.code(), "40001" | "40P01")))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Db(DbError::Sqlite(e))
    }
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(pg::Client),
}

/// One connection, and whether a transaction is open on it.
pub struct Db {
    conn: Conn,
    in_tx: Cell<bool>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend()).finish_non_exhaustive()
    }
}

/// How often a PostgreSQL transaction is run again after a conflict, and
/// for how long at most (DESIGN section 7's wait of about 5 s).
const CONFLICT_RETRIES: u32 = 200;

/// The store's write lock on PostgreSQL: every writing transaction (and a
/// migration) holds it until it ends. Optimistic SERIALIZABLE writers were
/// tried first: every operation adds to a few hot counter rows (orders per
/// status, the dashboard's hours), so concurrent writers conflicted nearly
/// always and long batches starved past any wait.
const WRITE_LOCK: &str = "SET LOCAL lock_timeout = '5s'; SELECT pg_advisory_xact_lock(1347112014)";

impl Db {
    pub(super) fn sqlite(conn: rusqlite::Connection) -> Self {
        Self { conn: Conn::Sqlite(conn), in_tx: Cell::new(false) }
    }

    /// Connects to the PostgreSQL server at `url` (a libpq-style URL or
    /// key=value string).
    pub(super) fn postgres(url: &str) -> std::result::Result<Self, DbError> {
        Ok(Self { conn: Conn::Postgres(pg::Client::connect(url)?), in_tx: Cell::new(false) })
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for the few things only SQLite has (pragmas,
    /// query plans, the identity check).
    #[must_use]
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.conn {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    /// Goes up whenever another connection commits (SQLite's
    /// `data_version`; PostgreSQL's notices from other connections).
    pub fn data_version(&self) -> Result<i64> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.query_row("PRAGMA data_version", [], |r| r.get(0))?),
            Conn::Postgres(c) => Ok(c.change_version()?),
        }
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let (sql, args) = bind(sql, &params)?;
        let sql = sql.as_ref();
        match &self.conn {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))?)
            }
            Conn::Postgres(c) => Ok(c.execute(sql, &args)? as usize),
        }
    }

    /// Runs an INSERT (without a RETURNING clause) and returns the new row's
    /// `id`, or `None` when it inserted nothing (`ON CONFLICT DO NOTHING`).
    /// SQLite reads its last row id: a RETURNING clause there would make
    /// every such insert flush the full-text index's pending words (a
    /// statement savepoint), which cost imports about 40%. PostgreSQL adds
    /// `RETURNING id`.
    pub fn insert<P: Params>(&self, sql: &str, params: P) -> Result<Option<i64>> {
        match &self.conn {
            Conn::Sqlite(c) => {
                let inserted = self.execute(sql, params)?;
                Ok((inserted > 0).then(|| c.last_insert_rowid()))
            }
            Conn::Postgres(_) => self.query_row(&format!("{sql} RETURNING id"), params, |r| r.get(0)).optional(),
        }
    }

    /// [`Db::insert`] of a row that is always inserted (or the statement fails).
    pub fn insert_row<P: Params>(&self, sql: &str, params: P) -> Result<i64> {
        self.insert(sql, params)?.ok_or_else(|| DbError::NoRows.into())
    }

    /// The first row, mapped; [`DbError::NoRows`] when there is none (see
    /// [`OptionalExt::optional`]).
    pub fn query_row<P, T, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut f = Some(f);
        let mut first = None;
        self.rows(sql, params, &mut |r| {
            first = f.take().map(|f| f(r));
            Ok(false)
        })?;
        first.unwrap_or_else(|| Err(DbError::NoRows.into()))
    }

    /// Every row, mapped, in order.
    pub fn query_map<P, T, F>(&self, sql: &str, params: P, mut f: F) -> Result<Vec<T>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let mut out = Vec::new();
        self.query_each(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` for every row in order, without collecting them (SQLite
    /// streams; PostgreSQL's rows arrive as one reply).
    pub fn query_each<P, F>(&self, sql: &str, params: P, mut f: F) -> Result<()>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        self.rows(sql, params, &mut |r| f(r).map(|()| true))
    }

    /// Runs a query and hands its rows to `f` in order while it returns `true`.
    fn rows<P: Params>(&self, sql: &str, params: P, f: &mut dyn FnMut(&Row<'_>) -> Result<bool>) -> Result<()> {
        let (sql, args) = bind(sql, &params)?;
        let sql = sql.as_ref();
        match &self.conn {
            Conn::Sqlite(c) => sqlite_rows(&mut *c.prepare_cached(sql)?, &args, f)?,
            Conn::Postgres(c) => {
                for r in c.query(sql, &args)? {
                    if !f(&Row::Values(&r))? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the query returns any row.
    pub fn exists<P: Params>(&self, sql: &str, params: P) -> Result<bool> {
        self.query_row(sql, params, |_| Ok(())).optional().map(|found| found.is_some())
    }

    /// A statement handle in rusqlite's shape (`prepare_cached(sql)?.execute(..)`).
    /// Both backends cache prepared statements by their text.
    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        let held = match &self.conn {
            Conn::Sqlite(c) => Some(c.prepare_cached(sql)?),
            Conn::Postgres(_) => None,
        };
        Ok(Stmt { db: self, sql: sql.to_owned(), held })
    }

    /// Runs several statements without parameters (schema changes).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => Ok(c.batch(sql)?),
        }
    }

    /// Runs `f` as one writing transaction, committed only if it succeeds.
    /// Writers queue, one at a time, as they do on SQLite (`BEGIN
    /// IMMEDIATE`): on PostgreSQL the transaction first takes the store's
    /// write lock (a transaction-scoped advisory lock, waited for up to
    /// about 5 s like SQLite's), and each statement then reads what the
    /// previous writer committed (READ COMMITTED). Readers never wait. A
    /// deadlock or serialization failure the server still reports (with a
    /// schema-changing migration, say) runs `f` again, so `f` must do
    /// nothing outside the transaction.
    pub fn write<T>(&self, mut f: impl FnMut(&Db) -> Result<T>) -> Result<T> {
        if self.in_tx.get() {
            return Err(StoreError::Invalid("a store operation began inside another one".into()));
        }
        match &self.conn {
            Conn::Sqlite(_) => self.run_tx("BEGIN IMMEDIATE", "COMMIT", &mut f),
            Conn::Postgres(c) => {
                let mut attempt = 0;
                let started = std::time::Instant::now();
                loop {
                    match self.run_tx("BEGIN ISOLATION LEVEL READ COMMITTED", "COMMIT", &mut |db: &Db| {
                        db.execute_batch(WRITE_LOCK)?;
                        let value = f(db)?;
                        c.notify_change()?;
                        Ok(value)
                    }) {
                        Err(StoreError::Db(e)) if e.is_conflict() && attempt < CONFLICT_RETRIES => {
                            if started.elapsed() >= super::BUSY_WAIT {
                                return Err(StoreError::Db(e));
                            }
                            attempt += 1;
                            let backoff = 200 * u64::from(attempt.min(20));
                            std::thread::sleep(std::time::Duration::from_micros(rand::random_range(
                                100..backoff + 200,
                            )));
                        }
                        other => return other,
                    }
                }
            }
        }
    }

    /// Runs `f` as one transaction that no writer runs beside (schema
    /// migrations, which must not be run again). SQLite's write lock does
    /// that already; PostgreSQL takes the store's write lock first, at READ
    /// COMMITTED, so what `f` reads is what the last holder committed.
    pub fn exclusive<T>(&self, mut f: impl FnMut(&Db) -> Result<T>) -> Result<T> {
        match self.conn {
            Conn::Sqlite(_) => self.write(f),
            Conn::Postgres(_) => self.run_tx("BEGIN", "COMMIT", &mut |db: &Db| {
                db.execute_batch(WRITE_LOCK)?;
                f(db)
            }),
        }
    }

    /// Runs `f` over one consistent view of the store (several reads that
    /// must agree with each other).
    pub fn read<T>(&self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        if self.in_tx.get() {
            return f(self);
        }
        let begin = match self.conn {
            Conn::Sqlite(_) => "BEGIN",
            Conn::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        let mut once = Some(f);
        self.run_tx(begin, "COMMIT", &mut |db: &Db| (once.take().expect("a read runs once"))(db))
    }

    fn run_tx<T>(&self, begin: &str, commit: &str, f: &mut dyn FnMut(&Db) -> Result<T>) -> Result<T> {
        self.execute_batch(begin)?;
        self.in_tx.set(true);
        let outcome = f(self).and_then(|value| self.execute_batch(commit).map(|()| value));
        self.in_tx.set(false);
        if outcome.is_err() {
            // Ends the transaction whatever state it is in; a failed commit
            // has already ended it on both databases, and then this fails harmlessly.
            let _ = self.execute_batch("ROLLBACK");
        }
        outcome
    }

    /// The lines of the query plan the database chooses for `sql`.
    pub fn explain<P: Params>(&self, sql: &str, params: P) -> Result<Vec<String>> {
        let (sql, args) = bind(sql, &params)?;
        let sql = sql.as_ref();
        match &self.conn {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            }
            Conn::Postgres(c) => Ok(c.explain(sql, &args)?),
        }
    }
}

/// The SQL to run and its parameters in order: named ones numbered.
fn bind<'s, 'p, P: Params>(sql: &'s str, params: &'p P) -> Result<(std::borrow::Cow<'s, str>, Vec<Arg<'p>>)> {
    match params.named() {
        None => Ok((std::borrow::Cow::Borrowed(sql), params.args())),
        Some(named) => {
            let (numbered, args) = value::number_named(sql, &named).map_err(StoreError::Invalid)?;
            Ok((std::borrow::Cow::Owned(numbered), args))
        }
    }
}

/// Hands the rows of a SQLite statement to `f` in order while it returns `true`.
fn sqlite_rows(
    stmt: &mut rusqlite::Statement<'_>,
    args: &[Arg<'_>],
    f: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
) -> Result<()> {
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        if !f(&Row::Sqlite(r))? {
            break;
        }
    }
    Ok(())
}

/// A statement in rusqlite's shape; both backends cache the prepared
/// statement by its text, so holding one is free.
pub struct Stmt<'a> {
    db: &'a Db,
    sql: String,
    /// On SQLite, the prepared statement itself, held as long as the
    /// handle (an import runs its four inserts per order without looking
    /// them up in the cache each time).
    held: Option<rusqlite::CachedStatement<'a>>,
}

impl Stmt<'_> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        match (&mut self.held, params.named()) {
            (Some(stmt), None) => Ok(stmt.execute(rusqlite::params_from_iter(params.args().iter()))?),
            _ => self.db.execute(&self.sql, params),
        }
    }

    /// [`Db::insert`] with this statement (an INSERT without RETURNING).
    pub fn insert<P: Params>(&mut self, params: P) -> Result<Option<i64>> {
        match (&mut self.held, self.db.as_sqlite()) {
            (Some(_), Some(conn)) => {
                let inserted = self.execute(params)?;
                Ok((inserted > 0).then(|| conn.last_insert_rowid()))
            }
            _ => self.db.insert(&self.sql, params),
        }
    }

    pub fn query_row<P, T, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut f = Some(f);
        let mut first = None;
        self.rows(params, &mut |r| {
            first = f.take().map(|f| f(r));
            Ok(false)
        })?;
        first.unwrap_or_else(|| Err(DbError::NoRows.into()))
    }

    /// Every row, mapped; collect with `.collect::<Result<Vec<_>>>()`.
    pub fn query_map<P, T, F>(&mut self, params: P, mut f: F) -> Result<std::vec::IntoIter<Result<T>>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let mut out = Vec::new();
        self.rows(params, &mut |r| {
            out.push(f(r));
            Ok(true)
        })?;
        Ok(out.into_iter())
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        let mut found = false;
        self.rows(params, &mut |_| {
            found = true;
            Ok(false)
        })?;
        Ok(found)
    }

    fn rows<P: Params>(&mut self, params: P, f: &mut dyn FnMut(&Row<'_>) -> Result<bool>) -> Result<()> {
        match (&mut self.held, params.named()) {
            (Some(stmt), None) => sqlite_rows(stmt, &params.args(), f),
            _ => self.db.rows(&self.sql, params, f),
        }
    }
}

/// One result row.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Values(&'r [Value]),
}

/// A column position (from 0).
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<I: ColumnIndex, T: FromColumn>(&self, i: I) -> Result<T> {
        let i = i.index();
        let cell = match self {
            Row::Sqlite(r) => Column::from(r.get_ref(i)?),
            Row::Values(values) => {
                let value =
                    values.get(i).ok_or_else(|| DbError::Column { column: i, reason: "no such column".into() })?;
                Column::from(value)
            }
        };
        T::from_column(cell).map_err(|reason| DbError::Column { column: i, reason }.into())
    }
}

/// `.optional()` on a query result: no row becomes `None`.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::Db(DbError::NoRows | DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows))) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Parameters in order: `params![a, b, c]`, each anything [`Param`].
#[macro_export]
macro_rules! db_params {
    () => { &[] as &[&dyn $crate::store::db::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::db::Param),+] as &[&dyn $crate::store::db::Param] };
}
pub use crate::db_params as params;

/// A column value that is not what the store wrote there.
pub fn bad_column(column: usize, reason: impl Into<String>) -> StoreError {
    DbError::Column { column, reason: reason.into() }.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_write_lock_is_the_stores_application_id() {
        assert!(super::WRITE_LOCK.ends_with(&format!("pg_advisory_xact_lock({})", super::super::APPLICATION_ID)));
    }
}
