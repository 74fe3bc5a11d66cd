//! Python functions of the core's `models::rfm` module (transaction logs to
//! per-customer summaries).
//!
//! The pure-Python layer (`loyalty.rfm`) factorises customer ids into dense
//! int64 codes, turns dates into int64 nanoseconds or text, and builds the
//! DataFrame; this module runs the summary with the GIL released.

use std::collections::HashMap;

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyStringMethods};

use loyalty::models::rfm::{
    rfm_summary, rfm_summary_coded, DateColumn, Moment, Period, RfmOptions, RfmSummary, TimeUnit,
};
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
    /// Python instead of one per date, borrowed without a copy.
    Joined(&'py str),
    /// Text dates of an object array, as distinct texts and a code per row.
    Dictionary {
        dictionary: Vec<String>,
        codes: Vec<u32>,
    },
    /// int64 ticks of `unit`, naive (`datetime64`) or UTC (tz-aware pandas).
    Ticks {
        array: PyReadonlyArray1<'py, i64>,
        unit: TimeUnit,
        aware: bool,
    },
}

/// RFM summary of coded customers; see `loyalty.rfm_summary`.
///
/// `customer_ids` are int64 ids or codes (the Python layer factorises other
/// ids). `date_kind` is `"text"` (a list of str), `"joined"` (one str of
/// newline-separated dates), `"objects"` (a numpy object array of str), or
/// `"naive_<unit>"` / `"utc_<unit>"` (an int64 array of ticks, unit `s`,
/// `ms`, `us` or `ns`).
/// Returns a dict of numpy arrays keyed by column name, `customer_id` holding
/// the ids or codes of the summarised customers. With `n_codes`, the ids
/// are dense codes `0..n_codes`, grouped without hashing. `None` means that the
/// caller must pass the dates another way: when `"joined"` text splits into more dates
/// than there are ids (a date contains a newline), or when `"objects"` contains
/// something other than str or mostly distinct objects.
#[pyfunction]
#[pyo3(signature = (customer_ids, dates, values, *, date_kind, observation_end, period, calibration_end, tz, date_format, n_codes=None))]
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
    n_codes: Option<usize>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
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
        "objects" => match dictionary_of(py, &dates.extract()?)? {
            Some((dictionary, codes)) => Dates::Dictionary { dictionary, codes },
            None => return Ok(None),
        },
        other => match other.split_once('_') {
            Some((zone @ ("naive" | "utc"), unit)) => Dates::Ticks {
                array: dates.extract()?,
                unit: TimeUnit::parse(unit).py()?,
                aware: zone == "utc",
            },
            _ => {
                return Err(Error::invalid_parameter(
                    "date_kind",
                    format!("{other:?}"),
                    "\"text\", \"joined\", \"naive_<unit>\" or \"utc_<unit>\"",
                ))
                .py()
            }
        },
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
    let values_owned: Option<Vec<f64>>;
    let values: Option<&[f64]> = match values.as_ref().map(|v| v.as_slice()) {
        None => None,
        Some(Ok(slice)) => Some(slice),
        Some(Err(_)) => {
            values_owned = values.as_ref().map(f64_vec);
            values_owned.as_deref()
        }
    };
    let ticks_owned;
    let lines: Vec<&str>;
    let entries: Vec<&str>;
    let column = match &dates {
        Dates::Dictionary { dictionary, codes } => {
            entries = dictionary.iter().map(String::as_str).collect();
            DateColumn::Dictionary {
                dictionary: &entries,
                codes,
            }
        }
        Dates::Text(texts) => DateColumn::Strings(texts),
        Dates::Joined(text) => {
            lines = split_lines(text);
            if lines.len() != ids.len() {
                // More lines than rows: a date contains a newline (the
                // Python layer joins only as many dates as there are ids).
                return Ok(None);
            }
            DateColumn::Text(&lines)
        }
        Dates::Ticks { array, unit, aware } => {
            let slice: &[i64] = match array.as_slice() {
                Ok(s) => s,
                Err(_) => {
                    ticks_owned = array.as_array().to_vec();
                    &ticks_owned
                }
            };
            if *aware {
                DateColumn::UnixTicks(slice, *unit)
            } else {
                DateColumn::NaiveTicks(slice, *unit)
            }
        }
    };

    // Dense codes are grouped by a counting sort instead of a hash map.
    let dense = match n_codes {
        Some(n_codes) => Some((0, n_codes)),
        None => dense_unsorted(ids),
    };
    let summary = match dense {
        Some((offset, n_codes)) => {
            let codes: Vec<u32> = ids
                .iter()
                .map(|&id| u32::try_from(id.wrapping_sub(offset)).unwrap_or(u32::MAX))
                .collect();
            py.detach(|| rfm_summary_coded(&codes, n_codes, column, values, &options))
                .py()?
                .map_ids(|code| i64::from(code) + offset)
        }
        None => py
            .detach(|| rfm_summary(ids, column, values, &options))
            .py()?,
    };
    to_dict(py, summary).map(Some)
}

