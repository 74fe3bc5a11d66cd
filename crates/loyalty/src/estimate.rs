//! [`Estimate`]: a value with its uncertainty.
//!
//! Every index and fitted quantity of the crate is returned as an `Estimate`
//! or a struct of them, so that a caller never receives a bare number.

use serde::{Deserialize, Serialize};

use crate::error::{check_level, Error, Result};
use crate::math::normal_quantile;

/// A point estimate with its standard error, interval and sample size.
///
/// `ci_low`/`ci_high` are the bounds of a two-sided interval at `level`
/// computed by `method`. For an interval that is not symmetric around `value`
/// (score, posterior, bootstrap), `se` is still the standard error (or
/// posterior standard deviation) of `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Standard error (posterior standard deviation for Bayesian methods).
    pub se: f64,
    /// Lower bound of the interval.
    pub ci_low: f64,
    /// Upper bound of the interval.
    pub ci_high: f64,
    /// Confidence (or credible) level of the interval, e.g. 0.95.
    pub level: f64,
    /// Name of the method that produced the interval, e.g. "adjusted_wald".
    pub method: String,
    /// Number of observations (responses, members, rows) behind the estimate.
    pub n: f64,
    /// Effective sample size (Kish for weighted data; equal to `n` otherwise).
    pub n_effective: f64,
    /// Missing values that the caller asked to drop before estimation.
    #[serde(default)]
    pub n_missing: f64,
}

impl Estimate {
    /// Builds an estimate with the normal (Wald) interval `value ± z·se`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `level` is not in (0, 1), and
    /// [`Error::NotFinite`] if `value` or `se` is not finite or `se < 0`.
    pub fn normal(
        value: f64,
        se: f64,
        level: f64,
        method: impl Into<String>,
        n: f64,
        n_effective: f64,
    ) -> Result<Self> {
        check_level(level)?;
        if !value.is_finite() {
            return Err(Error::NotFinite {
                what: "estimate value".into(),
                index: 0,
                value,
                hint: String::new(),
            });
        }
        if !(se.is_finite() && se >= 0.0) {
            return Err(Error::NotFinite {
                what: "standard error".into(),
                index: 0,
                value: se,
                hint: "; the standard error must be finite and non-negative".into(),
            });
        }
        let z = z_two_sided(level);
        Ok(Estimate {
            value,
            se,
            ci_low: value - z * se,
            ci_high: value + z * se,
            level,
            method: method.into(),
            n,
            n_effective,
            n_missing: 0.0,
        })
    }

    /// Returns the estimate with its interval clamped to `[low, high]` (the
    /// value and standard error are unchanged).
    pub fn clamped(mut self, low: f64, high: f64) -> Self {
        self.ci_low = self.ci_low.clamp(low, high);
        self.ci_high = self.ci_high.clamp(low, high);
        self
    }

    /// Returns the estimate with value, standard error and bounds multiplied
    /// by `factor` (for example 100 to turn a share into points).
    pub fn scaled(mut self, factor: f64) -> Self {
        self.value *= factor;
        self.se *= factor.abs();
        let (a, b) = (self.ci_low * factor, self.ci_high * factor);
        self.ci_low = a.min(b);
        self.ci_high = a.max(b);
        self
    }

    /// Half the width of the interval (the "margin of error").
    pub fn margin(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// Two-sided standard normal critical value for a confidence `level`
/// (1.959964 for 0.95).
pub fn z_two_sided(level: f64) -> f64 {
    normal_quantile(0.5 + level / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_interval_uses_z() {
        let e = Estimate::normal(0.3, 0.05522680508593631, 0.95, "wald", 200.0, 200.0).unwrap();
        // Cross Validated answer 18609: NPS 30 with Wald CI [19.1757, 40.8243] points.
        assert!((e.ci_low - 0.19175745105035137).abs() < 1e-9);
        assert!((e.ci_high - 0.4082425489496486).abs() < 1e-9);
    }

    #[test]
    fn normal_rejects_bad_level() {
        assert!(Estimate::normal(0.0, 1.0, 1.0, "wald", 1.0, 1.0).is_err());
        assert!(Estimate::normal(0.0, f64::NAN, 0.95, "wald", 1.0, 1.0).is_err());
    }
}
