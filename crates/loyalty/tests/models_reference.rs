//! Reference cases of `tests/reference/clv.json` on the bundled real data.

use loyalty::models::{
    BetaGeo, BetaGeoBetaBinom, FitOptions, GammaGamma, ParetoNbd, ShiftedBetaGeometric, Summary,
    Variant,
};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/reference/clv.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn data_path(rel: &str) -> String {
    format!("{}/../loyalty-cli/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Reads named numeric columns of a CSV file.
fn columns(rel: &str, names: &[&str]) -> Vec<Vec<f64>> {
    let mut reader = csv::Reader::from_path(data_path(rel)).unwrap();
    let headers = reader.headers().unwrap().clone();
    let idx: Vec<usize> = names
        .iter()
        .map(|n| headers.iter().position(|h| h == *n).unwrap())
        .collect();
    let mut out = vec![Vec::new(); names.len()];
    for record in reader.records() {
        let record = record.unwrap();
        for (k, &i) in idx.iter().enumerate() {
            out[k].push(record[i].parse::<f64>().unwrap());
        }
    }
    out
}

fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let c = columns(
        "cdnow/cdnow_customers_summary.csv",
        &["frequency", "recency", "T"],
    );
    (c[0].clone(), c[1].clone(), c[2].clone())
}

fn close_rel(got: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        ((got - expected) / expected).abs() < tol,
        "{what}: got {got}, expected {expected} (relative tolerance {tol})"
    );
}

fn close_abs(got: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (got - expected).abs() < tol,
        "{what}: got {got}, expected {expected} (absolute tolerance {tol})"
    );
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Row index of a CDNOW customer ID (IDs are 1-based and in order).
fn row_of(id: u64) -> usize {
    id as usize - 1
}

fn check_beta_geo(case: &str, variant: Variant) {
    let reference = reference();
    let case = &reference[case];
    let (x, tx, t) = cdnow();
    let data = Summary::new(&x, &tx, &t, None).unwrap();
    let fit = BetaGeo::fit(&data, variant, &FitOptions::default()).unwrap();
    assert!(fit.report.converged, "{:?}", fit.report);
    assert!(fit.report.boundary.is_none(), "{:?}", fit.report.boundary);
    let se = fit.report.standard_errors.clone().unwrap();
    for (i, name) in ["r", "alpha", "a", "b"].iter().enumerate() {
        // clv.json tolerances: parameters relative 1e-3.
        close_rel(fit.report.params[i], f(&case["params"][name]), 1e-3, name);
        // Standard errors from lifetimes' numerical Hessian: relative 1e-2.
        close_rel(
            se[i],
            f(&case["standard_errors"][name]),
            1e-2,
            &format!("se {name}"),
        );
    }
    // Log-likelihood SUM: absolute 1e-2.
    close_abs(
        fit.report.log_likelihood,
        f(&case["log_likelihood_sum"]),
        1e-2,
        "loglik",
    );
    let p = &case["params"];
    let model = BetaGeo::new(f(&p["r"]), f(&p["alpha"]), f(&p["a"]), f(&p["b"]), variant).unwrap();
    for row in case["per_customer"].as_array().unwrap() {
        let i = row_of(row["ID"].as_u64().unwrap());
        let (xi, txi, ti) = (x[i], tx[i], t[i]);
        // Per-customer predictions at the stated parameters: relative 1e-4.
        close_rel(
            model.probability_alive_one(xi, txi, ti),
            f(&row["p_alive"]),
            1e-4,
            "p_alive",
        );
        close_rel(
            model.expected_purchases_one(39.0, xi, txi, ti),
            f(&row["cond_exp_purchases_t39"]),
            1e-4,
            "E[Y(39)]",
        );
        close_rel(
            model.expected_purchases_one(52.0, xi, txi, ti),
            f(&row["cond_exp_purchases_t52"]),
            1e-4,
            "E[Y(52)]",
        );
    }
}

#[test]
fn bgnbd_cdnow_matches_lifetimes() {
    // Source: clv.json bgnbd_cdnow (Fader, Hardie & Lee 2005; lifetimes 0.11.3 refit).
    check_beta_geo("bgnbd_cdnow", Variant::BgNbd);
}

