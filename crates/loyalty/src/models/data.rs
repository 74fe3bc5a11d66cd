//! Validated and compressed per-customer summaries `(x, t_x, T)` with
//! weights, the input of the BG/NBD, MBG/NBD and Pareto/NBD likelihoods.
//!
//! Identical rows are merged into one row whose weight is the sum of theirs,
//! so a fit costs time in the number of distinct rows, not customers. Rows
//! are sorted by `x` so that terms that depend on `x` alone are computed once
//! per distinct `x`, and every recency and age points into one table of
//! distinct times, so `ln(α + t)` is computed once per distinct time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_not_empty, check_same_len, Error, Result};

/// A rule over one row `(frequency, recency, T or n_periods)`, true when broken.
type RowRule = dyn Fn(f64, f64, f64) -> bool;

/// Compressed `(frequency, recency, T)` rows with weights, sorted by
/// frequency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Repeat transactions `x` (integers stored as floats).
    pub x: Vec<f64>,
    /// Time of the last repeat transaction `t_x`, 0 when `x = 0`.
    pub t_x: Vec<f64>,
    /// Age `T` of the customer at the end of observation.
    pub t: Vec<f64>,
    /// Number of customers the row stands for (may be fractional).
    pub weight: Vec<f64>,
    /// `(x, start, end)`: rows `start..end` share frequency `x`.
    pub groups: Vec<(f64, usize, usize)>,
    /// Distinct values of recency and age, ascending.
    pub times: Vec<f64>,
    /// Position of each row's recency in `times`.
    pub t_x_index: Vec<u32>,
    /// Position of each row's age in `times`.
    pub t_index: Vec<u32>,
    /// Sum of the weights.
    pub total_weight: f64,
}

/// Checks `(frequency, recency, T)` rows against the model definition
/// `x` integer `>= 0`, `0 <= t_x <= T`, `T > 0`, and `t_x = 0` when `x = 0`.
///
/// A row with `x > 0` and `t_x = 0` is accepted: it stands for repeat
/// transactions in the same instant (or period) as the first, which the
/// likelihoods treat like any other recency.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::Empty`], [`Error::NotFinite`], and
/// [`Error::InvalidData`] listing every broken rule with its rows.
pub fn validate(frequency: &[f64], recency: &[f64], age: &[f64]) -> Result<()> {
    check_same_len("frequency", frequency.len(), "recency", recency.len())?;
    check_same_len("frequency", frequency.len(), "T", age.len())?;
    check_not_empty("frequency", frequency.len())?;
    check_finite("frequency", frequency)?;
    check_finite("recency", recency)?;
    check_finite("T", age)?;
    let rules: [(&str, &RowRule); 6] = [
        ("frequency < 0", &|x, _, _| x < 0.0),
        ("frequency is not an integer", &|x, _, _| x.fract() != 0.0),
        ("recency < 0", &|_, tx, _| tx < 0.0),
        ("recency > T", &|_, tx, t| tx > t),
        ("T <= 0", &|_, _, t| t <= 0.0),
        ("frequency = 0 but recency > 0", &|x, tx, _| {
            x == 0.0 && tx > 0.0
        }),
    ];
    let mut reasons = Vec::new();
    let mut all_rows = Vec::new();
    for (reason, broken) in rules {
        let rows: Vec<usize> = (0..frequency.len())
            .filter(|&i| broken(frequency[i], recency[i], age[i]))
            .collect();
        if !rows.is_empty() {
            let shown: Vec<usize> = rows.iter().take(10).copied().collect();
            reasons.push(format!("{reason} in rows {shown:?}"));
            all_rows.extend(rows);
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    all_rows.sort_unstable();
    all_rows.dedup();
    Err(Error::invalid_rows(
        "frequency/recency/T",
        reasons.join("; "),
        &all_rows,
        "each row needs an integer frequency >= 0 and 0 <= recency <= T with T > 0, \
         and recency 0 when frequency is 0; rebuild the summary with loyalty.rfm_summary",
    ))
}

/// Checks optional weights: finite, `>= 0`, the same length as the data, and
/// not all zero.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::NotFinite`] or [`Error::InvalidData`].
pub fn validate_weights(weights: &[f64], n: usize) -> Result<()> {
    check_same_len("weights", weights.len(), "frequency", n)?;
    check_finite("weights", weights)?;
    let negative: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] < 0.0).collect();
    if !negative.is_empty() {
        return Err(Error::invalid_rows(
            "weights",
            "weight < 0",
            &negative,
            "pass the number of customers each row stands for (>= 0)",
        ));
    }
    if weights.iter().all(|&w| w == 0.0) {
        return Err(Error::Empty {
            what: "weights".into(),
            needed: "at least one row needs a weight > 0".into(),
        });
    }
    Ok(())
}

