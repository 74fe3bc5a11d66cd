"""Separation: show where satisfaction and loyalty diverge, with uncertainty.

- :func:`loyalty_quadrants`: Jones and Sasser's quadrants (loyalists,
  mercenaries, hostages, defectors), conditional loyalty rates and the
  satisfied defector rate, for attitudinal or behavioural loyalty.
- :func:`response_curve`: mean loyalty (or retention) by satisfaction level,
  a monotone fit and the level where loyalty jumps most.
- :func:`construct_validity`: Cronbach's alpha, rho_A, composite reliability,
  AVE, Fornell-Larcker, HTMT and HTMT2 with bootstrap intervals, flagging
  constructs that are not empirically distinct.
- :func:`pls_path_model`: PLS path models of the ACSI/ECSI kind with 0-100
  indices.

Every analysis works for any stakeholder group (``group="employees"`` for
satisfaction against intention to stay, or eNPS against exits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _loyalty
from ._estimate import Estimate

__all__ = [
    "QuadrantResult",
    "ResponseCurveResult",
    "ConstructValidityResult",
    "PlsResult",
    "IndexEstimate",
    "loyalty_quadrants",
    "response_curve",
    "construct_validity",
    "pls_path_model",
]

QUADRANTS = ("loyalists", "mercenaries", "hostages", "defectors")
ScaleLike = Union[Tuple[float, float], Tuple[float, float, float]]
ConstructsLike = Mapping[str, Sequence[str]]
PathsLike = Union[Sequence[Tuple[str, str]], Mapping[str, Sequence[str]]]


def _scale3(scale: Optional[ScaleLike]) -> Optional[Tuple[float, float, float]]:
    if scale is None:
        return None
    if len(scale) == 2:
        return (float(scale[0]), float(scale[1]), 1.0)
    if len(scale) == 3:
        return (float(scale[0]), float(scale[1]), float(scale[2]))
    raise ValueError(f"scale must be (min, max) or (min, max, step), got {scale!r}")


def _floats(values: Any) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = np.array([np.nan if v is None else v for v in arr.reshape(-1)], dtype=np.float64)
    return np.ascontiguousarray(arr.reshape(-1), dtype=np.float64)


def _estimate(d: Optional[Dict[str, Any]]) -> Optional[Estimate]:
    return None if d is None else Estimate._from_core(d)


def _group(d: Any) -> str:
    if isinstance(d, dict):  # Stakeholder::Other serialises as {"other": name}
        return str(next(iter(d.values())))
    return str(d)


# ---------------------------------------------------------------- quadrants


@dataclass(frozen=True)
class QuadrantResult:
    """Result of :func:`loyalty_quadrants`.

    Attributes:
        counts: members per quadrant, keyed "loyalists", "mercenaries",
            "hostages", "defectors".
        shares: share of each quadrant with a Wilson interval.
        p_loyal_given_satisfied, p_loyal_given_not_satisfied: conditional
            loyalty rates (None when the conditioning group is empty).
        difference: their difference with Newcombe's hybrid score interval.
        z_statistic, p_value: pooled two-proportion z test of the difference.
        fisher_p_value: Fisher's exact test of the 2x2 table.
        satisfied_defector_rate: share of satisfied members who are not loyal.
        measure: "attitudinal" or "behavioural".
    """

    counts: Dict[str, int]
    shares: Dict[str, Estimate]
    p_loyal_given_satisfied: Optional[Estimate]
    p_loyal_given_not_satisfied: Optional[Estimate]
    difference: Optional[Estimate]
    z_statistic: Optional[float]
    p_value: Optional[float]
    fisher_p_value: float
    satisfied_defector_rate: Optional[Estimate]
    measure: str
    satisfied_min: float
    loyal_min: float
    group: str
    n_missing: int
    notes: List[str]
    satisfaction: np.ndarray = field(repr=False, compare=False)
    loyalty: np.ndarray = field(repr=False, compare=False)

    @property
    def n(self) -> int:
        """Members classified."""
        return sum(self.counts.values())

    def to_frame(self) -> "Any":
        """Return one row per quadrant: count, share and its interval."""
        import pandas as pd

        rows = []
        for q in QUADRANTS:
            s = self.shares[q]
            rows.append(
                {"quadrant": q, "count": self.counts[q], "share": s.value,
                 "ci_low": s.ci_low, "ci_high": s.ci_high}
            )
        return pd.DataFrame(rows).set_index("quadrant")

    def plot(self, ax: Any = None, *, jitter: float = 0.3, seed: int = 0) -> Any:
        """Draw the quadrant scatter with jitter, the cut lines and each share.

        Returns the matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 5))
        rng = np.random.default_rng(seed)
        x = self.satisfaction + rng.uniform(-jitter, jitter, self.satisfaction.shape)
        y = self.loyalty.astype(float) + rng.uniform(-jitter, jitter, self.loyalty.shape)
        ax.scatter(x, y, s=10, alpha=0.4)
        sat_cut = self.satisfied_min - 0.5
        loy_cut = self.loyal_min - 0.5
        ax.axvline(sat_cut, color="grey", lw=1)
        ax.axhline(loy_cut, color="grey", lw=1)
        xmin, xmax = ax.get_xlim()
        ymin, ymax = ax.get_ylim()
        spots = {
            "loyalists": ((sat_cut + xmax) / 2, (loy_cut + ymax) / 2),
            "mercenaries": ((sat_cut + xmax) / 2, (ymin + loy_cut) / 2),
            "hostages": ((xmin + sat_cut) / 2, (loy_cut + ymax) / 2),
            "defectors": ((xmin + sat_cut) / 2, (ymin + loy_cut) / 2),
        }
        for q, (px, py) in spots.items():
            s = self.shares[q]
            ax.text(px, py, f"{q}\n{100 * s.value:.0f}% ({100 * s.ci_low:.0f}-{100 * s.ci_high:.0f})",
                    ha="center", va="center", fontsize=9,
                    bbox=dict(facecolor="white", alpha=0.7, lw=0))
        ax.set_xlabel(f"satisfaction (satisfied >= {self.satisfied_min:g})")
        label = "retained" if self.measure == "behavioural" else f"loyalty (loyal >= {self.loyal_min:g})"
        ax.set_ylabel(label)
        ax.set_title(f"Satisfaction-loyalty quadrants ({self.group})")
        return ax