#[test]
fn mbgnbd_cdnow_matches_btydplus() {
    // Source: clv.json mbgnbd_cdnow (Batislam et al. 2007; lifetimes and BTYDplus).
    check_beta_geo("mbgnbd_cdnow", Variant::MbgNbd);
}

#[test]
fn bgnbd_unconditional_matches_hardie_sheet() {
    // Source: clv.json published.bgnbd_cdnow_hardie_excel (Hardie's BG/NBD sheet as
    // quoted in lifetimes tests), at the bgnbd_cdnow fit; 4 decimals published.
    let r = reference();
    let p = &r["bgnbd_cdnow"]["params"];
    let model = BetaGeo::new(
        f(&p["r"]),
        f(&p["alpha"]),
        f(&p["a"]),
        f(&p["b"]),
        Variant::BgNbd,
    )
    .unwrap();
    let ts = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    let expected =
        &r["published"]["bgnbd_cdnow_hardie_excel"]["E[X(t)] at t=[0.1429,1,3,31.8571,32,78]"];
    for (k, &t) in ts.iter().enumerate() {
        close_abs(
            model.expected_purchases_new_customer(t).unwrap(),
            f(&expected[k]),
            1e-3,
            "E[X(t)]",
        );
    }
}

#[test]
fn pareto_nbd_cdnow_matches_references() {
    // Source: clv.json pareto_nbd_cdnow (Schmittlein et al. 1987 via Fader-Hardie;
    // lifetimes 0.11.3 and CLVTools refits). Parameters relative 1e-2, loglik 1e-2.
    let reference = reference();
    let case = &reference["pareto_nbd_cdnow"];
    let (x, tx, t) = cdnow();
    let data = Summary::new(&x, &tx, &t, None).unwrap();
    let fit = ParetoNbd::fit(&data, &FitOptions::default()).unwrap();
    assert!(fit.report.converged, "{:?}", fit.report);
    for (i, name) in ["r", "alpha", "s", "beta"].iter().enumerate() {
        close_rel(fit.report.params[i], f(&case["params"][name]), 1e-2, name);
    }
    close_abs(
        fit.report.log_likelihood,
        f(&case["log_likelihood_sum"]),
        1e-2,
        "loglik",
    );
    // CLVTools' own standard errors (clv.json published.pareto_nbd_cdnow); the
    // surface is flat in beta, so compare within 5%.
    let se = fit.report.standard_errors.clone().unwrap();
    let clv = &reference["published"]["pareto_nbd_cdnow"]["CLVTools_own_estimate"]["se"];
    for (i, name) in ["r", "alpha", "s", "beta"].iter().enumerate() {
        close_rel(se[i], f(&clv[name]), 5e-2, &format!("se {name}"));
    }
    let p = &case["params"];
    let model = ParetoNbd::new(f(&p["r"]), f(&p["alpha"]), f(&p["s"]), f(&p["beta"])).unwrap();
    for row in case["per_customer"].as_array().unwrap() {
        let i = row_of(row["ID"].as_u64().unwrap());
        let (xi, txi, ti) = (x[i], tx[i], t[i]);
        close_rel(
            model.probability_alive_one(xi, txi, ti),
            f(&row["p_alive"]),
            1e-4,
            "p_alive",
        );
        close_rel(
            model.expected_purchases_one(39.0, xi, txi, ti),
            f(&row["cond_exp_purchases_t39"]),
            1e-4,
            "E[Y(39)]",
        );
        close_rel(
            model.expected_purchases_one(52.0, xi, txi, ti),
            f(&row["cond_exp_purchases_t52"]),
            1e-4,
            "E[Y(52)]",
        );
    }
    // At the BTYD walkthrough parameters 0.5534, 10.5802, 0.6061, 11.6562.
    let published = &case["at_published_params_0.5534_10.5802_0.6061_11.6562"];
    let m = ParetoNbd::new(0.5534, 10.5802, 0.6061, 11.6562).unwrap();
    let ll: f64 = (0..x.len())
        .map(|i| m.log_likelihood_one(x[i], tx[i], t[i]))
        .sum();
    close_abs(ll, f(&published["ll_sum"]), 1e-2, "loglik at published");
    close_rel(
        m.probability_alive_one(26.0, 30.86, 31.0),
        f(&published["p_alive(x=26,t_x=30.86,T=31)"]),
        1e-4,
        "p_alive published",
    );
    close_rel(
        m.expected_purchases_one(52.0, 26.0, 30.86, 31.0),
        f(&published["cond_exp(t=52,x=26,t_x=30.86,T=31)"]),
        1e-4,
        "E[Y(52)] published",
    );
    close_rel(
        m.expected_purchases_one(39.0, 2.0, 30.43, 38.86),
        f(&published["cond_exp(t=39,x=2,t_x=30.43,T=38.86)"]),
        1e-4,
        "E[Y(39)] published",
    );
    // BTYD walkthrough E[X(t)], t = 1..9, quoted to 8 digits.
    let walk = &reference["published"]["pareto_nbd_cdnow"]["R_BTYD_walkthrough"]["E[X(t)] t=0..9"];
    for k in 1..10 {
        close_rel(
            m.expected_purchases_new_customer(k as f64).unwrap(),
            f(&walk[k]),
            // lifetimes compares with atol 0.01: the walkthrough's own fit differs slightly.
            1e-2,
            "E[X(t)] walkthrough",
        );
    }
}

