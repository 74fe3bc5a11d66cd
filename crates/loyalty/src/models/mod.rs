//! Probabilistic retention and spend models (sBG, BG/NBD, MBG/NBD, Pareto/NBD,
//! BG/BB, Gamma-Gamma), their likelihoods, fits and predictions.
//!
//! Every fit maximises the likelihood over log-parameters ([`fit`]) on data
//! validated and compressed by [`data`], and returns the model with a
//! [`fit::FitReport`]. Special functions evaluated in log space live in
//! [`special`]; customer lifetime value combining a transaction model with
//! Gamma-Gamma spend is in [`clv`].

pub mod bgbb;
pub mod bgnbd;
pub mod clv;
pub mod data;
pub mod fit;
pub mod gamma_gamma;
pub mod pareto;
pub mod rfm;
pub mod sbg;
pub mod simulate;
pub mod special;

pub use bgbb::{BetaGeoBetaBinom, BetaGeoBetaBinomFit};
pub use bgnbd::{BetaGeo, BetaGeoFit, Variant};
pub use clv::{customer_lifetime_value, ClvOptions, Discounting, TransactionModel};
pub use data::Summary;
pub use fit::{FitOptions, FitReport, Termination};
pub use gamma_gamma::{GammaGamma, GammaGammaFit};
pub use pareto::{ParetoNbd, ParetoNbdFit};
pub use sbg::{ShiftedBetaGeometric, ShiftedBetaGeometricFit};
