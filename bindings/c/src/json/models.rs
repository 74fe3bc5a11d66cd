//! JSON functions of the models area: fits and predictions of the
//! retention and spend models.
//!
//! - `bgnbd_fit` {frequency, recency, T, weights?, variant?: "bgnbd"|"mbgnbd"}
//! - `bgnbd_predict` {params: {r, alpha, a, b}, variant?, frequency, recency, T, t}
//! - `pareto_nbd_fit` {frequency, recency, T, weights?}
//! - `pareto_nbd_predict` {params: {r, alpha, s, beta}, frequency, recency, T, t}
//! - `gamma_gamma_fit` {frequency, monetary_value, weights?}
//! - `bgbb_fit` {frequency, recency, n_periods, weights?}
//! - `sbg_fit` {survivors} or {durations, churned}
//! - `sbg_predict` {params: {alpha, beta}, periods, discount_rate?}
//!
//! A fit returns `{"model": {...parameters}, "report": {...}}`, where the
//! report carries standard errors, the log-likelihood (a sum), iterations,
//! gradient norm, termination, convergence and any boundary advice.

use serde::Deserialize;
use serde_json::{json, Value};

use loyalty::models::{
    BetaGeo, BetaGeoBetaBinom, FitOptions, GammaGamma, ParetoNbd, ShiftedBetaGeometric, Summary,
    Variant,
};

use super::{arg, arg_or, peek, to_value, Failure};
use crate::core_err;

/// Handles the models functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "bgnbd_fit" => bgnbd_fit(args),
        "bgnbd_predict" => bgnbd_predict(args),
        "pareto_nbd_fit" => pareto_fit(args),
        "pareto_nbd_predict" => pareto_predict(args),
        "gamma_gamma_fit" => gamma_gamma_fit(args),
        "bgbb_fit" => bgbb_fit(args),
        "sbg_fit" => sbg_fit(args),
        "sbg_predict" => sbg_predict(args),
        _ => return None,
    })
}

fn options(args: &Value) -> Result<FitOptions, Failure> {
    let default = FitOptions::default();
    Ok(FitOptions {
        max_iterations: arg_or(args, "max_iterations", default.max_iterations)?,
        gradient_tolerance: arg_or(args, "gradient_tolerance", default.gradient_tolerance)?,
    })
}

fn variant(args: &Value) -> Result<Variant, Failure> {
    let name: String = arg_or(args, "variant", "bgnbd".to_string())?;
    match name.as_str() {
        "bgnbd" => Ok(Variant::BgNbd),
        "mbgnbd" => Ok(Variant::MbgNbd),
        other => Err(core_err(loyalty::Error::invalid_parameter(
            "variant",
            format!("{other:?}"),
            "\"bgnbd\" or \"mbgnbd\"",
        ))),
    }
}

fn summary(args: &Value) -> Result<Summary, Failure> {
    let x: Vec<f64> = arg(args, "frequency")?;
    let tx: Vec<f64> = arg(args, "recency")?;
    let t: Vec<f64> = arg(args, "T")?;
    let w: Option<Vec<f64>> = arg_or(args, "weights", None)?;
    Summary::new(&x, &tx, &t, w.as_deref()).map_err(core_err)
}

fn bgnbd_fit(args: &Value) -> Result<Value, Failure> {
    let fit = BetaGeo::fit(&summary(args)?, variant(args)?, &options(args)?);
    to_value(fit)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BetaGeoParams {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

fn bgnbd_predict(args: &Value) -> Result<Value, Failure> {
    let p: BetaGeoParams = arg(args, "params")?;
    let m = BetaGeo::new(p.r, p.alpha, p.a, p.b, variant(args)?).map_err(core_err)?;
    let x: Vec<f64> = arg(args, "frequency")?;
    let tx: Vec<f64> = arg(args, "recency")?;
    let age: Vec<f64> = arg(args, "T")?;
    let t: f64 = arg(args, "t")?;
    Ok(json!({
        "probability_alive": m.probability_alive(&x, &tx, &age).map_err(core_err)?,
        "expected_purchases": m.expected_purchases(t, &x, &tx, &age).map_err(core_err)?,
        "expected_purchases_new_customer": m.expected_purchases_new_customer(t).map_err(core_err)?,
    }))
}

fn pareto_fit(args: &Value) -> Result<Value, Failure> {
    to_value(ParetoNbd::fit(&summary(args)?, &options(args)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParetoParams {
    r: f64,
    alpha: f64,
    s: f64,
    beta: f64,
}

fn pareto_predict(args: &Value) -> Result<Value, Failure> {
    let p: ParetoParams = arg(args, "params")?;
    let m = ParetoNbd::new(p.r, p.alpha, p.s, p.beta).map_err(core_err)?;
    let x: Vec<f64> = arg(args, "frequency")?;
    let tx: Vec<f64> = arg(args, "recency")?;
    let age: Vec<f64> = arg(args, "T")?;
    let t: f64 = arg(args, "t")?;
    Ok(json!({
        "probability_alive": m.probability_alive(&x, &tx, &age).map_err(core_err)?,
        "expected_purchases": m.expected_purchases(t, &x, &tx, &age).map_err(core_err)?,
        "expected_purchases_new_customer": m.expected_purchases_new_customer(t).map_err(core_err)?,
    }))
}

fn gamma_gamma_fit(args: &Value) -> Result<Value, Failure> {
    let x: Vec<f64> = arg(args, "frequency")?;
    let m: Vec<f64> = arg(args, "monetary_value")?;
    let w: Option<Vec<f64>> = arg_or(args, "weights", None)?;
    to_value(GammaGamma::fit(&x, &m, w.as_deref(), &options(args)?))
}

fn bgbb_fit(args: &Value) -> Result<Value, Failure> {
    let x: Vec<f64> = arg(args, "frequency")?;
    let tx: Vec<f64> = arg(args, "recency")?;
    let n: Vec<f64> = arg(args, "n_periods")?;
    let w: Option<Vec<f64>> = arg_or(args, "weights", None)?;
    to_value(BetaGeoBetaBinom::fit(
        &x,
        &tx,
        &n,
        w.as_deref(),
        &options(args)?,
    ))
}

fn sbg_fit(args: &Value) -> Result<Value, Failure> {
    let options = options(args)?;
    if peek(args, "survivors").is_some() {
        let survivors: Vec<f64> = arg(args, "survivors")?;
        return to_value(ShiftedBetaGeometric::fit_survivors(&survivors, &options));
    }
    let durations: Vec<f64> = arg(args, "durations")?;
    let churned: Vec<bool> = arg(args, "churned")?;
    to_value(ShiftedBetaGeometric::fit_durations(
        &durations, &churned, &options,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SbgParams {
    alpha: f64,
    beta: f64,
}

fn sbg_predict(args: &Value) -> Result<Value, Failure> {
    let p: SbgParams = arg(args, "params")?;
    let m = ShiftedBetaGeometric::new(p.alpha, p.beta).map_err(core_err)?;
    let periods: usize = arg(args, "periods")?;
    let discount: f64 = arg_or(args, "discount_rate", 0.1)?;
    let retention: Vec<f64> = (1..=periods)
        .map(|t| m.retention_rate(t))
        .collect::<loyalty::Result<_>>()
        .map_err(core_err)?;
    Ok(json!({
        "survival": m.survival_curve(periods).map_err(core_err)?,
        "retention_rate": retention,
        "del": m.del(discount).map_err(core_err)?,
        "derl_after_periods": m.derl(discount, periods).map_err(core_err)?,
    }))
}
