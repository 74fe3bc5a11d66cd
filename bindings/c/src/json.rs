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
    /// The arguments read while the current request is handled, as (address
    /// of the JSON object read from, name). Names the function does not know,
    /// such as a misspelt `"methd"`, are then rejected instead of falling
    /// back to defaults, at the top level and inside nested objects.
    static READ: RefCell<BTreeSet<(usize, String)>> = const { RefCell::new(BTreeSet::new()) };
}

/// Address of a JSON value, the key of [`READ`].
fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

/// Dispatches one request.
pub fn call(request: &str) -> Result<String, Failure> {
    let req: Value = serde_json::from_str(request).map_err(|e| {
        (
            LoyaltyStatus::Parse,
            format!("request is not valid JSON: {e}"),
        )
    })?;
    if let Some(object) = req.as_object() {
        let extra: Vec<&String> = object
            .keys()
            .filter(|k| *k != "function" && *k != "args")
            .collect();
        if !extra.is_empty() {
            return Err((
                LoyaltyStatus::InvalidParameter,
                format!(
                    "unknown request fields {extra:?}; a request has \"function\" and \"args\""
                ),
            ));
        }
    }
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

/// Rejects a request with arguments the function did not read: names in
/// `args`, and in nested objects the function read names from. After a
/// missing argument, the unread names are added to the message, since a
/// misspelt name is a likely cause. Other failures are returned as they are,
/// because the function stopped before reading the rest.
fn check_unread(
    function: &str,
    args: &Value,
    result: Result<Value, Failure>,
) -> Result<Value, Failure> {
    let read = READ.with(|read| read.borrow().clone());
    let objects: BTreeSet<usize> = read.iter().map(|(object, _)| *object).collect();
    let mut unread = Vec::new();
    unread_names(args, "", true, &read, &objects, &mut unread);
    if unread.is_empty() {
        return result;
    }
    match result {
        Ok(_) => {
            let known: BTreeSet<&String> = read.iter().map(|(_, name)| name).collect();
            Err((
                LoyaltyStatus::InvalidParameter,
                format!(
                    "unknown arguments {unread:?} for function {function:?}; it read {known:?}, \
                     and docs/c-api.md lists each function's arguments"
                ),
            ))
        }
        Err((status, message)) if message.starts_with("missing argument") => Err((
            status,
            format!("{message} (arguments {unread:?} are unknown to function {function:?})"),
        )),
        Err(failure) => Err(failure),
    }
}

/// Collects the names not read in `value` and the objects nested in it, as
/// dotted paths. An object is checked when it is the top level or when the
/// function read a name from it.
fn unread_names(
    value: &Value,
    path: &str,
    top: bool,
    read: &BTreeSet<(usize, String)>,
    objects: &BTreeSet<usize>,
    unread: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            let checked = top || objects.contains(&address(value));
            for (name, inner) in map {
                let inner_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if checked && !read.contains(&(address(value), name.clone())) {
                    unread.push(inner_path.clone());
                }
                unread_names(inner, &inner_path, false, read, objects, unread);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                unread_names(item, &format!("{path}[{i}]"), false, read, objects, unread);
            }
        }
        _ => {}
    }
}

/// Returns an argument's value, if given, and records that it was read.
pub(crate) fn peek<'a>(args: &'a Value, name: &str) -> Option<&'a Value> {
    READ.with(|read| read.borrow_mut().insert((address(args), name.to_string())));
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
    fn unknown_name_in_nested_object_is_rejected() {
        // "alpha" at the top level is not the "alpha" read inside "sbg".
        let base = json!({"margin": 100.0, "discount_rate": 0.1,
                          "sbg": {"alpha": 1.0, "beta": 2.0}});
        assert!(call(json!({"function": "clv", "args": base})).is_ok());
        let mut extra = base.clone();
        extra["sbg"]["gamma"] = json!(5.0);
        let err = call(json!({"function": "clv", "args": extra})).unwrap_err();
        assert!(err.contains("\"sbg.gamma\""), "{err}");
        let mut top = base.clone();
        top["alpha"] = json!(9.0);
        let err = call(json!({"function": "clv", "args": top})).unwrap_err();
        assert!(err.contains("\"alpha\""), "{err}");
        let err = call(json!({"function": "bgnbd_predict", "args": {
            "params": {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4, "bb": 1.0},
            "frequency": [1.0], "recency": [1.0], "T": [2.0], "t": 1.0
        }}))
        .unwrap_err();
        assert!(err.contains("bb"), "{err}");
    }

    #[test]
    fn other_failures_do_not_blame_unread_names() {
        let err =
            call(json!({"function": "nps", "args": {"scores": [0, 5, 9, 11], "method": "wald"}}))
                .unwrap_err();
        assert!(!err.contains("unknown"), "{err}");
    }

    #[test]
    fn unknown_request_field_is_rejected() {
        let err = call(json!({"function": "nps", "arg": {"scores": [9]}})).unwrap_err();
        assert!(err.contains("\"arg\""), "{err}");
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
