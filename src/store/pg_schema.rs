//! A PostgreSQL store's identity and migrations. The schema has its own
//! append-only migrations (`migrations/pg/`), tracked in `packline_schema`;
//! the first is the whole schema of SQLite version 9, so a PostgreSQL store
//! at version `n` holds what a SQLite store at version `n + 8` holds.

use super::db::{Db, OptionalExt};
use super::{APPLICATION_ID, Result, StoreError};

/// The PostgreSQL migrations, in order; append only.
const MIGRATIONS: &[&str] = &[include_str!("migrations/pg/0001_schema.sql")];

/// The SQLite schema version the first PostgreSQL migration equals.
const SQLITE_BASE: i64 = 8;

/// The schema version this program writes, counted as SQLite counts it.
#[must_use]
pub fn latest_version() -> i64 {
    SQLITE_BASE + MIGRATIONS.len() as i64
}

/// Refuses databases that hold other programs' tables, and packline stores
/// newer than this program, before anything is written.
pub(super) fn check_identity(db: &Db, shown: &str) -> Result<()> {
    let not_a_store = |reason: &str| StoreError::NotAStore { path: shown.to_owned(), reason: reason.to_owned() };
    let ours: bool = db.query_row("SELECT to_regclass('packline_schema') IS NOT NULL", (), |r| r.get(0))?;
    if !ours {
        let tables: i64 =
            db.query_row("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()", (), |r| {
                r.get(0)
            })?;
        if tables > 0 {
            return Err(not_a_store("the database holds another program's tables; point --db at an empty database"));
        }
        return Ok(());
    }
    let row: Option<(i64, i64)> = db
        .query_row("SELECT version, application_id FROM packline_schema", (), |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((_, app)) if app != i64::from(APPLICATION_ID) => {
            Err(not_a_store("its schema table belongs to another program"))
        }
        Some((version, _)) if version > latest_version() => {
            Err(StoreError::TooNew { path: shown.to_owned(), found: version, known: latest_version() })
        }
        _ => Ok(()),
    }
}

/// Applies every migration newer than the store, each in one transaction
/// with its version bump, under an advisory lock so two terminals starting
/// at once apply each migration once.
pub(super) fn migrate(db: &Db) -> Result<()> {
    loop {
        let applied = db.exclusive(|tx| {
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS packline_schema (
                     version BIGINT NOT NULL, application_id BIGINT NOT NULL, one BIGINT PRIMARY KEY DEFAULT 1 CHECK (one = 1))",
            )?;
            let current: i64 = tx
                .query_row("SELECT version FROM packline_schema", (), |r| r.get(0))
                .optional()?
                .unwrap_or(SQLITE_BASE);
            let Some(sql) = MIGRATIONS.get((current - SQLITE_BASE) as usize) else {
                return Ok(None);
            };
            tx.execute_batch(sql)?;
            let version = current + 1;
            tx.execute(
                "INSERT INTO packline_schema (version, application_id) VALUES (?1, ?2)
                 ON CONFLICT (one) DO UPDATE SET version = excluded.version",
                [version, i64::from(APPLICATION_ID)],
            )?;
            Ok(Some(version))
        })?;
        let Some(version) = applied else {
            return Ok(());
        };
        tracing::info!(version, "PostgreSQL store migrated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_opens_with_a_comment_saying_why() {
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            assert!(
                sql.starts_with(&format!("-- {:04}:", i + 1)),
                "PostgreSQL migration {} needs its why-comment",
                i + 1
            );
        }
    }

    #[test]
    fn the_postgres_schema_starts_where_sqlite_stood_when_it_was_written() {
        // The first PostgreSQL migration is SQLite's schema version 9.
        assert_eq!(SQLITE_BASE + 1, 9);
        // A SQLite migration needs its PostgreSQL twin, and the other way round.
        assert_eq!(latest_version(), super::super::LATEST_VERSION);
    }
}
