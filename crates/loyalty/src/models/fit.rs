//! Maximum-likelihood fitting shared by every model: BFGS on the logarithms
//! of the (positive) parameters, standard errors from the observed
//! information, and a [`FitReport`] that states how the fit ended.
//!
//! The optimiser is a hand-written BFGS with a backtracking Armijo line
//! search rather than a crate such as `argmin`. The problems have two to four
//! parameters, so a dense update is cheapest. The fit must also report its
//! own termination reason, gradient norm and boundary diagnosis in the terms
//! of these models, and restart from a Newton metric when BFGS stalls. Working on log-parameters keeps every parameter positive
//! without bounds and makes the objective closer to quadratic.
//!
//! The objective is the mean log-likelihood per customer (the sum divided by
//! the total weight), so tolerances do not depend on the size of the data;
//! the reported log-likelihood is the SUM.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::estimate::{z_two_sided, Estimate};

/// Options of a fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Maximum BFGS iterations.
    pub max_iterations: usize,
    /// Convergence when the largest gradient component of the mean
    /// log-likelihood with respect to the log-parameters is below this.
    pub gradient_tolerance: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_iterations: 1000,
            gradient_tolerance: 1e-9,
        }
    }
}

/// Reason the optimiser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    /// The gradient fell below the tolerance.
    GradientTolerance,
    /// The gradient was already small (below 1e-4) and either no step along
    /// the search direction improved the objective or 50 iterations improved
    /// the mean log-likelihood by less than 1e-11. This is a flat optimum, or
    /// a supremum approached along a ridge towards the boundary.
    NoImprovement,
    /// The iteration limit was reached.
    MaxIterations,
    /// The line search failed with a gradient that is not small.
    LineSearchFailed,
    /// A log-parameter passed ±20 (a parameter beyond about 5e8 or below
    /// 2e-9) while the likelihood kept rising: the supremum lies on the
    /// boundary of the parameter space and is reached there up to a
    /// negligible amount.
    Boundary,
}

impl Termination {
    /// Reports whether this reason counts as convergence.
    pub fn converged(self) -> bool {
        matches!(
            self,
            Termination::GradientTolerance | Termination::NoImprovement | Termination::Boundary
        )
    }
}

/// The outcome of a maximum-likelihood fit, common to every model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// Model name, e.g. "BG/NBD".
    pub model: String,
    /// Parameter names in order, e.g. `["r", "alpha", "a", "b"]`.
    pub param_names: Vec<String>,
    /// Fitted parameters.
    pub params: Vec<f64>,
    /// Standard errors from the inverse observed information, by the delta
    /// method from the log-parameters; `None` when the information matrix is
    /// not invertible.
    pub standard_errors: Option<Vec<f64>>,
    /// Covariance of the log-parameters (inverse observed information), when
    /// invertible.
    pub log_covariance: Option<Vec<Vec<f64>>>,
    /// Log-likelihood summed over customers (weighted), in the data's time
    /// unit.
    pub log_likelihood: f64,
    /// Sum of the weights (customers).
    pub n: f64,
    /// Distinct rows after compression.
    pub n_rows: usize,
    /// BFGS iterations.
    pub iterations: usize,
    /// Largest absolute gradient component of the mean log-likelihood with
    /// respect to the log-parameters at the end.
    pub gradient_norm: f64,
    /// Reason the optimiser stopped.
    pub termination: Termination,
    /// Whether the termination counts as convergence.
    pub converged: bool,
    /// When the optimum lies on the boundary of the parameter space: what
    /// happened and what to do. `None` for an interior optimum.
    pub boundary: Option<String>,
}

impl FitReport {
    /// Returns an error when the fit did not converge.
    ///
    /// # Errors
    /// [`Error::NotConverged`] with the iterations, reason and advice.
    pub fn check_converged(&self) -> Result<()> {
        if self.converged {
            return Ok(());
        }
        Err(Error::NotConverged {
            method: format!("{} maximum likelihood", self.model),
            iterations: self.iterations,
            reason: format!(
                "{:?}, gradient norm {:.3e}",
                self.termination, self.gradient_norm
            ),
            advice: "raise max_iterations, check the data for outliers, or pass starting \
                     values from a fit on a sample"
                .into(),
        })
    }

