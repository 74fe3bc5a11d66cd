//! Net Promoter Score (NPS, eNPS for employees) with its interval.
//!
//! NPS is the share of promoters minus the share of detractors, reported in
//! points (-100..100). Each response scores +1 (promoter), 0 (passive) or -1
//! (detractor), so NPS is the mean of a trinomial variable with variance
//! `pP + pD - (pP - pD)²`.
//!
//! # Intervals
//! - `wald`: `NPS ± z·sqrt(var/n)`. Collapses to a point when all responses
//!   fall in one category.
//! - `adjusted_wald`: the same after adding 0.75 promoters, 1.5 passives and
//!   0.75 detractors (Rocks, 2016, "Interval estimation for the 'net promoter
//!   score'", The American Statistician 70(4)); the centre moves too.
//! - `tango`: the score interval of Tango (1998, Statistics in Medicine
//!   17:891-908) for a difference of two proportions of one multinomial,
//!   solved by bisection on the restricted maximum likelihood score.
//! - `bayes`: Dirichlet posterior of the three shares under a uniform (1) or
//!   Jeffreys (1/2) prior. The mean and sd are analytic, and the equal-tailed
//!   interval comes from a seeded Monte Carlo sample.
//! - `bootstrap`: seeded multinomial percentile bootstrap.
//!
//! Every interval is clamped to [-100, 100].

use rand::Rng;
use rand_distr::{Binomial, Distribution, Gamma};
use serde::{Deserialize, Serialize};

use crate::error::{check_level, Error, Result};
use crate::estimate::{z_two_sided, Estimate};
use crate::math::seeded_rng;
use crate::survey::tally::{NpsCounts, ScoreTally};

/// Pseudo-counts of the adjusted-Wald interval (Rocks 2016): promoters,
/// passives, detractors.
pub const ADJUSTED_WALD_PSEUDO: (f64, f64, f64) = (0.75, 1.5, 0.75);

/// Dirichlet prior of the Bayesian NPS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirichletPrior {
    /// Dirichlet(1, 1, 1).
    Uniform,
    /// Dirichlet(1/2, 1/2, 1/2).
    Jeffreys,
}

impl DirichletPrior {
    fn alpha(self) -> f64 {
        match self {
            DirichletPrior::Uniform => 1.0,
            DirichletPrior::Jeffreys => 0.5,
        }
    }
}

/// Interval method of an NPS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsMethod {
    /// Normal interval on the trinomial variance.
    Wald,
    /// Wald after pseudo-counts (0.75, 1.5, 0.75).
    AdjustedWald,
    /// Tango's score interval.
    Tango,
    /// Dirichlet posterior with a seeded Monte Carlo interval.
    Bayes {
        /// Prior of the three shares.
        prior: DirichletPrior,
        /// Posterior draws for the interval.
        draws: usize,
        /// Seed of the random stream.
        seed: u64,
    },
    /// Seeded multinomial percentile bootstrap.
    Bootstrap {
        /// Number of resamples.
        resamples: usize,
        /// Seed of the random stream.
        seed: u64,
    },
}

impl NpsMethod {
    /// Parses a method name ("wald", "adjusted_wald", "tango", "bayes",
    /// "bootstrap"); `seed` serves the random methods, which use 100,000
    /// posterior draws or 2,000 resamples.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str, seed: u64) -> Result<Self> {
        match name {
            "wald" => Ok(NpsMethod::Wald),
            "adjusted_wald" => Ok(NpsMethod::AdjustedWald),
            "tango" => Ok(NpsMethod::Tango),
            "bayes" => Ok(NpsMethod::Bayes {
                prior: DirichletPrior::Uniform,
                draws: 100_000,
                seed,
            }),
            "bootstrap" => Ok(NpsMethod::Bootstrap {
                resamples: 2_000,
                seed,
            }),
            other => Err(Error::invalid_parameter(
                "method",
                format!("{other:?}"),
                "one of \"wald\", \"adjusted_wald\", \"tango\", \"bayes\", \"bootstrap\"",
            )),
        }
    }

    /// Returns the method's name as used in [`Estimate::method`].
    pub fn name(&self) -> &'static str {
        match self {
            NpsMethod::Wald => "wald",
            NpsMethod::AdjustedWald => "adjusted_wald",
            NpsMethod::Tango => "tango",
            NpsMethod::Bayes {
                prior: DirichletPrior::Uniform,
                ..
            } => "bayes_dirichlet_uniform",
            NpsMethod::Bayes {
                prior: DirichletPrior::Jeffreys,
                ..
            } => "bayes_dirichlet_jeffreys",
            NpsMethod::Bootstrap { .. } => "bootstrap_percentile",
        }
    }
}

