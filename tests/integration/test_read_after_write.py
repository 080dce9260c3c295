"""After a write, the battery's next poll moves to just after the quiet period (after_write.py).

Real UDP against the simulator. The simulated household draws 500 W: in Auto the battery
delivers it; switched to Passive at -1200 W it charges. What Home Assistant shows of its power
is stale from the switch until the battery is read again. The pending poll is moved to just
after the quiet period, not added: reads stay one per interval.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.naming import default_entity_prefix
from custom_components.marstek_rotation.pymarstek.const import DEFAULT_QUIET_PERIOD
from simulator import Quirks, SimulatedBattery, Simulator

from .conftest import (
    VENUS_E3_9A7D,
    VENUS_E_D828,
    LinkTiming,
    config_entry_for,
    set_link_timing,
    setup_entry,
    use_link_timing,
)

READ = "ES.GetMode"
WRITE = "ES.SetMode"
HOUSE_LOAD = 500
PASSIVE_POWER = -1200
INTERVAL = 60  # the default poll interval of HMG-50 hardware (Venus E 2.0) and reset-prone firmware
STEP = 0.25  # s of simulated time per step: the 1 s reply timeout never passes in one step
D828 = default_entity_prefix(VENUS_E_D828.model, VENUS_E_D828.ble_mac)
E3_9A7D = default_entity_prefix(VENUS_E3_9A7D.model, VENUS_E3_9A7D.ble_mac)


def figure(label: str, value: float, unit: str = "", target: str = "") -> None:
    """One figure for the benchmark report (scripts/bench --only after_write) and the log."""
    print(f"FIGURE|{label}|{value:g}|{unit}|{target}")


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def times(battery: SimulatedBattery, method: str) -> list[float]:
    """Simulator-clock arrival times of the battery's requests of `method`."""
    return [d.time for d in battery.received if d.method == method]


async def call(hass: HomeAssistant, domain: str, service: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


async def select_mode(hass: HomeAssistant, prefix: str, option: str) -> None:
    await call(
        hass,
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: f"select.{prefix}_operating_mode", ATTR_OPTION: option},
    )


async def set_passive_numbers(hass: HomeAssistant, prefix: str) -> None:
    """The power and duration the select's Passive uses (nothing is sent)."""
    for key, value in (("passive_power", PASSIVE_POWER), ("passive_duration", 900)):
        await call(
            hass,
            "number",
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: f"number.{prefix}_{key}", ATTR_VALUE: value},
        )


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float = STEP
) -> None:
    """Let `seconds` pass on every clock in short steps (shorter than a reply timeout).

    Background tasks are not waited for: a read after a write waits in them for the quiet period.
    """
    for _ in range(round(seconds / step)):
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await asyncio.sleep(0.01)  # a reply on loopback, and the state it brings


async def while_ticking(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, work: Awaitable[Any], limit: int = 60
) -> None:
    """Await `work` (writes paced 1 s apart) while time passes in 1 s steps."""
    task = asyncio.ensure_future(work)
    for _ in range(round(limit / STEP)):
        if task.done():
            break
        await tick(hass, freezer, STEP)
    await task


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # the last-read sensor too
@pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)
async def test_after_a_switch_the_power_is_read_just_after_the_real_quiet_period(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The library's own pacing and 15 s quiet period, a 60 s interval: one read per interval."""
    use_link_timing(monkeypatch, LinkTiming())
    simulator.meter.set_load(HOUSE_LOAD)
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, poll_interval=INTERVAL))
    power_id, last_read_id = f"sensor.{D828}_grid_power", f"sensor.{D828}_last_read"
    await set_passive_numbers(hass, D828)
    assert float(state_of(hass, power_id)) == HOUSE_LOAD
    # A while into the interval: without the move, the next read would come 40 s after the switch.
    await tick(hass, freezer, 20)
    battery.clear_received()
    before = state_of(hass, last_read_id)

    await select_mode(hass, D828, "passive")
    assert battery.power == PASSIVE_POWER  # the battery charges at once ...
    assert state_of(hass, f"select.{D828}_operating_mode") == "passive"
    assert float(state_of(hass, power_id)) == HOUSE_LOAD  # ... what is shown is the old read
    assert state_of(hass, last_read_id) == before  # and says so: no read since
    [switched] = times(battery, WRITE)

    seen, read_at = None, None
    for step in range(1, round(3 * INTERVAL / STEP) + 1):
        await tick(hass, freezer, STEP)
        if seen is None and float(state_of(hass, power_id)) == PASSIVE_POWER:
            seen, read_at = step * STEP, state_of(hass, last_read_id)
    reads = times(battery, READ)
    assert seen is not None
    fresh = reads[0] - switched
    figure("switch to fresh power, real 15 s quiet period, 60 s interval", fresh, "s", "<= 16")
    print(f"reads after the switch at +{[round(t - switched, 1) for t in reads]} s")
    # The first read comes just after the quiet period, not at the interval's end ...
    assert DEFAULT_QUIET_PERIOD <= fresh <= DEFAULT_QUIET_PERIOD + 1
    assert seen <= DEFAULT_QUIET_PERIOD + 1
    # (The last-read sensor, which tells a fresh value from a stale one, moved with it.)
    assert read_at is not None
    last, first = dt_util.parse_datetime(read_at), dt_util.parse_datetime(before)
    assert last is not None
    assert first is not None
    assert (last - first).total_seconds() >= 20 + DEFAULT_QUIET_PERIOD - 1  # whole seconds
    # ... and takes the pending poll's place: the next ones come a full interval apart.
    # (Home Assistant rounds a poll's time down to the second, plus its sub-second spread.)
    gaps = [b - a for a, b in pairwise(reads)]
    assert all(gap >= INTERVAL - 1.5 for gap in gaps), gaps
    # Three intervals from the switch: three reads, one per interval, and nothing else sent.
    figure("reads per 60 s interval over three intervals with a switch", len(reads) / 3, "", "<= 1")
    assert len(reads) == 3
    # (Besides the port's discovery broadcast a minute after Home Assistant started.)
    unicast = Counter(d.method for d in battery.received if not d.broadcast)
    assert unicast == {WRITE: 1, READ: 3}
    assert battery.mode == "Passive"


@pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)
async def test_writes_in_a_row_are_followed_by_one_read_after_the_last(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clearing the slots, a slot, then Auto (12 datagrams paced 1 s apart) on two batteries."""
    use_link_timing(monkeypatch, LinkTiming())
    batteries = [await simulator.add_battery(spec) for spec in (VENUS_E_D828, VENUS_E3_9A7D)]
    entries = [
        await setup_entry(hass, config_entry_for(spec, poll_interval=INTERVAL))
        for spec in (VENUS_E_D828, VENUS_E3_9A7D)
    ]
    for battery in batteries:
        battery.clear_received()
    target = {"device_id": [device_of(hass, entry) for entry in entries]}

    await while_ticking(hass, freezer, call(hass, DOMAIN, "clear_manual_schedules", target))
    slot = {"time_num": 3, "start_time": "22:00", "end_time": "06:00", "power": -800}
    await while_ticking(
        hass, freezer, call(hass, DOMAIN, "set_manual_schedule", {**slot, **target})
    )
    await while_ticking(
        hass,
        freezer,
        asyncio.gather(select_mode(hass, D828, "auto"), select_mode(hass, E3_9A7D, "auto")),
    )
    await tick(hass, freezer, 30)

    for battery in batteries:
        writes, reads = times(battery, WRITE), times(battery, READ)
        print(f"{battery.host}: {len(writes)} writes over {writes[-1] - writes[0]:.0f} s")
        assert len(writes) == 12
        # One read, after the last write's quiet period; none in between.
        assert len(reads) == 1
        assert reads[0] - writes[-1] >= DEFAULT_QUIET_PERIOD
        assert battery.mode == "Auto"


def device_of(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    [device] = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return device.id


async def test_a_false_answer_waits_for_the_same_read(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `set_result: false` checked by the read already moved there: no second read."""
    set_link_timing(monkeypatch, quiet_period=0.3)
    battery = await simulator.add_battery(
        VENUS_E_D828, quirks=Quirks(set_result_false="when_active")
    )
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    battery.clear_received()

    await select_mode(hass, D828, "ai")  # accepted; its read waits for the quiet period
    await select_mode(hass, D828, "ai")  # now active: false, which that one read settles
    await hass.async_block_till_done(wait_background_tasks=True)

    assert [d.method for d in battery.received] == [WRITE, WRITE, READ]
    assert state_of(hass, f"select.{D828}_operating_mode") == "ai"


async def test_a_poll_under_way_is_not_doubled(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poll already waiting out a quiet period is the read after the next write too."""
    set_link_timing(monkeypatch, quiet_period=0.3)
    battery = await simulator.add_battery(VENUS_E3_9A7D)  # it has the LED setting
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    coordinator = entry.runtime_data.coordinator
    await set_passive_numbers(hass, E3_9A7D)
    battery.clear_received()

    await entry.runtime_data.control.async_write_setting(
        lambda: entry.runtime_data.client.set_led(True)  # a setting: its quiet period, no read
    )
    poll = asyncio.create_task(coordinator.async_refresh())  # Home Assistant's timer, say
    await asyncio.sleep(0.05)
    assert coordinator.poll_under_way
    await select_mode(hass, E3_9A7D, "passive")
    await poll
    await hass.async_block_till_done(wait_background_tasks=True)

    assert [d.method for d in battery.received] == ["Led.Ctrl", WRITE, READ]
    assert float(state_of(hass, f"sensor.{E3_9A7D}_grid_power")) == PASSIVE_POWER


async def test_no_read_is_added_when_a_write_fails(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=0.3))
    battery.quirks = Quirks(silent=True)
    battery.clear_received()

    with pytest.raises(HomeAssistantError):
        await select_mode(hass, D828, "manual")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert battery.method_counts() == {WRITE: 1}
