//! Python functions of the core's `drivers` module: key-driver analysis
//! from columns or a matrix, penalty-reward contrasts, the
//! importance-performance matrix, the bootstrap difference test and the
//! Shapley value of a given R-squared table.

use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use loyalty::drivers::{
    self, Collinearity, IpaCuts, KeyDriverOptions, Missing, Model, PrcaCuts, SubsetR2,
};
use loyalty::{Error, Estimate};

use crate::convert::to_py;
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(key_drivers_columns, m)?)?;
    m.add_function(wrap_pyfunction!(key_drivers_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(penalty_reward_columns, m)?)?;
    m.add_function(wrap_pyfunction!(importance_difference, m)?)?;
    m.add_function(wrap_pyfunction!(importance_performance, m)?)?;
    m.add_function(wrap_pyfunction!(shapley_table, m)?)?;
    Ok(())
}

fn parse_model(name: &str) -> loyalty::Result<Model> {
    match name {
        "linear" => Ok(Model::Linear),
        "logistic" => Ok(Model::Logistic),
        other => Err(Error::invalid_parameter(
            "model",
            format!("{other:?}"),
            "\"linear\" or \"logistic\"",
        )),
    }
}

fn parse_missing(name: &str) -> loyalty::Result<Missing> {
    match name {
        "listwise" | "drop" => Ok(Missing::Listwise),
        "reject" => Ok(Missing::Reject),
        other => Err(Error::invalid_parameter(
            "missing",
            format!("{other:?}"),
            "\"listwise\" or \"reject\"",
        )),
    }
}

