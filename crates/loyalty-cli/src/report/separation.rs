//! Report section: satisfaction versus loyalty on the bundled mobi survey
//! (quadrants, response curve, measurement validity and the ECSI
//! satisfaction index), and satisfied leavers among IBM HR employees.
//!
//! Runs on bundled data only: a user's survey file does not say which
//! columns are satisfaction and loyalty items, so the section is left out
//! when `--survey` is given.

use loyalty::separation::{
    self, ConstructSpec, ItemRows, MissingItems, PathSpec, PlsOptions, QuadrantOptions, Quadrants,
    ResponseCurve, ResponseOptions, ValidityOptions,
};
use loyalty::{Estimate, Scale, Stakeholder};

use super::{fmt, fmt_ci, Chart, ReportArgs, ReportResult, Section, Table};
use crate::data::{CsvTable, HR, MOBI};
use crate::CliError;

const SECTION: &str = "separation";
/// Seed of every bootstrap in this section.
const SEED: u64 = 2024;
/// Bootstrap resamples of every interval in this section.
const RESAMPLES: usize = 1000;
/// Satisfied: CUSA1 of 9 or 10 (the top-2-box of the survey section).
const SATISFIED_MIN: f64 = 9.0;
/// Loyal: CUSL3 (would recommend) of 9 or 10 (promoters of the NPS proxy).
const LOYAL_MIN: f64 = 9.0;

/// Builds the separation section on the bundled data; nothing for a user's file.
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    if !args.uses_bundled() {
        return Ok(Vec::new());
    }
    let table = CsvTable::bundled(&MOBI)?;
    let mut section = Section {
        name: SECTION.into(),
        title: "Satisfaction versus loyalty (customers and employees)".into(),
        source: format!(
            "{} (ECSI mobile phone survey, n = {}, from the R package seminr); {} (IBM HR attrition sample)",
            MOBI.name,
            table.rows.len(),
            HR.name
        ),
        ..Section::default()
    };
    quadrants_part(args, &table, &mut section)?;
    response_part(args, &table, &mut section)?;
    let rows = item_rows(&table)?;
    validity_part(args, &rows, &mut section)?;
    index_part(args, &rows, &mut section)?;
    employees_part(args, &mut section)?;
    Ok(vec![section])
}

fn result(index: &str, group: &str, est: &Estimate) -> ReportResult {
    ReportResult::from_estimate(SECTION, index, group, None, est)
}

fn pct(est: &Estimate) -> (String, String) {
    (
        format!("{}%", fmt(100.0 * est.value, 1)),
        format!(
            "{}% to {}%",
            fmt(100.0 * est.ci_low, 1),
            fmt(100.0 * est.ci_high, 1)
        ),
    )
}

/// Adds the quadrant table rows and results of one analysis.
fn quadrant_rows(q: &Quadrants, group: &str, out: &mut Table, results: &mut Vec<ReportResult>) {
    let shares = [
        ("loyalists", q.counts.loyalists, &q.shares.loyalists),
        ("mercenaries", q.counts.mercenaries, &q.shares.mercenaries),
        ("hostages", q.counts.hostages, &q.shares.hostages),
        ("defectors", q.counts.defectors, &q.shares.defectors),
    ];
    for (name, count, est) in shares {
        let (value, ci) = pct(est);
        out.rows.push(vec![
            format!("share of {name}"),
            count.to_string(),
            value,
            ci,
            est.method.clone(),
        ]);
        let mut r = result(&format!("share of {name}"), group, est);
        r.extra.insert("count".into(), count.into());
        results.push(r);
    }
    let conditional = [
        ("P(loyal | satisfied)", &q.p_loyal_given_satisfied),
        ("P(loyal | not satisfied)", &q.p_loyal_given_not_satisfied),
        ("satisfied defector rate", &q.satisfied_defector_rate),
    ];
    for (name, est) in conditional {
        if let Some(est) = est {
            let (value, ci) = pct(est);
            out.rows.push(vec![
                name.into(),
                fmt(est.n, 0),
                value,
                ci,
                est.method.clone(),
            ]);
            results.push(result(name, group, est));
        }
    }
    if let Some(d) = &q.difference {
        let (value, ci) = pct(d);
        out.rows.push(vec![
            "difference of the two".into(),
            fmt(d.n, 0),
            value,
            ci,
            format!(
                "{}; z test p = {}; Fisher p = {}",
                d.method,
                q.p_value.map_or("-".into(), |p| format!("{p:.2e}")),
                format!("{:.2e}", q.fisher_p_value)
            ),
        ]);
        let mut r = result("P(loyal | satisfied) - P(loyal | not satisfied)", group, d);
        if let Some(p) = q.p_value {
            r.extra.insert("p_value_z".into(), p.into());
        }
        r.extra
            .insert("p_value_fisher".into(), q.fisher_p_value.into());
        results.push(r);
    }
}

