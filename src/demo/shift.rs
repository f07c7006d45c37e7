//! The demo's last shift of floor work, for the dashboard: history orders
//! shipped in the [`SHIFT_HOURS`] before the demo's now were picked by the
//! demo's pickers about two hours before they shipped and packed by its
//! packers about an hour before, with a few short lines and refused scans.
//! Only the dashboard's counters hold this work; the audit trail has no
//! events for it (the history arrived shipped).
//!
//! Who did what follows from the order's number alone: picker `n mod
//! pickers`, packer `n mod packers`; a line is refused once when `(7n + 13l)
//! mod 80` is 0 and reported short when `(31n + l) mod 300` is 0 (`l` the
//! line number), an order's pack scan refused once when `n mod 150` is 77.

use std::collections::BTreeMap;

use super::commerce::HOUR;
use super::names;
use crate::domain::Role;
use crate::store::{OperatorWork, SeedOrder};

/// How far back from the demo's now the shift's work goes.
pub const SHIFT_HOURS: i64 = 12;

/// The work of the shift so far, by (hour, badge).
pub struct Shift {
    from: i64,
    to: i64,
    pickers: Vec<&'static str>,
    packers: Vec<&'static str>,
    work: BTreeMap<(i64, &'static str), OperatorWork>,
}

impl Shift {
    /// The shift before `now` (unix seconds), worked by the demo's operators.
    pub fn new(now: i64) -> Self {
        let with = |role| names::OPERATORS.iter().filter(|(_, _, r)| *r == role).map(|(badge, _, _)| *badge).collect();
        Self {
            from: now - SHIFT_HOURS * HOUR,
            to: now,
            pickers: with(Role::Picker),
            packers: with(Role::Packer),
            work: BTreeMap::new(),
        }
    }

    /// Adds the picking and packing of history order number `n`, if it
    /// shipped during the shift.
    pub fn add(&mut self, n: u64, order: &SeedOrder) {
        let Some(shipped) = order.shipped_at.map(|t| t.timestamp()) else { return };
        if !(self.from..self.to).contains(&shipped) || self.pickers.is_empty() || self.packers.is_empty() {
            return;
        }
        let shelf_time = (shipped - 2 * HOUR).max(order.order.created_at.timestamp());
        let bench_time = (shipped - HOUR).max(shelf_time);
        let picker = self.pickers[(n % self.pickers.len() as u64) as usize];
        let packer_badge = self.packers[(n % self.packers.len() as u64) as usize];
        let mut units = 0;
        let mut shelf_work = OperatorWork::default();
        for (i, line) in order.order.lines.iter().enumerate().filter(|(_, l)| l.requires_shipping) {
            let l = i as u64 + 1;
            shelf_work.pick_lines += 1;
            shelf_work.picked_units += i64::from(line.qty);
            shelf_work.pick_refusals += i64::from((7 * n + 13 * l).is_multiple_of(80));
            shelf_work.short_lines += i64::from((31 * n + l).is_multiple_of(300));
            units += i64::from(line.qty);
        }
        let bench_work = OperatorWork {
            packed_units: units,
            packed_orders: 1,
            pack_refusals: i64::from(n % 150 == 77),
            ..OperatorWork::default()
        };
        self.put(shelf_time / HOUR, picker, &shelf_work);
        self.put(bench_time / HOUR, packer_badge, &bench_work);
    }

    fn put(&mut self, hour: i64, badge: &'static str, add: &OperatorWork) {
        let row = self.work.entry((hour, badge)).or_insert(OperatorWork { hour, ..OperatorWork::default() });
        row.pick_lines += add.pick_lines;
        row.picked_units += add.picked_units;
        row.short_lines += add.short_lines;
        row.pick_refusals += add.pick_refusals;
        row.packed_units += add.packed_units;
        row.packed_orders += add.packed_orders;
        row.pack_refusals += add.pack_refusals;
    }

    /// The counters to add, one row per (hour, badge).
    pub fn rows(&self) -> Vec<(String, OperatorWork)> {
        self.work.iter().map(|((_, badge), work)| ((*badge).to_owned(), *work)).collect()
    }
}
