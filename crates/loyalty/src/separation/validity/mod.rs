//! Measurement quality of multi-item constructs: reliability (Cronbach's
//! alpha, rho_A, rho_C, AVE), the Fornell-Larcker criterion, HTMT and HTMT2,
//! each with a seeded bootstrap interval, and the test of HTMT against 1.
//!
//! Loadings (for rho_C, AVE and Fornell-Larcker) come from PLS mode A
//! weights. With paths given they are those of the path model (seminr's
//! values); without paths every pair of constructs is linked and the
//! factorial scheme is used, so that no structural model is assumed.
//!
//! # Discriminant validity
//! Two constructs are flagged as not empirically distinct when any of these
//! holds: the one-sided bootstrap upper bound of HTMT at `level` is not
//! below 1 (Henseler, Ringle and Sarstedt 2015, HTMT_inference, tested
//! against 1 rather than 0), HTMT exceeds `htmt_threshold` (0.90 by
//! default, their HTMT_.90 for conceptually close constructs such as
//! satisfaction and loyalty), or their correlation exceeds the square root
//! of either AVE (Fornell and Larcker 1981).

pub mod discriminant;
pub mod reliability;

use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::discriminant::htmt_pair;
pub use self::discriminant::HtmtCorrelations;
use self::reliability::{block_reliability, BlockReliability};
use super::data::{ItemMoments, ItemRows};
use super::pls::algorithm::{
    block_correlation, block_vector, fit_outer, IterationOptions, OuterFit,
};
use super::pls::check_item_variance;
use super::pls::spec::{ConstructSpec, InnerScheme, Layout, PathSpec};
use super::resample::{check_resamples, percentile_estimate, quantile_sorted, resample_rows};
use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::stakeholder::Stakeholder;

/// Options of [`construct_validity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidityOptions {
    /// Signed or absolute correlations in HTMT and HTMT2.
    pub correlations: HtmtCorrelations,
    /// Bootstrap resamples (at least 100).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Level of the two-sided intervals and of the one-sided HTMT bound.
    pub level: f64,
    /// HTMT above this flags a pair as not distinct.
    pub htmt_threshold: f64,
    /// Inner scheme of the PLS weights; `None` uses the path scheme with
    /// paths and the factorial scheme without.
    pub scheme: Option<InnerScheme>,
    /// Largest number of PLS weight updates.
    pub max_iter: usize,
    /// PLS stop rule (summed absolute weight change).
    pub tolerance: f64,
    /// Stakeholder group whose survey this is.
    pub group: Stakeholder,
}

impl Default for ValidityOptions {
    fn default() -> Self {
        ValidityOptions {
            correlations: HtmtCorrelations::Absolute,
            bootstrap: 1000,
            seed: 0,
            level: 0.95,
            htmt_threshold: 0.90,
            scheme: None,
            max_iter: 300,
            tolerance: 1e-7,
            group: Stakeholder::Customers,
        }
    }
}

/// Reliability of one construct with bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityEstimates {
    /// Construct name.
    pub construct: String,
    /// Number of items.
    pub items: usize,
    /// Standardised Cronbach's alpha.
    pub cronbach_alpha: Estimate,
    /// Cronbach's alpha from raw covariances (no interval).
    pub cronbach_alpha_raw: f64,
    /// Dijkstra-Henseler rho_A.
    pub rho_a: Estimate,
    /// Composite reliability rho_C.
    pub composite_reliability: Estimate,
    /// Average variance extracted.
    pub ave: Estimate,
}

/// HTMT, HTMT2 and Fornell-Larcker for one pair of constructs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairValidity {
    /// First construct (specification order).
    pub a: String,
    /// Second construct.
    pub b: String,
    /// HTMT with its bootstrap percentile interval.
    pub htmt: Estimate,
    /// HTMT2 with its interval (`None` when a correlation is not positive).
    pub htmt2: Option<Estimate>,
    /// One-sided upper bound of HTMT at the level (bootstrap quantile).
    pub htmt_upper_one_sided: f64,
    /// One-sided bootstrap p-value of H0: HTMT >= 1 (share of resamples with HTMT >= 1).
    pub p_value_htmt_not_below_one: f64,
    /// Correlation of the two construct scores.
    pub correlation: f64,
    /// Whether the correlation is below the square roots of both AVEs.
    pub fornell_larcker_met: bool,
}

