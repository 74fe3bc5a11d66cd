//! Value and sensitivity functions against independent brute-force sums and
//! hand computations, and their input checks.

use loyalty::models::sbg;
use loyalty::sensitivity::uncertainty::diagonal_covariance;
use loyalty::sensitivity::{
    acquisition_incentive, break_even_margin, break_even_retention, propagate, retention_program,
    scenario_grid, tornado, win_back, Incentive, NpsRetentionLink, Parameter, ParameterRange,
    Propagation, RetentionProgram, ValueInputs, WinBack,
};
use loyalty::value::employees::ItemisedTurnoverCost;
use loyalty::value::{
    aggregate_retention_error, clv, customer_equity, investor_turnover, profit_buildup,
    profit_buildup_components, residual_value_sbg, turnover_cost, turnover_cost_itemised,
    turnover_savings, value_by_category, BrandSwitching, BuildupComponent, ClvConvention, Cohort,
    NpsShift, RetentionCurve,
};
use loyalty::Scale;

/// Brute force `−AC + Σ_{t=1..T} p_t S(t−1)/(1+i)^t` with the last profit held.
fn brute_buildup(ac: f64, profits: &[f64], survival: &[f64], i: f64) -> f64 {
    let mut v = -ac;
    for t in 1..survival.len() {
        let p = profits[(t - 1).min(profits.len() - 1)];
        v += p * survival[t - 1] / (1.0 + i).powi(t as i32);
    }
    v
}

#[test]
fn buildup_constant_matches_brute_force() {
    let profits = [10.0, 20.0, 30.0];
    let b = profit_buildup(100.0, &profits, &RetentionCurve::Constant(0.8), 0.1).unwrap();
    let survival: Vec<f64> = (0..3000).map(|t| 0.8f64.powi(t)).collect();
    assert!((b.value - brute_buildup(100.0, &profits, &survival, 0.1)).abs() < 1e-9);
    assert_eq!(b.years.len(), 3);
    assert!((b.years[1].survival - 0.8).abs() < 1e-15);
}

#[test]
fn buildup_sbg_matches_brute_force() {
    let profits = [5.0, 8.0];
    let curve = RetentionCurve::Sbg {
        alpha: 0.7041,
        beta: 1.1820,
    };
    let b = profit_buildup(20.0, &profits, &curve, 0.1).unwrap();
    let survival = sbg::survival_curve(0.7041, 1.1820, 400).unwrap();
    assert!((b.value - brute_buildup(20.0, &profits, &survival, 0.1)).abs() < 1e-8);
}

#[test]
fn buildup_components_add_up() {
    let components = vec![
        BuildupComponent {
            name: "base profit".into(),
            by_year: vec![25.0],
        },
        BuildupComponent {
            name: "revenue growth".into(),
            by_year: vec![0.0, 5.0, 10.0],
        },
        BuildupComponent {
            name: "referrals".into(),
            by_year: vec![0.0, 3.0],
        },
    ];
    let curve = RetentionCurve::Constant(0.85);
    let b = profit_buildup_components(80.0, &components, &curve, 0.12).unwrap();
    let total = profit_buildup(80.0, &[25.0, 33.0, 38.0], &curve, 0.12).unwrap();
    assert!((b.value - total.value).abs() < 1e-9);
    let pv: f64 = b.components.iter().map(|c| c.1).sum();
    assert!((pv - 80.0 - b.value).abs() < 1e-9);
    assert_eq!(b.payback_year, total.payback_year);
}

#[test]
fn customer_equity_by_hand() {
    // CLV = 30·1.1/(1.1 − 0.7) = 82.5 (start of period);
    // CE = 100·(82.5 − 50) + 120·(82.5 − 55)/1.1 = 3250 + 3000.
    let cohorts = [
        Cohort {
            period: 0,
            members: 100.0,
            acquisition_cost: 50.0,
        },
        Cohort {
            period: 1,
            members: 120.0,
            acquisition_cost: 55.0,
        },
    ];
    let ce = customer_equity(
        &cohorts,
        30.0,
        &RetentionCurve::Constant(0.7),
        0.1,
        &ClvConvention::start(),
    )
    .unwrap();
    assert!((ce.value - 6250.0).abs() < 1e-9);
}

