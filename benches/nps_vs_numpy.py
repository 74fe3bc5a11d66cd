"""NPS with an adjusted-Wald interval over 10^8 uint8 scores, side by side.

Times, in one run and on the same array:
  * loyalty.nps (numpy array passed without copying),
  * numpy's fastest route: two np.count_nonzero comparisons,
  * numpy's np.bincount,
  * a plain read of the same bytes (summing them as a uint64 view).

Usage: .venv/bin/python benches/nps_vs_numpy.py [--n 100000000] [--repeat 7]
Prints the best time of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import loyalty


def best_ms(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def numpy_count_nonzero(scores: np.ndarray) -> float:
    n = scores.size
    p = np.count_nonzero(scores >= 9)
    d = np.count_nonzero(scores <= 6)
    n_adj = n + 3
    pp, pd = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    return 100 * (pp - pd)


def numpy_bincount(scores: np.ndarray) -> float:
    c = np.bincount(scores, minlength=11)
    return 100 * (c[9:].sum() - c[:7].sum()) / scores.size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(42)
    scores = rng.integers(0, 11, size=args.n, dtype=np.uint8)
    words = scores[: args.n // 8 * 8].view(np.uint64)

    rows = [
        ("loyalty.nps (adjusted_wald)", lambda: loyalty.nps(scores)),
        ("numpy count_nonzero x2", lambda: numpy_count_nonzero(scores)),
        ("numpy bincount", lambda: numpy_bincount(scores)),
        ("plain read (uint64 sum)", lambda: words.sum()),
    ]
    times = {name: best_ms(fn, args.repeat) for name, fn in rows}
    base = times["plain read (uint64 sum)"]
    print(f"n = {args.n:,} uint8 scores, best of {args.repeat}")
    for name, ms in times.items():
        print(f"{name:32s} {ms:9.1f} ms   {ms / base:5.2f}x plain read")


if __name__ == "__main__":
    main()
