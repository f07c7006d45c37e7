//! Numbers, money and times as operators read them.

use chrono::{DateTime, Utc};

/// `1234567` -> `1,234,567`.
#[must_use]
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Minor units as a decimal amount with its currency: `5990, EUR` -> `59.90 EUR`.
#[must_use]
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

/// How urgent a ship-by time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Late,
    /// Due within two hours.
    Soon,
    Later,
}

/// A compact countdown to `ship_by`: `in 2h05m`, `in 3d04h`, `late 0h35m`.
#[must_use]
pub fn countdown(ship_by: DateTime<Utc>, now: DateTime<Utc>) -> (String, Urgency) {
    let seconds = (ship_by - now).num_seconds();
    let minutes = seconds.unsigned_abs() / 60;
    let span = if minutes >= 24 * 60 {
        format!("{}d{:02}h", minutes / (24 * 60), minutes / 60 % 24)
    } else {
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    };
    if seconds < 0 {
        (format!("late {span}"), Urgency::Late)
    } else if seconds < 2 * 3600 {
        (format!("in {span}"), Urgency::Soon)
    } else {
        (format!("in {span}"), Urgency::Later)
    }
}

/// A short local-free timestamp: `11-21 14:05` (UTC, as stored).
#[must_use]
pub fn short_time(at: DateTime<Utc>) -> String {
    at.format("%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn counts_get_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(money(5990, "EUR"), "59.90 EUR");
        assert_eq!(money(5, "USD"), "0.05 USD");
        assert_eq!(money(-250, "GBP"), "-2.50 GBP");
    }

    #[test]
    fn countdowns_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
        let at = |h: i64, m: i64| now + chrono::Duration::minutes(h * 60 + m);
        assert_eq!(countdown(at(2, 5), now), ("in 2h05m".into(), Urgency::Later));
        assert_eq!(countdown(at(1, 59), now), ("in 1h59m".into(), Urgency::Soon));
        assert_eq!(countdown(at(0, -35), now), ("late 0h35m".into(), Urgency::Late));
        assert_eq!(countdown(at(76, 0), now), ("in 3d04h".into(), Urgency::Later));
        assert_eq!(countdown(at(-50, 0), now), ("late 2d02h".into(), Urgency::Late));
    }
}
