//! Retention estimates against the reference cases of tests/reference
//! (economics.json `kaplan_meier_small`, the Kaplan-Meier faults of
//! peer-faults.json) and against properties that any input must keep.

use loyalty::retention::{log_rank_by_group, CohortTable, KaplanMeier, Period, RiskTable};
use serde_json::Value;

fn reference(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/reference/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect("reference file")).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn flags(v: &Value) -> Vec<bool> {
    numbers(v).iter().map(|&x| x == 1.0).collect()
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

fn peer_case(model: &str, group: &str) -> Value {
    reference("peer-faults.json")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["model"] == model && c["group"] == group)
        .cloned()
        .expect("case present")
}

#[test]
fn kaplan_meier_small_matches_economics_reference() {
    // economics.json kaplan_meier_small: statsmodels SurvfuncRight and
    // lifelines 0.30.3 KaplanMeierFitter agree; tolerance 1e-4 as stated.
    let case = &reference("economics.json")["kaplan_meier_small"];
    let tol = case["tolerance_abs"].as_f64().unwrap();
    let km = KaplanMeier::fit(
        &numbers(&case["durations"]),
        Some(&flags(&case["events"])),
        None,
        0.95,
    )
    .unwrap();
    for (t, s) in case["survival"].as_object().unwrap() {
        let t: f64 = t.parse().unwrap();
        let got = km.survival_at(t);
        assert!((got - s.as_f64().unwrap()).abs() < tol, "S({t}) = {got}");
    }
    for (t, ci) in case["ci95_log_log"].as_object().unwrap() {
        let t: f64 = t.parse().unwrap();
        let est = km.estimate_at(t).unwrap();
        let ci = numbers(ci);
        // The reference rounds the bounds to 3 or 4 decimals.
        assert!(
            (est.ci_low - ci[0]).abs() < 5e-4,
            "ci_low({t}) = {}",
            est.ci_low
        );
        assert!(
            (est.ci_high - ci[1]).abs() < 5e-4,
            "ci_high({t}) = {}",
            est.ci_high
        );
    }
    assert_eq!(km.median().time, case["median"].as_f64());
}

#[test]
fn late_entrant_after_empty_risk_set() {
    // peer-faults.json: lifelines PR #1075 (late entry after all others died).
    let case = peer_case("Kaplan-Meier (left truncation)", "degenerate data");
    let input = &case["input"];
    let tol = case["tolerance"]["abs"].as_f64().unwrap();
    let km = KaplanMeier::fit(
        &numbers(&input["durations"]),
        Some(&flags(&input["events"])),
        Some(&numbers(&input["entry"])),
        0.95,
    )
    .unwrap();
    for (t, s) in case["expected"]["S"].as_object().unwrap() {
        let t: f64 = t.parse().unwrap();
        assert!(
            (km.survival_at(t) - s.as_f64().unwrap()).abs() < tol,
            "S({t})"
        );
    }
    for row in &km.rows {
        for v in [row.survival, row.se, row.ci_low, row.ci_high] {
            assert!(v.is_finite(), "NaN or infinite in {row:?}");
        }
    }
}

#[test]
fn entrants_at_event_time_are_not_at_risk() {
    // peer-faults.json: lifelines#497, statsmodels PR #3126 (risk set
    // {entry < t <= duration}, as R's survival).
    let case = peer_case("Kaplan-Meier (left truncation)", "statistical convention");
    let input = &case["input"];
    let expected = &case["expected"];
    let tol = case["tolerance"]["abs"].as_f64().unwrap();
    let km = KaplanMeier::fit(
        &numbers(&input["durations"]),
        Some(&flags(&input["events"])),
        Some(&numbers(&input["entry"])),
        0.95,
    )
    .unwrap();
    for (key, s) in expected["S"].as_object().unwrap() {
        let t: f64 = key.parse().unwrap();
        let row = km.rows.iter().find(|r| r.time == t).unwrap();
        assert!((row.survival - s.as_f64().unwrap()).abs() < tol, "S({t})");
        assert_eq!(
            row.at_risk as f64,
            expected["at_risk"][key].as_f64().unwrap(),
            "at risk at {t}"
        );
        let se = expected["greenwood_se"][key].as_f64().unwrap();
        assert!((row.se - se).abs() < tol, "Greenwood se at {t}: {}", row.se);
    }
    let wrong = expected["wrong_if_entrant_counted_S1"].as_f64().unwrap();
    assert!((km.survival_at(1.0) - wrong).abs() > 0.05);
}

