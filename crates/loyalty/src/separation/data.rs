//! Multi-item survey data for the measurement and path models: a row-major
//! table of item scores ([`ItemRows`]) and its mergeable moment summary
//! ([`ItemMoments`]: count, means and centred cross-products).
//!
//! Every statistic of the validity and PLS modules is a function of the item
//! means and covariance matrix. Partitions of a large survey can therefore be
//! summarised apart and merged before fitting. The merge of centred
//! cross-products follows Chan, Golub and LeVeque (1979), "Updating formulae
//! and a pairwise algorithm for computing sample variances".

use std::borrow::Cow;

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Policy for missing item scores (NaN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MissingItems {
    /// A NaN is an error naming its row and item.
    #[default]
    Reject,
    /// Rows with any NaN in the used items are dropped (listwise deletion).
    DropRows,
    /// A NaN is replaced by its item's mean over the other rows (the default
    /// of the R package seminr).
    MeanReplace,
}

impl MissingItems {
    /// Parses "reject", "drop" (or "drop_rows") and "mean" (or "mean_replace").
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "reject" => Ok(MissingItems::Reject),
            "drop" | "drop_rows" => Ok(MissingItems::DropRows),
            "mean" | "mean_replace" => Ok(MissingItems::MeanReplace),
            other => Err(Error::invalid_parameter(
                "missing",
                format!("{other:?}"),
                "\"reject\", \"drop\" (listwise deletion) or \"mean\" (mean replacement)",
            )),
        }
    }
}

/// Item scores of `n_rows` respondents on named items, stored row by row
/// (respondent-major, as a C-ordered numpy array). Borrows the caller's
/// buffer when no row had to be dropped or imputed.
#[derive(Debug, Clone)]
pub struct ItemRows<'a> {
    names: Vec<String>,
    values: Cow<'a, [f64]>,
    n_rows: usize,
    n_dropped: usize,
    n_imputed: usize,
}

