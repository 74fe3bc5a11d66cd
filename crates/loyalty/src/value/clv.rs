//! Customer lifetime value (CLV) under a stated convention and any retention
//! curve.
//!
//! # Conventions
//! A member pays margin `m_k = m·(1+g)^(k-1)` for the k-th period they are
//! present (`g` is the margin growth per period). With survival `S(t)`
//! (`S(0) = 1`) and discount rate `i` per period:
//!
//! ```text
//! timing End:   CLV = Σ_{k=1..H} m_k · S(k)   / (1+i)^k      margin paid at the end of period k by its survivors
//! timing Start: CLV = Σ_{k=1..H} m_k · S(k-1) / (1+i)^(k-1)  margin paid at the start of period k, the first one now
//! ```
//! `H` is the number of payments (`None` = infinite horizon). Under a
//! constant retention `r`, `S(t) = r^t` and the infinite sums are
//! `m·r/(1+i-r(1+g))` (end) and `m·(1+i)/(1+i-r(1+g))` (start); they converge
//! only when `r(1+g) < 1+i`. Gupta & Lehmann (2003, "Customers as assets",
//! J. Interactive Marketing 17(1)) tabulate the end-of-period multiple
//! `r/(1+i-r)`.
//!
//! Under the sBG model the start-of-period sum with `g = 0` is DEL (Fader &
//! Hardie 2010), taken from [`crate::models::sbg`]; other sBG cases are summed
//! until the bound on the remaining tail is below 1e-15 of the sum.

use serde::{Deserialize, Serialize};

use super::{check_discount, check_number, check_retention};
use crate::error::{check_finite, check_not_empty, Error, Result};
use crate::models::sbg;

/// When in a period the margin is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// At the start of each period: the first margin is paid now, undiscounted.
    Start,
    /// At the end of each period, by the members who stayed through it.
    #[default]
    End,
}

impl Timing {
    /// Parses "start" or "end".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "start" => Ok(Timing::Start),
            "end" => Ok(Timing::End),
            other => Err(Error::invalid_parameter(
                "timing",
                format!("{other:?}"),
                "\"start\" (margin paid at the start of each period) or \"end\"",
            )),
        }
    }
}

/// The stated convention of a CLV: timing, horizon and margin growth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct ClvConvention {
    /// When margins are paid.
    pub timing: Timing,
    /// Number of margin payments; `None` for an infinite horizon (a vector
    /// curve then uses its own length).
    pub horizon: Option<usize>,
    /// Growth of the margin per period (0.05 = +5% a period).
    pub margin_growth: f64,
}

impl ClvConvention {
    /// End of period, infinite horizon, constant margin.
    pub fn end() -> Self {
        ClvConvention::default()
    }

    /// Start of period, infinite horizon, constant margin.
    pub fn start() -> Self {
        ClvConvention {
            timing: Timing::Start,
            ..ClvConvention::default()
        }
    }

    /// Returns the convention with a finite horizon of `payments` margins.
    pub fn with_horizon(mut self, payments: usize) -> Self {
        self.horizon = Some(payments);
        self
    }

    /// Returns the convention with margins growing by `growth` a period.
    pub fn with_growth(mut self, growth: f64) -> Self {
        self.margin_growth = growth;
        self
    }
}

/// A retention curve: the share of members still present, period by period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionCurve {
    /// The same retention rate `r` in every period: `S(t) = r^t`.
    Constant(f64),
    /// The shifted-beta-geometric model (heterogeneous churn probabilities).
    Sbg {
        /// sBG α.
        alpha: f64,
        /// sBG β.
        beta: f64,
    },
    /// Survival `S(1), S(2), ..., S(L)` at the end of periods 1..L (for
    /// example read off a Kaplan-Meier curve); `S(0) = 1` is implied.
    Survival(Vec<f64>),
    /// Retention rate of each period `r_1, ..., r_L`: `S(t) = r_1·...·r_t`.
    RetentionRates(Vec<f64>),
}

