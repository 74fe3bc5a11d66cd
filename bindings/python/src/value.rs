//! Python functions of the core's `value` and `sensitivity` modules.
//!
//! Most inputs are small (rates, margins, short vectors), so the pure-Python
//! layer sends them as one JSON object to [`value_call`], which dispatches by
//! function name and returns plain Python objects. Member-level arrays
//! (survey scores linked to behaviour) come as numpy arrays through
//! [`value_by_category_arrays`], and [`propagate_callable`] evaluates a
//! Python function at the points the delta method or the simulation needs.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use loyalty::models::sbg;
use loyalty::sensitivity::{self, uncertainty, NpsRetentionLink, ValueInputs};
use loyalty::value::{
    self, BrandSwitching, ClvConvention, NpsShift, PeriodLength, RetentionCurve, Timing,
};
use loyalty::{Error, Scale};

use crate::convert::{f64_vec, to_py};
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(value_call, m)?)?;
    m.add_function(wrap_pyfunction!(value_by_category_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(propagate_callable, m)?)?;
    Ok(())
}

/// Reads a required argument of the JSON request.
fn arg<T: DeserializeOwned>(args: &Value, name: &str) -> loyalty::Result<T> {
    let v = args
        .get(name)
        .ok_or_else(|| Error::invalid_parameter(name, "missing", "a value for this argument"))?;
    serde_json::from_value(v.clone())
        .map_err(|e| Error::invalid_parameter(name, v, format!("a value of the right type ({e})")))
}

/// Reads an optional argument (absent or null gives `default`).
fn arg_or<T: DeserializeOwned>(args: &Value, name: &str, default: T) -> loyalty::Result<T> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(_) => arg(args, name),
    }
}

fn json<T: Serialize>(v: T) -> loyalty::Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Degenerate {
        what: "result".into(),
        reason: format!("cannot be converted to Python: {e}"),
    })
}

fn convention(args: &Value) -> loyalty::Result<ClvConvention> {
    let timing: String = arg_or(args, "timing", "end".to_string())?;
    Ok(ClvConvention {
        timing: Timing::parse(&timing)?,
        horizon: arg_or(args, "horizon", None)?,
        margin_growth: arg_or(args, "margin_growth", 0.0)?,
    })
}

fn inputs(args: &Value, name: &str) -> loyalty::Result<ValueInputs> {
    arg(args, name)
}