#[test]
fn entry_not_before_exit_is_rejected() {
    // Rule of the same peer-faults cases: entry >= exit is an error, also
    // when entry equals exit.
    for (d, x) in [(vec![2.0, 3.0], vec![2.0, 0.0]), (vec![1.0], vec![4.0])] {
        let err = KaplanMeier::fit(&d, None, Some(&x), 0.95).unwrap_err();
        assert_eq!(err.kind(), "InvalidData", "{err}");
    }
}

#[test]
fn emptied_risk_set_stays_at_zero() {
    // The whole kind of lifelines PR #1075: the risk set empties, then
    // entrants arrive with events and censorings, leaving gaps.
    let d = [1.0, 1.0, 4.0, 6.0, 6.5, 9.0, 12.0];
    let e = [true, true, true, false, true, true, false];
    let x = [0.0, 0.0, 2.0, 5.0, 5.5, 8.0, 10.0];
    let km = KaplanMeier::fit(&d, Some(&e), Some(&x), 0.95).unwrap();
    for row in &km.rows {
        assert_eq!(row.survival, 0.0, "{row:?}");
        assert!(row.ci_low.is_finite(), "{row:?}");
        assert!(row.ci_high.is_finite(), "{row:?}");
    }
    assert_eq!(km.median().time, Some(1.0));
}

#[test]
fn risk_set_rule_holds_for_every_row() {
    // Brute-force count of {entry < t <= exit} against the table.
    let d = [3.0, 5.0, 5.0, 2.0, 8.0, 8.0, 4.0, 6.0, 7.0, 5.0];
    let e = [
        true, false, true, true, true, false, false, true, true, true,
    ];
    let x = [0.0, 3.0, 1.0, 0.0, 5.0, 2.0, 2.0, 5.0, 4.0, 0.0];
    let km = KaplanMeier::fit(&d, Some(&e), Some(&x), 0.95).unwrap();
    for row in &km.rows {
        let brute = d
            .iter()
            .zip(&x)
            .filter(|(&di, &xi)| xi < row.time && row.time <= di)
            .count() as u64;
        assert_eq!(row.at_risk, brute, "at risk at {}", row.time);
    }
}

#[test]
fn merged_partitions_give_same_curve() {
    let d: Vec<f64> = (0..200).map(|i| ((i * 37) % 23) as f64 + 1.0).collect();
    let e: Vec<bool> = (0..200).map(|i| i % 3 != 0).collect();
    let x: Vec<f64> = (0..200).map(|i| ((i * 11) % 5) as f64 * 0.2).collect();
    let whole = KaplanMeier::fit(&d, Some(&e), Some(&x), 0.95).unwrap();
    let mut merged = RiskTable::new();
    for chunk in (0..200).collect::<Vec<usize>>().chunks(37) {
        let part = RiskTable::from_durations(
            &chunk.iter().map(|&i| d[i]).collect::<Vec<_>>(),
            Some(&chunk.iter().map(|&i| e[i]).collect::<Vec<_>>()),
            Some(&chunk.iter().map(|&i| x[i]).collect::<Vec<_>>()),
        )
        .unwrap();
        merged.merge(&part);
    }
    assert_eq!(KaplanMeier::from_table(&merged, 0.95).unwrap(), whole);
}

#[test]
fn log_rank_matches_survdiff_on_aml() {
    // R survival: survdiff(Surv(time, status) ~ x, data = aml) prints
    // observed 7 and 11, expected 10.69 and 7.31, Chisq = 3.4 on 1 df,
    // p = 0.07 (Therneau, documentation of the survival package);
    // lifelines 0.30.3 logrank_test gives 3.3963886989776024 and
    // p = 0.0653393220405049 on the same data.
    let maintained = [
        9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0,
    ];
    let maintained_status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0];
    let nonmaintained = [
        5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0,
    ];
    let nonmaintained_status = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1];
    let mut d = maintained.to_vec();
    d.extend(nonmaintained);
    let e: Vec<bool> = maintained_status
        .iter()
        .chain(&nonmaintained_status)
        .map(|&s| s == 1)
        .collect();
    let g: Vec<usize> = (0..d.len()).map(|i| usize::from(i >= 11)).collect();
    let test = log_rank_by_group(&d, Some(&e), None, &g).unwrap();
    assert!(
        (test.expected[0] - 10.69).abs() < 0.005,
        "{:?}",
        test.expected
    );
    assert!((test.expected[1] - 7.31).abs() < 0.005);
    assert_eq!(test.observed, vec![7.0, 11.0]);
    assert!(
        (test.statistic - 3.3963886989776024).abs() < 1e-9,
        "{}",
        test.statistic
    );
    assert!(
        (test.p_value - 0.0653393220405049).abs() < 1e-9,
        "{}",
        test.p_value
    );
}

