//! Conversions shared by every area: serde values to Python objects, and
//! numeric arrays of any dtype to Rust slices without copying.

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;

use crate::errors::IntoPyResult;

/// Converts any serde-serialisable result into plain Python objects (dict,
/// list, float, int, str, bool, None). Non-finite floats become None, as in
/// JSON, so results should not carry NaN.
pub fn to_py<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

fn json_to_py(py: Python<'_>, value: &serde_json::Value) -> PyResult<Py<PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                n.as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A one-dimensional numeric array borrowed from numpy, in its own dtype.
pub enum Numbers<'py> {
    /// uint8
    U8(PyReadonlyArray1<'py, u8>),
    /// int8
    I8(PyReadonlyArray1<'py, i8>),
    /// uint16
    U16(PyReadonlyArray1<'py, u16>),
    /// int16
    I16(PyReadonlyArray1<'py, i16>),
    /// uint32
    U32(PyReadonlyArray1<'py, u32>),
    /// int32
    I32(PyReadonlyArray1<'py, i32>),
    /// uint64
    U64(PyReadonlyArray1<'py, u64>),
    /// int64
    I64(PyReadonlyArray1<'py, i64>),
    /// float32
    F32(PyReadonlyArray1<'py, f32>),
    /// float64
    F64(PyReadonlyArray1<'py, f64>),
}

impl<'py> Numbers<'py> {
    /// Borrows a 1-D numpy array of any integer or float dtype.
    ///
    /// # Errors
    /// `TypeError` for other objects; the pure-Python layer converts lists
    /// and pandas Series with `numpy.asarray` first.
    pub fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        macro_rules! try_dtype {
            ($variant:ident, $t:ty) => {
                if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, $t>>() {
                    return Ok(Numbers::$variant(a));
                }
            };
        }
        try_dtype!(U8, u8);
        try_dtype!(F64, f64);
        try_dtype!(I64, i64);
        try_dtype!(I32, i32);
        try_dtype!(F32, f32);
        try_dtype!(I8, i8);
        try_dtype!(U16, u16);
        try_dtype!(I16, i16);
        try_dtype!(U32, u32);
        try_dtype!(U64, u64);
        Err(PyTypeError::new_err(
            "expected a 1-D numpy array of an integer or float dtype",
        ))
    }

    /// Calls `f` with the values as an `f64` iterator, converting element by
    /// element (no copy of a contiguous array), with the GIL released.
    pub fn with_f64<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut dyn Iterator<Item = f64>) -> loyalty::Result<R> + Send,
    ) -> PyResult<R> {
        macro_rules! run {
            ($a:expr) => {{
                let view = $a.as_array();
                match view.as_slice() {
                    Some(slice) => py.detach(|| f(&mut slice.iter().map(|&x| x as f64))).py(),
                    None => {
                        let owned: Vec<f64> = view.iter().map(|&x| x as f64).collect();
                        py.detach(|| f(&mut owned.into_iter())).py()
                    }
                }
            }};
        }
        match self {
            Numbers::U8(a) => run!(a),
            Numbers::I8(a) => run!(a),
            Numbers::U16(a) => run!(a),
            Numbers::I16(a) => run!(a),
            Numbers::U32(a) => run!(a),
            Numbers::I32(a) => run!(a),
            Numbers::U64(a) => run!(a),
            Numbers::I64(a) => run!(a),
            Numbers::F32(a) => run!(a),
            Numbers::F64(a) => run!(a),
        }
    }
}

/// Copies a float64 array into a `Vec` (for small inputs such as parameters).
pub fn f64_vec(array: &PyReadonlyArray1<'_, f64>) -> Vec<f64> {
    match array.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => array.as_array().iter().copied().collect(),
    }
}
