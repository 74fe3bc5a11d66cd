//! `loyalty`: stakeholder loyalty management as pure computation.
//!
//! The crate measures loyalty from what members say (survey indices such as NPS,
//! eNPS, CSAT and CES) and from what they do (retention, tenure, repeat
//! purchase), and links both to money (customer lifetime value and its
//! sensitivity to retention). It reads no files, opens no network connections
//! and prints nothing: front ends (the `loyalty` CLI, the Python package and the
//! C ABI) adapt it to their users.
//!
//! Every index and fitted quantity is returned as an [`Estimate`] (value,
//! standard error, interval, level, method and sample size), and every
//! aggregate is a summary that merges, so partitions of a large data set can be
//! summarised apart and combined.
//!
//! # Example
//! ```
//! use loyalty::survey::{nps_from_counts, NpsMethod};
//!
//! // 40 detractors, 60 passives, 100 promoters.
//! let est = nps_from_counts(40.0, 60.0, 100.0, NpsMethod::Wald, 0.95).unwrap();
//! assert!((est.value - 30.0).abs() < 1e-12);
//! assert!((est.se - 5.522680508593631).abs() < 1e-9);
//! ```
#![forbid(unsafe_code)]

pub mod error;
pub mod estimate;
pub mod math;
pub mod scale;
pub mod stakeholder;

pub mod survey;

pub mod benchmark;
pub mod cycle;
pub mod drivers;
pub mod feedback;
pub mod models;
pub mod monitor;
pub mod retention;
pub mod sensitivity;
pub mod separation;
pub mod value;

pub use error::{Error, Result};
pub use estimate::Estimate;
pub use scale::Scale;
pub use stakeholder::Stakeholder;
