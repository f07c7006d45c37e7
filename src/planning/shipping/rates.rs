//! The rate table (`assets/rates.toml`, or `[rates] file`) and the choice of
//! the carrier service a package ships with.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Deserialize;

/// The rate table bundled with packline (`assets/rates.toml`).
pub const BUNDLED_RATES: &str = include_str!("../../../assets/rates.toml");

/// The longest transit a service may give, in working days.
pub const MAX_TRANSIT_DAYS: u32 = 60;

/// Where a package goes, as rate tables price it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The warehouse's own country.
    Domestic,
    /// A country of the table's `eu` list.
    Eu,
    /// Anywhere else.
    World,
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Domestic => "domestic",
            Self::Eu => "eu",
            Self::World => "world",
        })
    }
}

/// A value per zone; a zone left out is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerZone {
    pub domestic: Option<u32>,
    pub eu: Option<u32>,
    pub world: Option<u32>,
}

impl PerZone {
    /// The value for `zone`, if it is served.
    #[must_use]
    pub const fn get(&self, zone: Zone) -> Option<u32> {
        match zone {
            Zone::Domestic => self.domestic,
            Zone::Eu => self.eu,
            Zone::World => self.world,
        }
    }
}

/// The carriers, their services and prices (`assets/rates.toml` documents the format).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// The warehouse's country (ISO 3166 code): destinations there are domestic.
    pub home: String,
    /// The currency of every price (ISO 4217 code); prices are in its minor units.
    pub currency: String,
    /// The countries of the `eu` zone; any other but `home` is `world`.
    pub eu: Vec<String>,
    /// The days carriers collect and deliver; transit counts only these.
    #[serde(default = "weekdays")]
    pub working_days: Vec<Weekday>,
    #[serde(rename = "carrier")]
    pub carriers: Vec<Carrier>,
}

fn weekdays() -> Vec<Weekday> {
    vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
}

/// One carrier and the services it sells.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    pub name: String,
    #[serde(rename = "service")]
    pub services: Vec<Service>,
}

/// One carrier service: when it leaves, how long it takes, what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The carrier service as `[rules.services]` names it, e.g. `DHL Paket`.
    pub name: String,
    /// The daily hand-over cut-off (UTC): parcels handed over before it leave that day.
    pub cutoff: NaiveTime,
    /// The heaviest package it takes, in grams.
    pub max_weight_g: u32,
    /// Working days from hand-over to delivery, per zone.
    pub transit_days: PerZone,
    /// Weight bands, lightest first.
    pub prices: Vec<PriceBand>,
}

/// Packages up to `up_to_g` grams (and above the band before) cost these minor units per zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceBand {
    pub up_to_g: u32,
    pub domestic: Option<u32>,
    pub eu: Option<u32>,
    pub world: Option<u32>,
}

impl PriceBand {
    const fn zones(&self) -> PerZone {
        PerZone { domestic: self.domestic, eu: self.eu, world: self.world }
    }
}

impl Service {
    /// The price of a package of `weight_g` to `zone`, if the service takes it there.
    #[must_use]
    pub fn price(&self, zone: Zone, weight_g: u32) -> Option<u32> {
        if weight_g > self.max_weight_g {
            return None;
        }
        self.prices.iter().find(|band| weight_g <= band.up_to_g).and_then(|band| band.zones().get(zone))
    }

