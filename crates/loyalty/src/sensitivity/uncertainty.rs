//! Propagation of input uncertainty to any value or sensitivity.
//!
//! Inputs such as a retention rate estimated from data or fitted sBG
//! parameters come with standard errors (or a covariance matrix). Any
//! function of them (a lifetime value, an elasticity, the value of +5
//! points, a program's ROI) gets a standard error and an interval by:
//!
//! - the delta method: `se² = ∇fᵀ Σ ∇f`, with the gradient by central
//!   differences (one-sided where a step leaves the function's domain), and a
//!   normal interval around `f(x̂)`;
//! - seeded simulation: draws of the inputs from the multivariate normal
//!   `N(x̂, Σ)`, the function at each draw, the standard deviation of the
//!   results as standard error and their percentiles as the interval. Draws
//!   the function rejects (a retention of 1 or more, say) are dropped, so
//!   the normal is truncated to the function's domain. The estimate's
//!   `n_missing` counts them.

use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::elasticities::{elasticities, plus_points};
use super::scenarios::Parameter;
use super::ValueInputs;
use crate::error::{check_finite, check_level, check_not_empty, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::math::seeded_rng;
use crate::value::clv::RetentionCurve;

/// Method of uncertainty propagation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Propagation {
    /// First-order Taylor expansion (delta method).
    Delta,
    /// Seeded Monte Carlo simulation.
    Simulation {
        /// Number of draws.
        draws: usize,
        /// Seed of the random stream.
        seed: u64,
    },
}

impl Propagation {
    /// Parses "delta" or "simulation" (with `draws` and `seed`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str, draws: usize, seed: u64) -> Result<Self> {
        match name {
            "delta" => Ok(Propagation::Delta),
            "simulation" => Ok(Propagation::Simulation { draws, seed }),
            other => Err(Error::invalid_parameter(
                "method",
                format!("{other:?}"),
                "\"delta\" or \"simulation\"",
            )),
        }
    }
}

/// Builds a diagonal covariance matrix from standard errors.
pub fn diagonal_covariance(se: &[f64]) -> Vec<Vec<f64>> {
    let n = se.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| if i == j { se[i] * se[i] } else { 0.0 })
                .collect()
        })
        .collect()
}

/// Propagates the uncertainty of `values` (covariance `covariance`) to `f`.
///
/// # Errors
/// - [`Error::LengthMismatch`] or [`Error::NotFinite`] for bad inputs.
/// - [`Error::NotPositiveSemidefinite`] for such a covariance.
/// - [`Error::InvalidParameter`] for a bad level or fewer than 2 draws.
/// - The error of `f` at `values`.
/// - [`Error::Degenerate`] when more than half of the simulation draws fall
///   outside the function's domain.
///
/// # Examples
/// ```
/// use loyalty::sensitivity::{propagate, Propagation};
/// use loyalty::sensitivity::uncertainty::diagonal_covariance;
/// // CLV = 100·r/(1.1 − r) at r = 0.8 ± 0.02: se = 100·1.1/0.3²·0.02.
/// let f = |x: &[f64]| Ok(100.0 * x[0] / (1.1 - x[0]));
/// let e = propagate(f, &[0.8], &diagonal_covariance(&[0.02]), Propagation::Delta, 0.95).unwrap();
/// assert!((e.se - 100.0 * 1.1 / 0.09 * 0.02).abs() < 1e-4);
/// ```
pub fn propagate(
    f: impl Fn(&[f64]) -> Result<f64>,
    values: &[f64],
    covariance: &[Vec<f64>],
    method: Propagation,
    level: f64,
) -> Result<Estimate> {
    check_level(level)?;
    check_not_empty("values", values.len())?;
    check_finite("values", values)?;
    let n = values.len();
    check_same_len("values", n, "covariance rows", covariance.len())?;
    for (i, row) in covariance.iter().enumerate() {
        check_same_len("values", n, &format!("covariance row {i}"), row.len())?;
        check_finite(&format!("covariance row {i}"), row)?;
    }
    let sigma = DMatrix::from_fn(n, n, |i, j| 0.5 * (covariance[i][j] + covariance[j][i]));
    let min_eigenvalue = sigma.clone().symmetric_eigenvalues().min();
    if min_eigenvalue < -1e-12 * (1.0 + sigma.amax()) {
        return Err(Error::NotPositiveSemidefinite {
            what: "covariance of the inputs".into(),
            min_eigenvalue,
        });
    }
    let centre = f(values)?;
    match method {
        Propagation::Delta => {
            let grad = gradient(&f, values, &sigma, centre)?;
            let g = nalgebra::DVector::from_vec(grad);
            let var = (g.transpose() * &sigma * &g)[(0, 0)];
            Estimate::normal(centre, var.max(0.0).sqrt(), level, "delta", 1.0, 1.0)
        }
        Propagation::Simulation { draws, seed } => {
            simulate(&f, values, &sigma, centre, draws, seed, level)
        }
    }
}

