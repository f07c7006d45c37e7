//! What a scanned string is: every kind of DESIGN section 5, checked (a bad
//! check digit is an error, never a silent accept), and the JSON line that
//! `packline scan` prints for it.

use chrono::NaiveDate;
use serde::Serialize;

use super::gs1::{self, Element, GS, Gs1Error};
use crate::domain::{BinCode, Gtin, OrderNumber};

/// Command barcodes a station can scan (`CMD-` + word).
pub const COMMANDS: [&str; 11] =
    ["CONFIRM", "SHORT", "SKIP", "UNDO", "CANCEL", "NEXT", "PRINT", "REPRINT", "OK", "LOGOUT", "HELP"];

/// A recognised scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    Gtin(Gtin),
    Gs1(Vec<Element>),
    /// Serial Shipping Container Code: 18 digits, check digit verified.
    Sscc(String),
    Bin(BinCode),
    Tote(String),
    Order(OrderNumber),
    Wave(u64),
    Badge(String),
    Rma(u64),
    Command(&'static str),
    Quantity(u32),
    Carton(String),
    Tracking(String),
    Sku(String),
}

/// A scan that cannot be used, with the kind it looked like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ScanError {
    /// The kind it looked like (`unknown` if none).
    pub kind: &'static str,
    pub reason: String,
}

impl ScanError {
    fn new(kind: &'static str, reason: impl Into<String>) -> Self {
        Self { kind, reason: reason.into() }
    }
}

impl From<Gs1Error> for ScanError {
    fn from(e: Gs1Error) -> Self {
        Self::new("gs1", e.to_string())
    }
}

/// Settings that change how a scan is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// A printable character some scanners send instead of GS (0x1D).
    pub gs_substitute: Option<char>,
    /// Today, for the GS1 century rule of two-digit years.
    pub today: NaiveDate,
}

impl Scan {
    /// The kind's name in `packline scan` output.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Gtin(_) => "gtin",
            Self::Gs1(_) => "gs1",
            Self::Sscc(_) => "sscc",
            Self::Bin(_) => "bin",
            Self::Tote(_) => "tote",
            Self::Order(_) => "order",
            Self::Wave(_) => "wave",
            Self::Badge(_) => "badge",
            Self::Rma(_) => "rma",
            Self::Command(_) => "command",
            Self::Quantity(_) => "quantity",
            Self::Carton(_) => "carton",
            Self::Tracking(_) => "tracking",
            Self::Sku(_) => "sku",
        }
    }
}

/// Reads one scanned string.
pub fn parse(raw: &str, options: &ParseOptions) -> Result<Scan, ScanError> {
    let text: String = match options.gs_substitute {
        Some(sub) => raw.chars().map(|c| if c == sub { GS } else { c }).collect(),
        None => raw.to_owned(),
    };
    let text = text.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ');
    if text.is_empty() {
        return Err(ScanError::new("unknown", "nothing was scanned"));
    }
    // AIM symbology identifiers: ]C1, ]e0, ]d2, ]Q3 announce GS1 data; others are dropped.
    if let Some((gs1_data, body)) = strip_aim(text) {
        if gs1_data {
            return gs1_scan(body, options.today);
        }
        return parse_plain(body, options.today);
    }
    if text.starts_with(GS) {
        return gs1_scan(text, options.today);
    }
    parse_plain(text, options.today)
}

/// `(announces GS1, rest)` for a string with an AIM prefix.
fn strip_aim(text: &str) -> Option<(bool, &str)> {
    let b = text.as_bytes();
    if b.len() < 3 || b[0] != b']' || !b[1].is_ascii_alphabetic() || !b[2].is_ascii_alphanumeric() {
        return None;
    }
    let gs1 = matches!(&text[1..3], "C1" | "e0" | "e1" | "e2" | "d2" | "Q3" | "J1");
    Some((gs1, &text[3..]))
}

fn gs1_scan(data: &str, today: NaiveDate) -> Result<Scan, ScanError> {
    let elements = gs1::parse(data, today)?;
    // A lone AI 00 is a package label: report it as an SSCC.
    if let [only] = elements.as_slice()
        && only.ai == "00"
    {
        return Ok(Scan::Sscc(only.value.clone()));
    }
    Ok(Scan::Gs1(elements))
}

fn parse_plain(text: &str, today: NaiveDate) -> Result<Scan, ScanError> {
    if text.contains(GS) {
        return gs1_scan(text, today);
    }
    let upper = text.to_ascii_uppercase();
    if let Some(scan) = prefixed(&upper)? {
        return Ok(scan);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return digits(text, today);
    }
    if upper.len() == 18 && upper.starts_with("1Z") && upper.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(Scan::Tracking(upper));
    }
    if looks_like_layout_mismatch(text) {
        return Err(ScanError::new(
            "unknown",
            "this looks like digits typed on a different keyboard layout (e.g. AZERTY): set the scanner's \
             keyboard layout to the station's",
        ));
    }
    if is_sku_like(text) {
        return Ok(Scan::Sku(upper));
    }
    Err(ScanError::new("unknown", "not a barcode packline knows"))
}

