//! Markov models of member flows: brand switching and Markov customer value.
//!
//! # Brand switching
//! `P[i][j]` is the probability that a buyer of brand i in one period buys
//! brand j in the next (rows are "from"). Shares move as `s_(n+1) = s_n P`;
//! the steady state solves `π P = π`, `Σ π = 1`, which is unique when the
//! chain is irreducible. The flow from i to j in period n is `s_n[i] · P[i][j]`
//! (Render, Stair & Hanna, "Quantitative Analysis for Management", ch. 14).
//!
//! # Markov customer value
//! Pfeifer & Carraway (2000, "Modeling customer relationships as Markov
//! chains", J. Interactive Marketing 14(2)): with a reward `R` received at
//! the start of each period in each state, the expected present value from
//! each state is `V = Σ_t (P/(1+d))^t R = (I − P/(1+d))^(-1) R`.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::check_discount;
use crate::error::{check_finite, check_not_empty, check_same_len, Error, Result};

/// Tolerance on row sums of a transition matrix.
const ROW_SUM_TOLERANCE: f64 = 1e-9;

/// Checks a square row-stochastic matrix and returns its size.
fn check_transition(transition: &[Vec<f64>]) -> Result<usize> {
    let n = transition.len();
    check_not_empty("transition", n)?;
    for (i, row) in transition.iter().enumerate() {
        check_same_len(
            "transition rows",
            n,
            &format!("transition row {i}"),
            row.len(),
        )?;
        check_finite(&format!("transition row {i}"), row)?;
        if let Some(j) = row.iter().position(|p| !(0.0..=1.0).contains(p)) {
            return Err(Error::OutOfRange {
                what: format!("transition row {i}"),
                index: j,
                value: row[j],
                expected: "transition probabilities must lie in [0, 1]".into(),
            });
        }
        let sum: f64 = row.iter().sum();
        if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
            return Err(Error::invalid_rows(
                "transition",
                format!("row {i} sums to {sum}, not 1"),
                &[i],
                "each row holds the probabilities of moving from one state to every state; normalise it, or build the matrix with BrandSwitching::from_counts",
            ));
        }
    }
    Ok(n)
}

fn matrix(transition: &[Vec<f64>]) -> DMatrix<f64> {
    let n = transition.len();
    DMatrix::from_fn(n, n, |i, j| transition[i][j])
}

/// A brand-switching Markov chain with the shares of the current period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandSwitching {
    /// Transition probabilities, rows "from", columns "to".
    pub transition: Vec<Vec<f64>>,
    /// Shares in period 0.
    pub initial_shares: Vec<f64>,
    /// Standard errors of the transition probabilities when estimated from
    /// counts (multinomial: `sqrt(p(1−p)/n_i)`).
    pub transition_se: Option<Vec<Vec<f64>>>,
}

/// Gains, losses and net flow of one brand in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandFlow {
    /// Index of the brand.
    pub brand: usize,
    /// Share won from the other brands.
    pub gains: f64,
    /// Share lost to the other brands.
    pub losses: f64,
    /// gains − losses.
    pub net: f64,
}

impl BrandSwitching {
    /// Builds the chain from a transition matrix and the current shares.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`], [`Error::OutOfRange`] or
    /// [`Error::InvalidData`] for a matrix that is not square and
    /// row-stochastic, or shares that are negative or do not sum to 1.
    pub fn new(transition: Vec<Vec<f64>>, initial_shares: Vec<f64>) -> Result<Self> {
        let n = check_transition(&transition)?;
        check_same_len("transition", n, "initial_shares", initial_shares.len())?;
        check_finite("initial_shares", &initial_shares)?;
        if let Some(i) = initial_shares.iter().position(|s| *s < 0.0) {
            return Err(Error::OutOfRange {
                what: "initial_shares".into(),
                index: i,
                value: initial_shares[i],
                expected: "shares must be >= 0".into(),
            });
        }
        let total: f64 = initial_shares.iter().sum();
        if (total - 1.0).abs() > ROW_SUM_TOLERANCE {
            return Err(Error::invalid_parameter(
                "initial_shares",
                format!("{initial_shares:?} (sum {total})"),
                "shares that sum to 1",
            ));
        }
        Ok(BrandSwitching {
            transition,
            initial_shares,
            transition_se: None,
        })
    }

