//! [`RfmLog`]: transactions reduced to one value per customer and period, the
//! summary that merges across partitions of a transaction log.

use std::fmt::Debug;
use std::hash::Hash;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::dates::{moment_day, DateSettings, Moment};
use super::period::Period;
use super::summary::{Holdout, RfmSummary};
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
        let row_entry = |row: usize| (period.index(days[row]), values.map_or(0.0, |v| v[row]));
        if let Some(starts) = ascending_runs(customer_ids) {
            // A log sorted by customer: each customer's rows are one slice as
            // given, so neither codes nor a copy of the whole log are needed.
            let block = SortedBlock::build(customer_ids, &starts, &row_entry);
            let mut offsets = Vec::with_capacity(block.ends.len() + 1);
            offsets.push(0);
            offsets.extend_from_slice(&block.ends);
            return RfmLog {
                period,
                tz: settings.0,
                date_format: settings.1,
                has_values: values.is_some(),
                customer_ids: block.ids,
                offsets,
                periods: block.periods,
                values: block.sums,
            };
        }

        // Intern ids: code of each row, and the distinct ids in first-seen order.
        let mut codes: Vec<u32> = Vec::with_capacity(customer_ids.len());
        let mut seen: FxHashMap<&K, u32> = FxHashMap::default();
        seen.reserve(customer_ids.len().min(1 << 20));
        let mut distinct: Vec<&K> = Vec::new();
        let mut previous: Option<(&K, u32)> = None;
        for id in customer_ids {
            // Logs grouped by customer repeat the previous id, which skips the
            // hash lookup.
            let code = match previous {
                Some((last, code)) if last == id => code,
                _ => {
                    let next = distinct.len() as u32;
                    let code = *seen.entry(id).or_insert_with(|| {
                        distinct.push(id);
                        next
                    });
                    previous = Some((id, code));
                    code
                }
            };
            codes.push(code);
        }
        drop(seen);

        let n_customers = distinct.len();
        // Rank the distinct ids so the log is ordered by id.
        let mut order: Vec<u32> = (0..n_customers as u32).collect();
        order.sort_unstable_by(|&a, &b| distinct[a as usize].cmp(distinct[b as usize]));
        let mut rank = vec![0u32; n_customers];
        for (position, &code) in order.iter().enumerate() {
            rank[code as usize] = position as u32;
        }

        // Counting sort of the rows by customer rank.
        let mut starts = vec![0usize; n_customers + 1];
        for &code in &codes {
            starts[rank[code as usize] as usize + 1] += 1;
        }
        for i in 0..n_customers {
            starts[i + 1] += starts[i];
        }
        let mut cursor = starts.clone();
        let mut bucket: Vec<(i64, f64)> = vec![(0, 0.0); codes.len()];
        for (row, &code) in codes.iter().enumerate() {
            let r = rank[code as usize] as usize;
            bucket[cursor[r]] = row_entry(row);
            cursor[r] += 1;
        }

        let mut offsets = Vec::with_capacity(n_customers + 1);
        let mut periods = Vec::with_capacity(codes.len());
        let mut sums = Vec::with_capacity(codes.len());
        offsets.push(0);
        for i in 0..n_customers {
            append_customer(
                &mut bucket[starts[i]..starts[i + 1]],
                &mut periods,
                &mut sums,
            );
            offsets.push(periods.len());
        }

        RfmLog {
            period,
            tz: settings.0,
            date_format: settings.1,
            has_values: values.is_some(),
            customer_ids: order
                .iter()
                .map(|&c| distinct[c as usize].clone())
                .collect(),
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
        let end = calibration.unwrap_or(observation);
        let mut summary = RfmSummary::with_capacity(
            self.period,
            self.n_customers(),
            self.has_values,
            calibration.map(|c| self.period.span(c, observation)),
        );
        for i in 0..self.n_customers() {
            let (periods, values) = self.purchases(i);
            let in_calibration = periods.partition_point(|&p| p <= end);
            if in_calibration == 0 {
                continue;
            }
            let first = periods[0];
            let repeat_values = &values[1..in_calibration];
            let holdout_values = &values[in_calibration..];
            summary.push(
                self.customer_ids[i].clone(),
                (in_calibration - 1) as u64,
                self.period.span(first, periods[in_calibration - 1]),
                self.period.span(first, end),
                mean_or_zero(repeat_values),
                holdout_values.len() as u64,
                mean_or_zero(holdout_values),
            );
        }
        if summary.is_empty() {
            return Err(Error::Empty {
                what: "calibration period".to_string(),
                needed: "no customer bought by calibration_end; choose a later calibration_end"
                    .to_string(),
            });
        }
        Ok(summary)
    }
}

