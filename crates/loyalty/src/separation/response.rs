//! The satisfaction-to-loyalty response curve: mean loyalty (or the
//! retention rate) at each satisfaction level with intervals, a monotone
//! fit, and the step where loyalty jumps most (the "zone of affection" of
//! Jones and Sasser 1995) with its bootstrap uncertainty.
//!
//! The monotone fit is weighted isotonic regression of the level means on
//! the level, weights the level counts, by the pool-adjacent-violators
//! algorithm (Barlow, Bartholomew, Bremner and Brunk 1972, Statistical
//! Inference under Order Restrictions). It is written here because it is
//! twenty lines and no maintained Rust crate offers a weighted version.
//!
//! The jump is the largest rise of the fitted curve between two adjacent
//! observed levels, located at the upper level. Its uncertainty comes from a
//! seeded bootstrap over members: the size of the largest jump gets a
//! percentile interval, its location a distribution over levels.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::quadrants::wilson;
use super::resample::{check_resamples, percentile_estimate, resample_rows};
use crate::error::{check_level, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::math::t_quantile;
use crate::scale::Scale;
use crate::stakeholder::Stakeholder;
use crate::survey::Missing;

/// Quantity the curve averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A loyalty score (mean with a t interval per level).
    Score,
    /// Retained or not, coded 1/0 (rate with a Wilson interval per level).
    Retention,
}

/// Options of [`response_curve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseOptions {
    /// Kind of the loyalty values.
    pub outcome: Outcome,
    /// Scale of the satisfaction item; scores off it are rejected.
    pub satisfaction_scale: Option<Scale>,
    /// Fit a non-decreasing curve (true) or a non-increasing one.
    pub increasing: bool,
    /// Bootstrap resamples for the jump (0 for none).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Level of every interval.
    pub level: f64,
    /// Missing values (NaN): reject, or drop the member.
    pub missing: Missing,
    /// Stakeholder group.
    pub group: Stakeholder,
}

impl Default for ResponseOptions {
    fn default() -> Self {
        ResponseOptions {
            outcome: Outcome::Score,
            satisfaction_scale: None,
            increasing: true,
            bootstrap: 1000,
            seed: 0,
            level: 0.95,
            missing: Missing::Reject,
            group: Stakeholder::Customers,
        }
    }
}

/// Loyalty at one satisfaction level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseLevel {
    /// Satisfaction score.
    pub satisfaction: f64,
    /// Members at this level.
    pub n: usize,
    /// Mean loyalty (or retention rate).
    pub mean: f64,
    /// Interval of the mean: Student t for scores (`None` for a level with
    /// one member), Wilson for retention.
    pub interval: Option<Estimate>,
    /// Value of the monotone fit.
    pub fitted: f64,
}

/// The largest jump of the fitted curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneOfAffection {
    /// Satisfaction level below the jump.
    pub from: f64,
    /// Satisfaction level where loyalty has jumped.
    pub to: f64,
    /// Rise of the fitted curve from `from` to `to` (negative for a
    /// non-increasing fit).
    pub size: f64,
    /// The size with its bootstrap interval or, without bootstrap, the
    /// normal interval from the two level means (Welch standard error).
    /// `None` without bootstrap when a level next to the jump has one member.
    pub jump: Option<Estimate>,
    /// Bootstrap interval of the `to` level (quantiles of its resampled
    /// location at the level); `None` without bootstrap.
    pub location_interval: Option<(f64, f64)>,
    /// Share of resamples whose largest jump lands at `to`.
    pub location_share: Option<f64>,
    /// Share of resamples per `to` level, lowest level first.
    pub location_distribution: Vec<(f64, f64)>,
}

/// Result of [`response_curve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseCurve {
    /// Stakeholder group.
    pub group: Stakeholder,
    /// Quantity the curve averages.
    pub outcome: Outcome,
    /// Whether the fit is non-decreasing.
    pub increasing: bool,
    /// One row per observed satisfaction level, lowest first.
    pub levels: Vec<ResponseLevel>,
    /// Largest jump; `None` with a single level or a flat fit.
    pub zone_of_affection: Option<ZoneOfAffection>,
    /// Members used.
    pub n: usize,
    /// Members dropped for missing values.
    pub n_missing: usize,
    /// Resamples asked for.
    pub resamples: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

