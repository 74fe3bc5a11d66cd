"""Survey loyalty indices: NPS and eNPS, top-box share (CSAT), mean score (CES).

Every function takes scores as a numpy array of any integer or float dtype
(read without copying), a list, or a pandas Series, and returns an
:class:`~loyalty.Estimate`. NPS values are in points (-100..100).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _loyalty
from ._estimate import Estimate
from .errors import InvalidParameterError, OutOfRangeError

__all__ = [
    "NpsCounts",
    "NpsComparison",
    "nps",
    "nps_from_counts",
    "nps_counts",
    "compare_nps",
    "top_box",
    "mean_score",
    "category_shares",
]

ScaleLike = Union[Tuple[float, float], Tuple[float, float, float]]
NPS_METHODS = ("wald", "adjusted_wald", "tango", "bayes", "bootstrap")


@dataclass(frozen=True)
class NpsCounts:
    """Counts of detractors, passives and promoters (the NPS sufficient statistic)."""

    detractors: int
    passives: int
    promoters: int

    @property
    def n(self) -> int:
        """Total responses."""
        return self.detractors + self.passives + self.promoters


@dataclass(frozen=True)
class NpsComparison:
    """Result of :func:`compare_nps`: ``difference`` is NPS(a) - NPS(b) in points."""

    difference: Estimate
    statistic: float
    p_value: float
    method: str


def _scale3(scale: ScaleLike) -> Tuple[float, float, float]:
    if not isinstance(scale, (tuple, list)) or len(scale) not in (2, 3):
        raise InvalidParameterError(
            f"invalid scale = {scale!r}: pass (min, max) or (min, max, step), e.g. (0, 10)"
        )
    try:
        values = tuple(float(v) for v in scale)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"invalid scale = {scale!r}: its bounds must be numbers") from None
    return values if len(values) == 3 else (values[0], values[1], 1.0)  # type: ignore[return-value]


def _as_array(values: Any, what: str = "scores") -> np.ndarray:
    """View values as a 1-D numeric numpy array, copying only when needed.

    Masked entries and missing values (None, NaN, pandas NA) become NaN, so
    the ``missing`` policy decides about them.
    """
    if isinstance(values, dict):
        raise InvalidParameterError(f"invalid {what}: pass a sequence, array or Series, not a dict")
    if isinstance(values, np.ma.MaskedArray):
        values = values.astype(np.float64).filled(np.nan)
    if hasattr(values, "to_numpy") and hasattr(values, "dtype"):
        # pandas Series, including nullable and categorical columns.
        try:
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            values = values.to_numpy()
    try:
        arr = np.asarray(values)
    except ValueError as exc:
        raise InvalidParameterError(f"invalid {what}: {exc}") from None
    if arr.ndim != 1:
        raise InvalidParameterError(
            f"invalid {what}: expected one dimension, got shape {arr.shape}; "
            "pass one column (e.g. df['ltr']) or flatten the array first"
        )
    kind = arr.dtype.kind
    if kind == "b":
        arr = arr.astype(np.uint8)
    elif kind == "c":
        raise InvalidParameterError(f"invalid {what}: complex numbers are not scores")
    elif kind in "mM":
        raise InvalidParameterError(f"invalid {what}: dates and durations are not scores")
    elif kind not in "iuf":
        converted = np.empty(arr.shape[0], dtype=np.float64)
        for i, v in enumerate(arr):
            if v is None or (isinstance(v, float) and np.isnan(v)) or _is_na(v):
                converted[i] = np.nan
                continue
            try:
                converted[i] = float(v)
            except (TypeError, ValueError):
                raise OutOfRangeError(f"{what}[{i}] = {v!r} is invalid: expected a number") from None
        arr = converted
    if arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return arr


def _is_na(value: Any) -> bool:
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _weights(weights: Any) -> Optional[np.ndarray]:
    if weights is None:
        return None
    arr = _as_array(weights, "weights")
    return np.ascontiguousarray(arr, dtype=np.float64)


def _seed(seed: Optional[int]) -> int:
    if seed is None:
        return 0
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 2**64:
        raise InvalidParameterError(f"invalid seed = {seed!r}: pass a whole number from 0 to 2**64 - 1")
    return int(seed)


def nps(
    scores: Any,
    *,
    scale: ScaleLike = (0, 10),
    weights: Any = None,
    method: str = "adjusted_wald",
    level: float = 0.95,
    promoter_min: Optional[float] = None,
    detractor_max: Optional[float] = None,
    missing: str = "reject",
    weighted_se: str = "kish",
    seed: Optional[int] = None,
) -> Estimate:
    """Compute the Net Promoter Score (eNPS for employees) in points.

    Args:
        scores: recommend scores; numpy arrays of any integer or float dtype are
            read without copying, uint8 arrays take a counting fast path.
        scale: ``(min, max)`` or ``(min, max, step)`` of the item; scores off the
            scale or between points raise :class:`~loyalty.OutOfRangeError`.
        weights: optional survey weights, one per score.
        method: ``"wald"``, ``"adjusted_wald"`` (Rocks 2016), ``"tango"``,
            ``"bayes"`` (Dirichlet, uniform prior) or ``"bootstrap"``.
        level: confidence level of the interval.
        promoter_min, detractor_max: cut points; default 9 and 6, which must lie
            on the scale (set both on 1-5 or 1-7 items).
        missing: ``"reject"`` (NaN raises) or ``"drop"`` (NaN dropped and counted
            in ``n_missing``).
        weighted_se: ``"kish"`` or ``"taylor"`` standard error for weighted data.
        seed: seed of the ``bayes`` and ``bootstrap`` random streams (default 0).

    Returns:
        An :class:`~loyalty.Estimate` in points, interval clamped to [-100, 100].
        With ``adjusted_wald`` the value is the interval's centre, which adds
        0.75 promoters, 1.5 passives and 0.75 detractors and so moves towards 0
        in small samples; ``method="wald"`` gives the observed share of
        promoters minus detractors.

    Example:
        >>> import numpy as np, loyalty
        >>> e = loyalty.nps(np.array([0, 7, 7, 9, 9, 9], dtype=np.uint8), method="wald")
        >>> round(e.value, 4)
        33.3333
    """
    d = _loyalty.nps_scores(
        _as_array(scores),
        scale=_scale3(scale),
        weights=_weights(weights),
        method=method,
        level=float(level),
        promoter_min=promoter_min,
        detractor_max=detractor_max,
        missing=missing,
        weighted_se=weighted_se,
        seed=_seed(seed),
    )
    return Estimate._from_core(d)


def nps_from_counts(
    detractors: int,
    passives: int,
    promoters: int,
    *,
    method: str = "adjusted_wald",
    level: float = 0.95,
    seed: Optional[int] = None,
) -> Estimate:
    """Compute the NPS in points from category counts.

    Example:
        >>> import loyalty
        >>> e = loyalty.nps_from_counts(0, 0, 10, method="adjusted_wald")
        >>> round(e.value, 4), e.ci_high
        (76.9231, 100.0)
    """
    d = _loyalty.nps_counts(
        float(detractors),
        float(passives),
        float(promoters),
        method=method,
        level=float(level),
        seed=_seed(seed),
    )
    return Estimate._from_core(d)


def nps_counts(
    scores: Any,
    *,
    scale: ScaleLike = (0, 10),
    promoter_min: Optional[float] = None,
    detractor_max: Optional[float] = None,
    missing: str = "reject",
) -> NpsCounts:
    """Count detractors, passives and promoters among scores.

    Example:
        >>> import loyalty
        >>> loyalty.nps_counts([0, 7, 7, 9, 9, 9])
        NpsCounts(detractors=1, passives=2, promoters=3)
    """
    d, pa, p, _ = _loyalty.tally_scores(
        _as_array(scores),
        scale=_scale3(scale),
        promoter_min=promoter_min,
        detractor_max=detractor_max,
        missing=missing,
    )
    return NpsCounts(d, pa, p)


def _counts_of(sample: Any, **kw: Any) -> Tuple[int, int, int]:
    if isinstance(sample, NpsCounts):
        sample = (sample.detractors, sample.passives, sample.promoters)
    elif not (isinstance(sample, tuple) and len(sample) == 3):
        c = nps_counts(sample, **kw)
        return (c.detractors, c.passives, c.promoters)
    counts = []
    for i, c in enumerate(sample):
        ok = isinstance(c, (int, np.integer, float, np.floating)) and not isinstance(c, bool)
        if not ok or not np.isfinite(c) or c < 0 or float(c) != int(c):
            raise OutOfRangeError(
                f"counts[{i}] = {c!r} is invalid: a tuple is read as counts (detractors, passives, "
                "promoters), which must be non-negative whole numbers; pass scores as a list or array"
            )
        counts.append(int(c))
    return (counts[0], counts[1], counts[2])


def compare_nps(
    a: Any,
    b: Any,
    *,
    method: str = "adjusted_wald",
    level: float = 0.95,
    scale: ScaleLike = (0, 10),
    promoter_min: Optional[float] = None,
    detractor_max: Optional[float] = None,
    missing: str = "reject",
) -> NpsComparison:
    """Compare the NPS of two independent samples (two periods, segments, or a competitor).

    Each sample is either scores (array, list or Series) or counts given as an
    :class:`NpsCounts` or a tuple ``(detractors, passives, promoters)``: a
    tuple of three is always read as counts, so pass scores as a list or array.

    Returns:
        :class:`NpsComparison` with ``difference`` (NPS(a) - NPS(b) in points, an
        Estimate), the z ``statistic`` and the two-sided ``p_value``.

    Example:
        >>> import loyalty
        >>> r = loyalty.compare_nps((20, 30, 50), (30, 35, 35), method="wald")
        >>> round(r.difference.value, 2), round(r.p_value, 4)
        (25.0, 0.0258)
    """
    kw = dict(scale=scale, promoter_min=promoter_min, detractor_max=detractor_max, missing=missing)
    d = _loyalty.compare_nps_counts(
        _counts_of(a, **kw), _counts_of(b, **kw), method=method, level=float(level)
    )
    return NpsComparison(
        difference=Estimate._from_core(d["difference"]),
        statistic=float(d["statistic"]),
        p_value=float(d["p_value"]),
        method=method,
    )


def top_box(
    scores: Any,
    *,
    scale: ScaleLike = (1, 5),
    box: int = 2,
    top_box_min: Optional[float] = None,
    weights: Any = None,
    method: str = "wilson",
    level: float = 0.95,
    missing: str = "reject",
) -> Estimate:
    """Compute the top-box share (CSAT as the share satisfied), 0..1.

    Args:
        box: how many of the highest scale points count (2 on 1-5 means 4 and 5).
        top_box_min: the lowest score in the box; overrides ``box``.
        method: ``"wilson"`` (default) or ``"wald"`` interval.

    Example:
        >>> import loyalty
        >>> loyalty.top_box([5] * 40 + [3] * 34 + [1] * 26, scale=(1, 5), box=2).value
        0.4
    """
    lo, hi, step = _scale3(scale)
    if top_box_min is None:
        points = int(round((hi - lo) / step)) + 1
        if isinstance(box, bool) or not isinstance(box, (int, np.integer)) or not 1 <= box <= points:
            raise InvalidParameterError(
                f"invalid box = {box!r}: the number of top scale points, a whole number from 1 to {points}"
            )
        top_box_min = hi - (box - 1) * step
    d = _loyalty.top_box_scores(
        _as_array(scores),
        scale=(lo, hi, step),
        top_box_min=float(top_box_min),
        weights=_weights(weights),
        method=method,
        level=float(level),
        missing=missing,
    )
    return Estimate._from_core(d)


def mean_score(
    scores: Any,
    *,
    scale: ScaleLike = (1, 7),
    weights: Any = None,
    level: float = 0.95,
    missing: str = "reject",
) -> Estimate:
    """Compute the mean score with a Student t interval (CES, or any rated item).

    Example:
        >>> import loyalty
        >>> round(loyalty.mean_score([1, 2, 3, 4, 5], scale=(1, 5)).value, 3)
        3.0
    """
    d = _loyalty.mean_score_scores(
        _as_array(scores),
        scale=_scale3(scale),
        weights=_weights(weights),
        level=float(level),
        missing=missing,
    )
    return Estimate._from_core(d)


def category_shares(
    scores: Any,
    *,
    scale: ScaleLike = (0, 10),
    weights: Any = None,
    method: str = "wilson",
    level: float = 0.95,
    missing: str = "reject",
) -> "Any":
    """Share of responses at each scale point as a pandas DataFrame.

    Columns: ``score``, ``share``, ``se``, ``ci_low``, ``ci_high``, ``n``.

    Example:
        >>> import loyalty
        >>> df = loyalty.category_shares([1, 1, 2, 3], scale=(1, 3))
        >>> df["share"].tolist()
        [0.5, 0.25, 0.25]
    """
    import pandas as pd

    rows: List[Any] = _loyalty.category_shares_scores(
        _as_array(scores),
        scale=_scale3(scale),
        weights=_weights(weights),
        method=method,
        level=float(level),
        missing=missing,
    )
    return pd.DataFrame(
        [
            {
                "score": score,
                "share": e["value"],
                "se": e["se"],
                "ci_low": e["ci_low"],
                "ci_high": e["ci_high"],
                "n": e["n"],
            }
            for score, e in rows
        ]
    )
