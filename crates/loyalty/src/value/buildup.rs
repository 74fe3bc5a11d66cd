//! Reichheld's profit build-up by year of tenure (Reichheld & Sasser 1990,
//! "Zero defections: quality comes to services", Harvard Business Review;
//! Reichheld 1996, "The Loyalty Effect"). An acquisition cost is paid up
//! front. Then a yearly profit grows with tenure from base profit, revenue
//! growth, operating cost savings, referrals and price premium.
//!
//! # Convention
//! ```text
//! value = −AC + Σ_{t=1..∞} p_t · S(t−1) / (1+i)^t
//! ```
//! The acquisition cost `AC` is paid at time 0. Year t's profit `p_t` arrives
//! at the end of year t from the members present at the start of year t
//! (survival `S(t−1)`, `r^(t−1)` under a constant retention). The last given
//! year's profit applies to all later years. A vector retention curve of
//! length L values L years only.

use serde::{Deserialize, Serialize};

use super::clv::{discounted_lifetime, ClvConvention, RetentionCurve};
use super::{check_discount, check_number};
use crate::error::{check_finite, check_not_empty, Error, Result};

/// One source of profit by year of tenure, e.g. "referrals".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildupComponent {
    /// Name of the source.
    pub name: String,
    /// Profit per member in years 1, 2, ... (the last value applies to later years).
    pub by_year: Vec<f64>,
}

/// One year of the build-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildupYear {
    /// Year of tenure, from 1.
    pub year: usize,
    /// Profit of a member present in that year.
    pub profit: f64,
    /// Share of the acquired members present at the start of the year.
    pub survival: f64,
    /// Present value of the year's expected profit.
    pub present_value: f64,
    /// Present value of all years so far, net of the acquisition cost.
    pub cumulative: f64,
}

/// The profit build-up of one acquired member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitBuildup {
    /// Net present value per acquired member (after the acquisition cost).
    pub value: f64,
    /// Acquisition cost at time 0.
    pub acquisition_cost: f64,
    /// The years with given profits.
    pub years: Vec<BuildupYear>,
    /// Present value of the years after the last given one.
    pub tail_value: f64,
    /// Present value of each component over the whole horizon (empty when
    /// only a total profit was given).
    pub components: Vec<(String, f64)>,
    /// First year whose cumulative present value is >= 0, if any among the
    /// given years.
    pub payback_year: Option<usize>,
}

impl ProfitBuildup {
    /// Net present value of a cohort of `members` acquired members.
    pub fn cohort_value(&self, members: f64) -> f64 {
        self.value * members
    }
}

/// Computes the profit build-up from total profit by year.
///
/// # Errors
/// [`Error::Empty`] for no years, [`Error::NotFinite`] for non-finite
/// profits, and the errors of [`discounted_lifetime`] for the curve and rate.
///
/// # Examples
/// ```
/// use loyalty::value::{profit_buildup, RetentionCurve};
/// // One year only (then the same profit forever), r = 0.8, i = 0.1:
/// // value = -50 + 40/(1.1 - 0.8).
/// let b = profit_buildup(50.0, &[40.0], &RetentionCurve::Constant(0.8), 0.1).unwrap();
/// assert!((b.value - (-50.0 + 40.0 / 0.3)).abs() < 1e-9);
/// ```
pub fn profit_buildup(
    acquisition_cost: f64,
    profit_by_year: &[f64],
    retention: &RetentionCurve,
    discount_rate: f64,
) -> Result<ProfitBuildup> {
    check_not_empty("profit_by_year", profit_by_year.len())?;
    check_finite("profit_by_year", profit_by_year)?;
    check_number("acquisition_cost", acquisition_cost)?;
    check_discount("discount_rate", discount_rate)?;
    retention.check()?;
    let i = discount_rate;
    let given_years = match retention.periods() {
        Some(len) if len < profit_by_year.len() => {
            return Err(Error::invalid_parameter(
                "profit_by_year",
                format!("{} years", profit_by_year.len()),
                format!("at most the length of the retention curve ({len} years)"),
            ))
        }
        _ => profit_by_year.len(),
    };
    let survival = retention.survival_points(given_years)?;
    let mut years = Vec::with_capacity(given_years);
    let mut cumulative = -acquisition_cost;
    let mut payback_year = None;
    for t in 1..=given_years {
        let present_value = profit_by_year[t - 1] * survival[t - 1] / (1.0 + i).powi(t as i32);
        cumulative += present_value;
        if payback_year.is_none() && cumulative >= 0.0 {
            payback_year = Some(t);
        }
        years.push(BuildupYear {
            year: t,
            profit: profit_by_year[t - 1],
            survival: survival[t - 1],
            present_value,
            cumulative,
        });
    }
    let tail_weight = tail_weight(retention, i, given_years)?;
    let last = profit_by_year[given_years - 1];
    let tail_value = last * tail_weight;
    Ok(ProfitBuildup {
        value: cumulative + tail_value,
        acquisition_cost,
        years,
        tail_value,
        components: Vec::new(),
        payback_year,
    })
}

/// `Σ_{t>given_years} S(t−1)/(1+i)^t`: the present value of 1 a year after the
/// given years (0 for a vector curve, which ends there).
fn tail_weight(retention: &RetentionCurve, i: f64, given_years: usize) -> Result<f64> {
    if retention.periods().is_some() {
        return Ok(0.0);
    }
    // Σ_{t>=1} S(t−1)/(1+i)^(t−1) is the start-of-period lifetime.
    let all = discounted_lifetime(retention, i, &ClvConvention::start())?;
    let head = discounted_lifetime(
        retention,
        i,
        &ClvConvention::start().with_horizon(given_years),
    )?;
    Ok((all - head) / (1.0 + i))
}

/// Computes the profit build-up from named components (base profit, revenue
/// growth, cost savings, referrals, price premium, ...) summed by year.
/// Each component's last value applies to later years.
///
/// # Errors
/// As [`profit_buildup`]; [`Error::Empty`] for no components.
pub fn profit_buildup_components(
    acquisition_cost: f64,
    components: &[BuildupComponent],
    retention: &RetentionCurve,
    discount_rate: f64,
) -> Result<ProfitBuildup> {
    check_not_empty("components", components.len())?;
    for c in components {
        check_not_empty(&format!("component {:?}", c.name), c.by_year.len())?;
        check_finite(&format!("component {:?}", c.name), &c.by_year)?;
    }
    let years = components
        .iter()
        .map(|c| c.by_year.len())
        .max()
        .unwrap_or(0);
    let extended = |c: &BuildupComponent, t: usize| c.by_year[t.min(c.by_year.len() - 1)];
    let total: Vec<f64> = (0..years)
        .map(|t| components.iter().map(|c| extended(c, t)).sum())
        .collect();
    let mut result = profit_buildup(acquisition_cost, &total, retention, discount_rate)?;
    let tail = tail_weight(retention, discount_rate, years)?;
    for c in components {
        let mut pv = 0.0;
        for (t, year) in result.years.iter().enumerate() {
            pv += extended(c, t) * year.survival / (1.0 + discount_rate).powi(year.year as i32);
        }
        pv += extended(c, years - 1) * tail;
        result.components.push((c.name.clone(), pv));
    }
    Ok(result)
}
