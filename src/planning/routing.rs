//! Pick routes through the single-block warehouse of DESIGN section 6: the
//! optimal tour (Ratliff and Rosenthal's dynamic programme), the S-shape and
//! largest-gap heuristics, and the optimal walk grouped by zone. A route
//! starts and ends at the depot and visits each requested bin once; its
//! distance is always that of its own sequence ([`sequence_length`]).

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::domain::{BinCode, Layout};
use optimal::optimal;

/// How a route is chosen (the `--method` of `packline route`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// The shortest possible walk.
    Optimal,
    /// Every aisle with a pick walked end to end, alternating direction.
    SShape,
    /// First and last aisle walked through; the others entered from front and
    /// back up to their largest gap.
    LargestGap,
    /// The optimal walk regrouped by zone: A, then B, then C.
    Zone,
}

impl Method {
    /// Every method, `optimal` (the default) first.
    pub const ALL: [Self; 4] = [Self::Optimal, Self::SShape, Self::LargestGap, Self::Zone];

    /// The name on the command line and in the JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Optimal => "optimal",
            Self::SShape => "s-shape",
            Self::LargestGap => "largest-gap",
            Self::Zone => "zone",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| {
            format!("unknown routing method {s:?}; the methods are optimal, s-shape, largest-gap and zone")
        })
    }
}

/// A pick route: the bins in walking order and the length of the walk from
/// the depot through them and back.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub method: Method,
    pub distance_m: f64,
    pub sequence: Vec<BinCode>,
}

impl Route {
    /// The one-line JSON of `packline route` (DESIGN section 6), distance to 0.1 m:
    /// `{"method": "optimal", "distance_m": 123.4, "sequence": ["03-017-B"]}`.
    #[must_use]
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Shown {
            method: &'static str,
            distance_m: f64,
            sequence: Vec<String>,
        }
        let shown = Shown {
            method: self.method.as_str(),
            distance_m: (self.distance_m * 10.0).round() / 10.0,
            sequence: self.sequence.iter().map(ToString::to_string).collect(),
        };
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
        // Strings and a finite number: serialising cannot fail.
        let _ = serde::Serialize::serialize(&shown, &mut serializer);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// JSON on one line with a space after `:` and `,`, as DESIGN shows it.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// A route that cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error(
        "bin {bin} is not in the layout (aisles 01-{aisles:02}, bays 001-{bays:03}, levels {levels}); \
         check the bin code or the layout file"
    )]
    OutsideLayout { bin: BinCode, aisles: u8, bays: u16, levels: String },
}

/// The route through `bins` by `method`. A bin listed twice is visited once;
/// no bins give an empty route of 0 m.
pub fn route(layout: &Layout, bins: &[BinCode], method: Method) -> Result<Route, RouteError> {
    let picks = picks(layout, bins)?;
    let sequence = match method {
        Method::Optimal => optimal(layout, &picks),
        Method::SShape => s_shape(&picks),
        Method::LargestGap => largest_gap(layout, &picks),
        Method::Zone => by_zone(layout, optimal(layout, &picks)),
    };
    Ok(Route { method, distance_m: sequence_length(layout, &sequence), sequence })
}

/// Walking distance from the depot through `seq` in order and back to the
/// depot, by [`Layout::travel`]. Infinite if a bin is not in the layout.
#[must_use]
pub fn sequence_length(layout: &Layout, seq: &[BinCode]) -> f64 {
    let depot = layout.depot();
    let mut at = depot;
    let mut total = 0.0;
    for &bin in seq {
        let Some(point) = layout.point(bin) else { return f64::INFINITY };
        total += layout.travel(at, point);
        at = point;
    }
    total + layout.travel(at, depot)
}

/// A requested bin with its place along its aisle.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pick {
    pub(super) bin: BinCode,
    pub(super) y: f64,
}