impl Summary {
    /// Validates and compresses rows; `weights` default to 1 each. Rows of
    /// weight 0 are dropped.
    ///
    /// # Errors
    /// As [`validate`] and [`validate_weights`].
    pub fn new(
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        validate(frequency, recency, age)?;
        if let Some(w) = weights {
            validate_weights(w, frequency.len())?;
        }
        let weight_of = |i: usize| weights.map_or(1.0, |w| w[i]);
        // Merge identical rows in a hash map keyed by the bit patterns of
        // (x, t_x, T) (adding 0.0 turns -0.0 into 0.0), then sort the
        // distinct keys: all values are finite and >= 0, for which the bit
        // order equals the numeric order.
        let mut merged: HashMap<(u64, u64, u64), f64, BuildHasherDefault<FxHasher>> =
            HashMap::default();
        let mut total_weight = 0.0;
        for i in 0..frequency.len() {
            let w = weight_of(i);
            if w > 0.0 {
                let key = (
                    (frequency[i] + 0.0).to_bits(),
                    (recency[i] + 0.0).to_bits(),
                    (age[i] + 0.0).to_bits(),
                );
                *merged.entry(key).or_insert(0.0) += w;
                total_weight += w;
            }
        }
        let mut rows: Vec<((u64, u64, u64), f64)> = merged.into_iter().collect();
        rows.sort_unstable_by_key(|row| row.0);
        let mut out = Summary {
            x: Vec::with_capacity(rows.len()),
            t_x: Vec::with_capacity(rows.len()),
            t: Vec::with_capacity(rows.len()),
            weight: Vec::with_capacity(rows.len()),
            groups: Vec::new(),
            total_weight,
            times: Vec::new(),
            t_x_index: Vec::new(),
            t_index: Vec::new(),
        };
        for ((xb, txb, tb), w) in rows {
            out.x.push(f64::from_bits(xb));
            out.t_x.push(f64::from_bits(txb));
            out.t.push(f64::from_bits(tb));
            out.weight.push(w);
        }
        let mut times: Vec<u64> = out.t_x.iter().chain(&out.t).map(|v| v.to_bits()).collect();
        times.sort_unstable();
        times.dedup();
        let position = |v: f64| {
            times
                .binary_search(&v.to_bits())
                .expect("time is in the table") as u32
        };
        out.t_x_index = out.t_x.iter().map(|&v| position(v)).collect();
        out.t_index = out.t.iter().map(|&v| position(v)).collect();
        out.times = times.into_iter().map(f64::from_bits).collect();
        let mut start = 0;
        for i in 1..=out.x.len() {
            if i == out.x.len() || out.x[i] != out.x[start] {
                out.groups.push((out.x[start], start, i));
                start = i;
            }
        }
        Ok(out)
    }

    /// Number of distinct rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Reports whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// The multiply-rotate hash of the Rust compiler (`FxHasher`), much faster
/// than SipHash for the fixed-size keys merged here. The keys come from the
/// caller's own data, so resistance to adversarial collisions is not needed.
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_merges_identical_rows() {
        let s = Summary::new(
            &[0.0, 2.0, 0.0, 2.0, 1.0],
            &[0.0, 3.0, 0.0, 3.0, 1.0],
            &[5.0, 5.0, 5.0, 5.0, 5.0],
            None,
        )
        .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.weight, vec![2.0, 1.0, 2.0]);
        assert_eq!(s.groups, vec![(0.0, 0, 1), (1.0, 1, 2), (2.0, 2, 3)]);
        assert_eq!(s.total_weight, 5.0);
    }

    #[test]
    fn validation_names_each_rule_and_row() {
        // CLVTools#100: recency 97.42857 > T 97.28571 must be a data error.
        let err = validate(
            &[254.0, -1.0, 2.0],
            &[97.42857, 0.0, 0.0],
            &[97.28571, 5.0, 5.0],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("recency > T in rows [0]"), "{text}");
        assert!(text.contains("frequency < 0 in rows [1]"), "{text}");
        assert!(!text.contains("[2]"), "{text}");
    }
}
