//! The `loyalty` command: loyalty reports on bundled real data or on your files.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod data;
mod report;
mod rfm;

/// Errors of the command line tool; each names the file, line and column
/// involved where there is one.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// An output could not be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A file's content is invalid.
    #[error("{source_name}, line {line}{}: {message}", column.as_ref().map(|c| format!(", column {c:?}")).unwrap_or_default())]
    Input {
        /// File name.
        source_name: String,
        /// 1-based line number (0 when unknown).
        line: u64,
        /// Column name, where one is involved.
        column: Option<String>,
        /// Description of the problem and its fix.
        message: String,
    },
    /// The core rejected the data or an option.
    #[error("{context}: {error}")]
    Core {
        /// Computation that failed, e.g. "NPS of segment North".
        context: String,
        /// The core's error.
        error: Box<loyalty::Error>,
    },
    /// Options that do not fit together.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// Builds [`CliError::Input`].
    pub fn input(
        source: &str,
        line: u64,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        CliError::Input {
            source_name: source.to_string(),
            line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }

    /// Wraps a core error with what was being computed.
    pub fn core(context: impl Into<String>) -> impl FnOnce(loyalty::Error) -> Self {
        let context = context.into();
        move |error| CliError::Core {
            context,
            error: Box::new(error),
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "loyalty",
    version,
    about = "Stakeholder loyalty management: survey indices, retention, value"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compute the loyalty report on the bundled real data, or on your files.
    Report(report::ReportArgs),
    /// Summarise a transaction CSV per customer (frequency, recency, T,
    /// monetary value) and print the summary as CSV.
    Rfm(rfm::RfmArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => report::run(&args),
        Command::Rfm(args) => rfm::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("loyalty: error: {err}");
            ExitCode::from(2)
        }
    }
}