#[test]
fn gamma_gamma_cdnow_matches_fader_hardie() {
    // Source: clv.json gamma_gamma_cdnow (Fader & Hardie 2013 note; lifetimes refit).
    let reference = reference();
    let case = &reference["gamma_gamma_cdnow"];
    let c = columns(
        "cdnow/cdnow_customers_summary_with_transactions.csv",
        &["x", "zbar"],
    );
    let fit = GammaGamma::fit(&c[0], &c[1], None, &FitOptions::default()).unwrap();
    assert!(fit.report.converged, "{:?}", fit.report);
    assert_eq!(fit.report.n, 946.0);
    let se = fit.report.standard_errors.clone().unwrap();
    for (i, name) in ["p", "q", "v"].iter().enumerate() {
        close_rel(fit.report.params[i], f(&case["params"][name]), 1e-3, name);
        close_rel(
            se[i],
            f(&case["standard_errors"][name]),
            1e-2,
            &format!("se {name}"),
        );
    }
    close_abs(
        fit.report.log_likelihood,
        f(&case["log_likelihood_sum"]),
        1e-2,
        "loglik",
    );
    let p = &case["params"];
    let model = GammaGamma::new(f(&p["p"]), f(&p["q"]), f(&p["v"])).unwrap();
    for row in case["conditional_expected_average_profit"]
        .as_array()
        .unwrap()
    {
        let got = model
            .expected_spend(&[f(&row["frequency"])], &[f(&row["monetary_value"])])
            .unwrap()[0];
        close_rel(got, f(&row["E[M]"]), 1e-4, "E[M]");
    }
    // Hardie's sheet, first 10 customers to 2 decimals.
    let published = &reference["published"]["gamma_gamma_cdnow_FH2013"]["E[M] first 10 customers"];
    let spend = model.expected_spend(&c[0][..10], &c[1][..10]).unwrap();
    for k in 0..10 {
        close_abs(spend[k], f(&published[k]), 0.01, "E[M] sheet");
    }
}

