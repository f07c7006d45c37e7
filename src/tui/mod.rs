//! The terminal: init and restore, and the sources that feed the app's one
//! event channel (input with timestamps, ticks, signals, a dead-terminal
//! watchdog).

use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::app::event::Event;

/// How often the clock ticks (countdowns, other terminals' changes).
pub const TICK: Duration = Duration::from_secs(1);

/// Puts the terminal in raw mode on the alternate screen. The panic hook
/// (installed by `main`) calls [`restore`] before the report is written.
pub fn init() -> std::io::Result<ratatui::DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
}

/// Leaves raw mode and the alternate screen. Never panics: when the terminal
/// is already gone (hang-up) there is nothing to restore and nowhere to say so
/// but the log. (`ratatui::restore` would `eprintln!`, which panics on a dead
/// tty and turns a clean exit into an abort.)
pub fn restore() {
    if let Err(e) = ratatui::try_restore() {
        tracing::debug!(error = %e, "terminal not restored (it is probably gone)");
    }
}

/// Gives the terminal back: cursor shown, raw mode and alternate screen left.
/// If the terminal is gone, ratatui's `Drop` would `eprintln!` its failure to
/// show the cursor (a panic on a dead tty), so the handle is then forgotten:
/// the process is about to exit and there is nothing left to restore.
pub fn finish(mut terminal: ratatui::DefaultTerminal) {
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    restore();
}

/// Starts every event source; each stops by itself once the receiver is gone.
pub fn spawn_event_sources(tx: &UnboundedSender<Event>) {
    spawn_input(tx.clone());
    spawn_hangup_watchdog(tx.clone());
    spawn_ticks(tx.clone());
    spawn_signals(tx);
}

/// Reads terminal input on its own thread, stamping each event as it arrives.
fn spawn_input(tx: UnboundedSender<Event>) {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let event = match crossterm::event::read() {
                    Ok(event) => Event::Input(event, Instant::now()),
                    Err(e) => Event::InputClosed(format!("reading the terminal failed: {e}")),
                };
                let closed = matches!(event, Event::InputClosed(_));
                if tx.send(event).is_err() || closed {
                    break;
                }
            }
        })
        .expect("spawning the input thread");
}

/// crossterm keeps retrying a tty that returns EOF or EIO instead of failing,
/// so a separate thread asks the kernel whether the input has hung up.
fn spawn_hangup_watchdog(tx: UnboundedSender<Event>) {
    std::thread::Builder::new()
        .name("hangup-watchdog".into())
        .spawn(move || {
            let tty = if std::io::stdin().is_terminal() {
                None
            } else {
                match std::fs::File::open("/dev/tty") {
                    Ok(file) => Some(file),
                    Err(e) => {
                        let _ = tx.send(Event::InputClosed(format!("no terminal to read from: {e}")));
                        return;
                    }
                }
            };
            let stdin = std::io::stdin();
            let fd = match &tty {
                Some(file) => file.as_fd(),
                None => stdin.as_fd(),
            };
            let dead = rustix::event::PollFlags::HUP | rustix::event::PollFlags::ERR | rustix::event::PollFlags::NVAL;
            let timeout = rustix::event::Timespec { tv_sec: 1, tv_nsec: 0 };
            loop {
                // No events requested: poll returns only for hang-up, error or a bad fd.
                let mut fds = [rustix::event::PollFd::from_borrowed_fd(fd, rustix::event::PollFlags::empty())];
                let hung_up = match rustix::event::poll(&mut fds, Some(&timeout)) {
                    Ok(_) => fds[0].revents().intersects(dead),
                    Err(rustix::io::Errno::INTR) => false,
                    Err(_) => true,
                };
                if hung_up {
                    let _ = tx.send(Event::InputClosed("the terminal hung up".into()));
                    return;
                }
                if tx.is_closed() {
                    return;
                }
            }
        })
        .expect("spawning the hang-up watchdog");
}

fn spawn_ticks(tx: UnboundedSender<Event>) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            if tx.send(Event::Tick(chrono::Utc::now())).is_err() {
                break;
            }
        }
    });
}

fn spawn_signals(tx: &UnboundedSender<Event>) {
    use tokio::signal::unix::{SignalKind, signal};
    for (kind, name) in
        [(SignalKind::hangup(), "SIGHUP"), (SignalKind::terminate(), "SIGTERM"), (SignalKind::interrupt(), "SIGINT")]
    {
        let tx = tx.clone();
        match signal(kind) {
            Ok(mut stream) => {
                tokio::spawn(async move {
                    if stream.recv().await.is_some() {
                        let _ = tx.send(Event::Shutdown(name));
                    }
                });
            }
            Err(e) => tracing::warn!(signal = name, error = %e, "cannot listen for signal"),
        }
    }
}
