//! The optimal route: Ratliff and Rosenthal's dynamic programme over the
//! aisles, and the visiting sequence rebuilt from the tour it chooses.

use std::ops::Range;

use super::{Pick, aisle_runs};
use crate::domain::{BinCode, Layout};

// --- The optimal route -------------------------------------------------------
//
// Ratliff and Rosenthal (1983): the graph has a front node a_j and a back node
// b_j per aisle, the picks along each aisle between them, and the cross-aisle
// edges between adjacent aisles. A shortest tour is a connected multigraph
// with every degree even that touches every pick and the depot (the front
// node of the depot aisle); no edge needs to be used more than twice. Sweeping
// the aisles from left to right, a partial tour matters only through its
// class: the degree of a_j and b_j (none, odd, even) and whether they lie in
// one component. Every other component is finished and would stay apart, so
// it is never allowed. Each aisle adds one of the passes below, each gap
// between aisles 0, 1 or 2 front and 0, 1 or 2 back edges.

/// Degree of a cross-aisle node in the partial tour, by parity.
const NONE: u8 = 0;
const ODD: u8 = 1;
const EVEN: u8 = 2;

/// Classes are `front * 6 + back * 2 + joined`.
const CLASSES: usize = 18;

const fn class(front: u8, back: u8, joined: bool) -> usize {
    front as usize * 6 + back as usize * 2 + joined as usize
}

const fn parts(class: usize) -> (u8, u8, bool) {
    ((class / 6) as u8, (class / 2 % 3) as u8, class % 2 == 1)
}

/// The degree after adding `edges` edges.
const fn add_degree(degree: u8, edges: u8) -> u8 {
    if degree == NONE && edges == 0 {
        NONE
    } else if (degree == ODD) != (edges % 2 == 1) {
        ODD
    } else {
        EVEN
    }
}

/// How a tour uses one aisle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Not at all (aisles without picks only).
    Skip,
    /// Once from end to end.
    Through,
    /// Twice from end to end.
    Twice,
    /// In from the front up to the last pick and back.
    FromFront,
    /// In from the back down to the first pick and back.
    FromBack,
    /// The picks below the largest gap between picks from the front (this
    /// many), the rest from the back.
    Split(usize),
}

impl Pass {
    /// Edges it adds at the front and back node, and whether it joins them.
    const fn degrees(self) -> (u8, u8, bool) {
        match self {
            Self::Skip => (0, 0, false),
            Self::Through => (1, 1, true),
            Self::Twice => (2, 2, true),
            Self::FromFront => (2, 0, false),
            Self::FromBack => (0, 2, false),
            Self::Split(_) => (2, 2, false),
        }
    }
}

/// Every pass worth considering for one aisle (picks front to back), with its length.
fn passes(aisle: &[Pick], back_y: f64) -> ([(Pass, f64); 5], usize) {
    let mut out = [(Pass::Skip, 0.0); 5];
    out[1] = (Pass::Through, back_y);
    out[2] = (Pass::Twice, 2.0 * back_y);
    let (Some(first), Some(last)) = (aisle.first(), aisle.last()) else { return (out, 3) };
    out[0] = (Pass::FromFront, 2.0 * last.y);
    out[3] = (Pass::FromBack, 2.0 * (back_y - first.y));
    if aisle.len() < 2 {
        return (out, 4);
    }
    let (below, gap) = aisle
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, w[1].y - w[0].y))
        .fold((1, f64::NEG_INFINITY), |best, next| if next.1 > best.1 { next } else { best });
    out[4] = (Pass::Split(below), 2.0 * (back_y - gap));
    (out, 5)
}

/// The class after a pass.
const fn after_pass(from: usize, pass: Pass) -> usize {
    let (front, back, joined) = parts(from);
    let (f, b, joins) = pass.degrees();
    class(add_degree(front, f), add_degree(back, b), joined || joins)
}

