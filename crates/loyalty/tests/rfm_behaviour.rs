//! RFM summary behaviour: periods, zones, holdout, bad rows, merging and
//! order invariance.

use loyalty::models::rfm::{
    rfm_summary, rfm_summary_coded, DateColumn, Moment, Period, RfmLog, RfmOptions, RfmSummary,
    TimeUnit,
};
use loyalty::Error;
use proptest::prelude::*;

fn opts(period: Period, end: &str) -> RfmOptions {
    RfmOptions {
        period,
        observation_end: Some(Moment::from(end)),
        ..RfmOptions::default()
    }
}

fn rows_of(err: &Error) -> Vec<usize> {
    match err {
        Error::InvalidData { rows, .. } => rows.clone(),
        other => panic!("expected InvalidData, got {other}"),
    }
}

#[test]
fn weekly_periods_are_calendar_weeks() {
    // 2024-01-01 is a Monday: the 1st and 7th share a week, the 8th starts
    // the next; the observation end 2024-02-01 lies in week 4 after the first.
    let ids = ["a", "a", "a", "a"];
    let dates = ["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-20"];
    let values = [1.0, 2.0, 4.0, 8.0];
    let s = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        Some(&values),
        &opts(Period::Week, "2024-02-01"),
    )
    .unwrap();
    assert_eq!(s.frequency, vec![2]);
    assert_eq!(s.recency, vec![2.0]);
    assert_eq!(s.t, vec![4.0]);
    assert_eq!(s.monetary_value, Some(vec![6.0]));
}

#[test]
fn monthly_periods_are_calendar_months() {
    let ids = [7, 7, 7, 9];
    let dates = ["2023-01-31", "2023-02-01", "2023-02-28", "2023-12-31"];
    let values = [1.0, 2.0, 3.0, 4.0];
    let s = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        Some(&values),
        &opts(Period::Month, "2024-01-15"),
    )
    .unwrap();
    assert_eq!(s.customer_id, vec![7, 9]);
    assert_eq!(s.frequency, vec![1, 0]);
    assert_eq!(s.recency, vec![1.0, 0.0]);
    assert_eq!(s.t, vec![12.0, 1.0]);
    assert_eq!(s.monetary_value, Some(vec![5.0, 0.0]));
}

#[test]
fn number_of_days_gives_fractional_units() {
    let ids = ["a", "a"];
    let dates = ["2024-01-01", "2024-01-11"];
    let s = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        None,
        &opts(Period::Days(7.0), "2024-01-15"),
    )
    .unwrap();
    assert_eq!(s.recency, vec![10.0 / 7.0]);
    assert_eq!(s.t, vec![2.0]);
    assert_eq!(s.monetary_value, None);
}

#[test]
fn zone_decides_the_day_of_an_instant() {
    // 23:30 UTC on the 24th is the 25th in Tokyo and still the 24th in New York.
    let ids = ["a", "a"];
    let dates = ["2018-04-20T12:00:00Z", "2018-04-24T23:30:00Z"];
    for (tz, recency) in [
        ("UTC", 4.0),
        ("Asia/Tokyo", 5.0),
        ("America/New_York", 4.0),
        ("+09:00", 5.0),
    ] {
        let options = RfmOptions {
            tz: Some(tz.to_string()),
            ..opts(Period::Day, "2018-05-01")
        };
        let s = rfm_summary(&ids, DateColumn::Text(&dates), None, &options).unwrap();
        assert_eq!(s.recency, vec![recency], "tz {tz}");
    }
}

#[test]
fn offsets_in_text_are_converted_not_dropped() {
    // The same two instants written with different offsets.
    let ids = ["a", "a"];
    let utc = ["2018-04-20T22:00:00Z", "2018-04-21T01:00:00Z"];
    let shifted = ["2018-04-21T00:00:00+02:00", "2018-04-20T20:00:00-05:00"];
    let options = RfmOptions {
        tz: Some("UTC".to_string()),
        ..opts(Period::Day, "2018-05-01")
    };
    let a = rfm_summary(&ids, DateColumn::Text(&utc), None, &options).unwrap();
    let b = rfm_summary(&ids, DateColumn::Text(&shifted), None, &options).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.frequency, vec![1]);
}

