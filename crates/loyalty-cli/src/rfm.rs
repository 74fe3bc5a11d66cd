//! `loyalty rfm`: the per-customer RFM summary of a transaction CSV, printed
//! as CSV.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use loyalty::models::rfm::{rfm_summary, DateColumn, Moment, Period, RfmOptions, RfmSummary};

use crate::CliError;

/// Options of `loyalty rfm`.
#[derive(Args, Debug)]
pub struct RfmArgs {
    /// Transaction log: a CSV file with a header line.
    #[arg(long, value_name = "FILE.csv")]
    transactions: PathBuf,
    /// Column of customer ids (integer ids sort numerically, others as text).
    #[arg(long, value_name = "COL")]
    customer: String,
    /// Column of transaction dates or timestamps.
    #[arg(long, value_name = "COL")]
    date: String,
    /// Column of transaction values (spend, >= 0); adds monetary_value.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    /// Last date observed; every transaction of its period counts.
    #[arg(long, value_name = "DATE")]
    observation_end: String,
    /// Period that groups transactions and the time unit: D (day), W
    /// (calendar week from Monday), M (month), or a number of days (group by
    /// day, times in days divided by it, e.g. 7 for fractional weeks).
    #[arg(long, value_name = "W|D|M|DAYS", default_value = "W")]
    period: String,
    /// End of the calibration period; adds the holdout columns.
    #[arg(long, value_name = "DATE")]
    calibration_end: Option<String>,
    /// Time zone in which timestamps are floored to periods (IANA name, UTC,
    /// or an offset such as +05:30); needed for timestamps with offsets.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// strftime-style format of the dates, e.g. %m/%d/%Y (default: ISO 8601,
    /// YYYYMMDD or YYYY/MM/DD).
    #[arg(long, value_name = "FMT")]
    date_format: Option<String>,
}

/// Columns read from the transaction file.
struct Log {
    ids: Vec<String>,
    dates: Vec<String>,
    values: Option<Vec<f64>>,
}

/// Runs `loyalty rfm`, writing the summary to standard output.
pub fn run(args: &RfmArgs) -> Result<(), CliError> {
    let source = args.transactions.display().to_string();
    let log = read_log(args, &source)?;
    let options = RfmOptions {
        period: Period::parse(&args.period).map_err(CliError::core("option --period"))?,
        observation_end: Some(Moment::Text(args.observation_end.clone())),
        calibration_end: args.calibration_end.clone().map(Moment::Text),
        tz: args.tz.clone(),
        date_format: args.date_format.clone(),
    };
    let dates = DateColumn::Strings(&log.dates);
    let values = log.values.as_deref();
    let context = format!("RFM summary of {source} (row 0 is line 2)");
    let mut out = std::io::stdout().lock();
    let integer_ids: Option<Vec<i64>> = log.ids.iter().map(|id| id.parse().ok()).collect();
    let written = match integer_ids {
        Some(ids) => {
            let summary = rfm_summary(&ids, dates, values, &options)
                .map_err(|e| core_error(e, &context, &source, &args.date))?;
            write_summary(&mut out, &summary)
        }
        None => {
            let summary = rfm_summary(&log.ids, dates, values, &options)
                .map_err(|e| core_error(e, &context, &source, &args.date))?;
            write_summary(&mut out, &summary)
        }
    };
    written.map_err(|e| CliError::Io {
        path: "standard output".to_string(),
        message: e.to_string(),
    })
}

/// Names the file line of a date that does not parse; other core errors
/// keep their row numbers with the line offset in the context.
fn core_error(error: loyalty::Error, context: &str, source: &str, column: &str) -> CliError {
    match error {
        loyalty::Error::Parse {
            index,
            text,
            reason,
            what,
        } if what == "dates" => CliError::input(
            source,
            index as u64 + 2,
            Some(column),
            format!("cannot parse date {text:?}: {reason}"),
        ),
        other => CliError::core(context)(other),
    }
}

fn read_log(args: &RfmArgs, source: &str) -> Result<Log, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&args.transactions)
        .map_err(|e| CliError::Io {
            path: source.to_string(),
            message: e.to_string(),
        })?;
    let headers = reader
        .headers()
        .map_err(|e| CliError::input(source, 1, None, e.to_string()))?
        .clone();
    let find = |name: &str, option: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            let known: Vec<&str> = headers.iter().collect();
            CliError::input(
                source,
                1,
                Some(name),
                format!("column not found; pass one of {known:?} to {option}"),
            )
        })
    };
    let id_col = find(&args.customer, "--customer")?;
    let date_col = find(&args.date, "--date")?;
    let value_col = args
        .value
        .as_deref()
        .map(|v| find(v, "--value"))
        .transpose()?;

    let mut log = Log {
        ids: Vec::new(),
        dates: Vec::new(),
        values: value_col.map(|_| Vec::new()),
    };
    for (row, record) in reader.records().enumerate() {
        let line = row as u64 + 2;
        let record = record.map_err(|e| CliError::input(source, line, None, e.to_string()))?;
        let field = |col: usize, name: &str| {
            record.get(col).ok_or_else(|| {
                CliError::input(source, line, Some(name), "the row has too few fields")
            })
        };
        log.ids.push(field(id_col, &args.customer)?.to_string());
        log.dates.push(field(date_col, &args.date)?.to_string());
        if let (Some(col), Some(values), Some(name)) =
            (value_col, log.values.as_mut(), args.value.as_deref())
        {
            let text = field(col, name)?;
            let value: f64 = text.parse().map_err(|_| {
                CliError::input(
                    source,
                    line,
                    Some(name),
                    format!(
                        "{text:?} is not a number; values must be plain decimals such as 12.50"
                    ),
                )
            })?;
            values.push(value);
        }
    }
    Ok(log)
}

fn write_summary<K: std::fmt::Display>(
    out: &mut impl Write,
    summary: &RfmSummary<K>,
) -> std::io::Result<()> {
    let mut header = vec!["customer_id", "frequency", "recency", "T"];
    if summary.monetary_value.is_some() {
        header.push("monetary_value");
    }
    if let Some(h) = &summary.holdout {
        header.push("frequency_holdout");
        if h.monetary_value.is_some() {
            header.push("monetary_value_holdout");
        }
        header.push("duration_holdout");
    }
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&header)?;
    for i in 0..summary.len() {
        let mut record = vec![
            summary.customer_id[i].to_string(),
            summary.frequency[i].to_string(),
            summary.recency[i].to_string(),
            summary.t[i].to_string(),
        ];
        if let Some(m) = &summary.monetary_value {
            record.push(m[i].to_string());
        }
        if let Some(h) = &summary.holdout {
            record.push(h.frequency[i].to_string());
            if let Some(m) = &h.monetary_value {
                record.push(m[i].to_string());
            }
            record.push(h.duration.to_string());
        }
        writer.write_record(&record)?;
    }
    writer.flush()
}
