//! Voice to value: what a promoter, a passive and a detractor are worth.
//!
//! - [`value_by_category`]: the retention, spend and lifetime value of each
//!   NPS category with standard errors, the value of converting a detractor
//!   and of +1 NPS point. Its input is survey scores linked by member to
//!   behaviour: retained or not over one period, spend per period, and
//!   optionally tenure.
//! - [`word_of_mouth_value`]: the Satmetrix-style word-of-mouth economics:
//!   a promoter's own lifetime value plus the customers their referrals bring,
//!   a detractor's own value minus the customers their negative comments cost.
//! - [`earned_growth`]: Reichheld, Darnell & Burns (2021, "Net Promoter 3.0",
//!   Harvard Business Review): earned growth rate = net revenue retention +
//!   earned new customers − 100%.

use serde::{Deserialize, Serialize};

use super::clv::{discounted_lifetime, ClvConvention, RetentionCurve};
use super::{check_discount, check_non_negative, check_number};
use crate::error::{check_finite, check_level, check_not_empty, check_same_len, Error, Result};
use crate::estimate::Estimate;
use crate::scale::Scale;

pub use crate::scale::NpsCategory;

/// Retention, spend and value of one NPS category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryValue {
    /// The category.
    pub category: NpsCategory,
    /// Members in the category.
    pub members: f64,
    /// Share of the base in the category.
    pub share: f64,
    /// Share retained over the period (binomial standard error).
    pub retention: Estimate,
    /// Mean spend per period (standard error of the mean).
    pub spend: Estimate,
    /// Mean tenure, when tenure was given.
    pub tenure: Option<Estimate>,
    /// Lifetime value per member: margin share × spend × discounted lifetime
    /// at the category's retention (delta-method standard error).
    pub value: Estimate,
}

/// The move that makes +1 NPS point: 1% of the base goes one category up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsShift {
    /// 1% of the base moves from detractor to passive.
    DetractorToPassive,
    /// 1% of the base moves from passive to promoter.
    PassiveToPromoter,
    /// Half a percent of the base makes each move (also +1 point).
    Even,
}

impl NpsShift {
    /// Parses "detractor_to_passive", "passive_to_promoter" or "even".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "detractor_to_passive" => Ok(NpsShift::DetractorToPassive),
            "passive_to_promoter" => Ok(NpsShift::PassiveToPromoter),
            "even" => Ok(NpsShift::Even),
            other => Err(Error::invalid_parameter(
                "shift",
                format!("{other:?}"),
                "\"detractor_to_passive\", \"passive_to_promoter\" or \"even\"",
            )),
        }
    }
}

/// Value of the NPS categories of a base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceValue {
    /// Detractors, passives, promoters in that order (a category with no
    /// member is left out).
    pub categories: Vec<CategoryValue>,
    /// NPS of the base in points.
    pub nps: f64,
    /// Members in the base.
    pub members: f64,
    /// Value of turning a detractor into a promoter (promoter − detractor).
    pub converting_detractor: Option<Estimate>,
}

impl VoiceValue {
    /// Returns the row of a category, or `None` when it has no members.
    pub fn category(&self, category: NpsCategory) -> Option<&CategoryValue> {
        self.categories.iter().find(|c| c.category == category)
    }

    /// Value of +1 NPS point for a base of `base_members` members: 1% of
    /// them moving up as `shift` specifies, each gaining the difference of the
    /// two categories' values (standard errors of independent categories add
    /// in variance).
    ///
    /// # Errors
    /// [`Error::Degenerate`] when a category the shift needs has no members.
    pub fn value_of_nps_point(&self, shift: NpsShift, base_members: f64) -> Result<Estimate> {
        check_non_negative("base_members", base_members)?;
        let get = |c: NpsCategory| {
            self.category(c).ok_or_else(|| Error::Degenerate {
                what: format!("value of {}s", c.as_str()),
                reason: "the category has no members, so its value is unknown".into(),
            })
        };
        let moves: Vec<(NpsCategory, NpsCategory, f64)> = match shift {
            NpsShift::DetractorToPassive => {
                vec![(NpsCategory::Detractor, NpsCategory::Passive, 1.0)]
            }
            NpsShift::PassiveToPromoter => {
                vec![(NpsCategory::Passive, NpsCategory::Promoter, 1.0)]
            }
            NpsShift::Even => vec![
                (NpsCategory::Detractor, NpsCategory::Passive, 0.5),
                (NpsCategory::Passive, NpsCategory::Promoter, 0.5),
            ],
        };
        let mut value = 0.0;
        let mut gradient = [0.0; 3];
        let index = |c: NpsCategory| match c {
            NpsCategory::Detractor => 0,
            NpsCategory::Passive => 1,
            NpsCategory::Promoter => 2,
        };
        for (from, to, weight) in moves {
            let movers = 0.01 * base_members * weight;
            value += movers * (get(to)?.value.value - get(from)?.value.value);
            gradient[index(to)] += movers;
            gradient[index(from)] -= movers;
        }
        let mut variance = 0.0;
        for c in &self.categories {
            variance += (gradient[index(c.category)] * c.value.se).powi(2);
        }
        let level = self.categories[0].value.level;
        Estimate::normal(
            value,
            variance.sqrt(),
            level,
            "delta",
            self.members,
            self.members,
        )
    }
}

