//! The one event type that reaches the app: terminal input, ticks, the sync
//! worker's notices and the signals that end the process. Background tasks
//! hold a cloned sender.

use std::time::Instant;

use chrono::{DateTime, Utc};

/// Everything the event loop reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    /// Terminal input, with the instant it was read (scan detection times bursts with it).
    Input(crossterm::event::Event, Instant),
    /// The clock moved on: countdowns, the status-bar clock, and a look at
    /// whether another terminal changed the store.
    Tick(DateTime<Utc>),
    /// The sync worker did something: the app re-reads the sync's state (and
    /// the queue, when orders came in).
    Sync(crate::sync::worker::SyncNotice),
    /// The terminal is gone (EOF, EIO or hang-up on input): end the process.
    InputClosed(String),
    /// SIGHUP, SIGTERM or SIGINT: leave cleanly.
    Shutdown(&'static str),
}