impl<'a> ItemRows<'a> {
    /// Wraps row-major `values` (`values.len() = n_rows * names.len()`).
    ///
    /// # Errors
    /// [`Error::Empty`] without items or rows, [`Error::InvalidParameter`] for
    /// a repeated item name or a length that is not a multiple of the item
    /// count, [`Error::NotFinite`] for infinite values and for NaN under
    /// [`MissingItems::Reject`], [`Error::Empty`] when dropping rows leaves
    /// fewer than two.
    pub fn from_row_major(
        names: Vec<String>,
        values: &'a [f64],
        missing: MissingItems,
    ) -> Result<Self> {
        let p = names.len();
        if p == 0 {
            return Err(Error::Empty {
                what: "items".into(),
                needed: "pass at least one item column".into(),
            });
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(Error::invalid_parameter(
                    "item names",
                    format!("{name:?}"),
                    "each item column must have a distinct name",
                ));
            }
        }
        if values.len() % p != 0 {
            return Err(Error::invalid_parameter(
                "values",
                format!("{} numbers", values.len()),
                format!("a multiple of the {p} items (row-major: one row per respondent)"),
            ));
        }
        let n_rows = values.len() / p;
        if n_rows == 0 {
            return Err(Error::Empty {
                what: "item rows".into(),
                needed: "pass at least two respondents".into(),
            });
        }
        if let Some(pos) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::NotFinite {
                what: format!("item {}", names[pos % p]),
                index: pos / p,
                value: values[pos],
                hint: String::new(),
            });
        }
        let first_nan = values.iter().position(|v| v.is_nan());
        let Some(pos) = first_nan else {
            return Ok(ItemRows {
                names,
                values: Cow::Borrowed(values),
                n_rows,
                n_dropped: 0,
                n_imputed: 0,
            });
        };
        match missing {
            MissingItems::Reject => Err(Error::NotFinite {
                what: format!("item {}", names[pos % p]),
                index: pos / p,
                value: f64::NAN,
                hint: "; pass missing=\"drop\" (listwise deletion) or missing=\"mean\" (mean replacement)"
                    .into(),
            }),
            MissingItems::DropRows => {
                let kept: Vec<f64> = values
                    .chunks_exact(p)
                    .filter(|row| row.iter().all(|v| !v.is_nan()))
                    .flatten()
                    .copied()
                    .collect();
                let kept_rows = kept.len() / p;
                if kept_rows < 2 {
                    return Err(Error::Empty {
                        what: "complete item rows".into(),
                        needed: format!(
                            "at least two rows without missing values ({kept_rows} of {n_rows} are complete); use missing=\"mean\""
                        ),
                    });
                }
                Ok(ItemRows {
                    names,
                    values: Cow::Owned(kept),
                    n_rows: kept_rows,
                    n_dropped: n_rows - kept_rows,
                    n_imputed: 0,
                })
            }
            MissingItems::MeanReplace => {
                let mut owned = values.to_vec();
                let mut imputed = 0;
                for (j, name) in names.iter().enumerate() {
                    let (sum, count) = values
                        .iter()
                        .skip(j)
                        .step_by(p)
                        .filter(|v| !v.is_nan())
                        .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
                    if count == 0 {
                        return Err(Error::Empty {
                            what: format!("item {name}"),
                            needed: "at least one observed value to impute from".into(),
                        });
                    }
                    let mean = sum / count as f64;
                    for v in owned.iter_mut().skip(j).step_by(p) {
                        if v.is_nan() {
                            *v = mean;
                            imputed += 1;
                        }
                    }
                }
                Ok(ItemRows {
                    names,
                    values: Cow::Owned(owned),
                    n_rows,
                    n_dropped: 0,
                    n_imputed: imputed,
                })
            }
        }
    }

    /// Builds a table from one vector per item.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for columns of different lengths, else as
    /// [`ItemRows::from_row_major`].
    pub fn from_columns(
        names: Vec<String>,
        columns: &[Vec<f64>],
        missing: MissingItems,
    ) -> Result<ItemRows<'static>> {
        crate::error::check_same_len("item names", names.len(), "columns", columns.len())?;
        let n = columns.first().map_or(0, Vec::len);
        for (name, col) in names.iter().zip(columns) {
            crate::error::check_same_len(
                &format!("item {}", names[0]),
                n,
                &format!("item {name}"),
                col.len(),
            )?;
        }
        let mut values = Vec::with_capacity(n * columns.len());
        for i in 0..n {
            values.extend(columns.iter().map(|c| c[i]));
        }
        let rows = ItemRows::from_row_major(names, &values, missing)?;
        Ok(rows.into_owned())
    }

    /// Copies borrowed values so the table owns its data.
    pub fn into_owned(self) -> ItemRows<'static> {
        ItemRows {
            names: self.names,
            values: Cow::Owned(self.values.into_owned()),
            n_rows: self.n_rows,
            n_dropped: self.n_dropped,
            n_imputed: self.n_imputed,
        }
    }

    /// Item names in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of respondents kept.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.names.len()
    }

    /// Rows dropped for missing values.
    pub fn n_dropped(&self) -> usize {
        self.n_dropped
    }

    /// Values replaced by their item mean.
    pub fn n_imputed(&self) -> usize {
        self.n_imputed
    }

    /// Scores of respondent `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        let p = self.names.len();
        &self.values[i * p..(i + 1) * p]
    }

    /// Column position of an item.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the item and the columns present.
    pub fn column_of(&self, item: &str) -> Result<usize> {
        self.names.iter().position(|n| n == item).ok_or_else(|| {
            Error::invalid_parameter(
                "item",
                format!("{item:?}"),
                format!("one of the data columns: {}", self.names.join(", ")),
            )
        })
    }
}

/// Count, means and centred cross-products of some items: the sufficient
/// summary of every measurement and PLS statistic here. Merges exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMoments {
    /// Number of rows.
    pub n: f64,
    /// Item means.
    pub mean: DVector<f64>,
    /// Sum over rows of `(x - mean)(x - mean)'`.
    pub comoment: DMatrix<f64>,
}

impl ItemMoments {
    /// Moments of the columns `cols` over the rows `rows` (with repeats, as
    /// a bootstrap resample), or over all rows when `rows` is `None`.
    pub fn of(data: &ItemRows<'_>, cols: &[usize], rows: Option<&[usize]>) -> Self {
        let p = cols.len();
        let n_rows = rows.map_or(data.n_rows(), <[usize]>::len);
        // Two passes: the means first, then exactly centred cross-products.
        let mut mean = DVector::zeros(p);
        let each = |f: &mut dyn FnMut(&[f64])| match rows {
            Some(rs) => rs.iter().for_each(|&r| f(data.row(r))),
            None => (0..data.n_rows()).for_each(|r| f(data.row(r))),
        };
        each(&mut |row| {
            for (k, &c) in cols.iter().enumerate() {
                mean[k] += row[c];
            }
        });
        mean /= n_rows as f64;
        // Centred rows go into a p x CHUNK block whose outer product is
        // accumulated by matrix multiplication (cache-friendly, no bounds checks).
        const CHUNK: usize = 512;
        let mut comoment = DMatrix::zeros(p, p);
        let mut block = DMatrix::zeros(p, CHUNK);
        let mut filled = 0;
        let flush = |block: &DMatrix<f64>, filled: usize, comoment: &mut DMatrix<f64>| {
            let used = block.columns(0, filled);
            comoment.gemm(1.0, &used, &used.transpose(), 1.0);
        };
        each(&mut |row| {
            for (k, &c) in cols.iter().enumerate() {
                block[(k, filled)] = row[c] - mean[k];
            }
            filled += 1;
            if filled == CHUNK {
                flush(&block, filled, &mut comoment);
                filled = 0;
            }
        });
        if filled > 0 {
            flush(&block, filled, &mut comoment);
        }
        ItemMoments {
            n: n_rows as f64,
            mean,
            comoment,
        }
    }