#[test]
fn parsed_timestamps_match_text() {
    let ids = ["a", "a", "b"];
    let text = [
        "2021-03-27T23:30:00Z",
        "2021-03-28T22:30:00Z",
        "2021-03-01T00:00:00Z",
    ];
    let stamps: Vec<jiff::Timestamp> = text.iter().map(|t| t.parse().unwrap()).collect();
    let nanos: Vec<i64> = stamps.iter().map(|t| t.as_nanosecond() as i64).collect();
    let options = RfmOptions {
        tz: Some("Europe/Paris".to_string()),
        ..opts(Period::Day, "2021-04-01")
    };
    let from_text = rfm_summary(&ids, DateColumn::Text(&text), None, &options).unwrap();
    let from_stamps = rfm_summary(&ids, DateColumn::Timestamps(&stamps), None, &options).unwrap();
    let from_nanos = rfm_summary(&ids, DateColumn::UnixNanos(&nanos), None, &options).unwrap();
    assert_eq!(from_text, from_stamps);
    assert_eq!(from_text, from_nanos);
    // Paris: 00:30 on the 28th and 00:30 on the 29th (after the DST change).
    assert_eq!(from_text.recency, vec![1.0, 0.0]);
}

#[test]
fn naive_nanos_match_dates() {
    let ids = [1i64, 1, 2];
    let dates = [
        jiff::civil::date(2020, 1, 1),
        jiff::civil::date(2020, 1, 9),
        jiff::civil::date(2019, 12, 31),
    ];
    let nanos: Vec<i64> = dates
        .iter()
        .map(|d| {
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .unwrap()
                .timestamp()
                .as_nanosecond() as i64
                + 3_600_000_000_000
        })
        .collect();
    let a = rfm_summary(
        &ids,
        DateColumn::Dates(&dates),
        None,
        &opts(Period::Day, "2020-01-31"),
    )
    .unwrap();
    let b = rfm_summary(
        &ids,
        DateColumn::NaiveNanos(&nanos),
        None,
        &opts(Period::Day, "2020-01-31"),
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn mixed_aware_and_naive_names_rows() {
    let ids = ["a", "a", "a"];
    let dates = [
        "2018-04-20T12:00:00Z",
        "2018-04-21T12:00:00",
        "2018-04-22T12:00:00+01:00",
    ];
    let options = RfmOptions {
        tz: Some("UTC".to_string()),
        ..opts(Period::Day, "2018-05-01")
    };
    let err = rfm_summary(&ids, DateColumn::Text(&dates), None, &options).unwrap_err();
    assert_eq!(rows_of(&err), vec![1]);
}

#[test]
fn holdout_counts_later_periods() {
    let ids = ["a", "a", "a", "a", "b", "c"];
    let dates = [
        "2024-01-01",
        "2024-01-05",
        "2024-01-05",
        "2024-01-12",
        "2024-01-03",
        "2024-01-11",
    ];
    let values = [10.0, 1.0, 2.0, 30.0, 4.0, 5.0];
    let options = RfmOptions {
        calibration_end: Some("2024-01-08".into()),
        ..opts(Period::Day, "2024-01-15")
    };
    let s = rfm_summary(&ids, DateColumn::Text(&dates), Some(&values), &options).unwrap();
    // c first bought after the calibration end and is not in the cohort.
    assert_eq!(s.customer_id, vec!["a", "b"]);
    assert_eq!(s.frequency, vec![1, 0]);
    assert_eq!(s.recency, vec![4.0, 0.0]);
    assert_eq!(s.t, vec![7.0, 5.0]);
    assert_eq!(s.monetary_value, Some(vec![3.0, 0.0]));
    let h = s.holdout.unwrap();
    assert_eq!(h.frequency, vec![1, 0]);
    assert_eq!(h.monetary_value, Some(vec![30.0, 0.0]));
    assert_eq!(h.duration, 7.0);
}

#[test]
fn calibration_after_observation_is_error() {
    let options = RfmOptions {
        calibration_end: Some("2024-02-01".into()),
        ..opts(Period::Day, "2024-01-15")
    };
    let err = rfm_summary(&["a"], DateColumn::Text(&["2024-01-01"]), None, &options).unwrap_err();
    assert_eq!(err.kind(), "InvalidParameter");
}

#[test]
fn transactions_after_end_name_rows() {
    let ids = ["a", "b", "a", "c"];
    let dates = ["2024-01-01", "2024-03-01", "2024-01-31", "2024-02-02"];
    let err = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        None,
        &opts(Period::Day, "2024-01-31"),
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1, 3]);
    assert!(err.to_string().contains("2024-03-01"), "{err}");
    // Within the period of the end is not after it: weeks include the whole week.
    let s = rfm_summary(
        &ids[..3],
        DateColumn::Text(&dates[..3]),
        None,
        &opts(Period::Month, "2024-03-01"),
    )
    .unwrap();
    assert_eq!(s.len(), 2);
}

