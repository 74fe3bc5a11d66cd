//! Model cases of `tests/reference/peer-faults.json`: faults that other CLV
//! libraries shipped, each checked together with other inputs of its kind.

use loyalty::models::bgbb::BetaGeoBetaBinom;
use loyalty::models::data::validate;
use loyalty::models::{BetaGeo, FitOptions, ParetoNbd, ShiftedBetaGeometric, Summary, Variant};
use loyalty::Error;
use serde_json::Value;

fn case(model: &str, group: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/reference/peer-faults.json"
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == model && c["group"] == group)
        .unwrap_or_else(|| panic!("no case {model} / {group}"))
        .clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn pareto_nbd_large_frequency_is_finite() {
    // Source: peer-faults.json, lifetimes#25 (mpmath 50-digit values).
    let c = case("Pareto/NBD", "numeric overflow");
    let p = &c["input"]["params"];
    let m = ParetoNbd::new(f(&p["r"]), f(&p["alpha"]), f(&p["s"]), f(&p["beta"])).unwrap();
    for (k, cust) in c["input"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let (x, tx, t) = (f(&cust["x"]), f(&cust["t_x"]), f(&cust["T"]));
        let ll = m.log_likelihood_one(x, tx, t);
        assert!(
            (ll - f(&c["expected"]["loglik"][k])).abs() < 1e-6,
            "loglik {k}: {ll}"
        );
        let pa = m.probability_alive_one(x, tx, t);
        assert!(
            (pa - f(&c["expected"]["p_alive"][k])).abs() < 1e-8,
            "p_alive {k}: {pa}"
        );
    }
}

#[test]
fn pareto_nbd_extreme_rows_stay_finite_both_branches() {
    // Same kind: x up to 20000, alpha above and below beta, recency near 0 and
    // near T. The likelihood must be finite, P(alive) in [0, 1], and the
    // likelihood must match 1-D quadrature of its integral form.
    for &(alpha, beta) in &[(10.58, 11.67), (11.67, 0.5), (0.2, 30.0), (50.0, 50.0)] {
        let m = ParetoNbd::new(0.55, alpha, 0.61, beta).unwrap();
        for &x in &[0.0, 1.0, 50.0, 3000.0, 20000.0] {
            for &(tx, t) in &[
                (0.0, 39.0),
                (1.0, 39.0),
                (38.0, 39.0),
                (39.0, 39.0),
                (300.0, 365.0),
            ] {
                if x == 0.0 && tx > 0.0 {
                    continue;
                }
                let ll = m.log_likelihood_one(x, tx, t);
                assert!(
                    ll.is_finite(),
                    "alpha={alpha} beta={beta} x={x} tx={tx}: {ll}"
                );
                let pa = m.probability_alive_one(x, tx, t);
                assert!((0.0..=1.0).contains(&pa), "p_alive {pa}");
                let quad = pareto_ll_by_quadrature(&m, x, tx, t);
                assert!(
                    (ll - quad).abs() < 1e-6 * (1.0 + ll.abs()),
                    "x={x} tx={tx} alpha={alpha} beta={beta}: {ll} vs {quad}"
                );
            }
        }
    }
}

