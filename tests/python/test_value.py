"""Value and sensitivity in Python against tests/reference/economics.json and
the CLV discounting case of tests/reference/peer-faults.json; each test names
its source and convention."""

from __future__ import annotations

import math

import numpy as np
import pytest

import loyalty
from conftest import load_reference

ECON = load_reference("economics.json")


def test_margin_multiple_grid():
    # Gupta & Lehmann (2003), recomputed: CLV/m = r/(1+i-r), margin at the end.
    case = ECON["margin_multiple_grid"]
    for row, i in enumerate(case["i"]):
        for col, r in enumerate(case["r"]):
            expected = case["multiple_rows_by_i"][row][col]
            assert loyalty.clv(1.0, r, i) == pytest.approx(expected, abs=case["tolerance_abs"])
            assert loyalty.clv(250.0, r, i, timing="end") == pytest.approx(250 * expected, abs=250 * case["tolerance_abs"])


def test_90_to_95_end_of_period():
    # Reichheld & Sasser (1990), arithmetic recomputed; margin at the end of each period.
    case = ECON["retention_90_to_95"]["end_of_period"]
    m90 = loyalty.clv(1, 0.90, case["i"])
    m95 = loyalty.clv(1, 0.95, case["i"])
    assert m90 == pytest.approx(case["multiple_r90"], abs=1e-4)
    assert m95 == pytest.approx(case["multiple_r95"], abs=1e-4)
    assert 100 * (m95 / m90 - 1) == pytest.approx(case["increase_pct"], abs=0.01)


def test_90_to_95_start_of_period():
    # Same source; margin at the start of each period: m(1+i)/(1+i-r).
    case = ECON["retention_90_to_95"]["start_of_period"]
    m90 = loyalty.clv(1, 0.90, case["i"], timing="start")
    m95 = loyalty.clv(1, 0.95, case["i"], timing="start")
    assert m90 == pytest.approx(case["multiple_r90"], abs=1e-4)
    assert m95 == pytest.approx(case["multiple_r95"], abs=1e-4)
    assert 100 * (m95 / m90 - 1) == pytest.approx(case["increase_pct"], abs=0.01)
    plus = loyalty.plus_points(1, 0.90, case["i"], 5, timing="start")
    assert 100 * plus.relative_change == pytest.approx(case["increase_pct"], abs=0.01)


def test_90_to_95_growing_margin():
    # Same source: m(1+i)/(1+i-r(1+g)); g = 8.2% (given to 3 decimals) gives +75% within 0.5 points.
    case = ECON["retention_90_to_95"]["growing_margin"]
    g, i = case["g_for_75pct"], case["i"]
    v90 = loyalty.clv(1, 0.90, i, timing="start", margin_growth=g)
    v95 = loyalty.clv(1, 0.95, i, timing="start", margin_growth=g)
    assert v90 == pytest.approx((1 + i) / (1 + i - 0.9 * (1 + g)), rel=1e-12)
    assert 100 * (v95 / v90 - 1) == pytest.approx(75, abs=0.5)


def test_finite_horizon_and_start_convention():
    # Finite sums by hand: end: sum_{k=1..3} 10 * 0.8^k / 1.1^k; start: sum_{k=0..2}.
    end = sum(10 * 0.8**k / 1.1**k for k in range(1, 4))
    start = sum(10 * 0.8**k / 1.1**k for k in range(0, 3))
    assert loyalty.clv(10, 0.8, 0.1, horizon=3) == pytest.approx(end, rel=1e-12)
    assert loyalty.clv(10, 0.8, 0.1, timing="start", horizon=3) == pytest.approx(start, rel=1e-12)


def test_retention_elasticity():
    # Derived from CLV = m r/(1+i-r), recomputed: (1+i)/(1+i-r).
    for c in ECON["retention_elasticity"]["cases"]:
        assert loyalty.retention_elasticity(c["r"], c["i"]) == pytest.approx(c["elasticity"], abs=1e-4)
        assert loyalty.retention_elasticity(c["r"], c["i"], timing="end") == pytest.approx(c["elasticity"], abs=1e-4)
        # Start of period: d ln[(1+i)/(1+i-r)] / d ln r = r/(1+i-r).
        start = c["r"] / (1 + c["i"] - c["r"])
        assert loyalty.retention_elasticity(c["r"], c["i"], timing="start") == pytest.approx(start, rel=1e-12)


