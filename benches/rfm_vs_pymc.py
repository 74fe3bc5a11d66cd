"""Time the RFM summary of the CDNOW master log: loyalty vs pymc-marketing.

Run through benches/rfm_vs_pymc.sh, which creates benches/.venv-pymc with
pymc-marketing and builds loyalty into it. Both libraries summarise the same
69,659 transactions in days / 7 (pymc-marketing: time_unit="D",
time_scaler=7; loyalty: period=7), from a datetime64 column and from
YYYYMMDD text; the script checks that the summaries agree before timing.
Prints the minimum and the median of the repeats in milliseconds and the
speed-up of each. On a busy machine the minimum is the steadier figure.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import loyalty
import pymc_marketing
from pymc_marketing.clv.utils import rfm_summary as pymc_rfm_summary

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "crates" / "loyalty-cli" / "data" / "cdnow" / "CDNOW_master.txt"
END = "1998-06-30"


def timings_ms(function, repeats: int) -> tuple:
    """Minimum and median wall time of `repeats` calls, in milliseconds."""
    function()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * min(times), 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--shuffled", action="store_true",
        help="also time the log with its rows shuffled (seeded), which loyalty "
        "groups by a counting sort instead of reading it in order",
    )
    args = parser.parse_args()

    log = pd.read_csv(MASTER, sep=r"\s+", dtype={"customer_id": np.int64, "date": str})
    log["datetime"] = pd.to_datetime(log["date"], format="%Y%m%d")
    assert len(log) == 69_659

    def pymc_parsed():
        return pymc_rfm_summary(
            log, "customer_id", "datetime", "dollar_value",
            observation_period_end=END, time_unit="D", time_scaler=7,
        )

    def pymc_text():
        return pymc_rfm_summary(
            log, "customer_id", "date", "dollar_value", datetime_format="%Y%m%d",
            observation_period_end=END.replace("-", ""), time_unit="D", time_scaler=7,
        )

    def loyalty_parsed():
        return loyalty.rfm_summary(
            log["customer_id"], log["datetime"], log["dollar_value"],
            observation_end=END, period=7,
        )

    def loyalty_text():
        return loyalty.rfm_summary(
            log["customer_id"], log["date"], log["dollar_value"],
            observation_end=END, period=7,
        )

    # The summaries must agree before their timings mean anything.
    reference = pymc_parsed().set_index("customer_id").sort_index()
    for ours in (loyalty_parsed(), loyalty_text()):
        assert len(ours) == len(reference) == 23_570
        np.testing.assert_array_equal(ours["frequency"], reference["frequency"])
        for column in ("recency", "T", "monetary_value"):
            np.testing.assert_allclose(ours[column], reference[column], rtol=1e-12, atol=1e-9)

    print(f"RFM summary of the CDNOW master log ({len(log):,} rows, 23,570 customers)")
    print(f"pymc-marketing {pymc_marketing.__version__}, pandas {pd.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}; "
          f"min and median of {args.repeats} runs")
    rows = [
        ("datetime64 column", pymc_parsed, loyalty_parsed),
        ("YYYYMMDD text", pymc_text, loyalty_text),
    ]
    if args.shuffled:
        shuffled = log.sample(frac=1.0, random_state=1).reset_index(drop=True)

        def pymc_shuffled():
            return pymc_rfm_summary(
                shuffled, "customer_id", "datetime", "dollar_value",
                observation_period_end=END, time_unit="D", time_scaler=7,
            )

        def loyalty_shuffled():
            return loyalty.rfm_summary(
                shuffled["customer_id"], shuffled["datetime"], shuffled["dollar_value"],
                observation_end=END, period=7,
            )

        pd.testing.assert_frame_equal(loyalty_shuffled(), loyalty_parsed())
        rows.append(("shuffled datetime64", pymc_shuffled, loyalty_shuffled))
    header = ("input", "pymc-marketing ms", "loyalty ms", "speed-up")
    print(f"{header[0]:<20}{header[1]:>22}{header[2]:>16}{header[3]:>16}")
    print(f"{'':<20}{'min / median':>22}{'min / median':>16}{'min / median':>16}")
    for name, theirs, ours in rows:
        theirs_min, theirs_median = timings_ms(theirs, args.repeats)
        ours_min, ours_median = timings_ms(ours, args.repeats)
        pymc = f"{theirs_min:.1f} / {theirs_median:.1f}"
        mine = f"{ours_min:.2f} / {ours_median:.2f}"
        ratio = f"{theirs_min / ours_min:.0f}x / {theirs_median / ours_median:.0f}x"
        print(f"{name:<20}{pymc:>22}{mine:>16}{ratio:>16}")


if __name__ == "__main__":
    main()
