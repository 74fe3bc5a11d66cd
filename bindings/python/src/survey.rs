//! Python functions of the core's `survey` module.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use loyalty::survey::{
    self, CompareMethod, Missing, NpsCounts, NpsMethod, ScoreTally, ShareMethod, WeightedSe,
};
use loyalty::{Error, Scale};

use crate::convert::{f64_vec, to_py, Numbers};
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(nps_scores, m)?)?;
    m.add_function(wrap_pyfunction!(nps_counts, m)?)?;
    m.add_function(wrap_pyfunction!(compare_nps_counts, m)?)?;
    m.add_function(wrap_pyfunction!(tally_scores, m)?)?;
    m.add_function(wrap_pyfunction!(top_box_scores, m)?)?;
    m.add_function(wrap_pyfunction!(mean_score_scores, m)?)?;
    m.add_function(wrap_pyfunction!(category_shares_scores, m)?)?;
    Ok(())
}

/// Builds the scale from (min, max, step) and the optional cut points.
fn build_scale(
    scale: (f64, f64, f64),
    promoter_min: Option<f64>,
    detractor_max: Option<f64>,
    top_box_min: Option<f64>,
) -> loyalty::Result<Scale> {
    let mut s = Scale::new(scale.0, scale.1, scale.2)?;
    if promoter_min.is_some() || detractor_max.is_some() {
        s = s.with_nps_cuts(
            promoter_min.unwrap_or(s.promoter_min),
            detractor_max.unwrap_or(s.detractor_max),
        )?;
    }
    if let Some(t) = top_box_min {
        s = s.with_top_box(t)?;
    }
    Ok(s)
}

fn parse_missing(missing: &str) -> loyalty::Result<Missing> {
    match missing {
        "reject" => Ok(Missing::Reject),
        "drop" => Ok(Missing::Drop),
        other => Err(Error::invalid_parameter(
            "missing",
            format!("{other:?}"),
            "\"reject\" or \"drop\"",
        )),
    }
}

fn parse_weighted_se(name: &str) -> loyalty::Result<WeightedSe> {
    match name {
        "kish" => Ok(WeightedSe::Kish),
        "taylor" => Ok(WeightedSe::Taylor),
        other => Err(Error::invalid_parameter(
            "weighted_se",
            format!("{other:?}"),
            "\"kish\" or \"taylor\"",
        )),
    }
}

/// Tallies scores (with optional weights) under the given scale.
fn tally(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    scale: Scale,
    missing: Missing,
) -> PyResult<ScoreTally> {
    let numbers = Numbers::extract(scores)?;
    match weights {
        None => numbers.with_f64(py, |it| ScoreTally::from_iter_scores(scale, it, missing)),
        Some(w) => {
            let w = f64_vec(&w);
            let s = numbers.with_f64(py, |it| Ok(it.collect::<Vec<f64>>()))?;
            py.detach(|| ScoreTally::from_weighted(scale, &s, &w, missing))
                .py()
        }
    }
}

/// NPS of raw scores in points; see `loyalty.nps`.
#[pyfunction]
#[pyo3(signature = (scores, *, scale, weights, method, level, promoter_min, detractor_max, missing, weighted_se, seed))]
#[allow(clippy::too_many_arguments)]
fn nps_scores(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: (f64, f64, f64),
    weights: Option<PyReadonlyArray1<'_, f64>>,
    method: &str,
    level: f64,
    promoter_min: Option<f64>,
    detractor_max: Option<f64>,
    missing: &str,
    weighted_se: &str,
    seed: u64,
) -> PyResult<Py<PyAny>> {
    let scale = build_scale(scale, promoter_min, detractor_max, None).py()?;
    let method = NpsMethod::parse(method, seed).py()?;
    let missing = parse_missing(missing).py()?;
    let weighted_se = parse_weighted_se(weighted_se).py()?;
    let numbers = Numbers::extract(scores)?;
    // Byte scores without weights take the counting fast path.
    if let (Numbers::U8(array), None, Missing::Reject) = (&numbers, &weights, missing) {
        if let Ok(slice) = array.as_slice() {
            let est = py
                .detach(|| {
                    let counts = NpsCounts::from_u8(slice, &scale)?;
                    survey::nps(&counts, method, level)
                })
                .py()?;
            return to_py(py, &est);
        }
    }
    let t = tally(py, scores, weights, scale, missing)?;
    let est = survey::nps_from_tally(&t, method, weighted_se, level).py()?;
    to_py(py, &est)
}

