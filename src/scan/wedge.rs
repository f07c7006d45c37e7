//! Keyboard-wedge scanners type their code and a terminator into whatever
//! has focus. This tells such a burst from a person typing, by timing: a scan
//! is a run of characters ending in Enter, Tab, LF or CR LF whose gaps have a
//! median under `median_gap` and none over `max_gap` (DESIGN section 5).
//!
//! Characters are held back while they could still be a scan and released as
//! ordinary keys as soon as they cannot (a slow gap, a non-character key, or
//! `max_gap` of silence, see [`Wedge::deadline`]). A scan never reaches a text
//! field; a person's key is delayed by at most `max_gap`.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::gs1::GS;

/// Timing thresholds (configurable per site).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WedgeConfig {
    /// The median gap of a scan is below this.
    pub median_gap: Duration,
    /// No gap of a scan is above this; also how long a held key may wait.
    pub max_gap: Duration,
    /// Shorter runs are typing even when fast ("q" Enter is not a scan).
    pub min_len: usize,
}

impl Default for WedgeConfig {
    fn default() -> Self {
        Self { median_gap: Duration::from_millis(20), max_gap: Duration::from_millis(60), min_len: 3 }
    }
}

/// What the wedge hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeOutput {
    /// An ordinary key press, for the keymap or a text field.
    Key(KeyEvent),
    /// A scanned code (without its terminator).
    Scan(String),
}

/// How a terminated burst was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fast enough and long enough: a scan.
    Scanner,
    /// Too slow: a person typing.
    Typing,
    /// Fast, but shorter than `min_len`.
    TooShort,
}

/// One input ended by a terminator, as the scanner test screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The characters (GS as 0x1D), without the terminator.
    pub text: String,
    /// The terminator key: "Enter", "Tab" or "LF".
    pub terminator: &'static str,
    /// Gaps before each following character and before the terminator.
    pub gaps: Vec<Duration>,
    pub verdict: Verdict,
}

/// The burst detector. Feed it every key press with the instant it was read.
#[derive(Debug, Clone)]
pub struct Wedge {
    config: WedgeConfig,
    /// The last input ended by a terminator, for diagnostics (taken by the app).
    last_burst: Option<Burst>,
    /// The last run of at least `min_len` characters released without any
    /// terminator (a scanner with no Enter suffix), with its gaps.
    last_unterminated: Option<(String, Vec<Duration>)>,
    /// Keys held back, with their characters (GS for Ctrl+5) and times.
    held: Vec<(KeyEvent, char, Instant)>,
    /// When the last scan ended: a LF right after a CR belongs to it.
    last_scan_end: Option<Instant>,
}

impl Wedge {
    #[must_use]
    pub fn new(config: WedgeConfig) -> Self {
        Self { config, last_burst: None, last_unterminated: None, held: Vec::new(), last_scan_end: None }
    }

    /// The last input ended by a terminator, once; for the scanner test screen.
    pub fn take_burst(&mut self) -> Option<Burst> {
        self.last_burst.take()
    }

    /// The last run released for want of a terminator, once.
    pub fn take_unterminated(&mut self) -> Option<(String, Vec<Duration>)> {
        self.last_unterminated.take()
    }

    /// When held keys must be released if nothing else arrives.
    #[must_use]
    pub fn deadline(&self) -> Option<Instant> {
        self.held.last().map(|(_, _, at)| *at + self.config.max_gap)
    }

    /// Releases held keys whose burst can no longer become a scan.
    pub fn tick(&mut self, now: Instant) -> Vec<WedgeOutput> {
        match self.deadline() {
            Some(deadline) if now >= deadline => {
                if self.held.len() >= self.config.min_len {
                    let text = self.held.iter().map(|(_, c, _)| *c).collect();
                    let mut gaps = self.gaps(now);
                    gaps.pop();
                    self.last_unterminated = Some((text, gaps));
                }
                self.release()
            }
            _ => Vec::new(),
        }
    }

    /// Takes one key press read at `at`.
    pub fn push(&mut self, key: KeyEvent, at: Instant) -> Vec<WedgeOutput> {
        let mut out = Vec::new();
        // A pause longer than a scan allows: what was held is typing.
        if self.held.last().is_some_and(|(_, _, last)| at.saturating_duration_since(*last) > self.config.max_gap) {
            out.extend(self.release());
        }
        if is_terminator(&key) {
            if key.code == KeyCode::Char('j') && self.held.is_empty() && self.just_scanned(at) {
                // The LF of a CR LF pair: the scan was already taken.
                self.last_scan_end = None;
                return out;
            }
            self.last_burst = Some(self.describe(&key, at));
            if let Some(code) = self.burst_if_scan(at) {
                self.held.clear();
                self.last_scan_end = Some(at);
                out.push(WedgeOutput::Scan(code));
                return out;
            }
            out.extend(self.release());
            out.push(WedgeOutput::Key(key));
            return out;
        }
        if let Some(c) = scan_char(&key) {
            self.held.push((key, c, at));
        } else {
            out.extend(self.release());
            out.push(WedgeOutput::Key(key));
        }
        out
    }

