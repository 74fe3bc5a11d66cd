//! The JSON entry point: `{"function": NAME, "args": {...}}` in, a JSON
//! result out. Each area of the core adds its functions in its own handler.

use std::cell::RefCell;
use std::collections::BTreeSet;

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

thread_local! {
    /// Names of the arguments read while the current request is handled,
    /// so that names the function does not know (such as a misspelt
    /// `"methd"`) are rejected instead of falling back to defaults.
    static READ: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

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
    READ.with(|read| read.borrow_mut().clear());
    for handler in handlers {
        if let Some(result) = handler(function, args) {
            return check_unread(function, args, result).map(|v| v.to_string());
        }
    }
    Err((
        LoyaltyStatus::InvalidParameter,
        format!("unknown function {function:?}; see docs/c-api.md for the list"),
    ))
}

/// Rejects a request with arguments the function did not read. After a
/// failure the names are added to its message, since a misspelt name is a
/// likely cause of a missing argument.
fn check_unread(
    function: &str,
    args: &Value,
    result: Result<Value, Failure>,
) -> Result<Value, Failure> {
    let unread: Vec<&String> = READ.with(|read| {
        let read = read.borrow();
        args.as_object()
            .map(|object| object.keys().filter(|k| !read.contains(*k)).collect())
            .unwrap_or_default()
    });
    if unread.is_empty() {
        return result;
    }
    let read: Vec<String> = READ.with(|read| read.borrow().iter().cloned().collect());
    match result {
        Ok(_) => Err((
            LoyaltyStatus::InvalidParameter,
            format!(
                "unknown arguments {unread:?} for function {function:?}; it read {read:?}, and \
                 docs/c-api.md lists each function's arguments"
            ),
        )),
        Err((status, message)) => Err((
            status,
            format!("{message} (arguments {unread:?} are unknown to function {function:?})"),
        )),
    }
}

/// Returns an argument's value, if given, and records that it was read.
pub(crate) fn peek<'a>(args: &'a Value, name: &str) -> Option<&'a Value> {
    READ.with(|read| read.borrow_mut().insert(name.to_string()));
    args.get(name)
}

/// Reads a required argument.
pub(crate) fn arg<T: serde::de::DeserializeOwned>(args: &Value, name: &str) -> Result<T, Failure> {
    let v = peek(args, name).ok_or_else(|| {
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
    match peek(args, name) {
        None | Some(Value::Null) => Ok(default),
        Some(_) => arg(args, name),
    }
}

/// Serialises a core result.
pub(crate) fn to_value<T: serde::Serialize>(v: loyalty::Result<T>) -> Result<Value, Failure> {
    let v = v.map_err(core_err)?;
    serde_json::to_value(v).map_err(|e| (LoyaltyStatus::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn call(request: serde_json::Value) -> Result<String, String> {
        super::call(&request.to_string()).map_err(|(_, message)| message)
    }

    #[test]
    fn unknown_argument_is_rejected() {
        let err = call(json!({
            "function": "nps_from_counts",
            "args": {"detractors": 40, "passives": 60, "promoters": 100, "methd": "wald"}
        }))
        .unwrap_err();
        assert!(err.contains("\"methd\""), "{err}");
        assert!(err.contains("\"method\""), "{err}");
    }

    #[test]
    fn misspelt_required_argument_is_named() {
        let err = call(json!({
            "function": "nps_from_counts",
            "args": {"detractor": 40, "passives": 60, "promoters": 100}
        }))
        .unwrap_err();
        assert!(err.contains("missing argument \"detractors\""), "{err}");
        assert!(err.contains("\"detractor\""), "{err}");
    }

    #[test]
    fn known_arguments_pass() {
        let out = call(json!({
            "function": "nps_from_counts",
            "args": {"detractors": 40, "passives": 60, "promoters": 100, "method": "wald"}
        }))
        .unwrap();
        assert!(out.contains("\"value\":30.0"), "{out}");
    }
}
