//! Tornado ranges and scenario grids over the inputs of [`ValueInputs`].

use serde::{Deserialize, Serialize};

use super::elasticities::shift_rates;
use super::ValueInputs;
use crate::error::{check_not_empty, Error, Result};
use crate::value::clv::RetentionCurve;

/// An input of the value that scenarios vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    /// Retention rate per period. A constant curve is set to the value. Other
    /// curves have every period's rate shifted by value − first-period rate,
    /// clamped to [0, 1].
    Retention,
    /// Margin per period.
    Margin,
    /// Discount rate per period.
    DiscountRate,
    /// Acquisition cost.
    AcquisitionCost,
    /// Margin growth per period.
    MarginGrowth,
}

impl Parameter {
    /// Parses "retention", "margin", "discount_rate", "acquisition_cost", "margin_growth".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "retention" => Parameter::Retention,
            "margin" => Parameter::Margin,
            "discount_rate" => Parameter::DiscountRate,
            "acquisition_cost" => Parameter::AcquisitionCost,
            "margin_growth" => Parameter::MarginGrowth,
            other => {
                return Err(Error::invalid_parameter(
                    "parameter",
                    format!("{other:?}"),
                    "\"retention\", \"margin\", \"discount_rate\", \"acquisition_cost\" or \"margin_growth\"",
                ))
            }
        })
    }

    /// Name as parsed.
    pub fn name(&self) -> &'static str {
        match self {
            Parameter::Retention => "retention",
            Parameter::Margin => "margin",
            Parameter::DiscountRate => "discount_rate",
            Parameter::AcquisitionCost => "acquisition_cost",
            Parameter::MarginGrowth => "margin_growth",
        }
    }
}

impl ValueInputs {
    /// Returns the inputs with one parameter set to `value`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an empty vector curve; a constant rate
    /// outside [0, 1) fails later, when the inputs are valued.
    pub fn with(&self, parameter: Parameter, value: f64) -> Result<ValueInputs> {
        let mut x = self.clone();
        match parameter {
            Parameter::Margin => x.margin = value,
            Parameter::DiscountRate => x.discount_rate = value,
            Parameter::AcquisitionCost => x.acquisition_cost = value,
            Parameter::MarginGrowth => x.convention.margin_growth = value,
            Parameter::Retention => {
                x.retention = match &self.retention {
                    RetentionCurve::Constant(_) => RetentionCurve::Constant(value),
                    _ => shift_rates(self, 100.0 * (value - first_rate(&self.retention)?))?,
                };
            }
        }
        Ok(x)
    }

    /// Current value of a parameter (the first period's rate for retention).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an empty vector curve.
    pub fn get(&self, parameter: Parameter) -> Result<f64> {
        Ok(match parameter {
            Parameter::Margin => self.margin,
            Parameter::DiscountRate => self.discount_rate,
            Parameter::AcquisitionCost => self.acquisition_cost,
            Parameter::MarginGrowth => self.convention.margin_growth,
            Parameter::Retention => first_rate(&self.retention)?,
        })
    }
}

fn first_rate(curve: &RetentionCurve) -> Result<f64> {
    let points = curve.survival_points(1)?;
    Ok(points[1])
}

/// A parameter with its low and high scenario values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParameterRange {
    /// The parameter.
    pub parameter: Parameter,
    /// Low value.
    pub low: f64,
    /// High value.
    pub high: f64,
}

/// One bar of a tornado chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    /// The parameter varied.
    pub parameter: Parameter,
    /// Low value of the parameter.
    pub low: f64,
    /// High value of the parameter.
    pub high: f64,
    /// Net value with the parameter at `low`.
    pub value_at_low: f64,
    /// Net value with the parameter at `high`.
    pub value_at_high: f64,
    /// |value_at_high − value_at_low|.
    pub swing: f64,
}

/// A tornado: the value's range as each parameter moves alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tornado {
    /// Net value at the inputs.
    pub base_value: f64,
    /// Bars sorted by swing, largest first.
    pub bars: Vec<TornadoBar>,
}

/// Computes a tornado over the given ranges, one parameter at a time.
///
/// # Errors
/// [`Error::Empty`] for no ranges and the errors of [`ValueInputs::value`]
/// at any scenario.
pub fn tornado(inputs: &ValueInputs, ranges: &[ParameterRange]) -> Result<Tornado> {
    check_not_empty("ranges", ranges.len())?;
    let base_value = inputs.value()?;
    let mut bars = Vec::with_capacity(ranges.len());
    for range in ranges {
        let value_at_low = inputs.with(range.parameter, range.low)?.value()?;
        let value_at_high = inputs.with(range.parameter, range.high)?.value()?;
        bars.push(TornadoBar {
            parameter: range.parameter,
            low: range.low,
            high: range.high,
            value_at_low,
            value_at_high,
            swing: (value_at_high - value_at_low).abs(),
        });
    }
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    Ok(Tornado { base_value, bars })
}

/// Net value over a grid of two parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioGrid {
    /// Parameter of the rows.
    pub row_parameter: Parameter,
    /// Its values.
    pub row_values: Vec<f64>,
    /// Parameter of the columns.
    pub column_parameter: Parameter,
    /// Its values.
    pub column_values: Vec<f64>,
    /// `values[i][j]`: net value at row value i and column value j.
    pub values: Vec<Vec<f64>>,
}

/// Computes the net value over every pair of row and column values.
///
/// # Errors
/// [`Error::Empty`] for an empty axis, [`Error::InvalidParameter`] for the
/// same parameter on both axes, and the errors of [`ValueInputs::value`].
pub fn scenario_grid(
    inputs: &ValueInputs,
    row_parameter: Parameter,
    row_values: &[f64],
    column_parameter: Parameter,
    column_values: &[f64],
) -> Result<ScenarioGrid> {
    check_not_empty("row_values", row_values.len())?;
    check_not_empty("column_values", column_values.len())?;
    if row_parameter == column_parameter {
        return Err(Error::invalid_parameter(
            "column_parameter",
            column_parameter.name(),
            "a parameter other than the row parameter",
        ));
    }
    let mut values = Vec::with_capacity(row_values.len());
    for &a in row_values {
        let row_inputs = inputs.with(row_parameter, a)?;
        let mut row = Vec::with_capacity(column_values.len());
        for &b in column_values {
            row.push(row_inputs.with(column_parameter, b)?.value()?);
        }
        values.push(row);
    }
    Ok(ScenarioGrid {
        row_parameter,
        row_values: row_values.to_vec(),
        column_parameter,
        column_values: column_values.to_vec(),
        values,
    })
}
