//! PLS path modelling of customer satisfaction index models (ACSI, ECSI):
//! outer weights and loadings, path coefficients, R-squared, consistent PLS
//! (PLSc), seeded bootstrap intervals and the 0-100 index of each construct.
//!
//! The model is data: a list of [`ConstructSpec`] (items and mode) and a
//! list of [`PathSpec`]. Items are standardised by default (seminr, SmartPLS,
//! plspm `scaled = TRUE`); with `standardize = false` they are only centred
//! (plspm `scaled = FALSE`).
//!
//! # The 0-100 index
//! The index of a construct applies its unstandardised weights
//! (`w_k / sd_k`, rescaled to sum to 1) to the item means and maps the
//! item scale onto 0-100 (Fornell, Johnson, Anderson, Cha and Bryant 1996,
//! "The American Customer Satisfaction Index", Journal of Marketing 60(4)):
//!
//! ```text
//! index = 100 (sum_k u_k mean_k - min) / (max - min),   u_k = (w_k / sd_k) / sum_i (w_i / sd_i)
//! ```
//! It needs positive weights; a construct with a non-positive weight gets no
//! index and a warning.

pub(crate) mod algorithm;
pub mod result;
pub mod spec;

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::algorithm::{
    align_signs, block_correlation, block_vector, fit_inner, fit_outer, rho_a, total_effects,
    InnerFit, IterationOptions, OuterFit,
};
pub use self::result::{
    BootstrapInfo, ConstructFit, ConstructIndex, ConstructReliability, Effect, OuterItem,
    PathCoefficient, PlsFit,
};
use self::spec::Layout;
pub use self::spec::{ConstructSpec, InnerScheme, Mode, PathSpec};
use super::data::{ItemMoments, ItemRows};
use super::resample::{check_resamples, percentile_estimate, resample_rows};
use super::validity::reliability::{block_reliability, BlockReliability};
use crate::error::{check_level, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::math::t_quantile;
use crate::stakeholder::Stakeholder;

/// Options of [`pls_path_model`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlsOptions {
    /// Inner weighting scheme.
    pub scheme: InnerScheme,
    /// Consistent PLS: correct construct correlations of mode A blocks by
    /// their rho_A before estimating paths.
    pub consistent: bool,
    /// Standardise items (true) or only centre them (false).
    pub standardize: bool,
    /// Largest number of weight updates.
    pub max_iter: usize,
    /// Stop when the summed absolute weight change falls below this.
    pub tolerance: f64,
    /// Bootstrap resamples (0 for none).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Level of every interval.
    pub level: f64,
    /// Reliability (rho_A) below which the paths of a construct get a warning.
    pub reliability_min: f64,
    /// Item scale `(min, max)` for the 0-100 index; `None` computes no index.
    pub index_scale: Option<(f64, f64)>,
    /// Stakeholder group whose survey this is.
    pub group: Stakeholder,
}

impl Default for PlsOptions {
    fn default() -> Self {
        PlsOptions {
            scheme: InnerScheme::Path,
            consistent: false,
            standardize: true,
            max_iter: 300,
            tolerance: 1e-7,
            bootstrap: 0,
            seed: 0,
            level: 0.95,
            reliability_min: 0.7,
            index_scale: None,
            group: Stakeholder::Customers,
        }
    }
}

/// One fit on a moment summary.
#[derive(Debug, Clone)]
struct Point {
    outer: OuterFit,
    inner: InnerFit,
    /// Construct correlations the paths were estimated from.
    correlations: DMatrix<f64>,
    reliability: Vec<BlockReliability>,
    /// Loadings reported (PLSc: consistent loadings).
    loadings: DVector<f64>,
    /// Unstandardised weights rescaled to sum 1 per block.
    unstandardized: DVector<f64>,
    /// Index of each construct (NaN without a scale or with a non-positive weight).
    index: Vec<f64>,
}

