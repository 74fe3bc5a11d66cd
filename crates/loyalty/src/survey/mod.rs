//! Survey loyalty indices: NPS and eNPS, top-box share (CSAT), mean score
//! (CES), category shares and two-sample comparisons, each computed from a
//! mergeable [`ScoreTally`] or [`NpsCounts`].

pub mod compare;
pub mod nps;
pub mod share;
pub mod tally;

pub use compare::{compare_nps, CompareMethod, NpsComparison};
pub use nps::{nps, nps_from_counts, nps_from_tally, DirichletPrior, NpsMethod, WeightedSe};
pub use share::{category_shares, mean_score, top_box, ShareMethod};
pub use tally::{Missing, NpsCounts, ScoreTally};
