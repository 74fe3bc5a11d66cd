//! Cohort retention tables: members grouped by the calendar period of their
//! start (the cohort) and counted at each whole period since.
//!
//! A member of cohort `c` is retained at period `k >= 1` when it is still
//! active at the start of calendar period `c + k`. So it has no end date, or
//! its end date is after the first day of that period. An end date is the
//! first day the member is no longer active. Period 0 holds the cohort size.
//!
//! A cell `(c, k)` is observable when the first day of period `c + k` is on
//! or before the observation end. Later cells are right-censored: they are
//! `None` (NaN in Python), never 0, and are left out of every average, while
//! a cohort that really lost every member shows 0 there.
//!
//! Each cohort is stored as a [`RiskTable`] of whole periods (churned at the
//! last period reached, or censored at the last observable period), so cohort
//! tables of partitions merge by adding their risk tables.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use jiff::civil::Date;
use jiff::{Span, Unit};
use serde::{Deserialize, Serialize};

use super::risk_table::RiskTable;
use crate::error::{check_same_len, Error, Result};

/// Length of a calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar day.
    Day,
    /// ISO week, Monday to Sunday.
    Week,
    /// Calendar month.
    Month,
    /// Calendar quarter.
    Quarter,
    /// Calendar year.
    Year,
}

const EPOCH: Date = Date::constant(1970, 1, 1);

impl Period {
    /// Parses "D", "W", "M", "Q" or "Y" (as pandas spells them; "day",
    /// "week", "month", "quarter", "year" also work).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "d" | "day" => Ok(Period::Day),
            "w" | "week" => Ok(Period::Week),
            "m" | "ms" | "month" => Ok(Period::Month),
            "q" | "qs" | "quarter" => Ok(Period::Quarter),
            "y" | "a" | "ys" | "year" => Ok(Period::Year),
            _ => Err(Error::invalid_parameter(
                "period",
                format!("{name:?}"),
                "\"D\", \"W\", \"M\", \"Q\" or \"Y\"",
            )),
        }
    }

    /// Index of the calendar period holding `date` (consecutive periods have
    /// consecutive indices).
    pub fn index_of(self, date: Date) -> i64 {
        let year = i64::from(date.year());
        let month = i64::from(date.month());
        match self {
            Period::Day => days_since_epoch(date),
            // 1970-01-01 is a Thursday, so Monday-based weeks start 3 days earlier.
            Period::Week => (days_since_epoch(date) + 3).div_euclid(7),
            Period::Month => year * 12 + month - 1,
            Period::Quarter => year * 4 + (month - 1) / 3,
            Period::Year => year,
        }
    }

    /// First day of the period with index `index`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the day is outside jiff's date range.
    pub fn start_of(self, index: i64) -> Result<Date> {
        let out_of_range = || {
            Error::invalid_parameter(
                "period index",
                index,
                "a period within the years -9999..=9999",
            )
        };
        let ymd = |y: i64, m: i64| -> Result<Date> {
            let y = i16::try_from(y).map_err(|_| out_of_range())?;
            Date::new(y, m as i8, 1).map_err(|_| out_of_range())
        };
        match self {
            Period::Day => date_from_days(index).ok_or_else(out_of_range),
            Period::Week => date_from_days(index * 7 - 3).ok_or_else(out_of_range),
            Period::Month => ymd(index.div_euclid(12), index.rem_euclid(12) + 1),
            Period::Quarter => ymd(index.div_euclid(4), index.rem_euclid(4) * 3 + 1),
            Period::Year => ymd(index, 1),
        }
    }

    /// Label of the period with index `index`: "2024-01-15" for days and
    /// weeks (the Monday), "2024-01", "2024Q1" or "2024".
    pub fn label(self, index: i64) -> String {
        match (self, self.start_of(index)) {
            (_, Err(_)) => format!("period {index}"),
            (Period::Day | Period::Week, Ok(d)) => d.to_string(),
            (Period::Month, Ok(d)) => format!("{:04}-{:02}", d.year(), d.month()),
            (Period::Quarter, Ok(d)) => format!("{:04}Q{}", d.year(), (d.month() - 1) / 3 + 1),
            (Period::Year, Ok(d)) => format!("{:04}", d.year()),
        }
    }
}

/// Days from 1970-01-01 to `date` (negative before).
pub fn days_since_epoch(date: Date) -> i64 {
    // Spans between two civil dates in days always fit.
    EPOCH
        .until((Unit::Day, date))
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0)
}