#[test]
fn residual_value_matches_brute_force() {
    // Members with k renewals made: Σ_{t>=k+1} S(t)/S(k)/(1+d)^(t−k−1).
    let (a, b, d): (f64, f64, f64) = (0.7041, 1.1820, 0.1);
    let base = [631.0, 468.0, 382.0];
    let s = sbg::survival_curve(a, b, 6000).unwrap();
    let mut brute = 0.0;
    for (k, n) in base.iter().enumerate() {
        let mut v = 0.0;
        for t in (k + 1)..6000 {
            v += s[t] / s[k] / (1.0 + d).powi((t - k - 1) as i32);
        }
        brute += n * v;
    }
    let got = residual_value_sbg(a, b, d, 1.0, &base).unwrap();
    assert!((got - brute).abs() / brute < 1e-3, "{got} vs {brute}");
    // One aggregate rate understates the base's value (Fader & Hardie 2010).
    let cmp = aggregate_retention_error(a, b, d, 1.0, &base, None).unwrap();
    assert!(cmp.error < 0.0, "{cmp:?}");
    assert!((cmp.heterogeneous_value - got).abs() < 1e-9);
}

#[test]
fn turnover_cost_cases() {
    let c = turnover_cost(1000.0, 0.16, 50_000.0, 0.5).unwrap();
    assert!((c.separations - 160.0).abs() < 1e-12);
    assert!((c.total - 4_000_000.0).abs() < 1e-6);
    // Hiring 5000 + training 3000 + exit 1000 + one month vacant at 4000 +
    // ramp-up losses (0.75 + 0.5 + 0.25)·4000 = 19000 per separation.
    let items = ItemisedTurnoverCost {
        hiring: 5000.0,
        training: 3000.0,
        separation: 1000.0,
        vacancy_periods: 1.0,
        value_per_period: 4000.0,
        ramp_up_productivity: vec![0.25, 0.5, 0.75],
    };
    let itemised = turnover_cost_itemised(10.0, 0.2, &items).unwrap();
    assert!((itemised.cost_per_separation - 19_000.0).abs() < 1e-9);
    assert!((itemised.total - 38_000.0).abs() < 1e-9);
    assert!((turnover_savings(1000.0, 0.16, 0.12, 25_000.0).unwrap() - 1_000_000.0).abs() < 1e-6);
    assert!(turnover_cost(-1.0, 0.1, 1.0, 1.0).is_err());
    let bad = ItemisedTurnoverCost {
        ramp_up_productivity: vec![1.5],
        ..items
    };
    assert!(bad.total().is_err());
}

#[test]
fn investor_holding_period() {
    let t = investor_turnover(50.0, 100.0, Some((200.0, 150.0))).unwrap();
    assert!((t.holding_period - 2.0).abs() < 1e-12);
    assert!((t.holder_churn.unwrap() - 0.25).abs() < 1e-12);
    assert!(investor_turnover(1.0, 0.0, None).is_err());
}

#[test]
fn voice_value_by_category() {
    // Detractors: 2 of 4 retained, spend 10; passives: 3 of 4, spend 20;
    // promoters: 4 of 5 retained, spend 30. Margin share 0.5, i = 0.1, end:
    // value = 0.5·spend·r/(1.1 − r).
    let scores = [
        0.0, 3.0, 5.0, 6.0, 7.0, 7.0, 8.0, 8.0, 9.0, 9.0, 10.0, 10.0, 10.0,
    ];
    let retained = [
        1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0,
    ];
    let spend = [
        10.0, 10.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0, 30.0, 30.0, 30.0, 30.0, 30.0,
    ];
    let v = value_by_category(
        &scores,
        &Scale::nps(),
        &retained,
        &spend,
        None,
        0.5,
        0.1,
        &ClvConvention::end(),
        0.95,
    )
    .unwrap();
    let expect = |spend: f64, r: f64| 0.5 * spend * r / (1.1 - r);
    let d = &v.categories[0];
    let p = &v.categories[2];
    assert!((d.value.value - expect(10.0, 0.5)).abs() < 1e-9);
    assert!((v.categories[1].value.value - expect(20.0, 0.75)).abs() < 1e-9);
    assert!((p.value.value - expect(30.0, 0.8)).abs() < 1e-9);
    // Spend has no spread here, so the value's se is the retention's se
    // times dV/dr = 0.5·spend·1.1/(1.1 − r)².
    let se_d = 0.5 * 10.0 * 1.1 / 0.36 * (0.25f64 / 4.0).sqrt();
    assert!((d.value.se - se_d).abs() / se_d < 1e-5);
    let convert = v.converting_detractor.as_ref().unwrap();
    assert!((convert.value - (expect(30.0, 0.8) - expect(10.0, 0.5))).abs() < 1e-9);
    assert!((v.nps - 100.0 * (5.0 - 4.0) / 13.0).abs() < 1e-9);
    let point = v
        .value_of_nps_point(NpsShift::PassiveToPromoter, 10_000.0)
        .unwrap();
    assert!((point.value - 100.0 * (expect(30.0, 0.8) - expect(20.0, 0.75))).abs() < 1e-6);
    let even = v.value_of_nps_point(NpsShift::Even, 10_000.0).unwrap();
    assert!((even.value - 50.0 * (expect(30.0, 0.8) - expect(10.0, 0.5))).abs() < 1e-6);
    assert!(value_by_category(
        &scores[..3],
        &Scale::nps(),
        &retained,
        &spend,
        None,
        0.5,
        0.1,
        &ClvConvention::end(),
        0.95
    )
    .is_err());
}

