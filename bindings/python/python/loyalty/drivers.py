"""Key-driver analysis: which performance dimensions drive loyalty.

:func:`key_drivers` splits the R-squared of an outcome (a recommend score,
satisfaction, intention to stay, retained yes/no) among driver ratings by
LMG (the Shapley value of R-squared, exact over all subsets up to 25 drivers),
dominance, Johnson's relative weights, Pratt, first, last or squared
standardised coefficients, with seeded bootstrap intervals.
:func:`key_drivers_from_matrix` does the same from a correlation or covariance
matrix and its ``n``; :func:`penalty_reward` runs a penalty-reward contrast
analysis; :func:`shapley_values` takes an R-squared table computed elsewhere.

Rules: rows with a missing value in a used column are dropped (listwise) and
counted in ``n_missing``; a constant driver raises
:class:`~loyalty.DegenerateError`; exactly collinear drivers share equally
(an exact duplicate halves its importance with its copy) and are listed in
``collinear``; a matrix that is not positive semidefinite raises
:class:`~loyalty.NotPositiveSemidefiniteError` with its smallest eigenvalue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _loyalty
from ._estimate import Estimate

__all__ = [
    "KEY_DRIVER_METHODS",
    "RSquared",
    "Dominance",
    "ImportanceDifference",
    "KeyDriverResult",
    "PenaltyRewardResult",
    "key_drivers",
    "key_drivers_from_matrix",
    "penalty_reward",
    "shapley_values",
]

#: Accepted values of ``method``: the six measures, plus ``"dominance"``
#: (general dominance, equal to LMG, with the dominance matrices) and
#: ``"logistic"`` (LMG on McFadden's R-squared for a 0/1 outcome).
KEY_DRIVER_METHODS = (
    "lmg",
    "relative_weights",
    "pratt",
    "first",
    "last",
    "betasq",
    "dominance",
    "logistic",
)

_EXACT_LIMIT = 25
_PERMUTATIONS = 10_000
_LEVEL = 0.95


class RSquared(float):
    """R-squared of the full model: a float that also carries its interval.

    Attributes:
        estimate: the :class:`~loyalty.Estimate` (interval NaN without a bootstrap).
        ci_low, ci_high: bounds of the interval.
    """

    estimate: Estimate

    def __new__(cls, estimate: Estimate) -> "RSquared":
        obj = super().__new__(cls, estimate.value)
        obj.estimate = estimate
        return obj

    @property
    def value(self) -> float:
        """The point value."""
        return float(self)

    @property
    def ci_low(self) -> float:
        """Lower bound of the interval."""
        return self.estimate.ci_low

    @property
    def ci_high(self) -> float:
        """Upper bound of the interval."""
        return self.estimate.ci_high

    def __reduce__(self) -> Any:
        return (RSquared, (self.estimate,))


@dataclass(frozen=True)
class Dominance:
    """Dominance statistics (Budescu 1993; Azen and Budescu 2003).

    Attributes:
        general: general dominance weight of each driver (equal to LMG), a Series.
        conditional: mean R-squared gain of each driver (rows) when it joins
            a subset of ``k`` other drivers (columns ``0..p-1``), a DataFrame.
        complete: ``complete.loc[i, j]`` is 1 if driver ``i`` adds more
            R-squared than ``j`` to every subset of the others, 0 if ``j`` adds
            more to every subset, 0.5 if neither; NaN on the diagonal.
        general_pairwise: 1 where the row's general weight exceeds the
            column's, 0 where it is smaller, 0.5 on ties.
        conditional_pairwise: 1 where the row's conditional weight exceeds the
            column's at every subset size, 0 where it is smaller at every
            size, 0.5 otherwise.
    """

    general: Any
    conditional: Any
    complete: Any
    general_pairwise: Any
    conditional_pairwise: Any

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


@dataclass(frozen=True)
class ImportanceDifference:
    """Bootstrap test of whether two drivers' importances differ.

    ``difference`` is importance(a) - importance(b) with the percentile
    interval of the paired replicate differences; ``p_value`` is the
    two-sided bootstrap p-value of no difference.
    """

    driver_a: str
    driver_b: str
    difference: Estimate
    p_value: float


def _estimate(d: Mapping[str, Any]) -> Estimate:
    def num(key: str) -> float:
        v = d.get(key)
        return float("nan") if v is None else float(v)

    return Estimate(
        value=num("value"),
        se=num("se"),
        ci_low=num("ci_low"),
        ci_high=num("ci_high"),
        level=num("level"),
        method=str(d.get("method", "")),
        n=num("n"),
        n_effective=num("n_effective"),
        n_missing=num("n_missing") if d.get("n_missing") is not None else 0.0,
    )


def _nan(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _column(data: Any, name: Any) -> np.ndarray:
    """Return one column as a contiguous float64 array (no copy when it already is)."""
    if name not in data.columns:
        raise KeyError(f"column {name!r} not found; the data has {list(data.columns)!r}")
    series = data[name]
    if isinstance(series, type(data)):
        raise ValueError(f"column name {name!r} is not unique in the data; rename the duplicates")
    kind = series.dtype.kind
    if kind == "b":
        return series.to_numpy(dtype=np.float64)
    if kind in "iuf":
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    try:
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    except (TypeError, ValueError):
        raise TypeError(
            f"column {name!r} is not numeric (dtype {series.dtype}); map its labels to "
            "numbers first, e.g. data[col].map({'Low': 1, 'Medium': 2, 'High': 3, 'Very_High': 4})"
        ) from None


def _frame(data: Any) -> Any:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    return pd.DataFrame(data)


def _weights(data: Any, weights: Any) -> Optional[np.ndarray]:
    if weights is None:
        return None
    if isinstance(weights, str):
        return _column(data, weights)
    return np.ascontiguousarray(np.asarray(weights, dtype=np.float64).reshape(-1))


def _bootstrap_and_seed(bootstrap: int, seed: Optional[int]) -> Tuple[int, int]:
    if int(bootstrap) < 0:
        raise ValueError(f"bootstrap must be 0 (no intervals) or a positive number of replicates, got {bootstrap}")
    if seed is not None and int(seed) < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return int(bootstrap), 0 if seed is None else int(seed)


def _method_and_model(method: str) -> Tuple[str, str]:
    if method not in KEY_DRIVER_METHODS:
        raise ValueError(f"method must be one of {KEY_DRIVER_METHODS}, got {method!r}")
    if method == "logistic":
        return "lmg", "logistic"
    if method == "dominance":
        return "lmg", "linear"
    return method, "linear"


class KeyDriverResult:
    """Result of :func:`key_drivers`.

    Attributes:
        method: the ``method`` asked for.
        outcome: outcome column.
        drivers: driver columns, in input order.
        importance: DataFrame with columns ``driver``, ``importance``,
            ``share`` (importance / R-squared), ``ci_low``, ``ci_high`` for
            ``method`` (intervals are NaN without a bootstrap, except for
            sampled LMG, which carries its Monte Carlo interval).
        r_squared: R-squared of the full model (McFadden's for
            ``"logistic"``), a float with ``.ci_low``/``.ci_high``.
        dominance: :class:`Dominance` matrices, or None when LMG was sampled
            (more drivers than the exact limit).
        methods: every measure of the model in long form, with ``se``.
        performance: mean rating of each driver with its t interval.
        n, n_missing: rows used and rows dropped as missing.
        exact: False when LMG was estimated by permutation sampling.
        collinear: drivers that are exact linear combinations of earlier ones.
        interval_method: how the intervals were computed.
    """

    def __init__(self, core: Dict[str, Any], method: str) -> None:
        import pandas as pd

        self._core = core
        self.method = method
        self.outcome: str = core["outcome"]
        self.drivers: List[str] = list(core["drivers"])
        self.model: str = core["model"]
        self.r_squared = RSquared(_estimate(core["r_squared"]))
        self.n = float(core["n"])
        self.n_missing = float(core["n_missing"])
        self.n_effective = float(core["n_effective"])
        self.exact = bool(core["exact"])
        self.permutations = int(core["permutations"])
        self.collinear: List[str] = list(core["collinear"])
        self.bootstrap = int(core["bootstrap"])
        self.interval_method: str = core["interval_method"]
        self.level = float(core["level"])
        self._by_method = {m["method"]: m for m in core["importance"]}
        rows = []
        for m in core["importance"]:
            for j, d in enumerate(self.drivers):
                e = m["values"][j]
                rows.append(
                    {
                        "driver": d,
                        "method": m["method"],
                        "importance": _nan(e["value"]),
                        "share": _nan(m["shares"][j]),
                        "se": _nan(e["se"]),
                        "ci_low": _nan(e["ci_low"]),
                        "ci_high": _nan(e["ci_high"]),
                    }
                )
        self.methods = pd.DataFrame(
            rows, columns=["driver", "method", "importance", "share", "se", "ci_low", "ci_high"]
        )
        key, _ = _method_and_model(method)
        chosen = self.methods[self.methods["method"] == key]
        self.importance = chosen[["driver", "importance", "share", "ci_low", "ci_high"]].reset_index(
            drop=True
        )
        perf = core.get("performance") or []
        self.performance = pd.DataFrame(
            [
                {
                    "driver": d,
                    "mean": _nan(e["value"]),
                    "se": _nan(e["se"]),
                    "ci_low": _nan(e["ci_low"]),
                    "ci_high": _nan(e["ci_high"]),
                }
                for d, e in zip(self.drivers, perf)
            ],
            columns=["driver", "mean", "se", "ci_low", "ci_high"],
        )
        self.dominance = self._dominance(core.get("dominance"))

    def _dominance(self, d: Optional[Mapping[str, Any]]) -> Optional[Dominance]:
        import pandas as pd

        if not d:
            return None
        names = self.drivers
        p = len(names)
        general = pd.Series([float(v) for v in d["general"]], index=names, name="general")
        conditional = pd.DataFrame(
            [[float(v) for v in row] for row in d["conditional"]], index=names, columns=list(range(p))
        )
        conditional.columns.name = "other drivers in subset"
        complete = pd.DataFrame(
            [[_nan(v) for v in row] for row in d["complete"]], index=names, columns=names
        )
        g = general.to_numpy()
        c = conditional.to_numpy()
        gen_pw = np.full((p, p), np.nan)
        cond_pw = np.full((p, p), np.nan)
        for i in range(p):
            for j in range(p):
                if i == j:
                    continue
                gen_pw[i, j] = 1.0 if g[i] > g[j] else (0.0 if g[i] < g[j] else 0.5)
                if np.all(c[i] > c[j]):
                    cond_pw[i, j] = 1.0
                elif np.all(c[i] < c[j]):
                    cond_pw[i, j] = 0.0
                else:
                    cond_pw[i, j] = 0.5
        return Dominance(
            general=general,
            conditional=conditional,
            complete=complete,
            general_pairwise=pd.DataFrame(gen_pw, index=names, columns=names),
            conditional_pairwise=pd.DataFrame(cond_pw, index=names, columns=names),
        )

    def compare(self, a: str, b: str, *, method: Optional[str] = None) -> ImportanceDifference:
        """Test whether drivers ``a`` and ``b`` differ in importance.

        Needs a bootstrap (``bootstrap > 0``); the replicates are paired, so
        the test accounts for the correlation between the two importances.

        Example:
            >>> import numpy as np, pandas as pd, loyalty
            >>> rng = np.random.default_rng(1)
            >>> df = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
            >>> df["y"] = 2 * df["a"] + 0.2 * df["b"] + rng.normal(size=200)
            >>> r = loyalty.key_drivers(df, "y", ["a", "b"], bootstrap=200, seed=3)
            >>> r.compare("a", "b").p_value < 0.05
            True
        """
        key, _ = _method_and_model(method or self.method)
        m = self._by_method.get(key)
        if m is None:
            raise ValueError(f"method {key!r} is not available for the {self.model} model")
        reps = m.get("replicates") or []
        ia, ib = self._index(a), self._index(b)
        empty: List[float] = []
        d = _loyalty.importance_difference(
            (a, float(m["values"][ia]["value"]), reps[ia] if reps else empty),
            (b, float(m["values"][ib]["value"]), reps[ib] if reps else empty),
            level=self.level,
            n=self.n,
        )
        return ImportanceDifference(
            driver_a=a, driver_b=b, difference=_estimate(d["difference"]), p_value=float(d["p_value"])
        )

    def _index(self, name: str) -> int:
        try:
            return self.drivers.index(name)
        except ValueError:
            raise KeyError(f"driver {name!r} not found; the drivers are {self.drivers!r}") from None

    def ipa(
        self, *, importance_cut: Optional[float] = None, performance_cut: Optional[float] = None
    ) -> Any:
        """Importance-performance matrix (Martilla and James 1977).

        Cut lines default to the mean importance and the mean of the drivers'
        mean ratings; pass ``performance_cut`` (e.g. the scale midpoint) for a
        fixed line. A driver on a line counts as high on that axis.

        Returns:
            DataFrame with ``driver``, ``importance``, ``performance`` (mean
            rating), ``ci_low``/``ci_high`` of the mean rating and
            ``quadrant``; the cut lines are in ``.attrs``.
        """
        import pandas as pd

        if self.performance.empty:
            raise ValueError("an analysis from a matrix has no mean ratings; run key_drivers on data")
        d = _loyalty.importance_performance(
            self.drivers,
            [float(v) for v in self.importance["importance"]],
            [float(v) for v in self.performance["mean"]],
            importance_cut=importance_cut,
            performance_cut=performance_cut,
        )
        labels = {
            "concentrate_here": "concentrate here",
            "keep_up_the_good_work": "keep up the good work",
            "low_priority": "low priority",
            "possible_overkill": "possible overkill",
        }
        df = pd.DataFrame(
            {
                "driver": self.drivers,
                "importance": [float(p["importance"]) for p in d["points"]],
                "performance": self.performance["mean"].to_numpy(),
                "ci_low": self.performance["ci_low"].to_numpy(),
                "ci_high": self.performance["ci_high"].to_numpy(),
                "quadrant": [labels[p["quadrant"]] for p in d["points"]],
            }
        )
        df.attrs["importance_cut"] = float(d["importance_cut"])
        df.attrs["performance_cut"] = float(d["performance_cut"])
        df.attrs["cut_rule"] = d["cut_rule"]
        return df

    def to_dict(self) -> Dict[str, Any]:
        """Return the full core result as plain Python objects (JSON-ready)."""
        return self._core

    def plot(self, kind: str = "bar", ax: Any = None) -> Any:
        """Plot the importances (``kind="bar"``, with intervals) or the
        importance-performance matrix (``kind="ipa"``, quadrant chart).

        Returns the matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.45 * len(self.drivers) + 1.5))
        if kind == "bar":
            df = self.importance.iloc[::-1]
            lo = (df["importance"] - df["ci_low"]).clip(lower=0).fillna(0.0)
            hi = (df["ci_high"] - df["importance"]).clip(lower=0).fillna(0.0)
            ax.barh(df["driver"].astype(str), df["importance"], xerr=[lo, hi], color="#4c72b0", capsize=3)
            ax.set_xlabel(f"importance ({self.method}); R-squared {float(self.r_squared):.3f}")
            ax.set_title(f"Key drivers of {self.outcome}")
        elif kind == "ipa":
            df = self.ipa()
            ax.scatter(df["performance"], df["importance"], color="#4c72b0")
            for _, row in df.iterrows():
                ax.annotate(str(row["driver"]), (row["performance"], row["importance"]), fontsize=8,
                            xytext=(3, 3), textcoords="offset points")
            ax.axvline(df.attrs["performance_cut"], color="grey", lw=0.8, ls="--")
            ax.axhline(df.attrs["importance_cut"], color="grey", lw=0.8, ls="--")
            ax.set_xlabel("performance (mean rating)")
            ax.set_ylabel(f"importance ({self.method})")
            ax.set_title(f"Importance-performance matrix: {self.outcome}")
        else:
            raise ValueError(f"kind must be 'bar' or 'ipa', got {kind!r}")
        return ax

    def __repr__(self) -> str:
        return (
            f"KeyDriverResult(outcome={self.outcome!r}, method={self.method!r}, "
            f"r_squared={float(self.r_squared):.4f}, n={self.n:g})\n{self.importance}"
        )


