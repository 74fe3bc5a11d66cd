//! Report section: value of the customer base and of +5 points of retention
//! on the bundled telco data, and the cost of employee turnover on the
//! bundled HR data, each under assumptions stated in the report.
//!
//! The telco file has no costs, so the margin is an assumed share of the
//! monthly charges, and retention is one constant monthly rate estimated by
//! maximum likelihood from tenure and the churn flag (a geometric lifetime
//! with censoring). Its standard error is propagated to each value by the
//! delta method.

use std::collections::BTreeMap;

use loyalty::sensitivity::uncertainty::diagonal_covariance;
use loyalty::sensitivity::{propagate, Propagation};
use loyalty::value::{clv, turnover_cost, ClvConvention, RetentionCurve};
use loyalty::Estimate;

use super::{fmt, fmt_ci, ReportArgs, ReportResult, Section, Table};
use crate::data::{CsvTable, HR, TELCO};
use crate::CliError;

const SECTION: &str = "value";

/// Assumed margin as a share of monthly charges (telecom EBITDA margins are
/// commonly 30-40%; the lower end keeps the value conservative).
const MARGIN_SHARE: f64 = 0.30;
/// Assumed annual discount rate (a common cost of capital in CLV examples).
const ANNUAL_DISCOUNT: f64 = 0.10;
/// Points of annual retention added in the "+5 points" scenario.
const PLUS_POINTS: f64 = 5.0;
/// Assumed cost of one separation as a share of annual salary (published
/// replacement-cost estimates range from about 0.2 to 2 salaries; 0.5 is a
/// mid-range figure for the mostly mid-level roles of this sample).
const COST_SHARE: f64 = 0.5;

/// Builds the value section (bundled data only: it needs behaviour and
/// money columns that a survey file does not have).
pub fn build(args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    if !args.uses_bundled() {
        return Ok(Vec::new());
    }
    let mut results = Vec::new();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    customers(args, &mut results, &mut rows, &mut notes)?;
    employees(args, &mut results, &mut rows, &mut notes)?;
    Ok(vec![Section {
        name: SECTION.into(),
        title: "Value of loyalty".into(),
        source: format!(
            "{} (IBM telco churn, from R modeldata) and {} (IBM HR attrition, from R modeldata)",
            TELCO.name, HR.name
        ),
        notes,
        tables: vec![Table {
            headers: ["Quantity", "Group", "Value", "CI", "Unit", "Method"]
                .map(String::from)
                .to_vec(),
            rows,
        }],
        results,
        charts: Vec::new(),
    }])
}

fn row(name: &str, group: &str, est: &Estimate, unit: &str, digits: usize) -> Vec<String> {
    vec![
        name.into(),
        group.into(),
        fmt(est.value, digits),
        fmt_ci(est.ci_low, est.ci_high, digits),
        unit.into(),
        est.method.clone(),
    ]
}

fn result(
    index: &str,
    group: &str,
    est: &Estimate,
    extra: &[(&str, serde_json::Value)],
) -> ReportResult {
    let mut r = ReportResult::from_estimate(SECTION, index, group, None, est);
    let more: BTreeMap<String, serde_json::Value> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    r.extra.extend(more);
    r
}

fn core(context: &str) -> impl FnOnce(loyalty::Error) -> CliError + '_ {
    move |e| CliError::core(context.to_string())(e)
}

