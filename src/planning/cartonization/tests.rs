//! Carton choice (smallest that really fits, turned as needed, within its
//! weight), splits and oversize units, `BOX-` overrides, the config check,
//! and every placement verified geometrically, on fixed cases and random
//! orders.

use proptest::prelude::*;

use super::*;

fn carton(code: &str, inner_mm: [u32; 3], tare_g: u32, max_weight_g: u32, mailer: bool) -> Carton {
    Carton { code: code.into(), name: format!("Carton {code}"), inner_mm, tare_g, max_weight_g, mailer }
}

/// The bundled defaults' sizes, written out so the fixed cases do not move
/// when the defaults are tuned.
fn standard() -> Vec<Carton> {
    vec![
        carton("XL", [600, 400, 400], 900, 31_500, false),
        carton("MS", [250, 180, 20], 30, 1_000, true),
        carton("S", [300, 200, 150], 200, 10_000, false),
        carton("ML", [350, 250, 50], 60, 2_000, true),
        carton("M", [400, 300, 200], 350, 20_000, false),
        carton("XS", [200, 150, 100], 120, 5_000, false),
        carton("L", [500, 400, 300], 600, 25_000, false),
    ]
}

fn item(sku: &str, dims_mm: [u32; 3], weight_g: u32) -> Item {
    Item::new(sku, dims_mm, weight_g)
}

fn find<'a>(cartons: &'a [Carton], code: &str) -> &'a Carton {
    cartons.iter().find(|c| c.code == code).unwrap()
}

/// Fails unless `placement` puts every item, turned but not resized, inside
/// `carton` with no two overlapping (checked afresh, not with the packer's code).
fn verify(carton: &Carton, items: &[Item], placement: &Placement) -> Result<(), String> {
    if placement.boxes.len() != items.len() {
        return Err(format!("{} boxes for {} items", placement.boxes.len(), items.len()));
    }
    for (n, (b, item)) in placement.boxes.iter().zip(items).enumerate() {
        let (mut size, mut dims) = (b.size_mm, item.dims_mm);
        size.sort_unstable();
        dims.sort_unstable();
        if size != dims {
            return Err(format!("box {n} is {:?}, item {} is {:?}", b.size_mm, item.sku, item.dims_mm));
        }
        for k in 0..3 {
            if u64::from(b.at_mm[k]) + u64::from(b.size_mm[k]) > u64::from(carton.inner_mm[k]) {
                return Err(format!("box {n} {b:?} sticks out of {} {:?}", carton.code, carton.inner_mm));
            }
        }
        for (m, other) in placement.boxes.iter().enumerate().take(n) {
            let apart = (0..3).any(|k| {
                b.at_mm[k] + b.size_mm[k] <= other.at_mm[k] || other.at_mm[k] + other.size_mm[k] <= b.at_mm[k]
            });
            if !apart {
                return Err(format!("boxes {m} {other:?} and {n} {b:?} overlap"));
            }
        }
    }
    let gross = carton.tare_g + items.iter().map(|i| i.weight_g).sum::<u32>();
    if gross > carton.max_weight_g {
        return Err(format!("{gross} g in {}, which takes {} g", carton.code, carton.max_weight_g));
    }
    Ok(())
}

/// Verifies every package of `packing`, that each of `items` is in exactly
/// one, that weights add up, and that oversize units really fit nothing.
fn verify_packing(cartons: &[Carton], items: &[Item], packing: &Packing) -> Result<(), String> {
    let mut seen: Vec<&Item> = Vec::new();
    for package in &packing.packages {
        seen.extend(&package.items);
        let units: u32 = package.items.iter().map(|i| i.weight_g).sum();
        match (&package.carton, &package.placement) {
            (Some(code), Some(placement)) => {
                let carton = find(cartons, code);
                verify(carton, &package.items, placement)?;
                if package.weight_g != units + carton.tare_g {
                    return Err(format!(
                        "package in {code} weighs {} g, not {}",
                        package.weight_g,
                        units + carton.tare_g
                    ));
                }
            }
            (None, None) => {
                let [unit] = package.items.as_slice() else { return Err("an oversize package holds one unit".into()) };
                if package.weight_g != units {
                    return Err(format!("oversize {} weighs {} g, not {units}", unit.sku, package.weight_g));
                }
                if let Some(c) = cartons.iter().find(|c| fits(c, std::slice::from_ref(unit)).is_some()) {
                    return Err(format!("{} is called oversize but fits {}", unit.sku, c.code));
                }
            }
            _ => return Err(format!("package {package:?}: a carton needs a placement and only it")),
        }
    }
    let mut want: Vec<&Item> = items.iter().collect();
    want.sort_by(|a, b| a.sku.cmp(&b.sku));
    seen.sort_by(|a, b| a.sku.cmp(&b.sku));
    if seen != want {
        return Err(format!("packed {} units, ordered {}", seen.len(), want.len()));
    }
    Ok(())
}

