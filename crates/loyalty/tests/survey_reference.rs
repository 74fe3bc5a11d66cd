//! Survey indices against the reference values of `tests/reference/survey.json`
//! and the NPS/CSAT cases of `tests/reference/peer-faults.json`. Each case
//! names its source in the JSON file; tolerances are the ones stated there.

use std::path::PathBuf;

use loyalty::survey::{
    compare_nps, nps, nps_from_tally, top_box, CompareMethod, DirichletPrior, Missing, NpsCounts,
    NpsMethod, ScoreTally, ShareMethod, WeightedSe,
};
use loyalty::{Error, Scale};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reference(name: &str) -> Value {
    let path = root().join("tests/reference").join(name);
    let text = std::fs::read_to_string(&path).expect("reference file is bundled");
    serde_json::from_str(&text).expect("reference file is valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn counts_of(v: &Value) -> NpsCounts {
    let c: Vec<u64> = v
        .as_array()
        .expect("counts array")
        .iter()
        .map(|x| x.as_u64().expect("count"))
        .collect();
    NpsCounts::new(c[0], c[1], c[2])
}

fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (tolerance {tol})"
    );
}

/// CUSL3 of the bundled mobi survey (1-10 recommend item).
fn mobi_cusl3() -> Vec<f64> {
    let path = root().join("crates/loyalty-cli/data/survey/mobi.csv");
    let mut reader = csv::Reader::from_path(path).expect("mobi.csv is bundled");
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "CUSL3")
        .expect("CUSL3 column");
    reader
        .records()
        .map(|r| r.unwrap()[col].parse::<f64>().unwrap())
        .collect()
}

#[test]
fn r_nps_package_unit_cases() {
    // brendan-r/NPS tests/testthat/test_01_basics.R: NPS and its SE on -1..1.
    let survey = reference("survey.json");
    let cases = &survey["nps"]["rpkg_NPS_unit_cases"]["cases"];
    for case in cases.as_array().unwrap() {
        let counts = counts_of(&case["counts_D_Pa_P"]);
        let est = nps(&counts, NpsMethod::Wald, 0.95).unwrap();
        assert_close(est.value / 100.0, f(&case["nps"]), 1e-12, "nps");
        assert_close(est.se / 100.0, f(&case["se"]), 1e-12, "se");
    }
    let raw = &survey["nps"]["rpkg_NPS_unit_cases"]["raw_vector_case"];
    let scores: Vec<f64> = raw["scores"].as_array().unwrap().iter().map(f).collect();
    let tally = ScoreTally::from_scores(Scale::nps(), &scores, Missing::Reject).unwrap();
    let est = nps_from_tally(&tally, NpsMethod::Wald, WeightedSe::Kish, 0.95).unwrap();
    assert_close(est.value / 100.0, f(&raw["nps"]), 1e-12, "raw nps");
    assert_close(est.se / 100.0, f(&raw["se_approx"]), 1e-3, "raw se");
}

