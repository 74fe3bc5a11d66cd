"""Empirical retention for every stakeholder group.

Kaplan-Meier curves with late entry (left truncation), Nelson-Aalen
cumulative hazard, per-period hazards, the log-rank test, cohort tables and
summary figures per group, plus the bridge to the sBG model.

Conventions, the same as in the Rust core:

* a member is at risk at time ``t`` when ``entry < t <= duration``; an entry
  at or after the duration raises :class:`~loyalty.InvalidDataError`, and a
  member entering at the time of an event is not in that event's risk set;
* at a time with both events and censorings the events come first;
* a risk set emptied by events leaves the curve at 0 (never NaN), also after
  later entrants.

Durations, events and entry times are numpy arrays (read without copying
when they are contiguous float64), lists or pandas Series. ``events`` holds
1 (churned) or 0 (censored: still active at the end of observation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _loyalty
from ._estimate import Estimate

__all__ = [
    "KaplanMeier",
    "NelsonAalen",
    "LogRankResult",
    "CohortTable",
    "GroupRetention",
    "CurveComparison",
    "kaplan_meier",
    "nelson_aalen",
    "period_hazard",
    "log_rank",
    "cohort_table",
    "retention_summary",
    "sbg_observations",
    "compare_curves",
]

ArrayLike = Any


def _float_array(values: ArrayLike, name: str) -> np.ndarray:
    """View values as a contiguous 1-D float64 array, copying only when needed."""
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = np.array([np.nan if v is None else v for v in arr.reshape(-1)], dtype=np.float64)
    try:
        return np.ascontiguousarray(arr.reshape(-1), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}") from exc


def _events_array(events: ArrayLike) -> Optional[np.ndarray]:
    if events is None:
        return None
    arr = np.asarray(events).reshape(-1)
    if arr.dtype == np.bool_:
        return np.ascontiguousarray(arr)
    return _float_array(arr, "events")


def _entry_array(entry: ArrayLike) -> Optional[np.ndarray]:
    return None if entry is None else _float_array(entry, "entry")


def _codes(groups: ArrayLike) -> Tuple[np.ndarray, List[Any]]:
    """Integer codes 0..G-1 and the sorted labels of a group column."""
    import pandas as pd

    codes, labels = pd.factorize(pd.Series(np.asarray(groups).reshape(-1)), sort=True)
    return np.ascontiguousarray(codes, dtype=np.int64), list(labels)


def _first_at_or_below(values: np.ndarray, times: np.ndarray, level: float) -> float:
    """First time whose value is <= level (relative tolerance 1e-12), else inf."""
    hit = np.flatnonzero(values <= level * (1.0 + 1e-12))
    return float(times[hit[0]]) if hit.size else math.inf


class KaplanMeier:
    """A Kaplan-Meier retention curve with Greenwood standard errors and
    log(-log) pointwise intervals.

    Made by :func:`kaplan_meier`. ``survival_at`` is a right-continuous step
    function: 1 before the first event, the last value after the last time.

    Example:
        >>> import loyalty
        >>> km = loyalty.kaplan_meier([3, 5, 6, 7, 8, 10, 12, 12], [1, 0, 1, 1, 0, 1, 1, 0])
        >>> round(km.survival_at(7), 6), km.median()
        (0.583333, 10.0)
    """

    def __init__(self, columns: Dict[str, Any], level: float) -> None:
        self._columns = {k: v for k, v in columns.items() if isinstance(v, np.ndarray)}
        self.members: int = int(columns["members"])
        self.method: str = str(columns["method"])
        self.level: float = float(level)

    @property
    def times(self) -> np.ndarray:
        """Event and censoring times, ascending."""
        return self._columns["time"]

    def survival_function(self) -> "Any":
        """The curve as a DataFrame.

        Columns: ``time``, ``survival``, ``ci_low``, ``ci_high``, ``at_risk``,
        ``events``, then ``censored``, ``entered`` (late entries at that time,
        at risk only after it) and ``se`` (Greenwood).
        """
        import pandas as pd

        order = ["time", "survival", "ci_low", "ci_high", "at_risk", "events", "censored", "entered", "se"]
        return pd.DataFrame({name: self._columns[name] for name in order})

    def _index(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._columns["time"], t, side="right") - 1

    def survival_at(self, t: Union[float, ArrayLike]) -> Union[float, np.ndarray]:
        """Retention S(t): a float for a scalar ``t``, an array for an array."""
        scalar = np.ndim(t) == 0
        ts = np.asarray(t, dtype=np.float64).reshape(-1)
        if np.isnan(ts).any():
            raise ValueError("t contains NaN; pass times in the unit of the durations")
        idx = self._index(ts)
        surv = self._columns["survival"]
        out = np.where(idx >= 0, surv[np.maximum(idx, 0)] if surv.size else 1.0, 1.0)
        return float(out[0]) if scalar else out

    def confidence_interval_at(self, t: float) -> Tuple[float, float]:
        """The log(-log) interval of S(t) at the curve's level."""
        j = int(self._index(np.array([float(t)]))[0])
        if j < 0:
            return (1.0, 1.0)
        return (float(self._columns["ci_low"][j]), float(self._columns["ci_high"][j]))

    def estimate_at(self, t: float) -> Estimate:
        """S(t) as an :class:`~loyalty.Estimate`: Greenwood standard error, log(-log)
        interval, and ``n`` = members at risk at the last event or censoring time
        at or before ``t`` (all members before the first).

        Example:
            >>> import loyalty
            >>> e = loyalty.kaplan_meier([3, 5, 6, 7, 8, 10, 12, 12], [1, 0, 1, 1, 0, 1, 1, 0]).estimate_at(3)
            >>> round(e.value, 3), round(e.ci_low, 3), e.n
            (0.875, 0.387, 8.0)
        """
        t = float(t)
        if math.isnan(t):
            raise ValueError("t is NaN; pass a time in the unit of the durations")
        j = int(self._index(np.array([t]))[0])
        if j < 0:
            value, se, low, high, n = 1.0, 0.0, 1.0, 1.0, float(self.members)
        else:
            c = self._columns
            value, se = float(c["survival"][j]), float(c["se"][j])
            low, high, n = float(c["ci_low"][j]), float(c["ci_high"][j]), float(c["at_risk"][j])
        return Estimate(value=value, se=se, ci_low=low, ci_high=high, level=self.level,
                        method=self.method, n=n, n_effective=n)

    def quantile(self, q: float) -> float:
        """Quantile ``q`` of the duration distribution: the smallest time with
        S(t) <= 1 - q (``q = 0.5`` is the median); ``inf`` if never reached."""
        q = float(q)
        if not 0.0 < q < 1.0:
            raise ValueError(f"q must be strictly between 0 and 1, got {q}")
        return _first_at_or_below(self._columns["survival"], self._columns["time"], 1.0 - q)

    def quantile_ci(self, q: float) -> Tuple[float, float]:
        """Brookmeyer-Crowley interval of quantile ``q``, read off the log(-log)
        band: where the lower and the upper band first fall to 1 - q
        (``inf`` where a band never does)."""
        q = float(q)
        if not 0.0 < q < 1.0:
            raise ValueError(f"q must be strictly between 0 and 1, got {q}")
        t = self._columns["time"]
        return (
            _first_at_or_below(self._columns["ci_low"], t, 1.0 - q),
            _first_at_or_below(self._columns["ci_high"], t, 1.0 - q),
        )

    def median(self) -> float:
        """The median duration (``inf`` while retention stays above 50 %)."""
        return self.quantile(0.5)

    def median_ci(self) -> Tuple[float, float]:
        """Interval of the median; see :meth:`quantile_ci`."""
        return self.quantile_ci(0.5)

    def plot(self, ax: Any = None, label: Optional[str] = None, **kwargs: Any) -> Any:
        """Draw the step curve with its interval band (matplotlib); returns the axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        t = np.concatenate([[min(0.0, float(self.times[0]) if self.times.size else 0.0)], self.times])
        s = np.concatenate([[1.0], self._columns["survival"]])
        lo = np.concatenate([[1.0], self._columns["ci_low"]])
        hi = np.concatenate([[1.0], self._columns["ci_high"]])
        (line,) = ax.step(t, s, where="post", label=label, **kwargs)
        ax.fill_between(t, lo, hi, step="post", alpha=0.25, color=line.get_color(), linewidth=0)
        ax.set_xlabel("time")
        ax.set_ylabel("retention S(t)")
        ax.set_ylim(0, 1.02)
        if label:
            ax.legend()
        return ax

    def __repr__(self) -> str:
        return f"KaplanMeier(members={self.members}, times={self.times.size}, median={self.median()})"


def kaplan_meier(
    durations: ArrayLike,
    events: ArrayLike = None,
    *,
    entry: ArrayLike = None,
    level: float = 0.95,
) -> KaplanMeier:
    """Estimate a Kaplan-Meier retention curve.

    Args:
        durations: time from the origin to churn or to the end of observation.
        events: 1 if the member churned at its duration, 0 if still active
            (censored); all 1 when omitted.
        entry: late-entry times (left truncation): a member is observed only
            after its entry; must be below its duration.
        level: level of the pointwise and quantile intervals.

    Returns:
        A :class:`KaplanMeier` curve.

    Example:
        >>> import loyalty
        >>> km = loyalty.kaplan_meier([1, 2, 3, 3], [1, 1, 1, 0], entry=[0, 0, 1, 0])
        >>> km.survival_function()["at_risk"].tolist()
        [3, 3, 2]
    """
    cols = _loyalty.kaplan_meier_columns(
        _float_array(durations, "durations"),
        _events_array(events),
        _entry_array(entry),
        level=float(level),
    )
    return KaplanMeier(cols, level)


class NelsonAalen:
    """A Nelson-Aalen cumulative hazard with Aalen standard errors and a
    log-transformed interval. Ties count as d/n (lifelines'
    ``nelson_aalen_smoothing=False``).

    Example:
        >>> import loyalty
        >>> na = loyalty.nelson_aalen([1, 2, 3, 3], [1, 0, 1, 1])
        >>> na.cumulative_hazard_at(3)
        1.25
    """

    def __init__(self, columns: Dict[str, Any], level: float) -> None:
        self._columns = {k: v for k, v in columns.items() if isinstance(v, np.ndarray)}
        self.method: str = str(columns["method"])
        self.level = float(level)

    def cumulative_hazard(self) -> "Any":
        """DataFrame: ``time``, ``cumulative_hazard``, ``ci_low``, ``ci_high``,
        ``at_risk``, ``events``, ``se``."""
        import pandas as pd

        order = ["time", "cumulative_hazard", "ci_low", "ci_high", "at_risk", "events", "se"]
        return pd.DataFrame({name: self._columns[name] for name in order})

    def cumulative_hazard_at(self, t: Union[float, ArrayLike]) -> Union[float, np.ndarray]:
        """H(t): a float for a scalar ``t``, an array for an array; 0 before the first event."""
        scalar = np.ndim(t) == 0
        ts = np.asarray(t, dtype=np.float64).reshape(-1)
        idx = np.searchsorted(self._columns["time"], ts, side="right") - 1
        h = self._columns["cumulative_hazard"]
        out = np.where(idx >= 0, h[np.maximum(idx, 0)] if h.size else 0.0, 0.0)
        return float(out[0]) if scalar else out

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the cumulative hazard with its interval band; returns the axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        t = self._columns["time"]
        (line,) = ax.step(t, self._columns["cumulative_hazard"], where="post", **kwargs)
        ax.fill_between(t, self._columns["ci_low"], self._columns["ci_high"], step="post",
                        alpha=0.25, color=line.get_color(), linewidth=0)
        ax.set_xlabel("time")
        ax.set_ylabel("cumulative hazard H(t)")
        return ax


def nelson_aalen(
    durations: ArrayLike,
    events: ArrayLike = None,
    *,
    entry: ArrayLike = None,
    level: float = 0.95,
) -> NelsonAalen:
    """Estimate the Nelson-Aalen cumulative hazard (same inputs as :func:`kaplan_meier`).

    Example:
        >>> import loyalty
        >>> loyalty.nelson_aalen([2, 4], [1, 1]).cumulative_hazard_at([1, 2, 4]).tolist()
        [0.0, 0.5, 1.5]
    """
    cols = _loyalty.nelson_aalen_columns(
        _float_array(durations, "durations"),
        _events_array(events),
        _entry_array(entry),
        level=float(level),
    )
    return NelsonAalen(cols, level)


def period_hazard(
    durations: ArrayLike,
    events: ArrayLike = None,
    *,
    entry: ArrayLike = None,
    width: float = 1.0,
) -> "Any":
    """Discrete per-period hazard and retention as a DataFrame.

    Period ``k`` covers ``((k-1)·width, k·width]``; its risk set is every member
    observed during it (members censored inside count for the whole period).
    Columns: ``period``, ``start``, ``end``, ``at_risk``, ``events``,
    ``censored``, ``hazard`` (events / at_risk), ``se`` (binomial),
    ``retention`` (1 - hazard) and ``survival`` (product of retention rates).

    Example:
        >>> import loyalty
        >>> loyalty.period_hazard([1, 2, 2, 3], [1, 1, 0, 0])["hazard"].round(4).tolist()
        [0.25, 0.3333, 0.0]
    """
    import pandas as pd

    rows = _loyalty.period_hazard_columns(
        _float_array(durations, "durations"),
        _events_array(events),
        _entry_array(entry),
        width=float(width),
    )
    columns = ["period", "start", "end", "at_risk", "events", "censored", "hazard", "se", "retention", "survival"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class LogRankResult:
    """Result of :func:`log_rank`: chi-squared ``statistic`` on ``df`` degrees
    of freedom with its ``p_value``, and observed and expected events per group."""

    statistic: float
    p_value: float
    df: int
    groups: List[Any]
    observed: List[float]
    expected: List[float]
    members: List[int]

    def table(self) -> "Any":
        """Per-group DataFrame: ``group``, ``members``, ``observed``, ``expected``."""
        import pandas as pd

        return pd.DataFrame(
            {"group": self.groups, "members": self.members, "observed": self.observed, "expected": self.expected}
        )


def log_rank(
    durations: ArrayLike,
    events: ArrayLike,
    groups: ArrayLike,
    *,
    entry: ArrayLike = None,
) -> LogRankResult:
    """Log-rank test of equal retention curves across two or more groups.

    Args:
        durations, events, entry: as in :func:`kaplan_meier` (``events=None``
            means every member churned).
        groups: one label per member (segment, contract type, department).

    Example:
        >>> import loyalty
        >>> r = loyalty.log_rank([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1], ["a", "a", "a", "b", "b", "b"])
        >>> r.df, round(r.statistic, 4)
        (1, 5.0517)
    """
    codes, labels = _codes(groups)
    d = _loyalty.log_rank_codes(
        _float_array(durations, "durations"), _events_array(events), _entry_array(entry), codes
    )
    return LogRankResult(
        statistic=float(d["statistic"]),
        p_value=float(d["p_value"]),
        df=int(d["df"]),
        groups=labels,
        observed=[float(x) for x in d["observed"]],
        expected=[float(x) for x in d["expected"]],
        members=[int(x) for x in d["members"]],
    )


@dataclass(frozen=True)
class GroupRetention:
    """Summary figures of a stakeholder group overall and per segment.

    ``summary`` has one row per segment (``segment`` is None for the whole
    group): Kaplan-Meier ``retention`` and ``churn`` at ``horizon`` with
    intervals, ``median`` tenure with its interval, and figures under
    constant retention (a constant hazard, stated as such): ``turnover``
    (events per member per period), ``retention_per_period``,
    ``churn_per_period``, ``expected_tenure`` and ``half_life`` in periods.
    For investors the average holding period is 1 / turnover, which is
    ``expected_tenure``.
    """

    group: str
    summary: Any
    log_rank: Optional[LogRankResult]
    details: List[Dict[str, Any]] = field(repr=False, default_factory=list)


def retention_summary(
    durations: ArrayLike,
    events: ArrayLike = None,
    *,
    entry: ArrayLike = None,
    segments: ArrayLike = None,
    group: str = "customers",
    horizon: float = 12.0,
    period: float = 1.0,
    level: float = 0.95,
) -> GroupRetention:
    """Summary figures of a group's retention, overall and per segment.

    The same function serves customers, employees (tenure and exits by
    department), investors (holding periods) and suppliers (contracts), or a
    named group.

    Args:
        segments: optional label per member; adds one row per segment and a
            log-rank test between them.
        group: "customers", "employees", "investors", "suppliers" or a name.
        horizon: time at which retention and churn are read off the curve.
        period: period length (in the unit of the durations) of the
            constant-retention figures.

    Example:
        >>> import loyalty
        >>> r = loyalty.retention_summary([2, 3, 5], [1, 1, 0], group="investors", horizon=2)
        >>> round(float(r.summary.loc[0, "turnover"]), 3), round(float(r.summary.loc[0, "expected_tenure"]), 3)
        (0.2, 5.0)
    """
    import pandas as pd

    d = _float_array(durations, "durations")
    if segments is None:
        codes, labels = np.zeros(d.size, dtype=np.int64), []
    else:
        codes, labels = _codes(segments)
    out = _loyalty.group_retention_codes(
        d,
        _events_array(events),
        _entry_array(entry),
        codes,
        [str(x) for x in labels],
        group=group,
        horizon=float(horizon),
        period=float(period),
        level=float(level),
    )
    rows = []
    for s in out["summaries"]:
        row: Dict[str, Any] = {
            "segment": s["segment"],
            "members": s["members"],
            "events": s["events"],
            "censored": s["censored"],
            "horizon": s["horizon"],
        }
        for name in ("retention", "churn", "turnover", "retention_per_period", "churn_per_period",
                     "expected_tenure", "half_life"):
            est = s[name]
            row[name] = math.inf if est is None else est["value"]
            row[f"{name}_ci_low"] = math.inf if est is None else est["ci_low"]
            row[f"{name}_ci_high"] = math.inf if est is None else est["ci_high"]
        median = s["median"]
        row["median"] = math.inf if median["time"] is None else median["time"]
        row["median_ci_low"] = math.inf if median["ci_low"] is None else median["ci_low"]
        row["median_ci_high"] = math.inf if median["ci_high"] is None else median["ci_high"]
        rows.append(row)
    test = None
    if out["log_rank"] is not None:
        lr = out["log_rank"]
        test = LogRankResult(
            statistic=float(lr["statistic"]),
            p_value=float(lr["p_value"]),
            df=int(lr["df"]),
            groups=labels,
            observed=[float(x) for x in lr["observed"]],
            expected=[float(x) for x in lr["expected"]],
            members=[int(x) for x in lr["members"]],
        )
    return GroupRetention(group=out["group"], summary=pd.DataFrame(rows), log_rank=test, details=out["summaries"])


def _days(values: ArrayLike, name: str) -> np.ndarray:
    """Parse dates (strings, datetimes, pandas columns) to int64 days since
    1970-01-01; missing values become NaT (int64 minimum)."""
    import pandas as pd

    try:
        parsed = pd.to_datetime(pd.Series(np.asarray(values, dtype=object).reshape(-1)), errors="raise")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot parse {name} as dates: {exc}; pass ISO dates such as 2024-01-31") from exc
    days = parsed.dt.tz_localize(None) if getattr(parsed.dt, "tz", None) is not None else parsed
    return np.ascontiguousarray(days.values.astype("datetime64[D]").astype(np.int64))


class CohortTable:
    """A cohort retention table: cohorts by calendar start period x periods since start.

    A member is retained at period ``k`` when still active on the first day of
    calendar period ``cohort + k`` (an end date is the first day it is no longer
    active). Cells whose period starts after the observation end are not yet
    observable: NaN in every view and left out of every average, while a cohort
    that really lost every member shows 0.

    Example:
        >>> import loyalty
        >>> t = loyalty.cohort_table([1, 2, 3], ["2024-01-05", "2024-01-20", "2024-02-10"],
        ...                          [None, "2024-02-15", None], observation_end="2024-03-31")
        >>> t.shares().round(2).values.tolist()
        [[1.0, 1.0, 0.5], [1.0, 1.0, nan]]
    """

    def __init__(self, d: Dict[str, Any], period: str) -> None:
        self.period = period
        self.observation_end: str = d["observation_end"]
        self.cohorts: List[str] = list(d["cohorts"])
        self.sizes: np.ndarray = d["sizes"]
        self._retained: np.ndarray = d["retained"]
        self._average: List[Dict[str, Any]] = d["average"]
        self._survivors: List[List[int]] = d["survivors"]
        self._sbg: List[Dict[str, Any]] = d["sbg_observations"]

    def counts(self) -> "Any":
        """Members retained per cohort (rows) and period since start (columns); NaN where not yet observable."""
        import pandas as pd

        df = pd.DataFrame(self._retained, index=pd.Index(self.cohorts, name="cohort"))
        df.columns.name = "period"
        return df

    def shares(self) -> "Any":
        """Share retained (counts / cohort size) as a pivot; NaN where not yet observable."""
        counts = self.counts()
        return counts.div(np.asarray(self.sizes, dtype=np.float64), axis=0)

    def pivot(self) -> "Any":
        """Alias of :meth:`shares`: the usual cohort pivot of retention shares."""
        return self.shares()

    def to_frame(self) -> "Any":
        """Alias of :meth:`shares` (the pandas pivot view)."""
        return self.shares()

    @property
    def average_weighted(self) -> "Any":
        """Average retention per period weighted by cohort size, as a Series indexed by period."""
        return self.average().set_index("period")["weighted"]

    @property
    def average_unweighted(self) -> "Any":
        """Unweighted mean of the cohort shares per period, as a Series indexed by period."""
        return self.average().set_index("period")["unweighted"]

    def average(self) -> "Any":
        """Average retention per period since start over the cohorts that have reached it.

        Columns: ``period``, ``weighted`` (Σ retained / Σ cohort size: large
        cohorts weigh more), ``unweighted`` (mean of cohort shares: each cohort
        weighs the same), ``cohorts`` and ``members`` behind each figure.
        """
        import pandas as pd

        df = pd.DataFrame(self._average, columns=["period", "weighted", "unweighted", "cohorts", "members"])
        for col in ("weighted", "unweighted"):
            df[col] = df[col].astype(float)
        return df

    def survivors(self, cohort: str) -> List[int]:
        """Survivor counts n(0), n(1), .. of one cohort up to its last observable
        period: the input of an sBG fit on a single cohort."""
        return list(self._survivors[self.cohorts.index(cohort)])

    def sbg_observations(self) -> "Any":
        """All cohorts as sBG observations (``periods``, ``churned``, ``count``);
        see :func:`sbg_observations`."""
        import pandas as pd

        return pd.DataFrame(self._sbg, columns=["periods", "churned", "count"])

    def fit_sbg(self) -> Any:
        """Fit the shifted-beta-geometric model to all cohorts, pooled.

        A member who churns in its start period counts as churned in sBG period
        1 (the first renewal it did not make), see :func:`sbg_observations`.
        Returns the fitted :class:`loyalty.ShiftedBetaGeometric`; compare its
        ``survival_function`` with :meth:`average` to check the fit.
        """
        import numpy as np

        from .models import ShiftedBetaGeometric

        obs = self.sbg_observations()
        counts = obs["count"].to_numpy(dtype=np.int64)
        durations = np.repeat(obs["periods"].to_numpy(dtype=float), counts)
        churned = np.repeat(obs["churned"].to_numpy(dtype=bool), counts)
        return ShiftedBetaGeometric().fit_durations(durations, churned)

    def plot(self, ax: Any = None) -> Any:
        """Draw the share retained per cohort against periods since start."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        shares = self.shares()
        for cohort, row in shares.iterrows():
            ax.plot(row.index, row.values, marker="o", label=str(cohort))
        ax.set_xlabel(f"periods since start ({self.period})")
        ax.set_ylabel("share retained")
        ax.set_ylim(0, 1.02)
        return ax


