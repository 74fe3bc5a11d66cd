//! Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The
//! Gamma-Gamma model of monetary value", note 025; Colombo & Jiang 1999).
//!
//! A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across
//! customers, independent of the transaction process. The data of a customer
//! are the number `x > 0` of repeat transactions and their mean value `m`.
//!
//! # Likelihood of the mean `m` (Fader & Hardie 2013, eq. 3)
//! ```text
//! f(m | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q m^(px-1) x^(px) / (γ + m x)^(px+q)
//! ```
//! # Expected spend (eq. 5)
//! `E[M | p, q, γ, m, x] = p(γ + m x) / (px + q - 1)`, a weighted mean of the
//! population mean `pγ/(q-1)` and the customer's mean `m`; it needs `q > 1`.
//! lifetimes calls γ `v`.

use serde::{Deserialize, Serialize};

use super::fit::{extreme_parameter, run_fit, FitOptions, FitReport};
use super::special::{digamma, ln_gamma};
use crate::error::{check_finite, check_not_empty, check_same_len, Error, Result};

/// A Gamma-Gamma spend model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of the transaction-value Gamma.
    pub p: f64,
    /// Shape of the Gamma distribution of the scale ν across customers.
    pub q: f64,
    /// Scale of the Gamma distribution of ν (lifetimes' `v`), in money.
    pub gamma: f64,
}

/// A fitted Gamma-Gamma model with its fit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaFit {
    /// The model at the fitted parameters.
    pub model: GammaGamma,
    /// Fit report: convergence, standard errors and log-likelihood.
    pub report: FitReport,
}

/// Checks spend data: equal lengths, finite, integer frequency `>= 0`, and
/// a mean spend `> 0` wherever `frequency > 0` (rows with `frequency = 0`
/// carry no spend and are ignored by the fit).
///
/// # Errors
/// [`Error::InvalidData`] naming the offending rows.
pub fn validate(frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
    check_same_len(
        "frequency",
        frequency.len(),
        "monetary_value",
        monetary_value.len(),
    )?;
    check_not_empty("frequency", frequency.len())?;
    check_finite("frequency", frequency)?;
    check_finite("monetary_value", monetary_value)?;
    let bad_x: Vec<usize> = (0..frequency.len())
        .filter(|&i| frequency[i] < 0.0 || frequency[i].fract() != 0.0)
        .collect();
    if !bad_x.is_empty() {
        return Err(Error::invalid_rows(
            "frequency",
            "frequency is negative or not an integer",
            &bad_x,
            "pass the number of repeat transactions (an integer >= 0)",
        ));
    }
    let bad_m: Vec<usize> = (0..frequency.len())
        .filter(|&i| frequency[i] > 0.0 && monetary_value[i] <= 0.0)
        .collect();
    if !bad_m.is_empty() {
        return Err(Error::invalid_rows(
            "monetary_value",
            "mean spend <= 0 for a customer with repeat transactions",
            &bad_m,
            "the Gamma-Gamma model needs positive spend; drop refunds and zero-value orders \
             from the transaction log, or remove these customers",
        ));
    }
    Ok(())
}

