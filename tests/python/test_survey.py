"""Survey indices from Python: reference values, input types, errors.

Reference values come from tests/reference/survey.json and peer-faults.json,
whose cases name their sources (the R NPS package tests, MeasuringU, Rocks 2016).
"""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pandas as pd
import pytest

import loyalty
from conftest import DATA, load_reference

SURVEY = load_reference("survey.json")["nps"]
FAULTS = load_reference("peer-faults.json")["cases"]


def _mobi_cusl3() -> pd.Series:
    return pd.read_csv(DATA / "survey" / "mobi.csv")["CUSL3"]


def test_docstring_examples_run():
    import loyalty._estimate
    import loyalty.survey

    for module in (loyalty.survey, loyalty._estimate):
        result = doctest.testmod(module, raise_on_error=False)
        assert result.failed == 0, f"{module.__name__}: {result.failed} doctest failures"
        assert result.attempted > 0


@pytest.mark.parametrize("case", SURVEY["rpkg_NPS_unit_cases"]["cases"])
def test_r_nps_package_cases(case):
    d, pa, p = case["counts_D_Pa_P"]
    est = loyalty.nps_from_counts(d, pa, p, method="wald")
    assert est.value / 100 == pytest.approx(case["nps"], abs=1e-12)
    assert est.se / 100 == pytest.approx(case["se"], abs=1e-12)


def test_mobi_intervals_from_pandas_series():
    ref = SURVEY["mobi_CUSL3_nps"]
    scores = _mobi_cusl3()
    wald = loyalty.nps(scores, scale=(1, 10), method="wald")
    assert wald.value / 100 == pytest.approx(ref["wald_95"]["nps"], abs=1e-12)
    assert wald.ci_low / 100 == pytest.approx(ref["wald_95"]["lo"], abs=1e-9)
    adj = loyalty.nps(scores, scale=(1, 10))
    assert adj.method == "adjusted_wald"
    assert adj.ci_high / 100 == pytest.approx(ref["adjusted_wald_95_(+0.75,+1.5,+0.75)"]["hi"], abs=1e-9)
    tango = loyalty.nps(scores, scale=(1, 10), method="tango")
    assert tango.ci_low / 100 == pytest.approx(ref["tango_score_95_(NPS::iterative)"]["lo"], abs=1e-6)
    bayes = loyalty.nps(scores, scale=(1, 10), method="bayes", seed=3)
    assert bayes.value / 100 == pytest.approx(ref["dirichlet_uniform_prior"]["mean_exact"], abs=1e-12)
    assert bayes.ci_low / 100 == pytest.approx(ref["dirichlet_uniform_prior"]["q025_mc"], abs=0.002)
    boot = loyalty.nps(scores, scale=(1, 10), method="bootstrap", seed=2024)
    assert boot.ci_low / 100 == pytest.approx(ref["bootstrap_percentile_95"]["lo"], abs=0.01)


@pytest.mark.parametrize(
    "dtype", [np.uint8, np.int8, np.uint16, np.int16, np.int32, np.int64, np.uint64, np.float32, np.float64]
)
def test_every_numeric_dtype_gives_same_nps(dtype):
    scores = np.array([0, 7, 7, 9, 9, 9, 10, 3], dtype=dtype)
    est = loyalty.nps(scores, method="wald")
    assert est.value == pytest.approx(100 * (4 - 2) / 8)


def test_list_and_noncontiguous_inputs():
    base = np.array([10, 0, 9, 0, 8, 0, 7, 0], dtype=np.int64)
    strided = base[::2]
    assert not strided.flags["C_CONTIGUOUS"]
    assert loyalty.nps(strided, method="wald").value == pytest.approx(loyalty.nps([10, 9, 8, 7], method="wald").value)


