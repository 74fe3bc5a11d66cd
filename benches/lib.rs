//! Seeded input generators shared by the criterion benchmarks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Draws `n` recommend scores 0..=10 as bytes from a fixed seed.
pub fn seeded_scores(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(0..=10u8)).collect()
}
