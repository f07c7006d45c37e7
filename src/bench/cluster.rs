//! A throwaway PostgreSQL cluster on loopback, for the PostgreSQL figures
//! and the conformance tests: `initdb` into a new directory, `pg_ctl start`
//! on a free loopback port (its unix socket in the same directory), stopped
//! and deleted when dropped. Run as root, the server runs as the `postgres`
//! user (else `nobody`), as PostgreSQL refuses root.
//!
//! The server binaries are found in `PACKLINE_PG_BIN`, then `pg_config
//! --bindir`, then the newest `/usr/lib/postgresql/*/bin`, then `PATH`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A running cluster; stopped and removed on drop.
#[derive(Debug)]
pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    run_as: Option<String>,
    pub port: u16,
}

impl PgCluster {
    /// Starts a fresh cluster, or says why it cannot.
    pub fn start() -> Result<Self, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let bin =
            server_bin().ok_or("no PostgreSQL server found (initdb and pg_ctl; install the postgresql package)")?;
        let run_as = if effective_uid() == Some(0) { Some(unprivileged_user()?) } else { None };
        let dir = std::env::temp_dir().join(format!(
            "packline-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let port = free_port()?;
        // Not started yet: the drop below removes the directory only.
        let mut cluster = Self { dir, bin, run_as, port: 0 };
        if let Some(user) = &cluster.run_as {
            // The server's user must own its directory.
            let status = Command::new("chown").arg(user).arg(&cluster.dir).status().map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("cannot hand {} to {user}", cluster.dir.display()));
            }
        }
        let data = cluster.data();
        let out =
            cluster.tool("initdb", &["-D", &data, "-U", "packline", "-A", "trust", "-E", "UTF8", "--no-locale"])?;
        check(&out, "initdb")?;
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", cluster.dir.display());
        let log = format!("{}/server.log", cluster.dir.display());
        let out = cluster.tool("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "30", "start"])?;
        if let Err(e) = check(&out, "pg_ctl start") {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{e}\n{server_log}"));
        }
        cluster.port = port;
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
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self) -> Result<String, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .map_err(|e| format!("connecting to the cluster: {e}\n{}", self.log()))?;
        // A name we made; CREATE DATABASE takes no parameters.
        admin.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| format!("creating {name}: {e}"))?;
        Ok(self.url(&name))
    }

    /// Has a watchdog shell stop the server and delete its directory once
    /// this process has ended: for a cluster kept in a static, which is
    /// never dropped, so that no server outlives `cargo test`.
    pub fn stop_when_this_process_ends(&self) -> Result<(), String> {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = match &self.run_as {
            Some(user) => format!("runuser -u {user} -- '{}'", pg_ctl.display()),
            None => format!("'{}'", pg_ctl.display()),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.3; done; \
             {stop} -D '{data}' -m immediate -w -t 10 stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            data = self.data(),
            dir = self.dir.display(),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.display())
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
        cmd.args(args).env_remove("PGDATA").current_dir(&self.dir);
        cmd.output().map_err(|e| format!("cannot run {}: {e}", program.display()))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let data = self.data();
            let _ = self.tool("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "-t", "10", "stop"]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
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

/// The user the server runs as when we are root.
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
