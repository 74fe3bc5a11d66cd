//! Monitor: indices over time with control limits, so that a real drop is
//! told from noise.
//!
//! TODO: control charts are not implemented yet; two-period comparisons are in
//! [`crate::survey::compare`].
