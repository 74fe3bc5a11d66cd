//! R-squared of every subset of drivers, and the permutation-sampling
//! estimator of their Shapley values when the subsets are too many.
//!
//! The exact table is built with the sweep operator (Goodnight 1979, in the
//! symmetric form of Jennrich 1977) on the correlation matrix: sweeping a
//! driver in or out of the model costs one rank-one update of a
//! `(p + 1) x (p + 1)` matrix, and visiting the subsets in Gray-code order
//! changes one driver per step, so all `2^p` R-squared values cost
//! `O(2^p p^2)` instead of `2^p` separate regressions. The table is split into
//! blocks that share their high drivers: each block starts from a fresh sweep
//! of its high drivers (which bounds the accumulation of rounding error to one
//! block), then walks its low drivers on the small conditional matrix, and
//! blocks run in parallel with rayon.
//!
//! No maintained crate computes all-subsets regressions incrementally, which
//! is why the sweep is written here.
//!
//! References: J. H. Goodnight (1979), "A tutorial on the SWEEP operator",
//! The American Statistician 33(3); R. I. Jennrich (1977), "Stepwise
//! regression", in Statistical Methods for Digital Computers.

use rand::seq::SliceRandom;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::correlation::{DriverCorrelation, COLLINEAR_TOLERANCE};
use crate::error::{Error, Result};
use crate::math::seeded_rng;

/// Largest number of drivers for which the exact table may be requested
/// (the table of `2^28` values takes 2 GiB).
pub const MAX_EXACT_DRIVERS: usize = 28;

/// Default number of drivers up to which importances are exact; above it
/// Shapley values are estimated by permutation sampling.
pub const DEFAULT_EXACT_LIMIT: usize = 25;

/// Drivers walked in Gray-code order inside one block; `2^8` subsets per
/// block keeps the conditional matrix at 9 x 9, while the fresh sweep of the
/// high drivers at the start of each block costs little per subset.
const BLOCK_BITS: usize = 8;

/// R-squared of every subset of `p` drivers, indexed by bit mask (bit `j`
/// set means driver `j` is in the subset; entry 0 is the empty model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsetR2 {
    p: usize,
    values: Vec<f64>,
}

impl SubsetR2 {
    /// Wraps a table given by the caller, e.g. R-squared values of models
    /// fitted elsewhere.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `values` has `2^p` entries with
    /// `1 <= p <= 28`, and [`Error::NotFinite`] for a non-finite entry.
    pub fn from_values(p: usize, values: Vec<f64>) -> Result<Self> {
        if p == 0 || p > MAX_EXACT_DRIVERS || values.len() != 1usize << p {
            return Err(Error::invalid_parameter(
                "subset table",
                format!("{} values for {p} drivers", values.len()),
                format!("2^p values for 1 <= p <= {MAX_EXACT_DRIVERS}, indexed by bit mask"),
            ));
        }
        crate::error::check_finite("subset table", &values)?;
        Ok(SubsetR2 { p, values })
    }

    /// Computes the table from a correlation structure by Gray-code sweeps.
    ///
    /// A driver that is an exact linear combination of the drivers already
    /// in a subset (pivot at or below [`COLLINEAR_TOLERANCE`]) adds nothing:
    /// each entry is the R-squared of the projection onto the span of the
    /// subset, so entries stay within [0, 1] and exact duplicates get equal
    /// Shapley values.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for more than [`MAX_EXACT_DRIVERS`] drivers.
    pub fn exact(corr: &DriverCorrelation) -> Result<Self> {
        let p = corr.p;
        if p == 0 || p > MAX_EXACT_DRIVERS {
            return Err(Error::invalid_parameter(
                "drivers",
                p,
                format!("between 1 and {MAX_EXACT_DRIVERS} drivers for the exact table; use permutation sampling above"),
            ));
        }
        let base = corr.sweep_matrix();
        let low = p.min(BLOCK_BITS);
        let mut values = vec![0.0; 1usize << p];
        let block = 1usize << low;
        if p > low {
            values
                .par_chunks_mut(block)
                .enumerate()
                .for_each(|(high, out)| walk_block(&base, p, low, high << low, out));
        } else {
            walk_block(&base, p, low, 0, &mut values);
        }
        Ok(SubsetR2 { p, values })
    }

