//! [`Scale`]: the range, step and cut points of a survey item.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The response scale of a survey item.
///
/// Scores run from `min` to `max` in steps of `step` (1 for the usual integral
/// scales). Cut points classify scores: `promoter_min` and `detractor_max`
/// for a recommend item (NPS), `top_box_min` for a top-box share (CSAT).
/// NPS cut points default to promoters >= 9 and detractors <= 6, as the NPS
/// convention fixes them on the 0-10 item. On a 1-10 item the index is a
/// proxy; on items without both cuts (1-5, 1-7) NPS needs cuts of its own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// Lowest score.
    pub min: f64,
    /// Highest score.
    pub max: f64,
    /// Distance between two adjacent scale points.
    pub step: f64,
    /// Lowest score of a promoter.
    pub promoter_min: f64,
    /// Highest score of a detractor.
    pub detractor_max: f64,
    /// Lowest score in the top box.
    pub top_box_min: f64,
}

/// Largest number of points a scale may have; tallies keep one counter per point.
pub const MAX_POINTS: usize = 10_001;

impl Scale {
    /// Builds a scale from `min` to `max` in steps of `step`, with the NPS cuts
    /// at 9 and 6 and the top box at the highest point. On a scale that does
    /// not contain both cuts (1-5, 1-7) NPS needs cuts set with
    /// [`Scale::with_nps_cuts`]; see [`Scale::check_nps_cuts`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `min < max`, `step > 0`, all are
    /// finite and `(max - min) / step` is a whole number of at most
    /// [`MAX_POINTS`]` - 1`.
    pub fn new(min: f64, max: f64, step: f64) -> Result<Self> {
        let spec = format!("{min}..{max} step {step}");
        if !(min.is_finite() && max.is_finite() && step.is_finite()) || min >= max || step <= 0.0 {
            return Err(Error::invalid_parameter(
                "scale",
                spec,
                "finite min < max and step > 0, e.g. 0..10 step 1",
            ));
        }
        let intervals = (max - min) / step;
        if (intervals - intervals.round()).abs() > 1e-9
            || intervals.round() as usize + 1 > MAX_POINTS
        {
            return Err(Error::invalid_parameter(
                "scale",
                spec,
                format!("(max - min) / step must be a whole number below {MAX_POINTS}"),
            ));
        }
        Ok(Scale {
            min,
            max,
            step,
            promoter_min: 9.0,
            detractor_max: 6.0,
            top_box_min: max,
        })
    }

    /// Returns the 0-10 likelihood-to-recommend scale of NPS and eNPS.
    pub fn nps() -> Self {
        Scale {
            min: 0.0,
            max: 10.0,
            step: 1.0,
            promoter_min: 9.0,
            detractor_max: 6.0,
            top_box_min: 10.0,
        }
    }

    /// Parses "0-10", "1-5", "1-7" or "0.5-5:0.5" (min-max[:step]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for text of another form or an invalid scale.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid_parameter(
                "scale",
                format!("{text:?}"),
                "MIN-MAX or MIN-MAX:STEP, e.g. 0-10 or 1-5",
            )
        };
        let (range, step) = match text.split_once(':') {
            Some((r, s)) => (r, s.trim().parse::<f64>().map_err(|_| bad())?),
            None => (text, 1.0),
        };
        let (lo, hi) = range.split_once('-').ok_or_else(bad)?;
        let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
        let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
        Scale::new(lo, hi, step)
    }

    /// Sets the NPS cut points: promoters score `>= promoter_min`, detractors
    /// `<= detractor_max`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `min <= detractor_max < promoter_min <= max`.
    pub fn with_nps_cuts(mut self, promoter_min: f64, detractor_max: f64) -> Result<Self> {
        if !(self.min <= detractor_max && detractor_max < promoter_min && promoter_min <= self.max)
        {
            return Err(Error::invalid_parameter(
                "promoter_min/detractor_max",
                format!("{promoter_min}/{detractor_max}"),
                format!(
                    "{} <= detractor_max < promoter_min <= {}",
                    self.min, self.max
                ),
            ));
        }
        self.promoter_min = promoter_min;
        self.detractor_max = detractor_max;
        Ok(self)
    }

    /// Checks that the NPS cut points fit the scale:
    /// `min <= detractor_max < promoter_min <= max`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the cuts and asking for ones that fit,
    /// e.g. on a 1-5 item where the default cuts 9 and 6 lie off the scale.
    pub fn check_nps_cuts(&self) -> Result<()> {
        if self.min <= self.detractor_max
            && self.detractor_max < self.promoter_min
            && self.promoter_min <= self.max
        {
            return Ok(());
        }
        Err(Error::invalid_parameter(
            "promoter_min/detractor_max",
            format!("{}/{}", self.promoter_min, self.detractor_max),
            format!(
                "NPS cut points within the scale {self}; set promoter_min and detractor_max for this item (the defaults 9 and 6 belong to 0-10 items)"
            ),
        ))
    }

    /// Sets the lowest score of the top box (e.g. 4 for top-2-box on 1-5).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `top_box_min` is off the scale.
    pub fn with_top_box(mut self, top_box_min: f64) -> Result<Self> {
        if !(top_box_min >= self.min && top_box_min <= self.max) {
            return Err(Error::invalid_parameter(
                "top_box_min",
                top_box_min,
                format!("a score within {}..{}", self.min, self.max),
            ));
        }
        self.top_box_min = top_box_min;
        Ok(self)
    }

    /// Sets the top box to the highest `size` points (size 2 on 1-5 is 4-5).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `size` is 0 or exceeds the number of points.
    pub fn with_top_box_size(self, size: usize) -> Result<Self> {
        if size == 0 || size > self.points() {
            return Err(Error::invalid_parameter(
                "top_box size",
                size,
                format!("between 1 and {} points", self.points()),
            ));
        }
        let cut = self.max - (size - 1) as f64 * self.step;
        self.with_top_box(cut)
    }

    /// Number of points on the scale.
    pub fn points(&self) -> usize {
        ((self.max - self.min) / self.step).round() as usize + 1
    }

    /// Score of point `i` (0-based from `min`).
    pub fn value_of(&self, i: usize) -> f64 {
        self.min + i as f64 * self.step
    }

    /// Index of `score` among the scale points, or `None` if the score is NaN,
    /// outside `[min, max]` or between two points.
    pub fn index_of(&self, score: f64) -> Option<usize> {
        if !(score >= self.min && score <= self.max) {
            return None;
        }
        let pos = (score - self.min) / self.step;
        let idx = pos.round();
        if (pos - idx).abs() > 1e-9 {
            return None;
        }
        Some(idx as usize)
    }

    /// Checks one score, naming `what[index]` in the error.
    ///
    /// # Errors
    /// [`Error::NotFinite`] for NaN or infinite scores and
    /// [`Error::OutOfRange`] for scores off the scale or between points.
    pub fn check(&self, what: &str, index: usize, score: f64) -> Result<usize> {
        if !score.is_finite() {
            return Err(Error::NotFinite {
                what: what.to_string(),
                index,
                value: score,
                hint: "; or ask for missing values to be dropped".to_string(),
            });
        }
        self.index_of(score).ok_or_else(|| Error::OutOfRange {
            what: what.to_string(),
            index,
            value: score,
            expected: format!("scores must lie on the scale {self}"),
        })
    }

    /// Category of a score under the NPS cut points.
    ///
    /// Promoters score `>= promoter_min`. The detractor band runs up to the
    /// next whole point after `detractor_max` (exclusive), so on a scale with
    /// half points a 6.5 is a detractor under the default cut 6, as in the
    /// usual partition "detractor < 7, passive 7 to < 9, promoter >= 9". On
    /// integral scales this is the same as `score <= detractor_max`. Every
    /// score falls in exactly one category.
    pub fn nps_category(&self, score: f64) -> NpsCategory {
        if score >= self.promoter_min {
            NpsCategory::Promoter
        } else if score < self.detractor_max.floor() + 1.0 {
            NpsCategory::Detractor
        } else {
            NpsCategory::Passive
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.step == 1.0 {
            write!(f, "{}..={} (integers)", self.min, self.max)
        } else {
            write!(f, "{}..={} in steps of {}", self.min, self.max, self.step)
        }
    }
}