fn check_options(options: &PlsOptions) -> Result<()> {
    check_level(options.level)?;
    check_resamples(options.bootstrap, 10)?;
    if options.max_iter == 0 {
        return Err(Error::invalid_parameter(
            "max_iter",
            0,
            "at least 1, e.g. 300",
        ));
    }
    if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
        return Err(Error::invalid_parameter(
            "tolerance",
            options.tolerance,
            "a positive number, e.g. 1e-7",
        ));
    }
    if let Some((lo, hi)) = options.index_scale {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(Error::invalid_parameter(
                "index_scale",
                format!("({lo}, {hi})"),
                "finite (min, max) of the item scale with min < max, e.g. (1, 10)",
            ));
        }
    }
    Ok(())
}

/// Rejects items with zero variance, naming the first.
pub(crate) fn check_item_variance(layout: &Layout, moments: &ItemMoments) -> Result<()> {
    for (a, item) in layout.items.iter().enumerate() {
        let variance = moments.comoment[(a, a)];
        if variance.is_nan() || variance <= 0.0 {
            return Err(Error::Degenerate {
                what: format!("item {item:?}"),
                reason: format!(
                    "it has zero variance (every respondent scored {}), so it carries no information on its construct; remove it",
                    moments.mean[a]
                ),
            });
        }
    }
    Ok(())
}

fn fit_point(
    layout: &Layout,
    moments: &ItemMoments,
    options: &PlsOptions,
    reference: Option<&DVector<f64>>,
) -> Result<Point> {
    let r = moments.correlation();
    let cov = moments.covariance();
    let s = if options.standardize { &r } else { &cov };
    let iteration = IterationOptions {
        scheme: options.scheme,
        max_iter: options.max_iter,
        tolerance: options.tolerance,
    };
    let mut outer = fit_outer(layout, s, iteration)?;
    if let Some(reference) = reference {
        align_signs(layout, &mut outer, reference);
    }
    let n_constructs = layout.n_constructs();
    let mut reliability = Vec::with_capacity(n_constructs);
    let mut rho = vec![1.0; n_constructs];
    let mut loadings = outer.loadings.clone();
    for (j, rho_j) in rho.iter_mut().enumerate() {
        let rj = block_correlation(layout, &r, j);
        let sj = block_correlation(layout, &cov, j);
        let wj = block_vector(layout, &outer.standardized_weights, j);
        let lj = block_vector(layout, &outer.loadings, j);
        reliability.push(block_reliability(&rj, &sj, &wj, &lj));
        if options.consistent && layout.modes[j] == Mode::A && layout.blocks[j].len() > 1 {
            let ra = rho_a(&rj, &wj);
            *rho_j = ra;
            // Consistent loadings: c w with c = sqrt(rho_A) / (w'w).
            let c = ra.max(0.0).sqrt() / wj.dot(&wj);
            for &a in &layout.blocks[j] {
                loadings[a] = c * outer.standardized_weights[a];
            }
        }
    }
    let mut correlations = outer.construct_correlations.clone();
    if options.consistent {
        for i in 0..n_constructs {
            for j in 0..n_constructs {
                if i != j {
                    correlations[(i, j)] /= (rho[i] * rho[j]).sqrt();
                }
            }
        }
    }
    let inner = fit_inner(layout, &correlations)?;
    let sd = moments.sd();
    let mut unstandardized = DVector::zeros(layout.n_items());
    let mut index = vec![f64::NAN; n_constructs];
    for (j, block) in layout.blocks.iter().enumerate() {
        let raw: Vec<f64> = block
            .iter()
            .map(|&a| outer.standardized_weights[a] / sd[a])
            .collect();
        let total: f64 = raw.iter().sum();
        for (k, &a) in block.iter().enumerate() {
            unstandardized[a] = raw[k] / total;
        }
        if let Some((lo, hi)) = options.index_scale {
            if raw.iter().all(|&u| u > 0.0) {
                let mean: f64 = block
                    .iter()
                    .map(|&a| unstandardized[a] * moments.mean[a])
                    .sum();
                index[j] = 100.0 * (mean - lo) / (hi - lo);
            }
        }
    }
    Ok(Point {
        outer,
        inner,
        correlations,
        reliability,
        loadings,
        unstandardized,
        index,
    })
}

/// Values of one bootstrap resample, in the order of the full fit.
struct Draw {
    paths: Vec<f64>,
    r_squared: Vec<f64>,
    weights: Vec<f64>,
    loadings: Vec<f64>,
    index: Vec<f64>,
}

