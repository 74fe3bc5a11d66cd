//! Python functions of the core's `retention` module.
//!
//! Durations and entry times arrive as contiguous float64 arrays (the
//! pure-Python layer converts other inputs) and are read without copying;
//! every estimate runs with the GIL released. Curves return as dicts of
//! numpy arrays, one per column.

use numpy::{IntoPyArray, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;

use loyalty::retention::cohort::date_from_days;
use loyalty::retention::{
    self, event_flags, group_retention, Cohort, CohortTable, KaplanMeier, NelsonAalen, Period,
    PeriodTable, RetentionSummary, RiskTable, SummaryOptions,
};
use loyalty::{Error, Stakeholder};

use crate::convert::to_py;
use crate::errors::IntoPyResult;

/// Adds this area's functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kaplan_meier_columns, m)?)?;
    m.add_function(wrap_pyfunction!(nelson_aalen_columns, m)?)?;
    m.add_function(wrap_pyfunction!(period_hazard_columns, m)?)?;
    m.add_function(wrap_pyfunction!(log_rank_codes, m)?)?;
    m.add_function(wrap_pyfunction!(group_retention_codes, m)?)?;
    m.add_function(wrap_pyfunction!(cohort_table_days, m)?)?;
    m.add_function(wrap_pyfunction!(sbg_observations_durations, m)?)?;
    m.add_function(wrap_pyfunction!(compare_curves, m)?)?;
    Ok(())
}

/// Borrows a float64 array as a slice, copying only a non-contiguous view.
fn slice_of<'a>(array: &'a PyReadonlyArray1<'_, f64>) -> std::borrow::Cow<'a, [f64]> {
    match array.as_slice() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(array.as_array().iter().copied().collect()),
    }
}

/// Reads event flags from a bool array (as is) or a numeric array of 0/1.
fn flags_of(events: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<bool>>> {
    let Some(obj) = events else { return Ok(None) };
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, bool>>() {
        return Ok(Some(a.as_array().iter().copied().collect()));
    }
    let a = obj.extract::<PyReadonlyArray1<'_, f64>>()?;
    let values = slice_of(&a);
    event_flags(values.iter().copied()).py().map(Some)
}

/// Builds the risk table with the GIL released.
fn table_of(
    py: Python<'_>,
    durations: &PyReadonlyArray1<'_, f64>,
    events: Option<&Bound<'_, PyAny>>,
    entry: Option<&PyReadonlyArray1<'_, f64>>,
) -> PyResult<RiskTable> {
    let flags = flags_of(events)?;
    let d = slice_of(durations);
    let x = entry.map(slice_of);
    py.detach(|| RiskTable::from_durations(&d, flags.as_deref(), x.as_deref()))
        .py()
}

/// Kaplan-Meier curve as columns; see `loyalty.kaplan_meier`.
#[pyfunction]
#[pyo3(signature = (durations, events, entry, *, level))]
fn kaplan_meier_columns<'py>(
    py: Python<'py>,
    durations: PyReadonlyArray1<'py, f64>,
    events: Option<&Bound<'py, PyAny>>,
    entry: Option<PyReadonlyArray1<'py, f64>>,
    level: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let flags = flags_of(events)?;
    let d = slice_of(&durations);
    let x = entry.as_ref().map(slice_of);
    // The rows stream into columns, so neither the risk table nor a row
    // vector is stored. The capacity is an upper bound: only the pages that
    // rows fill are touched.
    let capacity = d.len();
    let (members, columns) = py
        .detach(|| {
            let mut c = KmColumns::with_capacity(capacity);
            let members = KaplanMeier::for_each_row_of_durations(
                &d,
                flags.as_deref(),
                x.as_deref(),
                level,
                |r| c.push(&r),
            )?;
            Ok((members, c))
        })
        .py()?;
    let KmColumns {
        time,
        survival,
        ci_low,
        ci_high,
        se,
        at_risk,
        events,
        censored,
        entered,
    } = columns;
    let out = PyDict::new(py);
    out.set_item("time", time.into_pyarray(py))?;
    out.set_item("survival", survival.into_pyarray(py))?;
    out.set_item("ci_low", ci_low.into_pyarray(py))?;
    out.set_item("ci_high", ci_high.into_pyarray(py))?;
    out.set_item("at_risk", at_risk.into_pyarray(py))?;
    out.set_item("events", events.into_pyarray(py))?;
    out.set_item("censored", censored.into_pyarray(py))?;
    out.set_item("entered", entered.into_pyarray(py))?;
    out.set_item("se", se.into_pyarray(py))?;
    out.set_item("members", members)?;
    out.set_item("method", retention::KM_METHOD)?;
    Ok(out)
}

/// Kaplan-Meier rows as columns, filled in one pass.
struct KmColumns {
    time: Vec<f64>,
    survival: Vec<f64>,
    ci_low: Vec<f64>,
    ci_high: Vec<f64>,
    se: Vec<f64>,
    at_risk: Vec<u64>,
    events: Vec<u64>,
    censored: Vec<u64>,
    entered: Vec<u64>,
}

