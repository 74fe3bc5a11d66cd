//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987, "Counting your
//! customers: who are they and what will they do next?", Management Science
//! 33(1)), in the form of Fader & Hardie (2005), "A note on deriving the
//! Pareto/NBD model and related expressions".
//!
//! While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α)
//! and has an exponential lifetime with rate μ ~ Gamma(s, β).
//!
//! # Likelihood (Fader & Hardie 2005 note, eq. 22)
//! ```text
//! L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) · A0 ]
//! A0 = G(t_x) - G(T),   for α >= β:
//! G(y) = (α+y)^-(r+s+x) 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+y))
//! ```
//! (and with the roles of α and β, and of `s + 1` and `r + x`, swapped for
//! α < β). Euler's transformation `2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a,
//! c-b; c; z)` with `c = a + 1` rewrites each `G(y)` as
//! ```text
//! α >= β:  G(y) = (α+y)^-(r+x) (β+y)^-s     2F1(1, r+x; r+s+x+1; (α-β)/(α+y))
//! α <  β:  G(y) = (α+y)^(1-r-x) (β+y)^-(s+1) 2F1(1, s+1; r+s+x+1; (β-α)/(β+y))
//! ```
//! so every factor is taken in logs and the remaining `2F1(1, b; c; z)` is
//! bounded by `1/(1-z)` and evaluated by [`hyp2f1_one`] (power series or
//! Gauss's continued fraction near `z = 1`). `A0` is the log-difference of
//! two such terms. This removes the overflow of `(α+T)^(r+x)` for `x` in the
//! thousands.
//!
//! The gradient is analytic: the derivatives of `2F1(1, b; c; z)` in `b`,
//! `c` and `z` are summed along its series ([`hyp2f1_one_with_gradient`]),
//! and those of `ln A0` follow from the log-difference.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bgnbd::check_horizon;
use super::data::{validate, Summary};
use super::fit::{extreme_parameter, run_fit, FitOptions, FitReport};
use super::special::{
    digamma, hyp2f1_one, hyp2f1_one_with_gradient, ln_gamma, log_add_exp, log_sub_exp,
    tricomi_u_one,
};
use crate::error::{Error, Result};

/// A Pareto/NBD model with known parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbd {
    /// Shape of the Gamma purchase-rate distribution.
    pub r: f64,
    /// Scale of the Gamma purchase-rate distribution (time unit).
    pub alpha: f64,
    /// Shape of the Gamma dropout-rate distribution.
    pub s: f64,
    /// Scale of the Gamma dropout-rate distribution (time unit).
    pub beta: f64,
}

/// A fitted Pareto/NBD model with its fit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbdFit {
    /// The model at the fitted parameters.
    pub model: ParetoNbd,
    /// Fit report: convergence, standard errors and log-likelihood.
    pub report: FitReport,
}

/// `[1 - (1 + u)^-(k)] / k` for `u >= 0`, continuous at `k = 0` (= ln(1+u)).
fn power_ratio(k: f64, u: f64) -> f64 {
    let l = u.ln_1p();
    if (k * l).abs() < 1e-8 {
        l * (1.0 - 0.5 * k * l)
    } else {
        -(-k * l).exp_m1() / k
    }
}

