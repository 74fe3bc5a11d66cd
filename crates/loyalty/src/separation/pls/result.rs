//! Result types of a PLS path model fit.

use serde::{Deserialize, Serialize};

use super::spec::InnerScheme;
use crate::estimate::Estimate;
use crate::separation::validity::reliability::BlockReliability;
use crate::stakeholder::Stakeholder;

/// One path coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathCoefficient {
    /// Predecessor construct.
    pub source: String,
    /// Explained construct.
    pub target: String,
    /// Standardised coefficient with a least-squares (on construct scores) or
    /// bootstrap interval.
    pub coefficient: Estimate,
}

/// Fit of one construct in the structural model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstructFit {
    /// Construct name.
    pub construct: String,
    /// Number of predecessors (0 for an exogenous construct).
    pub predecessors: usize,
    /// R-squared with an Olkin-Finn or bootstrap interval (`None` when exogenous).
    pub r_squared: Option<Estimate>,
    /// Adjusted R-squared `1 - (1 - R2)(n - 1)/(n - k - 1)`.
    pub adjusted_r_squared: Option<f64>,
    /// Mean squared loading of the block (communality).
    pub communality: f64,
    /// Communality times R-squared.
    pub redundancy: f64,
}

/// Outer weight and loading of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OuterItem {
    /// Construct of the item.
    pub construct: String,
    /// Item name.
    pub item: String,
    /// Weight of the standardised item.
    pub weight: f64,
    /// Weight of the raw item rescaled to sum to 1 within the block (the
    /// weight of the 0-100 index).
    pub weight_unstandardized: f64,
    /// Correlation of the item with its construct (PLSc: consistent loading).
    pub loading: f64,
    /// Bootstrap interval of `weight`, when bootstrapped.
    pub weight_interval: Option<Estimate>,
    /// Bootstrap interval of `loading`, when bootstrapped.
    pub loading_interval: Option<Estimate>,
}

/// Reliability of one construct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstructReliability {
    /// Construct name.
    pub construct: String,
    /// Number of items.
    pub items: usize,
    /// The figures.
    #[serde(flatten)]
    pub values: BlockReliability,
}

/// Direct, indirect and total effect between two constructs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Cause.
    pub source: String,
    /// Effect.
    pub target: String,
    /// Path coefficient (0 without a path).
    pub direct: f64,
    /// Sum over indirect routes.
    pub indirect: f64,
    /// Direct plus indirect.
    pub total: f64,
}

/// The 0-100 index of one construct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstructIndex {
    /// Construct name.
    pub construct: String,
    /// Index on 0-100 with a delta-method (weights held fixed) or bootstrap interval.
    pub index: Estimate,
}

/// Bootstrap settings and the count of failed resamples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInfo {
    /// Resamples asked for.
    pub resamples: usize,
    /// Resamples whose fit failed (did not converge or was degenerate) and
    /// were left out.
    pub failed: usize,
    /// Seed of the random stream.
    pub seed: u64,
}

/// A fitted PLS path model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlsFit {
    /// Stakeholder group of the survey.
    pub group: Stakeholder,
    /// Construct names in specification order.
    pub constructs: Vec<String>,
    /// Inner scheme used.
    pub scheme: InnerScheme,
    /// Whether consistent PLS corrected the construct correlations.
    pub consistent: bool,
    /// Whether items were standardised.
    pub standardized: bool,
    /// Weight updates until convergence.
    pub iterations: usize,
    /// Respondents used.
    pub n: f64,
    /// Respondents dropped for missing values.
    pub n_dropped: usize,
    /// Values replaced by item means.
    pub n_imputed: usize,
    /// Path coefficients in specification order.
    pub paths: Vec<PathCoefficient>,
    /// Structural fit of each construct.
    pub construct_fits: Vec<ConstructFit>,
    /// Outer weights and loadings, block after block.
    pub outer: Vec<OuterItem>,
    /// Reliability of each construct.
    pub reliability: Vec<ConstructReliability>,
    /// Construct correlations (PLSc: corrected), row-major, constructs x constructs.
    pub construct_correlations: Vec<Vec<f64>>,
    /// Cross-loadings: correlation of each item (row) with each construct (column).
    pub cross_loadings: Vec<Vec<f64>>,
    /// Effects between every ordered pair of constructs with a nonzero total effect.
    pub effects: Vec<Effect>,
    /// Goodness of fit of Tenenhaus et al. (2004): sqrt(mean communality of
    /// the items of multi-item blocks x mean R-squared).
    pub gof: f64,
    /// 0-100 index of each construct, when an item scale was given.
    pub indices: Vec<ConstructIndex>,
    /// Bootstrap details, when bootstrapped.
    pub bootstrap: Option<BootstrapInfo>,
    /// Admissibility warnings (low reliability, corrected correlations beyond 1, negative index weights).
    pub warnings: Vec<String>,
}

impl PlsFit {
    /// Returns the 0-100 index of `construct`, if it was computed.
    pub fn index(&self, construct: &str) -> Option<&Estimate> {
        self.indices
            .iter()
            .find(|c| c.construct == construct)
            .map(|c| &c.index)
    }

    /// Returns the coefficient of the path `source -> target`.
    pub fn path(&self, source: &str, target: &str) -> Option<&Estimate> {
        self.paths
            .iter()
            .find(|p| p.source == source && p.target == target)
            .map(|p| &p.coefficient)
    }

    /// Returns the R-squared of `construct` (`None` when exogenous or unknown).
    pub fn r_squared(&self, construct: &str) -> Option<&Estimate> {
        self.construct_fits
            .iter()
            .find(|c| c.construct == construct)
            .and_then(|c| c.r_squared.as_ref())
    }
}
