//! The scanner test screen, for setting up a new scanner: the last 20 inputs
//! as they arrived (control characters made visible, key timings, the wedge's
//! scanner-or-typing verdict, what each parses as) and hints for the common
//! set-up mistakes. Nothing scanned here changes anything.
//!
//! The app feeds it from the wedge ([`ScannerTestScreen::record`],
//! [`ScannerTestScreen::unterminated`]); the hints are a pure function of
//! the entries (`hints.rs`), drawing lives in `draw.rs`.

mod draw;
mod hints;
#[cfg(test)]
mod tests;

pub use draw::{gap_summary, visible};
pub use hints::{Hint, hints};

use std::time::Duration;

use crate::scan::ScanReport;
use crate::scan::wedge::{Burst, Verdict, WedgeConfig};

/// Inputs kept on screen.
pub const KEEP: usize = 20;
/// The terminator of characters that never ended in Enter, Tab or LF.
pub const UNTERMINATED: &str = "none";
/// What an unterminated input reads as: the console never took it as a scan.
const NOT_READ: &str = "not read: no Enter or Tab after it";

/// One input and what the parser made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub burst: Burst,
    pub report: ScanReport,
}

impl Entry {
    /// False for characters that never ended in Enter, Tab or LF.
    #[must_use]
    pub fn is_terminated(&self) -> bool {
        self.burst.terminator != UNTERMINATED
    }
}

/// The scanner test screen: the last [`KEEP`] inputs, newest first.
#[derive(Debug, Clone)]
pub struct ScannerTestScreen {
    entries: Vec<Entry>,
    /// The timing thresholds unterminated input is judged by.
    config: WedgeConfig,
}

impl Default for ScannerTestScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl ScannerTestScreen {
    /// An empty screen judging unterminated input by the default thresholds.
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(WedgeConfig::default())
    }

    /// An empty screen judging unterminated input by the site's thresholds.
    #[must_use]
    pub fn with_config(config: WedgeConfig) -> Self {
        Self { entries: Vec::with_capacity(KEEP + 1), config }
    }

    /// Records one terminated input (the wedge's burst and its parse report).
    pub fn record(&mut self, burst: Burst, report: ScanReport) {
        self.entries.insert(0, Entry { burst, report });
        self.entries.truncate(KEEP);
    }

    /// Characters that never ended in a terminator, with the gaps between
    /// them. Kept as an entry whose terminator is [`UNTERMINATED`], so the
    /// "no Enter suffix" hint can show; runs shorter than the wedge's
    /// `min_len` are ordinary key presses and are ignored.
    pub fn unterminated(&mut self, text: String, gaps: Vec<Duration>) {
        if text.chars().count() < self.config.min_len {
            return;
        }
        let verdict = if fast(&gaps, &self.config) { Verdict::Scanner } else { Verdict::Typing };
        let report = ScanReport {
            input: text.clone(),
            kind: "unknown",
            gtin: None,
            elements: Vec::new(),
            value: None,
            error: Some(NOT_READ.to_owned()),
        };
        self.record(Burst { text, terminator: UNTERMINATED, gaps, verdict }, report);
    }

    /// Forgets every input (after a scanner was reconfigured).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The inputs kept, newest first.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// The wedge's timing rule: some gaps, none over `max_gap`, median under `median_gap`.
fn fast(gaps: &[Duration], config: &WedgeConfig) -> bool {
    if gaps.is_empty() || gaps.iter().any(|g| *g > config.max_gap) {
        return false;
    }
    let mut sorted = gaps.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2] < config.median_gap
}
