//! Cartonization: which carton or mailer an order's units go in (`[packing]`).
//!
//! `suggest` offers the smallest carton (by inner volume, then tare) that all
//! the units fit, checked by a real 3D packing rather than by volume alone:
//! every unit is a box that may be turned any of six ways (axis-aligned; "this
//! side up" is not modelled), no two overlap, all lie inside the inner
//! dimensions, and the gross weight (units plus tare) stays within the
//! carton's maximum. An order no single carton takes is split into packages;
//! a unit no carton takes ships alone in its own packaging (`oversize`).
//! `with_carton` checks the packer's own choice (a `BOX-` scan) and says why
//! it is refused. A mailer is a box whose inner height is the thickest it
//! closes around; nothing else about it is special.
//!
//! The packing is extreme-point first-fit decreasing: units go in one by one,
//! largest first, each at the candidate corner (the origin, then corners of
//! placed units pushed back towards the walls) and turned the way that scores
//! best, and a few unit orders and scores are tried before giving up. It is a
//! heuristic: it may miss an arrangement that exists (a bigger carton or a
//! split is then suggested), but every placement it returns is checked to lie
//! inside the carton without overlaps.

use std::cmp::Reverse;
use std::fmt;

use serde::Deserialize;

use packer::{Order, Score, Space, arrange, order, sorted, volume};

/// The `[packing]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackingConfig {
    /// The cartons and mailers at the pack stations.
    #[serde(deserialize_with = "cartons")]
    pub cartons: Vec<Carton>,
}

/// Reads the carton list entry by entry, so a missing or mistyped field is
/// reported with its carton (serde's message names only the field).
fn cartons<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Carton>, D::Error> {
    struct Cartons;
    impl<'de> serde::de::Visitor<'de> for Cartons {
        type Value = Vec<Carton>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of cartons")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Carton>, A::Error> {
            let mut cartons = Vec::new();
            loop {
                match seq.next_element::<Carton>() {
                    Ok(Some(carton)) => cartons.push(carton),
                    Ok(None) => return Ok(cartons),
                    Err(e) => {
                        // On one line: TOML's message puts "in `field`" on the next.
                        let why = e
                            .to_string()
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ");
                        let n = cartons.len() + 1;
                        return Err(serde::de::Error::custom(format_args!("packing.cartons: carton {n}: {why}")));
                    }
                }
            }
        }
    }
    deserializer.deserialize_seq(Cartons)
}

impl PackingConfig {
    /// Checks every carton, naming the key (and carton) that is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.cartons.is_empty() {
            return Err("packing.cartons must list at least one carton".into());
        }
        for (n, carton) in self.cartons.iter().enumerate() {
            let code = &carton.code;
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!(
                    "packing.cartons: carton {} has code {code:?}; a code is letters, digits and '-' (scanned as BOX-CODE)",
                    n + 1
                ));
            }
            if self.cartons[..n].iter().any(|c| c.code.eq_ignore_ascii_case(code)) {
                return Err(format!("packing.cartons: code {code:?} is given twice"));
            }
            if carton.name.trim().is_empty() {
                return Err(format!("packing.cartons {code}: name must not be empty"));
            }
            if carton.inner_mm.contains(&0) {
                return Err(format!("packing.cartons {code}: inner_mm must be above 0, not {:?}", carton.inner_mm));
            }
            if carton.max_weight_g <= carton.tare_g {
                return Err(format!(
                    "packing.cartons {code}: max_weight_g ({}) must be above tare_g ({}); it is the gross weight",
                    carton.max_weight_g, carton.tare_g
                ));
            }
        }
        Ok(())
    }
}

/// A standard carton or mailer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carton {
    /// Scanned as `BOX-{code}`, e.g. `M`; matched ignoring case.
    pub code: String,
    /// What the packer is shown, e.g. "Box M".
    pub name: String,
    /// Inner length, width and height; a mailer's height is the thickest it closes around.
    pub inner_mm: [u32; 3],
    pub tare_g: u32,
    /// The most it may weigh, packed: units plus tare.
    pub max_weight_g: u32,
    /// An envelope (padded or cardboard) rather than a box.
    #[serde(default)]
    pub mailer: bool,
}

impl Carton {
    fn volume(&self) -> u128 {
        volume(self.inner_mm)
    }
}

/// One unit to pack (a line of three is three items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub sku: String,
    /// Its three dimensions, in any order.
    pub dims_mm: [u32; 3],
    pub weight_g: u32,
}

