//! Logistic key-driver analysis for a binary outcome: McFadden's
//! pseudo-R-squared of every subset of drivers, each subset fitted by
//! maximum likelihood.
//!
//! McFadden's R-squared of a subset S is `1 - lnL(S) / lnL(empty)`, the
//! measure Azen and Traxel (2009) use for dominance analysis in logistic
//! regression. The likelihood needs the rows, not only their moments, so
//! this variant cannot run on merged summaries. Drivers are standardised
//! before fitting (the likelihood does not change), which keeps the Newton
//! steps well conditioned when a driver is on a scale of 1e9.
//!
//! References: D. McFadden (1974), "Conditional logit analysis of
//! qualitative choice behavior"; R. Azen and N. Traxel (2009), "Using
//! dominance analysis to determine predictor importance in logistic
//! regression", Journal of Educational and Behavioral Statistics 34(3).

use nalgebra::{DMatrix, DVector, SymmetricEigen};
use rayon::prelude::*;

use super::correlation::COLLINEAR_TOLERANCE;
use super::subsets::SubsetR2;
use crate::error::{Error, Result};

/// Largest number of drivers of an exact logistic analysis (`2^15` fits).
pub const LOGISTIC_EXACT_LIMIT: usize = 15;

/// Newton iterations allowed per fit.
const MAX_ITERATIONS: usize = 100;

/// Largest credible slope per standard deviation of a driver (an odds ratio
/// of e^15 per standard deviation); larger slopes mean separation.
const SEPARATION_SLOPE: f64 = 15.0;

/// Complete rows of a binary outcome and standardised drivers.
#[derive(Debug, Clone)]
pub struct LogisticData {
    /// Number of drivers.
    pub p: usize,
    /// Outcome, 0 or 1.
    pub y: Vec<f64>,
    /// Row weights.
    pub w: Vec<f64>,
    /// Standardised drivers, row-major `n x p`.
    pub x: Vec<f64>,
}

impl LogisticData {
    /// Builds the data from complete rows (`rows[i][0]` the outcome).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for an outcome other than 0 or 1, and
    /// [`Error::Degenerate`] if every row has the same outcome or a driver is
    /// constant.
    pub fn new(names: &[&str], rows: &[Vec<f64>], weights: &[f64]) -> Result<Self> {
        let p = names.len() - 1;
        let n = rows.len();
        let mut y = Vec::with_capacity(n);
        for (i, r) in rows.iter().enumerate() {
            if r[0] != 0.0 && r[0] != 1.0 {
                return Err(Error::OutOfRange {
                    what: names[0].to_string(),
                    index: i,
                    value: r[0],
                    expected: "a binary outcome coded 0 or 1 for the logistic model".into(),
                });
            }
            y.push(r[0]);
        }
        let wsum: f64 = weights.iter().sum();
        let ybar = y.iter().zip(weights).map(|(a, w)| a * w).sum::<f64>() / wsum;
        if !(ybar > 0.0 && ybar < 1.0) {
            return Err(Error::Degenerate {
                what: format!("{:?}", names[0]),
                reason: "every row has the same outcome, so no driver can explain it".into(),
            });
        }
        let mut x = vec![0.0; n * p];
        for j in 0..p {
            let mean = rows
                .iter()
                .zip(weights)
                .map(|(r, w)| r[j + 1] * w)
                .sum::<f64>()
                / wsum;
            let var = rows
                .iter()
                .zip(weights)
                .map(|(r, w)| w * (r[j + 1] - mean).powi(2))
                .sum::<f64>()
                / wsum;
            let sd = var.sqrt();
            if sd <= mean.abs() * 1e-13 || sd == 0.0 || sd.is_nan() {
                return Err(Error::Degenerate {
                    what: format!("{:?}", names[j + 1]),
                    reason: "it has zero variance in the rows used, so its importance is undefined; drop it from the drivers".into(),
                });
            }
            for (i, r) in rows.iter().enumerate() {
                x[i * p + j] = (r[j + 1] - mean) / sd;
            }
        }
        Ok(LogisticData {
            p,
            y,
            w: weights.to_vec(),
            x,
        })
    }

