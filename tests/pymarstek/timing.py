"""Timings are reported (visible with `pytest -s` or on failure), not tightly asserted."""

from __future__ import annotations

import sys


def report(message: str) -> None:
    sys.stdout.write(f"[timing] {message}\n")