impl RetentionCurve {
    /// Checks the curve: rates in [0, 1), sBG parameters > 0, survival
    /// values in [0, 1] and non-increasing.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], [`Error::Empty`], [`Error::NotFinite`]
    /// or [`Error::InvalidData`] naming the bad value.
    pub fn check(&self) -> Result<()> {
        match self {
            RetentionCurve::Constant(r) => check_retention("retention", *r),
            RetentionCurve::Sbg { alpha, beta } => sbg::check_params(*alpha, *beta),
            RetentionCurve::Survival(s) => {
                check_not_empty("survival", s.len())?;
                check_finite("survival", s)?;
                let out: Vec<usize> = (0..s.len())
                    .filter(|&k| !(0.0..=1.0).contains(&s[k]))
                    .collect();
                if !out.is_empty() {
                    return Err(Error::invalid_rows(
                        "survival",
                        "survival probabilities must lie in [0, 1]",
                        &out,
                        "pass S(1), S(2), ... as probabilities, not percentages or counts",
                    ));
                }
                let rising: Vec<usize> = (1..s.len()).filter(|&k| s[k] > s[k - 1]).collect();
                if !rising.is_empty() {
                    return Err(Error::invalid_rows(
                        "survival",
                        "survival must not increase from one period to the next",
                        &rising,
                        "pass a survival curve S(t), not period retention rates (use RetentionRates for those)",
                    ));
                }
                Ok(())
            }
            RetentionCurve::RetentionRates(rates) => {
                check_not_empty("retention rates", rates.len())?;
                check_finite("retention rates", rates)?;
                let out: Vec<usize> = (0..rates.len())
                    .filter(|&k| !(0.0..=1.0).contains(&rates[k]))
                    .collect();
                if out.is_empty() {
                    Ok(())
                } else {
                    Err(Error::invalid_rows(
                        "retention rates",
                        "retention rates must lie in [0, 1]",
                        &out,
                        "pass each period's retention as a probability, e.g. 0.9",
                    ))
                }
            }
        }
    }

    /// Number of periods a vector curve covers; `None` for the unbounded curves.
    pub fn periods(&self) -> Option<usize> {
        match self {
            RetentionCurve::Survival(s) => Some(s.len()),
            RetentionCurve::RetentionRates(r) => Some(r.len()),
            _ => None,
        }
    }

    /// Survival `S(0..=periods)` (the curve must be checked first).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when a vector curve is shorter than `periods`.
    pub fn survival_points(&self, periods: usize) -> Result<Vec<f64>> {
        // One f64 per period is kept; 10^7 periods is 80 MB and far beyond
        // any horizon where discounting leaves a visible term.
        const MAX_PERIODS: usize = 10_000_000;
        if periods > MAX_PERIODS {
            return Err(Error::invalid_parameter(
                "horizon",
                periods,
                format!("at most {MAX_PERIODS} periods; pass no horizon for an infinite one"),
            ));
        }
        if let Some(len) = self.periods() {
            if periods > len {
                return Err(Error::invalid_parameter(
                    "horizon",
                    periods,
                    format!("at most the length of the retention curve ({len} periods); extend the curve or shorten the horizon"),
                ));
            }
        }
        let mut out = Vec::with_capacity(periods + 1);
        out.push(1.0);
        match self {
            RetentionCurve::Constant(r) => {
                let mut s = 1.0;
                for _ in 0..periods {
                    s *= r;
                    out.push(s);
                }
            }
            RetentionCurve::Sbg { alpha, beta } => {
                return sbg::survival_curve(*alpha, *beta, periods)
            }
            RetentionCurve::Survival(s) => out.extend_from_slice(&s[..periods]),
            RetentionCurve::RetentionRates(rates) => {
                let mut s = 1.0;
                for r in &rates[..periods] {
                    s *= r;
                    out.push(s);
                }
            }
        }
        Ok(out)
    }
}

fn check_growth(g: f64) -> Result<()> {
    if g.is_finite() && g > -1.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "margin_growth",
            g,
            "a growth rate per period > -1, e.g. 0.05 for +5% a period",
        ))
    }
}

