//! RFM summary against reference cases: the RFM faults of other libraries
//! (tests/reference/peer-faults.json) and Fader-Hardie's CDNOW summary.

use std::collections::BTreeMap;

use loyalty::models::rfm::{rfm_summary, DateColumn, Moment, Period, RfmOptions, RfmSummary};
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn peer_faults(group: &str) -> Value {
    let path = format!("{ROOT}/tests/reference/peer-faults.json");
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "RFM summary" && c["group"] == group)
        .unwrap_or_else(|| panic!("no RFM case in group {group}"))
        .clone()
}

/// Transactions `[id, date, value]` of a reference case, with ids as text.
fn transactions(rows: &Value) -> (Vec<String>, Vec<String>, Vec<f64>) {
    let mut ids = Vec::new();
    let mut dates = Vec::new();
    let mut values = Vec::new();
    for row in rows.as_array().unwrap() {
        ids.push(match &row[0] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        dates.push(row[1].as_str().unwrap().to_string());
        values.push(row[2].as_f64().unwrap());
    }
    (ids, dates, values)
}

fn options(period: Period, observation_end: Option<&str>) -> RfmOptions {
    RfmOptions {
        period,
        observation_end: observation_end.map(Moment::from),
        ..RfmOptions::default()
    }
}

fn row_of(summary: &RfmSummary<String>, id: &str) -> usize {
    summary
        .customer_id
        .iter()
        .position(|c| c == id)
        .unwrap_or_else(|| panic!("customer {id} missing"))
}

fn assert_row(summary: &RfmSummary<String>, id: &str, expected: &Value) {
    let i = row_of(summary, id);
    assert_eq!(
        summary.frequency[i],
        expected["frequency"].as_u64().unwrap(),
        "frequency of {id}"
    );
    assert_eq!(
        summary.recency[i],
        expected["recency"].as_f64().unwrap(),
        "recency of {id}"
    );
    assert_eq!(summary.t[i], expected["T"].as_f64().unwrap(), "T of {id}");
    let monetary = summary.monetary_value.as_ref().unwrap()[i];
    assert_eq!(
        monetary,
        expected["monetary"].as_f64().unwrap(),
        "monetary value of {id}"
    );
}

#[test]
fn same_day_orders_count_once() {
    // Source: peer-faults.json, lifetimes #91/#244/#343/#316 (hand computation).
    let case = peer_faults("degenerate data");
    let (ids, dates, values) = transactions(&case["input"]["transactions"]);
    for customer in ["A", "B"] {
        let rows: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] == customer).collect();
        let ids: Vec<String> = rows.iter().map(|&i| ids[i].clone()).collect();
        let dates: Vec<String> = rows.iter().map(|&i| dates[i].clone()).collect();
        let values: Vec<f64> = rows.iter().map(|&i| values[i]).collect();
        let end = case["input"]["observation_end"][customer].as_str().unwrap();
        let summary = rfm_summary(
            &ids,
            DateColumn::Strings(&dates),
            Some(&values),
            &options(Period::Day, Some(end)),
        )
        .unwrap();
        assert_row(&summary, customer, &case["expected"][customer]);
        summary.validate().unwrap();
    }
}

#[test]
fn frequency_never_exceeds_recency_in_days() {
    // Invariant of the same-day fault: with daily periods, x repeat days
    // span at least x days. Many orders per day, at several times of day.
    let mut ids = Vec::new();
    let mut dates = Vec::new();
    for day in [3, 3, 3, 4, 4, 9, 9, 9, 9, 10] {
        for hour in [0, 11, 23] {
            ids.push("c".to_string());
            dates.push(format!("2020-02-{day:02}T{hour:02}:59:59"));
        }
    }
    let summary = rfm_summary(
        &ids,
        DateColumn::Strings(&dates),
        None,
        &options(Period::Day, Some("2020-03-01")),
    )
    .unwrap();
    assert_eq!(summary.frequency, vec![3]);
    assert_eq!(summary.recency, vec![7.0]);
    assert!(summary.frequency[0] as f64 <= summary.recency[0]);
}

