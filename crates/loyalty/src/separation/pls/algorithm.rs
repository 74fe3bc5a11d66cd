//! The PLS path modelling iteration and its closing estimates, computed from
//! the item covariance (or correlation) matrix alone.
//!
//! With items centred, every quantity of Lohmöller's algorithm is a function
//! of the item covariance matrix `S`: the construct covariances are `W'SW`,
//! the covariances of items with the inner proxies are `SWE`. Working on `S`
//! makes a fit independent of the number of rows, which keeps bootstraps
//! cheap and lets partitioned data be fitted from merged moments.
//!
//! Written here rather than taken from a crate because no maintained Rust
//! crate implements PLS path modelling.
//!
//! # References
//! - Lohmöller, J.-B. (1989). Latent Variable Path Modeling with Partial
//!   Least Squares. Physica, Heidelberg (the iteration and inner schemes).
//! - Dijkstra, T. K. and Henseler, J. (2015). Consistent partial least squares
//!   path modeling. MIS Quarterly 39(2), 297-316 (rho_A, equation 21, and the
//!   correction of construct correlations).

use nalgebra::{DMatrix, DVector};

use super::spec::{InnerScheme, Layout, Mode};
use crate::error::{Error, Result};

/// Options of one fit of the iteration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IterationOptions {
    pub scheme: InnerScheme,
    pub max_iter: usize,
    pub tolerance: f64,
}

/// The converged outer model of one fit.
#[derive(Debug, Clone)]
pub(crate) struct OuterFit {
    /// Weights on the scale of `S`, one per analysis item; each construct
    /// `Y_j = sum_k w_k x_k` has unit variance.
    pub weights: DVector<f64>,
    /// Weights of the standardised items (`w_k * sd_k`).
    pub standardized_weights: DVector<f64>,
    /// Correlation of every item with every construct (items x constructs).
    pub cross_loadings: DMatrix<f64>,
    /// Correlation of each item with its own construct.
    pub loadings: DVector<f64>,
    /// Correlations of the construct scores.
    pub construct_correlations: DMatrix<f64>,
    /// Weight updates until the change fell below the tolerance.
    pub iterations: usize,
}

/// Solves `a x = b` for a small symmetric system, naming `what` if singular.
pub(crate) fn solve(a: &DMatrix<f64>, b: &DVector<f64>, what: &str) -> Result<DVector<f64>> {
    if let Some(ch) = a.clone().cholesky() {
        return Ok(ch.solve(b));
    }
    a.clone().lu().solve(b).ok_or_else(|| Error::Degenerate {
        what: what.to_string(),
        reason: "the matrix to invert is singular (collinear constructs or items); remove a redundant item or path".into(),
    })
}

fn sub_matrix(s: &DMatrix<f64>, rows: &[usize], cols: &[usize]) -> DMatrix<f64> {
    DMatrix::from_fn(rows.len(), cols.len(), |a, b| s[(rows[a], cols[b])])
}

fn sub_vector(s: &DMatrix<f64>, rows: &[usize], col: usize) -> DVector<f64> {
    DVector::from_fn(rows.len(), |a, _| s[(rows[a], col)])
}

/// Scales each block's weights so its construct has unit variance.
fn normalise(layout: &Layout, s: &DMatrix<f64>, w: &mut DVector<f64>) -> Result<()> {
    for (j, block) in layout.blocks.iter().enumerate() {
        let mut var = 0.0;
        for &a in block {
            for &b in block {
                var += w[a] * s[(a, b)] * w[b];
            }
        }
        if !(var > 0.0 && var.is_finite()) {
            return Err(Error::Degenerate {
                what: format!("construct {:?}", layout.names[j]),
                reason: "its inner proxy has zero variance, so no outer weights can be estimated; check that the construct is linked to correlated constructs".into(),
            });
        }
        let scale = var.sqrt();
        for &a in block {
            w[a] /= scale;
        }
    }
    Ok(())
}

/// Weight matrix (items x constructs) from the weight vector.
fn weight_matrix(layout: &Layout, w: &DVector<f64>) -> DMatrix<f64> {
    let mut m = DMatrix::zeros(layout.n_items(), layout.n_constructs());
    for (a, &j) in layout.block_of.iter().enumerate() {
        m[(a, j)] = w[a];
    }
    m
}