def test_two_sample_comparison_from_counts_and_scores():
    ref = SURVEY["two_sample_A(20,30,50)_vs_B(30,35,35)"]["adjusted_wald"]
    r = loyalty.compare_nps((20, 30, 50), (30, 35, 35))
    assert r.difference.value / 100 == pytest.approx(ref["diff"], abs=1e-12)
    assert r.statistic == pytest.approx(ref["z"], abs=1e-9)
    assert r.p_value == pytest.approx(ref["p_two_sided"], abs=1e-9)
    a = [0] * 20 + [7] * 30 + [9] * 50
    b = np.array([0] * 30 + [7] * 35 + [9] * 35)
    r2 = loyalty.compare_nps(a, b)
    assert r2.difference.value == pytest.approx(r.difference.value)


def test_all_promoters_interval_keeps_width():
    case = next(c for c in FAULTS if c["model"] == "NPS CI" and c["group"] == "degenerate data")
    exp = case["expected"]
    est = loyalty.nps_from_counts(0, 0, 10)
    assert est.value == pytest.approx(exp["adjusted_wald_center"], abs=0.01)
    assert est.ci == pytest.approx(tuple(exp["adjusted_wald_ci"]), abs=0.01)
    wald = loyalty.nps_from_counts(0, 0, 10, method="wald")
    assert wald.ci == pytest.approx(tuple(exp["wald_ci_is_degenerate"]))


def test_fractional_scores_strict_and_lenient():
    case = next(c for c in FAULTS if c["model"] == "NPS" and c["group"] == "input validation")
    scores = case["input"]["scores"]
    with pytest.raises(loyalty.OutOfRangeError, match=r"scores\[0\] = 6.5"):
        loyalty.nps(scores)
    lenient = loyalty.nps(scores, scale=(0, 10, 0.5), method="wald")
    assert lenient.value == pytest.approx(case["expected"]["lenient_partition_nps"])
    counts = loyalty.nps_counts(scores, scale=(0, 10, 0.5))
    assert counts.n == len(scores)


def test_csat_top_two_box():
    case = next(c for c in FAULTS if c["model"] == "CSAT")
    ratings = []
    for score, n in case["input"]["ratings_5pt_counts"].items():
        ratings += [int(score)] * n
    est = loyalty.top_box(np.array(ratings), scale=(1, 5), box=2)
    assert 100 * est.value == pytest.approx(case["expected"]["csat_top2box_pct"])
    assert 0 <= est.ci_low < est.value < est.ci_high <= 1


def test_mean_score_t_interval():
    scores = np.array([1, 2, 3, 4, 5, 5, 6, 7])
    est = loyalty.mean_score(scores, scale=(1, 7))
    sd = scores.std(ddof=1)
    # Student t quantile for 7 degrees of freedom at 0.975 (R: qt(0.975, 7)).
    half = 2.3646242515927849 * sd / np.sqrt(len(scores))
    assert est.value == pytest.approx(scores.mean())
    assert est.ci_high - est.value == pytest.approx(half, rel=1e-9)


def test_category_shares_dataframe():
    df = loyalty.category_shares(_mobi_cusl3(), scale=(1, 10))
    assert list(df.columns) == ["score", "share", "se", "ci_low", "ci_high", "n"]
    assert df["share"].sum() == pytest.approx(1.0)
    ref = SURVEY["mobi_CUSL3_nps"]["value_distribution"]
    assert df.set_index("score").loc[10.0, "share"] == pytest.approx(ref["10"] / 250)


def test_missing_values_policy():
    scores = np.array([9.0, np.nan, 3.0])
    with pytest.raises(loyalty.NotFiniteError, match=r"scores\[1\]"):
        loyalty.nps(scores)
    est = loyalty.nps(scores, missing="drop", method="wald")
    assert (est.n, est.n_missing) == (2, 1)
    series = pd.Series([9, None, 3], dtype="Int64")
    assert loyalty.nps(series, missing="drop", method="wald").n_missing == 1


