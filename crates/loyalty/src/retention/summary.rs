//! Summary figures of a stakeholder group's retention: the Kaplan-Meier
//! retention and churn over a horizon, the median tenure, and figures under
//! constant retention (a constant hazard, i.e. exponential durations).
//!
//! # Formula
//! ```text
//! λ          = D / E             events per member-period; E = exposure in periods
//! CI(λ)      = [χ²_{α/2}(2D)/2, χ²_{1-α/2}(2D+2)/2] / E     exact Poisson (Garwood 1936)
//! r          = exp(-λ)           retention rate per period under constant retention
//! 1/λ        expected tenure in periods under constant retention;
//!            for investors the average holding period = 1 / turnover, turnover = λ
//! ln 2 / λ   half-life in periods under constant retention
//! ```
//! The constant-retention figures are stated as such because real
//! retention usually rises with tenure, as the sBG model describes. The
//! Kaplan-Meier figures assume nothing about the shape.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::kaplan_meier::{KaplanMeier, QuantileEstimate};
use super::log_rank::{log_rank, LogRankTest};
use super::risk_table::RiskTable;
use crate::error::{check_level, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::stakeholder::Stakeholder;

/// Method name of the constant-retention figures.
pub const CONSTANT_METHOD: &str = "constant_hazard_exact_poisson";

/// Options of [`summarize`]: horizon, period length and interval level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SummaryOptions {
    /// Time at which retention and churn are read off the Kaplan-Meier curve
    /// (in the unit of the durations, e.g. 12 for a year in months).
    pub horizon: f64,
    /// Length of one period in the unit of the durations (1 when durations
    /// are counted in periods); the constant-retention figures are per period.
    pub period: f64,
    /// Level of every interval.
    pub level: f64,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            horizon: 12.0,
            period: 1.0,
            level: 0.95,
        }
    }
}

/// Summary figures of one group or segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionSummary {
    /// Stakeholder group.
    pub group: Stakeholder,
    /// Segment label (department, contract type); `None` for the whole group.
    pub segment: Option<String>,
    /// Members in the summary.
    pub members: u64,
    /// Events (churns, exits, sales of the holding).
    pub events: u64,
    /// Censored members (still active at the end of observation).
    pub censored: u64,
    /// Horizon of `retention` and `churn`.
    pub horizon: f64,
    /// Kaplan-Meier retention to `horizon` with its log(-log) interval.
    pub retention: Estimate,
    /// `1 - retention` over the horizon.
    pub churn: Estimate,
    /// Median tenure (Kaplan-Meier), `None` while retention stays above 50 %.
    pub median: QuantileEstimate,
    /// Period length of the constant-retention figures.
    pub period: f64,
    /// Constant hazard: events per member per period (exits / exposure).
    /// This is the turnover rate for employees and investors.
    pub turnover: Estimate,
    /// Retention rate per period under constant retention, `exp(-λ)`.
    pub retention_per_period: Estimate,
    /// Churn rate per period under constant retention, `1 - exp(-λ)`.
    pub churn_per_period: Estimate,
    /// Expected tenure in periods under constant retention, `1/λ`; for
    /// investors this is the average holding period (1 / turnover). `None`
    /// without events (the tenure is unbounded).
    pub expected_tenure: Option<Estimate>,
    /// Half-life in periods under constant retention, `ln 2 / λ`; `None`
    /// without events.
    pub half_life: Option<Estimate>,
}

