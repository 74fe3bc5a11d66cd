//! The log-rank test of equal retention curves across two or more groups
//! (Mantel 1966; Peto & Peto 1972).
//!
//! # Formula
//! At each distinct event time `t` of the pooled data, with `n` at risk,
//! `d` events, and `n_g`, `d_g` in group `g`:
//! ```text
//! E_g    = Σ_t d n_g / n
//! V_gh   = Σ_t d (n - d) / (n - 1) · n_g / n · (δ_gh - n_h / n)
//! χ²     = (O - E)' V⁻¹ (O - E)    over the first G - 1 groups, df = G - 1
//! ```
//! Risk sets follow [`RiskTable`] (`entry < t <= exit`), so the test
//! accepts late entry.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::risk_table::RiskTable;
use crate::error::{check_same_len, Error, Result};

/// Result of a log-rank test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRankTest {
    /// Chi-squared statistic.
    pub statistic: f64,
    /// Degrees of freedom, groups - 1.
    pub df: usize,
    /// Upper-tail chi-squared p-value.
    pub p_value: f64,
    /// Observed events per group.
    pub observed: Vec<f64>,
    /// Expected events per group under equal curves.
    pub expected: Vec<f64>,
    /// Members per group.
    pub members: Vec<u64>,
}

/// Tests equal retention across the groups whose risk tables are given.
///
/// # Errors
/// [`Error::Empty`] for fewer than two groups or a group without members,
/// and [`Error::Degenerate`] when there is no event or the variance matrix
/// is singular (e.g. one group has no member at risk at any event time).
pub fn log_rank(tables: &[RiskTable]) -> Result<LogRankTest> {
    let groups = tables.len();
    if groups < 2 {
        return Err(Error::Empty {
            what: "groups".into(),
            needed: "pass at least two groups to compare".into(),
        });
    }
    if let Some(g) = tables.iter().position(RiskTable::is_empty) {
        return Err(Error::Empty {
            what: format!("group {g}"),
            needed: "every group needs at least one member".into(),
        });
    }
    let pooled = tables.iter().fold(RiskTable::new(), |acc, t| acc.merged(t));
    if pooled.total_events() == 0 {
        return Err(Error::Degenerate {
            what: "log-rank test".into(),
            reason: "no events in any group, so the curves cannot differ; the test needs churned members".into(),
        });
    }
    let event_times: Vec<f64> = pooled
        .rows()
        .filter(|r| r.events > 0)
        .map(|r| r.time)
        .collect();
    // n_g and d_g of every group at every pooled event time.
    let per_group: Vec<Vec<(f64, f64)>> =
        tables.iter().map(|t| counts_at(t, &event_times)).collect();

    let mut observed = vec![0.0; groups];
    let mut expected = vec![0.0; groups];
    let mut variance = DMatrix::<f64>::zeros(groups, groups);
    for (j, _) in event_times.iter().enumerate() {
        let n: f64 = per_group.iter().map(|g| g[j].0).sum();
        let d: f64 = per_group.iter().map(|g| g[j].1).sum();
        let factor = if n > 1.0 {
            d * (n - d) / (n - 1.0)
        } else {
            0.0
        };
        for g in 0..groups {
            let (n_g, d_g) = per_group[g][j];
            observed[g] += d_g;
            expected[g] += d * n_g / n;
            for h in 0..groups {
                let delta = if g == h { 1.0 } else { 0.0 };
                variance[(g, h)] += factor * n_g / n * (delta - per_group[h][j].0 / n);
            }
        }
    }
    let k = groups - 1;
    let u = DVector::from_iterator(k, (0..k).map(|g| observed[g] - expected[g]));
    let v = variance.view((0, 0), (k, k)).into_owned();
    let inverse = v.clone().try_inverse().filter(|_| v.determinant() > 0.0).ok_or_else(|| {
        Error::Degenerate {
            what: "log-rank variance matrix".into(),
            reason: "it is singular: some group has no member at risk at any event time; drop that group or pool it with another".into(),
        }
    })?;
    let statistic = (u.transpose() * inverse * &u)[(0, 0)].max(0.0);
    let p_value = ChiSquared::new(k as f64)
        .map(|c| c.sf(statistic))
        .unwrap_or(f64::NAN);
    Ok(LogRankTest {
        statistic,
        df: k,
        p_value,
        observed,
        expected,
        members: tables.iter().map(RiskTable::members).collect(),
    })
}

