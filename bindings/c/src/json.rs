//! The JSON entry point: `{"function": NAME, "args": {...}}` in, a JSON
//! result out. Each area of the core adds its functions in its own handler.

use serde_json::Value;

use crate::{core_err, LoyaltyStatus};

mod drivers;
mod models;
mod retention;
mod rfm;
mod separation;
mod survey;
mod value;

type Failure = (LoyaltyStatus, String);

/// A handler returns `None` for a function name it does not own.
type Handler = fn(&str, &Value) -> Option<Result<Value, Failure>>;

/// Dispatches one request.
pub fn call(request: &str) -> Result<String, Failure> {
    let req: Value = serde_json::from_str(request).map_err(|e| {
        (
            LoyaltyStatus::Parse,
            format!("request is not valid JSON: {e}"),
        )
    })?;
    let function = req.get("function").and_then(Value::as_str).ok_or_else(|| {
        (
            LoyaltyStatus::Parse,
            "request needs a string field \"function\"".to_string(),
        )
    })?;
    let empty = Value::Object(Default::default());
    let args = req.get("args").unwrap_or(&empty);
    let handlers: &[Handler] = &[
        survey::handle,
        value::handle,
        rfm::handle,
        separation::handle,
        models::handle,
        drivers::handle,
        retention::handle,
    ];
    for handler in handlers {
        if let Some(result) = handler(function, args) {
            return result.map(|v| v.to_string());
        }
    }
    Err((
        LoyaltyStatus::InvalidParameter,
        format!("unknown function {function:?}; see docs/c-api.md for the list"),
    ))
}

/// Reads a required argument.
pub(crate) fn arg<T: serde::de::DeserializeOwned>(args: &Value, name: &str) -> Result<T, Failure> {
    let v = args.get(name).ok_or_else(|| {
        (
            LoyaltyStatus::InvalidParameter,
            format!("missing argument {name:?}"),
        )
    })?;
    serde_json::from_value(v.clone()).map_err(|e| {
        (
            LoyaltyStatus::InvalidParameter,
            format!("argument {name:?} is invalid: {e}"),
        )
    })
}

/// Reads an optional argument with a default.
pub(crate) fn arg_or<T: serde::de::DeserializeOwned>(
    args: &Value,
    name: &str,
    default: T,
) -> Result<T, Failure> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(_) => arg(args, name),
    }
}

/// Serialises a core result.
pub(crate) fn to_value<T: serde::Serialize>(v: loyalty::Result<T>) -> Result<Value, Failure> {
    let v = v.map_err(core_err)?;
    serde_json::to_value(v).map_err(|e| (LoyaltyStatus::Internal, e.to_string()))
}