/// Resolves and checks a path model specification for `n` rows.
fn checked_layout(
    constructs: &[ConstructSpec],
    paths: &[PathSpec],
    names: &[String],
    n: usize,
) -> Result<Layout> {
    let layout = Layout::new(constructs, paths, names)?;
    if paths.is_empty() {
        return Err(Error::Empty {
            what: "paths".into(),
            needed: "give at least one path source -> target; for the measurement model alone use construct_validity".into(),
        });
    }
    for (j, name) in layout.names.iter().enumerate() {
        if layout.predecessors(j).is_empty() && layout.successors(j).is_empty() {
            return Err(Error::invalid_parameter(
                "paths",
                format!("no path touches {name:?}"),
                "every construct must be joined to another by a path, or be left out of the model",
            ));
        }
    }
    let max_predecessors = (0..layout.n_constructs())
        .map(|j| layout.predecessors(j).len())
        .max()
        .unwrap_or(0);
    if n < max_predecessors + 2 {
        return Err(Error::Degenerate {
            what: "sample".into(),
            reason: format!(
                "{n} respondents cannot estimate a construct with {max_predecessors} predecessors; at least {} are needed",
                max_predecessors + 2
            ),
        });
    }
    Ok(layout)
}

/// Fits a PLS path model from merged item moments (the summary of
/// partitions of a large survey, see [`ItemMoments::merge`]) over the
/// items `names`, in that order. Intervals are analytic: least squares on
/// construct scores for paths, Olkin-Finn for R-squared and the delta
/// method for indices; a bootstrap needs the rows.
///
/// # Errors
/// As [`pls_path_model`], and [`Error::InvalidParameter`] when
/// `options.bootstrap` is not 0 or `names` does not match the moments.
pub fn pls_path_model_from_moments(
    moments: &ItemMoments,
    names: &[String],
    constructs: &[ConstructSpec],
    paths: &[PathSpec],
    options: &PlsOptions,
) -> Result<PlsFit> {
    check_options(options)?;
    if options.bootstrap != 0 {
        return Err(Error::invalid_parameter(
            "bootstrap",
            options.bootstrap,
            "0: a bootstrap resamples rows, which moments do not keep; use pls_path_model",
        ));
    }
    check_same_len("names", names.len(), "moment items", moments.mean.len())?;
    let layout = checked_layout(constructs, paths, names, moments.n as usize)?;
    let cols = &layout.columns;
    let selected = ItemMoments {
        n: moments.n,
        mean: DVector::from_fn(cols.len(), |a, _| moments.mean[cols[a]]),
        comoment: DMatrix::from_fn(cols.len(), cols.len(), |a, b| {
            moments.comoment[(cols[a], cols[b])]
        }),
    };
    check_item_variance(&layout, &selected)?;
    let point = fit_point(&layout, &selected, options, None)?;
    assemble(&layout, &selected, (0, 0), options, &point, &[])
}

