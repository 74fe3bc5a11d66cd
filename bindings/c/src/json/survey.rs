//! JSON functions of the survey area: `nps`, `nps_from_counts`, `compare_nps`.

use serde_json::Value;

use loyalty::survey::{self, CompareMethod, NpsCounts, NpsMethod};
use loyalty::Scale;

use super::{arg, arg_or, to_value, Failure};
use crate::core_err;

/// Handles the survey functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "nps" => nps(args),
        "nps_from_counts" => nps_from_counts(args),
        "compare_nps" => compare(args),
        _ => return None,
    })
}

fn method(args: &Value) -> Result<NpsMethod, Failure> {
    let name: String = arg_or(args, "method", "adjusted_wald".to_string())?;
    let seed: u64 = arg_or(args, "seed", 0)?;
    NpsMethod::parse(&name, seed).map_err(core_err)
}

fn nps(args: &Value) -> Result<Value, Failure> {
    let scores: Vec<f64> = arg(args, "scores")?;
    let (min, max): (f64, f64) = arg_or(args, "scale", (0.0, 10.0))?;
    let level: f64 = arg_or(args, "level", 0.95)?;
    let scale = Scale::new(min, max, 1.0).map_err(core_err)?;
    let counts = NpsCounts::from_scores(&scores, &scale).map_err(core_err)?;
    to_value(survey::nps(&counts, method(args)?, level))
}

fn nps_from_counts(args: &Value) -> Result<Value, Failure> {
    let level: f64 = arg_or(args, "level", 0.95)?;
    let counts = NpsCounts::new(
        arg(args, "detractors")?,
        arg(args, "passives")?,
        arg(args, "promoters")?,
    );
    to_value(survey::nps(&counts, method(args)?, level))
}

fn compare(args: &Value) -> Result<Value, Failure> {
    let a: (u64, u64, u64) = arg(args, "a")?;
    let b: (u64, u64, u64) = arg(args, "b")?;
    let level: f64 = arg_or(args, "level", 0.95)?;
    let name: String = arg_or(args, "method", "adjusted_wald".to_string())?;
    let m = CompareMethod::parse(&name).map_err(core_err)?;
    to_value(survey::compare_nps(
        &NpsCounts::new(a.0, a.1, a.2),
        &NpsCounts::new(b.0, b.1, b.2),
        m,
        level,
    ))
}
