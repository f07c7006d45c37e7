//! Pragmas, identity checks and append-only migrations tracked in `user_version`.

use rusqlite::Connection;

use super::db::Db;

use super::{APPLICATION_ID, Result, Store, StoreError};

/// The migrations, in order; migration `i` takes the store to version `i + 1`.
/// Append only: never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_allocation.sql"),
    include_str!("migrations/0003_waves.sql"),
    include_str!("migrations/0004_packing.sql"),
    include_str!("migrations/0005_returns.sql"),
    include_str!("migrations/0006_sync.sql"),
    include_str!("migrations/0007_reports.sql"),
    include_str!("migrations/0008_dashboard.sql"),
    include_str!("migrations/0009_inbound.sql"),
];

/// The schema version this program writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refuses files that are not SQLite, SQLite files of other programs, and
/// packline stores newer than this program, before anything is written.
pub(super) fn check_identity(conn: &Connection, path: &str) -> Result<()> {
    let not_a_store = |reason: &str| StoreError::NotAStore { path: path.to_owned(), reason: reason.to_owned() };
    let read = || -> rusqlite::Result<(i32, i64, i64)> {
        let app_id = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let objects = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app_id, version, objects))
    };
    let (app_id, version, objects) = match read() {
        Ok(found) => found,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Err(not_a_store("the file is not an SQLite database"));
        }
        Err(e) => return Err(StoreError::Open { path: path.to_owned(), reason: e.to_string() }),
    };
    let fresh = app_id == 0 && version == 0 && objects == 0;
    if !fresh && app_id != APPLICATION_ID {
        return Err(not_a_store("it is an SQLite database of another program"));
    }
    if version > LATEST_VERSION {
        return Err(StoreError::TooNew { path: path.to_owned(), found: version, known: LATEST_VERSION });
    }
    Ok(())
}

/// DESIGN section 7: WAL, full sync, foreign keys (busy timeout is set on open).
pub(super) fn set_pragmas(conn: &Connection, path: &str) -> Result<()> {
    let open_err =
        |e: &rusqlite::Error| StoreError::Open { path: path.to_owned(), reason: super::describe_open_error(e) };
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| open_err(&e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        let reason = format!("the store could not switch to WAL mode (it stayed in {mode} mode)");
        return Err(StoreError::Open { path: path.to_owned(), reason });
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 10000;").map_err(|e| open_err(&e))
}

/// The settings of the store's own connection, as SQLite reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragmas {
    pub journal_mode: String,
    /// 2 is FULL.
    pub synchronous: i64,
    pub foreign_keys: bool,
    pub busy_timeout_ms: i64,
}

impl Store {
    /// The connection's journal, sync, foreign-key and busy settings (for
    /// diagnostics and the store tests: most are per connection, so another
    /// connection on the same file cannot see them).
    pub fn pragmas(&self) -> Result<Pragmas> {
        let int = |name: &str| -> Result<i64> { self.conn.query_row(&format!("PRAGMA {name}"), (), |r| r.get(0)) };
        Ok(Pragmas {
            journal_mode: self.conn.query_row("PRAGMA journal_mode", (), |r| r.get(0))?,
            synchronous: int("synchronous")?,
            foreign_keys: int("foreign_keys")? == 1,
            // The store's own busy handler replaces SQLite's busy timeout
            // (which then reads 0); this is how long it waits.
            busy_timeout_ms: super::BUSY_WAIT.as_millis() as i64,
        })
    }
}

/// Applies every migration newer than the store, each in its own transaction
/// together with its version bump.
pub(super) fn migrate(db: &Db) -> Result<()> {
    loop {
        // The version is read inside the write lock, so two terminals starting
        // at once cannot both apply the same migration.
        let applied = db.write(|tx| {
            let current: i64 = tx.query_row("PRAGMA user_version", (), |r| r.get(0))?;
            let Some(sql) = MIGRATIONS.get(current as usize) else {
                return Ok(None);
            };
            let version = current + 1;
            tx.execute_batch(sql)?;
            // PRAGMA values cannot be bound parameters; both are integers we own.
            tx.execute_batch(&format!("PRAGMA user_version = {version}; PRAGMA application_id = {APPLICATION_ID};"))?;
            Ok(Some(version))
        })?;
        let Some(version) = applied else {
            return Ok(());
        };
        tracing::info!(version, "store migrated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_opens_with_a_comment_saying_why() {
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            assert!(sql.starts_with(&format!("-- {:04}:", i + 1)), "migration {} needs its why-comment", i + 1);
        }
    }
}