/// Discounted expected lifetime in margins: the CLV of a margin of 1 in the
/// first period (the "margin multiple"), under any curve and convention.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad curve, discount rate (<= -1) or
/// growth, for an infinite horizon that does not converge, or for a horizon
/// longer than a vector curve; [`Error::NotConverged`] when the tail sum
/// needs more than 50 million terms.
pub fn discounted_lifetime(
    curve: &RetentionCurve,
    discount_rate: f64,
    convention: &ClvConvention,
) -> Result<f64> {
    curve.check()?;
    check_discount("discount_rate", discount_rate)?;
    check_growth(convention.margin_growth)?;
    let g = convention.margin_growth;
    let i = discount_rate;
    let horizon = match (convention.horizon, curve.periods()) {
        (Some(h), _) => Some(h),
        (None, Some(len)) => Some(len),
        (None, None) => None,
    };
    if let Some(h) = horizon {
        let s = curve.survival_points(h)?;
        return Ok(finite_sum(&s, h, i, g, convention.timing));
    }
    match curve {
        RetentionCurve::Constant(r) => {
            let denominator = 1.0 + i - r * (1.0 + g);
            if denominator <= 0.0 {
                return Err(diverges(format!(
                    "r(1+g) = {} is not below 1+i = {}",
                    r * (1.0 + g),
                    1.0 + i
                )));
            }
            Ok(match convention.timing {
                Timing::End => r / denominator,
                Timing::Start => (1.0 + i) / denominator,
            })
        }
        RetentionCurve::Sbg { alpha, beta } => {
            if g == 0.0 && i > 0.0 {
                let del = sbg::del(*alpha, *beta, i)?;
                return Ok(match convention.timing {
                    Timing::Start => del,
                    Timing::End => del - 1.0,
                });
            }
            let q = (1.0 + g) / (1.0 + i);
            if q >= 1.0 {
                return Err(diverges(format!(
                    "sBG survival falls slower than any geometric rate, so the sum needs (1+g)/(1+i) < 1, got {q}"
                )));
            }
            sbg_tail_sum(*alpha, *beta, i, g, q, convention.timing)
        }
        // Vector curves always have a horizon (their length).
        RetentionCurve::Survival(_) | RetentionCurve::RetentionRates(_) => unreachable!(),
    }
}

fn diverges(reason: String) -> Error {
    Error::invalid_parameter(
        "horizon",
        "infinite",
        format!("a finite horizon: the infinite-horizon value does not converge because {reason}"),
    )
}

/// `Σ_{k=1..h} (1+g)^(k-1) S(t_k)/(1+i)^(t_k)` with `t_k = k` (end) or `k-1` (start).
fn finite_sum(s: &[f64], h: usize, i: f64, g: f64, timing: Timing) -> f64 {
    let mut sum = 0.0;
    let mut growth = 1.0;
    for k in 1..=h {
        let t = match timing {
            Timing::End => k,
            Timing::Start => k - 1,
        };
        sum += growth * s[t] / (1.0 + i).powi(t as i32);
        growth *= 1.0 + g;
    }
    sum
}

fn sbg_tail_sum(alpha: f64, beta: f64, i: f64, g: f64, q: f64, timing: Timing) -> Result<f64> {
    const MAX_TERMS: usize = 50_000_000;
    // Payment k carries weight (1+g)^(k-1) S(t)/(1+i)^t, t = k or k-1. Since S
    // is non-increasing, the tail after payment k is at most weight_k·q/(1-q).
    let mut sum = 0.0;
    let mut survival = 1.0;
    let mut growth = 1.0;
    let mut discount = 1.0;
    for k in 1..=MAX_TERMS {
        let weight = match timing {
            Timing::Start => growth * survival * discount,
            Timing::End => {
                survival *= sbg::retention_rate(alpha, beta, k)?;
                discount /= 1.0 + i;
                growth * survival * discount
            }
        };
        sum += weight;
        if weight * q / (1.0 - q) <= 1e-15 * sum.abs() || weight == 0.0 {
            return Ok(sum);
        }
        if timing == Timing::Start {
            survival *= sbg::retention_rate(alpha, beta, k)?;
            discount /= 1.0 + i;
        }
        growth *= 1.0 + g;
    }
    Err(Error::NotConverged {
        method: "sBG lifetime sum".into(),
        iterations: MAX_TERMS,
        reason: format!("the terms shrink by only {q} a period"),
        advice: "pass a finite horizon or a larger discount rate".into(),
    })
}

/// Customer lifetime value: margin times [`discounted_lifetime`].
///
/// # Errors
/// As [`discounted_lifetime`], and [`Error::InvalidParameter`] for a margin
/// that is not finite.
///
/// # Examples
/// ```
/// use loyalty::value::{clv, ClvConvention, RetentionCurve};
/// // Gupta & Lehmann (2003): r = 0.8, i = 0.1, margin at the end of each period.
/// let v = clv(100.0, &RetentionCurve::Constant(0.8), 0.1, &ClvConvention::end()).unwrap();
/// assert!((v - 266.6667).abs() < 1e-3);
/// ```
pub fn clv(
    margin: f64,
    curve: &RetentionCurve,
    discount_rate: f64,
    convention: &ClvConvention,
) -> Result<f64> {
    check_number("margin", margin)?;
    Ok(margin * discounted_lifetime(curve, discount_rate, convention)?)
}