/// ln L by the integral form `s ∫_{t_x}^{T} (α+y)^-(r+x) (β+y)^-(s+1) dy`
/// for the dropout term, with composite 5-point Gauss-Legendre on a grid
/// refined towards t_x, where the integrand peaks for large x.
fn pareto_ll_by_quadrature(m: &ParetoNbd, x: f64, tx: f64, t: f64) -> f64 {
    use statrs::function::gamma::ln_gamma;
    let (r, alpha, s, beta) = (m.r, m.alpha, m.s, m.beta);
    let c = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
    let alive = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
    let log_integrand = |y: f64| s.ln() - (r + x) * (alpha + y).ln() - (s + 1.0) * (beta + y).ln();
    if tx >= t {
        return c + alive;
    }
    // Integrate exp(log_integrand - peak) with the peak at y = t_x.
    let peak = log_integrand(tx);
    let nodes = [
        -0.906_179_845_938_664,
        -0.538_469_310_105_683,
        0.0,
        0.538_469_310_105_683,
        0.906_179_845_938_664,
    ];
    let weights = [
        0.236_926_885_056_189,
        0.478_628_670_499_366,
        0.568_888_888_888_889,
        0.478_628_670_499_366,
        0.236_926_885_056_189,
    ];
    // Geometric grid from t_x: width of the first panel tiny for large x.
    let mut edges = vec![tx];
    let mut h = (t - tx) * 1e-9;
    while edges.last().unwrap() + h < t {
        edges.push(edges.last().unwrap() + h);
        h *= 1.2;
    }
    edges.push(t);
    let mut sum = 0.0;
    for w in edges.windows(2) {
        let (a, b) = (w[0], w[1]);
        for k in 0..5 {
            let y = 0.5 * (a + b) + 0.5 * (b - a) * nodes[k];
            sum += 0.5 * (b - a) * weights[k] * (log_integrand(y) - peak).exp();
        }
    }
    let dead = peak + sum.ln();
    let m = alive.max(dead);
    c + m + ((alive - m).exp() + (dead - m).exp()).ln()
}

#[test]
fn bgnbd_large_frequency_in_log_space() {
    // Source: peer-faults.json, pymc-marketing#98 (mpmath 50-digit values).
    let c = case("BG/NBD", "numeric overflow");
    let p = &c["input"]["params"];
    let m = BetaGeo::new(
        f(&p["r"]),
        f(&p["alpha"]),
        f(&p["a"]),
        f(&p["b"]),
        Variant::BgNbd,
    )
    .unwrap();
    for (k, cust) in c["input"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let ll = m.log_likelihood_one(f(&cust["x"]), f(&cust["t_x"]), f(&cust["T"]));
        assert!(
            (ll - f(&c["expected"]["loglik"][k])).abs() < 1e-8,
            "loglik {k}: {ll}"
        );
    }
}

#[test]
fn beta_geo_predictions_finite_for_huge_frequency() {
    // Same kind: predictions for x in the tens of thousands, both variants.
    for variant in [Variant::BgNbd, Variant::MbgNbd] {
        let m = BetaGeo::new(0.243, 4.414, 0.793, 2.426, variant).unwrap();
        for &x in &[1000.0, 5000.0, 50000.0] {
            let ll = m.log_likelihood_one(x, 360.0, 365.0);
            let pa = m.probability_alive_one(x, 360.0, 365.0);
            let e = m.expected_purchases_one(52.0, x, 360.0, 365.0);
            assert!(
                ll.is_finite() && pa.is_finite() && e.is_finite(),
                "{variant:?} x={x}: {ll} {pa} {e}"
            );
            // A customer with rate about x/T keeps buying at that rate while alive.
            let rate = (0.243 + x) / (4.414 + 365.0);
            assert!(e <= 52.0 * rate * 1.0001, "E = {e}");
            assert!(e > 0.0, "E = {e}");
        }
    }
}

#[test]
fn bgbb_empty_sum_contributes_nothing() {
    // Source: peer-faults.json, lifetimes#143 (mpmath term-by-term sums).
    let c = case("BG/BB", "numeric overflow");
    let p = &c["input"]["params"];
    let m = BetaGeoBetaBinom::new(
        f(&p["alpha"]),
        f(&p["beta"]),
        f(&p["gamma"]),
        f(&p["delta"]),
    )
    .unwrap();
    for (k, cust) in c["input"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let ll = m.log_likelihood_one(f(&cust["x"]), f(&cust["t_x"]), f(&cust["n"]));
        assert!(
            (ll - f(&c["expected"]["loglik"][k])).abs() < 1e-9,
            "loglik {k}: {ll}"
        );
    }
    // Same kind: every t_x = n pattern for other n is finite, and a fit on
    // data where everyone transacted in the last period runs.
    for n in 1..=30 {
        let ll = m.log_likelihood_one(n as f64, n as f64, n as f64);
        assert!(ll.is_finite(), "n={n}: {ll}");
        assert!(ll < 0.0, "n={n}: {ll}");
    }
}

