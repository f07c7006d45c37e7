use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::*;

const RULES: WeightRules = WeightRules { tolerance_pct: 5.0, tolerance_g: 50 };

#[test]
fn the_larger_tolerance_counts_and_its_edge_passes() {
    // 5% of 2000 g is 100 g, above 50 g: the percentage counts.
    assert_eq!(RULES.allowed_g(2_000), 100);
    assert_eq!(check_weight(2_000, 1_900, &RULES), WeightVerdict::Ok);
    assert_eq!(check_weight(2_000, 1_899, &RULES), WeightVerdict::TooLight { by_g: 101, expected_g: 2_000 });
    assert_eq!(check_weight(2_000, 2_100, &RULES), WeightVerdict::Ok);
    assert_eq!(check_weight(2_000, 2_101, &RULES), WeightVerdict::TooHeavy { by_g: 101, expected_g: 2_000 });
    // 5% of 600 g is 30 g, below 50 g: the grams count.
    assert_eq!(RULES.allowed_g(600), 50);
    assert!(check_weight(600, 550, &RULES).is_ok());
    assert_eq!(check_weight(600, 549, &RULES), WeightVerdict::TooLight { by_g: 51, expected_g: 600 });
    assert!(check_weight(600, 650, &RULES).is_ok());
    assert_eq!(check_weight(600, 651, &RULES), WeightVerdict::TooHeavy { by_g: 51, expected_g: 600 });
    // Where they meet (1000 g) both say 50 g.
    assert_eq!(RULES.allowed_g(1_000), 50);
    assert!(check_weight(1_000, 950, &RULES).is_ok() && !check_weight(1_000, 949, &RULES).is_ok());
    // Exact to the gram: nothing off passes, an empty scale does not.
    assert!(check_weight(800, 800, &RULES).is_ok());
    assert_eq!(check_weight(800, 0, &RULES), WeightVerdict::TooLight { by_g: 800, expected_g: 800 });
}

#[test]
fn fractional_percentages_are_exact() {
    let rules = WeightRules { tolerance_pct: 2.5, tolerance_g: 0 };
    assert_eq!(rules.allowed_g(4_000), 100);
    assert!(check_weight(4_000, 4_100, &rules).is_ok());
    assert!(!check_weight(4_000, 4_101, &rules).is_ok());
    // 5% of 1010 g is 50.5 g: 50 g off passes, 51 g does not.
    let rules = WeightRules { tolerance_pct: 5.0, tolerance_g: 0 };
    assert!(check_weight(1_010, 1_060, &rules).is_ok());
    assert!(!check_weight(1_010, 1_061, &rules).is_ok());
    // 0.1% is not lost to floating point: 0.1% of 1,000,000 g is 1000 g.
    assert_eq!(WeightRules { tolerance_pct: 0.1, tolerance_g: 0 }.allowed_g(1_000_000), 1_000);
    assert_eq!(WeightRules { tolerance_pct: 0.0, tolerance_g: 0 }.allowed_g(u32::MAX), 0);
    assert_eq!(WeightRules { tolerance_pct: 100.0, tolerance_g: 0 }.allowed_g(u32::MAX), u32::MAX);
}

#[test]
fn messages_tell_the_packer_what_to_do() {
    let strict = WeightRules { tolerance_pct: 2.0, tolerance_g: 50 };
    assert_eq!(check_weight(1_500, 1_437, &strict).message(), "4.2% light (\u{2212}63 g); recount or ask a supervisor");
    assert_eq!(check_weight(1_500, 1_700, &RULES).message(), "13.3% heavy (+200 g); recount or ask a supervisor");
    assert_eq!(check_weight(0, 120, &RULES).message(), "heavy (+120 g); recount or ask a supervisor");
    assert_eq!(check_weight(1_500, 1_490, &RULES).message(), "Weight OK");
}

