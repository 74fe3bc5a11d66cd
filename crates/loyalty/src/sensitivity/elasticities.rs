//! Elasticities of value and the effect of +x points of retention.
//!
//! # Formula
//! Under a constant retention `r`, margin growth `g` and an infinite horizon,
//! `CLV = m·r/(1+i−r(1+g))` (end) or `m(1+i)/(1+i−r(1+g))` (start), so
//! ```text
//! d ln CLV / d ln r = (1+i)/(1+i−r(1+g))          end
//!                   = r(1+g)/(1+i−r(1+g))         start
//! d ln CLV / d ln i = −i/(1+i−r(1+g))             end
//!                   = i/(1+i) − i/(1+i−r(1+g))    start
//! d ln CLV / d ln m = 1
//! ```
//! Elasticities of the net value `V = CLV − AC` scale these by `CLV/V`, and
//! `d ln V / d ln AC = −AC/V`. Other curves and finite horizons use central
//! differences in the log of the input (numeric). For a curve other than a
//! constant rate, the retention elasticity is with respect to scaling every
//! period's retention rate by the same factor.

use serde::{Deserialize, Serialize};

use super::ValueInputs;
use crate::error::{Error, Result};
use crate::value::clv::{RetentionCurve, Timing};
use crate::value::{check_discount, check_retention};

/// Computes the elasticity of the CLV with respect to retention under a constant
/// retention, constant margin and an infinite horizon (see the module
/// formula): `(1+i)/(1+i−r)` (end) or `r/(1+i−r)` (start).
///
/// # Errors
/// [`Error::InvalidParameter`] for `r` outside [0, 1), `i <= -1` or `r >= 1+i`.
///
/// # Examples
/// ```
/// use loyalty::sensitivity::retention_elasticity;
/// use loyalty::value::Timing;
/// let e = retention_elasticity(0.8, 0.1, Timing::End).unwrap();
/// assert!((e - 3.6667).abs() < 1e-4);
/// ```
pub fn retention_elasticity(retention: f64, discount_rate: f64, timing: Timing) -> Result<f64> {
    check_retention("retention", retention)?;
    check_discount("discount_rate", discount_rate)?;
    let denominator = 1.0 + discount_rate - retention;
    if denominator <= 0.0 {
        return Err(Error::invalid_parameter(
            "retention",
            retention,
            format!(
                "a rate below 1 + discount_rate = {} for the value to converge",
                1.0 + discount_rate
            ),
        ));
    }
    Ok(match timing {
        Timing::End => (1.0 + discount_rate) / denominator,
        Timing::Start => retention / denominator,
    })
}

/// Elasticities of the net value `V = CLV − AC`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elasticities {
    /// Net value at the inputs.
    pub value: f64,
    /// d ln V / d ln r.
    pub retention: f64,
    /// d ln V / d ln m.
    pub margin: f64,
    /// d ln V / d ln i (0 when i = 0).
    pub discount_rate: f64,
    /// d ln V / d ln AC.
    pub acquisition_cost: f64,
    /// "analytic" (closed forms) or "numeric" (central differences).
    pub method: String,
}

/// Computes the elasticities of the net value with respect to retention,
/// margin, discount rate and acquisition cost, analytic for a constant
/// retention over an infinite horizon and numeric otherwise.
///
/// # Errors
/// As [`ValueInputs::value`]; [`Error::Degenerate`] when the net value is 0
/// (elasticities are undefined there).
pub fn elasticities(inputs: &ValueInputs) -> Result<Elasticities> {
    let clv = inputs.clv()?;
    let value = inputs.value()?;
    if value == 0.0 {
        return Err(Error::Degenerate {
            what: "elasticities".into(),
            reason: "the net value is 0 (break-even), so relative changes are undefined; compare absolute changes instead".into(),
        });
    }
    let scale = clv / value;
    let ac = -inputs.acquisition_cost / value;
    let i = inputs.discount_rate;
    if let (RetentionCurve::Constant(r), None) = (&inputs.retention, inputs.convention.horizon) {
        let g = inputs.convention.margin_growth;
        let d = 1.0 + i - r * (1.0 + g);
        let (er, ei) = match inputs.convention.timing {
            Timing::End => ((1.0 + i) / d, -i / d),
            Timing::Start => (r * (1.0 + g) / d, i / (1.0 + i) - i / d),
        };
        return Ok(Elasticities {
            value,
            retention: scale * er,
            margin: scale,
            discount_rate: scale * ei,
            acquisition_cost: ac,
            method: "analytic".into(),
        });
    }
    let er = numeric_log_derivative(|f| scaled_retention(inputs, f)?.value(), 1.0)?;
    let ei = if i == 0.0 {
        0.0
    } else {
        numeric_log_derivative(
            |f| {
                let mut x = inputs.clone();
                x.discount_rate = i * f;
                x.value()
            },
            1.0,
        )?
    };
    Ok(Elasticities {
        value,
        retention: er / value,
        margin: scale,
        discount_rate: ei / value,
        acquisition_cost: ac,
        method: "numeric".into(),
    })
}