    /// Parameters as estimates with Wald intervals on the log scale
    /// (`exp(log θ ± z·se)`), which stay positive. Without an invertible
    /// information matrix the standard error and bounds are NaN.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn estimates(&self, level: f64) -> Result<Vec<(String, Estimate)>> {
        crate::error::check_level(level)?;
        let z = z_two_sided(level);
        let mut out = Vec::new();
        for (i, name) in self.param_names.iter().enumerate() {
            let value = self.params[i];
            let (se, low, high) = match &self.log_covariance {
                Some(cov) => {
                    let log_se = cov[i][i].max(0.0).sqrt();
                    (
                        value * log_se,
                        value * (-z * log_se).exp(),
                        value * (z * log_se).exp(),
                    )
                }
                None => (f64::NAN, f64::NAN, f64::NAN),
            };
            out.push((
                name.clone(),
                Estimate {
                    value,
                    se,
                    ci_low: low,
                    ci_high: high,
                    level,
                    method: "wald_log_observed_information".into(),
                    n: self.n,
                    n_effective: self.n,
                    n_missing: 0.0,
                },
            ));
        }
        Ok(out)
    }
}

impl FitReport {
    /// Draws parameter vectors from the normal approximation of the
    /// log-parameters (mean at the fit, covariance the inverse observed
    /// information), for intervals of derived quantities by simulation.
    /// `None` when the information matrix is not invertible.
    pub fn parameter_draws(&self, draws: usize, seed: u64) -> Option<Vec<Vec<f64>>> {
        use rand::Rng;
        let cov = self.log_covariance.as_ref()?;
        let n = self.params.len();
        let matrix = DMatrix::from_fn(n, n, |i, j| cov[i][j]);
        let lower = matrix.cholesky()?.l();
        let mut rng = crate::math::seeded_rng(seed);
        let mut out = Vec::with_capacity(draws);
        for _ in 0..draws {
            let z = DVector::from_fn(n, |_, _| rng.sample::<f64, _>(rand_distr::StandardNormal));
            let shift = &lower * z;
            out.push((0..n).map(|i| self.params[i] * shift[i].exp()).collect());
        }
        Some(out)
    }
}

/// Result of [`maximise`] before the model adds names and diagnosis.
#[derive(Debug, Clone)]
pub struct Optimum {
    /// Log-parameters at the end.
    pub theta: Vec<f64>,
    /// Mean log-likelihood at the end.
    pub mean_log_likelihood: f64,
    /// Iterations done.
    pub iterations: usize,
    /// Largest absolute gradient component at the end.
    pub gradient_norm: f64,
    /// Reason the optimiser stopped.
    pub termination: Termination,
}