/// Computes retention, spend, tenure and lifetime value by NPS category.
///
/// Each member has a score on `scale`, `retained` (1 if still a member one
/// period later, else 0) and `spend` in the period. The category's value is
/// `margin_share · mean spend · discounted_lifetime(r̂)` under `convention`.
///
/// # Errors
/// [`Error::LengthMismatch`] for inputs of different lengths,
/// [`Error::OutOfRange`] for scores off the scale or `retained` not 0/1,
/// [`Error::Degenerate`] when every member of a category was retained (the
/// value is then unbounded: pass a finite horizon), and the errors of
/// [`discounted_lifetime`].
#[allow(clippy::too_many_arguments)]
pub fn value_by_category(
    scores: &[f64],
    scale: &Scale,
    retained: &[f64],
    spend: &[f64],
    tenure: Option<&[f64]>,
    margin_share: f64,
    discount_rate: f64,
    convention: &ClvConvention,
    level: f64,
) -> Result<VoiceValue> {
    check_not_empty("scores", scores.len())?;
    check_same_len("scores", scores.len(), "retained", retained.len())?;
    check_same_len("scores", scores.len(), "spend", spend.len())?;
    check_finite("spend", spend)?;
    if let Some(t) = tenure {
        check_same_len("scores", scores.len(), "tenure", t.len())?;
        check_finite("tenure", t)?;
    }
    check_number("margin_share", margin_share)?;
    check_discount("discount_rate", discount_rate)?;
    check_level(level)?;
    let groups = group_members(scores, scale, retained)?;
    let members = scores.len() as f64;
    let categories_in_order = [
        NpsCategory::Detractor,
        NpsCategory::Passive,
        NpsCategory::Promoter,
    ];
    let mut categories = Vec::new();
    for (slot, rows) in groups.iter().enumerate() {
        if rows.is_empty() {
            continue;
        }
        let category = categories_in_order[slot];
        let n = rows.len() as f64;
        let kept = rows.iter().map(|&k| retained[k]).sum::<f64>();
        let r = kept / n;
        if r >= 1.0 && convention.horizon.is_none() {
            return Err(Error::Degenerate {
                what: format!("retention of {}s", category.as_str()),
                reason: format!(
                    "all {n} were retained, so the infinite-horizon value is unbounded; pass a finite horizon or more data"
                ),
            });
        }
        let retention = Estimate::normal(r, (r * (1.0 - r) / n).sqrt(), level, "wald", n, n)?;
        let spend_est = mean_estimate(rows.iter().map(|&k| spend[k]), level)?;
        let tenure_est = match tenure {
            Some(t) => Some(mean_estimate(rows.iter().map(|&k| t[k]), level)?),
            None => None,
        };
        let value = category_value(
            r,
            &retention,
            &spend_est,
            margin_share,
            discount_rate,
            convention,
            level,
            n,
        )?;
        categories.push(CategoryValue {
            category,
            members: n,
            share: n / members,
            retention,
            spend: spend_est,
            tenure: tenure_est,
            value,
        });
    }
    let share = |slot: usize| groups[slot].len() as f64 / members;
    let nps = 100.0 * (share(2) - share(0));
    let converting_detractor = promoter_minus_detractor(&categories, level)?;
    Ok(VoiceValue {
        categories,
        nps,
        members,
        converting_detractor,
    })
}

