//! Transaction dates: parsing, time zones and conversion to civil day numbers.
//!
//! Every date becomes the number of the civil day (days since 1970-01-01) on
//! which it falls in the declared time zone, and only day numbers are
//! compared, so text is never compared as text. Zone-aware timestamps (text
//! with a UTC offset or a zone annotation, [`jiff::Timestamp`], Unix
//! nanoseconds) are converted to the declared zone first. Naive ones (a date,
//! or a date and time without offset) are read as wall-clock time of that zone.
//! A column that mixes both kinds is rejected, because its naive values have
//! no stated zone.

use jiff::civil;
use jiff::fmt::strtime;
use jiff::fmt::temporal::DateTimeParser;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

use super::period::{days_from_civil, days_in_month};
use crate::error::{Error, Result};

/// Day number of 0001-01-01, the earliest date accepted.
const MIN_DAY: i64 = -719_162;
/// Day number of 9999-12-31, the latest date accepted.
const MAX_DAY: i64 = 2_932_896;
const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// A column of transaction dates, as text or already parsed.
#[derive(Debug, Clone, Copy)]
pub enum DateColumn<'a> {
    /// Text, parsed with the declared format, or without one as ISO 8601
    /// (`2024-03-05`, `2024-03-05T14:30:00`, `2024-03-05 14:30+01:00`,
    /// `2024-03-05T14:30:00Z`, `2024-03-05T14:30[Europe/Paris]`), `20240305`
    /// or `2024/03/05`.
    Text(&'a [&'a str]),
    /// Owned text, parsed as [`DateColumn::Text`].
    Strings(&'a [String]),
    /// Zone-aware instants.
    Timestamps(&'a [Timestamp]),
    /// Naive dates and times (wall-clock time of the declared zone).
    DateTimes(&'a [civil::DateTime]),
    /// Naive dates.
    Dates(&'a [civil::Date]),
    /// Zone-aware instants as nanoseconds since 1970-01-01T00:00:00Z, the
    /// layout of a tz-aware pandas column. `i64::MIN` (pandas' NaT) is a
    /// missing date.
    UnixNanos(&'a [i64]),
    /// Naive date-times as nanoseconds since 1970-01-01T00:00:00 wall-clock
    /// time, the layout of numpy `datetime64[ns]`. `i64::MIN` (NaT) is a
    /// missing date.
    NaiveNanos(&'a [i64]),
    /// Zone-aware instants as ticks of a [`TimeUnit`] since
    /// 1970-01-01T00:00:00Z (pandas 2 and later keep tz-aware columns in
    /// seconds, milliseconds, microseconds or nanoseconds). `i64::MIN` (NaT)
    /// is a missing date.
    UnixTicks(&'a [i64], TimeUnit),
    /// Naive date-times as ticks of a [`TimeUnit`] since 1970-01-01T00:00:00
    /// wall-clock time, the layout of numpy `datetime64[s|ms|us|ns]`.
    /// `i64::MIN` (NaT) is a missing date.
    NaiveTicks(&'a [i64], TimeUnit),
    /// Naive civil days since 1970-01-01.
    DayNumbers(&'a [i64]),
    /// Text dates stored as distinct texts and one code per row, the layout
    /// of Arrow dictionary arrays and pandas categoricals: row `i` is
    /// `dictionary[codes[i]]`. Each text is parsed once.
    Dictionary {
        /// Distinct date texts, parsed as [`DateColumn::Text`].
        dictionary: &'a [&'a str],
        /// Index into `dictionary` of each row.
        codes: &'a [u32],
    },
}

/// Resolution of integer timestamps, the units of numpy `datetime64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds (`datetime64[s]`).
    Second,
    /// Milliseconds (`datetime64[ms]`).
    Millisecond,
    /// Microseconds (`datetime64[us]`, the unit pandas 3 gives parsed text).
    Microsecond,
    /// Nanoseconds (`datetime64[ns]`).
    Nanosecond,
}

impl TimeUnit {
    /// Parses numpy's unit code: `"s"`, `"ms"`, `"us"` or `"ns"`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for any other text.
    pub fn parse(code: &str) -> Result<TimeUnit> {
        match code {
            "s" => Ok(TimeUnit::Second),
            "ms" => Ok(TimeUnit::Millisecond),
            "us" => Ok(TimeUnit::Microsecond),
            "ns" => Ok(TimeUnit::Nanosecond),
            other => Err(Error::invalid_parameter(
                "time unit",
                format!("{other:?}"),
                "\"s\", \"ms\", \"us\" or \"ns\" (convert coarser datetime64 units to one of them)",
            )),
        }
    }

    /// Civil day (in the ticks' own frame) of each tick count. The divisor
    /// is a constant in each arm, which the compiler turns into a
    /// multiplication.
    fn days(self, ticks: &[i64]) -> Vec<i64> {
        fn floor<const PER_DAY: i64>(ticks: &[i64]) -> Vec<i64> {
            ticks.iter().map(|n| n.div_euclid(PER_DAY)).collect()
        }
        match self {
            TimeUnit::Second => floor::<SECONDS_PER_DAY>(ticks),
            TimeUnit::Millisecond => floor::<86_400_000>(ticks),
            TimeUnit::Microsecond => floor::<86_400_000_000>(ticks),
            TimeUnit::Nanosecond => floor::<NANOS_PER_DAY>(ticks),
        }
    }

    /// Name of the unit, plural, for messages.
    fn name(self) -> &'static str {
        match self {
            TimeUnit::Second => "seconds",
            TimeUnit::Millisecond => "milliseconds",
            TimeUnit::Microsecond => "microseconds",
            TimeUnit::Nanosecond => "nanoseconds",
        }
    }

    /// Whole seconds of a tick count, rounded down.
    fn seconds(self, ticks: i64) -> i64 {
        match self {
            TimeUnit::Second => ticks,
            TimeUnit::Millisecond => ticks.div_euclid(1_000),
            TimeUnit::Microsecond => ticks.div_euclid(1_000_000),
            TimeUnit::Nanosecond => ticks.div_euclid(1_000_000_000),
        }
    }
}

impl DateColumn<'_> {
    /// Number of dates.
    pub fn len(&self) -> usize {
        match self {
            DateColumn::Text(v) => v.len(),
            DateColumn::Strings(v) => v.len(),
            DateColumn::Timestamps(v) => v.len(),
            DateColumn::DateTimes(v) => v.len(),
            DateColumn::Dates(v) => v.len(),
            DateColumn::UnixNanos(v) | DateColumn::NaiveNanos(v) | DateColumn::DayNumbers(v) => {
                v.len()
            }
            DateColumn::UnixTicks(v, _) | DateColumn::NaiveTicks(v, _) => v.len(),
            DateColumn::Dictionary { codes, .. } => codes.len(),
        }
    }

    /// Whether the column contains no dates.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A single point in time, such as the end of the observation period.
#[derive(Debug, Clone, PartialEq)]
pub enum Moment {
    /// Text, parsed with the declared format if it matches, else as ISO 8601.
    Text(String),
    /// A zone-aware instant.
    Timestamp(Timestamp),
    /// A naive date and time (wall-clock time of the declared zone).
    DateTime(civil::DateTime),
    /// A naive date.
    Date(civil::Date),
    /// A naive civil day number (days since 1970-01-01).
    DayNumber(i64),
}

impl From<&str> for Moment {
    fn from(text: &str) -> Self {
        Moment::Text(text.to_string())
    }
}

impl From<civil::Date> for Moment {
    fn from(date: civil::Date) -> Self {
        Moment::Date(date)
    }
}

impl From<Timestamp> for Moment {
    fn from(ts: Timestamp) -> Self {
        Moment::Timestamp(ts)
    }
}

/// The declared zone and format that turn dates into day numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct DateSettings {
    /// Zone in which dates are floored to days; needed for zone-aware input.
    pub tz: Option<TimeZone>,
    /// strftime-style format of text dates (jiff's `strtime` directives).
    pub format: Option<String>,
}

impl DateSettings {
    pub(crate) fn new(tz: Option<&str>, format: Option<&str>) -> Result<Self> {
        let tz = tz.map(resolve_time_zone).transpose()?;
        let format = match format {
            Some(f) if f.trim().is_empty() => {
                return Err(Error::invalid_parameter(
                    "date_format",
                    format!("{f:?}"),
                    "a strftime-style format such as \"%m/%d/%Y\", or none for ISO 8601 dates",
                ))
            }
            other => other.map(str::to_string),
        };
        Ok(DateSettings { tz, format })
    }
}

/// Resolves a time zone name: an IANA name (`"Europe/Paris"`), `"UTC"`, or a
/// fixed offset such as `"+05:30"` or `"-08"`.
pub(crate) fn resolve_time_zone(name: &str) -> Result<TimeZone> {
    let trimmed = name.trim();
    if trimmed.eq_ignore_ascii_case("utc") || trimmed.eq_ignore_ascii_case("z") {
        return Ok(TimeZone::UTC);
    }
    if let Some(offset) = parse_fixed_offset(trimmed) {
        return Ok(TimeZone::fixed(offset));
    }
    TimeZone::get(trimmed).map_err(|e| {
        Error::invalid_parameter(
            "tz",
            format!("{name:?}"),
            format!("an IANA time zone name such as \"Europe/Paris\", \"UTC\", or a fixed offset such as \"+05:30\" ({e})"),
        )
    })
}

fn parse_fixed_offset(text: &str) -> Option<Offset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if !(0..=25).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// One parsed date before zone conversion.
#[derive(Debug, Clone, Copy)]
enum Parsed {
    /// A naive civil day number.
    Naive(i64),
    /// A zone-aware instant.
    Aware(Timestamp),
}

/// Converts a column of dates to civil day numbers in the declared zone.
///
/// # Errors
/// [`Error::Parse`] for text that does not parse (naming the first bad row,
/// its text and the count of others), [`Error::InvalidData`] for missing
/// dates, dates outside years 1..=9999 and a column that mixes zone-aware and
/// naive values, and [`Error::InvalidParameter`] for zone-aware dates without
/// a declared `tz`.
pub(crate) fn day_numbers(column: DateColumn<'_>, settings: &DateSettings) -> Result<Vec<i64>> {
    match column {
        DateColumn::Text(texts) => text_days(texts, settings),
        DateColumn::Strings(texts) => {
            let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
            text_days(&borrowed, settings)
        }
        DateColumn::Timestamps(values) => {
            let tz = require_tz(settings, || values.first().map(|t| t.to_string()))?;
            Ok(values.iter().map(|&t| aware_day(t, tz)).collect())
        }
        DateColumn::DateTimes(values) => Ok(values.iter().map(|dt| civil_day(dt.date())).collect()),
        DateColumn::Dates(values) => Ok(values.iter().map(|&d| civil_day(d)).collect()),
        DateColumn::UnixNanos(values) => day_numbers(
            DateColumn::UnixTicks(values, TimeUnit::Nanosecond),
            settings,
        ),
        DateColumn::NaiveNanos(values) => day_numbers(
            DateColumn::NaiveTicks(values, TimeUnit::Nanosecond),
            settings,
        ),
        DateColumn::UnixTicks(values, unit) => {
            check_not_missing(values)?;
            let tz = require_tz(settings, || {
                values
                    .first()
                    .map(|n| format!("{n} {} since 1970-01-01T00:00Z", unit.name()))
            })?;
            let utc_days = check_day_range(values, unit, unit.days(values))?;
            if *tz == TimeZone::UTC {
                return Ok(utc_days);
            }
            // jiff's range ends a few hours before 10000-01-01 UTC; instants
            // past it, and local dates in year 10000, are out of range.
            let local_days = values
                .iter()
                .map(|&n| {
                    Timestamp::from_second(unit.seconds(n)).map_or(i64::MAX, |ts| aware_day(ts, tz))
                })
                .collect();
            check_day_range(values, unit, local_days)
        }
        DateColumn::NaiveTicks(values, unit) => {
            check_not_missing(values)?;
            check_day_range(values, unit, unit.days(values))
        }
        DateColumn::Dictionary { dictionary, codes } => {
            let outside: Vec<usize> = (0..codes.len())
                .filter(|&i| codes[i] as usize >= dictionary.len())
                .collect();
            if let Some(&first) = outside.first() {
                return Err(Error::invalid_rows(
                    "dates",
                    format!(
                        "dictionary codes must be below its {} entries, but row {first} has code {}",
                        dictionary.len(),
                        codes[first]
                    ),
                    &outside,
                    "pass a code for every row that indexes the dictionary",
                ));
            }
            match text_days(dictionary, settings) {
                Ok(days) => Ok(codes.iter().map(|&c| days[c as usize]).collect()),
                // Errors name dictionary entries; the rows' texts, expanded,
                // give the same error naming rows.
                Err(_) => {
                    let texts: Vec<&str> = codes.iter().map(|&c| dictionary[c as usize]).collect();
                    text_days(&texts, settings)
                }
            }
        }
        DateColumn::DayNumbers(values) => {
            let out_of_range: Vec<usize> = values
                .iter()
                .enumerate()
                .filter(|(_, d)| !(MIN_DAY..=MAX_DAY).contains(*d))
                .map(|(i, _)| i)
                .collect();
            if !out_of_range.is_empty() {
                return Err(Error::invalid_rows(
                    "dates",
                    format!(
                        "day numbers must lie in {MIN_DAY}..={MAX_DAY} (years 1 to 9999), e.g. {}",
                        values[out_of_range[0]]
                    ),
                    &out_of_range,
                    "pass days since 1970-01-01",
                ));
            }
            Ok(values.to_vec())
        }
    }
}

/// Converts one moment (such as the observation end) to its civil day number.
pub(crate) fn moment_day(moment: &Moment, what: &str, settings: &DateSettings) -> Result<i64> {
    let parsed = match moment {
        Moment::Text(text) => {
            // The declared format is tried first; ISO 8601 is accepted too so
            // that `observation_end="2025-12-31"` works with any data format.
            let from_format = settings
                .format
                .as_deref()
                .map(|f| parse_with_format(text, f));
            match from_format {
                Some(Ok(parsed)) => parsed,
                _ => parse_default(text).map_err(|reason| Error::Parse {
                    what: what.to_string(),
                    index: 0,
                    text: text.clone(),
                    reason: match &settings.format {
                        Some(f) => {
                            format!("it matches neither date_format {f:?} nor ISO 8601 ({reason})")
                        }
                        None => reason,
                    },
                })?,
            }
        }
        Moment::Timestamp(ts) => Parsed::Aware(*ts),
        Moment::DateTime(dt) => Parsed::Naive(civil_day(dt.date())),
        Moment::Date(d) => Parsed::Naive(civil_day(*d)),
        Moment::DayNumber(d) => {
            if !(MIN_DAY..=MAX_DAY).contains(d) {
                return Err(Error::invalid_parameter(
                    what,
                    d,
                    format!("a day number in {MIN_DAY}..={MAX_DAY} (years 1 to 9999)"),
                ));
            }
            Parsed::Naive(*d)
        }
    };
    match parsed {
        Parsed::Naive(day) => Ok(day),
        Parsed::Aware(ts) => {
            let tz = settings.tz.as_ref().ok_or_else(|| {
                Error::invalid_parameter(
                    "tz",
                    "not set",
                    format!("{what} {ts} is zone-aware, so declare the zone to floor it to a period in, e.g. \"UTC\" or \"Europe/Paris\""),
                )
            })?;
            Ok(aware_day(ts, tz))
        }
    }
}

fn text_days(texts: &[&str], settings: &DateSettings) -> Result<Vec<i64>> {
    if let Some(days) = plain_text_days(texts, settings) {
        return Ok(days);
    }
    let missing: Vec<usize> = (0..texts.len())
        .filter(|&i| texts[i].trim().is_empty())
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid_rows(
            "dates",
            "dates are missing (empty text, None or NaN)",
            &missing,
            "drop or fill the rows without a date",
        ));
    }
    let mut parsed = Vec::with_capacity(texts.len());
    let mut failed: Vec<(usize, String)> = Vec::new();
    for (row, text) in texts.iter().enumerate() {
        let result = match &settings.format {
            Some(format) => parse_with_format(text, format),
            None => parse_default(text),
        };
        match result {
            Ok(p) => parsed.push(p),
            Err(reason) => {
                failed.push((row, reason));
                parsed.push(Parsed::Naive(0));
            }
        }
    }
    if let Some((row, reason)) = failed.first() {
        let others: Vec<usize> = failed.iter().skip(1).map(|(r, _)| *r).take(10).collect();
        let more = match failed.len() - 1 {
            0 => String::new(),
            1 => format!("; 1 more row fails to parse (row {})", others[0]),
            n => format!(
                "; {n} more rows fail to parse (rows {others:?}{})",
                if n > 10 { ", ..." } else { "" }
            ),
        };
        return Err(Error::Parse {
            what: "dates".to_string(),
            index: *row,
            text: texts[*row].to_string(),
            reason: format!("{reason}{more}"),
        });
    }

    let aware_rows: Vec<usize> = (0..parsed.len())
        .filter(|&i| matches!(parsed[i], Parsed::Aware(_)))
        .collect();
    if aware_rows.is_empty() {
        return Ok(parsed
            .into_iter()
            .map(|p| match p {
                Parsed::Naive(day) => day,
                Parsed::Aware(_) => unreachable!("no aware rows"),
            })
            .collect());
    }
    if aware_rows.len() < parsed.len() {
        let naive_rows: Vec<usize> = (0..parsed.len())
            .filter(|&i| matches!(parsed[i], Parsed::Naive(_)))
            .collect();
        let (rows, example, other) = if naive_rows.len() <= aware_rows.len() {
            (&naive_rows, naive_rows[0], aware_rows[0])
        } else {
            (&aware_rows, aware_rows[0], naive_rows[0])
        };
        return Err(Error::invalid_rows(
            "dates",
            format!(
                "zone-aware and naive timestamps are mixed: row {example} ({:?}) and row {other} ({:?}) differ in having a UTC offset or zone",
                texts[example], texts[other]
            ),
            rows,
            "give every timestamp an offset or none, and declare tz, the zone to floor dates in",
        ));
    }
    let tz = require_tz(settings, || Some(texts[aware_rows[0]].to_string()))?;
    Ok(parsed
        .into_iter()
        .map(|p| match p {
            Parsed::Aware(ts) => aware_day(ts, tz),
            Parsed::Naive(day) => day,
        })
        .collect())
}

/// Day numbers of a column whose every row is a naive date. Returns `None`
/// at the first row that is not, so that the full parser reports it.
fn plain_text_days(texts: &[&str], settings: &DateSettings) -> Option<Vec<i64>> {
    let parse = |text: &str| match &settings.format {
        Some(format) => parse_with_format(text, format),
        None => parse_default(text),
    };
    let mut days = Vec::with_capacity(texts.len());
    let mut cache = DayCache::new();
    for (row, &text) in texts.iter().enumerate() {
        let key = cache.as_ref().and_then(|_| short_key(text));
        if let Some(day) = key.and_then(|k| cache.as_mut()?.get(k)) {
            days.push(day);
            continue;
        }
        let Ok(Parsed::Naive(day)) = parse(text) else {
            return None;
        };
        days.push(day);
        if let (Some(c), Some(key)) = (cache.as_mut(), key) {
            c.insert(key, day);
        }
        // Most texts new: timestamps to the second, which do not repeat.
        if row + 1 == DayCache::PROBE
            && cache
                .as_ref()
                .is_some_and(|c| c.misses > DayCache::PROBE / 2)
        {
            cache = None;
        }
    }
    Some(days)
}

/// Days of recently parsed texts. Logs repeat their dates (the 69,659 rows
/// of the CDNOW master log hold 546 distinct ones), and a lookup here costs
/// a fraction of a parse. Direct-mapped: each text has one slot, and a new
/// text takes over the slot of an old one.
struct DayCache {
    keys: Vec<u128>,
    days: Vec<i64>,
    misses: usize,
}

impl DayCache {
    const SLOTS_LOG2: u32 = 12;
    /// Rows after which a cache that mostly misses is dropped.
    const PROBE: usize = 4096;

    fn new() -> Option<DayCache> {
        Some(DayCache {
            // Key 0 is no text's key: `short_key` stores the length in it.
            keys: vec![0; 1 << Self::SLOTS_LOG2],
            days: vec![0; 1 << Self::SLOTS_LOG2],
            misses: 0,
        })
    }

    fn slot(key: u128) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::SLOTS_LOG2)) as usize
    }

    fn get(&mut self, key: u128) -> Option<i64> {
        let slot = Self::slot(key);
        if self.keys[slot] == key {
            Some(self.days[slot])
        } else {
            self.misses += 1;
            None
        }
    }

    fn insert(&mut self, key: u128, day: i64) {
        let slot = Self::slot(key);
        self.keys[slot] = key;
        self.days[slot] = day;
    }
}

