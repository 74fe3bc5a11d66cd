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
    /// Returns the summary with each customer id mapped by `f`, such as
    /// codes back to the ids they encode.
    pub fn map_ids<J>(self, f: impl FnMut(K) -> J) -> RfmSummary<J> {
        RfmSummary {
            period: self.period,
            customer_id: self.customer_id.into_iter().map(f).collect(),
            frequency: self.frequency,
            recency: self.recency,
            t: self.t,
            monetary_value: self.monetary_value,
            holdout: self.holdout,
        }
    }

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

/// One customer's purchase periods reduced to what the summary needs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Tally {
    /// First purchase period.
    pub first: i64,
    /// Last purchase period up to the calibration end.
    pub last: i64,
    /// Purchase periods after the first, up to the calibration end.
    pub repeats: u64,
    /// Purchase periods after the calibration end.
    pub holdout: u64,
    /// Summed value of the repeat periods, added in period order from 0.0.
    pub repeat_sum: f64,
    /// Summed value of the holdout periods, added in period order from 0.0.
    pub holdout_sum: f64,
}

impl Tally {
    /// Tallies the distinct periods of a customer's purchases, ascending,
    /// each with its summed value, against the calibration end `end`. No
    /// purchases give a first period after any end.
    pub(super) fn of(purchases: impl Iterator<Item = (i64, f64)>, end: i64) -> Tally {
        let mut purchases = purchases;
        let Some((first, _)) = purchases.next() else {
            return Tally {
                first: i64::MAX,
                ..Tally::default()
            };
        };
        let mut tally = Tally {
            first,
            last: first,
            ..Tally::default()
        };
        // Sums run from 0.0 in period order on every path, so that summaries
        // of one log agree to the bit however they were computed.
        for (p, value) in purchases {
            if p <= end {
                tally.last = p;
                tally.repeats += 1;
                tally.repeat_sum += value;
            } else {
                tally.holdout += 1;
                tally.holdout_sum += value;
            }
        }
        tally
    }
}

/// A summary filled customer by customer, at fixed observation and
/// calibration ends (period indices).
pub(super) struct SummaryBuilder<K> {
    summary: RfmSummary<K>,
    /// Last period of the calibration (or, without one, the observation).
    end: i64,
}

impl<K> SummaryBuilder<K> {
    /// Starts a summary of up to `n_customers` customers.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `calibration` is after `observation`.
    pub(super) fn new(
        period: Period,
        n_customers: usize,
        has_values: bool,
        observation: i64,
        calibration: Option<i64>,
    ) -> Result<Self> {
        if let Some(c) = calibration {
            if c > observation {
                return Err(Error::invalid_parameter(
                    "calibration_end",
                    format!("period {c}"),
                    format!(
                        "a calibration end no later than observation_end (period {observation})"
                    ),
                ));
            }
        }
        let duration = calibration.map(|c| period.span(c, observation));
        let summary = RfmSummary {
            period,
            customer_id: Vec::with_capacity(n_customers),
            frequency: Vec::with_capacity(n_customers),
            recency: Vec::with_capacity(n_customers),
            t: Vec::with_capacity(n_customers),
            monetary_value: has_values.then(|| Vec::with_capacity(n_customers)),
            holdout: duration.map(|duration| Holdout {
                frequency: Vec::with_capacity(n_customers),
                monetary_value: has_values.then(|| Vec::with_capacity(n_customers)),
                duration,
            }),
        };
        Ok(SummaryBuilder {
            summary,
            end: calibration.unwrap_or(observation),
        })
    }

    /// Last period of the calibration (or, without one, the observation).
    pub(super) fn end(&self) -> i64 {
        self.end
    }

    /// Returns whether the summary has a holdout period (a calibration end).
    pub(super) fn has_holdout(&self) -> bool {
        self.summary.holdout.is_some()
    }