#[test]
fn bad_values_name_rows() {
    let ids = ["a", "a", "b", "b"];
    let dates = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"];
    let options = opts(Period::Day, "2024-01-31");
    let err = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        Some(&[1.0, -2.0, 3.0, -0.5]),
        &options,
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1, 3]);
    let err = rfm_summary(
        &ids,
        DateColumn::Text(&dates),
        Some(&[1.0, f64::NAN, 3.0, f64::INFINITY]),
        &options,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "NotFinite");
    assert!(err.to_string().contains("values[1]"), "{err}");
    assert!(err.to_string().contains("rows [3]"), "{err}");
}

#[test]
fn empty_and_mismatched_inputs_fail() {
    let options = opts(Period::Day, "2024-01-31");
    let none: [&str; 0] = [];
    let err = rfm_summary(&none, DateColumn::Text(&none), None, &options).unwrap_err();
    assert_eq!(err.kind(), "Empty");
    let err = rfm_summary(
        &["a", "b"],
        DateColumn::Text(&["2024-01-01"]),
        None,
        &options,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "LengthMismatch");
    let err = rfm_summary(
        &["a"],
        DateColumn::Text(&["2024-01-01"]),
        Some(&[1.0, 2.0]),
        &options,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "LengthMismatch");
}

#[test]
fn unparseable_date_names_row_and_text() {
    let err = rfm_summary(
        &["a", "a"],
        DateColumn::Text(&["2024-01-01", "2024-02-30"]),
        None,
        &opts(Period::Day, "2024-03-31"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::Parse {
            what: "dates".to_string(),
            index: 1,
            text: "2024-02-30".to_string(),
            reason: "no such date: year 2024, month 2, day 30".to_string(),
        }
    );
}

#[test]
fn observation_end_defaults_to_last_period() {
    let s = rfm_summary(
        &["a", "b"],
        DateColumn::Text(&["2024-01-01", "2024-01-10"]),
        None,
        &RfmOptions {
            period: Period::Day,
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(s.t, vec![9.0, 0.0]);
}

#[test]
fn log_merge_checks_period() {
    let a = RfmLog::from_transactions(
        &["a"],
        DateColumn::Text(&["2024-01-01"]),
        None,
        &opts(Period::Day, "2024-01-31"),
    )
    .unwrap();
    let mut b = RfmLog::from_transactions(
        &["a"],
        DateColumn::Text(&["2024-01-01"]),
        None,
        &opts(Period::Week, "2024-01-31"),
    )
    .unwrap();
    assert_eq!(b.merge(&a).unwrap_err().kind(), "InvalidParameter");
}

/// A random log: (customer, day offset, cents) rows.
fn log_rows() -> impl Strategy<Value = Vec<(u8, u16, u32)>> {
    prop::collection::vec((0u8..12, 0u16..400, 0u32..10_000), 1..80)
}

fn summarise(rows: &[(u8, u16, u32)], period: Period) -> loyalty::models::rfm::RfmSummary<u8> {
    let ids: Vec<u8> = rows.iter().map(|r| r.0).collect();
    let days: Vec<i64> = rows.iter().map(|r| 19_000 + i64::from(r.1)).collect();
    let values: Vec<f64> = rows.iter().map(|r| f64::from(r.2) / 100.0).collect();
    let options = RfmOptions {
        period,
        observation_end: Some(Moment::DayNumber(19_500)),
        ..RfmOptions::default()
    };
    rfm_summary(&ids, DateColumn::DayNumbers(&days), Some(&values), &options).unwrap()
}

fn periods() -> impl Strategy<Value = Period> {
    prop_oneof![
        Just(Period::Day),
        Just(Period::Week),
        Just(Period::Month),
        Just(Period::Days(7.0))
    ]
}

proptest! {
    #[test]
    fn summary_ignores_row_order(rows in log_rows(), period in periods(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A seeded Fisher-Yates shuffle.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = summarise(&rows, period);
        let b = summarise(&shuffled, period);
        // Exact equality, monetary values included.
        prop_assert_eq!(&a, &b);
        // Rows grouped by customer in id order take another code path.
        let mut grouped = rows.clone();
        grouped.sort_by_key(|r| r.0);
        prop_assert_eq!(&a, &summarise(&grouped, period));
        a.validate().unwrap();
    }

    #[test]
    fn merged_partitions_equal_whole(rows in log_rows(), period in periods(), split in 0usize..80) {
        let split = split.min(rows.len());
        let build = |part: &[(u8, u16, u32)]| {
            let ids: Vec<u8> = part.iter().map(|r| r.0).collect();
            let days: Vec<i64> = part.iter().map(|r| 19_000 + i64::from(r.1)).collect();
            let values: Vec<f64> = part.iter().map(|r| f64::from(r.2) / 100.0).collect();
            let options = RfmOptions { period, ..RfmOptions::default() };
            RfmLog::from_transactions(&ids, DateColumn::DayNumbers(&days), Some(&values), &options).unwrap()
        };
        let end = Moment::DayNumber(19_500);
        let whole = build(&rows).summary(Some(&end), None).unwrap();
        if split > 0 && split < rows.len() {
            let mut left = build(&rows[..split]);
            let right = build(&rows[split..]);
            left.merge(&right).unwrap();
            let merged = left.summary(Some(&end), None).unwrap();
            prop_assert_eq!(&merged.customer_id, &whole.customer_id);
            prop_assert_eq!(&merged.frequency, &whole.frequency);
            prop_assert_eq!(&merged.recency, &whole.recency);
            prop_assert_eq!(&merged.t, &whole.t);
            for (x, y) in merged.monetary_value.unwrap().iter().zip(whole.monetary_value.unwrap().iter()) {
                prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0));
            }
        }
    }

    #[test]
    fn frequency_bounded_by_recency(rows in log_rows()) {
        let s = summarise(&rows, Period::Day);
        for i in 0..s.len() {
            prop_assert!(s.frequency[i] as f64 <= s.recency[i]);
            prop_assert!(s.recency[i] <= s.t[i]);
        }
    }
}

/// Generates logs with many same-day rows: (customer, day offset, value
/// index). Values come from a short list with ties and zeros of both signs,
/// so periods often contain three or more values, in any order.
fn dense_log_rows() -> impl Strategy<Value = Vec<(u8, u8, u8)>> {
    prop::collection::vec((0u8..4, 0u8..12, 0u8..6), 1..80)
}

const DENSE_VALUES: [f64; 6] = [0.0, -0.0, 1.0, 1.0, 1e16, 1e16];

/// Summarises a sorted log through the general path. The customers are put
/// in descending id order, and each customer's rows keep their order.
fn summarise_unsorted(
    ids: &[u8],
    days: &[i64],
    values: Option<&[f64]>,
    options: &RfmOptions,
) -> loyalty::Result<RfmSummary<u8>> {
    // Reverse the order of the customers, keeping each one's rows in order.
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(ids[i]));
    let ids: Vec<u8> = order.iter().map(|&i| ids[i]).collect();
    let days: Vec<i64> = order.iter().map(|&i| days[i]).collect();
    let values: Option<Vec<f64>> = values.map(|v| order.iter().map(|&i| v[i]).collect());
    rfm_summary(
        &ids,
        DateColumn::DayNumbers(&days),
        values.as_deref(),
        options,
    )
}

/// Exact equality, with monetary values compared bit for bit.
fn assert_same(a: &RfmSummary<u8>, b: &RfmSummary<u8>) {
    assert_eq!(a.customer_id, b.customer_id);
    assert_eq!(a.frequency, b.frequency);
    assert_eq!(a.recency, b.recency);
    assert_eq!(a.t, b.t);
    let bits = |m: &Option<Vec<f64>>| {
        m.as_ref()
            .map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
    };
    assert_eq!(bits(&a.monetary_value), bits(&b.monetary_value));
    assert_eq!(a.holdout.is_some(), b.holdout.is_some());
    if let (Some(x), Some(y)) = (&a.holdout, &b.holdout) {
        assert_eq!(x.frequency, y.frequency);
        assert_eq!(bits(&x.monetary_value), bits(&y.monetary_value));
        assert_eq!(x.duration.to_bits(), y.duration.to_bits());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A log sorted by customer is summarised in one pass (`sorted.rs`). The
    /// same rows in another customer order go through the grouping and the
    /// per-customer sort. Both must agree to the bit, with and without values
    /// and a calibration end, whatever the order within a customer.
    #[test]
    fn sorted_pass_equals_general_path(
        rows in dense_log_rows(),
        period in periods(),
        calibration in prop::option::of(0i64..12),
        with_values in any::<bool>(),
    ) {
        let mut rows = rows;
        // Sorted by customer only: rows of one customer keep their random order.
        rows.sort_by_key(|r| r.0);
        let ids: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let days: Vec<i64> = rows.iter().map(|r| 19_000 + i64::from(r.1)).collect();
        let values: Vec<f64> = rows.iter().map(|r| DENSE_VALUES[usize::from(r.2)]).collect();
        let values = with_values.then_some(&values[..]);
        let options = RfmOptions {
            period,
            observation_end: Some(Moment::DayNumber(19_040)),
            calibration_end: calibration.map(|c| Moment::DayNumber(19_000 + c)),
            ..RfmOptions::default()
        };
        let sorted = rfm_summary(&ids, DateColumn::DayNumbers(&days), values, &options);
        let general = summarise_unsorted(&ids, &days, values, &options);
        match (sorted, general) {
            (Ok(a), Ok(b)) => {
                assert_same(&a, &b);
                // The merged-log path gives the same summary too.
                let log = RfmLog::from_transactions(&ids, DateColumn::DayNumbers(&days), values, &options).unwrap();
                let c = log.summary(options.observation_end.as_ref(), options.calibration_end.as_ref()).unwrap();
                assert_same(&a, &c);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "paths disagree: {:?} vs {:?}", a.map(|s| s.len()), b.map(|s| s.len())),
        }
    }
}

#[test]
fn period_sum_ignores_value_order() {
    // In floating point (1e16 + 1) + 1 is 1e16 but (1 + 1) + 1e16 is
    // 1e16 + 2: the rows of a period are added smallest first on every path.
    let ids = [7u8, 7, 7, 7];
    let days = [0i64, 5, 5, 5];
    let values = [4.0, 1e16, 1.0, 1.0];
    let options = RfmOptions {
        period: Period::Day,
        observation_end: Some(Moment::DayNumber(10)),
        ..RfmOptions::default()
    };
    let sorted = rfm_summary(&ids, DateColumn::DayNumbers(&days), Some(&values), &options).unwrap();
    assert_eq!(sorted.monetary_value, Some(vec![1e16 + 2.0]));
    let general = summarise_unsorted(&ids, &days, Some(&values), &options).unwrap();
    assert_same(&sorted, &general);
}

proptest! {
    /// Dense codes grouped by a counting sort give the summary of the same
    /// codes as ids, to the bit, sorted or not, errors included.
    #[test]
    fn coded_summary_equals_generic(
        rows in dense_log_rows(),
        period in periods(),
        calibration in prop::option::of(0i64..12),
        shuffle in any::<bool>(),
    ) {
        let mut rows = rows;
        if !shuffle {
            rows.sort_by_key(|r| r.0);
        }
        let codes: Vec<u32> = rows.iter().map(|r| u32::from(r.0) * 2).collect();
        let days: Vec<i64> = rows.iter().map(|r| 19_000 + i64::from(r.1)).collect();
        let values: Vec<f64> = rows.iter().map(|r| DENSE_VALUES[usize::from(r.2)]).collect();
        let options = RfmOptions {
            period,
            observation_end: Some(Moment::DayNumber(19_040)),
            calibration_end: calibration.map(|c| Moment::DayNumber(19_000 + c)),
            ..RfmOptions::default()
        };
        let column = DateColumn::DayNumbers(&days);
        let coded = rfm_summary_coded(&codes, 8, column, Some(&values), &options);
        let generic = rfm_summary(&codes, column, Some(&values), &options);
        match (coded, generic) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a.customer_id, &b.customer_id);
                let a8 = a.map_ids(|c| c as u8);
                let b8 = b.map_ids(|c| c as u8);
                assert_same(&a8, &b8);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "paths disagree: {:?} vs {:?}", a.map(|s| s.len()), b.map(|s| s.len())),
        }
    }
}

