//! Report section: behavioural retention. Customer retention on the IBM
//! telco churn data by contract type and employee retention on the IBM HR
//! attrition data by department: Kaplan-Meier retention at fixed horizons
//! with log(-log) intervals, the median tenure where reached, the
//! constant-retention turnover, and a log-rank test between segments. The
//! HTML report gets the curves as SVG charts.

use std::collections::BTreeMap;

use loyalty::retention::{group_retention, GroupRetention, KaplanMeier, SummaryOptions};
use loyalty::Stakeholder;

use super::{fmt, fmt_ci, Chart, ReportArgs, ReportResult, Section, Table};
use crate::data::{Bundled, CsvTable, HR, TELCO};
use crate::CliError;

const SECTION: &str = "retention";

/// One data set of the section: which columns hold what, and the horizons.
struct Study {
    data: &'static Bundled,
    title: &'static str,
    origin: &'static str,
    group: Stakeholder,
    duration: &'static str,
    event: &'static str,
    segment: &'static str,
    unit: &'static str,
    horizons: &'static [f64],
    notes: &'static [&'static str],
}

const STUDIES: [Study; 2] = [
    Study {
        data: &TELCO,
        title: "Customer retention by contract type",
        origin: "IBM Watson telco customer churn sample",
        group: Stakeholder::Customers,
        duration: "tenure",
        event: "churn",
        segment: "contract",
        unit: "months",
        horizons: &[12.0, 24.0, 48.0, 72.0],
        notes: &[
            "Duration: tenure in months; event: churn = Yes (left within the last month). Customers still active are censored at their tenure.",
        ],
    },
    Study {
        data: &HR,
        title: "Employee retention by department",
        origin: "IBM HR analytics employee attrition sample",
        group: Stakeholder::Employees,
        duration: "YearsAtCompany",
        event: "Attrition",
        segment: "Department",
        unit: "years",
        horizons: &[1.0, 3.0, 5.0, 10.0],
        notes: &[
            "Duration: YearsAtCompany; event: Attrition = Yes. Employees still employed are censored at their years with the company.",
        ],
    },
];

/// Builds one section per study on the bundled data.
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    STUDIES.iter().map(|s| study_section(args, s)).collect()
}

fn study_section(args: &ReportArgs, study: &Study) -> Result<Section, CliError> {
    let table = CsvTable::bundled(study.data)?;
    let durations = table.column_f64(study.duration)?;
    let events: Vec<bool> = table
        .column_str(study.event)?
        .iter()
        .map(|v| v.eq_ignore_ascii_case("yes"))
        .collect();
    let segment_column = table.column_str(study.segment)?;
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for s in &segment_column {
        codes.entry(s.clone()).or_insert(0);
    }
    for (i, code) in codes.values_mut().enumerate() {
        *code = i;
    }
    let labels: Vec<String> = codes.keys().cloned().collect();
    let segments: Vec<usize> = segment_column.iter().map(|s| codes[s]).collect();
    let options = SummaryOptions {
        horizon: study.horizons[0],
        period: 1.0,
        level: args.level,
    };
    let result = group_retention(
        study.group.clone(),
        &durations,
        Some(&events),
        None,
        &segments,
        &labels,
        options,
    )
    .map_err(CliError::core(format!("retention of {}", study.data.name)))?;

    let mut results = Vec::new();
    let mut tables = vec![retention_table(study, &result, &mut results)?];
    let mut notes: Vec<String> = study.notes.iter().map(|n| n.to_string()).collect();
    notes.push(format!(
        "Kaplan-Meier retention with Greenwood standard errors and log(-log) intervals at level {}; median by Brookmeyer-Crowley on the same band ('not reached' while retention stays above 50 %). Turnover assumes constant retention (exits per member-{} of exposure, exact Poisson interval).",
        args.level,
        study.unit.trim_end_matches('s')
    ));
    if let Some(test) = &result.log_rank {
        let mut extra = BTreeMap::new();
        extra.insert("p_value".to_string(), serde_json::json!(test.p_value));
        extra.insert("df".to_string(), serde_json::json!(test.df));
        extra.insert("observed".to_string(), serde_json::json!(test.observed));
        extra.insert("expected".to_string(), serde_json::json!(test.expected));
        extra.insert("segments".to_string(), serde_json::json!(labels));
        results.push(ReportResult {
            section: SECTION.into(),
            index: "log_rank".into(),
            group: study.group.name().into(),
            segment: None,
            value: test.statistic,
            ci_low: None,
            ci_high: None,
            level: None,
            n: test.members.iter().sum::<u64>() as f64,
            method: format!("log_rank_chi_squared_{}_df", test.df),
            extra,
        });
        tables.push(Table {
            headers: ["Test", "Segments", "Chi-squared", "df", "p-value"]
                .map(String::from)
                .to_vec(),
            rows: vec![vec![
                "log-rank".into(),
                labels.join(", "),
                fmt(test.statistic, 2),
                test.df.to_string(),
                format_p(test.p_value),
            ]],
        });
    }
    let curves: Vec<(&str, &KaplanMeier)> = labels
        .iter()
        .map(String::as_str)
        .zip(result.segments.iter().map(|s| &s.curve))
        .collect();
    let x_max = study.horizons.last().copied().unwrap_or(1.0);
    let chart = Chart {
        caption: format!(
            "{}: Kaplan-Meier retention by {} with {}% bands (x: {})",
            study.title,
            study.segment,
            fmt(100.0 * args.level, 0),
            study.unit
        ),
        svg: curves_svg(&curves, x_max, study.unit),
    };
    Ok(Section {
        name: SECTION.into(),
        title: format!("{} ({})", study.title, study.group.name()),
        source: format!(
            "{} ({}, n = {}; origin in data/README.md)",
            study.data.name,
            study.origin,
            table.rows.len()
        ),
        notes,
        tables,
        results,
        charts: vec![chart],
    })
}

