//! The key-driver analysis: every importance measure of every driver, with
//! intervals, from raw columns, from a [`Moments`] summary or from a
//! correlation or covariance matrix with its sample size.

use nalgebra::{DMatrix, SymmetricEigen};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::bootstrap::{self, difference_test, percentile_estimate, ImportanceDifference};
use super::correlation::{DriverCorrelation, COLLINEAR_TOLERANCE};
use super::importance::{self, Dominance, FullModel};
use super::ipa::{importance_performance, Ipa, IpaCuts};
use super::logistic::LogisticData;
use super::moments::{Missing, Moments};
use super::subsets::{self, SubsetR2, DEFAULT_EXACT_LIMIT, MAX_EXACT_DRIVERS};
use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::math::{seeded_rng, t_quantile};

/// An importance measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// LMG: the Shapley value of R-squared, equal to general dominance.
    Lmg,
    /// Johnson's (2000) relative weights.
    RelativeWeights,
    /// Pratt's measure: standardised coefficient times correlation.
    Pratt,
    /// Squared correlation with the outcome (R-squared of the driver alone).
    First,
    /// Drop in R-squared when the driver leaves the full model.
    Last,
    /// Squared standardised coefficient.
    #[serde(rename = "betasq")]
    BetaSquared,
}

impl Method {
    /// Every method, in report order.
    pub const ALL: [Method; 6] = [
        Method::Lmg,
        Method::RelativeWeights,
        Method::Pratt,
        Method::First,
        Method::Last,
        Method::BetaSquared,
    ];

    /// Name as accepted by [`Method::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Method::Lmg => "lmg",
            Method::RelativeWeights => "relative_weights",
            Method::Pratt => "pratt",
            Method::First => "first",
            Method::Last => "last",
            Method::BetaSquared => "betasq",
        }
    }

    /// Parses a method name; "dominance" and "shapley" are read as LMG.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "lmg" | "shapley" | "dominance" => Method::Lmg,
            "relative_weights" => Method::RelativeWeights,
            "pratt" => Method::Pratt,
            "first" => Method::First,
            "last" => Method::Last,
            "betasq" => Method::BetaSquared,
            other => {
                return Err(Error::invalid_parameter(
                    "method",
                    format!("{other:?}"),
                    "one of \"lmg\", \"dominance\", \"relative_weights\", \"pratt\", \"first\", \"last\", \"betasq\"",
                ))
            }
        })
    }

    /// True for the methods that need a linear model (standardised
    /// coefficients), which the logistic variant does not offer.
    pub fn linear_only(self) -> bool {
        matches!(
            self,
            Method::RelativeWeights | Method::Pratt | Method::BetaSquared
        )
    }
}

/// The regression model behind R-squared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Least squares; R-squared from the correlation matrix.
    #[default]
    Linear,
    /// Logistic regression for a 0/1 outcome; McFadden's R-squared.
    Logistic,
}

/// The rule for drivers that are exact linear combinations of others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collinearity {
    /// Keep them: every R-squared is that of the projection onto the span of
    /// the drivers, and coefficients are the minimum-norm solution, so exact
    /// duplicates (also rescaled or sign-flipped copies) receive equal
    /// shares and no R-squared exceeds 1. The drivers found are listed in
    /// [`KeyDrivers::collinear`]. The default.
    #[default]
    EqualSplit,
    /// Raise [`Error::Degenerate`] naming the first such driver.
    Error,
}

/// Options of a key-driver analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyDriverOptions {
    /// Linear or logistic model.
    pub model: Model,
    /// Missing-value policy (listwise by default).
    pub missing: Missing,
    /// Rule for exactly collinear drivers.
    pub collinearity: Collinearity,
    /// Bootstrap replicates for the intervals; 0 for none.
    pub bootstrap: usize,
    /// Seed of the bootstrap and of permutation sampling.
    pub seed: u64,
    /// Level of every interval.
    pub level: f64,
    /// Largest number of drivers analysed exactly (at most 28); above it
    /// LMG is estimated by permutation sampling.
    pub exact_limit: usize,
    /// Orderings drawn by permutation sampling.
    pub permutations: usize,
}

