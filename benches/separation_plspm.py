"""Side-by-side: loyalty.pls_path_model against the Python port of R plspm
(PyPI `plspm`) on the plspm 'satisfaction' model (modes A, scaled=FALSE,
centroid scheme), comparing path coefficients and fit time.

Run from the repository root with the project's test environment, after
`maturin develop --release` has installed loyalty into .venv:

    .venv/bin/python benches/separation_plspm.py

plspm runs in its own environment, benches/.venv-separation, created on
first use, and reports its result to this script as JSON. plspm 0.5.7 fails
under pandas 3 (a `.loc[row,]` lookup in its inner model), so that
environment pins pandas below 3.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import venv
from pathlib import Path

import pandas as pd

import loyalty

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "crates" / "loyalty-cli" / "data" / "survey" / "ecsi_satisfaction.csv"
ENV = ROOT / "benches" / ".venv-separation"
REPEATS = 20

BLOCKS = {
    "IMAG": ("imag", 5), "EXPE": ("expe", 5), "QUAL": ("qual", 5),
    "VAL": ("val", 4), "SAT": ("sat", 4), "LOY": ("loy", 4),
}
PATHS = [("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
         ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY")]

PLSPM_SCRIPT = r"""
import json, sys, time
import pandas as pd
import plspm.config as c
from plspm.plspm import Plspm
from plspm.scheme import Scheme
from plspm.mode import Mode

blocks = json.loads(sys.argv[2]); paths = json.loads(sys.argv[3]); repeats = int(sys.argv[4])
df = pd.read_csv(sys.argv[1], index_col=0)
names = list(blocks)
matrix = pd.DataFrame(0, index=names, columns=names)
for s, t in paths:
    matrix.loc[t, s] = 1
config = c.Config(matrix, scaled=False)
for name, (prefix, k) in blocks.items():
    config.add_lv_with_columns_named(name, Mode.A, df, prefix)
start = time.perf_counter()
for _ in range(repeats):
    model = Plspm(df, config, Scheme.CENTROID)
elapsed = (time.perf_counter() - start) / repeats
coef = model.path_coefficients()
print(json.dumps({"seconds": elapsed,
                  "paths": {f"{s}->{t}": float(coef.loc[t, s]) for s, t in paths}}))
"""


def plspm_side() -> dict:
    python = ENV / "bin" / "python"
    if not python.exists():
        venv.create(ENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "plspm==0.5.7",
                        "pandas<3"], check=True)
    out = subprocess.run(
        [str(python), "-c", PLSPM_SCRIPT, str(DATA), json.dumps(BLOCKS), json.dumps(PATHS), str(REPEATS)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def loyalty_side() -> dict:
    df = pd.read_csv(DATA)
    constructs = {name: [f"{p}{i}" for i in range(1, k + 1)] for name, (p, k) in BLOCKS.items()}
    start = time.perf_counter()
    for _ in range(REPEATS):
        model = loyalty.pls_path_model(df, constructs, PATHS, scheme="centroid", standardize=False)
    elapsed = (time.perf_counter() - start) / REPEATS
    table = model.paths
    return {"seconds": elapsed,
            "paths": {f"{r.source}->{r.target}": r.coefficient for r in table.itertuples()}}


def main() -> int:
    ours = loyalty_side()
    theirs = plspm_side()
    diff = max(abs(ours["paths"][k] - theirs["paths"][k]) for k in ours["paths"])
    print(f"loyalty.pls_path_model: {1e3 * ours['seconds']:.3f} ms per fit")
    print(f"plspm 0.5.7 (Python):   {1e3 * theirs['seconds']:.3f} ms per fit")
    print(f"largest path difference: {diff:.2e}")
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