fn suggested(items: &[Item]) -> Packing {
    let cartons = standard();
    let packing = suggest(&cartons, items);
    verify_packing(&cartons, items, &packing).unwrap();
    packing
}

fn codes(packing: &Packing) -> Vec<Option<&str>> {
    packing.packages.iter().map(|p| p.carton.as_deref()).collect()
}

#[test]
fn a_thin_item_goes_in_the_small_mailer() {
    let packing = suggested(&[item("BOOK", [240, 170, 15], 400)]);
    assert_eq!(codes(&packing), [Some("MS")]);
    assert_eq!(packing.packages[0].weight_g, 430);
    // Too thick for either mailer: the smallest box.
    assert_eq!(codes(&suggested(&[item("MUG", [120, 100, 95], 350)])), [Some("XS")]);
}

#[test]
fn a_long_item_needs_a_long_enough_carton_not_just_volume() {
    let rod = item("ROD", [60, 480, 60], 900);
    let volume = 480 * 60 * 60;
    for small in ["S", "M"] {
        assert!(find(&standard(), small).volume() > volume * 5, "{small} has the volume many times over");
        assert!(fits(find(&standard(), small), std::slice::from_ref(&rod)).is_none(), "{small}");
    }
    let packing = suggested(&[rod]);
    assert_eq!(codes(&packing), [Some("L")]);
    let placed = packing.packages[0].placement.as_ref().unwrap().boxes[0];
    assert_eq!(placed.size_mm[0], 480, "along L's 500 mm length: {placed:?}");
}

#[test]
fn an_item_is_turned_to_fit() {
    // Upright as given it fits S in no dimension order but one.
    let tin = item("TIN", [140, 290, 190], 1_500);
    let cartons = standard();
    let placement = fits(find(&cartons, "S"), std::slice::from_ref(&tin)).unwrap();
    assert_eq!(placement.boxes[0], Placed { at_mm: [0, 0, 0], size_mm: [290, 190, 140] });
    assert_eq!(codes(&suggested(&[tin])), [Some("S")]);
    // 10 mm too tall however it is turned: not S.
    let too_tall = item("TALL", [160, 290, 190], 1_500);
    assert_eq!(codes(&suggested(&[too_tall])), [Some("M")]);
}

#[test]
fn units_are_packed_side_by_side_and_in_layers() {
    let cartons = standard();
    // 24 cubes of 100 mm fill M exactly; 25 do not.
    let cubes: Vec<Item> = (0..25).map(|n| item(&format!("CUBE-{n:02}"), [100, 100, 100], 100)).collect();
    let m = find(&cartons, "M");
    verify(m, &cubes[..24], &fits(m, &cubes[..24]).unwrap()).unwrap();
    assert!(fits(m, &cubes).is_none());
    assert_eq!(codes(&suggested(&cubes)), [Some("L")]);
    // Two of the tins side by side in M, turned (one upright as given fills S alone).
    let tins = [item("TIN-1", [140, 290, 190], 1_500), item("TIN-2", [140, 290, 190], 1_500)];
    assert_eq!(codes(&suggested(&tins)), [Some("M")]);
    // Mixed sizes that fill S exactly: 300x200x100 on the floor, two 150x200x50 on top.
    let mixed = [item("A", [200, 100, 300], 500), item("B", [50, 150, 200], 200), item("C", [200, 150, 50], 200)];
    assert_eq!(codes(&suggested(&mixed)), [Some("S")]);
}

#[test]
fn weight_forces_a_sturdier_carton_then_a_second_package() {
    // Two 3 kg blocks fit XS side by side, but 6.12 kg is over its 5 kg.
    let blocks = [item("IRON-1", [100, 100, 100], 3_000), item("IRON-2", [100, 100, 100], 3_000)];
    let cartons = standard();
    assert!(fits(find(&cartons, "XS"), &blocks[..1]).is_some());
    assert_eq!(codes(&suggested(&blocks)), [Some("S")]);
    // Four 14 kg blocks: 56 kg is over every carton, 28 kg fits XL only.
    let heavy: Vec<Item> = (0..4).map(|n| item(&format!("ANVIL-{n}"), [100, 100, 100], 14_000)).collect();
    let packing = suggested(&heavy);
    assert_eq!(codes(&packing), [Some("XL"), Some("XL")]);
    assert!(packing.packages.iter().all(|p| p.items.len() == 2 && p.weight_g == 28_900));
}

