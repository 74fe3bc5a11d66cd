//! JSON function of the RFM area: `rfm_summary`.
//!
//! Arguments: `customer_ids` (array of strings, or of integers), `dates`
//! (array of date strings), optional `values`, and `observation_end` (date
//! string, or null for the latest transaction). `period` is `"D"`, `"W"`
//! (the default), `"M"` or a number of days. `calibration_end`, `tz` and
//! `date_format` are optional. Returns the summary's columns.

use serde_json::Value;

use loyalty::models::rfm::{rfm_summary, DateColumn, Moment, Period, RfmOptions};

use super::{arg, arg_or, peek, to_value, Failure};
use crate::core_err;

/// Handles the RFM functions; `None` for other names.
pub fn handle(function: &str, args: &Value) -> Option<Result<Value, Failure>> {
    Some(match function {
        "rfm_summary" => summary(args),
        _ => return None,
    })
}

fn summary(args: &Value) -> Result<Value, Failure> {
    let dates: Vec<String> = arg(args, "dates")?;
    let values: Option<Vec<f64>> = arg_or(args, "values", None)?;
    let period = match peek(args, "period") {
        None | Some(Value::Null) => Period::Week,
        Some(Value::Number(days)) => {
            Period::days(days.as_f64().unwrap_or(f64::NAN)).map_err(core_err)?
        }
        Some(_) => Period::parse(&arg::<String>(args, "period")?).map_err(core_err)?,
    };
    let options = RfmOptions {
        period,
        observation_end: arg_or::<Option<String>>(args, "observation_end", None)?.map(Moment::Text),
        calibration_end: arg_or::<Option<String>>(args, "calibration_end", None)?.map(Moment::Text),
        tz: arg_or(args, "tz", None)?,
        date_format: arg_or(args, "date_format", None)?,
    };
    let column = DateColumn::Strings(&dates);
    // Integer ids keep their numeric order; any other ids are text.
    if let Ok(ids) = arg::<Vec<i64>>(args, "customer_ids") {
        return to_value(rfm_summary(&ids, column, values.as_deref(), &options));
    }
    let ids: Vec<String> = arg(args, "customer_ids")?;
    to_value(rfm_summary(&ids, column, values.as_deref(), &options))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    fn call(request: Value) -> Result<Value, String> {
        crate::json::call(&request.to_string())
            .map(|text| serde_json::from_str(&text).unwrap())
            .map_err(|(_, message)| message)
    }

    #[test]
    fn rfm_summary_same_day_orders() {
        // Source: peer-faults.json, customer B of the same-day case
        // (frequency 1, recency 30, T 282, monetary 7).
        let out = call(json!({
            "function": "rfm_summary",
            "args": {
                "customer_ids": ["B", "B", "B"],
                "dates": ["2018-04-24T19:19:25", "2018-04-24T20:13:28", "2018-05-24T04:00:01"],
                "values": [5.0, 5.0, 7.0],
                "observation_end": "2019-01-31",
                "period": "D"
            }
        }))
        .unwrap();
        assert_eq!(out["customer_id"], json!(["B"]));
        assert_eq!(out["frequency"], json!([1]));
        assert_eq!(out["recency"], json!([30.0]));
        assert_eq!(out["T"], json!([282.0]));
        assert_eq!(out["monetary_value"], json!([7.0]));
    }

    #[test]
    fn rfm_summary_numeric_period_and_errors() {
        let out = call(json!({
            "function": "rfm_summary",
            "args": {"customer_ids": [2, 10], "dates": ["2024-01-01", "2024-01-08"],
                     "observation_end": "2024-01-15", "period": 7}
        }))
        .unwrap();
        assert_eq!(out["customer_id"], json!([2, 10]));
        assert_eq!(out["T"], json!([2.0, 1.0]));
        let err = call(json!({
            "function": "rfm_summary",
            "args": {"customer_ids": [1], "dates": ["03/04/2024"], "observation_end": "2024-05-01"}
        }))
        .unwrap_err();
        assert!(err.contains("ambiguous"), "{err}");
    }
}