/// Maximises `f(θ)`, a mean log-likelihood of log-parameters `θ` that also
/// writes its gradient, by BFGS from `theta0`.
///
/// `f` may return a non-finite value for a θ outside its domain; the line
/// search then shortens the step.
pub fn maximise(
    f: &dyn Fn(&[f64], &mut [f64]) -> f64,
    theta0: &[f64],
    options: &FitOptions,
) -> Optimum {
    let n = theta0.len();
    let mut theta = DVector::from_column_slice(theta0);
    let mut grad_buf = vec![0.0; n];
    // Minimise the negative mean log-likelihood.
    let mut value = -f(theta.as_slice(), &mut grad_buf);
    let mut grad = -DVector::from_column_slice(&grad_buf);
    let mut h_inv = DMatrix::<f64>::identity(n, n);
    let mut iterations = 0;
    let mut termination = Termination::MaxIterations;
    let mut first = true;
    let mut best_gnorm = f64::INFINITY;
    let mut since_progress = 0;
    let mut history: Vec<f64> = Vec::new();
    while iterations < options.max_iterations {
        let gnorm = grad.amax();
        if gnorm < options.gradient_tolerance {
            termination = Termination::GradientTolerance;
            break;
        }
        iterations += 1;
        if gnorm < 0.5 * best_gnorm {
            best_gnorm = gnorm;
            since_progress = 0;
        } else {
            since_progress += 1;
        }
        if since_progress >= 10 {
            // BFGS stalls on strongly correlated parameters: restart it from
            // the inverse of the finite-difference Hessian, a Newton metric.
            since_progress = 0;
            let hessian = observed_information(f, theta.as_slice(), 1.0);
            if let Some(inv) = invert_information(&hessian) {
                h_inv = inv;
            }
        }
        let mut direction = -(&h_inv * &grad);
        let mut slope = direction.dot(&grad);
        if slope >= 0.0 || !slope.is_finite() {
            // The approximation lost positive definiteness: restart.
            h_inv = DMatrix::identity(n, n);
            direction = -grad.clone();
            slope = direction.dot(&grad);
        }
        // Keep log-parameter steps below 3 (a factor of 20 on a parameter)
        // so a trial point stays where the likelihood is finite.
        let mut step = 1.0f64.min(3.0 / direction.amax().max(1e-300));
        if first {
            step = step.min(0.5 / gnorm.max(1e-300));
            first = false;
        }
        let mut accepted = None;
        for _ in 0..60 {
            let trial = &theta + step * &direction;
            let trial_value = -f(trial.as_slice(), &mut grad_buf);
            // Armijo's sufficient decrease, with slack for rounding: near the
            // optimum the decrease falls below the precision of the objective,
            // and the quasi-Newton step is still the right one to take.
            let slack = 4.0 * f64::EPSILON * value.abs();
            if trial_value.is_finite() && trial_value <= value + 1e-4 * step * slope + slack {
                accepted = Some((trial, trial_value));
                break;
            }
            step *= 0.3;
        }
        let Some((trial, trial_value)) = accepted else {
            termination = if gnorm < 1e-4 {
                Termination::NoImprovement
            } else {
                Termination::LineSearchFailed
            };
            break;
        };
        let new_grad = -DVector::from_column_slice(&grad_buf);
        let s = &trial - &theta;
        let y = &new_grad - &grad;
        let sy = s.dot(&y);
        if sy > 1e-12 * s.norm() * y.norm() {
            if iterations == 1 {
                // Scale the first approximation (Nocedal & Wright 2006, eq. 6.20).
                h_inv *= sy / y.dot(&y);
            }
            let rho = 1.0 / sy;
            let hy = &h_inv * &y;
            let yhy = y.dot(&hy);
            h_inv += ((1.0 + rho * yhy) * rho) * (&s * s.transpose())
                - rho * (&hy * s.transpose() + &s * hy.transpose());
        }
        theta = trial;
        value = trial_value;
        grad = new_grad;
        history.push(value);
        if history.len() > 50
            && history[history.len() - 51] - value < 1e-11 * (1.0 + value.abs())
            && grad.amax() < 1e-4
        {
            termination = Termination::NoImprovement;
            break;
        }
        if theta.amax() > 20.0 {
            termination = Termination::Boundary;
            break;
        }
    }
    Optimum {
        gradient_norm: grad.amax(),
        theta: theta.as_slice().to_vec(),
        mean_log_likelihood: -value,
        iterations,
        termination,
    }
}

/// Observed information of the SUM log-likelihood in log-parameters, by
/// forward differences of the analytic gradient, symmetrised. At an optimum
/// the gradient is about 0, so the step error is of order `h` relative, far
/// below the sampling error that the standard errors describe.
///
/// `f` is the mean log-likelihood (as for [`maximise`]) and `total` the sum
/// of the weights that turns it into the sum.
pub fn observed_information(
    f: &dyn Fn(&[f64], &mut [f64]) -> f64,
    theta: &[f64],
    total: f64,
) -> DMatrix<f64> {
    let n = theta.len();
    let mut info = DMatrix::zeros(n, n);
    let mut plus = vec![0.0; n];
    let mut here = vec![0.0; n];
    f(theta, &mut here);
    for j in 0..n {
        let h = 1e-6 * (1.0 + theta[j].abs());
        let mut t = theta.to_vec();
        t[j] += h;
        f(&t, &mut plus);
        for i in 0..n {
            info[(i, j)] = -(plus[i] - here[i]) / h * total;
        }
    }
    (&info + info.transpose()) * 0.5
}

/// Inverts an information matrix when it is positive definite (Cholesky),
/// `None` otherwise.
pub fn invert_information(info: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    if info.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let chol = info.clone().cholesky()?;
    let inv = chol.inverse();
    // A nearly singular matrix inverts to huge variances; treat a condition
    // number beyond 1e14 as singular.
    let eig = info.clone().symmetric_eigen();
    let max = eig.eigenvalues.amax();
    let min = eig.eigenvalues.min();
    if min <= max * 1e-14 {
        return None;
    }
    Some(inv)
}

