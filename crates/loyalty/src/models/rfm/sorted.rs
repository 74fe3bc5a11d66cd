//! The summary of a log sorted by customer, in one pass without branches.
//!
//! Order systems usually export logs sorted by customer and date (the CDNOW
//! master log is). For them the summary needs no grouping. One pass over the
//! rows keeps a running tally of the current customer and writes its columns
//! to the customer's slot on every row. After the customer's last row, the
//! slot therefore contains the final values. Customer and period changes fall at random
//! rows; a mispredicted branch on each would cost more than the arithmetic,
//! so the pass computes both outcomes and selects.
//!
//! The pass adds a period's values in row order. That gives the sum of the
//! canonical order of [`period_rows`] (values ascending within a period)
//! unless a customer's periods go backwards or a period's third or later
//! value is below an earlier one; two values add the same in either order.
//! Such customers are flagged and summed again through [`period_rows`], so
//! the result is the same, to the bit, as the general path's.

use super::log::{period_rows, period_sums};
use super::period::Period;
use super::summary::{Columns, SummaryBuilder, Tally};
use crate::error::Result;

/// Summarises a log sorted by customer: `n_customers` runs of ascending ids,
/// as counted by `count_ascending_runs`. `summary` is an empty builder.
pub(super) fn summarise_sorted<K: PartialEq + Clone>(
    customer_ids: &[K],
    days: &[i64],
    values: Option<&[f64]>,
    period: Period,
    n_customers: usize,
    summary: SummaryBuilder<K>,
) -> Result<super::RfmSummary<K>> {
    let end = summary.end();
    let holdout = summary.has_holdout();
    let mut summary = summary.slots(n_customers);
    let mut starts = vec![0usize; n_customers];
    let mut disordered = vec![false; n_customers];
    let log = Log {
        customer_ids,
        days,
        values: values.unwrap_or(&[]),
        end,
    };
    {
        let mut out = Out {
            columns: summary.columns(),
            starts: &mut starts,
            disordered: &mut disordered,
        };
        // The loop is compiled once per case, so that no row tests again
        // what is fixed for the whole call.
        let by_day = |day: i64| day;
        match (period, values.is_some(), holdout) {
            (Period::Day | Period::Days(_), true, false) => {
                pass::<K, true, false>(&log, by_day, &mut out)
            }
            (Period::Day | Period::Days(_), true, true) => {
                pass::<K, true, true>(&log, by_day, &mut out)
            }
            (Period::Day | Period::Days(_), false, false) => {
                pass::<K, false, false>(&log, by_day, &mut out)
            }
            (Period::Day | Period::Days(_), false, true) => {
                pass::<K, false, true>(&log, by_day, &mut out)
            }
            (_, true, false) => pass::<K, true, false>(&log, |d| period.index(d), &mut out),
            (_, true, true) => pass::<K, true, true>(&log, |d| period.index(d), &mut out),
            (_, false, false) => pass::<K, false, false>(&log, |d| period.index(d), &mut out),
            (_, false, true) => pass::<K, false, true>(&log, |d| period.index(d), &mut out),
        }
    }

    let mut rows = Vec::new();
    for c in (0..n_customers).filter(|&c| disordered[c]) {
        let stop = starts.get(c + 1).copied().unwrap_or(customer_ids.len());
        period_rows(starts[c]..stop, days, values, period, &mut rows);
        summary.add(c, period_sums(&rows));
    }
    let ids = starts.iter().map(|&s| customer_ids[s].clone()).collect();
    summary.finish_slots(ids)
}

/// The rows of a sorted log and the calibration end (a period index).
struct Log<'a, K> {
    customer_ids: &'a [K],
    days: &'a [i64],
    /// Empty when the log has no values.
    values: &'a [f64],
    end: i64,
}

/// Output of the pass: the columns, and per customer its first row and
/// whether its rows were out of order.
struct Out<'a> {
    columns: Columns<'a>,
    starts: &'a mut [usize],
    disordered: &'a mut [bool],
}

