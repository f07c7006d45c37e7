//! Returns rules (`[returns]`): the reasons a packer may give, the default
//! disposition and refund share per condition grade, and who pays the return
//! shipping. Pure: the refund recommendation of an inspected return.

use serde::Deserialize;

use crate::domain::rma::{Disposition, Grade};

/// The `[returns]` section of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnsConfig {
    /// Reasons a returned unit may be given (one is required per unit).
    pub reasons: Vec<String>,
    /// Reasons that are the customer's choice: the return shipping fee is
    /// taken off the refund. Every other reason is the shop's fault.
    pub customer_reasons: Vec<String>,
    /// Deducted once per return when every unit came back for a customer reason.
    pub return_fee_minor: i64,
    /// Per condition grade: the share of the price refunded and the default disposition.
    pub grades: Vec<GradeRule>,
}

/// What one condition grade means for the refund and the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeRule {
    pub grade: Grade,
    /// Percent of the unit price refunded (0-100).
    pub refund_pct: u32,
    pub disposition: Disposition,
}

/// The refund a return earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refund {
    Full(i64),
    Partial(i64),
    None,
}

impl Refund {
    #[must_use]
    pub fn amount_minor(self) -> i64 {
        match self {
            Self::Full(n) | Self::Partial(n) => n,
            Self::None => 0,
        }
    }

    #[must_use]
    pub const fn kind(self) -> &'static str {
        match self {
            Self::Full(_) => "full",
            Self::Partial(_) => "partial",
            Self::None => "none",
        }
    }
}

impl ReturnsConfig {
    /// What is wrong with the section, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.reasons.iter().any(|r| r.trim().is_empty()) || self.reasons.is_empty() {
            return Err("returns.reasons must list at least one reason, none empty".into());
        }
        if let Some(odd) = self.customer_reasons.iter().find(|r| !self.reasons.contains(r)) {
            return Err(format!("returns.customer_reasons: {odd:?} is not in returns.reasons"));
        }
        if self.return_fee_minor < 0 {
            return Err("returns.return_fee_minor must not be negative".into());
        }
        for grade in Grade::ALL {
            match self.grades.iter().filter(|g| g.grade == *grade).count() {
                1 => {}
                0 => return Err(format!("returns.grades has no rule for {grade}")),
                _ => return Err(format!("returns.grades has two rules for {grade}")),
            }
        }
        if let Some(rule) = self.grades.iter().find(|g| g.refund_pct > 100) {
            return Err(format!("returns.grades {}: refund_pct must be 0 to 100, not {}", rule.grade, rule.refund_pct));
        }
        Ok(())
    }

    /// The rule for a grade (every grade has one once checked).
    #[must_use]
    pub fn rule(&self, grade: Grade) -> GradeRule {
        self.grades.iter().copied().find(|g| g.grade == grade).unwrap_or(GradeRule {
            grade,
            refund_pct: 0,
            disposition: Disposition::Quarantine,
        })
    }

    /// A unit's share of the refund: its price times its grade's percentage,
    /// rounded down to whole minor units.
    #[must_use]
    pub fn unit_refund(&self, grade: Grade, unit_price_minor: i64) -> i64 {
        unit_price_minor * i64::from(self.rule(grade).refund_pct) / 100
    }

    /// The recommendation for a whole return: the units' shares, less the
    /// return fee when every unit came back for a customer reason; full when
    /// that is the whole price of what came back, none at zero, else partial.
    #[must_use]
    pub fn recommend(&self, units: &[(String, Grade, i64)]) -> Refund {
        if units.is_empty() {
            return Refund::None;
        }
        let shares: i64 = units.iter().map(|(_, grade, price)| self.unit_refund(*grade, *price)).sum();
        let prices: i64 = units.iter().map(|(_, _, price)| price).sum();
        let customer = units.iter().all(|(reason, _, _)| self.customer_reasons.contains(reason));
        let amount = if customer { (shares - self.return_fee_minor).max(0) } else { shares };
        match amount {
            0 => Refund::None,
            a if a >= prices => Refund::Full(a),
            a => Refund::Partial(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ReturnsConfig {
        let rule = |grade, refund_pct, disposition| GradeRule { grade, refund_pct, disposition };
        ReturnsConfig {
            reasons: ["too small", "changed mind", "defective", "damaged in transit"].map(String::from).to_vec(),
            customer_reasons: ["too small", "changed mind"].map(String::from).to_vec(),
            return_fee_minor: 495,
            grades: vec![
                rule(Grade::Sealed, 100, Disposition::Restock),
                rule(Grade::OpenedAsNew, 100, Disposition::Restock),
                rule(Grade::Used, 50, Disposition::Refurbish),
                rule(Grade::Damaged, 0, Disposition::Quarantine),
                rule(Grade::Defective, 100, Disposition::ReturnToVendor),
                rule(Grade::MissingParts, 30, Disposition::Refurbish),
            ],
        }
    }

    #[test]
    fn refunds_follow_the_grade_and_who_pays_the_return() {
        let c = config();
        assert_eq!(c.check(), Ok(()));
        let unit = |reason: &str, grade| (reason.to_owned(), grade, 2_000);
        // The shop's fault: the whole price, no fee.
        assert_eq!(c.recommend(&[unit("defective", Grade::Defective)]), Refund::Full(2_000));
        // The customer's choice: the fee comes off.
        assert_eq!(c.recommend(&[unit("changed mind", Grade::Sealed)]), Refund::Partial(1_505));
        // A used unit: half; mixed reasons: no fee.
        assert_eq!(
            c.recommend(&[unit("changed mind", Grade::Used), unit("damaged in transit", Grade::Sealed)]),
            Refund::Partial(3_000)
        );
        // Damaged by the customer: nothing.
        assert_eq!(c.recommend(&[unit("too small", Grade::Damaged)]), Refund::None);
        assert_eq!(c.recommend(&[]), Refund::None);
        assert_eq!(c.rule(Grade::Used).disposition, Disposition::Refurbish);
    }

    #[test]
    fn the_section_is_checked() {
        let mut c = config();
        c.grades.pop();
        assert!(c.check().unwrap_err().contains("no rule for missing_parts"));
        let mut c = config();
        c.customer_reasons.push("bored".into());
        assert!(c.check().unwrap_err().contains("\"bored\" is not in returns.reasons"));
        let mut c = config();
        c.grades[0].refund_pct = 101;
        assert!(c.check().unwrap_err().contains("refund_pct must be 0 to 100"));
    }
}