#[test]
fn retention_program_by_hand() {
    // r 0.80 -> 0.85, m = 100, i = 0.1, end of period: CLV 266.67 -> 340.
    // Per-period gains 4.545, 6.818, 7.673, 7.677: a cost of 20 pays back
    // in period 4.
    let program = RetentionProgram {
        members: 1000.0,
        base: ValueInputs::constant(100.0, 0.8, 0.1),
        uplift_points: 5.0,
        cost_per_member: 20.0,
    };
    let r = retention_program(&program).unwrap();
    assert!((r.value_with - r.value_without - (340.0 - 800.0 / 3.0)).abs() < 1e-9);
    assert!((r.net_value - (1000.0 * (340.0 - 800.0 / 3.0) - 20_000.0)).abs() < 1e-6);
    assert_eq!(r.payback_period, Some(4));
    assert!((r.gain_by_period[0] - 100.0 * 0.05 / 1.1).abs() < 1e-9);
    let too_much = RetentionProgram {
        uplift_points: 25.0,
        ..program
    };
    assert!(retention_program(&too_much).is_err());
}

#[test]
fn win_back_by_hand() {
    let campaign = WinBack {
        former_members: 500.0,
        win_back_rate: 0.1,
        cost_per_contact: 5.0,
        returning: ValueInputs::constant(40.0, 0.6, 0.1),
    };
    let w = win_back(&campaign).unwrap();
    let clv = 40.0 * 0.6 / 0.5;
    assert!((w.value_per_contact - (0.1 * clv - 5.0)).abs() < 1e-12);
    assert!((w.break_even_rate - 5.0 / clv).abs() < 1e-12);
}

#[test]
fn incentive_npv_and_payback() {
    // A 30 discount at acquisition lifts retention 0.6 -> 0.7 at margin 50.
    let without = ValueInputs::constant(50.0, 0.6, 0.1);
    let with = ValueInputs::constant(50.0, 0.7, 0.1);
    let incentive = Incentive {
        new_customers: 100.0,
        without,
        with,
        upfront_cost: 30.0,
        cost_per_period: 0.0,
        cost_periods: 0,
    };
    let r = acquisition_incentive(&incentive).unwrap();
    let gain = 50.0 * (0.7 / 0.4 - 0.6 / 0.5);
    assert!((r.net_value - 100.0 * (gain - 30.0)).abs() < 1e-9);
    let mut cumulative = 0.0;
    let mut payback = None;
    for k in 1..200 {
        cumulative += 50.0 * (0.7f64.powi(k) - 0.6f64.powi(k)) / 1.1f64.powi(k);
        if cumulative >= 30.0 {
            payback = Some(k as usize);
            break;
        }
    }
    assert_eq!(r.payback_period, payback);
}

