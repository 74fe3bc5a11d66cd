//! Key-driver analysis against published values: relaimpo on R's swiss data
//! and the mobi constructs (tests/reference/survey.json, section
//! key_driver), and the driver faults of tests/reference/peer-faults.json.

use std::collections::HashMap;

use loyalty::drivers::{
    key_drivers, key_drivers_from_matrix, shapley, Collinearity, KeyDriverOptions, KeyDrivers,
    Method, Model, SubsetR2,
};
use serde_json::Value;

fn root() -> String {
    format!("{}/../..", env!("CARGO_MANIFEST_DIR"))
}

fn reference(file: &str) -> Value {
    let path = format!("{}/tests/reference/{file}", root());
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Reads a bundled CSV into columns by header name.
fn read_csv(rel: &str) -> HashMap<String, Vec<f64>> {
    let path = format!("{}/crates/loyalty-cli/data/{rel}", root());
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut cols: HashMap<String, Vec<f64>> = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        for (h, cell) in headers.iter().zip(record.iter()) {
            cols.entry(h.clone())
                .or_default()
                .push(cell.parse().unwrap_or(f64::NAN));
        }
    }
    cols
}

fn analyse(cols: &HashMap<String, Vec<f64>>, y: &str, xs: &[String]) -> KeyDrivers {
    let mut names: Vec<&str> = vec![y];
    names.extend(xs.iter().map(String::as_str));
    let columns: Vec<&[f64]> = names.iter().map(|n| cols[*n].as_slice()).collect();
    key_drivers(&names, &columns, None, &KeyDriverOptions::default()).unwrap()
}

/// mobi construct scores: unweighted means of each construct's items.
fn mobi_constructs() -> HashMap<String, Vec<f64>> {
    let raw = read_csv("survey/mobi.csv");
    let mut cols = HashMap::new();
    for (name, items) in [
        ("IMAG", 5),
        ("CUEX", 3),
        ("PERQ", 7),
        ("PERV", 2),
        ("CUSA", 3),
    ] {
        let n = raw["CUSL3"].len();
        let mean: Vec<f64> = (0..n)
            .map(|i| {
                (1..=items)
                    .map(|k| raw[&format!("{name}{k}")][i])
                    .sum::<f64>()
                    / items as f64
            })
            .collect();
        cols.insert(name.to_string(), mean);
    }
    cols.insert("CUSL3".into(), raw["CUSL3"].clone());
    cols
}

const TOL: f64 = 1e-9;

fn check_named(label: &str, got: &[f64], xs: &[String], expected: &Value, scale: f64) {
    for (j, x) in xs.iter().enumerate() {
        let want = expected[x].as_f64().unwrap() * scale;
        assert!(
            (got[j] - want).abs() < TOL * scale.max(1.0),
            "{label} {x}: got {} want {want}",
            got[j]
        );
    }
}

fn values(r: &KeyDrivers, m: Method) -> Vec<f64> {
    r.method(m)
        .unwrap()
        .values
        .iter()
        .map(|e| e.value)
        .collect()
}

