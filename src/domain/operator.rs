//! People on the floor and what their role lets them do.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an operator is signed in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Picker,
    Packer,
    Supervisor,
}

impl Role {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Picker => "picker",
            Self::Packer => "packer",
            Self::Supervisor => "supervisor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "picker" => Ok(Self::Picker),
            "packer" => Ok(Self::Packer),
            "supervisor" => Ok(Self::Supervisor),
            other => Err(format!("unknown role {other:?} (picker, packer or supervisor)")),
        }
    }
}

/// An operator known to the store, identified by a badge such as `EMP-0001`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub badge: String,
    pub name: String,
    pub role: Role,
}

/// Checks the badge form `EMP-` + digits.
#[must_use]
pub fn is_badge(s: &str) -> bool {
    s.strip_prefix("EMP-").is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_badges() {
        for role in [Role::Picker, Role::Packer, Role::Supervisor] {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        assert!("boss".parse::<Role>().is_err());
        assert!(is_badge("EMP-0001"));
        assert!(!is_badge("EMP-"));
        assert!(!is_badge("EMP-00x1"));
        assert!(!is_badge("emp-0001"));
    }
}

/// Who does something, for the audit trail: the station (terminal) and the
/// signed-in operator's badge (or `-` before sign-in, `system` for automation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub station: String,
    pub operator: String,
}

impl Actor {
    #[must_use]
    pub fn new(station: impl Into<String>, operator: impl Into<String>) -> Self {
        Self { station: station.into(), operator: operator.into() }
    }
}
