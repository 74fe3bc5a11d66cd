"""The :class:`Estimate` value type shared by every index and fit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Tuple

__all__ = ["Estimate"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and interval.

    Attributes:
        value: point estimate (NPS in points, a share in 0..1, a mean score).
        se: standard error (posterior sd for Bayesian methods).
        ci_low, ci_high: bounds of the two-sided interval at ``level``.
        level: confidence or credible level, e.g. 0.95.
        method: how the interval was computed, e.g. ``"adjusted_wald"``.
        n: number of observations behind the estimate.
        n_effective: effective sample size (Kish's for weighted data).
        n_missing: missing values dropped before estimation.

    Example:
        >>> import loyalty
        >>> e = loyalty.nps_from_counts(40, 60, 100, method="wald")
        >>> round(e.value, 6), round(e.se, 4)
        (30.0, 5.5227)
    """

    value: float
    se: float
    ci_low: float
    ci_high: float
    level: float
    method: str
    n: float
    n_effective: float
    n_missing: float = 0.0

    @property
    def ci(self) -> Tuple[float, float]:
        """The interval as a ``(low, high)`` tuple."""
        return (self.ci_low, self.ci_high)

    def to_dict(self) -> Dict[str, Any]:
        """Return the fields as a plain dict (JSON-ready)."""
        return asdict(self)

    @classmethod
    def _from_core(cls, d: Dict[str, Any]) -> "Estimate":
        return cls(
            value=float(d["value"]),
            se=float(d["se"]),
            ci_low=float(d["ci_low"]),
            ci_high=float(d["ci_high"]),
            level=float(d["level"]),
            method=str(d["method"]),
            n=float(d["n"]),
            n_effective=float(d["n_effective"]),
            n_missing=float(d.get("n_missing", 0.0)),
        )

    def __str__(self) -> str:
        pct = round(self.level * 100)
        return (
            f"{self.value:.4g} (se {self.se:.3g}; {pct}% CI {self.ci_low:.4g} to "
            f"{self.ci_high:.4g}; {self.method}; n={self.n:g})"
        )
