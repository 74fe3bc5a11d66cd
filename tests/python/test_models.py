"""Tests of loyalty.models against tests/reference/clv.json and peer-faults.json."""

from __future__ import annotations

import json
import math
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import loyalty
from loyalty.errors import BoundaryWarning, InvalidDataError, InvalidParameterError, NotConvergedError

from conftest import DATA, load_reference

CLV = load_reference("clv.json")
FAULTS = load_reference("peer-faults.json")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(DATA / "cdnow" / "cdnow_customers_summary.csv")


def fault(model: str, group: str) -> dict:
    return next(c for c in FAULTS["cases"] if c["model"] == model and c["group"] == group)


@pytest.mark.parametrize(
    "cls, case",
    [(loyalty.BetaGeo, "bgnbd_cdnow"), (loyalty.ModifiedBetaGeo, "mbgnbd_cdnow")],
)
def test_beta_geo_cdnow_reference(cls, case, cdnow):
    # Source: clv.json (FHL 2005 / Batislam et al. 2007 via lifetimes 0.11.3 refits).
    ref = CLV[case]
    m = cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert m.converged_
    for name, value in ref["params"].items():
        assert m.params_[name] == pytest.approx(value, rel=1e-3)
        assert m.standard_errors_[name] == pytest.approx(ref["standard_errors"][name], rel=1e-2)
    assert m.log_likelihood_ == pytest.approx(ref["log_likelihood_sum"], abs=1e-2)
    at = cls.from_params(**ref["params"])
    rows = cdnow.set_index("ID").loc[[c["ID"] for c in ref["per_customer"]]]
    p_alive = at.probability_alive(rows["frequency"], rows["recency"], rows["T"])
    e39 = at.expected_purchases(39, rows["frequency"], rows["recency"], rows["T"])
    assert isinstance(p_alive, pd.Series) and list(p_alive.index) == list(rows.index)
    for c, pa, e in zip(ref["per_customer"], p_alive, e39):
        assert pa == pytest.approx(c["p_alive"], rel=1e-4)
        assert e == pytest.approx(c["cond_exp_purchases_t39"], rel=1e-4)


def test_pareto_nbd_cdnow_reference(cdnow):
    # Source: clv.json pareto_nbd_cdnow; parameters within 1e-2 (flat in beta).
    ref = CLV["pareto_nbd_cdnow"]
    m = loyalty.ParetoNBD().fit(cdnow["frequency"].to_numpy(), cdnow["recency"].to_numpy(), cdnow["T"].to_numpy())
    for name, value in ref["params"].items():
        assert m.params_[name] == pytest.approx(value, rel=1e-2)
    assert m.log_likelihood_ == pytest.approx(ref["log_likelihood_sum"], abs=1e-2)
    at = loyalty.ParetoNBD.from_params(**ref["params"])
    c = ref["per_customer"][3]
    row = cdnow[cdnow["ID"] == c["ID"]]
    assert at.expected_purchases(52, row["frequency"], row["recency"], row["T"]).iloc[0] == pytest.approx(
        c["cond_exp_purchases_t52"], rel=1e-4
    )
    dert = at.dert(row["frequency"], row["recency"], row["T"], continuous_discount_rate=math.log(1.15) / 52)
    assert dert.iloc[0] > 0


def test_gamma_gamma_reference():
    # Source: clv.json gamma_gamma_cdnow (Fader & Hardie 2013 note).
    ref = CLV["gamma_gamma_cdnow"]
    df = pd.read_csv(DATA / "cdnow" / "cdnow_customers_summary_with_transactions.csv")
    m = loyalty.GammaGamma().fit(df["x"], df["zbar"])
    for ours, theirs in [("p", "p"), ("q", "q"), ("gamma", "v")]:
        assert m.params_[ours] == pytest.approx(ref["params"][theirs], rel=1e-3)
    assert m.log_likelihood_ == pytest.approx(ref["log_likelihood_sum"], abs=1e-2)
    at = loyalty.GammaGamma.from_params(p=ref["params"]["p"], q=ref["params"]["q"], gamma=ref["params"]["v"])
    for c in ref["conditional_expected_average_profit"]:
        got = at.expected_spend([c["frequency"]], [c["monetary_value"]])[0]
        assert got == pytest.approx(c["E[M]"], rel=1e-4)


