//! ABC slotting (DESIGN section 6): SKU classes by units shipped over a window
//! (A = top 20% of SKUs, B = next 30%, C = the rest) and the slotting report
//! of stock whose bin zone does not match its SKU's class, with a suggested
//! move. Pure: the store supplies units, placements and free bins; the layout
//! supplies travel distances.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{Bin, BinCode, Layout, Zone};

/// A SKU's demand class, with what it was ranked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub sku: String,
    /// Units shipped in the window.
    pub units: u64,
    /// 0 = the best seller.
    pub rank: usize,
    pub class: Zone,
}

/// Classes every SKU by units shipped: ranked by units, most first (ties by
/// SKU code), rank `r` of `n` is A while `r / n < 20%`, B while `< 50%`, else
/// C (the rule that zones bins, [`Zone::by_rank`]). Pass the whole catalogue,
/// unsold SKUs with 0 units: they count in `n` (so the A share is a share of
/// the catalogue, not of what happened to sell) and are always C, whatever
/// their rank. A SKU listed twice is counted once, with its units summed.
/// Returned in rank order.
#[must_use]
pub fn classify(units_by_sku: &[(String, u64)]) -> Vec<Classified> {
    let mut units: BTreeMap<&str, u64> = BTreeMap::new();
    for (sku, n) in units_by_sku {
        *units.entry(sku.as_str()).or_default() += n;
    }
    let mut ranked: Vec<(&str, u64)> = units.into_iter().collect();
    // Stable sort over code order: equal units stay in SKU code order.
    ranked.sort_by_key(|&(_, units)| std::cmp::Reverse(units));
    let count = ranked.len();
    ranked
        .into_iter()
        .enumerate()
        .map(|(rank, (sku, units))| Classified {
            sku: sku.to_owned(),
            units,
            rank,
            class: if units == 0 { Zone::C } else { Zone::by_rank(rank, count) },
        })
        .collect()
}

/// Units of one SKU on hand in one bin (all its lots together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub sku: String,
    pub bin: Bin,
    pub on_hand: u64,
}

/// What to do with a misplaced SKU's units in one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The SKU already sits in a bin of its class's zone (or an earlier row
    /// moved it to one): move these units there too, using no new bin.
    Join(BinCode),
    /// A free bin of its class's zone.
    To(BinCode),
    /// Every free bin of that zone is taken (or there is none).
    NoFreeBin(Zone),
}

/// One row of the slotting report: `sku` (of `class`) has `on_hand` units in
/// `bin`, whose zone is not `class`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub sku: String,
    pub class: Zone,
    /// Units shipped in the window.
    pub units: u64,
    pub bin: Bin,
    pub on_hand: u64,
    pub action: Move,
}

impl Suggestion {
    /// The bin to move the units to, if there is one.
    #[must_use]
    pub fn suggested_bin(&self) -> Option<BinCode> {
        match self.action {
            Move::Join(bin) | Move::To(bin) => Some(bin),
            Move::NoFreeBin(_) => None,
        }
    }

    /// The suggestion in words, for the report's note column.
    #[must_use]
    pub fn note(&self) -> String {
        match self.action {
            Move::Join(_) => format!("to the SKU's bin in zone {}", self.class.as_str()),
            Move::To(_) => format!("free bin in zone {}", self.class.as_str()),
            Move::NoFreeBin(zone) => format!("no free bin in zone {}", zone.as_str()),
        }
    }
}

/// How urgent moving a `class` SKU out of a `zone` bin is, 0 first; `None`
/// when they match. Fast movers far from the depot cost travel on every pick,
/// so bringing SKUs nearer comes first, the biggest gap first (A in C, A in
/// B, B in C); then freeing near bins of slow movers (C in A, B in A, C in B).
#[must_use]
pub fn priority(class: Zone, zone: Zone) -> Option<u8> {
    match (class, zone) {
        (Zone::A, Zone::C) => Some(0),
        (Zone::A, Zone::B) => Some(1),
        (Zone::B, Zone::C) => Some(2),
        (Zone::C, Zone::A) => Some(3),
        (Zone::B, Zone::A) => Some(4),
        (Zone::C, Zone::B) => Some(5),
        _ => None,
    }
}

