//! Investors: share turnover, holding period and the churn of holdings.
//!
//! Share turnover is shares traded in a period over shares outstanding; its
//! reciprocal is the mean holding period in periods (Reichheld 1996, "The
//! Loyalty Effect", ch. 6, uses it to compare investor loyalty across firms).

use serde::{Deserialize, Serialize};

use super::check_non_negative;
use crate::error::{Error, Result};

/// Investor loyalty figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvestorTurnover {
    /// Shares traded / shares outstanding in the period.
    pub turnover: f64,
    /// 1 / turnover, in periods (infinite when nothing traded).
    pub holding_period: f64,
    /// Share of the holders at the start who sold out by the end, if given.
    pub holder_churn: Option<f64>,
    /// Mean holding period implied by the holder churn, `1 / churn`, if given.
    pub holder_tenure: Option<f64>,
}

/// Computes share turnover and holding period; with holder counts, also the
/// churn rate of holdings.
///
/// # Errors
/// [`Error::InvalidParameter`] for negative inputs, no shares outstanding, or
/// more retained holders than holders at the start.
pub fn investor_turnover(
    shares_traded: f64,
    shares_outstanding: f64,
    holders: Option<(f64, f64)>,
) -> Result<InvestorTurnover> {
    check_non_negative("shares_traded", shares_traded)?;
    check_non_negative("shares_outstanding", shares_outstanding)?;
    if shares_outstanding == 0.0 {
        return Err(Error::invalid_parameter(
            "shares_outstanding",
            shares_outstanding,
            "a positive number of shares",
        ));
    }
    let turnover = shares_traded / shares_outstanding;
    let (holder_churn, holder_tenure) = match holders {
        None => (None, None),
        Some((start, retained)) => {
            check_non_negative("holders at start", start)?;
            check_non_negative("holders retained", retained)?;
            if start == 0.0 || retained > start {
                return Err(Error::invalid_parameter(
                    "holders",
                    format!("({start}, {retained})"),
                    "(holders at the start > 0, holders still holding at the end <= holders at the start)",
                ));
            }
            let churn = 1.0 - retained / start;
            (Some(churn), Some(1.0 / churn))
        }
    };
    Ok(InvestorTurnover {
        turnover,
        holding_period: 1.0 / turnover,
        holder_churn,
        holder_tenure,
    })
}
