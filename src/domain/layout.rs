//! The single-block warehouse model of DESIGN section 6 and its travel
//! distance: parallel aisles between a front and a back cross-aisle, with the
//! depot (pack station) in the front cross-aisle.

use std::path::Path;

use serde::Deserialize;

use super::location::{Bin, BinCode, Zone};

/// A warehouse layout as described by `assets/layouts/*.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub aisles: u8,
    pub bays: u16,
    pub aisle_pitch_m: f64,
    pub bay_depth_m: f64,
    pub cross_aisle_m: f64,
    pub depot_aisle: u8,
    pub levels: String,
}

/// A layout file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("cannot read layout file {path}: {source}; check the `layout` setting in the config")]
    Read { path: String, source: std::io::Error },
    #[error("layout file {path} is not valid: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    layout: Layout,
}

/// A point on the floor, in metres: `x` across the aisles, `y` along them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Layout {
    /// The demo layout shipped in `assets/layouts/demo.toml`.
    #[must_use]
    pub fn demo() -> Self {
        Self::parse(include_str!("../../assets/layouts/demo.toml"), "assets/layouts/demo.toml")
            .expect("the bundled demo layout is valid")
    }

    /// Reads and checks a layout file.
    pub fn load(path: &Path) -> Result<Self, LayoutError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LayoutError::Read { path: shown.clone(), source })?;
        Self::parse(&text, &shown)
    }

    /// Parses layout TOML; `path` only names the source in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, LayoutError> {
        let invalid = |reason: String| LayoutError::Invalid { path: path.to_owned(), reason };
        let file: LayoutFile = toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
        let layout = file.layout;
        layout.check().map_err(invalid)?;
        Ok(layout)
    }

    fn check(&self) -> Result<(), String> {
        if !(1..=99).contains(&self.aisles) {
            return Err(format!("aisles must be 1-99, not {}", self.aisles));
        }
        if !(1..=999).contains(&self.bays) {
            return Err(format!("bays must be 1-999, not {}", self.bays));
        }
        for (name, value) in [
            ("aisle_pitch_m", self.aisle_pitch_m),
            ("bay_depth_m", self.bay_depth_m),
            ("cross_aisle_m", self.cross_aisle_m),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(format!("{name} must be a positive number of metres, not {value}"));
            }
        }
        if self.depot_aisle == 0 || self.depot_aisle > self.aisles {
            return Err(format!("depot_aisle must be between 1 and {}, not {}", self.aisles, self.depot_aisle));
        }
        let levels_ok =
            !self.levels.is_empty() && self.levels.len() <= 6 && self.levels.chars().all(|c| ('A'..='F').contains(&c));
        if !levels_ok {
            return Err(format!("levels must be 1-6 letters from A-F, not {:?}", self.levels));
        }
        Ok(())
    }

    /// Total length of an aisle between the two cross-aisle centre lines (`Y`).
    #[must_use]
    pub fn back_y(&self) -> f64 {
        self.cross_aisle_m + f64::from(self.bays) * self.bay_depth_m
    }

    /// The pack station, in the front cross-aisle in line with `depot_aisle`.
    #[must_use]
    pub fn depot(&self) -> Point {
        Point { x: self.aisle_x(self.depot_aisle), y: 0.0 }
    }

    fn aisle_x(&self, aisle: u8) -> f64 {
        f64::from(aisle - 1) * self.aisle_pitch_m
    }

    /// Where the picker stands to reach `bin`; `None` if the bin is not in this layout.
    #[must_use]
    pub fn point(&self, bin: BinCode) -> Option<Point> {
        if bin.aisle > self.aisles || bin.bay > self.bays || !self.levels.contains(bin.level) {
            return None;
        }
        Some(Point {
            x: self.aisle_x(bin.aisle),
            y: self.cross_aisle_m / 2.0 + (f64::from(bin.bay) - 0.5) * self.bay_depth_m,
        })
    }

    /// Walking distance between two points: along the aisle when both are in
    /// the same aisle, otherwise across through the front or back cross-aisle,
    /// whichever is shorter.
    #[must_use]
    pub fn travel(&self, a: Point, b: Point) -> f64 {
        let same_aisle = (a.x - b.x).abs() < 1e-9 && a.y > 0.0 && b.y > 0.0;
        if same_aisle {
            (a.y - b.y).abs()
        } else {
            let back = 2.0 * self.back_y() - a.y - b.y;
            (a.x - b.x).abs() + (a.y + b.y).min(back)
        }
    }

    /// Walking distance from the depot to `bin` (used to zone bins A/B/C).
    #[must_use]
    pub fn distance_from_depot(&self, bin: BinCode) -> Option<f64> {
        self.point(bin).map(|p| self.travel(self.depot(), p))
    }

    /// Every bin with its zone by walking distance from the depot: the nearest
    /// 20% zone A, the next 30% B, the rest C (DESIGN section 6; ties broken
    /// by bin code). In bin-code order.
    #[must_use]
    pub fn zoned_bins(&self) -> Vec<Bin> {
        let mut by_distance: Vec<(f64, BinCode)> =
            self.bins().map(|bin| (self.distance_from_depot(bin).unwrap_or(f64::MAX), bin)).collect();
        by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let count = by_distance.len();
        let mut bins: Vec<Bin> = by_distance
            .into_iter()
            .enumerate()
            .map(|(rank, (_, code))| Bin { code, zone: Zone::by_rank(rank, count) })
            .collect();
        bins.sort_by_key(|bin| bin.code);
        bins
    }

    /// Every bin of the layout, aisle by aisle, bay by bay, level by level.
    pub fn bins(&self) -> impl Iterator<Item = BinCode> + '_ {
        (1..=self.aisles).flat_map(move |aisle| {
            (1..=self.bays).flat_map(move |bay| self.levels.chars().map(move |level| BinCode { aisle, bay, level }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(s: &str) -> BinCode {
        s.parse().unwrap()
    }

    #[test]
    fn demo_layout_loads_with_the_documented_numbers() {
        let layout = Layout::demo();
        assert_eq!((layout.aisles, layout.bays, layout.levels.as_str()), (12, 25, "ABCD"));
        assert_eq!(layout.bins().count(), 12 * 25 * 4);
        assert!((layout.back_y() - 32.0).abs() < 1e-9);
    }

    #[test]
    fn travel_follows_the_design_formulas() {
        let layout = Layout::demo();
        // Bay 1 of aisle 1: y = 1.0 + 0.5 * 1.2 = 1.6, straight up from the depot.
        let first = layout.point(bin("01-001-A")).unwrap();
        assert!((first.y - 1.6).abs() < 1e-9);
        assert!((layout.distance_from_depot(bin("01-001-A")).unwrap() - 1.6).abs() < 1e-9);
        // Same aisle: along the aisle only.
        let a = layout.point(bin("03-002-A")).unwrap();
        let b = layout.point(bin("03-020-C")).unwrap();
        assert!((layout.travel(a, b) - 18.0 * 1.2).abs() < 1e-9);
        // Different aisles near the back go round the back: x 6 m, y via back.
        let c = layout.point(bin("01-024-A")).unwrap();
        let d = layout.point(bin("03-024-A")).unwrap();
        let via_back = 2.0 * (32.0 - c.y);
        assert!((layout.travel(c, d) - (6.0 + via_back)).abs() < 1e-9);
        assert!(via_back < c.y + d.y);
        // Symmetric.
        assert!((layout.travel(a, c) - layout.travel(c, a)).abs() < 1e-9);
    }

    #[test]
    fn zones_follow_walking_distance() {
        let layout = Layout::demo();
        let bins = layout.zoned_bins();
        let count = |zone| bins.iter().filter(|b| b.zone == zone).count();
        assert_eq!((count(Zone::A), count(Zone::B), count(Zone::C)), (240, 360, 600));
        let distance = |b: &Bin| layout.distance_from_depot(b.code).unwrap();
        let farthest_a = bins.iter().filter(|b| b.zone == Zone::A).map(distance).fold(0.0, f64::max);
        let nearest_b = bins.iter().filter(|b| b.zone == Zone::B).map(distance).fold(f64::MAX, f64::min);
        assert!(farthest_a <= nearest_b, "{farthest_a} > {nearest_b}");
        assert!(bins.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn bins_outside_the_layout_have_no_point() {
        let layout = Layout::demo();
        assert!(layout.point(bin("13-001-A")).is_none());
        assert!(layout.point(bin("01-026-A")).is_none());
        assert!(layout.point(bin("01-001-E")).is_none());
    }

    #[test]
    fn bad_layouts_name_the_problem() {
        let err = Layout::parse("[layout]\naisles = 0\nbays = 5\naisle_pitch_m = 3.0\nbay_depth_m = 1.0\ncross_aisle_m = 2.0\ndepot_aisle = 1\nlevels = \"AB\"\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.toml") && err.contains("aisles must be 1-99"), "{err}");
        let err = Layout::parse("[layout]\naisles = 3\n", "y.toml").unwrap_err().to_string();
        assert!(err.contains("y.toml") && err.contains("missing field"), "{err}");
    }
}
