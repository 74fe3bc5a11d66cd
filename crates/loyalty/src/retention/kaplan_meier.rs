//! Kaplan-Meier product-limit estimate of the retention (survival) curve,
//! with Greenwood variance, log(-log) intervals and quantiles.
//!
//! # Formula
//! ```text
//! S(t)       = Π_{t_j <= t} (1 - d_j / n_j)                 Kaplan & Meier (1958)
//! Var S(t)   = S(t)² Σ_{t_j <= t} d_j / (n_j (n_j - d_j))   Greenwood (1926)
//! σ(t)       = sqrt(Σ d_j / (n_j (n_j - d_j))) / |ln S(t)|
//! CI         = [S^exp(+z σ), S^exp(-z σ)]                     log(-log), Kalbfleisch & Prentice (1980)
//! ```
//! `n_j` is the risk set `{entry < t_j <= exit}` (see [`RiskTable`]). At a
//! time with both events and censorings the events come first: the censored
//! members are in the risk set of those events.
//!
//! Where `S(t) = 1` the interval is `[1, 1]`. Where `S(t) = 0` (the risk set
//! was emptied by events) the estimate, its standard error and its interval
//! are all 0 from then on, also after later entrants; R's `survival` reports
//! NA for that interval. Both are stated, neither is NaN.

use serde::{Deserialize, Serialize};

use super::risk_table::{RiskRow, RiskTable};
use crate::error::{check_level, Error, Result};
use crate::estimate::{z_two_sided, Estimate};

/// Name of the interval method stored in every row and estimate.
pub const KM_METHOD: &str = "kaplan_meier_greenwood_log_log";

/// Relative tolerance under which `S(t)` counts as equal to a quantile's
/// survival level `1 - q` (a product of ratios rarely hits 0.5 exactly).
const QUANTILE_TOLERANCE: f64 = 1e-12;

/// One time of the Kaplan-Meier curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KmRow {
    /// Time of the row (an event or censoring time).
    pub time: f64,
    /// Members at risk at `time`.
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// Censorings at `time`.
    pub censored: u64,
    /// Late entries at `time` (at risk only after it).
    pub entered: u64,
    /// Estimated retention `S(time)`.
    pub survival: f64,
    /// Greenwood standard error of `survival`.
    pub se: f64,
    /// Lower bound of the log(-log) interval.
    pub ci_low: f64,
    /// Upper bound of the log(-log) interval.
    pub ci_high: f64,
}

/// A quantile of the duration distribution with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileEstimate {
    /// Probability `q` of the quantile (0.5 for the median).
    pub q: f64,
    /// Smallest time with `S(t) <= 1 - q`; `None` when the curve never falls
    /// that low (quantile not reached).
    pub time: Option<f64>,
    /// Lower bound: where the lower band of `S` first falls to `1 - q`.
    pub ci_low: Option<f64>,
    /// Upper bound: where the upper band of `S` first falls to `1 - q`;
    /// `None` when it never does (the interval is open above).
    pub ci_high: Option<f64>,
    /// Level of the interval.
    pub level: f64,
    /// Interval method.
    pub method: String,
}

/// A Kaplan-Meier curve with pointwise intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KaplanMeier {
    /// One row per event or censoring time, ascending.
    pub rows: Vec<KmRow>,
    /// Level of the intervals.
    pub level: f64,
    /// Interval method, [`KM_METHOD`].
    pub method: String,
    /// Members in the estimate (initial plus late entrants).
    pub members: u64,
}

impl KaplanMeier {
    /// Estimates the curve from a risk table.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1), and
    /// [`Error::Empty`] for a table without members.
    pub fn from_table(table: &RiskTable, level: f64) -> Result<Self> {
        let mut rows = Vec::with_capacity(table.times().len());
        Self::for_each_row(table, level, |row| rows.push(row))?;
        Ok(KaplanMeier {
            rows,
            level,
            method: KM_METHOD.into(),
            members: table.members(),
        })
    }

    /// Computes the rows of the curve one at a time and passes each to
    /// `visit`, without storing them (for callers that keep columns).
    ///
    /// # Errors
    /// As [`KaplanMeier::from_table`].
    pub fn for_each_row(table: &RiskTable, level: f64, mut visit: impl FnMut(KmRow)) -> Result<()> {
        check_level(level)?;
        if table.is_empty() {
            return Err(Error::Empty {
                what: "risk table".into(),
                needed: "pass at least one member".into(),
            });
        }
        let mut product = ProductLimit::new(level);
        for r in table.rows() {
            if let Some(row) = product.push(&r) {
                visit(row);
            }
        }
        Ok(())
    }