/// Members at risk and events of one table at each of the sorted `times`.
fn counts_at(table: &RiskTable, times: &[f64]) -> Vec<(f64, f64)> {
    let rows: Vec<_> = table.rows().collect();
    let mut out = Vec::with_capacity(times.len());
    let mut j = 0;
    // Members at risk just after all rows before `j`.
    let mut after = table.initial();
    for &t in times {
        while j < rows.len() && rows[j].time < t {
            after = (after + rows[j].entered).saturating_sub(rows[j].events + rows[j].censored);
            j += 1;
        }
        match rows.get(j) {
            Some(r) if r.time == t => out.push((r.at_risk as f64, r.events as f64)),
            _ => out.push((after as f64, 0.0)),
        }
    }
    out
}

/// Tests equal retention across the groups labelled by `groups[i]`
/// (integer codes, e.g. from a factorised column), one per member.
///
/// # Errors
/// As [`RiskTable::from_durations`] and [`log_rank`], plus
/// [`Error::LengthMismatch`] for a `groups` of the wrong length.
pub fn log_rank_by_group(
    durations: &[f64],
    events: Option<&[bool]>,
    entry: Option<&[f64]>,
    groups: &[usize],
) -> Result<LogRankTest> {
    check_same_len("durations", durations.len(), "groups", groups.len())?;
    let tables = tables_by_group(durations, events, entry, groups)?;
    log_rank(&tables)
}

/// Splits individual records by group code and builds one table per code
/// `0..=max(groups)`.
///
/// # Errors
/// As [`RiskTable::from_durations`] for each group; a code without members
/// is [`Error::Empty`].
pub fn tables_by_group(
    durations: &[f64],
    events: Option<&[bool]>,
    entry: Option<&[f64]>,
    groups: &[usize],
) -> Result<Vec<RiskTable>> {
    check_same_len("durations", durations.len(), "groups", groups.len())?;
    if let Some(e) = events {
        check_same_len("durations", durations.len(), "events", e.len())?;
    }
    if let Some(e) = entry {
        check_same_len("durations", durations.len(), "entry", e.len())?;
    }
    let count = groups.iter().copied().max().map_or(0, |m| m + 1);
    let mut index: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &g) in groups.iter().enumerate() {
        index[g].push(i);
    }
    index
        .iter()
        .enumerate()
        .map(|(g, rows)| {
            if rows.is_empty() {
                return Err(Error::Empty {
                    what: format!("group {g}"),
                    needed: "number the groups 0..G-1 without gaps".into(),
                });
            }
            let d: Vec<f64> = rows.iter().map(|&i| durations[i]).collect();
            let e: Option<Vec<bool>> = events.map(|e| rows.iter().map(|&i| e[i]).collect());
            let x: Option<Vec<f64>> = entry.map(|x| rows.iter().map(|&i| x[i]).collect());
            RiskTable::from_durations(&d, e.as_deref(), x.as_deref())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_groups_give_zero_statistic() {
        let d = [1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0];
        let g = [0, 0, 0, 0, 1, 1, 1, 1];
        let test = log_rank_by_group(&d, None, None, &g).unwrap();
        assert!(test.statistic.abs() < 1e-12);
        assert!((test.p_value - 1.0).abs() < 1e-12);
        assert_eq!(test.df, 1);
    }

    #[test]
    fn rejects_single_group_and_no_events() {
        assert!(log_rank_by_group(&[1.0, 2.0], None, None, &[0, 0]).is_err());
        let none = log_rank_by_group(&[1.0, 2.0], Some(&[false, false]), None, &[0, 1]);
        assert!(matches!(none, Err(Error::Degenerate { .. })));
    }
}
