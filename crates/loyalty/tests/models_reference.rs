//! Reference cases of `tests/reference/clv.json` on the bundled real data.

use loyalty::models::{BetaGeo, FitOptions, Summary, Variant};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/clv.json");
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
    let c = columns("cdnow/cdnow_customers_summary.csv", &["frequency", "recency", "T"]);
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
        close_rel(se[i], f(&case["standard_errors"][name]), 1e-2, &format!("se {name}"));
    }
    // Log-likelihood SUM: absolute 1e-2.
    close_abs(fit.report.log_likelihood, f(&case["log_likelihood_sum"]), 1e-2, "loglik");
    let p = &case["params"];
    let model = BetaGeo::new(f(&p["r"]), f(&p["alpha"]), f(&p["a"]), f(&p["b"]), variant).unwrap();
    for row in case["per_customer"].as_array().unwrap() {
        let i = row_of(row["ID"].as_u64().unwrap());
        let (xi, txi, ti) = (x[i], tx[i], t[i]);
        // Per-customer predictions at the stated parameters: relative 1e-4.
        close_rel(model.probability_alive_one(xi, txi, ti), f(&row["p_alive"]), 1e-4, "p_alive");
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
    let model = BetaGeo::new(f(&p["r"]), f(&p["alpha"]), f(&p["a"]), f(&p["b"]), Variant::BgNbd).unwrap();
    let ts = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    let expected = &r["published"]["bgnbd_cdnow_hardie_excel"]["E[X(t)] at t=[0.1429,1,3,31.8571,32,78]"];
    for (k, &t) in ts.iter().enumerate() {
        close_abs(model.expected_purchases_new_customer(t).unwrap(), f(&expected[k]), 1e-3, "E[X(t)]");
    }
}