/// Returns the smallest id and the span of unsorted integer ids that span at
/// most a few times as many values as there are rows, so that they can be
/// grouped as dense codes. Sorted ids, which the core reads in one pass, and
/// sparse ids give `None`.
fn dense_unsorted(ids: &[i64]) -> Option<(i64, usize)> {
    if ids.windows(2).all(|pair| pair[0] <= pair[1]) {
        return None;
    }
    let low = *ids.iter().min()?;
    let high = *ids.iter().max()?;
    let span = u64::try_from(i128::from(high) - i128::from(low) + 1).ok()?;
    let limit = (4 * ids.len() as u64 + 1024).min(u64::from(u32::MAX));
    (span <= limit).then_some((low, span as usize))
}

/// Distinct texts of an object array of str and the code of each row, or
/// `None` when an element is not a str or most elements are distinct objects.
///
/// pandas' CSV reader gives equal texts one shared str object: the 69,659
/// dates of the CDNOW master log are 546 objects. Rows are therefore coded by
/// object identity through a small direct-mapped cache, and only the first
/// row of each object is read as text. The texts are copied, so that the
/// summary can run without the GIL while no Python object is borrowed.
fn dictionary_of(
    py: Python<'_>,
    array: &PyReadonlyArray1<'_, Py<PyAny>>,
) -> PyResult<Option<(Vec<String>, Vec<u32>)>> {
    const SLOTS_LOG2: u32 = 12;
    // Rows after which a column of mostly distinct objects is given up.
    const PROBE: usize = 4096;
    let Ok(objects) = array.as_slice() else {
        return Ok(None);
    };
    let mut slot_keys = vec![0usize; 1 << SLOTS_LOG2];
    let mut slot_codes = vec![0u32; 1 << SLOTS_LOG2];
    let mut by_text: HashMap<&str, u32> = HashMap::new();
    let mut dictionary: Vec<String> = Vec::new();
    let mut codes = Vec::with_capacity(objects.len());
    let mut misses = 0usize;

    for (row, object) in objects.iter().enumerate() {
        let address = object.as_ptr() as usize;
        let slot = ((address as u64 >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2))
            as usize;
        if slot_keys[slot] == address {
            codes.push(slot_codes[slot]);
            continue;
        }

        misses += 1;
        if row + 1 == PROBE && misses > PROBE / 2 {
            return Ok(None);
        }
        let Ok(text) = object.downcast_bound::<PyString>(py) else {
            return Ok(None);
        };
        // Text that is not valid UTF-8 (lone surrogates) goes the other way,
        // whose parser reports it.
        let Ok(text) = text.to_str() else {
            return Ok(None);
        };

        let code = *by_text.entry(text).or_insert_with(|| {
            dictionary.push(text.to_string());
            (dictionary.len() - 1) as u32
        });
        slot_keys[slot] = address;
        slot_codes[slot] = code;
        codes.push(code);
    }
    Ok(Some((dictionary, codes)))
}

/// Splits newline-joined dates. memchr scans many bytes per step, where
/// `str::split` sets up a search per line of ten bytes.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.len() / 8 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        // A newline is ASCII, so both ends are character boundaries.
        lines.push(&text[start..end]);
        start = end + 1;
    }
    lines.push(&text[start..]);
    lines
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
