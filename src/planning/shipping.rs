//! Shipping at the pack station (issue 6): the weight check (the expected
//! weight against what the scale reads or the packer types), the text lines
//! scales send, and the carrier service a package ships with, chosen from a
//! rate table. Pure: the caller reads the scale and the rates file.

use serde::Deserialize;

/// The `[weighing]` tolerances. A package passes when its measured weight is
/// within the larger of `tolerance_pct` percent of the expected weight and
/// `tolerance_g` grams, lighter or heavier; exactly at the tolerance passes.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightRules {
    /// Percent of the expected weight, 0 to 100 (counted to a hundredth of a percent).
    pub tolerance_pct: f64,
    /// Grams, so light packages are not held for a few grams of tape.
    pub tolerance_g: u32,
}

impl WeightRules {
    /// What is wrong with the tolerances, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=100.0).contains(&self.tolerance_pct) {
            return Err(format!("weighing.tolerance_pct must be 0 to 100, not {}", self.tolerance_pct));
        }
        Ok(())
    }

    /// Grams a package expected to weigh `expected_g` may be off: the larger
    /// of the percentage (rounded down to whole grams) and `tolerance_g`.
    #[must_use]
    pub fn allowed_g(&self, expected_g: u32) -> u32 {
        let basis_points = (self.tolerance_pct.clamp(0.0, 100.0) * 100.0).round() as u64;
        let pct_g = u64::from(expected_g) * basis_points / 10_000;
        u32::try_from(pct_g).unwrap_or(u32::MAX).max(self.tolerance_g)
    }
}

/// The outcome of weighing a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightVerdict {
    /// Within the tolerance.
    Ok,
    /// Lighter than expected by more than the tolerance: an item may be missing.
    TooLight { by_g: u32, expected_g: u32 },
    /// Heavier than expected by more than the tolerance: an extra item, or the wrong one.
    TooHeavy { by_g: u32, expected_g: u32 },
}

impl WeightVerdict {
    /// Whether the package may ship without a recount or a supervisor.
    #[must_use]
    pub const fn is_ok(self) -> bool {
        matches!(self, Self::Ok)
    }

    /// What the packer reads, e.g. "4.2% light (−63 g); recount or ask a supervisor".
    #[must_use]
    pub fn message(self) -> String {
        let (by_g, expected_g, word, sign) = match self {
            Self::Ok => return "Weight OK".to_owned(),
            Self::TooLight { by_g, expected_g } => (by_g, expected_g, "light", '\u{2212}'),
            Self::TooHeavy { by_g, expected_g } => (by_g, expected_g, "heavy", '+'),
        };
        let off = if expected_g == 0 {
            word.to_owned()
        } else {
            let tenths = (u64::from(by_g) * 1_000 + u64::from(expected_g) / 2) / u64::from(expected_g);
            format!("{}.{}% {word}", tenths / 10, tenths % 10)
        };
        format!("{off} ({sign}{by_g} g); recount or ask a supervisor")
    }
}

/// Compares a package's measured weight with its expected weight.
#[must_use]
pub fn check_weight(expected_g: u32, measured_g: u32, rules: &WeightRules) -> WeightVerdict {
    let allowed = rules.allowed_g(expected_g);
    if measured_g < expected_g && expected_g - measured_g > allowed {
        WeightVerdict::TooLight { by_g: expected_g - measured_g, expected_g }
    } else if measured_g > expected_g && measured_g - expected_g > allowed {
        WeightVerdict::TooHeavy { by_g: measured_g - expected_g, expected_g }
    } else {
        WeightVerdict::Ok
    }
}

/// A package's expected weight: each item's unit weight (grams) times its
/// quantity, plus the carton's tare; saturating, never wrapping.
#[must_use]
pub fn expected_weight_g(items: impl IntoIterator<Item = (u32, u32)>, tare_g: u32) -> u32 {
    items.into_iter().fold(tare_g, |sum, (unit_g, qty)| sum.saturating_add(unit_g.saturating_mul(qty)))
}

/// One weight a scale sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleReading {
    pub grams: u32,
    /// False while the scale says the load is still moving.
    pub stable: bool,
}

/// A stable weight from one scale line, in grams; `None` for anything else
/// (unstable, negative, overload, tare, garbage). See [`parse_scale_reading`].
#[must_use]
pub fn parse_scale_line(line: &str) -> Option<u32> {
    parse_scale_reading(line).filter(|r| r.stable).map(|r| r.grams)
}

