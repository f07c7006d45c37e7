//! Shipping services: the carrier service a channel's service name ("express",
//! "next_day") ships with, how many days the warehouse has to ship it and how
//! urgent it is. Configured in `[rules.services]` for every channel and in
//! `[rules.channel_services.CODE]` for one channel; read by order files (ship-by
//! and priority) and by validation (carrier service, `unknown_service`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

/// Days to ship an order whose service maps to nothing (it is held anyway).
pub const UNKNOWN_SHIP_DAYS: u32 = 2;
/// Priority of an order whose service maps to nothing: the default.
pub const UNKNOWN_PRIORITY: i64 = 5;
/// The longest `ship_days` a rule may give.
pub const MAX_SHIP_DAYS: u32 = 365;

/// What one service name means to the warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRule {
    /// The carrier service the order ships with, e.g. `DHL Paket`.
    pub carrier: String,
    /// Days from the order's creation to its ship-by when the channel gives none.
    pub ship_days: u32,
    /// 1 is the most urgent, 9 the least.
    pub priority: i64,
}

impl ServiceRule {
    /// What is wrong with the rule, if anything; `key` names it in the message
    /// (e.g. `rules.services.express`).
    pub fn check(&self, key: &str) -> Result<(), String> {
        if self.carrier.trim().is_empty() {
            return Err(format!("{key}.carrier must name a carrier service, not be empty"));
        }
        if !(1..=9).contains(&self.priority) {
            return Err(format!("{key}.priority must be 1 (most urgent) to 9, not {}", self.priority));
        }
        if self.ship_days > MAX_SHIP_DAYS {
            return Err(format!("{key}.ship_days must be at most {MAX_SHIP_DAYS}, not {}", self.ship_days));
        }
        Ok(())
    }
}

/// Looks service names up, ignoring ASCII case: the channel's own names first,
/// then the names every channel shares. Borrows the config.
#[derive(Debug, Clone, Copy)]
pub struct ServiceBook<'a> {
    services: &'a BTreeMap<String, ServiceRule>,
    channel_services: &'a BTreeMap<String, BTreeMap<String, ServiceRule>>,
}

impl<'a> ServiceBook<'a> {
    /// A book over the shared names and the per-channel names (keyed by channel code).
    #[must_use]
    pub const fn new(
        services: &'a BTreeMap<String, ServiceRule>,
        channel_services: &'a BTreeMap<String, BTreeMap<String, ServiceRule>>,
    ) -> Self {
        Self { services, channel_services }
    }

    /// The rule for `service` on `channel` (channel codes match exactly), if any.
    #[must_use]
    pub fn rule(self, channel: &str, service: &str) -> Option<&'a ServiceRule> {
        let service = service.trim();
        let find = |table: &'a BTreeMap<String, ServiceRule>| {
            table.iter().find(|(name, _)| name.eq_ignore_ascii_case(service)).map(|(_, rule)| rule)
        };
        self.channel_services.get(channel).and_then(find).or_else(|| find(self.services))
    }

    /// The ship-by of an order created at `created_at` whose channel gave none:
    /// `ship_days` whole days later (24-hour days, no calendar or cut-off), or
    /// [`UNKNOWN_SHIP_DAYS`] for a service that maps to nothing.
    #[must_use]
    pub fn ship_by(self, channel: &str, service: &str, created_at: DateTime<Utc>) -> DateTime<Utc> {
        let days = self.rule(channel, service).map_or(UNKNOWN_SHIP_DAYS, |r| r.ship_days);
        created_at.checked_add_signed(Duration::days(i64::from(days))).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The service's priority, or [`UNKNOWN_PRIORITY`] for one that maps to nothing.
    #[must_use]
    pub fn priority(self, channel: &str, service: &str) -> i64 {
        self.rule(channel, service).map_or(UNKNOWN_PRIORITY, |r| r.priority)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn rule(carrier: &str, ship_days: u32, priority: i64) -> ServiceRule {
        ServiceRule { carrier: carrier.into(), ship_days, priority }
    }

    #[test]
    fn channel_names_come_first_and_case_is_ignored() {
        let services: BTreeMap<String, ServiceRule> = [("express".to_owned(), rule("DHL Express", 1, 3))].into();
        let market: BTreeMap<String, ServiceRule> = [("Express".to_owned(), rule("UPS Express", 0, 2))].into();
        let channels = [("market".to_owned(), market)].into();
        let book = ServiceBook::new(&services, &channels);
        assert_eq!(book.rule("shop", "EXPRESS").map(|r| r.carrier.as_str()), Some("DHL Express"));
        assert_eq!(book.rule("market", " express ").map(|r| r.carrier.as_str()), Some("UPS Express"));
        assert_eq!(book.rule("Market", "express").map(|r| r.carrier.as_str()), Some("DHL Express"));
        assert_eq!(book.rule("shop", "pigeon"), None);
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        assert_eq!(book.ship_by("market", "express", at), at);
        assert_eq!(book.ship_by("shop", "pigeon", at) - at, Duration::days(2));
        assert_eq!((book.priority("shop", "express"), book.priority("shop", "pigeon")), (3, 5));
    }

    #[test]
    fn rules_are_checked() {
        assert!(rule("DHL", 2, 5).check("k").is_ok());
        assert_eq!(rule("DHL", 2, 0).check("k").unwrap_err(), "k.priority must be 1 (most urgent) to 9, not 0");
        assert!(rule("DHL", 2, 10).check("k").is_err());
        assert!(rule(" ", 2, 5).check("k").unwrap_err().starts_with("k.carrier"));
        assert!(rule("DHL", 366, 5).check("k").unwrap_err().starts_with("k.ship_days"));
    }
}