#[test]
fn delta_and_simulation_agree() {
    // CLV = m·r/(1.1 − r) with m = 100 ± 5 and r = 0.8 ± 0.02.
    let f = |x: &[f64]| {
        clv(
            x[0],
            &RetentionCurve::Constant(x[1]),
            0.1,
            &ClvConvention::end(),
        )
    };
    let cov = diagonal_covariance(&[5.0, 0.02]);
    let delta = propagate(f, &[100.0, 0.8], &cov, Propagation::Delta, 0.95).unwrap();
    let analytic =
        ((0.8f64 / 0.3 * 5.0).powi(2_i32) + (100.0f64 * 1.1 / 0.09 * 0.02).powi(2)).sqrt();
    assert!((delta.se - analytic).abs() / analytic < 1e-6);
    let sim = Propagation::Simulation {
        draws: 20_000,
        seed: 7,
    };
    let a = propagate(f, &[100.0, 0.8], &cov, sim, 0.95).unwrap();
    let b = propagate(f, &[100.0, 0.8], &cov, sim, 0.95).unwrap();
    assert_eq!(a, b);
    assert!(
        (a.se - analytic).abs() / analytic < 0.1,
        "{} vs {analytic}",
        a.se
    );
    assert!(a.ci_low < a.value && a.value < a.ci_high);
}

#[test]
fn simulation_drops_draws_outside_domain() {
    let f = |x: &[f64]| {
        clv(
            1.0,
            &RetentionCurve::Constant(x[0]),
            0.1,
            &ClvConvention::end(),
        )
    };
    let e = propagate(
        f,
        &[0.97],
        &diagonal_covariance(&[0.02]),
        Propagation::Simulation {
            draws: 5000,
            seed: 1,
        },
        0.9,
    )
    .unwrap();
    assert!(e.n_missing > 0.0);
    assert!((e.n + e.n_missing - 5000.0).abs() < 1e-9);
}

#[test]
fn targets_and_break_even() {
    let mut inputs = ValueInputs::constant(30.0, 0.5, 0.1);
    inputs.acquisition_cost = 90.0;
    // 30 r/(1.1 − r) = 90 at r = 0.825.
    assert!((break_even_retention(&inputs).unwrap() - 0.825).abs() < 1e-9);
    inputs.retention = RetentionCurve::Constant(0.8);
    assert!((break_even_margin(&inputs).unwrap() - 90.0 / (0.8 / 0.3)).abs() < 1e-9);
    // Exact link r = 0.5 + 0.004·NPS plus small noise: 0.8 needs NPS ≈ 75.
    let nps = [10.0, 30.0, 50.0, 70.0, 90.0];
    let noise = [0.001, -0.002, 0.0, 0.002, -0.001];
    let retention: Vec<f64> = nps
        .iter()
        .zip(noise)
        .map(|(x, e)| 0.5 + 0.004 * x + e)
        .collect();
    let link = NpsRetentionLink::fit(&nps, &retention).unwrap();
    let need = link.nps_for_retention(0.8, 0.95).unwrap();
    assert!((need.value - (0.8 - link.intercept) / link.slope).abs() < 1e-12);
    assert!((need.value - 75.0).abs() < 1.0);
    assert!(need.se > 0.0 && need.ci_low < 75.0 && need.ci_high > 75.0);
}

#[test]
fn tornado_and_grid() {
    let mut inputs = ValueInputs::constant(100.0, 0.8, 0.1);
    inputs.acquisition_cost = 50.0;
    let t = tornado(
        &inputs,
        &[
            ParameterRange {
                parameter: Parameter::Margin,
                low: 90.0,
                high: 110.0,
            },
            ParameterRange {
                parameter: Parameter::Retention,
                low: 0.75,
                high: 0.85,
            },
            ParameterRange {
                parameter: Parameter::AcquisitionCost,
                low: 40.0,
                high: 60.0,
            },
        ],
    )
    .unwrap();
    assert_eq!(t.bars[0].parameter, Parameter::Retention);
    assert!((t.base_value - (800.0 / 3.0 - 50.0)).abs() < 1e-9);
    let g = scenario_grid(
        &inputs,
        Parameter::Retention,
        &[0.7, 0.9],
        Parameter::DiscountRate,
        &[0.1, 0.12],
    )
    .unwrap();
    assert!((g.values[1][0] - (450.0 - 50.0)).abs() < 1e-9);
    assert!(scenario_grid(
        &inputs,
        Parameter::Margin,
        &[1.0],
        Parameter::Margin,
        &[1.0]
    )
    .is_err());
}