    /// Fills slot `c` from the distinct periods of a customer's purchases,
    /// ascending, each with its summed value.
    pub(super) fn add(&mut self, c: usize, purchases: impl Iterator<Item = (i64, f64)>) {
        let tally = Tally::of(purchases, self.end);
        self.set_unscaled(c, &tally);
    }

    /// Starts a summary with `n_customers` slots, filled by [`Self::add`] or
    /// [`Self::set_unscaled`] and given their ids by [`Self::finish_slots`].
    pub(super) fn slots(mut self, n_customers: usize) -> Self {
        let s = &mut self.summary;
        s.frequency.resize(n_customers, 0);
        s.recency.resize(n_customers, 0.0);
        s.t.resize(n_customers, 0.0);
        if let Some(m) = s.monetary_value.as_mut() {
            m.resize(n_customers, 0.0);
        }
        if let Some(h) = s.holdout.as_mut() {
            h.frequency.resize(n_customers, 0);
            if let Some(m) = h.monetary_value.as_mut() {
                m.resize(n_customers, 0.0);
            }
        }
        self
    }

    /// Writes the columns of slot `c` before [`Self::scale`]: times in
    /// periods, monetary values as sums.
    pub(super) fn set_unscaled(&mut self, c: usize, tally: &Tally) {
        self.columns().set(c, tally);
    }

    /// Returns the columns, to be written by [`Columns::set`].
    pub(super) fn columns(&mut self) -> Columns<'_> {
        let s = &mut self.summary;
        let (holdout_frequency, holdout_monetary): (&mut [u64], &mut [f64]) =
            match s.holdout.as_mut() {
                Some(h) => (
                    &mut h.frequency,
                    h.monetary_value.as_deref_mut().unwrap_or(&mut []),
                ),
                None => (&mut [], &mut []),
            };
        Columns {
            end: self.end,
            frequency: &mut s.frequency,
            recency: &mut s.recency,
            t: &mut s.t,
            monetary: s.monetary_value.as_deref_mut().unwrap_or(&mut []),
            holdout_frequency,
            holdout_monetary,
        }
    }

    /// Turns the slots in `range` from [`Self::set_unscaled`] into final
    /// values: times into the period's unit ([`Period::span`]), sums into
    /// means. One pass per column, which the compiler vectorises.
    pub(super) fn scale(&mut self, range: std::ops::Range<usize>) {
        let s = &mut self.summary;
        if let Period::Days(days) = s.period {
            s.recency[range.clone()].iter_mut().for_each(|x| *x /= days);
            s.t[range.clone()].iter_mut().for_each(|x| *x /= days);
        }
        if let Some(m) = s.monetary_value.as_mut() {
            means_in_place(&mut m[range.clone()], &s.frequency[range.clone()]);
        }
        if let Some(h) = s.holdout.as_mut() {
            if let Some(m) = h.monetary_value.as_mut() {
                means_in_place(&mut m[range.clone()], &h.frequency[range]);
            }
        }
    }

    /// Returns the summary of the slots, with the customer ids in slot order.
    /// Slots of customers whose first purchase is after the calibration end (a
    /// negative `T`) are dropped.
    ///
    /// # Errors
    /// As [`Self::finish`].
    pub(super) fn finish_slots(mut self, customer_id: Vec<K>) -> Result<RfmSummary<K>> {
        self.scale(0..customer_id.len());
        let s = &mut self.summary;
        // Values are finite, but their sums can pass the largest float.
        let holdout_monetary = s.holdout.as_ref().and_then(|h| h.monetary_value.as_ref());
        let all_finite = |m: Option<&Vec<f64>>| {
            m.is_none_or(|m| m.iter().fold(0.0, |acc, &x| acc + x * 0.0) == 0.0)
        };
        if !(all_finite(s.monetary_value.as_ref()) && all_finite(holdout_monetary)) {
            let overflowed: Vec<usize> = (0..customer_id.len())
                .filter(|&c| {
                    let finite = |m: Option<&Vec<f64>>| m.is_none_or(|m| m[c].is_finite());
                    !(finite(s.monetary_value.as_ref()) && finite(holdout_monetary))
                })
                .collect();
            return Err(Error::invalid_rows(
                "transaction values",
                "the values of some customers' periods add up beyond the largest float (1.8e308)",
                &overflowed,
                "rescale the values, e.g. to thousands",
            ));
        }
        s.customer_id = customer_id;
        if s.holdout.is_some() && s.t.iter().any(|&t| t < 0.0) {
            let keep: Vec<bool> = s.t.iter().map(|&t| t >= 0.0).collect();
            retain(&mut s.customer_id, &keep);
            retain(&mut s.frequency, &keep);
            retain(&mut s.recency, &keep);
            retain(&mut s.t, &keep);
            if let Some(m) = s.monetary_value.as_mut() {
                retain(m, &keep);
            }
            if let Some(h) = s.holdout.as_mut() {
                retain(&mut h.frequency, &keep);
                if let Some(m) = h.monetary_value.as_mut() {
                    retain(m, &keep);
                }
            }
        }
        self.finish()
    }

    /// Returns the finished summary.
    ///
    /// # Errors
    /// [`Error::Empty`] when no customer bought by the calibration end.
    pub(super) fn finish(self) -> Result<RfmSummary<K>> {
        if self.summary.is_empty() {
            return Err(Error::Empty {
                what: "calibration period".to_string(),
                needed: "no customer bought by calibration_end; choose a later calibration_end"
                    .to_string(),
            });
        }
        Ok(self.summary)
    }
}