#[test]
fn formatted_dates_compare_as_dates() {
    // Source: peer-faults.json, pymc-marketing #2744 (Nov 1 -> Jan 15 = 75 days).
    let case = peer_faults("input validation (dates)");
    let (ids, dates, values) = transactions(&case["input"]["transactions"]);
    let format = case["input"]["datetime_format"].as_str().unwrap();
    let opts = RfmOptions {
        period: Period::Day,
        date_format: Some(format.to_string()),
        ..RfmOptions::default()
    };
    let summary = rfm_summary(&ids, DateColumn::Strings(&dates), Some(&values), &opts).unwrap();
    assert_row(&summary, "1", &case["expected"]);

    // The same log in other layouts and orders gives the same summary.
    type Rewrite = fn(&str) -> String;
    let layouts: [(&str, Rewrite); 3] = [
        ("%d/%m/%Y", |t| {
            format!("{}/{}/{}", &t[3..5], &t[0..2], &t[6..10])
        }),
        ("%Y%m%d", |t| {
            format!("{}{}{}", &t[6..10], &t[0..2], &t[3..5])
        }),
        ("%d.%m.%y", |t| {
            format!("{}.{}.{}", &t[3..5], &t[0..2], &t[8..10])
        }),
    ];
    for (layout, rewrite) in layouts {
        let mut rewritten: Vec<String> = dates.iter().map(|d| rewrite(d)).collect();
        rewritten.reverse();
        let mut values = values.clone();
        values.reverse();
        let opts = RfmOptions {
            date_format: Some(layout.to_string()),
            ..opts.clone()
        };
        let other =
            rfm_summary(&ids, DateColumn::Strings(&rewritten), Some(&values), &opts).unwrap();
        assert_eq!(other, summary, "layout {layout}");
    }
}

#[test]
fn ambiguous_dates_without_format_fail() {
    let case = peer_faults("input validation (dates)");
    let (ids, dates, values) = transactions(&case["input"]["transactions"]);
    let err = rfm_summary(
        &ids,
        DateColumn::Strings(&dates),
        Some(&values),
        &options(Period::Day, None),
    )
    .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), "Parse");
    assert!(text.contains("dates[0]"), "{text}");
    assert!(text.contains("11/01/2025"), "{text}");
    assert!(text.contains("ambiguous"), "{text}");
}

#[test]
fn descending_input_gives_same_summary() {
    // Source: peer-faults.json, lifetimes #85 (sort, then aggregate).
    let case = peer_faults("input validation (ordering)");
    let (ids, dates, values) = transactions(&case["input"]["transactions_descending"]);
    let end = case["input"]["observation_end"].as_str().unwrap();
    let opts = options(Period::Day, Some(end));
    let summary = rfm_summary(&ids, DateColumn::Strings(&dates), Some(&values), &opts).unwrap();
    for expected in case["expected"]["rows"].as_array().unwrap() {
        assert_row(&summary, &expected["id"].to_string(), expected);
    }

    // Every rotation and the reversal of the rows give the same summary.
    let n = ids.len();
    let mut orders: Vec<Vec<usize>> = (0..n)
        .map(|k| (0..n).map(|i| (i + k) % n).collect())
        .collect();
    orders.push((0..n).rev().collect());
    for order in orders {
        let ids: Vec<String> = order.iter().map(|&i| ids[i].clone()).collect();
        let dates: Vec<String> = order.iter().map(|&i| dates[i].clone()).collect();
        let values: Vec<f64> = order.iter().map(|&i| values[i]).collect();
        let other = rfm_summary(&ids, DateColumn::Strings(&dates), Some(&values), &opts).unwrap();
        assert_eq!(other, summary, "order {order:?}");
    }
}

/// CDNOW sample rows: (sample id, date text YYYYMMDD, dollar value).
fn cdnow_sample() -> (Vec<u32>, Vec<String>, Vec<f64>) {
    let path = format!("{ROOT}/crates/loyalty-cli/data/cdnow/CDNOW_sample.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut ids = Vec::new();
    let mut dates = Vec::new();
    let mut values = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        ids.push(fields[1].parse().unwrap());
        dates.push(fields[2].to_string());
        values.push(fields[4].parse().unwrap());
    }
    (ids, dates, values)
}

/// Reads a CSV of the CDNOW folder into rows of floats keyed by ID.
fn cdnow_csv(name: &str) -> BTreeMap<u32, Vec<f64>> {
    let path = format!("{ROOT}/crates/loyalty-cli/data/cdnow/{name}");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let id = r[0].parse().unwrap();
            (id, r.iter().skip(1).map(|f| f.parse().unwrap()).collect())
        })
        .collect()
}

