"""The protocol library under its real dotted name, with or without Home Assistant.

The library imports nothing from Home Assistant, but its parent package (the integration)
does. Under the project's venvs the real package is imported; in a plain Python a bare package
object stands in for the integration, so the benchmarks still run with the standard library.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

_INTEGRATION_PACKAGE = "custom_components.marstek_rotation"
_INTEGRATION_DIR = Path(__file__).resolve().parents[1] / "custom_components" / "marstek_rotation"


def _make_library_importable() -> None:
    try:
        importlib.import_module(_INTEGRATION_PACKAGE)
    except ModuleNotFoundError as err:
        if not (err.name or "").startswith("homeassistant"):
            raise
        package = types.ModuleType(_INTEGRATION_PACKAGE)
        package.__path__ = [str(_INTEGRATION_DIR)]
        sys.modules[_INTEGRATION_PACKAGE] = package


_make_library_importable()

from custom_components.marstek_rotation.pymarstek import (  # noqa: E402
    METHOD_GET_MODE,
    METHOD_SET_MODE,
    MarstekClient,
    MarstekError,
    MarstekTimeoutError,
    MarstekTransport,
    ModeStatus,
    OperatingMode,
    TransportStats,
)

__all__ = [
    "METHOD_GET_MODE",
    "METHOD_SET_MODE",
    "MarstekClient",
    "MarstekError",
    "MarstekTimeoutError",
    "MarstekTransport",
    "ModeStatus",
    "OperatingMode",
    "TransportStats",
]
