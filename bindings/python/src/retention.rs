//! Python functions of the core's `retention` module.

use pyo3::prelude::*;

/// Adds this area's functions to the extension module.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
