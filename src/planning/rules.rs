//! Order validation (issue 4): the checks an order must pass before it may
//! reach the floor. Each failed check is a named hold reason. Also the
//! carrier service the order's shipping service maps to and whether its value
//! needs a signature on delivery (a flag, not a hold). Pure: the catalogue
//! facts it needs are passed in.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasher;

use serde::Deserialize;

use crate::domain::money;
use crate::domain::sku::SkuFacts;
use crate::domain::{HoldReason, NewOrder, ServiceBook, ServiceRule, Verdict};

/// The `[rules]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Address fields that must not be empty: name, address1, city, postcode, country.
    pub required_address: Vec<String>,
    /// Channel payment states that count as paid.
    pub paid_statuses: Vec<String>,
    /// Countries whose orders need no customs data (the home customs union).
    pub customs_free: Vec<String>,
    /// Shipping service names every channel may send, by name.
    pub services: BTreeMap<String, ServiceRule>,
    /// One channel's own service names (by channel code), looked up before `services`.
    #[serde(default)]
    pub channel_services: BTreeMap<String, BTreeMap<String, ServiceRule>>,
    /// Orders whose total is above this many major units of their currency
    /// need a signature; currencies not listed never do.
    #[serde(default)]
    pub signature_over: BTreeMap<String, u64>,
}

impl RulesConfig {
    /// The service lookup over `services` and `channel_services`.
    #[must_use]
    pub const fn service_book(&self) -> ServiceBook<'_> {
        ServiceBook::new(&self.services, &self.channel_services)
    }

    /// What is wrong with the section, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        check_services("rules.services", &self.services)?;
        for (channel, services) in &self.channel_services {
            check_services(&format!("rules.channel_services.{channel}"), services)?;
        }
        for currency in self.signature_over.keys() {
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "rules.signature_over: {currency:?} is not an ISO 4217 currency code (three capitals, e.g. EUR)"
                ));
            }
        }
        Ok(())
    }

    /// Whether `order`'s total is above the signature threshold of its currency.
    #[must_use]
    pub fn needs_signature(&self, order: &NewOrder) -> bool {
        self.signature_over
            .get(&order.currency)
            .is_some_and(|&over| i128::from(order.total_minor) > money::major_to_minor(over, &order.currency))
    }
}

/// Checks each rule of a service table and that no two names differ only in case.
fn check_services(key: &str, services: &BTreeMap<String, ServiceRule>) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for (name, rule) in services {
        if name.trim().is_empty() {
            return Err(format!("{key} has a service with an empty name"));
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(format!("{key}.{name} is given twice (service names ignore case)"));
        }
        rule.check(&format!("{key}.{name}"))?;
    }
    Ok(())
}

/// Checks `order`: the hold reasons it fails (none: it may go on), its
/// carrier service and whether it needs a signature. `skus` has an entry for
/// every SKU the catalogue knows.
#[must_use]
pub fn validate<S: BuildHasher>(order: &NewOrder, rules: &RulesConfig, skus: &HashMap<String, SkuFacts, S>) -> Verdict {
    let mut holds = hold_reasons(order, rules, skus);
    let service = rules.service_book().rule(&order.channel, &order.service);
    if service.is_none() {
        holds.insert(HoldReason::UnknownService);
    }
    Verdict {
        holds,
        carrier_service: service.map(|s| s.carrier.clone()).unwrap_or_default(),
        signature_required: rules.needs_signature(order),
    }
}

