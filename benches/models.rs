//! Criterion benchmarks of the model fits: BG/NBD, MBG/NBD and Pareto/NBD on
//! CDNOW (2,357 customers), and BG/NBD on 1,000,000 customers simulated from
//! the CDNOW BG/NBD fit (seeded; times in whole days, as in a transaction
//! log floored to days), including validation and compression.
//!
//! Run: `cargo bench -p loyalty-benches --bench models`.

use criterion::{criterion_group, criterion_main, Criterion};
use loyalty::models::simulate::simulate_beta_geo;
use loyalty::models::{BetaGeo, FitOptions, ParetoNbd, Summary, Variant};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/loyalty-cli/data/cdnow/cdnow_customers_summary.csv"
    );
    let text = std::fs::read_to_string(path).expect("bundled CDNOW summary");
    let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let cells: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        x.push(cells[1]);
        tx.push(cells[2]);
        t.push(cells[3]);
    }
    (x, tx, t)
}

/// One million customers acquired over 12 weeks and observed to week 39,
/// with purchase times rounded up to whole days.
pub fn simulated_million() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let truth = BetaGeo::new(0.243, 4.414, 0.793, 2.426, Variant::BgNbd).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let ages: Vec<f64> = (0..1_000_000)
        .map(|_| (273 - rng.random_range(0..84)) as f64 / 7.0)
        .collect();
    let (x, tx) = simulate_beta_geo(&truth, &ages, 42).unwrap();
    let tx: Vec<f64> = tx
        .iter()
        .zip(&ages)
        .map(|(&v, &age)| ((v * 7.0).ceil() / 7.0).min(age))
        .collect();
    (x, tx, ages)
}

fn fits(c: &mut Criterion) {
    let (x, tx, t) = cdnow();
    let options = FitOptions::default();
    let mut group = c.benchmark_group("cdnow");
    group.sample_size(20);
    group.bench_function("bgnbd_fit", |b| {
        b.iter(|| {
            let data = Summary::new(&x, &tx, &t, None).unwrap();
            BetaGeo::fit(&data, Variant::BgNbd, &options).unwrap()
        })
    });
    group.bench_function("mbgnbd_fit", |b| {
        b.iter(|| {
            let data = Summary::new(&x, &tx, &t, None).unwrap();
            BetaGeo::fit(&data, Variant::MbgNbd, &options).unwrap()
        })
    });
    group.bench_function("pareto_nbd_fit", |b| {
        b.iter(|| {
            let data = Summary::new(&x, &tx, &t, None).unwrap();
            ParetoNbd::fit(&data, &options).unwrap()
        })
    });
    group.finish();

    let (x, tx, t) = simulated_million();
    let mut group = c.benchmark_group("simulated_1m");
    group.sample_size(10);
    group.bench_function("bgnbd_fit", |b| {
        b.iter(|| {
            let data = Summary::new(&x, &tx, &t, None).unwrap();
            BetaGeo::fit(&data, Variant::BgNbd, &options).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, fits);
criterion_main!(benches);