/// Computes the closed-form margin multiple under a constant retention and
/// an infinite horizon: `r/(1+i-r)` (end) or `(1+i)/(1+i-r)` (start).
///
/// # Errors
/// [`Error::InvalidParameter`] for `r` outside [0, 1) or `i <= -1`, or when
/// `r >= 1+i` (no convergence).
pub fn clv_multiple(retention: f64, discount_rate: f64, timing: Timing) -> Result<f64> {
    let convention = ClvConvention {
        timing,
        ..ClvConvention::default()
    };
    discounted_lifetime(
        &RetentionCurve::Constant(retention),
        discount_rate,
        &convention,
    )
}

/// Cumulative value by period: entry `k-1` is the discounted margin of the
/// first `k` payments, for `k = 1..=periods`.
///
/// # Errors
/// As [`discounted_lifetime`] (with the horizon set to `periods`).
pub fn value_curve(
    margin: f64,
    curve: &RetentionCurve,
    discount_rate: f64,
    convention: &ClvConvention,
    periods: usize,
) -> Result<Vec<f64>> {
    check_number("margin", margin)?;
    curve.check()?;
    check_discount("discount_rate", discount_rate)?;
    check_growth(convention.margin_growth)?;
    let h = periods.min(convention.horizon.unwrap_or(usize::MAX));
    let s = curve.survival_points(h)?;
    let mut out = Vec::with_capacity(h);
    for k in 1..=h {
        out.push(
            margin
                * finite_sum(
                    &s,
                    k,
                    discount_rate,
                    convention.margin_growth,
                    convention.timing,
                ),
        );
    }
    Ok(out)
}

/// CLV of Berger & Nasr (1998, "Customer lifetime value: marketing models
/// and applications", J. Interactive Marketing 12(1)), case 1: a yearly gross
/// contribution received at the start of each year (the first now, then
/// `years` more) and a promotion cost spent in the middle of each year.
///
/// ```text
/// CLV = GC·Σ_{k=0..n} (r/(1+d))^k − M·Σ_{k=1..n} r^(k-1)/(1+d)^(k-0.5)
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for bad rates or non-finite amounts.
pub fn clv_berger_nasr(
    gross_contribution: f64,
    promotion_cost: f64,
    retention: f64,
    discount_rate: f64,
    years: usize,
) -> Result<f64> {
    check_number("gross_contribution", gross_contribution)?;
    check_number("promotion_cost", promotion_cost)?;
    check_retention("retention", retention)?;
    check_discount("discount_rate", discount_rate)?;
    let d = discount_rate;
    let mut income = 0.0;
    for k in 0..=years {
        income += (retention / (1.0 + d)).powi(k as i32);
    }
    let mut cost = 0.0;
    for k in 1..=years {
        cost += retention.powi(k as i32 - 1) / (1.0 + d).powf(k as f64 - 0.5);
    }
    Ok(gross_contribution * income - promotion_cost * cost)
}

/// A unit of time, in days. A month is 365.25/12 = 30.4375 days unless a
/// 30-day month is declared with `Days(30.0)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// One day.
    Day,
    /// Seven days.
    Week,
    /// 30.4375 days (a twelfth of a 365.25-day year).
    Month,
    /// 365.25 days.
    Year,
    /// A declared number of days, e.g. 30 for a 30-day billing month.
    Days(f64),
}

/// Days in a mean Gregorian-calendar month (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

