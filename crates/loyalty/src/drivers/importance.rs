//! Importance measures: the Shapley value of R-squared (LMG) with general,
//! conditional and complete dominance from a [`SubsetR2`] table, and the
//! measures that need only the full model: Johnson's relative weights,
//! Pratt's measure, first (squared zero-order correlation), last (drop in
//! R-squared when the driver leaves the full model) and the squared
//! standardised coefficient.
//!
//! References: R. H. Lindeman, P. F. Merenda, R. Z. Gold (1980),
//! "Introduction to Bivariate and Multivariate Analysis" (LMG);
//! D. V. Budescu (1993), "Dominance analysis", Psychological Bulletin
//! 114(3); R. Azen and D. V. Budescu (2003), "The dominance analysis
//! approach for comparing predictors in multiple regression",
//! Psychological Methods 8(2); J. W. Johnson (2000), "A heuristic method for
//! estimating the relative weight of predictor variables in multiple
//! regression", Multivariate Behavioral Research 35(1); J. W. Pratt (1987),
//! "Dividing the indivisible"; U. Grömping (2006), "Relative importance for
//! linear regression in R: the package relaimpo", Journal of Statistical
//! Software 17(1).

use nalgebra::{DMatrix, DVector, SymmetricEigen};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::correlation::{DriverCorrelation, COLLINEAR_TOLERANCE};
use super::subsets::SubsetR2;

/// Two contributions closer than this count as tied when complete dominance
/// is decided, so exact duplicates dominate neither way.
pub const DOMINANCE_TIE: f64 = 1e-12;

/// General, conditional and complete dominance of every driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dominance {
    /// General dominance weight of each driver: the mean of its conditional
    /// dominance weights, equal to LMG (the Shapley value of R-squared).
    pub general: Vec<f64>,
    /// `conditional[j][s]`: mean increase in R-squared when driver `j` joins
    /// a subset of `s` other drivers, for `s = 0..p-1` (so `s = 0` is
    /// "first" and `s = p-1` is "last").
    pub conditional: Vec<Vec<f64>>,
    /// `complete[i][j]`: 1 if driver `i` adds more R-squared than driver `j`
    /// to every subset of the other drivers, 0 if `j` adds more to every
    /// subset, 0.5 if neither (undetermined); `None` on the diagonal.
    pub complete: Vec<Vec<Option<f64>>>,
}

/// Computes dominance statistics (and so LMG) from an all-subsets table.
///
/// # Formula
/// ```text
/// C_j(s) = mean over subsets S of the others with |S| = s of R2(S+j) - R2(S)
/// LMG_j  = (1/p) sum_{s=0}^{p-1} C_j(s)
/// ```
pub fn dominance(table: &SubsetR2) -> Dominance {
    let conditional = conditional_dominance(table);
    let p = table.p();
    let general = conditional
        .iter()
        .map(|row| row.iter().sum::<f64>() / p as f64)
        .collect();
    let complete = complete_dominance_given(table, &conditional);
    Dominance {
        general,
        conditional,
        complete,
    }
}

/// Computes the Shapley value of each driver for any set function given as a
/// table (LMG when the table contains R-squared values).
pub fn shapley(table: &SubsetR2) -> Vec<f64> {
    let p = table.p();
    conditional_dominance(table)
        .iter()
        .map(|row| row.iter().sum::<f64>() / p as f64)
        .collect()
}

/// `C_j(s)` for every driver and subset size (see [`dominance`]).
///
/// Each driver's pass reads the table as two sequential streams (subsets
/// without the driver and the same subsets with it), and drivers run in
/// parallel.
pub fn conditional_dominance(table: &SubsetR2) -> Vec<Vec<f64>> {
    let p = table.p();
    let values = table.values();
    let total = 1usize << p;
    let per_driver = |j: usize| -> Vec<f64> {
        let bit = 1usize << j;
        let mut sums = vec![0.0; p];
        for high in (0..total).step_by(2 * bit) {
            for mask in high..high + bit {
                let size = mask.count_ones() as usize;
                sums[size] += values[mask | bit] - values[mask];
            }
        }
        for (s, v) in sums.iter_mut().enumerate() {
            *v /= binomial(p - 1, s);
        }
        sums
    };
    if p >= 14 {
        (0..p).into_par_iter().map(per_driver).collect()
    } else {
        (0..p).map(per_driver).collect()
    }
}

