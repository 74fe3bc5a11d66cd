//! JSON functions of the retention area: `kaplan_meier` and `log_rank`.
//!
//! `kaplan_meier` takes `durations`, optional `events` (true/false or 1/0),
//! optional `entry` and `level`, and returns the curve as rows plus the
//! median with its interval. `log_rank` takes `durations`, optional
//! `events` and `entry`, and `groups` (one string label per member).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use loyalty::retention::{event_flags, log_rank_by_group, KaplanMeier};

use super::{arg, arg_or, peek, to_value, Failure};
use crate::{core_err, LoyaltyStatus};

/// Handles the retention functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "kaplan_meier" => kaplan_meier(args),
        "log_rank" => log_rank(args),
        _ => return None,
    })
}

/// Reads `events` as booleans or as 0/1 numbers.
fn events(args: &Value) -> Result<Option<Vec<bool>>, Failure> {
    match peek(args, "events") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.iter().all(Value::is_boolean) => Ok(Some(
            items.iter().map(|v| v.as_bool() == Some(true)).collect(),
        )),
        Some(_) => {
            let numbers: Vec<f64> = arg(args, "events")?;
            event_flags(numbers).map(Some).map_err(core_err)
        }
    }
}

fn kaplan_meier(args: &Value) -> Result<Value, Failure> {
    let durations: Vec<f64> = arg(args, "durations")?;
    let entry: Option<Vec<f64>> = arg_or(args, "entry", None)?;
    let level: f64 = arg_or(args, "level", 0.95)?;
    let flags = events(args)?;
    let km = KaplanMeier::fit(&durations, flags.as_deref(), entry.as_deref(), level)
        .map_err(core_err)?;
    let median = km.median();
    let mut out = to_value(Ok(&km))?;
    if let Value::Object(map) = &mut out {
        map.insert("median".into(), json!(median));
    }
    Ok(out)
}

fn log_rank(args: &Value) -> Result<Value, Failure> {
    let durations: Vec<f64> = arg(args, "durations")?;
    let entry: Option<Vec<f64>> = arg_or(args, "entry", None)?;
    let labels: Vec<String> = arg(args, "groups")?;
    let flags = events(args)?;
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for label in &labels {
        codes.entry(label.as_str()).or_insert(0);
    }
    for (i, code) in codes.values_mut().enumerate() {
        *code = i;
    }
    let groups: Vec<usize> = labels.iter().map(|l| codes[l.as_str()]).collect();
    if codes.len() < 2 {
        return Err((
            LoyaltyStatus::Empty,
            "groups is empty or too short: pass at least two distinct group labels".into(),
        ));
    }
    let test = log_rank_by_group(&durations, flags.as_deref(), entry.as_deref(), &groups)
        .map_err(core_err)?;
    let mut out = to_value(Ok(&test))?;
    if let Value::Object(map) = &mut out {
        map.insert("groups".into(), json!(codes.keys().collect::<Vec<_>>()));
    }
    Ok(out)
}