/// Dispatches one function of the value and sensitivity modules.
fn dispatch(function: &str, a: &Value) -> loyalty::Result<Value> {
    match function {
        "clv" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            json(value::clv(
                arg(a, "margin")?,
                &curve,
                arg(a, "discount_rate")?,
                &convention(a)?,
            )?)
        }
        "value_curve" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            json(value::value_curve(
                arg(a, "margin")?,
                &curve,
                arg(a, "discount_rate")?,
                &convention(a)?,
                arg(a, "periods")?,
            )?)
        }
        "retention_elasticity" => {
            let timing: String = arg_or(a, "timing", "end".to_string())?;
            json(sensitivity::retention_elasticity(
                arg(a, "retention")?,
                arg(a, "discount_rate")?,
                Timing::parse(&timing)?,
            )?)
        }
        "elasticities" => json(sensitivity::elasticities(&inputs(a, "inputs")?)?),
        "plus_points" => json(sensitivity::plus_points(
            &inputs(a, "inputs")?,
            arg(a, "points")?,
        )?),
        "net_value" => json(inputs(a, "inputs")?.value()?),
        "profit_buildup" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            let profits: Vec<f64> = arg(a, "profit_by_year")?;
            json(value::profit_buildup(
                arg(a, "acquisition_cost")?,
                &profits,
                &curve,
                arg(a, "discount_rate")?,
            )?)
        }
        "profit_buildup_components" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            let components: Vec<value::BuildupComponent> = arg(a, "components")?;
            json(value::profit_buildup_components(
                arg(a, "acquisition_cost")?,
                &components,
                &curve,
                arg(a, "discount_rate")?,
            )?)
        }
        "sbg_del" => json(sbg::del(
            arg(a, "alpha")?,
            arg(a, "beta")?,
            arg(a, "discount_rate")?,
        )?),
        "sbg_derl" => json(sbg::derl(
            arg(a, "alpha")?,
            arg(a, "beta")?,
            arg(a, "discount_rate")?,
            arg(a, "renewals")?,
        )?),
        "customer_equity" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            let cohorts: Vec<value::Cohort> = arg(a, "cohorts")?;
            json(value::customer_equity(
                &cohorts,
                arg(a, "margin")?,
                &curve,
                arg(a, "discount_rate")?,
                &convention(a)?,
            )?)
        }
        "aggregate_retention_error" => {
            let base: Vec<f64> = arg(a, "members_by_renewals")?;
            json(value::aggregate_retention_error(
                arg(a, "alpha")?,
                arg(a, "beta")?,
                arg(a, "discount_rate")?,
                arg(a, "margin")?,
                &base,
                arg_or(a, "aggregate_retention", None)?,
            )?)
        }
        "turnover_cost" => json(value::turnover_cost(
            arg(a, "headcount")?,
            arg(a, "turnover_rate")?,
            arg(a, "salary")?,
            arg(a, "cost_share")?,
        )?),
        "turnover_cost_itemised" => {
            let items: value::ItemisedTurnoverCost = arg(a, "items")?;
            json(value::turnover_cost_itemised(
                arg(a, "headcount")?,
                arg(a, "turnover_rate")?,
                &items,
            )?)
        }
        "turnover_savings" => json(value::turnover_savings(
            arg(a, "headcount")?,
            arg(a, "current_rate")?,
            arg(a, "target_rate")?,
            arg(a, "cost_per_separation")?,
        )?),
        "employee_value" => {
            let curve: RetentionCurve = arg(a, "retention")?;
            let net: Vec<f64> = arg(a, "net_value_by_tenure")?;
            json(value::employee_value(
                arg(a, "hiring_cost")?,
                &net,
                &curve,
                arg(a, "discount_rate")?,
            )?)
        }
        "investor_turnover" => json(value::investor_turnover(
            arg(a, "shares_traded")?,
            arg(a, "shares_outstanding")?,
            arg_or(a, "holders", None)?,
        )?),
        "supplier_relationship_value" => {
            let curve: RetentionCurve = arg(a, "continuation")?;
            json(value::supplier_relationship_value(
                arg(a, "benefit_per_period")?,
                &curve,
                arg(a, "discount_rate")?,
                &convention(a)?,
                arg(a, "switching_cost")?,
            )?)
        }
        "markov_value" => {
            let p: Vec<Vec<f64>> = arg(a, "transition")?;
            let r: Vec<f64> = arg(a, "reward")?;
            match arg_or::<Option<usize>>(a, "periods", None)? {
                None => json(value::markov_value(&p, &r, arg(a, "discount_rate")?)?),
                Some(n) => json(value::markov_value_finite(
                    &p,
                    &r,
                    arg(a, "discount_rate")?,
                    n,
                )?),
            }
        }
        "brand_switching" => {
            let chain = match arg_or::<Option<Vec<Vec<f64>>>>(a, "counts", None)? {
                Some(counts) => {
                    BrandSwitching::from_counts(&counts, arg_or(a, "initial_shares", None)?)?
                }
                None => BrandSwitching::new(arg(a, "transition")?, arg(a, "initial_shares")?)?,
            };
            let periods: usize = arg_or(a, "periods", 0)?;
            let op: String = arg(a, "op")?;
            match op.as_str() {
                "chain" => json(&chain),
                "shares" => json(chain.shares(periods)),
                "steady_state" => json(chain.steady_state()?),
                "flows" => json(chain.flows(periods)),
                "net_flows" => json(chain.net_flows(periods)),
                other => Err(Error::invalid_parameter(
                    "op",
                    other,
                    "chain, shares, steady_state, flows or net_flows",
                )),
            }
        }
        "clv_berger_nasr" => json(value::clv_berger_nasr(
            arg(a, "gross_contribution")?,
            arg(a, "promotion_cost")?,
            arg(a, "retention")?,
            arg(a, "discount_rate")?,
            arg(a, "years")?,
        )?),
        "period_length" => {
            let period: String = arg(a, "period")?;
            let unit: String = arg(a, "time_unit")?;
            json(
                PeriodLength {
                    period: value::TimeUnit::parse(&period)?,
                    model_unit: value::TimeUnit::parse(&unit)?,
                }
                .in_model_units()?,
            )
        }
        "clv_from_cumulative_purchases" => {
            let cumulative: Vec<f64> = arg(a, "cumulative")?;
            json(value::clv_from_cumulative_purchases(
                &cumulative,
                arg(a, "margin")?,
                arg(a, "discount_rate")?,
            )?)
        }
        "word_of_mouth_value" => {
            let w: value::WordOfMouth = arg(a, "inputs")?;
            json(value::word_of_mouth_value(&w)?)
        }
        "earned_growth" => json(value::earned_growth(
            arg(a, "last_year_revenue")?,
            arg(a, "same_customers_this_year")?,
            arg(a, "referred_new_customers_revenue")?,
            arg(a, "bought_new_customers_revenue")?,
        )?),
        "tornado" => {
            let ranges: Vec<sensitivity::ParameterRange> = arg(a, "ranges")?;
            json(sensitivity::tornado(&inputs(a, "inputs")?, &ranges)?)
        }
        "scenario_grid" => {
            let rows: Vec<f64> = arg(a, "row_values")?;
            let cols: Vec<f64> = arg(a, "column_values")?;
            json(sensitivity::scenario_grid(
                &inputs(a, "inputs")?,
                arg(a, "row_parameter")?,
                &rows,
                arg(a, "column_parameter")?,
                &cols,
            )?)
        }
        "retention_for_value" => json(sensitivity::retention_for_value(
            &inputs(a, "inputs")?,
            arg(a, "target")?,
        )?),
        "break_even_retention" => json(sensitivity::break_even_retention(&inputs(a, "inputs")?)?),
        "break_even_margin" => json(sensitivity::break_even_margin(&inputs(a, "inputs")?)?),
        "nps_link" => {
            let nps: Vec<f64> = arg(a, "nps")?;
            let retention: Vec<f64> = arg(a, "retention")?;
            let link = NpsRetentionLink::fit(&nps, &retention)?;
            let level: f64 = arg_or(a, "level", 0.95)?;
            let mut out = json(&link)?;
            if let Some(r) = arg_or::<Option<f64>>(a, "target_retention", None)? {
                out["nps_needed"] = json(link.nps_for_retention(r, level)?)?;
            }
            if let Some(v) = arg_or::<Option<f64>>(a, "target_value", None)? {
                out["nps_needed"] = json(link.nps_for_value(&inputs(a, "inputs")?, v, level)?)?;
            }
            Ok(out)
        }
        "retention_program" => {
            let p: sensitivity::RetentionProgram = arg(a, "program")?;
            json(sensitivity::retention_program(&p)?)
        }
        "win_back" => {
            let w: sensitivity::WinBack = arg(a, "campaign")?;
            json(sensitivity::win_back(&w)?)
        }
        "acquisition_incentive" => {
            let i: sensitivity::Incentive = arg(a, "incentive")?;
            json(sensitivity::acquisition_incentive(&i)?)
        }
        "sensitivity_estimates" => {
            let unc: uncertainty::InputUncertainty = arg(a, "uncertainty")?;
            let method: String = arg_or(a, "method", "delta".to_string())?;
            let method = uncertainty::Propagation::parse(
                &method,
                arg_or(a, "draws", 10_000)?,
                arg_or(a, "seed", 0)?,
            )?;
            json(sensitivity::sensitivity_estimates(
                &inputs(a, "inputs")?,
                &unc,
                arg_or(a, "points", 5.0)?,
                method,
                arg_or(a, "level", 0.95)?,
            )?)
        }
        other => Err(Error::invalid_parameter(
            "function",
            other,
            "a function of loyalty.value",
        )),
    }
}

