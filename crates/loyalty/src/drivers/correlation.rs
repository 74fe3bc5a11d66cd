//! [`DriverCorrelation`]: the validated correlation structure of an outcome
//! and its drivers, built from data ([`Moments`]) or from a correlation or
//! covariance matrix given with its sample size.

use nalgebra::{DMatrix, SymmetricEigen};
use serde::{Deserialize, Serialize};

use super::moments::Moments;
use crate::error::{Error, Result};

/// Smallest eigenvalue (relative to the largest diagonal element) that still
/// counts as zero when a matrix is checked for positive semidefiniteness.
/// Published matrices rounded to 2 decimals typically miss by more than this
/// and are rejected.
pub const PSD_TOLERANCE: f64 = 1e-9;

/// A pivot (the variance of a standardised driver left unexplained by the
/// drivers already in the model) at or below this value marks the driver as
/// an exact linear combination of those drivers (variance inflation above 1e9).
pub const COLLINEAR_TOLERANCE: f64 = 1e-9;

/// Correlations among the drivers and with the outcome, with the sample size
/// behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverCorrelation {
    /// Number of drivers.
    pub p: usize,
    /// Driver correlation matrix, row-major `p x p`.
    pub rxx: Vec<f64>,
    /// Correlation of each driver with the outcome.
    pub rxy: Vec<f64>,
    /// Number of observations (rows used, or the `n` given with a matrix).
    pub n: f64,
    /// Effective sample size (Kish's for weighted data, else `n`).
    pub n_effective: f64,
    /// Rows dropped as missing before the correlations were computed.
    pub n_missing: f64,
}

impl DriverCorrelation {
    /// Builds the structure from a summary whose variable 0 is the outcome
    /// and variables `1..=p` the drivers.
    ///
    /// # Errors
    /// [`Error::Degenerate`] for a constant variable (named) or fewer rows
    /// than drivers + 2.
    pub fn from_moments(moments: &Moments, names: &[&str]) -> Result<Self> {
        let k = moments.k();
        let p = k - 1;
        let n = moments.rows() as f64;
        check_rows(n, p)?;
        let r = moments.correlation(names)?;
        Ok(split(
            &r,
            k,
            n,
            moments.n_effective(),
            moments.n_missing() as f64,
        ))
    }

    /// Builds the structure from a correlation or covariance matrix of
    /// order `p + 1` (row-major) whose first row and column belong to the
    /// outcome, and the number of observations `n` behind it.
    ///
    /// A matrix whose diagonal is all ones is read as a correlation matrix;
    /// any other as a covariance matrix and standardised.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a matrix that is not square, not
    /// symmetric, has non-finite entries or correlations outside [-1, 1];
    /// [`Error::Degenerate`] for a zero variance (named) or `n < p + 2`;
    /// [`Error::NotPositiveSemidefinite`] with the smallest eigenvalue.
    pub fn from_matrix(matrix: &[f64], order: usize, n: f64, names: &[&str]) -> Result<Self> {
        if order < 2 || matrix.len() != order * order {
            return Err(Error::invalid_parameter(
                "matrix",
                format!("{} entries for order {order}", matrix.len()),
                "a square matrix of order 1 + number of drivers (outcome first), row-major",
            ));
        }
        if let Some(i) = matrix.iter().position(|v| !v.is_finite()) {
            return Err(Error::NotFinite {
                what: "matrix".into(),
                index: i,
                value: matrix[i],
                hint: String::new(),
            });
        }
        let max_diag = (0..order)
            .map(|i| matrix[i * order + i].abs())
            .fold(0.0, f64::max);
        for a in 0..order {
            for b in (a + 1)..order {
                let (x, y) = (matrix[a * order + b], matrix[b * order + a]);
                if (x - y).abs() > 1e-10 * max_diag.max(1.0) {
                    return Err(Error::invalid_parameter(
                        format!("matrix[{a}][{b}]"),
                        format!("{x} (but matrix[{b}][{a}] = {y})"),
                        "a symmetric matrix",
                    ));
                }
            }
        }
        for j in 0..order {
            let d = matrix[j * order + j];
            if d <= 0.0 {
                return Err(Error::Degenerate {
                    what: format!("{:?}", names.get(j).copied().unwrap_or("variable")),
                    reason: format!(
                        "its variance on the matrix diagonal is {d}; a driver or outcome needs a positive variance, so drop it"
                    ),
                });
            }
        }
        let is_correlation = (0..order).all(|j| (matrix[j * order + j] - 1.0).abs() <= 1e-8);
        if is_correlation {
            for a in 0..order {
                for b in 0..order {
                    let v = matrix[a * order + b];
                    if v.abs() > 1.0 + 1e-8 {
                        return Err(Error::invalid_parameter(
                            format!("matrix[{a}][{b}]"),
                            v,
                            "correlations between -1 and 1",
                        ));
                    }
                }
            }
        }
        let min_eig = smallest_eigenvalue(matrix, order);
        if min_eig < -PSD_TOLERANCE * max_diag.max(f64::MIN_POSITIVE) {
            return Err(Error::NotPositiveSemidefinite {
                what: if is_correlation {
                    "correlation matrix".into()
                } else {
                    "covariance matrix".into()
                },
                min_eigenvalue: min_eig,
            });
        }
        let p = order - 1;
        if !n.is_finite() {
            return Err(Error::invalid_parameter(
                "n",
                n,
                "the finite number of observations behind the matrix",
            ));
        }
        check_rows(n, p)?;
        let sd: Vec<f64> = (0..order).map(|j| matrix[j * order + j].sqrt()).collect();
        let mut r = vec![0.0; order * order];
        for a in 0..order {
            for b in 0..order {
                r[a * order + b] = if a == b {
                    1.0
                } else {
                    (matrix[a * order + b] / (sd[a] * sd[b])).clamp(-1.0, 1.0)
                };
            }
        }
        Ok(split(&r, order, n, n, 0.0))
    }