#[test]
fn codes_outside_n_codes_name_rows() {
    let err = rfm_summary_coded(
        &[0, 3, 1, 4],
        3,
        DateColumn::DayNumbers(&[0, 1, 2, 3]),
        None,
        &RfmOptions::default(),
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1, 3]);
}

#[test]
fn ticks_of_every_unit_give_the_same_days() {
    // 2020-01-01T01:00 and 2019-12-31T23:59:59, naive.
    let seconds = [1_577_840_400i64, 1_577_836_799, 1_577_840_400];
    let ids = [1i64, 2, 2];
    let options = opts(Period::Day, "2020-01-31");
    let reference = rfm_summary(
        &ids,
        DateColumn::NaiveTicks(&seconds, TimeUnit::Second),
        None,
        &options,
    )
    .unwrap();

    for (unit, scale) in [
        (TimeUnit::Millisecond, 1_000),
        (TimeUnit::Microsecond, 1_000_000),
        (TimeUnit::Nanosecond, 1_000_000_000),
    ] {
        let ticks: Vec<i64> = seconds.iter().map(|s| s * scale).collect();
        let naive =
            rfm_summary(&ids, DateColumn::NaiveTicks(&ticks, unit), None, &options).unwrap();
        assert_eq!(naive, reference, "{unit:?}");
    }
    assert_eq!(reference.recency, vec![0.0, 1.0]);

    // Zone-aware ticks are converted to the declared zone before flooring:
    // 2019-12-31T23:59:59Z is 2020-01-01 in Paris.
    let paris = RfmOptions {
        tz: Some("Europe/Paris".to_string()),
        ..options.clone()
    };
    let micros: Vec<i64> = seconds.iter().map(|s| s * 1_000_000).collect();
    let aware = rfm_summary(
        &ids,
        DateColumn::UnixTicks(&micros, TimeUnit::Microsecond),
        None,
        &paris,
    )
    .unwrap();
    assert_eq!(aware.recency, vec![0.0, 0.0]);
}

