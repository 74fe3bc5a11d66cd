//! Satisfaction-loyalty quadrants of Jones and Sasser (1995, "Why satisfied
//! customers defect", Harvard Business Review 73(6)): loyalists (satisfied
//! and loyal), mercenaries (satisfied, not loyal), hostages (loyal, not
//! satisfied) and defectors (neither).
//!
//! Loyalty is attitudinal (a survey item such as intention to repurchase,
//! recommend or stay, loyal when at or above `loyal_min`) or behavioural
//! (retained or not, from records joined to the survey by member id). The
//! share of satisfied members who are not loyal is the satisfied defector
//! rate, the number that shows satisfaction is not loyalty.
//!
//! # Intervals and tests
//! - Shares and conditional probabilities: Wilson score intervals (Wilson
//!   1927), which keep their width when a share is 0 or 1.
//! - `P(loyal | satisfied) - P(loyal | not satisfied)`: Newcombe's hybrid
//!   score interval (Newcombe 1998, "Interval estimation for the difference
//!   between independent proportions", Statistics in Medicine 17, method 10),
//!   the pooled two-proportion z test (the chi-squared test without
//!   continuity correction) and Fisher's exact test.

use std::collections::HashMap;
use std::hash::Hash;

use serde::{Deserialize, Serialize};
use statrs::function::factorial::ln_binomial;

use crate::error::{check_level, check_same_len, Error, Result};
use crate::estimate::{z_two_sided, Estimate};
use crate::math::normal_two_sided_p;
use crate::scale::Scale;
use crate::stakeholder::Stakeholder;
use crate::survey::Missing;

/// How loyalty was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoyaltyMeasure {
    /// A survey item (intention to repurchase, recommend, stay).
    Attitudinal,
    /// Observed retention (renewed, still employed, bought again).
    Behavioural,
}

/// Options of the quadrant analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuadrantOptions {
    /// Scale of the satisfaction item; scores off it are rejected.
    pub satisfaction_scale: Option<Scale>,
    /// Scale of the loyalty item (attitudinal loyalty only).
    pub loyalty_scale: Option<Scale>,
    /// Level of every interval.
    pub level: f64,
    /// Missing values (NaN): reject, or drop the member.
    pub missing: Missing,
    /// Stakeholder group.
    pub group: Stakeholder,
}

impl Default for QuadrantOptions {
    fn default() -> Self {
        QuadrantOptions {
            satisfaction_scale: None,
            loyalty_scale: None,
            level: 0.95,
            missing: Missing::Reject,
            group: Stakeholder::Customers,
        }
    }
}

/// Members in each quadrant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuadrantCounts {
    /// Satisfied and loyal.
    pub loyalists: u64,
    /// Satisfied, not loyal.
    pub mercenaries: u64,
    /// Loyal, not satisfied.
    pub hostages: u64,
    /// Neither satisfied nor loyal.
    pub defectors: u64,
}

impl QuadrantCounts {
    /// Total members.
    pub fn n(&self) -> u64 {
        self.loyalists + self.mercenaries + self.hostages + self.defectors
    }
}

/// Share of members in each quadrant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuadrantShares {
    /// Share of loyalists.
    pub loyalists: Estimate,
    /// Share of mercenaries.
    pub mercenaries: Estimate,
    /// Share of hostages.
    pub hostages: Estimate,
    /// Share of defectors.
    pub defectors: Estimate,
}

