//! Seeded nonparametric bootstrap shared by the separation analyses: row
//! resamples that do not depend on the number of threads, and percentile
//! intervals.

use rand::Rng;

use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::math::seeded_rng;

/// Row indices of bootstrap resample `b` of `n` rows. Resample `b` draws
/// from ChaCha8 stream `b` of `seed`, so the result is the same whether the
/// resamples run in sequence or in parallel.
pub(crate) fn resample_rows(seed: u64, b: usize, n: usize) -> Vec<usize> {
    let mut rng = seeded_rng(seed);
    rng.set_stream(b as u64);
    (0..n).map(|_| rng.random_range(0..n)).collect()
}

/// Quantile of sorted values by linear interpolation (R's default, type 7).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sample standard deviation (divisor n - 1; 0 for fewer than two values).
pub(crate) fn sample_sd(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
}

/// Estimate with the bootstrap standard error and percentile interval of
/// `draws` (non-finite draws are ignored).
pub(crate) fn percentile_estimate(
    value: f64,
    draws: &[f64],
    level: f64,
    n: f64,
) -> Result<Estimate> {
    check_level(level)?;
    let mut sorted: Vec<f64> = draws.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.len() < 2 {
        return Err(Error::Degenerate {
            what: "bootstrap interval".into(),
            reason: format!(
                "only {} of {} resamples gave a finite value; raise the number of resamples or check the data",
                sorted.len(),
                draws.len()
            ),
        });
    }
    sorted.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    Ok(Estimate {
        value,
        se: sample_sd(&sorted),
        ci_low: quantile_sorted(&sorted, alpha),
        ci_high: quantile_sorted(&sorted, 1.0 - alpha),
        level,
        method: "bootstrap_percentile".into(),
        n,
        n_effective: n,
        n_missing: 0.0,
    })
}

/// Checks a bootstrap size: 0 (no bootstrap) or at least `min`.
pub(crate) fn check_resamples(resamples: usize, min: usize) -> Result<()> {
    if resamples != 0 && resamples < min {
        return Err(Error::invalid_parameter(
            "bootstrap",
            resamples,
            format!("0 (no bootstrap) or at least {min} resamples; 1000 or more for 95% intervals"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_r_type7() {
        // R: quantile(c(1, 2, 4, 10), 0.3) = 1.9
        assert!((quantile_sorted(&[1.0, 2.0, 4.0, 10.0], 0.3) - 1.9).abs() < 1e-12);
    }

    #[test]
    fn resamples_are_reproducible() {
        assert_eq!(resample_rows(7, 3, 50), resample_rows(7, 3, 50));
        assert_ne!(resample_rows(7, 3, 50), resample_rows(7, 4, 50));
    }
}
