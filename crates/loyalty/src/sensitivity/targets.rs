//! Inverse targets: the retention or NPS a value target needs, and
//! break-even points.
//!
//! Value rises strictly with a constant retention rate, so the retention for
//! a target is found by bisection on [0, r_max), where `r_max` is 1 or the
//! rate at which an infinite-horizon sum stops converging.

use serde::{Deserialize, Serialize};

use super::ValueInputs;
use crate::error::{check_finite, check_level, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::math::t_quantile;
use crate::value::clv::{discounted_lifetime, RetentionCurve};
use crate::value::{check_number, check_retention};

/// Retention rate per period at which the net value (`inputs` with a
/// constant retention) reaches `target`.
///
/// # Errors
/// [`Error::Degenerate`] when no rate in [0, 1) reaches the target (too
/// high for the margin, or already exceeded at zero retention), and the
/// errors of [`ValueInputs::value`].
///
/// # Examples
/// ```
/// use loyalty::sensitivity::{retention_for_value, ValueInputs};
/// // m·r/(1.1 − r) = 4.5·m at r = 0.9.
/// let r = retention_for_value(&ValueInputs::constant(100.0, 0.5, 0.1), 450.0).unwrap();
/// assert!((r - 0.9).abs() < 1e-9);
/// ```
pub fn retention_for_value(inputs: &ValueInputs, target: f64) -> Result<f64> {
    check_number("target", target)?;
    let value_at = |r: f64| {
        let mut x = inputs.clone();
        x.retention = RetentionCurve::Constant(r);
        x.value()
    };
    let g = inputs.convention.margin_growth;
    let mut high = if inputs.convention.horizon.is_none() {
        ((1.0 + inputs.discount_rate) / (1.0 + g)).min(1.0)
    } else {
        1.0
    };
    high = high.min(1.0 - 1e-15) * (1.0 - 1e-12);
    let mut low = 0.0;
    let (v_low, v_high) = (value_at(low)?, value_at(high)?);
    let increasing = v_high >= v_low;
    let unreachable = |reason: String| Error::Degenerate {
        what: "retention for the value target".into(),
        reason,
    };
    if (target - v_low) * (target - v_high) > 0.0 {
        return Err(unreachable(format!(
            "the net value ranges from {v_low} to {v_high} over retention rates in [0, 1), so {target} is never reached"
        )));
    }
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        let v = value_at(mid)?;
        if (v < target) == increasing {
            low = mid;
        } else {
            high = mid;
        }
        if high - low < 1e-14 {
            break;
        }
    }
    Ok(0.5 * (low + high))
}

/// Retention at which the lifetime value covers the acquisition cost.
///
/// # Errors
/// As [`retention_for_value`].
pub fn break_even_retention(inputs: &ValueInputs) -> Result<f64> {
    retention_for_value(inputs, 0.0)
}

/// Margin per period at which the lifetime value covers the acquisition
/// cost: `AC / L`.
///
/// # Errors
/// As [`discounted_lifetime`]; [`Error::Degenerate`] when `L = 0`.
pub fn break_even_margin(inputs: &ValueInputs) -> Result<f64> {
    let life = discounted_lifetime(&inputs.retention, inputs.discount_rate, &inputs.convention)?;
    if life == 0.0 {
        return Err(Error::Degenerate {
            what: "break-even margin".into(),
            reason: "no margin is ever received (zero retention with end-of-period margins)".into(),
        });
    }
    Ok(inputs.acquisition_cost / life)
}

/// A linear link from NPS (points) to retention, fitted by least squares on
/// segments (regions, branches, periods): `r = a + b·NPS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsRetentionLink {
    /// Intercept a.
    pub intercept: f64,
    /// Slope b: retention per NPS point.
    pub slope: f64,
    /// Covariance of (a, b): [[var a, cov], [cov, var b]].
    pub covariance: [[f64; 2]; 2],
    /// Residual degrees of freedom (segments − 2).
    pub df: f64,
    /// Segments in the fit.
    pub n: usize,
}