/// NPS from category counts in points; see `loyalty.nps_from_counts`.
#[pyfunction]
#[pyo3(signature = (detractors, passives, promoters, *, method, level, seed))]
fn nps_counts(
    py: Python<'_>,
    detractors: f64,
    passives: f64,
    promoters: f64,
    method: &str,
    level: f64,
    seed: u64,
) -> PyResult<Py<PyAny>> {
    let method = NpsMethod::parse(method, seed).py()?;
    let est = survey::nps_from_counts(detractors, passives, promoters, method, level).py()?;
    to_py(py, &est)
}

/// Two-sample NPS comparison from counts (d, pa, p) of each sample.
#[pyfunction]
#[pyo3(signature = (a, b, *, method, level))]
fn compare_nps_counts(
    py: Python<'_>,
    a: (u64, u64, u64),
    b: (u64, u64, u64),
    method: &str,
    level: f64,
) -> PyResult<Py<PyAny>> {
    let method = CompareMethod::parse(method).py()?;
    let a = NpsCounts::new(a.0, a.1, a.2);
    let b = NpsCounts::new(b.0, b.1, b.2);
    let cmp = survey::compare_nps(&a, &b, method, level).py()?;
    to_py(py, &cmp)
}

/// Counts (d, pa, p) of raw scores under the scale's NPS cuts, and the number dropped as missing.
#[pyfunction]
#[pyo3(signature = (scores, *, scale, promoter_min, detractor_max, missing))]
fn tally_scores(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: (f64, f64, f64),
    promoter_min: Option<f64>,
    detractor_max: Option<f64>,
    missing: &str,
) -> PyResult<(u64, u64, u64, u64)> {
    let scale = build_scale(scale, promoter_min, detractor_max, None).py()?;
    scale.check_nps_cuts().py()?;
    let missing = parse_missing(missing).py()?;
    let t = tally(py, scores, None, scale, missing)?;
    let c = t.nps_counts();
    Ok((c.detractors, c.passives, c.promoters, t.missing()))
}

/// Top-box share of raw scores; see `loyalty.top_box`.
#[pyfunction]
#[pyo3(signature = (scores, *, scale, top_box_min, weights, method, level, missing))]
#[allow(clippy::too_many_arguments)]
fn top_box_scores(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: (f64, f64, f64),
    top_box_min: f64,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    method: &str,
    level: f64,
    missing: &str,
) -> PyResult<Py<PyAny>> {
    let scale = build_scale(scale, None, None, Some(top_box_min)).py()?;
    let method = ShareMethod::parse(method).py()?;
    let t = tally(py, scores, weights, scale, parse_missing(missing).py()?)?;
    let est = survey::top_box(&t, method, level).py()?;
    to_py(py, &est)
}

/// Mean score with a t interval; see `loyalty.mean_score`.
#[pyfunction]
#[pyo3(signature = (scores, *, scale, weights, level, missing))]
fn mean_score_scores(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: (f64, f64, f64),
    weights: Option<PyReadonlyArray1<'_, f64>>,
    level: f64,
    missing: &str,
) -> PyResult<Py<PyAny>> {
    let scale = build_scale(scale, None, None, None).py()?;
    let t = tally(py, scores, weights, scale, parse_missing(missing).py()?)?;
    let est = survey::mean_score(&t, level).py()?;
    to_py(py, &est)
}

/// Share of each scale point; see `loyalty.category_shares`.
#[pyfunction]
#[pyo3(signature = (scores, *, scale, weights, method, level, missing))]
fn category_shares_scores(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    scale: (f64, f64, f64),
    weights: Option<PyReadonlyArray1<'_, f64>>,
    method: &str,
    level: f64,
    missing: &str,
) -> PyResult<Py<PyAny>> {
    let scale = build_scale(scale, None, None, None).py()?;
    let method = ShareMethod::parse(method).py()?;
    let t = tally(py, scores, weights, scale, parse_missing(missing).py()?)?;
    let shares = survey::category_shares(&t, method, level).py()?;
    to_py(py, &shares)
}