/// Value of the active telco base and of +5 points of annual retention.
fn customers(
    args: &ReportArgs,
    results: &mut Vec<ReportResult>,
    rows: &mut Vec<Vec<String>>,
    notes: &mut Vec<String>,
) -> Result<(), CliError> {
    let table = CsvTable::bundled(&TELCO)?;
    let tenure = table.column_f64("tenure")?;
    let charges = table.column_f64("monthly_charges")?;
    let churn = table.column_str("churn")?;

    // Geometric lifetime with censoring: churners leave after `tenure`
    // months, the others are still present. log L = d ln p + (T − d) ln(1 − p)
    // with d churners and T months of exposure, so p̂ = d/T and the observed
    // information gives se(p̂) = sqrt(p̂(1 − p̂)/T).
    let mut churners = 0.0;
    let mut exposure = 0.0;
    let mut base_margin = 0.0;
    let mut active = 0.0;
    for (i, flag) in churn.iter().enumerate() {
        if !tenure[i].is_finite() || !charges[i].is_finite() {
            return Err(CliError::input(
                TELCO.name,
                table.line_of(i),
                Some("tenure"),
                "tenure and monthly_charges must be numbers",
            ));
        }
        exposure += tenure[i];
        match flag.as_str() {
            "Yes" => churners += 1.0,
            "No" => {
                active += 1.0;
                base_margin += MARGIN_SHARE * charges[i];
            }
            other => {
                return Err(CliError::input(
                    TELCO.name,
                    table.line_of(i),
                    Some("churn"),
                    format!("{other:?} is not Yes or No"),
                ))
            }
        }
    }
    let churn_rate = churners / exposure;
    let retention = 1.0 - churn_rate;
    let retention_se = (churn_rate * (1.0 - churn_rate) / exposure).sqrt();
    let monthly_discount = (1.0 + ANNUAL_DISCOUNT).powf(1.0 / 12.0) - 1.0;
    let convention = ClvConvention::end();
    let cov = diagonal_covariance(&[retention_se]);

    let retention_est = Estimate::normal(
        retention,
        retention_se,
        args.level,
        "mle_geometric_censored",
        churn.len() as f64,
        churn.len() as f64,
    )
    .map_err(core("monthly retention"))?;
    let annual = |r: f64| r.powi(12);
    let annual_est = propagate(
        |x| Ok(annual(x[0])),
        &[retention],
        &cov,
        Propagation::Delta,
        args.level,
    )
    .map_err(core("annual retention"))?;

    let base_value = |r: f64| {
        clv(
            base_margin,
            &RetentionCurve::Constant(r),
            monthly_discount,
            &convention,
        )
    };
    let value_est = propagate(
        |x| base_value(x[0]),
        &[retention],
        &cov,
        Propagation::Delta,
        args.level,
    )
    .map_err(core("value of the customer base"))?;

    // +5 points of annual retention: r_a' = r^12 + 0.05, monthly r' = r_a'^(1/12).
    let plus = |r: f64| -> loyalty::Result<f64> {
        let raised = (annual(r) + PLUS_POINTS / 100.0).powf(1.0 / 12.0);
        Ok(base_value(raised)? - base_value(r)?)
    };
    let plus_est = propagate(
        |x| plus(x[0]),
        &[retention],
        &cov,
        Propagation::Delta,
        args.level,
    )
    .map_err(core("value of +5 points of retention"))?;
    let relative = plus_est.value / value_est.value;

    let n = churn.len() as f64;
    let fix_n = |mut e: Estimate| {
        e.n = n;
        e.n_effective = n;
        e
    };
    let (annual_est, value_est, plus_est) = (fix_n(annual_est), fix_n(value_est), fix_n(plus_est));
    let assumptions = serde_json::json!({
        "margin_share_of_monthly_charges": MARGIN_SHARE,
        "annual_discount_rate": ANNUAL_DISCOUNT,
        "monthly_discount_rate": monthly_discount,
        "timing": "end of month",
        "horizon": "infinite",
    });
    rows.push(row(
        "Monthly retention",
        "customers",
        &retention_est,
        "share",
        4,
    ));
    rows.push(row(
        "Annual retention",
        "customers",
        &annual_est,
        "share",
        4,
    ));
    rows.push(row(
        "Value of the active base",
        "customers",
        &value_est,
        "USD",
        0,
    ));
    rows.push(row(
        "Value of +5 points of annual retention",
        "customers",
        &plus_est,
        "USD",
        0,
    ));
    results.push(result(
        "monthly_retention",
        "customers",
        &retention_est,
        &[
            ("churners", churners.into()),
            ("exposure_months", exposure.into()),
        ],
    ));
    results.push(result("annual_retention", "customers", &annual_est, &[]));
    results.push(result(
        "customer_base_value",
        "customers",
        &value_est,
        &[
            ("active_customers", active.into()),
            ("assumptions", assumptions.clone()),
        ],
    ));
    results.push(result(
        "value_of_plus_5_points_retention",
        "customers",
        &plus_est,
        &[
            ("relative_change", relative.into()),
            ("assumptions", assumptions),
        ],
    ));
    notes.push(format!(
        "Customers: margin = {:.0}% of monthly charges (assumed), discount rate {:.0}% a year ({:.4}% a month), margins at the end of each month, infinite horizon; {} active customers with monthly margin {:.0} in total.",
        100.0 * MARGIN_SHARE,
        100.0 * ANNUAL_DISCOUNT,
        100.0 * monthly_discount,
        active,
        base_margin
    ));
    notes.push(format!(
        "Customers: one constant monthly retention, estimated from tenure and the churn flag ({churners} churners over {exposure} customer-months; geometric lifetime with censoring); its standard error is propagated to every value by the delta method. +5 points raise the annual retention r^12 by 0.05 (+{:.1}% of the base's value).",
        100.0 * relative
    ));
    Ok(())
}

