"""Key-driver analysis from Python against published values.

Sources: tests/reference/survey.json, section key_driver (relaimpo's
calc.relimp on R's swiss data and on the mobi construct means, the R
dominanceanalysis package, Johnson's relative weights) and the driver cases
of tests/reference/peer-faults.json (the displayr Shapley worked example and
the non-PSD matrix of dominance-analysis issue 19).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import loyalty
from conftest import DATA, load_reference

TOL = 1e-9
METHODS = ["lmg", "relative_weights", "pratt", "first", "last", "betasq"]


def swiss() -> pd.DataFrame:
    return pd.read_csv(DATA / "survey" / "swiss.csv")


def mobi_constructs() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "survey" / "mobi.csv")
    items = {"IMAG": 5, "CUEX": 3, "PERQ": 7, "PERV": 2, "CUSA": 3}
    out = pd.DataFrame({k: raw[[f"{k}{i}" for i in range(1, n + 1)]].mean(axis=1) for k, n in items.items()})
    out["CUSL3"] = raw["CUSL3"]
    return out


def reference_values(case: dict, method: str) -> dict:
    if method == "lmg":
        return case["dominance"]["lmg"]
    if method == "relative_weights":
        return case["johnson_relative_weights"]["raw"]
    return case[method]


@pytest.mark.parametrize("case_name,frame", [
    ("swiss_relaimpo_classic", swiss),
    ("mobi_constructs_to_CUSL3", mobi_constructs),
])
@pytest.mark.parametrize("method", METHODS)
def test_relaimpo_values(case_name, frame, method):
    case = load_reference("survey.json")["key_driver"][case_name]
    r = loyalty.key_drivers(frame(), case["y"], case["X"], method=method)
    assert list(r.importance.columns) == ["driver", "importance", "share", "ci_low", "ci_high"]
    assert list(r.importance["driver"]) == case["X"]
    want = reference_values(case, method)
    for _, row in r.importance.iterrows():
        assert row["importance"] == pytest.approx(want[row["driver"]], abs=TOL), row["driver"]
    assert float(r.r_squared) == pytest.approx(case["r2"], abs=TOL)
    assert r.n == case["n"]


@pytest.mark.parametrize("case_name,frame", [
    ("swiss_relaimpo_classic", swiss),
    ("mobi_constructs_to_CUSL3", mobi_constructs),
])
def test_dominance_matrices(case_name, frame):
    case = load_reference("survey.json")["key_driver"][case_name]
    r = loyalty.key_drivers(frame(), case["y"], case["X"], method="dominance")
    dom = case["dominance"]
    for x in case["X"]:
        assert r.dominance.general[x] == pytest.approx(dom["lmg"][x], abs=TOL)
        got = r.dominance.conditional.loc[x].to_numpy()
        np.testing.assert_allclose(got, dom["conditional_dominance"][x], atol=TOL)
        for other in case["X"]:
            want = dom["complete_dominance"][x][other]
            got = r.dominance.complete.loc[x, other]
            if want is None:
                assert math.isnan(got)
            else:
                assert got == want, (x, other)


def test_relative_weight_shares():
    case = load_reference("survey.json")["key_driver"]["swiss_relaimpo_classic"]
    r = loyalty.key_drivers(swiss(), "Fertility", case["X"], method="relative_weights")
    pct = case["johnson_relative_weights"]["rescaled_pct"]
    for _, row in r.importance.iterrows():
        assert 100 * row["share"] == pytest.approx(pct[row["driver"]], abs=1e-7)


def test_shapley_worked_example():
    faults = load_reference("peer-faults.json")["cases"]
    case = next(c for c in faults if c["model"] == "Shapley / LMG")
    table = {tuple(k): v for k, v in case["input"]["r2_by_subset"].items()}
    s = loyalty.shapley_values(table, ["A", "B", "C"])
    for k, v in case["expected"].items():
        assert s[k] == pytest.approx(v, abs=case["tolerance"]["abs"])


def test_non_psd_matrix_names_eigenvalue():
    faults = load_reference("peer-faults.json")["cases"]
    case = next(c for c in faults if "correlation matrix" in c["model"])
    m = np.array(case["input"]["corr_matrix_order_y_x1_x2"])
    with pytest.raises(loyalty.NotPositiveSemidefiniteError, match=r"-2\.357"):
        loyalty.key_drivers_from_matrix(m, 100, names=["y", "x1", "x2"])


@pytest.mark.parametrize("s", [-0.9, -0.5, -0.3])
def test_non_psd_kind_rejected(s):
    # Same kind: outcome correlated 0.8 with drivers that correlate
    # negatively; eigenvalue 1 + s/2 - sqrt(s^2/4 + 2 * 0.64) is negative.
    m = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, s], [0.8, s, 1.0]])
    with pytest.raises(loyalty.NotPositiveSemidefiniteError):
        loyalty.key_drivers_from_matrix(m, 50)


def test_matrix_input_matches_data():
    df = swiss()
    xs = ["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"]
    a = loyalty.key_drivers(df, "Fertility", xs)
    b = loyalty.key_drivers_from_matrix(df[["Fertility"] + xs].corr(), len(df))
    np.testing.assert_allclose(a.importance["importance"], b.importance["importance"], atol=1e-10)
    c = loyalty.key_drivers_from_matrix(df[["Fertility"] + xs].cov(), len(df), bootstrap=50, seed=1)
    assert c.interval_method == "parametric_bootstrap"
    assert (c.importance["ci_low"] <= c.importance["ci_high"]).all()


def test_names_with_spaces_and_unicode():
    df = swiss().rename(columns={"Education": "Éducation supérieure", "Catholic": "catholic share %",
                                 "Fertility": "fertilité 生育"})
    r = loyalty.key_drivers(df, "fertilité 生育", ["Agriculture", "Éducation supérieure", "catholic share %"])
    assert list(r.importance["driver"]) == ["Agriculture", "Éducation supérieure", "catholic share %"]
    assert r.dominance.complete.loc["Éducation supérieure", "Agriculture"] == 1.0


def test_rescaling_by_1e9_changes_nothing():
    df = swiss()
    xs = ["Agriculture", "Examination", "Education"]
    scaled = df.copy()
    scaled["Agriculture"] = scaled["Agriculture"] * 1e9
    scaled["Education"] = scaled["Education"] * 1e-9
    for method in METHODS:
        a = loyalty.key_drivers(df, "Fertility", xs, method=method).importance["importance"]
        b = loyalty.key_drivers(scaled, "Fertility", xs, method=method).importance["importance"]
        np.testing.assert_allclose(a, b, atol=1e-9)


def test_duplicate_driver_splits_equally():
    df = swiss()
    df["Education twin"] = df["Education"] * 3 + 1
    r = loyalty.key_drivers(df, "Fertility", ["Agriculture", "Education", "Education twin"])
    imp = r.importance.set_index("driver")["importance"]
    assert imp["Education"] == pytest.approx(imp["Education twin"], abs=1e-10)
    assert float(r.r_squared) <= 1.0
    assert r.collinear == ["Education twin"]


def test_zero_variance_driver_is_named():
    df = swiss()
    df["flat"] = 3.0
    with pytest.raises(loyalty.DegenerateError, match="flat"):
        loyalty.key_drivers(df, "Fertility", ["Agriculture", "flat"])


def test_missing_rows_are_dropped_and_counted():
    df = swiss()
    df.loc[[2, 5], "Education"] = np.nan
    df["Agriculture"] = df["Agriculture"].astype("Float64")
    df.loc[7, "Agriculture"] = pd.NA
    r = loyalty.key_drivers(df, "Fertility", ["Agriculture", "Education"])
    assert r.n == 44
    assert r.n_missing == 3


def test_bootstrap_is_seeded_and_covers():
    df = swiss()
    xs = ["Agriculture", "Examination", "Education"]
    a = loyalty.key_drivers(df, "Fertility", xs, bootstrap=200, seed=4)
    b = loyalty.key_drivers(df, "Fertility", xs, bootstrap=200, seed=4)
    pd.testing.assert_frame_equal(a.importance, b.importance)
    imp = a.importance
    assert (imp["ci_low"] < imp["ci_high"]).all()
    assert (imp["ci_low"] <= imp["importance"]).all()
    assert (imp["importance"] <= imp["ci_high"]).all()
    assert a.r_squared.ci_low < float(a.r_squared) < a.r_squared.ci_high
    cmp = a.compare("Education", "Agriculture")
    assert cmp.difference.value > 0
    assert 0 <= cmp.p_value <= 1
    with pytest.raises(loyalty.EmptyInputError):
        loyalty.key_drivers(df, "Fertility", xs).compare("Education", "Agriculture")


def test_no_bootstrap_gives_nan_intervals():
    r = loyalty.key_drivers(swiss(), "Fertility", ["Agriculture", "Education"])
    assert r.importance["ci_low"].isna().all()


def test_logistic_on_hr_attrition():
    hr = pd.read_csv(DATA / "churn" / "ibm_hr_attrition.csv")
    # Ordinal labels of the IBM data, coded 1-4 as in the original survey.
    levels = {"Low": 1, "Medium": 2, "High": 3, "Very_High": 4}
    items = ["EnvironmentSatisfaction", "JobSatisfaction", "RelationshipSatisfaction", "JobInvolvement"]
    df = pd.DataFrame({c: hr[c].map(levels) for c in items})
    df["left"] = hr["Attrition"] == "Yes"
    r = loyalty.key_drivers(df, "left", items, method="logistic")
    assert r.model == "logistic"
    assert float(r.importance["importance"].sum()) == pytest.approx(float(r.r_squared), abs=1e-10)
    assert 0 < float(r.r_squared) < 0.1
    with pytest.raises(loyalty.OutOfRangeError):
        loyalty.key_drivers(df.assign(left=df["left"] * 2), "left", items, method="logistic")


def test_non_numeric_column_is_explained():
    hr = pd.read_csv(DATA / "churn" / "ibm_hr_attrition.csv")
    with pytest.raises(TypeError, match="map its labels"):
        loyalty.key_drivers(hr, "Age", ["JobSatisfaction"])


def test_negative_bootstrap_rejected():
    with pytest.raises(ValueError, match="bootstrap"):
        loyalty.key_drivers(swiss(), "Fertility", ["Agriculture"], bootstrap=-1)


def test_unknown_method_rejected():
    with pytest.raises(ValueError, match="method"):
        loyalty.key_drivers(swiss(), "Fertility", ["Agriculture"], method="shap")


def test_weights_equal_repeated_rows():
    df = swiss().head(20)
    w = np.where(np.arange(20) % 3 == 0, 2.0, 1.0)
    a = loyalty.key_drivers(df, "Fertility", ["Agriculture", "Education"], weights=w)
    b = loyalty.key_drivers(pd.concat([df, df[w == 2]]), "Fertility", ["Agriculture", "Education"])
    np.testing.assert_allclose(a.importance["importance"], b.importance["importance"], atol=1e-10)


def test_ipa_quadrants_on_mobi():
    raw = pd.read_csv(DATA / "survey" / "mobi.csv")
    perq = [f"PERQ{i}" for i in range(1, 8)]
    r = loyalty.key_drivers(raw, "CUSA1", perq)
    ipa = r.ipa()
    assert set(ipa["quadrant"]) <= {"concentrate here", "keep up the good work", "low priority",
                                    "possible overkill"}
    assert ipa.attrs["performance_cut"] == pytest.approx(raw[perq].mean().mean())
    top = ipa.sort_values("importance").iloc[-1]
    assert top["quadrant"] in ("concentrate here", "keep up the good work")


def test_penalty_reward_flags_only_significant():
    rng = np.random.default_rng(8)
    df = pd.DataFrame({"must have": rng.integers(1, 6, 600), "delight": rng.integers(1, 6, 600),
                       "neutral": rng.integers(1, 6, 600)})
    df["csat"] = (np.where(df["must have"] <= 2, -2.0, 0.0) + np.where(df["delight"] >= 4, 1.5, 0.0)
                  + 0.3 * (df["neutral"] - 3) + rng.normal(size=600))
    r = loyalty.penalty_reward(df, "csat", ["must have", "delight", "neutral"], scale=(1, 5))
    t = r.table.set_index("driver")
    assert t.loc["must have", "flag"] == "basic"
    assert t.loc["delight", "flag"] == "excitement"
    assert pd.isna(t.loc["neutral", "flag"])
    assert (t["low_max"] == 2).all()
    assert (t["high_min"] == 4).all()
    assert t.loc["must have", "penalty"] == pytest.approx(-2.0, abs=0.3)


def test_many_drivers_are_sampled():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 27))
    df = pd.DataFrame(x, columns=[f"d{j}" for j in range(27)])
    df["y"] = x @ np.linspace(0, 1, 27) + rng.normal(size=400)
    r = loyalty.key_drivers(df, "y", [f"d{j}" for j in range(27)])
    assert not r.exact
    assert r.dominance is None
    assert (r.importance["ci_high"] > r.importance["ci_low"]).all()
    assert float(r.importance["importance"].sum()) == pytest.approx(float(r.r_squared), abs=1e-9)


def test_numpy_and_pandas_versions():
    # Integer dtypes of any width are read; docs/drivers.md lists the numpy
    # and pandas versions this file has passed on.
    df = pd.DataFrame({"y": np.arange(10.0) ** 1.5, "a": np.arange(10, dtype=np.int32),
                       "b": np.array([1, 3, 2, 5, 4, 6, 8, 7, 9, 9], dtype=np.int64)})
    r = loyalty.key_drivers(df, "y", ["a", "b"])
    assert r.importance["importance"].dtype == np.float64


def test_result_plots_and_pickles(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    r = loyalty.key_drivers(swiss(), "Fertility", ["Agriculture", "Education"], bootstrap=50, seed=2)
    assert r.plot() is not None
    assert r.plot(kind="ipa") is not None
    rs = pickle.loads(pickle.dumps(r.r_squared))
    assert float(rs) == float(r.r_squared)
    pr = loyalty.penalty_reward(swiss(), "Fertility", ["Agriculture"], low_max=30, high_min=60)
    assert pr.plot() is not None


def test_penalty_reward_matches_numpy_ols():
    # Independent implementation: ordinary least squares on the dummies with
    # numpy, standard errors from s^2 (X'X)^-1.
    raw = pd.read_csv(DATA / "survey" / "mobi.csv")
    items = ["PERQ1", "PERQ2", "PERQ7"]
    r = loyalty.penalty_reward(raw, "CUSA1", items, low_max=4, high_min=7)
    y = raw["CUSA1"].to_numpy(float)
    cols = [np.ones(len(y))]
    for c in items:
        cols += [(raw[c] <= 4).astype(float), (raw[c] >= 7).astype(float)]
    x = np.column_stack(cols)
    beta, rss, _, _ = np.linalg.lstsq(x, y, rcond=None)
    df_resid = len(y) - x.shape[1]
    cov = rss[0] / df_resid * np.linalg.inv(x.T @ x)
    t = r.table.set_index("driver")
    for k, c in enumerate(items):
        lo, hi = 1 + 2 * k, 2 + 2 * k
        assert t.loc[c, "penalty"] == pytest.approx(beta[lo], abs=1e-9)
        assert t.loc[c, "reward"] == pytest.approx(beta[hi], abs=1e-9)
        assert t.loc[c, "penalty_se"] == pytest.approx(np.sqrt(cov[lo, lo]), abs=1e-9)
        assert t.loc[c, "reward_se"] == pytest.approx(np.sqrt(cov[hi, hi]), abs=1e-9)
        asym_se = np.sqrt(cov[lo, lo] + cov[hi, hi] + 2 * cov[lo, hi])
        assert t.loc[c, "asymmetry_se"] == pytest.approx(asym_se, abs=1e-9)
    assert r.r_squared == pytest.approx(1 - rss[0] / ((y - y.mean()) ** 2).sum(), abs=1e-9)


def _numpy_logit_loglik(x: np.ndarray, y: np.ndarray) -> float:
    """Maximum log-likelihood of a logistic regression by plain Newton steps."""
    design = np.column_stack([np.ones(len(y)), x])
    beta = np.zeros(design.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-design @ beta))
        step = np.linalg.solve(design.T @ (design * (mu * (1 - mu))[:, None]), design.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            break
    mu = 1 / (1 + np.exp(-design @ beta))
    return float(np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu)))


def test_logistic_matches_numpy_newton():
    # Independent implementation: McFadden's R2 = 1 - lnL(model) / lnL(null)
    # with each model fitted by Newton's method in numpy.
    hr = pd.read_csv(DATA / "churn" / "ibm_hr_attrition.csv")
    levels = {"Low": 1, "Medium": 2, "High": 3, "Very_High": 4}
    items = ["EnvironmentSatisfaction", "JobSatisfaction", "JobInvolvement"]
    df = pd.DataFrame({c: hr[c].map(levels) for c in items})
    df["left"] = (hr["Attrition"] == "Yes").astype(float)
    r = loyalty.key_drivers(df, "left", items, method="logistic")
    y = df["left"].to_numpy()
    p = y.mean()
    null = float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    full = _numpy_logit_loglik(df[items].to_numpy(float), y)
    assert float(r.r_squared) == pytest.approx(1 - full / null, abs=1e-9)
    first = r.methods[(r.methods["method"] == "first")].set_index("driver")["importance"]
    for c in items:
        single = _numpy_logit_loglik(df[[c]].to_numpy(float), y)
        assert first[c] == pytest.approx(1 - single / null, abs=1e-9)