/// Inner weights `E` (constructs x constructs): the inner proxy of `j` is
/// `sum_i E[i, j] Y_i`.
pub(crate) fn inner_weights(
    layout: &Layout,
    c: &DMatrix<f64>,
    scheme: InnerScheme,
) -> Result<DMatrix<f64>> {
    let n = layout.n_constructs();
    let mut e = DMatrix::zeros(n, n);
    match scheme {
        InnerScheme::Centroid | InnerScheme::Factorial => {
            for i in 0..n {
                for j in 0..n {
                    if i != j && layout.linked(i, j) {
                        e[(i, j)] = if scheme == InnerScheme::Centroid {
                            if c[(i, j)] > 0.0 {
                                1.0
                            } else if c[(i, j)] < 0.0 {
                                -1.0
                            } else {
                                0.0
                            }
                        } else {
                            c[(i, j)]
                        };
                    }
                }
            }
        }
        InnerScheme::Path => {
            for j in 0..n {
                let preds = layout.predecessors(j);
                if !preds.is_empty() {
                    let beta = solve(
                        &sub_matrix(c, &preds, &preds),
                        &sub_vector(c, &preds, j),
                        &format!("inner weights of {:?}", layout.names[j]),
                    )?;
                    for (k, &i) in preds.iter().enumerate() {
                        e[(i, j)] = beta[k];
                    }
                }
                for i in layout.successors(j) {
                    e[(i, j)] = c[(i, j)];
                }
            }
        }
    }
    Ok(e)
}

/// Runs the PLS iteration on the item covariance matrix `s` (analysis
/// order) until the summed absolute change of the weights falls below the
/// tolerance (the stop rule of seminr), starting from unit weights.
///
/// # Errors
/// [`Error::NotConverged`] after `max_iter` updates, [`Error::Degenerate`]
/// for a singular block (mode B) or a construct with no inner proxy.
pub(crate) fn fit_outer(
    layout: &Layout,
    s: &DMatrix<f64>,
    options: IterationOptions,
) -> Result<OuterFit> {
    let p = layout.n_items();
    // Mode B blocks regress the inner proxy on their items: factor S_jj once.
    let mut block_solvers = Vec::with_capacity(layout.n_constructs());
    for (j, block) in layout.blocks.iter().enumerate() {
        if layout.modes[j] == Mode::B && block.len() > 1 {
            let sjj = sub_matrix(s, block, block);
            let lu = sjj.lu();
            if !lu.is_invertible() {
                return Err(Error::Degenerate {
                    what: format!("mode B construct {:?}", layout.names[j]),
                    reason: "its items are collinear, so regression weights do not exist; drop an item or use mode A".into(),
                });
            }
            block_solvers.push(Some(lu));
        } else {
            block_solvers.push(None);
        }
    }

    let mut w = DVector::from_element(p, 1.0);
    normalise(layout, s, &mut w)?;
    let mut change = f64::INFINITY;
    for iteration in 1..=options.max_iter {
        let wm = weight_matrix(layout, &w);
        let sw = s * &wm;
        let c = wm.transpose() * &sw;
        let e = inner_weights(layout, &c, options.scheme)?;
        let g = &sw * &e;
        let mut next = DVector::zeros(p);
        for (j, block) in layout.blocks.iter().enumerate() {
            let target = sub_vector(&g, block, j);
            let wj = match &block_solvers[j] {
                Some(lu) => lu.solve(&target).ok_or_else(|| Error::Degenerate {
                    what: format!("mode B construct {:?}", layout.names[j]),
                    reason: "its item covariance matrix is singular".into(),
                })?,
                None => target,
            };
            for (k, &a) in block.iter().enumerate() {
                next[a] = wj[k];
            }
        }
        normalise(layout, s, &mut next)?;
        change = (&next - &w).abs().sum();
        w = next;
        if change < options.tolerance {
            return Ok(close_outer(layout, s, w, iteration));
        }
    }
    Err(Error::NotConverged {
        method: "PLS path model outer weights".into(),
        iterations: options.max_iter,
        reason: format!(
            "the summed weight change was still {change:.3e}, above the tolerance {:.1e}",
            options.tolerance
        ),
        advice: "raise max_iter, try the path or factorial scheme, or check constructs whose items barely correlate with their neighbours".into(),
    })
}

fn close_outer(layout: &Layout, s: &DMatrix<f64>, w: DVector<f64>, iterations: usize) -> OuterFit {
    let p = layout.n_items();
    let wm = weight_matrix(layout, &w);
    let sw = s * &wm;
    let c = wm.transpose() * &sw;
    let sd: Vec<f64> = (0..p).map(|a| s[(a, a)].sqrt()).collect();
    let cross = DMatrix::from_fn(p, layout.n_constructs(), |a, j| sw[(a, j)] / sd[a]);
    let loadings = DVector::from_fn(p, |a, _| cross[(a, layout.block_of[a])]);
    let standardized = DVector::from_fn(p, |a, _| w[a] * sd[a]);
    OuterFit {
        weights: w,
        standardized_weights: standardized,
        cross_loadings: cross,
        loadings,
        construct_correlations: c,
        iterations,
    }
}

