//! Properties of the value functions over random inputs: identities
//! between conventions and curves, inverses and derivatives.

use loyalty::sensitivity::{elasticities, retention_for_value, ValueInputs};
use loyalty::value::{
    discounted_lifetime, markov_value, markov_value_finite, ClvConvention, RetentionCurve,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn start_equals_end_scaled(r in 0.01f64..0.98, i in 0.0f64..0.5, g in -0.2f64..0.2) {
        prop_assume!(r * (1.0 + g) < 1.0 + i - 1e-3);
        let curve = RetentionCurve::Constant(r);
        let end = discounted_lifetime(&curve, i, &ClvConvention::end().with_growth(g)).unwrap();
        let start = discounted_lifetime(&curve, i, &ClvConvention::start().with_growth(g)).unwrap();
        prop_assert!((start - end * (1.0 + i) / r).abs() <= 1e-9 * start.abs().max(1.0));
    }

    #[test]
    fn long_horizon_reaches_closed_form(r in 0.0f64..0.95, i in 0.01f64..0.5) {
        let curve = RetentionCurve::Constant(r);
        let closed = discounted_lifetime(&curve, i, &ClvConvention::end()).unwrap();
        let summed = discounted_lifetime(&curve, i, &ClvConvention::end().with_horizon(4000)).unwrap();
        prop_assert!((closed - summed).abs() <= 1e-9 * closed.max(1.0));
    }

    #[test]
    fn survival_and_rates_agree(rates in proptest::collection::vec(0.0f64..=1.0, 1..30), i in 0.0f64..0.3) {
        let mut survival = Vec::with_capacity(rates.len());
        let mut s = 1.0;
        for r in &rates {
            s *= r;
            survival.push(s);
        }
        for convention in [ClvConvention::end(), ClvConvention::start()] {
            let a = discounted_lifetime(&RetentionCurve::Survival(survival.clone()), i, &convention).unwrap();
            let b = discounted_lifetime(&RetentionCurve::RetentionRates(rates.clone()), i, &convention).unwrap();
            prop_assert!((a - b).abs() <= 1e-12 * a.max(1.0));
        }
    }

    #[test]
    fn retention_for_value_inverts(r in 0.05f64..0.95, i in 0.01f64..0.3, m in 1.0f64..500.0) {
        let inputs = ValueInputs::constant(m, r, i);
        let target = inputs.value().unwrap();
        let found = retention_for_value(&inputs, target).unwrap();
        prop_assert!((found - r).abs() < 1e-9);
    }

    #[test]
    fn analytic_elasticity_matches_derivative(r in 0.05f64..0.95, i in 0.01f64..0.3, ac in 0.0f64..50.0) {
        let mut inputs = ValueInputs::constant(100.0, r, i);
        inputs.acquisition_cost = ac;
        let value = inputs.value().unwrap();
        prop_assume!(value.abs() > 1.0);
        let e = elasticities(&inputs).unwrap();
        let h = 1e-6 * r;
        let at = |x: f64| {
            let mut changed = inputs.clone();
            changed.retention = RetentionCurve::Constant(x);
            changed.value().unwrap()
        };
        let numeric = (at(r + h) - at(r - h)) / (2.0 * h) * r / value;
        prop_assert!((e.retention - numeric).abs() <= 1e-5 * numeric.abs().max(1.0));
    }

    #[test]
    fn markov_value_is_limit_of_finite_sums(p in 0.0f64..1.0, q in 0.0f64..1.0, d in 0.05f64..0.5, reward in 1.0f64..100.0) {
        let transition = vec![vec![p, 1.0 - p], vec![q, 1.0 - q]];
        let exact = markov_value(&transition, &[reward, 0.0], d).unwrap();
        let finite = markov_value_finite(&transition, &[reward, 0.0], d, 2000).unwrap();
        for (a, b) in exact.iter().zip(&finite) {
            prop_assert!((a - b).abs() <= 1e-8 * a.abs().max(1.0));
        }
    }
}
