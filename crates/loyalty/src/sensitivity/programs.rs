//! Retention programs and win-back campaigns: what they cost, what they
//! return and when they pay back.
//!
//! A retention program raises the retention rate of the targeted members by
//! `uplift_points` in every later period (a curve's rates capped at 1) and
//! costs `cost_per_member` now.
//! Its gain per member is the difference of two lifetime values. Its
//! payback period is the first period by whose end the discounted extra
//! margin covers the cost.

use serde::{Deserialize, Serialize};

use super::elasticities::shift_rates;
use super::ValueInputs;
use crate::error::{Error, Result};
use crate::value::clv::value_curve;
use crate::value::{check_non_negative, check_probability};

/// Periods searched for a payback period when the horizon is infinite.
pub const PAYBACK_SEARCH_PERIODS: usize = 1000;

/// A retention program for a targeted segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionProgram {
    /// Members targeted.
    pub members: f64,
    /// Value inputs of a targeted member without the program (acquisition
    /// cost is ignored: the members are already acquired).
    pub base: ValueInputs,
    /// Percentage points added to each period's retention rate.
    pub uplift_points: f64,
    /// Cost per targeted member, paid now.
    pub cost_per_member: f64,
}

/// Return of a program or incentive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramResult {
    /// Lifetime value per member without it.
    pub value_without: f64,
    /// Lifetime value per member with it.
    pub value_with: f64,
    /// Value gained over all members (before cost).
    pub value_gained: f64,
    /// Total cost.
    pub cost: f64,
    /// value_gained − cost.
    pub net_value: f64,
    /// net_value / cost (`None` for a free program).
    pub roi: Option<f64>,
    /// First period by whose end the discounted gain covers the cost
    /// (`None` if not within the horizon or 1000 periods).
    pub payback_period: Option<usize>,
    /// Discounted gain per member in each period up to the payback period
    /// (or the search limit).
    pub gain_by_period: Vec<f64>,
}

/// Per-period discounted margins of a member, `periods` long (fewer under a
/// shorter horizon).
pub(crate) fn per_period_margins(inputs: &ValueInputs, periods: usize) -> Result<Vec<f64>> {
    let periods = periods.min(inputs.convention.horizon.unwrap_or(usize::MAX));
    let periods = periods.min(inputs.retention.periods().unwrap_or(usize::MAX));
    let cumulative = value_curve(
        inputs.margin,
        &inputs.retention,
        inputs.discount_rate,
        &inputs.convention,
        periods,
    )?;
    let mut out = Vec::with_capacity(cumulative.len());
    let mut previous = 0.0;
    for c in cumulative {
        out.push(c - previous);
        previous = c;
    }
    Ok(out)
}

/// Finds the payback period of an up-front `cost` against per-period gains.
pub(crate) fn payback_of(cost: f64, gains: &[f64]) -> (Option<usize>, Vec<f64>) {
    let mut cumulative = 0.0;
    let mut listed = Vec::new();
    for (k, g) in gains.iter().enumerate() {
        cumulative += g;
        listed.push(*g);
        if cumulative >= cost {
            return (Some(k + 1), listed);
        }
    }
    (None, listed)
}

/// Computes the ROI and payback of a retention program.
///
/// # Errors
/// [`Error::InvalidParameter`] for negative members or cost, or an uplift
/// that takes a rate out of [0, 1); the errors of [`ValueInputs::value`].
pub fn retention_program(program: &RetentionProgram) -> Result<ProgramResult> {
    check_non_negative("members", program.members)?;
    check_non_negative("cost_per_member", program.cost_per_member)?;
    if !program.uplift_points.is_finite() {
        return Err(Error::invalid_parameter(
            "uplift_points",
            program.uplift_points,
            "a finite number of points",
        ));
    }
    let mut base = program.base.clone();
    base.acquisition_cost = 0.0;
    let mut improved = base.clone();
    improved.retention = shift_rates(&base, program.uplift_points)?;
    let value_without = base.value()?;
    let value_with = improved.value()?;
    let before = per_period_margins(&base, PAYBACK_SEARCH_PERIODS)?;
    let after = per_period_margins(&improved, PAYBACK_SEARCH_PERIODS)?;
    let gains: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let (payback_period, gain_by_period) = payback_of(program.cost_per_member, &gains);
    let value_gained = program.members * (value_with - value_without);
    let cost = program.members * program.cost_per_member;
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

/// A win-back campaign to former members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinBack {
    /// Former members contacted.
    pub former_members: f64,
    /// Probability that a contacted former member returns.
    pub win_back_rate: f64,
    /// Cost per contact.
    pub cost_per_contact: f64,
    /// Value inputs of a returning member (often a lower retention than
    /// first-time members; acquisition cost is ignored).
    pub returning: ValueInputs,
}

/// Value of a win-back campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinBackResult {
    /// Lifetime value of a returning member.
    pub value_per_returner: f64,
    /// win_back_rate · value_per_returner − cost_per_contact.
    pub value_per_contact: f64,
    /// value_per_contact · former_members.
    pub net_value: f64,
    /// Total cost of the contacts.
    pub cost: f64,
    /// net_value / cost (`None` when contacts are free).
    pub roi: Option<f64>,
    /// Win-back rate at which the campaign breaks even: cost / value.
    pub break_even_rate: f64,
}

/// Computes the value of winning back former members.
///
/// # Errors
/// [`Error::InvalidParameter`] for a rate outside [0, 1] or negative
/// counts or costs; the errors of [`ValueInputs::value`].
pub fn win_back(campaign: &WinBack) -> Result<WinBackResult> {
    check_non_negative("former_members", campaign.former_members)?;
    check_probability("win_back_rate", campaign.win_back_rate)?;
    check_non_negative("cost_per_contact", campaign.cost_per_contact)?;
    let mut returning = campaign.returning.clone();
    returning.acquisition_cost = 0.0;
    let value_per_returner = returning.value()?;
    let value_per_contact = campaign.win_back_rate * value_per_returner - campaign.cost_per_contact;
    let cost = campaign.former_members * campaign.cost_per_contact;
    let net_value = campaign.former_members * value_per_contact;
    Ok(WinBackResult {
        value_per_returner,
        value_per_contact,
        net_value,
        cost,
        roi: (cost > 0.0).then(|| net_value / cost),
        break_even_rate: campaign.cost_per_contact / value_per_returner,
    })
}
