//! The packer behind the carton check: extreme-point first-fit decreasing
//! over the six turns of each unit, under several orders and scores.

use std::cmp::Reverse;

use super::{Item, Placed, Placement};

/// Orders in which units are packed (all largest first, ties by position).
#[derive(Clone, Copy)]
pub(super) enum Order {
    Volume,
    Longest,
    Footprint,
}

/// How a position for the next unit is chosen.
#[derive(Clone, Copy)]
pub(super) enum Score {
    /// The most area touching walls and placed units; then lowest, nearest.
    Contact,
    /// Lowest, then nearest the back, then the left; lying flat.
    BottomLeft,
    /// The turn that wastes least towards the walls (the room left along
    /// each axis modulo the unit's size there, so units of one size line up
    /// without a gap), then as `Contact`.
    Snug,
}

/// Tries each unit order with each score; the first complete packing wins.
/// Large orders get fewer tries, so a pack station never waits long.
pub(super) fn arrange(inner: [u32; 3], items: &[Item]) -> Option<Placement> {
    let tries: &[(Order, Score)] = if items.len() > 120 {
        &[(Order::Volume, Score::BottomLeft), (Order::Footprint, Score::BottomLeft)]
    } else {
        &[
            (Order::Volume, Score::Contact),
            (Order::Volume, Score::Snug),
            (Order::Volume, Score::BottomLeft),
            (Order::Longest, Score::Contact),
            (Order::Longest, Score::Snug),
            (Order::Footprint, Score::BottomLeft),
            (Order::Footprint, Score::Snug),
            (Order::Footprint, Score::Contact),
        ]
    };
    tries.iter().find_map(|&(by, score)| {
        let mut space = Space::new(inner);
        let mut boxes = vec![None; items.len()];
        for i in order(items, by) {
            boxes[i] = Some(space.place(items[i].dims_mm, score)?);
        }
        Some(Placement { boxes: boxes.into_iter().map(|b| b.expect("every unit was placed")).collect() })
    })
}

/// Positions of `items`, largest first by `by`, ties by position.
pub(super) fn order(items: &[Item], by: Order) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| {
        let d = sorted(items[i].dims_mm).map(u128::from);
        let v = d[0] * d[1] * d[2];
        let key = match by {
            Order::Volume => (v, d[2]),
            Order::Longest => (d[2], v),
            Order::Footprint => (d[1] * d[2], v),
        };
        (Reverse(key), i)
    });
    order
}

pub(super) fn sorted(mut dims: [u32; 3]) -> [u32; 3] {
    dims.sort_unstable();
    dims
}

pub(super) fn volume(dims: [u32; 3]) -> u128 {
    dims.iter().map(|&d| u128::from(d)).product()
}

/// An axis-aligned box in the carton (u64, so sums cannot overflow).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cuboid {
    at: [u64; 3],
    size: [u64; 3],
}

impl Cuboid {
    fn end(&self, k: usize) -> u64 {
        self.at[k] + self.size[k]
    }

    fn overlaps(&self, other: &Cuboid) -> bool {
        (0..3).all(|k| self.at[k] < other.end(k) && other.at[k] < self.end(k))
    }

    /// The area of `self` and `other` that overlaps across axis `k` (the
    /// other two axes), if their faces across `k` touch.
    fn touching(&self, other: &Cuboid, k: usize) -> u128 {
        if self.at[k] != other.end(k) && self.end(k) != other.at[k] {
            return 0;
        }
        (0..3)
            .filter(|&j| j != k)
            .map(|j| u128::from(self.end(j).min(other.end(j)).saturating_sub(self.at[j].max(other.at[j]))))
            .product()
    }

    fn face(&self, k: usize) -> u128 {
        (0..3).filter(|&j| j != k).map(|j| u128::from(self.size[j])).product()
    }
}

/// The six ways to turn `dims`, duplicates left out.
pub(super) fn turns(dims: [u32; 3]) -> Vec<[u64; 3]> {
    let [a, b, c] = dims.map(u64::from);
    let mut turns: Vec<[u64; 3]> = Vec::with_capacity(6);
    for turn in [[a, b, c], [b, a, c], [a, c, b], [c, a, b], [b, c, a], [c, b, a]] {
        if !turns.contains(&turn) {
            turns.push(turn);
        }
    }
    turns
}

/// A carton being filled: its placed units and its extreme points, the
/// corners where the next unit may go.
pub(super) struct Space {
    inner: [u64; 3],
    placed: Vec<Cuboid>,
    points: Vec<[u64; 3]>,
}

