//! Money facts shared by order files and validation: amounts are integer minor
//! units, and a currency's exponent says how many minor units make one major.

/// Decimal places of `currency` (ISO 4217, upper case): 0 for JPY and other
/// currencies without minor units, 3 for the dinars and rials that have
/// thousandths, 2 for the rest.
#[must_use]
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "HUF" => 0,
        "BHD" | "KWD" | "JOD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// `major` whole units of `currency` in minor units: 500 EUR -> 50,000.
/// Wide enough that no configured amount overflows.
#[must_use]
pub fn major_to_minor(major: u64, currency: &str) -> i128 {
    i128::from(major) * 10_i128.pow(exponent(currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!((exponent("EUR"), exponent("JPY"), exponent("KWD")), (2, 0, 3));
        assert_eq!(major_to_minor(500, "EUR"), 50_000);
        assert_eq!(major_to_minor(80_000, "JPY"), 80_000);
        assert_eq!(major_to_minor(u64::MAX, "KWD"), i128::from(u64::MAX) * 1_000);
    }
}
