//! Allocation at arrival: which stock rows an order line reserves.
//!
//! Pure planning over a snapshot of the candidate stock rows; the store
//! applies the plan with conditional updates, so a stale snapshot can only
//! make a reservation fail, never over-allocate.
//!
//! The rules, in order: expired lots are never allocated; lot-tracked stock
//! goes first-expiry-first-out (lots without a date last); within one expiry
//! the line takes as few bins as possible, and among plans with that few bins
//! the nearest zones (A before B before C), then the lowest bin codes.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{BinCode, Zone};

/// What happens to an order that stock cannot fill completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackorderPolicy {
    /// Reserve nothing until every line can be filled: the stock stays free
    /// for orders that can ship complete.
    #[default]
    Whole,
    /// Reserve what is there now and wait for the rest: the units already in
    /// the warehouse are promised to this order before later ones.
    Partial,
}

impl BackorderPolicy {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Whole => "whole",
            Self::Partial => "partial",
        }
    }
}

impl fmt::Display for BackorderPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BackorderPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "whole" => Ok(Self::Whole),
            "partial" => Ok(Self::Partial),
            other => Err(format!("backorders must be \"whole\" or \"partial\", not {other:?}")),
        }
    }
}

/// One stock row a line could reserve from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub stock_id: i64,
    pub bin: BinCode,
    pub zone: Zone,
    /// The lot's expiry, if the row holds a lot that has one.
    pub expires_on: Option<NaiveDate>,
    /// On hand minus reserved.
    pub available: u32,
}

/// Units to reserve from one stock row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    pub stock_id: i64,
    pub qty: u32,
}

/// Plans `need` units from `slots`, returning what to take from which rows.
/// The takes add up to `need` when the slots can fill it, otherwise to
/// everything usable (the caller decides whether a short plan is applied).
#[must_use]
pub fn plan_line(need: u32, slots: &[Slot], today: NaiveDate) -> Vec<Take> {
    let mut usable: Vec<&Slot> =
        slots.iter().filter(|s| s.available > 0 && s.expires_on.is_none_or(|d| d >= today)).collect();
    // First expiry first; rows without a date after every dated one.
    usable.sort_by_key(|s| (s.expires_on.is_none(), s.expires_on));
    let mut takes = Vec::new();
    let mut left = need;
    for group in usable.chunk_by(|a, b| a.expires_on == b.expires_on) {
        if left == 0 {
            break;
        }
        let group_total: u32 = group.iter().map(|s| s.available).sum();
        let want = left.min(group_total);
        takes.extend(fewest_bins(want, group));
        left -= want;
    }
    takes
}