def test_sbg_del_derl():
    # Fader & Hardie (2010) at the 2007 'regular' fit; renewals = n - 1.
    case = ECON["sbg_del_derl_regular"]
    a, b, d = 0.7041, 1.1820, case["discount_rate"]
    assert loyalty.sbg_del(a, b, d) == pytest.approx(case["DEL"], abs=case["tolerance_abs"])
    for n, expected in enumerate(case["DERL_n_1_to_8"], start=1):
        assert loyalty.sbg_derl(a, b, d, n - 1) == pytest.approx(expected, abs=case["tolerance_abs"])
    # CLV under the sBG curve with margins at the start equals DEL.
    curve = loyalty.RetentionCurve.sbg(a, b)
    assert loyalty.clv(1, curve, d, timing="start") == pytest.approx(case["DEL"], abs=case["tolerance_abs"])


def test_markov_brand_switching():
    # Render, Stair & Hanna, 13th ed., section 14.3 (grocery stores).
    case = ECON["markov_brand_switching"]
    chain = loyalty.brand_switching(case["transition_rows_from"], case["initial_shares"])
    np.testing.assert_allclose(chain.shares(1), case["shares_period_1"], atol=1e-9)
    np.testing.assert_allclose(chain.shares(2), case["shares_period_2"], atol=1e-9)
    np.testing.assert_allclose(chain.steady_state(), case["steady_state"], atol=1e-6)
    flows = chain.flows(0)
    assert flows.iloc[0, 1] == pytest.approx(0.04)


def test_markov_value():
    # Pfeifer & Carraway (2000): V = (I - P/(1+d))^-1 R, recomputed.
    case = ECON["markov_clv"]
    v = loyalty.markov_value(case["transition"], case["reward"], case["discount_rate"])
    np.testing.assert_allclose(v, case["value"], atol=1e-3)


def test_berger_nasr_case1():
    # Berger & Nasr (1998) case 1, recomputed exactly.
    c = ECON["berger_nasr_case1"]
    got = loyalty.clv_berger_nasr(c["gross_contribution"], c["promotion_cost"], c["retention"], c["discount_rate"], c["years"])
    assert got == pytest.approx(c["clv"], abs=0.01)


def test_word_of_mouth():
    # Satmetrix word-of-mouth exercise (inputs published), recomputed.
    c = ECON["word_of_mouth_value"]
    w = loyalty.word_of_mouth_value(**c["inputs"])
    assert w["promoter_value"] == pytest.approx(c["promoter_value"], abs=0.01)
    assert w["detractor_value"] == pytest.approx(c["detractor_value"], abs=0.01)
    assert w["value_of_converting_detractor_to_promoter"] == pytest.approx(
        c["value_of_converting_detractor_to_promoter"], abs=0.01
    )


def test_earned_growth():
    # Reichheld, Darnell & Burns (2021): EGR = NRR + ENC - 100%.
    c = ECON["earned_growth_rate"]
    g = loyalty.earned_growth(
        c["last_year_revenue"], c["same_customers_this_year"], c["referred_new_customers_revenue"], c["bought_new_customers_revenue"]
    )
    for key in ("net_revenue_retention", "earned_new_customers", "earned_growth_rate", "total_growth"):
        assert g[key] == pytest.approx(c[key], abs=1e-12)


def _clv_discounting():
    cases = load_reference("peer-faults.json")["cases"]
    return next(c for c in cases if c["model"] == "CLV discounting")


