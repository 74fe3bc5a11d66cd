//! `loyalty report`: every section of the report, rendered as a terminal
//! table, JSON or HTML.
//!
//! Each section lives in its own file and returns [`Section`]s. The JSON
//! output is documented in `docs/report-json.md`: its `results` list contains one
//! record per index with the fields of [`ReportResult`], and sections may add
//! their own fields under `extra`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::CliError;

mod behaviour;
mod drivers;
mod html;
mod retention;
mod separation;
mod survey;
mod value;

/// Version of the JSON report schema; bump on breaking changes.
pub const SCHEMA: &str = "loyalty-report/1";

/// Options of `loyalty report`.
#[derive(Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Survey CSV file with one response per row (default: the bundled mobi survey).
    #[arg(long, value_name = "FILE.csv")]
    pub survey: Option<PathBuf>,
    /// Column of the survey file with the recommend score (required with --survey).
    #[arg(long, value_name = "COLUMN")]
    pub recommend: Option<String>,
    /// Column of the survey file whose values split the respondents into segments.
    #[arg(long, value_name = "COLUMN")]
    pub segment: Option<String>,
    /// Scale of the recommend item as MIN-MAX or MIN-MAX:STEP.
    #[arg(long, value_name = "MIN-MAX", default_value = "0-10")]
    pub scale: String,
    /// Lowest promoter score of the recommend item (default 9; set it on scales such as 1-5).
    #[arg(long, value_name = "SCORE")]
    pub promoter_min: Option<f64>,
    /// Highest detractor score of the recommend item (default 6; set it on scales such as 1-5).
    #[arg(long, value_name = "SCORE")]
    pub detractor_max: Option<f64>,
    /// Stakeholder group of the survey: customers, employees, investors, suppliers, or a name.
    #[arg(long, value_name = "GROUP", default_value = "customers")]
    pub group: String,
    /// Confidence level of every interval.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub level: f64,
    /// Drop missing scores (counted in the report) instead of failing on them.
    #[arg(long)]
    pub drop_missing: bool,
    /// Print the report as JSON (schema loyalty-report/1) instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as an HTML page with charts to this file.
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
}

impl ReportArgs {
    /// True when the user gave no data file, so every section runs on the
    /// bundled data.
    pub fn uses_bundled(&self) -> bool {
        self.survey.is_none()
    }
}

/// One computed index, the unit of the JSON `results` list.
#[derive(Debug, Clone, Serialize)]
pub struct ReportResult {
    /// Section that produced it, e.g. "survey".
    pub section: String,
    /// Index name, e.g. "NPS", "CSAT top-2-box", "retention_12m".
    pub index: String,
    /// Stakeholder group.
    pub group: String,
    /// Segment label; `null` for the whole group.
    pub segment: Option<String>,
    /// Point estimate.
    pub value: f64,
    /// Lower bound of the interval (`null` where there is none).
    pub ci_low: Option<f64>,
    /// Upper bound of the interval.
    pub ci_high: Option<f64>,
    /// Level of the interval.
    pub level: Option<f64>,
    /// Number of observations.
    pub n: f64,
    /// Method of the estimate and interval.
    pub method: String,
    /// Section-specific fields (standard error, p-values, units, notes).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl ReportResult {
    /// Builds a result from a core [`loyalty::Estimate`], keeping its standard error in `extra`.
    pub fn from_estimate(
        section: &str,
        index: &str,
        group: &str,
        segment: Option<&str>,
        est: &loyalty::Estimate,
    ) -> Self {
        let mut extra = BTreeMap::new();
        extra.insert("se".to_string(), serde_json::json!(est.se));
        if est.n_missing > 0.0 {
            extra.insert("n_missing".to_string(), serde_json::json!(est.n_missing));
        }
        ReportResult {
            section: section.to_string(),
            index: index.to_string(),
            group: group.to_string(),
            segment: segment.map(str::to_string),
            value: est.value,
            ci_low: Some(est.ci_low),
            ci_high: Some(est.ci_high),
            level: Some(est.level),
            n: est.n,
            method: est.method.clone(),
            extra,
        }
    }
}

/// A table for the terminal and HTML renderings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells, already formatted.
    pub rows: Vec<Vec<String>>,
}

/// A chart for the HTML report: an SVG document.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Caption under the chart.
    pub caption: String,
    /// The SVG markup.
    #[serde(skip)]
    pub svg: String,
}

