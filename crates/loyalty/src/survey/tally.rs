//! Mergeable summaries of survey scores: [`ScoreTally`] and [`NpsCounts`].

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{check_same_len, Error, Result};
use crate::scale::{NpsCategory, Scale};

/// Policy for missing (NaN) scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// A NaN score is an error naming its position (the default).
    #[default]
    Reject,
    /// NaN scores are dropped and counted in [`ScoreTally::missing`].
    Drop,
}

/// Counts (and weights) of responses per scale point.
///
/// Every survey index is computed from a tally, and tallies of partitions
/// merge associatively and commutatively, so an index over a large data set
/// can be computed from per-partition tallies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreTally {
    scale: Scale,
    /// Responses per scale point.
    counts: Vec<u64>,
    /// Sum of weights per scale point.
    weights: Vec<f64>,
    /// Sum of squared weights per scale point (for Kish's effective n and
    /// linearised variances).
    weights_sq: Vec<f64>,
    /// Missing scores dropped under [`Missing::Drop`].
    missing: u64,
}

impl ScoreTally {
    /// Builds an empty tally on `scale`.
    pub fn new(scale: Scale) -> Self {
        let k = scale.points();
        ScoreTally {
            scale,
            counts: vec![0; k],
            weights: vec![0.0; k],
            weights_sq: vec![0.0; k],
            missing: 0,
        }
    }

    /// Tallies unweighted scores.
    ///
    /// # Errors
    /// The first score that is off the scale, fractional on an integral
    /// scale, infinite, or NaN under [`Missing::Reject`], named by position.
    pub fn from_scores(scale: Scale, scores: &[f64], missing: Missing) -> Result<Self> {
        let mut tally = ScoreTally::new(scale);
        for (i, &s) in scores.iter().enumerate() {
            tally.add_at(i, s, 1.0, missing)?;
        }
        Ok(tally)
    }

    /// Tallies scores from any iterator (e.g. integer arrays converted on the fly).
    ///
    /// # Errors
    /// As [`ScoreTally::from_scores`].
    pub fn from_iter_scores(
        scale: Scale,
        scores: impl IntoIterator<Item = f64>,
        missing: Missing,
    ) -> Result<Self> {
        let mut tally = ScoreTally::new(scale);
        for (i, s) in scores.into_iter().enumerate() {
            tally.add_at(i, s, 1.0, missing)?;
        }
        Ok(tally)
    }

    /// Tallies weighted scores (survey weights, one per score).
    ///
    /// # Errors
    /// As [`ScoreTally::from_scores`], plus mismatched lengths and weights
    /// that are negative or not finite.
    pub fn from_weighted(
        scale: Scale,
        scores: &[f64],
        weights: &[f64],
        missing: Missing,
    ) -> Result<Self> {
        check_same_len("scores", scores.len(), "weights", weights.len())?;
        let mut tally = ScoreTally::new(scale);
        for (i, (&s, &w)) in scores.iter().zip(weights).enumerate() {
            tally.add_at(i, s, w, missing)?;
        }
        Ok(tally)
    }

    /// Adds one score with weight 1.
    ///
    /// # Errors
    /// As [`ScoreTally::add_weighted`].
    pub fn add(&mut self, score: f64) -> Result<()> {
        self.add_at(0, score, 1.0, Missing::Reject)
    }

    /// Adds one score with a survey weight.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] or [`Error::NotFinite`] for a score off the
    /// scale, and [`Error::OutOfRange`] for a negative or non-finite weight.
    pub fn add_weighted(&mut self, score: f64, weight: f64) -> Result<()> {
        self.add_at(0, score, weight, Missing::Reject)
    }