#[test]
fn mobi_cusl3_intervals() {
    let survey = reference("survey.json");
    let r = &survey["nps"]["mobi_CUSL3_nps"];
    let scale = Scale::new(1.0, 10.0, 1.0).unwrap();
    let tally = ScoreTally::from_scores(scale, &mobi_cusl3(), Missing::Reject).unwrap();
    let counts = tally.nps_counts();
    assert_eq!(counts, counts_of(&r["counts_D_Pa_P"]));

    let wald = nps(&counts, NpsMethod::Wald, 0.95).unwrap();
    let w = &r["wald_95"];
    assert_close(wald.value / 100.0, f(&w["nps"]), 1e-12, "wald nps");
    assert_close(wald.se / 100.0, f(&w["se"]), 1e-12, "wald se");
    assert_close(wald.ci_low / 100.0, f(&w["lo"]), 1e-9, "wald lo");
    assert_close(wald.ci_high / 100.0, f(&w["hi"]), 1e-9, "wald hi");

    let adj = nps(&counts, NpsMethod::AdjustedWald, 0.95).unwrap();
    let a = &r["adjusted_wald_95_(+0.75,+1.5,+0.75)"];
    assert_close(adj.value / 100.0, f(&a["nps"]), 1e-12, "adjusted nps");
    assert_close(adj.se / 100.0, f(&a["se"]), 1e-12, "adjusted se");
    assert_close(adj.ci_low / 100.0, f(&a["lo"]), 1e-9, "adjusted lo");
    assert_close(adj.ci_high / 100.0, f(&a["hi"]), 1e-9, "adjusted hi");

    // NPS::iterative stops its bisection at about 1e-7.
    let tango = nps(&counts, NpsMethod::Tango, 0.95).unwrap();
    let t = &r["tango_score_95_(NPS::iterative)"];
    assert_close(tango.ci_low / 100.0, f(&t["lo"]), 1e-6, "tango lo");
    assert_close(tango.ci_high / 100.0, f(&t["hi"]), 1e-6, "tango hi");

    for (key, prior) in [
        ("dirichlet_uniform_prior", DirichletPrior::Uniform),
        ("dirichlet_jeffreys_prior", DirichletPrior::Jeffreys),
    ] {
        let d = &r[key];
        let method = NpsMethod::Bayes {
            prior,
            draws: 200_000,
            seed: 7,
        };
        let est = nps(&counts, method, 0.95).unwrap();
        assert_close(
            est.value / 100.0,
            f(&d["mean_exact"]),
            1e-12,
            "posterior mean",
        );
        assert_close(est.se / 100.0, f(&d["sd_exact"]), 1e-12, "posterior sd");
        let tol = f(&d["mc_tolerance"]);
        assert_close(est.ci_low / 100.0, f(&d["q025_mc"]), tol, "posterior q025");
        assert_close(est.ci_high / 100.0, f(&d["q975_mc"]), tol, "posterior q975");
    }

    // Percentile bootstrap: RNG-specific, so the file allows about 0.01.
    let b = &r["bootstrap_percentile_95"];
    let est = nps(
        &counts,
        NpsMethod::Bootstrap {
            resamples: 10_000,
            seed: 2024,
        },
        0.95,
    )
    .unwrap();
    assert_close(est.ci_low / 100.0, f(&b["lo"]), 0.01, "bootstrap lo");
    assert_close(est.ci_high / 100.0, f(&b["hi"]), 0.01, "bootstrap hi");
}

#[test]
fn small_n_cases() {
    let survey = reference("survey.json");
    let cases = survey["nps"]["small_n_cases_counts_D_Pa_P"]
        .as_object()
        .unwrap();
    for (label, case) in cases {
        let c: Vec<u64> = label
            .trim_matches(|ch| ch == '(' || ch == ')')
            .split(',')
            .map(|x| x.trim().parse().unwrap())
            .collect();
        let counts = NpsCounts::new(c[0], c[1], c[2]);
        for (key, method) in [
            ("wald", NpsMethod::Wald),
            ("adjusted_wald", NpsMethod::AdjustedWald),
        ] {
            let want = &case[key];
            let est = nps(&counts, method, 0.95).unwrap();
            assert_close(
                est.value / 100.0,
                f(&want["nps"]),
                1e-12,
                &format!("{label} {key} nps"),
            );
            assert_close(
                est.se / 100.0,
                f(&want["se"]),
                1e-12,
                &format!("{label} {key} se"),
            );
            // Intervals are clamped to [-1, 1]; the file lists the raw bounds.
            let lo = f(&want["lo"]).clamp(-1.0, 1.0);
            let hi = f(&want["hi"]).clamp(-1.0, 1.0);
            assert_close(est.ci_low / 100.0, lo, 1e-9, &format!("{label} {key} lo"));
            assert_close(est.ci_high / 100.0, hi, 1e-9, &format!("{label} {key} hi"));
        }
        let tango = nps(&counts, NpsMethod::Tango, 0.95).unwrap();
        assert_close(
            tango.ci_low / 100.0,
            f(&case["tango"]["lo"]),
            1e-6,
            &format!("{label} tango lo"),
        );
        assert_close(
            tango.ci_high / 100.0,
            f(&case["tango"]["hi"]),
            1e-6,
            &format!("{label} tango hi"),
        );
    }
}

