"""Kaplan-Meier with censoring and late entry: loyalty against lifelines'
KaplanMeierFitter on the same seeded arrays.

Run through ``benches/retention_vs_lifelines.sh`` (which builds the venv), or
directly with a Python that has both packages:
``python benches/retention_vs_lifelines.py --n 10000000``.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np


def seeded_members(n: int, seed: int):
    """Entry ~ U(0, 12), time from entry to exit ~ Exp(mean 24), 30 % censored."""
    rng = np.random.default_rng(seed)
    entry = rng.uniform(0.0, 12.0, n)
    durations = entry + 1e-9 + rng.exponential(24.0, n)
    events = rng.uniform(size=n) < 0.7
    return durations, events, entry


def best_of(repeats: int, fn):
    """Run fn `repeats` times; return the best wall time, the best CPU time
    of this process (user + system, all threads) and the last result.

    CPU time is reported too because on a shared machine the wall time
    depends on the other jobs."""
    walls, cpus = [], []
    result = None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="members (default 10^7)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3, help="runs of loyalty; lifelines runs once")
    args = parser.parse_args()

    import lifelines
    import loyalty

    durations, events, entry = seeded_members(args.n, args.seed)
    ours_s, ours_cpu, ours = best_of(args.repeats, lambda: loyalty.kaplan_meier(durations, events, entry=entry))
    theirs_s, theirs_cpu, theirs = best_of(
        1, lambda: lifelines.KaplanMeierFitter().fit(durations, events, entry=entry)
    )
    probe = np.array([1.0, 6.0, 12.0, 24.0, 48.0, 96.0])
    diff = np.max(np.abs(ours.survival_at(probe) - theirs.survival_function_at_times(probe).to_numpy()))

    print(f"machine: {platform.machine()} {platform.system()}, python {platform.python_version()}, "
          f"lifelines {lifelines.__version__}")
    print(f"n = {args.n:,}, seed {args.seed}, 30 % censored, late entry U(0, 12)")
    print("| implementation | wall s | speed-up (wall) | CPU s | speed-up (CPU) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| loyalty.kaplan_meier (best of {args.repeats}) | {ours_s:.3f} | {theirs_s / ours_s:.1f}x "
          f"| {ours_cpu:.3f} | {theirs_cpu / ours_cpu:.1f}x |")
    print(f"| lifelines KaplanMeierFitter.fit (1 run) | {theirs_s:.3f} | 1.0x | {theirs_cpu:.3f} | 1.0x |")
    print(f"max |S_loyalty - S_lifelines| at {probe.tolist()}: {diff:.2e}")


if __name__ == "__main__":
    main()
