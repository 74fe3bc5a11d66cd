//! Python functions of the core's `separation` module: quadrants, response
//! curve, construct validity and PLS path models. The pure-Python layer
//! (`loyalty/separation.py`) builds the arrays and wraps the dicts returned
//! here in result classes with DataFrame views and plots.

use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use loyalty::separation::{
    self, ConstructSpec, HtmtCorrelations, InnerScheme, ItemRows, MissingItems, Mode, Outcome,
    PathSpec, PlsOptions, QuadrantOptions, ResponseOptions, ValidityOptions,
};
use loyalty::survey::Missing;
use loyalty::{Error, Scale, Stakeholder};

use crate::convert::{f64_vec, to_py};
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(quadrants_scores, m)?)?;
    m.add_function(wrap_pyfunction!(quadrants_retained, m)?)?;
    m.add_function(wrap_pyfunction!(join_retention_ids, m)?)?;
    m.add_function(wrap_pyfunction!(response_curve_scores, m)?)?;
    m.add_function(wrap_pyfunction!(construct_validity_rows, m)?)?;
    m.add_function(wrap_pyfunction!(pls_path_model_rows, m)?)?;
    Ok(())
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

fn scale_of(scale: Option<(f64, f64, f64)>) -> loyalty::Result<Option<Scale>> {
    scale.map(|(a, b, s)| Scale::new(a, b, s)).transpose()
}

/// Quadrants with attitudinal loyalty; see `loyalty.loyalty_quadrants`.
#[pyfunction]
#[pyo3(signature = (satisfaction, loyalty, *, satisfied_min, loyal_min, satisfaction_scale, loyalty_scale, level, missing, group))]
#[allow(clippy::too_many_arguments)]
fn quadrants_scores(
    py: Python<'_>,
    satisfaction: PyReadonlyArray1<'_, f64>,
    loyalty: PyReadonlyArray1<'_, f64>,
    satisfied_min: f64,
    loyal_min: f64,
    satisfaction_scale: Option<(f64, f64, f64)>,
    loyalty_scale: Option<(f64, f64, f64)>,
    level: f64,
    missing: &str,
    group: &str,
) -> PyResult<Py<PyAny>> {
    let options = QuadrantOptions {
        satisfaction_scale: scale_of(satisfaction_scale).py()?,
        loyalty_scale: scale_of(loyalty_scale).py()?,
        level,
        missing: parse_missing(missing).py()?,
        group: Stakeholder::parse(group),
    };
    let s = f64_vec(&satisfaction);
    let l = f64_vec(&loyalty);
    let result = py
        .detach(|| separation::loyalty_quadrants(&s, &l, satisfied_min, loyal_min, &options))
        .py()?;
    to_py(py, &result)
}

/// Quadrants with behavioural loyalty (retained 1/0).
#[pyfunction]
#[pyo3(signature = (satisfaction, retained, *, satisfied_min, satisfaction_scale, level, missing, group))]
#[allow(clippy::too_many_arguments)]
fn quadrants_retained(
    py: Python<'_>,
    satisfaction: PyReadonlyArray1<'_, f64>,
    retained: PyReadonlyArray1<'_, u8>,
    satisfied_min: f64,
    satisfaction_scale: Option<(f64, f64, f64)>,
    level: f64,
    missing: &str,
    group: &str,
) -> PyResult<Py<PyAny>> {
    let options = QuadrantOptions {
        satisfaction_scale: scale_of(satisfaction_scale).py()?,
        loyalty_scale: None,
        level,
        missing: parse_missing(missing).py()?,
        group: Stakeholder::parse(group),
    };
    let s = f64_vec(&satisfaction);
    let r: Vec<bool> = retained.as_array().iter().map(|&v| v != 0).collect();
    let result = py
        .detach(|| separation::behavioural_quadrants(&s, &r, satisfied_min, &options))
        .py()?;
    to_py(py, &result)
}

/// Joins survey responses to retention records by member id (ids as strings).
#[pyfunction]
#[pyo3(signature = (survey_ids, satisfaction, member_ids, retained))]
fn join_retention_ids(
    py: Python<'_>,
    survey_ids: Vec<String>,
    satisfaction: PyReadonlyArray1<'_, f64>,
    member_ids: Vec<String>,
    retained: PyReadonlyArray1<'_, u8>,
) -> PyResult<Py<PyAny>> {
    let s = f64_vec(&satisfaction);
    let r: Vec<bool> = retained.as_array().iter().map(|&v| v != 0).collect();
    let joined = py
        .detach(|| separation::join_retention(&survey_ids, &s, &member_ids, &r))
        .py()?;
    to_py(py, &joined)
}