/// Standard-error method of a weighted NPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightedSe {
    /// Trinomial variance of the weighted shares over Kish's effective n.
    Kish,
    /// Taylor linearisation of the ratio estimator `Σ w·y / Σ w`
    /// (with-replacement design, `n/(n-1)` correction).
    Taylor,
}

/// Computes the NPS in points from category counts.
///
/// # Errors
/// [`Error::Empty`] when all counts are zero, [`Error::InvalidParameter`]
/// for a level outside (0, 1) or a random method with zero draws.
pub fn nps_from_counts(
    detractors: f64,
    passives: f64,
    promoters: f64,
    method: NpsMethod,
    level: f64,
) -> Result<Estimate> {
    let counts = [detractors, passives, promoters];
    for (i, &c) in counts.iter().enumerate() {
        if !(c.is_finite() && c >= 0.0 && c.fract() == 0.0) {
            return Err(Error::OutOfRange {
                what: "counts (detractors, passives, promoters)".into(),
                index: i,
                value: c,
                expected: "counts must be non-negative whole numbers".into(),
            });
        }
    }
    nps(
        &NpsCounts::new(detractors as u64, passives as u64, promoters as u64),
        method,
        level,
    )
}

/// Computes the NPS in points from [`NpsCounts`].
///
/// # Errors
/// As [`nps_from_counts`].
pub fn nps(counts: &NpsCounts, method: NpsMethod, level: f64) -> Result<Estimate> {
    check_level(level)?;
    let n = counts.n();
    if n == 0 {
        return Err(Error::Empty {
            what: "NPS responses".into(),
            needed: "pass at least one score or a positive count".into(),
        });
    }
    let (d, pa, p) = (
        counts.detractors as f64,
        counts.passives as f64,
        counts.promoters as f64,
    );
    let nf = n as f64;
    let est = match method {
        NpsMethod::Wald => wald(d, p, nf, level, "wald")?,
        NpsMethod::AdjustedWald => {
            let (ap, apa, ad) = ADJUSTED_WALD_PSEUDO;
            let mut e = wald(d + ad, p + ap, nf + ap + apa + ad, level, "adjusted_wald")?;
            e.n = nf;
            e.n_effective = nf;
            e
        }
        NpsMethod::Tango => {
            let value = (p - d) / nf;
            let (lo, hi) = tango_interval(p, d, nf, z_two_sided(level));
            Estimate {
                value,
                se: (trinomial_var(p / nf, d / nf) / nf).sqrt(),
                ci_low: lo,
                ci_high: hi,
                level,
                method: "tango".into(),
                n: nf,
                n_effective: nf,
                n_missing: 0.0,
            }
        }
        NpsMethod::Bayes { prior, draws, seed } => {
            dirichlet(d, pa, p, prior, draws, seed, level, method.name())?
        }
        NpsMethod::Bootstrap { resamples, seed } => bootstrap(counts, resamples, seed, level)?,
    };
    Ok(est.clamped(-1.0, 1.0).scaled(100.0))
}

/// Computes the NPS in points from a tally, weighted when the tally contains
/// survey weights.
///
/// For a weighted tally the shares are weighted, `n_effective` is Kish's,
/// and `wald`/`adjusted_wald` use the variance chosen by `weighted_se`
/// (the adjusted-Wald pseudo-counts are added on the effective-n scale).
/// Tango, Bayes and bootstrap intervals need unweighted counts.
///
/// # Errors
/// As [`nps_from_counts`], and [`Error::InvalidParameter`] for a weighted
/// tally with a method other than wald or adjusted_wald.
pub fn nps_from_tally(
    tally: &ScoreTally,
    method: NpsMethod,
    weighted_se: WeightedSe,
    level: f64,
) -> Result<Estimate> {
    tally.scale().check_nps_cuts()?;
    let mut est = if tally.is_unweighted() {
        nps(&tally.nps_counts(), method, level)?
    } else {
        weighted(tally, method, weighted_se, level)?
    };
    est.n_missing = tally.missing() as f64;
    Ok(est)
}