impl TimeUnit {
    /// Length in days.
    pub fn days(&self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => DAYS_PER_MONTH,
            TimeUnit::Year => 365.25,
            TimeUnit::Days(d) => *d,
        }
    }

    /// Parses "day", "week", "month", "year", or a number of days.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other text or a length that is not > 0.
    pub fn parse(text: &str) -> Result<Self> {
        let unit = match text {
            "day" | "days" => TimeUnit::Day,
            "week" | "weeks" => TimeUnit::Week,
            "month" | "months" => TimeUnit::Month,
            "year" | "years" => TimeUnit::Year,
            other => match other.parse::<f64>() {
                Ok(d) => TimeUnit::Days(d),
                Err(_) => {
                    return Err(Error::invalid_parameter(
                        "time unit",
                        format!("{other:?}"),
                        "\"day\", \"week\", \"month\" (30.4375 days), \"year\" (365.25 days) or a number of days",
                    ))
                }
            },
        };
        unit.check()?;
        Ok(unit)
    }

    fn check(&self) -> Result<()> {
        let d = self.days();
        if d.is_finite() && d > 0.0 {
            Ok(())
        } else {
            Err(Error::invalid_parameter(
                "time unit",
                d,
                "a length in days > 0",
            ))
        }
    }
}

/// The length of a valuation period in the time unit of a fitted model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeriodLength {
    /// The valuation period (the one the discount rate is quoted for).
    pub period: TimeUnit,
    /// The time unit of the model's `t` (days for a model fitted on days).
    pub model_unit: TimeUnit,
}

impl PeriodLength {
    /// Length of one period in model time units.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a unit that is not > 0 days.
    pub fn in_model_units(&self) -> Result<f64> {
        self.period.check()?;
        self.model_unit.check()?;
        Ok(self.period.days() / self.model_unit.days())
    }
}

/// CLV from a model's expected cumulative purchases, period by period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchasesClv {
    /// The value: `Σ_k m·(E(t_k) − E(t_(k-1)))/(1+d)^k`.
    pub value: f64,
    /// Period end `t_k` in model time units, k = 1..=periods.
    pub period_ends: Vec<f64>,
    /// Expected purchases in each period (increments of E).
    pub purchases: Vec<f64>,
    /// Discounted margin of each period.
    pub discounted_margin: Vec<f64>,
}

/// Values a member from a model's expected cumulative purchases `E(t)`
/// (purchases in `(0, t]`, `t` in the model's time unit) by summing each
/// period's increment, margin paid at the end of the period:
///
/// ```text
/// CLV = Σ_{k=1..K} m·(E(t_k) − E(t_(k-1))) / (1+d)^k,   t_k = k · period length in model units
/// ```
///
/// Two faults that CLV code of other libraries shipped are excluded by
/// construction: discounting the cumulative `E(t_k)` itself (which counts
/// early purchases again in every later period), and converting months to
/// model time with a fixed 30 days whatever the model unit. Here the period
/// length comes from [`PeriodLength`], so a 30-day month must be declared.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad rate, margin or unit, and
/// [`Error::InvalidData`] when `E` is not finite or decreases.
pub fn clv_from_expected_purchases(
    expected_cumulative: impl Fn(f64) -> f64,
    margin: f64,
    discount_rate: f64,
    periods: usize,
    period_length: PeriodLength,
) -> Result<PurchasesClv> {
    check_number("margin", margin)?;
    check_discount("discount_rate", discount_rate)?;
    let step = period_length.in_model_units()?;
    let times: Vec<f64> = (0..=periods).map(|k| k as f64 * step).collect();
    let cumulative: Vec<f64> = times.iter().map(|&t| expected_cumulative(t)).collect();
    let mut result = clv_from_cumulative_purchases(&cumulative, margin, discount_rate)?;
    result.period_ends = times[1..].to_vec();
    Ok(result)
}

