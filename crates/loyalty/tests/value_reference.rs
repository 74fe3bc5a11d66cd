//! Reference cases of tests/reference/economics.json and the CLV
//! discounting case of tests/reference/peer-faults.json, each with its
//! source and convention.

use loyalty::sensitivity::{
    elasticities, plus_points, retention_elasticity, retention_for_value, ValueInputs,
};
use loyalty::value::{
    clv, clv_berger_nasr, clv_from_cumulative_purchases, clv_from_expected_purchases, clv_multiple,
    discounted_lifetime, earned_growth, markov_value, word_of_mouth_value, BrandSwitching,
    ClvConvention, PeriodLength, RetentionCurve, TimeUnit, Timing, WordOfMouth,
};
use serde_json::Value;

fn reference(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/reference/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect("reference file")).expect("JSON")
}

fn economics(case: &str) -> Value {
    reference("economics.json")[case].clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn fs(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("array").iter().map(fs).collect()
}

#[test]
fn margin_multiple_grid_gupta_lehmann() {
    // Gupta & Lehmann (2003), recomputed: CLV/m = r/(1+i-r), margin at the
    // end of each period, infinite horizon.
    let case = economics("margin_multiple_grid");
    let tol = f(&case["tolerance_abs"]);
    let rates = fs(&case["r"]);
    for (row, i) in fs(&case["i"]).into_iter().enumerate() {
        let expected = fs(&case["multiple_rows_by_i"][row]);
        for (col, &r) in rates.iter().enumerate() {
            let got = clv_multiple(r, i, Timing::End).unwrap();
            assert!(
                (got - expected[col]).abs() < tol,
                "i={i} r={r}: {got} vs {}",
                expected[col]
            );
            let via_clv = clv(1.0, &RetentionCurve::Constant(r), i, &ClvConvention::end()).unwrap();
            assert!((via_clv - got).abs() < 1e-12);
        }
    }
}

#[test]
fn retention_90_to_95_end_of_period() {
    // Reichheld & Sasser (1990), arithmetic recomputed: margin at the end of
    // each period, i = 10%: multiples 4.5 and 6.3333, +40.74%.
    let case = economics("retention_90_to_95")["end_of_period"].clone();
    let i = f(&case["i"]);
    let m90 = clv_multiple(0.9, i, Timing::End).unwrap();
    let m95 = clv_multiple(0.95, i, Timing::End).unwrap();
    assert!((m90 - f(&case["multiple_r90"])).abs() < 1e-4);
    assert!((m95 - f(&case["multiple_r95"])).abs() < 1e-4);
    assert!((100.0 * (m95 / m90 - 1.0) - f(&case["increase_pct"])).abs() < 0.01);
    let plus = plus_points(&ValueInputs::constant(1.0, 0.9, i), 5.0).unwrap();
    assert!((100.0 * plus.relative_change - f(&case["increase_pct"])).abs() < 0.01);
}

#[test]
fn retention_90_to_95_start_of_period() {
    // Same source, margin at the start of each period: m(1+i)/(1+i-r):
    // multiples 5.5 and 7.3333, +33.33%.
    let case = economics("retention_90_to_95")["start_of_period"].clone();
    let i = f(&case["i"]);
    let m90 = clv_multiple(0.9, i, Timing::Start).unwrap();
    let m95 = clv_multiple(0.95, i, Timing::Start).unwrap();
    assert!((m90 - f(&case["multiple_r90"])).abs() < 1e-4);
    assert!((m95 - f(&case["multiple_r95"])).abs() < 1e-4);
    assert!((100.0 * (m95 / m90 - 1.0) - f(&case["increase_pct"])).abs() < 0.01);
    let mut inputs = ValueInputs::constant(1.0, 0.9, i);
    inputs.convention = ClvConvention::start();
    let plus = plus_points(&inputs, 5.0).unwrap();
    assert!((100.0 * plus.relative_change - f(&case["increase_pct"])).abs() < 0.01);
}

#[test]
fn retention_90_to_95_growing_margin() {
    // Same source: m(1+i)/(1+i-r(1+g)); Reichheld's +75% needs g = 8.20% a
    // year at i = 10% (margin at the start of each period). The growth is
    // given to 3 decimals, so the increase is 75% to within 0.5 points.
    let case = economics("retention_90_to_95")["growing_margin"].clone();
    let i = f(&case["i"]);
    let g = f(&case["g_for_75pct"]);
    let convention = ClvConvention::start().with_growth(g);
    let v90 = discounted_lifetime(&RetentionCurve::Constant(0.9), i, &convention).unwrap();
    let v95 = discounted_lifetime(&RetentionCurve::Constant(0.95), i, &convention).unwrap();
    assert!((v90 - 1.1 / (1.1 - 0.9 * (1.0 + g))).abs() < 1e-12);
    assert!(
        (100.0 * (v95 / v90 - 1.0) - 75.0).abs() < 0.5,
        "{}",
        v95 / v90
    );
}

#[test]
fn retention_elasticity_cases() {
    // Derived from CLV = m r/(1+i-r), recomputed: (1+i)/(1+i-r).
    let case = economics("retention_elasticity");
    for c in case["cases"].as_array().unwrap() {
        let (r, i, e) = (f(&c["r"]), f(&c["i"]), f(&c["elasticity"]));
        assert!((retention_elasticity(r, i, Timing::End).unwrap() - e).abs() < 1e-4);
        let analytic = elasticities(&ValueInputs::constant(50.0, r, i)).unwrap();
        assert_eq!(analytic.method, "analytic");
        assert!((analytic.retention - e).abs() < 1e-4);
        // A long finite horizon takes the numeric path and agrees.
        let mut finite = ValueInputs::constant(50.0, r, i);
        finite.convention = ClvConvention::end().with_horizon(5000);
        let numeric = elasticities(&finite).unwrap();
        assert_eq!(numeric.method, "numeric");
        assert!(
            (numeric.retention - e).abs() < 1e-4,
            "{}",
            numeric.retention
        );
        assert!((numeric.discount_rate - analytic.discount_rate).abs() < 1e-4);
    }
}

#[test]
fn sbg_del_derl_fader_hardie_2010() {
    // Fader & Hardie (2010) at the 2007 'regular' fit; DEL counts the first
    // payment undiscounted; DERL(n) for a member with n-1 renewals.
    let case = economics("sbg_del_derl_regular");
    let tol = f(&case["tolerance_abs"]);
    let (alpha, beta, d) = (0.7041, 1.1820, f(&case["discount_rate"]));
    let sbg = RetentionCurve::Sbg { alpha, beta };
    let del = discounted_lifetime(&sbg, d, &ClvConvention::start()).unwrap();
    assert!((del - f(&case["DEL"])).abs() < tol);
    for (k, expected) in fs(&case["DERL_n_1_to_8"]).into_iter().enumerate() {
        let got = loyalty::models::sbg::derl(alpha, beta, d, k).unwrap();
        assert!((got - expected).abs() < tol, "n = {}: {got}", k + 1);
    }
}

#[test]
fn markov_brand_switching_render_stair_hanna() {
    // Render, Stair & Hanna, 13th ed., section 14.3 (grocery stores).
    let case = economics("markov_brand_switching");
    let chain = BrandSwitching::new(
        matrix(&case["transition_rows_from"]),
        fs(&case["initial_shares"]),
    )
    .unwrap();
    for (n, key) in [(1, "shares_period_1"), (2, "shares_period_2")] {
        for (got, want) in chain.shares(n).iter().zip(fs(&case[key])) {
            assert!((got - want).abs() < 1e-9, "period {n}: {got} vs {want}");
        }
    }
    for (got, want) in chain
        .steady_state()
        .unwrap()
        .iter()
        .zip(fs(&case["steady_state"]))
    {
        assert!((got - want).abs() < 1e-6);
    }
    // Flows out of store 1 in period 0: 0.4 × (0.1, 0.1).
    let flows = chain.flows(0);
    assert!((flows[0][1] - 0.04).abs() < 1e-12);
    let net = chain.net_flows(0);
    assert!((net[0].net - (0.41 - 0.4)).abs() < 1e-12);
}

#[test]
fn markov_clv_pfeifer_carraway() {
    // Pfeifer & Carraway (2000): V = (I - P/(1+d))^-1 R, recomputed.
    let case = economics("markov_clv");
    let v = markov_value(
        &matrix(&case["transition"]),
        &fs(&case["reward"]),
        f(&case["discount_rate"]),
    )
    .unwrap();
    for (got, want) in v.iter().zip(fs(&case["value"])) {
        assert!((got - want).abs() < 1e-3, "{got} vs {want}");
    }
}

#[test]
fn berger_nasr_case_1() {
    // Berger & Nasr (1998), case 1, recomputed exactly: yearly contribution
    // at the start of each year, promotion cost mid-year.
    let case = economics("berger_nasr_case1");
    let got = clv_berger_nasr(
        f(&case["gross_contribution"]),
        f(&case["promotion_cost"]),
        f(&case["retention"]),
        f(&case["discount_rate"]),
        case["years"].as_u64().unwrap() as usize,
    )
    .unwrap();
    assert!((got - f(&case["clv"])).abs() < 0.01, "{got}");
}

#[test]
fn word_of_mouth_satmetrix() {
    // Satmetrix word-of-mouth exercise (inputs published), recomputed; a
    // passive's own value is the average LTV (multiple 1).
    let case = economics("word_of_mouth_value");
    let x = &case["inputs"];
    let w = word_of_mouth_value(&WordOfMouth {
        average_ltv: f(&x["average_ltv"]),
        promoter_ltv_multiple: f(&x["promoter_ltv_multiple"]),
        passive_ltv_multiple: 1.0,
        detractor_ltv_multiple: f(&x["detractor_ltv_multiple"]),
        referrals_per_promoter: f(&x["referrals_per_promoter"]),
        negative_comments_per_detractor: f(&x["negative_comments_per_detractor"]),
        referrals_per_new_customer: f(&x["referrals_per_new_customer"]),
        positives_cancelled_per_negative: f(&x["positives_cancelled_per_negative"]),
    })
    .unwrap();
    assert!((w.promoter_value - f(&case["promoter_value"])).abs() < 0.01);
    assert!((w.detractor_value - f(&case["detractor_value"])).abs() < 0.01);
    assert!(
        (w.value_of_converting_detractor_to_promoter
            - f(&case["value_of_converting_detractor_to_promoter"]))
        .abs()
            < 0.01
    );
}

#[test]
fn earned_growth_net_promoter_3() {
    // Reichheld, Darnell & Burns (2021): EGR = NRR + ENC - 100%.
    let case = economics("earned_growth_rate");
    let g = earned_growth(
        f(&case["last_year_revenue"]),
        f(&case["same_customers_this_year"]),
        f(&case["referred_new_customers_revenue"]),
        f(&case["bought_new_customers_revenue"]),
    )
    .unwrap();
    assert!((g.net_revenue_retention - f(&case["net_revenue_retention"])).abs() < 1e-12);
    assert!((g.earned_new_customers - f(&case["earned_new_customers"])).abs() < 1e-12);
    assert!((g.earned_growth_rate - f(&case["earned_growth_rate"])).abs() < 1e-12);
    assert!((g.total_growth - f(&case["total_growth"])).abs() < 1e-12);
}

fn clv_discounting_case() -> Value {
    reference("peer-faults.json")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "CLV discounting")
        .expect("CLV discounting case")
        .clone()
}