def test_weights_kish_and_taylor():
    scores = np.array([0, 7, 7, 9, 9, 9])
    w = np.array([1.0, 2.0, 1.0, 3.0, 1.0, 2.0])
    kish = loyalty.nps(scores, weights=w, method="wald")
    taylor = loyalty.nps(scores, weights=w, method="wald", weighted_se="taylor")
    assert kish.value == pytest.approx(taylor.value)
    assert kish.n_effective == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert kish.se != taylor.se
    with pytest.raises(loyalty.InvalidParameterError):
        loyalty.nps(scores, weights=w, method="tango")


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: loyalty.nps([]), loyalty.EmptyInputError),
        (lambda: loyalty.nps([1, 11]), loyalty.OutOfRangeError),
        (lambda: loyalty.nps([1, 2], weights=[1.0]), loyalty.LengthMismatchError),
        (lambda: loyalty.nps([1, 2], method="median"), loyalty.InvalidParameterError),
        (lambda: loyalty.nps([1, 2], level=95), loyalty.InvalidParameterError),
        (lambda: loyalty.nps([1, 2], promoter_min=5, detractor_max=6), loyalty.InvalidParameterError),
        (lambda: loyalty.nps_from_counts(0, 0, 0), loyalty.EmptyInputError),
        (lambda: loyalty.nps_from_counts(-1, 0, 3), loyalty.OutOfRangeError),
    ],
)
def test_bad_input_raises_value_error_subclass(call, error):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, loyalty.LoyaltyError)
    assert str(info.value)


def test_estimate_and_errors_pickle():
    est = loyalty.nps_from_counts(40, 60, 100)
    assert pickle.loads(pickle.dumps(est)) == est
    assert est.to_dict()["method"] == "adjusted_wald"
    err = loyalty.OutOfRangeError("scores[0] = 11 is invalid")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is loyalty.OutOfRangeError
    assert str(again) == str(err)


def test_large_uint8_fast_path_matches_counts():
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, size=1_000_003, dtype=np.uint8)
    est = loyalty.nps(scores, method="wald")
    p = np.count_nonzero(scores >= 9)
    d = np.count_nonzero(scores <= 6)
    assert est.value == pytest.approx(100 * (p - d) / scores.size, abs=1e-9)
    scores[777_777] = 42
    with pytest.raises(loyalty.OutOfRangeError, match=r"scores\[777777\] = 42"):
        loyalty.nps(scores)


@pytest.mark.parametrize(
    "call",
    [
        lambda: loyalty.nps(np.array([[10, 9], [3, 4]])),
        lambda: loyalty.nps(pd.DataFrame({"a": [9, 10], "b": [3, 4]})),
        lambda: loyalty.nps(np.array([9 + 0j])),
        lambda: loyalty.nps(["a", "b"]),
        lambda: loyalty.nps([9], scale=(10,)),
        lambda: loyalty.nps([9, 3], method="bayes", seed=-1),
        lambda: loyalty.top_box([5, 4], scale=(1, 5), box=1.5),
        lambda: loyalty.compare_nps((1.9, 2, 3), (1, 2, 3)),
        lambda: loyalty.compare_nps((-1, 2, 3), (1, 2, 3)),
        lambda: loyalty.nps([5, 4, 1], scale=(1, 5)),
        lambda: loyalty.nps_counts([5, 4, 1], scale=(1, 7)),
    ],
)
def test_malformed_input_raises_loyalty_error(call):
    with pytest.raises(loyalty.LoyaltyError):
        call()


def test_cut_points_set_on_five_point_item():
    est = loyalty.nps([5, 5, 4, 1], scale=(1, 5), promoter_min=5, detractor_max=3, method="wald")
    assert est.value == pytest.approx(25.0)


def test_masked_big_endian_and_nullable_inputs():
    masked = np.ma.masked_array([9, 10, 3], mask=[0, 0, 1])
    assert loyalty.nps(masked, missing="drop", method="wald").value == pytest.approx(100.0)
    big_endian = np.array([9, 10, 3], dtype=">i4")
    assert loyalty.nps(big_endian, method="wald").value == pytest.approx(100 / 3)
    nullable = pd.Series([9, pd.NA, 3], dtype="Int64")
    assert loyalty.nps(nullable, missing="drop", method="wald").n_missing == 1