/// Runs one value or sensitivity function on JSON arguments, without the GIL.
#[pyfunction]
fn value_call(py: Python<'_>, function: &str, args_json: &str) -> PyResult<Py<PyAny>> {
    let result = py
        .detach(|| {
            let args: Value = serde_json::from_str(args_json).map_err(|e| {
                Error::invalid_parameter("arguments", "JSON", format!("valid JSON ({e})"))
            })?;
            dispatch(function, &args)
        })
        .py()?;
    to_py(py, &result)
}

/// Value by NPS category from member-level numpy arrays; see
/// `loyalty.value_by_category`.
#[pyfunction]
#[pyo3(signature = (scores, retained, spend, tenure, *, scale, margin_share, discount_rate, timing, horizon, margin_growth, level, base_members, shift))]
#[allow(clippy::too_many_arguments)]
fn value_by_category_arrays(
    py: Python<'_>,
    scores: PyReadonlyArray1<'_, f64>,
    retained: PyReadonlyArray1<'_, f64>,
    spend: PyReadonlyArray1<'_, f64>,
    tenure: Option<PyReadonlyArray1<'_, f64>>,
    scale: (f64, f64, f64),
    margin_share: f64,
    discount_rate: f64,
    timing: &str,
    horizon: Option<usize>,
    margin_growth: f64,
    level: f64,
    base_members: Option<f64>,
    shift: &str,
) -> PyResult<Py<PyAny>> {
    let scale = Scale::new(scale.0, scale.1, scale.2).py()?;
    let convention = ClvConvention {
        timing: Timing::parse(timing).py()?,
        horizon,
        margin_growth,
    };
    let shift = NpsShift::parse(shift).py()?;
    let (scores, retained, spend) = (f64_vec(&scores), f64_vec(&retained), f64_vec(&spend));
    let tenure = tenure.map(|t| f64_vec(&t));
    let result = py
        .detach(|| {
            let v = value::value_by_category(
                &scores,
                &scale,
                &retained,
                &spend,
                tenure.as_deref(),
                margin_share,
                discount_rate,
                &convention,
                level,
            )?;
            let members = base_members.unwrap_or(v.members);
            let point = v.value_of_nps_point(shift, members).ok();
            let mut out = json(&v)?;
            out["nps_point"] = json(point)?;
            Ok(out)
        })
        .py()?;
    to_py(py, &result)
}

