//! JSON functions of the separation area: `loyalty_quadrants`,
//! `behavioural_quadrants`, `response_curve`, `construct_validity` and
//! `pls_path_model`.
//!
//! Multi-item data come as `"data": {"ITEM": [scores...], ...}`. Constructs
//! come as a list of `{"name", "items", "mode"}` objects, whose order is
//! kept, or as an object `{"name": [items...]}`, read in name order. Paths
//! come as a list of `[source, target]` pairs.

use serde_json::Value;

use loyalty::separation::{
    self, ConstructSpec, HtmtCorrelations, InnerScheme, ItemRows, MissingItems, Outcome, PathSpec,
    PlsOptions, QuadrantOptions, ResponseOptions, ValidityOptions,
};
use loyalty::survey::Missing;
use loyalty::{Scale, Stakeholder};

use super::{arg, arg_or, peek, to_value, Failure};
use crate::{core_err, LoyaltyStatus};

/// Handles the separation functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "loyalty_quadrants" => quadrants(args),
        "behavioural_quadrants" => behavioural(args),
        "response_curve" => response(args),
        "construct_validity" => validity(args),
        "pls_path_model" => pls(args),
        _ => return None,
    })
}

fn invalid(message: String) -> Failure {
    (LoyaltyStatus::InvalidParameter, message)
}

fn scale(args: &Value, name: &str) -> Result<Option<Scale>, Failure> {
    let s: Option<(f64, f64)> = arg_or(args, name, None)?;
    s.map(|(a, b)| Scale::new(a, b, 1.0))
        .transpose()
        .map_err(core_err)
}

fn missing(args: &Value) -> Result<Missing, Failure> {
    match arg_or(args, "missing", "reject".to_string())?.as_str() {
        "reject" => Ok(Missing::Reject),
        "drop" => Ok(Missing::Drop),
        other => Err(invalid(format!(
            "argument \"missing\" = {other:?} is invalid: use \"reject\" or \"drop\""
        ))),
    }
}

fn group(args: &Value) -> Result<Stakeholder, Failure> {
    let g: String = arg_or(args, "group", "customers".to_string())?;
    Ok(Stakeholder::parse(&g))
}

fn quadrant_options(args: &Value) -> Result<QuadrantOptions, Failure> {
    Ok(QuadrantOptions {
        satisfaction_scale: scale(args, "satisfaction_scale")?,
        loyalty_scale: scale(args, "loyalty_scale")?,
        level: arg_or(args, "level", 0.95)?,
        missing: missing(args)?,
        group: group(args)?,
    })
}

fn quadrants(args: &Value) -> Result<Value, Failure> {
    let s: Vec<f64> = arg(args, "satisfaction")?;
    let l: Vec<f64> = arg(args, "loyalty")?;
    let satisfied_min: f64 = arg(args, "satisfied_min")?;
    let loyal_min: f64 = arg(args, "loyal_min")?;
    to_value(separation::loyalty_quadrants(
        &s,
        &l,
        satisfied_min,
        loyal_min,
        &quadrant_options(args)?,
    ))
}

fn behavioural(args: &Value) -> Result<Value, Failure> {
    let s: Vec<f64> = arg(args, "satisfaction")?;
    let r: Vec<bool> = arg(args, "retained")?;
    let satisfied_min: f64 = arg(args, "satisfied_min")?;
    let options = quadrant_options(args)?;
    match (peek(args, "survey_ids"), peek(args, "member_ids")) {
        (Some(_), Some(_)) => {
            let survey_ids: Vec<String> = arg(args, "survey_ids")?;
            let member_ids: Vec<String> = arg(args, "member_ids")?;
            let joined =
                separation::join_retention(&survey_ids, &s, &member_ids, &r).map_err(core_err)?;
            to_value(separation::behavioural_quadrants(
                &joined.satisfaction,
                &joined.retained,
                satisfied_min,
                &options,
            ))
        }
        (None, None) => to_value(separation::behavioural_quadrants(
            &s,
            &r,
            satisfied_min,
            &options,
        )),
        _ => Err(invalid(
            "pass both \"survey_ids\" and \"member_ids\" to join retention records, or neither"
                .into(),
        )),
    }
}