    /// What is wrong with the service, if anything.
    fn check(&self) -> Result<(), String> {
        if self.max_weight_g == 0 {
            return Err("max_weight_g must be above 0".into());
        }
        let zones = [Zone::Domestic, Zone::Eu, Zone::World];
        if zones.iter().all(|&zone| self.transit_days.get(zone).is_none()) {
            return Err("transit_days must give at least one zone (domestic, eu, world)".into());
        }
        if let Some(days) = zones.iter().filter_map(|&zone| self.transit_days.get(zone)).find(|&d| d > MAX_TRANSIT_DAYS)
        {
            return Err(format!("transit_days must be at most {MAX_TRANSIT_DAYS}, not {days}"));
        }
        let mut below = 0;
        for band in &self.prices {
            if band.up_to_g <= below {
                return Err(format!("price bands must rise: up_to_g = {} after {below}", band.up_to_g));
            }
            below = band.up_to_g;
            for zone in zones {
                match (self.transit_days.get(zone), band.zones().get(zone)) {
                    (Some(_), None) => {
                        return Err(format!(
                            "the band up to {} g has no {zone} price, but {zone} has transit_days",
                            band.up_to_g
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(format!(
                            "the band up to {} g has a {zone} price, but {zone} has no transit_days",
                            band.up_to_g
                        ));
                    }
                    _ => {}
                }
            }
        }
        if below < self.max_weight_g {
            return Err(format!("the price bands end at {below} g, below max_weight_g ({} g)", self.max_weight_g));
        }
        Ok(())
    }
}

impl RateTable {
    /// Reads and checks a rate table (TOML text); the error is one line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let table: Self = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {}", e.message().trim())
            }
            None => e.message().trim().to_owned(),
        })?;
        table.check()?;
        Ok(table)
    }

    /// The bundled table.
    #[must_use]
    pub fn bundled() -> Self {
        Self::parse(BUNDLED_RATES).expect("the bundled rate table is valid")
    }

    /// What is wrong with the table, if anything, naming the carrier and service.
    pub fn check(&self) -> Result<(), String> {
        let code = |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_uppercase());
        if !code(&self.home, 2) {
            return Err(format!("home {:?} is not an ISO 3166 country code (two capitals, e.g. DE)", self.home));
        }
        if !code(&self.currency, 3) {
            return Err(format!("currency {:?} is not an ISO 4217 code (three capitals, e.g. EUR)", self.currency));
        }
        if let Some(bad) = self.eu.iter().find(|c| !code(c, 2)) {
            return Err(format!("eu: {bad:?} is not an ISO 3166 country code (two capitals, e.g. FR)"));
        }
        if self.working_days.is_empty() {
            return Err("working_days must name at least one day".into());
        }
        if self.carriers.is_empty() {
            return Err("the table has no [[carrier]]".into());
        }
        let (mut carriers, mut services) = (BTreeSet::new(), BTreeSet::new());
        for carrier in &self.carriers {
            if carrier.name.trim().is_empty() || !carriers.insert(carrier.name.to_lowercase()) {
                return Err(format!("carrier {:?} is empty or given twice", carrier.name));
            }
            if carrier.services.is_empty() {
                return Err(format!("carrier {} has no [[carrier.service]]", carrier.name));
            }
            for service in &carrier.services {
                if service.name.trim().is_empty() || !services.insert(service.name.to_lowercase()) {
                    return Err(format!(
                        "carrier {}: service {:?} is empty or given twice",
                        carrier.name, service.name
                    ));
                }
                service.check().map_err(|e| format!("carrier {}, service {}: {e}", carrier.name, service.name))?;
            }
        }
        Ok(())
    }

    /// The zone of a destination country (ISO code; case and spaces ignored).
    #[must_use]
    pub fn zone(&self, country: &str) -> Zone {
        let country = country.trim();
        if country.eq_ignore_ascii_case(&self.home) {
            Zone::Domestic
        } else if self.eu.iter().any(|c| c.eq_ignore_ascii_case(country)) {
            Zone::Eu
        } else {
            Zone::World
        }
    }

    /// The carrier selling `service` (case ignored), and the service.
    #[must_use]
    pub fn find(&self, service: &str) -> Option<(&Carrier, &Service)> {
        let service = service.trim();
        self.carriers
            .iter()
            .find_map(|c| c.services.iter().find(|s| s.name.eq_ignore_ascii_case(service)).map(|s| (c, s)))
    }

    /// The day a parcel handed over at `now` leaves with a service whose
    /// cut-off is `cutoff`: today if it is a working day and before the
    /// cut-off, else the next working day.
    #[must_use]
    pub fn departure(&self, now: DateTime<Utc>, cutoff: NaiveTime) -> NaiveDate {
        let today = now.date_naive();
        if self.works(today) && now.time() < cutoff { today } else { self.add_working_days(today, 1) }
    }

    /// The working day `days` working days after `from` (`from` itself for 0).
    #[must_use]
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let mut day = from;
        for _ in 0..days {
            for _ in 0..7 {
                day = day.succ_opt().unwrap_or(day);
                if self.works(day) || self.working_days.is_empty() {
                    break;
                }
            }
        }
        day
    }

    fn works(&self, day: NaiveDate) -> bool {
        self.working_days.contains(&day.weekday())
    }
}