/// The slotting report: every placement whose bin zone differs from its
/// SKU's class, with a move to a bin of the class's zone.
///
/// Rows come in [`priority`] order; within one priority, SKUs with no bin
/// at all in their class's zone (a wrong pick face) before stock that can
/// join the SKU's well-placed bin (a consolidation); then by units shipped
/// (most first), SKU code and bin code. Moves are decided in that order, so
/// the most valuable move gets the nearest bin. A row's target is, in turn: the
/// SKU's own nearest bin in the right zone (a join, no new bin), else the
/// nearest free bin of that zone (by travel distance from the depot in
/// `layout`, ties and bins the layout does not know by code; each free bin is
/// offered once, and the SKU's later rows join it), else none
/// ([`Move::NoFreeBin`]). A SKU missing from `classes` counts as C with 0
/// units. Placements with nothing on hand are ignored, and a bin freed by a
/// suggested move is not offered again (the report describes the floor as it
/// is).
#[must_use]
pub fn slotting(
    classes: &[Classified],
    placements: &[Placement],
    free_bins: &[Bin],
    layout: &Layout,
) -> Vec<Suggestion> {
    let class_of: HashMap<&str, (Zone, u64)> = classes.iter().map(|c| (c.sku.as_str(), (c.class, c.units))).collect();
    let lookup = |sku: &str| class_of.get(sku).copied().unwrap_or((Zone::C, 0));
    let nearest_first = |bins: &mut Vec<BinCode>| {
        let mut keyed: Vec<(f64, BinCode)> =
            bins.iter().map(|&b| (layout.distance_from_depot(b).unwrap_or(f64::INFINITY), b)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *bins = keyed.into_iter().map(|(_, b)| b).collect();
    };

    // Where each SKU already sits well: (SKU, zone) -> its bins there, nearest first.
    let mut homes: HashMap<(&str, Zone), Vec<BinCode>> = HashMap::new();
    let mut misplaced = Vec::new();
    for p in placements.iter().filter(|p| p.on_hand > 0) {
        let (class, units) = lookup(&p.sku);
        match priority(class, p.bin.zone) {
            None => homes.entry((p.sku.as_str(), class)).or_default().push(p.bin.code),
            Some(rank) => misplaced.push((rank, class, units, p)),
        }
    }
    homes.values_mut().for_each(nearest_first);

    // Free bins per zone, nearest last (popped first).
    let mut free: HashMap<Zone, Vec<BinCode>> = HashMap::new();
    for bin in free_bins {
        free.entry(bin.zone).or_default().push(bin.code);
    }
    for bins in free.values_mut() {
        nearest_first(bins);
        bins.reverse();
    }

    let has_home = |(_, class, _, p): &(u8, Zone, u64, &Placement)| homes.contains_key(&(p.sku.as_str(), *class));
    misplaced.sort_by(|a, b| {
        (a.0.cmp(&b.0))
            .then(has_home(a).cmp(&has_home(b)))
            .then(b.2.cmp(&a.2))
            .then(a.3.sku.cmp(&b.3.sku))
            .then(a.3.bin.code.cmp(&b.3.bin.code))
    });
    let mut moved_to: HashMap<(&str, Zone), BinCode> = HashMap::new();
    misplaced
        .into_iter()
        .map(|(_, class, units, p)| {
            let key = (p.sku.as_str(), class);
            let action = if let Some(&bin) = homes.get(&key).and_then(|bins| bins.first()) {
                Move::Join(bin)
            } else if let Some(&bin) = moved_to.get(&key) {
                Move::Join(bin)
            } else if let Some(bin) = free.get_mut(&class).and_then(Vec::pop) {
                moved_to.insert(key, bin);
                Move::To(bin)
            } else {
                Move::NoFreeBin(class)
            };
            Suggestion { sku: p.sku.clone(), class, units, bin: p.bin, on_hand: p.on_hand, action }
        })
        .collect()
}

#[cfg(test)]
mod tests;
