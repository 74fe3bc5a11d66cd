//! Python functions of the core's `models::rfm` module (transaction logs to
//! per-customer summaries).
//!
//! The pure-Python layer (`loyalty.rfm`) factorises customer ids into dense
//! int64 codes, turns dates into int64 nanoseconds or text, and builds the
//! DataFrame; this module runs the summary with the GIL released.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use loyalty::models::rfm::{rfm_summary, DateColumn, Moment, Period, RfmOptions, RfmSummary};
use loyalty::Error;

use crate::convert::f64_vec;
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(rfm_summary_codes, m)?)?;
    Ok(())
}

/// Transaction dates as the Python layer passes them.
enum Dates<'py> {
    /// Text dates.
    Text(Vec<String>),
    /// Text dates joined by newlines into one string: one conversion from
    /// Python instead of one per date.
    Joined(String),
    /// int64 nanoseconds, naive (`datetime64[ns]`) or UTC (tz-aware pandas).
    Nanos {
        array: PyReadonlyArray1<'py, i64>,
        aware: bool,
    },
}

/// RFM summary of coded customers; see `loyalty.rfm_summary`.
///
/// `customer_ids` are int64 ids or codes (the Python layer factorises other
/// ids). `date_kind` is `"text"` (a list of str), `"joined"` (one str of
/// newline-separated dates), `"naive_ns"` or `"utc_ns"` (an int64 array).
/// Returns a dict of numpy arrays keyed by column name, `customer_id` holding
/// the ids or codes of the summarised customers.
#[pyfunction]
#[pyo3(signature = (customer_ids, dates, values, *, date_kind, observation_end, period, calibration_end, tz, date_format))]
#[allow(clippy::too_many_arguments)]
fn rfm_summary_codes<'py>(
    py: Python<'py>,
    customer_ids: PyReadonlyArray1<'py, i64>,
    dates: &Bound<'py, PyAny>,
    values: Option<PyReadonlyArray1<'py, f64>>,
    date_kind: &str,
    observation_end: Option<String>,
    period: &str,
    calibration_end: Option<String>,
    tz: Option<String>,
    date_format: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = RfmOptions {
        period: Period::parse(period).py()?,
        observation_end: observation_end.map(Moment::Text),
        calibration_end: calibration_end.map(Moment::Text),
        tz,
        date_format,
    };
    let dates = match date_kind {
        "text" => Dates::Text(dates.extract()?),
        "joined" => Dates::Joined(dates.extract()?),
        "naive_ns" | "utc_ns" => Dates::Nanos {
            array: dates.extract()?,
            aware: date_kind == "utc_ns",
        },
        other => {
            return Err(Error::invalid_parameter(
                "date_kind",
                format!("{other:?}"),
                "\"text\", \"joined\", \"naive_ns\" or \"utc_ns\"",
            ))
            .py()
        }
    };

    // Borrow contiguous arrays in place; copy only strided ones.
    let ids_owned;
    let ids: &[i64] = match customer_ids.as_slice() {
        Ok(s) => s,
        Err(_) => {
            ids_owned = customer_ids.as_array().to_vec();
            &ids_owned
        }
    };
    let values: Option<Vec<f64>> = values.as_ref().map(f64_vec);
    let nanos_owned;
    let lines: Vec<&str>;
    let column = match &dates {
        Dates::Text(texts) => DateColumn::Strings(texts),
        Dates::Joined(text) => {
            lines = text.split('\n').collect();
            DateColumn::Text(&lines)
        }
        Dates::Nanos { array, aware } => {
            let slice: &[i64] = match array.as_slice() {
                Ok(s) => s,
                Err(_) => {
                    nanos_owned = array.as_array().to_vec();
                    &nanos_owned
                }
            };
            if *aware {
                DateColumn::UnixNanos(slice)
            } else {
                DateColumn::NaiveNanos(slice)
            }
        }
    };

    let summary = py
        .detach(|| rfm_summary(ids, column, values.as_deref(), &options))
        .py()?;
    to_dict(py, summary)
}

fn to_dict(py: Python<'_>, summary: RfmSummary<i64>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("customer_id", summary.customer_id.into_pyarray(py))?;
    let frequency: Vec<i64> = summary.frequency.iter().map(|&x| x as i64).collect();
    out.set_item("frequency", frequency.into_pyarray(py))?;
    out.set_item("recency", summary.recency.into_pyarray(py))?;
    out.set_item("T", summary.t.into_pyarray(py))?;
    if let Some(m) = summary.monetary_value {
        out.set_item("monetary_value", m.into_pyarray(py))?;
    }
    if let Some(h) = summary.holdout {
        let frequency: Vec<i64> = h.frequency.iter().map(|&x| x as i64).collect();
        out.set_item("frequency_holdout", frequency.into_pyarray(py))?;
        if let Some(m) = h.monetary_value {
            out.set_item("monetary_value_holdout", m.into_pyarray(py))?;
        }
        out.set_item("duration_holdout", h.duration)?;
    }
    out.set_item("period", summary.period.to_string())?;
    Ok(out)
}
