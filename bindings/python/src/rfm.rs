//! Python functions of the core's `models::rfm` module (transaction logs to
//! per-customer summaries).

use pyo3::prelude::*;

/// Adds this area's functions to the extension module.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
