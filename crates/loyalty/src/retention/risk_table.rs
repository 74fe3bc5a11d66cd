//! [`RiskTable`]: counts of entries, events and censorings per distinct time,
//! the mergeable summary behind every retention estimate.
//!
//! A member is at risk at time `t` when `entry < t <= exit`. Members without
//! an entry time are at risk from the time origin, so `n(t)` is
//!
//! ```text
//! n(t_j) = initial + Σ_{i<j} entered_i - Σ_{i<j} (events_i + censored_i)
//! ```
//!
//! A member who enters at `t_j` is not in the risk set of an event at `t_j`,
//! as in R's `survival` and statsmodels' `SurvfuncRight(entry=)`. Tables of
//! partitions merge by adding counts at equal times, and the merge is
//! associative and commutative, so Kaplan-Meier, Nelson-Aalen, the log-rank
//! test and the summary figures of a large data set can be computed from
//! per-partition tables.

use serde::{Deserialize, Serialize};

use crate::error::{check_same_len, Error, Result};

/// Inputs at least this long are bucket sorted; shorter ones use the
/// standard library's sort.
const BUCKET_SORT_MIN: usize = 1 << 12;

/// Counts of members entering, churning and being censored at each distinct
/// time, plus the members at risk from the origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskTable {
    /// Members at risk from the time origin (no late entry).
    initial: u64,
    /// Distinct times of entries, events or censorings, ascending.
    times: Vec<f64>,
    /// Events (churns) at each time.
    events: Vec<u64>,
    /// Censorings (still active at the end of observation) at each time.
    censored: Vec<u64>,
    /// Late entries at each time; they join the risk set just after it.
    entered: Vec<u64>,
}

/// One row of a [`RiskTable`] with its risk set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskRow {
    /// Time of the row.
    pub time: f64,
    /// Members at risk at `time` (entry < time <= exit).
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// Censorings at `time`.
    pub censored: u64,
    /// Late entries at `time` (at risk only after it).
    pub entered: u64,
}

/// Maps a finite f64 to a u64 whose unsigned order is the numeric order
/// (-0.0 and 0.0 map to the same key).
fn order_key(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn from_order_key(key: u64) -> f64 {
    let bits = if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    };
    f64::from_bits(bits)
}