fn hold_reasons<S: BuildHasher>(
    order: &NewOrder,
    rules: &RulesConfig,
    skus: &HashMap<String, SkuFacts, S>,
) -> BTreeSet<HoldReason> {
    let mut holds = BTreeSet::new();
    let a = &order.address;
    let field = |name: &str| match name {
        "name" => a.name.as_str(),
        "address1" => a.address1.as_str(),
        "address2" => a.address2.as_str(),
        "city" => a.city.as_str(),
        "region" => a.region.as_str(),
        "postcode" => a.postcode.as_str(),
        "country" => a.country.as_str(),
        "phone" => a.phone.as_str(),
        "email" => a.email.as_str(),
        _ => "-",
    };
    let country_known = is_country(&a.country);
    let missing = rules.required_address.iter().any(|f| field(f).trim().is_empty());
    let postcode_ok = a.postcode.trim().is_empty() || !country_known || postcode_matches(&a.country, &a.postcode);
    if missing || !country_known || !postcode_ok {
        holds.insert(HoldReason::BadAddress);
    }
    if !rules.paid_statuses.iter().any(|s| s.eq_ignore_ascii_case(&order.financial_status)) {
        holds.insert(HoldReason::Unpaid);
    }
    let shipped = order.lines.iter().filter(|l| l.requires_shipping);
    let mut customs_needed = !rules.customs_free.iter().any(|c| c.eq_ignore_ascii_case(&a.country));
    for line in shipped {
        match skus.get(&line.sku) {
            None => {
                holds.insert(HoldReason::UnknownSku);
                customs_needed = false;
            }
            Some(facts) if customs_needed && !facts.customs_complete => {
                holds.insert(HoldReason::MissingCustoms);
            }
            Some(_) => {}
        }
    }
    holds
}

/// ISO 3166-1 alpha-2 codes in use.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// A known ISO 3166-1 alpha-2 country code (upper case).
#[must_use]
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split(' ').any(|c| c == code)
}

/// Postcode formats: `N` a digit, `A` a letter, `X` either, anything else
/// itself; alternatives separated by `|`.
const POSTCODES: &[(&str, &str)] = &[
    ("AT", "NNNN"),
    ("AU", "NNNN"),
    ("BE", "NNNN"),
    ("BG", "NNNN"),
    ("BR", "NNNNN-NNN|NNNNNNNN"),
    ("CA", "ANA NAN|ANANAN"),
    ("CH", "NNNN"),
    ("CN", "NNNNNN"),
    ("CZ", "NNN NN|NNNNN"),
    ("DE", "NNNNN"),
    ("DK", "NNNN"),
    ("EE", "NNNNN"),
    ("ES", "NNNNN"),
    ("FI", "NNNNN"),
    ("FR", "NNNNN"),
    ("GB", "AN NAA|ANN NAA|AAN NAA|AANN NAA|ANA NAA|AANA NAA|ANNAA|ANNNAA|AANNAA|AANNNAA|ANANAA|AANANAA"),
    ("GR", "NNN NN|NNNNN"),
    ("HR", "NNNNN"),
    ("HU", "NNNN"),
    ("IE", "ANN XXXX|ANNXXXX|ANA XXXX|ANAXXXX"),
    ("IN", "NNNNNN"),
    ("IT", "NNNNN"),
    ("JP", "NNN-NNNN|NNNNNNN"),
    ("LT", "LT-NNNNN|NNNNN"),
    ("LU", "NNNN|L-NNNN"),
    ("LV", "LV-NNNN|NNNN"),
    ("MX", "NNNNN"),
    ("NL", "NNNN AA|NNNNAA"),
    ("NO", "NNNN"),
    ("NZ", "NNNN"),
    ("PL", "NN-NNN|NNNNN"),
    ("PT", "NNNN-NNN|NNNN"),
    ("RO", "NNNNNN"),
    ("SE", "NNN NN|NNNNN"),
    ("SI", "NNNN"),
    ("SK", "NNN NN|NNNNN"),
    ("US", "NNNNN|NNNNN-NNNN"),
];

/// Whether `postcode` has one of `country`'s formats; countries without a
/// known format accept any postcode.
#[must_use]
pub fn postcode_matches(country: &str, postcode: &str) -> bool {
    let Some((_, formats)) = POSTCODES.iter().find(|(c, _)| *c == country) else { return true };
    let postcode = postcode.trim().to_ascii_uppercase();
    formats.split('|').any(|format| {
        format.len() == postcode.len()
            && format.bytes().zip(postcode.bytes()).all(|(f, p)| match f {
                b'N' => p.is_ascii_digit(),
                b'A' => p.is_ascii_alphabetic(),
                b'X' => p.is_ascii_alphanumeric(),
                other => other == p,
            })
    })
}

/// How many countries have a postcode format (for the docs and tests).
#[must_use]
pub fn postcode_countries() -> usize {
    POSTCODES.len()
}

#[cfg(test)]
mod tests;