/// Result of the quadrant analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quadrants {
    /// Stakeholder group.
    pub group: Stakeholder,
    /// How loyalty was measured.
    pub measure: LoyaltyMeasure,
    /// Lowest satisfaction score counted as satisfied.
    pub satisfied_min: f64,
    /// Lowest loyalty score counted as loyal (1 for behavioural loyalty).
    pub loyal_min: f64,
    /// Members per quadrant.
    pub counts: QuadrantCounts,
    /// Shares with Wilson intervals.
    pub shares: QuadrantShares,
    /// P(loyal | satisfied), `None` when no member is satisfied.
    pub p_loyal_given_satisfied: Option<Estimate>,
    /// P(loyal | not satisfied), `None` when every member is satisfied.
    pub p_loyal_given_not_satisfied: Option<Estimate>,
    /// Difference of the two with Newcombe's hybrid score interval.
    pub difference: Option<Estimate>,
    /// Pooled two-proportion z statistic of the difference.
    pub z_statistic: Option<f64>,
    /// Two-sided p-value of the z test.
    pub p_value: Option<f64>,
    /// Two-sided p-value of Fisher's exact test of the 2x2 table.
    pub fisher_p_value: f64,
    /// Share of satisfied members who are not loyal (mercenaries among the
    /// satisfied): `1 - P(loyal | satisfied)`.
    pub satisfied_defector_rate: Option<Estimate>,
    /// Members dropped for missing values.
    pub n_missing: u64,
    /// Caveats (empty conditioning groups).
    pub notes: Vec<String>,
}

/// Wilson score interval of `k` successes in `n` trials.
pub(crate) fn wilson(k: f64, n: f64, level: f64, method: &str) -> Estimate {
    let p = k / n;
    let z = z_two_sided(level);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Estimate {
        value: p,
        se: (p * (1.0 - p) / n).sqrt(),
        ci_low: (centre - half).max(0.0),
        ci_high: (centre + half).min(1.0),
        level,
        method: method.into(),
        n,
        n_effective: n,
        n_missing: 0.0,
    }
}

/// Newcombe's hybrid score interval (method 10) of `p1 - p2`.
pub(crate) fn newcombe_difference(k1: f64, n1: f64, k2: f64, n2: f64, level: f64) -> Estimate {
    let a = wilson(k1, n1, level, "wilson");
    let b = wilson(k2, n2, level, "wilson");
    let (p1, p2) = (a.value, b.value);
    let d = p1 - p2;
    let low = d - ((p1 - a.ci_low).powi(2) + (b.ci_high - p2).powi(2)).sqrt();
    let high = d + ((a.ci_high - p1).powi(2) + (p2 - b.ci_low).powi(2)).sqrt();
    Estimate {
        value: d,
        se: (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt(),
        ci_low: low,
        ci_high: high,
        level,
        method: "newcombe_hybrid_score".into(),
        n: n1 + n2,
        n_effective: n1 + n2,
        n_missing: 0.0,
    }
}

/// Two-sided Fisher exact p-value of the 2x2 table `[[a, b], [c, d]]`:
/// the sum of the hypergeometric probabilities of all tables with the same
/// margins that are no more likely than the observed one (R's
/// `fisher.test`, with its relative tolerance 1e-7 for ties).
pub(crate) fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let row1 = a + b;
    let col1 = a + c;
    let n = a + b + c + d;
    let lo = col1.saturating_sub(n - row1);
    let hi = row1.min(col1);
    let observed = ln_binomial(col1, a) + ln_binomial(n - col1, row1 - a) - ln_binomial(n, row1);
    // Walk the support with the ratio p(x + 1) / p(x) = (col1 - x)(row1 - x)
    // / ((x + 1)(n - col1 - row1 + x + 1)), two logarithms per table.
    let mut log_p = ln_binomial(col1, lo) + ln_binomial(n - col1, row1 - lo) - ln_binomial(n, row1);
    let mut total = 0.0;
    let mut x = lo;
    loop {
        if log_p <= observed + 1e-7f64.ln_1p() {
            total += log_p.exp();
        }
        if x == hi {
            break;
        }
        let (xf, nf, r, k) = (x as f64, n as f64, row1 as f64, col1 as f64);
        log_p += ((k - xf) * (r - xf)).ln() - ((xf + 1.0) * (nf - k - r + xf + 1.0)).ln();
        x += 1;
    }
    total.min(1.0)
}