#[test]
fn two_sample_comparison() {
    // MeasuringU, "How to statistically compare two Net Promoter Scores".
    let survey = reference("survey.json");
    let r = &survey["nps"]["two_sample_A(20,30,50)_vs_B(30,35,35)"];
    let a = NpsCounts::new(20, 30, 50);
    let b = NpsCounts::new(30, 35, 35);
    for (key, method) in [
        ("wald", CompareMethod::Wald),
        ("adjusted_wald", CompareMethod::AdjustedWald),
    ] {
        let want = &r[key];
        let cmp = compare_nps(&a, &b, method, 0.95).unwrap();
        assert_close(
            cmp.difference.value / 100.0,
            f(&want["diff"]),
            1e-12,
            "diff",
        );
        assert_close(cmp.difference.se / 100.0, f(&want["se"]), 1e-12, "se");
        assert_close(cmp.statistic, f(&want["z"]), 1e-9, "z");
        assert_close(cmp.p_value, f(&want["p_two_sided"]), 1e-9, "p");
        assert_close(cmp.difference.ci_low / 100.0, f(&want["lo"]), 1e-9, "lo");
        assert_close(cmp.difference.ci_high / 100.0, f(&want["hi"]), 1e-9, "hi");
    }
}

#[test]
fn csat_conventions_on_mobi() {
    let survey = reference("survey.json");
    let r = &survey["nps"]["csat_ces_conventions_mobi"];
    let path = root().join("crates/loyalty-cli/data/survey/mobi.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "CUSA1")
        .unwrap();
    let scores: Vec<f64> = reader
        .records()
        .map(|rec| rec.unwrap()[col].parse().unwrap())
        .collect();
    let scale = Scale::new(1.0, 10.0, 1.0).unwrap();
    for (key, cut) in [
        ("CSAT_top2box_CUSA1_(>=9 of 10)", 9.0),
        ("CSAT_top3box_CUSA1_(>=8 of 10)", 8.0),
    ] {
        let t = ScoreTally::from_scores(scale.with_top_box(cut).unwrap(), &scores, Missing::Reject)
            .unwrap();
        let est = top_box(&t, ShareMethod::Wilson, 0.95).unwrap();
        assert_close(est.value, f(&r[key]), 1e-12, key);
    }
    let t = ScoreTally::from_scores(scale, &scores, Missing::Reject).unwrap();
    let mean = loyalty::survey::mean_score(&t, 0.95).unwrap();
    assert_close(mean.value, f(&r["mean_CUSA1"]), 1e-12, "mean CUSA1");
}

fn peer_case<'a>(faults: &'a Value, model: &str, group: &str) -> Vec<&'a Value> {
    faults["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["model"] == model && c["group"] == group)
        .collect()
}

#[test]
fn peer_fault_all_promoters_interval() {
    // measuringu.com NPS confidence intervals: Wald collapses, adjusted Wald does not.
    let faults = reference("peer-faults.json");
    let case = peer_case(&faults, "NPS CI", "degenerate data")[0];
    let input = &case["input"];
    let counts = NpsCounts::new(
        input["detractors"].as_u64().unwrap(),
        input["passives"].as_u64().unwrap(),
        input["promoters"].as_u64().unwrap(),
    );
    let tol = f(&case["tolerance"]["abs_points"]);
    let want = &case["expected"];
    let wald = nps(&counts, NpsMethod::Wald, 0.95).unwrap();
    assert_close(wald.value, f(&want["nps"]), tol, "nps");
    assert_close(
        wald.ci_low,
        f(&want["wald_ci_is_degenerate"][0]),
        tol,
        "wald lo",
    );
    let adj = nps(&counts, NpsMethod::AdjustedWald, 0.95).unwrap();
    assert_close(
        adj.value,
        f(&want["adjusted_wald_center"]),
        tol,
        "adjusted centre",
    );
    assert_close(
        adj.ci_low,
        f(&want["adjusted_wald_ci"][0]),
        tol,
        "adjusted lo",
    );
    assert_close(
        adj.ci_high,
        f(&want["adjusted_wald_ci"][1]),
        tol,
        "adjusted hi",
    );
    // The same kind of fault, mirrored and at other sizes: intervals keep a width.
    for n in [1u64, 3, 50, 1000] {
        for counts in [
            NpsCounts::new(0, 0, n),
            NpsCounts::new(n, 0, 0),
            NpsCounts::new(0, n, 0),
        ] {
            for method in [NpsMethod::AdjustedWald, NpsMethod::Tango] {
                let e = nps(&counts, method, 0.95).unwrap();
                assert!(e.ci_high - e.ci_low > 0.0, "{counts:?} {method:?}: {e:?}");
                assert!(e.ci_low >= -100.0 && e.ci_high <= 100.0);
            }
        }
    }
}