/// The three NPS categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsCategory {
    /// Score at or below the detractor cut.
    Detractor,
    /// Score between the two cuts.
    Passive,
    /// Score at or above the promoter cut.
    Promoter,
}

impl NpsCategory {
    /// Lower-case name: "detractor", "passive", "promoter".
    pub fn as_str(&self) -> &'static str {
        match self {
            NpsCategory::Detractor => "detractor",
            NpsCategory::Passive => "passive",
            NpsCategory::Promoter => "promoter",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_common_scales() {
        assert_eq!(Scale::parse("0-10").unwrap().points(), 11);
        assert_eq!(Scale::parse("1-5").unwrap().points(), 5);
        assert_eq!(Scale::parse("0.5-5:0.5").unwrap().points(), 10);
        assert!(Scale::parse("10-0").is_err());
        assert!(Scale::parse("zero to ten").is_err());
    }

    #[test]
    fn check_rejects_fraction_and_nan() {
        let s = Scale::nps();
        assert!(matches!(
            s.check("scores", 3, 6.5),
            Err(Error::OutOfRange { index: 3, .. })
        ));
        assert!(matches!(
            s.check("scores", 0, f64::NAN),
            Err(Error::NotFinite { .. })
        ));
        assert!(s.check("scores", 0, 11.0).is_err());
        assert_eq!(s.check("scores", 0, 7.0).unwrap(), 7);
    }

    #[test]
    fn top_box_size_on_five_points() {
        let s = Scale::parse("1-5").unwrap().with_top_box_size(2).unwrap();
        assert_eq!(s.top_box_min, 4.0);
    }

    #[test]
    fn nps_cuts_validated() {
        assert!(Scale::nps().with_nps_cuts(6.0, 6.0).is_err());
        let s = Scale::nps().with_nps_cuts(8.0, 5.0).unwrap();
        assert_eq!(s.nps_category(8.0), NpsCategory::Promoter);
        assert_eq!(s.nps_category(6.0), NpsCategory::Passive);
    }

    #[test]
    fn default_cuts_rejected_off_scale() {
        let five = Scale::parse("1-5").unwrap();
        assert!(matches!(
            five.check_nps_cuts(),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(five
            .with_nps_cuts(5.0, 3.0)
            .unwrap()
            .check_nps_cuts()
            .is_ok());
        assert!(Scale::parse("1-10").unwrap().check_nps_cuts().is_ok());
    }

    #[test]
    fn half_points_fall_in_one_category() {
        // formbricks PR 9248: 6.5 and 8.5 were counted in no category.
        let s = Scale::new(0.0, 10.0, 0.5).unwrap();
        assert_eq!(s.nps_category(6.5), NpsCategory::Detractor);
        assert_eq!(s.nps_category(7.0), NpsCategory::Passive);
        assert_eq!(s.nps_category(8.5), NpsCategory::Passive);
        assert_eq!(s.nps_category(9.0), NpsCategory::Promoter);
    }
}