impl Default for KeyDriverOptions {
    fn default() -> Self {
        KeyDriverOptions {
            model: Model::Linear,
            missing: Missing::Listwise,
            collinearity: Collinearity::EqualSplit,
            bootstrap: 0,
            seed: 0,
            level: 0.95,
            exact_limit: DEFAULT_EXACT_LIMIT,
            permutations: 10_000,
        }
    }
}

impl KeyDriverOptions {
    fn check(&self) -> Result<()> {
        check_level(self.level)?;
        if self.exact_limit > MAX_EXACT_DRIVERS {
            return Err(Error::invalid_parameter(
                "exact_limit",
                self.exact_limit,
                format!("at most {MAX_EXACT_DRIVERS} (the table of 2^p R-squared values must fit in memory)"),
            ));
        }
        if self.permutations < 2 {
            return Err(Error::invalid_parameter(
                "permutations",
                self.permutations,
                "at least 2 orderings, e.g. 10000",
            ));
        }
        Ok(())
    }
}

/// One importance measure for every driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodImportance {
    /// The measure.
    pub method: Method,
    /// Importance of each driver, in driver order, with its interval.
    pub values: Vec<Estimate>,
    /// Importance divided by the full model's R-squared. LMG, relative
    /// weights and Pratt shares sum to 1; first, last and betasq shares do not.
    pub shares: Vec<f64>,
    /// Bootstrap replicates, `replicates[driver][r]` (empty without a bootstrap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicates: Vec<Vec<f64>>,
}

/// Result of a key-driver analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyDrivers {
    /// Outcome name.
    pub outcome: String,
    /// Driver names, in input order.
    pub drivers: Vec<String>,
    /// Model behind R-squared.
    pub model: Model,
    /// R-squared of the full model (McFadden's for the logistic model).
    pub r_squared: Estimate,
    /// Every available measure: all six for the linear model; LMG, first
    /// and last for the logistic model.
    pub importance: Vec<MethodImportance>,
    /// Dominance statistics (exact analyses only).
    pub dominance: Option<Dominance>,
    /// True when LMG comes from all subsets, false when sampled.
    pub exact: bool,
    /// Orderings drawn when LMG was sampled (0 when exact).
    pub permutations: usize,
    /// Drivers found to be exact linear combinations of drivers before them.
    pub collinear: Vec<String>,
    /// Mean rating of each driver with a t interval (empty for matrix input).
    pub performance: Vec<Estimate>,
    /// Rows (or `n` of the matrix) used.
    pub n: f64,
    /// Rows dropped under the listwise missing-value policy.
    pub n_missing: f64,
    /// Kish's effective sample size.
    pub n_effective: f64,
    /// Bootstrap replicates run (0 for none).
    pub bootstrap: usize,
    /// Replicates that failed and were left out.
    pub bootstrap_failed: usize,
    /// "percentile_bootstrap" (rows resampled), "parametric_bootstrap"
    /// (normal samples from the matrix), "monte_carlo_permutation" (LMG
    /// sampled, no bootstrap) or "none".
    pub interval_method: String,
    /// Level of the intervals.
    pub level: f64,
}

impl KeyDrivers {
    /// The importance of one method, if the model offers it.
    pub fn method(&self, method: Method) -> Option<&MethodImportance> {
        self.importance.iter().find(|m| m.method == method)
    }

    fn driver_index(&self, name: &str) -> Result<usize> {
        self.drivers.iter().position(|d| d == name).ok_or_else(|| {
            Error::invalid_parameter(
                "driver",
                format!("{name:?}"),
                format!("one of {:?}", self.drivers),
            )
        })
    }

    /// Tests whether two drivers' importances under `method` differ, from
    /// the paired bootstrap replicates.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an unknown driver or a method the model
    /// does not offer, and [`Error::Empty`] without bootstrap replicates.
    pub fn compare(&self, method: Method, a: &str, b: &str) -> Result<ImportanceDifference> {
        let m = self.method(method).ok_or_else(|| {
            Error::invalid_parameter("method", method.name(), "a method of this analysis")
        })?;
        let (ia, ib) = (self.driver_index(a)?, self.driver_index(b)?);
        let empty: Vec<f64> = Vec::new();
        let reps = |i: usize| m.replicates.get(i).unwrap_or(&empty).as_slice();
        difference_test(
            (a, m.values[ia].value, reps(ia)),
            (b, m.values[ib].value, reps(ib)),
            self.level,
            self.n,
        )
    }

