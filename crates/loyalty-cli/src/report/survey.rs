//! Report section: survey loyalty indices (NPS or eNPS per segment, CSAT,
//! mean scores).

use std::collections::BTreeMap;

use loyalty::survey::{self, Missing, NpsMethod, ScoreTally, ShareMethod, WeightedSe};
use loyalty::{Scale, Stakeholder};

use super::{fmt, fmt_ci, ReportArgs, ReportResult, Section, Table};
use crate::data::{CsvTable, MOBI};
use crate::CliError;

const SECTION: &str = "survey";

/// Builds the survey section on the user's file, or on the bundled mobi survey.
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    match &args.survey {
        Some(path) => {
            let recommend = args.recommend.as_deref().ok_or_else(|| {
                CliError::Usage(
                    "--survey needs --recommend COLUMN naming the recommend score".into(),
                )
            })?;
            let table = CsvTable::read(path)?;
            let mut scale = Scale::parse(&args.scale).map_err(CliError::core("--scale"))?;
            if args.promoter_min.is_some() || args.detractor_max.is_some() {
                scale = scale
                    .with_nps_cuts(
                        args.promoter_min.unwrap_or(scale.promoter_min),
                        args.detractor_max.unwrap_or(scale.detractor_max),
                    )
                    .map_err(CliError::core("--promoter-min/--detractor-max"))?;
            }
            scale
                .check_nps_cuts()
                .map_err(CliError::core(format!("--scale {}", args.scale)))?;
            if table.rows.is_empty() {
                return Err(CliError::input(
                    &table.source,
                    1,
                    None,
                    "the file has a header but no data rows",
                ));
            }
            let group = Stakeholder::parse(&args.group);
            let mut section = nps_section(args, &table, recommend, scale, &group)?;
            section.source = path.display().to_string();
            Ok(vec![section])
        }
        None => Ok(vec![bundled(args)?]),
    }
}

/// Tallies the scores of `rows`, naming file, line and column of the first bad score.
fn tally_rows(
    table: &CsvTable,
    column: &str,
    values: &[f64],
    rows: &[usize],
    scale: Scale,
    missing: Missing,
) -> Result<ScoreTally, CliError> {
    let scores: Vec<f64> = rows.iter().map(|&i| values[i]).collect();
    ScoreTally::from_scores(scale, &scores, missing).map_err(|e| match e {
        loyalty::Error::OutOfRange { index, value, .. } => CliError::input(
            &table.source,
            table.line_of(rows[index]),
            Some(column),
            format!("score {value} is not on the scale {scale}; set --scale to the item's scale"),
        ),
        loyalty::Error::NotFinite { index, .. } => CliError::input(
            &table.source,
            table.line_of(rows[index]),
            Some(column),
            "the score is missing; use --drop-missing to skip missing scores (they are counted)",
        ),
        other => CliError::Core {
            context: format!("{column} in {}", table.source),
            error: Box::new(other),
        },
    })
}

/// Tallies a whole score column.
fn tally_column(
    table: &CsvTable,
    column: &str,
    scale: Scale,
    missing: Missing,
) -> Result<ScoreTally, CliError> {
    let values = table.column_f64(column)?;
    let rows: Vec<usize> = (0..values.len()).collect();
    tally_rows(table, column, &values, &rows, scale, missing)
}