#[test]
fn tolerances_and_expected_weights_are_checked() {
    assert!(RULES.check().is_ok());
    for pct in [-1.0, 100.5, f64::NAN, f64::INFINITY] {
        let err = WeightRules { tolerance_pct: pct, tolerance_g: 50 }.check().unwrap_err();
        assert!(err.starts_with("weighing.tolerance_pct must be 0 to 100"), "{err}");
    }
    assert_eq!(expected_weight_g([(250, 2), (1_000, 1)], 180), 1_680);
    assert_eq!(expected_weight_g([], 180), 180);
    assert_eq!(expected_weight_g([(u32::MAX, 2)], 1), u32::MAX);
}

#[test]
fn scale_lines_in_common_formats() {
    let stable = |g| Some(ScaleReading { grams: g, stable: true });
    let moving = |g| Some(ScaleReading { grams: g, stable: false });
    let cases = [
        ("ST,GS,+  1.234kg", stable(1_234)),
        ("ST,NT,+0001.234,kg", stable(1_234)),
        ("\u{2}ST,GS,+  1.234kg\r\n", stable(1_234)),
        ("US,GS,   0.500kg", moving(500)),
        ("  1234 g", stable(1_234)),
        ("1.234 KG", stable(1_234)),
        ("W: 0.850 kg", stable(850)),
        ("2.5 lb", stable(1_134)),
        ("2.5 LBS", stable(1_134)),
        ("16 oz", stable(454)),
        ("S S      100.00 g", stable(100)),
        ("S D      100.00 g", moving(100)),
        ("     1.234 kg ?", moving(1_234)),
        ("  0.850 kg G", stable(850)),
        ("NET 12.5 g", stable(13)),
        ("0.0004 kg", stable(0)),
        ("0.0005 kg", stable(1)),
        (".5 kg", stable(500)),
        ("0.000 kg", stable(0)),
    ];
    for (line, expected) in cases {
        assert_eq!(parse_scale_reading(line), expected, "{line:?}");
    }
    assert_eq!(parse_scale_line("ST,GS,+  1.234kg"), Some(1_234));
    assert_eq!(parse_scale_line("US,GS,   0.500kg"), None, "unstable");
    assert_eq!(parse_scale_line("S D      100.00 g"), None, "unstable");
}

#[test]
fn negative_overload_tare_and_garbage_lines_give_nothing() {
    for line in [
        "-0.050 kg",
        "ST,GS,-  0.050kg",
        "\u{2212}1.000 kg",
        "OL,GS,+99999 kg",
        "ST,TR,+  0.100kg",
        "S I",
        "",
        "   ",
        "hello",
        "1234",
        "1,234 g",
        "1.2.3 kg",
        "12 stone",
        "kg 1.2",
        "ST,GS,+1.234kg 2",
        "99999999 kg",
        "1.234 kg =",
        "1.234 kg\u{1b}[2J",
        "1e3 g",
    ] {
        assert_eq!(parse_scale_reading(line), None, "{line:?}");
    }
}

const TABLE: &str = r#"
home = "DE"
currency = "EUR"
eu = ["FR", "AT"]

[[carrier]]
name = "DHL"

[[carrier.service]]
name = "Eco"
cutoff = "14:00:00"
max_weight_g = 1000
transit_days = { domestic = 3, eu = 6 }
prices = [{ up_to_g = 1000, domestic = 300, eu = 600 }]

[[carrier.service]]
name = "Std"
cutoff = "14:00:00"
max_weight_g = 31500
transit_days = { domestic = 2, eu = 4, world = 8 }
prices = [
  { up_to_g = 2000, domestic = 450, eu = 1300, world = 2500 },
  { up_to_g = 31500, domestic = 1300, eu = 3800, world = 9000 },
]

[[carrier.service]]
name = "Fast"
cutoff = "16:00:00"
max_weight_g = 31500
transit_days = { domestic = 1, eu = 1, world = 3 }
prices = [{ up_to_g = 31500, domestic = 1500, eu = 4000, world = 6500 }]

[[carrier.service]]
name = "Saver"
cutoff = "12:00:00"
max_weight_g = 20000
transit_days = { domestic = 1, eu = 2 }
prices = [{ up_to_g = 20000, domestic = 700, eu = 2500 }]

[[carrier]]
name = "UPS"

[[carrier.service]]
name = "UPS Standard"
cutoff = "18:00:00"
max_weight_g = 70000
transit_days = { domestic = 1, eu = 1, world = 1 }
prices = [{ up_to_g = 70000, domestic = 1, eu = 1, world = 1 }]
"#;

