//! Refused scans: a wrong bin, item, tote or lot at the pick screen, an item
//! of no line or one unit too many at the pack station. Each leaves one
//! `scan_refused` event (the operator's badge, the station, the scanned code
//! and why), so scan error rates can be counted per operator.
//!
//! A refusal also counts in the dashboard's `operator_hourly` (about a
//! wave: `pick_refusals`; anything else: `pack_refusals`).
//!
//! Accepted scans are not written here: they already are events
//! (`units_picked` per pick confirmation, `unit_verified` per verified pack
//! scan), so an accepted scan costs nothing more.

use super::{Result, Store, counters, events, now_ms};
use crate::domain::Actor;
use crate::domain::text::sanitize;

/// The event kind of a refused scan.
pub const SCAN_REFUSED: &str = "scan_refused";
/// A scanned code is kept to this many characters in the event.
pub const CODE_CHARS: usize = 60;
/// The reason is kept to this many characters.
const REASON_CHARS: usize = 200;

impl Store {
    /// Appends a `scan_refused` event about `subject` (`wave:ID` at the pick
    /// screen, `order:ID` or `station:NAME` at the pack station): the
    /// scanned `code` (sanitised, cut to [`CODE_CHARS`]) and the `reason`
    /// the operator was shown. One small insert; callers must not let a
    /// failure here stop the operator.
    pub fn record_scan_refusal(&mut self, actor: &Actor, subject: &str, code: &str, reason: &str) -> Result<()> {
        let details = scan_refusal_details(code, reason);
        let subject = sanitize(subject);
        self.write(|tx| {
            let at = now_ms();
            events::append(tx, at, actor, SCAN_REFUSED, &subject, &details)?;
            counters::refused(tx, at, &actor.operator, &subject)
        })
    }
}

/// `"CODE": reason`, both sanitised and cut.
fn scan_refusal_details(code: &str, reason: &str) -> String {
    format!("\"{}\": {}", cut(&sanitize(code), CODE_CHARS), cut(&sanitize(reason), REASON_CHARS))
}

/// At most `max` characters; a cut text ends in `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_sanitised_and_cut() {
        let long = "9".repeat(100);
        let details = scan_refusal_details(&format!("\u{1b}[31m{long}"), "Wrong\tbin");
        assert_eq!(details, format!("\"{}…\": Wrong bin", "9".repeat(CODE_CHARS - 1)));
        assert_eq!(scan_refusal_details("ABC", "why"), "\"ABC\": why");
    }
}
