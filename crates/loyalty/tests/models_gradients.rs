//! Analytic gradients of the mean log-likelihoods against central finite
//! differences, at random parameters and data.

use loyalty::models::{
    BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNbd, ShiftedBetaGeometric, Summary, Variant,
};
use proptest::prelude::*;

fn finite_difference(f: &dyn Fn(&[f64]) -> f64, theta: &[f64]) -> Vec<f64> {
    (0..theta.len())
        .map(|j| {
            let h = 1e-6;
            let mut up = theta.to_vec();
            up[j] += h;
            let mut down = theta.to_vec();
            down[j] -= h;
            (f(&up) - f(&down)) / (2.0 * h)
        })
        .collect()
}

fn summary(rows: &[(u32, f64, f64)]) -> Summary {
    let x: Vec<f64> = rows.iter().map(|r| r.0 as f64).collect();
    let t: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let tx: Vec<f64> = rows
        .iter()
        .map(|r| if r.0 == 0 { 0.0 } else { r.1 * r.2 })
        .collect();
    Summary::new(&x, &tx, &t, None).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn beta_geo_gradient_matches_finite_differences(
        theta in proptest::collection::vec(-2.0f64..2.0, 4),
        rows in proptest::collection::vec((0u32..300, 0.0f64..1.0, 1.0f64..100.0), 1..20),
        modified in any::<bool>(),
    ) {
        let variant = if modified { Variant::MbgNbd } else { Variant::BgNbd };
        let data = summary(&rows);
        let mut grad = vec![0.0; 4];
        BetaGeo::mean_log_likelihood(&theta, &mut grad, &data, variant);
        let value = |t: &[f64]| BetaGeo::mean_log_likelihood(t, &mut [0.0; 4], &data, variant);
        let fd = finite_difference(&value, &theta);
        for j in 0..4 {
            let scale = 1.0 + grad[j].abs();
            prop_assert!((grad[j] - fd[j]).abs() < 1e-5 * scale, "j={} analytic {} fd {}", j, grad[j], fd[j]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pareto_gradient_matches_finite_differences(
        theta in proptest::collection::vec(-2.0f64..3.0, 4),
        rows in proptest::collection::vec((0u32..300, 0.0f64..1.0, 1.0f64..100.0), 1..20),
    ) {
        let data = summary(&rows);
        let mut grad = vec![0.0; 4];
        ParetoNbd::mean_log_likelihood(&theta, &mut grad, &data);
        let value = |t: &[f64]| ParetoNbd::mean_log_likelihood(t, &mut [0.0; 4], &data);
        let fd = finite_difference(&value, &theta);
        for j in 0..4 {
            let scale = 1.0 + grad[j].abs();
            prop_assert!((grad[j] - fd[j]).abs() < 1e-5 * scale, "j={} analytic {} fd {}", j, grad[j], fd[j]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gamma_gamma_gradient_matches_finite_differences(
        theta in proptest::collection::vec(-2.0f64..3.0, 3),
        rows in proptest::collection::vec((1u32..50, 0.5f64..500.0, 1u32..5), 1..20),
    ) {
        let rows: Vec<(f64, f64, f64)> = rows.iter().map(|r| (r.0 as f64, r.1, r.2 as f64)).collect();
        let total: f64 = rows.iter().map(|r| r.2).sum();
        let mut grad = vec![0.0; 3];
        GammaGamma::mean_log_likelihood(&theta, &mut grad, &rows, total);
        let value = |t: &[f64]| GammaGamma::mean_log_likelihood(t, &mut [0.0; 3], &rows, total);
        let fd = finite_difference(&value, &theta);
        for j in 0..3 {
            prop_assert!((grad[j] - fd[j]).abs() < 1e-5 * (1.0 + grad[j].abs()), "j={} analytic {} fd {}", j, grad[j], fd[j]);
        }
    }

    #[test]
    fn bgbb_gradient_matches_finite_differences(
        theta in proptest::collection::vec(-2.0f64..2.0, 4),
        rows in proptest::collection::vec((0u32..12, 0u32..12, 1u32..12, 1u32..50), 1..15),
    ) {
        // Build valid patterns: x <= t_x <= n, t_x = 0 exactly when x = 0.
        let rows: Vec<(f64, f64, f64, f64)> = rows
            .iter()
            .map(|&(a, b, n, w)| {
                let tx = b.min(n);
                let x = if tx == 0 { 0 } else { a.min(tx).max(1) };
                (x as f64, tx as f64, n as f64, w as f64)
            })
            .collect();
        let total: f64 = rows.iter().map(|r| r.3).sum();
        let mut grad = vec![0.0; 4];
        BetaGeoBetaBinom::mean_log_likelihood(&theta, &mut grad, &rows, total);
        let value = |t: &[f64]| BetaGeoBetaBinom::mean_log_likelihood(t, &mut [0.0; 4], &rows, total);
        let fd = finite_difference(&value, &theta);
        for j in 0..4 {
            prop_assert!((grad[j] - fd[j]).abs() < 1e-5 * (1.0 + grad[j].abs()), "j={} analytic {} fd {}", j, grad[j], fd[j]);
        }
    }

    #[test]
    fn sbg_gradient_matches_finite_differences(
        theta in proptest::collection::vec(-2.0f64..3.0, 2),
        dead in proptest::collection::vec((1u32..20, 0u32..100), 1..10),
        alive in proptest::collection::vec((0u32..20, 0u32..100), 0..5),
    ) {
        let dead: Vec<(f64, f64)> = dead.iter().map(|&(t, n)| (t as f64, n as f64)).collect();
        let alive: Vec<(f64, f64)> = alive.iter().map(|&(t, n)| (t as f64, n as f64)).collect();
        let total: f64 = dead.iter().chain(&alive).map(|r| r.1).sum::<f64>().max(1.0);
        let mut grad = vec![0.0; 2];
        ShiftedBetaGeometric::mean_log_likelihood(&theta, &mut grad, &dead, &alive, total);
        let value = |t: &[f64]| ShiftedBetaGeometric::mean_log_likelihood(t, &mut [0.0; 2], &dead, &alive, total);
        let fd = finite_difference(&value, &theta);
        for j in 0..2 {
            prop_assert!((grad[j] - fd[j]).abs() < 1e-5 * (1.0 + grad[j].abs()), "j={} analytic {} fd {}", j, grad[j], fd[j]);
        }
    }
}
