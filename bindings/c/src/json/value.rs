//! JSON functions of the value area: `clv`, `retention_elasticity`,
//! `sbg_del`, `sbg_derl`, `markov_value`.
//!
//! `clv` takes `margin`, `discount_rate`, and one of `retention` (a constant
//! rate), `sbg` (`{"alpha": .., "beta": ..}`) or `survival` (`[S(1), ...]`),
//! with optional `timing` ("end" or "start"), `horizon` and `margin_growth`.

use serde_json::Value;

use loyalty::models::sbg;
use loyalty::sensitivity;
use loyalty::value::{self, ClvConvention, RetentionCurve, Timing};

use super::{arg, arg_or, peek, to_value, Failure};
use crate::core_err;

/// Handles the value functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "clv" => clv(args),
        "retention_elasticity" => elasticity(args),
        "sbg_del" => sbg_del(args),
        "sbg_derl" => sbg_derl(args),
        "markov_value" => markov(args),
        _ => return None,
    })
}

fn sbg_del(args: &Value) -> Result<Value, Failure> {
    to_value(sbg::del(
        arg(args, "alpha")?,
        arg(args, "beta")?,
        arg(args, "discount_rate")?,
    ))
}

fn sbg_derl(args: &Value) -> Result<Value, Failure> {
    to_value(sbg::derl(
        arg(args, "alpha")?,
        arg(args, "beta")?,
        arg(args, "discount_rate")?,
        arg(args, "renewals")?,
    ))
}

fn timing(args: &Value) -> Result<Timing, Failure> {
    let name: String = arg_or(args, "timing", "end".to_string())?;
    Timing::parse(&name).map_err(core_err)
}

fn clv(args: &Value) -> Result<Value, Failure> {
    let curve = if let Some(sbg) = peek(args, "sbg") {
        RetentionCurve::Sbg {
            alpha: arg(sbg, "alpha")?,
            beta: arg(sbg, "beta")?,
        }
    } else if peek(args, "survival").is_some() {
        RetentionCurve::Survival(arg(args, "survival")?)
    } else {
        RetentionCurve::Constant(arg(args, "retention")?)
    };
    let convention = ClvConvention {
        timing: timing(args)?,
        horizon: arg_or(args, "horizon", None)?,
        margin_growth: arg_or(args, "margin_growth", 0.0)?,
    };
    to_value(value::clv(
        arg(args, "margin")?,
        &curve,
        arg(args, "discount_rate")?,
        &convention,
    ))
}

fn elasticity(args: &Value) -> Result<Value, Failure> {
    to_value(sensitivity::retention_elasticity(
        arg(args, "retention")?,
        arg(args, "discount_rate")?,
        timing(args)?,
    ))
}

fn markov(args: &Value) -> Result<Value, Failure> {
    let transition: Vec<Vec<f64>> = arg(args, "transition")?;
    let reward: Vec<f64> = arg(args, "reward")?;
    let discount_rate: f64 = arg(args, "discount_rate")?;
    match arg_or::<Option<usize>>(args, "periods", None)? {
        None => to_value(value::markov_value(&transition, &reward, discount_rate)),
        Some(periods) => to_value(value::markov_value_finite(
            &transition,
            &reward,
            discount_rate,
            periods,
        )),
    }
}