fn check_scores(what: &str, values: &[f64], scale: Option<&Scale>, keep: &[bool]) -> Result<()> {
    for (i, &v) in values.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        match scale {
            Some(s) => {
                s.check(what, i, v)?;
            }
            None => {
                if !v.is_finite() {
                    return Err(Error::NotFinite {
                        what: what.into(),
                        index: i,
                        value: v,
                        hint: "; or pass missing=\"drop\"".into(),
                    });
                }
            }
        }
    }
    Ok(())
}

fn check_cut(name: &str, cut: f64, scale: Option<&Scale>) -> Result<()> {
    if !cut.is_finite() {
        return Err(Error::invalid_parameter(name, cut, "a finite score"));
    }
    if let Some(s) = scale {
        if cut < s.min || cut > s.max {
            return Err(Error::invalid_parameter(
                name,
                cut,
                format!("a score on the scale {s}"),
            ));
        }
    }
    Ok(())
}

/// Quadrants with attitudinal loyalty: a member is satisfied when
/// `satisfaction >= satisfied_min` and loyal when `loyalty >= loyal_min`.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::Empty`], [`Error::NotFinite`] (NaN
/// under [`Missing::Reject`]), [`Error::OutOfRange`] for scores off a given
/// scale, [`Error::InvalidParameter`] for a cut off its scale or a bad level.
pub fn loyalty_quadrants(
    satisfaction: &[f64],
    loyalty: &[f64],
    satisfied_min: f64,
    loyal_min: f64,
    options: &QuadrantOptions,
) -> Result<Quadrants> {
    check_same_len("satisfaction", satisfaction.len(), "loyalty", loyalty.len())?;
    check_cut(
        "satisfied_min",
        satisfied_min,
        options.satisfaction_scale.as_ref(),
    )?;
    check_cut("loyal_min", loyal_min, options.loyalty_scale.as_ref())?;
    let keep: Vec<bool> = satisfaction
        .iter()
        .zip(loyalty)
        .map(|(s, l)| options.missing == Missing::Reject || !(s.is_nan() || l.is_nan()))
        .collect();
    check_scores(
        "satisfaction",
        satisfaction,
        options.satisfaction_scale.as_ref(),
        &keep,
    )?;
    check_scores("loyalty", loyalty, options.loyalty_scale.as_ref(), &keep)?;
    let pairs: Vec<(bool, bool)> = satisfaction
        .iter()
        .zip(loyalty)
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|((&s, &l), _)| (s >= satisfied_min, l >= loyal_min))
        .collect();
    let missing = (satisfaction.len() - pairs.len()) as u64;
    classify(
        &pairs,
        satisfied_min,
        loyal_min,
        LoyaltyMeasure::Attitudinal,
        missing,
        options,
    )
}

/// Quadrants with behavioural loyalty: loyal means retained.
///
/// # Errors
/// As [`loyalty_quadrants`].
pub fn behavioural_quadrants(
    satisfaction: &[f64],
    retained: &[bool],
    satisfied_min: f64,
    options: &QuadrantOptions,
) -> Result<Quadrants> {
    check_same_len(
        "satisfaction",
        satisfaction.len(),
        "retained",
        retained.len(),
    )?;
    check_cut(
        "satisfied_min",
        satisfied_min,
        options.satisfaction_scale.as_ref(),
    )?;
    let keep: Vec<bool> = satisfaction
        .iter()
        .map(|s| options.missing == Missing::Reject || !s.is_nan())
        .collect();
    check_scores(
        "satisfaction",
        satisfaction,
        options.satisfaction_scale.as_ref(),
        &keep,
    )?;
    let pairs: Vec<(bool, bool)> = satisfaction
        .iter()
        .zip(retained)
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|((&s, &r), _)| (s >= satisfied_min, r))
        .collect();
    let missing = (satisfaction.len() - pairs.len()) as u64;
    classify(
        &pairs,
        satisfied_min,
        1.0,
        LoyaltyMeasure::Behavioural,
        missing,
        options,
    )
}

/// Survey responses joined to retention records by member id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinedRetention {
    /// Satisfaction of each matched response.
    pub satisfaction: Vec<f64>,
    /// Whether that member was retained.
    pub retained: Vec<bool>,
    /// Responses whose member has no retention record (left out).
    pub unmatched_responses: usize,
    /// Retention records without a response (left out).
    pub unmatched_members: usize,
}