/// Runs the pass over the rows. `VALUES` is true when the log has values, and
/// `HOLDOUT` when there is a calibration end (so periods after `end` occur).
fn pass<K: PartialEq, const VALUES: bool, const HOLDOUT: bool>(
    log: &Log<'_, K>,
    index: impl Fn(i64) -> i64,
    out: &mut Out<'_>,
) {
    let (ids, end) = (log.customer_ids, log.end);
    // Slot of the current customer, plus one (0 before the first row).
    let mut k = 0usize;
    let mut tally = Tally::default();
    let mut start = 0usize;
    let mut out_of_order = false;
    // The open period: index, summed value, whether it is the customer's
    // first, its number of rows so far and their largest value.
    let (mut p_prev, mut current, mut current_first) = (i64::MIN, 0.0, true);
    let (mut run_len, mut run_max) = (0u32, 0.0f64);
    for i in 0..ids.len() {
        let new_customer = i == 0 || ids[i] != ids[i - 1];
        let p = index(log.days[i]);
        let v = if VALUES { log.values[i] } else { 0.0 };
        let new_period = new_customer | (p != p_prev);
        // Without a calibration end, every period is in the calibration
        // (later rows were rejected before).
        let in_calibration = !HOLDOUT || p <= end;
        let previous_in_calibration = !HOLDOUT || p_prev <= end;

        // Close the previous period into the customer's sums. Adding 0.0
        // leaves a sum that started at 0.0 unchanged, bit for bit, as values
        // are finite and >= 0.
        let close = new_period & !new_customer;
        if VALUES {
            tally.repeat_sum = keep_if(!new_customer, tally.repeat_sum)
                + keep_if(close & !current_first & previous_in_calibration, current);
            if HOLDOUT {
                tally.holdout_sum = keep_if(!new_customer, tally.holdout_sum)
                    + keep_if(close & !previous_in_calibration, current);
            }
            current = keep_if(!new_period, current) + v;
        }
        // Row order gives the canonical sum unless periods go backwards or
        // a period's third or later value is below one before it: the
        // first two values add the same in either order.
        let value_disorder = !new_period & (run_len >= 2) & (v < run_max);
        out_of_order = !new_customer & (out_of_order | (p < p_prev) | value_disorder);
        run_len = if new_period { 1 } else { run_len + 1 };
        let open_max = keep_if(!new_period, run_max);
        run_max = if v > open_max { v } else { open_max };
        current_first = new_customer | (current_first & !new_period);

        tally.first = if new_customer { p } else { tally.first };
        tally.last = if new_customer | in_calibration {
            p
        } else {
            tally.last
        };
        let repeat = u64::from(close & in_calibration);
        tally.repeats = if new_customer {
            0
        } else {
            tally.repeats + repeat
        };
        if HOLDOUT {
            let holdout = u64::from(close & !in_calibration);
            tally.holdout = if new_customer {
                0
            } else {
                tally.holdout + holdout
            };
        }
        start = if new_customer { i } else { start };
        k += usize::from(new_customer);

        // The open period counts as if it closed at this row.
        let mut written = tally;
        if VALUES {
            written.repeat_sum += keep_if(!current_first & in_calibration, current);
            if HOLDOUT {
                written.holdout_sum += keep_if(!in_calibration, current);
            }
        }
        out.columns.set_known::<VALUES, HOLDOUT>(k - 1, &written);
        out.starts[k - 1] = start;
        out.disordered[k - 1] = out_of_order;
        p_prev = p;
    }
}

/// `x` when `condition` holds, else 0.0, as a product with 1.0 or 0.0 (both
/// exact for finite `x >= 0`). A select or a bit mask would be compiled into
/// a branch, mispredicted at every change of customer or period.
#[inline(always)]
fn keep_if(condition: bool, x: f64) -> f64 {
    x * f64::from(u8::from(condition))
}