def test_clv_discounting_month_length():
    # peer-faults.json CLV discounting: E(t) = 0.1 t (days), 30.4375-day months,
    # each month's increment discounted once.
    case = _clv_discounting()
    x = case["input"]
    got = loyalty.clv_from_expected_purchases(
        lambda t: x["purchase_rate_per_day"] * t, x["margin_per_purchase"], x["monthly_discount"], x["months"]
    )
    assert got.value == pytest.approx(case["expected"]["clv_month_30.4375_days"], abs=1e-6)
    assert abs(got.value - case["expected"]["wrong_cumulative_sum"]) > 1000
    declared = loyalty.clv_from_expected_purchases(
        lambda t: 0.1 * t, x["margin_per_purchase"], x["monthly_discount"], x["months"], period=30
    )
    assert declared.value == pytest.approx(case["expected"]["clv_if_30_day_convention_declared"], abs=1e-6)


def test_clv_discounting_any_time_unit():
    # The same member in weeks (0.7 a week) or years (36.525 a year) has the same value.
    by_day = loyalty.clv_from_expected_purchases(lambda t: 0.1 * t, 7, 0.02, 24).value
    by_week = loyalty.clv_from_expected_purchases(lambda t: 0.7 * t, 7, 0.02, 24, time_unit="week").value
    by_year = loyalty.clv_from_expected_purchases(lambda t: 36.525 * t, 7, 0.02, 24, time_unit="year").value
    assert by_week == pytest.approx(by_day, rel=1e-12)
    assert by_year == pytest.approx(by_day, rel=1e-12)
    # Cumulative values given directly: increments, not the cumulative, are discounted.
    got = loyalty.clv_from_expected_purchases([0, 1, 3, 6], 10, 0.1, 3)
    assert got.value == pytest.approx(10 / 1.1 + 20 / 1.1**2 + 30 / 1.1**3, rel=1e-12)
    with pytest.raises(loyalty.InvalidDataError):
        loyalty.clv_from_expected_purchases([0, 3, 2, 1], 10, 0.1, 3)


def test_profit_buildup_convention():
    # Acquisition cost at 0; year t's profit at the end of year t from survivors
    # r^(t-1), discounted (1+i)^t; the last profit holds afterwards.
    ac, profits, r, i = 80.0, [10.0, 25.0, 40.0], 0.85, 0.12
    brute = -ac + sum(profits[min(t - 1, 2)] * r ** (t - 1) / (1 + i) ** t for t in range(1, 3000))
    b = loyalty.profit_buildup(ac, profits, r, i)
    assert b.value == pytest.approx(brute, rel=1e-10)
    df = b.to_frame()
    assert list(df["year"]) == [1, 2, 3]
    assert df["survival"].iloc[2] == pytest.approx(r**2)
    parts = loyalty.profit_buildup(ac, {"base": [10.0], "growth": [0.0, 15.0, 30.0]}, r, i)
    assert parts.value == pytest.approx(brute, rel=1e-10)
    assert sum(parts.components.values()) == pytest.approx(brute + ac, rel=1e-10)


def test_turnover_cost():
    c = loyalty.turnover_cost(1000, 0.16, 50_000, 0.5)
    assert float(c) == pytest.approx(4_000_000)
    assert c.total == pytest.approx(4_000_000)
    assert c.separations == pytest.approx(160)
    assert c.cost_per_separation == pytest.approx(25_000)


def test_estimates_propagate():
    # Delta method: se = 100 * 1.1/(1.1-0.8)^2 * 0.02.
    e = loyalty.clv_estimate(100, 0.8, 0.1, retention_se=0.02)
    assert isinstance(e, loyalty.Estimate)
    assert e.se == pytest.approx(100 * 1.1 / 0.09 * 0.02, rel=1e-6)
    sim = loyalty.clv_estimate(100, 0.8, 0.1, retention_se=0.02, method="simulation", draws=20000, seed=3)
    again = loyalty.clv_estimate(100, 0.8, 0.1, retention_se=0.02, method="simulation", draws=20000, seed=3)
    assert sim == again
    assert sim.se == pytest.approx(e.se, rel=0.1)
    el = loyalty.propagate(lambda x: loyalty.retention_elasticity(x[0], 0.1), [0.8], se=[0.02])
    assert el.se == pytest.approx(1.1 / 0.09 * 0.02, rel=1e-5)


