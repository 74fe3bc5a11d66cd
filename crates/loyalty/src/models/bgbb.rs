//! BG/BB model of discrete-time non-contractual transactions (Fader, Hardie
//! & Shang 2010, "Customer-base analysis in a discrete-time noncontractual
//! setting", Marketing Science 29(6)).
//!
//! In each of `n` transaction opportunities an alive customer transacts with
//! probability p ~ Beta(α, β), and at the start of each later opportunity
//! drops out with probability θ ~ Beta(γ, δ). A customer's data are `x`
//! transactions, the last at opportunity `t_x`, out of `n`.
//!
//! # Likelihood (FHS 2010, eq. 5)
//! ```text
//! L = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!   + Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
//! ```
//! summed in log space; for `t_x = n` the sum is empty and contributes
//! nothing (not `ln 0`).

use serde::{Deserialize, Serialize};

use super::fit::{extreme_parameter, run_fit, FitOptions, FitReport};
use super::special::{digamma, hyp2f1_one, ln_beta, ln_gamma, log_sum_exp};
use crate::error::{check_finite, check_not_empty, check_same_len, Error, Result};

/// A rule over one row `(frequency, recency, T or n_periods)`, true when broken.
type RowRule = dyn Fn(f64, f64, f64) -> bool;

/// A BG/BB model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetaGeoBetaBinom {
    /// First shape of the Beta transaction-probability distribution.
    pub alpha: f64,
    /// Second shape of the Beta transaction-probability distribution.
    pub beta: f64,
    /// First shape of the Beta dropout-probability distribution.
    pub gamma: f64,
    /// Second shape of the Beta dropout-probability distribution.
    pub delta: f64,
}

/// A fitted BG/BB model with its fit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetaGeoBetaBinomFit {
    /// The model at the fitted parameters.
    pub model: BetaGeoBetaBinom,
    /// Fit report: convergence, standard errors and log-likelihood.
    pub report: FitReport,
}