/// Joins survey responses (`survey_ids`, `satisfaction`) to retention
/// records (`member_ids`, `retained`) by member id.
///
/// # Errors
/// [`Error::LengthMismatch`] for inputs of unequal length,
/// [`Error::InvalidData`] for an id repeated in either input (all repeats
/// listed), [`Error::Empty`] when no response matches a record.
pub fn join_retention<K: Eq + Hash + Clone>(
    survey_ids: &[K],
    satisfaction: &[f64],
    member_ids: &[K],
    retained: &[bool],
) -> Result<JoinedRetention> {
    check_same_len(
        "survey_ids",
        survey_ids.len(),
        "satisfaction",
        satisfaction.len(),
    )?;
    check_same_len("member_ids", member_ids.len(), "retained", retained.len())?;
    let mut records: HashMap<&K, usize> = HashMap::with_capacity(member_ids.len());
    let mut repeats = Vec::new();
    for (i, id) in member_ids.iter().enumerate() {
        if records.insert(id, i).is_some() {
            repeats.push(i);
        }
    }
    if !repeats.is_empty() {
        return Err(Error::invalid_rows(
            "member_ids",
            "a member id appears more than once in the retention records",
            &repeats,
            "keep one record per member (e.g. the latest status)",
        ));
    }
    let mut seen: HashMap<&K, usize> = HashMap::with_capacity(survey_ids.len());
    for (i, id) in survey_ids.iter().enumerate() {
        if seen.insert(id, i).is_some() {
            repeats.push(i);
        }
    }
    if !repeats.is_empty() {
        return Err(Error::invalid_rows(
            "survey_ids",
            "a member answered more than once",
            &repeats,
            "keep one response per member (e.g. the latest)",
        ));
    }
    let mut joined = JoinedRetention {
        satisfaction: Vec::new(),
        retained: Vec::new(),
        unmatched_responses: 0,
        unmatched_members: 0,
    };
    for (id, &s) in survey_ids.iter().zip(satisfaction) {
        match records.get(id) {
            Some(&k) => {
                joined.satisfaction.push(s);
                joined.retained.push(retained[k]);
            }
            None => joined.unmatched_responses += 1,
        }
    }
    joined.unmatched_members = member_ids.len() - joined.satisfaction.len();
    if joined.satisfaction.is_empty() {
        return Err(Error::Empty {
            what: "joined survey and retention records".into(),
            needed: "at least one survey response whose member id is in the retention records; check that both use the same ids".into(),
        });
    }
    Ok(joined)
}