fn table() -> RateTable {
    RateTable::parse(TABLE).unwrap()
}

/// Wednesday 4 March 2026 at `hour`:`minute` UTC, plus `days`.
fn at(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, hour, minute, 0).unwrap() + chrono::Duration::days(days)
}

fn date(days: i64) -> NaiveDate {
    at(days, 0, 0).date_naive()
}

/// (service, late) chosen for a package to Germany.
fn pick(service: &str, weight_g: u32, now: DateTime<Utc>, ship_by: DateTime<Utc>) -> (String, bool) {
    let choice = choose(&table(), service, "DE", weight_g, now, ship_by, None).unwrap();
    (choice.service, choice.late)
}

#[test]
fn an_express_order_is_never_downgraded_and_takes_the_cheapest_as_fast() {
    assert_eq!(at(0, 0, 0).weekday(), Weekday::Wed);
    // Std and Eco are cheaper and would ship today, but are slower than Fast;
    // Saver is as fast and cheaper, and leaves today: it wins.
    let choice = choose(&table(), "Fast", "DE", 2_000, at(0, 10, 0), at(0, 18, 0), None).unwrap();
    assert_eq!(
        choice,
        Choice {
            carrier: "DHL".into(),
            service: "Saver".into(),
            price_minor: 700,
            currency: "EUR".into(),
            transit_days: 1,
            departs: date(0),
            arrives: date(1),
            late: false,
        }
    );
    // Another carrier is never chosen, however cheap (UPS Standard costs 1 cent).
    assert_eq!(pick("fast", 2_000, at(0, 10, 0), at(0, 18, 0)), ("Saver".into(), false));
    // An economy order takes the cheapest service that is at least as fast.
    assert_eq!(pick("Eco", 500, at(0, 10, 0), at(2, 18, 0)), ("Eco".into(), false));
    assert_eq!(pick("Std", 500, at(0, 10, 0), at(2, 18, 0)), ("Std".into(), false));
}

#[test]
fn after_a_cutoff_the_next_working_day_counts() {
    // 13:00: Saver's 12:00 cut-off has passed, so it leaves Thursday, after
    // the ship-by; Fast (16:00) still leaves today.
    assert_eq!(pick("Fast", 2_000, at(0, 13, 0), at(0, 18, 0)), ("Fast".into(), false));
    // With a ship-by of Thursday, Saver leaving Thursday is on time again.
    assert_eq!(pick("Fast", 2_000, at(0, 13, 0), at(1, 9, 0)), ("Saver".into(), false));
    // Exactly at the cut-off is too late.
    assert_eq!(pick("Fast", 2_000, at(0, 12, 0), at(0, 18, 0)), ("Fast".into(), false));
    assert_eq!(pick("Fast", 2_000, at(0, 11, 59), at(0, 18, 0)), ("Saver".into(), false));
    // A standard order past its 14:00 cut-off goes faster rather than late.
    assert_eq!(pick("Std", 500, at(0, 15, 0), at(0, 23, 0)), ("Fast".into(), false));
    // Friday after the cut-off leaves Monday; a Saturday order too.
    let t = table();
    assert_eq!(t.departure(at(2, 15, 0), NaiveTime::from_hms_opt(14, 0, 0).unwrap()), date(5));
    assert_eq!(t.departure(at(3, 9, 0), NaiveTime::from_hms_opt(14, 0, 0).unwrap()), date(5));
    assert_eq!(t.add_working_days(date(2), 1), date(5), "Friday + 1 is Monday");
    assert_eq!(t.add_working_days(date(0), 0), date(0));
}