def loyalty_quadrants(
    satisfaction: Any,
    loyalty: Any,
    *,
    satisfied_min: float,
    loyal_min: Optional[float] = None,
    satisfaction_scale: Optional[ScaleLike] = None,
    loyalty_scale: Optional[ScaleLike] = None,
    survey_ids: Any = None,
    member_ids: Any = None,
    level: float = 0.95,
    missing: str = "reject",
    group: str = "customers",
) -> QuadrantResult:
    """Classify members into Jones and Sasser's satisfaction-loyalty quadrants.

    A member is satisfied when ``satisfaction >= satisfied_min``. Loyalty is
    attitudinal (scores, loyal when ``>= loyal_min``) or behavioural (a
    boolean array: retained or not, ``loyal_min`` left out). With
    ``survey_ids`` and ``member_ids`` the behavioural records (``loyalty``,
    one per member id) are joined to the survey responses by member id.

    Args:
        satisfaction: satisfaction scores, one per response.
        loyalty: loyalty scores (attitudinal) or booleans (retained).
        satisfied_min: lowest satisfaction score counted as satisfied.
        loyal_min: lowest loyalty score counted as loyal (attitudinal only).
        satisfaction_scale, loyalty_scale: optional ``(min, max[, step])``;
            scores off the scale raise :class:`~loyalty.OutOfRangeError`.
        survey_ids, member_ids: member ids of the responses and of the
            retention records, to join behavioural loyalty.
        level: confidence level of every interval.
        missing: ``"reject"`` (NaN raises) or ``"drop"``.
        group: stakeholder group, e.g. ``"customers"`` or ``"employees"``.

    Returns:
        A :class:`QuadrantResult`.

    Example:
        >>> import loyalty
        >>> q = loyalty.loyalty_quadrants([9, 10, 9, 5, 4, 3, 10, 2],
        ...                               [9, 3, 10, 9, 2, 1, 4, 9],
        ...                               satisfied_min=9, loyal_min=9)
        >>> q.counts["mercenaries"], round(q.satisfied_defector_rate.value, 2)
        (2, 0.5)
    """
    sat = _floats(satisfaction)
    loy_raw = np.asarray(loyalty).reshape(-1)
    behavioural = loy_raw.dtype == np.bool_
    if survey_ids is not None or member_ids is not None:
        if survey_ids is None or member_ids is None:
            raise ValueError("pass both survey_ids and member_ids to join retention records")
        if not behavioural:
            raise ValueError("joining by member id needs loyalty as booleans (retained or not)")
        joined = _loyalty.join_retention_ids(
            [str(i) for i in np.asarray(survey_ids).reshape(-1)], sat,
            [str(i) for i in np.asarray(member_ids).reshape(-1)],
            np.ascontiguousarray(loy_raw, dtype=np.uint8),
        )
        sat = np.asarray(joined["satisfaction"], dtype=np.float64)
        loy_raw = np.asarray(joined["retained"], dtype=bool)
    if behavioural:
        if loyal_min is not None and float(loyal_min) != 1.0:
            raise ValueError("loyal_min applies to loyalty scores; leave it out for retained booleans")
        d = _loyalty.quadrants_retained(
            sat, np.ascontiguousarray(loy_raw, dtype=np.uint8),
            satisfied_min=float(satisfied_min), satisfaction_scale=_scale3(satisfaction_scale),
            level=float(level), missing=missing, group=group,
        )
        loy_plot = loy_raw.astype(float)
    else:
        if loyal_min is None:
            raise ValueError("loyal_min is required when loyalty holds scores (pass booleans for retention)")
        loy = _floats(loy_raw)
        d = _loyalty.quadrants_scores(
            sat, loy, satisfied_min=float(satisfied_min), loyal_min=float(loyal_min),
            satisfaction_scale=_scale3(satisfaction_scale), loyalty_scale=_scale3(loyalty_scale),
            level=float(level), missing=missing, group=group,
        )
        loy_plot = loy
    return QuadrantResult(
        counts={q: int(d["counts"][q]) for q in QUADRANTS},
        shares={q: Estimate._from_core(d["shares"][q]) for q in QUADRANTS},
        p_loyal_given_satisfied=_estimate(d["p_loyal_given_satisfied"]),
        p_loyal_given_not_satisfied=_estimate(d["p_loyal_given_not_satisfied"]),
        difference=_estimate(d["difference"]),
        z_statistic=d["z_statistic"],
        p_value=d["p_value"],
        fisher_p_value=float(d["fisher_p_value"]),
        satisfied_defector_rate=_estimate(d["satisfied_defector_rate"]),
        measure=str(d["measure"]),
        satisfied_min=float(d["satisfied_min"]),
        loyal_min=float(d["loyal_min"]),
        group=_group(d["group"]),
        n_missing=int(d["n_missing"]),
        notes=list(d["notes"]),
        satisfaction=sat,
        loyalty=loy_plot,
    )


