//! Python functions of the core's `models` module.
//!
//! A model crosses the boundary as its kind ("bgnbd", "mbgnbd",
//! "pareto_nbd", "bgbb", "gamma_gamma", "sbg") and its parameter vector in
//! the order of the core struct; the pure-Python classes of
//! `loyalty.models` hold both and pickle as plain objects.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use loyalty::models::clv::{self, ClvOptions, Discounting, TransactionModel};
use loyalty::models::{
    BetaGeo, BetaGeoBetaBinom, FitOptions, FitReport, GammaGamma, ParetoNbd, ShiftedBetaGeometric,
    Summary, Variant,
};
use loyalty::{Error, Result};

use crate::convert::{f64_vec, to_py};
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(models_fit, m)?)?;
    m.add_function(wrap_pyfunction!(models_predict, m)?)?;
    m.add_function(wrap_pyfunction!(models_scalar, m)?)?;
    m.add_function(wrap_pyfunction!(models_clv, m)?)?;
    Ok(())
}

fn params_len(kind: &str) -> Result<usize> {
    match kind {
        "bgnbd" | "mbgnbd" | "pareto_nbd" | "bgbb" => Ok(4),
        "gamma_gamma" => Ok(3),
        "sbg" => Ok(2),
        other => Err(Error::invalid_parameter(
            "kind",
            format!("{other:?}"),
            "one of bgnbd, mbgnbd, pareto_nbd, bgbb, gamma_gamma, sbg",
        )),
    }
}

fn beta_geo(kind: &str, p: &[f64]) -> Result<BetaGeo> {
    let variant = if kind == "mbgnbd" {
        Variant::MbgNbd
    } else {
        Variant::BgNbd
    };
    BetaGeo::new(p[0], p[1], p[2], p[3], variant)
}

fn check_params(kind: &str, p: &[f64]) -> Result<()> {
    let n = params_len(kind)?;
    if p.len() != n {
        return Err(Error::invalid_parameter(
            "params",
            format!("{p:?}"),
            format!("{n} parameters for {kind}"),
        ));
    }
    Ok(())
}

/// Fits a model; returns the fit report as a dict.
#[pyfunction]
#[pyo3(signature = (kind, a, b, c, weights, max_iterations, gradient_tolerance))]
#[allow(clippy::too_many_arguments)]
fn models_fit(
    py: Python<'_>,
    kind: &str,
    a: PyReadonlyArray1<'_, f64>,
    b: Option<PyReadonlyArray1<'_, f64>>,
    c: Option<PyReadonlyArray1<'_, f64>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    max_iterations: usize,
    gradient_tolerance: f64,
) -> PyResult<Py<PyAny>> {
    let options = FitOptions {
        max_iterations,
        gradient_tolerance,
    };
    let a = f64_vec(&a);
    let b = b.map(|v| f64_vec(&v)).unwrap_or_default();
    let c = c.map(|v| f64_vec(&v)).unwrap_or_default();
    let w = weights.map(|v| f64_vec(&v));
    let kind = kind.to_string();
    let report: FitReport = py
        .detach(move || -> Result<FitReport> {
            let w = w.as_deref();
            Ok(match kind.as_str() {
                "bgnbd" | "mbgnbd" => {
                    let variant = if kind == "mbgnbd" {
                        Variant::MbgNbd
                    } else {
                        Variant::BgNbd
                    };
                    let data = Summary::new(&a, &b, &c, w)?;
                    BetaGeo::fit(&data, variant, &options)?.report
                }
                "pareto_nbd" => ParetoNbd::fit(&Summary::new(&a, &b, &c, w)?, &options)?.report,
                "bgbb" => BetaGeoBetaBinom::fit(&a, &b, &c, w, &options)?.report,
                "gamma_gamma" => GammaGamma::fit(&a, &b, w, &options)?.report,
                "sbg_survivors" => ShiftedBetaGeometric::fit_survivors(&a, &options)?.report,
                "sbg_durations" => {
                    let churned: Vec<bool> = b.iter().map(|v| *v != 0.0).collect();
                    ShiftedBetaGeometric::fit_durations(&a, &churned, &options)?.report
                }
                other => {
                    return Err(Error::invalid_parameter(
                        "kind",
                        format!("{other:?}"),
                        "a model kind",
                    ))
                }
            })
        })
        .py()?;
    to_py(py, &report)
}