/// Checks BG/BB rows: integers with `0 <= x <= t_x <= n`, `n >= 1`, and
/// `t_x = 0` exactly when `x = 0`.
///
/// # Errors
/// [`Error::InvalidData`] listing every broken rule with its rows.
pub fn validate(frequency: &[f64], recency: &[f64], n_periods: &[f64]) -> Result<()> {
    check_same_len("frequency", frequency.len(), "recency", recency.len())?;
    check_same_len("frequency", frequency.len(), "n_periods", n_periods.len())?;
    check_not_empty("frequency", frequency.len())?;
    check_finite("frequency", frequency)?;
    check_finite("recency", recency)?;
    check_finite("n_periods", n_periods)?;
    let rules: [(&str, &RowRule); 6] = [
        (
            "a value is not an integer (BG/BB counts whole periods)",
            &|x, tx, n| x.fract() != 0.0 || tx.fract() != 0.0 || n.fract() != 0.0,
        ),
        ("frequency < 0", &|x, _, _| x < 0.0),
        ("n_periods < 1", &|_, _, n| n < 1.0),
        ("recency > n_periods", &|_, tx, n| tx > n),
        ("frequency > recency", &|x, tx, _| x > tx),
        ("frequency = 0 but recency > 0", &|x, tx, _| {
            x == 0.0 && tx > 0.0
        }),
    ];
    let mut reasons = Vec::new();
    let mut all_rows = Vec::new();
    for (reason, broken) in rules {
        let rows: Vec<usize> = (0..frequency.len())
            .filter(|&i| broken(frequency[i], recency[i], n_periods[i]))
            .collect();
        if !rows.is_empty() {
            let shown: Vec<usize> = rows.iter().take(10).copied().collect();
            reasons.push(format!("{reason} in rows {shown:?}"));
            all_rows.extend(rows);
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    all_rows.sort_unstable();
    all_rows.dedup();
    Err(Error::invalid_rows(
        "frequency/recency/n_periods",
        reasons.join("; "),
        &all_rows,
        "each row needs whole numbers with 0 <= frequency <= recency <= n_periods, \
         n_periods >= 1, and recency 0 when frequency is 0",
    ))
}

impl BetaGeoBetaBinom {
    /// Builds a model from parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and > 0.
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self> {
        for (name, v) in [
            ("alpha", alpha),
            ("beta", beta),
            ("gamma", gamma),
            ("delta", delta),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid_parameter(name, v, "a finite number > 0"));
            }
        }
        Ok(BetaGeoBetaBinom {
            alpha,
            beta,
            gamma,
            delta,
        })
    }

    /// The log-terms of the likelihood: the alive-at-`n` term first, then
    /// one per possible dropout opportunity.
    fn log_terms(&self, x: f64, t_x: f64, n: f64) -> Vec<f64> {
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        let base = -ln_beta(a, b) - ln_beta(g, d);
        let mut terms = vec![ln_beta(a + x, b + n - x) + ln_beta(g, d + n) + base];
        let mut i = 0.0;
        while i < n - t_x {
            terms.push(ln_beta(a + x, b + t_x - x + i) + ln_beta(g + 1.0, d + t_x + i) + base);
            i += 1.0;
        }
        terms
    }

    /// Log-likelihood of one customer, without checks.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, n: f64) -> f64 {
        log_sum_exp(&self.log_terms(x, t_x, n))
    }

    /// Log-likelihood of each customer.
    ///
    /// # Errors
    /// As [`validate`].
    pub fn log_likelihood_individual(&self, x: &[f64], t_x: &[f64], n: &[f64]) -> Result<Vec<f64>> {
        validate(x, t_x, n)?;
        Ok((0..x.len())
            .map(|i| self.log_likelihood_one(x[i], t_x[i], n[i]))
            .collect())
    }

    /// Probability that the customer is alive at opportunity `n + m`,
    /// without checks (FHS 2010, eq. 11 shifted by `m`).
    pub fn probability_alive_one(&self, m: f64, x: f64, t_x: f64, n: f64) -> f64 {
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        (ln_beta(a + x, b + n - x) - ln_beta(a, b) + ln_beta(g, d + n + m)
            - ln_beta(g, d)
            - self.log_likelihood_one(x, t_x, n))
        .exp()
    }

    /// Probability that each customer is alive at opportunity `n + m`
    /// (`m = 1`: alive in the next period).
    ///
    /// # Errors
    /// As [`validate`], and [`Error::InvalidParameter`] for `m` not a whole
    /// number `>= 0`.
    pub fn probability_alive(&self, m: f64, x: &[f64], t_x: &[f64], n: &[f64]) -> Result<Vec<f64>> {
        check_periods("m_periods_in_future", m)?;
        validate(x, t_x, n)?;
        Ok((0..x.len())
            .map(|i| self.probability_alive_one(m, x[i], t_x[i], n[i]))
            .collect())
    }

    /// Expected transactions in the next `n_star` opportunities, without
    /// checks (FHS 2010, eq. 13).
    pub fn expected_purchases_one(&self, n_star: f64, x: f64, t_x: f64, n: f64) -> f64 {
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        if n_star == 0.0 {
            return 0.0;
        }
        let lead =
            ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b) - self.log_likelihood_one(x, t_x, n)
                + ln_gamma(g + d)
                - ln_gamma(1.0 + d);
        lead.exp() * telescoped_bracket(g, d, n, n_star)
    }

    /// Expected transactions of each customer in the next `n_star`
    /// opportunities.
    ///
    /// # Errors
    /// As [`validate`], and [`Error::InvalidParameter`] for `n_star` not a
    /// whole number `>= 0`.
    pub fn expected_purchases(
        &self,
        n_star: f64,
        x: &[f64],
        t_x: &[f64],
        n: &[f64],
    ) -> Result<Vec<f64>> {
        check_periods("t", n_star)?;
        validate(x, t_x, n)?;
        Ok((0..x.len())
            .map(|i| self.expected_purchases_one(n_star, x[i], t_x[i], n[i]))
            .collect())
    }

    /// Discounted expected residual transactions, without checks (Fader,
    /// Hardie & Shang 2010, eq. 14): the expected transactions after
    /// opportunity `n`, those at `n + k` discounted by `(1 + d)^-k`,
    ///
    /// `DERT = B(α+x+1, β+n-x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / (1+d)
    ///         · 2F1(1, δ+n+1; γ+δ+n+1; 1/(1+d)) / L(α,β,γ,δ | x, t_x, n)`.
    pub fn dert_one(&self, d: f64, x: f64, t_x: f64, n: f64) -> f64 {
        let (a, b, g, dl) = (self.alpha, self.beta, self.gamma, self.delta);
        let log_lead = ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b) + ln_beta(g, dl + n + 1.0)
            - ln_beta(g, dl)
            - d.ln_1p()
            - self.log_likelihood_one(x, t_x, n);
        log_lead.exp() * hyp2f1_one(dl + n + 1.0, g + dl + n + 1.0, 1.0 / (1.0 + d))
    }

    /// Returns the DERT of each customer with discount rate `discount_rate`
    /// per transaction opportunity (see [`BetaGeoBetaBinom::dert_one`]).
    ///
    /// # Errors
    /// As [`validate`], and [`Error::InvalidParameter`] for a rate not > 0
    /// (undiscounted, the expected residual transactions are infinite when
    /// `γ <= 1`).
    pub fn dert(&self, discount_rate: f64, x: &[f64], t_x: &[f64], n: &[f64]) -> Result<Vec<f64>> {
        if !(discount_rate.is_finite() && discount_rate > 0.0) {
            return Err(Error::invalid_parameter(
                "discount_rate",
                discount_rate,
                "a finite rate > 0 per transaction opportunity, e.g. 0.1 for 10% a year on \
                 yearly opportunities",
            ));
        }
        validate(x, t_x, n)?;
        Ok((0..x.len())
            .map(|i| self.dert_one(discount_rate, x[i], t_x[i], n[i]))
            .collect())
    }

    /// Expected transactions of a new customer in the first `n`
    /// opportunities (FHS 2010, eq. 9).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `n` not a whole number `>= 0`.
    pub fn expected_purchases_new_customer(&self, n: f64) -> Result<f64> {
        check_periods("t", n)?;
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        let lead = (a / (a + b)).ln() + ln_gamma(g + d) - ln_gamma(1.0 + d);
        Ok(lead.exp() * telescoped_bracket(g, d, 0.0, n))
    }

    /// Probability that a new customer makes exactly `x` transactions in
    /// the first `n` opportunities (FHS 2010, eq. 7).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `n` not a whole number `>= 1` or
    /// `x > n`.
    pub fn probability_of_n_purchases(&self, x: u64, n: f64) -> Result<f64> {
        check_periods("t", n)?;
        let xf = x as f64;
        if xf > n {
            return Err(Error::invalid_parameter(
                "n",
                x,
                format!("at most t = {n} transactions"),
            ));
        }
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        let base = -ln_beta(a, b) - ln_beta(g, d);
        let ln_choose =
            |i: f64, k: f64| ln_gamma(i + 1.0) - ln_gamma(k + 1.0) - ln_gamma(i - k + 1.0);
        let mut terms =
            vec![ln_choose(n, xf) + ln_beta(a + xf, b + n - xf) + ln_beta(g, d + n) + base];
        let mut i = xf;
        while i < n {
            terms.push(
                ln_choose(i, xf) + ln_beta(a + xf, b + i - xf) + ln_beta(g + 1.0, d + i) + base,
            );
            i += 1.0;
        }
        Ok(log_sum_exp(&terms).exp())
    }

    /// Mean log-likelihood of `(x, t_x, n, weight)` rows with customers
    /// `total`, and its gradient in `theta = ln(α, β, γ, δ)`.
    pub fn mean_log_likelihood(
        theta: &[f64],
        grad: &mut [f64],
        rows: &[(f64, f64, f64, f64)],
        total: f64,
    ) -> f64 {
        let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
        if !p.iter().all(|v| v.is_finite() && *v > 0.0) {
            return f64::NEG_INFINITY;
        }
        let m = BetaGeoBetaBinom {
            alpha: p[0],
            beta: p[1],
            gamma: p[2],
            delta: p[3],
        };
        let (a, b, g, d) = (p[0], p[1], p[2], p[3]);
        let (psi_ab, psi_a, psi_b) = (digamma(a + b), digamma(a), digamma(b));
        let (psi_gd, psi_g, psi_d) = (digamma(g + d), digamma(g), digamma(d));
        let mut ll = 0.0;
        let mut dsum = [0.0f64; 4];
        for &(x, tx, n, w) in rows {
            let terms = m.log_terms(x, tx, n);
            let l = log_sum_exp(&terms);
            ll += w * l;
            for (j, &term) in terms.iter().enumerate() {
                let weight = w * (term - l).exp();
                // Beta arguments of this term: B(a+x, b+k) and B(g+gp, d+h).
                let (k, gp, h) = if j == 0 {
                    (n - x, 0.0, n)
                } else {
                    let i = (j - 1) as f64;
                    (tx - x + i, 1.0, tx + i)
                };
                let psi_abk = digamma(a + b + x + k);
                let psi_gdh = digamma(g + gp + d + h);
                dsum[0] += weight * (digamma(a + x) - psi_abk - psi_a + psi_ab);
                dsum[1] += weight * (digamma(b + k) - psi_abk - psi_b + psi_ab);
                dsum[2] += weight * (digamma(g + gp) - psi_gdh - psi_g + psi_gd);
                dsum[3] += weight * (digamma(d + h) - psi_gdh - psi_d + psi_gd);
            }
        }
        for j in 0..4 {
            grad[j] = dsum[j] * p[j] / total;
        }
        ll / total
    }

    /// Fits the model by maximum likelihood on rows with weights (the
    /// number of customers with each pattern).
    ///
    /// # Errors
    /// As [`validate`] and [`super::data::validate_weights`].
    pub fn fit(
        x: &[f64],
        t_x: &[f64],
        n: &[f64],
        weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<BetaGeoBetaBinomFit> {
        validate(x, t_x, n)?;
        if let Some(w) = weights {
            super::data::validate_weights(w, x.len())?;
        }
        // Identical patterns merge into one weighted row.
        let mut merged = std::collections::BTreeMap::<(u64, u64, u64), f64>::new();
        for i in 0..x.len() {
            let w = weights.map_or(1.0, |w| w[i]);
            if w > 0.0 {
                let key = (
                    (x[i] + 0.0).to_bits(),
                    (t_x[i] + 0.0).to_bits(),
                    (n[i] + 0.0).to_bits(),
                );
                *merged.entry(key).or_insert(0.0) += w;
            }
        }
        let rows: Vec<(f64, f64, f64, f64)> = merged
            .into_iter()
            .map(|((a, b, c), w)| (f64::from_bits(a), f64::from_bits(b), f64::from_bits(c), w))
            .collect();
        let total: f64 = rows.iter().map(|r| r.3).sum();
        let f =
            |theta: &[f64], grad: &mut [f64]| Self::mean_log_likelihood(theta, grad, &rows, total);
        let names = ["alpha", "beta", "gamma", "delta"];
        let boundary = |p: &[f64]| extreme_parameter(&names, p);
        let report = run_fit(
            "BG/BB",
            &names,
            &f,
            &[1.0, 1.0, 1.0, 1.0],
            total,
            rows.len(),
            options,
            &boundary,
        )?;
        let p = &report.params;
        Ok(BetaGeoBetaBinomFit {
            model: BetaGeoBetaBinom {
                alpha: p[0],
                beta: p[1],
                gamma: p[2],
                delta: p[3],
            },
            report,
        })
    }
}

/// `δ/(γ-1) [f(n) - f(n+n*)]` with `f(k) = Γ(1+δ+k)/Γ(γ+δ+k)`, the bracket
/// of FHS 2010 eq. 13, summed as `δ Σ_{k=n}^{n+n*-1} Γ(1+δ+k)/Γ(γ+δ+k+1)`
/// (the difference telescopes), which stays finite at `γ = 1` where the
/// closed form is 0/0.
fn telescoped_bracket(g: f64, d: f64, n: f64, n_star: f64) -> f64 {
    let mut sum = 0.0;
    let mut k = n;
    while k < n + n_star {
        sum += (ln_gamma(d + k + 1.0) - ln_gamma(g + d + k + 1.0)).exp();
        k += 1.0;
    }
    d * sum
}

/// Checks a number of periods: a whole number `>= 0`.
fn check_periods(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            v,
            "a whole number of periods >= 0",
        ))
    }
}
