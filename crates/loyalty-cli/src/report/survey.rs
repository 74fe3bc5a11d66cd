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
            let scale = Scale::parse(&args.scale).map_err(CliError::core("--scale"))?;
            let group = Stakeholder::parse(&args.group);
            let mut section = nps_section(args, &table, recommend, scale, &group)?;
            section.source = path.display().to_string();
            Ok(vec![section])
        }
        None => Ok(vec![bundled(args)?]),
    }
}

/// Tallies a score column, naming file and line of the first bad score.
fn tally_column(
    table: &CsvTable,
    column: &str,
    rows: &[usize],
    scale: Scale,
    missing: Missing,
) -> Result<ScoreTally, CliError> {
    let values = table.column_f64(column)?;
    let scores: Vec<f64> = rows.iter().map(|&i| values[i]).collect();
    ScoreTally::from_scores(scale, &scores, missing).map_err(|e| match e {
        loyalty::Error::OutOfRange { index, .. } | loyalty::Error::NotFinite { index, .. } => {
            CliError::input(
                &table.source,
                table.line_of(rows[index]),
                Some(column),
                format!("{e}; use --drop-missing to skip empty cells, or --scale to set the scale"),
            )
        }
        other => CliError::Core {
            context: format!("{column} in {}", table.source),
            error: Box::new(other),
        },
    })
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
        headers: ["Index", "Segment", "Value", "CI", "n", "Method"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    let mut results = Vec::new();
    for (segment, rows) in &segments {
        let tally = tally_column(table, recommend, rows, scale, missing)?;
        let label = segment.as_deref().unwrap_or("all");
        let est = survey::nps_from_tally(
            &tally,
            NpsMethod::AdjustedWald,
            WeightedSe::Kish,
            args.level,
        )
        .map_err(CliError::core(format!("{index_name} of segment {label}")))?;
        out.rows.push(vec![
            index_name.to_string(),
            label.to_string(),
            fmt(est.value, 1),
            fmt_ci(est.ci_low, est.ci_high, 1),
            format!("{}", est.n),
            est.method.clone(),
        ]);
        results.push(ReportResult::from_estimate(
            SECTION,
            index_name,
            group.name(),
            segment.as_deref(),
            &est,
        ));
    }
    Ok(Section {
        name: SECTION.into(),
        title: format!("Survey loyalty indices ({})", group.name()),
        source: String::new(),
        notes: vec![format!(
            "{index_name} in points (-100..100) on the scale {scale}; promoters >= {}, detractors <= {}; adjusted-Wald interval (Rocks 2016) at level {}",
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
    let rows: Vec<usize> = (0..table.rows.len()).collect();
    let tally = tally_column(&table, "CUSL3", &rows, scale, Missing::Reject)?;
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
            &rows,
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