#[test]
fn sums_beyond_the_largest_float_name_customers() {
    let ids = [1i64, 1, 1, 2, 2];
    let days = [0i64, 1, 2, 0, 1];
    let values = [1.0, 1.7e308, 1.7e308, 1.0, 2.0];
    let options = RfmOptions {
        period: Period::Day,
        observation_end: Some(Moment::DayNumber(10)),
        ..RfmOptions::default()
    };
    let err =
        rfm_summary(&ids, DateColumn::DayNumbers(&days), Some(&values), &options).unwrap_err();
    assert_eq!(rows_of(&err), vec![0]);
    // The same values in one period overflow too, on the grouping path.
    let unsorted = [2i64, 2, 1, 1, 1];
    let err = rfm_summary(
        &unsorted,
        DateColumn::DayNumbers(&[0, 1, 0, 1, 1]),
        Some(&[1.0, 1.0, 1.0, 1.7e308, 1.7e308]),
        &options,
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![0]);
}

#[test]
fn empty_text_dates_are_missing() {
    let err = rfm_summary(
        &[1i64, 1, 2],
        DateColumn::Text(&["2024-01-01", " ", ""]),
        None,
        &opts(Period::Day, "2024-01-31"),
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1, 2]);
}

#[test]
fn aware_ticks_past_year_9999_locally_are_rejected() {
    // 9999-12-30T22:00:01Z is 10000-01-01 in a zone 14 hours ahead, and past
    // the last instant jiff holds.
    let seconds = [253_399_622_400i64, 253_402_207_201];
    let options = RfmOptions {
        tz: Some("+14:00".to_string()),
        ..RfmOptions::default()
    };
    let err = rfm_summary(
        &[1i64, 1],
        DateColumn::UnixTicks(&seconds, TimeUnit::Second),
        None,
        &options,
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1]);
}