impl KmColumns {
    fn with_capacity(n: usize) -> Self {
        KmColumns {
            time: Vec::with_capacity(n),
            survival: Vec::with_capacity(n),
            ci_low: Vec::with_capacity(n),
            ci_high: Vec::with_capacity(n),
            se: Vec::with_capacity(n),
            at_risk: Vec::with_capacity(n),
            events: Vec::with_capacity(n),
            censored: Vec::with_capacity(n),
            entered: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, r: &retention::KmRow) {
        self.time.push(r.time);
        self.survival.push(r.survival);
        self.ci_low.push(r.ci_low);
        self.ci_high.push(r.ci_high);
        self.se.push(r.se);
        self.at_risk.push(r.at_risk);
        self.events.push(r.events);
        self.censored.push(r.censored);
        self.entered.push(r.entered);
    }
}

/// Nelson-Aalen cumulative hazard as columns; see `loyalty.nelson_aalen`.
#[pyfunction]
#[pyo3(signature = (durations, events, entry, *, level))]
fn nelson_aalen_columns<'py>(
    py: Python<'py>,
    durations: PyReadonlyArray1<'py, f64>,
    events: Option<&Bound<'py, PyAny>>,
    entry: Option<PyReadonlyArray1<'py, f64>>,
    level: f64,
) -> PyResult<Bound<'py, PyDict>> {
    loyalty::error::check_level(level).py()?;
    let table = table_of(py, &durations, events, entry.as_ref())?;
    let na = py.detach(|| NelsonAalen::from_table(&table, level)).py()?;
    let out = PyDict::new(py);
    let rows = &na.rows;
    let column =
        |f: fn(&retention::NelsonAalenRow) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
    out.set_item("time", column(|r| r.time).into_pyarray(py))?;
    out.set_item(
        "cumulative_hazard",
        column(|r| r.cumulative_hazard).into_pyarray(py),
    )?;
    out.set_item("ci_low", column(|r| r.ci_low).into_pyarray(py))?;
    out.set_item("ci_high", column(|r| r.ci_high).into_pyarray(py))?;
    out.set_item(
        "at_risk",
        rows.iter()
            .map(|r| r.at_risk)
            .collect::<Vec<u64>>()
            .into_pyarray(py),
    )?;
    out.set_item(
        "events",
        rows.iter()
            .map(|r| r.events)
            .collect::<Vec<u64>>()
            .into_pyarray(py),
    )?;
    out.set_item("se", column(|r| r.se).into_pyarray(py))?;
    out.set_item("method", na.method.clone())?;
    Ok(out)
}

/// Per-period hazards as a list of row dicts; see `loyalty.period_hazard`.
#[pyfunction]
#[pyo3(signature = (durations, events, entry, *, width))]
fn period_hazard_columns(
    py: Python<'_>,
    durations: PyReadonlyArray1<'_, f64>,
    events: Option<&Bound<'_, PyAny>>,
    entry: Option<PyReadonlyArray1<'_, f64>>,
    width: f64,
) -> PyResult<Py<PyAny>> {
    let table = table_of(py, &durations, events, entry.as_ref())?;
    let periods = py.detach(|| PeriodTable::from_table(&table, width)).py()?;
    to_py(py, &periods.rows)
}

/// Log-rank test across integer group codes 0..G-1; see `loyalty.log_rank`.
#[pyfunction]
#[pyo3(signature = (durations, events, entry, codes))]
fn log_rank_codes(
    py: Python<'_>,
    durations: PyReadonlyArray1<'_, f64>,
    events: Option<&Bound<'_, PyAny>>,
    entry: Option<PyReadonlyArray1<'_, f64>>,
    codes: PyReadonlyArray1<'_, i64>,
) -> PyResult<Py<PyAny>> {
    let flags = flags_of(events)?;
    let d = slice_of(&durations);
    let x = entry.as_ref().map(slice_of);
    let groups = codes_of(&codes)?;
    let test = py
        .detach(|| retention::log_rank_by_group(&d, flags.as_deref(), x.as_deref(), &groups))
        .py()?;
    to_py(py, &test)
}

fn codes_of(codes: &PyReadonlyArray1<'_, i64>) -> PyResult<Vec<usize>> {
    codes
        .as_array()
        .iter()
        .enumerate()
        .map(|(index, &c)| {
            usize::try_from(c)
                .map_err(|_| Error::OutOfRange {
                    what: "groups".into(),
                    index,
                    value: c as f64,
                    expected: "a group label for every member (no missing values)".into(),
                })
                .py()
        })
        .collect()
}

/// Summaries of a group overall and per segment, without the curves.
#[derive(Serialize)]
struct GroupSummaries {
    group: String,
    summaries: Vec<RetentionSummary>,
    log_rank: Option<retention::LogRankTest>,
}

