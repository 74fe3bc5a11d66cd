//! End-to-end tests of `loyalty report`: the bundled data, user files, and
//! errors naming file, line and column.

use std::process::Command;

fn loyalty() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loyalty"))
}

fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn report_runs_on_bundled_data() {
    let out = loyalty().arg("report").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("NPS (proxy)"), "{text}");
    assert!(text.contains("CSAT top-2-box"));
}

#[test]
fn json_results_have_the_documented_fields() {
    let out = loyalty().args(["report", "--json"]).output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "loyalty-report/1");
    let results = doc["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        for field in [
            "index", "group", "segment", "value", "ci_low", "ci_high", "level", "n", "method",
        ] {
            assert!(r.get(field).is_some(), "missing {field} in {r}");
        }
    }
    // The adjusted-Wald NPS proxy of mobi CUSL3 (counts 60/95/95): 13.834 points.
    let nps = results
        .iter()
        .find(|r| r["index"] == "NPS (proxy)" && r["method"] == "adjusted_wald")
        .unwrap();
    assert!((nps["value"].as_f64().unwrap() - 13.83399209486166).abs() < 1e-9);
}

#[test]
fn user_survey_with_segments() {
    let path = write_temp(
        "answers.csv",
        "id,ltr,region\n1,10,North\n2,9,North\n3,3,South\n4,7,South\n5,10,South\n",
    );
    let out = loyalty()
        .args([
            "report",
            "--json",
            "--recommend",
            "ltr",
            "--segment",
            "region",
            "--survey",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap();
    let segments: Vec<_> = results.iter().map(|r| r["segment"].clone()).collect();
    assert!(segments.contains(&serde_json::Value::Null));
    assert!(segments.contains(&serde_json::json!("North")));
    let south = results.iter().find(|r| r["segment"] == "South").unwrap();
    assert_eq!(south["n"], 3.0);
}

#[test]
fn employee_group_reports_enps() {
    let path = write_temp("staff.csv", "ltr\n10\n2\n9\n");
    let out = loyalty()
        .args([
            "report",
            "--recommend",
            "ltr",
            "--group",
            "employees",
            "--survey",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("eNPS"));
}

#[test]
fn bad_score_names_file_line_and_column() {
    let path = write_temp("bad.csv", "id,ltr\n1,10\n2,11\n");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv, line 3, column \"ltr\""), "{err}");
}

#[test]
fn non_numeric_cell_and_missing_column_are_named() {
    let path = write_temp("text.csv", "ltr\n10\nten\n");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3") && err.contains("\"ten\" is not a number"),
        "{err}"
    );

    let out = loyalty()
        .args(["report", "--recommend", "nps", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("column \"nps\" not found"), "{err}");
}

#[test]
fn missing_cells_dropped_on_request() {
    let path = write_temp("gaps.csv", "id,ltr\n1,10\n2,\n3,9\n4,3\n");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = loyalty()
        .args([
            "report",
            "--json",
            "--drop-missing",
            "--recommend",
            "ltr",
            "--survey",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["results"][0]["extra"]["n_missing"], 1.0);
}

#[test]
fn html_output_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let out = loyalty()
        .args(["report", "--html"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("NPS (proxy)"));
}

#[test]
fn duplicate_header_and_empty_file_are_named() {
    let dup = write_temp("dup.csv", "id,ltr,ltr\n1,10,3\n");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--survey"])
        .arg(&dup)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("more than once"), "{err}");

    let empty = write_temp("empty.csv", "");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--survey"])
        .arg(&empty)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("the file is empty"), "{err}");
}

#[test]
fn survey_options_without_file_are_rejected() {
    let out = loyalty()
        .args(["report", "--group", "employees"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--survey"), "{err}");
}

#[test]
fn five_point_scale_needs_cut_points() {
    let path = write_temp("five.csv", "ltr\n5\n4\n1\n");
    let out = loyalty()
        .args(["report", "--recommend", "ltr", "--scale", "1-5", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = loyalty()
        .args(["report", "--json", "--recommend", "ltr", "--scale", "1-5"])
        .args(["--promoter-min", "5", "--detractor-max", "3", "--survey"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // One promoter (5), one passive (4), one detractor (1): observed NPS 0.
    assert_eq!(doc["results"][0]["extra"]["observed"], 0.0);
    assert_eq!(
        doc["results"].as_array().unwrap().len(),
        1,
        "only the survey section runs"
    );
}

#[test]
fn many_segments_parse_the_column_once() {
    let mut text = String::from("ltr,region\n");
    for i in 0..20_000 {
        text.push_str(&format!("{},R{}\n", i % 11, i % 5_000));
    }
    let path = write_temp("segments.csv", &text);
    let out = loyalty()
        .args([
            "report",
            "--json",
            "--recommend",
            "ltr",
            "--segment",
            "region",
            "--survey",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["results"].as_array().unwrap().len(), 5_001);
}
