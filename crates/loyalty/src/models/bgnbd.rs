//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way:
//! an alternative to the Pareto/NBD model", Marketing Science 24(2)) and
//! MBG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical validation and
//! comparison of models for customer base analysis", IJRM 24(3), with the
//! erratum of Wagner & Hoppe 2008).
//!
//! While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α).
//! After each repeat purchase (BG/NBD), or also at time 0 (MBG/NBD), the
//! customer drops out with probability p ~ Beta(a, b).
//!
//! # Likelihood (FHL 2005 eq. 6; Batislam et al. 2007 appendix)
//! ```text
//! BG/NBD  L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r)
//!             · [(α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x)]
//! MBG/NBD L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / Γ(r)
//!             · [(α+T)^-(r+x) + a/(b+x) (α+t_x)^-(r+x)]
//! ```
//! The bracket is a log-sum-exp of its two terms, so `x` in the thousands
//! neither underflows nor overflows.
//!
//! # P(alive) convention
//! Under BG/NBD a customer can drop out only right after a repeat purchase,
//! so a customer with `x = 0` is alive with probability exactly 1. MBG/NBD
//! allows dropout at time 0 and gives such a customer P(alive) < 1.

use serde::{Deserialize, Serialize};

use super::data::{validate, Summary};
use super::fit::{extreme_parameter, run_fit, FitOptions, FitReport};
use super::special::{digamma, ln_beta, ln_gamma, log_add_exp};
use crate::error::{Error, Result};

/// Member of the beta-geometric family: BG/NBD or MBG/NBD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// BG/NBD: dropout only after a repeat purchase.
    BgNbd,
    /// MBG/NBD: dropout also possible at time 0.
    MbgNbd,
}

impl Variant {
    /// Display name of the model.
    pub fn name(self) -> &'static str {
        match self {
            Variant::BgNbd => "BG/NBD",
            Variant::MbgNbd => "MBG/NBD",
        }
    }

    /// Offset `k` of the beta terms: `B(a, b + x + k)`, `a/(b + x + k - 1)`.
    fn k(self) -> f64 {
        match self {
            Variant::BgNbd => 0.0,
            Variant::MbgNbd => 1.0,
        }
    }

    /// Reports whether the likelihood has a dropout term for `x` repeats.
    fn has_dropout_term(self, x: f64) -> bool {
        self == Variant::MbgNbd || x > 0.0
    }
}

/// A BG/NBD or MBG/NBD model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetaGeo {
    /// Shape of the Gamma purchase-rate distribution.
    pub r: f64,
    /// Scale of the Gamma purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the Beta dropout distribution.
    pub a: f64,
    /// Second shape of the Beta dropout distribution.
    pub b: f64,
    /// BG/NBD or MBG/NBD.
    pub variant: Variant,
}

/// A fitted model with its fit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetaGeoFit {
    /// The model at the fitted parameters.
    pub model: BetaGeo,
    /// Fit report: convergence, standard errors and log-likelihood.
    pub report: FitReport,
}

