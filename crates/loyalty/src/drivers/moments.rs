//! [`Moments`]: the mergeable summary behind every linear key-driver result.
//!
//! The summary keeps the sum of weights, the means and the centred
//! cross-products of a set of variables. These are the sums and
//! cross-products of the raw data in the numerically stable form: updating
//! means and centred products row by row (West 1979) and merging two
//! summaries with the pairwise formula of Chan, Golub and LeVeque (1979)
//! loses no precision when a variable has a large offset or scale, so a
//! driver rescaled by 1e9 gives the same correlations.
//!
//! References: D. H. D. West (1979), "Updating mean and variance estimates:
//! an improved method", Communications of the ACM 22(9); T. F. Chan, G. H.
//! Golub, R. J. LeVeque (1979), "Updating formulae and a pairwise algorithm
//! for computing sample variances", Stanford CS report STAN-CS-79-773.

use serde::{Deserialize, Serialize};

use crate::error::{check_same_len, Error, Result};

/// Policy for a row that has a missing (NaN) value in a used column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Drop the whole row (listwise deletion) and count it in
    /// [`Moments::n_missing`]. The default.
    ///
    /// Pairwise deletion is not offered: it builds correlation matrices that
    /// need not be positive semidefinite, which is how other tools came to
    /// report R-squared above 1.
    #[default]
    Listwise,
    /// A missing value is an error naming its column and row.
    Reject,
}

/// Weighted means and centred cross-products of `k` variables.
///
/// Summaries of partitions merge with [`Moments::merge`]; the merge is
/// associative and commutative up to rounding, so a key-driver analysis can
/// run on per-partition summaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of variables.
    k: usize,
    /// Rows added.
    rows: u64,
    /// Rows dropped because of a missing value.
    missing: u64,
    /// Sum of the row weights.
    weight_sum: f64,
    /// Sum of the squared row weights (for Kish's effective sample size).
    weight_sq_sum: f64,
    /// Weighted means.
    mean: Vec<f64>,
    /// Weighted centred cross-products `sum w (x_i - mean_i)(x_j - mean_j)`,
    /// row-major `k x k`.
    comoment: Vec<f64>,
}

impl Moments {
    /// Creates an empty summary of `k` variables.
    pub fn new(k: usize) -> Self {
        Moments {
            k,
            rows: 0,
            missing: 0,
            weight_sum: 0.0,
            weight_sq_sum: 0.0,
            mean: vec![0.0; k],
            comoment: vec![0.0; k * k],
        }
    }

