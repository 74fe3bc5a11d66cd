//! Penalty-reward contrast analysis (Brandt 1987): does a low rating of a
//! driver hurt the outcome more than a high rating helps it?
//!
//! Each driver becomes two dummies, `low` (rating at or below the low cut)
//! and `high` (rating at or above the high cut), with the middle band as the
//! reference. The outcome is regressed on all dummies by least squares from
//! a [`Moments`] summary. The penalty is the `low` coefficient (usually
//! negative), the reward the `high` coefficient, and the asymmetry
//! `reward + penalty` is tested with its own standard error
//! (`var(b_high) + var(b_low) + 2 cov(b_high, b_low)`): a significantly
//! positive asymmetry marks an excitement factor, a significantly negative
//! one a basic factor, and an insignificant one gets no flag.
//!
//! Reference: D. R. Brandt (1987), "A procedure for identifying value-
//! enhancing service components using customer satisfaction survey data", in
//! Add Value to Your Service, American Marketing Association.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::moments::{Missing, Moments};
use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::math::t_quantile;
use crate::scale::Scale;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Cut points of the low and high groups.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrcaCuts {
    /// Ratings at or below this are "low".
    pub low_max: f64,
    /// Ratings at or above this are "high".
    pub high_min: f64,
}

impl PrcaCuts {
    /// Checked cuts.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless both are finite and `low_max < high_min`.
    pub fn new(low_max: f64, high_min: f64) -> Result<Self> {
        if !(low_max.is_finite() && high_min.is_finite() && low_max < high_min) {
            return Err(Error::invalid_parameter(
                "low_max/high_min",
                format!("{low_max}/{high_min}"),
                "finite cuts with low_max < high_min, e.g. 4/7 on a 1-10 scale",
            ));
        }
        Ok(PrcaCuts { low_max, high_min })
    }

    /// The bottom and top thirds of a scale: low at or below
    /// `min + (max - min) / 3` and high at or above `max - (max - min) / 3`,
    /// both rounded outwards to scale points (1-5: low 1-2, high 4-5;
    /// 1-7: low 1-3, high 5-7; 1-10: low 1-4, high 7-10; 0-10: low 0-3,
    /// high 7-10).
    pub fn thirds(scale: &Scale) -> Self {
        let third = (scale.max - scale.min) / 3.0;
        let steps_low = (third / scale.step + 1e-9).floor();
        let steps_high = (third / scale.step + 1e-9).floor();
        PrcaCuts {
            low_max: scale.min + steps_low * scale.step,
            high_min: scale.max - steps_high * scale.step,
        }
    }
}

/// The asymmetry verdict, given only where it is significant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Asymmetry {
    /// The penalty of a low rating exceeds the reward of a high one
    /// (a dissatisfier or must-have).
    Basic,
    /// The reward of a high rating exceeds the penalty of a low one
    /// (a satisfier or delighter).
    Excitement,
}

/// Penalty, reward and asymmetry of one driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyReward {
    /// Driver name.
    pub driver: String,
    /// Rows in the low group.
    pub n_low: f64,
    /// Rows in the high group.
    pub n_high: f64,
    /// Coefficient of the low dummy (`None` when the group is empty).
    pub penalty: Option<Estimate>,
    /// Coefficient of the high dummy (`None` when the group is empty).
    pub reward: Option<Estimate>,
    /// `reward + penalty`: positive when a high rating helps more than a
    /// low rating hurts.
    pub asymmetry: Option<Estimate>,
    /// Two-sided t-test p-value of zero asymmetry.
    pub p_value: Option<f64>,
    /// Verdict, only when `p_value < 1 - level`.
    pub flag: Option<Asymmetry>,
}

/// Result of a penalty-reward contrast analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyRewardResult {
    /// Outcome name.
    pub outcome: String,
    /// Cuts of each driver.
    pub cuts: Vec<PrcaCuts>,
    /// One entry per driver.
    pub drivers: Vec<PenaltyReward>,
    /// R-squared of the dummy regression.
    pub r_squared: f64,
    /// Residual degrees of freedom.
    pub df: f64,
    /// Rows used.
    pub n: f64,
    /// Rows dropped as missing (listwise).
    pub n_missing: f64,
    /// Interval level; flags use the significance level `1 - level`.
    pub level: f64,
}