/// As [`clv_from_expected_purchases`], from `E(t_0), E(t_1), ..., E(t_K)`
/// already evaluated at the period ends (`E(t_0)` is the value now, usually 0).
///
/// # Errors
/// As [`clv_from_expected_purchases`]; [`Error::Empty`] for an empty vector.
pub fn clv_from_cumulative_purchases(
    cumulative: &[f64],
    margin: f64,
    discount_rate: f64,
) -> Result<PurchasesClv> {
    check_number("margin", margin)?;
    check_discount("discount_rate", discount_rate)?;
    check_not_empty("expected cumulative purchases", cumulative.len())?;
    let bad: Vec<usize> = (0..cumulative.len())
        .filter(|&k| !cumulative[k].is_finite())
        .collect();
    if !bad.is_empty() {
        return Err(Error::invalid_rows(
            "expected cumulative purchases",
            "values must be finite",
            &bad,
            "check the model's parameters and time unit",
        ));
    }
    let falling: Vec<usize> = (1..cumulative.len())
        .filter(|&k| cumulative[k] < cumulative[k - 1])
        .collect();
    if !falling.is_empty() {
        return Err(Error::invalid_rows(
            "expected cumulative purchases",
            "a cumulative expectation cannot decrease",
            &falling,
            "pass E(t) cumulated from now, not purchases per period",
        ));
    }
    let mut purchases = Vec::with_capacity(cumulative.len() - 1);
    let mut discounted_margin = Vec::with_capacity(cumulative.len() - 1);
    let mut value = 0.0;
    for k in 1..cumulative.len() {
        let increment = cumulative[k] - cumulative[k - 1];
        let v = margin * increment / (1.0 + discount_rate).powi(k as i32);
        purchases.push(increment);
        discounted_margin.push(v);
        value += v;
    }
    Ok(PurchasesClv {
        value,
        period_ends: (1..cumulative.len()).map(|k| k as f64).collect(),
        purchases,
        discounted_margin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_constant_matches_closed_form_limit() {
        let conv = ClvConvention::end().with_horizon(2000);
        let finite = discounted_lifetime(&RetentionCurve::Constant(0.9), 0.1, &conv).unwrap();
        assert!((finite - 4.5).abs() < 1e-9);
    }

    #[test]
    fn start_timing_scales_end_timing() {
        let curve = RetentionCurve::Constant(0.7);
        let end =
            discounted_lifetime(&curve, 0.12, &ClvConvention::end().with_growth(0.03)).unwrap();
        let start =
            discounted_lifetime(&curve, 0.12, &ClvConvention::start().with_growth(0.03)).unwrap();
        assert!((start - end * 1.12 / 0.7).abs() < 1e-12);
    }

    #[test]
    fn sbg_numeric_sum_matches_del() {
        // Fader & Hardie (2007) 'regular' segment fit.
        let curve = RetentionCurve::Sbg {
            alpha: 0.7041,
            beta: 1.1820,
        };
        let del = sbg::del(0.7041, 1.1820, 0.1).unwrap();
        let summed = sbg_tail_sum(0.7041, 1.1820, 0.1, 0.0, 1.0 / 1.1, Timing::Start).unwrap();
        assert!((summed - del).abs() < 1e-9);
        let end = discounted_lifetime(&curve, 0.1, &ClvConvention::end()).unwrap();
        let end_summed = sbg_tail_sum(0.7041, 1.1820, 0.1, 0.0, 1.0 / 1.1, Timing::End).unwrap();
        assert!((end - end_summed).abs() < 1e-9);
    }

    #[test]
    fn vector_curves_agree_with_constant() {
        let r: f64 = 0.8;
        let survival: Vec<f64> = (1..=10).map(|t| r.powi(t)).collect();
        let conv = ClvConvention::start().with_horizon(10);
        let a = discounted_lifetime(&RetentionCurve::Constant(r), 0.1, &conv).unwrap();
        let b = discounted_lifetime(&RetentionCurve::Survival(survival), 0.1, &conv).unwrap();
        let c =
            discounted_lifetime(&RetentionCurve::RetentionRates(vec![r; 10]), 0.1, &conv).unwrap();
        assert!((a - b).abs() < 1e-12);
        assert!((a - c).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_inputs() {
        let conv = ClvConvention::end();
        assert!(clv(1.0, &RetentionCurve::Constant(1.0), 0.1, &conv).is_err());
        assert!(clv(1.0, &RetentionCurve::Constant(-0.1), 0.1, &conv).is_err());
        assert!(clv(1.0, &RetentionCurve::Constant(0.9), -1.0, &conv).is_err());
        assert!(clv(1.0, &RetentionCurve::Constant(0.9), -0.2, &conv).is_err());
        assert!(clv(
            1.0,
            &RetentionCurve::Constant(0.9),
            0.1,
            &conv.with_growth(0.3)
        )
        .is_err());
        let short = RetentionCurve::Survival(vec![0.9, 0.8]);
        assert!(clv(1.0, &short, 0.1, &conv.with_horizon(3)).is_err());
        assert!(clv(1.0, &RetentionCurve::Survival(vec![0.8, 0.9]), 0.1, &conv).is_err());
        assert!(clv(f64::NAN, &RetentionCurve::Constant(0.5), 0.1, &conv).is_err());
    }
}
