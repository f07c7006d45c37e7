//! The store: one SQLite file in WAL mode, shared by every terminal on a host.
//!
//! [`Store`] is a facade of domain operations, one transaction each, so a
//! PostgreSQL backend can later offer the same operations. SQL lives only in
//! this module and is always parameterised. Per-area free functions live in
//! the submodules; invariants live in the schema (CHECKs and triggers).

mod allocation;
mod audit;
pub mod baseline;
mod catalog;
mod copy;
mod counters;
mod counts;
mod dashboard;
pub mod db;
mod events;
mod holds;
mod inserter;
mod leases;
mod manifests;
mod orders;
mod outbox;
mod packing;
mod pg_schema;
mod picking;
mod putaway;
mod queue;
mod receiving;
mod return_stats;
mod returns;
mod scans;
mod schema;
mod slotting;
mod stock;
mod sync;
mod tracking;
mod waves;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use db::Db;

use crate::domain::{Actor, BackorderPolicy, OrderNumber, OrderStatus, TransitionError};

pub use allocation::{Allocation, AllocationAudit, Reserved};
pub use audit::{AuditEvent, AuditQuery};
pub use catalog::{SessionEvent, Totals};
pub use copy::{CopyProgress, CopyReport, TableRows, Verified};
pub use counters::OperatorWork;
pub use dashboard::{DashboardCache, SKU_SECONDS};
pub use manifests::{ManifestPackage, ManifestRow, ManifestSummary};
pub use orders::{ImportSummary, SeedOrder};
pub use packing::{NewPackage, PackageIds};
pub use picking::PickDone;
pub use putaway::WaitingPutaway;
pub use return_stats::ReturnRow;
pub use returns::Inspection;
pub use scans::SCAN_REFUSED;
pub use schema::{LATEST_VERSION, Pragmas};
pub use slotting::{SlottingInputs, StockPlacement};
pub use stock::{StockBalance, StockReceipt};

/// `PRAGMA application_id` of a packline store ("PKLN").
pub const APPLICATION_ID: i32 = 0x504B_4C4E;

/// What can go wrong in the store, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a packline store ({reason}); point --db at a packline store or at a new file")]
    NotAStore { path: String, reason: String },
    #[error(
        "{path} was written by a newer packline (schema version {found}, this program knows up to {known}); upgrade packline"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("cannot open store {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("order {0} does not exist")]
    OrderNotFound(OrderNumber),
    #[error("order {number}: {source}")]
    Transition { number: OrderNumber, source: TransitionError },
    #[error("not enough stock of {sku} in {bin}: {available} available, {wanted} wanted")]
    InsufficientStock { sku: String, bin: String, available: i64, wanted: i64 },
    #[error("{0}")]
    Invalid(String),
    #[error("store error: {0}")]
    Db(#[from] db::DbError),
}

impl StoreError {
    /// A CHECK, UNIQUE, NOT NULL or foreign-key constraint refused the change.
    #[must_use]
    pub fn is_constraint_violation(&self) -> bool {
        matches!(self, Self::Db(e) if e.is_constraint_violation())
    }

    /// Other terminals held the database for longer than a write waits.
    #[must_use]
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Db(e) if e.is_busy())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open packline store.
pub struct Store {
    conn: Db,
    path: PathBuf,
    /// What allocation does with orders stock cannot fill (`[allocation]`).
    policy: BackorderPolicy,
    /// Lots expiring within this many days are not allocated.
    min_shelf_days: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("location", &self.location()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if absent) the store at `path`, migrating it to the
    /// latest schema. A file that is not a packline store, or one written by
    /// a newer packline, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(url) = path.to_str().filter(|p| is_postgres_url(p)) {
            return Self::open_postgres(url, path);
        }
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open { path: shown.clone(), reason };
        if path.is_dir() {
            return Err(open_err("that is a directory; name a file such as packline.db".into()));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
            return Err(open_err(format!("the directory {} does not exist", parent.display())));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_err(describe_open_error(&e)))?;
        conn.busy_handler(Some(wait_for_lock))?;
        schema::check_identity(&conn, &shown)?;
        schema::set_pragmas(&conn, &shown)?;
        // Queue pages, imports and lookups together use a few dozen statements.
        conn.set_prepared_statement_cache_capacity(64);
        let conn = Db::sqlite(conn);
        schema::migrate(&conn)?;
        Ok(Self { conn, path: path.to_owned(), policy: BackorderPolicy::default(), min_shelf_days: 0 })
    }

    /// Connects to the PostgreSQL database at `url`, migrating it to the
    /// latest schema; an empty database becomes a packline store.
    fn open_postgres(url: &str, path: &Path) -> Result<Self> {
        let shown = redact_url(url);
        let conn = Db::postgres(url).map_err(|e| StoreError::Open { path: shown.clone(), reason: e.to_string() })?;
        pg_schema::check_identity(&conn, &shown)?;
        pg_schema::migrate(&conn)?;
        Ok(Self { conn, path: path.to_owned(), policy: BackorderPolicy::default(), min_shelf_days: 0 })
    }

    /// Which database the store is in.
    #[must_use]
    pub fn backend(&self) -> db::Backend {
        self.conn.backend()
    }

    /// Where the store is, fit to show: the file, or the PostgreSQL URL without its password.
    #[must_use]
    pub fn location(&self) -> String {
        self.path.to_str().filter(|p| is_postgres_url(p)).map_or_else(|| self.path.display().to_string(), redact_url)
    }

    /// The file this store lives in (or the PostgreSQL URL it was opened with).
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets what allocation does with orders that stock cannot fill
    /// completely (the config's `[allocation] backorders`).
    pub fn set_backorder_policy(&mut self, policy: BackorderPolicy) {
        self.policy = policy;
    }

    /// Lots expiring within `days` days are too short-dated to allocate
    /// (the config's `[allocation] min_shelf_days`).
    pub fn set_min_shelf_days(&mut self, days: u32) {
        self.min_shelf_days = days;
    }

    /// The first expiry day a lot may have to be allocated or picked.
    #[must_use]
    pub fn sell_by(&self) -> chrono::NaiveDate {
        chrono::Utc::now().date_naive() + chrono::Days::new(u64::from(self.min_shelf_days))
    }

    /// The allocator for one operation by `actor`.
    fn allocator<'a>(&self, actor: &'a Actor) -> allocation::Allocator<'a> {
        let now = chrono::Utc::now();
        allocation::Allocator { actor, policy: self.policy, today: self.sell_by(), at_ms: now.timestamp_millis() }
    }

    /// Changes whenever another connection commits; polled on a tick to notice
    /// other terminals' work without re-reading anything.
    pub fn data_version(&self) -> Result<i64> {
        self.conn.data_version()
    }

    /// A value from the store's small key-value table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use db::OptionalExt;
        self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()
    }

    /// Sets a value in the store's small key-value table.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// Runs `f` as one transaction, committed only if `f` succeeds (see
    /// [`Db::write`]: on PostgreSQL `f` may run more than once).
    fn write<T>(&mut self, f: impl FnMut(&Db) -> Result<T>) -> Result<T> {
        self.conn.write(f)
    }
}