#[test]
fn clv_discounting_mean_month() {
    // peer-faults.json, CLV discounting (lifetimes#27, #43, #215, #194, #137;
    // pymc-marketing#2749): E(t) = 0.1 t in days, months of 30.4375 days.
    let case = clv_discounting_case();
    let x = &case["input"];
    let rate = f(&x["purchase_rate_per_day"]);
    let months = x["months"].as_u64().unwrap() as usize;
    let period = PeriodLength {
        period: TimeUnit::Month,
        model_unit: TimeUnit::Day,
    };
    let got = clv_from_expected_purchases(
        |t| rate * t,
        f(&x["margin_per_purchase"]),
        f(&x["monthly_discount"]),
        months,
        period,
    )
    .unwrap();
    let want = f(&case["expected"]["clv_month_30.4375_days"]);
    assert!((got.value - want).abs() < 1e-6, "{}", got.value);
    assert!((got.period_ends[0] - 30.4375).abs() < 1e-12);
    let wrong = f(&case["expected"]["wrong_cumulative_sum"]);
    assert!((got.value - wrong).abs() > 1000.0);
}

#[test]
fn clv_discounting_declared_30_day_month() {
    // Same case: a declared 30-day month gives the second expected value.
    let case = clv_discounting_case();
    let x = &case["input"];
    let period = PeriodLength {
        period: TimeUnit::Days(30.0),
        model_unit: TimeUnit::Day,
    };
    let got = clv_from_expected_purchases(
        |t| 0.1 * t,
        f(&x["margin_per_purchase"]),
        f(&x["monthly_discount"]),
        12,
        period,
    )
    .unwrap();
    assert!((got.value - f(&case["expected"]["clv_if_30_day_convention_declared"])).abs() < 1e-6);
}