fn gradient(
    f: &impl Fn(&[f64]) -> Result<f64>,
    values: &[f64],
    sigma: &DMatrix<f64>,
    centre: f64,
) -> Result<Vec<f64>> {
    let mut grad = Vec::with_capacity(values.len());
    for j in 0..values.len() {
        if sigma[(j, j)] == 0.0 {
            grad.push(0.0);
            continue;
        }
        // Steps of about 1e-6 relative keep truncation and rounding errors
        // both near 1e-10 for smooth functions.
        let h = 1e-6 * values[j].abs().max(sigma[(j, j)].sqrt()).max(1e-8);
        let at = |delta: f64| {
            let mut x = values.to_vec();
            x[j] += delta;
            f(&x)
        };
        let slope = match (at(h), at(-h)) {
            (Ok(up), Ok(down)) => (up - down) / (2.0 * h),
            (Ok(up), Err(_)) => (up - centre) / h,
            (Err(_), Ok(down)) => (centre - down) / h,
            (Err(e), Err(_)) => return Err(e),
        };
        grad.push(slope);
    }
    Ok(grad)
}

#[allow(clippy::too_many_arguments)]
fn simulate(
    f: &impl Fn(&[f64]) -> Result<f64>,
    values: &[f64],
    sigma: &DMatrix<f64>,
    centre: f64,
    draws: usize,
    seed: u64,
    level: f64,
) -> Result<Estimate> {
    if draws < 2 {
        return Err(Error::invalid_parameter(
            "draws",
            draws,
            "at least 2 simulation draws, e.g. 10000",
        ));
    }
    let n = values.len();
    // A tiny ridge lets Cholesky factor a semidefinite covariance.
    let ridge = 1e-14 * (1.0 + sigma.amax());
    let factor = (sigma + DMatrix::identity(n, n) * ridge)
        .cholesky()
        .ok_or_else(|| Error::NotPositiveSemidefinite {
            what: "covariance of the inputs".into(),
            min_eigenvalue: f64::NAN,
        })?
        .l();
    let mut rng = seeded_rng(seed);
    let mut results = Vec::with_capacity(draws);
    let mut rejected = 0usize;
    let mut z = nalgebra::DVector::zeros(n);
    let mut x = vec![0.0; n];
    for _ in 0..draws {
        for k in 0..n {
            z[k] = StandardNormal.sample(&mut rng);
        }
        let shift = &factor * &z;
        for k in 0..n {
            x[k] = values[k] + shift[k];
        }
        match f(&x) {
            Ok(v) if v.is_finite() => results.push(v),
            _ => rejected += 1,
        }
    }
    if results.len() * 2 < draws {
        return Err(Error::Degenerate {
            what: "simulated value".into(),
            reason: format!(
                "{rejected} of {draws} draws fell outside the inputs' valid range; the standard errors are too large for a normal approximation, so use a narrower model or the delta method"
            ),
        });
    }
    let m = results.len() as f64;
    let mean = results.iter().sum::<f64>() / m;
    let se = (results.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
    results.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    let quantile = |p: f64| {
        let pos = p * (m - 1.0);
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        results[lo] + (results[hi] - results[lo]) * (pos - lo as f64)
    };
    Ok(Estimate {
        value: centre,
        se,
        ci_low: quantile(tail),
        ci_high: quantile(1.0 - tail),
        level,
        method: "simulation_percentile".into(),
        n: m,
        n_effective: m,
        n_missing: rejected as f64,
    })
}

/// Standard errors of the inputs of a [`ValueInputs`], assumed independent
/// except for the sBG parameters, which take a covariance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct InputUncertainty {
    /// Standard error of the margin.
    pub margin_se: f64,
    /// Standard error of the retention rate. For a constant curve it is the
    /// rate's; for a vector curve it moves every period's rate together.
    pub retention_se: f64,
    /// Standard error of the discount rate.
    pub discount_rate_se: f64,
    /// Standard error of the acquisition cost.
    pub acquisition_cost_se: f64,
    /// Covariance of (α, β) for an sBG curve (from its fit), in place of
    /// `retention_se`.
    pub sbg_covariance: Option<[[f64; 2]; 2]>,
}