#[test]
fn p_alive_convention_bgnbd_vs_mbgnbd() {
    // Source: peer-faults.json, lifetimes#239 et al. BG/NBD: exactly 1 for x = 0.
    let c = case("BG/NBD vs MBG/NBD", "degenerate data / convention");
    let p = &c["input"]["params"];
    let bg = BetaGeo::new(
        f(&p["r"]),
        f(&p["alpha"]),
        f(&p["a"]),
        f(&p["b"]),
        Variant::BgNbd,
    )
    .unwrap();
    let mbg = BetaGeo {
        variant: Variant::MbgNbd,
        ..bg
    };
    for (k, cust) in c["input"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let (x, tx, t) = (f(&cust["x"]), f(&cust["t_x"]), f(&cust["T"]));
        assert_eq!(
            bg.probability_alive_one(x, tx, t),
            f(&c["expected"]["bgnbd_p_alive"][k])
        );
        let got = mbg.probability_alive_one(x, tx, t);
        assert!(
            (got - f(&c["expected"]["mbgnbd_p_alive"][k])).abs() < 1e-12,
            "mbg {k}: {got}"
        );
    }
}

#[test]
fn recency_above_t_is_a_named_error() {
    // Source: peer-faults.json, CLVTools#100: recency > T must not give NaN.
    let c = case("Pareto/NBD / BG/NBD", "input validation");
    let rows = c["input"]["customers"].as_array().unwrap();
    let x: Vec<f64> = rows.iter().map(|r| f(&r["x"])).collect();
    let tx: Vec<f64> = rows.iter().map(|r| f(&r["t_x"])).collect();
    let t: Vec<f64> = rows.iter().map(|r| f(&r["T"])).collect();
    let err = validate(&x, &tx, &t).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::InvalidData { .. }), "{err:?}");
    assert!(text.contains("recency > T in rows [0]"), "{text}");
    assert!(text.contains("frequency < 0 in rows [1]"), "{text}");
    // Row 2 (x = 2, t_x = 0) is allowed: same-period repeats, documented.
    assert!(!text.contains("[2]"), "{text}");
    // Every entry point validates: fits and predictions alike.
    assert!(Summary::new(&x, &tx, &t, None).is_err());
    let bg = BetaGeo::new(0.243, 4.414, 0.793, 2.426, Variant::BgNbd).unwrap();
    assert!(bg.probability_alive(&x, &tx, &t).is_err());
    assert!(bg.expected_purchases(10.0, &x, &tx, &t).is_err());
    let pn = ParetoNbd::new(0.55, 10.58, 0.61, 11.67).unwrap();
    assert!(pn.log_likelihood_individual(&x, &tx, &t).is_err());
    // Non-integer frequency and NaN are rejected too.
    assert!(validate(&[1.5], &[2.0], &[3.0]).is_err());
    assert!(validate(&[1.0], &[f64::NAN], &[3.0]).is_err());
}

