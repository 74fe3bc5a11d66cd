"""Retention in Python: reference cases, the peer faults of Kaplan-Meier with
late entry, cohort-table censoring, and cross-checks against lifelines on the
bundled IBM telco and HR attrition data (skipped when lifelines is absent)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import loyalty
from conftest import DATA, load_reference


def _peer_case(model: str, group: str) -> dict:
    cases = load_reference("peer-faults.json")["cases"]
    return next(c for c in cases if c["model"] == model and c["group"] == group)


def test_kaplan_meier_small_matches_reference():
    # economics.json kaplan_meier_small: statsmodels SurvfuncRight and
    # lifelines 0.30.3 agree; tolerance 1e-4 as stated there.
    case = load_reference("economics.json")["kaplan_meier_small"]
    km = loyalty.kaplan_meier(case["durations"], case["events"])
    for t, s in case["survival"].items():
        assert km.survival_at(float(t)) == pytest.approx(s, abs=case["tolerance_abs"])
    for t, (low, high) in case["ci95_log_log"].items():
        got_low, got_high = km.confidence_interval_at(float(t))
        # The reference rounds the bounds to 3 or 4 decimals.
        assert got_low == pytest.approx(low, abs=5e-4)
        assert got_high == pytest.approx(high, abs=5e-4)
    assert km.median() == case["median"]


def test_late_entrant_after_empty_risk_set():
    # peer-faults.json: lifelines PR #1075.
    case = _peer_case("Kaplan-Meier (left truncation)", "degenerate data")
    inp = case["input"]
    km = loyalty.kaplan_meier(inp["durations"], inp["events"], entry=inp["entry"])
    for t, s in case["expected"]["S"].items():
        assert km.survival_at(float(t)) == pytest.approx(s, abs=case["tolerance"]["abs"])
    sf = km.survival_function()
    assert not sf.isna().any().any()


def test_entrant_at_event_time_not_in_risk_set():
    # peer-faults.json: lifelines#497, statsmodels PR #3126.
    case = _peer_case("Kaplan-Meier (left truncation)", "statistical convention")
    inp, exp = case["input"], case["expected"]
    km = loyalty.kaplan_meier(inp["durations"], inp["events"], entry=inp["entry"])
    sf = km.survival_function().set_index("time")
    tol = case["tolerance"]["abs"]
    for t, s in exp["S"].items():
        assert sf.loc[float(t), "survival"] == pytest.approx(s, abs=tol)
        assert sf.loc[float(t), "at_risk"] == exp["at_risk"][t]
        assert sf.loc[float(t), "se"] == pytest.approx(exp["greenwood_se"][t], abs=tol)


def test_entry_not_before_duration_raises():
    with pytest.raises(loyalty.InvalidDataError, match="entry >= duration"):
        loyalty.kaplan_meier([2.0, 3.0], [1, 1], entry=[2.0, 0.0])
    with pytest.raises(loyalty.OutOfRangeError):
        loyalty.kaplan_meier([2.0, 3.0], [1, 2])
    with pytest.raises(loyalty.NotFiniteError):
        loyalty.kaplan_meier([2.0, np.nan])
    with pytest.raises(loyalty.LengthMismatchError):
        loyalty.kaplan_meier([2.0, 3.0], [1])


def test_survival_at_returns_float_or_array():
    km = loyalty.kaplan_meier([1, 2, 3, 4], [1, 1, 0, 1])
    assert isinstance(km.survival_at(2), float)
    assert km.survival_at(0.5) == 1.0
    values = km.survival_at(np.array([0.0, 1.0, 2.5, 10.0]))
    assert isinstance(values, np.ndarray)
    np.testing.assert_allclose(values, [1.0, 0.75, 0.5, 0.0])


def test_survival_function_columns():
    km = loyalty.kaplan_meier(pd.Series([5, 3, 3, 8]), pd.Series([True, True, False, True]))
    sf = km.survival_function()
    assert list(sf.columns[:6]) == ["time", "survival", "ci_low", "ci_high", "at_risk", "events"]
    assert sf["time"].tolist() == [3.0, 5.0, 8.0]
    # Events before censorings at 3: both members at 3 are at risk.
    assert sf["at_risk"].tolist() == [4, 2, 1]


def test_quantile_not_reached_is_infinite():
    km = loyalty.kaplan_meier([1, 5, 6], [1, 0, 0])
    assert math.isinf(km.median())
    assert km.quantile(0.25) == 1.0
    with pytest.raises(ValueError):
        km.quantile(1.5)


def test_kaplan_meier_pickles():
    km = loyalty.kaplan_meier([1, 2, 3], [1, 0, 1])
    back = pickle.loads(pickle.dumps(km))
    assert back.survival_at(3) == km.survival_at(3)


def test_log_rank_matches_survdiff_on_aml():
    # R survival: survdiff(Surv(time, status) ~ x, data = aml); lifelines
    # 0.30.3 logrank_test gives statistic 3.3963886989776024, p 0.0653393220405049.
    durations = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
    events = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    groups = ["Maintained"] * 11 + ["Nonmaintained"] * 12
    r = loyalty.log_rank(durations, events, groups)
    assert r.df == 1
    assert r.statistic == pytest.approx(3.3963886989776024, abs=1e-9)
    assert r.p_value == pytest.approx(0.0653393220405049, abs=1e-9)
    assert r.groups == ["Maintained", "Nonmaintained"]


def test_cohort_table_excludes_unobservable_cells():
    t = loyalty.cohort_table(
        [1, 2, 3, 4, 5],
        ["2024-01-05", "2024-01-20", "2024-02-10", "2024-02-11", "2024-03-03"],
        ["2024-02-15", None, "2024-02-20", "2024-03-01", None],
        period="M",
        observation_end="2024-03-31",
    )
    shares = t.shares()
    assert shares.loc["2024-01", 2] == 0.5
    # February lost both members by 1 March: a real 0, not NaN.
    assert shares.loc["2024-02", 1] == 0.0
    # Not yet observable: NaN, never 0.
    assert math.isnan(shares.loc["2024-02", 2])
    assert math.isnan(shares.loc["2024-03", 1])
    avg = t.average().set_index("period")
    assert avg.loc[1, "cohorts"] == 2
    assert avg.loc[1, "weighted"] == pytest.approx(0.5)
    assert avg.loc[2, "cohorts"] == 1


def test_cohort_table_weighted_and_unweighted_averages():
    t = loyalty.cohort_table(
        ["a", "b", "c", "d"],
        pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-02", "2024-02-03"]),
        pd.to_datetime([None, None, "2024-02-10", "2024-02-11"]),
        observation_end=pd.Timestamp("2024-04-30"),
    )
    row = t.average().set_index("period").loc[1]
    assert row["weighted"] == pytest.approx(0.5)
    assert row["unweighted"] == pytest.approx((1 + 1 / 3) / 2)


def test_cohort_table_parses_dates_before_comparing():
    # Text dates in month/day/year order compared as text would put
    # January 2026 before November 2025 (pymc-marketing#2744).
    t = loyalty.cohort_table([1, 2], ["11/01/2025", "01/15/2026"], None, observation_end="02/28/2026")
    assert t.cohorts == ["2025-11", "2026-01"]


def test_cohort_table_rejects_duplicates_and_late_ends():
    with pytest.raises(loyalty.InvalidDataError, match="more than once"):
        loyalty.cohort_table([1, 1], ["2024-01-01", "2024-01-02"], observation_end="2024-03-31")
    with pytest.raises(loyalty.InvalidDataError, match="after the observation end"):
        loyalty.cohort_table([1], ["2024-01-01"], ["2024-05-01"], observation_end="2024-03-31")


def test_retention_summary_per_segment_for_employees():
    hr = pd.read_csv(DATA / "churn" / "ibm_hr_attrition.csv")
    r = loyalty.retention_summary(
        hr["YearsAtCompany"], hr["Attrition"].eq("Yes"), segments=hr["Department"],
        group="employees", horizon=5,
    )
    assert r.group == "employees"
    assert r.summary["segment"].tolist()[1:] == sorted(hr["Department"].unique())
    overall = r.summary.iloc[0]
    assert overall["members"] == len(hr)
    # Constant-retention turnover = exits / years at risk.
    exposure = hr["YearsAtCompany"].sum()
    assert overall["turnover"] == pytest.approx(hr["Attrition"].eq("Yes").sum() / exposure)
    assert r.log_rank is not None and r.log_rank.df == 2


def test_plot_draws_band():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = loyalty.kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1]).plot(label="all")
    assert len(ax.collections) == 1


def test_sbg_bridge_reproduces_fader_hardie_survivors():
    # Fader & Hardie (2007), Table 1, regular segment: survivors per 1,000.
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    durations, events = [], []
    for t in range(1, 8):
        durations += [t] * (survivors[t - 1] - survivors[t])
        events += [1] * (survivors[t - 1] - survivors[t])
    durations += [7] * survivors[7]
    events += [0] * survivors[7]
    obs = loyalty.sbg_observations(durations, events)
    assert obs.iloc[0].tolist() == [1, True, 369]
    km = loyalty.kaplan_meier(durations, events)
    np.testing.assert_allclose(km.survival_at(np.arange(8)), np.array(survivors) / 1000, atol=1e-12)


# --- cross-checks against lifelines on the bundled real data --------------


def _telco() -> pd.DataFrame:
    return pd.read_csv(DATA / "churn" / "ibm_telco_churn.csv")


def test_telco_matches_lifelines_by_contract():
    lifelines = pytest.importorskip("lifelines")
    telco = _telco()
    for contract, part in telco.groupby("contract"):
        durations = part["tenure"].to_numpy(dtype=float)
        events = part["churn"].eq("Yes").to_numpy()
        ours = loyalty.kaplan_meier(durations, events)
        theirs = lifelines.KaplanMeierFitter().fit(durations, events)
        times = np.array([1, 6, 12, 24, 48, 72], dtype=float)
        # Same product-limit estimator: equal to rounding.
        np.testing.assert_allclose(
            ours.survival_at(times), theirs.survival_function_at_times(times).to_numpy(), atol=1e-12,
            err_msg=contract,
        )
        ci = theirs.confidence_interval_survival_function_
        sf = ours.survival_function().set_index("time")
        common = [t for t in sf.index if t in ci.index and sf.loc[t, "survival"] < 1.0]
        np.testing.assert_allclose(sf.loc[common, "ci_low"], ci.loc[common].iloc[:, 0], atol=1e-9)
        np.testing.assert_allclose(sf.loc[common, "ci_high"], ci.loc[common].iloc[:, 1], atol=1e-9)
        table = theirs.event_table
        at_risk = table.loc[sf.index, "at_risk"].to_numpy()
        np.testing.assert_array_equal(sf["at_risk"].to_numpy(), at_risk)


def test_telco_log_rank_matches_lifelines():
    lifelines = pytest.importorskip("lifelines")
    from lifelines.statistics import multivariate_logrank_test

    telco = _telco()
    events = telco["churn"].eq("Yes")
    ours = loyalty.log_rank(telco["tenure"], events, telco["contract"])
    theirs = multivariate_logrank_test(telco["tenure"], telco["contract"], events)
    assert ours.df == 2
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(theirs.p_value, rel=1e-6, abs=1e-300)


def test_late_entry_matches_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(7)
    # Enough members for the bucket-sort path to run.
    n = 100_000
    entry = np.round(rng.uniform(0, 5, n), 1)
    durations = entry + np.round(rng.exponential(10, n), 1) + 0.1
    events = rng.uniform(size=n) < 0.7
    ours = loyalty.kaplan_meier(durations, events, entry=entry)
    theirs = lifelines.KaplanMeierFitter().fit(durations, events, entry=entry)
    times = np.linspace(0.5, 40, 30)
    np.testing.assert_allclose(
        ours.survival_at(times), theirs.survival_function_at_times(times).to_numpy(), atol=1e-10
    )
    assert ours.median() == pytest.approx(theirs.median_survival_time_)


def test_nelson_aalen_matches_lifelines_without_smoothing():
    lifelines = pytest.importorskip("lifelines")
    hr = pd.read_csv(DATA / "churn" / "ibm_hr_attrition.csv")
    durations = hr["YearsAtCompany"].to_numpy(dtype=float)
    events = hr["Attrition"].eq("Yes").to_numpy()
    ours = loyalty.nelson_aalen(durations, events)
    theirs = lifelines.NelsonAalenFitter(nelson_aalen_smoothing=False).fit(durations, events)
    times = np.arange(0, 41, dtype=float)
    expected = theirs.cumulative_hazard_at_times(times).to_numpy()
    np.testing.assert_allclose(ours.cumulative_hazard_at(times), expected, atol=1e-12)


def test_docstring_examples_run():
    import doctest

    import loyalty.retention

    result = doctest.testmod(loyalty.retention)
    assert result.failed == 0
    assert result.attempted > 10


def test_cohort_table_fits_sbg_to_fader_hardie_cohort():
    # Fader & Hardie (2007), Table 1 "regular" survivors per 1,000 at years 0..7,
    # rebuilt as one yearly cohort; their published fit is alpha 0.704, beta 1.182.
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    ids, starts, ends = [], [], []
    for year in range(1, 8):
        for _ in range(survivors[year - 1] - survivors[year]):
            ids.append(len(ids))
            starts.append("2000-01-01")
            ends.append(f"{2000 + year - 1}-06-30")
    for _ in range(survivors[7]):
        ids.append(len(ids))
        starts.append("2000-01-01")
        ends.append(None)
    table = loyalty.cohort_table(ids, starts, ends, period="Y", observation_end="2007-06-30")
    assert table.survivors(table.cohorts[0]) == survivors
    model = table.fit_sbg()
    assert model.params_["alpha"] == pytest.approx(0.704, abs=1e-3)
    assert model.params_["beta"] == pytest.approx(1.182, abs=1e-3)