#[test]
fn cohort_unobservable_cells_are_none() {
    // Cohort-table rule: right-censored cells are excluded, while real 0 %
    // cells stay 0 and count in the averages.
    let starts = [
        date("2024-01-05"),
        date("2024-01-20"),
        date("2024-02-10"),
        date("2024-02-11"),
        date("2024-03-03"),
    ];
    let ends = [
        Some(date("2024-02-15")),
        None,
        Some(date("2024-02-20")),
        Some(date("2024-03-01")),
        None,
    ];
    let t = CohortTable::build(
        &[1, 2, 3, 4, 5],
        &starts,
        &ends,
        Period::Month,
        date("2024-03-31"),
    )
    .unwrap();
    let (jan, feb, mar) = (&t.cohorts[0], &t.cohorts[1], &t.cohorts[2]);
    assert_eq!((jan.label.as_str(), jan.size()), ("2024-01", 2));
    assert_eq!(jan.retained(1), Some(2));
    assert_eq!(jan.retained(2), Some(1));
    assert_eq!(jan.retained(3), None);
    // Both February members left by 1 March: a real 0 %.
    assert_eq!(feb.share(1), Some(0.0));
    assert_eq!(feb.share(2), None);
    assert_eq!(mar.share(1), None);

    let avg = t.average_retention();
    // Period 1: January 2 of 2, February 0 of 2.
    assert_eq!(avg[1].cohorts, 2);
    assert!((avg[1].weighted - 0.5).abs() < 1e-15);
    assert!((avg[1].unweighted - 0.5).abs() < 1e-15);
    // Period 2: only January has reached it.
    assert_eq!(avg[2].cohorts, 1);
    assert!((avg[2].weighted - 0.5).abs() < 1e-15);
}

#[test]
fn cohort_averages_weighted_and_unweighted_differ() {
    // January: 1 of 1 retained at period 1; February: 1 of 3.
    let starts = [
        date("2024-01-01"),
        date("2024-02-01"),
        date("2024-02-02"),
        date("2024-02-03"),
    ];
    let ends = [
        None,
        None,
        Some(date("2024-02-10")),
        Some(date("2024-02-11")),
    ];
    let t = CohortTable::build(
        &["a", "b", "c", "d"],
        &starts,
        &ends,
        Period::Month,
        date("2024-04-30"),
    )
    .unwrap();
    let avg = &t.average_retention()[1];
    assert!((avg.weighted - 2.0 / 4.0).abs() < 1e-15);
    assert!((avg.unweighted - (1.0 + 1.0 / 3.0) / 2.0).abs() < 1e-15);
}

#[test]
fn cohort_rejects_invalid_rows() {
    let end = date("2024-06-30");
    let month = Period::Month;
    let dup = CohortTable::build(&[1, 1], &[date("2024-01-01"); 2], &[None, None], month, end);
    assert_eq!(dup.unwrap_err().kind(), "InvalidData");
    let before = CohortTable::build(
        &[1],
        &[date("2024-03-01")],
        &[Some(date("2024-02-01"))],
        month,
        end,
    );
    assert_eq!(before.unwrap_err().kind(), "InvalidData");
    let after = CohortTable::build(
        &[1],
        &[date("2024-03-01")],
        &[Some(date("2024-08-01"))],
        month,
        end,
    );
    assert_eq!(after.unwrap_err().kind(), "InvalidData");
    let late = CohortTable::build(&[1], &[date("2024-07-01")], &[None], month, end);
    assert_eq!(late.unwrap_err().kind(), "InvalidData");
}

#[test]
fn cohort_tables_of_partitions_merge() {
    let end = date("2024-06-30");
    let starts = [
        date("2024-01-03"),
        date("2024-01-09"),
        date("2024-02-01"),
        date("2024-04-30"),
    ];
    let ends = [
        Some(date("2024-03-15")),
        None,
        Some(date("2024-05-01")),
        None,
    ];
    let whole = CohortTable::build(&[1, 2, 3, 4], &starts, &ends, Period::Month, end).unwrap();
    let mut a = CohortTable::build(
        &[1, 3],
        &[starts[0], starts[2]],
        &[ends[0], ends[2]],
        Period::Month,
        end,
    )
    .unwrap();
    let b = CohortTable::build(
        &[2, 4],
        &[starts[1], starts[3]],
        &[ends[1], ends[3]],
        Period::Month,
        end,
    )
    .unwrap();
    a.merge(&b).unwrap();
    assert_eq!(a, whole);
}
