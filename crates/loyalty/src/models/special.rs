//! Special functions for the model likelihoods, evaluated where terms would
//! overflow or underflow in plain floating point.
//!
//! Log-gamma, digamma and log-beta come from `statrs`. The Gauss
//! hypergeometric functions that the BG/NBD and Pareto/NBD expressions need
//! are written here because no maintained crate evaluates `2F1` with the
//! parameter ranges these models reach (first parameter `r + x` in the
//! thousands, argument close to 1).

pub use crate::math::{log_add_exp, log_sum_exp};
pub use statrs::function::beta::ln_beta;
pub use statrs::function::gamma::{digamma, ln_gamma};

/// `ln(exp(a) - exp(b))` for `a >= b` (`-inf` when they are equal).
pub fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + (-(b - a).exp_m1()).ln()
}

/// `ln Γ(x + n) - ln Γ(x)`, the log of the rising factorial `(x)_n`.
pub fn ln_rising(x: f64, n: f64) -> f64 {
    if n == 0.0 {
        0.0
    } else {
        ln_gamma(x + n) - ln_gamma(x)
    }
}

/// Gauss hypergeometric `2F1(a, b; c; z)` by its power series, for
/// `|z| < 1`.
///
/// Callers first apply Euler's transformation `2F1(a, b; c; z) = (1 - z)^(c-a-b)
/// 2F1(c - a, c - b; c; z)` (Abramowitz & Stegun 15.3.3) so that the numerator
/// parameters are small and the series neither overflows nor needs many
/// terms. The series stops when a term no longer changes the sum, or after
/// `10^7` terms (reached only for `z` within about `1e-6` of 1).
pub fn hyp2f1_series(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut k = 0.0;
    while k < 1e7 {
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        let next = sum + term;
        if next == sum || term == 0.0 {
            break;
        }
        sum = next;
        k += 1.0;
    }
    sum
}