/// The class at the next aisle after `f` front and `b` back edges across the
/// gap, or `None` if this aisle's nodes would be left with an odd degree, the
/// depot unvisited, or a component cut off.
const fn after_cross(from: usize, f: u8, b: u8, depot_here: bool) -> Option<usize> {
    let (front, back, joined) = parts(from);
    let (front_end, back_end) = (add_degree(front, f), add_degree(back, b));
    if front_end == ODD || back_end == ODD || (depot_here && front_end == NONE) {
        return None;
    }
    let carried = match (front != NONE, back != NONE) {
        (true, true) if joined => f > 0 || b > 0,
        (true, true) => f > 0 && b > 0,
        (true, false) => f > 0,
        (false, true) => b > 0,
        (false, false) => true,
    };
    if !carried {
        return None;
    }
    Some(class(add_degree(NONE, f), add_degree(NONE, b), joined && f > 0 && b > 0))
}

/// Whether a class at the last aisle is a finished tour.
const fn closes(class: usize, depot_here: bool) -> bool {
    let (front, back, joined) = parts(class);
    front != ODD
        && back != ODD
        && !(front == NONE && back == NONE)
        && (joined || front == NONE || back == NONE)
        && !(depot_here && front == NONE)
}

/// One aisle of the programme: the best length per class after its pass, and
/// how each was reached (class before the pass, the pass, and the class
/// before the cross edges that led into this aisle with their counts).
struct Stage {
    cost: [f64; CLASSES],
    pass: [(usize, Pass); CLASSES],
    cross: [(usize, u8, u8); CLASSES],
}

/// The optimal visiting order.
pub(super) fn optimal(layout: &Layout, picks: &[Pick]) -> Vec<BinCode> {
    let runs = aisle_runs(picks);
    let (Some(first), Some(last)) = (runs.first(), runs.last()) else { return Vec::new() };
    let lo = first.0.min(layout.depot_aisle);
    let hi = last.0.max(layout.depot_aisle);
    let back_y = layout.back_y();
    // Aisles lo..=hi with their pick ranges (empty for aisles without picks).
    let mut next_run = runs.iter().peekable();
    let aisles: Vec<Range<usize>> = (lo..=hi)
        .map(|aisle| match next_run.next_if(|(a, _)| *a == aisle) {
            Some((_, range)) => range.clone(),
            None => 0..0,
        })
        .collect();
    let depot = usize::from(layout.depot_aisle - lo);
    let mut stages: Vec<Stage> = Vec::with_capacity(aisles.len());
    let mut entering = [f64::INFINITY; CLASSES];
    entering[class(NONE, NONE, false)] = 0.0;
    let mut cross = [(0, 0, 0); CLASSES];
    for (i, range) in aisles.iter().enumerate() {
        if i > 0 {
            let before = &stages[i - 1].cost;
            entering = [f64::INFINITY; CLASSES];
            for (from, &cost) in before.iter().enumerate().filter(|(_, c)| c.is_finite()) {
                for (f, b) in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)] {
                    let Some(to) = after_cross(from, f, b, i - 1 == depot) else { continue };
                    let total = cost + f64::from(f + b) * layout.aisle_pitch_m;
                    if total < entering[to] {
                        entering[to] = total;
                        cross[to] = (from, f, b);
                    }
                }
            }
        }
        let mut stage = Stage { cost: [f64::INFINITY; CLASSES], pass: [(0, Pass::Skip); CLASSES], cross };
        let (options, count) = passes(&picks[range.clone()], back_y);
        for (from, &cost) in entering.iter().enumerate().filter(|(_, c)| c.is_finite()) {
            for &(pass, length) in &options[..count] {
                let to = after_pass(from, pass);
                if cost + length < stage.cost[to] {
                    stage.cost[to] = cost + length;
                    stage.pass[to] = (from, pass);
                }
            }
        }
        stages.push(stage);
    }
    let last_stage = stages.len() - 1;
    let end = (0..CLASSES)
        .filter(|&c| closes(c, last_stage == depot))
        .min_by(|&a, &b| stages[last_stage].cost[a].total_cmp(&stages[last_stage].cost[b]));
    let Some(mut at) = end.filter(|&c| stages[last_stage].cost[c].is_finite()) else {
        unreachable!("some tour always closes: every aisle can be walked through twice")
    };
    // Back from the last aisle: each aisle's pass and the edges to its right.
    let mut chosen = vec![(Pass::Skip, 0, 0); stages.len()];
    for i in (0..stages.len()).rev() {
        let (before_pass, pass) = stages[i].pass[at];
        chosen[i].0 = pass;
        if i > 0 {
            let (from, f, b) = stages[i].cross[before_pass];
            chosen[i - 1].1 = f;
            chosen[i - 1].2 = b;
            at = from;
        }
    }
    walk(picks, &aisles, &chosen, depot)
}

