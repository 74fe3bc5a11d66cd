//! Customer equity over cohorts and the residual value of the current base.
//!
//! - Customer equity (Gupta, Lehmann & Stuart 2004, "Valuing customers",
//!   J. Marketing Research 41(1)): the sum over cohorts acquired now and in
//!   later periods of their members' lifetime value net of acquisition cost,
//!   each cohort discounted to now.
//! - Residual value of the base (Fader & Hardie 2010, "Customer-base
//!   valuation in a contractual setting: the perils of ignoring
//!   heterogeneity", Marketing Science 29(1)): the sum over current members
//!   of their discounted expected residual lifetime (DERL) under the sBG model,
//!   next to the value that one aggregate retention rate gives. The aggregate
//!   rate ignores that the members who remain are the more loyal ones, so it
//!   understates the residual value.

use serde::{Deserialize, Serialize};

use super::clv::{discounted_lifetime, ClvConvention, RetentionCurve};
use super::{check_non_negative, check_number, check_retention};
use crate::error::{check_finite, check_not_empty, Error, Result};
use crate::models::sbg;

/// A cohort of members acquired at the start of period `period` (0 = now).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// Period of acquisition, 0 for now.
    pub period: usize,
    /// Members acquired.
    pub members: f64,
    /// Acquisition cost per acquired member, paid at acquisition.
    pub acquisition_cost: f64,
}

/// Value of one cohort within [`CustomerEquity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortValue {
    /// Period of acquisition.
    pub period: usize,
    /// Members acquired.
    pub members: f64,
    /// Lifetime value per member at acquisition (before acquisition cost).
    pub clv: f64,
    /// Cohort value at acquisition: `members · (clv − acquisition cost)`.
    pub value_at_acquisition: f64,
    /// The same discounted to now.
    pub present_value: f64,
}

/// Customer equity: the present value of all cohorts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerEquity {
    /// Sum of the cohorts' present values.
    pub value: f64,
    /// One row per cohort.
    pub cohorts: Vec<CohortValue>,
}

/// Computes customer equity of cohorts that share a margin, retention curve
/// and convention (Gupta, Lehmann & Stuart 2004 use margins from the start
/// of the acquisition period, [`ClvConvention::start`]).
///
/// ```text
/// CE = Σ_k n_k · (CLV − c_k) / (1+i)^(k)
/// ```
///
/// # Errors
/// [`Error::Empty`] for no cohorts, [`Error::InvalidParameter`] for negative
/// members or non-finite costs, and the errors of [`discounted_lifetime`].
pub fn customer_equity(
    cohorts: &[Cohort],
    margin: f64,
    retention: &RetentionCurve,
    discount_rate: f64,
    convention: &ClvConvention,
) -> Result<CustomerEquity> {
    check_not_empty("cohorts", cohorts.len())?;
    check_number("margin", margin)?;
    let clv = margin * discounted_lifetime(retention, discount_rate, convention)?;
    let mut rows = Vec::with_capacity(cohorts.len());
    let mut value = 0.0;
    for c in cohorts {
        check_non_negative("cohort members", c.members)?;
        check_number("cohort acquisition_cost", c.acquisition_cost)?;
        let at_acquisition = c.members * (clv - c.acquisition_cost);
        let present_value = at_acquisition / (1.0 + discount_rate).powi(c.period as i32);
        value += present_value;
        rows.push(CohortValue {
            period: c.period,
            members: c.members,
            clv,
            value_at_acquisition: at_acquisition,
            present_value,
        });
    }
    Ok(CustomerEquity {
        value,
        cohorts: rows,
    })
}

/// Residual value of a base under the sBG model: `m · Σ_k n_k · DERL(d | k renewals)`.
///
/// `members_by_renewals[k]` is the number of current members who have made
/// `k` renewals (so face their (k+1)-th renewal decision next). The margin of
/// the next renewal is counted undiscounted, as in DERL.
///
/// # Errors
/// [`Error::InvalidParameter`] for bad sBG parameters or a discount rate not
/// > 0; [`Error::Empty`] or [`Error::NotFinite`] for the counts.
pub fn residual_value_sbg(
    alpha: f64,
    beta: f64,
    discount_rate: f64,
    margin: f64,
    members_by_renewals: &[f64],
) -> Result<f64> {
    check_base(members_by_renewals)?;
    check_number("margin", margin)?;
    let mut value = 0.0;
    for (k, &n) in members_by_renewals.iter().enumerate() {
        if n > 0.0 {
            value += n * sbg::derl(alpha, beta, discount_rate, k)?;
        }
    }
    Ok(margin * value)
}

fn check_base(members_by_renewals: &[f64]) -> Result<()> {
    check_not_empty("members_by_renewals", members_by_renewals.len())?;
    check_finite("members_by_renewals", members_by_renewals)?;
    let negative: Vec<usize> = (0..members_by_renewals.len())
        .filter(|&k| members_by_renewals[k] < 0.0)
        .collect();
    if negative.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_rows(
            "members_by_renewals",
            "member counts must be >= 0",
            &negative,
            "pass the number of members by renewals made",
        ))
    }
}

/// Residual value of a base under sBG and under one aggregate retention rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateRetentionError {
    /// Members in the base.
    pub members: f64,
    /// Residual value with heterogeneity (sBG DERL by tenure).
    pub heterogeneous_value: f64,
    /// The aggregate retention rate used.
    pub aggregate_retention: f64,
    /// Residual value with the aggregate rate for every member:
    /// `m · N · r̄(1+d)/(1+d−r̄)`.
    pub aggregate_value: f64,
    /// `aggregate_value − heterogeneous_value` (negative: understated).
    pub error: f64,
    /// `error / heterogeneous_value`.
    pub relative_error: f64,
}

/// Compares the residual value of a base under the sBG model with the value
/// one aggregate retention rate gives (Fader & Hardie 2010).
///
/// Without `aggregate_retention`, the rate is the share of the base expected
/// to renew at its next decision under the same sBG model,
/// `Σ_k n_k (β+k)/(α+β+k) / Σ_k n_k`, as a firm would observe it next period.
///
/// # Errors
/// As [`residual_value_sbg`]; [`Error::InvalidParameter`] for an aggregate
/// rate outside [0, 1) and [`Error::Degenerate`] for an empty base.
pub fn aggregate_retention_error(
    alpha: f64,
    beta: f64,
    discount_rate: f64,
    margin: f64,
    members_by_renewals: &[f64],
    aggregate_retention: Option<f64>,
) -> Result<AggregateRetentionError> {
    let heterogeneous_value =
        residual_value_sbg(alpha, beta, discount_rate, margin, members_by_renewals)?;
    let members: f64 = members_by_renewals.iter().sum();
    if members <= 0.0 {
        return Err(Error::Degenerate {
            what: "customer base".into(),
            reason: "it has no members; pass positive counts".into(),
        });
    }
    let r = match aggregate_retention {
        Some(r) => {
            check_retention("aggregate_retention", r)?;
            r
        }
        None => {
            let mut renewing = 0.0;
            for (k, &n) in members_by_renewals.iter().enumerate() {
                renewing += n * sbg::retention_rate(alpha, beta, k + 1)?;
            }
            renewing / members
        }
    };
    let d = discount_rate;
    let aggregate_value = margin * members * r * (1.0 + d) / (1.0 + d - r);
    let error = aggregate_value - heterogeneous_value;
    Ok(AggregateRetentionError {
        members,
        heterogeneous_value,
        aggregate_retention: r,
        aggregate_value,
        error,
        relative_error: error / heterogeneous_value,
    })
}
