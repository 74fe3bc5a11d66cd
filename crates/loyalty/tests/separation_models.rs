//! PLS path models and validity checked against independent results:
//! known population values of simulated factor models (consistent PLS),
//! canonical correlation (mode B on two blocks), Tucker's inter-battery
//! factor (mode A on two blocks), and the error contract.

use loyalty::separation::{
    construct_validity, pls_path_model, ConstructSpec, HtmtCorrelations, InnerScheme, ItemRows,
    MissingItems, PathSpec, PlsOptions, ValidityOptions,
};
use loyalty::Error;
use nalgebra::{DMatrix, SymmetricEigen};
use rand_distr::{Distribution, StandardNormal};

fn read_mobi() -> ItemRows<'static> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../loyalty-cli/data/survey/mobi.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut values = Vec::new();
    for r in reader.records() {
        values.extend(r.unwrap().iter().map(|v| v.parse::<f64>().unwrap()));
    }
    ItemRows::from_row_major(names, &values, MissingItems::Reject)
        .unwrap()
        .into_owned()
}

/// Two factors, xi -> eta with coefficient `beta`, three indicators each.
fn simulate(n: usize, beta: f64, seed: u64) -> ItemRows<'static> {
    let mut rng = loyalty::math::seeded_rng(seed);
    let lx = [0.7, 0.8, 0.6];
    let ly = [0.75, 0.65, 0.85];
    let mut values = Vec::with_capacity(n * 6);
    for _ in 0..n {
        let z: f64 = StandardNormal.sample(&mut rng);
        let xi = z;
        let e: f64 = StandardNormal.sample(&mut rng);
        let eta = beta * xi + (1.0 - beta * beta).sqrt() * e;
        for l in lx {
            let u: f64 = StandardNormal.sample(&mut rng);
            values.push(l * xi + (1.0 - l * l).sqrt() * u);
        }
        for l in ly {
            let u: f64 = StandardNormal.sample(&mut rng);
            values.push(l * eta + (1.0 - l * l).sqrt() * u);
        }
    }
    let names = ["x1", "x2", "x3", "y1", "y2", "y3"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    ItemRows::from_row_major(names, &values, MissingItems::Reject)
        .unwrap()
        .into_owned()
}

fn two_factor_spec() -> (Vec<ConstructSpec>, Vec<PathSpec>) {
    (
        vec![
            ConstructSpec::new("Xi", &["x1", "x2", "x3"]),
            ConstructSpec::new("Eta", &["y1", "y2", "y3"]),
        ],
        vec![PathSpec::new("Xi", "Eta")],
    )
}

#[test]
fn consistent_pls_recovers_population_path() {
    // Population path 0.6 with loadings 0.6-0.85: PLS composites attenuate
    // the path, PLSc (Dijkstra and Henseler 2015) removes the attenuation.
    let data = simulate(20_000, 0.6, 42);
    let (constructs, paths) = two_factor_spec();
    let pls = pls_path_model(&data, &constructs, &paths, &PlsOptions::default()).unwrap();
    let plsc = pls_path_model(
        &data,
        &constructs,
        &paths,
        &PlsOptions {
            consistent: true,
            ..PlsOptions::default()
        },
    )
    .unwrap();
    let b_pls = pls.path("Xi", "Eta").unwrap().value;
    let b_plsc = plsc.path("Xi", "Eta").unwrap().value;
    assert!((b_plsc - 0.6).abs() < 0.02, "PLSc path {b_plsc}");
    assert!(b_pls < 0.55, "PLS path should be attenuated, got {b_pls}");
    let truth = [0.7, 0.8, 0.6, 0.75, 0.65, 0.85];
    for (item, l) in plsc.outer.iter().zip(truth) {
        assert!(
            (item.loading - l).abs() < 0.03,
            "{} loading {}",
            item.item,
            item.loading
        );
    }
}

