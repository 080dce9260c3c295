"""The fast lane's snapshots must show what the real-UDP snapshots show for the same battery.

The mocked client answers as the simulated Venus E 3.0 does; if the two ever drift apart, the
fast lane would be checking a battery that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

FAST = Path(__file__).parent / "snapshots"
REAL = Path(__file__).parent.parent / "integration" / "snapshots" / "test_snapshots.ambr"
ENTRY = re.compile(r"^# name: ([^\n]+)\n(.*?)\n# ---$", re.MULTILINE | re.DOTALL)
# The real-UDP names: test_platform_snapshot[<platform>][<entity>-<part>].
REAL_NAME = re.compile(r"test_platform_snapshot\[(\w+)\](\[.+\])")
FAST_TEST = {
    "binary_sensor": "test_binary_sensors",
    "number": "test_numbers",
    "select": "test_selects",
    "sensor": "test_sensors",
    "switch": "test_switches",
}


def _entries(path: Path) -> dict[str, str]:
    return dict(ENTRY.findall(path.read_text(encoding="utf-8")))


def _real_as_fast() -> dict[str, str]:
    """The real-UDP entries under the names the fast lane gives them."""
    renamed = {}
    for name, body in _entries(REAL).items():
        if match := REAL_NAME.fullmatch(name):
            renamed[FAST_TEST[match[1]] + match[2]] = body
        elif name == "test_diagnostics_snapshot":
            renamed["test_diagnostics"] = body
        elif name == "test_device_snapshot":
            renamed["test_device"] = body
    return renamed


def test_fast_and_real_snapshots_agree() -> None:
    fast: dict[str, str] = {}
    for path in sorted(FAST.glob("*.ambr")):
        fast.update(_entries(path))
    real = _real_as_fast()
    assert len(real) == 46  # 40, and the depth of discharge, LED and Bluetooth (entry + state)
    assert fast == real
