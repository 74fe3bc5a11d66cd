//! Benchmark: one's loyalty against competitors' (gaps with tests) and the
//! flows of members between firms.
//!
//! Two-sample index comparisons live in [`crate::survey::compare`]; brand
//! switching matrices live in [`crate::value`] beside Markov customer value.
