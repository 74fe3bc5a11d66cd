//! Short-term spend for long-term loyalty: a discount or an extra service
//! given to new customers, against the retention and margin it buys.
//!
//! The incentive costs `upfront_cost` per new customer at acquisition plus
//! `cost_per_period` in each of the first `cost_periods` periods for the
//! customers still present (with the margin's timing). It changes the
//! customer's retention curve and margin to those of `with`. Its NPV per new
//! customer is `CLV(with) − CLV(without) − discounted cost`; it pays back in
//! the first period by whose end the cumulative discounted difference is >= 0.

use serde::{Deserialize, Serialize};

use super::programs::{payback_of, per_period_margins, ProgramResult, PAYBACK_SEARCH_PERIODS};
use super::ValueInputs;
use crate::error::Result;
use crate::value::check_non_negative;

/// An incentive to new customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incentive {
    /// New customers who receive it.
    pub new_customers: f64,
    /// A customer's value inputs without the incentive.
    pub without: ValueInputs,
    /// The same with the incentive (higher retention, maybe lower margin);
    /// its convention and discount rate should match `without`.
    pub with: ValueInputs,
    /// Cost per new customer at acquisition (a first-period discount).
    pub upfront_cost: f64,
    /// Cost per present customer per period (an extra service).
    pub cost_per_period: f64,
    /// Periods the per-period cost lasts.
    pub cost_periods: usize,
}

/// Alias of [`ProgramResult`]: the incentive's value bought, cost, NPV and payback.
pub type IncentiveResult = ProgramResult;

/// Computes cost, value bought, NPV, ROI and payback of an incentive.
///
/// # Errors
/// [`crate::Error::InvalidParameter`] for negative counts or costs; the errors of
/// [`ValueInputs::value`] for either set of inputs.
pub fn acquisition_incentive(incentive: &Incentive) -> Result<IncentiveResult> {
    check_non_negative("new_customers", incentive.new_customers)?;
    check_non_negative("upfront_cost", incentive.upfront_cost)?;
    check_non_negative("cost_per_period", incentive.cost_per_period)?;
    let mut without = incentive.without.clone();
    without.acquisition_cost = 0.0;
    let mut with = incentive.with.clone();
    with.acquisition_cost = 0.0;
    let value_without = without.value()?;
    let value_with = with.value()?;
    // The service cost follows the members present under the incentive, as a
    // margin of −cost_per_period for cost_periods periods would.
    let mut service = with.clone();
    service.margin = incentive.cost_per_period;
    service.convention.margin_growth = 0.0;
    let service_costs = per_period_margins(&service, incentive.cost_periods)?;
    let service_cost: f64 = service_costs.iter().sum();
    let cost_per_customer = incentive.upfront_cost + service_cost;

    let before = per_period_margins(&without, PAYBACK_SEARCH_PERIODS)?;
    let after = per_period_margins(&with, PAYBACK_SEARCH_PERIODS)?;
    let gains: Vec<f64> = (0..after.len().max(before.len()))
        .map(|k| {
            after.get(k).copied().unwrap_or(0.0)
                - before.get(k).copied().unwrap_or(0.0)
                - service_costs.get(k).copied().unwrap_or(0.0)
        })
        .collect();
    let (payback_period, gain_by_period) = payback_of(incentive.upfront_cost, &gains);
    let value_gained = incentive.new_customers * (value_with - value_without);
    let cost = incentive.new_customers * cost_per_customer;
    let net_value = value_gained - cost;
    Ok(ProgramResult {
        value_without,
        value_with,
        value_gained,
        cost,
        net_value,
        roi: (cost > 0.0).then(|| net_value / cost),
        payback_period,
        gain_by_period,
    })
}
