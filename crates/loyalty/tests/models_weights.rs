//! Weights count customers: a weighted fit equals the fit on the expanded
//! rows, and compression does not change the likelihood.

use loyalty::models::{BetaGeo, BetaGeoBetaBinom, FitOptions, Summary, Variant};

fn donations() -> Vec<[f64; 4]> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../loyalty-cli/data/donations/donations.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [0, 1, 2, 3].map(|i| r[i].parse::<f64>().unwrap())
        })
        .collect()
}

#[test]
fn bgbb_weights_equal_expanded_rows() {
    let rows = donations();
    let col = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
    let weighted = BetaGeoBetaBinom::fit(
        &col(0),
        &col(1),
        &col(2),
        Some(&col(3)),
        &FitOptions::default(),
    )
    .unwrap();
    let mut x = Vec::new();
    let mut tx = Vec::new();
    let mut n = Vec::new();
    for r in &rows {
        for _ in 0..r[3] as usize {
            x.push(r[0]);
            tx.push(r[1]);
            n.push(r[2]);
        }
    }
    let expanded = BetaGeoBetaBinom::fit(&x, &tx, &n, None, &FitOptions::default()).unwrap();
    for i in 0..4 {
        let (a, b) = (weighted.report.params[i], expanded.report.params[i]);
        assert!(((a - b) / a).abs() < 1e-6, "param {i}: {a} vs {b}");
    }
    assert!((weighted.report.log_likelihood - expanded.report.log_likelihood).abs() < 1e-6);
    assert_eq!(expanded.report.n, 11104.0);
}

#[test]
fn bgnbd_doubled_weights_double_loglik() {
    let x = [2.0, 1.0, 0.0, 0.0, 5.0, 3.0, 0.0, 1.0, 7.0, 2.0];
    let tx = [30.4, 1.7, 0.0, 0.0, 35.0, 12.0, 0.0, 20.0, 38.0, 5.0];
    let t = [38.9; 10];
    let once = Summary::new(&x, &tx, &t, None).unwrap();
    let twice = Summary::new(&x, &tx, &t, Some(&[2.0; 10])).unwrap();
    // Rows 2, 3 and 6 are identical and merge into one row of weight 3.
    assert_eq!(once.len(), 8);
    let a = BetaGeo::fit(&once, Variant::BgNbd, &FitOptions::default()).unwrap();
    let b = BetaGeo::fit(&twice, Variant::BgNbd, &FitOptions::default()).unwrap();
    assert!((2.0 * a.report.log_likelihood - b.report.log_likelihood).abs() < 1e-8);
    for i in 0..4 {
        let (p, q) = (a.report.params[i], b.report.params[i]);
        assert!(((p - q) / p).abs() < 1e-5, "param {i}: {p} vs {q}");
    }
    // Standard errors shrink by sqrt(2) with twice the customers.
    let (sa, sb) = (
        a.report.standard_errors.unwrap(),
        b.report.standard_errors.unwrap(),
    );
    for i in 0..4 {
        assert!(
            (sa[i] / sb[i] - 2f64.sqrt()).abs() < 1e-3,
            "se {i}: {} vs {}",
            sa[i],
            sb[i]
        );
    }
}