/// Per-customer predictions: `what` is probability_alive,
/// expected_purchases, log_likelihood, dert or expected_spend.
#[pyfunction]
#[pyo3(signature = (kind, params, what, t, a, b, c))]
#[allow(clippy::too_many_arguments)]
fn models_predict<'py>(
    py: Python<'py>,
    kind: &str,
    params: Vec<f64>,
    what: &str,
    t: f64,
    a: PyReadonlyArray1<'py, f64>,
    b: PyReadonlyArray1<'py, f64>,
    c: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    check_params(kind, &params).py()?;
    let a = a.as_slice()?;
    let b = b.as_slice()?;
    let c_owned = c.map(|v| f64_vec(&v)).unwrap_or_default();
    let c = c_owned.as_slice();
    let kind = kind.to_string();
    let what = what.to_string();
    let out: Vec<f64> = py
        .detach(|| -> Result<Vec<f64>> {
            let p = &params;
            let unknown = || {
                Error::invalid_parameter(
                    "prediction",
                    format!("{what:?}"),
                    format!("a prediction that model {kind} provides"),
                )
            };
            match kind.as_str() {
                "bgnbd" | "mbgnbd" => {
                    let m = beta_geo(&kind, p)?;
                    match what.as_str() {
                        "probability_alive" => m.probability_alive(a, b, c),
                        "expected_purchases" => m.expected_purchases(t, a, b, c),
                        "log_likelihood" => m.log_likelihood_individual(a, b, c),
                        _ => Err(unknown()),
                    }
                }
                "pareto_nbd" => {
                    let m = ParetoNbd::new(p[0], p[1], p[2], p[3])?;
                    match what.as_str() {
                        "probability_alive" => m.probability_alive(a, b, c),
                        "expected_purchases" => m.expected_purchases(t, a, b, c),
                        "log_likelihood" => m.log_likelihood_individual(a, b, c),
                        "dert" => m.dert(t, a, b, c),
                        _ => Err(unknown()),
                    }
                }
                "bgbb" => {
                    let m = BetaGeoBetaBinom::new(p[0], p[1], p[2], p[3])?;
                    match what.as_str() {
                        "probability_alive" => m.probability_alive(t, a, b, c),
                        "expected_purchases" => m.expected_purchases(t, a, b, c),
                        "log_likelihood" => m.log_likelihood_individual(a, b, c),
                        "dert" => m.dert(t, a, b, c),
                        _ => Err(unknown()),
                    }
                }
                "gamma_gamma" => {
                    let m = GammaGamma::new(p[0], p[1], p[2])?;
                    match what.as_str() {
                        "expected_spend" => m.expected_spend(a, b),
                        "log_likelihood" => {
                            loyalty::models::gamma_gamma::validate(a, b)?;
                            Ok((0..a.len())
                                .map(|i| {
                                    if a[i] > 0.0 {
                                        m.log_likelihood_one(a[i], b[i])
                                    } else {
                                        f64::NAN
                                    }
                                })
                                .collect())
                        }
                        _ => Err(unknown()),
                    }
                }
                _ => Err(unknown()),
            }
        })
        .py()?;
    Ok(out.into_pyarray(py))
}