#[test]
fn peer_fault_margin_of_error_convention() {
    // Cross Validated answer 18609: SE on the -1/0/+1 trinomial.
    let faults = reference("peer-faults.json");
    let case = peer_case(&faults, "NPS CI", "statistical convention")[0];
    let input = &case["input"];
    let counts = NpsCounts::new(
        input["detractors"].as_u64().unwrap(),
        input["passives"].as_u64().unwrap(),
        input["promoters"].as_u64().unwrap(),
    );
    let tol = f(&case["tolerance"]["abs_points"]);
    let want = &case["expected"];
    let wald = nps(&counts, NpsMethod::Wald, 0.95).unwrap();
    assert_close(wald.value, f(&want["nps"]), tol, "nps");
    assert_close(wald.se, f(&want["se_points_ddof0"]), tol, "se");
    assert_close(wald.ci_low, f(&want["ci_ddof0"][0]), tol, "lo");
    assert_close(wald.ci_high, f(&want["ci_ddof0"][1]), tol, "hi");
    let adj = nps(&counts, NpsMethod::AdjustedWald, 0.95).unwrap();
    assert_close(
        adj.ci_low,
        f(&want["adjusted_wald_ci"][0]),
        tol,
        "adjusted lo",
    );
    assert_close(
        adj.ci_high,
        f(&want["adjusted_wald_ci"][1]),
        tol,
        "adjusted hi",
    );
}