/// Splits member rows into detractors, passives and promoters, checking
/// each score and retention flag.
fn group_members(scores: &[f64], scale: &Scale, retained: &[f64]) -> Result<[Vec<usize>; 3]> {
    scale.check_nps_cuts()?;
    let mut groups: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (k, &score) in scores.iter().enumerate() {
        scale.check("scores", k, score)?;
        if !(retained[k] == 0.0 || retained[k] == 1.0) {
            return Err(Error::OutOfRange {
                what: "retained".into(),
                index: k,
                value: retained[k],
                expected: "1 for a member still present one period later, 0 otherwise".into(),
            });
        }
        let slot = match scale.nps_category(score) {
            NpsCategory::Detractor => 0,
            NpsCategory::Passive => 1,
            NpsCategory::Promoter => 2,
        };
        groups[slot].push(k);
    }
    Ok(groups)
}

/// Value of turning a detractor into a promoter, when both categories have members.
fn promoter_minus_detractor(categories: &[CategoryValue], level: f64) -> Result<Option<Estimate>> {
    Ok(
        match (
            categories
                .iter()
                .find(|c| c.category == NpsCategory::Promoter),
            categories
                .iter()
                .find(|c| c.category == NpsCategory::Detractor),
        ) {
            (Some(p), Some(d)) => Some(Estimate::normal(
                p.value.value - d.value.value,
                p.value.se.hypot(d.value.se),
                level,
                "delta",
                p.members + d.members,
                p.members + d.members,
            )?),
            _ => None,
        },
    )
}

/// Value `m·s̄·L(r)` with a delta-method standard error from the standard
/// errors of the retention and mean spend (independent estimates).
#[allow(clippy::too_many_arguments)]
fn category_value(
    r: f64,
    retention: &Estimate,
    spend: &Estimate,
    margin_share: f64,
    discount_rate: f64,
    convention: &ClvConvention,
    level: f64,
    n: f64,
) -> Result<Estimate> {
    let lifetime = |r: f64| {
        let r = r.min(1.0 - 1e-12);
        discounted_lifetime(&RetentionCurve::Constant(r), discount_rate, convention)
    };
    let life = lifetime(r)?;
    let h = 1e-6_f64.max(1e-6 * r);
    let slope = if r - h >= 0.0 {
        (lifetime(r + h)? - lifetime(r - h)?) / (2.0 * h)
    } else {
        (lifetime(r + h)? - life) / h
    };
    let value = margin_share * spend.value * life;
    let se = ((margin_share * spend.value * slope * retention.se).powi(2)
        + (margin_share * life * spend.se).powi(2))
    .sqrt();
    Estimate::normal(value, se, level, "delta", n, n)
}

fn mean_estimate(values: impl Iterator<Item = f64>, level: f64) -> Result<Estimate> {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let se = if v.len() > 1 {
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
    } else {
        0.0
    };
    Estimate::normal(mean, se, level, "wald", n, n)
}

/// Inputs of the word-of-mouth value (Satmetrix-style parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordOfMouth {
    /// Lifetime value of an average customer (and of a referred new customer).
    pub average_ltv: f64,
    /// Promoter's own lifetime value as a multiple of the average.
    pub promoter_ltv_multiple: f64,
    /// Passive's own lifetime value as a multiple of the average (1 if unknown).
    pub passive_ltv_multiple: f64,
    /// Detractor's own lifetime value as a multiple of the average.
    pub detractor_ltv_multiple: f64,
    /// Referrals a promoter makes over their lifetime.
    pub referrals_per_promoter: f64,
    /// Negative comments a detractor makes over their lifetime.
    pub negative_comments_per_detractor: f64,
    /// Referrals it takes to win one new customer.
    pub referrals_per_new_customer: f64,
    /// Positive referrals one negative comment cancels.
    pub positives_cancelled_per_negative: f64,
}

/// Word-of-mouth value of each category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordOfMouthValue {
    /// Value a promoter's referrals bring: referrals / referrals per new customer × LTV.
    pub referral_value: f64,
    /// Value a detractor's comments cost: comments × positives cancelled /
    /// referrals per new customer × LTV.
    pub negative_comment_cost: f64,
    /// Own value plus referral value.
    pub promoter_value: f64,
    /// Own value (passives neither refer nor warn).
    pub passive_value: f64,
    /// Own value minus the cost of negative comments.
    pub detractor_value: f64,
    /// promoter value − detractor value.
    pub value_of_converting_detractor_to_promoter: f64,
    /// passive value − detractor value.
    pub value_of_converting_detractor_to_passive: f64,
}

