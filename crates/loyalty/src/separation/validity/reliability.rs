//! Internal consistency of one block of items: Cronbach's alpha, composite
//! reliability (rho_C), Dijkstra-Henseler rho_A and the average variance
//! extracted (AVE).
//!
//! # Formulas
//! ```text
//! alpha (standardised) = k r / (1 + (k - 1) r)      r: mean inter-item correlation
//! alpha (raw)          = k / (k - 1) (1 - sum s_ii / sum s_ij)
//! rho_C                = (sum l)^2 / ((sum l)^2 + sum (1 - l^2))   l: loadings
//! rho_A                = (w'w)^2 w'(R - I)w / ((w'w)^2 - sum w^4)  w: standardised weights
//! AVE                  = mean l^2
//! ```
//! A one-item block has alpha = rho_C = rho_A = 1 by convention (as seminr
//! reports), and its AVE is its squared loading, which is 1.
//!
//! # References
//! - Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
//!   tests. Psychometrika 16(3), 297-334.
//! - Fornell, C. and Larcker, D. F. (1981). Evaluating structural equation
//!   models with unobservable variables and measurement error. Journal of
//!   Marketing Research 18(1), 39-50 (composite reliability and AVE).
//! - Dijkstra, T. K. and Henseler, J. (2015). Consistent partial least
//!   squares path modeling. MIS Quarterly 39(2), 297-316 (rho_A).

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::separation::pls::algorithm::rho_a;

/// Reliability figures of one block, as plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockReliability {
    /// Standardised Cronbach's alpha (from item correlations; seminr's value).
    pub cronbach_alpha: f64,
    /// Cronbach's alpha from item covariances (raw scores).
    pub cronbach_alpha_raw: f64,
    /// Dijkstra-Henseler rho_A.
    pub rho_a: f64,
    /// Composite reliability rho_C (Jöreskog's rho).
    pub rho_c: f64,
    /// Average variance extracted.
    pub ave: f64,
}

/// Computes the reliability of a block from its item correlation matrix
/// `r`, covariance matrix `s`, standardised weights and loadings.
pub(crate) fn block_reliability(
    r: &DMatrix<f64>,
    s: &DMatrix<f64>,
    weights: &DVector<f64>,
    loadings: &DVector<f64>,
) -> BlockReliability {
    let k = r.nrows();
    let ave = loadings.iter().map(|l| l * l).sum::<f64>() / k as f64;
    if k < 2 {
        return BlockReliability {
            cronbach_alpha: 1.0,
            cronbach_alpha_raw: 1.0,
            rho_a: 1.0,
            rho_c: 1.0,
            ave,
        };
    }
    let kf = k as f64;
    let mean_r = (r.sum() - kf) / (kf * (kf - 1.0));
    let alpha = kf * mean_r / (1.0 + (kf - 1.0) * mean_r);
    let alpha_raw = kf / (kf - 1.0) * (1.0 - s.trace() / s.sum());
    let sum_l: f64 = loadings.sum();
    let error: f64 = loadings.iter().map(|l| 1.0 - l * l).sum();
    let rho_c = sum_l * sum_l / (sum_l * sum_l + error);
    BlockReliability {
        cronbach_alpha: alpha,
        cronbach_alpha_raw: alpha_raw,
        rho_a: rho_a(r, weights),
        rho_c,
        ave,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_items_reliability() {
        // Three parallel items with inter-item correlation 0.5: standardised
        // alpha = 3(0.5)/(1 + 2(0.5)) = 0.75 (Spearman-Brown); loadings
        // sqrt(0.5) give rho_C = (3 sqrt .5)^2 / ((3 sqrt .5)^2 + 1.5) = 0.75.
        let r = DMatrix::from_fn(3, 3, |a, b| if a == b { 1.0 } else { 0.5 });
        let w = DVector::from_element(3, 1.0 / 6f64.sqrt());
        let l = DVector::from_element(3, 0.5f64.sqrt());
        let rel = block_reliability(&r, &r, &w, &l);
        assert!((rel.cronbach_alpha - 0.75).abs() < 1e-12);
        assert!((rel.cronbach_alpha_raw - 0.75).abs() < 1e-12);
        assert!((rel.rho_c - 0.75).abs() < 1e-12);
        assert!((rel.ave - 0.5).abs() < 1e-12);
        // Equal weights on parallel items make rho_A equal alpha.
        assert!((rel.rho_a - 0.75).abs() < 1e-12);
    }
}
