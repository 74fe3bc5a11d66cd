//! Validated and compressed per-customer summaries `(x, t_x, T)` with
//! weights, the input of the BG/NBD, MBG/NBD and Pareto/NBD likelihoods.
//!
//! Identical rows are merged into one row whose weight is the sum of theirs,
//! so a fit costs time in the number of distinct rows, not customers. Rows
//! are sorted by `x` so that terms that depend on `x` alone are computed once
//! per distinct `x`.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_not_empty, check_same_len, Error, Result};

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
    let rules: [(&str, &dyn Fn(f64, f64, f64) -> bool); 6] = [
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
        // Sort indices by the bit patterns of (x, t_x, T): all values are
        // finite and >= 0, for which the bit order equals the numeric order.
        let mut order: Vec<(u64, u64, u64, u32)> = (0..frequency.len())
            .filter(|&i| weight_of(i) > 0.0)
            .map(|i| {
                (
                    frequency[i].to_bits(),
                    (recency[i] + 0.0).to_bits(),
                    age[i].to_bits(),
                    i as u32,
                )
            })
            .collect();
        order.sort_unstable();
        let mut out = Summary {
            x: Vec::new(),
            t_x: Vec::new(),
            t: Vec::new(),
            weight: Vec::new(),
            groups: Vec::new(),
            total_weight: 0.0,
        };
        let mut last: Option<(u64, u64, u64)> = None;
        for &(xb, txb, tb, i) in &order {
            let w = weight_of(i as usize);
            out.total_weight += w;
            if last == Some((xb, txb, tb)) {
                *out.weight.last_mut().expect("a row was pushed") += w;
                continue;
            }
            last = Some((xb, txb, tb));
            out.x.push(f64::from_bits(xb));
            out.t_x.push(f64::from_bits(txb));
            out.t.push(f64::from_bits(tb));
            out.weight.push(w);
        }
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

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
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