    /// Number of drivers.
    pub fn p(&self) -> usize {
        self.p
    }

    /// R-squared of the subset with bit mask `mask`.
    pub fn get(&self, mask: usize) -> f64 {
        self.values[mask]
    }

    /// Returns all values, indexed by bit mask.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// R-squared of the model with every driver.
    pub fn full(&self) -> f64 {
        self.values[(1usize << self.p) - 1]
    }
}

/// Sweeps pivot `k` of the symmetric row-major `m x m` matrix `a` in
/// (`forward`) or out (reverse sweep). `row` is scratch of length `m`.
///
/// After sweeping a set S of drivers the outcome's diagonal element is the
/// residual variance of the outcome given S, so `1 - a[y][y]` is the
/// R-squared of S for a standardised outcome.
#[inline]
pub(crate) fn sweep(a: &mut [f64], m: usize, k: usize, forward: bool, row: &mut [f64]) {
    let inv = 1.0 / a[k * m + k];
    row.copy_from_slice(&a[k * m..(k + 1) * m]);
    for i in 0..m {
        if i == k {
            continue;
        }
        let f = a[i * m + k] * inv;
        if f == 0.0 {
            continue;
        }
        let target = &mut a[i * m..(i + 1) * m];
        for (t, r) in target.iter_mut().zip(row.iter()) {
            *t -= f * r;
        }
    }
    let s = if forward { inv } else { -inv };
    for j in 0..m {
        a[k * m + j] = row[j] * s;
        a[j * m + k] = row[j] * s;
    }
    a[k * m + k] = -inv;
}

fn r2_of(a: &[f64], m: usize) -> f64 {
    (1.0 - a[m * m - 1]).clamp(0.0, 1.0)
}

/// Fills `out` with the R-squared of `high | g` for every low mask `g`.
fn walk_block(base: &[f64], p: usize, low: usize, high: usize, out: &mut [f64]) {
    let m = p + 1;
    let mut full = base.to_vec();
    let mut scratch = vec![0.0; m];
    for j in low..p {
        if high & (1 << j) != 0 && full[j * m + j] > COLLINEAR_TOLERANCE {
            sweep(&mut full, m, j, true, &mut scratch);
        }
    }
    // The low drivers and the outcome, conditional on the high drivers.
    let ms = low + 1;
    let index: Vec<usize> = (0..low).chain(std::iter::once(p)).collect();
    let mut start = vec![0.0; ms * ms];
    for (a, &ia) in index.iter().enumerate() {
        for (b, &ib) in index.iter().enumerate() {
            start[a * ms + b] = full[ia * m + ib];
        }
    }
    let mut a = start.clone();
    let mut row = vec![0.0; ms];
    // Drivers in the subset that were not swept because they are linear
    // combinations of the swept ones; every other driver in it is swept.
    let mut skipped = 0usize;
    out[0] = r2_of(&a, ms);
    for i in 1usize..(1usize << low) {
        let j = i.trailing_zeros() as usize;
        let bit = 1usize << j;
        let gray = i ^ (i >> 1);
        if gray & bit != 0 {
            if a[j * ms + j] > COLLINEAR_TOLERANCE {
                sweep(&mut a, ms, j, true, &mut row);
            } else {
                skipped |= bit;
            }
        } else if skipped & bit != 0 {
            skipped &= !bit;
        } else if skipped == 0 {
            // NOTE: a reverse sweep divides by the driver's pivot, so a
            // driver just above COLLINEAR_TOLERANCE magnifies rounding error
            // until the block ends (at most 2^8 steps later).
            sweep(&mut a, ms, j, false, &mut row);
        } else {
            // A skipped driver may no longer be a combination of the rest:
            // rebuild the state of this subset from the block's start.
            a.copy_from_slice(&start);
            skipped = 0;
            for t in 0..low {
                let b = 1usize << t;
                if gray & b != 0 {
                    if a[t * ms + t] > COLLINEAR_TOLERANCE {
                        sweep(&mut a, ms, t, true, &mut row);
                    } else {
                        skipped |= b;
                    }
                }
            }
        }
        out[gray] = r2_of(&a, ms);
    }
}