/// Runs the analysis on `columns[0]` (outcome) and `columns[1..]` (drivers)
/// with one pair of cuts per driver (or one pair for all).
///
/// # Errors
/// Input errors as [`Moments::from_columns`]; [`Error::LengthMismatch`] for
/// a cut list of another length; [`Error::Degenerate`] when a driver has no
/// rating between its cuts (its dummies are then collinear with the
/// intercept) or there are too few rows for the dummies.
pub fn penalty_reward(
    names: &[&str],
    columns: &[&[f64]],
    weights: Option<&[f64]>,
    cuts: &[PrcaCuts],
    level: f64,
    missing: Missing,
) -> Result<PenaltyRewardResult> {
    check_level(level)?;
    if columns.len() < 2 || names.len() != columns.len() {
        return Err(Error::LengthMismatch {
            left: "names".into(),
            left_len: names.len(),
            right: "columns (outcome and at least one driver)".into(),
            right_len: columns.len(),
        });
    }
    let p = columns.len() - 1;
    let cuts: Vec<PrcaCuts> = match cuts.len() {
        1 => vec![cuts[0]; p],
        k if k == p => cuts.to_vec(),
        k => {
            return Err(Error::LengthMismatch {
                left: "cuts".into(),
                left_len: k,
                right: "drivers".into(),
                right_len: p,
            })
        }
    };
    for c in &cuts {
        PrcaCuts::new(c.low_max, c.high_min)?;
    }
    // Listwise deletion is decided on the ratings, before they become dummies.
    let check = Moments::from_columns(names, columns, weights, missing)?;
    let n_rows = columns[0].len();
    let mut dummy_names: Vec<String> = vec![names[0].to_string()];
    for name in &names[1..] {
        dummy_names.push(format!("{name} low"));
        dummy_names.push(format!("{name} high"));
    }
    let k = 2 * p + 1;
    let mut m = Moments::new(k);
    let mut row = vec![0.0; k];
    let mut n_low = vec![0.0; p];
    let mut n_high = vec![0.0; p];
    for i in 0..n_rows {
        if columns.iter().any(|c| c[i].is_nan()) {
            continue;
        }
        let w = weights.map_or(1.0, |w| w[i]);
        row[0] = columns[0][i];
        for j in 0..p {
            let v = columns[j + 1][i];
            let low = v <= cuts[j].low_max;
            let high = v >= cuts[j].high_min;
            row[1 + 2 * j] = f64::from(u8::from(low));
            row[2 + 2 * j] = f64::from(u8::from(high));
            n_low[j] += w * f64::from(u8::from(low));
            n_high[j] += w * f64::from(u8::from(high));
        }
        m.add_row(&row, w);
    }
    let total_w = m.weight_sum();
    if let Some(j) = (0..p).find(|&j| n_low[j] + n_high[j] >= total_w) {
        return Err(Error::Degenerate {
            what: format!("{:?}", names[j + 1]),
            reason: format!(
                "no rating lies between the cuts {} and {}, so its low and high dummies are collinear with the intercept; move the cuts so that some ratings fall between them",
                cuts[j].low_max, cuts[j].high_min
            ),
        });
    }
    // Columns that vary enter the regression; an empty group is left out.
    let used: Vec<usize> = (1..k).filter(|&c| m.comoment(c, c) > 0.0).collect();
    let q = used.len();
    let df = total_w - q as f64 - 1.0;
    if df < 1.0 {
        return Err(Error::Degenerate {
            what: "penalty-reward regression".into(),
            reason: format!(
                "{total_w} rows cannot fit {q} dummies and an intercept; pass more rows"
            ),
        });
    }
    let sxx = DMatrix::from_fn(q, q, |a, b| m.comoment(used[a], used[b]));
    let sxy = DVector::from_fn(q, |a, _| m.comoment(used[a], 0));
    let chol = sxx.cholesky().ok_or_else(|| Error::Degenerate {
        what: "penalty-reward dummies".into(),
        reason: "the low and high dummies of different drivers are collinear (the drivers move in lockstep), so penalty and reward are not identified; drop one of the drivers".into(),
    })?;
    let beta = chol.solve(&sxy);
    let syy = m.comoment(0, 0);
    let rss = (syy - beta.dot(&sxy)).max(0.0);
    let sigma2 = rss / df;
    let inv = chol.inverse();
    let tq = t_quantile(0.5 + level / 2.0, df);
    let t_dist = StudentsT::new(0.0, 1.0, df).map_err(|e| Error::Degenerate {
        what: "t distribution".into(),
        reason: e.to_string(),
    })?;
    let n = m.rows() as f64;
    let est = |value: f64, var: f64| -> Result<Estimate> {
        let se = var.max(0.0).sqrt();
        let mut e = Estimate::normal(value, se, level, "ols_t", n, m.n_effective())?;
        e.ci_low = value - tq * se;
        e.ci_high = value + tq * se;
        e.n_missing = check.n_missing() as f64;
        Ok(e)
    };
    let position = |column: usize| used.iter().position(|&c| c == column);
    let mut out = Vec::with_capacity(p);
    for j in 0..p {
        let lo = position(1 + 2 * j);
        let hi = position(2 + 2 * j);
        let penalty = lo.map(|a| est(beta[a], sigma2 * inv[(a, a)])).transpose()?;
        let reward = hi.map(|b| est(beta[b], sigma2 * inv[(b, b)])).transpose()?;
        let (asymmetry, p_value, flag) = match (lo, hi) {
            (Some(a), Some(b)) => {
                let d = beta[a] + beta[b];
                let var = sigma2 * (inv[(a, a)] + inv[(b, b)] + 2.0 * inv[(a, b)]);
                let e = est(d, var)?;
                let pv = if e.se > 0.0 {
                    2.0 * t_dist.sf((d / e.se).abs())
                } else {
                    f64::NAN
                };
                let flag = if pv < 1.0 - level {
                    Some(if d > 0.0 {
                        Asymmetry::Excitement
                    } else {
                        Asymmetry::Basic
                    })
                } else {
                    None
                };
                (Some(e), Some(pv), flag)
            }
            _ => (None, None, None),
        };
        out.push(PenaltyReward {
            driver: names[j + 1].to_string(),
            n_low: n_low[j],
            n_high: n_high[j],
            penalty,
            reward,
            asymmetry,
            p_value,
            flag,
        });
    }
    Ok(PenaltyRewardResult {
        outcome: names[0].to_string(),
        cuts,
        drivers: out,
        r_squared: if syy > 0.0 { 1.0 - rss / syy } else { f64::NAN },
        df,
        n,
        n_missing: check.n_missing() as f64,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirds_of_common_scales() {
        let c = PrcaCuts::thirds(&Scale::new(1.0, 5.0, 1.0).unwrap());
        assert_eq!((c.low_max, c.high_min), (2.0, 4.0));
        let c = PrcaCuts::thirds(&Scale::new(1.0, 10.0, 1.0).unwrap());
        assert_eq!((c.low_max, c.high_min), (4.0, 7.0));
        let c = PrcaCuts::thirds(&Scale::new(0.0, 10.0, 1.0).unwrap());
        assert_eq!((c.low_max, c.high_min), (3.0, 7.0));
    }

    #[test]
    fn recovers_planted_asymmetry() {
        // Driver a: low costs 3 points, high adds 0.5 (basic factor).
        // Driver b: symmetric +-1. Noise is a fixed deterministic pattern.
        let mut y = Vec::new();
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..300 {
            let ra = (i % 3) as f64 * 2.0 + 1.0; // 1, 3, 5
            let rb = ((i / 3) % 3) as f64 * 2.0 + 1.0;
            let noise = (((i * 7919) % 101) as f64 / 101.0 - 0.5) * 0.4;
            let ya = if ra <= 1.0 {
                -3.0
            } else if ra >= 5.0 {
                0.5
            } else {
                0.0
            };
            let yb = if rb <= 1.0 {
                -1.0
            } else if rb >= 5.0 {
                1.0
            } else {
                0.0
            };
            y.push(5.0 + ya + yb + noise);
            a.push(ra);
            b.push(rb);
        }
        let cuts = [PrcaCuts::new(2.0, 4.0).unwrap()];
        let r = penalty_reward(
            &["y", "a", "b"],
            &[&y, &a, &b],
            None,
            &cuts,
            0.95,
            Missing::Listwise,
        )
        .unwrap();
        let pa = r.drivers[0].penalty.as_ref().unwrap().value;
        assert!((pa + 3.0).abs() < 0.1, "{pa}");
        assert_eq!(r.drivers[0].flag, Some(Asymmetry::Basic));
        assert_eq!(r.drivers[1].flag, None);
    }

    #[test]
    fn no_middle_band_is_degenerate() {
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let x = [1.0, 5.0, 1.0, 5.0, 1.0, 5.0];
        let cuts = [PrcaCuts::new(2.0, 4.0).unwrap()];
        let err = penalty_reward(&["y", "x"], &[&y, &x], None, &cuts, 0.95, Missing::Listwise)
            .unwrap_err();
        assert_eq!(err.kind(), "Degenerate");
        assert!(err.to_string().contains("\"x\""), "{err}");
    }
}
