"""Keeping the household's state across restarts, as real batteries keep theirs.

A real battery keeps its mode, schedule and charge when Home Assistant restarts. The
development household restarts the simulator together with Home Assistant, so the simulator
saves what a battery would keep (mode, SOC, the ten manual slots, energy counters, and the
meter's counters) to a JSON file and restores it by BLE MAC on the next start. A passive
countdown is not kept: a restored Passive battery holds 0 W, as after its countdown.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import TYPE_CHECKING, Any

from .schedule import ManualSlot
from .spec import MODES

if TYPE_CHECKING:
    from pathlib import Path

    from .battery import SimulatedBattery
    from .simulator import Simulator

_LOGGER = logging.getLogger(__name__)
VERSION = 1


def battery_snapshot(battery: SimulatedBattery) -> dict[str, Any]:
    """What a battery keeps over a restart."""
    return {
        "mode": battery.mode,
        "soc": battery.soc,
        "manual_slots": [dataclasses.asdict(slot) for slot in battery.manual_slots],
        "charged_wh": battery.charged_wh,
        "discharged_wh": battery.discharged_wh,
    }


def household_snapshot(simulator: Simulator) -> dict[str, Any]:
    """Every battery (by BLE MAC) and the meter's counters."""
    return {
        "version": VERSION,
        "batteries": {b.spec.ble_mac: battery_snapshot(b) for b in simulator.batteries},
        "meter": {
            "imported_wh": simulator.meter.imported_wh,
            "exported_wh": simulator.meter.exported_wh,
        },
    }


def restore_battery(battery: SimulatedBattery, saved: dict[str, Any]) -> None:
    """Put a battery back into a saved state; raises ValueError for anything implausible."""
    mode = saved["mode"]
    soc = float(saved["soc"])
    slots = [ManualSlot(**slot) for slot in saved["manual_slots"]]
    if mode not in MODES or not 0.0 <= soc <= 100.0 or len(slots) != len(battery.manual_slots):  # noqa: PLR2004
        msg = f"implausible saved state for {battery.spec.ble_mac}: {saved}"
        raise ValueError(msg)
    for index, slot in enumerate(slots):
        battery.state.set_slot(index, slot)
    battery.soc = soc
    battery.mode = mode
    battery.state.charged_wh = float(saved.get("charged_wh", 0.0))
    battery.state.discharged_wh = float(saved.get("discharged_wh", 0.0))


def restore_saved_battery(battery: SimulatedBattery, saved: dict[str, Any]) -> bool:
    """Restore ``battery`` if the document knows it; False if not (or not plausibly)."""
    if saved.get("version") != VERSION:
        _LOGGER.warning(
            "state file version %r is not %s; not restoring", saved.get("version"), VERSION
        )
        return False
    entry = saved.get("batteries", {}).get(battery.spec.ble_mac)
    if entry is None:
        return False
    try:
        restore_battery(battery, entry)
    except (KeyError, TypeError, ValueError) as err:
        _LOGGER.warning("not restoring %s: %s", battery.spec.ble_mac, err)
        return False
    return True


def restore_meter(simulator: Simulator, saved: dict[str, Any]) -> None:
    """The meter's energy counters."""
    meter = saved.get("meter", {}) if saved.get("version") == VERSION else {}
    simulator.sync()
    simulator.meter.imported_wh = float(meter.get("imported_wh", 0.0))
    simulator.meter.exported_wh = float(meter.get("exported_wh", 0.0))


def restore_household(simulator: Simulator, saved: dict[str, Any]) -> list[str]:
    """Restore every battery the document knows, and the meter; returns the MACs restored."""
    restored = [b.spec.ble_mac for b in simulator.batteries if restore_saved_battery(b, saved)]
    restore_meter(simulator, saved)
    return restored


def load(path: Path) -> dict[str, Any] | None:
    """The saved document, or None when there is none or it cannot be read."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        _LOGGER.warning("cannot read %s (%s); starting fresh", path, err)
        return None
    return document if isinstance(document, dict) else None


def save(path: Path, simulator: Simulator) -> None:
    """Write the household's state atomically (a crash never leaves half a file)."""
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(household_snapshot(simulator), indent=1), encoding="utf-8")
    partial.replace(path)
