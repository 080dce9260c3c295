"""The browser suite: Playwright drives Debian's chromium against the development household.

It runs with `scripts/test-browser` on the development line (Home Assistant 2026.11). The
pytest lines (`scripts/test`) have no browser: there the suite is left out.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["test_*.py"]
else:
    from .fixtures import *  # noqa: F403