    /// Merges the moments of two disjoint sets of rows on the same items.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when the item counts differ.
    pub fn merge(&self, other: &ItemMoments) -> Result<ItemMoments> {
        crate::error::check_same_len(
            "moments",
            self.mean.len(),
            "other moments",
            other.mean.len(),
        )?;
        let n = self.n + other.n;
        if n == 0.0 {
            return Ok(self.clone());
        }
        let delta = &other.mean - &self.mean;
        let mean = &self.mean + &delta * (other.n / n);
        let comoment =
            &self.comoment + &other.comoment + &delta * delta.transpose() * (self.n * other.n / n);
        Ok(ItemMoments { n, mean, comoment })
    }

    /// Sample covariance matrix (divisor n - 1).
    pub fn covariance(&self) -> DMatrix<f64> {
        &self.comoment / (self.n - 1.0)
    }

    /// Pearson correlation matrix.
    pub fn correlation(&self) -> DMatrix<f64> {
        let p = self.mean.len();
        let sd: Vec<f64> = (0..p).map(|k| self.comoment[(k, k)].sqrt()).collect();
        DMatrix::from_fn(p, p, |a, b| {
            if a == b {
                1.0
            } else {
                self.comoment[(a, b)] / (sd[a] * sd[b])
            }
        })
    }

    /// Sample standard deviations (divisor n - 1).
    pub fn sd(&self) -> DVector<f64> {
        self.comoment
            .diagonal()
            .map(|v| (v / (self.n - 1.0)).max(0.0).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn merge_equals_whole() {
        let values = [1.0, 2.0, 3.0, 5.0, 2.0, 2.0, 7.0, 1.0, 4.0, 4.0, 0.0, 9.0];
        let rows = ItemRows::from_row_major(names(2), &values, MissingItems::Reject).unwrap();
        let all = ItemMoments::of(&rows, &[0, 1], None);
        let a = ItemMoments::of(&rows, &[0, 1], Some(&[0, 1, 2]));
        let b = ItemMoments::of(&rows, &[0, 1], Some(&[3, 4, 5]));
        let merged = a.merge(&b).unwrap();
        for k in 0..4 {
            assert!((merged.comoment[k] - all.comoment[k]).abs() < 1e-12);
        }
        assert!((merged.mean[1] - all.mean[1]).abs() < 1e-12);
    }

    #[test]
    fn missing_policies() {
        let values = [1.0, 2.0, f64::NAN, 4.0, 3.0, 6.0];
        let err = ItemRows::from_row_major(names(2), &values, MissingItems::Reject).unwrap_err();
        assert!(matches!(err, Error::NotFinite { index: 1, .. }), "{err}");
        let dropped = ItemRows::from_row_major(names(2), &values, MissingItems::DropRows).unwrap();
        assert_eq!(dropped.n_rows(), 2);
        assert_eq!(dropped.n_dropped(), 1);
        let imputed =
            ItemRows::from_row_major(names(2), &values, MissingItems::MeanReplace).unwrap();
        assert_eq!(imputed.row(1)[0], 2.0);
        assert_eq!(imputed.n_imputed(), 1);
    }

    #[test]
    fn shape_errors() {
        assert!(
            ItemRows::from_row_major(names(2), &[1.0, 2.0, 3.0], MissingItems::Reject).is_err()
        );
        assert!(ItemRows::from_row_major(
            vec!["a".into(), "a".into()],
            &[1.0, 2.0],
            MissingItems::Reject
        )
        .is_err());
        let err =
            ItemRows::from_columns(names(2), &[vec![1.0, 2.0], vec![1.0]], MissingItems::Reject)
                .unwrap_err();
        assert!(matches!(err, Error::LengthMismatch { .. }));
    }
}