/// Shapley values of R-squared estimated from random orderings of the drivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampledShapley {
    /// Estimated Shapley value (LMG) of each driver.
    pub values: Vec<f64>,
    /// Monte Carlo standard error of each estimate.
    pub mc_se: Vec<f64>,
    /// Orderings drawn (in antithetic pairs).
    pub permutations: usize,
}

/// Estimates LMG (the Shapley value of R-squared) by sampling orderings.
///
/// Each draw is an antithetic pair: a uniformly random ordering of the
/// drivers and its reverse. Along each ordering the drivers are swept in one
/// at a time and each driver's increase in R-squared is its marginal
/// contribution; the mean over orderings is an unbiased estimate of the
/// Shapley value (Castro, Gómez and Tejada 2009, "Polynomial calculation of
/// the Shapley value based on sampling", Computers & Operations Research
/// 36(5)). The Monte Carlo standard error is the standard deviation of the
/// pair means over the square root of the number of pairs. The orderings
/// come from ChaCha8 streams seeded by `seed`, one stream per block of
/// pairs, so the estimate does not depend on the number of threads.
///
/// # Errors
/// [`Error::InvalidParameter`] for fewer than 2 orderings.
pub fn sample_shapley(
    corr: &DriverCorrelation,
    permutations: usize,
    seed: u64,
) -> Result<SampledShapley> {
    let pairs = permutations / 2;
    if pairs < 1 {
        return Err(Error::invalid_parameter(
            "permutations",
            permutations,
            "at least 2 orderings (drawn as antithetic pairs), e.g. 10000",
        ));
    }
    let p = corr.p;
    let m = p + 1;
    let base = corr.sweep_matrix();
    const PAIRS_PER_STREAM: usize = 64;
    let streams = pairs.div_ceil(PAIRS_PER_STREAM);
    let (sum, sum_sq) = (0..streams)
        .into_par_iter()
        .map(|stream| {
            let mut rng = seeded_rng(seed);
            rng.set_stream(stream as u64);
            let mut order: Vec<usize> = (0..p).collect();
            let mut a = vec![0.0; m * m];
            let mut row = vec![0.0; m];
            let mut pair = vec![0.0; p];
            let mut sum = vec![0.0; p];
            let mut sum_sq = vec![0.0; p];
            let count = PAIRS_PER_STREAM.min(pairs - stream * PAIRS_PER_STREAM);
            for _ in 0..count {
                order.shuffle(&mut rng);
                pair.iter_mut().for_each(|v| *v = 0.0);
                for reversed in [false, true] {
                    a.copy_from_slice(&base);
                    let mut before = 0.0;
                    for step in 0..p {
                        let j = if reversed {
                            order[p - 1 - step]
                        } else {
                            order[step]
                        };
                        if a[j * m + j] > COLLINEAR_TOLERANCE {
                            sweep(&mut a, m, j, true, &mut row);
                            let now = r2_of(&a, m);
                            pair[j] += 0.5 * (now - before);
                            before = now;
                        }
                    }
                }
                for j in 0..p {
                    sum[j] += pair[j];
                    sum_sq[j] += pair[j] * pair[j];
                }
            }
            (sum, sum_sq)
        })
        .reduce(
            || (vec![0.0; p], vec![0.0; p]),
            |(mut s, mut q), (s2, q2)| {
                for j in 0..p {
                    s[j] += s2[j];
                    q[j] += q2[j];
                }
                (s, q)
            },
        );
    let count = pairs as f64;
    let values: Vec<f64> = sum.iter().map(|s| s / count).collect();
    let mc_se = (0..p)
        .map(|j| {
            if pairs < 2 {
                return f64::NAN;
            }
            let var = (sum_sq[j] - count * values[j] * values[j]).max(0.0) / (count - 1.0);
            (var / count).sqrt()
        })
        .collect();
    Ok(SampledShapley {
        values,
        mc_se,
        permutations: 2 * pairs,
    })
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops mirror the formulas
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    fn corr_from(full: &[f64], k: usize) -> DriverCorrelation {
        DriverCorrelation::from_matrix(full, k, 1000.0, &[]).unwrap()
    }

    /// R-squared of a subset by direct solution of the normal equations.
    fn direct_r2(c: &DriverCorrelation, mask: usize) -> f64 {
        let idx: Vec<usize> = (0..c.p).filter(|j| mask & (1 << j) != 0).collect();
        if idx.is_empty() {
            return 0.0;
        }
        let k = idx.len();
        let rxx = DMatrix::from_fn(k, k, |a, b| c.rxx[idx[a] * c.p + idx[b]]);
        let rxy = DVector::from_fn(k, |a, _| c.rxy[idx[a]]);
        let beta = rxx.lu().solve(&rxy).unwrap();
        beta.dot(&rxy)
    }

    fn random_corr(p: usize, seed: u64) -> DriverCorrelation {
        use rand::Rng;
        let mut rng = seeded_rng(seed);
        let n = 60;
        let k = p + 1;
        let cols: Vec<Vec<f64>> = (0..k)
            .map(|_| (0..n).map(|_| rng.random::<f64>()).collect())
            .collect();
        let mut cols = cols;
        for i in 0..n {
            let s: f64 = (1..k).map(|c| cols[c][i] * c as f64).sum();
            cols[0][i] += 0.1 * s;
        }
        let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
        let names: Vec<String> = (0..k).map(|c| format!("v{c}")).collect();
        let names: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let m = super::super::moments::Moments::from_columns(
            &names,
            &refs,
            None,
            super::super::moments::Missing::Listwise,
        )
        .unwrap();
        DriverCorrelation::from_moments(&m, &names).unwrap()
    }

    #[test]
    fn gray_sweep_matches_direct_solves() {
        for p in [1, 3, 6, 14] {
            let c = random_corr(p, p as u64);
            let table = SubsetR2::exact(&c).unwrap();
            for mask in (0..1usize << p).step_by(7) {
                let want = direct_r2(&c, mask);
                assert!(
                    (table.get(mask) - want).abs() < 1e-10,
                    "p {p} mask {mask}: {} vs {want}",
                    table.get(mask)
                );
            }
        }
    }

    #[test]
    fn duplicate_driver_adds_nothing() {
        // Outcome y, x1, x2 = x1 (exact duplicate), x3.
        let full = [
            1.0, 0.5, 0.5, 0.3, //
            0.5, 1.0, 1.0, 0.2, //
            0.5, 1.0, 1.0, 0.2, //
            0.3, 0.2, 0.2, 1.0,
        ];
        let c = corr_from(&full, 4);
        let t = SubsetR2::exact(&c).unwrap();
        assert!((t.get(0b011) - 0.25).abs() < 1e-12);
        assert!((t.get(0b001) - t.get(0b010)).abs() < 1e-12);
        assert!((t.get(0b111) - t.get(0b101)).abs() < 1e-12);
        assert!(t.values().iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn sampling_approaches_exact_values() {
        let c = random_corr(8, 3);
        let table = SubsetR2::exact(&c).unwrap();
        let exact = super::super::importance::dominance(&table).general;
        let s = sample_shapley(&c, 20_000, 7).unwrap();
        for j in 0..8 {
            assert!(
                (s.values[j] - exact[j]).abs() < 5.0 * s.mc_se[j] + 1e-12,
                "driver {j}: {} vs {} (se {})",
                s.values[j],
                exact[j],
                s.mc_se[j]
            );
        }
        let total: f64 = s.values.iter().sum();
        assert!((total - table.full()).abs() < 1e-10, "efficiency: {total}");
    }
}