/// Propagates [`InputUncertainty`] to any function of the value inputs.
///
/// # Errors
/// As [`propagate`], and [`Error::InvalidParameter`] for a negative or
/// non-finite standard error, or an sBG covariance given with another curve.
pub fn propagate_inputs(
    inputs: &ValueInputs,
    uncertainty: &InputUncertainty,
    f: impl Fn(&ValueInputs) -> Result<f64>,
    method: Propagation,
    level: f64,
) -> Result<Estimate> {
    for (name, se) in [
        ("margin_se", uncertainty.margin_se),
        ("retention_se", uncertainty.retention_se),
        ("discount_rate_se", uncertainty.discount_rate_se),
        ("acquisition_cost_se", uncertainty.acquisition_cost_se),
    ] {
        if !(se.is_finite() && se >= 0.0) {
            return Err(Error::invalid_parameter(name, se, "a standard error >= 0"));
        }
    }
    let mut values = vec![inputs.margin, inputs.discount_rate, inputs.acquisition_cost];
    let mut variances = vec![
        uncertainty.margin_se.powi(2),
        uncertainty.discount_rate_se.powi(2),
        uncertainty.acquisition_cost_se.powi(2),
    ];
    let sbg = match (&inputs.retention, uncertainty.sbg_covariance) {
        (RetentionCurve::Sbg { alpha, beta }, Some(cov)) => {
            values.extend([*alpha, *beta]);
            Some(cov)
        }
        (_, Some(_)) => {
            return Err(Error::invalid_parameter(
                "sbg_covariance",
                "given",
                "a covariance only with an sBG retention curve",
            ))
        }
        (_, None) => {
            values.push(inputs.get(Parameter::Retention)?);
            variances.push(uncertainty.retention_se.powi(2));
            None
        }
    };
    let n = values.len();
    let mut covariance: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j && i < variances.len() {
                        variances[i]
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    if let Some(cov) = sbg {
        for a in 0..2 {
            for b in 0..2 {
                covariance[3 + a][3 + b] = cov[a][b];
            }
        }
    }
    let rebuild = |x: &[f64]| -> Result<ValueInputs> {
        let mut changed = inputs.clone();
        changed.margin = x[0];
        changed.discount_rate = x[1];
        changed.acquisition_cost = x[2];
        if sbg.is_some() {
            changed.retention = RetentionCurve::Sbg {
                alpha: x[3],
                beta: x[4],
            };
            Ok(changed)
        } else {
            changed.with(Parameter::Retention, x[3])
        }
    };
    propagate(|x| f(&rebuild(x)?), &values, &covariance, method, level)
}

/// Value and every sensitivity of [`ValueInputs`] with propagated uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityEstimates {
    /// Net value (lifetime value − acquisition cost).
    pub value: Estimate,
    /// Lifetime value before acquisition cost.
    pub clv: Estimate,
    /// Elasticity of the net value with respect to retention.
    pub retention_elasticity: Estimate,
    /// Elasticity with respect to margin.
    pub margin_elasticity: Estimate,
    /// Elasticity with respect to the discount rate.
    pub discount_rate_elasticity: Estimate,
    /// Elasticity with respect to acquisition cost.
    pub acquisition_cost_elasticity: Estimate,
    /// Points of retention added in `plus_points`.
    pub points: f64,
    /// Change of the net value from `points` more points of retention.
    pub plus_points: Estimate,
}

/// Computes the value, its elasticities and the value of +`points` points
/// of retention, each with the input uncertainty propagated.
///
/// # Errors
/// As [`propagate_inputs`], [`elasticities`] and [`plus_points`].
pub fn sensitivity_estimates(
    inputs: &ValueInputs,
    uncertainty: &InputUncertainty,
    points: f64,
    method: Propagation,
    level: f64,
) -> Result<SensitivityEstimates> {
    let run = |f: &dyn Fn(&ValueInputs) -> Result<f64>| {
        propagate_inputs(inputs, uncertainty, f, method, level)
    };
    Ok(SensitivityEstimates {
        value: run(&|x| x.value())?,
        clv: run(&|x| x.clv())?,
        retention_elasticity: run(&|x| Ok(elasticities(x)?.retention))?,
        margin_elasticity: run(&|x| Ok(elasticities(x)?.margin))?,
        discount_rate_elasticity: run(&|x| Ok(elasticities(x)?.discount_rate))?,
        acquisition_cost_elasticity: run(&|x| Ok(elasticities(x)?.acquisition_cost))?,
        points,
        plus_points: run(&|x| Ok(plus_points(x, points)?.change))?,
    })
}
