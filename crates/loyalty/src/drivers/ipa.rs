//! Importance-performance analysis (Martilla and James 1977,
//! "Importance-performance analysis", Journal of Marketing 41(1)): each
//! driver's importance against its mean rating, split into four quadrants
//! at stated cut lines.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_same_len, Error, Result};
use crate::estimate::Estimate;

/// Where the quadrant lines sit.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct IpaCuts {
    /// Importance line; `None` for the mean importance over the drivers.
    pub importance: Option<f64>,
    /// Performance line; `None` for the mean of the drivers' mean ratings
    /// (pass the scale midpoint for a fixed line instead).
    pub performance: Option<f64>,
}

/// A quadrant of the importance-performance matrix. A driver exactly on a
/// line counts as high on that axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High importance, low performance: "concentrate here".
    ConcentrateHere,
    /// High importance, high performance: "keep up the good work".
    KeepUpTheGoodWork,
    /// Low importance, low performance: "low priority".
    LowPriority,
    /// Low importance, high performance: "possible overkill".
    PossibleOverkill,
}

impl Quadrant {
    /// Martilla and James's label.
    pub fn label(self) -> &'static str {
        match self {
            Quadrant::ConcentrateHere => "concentrate here",
            Quadrant::KeepUpTheGoodWork => "keep up the good work",
            Quadrant::LowPriority => "low priority",
            Quadrant::PossibleOverkill => "possible overkill",
        }
    }
}

/// One driver in the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpaPoint {
    /// Driver name.
    pub driver: String,
    /// Importance (of the method the caller chose).
    pub importance: f64,
    /// Mean rating with its interval.
    pub performance: Estimate,
    /// Quadrant at the cut lines.
    pub quadrant: Quadrant,
}

/// The importance-performance matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ipa {
    /// Importance line used.
    pub importance_cut: f64,
    /// Performance line used.
    pub performance_cut: f64,
    /// How the lines were set, e.g. "mean importance; mean performance".
    pub cut_rule: String,
    /// Every driver.
    pub points: Vec<IpaPoint>,
}

/// Places every driver in a quadrant.
///
/// # Errors
/// [`Error::LengthMismatch`] for inputs of different lengths,
/// [`Error::Empty`] without drivers, and [`Error::NotFinite`] for a
/// non-finite importance, performance or cut.
pub fn importance_performance(
    drivers: &[String],
    importance: &[f64],
    performance: &[Estimate],
    cuts: IpaCuts,
) -> Result<Ipa> {
    check_same_len("drivers", drivers.len(), "importance", importance.len())?;
    check_same_len("drivers", drivers.len(), "performance", performance.len())?;
    if drivers.is_empty() {
        return Err(Error::Empty {
            what: "drivers".into(),
            needed: "pass at least one driver".into(),
        });
    }
    check_finite("importance", importance)?;
    let perf: Vec<f64> = performance.iter().map(|e| e.value).collect();
    check_finite("performance", &perf)?;
    let k = drivers.len() as f64;
    let (importance_cut, imp_rule) = match cuts.importance {
        Some(c) => (c, format!("importance line at {c}")),
        None => (
            importance.iter().sum::<f64>() / k,
            "importance line at the mean importance".to_string(),
        ),
    };
    let (performance_cut, perf_rule) = match cuts.performance {
        Some(c) => (c, format!("performance line at {c}")),
        None => (
            perf.iter().sum::<f64>() / k,
            "performance line at the mean of the mean ratings".to_string(),
        ),
    };
    check_finite("cut lines", &[importance_cut, performance_cut])?;
    let points = drivers
        .iter()
        .zip(importance)
        .zip(performance)
        .map(|((d, &imp), perf)| {
            let high_imp = imp >= importance_cut;
            let high_perf = perf.value >= performance_cut;
            let quadrant = match (high_imp, high_perf) {
                (true, false) => Quadrant::ConcentrateHere,
                (true, true) => Quadrant::KeepUpTheGoodWork,
                (false, false) => Quadrant::LowPriority,
                (false, true) => Quadrant::PossibleOverkill,
            };
            IpaPoint {
                driver: d.clone(),
                importance: imp,
                performance: perf.clone(),
                quadrant,
            }
        })
        .collect();
    Ok(Ipa {
        importance_cut,
        performance_cut,
        cut_rule: format!("{imp_rule}; {perf_rule}"),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perf(v: f64) -> Estimate {
        Estimate::normal(v, 0.1, 0.95, "t", 10.0, 10.0).unwrap()
    }

    #[test]
    fn quadrants_at_mean_lines() {
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let ipa = importance_performance(
            &names,
            &[0.4, 0.4, 0.1, 0.1],
            &[perf(5.0), perf(8.0), perf(5.0), perf(8.0)],
            IpaCuts::default(),
        )
        .unwrap();
        assert_eq!(ipa.importance_cut, 0.25);
        assert_eq!(ipa.performance_cut, 6.5);
        let q: Vec<Quadrant> = ipa.points.iter().map(|p| p.quadrant).collect();
        assert_eq!(
            q,
            [
                Quadrant::ConcentrateHere,
                Quadrant::KeepUpTheGoodWork,
                Quadrant::LowPriority,
                Quadrant::PossibleOverkill
            ]
        );
    }
}
