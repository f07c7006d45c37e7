//! Getting ZPL to a printer: a spool folder another program watches, or a
//! raw TCP socket (a Zebra's port 9100).
//!
//! A spooled job appears whole or not at all: it is written to a hidden
//! temporary file in the folder, synced, then renamed to
//! `<timestamp>-<name>.zpl` (a `-2`, `-3`... suffix if that name is taken).
//! A TCP job connects, writes everything, half-closes and waits briefly for
//! the printer to close; every step has a deadline, so a printer that is off
//! or unplugged costs at most the configured timeout (plus, for a host name,
//! the system's name lookup, which cannot be bounded from here).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The raw printing port of network label printers.
pub const DEFAULT_PORT: u16 = 9100;

/// How long a TCP job waits for the printer to close after the last byte.
const DRAIN: Duration = Duration::from_secs(1);

/// Where labels go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printer {
    /// Files in a folder (created if missing).
    Spool { dir: PathBuf },
    /// A raw TCP printer.
    Tcp { host: String, port: u16, timeout: Duration },
}

/// A job that did not reach the printer; the message names the folder or
/// the `host:port` and says what to check.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("cannot write the label to the spool folder {}: {source}", dir.display())]
    Spool { dir: PathBuf, source: std::io::Error },
    #[error("cannot find the printer {addr}: {source}; check [printer] host in the config")]
    Resolve { addr: String, source: std::io::Error },
    #[error("cannot reach the printer at {addr}: {source}; check it is switched on and networked")]
    Connect { addr: String, source: std::io::Error },
    #[error("the printer at {addr} did not answer within {} ms; check it is switched on and networked", timeout.as_millis())]
    Timeout { addr: String, timeout: Duration },
    #[error("sending the label to the printer at {addr} failed: {source}; check the printer, then reprint")]
    Send { addr: String, source: std::io::Error },
}

/// Sends one job. `name` (e.g. `label-ORD-000123-1`) names the spool file;
/// characters other than letters, digits, `-` and `_` become `_`.
pub fn send(printer: &Printer, name: &str, zpl: &str) -> Result<(), PrintError> {
    match printer {
        Printer::Spool { dir } => spool(dir, name, zpl).map(|_| ()),
        Printer::Tcp { host, port, timeout } => send_tcp(host, *port, *timeout, zpl.as_bytes()),
    }
}

/// Writes a job into `dir` atomically and returns the file's path.
pub fn spool(dir: &Path, name: &str, zpl: &str) -> Result<PathBuf, PrintError> {
    static JOBS: AtomicU64 = AtomicU64::new(0);
    let fail = |source| PrintError::Spool { dir: dir.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let job = JOBS.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{stamp}-{}-{job}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(zpl.as_bytes())?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    let mut path = dir.join(format!("{stamp}-{name}.zpl"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stamp}-{name}-{n}.zpl"));
    }
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(path)
}

fn send_tcp(host: &str, port: u16, timeout: Duration, bytes: &[u8]) -> Result<(), PrintError> {
    let addr = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let deadline = Instant::now() + timeout;
    let targets: Vec<SocketAddr> =
        (host, port).to_socket_addrs().map_err(|source| PrintError::Resolve { addr: addr.clone(), source })?.collect();
    if targets.is_empty() {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "the name has no address");
        return Err(PrintError::Resolve { addr, source });
    }
    let mut last = None;
    let mut stream = None;
    for target in targets {
        let Some(left) = remaining(deadline) else { break };
        match TcpStream::connect_timeout(&target, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(mut stream) = stream else {
        return Err(match last {
            Some(e) if e.kind() != std::io::ErrorKind::TimedOut => PrintError::Connect { addr, source: e },
            _ => PrintError::Timeout { addr, timeout },
        });
    };
    let send_error = |e: std::io::Error| {
        if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) {
            PrintError::Timeout { addr: addr.clone(), timeout }
        } else {
            PrintError::Send { addr: addr.clone(), source: e }
        }
    };
    // Each write may take only what is left of the deadline.
    let mut sent = 0;
    while sent < bytes.len() {
        let left = remaining(deadline).ok_or_else(|| PrintError::Timeout { addr: addr.clone(), timeout })?;
        stream.set_write_timeout(Some(left)).map_err(send_error)?;
        match stream.write(&bytes[sent..]) {
            Ok(0) => return Err(send_error(std::io::ErrorKind::WriteZero.into())),
            Ok(n) => sent += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(send_error(e)),
        }
    }
    stream.shutdown(Shutdown::Write).map_err(send_error)?;
    // The printer closes when it has the job; whatever it says back is read
    // and dropped (unread data would turn the close into a reset).
    let drain = remaining(deadline).map_or(Duration::from_millis(1), |left| left.min(DRAIN));
    if stream.set_read_timeout(Some(drain)).is_ok() {
        let mut buf = [0u8; 512];
        let until = Instant::now() + drain;
        while Instant::now() < until {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

/// Time left before `deadline`, `None` once it has passed.
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_names_are_safe_and_unique() {
        let dir = tempfile::tempdir().unwrap();
        let a = spool(dir.path(), "../label ORD-1", "^XA^XZ").unwrap();
        let b = spool(dir.path(), "../label ORD-1", "^XA^XZ").unwrap();
        assert_ne!(a, b);
        for path in [&a, &b] {
            assert_eq!(path.parent().unwrap(), dir.path());
            let file = path.file_name().unwrap().to_str().unwrap();
            assert!(file.ends_with("-___label_ORD-1.zpl") || file.ends_with("-___label_ORD-1-2.zpl"), "{file}");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
    }

    #[test]
    fn bracketed_ipv6_in_messages() {
        let err = send_tcp("::1", 9, Duration::from_millis(200), b"x").unwrap_err().to_string();
        assert!(err.contains("[::1]:9"), "{err}");
    }
}
