//! Periods of an RFM summary: how transactions are grouped and in which unit
//! `recency`, `T` and the holdout duration are reported.
//!
//! Dates enter as civil day numbers (days since 1970-01-01 in the declared
//! time zone). The conversion between day numbers and civil dates uses Howard
//! Hinnant's algorithms ("chrono-Compatible Low-Level Date Algorithms",
//! `days_from_civil` and `civil_from_days`), written out here because `jiff`
//! 0.2 does not expose epoch-day numbers and converting through its `Span`
//! arithmetic costs far more per row.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The period that groups transactions and the time unit of the summary.
///
/// Under the Fader-Hardie convention several purchases in one period count
/// as one repeat transaction whose value is their sum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar days; times are whole days.
    Day,
    /// Calendar weeks starting on Monday (the ISO 8601 week, and pandas'
    /// `W-SUN` period); times are whole weeks.
    Week,
    /// Calendar months; times are whole months.
    Month,
    /// Transactions grouped by calendar day, times measured in units of this
    /// many days and therefore fractional. `Days(7.0)` gives the weeks of
    /// Fader, Hardie and Lee's CDNOW summary (days / 7).
    Days(f64),
}

impl Period {
    /// Parses `"D"`/`"day"`, `"W"`/`"week"`, `"M"`/`"month"` (any case), or
    /// a positive number of days such as `"7"` or `"30.4375"`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for any other text, including pandas
    /// offsets such as `"7D"`, whose fixed bins differ from this convention.
    pub fn parse(text: &str) -> Result<Period> {
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => return Ok(Period::Day),
            "w" | "week" | "weeks" => return Ok(Period::Week),
            "m" | "month" | "months" => return Ok(Period::Month),
            _ => {}
        }
        match trimmed.parse::<f64>() {
            Ok(days) => Period::days(days),
            Err(_) => Err(Error::invalid_parameter(
                "period",
                format!("{text:?}"),
                "\"D\" (day), \"W\" (week), \"M\" (month) or a positive number of days such as \"7\"",
            )),
        }
    }

    /// Builds [`Period::Days`] after checking the length.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `days` is finite and positive.
    pub fn days(days: f64) -> Result<Period> {
        if days.is_finite() && days > 0.0 {
            Ok(Period::Days(days))
        } else {
            Err(Error::invalid_parameter(
                "period",
                days,
                "a positive, finite number of days",
            ))
        }
    }

    /// Checks a period built directly as an enum value.
    pub(crate) fn check(self) -> Result<Period> {
        match self {
            Period::Days(d) => Period::days(d),
            other => Ok(other),
        }
    }

    /// Index of the period that contains civil day `day`. Indices of
    /// consecutive periods differ by one.
    pub(crate) fn index(self, day: i64) -> i64 {
        match self {
            Period::Day | Period::Days(_) => day,
            // 1969-12-29 (day -3) is a Monday, so weeks are counted from it.
            Period::Week => (day + 3).div_euclid(7),
            Period::Month => {
                let (year, month, _) = civil_from_days(day);
                year * 12 + i64::from(month) - 1
            }
        }
    }

    /// Time from period index `from` to `to` in the summary's time unit.
    pub(crate) fn span(self, from: i64, to: i64) -> f64 {
        let steps = (to - from) as f64;
        match self {
            Period::Days(d) => steps / d,
            _ => steps,
        }
    }

    /// Human-readable name of the time unit, for docs and messages.
    pub fn unit_name(self) -> String {
        match self {
            Period::Day => "days".to_string(),
            Period::Week => "weeks".to_string(),
            Period::Month => "months".to_string(),
            Period::Days(d) => format!("units of {d} days"),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Day => write!(f, "D"),
            Period::Week => write!(f, "W"),
            Period::Month => write!(f, "M"),
            Period::Days(d) => write!(f, "{d}"),
        }
    }
}

/// Days since 1970-01-01 of the proleptic Gregorian date `year-month-day`.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Civil date `(year, month, day)` of a day number (inverse of
/// [`days_from_civil`]).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Number of days in `month` of `year` (Gregorian leap years).
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap {
                29
            } else {
                28
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for day in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }

    #[test]
    fn day_numbers_agree_with_jiff() {
        let epoch = jiff::civil::date(1970, 1, 1);
        for (y, m, d) in [(1997, 1, 1), (2024, 2, 29), (1900, 3, 1), (2400, 12, 31)] {
            let date = jiff::civil::date(y, m, d);
            let days = date.since((jiff::Unit::Day, epoch)).unwrap().get_days();
            assert_eq!(
                days_from_civil(i64::from(y), m as u32, d as u32),
                i64::from(days)
            );
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let monday = days_from_civil(2024, 1, 1);
        let sunday = days_from_civil(2024, 1, 7);
        let next_monday = days_from_civil(2024, 1, 8);
        assert_eq!(Period::Week.index(monday), Period::Week.index(sunday));
        assert_eq!(
            Period::Week.index(next_monday),
            Period::Week.index(monday) + 1
        );
        assert_eq!(Period::Week.index(days_from_civil(1969, 12, 28)), -1);
    }

    #[test]
    fn months_are_consecutive() {
        let jan31 = Period::Month.index(days_from_civil(2023, 1, 31));
        let feb1 = Period::Month.index(days_from_civil(2023, 2, 1));
        let dec = Period::Month.index(days_from_civil(2022, 12, 15));
        assert_eq!(feb1, jan31 + 1);
        assert_eq!(dec, jan31 - 1);
    }

    #[test]
    fn period_parse_accepts_names_and_days() {
        assert_eq!(Period::parse("W").unwrap(), Period::Week);
        assert_eq!(Period::parse("day").unwrap(), Period::Day);
        assert_eq!(Period::parse("Month").unwrap(), Period::Month);
        assert_eq!(Period::parse("7").unwrap(), Period::Days(7.0));
        assert!(Period::parse("7D").is_err());
        assert!(Period::parse("0").is_err());
        assert!(Period::parse("-3").is_err());
        assert!(Period::parse("nan").is_err());
    }
}