fn weighted(
    tally: &ScoreTally,
    method: NpsMethod,
    weighted_se: WeightedSe,
    level: f64,
) -> Result<Estimate> {
    check_level(level)?;
    let total = tally.total_weight();
    if tally.n() == 0 || total <= 0.0 {
        return Err(Error::Empty {
            what: "weighted NPS responses".into(),
            needed: "pass at least one score with a positive weight".into(),
        });
    }
    let scale = tally.scale();
    let mut wp = 0.0;
    let mut wd = 0.0;
    for (k, &w) in tally.weights().iter().enumerate() {
        match scale.nps_category(scale.value_of(k)) {
            crate::scale::NpsCategory::Promoter => wp += w,
            crate::scale::NpsCategory::Detractor => wd += w,
            crate::scale::NpsCategory::Passive => {}
        }
    }
    let n_eff = tally.n_effective();
    let n = tally.n() as f64;
    let (pp, pd, n_used, name) = match method {
        NpsMethod::Wald => (wp / total, wd / total, n_eff, "wald"),
        NpsMethod::AdjustedWald => {
            let (ap, apa, ad) = ADJUSTED_WALD_PSEUDO;
            let n_adj = n_eff + ap + apa + ad;
            (
                (wp / total * n_eff + ap) / n_adj,
                (wd / total * n_eff + ad) / n_adj,
                n_adj,
                "adjusted_wald",
            )
        }
        _ => {
            return Err(Error::invalid_parameter(
                "method",
                method.name(),
                "\"wald\" or \"adjusted_wald\" for weighted scores",
            ))
        }
    };
    let value = pp - pd;
    let se = match weighted_se {
        WeightedSe::Kish => (trinomial_var(pp, pd) / n_used).sqrt(),
        WeightedSe::Taylor => {
            // Linearised variance of the ratio Σw·y/Σw: n/(n-1) Σ w²(y - NPS)² / (Σw)².
            let mut acc = 0.0;
            for (k, &w2) in tally.weights_sq().iter().enumerate() {
                let y = match scale.nps_category(scale.value_of(k)) {
                    crate::scale::NpsCategory::Promoter => 1.0,
                    crate::scale::NpsCategory::Detractor => -1.0,
                    crate::scale::NpsCategory::Passive => 0.0,
                };
                acc += w2 * (y - value) * (y - value);
            }
            let correction = if n > 1.0 { n / (n - 1.0) } else { 1.0 };
            (correction * acc).sqrt() / total
        }
    };
    let suffix = match weighted_se {
        WeightedSe::Kish => "weighted_kish",
        WeightedSe::Taylor => "weighted_taylor",
    };
    let est = Estimate::normal(value, se, level, format!("{name}_{suffix}"), n, n_eff)?;
    Ok(est.clamped(-1.0, 1.0).scaled(100.0))
}

/// Variance of one trinomial (+1, 0, -1) response with shares `pp`, `pd`.
pub(crate) fn trinomial_var(pp: f64, pd: f64) -> f64 {
    (pp + pd - (pp - pd) * (pp - pd)).max(0.0)
}

fn wald(d: f64, p: f64, n: f64, level: f64, method: &str) -> Result<Estimate> {
    let (pp, pd) = (p / n, d / n);
    let se = (trinomial_var(pp, pd) / n).sqrt();
    Estimate::normal(pp - pd, se, level, method, n, n)
}

/// Tango's score statistic for `H0: pP - pD = delta` given counts `b`
/// (promoters) and `c` (detractors) out of `n`.
fn tango_score(b: f64, c: f64, n: f64, delta: f64) -> f64 {
    // Restricted MLE of pD under pP - pD = delta (root of a quadratic).
    let w = -b - c + (2.0 * n - b + c) * delta;
    let disc = (w * w + 8.0 * n * c * delta * (1.0 - delta)).max(0.0);
    let p21 = ((disc.sqrt() - w) / (4.0 * n)).max(0.0);
    let var = n * (2.0 * p21 + delta * (1.0 - delta));
    let num = b - c - n * delta;
    if var <= 0.0 {
        return if num == 0.0 {
            0.0
        } else {
            num.signum() * f64::INFINITY
        };
    }
    num / var.sqrt()
}

/// Bounds `{delta : |score(delta)| <= z}` found by bisection; the score
/// decreases in delta.
fn tango_interval(b: f64, c: f64, n: f64, z: f64) -> (f64, f64) {
    let hat = (b - c) / n;
    let solve = |target: f64, mut lo: f64, mut hi: f64| {
        // Invariant: score(lo) >= target >= score(hi).
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if tango_score(b, c, n, mid) >= target {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-13 {
                break;
            }
        }
        0.5 * (lo + hi)
    };
    let lower = if tango_score(b, c, n, -1.0) <= z {
        -1.0
    } else {
        solve(z, -1.0, hat)
    };
    let upper = if tango_score(b, c, n, 1.0) >= -z {
        1.0
    } else {
        solve(-z, hat, 1.0)
    };
    (lower, upper)
}

