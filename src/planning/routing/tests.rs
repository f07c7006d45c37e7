use proptest::prelude::*;

use super::*;
use crate::domain::Zone;
use crate::domain::layout::Point;

fn bin(s: &str) -> BinCode {
    s.parse().unwrap()
}

fn bins(codes: &[&str]) -> Vec<BinCode> {
    codes.iter().map(|c| bin(c)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn distance(layout: &Layout, codes: &[&str], method: Method) -> f64 {
    route(layout, &bins(codes), method).unwrap().distance_m
}

/// A layout with the demo's measures but `aisles` aisles and the depot in `depot_aisle`.
fn demo_with(aisles: u8, depot_aisle: u8) -> Layout {
    Layout { aisles, depot_aisle, ..Layout::demo() }
}

/// The shortest tour by trying every visiting order of the distinct bins.
fn brute_force(layout: &Layout, codes: &[BinCode]) -> f64 {
    fn go(layout: &Layout, at: Point, rest: &mut Vec<Point>, walked: f64, best: &mut f64) {
        if rest.is_empty() {
            *best = best.min(walked + layout.travel(at, layout.depot()));
            return;
        }
        for i in 0..rest.len() {
            let next = rest.swap_remove(i);
            go(layout, next, rest, walked + layout.travel(at, next), best);
            rest.push(next);
            let last = rest.len() - 1;
            rest.swap(i, last);
        }
    }
    let mut distinct = codes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut points: Vec<Point> = distinct.iter().map(|&b| layout.point(b).unwrap()).collect();
    let mut best = f64::INFINITY;
    go(layout, layout.depot(), &mut points, 0.0, &mut best);
    best
}

/// The shortest tour by Held and Karp's programme over subsets (for more bins
/// than brute force can try).
fn held_karp(layout: &Layout, codes: &[BinCode]) -> f64 {
    let mut distinct = codes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let points: Vec<Point> = distinct.iter().map(|&b| layout.point(b).unwrap()).collect();
    let n = points.len();
    if n == 0 {
        return 0.0;
    }
    let depot = layout.depot();
    // best[set][last]: shortest walk from the depot through `set`, ending at `last`.
    let mut best = vec![vec![f64::INFINITY; n]; 1 << n];
    for (i, &p) in points.iter().enumerate() {
        best[1 << i][i] = layout.travel(depot, p);
    }
    for set in 1..1usize << n {
        for last in (0..n).filter(|l| set & (1 << l) != 0) {
            let here = best[set][last];
            if !here.is_finite() {
                continue;
            }
            for next in (0..n).filter(|x| set & (1 << x) == 0) {
                let walked = here + layout.travel(points[last], points[next]);
                let slot = &mut best[set | (1 << next)][next];
                *slot = slot.min(walked);
            }
        }
    }
    (0..n).map(|l| best[(1 << n) - 1][l] + layout.travel(points[l], depot)).fold(f64::INFINITY, f64::min)
}

/// Checks what every route must satisfy and returns its distance.
fn checked(layout: &Layout, codes: &[BinCode], method: Method) -> f64 {
    let route = route(layout, codes, method).unwrap();
    let mut want = codes.to_vec();
    want.sort_unstable();
    want.dedup();
    let mut got = route.sequence.clone();
    got.sort_unstable();
    assert_eq!(got, want, "{method} visits every bin exactly once: {:?}", route.sequence);
    assert_eq!(route.method, method);
    assert!(
        close(route.distance_m, sequence_length(layout, &route.sequence)),
        "{method}: the distance is that of the sequence"
    );
    route.distance_m
}

#[test]
fn method_names_round_trip() {
    let names: Vec<String> = Method::ALL.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["optimal", "s-shape", "largest-gap", "zone"]);
    for method in Method::ALL {
        assert_eq!(method.as_str().parse::<Method>(), Ok(method));
    }
    let err = "sshape".parse::<Method>().unwrap_err();
    assert!(err.contains("\"sshape\"") && err.contains("s-shape"), "{err}");
}

#[test]
fn one_bin_is_twice_its_distance_from_the_depot() {
    let layout = Layout::demo();
    // Aisle 3 is 6 m across; bay 17 at y = 1.0 + 16.5 * 1.2 = 20.8, nearer the front.
    for method in Method::ALL {
        assert!(close(distance(&layout, &["03-017-B"], method), 2.0 * (6.0 + 20.8)), "{method}");
    }
    // Bay 25 (y = 30.4) is nearer the back cross-aisle (Y = 32), but from the
    // front depot the front is still the short way: 6 + 30.4 < 6 + 32 + 1.6.
    assert!(close(distance(&layout, &["03-025-A"], Method::Optimal), 2.0 * (6.0 + 30.4)));
    // Depot in aisle 3: straight up aisle 3 and back.
    assert!(close(distance(&demo_with(12, 3), &["03-017-B"], Method::Optimal), 2.0 * 20.8));
}

#[test]
fn two_bins_in_one_aisle_are_one_trip_to_the_farther() {
    let layout = Layout::demo();
    // Bays 5 and 10 of aisle 2: y = 6.4 and 12.4, 3 m across.
    for method in Method::ALL {
        let d = distance(&layout, &["02-010-C", "02-005-A"], method);
        assert!(close(d, 2.0 * (3.0 + 12.4)), "{method}: {d}");
    }
    let route = route(&layout, &bins(&["02-010-C", "02-005-A"]), Method::Optimal).unwrap();
    assert_eq!(route.sequence, bins(&["02-005-A", "02-010-C"]));
}

#[test]
fn bins_near_the_back_are_joined_through_the_back_cross_aisle() {
    let layout = Layout::demo();
    // Up aisle 1, across the back 9 m, down aisle 4, back along the front: 2 * 32 + 2 * 9.
    let codes = ["04-025-A", "01-025-A"];
    assert!(close(distance(&layout, &codes, Method::Optimal), 82.0));
    assert!(close(distance(&layout, &codes, Method::SShape), 82.0));
    // Two separate trips would be 2 * 30.4 + 2 * (9 + 30.4) = 139.6.
    let route = route(&layout, &bins(&codes), Method::Optimal).unwrap();
    assert_eq!(route.sequence.len(), 2);
}

#[test]
fn a_middle_aisle_is_entered_from_both_ends() {
    // Three aisles, depot in aisle 1; the middle aisle has a pick at each end,
    // the last one too.
    let layout = demo_with(3, 1);
    let codes = bins(&["02-001-A", "02-025-A", "01-025-A", "03-025-A", "03-001-A"]);
    // Up aisle 1 (32), across the back (6) taking 02-025 by a 2 * 1.6 detour,
    // down aisle 3 (32), along the front (6) with 02-001 by a 2 * 1.6 detour.
    let optimal = route(&layout, &codes, Method::Optimal).unwrap();
    assert!(close(optimal.distance_m, 76.0 + 6.4), "{optimal:?}");
    assert!(close(optimal.distance_m, brute_force(&layout, &codes)));
    assert_eq!(optimal.sequence, bins(&["01-025-A", "02-025-A", "03-025-A", "03-001-A", "02-001-A"]));
    // S-shape walks aisle 2 through and comes back up and down aisle 3.
    assert!(checked(&layout, &codes, Method::SShape) > optimal.distance_m + 1.0);
    // With the depot in aisle 2, up aisle 2 and down aisle 3 is shorter: 79.2.
    let layout = demo_with(3, 2);
    let optimal = route(&layout, &codes, Method::Optimal).unwrap();
    assert!(close(optimal.distance_m, 79.2), "{optimal:?}");
    assert!(close(optimal.distance_m, brute_force(&layout, &codes)));
}

#[test]
fn repeated_bins_are_visited_once_and_no_bins_is_an_empty_route() {
    let layout = Layout::demo();
    let codes = bins(&["05-003-A", "02-010-B", "05-003-A", "02-010-B"]);
    for method in Method::ALL {
        let route = route(&layout, &codes, method).unwrap();
        assert_eq!(route.sequence.len(), 2, "{method}");
    }
    for method in Method::ALL {
        let route = route(&layout, &[], method).unwrap();
        assert_eq!((route.distance_m, route.sequence.len()), (0.0, 0), "{method}");
    }
}

#[test]
fn bins_outside_the_layout_are_named() {
    let layout = Layout::demo();
    for outside in ["13-001-A", "01-026-A", "01-001-E"] {
        let err = route(&layout, &bins(&["01-001-A", outside]), Method::Optimal).unwrap_err().to_string();
        assert!(err.contains(outside) && err.contains("aisles 01-12"), "{err}");
    }
    assert!(sequence_length(&layout, &bins(&["13-001-A"])).is_infinite());
}

#[test]
fn zone_groups_the_optimal_walk_a_then_b_then_c() {
    let layout = Layout::demo();
    let codes = bins(&["12-025-A", "01-001-A", "06-012-C", "02-003-B", "09-020-D", "01-024-A", "04-002-A", "11-001-B"]);
    let optimal = route(&layout, &codes, Method::Optimal).unwrap();
    let zoned = route(&layout, &codes, Method::Zone).unwrap();
    let all_bins = layout.zoned_bins();
    let zone_of = |b: &BinCode| all_bins.iter().find(|z| z.code == *b).unwrap().zone;
    let seen: Vec<Zone> = zoned.sequence.iter().map(zone_of).collect();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(seen.contains(&Zone::A) && seen.contains(&Zone::C), "the sample spans zones: {seen:?}");
    for zone in [Zone::A, Zone::B, Zone::C] {
        let of = |seq: &[BinCode]| seq.iter().copied().filter(|b| zone_of(b) == zone).collect::<Vec<_>>();
        assert_eq!(of(&zoned.sequence), of(&optimal.sequence), "zone {zone:?} keeps the walk order");
    }
    assert!(zoned.distance_m + 1e-9 >= optimal.distance_m);
}

#[test]
fn s_shape_and_largest_gap_follow_their_definitions() {
    let layout = Layout::demo();
    let codes = bins(&["02-020-A", "02-003-A", "05-024-A", "05-002-A", "05-004-A", "07-010-A", "09-001-A"]);
    let s_shape = route(&layout, &codes, Method::SShape).unwrap();
    // Up 2, down 5, up 7, down 9.
    assert_eq!(
        s_shape.sequence,
        bins(&["02-003-A", "02-020-A", "05-024-A", "05-004-A", "05-002-A", "07-010-A", "09-001-A"])
    );
    let gap = route(&layout, &codes, Method::LargestGap).unwrap();
    // Up 2; aisle 5's largest gap is between bays 4 and 24, aisle 7's between
    // bay 10 and the back: from the back 05-024, down 9, then from the front
    // 07-010 and 05-002, 05-004.
    assert_eq!(
        gap.sequence,
        bins(&["02-003-A", "02-020-A", "05-024-A", "09-001-A", "07-010-A", "05-002-A", "05-004-A"])
    );
}

#[test]
fn json_has_the_designed_shape() {
    let route = route(&Layout::demo(), &bins(&["03-017-B", "01-002-A"]), Method::Optimal).unwrap();
    let json = route.to_json();
    assert!(json.starts_with("{\"method\": \"optimal\", \"distance_m\": "), "{json}");
    assert!(json.ends_with("\"sequence\": [\"01-002-A\", \"03-017-B\"]}"), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shown = value["distance_m"].as_f64().unwrap();
    assert!((shown - route.distance_m).abs() <= 0.05 && close(shown * 10.0, (shown * 10.0).round()), "{json}");
}

/// A random single-block layout: 1-8 aisles, 1-30 bays, any measures and depot aisle.
fn layouts() -> impl Strategy<Value = Layout> {
    (1u8..=8, 1u16..=30, 0.5f64..6.0, 0.3f64..3.0, 0.5f64..5.0, any::<u8>()).prop_map(
        |(aisles, bays, aisle_pitch_m, bay_depth_m, cross_aisle_m, depot)| Layout {
            aisles,
            bays,
            aisle_pitch_m,
            bay_depth_m,
            cross_aisle_m,
            depot_aisle: 1 + depot % aisles,
            levels: "AB".into(),
        },
    )
}

/// Up to `most` bins of `layout` (repeats allowed).
fn bins_in(layout: &Layout, most: usize) -> impl Strategy<Value = Vec<BinCode>> + use<> {
    let (aisles, bays) = (layout.aisles, layout.bays);
    proptest::collection::vec((any::<u8>(), any::<u16>(), any::<bool>()), 0..=most).prop_map(move |raw| {
        raw.into_iter()
            .map(|(a, b, upper)| BinCode {
                aisle: 1 + a % aisles,
                bay: 1 + b % bays,
                level: if upper { 'B' } else { 'A' },
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Up to 8 bins: optimal is the best of every visiting order, and never
    /// longer than the other methods.
    #[test]
    fn optimal_matches_brute_force(
        (layout, codes) in layouts().prop_flat_map(|l| { let b = bins_in(&l, 8); (Just(l), b) })
    ) {
        let optimal = checked(&layout, &codes, Method::Optimal);
        let best = brute_force(&layout, &codes);
        prop_assert!(close(optimal, best), "optimal {optimal} but an order of {best} exists");
        for method in [Method::SShape, Method::LargestGap, Method::Zone] {
            let other = checked(&layout, &codes, method);
            prop_assert!(optimal <= other + 1e-9, "{method} {other} < optimal {optimal}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// 9 to 12 distinct bins: optimal equals Held and Karp's exact programme.
    #[test]
    fn optimal_matches_held_karp(
        (layout, codes) in layouts().prop_flat_map(|l| { let b = bins_in(&l, 12); (Just(l), b) })
    ) {
        let optimal = checked(&layout, &codes, Method::Optimal);
        let best = held_karp(&layout, &codes);
        prop_assert!(close(optimal, best), "optimal {optimal} but {best} exists");
    }

    /// Up to 80 bins on the demo layout with any depot: every method visits
    /// every bin once and optimal is the shortest.
    #[test]
    fn every_method_gives_a_valid_route(
        depot in 1u8..=12,
        codes in bins_in(&Layout::demo(), 80),
    ) {
        let layout = demo_with(12, depot);
        let optimal = checked(&layout, &codes, Method::Optimal);
        for method in [Method::SShape, Method::LargestGap, Method::Zone] {
            let other = checked(&layout, &codes, method);
            prop_assert!(optimal <= other + 1e-9, "{method} {other} < optimal {optimal}");
        }
    }
}