#[test]
fn sbg_keeps_survivor_term() {
    // Source: peer-faults.json, pymc-marketing PR #32 (own MLE with mpmath).
    let c = case("sBG", "convergence");
    for (key, segment) in [
        ("survivors_regular", "regular"),
        ("survivors_high_end", "high_end"),
    ] {
        let survivors: Vec<f64> = c["input"][key].as_array().unwrap().iter().map(f).collect();
        let fit = ShiftedBetaGeometric::fit_survivors(&survivors, &FitOptions::default()).unwrap();
        let e = &c["expected"][segment];
        assert!(fit.report.converged);
        assert!(fit.report.boundary.is_none());
        assert!(
            (fit.model.alpha - f(&e["alpha"])).abs() < 1e-3,
            "{segment} alpha {}",
            fit.model.alpha
        );
        assert!(
            (fit.model.beta - f(&e["beta"])).abs() < 1e-3,
            "{segment} beta {}",
            fit.model.beta
        );
        assert!(
            (fit.report.log_likelihood - f(&e["loglik"])).abs() < 1e-4,
            "{segment} loglik"
        );
    }
    // Same kind on individual records: expand the regular cohort into durations.
    let survivors: Vec<f64> = c["input"]["survivors_regular"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    let mut durations = Vec::new();
    let mut churned = Vec::new();
    for t in 1..survivors.len() {
        for _ in 0..(survivors[t - 1] - survivors[t]) as usize {
            durations.push(t as f64);
            churned.push(true);
        }
    }
    for _ in 0..*survivors.last().unwrap() as usize {
        durations.push((survivors.len() - 1) as f64);
        churned.push(false);
    }
    let fit =
        ShiftedBetaGeometric::fit_durations(&durations, &churned, &FitOptions::default()).unwrap();
    assert!((fit.model.alpha - f(&c["expected"]["regular"]["alpha"])).abs() < 1e-3);
    assert!((fit.model.beta - f(&c["expected"]["regular"]["beta"])).abs() < 1e-3);
}

#[test]
fn bgnbd_boundary_is_flagged_not_crashed() {
    // Source: peer-faults.json, lifetimes#405 et al.: no dropout evidence.
    let c = case("BG/NBD", "convergence");
    let rows = c["input"]["customers_x_tx_T"].as_array().unwrap();
    let x: Vec<f64> = rows.iter().map(|r| f(&r[0])).collect();
    let tx: Vec<f64> = rows.iter().map(|r| f(&r[1])).collect();
    let t: Vec<f64> = rows.iter().map(|r| f(&r[2])).collect();
    let data = Summary::new(&x, &tx, &t, None).unwrap();
    let fit = BetaGeo::fit(&data, Variant::BgNbd, &FitOptions::default()).unwrap();
    assert!(fit.report.converged, "{:?}", fit.report);
    let advice = fit
        .report
        .boundary
        .clone()
        .expect("boundary must be flagged");
    assert!(advice.contains("dropout"), "{advice}");
    let sup = f(&c["expected"]["sup_loglik"]);
    assert!(
        (fit.report.log_likelihood - sup).abs() < 1e-3,
        "loglik {} vs sup {sup}",
        fit.report.log_likelihood
    );
    for p in fit.model.probability_alive(&x, &tx, &t).unwrap() {
        assert!(p > 0.999, "P(alive) {p}");
    }
    // Along the path to the boundary the likelihood matches the reference.
    for point in c["expected"]["loglik_along_path"].as_array().unwrap() {
        let m = BetaGeo::new(
            f(&c["expected"]["r_at_sup"]),
            f(&c["expected"]["alpha_at_sup"]),
            f(&point["a"]),
            f(&point["b"]),
            Variant::BgNbd,
        )
        .unwrap();
        let ll: f64 = m
            .log_likelihood_individual(&x, &tx, &t)
            .unwrap()
            .iter()
            .sum();
        // The reference maximises over (r, alpha) at each (a, b); at the sup
        // values of r and alpha the likelihood is at most the reference.
        assert!(ll <= f(&point["loglik"]) + 1e-9, "{ll}");
    }
    // Same kind: a larger data set whose repeat buyers all bought at T.
    let mut x2 = Vec::new();
    let mut tx2 = Vec::new();
    let mut t2 = Vec::new();
    for i in 0..200 {
        let age = 10.0 + (i % 40) as f64;
        let xi = (i % 7) as f64;
        x2.push(xi);
        tx2.push(if xi > 0.0 { age } else { 0.0 });
        t2.push(age);
    }
    let data = Summary::new(&x2, &tx2, &t2, None).unwrap();
    let fit = BetaGeo::fit(&data, Variant::BgNbd, &FitOptions::default()).unwrap();
    assert!(fit.report.boundary.is_some(), "{:?}", fit.report);
}
