"""Separation in Python against tests/reference/survey.json: the seminr ECSI
model on mobi (sem_seminr) and the R plspm 'satisfaction' model
(sem_plspm_python), plus quadrants, the response curve and error mapping."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import loyalty
from conftest import DATA, load_reference

MOBI_CONSTRUCTS = {
    "Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
    "Complaints": ["CUSCO"],
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}
MOBI_PATHS = {
    "Image": ["Expectation", "Satisfaction", "Loyalty"],
    "Expectation": ["Quality", "Value", "Satisfaction"],
    "Quality": ["Value", "Satisfaction"],
    "Value": ["Satisfaction"],
    "Satisfaction": ["Complaints", "Loyalty"],
    "Complaints": ["Loyalty"],
}
# survey.json sem_seminr: tolerance 1e-2 where the file says two ports
# disagree on this model; we reproduce seminr far closer, checked at 1e-6.
SEMINR_TOL = 1e-6
# survey.json sem_plspm_python: values from R plspm, tolerance 1e-4.
PLSPM_TOL = 1e-4


@pytest.fixture(scope="module")
def mobi() -> pd.DataFrame:
    return pd.read_csv(DATA / "survey" / "mobi.csv")


@pytest.fixture(scope="module")
def seminr() -> dict:
    return load_reference("survey.json")["sem_seminr"]["seminr_mobi_ECSI_composite"]


@pytest.fixture(scope="module")
def ecsi(mobi):
    return loyalty.pls_path_model(mobi, MOBI_CONSTRUCTS, MOBI_PATHS, bootstrap=200, seed=1)


def test_separation_seminr_paths(ecsi, seminr):
    paths = ecsi.paths
    assert list(paths.columns[:3]) == ["source", "target", "coefficient"]
    assert len(paths) == 12
    for row in paths.itertuples():
        expected = seminr["path_coef"][row.source][row.target]
        assert row.coefficient == pytest.approx(expected, abs=SEMINR_TOL), (row.source, row.target)
        assert row.ci_low < row.coefficient < row.ci_high
    assert ecsi.paths["method"].unique().tolist() == ["bootstrap_percentile"]
    assert "iterations=7" in repr(ecsi)


def test_separation_seminr_r_squared(ecsi, seminr):
    r2 = ecsi.r_squared
    assert isinstance(r2, dict)
    assert set(r2) == set(seminr["r_squared"]["Rsq"])
    for name, value in seminr["r_squared"]["Rsq"].items():
        assert r2[name] == pytest.approx(value, abs=SEMINR_TOL), name


def test_separation_seminr_outer(ecsi, seminr):
    w = ecsi.outer_weights
    l = ecsi.outer_loadings
    for item in w.index:
        construct = w.loc[item, "construct"]
        assert w.loc[item, "weight"] == pytest.approx(seminr["outer_weights"][item][construct], abs=SEMINR_TOL)
        assert l.loc[item, "loading"] == pytest.approx(seminr["outer_loadings"][item][construct], abs=SEMINR_TOL)
    assert w["ci_low"].notna().all()


def test_separation_seminr_validity(mobi, seminr):
    v = loyalty.construct_validity(mobi, MOBI_CONSTRUCTS, MOBI_PATHS, bootstrap=200, seed=3)
    names = list(MOBI_CONSTRUCTS)
    assert list(v.htmt.index) == names and list(v.htmt.columns) == names
    for a, row in seminr["htmt"].items():
        for b, value in row.items():
            if value is not None:
                assert v.htmt.loc[a, b] == pytest.approx(value, abs=SEMINR_TOL)
                assert v.htmt.loc[b, a] == pytest.approx(value, abs=SEMINR_TOL)
    for a, row in seminr["validity_fl_criteria"].items():
        for b, value in row.items():
            if value is not None:
                assert v.fornell_larcker.loc[a, b] == pytest.approx(value, abs=SEMINR_TOL)
    for name, rel in seminr["reliability"].items():
        assert v.ave[name] == pytest.approx(rel["AVE"], abs=SEMINR_TOL)
        assert v.composite_reliability[name] == pytest.approx(rel["rhoC"], abs=SEMINR_TOL)
        assert v.cronbach_alpha[name] == pytest.approx(rel["alpha"], abs=SEMINR_TOL)
        assert v.rho_a[name] == pytest.approx(rel["rhoA"], abs=SEMINR_TOL)
    # HTMT(Satisfaction, Loyalty) = 0.957 (seminr): above 0.90, not distinct.
    assert not v.distinct("Satisfaction", "Loyalty")
    flagged = [p for p in v.not_distinct if {p["a"], p["b"]} == {"Satisfaction", "Loyalty"}]
    assert flagged and flagged[0]["reasons"]
    assert "Satisfaction/Loyalty" in repr(v)


def test_separation_validity_without_paths(mobi):
    # Without paths the loadings come from a saturated model, but HTMT and
    # alpha depend on item correlations only, so they match seminr exactly.
    ref = load_reference("survey.json")["sem_seminr"]
    v = loyalty.construct_validity(
        mobi, {"Satisfaction": MOBI_CONSTRUCTS["Satisfaction"], "Loyalty": MOBI_CONSTRUCTS["Loyalty"]},
        bootstrap=100,
    )
    assert v.htmt.loc["Satisfaction", "Loyalty"] == pytest.approx(ref["htmt_manual_CUSA_CUSL"]["value"], abs=1e-9)
    pairs = v.pairs
    assert pairs.loc[0, "ci_low"] < pairs.loc[0, "htmt"] < pairs.loc[0, "ci_high"]


def test_separation_plspm_satisfaction():
    ref = load_reference("survey.json")["sem_plspm_python"]["plspm_satisfaction_ECSI_R_book_model"]
    df = pd.read_csv(DATA / "survey" / "ecsi_satisfaction.csv")
    blocks = {
        "IMAG": [f"imag{i}" for i in range(1, 6)],
        "EXPE": [f"expe{i}" for i in range(1, 6)],
        "QUAL": [f"qual{i}" for i in range(1, 6)],
        "VAL": [f"val{i}" for i in range(1, 5)],
        "SAT": [f"sat{i}" for i in range(1, 5)],
        "LOY": [f"loy{i}" for i in range(1, 5)],
    }
    paths = [("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
             ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY")]
    m = loyalty.pls_path_model(df, blocks, paths, scheme="centroid", standardize=False)
    expected = ref["R_expected_(plspm-python tests/data)"]
    table = m.paths.set_index(["source", "target"])["coefficient"]
    for key, value in expected.items():
        if "->" in key:
            s, t = key.split("->")
            assert table[(s, t)] == pytest.approx(value, abs=PLSPM_TOL), key
    assert m.r_squared["SAT"] == pytest.approx(expected["R2_SAT"], abs=PLSPM_TOL)
    assert m.r_squared["LOY"] == pytest.approx(expected["R2_LOY"], abs=PLSPM_TOL)
    assert m.reliability.loc["SAT", "ave"] == pytest.approx(expected["AVE_SAT"], abs=PLSPM_TOL)
    assert m.reliability.loc["LOY", "ave"] == pytest.approx(expected["AVE_LOY"], abs=PLSPM_TOL)
    assert m.gof == pytest.approx(expected["GoF"], abs=PLSPM_TOL)


def test_separation_index_from_unstandardised_weights(mobi, ecsi):
    idx = ecsi.index("Satisfaction")
    # The index applies the unstandardised weights (summing to 1) to the item
    # means on the observed 1-10 scale.
    w = ecsi.outer_weights
    items = MOBI_CONSTRUCTS["Satisfaction"]
    mean = sum(w.loc[i, "weight_unstandardized"] * mobi[i].mean() for i in items)
    assert idx.value == pytest.approx(100 * (mean - 1) / 9, abs=1e-9)
    assert 0 < idx < 100
    assert float(idx) == idx.value
    assert idx == pytest.approx(idx.value)
    assert idx.ci_low < idx.value < idx.ci_high
    assert idx.estimate.method == "bootstrap_percentile"
    import pickle

    assert pickle.loads(pickle.dumps(idx)).ci == idx.ci
    with pytest.raises(KeyError):
        ecsi.index("Nope")


def test_separation_quadrants_mobi(mobi):
    q = loyalty.loyalty_quadrants(mobi["CUSA1"], mobi["CUSL3"], satisfied_min=9, loyal_min=9,
                                  satisfaction_scale=(1, 10), loyalty_scale=(1, 10))
    assert set(q.counts) == {"loyalists", "mercenaries", "hostages", "defectors"}
    # Counts by hand with pandas on the same cuts.
    sat = mobi["CUSA1"] >= 9
    loy = mobi["CUSL3"] >= 9
    assert q.counts["loyalists"] == int((sat & loy).sum())
    assert q.counts["mercenaries"] == int((sat & ~loy).sum())
    assert q.counts["hostages"] == int((~sat & loy).sum())
    assert q.counts["defectors"] == int((~sat & ~loy).sum())
    assert q.p_loyal_given_satisfied.value == pytest.approx((sat & loy).sum() / sat.sum())
    assert q.satisfied_defector_rate.value == pytest.approx(1 - q.p_loyal_given_satisfied.value)
    assert q.p_value < 0.05
    frame = q.to_frame()
    assert frame["count"].sum() == 250


def test_separation_quadrants_behavioural_join():
    q = loyalty.loyalty_quadrants(
        [9, 3, 7, 10], np.array([False, True, True]), satisfied_min=8,
        survey_ids=["a", "b", "c", "d"], member_ids=["c", "a", "d"], group="employees",
    )
    # a: satisfied, retained; c: not satisfied, lost; d: satisfied, retained.
    assert q.counts == {"loyalists": 2, "mercenaries": 0, "hostages": 0, "defectors": 1}
    assert q.measure == "behavioural"
    assert q.group == "employees"


def test_separation_response_curve(mobi):
    curve = loyalty.response_curve(mobi["CUSA1"], mobi["CUSL3"], bootstrap=200, seed=2)
    df = curve.to_frame()
    assert df["fitted"].is_monotonic_increasing
    means = mobi.groupby("CUSA1")["CUSL3"].mean()
    assert np.allclose(df["mean"].to_numpy(), means.to_numpy())
    zone = curve.zone_of_affection
    assert zone["from"] < zone["to"]
    assert zone["jump"].value == zone["size"]
    assert zone["jump"].ci_low <= zone["jump"].value <= zone["jump"].ci_high
    lo, hi = zone["location_interval"]
    assert lo <= hi


def test_separation_errors_are_typed(mobi):
    with pytest.raises(loyalty.LengthMismatchError):
        loyalty.loyalty_quadrants([1, 2], [1], satisfied_min=1, loyal_min=1)
    with pytest.raises(loyalty.OutOfRangeError):
        loyalty.loyalty_quadrants([1, 6.5], [1, 2], satisfied_min=1, loyal_min=1, satisfaction_scale=(1, 10))
    bad = mobi.copy()
    bad["CUSA2"] = 5
    with pytest.raises(loyalty.DegenerateError, match="CUSA2"):
        loyalty.pls_path_model(bad, {"S": ["CUSA1", "CUSA2"], "L": ["CUSL1"]}, [("S", "L")])
    with pytest.raises(loyalty.EmptyInputError):
        loyalty.pls_path_model(mobi, {"S": [], "L": ["CUSL1"]}, [("S", "L")])
    with pytest.raises(loyalty.NotConvergedError, match="2 iterations"):
        loyalty.pls_path_model(mobi, {"S": ["CUSA1", "CUSA2"], "L": ["CUSL1", "CUSL3"]}, [("S", "L")],
                               max_iter=2, tolerance=1e-15)


def test_separation_corporate_reputation_missing():
    # -99 marks missing values in the Hair et al. primer data.
    df = pd.read_csv(DATA / "survey" / "corporate_reputation.csv").replace(-99, np.nan)
    constructs = {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"],
                  "CUSA": ["cusa"], "CUSL": ["cusl_1", "cusl_2", "cusl_3"]}
    paths = {"COMP": ["CUSA", "CUSL"], "LIKE": ["CUSA", "CUSL"], "CUSA": ["CUSL"]}
    with pytest.raises(loyalty.NotFiniteError):
        loyalty.pls_path_model(df, constructs, paths)
    m = loyalty.pls_path_model(df, constructs, paths, missing="mean", scale=(1, 7))
    assert 0 < m.r_squared["CUSL"] < 1
    assert 0 < m.index("CUSL") < 100


def test_separation_plots(mobi):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    q = loyalty.loyalty_quadrants(mobi["CUSA1"], mobi["CUSL3"], satisfied_min=9, loyal_min=9)
    assert q.plot() is not None
    assert loyalty.response_curve(mobi["CUSA1"], mobi["CUSL3"], bootstrap=100).plot() is not None
    m = loyalty.pls_path_model(mobi, MOBI_CONSTRUCTS, MOBI_PATHS)
    assert m.plot() is not None
    v = loyalty.construct_validity(mobi, {"S": MOBI_CONSTRUCTS["Satisfaction"], "L": MOBI_CONSTRUCTS["Loyalty"]},
                                   bootstrap=100)
    assert v.plot() is not None


def test_separation_docstring_examples():
    import loyalty.separation as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_separation_validity_saturated_near_seminr(mobi, seminr):
    # Without paths every pair of constructs is linked (factorial scheme), so
    # loadings differ slightly from seminr's path-model ones: AVE, rho_C and
    # Fornell-Larcker stay within the file's 1e-2 tolerance on mobi.
    v = loyalty.construct_validity(mobi, MOBI_CONSTRUCTS, bootstrap=100)
    for name, rel in seminr["reliability"].items():
        assert v.ave[name] == pytest.approx(rel["AVE"], abs=1e-2)
        assert v.composite_reliability[name] == pytest.approx(rel["rhoC"], abs=1e-2)
        assert v.cronbach_alpha[name] == pytest.approx(rel["alpha"], abs=1e-9)
    for a, row in seminr["validity_fl_criteria"].items():
        for b, value in row.items():
            if value is not None:
                assert v.fornell_larcker.loc[a, b] == pytest.approx(value, abs=1e-2)