/// Fits a PLS path model to survey items.
///
/// # Errors
/// [`Error::Empty`] or [`Error::InvalidParameter`] for a bad specification
/// (see [`spec`]), a model without paths, or a construct outside every path.
/// [`Error::Degenerate`] for a zero-variance item, fewer rows than needed,
/// or collinear predecessors. [`Error::NotConverged`], with the iterations
/// done, when the weights do not settle. [`Error::InvalidParameter`] for bad
/// options.
pub fn pls_path_model(
    data: &ItemRows<'_>,
    constructs: &[ConstructSpec],
    paths: &[PathSpec],
    options: &PlsOptions,
) -> Result<PlsFit> {
    check_options(options)?;
    let layout = checked_layout(constructs, paths, data.names(), data.n_rows())?;
    let n = data.n_rows();
    let moments = ItemMoments::of(data, &layout.columns, None);
    check_item_variance(&layout, &moments)?;
    let point = fit_point(&layout, &moments, options, None)?;

    let draws: Vec<Option<Draw>> = if options.bootstrap > 0 {
        let reference = point.outer.standardized_weights.clone();
        let path_list = path_list(&layout);
        (0..options.bootstrap)
            .into_par_iter()
            .map(|b| {
                let rows = resample_rows(options.seed, b, n);
                let m = ItemMoments::of(data, &layout.columns, Some(&rows));
                check_item_variance(&layout, &m).ok()?;
                let p = fit_point(&layout, &m, options, Some(&reference)).ok()?;
                Some(Draw {
                    paths: path_list
                        .iter()
                        .map(|&(i, j)| p.inner.paths[(i, j)])
                        .collect(),
                    r_squared: p
                        .inner
                        .r_squared
                        .iter()
                        .map(|r| r.unwrap_or(f64::NAN))
                        .collect(),
                    weights: p.outer.standardized_weights.iter().copied().collect(),
                    loadings: p.loadings.iter().copied().collect(),
                    index: p.index.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let ok: Vec<&Draw> = draws.iter().flatten().collect();
    if options.bootstrap > 0 && ok.len() * 2 < options.bootstrap {
        return Err(Error::Degenerate {
            what: "bootstrap".into(),
            reason: format!(
                "{} of {} resamples failed to fit (zero-variance items or no convergence); the model is too fragile for this sample",
                options.bootstrap - ok.len(),
                options.bootstrap
            ),
        });
    }
    assemble(
        &layout,
        &moments,
        (data.n_dropped(), data.n_imputed()),
        options,
        &point,
        &ok,
    )
}

fn path_list(layout: &Layout) -> Vec<(usize, usize)> {
    layout.path_order.clone()
}

fn column(draws: &[&Draw], f: impl Fn(&Draw) -> f64) -> Vec<f64> {
    draws.iter().map(|d| f(d)).collect()
}

fn assemble(
    layout: &Layout,
    moments: &ItemMoments,
    (n_dropped, n_imputed): (usize, usize),
    options: &PlsOptions,
    point: &Point,
    draws: &[&Draw],
) -> Result<PlsFit> {
    let n = moments.n;
    let level = options.level;
    let bootstrapped = !draws.is_empty();
    let names = &layout.names;
    let n_constructs = layout.n_constructs();

    // Paths in the order the caller listed them.
    let list = path_list(layout);
    let mut paths = Vec::with_capacity(list.len());
    for (k, &(i, j)) in list.iter().enumerate() {
        let value = point.inner.paths[(i, j)];
        let coefficient = if bootstrapped {
            percentile_estimate(value, &column(draws, |d| d.paths[k]), level, n)?
        } else {
            // Least squares on construct scores (plspm's inner model table).
            // NOTE: this treats the scores as observed data; under PLSc it
            // also ignores the reliability correction, so bootstrap there.
            let r2 = point.inner.r_squared[j].unwrap_or(0.0);
            let preds = layout.predecessors(j).len() as f64;
            let df = n - preds - 1.0;
            let se = ((1.0 - r2).max(0.0) / df * point.inner.inverse_diagonal[(i, j)]).sqrt();
            let tq = t_quantile(0.5 + level / 2.0, df.max(1.0));
            Estimate {
                value,
                se,
                ci_low: value - tq * se,
                ci_high: value + tq * se,
                level,
                method: "ols_construct_scores".into(),
                n,
                n_effective: n,
                n_missing: n_dropped as f64,
            }
        };
        paths.push(PathCoefficient {
            source: names[i].clone(),
            target: names[j].clone(),
            coefficient,
        });
    }

    // Structural fit per construct.
    let mut construct_fits = Vec::with_capacity(n_constructs);
    for (j, block) in layout.blocks.iter().enumerate() {
        let communality = block
            .iter()
            .map(|&a| point.loadings[a].powi(2))
            .sum::<f64>()
            / block.len() as f64;
        let k = layout.predecessors(j).len();
        let (r_squared, adjusted) = match point.inner.r_squared[j] {
            None => (None, None),
            Some(r2) => {
                let est = if bootstrapped {
                    percentile_estimate(r2, &column(draws, |d| d.r_squared[j]), level, n)?
                } else {
                    olkin_finn(r2, n, k as f64, level)
                };
                let adj = 1.0 - (1.0 - r2) * (n - 1.0) / (n - k as f64 - 1.0);
                (Some(est), Some(adj))
            }
        };
        let r2 = point.inner.r_squared[j].unwrap_or(0.0);
        construct_fits.push(ConstructFit {
            construct: names[j].clone(),
            predecessors: k,
            r_squared,
            adjusted_r_squared: adjusted,
            communality,
            redundancy: communality * r2,
        });
    }

    // Outer model.
    let mut outer = Vec::with_capacity(layout.n_items());
    for (a, item) in layout.items.iter().enumerate() {
        let (weight_interval, loading_interval) = if bootstrapped {
            (
                Some(percentile_estimate(
                    point.outer.standardized_weights[a],
                    &column(draws, |d| d.weights[a]),
                    level,
                    n,
                )?),
                Some(percentile_estimate(
                    point.loadings[a],
                    &column(draws, |d| d.loadings[a]),
                    level,
                    n,
                )?),
            )
        } else {
            (None, None)
        };
        outer.push(OuterItem {
            construct: names[layout.block_of[a]].clone(),
            item: item.clone(),
            weight: point.outer.standardized_weights[a],
            weight_unstandardized: point.unstandardized[a],
            loading: point.loadings[a],
            weight_interval,
            loading_interval,
        });
    }

    let reliability: Vec<ConstructReliability> = (0..n_constructs)
        .map(|j| ConstructReliability {
            construct: names[j].clone(),
            items: layout.blocks[j].len(),
            values: point.reliability[j],
        })
        .collect();

    // Effects.
    let total = total_effects(&point.inner.paths);
    let mut effects = Vec::new();
    for i in 0..n_constructs {
        for j in 0..n_constructs {
            if total[(i, j)] != 0.0 {
                effects.push(Effect {
                    source: names[i].clone(),
                    target: names[j].clone(),
                    direct: point.inner.paths[(i, j)],
                    indirect: total[(i, j)] - point.inner.paths[(i, j)],
                    total: total[(i, j)],
                });
            }
        }
    }

    // GoF (Tenenhaus, Amato and Esposito Vinzi 2004): communalities of the
    // items of multi-item blocks, R-squared of endogenous constructs.
    let mut communalities = Vec::new();
    for block in &layout.blocks {
        if block.len() > 1 {
            communalities.extend(block.iter().map(|&a| point.loadings[a].powi(2)));
        }
    }
    let r2s: Vec<f64> = point.inner.r_squared.iter().flatten().copied().collect();
    let gof = if communalities.is_empty() || r2s.is_empty() {
        f64::NAN
    } else {
        let mc = communalities.iter().sum::<f64>() / communalities.len() as f64;
        let mr = r2s.iter().sum::<f64>() / r2s.len() as f64;
        (mc * mr).sqrt()
    };

    let mut warnings = admissibility(layout, point, options);

    // Indices.
    let mut indices = Vec::new();
    if let Some((lo, hi)) = options.index_scale {
        let cov = moments.covariance();
        for (j, block) in layout.blocks.iter().enumerate() {
            let value = point.index[j];
            if !value.is_finite() {
                warnings.push(format!(
                    "construct {:?} has a non-positive outer weight, so its 0-100 index is not defined; drop or recode the item",
                    names[j]
                ));
                continue;
            }
            let index = if bootstrapped {
                percentile_estimate(value, &column(draws, |d| d.index[j]), level, n)?
            } else {
                // Delta method with the weights held fixed: var = u' S u / n.
                let mut var = 0.0;
                for &a in block {
                    for &b in block {
                        var += point.unstandardized[a] * cov[(a, b)] * point.unstandardized[b];
                    }
                }
                let se = 100.0 / (hi - lo) * (var / n).sqrt();
                Estimate::normal(value, se, level, "delta_fixed_weights", n, n)?
            };
            indices.push(ConstructIndex {
                construct: names[j].clone(),
                index,
            });
        }
    }

    let to_rows = |m: &DMatrix<f64>| -> Vec<Vec<f64>> {
        (0..m.nrows())
            .map(|i| (0..m.ncols()).map(|j| m[(i, j)]).collect())
            .collect()
    };
    Ok(PlsFit {
        group: options.group.clone(),
        constructs: names.clone(),
        scheme: options.scheme,
        consistent: options.consistent,
        standardized: options.standardize,
        iterations: point.outer.iterations,
        n,
        n_dropped,
        n_imputed,
        paths,
        construct_fits,
        outer,
        reliability,
        construct_correlations: to_rows(&point.correlations),
        cross_loadings: to_rows(&point.outer.cross_loadings),
        effects,
        gof,
        indices,
        bootstrap: if options.bootstrap > 0 {
            Some(BootstrapInfo {
                resamples: options.bootstrap,
                failed: options.bootstrap - draws.len(),
                seed: options.seed,
            })
        } else {
            None
        },
        warnings,
    })
}

/// Olkin-Finn large-sample interval of R-squared:
/// `var = 4 R2 (1 - R2)^2 (n - k - 1)^2 / ((n^2 - 1)(n + 3))`, clamped to
/// [0, 1]. Holds for least squares on observed scores, so for PLS it
/// ignores the estimation of the weights.
fn olkin_finn(r2: f64, n: f64, k: f64, level: f64) -> Estimate {
    let var = 4.0 * r2 * (1.0 - r2).powi(2) * (n - k - 1.0).powi(2) / ((n * n - 1.0) * (n + 3.0));
    let se = var.max(0.0).sqrt();
    let z = crate::estimate::z_two_sided(level);
    Estimate {
        value: r2,
        se,
        ci_low: (r2 - z * se).clamp(0.0, 1.0),
        ci_high: (r2 + z * se).clamp(0.0, 1.0),
        level,
        method: "olkin_finn".into(),
        n,
        n_effective: n,
        n_missing: 0.0,
    }
}

/// Warnings about constructs too unreliable to trust their paths, and
/// inadmissible PLSc solutions.
fn admissibility(layout: &Layout, point: &Point, options: &PlsOptions) -> Vec<String> {
    let mut warnings = Vec::new();
    let names = &layout.names;
    for (j, rel) in point.reliability.iter().enumerate() {
        if layout.blocks[j].len() < 2 || layout.modes[j] == Mode::B {
            continue;
        }
        let touching: Vec<String> = (0..layout.n_constructs())
            .filter_map(|i| {
                if layout.adjacency[i][j] {
                    Some(format!("{} -> {}", names[i], names[j]))
                } else if layout.adjacency[j][i] {
                    Some(format!("{} -> {}", names[j], names[i]))
                } else {
                    None
                }
            })
            .collect();
        if rel.rho_a < options.reliability_min {
            let consequence = if options.consistent {
                "the correction divides by a small reliability, so these paths are unstable"
            } else {
                "measurement error attenuates these paths"
            };
            warnings.push(format!(
                "construct {:?} has rho_A = {:.3} below {:.2}: {consequence} ({}); improve or drop weak items",
                names[j],
                rel.rho_a,
                options.reliability_min,
                touching.join(", ")
            ));
        }
        if options.consistent && !(rel.rho_a > 0.0 && rel.rho_a <= 1.0) {
            warnings.push(format!(
                "construct {:?} has rho_A = {:.3} outside (0, 1]: the consistent PLS solution is inadmissible",
                names[j], rel.rho_a
            ));
        }
    }
    if options.consistent {
        let c = &point.correlations;
        for i in 0..c.nrows() {
            for j in (i + 1)..c.ncols() {
                if c[(i, j)].abs() > 1.0 {
                    warnings.push(format!(
                        "corrected correlation of {:?} and {:?} is {:.3}, beyond 1: the consistent PLS solution is inadmissible",
                        names[i], names[j], c[(i, j)]
                    ));
                }
            }
        }
        if c.clone().cholesky().is_none() {
            warnings.push(
                "the corrected construct correlation matrix is not positive definite: the consistent PLS solution is inadmissible".into(),
            );
        }
    }
    for (j, r2) in point.inner.r_squared.iter().enumerate() {
        if let Some(r2) = r2 {
            if !(0.0..=1.0).contains(r2) {
                warnings.push(format!(
                    "R-squared of {:?} is {r2:.3}, outside [0, 1]: the solution is inadmissible",
                    names[j]
                ));
            }
        }
    }
    warnings
}