    /// The full correlation matrix of order `p + 1`, outcome first.
    pub fn full_matrix(&self) -> Vec<f64> {
        let m = self.p + 1;
        let mut r = vec![0.0; m * m];
        r[0] = 1.0;
        for a in 0..self.p {
            r[a + 1] = self.rxy[a];
            r[(a + 1) * m] = self.rxy[a];
            for b in 0..self.p {
                r[(a + 1) * m + b + 1] = self.rxx[a * self.p + b];
            }
        }
        r
    }

    /// The augmented matrix for the sweep operator: drivers `0..p`, then the
    /// outcome at index `p`, row-major `(p + 1) x (p + 1)`.
    pub fn sweep_matrix(&self) -> Vec<f64> {
        let m = self.p + 1;
        let mut a = vec![0.0; m * m];
        for i in 0..self.p {
            for j in 0..self.p {
                a[i * m + j] = self.rxx[i * self.p + j];
            }
            a[i * m + self.p] = self.rxy[i];
            a[self.p * m + i] = self.rxy[i];
        }
        a[m * m - 1] = 1.0;
        a
    }
}

fn check_rows(n: f64, p: usize) -> Result<()> {
    if n < (p + 2) as f64 {
        return Err(Error::Degenerate {
            what: "sample".into(),
            reason: format!(
                "{n} observations cannot fit {p} drivers and an intercept; pass at least {} complete rows or fewer drivers",
                p + 2
            ),
        });
    }
    Ok(())
}

fn split(r: &[f64], k: usize, n: f64, n_effective: f64, n_missing: f64) -> DriverCorrelation {
    let p = k - 1;
    let mut rxx = vec![0.0; p * p];
    let mut rxy = vec![0.0; p];
    for a in 0..p {
        rxy[a] = r[(a + 1) * k];
        for b in 0..p {
            rxx[a * p + b] = r[(a + 1) * k + b + 1];
        }
    }
    DriverCorrelation {
        p,
        rxx,
        rxy,
        n,
        n_effective,
        n_missing,
    }
}

/// Smallest eigenvalue of a symmetric row-major matrix.
pub fn smallest_eigenvalue(matrix: &[f64], order: usize) -> f64 {
    let m = DMatrix::from_row_slice(order, order, matrix);
    SymmetricEigen::new(m)
        .eigenvalues
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_psd_names_smallest_eigenvalue() {
        // dominance-analysis issue 19 / R-help 2003-April/032134: a pairwise
        // correlation matrix with eigenvalue -0.235781669160055 (numpy eigvalsh).
        let r = [1.0, 0.8, 0.8, 0.8, 1.0, -0.2, 0.8, -0.2, 1.0];
        let err = DriverCorrelation::from_matrix(&r, 3, 100.0, &["y", "x1", "x2"]).unwrap_err();
        match err {
            Error::NotPositiveSemidefinite { min_eigenvalue, .. } => {
                assert!((min_eigenvalue + 0.235781669160055).abs() < 1e-9)
            }
            other => panic!("expected NotPositiveSemidefinite, got {other}"),
        }
    }

    #[test]
    fn covariance_is_standardised() {
        let cov = [4.0, 2.0, 2.0, 9.0];
        let c = DriverCorrelation::from_matrix(&cov, 2, 10.0, &["y", "x"]).unwrap();
        assert!((c.rxy[0] - 2.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn asymmetric_matrix_is_rejected() {
        let r = [1.0, 0.5, 0.4, 1.0];
        let err = DriverCorrelation::from_matrix(&r, 2, 10.0, &["y", "x"]).unwrap_err();
        assert_eq!(err.kind(), "InvalidParameter");
    }

    #[test]
    fn too_few_rows_is_degenerate() {
        let r = [1.0, 0.5, 0.5, 1.0];
        let err = DriverCorrelation::from_matrix(&r, 2, 2.0, &["y", "x"]).unwrap_err();
        assert_eq!(err.kind(), "Degenerate");
    }
}