#[test]
fn mode_b_two_blocks_is_canonical_correlation() {
    // With two mode B blocks the PLS fixed point is the first pair of
    // canonical variates (Wold 1985; Tenenhaus et al. 2005, section 2.4), so
    // the path equals the first canonical correlation of the blocks.
    let data = read_mobi();
    let sat = ["CUSA1", "CUSA2", "CUSA3"];
    let loy = ["CUSL1", "CUSL2", "CUSL3"];
    let constructs = vec![
        ConstructSpec::new("Satisfaction", &sat).mode_b(),
        ConstructSpec::new("Loyalty", &loy).mode_b(),
    ];
    let paths = vec![PathSpec::new("Satisfaction", "Loyalty")];
    for scheme in [
        InnerScheme::Centroid,
        InnerScheme::Factorial,
        InnerScheme::Path,
    ] {
        let fit = pls_path_model(
            &data,
            &constructs,
            &paths,
            &PlsOptions {
                scheme,
                ..PlsOptions::default()
            },
        )
        .unwrap();
        let cols: Vec<usize> = sat
            .iter()
            .chain(loy.iter())
            .map(|c| data.column_of(c).unwrap())
            .collect();
        let r = loyalty::separation::ItemMoments::of(&data, &cols, None).correlation();
        let r11 = r.view((0, 0), (3, 3)).into_owned();
        let r12 = r.view((0, 3), (3, 3)).into_owned();
        let r22 = r.view((3, 3), (3, 3)).into_owned();
        let m: DMatrix<f64> = r11.clone().try_inverse().unwrap()
            * &r12
            * r22.try_inverse().unwrap()
            * r12.transpose();
        // m is similar to a symmetric matrix, so its eigenvalues are real.
        let eig = m.complex_eigenvalues();
        let top = eig.iter().map(|c| c.re).fold(f64::MIN, f64::max);
        let got = fit.path("Satisfaction", "Loyalty").unwrap().value;
        assert!(
            (got - top.sqrt()).abs() < 1e-6,
            "{scheme:?}: path {got}, canonical correlation {}",
            top.sqrt()
        );
    }
}

#[test]
fn mode_a_two_blocks_is_inter_battery_factor() {
    // With two mode A blocks the weights are the first singular vectors of
    // the between-block correlation matrix (Tucker's inter-battery factor).
    let data = read_mobi();
    let sat = ["CUSA1", "CUSA2", "CUSA3"];
    let loy = ["CUSL1", "CUSL2", "CUSL3"];
    let constructs = vec![
        ConstructSpec::new("Satisfaction", &sat),
        ConstructSpec::new("Loyalty", &loy),
    ];
    let paths = vec![PathSpec::new("Satisfaction", "Loyalty")];
    let fit = pls_path_model(&data, &constructs, &paths, &PlsOptions::default()).unwrap();
    let cols: Vec<usize> = sat
        .iter()
        .chain(loy.iter())
        .map(|c| data.column_of(c).unwrap())
        .collect();
    let r = loyalty::separation::ItemMoments::of(&data, &cols, None).correlation();
    let r12 = r.view((0, 3), (3, 3)).into_owned();
    let eig = SymmetricEigen::new(&r12 * r12.transpose());
    let k = eig.eigenvalues.imax();
    let u = eig.eigenvectors.column(k).into_owned();
    let w: Vec<f64> = fit.outer.iter().take(3).map(|o| o.weight).collect();
    let ratio: Vec<f64> = (0..3).map(|a| w[a] / u[a]).collect();
    for a in 1..3 {
        assert!(
            (ratio[a] - ratio[0]).abs() < 1e-6 * ratio[0].abs(),
            "weights {w:?} are not proportional to the singular vector {u:?}"
        );
    }
}

#[test]
fn non_convergence_reports_iterations() {
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let paths = vec![PathSpec::new("Satisfaction", "Loyalty")];
    let err = pls_path_model(
        &data,
        &constructs,
        &paths,
        &PlsOptions {
            max_iter: 2,
            tolerance: 1e-15,
            ..PlsOptions::default()
        },
    )
    .unwrap_err();
    match err {
        Error::NotConverged { iterations, .. } => assert_eq!(iterations, 2),
        other => panic!("expected NotConverged, got {other}"),
    }
}

