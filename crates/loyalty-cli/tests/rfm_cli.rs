//! `loyalty rfm` on a CSV copy of the CDNOW sample and on bad input.

use std::io::Write;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn loyalty(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loyalty"))
        .args(args)
        .output()
        .expect("run loyalty")
}

/// Writes the CDNOW sample log as a CSV with a header line.
fn sample_csv() -> tempfile::NamedTempFile {
    let text = std::fs::read_to_string(format!(
        "{ROOT}/crates/loyalty-cli/data/cdnow/CDNOW_sample.txt"
    ))
    .unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "id,date,value").unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        writeln!(file, "{},{},{}", f[1], f[2], f[4]).unwrap();
    }
    file
}

#[test]
fn rfm_reproduces_cdnow_summary() {
    let csv = sample_csv();
    let path = csv.path().to_str().unwrap();
    let output = loyalty(&[
        "rfm",
        "--transactions",
        path,
        "--customer",
        "id",
        "--date",
        "date",
        "--value",
        "value",
        "--observation-end",
        "1998-06-30",
        "--calibration-end",
        "1997-09-30",
        "--period",
        "7",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "customer_id,frequency,recency,T,monetary_value,frequency_holdout,monetary_value_holdout,duration_holdout"
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|f| f.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 2357);
    // Source: cdnow_customers_summary.csv, whose ID 1 has frequency 2,
    // recency 30.43 and T 38.86 (weeks = days / 7, rounded to 2 decimals).
    assert_eq!(rows[0][0], 1.0);
    assert_eq!(rows[0][1], 2.0);
    assert!((rows[0][2] - 30.43).abs() <= 0.005);
    assert!((rows[0][3] - 38.86).abs() <= 0.005);
    // Integer ids sort numerically, so ID 10 is the tenth row.
    assert_eq!(rows[9][0], 10.0);
}

#[test]
fn rfm_names_line_of_bad_date() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "id,date\na,2024-01-01\nb,2024-02-30").unwrap();
    let output = loyalty(&[
        "rfm",
        "--transactions",
        file.path().to_str().unwrap(),
        "--customer",
        "id",
        "--date",
        "date",
        "--observation-end",
        "2024-03-31",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("2024-02-30"), "{stderr}");
}

#[test]
fn rfm_rejects_unknown_column() {
    let csv = sample_csv();
    let output = loyalty(&[
        "rfm",
        "--transactions",
        csv.path().to_str().unwrap(),
        "--customer",
        "customer",
        "--date",
        "date",
        "--observation-end",
        "1998-06-30",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("column not found"), "{stderr}");
}