    /// Builds the importance-performance matrix of `method` against the drivers'
    /// mean ratings.
    ///
    /// # Errors
    /// [`Error::Empty`] for an analysis from a matrix (no mean ratings), and
    /// as [`importance_performance`].
    pub fn ipa(&self, method: Method, cuts: IpaCuts) -> Result<Ipa> {
        let m = self.method(method).ok_or_else(|| {
            Error::invalid_parameter("method", method.name(), "a method of this analysis")
        })?;
        if self.performance.is_empty() {
            return Err(Error::Empty {
                what: "performance".into(),
                needed: "an analysis from raw data, which has the drivers' mean ratings".into(),
            });
        }
        let imp: Vec<f64> = m.values.iter().map(|e| e.value).collect();
        importance_performance(&self.drivers, &imp, &self.performance, cuts)
    }
}

/// Point values of one analysis: R-squared, then each method's values.
struct Point {
    r2: f64,
    methods: Vec<(Method, Vec<f64>)>,
    dominance: Option<Dominance>,
    mc_se: Option<Vec<f64>>,
    permutations: usize,
    collinear: Vec<usize>,
}

impl Point {
    fn flat(&self) -> Vec<f64> {
        let mut v = vec![self.r2];
        for (_, values) in &self.methods {
            v.extend_from_slice(values);
        }
        v
    }
}

/// Drivers that are exact linear combinations of the drivers before them.
fn collinear_drivers(corr: &DriverCorrelation) -> Vec<usize> {
    let m = corr.p + 1;
    let mut a = corr.sweep_matrix();
    let mut row = vec![0.0; m];
    let mut out = Vec::new();
    for j in 0..corr.p {
        if a[j * m + j] > COLLINEAR_TOLERANCE {
            subsets::sweep(&mut a, m, j, true, &mut row);
        } else {
            out.push(j);
        }
    }
    out
}

fn check_collinearity(collinear: &[usize], names: &[&str], rule: Collinearity) -> Result<()> {
    if let (Collinearity::Error, Some(&j)) = (rule, collinear.first()) {
        return Err(Error::Degenerate {
            what: format!("{:?}", names[j + 1]),
            reason: "it is an exact linear combination of the drivers before it; drop it, or use the equal-split rule".into(),
        });
    }
    Ok(())
}

fn linear_point(
    corr: &DriverCorrelation,
    names: &[&str],
    options: &KeyDriverOptions,
    full_dominance: bool,
) -> Result<Point> {
    let p = corr.p;
    let full = FullModel::fit(corr);
    let collinear = if full.rank() < p {
        collinear_drivers(corr)
    } else {
        Vec::new()
    };
    check_collinearity(&collinear, names, options.collinearity)?;
    let (lmg, table, dominance, mc_se, permutations) = if p <= options.exact_limit {
        let table = SubsetR2::exact(corr)?;
        if full_dominance {
            let d = importance::dominance(&table);
            (d.general.clone(), Some(table), Some(d), None, 0)
        } else {
            (importance::shapley(&table), Some(table), None, None, 0)
        }
    } else {
        let s = subsets::sample_shapley(corr, options.permutations, options.seed)?;
        (s.values, None, None, Some(s.mc_se), s.permutations)
    };
    let methods = vec![
        (Method::Lmg, lmg),
        (Method::RelativeWeights, full.relative_weights(corr)),
        (Method::Pratt, full.pratt(corr)),
        (Method::First, importance::first(corr)),
        (Method::Last, importance::last(corr, &full, table.as_ref())),
        (Method::BetaSquared, full.beta_squared()),
    ];
    Ok(Point {
        r2: full.r2,
        methods,
        dominance,
        mc_se,
        permutations,
        collinear,
    })
}