#[test]
fn bgbb_donations_matches_fader_hardie_shang() {
    // Source: clv.json bgbb_donations (Fader, Hardie & Shang 2010; lifetimes refit).
    let reference = reference();
    let case = &reference["bgbb_donations"];
    let c = columns(
        "donations/donations.csv",
        &["frequency", "recency", "periods", "weights"],
    );
    let fit =
        BetaGeoBetaBinom::fit(&c[0], &c[1], &c[2], Some(&c[3]), &FitOptions::default()).unwrap();
    assert!(fit.report.converged);
    assert_eq!(fit.report.n, 11104.0);
    let se = fit.report.standard_errors.clone().unwrap();
    for (i, name) in ["alpha", "beta", "gamma", "delta"].iter().enumerate() {
        close_rel(fit.report.params[i], f(&case["params"][name]), 1e-3, name);
        close_rel(
            se[i],
            f(&case["standard_errors"][name]),
            1e-2,
            &format!("se {name}"),
        );
    }
    close_abs(
        fit.report.log_likelihood,
        f(&case["log_likelihood_sum"]),
        1e-2,
        "loglik",
    );
    let p = &case["params"];
    let model = BetaGeoBetaBinom::new(
        f(&p["alpha"]),
        f(&p["beta"]),
        f(&p["gamma"]),
        f(&p["delta"]),
    )
    .unwrap();
    for row in case["per_pattern"].as_array().unwrap() {
        let (x, tx, n) = (f(&row["frequency"]), f(&row["recency"]), f(&row["periods"]));
        close_rel(
            model.probability_alive_one(1.0, x, tx, n),
            f(&row["p_alive_next_period(m=1)"]),
            1e-4,
            "p_alive",
        );
        close_rel(
            model.expected_purchases_one(5.0, x, tx, n),
            f(&row["cond_exp_next_5_periods"]),
            1e-4,
            "E[X(n, n+5)]",
        );
    }
    // FHS 2010 Table 6 and Hardie's sheet, at the published parameters.
    let published = &reference["published"]["bgbb_donations_FHS2010"];
    let m = BetaGeoBetaBinom::new(1.204, 0.75, 0.657, 2.783).unwrap();
    let alive = &published["P(alive in 2002) (x,t_x)=(0,0),(2,4),(6,6)"];
    for (k, (x, tx)) in [(0.0, 0.0), (2.0, 4.0), (6.0, 6.0)].iter().enumerate() {
        close_abs(
            m.probability_alive_one(1.0, *x, *tx, 6.0),
            f(&alive[k]),
            0.005,
            "P(alive 2002)",
        );
    }
    // The sheet's total is at the unrounded fit.
    let total: f64 = (0..c[0].len())
        .map(|i| c[3][i] * model.expected_purchases_one(5.0, c[0][i], c[1][i], c[2][i]))
        .sum();
    close_abs(
        total,
        f(&published["sum_weighted_E[X(n,n+5)|...]"]),
        0.5,
        "sum E[X(n,n+5)]",
    );
    let counts = &published["E[#customers with x=0 and x=6 in first 6 periods]"];
    close_abs(
        11104.0 * model.probability_of_n_purchases(0, 6.0).unwrap(),
        f(&counts[0]),
        0.5,
        "P(X=0)",
    );
    close_abs(
        11104.0 * model.probability_of_n_purchases(6, 6.0).unwrap(),
        f(&counts[1]),
        0.5,
        "P(X=6)",
    );
}

