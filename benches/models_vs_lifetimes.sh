#!/usr/bin/env bash
# Times loyalty against lifetimes 0.11.3 on the same fits, in one run.
#
# Makes benches/.venv-lifetimes (lifetimes needs pandas<2, numpy<2,
# scipy<1.12), installs the loyalty package built from this checkout into it,
# and runs benches/models_vs_lifetimes.py. Usage: bash benches/models_vs_lifetimes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=benches/.venv-lifetimes
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "lifetimes==0.11.3" "pandas<2" "numpy<2" "scipy<1.12" "maturin>=1.5,<2"
fi
# maturin installs into $VIRTUAL_ENV, or else into a .venv it finds nearby.
(cd bindings/python && VIRTUAL_ENV="$PWD/../../$venv" "../../$venv/bin/maturin" develop --release --quiet)
"$venv/bin/python" benches/models_vs_lifetimes.py "$@"
