//! RFM summary of the CDNOW master log (69,659 transactions, 23,570
//! customers) from integer ids with day numbers, with text dates, and with
//! string ids.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use loyalty::models::rfm::{rfm_summary, DateColumn, Moment, Period, RfmOptions};

const MASTER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/loyalty-cli/data/cdnow/CDNOW_master.txt"
);

/// Rows of the master log: (customer id, YYYYMMDD text, dollar value).
fn master_log() -> (Vec<i64>, Vec<String>, Vec<f64>) {
    let text = std::fs::read_to_string(MASTER).expect("bundled CDNOW master log");
    let mut ids = Vec::new();
    let mut dates = Vec::new();
    let mut values = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        ids.push(fields[0].parse().expect("integer id"));
        dates.push(fields[1].to_string());
        values.push(fields[3].parse().expect("dollar value"));
    }
    (ids, dates, values)
}

fn bench_rfm(c: &mut Criterion) {
    let (ids, dates, values) = master_log();
    let options = RfmOptions {
        period: Period::Days(7.0),
        observation_end: Some(Moment::from("1998-06-30")),
        ..RfmOptions::default()
    };
    let day_numbers: Vec<i64> = rfm_day_numbers(&dates);
    let string_ids: Vec<String> = ids.iter().map(|i| format!("{i:05}")).collect();

    let mut group = c.benchmark_group("rfm_summary_cdnow_master");
    group.throughput(Throughput::Elements(ids.len() as u64));
    group.bench_function("int_ids_day_numbers", |b| {
        b.iter(|| {
            rfm_summary(
                &ids,
                DateColumn::DayNumbers(&day_numbers),
                Some(&values),
                &options,
            )
        })
    });
    group.bench_function("int_ids_text_dates", |b| {
        b.iter(|| rfm_summary(&ids, DateColumn::Strings(&dates), Some(&values), &options))
    });
    group.bench_function("string_ids_text_dates", |b| {
        b.iter(|| {
            rfm_summary(
                &string_ids,
                DateColumn::Strings(&dates),
                Some(&values),
                &options,
            )
        })
    });
    group.finish();
}

/// Days since 1970-01-01 of YYYYMMDD text, through jiff.
fn rfm_day_numbers(dates: &[String]) -> Vec<i64> {
    let epoch = jiff::civil::date(1970, 1, 1);
    dates
        .iter()
        .map(|d| {
            let date: jiff::civil::Date = jiff::fmt::strtime::parse("%Y%m%d", d)
                .and_then(|t| t.to_date())
                .expect("YYYYMMDD date");
            i64::from(
                date.since((jiff::Unit::Day, epoch))
                    .expect("span")
                    .get_days(),
            )
        })
        .collect()
}

criterion_group!(benches, bench_rfm);
criterion_main!(benches);
