//! GS1 element strings: AIs, their data, FNC1/GS separators, dates (with the
//! GS1 century rule and day 00) and check digits.

use chrono::{Datelike, NaiveDate};

use super::ai::{self, AiSpec, Content};
use crate::domain::Gtin;

/// The group separator (FNC1 in the data): ASCII 29.
pub const GS: char = '\u{1d}';

/// One element of a GS1 string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub ai: &'static str,
    pub title: &'static str,
    pub value: String,
    /// For YYMMDD AIs: the date (day 00 = last day of the month).
    pub date: Option<NaiveDate>,
    /// For AIs with implied decimals: the value with its decimal point.
    pub decimal: Option<String>,
}

/// Why an element string cannot be read, in the operator's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Gs1Error {
    #[error("no GS1 data after the symbology prefix")]
    Empty,
    #[error("unknown AI at \"{0}\"")]
    UnknownAi(String),
    #[error("AI {ai} needs {len} digits")]
    TooShort { ai: &'static str, len: u8 },
    #[error("AI {ai} holds at most {max} characters")]
    TooLong { ai: &'static str, max: u8 },
    #[error("AI {ai} needs at least {min} characters")]
    BelowMinimum { ai: &'static str, min: u8 },
    #[error("AI {ai} takes digits only, not {found:?}")]
    NotNumeric { ai: &'static str, found: char },
    #[error("AI {ai} has a character GS1 does not allow: {found:?}")]
    BadCharacter { ai: &'static str, found: char },
    #[error("AI {ai}: {date} is not a date (YYMMDD)")]
    BadDate { ai: &'static str, date: String },
    #[error("AI {ai}: check digit should be {want}")]
    CheckDigit { ai: &'static str, want: u8 },
    #[error("AI {0} appears twice")]
    Repeated(&'static str),
}

/// Reads a GS1 element string (no symbology prefix; a leading GS is allowed).
pub fn parse(data: &str, today: NaiveDate) -> Result<Vec<Element>, Gs1Error> {
    let mut rest = data.strip_prefix(GS).unwrap_or(data);
    if rest.is_empty() {
        return Err(Gs1Error::Empty);
    }
    let mut elements: Vec<Element> = Vec::new();
    while !rest.is_empty() {
        let spec = ai::lookup(rest).ok_or_else(|| Gs1Error::UnknownAi(rest.chars().take(8).collect()))?;
        let after_ai = &rest[spec.ai.len()..];
        let (value, next) = take_value(spec, after_ai)?;
        check_content(spec, value)?;
        if elements.iter().any(|e| e.ai == spec.ai) {
            return Err(Gs1Error::Repeated(spec.ai));
        }
        let day = if spec.content == Content::Date { Some(parse_date(spec, value, today)?) } else { None };
        let decimal = spec.implied_decimals().map(|places| with_decimals(spec.ai, places, value));
        elements.push(Element { ai: spec.ai, title: spec.title, value: value.to_owned(), date: day, decimal });
        rest = next;
    }
    Ok(elements)
}

/// Splits off this element's data: fixed length, or up to a GS (or the end).
fn take_value<'a>(spec: &AiSpec, data: &'a str) -> Result<(&'a str, &'a str), Gs1Error> {
    if spec.min_len == spec.max_len {
        let len = usize::from(spec.max_len);
        let value =
            data.get(..len).filter(|v| !v.contains(GS)).ok_or(Gs1Error::TooShort { ai: spec.ai, len: spec.max_len })?;
        // Some scanners send a GS after fixed-length data too; it is harmless.
        let next = &data[len..];
        return Ok((value, next.strip_prefix(GS).unwrap_or(next)));
    }
    let end = data.find(GS).unwrap_or(data.len());
    let value = &data[..end];
    let chars = value.chars().count();
    if chars > usize::from(spec.max_len) {
        return Err(Gs1Error::TooLong { ai: spec.ai, max: spec.max_len });
    }
    if chars < usize::from(spec.min_len).max(1) {
        return Err(Gs1Error::BelowMinimum { ai: spec.ai, min: spec.min_len.max(1) });
    }
    let next = &data[end..];
    Ok((value, next.strip_prefix(GS).unwrap_or(next)))
}

fn check_content(spec: &AiSpec, value: &str) -> Result<(), Gs1Error> {
    match spec.content {
        Content::Numeric | Content::Date | Content::Decimal => {
            if let Some(found) = value.chars().find(|c| !c.is_ascii_digit()) {
                return Err(Gs1Error::NotNumeric { ai: spec.ai, found });
            }
        }
        Content::Alphanumeric => {
            if let Some(found) = value.chars().find(|c| !is_cset82(*c)) {
                return Err(Gs1Error::BadCharacter { ai: spec.ai, found });
            }
        }
    }
    // The check digit ends the data, or (GDTI, GCN, GRAI, ITIP...) ends a key
    // that the rest of the data follows.
    let keyed = if spec.check_digit { Some(value.len()) } else { ai::inner_check_len(spec.ai) };
    if let Some(key) = keyed.filter(|len| *len >= 2) {
        let digits = value.get(..key).filter(|k| k.bytes().all(|b| b.is_ascii_digit()));
        let digits = digits.ok_or(Gs1Error::NotNumeric { ai: spec.ai, found: first_non_digit(value) })?;
        let (body, last) = digits.split_at(key - 1);
        let want = Gtin::check_digit(body.as_bytes());
        if last.as_bytes()[0] - b'0' != want {
            return Err(Gs1Error::CheckDigit { ai: spec.ai, want });
        }
    }
    Ok(())
}

fn first_non_digit(value: &str) -> char {
    value.chars().find(|c| !c.is_ascii_digit()).unwrap_or(' ')
}

/// GS1 AI encodable character set 82.
fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// YYMMDD with the GS1 century rule (the year lies within -49/+50 years of
/// today) and day 00 meaning the last day of the month.
fn parse_date(spec: &AiSpec, value: &str, today: NaiveDate) -> Result<NaiveDate, Gs1Error> {
    let bad = || Gs1Error::BadDate { ai: spec.ai, date: value.to_owned() };
    let num = |range: std::ops::Range<usize>| value.get(range).and_then(|s| s.parse::<u32>().ok()).ok_or_else(bad);
    let (yy, month, day) = (num(0..2)? as i32, num(2..4)?, num(4..6)?);
    let this_year = today.year();
    let century = this_year - this_year.rem_euclid(100);
    let diff = yy - this_year.rem_euclid(100);
    let year = if diff >= 51 {
        century - 100 + yy
    } else if diff <= -50 {
        century + 100 + yy
    } else {
        century + yy
    };
    if day == 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        let next_month = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
        return next_month.pred_opt().ok_or_else(bad);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
}

/// `001250` with AI 3103 -> `1.250`; an amount with its ISO currency first
/// (391n, 393n) keeps the code in front: `9781250` with 3912 -> `978 12.50`.
fn with_decimals(ai: &str, places: u32, value: &str) -> String {
    let (currency, amount) =
        if ai::currency_prefixed(ai) && value.len() > 3 { (Some(&value[..3]), &value[3..]) } else { (None, value) };
    let places = (places as usize).min(amount.len());
    let (whole, fraction) = amount.split_at(amount.len() - places);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let number = if places == 0 { whole.to_owned() } else { format!("{whole}.{fraction}") };
    match currency {
        Some(code) => format!("{code} {number}"),
        None => number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn gtin_expiry_and_lot() {
        let elements = parse("010950110153000317260630102402", today()).unwrap();
        let ais: Vec<&str> = elements.iter().map(|e| e.ai).collect();
        assert_eq!(ais, ["01", "17", "10"]);
        assert_eq!(elements[0].value, "09501101530003");
        assert_eq!(elements[1].date, NaiveDate::from_ymd_opt(2026, 6, 30));
        assert_eq!(elements[2].value, "2402");
    }

    #[test]
    fn variable_length_data_ends_at_gs() {
        let elements = parse("\u{1d}10ABC-1\u{1d}21SN77\u{1d}3103001250", today()).unwrap();
        assert_eq!(elements[0].value, "ABC-1");
        assert_eq!(elements[1].value, "SN77");
        assert_eq!(elements[2].decimal.as_deref(), Some("1.250"));
    }

    #[test]
    fn day_00_is_the_last_day_and_years_follow_the_century_rule() {
        let e = parse("17240200", today()).unwrap();
        assert_eq!(e[0].date, NaiveDate::from_ymd_opt(2024, 2, 29));
        // 2026 + 50 = 2076 stays this century; 77 is read as 1977.
        assert_eq!(parse("17761231", today()).unwrap()[0].date, NaiveDate::from_ymd_opt(2076, 12, 31));
        assert_eq!(parse("17770101", today()).unwrap()[0].date, NaiveDate::from_ymd_opt(1977, 1, 1));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(parse("1726063", today()).unwrap_err().to_string(), "AI 17 needs 6 digits");
        assert_eq!(parse("17261332", today()).unwrap_err().to_string(), "AI 17: 261332 is not a date (YYMMDD)");
        assert_eq!(parse("0109501101530004", today()).unwrap_err().to_string(), "AI 01: check digit should be 3");
        assert!(parse("10", today()).is_err());
        assert!(parse("10ABCDEFGHIJKLMNOPQRSTU", today()).unwrap_err().to_string().contains("at most 20"));
        assert!(matches!(parse("23", today()), Err(Gs1Error::UnknownAi(_))));
        assert!(parse("010950110153000301095011015300", today()).is_err());
        // GDTI (253): the check digit ends the 13-digit key, a serial follows.
        assert!(parse("2534000001000012ABC", today()).is_ok());
        assert_eq!(parse("2534000001000019ABC", today()).unwrap_err().to_string(), "AI 253: check digit should be 2");
    }

    #[test]
    fn amounts_keep_their_currency() {
        let e = parse("39129781250", today()).unwrap();
        assert_eq!(e[0].decimal.as_deref(), Some("978 12.50"));
        assert_eq!(parse("3922001250", today()).unwrap()[0].decimal.as_deref(), Some("12.50"));
    }
}
