//! Top-box share (CSAT), mean score (CES and generic) and category shares.

use serde::{Deserialize, Serialize};

use crate::error::{check_level, Error, Result};
use crate::estimate::{z_two_sided, Estimate};
use crate::math::t_quantile;
use crate::survey::tally::ScoreTally;

/// Interval for a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareMethod {
    /// `p ± z·sqrt(p(1-p)/n)`, clamped to [0, 1].
    Wald,
    /// Wilson score interval (Wilson 1927), which stays inside [0, 1] and
    /// keeps its width when p is 0 or 1.
    Wilson,
}

impl ShareMethod {
    /// Parses "wald" or "wilson".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "wald" => Ok(ShareMethod::Wald),
            "wilson" => Ok(ShareMethod::Wilson),
            other => Err(Error::invalid_parameter(
                "method",
                format!("{other:?}"),
                "\"wald\" or \"wilson\"",
            )),
        }
    }
}

/// Share (0..1) of responses at or above the scale's top-box cut: CSAT as
/// "% satisfied". Weighted tallies use weighted shares and Kish's n.
///
/// # Errors
/// [`Error::Empty`] for an empty tally, [`Error::InvalidParameter`] for a bad level.
pub fn top_box(tally: &ScoreTally, method: ShareMethod, level: f64) -> Result<Estimate> {
    let cut = tally.scale().top_box_min;
    share_where(tally, |score| score >= cut, method, level, "top_box")
}

/// Share of responses at each scale point, lowest point first, as
/// `(score, estimate)` pairs.
///
/// # Errors
/// As [`top_box`].
pub fn category_shares(
    tally: &ScoreTally,
    method: ShareMethod,
    level: f64,
) -> Result<Vec<(f64, Estimate)>> {
    let scale = *tally.scale();
    (0..scale.points())
        .map(|k| {
            let point = scale.value_of(k);
            let est = share_where(tally, |s| (s - point).abs() < 1e-9, method, level, "share")?;
            Ok((point, est))
        })
        .collect()
}

fn share_where(
    tally: &ScoreTally,
    pred: impl Fn(f64) -> bool,
    method: ShareMethod,
    level: f64,
    label: &str,
) -> Result<Estimate> {
    check_level(level)?;
    let total = tally.total_weight();
    if tally.n() == 0 || total <= 0.0 {
        return Err(Error::Empty {
            what: "responses".into(),
            needed: "pass at least one score with a positive weight".into(),
        });
    }
    let scale = tally.scale();
    let hit: f64 = tally
        .weights()
        .iter()
        .enumerate()
        .filter(|(k, _)| pred(scale.value_of(*k)))
        .map(|(_, w)| w)
        .sum();
    let p = hit / total;
    let n = tally.n() as f64;
    let n_eff = tally.n_effective();
    let z = z_two_sided(level);
    let se = (p * (1.0 - p) / n_eff).sqrt();
    let mut est = match method {
        ShareMethod::Wald => {
            Estimate::normal(p, se, level, format!("{label}_wald"), n, n_eff)?.clamped(0.0, 1.0)
        }
        ShareMethod::Wilson => {
            let z2 = z * z;
            let denom = 1.0 + z2 / n_eff;
            let centre = (p + z2 / (2.0 * n_eff)) / denom;
            let half = z * (p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)).sqrt() / denom;
            Estimate {
                value: p,
                se,
                ci_low: (centre - half).max(0.0),
                ci_high: (centre + half).min(1.0),
                level,
                method: format!("{label}_wilson"),
                n,
                n_effective: n_eff,
                n_missing: 0.0,
            }
        }
    };
    est.n_missing = tally.missing() as f64;
    Ok(est)
}

/// Mean score with a Student t interval (CES, or any rated item). Weighted
/// tallies give the weighted mean with Kish's effective n as `n`.
///
/// # Errors
/// [`Error::Empty`] for an empty tally, [`Error::Degenerate`] for fewer
/// than two responses (no variance), [`Error::InvalidParameter`] for a bad level.
pub fn mean_score(tally: &ScoreTally, level: f64) -> Result<Estimate> {
    check_level(level)?;
    let total = tally.total_weight();
    let n = tally.n() as f64;
    if n == 0.0 || total <= 0.0 {
        return Err(Error::Empty {
            what: "responses".into(),
            needed: "pass at least one score with a positive weight".into(),
        });
    }
    let n_eff = tally.n_effective();
    if n_eff < 2.0 - 1e-12 {
        return Err(Error::Degenerate {
            what: "mean score".into(),
            reason: format!("an interval needs at least two responses (effective n = {n_eff:.3})"),
        });
    }
    let scale = tally.scale();
    let w = tally.weights();
    let mean: f64 = w
        .iter()
        .enumerate()
        .map(|(k, &wk)| wk * scale.value_of(k))
        .sum::<f64>()
        / total;
    let ss: f64 = w
        .iter()
        .enumerate()
        .map(|(k, &wk)| wk * (scale.value_of(k) - mean).powi(2))
        .sum();
    // Sample variance with the n/(n-1) correction on the effective-n scale.
    let var = ss / total * n_eff / (n_eff - 1.0);
    let se = (var / n_eff).sqrt();
    let t = t_quantile(0.5 + level / 2.0, n_eff - 1.0);
    Ok(Estimate {
        value: mean,
        se,
        ci_low: mean - t * se,
        ci_high: mean + t * se,
        level,
        method: "mean_t".into(),
        n,
        n_effective: n_eff,
        n_missing: tally.missing() as f64,
    })
}
