//! Discrete per-period hazard and retention (a life table on periods of
//! equal length).
//!
//! Period `k >= 1` covers `((k-1)w, kw]`. Its risk set is every member
//! observed during it, `entry < kw` and `exit > (k-1)w`; members censored
//! inside the period count as at risk for all of it. Then
//!
//! ```text
//! h_k = d_k / n_k        hazard: share of the period's risk set that churns
//! r_k = 1 - h_k          retention rate of the period
//! S_k = Π_{i<=k} r_i     retention to the end of period k
//! ```
//! For durations and entries that are whole multiples of `w`, `S_k` equals
//! the Kaplan-Meier curve at `kw`.

use serde::{Deserialize, Serialize};

use super::risk_table::RiskTable;
use crate::error::{Error, Result};

/// Largest number of periods a table may have, so that a tiny width cannot
/// allocate without bound.
pub const MAX_PERIODS: usize = 1_000_000;

/// One period of a [`PeriodTable`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeriodRow {
    /// Period number, from 1.
    pub period: usize,
    /// Start of the period (exclusive).
    pub start: f64,
    /// End of the period (inclusive).
    pub end: f64,
    /// Members observed during the period.
    pub at_risk: u64,
    /// Events in the period.
    pub events: u64,
    /// Censorings in the period.
    pub censored: u64,
    /// `events / at_risk`, or NaN when no member is at risk.
    pub hazard: f64,
    /// Binomial standard error `sqrt(h (1 - h) / n)` of the hazard.
    pub se: f64,
    /// `1 - hazard`.
    pub retention: f64,
    /// Product of the retention rates up to this period.
    pub survival: f64,
}

/// Per-period hazards and retention rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodTable {
    /// Length of one period in the time unit of the durations.
    pub width: f64,
    /// Periods 1..=K, where period K contains the last event or censoring.
    pub rows: Vec<PeriodRow>,
}

impl PeriodTable {
    /// Aggregates a risk table into periods of length `width`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a width that is not finite and > 0 or
    /// that makes more than [`MAX_PERIODS`] periods, and [`Error::Empty`]
    /// for a table without members.
    pub fn from_table(table: &RiskTable, width: f64) -> Result<Self> {
        if !(width.is_finite() && width > 0.0) {
            return Err(Error::invalid_parameter(
                "width",
                width,
                "a finite period length > 0",
            ));
        }
        if table.is_empty() {
            return Err(Error::Empty {
                what: "risk table".into(),
                needed: "pass at least one member".into(),
            });
        }
        let last = table.times().last().copied().unwrap_or(0.0).max(0.0);
        let periods = ((last / width).ceil() as usize).max(1);
        if periods > MAX_PERIODS {
            return Err(Error::invalid_parameter(
                "width",
                width,
                format!("a period length that makes at most {MAX_PERIODS} periods up to the last time {last}"),
            ));
        }
        let rows: Vec<_> = table.rows().collect();
        // entered_before[j] / exited_upto[j]: counts over rows[..j].
        let mut entered = table.initial();
        let mut exited = 0u64;
        let mut j_entry = 0;
        let mut j_exit = 0;
        let mut j_events = 0;
        let mut survival = 1.0;
        let mut out = Vec::with_capacity(periods);
        for k in 1..=periods {
            let start = (k - 1) as f64 * width;
            let end = k as f64 * width;
            while j_entry < rows.len() && rows[j_entry].time < end {
                entered += rows[j_entry].entered;
                j_entry += 1;
            }
            while j_exit < rows.len() && rows[j_exit].time <= start {
                exited += rows[j_exit].events + rows[j_exit].censored;
                j_exit += 1;
            }
            // Rows at or before time 0 belong to period 1.
            let (mut events, mut censored) = (0, 0);
            while j_events < rows.len()
                && (rows[j_events].time <= end || k == 1 && rows[j_events].time <= 0.0)
            {
                events += rows[j_events].events;
                censored += rows[j_events].censored;
                j_events += 1;
            }
            let at_risk = entered.saturating_sub(if k == 1 { 0 } else { exited });
            let (hazard, se) = if at_risk > 0 {
                let h = events as f64 / at_risk as f64;
                (h, (h * (1.0 - h) / at_risk as f64).sqrt())
            } else {
                (f64::NAN, f64::NAN)
            };
            if at_risk > 0 {
                survival *= 1.0 - hazard;
            }
            out.push(PeriodRow {
                period: k,
                start,
                end,
                at_risk,
                events,
                censored,
                hazard,
                se,
                retention: 1.0 - hazard,
                survival,
            });
        }
        Ok(PeriodTable { width, rows: out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::KaplanMeier;

    #[test]
    fn survival_matches_kaplan_meier_on_whole_periods() {
        let d = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0];
        let e = [true, true, false, true, false, true, true, false];
        let x = [0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 3.0];
        let table = RiskTable::from_durations(&d, Some(&e), Some(&x)).unwrap();
        let periods = PeriodTable::from_table(&table, 1.0).unwrap();
        let km = KaplanMeier::from_table(&table, 0.95).unwrap();
        for row in &periods.rows {
            let s = km.survival_at(row.end);
            assert!(
                (row.survival - s).abs() < 1e-12,
                "period {}: {} vs {s}",
                row.period,
                row.survival
            );
        }
    }

    #[test]
    fn rejects_bad_width() {
        let table = RiskTable::from_durations(&[1.0], None, None).unwrap();
        assert!(PeriodTable::from_table(&table, 0.0).is_err());
        assert!(PeriodTable::from_table(&table, 1e-9).is_err());
    }
}