/// Computes the summary figures of one group from its risk table.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad level, horizon or period,
/// [`Error::Empty`] for a table without members, and
/// [`Error::Degenerate`] when the members have no time at risk.
pub fn summarize(
    group: Stakeholder,
    segment: Option<String>,
    table: &RiskTable,
    options: SummaryOptions,
) -> Result<RetentionSummary> {
    check_level(options.level)?;
    if !(options.horizon.is_finite() && options.horizon >= 0.0) {
        return Err(Error::invalid_parameter(
            "horizon",
            options.horizon,
            "a finite time >= 0 in the unit of the durations",
        ));
    }
    if !(options.period.is_finite() && options.period > 0.0) {
        return Err(Error::invalid_parameter(
            "period",
            options.period,
            "a finite period length > 0 in the unit of the durations",
        ));
    }
    let km = KaplanMeier::from_table(table, options.level)?;
    let retention = km.estimate_at(options.horizon)?;
    let churn = Estimate {
        value: 1.0 - retention.value,
        ci_low: 1.0 - retention.ci_high,
        ci_high: 1.0 - retention.ci_low,
        method: retention.method.clone(),
        ..retention.clone()
    };
    let exposure = table.exposure() / options.period;
    if exposure <= 0.0 {
        return Err(Error::Degenerate {
            what: "exposure".into(),
            reason: "the members have no time at risk (all durations 0); constant-retention figures need positive durations".into(),
        });
    }
    let events = table.total_events();
    let members = table.members() as f64;
    let (low, high) = poisson_interval(events as f64, options.level);
    let rate = events as f64 / exposure;
    let turnover = Estimate {
        value: rate,
        se: (events as f64).sqrt() / exposure,
        ci_low: low / exposure,
        ci_high: high / exposure,
        level: options.level,
        method: CONSTANT_METHOD.into(),
        n: members,
        n_effective: members,
        n_missing: 0.0,
    };
    let retention_per_period = map_decreasing(&turnover, |l| (-l).exp(), rate.exp().recip());
    let churn_per_period = Estimate {
        value: 1.0 - retention_per_period.value,
        ci_low: 1.0 - retention_per_period.ci_high,
        ci_high: 1.0 - retention_per_period.ci_low,
        ..retention_per_period.clone()
    };
    let (expected_tenure, half_life) = if events > 0 {
        let tenure = map_decreasing(&turnover, |l| 1.0 / l, 1.0 / (rate * rate));
        let half = tenure.clone().scaled(std::f64::consts::LN_2);
        (Some(tenure), Some(half))
    } else {
        (None, None)
    };
    Ok(RetentionSummary {
        group,
        segment,
        members: table.members(),
        events,
        censored: table.total_censored(),
        horizon: options.horizon,
        retention,
        churn,
        median: km.median(),
        period: options.period,
        turnover,
        retention_per_period,
        churn_per_period,
        expected_tenure,
        half_life,
    })
}

/// Applies a decreasing function to the rate and its bounds, with the
/// delta-method standard error `|f'(λ)| se(λ)`.
fn map_decreasing(rate: &Estimate, f: impl Fn(f64) -> f64, derivative: f64) -> Estimate {
    Estimate {
        value: f(rate.value),
        se: derivative.abs() * rate.se,
        ci_low: f(rate.ci_high),
        ci_high: f(rate.ci_low),
        ..rate.clone()
    }
}

/// Exact (Garwood) interval of a Poisson count.
fn poisson_interval(count: f64, level: f64) -> (f64, f64) {
    let alpha = 1.0 - level;
    let low = if count > 0.0 {
        ChiSquared::new(2.0 * count)
            .map(|c| c.inverse_cdf(alpha / 2.0) / 2.0)
            .unwrap_or(0.0)
    } else {
        0.0
    };
    let high = ChiSquared::new(2.0 * count + 2.0)
        .map(|c| c.inverse_cdf(1.0 - alpha / 2.0) / 2.0)
        .unwrap_or(f64::INFINITY);
    (low, high)
}

/// Retention of one segment: its curve and summary figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentRetention {
    /// The Kaplan-Meier curve.
    pub curve: KaplanMeier,
    /// The summary figures.
    pub summary: RetentionSummary,
}

/// Retention of a stakeholder group overall and per segment, with the
/// log-rank test between segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRetention {
    /// Stakeholder group.
    pub group: Stakeholder,
    /// The whole group.
    pub overall: SegmentRetention,
    /// One entry per segment, in the order of `labels`.
    pub segments: Vec<SegmentRetention>,
    /// Log-rank test of equal curves across segments; `None` with fewer
    /// than two segments.
    pub log_rank: Option<LogRankTest>,
}