fn response(args: &Value) -> Result<Value, Failure> {
    let s: Vec<f64> = arg(args, "satisfaction")?;
    let l: Vec<f64> = arg(args, "loyalty")?;
    let outcome = match arg_or(args, "outcome", "score".to_string())?.as_str() {
        "score" => Outcome::Score,
        "retention" => Outcome::Retention,
        other => {
            return Err(invalid(format!(
                "argument \"outcome\" = {other:?} is invalid: use \"score\" or \"retention\""
            )))
        }
    };
    let options = ResponseOptions {
        outcome,
        satisfaction_scale: scale(args, "satisfaction_scale")?,
        increasing: arg_or(args, "increasing", true)?,
        bootstrap: arg_or(args, "bootstrap", 1000)?,
        seed: arg_or(args, "seed", 0)?,
        level: arg_or(args, "level", 0.95)?,
        missing: missing(args)?,
        group: group(args)?,
    };
    to_value(separation::response_curve(&s, &l, &options))
}

/// Reads `data`, `constructs` and `paths`.
fn model(args: &Value) -> Result<(ItemRows<'static>, Vec<ConstructSpec>, Vec<PathSpec>), Failure> {
    let data: serde_json::Map<String, Value> = arg(args, "data")?;
    let mut names = Vec::with_capacity(data.len());
    let mut columns = Vec::with_capacity(data.len());
    for (name, values) in data {
        // null marks a missing score.
        let col: Vec<Option<f64>> = serde_json::from_value(values).map_err(|e| {
            invalid(format!(
                "data column {name:?} must be a list of numbers: {e}"
            ))
        })?;
        columns.push(col.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect());
        names.push(name);
    }
    let missing_items: String = arg_or(args, "missing", "reject".to_string())?;
    let missing = MissingItems::parse(&missing_items).map_err(core_err)?;
    let rows = ItemRows::from_columns(names, &columns, missing).map_err(core_err)?;
    let constructs = match peek(args, "constructs") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, items)| {
                let items: Vec<String> = serde_json::from_value(items.clone()).map_err(|e| {
                    invalid(format!(
                        "items of construct {name:?} must be a list of names: {e}"
                    ))
                })?;
                Ok(ConstructSpec {
                    name: name.clone(),
                    items,
                    mode: Default::default(),
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?,
        _ => arg(args, "constructs")?,
    };
    let pairs: Vec<(String, String)> = arg_or(args, "paths", Vec::new())?;
    let paths = pairs
        .into_iter()
        .map(|(s, t)| PathSpec::new(s, t))
        .collect();
    Ok((rows, constructs, paths))
}

fn scheme(args: &Value) -> Result<Option<InnerScheme>, Failure> {
    let s: Option<String> = arg_or(args, "scheme", None)?;
    s.map(|s| InnerScheme::parse(&s))
        .transpose()
        .map_err(core_err)
}

fn validity(args: &Value) -> Result<Value, Failure> {
    let (rows, constructs, paths) = model(args)?;
    let correlations: String = arg_or(args, "correlations", "absolute".to_string())?;
    let options = ValidityOptions {
        correlations: HtmtCorrelations::parse(&correlations).map_err(core_err)?,
        bootstrap: arg_or(args, "bootstrap", 1000)?,
        seed: arg_or(args, "seed", 0)?,
        level: arg_or(args, "level", 0.95)?,
        htmt_threshold: arg_or(args, "htmt_threshold", 0.90)?,
        scheme: scheme(args)?,
        max_iter: arg_or(args, "max_iter", 300)?,
        tolerance: arg_or(args, "tolerance", 1e-7)?,
        group: group(args)?,
    };
    to_value(separation::construct_validity(
        &rows,
        &constructs,
        &paths,
        &options,
    ))
}

fn pls(args: &Value) -> Result<Value, Failure> {
    let (rows, constructs, paths) = model(args)?;
    let options = PlsOptions {
        scheme: scheme(args)?.unwrap_or_default(),
        consistent: arg_or(args, "consistent", false)?,
        standardize: arg_or(args, "standardize", true)?,
        max_iter: arg_or(args, "max_iter", 300)?,
        tolerance: arg_or(args, "tolerance", 1e-7)?,
        bootstrap: arg_or(args, "bootstrap", 0)?,
        seed: arg_or(args, "seed", 0)?,
        level: arg_or(args, "level", 0.95)?,
        reliability_min: arg_or(args, "reliability_min", 0.7)?,
        index_scale: arg_or(args, "index_scale", None)?,
        group: group(args)?,
    };
    to_value(separation::pls_path_model(
        &rows,
        &constructs,
        &paths,
        &options,
    ))
}
