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

// ---------------------------------------------------------------------------
// Return analytics
// ---------------------------------------------------------------------------

/// A SKU's return rate over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub sku: String,
    /// Units shipped in the window.
    pub shipped: u64,
    /// Units returned (inspected) in the window.
    pub returned: u64,
    /// `returned / max(shipped, returned)`: 0 to 1. Returns lag shipments,
    /// so a window can see more come back than went out (or nothing go out):
    /// that counts as every unit returned, never above 100%.
    pub rate: f64,
}

/// A SKU whose recent return rate jumped above its usual level.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub sku: String,
    pub recent_rate: f64,
    /// 0 when the SKU had no returns (or no sales) in the usual window.
    pub usual_rate: f64,
}

/// Return rates per SKU from units shipped and units returned in the same
/// window (each list one entry per SKU; a repeated SKU is summed). Every SKU
/// in either list gets a rate; highest rate first, then most returned, then
/// by SKU.
#[must_use]
pub fn return_rates(shipped: &[(String, u64)], returned: &[(String, u64)]) -> Vec<Rate> {
    let mut counts: std::collections::BTreeMap<&str, (u64, u64)> = std::collections::BTreeMap::new();
    for (sku, units) in shipped {
        counts.entry(sku).or_default().0 += units;
    }
    for (sku, units) in returned {
        counts.entry(sku).or_default().1 += units;
    }
    let mut rates: Vec<Rate> = counts
        .into_iter()
        .map(|(sku, (shipped, returned))| Rate {
            sku: sku.to_owned(),
            shipped,
            returned,
            rate: rate(shipped, returned),
        })
        .collect();
    rates.sort_by(|a, b| b.rate.total_cmp(&a.rate).then(b.returned.cmp(&a.returned)).then_with(|| a.sku.cmp(&b.sku)));
    rates
}

#[allow(clippy::cast_precision_loss)] // unit counts stay far below 2^52
fn rate(shipped: u64, returned: u64) -> f64 {
    match shipped.max(returned) {
        0 => 0.0,
        base => returned as f64 / base as f64,
    }
}

/// SKUs whose `recent` rate (e.g. the last 30 days) jumped above their
/// `usual` one (e.g. the 90 days before): at least `min_returns` units (and
/// at least one) returned recently, and either no usual rate (absent or 0)
/// or a recent rate of at least `factor` times the usual one. Highest recent
/// rate first, then by SKU.
#[must_use]
pub fn alerts(recent: &[Rate], usual: &[Rate], min_returns: u32, factor: f64) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = recent
        .iter()
        .filter(|r| r.returned >= u64::from(min_returns.max(1)))
        .filter_map(|r| {
            let usual_rate = usual.iter().find(|u| u.sku == r.sku).map_or(0.0, |u| u.rate);
            let jumped = usual_rate <= 0.0 || r.rate >= factor * usual_rate;
            jumped.then(|| Alert { sku: r.sku.clone(), recent_rate: r.rate, usual_rate })
        })
        .collect();
    alerts.sort_by(|a, b| b.recent_rate.total_cmp(&a.recent_rate).then_with(|| a.sku.cmp(&b.sku)));
    alerts
}

#[cfg(test)]
mod analytics_tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
    }

    fn rate_of(sku: &str, shipped: u64, returned: u64) -> Rate {
        return_rates(&counts(&[(sku, shipped)]), &counts(&[(sku, returned)])).remove(0)
    }

    #[test]
    fn rates_divide_returned_by_shipped_and_never_pass_one() {
        let rates = return_rates(
            &counts(&[("MUG", 8), ("TEE", 10), ("CUP", 4), ("HAT", 0)]),
            &counts(&[("MUG", 2), ("TEE", 1), ("LAMP", 3)]),
        );
        let got: Vec<(&str, u64, u64, f64)> =
            rates.iter().map(|r| (r.sku.as_str(), r.shipped, r.returned, r.rate)).collect();
        assert_eq!(
            got,
            [
                // Nothing shipped in the window, 3 back: every unit returned.
                ("LAMP", 0, 3, 1.0),
                ("MUG", 8, 2, 0.25),
                ("TEE", 10, 1, 0.1),
                ("CUP", 4, 0, 0.0),
                ("HAT", 0, 0, 0.0),
            ]
        );
        // More back than went out is capped at 100%; a repeated SKU is summed.
        assert!((rate_of("MUG", 2, 5).rate - 1.0).abs() < f64::EPSILON);
        let summed = return_rates(&counts(&[("MUG", 3), ("MUG", 1)]), &counts(&[("MUG", 1)]));
        assert_eq!((summed.len(), summed[0].shipped), (1, 4));
        assert!(return_rates(&[], &[]).is_empty());
    }

    #[test]
    fn alerts_need_enough_returns_and_a_jump_of_the_factor() {
        let usual = [rate_of("MUG", 100, 5), rate_of("TEE", 100, 5), rate_of("CUP", 100, 0), rate_of("BAG", 100, 5)];
        let recent = [
            rate_of("MUG", 30, 3), // 10% against 5%: exactly twice, alerts
            rate_of("TEE", 31, 3), // 9.7% against 5%: below twice
            rate_of("CUP", 10, 3), // usual 0, 3 returns: alerts
            rate_of("NEW", 10, 3), // never seen before: alerts
            rate_of("BAG", 10, 2), // 20% but only 2 returns
            rate_of("HAT", 10, 0), // nothing back
        ];
        let raised = alerts(&recent, &usual, 3, 2.0);
        let got: Vec<(&str, f64)> = raised.iter().map(|a| (a.sku.as_str(), a.usual_rate)).collect();
        assert_eq!(got, [("CUP", 0.0), ("NEW", 0.0), ("MUG", 0.05)]);
        // min_returns 2 lets BAG in (20% >= 2 x 5%); 0 still needs one return.
        assert!(alerts(&recent, &usual, 2, 2.0).iter().any(|a| a.sku == "BAG"));
        assert!(!alerts(&recent, &usual, 0, 2.0).iter().any(|a| a.sku == "HAT"));
        assert!(alerts(&[], &usual, 1, 2.0).is_empty());
    }
}