/// Mean of period values, 0 for none (the convention of Fader and Hardie's
/// CDNOW summary and of lifetimes for customers without repeat purchases).
fn mean_or_zero(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

impl<K> RfmSummary<K> {
    fn with_capacity(period: Period, n: usize, has_values: bool, duration: Option<f64>) -> Self {
        RfmSummary {
            period,
            customer_id: Vec::with_capacity(n),
            frequency: Vec::with_capacity(n),
            recency: Vec::with_capacity(n),
            t: Vec::with_capacity(n),
            monetary_value: has_values.then(|| Vec::with_capacity(n)),
            holdout: duration.map(|duration| Holdout {
                frequency: Vec::with_capacity(n),
                monetary_value: has_values.then(|| Vec::with_capacity(n)),
                duration,
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: K,
        frequency: u64,
        recency: f64,
        t: f64,
        monetary_value: f64,
        frequency_holdout: u64,
        monetary_value_holdout: f64,
    ) {
        self.customer_id.push(id);
        self.frequency.push(frequency);
        self.recency.push(recency);
        self.t.push(t);
        if let Some(m) = self.monetary_value.as_mut() {
            m.push(monetary_value);
        }
        if let Some(h) = self.holdout.as_mut() {
            h.frequency.push(frequency_holdout);
            if let Some(m) = h.monetary_value.as_mut() {
                m.push(monetary_value_holdout);
            }
        }
    }
}
/// Customers of a log sorted by customer, grouped without a copy of the log.
struct SortedBlock<K> {
    ids: Vec<K>,
    /// End of each customer's purchases in `periods`, relative to the block.
    ends: Vec<usize>,
    periods: Vec<i64>,
    sums: Vec<f64>,
}

impl<K: Clone> SortedBlock<K> {
    /// Builds the customers that start at `starts[..n]`, the last one ending
    /// at `starts[n]`.
    fn build(
        customer_ids: &[K],
        starts: &[usize],
        row_entry: &impl Fn(usize) -> (i64, f64),
    ) -> Self {
        let rows = starts[starts.len() - 1] - starts[0];
        let mut block = SortedBlock {
            ids: Vec::with_capacity(starts.len() - 1),
            ends: Vec::with_capacity(starts.len() - 1),
            periods: Vec::with_capacity(rows),
            sums: Vec::with_capacity(rows),
        };
        let mut scratch: Vec<(i64, f64)> = Vec::new();
        for w in starts.windows(2) {
            block.ids.push(customer_ids[w[0]].clone());
            if !append_in_order(w[0]..w[1], row_entry, &mut block.periods, &mut block.sums) {
                scratch.clear();
                scratch.extend((w[0]..w[1]).map(row_entry));
                append_customer(&mut scratch, &mut block.periods, &mut block.sums);
            }
            block.ends.push(block.periods.len());
        }
        block
    }
}

/// Start of each run of equal ids and the end of the last, when the runs are
/// in strictly ascending id order (a log sorted by customer); `None` otherwise.
fn ascending_runs<K: Ord>(customer_ids: &[K]) -> Option<Vec<usize>> {
    let mut starts = vec![0];
    for i in 1..customer_ids.len() {
        match customer_ids[i].cmp(&customer_ids[i - 1]) {
            std::cmp::Ordering::Equal => {}
            std::cmp::Ordering::Greater => starts.push(i),
            std::cmp::Ordering::Less => return None,
        }
    }
    starts.push(customer_ids.len());
    Some(starts)
}

/// Appends one customer's rows straight from the input when they are already
/// in (period, value) order, adding the values of one period; returns false,
/// having appended nothing, when they are not.
fn append_in_order(
    rows: std::ops::Range<usize>,
    row_entry: &impl Fn(usize) -> (i64, f64),
    periods: &mut Vec<i64>,
    sums: &mut Vec<f64>,
) -> bool {
    let mut previous: Option<(i64, f64)> = None;
    for row in rows.clone() {
        let entry = row_entry(row);
        if let Some(p) = previous {
            if p.0.cmp(&entry.0).then(p.1.total_cmp(&entry.1)).is_gt() {
                return false;
            }
        }
        previous = Some(entry);
    }
    let first = periods.len();
    for row in rows {
        let (p, v) = row_entry(row);
        if periods.len() > first && periods.last() == Some(&p) {
            if let Some(last) = sums.last_mut() {
                *last += v;
            }
        } else {
            periods.push(p);
            sums.push(v);
        }
    }
    true
}

/// Appends one customer's (period, value) rows: sorted by period, with the
/// values of one period added. Sorting by value too fixes the order of the
/// additions, so the sums are bit-identical under any order of input rows.
fn append_customer(rows: &mut [(i64, f64)], periods: &mut Vec<i64>, sums: &mut Vec<f64>) {
    let in_order = |a: &(i64, f64), b: &(i64, f64)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1));
    // Logs sorted by date are usually in order already.
    if !rows.is_sorted_by(|a, b| in_order(a, b).is_le()) {
        rows.sort_unstable_by(in_order);
    }
    let first = periods.len();
    for &(p, v) in rows.iter() {
        if periods.len() > first && periods.last() == Some(&p) {
            if let Some(last) = sums.last_mut() {
                *last += v;
            }
        } else {
            periods.push(p);
            sums.push(v);
        }
    }
}