#[test]
fn zero_variance_item_is_rejected() {
    let mut values = Vec::new();
    for i in 0..30 {
        let x = (i % 7) as f64;
        values.extend([x, x + (i % 3) as f64, 5.0, x * 0.5 + (i % 2) as f64]);
    }
    let names = ["a1", "a2", "b1", "b2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let data = ItemRows::from_row_major(names, &values, MissingItems::Reject).unwrap();
    let constructs = vec![
        ConstructSpec::new("A", &["a1", "a2"]),
        ConstructSpec::new("B", &["b1", "b2"]),
    ];
    let paths = vec![PathSpec::new("A", "B")];
    let err = pls_path_model(&data, &constructs, &paths, &PlsOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Degenerate { what, .. } if what.contains("b1")),
        "{err}"
    );
}

#[test]
fn spec_errors_are_typed() {
    let data = read_mobi();
    let ok = vec![
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2"]),
        ConstructSpec::new("Loyalty", &["CUSL1"]),
    ];
    let path = vec![PathSpec::new("Satisfaction", "Loyalty")];
    let empty = vec![
        ConstructSpec::new("Satisfaction", &[]),
        ConstructSpec::new("Loyalty", &["CUSL1"]),
    ];
    assert!(matches!(
        pls_path_model(&data, &empty, &path, &PlsOptions::default()),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        pls_path_model(&data, &ok, &[], &PlsOptions::default()),
        Err(Error::Empty { .. })
    ));
    let unknown_item = vec![
        ConstructSpec::new("Satisfaction", &["CUSA9"]),
        ConstructSpec::new("Loyalty", &["CUSL1"]),
    ];
    let err = pls_path_model(&data, &unknown_item, &path, &PlsOptions::default()).unwrap_err();
    assert!(err.to_string().contains("CUSA9"), "{err}");
    let isolated = vec![
        ConstructSpec::new("Satisfaction", &["CUSA1"]),
        ConstructSpec::new("Loyalty", &["CUSL1"]),
        ConstructSpec::new("Image", &["IMAG1"]),
    ];
    assert!(matches!(
        pls_path_model(&data, &isolated, &path, &PlsOptions::default()),
        Err(Error::InvalidParameter { .. })
    ));
    let one = vec![ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2"])];
    assert!(construct_validity(&data, &one, &[], &ValidityOptions::default()).is_err());
}

#[test]
fn index_and_bootstrap_are_seeded() {
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let paths = vec![PathSpec::new("Satisfaction", "Loyalty")];
    let options = PlsOptions {
        bootstrap: 200,
        seed: 5,
        index_scale: Some((1.0, 10.0)),
        ..PlsOptions::default()
    };
    let a = pls_path_model(&data, &constructs, &paths, &options).unwrap();
    let b = pls_path_model(&data, &constructs, &paths, &options).unwrap();
    assert_eq!(a, b);
    let index = a.index("Satisfaction").unwrap();
    // The index is a weighted mean of item means on 1-10 mapped to 0-100:
    // it lies between the smallest and largest item mean so mapped.
    let means: Vec<f64> = ["CUSA1", "CUSA2", "CUSA3"]
        .iter()
        .map(|c| {
            let k = data.column_of(c).unwrap();
            (0..data.n_rows()).map(|i| data.row(i)[k]).sum::<f64>() / data.n_rows() as f64
        })
        .collect();
    let lo = means.iter().copied().fold(f64::MAX, f64::min);
    let hi = means.iter().copied().fold(f64::MIN, f64::max);
    assert!(index.value >= 100.0 * (lo - 1.0) / 9.0, "{}", index.value);
    assert!(index.value <= 100.0 * (hi - 1.0) / 9.0, "{}", index.value);
    assert_eq!(index.method, "bootstrap_percentile");
    assert!(index.ci_low < index.value);
    assert!(index.value < index.ci_high);
    let weights: f64 = a
        .outer
        .iter()
        .filter(|o| o.construct == "Satisfaction")
        .map(|o| o.weight_unstandardized)
        .sum();
    assert!((weights - 1.0).abs() < 1e-12);
    assert!(a.outer[0].loading_interval.is_some());
    assert_eq!(a.bootstrap.as_ref().unwrap().failed, 0);
}

#[test]
fn low_reliability_is_warned() {
    // mobi's Expectation block has rho_A 0.46 (seminr): its paths get a warning.
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new("Expectation", &["CUEX1", "CUEX2", "CUEX3"]),
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
    ];
    let paths = vec![PathSpec::new("Expectation", "Satisfaction")];
    let fit = pls_path_model(&data, &constructs, &paths, &PlsOptions::default()).unwrap();
    assert!(
        fit.warnings
            .iter()
            .any(|w| w.contains("Expectation") && w.contains("Expectation -> Satisfaction")),
        "{:?}",
        fit.warnings
    );
}

