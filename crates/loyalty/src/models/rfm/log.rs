//! [`RfmLog`]: transactions reduced to one value per customer and period, the
//! summary that merges across partitions of a transaction log.

use std::fmt::Debug;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::dates::{moment_day, DateSettings, Moment};
use super::groups::CustomerGroups;
use super::period::Period;
use super::summary::{RfmSummary, SummaryBuilder};
use crate::error::{Error, Result};

/// Purchases per customer and period: the sorted distinct periods in which
/// each customer bought, with the summed value of each period.
///
/// This is the sufficient statistic of an RFM summary. Logs built from
/// partitions of a transaction log (by customer, by time, or arbitrarily)
/// merge associatively and commutatively into the log of the whole. A log too
/// large for one machine is therefore summarised from per-partition logs, for
/// example in Dask or Spark. Memory is one entry per distinct
/// (customer, period), at most one per transaction.
///
/// NOTE: when one customer's purchases in one period are split across
/// partitions, the merged sum is added in another order than in a single log,
/// so it may differ from it in the last bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmLog<K> {
    period: Period,
    /// Declared time zone name (`None` for naive dates).
    tz: Option<String>,
    /// strftime-style format of text dates.
    date_format: Option<String>,
    /// Whether transaction values were given (else `values` are all zero).
    has_values: bool,
    /// Customer ids, ascending and distinct.
    customer_ids: Vec<K>,
    /// Customer `i` owns `periods[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<usize>,
    /// Period indices of each customer, ascending and distinct.
    periods: Vec<i64>,
    /// Summed transaction value of each customer and period.
    values: Vec<f64>,
}

impl<K: Ord + Clone> RfmLog<K> {
    /// Groups validated rows (customer, civil day number, value) by customer
    /// and period.
    pub(crate) fn from_days(
        customer_ids: &[K],
        days: &[i64],
        values: Option<&[f64]>,
        period: Period,
        settings: (Option<String>, Option<String>),
    ) -> Self
    where
        K: Hash + Eq,
    {
        let groups = CustomerGroups::new(customer_ids);
        let mut ids = Vec::with_capacity(groups.len());
        let mut offsets = Vec::with_capacity(groups.len() + 1);
        let mut periods = Vec::with_capacity(days.len());
        let mut sums = Vec::with_capacity(days.len());
        offsets.push(0);
        let mut entries = groups.gather(|r| (period.index(days[r]), values.map_or(0.0, |v| v[r])));
        for c in 0..groups.len() {
            ids.push(customer_ids[groups.first_row(c)].clone());
            let rows = &mut entries[groups.positions(c)];
            sort_period_rows(rows);
            for (p, sum) in period_sums(rows) {
                periods.push(p);
                sums.push(sum);
            }
            offsets.push(periods.len());
        }
        RfmLog {
            period,
            tz: settings.0,
            date_format: settings.1,
            has_values: values.is_some(),
            customer_ids: ids,
            offsets,
            periods,
            values: sums,
        }
    }

    /// The period that groups transactions.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Number of customers.
    pub fn n_customers(&self) -> usize {
        self.customer_ids.len()
    }

    /// Customer ids in ascending order.
    pub fn customer_ids(&self) -> &[K] {
        &self.customer_ids
    }

    /// Distinct purchase periods of customer `i` (in [`RfmLog::customer_ids`]
    /// order) and the summed value of each.
    pub fn purchases(&self, i: usize) -> (&[i64], &[f64]) {
        let range = self.offsets[i]..self.offsets[i + 1];
        (&self.periods[range.clone()], &self.values[range])
    }

    /// Adds the purchases of `other`, a log of another partition of the same
    /// transaction log.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the logs differ in period, time zone,
    /// date format, or in having transaction values.
    pub fn merge(&mut self, other: &RfmLog<K>) -> Result<()> {
        if self.period != other.period {
            return Err(Error::invalid_parameter(
                "period of merged log",
                other.period,
                format!(
                    "logs must share a period to merge; this one is {}",
                    self.period
                ),
            ));
        }
        if self.tz != other.tz || self.date_format != other.date_format {
            return Err(Error::invalid_parameter(
                "tz and date_format of merged log",
                format!("{:?}, {:?}", other.tz, other.date_format),
                format!(
                    "logs must share tz and date_format to merge; this one has {:?}, {:?}",
                    self.tz, self.date_format
                ),
            ));
        }
        if self.has_values != other.has_values {
            return Err(Error::invalid_parameter(
                "values of merged log",
                if other.has_values {
                    "present"
                } else {
                    "absent"
                },
                "either every partition has transaction values or none has",
            ));
        }
        let mut merged = RfmLog {
            period: self.period,
            tz: self.tz.clone(),
            date_format: self.date_format.clone(),
            has_values: self.has_values,
            customer_ids: Vec::with_capacity(self.customer_ids.len() + other.customer_ids.len()),
            offsets: vec![0],
            periods: Vec::with_capacity(self.periods.len() + other.periods.len()),
            values: Vec::with_capacity(self.values.len() + other.values.len()),
        };
        let (mut i, mut j) = (0, 0);
        while i < self.n_customers() || j < other.n_customers() {
            let take = match (self.customer_ids.get(i), other.customer_ids.get(j)) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match take {
                std::cmp::Ordering::Less => {
                    merged.push_customer(&self.customer_ids[i], self.purchases(i), (&[], &[]));
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    merged.push_customer(&other.customer_ids[j], (&[], &[]), other.purchases(j));
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    merged.push_customer(
                        &self.customer_ids[i],
                        self.purchases(i),
                        other.purchases(j),
                    );
                    i += 1;
                    j += 1;
                }
            }
        }
        *self = merged;
        Ok(())
    }

