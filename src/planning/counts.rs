//! Cycle counts and receiving reasons: the count schedule (`[counts]`)
//! picks the bins due for a count today, and `[receiving]` lists the
//! reasons a delivery's difference can be closed with. Pure: the store
//! supplies each bin's last count, stock and open task.
//!
//! A bin's zone gives its interval (A bins, the busiest, most often). A bin
//! is due when at least that many days have passed since its last count, or
//! when it was never counted; only bins holding stock and without an open
//! count task are scheduled. At most `per_day` scheduled counts are made a
//! day, most overdue first: never-counted bins first, then by days past the
//! interval, ties A before B before C, then by bin id.

use std::cmp::Reverse;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::Zone;

/// The `[counts]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountSchedule {
    /// Days between counts of a zone A bin.
    pub a_days: u32,
    /// Days between counts of a zone B bin.
    pub b_days: u32,
    /// Days between counts of a zone C bin.
    pub c_days: u32,
    /// Scheduled counts made a day at most (0: none; short picks and
    /// supervisors still ask for counts).
    pub per_day: u32,
    /// The reasons a confirmed difference can be adjusted with.
    pub adjust_reasons: Vec<String>,
}

impl Default for CountSchedule {
    /// The bundled defaults: A bins weekly, B monthly, C quarterly, 40 a day.
    fn default() -> Self {
        Self {
            a_days: 7,
            b_days: 30,
            c_days: 90,
            per_day: 40,
            adjust_reasons: owned(&[
                "miscounted before",
                "damaged or unusable",
                "lost or stolen",
                "found stock",
                "picked from the wrong bin",
                "received into the wrong bin",
            ]),
        }
    }
}

impl CountSchedule {
    /// What is wrong with the section, if anything, naming the key: each
    /// interval 1 to 3650 days, `per_day` 0 to 10000, 1 to 9 reasons, none
    /// empty or over 60 characters.
    pub fn check(&self) -> Result<(), String> {
        for (key, value) in [("a_days", self.a_days), ("b_days", self.b_days), ("c_days", self.c_days)] {
            if !(1..=3_650).contains(&value) {
                return Err(format!("counts.{key} must be 1 to 3650, not {value}"));
            }
        }
        if self.per_day > 10_000 {
            return Err(format!("counts.per_day must be 0 to 10000, not {}", self.per_day));
        }
        check_reasons("counts.adjust_reasons", &self.adjust_reasons)
    }

    /// Days between counts of a bin in `zone`.
    #[must_use]
    pub fn interval(&self, zone: Zone) -> u32 {
        match zone {
            Zone::A => self.a_days,
            Zone::B => self.b_days,
            Zone::C => self.c_days,
        }
    }
}

/// The `[receiving]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceivingConfig {
    /// The reasons a delivery's difference (short, over, damaged) can be closed with.
    pub reasons: Vec<String>,
}

impl Default for ReceivingConfig {
    fn default() -> Self {
        Self {
            reasons: owned(&[
                "supplier sent fewer",
                "supplier sent more",
                "damaged in transit",
                "wrong item sent",
                "packed into the wrong package",
                "counted wrong at the supplier",
            ]),
        }
    }
}

impl ReceivingConfig {
    /// What is wrong with the section, if anything: 1 to 9 reasons, none
    /// empty or over 60 characters.
    pub fn check(&self) -> Result<(), String> {
        check_reasons("receiving.reasons", &self.reasons)
    }
}

fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|&t| t.to_owned()).collect()
}

/// Most reasons a list may have: one per digit key.
const MAX_REASONS: usize = 9;
/// Longest reason, in characters: one line of a narrow terminal's list.
const MAX_REASON_CHARS: usize = 60;

fn check_reasons(key: &str, reasons: &[String]) -> Result<(), String> {
    if reasons.is_empty() || reasons.len() > MAX_REASONS {
        return Err(format!("{key} must list 1 to {MAX_REASONS} reasons, not {}", reasons.len()));
    }
    for (i, reason) in reasons.iter().enumerate() {
        if reason.trim().is_empty() {
            return Err(format!("{key}: reason {} is empty", i + 1));
        }
        let chars = reason.chars().count();
        if chars > MAX_REASON_CHARS {
            return Err(format!("{key}: reason {reason:?} is {chars} characters, the most is {MAX_REASON_CHARS}"));
        }
    }
    Ok(())
}

/// What the schedule needs to know of one bin (a domain type: the store reads it).
pub use crate::domain::inbound::BinCountState;

/// Bins due for a scheduled count on `today` (see the module docs), most
/// overdue first, at most `per_day - already_today` of them.
#[must_use]
pub fn due_bins(bins: &[BinCountState], today: NaiveDate, schedule: &CountSchedule, already_today: u32) -> Vec<i64> {
    let room = schedule.per_day.saturating_sub(already_today) as usize;
    if room == 0 {
        return Vec::new();
    }
    // Days past the interval; `None` for a bin never counted.
    let mut due: Vec<(Option<i64>, &BinCountState)> = bins
        .iter()
        .filter(|b| b.has_stock && !b.open_task)
        .filter_map(|b| {
            let Some(last) = b.last_counted else { return Some((None, b)) };
            let overdue = (today - last).num_days() - i64::from(schedule.interval(b.zone));
            (overdue >= 0).then_some((Some(overdue), b))
        })
        .collect();
    // `None` sorts before `Some`, and `Reverse` puts the most overdue first.
    due.sort_by_key(|(overdue, b)| (overdue.map(Reverse), b.zone, b.bin_id));
    due.into_iter().take(room).map(|(_, b)| b.bin_id).collect()
}

#[cfg(test)]
mod tests;
