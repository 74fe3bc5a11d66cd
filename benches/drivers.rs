//! Key-driver analysis: exact all-subsets LMG with dominance at 8, 12, 15,
//! 20 and 25 drivers on 5,000 seeded rows (the sizes of
//! benches/drivers_vs_dominance.py), and the moment summary alone.
//!
//! Run: `cargo bench -p loyalty-benches --bench drivers`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use loyalty::drivers::{
    importance, key_drivers, DriverCorrelation, KeyDriverOptions, Missing, Moments, SubsetR2,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `rows` seeded rows of an outcome and `p` correlated drivers on a 1-10
/// scale: each driver is a shared factor plus noise, and the outcome a
/// weighted sum of the drivers plus noise.
fn seeded_survey(rows: usize, p: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cols = vec![Vec::with_capacity(rows); p + 1];
    for _ in 0..rows {
        let factor: f64 = rng.random_range(-1.0..1.0);
        let mut y = 0.0;
        for (j, col) in cols.iter_mut().enumerate().skip(1) {
            let x = (5.5 + 2.0 * factor + rng.random_range(-2.5..2.5))
                .round()
                .clamp(1.0, 10.0);
            y += x * (j as f64 / p as f64);
            col.push(x);
        }
        cols[0].push(y + rng.random_range(-3.0..3.0));
    }
    cols
}

fn analyse(cols: &[Vec<f64>]) -> f64 {
    let names: Vec<String> = (0..cols.len()).map(|j| format!("x{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let r = key_drivers(&names, &columns, None, &KeyDriverOptions::default()).unwrap();
    r.r_squared.value
}

fn exact_lmg(c: &mut Criterion) {
    let mut group = c.benchmark_group("drivers_exact_lmg_5000_rows");
    for p in [8usize, 12, 15, 20] {
        let cols = seeded_survey(5_000, p, 42);
        group.bench_with_input(BenchmarkId::from_parameter(p), &cols, |b, cols| {
            b.iter(|| analyse(cols))
        });
    }
    group.finish();
    let mut big = c.benchmark_group("drivers_exact_lmg_25_drivers");
    big.sample_size(10);
    let cols = seeded_survey(5_000, 25, 42);
    big.bench_function("25", |b| b.iter(|| analyse(&cols)));
    big.finish();
}

/// Times the three stages of an exact analysis at 20 drivers: the subset table,
/// conditional dominance (and so LMG) and complete dominance.
fn stages(c: &mut Criterion) {
    let cols = seeded_survey(5_000, 20, 42);
    let names: Vec<String> = (0..21).map(|j| format!("x{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let m = Moments::from_columns(&names, &columns, None, Missing::Listwise).unwrap();
    let corr = DriverCorrelation::from_moments(&m, &names).unwrap();
    let table = SubsetR2::exact(&corr).unwrap();
    let mut group = c.benchmark_group("drivers_stages_20");
    group.sample_size(10);
    group.bench_function("subset_table", |b| {
        b.iter(|| SubsetR2::exact(&corr).unwrap())
    });
    group.bench_function("conditional_dominance", |b| {
        b.iter(|| importance::conditional_dominance(&table))
    });
    group.bench_function("complete_dominance", |b| {
        b.iter(|| importance::complete_dominance(&table))
    });
    group.finish();
}

fn moments(c: &mut Criterion) {
    let cols = seeded_survey(5_000, 12, 42);
    let names: Vec<String> = (0..13).map(|j| format!("x{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    c.bench_function("drivers_moments_5000x13", |b| {
        b.iter(|| Moments::from_columns(&names, &columns, None, Missing::Listwise).unwrap())
    });
}

criterion_group!(benches, exact_lmg, stages, moments);
criterion_main!(benches);