def key_drivers(
    data: Any,
    outcome: str,
    drivers: Sequence[str],
    *,
    method: str = "lmg",
    weights: Any = None,
    bootstrap: int = 0,
    seed: Optional[int] = None,
) -> KeyDriverResult:
    """Rank the drivers of an outcome by their share of R-squared.

    Args:
        data: a pandas DataFrame (or anything ``pandas.DataFrame`` accepts);
            column names may contain spaces and unicode. Columns must be
            numeric (bool counts as 0/1); map ordinal labels to numbers first.
        outcome: the outcome column.
        drivers: the driver columns.
        method: ``"lmg"`` (Shapley value of R-squared, exact up to 25 drivers,
            sampled above with its Monte Carlo error), ``"relative_weights"``
            (Johnson 2000), ``"pratt"``, ``"first"`` (squared correlation),
            ``"last"`` (R-squared lost when the driver leaves),
            ``"betasq"`` (squared standardised coefficient), ``"dominance"``
            (general dominance, equal to LMG) or ``"logistic"`` (LMG on
            McFadden's R-squared; the outcome must be 0/1 or bool). Every
            measure is computed; ``method`` picks the one in ``.importance``.
        weights: row weights, as a column name or an array.
        bootstrap: bootstrap replicates for the intervals (0 for none).
        seed: seed of the bootstrap and of permutation sampling (default 0).

    Returns:
        A :class:`KeyDriverResult`.

    Example:
        >>> import numpy as np, pandas as pd, loyalty
        >>> rng = np.random.default_rng(0)
        >>> df = pd.DataFrame(rng.normal(size=(300, 3)), columns=["price", "service quality", "café"])
        >>> df["nps"] = df["price"] + 0.5 * df["service quality"] + rng.normal(size=300)
        >>> r = loyalty.key_drivers(df, "nps", ["price", "service quality", "café"])
        >>> list(r.importance.columns)
        ['driver', 'importance', 'share', 'ci_low', 'ci_high']
        >>> r.importance.sort_values("importance").iloc[-1]["driver"]
        'price'
        >>> round(float(r.importance["importance"].sum()), 10) == round(float(r.r_squared), 10)
        True
    """
    _, model = _method_and_model(method)
    replicates, seed_value = _bootstrap_and_seed(bootstrap, seed)
    frame = _frame(data)
    names = [outcome] + list(drivers)
    columns = [_column(frame, c) for c in names]
    d = _loyalty.key_drivers_columns(
        [str(c) for c in names],
        columns,
        weights=_weights(frame, weights),
        model=model,
        missing="listwise",
        collinearity="equal_split",
        bootstrap=replicates,
        seed=seed_value,
        level=_LEVEL,
        exact_limit=_EXACT_LIMIT,
        permutations=_PERMUTATIONS,
    )
    return KeyDriverResult(d, method)