    fn add_at(&mut self, index: usize, score: f64, weight: f64, missing: Missing) -> Result<()> {
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(Error::OutOfRange {
                what: "weights".into(),
                index,
                value: weight,
                expected: "weights must be finite and non-negative".into(),
            });
        }
        if score.is_nan() && missing == Missing::Drop {
            self.missing += 1;
            return Ok(());
        }
        let k = self.scale.check("scores", index, score)?;
        self.counts[k] += 1;
        self.weights[k] += weight;
        self.weights_sq[k] += weight * weight;
        Ok(())
    }

    /// Adds the responses of `other` to this tally.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if the two tallies are on different scales.
    pub fn merge(&mut self, other: &ScoreTally) -> Result<()> {
        if self.scale != other.scale {
            return Err(Error::invalid_parameter(
                "scale of merged tally",
                other.scale,
                format!(
                    "tallies must share a scale to merge; this one is {}",
                    self.scale
                ),
            ));
        }
        for k in 0..self.counts.len() {
            self.counts[k] += other.counts[k];
            self.weights[k] += other.weights[k];
            self.weights_sq[k] += other.weights_sq[k];
        }
        self.missing += other.missing;
        Ok(())
    }

    /// Returns the scale of the tally.
    pub fn scale(&self) -> &Scale {
        &self.scale
    }

    /// Responses per scale point, lowest point first.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Sum of weights per scale point.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Sum of squared weights per scale point.
    pub fn weights_sq(&self) -> &[f64] {
        &self.weights_sq
    }

    /// Number of responses tallied (missing ones excluded).
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Number of missing scores that were dropped.
    pub fn missing(&self) -> u64 {
        self.missing
    }

    /// Sum of all weights.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Kish's effective sample size `(Σw)² / Σw²` (equal to n without weights).
    pub fn n_effective(&self) -> f64 {
        let w: f64 = self.total_weight();
        let w2: f64 = self.weights_sq.iter().sum();
        if w2 > 0.0 {
            w * w / w2
        } else {
            0.0
        }
    }

    /// True when every response has weight 1.
    pub fn is_unweighted(&self) -> bool {
        self.counts
            .iter()
            .zip(&self.weights)
            .zip(&self.weights_sq)
            .all(|((&c, &w), &w2)| c as f64 == w && c as f64 == w2)
    }

    /// Unweighted counts of detractors, passives and promoters under the
    /// scale's NPS cut points.
    pub fn nps_counts(&self) -> NpsCounts {
        let mut out = NpsCounts::default();
        for (k, &c) in self.counts.iter().enumerate() {
            match self.scale.nps_category(self.scale.value_of(k)) {
                NpsCategory::Detractor => out.detractors += c,
                NpsCategory::Passive => out.passives += c,
                NpsCategory::Promoter => out.promoters += c,
            }
        }
        out
    }
}

/// Counts of detractors, passives and promoters: the sufficient statistic of
/// an unweighted NPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NpsCounts {
    /// Responses at or below the detractor cut.
    pub detractors: u64,
    /// Responses between the cuts.
    pub passives: u64,
    /// Responses at or above the promoter cut.
    pub promoters: u64,
}

impl NpsCounts {
    /// Builds counts from the three categories.
    pub fn new(detractors: u64, passives: u64, promoters: u64) -> Self {
        NpsCounts {
            detractors,
            passives,
            promoters,
        }
    }

    /// Total responses.
    pub fn n(&self) -> u64 {
        self.detractors + self.passives + self.promoters
    }

    /// Adds another set of counts (associative and commutative).
    pub fn merge(&mut self, other: &NpsCounts) {
        self.detractors += other.detractors;
        self.passives += other.passives;
        self.promoters += other.promoters;
    }