# ----------------------------------------------------------- response curve


@dataclass(frozen=True)
class ResponseCurveResult:
    """Result of :func:`response_curve`.

    Attributes:
        levels: one dict per satisfaction level (satisfaction, n, mean,
            interval, fitted); :meth:`to_frame` gives the DataFrame view.
        zone_of_affection: the largest jump of the monotone fit: ``from`` and
            ``to`` levels, ``size``, ``jump`` (the size as an Estimate; None
            without bootstrap when a neighbouring level has one member),
            ``location_interval`` and ``location_share`` from the bootstrap;
            None for a flat fit.
        outcome: "score" or "retention".
    """

    levels: List[Dict[str, Any]]
    zone_of_affection: Optional[Dict[str, Any]]
    outcome: str
    increasing: bool
    n: int
    n_missing: int
    group: str
    resamples: int
    seed: int

    def to_frame(self) -> "Any":
        """Return one row per satisfaction level: n, mean, interval, fitted value."""
        import pandas as pd

        rows = []
        for lv in self.levels:
            iv = lv["interval"]
            rows.append({
                "satisfaction": lv["satisfaction"], "n": lv["n"], "mean": lv["mean"],
                "ci_low": iv["ci_low"] if iv else np.nan,
                "ci_high": iv["ci_high"] if iv else np.nan,
                "fitted": lv["fitted"],
            })
        return pd.DataFrame(rows).set_index("satisfaction")

    @property
    def jump(self) -> Optional[Estimate]:
        """Size of the largest jump with its interval (None for a flat fit or
        when no interval exists)."""
        z = self.zone_of_affection
        return None if z is None else z["jump"]

    def plot(self, ax: Any = None) -> Any:
        """Draw level means with interval bands, the monotone fit and the jump.

        Returns the matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        df = self.to_frame()
        x = df.index.to_numpy(dtype=float)
        ax.fill_between(x, df["ci_low"], df["ci_high"], alpha=0.25, label=f"interval")
        ax.plot(x, df["mean"], "o", label="mean")
        ax.step(x, df["fitted"], where="mid", label="monotone fit")
        z = self.zone_of_affection
        if z is not None:
            ax.axvspan(z["from"], z["to"], color="orange", alpha=0.15, label="largest jump")
        ax.set_xlabel("satisfaction")
        ax.set_ylabel("retention rate" if self.outcome == "retention" else "mean loyalty")
        ax.legend(loc="best", fontsize=8)
        return ax


def response_curve(
    satisfaction: Any,
    loyalty: Any,
    *,
    outcome: Optional[str] = None,
    satisfaction_scale: Optional[ScaleLike] = None,
    increasing: bool = True,
    bootstrap: int = 1000,
    seed: Optional[int] = None,
    level: float = 0.95,
    missing: str = "reject",
    group: str = "customers",
) -> ResponseCurveResult:
    """Compute mean loyalty (or retention) at each satisfaction level.

    The monotone fit is weighted isotonic regression (pool adjacent
    violators). The zone of affection is the step of the fit with the
    largest rise; a seeded bootstrap over members gives the interval of its
    size and the distribution of its location.

    Args:
        satisfaction: satisfaction scores.
        loyalty: loyalty scores, or booleans / 0-1 values for retention.
        outcome: ``"score"`` or ``"retention"``; default ``"retention"`` for
            a boolean array, else ``"score"``.
        satisfaction_scale: optional ``(min, max[, step])`` of satisfaction.
        increasing: fit a non-decreasing (default) or non-increasing curve.
        bootstrap: resamples for the jump (0 for a Welch interval only).
        seed: bootstrap seed (default 0).
        level: confidence level.
        missing: ``"reject"`` or ``"drop"``.
        group: stakeholder group.

    Example:
        >>> import loyalty
        >>> sat = [1, 1, 2, 2, 3, 3, 4, 4]
        >>> loy = [2, 3, 2, 4, 3, 3, 9, 8]
        >>> curve = loyalty.response_curve(sat, loy, bootstrap=200, seed=1)
        >>> curve.zone_of_affection["to"], round(curve.jump.value, 2)
        (4.0, 5.5)
    """
    loy_raw = np.asarray(loyalty).reshape(-1)
    if outcome is None:
        outcome = "retention" if loy_raw.dtype == np.bool_ else "score"
    d = _loyalty.response_curve_scores(
        _floats(satisfaction), _floats(loy_raw.astype(float) if loy_raw.dtype == np.bool_ else loy_raw),
        outcome=outcome, satisfaction_scale=_scale3(satisfaction_scale), increasing=bool(increasing),
        bootstrap=int(bootstrap), seed=0 if seed is None else int(seed), level=float(level),
        missing=missing, group=group,
    )
    zone = d["zone_of_affection"]
    if zone is not None:
        zone = dict(zone)
        zone["jump"] = _estimate(zone["jump"])
    return ResponseCurveResult(
        levels=list(d["levels"]),
        zone_of_affection=zone,
        outcome=str(d["outcome"]),
        increasing=bool(d["increasing"]),
        n=int(d["n"]),
        n_missing=int(d["n_missing"]),
        group=_group(d["group"]),
        resamples=int(d["resamples"]),
        seed=int(d["seed"]),
    )


# ----------------------------------------------------- measurement models


def _constructs(constructs: ConstructsLike, modes: Optional[Mapping[str, str]]) -> List[Tuple[str, List[str], str]]:
    if not isinstance(constructs, Mapping) or not constructs:
        raise ValueError("constructs must be a non-empty dict: construct name -> list of item columns")
    modes = dict(modes or {})
    unknown = set(modes) - set(constructs)
    if unknown:
        raise ValueError(f"modes name constructs that are not defined: {sorted(unknown)}")
    out = []
    for name, items in constructs.items():
        if isinstance(items, str):
            items = [items]
        out.append((str(name), [str(i) for i in items], str(modes.get(name, "A"))))
    return out


def _paths(paths: Optional[PathsLike]) -> List[Tuple[str, str]]:
    if paths is None:
        return []
    if isinstance(paths, Mapping):
        out = []
        for source, targets in paths.items():
            if isinstance(targets, str):
                targets = [targets]
            out.extend((str(source), str(t)) for t in targets)
        return out
    return [(str(s), str(t)) for s, t in paths]


def _matrix(data: Any, constructs: List[Tuple[str, List[str], str]]) -> Tuple[np.ndarray, List[str]]:
    import pandas as pd

    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    columns: List[str] = []
    for _, items, _ in constructs:
        for item in items:
            if item not in columns:
                columns.append(item)
    absent = [c for c in columns if c not in df.columns]
    if absent:
        # Let the core name the first absent item with the columns present.
        columns = [c for c in columns if c in df.columns] or list(map(str, df.columns))
    values = np.ascontiguousarray(df[columns].to_numpy(dtype=np.float64))
    return values, columns


def _square(names: List[str], fill: Dict[Tuple[str, str], float], diagonal: float = np.nan) -> "Any":
    import pandas as pd

    m = pd.DataFrame(np.nan, index=pd.Index(names, name="construct"), columns=pd.Index(names, name="construct"))
    for n in names:
        m.loc[n, n] = diagonal
    for (a, b), v in fill.items():
        m.loc[a, b] = v
        m.loc[b, a] = v
    return m


@dataclass(frozen=True)
class ConstructValidityResult:
    """Result of :func:`construct_validity`.

    Attributes:
        htmt: DataFrame of HTMT indexed by construct on both axes (NaN diagonal).
        htmt2: the same for HTMT2 (geometric means; NaN where undefined).
        fornell_larcker: sqrt(AVE) on the diagonal, construct correlations off it.
        ave, composite_reliability, cronbach_alpha, rho_a: Series by construct.
        reliability: DataFrame of every reliability figure with its interval.
        pairs: DataFrame per pair: HTMT with interval, one-sided upper bound,
            p-value of H0 HTMT >= 1, correlation, Fornell-Larcker verdict.
        not_distinct: pairs flagged as not empirically distinct, with reasons.
    """

    raw: Dict[str, Any] = field(repr=False)

    @property
    def constructs(self) -> List[str]:
        """Construct names in specification order."""
        return list(self.raw["constructs"])

    def _pair_values(self, key: str) -> Dict[Tuple[str, str], float]:
        out = {}
        for p in self.raw["pairs"]:
            v = p[key]
            if v is not None:
                out[(p["a"], p["b"])] = float(v["value"])
        return out

    @property
    def htmt(self) -> "Any":
        """HTMT as a symmetric DataFrame indexed by construct."""
        return _square(self.constructs, self._pair_values("htmt"))

    @property
    def htmt2(self) -> "Any":
        """HTMT2 as a symmetric DataFrame (NaN where a correlation is not positive)."""
        return _square(self.constructs, self._pair_values("htmt2"))

    @property
    def fornell_larcker(self) -> "Any":
        """Fornell-Larcker matrix: sqrt(AVE) on the diagonal, correlations off it."""
        import pandas as pd

        names = self.constructs
        idx = pd.Index(names, name="construct")
        return pd.DataFrame(self.raw["fornell_larcker"], index=idx, columns=idx)

    def _series(self, key: str) -> "Any":
        import pandas as pd

        rel = self.raw["reliability"]
        values = [r[key]["value"] if isinstance(r[key], dict) else r[key] for r in rel]
        return pd.Series(values, index=pd.Index(self.constructs, name="construct"), name=key)

    @property
    def ave(self) -> "Any":
        """Average variance extracted by construct."""
        return self._series("ave")

    @property
    def composite_reliability(self) -> "Any":
        """Composite reliability rho_C by construct."""
        return self._series("composite_reliability")

    @property
    def cronbach_alpha(self) -> "Any":
        """Standardised Cronbach's alpha by construct."""
        return self._series("cronbach_alpha")

    @property
    def rho_a(self) -> "Any":
        """Dijkstra-Henseler rho_A by construct."""
        return self._series("rho_a")

    @property
    def reliability(self) -> "Any":
        """Every reliability figure with its bootstrap interval."""
        import pandas as pd

        rows = []
        for r in self.raw["reliability"]:
            for key in ("cronbach_alpha", "rho_a", "composite_reliability", "ave"):
                e = r[key]
                rows.append({"construct": r["construct"], "measure": key, "value": e["value"],
                             "ci_low": e["ci_low"], "ci_high": e["ci_high"], "se": e["se"]})
        return pd.DataFrame(rows)

    @property
    def pairs(self) -> "Any":
        """One row per pair of constructs with HTMT inference and Fornell-Larcker."""
        import pandas as pd

        rows = []
        for p in self.raw["pairs"]:
            h, h2 = p["htmt"], p["htmt2"]
            rows.append({
                "a": p["a"], "b": p["b"], "htmt": h["value"], "ci_low": h["ci_low"],
                "ci_high": h["ci_high"], "upper_one_sided": p["htmt_upper_one_sided"],
                "p_value_not_below_one": p["p_value_htmt_not_below_one"],
                "htmt2": np.nan if h2 is None else h2["value"],
                "correlation": p["correlation"], "fornell_larcker_met": p["fornell_larcker_met"],
                "distinct": self.distinct(p["a"], p["b"]),
            })
        return pd.DataFrame(rows)

    @property
    def not_distinct(self) -> List[Dict[str, Any]]:
        """Pairs that are not empirically distinct, each with its reasons."""
        return list(self.raw["not_distinct"])

    def __repr__(self) -> str:
        flagged = [f"{p['a']}/{p['b']}" for p in self.raw["not_distinct"]]
        return (f"ConstructValidityResult(constructs={self.constructs}, n={self.raw['n']:g}, "
                f"not_distinct={flagged})")

    def distinct(self, a: str, b: str) -> bool:
        """Whether constructs ``a`` and ``b`` passed every discriminant validity check."""
        return not any({p["a"], p["b"]} == {a, b} for p in self.raw["not_distinct"])

    def plot(self, ax: Any = None) -> Any:
        """Draw the HTMT matrix as a heat map with the threshold marked."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 5))
        m = self.htmt
        im = ax.imshow(m.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(len(m)), m.columns, rotation=45, ha="right")
        ax.set_yticks(range(len(m)), m.index)
        thr = self.raw["htmt_threshold"]
        for i in range(len(m)):
            for j in range(len(m)):
                v = m.iat[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center",
                            color="red" if v > thr else "white", fontsize=8)
        ax.figure.colorbar(im, ax=ax, label="HTMT")
        ax.set_title(f"HTMT (red above {thr:g})")
        return ax


def construct_validity(
    data: Any,
    constructs: ConstructsLike,
    paths: Optional[PathsLike] = None,
    *,
    modes: Optional[Mapping[str, str]] = None,
    correlations: str = "absolute",
    bootstrap: int = 1000,
    seed: Optional[int] = None,
    level: float = 0.95,
    htmt_threshold: float = 0.90,
    scheme: Optional[str] = None,
    max_iter: int = 300,
    tolerance: float = 1e-7,
    missing: str = "reject",
    group: str = "customers",
) -> ConstructValidityResult:
    """Assess reliability and discriminant validity of multi-item constructs.

    Loadings (for rho_C, AVE and Fornell-Larcker) come from PLS mode A
    weights: of the path model when ``paths`` is given (seminr's values),
    else of a model linking every pair of constructs (factorial scheme).
    HTMT uses ``|r|`` by default (``correlations="signed"`` for Pearson r as
    is). A pair is flagged not distinct when the one-sided bootstrap upper
    bound of HTMT is not below 1, HTMT exceeds ``htmt_threshold``, or
    Fornell-Larcker fails.

    Args:
        data: a DataFrame (or dict of columns) of item scores.
        constructs: construct name -> list of item columns.
        paths: optional ``[(source, target), ...]`` or ``{source: [targets]}``.
        modes: optional construct name -> ``"A"`` or ``"B"``.
        correlations: ``"absolute"`` or ``"signed"``.
        bootstrap: resamples (at least 100).
        seed: bootstrap seed (default 0).
        level: level of the intervals and of the one-sided HTMT bound.
        htmt_threshold: HTMT above this flags a pair.
        missing: ``"reject"``, ``"drop"`` (listwise) or ``"mean"`` (mean replacement).
        group: stakeholder group.

    Example:
        >>> import numpy as np, pandas as pd, loyalty
        >>> rng = np.random.default_rng(0)
        >>> f = rng.normal(size=(300, 2))
        >>> df = pd.DataFrame({f"s{i}": f[:, 0] + rng.normal(size=300) for i in range(3)}
        ...                   | {f"l{i}": f[:, 1] + rng.normal(size=300) for i in range(3)})
        >>> v = loyalty.construct_validity(df, {"sat": ["s0", "s1", "s2"], "loy": ["l0", "l1", "l2"]},
        ...                                bootstrap=100)
        >>> bool(v.htmt.loc["sat", "loy"] < 0.3), v.distinct("sat", "loy")
        (True, True)
    """
    spec = _constructs(constructs, modes)
    values, names = _matrix(data, spec)
    raw = _loyalty.construct_validity_rows(
        values, names, spec, _paths(paths), correlations=correlations, bootstrap=int(bootstrap),
        seed=0 if seed is None else int(seed), level=float(level),
        htmt_threshold=float(htmt_threshold), scheme=scheme, max_iter=int(max_iter),
        tolerance=float(tolerance), missing=missing, group=group,
    )
    return ConstructValidityResult(raw=raw)


# -------------------------------------------------------------- PLS model


class IndexEstimate(float):
    """A 0-100 index: a float equal to the point value that also carries its
    interval, so it compares, rounds and sums like a number.

    Attributes:
        value, se, ci_low, ci_high, level, method, n: as in
            :class:`~loyalty.Estimate`; ``estimate`` returns that Estimate.

    Example:
        >>> import loyalty
        >>> e = loyalty.Estimate(72.5, 0.9, 70.7, 74.2, 0.95, "delta_fixed_weights", 250, 250)
        >>> idx = loyalty.IndexEstimate(e)
        >>> idx > 70, idx.ci
        (True, (70.7, 74.2))
    """

    _estimate: Estimate

    def __new__(cls, estimate: Estimate) -> "IndexEstimate":
        obj = super().__new__(cls, estimate.value)
        obj._estimate = estimate
        return obj

    def __reduce__(self) -> Any:
        return (IndexEstimate, (self._estimate,))

    @property
    def estimate(self) -> Estimate:
        """The index as an :class:`~loyalty.Estimate`."""
        return self._estimate

    @property
    def value(self) -> float:
        """Point value of the index."""
        return self._estimate.value

    @property
    def se(self) -> float:
        """Standard error."""
        return self._estimate.se

    @property
    def ci_low(self) -> float:
        """Lower bound of the interval."""
        return self._estimate.ci_low

    @property
    def ci_high(self) -> float:
        """Upper bound of the interval."""
        return self._estimate.ci_high

    @property
    def ci(self) -> Tuple[float, float]:
        """The interval as a ``(low, high)`` tuple."""
        return self._estimate.ci

    @property
    def level(self) -> float:
        """Level of the interval."""
        return self._estimate.level

    @property
    def method(self) -> str:
        """Method of the interval."""
        return self._estimate.method

    @property
    def n(self) -> float:
        """Respondents behind the index."""
        return self._estimate.n

    def __repr__(self) -> str:
        e = self._estimate
        return f"IndexEstimate({e.value:.4g}, ci=({e.ci_low:.4g}, {e.ci_high:.4g}), method={e.method!r})"


@dataclass(frozen=True)
class PlsResult:
    """Result of :func:`pls_path_model`.

    Attributes:
        paths: DataFrame with columns source, target, coefficient, se,
            ci_low, ci_high, method (bootstrap percentile when bootstrapped,
            least squares on construct scores otherwise).
        r_squared: dict construct -> R-squared of each endogenous construct.
        outer_weights, outer_loadings: DataFrames by item.
        reliability: DataFrame of alpha, rho_A, rho_C and AVE by construct.
        warnings: admissibility warnings (unreliable constructs, PLSc issues).
        iterations: weight updates until convergence.
    """

    raw: Dict[str, Any] = field(repr=False)

    @property
    def constructs(self) -> List[str]:
        """Construct names in specification order."""
        return list(self.raw["constructs"])

    @property
    def paths(self) -> "Any":
        """Path coefficients with their intervals."""
        import pandas as pd

        rows = []
        for p in self.raw["paths"]:
            c = p["coefficient"]
            rows.append({"source": p["source"], "target": p["target"], "coefficient": c["value"],
                         "se": c["se"], "ci_low": c["ci_low"], "ci_high": c["ci_high"],
                         "method": c["method"]})
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (f"PlsResult(constructs={self.constructs}, paths={len(self.raw['paths'])}, "
                f"scheme={self.raw['scheme']!r}, consistent={self.raw['consistent']}, "
                f"iterations={self.raw['iterations']}, warnings={len(self.raw['warnings'])})")

    def path_table(self) -> "Any":
        """Path coefficients as a source x target matrix (NaN without a path)."""
        df = self.paths
        return df.pivot(index="source", columns="target", values="coefficient").reindex(
            index=[c for c in self.constructs if c in set(df["source"])],
            columns=[c for c in self.constructs if c in set(df["target"])],
        )

    @property
    def r_squared(self) -> Dict[str, float]:
        """R-squared of each endogenous construct."""
        return {c["construct"]: float(c["r_squared"]["value"])
                for c in self.raw["construct_fits"] if c["r_squared"] is not None}

    @property
    def r_squared_table(self) -> "Any":
        """R-squared with interval, adjusted R-squared, communality and redundancy."""
        import pandas as pd

        rows = []
        for c in self.raw["construct_fits"]:
            r = c["r_squared"]
            rows.append({"construct": c["construct"], "r_squared": np.nan if r is None else r["value"],
                         "ci_low": np.nan if r is None else r["ci_low"],
                         "ci_high": np.nan if r is None else r["ci_high"],
                         "adjusted": np.nan if c["adjusted_r_squared"] is None else c["adjusted_r_squared"],
                         "communality": c["communality"], "redundancy": c["redundancy"]})
        return pd.DataFrame(rows).set_index("construct")

    def _outer(self, key: str, interval: str) -> "Any":
        import pandas as pd

        rows = []
        for o in self.raw["outer"]:
            iv = o[interval]
            rows.append({"construct": o["construct"], "item": o["item"], key: o[key],
                         "ci_low": np.nan if iv is None else iv["ci_low"],
                         "ci_high": np.nan if iv is None else iv["ci_high"]})
        return pd.DataFrame(rows).set_index("item")

    @property
    def outer_weights(self) -> "Any":
        """Weights of the standardised items, with bootstrap intervals when bootstrapped,
        and the unstandardised weights of the index."""
        df = self._outer("weight", "weight_interval")
        df["weight_unstandardized"] = [o["weight_unstandardized"] for o in self.raw["outer"]]
        return df

    @property
    def outer_loadings(self) -> "Any":
        """Loadings (PLSc: consistent loadings), with bootstrap intervals when bootstrapped."""
        return self._outer("loading", "loading_interval")

    @property
    def reliability(self) -> "Any":
        """Cronbach's alpha, rho_A, rho_C and AVE by construct."""
        import pandas as pd

        return pd.DataFrame(self.raw["reliability"]).set_index("construct")

    @property
    def effects(self) -> "Any":
        """Direct, indirect and total effects."""
        import pandas as pd

        return pd.DataFrame(self.raw["effects"])

    @property
    def indices(self) -> "Any":
        """0-100 index of every construct with its interval."""
        import pandas as pd

        rows = []
        for c in self.raw["indices"]:
            e = c["index"]
            rows.append({"construct": c["construct"], "index": e["value"], "se": e["se"],
                         "ci_low": e["ci_low"], "ci_high": e["ci_high"], "method": e["method"]})
        return pd.DataFrame(rows).set_index("construct") if rows else pd.DataFrame()

    def index(self, construct: str) -> IndexEstimate:
        """Return the 0-100 index of ``construct`` with its interval.

        Raises:
            KeyError: for an unknown construct or one without an index
            (non-positive weight; see :attr:`warnings`).
        """
        for c in self.raw["indices"]:
            if c["construct"] == construct:
                return IndexEstimate(Estimate._from_core(c["index"]))
        raise KeyError(f"no 0-100 index for construct {construct!r}; constructs with an index: "
                       f"{[c['construct'] for c in self.raw['indices']]}")

    @property
    def warnings(self) -> List[str]:
        """Admissibility warnings."""
        return list(self.raw["warnings"])

    @property
    def iterations(self) -> int:
        """Weight updates until convergence."""
        return int(self.raw["iterations"])

    @property
    def gof(self) -> Optional[float]:
        """Goodness of fit of Tenenhaus et al. (2004)."""
        return self.raw["gof"]

    def plot(self, ax: Any = None) -> Any:
        """Draw the path diagram: constructs on a circle, arrows labelled with coefficients."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 6))
        names = self.constructs
        angle = np.linspace(0, 2 * np.pi, len(names), endpoint=False) + np.pi / 2
        pos = {n: (np.cos(a), np.sin(a)) for n, a in zip(names, angle)}
        r2 = self.r_squared
        for p in self.raw["paths"]:
            (x0, y0), (x1, y1) = pos[p["source"]], pos[p["target"]]
            ax.annotate("", xy=(x1 * 0.85, y1 * 0.85), xytext=(x0 * 0.85, y0 * 0.85),
                        arrowprops=dict(arrowstyle="->", color="grey"))
            ax.text((x0 + x1) / 2 * 0.85, (y0 + y1) / 2 * 0.85, f"{p['coefficient']['value']:.2f}",
                    fontsize=8, ha="center", bbox=dict(facecolor="white", lw=0, alpha=0.8))
        for n, (x, y) in pos.items():
            label = n if n not in r2 else f"{n}\nR2 {r2[n]:.2f}"
            ax.text(x, y, label, ha="center", va="center", fontsize=9,
                    bbox=dict(boxstyle="round", facecolor="lightyellow"))
        ax.set_xlim(-1.4, 1.4)
        ax.set_ylim(-1.4, 1.4)
        ax.set_axis_off()
        return ax


def pls_path_model(
    data: Any,
    constructs: ConstructsLike,
    paths: PathsLike,
    *,
    modes: Optional[Mapping[str, str]] = None,
    scheme: str = "path",
    consistent: bool = False,
    standardize: bool = True,
    max_iter: int = 300,
    tolerance: float = 1e-7,
    bootstrap: int = 0,
    seed: Optional[int] = None,
    level: float = 0.95,
    reliability_min: float = 0.7,
    scale: Optional[Tuple[float, float]] = None,
    missing: str = "reject",
    group: str = "customers",
) -> PlsResult:
    """Fit a PLS path model (ACSI/ECSI customer satisfaction index kind).

    Args:
        data: a DataFrame (or dict of columns) of item scores.
        constructs: construct name -> list of item columns.
        paths: ``[(source, target), ...]`` or ``{source: [targets]}``.
        modes: optional construct name -> ``"A"`` (default) or ``"B"``.
        scheme: inner scheme, ``"path"`` (seminr, SmartPLS), ``"centroid"``
            (plspm) or ``"factorial"``.
        consistent: consistent PLS (PLSc) for mode A constructs.
        standardize: standardise items (True) or only centre them (plspm's
            ``scaled=FALSE``).
        max_iter, tolerance: stop rule (summed absolute weight change).
        bootstrap: resamples for percentile intervals (0 for none).
        seed: bootstrap seed (default 0).
        level: confidence level.
        reliability_min: rho_A below which a construct's paths get a warning.
        scale: ``(min, max)`` of the items for the 0-100 index; by default the
            smallest and largest score observed in the model's items, which
            equals the item scale only when both ends were used.
        missing: ``"reject"``, ``"drop"`` (listwise) or ``"mean"``.
        group: stakeholder group.

    Raises:
        NotConvergedError: the weights did not settle within ``max_iter``.
        DegenerateError: a zero-variance item or collinear constructs.
        EmptyInputError, InvalidParameterError: a bad specification.

    Example:
        >>> import numpy as np, pandas as pd, loyalty
        >>> rng = np.random.default_rng(0)
        >>> s = rng.normal(size=400)
        >>> l = 0.6 * s + 0.8 * rng.normal(size=400)
        >>> df = pd.DataFrame({f"s{i}": np.clip(np.round(7 + 1.5 * (s + rng.normal(size=400))), 1, 10)
        ...                    for i in range(3)}
        ...                   | {f"l{i}": np.clip(np.round(6 + 1.5 * (l + rng.normal(size=400))), 1, 10)
        ...                      for i in range(3)})
        >>> m = loyalty.pls_path_model(df, {"sat": ["s0", "s1", "s2"], "loy": ["l0", "l1", "l2"]},
        ...                            [("sat", "loy")], scale=(1, 10))
        >>> list(m.paths.columns[:3]), 0 < m.index("sat") < 100
        (['source', 'target', 'coefficient'], True)
    """
    spec = _constructs(constructs, modes)
    values, names = _matrix(data, spec)
    if scale is None:
        finite = values[np.isfinite(values)]
        scale = (float(finite.min()), float(finite.max())) if finite.size else None
    raw = _loyalty.pls_path_model_rows(
        values, names, spec, _paths(paths), scheme=scheme, consistent=bool(consistent),
        standardize=bool(standardize), max_iter=int(max_iter), tolerance=float(tolerance),
        bootstrap=int(bootstrap), seed=0 if seed is None else int(seed), level=float(level),
        reliability_min=float(reliability_min),
        index_scale=None if scale is None else (float(scale[0]), float(scale[1])),
        missing=missing, group=group,
    )
    return PlsResult(raw=raw)