    /// Log-likelihood of the intercept-only model.
    pub fn null_loglik(&self) -> f64 {
        let wsum: f64 = self.w.iter().sum();
        let ybar = self.y.iter().zip(&self.w).map(|(a, w)| a * w).sum::<f64>() / wsum;
        self.y
            .iter()
            .zip(&self.w)
            .map(|(y, w)| w * (y * ybar.ln() + (1.0 - y) * (1.0 - ybar).ln()))
            .sum()
    }

    /// Maximum log-likelihood of the model with the drivers in `mask`,
    /// fitted by Newton-Raphson with step halving.
    ///
    /// # Errors
    /// [`Error::NotConverged`] when the fit does not settle within 100
    /// iterations, which in practice means complete or quasi-complete
    /// separation (some drivers predict the outcome perfectly).
    pub fn loglik(&self, mask: usize, names: &[&str]) -> Result<f64> {
        let cols: Vec<usize> = (0..self.p).filter(|j| mask & (1 << j) != 0).collect();
        let k = cols.len() + 1;
        let n = self.y.len();
        let mut beta = DVector::<f64>::zeros(k);
        let mut ll = self.loglik_at(&beta, &cols);
        let mut design = vec![0.0; k];
        for iteration in 0..MAX_ITERATIONS {
            let mut grad = DVector::<f64>::zeros(k);
            let mut hess = DMatrix::<f64>::zeros(k, k);
            for i in 0..n {
                self.row(i, &cols, &mut design);
                let eta: f64 = design.iter().zip(beta.iter()).map(|(a, b)| a * b).sum();
                let mu = 1.0 / (1.0 + (-eta).exp());
                let w = self.w[i];
                let r = w * (self.y[i] - mu);
                let v = w * mu * (1.0 - mu);
                for a in 0..k {
                    grad[a] += design[a] * r;
                    for b in 0..=a {
                        hess[(a, b)] += v * design[a] * design[b];
                    }
                }
            }
            for a in 0..k {
                for b in 0..a {
                    hess[(b, a)] = hess[(a, b)];
                }
            }
            let step = solve_psd(hess, &grad);
            let mut scale = 1.0;
            let mut next = &beta + &step * scale;
            let mut next_ll = self.loglik_at(&next, &cols);
            while next_ll < ll - 1e-12 * ll.abs() && scale > 1e-8 {
                scale *= 0.5;
                next = &beta + &step * scale;
                next_ll = self.loglik_at(&next, &cols);
            }
            let change = (next_ll - ll).abs();
            beta = next;
            let settled = change <= 1e-11 * (ll.abs() + 1.0)
                && step.amax() * scale <= 1e-7 * (beta.amax() + 1.0);
            ll = next_ll.max(ll);
            if settled && iteration > 0 {
                // A slope above SEPARATION_SLOPE per standard deviation means
                // the fit ran off towards infinity and stopped only because
                // the likelihood flattened at 0 for the separated rows.
                if beta.iter().skip(1).all(|b| b.abs() <= SEPARATION_SLOPE) {
                    return Ok(ll);
                }
                break;
            }
        }
        let subset: Vec<&str> = cols.iter().map(|&j| names[j + 1]).collect();
        Err(Error::NotConverged {
            method: format!("logistic regression on {subset:?}"),
            iterations: MAX_ITERATIONS,
            reason: "the coefficients grew without bound, the sign of complete or quasi-complete separation".into(),
            advice: "merge sparse rating categories, drop the separating driver, or use the linear probability model".into(),
        })
    }

    fn row(&self, i: usize, cols: &[usize], out: &mut [f64]) {
        out[0] = 1.0;
        for (a, &j) in cols.iter().enumerate() {
            out[a + 1] = self.x[i * self.p + j];
        }
    }