    /// Summarises columns of equal length, with optional row weights.
    ///
    /// # Errors
    /// [`Error::Empty`] without columns, [`Error::LengthMismatch`] for columns
    /// or weights of other lengths, [`Error::NotFinite`] for an infinite value
    /// or (under [`Missing::Reject`]) a NaN, and [`Error::OutOfRange`] for a
    /// negative or non-finite weight.
    pub fn from_columns(
        names: &[&str],
        columns: &[&[f64]],
        weights: Option<&[f64]>,
        missing: Missing,
    ) -> Result<Self> {
        if columns.is_empty() {
            return Err(Error::Empty {
                what: "columns".into(),
                needed: "pass the outcome and at least one driver".into(),
            });
        }
        let n = columns[0].len();
        for (c, col) in columns.iter().enumerate() {
            check_same_len(names[0], n, names[c], col.len())?;
        }
        if let Some(w) = weights {
            check_same_len(names[0], n, "weights", w.len())?;
        }
        let mut m = Moments::new(columns.len());
        let mut row = vec![0.0; columns.len()];
        for i in 0..n {
            let w = match weights {
                Some(w) => w[i],
                None => 1.0,
            };
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::OutOfRange {
                    what: "weights".into(),
                    index: i,
                    value: w,
                    expected: "weights must be finite and non-negative".into(),
                });
            }
            let mut complete = true;
            for (c, col) in columns.iter().enumerate() {
                let v = col[i];
                if v.is_nan() {
                    if missing == Missing::Reject {
                        return Err(Error::NotFinite {
                            what: names[c].to_string(),
                            index: i,
                            value: v,
                            hint: "; or use the listwise missing-value policy".into(),
                        });
                    }
                    complete = false;
                } else if !v.is_finite() {
                    return Err(Error::NotFinite {
                        what: names[c].to_string(),
                        index: i,
                        value: v,
                        hint: String::new(),
                    });
                }
                row[c] = v;
            }
            if complete {
                m.add_row(&row, w);
            } else {
                m.missing += 1;
            }
        }
        Ok(m)
    }

    /// Adds one complete row with weight `weight` (West 1979 update).
    ///
    /// The caller guarantees `row.len() == self.k()`, finite values and a
    /// finite non-negative weight; a zero weight counts the row but changes
    /// no moment.
    pub fn add_row(&mut self, row: &[f64], weight: f64) {
        debug_assert_eq!(row.len(), self.k);
        self.rows += 1;
        if weight == 0.0 {
            return;
        }
        let k = self.k;
        let total = self.weight_sum + weight;
        let ratio = weight / total;
        let mut delta = [0.0f64; 64];
        let mut delta_vec;
        let delta: &mut [f64] = if k <= 64 {
            &mut delta[..k]
        } else {
            delta_vec = vec![0.0; k];
            &mut delta_vec
        };
        for ((d, x), mean) in delta.iter_mut().zip(row).zip(self.mean.iter_mut()) {
            *d = x - *mean;
            *mean += ratio * *d;
        }
        for a in 0..k {
            let da = weight * delta[a];
            let out = &mut self.comoment[a * k..(a + 1) * k];
            for b in 0..k {
                // (x_b - new mean_b) = delta_b * (1 - ratio).
                out[b] += da * delta[b] * (1.0 - ratio);
            }
        }
        self.weight_sum = total;
        self.weight_sq_sum += weight * weight;
    }

    /// Merges another summary of the same variables into this one (Chan,
    /// Golub and LeVeque 1979, pairwise update).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] if the summaries have different numbers of variables.
    pub fn merge(&mut self, other: &Moments) -> Result<()> {
        check_same_len("moments", self.k, "other moments", other.k)?;
        self.rows += other.rows;
        self.missing += other.missing;
        if other.weight_sum == 0.0 {
            return Ok(());
        }
        if self.weight_sum == 0.0 {
            self.weight_sum = other.weight_sum;
            self.weight_sq_sum = other.weight_sq_sum;
            self.mean.clone_from(&other.mean);
            self.comoment.clone_from(&other.comoment);
            return Ok(());
        }
        let k = self.k;
        let total = self.weight_sum + other.weight_sum;
        let factor = self.weight_sum * other.weight_sum / total;
        let delta: Vec<f64> = (0..k).map(|j| other.mean[j] - self.mean[j]).collect();
        for a in 0..k {
            for b in 0..k {
                self.comoment[a * k + b] +=
                    other.comoment[a * k + b] + factor * delta[a] * delta[b];
            }
        }
        for (mean, d) in self.mean.iter_mut().zip(&delta) {
            *mean += d * other.weight_sum / total;
        }
        self.weight_sum = total;
        self.weight_sq_sum += other.weight_sq_sum;
        Ok(())
    }

    /// Number of variables.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Rows added (complete rows, including those with zero weight).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Rows dropped because of a missing value.
    pub fn n_missing(&self) -> u64 {
        self.missing
    }

    /// Sum of the row weights (the number of rows when unweighted).
    pub fn weight_sum(&self) -> f64 {
        self.weight_sum
    }

    /// Kish's effective sample size `(sum w)^2 / sum w^2`.
    pub fn n_effective(&self) -> f64 {
        if self.weight_sq_sum > 0.0 {
            self.weight_sum * self.weight_sum / self.weight_sq_sum
        } else {
            0.0
        }
    }

    /// Weighted means.
    pub fn means(&self) -> &[f64] {
        &self.mean
    }

    /// Centred cross-product of variables `a` and `b`.
    pub fn comoment(&self, a: usize, b: usize) -> f64 {
        self.comoment[a * self.k + b]
    }

    /// Weighted variance of variable `j` with the frequency-weight divisor
    /// `sum w - 1` (the usual `n - 1` when unweighted).
    pub fn variance(&self, j: usize) -> f64 {
        self.comoment(j, j) / (self.weight_sum - 1.0)
    }

    /// True if variable `j` is constant: its spread is zero or below
    /// rounding of its mean (relative standard deviation under 1e-13).
    pub fn is_constant(&self, j: usize) -> bool {
        let ss = self.comoment(j, j);
        let scale = self.mean[j].abs() * 1e-13;
        ss <= 0.0 || ss / self.weight_sum <= scale * scale
    }

    /// Correlation matrix (row-major `k x k`) of the variables.
    ///
    /// # Errors
    /// [`Error::Degenerate`] naming the first constant variable (its
    /// correlations are undefined).
    pub fn correlation(&self, names: &[&str]) -> Result<Vec<f64>> {
        let k = self.k;
        for j in 0..k {
            if self.is_constant(j) {
                return Err(Error::Degenerate {
                    what: format!("{:?}", names.get(j).copied().unwrap_or("variable")),
                    reason: "it has zero variance in the rows used, so its importance is undefined; drop it from the drivers".into(),
                });
            }
        }
        let sd: Vec<f64> = (0..k).map(|j| self.comoment(j, j).sqrt()).collect();
        let mut r = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                r[a * k + b] = if a == b {
                    1.0
                } else {
                    (self.comoment(a, b) / (sd[a] * sd[b])).clamp(-1.0, 1.0)
                };
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let y = vec![3.0, 5.0, 4.0, 8.0, 7.0, 9.0, 2.0];
        let x = vec![1.0, 2.0, 2.0, 5.0, 4.0, 6.0, 1.0];
        let z = vec![7.0, 1.0, 3.0, 2.0, 9.0, 4.0, 5.0];
        (y, x, z)
    }

    #[test]
    fn merge_equals_single_pass() {
        let (y, x, z) = columns();
        let names = ["y", "x", "z"];
        let whole = Moments::from_columns(&names, &[&y, &x, &z], None, Missing::Listwise).unwrap();
        let mut left = Moments::from_columns(
            &names,
            &[&y[..3], &x[..3], &z[..3]],
            None,
            Missing::Listwise,
        )
        .unwrap();
        let right = Moments::from_columns(
            &names,
            &[&y[3..], &x[3..], &z[3..]],
            None,
            Missing::Listwise,
        )
        .unwrap();
        left.merge(&right).unwrap();
        for a in 0..3 {
            assert!((left.means()[a] - whole.means()[a]).abs() < 1e-12);
            for b in 0..3 {
                assert!((left.comoment(a, b) - whole.comoment(a, b)).abs() < 1e-10);
            }
        }
        assert_eq!(left.rows(), 7);
    }

    #[test]
    fn correlation_matches_two_pass() {
        let (y, x, _) = columns();
        let m = Moments::from_columns(&["y", "x"], &[&y, &x], None, Missing::Listwise).unwrap();
        let r = m.correlation(&["y", "x"]).unwrap();
        let my = y.iter().sum::<f64>() / 7.0;
        let mx = x.iter().sum::<f64>() / 7.0;
        let sxy: f64 = y.iter().zip(&x).map(|(a, b)| (a - my) * (b - mx)).sum();
        let sxx: f64 = x.iter().map(|b| (b - mx).powi(2)).sum();
        let syy: f64 = y.iter().map(|a| (a - my).powi(2)).sum();
        assert!((r[1] - sxy / (sxx * syy).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn rescaling_keeps_correlation() {
        let (y, x, _) = columns();
        let big: Vec<f64> = x.iter().map(|v| v * 1e9 + 3e12).collect();
        let a = Moments::from_columns(&["y", "x"], &[&y, &x], None, Missing::Listwise).unwrap();
        let b = Moments::from_columns(&["y", "x"], &[&y, &big], None, Missing::Listwise).unwrap();
        let ra = a.correlation(&["y", "x"]).unwrap();
        let rb = b.correlation(&["y", "x"]).unwrap();
        assert!((ra[1] - rb[1]).abs() < 1e-9, "{} vs {}", ra[1], rb[1]);
    }

    #[test]
    fn listwise_drops_and_counts() {
        let y = [1.0, 2.0, f64::NAN, 4.0];
        let x = [1.0, f64::NAN, 3.0, 5.0];
        let m = Moments::from_columns(&["y", "x"], &[&y, &x], None, Missing::Listwise).unwrap();
        assert_eq!(m.rows(), 2);
        assert_eq!(m.n_missing(), 2);
        let err = Moments::from_columns(&["y", "x"], &[&y, &x], None, Missing::Reject).unwrap_err();
        assert!(err.to_string().contains("x[1]"), "{err}");
    }

    #[test]
    fn constant_column_is_degenerate() {
        let y = [1.0, 2.0, 3.0];
        let x = [1e9, 1e9, 1e9];
        let m = Moments::from_columns(&["y", "x"], &[&y, &x], None, Missing::Listwise).unwrap();
        let err = m.correlation(&["y", "x"]).unwrap_err();
        assert_eq!(err.kind(), "Degenerate");
        assert!(err.to_string().contains("\"x\""), "{err}");
    }

    #[test]
    fn weights_equal_repeated_rows() {
        let y = [1.0, 2.0, 4.0];
        let x = [2.0, 1.0, 5.0];
        let w = [1.0, 2.0, 1.0];
        let a = Moments::from_columns(&["y", "x"], &[&y, &x], Some(&w), Missing::Listwise).unwrap();
        let yy = [1.0, 2.0, 2.0, 4.0];
        let xx = [2.0, 1.0, 1.0, 5.0];
        let b = Moments::from_columns(&["y", "x"], &[&yy, &xx], None, Missing::Listwise).unwrap();
        for i in 0..2 {
            for j in 0..2 {
                assert!((a.comoment(i, j) - b.comoment(i, j)).abs() < 1e-12);
            }
        }
    }
}