fn binomial(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// Inserts a zero bit at position `pos`, shifting higher bits up.
fn insert_zero(x: usize, pos: usize) -> usize {
    ((x >> pos) << (pos + 1)) | (x & ((1usize << pos) - 1))
}

/// Complete dominance matrix (see [`Dominance::complete`]).
///
/// For a pair `i < j` the subsets without either driver come in runs of
/// `2^i` consecutive masks, so the differences `R2(S+i) - R2(S+j)` are
/// taken over two contiguous slices at a time, and the scan stops once
/// neither driver can be ahead in every subset.
pub fn complete_dominance(table: &SubsetR2) -> Vec<Vec<Option<f64>>> {
    complete_dominance_given(table, &conditional_dominance(table))
}

/// Margin by which conditional dominance weights must disagree before a
/// pair is ruled out without a scan. It is far above rounding error and far
/// below any difference the full scan would see.
const PRUNE_MARGIN: f64 = 1e-9;

/// [`complete_dominance`] with the conditional weights already known.
///
/// Complete dominance of `i` over `j` implies `C_i(s) > C_j(s)` at every
/// size `s` (Azen and Budescu 2003), so a pair whose conditional weights
/// cross is undetermined without reading the table.
fn complete_dominance_given(table: &SubsetR2, conditional: &[Vec<f64>]) -> Vec<Vec<Option<f64>>> {
    let p = table.p();
    let values = table.values();
    let pairs: Vec<(usize, usize)> = (0..p)
        .flat_map(|i| ((i + 1)..p).map(move |j| (i, j)))
        .collect();
    let decide = |&(i, j): &(usize, usize)| -> f64 {
        let gaps = conditional[i]
            .iter()
            .zip(&conditional[j])
            .map(|(a, b)| a - b);
        let (mut i_possible, mut j_possible) = (true, true);
        for g in gaps {
            i_possible &= g > -PRUNE_MARGIN;
            j_possible &= g < PRUNE_MARGIN;
        }
        if !i_possible && !j_possible {
            return 0.5;
        }
        let (bi, bj) = (1usize << i, 1usize << j);
        let run = bi;
        // Counting the subsets where each driver is ahead (instead of
        // tracking a minimum) lets the compiler vectorise the inner loop.
        let (mut i_ahead, mut j_ahead, mut seen) = (0usize, 0usize, 0usize);
        // Runs of the other drivers' masks above bit i, with bits i and j clear.
        let runs = 1usize << (p - 2 - i);
        let per_check = (256 / run).max(1);
        let mut t = 0;
        while t < runs {
            for t in t..(t + per_check).min(runs) {
                let base = insert_zero(t << (i + 1), j);
                let a = &values[(base | bi)..(base | bi) + run];
                let b = &values[(base | bj)..(base | bj) + run];
                for (x, y) in a.iter().zip(b) {
                    let d = x - y;
                    i_ahead += usize::from(d > DOMINANCE_TIE);
                    j_ahead += usize::from(d < -DOMINANCE_TIE);
                }
                seen += run;
            }
            let i_still = i_possible && i_ahead == seen;
            let j_still = j_possible && j_ahead == seen;
            if !i_still && !j_still {
                return 0.5;
            }
            t += per_check;
        }
        if i_possible && i_ahead == seen {
            1.0
        } else {
            0.0
        }
    };
    let verdicts: Vec<f64> = if p >= 14 {
        pairs.par_iter().map(decide).collect()
    } else {
        pairs.iter().map(decide).collect()
    };
    let mut out = vec![vec![None; p]; p];
    for (&(i, j), v) in pairs.iter().zip(verdicts) {
        out[i][j] = Some(v);
        out[j][i] = Some(1.0 - v);
    }
    out
}

/// The full-model regression on standardised variables.
#[derive(Debug, Clone, PartialEq)]
pub struct FullModel {
    /// Standardised coefficients (minimum-norm solution when drivers are
    /// exactly collinear, which splits an exact duplicate's weight equally).
    pub beta: Vec<f64>,
    /// R-squared of the full model.
    pub r2: f64,
    /// Eigenvalues of the driver correlation matrix.
    eigenvalues: Vec<f64>,
    /// Eigenvectors (columns) of the driver correlation matrix.
    eigenvectors: DMatrix<f64>,
}

impl FullModel {
    /// Fits the full model by the eigendecomposition of the driver
    /// correlation matrix (eigenvalues at or below [`COLLINEAR_TOLERANCE`]
    /// count as zero).
    pub fn fit(corr: &DriverCorrelation) -> Self {
        let p = corr.p;
        let rxx = DMatrix::from_row_slice(p, p, &corr.rxx);
        let rxy = DVector::from_column_slice(&corr.rxy);
        let eig = SymmetricEigen::new(rxx);
        let mut beta = DVector::zeros(p);
        for k in 0..p {
            let lambda = eig.eigenvalues[k];
            if lambda > COLLINEAR_TOLERANCE {
                let v = eig.eigenvectors.column(k);
                beta += v * (v.dot(&rxy) / lambda);
            }
        }
        let r2 = beta.dot(&rxy).clamp(0.0, 1.0);
        FullModel {
            beta: beta.iter().copied().collect(),
            r2,
            eigenvalues: eig.eigenvalues.iter().copied().collect(),
            eigenvectors: eig.eigenvectors,
        }
    }

    /// Number of eigenvalues above [`COLLINEAR_TOLERANCE`].
    pub fn rank(&self) -> usize {
        self.eigenvalues
            .iter()
            .filter(|&&l| l > COLLINEAR_TOLERANCE)
            .count()
    }

    /// Johnson's (2000) relative weights.
    ///
    /// # Formula
    /// ```text
    /// Rxx = V L V',  Z = V L^(1/2) V'   (symmetric square root)
    /// b*  = Z^+ rxy                      (outcome on orthogonal counterparts)
    /// eps_j = sum_k Z_jk^2 b*_k^2        (sums to R-squared)
    /// ```
    pub fn relative_weights(&self, corr: &DriverCorrelation) -> Vec<f64> {
        let p = corr.p;
        let rxy = DVector::from_column_slice(&corr.rxy);
        let mut z = DMatrix::zeros(p, p);
        let mut z_pinv = DMatrix::zeros(p, p);
        for k in 0..p {
            let lambda = self.eigenvalues[k];
            if lambda > COLLINEAR_TOLERANCE {
                let v = self.eigenvectors.column(k);
                let outer = v * v.transpose();
                z += &outer * lambda.sqrt();
                z_pinv += outer / lambda.sqrt();
            }
        }
        let b = z_pinv * rxy;
        (0..p)
            .map(|j| (0..p).map(|k| z[(j, k)].powi(2) * b[k].powi(2)).sum())
            .collect()
    }

    /// Pratt's measure `beta_j r_jy` (sums to R-squared, may be negative).
    pub fn pratt(&self, corr: &DriverCorrelation) -> Vec<f64> {
        self.beta
            .iter()
            .zip(&corr.rxy)
            .map(|(b, r)| b * r)
            .collect()
    }

    /// Squared standardised coefficients.
    pub fn beta_squared(&self) -> Vec<f64> {
        self.beta.iter().map(|b| b * b).collect()
    }
}

/// "First": the squared correlation of each driver with the outcome.
pub fn first(corr: &DriverCorrelation) -> Vec<f64> {
    corr.rxy.iter().map(|r| r * r).collect()
}

/// "Last": the drop in R-squared when each driver leaves the full model,
/// from the table when there is one, else by refitting without the driver.
pub fn last(corr: &DriverCorrelation, full: &FullModel, table: Option<&SubsetR2>) -> Vec<f64> {
    let p = corr.p;
    match table {
        Some(t) => {
            let all = (1usize << p) - 1;
            (0..p)
                .map(|j| (t.full() - t.get(all & !(1 << j))).max(0.0))
                .collect()
        }
        None => (0..p)
            .map(|j| {
                let keep: Vec<usize> = (0..p).filter(|&k| k != j).collect();
                let reduced = DriverCorrelation {
                    p: p - 1,
                    rxx: keep
                        .iter()
                        .flat_map(|&a| keep.iter().map(move |&b| corr.rxx[a * p + b]))
                        .collect(),
                    rxy: keep.iter().map(|&a| corr.rxy[a]).collect(),
                    ..corr.clone()
                };
                (full.r2 - FullModel::fit(&reduced).r2).max(0.0)
            })
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops mirror the formulas
mod tests {
    use super::*;

    #[test]
    fn shapley_of_worked_table() {
        // displayr.com/shapley-value-regression/ worked example: R2 of
        // A=0.4, B=0.2, C=0.1, AB=0.4, AC=0.5, BC=0.3, ABC=0.5 gives A = 0.3.
        let values = vec![0.0, 0.4, 0.2, 0.4, 0.1, 0.5, 0.3, 0.5];
        let t = SubsetR2::from_values(3, values).unwrap();
        let s = shapley(&t);
        assert!((s[0] - 0.3).abs() < 1e-12);
        assert!((s[1] - 0.1).abs() < 1e-12);
        assert!((s[2] - 0.1).abs() < 1e-12);
    }

    #[test]
    fn complete_dominance_matches_brute_force() {
        // A table where driver j adds j + 1 plus a subset-dependent wobble,
        // so some pairs are decided and some are not.
        let p = 9;
        let values: Vec<f64> = (0..1usize << p)
            .map(|m| {
                (0..p)
                    .filter(|j| m & (1 << j) != 0)
                    .map(|j| (j + 1) as f64 + 3.0 * ((m * 2654435761) % 7) as f64 / 7.0)
                    .sum::<f64>()
            })
            .collect();
        let t = SubsetR2::from_values(p, values.clone()).unwrap();
        let fast = complete_dominance(&t);
        for i in 0..p {
            for j in 0..p {
                if i == j {
                    assert_eq!(fast[i][j], None);
                    continue;
                }
                let (bi, bj) = (1 << i, 1 << j);
                let diffs: Vec<f64> = (0..1usize << p)
                    .filter(|s| s & (bi | bj) == 0)
                    .map(|s| values[s | bi] - values[s | bj])
                    .collect();
                let want = if diffs.iter().all(|d| *d > DOMINANCE_TIE) {
                    1.0
                } else if diffs.iter().all(|d| *d < -DOMINANCE_TIE) {
                    0.0
                } else {
                    0.5
                };
                assert_eq!(fast[i][j], Some(want), "pair {i} {j}");
            }
        }
    }

    #[test]
    fn insert_zero_skips_positions() {
        assert_eq!(insert_zero(0b11, 1), 0b101);
        assert_eq!(insert_zero(insert_zero(0b111, 0), 2), 0b11010);
    }
}