fn parse_collinearity(name: &str) -> loyalty::Result<Collinearity> {
    match name {
        "equal_split" => Ok(Collinearity::EqualSplit),
        "error" => Ok(Collinearity::Error),
        other => Err(Error::invalid_parameter(
            "collinearity",
            format!("{other:?}"),
            "\"equal_split\" or \"error\"",
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn options(
    model: &str,
    missing: &str,
    collinearity: &str,
    bootstrap: usize,
    seed: u64,
    level: f64,
    exact_limit: usize,
    permutations: usize,
) -> loyalty::Result<KeyDriverOptions> {
    Ok(KeyDriverOptions {
        model: parse_model(model)?,
        missing: parse_missing(missing)?,
        collinearity: parse_collinearity(collinearity)?,
        bootstrap,
        seed,
        level,
        exact_limit,
        permutations,
    })
}

/// Borrows float64 columns as slices (the Python layer makes them contiguous).
fn slices<'a>(columns: &'a [PyReadonlyArray1<'_, f64>]) -> PyResult<Vec<&'a [f64]>> {
    columns
        .iter()
        .map(|c| {
            c.as_slice()
                .map_err(|e| pyo3::exceptions::PyTypeError::new_err(e.to_string()))
        })
        .collect()
}

/// Key-driver analysis of `columns[1..]` on `columns[0]`; see `loyalty.key_drivers`.
#[pyfunction]
#[pyo3(signature = (names, columns, *, weights, model, missing, collinearity, bootstrap, seed, level, exact_limit, permutations))]
#[allow(clippy::too_many_arguments)]
fn key_drivers_columns(
    py: Python<'_>,
    names: Vec<String>,
    columns: Vec<PyReadonlyArray1<'_, f64>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    model: &str,
    missing: &str,
    collinearity: &str,
    bootstrap: usize,
    seed: u64,
    level: f64,
    exact_limit: usize,
    permutations: usize,
) -> PyResult<Py<PyAny>> {
    let opts = options(
        model,
        missing,
        collinearity,
        bootstrap,
        seed,
        level,
        exact_limit,
        permutations,
    )
    .py()?;
    let cols = slices(&columns)?;
    let w = match &weights {
        Some(w) => Some(
            w.as_slice()
                .map_err(|e| pyo3::exceptions::PyTypeError::new_err(e.to_string()))?,
        ),
        None => None,
    };
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let result = py
        .detach(|| drivers::key_drivers(&name_refs, &cols, w, &opts))
        .py()?;
    to_py(py, &result)
}

/// Key-driver analysis of a correlation or covariance matrix (outcome
/// first); see `loyalty.key_drivers_from_matrix`.
#[pyfunction]
#[pyo3(signature = (matrix, n, names, *, collinearity, bootstrap, seed, level, exact_limit, permutations))]
#[allow(clippy::too_many_arguments)]
fn key_drivers_matrix(
    py: Python<'_>,
    matrix: PyReadonlyArray2<'_, f64>,
    n: f64,
    names: Vec<String>,
    collinearity: &str,
    bootstrap: usize,
    seed: u64,
    level: f64,
    exact_limit: usize,
    permutations: usize,
) -> PyResult<Py<PyAny>> {
    let opts = options(
        "linear",
        "listwise",
        collinearity,
        bootstrap,
        seed,
        level,
        exact_limit,
        permutations,
    )
    .py()?;
    let shape = matrix.as_array().shape().to_vec();
    if shape[0] != shape[1] || shape[0] != names.len() {
        return Err(Error::invalid_parameter(
            "matrix",
            format!("shape {}x{} with {} names", shape[0], shape[1], names.len()),
            "a square matrix with one name per row (outcome first)",
        ))
        .py();
    }
    let flat: Vec<f64> = matrix.as_array().iter().copied().collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let result = py
        .detach(|| drivers::key_drivers_from_matrix(&flat, n, &name_refs, &opts))
        .py()?;
    to_py(py, &result)
}

/// Penalty-reward contrast analysis; see `loyalty.penalty_reward`.
#[pyfunction]
#[pyo3(signature = (names, columns, *, weights, low_max, high_min, level, missing))]
#[allow(clippy::too_many_arguments)]
fn penalty_reward_columns(
    py: Python<'_>,
    names: Vec<String>,
    columns: Vec<PyReadonlyArray1<'_, f64>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    low_max: Vec<f64>,
    high_min: Vec<f64>,
    level: f64,
    missing: &str,
) -> PyResult<Py<PyAny>> {
    let missing = parse_missing(missing).py()?;
    let cuts: Vec<PrcaCuts> = low_max
        .iter()
        .zip(&high_min)
        .map(|(&lo, &hi)| PrcaCuts::new(lo, hi))
        .collect::<loyalty::Result<_>>()
        .py()?;
    let cols = slices(&columns)?;
    let w = match &weights {
        Some(w) => Some(
            w.as_slice()
                .map_err(|e| pyo3::exceptions::PyTypeError::new_err(e.to_string()))?,
        ),
        None => None,
    };
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let result = py
        .detach(|| drivers::penalty_reward(&name_refs, &cols, w, &cuts, level, missing))
        .py()?;
    to_py(py, &result)
}

/// Bootstrap test of two drivers' importances from paired replicates.
#[pyfunction]
#[pyo3(signature = (a, b, *, level, n))]
fn importance_difference(
    py: Python<'_>,
    a: (String, f64, Vec<f64>),
    b: (String, f64, Vec<f64>),
    level: f64,
    n: f64,
) -> PyResult<Py<PyAny>> {
    let result = drivers::difference_test((&a.0, a.1, &a.2), (&b.0, b.1, &b.2), level, n).py()?;
    to_py(py, &result)
}

/// Importance-performance quadrants from importances and mean ratings.
#[pyfunction]
#[pyo3(signature = (drivers, importance, performance, *, importance_cut, performance_cut))]
fn importance_performance(
    py: Python<'_>,
    drivers: Vec<String>,
    importance: Vec<f64>,
    performance: Vec<f64>,
    importance_cut: Option<f64>,
    performance_cut: Option<f64>,
) -> PyResult<Py<PyAny>> {
    let perf: Vec<Estimate> = performance
        .iter()
        .map(|&v| Estimate {
            value: v,
            se: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            level: 0.95,
            method: "given".into(),
            n: f64::NAN,
            n_effective: f64::NAN,
            n_missing: 0.0,
        })
        .collect();
    let cuts = IpaCuts {
        importance: importance_cut,
        performance: performance_cut,
    };
    let result = drivers::importance_performance(&drivers, &importance, &perf, cuts).py()?;
    to_py(py, &result)
}

/// Shapley values of a table of `2^p` values indexed by bit mask.
#[pyfunction]
fn shapley_table(p: usize, values: Vec<f64>) -> PyResult<Vec<f64>> {
    let table = SubsetR2::from_values(p, values).py()?;
    Ok(drivers::shapley(&table))
}