/// Sorts keys by one bucket pass on their leading bits (relative to the
/// smallest key), then a standard sort of each bucket while it is in cache.
///
/// Written by hand because a comparison sort of the whole array took a
/// quarter of the time of a Kaplan-Meier fit on 10^6 members. Skewed keys
/// fall back to the standard sort inside a large bucket, so the worst case
/// is no slower than sorting the whole array.
fn sort_keys(keys: &mut Vec<u64>) {
    if keys.len() < BUCKET_SORT_MIN {
        keys.sort_unstable();
        return;
    }
    let (min, max) = keys
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let span = max - min;
    if span == 0 {
        return;
    }
    // At most 2^16 buckets, so the bucket offsets stay in the L2 cache.
    let bucket_bits = (keys.len().ilog2() as usize).saturating_sub(3).clamp(8, 16);
    let span_bits = 64 - span.leading_zeros() as usize;
    let shift = span_bits.saturating_sub(bucket_bits);
    let buckets = (span >> shift) as usize + 1;
    let mut starts = vec![0usize; buckets + 1];
    for &k in keys.iter() {
        starts[((k - min) >> shift) as usize + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut scratch = vec![0u64; keys.len()];
    for &k in keys.iter() {
        let b = ((k - min) >> shift) as usize;
        scratch[next[b]] = k;
        next[b] += 1;
    }
    for b in 0..buckets {
        scratch[starts[b]..starts[b + 1]].sort_unstable();
    }
    *keys = scratch;
}

/// Validated individual records as sorted keys of their event, censoring
/// and entry times.
struct SortedKeys {
    initial: u64,
    events: Vec<u64>,
    censored: Vec<u64>,
    entered: Vec<u64>,
}

impl SortedKeys {
    fn new(durations: &[f64], events: Option<&[bool]>, entry: Option<&[f64]>) -> Result<Self> {
        if durations.is_empty() {
            return Err(Error::Empty {
                what: "durations".into(),
                needed: "pass at least one duration".into(),
            });
        }
        if let Some(e) = events {
            check_same_len("durations", durations.len(), "events", e.len())?;
        }
        if let Some(e) = entry {
            check_same_len("durations", durations.len(), "entry", e.len())?;
        }
        check_durations(durations)?;
        if let Some(entry) = entry {
            check_entry(durations, entry)?;
        }

        let mut event_keys = Vec::with_capacity(durations.len());
        let mut censor_keys = Vec::new();
        match events {
            None => event_keys.extend(durations.iter().map(|&d| order_key(d))),
            Some(flags) => {
                for (&d, &churned) in durations.iter().zip(flags) {
                    if churned {
                        event_keys.push(order_key(d));
                    } else {
                        censor_keys.push(order_key(d));
                    }
                }
            }
        }
        let mut entry_keys: Vec<u64> = entry
            .map(|e| e.iter().map(|&x| order_key(x)).collect())
            .unwrap_or_default();
        let initial = if entry.is_some() {
            0
        } else {
            durations.len() as u64
        };

        // Sorted one after the other: sorting in parallel was slower on a
        // loaded 2-core machine, because the threads' page faults contend.
        sort_keys(&mut event_keys);
        sort_keys(&mut censor_keys);
        sort_keys(&mut entry_keys);
        Ok(SortedKeys {
            initial,
            events: event_keys,
            censored: censor_keys,
            entered: entry_keys,
        })
    }

    /// Merges the three sorted arrays, passing each distinct time with its
    /// counts of events, censorings and entries to `row`.
    fn merge(&self, mut row: impl FnMut(f64, u64, u64, u64)) {
        let (events, censored, entered) = (&self.events, &self.censored, &self.entered);
        let (mut a, mut b, mut c) = (0, 0, 0);
        while a < events.len() || b < censored.len() || c < entered.len() {
            let key = events
                .get(a)
                .copied()
                .unwrap_or(u64::MAX)
                .min(censored.get(b).copied().unwrap_or(u64::MAX))
                .min(entered.get(c).copied().unwrap_or(u64::MAX));
            // A run of equal keys in one array: count it and step past it.
            let count = |keys: &[u64], i: &mut usize| -> u64 {
                let start = *i;
                while *i < keys.len() && keys[*i] == key {
                    *i += 1;
                }
                (*i - start) as u64
            };
            let d = count(events, &mut a);
            let s = count(censored, &mut b);
            let e = count(entered, &mut c);
            row(from_order_key(key), d, s, e);
        }
    }
}

impl RiskTable {
    /// Builds an empty table (no members).
    pub fn new() -> Self {
        RiskTable {
            initial: 0,
            times: Vec::new(),
            events: Vec::new(),
            censored: Vec::new(),
            entered: Vec::new(),
        }
    }

    /// Builds the table of individual records.
    ///
    /// `durations` are exit times (churn or end of observation) measured from
    /// the time origin. `events[i]` is true when member `i` churned at its
    /// exit (false: censored, still active). `entry[i]` is the optional
    /// late-entry time, because member `i` is observed only after it (left
    /// truncation). Without `events` every exit is an event.
    ///
    /// # Errors
    /// [`Error::Empty`] for no durations, [`Error::LengthMismatch`] for inputs
    /// of unequal length, [`Error::NotFinite`] for NaN or infinite times,
    /// [`Error::OutOfRange`] for a negative duration, and
    /// [`Error::InvalidData`] listing every row with `entry >= duration`.
    pub fn from_durations(
        durations: &[f64],
        events: Option<&[bool]>,
        entry: Option<&[f64]>,
    ) -> Result<Self> {
        let keys = SortedKeys::new(durations, events, entry)?;
        let capacity = keys.events.len() + keys.censored.len() + keys.entered.len();
        let mut table = RiskTable {
            initial: keys.initial,
            times: Vec::with_capacity(capacity),
            events: Vec::with_capacity(capacity),
            censored: Vec::with_capacity(capacity),
            entered: Vec::with_capacity(capacity),
        };
        keys.merge(|time, d, c, e| {
            table.times.push(time);
            table.events.push(d);
            table.censored.push(c);
            table.entered.push(e);
        });
        Ok(table)
    }

    /// Passes the rows of the table of individual records to `visit`, in
    /// time order with their risk sets, without storing the table (for a
    /// single estimate on a large input). Returns the number of members.
    ///
    /// # Errors
    /// As [`RiskTable::from_durations`].
    pub fn stream_durations(
        durations: &[f64],
        events: Option<&[bool]>,
        entry: Option<&[f64]>,
        mut visit: impl FnMut(RiskRow),
    ) -> Result<u64> {
        let keys = SortedKeys::new(durations, events, entry)?;
        let mut at_risk = keys.initial;
        keys.merge(|time, d, c, e| {
            visit(RiskRow {
                time,
                at_risk,
                events: d,
                censored: c,
                entered: e,
            });
            at_risk = at_risk + e - d - c;
        });
        Ok(durations.len() as u64)
    }

    /// Builds the table of aggregated counts, one row per time.
    ///
    /// `initial` members are at risk from the origin; `entered[j]` members
    /// enter at `times[j]` and are at risk only after it. Times need not be
    /// sorted, and repeated times are added together.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`], [`Error::NotFinite`] for a bad time, and
    /// [`Error::InvalidData`] where more members leave than are at risk.
    pub fn from_counts(
        initial: u64,
        times: &[f64],
        events: &[u64],
        censored: &[u64],
        entered: &[u64],
    ) -> Result<Self> {
        check_same_len("times", times.len(), "events", events.len())?;
        check_same_len("times", times.len(), "censored", censored.len())?;
        check_same_len("times", times.len(), "entered", entered.len())?;
        crate::error::check_finite("times", times)?;
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by_key(|&i| order_key(times[i]));
        let mut table = RiskTable::new();
        table.initial = initial;
        for i in order {
            let t = if times[i] == 0.0 { 0.0 } else { times[i] };
            if table.times.last() == Some(&t) {
                let j = table.times.len() - 1;
                table.events[j] += events[i];
                table.censored[j] += censored[i];
                table.entered[j] += entered[i];
            } else {
                table.times.push(t);
                table.events.push(events[i]);
                table.censored.push(censored[i]);
                table.entered.push(entered[i]);
            }
        }
        table.check_balance()?;
        Ok(table)
    }

    /// Checks that no row removes more members than are at risk.
    fn check_balance(&self) -> Result<()> {
        let bad: Vec<usize> = self
            .rows()
            .enumerate()
            .filter(|(_, r)| r.events + r.censored > r.at_risk)
            .map(|(j, _)| j)
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_rows(
                "risk table",
                "events plus censorings exceed the members at risk",
                &bad,
                "count every member once: at risk from the origin (initial) or entered at an earlier time",
            ))
        }
    }

    /// Adds the members of `other` to this table.
    pub fn merge(&mut self, other: &RiskTable) {
        let mut out = RiskTable {
            initial: self.initial + other.initial,
            times: Vec::with_capacity(self.times.len() + other.times.len()),
            events: Vec::new(),
            censored: Vec::new(),
            entered: Vec::new(),
        };
        let (mut i, mut j) = (0, 0);
        while i < self.times.len() || j < other.times.len() {
            let ti = self.times.get(i).map(|&t| order_key(t));
            let tj = other.times.get(j).map(|&t| order_key(t));
            let (take_self, take_other) = match (ti, tj) {
                (Some(a), Some(b)) => (a <= b, b <= a),
                (Some(_), None) => (true, false),
                _ => (false, true),
            };
            let (mut d, mut c, mut e, mut t) = (0, 0, 0, 0.0);
            if take_self {
                d += self.events[i];
                c += self.censored[i];
                e += self.entered[i];
                t = self.times[i];
                i += 1;
            }
            if take_other {
                d += other.events[j];
                c += other.censored[j];
                e += other.entered[j];
                t = other.times[j];
                j += 1;
            }
            out.times.push(t);
            out.events.push(d);
            out.censored.push(c);
            out.entered.push(e);
        }
        *self = out;
    }

    /// Returns the merge of two tables.
    pub fn merged(mut self, other: &RiskTable) -> Self {
        self.merge(other);
        self
    }

    /// Members at risk from the origin.
    pub fn initial(&self) -> u64 {
        self.initial
    }

    /// Distinct times, ascending.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Number of members (initial plus late entrants).
    pub fn members(&self) -> u64 {
        self.initial + self.entered.iter().sum::<u64>()
    }

    /// Total number of events.
    pub fn total_events(&self) -> u64 {
        self.events.iter().sum()
    }

    /// Total number of censorings.
    pub fn total_censored(&self) -> u64 {
        self.censored.iter().sum()
    }

    /// Returns true when the table contains no member.
    pub fn is_empty(&self) -> bool {
        self.members() == 0
    }

    /// Rows with their risk sets, in time order.
    pub fn rows(&self) -> impl Iterator<Item = RiskRow> + '_ {
        let mut at_risk = self.initial;
        (0..self.times.len()).map(move |j| {
            let row = RiskRow {
                time: self.times[j],
                at_risk,
                events: self.events[j],
                censored: self.censored[j],
                entered: self.entered[j],
            };
            // Saturating: a table from `from_counts` is checked, so this only
            // guards a hand-edited deserialised table.
            at_risk = (at_risk + row.entered).saturating_sub(row.events + row.censored);
            row
        })
    }

    /// Members at risk at time `t` (entry < t <= exit).
    pub fn at_risk_at(&self, t: f64) -> u64 {
        let mut n = self.initial;
        for r in self.rows() {
            if r.time >= t {
                break;
            }
            n = (n + r.entered).saturating_sub(r.events + r.censored);
        }
        n
    }

    /// Total time at risk `∫ n(t) dt` from the origin (or from the first
    /// entry, if earlier) to the last time: the exposure behind the constant
    /// hazard `events / exposure`.
    pub fn exposure(&self) -> f64 {
        let mut total = 0.0;
        let mut previous = self.times.first().map_or(0.0, |&t| t.min(0.0));
        for r in self.rows() {
            total += r.at_risk as f64 * (r.time - previous);
            previous = r.time;
        }
        total
    }
}

