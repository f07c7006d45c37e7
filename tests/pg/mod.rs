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

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A running cluster; stopped and removed on drop.
pub struct PgCluster {
    dir: TempDir,
    bin: PathBuf,
    run_as: Option<String>,
    pub port: u16,
}

impl PgCluster {
    /// Starts a fresh cluster, or says why it cannot.
    pub fn start() -> Result<Self, String> {
        let bin =
            server_bin().ok_or("no PostgreSQL server found (initdb and pg_ctl; install the postgresql package)")?;
        let run_as = if effective_uid() == Some(0) { Some(unprivileged_user()?) } else { None };
        let dir = tempfile::Builder::new().prefix("packline-pg-").tempdir().map_err(|e| e.to_string())?;
        if let Some(user) = &run_as {
            // The server's user must own its directory.
            let status = Command::new("chown").arg(user).arg(dir.path()).status().map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("cannot hand {} to {user}", dir.path().display()));
            }
        }
        let port = free_port()?;
        let mut cluster = Self { dir, bin, run_as, port };
        let data = cluster.data();
        let out =
            cluster.tool("initdb", &["-D", &data, "-U", "packline", "-A", "trust", "-E", "UTF8", "--no-locale"])?;
        check(&out, "initdb")?;
        let options =
            format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", cluster.dir.path().display());
        let log = format!("{}/server.log", cluster.dir.path().display());
        let out = cluster.tool("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "30", "start"])?;
        if let Err(e) = check(&out, "pg_ctl start") {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            // Nothing started: no stop on drop.
            cluster.port = 0;
            return Err(format!("{e}\n{server_log}"));
        }
        Ok(cluster)
    }

    /// The connection string of database `db` (the `postgres` one always exists).
    #[must_use]
    pub fn url(&self, db: &str) -> String {
        format!("postgres://packline@127.0.0.1:{}/{db}", self.port)
    }

    /// The server's log so far (for a failing test's message).
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.path().display())
    }

    /// Runs a server tool (as the unprivileged user when we are root).
    fn tool(&self, name: &str, args: &[&str]) -> Result<Output, String> {
        let program = self.bin.join(name);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        cmd.args(args).env_remove("PGDATA").current_dir(self.dir.path());
        cmd.output().map_err(|e| format!("cannot run {}: {e}", program.display()))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let data = self.data();
            let _ = self.tool("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "-t", "10", "stop"]);
        }
    }
}

/// A cluster for `test`, or `None` after printing why the test is skipped.
pub fn cluster_or_skip(test: &str) -> Option<PgCluster> {
    match PgCluster::start() {
        Ok(cluster) => Some(cluster),
        Err(reason) => {
            eprintln!("{test}: skipped, PostgreSQL is not available here: {reason}");
            None
        }
    }
}

fn check(out: &Output, what: &str) -> Result<(), String> {
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim()))
    }
}

fn server_bin() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PACKLINE_PG_BIN").map(PathBuf::from) {
        return has_tools(&dir).then_some(dir);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_tools(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| has_tools(dir))
}

fn effective_uid() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// The user the server runs as when the tests run as root.
fn unprivileged_user() -> Result<String, String> {
    for user in ["postgres", "nobody"] {
        if Command::new("id").arg("-u").arg(user).output().is_ok_and(|o| o.status.success()) {
            return Ok(user.to_owned());
        }
    }
    Err("running as root and no postgres or nobody user to run the server as".into())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The cluster shared by every test of this process, started on first use.
/// A watchdog shell stops and deletes it once the test process has ended
/// (statics are never dropped), so no server outlives `cargo test`.
fn shared_cluster() -> Result<&'static PgCluster, String> {
    static CLUSTER: std::sync::OnceLock<Result<PgCluster, String>> = std::sync::OnceLock::new();
    CLUSTER
        .get_or_init(|| {
            let cluster = PgCluster::start()?;
            let data = cluster.data();
            let stop = match &cluster.run_as {
                Some(user) => format!("runuser -u {user} -- '{}/pg_ctl'", cluster.bin.display()),
                None => format!("'{}/pg_ctl'", cluster.bin.display()),
            };
            let script = format!(
                "while kill -0 {pid} 2>/dev/null; do sleep 0.3; done; {stop} -D '{data}' -m immediate -w -t 10 stop >/dev/null 2>&1; rm -rf '{dir}'",
                pid = std::process::id(),
                dir = cluster.dir.path().display(),
            );
            Command::new("sh")
                .args(["-c", &script])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))?;
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
            Err(reason) => {
                eprintln!("{test} on PostgreSQL: skipped, PostgreSQL is not available here: {reason}");
                None
            }
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

impl PgCluster {
    /// A new, empty database; its URL.
    pub fn new_database(&self) -> String {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!("t{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to the test cluster: {e}\n{}", self.log()));
        // A name we made; CREATE DATABASE takes no parameters.
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        self.url(&name)
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
