//! Kaplan-Meier with censoring and late entry on seeded durations
//! (10^5 to 10^7 members), the Rust side of `benches/retention_vs_lifelines.py`.
//!
//! Run: `cargo bench -p loyalty-benches --bench retention`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use loyalty::retention::{KaplanMeier, RiskTable};

/// Members with entry ~ U(0, 12), time from entry to exit ~ Exp(mean 24)
/// and 30 % censored: the same design as the Python side-by-side script.
fn seeded_members(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut durations = Vec::with_capacity(n);
    let mut events = Vec::with_capacity(n);
    let mut entry = Vec::with_capacity(n);
    for _ in 0..n {
        let start: f64 = rng.random_range(0.0..12.0);
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        entry.push(start);
        durations.push(start + 1e-9 - 24.0 * u.ln());
        events.push(rng.random_bool(0.7));
    }
    (durations, events, entry)
}

fn kaplan_meier(c: &mut Criterion) {
    let mut group = c.benchmark_group("kaplan_meier_late_entry");
    group.sample_size(10);
    for n in [100_000usize, 1_000_000, 10_000_000] {
        let (d, e, x) = seeded_members(n, 2024);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| KaplanMeier::fit(&d, Some(&e), Some(&x), 0.95).unwrap())
        });
    }
    group.finish();
}

fn risk_table_merge(c: &mut Criterion) {
    let (d, e, x) = seeded_members(1_000_000, 7);
    let half = d.len() / 2;
    let a = RiskTable::from_durations(&d[..half], Some(&e[..half]), Some(&x[..half])).unwrap();
    let b = RiskTable::from_durations(&d[half..], Some(&e[half..]), Some(&x[half..])).unwrap();
    c.bench_function("risk_table_merge_2x500k", |bench| {
        bench.iter(|| a.clone().merged(&b))
    });
}

criterion_group!(benches, kaplan_meier, risk_table_merge);
criterion_main!(benches);
