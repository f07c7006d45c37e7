//! Each putaway rule by hand: holding bins before free ones, the class's
//! zone before the nearest, the fallback order of each class, free bins
//! handed out once, the same SKU kept together, nothing free.

use super::*;
use crate::domain::inbound::SuggestionReason::{FreeElsewhere, FreeInClassZone, HoldsIt};

fn spot(code: &str, zone: Zone, distance_m: f64) -> BinSpot {
    BinSpot { bin: code.parse().unwrap(), zone, distance_m }
}

fn need(sku: &str, class: Zone, holding: &[BinSpot]) -> PutawayNeed {
    PutawayNeed { sku: sku.into(), class, holding: holding.to_vec() }
}

// Wrapped because each expected suggestion is an `Option`: lists read shorter.
#[allow(clippy::unnecessary_wraps)]
fn to(code: &str, why: SuggestionReason) -> Option<Suggestion> {
    Some(Suggestion { bin: code.parse().unwrap(), why })
}

/// Two free bins in each zone, the nearer one listed second.
fn free_everywhere() -> Vec<BinSpot> {
    vec![
        spot("01-004-A", Zone::A, 8.0),
        spot("01-002-A", Zone::A, 4.0),
        spot("04-010-A", Zone::B, 30.0),
        spot("04-008-A", Zone::B, 26.0),
        spot("09-020-A", Zone::C, 70.0),
        spot("09-018-A", Zone::C, 66.0),
    ]
}

#[test]
fn a_bin_holding_the_sku_wins_over_a_nearer_free_one() {
    let holding = [spot("07-015-C", Zone::C, 55.0)];
    let got = suggest(&[need("MUG-RED", Zone::A, &holding)], &free_everywhere());
    assert_eq!(got, vec![to("07-015-C", HoldsIt)]);
}

#[test]
fn among_holding_bins_the_class_zone_comes_before_the_nearest() {
    let holding = [spot("01-001-A", Zone::A, 2.5), spot("05-003-B", Zone::B, 40.0), spot("05-001-B", Zone::B, 35.0)];
    let got = suggest(&[need("TEE-BLK-M", Zone::B, &holding)], &[]);
    assert_eq!(got, vec![to("05-001-B", HoldsIt)]);
    // Without a holding bin in its zone: simply the nearest.
    let got = suggest(&[need("TEE-BLK-M", Zone::C, &holding)], &[]);
    assert_eq!(got, vec![to("01-001-A", HoldsIt)]);
}

#[test]
fn a_new_sku_gets_the_nearest_free_bin_of_its_class_zone() {
    let needs = [need("A1", Zone::A, &[]), need("B1", Zone::B, &[]), need("C1", Zone::C, &[])];
    let got = suggest(&needs, &free_everywhere());
    assert_eq!(
        got,
        vec![to("01-002-A", FreeInClassZone), to("04-008-A", FreeInClassZone), to("09-018-A", FreeInClassZone)]
    );
}

#[test]
fn equal_distances_go_to_the_lower_bin_code() {
    let free = [spot("02-003-B", Zone::A, 6.0), spot("02-003-A", Zone::A, 6.0), spot("01-009-A", Zone::A, 6.5)];
    let got = suggest(&[need("X", Zone::A, &[]), need("Y", Zone::A, &[])], &free);
    assert_eq!(got, vec![to("02-003-A", FreeInClassZone), to("02-003-B", FreeInClassZone)]);
}

#[test]
fn class_a_falls_back_to_b_then_c() {
    let free = [spot("04-008-A", Zone::B, 26.0), spot("09-018-A", Zone::C, 66.0)];
    let needs = [need("A1", Zone::A, &[]), need("A2", Zone::A, &[]), need("A3", Zone::A, &[])];
    assert_eq!(
        suggest(&needs, &free),
        vec![to("04-008-A", FreeElsewhere(Zone::B)), to("09-018-A", FreeElsewhere(Zone::C)), None]
    );
}

#[test]
fn class_b_falls_back_to_c_then_a() {
    let free = [spot("01-002-A", Zone::A, 4.0), spot("09-018-A", Zone::C, 66.0)];
    let needs = [need("B1", Zone::B, &[]), need("B2", Zone::B, &[])];
    assert_eq!(
        suggest(&needs, &free),
        vec![to("09-018-A", FreeElsewhere(Zone::C)), to("01-002-A", FreeElsewhere(Zone::A))]
    );
}

#[test]
fn class_c_falls_back_to_b_then_a() {
    let free = [spot("01-002-A", Zone::A, 4.0), spot("04-008-A", Zone::B, 26.0)];
    let needs = [need("C1", Zone::C, &[]), need("C2", Zone::C, &[])];
    assert_eq!(
        suggest(&needs, &free),
        vec![to("04-008-A", FreeElsewhere(Zone::B)), to("01-002-A", FreeElsewhere(Zone::A))]
    );
}

#[test]
fn a_free_bin_is_not_handed_to_two_skus() {
    let free = [spot("01-002-A", Zone::A, 4.0), spot("01-004-A", Zone::A, 8.0)];
    let needs = [need("A1", Zone::A, &[]), need("A2", Zone::A, &[]), need("A3", Zone::A, &[])];
    assert_eq!(suggest(&needs, &free), vec![to("01-002-A", FreeInClassZone), to("01-004-A", FreeInClassZone), None]);
}

#[test]
fn a_bin_listed_twice_is_still_handed_out_once() {
    let free = [spot("01-002-A", Zone::A, 4.0), spot("01-002-A", Zone::A, 4.0)];
    let needs = [need("A1", Zone::A, &[]), need("A2", Zone::A, &[])];
    assert_eq!(suggest(&needs, &free), vec![to("01-002-A", FreeInClassZone), None]);
}

#[test]
fn the_same_sku_twice_gets_the_same_bin() {
    let free = [spot("01-002-A", Zone::A, 4.0), spot("01-004-A", Zone::A, 8.0), spot("04-008-A", Zone::B, 26.0)];
    let needs = [
        need("LOTTED", Zone::A, &[]),
        need("OTHER", Zone::A, &[]),
        // Another lot of the same SKU, from another delivery.
        need("LOTTED", Zone::A, &[]),
        need("THIRD", Zone::A, &[]),
    ];
    assert_eq!(
        suggest(&needs, &free),
        vec![
            to("01-002-A", FreeInClassZone),
            to("01-004-A", FreeInClassZone),
            to("01-002-A", FreeInClassZone),
            to("04-008-A", FreeElsewhere(Zone::B)),
        ]
    );
}

#[test]
fn held_skus_use_no_free_bin() {
    let free = [spot("01-002-A", Zone::A, 4.0)];
    let needs = [need("HELD", Zone::A, &[spot("06-001-A", Zone::B, 40.0)]), need("NEW", Zone::A, &[])];
    assert_eq!(suggest(&needs, &free), vec![to("06-001-A", HoldsIt), to("01-002-A", FreeInClassZone)]);
}

#[test]
fn nothing_free_and_not_held_gives_none() {
    assert_eq!(suggest(&[need("A1", Zone::A, &[]), need("C1", Zone::C, &[])], &[]), vec![None, None]);
    assert_eq!(suggest(&[], &free_everywhere()), vec![]);
}