def cohort_table(
    member_ids: ArrayLike,
    start_dates: ArrayLike,
    end_dates: ArrayLike = None,
    *,
    period: str = "M",
    observation_end: Any,
) -> CohortTable:
    """Build a cohort retention table from one record per member.

    Args:
        member_ids: one id per member; an id given twice raises
            :class:`~loyalty.InvalidDataError`.
        start_dates: start of the relationship (dates, datetimes or ISO text;
            parsed before any comparison).
        end_dates: first day no longer active, or missing (None/NaT) while
            active; omitted means nobody has left.
        period: "D", "W" (ISO weeks), "M", "Q" or "Y".
        observation_end: last day of observation; later cells are NaN.

    Example:
        >>> import loyalty
        >>> t = loyalty.cohort_table(["a", "b"], ["2024-01-03", "2024-02-01"], ["2024-03-15", None],
        ...                          observation_end="2024-04-30")
        >>> t.average()["weighted"].tolist(), t.average()["cohorts"].tolist()
        ([1.0, 1.0, 1.0, 0.0], [2, 2, 2, 1])
    """
    import pandas as pd

    ids = pd.Series(np.asarray(member_ids, dtype=object).reshape(-1))
    codes = np.ascontiguousarray(pd.factorize(ids)[0], dtype=np.int64)
    starts = _days(start_dates, "start_dates")
    if end_dates is None:
        ends = np.full(starts.size, np.iinfo(np.int64).min, dtype=np.int64)
    else:
        ends = _days(end_dates, "end_dates")
    end_day = int(_days([observation_end], "observation_end")[0])
    if end_day == np.iinfo(np.int64).min:
        raise ValueError("observation_end is missing; pass the last day of observation, e.g. '2024-12-31'")
    if np.any(starts == np.iinfo(np.int64).min):
        bad = int(np.flatnonzero(starts == np.iinfo(np.int64).min)[0])
        raise ValueError(f"start_dates[{bad}] is missing; every member needs a start date")
    d = _loyalty.cohort_table_days(codes, starts, ends, period=period, observation_end_days=end_day)
    return CohortTable(d, period)