#[test]
fn too_heavy_services_drop_out() {
    // 1.5 kg is too heavy for Eco (1 kg): the cheapest of the rest.
    assert_eq!(pick("Eco", 1_500, at(0, 10, 0), at(2, 18, 0)), ("Std".into(), false));
    assert_eq!(pick("Eco", 1_000, at(0, 10, 0), at(2, 18, 0)), ("Eco".into(), false), "the limit itself fits");
    // 25 kg is too heavy for Saver (20 kg): an express order goes Fast.
    assert_eq!(pick("Fast", 25_000, at(0, 10, 0), at(0, 18, 0)), ("Fast".into(), false));
    // Nothing as fast takes 40 kg, nothing at all takes 40 kg.
    let err = choose(&table(), "Fast", "DE", 40_000, at(0, 10, 0), at(0, 18, 0), None).unwrap_err();
    assert_eq!(
        err,
        "no DHL service as fast as Fast takes 40.000 kg to DE (domestic); split the package or ask a supervisor"
    );
    // Above every limit of the carrier: refused, whatever the order's service.
    assert!(choose(&table(), "Std", "DE", 31_501, at(0, 10, 0), at(2, 18, 0), None).is_err());
}

#[test]
fn when_none_is_on_time_the_fastest_goes_and_is_late() {
    // 17:00 Wednesday, due Wednesday: every service leaves Thursday. Std is
    // cheapest but arrives Monday; Saver and Fast arrive Friday, Saver cheaper.
    let choice = choose(&table(), "Std", "DE", 500, at(0, 17, 0), at(0, 18, 0), None).unwrap();
    assert_eq!(
        (choice.service.as_str(), choice.late, choice.departs, choice.arrives),
        ("Saver", true, date(1), date(2))
    );
    // A deliver-by makes a slow service late even when it leaves in time.
    let choice = choose(&table(), "Std", "DE", 500, at(0, 10, 0), at(2, 18, 0), Some(at(1, 20, 0))).unwrap();
    assert_eq!((choice.service.as_str(), choice.late, choice.arrives), ("Saver", false, date(1)));
    let choice = choose(&table(), "Std", "DE", 500, at(0, 10, 0), at(2, 18, 0), Some(at(0, 20, 0))).unwrap();
    assert_eq!((choice.service.as_str(), choice.late), ("Saver", true), "nothing arrives today: the first to arrive");
}

#[test]
fn zones_follow_the_destination() {
    let t = table();
    assert_eq!((t.zone("DE"), t.zone(" fr "), t.zone("US")), (Zone::Domestic, Zone::Eu, Zone::World));
    // To France, Saver takes two days: no longer as fast as Fast.
    let choice = choose(&t, "Fast", "FR", 500, at(0, 10, 0), at(0, 18, 0), None).unwrap();
    assert_eq!((choice.service.as_str(), choice.price_minor, choice.transit_days), ("Fast", 4_000, 1));
    // Eco does not go to the US, so any speed will do: the cheapest that does.
    let choice = choose(&t, "Eco", "US", 500, at(0, 10, 0), at(2, 18, 0), None).unwrap();
    assert_eq!(
        (choice.service.as_str(), choice.price_minor, choice.arrives),
        ("Std", 2_500, date(0) + chrono::Days::new(12))
    );
    // Saver does not go there either: any speed, but none takes 40 kg.
    let err = choose(&t, "Saver", "US", 40_000, at(0, 10, 0), at(2, 18, 0), None).unwrap_err();
    assert!(err.starts_with("no DHL service takes 40.000 kg to US (world)"), "{err}");
    let err = choose(&t, "Pigeon Post", "DE", 500, at(0, 10, 0), at(2, 18, 0), None).unwrap_err();
    assert!(err.contains("\"Pigeon Post\" is not in the rate table"), "{err}");
}

#[test]
fn the_bundled_table_loads_and_serves_the_default_services() {
    let t = RateTable::bundled();
    for service in ["DHL Paket", "DHL Express", "DHL Warenpost", "UPS Express Saver"] {
        assert!(t.find(service).is_some(), "{service}");
    }
    assert_eq!(t.working_days.len(), 5);
    let choice = choose(&t, "DHL Express", "DE", 1_200, at(0, 10, 0), at(0, 18, 0), None).unwrap();
    assert_eq!((choice.service.as_str(), choice.late), ("DHL Express", false));
    let choice = choose(&t, "DHL Warenpost", "AT", 800, at(0, 10, 0), at(3, 18, 0), None).unwrap();
    assert_eq!(choice.service, "DHL Warenpost");
    let choice = choose(&t, "DHL Warenpost", "DE", 1_800, at(0, 10, 0), at(3, 18, 0), None).unwrap();
    assert_eq!(choice.service, "DHL Paket", "too heavy for Warenpost");
}

