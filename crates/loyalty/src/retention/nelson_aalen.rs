//! Nelson-Aalen estimate of the cumulative hazard.
//!
//! # Formula
//! ```text
//! H(t)     = Σ_{t_j <= t} d_j / n_j          Nelson (1972), Aalen (1978)
//! Var H(t) = Σ_{t_j <= t} d_j / n_j²         Aalen's estimator
//! CI       = H · exp(±z · se / H)            log transform (positive bounds)
//! ```
//! Tied events count as `d_j / n_j`, without the `Σ_{i<d} 1/(n - i)`
//! smoothing that lifelines' `NelsonAalenFitter` applies by default; with
//! `nelson_aalen_smoothing=False` lifelines gives the same values.

use serde::{Deserialize, Serialize};

use super::risk_table::RiskTable;
use crate::error::{check_level, Error, Result};
use crate::estimate::z_two_sided;

/// One time of the cumulative hazard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NelsonAalenRow {
    /// Event or censoring time.
    pub time: f64,
    /// Members at risk at `time`.
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// Censorings at `time`.
    pub censored: u64,
    /// Cumulative hazard `H(time)`.
    pub cumulative_hazard: f64,
    /// Standard error of `H(time)` (Aalen).
    pub se: f64,
    /// Lower bound of the log-transformed interval.
    pub ci_low: f64,
    /// Upper bound of the log-transformed interval.
    pub ci_high: f64,
}

/// A Nelson-Aalen cumulative hazard curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NelsonAalen {
    /// One row per event or censoring time, ascending.
    pub rows: Vec<NelsonAalenRow>,
    /// Level of the intervals.
    pub level: f64,
    /// Interval method.
    pub method: String,
}

impl NelsonAalen {
    /// Estimates the cumulative hazard from a risk table.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1), and
    /// [`Error::Empty`] for a table without members.
    pub fn from_table(table: &RiskTable, level: f64) -> Result<Self> {
        check_level(level)?;
        if table.is_empty() {
            return Err(Error::Empty {
                what: "risk table".into(),
                needed: "pass at least one member".into(),
            });
        }
        let z = z_two_sided(level);
        let mut hazard = 0.0;
        let mut variance = 0.0;
        let mut rows = Vec::new();
        for r in table.rows() {
            if r.events == 0 && r.censored == 0 {
                continue;
            }
            if r.events > 0 {
                let (d, n) = (r.events as f64, r.at_risk as f64);
                hazard += d / n;
                variance += d / (n * n);
            }
            let se = variance.sqrt();
            let (ci_low, ci_high) = if hazard > 0.0 {
                let factor = (z * se / hazard).exp();
                (hazard / factor, hazard * factor)
            } else {
                (0.0, 0.0)
            };
            rows.push(NelsonAalenRow {
                time: r.time,
                at_risk: r.at_risk,
                events: r.events,
                censored: r.censored,
                cumulative_hazard: hazard,
                se,
                ci_low,
                ci_high,
            });
        }
        Ok(NelsonAalen {
            rows,
            level,
            method: "nelson_aalen_aalen_variance_log".into(),
        })
    }

    /// Cumulative hazard `H(t)`, 0 before the first event.
    pub fn cumulative_hazard_at(&self, t: f64) -> f64 {
        let after = self.rows.partition_point(|r| r.time <= t);
        after
            .checked_sub(1)
            .map_or(0.0, |j| self.rows[j].cumulative_hazard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazard_sums_event_ratios() {
        // Events at 1 (n = 4) and 3 (n = 2, tie of two): H(3) = 1/4 + 2/2.
        let t = RiskTable::from_durations(
            &[1.0, 2.0, 3.0, 3.0],
            Some(&[true, false, true, true]),
            None,
        )
        .unwrap();
        let na = NelsonAalen::from_table(&t, 0.95).unwrap();
        assert!((na.cumulative_hazard_at(2.5) - 0.25).abs() < 1e-15);
        assert!((na.cumulative_hazard_at(3.0) - 1.25).abs() < 1e-15);
        let var = 1.0 / 16.0 + 2.0 / 4.0;
        assert!((na.rows[2].se - f64::sqrt(var)).abs() < 1e-15);
        assert_eq!(na.cumulative_hazard_at(0.5), 0.0);
    }
}