/// Weighted isotonic (non-decreasing) regression by pool-adjacent-violators.
///
/// # Panics
/// Never; `values` and `weights` must have the same length (the shorter
/// one bounds the fit).
pub fn isotonic_increasing(values: &[f64], weights: &[f64]) -> Vec<f64> {
    // Each block: (weighted mean, total weight, number of points).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(values.len());
    for (&v, &w) in values.iter().zip(weights) {
        blocks.push((v, w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let w = w1 + w2;
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / w, w, c1 + c2);
        }
    }
    blocks
        .iter()
        .flat_map(|&(m, _, c)| std::iter::repeat_n(m, c))
        .collect()
}

/// Level means of `pairs` (satisfaction, loyalty) sorted by level: (level,
/// n, mean, variance), accumulated per level with Welford's update so the
/// cost is O(n log levels).
fn level_stats(pairs: &[(f64, f64)]) -> Vec<(f64, usize, f64, f64)> {
    // Order-preserving integer key of a finite float (-0.0 folded into 0.0).
    let key = |x: f64| {
        let bits = (x + 0.0).to_bits() as i64;
        if bits < 0 {
            bits ^ i64::MAX
        } else {
            bits
        }
    };
    let mut levels: BTreeMap<i64, (f64, usize, f64, f64)> = BTreeMap::new();
    for &(s, y) in pairs {
        let entry = levels.entry(key(s)).or_insert((s, 0, 0.0, 0.0));
        entry.1 += 1;
        let delta = y - entry.2;
        entry.2 += delta / entry.1 as f64;
        entry.3 += delta * (y - entry.2);
    }
    levels
        .into_values()
        .map(|(s, n, mean, m2)| {
            let var = if n > 1 { m2 / (n - 1) as f64 } else { f64::NAN };
            (s, n, mean, var)
        })
        .collect()
}

fn monotone_fit(stats: &[(f64, usize, f64, f64)], increasing: bool) -> Vec<f64> {
    let sign = if increasing { 1.0 } else { -1.0 };
    let values: Vec<f64> = stats.iter().map(|s| sign * s.2).collect();
    let weights: Vec<f64> = stats.iter().map(|s| s.1 as f64).collect();
    isotonic_increasing(&values, &weights)
        .into_iter()
        .map(|v| sign * v)
        .collect()
}

/// Position `k >= 1` of the largest absolute step `fit[k] - fit[k-1]`
/// (first on ties), and the step; `None` when the fit is flat.
fn largest_jump(fit: &[f64]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for k in 1..fit.len() {
        let step = fit[k] - fit[k - 1];
        if step.abs() > best.map_or(0.0, |b| b.1.abs()) {
            best = Some((k, step));
        }
    }
    best
}

