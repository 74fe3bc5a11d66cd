#!/usr/bin/env bash
# Times the RFM summary of the CDNOW master log with loyalty and with
# pymc-marketing's rfm_summary in one run. Creates benches/.venv-pymc with
# pymc-marketing and the loyalty extension on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=benches/.venv-pymc
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pymc-marketing maturin
fi
(cd bindings/python && VIRTUAL_ENV="$PWD/../../$VENV" ../../$VENV/bin/maturin develop --release --quiet)
"$VENV/bin/python" benches/rfm_vs_pymc.py "$@"