    /// Appends one customer whose purchases are the union of two sorted lists.
    fn push_customer(&mut self, id: &K, a: (&[i64], &[f64]), b: (&[i64], &[f64])) {
        let (mut i, mut j) = (0, 0);
        while i < a.0.len() || j < b.0.len() {
            let (p, v) = if j >= b.0.len() || (i < a.0.len() && a.0[i] < b.0[j]) {
                i += 1;
                (a.0[i - 1], a.1[i - 1])
            } else if i >= a.0.len() || b.0[j] < a.0[i] {
                j += 1;
                (b.0[j - 1], b.1[j - 1])
            } else {
                i += 1;
                j += 1;
                (a.0[i - 1], a.1[i - 1] + b.1[j - 1])
            };
            self.periods.push(p);
            self.values.push(v);
        }
        self.customer_ids.push(id.clone());
        self.offsets.push(self.periods.len());
    }

    /// Summarises the log at `observation_end` (default: the last period with
    /// a purchase), with a holdout period after `calibration_end` if given.
    ///
    /// Both ends name the last period they include, so every transaction in
    /// the period that contains them counts. Customers whose first purchase
    /// falls after `calibration_end` are not in the calibration cohort and
    /// are left out.
    ///
    /// # Errors
    /// [`Error::Parse`] or [`Error::InvalidParameter`] for an end that does
    /// not parse, [`Error::InvalidParameter`] for `calibration_end` after
    /// `observation_end`, [`Error::InvalidData`] naming the customers with
    /// purchases after `observation_end`, and [`Error::Empty`] when no
    /// customer bought by the end of the calibration period.
    pub fn summary(
        &self,
        observation_end: Option<&Moment>,
        calibration_end: Option<&Moment>,
    ) -> Result<RfmSummary<K>>
    where
        K: Debug,
    {
        let settings = DateSettings::new(self.tz.as_deref(), self.date_format.as_deref())?;
        let observation = match observation_end {
            Some(m) => Some(
                self.period
                    .index(moment_day(m, "observation_end", &settings)?),
            ),
            None => None,
        };
        let calibration = match calibration_end {
            Some(m) => Some(
                self.period
                    .index(moment_day(m, "calibration_end", &settings)?),
            ),
            None => None,
        };
        self.summary_at(observation, calibration)
    }

    /// Summarises the log at period indices of the observation and
    /// calibration ends.
    pub(crate) fn summary_at(
        &self,
        observation: Option<i64>,
        calibration: Option<i64>,
    ) -> Result<RfmSummary<K>>
    where
        K: Debug,
    {
        if self.customer_ids.is_empty() {
            return Err(Error::Empty {
                what: "transactions".to_string(),
                needed: "pass at least one transaction".to_string(),
            });
        }
        let last = self.periods.iter().copied().max().unwrap_or(0);
        let observation = observation.unwrap_or(last);
        let late: Vec<usize> = (0..self.n_customers())
            .filter(|&i| self.purchases(i).0.last().is_some_and(|&p| p > observation))
            .collect();
        if !late.is_empty() {
            let shown: Vec<&K> = late
                .iter()
                .take(5)
                .map(|&i| &self.customer_ids[i])
                .collect();
            return Err(Error::invalid_rows(
                "customers of the log",
                format!("customers {shown:?} have purchases after observation_end"),
                &late,
                "pass a later observation_end or drop the later transactions",
            ));
        }
        let mut summary = SummaryBuilder::new(
            self.period,
            self.n_customers(),
            self.has_values,
            observation,
            calibration,
        )?
        .slots(self.n_customers());
        for c in 0..self.n_customers() {
            let (periods, values) = self.purchases(c);
            summary.add(c, periods.iter().copied().zip(values.iter().copied()));
        }
        summary.finish_slots(self.customer_ids.clone())
    }
}

/// Fills `out` with one customer's rows as (period, value), sorted by period
/// and then by value. Sorting by value too fixes the order of the additions
/// in [`period_sums`], so the sums are bit-identical under any order of input
/// rows.
pub(super) fn period_rows(
    rows: impl Iterator<Item = usize>,
    days: &[i64],
    values: Option<&[f64]>,
    period: Period,
    out: &mut Vec<(i64, f64)>,
) {
    out.clear();
    match values {
        Some(values) => out.extend(rows.map(|r| (period.index(days[r]), values[r]))),
        None => out.extend(rows.map(|r| (period.index(days[r]), 0.0))),
    }
    sort_period_rows(out);
}

/// Sorts one customer's (period, value) rows by period and then by value,
/// the order of [`period_rows`].
pub(super) fn sort_period_rows(rows: &mut [(i64, f64)]) {
    let in_order = |a: &(i64, f64), b: &(i64, f64)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1));
    // Logs sorted by date are usually in order already.
    if !rows.is_sorted_by(|a, b| in_order(a, b).is_le()) {
        rows.sort_unstable_by(in_order);
    }
}

/// Returns the distinct periods of rows sorted by [`period_rows`], each with
/// the sum of its values, added in row order from the first.
pub(super) fn period_sums(rows: &[(i64, f64)]) -> impl Iterator<Item = (i64, f64)> + '_ {
    let mut rest = rows;
    std::iter::from_fn(move || {
        let (&(p, first), tail) = rest.split_first()?;
        let same = tail.iter().take_while(|r| r.0 == p).count();
        let sum = tail[..same].iter().fold(first, |sum, r| sum + r.1);
        rest = &tail[same..];
        Some((p, sum))
    })
}
