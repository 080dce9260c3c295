"""The library is one copy per process, whichever of its two names a process uses."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

from custom_components.marstek_rotation import pymarstek as bundled


def test_the_second_name_is_refused_where_the_first_is_loaded() -> None:
    with pytest.raises(ImportError, match="already imported as"):
        importlib.import_module("pymarstek")
    assert "pymarstek" not in sys.modules


def test_a_copy_of_these_files_under_the_other_name_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = types.ModuleType("pymarstek")
    copy.__file__ = bundled.__file__
    monkeypatch.setitem(sys.modules, "pymarstek", copy)
    with pytest.raises(ImportError, match=r"custom_components\.marstek_rotation\.pymarstek"):
        bundled._refuse_a_second_copy()


def test_another_project_named_pymarstek_is_no_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    other = types.ModuleType("pymarstek")
    other.__file__ = "/elsewhere/site-packages/pymarstek/__init__.py"
    monkeypatch.setitem(sys.modules, "pymarstek", other)
    bundled._refuse_a_second_copy()