/// `2F1(1, b; c; z)` for `0 <= z < 1` and `0 < b < c`.
///
/// Below `z = 0.75` the power series `Σ (b)_k/(c)_k z^k` converges fast, and
/// its terms are bounded by `z^k`. Closer to 1 it is evaluated as Gauss's
/// continued fraction for the ratio `2F1(a+1, b; c+1; z) / 2F1(a, b; c; z)`
/// at `a = 0`, `c -> c - 1`, with the modified Lentz algorithm (Lentz 1976,
/// as revised by Thompson & Barnett 1986). The fraction converges in the
/// whole cut plane, so it needs far fewer terms than the series as `z -> 1`.
/// The tests check it against the series and against `-ln(1 - z)/z`.
pub fn hyp2f1_one(b: f64, c: f64, z: f64) -> f64 {
    if z < 0.75 {
        let mut sum = 1.0;
        let mut term = 1.0;
        let mut k = 0.0;
        while k < 1e6 {
            term *= (b + k) / (c + k) * z;
            let next = sum + term;
            if next == sum {
                break;
            }
            sum = next;
            k += 1.0;
        }
        return sum;
    }
    // F = 1 / g, g = 1 + d1/(1 + d2/(1 + ...)), with c0 = c - 1 and
    // d_{2m+1} = -(c0 + m)(b + m) z / ((c0 + 2m)(c0 + 2m + 1)),
    // d_{2m}   =  (b - c0 - m) m z / ((c0 + 2m - 1)(c0 + 2m)).
    let c0 = c - 1.0;
    const TINY: f64 = 1e-300;
    let mut f = 1.0;
    let mut cc = f;
    let mut dd = 0.0;
    for n in 1..200_000u32 {
        let m = f64::from(n / 2);
        let an = if n % 2 == 1 {
            -(c0 + m) * (b + m) * z / ((c0 + 2.0 * m) * (c0 + 2.0 * m + 1.0))
        } else {
            (b - c0 - m) * m * z / ((c0 + 2.0 * m - 1.0) * (c0 + 2.0 * m))
        };
        dd = 1.0 + an * dd;
        if dd.abs() < TINY {
            dd = TINY;
        }
        cc = 1.0 + an / cc;
        if cc.abs() < TINY {
            cc = TINY;
        }
        dd = 1.0 / dd;
        let delta = cc * dd;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    1.0 / f
}

/// `2F1(1, b; c; z)` with its partial derivatives `(F, ∂F/∂b, ∂F/∂c,
/// ∂F/∂z)`, for the same range as [`hyp2f1_one`].
///
/// Below `z = 0.75` the derivatives are summed term by term along the
/// series: with `t_k = Π_{j<k} (b+j)/(c+j) z`, `∂t_k/∂b = t_k Σ_{j<k}
/// 1/(b+j)`, `∂t_k/∂c = -t_k Σ_{j<k} 1/(c+j)` and `∂t_k/∂z = k t_k / z`.
/// Closer to 1 they are central differences of the continued fraction.
pub fn hyp2f1_one_with_gradient(b: f64, c: f64, z: f64) -> (f64, f64, f64, f64) {
    if z < 0.75 {
        let (mut sum, mut db, mut dc, mut dz) = (1.0, 0.0, 0.0, 0.0);
        let (mut term, mut hb, mut hc) = (1.0, 0.0, 0.0);
        let mut k = 0.0;
        while k < 1e6 {
            term *= (b + k) / (c + k) * z;
            hb += 1.0 / (b + k);
            hc += 1.0 / (c + k);
            k += 1.0;
            sum += term;
            db += term * hb;
            dc -= term * hc;
            dz += term * k;
            if term * (k + hb + hc) <= 1e-17 * sum {
                break;
            }
        }
        let dz = if z > 0.0 { dz / z } else { b / c };
        return (sum, db, dc, dz);
    }
    let f = hyp2f1_one(b, c, z);
    let hb = 1e-6 * b.max(1.0);
    let hc = 1e-6 * c.max(1.0);
    let hz = (1e-7f64).min((1.0 - z) / 10.0);
    let db = (hyp2f1_one(b + hb, c, z) - hyp2f1_one(b - hb, c, z)) / (2.0 * hb);
    let dc = (hyp2f1_one(b, c + hc, z) - hyp2f1_one(b, c - hc, z)) / (2.0 * hc);
    let dz = (hyp2f1_one(b, c, z + hz) - hyp2f1_one(b, c, z - hz)) / (2.0 * hz);
    (f, db, dc, dz)
}

/// `∫_0^∞ exp(-z u) (1 + u)^(-s) du` for `z > 0`, which is Tricomi's
/// `U(1, 2 - s, z)` and equals `exp(z) z^(s-1) Γ(1 - s, z)`.
///
/// Evaluated as Legendre's continued fraction for the upper incomplete gamma
/// function, `Γ(a, z) = exp(-z) z^a / (z + 1 - a - 1(1 - a)/(z + 3 - a -
/// 2(2 - a)/(z + 5 - a - ...)))`, which holds for every real `a` and `z > 0`
/// (the tests check it against `exp(z) E1(z)`), so `s > 1`
/// needs no recurrence. The prefactor cancels, leaving the fraction itself.
/// It converges quickly for `z >= 1` and needs more terms as `z -> 0`.
pub fn tricomi_u_one(s: f64, z: f64) -> f64 {
    let a = 1.0 - s;
    const TINY: f64 = 1e-300;
    let mut b = z + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..2_000_000u32 {
        let i = f64::from(i);
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyp2f1_one_fraction_matches_series() {
        // Both branches against the plain series at points where the series
        // still converges in well under 10^6 terms.
        for &(b, c, z) in &[
            (0.6, 2.3, 0.8),
            (5.0, 7.5, 0.9),
            (400.5, 401.8, 0.95),
            (0.2, 1000.0, 0.99),
        ] {
            let series = hyp2f1_series(1.0, b, c, z);
            let got = hyp2f1_one(b, c, z);
            assert!(
                ((got - series) / series).abs() < 1e-12,
                "b={b} c={c} z={z}: {got} vs {series}"
            );
        }
    }

    #[test]
    fn hyp2f1_one_closed_form_near_one() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z (Abramowitz & Stegun 15.1.3).
        for z in [0.5f64, 0.9, 0.999, 0.999999] {
            let exact = -(-z).ln_1p() / z;
            let got = hyp2f1_one(1.0, 2.0, z);
            // The function's condition number near z = 1 is about 1/((1-z)|ln(1-z)|).
            assert!(
                ((got - exact) / exact).abs() < 1e-10,
                "z={z}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn hyp2f1_gradient_matches_differences() {
        for &(b, c, z) in &[
            (0.6, 2.3, 0.3),
            (5.0, 7.5, 0.7),
            (400.5, 401.8, 0.05),
            (1.6, 30.0, 0.9),
        ] {
            let (f, db, dc, dz) = hyp2f1_one_with_gradient(b, c, z);
            assert!((f - hyp2f1_one(b, c, z)).abs() < 1e-13 * f);
            let h = 1e-6;
            let fd_b = (hyp2f1_one(b + h, c, z) - hyp2f1_one(b - h, c, z)) / (2.0 * h);
            let fd_c = (hyp2f1_one(b, c + h, z) - hyp2f1_one(b, c - h, z)) / (2.0 * h);
            let fd_z = (hyp2f1_one(b, c, z + h) - hyp2f1_one(b, c, z - h)) / (2.0 * h);
            for (got, fd) in [(db, fd_b), (dc, fd_c), (dz, fd_z)] {
                assert!(
                    (got - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                    "b={b} c={c} z={z}: {got} vs {fd}"
                );
            }
        }
    }

    #[test]
    fn tricomi_matches_exponential_integral() {
        // s = 1: exp(z) E1(z); E1(1) = 0.21938393439552027 (A&S Table 5.1).
        let got = tricomi_u_one(1.0, 1.0);
        let exact = 1f64.exp() * 0.219_383_934_395_520_27;
        assert!((got - exact).abs() < 1e-13, "{got} vs {exact}");
        // s = 2: 1 - z exp(z) E1(z).
        let got2 = tricomi_u_one(2.0, 1.0);
        assert!((got2 - (1.0 - exact)).abs() < 1e-13, "{got2}");
        // s = 0: 1/z.
        assert!((tricomi_u_one(0.0, 0.05) - 20.0).abs() < 1e-10);
    }

    #[test]
    fn log_sub_exp_is_stable() {
        let v = log_sub_exp(1000.0, 999.0);
        assert!((v - (1000.0 + (1.0 - (-1f64).exp()).ln())).abs() < 1e-12);
        assert_eq!(log_sub_exp(3.0, 3.0), f64::NEG_INFINITY);
    }
}
