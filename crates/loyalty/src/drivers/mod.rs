//! Drivers: which performance dimensions explain loyalty or satisfaction.
//!
//! A key-driver analysis splits the R-squared of a regression of an outcome
//! (a recommend score, satisfaction, intention to stay, retained yes/no) on
//! the ratings of performance dimensions among those dimensions:
//!
//! - [`key_drivers`] (raw columns), [`key_drivers_from_moments`] (a merged
//!   [`Moments`] summary) and [`key_drivers_from_matrix`] (a correlation or
//!   covariance matrix with its `n`) return every importance measure
//!   ([`Method`]): LMG / Shapley value of R-squared from all `2^p` subsets
//!   ([`SubsetR2`]), general, conditional and complete [`Dominance`],
//!   Johnson's relative weights, Pratt, first, last and squared
//!   standardised coefficients, each with a seeded bootstrap interval, and a
//!   bootstrap test of whether two drivers differ ([`KeyDrivers::compare`]).
//!   For a 0/1 outcome the logistic [`Model`] uses McFadden's R-squared.
//! - [`penalty_reward`]: penalty-reward contrast analysis with stated cuts.
//! - [`importance_performance`] (or [`KeyDrivers::ipa`]): the
//!   importance-performance matrix.
//!
//! # Rules
//! - Missing values: listwise deletion by default, counted in `n_missing`
//!   ([`Missing`]).
//! - A matrix that is not positive semidefinite is
//!   [`crate::Error::NotPositiveSemidefinite`] with its smallest eigenvalue.
//! - A constant driver or outcome is [`crate::Error::Degenerate`] naming it.
//! - Exactly collinear drivers follow [`Collinearity`]: by default each
//!   R-squared is that of the projection onto the span of the drivers, so
//!   R-squared never exceeds 1 and exact duplicates share equally.
//! - Up to 25 drivers (`exact_limit`, at most 28) LMG is exact; above it,
//!   it is estimated from antithetic random orderings with its Monte Carlo
//!   standard error ([`sample_shapley`]).

pub mod analysis;
pub mod bootstrap;
pub mod correlation;
pub mod importance;
pub mod ipa;
pub mod logistic;
pub mod moments;
pub mod prca;
pub mod subsets;

pub use analysis::{
    key_drivers, key_drivers_from_matrix, key_drivers_from_moments, Collinearity, KeyDriverOptions,
    KeyDrivers, Method, MethodImportance, Model,
};
pub use bootstrap::{difference_test, ImportanceDifference};
pub use correlation::DriverCorrelation;
pub use importance::{dominance, shapley, Dominance};
pub use ipa::{importance_performance, Ipa, IpaCuts, IpaPoint, Quadrant};
pub use logistic::LOGISTIC_EXACT_LIMIT;
pub use moments::{Missing, Moments};
pub use prca::{penalty_reward, Asymmetry, PenaltyReward, PenaltyRewardResult, PrcaCuts};
pub use subsets::{
    sample_shapley, SampledShapley, SubsetR2, DEFAULT_EXACT_LIMIT, MAX_EXACT_DRIVERS,
};
