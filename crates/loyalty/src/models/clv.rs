//! Customer lifetime value from a transaction model and the Gamma-Gamma
//! spend model, with margin, horizon, period length and discounting stated.
//!
//! # Convention
//! The horizon is `horizon` periods of `period_length` time units of the
//! data (weeks for CDNOW; 4.345 weeks make a month). Each period's value is
//! the margin times the expected spend per transaction times the expected
//! transactions IN that period, `E(k·L) - E((k-1)·L)`, never the cumulative
//! count (summing cumulative counts double-counts early purchases).
//! - `Discrete`: period k is discounted by `(1 + d)^-k`, d per period
//!   (lifetimes' `customer_lifetime_value` convention).
//! - `Continuous`: a transaction at time t is discounted by `exp(-d t / L)`,
//!   d a continuous rate per period; the integral is taken by the midpoint
//!   rule over 32 steps per period.

use serde::{Deserialize, Serialize};

use super::bgnbd::BetaGeo;
use super::gamma_gamma::GammaGamma;
use super::pareto::ParetoNbd;
use crate::error::{check_same_len, Error, Result};

/// How future transactions are discounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discounting {
    /// `(1 + d)^-k` for period k.
    Discrete,
    /// `exp(-d t / L)` at time t.
    Continuous,
}

impl Discounting {
    /// Parses "discrete" or "continuous".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "discrete" => Ok(Discounting::Discrete),
            "continuous" => Ok(Discounting::Continuous),
            other => Err(Error::invalid_parameter(
                "discounting",
                format!("{other:?}"),
                "\"discrete\" or \"continuous\"",
            )),
        }
    }
}

/// The stated assumptions of a CLV computation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvOptions {
    /// Number of periods.
    pub horizon: usize,
    /// Length of a period in the data's time unit.
    pub period_length: f64,
    /// Discount rate per period.
    pub discount_rate: f64,
    /// Margin as a share of spend (1.0 counts revenue).
    pub margin: f64,
    /// Discrete or continuous discounting.
    pub discounting: Discounting,
}

impl ClvOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the bad option.
    pub fn validate(&self) -> Result<()> {
        if self.horizon == 0 {
            return Err(Error::invalid_parameter(
                "horizon",
                self.horizon,
                "at least 1 period",
            ));
        }
        if !(self.period_length.is_finite() && self.period_length > 0.0) {
            return Err(Error::invalid_parameter(
                "period_length",
                self.period_length,
                "a length > 0 in the data's time unit, e.g. 4.345 weeks for a month",
            ));
        }
        if !(self.discount_rate.is_finite() && self.discount_rate >= 0.0) {
            return Err(Error::invalid_parameter(
                "discount_rate",
                self.discount_rate,
                "a finite rate >= 0 per period, e.g. 0.01 a month",
            ));
        }
        if !self.margin.is_finite() {
            return Err(Error::invalid_parameter(
                "margin",
                self.margin,
                "a finite share of spend, e.g. 0.3",
            ));
        }
        Ok(())
    }
}

/// A model of repeat transactions that predicts a customer's expected
/// transactions over the next `t` time units.
pub trait TransactionModel: Sync {
    /// Expected transactions in `(T, T + t]`, inputs already validated.
    fn expected_purchases_one(&self, t: f64, x: f64, t_x: f64, age: f64) -> f64;
}

impl TransactionModel for BetaGeo {
    fn expected_purchases_one(&self, t: f64, x: f64, t_x: f64, age: f64) -> f64 {
        BetaGeo::expected_purchases_one(self, t, x, t_x, age)
    }
}

impl TransactionModel for ParetoNbd {
    fn expected_purchases_one(&self, t: f64, x: f64, t_x: f64, age: f64) -> f64 {
        ParetoNbd::expected_purchases_one(self, t, x, t_x, age)
    }
}

/// Discounted value of a stream of transactions worth `value_per_purchase`
/// each, whose cumulative expected count over the next `t` units is
/// `expected(t)`.
pub fn discounted_value(
    expected: &dyn Fn(f64) -> f64,
    value_per_purchase: f64,
    options: &ClvOptions,
) -> f64 {
    let length = options.period_length;
    let d = options.discount_rate;
    let mut total = 0.0;
    let mut previous = 0.0;
    match options.discounting {
        Discounting::Discrete => {
            for k in 1..=options.horizon {
                let current = expected(k as f64 * length);
                total += (current - previous) / (1.0 + d).powi(k as i32);
                previous = current;
            }
        }
        Discounting::Continuous => {
            const STEPS: usize = 32;
            let h = length / STEPS as f64;
            for j in 1..=options.horizon * STEPS {
                let t = j as f64 * h;
                let current = expected(t);
                total += (current - previous) * (-d * (t - 0.5 * h) / length).exp();
                previous = current;
            }
        }
    }
    total * value_per_purchase
}

/// CLV of each customer: margin × expected spend (Gamma-Gamma) × discounted
/// expected transactions over the horizon.
///
/// # Errors
/// As [`super::data::validate`] and [`super::gamma_gamma::validate`], and
/// [`Error::InvalidParameter`] for bad options.
#[allow(clippy::too_many_arguments)]
pub fn customer_lifetime_value(
    transactions: &dyn TransactionModel,
    spend: &GammaGamma,
    frequency: &[f64],
    recency: &[f64],
    age: &[f64],
    monetary_value: &[f64],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    options.validate()?;
    super::data::validate(frequency, recency, age)?;
    check_same_len(
        "frequency",
        frequency.len(),
        "monetary_value",
        monetary_value.len(),
    )?;
    let spend_values = spend.expected_spend(frequency, monetary_value)?;
    Ok((0..frequency.len())
        .map(|i| {
            let expected =
                |t: f64| transactions.expected_purchases_one(t, frequency[i], recency[i], age[i]);
            discounted_value(&expected, options.margin * spend_values[i], options)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discrete_discounting_counts_each_period_once() {
        // lifetimes#27 and others summed cumulative counts; with E(t) = 0.1 t
        // per day, 10 per purchase, 1% a month, 12 months of 30.4375 days the
        // value is 342.57642059918845 (arithmetic: Σ 30.4375 / 1.01^k).
        let options = ClvOptions {
            horizon: 12,
            period_length: 30.4375,
            discount_rate: 0.01,
            margin: 1.0,
            discounting: Discounting::Discrete,
        };
        let got = discounted_value(&|t| 0.1 * t, 10.0, &options);
        assert!((got - 342.57642059918845).abs() < 1e-6, "{got}");
        let thirty = ClvOptions {
            period_length: 30.0,
            ..options
        };
        let got30 = discounted_value(&|t| 0.1 * t, 10.0, &thirty);
        assert!((got30 - 337.65232420453896).abs() < 1e-6, "{got30}");
    }

    #[test]
    fn continuous_discounting_matches_integral() {
        // ∫_0^{12} e^{-0.01 t} dt for a rate of 1 per period.
        let options = ClvOptions {
            horizon: 12,
            period_length: 1.0,
            discount_rate: 0.01,
            margin: 1.0,
            discounting: Discounting::Continuous,
        };
        let got = discounted_value(&|t| t, 1.0, &options);
        let exact = (1.0 - (-0.12f64).exp()) / 0.01;
        assert!((got - exact).abs() < 1e-6, "{got} vs {exact}");
    }
}
