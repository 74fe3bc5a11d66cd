"""Shared fixtures: paths of the bundled data and the reference values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "crates" / "loyalty-cli" / "data"
REFERENCE = ROOT / "tests" / "reference"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def load_reference(name: str) -> dict:
    """Load one reference file of tests/reference (see its README for sources)."""
    with open(REFERENCE / name, encoding="utf-8") as f:
        return json.load(f)