impl NpsRetentionLink {
    /// Fits the link on segments' NPS (points) and retention rates.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`], [`Error::NotFinite`], [`Error::Empty`] for
    /// fewer than three segments, and [`Error::Degenerate`] when every
    /// segment has the same NPS.
    pub fn fit(nps: &[f64], retention: &[f64]) -> Result<Self> {
        check_same_len("nps", nps.len(), "retention", retention.len())?;
        check_finite("nps", nps)?;
        check_finite("retention", retention)?;
        let n = nps.len();
        if n < 3 {
            return Err(Error::Empty {
                what: "segments of the NPS link".into(),
                needed: "pass at least three segments so the slope has a standard error".into(),
            });
        }
        let nf = n as f64;
        let mx = nps.iter().sum::<f64>() / nf;
        let my = retention.iter().sum::<f64>() / nf;
        let sxx: f64 = nps.iter().map(|x| (x - mx).powi(2)).sum();
        if sxx == 0.0 {
            return Err(Error::Degenerate {
                what: "NPS link".into(),
                reason: "every segment has the same NPS, so the slope is not identified".into(),
            });
        }
        let sxy: f64 = nps
            .iter()
            .zip(retention)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum();
        let slope = sxy / sxx;
        let intercept = my - slope * mx;
        let rss: f64 = nps
            .iter()
            .zip(retention)
            .map(|(x, y)| (y - intercept - slope * x).powi(2))
            .sum();
        let df = nf - 2.0;
        let s2 = rss / df;
        let var_b = s2 / sxx;
        let var_a = s2 * (1.0 / nf + mx * mx / sxx);
        let cov = -mx * var_b;
        Ok(NpsRetentionLink {
            intercept,
            slope,
            covariance: [[var_a, cov], [cov, var_b]],
            df,
            n,
        })
    }

    /// Retention predicted at an NPS.
    pub fn retention_at(&self, nps: f64) -> f64 {
        self.intercept + self.slope * nps
    }

    /// NPS needed for a target retention, `(r* − a)/b`, with a delta-method
    /// standard error from the link's covariance and a t interval.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad target or level, and
    /// [`Error::Degenerate`] for a zero slope.
    pub fn nps_for_retention(&self, target_retention: f64, level: f64) -> Result<Estimate> {
        check_retention("target_retention", target_retention)?;
        check_level(level)?;
        if self.slope == 0.0 {
            return Err(Error::Degenerate {
                what: "NPS for the retention target".into(),
                reason: "the fitted slope is 0, so NPS does not move retention".into(),
            });
        }
        let (a, b) = (self.intercept, self.slope);
        let value = (target_retention - a) / b;
        // Gradient of (r* − a)/b with respect to (a, b).
        let grad = [-1.0 / b, -(target_retention - a) / (b * b)];
        let c = &self.covariance;
        let var = grad[0] * grad[0] * c[0][0]
            + 2.0 * grad[0] * grad[1] * c[0][1]
            + grad[1] * grad[1] * c[1][1];
        let se = var.max(0.0).sqrt();
        let t = t_quantile(0.5 + level / 2.0, self.df);
        Ok(Estimate {
            value,
            se,
            ci_low: value - t * se,
            ci_high: value + t * se,
            level,
            method: "delta_t".into(),
            n: self.n as f64,
            n_effective: self.n as f64,
            n_missing: 0.0,
        })
    }

    /// NPS needed for a net value target: the retention the target needs
    /// ([`retention_for_value`]), then the NPS that retention needs.
    ///
    /// # Errors
    /// As [`retention_for_value`] and [`NpsRetentionLink::nps_for_retention`].
    pub fn nps_for_value(&self, inputs: &ValueInputs, target: f64, level: f64) -> Result<Estimate> {
        let r = retention_for_value(inputs, target)?;
        self.nps_for_retention(r, level)
    }
}
