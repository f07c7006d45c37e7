//! Reading a scale at the pack station (issue 6). A scale here is anything
//! that sends lines of text: a network scale, or a serial one behind a
//! serial-to-network adapter (`tcp://HOST:PORT`), or a serial port read as a
//! plain file of lines (`serial:/dev/ttyUSB0`; set its speed first, e.g.
//! `stty -F /dev/ttyUSB0 9600 raw`, since no serial library is used). The
//! scale must send by itself (continuously, or on its print key); nothing is
//! written to it. Lines may end in CR, LF or both.
//!
//! What a line means is not decided here: the caller passes the parser
//! (`planning::shipping::parse_scale_line`), as `sync` may not import
//! `planning`. Blocking: call it off the UI thread.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Longest line kept; longer runs without a line end are dropped as noise.
const MAX_LINE: usize = 256;

/// Where the scale is: the `[weighing] scale` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleAddr {
    /// `tcp://HOST:PORT`.
    Tcp(String),
    /// `serial:/dev/PATH`: a device (or any file) read as lines.
    Serial(PathBuf),
}

impl ScaleAddr {
    /// Reads the setting: empty means no scale (weights are typed by hand).
    pub fn parse(text: &str) -> Result<Option<Self>, ScaleError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || ScaleError::BadAddress(text.to_owned());
        if let Some(host_port) = text.strip_prefix("tcp://") {
            let (host, port) = host_port.rsplit_once(':').ok_or_else(bad)?;
            if host.is_empty() || port.parse::<u16>().is_err() {
                return Err(bad());
            }
            return Ok(Some(Self::Tcp(host_port.to_owned())));
        }
        match text.strip_prefix("serial:") {
            Some(path) if path.starts_with('/') => Ok(Some(Self::Serial(PathBuf::from(path)))),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for ScaleAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp(host_port) => write!(f, "tcp://{host_port}"),
            Self::Serial(path) => write!(f, "serial:{}", path.display()),
        }
    }
}

/// Why no weight came from the scale; each says what the packer can do.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    #[error(
        "scale {0:?} is neither tcp://HOST:PORT nor serial:/dev/DEVICE; fix `[weighing] scale`, or leave it empty to type weights"
    )]
    BadAddress(String),
    #[error("cannot reach the scale at {addr}: {source}; check it is on and connected, or type the weight")]
    Connect { addr: String, source: io::Error },
    #[error("lost the scale at {addr}: {source}; type the weight")]
    Read { addr: String, source: io::Error },
    #[error("the scale at {addr} stopped sending before a steady weight{}; weigh again or type the weight", last_line(.last.as_deref()))]
    Closed { addr: String, last: Option<String> },
    #[error("no steady weight from the scale at {addr} within {waited_ms} ms{}; let it settle and weigh again, or type the weight", last_line(.last.as_deref()))]
    Timeout { addr: String, waited_ms: u128, last: Option<String> },
}

fn last_line(last: Option<&str>) -> String {
    last.map(|line| format!(" (last line {line:?})")).unwrap_or_default()
}

/// Reads lines from the scale until `parse` finds a weight above zero (a
/// zero is an empty scale, so it waits on) and returns it in grams; gives up
/// after `timeout` in all, connecting included. `parse` should give `None`
/// for unstable readings.
pub fn read_weight(
    addr: &ScaleAddr,
    timeout: Duration,
    mut parse: impl FnMut(&str) -> Option<u32>,
) -> Result<u32, ScaleError> {
    let started = Instant::now();
    let deadline = started + timeout;
    let shown = addr.to_string();
    let mut conn = Conn::open(addr, deadline).map_err(|source| ScaleError::Connect { addr: shown.clone(), source })?;
    let mut line = Vec::with_capacity(MAX_LINE);
    let mut overlong = false;
    let mut last = None;
    let mut buf = [0u8; 512];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ScaleError::Timeout { addr: shown, waited_ms: started.elapsed().as_millis(), last });
        }
        let n = match conn.read_within(&mut buf, left) {
            Ok(Some(0)) => return Err(ScaleError::Closed { addr: shown, last }),
            Ok(Some(n)) => n,
            Ok(None) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => return Err(ScaleError::Read { addr: shown, source }),
        };
        for &byte in &buf[..n] {
            if byte != b'\r' && byte != b'\n' {
                if line.len() < MAX_LINE {
                    line.push(byte);
                } else {
                    overlong = true;
                }
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            if !overlong && !text.trim().is_empty() {
                if let Some(grams) = parse(&text).filter(|&g| g > 0) {
                    return Ok(grams);
                }
                last = Some(crate::domain::text::sanitize(&text).chars().take(40).collect());
            }
            line.clear();
            overlong = false;
        }
    }
}

/// An open scale.
enum Conn {
    Tcp(TcpStream),
    Serial(File),
}