    /// Computes the rows of the curve of individual records and passes each
    /// to `visit`, storing neither the risk table nor the rows. Returns the
    /// number of members.
    ///
    /// # Errors
    /// As [`RiskTable::from_durations`] and [`KaplanMeier::from_table`].
    pub fn for_each_row_of_durations(
        durations: &[f64],
        events: Option<&[bool]>,
        entry: Option<&[f64]>,
        level: f64,
        mut visit: impl FnMut(KmRow),
    ) -> Result<u64> {
        check_level(level)?;
        let mut product = ProductLimit::new(level);
        RiskTable::stream_durations(durations, events, entry, |r| {
            if let Some(row) = product.push(&r) {
                visit(row);
            }
        })
    }

    /// Estimates the curve from individual records; see
    /// [`RiskTable::from_durations`] for the inputs and their errors.
    ///
    /// # Errors
    /// As [`RiskTable::from_durations`] and [`KaplanMeier::from_table`].
    pub fn fit(
        durations: &[f64],
        events: Option<&[bool]>,
        entry: Option<&[f64]>,
        level: f64,
    ) -> Result<Self> {
        let mut rows = Vec::new();
        let members =
            Self::for_each_row_of_durations(durations, events, entry, level, |r| rows.push(r))?;
        Ok(KaplanMeier {
            rows,
            level,
            method: KM_METHOD.into(),
            members,
        })
    }

    /// Index of the last row at or before `t`, or `None` before the first.
    fn row_at(&self, t: f64) -> Option<usize> {
        let after = self.rows.partition_point(|r| r.time <= t);
        after.checked_sub(1)
    }

    /// Retention `S(t)`: right-continuous step function, 1 before the first
    /// event; beyond the last row it stays at the last value.
    pub fn survival_at(&self, t: f64) -> f64 {
        self.row_at(t).map_or(1.0, |j| self.rows[j].survival)
    }

    /// Returns `S(t)` as an [`Estimate`] with its Greenwood standard error
    /// and log(-log) interval. Its `n` is the number at risk at the last
    /// event or censoring time at or before `t` (all members before the first).
    ///
    /// # Errors
    /// [`Error::NotFinite`] for a NaN `t`.
    pub fn estimate_at(&self, t: f64) -> Result<Estimate> {
        if t.is_nan() {
            return Err(Error::NotFinite {
                what: "t".into(),
                index: 0,
                value: t,
                hint: String::new(),
            });
        }
        let (value, se, ci_low, ci_high, at_risk) = match self.row_at(t) {
            None => (1.0, 0.0, 1.0, 1.0, self.members),
            Some(j) => {
                let r = &self.rows[j];
                (r.survival, r.se, r.ci_low, r.ci_high, r.at_risk)
            }
        };
        Ok(Estimate {
            value,
            se,
            ci_low,
            ci_high,
            level: self.level,
            method: self.method.clone(),
            n: at_risk as f64,
            n_effective: at_risk as f64,
            n_missing: 0.0,
        })
    }

    /// Quantile `q` of the duration distribution: the smallest time with
    /// `S(t) <= 1 - q` (0.5 gives the median), with the Brookmeyer-Crowley
    /// interval read off the log(-log) band (Brookmeyer & Crowley 1982, "A
    /// confidence interval for the median survival time", Biometrics 38).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 < q < 1`.
    pub fn quantile(&self, q: f64) -> Result<QuantileEstimate> {
        if !(q > 0.0 && q < 1.0) {
            return Err(Error::invalid_parameter(
                "q",
                q,
                "a probability strictly between 0 and 1 (0.5 for the median)",
            ));
        }
        let level = 1.0 - q;
        let first_below = |value: fn(&KmRow) -> f64| {
            self.rows
                .iter()
                .find(|r| value(r) <= level * (1.0 + QUANTILE_TOLERANCE))
                .map(|r| r.time)
        };
        Ok(QuantileEstimate {
            q,
            time: first_below(|r| r.survival),
            ci_low: first_below(|r| r.ci_low),
            ci_high: first_below(|r| r.ci_high),
            level: self.level,
            method: "brookmeyer_crowley_log_log".into(),
        })
    }