/// Codes with a prefix of packline's own: bins, totes, orders, waves, badges, RMAs, commands.
fn prefixed(upper: &str) -> Result<Option<Scan>, ScanError> {
    let number = |kind: &'static str, digits: &str| -> Result<u64, ScanError> {
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::new(kind, format!("{kind} numbers are digits, not {digits:?}")));
        }
        digits.parse().map_err(|_| ScanError::new(kind, "number out of range"))
    };
    let scan = if let Some(word) = upper.strip_prefix("CMD-") {
        let command = COMMANDS.iter().find(|c| **c == word).ok_or_else(|| {
            ScanError::new("command", format!("unknown command {word:?}; commands are {}", COMMANDS.join(", ")))
        })?;
        Scan::Command(command)
    } else if let Some(digits) = upper.strip_prefix("QTY-") {
        let qty = number("quantity", digits)?;
        if qty == 0 || qty > 9_999 {
            return Err(ScanError::new("quantity", "a quantity is 1 to 9999"));
        }
        Scan::Quantity(qty as u32)
    } else if let Some(code) = upper.strip_prefix("BOX-") {
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(ScanError::new("carton", "a carton code is letters and digits, e.g. BOX-M"));
        }
        Scan::Carton(code.to_owned())
    } else if let Some(digits) = upper.strip_prefix("ORD-") {
        Scan::Order(OrderNumber(number("order", digits)? as i64))
    } else if let Some(digits) = upper.strip_prefix("WAVE-") {
        Scan::Wave(number("wave", digits)?)
    } else if let Some(digits) = upper.strip_prefix("RMA-") {
        Scan::Rma(number("rma", digits)?)
    } else if let Some(digits) = upper.strip_prefix("EMP-") {
        number("badge", digits)?;
        Scan::Badge(upper.to_owned())
    } else if let Some(digits) =
        upper.strip_prefix('T').filter(|d| (4..=6).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
    {
        Scan::Tote(format!("T{digits}"))
    } else if upper.len() == 8 && upper.as_bytes()[2] == b'-' && upper.as_bytes()[6] == b'-' {
        match upper.parse::<BinCode>() {
            Ok(bin) => Scan::Bin(bin),
            Err(reason) => return Err(ScanError::new("bin", reason)),
        }
    } else {
        return Ok(None);
    };
    Ok(Some(scan))
}

/// All-digit codes: GTINs, SSCCs, GS1 strings without a prefix, tracking numbers.
fn digits(text: &str, today: NaiveDate) -> Result<Scan, ScanError> {
    match text.len() {
        8 | 12 | 13 | 14 => text.parse::<Gtin>().map(Scan::Gtin).map_err(|e| ScanError::new("gtin", e)),
        20 if text.starts_with("00") => match gs1_scan(text, today) {
            Ok(scan) => Ok(scan),
            Err(e) => Err(ScanError::new("sscc", e.reason)),
        },
        n if n > 16 && (text.starts_with("01") || text.starts_with("02")) => gs1_scan(text, today),
        12..=22 => Ok(Scan::Tracking(text.to_owned())),
        _ => Err(ScanError::new("unknown", format!("{} digits is no barcode packline knows", text.len()))),
    }
}

/// French AZERTY sends these where digits belong.
fn looks_like_layout_mismatch(text: &str) -> bool {
    let shifted = text.chars().filter(|c| "&é\"'(-è_çà§!".contains(*c)).count();
    shifted >= 3 && shifted * 2 >= text.chars().count()
}

fn is_sku_like(text: &str) -> bool {
    (2..=40).contains(&text.len())
        && text.bytes().any(|b| b.is_ascii_alphanumeric())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

/// One line of `packline scan` output (DESIGN section 5); fields that do not
/// apply are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanReport {
    pub input: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ElementReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub error: Option<String>,
}

/// One GS1 element in a [`ScanReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementReport {
    pub ai: &'static str,
    pub value: String,
    pub title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimal: Option<String>,
}

/// Parses `raw` and describes the result as `packline scan` prints it.
#[must_use]
pub fn report(raw: &str, options: &ParseOptions) -> ScanReport {
    let mut out = ScanReport {
        input: raw.to_owned(),
        kind: "unknown",
        gtin: None,
        elements: Vec::new(),
        value: None,
        error: None,
    };
    match parse(raw, options) {
        Err(e) => {
            out.kind = e.kind;
            out.error = Some(e.reason);
        }
        Ok(scan) => {
            out.kind = scan.kind();
            match scan {
                Scan::Gtin(gtin) => out.gtin = Some(gtin.to_string()),
                Scan::Gs1(elements) => {
                    out.gtin = elements.iter().find(|e| e.ai == "01").map(|e| e.value.clone());
                    out.elements = elements
                        .into_iter()
                        .map(|e| ElementReport {
                            ai: e.ai,
                            value: e.value,
                            title: e.title,
                            date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
                            decimal: e.decimal,
                        })
                        .collect();
                }
                Scan::Sscc(v) | Scan::Tote(v) | Scan::Badge(v) | Scan::Carton(v) | Scan::Tracking(v) | Scan::Sku(v) => {
                    out.value = Some(v);
                }
                Scan::Bin(bin) => out.value = Some(bin.to_string()),
                Scan::Order(number) => out.value = Some(number.to_string()),
                Scan::Wave(n) => out.value = Some(format!("WAVE-{n:06}")),
                Scan::Rma(n) => out.value = Some(format!("RMA-{n:06}")),
                Scan::Command(c) => out.value = Some(c.to_owned()),
                Scan::Quantity(q) => out.value = Some(q.to_string()),
            }
        }
    }
    out
}