def key_drivers_from_matrix(
    matrix: Any,
    n: float,
    *,
    names: Optional[Sequence[str]] = None,
    method: str = "lmg",
    bootstrap: int = 0,
    seed: Optional[int] = None,
) -> KeyDriverResult:
    """Key-driver analysis from a correlation or covariance matrix and its ``n``.

    The first row and column belong to the outcome. A matrix whose diagonal
    is all ones is read as correlations, any other as covariances. With
    ``bootstrap > 0`` the intervals come from a parametric bootstrap (normal
    samples of size ``n`` from the matrix).

    Raises:
        NotPositiveSemidefiniteError: the matrix has a negative eigenvalue
            (named in the message), e.g. one built by pairwise deletion.

    Example:
        >>> import numpy as np, loyalty
        >>> R = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]])
        >>> r = loyalty.key_drivers_from_matrix(R, 100, names=["y", "a", "b"])
        >>> round(float(r.importance["importance"].sum()), 6) == round(float(r.r_squared), 6)
        True
    """
    key, model = _method_and_model(method)
    replicates, seed_value = _bootstrap_and_seed(bootstrap, seed)
    if model != "linear":
        raise ValueError("the logistic model needs the rows; use key_drivers on data")
    if names is None and hasattr(matrix, "columns"):
        names = [str(c) for c in matrix.columns]
    arr = np.ascontiguousarray(np.asarray(matrix, dtype=np.float64))
    if arr.ndim != 2:
        raise ValueError(f"matrix must be two-dimensional, got shape {arr.shape}")
    if names is None:
        names = ["y"] + [f"x{j}" for j in range(1, arr.shape[0])]
    d = _loyalty.key_drivers_matrix(
        arr,
        float(n),
        [str(c) for c in names],
        collinearity="equal_split",
        bootstrap=replicates,
        seed=seed_value,
        level=_LEVEL,
        exact_limit=_EXACT_LIMIT,
        permutations=_PERMUTATIONS,
    )
    return KeyDriverResult(d, method)


