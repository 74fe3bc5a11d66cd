//! JSON functions of the drivers area:
//!
//! - `key_drivers_from_matrix`: `{"matrix": [[...], ...] (outcome first),
//!   "n": N, "names": [...], "bootstrap": 0, "seed": 0, "level": 0.95,
//!   "collinearity": "equal_split" | "error", "exact_limit": 25,
//!   "permutations": 10000}`;
//! - `key_drivers`: `{"names": [...], "columns": [[...], ...] (outcome
//!   first; null is a missing value), "weights": [...], "model": "linear" |
//!   "logistic", ...}` with the same options;
//! - `shapley_values`: `{"p": P, "values": [...]}` (2^P values by bit mask).
//!
//! Each returns the core result serialised as JSON (NaN as null).

use serde_json::Value;

use loyalty::drivers::{self, Collinearity, KeyDriverOptions, Model, SubsetR2};

use super::{arg, arg_or, to_value, Failure};
use crate::{core_err, LoyaltyStatus};

/// Handles the drivers functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "key_drivers_from_matrix" => from_matrix(args),
        "key_drivers" => from_columns(args),
        "shapley_values" => shapley_values(args),
        _ => return None,
    })
}

fn invalid(name: &str, expected: &str) -> Failure {
    (
        LoyaltyStatus::InvalidParameter,
        format!("argument {name:?} is invalid: expected {expected}"),
    )
}

fn options(args: &Value) -> Result<KeyDriverOptions, Failure> {
    let collinearity: String = arg_or(args, "collinearity", "equal_split".to_string())?;
    let model: String = arg_or(args, "model", "linear".to_string())?;
    let defaults = KeyDriverOptions::default();
    Ok(KeyDriverOptions {
        model: match model.as_str() {
            "linear" => Model::Linear,
            "logistic" => Model::Logistic,
            _ => return Err(invalid("model", "\"linear\" or \"logistic\"")),
        },
        collinearity: match collinearity.as_str() {
            "equal_split" => Collinearity::EqualSplit,
            "error" => Collinearity::Error,
            _ => return Err(invalid("collinearity", "\"equal_split\" or \"error\"")),
        },
        bootstrap: arg_or(args, "bootstrap", 0usize)?,
        seed: arg_or(args, "seed", 0u64)?,
        level: arg_or(args, "level", 0.95)?,
        exact_limit: arg_or(args, "exact_limit", defaults.exact_limit)?,
        permutations: arg_or(args, "permutations", defaults.permutations)?,
        ..defaults
    })
}

fn from_matrix(args: &Value) -> Result<Value, Failure> {
    let rows: Vec<Vec<f64>> = arg(args, "matrix")?;
    let n: f64 = arg(args, "n")?;
    let order = rows.len();
    let names: Vec<String> = arg_or(
        args,
        "names",
        (0..order)
            .map(|j| {
                if j == 0 {
                    "y".to_string()
                } else {
                    format!("x{j}")
                }
            })
            .collect(),
    )?;
    if rows.iter().any(|r| r.len() != order) || names.len() != order {
        return Err(invalid(
            "matrix",
            "a square array of arrays with one name per row, outcome first",
        ));
    }
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    to_value(drivers::key_drivers_from_matrix(
        &flat,
        n,
        &name_refs,
        &options(args)?,
    ))
}

fn from_columns(args: &Value) -> Result<Value, Failure> {
    let names: Vec<String> = arg(args, "names")?;
    let raw: Vec<Vec<Option<f64>>> = arg(args, "columns")?;
    let columns: Vec<Vec<f64>> = raw
        .into_iter()
        .map(|c| c.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        .collect();
    let weights: Option<Vec<f64>> = arg_or(args, "weights", None)?;
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    to_value(drivers::key_drivers(
        &name_refs,
        &refs,
        weights.as_deref(),
        &options(args)?,
    ))
}

fn shapley_values(args: &Value) -> Result<Value, Failure> {
    let p: usize = arg(args, "p")?;
    let values: Vec<f64> = arg(args, "values")?;
    let table = SubsetR2::from_values(p, values).map_err(core_err)?;
    Ok(Value::from(drivers::shapley(&table)))
}