/// Whether `--db` names a PostgreSQL database rather than a file.
#[must_use]
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// A PostgreSQL URL without its password, for messages and logs.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{}@{host}", user.split_once(':').map_or(user, |(name, _)| name)),
        None => authority.to_owned(),
    };
    // A password can also come as a query parameter.
    let tail = tail
        .split('&')
        .map(|part| match part.split_once("password=") {
            Some((before, _)) => format!("{before}password=***"),
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{scheme}://{authority}{tail}")
}

fn describe_open_error(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::PermissionDenied) => {
            "cannot create or write the file there (check that the directory exists and is writable, or choose another place with --db)".into()
        }
        Some(rusqlite::ErrorCode::ReadOnly) => "the file or its directory is read-only; choose a writable place with --db".into(),
        _ => e.to_string(),
    }
}

/// How long a write waits for other terminals' transactions before giving up
/// (DESIGN section 7: about 5 s).
pub const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

thread_local! {
    /// When the current wait for the write lock began.
    static WAITING_SINCE: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
}

/// SQLite's busy handler: called with the number of earlier calls for this
/// lock attempt; `true` means try again. SQLite's own handler backs off to
/// 100 ms sleeps, so a process that writes back to back keeps winning the
/// lock and the others can starve past any timeout; short jittered sleeps
/// give every waiting terminal a fair chance at each release.
fn wait_for_lock(retries: i32) -> bool {
    let now = std::time::Instant::now();
    let since = WAITING_SINCE.with(|cell| {
        if retries == 0 {
            cell.set(Some(now));
        }
        cell.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_WAIT {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_micros(rand::random_range(200..1_200)));
    true
}

/// Milliseconds since the epoch, for event and movement times.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Reads a status column, turning a corrupt value into an error rather than a panic.
fn status_from_sql(value: &str) -> Result<OrderStatus> {
    value.parse().map_err(|e: String| db::bad_column(0, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_lose_their_passwords_when_shown() {
        assert_eq!(redact_url("postgres://wms:s3cret@db.local:5432/floor"), "postgres://wms@db.local:5432/floor");
        assert_eq!(
            redact_url("postgresql://db.local/floor?password=s3cret&sslmode=disable"),
            "postgresql://db.local/floor?password=***&sslmode=disable"
        );
        assert_eq!(redact_url("postgres://wms@db/floor"), "postgres://wms@db/floor");
        assert!(is_postgres_url("postgres://x/y") && !is_postgres_url("/srv/postgres.db"));
    }
}