#[allow(clippy::too_many_arguments)]
fn dirichlet(
    d: f64,
    pa: f64,
    p: f64,
    prior: DirichletPrior,
    draws: usize,
    seed: u64,
    level: f64,
    name: &str,
) -> Result<Estimate> {
    if draws < 100 {
        return Err(Error::invalid_parameter(
            "draws",
            draws,
            "at least 100 posterior draws, e.g. 100000",
        ));
    }
    let a0 = prior.alpha();
    let (ad, apa, ap) = (d + a0, pa + a0, p + a0);
    let total = ad + apa + ap;
    let mean = (ap - ad) / total;
    // Var(θP - θD) of a Dirichlet: [aP(A-aP) + aD(A-aD) + 2 aP aD] / (A²(A+1)).
    let var =
        (ap * (total - ap) + ad * (total - ad) + 2.0 * ap * ad) / (total * total * (total + 1.0));
    let mut rng = seeded_rng(seed);
    let gamma = |a: f64| {
        Gamma::new(a, 1.0)
            .map_err(|e| Error::invalid_parameter("dirichlet alpha", a, e.to_string()))
    };
    let (gd, gpa, gp) = (gamma(ad)?, gamma(apa)?, gamma(ap)?);
    let mut sample: Vec<f64> = (0..draws)
        .map(|_| {
            let (xd, xpa, xp) = (
                gd.sample(&mut rng),
                gpa.sample(&mut rng),
                gp.sample(&mut rng),
            );
            (xp - xd) / (xd + xpa + xp)
        })
        .collect();
    let (lo, hi) = percentile_interval(&mut sample, level);
    let n = d + pa + p;
    Ok(Estimate {
        value: mean,
        se: var.sqrt(),
        ci_low: lo,
        ci_high: hi,
        level,
        method: name.to_string(),
        n,
        n_effective: n,
        n_missing: 0.0,
    })
}

fn bootstrap(counts: &NpsCounts, resamples: usize, seed: u64, level: f64) -> Result<Estimate> {
    if resamples < 100 {
        return Err(Error::invalid_parameter(
            "resamples",
            resamples,
            "at least 100 bootstrap resamples, e.g. 2000",
        ));
    }
    let n = counts.n();
    let nf = n as f64;
    let (pp, pd) = (counts.promoters as f64 / nf, counts.detractors as f64 / nf);
    let mut rng = seeded_rng(seed);
    let mut sample = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        // Multinomial draw as two conditional binomials.
        let prom = draw_binomial(&mut rng, n, pp)?;
        let rest = n - prom;
        let q = if pp < 1.0 {
            (pd / (1.0 - pp)).min(1.0)
        } else {
            0.0
        };
        let det = draw_binomial(&mut rng, rest, q)?;
        sample.push((prom as f64 - det as f64) / nf);
    }
    let mean = sample.iter().sum::<f64>() / resamples as f64;
    let sd = (sample.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>()
        / (resamples as f64 - 1.0))
        .sqrt();
    let (lo, hi) = percentile_interval(&mut sample, level);
    Ok(Estimate {
        value: pp - pd,
        se: sd,
        ci_low: lo,
        ci_high: hi,
        level,
        method: "bootstrap_percentile".into(),
        n: nf,
        n_effective: nf,
        n_missing: 0.0,
    })
}

fn draw_binomial<R: Rng>(rng: &mut R, n: u64, p: f64) -> Result<u64> {
    let dist = Binomial::new(n, p.clamp(0.0, 1.0))
        .map_err(|e| Error::invalid_parameter("binomial share", p, e.to_string()))?;
    Ok(dist.sample(rng))
}

/// Equal-tailed percentile interval of a sample (sorted in place), using the
/// linear interpolation of numpy's default `quantile`.
pub(crate) fn percentile_interval(sample: &mut [f64], level: f64) -> (f64, f64) {
    sample.sort_by(|a, b| a.total_cmp(b));
    let alpha = (1.0 - level) / 2.0;
    (
        quantile_sorted(sample, alpha),
        quantile_sorted(sample, 1.0 - alpha),
    )
}

fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    if i + 1 < sorted.len() {
        sorted[i] * (1.0 - frac) + sorted[i + 1] * frac
    } else {
        sorted[i]
    }
}