impl Default for RiskTable {
    fn default() -> Self {
        RiskTable::new()
    }
}

fn check_durations(durations: &[f64]) -> Result<()> {
    for (index, &d) in durations.iter().enumerate() {
        if !d.is_finite() {
            return Err(Error::NotFinite {
                what: "durations".into(),
                index,
                value: d,
                hint: "; give a member still active its time to the end of observation with event = false".into(),
            });
        }
        if d < 0.0 {
            return Err(Error::OutOfRange {
                what: "durations".into(),
                index,
                value: d,
                expected: "durations are times since the origin and must be >= 0".into(),
            });
        }
    }
    Ok(())
}

fn check_entry(durations: &[f64], entry: &[f64]) -> Result<()> {
    crate::error::check_finite("entry", entry)?;
    let bad: Vec<usize> = durations
        .iter()
        .zip(entry)
        .enumerate()
        .filter(|(_, (&d, &e))| e >= d)
        .map(|(i, _)| i)
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_rows(
            "entry",
            "entry >= duration (a member must be observed for a positive time)",
            &bad,
            "give each member an entry time before its exit, or drop members who left before they were observed",
        ))
    }
}

/// Builds event flags from 0/1 numbers, naming the first other value.
///
/// # Errors
/// [`Error::OutOfRange`] for a value that is not 0 or 1.
pub fn event_flags(values: impl IntoIterator<Item = f64>) -> Result<Vec<bool>> {
    values
        .into_iter()
        .enumerate()
        .map(|(index, v)| {
            if v == 1.0 {
                Ok(true)
            } else if v == 0.0 {
                Ok(false)
            } else {
                Err(Error::OutOfRange {
                    what: "events".into(),
                    index,
                    value: v,
                    expected: "events must be 1 (churned) or 0 (censored, still active)".into(),
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_sorts_numerically() {
        let mut xs = [3.5, -1.0, 0.0, -0.0, 2.0, -7.25, 1e-300];
        let mut keys: Vec<u64> = xs.iter().map(|&x| order_key(x)).collect();
        keys.sort_unstable();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let back: Vec<f64> = keys.iter().map(|&k| from_order_key(k)).collect();
        assert_eq!(back, vec![-7.25, -1.0, 0.0, 0.0, 1e-300, 2.0, 3.5]);
    }

    #[test]
    fn bucket_sort_matches_standard_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut keys: Vec<u64> = (0..BUCKET_SORT_MIN + 1000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Repeated keys and keys sharing their high digits.
                if i % 3 == 0 {
                    state % 97
                } else {
                    state
                }
            })
            .collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        sort_keys(&mut keys);
        assert_eq!(keys, expected);
    }

    #[test]
    fn at_risk_excludes_entrants_at_same_time() {
        // Entrant at time 1 is not at risk for the event at 1.
        let t = RiskTable::from_durations(
            &[1.0, 2.0, 3.0, 3.0],
            Some(&[true, true, true, false]),
            Some(&[0.0, 0.0, 1.0, 0.0]),
        )
        .unwrap();
        let n: Vec<u64> = t
            .rows()
            .filter(|r| r.events > 0)
            .map(|r| r.at_risk)
            .collect();
        assert_eq!(n, vec![3, 3, 2]);
    }

    #[test]
    fn stream_equals_stored_rows() {
        let d = [1.0, 4.0, 2.0, 2.0, 7.0, 3.0, 7.0];
        let e = [true, false, true, true, false, true, true];
        let x = [0.0, 0.5, 0.0, 1.0, 2.0, 0.0, 3.0];
        let table = RiskTable::from_durations(&d, Some(&e), Some(&x)).unwrap();
        let mut streamed = Vec::new();
        let members =
            RiskTable::stream_durations(&d, Some(&e), Some(&x), |r| streamed.push(r)).unwrap();
        assert_eq!(members, 7);
        assert_eq!(streamed, table.rows().collect::<Vec<_>>());
    }

    #[test]
    fn merge_equals_table_of_union() {
        let d = [1.0, 4.0, 2.0, 2.0, 7.0, 3.0];
        let e = [true, false, true, true, false, true];
        let x = [0.0, 0.5, 0.0, 1.0, 2.0, 0.0];
        let whole = RiskTable::from_durations(&d, Some(&e), Some(&x)).unwrap();
        let a = RiskTable::from_durations(&d[..2], Some(&e[..2]), Some(&x[..2])).unwrap();
        let b = RiskTable::from_durations(&d[2..], Some(&e[2..]), Some(&x[2..])).unwrap();
        assert_eq!(a.clone().merged(&b), whole);
        assert_eq!(b.merged(&a), whole);
    }

    #[test]
    fn rejects_entry_not_before_exit() {
        let err =
            RiskTable::from_durations(&[2.0, 3.0, 4.0], None, Some(&[2.0, 0.0, 5.0])).unwrap_err();
        match err {
            Error::InvalidData { rows, .. } => assert_eq!(rows, vec![0, 2]),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_bad_durations() {
        assert!(RiskTable::from_durations(&[], None, None).is_err());
        assert!(RiskTable::from_durations(&[1.0, f64::NAN], None, None).is_err());
        assert!(RiskTable::from_durations(&[-1.0], None, None).is_err());
        assert!(RiskTable::from_durations(&[1.0], Some(&[true, false]), None).is_err());
        assert!(event_flags([1.0, 2.0]).is_err());
    }

    #[test]
    fn exposure_sums_time_at_risk() {
        // Members observed on (0,2], (0,3] and (1,4]: exposure 2 + 3 + 3.
        let t = RiskTable::from_durations(&[2.0, 3.0, 4.0], None, Some(&[0.0, 0.0, 1.0])).unwrap();
        assert!((t.exposure() - 8.0).abs() < 1e-12);
    }

    #[test]
    fn from_counts_rejects_overdrawn_rows() {
        assert!(RiskTable::from_counts(1, &[1.0], &[2], &[0], &[0]).is_err());
        let t = RiskTable::from_counts(2, &[2.0, 1.0, 1.0], &[1, 1, 0], &[0, 0, 0], &[0, 0, 0])
            .unwrap();
        assert_eq!(t.times(), &[1.0, 2.0]);
    }
}