    fn loglik_at(&self, beta: &DVector<f64>, cols: &[usize]) -> f64 {
        let mut total = 0.0;
        for i in 0..self.y.len() {
            let mut eta = beta[0];
            for (a, &j) in cols.iter().enumerate() {
                eta += beta[a + 1] * self.x[i * self.p + j];
            }
            // ln(sigmoid(eta)) and ln(1 - sigmoid(eta)) without overflow.
            let log_p = -softplus(-eta);
            let log_q = -softplus(eta);
            total += self.w[i] * (self.y[i] * log_p + (1.0 - self.y[i]) * log_q);
        }
        total
    }

    /// McFadden's R-squared of every subset.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] above [`LOGISTIC_EXACT_LIMIT`] drivers and
    /// [`Error::NotConverged`] for a subset whose fit does not converge.
    pub fn table(&self, names: &[&str]) -> Result<SubsetR2> {
        if self.p > LOGISTIC_EXACT_LIMIT {
            return Err(Error::invalid_parameter(
                "drivers",
                self.p,
                format!("at most {LOGISTIC_EXACT_LIMIT} drivers for the logistic model (2^p fits); use the linear probability model for more"),
            ));
        }
        let null = self.null_loglik();
        let values: Vec<f64> = (0..1usize << self.p)
            .into_par_iter()
            .map(|mask| {
                if mask == 0 {
                    return Ok(0.0);
                }
                Ok((1.0 - self.loglik(mask, names)? / null).clamp(0.0, 1.0))
            })
            .collect::<Result<_>>()?;
        SubsetR2::from_values(self.p, values)
    }
}

fn softplus(x: f64) -> f64 {
    if x > 30.0 {
        x + (-x).exp()
    } else {
        x.exp().ln_1p()
    }
}

/// Solves `H x = g` for a positive semidefinite `H`, by Cholesky or, when
/// drivers are exactly collinear, by the pseudo-inverse (minimum-norm step).
fn solve_psd(h: DMatrix<f64>, g: &DVector<f64>) -> DVector<f64> {
    if let Some(chol) = h.clone().cholesky() {
        let x = chol.solve(g);
        if x.iter().all(|v| v.is_finite()) {
            return x;
        }
    }
    let eig = SymmetricEigen::new(h);
    let max = eig.eigenvalues.amax().max(f64::MIN_POSITIVE);
    let mut x = DVector::zeros(g.len());
    for k in 0..g.len() {
        let lambda = eig.eigenvalues[k];
        if lambda > COLLINEAR_TOLERANCE * max {
            let v = eig.eigenvectors.column(k);
            x += v * (v.dot(g) / lambda);
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_driver_matches_closed_form() {
        // With one binary driver the fitted probabilities are the group
        // means, so lnL = sum over cells of n ln(share).
        let rows: Vec<Vec<f64>> = [
            (0.0, 0.0),
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (1.0, 1.0),
        ]
        .iter()
        .map(|&(y, x)| vec![y, x])
        .collect();
        let data = LogisticData::new(&["y", "x"], &rows, &[1.0; 7]).unwrap();
        let ll = data.loglik(1, &["y", "x"]).unwrap();
        let want =
            2.0 * (2.0f64 / 3.0).ln() + (1.0f64 / 3.0).ln() + 3.0 * 0.75f64.ln() + 0.25f64.ln();
        assert!((ll - want).abs() < 1e-9, "{ll} vs {want}");
    }

    #[test]
    fn separation_is_not_converged() {
        let rows: Vec<Vec<f64>> = (0..10)
            .map(|i| vec![if i < 5 { 0.0 } else { 1.0 }, i as f64])
            .collect();
        let data = LogisticData::new(&["y", "x"], &rows, &[1.0; 10]).unwrap();
        let err = data.loglik(1, &["y", "x"]).unwrap_err();
        assert_eq!(err.kind(), "NotConverged");
    }
}