/// The distinct bins, checked against the layout, in bin-code order: aisle by
/// aisle, and within an aisle from the front to the back.
fn picks(layout: &Layout, bins: &[BinCode]) -> Result<Vec<Pick>, RouteError> {
    let mut picks = Vec::with_capacity(bins.len());
    for &bin in bins {
        let point = layout.point(bin).ok_or_else(|| RouteError::OutsideLayout {
            bin,
            aisles: layout.aisles,
            bays: layout.bays,
            levels: layout.levels.clone(),
        })?;
        picks.push(Pick { bin, y: point.y });
    }
    picks.sort_unstable_by_key(|p| p.bin);
    picks.dedup_by_key(|p| p.bin);
    Ok(picks)
}

/// The picks of each aisle that has any: (aisle, range into `picks`).
pub(super) fn aisle_runs(picks: &[Pick]) -> Vec<(u8, Range<usize>)> {
    let mut runs: Vec<(u8, Range<usize>)> = Vec::new();
    for (i, pick) in picks.iter().enumerate() {
        match runs.last_mut() {
            Some((aisle, range)) if *aisle == pick.bin.aisle => range.end = i + 1,
            _ => runs.push((pick.bin.aisle, i..i + 1)),
        }
    }
    runs
}

/// S-shape from the leftmost aisle with picks: up the first, down the next,
/// and so on; with an odd count the last aisle is entered and left from the
/// front (its picks are still taken front to back).
fn s_shape(picks: &[Pick]) -> Vec<BinCode> {
    let mut sequence = Vec::with_capacity(picks.len());
    for (i, (_, range)) in aisle_runs(picks).into_iter().enumerate() {
        let aisle = picks[range].iter().map(|p| p.bin);
        if i % 2 == 0 { sequence.extend(aisle) } else { sequence.extend(aisle.rev()) }
    }
    sequence
}

/// Largest gap: up the leftmost aisle with picks to the back cross-aisle;
/// each middle aisle entered from the back down to its largest gap; down the
/// rightmost aisle; then back along the front, each middle aisle entered from
/// the front up to its largest gap. One aisle alone is entered from the front.
fn largest_gap(layout: &Layout, picks: &[Pick]) -> Vec<BinCode> {
    let runs = aisle_runs(picks);
    let Some(((_, first), rest)) = runs.split_first() else { return Vec::new() };
    let mut sequence: Vec<BinCode> = picks[first.clone()].iter().map(|p| p.bin).collect();
    let Some(((_, last), middle)) = rest.split_last() else { return sequence };
    // Each middle aisle splits before its pick `split`: those below from the front.
    let splits: Vec<usize> = middle.iter().map(|(_, range)| largest_gap_split(layout, &picks[range.clone()])).collect();
    for ((_, range), &split) in middle.iter().zip(&splits) {
        sequence.extend(picks[range.start + split..range.end].iter().rev().map(|p| p.bin));
    }
    sequence.extend(picks[last.clone()].iter().rev().map(|p| p.bin));
    for ((_, range), &split) in middle.iter().zip(&splits).rev() {
        sequence.extend(picks[range.start..range.start + split].iter().map(|p| p.bin));
    }
    sequence
}

/// How many of one aisle's picks (front to back) lie below its largest gap,
/// the gaps including those to the front and back cross-aisles.
fn largest_gap_split(layout: &Layout, aisle: &[Pick]) -> usize {
    let lows = std::iter::once(0.0).chain(aisle.iter().map(|p| p.y));
    let gaps = lows.zip(aisle.iter().map(|p| p.y).chain([layout.back_y()])).map(|(low, high)| high - low);
    let mut best = (0, f64::NEG_INFINITY);
    for (i, gap) in gaps.enumerate() {
        if gap > best.1 {
            best = (i, gap);
        }
    }
    best.0
}

/// The optimal walk regrouped by the bins' zones (A, B, C), each group in
/// the walk's order.
fn by_zone(layout: &Layout, mut walk: Vec<BinCode>) -> Vec<BinCode> {
    let zoned = layout.zoned_bins();
    let zone = |bin: &BinCode| zoned.binary_search_by_key(bin, |b| b.code).ok().map(|i| zoned[i].zone);
    walk.sort_by_key(zone);
    walk
}

mod optimal;
#[cfg(test)]
mod tests;
