//! Putaway suggestions: which bin the units of a closed delivery should go
//! to. Pure: the store supplies the SKUs waiting for a bin (with their ABC
//! class and the bins that already hold them) and the free bins.
//!
//! The rules, for each SKU in turn:
//! - a SKU already in some bin goes to a bin that holds it: one in the zone
//!   of the SKU's class if there is one, else any; the nearest to the depot
//!   first ([`SuggestionReason::HoldsIt`]);
//! - otherwise the nearest free bin in the zone of its class
//!   ([`SuggestionReason::FreeInClassZone`]);
//! - if that zone has no free bin left, the nearest free bin of the next
//!   zone in line ([`SuggestionReason::FreeElsewhere`]): class A tries B,
//!   then C; class B tries C, then A (a slow-ish SKU should not take the
//!   best slots); class C tries B, then A;
//! - a free bin suggested for one SKU is no longer free for another later in
//!   the list, but the same SKU met again (another lot, another delivery)
//!   gets the bin it was given before;
//! - not held and no free bin anywhere: no suggestion.
//!
//! Ties in distance go to the lower bin code, so the same input always gives
//! the same suggestions.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::domain::inbound::{Suggestion, SuggestionReason};
use crate::domain::{BinCode, Zone};

/// A bin with its zone and how far it is from the depot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinSpot {
    pub bin: BinCode,
    pub zone: Zone,
    /// Travel from the depot, in metres (decides "nearest").
    pub distance_m: f64,
}

/// A SKU waiting for a bin.
#[derive(Debug, Clone, PartialEq)]
pub struct PutawayNeed {
    /// The SKU's code.
    pub sku: String,
    /// The SKU's ABC class by units sold.
    pub class: Zone,
    /// Bins that already hold this SKU (on hand > 0).
    pub holding: Vec<BinSpot>,
}

/// The zones to look for a free bin in, for a SKU of `class`, best first.
fn zone_order(class: Zone) -> [Zone; 3] {
    match class {
        Zone::A => [Zone::A, Zone::B, Zone::C],
        Zone::B => [Zone::B, Zone::C, Zone::A],
        Zone::C => [Zone::C, Zone::B, Zone::A],
    }
}

/// Nearest first, then by bin code.
fn nearer(a: &BinSpot, b: &BinSpot) -> Ordering {
    a.distance_m.total_cmp(&b.distance_m).then_with(|| a.bin.cmp(&b.bin))
}

/// One suggestion per need, in order (see the module docs for the rules).
/// `free` lists the bins holding nothing at all.
#[must_use]
pub fn suggest(needs: &[PutawayNeed], free: &[BinSpot]) -> Vec<Option<Suggestion>> {
    let mut pool = FreeBins::new(free);
    let mut given: HashMap<&str, Suggestion> = HashMap::new();
    needs
        .iter()
        .map(|need| {
            if let Some(before) = given.get(need.sku.as_str()) {
                return Some(*before);
            }
            let suggestion = held(need).or_else(|| {
                zone_order(need.class).into_iter().find_map(|zone| {
                    let bin = pool.take(zone)?;
                    let why = if zone == need.class {
                        SuggestionReason::FreeInClassZone
                    } else {
                        SuggestionReason::FreeElsewhere(zone)
                    };
                    Some(Suggestion { bin, why })
                })
            })?;
            given.insert(&need.sku, suggestion);
            Some(suggestion)
        })
        .collect()
}

/// The best bin already holding the SKU: in its class's zone first, then nearest.
fn held(need: &PutawayNeed) -> Option<Suggestion> {
    need.holding
        .iter()
        .min_by(|a, b| (a.zone != need.class).cmp(&(b.zone != need.class)).then_with(|| nearer(a, b)))
        .map(|spot| Suggestion { bin: spot.bin, why: SuggestionReason::HoldsIt })
}

/// The free bins of each zone, nearest first, handed out once each.
struct FreeBins {
    /// Per zone (A, B, C), sorted nearest first.
    zones: [Vec<BinCode>; 3],
    /// How many of each zone's list have been looked at.
    next: [usize; 3],
    taken: HashSet<BinCode>,
}

impl FreeBins {
    fn new(free: &[BinSpot]) -> Self {
        let mut sorted = free.to_vec();
        sorted.sort_by(nearer);
        let mut zones: [Vec<BinCode>; 3] = Default::default();
        for spot in sorted {
            zones[slot(spot.zone)].push(spot.bin);
        }
        Self { zones, next: [0; 3], taken: HashSet::new() }
    }

    /// The nearest bin of `zone` not handed out yet, now handed out.
    fn take(&mut self, zone: Zone) -> Option<BinCode> {
        let z = slot(zone);
        while let Some(&bin) = self.zones[z].get(self.next[z]) {
            self.next[z] += 1;
            // A bin listed twice is handed out once.
            if self.taken.insert(bin) {
                return Some(bin);
            }
        }
        None
    }
}

fn slot(zone: Zone) -> usize {
    match zone {
        Zone::A => 0,
        Zone::B => 1,
        Zone::C => 2,
    }
}

#[cfg(test)]
mod tests;
