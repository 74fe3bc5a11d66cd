//! The bridge from empirical retention to the shifted-beta-geometric (sBG)
//! model of [`crate::models::sbg`]: data in the form an sBG fit takes, and a
//! comparison of an empirical curve with a model's survival curve.
//!
//! The sBG likelihood (Fader & Hardie 2007, "How to project customer
//! retention", J. Interactive Marketing 21(1), eq. 5) has one term per
//! member: `P(T = t) = S(t-1) - S(t)` for a member who churned in period
//! `t >= 1`, and `S(t)` for a member still active after `t` periods. The
//! functions here produce those `(t, churned, count)` triples, or the
//! survivor counts of one cohort (as in the paper's Table 1), from cohort
//! tables or from durations counted in whole periods. [`fit_sbg`] fits the
//! model of `models::sbg` to them and sets the fitted survival curve
//! against the empirical (Kaplan-Meier) curve of the same observations.

use serde::{Deserialize, Serialize};

use super::cohort::{Cohort, CohortTable};
use super::risk_table::RiskTable;
use crate::error::{check_not_empty, Error, Result};
use crate::models::{FitOptions, ShiftedBetaGeometric, ShiftedBetaGeometricFit};

/// Members who churned in period `periods` (`churned`), or who were still
/// active after `periods` whole periods (not `churned`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbgObservation {
    /// Whole periods: the period of churn, or the periods survived so far.
    pub periods: u64,
    /// True for churned members, false for members still active.
    pub churned: bool,
    /// Number of members with this observation.
    pub count: u64,
}

/// Survivor counts `n(0), n(1), ..` of one cohort up to its last
/// observable period (n(0) is the cohort size).
pub fn survivors_from_cohort(cohort: &Cohort) -> Vec<u64> {
    (0..=cohort.observable_periods)
        .filter_map(|k| cohort.retained(k))
        .collect()
}

/// sBG observations of a risk table whose times are whole periods and
/// which has no late entry.
///
/// # Errors
/// [`Error::InvalidData`] listing rows whose time is not a whole number,
/// whose events are at time 0 (the sBG has no churn before the first
/// renewal), or which hold late entries (the plain sBG likelihood has no
/// left truncation).
pub fn sbg_observations(table: &RiskTable) -> Result<Vec<SbgObservation>> {
    let rows: Vec<_> = table.rows().collect();
    let bad: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.time < 0.0
                || r.time.fract() != 0.0
                || r.entered > 0
                || (r.events > 0 && r.time == 0.0)
        })
        .map(|(j, _)| j)
        .collect();
    if !bad.is_empty() {
        return Err(Error::invalid_rows(
            "risk table",
            "the sBG needs whole periods >= 0, churn only from period 1 on, and no late entry",
            &bad,
            "count durations in whole periods (renewals), churn in period t >= 1, and drop entry times",
        ));
    }
    let mut out = Vec::new();
    for r in rows {
        let periods = r.time as u64;
        if r.events > 0 {
            out.push(SbgObservation {
                periods,
                churned: true,
                count: r.events,
            });
        }
        if r.censored > 0 {
            out.push(SbgObservation {
                periods,
                churned: false,
                count: r.censored,
            });
        }
    }
    Ok(out)
}

/// sBG observations of individual durations in whole periods.
///
/// # Errors
/// As [`RiskTable::from_durations`] and [`sbg_observations`].
pub fn sbg_observations_from_durations(
    durations: &[f64],
    events: Option<&[bool]>,
) -> Result<Vec<SbgObservation>> {
    sbg_observations(&RiskTable::from_durations(durations, events, None)?)
}

/// sBG observations of every cohort of a cohort table, pooled: a member
/// who churned before the start of period `k + 1` of its cohort churned in
/// period `k`.
///
/// Cohort periods count the calendar periods reached, so a member who
/// churns in its start period has 0 periods; the sBG counts that member as
/// churned in period 1 (the first renewal it did not make).
///
/// # Errors
/// As [`sbg_observations`].
pub fn sbg_observations_from_cohorts(table: &CohortTable) -> Result<Vec<SbgObservation>> {
    let mut out = Vec::new();
    for cohort in &table.cohorts {
        for r in cohort.table.rows() {
            let periods = r.time as u64;
            if r.events > 0 {
                out.push(SbgObservation {
                    periods: periods + 1,
                    churned: true,
                    count: r.events,
                });
            }
            if r.censored > 0 {
                out.push(SbgObservation {
                    periods,
                    churned: false,
                    count: r.censored,
                });
            }
        }
    }
    // Pool equal observations of different cohorts.
    out.sort_by_key(|o| (o.periods, !o.churned));
    let mut pooled: Vec<SbgObservation> = Vec::with_capacity(out.len());
    for o in out {
        match pooled.last_mut() {
            Some(p) if p.periods == o.periods && p.churned == o.churned => p.count += o.count,
            _ => pooled.push(o),
        }
    }
    Ok(pooled)
}