/// Gradient of a mean log-likelihood by central differences, for models
/// whose analytic gradient is not written out.
pub fn numeric_gradient(value: &dyn Fn(&[f64]) -> f64, theta: &[f64], grad: &mut [f64]) {
    let mut t = theta.to_vec();
    for j in 0..theta.len() {
        let h = 1e-6 * (1.0 + theta[j].abs());
        t[j] = theta[j] + h;
        let up = value(&t);
        t[j] = theta[j] - h;
        let down = value(&t);
        t[j] = theta[j];
        grad[j] = (up - down) / (2.0 * h);
    }
}

/// Runs the whole fit: maximise, information, standard errors, report.
/// `boundary` inspects the fitted parameters and returns advice when the
/// optimum lies on the boundary.
#[allow(clippy::too_many_arguments)]
pub fn run_fit(
    model: &str,
    names: &[&str],
    f: &dyn Fn(&[f64], &mut [f64]) -> f64,
    start: &[f64],
    total: f64,
    n_rows: usize,
    options: &FitOptions,
    boundary: &dyn Fn(&[f64]) -> Option<String>,
) -> Result<FitReport> {
    if options.gradient_tolerance.is_nan() || options.gradient_tolerance <= 0.0 {
        return Err(Error::invalid_parameter(
            "gradient_tolerance",
            options.gradient_tolerance,
            "a tolerance > 0, e.g. 1e-9",
        ));
    }
    let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
    let mut probe = vec![0.0; start.len()];
    if !f(&theta0, &mut probe).is_finite() {
        return Err(Error::Degenerate {
            what: format!("{model} likelihood"),
            reason: "the log-likelihood is not finite at the starting values; check the data \
                     for extreme rows"
                .into(),
        });
    }
    let opt = maximise(f, &theta0, options);
    let params: Vec<f64> = opt.theta.iter().map(|v| v.exp()).collect();
    let info = observed_information(f, &opt.theta, total);
    let cov = invert_information(&info);
    let mut boundary_advice = boundary(&params);
    if boundary_advice.is_none() && opt.termination == Termination::Boundary {
        boundary_advice = extreme_parameter(names, &params);
    }
    if boundary_advice.is_none() && cov.is_none() {
        boundary_advice = Some(
            "the observed information is not invertible, so the parameters are not identified \
             by these data and have no standard errors; fit on more customers or a longer \
             observation window"
                .into(),
        );
    }
    let standard_errors = cov.as_ref().map(|c| {
        (0..params.len())
            .map(|i| params[i] * c[(i, i)].max(0.0).sqrt())
            .collect()
    });
    let log_covariance = cov.as_ref().map(|c| {
        (0..params.len())
            .map(|i| (0..params.len()).map(|j| c[(i, j)]).collect())
            .collect()
    });
    Ok(FitReport {
        model: model.into(),
        param_names: names.iter().map(|s| s.to_string()).collect(),
        params,
        standard_errors,
        log_covariance,
        log_likelihood: opt.mean_log_likelihood * total,
        n: total,
        n_rows,
        iterations: opt.iterations,
        gradient_norm: opt.gradient_norm,
        termination: opt.termination,
        converged: opt.termination.converged(),
        boundary: boundary_advice,
    })
}

/// Generic boundary check: a parameter beyond `[1e-6, 1e6]` after the fit.
pub fn extreme_parameter(names: &[&str], params: &[f64]) -> Option<String> {
    let bad: Vec<String> = names
        .iter()
        .zip(params)
        .filter(|(_, &v)| !(1e-6..=1e6).contains(&v))
        .map(|(n, v)| format!("{n} = {v:.3e}"))
        .collect();
    if bad.is_empty() {
        None
    } else {
        Some(format!(
            "parameters ran to the edge of the parameter space ({}); the data do not identify \
             them, so read predictions with care and consider a simpler model",
            bad.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfgs_finds_quadratic_maximum() {
        let f = |t: &[f64], g: &mut [f64]| {
            g[0] = -2.0 * (t[0] - 1.0);
            g[1] = -8.0 * (t[1] + 0.5) - (t[0] - 1.0);
            g[0] -= t[1] + 0.5;
            -(t[0] - 1.0).powi(2) - 4.0 * (t[1] + 0.5).powi(2) - (t[0] - 1.0) * (t[1] + 0.5)
        };
        let opt = maximise(&f, &[0.0, 0.0], &FitOptions::default());
        assert_eq!(opt.termination, Termination::GradientTolerance);
        assert!((opt.theta[0] - 1.0).abs() < 1e-8);
        assert!((opt.theta[1] + 0.5).abs() < 1e-8);
    }
}