/// An edge of the tour's multigraph. Node `2 * i` is the front of the `i`-th
/// aisle of the range, `2 * i + 1` its back; a pass into an aisle and out the
/// same end is a loop. `picks` lie along it front to back.
struct Edge {
    ends: [usize; 2],
    picks: Range<usize>,
}

/// The visiting order of the tour made of each aisle's pass and the cross
/// edges to its right: an Euler circuit from the depot (Hierholzer), listing
/// bins at their first visit, each edge's picks in the direction walked.
fn walk(picks: &[Pick], aisles: &[Range<usize>], chosen: &[(Pass, u8, u8)], depot: usize) -> Vec<BinCode> {
    let mut edges: Vec<Edge> = Vec::new();
    for (i, (range, &(pass, front, back))) in aisles.iter().zip(chosen).enumerate() {
        let (a, b) = (2 * i, 2 * i + 1);
        let all = range.clone();
        match pass {
            Pass::Skip => {}
            Pass::Through => edges.push(Edge { ends: [a, b], picks: all }),
            Pass::Twice => {
                edges.push(Edge { ends: [a, b], picks: all.clone() });
                edges.push(Edge { ends: [a, b], picks: all });
            }
            Pass::FromFront => edges.push(Edge { ends: [a, a], picks: all }),
            Pass::FromBack => edges.push(Edge { ends: [b, b], picks: all }),
            Pass::Split(below) => {
                edges.push(Edge { ends: [a, a], picks: all.start..all.start + below });
                edges.push(Edge { ends: [b, b], picks: all.start + below..all.end });
            }
        }
        for _ in 0..front {
            edges.push(Edge { ends: [a, a + 2], picks: 0..0 });
        }
        for _ in 0..back {
            edges.push(Edge { ends: [b, b + 2], picks: 0..0 });
        }
    }
    // Adjacency in one array: node n's edges are adjacency[first[n]..first[n + 1]].
    let nodes = 2 * aisles.len();
    let mut first = vec![0usize; nodes + 1];
    for edge in &edges {
        first[edge.ends[0] + 1] += 1;
        if edge.ends[1] != edge.ends[0] {
            first[edge.ends[1] + 1] += 1;
        }
    }
    for n in 0..nodes {
        first[n + 1] += first[n];
    }
    let mut adjacency = vec![0usize; first[nodes]];
    let mut fill = first.clone();
    for (id, edge) in edges.iter().enumerate() {
        for (k, &end) in edge.ends.iter().enumerate() {
            if k == 0 || end != edge.ends[0] {
                adjacency[fill[end]] = id;
                fill[end] += 1;
            }
        }
    }
    // Hierholzer: the stack holds (node, edge walked into it, node it came from).
    let mut used = vec![false; edges.len()];
    let mut cursor = first.clone();
    let mut stack = vec![(2 * depot, usize::MAX, 0)];
    let mut circuit: Vec<(usize, usize)> = Vec::with_capacity(edges.len());
    while let Some(&(node, came_by, came_from)) = stack.last() {
        let mut next = None;
        while cursor[node] < first[node + 1] {
            let id = adjacency[cursor[node]];
            cursor[node] += 1;
            if !used[id] {
                used[id] = true;
                next = Some(id);
                break;
            }
        }
        if let Some(id) = next {
            let [p, q] = edges[id].ends;
            stack.push((if p == node { q } else { p }, id, node));
        } else {
            stack.pop();
            if came_by != usize::MAX {
                circuit.push((came_by, came_from));
            }
        }
    }
    let mut seen = vec![false; picks.len()];
    let mut sequence = Vec::with_capacity(picks.len());
    let mut visit = |k: usize| {
        if !std::mem::replace(&mut seen[k], true) {
            sequence.push(picks[k].bin);
        }
    };
    // The circuit was collected backwards; an edge left from a front node is
    // walked front to back.
    for &(id, from) in circuit.iter().rev() {
        let range = edges[id].picks.clone();
        if from % 2 == 0 { range.for_each(&mut visit) } else { range.rev().for_each(&mut visit) }
    }
    debug_assert_eq!(sequence.len(), picks.len(), "the tour visits every pick");
    sequence
}