/// Checks one key_driver case of survey.json: relaimpo's calc.relimp
/// (lmg, last, first, betasq, pratt), the R dominanceanalysis package
/// (conditional and complete dominance) and Johnson's relative weights
/// (R rwa / relativeImp), as compiled in the file.
fn check_case(case: &Value, cols: &HashMap<String, Vec<f64>>) {
    let y = case["y"].as_str().unwrap();
    let xs: Vec<String> = case["X"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let r = analyse(cols, y, &xs);
    assert_eq!(r.n, case["n"].as_f64().unwrap());
    assert!((r.r_squared.value - case["r2"].as_f64().unwrap()).abs() < TOL);
    check_named(
        "lmg",
        &values(&r, Method::Lmg),
        &xs,
        &case["dominance"]["lmg"],
        1.0,
    );
    check_named(
        "first",
        &values(&r, Method::First),
        &xs,
        &case["first"],
        1.0,
    );
    check_named("last", &values(&r, Method::Last), &xs, &case["last"], 1.0);
    check_named(
        "betasq",
        &values(&r, Method::BetaSquared),
        &xs,
        &case["betasq"],
        1.0,
    );
    check_named(
        "pratt",
        &values(&r, Method::Pratt),
        &xs,
        &case["pratt"],
        1.0,
    );
    let rw = &case["johnson_relative_weights"];
    check_named(
        "relative weights",
        &values(&r, Method::RelativeWeights),
        &xs,
        &rw["raw"],
        1.0,
    );
    let shares: Vec<f64> = r.method(Method::RelativeWeights).unwrap().shares.clone();
    check_named(
        "relative weight shares",
        &shares,
        &xs,
        &rw["rescaled_pct"],
        0.01,
    );
    let dom = r.dominance.as_ref().unwrap();
    for (j, x) in xs.iter().enumerate() {
        let want = case["dominance"]["conditional_dominance"][x]
            .as_array()
            .unwrap();
        for (s, w) in want.iter().enumerate() {
            let w = w.as_f64().unwrap();
            assert!(
                (dom.conditional[j][s] - w).abs() < TOL,
                "conditional {x} size {s}: {} vs {w}",
                dom.conditional[j][s]
            );
        }
        for (k, other) in xs.iter().enumerate() {
            let want = case["dominance"]["complete_dominance"][x][other].as_f64();
            assert_eq!(
                dom.complete[j][k], want,
                "complete dominance {x} over {other}"
            );
        }
    }
}

#[test]
fn swiss_matches_relaimpo() {
    let case = &reference("survey.json")["key_driver"]["swiss_relaimpo_classic"];
    check_case(case, &read_csv("survey/swiss.csv"));
}

#[test]
fn mobi_constructs_match_relaimpo() {
    let case = &reference("survey.json")["key_driver"]["mobi_constructs_to_CUSL3"];
    check_case(case, &mobi_constructs());
}

#[test]
fn shapley_worked_example() {
    // peer-faults.json, "Shapley / LMG": displayr.com/shapley-value-regression/.
    let faults = reference("peer-faults.json");
    let case = faults["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == "Shapley / LMG")
        .unwrap();
    let table = case["input"]["r2_by_subset"].as_object().unwrap();
    let names = ["A", "B", "C"];
    let mut values = vec![0.0; 8];
    for (key, v) in table {
        let mask = key
            .chars()
            .map(|c| 1usize << names.iter().position(|n| n.starts_with(c)).unwrap())
            .sum::<usize>();
        values[mask] = v.as_f64().unwrap();
    }
    let s = shapley(&SubsetR2::from_values(3, values).unwrap());
    let tol = case["tolerance"]["abs"].as_f64().unwrap();
    for (j, n) in names.iter().enumerate() {
        let want = case["expected"][n].as_f64().unwrap();
        assert!((s[j] - want).abs() < tol, "{n}: {} vs {want}", s[j]);
    }
}

#[test]
fn non_psd_matrix_is_an_error() {
    // peer-faults.json: dominance-analysis issue 19, pairwise-deletion matrix.
    let faults = reference("peer-faults.json");
    let case = faults["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["group"] == "input validation"
                && c["model"].as_str().unwrap().contains("correlation matrix")
        })
        .unwrap();
    let rows = case["input"]["corr_matrix_order_y_x1_x2"]
        .as_array()
        .unwrap();
    let matrix: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
        .collect();
    let err = key_drivers_from_matrix(
        &matrix,
        100.0,
        &["y", "x1", "x2"],
        &KeyDriverOptions::default(),
    )
    .unwrap_err();
    let want = case["expected"]["min_eigenvalue"].as_f64().unwrap();
    match &err {
        loyalty::Error::NotPositiveSemidefinite { min_eigenvalue, .. } => {
            assert!((min_eigenvalue - want).abs() < 1e-9, "{min_eigenvalue}")
        }
        other => panic!("expected NotPositiveSemidefinite, got {other}"),
    }
    assert!(err.to_string().contains("-2.357"), "{err}");
}

/// Random non-PSD correlation matrices of the same kind (pairwise-deletion
/// style: strong correlations with the outcome, negative between drivers)
/// are all rejected, and PSD ones never give R-squared above 1.
#[test]
fn non_psd_kind_is_always_rejected() {
    for step in 0..40 {
        let r = 0.5 + step as f64 * 0.012; // outcome correlations 0.5..0.98
        let s = -0.6 + step as f64 * 0.03; // driver correlation -0.6..0.57
        let matrix = [1.0, r, r, r, 1.0, s, r, s, 1.0];
        let min_eig = {
            // Eigenvalues of this matrix: 1 - s, and the two roots of
            // (1 - l)(1 + s - l) = 2 r^2.
            let a = 1.0;
            let b = 1.0 + s;
            let disc = ((a - b) * (a - b) + 8.0 * r * r).sqrt();
            ((a + b - disc) / 2.0).min(1.0 - s)
        };
        let result = key_drivers_from_matrix(
            &matrix,
            50.0,
            &["y", "a", "b"],
            &KeyDriverOptions::default(),
        );
        if min_eig < -1e-9 {
            let err = result.unwrap_err();
            assert_eq!(err.kind(), "NotPositiveSemidefinite", "r {r} s {s}");
        } else {
            let k = result.unwrap();
            assert!(
                k.r_squared.value <= 1.0,
                "r {r} s {s}: {}",
                k.r_squared.value
            );
        }
    }
}

#[test]
fn rescaling_a_driver_changes_nothing() {
    let cols = read_csv("survey/swiss.csv");
    let xs: Vec<String> = [
        "Agriculture",
        "Examination",
        "Education",
        "Catholic",
        "Infant.Mortality",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let base = analyse(&cols, "Fertility", &xs);
    for factor in [1e9, 1e-9, -3.0] {
        let mut scaled = cols.clone();
        for x in &xs[..2] {
            scaled.insert(
                x.clone(),
                cols[x].iter().map(|v| (v + 1000.0) * factor).collect(),
            );
        }
        let r = analyse(&scaled, "Fertility", &xs);
        for m in Method::ALL {
            for (a, b) in values(&base, m).iter().zip(values(&r, m)) {
                assert!(
                    (a - b).abs() < 1e-9,
                    "{} factor {factor}: {a} vs {b}",
                    m.name()
                );
            }
        }
    }
}

#[test]
fn duplicates_split_equally() {
    let mut cols = read_csv("survey/swiss.csv");
    let copy: Vec<f64> = cols["Education"].iter().map(|v| -2.0 * v + 5.0).collect();
    cols.insert("Education copy".into(), copy);
    let xs: Vec<String> = ["Agriculture", "Education", "Catholic", "Education copy"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = analyse(&cols, "Fertility", &xs);
    assert_eq!(r.collinear, vec!["Education copy".to_string()]);
    assert!(r.r_squared.value <= 1.0);
    let without = analyse(&cols, "Fertility", &xs[..3]);
    assert!((r.r_squared.value - without.r_squared.value).abs() < 1e-10);
    for m in [
        Method::Lmg,
        Method::RelativeWeights,
        Method::Pratt,
        Method::First,
    ] {
        let v = values(&r, m);
        assert!(
            (v[1] - v[3]).abs() < 1e-10,
            "{}: {} vs {}",
            m.name(),
            v[1],
            v[3]
        );
    }
    // The pair shares the importance the single driver had under LMG.
    let lmg = values(&r, Method::Lmg);
    let total: f64 = lmg.iter().sum();
    assert!((total - r.r_squared.value).abs() < 1e-10);
    let d = r.dominance.as_ref().unwrap();
    assert_eq!(d.complete[1][3], Some(0.5));
    // The error rule names the duplicate.
    let names = [
        "Fertility",
        "Agriculture",
        "Education",
        "Catholic",
        "Education copy",
    ];
    let columns: Vec<&[f64]> = names.iter().map(|n| cols[*n].as_slice()).collect();
    let opts = KeyDriverOptions {
        collinearity: Collinearity::Error,
        ..Default::default()
    };
    let err = key_drivers(&names, &columns, None, &opts).unwrap_err();
    assert_eq!(err.kind(), "Degenerate");
    assert!(err.to_string().contains("Education copy"), "{err}");
}

#[test]
fn constant_driver_is_named() {
    let cols = read_csv("survey/swiss.csv");
    let constant = vec![7.0; 47];
    let names = ["Fertility", "Agriculture", "flat"];
    let columns: Vec<&[f64]> = vec![&cols["Fertility"], &cols["Agriculture"], &constant];
    let err = key_drivers(&names, &columns, None, &KeyDriverOptions::default()).unwrap_err();
    assert_eq!(err.kind(), "Degenerate");
    assert!(err.to_string().contains("\"flat\""), "{err}");
}

#[test]
fn listwise_deletion_is_reported() {
    let mut cols = read_csv("survey/swiss.csv");
    cols.get_mut("Education").unwrap()[3] = f64::NAN;
    cols.get_mut("Fertility").unwrap()[10] = f64::NAN;
    let xs: Vec<String> = ["Agriculture", "Education"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = analyse(&cols, "Fertility", &xs);
    assert_eq!(r.n, 45.0);
    assert_eq!(r.n_missing, 2.0);
    assert_eq!(r.method(Method::Lmg).unwrap().values[0].n_missing, 2.0);
}

#[test]
fn matrix_input_matches_raw_data() {
    let cols = read_csv("survey/swiss.csv");
    let names = [
        "Fertility",
        "Agriculture",
        "Examination",
        "Education",
        "Catholic",
        "Infant.Mortality",
    ];
    let xs: Vec<String> = names[1..].iter().map(|s| s.to_string()).collect();
    let raw = analyse(&cols, "Fertility", &xs);
    // Covariance matrix (n - 1 divisor) computed here by two passes.
    let k = names.len();
    let means: Vec<f64> = names
        .iter()
        .map(|n| cols[*n].iter().sum::<f64>() / 47.0)
        .collect();
    let mut cov = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            cov[a * k + b] = (0..47)
                .map(|i| (cols[names[a]][i] - means[a]) * (cols[names[b]][i] - means[b]))
                .sum::<f64>()
                / 46.0;
        }
    }
    let m = key_drivers_from_matrix(&cov, 47.0, &names, &KeyDriverOptions::default()).unwrap();
    for method in Method::ALL {
        for (a, b) in values(&raw, method).iter().zip(values(&m, method)) {
            assert!((a - b).abs() < 1e-10, "{}: {a} vs {b}", method.name());
        }
    }
}

#[test]
fn bootstrap_intervals_cover_and_repeat() {
    let cols = read_csv("survey/swiss.csv");
    let names = ["Fertility", "Agriculture", "Examination", "Education"];
    let columns: Vec<&[f64]> = names.iter().map(|n| cols[*n].as_slice()).collect();
    let opts = KeyDriverOptions {
        bootstrap: 200,
        seed: 11,
        ..Default::default()
    };
    let a = key_drivers(&names, &columns, None, &opts).unwrap();
    let b = key_drivers(&names, &columns, None, &opts).unwrap();
    assert_eq!(a, b);
    for m in &a.importance {
        for e in &m.values {
            assert!(e.ci_low <= e.ci_high, "{}", m.method.name());
            assert!(e.se > 0.0);
            assert!(e.se.is_finite());
            assert_eq!(e.method, "percentile_bootstrap");
        }
    }
    let cmp = a.compare(Method::Lmg, "Education", "Agriculture").unwrap();
    assert!(cmp.difference.value > 0.0);
    assert!((0.0..=1.0).contains(&cmp.p_value));
    let err = analyse(
        &cols,
        "Fertility",
        &["Agriculture".to_string(), "Education".to_string()],
    )
    .compare(Method::Lmg, "Education", "Agriculture")
    .unwrap_err();
    assert_eq!(err.kind(), "Empty");
}

#[test]
fn sampling_above_exact_limit_reports_error() {
    let cols = read_csv("survey/swiss.csv");
    let names = [
        "Fertility",
        "Agriculture",
        "Examination",
        "Education",
        "Catholic",
        "Infant.Mortality",
    ];
    let columns: Vec<&[f64]> = names.iter().map(|n| cols[*n].as_slice()).collect();
    let opts = KeyDriverOptions {
        exact_limit: 3,
        permutations: 20_000,
        seed: 5,
        ..Default::default()
    };
    let r = key_drivers(&names, &columns, None, &opts).unwrap();
    assert!(!r.exact);
    assert!(r.dominance.is_none());
    let case =
        &reference("survey.json")["key_driver"]["swiss_relaimpo_classic"]["dominance"]["lmg"];
    for (j, x) in names[1..].iter().enumerate() {
        let e = &r.method(Method::Lmg).unwrap().values[j];
        let want = case[*x].as_f64().unwrap();
        assert_eq!(e.method, "monte_carlo_permutation");
        assert!(e.se > 0.0, "{x} se {}", e.se);
        assert!(e.se < 0.005, "{x} se {}", e.se);
        assert!(
            (e.value - want).abs() < 5.0 * e.se,
            "{x}: {} vs {want}",
            e.value
        );
    }
}

#[test]
fn logistic_on_hr_attrition() {
    let path = format!(
        "{}/crates/loyalty-cli/data/churn/ibm_hr_attrition.csv",
        root()
    );
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let level = |s: &str| match s {
        "Low" => 1.0,
        "Medium" => 2.0,
        "High" => 3.0,
        "Very_High" => 4.0,
        other => panic!("{other}"),
    };
    let items = [
        "EnvironmentSatisfaction",
        "JobSatisfaction",
        "RelationshipSatisfaction",
    ];
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 4];
    for rec in reader.records() {
        let rec = rec.unwrap();
        let get = |h: &str| rec[headers.iter().position(|x| x == h).unwrap()].to_string();
        cols[0].push(if get("Attrition") == "Yes" { 1.0 } else { 0.0 });
        for (k, item) in items.iter().enumerate() {
            cols[k + 1].push(level(&get(item)));
        }
    }
    let names = ["Attrition", items[0], items[1], items[2]];
    let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let opts = KeyDriverOptions {
        model: Model::Logistic,
        ..Default::default()
    };
    let r = key_drivers(&names, &columns, None, &opts).unwrap();
    let lmg = values(&r, Method::Lmg);
    let total: f64 = lmg.iter().sum();
    assert!((total - r.r_squared.value).abs() < 1e-10);
    assert!(r.r_squared.value > 0.0);
    assert!(r.r_squared.value < 0.1);
    assert!(r.method(Method::Pratt).is_none());
    assert!(values(&r, Method::First).iter().all(|v| *v > 0.0));
}

#[test]
fn single_driver_lmg_is_squared_correlation() {
    let cols = read_csv("survey/swiss.csv");
    let r = analyse(&cols, "Fertility", &["Education".to_string()]);
    let first = values(&r, Method::First)[0];
    assert!((values(&r, Method::Lmg)[0] - first).abs() < 1e-12);
    assert!((r.r_squared.value - first).abs() < 1e-12);
    // swiss.json: the first-order R2 of Education is 0.44061564672392334.
    assert!((first - 0.44061564672392334).abs() < TOL);
    assert_eq!(r.dominance.as_ref().unwrap().complete, vec![vec![None]]);
}

#[test]
fn merged_partitions_match_whole_data() {
    use loyalty::drivers::{key_drivers_from_moments, Missing, Moments};
    let cols = read_csv("survey/swiss.csv");
    let names = ["Fertility", "Agriculture", "Examination", "Education"];
    let whole: Vec<&[f64]> = names.iter().map(|n| cols[*n].as_slice()).collect();
    let first_half: Vec<&[f64]> = names.iter().map(|n| &cols[*n][..20]).collect();
    let second_half: Vec<&[f64]> = names.iter().map(|n| &cols[*n][20..]).collect();
    let mut merged = Moments::from_columns(&names, &first_half, None, Missing::Listwise).unwrap();
    let right = Moments::from_columns(&names, &second_half, None, Missing::Listwise).unwrap();
    merged.merge(&right).unwrap();
    let a = key_drivers(&names, &whole, None, &KeyDriverOptions::default()).unwrap();
    let b = key_drivers_from_moments(&merged, &names, &KeyDriverOptions::default()).unwrap();
    assert_eq!(b.n, 47.0);
    for m in Method::ALL {
        for (x, y) in values(&a, m).iter().zip(values(&b, m)) {
            assert!((x - y).abs() < 1e-12, "{}: {x} vs {y}", m.name());
        }
    }
}