#[test]
fn cdnow_sample_reproduces_published_summary() {
    // Source: cdnow_customers_summary.csv and
    // cdnow_customers_summary_with_transactions.csv (Fader, Hardie & Lee
    // 2005 CDNOW sample, 39-week calibration 1997-01-01..1997-09-30, weeks
    // = days / 7), rounded there to 2 decimals, hence the 0.005 tolerance.
    let (ids, dates, values) = cdnow_sample();
    let opts = RfmOptions {
        period: Period::Days(7.0),
        observation_end: Some("1998-06-30".into()),
        calibration_end: Some("1997-09-30".into()),
        ..RfmOptions::default()
    };
    let summary = rfm_summary(&ids, DateColumn::Strings(&dates), Some(&values), &opts).unwrap();
    let published = cdnow_csv("cdnow_customers_summary.csv");
    let spend = cdnow_csv("cdnow_customers_summary_with_transactions.csv");
    assert_eq!(summary.len(), 2357);
    assert_eq!(published.len(), 2357);
    let monetary = summary.monetary_value.as_ref().unwrap();
    for (i, id) in summary.customer_id.iter().enumerate() {
        let row = &published[id];
        assert_eq!(summary.frequency[i] as f64, row[0], "frequency of {id}");
        assert!(
            (summary.recency[i] - row[1]).abs() <= 0.005 + 1e-9,
            "recency of {id}"
        );
        assert!((summary.t[i] - row[2]).abs() <= 0.005 + 1e-9, "T of {id}");
        assert!(
            (monetary[i] - spend[id][3]).abs() <= 0.005 + 1e-9,
            "monetary value of {id}"
        );
    }
    // Holdout: 39 weeks of calibration + 39 weeks of holdout to 1998-06-30.
    let holdout = summary.holdout.as_ref().unwrap();
    assert!((holdout.duration - 273.0 / 7.0).abs() < 1e-12);
    // Holdout frequency, counted independently: distinct (customer, day)
    // pairs after 1997-09-30 (dates as YYYYMMDD compare like numbers).
    let mut later: Vec<(u32, &str)> = ids
        .iter()
        .zip(&dates)
        .filter(|(_, d)| d.as_str() > "19970930")
        .map(|(&i, d)| (i, d.as_str()))
        .collect();
    later.sort_unstable();
    later.dedup();
    assert_eq!(holdout.frequency.iter().sum::<u64>(), later.len() as u64);
    summary.validate().unwrap();
}

#[test]
fn cdnow_master_summary_is_sane() {
    let path = format!("{ROOT}/crates/loyalty-cli/data/cdnow/CDNOW_master.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut ids: Vec<u32> = Vec::new();
    let mut dates: Vec<i64> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        ids.push(f[0].parse().unwrap());
        let d = f[1];
        let date = jiff::civil::date(
            d[0..4].parse().unwrap(),
            d[4..6].parse().unwrap(),
            d[6..8].parse().unwrap(),
        );
        dates.push(
            date.since((jiff::Unit::Day, jiff::civil::date(1970, 1, 1)))
                .unwrap()
                .get_days()
                .into(),
        );
        values.push(f[3].parse().unwrap());
    }
    assert_eq!(ids.len(), 69_659);
    let opts = options(Period::Days(7.0), Some("1998-06-30"));
    let summary = rfm_summary(&ids, DateColumn::DayNumbers(&dates), Some(&values), &opts).unwrap();
    // Source: data/README.md, 23,570 customers who first bought in Q1 1997.
    assert_eq!(summary.len(), 23_570);
    summary.validate().unwrap();
    // Everyone first bought in 1997 Q1, so T lies between the ages of a
    // 1997-03-31 and a 1997-01-01 first purchase at 1998-06-30.
    for &t in &summary.t {
        assert!((456.0 / 7.0..=545.0 / 7.0).contains(&t), "T = {t}");
    }
    // Distinct (customer, day) pairs minus one first day per customer.
    let mut pairs: Vec<(u32, i64)> = ids.iter().copied().zip(dates.iter().copied()).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let repeats = (pairs.len() - 23_570) as u64;
    assert_eq!(summary.frequency.iter().sum::<u64>(), repeats);

    // Text dates give the same summary as day numbers.
    let text_dates: Vec<String> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect();
    let from_text =
        rfm_summary(&ids, DateColumn::Strings(&text_dates), Some(&values), &opts).unwrap();
    assert_eq!(from_text, summary);
}