/// Response curve; see `loyalty.response_curve`.
#[pyfunction]
#[pyo3(signature = (satisfaction, loyalty, *, outcome, satisfaction_scale, increasing, bootstrap, seed, level, missing, group))]
#[allow(clippy::too_many_arguments)]
fn response_curve_scores(
    py: Python<'_>,
    satisfaction: PyReadonlyArray1<'_, f64>,
    loyalty: PyReadonlyArray1<'_, f64>,
    outcome: &str,
    satisfaction_scale: Option<(f64, f64, f64)>,
    increasing: bool,
    bootstrap: usize,
    seed: u64,
    level: f64,
    missing: &str,
    group: &str,
) -> PyResult<Py<PyAny>> {
    let outcome = match outcome {
        "score" => Outcome::Score,
        "retention" => Outcome::Retention,
        other => {
            return Err(crate::errors::to_py_err(Error::invalid_parameter(
                "outcome",
                format!("{other:?}"),
                "\"score\" (mean loyalty) or \"retention\" (1/0 retained)",
            )))
        }
    };
    let options = ResponseOptions {
        outcome,
        satisfaction_scale: scale_of(satisfaction_scale).py()?,
        increasing,
        bootstrap,
        seed,
        level,
        missing: parse_missing(missing).py()?,
        group: Stakeholder::parse(group),
    };
    let s = f64_vec(&satisfaction);
    let l = f64_vec(&loyalty);
    let result = py
        .detach(|| separation::response_curve(&s, &l, &options))
        .py()?;
    to_py(py, &result)
}

/// Builds construct specifications from (name, items, mode) triples.
fn constructs_of(
    constructs: Vec<(String, Vec<String>, String)>,
) -> loyalty::Result<Vec<ConstructSpec>> {
    constructs
        .into_iter()
        .map(|(name, items, mode)| {
            Ok(ConstructSpec {
                name,
                items,
                mode: Mode::parse(&mode)?,
            })
        })
        .collect()
}

fn paths_of(paths: Vec<(String, String)>) -> Vec<PathSpec> {
    paths
        .into_iter()
        .map(|(s, t)| PathSpec::new(s, t))
        .collect()
}

/// Borrows a 2-D float64 array (rows = respondents) as a row-major slice.
fn with_rows<R: Send>(
    py: Python<'_>,
    values: &PyReadonlyArray2<'_, f64>,
    names: Vec<String>,
    missing: MissingItems,
    f: impl FnOnce(&ItemRows<'_>) -> loyalty::Result<R> + Send,
) -> PyResult<R> {
    let shape = values.as_array().shape().to_vec();
    if shape[1] != names.len() {
        return Err(PyValueError::new_err(format!(
            "the data has {} columns but {} names were given",
            shape[1],
            names.len()
        )));
    }
    match values.as_slice() {
        Ok(slice) => py
            .detach(|| ItemRows::from_row_major(names, slice, missing).and_then(|rows| f(&rows)))
            .py(),
        Err(_) => {
            let owned: Vec<f64> = values.as_array().iter().copied().collect();
            py.detach(|| ItemRows::from_row_major(names, &owned, missing).and_then(|rows| f(&rows)))
                .py()
        }
    }
}

/// Construct validity; see `loyalty.construct_validity`.
#[pyfunction]
#[pyo3(signature = (values, names, constructs, paths, *, correlations, bootstrap, seed, level, htmt_threshold, scheme, max_iter, tolerance, missing, group))]
#[allow(clippy::too_many_arguments)]
fn construct_validity_rows(
    py: Python<'_>,
    values: PyReadonlyArray2<'_, f64>,
    names: Vec<String>,
    constructs: Vec<(String, Vec<String>, String)>,
    paths: Vec<(String, String)>,
    correlations: &str,
    bootstrap: usize,
    seed: u64,
    level: f64,
    htmt_threshold: f64,
    scheme: Option<&str>,
    max_iter: usize,
    tolerance: f64,
    missing: &str,
    group: &str,
) -> PyResult<Py<PyAny>> {
    let constructs = constructs_of(constructs).py()?;
    let paths = paths_of(paths);
    let options = ValidityOptions {
        correlations: HtmtCorrelations::parse(correlations).py()?,
        bootstrap,
        seed,
        level,
        htmt_threshold,
        scheme: scheme.map(InnerScheme::parse).transpose().py()?,
        max_iter,
        tolerance,
        group: Stakeholder::parse(group),
    };
    let missing = MissingItems::parse(missing).py()?;
    let result = with_rows(py, &values, names, missing, |rows| {
        separation::construct_validity(rows, &constructs, &paths, &options)
    })?;
    to_py(py, &result)
}

/// PLS path model; see `loyalty.pls_path_model`.
#[pyfunction]
#[pyo3(signature = (values, names, constructs, paths, *, scheme, consistent, standardize, max_iter, tolerance, bootstrap, seed, level, reliability_min, index_scale, missing, group))]
#[allow(clippy::too_many_arguments)]
fn pls_path_model_rows(
    py: Python<'_>,
    values: PyReadonlyArray2<'_, f64>,
    names: Vec<String>,
    constructs: Vec<(String, Vec<String>, String)>,
    paths: Vec<(String, String)>,
    scheme: &str,
    consistent: bool,
    standardize: bool,
    max_iter: usize,
    tolerance: f64,
    bootstrap: usize,
    seed: u64,
    level: f64,
    reliability_min: f64,
    index_scale: Option<(f64, f64)>,
    missing: &str,
    group: &str,
) -> PyResult<Py<PyAny>> {
    let constructs = constructs_of(constructs).py()?;
    let paths = paths_of(paths);
    let options = PlsOptions {
        scheme: InnerScheme::parse(scheme).py()?,
        consistent,
        standardize,
        max_iter,
        tolerance,
        bootstrap,
        seed,
        level,
        reliability_min,
        index_scale,
        group: Stakeholder::parse(group),
    };
    let missing = MissingItems::parse(missing).py()?;
    let result = with_rows(py, &values, names, missing, |rows| {
        separation::pls_path_model(rows, &constructs, &paths, &options)
    })?;
    to_py(py, &result)
}
