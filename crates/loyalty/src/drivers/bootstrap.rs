//! Seeded bootstrap intervals for importances and the bootstrap test of
//! whether two drivers' importances differ.
//!
//! Replicate `r` draws its rows from the ChaCha8 stream `r` of the seed, so
//! a seeded result is the same on any number of threads. Intervals are
//! percentile intervals (Efron and Tibshirani 1993, "An Introduction to the
//! Bootstrap", chapter 13) with quantiles interpolated as R's type 7, and
//! the standard error is the standard deviation of the replicates.

use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::math::seeded_rng;

/// Replicates of a vector of statistics: `columns[s][r]` is statistic `s`
/// in replicate `r`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Replicates {
    /// One column per statistic.
    pub columns: Vec<Vec<f64>>,
    /// Replicates that failed (e.g. a driver constant in the resample) and
    /// were left out.
    pub failed: usize,
}

/// Runs `reps` replicates of `statistic`, each on row indices drawn with
/// replacement from `0..n`.
///
/// # Errors
/// [`Error::Degenerate`] when more than 10% of the replicates fail, naming
/// the first failure.
pub fn resample<F>(n: usize, reps: usize, seed: u64, statistic: F) -> Result<Replicates>
where
    F: Fn(&[usize]) -> Result<Vec<f64>> + Sync,
{
    let results: Vec<Result<Vec<f64>>> = (0..reps)
        .into_par_iter()
        .map(|r| {
            let mut rng = seeded_rng(seed);
            rng.set_stream(r as u64);
            let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            statistic(&rows)
        })
        .collect();
    collect(results, reps)
}

/// Runs `reps` replicates of `statistic` given a replicate number; the
/// closure draws its own data (used by the parametric bootstrap).
///
/// # Errors
/// As [`resample`].
pub fn replicate<F>(reps: usize, statistic: F) -> Result<Replicates>
where
    F: Fn(u64) -> Result<Vec<f64>> + Sync,
{
    let results: Vec<Result<Vec<f64>>> = (0..reps)
        .into_par_iter()
        .map(|r| statistic(r as u64))
        .collect();
    collect(results, reps)
}

fn collect(results: Vec<Result<Vec<f64>>>, reps: usize) -> Result<Replicates> {
    let mut columns: Vec<Vec<f64>> = Vec::new();
    let mut failed = 0;
    let mut first_error = None;
    for r in results {
        match r {
            Ok(values) => {
                if columns.is_empty() {
                    columns = vec![Vec::with_capacity(reps); values.len()];
                }
                for (c, v) in columns.iter_mut().zip(values) {
                    c.push(v);
                }
            }
            Err(e) => {
                failed += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    if failed * 10 > reps {
        let e = first_error.map(|e| e.to_string()).unwrap_or_default();
        return Err(Error::Degenerate {
            what: "bootstrap".into(),
            reason: format!(
                "{failed} of {reps} replicates failed (first: {e}); use more rows or fewer drivers"
            ),
        });
    }
    Ok(Replicates { columns, failed })
}

/// Quantile of sorted values, interpolated as R's type 7.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The percentile-bootstrap estimate of a statistic with point value `value`.
pub fn percentile_estimate(
    value: f64,
    replicates: &[f64],
    level: f64,
    method: &str,
    n: f64,
    n_effective: f64,
) -> Estimate {
    let mut sorted: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / count;
    let se = if sorted.len() > 1 {
        (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    let alpha = 1.0 - level;
    Estimate {
        value,
        se,
        ci_low: quantile_sorted(&sorted, alpha / 2.0),
        ci_high: quantile_sorted(&sorted, 1.0 - alpha / 2.0),
        level,
        method: method.to_string(),
        n,
        n_effective,
        n_missing: 0.0,
    }
}

/// The difference between two drivers' importances with its bootstrap
/// interval and p-value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportanceDifference {
    /// First driver.
    pub driver_a: String,
    /// Second driver.
    pub driver_b: String,
    /// Importance of `driver_a` minus that of `driver_b`, with the
    /// percentile interval of the paired replicate differences.
    pub difference: Estimate,
    /// Two-sided bootstrap p-value of "no difference":
    /// `min(1, 2 (min(#{d* <= 0}, #{d* >= 0}) + 1) / (B + 1))`.
    pub p_value: f64,
}

/// Tests whether two importances differ, from their paired replicates (the
/// same resamples for both drivers).
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad level, and [`Error::Empty`] without
/// replicates (run the analysis with a bootstrap).
pub fn difference_test(
    (name_a, value_a, reps_a): (&str, f64, &[f64]),
    (name_b, value_b, reps_b): (&str, f64, &[f64]),
    level: f64,
    n: f64,
) -> Result<ImportanceDifference> {
    check_level(level)?;
    if reps_a.is_empty() || reps_a.len() != reps_b.len() {
        return Err(Error::Empty {
            what: "bootstrap replicates".into(),
            needed: "run the key-driver analysis with bootstrap replicates (e.g. 1000) to compare drivers".into(),
        });
    }
    let d: Vec<f64> = reps_a.iter().zip(reps_b).map(|(a, b)| a - b).collect();
    let below = d.iter().filter(|&&v| v <= 0.0).count();
    let above = d.iter().filter(|&&v| v >= 0.0).count();
    let b = d.len() as f64;
    let p_value = (2.0 * (below.min(above) as f64 + 1.0) / (b + 1.0)).min(1.0);
    Ok(ImportanceDifference {
        driver_a: name_a.to_string(),
        driver_b: name_b.to_string(),
        difference: percentile_estimate(value_a - value_b, &d, level, "percentile_bootstrap", n, n),
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantile() {
        // R: quantile(c(1, 2, 3, 4), 0.25, type = 7) = 1.75.
        assert!((quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.25) - 1.75).abs() < 1e-15);
    }

    #[test]
    fn resample_is_seeded() {
        let stat = |rows: &[usize]| Ok(vec![rows.iter().sum::<usize>() as f64]);
        let a = resample(50, 20, 9, stat).unwrap();
        let b = resample(50, 20, 9, stat).unwrap();
        let c = resample(50, 20, 10, stat).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn difference_of_separated_drivers_is_significant() {
        let a: Vec<f64> = (0..200).map(|i| 0.5 + 0.001 * i as f64).collect();
        let b: Vec<f64> = (0..200).map(|i| 0.1 + 0.001 * i as f64).collect();
        let t = difference_test(("a", 0.6, &a), ("b", 0.2, &b), 0.95, 100.0).unwrap();
        assert!(t.p_value < 0.01);
        assert!((t.difference.value - 0.4).abs() < 1e-12);
        let same = difference_test(("a", 0.6, &a), ("a", 0.6, &a), 0.95, 100.0).unwrap();
        assert_eq!(same.p_value, 1.0);
    }
}