#[test]
fn an_order_too_big_for_any_carton_is_split_and_each_package_shrunk() {
    // Each chest fills XL; the tin goes in a package of its own, shrunk to S.
    let items = [
        item("TIN", [290, 190, 140], 1_500),
        item("CHEST-1", [580, 380, 380], 8_000),
        item("CHEST-2", [580, 380, 380], 8_000),
    ];
    let packing = suggested(&items);
    assert_eq!(codes(&packing), [Some("XL"), Some("XL"), Some("S")]);
    assert_eq!(packing.packages[2].items, [items[0].clone()]);
    // Many small units over the largest carton's volume: two packages, the
    // second only as big as it needs.
    let books: Vec<Item> = (0..110).map(|n| item(&format!("BOOK-{n:03}"), [200, 130, 40], 250)).collect();
    let packing = suggested(&books);
    assert_eq!(packing.packages.len(), 2, "{:?}", codes(&packing));
    assert_eq!(packing.packages[0].carton.as_deref(), Some("XL"));
    // XL takes 90 laid in a grid (3 x 3 x 10), M the other 20 (2 x 2 x 5).
    let counts: Vec<usize> = packing.packages.iter().map(|p| p.items.len()).collect();
    assert_eq!((counts, packing.packages[1].carton.as_deref()), (vec![90, 20], Some("M")));
}

#[test]
fn an_item_no_carton_takes_ships_alone() {
    let items = [item("BOOK", [240, 170, 15], 400), item("CURTAIN-ROD", [1_200, 40, 40], 1_100)];
    let packing = suggested(&items);
    assert_eq!(codes(&packing), [Some("MS"), None]);
    assert!(packing.packages[1].oversize() && packing.packages[1].weight_g == 1_100);
    // Too heavy for any carton is oversize too.
    assert_eq!(codes(&suggested(&[item("BARBELL", [300, 200, 100], 40_000)])), [None]);
    assert_eq!(suggest(&standard(), &[]), Packing::default());
}

#[test]
fn a_scanned_carton_is_used_when_it_fits_and_refused_with_the_reason() {
    let cartons = standard();
    let tin = [item("TIN", [290, 190, 140], 1_500)];
    let package = with_carton(&cartons, "m", &tin).unwrap();
    assert_eq!((package.carton.as_deref(), package.weight_g), (Some("M"), 1_850));
    verify(find(&cartons, "M"), &tin, package.placement.as_ref().unwrap()).unwrap();

    let refused = |code: &str, items: &[Item]| with_carton(&cartons, code, items).unwrap_err().to_string();
    assert_eq!(
        refused("XS", &tin),
        "BOX-XS is too small for TIN: its longest side is 290 mm, the carton's is 200 mm; scan a bigger carton"
    );
    let e = refused("S", &[item("TIN", [160, 290, 190], 1_500)]);
    assert!(e.contains("its shortest side is 160 mm, the carton's is 150 mm"), "{e}");
    let e = refused("XS", &[item("IRON-1", [100, 100, 100], 3_000), item("IRON-2", [100, 100, 100], 3_000)]);
    assert_eq!(e, "BOX-XS is too weak: packed it would weigh 6120 g, it takes 5000 g; scan a sturdier carton");
    let e = refused("XS", &[item("A", [150, 150, 100], 100), item("B", [150, 150, 100], 100)]);
    assert!(e.contains("the items take 150% of its volume"), "{e}");
    // Each fits S and both together have the room, but no arrangement exists:
    // only their 140 mm side fits S's 150 mm height, leaving 160 + 160 mm in 300 x 200.
    let e = refused("S", &[item("P", [160, 160, 140], 100), item("Q", [160, 160, 140], 100)]);
    assert_eq!(e, "BOX-S is too small: the items do not fit in it together; scan a bigger carton");
    let e = refused("XXL", &tin);
    assert_eq!(e, "BOX-XXL is not a carton of this station (XL, MS, S, ML, M, XS, L); scan another");
}

#[test]
fn the_config_check_names_the_carton_and_key() {
    let config = |cartons: Vec<Carton>| PackingConfig { cartons }.check();
    assert_eq!(config(standard()), Ok(()));
    assert_eq!(config(vec![]).unwrap_err(), "packing.cartons must list at least one carton");
    let mut bad = standard();
    bad[2].max_weight_g = 150;
    assert_eq!(
        config(bad).unwrap_err(),
        "packing.cartons S: max_weight_g (150) must be above tare_g (200); it is the gross weight"
    );
    let mut bad = standard();
    bad[4].inner_mm[2] = 0;
    assert_eq!(config(bad).unwrap_err(), "packing.cartons M: inner_mm must be above 0, not [400, 300, 0]");
    let mut bad = standard();
    bad[3].code = "s".into();
    assert_eq!(config(bad).unwrap_err(), "packing.cartons: code \"s\" is given twice");
    let mut bad = standard();
    bad[1].code = "M S".into();
    assert!(config(bad).unwrap_err().starts_with("packing.cartons: carton 2 has code \"M S\""));
    let mut bad = standard();
    bad[0].name = " ".into();
    assert_eq!(config(bad).unwrap_err(), "packing.cartons XL: name must not be empty");
}

