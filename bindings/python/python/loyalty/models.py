"""Probabilistic retention and customer-value models.

Transaction models for non-contractual customers (:class:`BetaGeo`,
:class:`ModifiedBetaGeo`, :class:`ParetoNBD`, and :class:`BetaGeoBetaBinom` for
discrete opportunities), the :class:`GammaGamma` spend model, the
:class:`ShiftedBetaGeometric` model of contractual retention, and
:func:`customer_lifetime_value`.

Every model fits by maximum likelihood in the Rust core; ``fit`` returns the
model, with ``params_``, ``standard_errors_``, ``log_likelihood_`` (a SUM over
customers, in the data's time unit), ``converged_``, ``iterations_``,
``gradient_norm_``, ``termination_``, ``boundary_`` (advice, or None) and
``summary()``; ``report_`` holds the whole fit report as a dict. A fit
whose optimum lies on the boundary of the parameter space warns with
:class:`~loyalty.errors.BoundaryWarning`; a fit that did not converge raises
:class:`~loyalty.errors.NotConvergedError`. Models pickle, and round-trip
through JSON with ``to_json()`` / ``from_json()``.

Inputs are numpy arrays, lists or pandas Series; a prediction on a Series
returns a Series with the same index.

Example:
    >>> import loyalty
    >>> m = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> round(float(m.expected_purchases(39, [2], [30.43], [38.86])[0]), 3)
    1.226
"""

from __future__ import annotations

import json
import math
import warnings
from typing import Any, Dict, List, Optional, Sequence, Type, TypeVar

import numpy as np
import pandas as pd

from . import _loyalty
from .errors import BoundaryWarning, InvalidParameterError, NotConvergedError

__all__ = [
    "ShiftedBetaGeometric",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "customer_lifetime_value",
]

ArrayLike = Any
M = TypeVar("M", bound="_Model")


def _f64(values: ArrayLike) -> np.ndarray:
    """View values as a contiguous 1-D float64 array (no copy when it already is one)."""
    arr = np.ascontiguousarray(np.asarray(values, dtype=np.float64).reshape(-1))
    return arr


def _wrap(result: np.ndarray, like: ArrayLike) -> Any:
    """Return a Series with the index of ``like`` when it is a Series."""
    if isinstance(like, pd.Series):
        return pd.Series(result, index=like.index)
    return result