#[test]
fn dictionary_dates_match_text() {
    let dictionary = ["2024-01-09", "2024-01-01", "not a date", "2024-01-05"];
    let codes = [1u32, 0, 3, 0];
    let texts: Vec<&str> = codes.iter().map(|&c| dictionary[c as usize]).collect();
    let ids = [1i64, 1, 2, 2];
    let options = opts(Period::Day, "2024-01-31");
    let column = DateColumn::Dictionary {
        dictionary: &dictionary,
        codes: &codes,
    };
    // The unused entry that does not parse is not an error.
    let coded = rfm_summary(&ids, column, None, &options).unwrap();
    let plain = rfm_summary(&ids, DateColumn::Text(&texts), None, &options).unwrap();
    assert_eq!(coded, plain);
    assert_eq!(coded.recency, vec![8.0, 4.0]);
}

#[test]
fn dictionary_errors_name_rows() {
    let dictionary = ["2024-01-01", "2024-02-30"];
    let ids = [1i64, 1, 2];
    let options = opts(Period::Day, "2024-03-31");
    let parse = rfm_summary(
        &ids,
        DateColumn::Dictionary {
            dictionary: &dictionary,
            codes: &[0, 0, 1],
        },
        None,
        &options,
    )
    .unwrap_err();
    match parse {
        Error::Parse { index, text, .. } => {
            assert_eq!(index, 2);
            assert_eq!(text, "2024-02-30");
        }
        other => panic!("expected a parse error, got {other}"),
    }
    let outside = rfm_summary(
        &ids,
        DateColumn::Dictionary {
            dictionary: &dictionary,
            codes: &[0, 2, 5],
        },
        None,
        &options,
    )
    .unwrap_err();
    assert_eq!(rows_of(&outside), vec![1, 2]);
}