impl BetaGeo {
    /// Builds a model from parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and > 0.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64, variant: Variant) -> Result<Self> {
        for (name, v) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid_parameter(name, v, "a finite number > 0"));
            }
        }
        Ok(BetaGeo {
            r,
            alpha,
            a,
            b,
            variant,
        })
    }

    /// Log-likelihood of one customer, without checks.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, age: f64) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let k = self.variant.k();
        let c1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let c2 = ln_beta(a, b + x + k) - ln_beta(a, b);
        let a3 = -(r + x) * (alpha + age).ln();
        let bracket = if self.variant.has_dropout_term(x) {
            let a4 = a.ln() - (b + x + k - 1.0).ln() - (r + x) * (alpha + t_x).ln();
            log_add_exp(a3, a4)
        } else {
            a3
        };
        c1 + c2 + bracket
    }

    /// Log-likelihood of each customer.
    ///
    /// # Errors
    /// As [`validate`].
    pub fn log_likelihood_individual(
        &self,
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
    ) -> Result<Vec<f64>> {
        validate(frequency, recency, age)?;
        Ok((0..frequency.len())
            .map(|i| self.log_likelihood_one(frequency[i], recency[i], age[i]))
            .collect())
    }

    /// `ln` of the odds that the customer dropped out, `ln(P(dead)/P(alive))`
    /// (`-inf` for a BG/NBD customer with `x = 0`).
    fn log_odds_dead(&self, x: f64, t_x: f64, age: f64) -> f64 {
        if !self.variant.has_dropout_term(x) {
            return f64::NEG_INFINITY;
        }
        let k = self.variant.k();
        self.a.ln() - (self.b + x + k - 1.0).ln()
            + (self.r + x) * ((self.alpha + age).ln() - (self.alpha + t_x).ln())
    }

    /// Probability that the customer is alive at `T`, without checks.
    pub fn probability_alive_one(&self, x: f64, t_x: f64, age: f64) -> f64 {
        let lo = self.log_odds_dead(x, t_x, age);
        1.0 / (1.0 + lo.exp())
    }

    /// Probability that each customer is alive at the end of observation.
    ///
    /// # Errors
    /// As [`validate`].
    pub fn probability_alive(
        &self,
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
    ) -> Result<Vec<f64>> {
        validate(frequency, recency, age)?;
        Ok((0..frequency.len())
            .map(|i| self.probability_alive_one(frequency[i], recency[i], age[i]))
            .collect())
    }

    /// Expected repeat purchases in `(T, T + t]` of one customer, without
    /// checks (FHL 2005 eq. 10; Wagner & Hoppe 2008 for MBG/NBD).
    ///
    /// `E = C/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+k; C; z)] · P(alive)`
    /// with `C = a+b+x+k-1`, `z = t/(α+T+t)`. Euler's transformation turns
    /// the product into `(1-z)^(a-1) 2F1(C-r-x, a-1; C; z)`, whose series has
    /// small numerator parameters for any `x`.
    pub fn expected_purchases_one(&self, t: f64, x: f64, t_x: f64, age: f64) -> f64 {
        if t == 0.0 {
            return 0.0;
        }
        let k = self.variant.k();
        let c = self.a + self.b + x + k - 1.0;
        let z = t / (self.alpha + age + t);
        c * self.bracket(c, c - self.r - x, z) * self.probability_alive_one(x, t_x, age)
    }

    /// `[1 - (1-z)^(a-1) 2F1(cma, a-1; c; z)] / (a - 1)`, continuous at `a = 1`:
    /// both parts are expanded so the factor `a - 1` cancels analytically.
    fn bracket(&self, c: f64, cma: f64, z: f64) -> f64 {
        let eps = self.a - 1.0;
        let log1mz = (-z).ln_1p();
        // -[(1-z)^eps - 1]/eps
        let power_part = if (eps * log1mz).abs() < 1e-8 {
            -log1mz * (1.0 + 0.5 * eps * log1mz)
        } else {
            -(eps * log1mz).exp_m1() / eps
        };
        // [2F1(cma, eps; c; z) - 1]/eps, summed with the leading factor eps removed.
        let mut term = cma / c * z;
        let mut sum = term;
        let mut j = 1.0;
        while j < 1e7 {
            term *= (cma + j) * (eps + j) / ((c + j) * (j + 1.0)) * z;
            let next = sum + term;
            if next == sum || term == 0.0 {
                break;
            }
            sum = next;
            j += 1.0;
        }
        power_part - (eps * log1mz).exp() * sum
    }

    /// Expected repeat purchases of each customer in the next `t` time units.
    ///
    /// # Errors
    /// As [`validate`], and [`Error::InvalidParameter`] for `t < 0`.
    pub fn expected_purchases(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
    ) -> Result<Vec<f64>> {
        check_horizon(t)?;
        validate(frequency, recency, age)?;
        Ok((0..frequency.len())
            .map(|i| self.expected_purchases_one(t, frequency[i], recency[i], age[i]))
            .collect())
    }

    /// Expected repeat purchases in `(0, t]` of a new customer (FHL 2005
    /// eq. 9; for MBG/NBD `b/(a-1)[1 - (α/(α+t))^r 2F1(r, b+1; a+b; z)]`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `t < 0` or not finite.
    pub fn expected_purchases_new_customer(&self, t: f64) -> Result<f64> {
        check_horizon(t)?;
        if t == 0.0 {
            return Ok(0.0);
        }
        let z = t / (self.alpha + t);
        Ok(match self.variant {
            Variant::BgNbd => {
                let c = self.a + self.b - 1.0;
                c * self.bracket(c, c - self.r, z)
            }
            Variant::MbgNbd => {
                let c = self.a + self.b;
                self.b * self.bracket(c, c - self.r, z)
            }
        })
    }

    /// Probability that a new customer makes exactly `n` repeat purchases in
    /// `(0, t]` (FHL 2005 eq. 8; lifetimes' MBG/NBD form).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `t <= 0`.
    pub fn probability_of_n_purchases(&self, n: u64, t: f64) -> Result<f64> {
        check_horizon(t)?;
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let nf = n as f64;
        let k = self.variant.k();
        let log_p0 = r * (alpha / (alpha + t)).ln();
        let log_q = (t / (alpha + t)).ln();
        let log_nbd =
            |j: f64| ln_gamma(r + j) - ln_gamma(r) - ln_gamma(j + 1.0) + log_p0 + j * log_q;
        let first = (ln_beta(a, b + nf + k) - ln_beta(a, b) + log_nbd(nf)).exp();
        if self.variant == Variant::BgNbd && n == 0 {
            return Ok(first);
        }
        // P(N(t) >= n) under the NBD, as 1 - Σ_{j<n} P(N = j).
        let cdf: f64 = (0..n).map(|j| log_nbd(j as f64).exp()).sum();
        let tail = (1.0 - cdf).max(0.0);
        let second = (ln_beta(a + 1.0, b + nf + k - 1.0) - ln_beta(a, b)).exp() * tail;
        Ok(first + second)
    }

    /// Mean log-likelihood and its gradient with respect to the
    /// log-parameters `θ = ln(r, α, a, b)`.
    pub fn mean_log_likelihood(
        theta: &[f64],
        grad: &mut [f64],
        data: &Summary,
        variant: Variant,
    ) -> f64 {
        let (r, alpha, a, b) = (
            theta[0].exp(),
            theta[1].exp(),
            theta[2].exp(),
            theta[3].exp(),
        );
        if ![r, alpha, a, b].iter().all(|v| v.is_finite() && *v > 0.0) {
            return f64::NEG_INFINITY;
        }
        let k = variant.k();
        let ln_alpha = alpha.ln();
        let (psi_r, lg_r) = (digamma(r), ln_gamma(r));
        let (psi_ab, psi_b) = (digamma(a + b), digamma(b));
        let lb_ab = ln_beta(a, b);
        let ln_a = a.ln();
        let ln_times: Vec<f64> = data.times.iter().map(|t| (alpha + t).ln()).collect();
        let inv_times: Vec<f64> = data.times.iter().map(|t| 1.0 / (alpha + t)).collect();
        let mut total = 0.0;
        let mut g = [0.0f64; 4];
        for &(x, start, end) in &data.groups {
            let rx = r + x;
            let c1 = ln_gamma(rx) - lg_r + r * ln_alpha;
            let dc1_dr = digamma(rx) - psi_r + ln_alpha;
            let bx = b + x + k;
            let psi_abx = digamma(a + bx);
            let c2 = ln_beta(a, bx) - lb_ab;
            let dc2_da = psi_ab - psi_abx;
            let dc2_db = psi_ab + digamma(bx) - psi_b - psi_abx;
            let dropout = variant.has_dropout_term(x);
            let k4 = if dropout { ln_a - (bx - 1.0).ln() } else { 0.0 };
            let dk4_db = if dropout { -1.0 / (bx - 1.0) } else { 0.0 };
            let (mut s_w, mut s_ll, mut s_lnt, mut s_lntx) = (0.0, 0.0, 0.0, 0.0);
            let (mut s_invt, mut s_invtx, mut s_w4) = (0.0, 0.0, 0.0);
            for i in start..end {
                let w = data.weight[i];
                let ti = data.t_index[i] as usize;
                let (ln_at, inv_at) = (ln_times[ti], inv_times[ti]);
                let a3 = -rx * ln_at;
                if dropout {
                    let txi = data.t_x_index[i] as usize;
                    let (ln_atx, inv_atx) = (ln_times[txi], inv_times[txi]);
                    let a4 = k4 - rx * ln_atx;
                    let (ll, w4) = if a3 > a4 {
                        let e = (a4 - a3).exp();
                        (a3 + e.ln_1p(), e / (1.0 + e))
                    } else {
                        let e = (a3 - a4).exp();
                        (a4 + e.ln_1p(), 1.0 / (1.0 + e))
                    };
                    let w3 = 1.0 - w4;
                    s_ll += w * ll;
                    s_lnt += w * w3 * ln_at;
                    s_lntx += w * w4 * ln_atx;
                    s_invt += w * w3 * inv_at;
                    s_invtx += w * w4 * inv_atx;
                    s_w4 += w * w4;
                } else {
                    s_ll += w * a3;
                    s_lnt += w * ln_at;
                    s_invt += w * inv_at;
                }
                s_w += w;
            }
            total += s_w * (c1 + c2) + s_ll;
            g[0] += s_w * dc1_dr - s_lnt - s_lntx;
            g[1] += s_w * r / alpha - rx * (s_invt + s_invtx);
            g[2] += s_w * dc2_da + s_w4 / a;
            g[3] += s_w * dc2_db + s_w4 * dk4_db;
        }
        let n = data.total_weight;
        let p = [r, alpha, a, b];
        for j in 0..4 {
            grad[j] = g[j] * p[j] / n;
        }
        total / n
    }

    /// Fits the model by maximum likelihood.
    ///
    /// The fit is flagged as on the boundary when the mean dropout
    /// probability `a/(a+b)` falls below 1e-4. That happens when no customer
    /// shows evidence of dropout (every repeat buyer bought at the very end).
    /// The likelihood then rises towards the plain NBD as `a -> 0` and
    /// `b -> ∞`, and every P(alive) is about 1.
    ///
    /// # Errors
    /// [`Error::Degenerate`] when no customer made a repeat purchase, or the
    /// likelihood is not finite at the start.
    pub fn fit(data: &Summary, variant: Variant, options: &FitOptions) -> Result<BetaGeoFit> {
        if data.groups.iter().all(|&(x, _, _)| x == 0.0) {
            return Err(Error::Degenerate {
                what: format!("{} data", variant.name()),
                reason: "no customer made a repeat purchase, so the purchase rate is not \
                         identified; use a longer observation window"
                    .into(),
            });
        }
        let mean_t = data
            .t
            .iter()
            .zip(&data.weight)
            .map(|(t, w)| t * w)
            .sum::<f64>()
            / data.total_weight;
        let start = [1.0, mean_t.max(1e-3), 1.0, 1.0];
        let f =
            |theta: &[f64], grad: &mut [f64]| Self::mean_log_likelihood(theta, grad, data, variant);
        let names = ["r", "alpha", "a", "b"];
        let boundary = |p: &[f64]| {
            if p[2] / (p[2] + p[3]) < 1e-4 {
                Some(format!(
                    "the mean dropout probability a/(a+b) = {:.2e} is on the boundary 0: no \
                     customer shows evidence of dropout (every repeat buyer bought near the end \
                     of observation), so a and b are not identified and P(alive) is about 1 \
                     for everyone; observe longer or fit a model without dropout (NBD)",
                    p[2] / (p[2] + p[3])
                ))
            } else {
                extreme_parameter(&names, p)
            }
        };
        let report = run_fit(
            variant.name(),
            &names,
            &f,
            &start,
            data.total_weight,
            data.len(),
            options,
            &boundary,
        )?;
        let p = &report.params;
        Ok(BetaGeoFit {
            model: BetaGeo {
                r: p[0],
                alpha: p[1],
                a: p[2],
                b: p[3],
                variant,
            },
            report,
        })
    }
}

/// Checks a prediction horizon `t >= 0`.
pub(crate) fn check_horizon(t: f64) -> Result<()> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "t",
            t,
            "a finite horizon >= 0 in the data's time unit",
        ))
    }
}