/// Returns the date `days` after 1970-01-01, or `None` outside jiff's range.
pub fn date_from_days(days: i64) -> Option<Date> {
    EPOCH.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// Parses an ISO 8601 date ("2024-01-31"); a date-time
/// ("2024-01-31T10:00:00" or with a space) keeps its date.
///
/// # Errors
/// [`Error::Parse`] naming `what[index]` and the expected format.
pub fn parse_date(what: &str, index: usize, text: &str) -> Result<Date> {
    let trimmed = text.trim();
    if let Ok(d) = trimmed.parse::<Date>() {
        return Ok(d);
    }
    if let Ok(dt) = trimmed.parse::<jiff::civil::DateTime>() {
        return Ok(dt.date());
    }
    Err(Error::Parse {
        what: what.into(),
        index,
        text: text.into(),
        reason: "expected an ISO 8601 date such as 2024-01-31 (or a date-time 2024-01-31T10:00:00)"
            .into(),
    })
}

/// One cohort of a [`CohortTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// Period index of the cohort.
    pub index: i64,
    /// Label of the cohort, e.g. "2024-01".
    pub label: String,
    /// Last period since start that is observable (0 for a cohort of the
    /// observation end's own period).
    pub observable_periods: usize,
    /// Whole periods reached per member: churned (event) or still active at
    /// the last observable period (censored).
    pub table: RiskTable,
}

impl Cohort {
    /// Members of the cohort.
    pub fn size(&self) -> u64 {
        self.table.members()
    }

    /// Members retained at period `k`, or `None` when period `k` is not yet
    /// observable.
    pub fn retained(&self, k: usize) -> Option<u64> {
        if k > self.observable_periods {
            None
        } else if k == 0 {
            Some(self.size())
        } else {
            Some(self.table.at_risk_at(k as f64))
        }
    }

    /// Share of the cohort retained at period `k`, or `None` when not yet
    /// observable.
    pub fn share(&self, k: usize) -> Option<f64> {
        let size = self.size();
        self.retained(k).map(|r| {
            if size == 0 {
                0.0
            } else {
                r as f64 / size as f64
            }
        })
    }
}

/// Average retention at one period since start, over the cohorts that have
/// reached it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AverageRetention {
    /// Periods since start.
    pub period: usize,
    /// Σ retained / Σ cohort size over the observable cohorts: the share of
    /// all members, so large cohorts weigh more.
    pub weighted: f64,
    /// Mean of the cohorts' shares: every cohort weighs the same.
    pub unweighted: f64,
    /// Cohorts that have reached the period.
    pub cohorts: usize,
    /// Members of those cohorts.
    pub members: u64,
}

/// A cohort retention table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortTable {
    /// Length of the calendar period.
    pub period: Period,
    /// Last day of observation (ISO 8601 text in serde formats).
    #[serde(with = "iso_date")]
    pub observation_end: Date,
    /// Cohorts in calendar order.
    pub cohorts: Vec<Cohort>,
}

