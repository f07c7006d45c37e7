//! `scan_to_frame_p99`: a real console process on a pseudo-terminal, signed in
//! by a badge scan, is sent order-number scans as a wedge scanner types them
//! (the code and CR in one write); each sample runs from the write to the read
//! after which the screen (parsed as a terminal would, with vt100) shows that
//! order's search. The floor is the same bytes echoed by `cat` through a raw
//! pseudo-terminal. The pack-scan figure (`pack.rs`) drives a console the same way.

use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::percentile;
use super::report::{Budget, Figure};
use crate::errors::{Error, Result};

pub(super) const ROWS: u16 = 40;
pub(super) const COLS: u16 = 120;

/// A child process on a pseudo-terminal, with a model of its screen.
pub(super) struct PtyChild {
    child: Child,
    master: File,
    screen: vt100::Parser,
    /// Everything read, for the raw echo comparator.
    raw: Vec<u8>,
}

impl PtyChild {
    pub(super) fn spawn(mut command: Command, raw_mode: bool) -> Result<Self> {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let pty_err = |e: rustix::io::Errno| Error::Other(format!("pseudo-terminal: {e}"));
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).map_err(pty_err)?;
        grantpt(&master).map_err(pty_err)?;
        unlockpt(&master).map_err(pty_err)?;
        let name = ptsname(&master, Vec::new()).map_err(pty_err)?;
        let size = rustix::termios::Winsize { ws_row: ROWS, ws_col: COLS, ws_xpixel: 0, ws_ypixel: 0 };
        rustix::termios::tcsetwinsize(&master, size).map_err(pty_err)?;
        let slave_path = name.to_str().map_err(|e| Error::Other(e.to_string()))?;
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(slave_path)
            .map_err(Error::io("opening the pseudo-terminal"))?;
        if raw_mode {
            let mut termios = rustix::termios::tcgetattr(&slave).map_err(pty_err)?;
            termios.make_raw();
            rustix::termios::tcsetattr(&slave, rustix::termios::OptionalActions::Now, &termios).map_err(pty_err)?;
        }
        let io = |f: &File| f.try_clone().map(Stdio::from).map_err(Error::io("sharing the pseudo-terminal"));
        let child = command
            .env("TERM", "xterm-256color")
            .stdin(io(&slave)?)
            .stdout(io(&slave)?)
            .stderr(io(&slave)?)
            .spawn()
            .map_err(Error::io("starting a benchmark process"))?;
        drop(slave);
        let rows = NonZeroU16::new(ROWS).unwrap_or(NonZeroU16::MIN);
        let cols = NonZeroU16::new(COLS).unwrap_or(NonZeroU16::MIN);
        Ok(Self { child, master: File::from(master), screen: vt100::Parser::new(rows, cols, 0), raw: Vec::new() })
    }

    pub(super) fn send(&mut self, bytes: &[u8]) -> Result<Instant> {
        let at = Instant::now();
        self.master.write_all(bytes).map_err(Error::io("writing to the pseudo-terminal"))?;
        Ok(at)
    }

    /// Reads until `done` holds; returns when the bytes that made it hold were read.
    pub(super) fn wait_until(&mut self, timeout: Duration, done: impl Fn(&Self) -> bool) -> Result<Instant> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 16 * 1024];
        loop {
            if done(self) {
                return Ok(Instant::now());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Other("the benchmark console did not show what was expected in time".into()));
            }
            let wait = rustix::event::Timespec {
                tv_sec: 0,
                tv_nsec: left.min(Duration::from_millis(100)).subsec_nanos().into(),
            };
            let mut fds = [rustix::event::PollFd::new(&self.master, rustix::event::PollFlags::IN)];
            if rustix::event::poll(&mut fds, Some(&wait)).unwrap_or(0) == 0 {
                continue;
            }
            let n = self.master.read(&mut buf).map_err(Error::io("reading the pseudo-terminal"))?;
            if n == 0 {
                return Err(Error::Other("the benchmark console closed its terminal".into()));
            }
            self.screen.process(&buf[..n]);
            self.raw.extend_from_slice(&buf[..n]);
        }
    }

    pub(super) fn shows(&self, text: &str) -> bool {
        self.screen.screen().contents().contains(text)
    }
}

impl Drop for PtyChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The figure: `samples` order scans on the store at `db` (ids 1..=orders).
pub(super) fn scan_to_frame(db: &Path, orders: u64, samples: usize, note: &str) -> Result<Figure> {
    let exe = std::env::current_exe().map_err(Error::io("cannot find the packline executable"))?;
    let mut command = Command::new(&exe);
    command.arg("--db").arg(db);
    let mut console = PtyChild::spawn(command, false)?;
    console.wait_until(Duration::from_secs(30), |c| c.shows("Scan your badge"))?;
    console.send(b"EMP-0004\r")?;
    console.wait_until(Duration::from_secs(30), |c| c.shows("EMP-0004 Marek Nowak"))?;
    // A packer starts at the pack station: F3 goes on to the order queue.
    console.send(b"\x1bOR")?;
    console.wait_until(Duration::from_secs(30), |c| c.shows("Open"))?;
    let codes: Vec<String> =
        (0..samples).map(|i| format!("ORD-{:06}", 1 + (i as u64 * 7_919) % orders.max(1))).collect();
    let mut scans = Vec::with_capacity(samples);
    for code in &codes {
        let title = format!("Search \"{code}\"");
        let sent = console.send(format!("{code}\r").as_bytes())?;
        let shown = console.wait_until(Duration::from_secs(10), |c| c.shows(&title))?;
        scans.push((shown - sent).as_secs_f64() * 1000.0);
        // Let the console settle so samples do not overlap.
        std::thread::sleep(Duration::from_millis(15));
    }
    drop(console);
    let mut floors = echo_floor(&codes)?;
    let p50 = percentile(&mut scans.clone(), 50.0).unwrap_or(f64::NAN);
    Ok(Figure::new(
        "scan_to_frame_p99",
        (percentile(&mut scans, 99.0), "ms"),
        ("pty echo p99", percentile(&mut floors, 99.0)),
        ("<= 16.7 ms", Budget::AtMost(16.7)),
        Some(format!("{note}; {samples} order scans at {COLS}x{ROWS}, p50 {p50:.2} ms")),
    ))
}

/// The floor: each code and CR echoed by `cat` through a raw pseudo-terminal,
/// in milliseconds from the write to the read of the last byte.
pub(super) fn echo_floor(codes: &[String]) -> Result<Vec<f64>> {
    let mut echo = PtyChild::spawn(Command::new("cat"), true)?;
    let mut floors = Vec::with_capacity(codes.len());
    for code in codes {
        let line = format!("{code}\r");
        let before = echo.raw.len();
        let sent = echo.send(line.as_bytes())?;
        let got = echo.wait_until(Duration::from_secs(10), |c| c.raw.len() >= before + line.len())?;
        floors.push((got - sent).as_secs_f64() * 1000.0);
    }
    Ok(floors)
}