/// Scalar and curve predictions: expected_purchases_new_customer(t),
/// probability_of_n_purchases(n, t), and for sBG survival_curve(n),
/// retention_rate(n), del(t = discount rate), derl(t, n).
#[pyfunction]
#[pyo3(signature = (kind, params, what, n, t))]
fn models_scalar(kind: &str, params: Vec<f64>, what: &str, n: u64, t: f64) -> PyResult<Vec<f64>> {
    check_params(kind, &params).py()?;
    let p = &params;
    let unknown = || {
        Error::invalid_parameter(
            "prediction",
            format!("{what:?}"),
            format!("a prediction that model {kind} provides"),
        )
    };
    let result: Result<Vec<f64>> = match (kind, what) {
        ("bgnbd" | "mbgnbd", "expected_purchases_new_customer") => beta_geo(kind, p)
            .and_then(|m| m.expected_purchases_new_customer(t))
            .map(|v| vec![v]),
        ("bgnbd" | "mbgnbd", "probability_of_n_purchases") => beta_geo(kind, p)
            .and_then(|m| m.probability_of_n_purchases(n, t))
            .map(|v| vec![v]),
        ("pareto_nbd", "expected_purchases_new_customer") => ParetoNbd::new(p[0], p[1], p[2], p[3])
            .and_then(|m| m.expected_purchases_new_customer(t))
            .map(|v| vec![v]),
        ("pareto_nbd", "probability_of_n_purchases") => ParetoNbd::new(p[0], p[1], p[2], p[3])
            .and_then(|m| m.probability_of_n_purchases(n, t))
            .map(|v| vec![v]),
        ("bgbb", "expected_purchases_new_customer") => {
            BetaGeoBetaBinom::new(p[0], p[1], p[2], p[3])
                .and_then(|m| m.expected_purchases_new_customer(t))
                .map(|v| vec![v])
        }
        ("bgbb", "probability_of_n_purchases") => BetaGeoBetaBinom::new(p[0], p[1], p[2], p[3])
            .and_then(|m| m.probability_of_n_purchases(n, t))
            .map(|v| vec![v]),
        ("sbg", "survival_curve") => {
            ShiftedBetaGeometric::new(p[0], p[1]).and_then(|m| m.survival_curve(n as usize))
        }
        ("sbg", "retention_rate") => ShiftedBetaGeometric::new(p[0], p[1])
            .and_then(|m| m.retention_rate(n as usize))
            .map(|v| vec![v]),
        ("sbg", "del") => ShiftedBetaGeometric::new(p[0], p[1])
            .and_then(|m| m.del(t))
            .map(|v| vec![v]),
        ("sbg", "derl") => ShiftedBetaGeometric::new(p[0], p[1])
            .and_then(|m| m.derl(t, n as usize))
            .map(|v| vec![v]),
        _ => Err(unknown()),
    };
    result.py()
}

/// Customer lifetime value of each customer; see
/// `loyalty.customer_lifetime_value`.
#[pyfunction]
#[pyo3(signature = (kind, params, spend_params, x, t_x, age, monetary_value, horizon, period_length, discount_rate, margin, discounting))]
#[allow(clippy::too_many_arguments)]
fn models_clv<'py>(
    py: Python<'py>,
    kind: &str,
    params: Vec<f64>,
    spend_params: Vec<f64>,
    x: PyReadonlyArray1<'py, f64>,
    t_x: PyReadonlyArray1<'py, f64>,
    age: PyReadonlyArray1<'py, f64>,
    monetary_value: PyReadonlyArray1<'py, f64>,
    horizon: usize,
    period_length: f64,
    discount_rate: f64,
    margin: f64,
    discounting: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    check_params(kind, &params).py()?;
    check_params("gamma_gamma", &spend_params).py()?;
    let options = ClvOptions {
        horizon,
        period_length,
        discount_rate,
        margin,
        discounting: Discounting::parse(discounting).py()?,
    };
    let (x, t_x, age, m) = (
        x.as_slice()?,
        t_x.as_slice()?,
        age.as_slice()?,
        monetary_value.as_slice()?,
    );
    let p = &params;
    let out = py
        .detach(|| -> Result<Vec<f64>> {
            let spend = GammaGamma::new(spend_params[0], spend_params[1], spend_params[2])?;
            let model: Box<dyn TransactionModel> = match kind {
                "bgnbd" | "mbgnbd" => Box::new(beta_geo(kind, p)?),
                "pareto_nbd" => Box::new(ParetoNbd::new(p[0], p[1], p[2], p[3])?),
                other => {
                    return Err(Error::invalid_parameter(
                        "transaction_model",
                        other,
                        "a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD model",
                    ))
                }
            };
            clv::customer_lifetime_value(model.as_ref(), &spend, x, t_x, age, m, &options)
        })
        .py()?;
    Ok(out.into_pyarray(py))
}