/// Computes the response curve of loyalty on satisfaction.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::Empty`], [`Error::NotFinite`],
/// [`Error::OutOfRange`] (satisfaction off its scale, a retention value
/// other than 0 or 1), [`Error::InvalidParameter`] for bad options.
pub fn response_curve(
    satisfaction: &[f64],
    loyalty: &[f64],
    options: &ResponseOptions,
) -> Result<ResponseCurve> {
    check_level(options.level)?;
    check_resamples(options.bootstrap, 100)?;
    check_same_len("satisfaction", satisfaction.len(), "loyalty", loyalty.len())?;
    let mut pairs = Vec::with_capacity(satisfaction.len());
    let mut n_missing = 0;
    for (i, (&s, &y)) in satisfaction.iter().zip(loyalty).enumerate() {
        if (s.is_nan() || y.is_nan()) && options.missing == Missing::Drop {
            n_missing += 1;
            continue;
        }
        match &options.satisfaction_scale {
            Some(scale) => {
                scale.check("satisfaction", i, s)?;
            }
            None => {
                if !s.is_finite() {
                    return Err(Error::NotFinite {
                        what: "satisfaction".into(),
                        index: i,
                        value: s,
                        hint: "; or pass missing=\"drop\"".into(),
                    });
                }
            }
        }
        if !y.is_finite() {
            return Err(Error::NotFinite {
                what: "loyalty".into(),
                index: i,
                value: y,
                hint: "; or pass missing=\"drop\"".into(),
            });
        }
        if options.outcome == Outcome::Retention && y != 0.0 && y != 1.0 {
            return Err(Error::OutOfRange {
                what: "loyalty".into(),
                index: i,
                value: y,
                expected: "retention must be coded 1 (retained) or 0 (lost)".into(),
            });
        }
        pairs.push((s, y));
    }
    if pairs.is_empty() {
        return Err(Error::Empty {
            what: "members".into(),
            needed: "pass at least one member with both values".into(),
        });
    }
    let stats = level_stats(&pairs);
    let fit = monotone_fit(&stats, options.increasing);
    let level = options.level;
    let levels: Vec<ResponseLevel> = stats
        .iter()
        .zip(&fit)
        .map(|(&(s, n, mean, var), &fitted)| {
            let interval = match options.outcome {
                Outcome::Retention => Some(wilson(mean * n as f64, n as f64, level, "wilson")),
                Outcome::Score if n > 1 => {
                    let se = (var / n as f64).sqrt();
                    let t = t_quantile(0.5 + level / 2.0, (n - 1) as f64);
                    Some(Estimate {
                        value: mean,
                        se,
                        ci_low: mean - t * se,
                        ci_high: mean + t * se,
                        level,
                        method: "mean_t".into(),
                        n: n as f64,
                        n_effective: n as f64,
                        n_missing: 0.0,
                    })
                }
                Outcome::Score => None,
            };
            ResponseLevel {
                satisfaction: s,
                n,
                mean,
                interval,
                fitted,
            }
        })
        .collect();

    let zone = match largest_jump(&fit) {
        None => None,
        Some((k, step)) => Some(zone_of_affection(&pairs, &stats, k, step, options)?),
    };
    Ok(ResponseCurve {
        group: options.group.clone(),
        outcome: options.outcome,
        increasing: options.increasing,
        levels,
        zone_of_affection: zone,
        n: pairs.len(),
        n_missing,
        resamples: options.bootstrap,
        seed: options.seed,
    })
}

