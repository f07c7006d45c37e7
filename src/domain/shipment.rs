//! What identifies a package once it is packed: its SSCC (the GS1 Serial
//! Shipping Container Code printed under AI 00) and its carrier tracking
//! number.
//!
//! The demo carrier issues tracking numbers in UPS's `1Z` form (1Z, a
//! six-character shipper account, a two-digit service code, a seven-digit
//! package reference and a check digit), so `packline scan` reads them as
//! tracking numbers.

use std::fmt;
use std::str::FromStr;

use super::sku::Gtin;

/// Why an SSCC or a tracking number cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShipmentIdError {
    #[error("the GS1 company prefix must be 4 to 12 digits, not {0:?}")]
    CompanyPrefix(String),
    #[error("the SSCC extension digit must be 0 to 9, not {0}")]
    Extension(u8),
    #[error("serial number {serial} does not fit the {digits} digits a company prefix of {prefix} leaves")]
    SerialTooLarge { serial: u64, digits: usize, prefix: String },
    #[error("{0:?} is not an SSCC (18 digits)")]
    SsccForm(String),
    #[error("check digit of SSCC {code} should be {want}")]
    SsccCheck { code: String, want: u8 },
    #[error("the carrier account must be 6 letters or digits, not {0:?}")]
    Account(String),
    #[error("the carrier service code must be 0 to 99, not {0}")]
    Service(u8),
    #[error("package reference {0} does not fit 7 digits")]
    Reference(u64),
    #[error("{0:?} is not a 1Z tracking number (1Z and 16 letters or digits)")]
    TrackingForm(String),
    #[error("check digit of tracking number {code} should be {want}")]
    TrackingCheck { code: String, want: u8 },
}

/// A Serial Shipping Container Code: 18 digits, the last a GS1 check digit.
/// Two SSCCs are equal when their digits are.
#[derive(Debug, Clone)]
pub struct Sscc {
    digits: String,
    /// Length of the company prefix, for the spaced human-readable form
    /// (0 when read from a bare string: the prefix length is then unknown).
    prefix_len: usize,
}

impl Sscc {
    /// Builds the SSCC for `serial` under a GS1 company prefix: the extension
    /// digit, the prefix, the serial zero-padded to the digits left, and the
    /// check digit (the GS1 mod-10 of [`Gtin::check_digit`]).
    pub fn new(company_prefix: &str, extension: u8, serial: u64) -> Result<Self, ShipmentIdError> {
        if !(4..=12).contains(&company_prefix.len()) || !company_prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ShipmentIdError::CompanyPrefix(company_prefix.to_owned()));
        }
        if extension > 9 {
            return Err(ShipmentIdError::Extension(extension));
        }
        let serial_digits = 16 - company_prefix.len();
        if serial.to_string().len() > serial_digits {
            return Err(ShipmentIdError::SerialTooLarge {
                serial,
                digits: serial_digits,
                prefix: company_prefix.to_owned(),
            });
        }
        let body = format!("{extension}{company_prefix}{serial:0serial_digits$}");
        let check = Gtin::check_digit(body.as_bytes());
        Ok(Self { digits: format!("{body}{check}"), prefix_len: company_prefix.len() })
    }

    /// The 18 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The GS1 element string: AI `00` and the 18 digits (what a GS1-128
    /// symbol carries after its leading FNC1).
    #[must_use]
    pub fn element_string(&self) -> String {
        format!("00{}", self.digits)
    }

    /// The line printed under the symbol: `(00) 3 4012345 000000001 7` when
    /// the company prefix is known, `(00) 340123450000000017` otherwise.
    #[must_use]
    pub fn human_readable(&self) -> String {
        let d = &self.digits;
        if self.prefix_len == 0 {
            return format!("(00) {d}");
        }
        let prefix_end = 1 + self.prefix_len;
        format!("(00) {} {} {} {}", &d[..1], &d[1..prefix_end], &d[prefix_end..17], &d[17..])
    }
}

impl PartialEq for Sscc {
    fn eq(&self, other: &Self) -> bool {
        self.digits == other.digits
    }
}

impl Eq for Sscc {}

impl std::hash::Hash for Sscc {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.digits.hash(state);
    }
}

impl FromStr for Sscc {
    type Err = ShipmentIdError;

    /// Reads 18 digits (or AI 00 and 18 digits), check digit verified.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = if s.len() == 20 && s.starts_with("00") { &s[2..] } else { s };
        if digits.len() != 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ShipmentIdError::SsccForm(s.to_owned()));
        }
        let want = Gtin::check_digit(&digits.as_bytes()[..17]);
        if digits.as_bytes()[17] - b'0' != want {
            return Err(ShipmentIdError::SsccCheck { code: digits.to_owned(), want });
        }
        Ok(Self { digits: digits.to_owned(), prefix_len: 0 })
    }
}

impl fmt::Display for Sscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