/// Cost of employee turnover on the HR attrition sample.
fn employees(
    args: &ReportArgs,
    results: &mut Vec<ReportResult>,
    rows: &mut Vec<Vec<String>>,
    notes: &mut Vec<String>,
) -> Result<(), CliError> {
    let table = CsvTable::bundled(&HR)?;
    let attrition = table.column_str("Attrition")?;
    let income = table.column_f64("MonthlyIncome")?;
    let mut left = 0.0;
    for (i, flag) in attrition.iter().enumerate() {
        match flag.as_str() {
            "Yes" => left += 1.0,
            "No" => {}
            other => {
                return Err(CliError::input(
                    HR.name,
                    table.line_of(i),
                    Some("Attrition"),
                    format!("{other:?} is not Yes or No"),
                ))
            }
        }
        if !income[i].is_finite() {
            return Err(CliError::input(
                HR.name,
                table.line_of(i),
                Some("MonthlyIncome"),
                "missing income",
            ));
        }
    }
    let n = attrition.len() as f64;
    let rate = left / n;
    let rate_se = (rate * (1.0 - rate) / n).sqrt();
    let salaries: Vec<f64> = income.iter().map(|m| 12.0 * m).collect();
    let mean_salary = salaries.iter().sum::<f64>() / n;
    let salary_se = (salaries
        .iter()
        .map(|s| (s - mean_salary).powi(2))
        .sum::<f64>()
        / (n - 1.0)
        / n)
        .sqrt();

    let cost = |x: &[f64]| turnover_cost(n, x[0], x[1], COST_SHARE).map(|c| c.total);
    let cov = diagonal_covariance(&[rate_se, salary_se]);
    let mut cost_est = propagate(
        cost,
        &[rate, mean_salary],
        &cov,
        Propagation::Delta,
        args.level,
    )
    .map_err(core("cost of employee turnover"))?;
    cost_est.n = n;
    cost_est.n_effective = n;
    let rate_est =
        Estimate::normal(rate, rate_se, args.level, "wald", n, n).map_err(core("turnover rate"))?;
    let per =
        turnover_cost(1.0, 1.0, mean_salary, COST_SHARE).map_err(core("cost per separation"))?;

    rows.push(row(
        "Turnover rate (Attrition = Yes)",
        "employees",
        &rate_est,
        "share",
        4,
    ));
    rows.push(row(
        "Cost of employee turnover",
        "employees",
        &cost_est,
        "income units",
        0,
    ));
    results.push(result(
        "turnover_rate",
        "employees",
        &rate_est,
        &[("separations", left.into())],
    ));
    results.push(result(
        "turnover_cost",
        "employees",
        &cost_est,
        &[
            ("cost_share_of_salary", COST_SHARE.into()),
            ("mean_annual_salary", mean_salary.into()),
            ("cost_per_separation", per.cost_per_separation.into()),
            ("headcount", n.into()),
        ],
    ));
    notes.push(format!(
        "Employees: turnover rate = share with Attrition = Yes ({left} of {n}), read as an annual rate; salary = 12 × MonthlyIncome (mean {:.0}); cost of a separation = {:.0}% of annual salary (assumed); standard errors of the rate and the mean salary propagated by the delta method.",
        mean_salary,
        100.0 * COST_SHARE
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_section_reports_every_result() {
        let args = ReportArgs {
            level: 0.95,
            ..ReportArgs::default()
        };
        let sections = build(&args).unwrap();
        let names: Vec<&str> = sections[0]
            .results
            .iter()
            .map(|r| r.index.as_str())
            .collect();
        for expected in [
            "monthly_retention",
            "annual_retention",
            "customer_base_value",
            "value_of_plus_5_points_retention",
            "turnover_rate",
            "turnover_cost",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        for r in &sections[0].results {
            assert!(
                r.value.is_finite()
                    && r.ci_low.unwrap() <= r.value
                    && r.value <= r.ci_high.unwrap()
            );
        }
    }

    #[test]
    fn turnover_rate_matches_the_data() {
        // 237 of the 1,470 employees of the IBM sample have Attrition = Yes.
        let args = ReportArgs {
            level: 0.95,
            ..ReportArgs::default()
        };
        let sections = build(&args).unwrap();
        let rate = sections[0]
            .results
            .iter()
            .find(|r| r.index == "turnover_rate")
            .unwrap();
        assert!((rate.value - 237.0 / 1470.0).abs() < 1e-12);
    }
}