/// Reads one line of scale text. The line must hold exactly one number
/// (decimal point, no thousands separators) followed by its unit (`g`, `kg`,
/// `lb`/`lbs`, `oz`; any case, spaced or not), optionally signed; a minus sign
/// means a negative weight and gives `None`. Around it, separated by spaces,
/// commas or colons, only these flags may appear:
///
/// - stable: `ST` (A&D, CAS: `ST,GS,+  1.234kg`), `S` (Mettler MT-SICS: `S S  100.00 g`);
/// - unstable: `US` (`US,GS,   0.500kg`), `D` (`S D  100.00 g`), `M`, `MO`, `?` (Ohaus: `1.234 kg ?`);
/// - gross or net: `GS`, `G`, `GROSS`, `NT`, `N`, `NET`, and labels `W`, `WT`, `WEIGHT` (`W: 0.850 kg`).
///
/// Any other word (`OL` overload, `TR` tare, `I` error...) gives `None`. A
/// line without a flag (`  1234 g`, `1.234 KG`, `2.5 lb`) counts as stable:
/// such scales send only settled weights. Grams are rounded to the nearest.
#[must_use]
pub fn parse_scale_reading(line: &str) -> Option<ScaleReading> {
    let tokens = scale_tokens(line)?;
    let mut numbers =
        tokens.iter().enumerate().filter(|(_, t)| t.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
    let (at, number) = numbers.next()?;
    if numbers.next().is_some() {
        return None;
    }
    let unit = tokens.get(at + 1)?;
    let grams = to_grams(number, unit)?;
    let mut flags_end = at;
    if at > 0 && (tokens[at - 1] == "+" || tokens[at - 1] == "-") {
        if tokens[at - 1] == "-" {
            return None;
        }
        flags_end -= 1;
    }
    let mut stable = true;
    for flag in tokens[..flags_end].iter().chain(&tokens[at + 2..]) {
        match flag.as_str() {
            "ST" | "S" | "GS" | "G" | "GROSS" | "NT" | "N" | "NET" | "W" | "WT" | "WEIGHT" => {}
            "US" | "D" | "M" | "MO" | "?" => stable = false,
            _ => return None,
        }
    }
    Some(ScaleReading { grams, stable })
}

/// Splits a scale line into upper-case words, numbers and single marks
/// (`+`, `-`, `?`), at spaces, commas, colons and control characters and
/// wherever a number meets a word ("1.234kg" is "1.234", "KG").
fn scale_tokens(line: &str) -> Option<Vec<String>> {
    #[derive(PartialEq)]
    enum Kind {
        Number,
        Word,
    }
    let mut tokens = Vec::new();
    let mut current: Option<(Kind, String)> = None;
    for c in line.chars() {
        let kind = match c {
            '0'..='9' | '.' => Some(Kind::Number),
            c if c.is_ascii_alphabetic() => Some(Kind::Word),
            _ => None,
        };
        match (&mut current, kind) {
            (Some((open, text)), Some(kind)) if *open == kind => text.push(c.to_ascii_uppercase()),
            (_, kind) => {
                tokens.extend(current.take().map(|(_, text)| text));
                match kind {
                    Some(kind) => current = Some((kind, c.to_ascii_uppercase().to_string())),
                    None => match c {
                        '+' | '-' | '?' => tokens.push(c.to_string()),
                        '\u{2212}' => tokens.push("-".to_owned()),
                        c if c.is_whitespace() || c.is_control() || c == ',' || c == ':' => {}
                        _ => return None,
                    },
                }
            }
        }
    }
    tokens.extend(current.map(|(_, text)| text));
    Some(tokens)
}

/// Grams in `number` of `unit`, computed exactly and rounded to the nearest.
fn to_grams(number: &str, unit: &str) -> Option<u32> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if fraction.contains('.') || whole.len() + fraction.len() > 12 || whole.len() + fraction.len() == 0 {
        return None;
    }
    let digits: u128 = format!("{whole}{fraction}").parse().ok()?;
    let (per, of): (u128, u128) = match unit {
        "G" => (1, 1),
        "KG" => (1_000, 1),
        "LB" | "LBS" => (45_359_237, 100_000),
        "OZ" => (28_349_523_125, 1_000_000_000),
        _ => return None,
    };
    let divisor = 10u128.pow(fraction.len() as u32) * of;
    u32::try_from((digits * per + divisor / 2) / divisor).ok()
}

mod rates;
#[cfg(test)]
mod tests;

pub use rates::{
    BUNDLED_RATES, Carrier, Choice, MAX_TRANSIT_DAYS, PerZone, PriceBand, RateTable, Service, Zone, choose,
};