#[test]
fn ticks_outside_years_1_to_9999_name_rows() {
    // Year 10000 and later in seconds; NaT in microseconds.
    let seconds = [0i64, 253_402_300_800, 400_000_000_000];
    let err = rfm_summary(
        &[1i64, 2, 3],
        DateColumn::NaiveTicks(&seconds, TimeUnit::Second),
        None,
        &RfmOptions::default(),
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1, 2]);
    let err = rfm_summary(
        &[1i64, 2],
        DateColumn::NaiveTicks(&[0, i64::MIN], TimeUnit::Microsecond),
        None,
        &RfmOptions::default(),
    )
    .unwrap_err();
    assert_eq!(rows_of(&err), vec![1]);
    assert_eq!(TimeUnit::parse("D").unwrap_err().kind(), "InvalidParameter");
}

#[test]
fn log_round_trips_through_json() {
    let ids = ["a", "b", "a"];
    let dates = ["2024-01-01", "2024-01-03", "2024-01-09"];
    let log = RfmLog::from_transactions(
        &ids,
        DateColumn::Text(&dates),
        Some(&[1.0, 2.0, 3.0]),
        &opts(Period::Day, "2024-01-31"),
    )
    .unwrap();
    let json = serde_json::to_string(&log).unwrap();
    let back: RfmLog<String> = serde_json::from_str(&json).unwrap();
    let end = Moment::from("2024-01-31");
    let a = log.summary(Some(&end), None).unwrap();
    let b = back.summary(Some(&end), None).unwrap();
    assert_eq!(a.customer_id, b.customer_id);
    assert_eq!(a.t, b.t);
    assert_eq!(a.monetary_value, b.monetary_value);
}

#[test]
fn sorted_and_shuffled_logs_agree() {
    // A log sorted by customer takes the grouped path; the same rows in
    // another order take the counting sort. Same-day rows and rows out of
    // date order within a customer exercise the in-place sort.
    let sorted_ids = [1, 1, 1, 2, 2, 3, 3, 3, 3];
    let sorted_days = [0i64, 5, 5, 2, 40, 9, 3, 3, 60];
    let sorted_values = [10.0, 4.0, 6.0, 3.0, 8.0, 1.0, 2.0, 5.0, 7.0];
    let order = [4usize, 8, 0, 6, 2, 5, 1, 7, 3];
    let ids: Vec<i32> = order.iter().map(|&i| sorted_ids[i]).collect();
    let days: Vec<i64> = order.iter().map(|&i| sorted_days[i]).collect();
    let values: Vec<f64> = order.iter().map(|&i| sorted_values[i]).collect();
    let options = RfmOptions {
        period: Period::Day,
        observation_end: Some(Moment::DayNumber(90)),
        ..RfmOptions::default()
    };
    let a = rfm_summary(
        &sorted_ids,
        DateColumn::DayNumbers(&sorted_days),
        Some(&sorted_values),
        &options,
    )
    .unwrap();
    let b = rfm_summary(&ids, DateColumn::DayNumbers(&days), Some(&values), &options).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.frequency, vec![1, 1, 2]);
    // Customer 3: day 3 (2 + 5) is the first purchase; days 9 and 60 repeat.
    assert_eq!(a.monetary_value, Some(vec![10.0, 8.0, 4.0]));
}