class _Model:
    """Shared state and serialisation of every model."""

    _kind: str = ""
    _param_names: Sequence[str] = ()

    def __init__(self, max_iterations: int = 1000, gradient_tolerance: float = 1e-9) -> None:
        self.max_iterations = int(max_iterations)
        self.gradient_tolerance = float(gradient_tolerance)
        self.params_: Optional[pd.Series] = None
        self.standard_errors_: Optional[pd.Series] = None
        self.log_likelihood_: Optional[float] = None
        self.converged_: Optional[bool] = None
        self.iterations_: Optional[int] = None
        self.gradient_norm_: Optional[float] = None
        self.termination_: Optional[str] = None
        self.boundary_: Optional[str] = None
        self.report_: Optional[Dict[str, Any]] = None

    # -- state ----------------------------------------------------------
    def _params(self) -> List[float]:
        if self.params_ is None:
            raise ValueError(
                f"{type(self).__name__} has no parameters yet; call fit(...) or from_params(...)"
            )
        return [float(self.params_[name]) for name in self._param_names]

    def _set_params(self, values: Sequence[float]) -> None:
        self.params_ = pd.Series(list(map(float, values)), index=list(self._param_names), dtype=float)

    def _set_report(self, report: Dict[str, Any]) -> None:
        self.report_ = report
        self._set_params(report["params"])
        ses = report.get("standard_errors")
        values = [math.nan] * len(self._param_names) if ses is None else [
            math.nan if v is None else float(v) for v in ses
        ]
        self.standard_errors_ = pd.Series(values, index=list(self._param_names), dtype=float)
        self.log_likelihood_ = float(report["log_likelihood"])
        self.converged_ = bool(report["converged"])
        self.iterations_ = int(report["iterations"])
        self.gradient_norm_ = float(report["gradient_norm"])
        self.termination_ = str(report["termination"])
        self.boundary_ = report.get("boundary")
        if not self.converged_:
            raise NotConvergedError(
                f"{report['model']} maximum likelihood did not converge after "
                f"{report['iterations']} iterations ({report['termination']}, gradient norm "
                f"{report['gradient_norm']:.3e}); raise max_iterations or check the data"
            )
        if report.get("boundary"):
            warnings.warn(f"{report['model']}: {report['boundary']}", BoundaryWarning, stacklevel=3)

    @classmethod
    def _from_values(cls: Type[M], values: Sequence[float]) -> M:
        model = cls()
        for name, v in zip(cls._param_names, values):
            if not (isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(v) and v > 0):
                raise InvalidParameterError(f"invalid {name} = {v!r}: a finite number > 0")
        model._set_params(values)
        return model

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Return parameters with standard errors and Wald intervals on the log scale.

        Example:
            >>> import loyalty
            >>> loyalty.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44).summary()["estimate"].round(2).tolist()
            [6.25, 3.74, 15.44]
        """
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + level / 2)
        est = np.array(self._params())
        se = (
            self.standard_errors_.to_numpy()
            if self.standard_errors_ is not None
            else np.full(len(est), np.nan)
        )
        log_se = se / est
        return pd.DataFrame(
            {
                "estimate": est,
                "standard_error": se,
                f"lower_{level:g}": est * np.exp(-z * log_se),
                f"upper_{level:g}": est * np.exp(z * log_se),
            },
            index=pd.Index(list(self._param_names), name="parameter"),
        )

    def to_json(self) -> str:
        """Serialise the model (parameters, standard errors and fit report) to JSON.

        Example:
            >>> import loyalty
            >>> m = loyalty.BetaGeo.from_params(r=0.24, alpha=4.4, a=0.79, b=2.4)
            >>> float(loyalty.BetaGeo.from_json(m.to_json()).params_["alpha"])
            4.4
        """
        return json.dumps(
            {
                "model": type(self).__name__,
                "params": self._params(),
                "standard_errors": None
                if self.standard_errors_ is None
                else [None if math.isnan(v) else float(v) for v in self.standard_errors_],
                "log_likelihood": self.log_likelihood_,
                "converged": self.converged_,
                "report": self.report_,
            }
        )

    @classmethod
    def from_json(cls: Type[M], text: str) -> M:
        """Rebuild a model saved with :meth:`to_json`.

        Example:
            >>> import loyalty
            >>> m = loyalty.ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
            >>> float(loyalty.ParetoNBD.from_json(m.to_json()).params_["s"])
            0.61
        """
        data = json.loads(text)
        if data.get("model") != cls.__name__:
            raise InvalidParameterError(
                f"invalid JSON for {cls.__name__}: it contains a {data.get('model')!r} model; "
                f"load it with loyalty.{data.get('model')}.from_json"
            )
        model = cls._from_values(data["params"])
        if data.get("standard_errors") is not None:
            model.standard_errors_ = pd.Series(
                [math.nan if v is None else v for v in data["standard_errors"]],
                index=list(cls._param_names),
                dtype=float,
            )
        model.log_likelihood_ = data.get("log_likelihood")
        model.converged_ = data.get("converged")
        model.report_ = data.get("report")
        return model

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"{type(self).__name__}()"
        inner = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({inner})"

    def _fit(self, a: ArrayLike, b: Optional[ArrayLike], c: Optional[ArrayLike], weights: Optional[ArrayLike], kind: Optional[str] = None) -> None:
        report = _loyalty.models_fit(
            kind or self._kind,
            _f64(a),
            None if b is None else _f64(b),
            None if c is None else _f64(c),
            None if weights is None else _f64(weights),
            self.max_iterations,
            self.gradient_tolerance,
        )
        self._set_report(report)

    def _predict(self, what: str, t: float, a: ArrayLike, b: ArrayLike, c: Optional[ArrayLike]) -> Any:
        out = _loyalty.models_predict(
            self._kind, self._params(), what, float(t), _f64(a), _f64(b), None if c is None else _f64(c)
        )
        return _wrap(out, a)

    def _scalar(self, what: str, n: int = 0, t: float = 0.0) -> List[float]:
        return _loyalty.models_scalar(self._kind, self._params(), what, int(n), float(t))


class _Transactions(_Model):
    """Shared API of the continuous-time transaction models."""

    def fit(self: M, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: Optional[ArrayLike] = None) -> M:
        """Fit by maximum likelihood to per-customer ``frequency`` (repeat
        purchases), ``recency`` (time of the last one) and ``T`` (age), in one
        time unit; ``weights`` count customers per row. Returns self."""
        self._fit(frequency, recency, T, weights)
        return self

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Return the probability that each customer is alive at the end of observation."""
        return self._predict("probability_alive", 0.0, frequency, recency, T)

    def expected_purchases(self, t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Return each customer's expected repeat purchases in the next ``t`` time units."""
        return self._predict("expected_purchases", t, frequency, recency, T)

    def expected_purchases_new_customer(self, t: float) -> float:
        """Return the expected repeat purchases of a new customer in ``(0, t]``."""
        return self._scalar("expected_purchases_new_customer", 0, t)[0]

    def log_likelihood_individual(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Return each customer's log-likelihood (a density in continuous time, may be positive)."""
        return self._predict("log_likelihood", 0.0, frequency, recency, T)

    def probability_of_n_purchases(self, n: int, t: float) -> float:
        """Return the probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        Example:
            >>> import loyalty
            >>> m = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
            >>> 0 < m.probability_of_n_purchases(0, 39) < 1
            True
        """
        return self._scalar("probability_of_n_purchases", n, t)[0]


class BetaGeo(_Transactions):
    """BG/NBD model (Fader, Hardie & Lee 2005); lifetimes' ``BetaGeoFitter``.

    A customer with no repeat purchase is alive with probability exactly 1:
    under BG/NBD dropout happens only right after a purchase. Use
    :class:`ModifiedBetaGeo` to allow dropout at time 0.

    Example:
        >>> import loyalty
        >>> m = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> [round(float(v), 3) for v in m.expected_purchases(39, [0, 2], [0.0, 30.43], [38.86, 38.86])]
        [0.195, 1.226]
    """

    _kind = "bgnbd"
    _param_names = ("r", "alpha", "a", "b")

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> "BetaGeo":
        """Build a model with known parameters.

        Example:
            >>> import loyalty
            >>> float(loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).probability_alive([0], [0], [10])[0])
            1.0
        """
        return cls._from_values([r, alpha, a, b])


class ModifiedBetaGeo(BetaGeo):
    """MBG/NBD model (Batislam, Denizel & Filiztekin 2007); lifetimes' ``ModifiedBetaGeoFitter``.

    Unlike BG/NBD, a customer may drop out at time 0, so P(alive) < 1 for a
    customer without repeat purchases.

    Example:
        >>> import loyalty
        >>> m = loyalty.ModifiedBetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(m.probability_alive([0], [0], [38.86])[0]), 4)
        0.6373
    """

    _kind = "mbgnbd"


class ParetoNBD(_Transactions):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987); lifetimes' ``ParetoNBDFitter``.

    Example:
        >>> import loyalty
        >>> m = loyalty.ParetoNBD.from_params(r=0.5534, alpha=10.5802, s=0.6061, beta=11.6562)
        >>> round(float(m.probability_alive([26], [30.86], [31])[0]), 4)
        0.9979
    """

    _kind = "pareto_nbd"
    _param_names = ("r", "alpha", "s", "beta")

    @classmethod
    def from_params(cls, r: float, alpha: float, s: float, beta: float) -> "ParetoNBD":
        """Build a model with known parameters.

        Example:
            >>> import loyalty
            >>> float(loyalty.ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67).params_["beta"])
            11.67
        """
        return cls._from_values([r, alpha, s, beta])

    def dert(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, continuous_discount_rate: float) -> Any:
        """Return discounted expected residual transactions (Fader, Hardie & Lee 2005, JMR),
        with a continuous discount rate per time unit of the data.

        Example:
            >>> import loyalty, math
            >>> m = loyalty.ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
            >>> float(m.dert([2], [30.43], [38.86], continuous_discount_rate=math.log(1.15) / 52)[0]) > 0
            True
        """
        return self._predict("dert", continuous_discount_rate, frequency, recency, T)


class BetaGeoBetaBinom(_Model):
    """BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010);
    lifetimes' ``BetaGeoBetaBinomFitter``. ``T`` in the prediction methods is
    the number of opportunities ``n_periods``.

    Example:
        >>> import loyalty
        >>> m = loyalty.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)
        >>> round(float(m.probability_alive([0], [0], [6])[0]), 2)
        0.11
    """

    _kind = "bgbb"
    _param_names = ("alpha", "beta", "gamma", "delta")

    @classmethod
    def from_params(cls, alpha: float, beta: float, gamma: float, delta: float) -> "BetaGeoBetaBinom":
        """Build a model with known parameters.

        Example:
            >>> import loyalty
            >>> float(loyalty.BetaGeoBetaBinom.from_params(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8).params_["delta"])
            2.8
        """
        return cls._from_values([alpha, beta, gamma, delta])

    def fit(self, frequency: ArrayLike, recency: ArrayLike, n_periods: ArrayLike, weights: Optional[ArrayLike] = None) -> "BetaGeoBetaBinom":
        """Fit to whole-number ``frequency``, ``recency`` and ``n_periods`` per
        pattern, ``weights`` counting the customers with each pattern. Returns self."""
        self._fit(frequency, recency, n_periods, weights)
        return self

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, m_periods_in_future: int = 1) -> Any:
        """Return the probability that each customer is alive at opportunity ``T + m_periods_in_future``."""
        return self._predict("probability_alive", m_periods_in_future, frequency, recency, T)

    def expected_purchases(self, t: int, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Return each customer's expected transactions in the next ``t`` opportunities."""
        return self._predict("expected_purchases", t, frequency, recency, T)

    def expected_purchases_new_customer(self, t: int) -> float:
        """Return the expected transactions of a new customer in the first ``t`` opportunities."""
        return self._scalar("expected_purchases_new_customer", 0, t)[0]

    def probability_of_n_purchases(self, n: int, t: int) -> float:
        """Return the probability of exactly ``n`` transactions in the first ``t`` opportunities."""
        return self._scalar("probability_of_n_purchases", n, t)[0]

    def log_likelihood_individual(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Return each pattern's log-likelihood."""
        return self._predict("log_likelihood", 0.0, frequency, recency, T)

    def dert(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, discount_rate: float) -> Any:
        """Return each customer's discounted expected residual transactions
        (Fader, Hardie & Shang 2010, eq. 14): transactions ``k``
        opportunities after ``T`` count ``(1 + discount_rate) ** -k``.

        Example:
            >>> import loyalty
            >>> m = loyalty.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.75, gamma=0.657, delta=2.783)
            >>> d = m.dert([0, 6], [0, 6], [6, 6], discount_rate=0.1)
            >>> bool(d[1] > d[0] > 0)
            True
        """
        return self._predict("dert", discount_rate, frequency, recency, T)


class GammaGamma(_Model):
    """Gamma-Gamma spend model (Fader & Hardie 2013 note); lifetimes' ``GammaGammaFitter``,
    whose ``v`` is ``gamma`` here. Customers with ``frequency == 0`` are
    ignored by ``fit``; their expected spend is the population mean.

    Example:
        >>> import loyalty
        >>> m = loyalty.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> round(float(m.expected_spend([2], [22.35])[0]), 2)
        24.66
    """

    _kind = "gamma_gamma"
    _param_names = ("p", "q", "gamma")

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> "GammaGamma":
        """Build a model with known parameters (``gamma`` is lifetimes' ``v``).

        Example:
            >>> import loyalty
            >>> float(loyalty.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44).params_["q"])
            3.74
        """
        return cls._from_values([p, q, gamma])

    def fit(self, frequency: ArrayLike, monetary_value: ArrayLike, weights: Optional[ArrayLike] = None) -> "GammaGamma":
        """Fit to repeat-purchase counts and mean repeat spend. Returns self."""
        self._fit(frequency, monetary_value, None, weights)
        return self

    def expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Any:
        """Return each customer's expected mean spend per transaction."""
        out = _loyalty.models_predict(self._kind, self._params(), "expected_spend", 0.0, _f64(frequency), _f64(monetary_value), None)
        return _wrap(out, frequency)


class ShiftedBetaGeometric(_Model):
    """sBG model of contractual retention (Fader & Hardie 2007).

    Example:
        >>> import loyalty
        >>> m = loyalty.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> m.params_.round(3).tolist()
        [0.704, 1.182]
    """

    _kind = "sbg"
    _param_names = ("alpha", "beta")

    @classmethod
    def from_params(cls, alpha: float, beta: float) -> "ShiftedBetaGeometric":
        """Build a model with known parameters.

        Example:
            >>> import loyalty
            >>> round(loyalty.ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182).retention_rate(1), 3)
            0.627
        """
        return cls._from_values([alpha, beta])

    def fit(self, survivors: ArrayLike) -> "ShiftedBetaGeometric":
        """Fit to survivor counts by period, starting with the cohort size. Returns self."""
        self._fit(survivors, None, None, None, kind="sbg_survivors")
        return self

    def fit_durations(self, durations: ArrayLike, churned: ArrayLike) -> "ShiftedBetaGeometric":
        """Fit to individual records: whole periods observed and whether the member churned. Returns self."""
        self._fit(durations, np.asarray(churned, dtype=bool).astype(np.float64), None, None, kind="sbg_durations")
        return self

    def survival(self, periods: int) -> np.ndarray:
        """Return the survival curve S(0), ..., S(periods)."""
        return np.asarray(self._scalar("survival_curve", periods, 0.0))

    def retention_rate(self, t: int) -> float:
        """Return the retention rate of period ``t >= 1``."""
        return self._scalar("retention_rate", t, 0.0)[0]

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """Return DEL: discounted expected lifetime of a new member in payments, the first undiscounted."""
        return self._scalar("del", 0, discount_rate)[0]

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int) -> float:
        """Return DERL of a member who has made ``renewals`` renewals, next payment undiscounted."""
        return self._scalar("derl", renewals, discount_rate)[0]


