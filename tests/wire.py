"""Exact wire values the tests expect, written out once (independently of the library)."""

from __future__ import annotations

from typing import Any

# What choosing Manual writes: schedule slot 9, disabled, so no real slot is touched.
NEUTRAL_MANUAL_CONFIG: dict[str, Any] = {
    "mode": "Manual",
    "manual_cfg": {
        "time_num": 9,
        "start_time": "00:00",
        "end_time": "00:00",
        "week_set": 0,
        "power": 0,
        "enable": 0,
    },
}