fn format_p(p: f64) -> String {
    if p < 1e-300 {
        // Below the smallest p-value the chi-squared tail resolves.
        "< 1e-300".into()
    } else if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        fmt(p, 4)
    }
}

/// Builds the table of retention at each horizon, median and turnover per
/// segment, and adds each figure to `results`.
fn retention_table(
    study: &Study,
    result: &GroupRetention,
    results: &mut Vec<ReportResult>,
) -> Result<Table, CliError> {
    let mut headers = vec!["Segment".to_string(), "n".into(), "churned".into()];
    for h in study.horizons {
        headers.push(format!("S({} {})", h, study.unit));
    }
    headers.push(format!("median ({})", study.unit));
    headers.push(format!("turnover per {}", study.unit.trim_end_matches('s')));
    let group = study.group.name();
    let mut rows = Vec::new();
    let all = std::iter::once(&result.overall).chain(&result.segments);
    for segment in all {
        let label = segment.summary.segment.as_deref();
        let mut row = vec![
            label.unwrap_or("all").to_string(),
            segment.summary.members.to_string(),
            segment.summary.events.to_string(),
        ];
        for &h in study.horizons {
            let est = segment
                .curve
                .estimate_at(h)
                .map_err(CliError::core(format!("retention at {h}")))?;
            row.push(format!(
                "{}% ({}%)",
                fmt(100.0 * est.value, 1),
                fmt_ci(100.0 * est.ci_low, 100.0 * est.ci_high, 1)
            ));
            let index = format!("retention_{}{}", h, &study.unit[..1]);
            let mut r = ReportResult::from_estimate(SECTION, &index, group, label, &est);
            r.extra.insert("horizon".into(), serde_json::json!(h));
            r.extra.insert("unit".into(), serde_json::json!(study.unit));
            r.extra.insert("at_risk".into(), serde_json::json!(est.n));
            results.push(r);
        }
        let median = &segment.summary.median;
        row.push(match median.time {
            None => "not reached".into(),
            Some(t) => format!(
                "{} ({} to {})",
                fmt(t, 0),
                median.ci_low.map_or("-".into(), |v| fmt(v, 0)),
                median.ci_high.map_or("open".into(), |v| fmt(v, 0))
            ),
        });
        if let Some(t) = median.time {
            let mut extra = BTreeMap::new();
            extra.insert("unit".into(), serde_json::json!(study.unit));
            results.push(ReportResult {
                section: SECTION.into(),
                index: "median_tenure".into(),
                group: group.into(),
                segment: label.map(str::to_string),
                value: t,
                ci_low: median.ci_low,
                ci_high: median.ci_high,
                level: Some(median.level),
                n: segment.summary.members as f64,
                method: median.method.clone(),
                extra,
            });
        }
        let turnover = &segment.summary.turnover;
        row.push(format!(
            "{}% ({}%)",
            fmt(100.0 * turnover.value, 2),
            fmt_ci(100.0 * turnover.ci_low, 100.0 * turnover.ci_high, 2)
        ));
        let mut r = ReportResult::from_estimate(SECTION, "turnover", group, label, turnover);
        r.extra.insert(
            "unit".into(),
            serde_json::json!(format!(
                "exits per member-{}",
                study.unit.trim_end_matches('s')
            )),
        );
        r.extra.insert(
            "assumption".into(),
            serde_json::json!("constant retention (constant hazard)"),
        );
        results.push(r);
        rows.push(row);
    }
    Ok(Table { headers, rows })
}