/// A carrier tracking number in UPS's `1Z` form, check digit verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Issues the number for one package: `1Z`, the shipper `account` (six
    /// letters or digits, upper-cased), the two-digit `service` code, the
    /// seven-digit package `reference` and the UPS check digit.
    pub fn ups(account: &str, service: u8, reference: u64) -> Result<Self, ShipmentIdError> {
        let account = account.to_ascii_uppercase();
        if account.len() != 6 || !account.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ShipmentIdError::Account(account));
        }
        if service > 99 {
            return Err(ShipmentIdError::Service(service));
        }
        if reference > 9_999_999 {
            return Err(ShipmentIdError::Reference(reference));
        }
        let body = format!("{account}{service:02}{reference:07}");
        let check = ups_check_digit(body.as_bytes());
        Ok(Self(format!("1Z{body}{check}")))
    }

    /// The 18 characters, as scanned.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for people, as UPS prints it: `1Z 999 AA1 01 2345 678 4`.
    #[must_use]
    pub fn human_readable(&self) -> String {
        let t = &self.0;
        format!("{} {} {} {} {} {} {}", &t[..2], &t[2..5], &t[5..8], &t[8..10], &t[10..14], &t[14..17], &t[17..])
    }
}

/// The UPS check digit of the 15 characters after `1Z`: letters count as
/// `(letter - 'A' + 2) mod 10`, characters in even positions (second,
/// fourth...) are doubled, and the digit brings the sum to a multiple of ten.
#[must_use]
pub fn ups_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let value = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A' + 2) % 10 };
            if i % 2 == 1 { value * 2 } else { value }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl FromStr for TrackingNumber {
    type Err = ShipmentIdError;

    /// Reads a `1Z` number (any case), check digit verified.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let b = upper.as_bytes();
        if b.len() != 18 || !upper.starts_with("1Z") || !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(ShipmentIdError::TrackingForm(s.to_owned()));
        }
        let want = ups_check_digit(&b[2..17]);
        if !b[17].is_ascii_digit() || b[17] - b'0' != want {
            return Err(ShipmentIdError::TrackingCheck { code: upper, want });
        }
        Ok(Self(upper))
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssccs_get_their_check_digit_and_spaced_line() {
        let sscc = Sscc::new("4012345", 3, 1).unwrap();
        assert_eq!(sscc.as_str(), "340123450000000017");
        assert_eq!(sscc.element_string(), "00340123450000000017");
        assert_eq!(sscc.human_readable(), "(00) 3 4012345 000000001 7");
        // GS1's own example: 00 1 0614141 123456789 7.
        let sscc = Sscc::new("0614141", 1, 123_456_789).unwrap();
        assert_eq!(sscc.as_str(), "106141411234567897");
        assert_eq!("00106141411234567897".parse::<Sscc>().unwrap(), sscc);
        assert_eq!(sscc.as_str().parse::<Sscc>().unwrap().human_readable(), "(00) 106141411234567897");
    }

    #[test]
    fn bad_ssccs_are_refused() {
        assert_eq!(Sscc::new("40123", 3, 1).unwrap().as_str().len(), 18);
        assert!(matches!(Sscc::new("401", 3, 1), Err(ShipmentIdError::CompanyPrefix(_))));
        assert!(matches!(Sscc::new("40123A5", 3, 1), Err(ShipmentIdError::CompanyPrefix(_))));
        assert_eq!(Sscc::new("4012345", 10, 1), Err(ShipmentIdError::Extension(10)));
        assert!(Sscc::new("4012345", 0, 999_999_999).is_ok());
        let e = Sscc::new("4012345", 0, 1_000_000_000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "serial number 1000000000 does not fit the 9 digits a company prefix of 4012345 leaves"
        );
        assert_eq!(
            "106141411234567898".parse::<Sscc>(),
            Err(ShipmentIdError::SsccCheck { code: "106141411234567898".into(), want: 7 })
        );
        assert!("10614141123456789".parse::<Sscc>().is_err());
    }

    #[test]
    fn ups_numbers_check_out() {
        let known: TrackingNumber = "1Z999AA10123456784".parse().unwrap();
        assert_eq!(known.human_readable(), "1Z 999 AA1 01 2345 678 4");
        assert_eq!(TrackingNumber::ups("999aa1", 1, 2_345_678).unwrap(), known);
        // Any one character changed is caught.
        for (i, replacement) in [(5, 'B'), (9, '2'), (17, '5'), (12, '0')] {
            let mut wrong: Vec<char> = "1Z999AA10123456784".chars().collect();
            wrong[i] = replacement;
            let wrong: String = wrong.into_iter().collect();
            assert!(matches!(wrong.parse::<TrackingNumber>(), Err(ShipmentIdError::TrackingCheck { .. })), "{wrong}");
        }
        assert!(matches!("1Z999AA1012345678".parse::<TrackingNumber>(), Err(ShipmentIdError::TrackingForm(_))));
        assert!(matches!("2Z999AA10123456784".parse::<TrackingNumber>(), Err(ShipmentIdError::TrackingForm(_))));
    }

    #[test]
    fn issued_numbers_verify() {
        for reference in [0, 1, 42, 9_999_999] {
            let t = TrackingNumber::ups("A1B2C3", 3, reference).unwrap();
            assert_eq!(t.as_str().parse::<TrackingNumber>().unwrap(), t);
        }
        assert_eq!(TrackingNumber::ups("999AA", 1, 1), Err(ShipmentIdError::Account("999AA".into())));
        assert_eq!(TrackingNumber::ups("999AA1", 100, 1), Err(ShipmentIdError::Service(100)));
        assert_eq!(TrackingNumber::ups("999AA1", 1, 10_000_000), Err(ShipmentIdError::Reference(10_000_000)));
    }
}