#[test]
fn peer_fault_fractional_scores() {
    // formbricks PR 9248: fractional scores must not vanish from every category.
    let faults = reference("peer-faults.json");
    let case = peer_case(&faults, "NPS", "input validation")[0];
    let scores: Vec<f64> = case["input"]["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    let strict = ScoreTally::from_scores(Scale::nps(), &scores, Missing::Reject);
    assert!(
        matches!(strict, Err(Error::OutOfRange { index: 0, .. })),
        "{strict:?}"
    );
    let lenient_scale = Scale::new(0.0, 10.0, 0.5).unwrap();
    let tally = ScoreTally::from_scores(lenient_scale, &scores, Missing::Reject).unwrap();
    let counts = tally.nps_counts();
    assert_eq!(counts.n(), tally.n(), "every score falls in one category");
    let est = nps(&counts, NpsMethod::Wald, 0.95).unwrap();
    assert_close(
        est.value,
        f(&case["expected"]["lenient_partition_nps"]),
        1e-12,
        "lenient NPS",
    );
    // Other fractional inputs of the same kind keep the invariant.
    let scale = Scale::new(0.0, 10.0, 0.25).unwrap();
    let more = [0.25, 6.75, 7.0, 8.75, 9.0, 9.5, 10.0, 6.0];
    let t = ScoreTally::from_scores(scale, &more, Missing::Reject).unwrap();
    let c = t.nps_counts();
    assert_eq!(c.n(), more.len() as u64);
    assert_eq!((c.detractors, c.passives, c.promoters), (3, 2, 3));
}

#[test]
fn peer_fault_csat_is_share_satisfied() {
    // freescout 2064 / formbricks PR 7128: CSAT = share of 4-5 ratings on 1-5.
    let faults = reference("peer-faults.json");
    let case = peer_case(&faults, "CSAT", "statistical convention")[0];
    let counts = case["input"]["ratings_5pt_counts"].as_object().unwrap();
    let mut scores = Vec::new();
    for (score, n) in counts {
        let s: f64 = score.parse().unwrap();
        scores.extend(std::iter::repeat_n(s, n.as_u64().unwrap() as usize));
    }
    let scale = Scale::parse("1-5").unwrap().with_top_box_size(2).unwrap();
    let t = ScoreTally::from_scores(scale, &scores, Missing::Reject).unwrap();
    let est = top_box(&t, ShareMethod::Wilson, 0.95).unwrap();
    assert_close(
        100.0 * est.value,
        f(&case["expected"]["csat_top2box_pct"]),
        1e-9,
        "CSAT",
    );
}

#[test]
fn weighted_nps_kish_and_taylor() {
    // Equal weights reproduce the unweighted estimate exactly.
    let scores = [0.0, 7.0, 7.0, 9.0, 9.0, 9.0];
    let unweighted = ScoreTally::from_scores(Scale::nps(), &scores, Missing::Reject).unwrap();
    let equal =
        ScoreTally::from_weighted(Scale::nps(), &scores, &[2.0; 6], Missing::Reject).unwrap();
    let a = nps_from_tally(&unweighted, NpsMethod::Wald, WeightedSe::Kish, 0.95).unwrap();
    let b = nps_from_tally(&equal, NpsMethod::Wald, WeightedSe::Kish, 0.95).unwrap();
    assert_close(a.value, b.value, 1e-12, "value");
    assert_close(a.se, b.se, 1e-12, "kish se");
    assert_close(b.n_effective, 6.0, 1e-12, "kish n");

    // Unequal weights: Kish n = (Σw)²/Σw², and the Taylor SE computed by hand.
    let w = [1.0, 2.0, 1.0, 3.0, 1.0, 2.0];
    let t = ScoreTally::from_weighted(Scale::nps(), &scores, &w, Missing::Reject).unwrap();
    let kish = nps_from_tally(&t, NpsMethod::Wald, WeightedSe::Kish, 0.95).unwrap();
    let sum: f64 = w.iter().sum();
    let sum2: f64 = w.iter().map(|x| x * x).sum();
    assert_close(kish.n_effective, sum * sum / sum2, 1e-12, "kish n");
    let y = [-1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
    let value: f64 = w.iter().zip(&y).map(|(a, b)| a * b).sum::<f64>() / sum;
    assert_close(kish.value / 100.0, value, 1e-12, "weighted value");
    let acc: f64 = w
        .iter()
        .zip(&y)
        .map(|(wi, yi)| wi * wi * (yi - value).powi(2))
        .sum();
    let taylor_se = (6.0 / 5.0 * acc).sqrt() / sum;
    let taylor = nps_from_tally(&t, NpsMethod::Wald, WeightedSe::Taylor, 0.95).unwrap();
    assert_close(taylor.se / 100.0, taylor_se, 1e-12, "taylor se");
    assert!(nps_from_tally(&t, NpsMethod::Tango, WeightedSe::Kish, 0.95).is_err());
}

#[test]
fn tallies_merge_to_the_whole() {
    let scores = mobi_cusl3();
    let scale = Scale::new(1.0, 10.0, 1.0).unwrap();
    let whole = ScoreTally::from_scores(scale, &scores, Missing::Reject).unwrap();
    let mut merged = ScoreTally::new(scale);
    for part in scores.chunks(37) {
        merged
            .merge(&ScoreTally::from_scores(scale, part, Missing::Reject).unwrap())
            .unwrap();
    }
    assert_eq!(whole, merged);
}

#[test]
fn bad_inputs_are_named_errors() {
    assert!(matches!(
        nps(&NpsCounts::default(), NpsMethod::Wald, 0.95),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        nps(&NpsCounts::new(1, 1, 1), NpsMethod::Wald, 1.5),
        Err(Error::InvalidParameter { .. })
    ));
    let err = ScoreTally::from_scores(Scale::nps(), &[3.0, 11.0], Missing::Reject).unwrap_err();
    assert!(err.to_string().contains("scores[1] = 11"), "{err}");
    let err =
        ScoreTally::from_weighted(Scale::nps(), &[3.0], &[1.0, 2.0], Missing::Reject).unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { .. }));
    let err =
        ScoreTally::from_weighted(Scale::nps(), &[3.0], &[-1.0], Missing::Reject).unwrap_err();
    assert!(err.to_string().contains("weights"), "{err}");
    assert!(loyalty::survey::nps_from_counts(1.5, 0.0, 1.0, NpsMethod::Wald, 0.95).is_err());
}