/// NPS per segment (and overall) for a recommend column.
fn nps_section(
    args: &ReportArgs,
    table: &CsvTable,
    recommend: &str,
    scale: Scale,
    group: &Stakeholder,
) -> Result<Section, CliError> {
    let missing = if args.drop_missing {
        Missing::Drop
    } else {
        Missing::Reject
    };
    let index_name = group.nps_name();
    let mut segments: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    segments.insert(None, (0..table.rows.len()).collect());
    if let Some(col) = &args.segment {
        for (i, label) in table.column_str(col)?.into_iter().enumerate() {
            segments.entry(Some(label)).or_default().push(i);
        }
    }
    let mut out = Table {
        headers: [
            "Index", "Segment", "Observed", "Value", "CI", "n", "Missing", "Method",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    let mut results = Vec::new();
    let values = table.column_f64(recommend)?;
    for (segment, rows) in &segments {
        let tally = tally_rows(table, recommend, &values, rows, scale, missing)?;
        let label = segment.as_deref().unwrap_or("all");
        let est = survey::nps_from_tally(
            &tally,
            NpsMethod::AdjustedWald,
            WeightedSe::Kish,
            args.level,
        )
        .map_err(CliError::core(format!("{index_name} of segment {label}")))?;
        let counts = tally.nps_counts();
        let observed =
            100.0 * (counts.promoters as f64 - counts.detractors as f64) / counts.n().max(1) as f64;
        out.rows.push(vec![
            index_name.to_string(),
            label.to_string(),
            fmt(observed, 1),
            fmt(est.value, 1),
            fmt_ci(est.ci_low, est.ci_high, 1),
            format!("{}", est.n),
            format!("{}", est.n_missing),
            est.method.clone(),
        ]);
        let mut result = ReportResult::from_estimate(
            SECTION,
            index_name,
            group.name(),
            segment.as_deref(),
            &est,
        );
        result
            .extra
            .insert("observed".into(), serde_json::json!(observed));
        results.push(result);
    }
    Ok(Section {
        name: SECTION.into(),
        title: format!("Survey loyalty indices ({})", group.name()),
        source: String::new(),
        notes: vec![format!(
            "{index_name} in points (-100..100) on the scale {scale}; promoters >= {}, detractors <= {}; adjusted-Wald interval (Rocks 2016) at level {}. Observed is the share of promoters minus detractors; Value is the adjusted-Wald centre, which adds 0.75 promoters, 1.5 passives and 0.75 detractors and so moves towards 0 in small samples",
            scale.promoter_min, scale.detractor_max, args.level
        )],
        tables: vec![out],
        results,
        charts: Vec::new(),
    })
}

/// The bundled mobi survey: NPS proxy on CUSL3 under every interval method,
/// CSAT top-box shares and mean satisfaction on CUSA1-3.
fn bundled(args: &ReportArgs) -> Result<Section, CliError> {
    let table = CsvTable::bundled(&MOBI)?;
    let scale = Scale::new(1.0, 10.0, 1.0)
        .and_then(|s| s.with_nps_cuts(9.0, 6.0))
        .map_err(CliError::core("mobi scale"))?;
    let group = Stakeholder::Customers;
    let tally = tally_column(&table, "CUSL3", scale, Missing::Reject)?;
    let counts = tally.nps_counts();

    let mut out = Table {
        headers: ["Index", "Item", "Value", "CI", "n", "Method"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    let mut results = Vec::new();
    let index = "NPS (proxy)";
    for method in [
        NpsMethod::AdjustedWald,
        NpsMethod::Wald,
        NpsMethod::Tango,
        NpsMethod::parse("bayes", 2024).map_err(CliError::core("bayes"))?,
        NpsMethod::parse("bootstrap", 2024).map_err(CliError::core("bootstrap"))?,
    ] {
        let est = survey::nps(&counts, method, args.level)
            .map_err(CliError::core(format!("NPS by {}", method.name())))?;
        out.rows.push(vec![
            index.into(),
            "CUSL3".into(),
            fmt(est.value, 1),
            fmt_ci(est.ci_low, est.ci_high, 1),
            format!("{}", est.n),
            est.method.clone(),
        ]);
        let mut r = ReportResult::from_estimate(SECTION, index, group.name(), None, &est);
        r.extra.insert("item".into(), "CUSL3".into());
        results.push(r);
    }
    for item in ["CUSA1", "CUSA2", "CUSA3"] {
        let t = tally_column(
            &table,
            item,
            scale.with_top_box(9.0).map_err(CliError::core("top box"))?,
            Missing::Reject,
        )?;
        let est = survey::top_box(&t, ShareMethod::Wilson, args.level)
            .map_err(CliError::core(format!("CSAT of {item}")))?;
        out.rows.push(vec![
            "CSAT top-2-box".into(),
            item.into(),
            format!("{}%", fmt(100.0 * est.value, 1)),
            format!(
                "{}% to {}%",
                fmt(100.0 * est.ci_low, 1),
                fmt(100.0 * est.ci_high, 1)
            ),
            format!("{}", est.n),
            est.method.clone(),
        ]);
        let mut r =
            ReportResult::from_estimate(SECTION, "CSAT top-2-box", group.name(), None, &est);
        r.extra.insert("item".into(), item.into());
        results.push(r);
        let mean = survey::mean_score(&t, args.level)
            .map_err(CliError::core(format!("mean of {item}")))?;
        out.rows.push(vec![
            "Mean satisfaction".into(),
            item.into(),
            fmt(mean.value, 2),
            fmt_ci(mean.ci_low, mean.ci_high, 2),
            format!("{}", mean.n),
            mean.method.clone(),
        ]);
        let mut r =
            ReportResult::from_estimate(SECTION, "Mean satisfaction", group.name(), None, &mean);
        r.extra.insert("item".into(), item.into());
        results.push(r);
    }
    Ok(Section {
        name: SECTION.into(),
        title: "Survey loyalty indices (customers)".into(),
        source: format!("{} (ECSI mobile phone survey, n = {}, from the R package seminr)", MOBI.name, table.rows.len()),
        notes: vec![
            format!(
                "NPS (proxy): CUSL3 'would recommend' is a 1-10 item, not the 0-10 NPS item; promoters 9-10, passives 7-8, detractors 1-6 (counts {} / {} / {}). Values in points.",
                counts.detractors, counts.passives, counts.promoters
            ),
            "CSAT top-2-box: share scoring 9 or 10 on the 1-10 satisfaction items CUSA1-3.".into(),
            "Bayes and bootstrap intervals use seed 2024.".into(),
        ],
        tables: vec![out],
        results,
        charts: Vec::new(),
    })
}