/// `dV/d ln x` at factor 1 by central differences in the factor, falling
/// back to a one-sided difference where the upward step leaves the domain.
fn numeric_log_derivative(f: impl Fn(f64) -> Result<f64>, at: f64) -> Result<f64> {
    let h = 1e-6;
    let down = f(at * (1.0 - h))?;
    match f(at * (1.0 + h)) {
        Ok(up) => Ok((up - down) / (2.0 * h)),
        Err(_) => Ok((f(at)? - down) / h),
    }
}

/// Inputs with every period's retention rate multiplied by `factor`.
fn scaled_retention(inputs: &ValueInputs, factor: f64) -> Result<ValueInputs> {
    let mut x = inputs.clone();
    x.retention = map_rates(&inputs.retention, inputs, |r| r * factor)?;
    Ok(x)
}

/// The curve with each period's retention rate mapped by `f`. An sBG curve
/// over an infinite horizon becomes its rates over as many periods as the
/// discounting leaves any weight (factor 1e-15).
pub(crate) fn map_rates(
    curve: &RetentionCurve,
    inputs: &ValueInputs,
    f: impl Fn(f64) -> f64,
) -> Result<RetentionCurve> {
    Ok(match curve {
        RetentionCurve::Constant(r) => RetentionCurve::Constant(f(*r)),
        RetentionCurve::RetentionRates(rates) => {
            RetentionCurve::RetentionRates(rates.iter().map(|r| f(*r)).collect())
        }
        RetentionCurve::Survival(s) => {
            let mut rates = Vec::with_capacity(s.len());
            let mut previous = 1.0;
            for &x in s {
                rates.push(if previous > 0.0 { x / previous } else { 0.0 });
                previous = x;
            }
            RetentionCurve::RetentionRates(rates.into_iter().map(f).collect())
        }
        RetentionCurve::Sbg { alpha, beta } => {
            let periods = match inputs.convention.horizon {
                Some(h) => h,
                None => {
                    let q = (1.0 + inputs.convention.margin_growth) / (1.0 + inputs.discount_rate);
                    if !(q < 1.0 && q > 0.0) {
                        return Err(Error::invalid_parameter(
                            "horizon",
                            "infinite",
                            "a finite horizon: the sBG value does not converge at this discount rate and growth",
                        ));
                    }
                    ((1e-15f64).ln() / q.ln()).ceil().min(5e6) as usize
                }
            };
            let rates = (1..=periods)
                .map(|t| crate::models::sbg::retention_rate(*alpha, *beta, t).map(&f))
                .collect::<Result<Vec<f64>>>()?;
            RetentionCurve::RetentionRates(rates)
        }
    })
}

/// The retention curve of `inputs` with `points` percentage points added to
/// each period's rate: a constant rate as is (checked later), a curve's rates
/// clamped to [0, 1].
pub(crate) fn shift_rates(inputs: &ValueInputs, points: f64) -> Result<RetentionCurve> {
    match &inputs.retention {
        RetentionCurve::Constant(r) => Ok(RetentionCurve::Constant(r + points / 100.0)),
        other => map_rates(other, inputs, |r| (r + points / 100.0).clamp(0.0, 1.0)),
    }
}

/// What +x points of retention do to value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlusPoints {
    /// Points added to each period's retention rate (5 = +5 points).
    pub points: f64,
    /// Net value at the inputs.
    pub base_value: f64,
    /// Net value with the higher retention.
    pub new_value: f64,
    /// new − base.
    pub change: f64,
    /// change / |base|, as a fraction (0.4074 = +40.74%).
    pub relative_change: f64,
}

/// Computes the value of adding `points` percentage points to each period's
/// retention rate (Reichheld & Sasser 1990: from 90% to 95% is +5 points).
///
/// A constant rate must stay in [0, 1). A curve's period rates are capped
/// at 1 and floored at 0, because the rising rates of an sBG curve would
/// otherwise pass 1 after some periods for any positive shift.
///
/// # Errors
/// As [`ValueInputs::value`]; [`Error::InvalidParameter`] when a constant
/// rate would reach 1 or fall below 0.
pub fn plus_points(inputs: &ValueInputs, points: f64) -> Result<PlusPoints> {
    if !points.is_finite() {
        return Err(Error::invalid_parameter(
            "points",
            points,
            "a finite number of percentage points",
        ));
    }
    let base_value = inputs.value()?;
    let mut shifted = inputs.clone();
    shifted.retention = shift_rates(inputs, points)?;
    let new_value = shifted.value()?;
    let change = new_value - base_value;
    Ok(PlusPoints {
        points,
        base_value,
        new_value,
        change,
        relative_change: change / base_value.abs(),
    })
}
