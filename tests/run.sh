#!/usr/bin/env bash
# Runs every test of the project: Rust (fmt, clippy, unit and integration
# tests), Python (the extension built into .venv, then pytest) and C (the ABI
# test program). Creates .venv with the packages of tests/requirements.txt on
# first use, so it also works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
# The Python extension links against the interpreter only when loaded, so it
# has no Rust test binary; its behaviour is tested by pytest below.
cargo test --workspace --exclude loyalty-python

echo "== Python extension and pytest"
(cd bindings/python && ../../.venv/bin/maturin develop --release --quiet)
.venv/bin/python -m pytest tests/python -q

echo "== C ABI test"
cargo build --release -p loyalty-c
mkdir -p target/ctest
for src in bindings/c/tests/*.c; do
    exe="target/ctest/$(basename "${src%.c}")"
    cc -std=c99 -Wall -Wextra -Werror -I bindings/c/include "$src" \
        target/release/libloyalty_c.a -lpthread -ldl -lm -o "$exe"
    "$exe"
done
echo "== all tests passed"