def sbg_observations(durations: ArrayLike, events: ArrayLike = None) -> "Any":
    """Turn durations in whole periods into the observations an sBG fit takes.

    Returns a DataFrame with ``periods``, ``churned`` and ``count``: members who
    churned in period ``periods`` (>= 1), or who were still active after
    ``periods`` periods. Fractional durations, churn at 0 and late entry raise.

    Example:
        >>> import loyalty
        >>> loyalty.sbg_observations([1, 1, 2, 3], [1, 1, 1, 0]).values.tolist()
        [[1, True, 2], [2, True, 1], [3, False, 1]]
    """
    import pandas as pd

    rows = _loyalty.sbg_observations_durations(_float_array(durations, "durations"), _events_array(events))
    return pd.DataFrame(rows, columns=["periods", "churned", "count"])


@dataclass(frozen=True)
class CurveComparison:
    """An empirical retention curve against a model curve: per-period
    ``points`` (DataFrame), the largest absolute difference and the RMSE."""

    points: Any
    max_abs_difference: float
    rmse: float


def compare_curves(empirical: ArrayLike, model: ArrayLike) -> CurveComparison:
    """Compare an empirical curve with a model's survival curve, both by period from 0.

    Pass, e.g., ``km.survival_at(range(8))`` and an sBG survival curve.

    Example:
        >>> import loyalty
        >>> loyalty.compare_curves([1.0, 0.6, 0.45], [1.0, 0.63, 0.47]).max_abs_difference
        0.030000000000000027
    """
    import pandas as pd

    d = _loyalty.compare_curves(_float_array(empirical, "empirical"), _float_array(model, "model"))
    return CurveComparison(
        points=pd.DataFrame(d["points"]),
        max_abs_difference=float(d["max_abs_difference"]),
        rmse=float(d["rmse"]),
    )