fn logistic_point(
    data: &LogisticData,
    corr: &DriverCorrelation,
    names: &[&str],
    options: &KeyDriverOptions,
    full_dominance: bool,
) -> Result<Point> {
    let p = data.p;
    let collinear = collinear_drivers(corr);
    check_collinearity(&collinear, names, options.collinearity)?;
    let table = data.table(names)?;
    let all = (1usize << p) - 1;
    let first = (0..p).map(|j| table.get(1 << j)).collect();
    let last = (0..p)
        .map(|j| (table.full() - table.get(all & !(1 << j))).max(0.0))
        .collect();
    let (lmg, dominance) = if full_dominance {
        let d = importance::dominance(&table);
        (d.general.clone(), Some(d))
    } else {
        (importance::shapley(&table), None)
    };
    Ok(Point {
        r2: table.full(),
        methods: vec![
            (Method::Lmg, lmg),
            (Method::First, first),
            (Method::Last, last),
        ],
        dominance,
        mc_se: None,
        permutations: 0,
        collinear,
    })
}

fn check_names(names: &[&str], columns: usize) -> Result<()> {
    if names.len() != columns {
        return Err(Error::LengthMismatch {
            left: "names".into(),
            left_len: names.len(),
            right: "columns".into(),
            right_len: columns,
        });
    }
    if names.len() < 2 {
        return Err(Error::Empty {
            what: "drivers".into(),
            needed: "pass an outcome and at least one driver".into(),
        });
    }
    for (i, a) in names.iter().enumerate() {
        if names[..i].contains(a) {
            return Err(Error::invalid_parameter(
                "names",
                format!("{a:?} (twice)"),
                "distinct names for the outcome and every driver",
            ));
        }
    }
    Ok(())
}

/// Analyses the drivers `columns[1..]` of the outcome `columns[0]`, with
/// `names` in the same order and optional row weights.
///
/// Rows with a missing value in any used column are dropped and counted
/// (listwise), or rejected under [`Missing::Reject`]. The linear model works
/// on the correlation matrix of the kept rows, so rescaling or shifting a
/// driver changes no result.
///
/// # Errors
/// Input errors as [`Moments::from_columns`]; [`Error::Degenerate`] for a
/// constant driver or outcome, too few rows, or (under
/// [`Collinearity::Error`]) a collinear driver; for the logistic model,
/// [`Error::OutOfRange`] for an outcome not coded 0/1 and
/// [`Error::NotConverged`] under separation.
pub fn key_drivers(
    names: &[&str],
    columns: &[&[f64]],
    weights: Option<&[f64]>,
    options: &KeyDriverOptions,
) -> Result<KeyDrivers> {
    options.check()?;
    check_names(names, columns.len())?;
    let moments = Moments::from_columns(names, columns, weights, options.missing)?;
    let kept: Vec<usize> = (0..columns[0].len())
        .filter(|&i| columns.iter().all(|c| !c[i].is_nan()))
        .collect();
    let corr = DriverCorrelation::from_moments(&moments, names)?;
    let row_weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let performance = performance(&moments, options.level);
    let p = names.len() - 1;
    match options.model {
        Model::Linear => {
            let point = linear_point(&corr, names, options, true)?;
            let reps = if options.bootstrap > 0 {
                Some(bootstrap::resample(
                    kept.len(),
                    options.bootstrap,
                    options.seed,
                    |idx| {
                        let mut m = Moments::new(p + 1);
                        let mut row = vec![0.0; p + 1];
                        for &r in idx {
                            let i = kept[r];
                            for (c, col) in columns.iter().enumerate() {
                                row[c] = col[i];
                            }
                            m.add_row(&row, row_weight(i));
                        }
                        let c = DriverCorrelation::from_moments(&m, names)?;
                        Ok(linear_point(&c, names, options, false)?.flat())
                    },
                )?)
            } else {
                None
            };
            assemble(
                names,
                point,
                reps,
                &corr,
                performance,
                options,
                "percentile_bootstrap",
            )
        }
        Model::Logistic => {
            let rows: Vec<Vec<f64>> = kept
                .iter()
                .map(|&i| columns.iter().map(|c| c[i]).collect())
                .collect();
            let w: Vec<f64> = kept.iter().map(|&i| row_weight(i)).collect();
            let data = LogisticData::new(names, &rows, &w)?;
            let point = logistic_point(&data, &corr, names, options, true)?;
            let reps = if options.bootstrap > 0 {
                Some(bootstrap::resample(
                    rows.len(),
                    options.bootstrap,
                    options.seed,
                    |idx| {
                        let sample: Vec<Vec<f64>> = idx.iter().map(|&r| rows[r].clone()).collect();
                        let sw: Vec<f64> = idx.iter().map(|&r| w[r]).collect();
                        let d = LogisticData::new(names, &sample, &sw)?;
                        let mut m = Moments::new(p + 1);
                        for (r, wt) in sample.iter().zip(&sw) {
                            m.add_row(r, *wt);
                        }
                        let c = DriverCorrelation::from_moments(&m, names)?;
                        Ok(logistic_point(&d, &c, names, options, false)?.flat())
                    },
                )?)
            } else {
                None
            };
            assemble(
                names,
                point,
                reps,
                &corr,
                performance,
                options,
                "percentile_bootstrap",
            )
        }
    }
}

