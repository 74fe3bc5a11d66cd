//! Two-sample NPS comparison: two periods, two segments, or one firm against
//! a competitor.
//!
//! The difference `NPS_A - NPS_B` of two independent samples has standard
//! error `sqrt(var_A/n_A + var_B/n_B)` with the trinomial variance of each
//! sample; the adjusted method adds the pseudo-counts (0.75, 1.5, 0.75) to
//! both samples first (MeasuringU, "How to statistically compare two Net
//! Promoter Scores", after Rocks 2016).

use serde::{Deserialize, Serialize};

use crate::error::{check_level, Error, Result};
use crate::estimate::Estimate;
use crate::math::normal_two_sided_p;
use crate::survey::nps::{trinomial_var, ADJUSTED_WALD_PSEUDO};
use crate::survey::tally::NpsCounts;

/// Method of a two-sample NPS comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareMethod {
    /// Wald z test on the observed shares.
    Wald,
    /// Wald z test after adding pseudo-counts to each sample.
    AdjustedWald,
}

impl CompareMethod {
    /// Parses "wald" or "adjusted_wald".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "wald" => Ok(CompareMethod::Wald),
            "adjusted_wald" => Ok(CompareMethod::AdjustedWald),
            other => Err(Error::invalid_parameter(
                "method",
                format!("{other:?}"),
                "\"wald\" or \"adjusted_wald\" for a two-sample comparison",
            )),
        }
    }
}

/// Result of comparing two NPS samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsComparison {
    /// `NPS_A - NPS_B` in points, with its interval.
    pub difference: Estimate,
    /// z statistic of the difference.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Compares the NPS of sample `a` with sample `b` (difference `a - b` in points).
///
/// # Errors
/// [`Error::Empty`] if either sample has no responses,
/// [`Error::Degenerate`] if the standard error is zero (both samples in one
/// category under the Wald method), [`Error::InvalidParameter`] for a bad level.
pub fn compare_nps(
    a: &NpsCounts,
    b: &NpsCounts,
    method: CompareMethod,
    level: f64,
) -> Result<NpsComparison> {
    check_level(level)?;
    if a.n() == 0 || b.n() == 0 {
        return Err(Error::Empty {
            what: if a.n() == 0 { "sample a" } else { "sample b" }.into(),
            needed: "each sample needs at least one response".into(),
        });
    }
    let part = |c: &NpsCounts| {
        let (mut d, mut p, mut n) = (c.detractors as f64, c.promoters as f64, c.n() as f64);
        if method == CompareMethod::AdjustedWald {
            let (ap, apa, ad) = ADJUSTED_WALD_PSEUDO;
            d += ad;
            p += ap;
            n += ap + apa + ad;
        }
        let (pp, pd) = (p / n, d / n);
        (pp - pd, trinomial_var(pp, pd) / n)
    };
    let (va, var_a) = part(a);
    let (vb, var_b) = part(b);
    let diff = va - vb;
    let se = (var_a + var_b).sqrt();
    if se == 0.0 {
        return Err(Error::Degenerate {
            what: "NPS difference".into(),
            reason: "the standard error is zero because every response falls in one category; use method \"adjusted_wald\"".into(),
        });
    }
    let z = diff / se;
    let name = match method {
        CompareMethod::Wald => "wald_difference",
        CompareMethod::AdjustedWald => "adjusted_wald_difference",
    };
    let n = (a.n() + b.n()) as f64;
    let difference = Estimate::normal(diff, se, level, name, n, n)?
        .clamped(-2.0, 2.0)
        .scaled(100.0);
    Ok(NpsComparison {
        difference,
        statistic: z,
        p_value: normal_two_sided_p(z),
    })
}