fn quadrant_table() -> Table {
    Table {
        headers: ["Measure", "Count", "Value", "CI", "Method"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    }
}

fn quadrants_part(
    args: &ReportArgs,
    table: &CsvTable,
    section: &mut Section,
) -> Result<(), CliError> {
    let sat = table.column_f64("CUSA1")?;
    let loy = table.column_f64("CUSL3")?;
    let scale = Scale::new(1.0, 10.0, 1.0).map_err(CliError::core("mobi scale"))?;
    let options = QuadrantOptions {
        satisfaction_scale: Some(scale),
        loyalty_scale: Some(scale),
        level: args.level,
        ..QuadrantOptions::default()
    };
    let q = separation::loyalty_quadrants(&sat, &loy, SATISFIED_MIN, LOYAL_MIN, &options)
        .map_err(CliError::core("satisfaction-loyalty quadrants"))?;
    let mut out = quadrant_table();
    quadrant_rows(&q, "customers", &mut out, &mut section.results);
    section.notes.push(format!(
        "Quadrants (Jones and Sasser 1995): satisfied = CUSA1 >= {SATISFIED_MIN} (top-2-box of 1-10), loyal = CUSL3 'would recommend' >= {LOYAL_MIN} (promoters of the NPS proxy). Mercenaries are satisfied but not loyal; their share among the satisfied is the satisfied defector rate. Wilson intervals; difference by Newcombe's hybrid score interval."
    ));
    section.tables.push(out);
    Ok(())
}

fn response_part(
    args: &ReportArgs,
    table: &CsvTable,
    section: &mut Section,
) -> Result<(), CliError> {
    let sat = table.column_f64("CUSA1")?;
    let loy = table.column_f64("CUSL3")?;
    let options = ResponseOptions {
        satisfaction_scale: Some(Scale::new(1.0, 10.0, 1.0).map_err(CliError::core("mobi scale"))?),
        bootstrap: RESAMPLES,
        seed: SEED,
        level: args.level,
        ..ResponseOptions::default()
    };
    let curve = separation::response_curve(&sat, &loy, &options)
        .map_err(CliError::core("satisfaction-to-loyalty response curve"))?;
    let mut out = Table {
        headers: ["CUSA1", "n", "Mean CUSL3", "CI", "Monotone fit"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for level in &curve.levels {
        out.rows.push(vec![
            fmt(level.satisfaction, 0),
            level.n.to_string(),
            fmt(level.mean, 2),
            level
                .interval
                .as_ref()
                .map_or("-".into(), |e| fmt_ci(e.ci_low, e.ci_high, 2)),
            fmt(level.fitted, 2),
        ]);
        if let Some(e) = &level.interval {
            let mut r = result("mean loyalty by satisfaction", "customers", e);
            r.extra
                .insert("satisfaction".into(), level.satisfaction.into());
            r.extra.insert("fitted".into(), level.fitted.into());
            section.results.push(r);
        }
    }
    if let Some(zone) = &curve.zone_of_affection {
        let location = zone
            .location_interval
            .map_or("-".into(), |(a, b)| format!("{a} to {b}"));
        section.notes.push(format!(
            "Response curve: mean CUSL3 at each CUSA1 level (t intervals), monotone fit by weighted isotonic regression. Loyalty jumps most from CUSA1 = {} to {} (+{} points, {}; bootstrap {} resamples, seed {SEED}); the jump lands at {} in {}% of resamples, {:.0}% interval of its location {location}.",
            zone.from,
            zone.to,
            fmt(zone.size, 2),
            zone.jump
                .as_ref()
                .map_or("-".into(), |j| fmt_ci(j.ci_low, j.ci_high, 2)),
            RESAMPLES,
            zone.to,
            fmt(100.0 * zone.location_share.unwrap_or(0.0), 0),
            100.0 * args.level
        ));
        if let Some(jump) = &zone.jump {
            let mut r = result(
                "largest loyalty jump (zone of affection)",
                "customers",
                jump,
            );
            r.extra.insert("from_satisfaction".into(), zone.from.into());
            r.extra.insert("to_satisfaction".into(), zone.to.into());
            if let Some(share) = zone.location_share {
                r.extra.insert("location_share".into(), share.into());
            }
            section.results.push(r);
        }
    }
    section.charts.push(Chart {
        caption: "Mean CUSL3 (would recommend) by CUSA1 (satisfaction) with intervals; line: monotone fit; shaded: largest jump".into(),
        svg: response_svg(&curve),
    });
    section.tables.push(out);
    Ok(())
}

/// Draws level means with interval bars, the monotone fit as a line and the
/// largest jump as a shaded band, on a 1-10 by 1-10 plane.
fn response_svg(curve: &ResponseCurve) -> String {
    let (width, height, margin) = (480.0, 300.0, 40.0);
    let x = |v: f64| margin + (v - 1.0) / 9.0 * (width - 2.0 * margin);
    let y = |v: f64| height - margin - (v - 1.0) / 9.0 * (height - 2.0 * margin);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-size=\"11\">"
    );
    if let Some(zone) = &curve.zone_of_affection {
        svg.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{margin}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"orange\" opacity=\"0.2\"/>",
            x(zone.from),
            x(zone.to) - x(zone.from),
            height - 2.0 * margin
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{margin}\" y1=\"{b:.1}\" x2=\"{r:.1}\" y2=\"{b:.1}\" stroke=\"black\"/><line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{b:.1}\" stroke=\"black\"/>",
        b = height - margin,
        r = width - margin
    ));
    for tick in 1..=10 {
        let t = tick as f64;
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{tick}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            x(t),
            height - margin + 14.0,
            margin - 4.0,
            y(t) + 4.0
        ));
    }
    let fitted: Vec<String> = curve
        .levels
        .iter()
        .map(|l| format!("{:.1},{:.1}", x(l.satisfaction), y(l.fitted)))
        .collect();
    svg.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"steelblue\" stroke-width=\"2\"/>",
        fitted.join(" ")
    ));
    for level in &curve.levels {
        let cx = x(level.satisfaction);
        if let Some(e) = &level.interval {
            let (low, high) = (e.ci_low.clamp(1.0, 10.0), e.ci_high.clamp(1.0, 10.0));
            svg.push_str(&format!(
                "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"grey\"/>",
                y(low),
                y(high)
            ));
        }
        svg.push_str(&format!(
            "<circle cx=\"{cx:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"black\"/>",
            y(level.mean)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Returns the ECSI model of mobi: constructs and paths as seminr specifies them.
fn ecsi() -> (Vec<ConstructSpec>, Vec<PathSpec>) {
    let constructs = vec![
        ConstructSpec::new("Image", &["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"]),
        ConstructSpec::new("Expectation", &["CUEX1", "CUEX2", "CUEX3"]),
        ConstructSpec::new(
            "Quality",
            &[
                "PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7",
            ],
        ),
        ConstructSpec::new("Value", &["PERV1", "PERV2"]),
        ConstructSpec::new("Satisfaction", &["CUSA1", "CUSA2", "CUSA3"]),
        ConstructSpec::new("Complaints", &["CUSCO"]),
        ConstructSpec::new("Loyalty", &["CUSL1", "CUSL2", "CUSL3"]),
    ];
    let paths = [
        ("Image", "Expectation"),
        ("Image", "Satisfaction"),
        ("Image", "Loyalty"),
        ("Expectation", "Quality"),
        ("Expectation", "Value"),
        ("Expectation", "Satisfaction"),
        ("Quality", "Value"),
        ("Quality", "Satisfaction"),
        ("Value", "Satisfaction"),
        ("Satisfaction", "Complaints"),
        ("Satisfaction", "Loyalty"),
        ("Complaints", "Loyalty"),
    ]
    .iter()
    .map(|(s, t)| PathSpec::new(*s, *t))
    .collect();
    (constructs, paths)
}

fn item_rows(table: &CsvTable) -> Result<ItemRows<'static>, CliError> {
    let mut columns = Vec::with_capacity(table.headers.len());
    for name in &table.headers {
        columns.push(table.column_f64(name)?);
    }
    ItemRows::from_columns(table.headers.clone(), &columns, MissingItems::Reject)
        .map_err(CliError::core("mobi items"))
}

fn validity_part(
    args: &ReportArgs,
    rows: &ItemRows<'_>,
    section: &mut Section,
) -> Result<(), CliError> {
    let (constructs, paths) = ecsi();
    let options = ValidityOptions {
        bootstrap: RESAMPLES,
        seed: SEED,
        level: args.level,
        ..ValidityOptions::default()
    };
    let v = separation::construct_validity(rows, &constructs, &paths, &options)
        .map_err(CliError::core("construct validity of the ECSI model"))?;
    let mut out = Table {
        headers: [
            "Construct",
            "Items",
            "Alpha",
            "rho_A",
            "rho_C",
            "AVE",
            "AVE CI",
            "HTMT with Loyalty",
            "HTMT CI",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for rel in &v.reliability {
        let htmt = v.pair(&rel.construct, "Loyalty");
        out.rows.push(vec![
            rel.construct.clone(),
            rel.items.to_string(),
            fmt(rel.cronbach_alpha.value, 3),
            fmt(rel.rho_a.value, 3),
            fmt(rel.composite_reliability.value, 3),
            fmt(rel.ave.value, 3),
            fmt_ci(rel.ave.ci_low, rel.ave.ci_high, 3),
            htmt.map_or("-".into(), |p| fmt(p.htmt.value, 3)),
            htmt.map_or("-".into(), |p| fmt_ci(p.htmt.ci_low, p.htmt.ci_high, 3)),
        ]);
        for (name, est) in [
            ("Cronbach's alpha", &rel.cronbach_alpha),
            ("rho_A", &rel.rho_a),
            ("composite reliability", &rel.composite_reliability),
            ("AVE", &rel.ave),
        ] {
            let mut r = result(name, "customers", est);
            r.extra
                .insert("construct".into(), rel.construct.clone().into());
            section.results.push(r);
        }
    }
    for pair in &v.pairs {
        let mut r = result("HTMT", "customers", &pair.htmt);
        r.extra.insert(
            "constructs".into(),
            format!("{} / {}", pair.a, pair.b).into(),
        );
        r.extra
            .insert("upper_one_sided".into(), pair.htmt_upper_one_sided.into());
        r.extra.insert(
            "p_value_not_below_one".into(),
            pair.p_value_htmt_not_below_one.into(),
        );
        r.extra
            .insert("distinct".into(), v.distinct(&pair.a, &pair.b).into());
        section.results.push(r);
    }
    let sat_loy = v.pair("Satisfaction", "Loyalty");
    let verdict = match (sat_loy, v.distinct("Satisfaction", "Loyalty")) {
        (Some(p), false) => {
            let reasons = v
                .not_distinct
                .iter()
                .find(|d| (d.a == "Satisfaction" && d.b == "Loyalty") || (d.a == "Loyalty" && d.b == "Satisfaction"))
                .map(|d| d.reasons.join("; "))
                .unwrap_or_default();
            format!(
                "Satisfaction and Loyalty are NOT empirically distinct on mobi (HTMT {}, {}): {reasons}.",
                fmt(p.htmt.value, 3),
                fmt_ci(p.htmt.ci_low, p.htmt.ci_high, 3)
            )
        }
        (Some(p), true) => format!(
            "Satisfaction and Loyalty are empirically distinct (HTMT {}, one-sided upper bound {}).",
            fmt(p.htmt.value, 3),
            fmt(p.htmt_upper_one_sided, 3)
        ),
        (None, _) => String::new(),
    };
    section.notes.push(format!(
        "Validity: ECSI measurement model of mobi, {}; HTMT on |r|, bootstrap {RESAMPLES} resamples (seed {SEED}); a pair is not distinct when the one-sided upper bound of HTMT is not below 1, HTMT exceeds {:.2}, or Fornell-Larcker fails. {verdict}",
        v.weighting, v.htmt_threshold
    ));
    section.tables.push(out);
    Ok(())
}

fn index_part(
    args: &ReportArgs,
    rows: &ItemRows<'_>,
    section: &mut Section,
) -> Result<(), CliError> {
    let (constructs, paths) = ecsi();
    let options = PlsOptions {
        bootstrap: RESAMPLES,
        seed: SEED,
        level: args.level,
        index_scale: Some((1.0, 10.0)),
        ..PlsOptions::default()
    };
    let fit = separation::pls_path_model(rows, &constructs, &paths, &options)
        .map_err(CliError::core("ECSI satisfaction index model"))?;
    let mut out = Table {
        headers: [
            "Construct",
            "Index (0-100)",
            "CI",
            "R-squared",
            "R-squared CI",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for name in &fit.constructs {
        let index = fit.index(name);
        let r2 = fit.r_squared(name);
        out.rows.push(vec![
            name.clone(),
            index.map_or("-".into(), |e| fmt(e.value, 1)),
            index.map_or("-".into(), |e| fmt_ci(e.ci_low, e.ci_high, 1)),
            r2.map_or("-".into(), |e| fmt(e.value, 3)),
            r2.map_or("-".into(), |e| fmt_ci(e.ci_low, e.ci_high, 3)),
        ]);
        if let Some(e) = index {
            let mut r = result("ECSI index", "customers", e);
            r.extra.insert("construct".into(), name.clone().into());
            section.results.push(r);
        }
        if let Some(e) = r2 {
            let mut r = result("R-squared", "customers", e);
            r.extra.insert("construct".into(), name.clone().into());
            section.results.push(r);
        }
    }
    let mut path_table = Table {
        headers: ["Path", "Coefficient", "CI", "Method"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for p in &fit.paths {
        let label = format!("{} -> {}", p.source, p.target);
        path_table.rows.push(vec![
            label.clone(),
            fmt(p.coefficient.value, 3),
            fmt_ci(p.coefficient.ci_low, p.coefficient.ci_high, 3),
            p.coefficient.method.clone(),
        ]);
        let mut r = result("path coefficient", "customers", &p.coefficient);
        r.extra.insert("path".into(), label.into());
        section.results.push(r);
    }
    section.notes.push(format!(
        "Satisfaction index: ECSI PLS path model on mobi (mode A, path scheme, seminr's specification; {} weight updates). Index = 100 (sum of unstandardised weights x item means - 1) / 9 on the 1-10 items; bootstrap {RESAMPLES} resamples, seed {SEED}.",
        fit.iterations
    ));
    for w in &fit.warnings {
        section.notes.push(format!("Admissibility: {w}."));
    }
    section.tables.push(out);
    section.tables.push(path_table);
    Ok(())
}

/// IBM HR: employees satisfied with their job (High or Very_High) who left.
fn employees_part(args: &ReportArgs, section: &mut Section) -> Result<(), CliError> {
    let table = CsvTable::bundled(&HR)?;
    let labels = table.column_str("JobSatisfaction")?;
    let attrition = table.column_str("Attrition")?;
    let mut satisfaction = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        let score = match label.as_str() {
            "Low" => 1.0,
            "Medium" => 2.0,
            "High" => 3.0,
            "Very_High" => 4.0,
            other => {
                return Err(CliError::input(
                    &table.source,
                    table.line_of(i),
                    Some("JobSatisfaction"),
                    format!("{other:?} is not one of Low, Medium, High, Very_High"),
                ))
            }
        };
        satisfaction.push(score);
    }
    let mut retained = Vec::with_capacity(attrition.len());
    for (i, a) in attrition.iter().enumerate() {
        retained.push(match a.as_str() {
            "No" => true,
            "Yes" => false,
            other => {
                return Err(CliError::input(
                    &table.source,
                    table.line_of(i),
                    Some("Attrition"),
                    format!("{other:?} is not Yes or No"),
                ))
            }
        });
    }
    let group = Stakeholder::Employees;
    let options = QuadrantOptions {
        satisfaction_scale: Some(Scale::new(1.0, 4.0, 1.0).map_err(CliError::core("HR scale"))?),
        level: args.level,
        group: group.clone(),
        ..QuadrantOptions::default()
    };
    let q = separation::behavioural_quadrants(&satisfaction, &retained, 3.0, &options)
        .map_err(CliError::core("employee satisfaction against exits"))?;
    let mut out = quadrant_table();
    quadrant_rows(&q, group.name(), &mut out, &mut section.results);
    section.notes.push(
        "Employees (IBM HR attrition sample): satisfied = JobSatisfaction High or Very_High (3-4 of 1-4), loyal = stayed (Attrition No). The satisfied defector rate is the share of satisfied employees who left.".into(),
    );
    section.tables.push(out);
    Ok(())
}
