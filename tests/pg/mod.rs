//! A throwaway PostgreSQL cluster for a test: `initdb` into a temporary
//! directory, `pg_ctl start` on a free loopback port (unix socket in the
//! same directory), stopped and deleted when dropped. Run as root (CI), the
//! server runs as the `postgres` user (else `nobody`), as PostgreSQL
//! refuses root. Without a PostgreSQL server on the machine,
//! [`cluster_or_skip`] says the test was skipped and why.
//!
//! The server binaries are found in `PACKLINE_PG_BIN`, then `pg_config
//! --bindir`, then the newest `/usr/lib/postgresql/*/bin`, then `PATH`.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// A running cluster (`packline::bench::PgCluster`); stopped and removed on drop.
pub struct PgCluster(packline::bench::PgCluster);

impl std::ops::Deref for PgCluster {
    type Target = packline::bench::PgCluster;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl PgCluster {
    /// Starts a fresh cluster, or says why it cannot.
    pub fn start() -> Result<Self, String> {
        packline::bench::PgCluster::start().map(Self)
    }

    /// A new, empty database; its URL.
    pub fn new_database(&self) -> String {
        self.0.create_database().unwrap_or_else(|e| panic!("{e}"))
    }
}

/// A cluster for `test`, or `None` after printing why the test is skipped.
pub fn cluster_or_skip(test: &str) -> Option<PgCluster> {
    match PgCluster::start() {
        Ok(cluster) => Some(cluster),
        Err(reason) => skip(test, &reason),
    }
}

/// Says `test` was skipped and why; where PostgreSQL is required
/// (`PACKLINE_REQUIRE_PG=1`, as `.ci/run` sets it), fails it instead.
fn skip<T>(test: &str, reason: &str) -> Option<T> {
    assert!(
        std::env::var_os("PACKLINE_REQUIRE_PG").is_none_or(|v| v.is_empty() || v == "0"),
        "{test}: PostgreSQL is required here (PACKLINE_REQUIRE_PG) but not available: {reason}"
    );
    eprintln!("{test}: skipped, PostgreSQL is not available here: {reason}");
    None
}

/// The cluster shared by every test of this process, started on first use.
/// A watchdog shell stops and deletes it once the test process has ended
/// (statics are never dropped), so no server outlives `cargo test`.
fn shared_cluster() -> Result<&'static PgCluster, String> {
    static CLUSTER: std::sync::OnceLock<Result<PgCluster, String>> = std::sync::OnceLock::new();
    CLUSTER
        .get_or_init(|| {
            let cluster = PgCluster::start()?;
            cluster.stop_when_this_process_ends()?;
            Ok(cluster)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Which database a conformance test runs on.
pub enum Backend {
    Sqlite,
    Postgres(&'static PgCluster),
}

impl Backend {
    /// The shared PostgreSQL cluster, or `None` after printing why `test` is skipped.
    pub fn postgres_or_skip(test: &str) -> Option<Self> {
        match shared_cluster() {
            Ok(cluster) => Some(Self::Postgres(cluster)),
            Err(reason) => skip(&format!("{test} on PostgreSQL"), &reason),
        }
    }

    /// Where a new, empty store for this test lives: a file `name` in `dir`
    /// on SQLite, a new database of the shared cluster on PostgreSQL. Pass
    /// it to `Store::open` (as often as the test reopens the store).
    pub fn location(&self, dir: &Path, name: &str) -> PathBuf {
        match self {
            Self::Sqlite => dir.join(name),
            Self::Postgres(cluster) => PathBuf::from(cluster.new_database()),
        }
    }

    #[must_use]
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Runs each listed test function (`fn name(backend: &pg::Backend)`) once
/// on SQLite (`sqlite::name`) and once on PostgreSQL (`postgres::name`,
/// which says it was skipped where there is no PostgreSQL).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::pg::Backend::Sqlite);
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(backend) = $crate::pg::Backend::postgres_or_skip(stringify!($name)) {
                        super::$name(&backend);
                    }
                }
            )+
        }
    };
}