fn zone_of_affection(
    pairs: &[(f64, f64)],
    stats: &[(f64, usize, f64, f64)],
    k: usize,
    step: f64,
    options: &ResponseOptions,
) -> Result<ZoneOfAffection> {
    let level = options.level;
    let n = pairs.len();
    let (from, to) = (stats[k - 1].0, stats[k].0);
    if options.bootstrap == 0 {
        // Welch interval of the raw difference of the two level means.
        let (_, n1, _, v1) = stats[k - 1];
        let (_, n2, _, v2) = stats[k];
        let (v1, v2) = match options.outcome {
            Outcome::Retention => {
                let (p1, p2) = (stats[k - 1].2, stats[k].2);
                (p1 * (1.0 - p1), p2 * (1.0 - p2))
            }
            Outcome::Score => (v1, v2),
        };
        let se = (v1 / n1 as f64 + v2 / n2 as f64).sqrt();
        // A level with one member has no variance, so there is no interval.
        let jump = if se.is_finite() {
            Some(Estimate::normal(
                step,
                se,
                level,
                "welch_normal_levels",
                n as f64,
                n as f64,
            )?)
        } else {
            None
        };
        return Ok(ZoneOfAffection {
            from,
            to,
            size: step,
            jump,
            location_interval: None,
            location_share: None,
            location_distribution: Vec::new(),
        });
    }
    // Each member's level position, found once, so a resample only tallies.
    let level_of: Vec<usize> = pairs
        .iter()
        .map(|&(s, _)| stats.partition_point(|st| st.0 < s))
        .collect();
    let draws: Vec<Option<(f64, f64)>> = (0..options.bootstrap)
        .into_par_iter()
        .map(|b| {
            let mut tally = vec![(0usize, 0.0f64); stats.len()];
            for r in resample_rows(options.seed, b, n) {
                let slot = &mut tally[level_of[r]];
                slot.0 += 1;
                slot.1 += pairs[r].1;
            }
            // Only the means and counts enter the fit.
            let st: Vec<(f64, usize, f64, f64)> = stats
                .iter()
                .zip(&tally)
                .filter(|(_, t)| t.0 > 0)
                .map(|(level, t)| (level.0, t.0, t.1 / t.0 as f64, f64::NAN))
                .collect();
            let f = monotone_fit(&st, options.increasing);
            largest_jump(&f).map(|(kk, s)| (st[kk].0, s))
        })
        .collect();
    // A resample with a flat fit has a largest jump of 0 and no location.
    let sizes: Vec<f64> = draws.iter().map(|d| d.map_or(0.0, |x| x.1)).collect();
    let jump = percentile_estimate(step, &sizes, level, n as f64)?;
    let mut locations: Vec<f64> = draws.iter().flatten().map(|d| d.0).collect();
    locations.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    let mut distribution: Vec<(f64, f64)> = Vec::new();
    for &loc in &locations {
        match distribution.last_mut() {
            Some(last) if last.0 == loc => last.1 += 1.0,
            _ => distribution.push((loc, 1.0)),
        }
    }
    let total = options.bootstrap as f64;
    for d in &mut distribution {
        d.1 /= total;
    }
    let share = distribution.iter().find(|d| d.0 == to).map_or(0.0, |d| d.1);
    // Inverse-CDF quantiles (R type 1), so both bounds are observed levels.
    let interval = (!locations.is_empty()).then(|| {
        let at = |q: f64| {
            let idx = ((q * locations.len() as f64).ceil() as usize).clamp(1, locations.len());
            locations[idx - 1]
        };
        (at(alpha), at(1.0 - alpha))
    });
    Ok(ZoneOfAffection {
        from,
        to,
        size: step,
        jump: Some(jump),
        location_interval: interval,
        location_share: Some(share),
        location_distribution: distribution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators() {
        // Weighted PAVA by hand: (3, w1) and (1, w3) pool to (3 + 3)/4 = 1.5.
        let fit = isotonic_increasing(&[1.0, 3.0, 1.0, 4.0], &[1.0, 1.0, 3.0, 1.0]);
        assert_eq!(fit, vec![1.0, 1.5, 1.5, 4.0]);
        let already = isotonic_increasing(&[1.0, 2.0, 3.0], &[1.0, 1.0, 1.0]);
        assert_eq!(already, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn jump_found_at_top_levels() {
        // Loyalty flat at 0.2 up to satisfaction 4, then 0.9 at 5.
        let mut sat = Vec::new();
        let mut ret = Vec::new();
        for level in 1..=5 {
            for i in 0..20 {
                sat.push(level as f64);
                let p = if level == 5 { 18 } else { 4 };
                ret.push(if i < p { 1.0 } else { 0.0 });
            }
        }
        let opts = ResponseOptions {
            outcome: Outcome::Retention,
            bootstrap: 200,
            seed: 3,
            ..ResponseOptions::default()
        };
        let curve = response_curve(&sat, &ret, &opts).unwrap();
        let zone = curve.zone_of_affection.unwrap();
        assert_eq!(zone.to, 5.0);
        assert!((zone.size - 0.7).abs() < 1e-12);
        assert!(zone.jump.unwrap().ci_low > 0.0);
        assert!(zone.location_share.unwrap() > 0.9);
        assert_eq!(curve.levels.len(), 5);
    }

    #[test]
    fn decreasing_fit_pools_rises() {
        // Complaints falling with satisfaction, one rise to pool: 3, 4 -> 3.5.
        let sat = [1.0, 2.0, 3.0, 4.0];
        let complaints = [5.0, 3.0, 4.0, 1.0];
        let opts = ResponseOptions {
            increasing: false,
            bootstrap: 0,
            ..ResponseOptions::default()
        };
        let curve = response_curve(&sat, &complaints, &opts).unwrap();
        let fitted: Vec<f64> = curve.levels.iter().map(|l| l.fitted).collect();
        assert_eq!(fitted, vec![5.0, 3.5, 3.5, 1.0]);
        // Largest step in absolute size: 3.5 -> 1 at satisfaction 4.
        let zone = curve.zone_of_affection.unwrap();
        assert_eq!(zone.to, 4.0);
        assert!((zone.size + 2.5).abs() < 1e-12);
        // Levels of one member give no analytic interval.
        assert!(zone.jump.is_none());
    }

    #[test]
    fn retention_must_be_binary() {
        let opts = ResponseOptions {
            outcome: Outcome::Retention,
            ..ResponseOptions::default()
        };
        assert!(matches!(
            response_curve(&[1.0, 2.0], &[1.0, 0.5], &opts),
            Err(Error::OutOfRange { index: 1, .. })
        ));
    }
}