impl CohortTable {
    /// Builds the table from one record per member.
    ///
    /// `member_ids` only serve to reject a member given twice. `ends[i]` is
    /// the first day member `i` is no longer active, or `None` while active.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], and
    /// [`Error::InvalidData`] listing rows whose member id repeats, whose
    /// start is after the observation end, whose end is before the start or
    /// after the observation end.
    pub fn build<T: Hash + Eq>(
        member_ids: &[T],
        starts: &[Date],
        ends: &[Option<Date>],
        period: Period,
        observation_end: Date,
    ) -> Result<Self> {
        if starts.is_empty() {
            return Err(Error::Empty {
                what: "start_dates".into(),
                needed: "pass at least one member".into(),
            });
        }
        check_same_len("member_ids", member_ids.len(), "start_dates", starts.len())?;
        check_same_len("start_dates", starts.len(), "end_dates", ends.len())?;
        check_members(member_ids, starts, ends, observation_end)?;

        let end_index = period.index_of(observation_end);
        let mut by_cohort: BTreeMap<i64, (Vec<f64>, Vec<bool>)> = BTreeMap::new();
        for (start, end) in starts.iter().zip(ends) {
            let c = period.index_of(*start);
            let observable = end_index - c;
            let (reached, churned) = match end {
                None => (observable, false),
                Some(e) => {
                    // Periods c+1.. whose first day is before the end date.
                    let mut last = period.index_of(*e);
                    if period.start_of(last)? == *e {
                        last -= 1;
                    }
                    ((last - c).max(0), true)
                }
            };
            let entry = by_cohort.entry(c).or_default();
            entry.0.push(reached as f64);
            entry.1.push(churned);
        }
        let cohorts = by_cohort
            .into_iter()
            .map(|(c, (durations, events))| {
                Ok(Cohort {
                    index: c,
                    label: period.label(c),
                    observable_periods: (end_index - c) as usize,
                    table: RiskTable::from_durations(&durations, Some(&events), None)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CohortTable {
            period,
            observation_end,
            cohorts,
        })
    }

    /// Adds the members of `other` (a table of another partition with the
    /// same period and observation end).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the periods or observation ends differ.
    pub fn merge(&mut self, other: &CohortTable) -> Result<()> {
        if self.period != other.period || self.observation_end != other.observation_end {
            return Err(Error::invalid_parameter(
                "merged cohort table",
                format!("{:?} to {}", other.period, other.observation_end),
                format!(
                    "cohort tables merge only with the same period and observation end ({:?} to {})",
                    self.period, self.observation_end
                ),
            ));
        }
        let mut map: BTreeMap<i64, Cohort> = self.cohorts.drain(..).map(|c| (c.index, c)).collect();
        for c in &other.cohorts {
            match map.get_mut(&c.index) {
                Some(mine) => mine.table.merge(&c.table),
                None => {
                    map.insert(c.index, c.clone());
                }
            }
        }
        self.cohorts = map.into_values().collect();
        Ok(())
    }

    /// Largest observable period over all cohorts.
    pub fn max_period(&self) -> usize {
        self.cohorts
            .iter()
            .map(|c| c.observable_periods)
            .max()
            .unwrap_or(0)
    }

    /// Average retention at each period `0..=max_period`, weighted by cohort
    /// size and unweighted, over the cohorts that have reached the period.
    pub fn average_retention(&self) -> Vec<AverageRetention> {
        (0..=self.max_period())
            .map(|k| {
                let mut retained = 0u64;
                let mut members = 0u64;
                let mut shares = 0.0;
                let mut cohorts = 0usize;
                for c in &self.cohorts {
                    if let (Some(r), Some(s)) = (c.retained(k), c.share(k)) {
                        retained += r;
                        members += c.size();
                        shares += s;
                        cohorts += 1;
                    }
                }
                AverageRetention {
                    period: k,
                    weighted: if members > 0 {
                        retained as f64 / members as f64
                    } else {
                        f64::NAN
                    },
                    unweighted: if cohorts > 0 {
                        shares / cohorts as f64
                    } else {
                        f64::NAN
                    },
                    cohorts,
                    members,
                }
            })
            .collect()
    }

    /// Merges the risk tables of every cohort, in periods since start, into
    /// the input of a Kaplan-Meier curve over all cohorts.
    pub fn pooled(&self) -> RiskTable {
        self.cohorts
            .iter()
            .fold(RiskTable::new(), |acc, c| acc.merged(&c.table))
    }
}

/// Serde adapter writing a [`Date`] as ISO 8601 text, because the `jiff`
/// dependency is built without its `serde` feature.
mod iso_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn check_members<T: Hash + Eq>(
    member_ids: &[T],
    starts: &[Date],
    ends: &[Option<Date>],
    observation_end: Date,
) -> Result<()> {
    let mut seen: HashMap<&T, usize> = HashMap::with_capacity(member_ids.len());
    let repeated: Vec<usize> = member_ids
        .iter()
        .enumerate()
        .filter(|(i, id)| *seen.entry(id).or_insert(*i) != *i)
        .map(|(i, _)| i)
        .collect();
    if !repeated.is_empty() {
        return Err(Error::invalid_rows(
            "member_ids",
            "a member id appears more than once",
            &repeated,
            "give each member one row (first start, last end), or make the ids unique per spell",
        ));
    }
    let late: Vec<usize> = (0..starts.len())
        .filter(|&i| starts[i] > observation_end)
        .collect();
    if !late.is_empty() {
        return Err(Error::invalid_rows(
            "start_dates",
            format!("start date after the observation end {observation_end}"),
            &late,
            "drop members who start after the observation end, or move the observation end",
        ));
    }
    let before: Vec<usize> = (0..starts.len())
        .filter(|&i| matches!(ends[i], Some(e) if e < starts[i]))
        .collect();
    if !before.is_empty() {
        return Err(Error::invalid_rows(
            "end_dates",
            "end date before the start date",
            &before,
            "swap or correct the dates",
        ));
    }
    let after: Vec<usize> = (0..starts.len())
        .filter(|&i| matches!(ends[i], Some(e) if e > observation_end))
        .collect();
    if !after.is_empty() {
        return Err(Error::invalid_rows(
            "end_dates",
            format!("end date after the observation end {observation_end}"),
            &after,
            "an end after the observation end is not yet observed: leave it empty (still active) or move the observation end",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn period_index_round_trips() {
        for p in [
            Period::Day,
            Period::Week,
            Period::Month,
            Period::Quarter,
            Period::Year,
        ] {
            let d = date("2024-02-29");
            let start = p.start_of(p.index_of(d)).unwrap();
            assert!(start <= d, "{p:?}");
            assert_eq!(p.index_of(start), p.index_of(d), "{p:?}");
        }
        assert_eq!(
            Period::Week
                .start_of(Period::Week.index_of(date("2024-01-07")))
                .unwrap(),
            date("2024-01-01")
        );
        assert_eq!(
            Period::Quarter.label(Period::Quarter.index_of(date("2024-05-02"))),
            "2024Q2"
        );
    }

    #[test]
    fn parse_date_reads_date_times() {
        assert_eq!(
            parse_date("d", 0, "2018-04-24T19:19:25").unwrap(),
            date("2018-04-24")
        );
        assert!(parse_date("d", 3, "01/15/2026").is_err());
    }

    #[test]
    fn end_on_period_start_not_retained() {
        let t = CohortTable::build(
            &[1, 2],
            &[date("2024-01-10"), date("2024-01-20")],
            &[Some(date("2024-02-01")), Some(date("2024-02-02"))],
            Period::Month,
            date("2024-06-30"),
        )
        .unwrap();
        let c = &t.cohorts[0];
        assert_eq!(c.retained(1), Some(1));
        assert_eq!(c.retained(2), Some(0));
    }
}