#[test]
fn signed_htmt_differs_where_a_correlation_is_negative() {
    // PERQ2 and CUSL2 correlate at -0.128 on mobi; the signed HTMT of
    // Quality and Loyalty is 0.7234681 (numpy, the formula on raw items).
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new(
            "Quality",
            &[
                "PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7",
            ],
        ),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let signed = construct_validity(
        &data,
        &constructs,
        &[],
        &ValidityOptions {
            correlations: HtmtCorrelations::Signed,
            bootstrap: 100,
            ..ValidityOptions::default()
        },
    )
    .unwrap();
    let pair = signed.pair("Quality", "Loyalty").unwrap();
    assert!((pair.htmt.value - 0.7234681371630801).abs() < 1e-9);
    assert!(pair.htmt2.is_none(), "HTMT2 needs positive correlations");
}

#[test]
fn merged_moments_give_the_full_fit() {
    // Two partitions of mobi summarised apart and merged fit the same model
    // as the whole table.
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new("Image", &["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"]),
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let paths = vec![
        PathSpec::new("Image", "Satisfaction"),
        PathSpec::new("Image", "Loyalty"),
        PathSpec::new("Satisfaction", "Loyalty"),
    ];
    let options = PlsOptions {
        index_scale: Some((1.0, 10.0)),
        ..PlsOptions::default()
    };
    let whole = pls_path_model(&data, &constructs, &paths, &options).unwrap();
    let all: Vec<usize> = (0..data.n_items()).collect();
    let first: Vec<usize> = (0..100).collect();
    let second: Vec<usize> = (100..data.n_rows()).collect();
    let merged = loyalty::separation::ItemMoments::of(&data, &all, Some(&first))
        .merge(&loyalty::separation::ItemMoments::of(
            &data,
            &all,
            Some(&second),
        ))
        .unwrap();
    let from_moments = loyalty::separation::pls_path_model_from_moments(
        &merged,
        data.names(),
        &constructs,
        &paths,
        &options,
    )
    .unwrap();
    for (a, b) in whole.paths.iter().zip(&from_moments.paths) {
        assert!((a.coefficient.value - b.coefficient.value).abs() < 1e-10);
        assert!((a.coefficient.se - b.coefficient.se).abs() < 1e-10);
    }
    let (ia, ib) = (
        whole.index("Loyalty").unwrap(),
        from_moments.index("Loyalty").unwrap(),
    );
    assert!((ia.value - ib.value).abs() < 1e-10);
    let boot = PlsOptions {
        bootstrap: 100,
        ..options
    };
    assert!(loyalty::separation::pls_path_model_from_moments(
        &merged,
        data.names(),
        &constructs,
        &paths,
        &boot
    )
    .is_err());
}

#[test]
fn consistent_pls_warns_on_unreliable_block() {
    // On mobi, Expectation has rho_A = 0.462 (seminr), so PLSc divides its
    // correlations by a small reliability and warns about its paths.
    let data = read_mobi();
    let constructs = vec![
        ConstructSpec::new("Expectation", &["CUEX1", "CUEX2", "CUEX3"]),
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let paths = vec![
        PathSpec::new("Expectation", "Satisfaction"),
        PathSpec::new("Satisfaction", "Loyalty"),
    ];
    let options = PlsOptions {
        consistent: true,
        ..PlsOptions::default()
    };
    let fit = pls_path_model(&data, &constructs, &paths, &options).unwrap();
    assert!(
        fit.warnings
            .iter()
            .any(|w| w.contains("Expectation") && w.contains("unstable")),
        "{:?}",
        fit.warnings
    );
    // With one predecessor the PLSc path is the corrected correlation.
    let plain = pls_path_model(&data, &constructs, &paths, &PlsOptions::default()).unwrap();
    let r = plain.construct_correlations[1][2];
    let rho: Vec<f64> = fit.reliability.iter().map(|r| r.values.rho_a).collect();
    let expected = r / (rho[1] * rho[2]).sqrt();
    let got = fit.path("Satisfaction", "Loyalty").unwrap().value;
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
}
