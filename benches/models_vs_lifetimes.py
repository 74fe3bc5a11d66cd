"""Time loyalty and lifetimes 0.11.3 on the same model fits, in one run.

Fits: BG/NBD, MBG/NBD and Pareto/NBD on the CDNOW summary (2,357 customers,
weeks), and BG/NBD on 1,000,000 customers simulated (seed 42) from the CDNOW
BG/NBD parameters, with purchase times rounded up to whole days. lifetimes
is timed twice on the 1M data: on the raw rows, and on the data already
compressed into (x, t_x, T) patterns with weights (its fastest path, the
compression not timed); loyalty takes the raw arrays and compresses them
itself, inside the timed call. Each timing is the best of several runs.
Log-likelihoods are sums, both evaluated by loyalty (lifetimes rescales the
data internally, so its own objective is not comparable).

Run through benches/models_vs_lifetimes.sh, which makes the venv.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import loyalty

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "crates" / "loyalty-cli" / "data" / "cdnow" / "cdnow_customers_summary.csv"


def best_time(fn, repeats):
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def simulate(n, seed=42, r=0.243, alpha=4.414, a=0.793, b=2.426):
    """BG/NBD customers acquired over 12 weeks and observed to week 39."""
    rng = np.random.default_rng(seed)
    age = (273 - rng.integers(0, 84, n)) / 7.0
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1.0, active.size) / np.maximum(lam[active], 1e-300)
        bought = active[t[active] <= age[active]]
        x[bought] += 1
        t_x[bought] = t[bought]
        survived = bought[rng.random(bought.size) >= p[bought]]
        active = survived
    t_x = np.minimum(np.ceil(t_x * 7.0) / 7.0, age)
    return x, t_x, age


def log_likelihood(ours, fitted, x, t_x, T) -> float:
    """Sum log-likelihood of the data at lifetimes' fitted parameters."""
    params = {k: float(v) for k, v in fitted.params_.items()}
    return float(ours.from_params(**params).log_likelihood_individual(x, t_x, T).sum())


def main() -> None:
    from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    warnings.simplefilter("ignore")
    df = pd.read_csv(CDNOW)
    x, t_x, T = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    rows = []

    cases = [
        ("BG/NBD, CDNOW", BetaGeoFitter, loyalty.BetaGeo, 3, 20),
        ("MBG/NBD, CDNOW", ModifiedBetaGeoFitter, loyalty.ModifiedBetaGeo, 3, 20),
        ("Pareto/NBD, CDNOW", ParetoNBDFitter, loyalty.ParetoNBD, 1, 10),
    ]
    for name, theirs, ours, their_repeats, our_repeats in cases:
        t_lt, fitted = best_time(lambda: theirs().fit(x, t_x, T), their_repeats)
        t_ly, model = best_time(lambda: ours().fit(x, t_x, T), our_repeats)
        rows.append((name, t_lt, t_ly, log_likelihood(ours, fitted, x, t_x, T), model.log_likelihood_))

    sx, stx, sT = simulate(1_000_000)
    patterns = (
        pd.DataFrame({"x": sx, "t_x": stx, "T": sT})
        .groupby(["x", "t_x", "T"])
        .size()
        .reset_index(name="weight")
    )

    def lifetimes_1m():
        return BetaGeoFitter().fit(patterns["x"], patterns["t_x"], patterns["T"], weights=patterns["weight"])

    t_ly, model = best_time(lambda: loyalty.BetaGeo().fit(sx, stx, sT), 5)
    t_lt, fitted = best_time(lifetimes_1m, 1)
    ll = log_likelihood(loyalty.BetaGeo, fitted, sx, stx, sT)
    rows.append((f"BG/NBD, 1M, lifetimes on {len(patterns)} patterns", t_lt, t_ly, ll, model.log_likelihood_))
    t_lt, fitted = best_time(lambda: BetaGeoFitter().fit(sx, stx, sT), 1)
    ll = log_likelihood(loyalty.BetaGeo, fitted, sx, stx, sT)
    rows.append(("BG/NBD, 1M, lifetimes on raw rows", t_lt, t_ly, ll, model.log_likelihood_))

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}")
    print(f"{'fit':<44} {'lifetimes s':>12} {'loyalty s':>10} {'speed-up':>9} {'LL lifetimes':>14} {'LL loyalty':>14}")
    print("(LL: sum log-likelihood at each library's fitted parameters, evaluated by loyalty)")
    for name, a, b, lla, llb in rows:
        print(f"{name:<44} {a:>12.3f} {b:>10.4f} {a / b:>8.0f}x {lla:>14.2f} {llb:>14.2f}")


if __name__ == "__main__":
    main()