/// Retention of a stakeholder group (customers, employees, investors,
/// suppliers or a named group) overall and per segment: the same figures
/// for every group.
///
/// `segments[i]` indexes `labels` for member `i` (department, contract type,
/// fund). Without labels there are no segments and `segments` is ignored.
/// Durations, events and entry as in [`RiskTable::from_durations`].
///
/// # Errors
/// As [`RiskTable::from_durations`] and [`summarize`];
/// [`Error::OutOfRange`] for a segment code without a label, and
/// [`Error::Empty`] for a label without members. A log-rank test that cannot
/// be computed (no events) is left out rather than failing the whole call.
#[allow(clippy::too_many_arguments)]
pub fn group_retention(
    group: Stakeholder,
    durations: &[f64],
    events: Option<&[bool]>,
    entry: Option<&[f64]>,
    segments: &[usize],
    labels: &[String],
    options: SummaryOptions,
) -> Result<GroupRetention> {
    if !labels.is_empty() {
        check_same_len("durations", durations.len(), "segments", segments.len())?;
    }
    if let Some(index) = segments
        .iter()
        .position(|&s| s >= labels.len())
        .filter(|_| !labels.is_empty())
    {
        return Err(Error::OutOfRange {
            what: "segments".into(),
            index,
            value: segments[index] as f64,
            expected: format!("segment codes index the {} labels", labels.len()),
        });
    }
    let tables = if labels.is_empty() {
        Vec::new()
    } else {
        super::log_rank::tables_by_group(durations, events, entry, segments)?
    };
    if tables.len() < labels.len() {
        return Err(Error::Empty {
            what: format!("segment {:?}", labels[tables.len()]),
            needed: "every label needs at least one member".into(),
        });
    }
    let whole = tables.iter().fold(RiskTable::new(), |acc, t| acc.merged(t));
    let whole = if labels.is_empty() {
        RiskTable::from_durations(durations, events, entry)?
    } else {
        whole
    };
    let build = |label: Option<&String>, table: &RiskTable| -> Result<SegmentRetention> {
        Ok(SegmentRetention {
            curve: KaplanMeier::from_table(table, options.level)?,
            summary: summarize(group.clone(), label.cloned(), table, options)?,
        })
    };
    let overall = build(None, &whole)?;
    let segments = labels
        .iter()
        .zip(&tables)
        .map(|(l, t)| build(Some(l), t))
        .collect::<Result<Vec<_>>>()?;
    let log_rank = if tables.len() >= 2 {
        log_rank(&tables).ok()
    } else {
        None
    };
    Ok(GroupRetention {
        group,
        overall,
        segments,
        log_rank,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_figures_follow_rate() {
        // 2 events over 10 member-periods: λ = 0.2.
        let t =
            RiskTable::from_durations(&[2.0, 3.0, 5.0], Some(&[true, true, false]), None).unwrap();
        let s = summarize(Stakeholder::Investors, None, &t, SummaryOptions::default()).unwrap();
        assert!((s.turnover.value - 0.2).abs() < 1e-12);
        assert!((s.retention_per_period.value - (-0.2f64).exp()).abs() < 1e-12);
        let tenure = s.expected_tenure.unwrap();
        assert!((tenure.value - 5.0).abs() < 1e-12);
        assert!((s.half_life.unwrap().value - 5.0 * 2f64.ln()).abs() < 1e-12);
        assert!(tenure.ci_low < 5.0, "{tenure:?}");
        assert!(tenure.ci_high > 5.0, "{tenure:?}");
    }

    #[test]
    fn poisson_interval_matches_table() {
        // Garwood interval for 2 events at 95 %, from scipy 1.17.1:
        // chi2.ppf(0.025, 4) / 2 and chi2.ppf(0.975, 6) / 2.
        let (low, high) = poisson_interval(2.0, 0.95);
        assert!((low - 0.24220927854396496).abs() < 1e-9, "{low}");
        assert!((high - 7.22468766772396).abs() < 1e-9, "{high}");
    }

    #[test]
    fn no_events_leaves_tenure_unbounded() {
        let t = RiskTable::from_durations(&[2.0, 3.0], Some(&[false, false]), None).unwrap();
        let s = summarize(Stakeholder::Suppliers, None, &t, SummaryOptions::default()).unwrap();
        assert_eq!(s.turnover.value, 0.0);
        assert!(s.expected_tenure.is_none());
    }
}
