//! Maps core errors to the Python exception classes of `loyalty.errors`.
//!
//! The classes are defined in Python so that each can subclass both
//! `loyalty.LoyaltyError` and `ValueError` and pickle like any exception.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Name of the Python class raised for each core error kind.
fn class_name(kind: &str) -> &'static str {
    match kind {
        "Empty" => "EmptyInputError",
        "LengthMismatch" => "LengthMismatchError",
        "NotFinite" => "NotFiniteError",
        "OutOfRange" => "OutOfRangeError",
        "InvalidParameter" => "InvalidParameterError",
        "InvalidData" => "InvalidDataError",
        "Parse" => "ParseError",
        "NotConverged" => "NotConvergedError",
        "NotPositiveSemidefinite" => "NotPositiveSemidefiniteError",
        "Degenerate" => "DegenerateError",
        _ => "LoyaltyError",
    }
}

/// Converts a core error into the matching `loyalty.errors` exception, with
/// the same message.
pub fn to_py_err(err: loyalty::Error) -> PyErr {
    let message = err.to_string();
    Python::attach(|py| {
        let raised = py
            .import("loyalty.errors")
            .and_then(|module| module.getattr(class_name(err.kind())))
            .and_then(|class| class.call1((message.clone(),)));
        match raised {
            Ok(instance) => PyErr::from_value(instance),
            // The pure-Python package is missing (the extension was imported
            // on its own): fall back to ValueError with the same message.
            Err(_) => PyValueError::new_err(message),
        }
    })
}

/// Extension trait: `.py()?` turns a core `Result` into a `PyResult`.
pub trait IntoPyResult<T> {
    /// Maps the error with [`to_py_err`].
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for loyalty::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}
