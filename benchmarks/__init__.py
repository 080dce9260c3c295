"""Benchmarks of the protocol library against the battery simulator (`scripts/bench`).

Every figure is measured and printed, never asserted: timing on a shared machine is a
measurement, not a test. See docs/benchmarks.md for what each benchmark measures.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

_INTEGRATION = "custom_components.marstek_rotation"


def _pricing_without_the_integration() -> None:
    """Make the pure `pricing` package importable without the integration's __init__.

    That __init__ imports Home Assistant and the protocol library under the integration's
    name; the benchmarks use the library as `pymarstek`, and a process may hold one copy only.
    `pricing` imports nothing from the integration, so an empty parent package is enough.
    """
    if _INTEGRATION in sys.modules:
        return
    package = types.ModuleType(_INTEGRATION)
    package.__path__ = [
        str(Path(__file__).resolve().parent.parent / "custom_components/marstek_rotation")
    ]
    sys.modules[_INTEGRATION] = package


_pricing_without_the_integration()
