"""Make `custom_components.marstek_rotation.pymarstek` importable without Home Assistant.

The library imports nothing from Home Assistant, but its parent package (the integration)
does. Under the Home Assistant test venvs this module does nothing; in a plain venv it puts a
bare package object in place of the integration so the library can still be imported by its
real dotted name.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

INTEGRATION_PACKAGE = "custom_components.marstek_rotation"
INTEGRATION_DIR = Path(__file__).resolve().parents[2] / "custom_components" / "marstek_rotation"
LIBRARY_DIR = INTEGRATION_DIR / "pymarstek"


def make_library_importable() -> None:
    try:
        importlib.import_module(INTEGRATION_PACKAGE)
    except ModuleNotFoundError as err:
        if not (err.name or "").startswith("homeassistant"):
            raise
        package = types.ModuleType(INTEGRATION_PACKAGE)
        package.__path__ = [str(INTEGRATION_DIR)]
        sys.modules[INTEGRATION_PACKAGE] = package