def test_bgbb_donations_reference():
    # Source: clv.json bgbb_donations (Fader, Hardie & Shang 2010).
    ref = CLV["bgbb_donations"]
    df = pd.read_csv(DATA / "donations" / "donations.csv")
    m = loyalty.BetaGeoBetaBinom().fit(df["frequency"], df["recency"], df["periods"], df["weights"])
    for name, value in ref["params"].items():
        assert m.params_[name] == pytest.approx(value, rel=1e-3)
    assert m.log_likelihood_ == pytest.approx(ref["log_likelihood_sum"], abs=1e-2)
    at = loyalty.BetaGeoBetaBinom.from_params(**ref["params"])
    for c in ref["per_pattern"]:
        args = ([c["frequency"]], [c["recency"]], [c["periods"]])
        assert at.probability_alive(*args)[0] == pytest.approx(c["p_alive_next_period(m=1)"], rel=1e-4)
        assert at.expected_purchases(5, *args)[0] == pytest.approx(c["cond_exp_next_5_periods"], rel=1e-4)


def test_sbg_fits_survivors_and_durations():
    # Source: clv.json sbg_fh2007 (Fader & Hardie 2007, regular segment).
    ref = CLV["sbg_fh2007"]["regular"]
    survivors = ref["survivors_year0_to_12"][:8]
    m = loyalty.ShiftedBetaGeometric().fit(np.array(survivors))
    assert m.params_["alpha"] == pytest.approx(ref["alpha"], rel=1e-3)
    assert m.params_["beta"] == pytest.approx(ref["beta"], rel=1e-3)
    assert m.log_likelihood_ == pytest.approx(ref["log_likelihood_sum"], abs=1e-2)
    assert m.discounted_expected_lifetime(0.1) == pytest.approx(ref["DEL_d0.10"], rel=1e-3)
    assert 1000 * m.survival(12)[12] == pytest.approx(ref["projected_survivors_0_to_12"][12], rel=1e-3)
    durations, churned = [], []
    for t in range(1, 8):
        durations += [t] * (survivors[t - 1] - survivors[t])
        churned += [True] * (survivors[t - 1] - survivors[t])
    durations += [7] * survivors[7]
    churned += [False] * survivors[7]
    d = loyalty.ShiftedBetaGeometric().fit_durations(durations, churned)
    assert d.params_["alpha"] == pytest.approx(ref["alpha"], rel=1e-3)


def test_recency_above_t_raises_naming_rows():
    # Source: peer-faults.json, CLVTools#100.
    rows = fault("Pareto/NBD / BG/NBD", "input validation")["input"]["customers"]
    x = [r["x"] for r in rows]
    tx = [r["t_x"] for r in rows]
    t = [r["T"] for r in rows]
    m = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(InvalidDataError, match=r"recency > T in rows \[0\]"):
        m.probability_alive(x, tx, t)
    with pytest.raises(InvalidDataError, match=r"frequency < 0 in rows \[1\]"):
        loyalty.ParetoNBD().fit(x, tx, t)


def test_gamma_gamma_rejects_nonpositive_spend():
    with pytest.raises(InvalidDataError, match=r"rows \[1\]"):
        loyalty.GammaGamma().fit([1, 2, 0], [10.0, 0.0, 0.0])


def test_bgbb_dert_equals_discounted_sum():
    # Fader, Hardie & Shang (2010) eq. 14 against the sum it closes, with Beta
    # functions from math.lgamma: a customer alive at opportunity n + k
    # transacts there with E[Y] = B(a+x+1, b+n-x)/B(a,b) B(g, d+n+k)/B(g,d) / L.
    def ln_beta(p, q):
        return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)

    a, b, g, d = 1.204, 0.75, 0.657, 2.783
    m = loyalty.BetaGeoBetaBinom.from_params(alpha=a, beta=b, gamma=g, delta=d)
    x, t_x, n = np.array([0, 2, 6]), np.array([0, 4, 6]), np.array([6, 6, 6])
    ll = m.log_likelihood_individual(x, t_x, n)
    got = m.dert(x, t_x, n, discount_rate=0.1)
    for i in range(3):
        lead = ln_beta(a + x[i] + 1, b + n[i] - x[i]) - ln_beta(a, b) - ln_beta(g, d) - ll[i]
        expected = sum(
            math.exp(lead + ln_beta(g, d + n[i] + k)) / 1.1**k for k in range(1, 3000)
        )
        assert got[i] == pytest.approx(expected, rel=1e-9)
    with pytest.raises(InvalidParameterError, match="discount_rate"):
        m.dert([1], [1], [6], discount_rate=0.0)


def test_bgbb_rejects_fractional_periods():
    with pytest.raises(InvalidDataError, match="not an integer"):
        loyalty.BetaGeoBetaBinom().fit([1, 2], [1, 2.5], [6, 6])