    fn describe(&self, terminator: &KeyEvent, at: Instant) -> Burst {
        let gaps = self.gaps(at);
        let verdict = if self.burst_if_scan(at).is_some() {
            Verdict::Scanner
        } else if self.held.len() < self.config.min_len && self.fast(&gaps) {
            Verdict::TooShort
        } else {
            Verdict::Typing
        };
        let terminator = match terminator.code {
            KeyCode::Enter => "Enter",
            KeyCode::Tab => "Tab",
            _ => "LF",
        };
        Burst { text: self.held.iter().map(|(_, c, _)| *c).collect(), terminator, gaps, verdict }
    }

    /// Gaps between the held characters and before a terminator read at `at`.
    fn gaps(&self, at: Instant) -> Vec<Duration> {
        let mut gaps: Vec<Duration> = self.held.windows(2).map(|w| w[1].2.saturating_duration_since(w[0].2)).collect();
        if let Some((_, _, last)) = self.held.last() {
            gaps.push(at.saturating_duration_since(*last));
        }
        gaps
    }

    /// Whether gaps are as fast as a scanner's.
    fn fast(&self, gaps: &[Duration]) -> bool {
        if gaps.is_empty() || gaps.iter().any(|g| *g > self.config.max_gap) {
            return false;
        }
        let mut sorted = gaps.to_vec();
        sorted.sort_unstable();
        sorted[sorted.len() / 2] < self.config.median_gap
    }

    fn just_scanned(&self, at: Instant) -> bool {
        self.last_scan_end.is_some_and(|end| at.saturating_duration_since(end) <= self.config.max_gap)
    }

    /// The held characters as a scan, if their timing (terminator included) says so.
    fn burst_if_scan(&self, at: Instant) -> Option<String> {
        (self.held.len() >= self.config.min_len && self.fast(&self.gaps(at)))
            .then(|| self.held.iter().map(|(_, c, _)| *c).collect())
    }

    fn release(&mut self) -> Vec<WedgeOutput> {
        self.held.drain(..).map(|(key, _, _)| WedgeOutput::Key(key)).collect()
    }
}

/// Enter, Tab, and LF (crossterm reports LF as Ctrl+J).
fn is_terminator(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Enter | KeyCode::Tab)
        || (key.code == KeyCode::Char('j') && key.modifiers.contains(KeyModifiers::CONTROL))
}

