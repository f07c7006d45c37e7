//! Logging to a file (never stdout: the console owns the terminal).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use crate::errors::{Error, Result};

/// Sends `tracing` output to `path` at `level` (RUST_LOG overrides). Keep the
/// guard alive until exit so the last lines are flushed.
pub fn init(path: &Path, level: &str) -> Result<WorkerGuard> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(format!("cannot create the log directory {}", dir.display())))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(Error::io(format!("cannot open the log file {}", path.display())))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    // A second init (tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init();
    Ok(guard)
}
