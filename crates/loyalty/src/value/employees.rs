//! Employees: the cost of turnover and the value of keeping people.
//!
//! The cost of a separation is given either as a share of salary or
//! itemised. Published estimates of replacement cost range from about 0.2 to
//! 2 annual salaries, rising with the role's skill. The items are hiring,
//! training, the vacancy, and the productivity lost while a new hire ramps
//! up, from a tenure-productivity vector.

use serde::{Deserialize, Serialize};

use super::buildup::{profit_buildup, ProfitBuildup};
use super::clv::RetentionCurve;
use super::{check_non_negative, check_probability};
use crate::error::{check_finite, Error, Result};

/// Cost of turnover in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnoverCost {
    /// Expected separations: headcount × turnover rate.
    pub separations: f64,
    /// Cost of one separation.
    pub cost_per_separation: f64,
    /// separations × cost per separation.
    pub total: f64,
}

/// Computes the cost of turnover with the cost of a separation as a share
/// of salary: `headcount · turnover_rate · salary · cost_share`.
///
/// `turnover_rate` is separations per head in the period of `salary` (an
/// annual rate with annual salaries). It may exceed 1 where jobs turn over
/// more than once a year.
///
/// # Errors
/// [`Error::InvalidParameter`] for a negative or non-finite input.
///
/// # Examples
/// ```
/// use loyalty::value::turnover_cost;
/// let c = turnover_cost(1000.0, 0.16, 50_000.0, 0.5).unwrap();
/// assert!((c.total - 4_000_000.0).abs() < 1e-6);
/// ```
pub fn turnover_cost(
    headcount: f64,
    turnover_rate: f64,
    salary: f64,
    cost_share: f64,
) -> Result<TurnoverCost> {
    check_non_negative("headcount", headcount)?;
    check_non_negative("turnover_rate", turnover_rate)?;
    check_non_negative("salary", salary)?;
    check_non_negative("cost_share", cost_share)?;
    let separations = headcount * turnover_rate;
    let cost_per_separation = salary * cost_share;
    Ok(TurnoverCost {
        separations,
        cost_per_separation,
        total: separations * cost_per_separation,
    })
}

/// Itemised cost of one separation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemisedTurnoverCost {
    /// Recruiting: advertising, agency fees, interviews, onboarding admin.
    pub hiring: f64,
    /// Training of the new hire.
    pub training: f64,
    /// Exit costs: administration, severance.
    pub separation: f64,
    /// Periods the post stays empty.
    pub vacancy_periods: f64,
    /// Value of a fully productive employee per period (salary is a common
    /// lower bound).
    pub value_per_period: f64,
    /// Productivity of a new hire in each ramp-up period as a share of full
    /// productivity, e.g. `[0.25, 0.5, 0.75]` for three periods.
    pub ramp_up_productivity: Vec<f64>,
}

impl ItemisedTurnoverCost {
    /// Productivity lost while ramping up: `Σ_t (1 − p_t) · value_per_period`.
    pub fn ramp_up_loss(&self) -> f64 {
        self.ramp_up_productivity
            .iter()
            .map(|p| (1.0 - p) * self.value_per_period)
            .sum()
    }

    /// Output lost while the post is empty.
    pub fn vacancy_loss(&self) -> f64 {
        self.vacancy_periods * self.value_per_period
    }

    /// Total cost of one separation.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite item, or a
    /// productivity outside [0, 1].
    pub fn total(&self) -> Result<f64> {
        check_non_negative("hiring", self.hiring)?;
        check_non_negative("training", self.training)?;
        check_non_negative("separation", self.separation)?;
        check_non_negative("vacancy_periods", self.vacancy_periods)?;
        check_non_negative("value_per_period", self.value_per_period)?;
        check_finite("ramp_up_productivity", &self.ramp_up_productivity)?;
        for p in &self.ramp_up_productivity {
            check_probability("ramp_up_productivity", *p)?;
        }
        Ok(self.hiring
            + self.training
            + self.separation
            + self.vacancy_loss()
            + self.ramp_up_loss())
    }
}

/// Computes the cost of turnover from itemised costs per separation.
///
/// # Errors
/// As [`ItemisedTurnoverCost::total`] and [`turnover_cost`].
pub fn turnover_cost_itemised(
    headcount: f64,
    turnover_rate: f64,
    items: &ItemisedTurnoverCost,
) -> Result<TurnoverCost> {
    let per = items.total()?;
    turnover_cost(headcount, turnover_rate, per, 1.0)
}

/// Saving from lowering turnover: separations avoided times the cost per
/// separation, `headcount · (current − target) · cost_per_separation`.
///
/// # Errors
/// [`Error::InvalidParameter`] for negative inputs.
pub fn turnover_savings(
    headcount: f64,
    current_rate: f64,
    target_rate: f64,
    cost_per_separation: f64,
) -> Result<f64> {
    check_non_negative("headcount", headcount)?;
    check_non_negative("current_rate", current_rate)?;
    check_non_negative("target_rate", target_rate)?;
    check_non_negative("cost_per_separation", cost_per_separation)?;
    Ok(headcount * (current_rate - target_rate) * cost_per_separation)
}

/// Value of one hire over their tenure: hiring cost up front, then the net
/// value (output minus pay) of each year of tenure from a tenure-productivity
/// vector, weighted by the probability of still being employed.
///
/// Uses the convention of [`profit_buildup`]: year t's net value arrives at
/// the end of year t from those employed at its start, and the last value
/// holds for later years. The value of raising retention is the difference
/// of two calls with different curves.
///
/// # Errors
/// As [`profit_buildup`].
pub fn employee_value(
    hiring_cost: f64,
    net_value_by_tenure: &[f64],
    retention: &RetentionCurve,
    discount_rate: f64,
) -> Result<ProfitBuildup> {
    if !(hiring_cost.is_finite()) {
        return Err(Error::invalid_parameter(
            "hiring_cost",
            hiring_cost,
            "a finite amount",
        ));
    }
    profit_buildup(hiring_cost, net_value_by_tenure, retention, discount_rate)
}