def customer_lifetime_value(
    transaction_model: _Transactions,
    spend_model: GammaGamma,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon: int,
    period_length: float,
    discount_rate: float,
    margin: float = 1.0,
    discounting: str = "discrete",
) -> Any:
    """Return each customer's lifetime value over ``horizon`` periods of
    ``period_length`` time units: margin x expected spend x expected
    purchases in each period, discounted at ``discount_rate`` per period
    (``discounting="discrete"``: ``(1+d)^-k``; ``"continuous"``: ``exp(-d t/L)``).

    lifetimes' monthly CLV on weekly data is ``horizon=12, period_length=4.345,
    discount_rate=0.01``.

    Example:
        >>> import loyalty
        >>> bg = loyalty.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> gg = loyalty.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> clv = loyalty.customer_lifetime_value(bg, gg, [2], [30.43], [38.86], [22.35],
        ...     horizon=12, period_length=4.345, discount_rate=0.01)
        >>> float(clv[0]) > 0
        True
    """
    if not isinstance(transaction_model, _Transactions):
        raise TypeError("transaction_model must be a BetaGeo, ModifiedBetaGeo or ParetoNBD model")
    if not isinstance(spend_model, GammaGamma):
        raise TypeError("spend_model must be a GammaGamma model")
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"invalid horizon = {horizon!r}: a whole number of periods >= 1")
    out = _loyalty.models_clv(
        transaction_model._kind,
        transaction_model._params(),
        spend_model._params(),
        _f64(frequency),
        _f64(recency),
        _f64(T),
        _f64(monetary_value),
        int(horizon),
        float(period_length),
        float(discount_rate),
        float(margin),
        discounting,
    )
    return _wrap(out, frequency)
