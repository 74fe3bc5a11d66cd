//! [`RfmSummary`]: per-customer frequency, recency, age and mean repeat value.

use serde::{Deserialize, Serialize};

use super::period::Period;
use crate::error::{Error, Result};

/// Per-customer summary of a transaction log, one entry per customer in
/// ascending id order, times in the period's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSummary<K> {
    /// Period that grouped the transactions and the time unit.
    pub period: Period,
    /// Customer ids, ascending.
    pub customer_id: Vec<K>,
    /// Repeat purchase periods: distinct periods with a purchase, minus the
    /// first.
    pub frequency: Vec<u64>,
    /// Time from the first purchase period to the last one (0 without repeats).
    pub recency: Vec<f64>,
    /// Age: time from the first purchase period to the end of observation
    /// (or of calibration).
    #[serde(rename = "T")]
    pub t: Vec<f64>,
    /// Mean value of the repeat periods (each the sum of its transactions),
    /// 0 without repeats; `None` when no values were given.
    pub monetary_value: Option<Vec<f64>>,
    /// Purchases after the calibration end, when one was given.
    pub holdout: Option<Holdout>,
}

/// Purchases of the calibration customers in the holdout period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    /// Distinct periods with a purchase after the calibration end.
    pub frequency: Vec<u64>,
    /// Mean value of those periods, 0 without any; `None` without values.
    pub monetary_value: Option<Vec<f64>>,
    /// Length of the holdout period in the time unit, the same for everyone.
    pub duration: f64,
}

impl<K> RfmSummary<K> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customer_id.len()
    }

    /// Whether the summary has no customers.
    pub fn is_empty(&self) -> bool {
        self.customer_id.is_empty()
    }

    /// Checks the invariants a model fit relies on and returns the rows that
    /// break them: `0 <= recency <= T`, and `recency > 0` when `frequency > 0`
    /// for calendar periods (two distinct periods are at least one unit
    /// apart). A summary built by this module always passes.
    ///
    /// # Errors
    /// [`Error::InvalidData`] naming the rows that break a rule.
    pub fn validate(&self) -> Result<()> {
        let bad: Vec<usize> = (0..self.len())
            .filter(|&i| {
                let (x, r, t) = (self.frequency[i], self.recency[i], self.t[i]);
                !(r.is_finite() && t.is_finite() && r >= 0.0 && r <= t) || (x > 0 && r <= 0.0)
            })
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_rows(
                "RFM summary",
                "recency must lie in 0..=T, and be positive for customers with repeat purchases",
                &bad,
                "rebuild the summary from the transaction log",
            ))
        }
    }
}