/// Analyses a correlation or covariance matrix of order `p + 1` (outcome
/// first, row-major) computed from `n` observations.
///
/// With `options.bootstrap > 0` the intervals come from a parametric
/// bootstrap: each replicate draws `n` rows from the multivariate normal
/// distribution with this correlation matrix and repeats the analysis.
///
/// # Errors
/// As [`DriverCorrelation::from_matrix`] (a matrix that is not positive
/// semidefinite is [`Error::NotPositiveSemidefinite`] with its smallest
/// eigenvalue), and [`Error::InvalidParameter`] for the logistic model,
/// which needs rows.
pub fn key_drivers_from_matrix(
    matrix: &[f64],
    n: f64,
    names: &[&str],
    options: &KeyDriverOptions,
) -> Result<KeyDrivers> {
    let order = names.len();
    let corr = DriverCorrelation::from_matrix(matrix, order, n, names)?;
    from_correlation(corr, names, Vec::new(), options)
}

/// Analyses a [`Moments`] summary whose variable 0 is the outcome (for
/// example the merge of per-partition summaries). Intervals come from the
/// parametric bootstrap as in [`key_drivers_from_matrix`].
///
/// # Errors
/// As [`key_drivers_from_matrix`].
pub fn key_drivers_from_moments(
    moments: &Moments,
    names: &[&str],
    options: &KeyDriverOptions,
) -> Result<KeyDrivers> {
    check_names(names, moments.k())?;
    let corr = DriverCorrelation::from_moments(moments, names)?;
    let perf = performance(moments, options.level);
    from_correlation(corr, names, perf, options)
}

fn from_correlation(
    corr: DriverCorrelation,
    names: &[&str],
    performance: Vec<Estimate>,
    options: &KeyDriverOptions,
) -> Result<KeyDrivers> {
    options.check()?;
    check_names(names, corr.p + 1)?;
    if options.model == Model::Logistic {
        return Err(Error::invalid_parameter(
            "model",
            "logistic",
            "the linear model; McFadden's R-squared needs the rows, so pass columns",
        ));
    }
    let point = linear_point(&corr, names, options, true)?;
    let reps = if options.bootstrap > 0 {
        let full = corr.full_matrix();
        let factor = normal_factor(&full, corr.p + 1);
        let rows = corr.n.round() as usize;
        let k = corr.p + 1;
        Some(bootstrap::replicate(options.bootstrap, |r| {
            let mut rng = seeded_rng(options.seed);
            rng.set_stream(r);
            let mut m = Moments::new(k);
            let mut z = vec![0.0; k];
            let mut x = vec![0.0; k];
            for _ in 0..rows {
                for v in z.iter_mut() {
                    *v = StandardNormal.sample(&mut rng);
                }
                for (a, xa) in x.iter_mut().enumerate() {
                    *xa = (0..k).map(|b| factor[a * k + b] * z[b]).sum();
                }
                m.add_row(&x, 1.0);
            }
            let c = DriverCorrelation::from_moments(&m, names)?;
            Ok(linear_point(&c, names, options, false)?.flat())
        })?)
    } else {
        None
    };
    assemble(
        names,
        point,
        reps,
        &corr,
        performance,
        options,
        "parametric_bootstrap",
    )
}

