//! Empirical retention for every stakeholder group: cohort tables,
//! Kaplan-Meier curves with left truncation, Nelson-Aalen cumulative hazard,
//! discrete per-period hazards, the log-rank test and summary figures, and
//! the bridge to the sBG model.
//!
//! Every estimate is computed from a [`RiskTable`] (members at risk,
//! events and censorings per time), which merges across partitions.
//!
//! Conventions, the same in every function:
//! - a member is at risk at `t` when `entry < t <= exit`; `entry >= exit` is
//!   an error, and entrants at the time of an event are not in its risk set;
//! - at a time with events and censorings, the events come first;
//! - a risk set emptied by events leaves the curve at 0, never NaN.
//!
//! The product-limit code is written here rather than taken from a crate
//! because no maintained Rust crate offers Kaplan-Meier with left
//! truncation, a mergeable summary and the log-rank test for G groups.

pub mod cohort;
pub mod kaplan_meier;
pub mod log_rank;
pub mod nelson_aalen;
pub mod period_hazard;
pub mod risk_table;
pub mod sbg_bridge;
pub mod summary;

pub use cohort::{parse_date, AverageRetention, Cohort, CohortTable, Period};
pub use kaplan_meier::{KaplanMeier, KmRow, QuantileEstimate, KM_METHOD};
pub use log_rank::{log_rank, log_rank_by_group, tables_by_group, LogRankTest};
pub use nelson_aalen::{NelsonAalen, NelsonAalenRow};
pub use period_hazard::{PeriodRow, PeriodTable};
pub use risk_table::{event_flags, RiskRow, RiskTable};
pub use sbg_bridge::{
    compare_curves, fit_sbg, sbg_observations, sbg_observations_from_cohorts,
    sbg_observations_from_durations, survivors_from_cohort, CurveComparison, CurvePoint, SbgBridge,
    SbgObservation,
};
pub use summary::{
    group_retention, summarize, GroupRetention, RetentionSummary, SegmentRetention, SummaryOptions,
};
