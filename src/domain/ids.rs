//! Identifiers printed on paper and scanned back: order numbers.

use std::fmt;
use std::str::FromStr;

/// packline's own order number, printed as `ORD-` and six or more digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderNumber(pub i64);

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ORD-{:06}", self.0)
    }
}

impl FromStr for OrderNumber {
    type Err = String;

    /// Accepts `ORD-000123` (any case) or the bare digits `123`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = match s.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("ORD-") => &s[4..],
            _ => s,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
            return Err(format!("{s:?} is not an order number (ORD- and digits)"));
        }
        digits.parse().map(OrderNumber).map_err(|_| format!("{s:?} is not an order number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_digits_and_parses_back() {
        assert_eq!(OrderNumber(123).to_string(), "ORD-000123");
        assert_eq!(OrderNumber(1_234_567).to_string(), "ORD-1234567");
        assert_eq!("ORD-000123".parse(), Ok(OrderNumber(123)));
        assert_eq!("ord-42".parse(), Ok(OrderNumber(42)));
        assert_eq!("42".parse(), Ok(OrderNumber(42)));
        assert!("ORD-".parse::<OrderNumber>().is_err());
        assert!("ORD-12a".parse::<OrderNumber>().is_err());
        assert!("lima".parse::<OrderNumber>().is_err());
    }
}