    /// Counts integral scores stored as bytes, the fast path for large arrays.
    ///
    /// Each block of bytes is counted with byte-wide lane counters that the
    /// compiler turns into SIMD compares, and blocks are spread over the
    /// rayon pool.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if the scale is not integral within 0..=255,
    /// and [`Error::OutOfRange`] naming the first score off the scale.
    pub fn from_u8(scores: &[u8], scale: &Scale) -> Result<Self> {
        scale.check_nps_cuts()?;
        let integral = scale.step == 1.0
            && scale.min >= 0.0
            && scale.max <= 255.0
            && scale.min.fract() == 0.0
            && scale.max.fract() == 0.0;
        if !integral {
            return Err(Error::invalid_parameter(
                "scale",
                scale,
                "an integral scale within 0..=255 for byte scores",
            ));
        }
        // Integral thresholds: promoter >= p, detractor <= d, valid within lo..=hi.
        let p = scale.promoter_min.ceil() as u8;
        let d = scale.detractor_max.floor() as u8;
        let lo = scale.min as u8;
        let hi = scale.max as u8;

        const BLOCK: usize = 1 << 16;
        let totals = scores
            .par_chunks(BLOCK)
            .map(|block| count_block(block, p, d, lo, hi))
            .reduce(|| [0u64; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
        let [promoters, detractors, invalid] = totals;
        if invalid > 0 {
            let index = scores
                .iter()
                .position(|&s| s < lo || s > hi)
                .unwrap_or_default();
            return Err(Error::OutOfRange {
                what: "scores".into(),
                index,
                value: f64::from(scores[index]),
                expected: format!("scores must lie on the scale {scale}"),
            });
        }
        let n = scores.len() as u64;
        Ok(NpsCounts::new(
            detractors,
            n - promoters - detractors,
            promoters,
        ))
    }

    /// Counts categories of scores on any scale.
    ///
    /// # Errors
    /// As [`ScoreTally::from_scores`].
    pub fn from_scores(scores: &[f64], scale: &Scale) -> Result<Self> {
        scale.check_nps_cuts()?;
        let mut out = NpsCounts::default();
        for (i, &s) in scores.iter().enumerate() {
            scale.check("scores", i, s)?;
            match scale.nps_category(s) {
                NpsCategory::Detractor => out.detractors += 1,
                NpsCategory::Passive => out.passives += 1,
                NpsCategory::Promoter => out.promoters += 1,
            }
        }
        Ok(out)
    }
}

/// Counts promoters (>= p), detractors (<= d) and invalid scores (outside
/// lo..=hi) in one block.
fn count_block(block: &[u8], p: u8, d: u8, lo: u8, hi: u8) -> [u64; 3] {
    // Lane counters are bytes, so they are flushed every 255 chunks.
    const LANES: usize = 64;
    const FLUSH: usize = 255;
    let span = hi - lo;
    let mut totals = [0u64; 3];
    let mut chunks = block.chunks_exact(LANES);
    loop {
        let mut prom = [0u8; LANES];
        let mut detr = [0u8; LANES];
        let mut bad = [0u8; LANES];
        let mut taken = 0;
        for chunk in chunks.by_ref().take(FLUSH) {
            for i in 0..LANES {
                let s = chunk[i];
                prom[i] += u8::from(s >= p);
                detr[i] += u8::from(s <= d);
                // One unsigned compare tests lo <= s <= hi.
                bad[i] += u8::from(s.wrapping_sub(lo) > span);
            }
            taken += 1;
        }
        totals[0] += prom.iter().map(|&x| u64::from(x)).sum::<u64>();
        totals[1] += detr.iter().map(|&x| u64::from(x)).sum::<u64>();
        totals[2] += bad.iter().map(|&x| u64::from(x)).sum::<u64>();
        if taken < FLUSH {
            break;
        }
    }
    for &s in chunks.remainder() {
        totals[0] += u64::from(s >= p);
        totals[1] += u64::from(s <= d);
        totals[2] += u64::from(s < lo || s > hi);
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_associative_and_commutative() {
        let s = Scale::nps();
        let a = ScoreTally::from_scores(s, &[0.0, 9.0, 10.0], Missing::Reject).unwrap();
        let b = ScoreTally::from_scores(s, &[7.0, 8.0], Missing::Reject).unwrap();
        let c = ScoreTally::from_weighted(s, &[3.0], &[2.5], Missing::Reject).unwrap();
        let mut ab_c = a.clone();
        ab_c.merge(&b).unwrap();
        ab_c.merge(&c).unwrap();
        let mut c_ba = c.clone();
        c_ba.merge(&b).unwrap();
        c_ba.merge(&a).unwrap();
        assert_eq!(ab_c, c_ba);
        assert_eq!(ab_c.n(), 6);
    }

    #[test]
    fn merge_rejects_other_scale() {
        let mut a = ScoreTally::new(Scale::nps());
        let b = ScoreTally::new(Scale::parse("1-5").unwrap());
        assert!(a.merge(&b).is_err());
    }

    #[test]
    fn missing_dropped_and_counted() {
        let t = ScoreTally::from_scores(Scale::nps(), &[f64::NAN, 9.0], Missing::Drop).unwrap();
        assert_eq!((t.n(), t.missing()), (1, 1));
        let err = ScoreTally::from_scores(Scale::nps(), &[9.0, f64::NAN], Missing::Reject);
        assert!(matches!(err, Err(Error::NotFinite { index: 1, .. })));
    }

    #[test]
    fn byte_fast_path_matches_slow_path() {
        let scores: Vec<u8> = (0..100_003u32).map(|i| ((i * 7919) % 11) as u8).collect();
        let as_f64: Vec<f64> = scores.iter().map(|&s| f64::from(s)).collect();
        let scale = Scale::nps();
        let fast = NpsCounts::from_u8(&scores, &scale).unwrap();
        let slow = NpsCounts::from_scores(&as_f64, &scale).unwrap();
        assert_eq!(fast, slow);
    }

    #[test]
    fn byte_fast_path_names_first_bad_score() {
        let mut scores = vec![5u8; 70_000];
        scores[66_000] = 11;
        scores[69_999] = 200;
        let err = NpsCounts::from_u8(&scores, &Scale::nps()).unwrap_err();
        assert!(
            matches!(err, Error::OutOfRange { index: 66_000, .. }),
            "{err}"
        );
    }
}