#[test]
fn the_bundled_defaults_are_valid() {
    let text = include_str!("../../../assets/config.default.toml");
    let mut table: toml::Table = toml::from_str(text).unwrap();
    let packing: PackingConfig = table.remove("packing").unwrap().try_into().unwrap();
    packing.check().unwrap();
    assert!(packing.cartons.iter().any(|c| c.mailer) && packing.cartons.iter().any(|c| !c.mailer));
    assert!(packing.cartons.len() >= 5);
    // A field serde rejects is reported with its carton, on one line.
    let err = |entries: &str| toml::from_str::<PackingConfig>(entries).unwrap_err().message().to_owned();
    let ok = "code = \"S\", name = \"Box S\", inner_mm = [300, 200, 150], tare_g = 200, max_weight_g = 10000";
    assert_eq!(
        err(&format!("cartons = [{{ {ok} }}, {{ code = \"M\", name = \"Box M\", inner_mm = [1, 2, 3] }}]")),
        "packing.cartons: carton 2: missing field `tare_g`"
    );
    let e = err(&format!("cartons = [{{ {ok} }}, {{ {} }}]", ok.replace("[300, 200, 150]", "[300, 200]")));
    assert_eq!(e, "packing.cartons: carton 2: invalid length 2, expected an array of length 3 in `inner_mm`");
}

/// Units from 10 to 450 mm a side (now and then up to 1,300 mm, too long for
/// any carton), 10 g to 20 kg (now and then 40 kg, too heavy for any).
fn units(most: usize) -> impl Strategy<Value = Vec<Item>> {
    let side = prop_oneof![9 => 10u32..=450, 1 => 10u32..=1_300];
    let weight = prop_oneof![9 => 10u32..=20_000, 1 => 10u32..=40_000];
    proptest::collection::vec(([side.clone(), side.clone(), side], weight), 0..=most).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(n, (dims_mm, weight_g))| item(&format!("U{n:03}"), dims_mm, weight_g))
            .collect()
    })
}

/// Small units, many to a carton, so placements are crowded.
fn small_units(most: usize) -> impl Strategy<Value = Vec<Item>> {
    proptest::collection::vec(([20u32..=160, 20u32..=160, 10u32..=120], 10u32..=2_000), 1..=most).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(n, (dims_mm, weight_g))| item(&format!("S{n:03}"), dims_mm, weight_g))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every package's placement is physically valid, within its weight, and
    /// every unit is packed exactly once.
    #[test]
    fn every_suggestion_is_a_valid_packing(items in units(16)) {
        let cartons = standard();
        let packing = suggest(&cartons, &items);
        prop_assert_eq!(verify_packing(&cartons, &items, &packing), Ok(()));
        // A split only when no carton takes everything; one carton, the
        // smallest the packer can fill.
        if let [Package { carton: Some(code), .. }] = packing.packages.as_slice() {
            let chosen = find(&cartons, code);
            for smaller in cartons.iter().filter(|c| (c.volume(), c.tare_g) < (chosen.volume(), chosen.tare_g)) {
                prop_assert!(fits(smaller, &items).is_none(), "{} fits too", smaller.code);
            }
        } else if !items.is_empty() {
            for carton in &cartons {
                prop_assert!(fits(carton, &items).is_none(), "{} takes all {} units", carton.code, items.len());
            }
        }
    }

    /// Crowded cartons: whatever `fits` and `with_carton` return is valid.
    #[test]
    fn every_fit_is_a_valid_placement(items in small_units(40)) {
        let cartons = standard();
        for carton in &cartons {
            if let Some(placement) = fits(carton, &items) {
                prop_assert_eq!(verify(carton, &items, &placement), Ok(()));
            }
            match with_carton(&cartons, &carton.code, &items) {
                Ok(package) => prop_assert_eq!(verify(carton, &items, package.placement.as_ref().unwrap()), Ok(())),
                Err(CartonError::DoesNotFit { why, .. }) => prop_assert!(fits(carton, &items).is_none(), "{why}"),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
        let packing = suggest(&cartons, &items);
        prop_assert_eq!(verify_packing(&cartons, &items, &packing), Ok(()));
    }
}
