//! Benchmarks of the separation analyses on seeded ECSI-shaped surveys:
//! 7 constructs, 24 items on 1-10, the ECSI paths of the mobi model.
//!
//! Run with `cargo bench -p loyalty-benches --bench separation`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use loyalty::separation::{
    construct_validity, loyalty_quadrants, pls_path_model, response_curve, ConstructSpec, ItemRows,
    MissingItems, PathSpec, PlsOptions, QuadrantOptions, ResponseOptions, ValidityOptions,
};

/// Items per construct, in the mobi order of the ECSI model.
const BLOCKS: [(&str, usize); 7] = [
    ("Image", 5),
    ("Expectation", 3),
    ("Quality", 7),
    ("Value", 2),
    ("Satisfaction", 3),
    ("Complaints", 1),
    ("Loyalty", 3),
];

const PATHS: [(&str, &str); 12] = [
    ("Image", "Expectation"),
    ("Image", "Satisfaction"),
    ("Image", "Loyalty"),
    ("Expectation", "Quality"),
    ("Expectation", "Value"),
    ("Expectation", "Satisfaction"),
    ("Quality", "Value"),
    ("Quality", "Satisfaction"),
    ("Value", "Satisfaction"),
    ("Satisfaction", "Complaints"),
    ("Satisfaction", "Loyalty"),
    ("Complaints", "Loyalty"),
];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Sum of 12 uniforms minus 6: mean 0, variance 1, enough for benchmark data.
    (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0
}

/// `n` respondents: one common factor per construct, chained like the ECSI
/// paths, items = factor + noise rounded onto 1-10.
fn survey(n: usize, seed: u64) -> (Vec<String>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut names = Vec::new();
    for (name, k) in BLOCKS {
        for i in 1..=k {
            names.push(format!("{name}{i}"));
        }
    }
    let mut values = Vec::with_capacity(n * names.len());
    for _ in 0..n {
        let image = normal(&mut rng);
        let expectation = 0.5 * image + 0.85 * normal(&mut rng);
        let quality = 0.55 * expectation + 0.8 * normal(&mut rng);
        let value = 0.55 * quality + 0.8 * normal(&mut rng);
        let satisfaction = 0.2 * image + 0.5 * quality + 0.2 * value + 0.6 * normal(&mut rng);
        let complaints = 0.5 * satisfaction + 0.85 * normal(&mut rng);
        let loyalty = 0.2 * image + 0.5 * satisfaction + 0.8 * normal(&mut rng);
        let factors = [
            image,
            expectation,
            quality,
            value,
            satisfaction,
            complaints,
            loyalty,
        ];
        for (f, (_, k)) in factors.iter().zip(BLOCKS) {
            for _ in 0..k {
                let score = (7.0 + 1.5 * (f + 0.7 * normal(&mut rng))).round();
                values.push(score.clamp(1.0, 10.0));
            }
        }
    }
    (names, values)
}

fn spec() -> (Vec<ConstructSpec>, Vec<PathSpec>) {
    let constructs = BLOCKS
        .iter()
        .map(|(name, k)| ConstructSpec {
            name: name.to_string(),
            items: (1..=*k).map(|i| format!("{name}{i}")).collect(),
            mode: Default::default(),
        })
        .collect();
    let paths = PATHS.iter().map(|(s, t)| PathSpec::new(*s, *t)).collect();
    (constructs, paths)
}

fn bench_pls(c: &mut Criterion) {
    let (constructs, paths) = spec();
    let mut group = c.benchmark_group("pls_path_model");
    group.sample_size(10);
    for n in [250usize, 10_000, 1_000_000] {
        let (names, values) = survey(n, 7);
        let rows = ItemRows::from_row_major(names, &values, MissingItems::Reject).unwrap();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("fit", n), &rows, |b, rows| {
            b.iter(|| pls_path_model(rows, &constructs, &paths, &PlsOptions::default()).unwrap())
        });
    }
    let (names, values) = survey(250, 7);
    let rows = ItemRows::from_row_major(names, &values, MissingItems::Reject).unwrap();
    let options = PlsOptions {
        bootstrap: 1000,
        index_scale: Some((1.0, 10.0)),
        ..PlsOptions::default()
    };
    group.bench_function("bootstrap_1000_n250", |b| {
        b.iter(|| pls_path_model(&rows, &constructs, &paths, &options).unwrap())
    });
    group.finish();
}

fn bench_validity(c: &mut Criterion) {
    let (constructs, paths) = spec();
    let (names, values) = survey(250, 7);
    let rows = ItemRows::from_row_major(names, &values, MissingItems::Reject).unwrap();
    let mut group = c.benchmark_group("construct_validity");
    group.sample_size(10);
    group.bench_function("bootstrap_1000_n250", |b| {
        b.iter(|| {
            construct_validity(&rows, &constructs, &paths, &ValidityOptions::default()).unwrap()
        })
    });
    group.finish();
}

fn bench_quadrants_and_curve(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 1_000_000;
    let sat: Vec<f64> = (0..n).map(|_| rng.random_range(1..=10) as f64).collect();
    let loy: Vec<f64> = sat
        .iter()
        .map(|s| (s + rng.random_range(-3..=3) as f64).clamp(1.0, 10.0))
        .collect();
    let mut group = c.benchmark_group("separation_scores");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("quadrants_1e6", |b| {
        b.iter(|| loyalty_quadrants(&sat, &loy, 9.0, 9.0, &QuadrantOptions::default()).unwrap())
    });
    let options = ResponseOptions {
        bootstrap: 200,
        ..ResponseOptions::default()
    };
    group.bench_function("response_curve_bootstrap_200_1e6", |b| {
        b.iter(|| response_curve(&sat, &loy, &options).unwrap())
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_pls,
    bench_validity,
    bench_quadrants_and_curve
);
criterion_main!(benches);
