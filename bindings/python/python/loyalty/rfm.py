"""loyalty.rfm (filled in by its own work)."""

from __future__ import annotations

__all__: list = []