#[test]
fn sbg_fader_hardie_2007_fit() {
    // Source: clv.json sbg_fh2007 (Fader & Hardie 2007, regular segment, years 0-7).
    let reference = reference();
    let case = &reference["sbg_fh2007"]["regular"];
    let survivors: Vec<f64> = case["survivors_year0_to_12"].as_array().unwrap()[..8]
        .iter()
        .map(f)
        .collect();
    let fit = ShiftedBetaGeometric::fit_survivors(&survivors, &FitOptions::default()).unwrap();
    assert!(fit.report.converged);
    close_rel(fit.model.alpha, f(&case["alpha"]), 1e-3, "alpha");
    close_rel(fit.model.beta, f(&case["beta"]), 1e-3, "beta");
    close_abs(
        fit.report.log_likelihood,
        f(&case["log_likelihood_sum"]),
        1e-2,
        "loglik",
    );
    let curve = fit.model.survival_curve(12).unwrap();
    for (t, v) in case["projected_survivors_0_to_12"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        close_rel(1000.0 * curve[t], f(v), 1e-3, "projected survivors");
    }
    close_rel(
        fit.model.del(0.1).unwrap(),
        f(&case["DEL_d0.10"]),
        1e-3,
        "DEL",
    );
    for (n, v) in case["DERL_d0.10_by_n"].as_object().unwrap() {
        let n: usize = n.parse().unwrap();
        close_rel(fit.model.derl(0.1, n - 1).unwrap(), f(v), 1e-3, "DERL");
    }
    let high = &reference["sbg_fh2007"]["highend_published"];
    let survivors: Vec<f64> = high["survivors_year0_to_7"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    let fit = ShiftedBetaGeometric::fit_survivors(&survivors, &FitOptions::default()).unwrap();
    close_abs(fit.model.alpha, f(&high["alpha"]), 1e-3, "alpha high end");
    close_abs(fit.model.beta, f(&high["beta"]), 1e-3, "beta high end");
}

#[test]
fn sbg_bundled_file_matches_reference() {
    // The bundled sbg/fh2007_survival.csv holds the same survivors as clv.json.
    let c = columns("sbg/fh2007_survival.csv", &["regular", "high_end"]);
    let fit = ShiftedBetaGeometric::fit_survivors(&c[0][..8], &FitOptions::default()).unwrap();
    // Source: clv.json sbg_fh2007.regular alpha, beta.
    close_rel(fit.model.alpha, 0.7040773340189852, 1e-3, "alpha");
    close_rel(fit.model.beta, 1.1820431111502465, 1e-3, "beta");
}

#[test]
fn pareto_probability_of_n_is_a_distribution() {
    // Internal consistency: Σ_n P(X(t) = n) = 1 and Σ_n n P(X(t) = n) equals
    // the closed-form E[X(t)], at the BTYD walkthrough parameters.
    let m = ParetoNbd::new(0.5534, 10.5802, 0.6061, 11.6562).unwrap();
    for t in [1.0, 39.0, 78.0] {
        let probs: Vec<f64> = (0..400)
            .map(|n| m.probability_of_n_purchases(n, t).unwrap())
            .collect();
        let total: f64 = probs.iter().sum();
        let mean: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
        close_abs(total, 1.0, 1e-9, "sum of P(X(t) = n)");
        close_rel(
            mean,
            m.expected_purchases_new_customer(t).unwrap(),
            1e-7,
            "mean of P(X(t) = n)",
        );
    }
}

#[test]
fn bgbb_dert_equals_discounted_period_sum() {
    // Fader, Hardie & Shang (2010) eq. 14 against the sum it closes: the
    // customer transacts at opportunity n + k when alive then, with
    // E[Y(n+k) | x, t_x, n] = B(α+x+1, β+n-x)/B(α,β) · B(γ, δ+n+k)/B(γ,δ) / L.
    // The Beta functions here come from statrs, not from the model.
    use statrs::function::gamma::ln_gamma;
    let ln_beta = |a: f64, b: f64| ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    let (a, b, g, d) = (1.204, 0.75, 0.657, 2.783);
    let m = BetaGeoBetaBinom::new(a, b, g, d).unwrap();

    for &(x, t_x, n) in &[
        (0.0, 0.0, 6.0),
        (2.0, 4.0, 6.0),
        (6.0, 6.0, 6.0),
        (3.0, 11.0, 14.0),
    ] {
        let ll = m.log_likelihood_one(x, t_x, n);
        let in_period = |k: f64| {
            (ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b) + ln_beta(g, d + n + k)
                - ln_beta(g, d)
                - ll)
                .exp()
        };
        // The per-period terms add up to eq. 13 over the next five periods.
        let five: f64 = (1..=5).map(|k| in_period(f64::from(k))).sum();
        close_rel(
            m.expected_purchases_one(5.0, x, t_x, n),
            five,
            1e-10,
            "E[X(n, n+5)]",
        );
        for rate in [0.05, 0.1, 0.5] {
            let sum: f64 = (1..=3000)
                .map(|k| in_period(f64::from(k)) / (1.0f64 + rate).powi(k))
                .sum();
            close_rel(m.dert_one(rate, x, t_x, n), sum, 1e-9, "DERT");
        }
    }

    let dert = m.dert(0.1, &[0.0, 6.0], &[0.0, 6.0], &[6.0, 6.0]).unwrap();
    assert!(dert[1] > dert[0]);
    assert!(m.dert(0.0, &[1.0], &[1.0], &[6.0]).is_err());
    assert!(m.dert(0.1, &[7.0], &[6.0], &[6.0]).is_err());
}
