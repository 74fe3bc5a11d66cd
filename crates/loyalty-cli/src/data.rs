//! Input files: the bundled real data sets and CSV files given by the user.
//!
//! Every read error names the file, the line and the column, so a user can
//! find the bad cell.

use std::collections::HashMap;
use std::path::Path;

use crate::CliError;

/// A bundled data set, compiled into the binary so that `loyalty report`
/// runs from any directory. Origins are in `data/README.md`.
pub struct Bundled {
    /// Name shown in reports and errors, e.g. "bundled:survey/mobi.csv".
    pub name: &'static str,
    /// File contents.
    pub bytes: &'static [u8],
}

macro_rules! bundled {
    ($path:literal) => {
        Bundled {
            name: concat!("bundled:", $path),
            bytes: include_bytes!(concat!("../data/", $path)),
        }
    };
}

/// The ECSI mobile-phone survey (1-10 items; CUSL3 is the recommend item).
pub const MOBI: Bundled = bundled!("survey/mobi.csv");
/// The CDNOW transaction log (whitespace separated, header line).
/// The 1/10 CDNOW sample log of Fader, Hardie & Lee (2005), no header:
/// `master_id sample_id YYYYMMDD cds dollars`.
pub const CDNOW_SAMPLE: Bundled = bundled!("cdnow/CDNOW_sample.txt");
#[allow(dead_code)] // used by the sections that need it
pub const CDNOW_MASTER: Bundled = bundled!("cdnow/CDNOW_master.txt");
/// IBM telco churn (tenure in months, contract, churn flag).
#[allow(dead_code)] // used by the sections that need it
pub const TELCO: Bundled = bundled!("churn/ibm_telco_churn.csv");
/// IBM HR attrition (YearsAtCompany, Attrition, Department, satisfaction items).
#[allow(dead_code)] // used by the sections that need it
pub const HR: Bundled = bundled!("churn/ibm_hr_attrition.csv");
/// Fader-Hardie 2007 survivors per 1,000 by year.
#[allow(dead_code)] // used by the sections that need it
pub const SBG_SURVIVAL: Bundled = bundled!("sbg/fh2007_survival.csv");

/// A CSV file held in memory with its header, for column access by name.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// File name as shown in errors.
    pub source: String,
    /// Column names from the header line.
    pub headers: Vec<String>,
    /// Data rows with their 1-based line numbers in the file.
    pub rows: Vec<(u64, Vec<String>)>,
    index: HashMap<String, usize>,
}

impl CsvTable {
    /// Parses CSV text with a header line.
    ///
    /// # Errors
    /// [`CliError::Input`] naming the line of a malformed record.
    pub fn parse(source: &str, bytes: &[u8]) -> Result<Self, CliError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| CliError::input(source, 1, None, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(CliError::input(
                source,
                1,
                None,
                "the file is empty: expected a header line naming the columns",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = headers.iter().find(|h| !seen.insert(h.as_str())) {
            return Err(CliError::input(
                source,
                1,
                Some(dup),
                "the column name appears more than once in the header; rename one of them",
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                CliError::input(source, line, None, e.to_string())
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            rows.push((line, record.iter().map(|s| s.to_string()).collect()));
        }
        let index = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Ok(CsvTable {
            source: source.to_string(),
            headers,
            rows,
            index,
        })
    }

    /// Reads and parses a CSV file from disk.
    ///
    /// # Errors
    /// [`CliError::Io`] if the file cannot be read, else as [`CsvTable::parse`].
    pub fn read(path: &Path) -> Result<Self, CliError> {
        let bytes = std::fs::read(path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        CsvTable::parse(&path.display().to_string(), &bytes)
    }

    /// Parses a bundled data set.
    ///
    /// # Errors
    /// As [`CsvTable::parse`].
    pub fn bundled(data: &Bundled) -> Result<Self, CliError> {
        CsvTable::parse(data.name, data.bytes)
    }

    fn column_index(&self, name: &str) -> Result<usize, CliError> {
        self.index.get(name).copied().ok_or_else(|| {
            CliError::input(
                &self.source,
                1,
                Some(name),
                format!(
                    "column {name:?} not found; the header has {}{}",
                    self.headers.join(", "),
                    if self.headers.len() == 1 && self.headers[0].contains(';') {
                        " (columns must be separated by commas)"
                    } else {
                        ""
                    }
                ),
            )
        })
    }

    /// Returns a column as numbers. Empty cells and "NA" become NaN, so that the
    /// core's missing-value policy decides what to do with them.
    ///
    /// # Errors
    /// [`CliError::Input`] naming file, line and column of a cell that is not a number.
    pub fn column_f64(&self, name: &str) -> Result<Vec<f64>, CliError> {
        let c = self.column_index(name)?;
        self.rows
            .iter()
            .map(|(line, row)| {
                let cell = row[c].trim();
                if cell.is_empty() || cell.eq_ignore_ascii_case("na") {
                    return Ok(f64::NAN);
                }
                cell.parse::<f64>().map_err(|_| {
                    CliError::input(
                        &self.source,
                        *line,
                        Some(name),
                        format!("{cell:?} is not a number"),
                    )
                })
            })
            .collect()
    }

    /// Returns a column as text.
    ///
    /// # Errors
    /// [`CliError::Input`] if the column does not exist.
    pub fn column_str(&self, name: &str) -> Result<Vec<String>, CliError> {
        let c = self.column_index(name)?;
        Ok(self
            .rows
            .iter()
            .map(|(_, row)| row[c].trim().to_string())
            .collect())
    }

    /// Line number (1-based, in the file) of data row `i`.
    pub fn line_of(&self, i: usize) -> u64 {
        self.rows.get(i).map(|(l, _)| *l).unwrap_or(0)
    }
}
