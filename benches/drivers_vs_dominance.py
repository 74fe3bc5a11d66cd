"""Time loyalty.key_drivers against dominance-analysis 1.1.9 and plain numpy.

All tools get the same 5,000 seeded rows: p correlated drivers on a 1-10
scale (a shared factor plus noise, rounded) and an outcome that is a
weighted sum of the drivers plus noise. Compared:

- ``loyalty``: ``loyalty.key_drivers(df, "y", drivers, method="lmg")``, which
  computes every measure and the dominance matrices from all 2^p subsets;
- ``dominance-analysis``: ``Dominance(data, target, objective=1,
  top_k=p).incremental_rsquare()`` (all-subsets R-squared by refitting);
- ``numpy lstsq``: LMG from 2^p least-squares fits on the rows with
  ``numpy.linalg.lstsq``, as a user without a library would write it;
- ``numpy corr``: LMG from 2^p solves on the correlation matrix
  (``numpy.linalg.solve``), the faster hand-written baseline.

Each tool's LMG is checked against loyalty's to 1e-8 before timings count.
Run through drivers_vs_dominance.sh, which builds the environment.
Usage: python drivers_vs_dominance.py [--quick]
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import platform
import sys
import time
from typing import Callable, Dict, List

import numpy as np
import pandas as pd

import loyalty

ROWS = 5_000
SEED = 42


def seeded_survey(rows: int, p: int, seed: int) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    factor = rng.uniform(-1, 1, size=(rows, 1))
    x = np.clip(np.round(5.5 + 2 * factor + rng.uniform(-2.5, 2.5, size=(rows, p))), 1, 10)
    weights = np.arange(1, p + 1) / p
    y = x @ weights + rng.uniform(-3, 3, size=rows)
    df = pd.DataFrame(x, columns=[f"driver {j}" for j in range(1, p + 1)])
    df["y"] = y
    return df


def shapley_from_table(r2: Dict[int, float], p: int) -> np.ndarray:
    weights = [math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)]
    out = np.zeros(p)
    for mask, value in r2.items():
        w = weights[bin(mask).count("1")] if mask != (1 << p) - 1 else 0.0
        for j in range(p):
            if not mask & (1 << j):
                out[j] += w * (r2[mask | (1 << j)] - value)
    return out


def numpy_lstsq_lmg(df: pd.DataFrame, drivers: List[str]) -> np.ndarray:
    x = df[drivers].to_numpy()
    y = df["y"].to_numpy()
    sst = ((y - y.mean()) ** 2).sum()
    p = len(drivers)
    r2 = {0: 0.0}
    for mask in range(1, 1 << p):
        cols = [j for j in range(p) if mask & (1 << j)]
        design = np.column_stack([np.ones(len(y)), x[:, cols]])
        _, rss, _, _ = np.linalg.lstsq(design, y, rcond=None)
        r2[mask] = 1.0 - float(rss[0]) / sst
    return shapley_from_table(r2, p)


def numpy_corr_lmg(df: pd.DataFrame, drivers: List[str]) -> np.ndarray:
    r = np.corrcoef(df[drivers + ["y"]].to_numpy(), rowvar=False)
    p = len(drivers)
    rxx, rxy = r[:p, :p], r[:p, p]
    r2 = {0: 0.0}
    for mask in range(1, 1 << p):
        cols = [j for j in range(p) if mask & (1 << j)]
        beta = np.linalg.solve(rxx[np.ix_(cols, cols)], rxy[cols])
        r2[mask] = float(beta @ rxy[cols])
    return shapley_from_table(r2, p)


def dominance_lmg(df: pd.DataFrame, drivers: List[str]) -> np.ndarray:
    from dominance_analysis import Dominance

    # dominance-analysis builds model formulas from column names, which
    # breaks on names with spaces, so it gets plain names.
    plain = {c: f"d{j}" for j, c in enumerate(drivers)}
    renamed = df.rename(columns=plain)
    with contextlib.redirect_stdout(io.StringIO()):
        d = Dominance(data=renamed, target="y", objective=1, top_k=len(drivers))
        incremental = d.incremental_rsquare()
    return np.array([incremental[plain[c]] for c in drivers])


def loyalty_lmg(df: pd.DataFrame, drivers: List[str]) -> np.ndarray:
    r = loyalty.key_drivers(df, "y", drivers, method="lmg")
    return r.importance["importance"].to_numpy()


def best_of(fn: Callable[[], np.ndarray], repeats: int) -> tuple:
    best = math.inf
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"# {platform.platform()}; python {platform.python_version()}; numpy {np.__version__}; "
          f"pandas {pd.__version__}; {ROWS} rows, seed {SEED}")
    print("| drivers | tool | seconds (best) | loyalty speed-up |")
    print("|---|---|---|---|")
    plan = [
        (8, ["dominance-analysis", "numpy lstsq", "numpy corr"]),
        (12, ["dominance-analysis", "numpy lstsq", "numpy corr"]),
        (15, ["numpy lstsq", "numpy corr"]),
    ]
    if quick:
        plan = [(8, ["dominance-analysis", "numpy lstsq", "numpy corr"])]
    tools = {
        "dominance-analysis": dominance_lmg,
        "numpy lstsq": numpy_lstsq_lmg,
        "numpy corr": numpy_corr_lmg,
    }
    for p, others in plan:
        df = seeded_survey(ROWS, p, SEED)
        drivers = [f"driver {j}" for j in range(1, p + 1)]
        ours, reference = best_of(lambda: loyalty_lmg(df, drivers), 20)
        print(f"| {p} | loyalty | {ours:.5f} | 1 |", flush=True)
        for name in others:
            repeats = 1 if (name == "dominance-analysis" and p >= 12) or p >= 15 else 3
            seconds, lmg = best_of(lambda: tools[name](df, drivers), repeats)
            gap = float(np.max(np.abs(lmg - reference)))
            if gap > 1e-8:
                raise SystemExit(f"{name} at {p} drivers differs from loyalty by {gap:.2e}")
            print(f"| {p} | {name} | {seconds:.3f} | {seconds / ours:,.0f}x |", flush=True)


if __name__ == "__main__":
    main()