#[test]
fn clv_discounting_other_time_units() {
    // The same member described in weeks or years must have the same value:
    // the period length follows the model's time unit (0.7 purchases a week
    // = 0.1 a day; 36.525 a year).
    let months = 24;
    let day = PeriodLength {
        period: TimeUnit::Month,
        model_unit: TimeUnit::Day,
    };
    let week = PeriodLength {
        period: TimeUnit::Month,
        model_unit: TimeUnit::Week,
    };
    let year = PeriodLength {
        period: TimeUnit::Month,
        model_unit: TimeUnit::Year,
    };
    let by_day = clv_from_expected_purchases(|t| 0.1 * t, 7.0, 0.02, months, day)
        .unwrap()
        .value;
    let by_week = clv_from_expected_purchases(|t| 0.7 * t, 7.0, 0.02, months, week)
        .unwrap()
        .value;
    let by_year = clv_from_expected_purchases(|t| 36.525 * t, 7.0, 0.02, months, year)
        .unwrap()
        .value;
    assert!((by_day - by_week).abs() < 1e-9);
    assert!((by_day - by_year).abs() < 1e-9);
    // A saturating E(t) (a member who may churn): each period counts its own
    // increment once; the sum of undiscounted increments is E(t_K) − E(0).
    let e = |t: f64| 5.0 * (1.0 - (-t / 200.0).exp());
    let undiscounted = clv_from_expected_purchases(e, 1.0, 0.0, 12, day).unwrap();
    let total: f64 = undiscounted.purchases.iter().sum();
    assert!((total - e(12.0 * 30.4375)).abs() < 1e-12);
    assert!((undiscounted.value - e(12.0 * 30.4375)).abs() < 1e-12);
}

#[test]
fn clv_discounting_rejects_per_period_input() {
    // A decreasing "cumulative" series is per-period purchases passed by mistake.
    let err = clv_from_cumulative_purchases(&[0.0, 3.0, 2.0, 1.0], 10.0, 0.01).unwrap_err();
    assert_eq!(err.kind(), "InvalidData");
    assert!(err.to_string().contains("cumulative"));
    let bad_unit = PeriodLength {
        period: TimeUnit::Days(0.0),
        model_unit: TimeUnit::Day,
    };
    assert!(clv_from_expected_purchases(|t| t, 1.0, 0.01, 3, bad_unit).is_err());
}

#[test]
fn inverse_target_recovers_reference_retention() {
    // Inverting the margin multiple grid: the retention that gives 4.5 m at
    // i = 10% (end of period) is 0.9.
    let r = retention_for_value(&ValueInputs::constant(10.0, 0.5, 0.1), 45.0).unwrap();
    assert!((r - 0.9).abs() < 1e-9);
}
