//! Analytic gradients of the mean log-likelihoods against central finite
//! differences, at random parameters and data.

use loyalty::models::{BetaGeo, ParetoNbd, Summary, Variant};
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