/// The carrier service a package ships with, and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub carrier: String,
    pub service: String,
    /// In the table's currency's minor units.
    pub price_minor: u32,
    pub currency: String,
    /// Working days in transit to the destination's zone.
    pub transit_days: u32,
    /// The day the parcel leaves (handed over before that day's cut-off).
    pub departs: NaiveDate,
    /// The day it should arrive: `transit_days` working days after it leaves.
    pub arrives: NaiveDate,
    /// No service leaves by the ship-by (and arrives by the deliver-by): this
    /// is the one that arrives first, and the order will be late.
    pub late: bool,
}

/// Chooses the service a package ships with. `carrier_service` is the one the
/// order's service maps to (`[rules.services]`), which names the carrier.
///
/// The candidates are that carrier's services that serve the destination's
/// zone, take `weight_g` (no more than `max_weight_g`) and are at least as
/// fast (transit days in that zone) as `carrier_service`, so an express order
/// is never sent economy (if `carrier_service` does not serve the zone, any
/// speed will do). A candidate is on time when it leaves (today before its
/// cut-off on a working day, else the next working day) on or before the date
/// of `ship_by` and, given a `deliver_by`, arrives on or before its date. The
/// cheapest on-time candidate wins; if none is on time, the one arriving
/// first wins and is marked late. Ties go to the service listed first. With
/// no candidate at all the error says why.
pub fn choose(
    table: &RateTable,
    carrier_service: &str,
    country: &str,
    weight_g: u32,
    now: DateTime<Utc>,
    ship_by: DateTime<Utc>,
    deliver_by: Option<DateTime<Utc>>,
) -> Result<Choice, String> {
    let (carrier, ordered) = table.find(carrier_service).ok_or_else(|| {
        format!("carrier service {carrier_service:?} is not in the rate table; add it there or map the order's service to one that is")
    })?;
    let zone = table.zone(country);
    let floor = ordered.transit_days.get(zone);
    let candidates: Vec<Choice> = carrier
        .services
        .iter()
        .filter_map(|service| {
            let transit_days = service.transit_days.get(zone).filter(|&days| floor.is_none_or(|f| days <= f))?;
            let price_minor = service.price(zone, weight_g)?;
            let departs = table.departure(now, service.cutoff);
            let arrives = table.add_working_days(departs, transit_days);
            let late = departs > ship_by.date_naive() || deliver_by.is_some_and(|d| arrives > d.date_naive());
            Some(Choice {
                carrier: carrier.name.clone(),
                service: service.name.clone(),
                price_minor,
                currency: table.currency.clone(),
                transit_days,
                departs,
                arrives,
                late,
            })
        })
        .collect();
    let on_time = candidates.iter().filter(|c| !c.late).min_by_key(|c| c.price_minor);
    let chosen = on_time.or_else(|| candidates.iter().min_by_key(|c| (c.arrives, c.price_minor)));
    chosen.cloned().ok_or_else(|| {
        let speed = if floor.is_some() { format!(" as fast as {}", ordered.name) } else { String::new() };
        format!(
            "no {} service{speed} takes {}.{:03} kg to {} ({zone}); split the package or ask a supervisor",
            carrier.name,
            weight_g / 1_000,
            weight_g % 1_000,
            country.trim(),
        )
    })
}