class PenaltyRewardResult:
    """Result of :func:`penalty_reward`.

    Attributes:
        table: DataFrame with one row per driver: ``driver``, ``low_max``,
            ``high_min``, ``n_low``, ``n_high``, ``penalty`` (coefficient of
            the low dummy), ``penalty_se``, ``penalty_ci_low``,
            ``penalty_ci_high``, ``reward`` (coefficient of the high dummy)
            with the same columns, ``asymmetry`` (reward + penalty),
            ``asymmetry_se``, ``p_value`` and ``flag`` (``"basic"``,
            ``"excitement"``, or None where the asymmetry is not significant
            at ``1 - level``).
        r_squared: R-squared of the dummy regression.
        n, n_missing: rows used and rows dropped as missing.
    """

    def __init__(self, core: Dict[str, Any]) -> None:
        import pandas as pd

        self._core = core
        self.outcome: str = core["outcome"]
        self.r_squared = float(core["r_squared"])
        self.n = float(core["n"])
        self.n_missing = float(core["n_missing"])
        self.level = float(core["level"])
        rows = []
        for cut, d in zip(core["cuts"], core["drivers"]):
            row: Dict[str, Any] = {
                "driver": d["driver"],
                "low_max": float(cut["low_max"]),
                "high_min": float(cut["high_min"]),
                "n_low": float(d["n_low"]),
                "n_high": float(d["n_high"]),
            }
            for key in ("penalty", "reward", "asymmetry"):
                e = d.get(key) or {}
                row[key] = _nan(e.get("value"))
                row[f"{key}_se"] = _nan(e.get("se"))
                if key != "asymmetry":
                    row[f"{key}_ci_low"] = _nan(e.get("ci_low"))
                    row[f"{key}_ci_high"] = _nan(e.get("ci_high"))
            row["p_value"] = _nan(d.get("p_value"))
            row["flag"] = d.get("flag")
            rows.append(row)
        self.table = pd.DataFrame(rows)

    def to_dict(self) -> Dict[str, Any]:
        """Return the core result as plain Python objects."""
        return self._core

    def plot(self, ax: Any = None) -> Any:
        """Diverging bars of penalty (left) and reward (right) with intervals."""
        import matplotlib.pyplot as plt

        t = self.table.iloc[::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.45 * len(t) + 1.5))
        y = np.arange(len(t))
        ax.barh(y, t["penalty"], xerr=[t["penalty"] - t["penalty_ci_low"], t["penalty_ci_high"] - t["penalty"]],
                color="#c44e52", capsize=3, label="penalty (low rating)")
        ax.barh(y, t["reward"], xerr=[t["reward"] - t["reward_ci_low"], t["reward_ci_high"] - t["reward"]],
                color="#55a868", capsize=3, label="reward (high rating)")
        labels = [f"{d} [{f}]" if f else str(d) for d, f in zip(t["driver"], t["flag"])]
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(f"effect on {self.outcome}")
        ax.legend(loc="best", fontsize=8)
        return ax