impl ParetoNbd {
    /// Builds a model from parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and > 0.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        for (name, v) in [("r", r), ("alpha", alpha), ("s", s), ("beta", beta)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid_parameter(name, v, "a finite number > 0"));
            }
        }
        Ok(ParetoNbd { r, alpha, s, beta })
    }

    /// `ln G(y)` of the module documentation.
    fn ln_g(&self, x: f64, y: f64) -> f64 {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let c = r + s + x + 1.0;
        if alpha >= beta {
            let z = (alpha - beta) / (alpha + y);
            -(r + x) * (alpha + y).ln() - s * (beta + y).ln() + hyp2f1_one(r + x, c, z).ln()
        } else {
            let z = (beta - alpha) / (beta + y);
            (1.0 - r - x) * (alpha + y).ln() - (s + 1.0) * (beta + y).ln()
                + hyp2f1_one(s + 1.0, c, z).ln()
        }
    }

    /// `ln G(y)` and its gradient in `(r, α, s, β)`.
    fn ln_g_with_gradient(&self, x: f64, y: f64) -> (f64, [f64; 4]) {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let c = r + s + x + 1.0;
        let (ay, by) = (alpha + y, beta + y);
        let (ln_ay, ln_by) = (ay.ln(), by.ln());
        if alpha >= beta {
            let z = (alpha - beta) / ay;
            let (f, fb, fc, fz) = hyp2f1_one_with_gradient(r + x, c, z);
            let value = -(r + x) * ln_ay - s * ln_by + f.ln();
            let grad = [
                -ln_ay + (fb + fc) / f,
                -(r + x) / ay + fz / f * by / (ay * ay),
                -ln_by + fc / f,
                -s / by - fz / f / ay,
            ];
            (value, grad)
        } else {
            let z = (beta - alpha) / by;
            let (f, fb, fc, fz) = hyp2f1_one_with_gradient(s + 1.0, c, z);
            let value = (1.0 - r - x) * ln_ay - (s + 1.0) * ln_by + f.ln();
            let grad = [
                -ln_ay + fc / f,
                (1.0 - r - x) / ay - fz / f / by,
                -ln_by + (fb + fc) / f,
                -(s + 1.0) / by + fz / f * ay / (by * by),
            ];
            (value, grad)
        }
    }

    /// Log-likelihood of one customer and its gradient in `(r, α, s, β)`.
    pub fn log_likelihood_with_gradient(&self, x: f64, t_x: f64, age: f64) -> (f64, [f64; 4]) {
        let (c, dc) = self.constant_with_gradient(x);
        self.log_likelihood_with_gradient_given(x, t_x, age, c, dc, None)
    }

    /// Computes the term `ln Γ(r+x) - ln Γ(r) + r ln α + s ln β`, which depends
    /// on the customer through `x` alone, and its gradient.
    fn constant_with_gradient(&self, x: f64) -> (f64, [f64; 4]) {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let c = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
        let dc = [
            digamma(r + x) - digamma(r) + alpha.ln(),
            r / alpha,
            beta.ln(),
            s / beta,
        ];
        (c, dc)
    }

    /// Log-likelihood and gradient given the constant term, and optionally
    /// `ln G(t_x)` and `ln G(T)` with their gradients already computed.
    #[allow(clippy::type_complexity)]
    fn log_likelihood_with_gradient_given(
        &self,
        x: f64,
        t_x: f64,
        age: f64,
        c: f64,
        dc: [f64; 4],
        ln_g: Option<((f64, [f64; 4]), (f64, [f64; 4]))>,
    ) -> (f64, [f64; 4]) {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let alive = -(r + x) * (alpha + age).ln() - s * (beta + age).ln();
        let d_alive = [
            -(alpha + age).ln(),
            -(r + x) / (alpha + age),
            -(beta + age).ln(),
            -s / (beta + age),
        ];
        if t_x >= age {
            let mut grad = [0.0; 4];
            for j in 0..4 {
                grad[j] = dc[j] + d_alive[j];
            }
            return (c + alive, grad);
        }
        let ((g1, d1), (g2, d2)) = ln_g.unwrap_or_else(|| {
            (
                self.ln_g_with_gradient(x, t_x),
                self.ln_g_with_gradient(x, age),
            )
        });
        let ratio = (g2 - g1).exp();
        let rsx = r + s + x;
        let dead = s.ln() - rsx.ln() + log_sub_exp(g1, g2);
        let mut d_dead = [0.0; 4];
        for j in 0..4 {
            d_dead[j] = (d1[j] - ratio * d2[j]) / (1.0 - ratio);
        }
        d_dead[0] -= 1.0 / rsx;
        d_dead[2] += 1.0 / s - 1.0 / rsx;
        let total = log_add_exp(alive, dead);
        let w_alive = (alive - total).exp();
        let w_dead = (dead - total).exp();
        let mut grad = [0.0; 4];
        for j in 0..4 {
            grad[j] = dc[j] + w_alive * d_alive[j] + w_dead * d_dead[j];
        }
        (c + total, grad)
    }

    /// Computes the two log-terms of the likelihood bracket: alive at `T`,
    /// and dropped out in `(t_x, T]`.
    fn log_terms(&self, x: f64, t_x: f64, age: f64) -> (f64, f64) {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let alive = -(r + x) * (alpha + age).ln() - s * (beta + age).ln();
        let dead = if t_x < age {
            let a0 = log_sub_exp(self.ln_g(x, t_x), self.ln_g(x, age));
            s.ln() - (r + s + x).ln() + a0
        } else {
            f64::NEG_INFINITY
        };
        (alive, dead)
    }

    /// Log-likelihood of one customer, without checks.
    pub fn log_likelihood_one(&self, x: f64, t_x: f64, age: f64) -> f64 {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let c = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
        let (alive, dead) = self.log_terms(x, t_x, age);
        c + log_add_exp(alive, dead)
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

    /// Probability that the customer is alive at `T`, without checks.
    pub fn probability_alive_one(&self, x: f64, t_x: f64, age: f64) -> f64 {
        let (alive, dead) = self.log_terms(x, t_x, age);
        (alive - log_add_exp(alive, dead)).exp()
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

    /// Expected repeat purchases in `(T, T + t]`, without checks (Fader &
    /// Hardie 2005 note, eq. 23):
    /// `(r+x)(β+T)/((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)] P(alive)`,
    /// continuous at `s = 1`.
    pub fn expected_purchases_one(&self, t: f64, x: f64, t_x: f64, age: f64) -> f64 {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        (r + x) / (alpha + age)
            * (beta + age)
            * power_ratio(s - 1.0, t / (beta + age))
            * self.probability_alive_one(x, t_x, age)
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

    /// Expected repeat purchases in `(0, t]` of a new customer:
    /// `rβ/(α(s-1)) [1 - (β/(β+t))^(s-1)]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `t < 0`.
    pub fn expected_purchases_new_customer(&self, t: f64) -> Result<f64> {
        check_horizon(t)?;
        Ok(self.r / self.alpha * self.beta * power_ratio(self.s - 1.0, t / self.beta))
    }

    /// Probability that a new customer makes exactly `n` repeat purchases in
    /// `(0, t]`.
    ///
    /// Given an active time `u`, purchases are NBD:
    /// `P(n | u) = Γ(r+n)/(Γ(r) n!) (α/(α+u))^r (u/(α+u))^n`. The lifetime
    /// is Lomax with survival `(β/(β+u))^s`, so
    /// `P(X(t) = n) = P(n | t) (β/(β+t))^s + ∫_0^t P(n | u) sβ^s (β+u)^-(s+1) du`.
    /// The integral is taken by 5-point Gauss-Legendre on 200 panels, whose
    /// error is far below 1e-10 for these smooth integrands; the tests check
    /// that the probabilities sum to 1 and that their mean is `E[X(t)]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `t < 0` or not finite.
    pub fn probability_of_n_purchases(&self, n: u64, t: f64) -> Result<f64> {
        check_horizon(t)?;
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let nf = n as f64;
        let ln_coef = ln_gamma(r + nf) - ln_gamma(r) - ln_gamma(nf + 1.0);
        let nbd = |u: f64| {
            if u == 0.0 {
                return if n == 0 { 1.0 } else { 0.0 };
            }
            (ln_coef + r * (alpha / (alpha + u)).ln() + nf * (u / (alpha + u)).ln()).exp()
        };
        let lomax_density = |u: f64| (s.ln() + s * beta.ln() - (s + 1.0) * (beta + u).ln()).exp();
        const NODES: [f64; 5] = [
            -0.906_179_845_938_664,
            -0.538_469_310_105_683_1,
            0.0,
            0.538_469_310_105_683_1,
            0.906_179_845_938_664,
        ];
        const WEIGHTS: [f64; 5] = [
            0.236_926_885_056_189_1,
            0.478_628_670_499_366_5,
            0.568_888_888_888_888_9,
            0.478_628_670_499_366_5,
            0.236_926_885_056_189_1,
        ];
        const PANELS: usize = 200;
        let h = t / PANELS as f64;
        let mut integral = 0.0;
        for k in 0..PANELS {
            let mid = (k as f64 + 0.5) * h;
            for (node, weight) in NODES.iter().zip(WEIGHTS) {
                let u = mid + 0.5 * h * node;
                integral += 0.5 * h * weight * nbd(u) * lomax_density(u);
            }
        }
        Ok(nbd(t) * (beta / (beta + t)).powf(s) + integral)
    }

    /// Discounted expected residual transactions with continuous discount
    /// rate `delta` per time unit (Fader, Hardie & Lee 2005, "RFM and CLV:
    /// using iso-value curves for customer base analysis", JMR 42(4), eq. 2),
    /// without checks:
    /// `DERT = P(alive) (r+x)/(α+T) (β+T) U(1, 2-s; δ(β+T))`, where
    /// `(β+T)^(1-s) δ^(s-1) Ψ(s, s; δ(β+T))` of the paper equals
    /// `(β+T) U(1, 2-s; δ(β+T))`.
    pub fn dert_one(&self, delta: f64, x: f64, t_x: f64, age: f64) -> f64 {
        let z = delta * (self.beta + age);
        self.probability_alive_one(x, t_x, age) * (self.r + x) / (self.alpha + age)
            * (self.beta + age)
            * tricomi_u_one(self.s, z)
    }

    /// DERT of each customer; see [`ParetoNbd::dert_one`].
    ///
    /// # Errors
    /// As [`validate`], and [`Error::InvalidParameter`] for a rate not > 0.
    pub fn dert(
        &self,
        continuous_discount_rate: f64,
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
    ) -> Result<Vec<f64>> {
        if !(continuous_discount_rate.is_finite() && continuous_discount_rate > 0.0) {
            return Err(Error::invalid_parameter(
                "continuous_discount_rate",
                continuous_discount_rate,
                "a finite rate > 0 per time unit of the data, e.g. ln(1.10)/52 for 10% a year \
                 on weekly data",
            ));
        }
        validate(frequency, recency, age)?;
        Ok((0..frequency.len())
            .map(|i| self.dert_one(continuous_discount_rate, frequency[i], recency[i], age[i]))
            .collect())
    }

    /// Mean log-likelihood of compressed data at log-parameters `theta`,
    /// with its gradient in `theta`.
    pub fn mean_log_likelihood(theta: &[f64], grad: &mut [f64], data: &Summary) -> f64 {
        let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
        if !p.iter().all(|v| v.is_finite() && *v > 0.0) {
            return f64::NEG_INFINITY;
        }
        let model = ParetoNbd {
            r: p[0],
            alpha: p[1],
            s: p[2],
            beta: p[3],
        };
        // Each row costs two 2F1 series and a dozen logarithms, so rows are
        // summed in parallel once there are enough of them to pay for the
        // threads. Partial sums follow the x groups and are added in order,
        // so the result does not depend on the number of threads.
        let group_sum = |&(x, start, end): &(f64, usize, usize)| {
            let (c, dc) = model.constant_with_gradient(x);
            // ln G(y) depends on the row through (x, y) only, and many rows
            // of a group share a recency or an age: compute each once.
            let mut cache: HashMap<u32, (f64, [f64; 4])> =
                HashMap::with_capacity(2 * (end - start));
            let mut total = 0.0;
            let mut g = [0.0; 4];
            for i in start..end {
                let w = data.weight[i];
                let mut ln_g = |index: u32, y: f64| {
                    *cache
                        .entry(index)
                        .or_insert_with(|| model.ln_g_with_gradient(x, y))
                };
                let (ll, d) = if data.t_x[i] >= data.t[i] {
                    model.log_likelihood_with_gradient_given(x, data.t_x[i], data.t[i], c, dc, None)
                } else {
                    let g1 = ln_g(data.t_x_index[i], data.t_x[i]);
                    let g2 = ln_g(data.t_index[i], data.t[i]);
                    model.log_likelihood_with_gradient_given(
                        x,
                        data.t_x[i],
                        data.t[i],
                        c,
                        dc,
                        Some((g1, g2)),
                    )
                };
                total += w * ll;
                for j in 0..4 {
                    g[j] += w * d[j];
                }
            }
            (total, g)
        };
        let parts: Vec<(f64, [f64; 4])> = if data.len() >= 512 {
            data.groups.par_iter().map(group_sum).collect()
        } else {
            data.groups.iter().map(group_sum).collect()
        };
        let mut total = 0.0;
        let mut g = [0.0; 4];
        for (t, d) in parts {
            total += t;
            for j in 0..4 {
                g[j] += d[j];
            }
        }
        for j in 0..4 {
            grad[j] = g[j] * p[j] / data.total_weight;
        }
        total / data.total_weight
    }

    /// Fits the model by maximum likelihood.
    ///
    /// # Errors
    /// [`Error::Degenerate`] when no customer made a repeat purchase.
    pub fn fit(data: &Summary, options: &FitOptions) -> Result<ParetoNbdFit> {
        if data.groups.iter().all(|&(x, _, _)| x == 0.0) {
            return Err(Error::Degenerate {
                what: "Pareto/NBD data".into(),
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
        let start = [1.0, mean_t.max(1e-3), 1.0, mean_t.max(1e-3)];
        let f = |theta: &[f64], grad: &mut [f64]| Self::mean_log_likelihood(theta, grad, data);
        let names = ["r", "alpha", "s", "beta"];
        let boundary = |p: &[f64]| extreme_parameter(&names, p);
        let report = run_fit(
            "Pareto/NBD",
            &names,
            &f,
            &start,
            data.total_weight,
            data.len(),
            options,
            &boundary,
        )?;
        let p = &report.params;
        Ok(ParetoNbdFit {
            model: ParetoNbd {
                r: p[0],
                alpha: p[1],
                s: p[2],
                beta: p[3],
            },
            report,
        })
    }
}
