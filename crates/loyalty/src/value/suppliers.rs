//! Suppliers: the value of keeping a supplier relationship.
//!
//! The relationship yields a benefit each period it lasts (savings against
//! the next-best supplier, quality, shared development). It continues from
//! one period to the next with a probability, and ending it costs a switch
//! (search, qualification, ramp-up). Its value is the lifetime value of the benefit
//! plus the switching cost it avoids.

use serde::{Deserialize, Serialize};

use super::check_number;
use super::clv::{clv, ClvConvention, RetentionCurve};
use crate::error::Result;

/// Value of a supplier relationship.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierValue {
    /// Present value of the benefits while the relationship lasts.
    pub benefit_value: f64,
    /// Switching cost avoided by keeping the relationship.
    pub switching_cost: f64,
    /// Sum of both: what the relationship is worth against replacing it now.
    pub value: f64,
}

/// Values a supplier relationship: lifetime value of `benefit_per_period`
/// under the continuation probability (as a retention curve) plus the
/// switching cost avoided.
///
/// # Errors
/// As [`clv`], and [`crate::Error::InvalidParameter`] for a non-finite cost.
pub fn supplier_relationship_value(
    benefit_per_period: f64,
    continuation: &RetentionCurve,
    discount_rate: f64,
    convention: &ClvConvention,
    switching_cost: f64,
) -> Result<SupplierValue> {
    check_number("switching_cost", switching_cost)?;
    let benefit_value = clv(benefit_per_period, continuation, discount_rate, convention)?;
    Ok(SupplierValue {
        benefit_value,
        switching_cost,
        value: benefit_value + switching_cost,
    })
}