fn classify(
    pairs: &[(bool, bool)],
    satisfied_min: f64,
    loyal_min: f64,
    measure: LoyaltyMeasure,
    n_missing: u64,
    options: &QuadrantOptions,
) -> Result<Quadrants> {
    check_level(options.level)?;
    if pairs.is_empty() {
        return Err(Error::Empty {
            what: "members".into(),
            needed: "pass at least one member with both scores".into(),
        });
    }
    let mut counts = QuadrantCounts {
        loyalists: 0,
        mercenaries: 0,
        hostages: 0,
        defectors: 0,
    };
    for &(sat, loyal) in pairs {
        match (sat, loyal) {
            (true, true) => counts.loyalists += 1,
            (true, false) => counts.mercenaries += 1,
            (false, true) => counts.hostages += 1,
            (false, false) => counts.defectors += 1,
        }
    }
    let level = options.level;
    let n = counts.n() as f64;
    let share = |k: u64| {
        let mut e = wilson(k as f64, n, level, "wilson");
        e.n_missing = n_missing as f64;
        e
    };
    let shares = QuadrantShares {
        loyalists: share(counts.loyalists),
        mercenaries: share(counts.mercenaries),
        hostages: share(counts.hostages),
        defectors: share(counts.defectors),
    };
    let n_sat = (counts.loyalists + counts.mercenaries) as f64;
    let n_unsat = (counts.hostages + counts.defectors) as f64;
    let mut notes = Vec::new();
    let given_sat = (n_sat > 0.0).then(|| wilson(counts.loyalists as f64, n_sat, level, "wilson"));
    let given_unsat =
        (n_unsat > 0.0).then(|| wilson(counts.hostages as f64, n_unsat, level, "wilson"));
    let defector_rate =
        (n_sat > 0.0).then(|| wilson(counts.mercenaries as f64, n_sat, level, "wilson"));
    if n_sat == 0.0 {
        notes.push(format!(
            "no member scored satisfaction >= {satisfied_min}, so P(loyal | satisfied) and the satisfied defector rate are undefined; lower satisfied_min"
        ));
    }
    if n_unsat == 0.0 {
        notes.push(format!(
            "every member scored satisfaction >= {satisfied_min}, so P(loyal | not satisfied) is undefined; raise satisfied_min"
        ));
    }
    let (difference, z, p) = if n_sat > 0.0 && n_unsat > 0.0 {
        let k1 = counts.loyalists as f64;
        let k2 = counts.hostages as f64;
        let d = newcombe_difference(k1, n_sat, k2, n_unsat, level);
        let pooled = (k1 + k2) / n;
        let se0 = (pooled * (1.0 - pooled) * (1.0 / n_sat + 1.0 / n_unsat)).sqrt();
        if se0 > 0.0 {
            let z = d.value / se0;
            (Some(d), Some(z), Some(normal_two_sided_p(z)))
        } else {
            notes.push(
                "every member is loyal, or none is, so the z test is undefined; Fisher's test gives p = 1".into(),
            );
            (Some(d), None, None)
        }
    } else {
        (None, None, None)
    };
    Ok(Quadrants {
        group: options.group.clone(),
        measure,
        satisfied_min,
        loyal_min,
        counts,
        shares,
        p_loyal_given_satisfied: given_sat,
        p_loyal_given_not_satisfied: given_unsat,
        difference,
        z_statistic: z,
        p_value: p,
        fisher_p_value: fisher_exact(
            counts.loyalists,
            counts.mercenaries,
            counts.hostages,
            counts.defectors,
        ),
        satisfied_defector_rate: defector_rate,
        n_missing,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_r_tea_tasting() {
        // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857143
        assert!((fisher_exact(3, 1, 1, 3) - 0.4857142857).abs() < 1e-9);
        // R: fisher.test(matrix(c(10, 0, 0, 10), 2))$p.value = 1.082509e-05
        assert!((fisher_exact(10, 0, 0, 10) - 1.082509e-05).abs() < 1e-10);
    }

    #[test]
    fn fisher_recurrence_matches_direct_sum() {
        // The ratio walk against each table's probability from binomials.
        let direct = |a: u64, b: u64, c: u64, d: u64| {
            let (row1, col1, n) = (a + b, a + c, a + b + c + d);
            let log_p = |x: u64| {
                ln_binomial(col1, x) + ln_binomial(n - col1, row1 - x) - ln_binomial(n, row1)
            };
            let observed = log_p(a);
            let lo = col1.saturating_sub(n - row1);
            (lo..=row1.min(col1))
                .map(log_p)
                .filter(|&lp| lp <= observed + 1e-7f64.ln_1p())
                .map(f64::exp)
                .sum::<f64>()
                .min(1.0)
        };
        for (a, b, c, d) in [
            (30, 20, 25, 25),
            (48, 19, 47, 136),
            (0, 5, 7, 1),
            (500, 480, 510, 520),
        ] {
            let fast = fisher_exact(a, b, c, d);
            let slow = direct(a, b, c, d);
            assert!(
                (fast - slow).abs() < 1e-9 * slow.max(1e-300),
                "{fast} vs {slow}"
            );
        }
    }

    #[test]
    fn newcombe_matches_published_example() {
        // Newcombe (1998), Table II example (a): 56/70 - 48/80, method 10
        // interval 0.0524 to 0.3339.
        let d = newcombe_difference(56.0, 70.0, 48.0, 80.0, 0.95);
        assert!((d.value - 0.2).abs() < 1e-12);
        assert!((d.ci_low - 0.0524).abs() < 5e-5, "{}", d.ci_low);
        assert!((d.ci_high - 0.3339).abs() < 5e-5, "{}", d.ci_high);
    }

    #[test]
    fn quadrants_count_and_condition() {
        let sat = [9.0, 10.0, 9.0, 5.0, 4.0, 3.0, 10.0, 2.0];
        let loy = [9.0, 3.0, 10.0, 9.0, 2.0, 1.0, 4.0, 9.0];
        let q = loyalty_quadrants(&sat, &loy, 9.0, 9.0, &QuadrantOptions::default()).unwrap();
        assert_eq!(q.counts.loyalists, 2);
        assert_eq!(q.counts.mercenaries, 2);
        assert_eq!(q.counts.hostages, 2);
        assert_eq!(q.counts.defectors, 2);
        let given = q.p_loyal_given_satisfied.unwrap();
        assert!((given.value - 0.5).abs() < 1e-12);
        assert!((q.satisfied_defector_rate.unwrap().value - 0.5).abs() < 1e-12);
        assert!((q.difference.unwrap().value).abs() < 1e-12);
    }

    #[test]
    fn quadrants_with_nobody_satisfied_keep_width() {
        let q = loyalty_quadrants(
            &[1.0, 2.0],
            &[9.0, 1.0],
            9.0,
            9.0,
            &QuadrantOptions::default(),
        )
        .unwrap();
        assert!(q.p_loyal_given_satisfied.is_none());
        assert!(q.difference.is_none());
        assert_eq!(q.notes.len(), 1);
        // Wilson keeps a non-degenerate interval for a zero count.
        assert!(q.shares.loyalists.ci_high > 0.0);
    }

    #[test]
    fn quadrants_reject_bad_input() {
        let opts = QuadrantOptions {
            satisfaction_scale: Some(Scale::new(1.0, 10.0, 1.0).unwrap()),
            ..QuadrantOptions::default()
        };
        let err = loyalty_quadrants(&[1.0, 6.5], &[1.0, 2.0], 9.0, 9.0, &opts).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { index: 1, .. }), "{err}");
        assert!(loyalty_quadrants(&[1.0], &[1.0, 2.0], 9.0, 9.0, &opts).is_err());
        assert!(loyalty_quadrants(&[1.0], &[1.0], 11.0, 9.0, &opts).is_err());
        let nan = loyalty_quadrants(&[f64::NAN], &[1.0], 9.0, 9.0, &QuadrantOptions::default());
        assert!(matches!(nan, Err(Error::NotFinite { .. })));
    }

    #[test]
    fn behavioural_defectors_among_satisfied() {
        // Three satisfied members of whom one left: satisfied defector rate 1/3.
        let q = behavioural_quadrants(
            &[9.0, 10.0, 9.0, 2.0],
            &[true, true, false, false],
            9.0,
            &QuadrantOptions {
                group: Stakeholder::Employees,
                ..QuadrantOptions::default()
            },
        )
        .unwrap();
        assert_eq!(q.measure, LoyaltyMeasure::Behavioural);
        assert_eq!(q.counts.mercenaries, 1);
        assert_eq!(q.counts.defectors, 1);
        assert!((q.satisfied_defector_rate.unwrap().value - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(q.group, Stakeholder::Employees);
    }

    #[test]
    fn join_by_member_id() {
        let joined = join_retention(
            &["a", "b", "c"],
            &[9.0, 3.0, 7.0],
            &["c", "a", "z"],
            &[false, true, true],
        )
        .unwrap();
        assert_eq!(joined.satisfaction, vec![9.0, 7.0]);
        assert_eq!(joined.retained, vec![true, false]);
        assert_eq!(joined.unmatched_responses, 1);
        assert_eq!(joined.unmatched_members, 1);
        assert!(join_retention(&["a"], &[1.0], &["a", "a"], &[true, false]).is_err());
    }
}