impl Item {
    #[must_use]
    pub fn new(sku: impl Into<String>, dims_mm: [u32; 3], weight_g: u32) -> Self {
        Self { sku: sku.into(), dims_mm, weight_g }
    }
}

/// Where one unit sits in its carton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// Its corner nearest the carton's origin corner, along the carton's
    /// length, width and height (`inner_mm` order).
    pub at_mm: [u32; 3],
    /// Its extent along the same axes: its own dimensions, turned.
    pub size_mm: [u32; 3],
}

/// Where every unit of a package sits: `boxes[i]` holds `items[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub boxes: Vec<Placed>,
}

/// One package of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The carton's code; `None`: oversize, the unit ships in its own packaging.
    pub carton: Option<String>,
    pub items: Vec<Item>,
    /// Units plus the carton's tare.
    pub weight_g: u32,
    /// How the units go in (`None` when oversize).
    pub placement: Option<Placement>,
}

impl Package {
    /// The unit fits no carton and ships in its own packaging.
    #[must_use]
    pub fn oversize(&self) -> bool {
        self.carton.is_none()
    }

    fn packed(carton: &Carton, items: Vec<Item>, placement: Placement) -> Self {
        let weight_g = carton.tare_g + items.iter().map(|i| i.weight_g).sum::<u32>();
        Self { carton: Some(carton.code.clone()), items, weight_g, placement: Some(placement) }
    }
}

/// How an order is packed: one package when a carton takes it all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Packing {
    pub packages: Vec<Package>,
}

/// A side of a box, by length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Shortest,
    Middle,
    Longest,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Shortest => "shortest",
            Self::Middle => "middle",
            Self::Longest => "longest",
        })
    }
}

/// Why units do not fit a carton, in the order they are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// A unit cannot go in however it is turned: this side of it is longer
    /// than the same side (by rank) of the carton.
    TooBig { sku: String, side: Side, item_mm: u32, carton_mm: u32 },
    /// Units and tare weigh more than the carton takes.
    TooHeavy { gross_g: u64, max_g: u32 },
    /// The units' volume is more than the carton's (rounded up, so above 100).
    TooFull { percent: u128 },
    /// No arrangement was found.
    NoArrangement,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooBig { sku, side, item_mm, carton_mm } => write!(
                f,
                "is too small for {sku}: its {side} side is {item_mm} mm, the carton's is {carton_mm} mm; scan a bigger carton"
            ),
            Self::TooHeavy { gross_g, max_g } => {
                write!(f, "is too weak: packed it would weigh {gross_g} g, it takes {max_g} g; scan a sturdier carton")
            }
            Self::TooFull { percent } => {
                write!(f, "is too small: the items take {percent}% of its volume; scan a bigger carton")
            }
            Self::NoArrangement => write!(f, "is too small: the items do not fit in it together; scan a bigger carton"),
        }
    }
}

/// Why the packer's carton (`BOX-` scan) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartonError {
    #[error("BOX-{code} is not a carton of this station ({known}); scan another")]
    Unknown { code: String, known: String },
    #[error("BOX-{code} {why}")]
    DoesNotFit { code: String, why: Misfit },
}

/// The arrangement of `items` in `carton`, if they fit (turned as needed,
/// not overlapping, within the gross weight).
#[must_use]
pub fn fits(carton: &Carton, items: &[Item]) -> Option<Placement> {
    check(carton, items).ok()
}

/// The packages for `items`: the smallest carton that takes them all, else a
/// split (see `split`); no items, no packages.
#[must_use]
pub fn suggest(cartons: &[Carton], items: &[Item]) -> Packing {
    if items.is_empty() {
        return Packing::default();
    }
    let by_size = by_size(cartons);
    match smallest(&by_size, items) {
        Some(package) => Packing { packages: vec![package] },
        None => split(&by_size, items),
    }
}

/// The package for `items` in the carton the packer scanned (`BOX-{code}`),
/// or why it does not take them.
pub fn with_carton(cartons: &[Carton], code: &str, items: &[Item]) -> Result<Package, CartonError> {
    let Some(carton) = cartons.iter().find(|c| c.code.eq_ignore_ascii_case(code)) else {
        let known = cartons.iter().map(|c| c.code.as_str()).collect::<Vec<_>>().join(", ");
        return Err(CartonError::Unknown { code: code.to_owned(), known });
    };
    check(carton, items)
        .map(|placement| Package::packed(carton, items.to_vec(), placement))
        .map_err(|why| CartonError::DoesNotFit { code: carton.code.clone(), why })
}