/// One period of a [`CurveComparison`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Period number (0 for the start).
    pub period: usize,
    /// Empirical retention.
    pub empirical: f64,
    /// Model retention.
    pub model: f64,
    /// `model - empirical`.
    pub difference: f64,
}

/// An empirical retention curve set against a model's survival curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveComparison {
    /// Both curves per period, over the periods both cover.
    pub points: Vec<CurvePoint>,
    /// Largest absolute difference.
    pub max_abs_difference: f64,
    /// Root mean squared difference.
    pub rmse: f64,
}

/// Compares an empirical curve (e.g. [`Cohort`] shares or
/// `KaplanMeier::survival_at_periods`) with a model curve, both indexed by
/// period from 0, over the periods both cover.
///
/// # Errors
/// [`Error::Empty`] for an empty curve, and [`Error::NotFinite`] /
/// [`Error::OutOfRange`] for values that are not probabilities.
pub fn compare_curves(empirical: &[f64], model: &[f64]) -> Result<CurveComparison> {
    for (what, curve) in [("empirical", empirical), ("model", model)] {
        crate::error::check_not_empty(what, curve.len())?;
        crate::error::check_finite(what, curve)?;
        if let Some(index) = curve.iter().position(|&s| !(0.0..=1.0).contains(&s)) {
            return Err(Error::OutOfRange {
                what: what.into(),
                index,
                value: curve[index],
                expected: "retention curves hold probabilities in [0, 1]".into(),
            });
        }
    }
    let points: Vec<CurvePoint> = empirical
        .iter()
        .zip(model)
        .enumerate()
        .map(|(period, (&e, &m))| CurvePoint {
            period,
            empirical: e,
            model: m,
            difference: m - e,
        })
        .collect();
    let max_abs_difference = points
        .iter()
        .map(|p| p.difference.abs())
        .fold(0.0, f64::max);
    let rmse =
        (points.iter().map(|p| p.difference.powi(2)).sum::<f64>() / points.len() as f64).sqrt();
    Ok(CurveComparison {
        points,
        max_abs_difference,
        rmse,
    })
}

/// An sBG fit to empirical retention data, with the fitted and empirical
/// curves side by side.
#[derive(Debug, Clone, Serialize)]
pub struct SbgBridge {
    /// The maximum likelihood fit, with its convergence report.
    pub fit: ShiftedBetaGeometricFit,
    /// Empirical (Kaplan-Meier in whole periods) against fitted survival,
    /// from period 0 to the last period observed.
    pub comparison: CurveComparison,
}