/// Packs a text of at most 15 bytes and its length into one integer, so that a cache compares keys without a call to `memcmp`. `None`
/// for longer texts, which are parsed every time.
fn short_key(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let length = (n as u128 + 1) << 120;
    match n {
        // Two loads: bytes 0..8, and bytes 8..n taken from the last eight
        // bytes, shifted down past the ones already read.
        8..=15 => {
            let head = u64::from_le_bytes(bytes[..8].try_into().ok()?);
            let last = u64::from_le_bytes(bytes[n - 8..].try_into().ok()?);
            let rest = last.checked_shr(8 * (16 - n as u32)).unwrap_or(0);
            Some(u128::from(head) | (u128::from(rest) << 64) | length)
        }
        0..=7 => {
            let mut packed = [0u8; 8];
            packed[..n].copy_from_slice(bytes);
            Some(u128::from(u64::from_le_bytes(packed)) | length)
        }
        _ => None,
    }
}

fn require_tz(
    settings: &DateSettings,
    example: impl FnOnce() -> Option<String>,
) -> Result<&TimeZone> {
    settings.tz.as_ref().ok_or_else(|| {
        Error::invalid_parameter(
            "tz",
            "not set",
            format!(
                "the dates are zone-aware (e.g. {}), so declare the zone to floor them to periods in, e.g. \"UTC\" or \"Europe/Paris\"",
                example().unwrap_or_default()
            ),
        )
    })
}