    /// Estimates the transition matrix from switching counts (`counts[i][j]`
    /// buyers of i in one period who bought j in the next) by row shares.
    /// Without `initial_shares`, the shares are the row totals' shares.
    ///
    /// # Errors
    /// As [`BrandSwitching::new`]; [`Error::InvalidData`] for a row with no
    /// buyers or negative counts.
    pub fn from_counts(counts: &[Vec<f64>], initial_shares: Option<Vec<f64>>) -> Result<Self> {
        let n = counts.len();
        check_not_empty("counts", n)?;
        let mut transition = Vec::with_capacity(n);
        let mut se = Vec::with_capacity(n);
        let mut totals = Vec::with_capacity(n);
        for (i, row) in counts.iter().enumerate() {
            check_same_len("counts rows", n, &format!("counts row {i}"), row.len())?;
            check_finite(&format!("counts row {i}"), row)?;
            if let Some(j) = row.iter().position(|c| *c < 0.0) {
                return Err(Error::OutOfRange {
                    what: format!("counts row {i}"),
                    index: j,
                    value: row[j],
                    expected: "counts must be >= 0".into(),
                });
            }
            let total: f64 = row.iter().sum();
            if total <= 0.0 {
                return Err(Error::invalid_rows(
                    "counts",
                    format!("row {i} has no buyers, so its switching probabilities are unknown"),
                    &[i],
                    "drop the brand or pass its transition probabilities directly",
                ));
            }
            let p: Vec<f64> = row.iter().map(|c| c / total).collect();
            se.push(p.iter().map(|p| (p * (1.0 - p) / total).sqrt()).collect());
            transition.push(p);
            totals.push(total);
        }
        let grand: f64 = totals.iter().sum();
        let shares = initial_shares.unwrap_or_else(|| totals.iter().map(|t| t / grand).collect());
        let mut chain = BrandSwitching::new(transition, shares)?;
        chain.transition_se = Some(se);
        Ok(chain)
    }

    /// Shares after `periods` periods: `s_0 P^n`.
    pub fn shares(&self, periods: usize) -> Vec<f64> {
        // Step by step for short horizons; beyond that, raise the matrix to
        // the power by repeated squaring, so the cost grows with log(periods).
        const STEPWISE: usize = 256;
        if periods <= STEPWISE {
            let mut s = self.initial_shares.clone();
            for _ in 0..periods {
                s = self.step(&s);
            }
            return s;
        }
        let n = self.initial_shares.len();
        let mut power = matrix(&self.transition);
        let mut result = DMatrix::<f64>::identity(n, n);
        let mut k = periods;
        // Products of stochastic matrices are stochastic; rescaling the rows
        // to sum to 1 stops rounding from compounding over many squarings.
        let normalise = |m: &mut DMatrix<f64>| {
            for mut row in m.row_iter_mut() {
                let total: f64 = row.iter().sum();
                if total > 0.0 {
                    row /= total;
                }
            }
        };
        while k > 0 {
            if k & 1 == 1 {
                result = &result * &power;
                normalise(&mut result);
            }
            power = &power * &power;
            normalise(&mut power);
            k >>= 1;
        }
        let row = DMatrix::from_row_slice(1, n, &self.initial_shares);
        (row * result).iter().copied().collect()
    }

    fn step(&self, s: &[f64]) -> Vec<f64> {
        let n = s.len();
        (0..n)
            .map(|j| (0..n).map(|i| s[i] * self.transition[i][j]).sum())
            .collect()
    }

    /// Computes the steady-state shares `π` with `π P = π` and `Σ π = 1`.
    ///
    /// # Errors
    /// [`Error::Degenerate`] when the chain has no unique steady state
    /// (brands that never exchange buyers).
    pub fn steady_state(&self) -> Result<Vec<f64>> {
        let n = self.transition.len();
        let p = matrix(&self.transition);
        let mut a = p.transpose() - DMatrix::identity(n, n);
        for j in 0..n {
            a[(n - 1, j)] = 1.0;
        }
        let mut b = DVector::zeros(n);
        b[n - 1] = 1.0;
        let degenerate = || {
            Error::Degenerate {
            what: "brand-switching steady state".into(),
            reason: "the chain is reducible (some brands never exchange buyers), so the long-run shares depend on the start; use shares(n) instead".into(),
        }
        };
        let solution = a.lu().solve(&b).ok_or_else(degenerate)?;
        let check = &solution.transpose() * &p - solution.transpose();
        if solution.iter().any(|x| !x.is_finite() || *x < -1e-9) || check.norm() > 1e-8 {
            return Err(degenerate());
        }
        Ok(solution.iter().map(|x| x.max(0.0)).collect())
    }