/// Summary figures overall and per segment; see `loyalty.retention_summary`.
#[pyfunction]
#[pyo3(signature = (durations, events, entry, codes, labels, *, group, horizon, period, level))]
#[allow(clippy::too_many_arguments)]
fn group_retention_codes(
    py: Python<'_>,
    durations: PyReadonlyArray1<'_, f64>,
    events: Option<&Bound<'_, PyAny>>,
    entry: Option<PyReadonlyArray1<'_, f64>>,
    codes: PyReadonlyArray1<'_, i64>,
    labels: Vec<String>,
    group: &str,
    horizon: f64,
    period: f64,
    level: f64,
) -> PyResult<Py<PyAny>> {
    let flags = flags_of(events)?;
    let d = slice_of(&durations);
    let x = entry.as_ref().map(slice_of);
    let segments = codes_of(&codes)?;
    let options = SummaryOptions {
        horizon,
        period,
        level,
    };
    let group = Stakeholder::parse(group);
    let result = py
        .detach(|| {
            group_retention(
                group,
                &d,
                flags.as_deref(),
                x.as_deref(),
                &segments,
                &labels,
                options,
            )
        })
        .py()?;
    let mut summaries = vec![result.overall.summary];
    summaries.extend(result.segments.into_iter().map(|s| s.summary));
    to_py(
        py,
        &GroupSummaries {
            group: result.group.name().to_string(),
            summaries,
            log_rank: result.log_rank,
        },
    )
}

/// Cohort table of member records with dates as days since 1970-01-01
/// (`i64::MIN`, numpy's NaT, for a missing end); see `loyalty.cohort_table`.
#[pyfunction]
#[pyo3(signature = (member_codes, start_days, end_days, *, period, observation_end_days))]
fn cohort_table_days<'py>(
    py: Python<'py>,
    member_codes: PyReadonlyArray1<'py, i64>,
    start_days: PyReadonlyArray1<'py, i64>,
    end_days: PyReadonlyArray1<'py, i64>,
    period: &str,
    observation_end_days: i64,
) -> PyResult<Bound<'py, PyDict>> {
    let period = Period::parse(period).py()?;
    let to_date = |what: &str, index: usize, days: i64| {
        date_from_days(days)
            .ok_or_else(|| Error::OutOfRange {
                what: what.into(),
                index,
                value: days as f64,
                expected: "a date within the years -9999..=9999".into(),
            })
            .py()
    };
    let starts = start_days
        .as_array()
        .iter()
        .enumerate()
        .map(|(i, &d)| to_date("start_dates", i, d))
        .collect::<PyResult<Vec<_>>>()?;
    let ends = end_days
        .as_array()
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if d == i64::MIN {
                Ok(None)
            } else {
                to_date("end_dates", i, d).map(Some)
            }
        })
        .collect::<PyResult<Vec<_>>>()?;
    let observation_end = to_date("observation_end", 0, observation_end_days)?;
    let ids: Vec<i64> = member_codes.as_array().iter().copied().collect();
    let table = py
        .detach(|| CohortTable::build(&ids, &starts, &ends, period, observation_end))
        .py()?;

    let width = table.max_period() + 1;
    let mut retained = Vec::with_capacity(table.cohorts.len() * width);
    for c in &table.cohorts {
        for k in 0..width {
            retained.push(c.retained(k).map_or(f64::NAN, |r| r as f64));
        }
    }
    let out = PyDict::new(py);
    out.set_item(
        "cohorts",
        table
            .cohorts
            .iter()
            .map(|c| c.label.clone())
            .collect::<Vec<_>>(),
    )?;
    out.set_item(
        "sizes",
        table
            .cohorts
            .iter()
            .map(Cohort::size)
            .collect::<Vec<u64>>()
            .into_pyarray(py),
    )?;
    out.set_item(
        "retained",
        retained
            .into_pyarray(py)
            .reshape([table.cohorts.len(), width])?,
    )?;
    out.set_item("average", to_py(py, &table.average_retention())?)?;
    out.set_item("observation_end", table.observation_end.to_string())?;
    let survivors: Vec<Vec<u64>> = table
        .cohorts
        .iter()
        .map(retention::survivors_from_cohort)
        .collect();
    out.set_item("survivors", survivors)?;
    out.set_item(
        "sbg_observations",
        to_py(py, &retention::sbg_observations_from_cohorts(&table).py()?)?,
    )?;
    Ok(out)
}

/// sBG observations of durations in whole periods; see `loyalty.sbg_observations`.
#[pyfunction]
#[pyo3(signature = (durations, events))]
fn sbg_observations_durations(
    py: Python<'_>,
    durations: PyReadonlyArray1<'_, f64>,
    events: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let flags = flags_of(events)?;
    let d = slice_of(&durations);
    let obs = py
        .detach(|| retention::sbg_observations_from_durations(&d, flags.as_deref()))
        .py()?;
    to_py(py, &obs)
}

/// Empirical against model retention; see `loyalty.compare_curves`.
#[pyfunction]
#[pyo3(signature = (empirical, model))]
fn compare_curves(
    py: Python<'_>,
    empirical: PyReadonlyArray1<'_, f64>,
    model: PyReadonlyArray1<'_, f64>,
) -> PyResult<Py<PyAny>> {
    let e = slice_of(&empirical);
    let m = slice_of(&model);
    let cmp = retention::compare_curves(&e, &m).py()?;
    to_py(py, &cmp)
}
