#!/usr/bin/env bash
# Side-by-side timing of loyalty.key_drivers against dominance-analysis 1.1.9
# and a plain numpy all-subsets LMG (see drivers_vs_dominance.py).
#
# Creates benches/.venv-dominance with dominance-analysis==1.1.9 and the
# versions it still runs on (numpy<2, pandas<2, ipython<8.20), installs the
# loyalty wheel built from this checkout into it, and runs the script there.
# Usage: bash benches/drivers_vs_dominance.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=benches/.venv-dominance
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "dominance-analysis==1.1.9" "numpy<2" "pandas<2" "ipython<8.20" "maturin>=1.5,<2"

# Build the extension once into a wheel and install it into the venv.
(cd bindings/python && "../../$VENV/bin/maturin" build --release --quiet --out ../../target/wheels-dominance)
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    target/wheels-dominance/loyalty-*.whl

"$VENV/bin/python" benches/drivers_vs_dominance.py "$@"
