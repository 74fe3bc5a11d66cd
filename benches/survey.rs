//! NPS over 10^8 byte scores: the counting fast path against a plain read of
//! the same bytes (summing them as u64 words), the lower bound for any pass
//! over the data.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use loyalty::survey::{nps, NpsCounts, NpsMethod};
use loyalty::Scale;
use loyalty_benches::seeded_scores;

fn plain_read(bytes: &[u8]) -> u64 {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .fold(0u64, u64::wrapping_add)
}

fn bench_nps(c: &mut Criterion) {
    let n = 100_000_000;
    let scores = seeded_scores(n, 42);
    let scale = Scale::nps();
    let mut group = c.benchmark_group("nps_1e8_u8");
    group.throughput(Throughput::Bytes(n as u64));
    group.sample_size(20);
    group.bench_function("loyalty_adjusted_wald", |b| {
        b.iter(|| {
            let counts = NpsCounts::from_u8(std::hint::black_box(&scores), &scale).unwrap();
            nps(&counts, NpsMethod::AdjustedWald, 0.95).unwrap()
        })
    });
    group.bench_function("plain_read_u64_sum", |b| {
        b.iter(|| plain_read(std::hint::black_box(&scores)))
    });
    group.finish();
}

criterion_group!(benches, bench_nps);
criterion_main!(benches);
