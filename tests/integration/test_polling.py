"""Polling: only ES.GetMode, once per interval; availability, backoff, repairs, IP moves.

Besides its polls, a healthy battery hears the port's background discovery: one broadcast a
minute after Home Assistant starts, then one every 6 hours (see test_finder.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.marstek_rotation.const import DOMAIN
from simulator import Quirks, Simulator

from .conftest import VENUS_E_D828, config_entry_for, fleet_specs, setup_entry

# Time moves with the wall clock (so UDP timeouts fire) and jumps when a test ticks it.
pytestmark = pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)

SOC_SENSOR = "sensor.marstek_venuse_d828_state_of_charge"
HOUR = 3600


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let `seconds` pass for Home Assistant's timers and wait for what they started."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    # Timer-started refreshes run as background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_healthy_battery_gets_one_getmode_per_interval(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, poll_interval=30))
    battery.clear_received()

    for _ in range(HOUR // 30):
        await advance(hass, freezer, 30)

    counts = battery.method_counts()
    print(f"healthy battery, 30 s interval, one simulated hour: {dict(counts)}")
    # The polls, and the one discovery broadcast a minute after Home Assistant started.
    assert counts == Counter({"ES.GetMode": HOUR // 30, "Marstek.GetDevice": 1})
    assert all(d.broadcast for d in battery.received if d.method == "Marstek.GetDevice")
    polls = [d for d in battery.received if d.method == "ES.GetMode"]
    gaps = [b.time - a.time for a, b in pairwise(polls)]
    print(f"gap between polls: min {min(gaps):.1f} s, max {max(gaps):.1f} s")
    assert min(gaps) >= 29


async def test_a_battery_that_dies_after_setup_gets_at_most_twelve_requests_an_hour(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, poll_interval=30, timeout=1.0))
    # Past the startup discovery window, so only what the death causes is counted.
    await advance(hass, freezer, 90)
    battery.quirks = Quirks(silent=True)
    battery.clear_received()

    for _ in range(HOUR // 30):
        await advance(hass, freezer, 30)

    polls = [d for d in battery.received if d.method == "ES.GetMode"]
    broadcasts = [d for d in battery.received if d.method == "Marstek.GetDevice"]
    others = [d for d in battery.received if d.method not in ("ES.GetMode", "Marstek.GetDevice")]
    print(
        f"battery dead after setup, first hour: {len(polls)} ES.GetMode + "
        f"{len(broadcasts)} broadcast Marstek.GetDevice = {len(battery.received)} datagrams"
    )
    assert others == []
    assert all(d.broadcast for d in broadcasts)
    assert len(battery.received) <= 12
    # Three polls at the normal interval (the test's 30 s steps round it up), then 5 minutes,
    # then every 10 minutes.
    gaps = [round(b.time - a.time) for a, b in pairwise(polls)]
    assert all(29 <= gap <= 61 for gap in gaps[:2]), gaps
    assert gaps[2] >= 299
    assert all(gap >= 599 for gap in gaps[3:]), gaps
    # The shared re-discovery: 10 minutes after the battery went away, then 20 minutes later.
    assert len(broadcasts) == 2


async def test_values_survive_two_missed_polls_and_go_unavailable_on_the_third(
    hass: HomeAssistant,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    coordinator = entry.runtime_data.coordinator
    before = hass.states.get(SOC_SENSOR)
    assert before is not None
    battery.quirks = Quirks(silent=True)
    caplog.set_level(logging.INFO)
    caplog.clear()

    for missed in (1, 2):
        await coordinator.async_refresh()
        state = hass.states.get(SOC_SENSOR)
        assert state is not None
        assert state.state == before.state, f"value lost after {missed} missed poll(s)"
        assert coordinator.update_interval == timedelta(seconds=30)

    await coordinator.async_refresh()
    state = hass.states.get(SOC_SENSOR)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    assert coordinator.update_interval == timedelta(minutes=5)
    connection = hass.states.get("binary_sensor.marstek_venuse_d828_connection")
    assert connection is not None
    assert connection.state == "off"

    for expected in (10, 10, 10):
        await coordinator.async_refresh()
        assert coordinator.update_interval == timedelta(minutes=expected)

    battery.quirks = Quirks()
    await coordinator.async_refresh()
    state = hass.states.get(SOC_SENSOR)
    assert state is not None
    assert state.state == before.state
    assert coordinator.update_interval == timedelta(seconds=30)
    connection = hass.states.get("binary_sensor.marstek_venuse_d828_connection")
    assert connection is not None
    assert connection.state == "on"

    ours = [r for r in caplog.records if r.name.startswith("custom_components.marstek_rotation")]
    went = [r for r in ours if r.levelno >= logging.WARNING]
    back = [r for r in ours if "recovered" in r.getMessage()]
    assert len(went) == 1, [r.getMessage() for r in went]
    assert len(back) == 1


async def test_repair_issue_after_thirty_minutes_and_removed_on_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    coordinator = entry.runtime_data.coordinator
    issue_id = f"unreachable_{entry.entry_id}"
    battery.quirks = Quirks(silent=True)

    for _ in range(3):
        await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    freezer.tick(timedelta(minutes=29))
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "unreachable"
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "name": "Marstek VenusE d828",
        "host": "127.0.0.2",
        "port": "30000",
    }

    battery.quirks = Quirks()
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_battery_that_moved_to_a_new_ip_is_found_again(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    await advance(hass, freezer, 90)  # past the startup discovery window
    await battery.move_to("127.0.0.9")

    # Unavailable after three missed polls; the port's finder looks 10 minutes later.
    for _ in range(6):
        await advance(hass, freezer, 30)
    state = hass.states.get(SOC_SENSOR)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    assert entry.data["host"] == "127.0.0.2"

    for _ in range(22):
        await advance(hass, freezer, 30)
    await hass.async_block_till_done()

    assert entry.data["host"] == "127.0.0.9"
    assert entry.runtime_data.client.host == "127.0.0.9"  # reloaded at the new address
    state = hass.states.get(SOC_SENSOR)
    assert state is not None
    assert state.state != STATE_UNAVAILABLE


async def test_twenty_batteries_with_five_dead_poll_without_head_of_line_blocking(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    specs = fleet_specs(20)
    batteries = []
    for spec in specs:
        batteries.append(await simulator.add_battery(spec))
        await setup_entry(hass, config_entry_for(spec, poll_interval=30, timeout=1.0))
    for battery in batteries[:5]:
        battery.quirks = Quirks(silent=True)
    for battery in batteries:
        battery.clear_received()

    cycles = 10
    late_healthy = []
    for _ in range(cycles):
        start = hass.loop.time()
        await advance(hass, freezer, 30)
        # Home Assistant schedules a coordinator's next refresh up to 0.5 s past its interval
        # (its sub-second spread); one more second keeps that from moving a poll to the next cycle.
        await advance(hass, freezer, 1)
        sent = [
            (battery in batteries[:5], datagram.loop_time)
            for battery in batteries
            for datagram in battery.received
            if datagram.method == "ES.GetMode" and datagram.loop_time >= start
        ]
        dead_sent = [time for dead, time in sent if dead]
        if dead_sent:  # no healthy poll may wait for a dead battery's 1 s timeout
            deadline = min(dead_sent) + 1.0
            late_healthy += [time for dead, time in sent if not dead and time >= deadline]
    healthy_polls = [battery.method_counts()["ES.GetMode"] for battery in batteries[5:]]
    print(
        f"20 batteries (5 dead, timeout 1 s), {cycles} cycles: "
        f"healthy polls per battery {min(healthy_polls)}..{max(healthy_polls)}"
    )
    assert healthy_polls == [cycles] * 15
    assert late_healthy == []
    dead_polls = [battery.method_counts()["ES.GetMode"] for battery in batteries[:5]]
    assert all(polls < cycles for polls in dead_polls)
