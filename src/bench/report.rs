//! The bench report: JSON as DESIGN section 11 fixes it, and a plain table.

use std::fmt::Write as _;

use serde::Serialize;

/// One measured figure beside its comparator.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: &'static str,
    pub value: Option<f64>,
    pub unit: &'static str,
    pub comparator: &'static str,
    pub comparator_value: Option<f64>,
    pub ratio: Option<f64>,
    pub budget: &'static str,
    pub within_budget: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a budget is judged.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    /// The value must be at most this.
    AtMost(f64),
    /// The value must be at least this.
    AtLeast(f64),
    /// value / comparator must be at least this.
    RatioAtLeast(f64),
    /// value / comparator must be at most this.
    RatioAtMost(f64),
}

impl Figure {
    /// A figure from its measurements; the ratio is value / comparator.
    #[must_use]
    pub fn new(
        name: &'static str,
        (value, unit): (Option<f64>, &'static str),
        (comparator, comparator_value): (&'static str, Option<f64>),
        (budget_text, budget): (&'static str, Budget),
        note: Option<String>,
    ) -> Self {
        let ratio = match (value, comparator_value) {
            (Some(v), Some(c)) if c > 0.0 => Some(round(v / c, 3)),
            _ => None,
        };
        let within_budget = match budget {
            Budget::AtMost(limit) => value.map(|v| v <= limit),
            Budget::AtLeast(limit) => value.map(|v| v >= limit),
            Budget::RatioAtLeast(limit) => ratio.map(|r| r >= limit),
            Budget::RatioAtMost(limit) => ratio.map(|r| r <= limit),
        };
        Self {
            name,
            value: value.map(|v| round(v, 3)),
            unit,
            comparator,
            comparator_value: comparator_value.map(|v| round(v, 3)),
            ratio,
            budget: budget_text,
            within_budget,
            note,
        }
    }
}

fn round(v: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (v * scale).round() / scale
}

/// Every figure of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: String,
    pub figures: Vec<Figure>,
}

impl Report {
    /// The plain form: one row per figure.
    #[must_use]
    pub fn table(&self) -> String {
        let show = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v}"));
        let mut out = format!("machine: {}\n", self.machine);
        let _ = writeln!(
            out,
            "{:<20} {:>12} {:<9} {:>12} {:>8}  {:<17} {:<4}  comparator / note",
            "figure", "value", "unit", "comparator", "ratio", "budget", "ok"
        );
        for f in &self.figures {
            let ok = match f.within_budget {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            };
            let note = f.note.as_deref().map_or(String::new(), |n| format!("; {n}"));
            let _ = writeln!(
                out,
                "{:<20} {:>12} {:<9} {:>12} {:>8}  {:<17} {:<4}  {}{}",
                f.name,
                show(f.value),
                f.unit,
                show(f.comparator_value),
                show(f.ratio),
                f.budget,
                ok,
                f.comparator,
                note
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_and_budget_follow_the_numbers() {
        let f = Figure::new("x", (Some(3.1), "ms"), ("floor", Some(0.4)), ("<= 16.7 ms", Budget::AtMost(16.7)), None);
        assert_eq!(f.ratio, Some(7.75));
        assert_eq!(f.within_budget, Some(true));
        let f = Figure::new(
            "y",
            (Some(100.0), "orders/s"),
            ("raw", Some(500.0)),
            (">= 0.25x", Budget::RatioAtLeast(0.25)),
            None,
        );
        assert_eq!(f.within_budget, Some(false));
        let at_least = |v| {
            Figure::new(
                "t",
                (Some(v), "orders/s"),
                ("off", Some(5_000.0)),
                (">= 1,000", Budget::AtLeast(1_000.0)),
                None,
            )
            .within_budget
        };
        assert_eq!((at_least(1_000.0), at_least(999.9)), (Some(true), Some(false)));
        let at_most = |v| {
            Figure::new("w", (Some(v), "m"), ("fcfs", Some(1_000.0)), ("<= 0.80x", Budget::RatioAtMost(0.80)), None)
                .within_budget
        };
        assert_eq!((at_most(800.0), at_most(801.0)), (Some(true), Some(false)));
        let f = Figure::new("z", (None, "MB"), ("", None), ("<= 64 MB", Budget::AtMost(64.0)), Some("no /proc".into()));
        assert_eq!((f.ratio, f.within_budget), (None, None));
        let json = serde_json::to_value(&f).unwrap();
        assert!(json["value"].is_null());
        assert_eq!(json["note"], "no /proc");
    }
}