/// Computes the symmetric square root of a positive semidefinite matrix (row-major).
fn normal_factor(matrix: &[f64], k: usize) -> Vec<f64> {
    let eig = SymmetricEigen::new(DMatrix::from_row_slice(k, k, matrix));
    let mut f = DMatrix::<f64>::zeros(k, k);
    for j in 0..k {
        let lambda = eig.eigenvalues[j].max(0.0);
        let v = eig.eigenvectors.column(j);
        f += (v * v.transpose()) * lambda.sqrt();
    }
    (0..k * k).map(|i| f[(i / k, i % k)]).collect()
}

/// Mean rating of every driver with a Student t interval.
fn performance(moments: &Moments, level: f64) -> Vec<Estimate> {
    let n = moments.rows() as f64;
    let n_eff = moments.n_effective();
    let q = t_quantile(0.5 + level / 2.0, n_eff - 1.0);
    (1..moments.k())
        .map(|j| {
            let var = moments.comoment(j, j) / moments.weight_sum() * n_eff / (n_eff - 1.0);
            let se = (var / n_eff).sqrt();
            let mean = moments.means()[j];
            Estimate {
                value: mean,
                se,
                ci_low: mean - q * se,
                ci_high: mean + q * se,
                level,
                method: "t".into(),
                n,
                n_effective: n_eff,
                n_missing: moments.n_missing() as f64,
            }
        })
        .collect()
}

fn assemble(
    names: &[&str],
    point: Point,
    reps: Option<bootstrap::Replicates>,
    corr: &DriverCorrelation,
    performance: Vec<Estimate>,
    options: &KeyDriverOptions,
    bootstrap_method: &str,
) -> Result<KeyDrivers> {
    let p = names.len() - 1;
    let level = options.level;
    let (n, n_eff) = (corr.n, corr.n_effective);
    let interval_method = if reps.is_some() {
        bootstrap_method.to_string()
    } else if point.mc_se.is_some() {
        "monte_carlo_permutation".to_string()
    } else {
        "none".to_string()
    };
    let bare = |value: f64| Estimate {
        value,
        se: f64::NAN,
        ci_low: f64::NAN,
        ci_high: f64::NAN,
        level,
        method: "none".into(),
        n,
        n_effective: n_eff,
        n_missing: corr.n_missing,
    };
    let estimate = |value: f64, column: usize, mc_se: Option<f64>| -> Result<Estimate> {
        let mut e = match (&reps, mc_se) {
            (Some(r), _) => {
                percentile_estimate(value, &r.columns[column], level, bootstrap_method, n, n_eff)
            }
            (None, Some(se)) => {
                Estimate::normal(value, se, level, "monte_carlo_permutation", n, n_eff)?
            }
            (None, None) => bare(value),
        };
        e.n_missing = corr.n_missing;
        Ok(e)
    };
    let r_squared = estimate(point.r2, 0, None)?;
    let mut importance = Vec::new();
    for (m, (method, values)) in point.methods.iter().enumerate() {
        let mut estimates = Vec::with_capacity(p);
        for (j, &v) in values.iter().enumerate() {
            let mc = match (*method, &point.mc_se) {
                (Method::Lmg, Some(se)) => Some(se[j]),
                _ => None,
            };
            estimates.push(estimate(v, 1 + m * p + j, mc)?);
        }
        let shares = values
            .iter()
            .map(|v| {
                if point.r2 > 0.0 {
                    v / point.r2
                } else {
                    f64::NAN
                }
            })
            .collect();
        let replicates = match &reps {
            Some(r) => (0..p).map(|j| r.columns[1 + m * p + j].clone()).collect(),
            None => Vec::new(),
        };
        importance.push(MethodImportance {
            method: *method,
            values: estimates,
            shares,
            replicates,
        });
    }
    Ok(KeyDrivers {
        outcome: names[0].to_string(),
        drivers: names[1..].iter().map(|s| s.to_string()).collect(),
        model: options.model,
        r_squared,
        importance,
        dominance: point.dominance,
        exact: point.mc_se.is_none(),
        permutations: point.permutations,
        collinear: point
            .collinear
            .iter()
            .map(|&j| names[j + 1].to_string())
            .collect(),
        performance,
        n,
        n_missing: corr.n_missing,
        n_effective: n_eff,
        bootstrap: reps
            .as_ref()
            .map_or(0, |r| r.columns.first().map_or(0, Vec::len)),
        bootstrap_failed: reps.as_ref().map_or(0, |r| r.failed),
        interval_method,
        level,
    })
}
