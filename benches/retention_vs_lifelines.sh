#!/usr/bin/env bash
# Side-by-side Kaplan-Meier benchmark: builds benches/.venv-lifelines with
# lifelines 0.30.3 and the loyalty extension (release build), then runs
# benches/retention_vs_lifelines.py with any arguments given (e.g. --n 1000000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/benches/.venv-lifelines"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "lifelines==0.30.3" numpy pandas "maturin>=1.5,<2"
fi
(cd "$root/bindings/python" && VIRTUAL_ENV="$venv" "$venv/bin/maturin" develop --release --quiet)
"$venv/bin/python" "$root/benches/retention_vs_lifelines.py" "$@"