/// Colours of the curves, in segment order.
const PALETTE: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
];

/// Draws Kaplan-Meier step curves with their interval bands as SVG, for
/// times 0..=`x_max`.
fn curves_svg(curves: &[(&str, &KaplanMeier)], x_max: f64, unit: &str) -> String {
    let (width, height) = (640.0, 360.0);
    let (left, right, top, bottom) = (56.0, 150.0, 16.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x = |t: f64| left + plot_w * (t / x_max).clamp(0.0, 1.0);
    let y = |s: f64| top + plot_h * (1.0 - s.clamp(0.0, 1.0));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    // Axes, grid and ticks.
    for i in 0..=5 {
        let s = i as f64 / 5.0;
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}%</text>",
            left + plot_w,
            y(s),
            y(s),
            left - 6.0,
            y(s) + 4.0,
            (s * 100.0) as i32
        ));
    }
    for i in 0..=6 {
        let t = x_max * i as f64 / 6.0;
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(t),
            top + plot_h + 16.0,
            fmt(t, 0)
        ));
    }
    svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#888\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{unit}</text>",
        left + plot_w / 2.0,
        height - 8.0
    ));
    for (i, (label, km)) in curves.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let (line, low, high) = step_points(km, x_max);
        let band: Vec<String> = high
            .iter()
            .chain(low.iter().rev())
            .map(|&(t, s)| format!("{:.1},{:.1}", x(t), y(s)))
            .collect();
        svg.push_str(&format!(
            "<polygon points=\"{}\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"none\"/>",
            band.join(" ")
        ));
        let points: Vec<String> = line
            .iter()
            .map(|&(t, s)| format!("{:.1},{:.1}", x(t), y(s)))
            .collect();
        svg.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            points.join(" ")
        ));
        let ly = top + 14.0 + 18.0 * i as f64;
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left + plot_w + 10.0,
            left + plot_w + 28.0,
            left + plot_w + 32.0,
            ly + 4.0,
            escape(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

type Points = Vec<(f64, f64)>;

/// Step-function vertices of the curve and of both band edges, from time 0
/// to `x_max`.
fn step_points(km: &KaplanMeier, x_max: f64) -> (Points, Points, Points) {
    let mut line = vec![(0.0, 1.0)];
    let mut low = vec![(0.0, 1.0)];
    let mut high = vec![(0.0, 1.0)];
    for r in km.rows.iter().filter(|r| r.time <= x_max) {
        for (points, value) in [
            (&mut line, r.survival),
            (&mut low, r.ci_low),
            (&mut high, r.ci_high),
        ] {
            let previous = points.last().map_or(1.0, |p| p.1);
            points.push((r.time, previous));
            points.push((r.time, value));
        }
    }
    for points in [&mut line, &mut low, &mut high] {
        let last = points.last().map_or(1.0, |p| p.1);
        points.push((x_max, last));
    }
    (line, low, high)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_hold_results_and_charts() {
        let args = ReportArgs {
            level: 0.95,
            ..ReportArgs::default()
        };
        let sections = build(&args).unwrap();
        assert_eq!(sections.len(), 2);
        for s in &sections {
            assert_eq!(s.charts.len(), 1);
            assert!(s.charts[0].svg.contains("<polyline"));
            assert!(s.results.iter().any(|r| r.index == "log_rank"));
            for r in &s.results {
                assert!(r.value.is_finite(), "{r:?}");
            }
        }
        // Telco: month-to-month customers churn far sooner than two-year ones.
        let telco = &sections[0];
        let at_12 = |segment: &str| {
            telco
                .results
                .iter()
                .find(|r| r.index == "retention_12m" && r.segment.as_deref() == Some(segment))
                .map(|r| r.value)
                .unwrap()
        };
        assert!(at_12("Month-to-month") < at_12("Two year"));
    }
}
