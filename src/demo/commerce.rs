//! How the demo's channels sell: the channels and their shipping services,
//! carrier cutoffs and ship-by rules, and prices in the customer's currency.

use super::places::Country;

/// The demo's sales channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Shop,
    Market,
    B2b,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Shop, Self::Market, Self::B2b];

    /// Code, display name and connector kind, as registered in the store.
    pub const fn registration(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Shop => ("shop", "Webshop", "rest"),
            Self::Market => ("market", "Marketplace", "rest"),
            Self::B2b => ("b2b", "B2B portal", "file"),
        }
    }

    /// The shipping services this channel sells, with their shares.
    pub fn services(self) -> &'static [(Service, u32)] {
        match self {
            Self::Shop => &[(Service::Standard, 70), (Service::Express, 20), (Service::Economy, 10)],
            Self::Market => &[(Service::Standard, 78), (Service::Express, 15), (Service::Economy, 7)],
            Self::B2b => &[(Service::Standard, 60), (Service::Economy, 40)],
        }
    }
}

/// A shipping service, stored by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Standard,
    Express,
    Economy,
}

impl Service {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Express => "express",
            Self::Economy => "economy",
        }
    }

    /// Default priority (1 is the most urgent).
    pub const fn priority(self) -> i64 {
        match self {
            Self::Express => 3,
            Self::Standard => 5,
            Self::Economy => 7,
        }
    }
}

/// Seconds in an hour and in a day (times here are unix seconds).
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;
/// Carrier pickup, UTC: express orders placed an hour before it ship that day.
const CUTOFF: i64 = 14 * HOUR;

/// Orders per hundred by channel.
pub const CHANNEL_SHARES: &[(Channel, u32)] = &[(Channel::Shop, 56), (Channel::Market, 40), (Channel::B2b, 4)];

/// The carrier pickup an order must make: express the same day when placed an
/// hour before the cutoff, standard the next day (the day after when placed
/// after noon), economy three days on.
pub fn ship_by(created: i64, service: Service) -> i64 {
    let day = created - created.rem_euclid(DAY);
    let days = match service {
        Service::Express => i64::from(created >= day + CUTOFF - HOUR),
        Service::Standard => 1 + i64::from(created >= day + 12 * HOUR),
        Service::Economy => 3,
    };
    day + CUTOFF + days * DAY
}

/// A euro-cent price in the destination's currency, ending in .99 when converted.
pub fn local_price(eur_cents: i64, country: &Country) -> i64 {
    let (num, den) = country.rate;
    if num == den {
        return eur_cents;
    }
    let units = (eur_cents * num / den + 50) / 100;
    (units * 100 - 1).max(1)
}
