//! Probabilistic retention and spend models (sBG, BG/NBD, MBG/NBD, Pareto/NBD,
//! BG/BB, Gamma-Gamma), their likelihoods, fits and predictions.

pub mod rfm;
pub mod sbg;