/// Propagates input uncertainty to a Python function of the inputs; see
/// `loyalty.propagate`. The function is called with the GIL held.
#[pyfunction]
#[pyo3(signature = (func, values, covariance, *, method, draws, seed, level))]
#[allow(clippy::too_many_arguments)]
fn propagate_callable(
    py: Python<'_>,
    func: Bound<'_, PyAny>,
    values: Vec<f64>,
    covariance: Vec<Vec<f64>>,
    method: &str,
    draws: usize,
    seed: u64,
    level: f64,
) -> PyResult<Py<PyAny>> {
    let method = uncertainty::Propagation::parse(method, draws, seed).py()?;
    // A Python exception that is not a domain error (a bug in `func`) must
    // reach the caller, so the first one is kept and re-raised.
    let raised: std::cell::RefCell<Option<PyErr>> = std::cell::RefCell::new(None);
    let f = |x: &[f64]| -> loyalty::Result<f64> {
        match func.call1((x.to_vec(),)).and_then(|v| v.extract::<f64>()) {
            Ok(v) => Ok(v),
            Err(e) => {
                let domain = e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                    || e.is_instance_of::<pyo3::exceptions::PyArithmeticError>(py);
                let message = e.to_string();
                if !domain && raised.borrow().is_none() {
                    *raised.borrow_mut() = Some(e);
                }
                Err(Error::invalid_parameter(
                    "inputs",
                    format!("{x:?}"),
                    format!("inputs the function accepts ({message})"),
                ))
            }
        }
    };
    let result = uncertainty::propagate(f, &values, &covariance, method, level);
    if let Some(e) = raised.into_inner() {
        return Err(e);
    }
    to_py(py, &result.py()?)
}