/// Computes the word-of-mouth value of a promoter, a passive and a detractor.
///
/// # Errors
/// [`Error::InvalidParameter`] for negative or non-finite inputs, or a zero
/// number of referrals per new customer.
///
/// # Examples
/// ```
/// use loyalty::value::{word_of_mouth_value, WordOfMouth};
/// let w = word_of_mouth_value(&WordOfMouth {
///     average_ltv: 1000.0, promoter_ltv_multiple: 3.0, passive_ltv_multiple: 1.0,
///     detractor_ltv_multiple: 0.5, referrals_per_promoter: 4.0,
///     negative_comments_per_detractor: 3.0, referrals_per_new_customer: 6.0,
///     positives_cancelled_per_negative: 4.0,
/// }).unwrap();
/// assert!((w.detractor_value + 1500.0).abs() < 1e-9);
/// ```
pub fn word_of_mouth_value(inputs: &WordOfMouth) -> Result<WordOfMouthValue> {
    let w = inputs;
    check_number("average_ltv", w.average_ltv)?;
    for (name, v) in [
        ("promoter_ltv_multiple", w.promoter_ltv_multiple),
        ("passive_ltv_multiple", w.passive_ltv_multiple),
        ("detractor_ltv_multiple", w.detractor_ltv_multiple),
        ("referrals_per_promoter", w.referrals_per_promoter),
        (
            "negative_comments_per_detractor",
            w.negative_comments_per_detractor,
        ),
        (
            "positives_cancelled_per_negative",
            w.positives_cancelled_per_negative,
        ),
        ("referrals_per_new_customer", w.referrals_per_new_customer),
    ] {
        check_non_negative(name, v)?;
    }
    if w.referrals_per_new_customer == 0.0 {
        return Err(Error::invalid_parameter(
            "referrals_per_new_customer",
            0,
            "a number > 0 of referrals needed to win one customer",
        ));
    }
    let new_customer = w.average_ltv / w.referrals_per_new_customer;
    let referral_value = w.referrals_per_promoter * new_customer;
    let negative_comment_cost =
        w.negative_comments_per_detractor * w.positives_cancelled_per_negative * new_customer;
    let promoter_value = w.promoter_ltv_multiple * w.average_ltv + referral_value;
    let passive_value = w.passive_ltv_multiple * w.average_ltv;
    let detractor_value = w.detractor_ltv_multiple * w.average_ltv - negative_comment_cost;
    Ok(WordOfMouthValue {
        referral_value,
        negative_comment_cost,
        promoter_value,
        passive_value,
        detractor_value,
        value_of_converting_detractor_to_promoter: promoter_value - detractor_value,
        value_of_converting_detractor_to_passive: passive_value - detractor_value,
    })
}

/// Earned growth of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarnedGrowth {
    /// This year's revenue from last year's customers / last year's revenue.
    pub net_revenue_retention: f64,
    /// Revenue from new customers won by referral / last year's revenue.
    pub earned_new_customers: f64,
    /// NRR + ENC − 1.
    pub earned_growth_rate: f64,
    /// Revenue from new customers bought by marketing / last year's revenue.
    pub bought_new_customers: f64,
    /// Total revenue growth: earned plus bought.
    pub total_growth: f64,
}

/// Computes the earned growth rate (Reichheld, Darnell & Burns 2021).
///
/// # Errors
/// [`Error::InvalidParameter`] for negative revenues or no revenue last year.
pub fn earned_growth(
    last_year_revenue: f64,
    same_customers_this_year: f64,
    referred_new_customers_revenue: f64,
    bought_new_customers_revenue: f64,
) -> Result<EarnedGrowth> {
    check_non_negative("last_year_revenue", last_year_revenue)?;
    check_non_negative("same_customers_this_year", same_customers_this_year)?;
    check_non_negative(
        "referred_new_customers_revenue",
        referred_new_customers_revenue,
    )?;
    check_non_negative("bought_new_customers_revenue", bought_new_customers_revenue)?;
    if last_year_revenue == 0.0 {
        return Err(Error::invalid_parameter(
            "last_year_revenue",
            0,
            "revenue > 0 (growth rates are relative to it)",
        ));
    }
    let nrr = same_customers_this_year / last_year_revenue;
    let enc = referred_new_customers_revenue / last_year_revenue;
    let bought = bought_new_customers_revenue / last_year_revenue;
    Ok(EarnedGrowth {
        net_revenue_retention: nrr,
        earned_new_customers: enc,
        earned_growth_rate: nrr + enc - 1.0,
        bought_new_customers: bought,
        total_growth: nrr + enc + bought - 1.0,
    })
}