    /// Returns the median duration, [`KaplanMeier::quantile`] at 0.5.
    pub fn median(&self) -> QuantileEstimate {
        // q = 0.5 is always valid.
        self.quantile(0.5).unwrap_or_else(|_| unreachable!())
    }

    /// Retention at the end of each whole period `0..=periods` of length
    /// `width`: the empirical curve to compare with a model's survival curve.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a width that is not finite and > 0.
    pub fn survival_at_periods(&self, periods: usize, width: f64) -> Result<Vec<f64>> {
        if !(width.is_finite() && width > 0.0) {
            return Err(Error::invalid_parameter(
                "width",
                width,
                "a finite period length > 0",
            ));
        }
        Ok((0..=periods)
            .map(|k| self.survival_at(k as f64 * width))
            .collect())
    }
}

/// Running state of the product-limit estimate over the rows of a risk
/// table.
struct ProductLimit {
    z: f64,
    survival: f64,
    greenwood: f64,
}

impl ProductLimit {
    fn new(level: f64) -> Self {
        ProductLimit {
            z: z_two_sided(level),
            survival: 1.0,
            greenwood: 0.0,
        }
    }

    /// Advances past one risk-table row; rows with neither events nor
    /// censorings (entries only) give no curve row.
    fn push(&mut self, r: &RiskRow) -> Option<KmRow> {
        if r.events == 0 && r.censored == 0 {
            return None;
        }
        if r.events > 0 && self.survival > 0.0 {
            if r.events >= r.at_risk {
                self.survival = 0.0;
            } else {
                let (d, n) = (r.events as f64, r.at_risk as f64);
                self.survival *= 1.0 - d / n;
                self.greenwood += d / (n * (n - d));
            }
        }
        let (se, ci_low, ci_high) = band(self.survival, self.greenwood, self.z);
        Some(KmRow {
            time: r.time,
            at_risk: r.at_risk,
            events: r.events,
            censored: r.censored,
            entered: r.entered,
            survival: self.survival,
            se,
            ci_low,
            ci_high,
        })
    }
}

/// Greenwood standard error and log(-log) interval of `survival`.
fn band(survival: f64, greenwood: f64, z: f64) -> (f64, f64, f64) {
    if survival <= 0.0 {
        return (0.0, 0.0, 0.0);
    }
    if survival >= 1.0 {
        return (0.0, 1.0, 1.0);
    }
    let root = greenwood.sqrt();
    let log_survival = survival.ln();
    let se = survival * root;
    // S^exp(±zσ) = exp(ln S · exp(±zσ)), with σ = sqrt(Σ) / |ln S|.
    let factor = (z * root / log_survival.abs()).exp();
    let low = (log_survival * factor).exp();
    let high = (log_survival / factor).exp();
    (se, low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survival_is_one_before_first_event() {
        let km = KaplanMeier::fit(&[2.0, 3.0], None, None, 0.95).unwrap();
        assert_eq!(km.survival_at(1.0), 1.0);
        assert_eq!(km.survival_at(2.0), 0.5);
        assert_eq!(km.survival_at(10.0), 0.0);
    }

    #[test]
    fn events_come_before_censorings_at_same_time() {
        // The member censored at 2 is at risk for the event at 2: S(2) = 1/2.
        let km = KaplanMeier::fit(&[2.0, 2.0], Some(&[true, false]), None, 0.95).unwrap();
        assert_eq!(km.rows[0].at_risk, 2);
        assert_eq!(km.survival_at(2.0), 0.5);
    }

    #[test]
    fn quantile_not_reached_is_none() {
        let km =
            KaplanMeier::fit(&[1.0, 5.0, 6.0], Some(&[true, false, false]), None, 0.95).unwrap();
        let m = km.median();
        assert_eq!(m.time, None);
        assert_eq!(m.ci_high, None);
    }

    #[test]
    fn quantile_rejects_bad_q() {
        let km = KaplanMeier::fit(&[1.0], None, None, 0.95).unwrap();
        assert!(km.quantile(0.0).is_err());
        assert!(km.quantile(1.0).is_err());
        assert!(km.quantile(f64::NAN).is_err());
    }

    #[test]
    fn interval_contains_estimate() {
        let d = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 9.0, 12.0];
        let e = [true, false, true, true, false, true, true, false];
        let km = KaplanMeier::fit(&d, Some(&e), None, 0.9).unwrap();
        for r in &km.rows {
            assert!(r.ci_low <= r.survival, "{r:?}");
            assert!(r.survival <= r.ci_high, "{r:?}");
        }
    }
}
