//! Hints for the common scanner set-up mistakes: a pure function of the
//! entries on the scanner test screen.

use super::Entry;
use crate::scan::gs1::GS;
use crate::scan::wedge::Verdict;

/// A set-up problem (or its absence) the entries point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// A fast burst arrived with no terminator.
    NoSuffix,
    /// The parser saw digits typed on another keyboard layout.
    KeyboardLayout,
    /// A GS1 code arrived without its GS separators.
    NoGroupSeparator,
    /// A readable code arrived too slowly to count as a scan.
    SlowScanner,
    /// Scans arrive as they should.
    Works,
    /// Nothing scanned yet.
    ScanToStart,
}

impl Hint {
    /// What the operator should do, in one sentence.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Self::NoSuffix => "The scanner sends no Enter after the code: program its suffix to Enter (CR) or Tab.",
            Self::KeyboardLayout => {
                "Characters arrive as on another keyboard layout: set the scanner's keyboard country to the station's."
            }
            Self::NoGroupSeparator => {
                "GS1 codes arrive without the GS separator: enable 'transmit FNC1 as GS' (or set \
                 scanner.gs_substitute in the config)."
            }
            Self::SlowScanner => {
                "This input was too slow for a scanner: if it was scanned, check the scanner's inter-character delay."
            }
            Self::Works => "The scanner works: codes end with Enter and arrive in one burst.",
            Self::ScanToStart => "Scan a barcode to test the scanner.",
        }
    }
}

impl Hint {
    /// The set-up problems, in the order they are shown.
    const PROBLEMS: [Self; 4] = [Self::NoSuffix, Self::KeyboardLayout, Self::NoGroupSeparator, Self::SlowScanner];

    /// Whether `entry` shows this problem.
    fn shown_by(self, entry: &Entry) -> bool {
        let terminated = entry.is_terminated();
        let report = &entry.report;
        match self {
            Self::NoSuffix => !terminated && entry.burst.verdict == Verdict::Scanner,
            Self::KeyboardLayout => {
                terminated && report.error.as_deref().is_some_and(|m| m.contains("keyboard layout"))
            }
            Self::NoGroupSeparator => gs_missing(entry),
            // Any word parses as a SKU, so a SKU says nothing about a scanner.
            Self::SlowScanner => {
                terminated && entry.burst.verdict == Verdict::Typing && report.error.is_none() && report.kind != "sku"
            }
            Self::Works | Self::ScanToStart => false,
        }
    }
}

/// The hints the entries call for, problems first; never empty.
#[must_use]
pub fn hints(entries: &[Entry]) -> Vec<Hint> {
    let mut found: Vec<Hint> =
        Hint::PROBLEMS.into_iter().filter(|hint| entries.iter().any(|e| hint.shown_by(e))).collect();
    if found.is_empty() {
        let scanned = entries.iter().any(|e| e.is_terminated() && e.burst.verdict == Verdict::Scanner);
        found.push(if scanned { Hint::Works } else { Hint::ScanToStart });
    }
    found
}

/// A GS1 code without GS: the parser ran past an AI's length (or into an
/// unknown AI), or a fast `01…` burst longer than a GTIN failed or fell back
/// to a SKU.
fn gs_missing(entry: &Entry) -> bool {
    let text = entry.burst.text.as_str();
    if !entry.is_terminated() || text.contains(GS) {
        return false;
    }
    let error = entry.report.error.as_deref();
    let length_error = error.is_some_and(|m| ["needs", "holds at most", "unknown AI"].iter().any(|p| m.contains(p)));
    let body = if text.starts_with(']') { text.get(3..).unwrap_or_default() } else { text };
    let long_01 = entry.burst.verdict == Verdict::Scanner && body.starts_with("01") && body.chars().count() > 16;
    (entry.report.kind == "gs1" && length_error) || (long_01 && (error.is_some() || entry.report.kind == "sku"))
}