/// A pair flagged as not empirically distinct, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotDistinct {
    /// First construct.
    pub a: String,
    /// Second construct.
    pub b: String,
    /// Why, one sentence per criterion that failed.
    pub reasons: Vec<String>,
}

/// Result of [`construct_validity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstructValidity {
    /// Stakeholder group of the survey.
    pub group: Stakeholder,
    /// Construct names in specification order.
    pub constructs: Vec<String>,
    /// Correlations used in HTMT.
    pub correlations: HtmtCorrelations,
    /// How the construct scores behind loadings and Fornell-Larcker were weighted.
    pub weighting: String,
    /// PLS weight updates until convergence.
    pub iterations: usize,
    /// Respondents used.
    pub n: f64,
    /// Reliability per construct.
    pub reliability: Vec<ReliabilityEstimates>,
    /// Fornell-Larcker matrix: sqrt(AVE) on the diagonal, construct correlations off it.
    pub fornell_larcker: Vec<Vec<f64>>,
    /// Every pair of constructs.
    pub pairs: Vec<PairValidity>,
    /// Pairs that are not empirically distinct.
    pub not_distinct: Vec<NotDistinct>,
    /// HTMT threshold used.
    pub htmt_threshold: f64,
    /// Bootstrap resamples asked for.
    pub resamples: usize,
    /// Resamples that failed and were left out.
    pub failed_resamples: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Level of the intervals.
    pub level: f64,
}

impl ConstructValidity {
    /// Returns the pair of `a` and `b`, given in either order.
    pub fn pair(&self, a: &str, b: &str) -> Option<&PairValidity> {
        self.pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
    }