fn check_not_missing(values: &[i64]) -> Result<()> {
    // One vectorised pass; the rows are looked for only when a date is missing.
    if !values.iter().fold(false, |any, &n| any | (n == i64::MIN)) {
        return Ok(());
    }
    let missing: Vec<usize> = values
        .iter()
        .enumerate()
        .filter(|(_, &n)| n == i64::MIN)
        .map(|(i, _)| i)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_rows(
            "dates",
            "dates are missing (NaT)",
            &missing,
            "drop or fill the rows without a date",
        ))
    }
}

/// Rejects tick counts outside years 1 to 9999, naming the rows;
/// nanoseconds (years 1677 to 2262) always pass.
fn check_day_range(ticks: &[i64], unit: TimeUnit, days: Vec<i64>) -> Result<Vec<i64>> {
    let (low, high) = days
        .iter()
        .fold((i64::MAX, i64::MIN), |(l, h), &d| (l.min(d), h.max(d)));
    if low >= MIN_DAY && high <= MAX_DAY {
        return Ok(days);
    }
    let bad: Vec<usize> = (0..days.len())
        .filter(|&i| !(MIN_DAY..=MAX_DAY).contains(&days[i]))
        .collect();
    Err(Error::invalid_rows(
        "dates",
        format!(
            "timestamps must fall in years 1 to 9999 (in the declared zone), e.g. {} \
             {} since 1970-01-01",
            ticks[bad[0]],
            unit.name()
        ),
        &bad,
        "drop or correct the out-of-range dates",
    ))
}

