//! Classes from units (shares, ties, unsold SKUs) and slotting suggestions
//! (what is reported, in which order, and which bin each move gets).

use super::*;

fn units(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

/// `n` SKUs, all sold, each fewer units than the one before.
fn catalogue(n: usize) -> Vec<(String, u64)> {
    (0..n).map(|i| (format!("SKU-{i:03}"), (n - i) as u64 * 10)).collect()
}

fn counts(classes: &[Classified]) -> (usize, usize, usize) {
    let of = |zone| classes.iter().filter(|c| c.class == zone).count();
    (of(Zone::A), of(Zone::B), of(Zone::C))
}

fn bin(code: &str, zone: Zone) -> Bin {
    Bin { code: code.parse().unwrap(), zone }
}

fn code(s: &str) -> BinCode {
    s.parse().unwrap()
}

fn place(sku: &str, bin_code: &str, zone: Zone, on_hand: u64) -> Placement {
    Placement { sku: sku.into(), bin: bin(bin_code, zone), on_hand }
}

/// Classes A1, A2 (best sellers), B1, C1 (unsold), as `classify` would give
/// them for a ten-SKU catalogue.
fn classes() -> Vec<Classified> {
    let class = |sku: &str, units, rank, class| Classified { sku: sku.into(), units, rank, class };
    vec![
        class("A1", 900, 0, Zone::A),
        class("A2", 800, 1, Zone::A),
        class("A3", 700, 2, Zone::A),
        class("B1", 300, 3, Zone::B),
        class("C1", 0, 9, Zone::C),
    ]
}

#[test]
fn shares_of_small_catalogues() {
    assert_eq!(counts(&classify(&[])), (0, 0, 0));
    assert_eq!(counts(&classify(&catalogue(1))), (1, 0, 0), "a lone seller is A");
    assert_eq!(counts(&classify(&catalogue(2))), (1, 0, 1));
    assert_eq!(counts(&classify(&catalogue(3))), (1, 1, 1));
    assert_eq!(counts(&classify(&catalogue(5))), (1, 2, 2));
    assert_eq!(counts(&classify(&catalogue(10))), (2, 3, 5));
    assert_eq!(counts(&classify(&catalogue(11))), (3, 3, 5));
    assert_eq!(counts(&classify(&catalogue(2_000))), (400, 600, 1_000));
}

#[test]
fn ranked_by_units_then_code() {
    let classes = classify(&units(&[("MUG", 5), ("CUP", 50), ("TEA", 50), ("BOWL", 50), ("JAR", 1)]));
    let order: Vec<&str> = classes.iter().map(|c| c.sku.as_str()).collect();
    assert_eq!(order, ["BOWL", "CUP", "TEA", "MUG", "JAR"], "equal units in code order");
    assert_eq!(classes.iter().map(|c| c.rank).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(classes.iter().map(|c| c.class).collect::<Vec<_>>(), [Zone::A, Zone::B, Zone::B, Zone::C, Zone::C]);
    // The input order does not matter.
    let mut reversed = units(&[("MUG", 5), ("CUP", 50), ("TEA", 50), ("BOWL", 50), ("JAR", 1)]);
    reversed.reverse();
    assert_eq!(classify(&reversed), classes);
}

#[test]
fn unsold_skus_count_in_the_shares_and_are_c() {
    // Ten SKUs, one sold: it is A; the other nine are C although ranks 1-4 would be A and B.
    let mut list = units(&[("HIT", 3)]);
    list.extend((0..9).map(|i| (format!("DUD-{i}"), 0)));
    let classes = classify(&list);
    assert_eq!(counts(&classes), (1, 0, 9));
    assert_eq!(classes[0].sku, "HIT");
    // Nothing sold at all: everything is C.
    assert_eq!(counts(&classify(&units(&[("X", 0), ("Y", 0)]))), (0, 0, 2));
}

#[test]
fn a_sku_listed_twice_is_counted_once() {
    let classes = classify(&units(&[("A", 4), ("B", 5), ("A", 3)]));
    assert_eq!(classes.len(), 2);
    assert_eq!((classes[0].sku.as_str(), classes[0].units), ("A", 7));
}

#[test]
fn only_mismatches_are_reported_in_priority_order() {
    let layout = Layout::demo();
    let placements = [
        place("A1", "01-001-A", Zone::A, 10), // matches: not reported
        place("B1", "02-001-A", Zone::B, 10), // matches
        place("C1", "01-002-A", Zone::A, 4),  // C in A
        place("B1", "11-020-A", Zone::C, 6),  // B in C
        place("A2", "05-010-A", Zone::B, 7),  // A in B
        place("A3", "12-025-A", Zone::C, 8),  // A in C
        place("A3", "12-024-A", Zone::C, 0),  // nothing on hand: ignored
    ];
    let rows = slotting(&classes(), &placements, &[], &layout);
    let seen: Vec<(&str, Zone, Zone)> = rows.iter().map(|r| (r.sku.as_str(), r.class, r.bin.zone)).collect();
    assert_eq!(
        seen,
        [("A3", Zone::A, Zone::C), ("A2", Zone::A, Zone::B), ("B1", Zone::B, Zone::C), ("C1", Zone::C, Zone::A)]
    );
    assert_eq!(rows[0].bin.code, code("12-025-A"));
    assert_eq!((rows[0].units, rows[0].on_hand), (700, 8));
    // No free bins, but B1 already has a bin in zone B.
    assert_eq!(rows[0].action, Move::NoFreeBin(Zone::A));
    assert_eq!(rows[0].suggested_bin(), None);
    assert_eq!(rows[0].note(), "no free bin in zone A");
    assert_eq!(rows[2].action, Move::Join(code("02-001-A")));
    assert_eq!(rows[2].note(), "to the SKU's bin in zone B");
    assert_eq!(rows[3].action, Move::NoFreeBin(Zone::C));
}

#[test]
fn priorities_cover_every_mismatch_once() {
    let zones = [Zone::A, Zone::B, Zone::C];
    let mut seen: Vec<(u8, Zone, Zone)> = Vec::new();
    for class in zones {
        for zone in zones {
            match priority(class, zone) {
                None => assert_eq!(class, zone),
                Some(p) => seen.push((p, class, zone)),
            }
        }
    }
    seen.sort_unstable();
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
    assert_eq!((seen[0].1, seen[0].2), (Zone::A, Zone::C), "fast movers far away first");
    assert_eq!((seen[3].1, seen[3].2), (Zone::C, Zone::A), "then slow movers in the nearest bins");
}

#[test]
fn free_bins_go_nearest_first_to_the_best_sellers_each_once() {
    let layout = Layout::demo();
    let placements =
        [place("A3", "12-001-A", Zone::C, 5), place("A1", "12-003-A", Zone::C, 5), place("A2", "12-002-A", Zone::C, 5)];
    // Two free A bins, listed far one first, and a free C bin no A SKU may take.
    let free = [bin("02-004-A", Zone::A), bin("01-001-A", Zone::A), bin("10-001-A", Zone::C)];
    assert!(
        layout.distance_from_depot(code("01-001-A")).unwrap() < layout.distance_from_depot(code("02-004-A")).unwrap()
    );
    let rows = slotting(&classes(), &placements, &free, &layout);
    let seen: Vec<(&str, Move)> = rows.iter().map(|r| (r.sku.as_str(), r.action)).collect();
    assert_eq!(
        seen,
        [("A1", Move::To(code("01-001-A"))), ("A2", Move::To(code("02-004-A"))), ("A3", Move::NoFreeBin(Zone::A)),]
    );
    assert_eq!(rows[0].suggested_bin(), Some(code("01-001-A")));
    assert_eq!(rows[0].note(), "free bin in zone A");
}

#[test]
fn a_skus_second_misplaced_bin_follows_its_first() {
    let layout = Layout::demo();
    let placements = [place("A1", "12-001-A", Zone::C, 5), place("A1", "11-001-A", Zone::B, 9)];
    let free = [bin("01-001-A", Zone::A), bin("01-002-A", Zone::A)];
    let rows = slotting(&classes(), &placements, &free, &layout);
    // A in C comes first and takes the nearest free bin; the A-in-B row joins it.
    assert_eq!(rows[0].bin.code, code("12-001-A"));
    assert_eq!(rows[0].action, Move::To(code("01-001-A")));
    assert_eq!(rows[1].action, Move::Join(code("01-001-A")));
}

#[test]
fn a_sku_already_in_its_zone_uses_no_free_bin() {
    let layout = Layout::demo();
    let placements = [
        place("A1", "02-010-A", Zone::A, 50),
        place("A1", "01-003-A", Zone::A, 50),
        place("A1", "12-001-A", Zone::C, 5),
        place("A2", "12-002-A", Zone::C, 5),
    ];
    let free = [bin("01-001-A", Zone::A)];
    let rows = slotting(&classes(), &placements, &free, &layout);
    let seen: Vec<(&str, Move)> = rows.iter().map(|r| (r.sku.as_str(), r.action)).collect();
    // A2 has no bin in zone A at all, so it comes before A1's leftover
    // (although A1 sells more), and the free bin is still there for it.
    assert_eq!(seen, [("A2", Move::To(code("01-001-A"))), ("A1", Move::Join(code("01-003-A")))]);
}

#[test]
fn skus_without_a_class_count_as_c() {
    let layout = Layout::demo();
    let rows = slotting(&classes(), &[place("NEW", "01-001-A", Zone::A, 1)], &[bin("12-025-D", Zone::C)], &layout);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].class, rows[0].units, rows[0].action), (Zone::C, 0, Move::To(code("12-025-D"))));
}