#[test]
fn bad_tables_are_refused_with_a_clear_reason() {
    let bad = |from: &str, to: &str| {
        assert!(TABLE.contains(from), "{from}");
        RateTable::parse(&TABLE.replacen(from, to, 1)).unwrap_err()
    };
    let cases = [
        (
            bad("up_to_g = 31500, domestic = 1300", "up_to_g = 1500, domestic = 1300"),
            "carrier DHL, service Std: price bands must rise: up_to_g = 1500 after 2000",
        ),
        (
            bad("max_weight_g = 20000", "max_weight_g = 25000"),
            "carrier DHL, service Saver: the price bands end at 20000 g, below max_weight_g (25000 g)",
        ),
        (
            bad("domestic = 300, eu = 600 }", "domestic = 300 }"),
            "carrier DHL, service Eco: the band up to 1000 g has no eu price, but eu has transit_days",
        ),
        (
            bad("domestic = 700, eu = 2500 }", "domestic = 700, eu = 2500, world = 1 }"),
            "carrier DHL, service Saver: the band up to 20000 g has a world price, but world has no transit_days",
        ),
        (bad("name = \"Saver\"", "name = \"eco\""), "carrier DHL: service \"eco\" is empty or given twice"),
        (bad("name = \"UPS Standard\"", "name = \"FAST\""), "carrier UPS: service \"FAST\" is empty or given twice"),
        (bad("name = \"UPS\"", "name = \"dhl\""), "carrier \"dhl\" is empty or given twice"),
        (
            bad("transit_days = { domestic = 3, eu = 6 }", "transit_days = { domestic = 61, eu = 6 }"),
            "carrier DHL, service Eco: transit_days must be at most 60, not 61",
        ),
        (bad("max_weight_g = 1000", "max_weight_g = 0"), "carrier DHL, service Eco: max_weight_g must be above 0"),
        (
            bad("home = \"DE\"", "home = \"Germany\""),
            "home \"Germany\" is not an ISO 3166 country code (two capitals, e.g. DE)",
        ),
        (
            bad("currency = \"EUR\"", "currency = \"€\""),
            "currency \"€\" is not an ISO 4217 code (three capitals, e.g. EUR)",
        ),
        (
            bad("[\"FR\", \"AT\"]", "[\"FR\", \"at\"]"),
            "eu: \"at\" is not an ISO 3166 country code (two capitals, e.g. FR)",
        ),
    ];
    for (err, expected) in cases {
        assert_eq!(err, expected);
    }
    let e = bad("max_weight_g = 1000", "max_weight = 1000");
    assert!(e.starts_with("line 12: unknown field `max_weight`"), "{e}");
    let e = bad("cutoff = \"14:00:00\"", "cutoff = \"25:00:00\"");
    assert!(e.starts_with("line 11: "), "{e}");
    let e = bad("transit_days = { domestic = 3, eu = 6 }", "transit_days = { domestic = 3, eu = -6 }");
    assert!(e.starts_with("line 13: "), "{e}");
    let e = bad("transit_days = { domestic = 3, eu = 6 }", "transit_days = {}");
    assert!(e.ends_with("transit_days must give at least one zone (domestic, eu, world)"), "{e}");
    let e = RateTable::parse("home = \"DE\"\ncurrency = \"EUR\"\neu = []\n").unwrap_err();
    assert!(e.contains("missing field `carrier`"), "{e}");
    let e = RateTable::parse(&format!("{TABLE}working_days = []\n")).unwrap_err();
    assert!(e.starts_with("line "), "a key after the tables belongs to the last one: {e}");
    let e = RateTable::parse(&format!("working_days = []\n{TABLE}")).unwrap_err();
    assert_eq!(e, "working_days must name at least one day");
    let e = RateTable::parse(&format!("working_days = [\"Mon\", \"Someday\"]\n{TABLE}")).unwrap_err();
    assert!(e.starts_with("line 1: "), "{e}");
}