/// One section of the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// Machine name, e.g. "survey".
    pub name: String,
    /// Heading.
    pub title: String,
    /// Data source, with its origin.
    pub source: String,
    /// Assumptions and caveats shown under the heading.
    pub notes: Vec<String>,
    /// Tables in display order.
    pub tables: Vec<Table>,
    /// Indices computed in this section.
    pub results: Vec<ReportResult>,
    /// Charts for the HTML report.
    #[serde(skip)]
    pub charts: Vec<Chart>,
}

/// The JSON document printed by `loyalty report --json`.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    level: f64,
    results: Vec<&'a ReportResult>,
    sections: &'a [Section],
}

/// Builds every section and prints the report.
///
/// # Errors
/// Any [`CliError`] of a section; nothing is printed then.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(CliError::Usage(format!(
            "--level {} is invalid: give a confidence level between 0 and 1, e.g. 0.95",
            args.level
        )));
    }
    if args.survey.is_none() {
        let given: Vec<&str> = [
            ("--recommend", args.recommend.is_some()),
            ("--segment", args.segment.is_some()),
            ("--promoter-min", args.promoter_min.is_some()),
            ("--detractor-max", args.detractor_max.is_some()),
            ("--drop-missing", args.drop_missing),
            ("--group", args.group != "customers"),
            ("--scale", args.scale != "0-10"),
        ]
        .iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| *name)
        .collect();
        if !given.is_empty() {
            return Err(CliError::Usage(format!(
                "the options {} apply only to a survey file: add --survey FILE.csv, or leave them out to report on the bundled data",
                given.join(", ")
            )));
        }
    }
    let sections = build(args)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let doc = JsonReport {
            schema: SCHEMA,
            level: args.level,
            results: sections.iter().flat_map(|s| s.results.iter()).collect(),
            sections: &sections,
        };
        let text =
            serde_json::to_string_pretty(&doc).map_err(|e| CliError::Usage(e.to_string()))?;
        writeln!(out, "{text}").map_err(write_err("standard output"))?;
    } else {
        write!(out, "{}", render_text(&sections)).map_err(write_err("standard output"))?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, html::render(&sections))
            .map_err(write_err(&path.display().to_string()))?;
    }
    Ok(())
}

fn write_err(path: &str) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Write {
        path: path.to_string(),
        message: e.to_string(),
    }
}

/// Builds all sections in report order.
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    let mut sections = Vec::new();
    sections.extend(survey::build(args)?);
    // A user's survey file feeds the survey section only; the other sections
    // need data of their own, which only the bundled sets provide.
    if !args.uses_bundled() {
        return Ok(sections);
    }
    sections.extend(separation::build(args)?);
    sections.extend(drivers::build(args)?);
    sections.extend(retention::build(args)?);
    sections.extend(behaviour::build(args)?);
    sections.extend(value::build(args)?);
    Ok(sections)
}

/// Renders sections as plain-text tables.
pub fn render_text(sections: &[Section]) -> String {
    let mut s = String::new();
    for section in sections {
        s.push_str(&format!(
            "\n{}\n{}\n",
            section.title,
            "=".repeat(section.title.chars().count())
        ));
        if !section.source.is_empty() {
            s.push_str(&format!("Data: {}\n", section.source));
        }
        for note in &section.notes {
            s.push_str(&format!("Note: {note}\n"));
        }
        for table in &section.tables {
            s.push('\n');
            s.push_str(&render_table(table));
        }
    }
    s
}

fn render_table(table: &Table) -> String {
    let ncol = table.headers.len();
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate().take(ncol) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate().take(ncol) {
            if i > 0 {
                l.push_str("  ");
            }
            // Left-align the first column (labels), right-align numbers.
            if i == 0 {
                l.push_str(&format!("{:<w$}", cell, w = widths[i]));
            } else {
                l.push_str(&format!("{:>w$}", cell, w = widths[i]));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = line(&table.headers);
    s.push_str(
        &(widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
            + "\n"),
    );
    for row in &table.rows {
        s.push_str(&line(row));
    }
    s
}

/// Formats a number with `digits` decimals.
pub fn fmt(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "-".to_string()
    }
}

/// Formats an interval as "low to high".
pub fn fmt_ci(low: f64, high: f64, digits: usize) -> String {
    format!("{} to {}", fmt(low, digits), fmt(high, digits))
}