def test_boundary_fit_warns():
    # Source: peer-faults.json BG/NBD convergence case (no dropout evidence).
    rows = fault("BG/NBD", "convergence")["input"]["customers_x_tx_T"]
    x, tx, t = zip(*rows)
    with pytest.warns(BoundaryWarning, match="dropout"):
        m = loyalty.BetaGeo().fit(x, tx, t)
    assert np.all(m.probability_alive(x, tx, t) > 0.999)


def test_not_converged_raises(cdnow):
    with pytest.raises(NotConvergedError):
        loyalty.BetaGeo(max_iterations=2).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_pickle_and_json_round_trip(cdnow):
    m = loyalty.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for clone in (pickle.loads(pickle.dumps(m)), loyalty.BetaGeo.from_json(m.to_json())):
        assert clone.params_.equals(m.params_)
        assert clone.standard_errors_.equals(m.standard_errors_)
        assert clone.log_likelihood_ == m.log_likelihood_
    assert json.loads(m.to_json())["report"]["termination"] == "gradient_tolerance"
    with pytest.raises(ValueError):
        loyalty.ParetoNBD.from_json(m.to_json())


def test_summary_has_intervals(cdnow):
    m = loyalty.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    s = m.summary()
    assert list(s.index) == ["r", "alpha", "a", "b"]
    assert (s["lower_0.95"] < s["estimate"]).all() and (s["estimate"] < s["upper_0.95"]).all()


def test_from_params_rejects_bad_values():
    with pytest.raises(InvalidParameterError):
        loyalty.BetaGeo.from_params(r=-1, alpha=1, a=1, b=1)


def test_customer_lifetime_value_convention():
    # Constant purchase rate: with a BG/NBD whose dropout is negligible the CLV
    # over 12 months of 4.345 weeks equals Σ_k spend·E_k/(1.01)^k.
    bg = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    gg = loyalty.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    x, tx, t, m = [2], [30.43], [38.86], [22.35]
    clv = loyalty.customer_lifetime_value(
        bg, gg, x, tx, t, m, horizon=12, period_length=4.345, discount_rate=0.01, margin=0.3
    )
    cum = [bg.expected_purchases(k * 4.345, x, tx, t)[0] for k in range(13)]
    spend = gg.expected_spend([2], [22.35])[0]
    expected = sum(0.3 * spend * (cum[k] - cum[k - 1]) / 1.01**k for k in range(1, 13))
    assert clv[0] == pytest.approx(expected, rel=1e-12)
    cont = loyalty.customer_lifetime_value(
        bg, gg, x, tx, t, m, horizon=12, period_length=4.345, discount_rate=0.01, discounting="continuous"
    )
    assert cont[0] == pytest.approx(clv[0] / 0.3, rel=2e-2)
    with pytest.raises(InvalidParameterError):
        loyalty.customer_lifetime_value(bg, gg, x, tx, t, m, horizon=12, period_length=0, discount_rate=0.01)


def test_probability_of_n_purchases_sums_to_one():
    m = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    total = sum(m.probability_of_n_purchases(n, 39) for n in range(200))
    assert total == pytest.approx(1.0, abs=1e-9)
    bb = loyalty.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)
    assert sum(bb.probability_of_n_purchases(n, 6) for n in range(7)) == pytest.approx(1.0, abs=1e-12)


def test_expected_purchases_new_customer_matches_hardie_sheet():
    # Source: clv.json published.bgnbd_cdnow_hardie_excel at the bgnbd_cdnow fit.
    m = loyalty.BetaGeo.from_params(**CLV["bgnbd_cdnow"]["params"])
    expected = CLV["published"]["bgnbd_cdnow_hardie_excel"]["E[X(t)] at t=[0.1429,1,3,31.8571,32,78]"]
    for t, e in zip([0.1429, 1, 3, 31.8571, 32, 78], expected):
        assert m.expected_purchases_new_customer(t) == pytest.approx(e, abs=1e-3)


def test_docstring_examples_run():
    import doctest

    import loyalty.models

    result = doctest.testmod(loyalty.models)
    assert result.attempted > 10
    assert result.failed == 0


def test_pareto_probability_of_n_purchases_mean():
    m = loyalty.ParetoNBD.from_params(r=0.5534, alpha=10.5802, s=0.6061, beta=11.6562)
    probs = [m.probability_of_n_purchases(n, 39) for n in range(300)]
    assert sum(probs) == pytest.approx(1.0, abs=1e-9)
    mean = sum(n * p for n, p in enumerate(probs))
    assert mean == pytest.approx(m.expected_purchases_new_customer(39), rel=1e-7)


def test_fit_reports_optimiser_state(cdnow):
    m = loyalty.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert m.iterations_ > 0
    assert m.gradient_norm_ < 1e-6
    assert m.termination_ == "gradient_tolerance"
    assert m.boundary_ is None