#[test]
fn bad_inputs_are_named() {
    let end = ClvConvention::end();
    let err = clv(10.0, &RetentionCurve::Constant(1.0), 0.1, &end).unwrap_err();
    assert!(err.to_string().contains("retention"), "{err}");
    let err = clv(10.0, &RetentionCurve::Constant(0.9), -1.0, &end).unwrap_err();
    assert!(err.to_string().contains("discount_rate"), "{err}");
    // Converges only when r(1+g) < 1+i.
    let err = clv(
        10.0,
        &RetentionCurve::Constant(0.95),
        0.02,
        &end.with_growth(0.1),
    )
    .unwrap_err();
    assert!(err.to_string().contains("horizon"), "{err}");
    let err = clv(
        10.0,
        &RetentionCurve::Sbg {
            alpha: 1.0,
            beta: 1.0,
        },
        0.0,
        &end,
    )
    .unwrap_err();
    assert!(err.to_string().contains("horizon"), "{err}");
    assert_eq!(
        BrandSwitching::new(vec![vec![0.5, 0.5]], vec![1.0])
            .unwrap_err()
            .kind(),
        "LengthMismatch"
    );
    assert!(BrandSwitching::new(vec![vec![0.5, 0.6], vec![0.5, 0.5]], vec![0.5, 0.5]).is_err());
    let reducible =
        BrandSwitching::new(vec![vec![1.0, 0.0], vec![0.0, 1.0]], vec![0.5, 0.5]).unwrap();
    assert_eq!(reducible.steady_state().unwrap_err().kind(), "Degenerate");
    assert_eq!(
        profit_buildup(1.0, &[1.0, 2.0], &RetentionCurve::Survival(vec![0.9]), 0.1)
            .unwrap_err()
            .kind(),
        "InvalidParameter"
    );
}

#[test]
fn brand_switching_from_counts() {
    let counts = vec![vec![80.0, 20.0], vec![30.0, 70.0]];
    let chain = BrandSwitching::from_counts(&counts, None).unwrap();
    assert!((chain.transition[0][1] - 0.2).abs() < 1e-12);
    assert!((chain.initial_shares[0] - 0.5).abs() < 1e-12);
    let se = chain.transition_se.as_ref().unwrap();
    assert!((se[0][1] - (0.2f64 * 0.8 / 100.0).sqrt()).abs() < 1e-12);
    // π = (0.3, 0.2)/0.5 = (0.6, 0.4).
    let pi = chain.steady_state().unwrap();
    assert!((pi[0] - 0.6).abs() < 1e-12);
}

#[test]
fn sensitivity_estimates_by_delta() {
    use loyalty::sensitivity::{sensitivity_estimates, InputUncertainty};
    // r = 0.8 ± 0.02, i = 0.1, m = 100, end of period: dCLV/dr = m(1+i)/(1+i−r)²,
    // d e_r/dr = (1+i)/(1+i−r)², and +5 points change = m(0.85/0.25 − 0.8/0.3).
    let inputs = ValueInputs::constant(100.0, 0.8, 0.1);
    let unc = InputUncertainty {
        retention_se: 0.02,
        ..InputUncertainty::default()
    };
    let s = sensitivity_estimates(&inputs, &unc, 5.0, Propagation::Delta, 0.95).unwrap();
    assert!((s.value.se - 100.0 * 1.1 / 0.09 * 0.02).abs() < 1e-4);
    assert!((s.retention_elasticity.value - 1.1 / 0.3).abs() < 1e-9);
    assert!((s.retention_elasticity.se - 1.1 / 0.09 * 0.02).abs() < 1e-5);
    assert!(s.margin_elasticity.se < 1e-6);
    let change = |r: f64| 100.0 * ((r + 0.05) / (1.05 - r) - r / (1.1 - r));
    let slope = (change(0.8 + 1e-6) - change(0.8 - 1e-6)) / 2e-6;
    assert!((s.plus_points.value - change(0.8)).abs() < 1e-9);
    assert!((s.plus_points.se - slope * 0.02).abs() / (slope * 0.02) < 1e-4);
}