/// The columns of a [`SummaryBuilder`], borrowed as slices so that a loop
/// writing them keeps its running values in registers.
pub(super) struct Columns<'a> {
    end: i64,
    frequency: &'a mut [u64],
    recency: &'a mut [f64],
    t: &'a mut [f64],
    /// Empty when the summary has no such column.
    monetary: &'a mut [f64],
    holdout_frequency: &'a mut [u64],
    holdout_monetary: &'a mut [f64],
}

impl Columns<'_> {
    /// Writes slot `c` before [`SummaryBuilder::scale`]: times in periods,
    /// monetary values as sums.
    pub(super) fn set(&mut self, c: usize, tally: &Tally) {
        let values = !self.monetary.is_empty();
        match (values, !self.holdout_frequency.is_empty()) {
            (true, true) => self.set_known::<true, true>(c, tally),
            (true, false) => self.set_known::<true, false>(c, tally),
            (false, true) => self.set_known::<false, true>(c, tally),
            (false, false) => self.set_known::<false, false>(c, tally),
        }
    }

    /// [`Self::set`] for a summary known to have monetary columns
    /// (`VALUES`) and holdout columns (`HOLDOUT`), without testing which.
    #[inline(always)]
    pub(super) fn set_known<const VALUES: bool, const HOLDOUT: bool>(
        &mut self,
        c: usize,
        tally: &Tally,
    ) {
        self.frequency[c] = tally.repeats;
        self.recency[c] = (tally.last - tally.first) as f64;
        self.t[c] = (self.end - tally.first) as f64;
        if VALUES {
            self.monetary[c] = tally.repeat_sum;
        }
        if HOLDOUT {
            self.holdout_frequency[c] = tally.holdout;
            if VALUES {
                self.holdout_monetary[c] = tally.holdout_sum;
            }
        }
    }
}

/// Divides sums of period values by their counts, giving 0 for none (the
/// convention of Fader and Hardie's CDNOW summary and of lifetimes for
/// customers without repeat purchases). A sum over no periods is exactly 0.0
/// on every path, so dividing it by 1 needs no branch.
fn means_in_place(sums: &mut [f64], counts: &[u64]) {
    for (sum, &count) in sums.iter_mut().zip(counts) {
        *sum /= count.max(1) as f64;
    }
}

/// Keeps the entries of `column` whose `keep` flag is set.
fn retain<T>(column: &mut Vec<T>, keep: &[bool]) {
    let mut flags = keep.iter();
    column.retain(|_| flags.next().copied().unwrap_or(false));
}
