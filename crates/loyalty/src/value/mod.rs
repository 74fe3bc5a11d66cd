//! Value: money attached to loyalty.
//!
//! - [`clv`]: customer lifetime value under a stated convention and any
//!   retention curve (constant, sBG, empirical survival, period rates).
//! - [`buildup`]: Reichheld's profit build-up by year of tenure.
//! - [`equity`]: customer equity over cohorts, residual value of the base and
//!   the error of one aggregate retention rate for a heterogeneous base.
//! - [`employees`], [`investors`], [`suppliers`]: the other stakeholder groups.
//! - [`markov`]: brand switching and Markov customer value.
//! - [`voice`]: from NPS categories to value (value of a promoter, word of
//!   mouth, earned growth).
//!
//! Every function states its timing convention. Rates are per period, and a
//! discount rate `i` discounts a payment made `t` periods from now by
//! `(1 + i)^t`.

pub mod buildup;
pub mod clv;
pub mod employees;
pub mod equity;
pub mod investors;
pub mod markov;
pub mod suppliers;
pub mod voice;

pub use buildup::{
    profit_buildup, profit_buildup_components, BuildupComponent, BuildupYear, ProfitBuildup,
};
pub use clv::{
    clv, clv_berger_nasr, clv_from_cumulative_purchases, clv_from_expected_purchases, clv_multiple,
    discounted_lifetime, value_curve, ClvConvention, PeriodLength, PurchasesClv, RetentionCurve,
    TimeUnit, Timing,
};
pub use employees::{
    employee_value, turnover_cost, turnover_cost_itemised, turnover_savings, ItemisedTurnoverCost,
    TurnoverCost,
};
pub use equity::{
    aggregate_retention_error, customer_equity, residual_value_sbg, AggregateRetentionError,
    Cohort, CohortValue, CustomerEquity,
};
pub use investors::{investor_turnover, InvestorTurnover};
pub use markov::{markov_value, markov_value_finite, BrandFlow, BrandSwitching};
pub use suppliers::{supplier_relationship_value, SupplierValue};
pub use voice::{
    earned_growth, value_by_category, word_of_mouth_value, CategoryValue, EarnedGrowth,
    NpsCategory, NpsShift, VoiceValue, WordOfMouth, WordOfMouthValue,
};

use crate::error::{Error, Result};

/// Checks a retention rate per period: finite and in `[0, 1)`.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `name`.
pub(crate) fn check_retention(name: &str, r: f64) -> Result<()> {
    if r.is_finite() && (0.0..1.0).contains(&r) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            r,
            "a retention rate per period in [0, 1), e.g. 0.9 for 90%",
        ))
    }
}

/// Checks a discount rate per period: finite and > -1.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `name`.
pub(crate) fn check_discount(name: &str, i: f64) -> Result<()> {
    if i.is_finite() && i > -1.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            i,
            "a discount rate per period > -1, e.g. 0.1 for 10% a period",
        ))
    }
}

/// Checks a finite number.
pub(crate) fn check_number(name: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid_parameter(name, x, "a finite number"))
    }
}

/// Checks a finite number >= 0.
pub(crate) fn check_non_negative(name: &str, x: f64) -> Result<()> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(name, x, "a finite number >= 0"))
    }
}

/// Checks a probability in `[0, 1]`.
pub(crate) fn check_probability(name: &str, p: f64) -> Result<()> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(name, p, "a probability in [0, 1]"))
    }
}