def penalty_reward(
    data: Any,
    outcome: str,
    drivers: Sequence[str],
    *,
    low_max: Union[None, float, Sequence[float]] = None,
    high_min: Union[None, float, Sequence[float]] = None,
    scale: Optional[Tuple[float, float]] = None,
    weights: Any = None,
    level: float = 0.95,
) -> PenaltyRewardResult:
    """Penalty-reward contrast analysis (Brandt 1987).

    Each driver becomes a ``low`` dummy (rating <= ``low_max``) and a ``high``
    dummy (rating >= ``high_min``); the outcome is regressed on all dummies.
    The penalty is the low coefficient, the reward the high coefficient, and
    a driver is flagged ``"basic"`` or ``"excitement"`` only where
    ``reward + penalty`` differs from 0 at significance ``1 - level``.

    Cuts default to the bottom and top thirds of ``scale`` rounded outwards
    to whole points (1-5: low 1-2, high 4-5; 1-10: low 1-4, high 7-10);
    ``scale`` defaults to the lowest and highest rating observed among the
    drivers. Cuts are given per driver as sequences, or one value for all.

    Example:
        >>> import numpy as np, pandas as pd, loyalty
        >>> rng = np.random.default_rng(2)
        >>> df = pd.DataFrame({"speed": rng.integers(1, 6, 400)})
        >>> df["csat"] = np.where(df["speed"] <= 2, -2.0, 0.0) + rng.normal(size=400)
        >>> r = loyalty.penalty_reward(df, "csat", ["speed"], scale=(1, 5))
        >>> r.table.loc[0, "flag"]
        'basic'
    """
    frame = _frame(data)
    names = [outcome] + list(drivers)
    columns = [_column(frame, c) for c in names]
    p = len(drivers)
    if low_max is None or high_min is None:
        if scale is None:
            lo = float(np.nanmin([np.nanmin(c) for c in columns[1:]]))
            hi = float(np.nanmax([np.nanmax(c) for c in columns[1:]]))
        else:
            lo, hi = float(scale[0]), float(scale[1])
        third = np.floor((hi - lo) / 3.0 + 1e-9)
        low_default, high_default = lo + third, hi - third
        low_max = low_default if low_max is None else low_max
        high_min = high_default if high_min is None else high_min

    def per_driver(v: Union[float, Sequence[float]]) -> List[float]:
        if np.ndim(v) == 0:
            return [float(v)] * p  # type: ignore[arg-type]
        out = [float(x) for x in v]  # type: ignore[union-attr]
        if len(out) != p:
            raise ValueError(f"got {len(out)} cuts for {p} drivers; pass one per driver or one for all")
        return out

    d = _loyalty.penalty_reward_columns(
        [str(c) for c in names],
        columns,
        weights=_weights(frame, weights),
        low_max=per_driver(low_max),
        high_min=per_driver(high_min),
        level=float(level),
        missing="listwise",
    )
    return PenaltyRewardResult(d)