/// Fits the sBG model to observations (from [`sbg_observations`],
/// [`sbg_observations_from_durations`] or [`sbg_observations_from_cohorts`])
/// and compares its survival curve with the empirical curve.
///
/// The empirical curve is the product-limit estimate in whole periods:
/// `S(t) = Π_{k <= t} (1 - d_k / n_k)`, where `d_k` members churned in period
/// `k` and `n_k` members were still observed at its start.
///
/// # Errors
/// [`Error::Empty`] without observations, [`Error::Degenerate`] when no
/// member churned or every member churned in period 1, and the fit's errors.
pub fn fit_sbg(observations: &[SbgObservation], options: &FitOptions) -> Result<SbgBridge> {
    check_not_empty("sBG observations", observations.len())?;
    let mut dead = Vec::new();
    let mut alive = Vec::new();
    for o in observations.iter().filter(|o| o.count > 0) {
        let entry = (o.periods as f64, o.count as f64);
        if o.churned {
            dead.push(entry);
        } else {
            alive.push(entry);
        }
    }
    let fit = ShiftedBetaGeometric::fit_counts(&dead, &alive, options)?;

    let last = observations.iter().map(|o| o.periods).max().unwrap_or(0) as usize;
    let mut empirical = Vec::with_capacity(last + 1);
    let mut s = 1.0;
    empirical.push(s);
    for k in 1..=last as u64 {
        let at_risk: u64 = observations
            .iter()
            .filter(|o| o.periods >= k)
            .map(|o| o.count)
            .sum();
        let churned: u64 = observations
            .iter()
            .filter(|o| o.churned && o.periods == k)
            .map(|o| o.count)
            .sum();
        if at_risk > 0 {
            s *= 1.0 - churned as f64 / at_risk as f64;
        }
        empirical.push(s);
    }
    let model = fit.model.survival_curve(last)?;
    let comparison = compare_curves(&empirical, &model)?;
    Ok(SbgBridge { fit, comparison })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::sbg;

    #[test]
    fn survivors_reproduce_fader_hardie_table() {
        // Fader & Hardie (2007), Table 1, "regular" segment: survivors per
        // 1,000 at years 0..7.
        let survivors = [1000u64, 631, 468, 382, 326, 289, 262, 241];
        let mut durations = Vec::new();
        let mut events = Vec::new();
        for t in 1..survivors.len() {
            for _ in 0..survivors[t - 1] - survivors[t] {
                durations.push(t as f64);
                events.push(true);
            }
        }
        for _ in 0..survivors[7] {
            durations.push(7.0);
            events.push(false);
        }
        let obs = sbg_observations_from_durations(&durations, Some(&events)).unwrap();
        assert_eq!(
            obs[0],
            SbgObservation {
                periods: 1,
                churned: true,
                count: 369
            }
        );
        assert_eq!(
            obs.last().copied(),
            Some(SbgObservation {
                periods: 7,
                churned: false,
                count: 241
            })
        );

        let table = RiskTable::from_durations(&durations, Some(&events), None).unwrap();
        let km = crate::retention::KaplanMeier::from_table(&table, 0.95).unwrap();
        let empirical = km.survival_at_periods(7, 1.0).unwrap();
        for (t, &n) in survivors.iter().enumerate() {
            assert!((empirical[t] - n as f64 / 1000.0).abs() < 1e-12);
        }
        // The published fit (alpha 0.704, beta 1.182) stays within 0.02 of
        // the data over years 0..7 (Fader & Hardie 2007, Figure 3).
        let model = sbg::survival_curve(0.704, 1.182, 7).unwrap();
        let cmp = compare_curves(&empirical, &model).unwrap();
        assert!(cmp.max_abs_difference < 0.02, "{}", cmp.max_abs_difference);
    }

    #[test]
    fn rejects_fractional_periods_and_late_entry() {
        assert!(sbg_observations_from_durations(&[1.5], None).is_err());
        let t = RiskTable::from_durations(&[3.0], None, Some(&[1.0])).unwrap();
        assert!(sbg_observations(&t).is_err());
        assert!(compare_curves(&[1.0, 1.2], &[1.0, 0.9]).is_err());
    }

    #[test]
    fn fit_sbg_recovers_published_parameters() {
        // Fader & Hardie (2007), Table 1 "regular" survivors; their fit is
        // alpha = 0.704, beta = 1.182 (tolerance 1e-3 as for the published
        // values). The empirical curve is the survivors over 1,000 exactly.
        let survivors = [1000u64, 631, 468, 382, 326, 289, 262, 241];
        let mut obs = Vec::new();
        for t in 1..survivors.len() {
            obs.push(SbgObservation {
                periods: t as u64,
                churned: true,
                count: survivors[t - 1] - survivors[t],
            });
        }
        obs.push(SbgObservation {
            periods: 7,
            churned: false,
            count: survivors[7],
        });
        let bridge = fit_sbg(&obs, &FitOptions::default()).unwrap();
        assert!(
            (bridge.fit.model.alpha - 0.704).abs() < 1e-3,
            "{:?}",
            bridge.fit.model
        );
        assert!(
            (bridge.fit.model.beta - 1.182).abs() < 1e-3,
            "{:?}",
            bridge.fit.model
        );
        let points = &bridge.comparison.points;
        assert_eq!(points.len(), 8);
        for (p, &n) in points.iter().zip(&survivors) {
            assert!((p.empirical - n as f64 / 1000.0).abs() < 1e-12);
        }
        assert!(bridge.comparison.max_abs_difference < 0.02);
    }

    #[test]
    fn fit_sbg_rejects_empty_observations() {
        assert!(matches!(
            fit_sbg(&[], &FitOptions::default()),
            Err(Error::Empty { .. })
        ));
    }
}
