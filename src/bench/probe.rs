//! The child side of the start-up figures: `packline --db PATH probe KIND`
//! (hidden) does one thing, prints one line, and exits, so the parent can time
//! a real process start and read its peak memory.

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::App;
use crate::app::action::Action;
use crate::config::Config;
use crate::errors::{Error, Result};
use crate::store::Store;

/// What a probe process does before it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Probe {
    /// Open the store (pragmas, identity and migration checks) and stop.
    Open,
    /// Open the console on the store and draw its first frame at 200x50,
    /// then page through the queue as an operator would.
    Frame,
}

/// Runs a probe and prints `ok <peak RSS in kB>` on stdout.
pub fn run_probe(db: &Path, probe: Probe) -> Result<()> {
    let store = Store::open(db)?;
    if probe == Probe::Frame {
        let loaded = Config::from_texts(None, "(built-in defaults)")?;
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).map_err(|e| Error::Other(e.to_string()))?;
        let mut app = App::new(store, loaded.keymap, "BENCH", chrono::Utc::now(), (200, 50));
        // A picker's badge: the console's first frame after sign-in is the queue.
        app.scan("EMP-0002");
        terminal.draw(|f| f.render_widget(&app, f.area())).map_err(|e| Error::Other(e.to_string()))?;
        // The first frame is what the start-up figure times; the pages after it
        // are there so the memory figure reflects a console in use.
        println!("frame");
        for action in [Action::PageDown, Action::PageDown, Action::ToggleDetail, Action::NextFilter, Action::SelectLast]
        {
            app.dispatch(action);
            terminal.draw(|f| f.render_widget(&app, f.area())).map_err(|e| Error::Other(e.to_string()))?;
        }
    }
    println!("ok {}", peak_rss_kb().unwrap_or(0));
    Ok(())
}

/// Peak resident memory of this process (VmHWM), in kB, where /proc has it.
#[must_use]
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
