"""Device care under failure, over simulated hours: the figures `scripts/bench` reports.

Each scenario asserts the product's targets and prints its figures as `FIGURE|label|value|unit|
target` lines; `scripts/bench --only faults` runs this module and collects them. Real UDP
against simulated batteries, the real integration, time moved with the freezer.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from itertools import pairwise

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulator import Quirks, SimulatedBattery, Simulator

from .conftest import VENUS_E_D828, config_entry_for, fleet_specs, setup_entry

pytestmark = pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)

HOUR = 3600.0


def figure(label: str, value: float, unit: str = "", target: str = "") -> None:
    """One figure for the benchmark report (and the test log)."""
    print(f"FIGURE|{label}|{value:g}|{unit}|{target}")


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float = 30.0
) -> None:
    left = seconds
    while left > 0:
        tick = min(step, left)
        freezer.tick(timedelta(seconds=tick))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        left -= tick


def datagrams_between(battery: SimulatedBattery, start: float, end: float) -> int:
    return sum(1 for d in battery.received if start <= d.time < end)


def broadcasts_between(battery: SimulatedBattery, start: float, end: float) -> int:
    return sum(1 for d in battery.received if d.broadcast and start <= d.time < end)


async def test_a_battery_that_dies_after_setup(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    # A short reply timeout only to spend less real time waiting for a dead battery.
    await setup_entry(hass, config_entry_for(VENUS_E_D828, poll_interval=30, timeout=0.2))
    await advance(hass, freezer, 90)  # running normally, past the startup discovery
    caplog.set_level(logging.INFO)
    caplog.clear()
    battery.quirks = Quirks(silent=True)
    died = simulator.time

    await advance(hass, freezer, HOUR)
    first_hour = datagrams_between(battery, died, died + HOUR)
    await advance(hass, freezer, 21 * HOUR, step=300)
    await advance(hass, freezer, 2 * HOUR, step=30)  # fine steps again to count exactly
    steady = datagrams_between(battery, died + 22 * HOUR, died + 23 * HOUR)
    battery.quirks = Quirks()  # back after a day
    await advance(hass, freezer, 900, step=30)

    ours = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.marstek_rotation")
        and record.levelno >= logging.INFO
    ]
    figure("requests to a battery that dies after setup, first hour", first_hour, "", "<= 12")
    figure("requests to it per hour, steady (a day later)", steady, "", "<= 12")
    figure("log lines over its day away (info and above)", len(ours), "", "1 down, 1 up")
    for record in ours:
        print(f"  log: {record.levelname} {record.getMessage()[:100]}")
    assert first_hour <= 12
    assert steady <= 12
    assert [record.levelno for record in ours] == [logging.ERROR, logging.INFO]
    state = hass.states.get("binary_sensor.marstek_venuse_d828_connection")
    assert state is not None
    assert state.state == "on"


async def test_five_of_twenty_batteries_die(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    specs = fleet_specs(20)
    batteries = [await simulator.add_battery(spec) for spec in specs]
    for spec in specs:
        await setup_entry(hass, config_entry_for(spec, poll_interval=30, timeout=1.0))
    await advance(hass, freezer, 90)
    for battery in batteries[:5]:
        battery.quirks = Quirks(silent=True)
    died = simulator.time

    await advance(hass, freezer, 3 * HOUR, step=60)

    healthy = batteries[5:]
    first = max(broadcasts_between(b, died, died + HOUR) for b in healthy)
    third = max(broadcasts_between(b, died + 2 * HOUR, died + 3 * HOUR) for b in healthy)
    dead_first = max(datagrams_between(b, died, died + HOUR) for b in batteries[:5])
    polled = min(
        sum(1 for d in b.received if d.method == "ES.GetMode" and d.time >= died) for b in healthy
    )
    figure("broadcasts a healthy battery hears, 5 of 20 dead, first hour", first, "/h", "few")
    figure("... third hour (backed off)", third, "/h", "fewer")
    figure("requests to each dead battery, first hour", dead_first, "", "<= 12")
    figure("polls of each healthy battery over the three hours", polled, "", "every minute step")
    assert first <= 3
    assert third <= 1
    assert dead_first <= 12
    assert polled >= 3 * 60 - 2  # one per 60 s step: nothing held them up


async def test_a_healthy_household_hears_few_discovery_broadcasts(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    specs = fleet_specs(3, first_host=2)
    batteries = [await simulator.add_battery(spec) for spec in specs]
    for spec in specs:
        await setup_entry(hass, config_entry_for(spec, poll_interval=30))
    started = simulator.time

    await advance(hass, freezer, 24 * HOUR, step=600)

    heard = [broadcasts_between(b, started, started + 24 * HOUR) for b in batteries]
    per_hour = max(heard) / 24
    figure("discovery broadcasts a healthy battery hears in a day", max(heard), "", "1 + 3")
    figure("... per hour", per_hour, "/h", "<= 0.25")
    # One a minute after start, then one every 6 hours.
    assert heard == [4, 4, 4]
    gaps = [
        round((b.time - a.time) / HOUR, 1)
        for a, b in pairwise(d for d in batteries[0].received if d.broadcast)
    ]
    assert all(gap >= 5.9 for gap in gaps), gaps
