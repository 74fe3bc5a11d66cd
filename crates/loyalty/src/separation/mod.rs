//! Separation: the analyses that keep satisfaction and loyalty apart.
//!
//! Satisfied members still defect. This module shows where the two diverge,
//! with uncertainty, for any stakeholder group (customers, employees with
//! satisfaction against intention to stay or exits, ...):
//!
//! - [`quadrants`]: Jones and Sasser's satisfaction-loyalty quadrants,
//!   conditional loyalty rates and the satisfied defector rate, with
//!   attitudinal or behavioural loyalty;
//! - [`response`]: the satisfaction-to-loyalty response curve with a
//!   monotone fit and the location of its largest jump;
//! - [`validity`]: reliability and discriminant validity (Fornell-Larcker,
//!   HTMT, HTMT2) of multi-item constructs, flagging satisfaction and loyalty
//!   scales that are not empirically distinct;
//! - [`pls`]: PLS path models of the ACSI/ECSI kind with their 0-100 indices.
//!
//! [`data`] contains the multi-item table and its mergeable moment summary.

pub mod data;
pub mod pls;
pub mod quadrants;
pub(crate) mod resample;
pub mod response;
pub mod validity;

pub use data::{ItemMoments, ItemRows, MissingItems};
pub use pls::{
    pls_path_model, pls_path_model_from_moments, ConstructSpec, InnerScheme, Mode, PathSpec,
    PlsFit, PlsOptions,
};
pub use quadrants::{
    behavioural_quadrants, join_retention, loyalty_quadrants, JoinedRetention, LoyaltyMeasure,
    QuadrantCounts, QuadrantOptions, Quadrants,
};
pub use response::{isotonic_increasing, response_curve, Outcome, ResponseCurve, ResponseOptions};
pub use validity::{construct_validity, ConstructValidity, HtmtCorrelations, ValidityOptions};