/// The character a key contributes to a scan: printable characters as
/// typed, GS for Ctrl+5 (how crossterm reports 0x1D); none for anything else.
fn scan_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char('5') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(GS),
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) && !c.is_control() => {
            Some(c)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    /// Feeds `keys` with the given gaps (ms) before each, then lets time run
    /// out; returns everything the wedge handed on.
    fn feed(keys: &[KeyEvent], gaps_ms: &[u64]) -> Vec<WedgeOutput> {
        let mut wedge = Wedge::new(WedgeConfig::default());
        let mut at = Instant::now();
        let mut out = Vec::new();
        for (key, gap) in keys.iter().zip(gaps_ms) {
            at += Duration::from_millis(*gap);
            out.extend(wedge.tick(at));
            out.extend(wedge.push(*key, at));
        }
        out.extend(wedge.tick(at + Duration::from_secs(1)));
        out
    }

    fn typed(text: &str) -> Vec<KeyEvent> {
        text.chars().map(key).collect()
    }

    fn scans(out: &[WedgeOutput]) -> Vec<String> {
        out.iter().filter_map(|o| if let WedgeOutput::Scan(s) = o { Some(s.clone()) } else { None }).collect()
    }

    fn keys(out: &[WedgeOutput]) -> String {
        out.iter()
            .filter_map(|o| match o {
                WedgeOutput::Key(KeyEvent { code: KeyCode::Char(c), .. }) => Some(*c),
                WedgeOutput::Key(KeyEvent { code: KeyCode::Enter, .. }) => Some('⏎'),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_fast_burst_with_enter_is_one_scan_and_no_keys() {
        let mut k = typed("4006381333931");
        k.push(enter());
        let out = feed(&k, &[0, 8, 9, 7, 12, 10, 8, 9, 11, 8, 10, 9, 8, 9]);
        assert_eq!(out, vec![WedgeOutput::Scan("4006381333931".into())]);
    }

    #[test]
    fn cr_lf_is_one_scan() {
        let mut k = typed("T0042");
        k.extend([enter(), ctrl('j')]);
        let out = feed(&k, &[0, 8, 8, 8, 8, 8, 3]);
        assert_eq!(out, vec![WedgeOutput::Scan("T0042".into())]);
    }

    #[test]
    fn lf_and_tab_also_end_scans() {
        let mut k = typed("T0042");
        k.push(ctrl('j'));
        assert_eq!(scans(&feed(&k, &[0, 8, 8, 8, 8, 8])), ["T0042"]);
        let mut k = typed("T0043");
        k.push(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        assert_eq!(scans(&feed(&k, &[0, 8, 8, 8, 8, 8])), ["T0043"]);
    }

    #[test]
    fn ctrl_5_is_the_gs1_separator() {
        let mut k = typed("10AB");
        k.push(ctrl('5'));
        k.extend(typed("21X"));
        k.push(enter());
        assert_eq!(scans(&feed(&k, &[0, 8, 8, 8, 8, 8, 8, 8, 8])), [format!("10AB{GS}21X")]);
    }

    #[test]
    fn typing_is_handed_on_as_keys() {
        let mut k = typed("lima");
        k.push(enter());
        let out = feed(&k, &[0, 140, 180, 120, 200]);
        assert_eq!(keys(&out), "lima⏎");
        assert!(scans(&out).is_empty());
        // A single key is released when its time is up, without waiting for another.
        let mut wedge = Wedge::new(WedgeConfig::default());
        let t0 = Instant::now();
        assert!(wedge.push(key('q'), t0).is_empty());
        assert_eq!(wedge.deadline(), Some(t0 + Duration::from_millis(60)));
        assert!(wedge.tick(t0 + Duration::from_millis(30)).is_empty());
        assert_eq!(wedge.tick(t0 + Duration::from_millis(60)), vec![WedgeOutput::Key(key('q'))]);
    }

    #[test]
    fn every_terminated_input_is_described() {
        let mut wedge = Wedge::new(WedgeConfig::default());
        let t0 = Instant::now();
        for (i, c) in "T0042".chars().enumerate() {
            wedge.push(key(c), t0 + Duration::from_millis(8 * i as u64));
        }
        wedge.push(enter(), t0 + Duration::from_millis(40));
        let burst = wedge.take_burst().unwrap();
        assert_eq!((burst.text.as_str(), burst.terminator, burst.verdict), ("T0042", "Enter", Verdict::Scanner));
        assert_eq!(burst.gaps, vec![Duration::from_millis(8); 5]);
        assert!(wedge.take_burst().is_none());
        wedge.push(key('q'), t0 + Duration::from_secs(1));
        wedge.push(enter(), t0 + Duration::from_millis(1_010));
        assert_eq!(wedge.take_burst().unwrap().verdict, Verdict::TooShort);
    }

    #[test]
    fn a_short_fast_run_is_still_typing() {
        let out = feed(&[key('q'), enter()], &[0, 15]);
        assert_eq!(keys(&out), "q⏎");
    }

    proptest! {
        #[test]
        fn scanner_bursts_are_always_caught(
            code in "[A-Z0-9-]{3,40}", gaps in proptest::collection::vec(7u64..=16, 41)
        ) {
            let mut k = typed(&code);
            k.push(enter());
            let mut g = vec![0];
            g.extend(&gaps[..k.len() - 1]);
            prop_assert_eq!(feed(&k, &g), vec![WedgeOutput::Scan(code.clone())]);
        }

        #[test]
        fn human_typing_is_never_a_scan(
            text in "[a-z0-9 ]{1,30}",
            gaps in proptest::collection::vec(100u64..=300, 31),
            // Key rollover: now and then two keys land close together.
            rollover in proptest::collection::vec(any::<bool>(), 31),
        ) {
            let mut k = typed(&text);
            k.push(enter());
            let g: Vec<u64> = (0..k.len())
                .map(|i| if i == 0 { 0 } else if rollover[i] { 25 } else { gaps[i] })
                .collect();
            let out = feed(&k, &g);
            prop_assert!(scans(&out).is_empty(), "{:?}", out);
            prop_assert_eq!(keys(&out), format!("{text}⏎"));
        }
    }
}