/// Takes exactly `want` units (no more than the slots hold) from as few slots
/// as possible, preferring near zones and low bin codes among equally few.
fn fewest_bins(want: u32, slots: &[&Slot]) -> Vec<Take> {
    let mut by_size: Vec<u32> = slots.iter().map(|s| s.available).collect();
    by_size.sort_unstable_by(|a, b| b.cmp(a));
    // The fewest slots that can cover `want`: the largest ones, counted.
    let mut covered = 0;
    let mut count = 0;
    for size in &by_size {
        if covered >= want {
            break;
        }
        covered += size;
        count += 1;
    }
    let mut order: Vec<&Slot> = slots.to_vec();
    order.sort_by_key(|s| (s.zone, s.bin));
    let mut takes = Vec::with_capacity(count);
    let mut left = want;
    let mut used = vec![false; order.len()];
    while left > 0 && count > 0 {
        // The nearest slot that still lets the remaining `count - 1` largest
        // slots cover what would be left after it.
        let pick = (0..order.len()).filter(|&i| !used[i]).find(|&i| {
            let after = left.saturating_sub(order[i].available);
            let mut others: Vec<u32> =
                (0..order.len()).filter(|&j| j != i && !used[j]).map(|j| order[j].available).collect();
            others.sort_unstable_by(|a, b| b.cmp(a));
            others.iter().take(count - 1).sum::<u32>() >= after
        });
        let Some(i) = pick else { break };
        used[i] = true;
        let qty = left.min(order[i].available);
        takes.push(Take { stock_id: order[i].stock_id, qty });
        left -= qty;
        count -= 1;
    }
    takes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn slot(stock_id: i64, bin: &str, zone: Zone, available: u32, expires_on: Option<NaiveDate>) -> Slot {
        Slot { stock_id, bin: bin.parse().unwrap(), zone, expires_on, available }
    }

    fn total(takes: &[Take]) -> u32 {
        takes.iter().map(|t| t.qty).sum()
    }

    #[test]
    fn one_bin_that_holds_everything_beats_two_nearer_ones() {
        let slots = [
            slot(1, "01-001-A", Zone::A, 3, None),
            slot(2, "01-002-A", Zone::A, 3, None),
            slot(3, "09-040-C", Zone::C, 6, None),
        ];
        assert_eq!(plan_line(5, &slots, day(21)), vec![Take { stock_id: 3, qty: 5 }]);
    }

    #[test]
    fn among_bins_that_each_suffice_the_nearest_zone_wins() {
        let slots = [
            slot(1, "09-040-C", Zone::C, 50, None),
            slot(2, "05-001-B", Zone::B, 10, None),
            slot(3, "01-001-A", Zone::A, 4, None),
        ];
        assert_eq!(plan_line(4, &slots, day(21)), vec![Take { stock_id: 3, qty: 4 }]);
        assert_eq!(plan_line(8, &slots, day(21)), vec![Take { stock_id: 2, qty: 8 }]);
    }

    #[test]
    fn two_bins_when_no_one_bin_suffices_nearest_first() {
        let slots = [
            slot(1, "09-040-C", Zone::C, 5, None),
            slot(2, "05-001-B", Zone::B, 5, None),
            slot(3, "01-001-A", Zone::A, 2, None),
        ];
        // 2 + 5 does not cover 8; the only two-bin plans use B and C.
        assert_eq!(plan_line(8, &slots, day(21)), vec![Take { stock_id: 2, qty: 5 }, Take { stock_id: 1, qty: 3 }]);
    }

    #[test]
    fn earliest_expiry_goes_first_even_from_a_far_zone() {
        let slots = [
            slot(1, "01-001-A", Zone::A, 10, Some(day(30))),
            slot(2, "09-040-C", Zone::C, 3, Some(day(25))),
            slot(3, "01-002-A", Zone::A, 10, None),
        ];
        assert_eq!(plan_line(5, &slots, day(21)), vec![Take { stock_id: 2, qty: 3 }, Take { stock_id: 1, qty: 2 }]);
    }

    #[test]
    fn expired_lots_are_never_allocated_and_undated_come_last() {
        let slots = [
            slot(1, "01-001-A", Zone::A, 10, Some(day(20))),
            slot(2, "01-002-A", Zone::A, 2, None),
            slot(3, "01-003-A", Zone::A, 1, Some(day(21))),
        ];
        assert_eq!(plan_line(3, &slots, day(21)), vec![Take { stock_id: 3, qty: 1 }, Take { stock_id: 2, qty: 2 }]);
    }

    #[test]
    fn a_short_plan_takes_everything_usable() {
        let slots = [slot(1, "01-001-A", Zone::A, 2, None), slot(2, "02-001-B", Zone::B, 0, None)];
        assert_eq!(plan_line(5, &slots, day(21)), vec![Take { stock_id: 1, qty: 2 }]);
        assert!(plan_line(5, &[], day(21)).is_empty());
    }

    #[test]
    fn policy_reads_and_writes_its_config_names() {
        for policy in [BackorderPolicy::Whole, BackorderPolicy::Partial] {
            assert_eq!(policy.as_str().parse::<BackorderPolicy>(), Ok(policy));
        }
        assert!("some".parse::<BackorderPolicy>().is_err());
    }

    fn zone_of(i: u8) -> Zone {
        [Zone::A, Zone::B, Zone::C][usize::from(i % 3)]
    }

    proptest! {
        /// Undated stock: the plan fills what it can, never takes more than a
        /// row holds, and uses the fewest rows possible.
        #[test]
        fn plans_are_exact_and_use_the_fewest_bins(
            need in 1u32..60,
            sizes in proptest::collection::vec((0u32..25, 0u8..3), 0..8),
        ) {
            let slots: Vec<Slot> = sizes.iter().enumerate().map(|(i, &(available, zone))| Slot {
                stock_id: i as i64 + 1,
                bin: BinCode::new(u8::try_from(i).unwrap() + 1, 1, 'A').unwrap(),
                zone: zone_of(zone),
                expires_on: None,
                available,
            }).collect();
            let takes = plan_line(need, &slots, day(21));
            let held: u32 = slots.iter().map(|s| s.available).sum();
            prop_assert_eq!(total(&takes), need.min(held));
            for take in &takes {
                let slot = slots.iter().find(|s| s.stock_id == take.stock_id).unwrap();
                prop_assert!(take.qty > 0 && take.qty <= slot.available);
            }
            let mut ids: Vec<i64> = takes.iter().map(|t| t.stock_id).collect();
            ids.dedup();
            prop_assert_eq!(ids.len(), takes.len());
            if need <= held {
                let mut sizes: Vec<u32> = slots.iter().map(|s| s.available).collect();
                sizes.sort_unstable_by(|a, b| b.cmp(a));
                let fewest = sizes.iter().scan(0, |sum, s| { *sum += s; Some(*sum) }).position(|sum| sum >= need).unwrap() + 1;
                prop_assert_eq!(takes.len(), fewest);
            }
        }
    }
}
