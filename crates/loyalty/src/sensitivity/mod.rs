//! Sensitivity: how value responds to loyalty, and what loyalty a goal needs.
//!
//! - [`elasticities`]: elasticities of value with respect to retention,
//!   margin, discount rate and acquisition cost; "+x points of retention".
//! - [`scenarios`]: tornado ranges and scenario grids.
//! - [`targets`]: the retention (or NPS, through a fitted link) a value
//!   target needs; break-even points.
//! - [`programs`]: ROI and payback of a retention program; win-back value.
//! - [`incentives`]: a discount or extra service to new customers.
//! - [`uncertainty`]: propagation of input standard errors (delta method or
//!   seeded simulation) to any value or sensitivity.
//!
//! The shared input is [`ValueInputs`]: margin, retention curve, discount
//! rate, convention and acquisition cost, valued as `margin · L − AC` where
//! `L` is [`crate::value::discounted_lifetime`].

pub mod elasticities;
pub mod incentives;
pub mod programs;
pub mod scenarios;
pub mod targets;
pub mod uncertainty;

pub use elasticities::{elasticities, plus_points, retention_elasticity, Elasticities, PlusPoints};
pub use incentives::{acquisition_incentive, Incentive, IncentiveResult};
pub use programs::{retention_program, win_back, ProgramResult, RetentionProgram, WinBack};
pub use scenarios::{
    scenario_grid, tornado, Parameter, ParameterRange, ScenarioGrid, Tornado, TornadoBar,
};
pub use targets::{break_even_margin, break_even_retention, retention_for_value, NpsRetentionLink};
pub use uncertainty::{
    diagonal_covariance, propagate, propagate_inputs, sensitivity_estimates, InputUncertainty,
    Propagation, SensitivityEstimates,
};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::value::{check_number, discounted_lifetime, ClvConvention, RetentionCurve};

/// The inputs of a member's net value `margin · L(curve, i, convention) − acquisition_cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueInputs {
    /// Margin per period (the first period's, when it grows).
    pub margin: f64,
    /// Retention curve.
    pub retention: RetentionCurve,
    /// Discount rate per period.
    pub discount_rate: f64,
    /// Timing, horizon and margin growth.
    pub convention: ClvConvention,
    /// Acquisition cost paid now (0 to value an existing member).
    pub acquisition_cost: f64,
}

impl ValueInputs {
    /// Inputs with a constant retention, end-of-period margins, an infinite
    /// horizon and no acquisition cost.
    pub fn constant(margin: f64, retention: f64, discount_rate: f64) -> Self {
        ValueInputs {
            margin,
            retention: RetentionCurve::Constant(retention),
            discount_rate,
            convention: ClvConvention::end(),
            acquisition_cost: 0.0,
        }
    }

    /// Lifetime value before acquisition cost.
    ///
    /// # Errors
    /// As [`discounted_lifetime`].
    pub fn clv(&self) -> Result<f64> {
        check_number("margin", self.margin)?;
        Ok(self.margin
            * discounted_lifetime(&self.retention, self.discount_rate, &self.convention)?)
    }

    /// Net value: lifetime value − acquisition cost.
    ///
    /// # Errors
    /// As [`discounted_lifetime`].
    pub fn value(&self) -> Result<f64> {
        check_number("acquisition_cost", self.acquisition_cost)?;
        Ok(self.clv()? - self.acquisition_cost)
    }
}