def test_sensitivity_objects_have_frames_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    t = loyalty.tornado(100, 0.8, 0.1, {"margin": (90, 110), "retention": (0.75, 0.85), "discount_rate": (0.08, 0.12)})
    assert t.to_frame().iloc[0]["parameter"] == "retention"
    t.plot()
    g = loyalty.scenario_grid(100, 0.8, 0.1, ("retention", [0.7, 0.8, 0.9]), ("margin", [90, 100]))
    assert g.to_frame().shape == (3, 2)
    g.plot()
    loyalty.value_curve(100, 0.8, 0.1, 10).plot()
    loyalty.profit_buildup(50, [10, 20, 30], 0.8, 0.1).plot()
    r = loyalty.retention_program(1000, 100, 0.8, 0.1, 5, 20)
    assert r.payback_period == 4
    r.plot()


def test_voice_to_value():
    scores = [0, 3, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 10]
    retained = [1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0]
    spend = [10] * 4 + [20] * 4 + [30] * 5
    v = loyalty.value_by_category(scores, retained, spend, margin_share=0.5, discount_rate=0.1)
    df = v.to_frame()
    expect = lambda s, r: 0.5 * s * r / (1.1 - r)  # noqa: E731
    assert list(df["value"]) == pytest.approx([expect(10, 0.5), expect(20, 0.75), expect(30, 0.8)])
    assert v.converting_detractor.value == pytest.approx(expect(30, 0.8) - expect(10, 0.5))
    assert v.nps_point.value == pytest.approx(0.13 * (expect(30, 0.8) - expect(20, 0.75)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: loyalty.clv(10, 1.0, 0.1),
        lambda: loyalty.clv(10, -0.1, 0.1),
        lambda: loyalty.clv(10, 0.9, -1.0),
        lambda: loyalty.clv(10, 0.95, 0.02, margin_growth=0.1),
        lambda: loyalty.clv(10, [0.9, 0.8], 0.1, horizon=3),
        lambda: loyalty.retention_elasticity(1.2, 0.1),
        lambda: loyalty.markov_value([[0.5, 0.5]], [1.0], 0.1),
        lambda: loyalty.markov_value([[0.5, 0.5], [0.5, 0.5]], [1.0], 0.1),
        lambda: loyalty.value_by_category([9, 10], [1], [1, 2]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, loyalty.LoyaltyError)
    assert str(info.value)


def test_sensitivity_estimates_propagate_everywhere():
    # Delta method: d e_r/dr = (1+i)/(1+i-r)^2 at r = 0.8, i = 0.1.
    s = loyalty.sensitivity_estimates(100, 0.8, 0.1, retention_se=0.02)
    assert s.value.se == pytest.approx(100 * 1.1 / 0.09 * 0.02, rel=1e-5)
    assert s.retention_elasticity.se == pytest.approx(1.1 / 0.09 * 0.02, rel=1e-5)
    assert s.to_frame().shape[0] == 7
    sim = loyalty.sensitivity_estimates(100, 0.8, 0.1, retention_se=0.02, method="simulation", draws=4000, seed=11)
    assert sim.value.method == "simulation_percentile"
    assert sim.value.se == pytest.approx(s.value.se, rel=0.15)
    # sBG parameters with a covariance from a fit.
    curve = loyalty.RetentionCurve.sbg(0.7041, 1.182)
    e = loyalty.sensitivity_estimates(10, curve, 0.1, timing="start", sbg_covariance=[[0.01, 0.005], [0.005, 0.04]])
    assert e.value.value == pytest.approx(10 * loyalty.sbg_del(0.7041, 1.182, 0.1), rel=1e-9)
    assert e.value.se > 0


def test_nan_input_names_the_argument():
    with pytest.raises(loyalty.NotFiniteError, match="retention"):
        loyalty.clv(10, float("nan"), 0.1)
    with pytest.raises(loyalty.NotFiniteError, match="margin"):
        loyalty.clv(float("inf"), 0.9, 0.1)