/// Cartons smallest first: inner volume, then tare, then code.
fn by_size(cartons: &[Carton]) -> Vec<&Carton> {
    let mut sorted: Vec<&Carton> = cartons.iter().collect();
    sorted.sort_by(|a, b| (a.volume(), a.tare_g, &a.code).cmp(&(b.volume(), b.tare_g, &b.code)));
    sorted
}

/// The package in the smallest carton that takes all of `items`.
fn smallest(by_size: &[&Carton], items: &[Item]) -> Option<Package> {
    by_size.iter().find_map(|c| fits(c, items).map(|placement| Package::packed(c, items.to_vec(), placement)))
}

/// Splits an order no carton takes whole: units that fit no carton become
/// oversize packages; the rest, largest first, fill the largest carton that
/// takes the first of them (each unit that still fits goes in, the others
/// wait), and that package then moves to the smallest carton that takes it.
/// Repeats until every unit is packed; oversize packages come last.
fn split(by_size: &[&Carton], items: &[Item]) -> Packing {
    let fits_alone = |c: &Carton, i: usize| fits(c, std::slice::from_ref(&items[i])).is_some();
    let (mut rest, oversize): (Vec<usize>, Vec<usize>) =
        order(items, Order::Volume).into_iter().partition(|&i| by_size.iter().any(|c| fits_alone(c, i)));
    let mut packages = Vec::new();
    while let Some(&first) = rest.first() {
        let carton =
            by_size.iter().rev().find(|c| fits_alone(c, first)).expect("only units that fit a carton are left");
        let (taken, left, placement) = [Score::Contact, Score::Snug, Score::BottomLeft]
            .into_iter()
            .map(|score| fill(carton, items, &rest, score))
            .min_by_key(|(taken, _, _)| {
                Reverse((taken.iter().map(|&i| volume(items[i].dims_mm)).sum::<u128>(), taken.len()))
            })
            .expect("three fills");
        // The first unit fits the empty carton alone (placing it tries every
        // turn at the origin), so every round packs at least one unit.
        assert!(!taken.is_empty(), "a unit that fits a carton alone was not placed in it");
        let units: Vec<Item> = taken.iter().map(|&i| items[i].clone()).collect();
        let package = smallest(by_size, &units).unwrap_or_else(|| Package::packed(carton, units, placement));
        packages.push(package);
        rest = left;
    }
    packages.extend(oversize.into_iter().map(|i| Package {
        carton: None,
        items: vec![items[i].clone()],
        weight_g: items[i].weight_g,
        placement: None,
    }));
    Packing { packages }
}

/// Fills `carton` with the units of `rest` in turn, each that still fits
/// going in: the units taken, those left, and the placement of those taken.
fn fill(carton: &Carton, items: &[Item], rest: &[usize], score: Score) -> (Vec<usize>, Vec<usize>, Placement) {
    let mut space = Space::new(carton.inner_mm);
    let mut gross = u64::from(carton.tare_g);
    let (mut taken, mut left) = (Vec::new(), Vec::new());
    for &i in rest {
        let weight = u64::from(items[i].weight_g);
        if gross + weight <= u64::from(carton.max_weight_g) && space.place(items[i].dims_mm, score).is_some() {
            taken.push(i);
            gross += weight;
        } else {
            left.push(i);
        }
    }
    (taken, left, space.placement())
}

/// Checks `items` against `carton`, cheapest reasons first, then packs them.
fn check(carton: &Carton, items: &[Item]) -> Result<Placement, Misfit> {
    let inner = sorted(carton.inner_mm);
    for item in items {
        let dims = sorted(item.dims_mm);
        for (k, side) in [(2, Side::Longest), (1, Side::Middle), (0, Side::Shortest)] {
            if dims[k] > inner[k] {
                return Err(Misfit::TooBig { sku: item.sku.clone(), side, item_mm: dims[k], carton_mm: inner[k] });
            }
        }
    }
    let gross_g = u64::from(carton.tare_g) + items.iter().map(|i| u64::from(i.weight_g)).sum::<u64>();
    if gross_g > u64::from(carton.max_weight_g) {
        return Err(Misfit::TooHeavy { gross_g, max_g: carton.max_weight_g });
    }
    let units: u128 = items.iter().map(|i| volume(i.dims_mm)).sum();
    if units > carton.volume() {
        return Err(Misfit::TooFull { percent: (units * 100).div_ceil(carton.volume()) });
    }
    arrange(carton.inner_mm, items).ok_or(Misfit::NoArrangement)
}

mod packer;
#[cfg(test)]
mod tests;
