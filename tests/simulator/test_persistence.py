"""The household's state kept across a restart: mode, SOC, slots, counters (by BLE MAC)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from simulator import BatterySpec, ManualClock, ManualSlot, Simulator
from simulator.persistence import household_snapshot, load, restore_household, save

if TYPE_CHECKING:
    from pathlib import Path

SPEC = BatterySpec(host="127.0.0.2", soc=50.0, mode="Auto")
OTHER = BatterySpec(host="127.0.0.3", ble_mac="009b08a59a7d", soc=20.0, mode="Auto")


async def test_a_restart_brings_back_mode_soc_slots_and_counters(port: int, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    slot = ManualSlot("22:00", "06:00", 0b0011111, -800, enabled=True)
    async with Simulator(port=port, clock=ManualClock()) as sim:
        battery = await sim.add_battery(SPEC)
        sim.meter.set_load(1000)
        sim.advance(1800)  # the Auto battery covers it: 0.5 kWh out
        battery.state.set_slot(0, slot)
        battery.mode = "Manual"
        sim.advance(600)  # now the meter imports: 1000 W for 10 min
        before = household_snapshot(sim)
        save(path, sim)

    async with Simulator(port=port, clock=ManualClock()) as sim:
        battery = await sim.add_battery(SPEC)
        other = await sim.add_battery(OTHER)  # not in the file: left as specified
        restored = restore_household(sim, load(path) or {})
        assert restored == [SPEC.ble_mac]
        assert battery.mode == "Manual"
        assert battery.soc == before["batteries"][SPEC.ble_mac]["soc"]
        assert battery.manual_slots[0] == slot
        assert battery.discharged_wh == before["batteries"][SPEC.ble_mac]["discharged_wh"]
        assert sim.meter.imported_wh == before["meter"]["imported_wh"] > 0
        assert (other.mode, other.soc) == ("Auto", 20.0)


async def test_a_broken_or_strange_file_starts_fresh(port: int, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert load(broken) is None
    assert load(tmp_path / "missing.json") is None
    async with Simulator(port=port, clock=ManualClock()) as sim:
        battery = await sim.add_battery(SPEC)
        implausible = {
            "version": 1,
            "batteries": {SPEC.ble_mac: {"mode": "Turbo", "soc": 50, "manual_slots": []}},
        }
        assert restore_household(sim, implausible) == []
        assert restore_household(sim, {"version": 99, "batteries": {}}) == []
        assert (battery.mode, battery.soc) == ("Auto", 50.0)


async def test_saving_replaces_the_file_whole(port: int, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("old", encoding="utf-8")
    async with Simulator(port=port, clock=ManualClock()) as sim:
        await sim.add_battery(SPEC)
        save(path, sim)
    _check_saved(path)


def _check_saved(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document["batteries"]) == [SPEC.ble_mac]
    assert not list(path.parent.glob("*.partial"))