    /// Returns whether `a` and `b` passed every discriminant validity criterion.
    pub fn distinct(&self, a: &str, b: &str) -> bool {
        !self
            .not_distinct
            .iter()
            .any(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
    }
}

/// Values of one fit, full sample or resample.
struct Snapshot {
    reliability: Vec<BlockReliability>,
    /// (htmt, htmt2) per pair, in pair order.
    htmt: Vec<(f64, f64)>,
    correlations: DMatrix<f64>,
}

fn snapshot(
    layout: &Layout,
    moments: &ItemMoments,
    options: &ValidityOptions,
    scheme: InnerScheme,
    pairs: &[(usize, usize)],
) -> Result<(Snapshot, OuterFit)> {
    let r = moments.correlation();
    let cov = moments.covariance();
    let outer = fit_outer(
        layout,
        &r,
        IterationOptions {
            scheme,
            max_iter: options.max_iter,
            tolerance: options.tolerance,
        },
    )?;
    let reliability = (0..layout.n_constructs())
        .map(|j| {
            block_reliability(
                &block_correlation(layout, &r, j),
                &block_correlation(layout, &cov, j),
                &block_vector(layout, &outer.standardized_weights, j),
                &block_vector(layout, &outer.loadings, j),
            )
        })
        .collect();
    let htmt = pairs
        .iter()
        .map(|&(i, j)| {
            htmt_pair(
                &r,
                &layout.blocks[i],
                &layout.blocks[j],
                options.correlations,
            )
        })
        .collect();
    Ok((
        Snapshot {
            reliability,
            htmt,
            correlations: outer.construct_correlations.clone(),
        },
        outer,
    ))
}

/// Evaluates the measurement model: reliability, Fornell-Larcker, HTMT and
/// HTMT2 with bootstrap intervals, and flags pairs of constructs that are
/// not empirically distinct.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad specification or options (fewer
/// than 100 resamples), [`Error::Empty`] for fewer than two constructs or a
/// construct without items, [`Error::Degenerate`] for a zero-variance item or
/// a block whose items correlate negatively on average under signed HTMT,
/// [`Error::NotConverged`] when the PLS weights do not settle.
pub fn construct_validity(
    data: &ItemRows<'_>,
    constructs: &[ConstructSpec],
    paths: &[PathSpec],
    options: &ValidityOptions,
) -> Result<ConstructValidity> {
    check_level(options.level)?;
    check_resamples(options.bootstrap, 100)?;
    if options.bootstrap == 0 {
        return Err(Error::invalid_parameter(
            "bootstrap",
            0,
            "at least 100 resamples: every validity figure is reported with a bootstrap interval",
        ));
    }
    if !(options.htmt_threshold > 0.0 && options.htmt_threshold.is_finite()) {
        return Err(Error::invalid_parameter(
            "htmt_threshold",
            options.htmt_threshold,
            "a positive number, usually 0.85 or 0.90",
        ));
    }
    if constructs.len() < 2 {
        return Err(Error::Empty {
            what: "constructs".into(),
            needed: "pass at least two constructs to compare".into(),
        });
    }
    let mut layout = Layout::new(constructs, paths, data.names())?;
    let (scheme, weighting) = if paths.is_empty() {
        layout.saturate();
        let scheme = options.scheme.unwrap_or(InnerScheme::Factorial);
        (
            scheme,
            format!(
                "PLS mode A weights, every pair of constructs linked, {} scheme",
                scheme.name()
            ),
        )
    } else {
        let scheme = options.scheme.unwrap_or(InnerScheme::Path);
        (
            scheme,
            format!(
                "PLS weights of the given path model, {} scheme",
                scheme.name()
            ),
        )
    };
    let n = data.n_rows();
    let moments = ItemMoments::of(data, &layout.columns, None);
    check_item_variance(&layout, &moments)?;
    let n_constructs = layout.n_constructs();
    let pair_list: Vec<(usize, usize)> = (0..n_constructs)
        .flat_map(|i| ((i + 1)..n_constructs).map(move |j| (i, j)))
        .collect();
    let (full, outer) = snapshot(&layout, &moments, options, scheme, &pair_list)?;
    if options.correlations == HtmtCorrelations::Signed {
        let r = moments.correlation();
        for (j, block) in layout.blocks.iter().enumerate() {
            if block.len() > 1 {
                let mut sum = 0.0;
                for (k, &a) in block.iter().enumerate() {
                    for &b in &block[k + 1..] {
                        sum += r[(a, b)];
                    }
                }
                if sum <= 0.0 {
                    return Err(Error::Degenerate {
                        what: format!("construct {:?}", layout.names[j]),
                        reason: "its items correlate negatively on average, so signed HTMT is undefined; reverse-code the reversed items or use correlations=\"absolute\"".into(),
                    });
                }
            }
        }
    }

    let reference = outer.standardized_weights.clone();
    let draws: Vec<Option<Snapshot>> = (0..options.bootstrap)
        .into_par_iter()
        .map(|b| {
            let rows = resample_rows(options.seed, b, n);
            let m = ItemMoments::of(data, &layout.columns, Some(&rows));
            check_item_variance(&layout, &m).ok()?;
            let (mut snap, mut fit) = snapshot(&layout, &m, options, scheme, &pair_list).ok()?;
            super::pls::algorithm::align_signs(&layout, &mut fit, &reference);
            snap.correlations = fit.construct_correlations;
            Some(snap)
        })
        .collect();
    let ok: Vec<&Snapshot> = draws.iter().flatten().collect();
    if ok.len() * 2 < options.bootstrap {
        return Err(Error::Degenerate {
            what: "bootstrap".into(),
            reason: format!(
                "{} of {} resamples failed (zero-variance items or no convergence); the sample is too small for these constructs",
                options.bootstrap - ok.len(),
                options.bootstrap
            ),
        });
    }
    let nf = n as f64;
    let level = options.level;
    let col = |f: &dyn Fn(&Snapshot) -> f64| -> Vec<f64> { ok.iter().map(|s| f(s)).collect() };

    let mut reliability = Vec::with_capacity(n_constructs);
    for j in 0..n_constructs {
        let rel = &full.reliability[j];
        reliability.push(ReliabilityEstimates {
            construct: layout.names[j].clone(),
            items: layout.blocks[j].len(),
            cronbach_alpha: percentile_estimate(
                rel.cronbach_alpha,
                &col(&|s| s.reliability[j].cronbach_alpha),
                level,
                nf,
            )?,
            cronbach_alpha_raw: rel.cronbach_alpha_raw,
            rho_a: percentile_estimate(rel.rho_a, &col(&|s| s.reliability[j].rho_a), level, nf)?,
            composite_reliability: percentile_estimate(
                rel.rho_c,
                &col(&|s| s.reliability[j].rho_c),
                level,
                nf,
            )?,
            ave: percentile_estimate(rel.ave, &col(&|s| s.reliability[j].ave), level, nf)?,
        });
    }

    let sqrt_ave: Vec<f64> = full.reliability.iter().map(|r| r.ave.sqrt()).collect();
    let fornell_larcker: Vec<Vec<f64>> = (0..n_constructs)
        .map(|i| {
            (0..n_constructs)
                .map(|j| {
                    if i == j {
                        sqrt_ave[i]
                    } else {
                        full.correlations[(i, j)]
                    }
                })
                .collect()
        })
        .collect();

    let mut pairs = Vec::with_capacity(pair_list.len());
    let mut not_distinct = Vec::new();
    for (k, &(i, j)) in pair_list.iter().enumerate() {
        let (h, h2) = full.htmt[k];
        if !h.is_finite() {
            return Err(Error::Degenerate {
                what: format!("HTMT of {:?} and {:?}", layout.names[i], layout.names[j]),
                reason: "a monotrait mean correlation is not positive; reverse-code items or use correlations=\"absolute\"".into(),
            });
        }
        let htmt_draws = col(&|s| s.htmt[k].0);
        let htmt = percentile_estimate(h, &htmt_draws, level, nf)?;
        let htmt2 = if h2.is_finite() {
            percentile_estimate(h2, &col(&|s| s.htmt[k].1), level, nf).ok()
        } else {
            None
        };
        let mut sorted: Vec<f64> = htmt_draws
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        sorted.sort_by(f64::total_cmp);
        let upper = quantile_sorted(&sorted, level);
        let p_value = sorted.iter().filter(|&&v| v >= 1.0).count() as f64 / sorted.len() as f64;
        let correlation = full.correlations[(i, j)];
        let fl_met = correlation.abs() < sqrt_ave[i] && correlation.abs() < sqrt_ave[j];
        let (a, b) = (layout.names[i].clone(), layout.names[j].clone());
        let mut reasons = Vec::new();
        if upper >= 1.0 {
            reasons.push(format!(
                "the one-sided {:.0}% bootstrap upper bound of HTMT is {upper:.3}, not below 1",
                100.0 * level
            ));
        }
        if h > options.htmt_threshold {
            reasons.push(format!(
                "HTMT = {h:.3} exceeds the threshold {:.2}",
                options.htmt_threshold
            ));
        }
        if !fl_met {
            reasons.push(format!(
                "Fornell-Larcker fails: the construct correlation {:.3} is not below sqrt(AVE) of both ({:.3} and {:.3})",
                correlation.abs(),
                sqrt_ave[i],
                sqrt_ave[j]
            ));
        }
        if !reasons.is_empty() {
            not_distinct.push(NotDistinct {
                a: a.clone(),
                b: b.clone(),
                reasons,
            });
        }
        pairs.push(PairValidity {
            a,
            b,
            htmt,
            htmt2,
            htmt_upper_one_sided: upper,
            p_value_htmt_not_below_one: p_value,
            correlation,
            fornell_larcker_met: fl_met,
        });
    }

    Ok(ConstructValidity {
        group: options.group.clone(),
        constructs: layout.names.clone(),
        correlations: options.correlations,
        weighting,
        iterations: outer.iterations,
        n: nf,
        reliability,
        fornell_larcker,
        pairs,
        not_distinct,
        htmt_threshold: options.htmt_threshold,
        resamples: options.bootstrap,
        failed_resamples: options.bootstrap - ok.len(),
        seed: options.seed,
        level,
    })
}