impl GammaGamma {
    /// Builds a model from parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and > 0.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self> {
        for (name, v) in [("p", p), ("q", q), ("gamma", gamma)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid_parameter(name, v, "a finite number > 0"));
            }
        }
        Ok(GammaGamma { p, q, gamma })
    }

    /// Log-density of one customer's mean spend, without checks.
    pub fn log_likelihood_one(&self, x: f64, m: f64) -> f64 {
        let (p, q, g) = (self.p, self.q, self.gamma);
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * g.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (g + m * x).ln()
    }

    /// Expected mean spend of one customer, without checks.
    pub fn expected_spend_one(&self, x: f64, m: f64) -> f64 {
        let (p, q, g) = (self.p, self.q, self.gamma);
        if x == 0.0 {
            return p * g / (q - 1.0);
        }
        p * (g + m * x) / (p * x + q - 1.0)
    }

    /// Expected mean spend per transaction of each customer.
    ///
    /// # Errors
    /// As [`validate`], and [`Error::Degenerate`] when `q <= 1` (the mean of
    /// the spend distribution does not exist).
    pub fn expected_spend(&self, frequency: &[f64], monetary_value: &[f64]) -> Result<Vec<f64>> {
        validate(frequency, monetary_value)?;
        if self.q <= 1.0 {
            return Err(Error::Degenerate {
                what: "Gamma-Gamma expected spend".into(),
                reason: format!(
                    "q = {} <= 1, so the population mean spend p·γ/(q-1) does not exist; the \
                     spend data are too heavy-tailed for this model",
                    self.q
                ),
            });
        }
        Ok((0..frequency.len())
            .map(|i| self.expected_spend_one(frequency[i], monetary_value[i]))
            .collect())
    }

    /// Mean log-likelihood of `(x, m, weight)` rows with customers `total`,
    /// and its gradient in the log-parameters `theta = ln(p, q, γ)`.
    pub fn mean_log_likelihood(
        theta: &[f64],
        grad: &mut [f64],
        rows: &[(f64, f64, f64)],
        total: f64,
    ) -> f64 {
        let (p, q, g) = (theta[0].exp(), theta[1].exp(), theta[2].exp());
        if ![p, q, g].iter().all(|v| v.is_finite() && *v > 0.0) {
            return f64::NEG_INFINITY;
        }
        let model = GammaGamma { p, q, gamma: g };
        let (psi_q, ln_g) = (digamma(q), g.ln());
        let mut ll = 0.0;
        let mut d = [0.0f64; 3];
        for &(x, m, w) in rows {
            let px = p * x;
            let ln_gmx = (g + m * x).ln();
            let psi_pxq = digamma(px + q);
            ll += w * model.log_likelihood_one(x, m);
            d[0] += w * x * (psi_pxq - digamma(px) + m.ln() + x.ln() - ln_gmx);
            d[1] += w * (psi_pxq - psi_q + ln_g - ln_gmx);
            d[2] += w * (q / g - (px + q) / (g + m * x));
        }
        for (j, v) in [p, q, g].iter().enumerate() {
            grad[j] = d[j] * v / total;
        }
        ll / total
    }

    /// Fits the model by maximum likelihood on the customers with
    /// `frequency > 0`, optionally weighted.
    ///
    /// # Errors
    /// As [`validate`]; [`Error::Empty`] when no customer has a repeat
    /// transaction.
    pub fn fit(
        frequency: &[f64],
        monetary_value: &[f64],
        weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<GammaGammaFit> {
        validate(frequency, monetary_value)?;
        if let Some(w) = weights {
            super::data::validate_weights(w, frequency.len())?;
        }
        let rows: Vec<(f64, f64, f64)> = (0..frequency.len())
            .filter(|&i| frequency[i] > 0.0)
            .map(|i| {
                (
                    frequency[i],
                    monetary_value[i],
                    weights.map_or(1.0, |w| w[i]),
                )
            })
            .filter(|r| r.2 > 0.0)
            .collect();
        if rows.is_empty() {
            return Err(Error::Empty {
                what: "Gamma-Gamma data".into(),
                needed: "at least one customer with frequency > 0 and a weight > 0".into(),
            });
        }
        let total: f64 = rows.iter().map(|r| r.2).sum();
        let mean_m = rows.iter().map(|r| r.1 * r.2).sum::<f64>() / total;
        let f =
            |theta: &[f64], grad: &mut [f64]| Self::mean_log_likelihood(theta, grad, &rows, total);
        let names = ["p", "q", "gamma"];
        let boundary = |p: &[f64]| extreme_parameter(&names, p);
        let report = run_fit(
            "Gamma-Gamma",
            &names,
            &f,
            &[1.0, 2.0, mean_m.max(1e-6)],
            total,
            rows.len(),
            options,
            &boundary,
        )?;
        let p = &report.params;
        Ok(GammaGammaFit {
            model: GammaGamma {
                p: p[0],
                q: p[1],
                gamma: p[2],
            },
            report,
        })
    }
}
