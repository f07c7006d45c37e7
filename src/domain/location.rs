//! Bin codes (`AA-BBB-L`: aisle, bay, level) and ABC zones.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A storage location: aisle 1-99, bay 1-999, level A-F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BinCode {
    pub aisle: u8,
    pub bay: u16,
    pub level: char,
}

impl BinCode {
    /// Builds a bin code, checking the ranges of DESIGN section 5.
    pub fn new(aisle: u8, bay: u16, level: char) -> Result<Self, String> {
        if !(1..=99).contains(&aisle) {
            return Err(format!("aisle {aisle} is outside 01-99"));
        }
        if !(1..=999).contains(&bay) {
            return Err(format!("bay {bay} is outside 001-999"));
        }
        if !('A'..='F').contains(&level) {
            return Err(format!("level {level:?} is outside A-F"));
        }
        Ok(Self { aisle, bay, level })
    }
}

impl fmt::Display for BinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:03}-{}", self.aisle, self.bay, self.level)
    }
}

impl FromStr for BinCode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 8
            && b[2] == b'-'
            && b[6] == b'-'
            && b[..2].iter().chain(&b[3..6]).all(u8::is_ascii_digit)
            && b[7].is_ascii_alphabetic();
        if !shape_ok {
            return Err(format!("{s:?} is not a bin code (AA-BBB-L, e.g. 03-017-B)"));
        }
        let aisle = s[..2].parse().map_err(|_| format!("bad aisle in {s:?}"))?;
        let bay = s[3..6].parse().map_err(|_| format!("bad bay in {s:?}"))?;
        Self::new(aisle, bay, char::from(b[7]).to_ascii_uppercase())
    }
}

/// A bin of the warehouse with its ABC zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bin {
    pub code: BinCode,
    pub zone: Zone,
}

/// ABC zone of a bin (by distance from the depot) or class of a SKU (by demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Zone {
    A,
    B,
    C,
}

impl Zone {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        }
    }

    /// The zone of the item ranked `rank` (0 = best) of `count`: top 20% A,
    /// next 30% B, the rest C (DESIGN section 6).
    #[must_use]
    pub fn by_rank(rank: usize, count: usize) -> Self {
        // rank / count < 0.2, in integers.
        if rank * 10 < count * 2 {
            Self::A
        } else if rank * 10 < count * 5 {
            Self::B
        } else {
            Self::C
        }
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "A" => Ok(Self::A),
            "B" => Ok(Self::B),
            "C" => Ok(Self::C),
            other => Err(format!("unknown zone {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_codes_parse_and_print() {
        let bin: BinCode = "03-017-B".parse().unwrap();
        assert_eq!(bin, BinCode { aisle: 3, bay: 17, level: 'B' });
        assert_eq!(bin.to_string(), "03-017-B");
        assert_eq!("12-025-d".parse::<BinCode>().unwrap().to_string(), "12-025-D");
        for bad in ["3-017-B", "03-17-B", "00-017-B", "03-000-B", "03-017-G", "03-017-", "03_017_B", "03-0a7-B"] {
            assert!(bad.parse::<BinCode>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn zones_split_20_30_50() {
        let zones: Vec<Zone> = (0..10).map(|r| Zone::by_rank(r, 10)).collect();
        assert_eq!(zones.iter().filter(|z| **z == Zone::A).count(), 2);
        assert_eq!(zones.iter().filter(|z| **z == Zone::B).count(), 3);
        assert_eq!(zones.iter().filter(|z| **z == Zone::C).count(), 5);
        assert_eq!(zones[0], Zone::A);
        assert_eq!(zones[9], Zone::C);
    }
}