impl Space {
    pub(super) fn new(inner: [u32; 3]) -> Self {
        Self { inner: inner.map(u64::from), placed: Vec::new(), points: vec![[0; 3]] }
    }

    /// Puts a unit at the best-scoring free extreme point and turn, if any.
    pub(super) fn place(&mut self, dims: [u32; 3], score: Score) -> Option<Placed> {
        let turns = turns(dims);
        let mut best: Option<([u128; 5], Cuboid)> = None;
        // Units wholly behind the point along some axis can neither overlap
        // nor touch a unit placed there: only the others are checked.
        let mut near: Vec<Cuboid> = Vec::new();
        for &at in &self.points {
            let inside = |size: &[u64; 3]| (0..3).all(|k| at[k] + size[k] <= self.inner[k]);
            if !turns.iter().any(inside) {
                continue;
            }
            near.clear();
            near.extend(self.placed.iter().filter(|c| (0..3).all(|k| c.end(k) >= at[k])));
            for size in turns.iter().copied().filter(inside) {
                let cuboid = Cuboid { at, size };
                if near.iter().any(|p| p.overlaps(&cuboid)) {
                    continue;
                }
                let [x, y, z] = at.map(u128::from);
                let key = match score {
                    Score::Contact => [u128::MAX - self.contact(&cuboid, &near), z, y, x, u128::from(size[2])],
                    Score::BottomLeft => [z, y, x, u128::from(size[2]), u128::from(size[1])],
                    Score::Snug => {
                        let waste = (0..3).map(|k| u128::from((self.inner[k] - at[k]) % size[k].max(1))).sum();
                        [waste, u128::MAX - self.contact(&cuboid, &near), z, y, x]
                    }
                };
                if best.as_ref().is_none_or(|(b, _)| key < *b) {
                    best = Some((key, cuboid));
                }
            }
        }
        let (_, cuboid) = best?;
        self.add(cuboid);
        Some(Placed { at_mm: cuboid.at.map(|v| v as u32), size_mm: cuboid.size.map(|v| v as u32) })
    }

    /// The area of `cuboid` touching the walls and the units `near` it.
    fn contact(&self, cuboid: &Cuboid, near: &[Cuboid]) -> u128 {
        let mut area = 0;
        for k in 0..3 {
            if cuboid.at[k] == 0 {
                area += cuboid.face(k);
            }
            if cuboid.end(k) == self.inner[k] {
                area += cuboid.face(k);
            }
            area += near.iter().map(|p| cuboid.touching(p, k)).sum::<u128>();
        }
        area
    }

    /// Places `cuboid` and adds its extreme points: its three far corners
    /// on the axes, each also pushed back along the two other axes until it
    /// meets a wall or a unit.
    fn add(&mut self, cuboid: Cuboid) {
        self.points.retain(|p| !(0..3).all(|k| cuboid.at[k] <= p[k] && p[k] < cuboid.end(k)));
        self.placed.push(cuboid);
        for axis in 0..3 {
            let mut corner = cuboid.at;
            corner[axis] = cuboid.end(axis);
            for k in (0..3).filter(|&k| k != axis) {
                let pushed = self.push_back(corner, k);
                self.insert(pushed);
            }
            self.insert(corner);
        }
    }

    fn insert(&mut self, point: [u64; 3]) {
        let covered = self.placed.iter().any(|c| (0..3).all(|k| c.at[k] <= point[k] && point[k] < c.end(k)));
        if !covered && !self.points.contains(&point) {
            self.points.push(point);
        }
    }

    /// `point` moved towards 0 along axis `k` until it meets a wall or the
    /// far face of a placed unit.
    fn push_back(&self, mut point: [u64; 3], k: usize) -> [u64; 3] {
        let stop = self
            .placed
            .iter()
            .filter(|c| c.end(k) <= point[k])
            .filter(|c| (0..3).filter(|&j| j != k).all(|j| c.at[j] <= point[j] && point[j] < c.end(j)))
            .map(|c| c.end(k))
            .max()
            .unwrap_or(0);
        point[k] = stop;
        point
    }

    /// The units placed so far, in placing order.
    pub(super) fn placement(&self) -> Placement {
        Placement {
            boxes: self
                .placed
                .iter()
                .map(|c| Placed { at_mm: c.at.map(|v| v as u32), size_mm: c.size.map(|v| v as u32) })
                .collect(),
        }
    }
}