    /// Flows between brands in period `period` (from the shares of that
    /// period): `flows[i][j] = s_n[i] · P[i][j]`.
    pub fn flows(&self, period: usize) -> Vec<Vec<f64>> {
        let s = self.shares(period);
        let n = s.len();
        (0..n)
            .map(|i| (0..n).map(|j| s[i] * self.transition[i][j]).collect())
            .collect()
    }

    /// Gains from and losses to the other brands of each brand in `period`.
    pub fn net_flows(&self, period: usize) -> Vec<BrandFlow> {
        let flows = self.flows(period);
        let n = flows.len();
        (0..n)
            .map(|b| {
                let gains: f64 = (0..n).filter(|&i| i != b).map(|i| flows[i][b]).sum();
                let losses: f64 = (0..n).filter(|&j| j != b).map(|j| flows[b][j]).sum();
                BrandFlow {
                    brand: b,
                    gains,
                    losses,
                    net: gains - losses,
                }
            })
            .collect()
    }
}

/// Markov customer value from each state (Pfeifer & Carraway 2000):
/// `V = (I − P/(1+d))^(-1) R`, reward received at the start of each period.
///
/// # Errors
/// As [`BrandSwitching::new`] for the matrix, [`Error::LengthMismatch`] for
/// the reward, [`Error::InvalidParameter`] for `d <= -1`, and
/// [`Error::Degenerate`] when the sum does not converge (`d <= 0` with a
/// state that is never left and pays a reward).
///
/// # Examples
/// ```
/// use loyalty::value::markov_value;
/// let p = vec![vec![0.7, 0.3, 0.0], vec![0.2, 0.0, 0.8], vec![0.0, 0.0, 1.0]];
/// let v = markov_value(&p, &[100.0, 0.0, 0.0], 0.1).unwrap();
/// assert!((v[0] - 318.421).abs() < 1e-3);
/// ```
pub fn markov_value(
    transition: &[Vec<f64>],
    reward: &[f64],
    discount_rate: f64,
) -> Result<Vec<f64>> {
    let n = check_transition(transition)?;
    check_same_len("transition", n, "reward", reward.len())?;
    check_finite("reward", reward)?;
    check_discount("discount_rate", discount_rate)?;
    let a = DMatrix::identity(n, n) - matrix(transition) / (1.0 + discount_rate);
    let r = DVector::from_column_slice(reward);
    let not_converging = || {
        Error::Degenerate {
        what: "Markov customer value".into(),
        reason: format!(
            "the discounted sum does not converge at discount rate {discount_rate}; use a rate > 0 or markov_value_finite"
        ),
    }
    };
    if discount_rate <= 0.0 {
        // P/(1+d) then has spectral radius >= 1 and I − P/(1+d) may be
        // singular; the series still converges when every reward sits in
        // states that are eventually left for good, so sum it directly.
        let shorter = markov_value_finite(transition, reward, discount_rate, 20_000)?;
        let longer = markov_value_finite(transition, reward, discount_rate, 40_000)?;
        if shorter
            .iter()
            .zip(&longer)
            .any(|(x, y)| !y.is_finite() || (x - y).abs() > 1e-9 * (1.0 + y.abs()))
        {
            return Err(not_converging());
        }
        return Ok(longer);
    }
    let v = a.lu().solve(&r).ok_or_else(not_converging)?;
    if v.iter().any(|x| !x.is_finite()) {
        return Err(not_converging());
    }
    Ok(v.iter().copied().collect())
}

/// Markov customer value over a finite horizon of `periods` rewards:
/// `V = Σ_{t=0..periods-1} (P/(1+d))^t R`.
///
/// # Errors
/// As [`markov_value`] for the inputs.
pub fn markov_value_finite(
    transition: &[Vec<f64>],
    reward: &[f64],
    discount_rate: f64,
    periods: usize,
) -> Result<Vec<f64>> {
    let n = check_transition(transition)?;
    check_same_len("transition", n, "reward", reward.len())?;
    check_finite("reward", reward)?;
    check_discount("discount_rate", discount_rate)?;
    let p = matrix(transition) / (1.0 + discount_rate);
    let mut term = DVector::from_column_slice(reward);
    let mut v = DVector::zeros(n);
    for _ in 0..periods {
        v += &term;
        term = &p * term;
    }
    Ok(v.iter().copied().collect())
}