#[test]
fn sbg_covariance_propagates() {
    use loyalty::sensitivity::{propagate_inputs, InputUncertainty};
    let mut inputs = ValueInputs::constant(10.0, 0.8, 0.1);
    inputs.retention = RetentionCurve::Sbg {
        alpha: 0.7041,
        beta: 1.1820,
    };
    inputs.convention = ClvConvention::start();
    let cov = [[0.01, 0.005], [0.005, 0.04]];
    let unc = InputUncertainty {
        sbg_covariance: Some(cov),
        ..InputUncertainty::default()
    };
    let e = propagate_inputs(&inputs, &unc, |x| x.value(), Propagation::Delta, 0.95).unwrap();
    // Independent check: gradient of 10·DEL(α, β) by central differences.
    let del = |a: f64, b: f64| 10.0 * sbg::del(a, b, 0.1).unwrap();
    let h = 1e-6;
    let ga = (del(0.7041 + h, 1.1820) - del(0.7041 - h, 1.1820)) / (2.0 * h);
    let gb = (del(0.7041, 1.1820 + h) - del(0.7041, 1.1820 - h)) / (2.0 * h);
    let var = ga * ga * 0.01 + 2.0 * ga * gb * 0.005 + gb * gb * 0.04;
    assert!(
        (e.se - var.sqrt()).abs() / var.sqrt() < 1e-4,
        "{} vs {}",
        e.se,
        var.sqrt()
    );
    let wrong_curve = propagate_inputs(
        &ValueInputs::constant(1.0, 0.5, 0.1),
        &unc,
        |x| x.value(),
        Propagation::Delta,
        0.95,
    );
    assert!(wrong_curve.is_err());
}

#[test]
fn plus_points_on_sbg_caps_rates() {
    // sBG rates (β+t−1)/(α+β+t−1) rise toward 1, so +5 points would pass 1
    // after some periods; the shifted rates are capped at 1 instead.
    let mut inputs = ValueInputs::constant(10.0, 0.5, 0.1);
    inputs.retention = RetentionCurve::Sbg {
        alpha: 0.7041,
        beta: 1.1820,
    };
    let plus = loyalty::sensitivity::plus_points(&inputs, 5.0).unwrap();
    assert!(plus.change > 0.0);
    // Independent sum: rates min(r_t + 0.05, 1), end of period, to 600 periods.
    let mut survival = 1.0;
    let mut value = 0.0;
    for t in 1..600 {
        survival *= (sbg::retention_rate(0.7041, 1.1820, t).unwrap() + 0.05).min(1.0);
        value += 10.0 * survival / 1.1f64.powi(t as i32);
    }
    assert!(
        (plus.new_value - value).abs() < 1e-6,
        "{} vs {value}",
        plus.new_value
    );
}

#[test]
fn value_types_are_send_sync() {
    fn assert_traits<T: Send + Sync + 'static>() {}
    assert_traits::<RetentionCurve>();
    assert_traits::<ValueInputs>();
    assert_traits::<BrandSwitching>();
    assert_traits::<loyalty::value::ProfitBuildup>();
    assert_traits::<loyalty::value::VoiceValue>();
    assert_traits::<loyalty::sensitivity::SensitivityEstimates>();
    assert_traits::<loyalty::sensitivity::ProgramResult>();
}

#[test]
fn long_horizon_shares_match_stepping() {
    // Repeated squaring (above 256 periods) against stepping one period at a time.
    let chain = BrandSwitching::new(
        vec![
            vec![0.8, 0.15, 0.05],
            vec![0.1, 0.85, 0.05],
            vec![0.2, 0.2, 0.6],
        ],
        vec![0.5, 0.3, 0.2],
    )
    .unwrap();
    let mut stepped = chain.shares(256);
    let p = [[0.8, 0.15, 0.05], [0.1, 0.85, 0.05], [0.2, 0.2, 0.6]];
    for _ in 0..44 {
        stepped = (0..3)
            .map(|j| (0..3).map(|i| stepped[i] * p[i][j]).sum())
            .collect();
    }
    let squared = chain.shares(300);
    for (a, b) in stepped.iter().zip(&squared) {
        assert!((a - b).abs() < 1e-12, "{stepped:?} vs {squared:?}");
    }
    let far = chain.shares(1_000_000_000_000);
    let steady = chain.steady_state().unwrap();
    for (a, b) in far.iter().zip(&steady) {
        assert!((a - b).abs() < 1e-9);
    }
}

#[test]
fn huge_horizon_is_an_error_not_an_abort() {
    let convention = loyalty::value::ClvConvention::end().with_horizon(1_000_000_000_000);
    let result = loyalty::value::clv(
        100.0,
        &loyalty::value::RetentionCurve::Constant(0.9),
        0.1,
        &convention,
    );
    assert!(
        matches!(result, Err(loyalty::Error::InvalidParameter { .. })),
        "{result:?}"
    );
}
