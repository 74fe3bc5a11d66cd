//! The compiled module `loyalty._loyalty`: thin conversions between Python
//! (numpy arrays, lists, dicts) and the `loyalty` core crate.
//!
//! The public Python API is the pure-Python package `loyalty`, which wraps
//! these functions, adds pandas views and plots, and defines the exception
//! classes that [`errors::to_py_err`] raises.

use pyo3::prelude::*;

mod convert;
mod drivers;
mod errors;
mod models;
mod retention;
mod rfm;
mod separation;
mod survey;
mod value;

/// Registers every area's functions on the extension module.
#[pymodule]
fn _loyalty(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    survey::register(m)?;
    models::register(m)?;
    rfm::register(m)?;
    retention::register(m)?;
    separation::register(m)?;
    drivers::register(m)?;
    value::register(m)?;
    Ok(())
}

/// Allocator of the extension: mimalloc. Functions such as `rfm_summary`
/// hand numpy arrays of hundreds of kilobytes to Python on every call.
/// glibc's allocator maps such blocks fresh from the kernel each time and
/// pays a page fault per 4 KiB, which cost about a third of the call on the
/// CDNOW master log (0.5 of 1.3 ms). mimalloc keeps freed pages for reuse.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