fn civil_day(date: civil::Date) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        date.month() as u32,
        date.day() as u32,
    )
}

fn aware_day(ts: Timestamp, tz: &TimeZone) -> i64 {
    let offset = tz.to_offset(ts);
    (ts.as_second() + i64::from(offset.seconds())).div_euclid(SECONDS_PER_DAY)
}

/// Parses text with a strftime-style format. A format with `%z`, `%:z`,
/// `%Z` or `%Q` yields a zone-aware instant, any other a naive date.
fn parse_with_format(text: &str, format: &str) -> std::result::Result<Parsed, String> {
    let tm = strtime::parse(format, text.trim())
        .map_err(|e| format!("does not match date_format {format:?} ({e})"))?;
    if tm.offset().is_some() || tm.iana_time_zone().is_some() {
        let zoned = tm
            .to_zoned()
            .map_err(|e| format!("invalid zoned date for date_format {format:?} ({e})"))?;
        return Ok(Parsed::Aware(zoned.timestamp()));
    }
    let date = tm
        .to_date()
        .map_err(|e| format!("no complete date for date_format {format:?} ({e})"))?;
    Ok(Parsed::Naive(civil_day(date)))
}

static TEMPORAL: DateTimeParser = DateTimeParser::new();

/// Parses text without a declared format: ISO 8601 / RFC 3339 in jiff's
/// Temporal grammar, `YYYYMMDD` and `YYYY/MM/DD`. Dates such as `03/04/2024`
/// are rejected because day and month cannot be distinguished.
fn parse_default(text: &str) -> std::result::Result<Parsed, String> {
    let text = text.trim_ascii();
    let b = text.as_bytes();
    if b.is_empty() {
        return Err("the date is empty".to_string());
    }
    // Fast paths for the plain date layouts that make up most logs.
    if b.len() == 10 && (b[4] == b'-' || b[4] == b'/') && b[7] == b[4] {
        if let Some(day) = digits_date(&b[0..4], &b[5..7], &b[8..10]) {
            return day.map(Parsed::Naive);
        }
    }
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        if let Some(day) = digits_date(&b[0..4], &b[4..6], &b[6..8]) {
            return day.map(Parsed::Naive);
        }
    }
    if has_ambiguous_day_month(b) {
        return Err(
            "day and month order is ambiguous; declare date_format, e.g. \"%m/%d/%Y\" or \"%d/%m/%Y\""
                .to_string(),
        );
    }

    let pieces = TEMPORAL.parse_pieces(text).map_err(|e| {
        format!("not an ISO 8601 date or timestamp ({e}); declare date_format for other layouts")
    })?;
    let date = pieces.date();
    let time = pieces.time().unwrap_or(civil::Time::midnight());
    let datetime = civil::DateTime::from_parts(date, time);

    if let Some(offset) = pieces.to_numeric_offset() {
        let ts = offset
            .to_timestamp(datetime)
            .map_err(|e| format!("out of range ({e})"))?;
        return Ok(Parsed::Aware(ts));
    }
    if let Some(annotation) = pieces.time_zone_annotation() {
        let tz = annotation
            .to_time_zone()
            .map_err(|e| format!("unknown time zone annotation ({e})"))?;
        let ts = tz
            .to_ambiguous_timestamp(datetime)
            .compatible()
            .map_err(|e| format!("out of range ({e})"))?;
        return Ok(Parsed::Aware(ts));
    }
    Ok(Parsed::Naive(civil_day(date)))
}