def shapley_values(
    r2_by_subset: Mapping[Any, float], drivers: Sequence[str]
) -> Dict[str, float]:
    """Shapley value of each driver from a table of R-squared by subset.

    Keys are subsets of driver names as tuples, frozensets or lists; a string
    key is one driver's name, and ``""`` or ``()`` is the empty model. Every
    one of the ``2^p`` subsets must be present.

    Example:
        >>> import loyalty
        >>> t = {(): 0, ("A",): .4, ("B",): .2, ("C",): .1, ("A", "B"): .4,
        ...      ("A", "C"): .5, ("B", "C"): .3, ("A", "B", "C"): .5}
        >>> round(loyalty.shapley_values(t, ["A", "B", "C"])["A"], 12)
        0.3
    """
    p = len(drivers)
    index = {d: j for j, d in enumerate(drivers)}
    values = [float("nan")] * (1 << p)
    for key, v in r2_by_subset.items():
        members: Iterable[Any] = () if key == "" else ((key,) if isinstance(key, str) else key)
        mask = 0
        for name in members:
            if name not in index:
                raise KeyError(f"subset {key!r} names {name!r}, which is not among the drivers {list(drivers)!r}")
            mask |= 1 << index[name]
        values[mask] = float(v)
    missing = [j for j, v in enumerate(values) if v != v]
    if missing:
        absent = tuple(d for j, d in enumerate(drivers) if missing[0] & (1 << j))
        raise ValueError(f"the table has no value for subset {absent!r}; pass all {1 << p} subsets")
    shares = _loyalty.shapley_table(p, values)
    return {d: float(s) for d, s in zip(drivers, shares)}
