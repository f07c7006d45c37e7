//! Stock-keeping units and their GTINs.

use std::fmt;
use std::str::FromStr;

/// A GTIN (EAN-8, UPC-A, EAN-13 or GTIN-14), kept as 14 digits with a
/// verified check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

impl Gtin {
    /// The 14-digit form (zero-padded), as stored and reported.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The GS1 check digit for `body` (all digits but the last).
    #[must_use]
    pub fn check_digit(body: &[u8]) -> u8 {
        let sum: u32 =
            body.iter().rev().enumerate().map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
        ((10 - sum % 10) % 10) as u8
    }

    /// Makes a GTIN-13 from a 12-digit body by appending its check digit.
    #[must_use]
    pub fn from_body13(body: &str) -> Option<Self> {
        (body.len() == 12 && body.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Self(format!("0{body}{}", Self::check_digit(body.as_bytes()))))
    }
}

impl FromStr for Gtin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if !matches!(b.len(), 8 | 12 | 13 | 14) || !b.iter().all(u8::is_ascii_digit) {
            return Err(format!("{s:?} is not a GTIN (8, 12, 13 or 14 digits)"));
        }
        let (body, check) = b.split_at(b.len() - 1);
        let want = Self::check_digit(body);
        if check[0] - b'0' != want {
            return Err(format!("check digit of {s} should be {want}"));
        }
        Ok(Self(format!("{s:0>14}")))
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What order validation needs to know about one SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkuFacts {
    /// HS code, origin and customs value are all present.
    pub customs_complete: bool,
}

/// A SKU as created by the catalogue or the demo.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSku {
    /// The store's own SKU code, e.g. `MUG-RED`.
    pub code: String,
    pub title: String,
    pub gtins: Vec<Gtin>,
    pub length_mm: u32,
    pub width_mm: u32,
    pub height_mm: u32,
    pub weight_g: u32,
    pub lot_tracked: bool,
    pub expiry_tracked: bool,
    pub serial_tracked: bool,
    /// Customs data, needed for international orders.
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub customs_value_minor: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_gtins_are_padded_to_14() {
        assert_eq!("4006381333931".parse::<Gtin>().unwrap().as_str(), "04006381333931");
        assert_eq!("96385074".parse::<Gtin>().unwrap().as_str(), "00000096385074");
        assert_eq!("036000291452".parse::<Gtin>().unwrap().as_str(), "00036000291452");
        assert_eq!("10614141000415".parse::<Gtin>().unwrap().as_str(), "10614141000415");
    }

    #[test]
    fn a_wrong_check_digit_is_named() {
        let err = "4006381333932".parse::<Gtin>().unwrap_err();
        assert_eq!(err, "check digit of 4006381333932 should be 1");
        assert!("400638133393".parse::<Gtin>().is_err());
        assert!("40063813339a1".parse::<Gtin>().is_err());
    }

    #[test]
    fn bodies_get_their_check_digit() {
        let gtin = Gtin::from_body13("400638133393").unwrap();
        assert_eq!(gtin.as_str(), "04006381333931");
        assert_eq!(gtin.as_str()[1..].parse::<Gtin>().unwrap(), gtin);
    }
}