/// Day number of year, month and day given as ASCII digits; `None` when the
/// bytes are not all digits, `Some(Err)` for an impossible date.
fn digits_date(year: &[u8], month: &[u8], day: &[u8]) -> Option<std::result::Result<i64, String>> {
    fn number(digits: &[u8]) -> Option<u32> {
        let mut value = 0u32;
        for &c in digits {
            let digit = c.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            value = value * 10 + u32::from(digit);
        }
        Some(value)
    }
    let (y, m, d) = (number(year)?, number(month)?, number(day)?);
    if y == 0 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
        return Some(Err(format!("no such date: year {y}, month {m}, day {d}")));
    }
    Some(Ok(days_from_civil(i64::from(y), m, d)))
}

/// Checks whether text starts like `D/M/Y` or `M/D/Y`, that is one or two
/// digits, a separator, one or two digits and the same separator.
fn has_ambiguous_day_month(b: &[u8]) -> bool {
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&lead) || b.len() <= lead {
        return false;
    }
    let sep = b[lead];
    if !matches!(sep, b'/' | b'.' | b'-') {
        return false;
    }
    let rest = &b[lead + 1..];
    let middle = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&middle) && rest.get(middle) == Some(&sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str) -> i64 {
        match parse_default(text).unwrap() {
            Parsed::Naive(d) => d,
            Parsed::Aware(ts) => panic!("{text} parsed as aware {ts}"),
        }
    }

    #[test]
    fn short_keys_tell_texts_apart() {
        let texts = [
            "",
            "1",
            "11",
            "aaaaaaaa",
            "aaaaaaaaa",
            "aaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaab",
            "20240101",
            "2024010",
            "202401011",
            "2024-01-01",
            "2024-01-01 ",
            "2024/01/01",
            "2024-01-01T00",
            "2024-01-01T00:0",
            "baaaaaaaaaaaaaa",
            "aaaaaaaab",
            "aaaaaaaac",
            "2024-01-02",
            "aaaaaaaabaaaaaa",
            "aaaaaaaacaaaaaa",
        ];
        let keys: Vec<u128> = texts.iter().map(|t| short_key(t).unwrap()).collect();
        for i in 0..keys.len() {
            for j in 0..i {
                assert_ne!(keys[i], keys[j], "{:?} and {:?}", texts[i], texts[j]);
            }
            assert_ne!(keys[i], 0, "0 marks an empty cache slot");
        }
        assert_eq!(short_key("2024-01-01T00:00"), None);
    }

    #[test]
    fn cached_days_equal_parsed_days() {
        // Repeated dates hit the cache, slot collisions replace entries, and
        // a column of mostly new texts drops the cache after the probe.
        let settings = DateSettings::new(None, None).unwrap();
        let mut texts: Vec<String> = (0..3000)
            .map(|i| {
                let day = 10_000 + (i * 7919) % 900;
                let (y, m, d) = super::super::period::civil_from_days(day);
                if i % 3 == 0 {
                    format!("{y:04}{m:02}{d:02}")
                } else {
                    format!("{y:04}-{m:02}-{d:02}")
                }
            })
            .collect();
        texts.extend((0..6000).map(|i| {
            let (y, m, d) = super::super::period::civil_from_days(i);
            format!("{y:04}-{m:02}-{d:02}T00:00:{:02}", i % 60)
        }));
        let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
        let days = text_days(&borrowed, &settings).unwrap();
        for (text, day) in borrowed.iter().zip(&days) {
            assert_eq!(*day, naive(text), "{text}");
        }
    }

    #[test]
    fn iso_layouts_parse_to_same_day() {
        let day = days_from_civil(2018, 4, 24);
        for text in [
            "2018-04-24",
            "20180424",
            "2018/04/24",
            "2018-04-24T19:19:25",
            "2018-04-24 19:19:25",
            " 2018-04-24T00:00 ",
        ] {
            assert_eq!(naive(text), day, "{text}");
        }
    }

    #[test]
    fn offsets_make_aware_instants() {
        for text in [
            "2018-04-24T19:19:25Z",
            "2018-04-24T19:19:25+02:00",
            "2018-04-24T19:19[Europe/Paris]",
        ] {
            assert!(
                matches!(parse_default(text), Ok(Parsed::Aware(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn day_month_order_is_ambiguous() {
        for text in ["11/01/2025", "1/2/25", "25.12.2024", "03-04-2024"] {
            let reason = match parse_default(text) {
                Err(reason) => reason,
                Ok(p) => panic!("{text} parsed as {p:?}"),
            };
            assert!(reason.contains("ambiguous"), "{text}: {reason}");
        }
    }

    #[test]
    fn impossible_dates_fail() {
        assert!(parse_default("2023-02-29").is_err());
        assert!(parse_default("20231301").is_err());
        assert!(parse_default("").is_err());
        assert!(parse_default("yesterday").is_err());
    }

    #[test]
    fn declared_format_is_honoured() {
        let settings = DateSettings::new(None, Some("%m/%d/%Y")).unwrap();
        let days = day_numbers(DateColumn::Text(&["01/15/2026", "12/20/2025"]), &settings).unwrap();
        assert_eq!(
            days,
            vec![days_from_civil(2026, 1, 15), days_from_civil(2025, 12, 20)]
        );
        let dmy = DateSettings::new(None, Some("%d/%m/%Y")).unwrap();
        let days = day_numbers(DateColumn::Text(&["01/02/2026"]), &dmy).unwrap();
        assert_eq!(days, vec![days_from_civil(2026, 2, 1)]);
    }

    #[test]
    fn aware_dates_need_declared_zone() {
        let settings = DateSettings::default();
        let err = day_numbers(DateColumn::Text(&["2018-04-24T23:30:00Z"]), &settings).unwrap_err();
        assert_eq!(err.kind(), "InvalidParameter");
    }

    #[test]
    fn zone_conversion_precedes_flooring() {
        let tokyo = DateSettings::new(Some("Asia/Tokyo"), None).unwrap();
        let days = day_numbers(DateColumn::Text(&["2018-04-24T23:30:00Z"]), &tokyo).unwrap();
        assert_eq!(days, vec![days_from_civil(2018, 4, 25)]);
        let fixed = DateSettings::new(Some("-05:00"), None).unwrap();
        let days = day_numbers(DateColumn::Text(&["2018-04-24T03:30:00Z"]), &fixed).unwrap();
        assert_eq!(days, vec![days_from_civil(2018, 4, 23)]);
    }

    #[test]
    fn mixed_aware_and_naive_is_error() {
        let settings = DateSettings::new(Some("UTC"), None).unwrap();
        let err = day_numbers(
            DateColumn::Text(&[
                "2018-04-24T10:00:00Z",
                "2018-04-25T10:00:00",
                "2018-04-26T10:00:00Z",
            ]),
            &settings,
        )
        .unwrap_err();
        match err {
            Error::InvalidData { rows, .. } => assert_eq!(rows, vec![1]),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn parse_error_names_row_and_text() {
        let settings = DateSettings::default();
        let err = day_numbers(
            DateColumn::Text(&["2018-04-24", "2018-13-01", "nope"]),
            &settings,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("dates[1]"), "{text}");
        assert!(text.contains("2018-13-01"), "{text}");
        assert!(text.contains("1 more row"), "{text}");
    }

    #[test]
    fn nanos_floor_negative_days() {
        let settings = DateSettings::default();
        let days = day_numbers(DateColumn::NaiveNanos(&[-1, 0, NANOS_PER_DAY]), &settings).unwrap();
        assert_eq!(days, vec![-1, 0, 1]);
        assert!(day_numbers(DateColumn::NaiveNanos(&[i64::MIN]), &settings).is_err());
    }

    #[test]
    fn unknown_zone_is_invalid_parameter() {
        assert!(DateSettings::new(Some("Mars/Olympus"), None).is_err());
        assert!(resolve_time_zone("+05:30").is_ok());
    }
}
