"""The README's Energy dashboard section against Home Assistant 2026.11's own dialog.

The labels it names must be the ones the 2026.11 frontend shows (its English translations,
installed in the household's virtualenv by scripts/setup), every field of the battery dialog
must be named, and every sensor it names must be one the integration creates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from custom_components.marstek_rotation.sensor import ENERGY_SENSORS, SENSORS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
FRONTEND = "lib/python*/site-packages/hass_frontend/static/translations/config/en-*.json"
BATTERY_DIALOG = "ui.panel.config.energy.battery.dialog"
# The battery dialog's fields (2026.11): energy out, energy in, power type, power, SOC, capacity.
BATTERY_FIELDS = (
    "energy_out_of_battery",
    "energy_into_battery",
    "sensor_type",
    "power",
    "state_of_charge",
    "capacity",
)


def _leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            found.update(_leaves(value, path))
        elif isinstance(value, str):
            found[path] = value
    return found


def _frontend_labels() -> dict[str, str]:
    """The 2026.11 frontend's English config texts (en, not en-GB), or skip without them."""
    paths = [
        path
        for path in sorted((REPO / ".venvs" / "develop").glob(FRONTEND))
        if not path.name.startswith("en-GB")
    ]
    if not paths:
        pytest.skip("Home Assistant 2026.11's frontend is not installed (scripts/setup)")
    return _leaves(json.loads(paths[0].read_text(encoding="utf-8")))


def _battery_section() -> str:
    """The README's steps for the battery dialog, up to the next heading."""
    heading = "### Adding a battery (Home Assistant 2026.11)\n"
    assert heading in README, "the README has no steps for the 2026.11 battery dialog"
    start = README.index(heading)
    return README[start : README.index("\n#", start + len(heading))]


def test_the_battery_table_names_only_labels_of_the_dialog() -> None:
    labels = _frontend_labels()
    dialog = {value for key, value in labels.items() if key.startswith(f"{BATTERY_DIALOG}.")}
    rows = re.findall(r"^\| \*\*(.+?)\*\* \|", _battery_section(), re.MULTILINE)
    assert rows, "no table of dialog fields"
    assert set(rows) <= dialog, set(rows) - dialog


def test_every_field_of_the_battery_dialog_is_named() -> None:
    labels = _frontend_labels()
    for field in BATTERY_FIELDS:
        assert f"**{labels[f'{BATTERY_DIALOG}.{field}']}**" in _battery_section(), field


def test_the_power_sign_matches_the_option_named() -> None:
    labels = _frontend_labels()
    standard = labels[f"{BATTERY_DIALOG}.type_standard"]
    # Standard: positive = discharging. Our discharged energy counts positive grid power.
    assert f"**{standard}**" in _battery_section()
    discharged = next(d for d in ENERGY_SENSORS if d.key == "energy_discharged")
    assert discharged.direction == 1


def test_every_sensor_named_exists() -> None:
    keys = {description.key for description in (*SENSORS, *ENERGY_SENSORS)}
    named = set(re.findall(r"`sensor\.<p>_(\w+)`", _battery_section()))
    assert {"energy_charged", "energy_discharged", "grid_power", "state_of_charge"} <= named
    assert named <= keys, named - keys
