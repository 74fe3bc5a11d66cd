"""Value and sensitivity: money attached to loyalty, and how it responds.

Value: customer lifetime value under stated conventions and any retention
curve, the profit build-up, customer equity, employee turnover cost,
investor and supplier loyalty, Markov brand switching and customer value,
the value of NPS categories and word of mouth.

Sensitivity: elasticities, +x points of retention, tornado ranges, scenario
grids, inverse targets, program and incentive ROI, and propagation of input
standard errors.

Conventions: rates are per period; a discount rate ``i`` discounts a payment
``t`` periods away by ``(1 + i) ** t``; ``timing="end"`` means the margin is
paid at the end of each period by the members who stayed through it,
``timing="start"`` that the first margin is paid now. A ``retention`` is a
rate in [0, 1), a :class:`RetentionCurve`, or a sequence read as survival
``S(1), S(2), ...`` (``S(0) = 1`` implied).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _loyalty
from ._estimate import Estimate
from .errors import InvalidParameterError, NotFiniteError

__all__ = [
    "RetentionCurve",
    "clv",
    "clv_estimate",
    "value_curve",
    "ValueCurve",
    "retention_elasticity",
    "elasticities",
    "Elasticities",
    "plus_points",
    "PlusPoints",
    "profit_buildup",
    "ProfitBuildup",
    "sbg_del",
    "sbg_derl",
    "customer_equity",
    "CustomerEquity",
    "aggregate_retention_error",
    "turnover_cost",
    "TurnoverCost",
    "turnover_cost_itemised",
    "turnover_savings",
    "employee_value",
    "investor_turnover",
    "supplier_relationship_value",
    "markov_value",
    "brand_switching",
    "BrandSwitching",
    "clv_berger_nasr",
    "clv_from_expected_purchases",
    "PurchasesClv",
    "word_of_mouth_value",
    "earned_growth",
    "value_by_category",
    "VoiceValue",
    "tornado",
    "Tornado",
    "scenario_grid",
    "ScenarioGrid",
    "retention_for_value",
    "break_even_retention",
    "break_even_margin",
    "NpsRetentionLink",
    "retention_program",
    "win_back",
    "acquisition_incentive",
    "ProgramResult",
    "propagate",
    "sensitivity_estimates",
    "SensitivityEstimates",
]

Number = Union[int, float]


def _call(function: str, **args: Any) -> Any:
    for name, value in args.items():
        _check_finite(name, value)
    result = _loyalty.value_call(function, json.dumps(args, default=_jsonable, allow_nan=False))
    if result is None:
        # JSON has no infinity: an overflowed result arrives as null.
        raise NotFiniteError(f"{function} overflowed to a non-finite result; use smaller margins or shorter horizons")
    return result


def _check_finite(name: str, value: Any) -> None:
    """Raise NotFiniteError naming the argument that holds NaN or infinity (JSON has neither)."""
    if isinstance(value, RetentionCurve):
        value = value._spec
    if isinstance(value, dict):
        for v in value.values():
            _check_finite(name, v)
    elif isinstance(value, (list, tuple, np.ndarray)):
        for v in value:
            _check_finite(name, v)
    elif isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise NotFiniteError(f"{name} contains {value}, not a finite number; remove or impute missing values")


def _whole(name: str, value: Any) -> int:
    """Return a count of periods or draws, rejecting fractions and negatives instead of truncating."""
    ok = isinstance(value, (int, np.integer, float, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0 or float(value) != int(value):
        raise InvalidParameterError(f"invalid {name} = {value!r}: expected a whole number >= 0")
    return int(value)


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, RetentionCurve):
        return x._spec
    raise TypeError(f"cannot send {type(x).__name__} to the core")


class RetentionCurve:
    """A retention curve: a constant rate, the sBG model, a survival curve or period rates.

    Example:
        >>> import loyalty
        >>> round(loyalty.clv(100, loyalty.RetentionCurve.sbg(0.7041, 1.182), 0.1, timing="start"), 2)
        369.48
    """

    def __init__(self, spec: Dict[str, Any]) -> None:
        self._spec = spec

    @classmethod
    def constant(cls, retention: float) -> "RetentionCurve":
        """Build a curve with the same retention rate in every period: ``S(t) = r**t``."""
        return cls({"constant": float(retention)})

    @classmethod
    def sbg(cls, alpha: float, beta: float) -> "RetentionCurve":
        """Build the shifted-beta-geometric curve with parameters ``alpha`` and ``beta``."""
        return cls({"sbg": {"alpha": float(alpha), "beta": float(beta)}})

    @classmethod
    def survival(cls, survival: Sequence[float]) -> "RetentionCurve":
        """Build a curve from survival ``S(1), ..., S(L)`` at the ends of periods 1..L (e.g. Kaplan-Meier)."""
        return cls({"survival": [float(s) for s in np.asarray(survival, dtype=float).ravel()]})

    @classmethod
    def rates(cls, rates: Sequence[float]) -> "RetentionCurve":
        """Build a curve from the retention rate of each period ``r_1, ..., r_L``."""
        return cls({"retention_rates": [float(r) for r in np.asarray(rates, dtype=float).ravel()]})

    def __repr__(self) -> str:
        return f"RetentionCurve({self._spec!r})"


RetentionLike = Union[Number, RetentionCurve, Sequence[float], np.ndarray]


def _curve(retention: RetentionLike) -> Dict[str, Any]:
    if isinstance(retention, RetentionCurve):
        return retention._spec
    if np.ndim(retention) == 0:
        return {"constant": float(retention)}  # type: ignore[arg-type]
    return RetentionCurve.survival(retention)._spec  # type: ignore[arg-type]


def _convention(timing: str, horizon: Optional[int], margin_growth: float) -> Dict[str, Any]:
    return {
        "timing": timing,
        "horizon": None if horizon is None else _whole("horizon", horizon),
        "margin_growth": float(margin_growth),
    }


def _inputs(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
    acquisition_cost: float = 0.0,
) -> Dict[str, Any]:
    return {
        "margin": float(margin),
        "retention": _curve(retention),
        "discount_rate": float(discount_rate),
        "convention": _convention(timing, horizon, margin_growth),
        "acquisition_cost": float(acquisition_cost),
    }


def clv(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> float:
    """Compute customer lifetime value under a stated convention.

    ``timing="end"``: ``sum_{k=1..H} m (1+g)^(k-1) S(k) / (1+i)^k``;
    ``timing="start"``: ``sum_{k=1..H} m (1+g)^(k-1) S(k-1) / (1+i)^(k-1)``.
    With a constant rate and no horizon these are ``m r/(1+i-r(1+g))`` and
    ``m (1+i)/(1+i-r(1+g))``.

    Args:
        margin: margin per period (the first period's when it grows).
        retention: rate in [0, 1), :class:`RetentionCurve`, or survival vector.
        discount_rate: discount rate per period, > -1.
        timing: ``"end"`` or ``"start"`` of each period.
        horizon: number of margin payments; ``None`` is infinite (a vector
            curve then uses its own length).
        margin_growth: growth of the margin per period.

    Raises:
        InvalidParameterError: retention outside [0, 1), discount rate <= -1,
            or an infinite horizon that does not converge.

    Example:
        >>> import loyalty
        >>> round(loyalty.clv(100, 0.9, 0.1), 4), round(loyalty.clv(100, 0.9, 0.1, timing="start"), 4)
        (450.0, 550.0)
    """
    return float(
        _call(
            "clv",
            margin=float(margin),
            retention=_curve(retention),
            discount_rate=float(discount_rate),
            **_convention(timing, horizon, margin_growth),
        )
    )


def clv_estimate(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    margin_se: float = 0.0,
    retention_se: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
    method: str = "delta",
    draws: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
) -> Estimate:
    """CLV under a constant retention with the standard errors of margin and retention propagated.

    Example:
        >>> import loyalty
        >>> e = loyalty.clv_estimate(100, 0.8, 0.1, retention_se=0.02)
        >>> round(e.value, 2), round(e.se, 2)
        (266.67, 24.44)
    """

    def f(x: Sequence[float]) -> float:
        return clv(x[0], x[1], discount_rate, timing=timing, horizon=horizon, margin_growth=margin_growth)

    return propagate(
        f, [margin, retention], se=[margin_se, retention_se], method=method, draws=draws, seed=seed, level=level
    )


@dataclass(frozen=True)
class ValueCurve:
    """Cumulative value by period: ``cumulative[k-1]`` is the value of the first ``k`` payments.

    Example:
        >>> import loyalty
        >>> loyalty.value_curve(100, 0.9, 0.1, 3).to_frame().shape
        (3, 2)"""

    cumulative: np.ndarray
    convention: Dict[str, Any]

    def to_frame(self) -> Any:
        """Return the curve as a DataFrame with columns ``period`` and ``cumulative_value``."""
        import pandas as pd

        return pd.DataFrame({"period": np.arange(1, len(self.cumulative) + 1), "cumulative_value": self.cumulative})

    def plot(self, ax: Any = None) -> Any:
        """Plot cumulative value against period (matplotlib); returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        ax.plot(np.arange(1, len(self.cumulative) + 1), self.cumulative, marker="o")
        ax.set_xlabel("period")
        ax.set_ylabel("cumulative discounted value")
        return ax


def value_curve(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    periods: int,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> ValueCurve:
    """Cumulative discounted value of the first 1..``periods`` payments.

    Example:
        >>> import loyalty
        >>> [round(float(v), 4) for v in loyalty.value_curve(100, 0.9, 0.1, 2).cumulative]
        [81.8182, 148.7603]
    """
    conv = _convention(timing, horizon, margin_growth)
    values = _call(
        "value_curve",
        margin=float(margin),
        retention=_curve(retention),
        discount_rate=float(discount_rate),
        periods=_whole("periods", periods),
        **conv,
    )
    return ValueCurve(np.asarray(values, dtype=float), conv)


def retention_elasticity(retention: float, discount_rate: float, *, timing: str = "end") -> float:
    """Elasticity of CLV with respect to retention (constant rate, infinite horizon).

    ``(1+i)/(1+i-r)`` with margins at the end of each period, ``r/(1+i-r)`` at the start.

    Example:
        >>> import loyalty
        >>> round(loyalty.retention_elasticity(0.8, 0.1), 4)
        3.6667
    """
    return float(_call("retention_elasticity", retention=float(retention), discount_rate=float(discount_rate), timing=timing))


@dataclass(frozen=True)
class Elasticities:
    """Elasticities of the net value ``CLV - acquisition_cost`` and how they were computed.

    Example:
        >>> import loyalty
        >>> loyalty.elasticities(100, 0.8, 0.1).to_frame()["input"].tolist()[0]
        'retention'"""

    value: float
    retention: float
    margin: float
    discount_rate: float
    acquisition_cost: float
    method: str

    def to_frame(self) -> Any:
        """Return one row per input: ``input``, ``elasticity``."""
        import pandas as pd

        names = ["retention", "margin", "discount_rate", "acquisition_cost"]
        return pd.DataFrame({"input": names, "elasticity": [getattr(self, n) for n in names]})


def elasticities(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> Elasticities:
    """Elasticities of net value w.r.t. retention, margin, discount rate and acquisition cost.

    Analytic for a constant retention over an infinite horizon, numeric otherwise.

    Example:
        >>> import loyalty
        >>> e = loyalty.elasticities(100, 0.95, 0.12)
        >>> round(e.retention, 4), e.method
        (6.5882, 'analytic')
    """
    d = _call("elasticities", inputs=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost))
    return Elasticities(**d)


@dataclass(frozen=True)
class PlusPoints:
    """Effect of +x points of retention on net value; ``relative_change`` is a fraction.

    Example:
        >>> import loyalty
        >>> round(loyalty.plus_points(1, 0.9, 0.1, 5, timing="start").relative_change, 4)
        0.3333"""

    points: float
    base_value: float
    new_value: float
    change: float
    relative_change: float


def plus_points(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    points: float,
    *,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> PlusPoints:
    """Compute what adding ``points`` percentage points to each period's retention does to value.

    Example:
        >>> import loyalty
        >>> round(loyalty.plus_points(1, 0.90, 0.1, 5).relative_change, 4)
        0.4074
    """
    d = _call(
        "plus_points",
        inputs=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        points=float(points),
    )
    return PlusPoints(**d)


@dataclass(frozen=True)
class ProfitBuildup:
    """Reichheld's profit build-up of one acquired member.

    Example:
        >>> import loyalty
        >>> b = loyalty.profit_buildup(50, [20, 40, 60], 0.8, 0.1)
        >>> b.payback_year, list(b.to_frame()["year"])
        (3, [1, 2, 3])

    Attributes:
        value: net present value per acquired member, after acquisition cost.
        acquisition_cost: paid at time 0.
        tail_value: present value of the years after the last given one.
        payback_year: first year whose cumulative present value is >= 0.
        components: present value of each named component.
    """

    value: float
    acquisition_cost: float
    tail_value: float
    payback_year: Optional[int]
    years: List[Dict[str, Any]]
    components: Dict[str, float] = field(default_factory=dict)

    def cohort_value(self, members: float) -> float:
        """Net present value of a cohort of ``members`` acquired members."""
        return self.value * members

    def to_frame(self) -> Any:
        """Return the given years: ``year``, ``profit``, ``survival``, ``present_value``, ``cumulative``."""
        import pandas as pd

        return pd.DataFrame(self.years)

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of profit by year with the cumulative present value; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        df = self.to_frame()
        ax.bar(df["year"], df["profit"], label="profit per member")
        ax.plot(df["year"], df["cumulative"], color="black", marker="o", label="cumulative present value")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel("year of tenure")
        ax.legend()
        return ax


def _buildup(d: Dict[str, Any]) -> ProfitBuildup:
    return ProfitBuildup(
        value=float(d["value"]),
        acquisition_cost=float(d["acquisition_cost"]),
        tail_value=float(d["tail_value"]),
        payback_year=d["payback_year"],
        years=d["years"],
        components={name: float(v) for name, v in d["components"]},
    )


def profit_buildup(
    acquisition_cost: float,
    profit_by_year: Union[Sequence[float], Dict[str, Sequence[float]]],
    retention: RetentionLike,
    discount_rate: float,
) -> ProfitBuildup:
    """Compute Reichheld's profit build-up by year of tenure.

    The acquisition cost is paid at time 0. Year t's profit arrives at the
    end of year t from the members present at the start of year t (survival
    ``r**(t-1)``), discounted by ``(1+i)**t``. The last year's profit applies
    to all later years. ``profit_by_year`` is a sequence of totals or a dict of
    named components (base profit, revenue growth, cost savings, referrals,
    price premium), each extended by its last value.

    Example:
        >>> import loyalty
        >>> b = loyalty.profit_buildup(50, [40], 0.8, 0.1)
        >>> round(b.value, 4)
        83.3333
    """
    curve = _curve(retention)
    if isinstance(profit_by_year, dict):
        components = [{"name": k, "by_year": [float(x) for x in v]} for k, v in profit_by_year.items()]
        d = _call(
            "profit_buildup_components",
            acquisition_cost=float(acquisition_cost),
            components=components,
            retention=curve,
            discount_rate=float(discount_rate),
        )
    else:
        d = _call(
            "profit_buildup",
            acquisition_cost=float(acquisition_cost),
            profit_by_year=[float(x) for x in np.asarray(profit_by_year, dtype=float).ravel()],
            retention=curve,
            discount_rate=float(discount_rate),
        )
    return _buildup(d)


def sbg_del(alpha: float, beta: float, discount_rate: float) -> float:
    """Discounted expected lifetime of a new member under sBG, first payment undiscounted.

    Example:
        >>> import loyalty
        >>> round(loyalty.sbg_del(0.7041, 1.182, 0.1), 3)
        3.695
    """
    return float(_call("sbg_del", alpha=float(alpha), beta=float(beta), discount_rate=float(discount_rate)))


def sbg_derl(alpha: float, beta: float, discount_rate: float, renewals: int) -> float:
    """Discounted expected residual lifetime under sBG of a member with ``renewals`` = n-1 renewals.

    Evaluated just before the n-th renewal decision, next payment undiscounted.

    Example:
        >>> import loyalty
        >>> round(loyalty.sbg_derl(0.7041, 1.182, 0.1, 0), 3)
        2.964
    """
    return float(
        _call("sbg_derl", alpha=float(alpha), beta=float(beta), discount_rate=float(discount_rate), renewals=_whole("renewals", renewals))
    )


@dataclass(frozen=True)
class CustomerEquity:
    """Customer equity: ``value`` and one row per cohort in ``cohorts``.

    Example:
        >>> import loyalty
        >>> ce = loyalty.customer_equity([dict(period=0, members=10, acquisition_cost=5)], 3, 0.5, 0.1)
        >>> round(ce.value, 6)
        5.0"""

    value: float
    cohorts: List[Dict[str, Any]]

    def to_frame(self) -> Any:
        """Return one row per cohort."""
        import pandas as pd

        return pd.DataFrame(self.cohorts)


def customer_equity(
    cohorts: Any,
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    timing: str = "start",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> CustomerEquity:
    """Customer equity of cohorts (Gupta, Lehmann & Stuart 2004).

    ``cohorts``: a DataFrame or list of dicts with ``period`` (0 = now),
    ``members`` and ``acquisition_cost`` per member.

    Example:
        >>> import loyalty
        >>> cohorts = [dict(period=0, members=100, acquisition_cost=50), dict(period=1, members=120, acquisition_cost=55)]
        >>> round(loyalty.customer_equity(cohorts, 30, 0.7, 0.1).value, 6)
        6250.0
    """
    if hasattr(cohorts, "to_dict"):
        cohorts = cohorts.to_dict("records")
    rows = [
        {"period": int(c["period"]), "members": float(c["members"]), "acquisition_cost": float(c["acquisition_cost"])}
        for c in cohorts
    ]
    d = _call(
        "customer_equity",
        cohorts=rows,
        margin=float(margin),
        retention=_curve(retention),
        discount_rate=float(discount_rate),
        **_convention(timing, horizon, margin_growth),
    )
    return CustomerEquity(float(d["value"]), d["cohorts"])


def aggregate_retention_error(
    alpha: float,
    beta: float,
    discount_rate: float,
    margin: float,
    members_by_renewals: Sequence[float],
    aggregate_retention: Optional[float] = None,
) -> Dict[str, float]:
    """Residual value of a base under sBG next to one aggregate retention rate (Fader & Hardie 2010).

    ``members_by_renewals[k]``: members who have made k renewals. Returns a
    dict with ``heterogeneous_value``, ``aggregate_value``, ``aggregate_retention``,
    ``error`` and ``relative_error``.

    Example:
        >>> import loyalty
        >>> r = loyalty.aggregate_retention_error(0.7041, 1.182, 0.1, 1.0, [631, 468, 382])
        >>> r["error"] < 0
        True
    """
    return _call(
        "aggregate_retention_error",
        alpha=float(alpha),
        beta=float(beta),
        discount_rate=float(discount_rate),
        margin=float(margin),
        members_by_renewals=[float(x) for x in members_by_renewals],
        aggregate_retention=aggregate_retention,
    )


class TurnoverCost(float):
    """Cost of turnover: a float (the total) with ``separations``, ``cost_per_separation`` and ``total``.

    Example:
        >>> import loyalty
        >>> loyalty.turnover_cost(100, 0.2, 40_000, 0.5).cost_per_separation
        20000.0"""

    separations: float
    cost_per_separation: float

    def __new__(cls, d: Dict[str, float]) -> "TurnoverCost":
        obj = super().__new__(cls, float(d["total"]))
        obj.separations = float(d["separations"])
        obj.cost_per_separation = float(d["cost_per_separation"])
        return obj

    @property
    def total(self) -> float:
        """separations x cost per separation."""
        return float(self)

    def __repr__(self) -> str:
        return (
            f"TurnoverCost(total={float(self)!r}, separations={self.separations!r}, "
            f"cost_per_separation={self.cost_per_separation!r})"
        )


def turnover_cost(headcount: float, turnover_rate: float, salary: float, cost_share: float) -> TurnoverCost:
    """Cost of employee turnover: ``headcount * turnover_rate * salary * cost_share``.

    Example:
        >>> import loyalty
        >>> c = loyalty.turnover_cost(1000, 0.16, 50_000, 0.5)
        >>> float(c), c.separations
        (4000000.0, 160.0)
    """
    return TurnoverCost(
        _call(
            "turnover_cost",
            headcount=float(headcount),
            turnover_rate=float(turnover_rate),
            salary=float(salary),
            cost_share=float(cost_share),
        )
    )


def turnover_cost_itemised(
    headcount: float,
    turnover_rate: float,
    *,
    hiring: float = 0.0,
    training: float = 0.0,
    separation: float = 0.0,
    vacancy_periods: float = 0.0,
    value_per_period: float = 0.0,
    ramp_up_productivity: Sequence[float] = (),
) -> TurnoverCost:
    """Cost of turnover from itemised costs per separation, including ramp-up productivity losses.

    Example:
        >>> import loyalty
        >>> float(loyalty.turnover_cost_itemised(10, 0.2, hiring=5000, training=3000, separation=1000,
        ...     vacancy_periods=1, value_per_period=4000, ramp_up_productivity=[0.25, 0.5, 0.75]))
        38000.0
    """
    items = dict(
        hiring=float(hiring),
        training=float(training),
        separation=float(separation),
        vacancy_periods=float(vacancy_periods),
        value_per_period=float(value_per_period),
        ramp_up_productivity=[float(p) for p in ramp_up_productivity],
    )
    return TurnoverCost(
        _call("turnover_cost_itemised", headcount=float(headcount), turnover_rate=float(turnover_rate), items=items)
    )


def turnover_savings(headcount: float, current_rate: float, target_rate: float, cost_per_separation: float) -> float:
    """Saving from lowering turnover: separations avoided times cost per separation.

    Example:
        >>> import loyalty
        >>> round(loyalty.turnover_savings(1000, 0.16, 0.12, 25_000), 6)
        1000000.0
    """
    return float(
        _call(
            "turnover_savings",
            headcount=float(headcount),
            current_rate=float(current_rate),
            target_rate=float(target_rate),
            cost_per_separation=float(cost_per_separation),
        )
    )


def employee_value(
    hiring_cost: float, net_value_by_tenure: Sequence[float], retention: RetentionLike, discount_rate: float
) -> ProfitBuildup:
    """Value of one hire: hiring cost, then net value by year of tenure (tenure-productivity vector).

    Same convention as :func:`profit_buildup`; the value of raising retention
    is the difference of two calls.

    Example:
        >>> import loyalty
        >>> low, high = (loyalty.employee_value(20_000, [-10_000, 5_000, 15_000], r, 0.08).value for r in (0.8, 0.9))
        >>> high > low
        True
    """
    d = _call(
        "employee_value",
        hiring_cost=float(hiring_cost),
        net_value_by_tenure=[float(x) for x in net_value_by_tenure],
        retention=_curve(retention),
        discount_rate=float(discount_rate),
    )
    return _buildup(d)


def investor_turnover(
    shares_traded: float, shares_outstanding: float, holders: Optional[Tuple[float, float]] = None
) -> Dict[str, Any]:
    """Share turnover, mean holding period and, with ``holders=(at_start, retained)``, holder churn.

    Example:
        >>> import loyalty
        >>> loyalty.investor_turnover(50, 100)["holding_period"]
        2.0
    """
    return _call(
        "investor_turnover",
        shares_traded=float(shares_traded),
        shares_outstanding=float(shares_outstanding),
        holders=None if holders is None else [float(holders[0]), float(holders[1])],
    )


def supplier_relationship_value(
    benefit_per_period: float,
    continuation: RetentionLike,
    discount_rate: float,
    switching_cost: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
) -> Dict[str, float]:
    """Value of a supplier relationship: lifetime value of its benefit plus the switching cost avoided.

    Example:
        >>> import loyalty
        >>> round(loyalty.supplier_relationship_value(1000, 0.9, 0.1, 2000)["value"], 6)
        6500.0
    """
    return _call(
        "supplier_relationship_value",
        benefit_per_period=float(benefit_per_period),
        continuation=_curve(continuation),
        discount_rate=float(discount_rate),
        switching_cost=float(switching_cost),
        **_convention(timing, horizon, 0.0),
    )


def _matrix(m: Any) -> List[List[float]]:
    a = np.asarray(m, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got an array of shape {a.shape}")
    return a.tolist()


def markov_value(transition: Any, reward: Sequence[float], discount_rate: float, *, periods: Optional[int] = None) -> np.ndarray:
    """Markov customer value from each state (Pfeifer & Carraway 2000): ``(I - P/(1+d))^-1 R``.

    Rewards are received at the start of each period; ``periods`` limits the
    horizon to that many rewards.

    Example:
        >>> import loyalty
        >>> P = [[0.7, 0.3, 0.0], [0.2, 0.0, 0.8], [0.0, 0.0, 1.0]]
        >>> [round(float(v), 3) for v in loyalty.markov_value(P, [100, 0, 0], 0.1)]
        [318.421, 57.895, 0.0]
    """
    v = _call(
        "markov_value",
        transition=_matrix(transition),
        reward=[float(r) for r in reward],
        discount_rate=float(discount_rate),
        periods=periods,
    )
    return np.asarray(v, dtype=float)


class BrandSwitching:
    """A brand-switching Markov chain (rows of ``transition`` are "from").

    Example:
        >>> import loyalty
        >>> chain = loyalty.brand_switching([[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.2, 0.2, 0.6]], [0.4, 0.3, 0.3])
        >>> [round(float(s), 3) for s in chain.shares(1)], [round(float(s), 4) for s in chain.steady_state()]
        ([0.41, 0.31, 0.28], [0.4211, 0.3158, 0.2632])
    """

    def __init__(self, transition: Any, initial_shares: Sequence[float], *, brands: Optional[Sequence[str]] = None) -> None:
        d = _call("brand_switching", transition=_matrix(transition), initial_shares=[float(s) for s in initial_shares], op="chain")
        self._set(d, brands)

    def _set(self, d: Dict[str, Any], brands: Optional[Sequence[str]]) -> None:
        self.transition = np.asarray(d["transition"], dtype=float)
        self.initial_shares = np.asarray(d["initial_shares"], dtype=float)
        se = d.get("transition_se")
        self.transition_se = None if se is None else np.asarray(se, dtype=float)
        n = len(self.initial_shares)
        self.brands = list(brands) if brands is not None else [str(i) for i in range(n)]

    @classmethod
    def from_counts(
        cls, counts: Any, initial_shares: Optional[Sequence[float]] = None, *, brands: Optional[Sequence[str]] = None
    ) -> "BrandSwitching":
        """Estimate the chain from switching counts (``counts[i][j]``: buyers of i who bought j next)."""
        d = _call(
            "brand_switching",
            counts=_matrix(counts),
            initial_shares=None if initial_shares is None else [float(s) for s in initial_shares],
            op="chain",
        )
        obj = cls.__new__(cls)
        obj._set(d, brands)
        return obj

    def _op(self, op: str, periods: int = 0) -> Any:
        return _call(
            "brand_switching",
            transition=self.transition.tolist(),
            initial_shares=self.initial_shares.tolist(),
            op=op,
            periods=_whole("periods", periods),
        )

    def shares(self, n: int) -> np.ndarray:
        """Shares after ``n`` periods: ``s0 P^n``."""
        return np.asarray(self._op("shares", n), dtype=float)

    def steady_state(self) -> np.ndarray:
        """Long-run shares ``pi`` with ``pi P = pi``; raises DegenerateError for a reducible chain."""
        return np.asarray(self._op("steady_state"), dtype=float)

    def flows(self, n: int = 0) -> Any:
        """Flows between brands in period ``n`` as a DataFrame (rows from, columns to)."""
        import pandas as pd

        return pd.DataFrame(self._op("flows", n), index=self.brands, columns=self.brands)

    def net_flows(self, n: int = 0) -> Any:
        """Gains, losses and net flow of each brand in period ``n`` as a DataFrame."""
        import pandas as pd

        df = pd.DataFrame(self._op("net_flows", n))
        df["brand"] = [self.brands[i] for i in df["brand"]]
        return df

    def to_frame(self, periods: int = 10) -> Any:
        """Shares by period 0..``periods`` (rows) and brand (columns)."""
        import pandas as pd

        return pd.DataFrame([self.shares(n) for n in range(periods + 1)], columns=self.brands).rename_axis("period")

    def plot(self, periods: int = 10, ax: Any = None) -> Any:
        """Plot shares over periods with the steady state dashed; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        df = self.to_frame(periods)
        for brand in df.columns:
            ax.plot(df.index, df[brand], marker="o", label=brand)
        try:
            for s in self.steady_state():
                ax.axhline(s, ls="--", color="grey", lw=0.8)
        except ValueError:
            pass
        ax.set_xlabel("period")
        ax.set_ylabel("share")
        ax.legend()
        return ax


def brand_switching(transition: Any, initial_shares: Sequence[float], *, brands: Optional[Sequence[str]] = None) -> BrandSwitching:
    """Build a brand-switching chain from a transition matrix and current shares.

    Example:
        >>> import loyalty
        >>> chain = loyalty.brand_switching([[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.2, 0.2, 0.6]], [0.4, 0.3, 0.3])
        >>> [round(float(s), 3) for s in chain.shares(2)]
        [0.415, 0.314, 0.271]
    """
    return BrandSwitching(transition, initial_shares, brands=brands)


def clv_berger_nasr(
    gross_contribution: float, promotion_cost: float, retention: float, discount_rate: float, years: int
) -> float:
    """CLV of Berger & Nasr (1998) case 1: contribution at the start of each year, promotion cost mid-year.

    Example:
        >>> import loyalty
        >>> round(loyalty.clv_berger_nasr(260, 50, 0.75, 0.2, 10), 2)
        568.78
    """
    return float(
        _call(
            "clv_berger_nasr",
            gross_contribution=float(gross_contribution),
            promotion_cost=float(promotion_cost),
            retention=float(retention),
            discount_rate=float(discount_rate),
            years=_whole("years", years),
        )
    )


@dataclass(frozen=True)
class PurchasesClv:
    """CLV from expected purchases: ``value`` and the per-period detail.

    Example:
        >>> import loyalty
        >>> loyalty.clv_from_expected_purchases([0, 1, 2], 10, 0.0, 2).to_frame()["purchases"].tolist()
        [1.0, 1.0]"""

    value: float
    period_ends: np.ndarray
    purchases: np.ndarray
    discounted_margin: np.ndarray

    def to_frame(self) -> Any:
        """Return one row per period: ``period``, ``period_end``, ``purchases``, ``discounted_margin``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "period": np.arange(1, len(self.purchases) + 1),
                "period_end": self.period_ends,
                "purchases": self.purchases,
                "discounted_margin": self.discounted_margin,
            }
        )


def clv_from_expected_purchases(
    expected_purchases: Union[Callable[[float], float], Sequence[float]],
    margin: float,
    discount_rate: float,
    periods: int,
    *,
    period: Union[str, float] = "month",
    time_unit: Union[str, float] = "day",
) -> PurchasesClv:
    """CLV from a model's expected cumulative purchases ``E(t)``, one increment per period.

    ``CLV = sum_k m (E(t_k) - E(t_(k-1))) / (1+d)^k`` with ``t_k = k`` periods
    in the model's ``time_unit``. A month is 30.4375 days; pass ``period=30``
    to declare a 30-day month. ``expected_purchases`` is a callable of ``t``
    or the values ``E(t_0), ..., E(t_K)``.

    Example:
        >>> import loyalty
        >>> round(loyalty.clv_from_expected_purchases(lambda t: 0.1 * t, 10, 0.01, 12).value, 6)
        342.576421
    """
    step = float(_call("period_length", period=str(period), time_unit=str(time_unit)))
    times = np.arange(int(periods) + 1) * step
    if callable(expected_purchases):
        cumulative = [float(expected_purchases(float(t))) for t in times]
    else:
        cumulative = [float(x) for x in np.asarray(expected_purchases, dtype=float).ravel()]
    d = _call("clv_from_cumulative_purchases", cumulative=cumulative, margin=float(margin), discount_rate=float(discount_rate))
    ends = times[1 : len(cumulative)] if callable(expected_purchases) else np.asarray(d["period_ends"], dtype=float) * step
    return PurchasesClv(
        float(d["value"]), np.asarray(ends, dtype=float), np.asarray(d["purchases"]), np.asarray(d["discounted_margin"])
    )


def word_of_mouth_value(
    average_ltv: float,
    promoter_ltv_multiple: float,
    detractor_ltv_multiple: float,
    referrals_per_promoter: float,
    negative_comments_per_detractor: float,
    referrals_per_new_customer: float,
    positives_cancelled_per_negative: float,
    *,
    passive_ltv_multiple: float = 1.0,
) -> Dict[str, float]:
    """Word-of-mouth value of a promoter, passive and detractor (Satmetrix-style parameters).

    Example:
        >>> import loyalty
        >>> w = loyalty.word_of_mouth_value(1000, 3, 0.5, 4, 3, 6, 4)
        >>> round(w["promoter_value"], 2), round(w["detractor_value"], 2)
        (3666.67, -1500.0)
    """
    inputs = dict(
        average_ltv=float(average_ltv),
        promoter_ltv_multiple=float(promoter_ltv_multiple),
        passive_ltv_multiple=float(passive_ltv_multiple),
        detractor_ltv_multiple=float(detractor_ltv_multiple),
        referrals_per_promoter=float(referrals_per_promoter),
        negative_comments_per_detractor=float(negative_comments_per_detractor),
        referrals_per_new_customer=float(referrals_per_new_customer),
        positives_cancelled_per_negative=float(positives_cancelled_per_negative),
    )
    return _call("word_of_mouth_value", inputs=inputs)


def earned_growth(
    last_year_revenue: float,
    same_customers_this_year: float,
    referred_new_customers_revenue: float,
    bought_new_customers_revenue: float = 0.0,
) -> Dict[str, float]:
    """Earned growth rate (Net Promoter 3.0): NRR + earned new customers - 100%.

    Example:
        >>> import loyalty
        >>> round(loyalty.earned_growth(100, 108, 6, 10)["earned_growth_rate"], 10)
        0.14
    """
    return _call(
        "earned_growth",
        last_year_revenue=float(last_year_revenue),
        same_customers_this_year=float(same_customers_this_year),
        referred_new_customers_revenue=float(referred_new_customers_revenue),
        bought_new_customers_revenue=float(bought_new_customers_revenue),
    )


def _estimate_or_none(d: Optional[Dict[str, Any]]) -> Optional[Estimate]:
    return None if d is None else Estimate._from_core(d)


@dataclass(frozen=True)
class VoiceValue:
    """Retention, spend and value by NPS category.

    Example:
        >>> import loyalty
        >>> v = loyalty.value_by_category([0, 8, 10], [0, 1, 1], [5, 5, 5], horizon=2)
        >>> len(v.to_frame())
        3

    Attributes:
        categories: one dict per category with Estimates ``retention``,
            ``spend``, ``tenure`` (or None) and ``value``.
        nps: NPS of the base in points.
        members: members in the base.
        converting_detractor: value of turning a detractor into a promoter.
        nps_point: value of +1 NPS point for the base (None when a category is empty).
    """

    categories: List[Dict[str, Any]]
    nps: float
    members: float
    converting_detractor: Optional[Estimate]
    nps_point: Optional[Estimate]

    def to_frame(self) -> Any:
        """Return one row per category with value, retention, spend and their standard errors."""
        import pandas as pd

        rows = []
        for c in self.categories:
            rows.append(
                {
                    "category": c["category"],
                    "members": c["members"],
                    "share": c["share"],
                    "retention": c["retention"].value,
                    "retention_se": c["retention"].se,
                    "spend": c["spend"].value,
                    "spend_se": c["spend"].se,
                    "tenure": None if c["tenure"] is None else c["tenure"].value,
                    "value": c["value"].value,
                    "value_se": c["value"].se,
                    "value_ci_low": c["value"].ci_low,
                    "value_ci_high": c["value"].ci_high,
                }
            )
        return pd.DataFrame(rows)

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of value per member by category with interval whiskers; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        df = self.to_frame()
        err = [df["value"] - df["value_ci_low"], df["value_ci_high"] - df["value"]]
        ax.bar(df["category"], df["value"], yerr=err, capsize=4)
        ax.set_ylabel("lifetime value per member")
        return ax


def value_by_category(
    scores: Any,
    retained: Any,
    spend: Any,
    *,
    tenure: Any = None,
    scale: Tuple[float, float] = (0, 10),
    margin_share: float = 1.0,
    discount_rate: float = 0.1,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
    level: float = 0.95,
    base_members: Optional[float] = None,
    shift: str = "passive_to_promoter",
) -> VoiceValue:
    """Retention, spend, tenure and lifetime value of promoters, passives and detractors.

    Each member has a recommend score, ``retained`` (1 if still a member one
    period later) and ``spend`` in the period. A category's value is
    ``margin_share * mean spend * discounted lifetime`` at its retention, with
    delta-method standard errors. ``nps_point`` values +1 NPS point for a base
    of ``base_members`` (default: the members given) moving as ``shift`` specifies
    (``"passive_to_promoter"``, ``"detractor_to_passive"`` or ``"even"``).

    Example:
        >>> import loyalty
        >>> v = loyalty.value_by_category([2, 8, 10, 10], [0, 1, 1, 1], [10, 10, 10, 10], horizon=3)
        >>> v.to_frame()["category"].tolist()
        ['detractor', 'passive', 'promoter']
    """

    def arr(x: Any) -> np.ndarray:
        return np.ascontiguousarray(np.asarray(x, dtype=np.float64).ravel())

    lo, hi = float(scale[0]), float(scale[1])
    step = float(scale[2]) if len(scale) > 2 else 1.0  # type: ignore[misc]
    d = _loyalty.value_by_category_arrays(
        arr(scores),
        arr(retained),
        arr(spend),
        None if tenure is None else arr(tenure),
        scale=(lo, hi, step),
        margin_share=float(margin_share),
        discount_rate=float(discount_rate),
        timing=timing,
        horizon=horizon,
        margin_growth=float(margin_growth),
        level=float(level),
        base_members=base_members,
        shift=shift,
    )
    categories = []
    for c in d["categories"]:
        categories.append(
            {
                "category": c["category"],
                "members": c["members"],
                "share": c["share"],
                "retention": Estimate._from_core(c["retention"]),
                "spend": Estimate._from_core(c["spend"]),
                "tenure": _estimate_or_none(c["tenure"]),
                "value": Estimate._from_core(c["value"]),
            }
        )
    return VoiceValue(
        categories=categories,
        nps=float(d["nps"]),
        members=float(d["members"]),
        converting_detractor=_estimate_or_none(d["converting_detractor"]),
        nps_point=_estimate_or_none(d["nps_point"]),
    )


@dataclass(frozen=True)
class Tornado:
    """Tornado ranges: ``base_value`` and one bar per parameter, largest swing first.

    Example:
        >>> import loyalty
        >>> loyalty.tornado(100, 0.8, 0.1, {"margin": (90, 110)}).to_frame()["swing"].round(4).tolist()
        [53.3333]"""

    base_value: float
    bars: List[Dict[str, Any]]

    def to_frame(self) -> Any:
        """Return one row per parameter: low, high, value at each, swing."""
        import pandas as pd

        return pd.DataFrame(self.bars)

    def plot(self, ax: Any = None) -> Any:
        """Horizontal tornado chart around the base value; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        df = self.to_frame().iloc[::-1]
        lows = np.minimum(df["value_at_low"], df["value_at_high"])
        highs = np.maximum(df["value_at_low"], df["value_at_high"])
        ax.barh(df["parameter"], highs - lows, left=lows)
        ax.axvline(self.base_value, color="black", lw=1)
        ax.set_xlabel("net value")
        return ax


def tornado(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    ranges: Dict[str, Tuple[float, float]],
    *,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> Tornado:
    """Net value as each parameter moves alone over its (low, high) range.

    Parameters: ``retention``, ``margin``, ``discount_rate``, ``acquisition_cost``, ``margin_growth``.

    Example:
        >>> import loyalty
        >>> t = loyalty.tornado(100, 0.8, 0.1, {"margin": (90, 110), "retention": (0.75, 0.85)})
        >>> t.bars[0]["parameter"]
        'retention'
    """
    rs = [{"parameter": k, "low": float(v[0]), "high": float(v[1])} for k, v in ranges.items()]
    d = _call(
        "tornado",
        inputs=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        ranges=rs,
    )
    return Tornado(float(d["base_value"]), d["bars"])


@dataclass(frozen=True)
class ScenarioGrid:
    """Net value over a grid of two parameters: ``values[i][j]`` at row value i and column value j.

    Example:
        >>> import loyalty
        >>> loyalty.scenario_grid(1, 0.8, 0.1, ("retention", [0.6, 0.9]), ("margin", [1, 2])).to_frame().shape
        (2, 2)"""

    row_parameter: str
    row_values: np.ndarray
    column_parameter: str
    column_values: np.ndarray
    values: np.ndarray

    def to_frame(self) -> Any:
        """Return the grid as a DataFrame indexed by row values, columns by column values."""
        import pandas as pd

        return pd.DataFrame(
            self.values,
            index=pd.Index(self.row_values, name=self.row_parameter),
            columns=pd.Index(self.column_values, name=self.column_parameter),
        )

    def plot(self, ax: Any = None) -> Any:
        """Heat map of the grid with the values printed; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        im = ax.imshow(self.values, aspect="auto", origin="lower")
        ax.set_xticks(range(len(self.column_values)), [f"{v:g}" for v in self.column_values])
        ax.set_yticks(range(len(self.row_values)), [f"{v:g}" for v in self.row_values])
        ax.set_xlabel(self.column_parameter)
        ax.set_ylabel(self.row_parameter)
        for i in range(self.values.shape[0]):
            for j in range(self.values.shape[1]):
                ax.text(j, i, f"{self.values[i, j]:.4g}", ha="center", va="center", fontsize=8)
        ax.figure.colorbar(im, ax=ax)
        return ax


def scenario_grid(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    rows: Tuple[str, Sequence[float]],
    columns: Tuple[str, Sequence[float]],
    *,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> ScenarioGrid:
    """Net value over every pair of values of two parameters.

    Example:
        >>> import loyalty
        >>> g = loyalty.scenario_grid(1, 0.8, 0.1, ("retention", [0.6, 0.9]), ("discount_rate", [0.1, 0.12]))
        >>> [round(float(v), 4) for v in g.values[:, 0]]
        [1.2, 4.5]
    """
    d = _call(
        "scenario_grid",
        inputs=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        row_parameter=rows[0],
        row_values=[float(v) for v in rows[1]],
        column_parameter=columns[0],
        column_values=[float(v) for v in columns[1]],
    )
    return ScenarioGrid(
        d["row_parameter"],
        np.asarray(d["row_values"], dtype=float),
        d["column_parameter"],
        np.asarray(d["column_values"], dtype=float),
        np.asarray(d["values"], dtype=float),
    )


def retention_for_value(
    margin: float,
    target: float,
    discount_rate: float,
    *,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> float:
    """Constant retention rate at which the net value reaches ``target``.

    Example:
        >>> import loyalty
        >>> round(loyalty.retention_for_value(100, 450, 0.1), 9)
        0.9
    """
    return float(
        _call(
            "retention_for_value",
            inputs=_inputs(margin, 0.5, discount_rate, timing, horizon, margin_growth, acquisition_cost),
            target=float(target),
        )
    )


def break_even_retention(
    margin: float,
    acquisition_cost: float,
    discount_rate: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> float:
    """Constant retention at which lifetime value covers the acquisition cost.

    Example:
        >>> import loyalty
        >>> round(loyalty.break_even_retention(30, 90, 0.1), 9)
        0.825
    """
    return float(
        _call(
            "break_even_retention",
            inputs=_inputs(margin, 0.5, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        )
    )


def break_even_margin(
    acquisition_cost: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> float:
    """Margin per period at which lifetime value covers the acquisition cost.

    Example:
        >>> import loyalty
        >>> round(loyalty.break_even_margin(90, 0.8, 0.1), 6)
        33.75
    """
    return float(
        _call(
            "break_even_margin",
            inputs=_inputs(1.0, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        )
    )


class NpsRetentionLink:
    """A linear link ``retention = intercept + slope * NPS`` fitted on segments.

    Example:
        >>> import loyalty
        >>> link = loyalty.NpsRetentionLink.fit([10, 30, 50, 70, 90], [0.541, 0.618, 0.7, 0.782, 0.859])
        >>> round(link.nps_for_retention(0.8).value, 1)
        75.0
    """

    def __init__(self, nps: Sequence[float], retention: Sequence[float], d: Dict[str, Any]) -> None:
        self._nps = [float(x) for x in nps]
        self._retention = [float(x) for x in retention]
        self.intercept = float(d["intercept"])
        self.slope = float(d["slope"])
        self.covariance = np.asarray(d["covariance"], dtype=float)
        self.df = float(d["df"])
        self.n = int(d["n"])

    @classmethod
    def fit(cls, nps: Sequence[float], retention: Sequence[float]) -> "NpsRetentionLink":
        """Fit by least squares on segments' NPS (points) and retention rates."""
        nps_l = [float(x) for x in nps]
        ret_l = [float(x) for x in retention]
        return cls(nps_l, ret_l, _call("nps_link", nps=nps_l, retention=ret_l))

    def retention_at(self, nps: float) -> float:
        """Retention predicted at an NPS."""
        return self.intercept + self.slope * nps

    def nps_for_retention(self, target_retention: float, *, level: float = 0.95) -> Estimate:
        """NPS needed for a target retention, with a delta-method t interval."""
        d = _call("nps_link", nps=self._nps, retention=self._retention, target_retention=float(target_retention), level=level)
        return Estimate._from_core(d["nps_needed"])

    def nps_for_value(
        self,
        margin: float,
        target: float,
        discount_rate: float,
        *,
        acquisition_cost: float = 0.0,
        timing: str = "end",
        horizon: Optional[int] = None,
        level: float = 0.95,
    ) -> Estimate:
        """NPS needed for a net value target: the retention the target needs, then its NPS."""
        d = _call(
            "nps_link",
            nps=self._nps,
            retention=self._retention,
            target_value=float(target),
            inputs=_inputs(margin, 0.5, discount_rate, timing, horizon, 0.0, acquisition_cost),
            level=level,
        )
        return Estimate._from_core(d["nps_needed"])


@dataclass(frozen=True)
class ProgramResult:
    """Return of a retention program, win-back or incentive (``roi`` is net value / cost).

    Example:
        >>> import loyalty
        >>> loyalty.retention_program(10, 100, 0.8, 0.1, 5, 20).to_frame()["period"].tolist()
        [1, 2, 3, 4]"""

    value_without: float
    value_with: float
    value_gained: float
    cost: float
    net_value: float
    roi: Optional[float]
    payback_period: Optional[int]
    gain_by_period: List[float]

    def to_frame(self) -> Any:
        """Discounted gain per member by period with its cumulative sum."""
        import pandas as pd

        g = np.asarray(self.gain_by_period, dtype=float)
        return pd.DataFrame({"period": np.arange(1, len(g) + 1), "gain": g, "cumulative_gain": np.cumsum(g)})

    def plot(self, ax: Any = None) -> Any:
        """Cumulative discounted gain per member by period; returns the axes."""
        import matplotlib.pyplot as plt

        ax = ax or plt.subplots()[1]
        df = self.to_frame()
        ax.plot(df["period"], df["cumulative_gain"], marker="o")
        ax.set_xlabel("period")
        ax.set_ylabel("cumulative discounted gain per member")
        return ax


def retention_program(
    members: float,
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    uplift_points: float,
    cost_per_member: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
) -> ProgramResult:
    """ROI and payback of a program that adds ``uplift_points`` to each period's retention.

    Example:
        >>> import loyalty
        >>> r = loyalty.retention_program(1000, 100, 0.8, 0.1, 5, 20)
        >>> r.payback_period, round(r.net_value)
        (4, 53333)
    """
    program = dict(
        members=float(members),
        base=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth),
        uplift_points=float(uplift_points),
        cost_per_member=float(cost_per_member),
    )
    return ProgramResult(**_call("retention_program", program=program))


def win_back(
    former_members: float,
    win_back_rate: float,
    cost_per_contact: float,
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    timing: str = "end",
    horizon: Optional[int] = None,
) -> Dict[str, Any]:
    """Value of winning back former members; ``retention`` is that of returning members.

    Example:
        >>> import loyalty
        >>> round(loyalty.win_back(500, 0.1, 5, 40, 0.6, 0.1)["value_per_contact"], 6)
        -0.2
    """
    campaign = dict(
        former_members=float(former_members),
        win_back_rate=float(win_back_rate),
        cost_per_contact=float(cost_per_contact),
        returning=_inputs(margin, retention, discount_rate, timing, horizon),
    )
    return _call("win_back", campaign=campaign)


def acquisition_incentive(
    new_customers: float,
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    retention_with: RetentionLike,
    margin_with: Optional[float] = None,
    upfront_cost: float = 0.0,
    cost_per_period: float = 0.0,
    cost_periods: int = 0,
    timing: str = "end",
    horizon: Optional[int] = None,
) -> ProgramResult:
    """Value a discount or extra service to new customers against the retention and margin it buys.

    Example:
        >>> import loyalty
        >>> r = loyalty.acquisition_incentive(100, 50, 0.6, 0.1, retention_with=0.7, upfront_cost=20)
        >>> round(r.net_value, 6)
        750.0
    """
    incentive = dict(
        new_customers=float(new_customers),
        without=_inputs(margin, retention, discount_rate, timing, horizon),
        with_=None,
        upfront_cost=float(upfront_cost),
        cost_per_period=float(cost_per_period),
        cost_periods=_whole("cost_periods", cost_periods),
    )
    incentive.pop("with_")
    incentive["with"] = _inputs(margin if margin_with is None else margin_with, retention_with, discount_rate, timing, horizon)
    return ProgramResult(**_call("acquisition_incentive", incentive=incentive))


def propagate(
    func: Callable[[Sequence[float]], float],
    values: Sequence[float],
    *,
    se: Optional[Sequence[float]] = None,
    covariance: Any = None,
    method: str = "delta",
    draws: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
) -> Estimate:
    """Propagate input standard errors (or a covariance) to any value or sensitivity.

    ``method="delta"`` uses the first-order delta method with a numeric
    gradient. ``method="simulation"`` takes ``draws`` seeded multivariate
    normal draws and returns the standard deviation of the results as
    standard error and their percentiles as interval. Draws where ``func`` raises ``ValueError``
    (e.g. a retention of 1 or more) are dropped and counted in ``n_missing``.

    Example:
        >>> import loyalty
        >>> e = loyalty.propagate(lambda x: loyalty.clv(100, x[0], 0.1), [0.8], se=[0.02])
        >>> round(e.se, 2)
        24.44
    """
    vals = [float(v) for v in values]
    if covariance is None:
        if se is None:
            raise InvalidParameterError("invalid se = None: pass se (one standard error per value) or covariance")
        s = [float(x) for x in se]
        for i, x in enumerate(s):
            if not (math.isfinite(x) and x >= 0):
                raise InvalidParameterError(f"invalid se[{i}] = {x}: a standard error must be finite and >= 0")
        cov = np.diag(np.square(s)).tolist()
    else:
        cov = np.asarray(covariance, dtype=float).tolist()
    d = _loyalty.propagate_callable(func, vals, cov, method=method, draws=_whole("draws", draws), seed=_whole("seed", seed), level=float(level))
    return Estimate._from_core(d)


@dataclass(frozen=True)
class SensitivityEstimates:
    """Value, elasticities and the value of +``points`` points of retention, each an Estimate.

    Example:
        >>> import loyalty
        >>> s = loyalty.sensitivity_estimates(100, 0.8, 0.1, retention_se=0.02)
        >>> s.to_frame()["quantity"].tolist()[:2]
        ['value', 'clv']
    """

    value: Estimate
    clv: Estimate
    retention_elasticity: Estimate
    margin_elasticity: Estimate
    discount_rate_elasticity: Estimate
    acquisition_cost_elasticity: Estimate
    points: float
    plus_points: Estimate

    _NAMES = (
        "value",
        "clv",
        "retention_elasticity",
        "margin_elasticity",
        "discount_rate_elasticity",
        "acquisition_cost_elasticity",
        "plus_points",
    )

    def to_frame(self) -> Any:
        """Return one row per quantity with value, se, interval and method."""
        import pandas as pd

        rows = []
        for name in self._NAMES:
            e = getattr(self, name)
            rows.append(
                {"quantity": name, "value": e.value, "se": e.se, "ci_low": e.ci_low, "ci_high": e.ci_high, "method": e.method}
            )
        return pd.DataFrame(rows)


def sensitivity_estimates(
    margin: float,
    retention: RetentionLike,
    discount_rate: float,
    *,
    margin_se: float = 0.0,
    retention_se: float = 0.0,
    discount_rate_se: float = 0.0,
    acquisition_cost_se: float = 0.0,
    sbg_covariance: Any = None,
    acquisition_cost: float = 0.0,
    points: float = 5.0,
    timing: str = "end",
    horizon: Optional[int] = None,
    margin_growth: float = 0.0,
    method: str = "delta",
    draws: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
) -> SensitivityEstimates:
    """Compute the value and every sensitivity with input standard errors propagated.

    Inputs are independent except the sBG parameters, whose covariance
    ``sbg_covariance`` (2x2, from the fit) replaces ``retention_se`` for an
    sBG curve. For a vector curve ``retention_se`` moves every period's rate
    together.

    Example:
        >>> import loyalty
        >>> s = loyalty.sensitivity_estimates(100, 0.8, 0.1, retention_se=0.02)
        >>> round(s.retention_elasticity.value, 4), round(s.retention_elasticity.se, 4)
        (3.6667, 0.2444)
    """
    uncertainty = dict(
        margin_se=float(margin_se),
        retention_se=float(retention_se),
        discount_rate_se=float(discount_rate_se),
        acquisition_cost_se=float(acquisition_cost_se),
        sbg_covariance=None if sbg_covariance is None else np.asarray(sbg_covariance, dtype=float).tolist(),
    )
    d = _call(
        "sensitivity_estimates",
        inputs=_inputs(margin, retention, discount_rate, timing, horizon, margin_growth, acquisition_cost),
        uncertainty=uncertainty,
        points=float(points),
        method=method,
        draws=_whole("draws", draws),
        seed=_whole("seed", seed),
        level=float(level),
    )
    fields = {k: Estimate._from_core(v) for k, v in d.items() if k != "points"}
    return SensitivityEstimates(points=float(d["points"]), **fields)