impl Conn {
    fn open(addr: &ScaleAddr, deadline: Instant) -> io::Result<Self> {
        match addr {
            ScaleAddr::Tcp(host_port) => {
                let mut error = io::Error::new(io::ErrorKind::NotFound, "the host name has no address");
                for socket in host_port.to_socket_addrs()? {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(io::ErrorKind::TimedOut.into());
                    }
                    match TcpStream::connect_timeout(&socket, left) {
                        Ok(stream) => return Ok(Self::Tcp(stream)),
                        Err(e) => error = e,
                    }
                }
                Err(error)
            }
            ScaleAddr::Serial(path) => {
                use std::os::unix::fs::OpenOptionsExt;
                // Not our controlling terminal, and no wait for a carrier on open.
                let flags = rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::NONBLOCK;
                let file = std::fs::OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(path)?;
                Ok(Self::Serial(file))
            }
        }
    }

    /// Reads what has come within `left`: `None` if nothing did.
    fn read_within(&mut self, buf: &mut [u8], left: Duration) -> io::Result<Option<usize>> {
        let result = match self {
            Self::Tcp(stream) => {
                stream.set_read_timeout(Some(left))?;
                stream.read(buf)
            }
            Self::Serial(file) => {
                let timeout = rustix::event::Timespec::try_from(left)
                    .unwrap_or(rustix::event::Timespec { tv_sec: i64::from(u32::MAX), tv_nsec: 0 });
                let mut fds = [rustix::event::PollFd::new(&*file, rustix::event::PollFlags::IN)];
                if rustix::event::poll(&mut fds, Some(&timeout))? == 0 {
                    return Ok(None);
                }
                file.read(buf)
            }
        };
        match result {
            Ok(n) => Ok(Some(n)),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;
    use std::thread;

    use super::*;
    use crate::planning::shipping::parse_scale_line;

    /// A scale on a loopback port that sends `chunks` with short pauses, then
    /// keeps the connection open for `linger`.
    fn scale(chunks: &'static [&'static str], linger: Duration) -> (ScaleAddr, thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = ScaleAddr::Tcp(listener.local_addr().unwrap().to_string());
        let handle = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            for chunk in chunks {
                // The reader may have gone once it has its weight.
                if stream.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            }
            thread::sleep(linger);
        });
        (addr, handle)
    }

    #[test]
    fn waits_past_unstable_and_empty_readings_for_a_steady_weight() {
        let (addr, server) = scale(
            &[
                "ST,GS,+  0.000kg\r\n",
                "US,GS,+  0.500kg\r\n",
                "US,GS,+  1.100kg\r\nUS,GS,+  1.2",
                "30kg\r\n",
                "ST,GS,+  1.",
                "234kg\r\n",
                "ST,GS,+  9.999kg\r\n",
            ],
            Duration::ZERO,
        );
        assert_eq!(read_weight(&addr, Duration::from_secs(5), parse_scale_line).unwrap(), 1_234);
        server.join().unwrap();
    }

    #[test]
    fn lines_may_end_in_cr_alone() {
        let (addr, server) = scale(&["US,GS,+  0.500kg\r", "garbage\r", "  1234 g\r"], Duration::ZERO);
        assert_eq!(read_weight(&addr, Duration::from_secs(5), parse_scale_line).unwrap(), 1_234);
        server.join().unwrap();
    }

    #[test]
    fn a_scale_that_never_settles_times_out_naming_its_last_line() {
        let (addr, server) = scale(&["US,GS,+  0.500kg\r\n", "US,GS,+  0.700kg\r\n"], Duration::from_millis(800));
        let started = Instant::now();
        let err = read_weight(&addr, Duration::from_millis(300), parse_scale_line).unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(700), "gave up on time: {:?}", started.elapsed());
        let text = err.to_string();
        assert!(matches!(err, ScaleError::Timeout { .. }), "{text}");
        assert!(text.starts_with(&format!("no steady weight from the scale at {addr} within 3")), "{text}");
        assert!(text.contains("(last line \"US,GS,+ 0.700kg\")"), "{text}");
        server.join().unwrap();
    }

    #[test]
    fn a_scale_that_hangs_up_or_is_not_there_is_reported() {
        let (addr, server) = scale(&["US,GS,+  0.500kg\r\n"], Duration::ZERO);
        let err = read_weight(&addr, Duration::from_secs(5), parse_scale_line).unwrap_err();
        assert!(matches!(err, ScaleError::Closed { .. }), "{err}");
        server.join().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = ScaleAddr::Tcp(format!("127.0.0.1:{port}"));
        let err = read_weight(&addr, Duration::from_secs(2), parse_scale_line).unwrap_err();
        assert!(err.to_string().starts_with(&format!("cannot reach the scale at tcp://127.0.0.1:{port}: ")), "{err}");
    }

    #[test]
    fn a_serial_device_is_read_as_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ttyUSB0");
        std::fs::write(&path, "S D      100.00 g\r\nS S      250.00 g\r\n").unwrap();
        let addr = ScaleAddr::parse(&format!("serial:{}", path.display())).unwrap().unwrap();
        assert_eq!(read_weight(&addr, Duration::from_secs(2), parse_scale_line).unwrap(), 250);
        std::fs::write(&path, "S D      100.00 g\n").unwrap();
        let err = read_weight(&addr, Duration::from_secs(2), parse_scale_line).unwrap_err();
        assert!(
            err.to_string().contains("stopped sending before a steady weight (last line \"S D 100.00 g\")"),
            "{err}"
        );
    }

    #[test]
    fn addresses_are_checked() {
        assert_eq!(ScaleAddr::parse("  ").unwrap(), None);
        assert_eq!(ScaleAddr::parse("tcp://127.0.0.1:4001").unwrap(), Some(ScaleAddr::Tcp("127.0.0.1:4001".into())));
        assert_eq!(ScaleAddr::parse("tcp://[::1]:4001").unwrap(), Some(ScaleAddr::Tcp("[::1]:4001".into())));
        assert_eq!(
            ScaleAddr::parse("serial:/dev/ttyUSB0").unwrap(),
            Some(ScaleAddr::Serial(PathBuf::from("/dev/ttyUSB0")))
        );
        assert_eq!(ScaleAddr::parse("tcp://scale-3:4001").unwrap().unwrap().to_string(), "tcp://scale-3:4001");
        for bad in ["127.0.0.1:4001", "tcp://127.0.0.1", "tcp://:4001", "tcp://h:99999", "serial:ttyUSB0", "com1"] {
            let err = ScaleAddr::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with(&format!("scale {bad:?} is neither")), "{err}");
        }
    }
}
