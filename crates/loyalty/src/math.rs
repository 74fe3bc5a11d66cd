//! Shared numerical helpers: distribution quantiles, log-space sums and
//! seeded random streams. Depends on nothing else of the crate.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

/// Quantile of the standard normal distribution at probability `p` in (0, 1).
pub fn normal_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail for these constants.
    Normal::standard().inverse_cdf(p)
}

/// Cumulative distribution function of the standard normal.
pub fn normal_cdf(x: f64) -> f64 {
    Normal::standard().cdf(x)
}

/// Two-sided p-value of a standard normal statistic `z`.
pub fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    2.0 * Normal::standard().sf(z.abs())
}

/// Quantile of Student's t with `df` degrees of freedom (`df` > 0).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Upper tail probability of a chi-squared statistic with `df` degrees of freedom.
pub fn chi_squared_sf(x: f64, df: f64) -> f64 {
    match ChiSquared::new(df) {
        Ok(c) => c.sf(x),
        Err(_) => f64::NAN,
    }
}

/// `ln(exp(a) + exp(b))` without overflow or underflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// `ln(sum(exp(x)))` over a slice without overflow or underflow
/// (`-inf` for an empty slice).
pub fn log_sum_exp(values: &[f64]) -> f64 {
    let m = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    if m == f64::INFINITY {
        return m;
    }
    m + values.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// A reproducible random stream for bootstraps and Monte Carlo intervals.
///
/// ChaCha8 gives the same stream for a seed on every platform and version of
/// `rand_chacha`, so seeded results are stable across machines.
pub fn seeded_rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_table() {
        // Abramowitz & Stegun table 26.5: z(0.975) = 1.959964.
        assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
    }

    #[test]
    fn log_add_exp_handles_extremes() {
        assert_eq!(log_add_exp(f64::NEG_INFINITY, -3.0), -3.0);
        assert!((log_add_exp(-1000.0, -1000.0) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((log_sum_exp(&[1000.0, 1000.0]) - (1000.0 + 2f64.ln())).abs() < 1e-9);
    }
}
