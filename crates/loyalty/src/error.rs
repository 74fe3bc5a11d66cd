//! The one error type of the core crate.
//!
//! Every variant names the value that was rejected and, where there is one, the
//! fix. The Python package maps each variant to its own exception class under
//! `loyalty.LoyaltyError`, and the C ABI maps each to a status code, so adding a
//! variant means adding it to both front ends as well.

use thiserror::Error as ThisError;

/// Result type of the core crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Errors raised by the core crate.
#[derive(Debug, Clone, PartialEq, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// An input that needs at least one element (or more) has too few.
    #[error("{what} is empty or too short: {needed}")]
    Empty {
        /// Name of the input, e.g. "scores".
        what: String,
        /// Requirement and fix, e.g. "pass at least one score".
        needed: String,
    },

    /// Two inputs that must be the same length are not.
    #[error("length mismatch: {left} has {left_len} elements but {right} has {right_len}; pass inputs of equal length")]
    LengthMismatch {
        /// Name of the first input.
        left: String,
        /// Length of the first input.
        left_len: usize,
        /// Name of the second input.
        right: String,
        /// Length of the second input.
        right_len: usize,
    },

    /// A value is NaN or infinite (or missing) where a finite number is required.
    #[error(
        "{what}[{index}] is {value}, not a finite number; remove or impute missing values{hint}"
    )]
    NotFinite {
        /// Name of the input.
        what: String,
        /// Position of the first bad element.
        index: usize,
        /// The value as found (NaN, inf, -inf).
        value: f64,
        /// Extra advice, empty or starting with "; ".
        hint: String,
    },

    /// A data value lies outside the allowed range or set (a score off the
    /// scale, a fractional score on an integral scale, a negative count).
    #[error("{what}[{index}] = {value} is invalid: {expected}")]
    OutOfRange {
        /// Name of the input.
        what: String,
        /// Position of the first bad element.
        index: usize,
        /// The value as found.
        value: f64,
        /// Expected range or set, e.g. "scores must be integers 0..=10".
        expected: String,
    },

    /// A parameter or option is invalid.
    #[error("invalid {name} = {value}: {expected}")]
    InvalidParameter {
        /// Parameter name as the caller spells it.
        name: String,
        /// The value as given.
        value: String,
        /// Accepted values.
        expected: String,
    },

    /// Rows of a data set break a rule of the model (recency > T, negative
    /// frequency, entry >= exit). All offending rows are listed, up to a cap.
    #[error("invalid data in {what}: {reason} (rows {rows:?}{more}); {fix}")]
    InvalidData {
        /// Name of the input.
        what: String,
        /// Rule that the rows break.
        reason: String,
        /// Zero-based row numbers of the first offending rows.
        rows: Vec<usize>,
        /// Empty, or ", and N more" when rows were cut.
        more: String,
        /// Fix for the caller.
        fix: String,
    },

    /// A text value (date, number, label) could not be parsed.
    #[error("cannot parse {what}[{index}] = {text:?}: {reason}")]
    Parse {
        /// Name of the input.
        what: String,
        /// Position of the value.
        index: usize,
        /// The text as given.
        text: String,
        /// Cause of the failure and the expected format.
        reason: String,
    },

    /// An iterative fit stopped without meeting its convergence criterion.
    #[error("{method} did not converge after {iterations} iterations ({reason}); {advice}")]
    NotConverged {
        /// Name of the fit, e.g. "BG/NBD maximum likelihood".
        method: String,
        /// Iterations done.
        iterations: usize,
        /// Reason the iterations stopped.
        reason: String,
        /// Next step to try.
        advice: String,
    },

    /// A matrix that must be positive semidefinite is not.
    #[error("{what} is not positive semidefinite (smallest eigenvalue {min_eigenvalue:e}); build it from complete cases or repair it before use")]
    NotPositiveSemidefinite {
        /// Name of the matrix.
        what: String,
        /// Its smallest eigenvalue.
        min_eigenvalue: f64,
    },

    /// The data cannot identify what was asked (zero variance, singular
    /// design, all members in one category where two are compared).
    #[error("{what} is degenerate: {reason}")]
    Degenerate {
        /// Name of the quantity or input.
        what: String,
        /// Cause and fix.
        reason: String,
    },
}

impl Error {
    /// Builds [`Error::InvalidParameter`] from displayable parts.
    pub fn invalid_parameter(
        name: impl Into<String>,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }

    /// Builds [`Error::InvalidData`] from all offending rows, keeping the first
    /// 10 in the message.
    pub fn invalid_rows(
        what: impl Into<String>,
        reason: impl Into<String>,
        rows: &[usize],
        fix: impl Into<String>,
    ) -> Self {
        const SHOWN: usize = 10;
        let more = if rows.len() > SHOWN {
            format!(", and {} more", rows.len() - SHOWN)
        } else {
            String::new()
        };
        Error::InvalidData {
            what: what.into(),
            reason: reason.into(),
            rows: rows.iter().take(SHOWN).copied().collect(),
            more,
            fix: fix.into(),
        }
    }

    /// Stable name of the variant, used for the Python exception class and
    /// the C status code.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Empty { .. } => "Empty",
            Error::LengthMismatch { .. } => "LengthMismatch",
            Error::NotFinite { .. } => "NotFinite",
            Error::OutOfRange { .. } => "OutOfRange",
            Error::InvalidParameter { .. } => "InvalidParameter",
            Error::InvalidData { .. } => "InvalidData",
            Error::Parse { .. } => "Parse",
            Error::NotConverged { .. } => "NotConverged",
            Error::NotPositiveSemidefinite { .. } => "NotPositiveSemidefinite",
            Error::Degenerate { .. } => "Degenerate",
        }
    }
}

/// Checks that two inputs have the same length.
pub fn check_same_len(left: &str, left_len: usize, right: &str, right_len: usize) -> Result<()> {
    if left_len == right_len {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            left: left.to_string(),
            left_len,
            right: right.to_string(),
            right_len,
        })
    }
}

/// Checks that every value is finite, naming the first that is not.
pub fn check_finite(what: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NotFinite {
            what: what.to_string(),
            index,
            value: values[index],
            hint: String::new(),
        }),
    }
}

/// Checks that an input is not empty.
pub fn check_not_empty(what: &str, len: usize) -> Result<()> {
    if len == 0 {
        Err(Error::Empty {
            what: what.to_string(),
            needed: "pass at least one value".to_string(),
        })
    } else {
        Ok(())
    }
}

/// Checks a confidence level in (0, 1).
pub fn check_level(level: f64) -> Result<()> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "level",
            level,
            "a confidence level strictly between 0 and 1, e.g. 0.95",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync() {
        fn assert_traits<T: Send + Sync + 'static>() {}
        assert_traits::<Error>();
    }

    #[test]
    fn invalid_rows_caps_listing() {
        let rows: Vec<usize> = (0..25).collect();
        let err = Error::invalid_rows("summary", "recency > T", &rows, "fix the rows");
        let text = err.to_string();
        assert!(text.contains("and 15 more"), "{text}");
        assert_eq!(err.kind(), "InvalidData");
    }

    #[test]
    fn finite_check_names_position() {
        let err = check_finite("scores", &[1.0, f64::NAN]).unwrap_err();
        assert!(err.to_string().contains("scores[1]"));
    }
}