/// Flips constructs whose weights point against `reference` (standardised
/// weights of the full-sample fit), the construct-level sign change used in
/// bootstrapping PLS (Tenenhaus et al. 2005, "PLS path modeling",
/// Computational Statistics & Data Analysis 48, section 4.1).
pub(crate) fn align_signs(layout: &Layout, fit: &mut OuterFit, reference: &DVector<f64>) {
    for (j, block) in layout.blocks.iter().enumerate() {
        let dot: f64 = block
            .iter()
            .map(|&a| fit.standardized_weights[a] * reference[a])
            .sum();
        if dot < 0.0 {
            for &a in block {
                fit.weights[a] = -fit.weights[a];
                fit.standardized_weights[a] = -fit.standardized_weights[a];
                fit.loadings[a] = -fit.loadings[a];
            }
            for a in 0..layout.n_items() {
                fit.cross_loadings[(a, j)] = -fit.cross_loadings[(a, j)];
            }
            for i in 0..layout.n_constructs() {
                if i != j {
                    fit.construct_correlations[(i, j)] = -fit.construct_correlations[(i, j)];
                    fit.construct_correlations[(j, i)] = -fit.construct_correlations[(j, i)];
                }
            }
        }
    }
}

/// Path coefficients and R-squared of every endogenous construct, by least
/// squares on the construct correlation matrix `c`.
#[derive(Debug, Clone)]
pub(crate) struct InnerFit {
    /// `paths[(i, j)]` is the coefficient of i -> j (0 where there is no path).
    pub paths: DMatrix<f64>,
    /// R-squared of each construct (`None` for exogenous ones).
    pub r_squared: Vec<Option<f64>>,
    /// Diagonal of the inverse predictor correlation matrix, per path (for
    /// least-squares standard errors), aligned with `paths`.
    pub inverse_diagonal: DMatrix<f64>,
}

/// Estimates the structural model from construct correlations.
///
/// # Errors
/// [`Error::Degenerate`] when a construct's predecessors are collinear.
pub(crate) fn fit_inner(layout: &Layout, c: &DMatrix<f64>) -> Result<InnerFit> {
    let n = layout.n_constructs();
    let mut paths = DMatrix::zeros(n, n);
    let mut inverse_diagonal = DMatrix::zeros(n, n);
    let mut r_squared = vec![None; n];
    for (j, r2) in r_squared.iter_mut().enumerate() {
        let preds = layout.predecessors(j);
        if preds.is_empty() {
            continue;
        }
        let cpp = sub_matrix(c, &preds, &preds);
        let cpj = sub_vector(c, &preds, j);
        let what = format!("predecessors of {:?}", layout.names[j]);
        let beta = solve(&cpp, &cpj, &what)?;
        let inverse = cpp.clone().try_inverse().ok_or_else(|| Error::Degenerate {
            what: what.clone(),
            reason: "their correlation matrix is singular; remove a redundant path".into(),
        })?;
        for (k, &i) in preds.iter().enumerate() {
            paths[(i, j)] = beta[k];
            inverse_diagonal[(i, j)] = inverse[(k, k)];
        }
        *r2 = Some(beta.dot(&cpj));
    }
    Ok(InnerFit {
        paths,
        r_squared,
        inverse_diagonal,
    })
}

/// Dijkstra-Henseler rho_A of one block from its item correlation matrix
/// `r` and standardised weights `w`: `(w'w)^2 w'(R - I)w / ((w'w)^2 -
/// sum w^4)`. One item gives 1.
pub(crate) fn rho_a(r: &DMatrix<f64>, w: &DVector<f64>) -> f64 {
    if w.len() < 2 {
        return 1.0;
    }
    let ww = w.dot(w);
    let mut off = 0.0;
    for a in 0..w.len() {
        for b in 0..w.len() {
            if a != b {
                off += w[a] * r[(a, b)] * w[b];
            }
        }
    }
    let fourth: f64 = w.iter().map(|x| x.powi(4)).sum();
    ww * ww * off / (ww * ww - fourth)
}

/// Block correlation matrix of construct `j` from the full item correlation matrix.
pub(crate) fn block_correlation(layout: &Layout, r: &DMatrix<f64>, j: usize) -> DMatrix<f64> {
    sub_matrix(r, &layout.blocks[j], &layout.blocks[j])
}

/// Block weights of construct `j`.
pub(crate) fn block_vector(layout: &Layout, v: &DVector<f64>, j: usize) -> DVector<f64> {
    DVector::from_iterator(
        layout.blocks[j].len(),
        layout.blocks[j].iter().map(|&a| v[a]),
    )
}

/// Total effects `(I - B)^-1 - I` of a recursive path matrix `B`, summed
/// as the finite series `B + B^2 + ...`.
pub(crate) fn total_effects(paths: &DMatrix<f64>) -> DMatrix<f64> {
    let n = paths.nrows();
    let mut total = DMatrix::zeros(n, n);
    let mut power = paths.clone();
    for _ in 0..n {
        total += &power;
        power = &power * paths;
    }
    total
}
