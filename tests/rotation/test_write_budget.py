"""The write budget: no battery gets more than 12 ES.SetMode in any 60 minutes, whatever the
weather and the meter do, and none at all in a steady state.

Each scenario runs simulated hours against the simulated batteries and counts the ES.SetMode
datagrams they received. The counts per battery per hour are printed at the end of the run
("rotation write budget"), with the worst case over all scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

import pytest
from homeassistant.util import dt as dt_util

from simulator import Quirks

from .conftest import HOUSEHOLD_PREFIXES, Household
from .writes import BUDGET, WriteReport

pytestmark = pytest.mark.freeze_time("2026-03-04 10:00:00+00:00", tick=True)

MINUTE = 60.0
HOUR = 3600.0
NAMES = ("A", "B", "C")


def _swing(period: float, amplitude: float, base: float) -> Callable[[datetime], float]:
    """Solar power that swings around `base` by `amplitude` W, once per `period` s."""

    def solar(wall: datetime) -> float:
        return base + amplitude * math.sin(2 * math.pi * (wall.timestamp() % period) / period)

    return solar


def _square(period: float, low: float, high: float) -> Callable[[datetime], float]:
    """Solar power that is `high` for the first half of each `period` s and `low` after."""

    def solar(wall: datetime) -> float:
        return high if wall.timestamp() % period < period / 2 else low

    return solar


async def _measure(household: Household, pattern: str, hours: float, start: float) -> WriteReport:
    """Count, print (in the run's summary) and check one scenario's writes."""
    report = household.write_report(NAMES, since=start, hours=math.ceil(hours)).named(pattern)
    assert report.most <= BUDGET, report.line()
    _ledger_agrees(household)
    return report


def _ledger_agrees(household: Household) -> None:
    """The package's own count (sensor.marstek_rotation_writes) is the simulator's count."""
    log = household.attr("sensor.marstek_rotation_writes", "log") or {}
    since_ha = dt_util.now().timestamp() - 50 * MINUTE
    since_sim = household.sim.time - 50 * MINUTE
    for prefix, battery in zip(HOUSEHOLD_PREFIXES, household.batteries, strict=True):
        counted = len([t for t in log.get(prefix, []) if t > since_ha])
        received = len(
            [d for d in battery.received if d.method == "ES.SetMode" and d.time > since_sim]
        )
        assert counted == received, (prefix, counted, received)


async def _start(household: Household, **kwargs: object) -> float:
    """The household with a meter that follows the simulation; returns the measuring start."""
    await household.async_start(socs=(30, 55, 80), meter=True, **kwargs)  # type: ignore[arg-type]
    household.sim.meter.set_load(1500)
    for battery in household.batteries:
        battery.clear_received()
    return household.sim.time


async def test_fast_flapping_around_zero_writes_nothing(household: Household) -> None:
    """The meter flips between 300 W export and 300 W import every 30 s for two hours."""
    await household.async_start(socs=(30, 55, 80))
    start = household.sim.time
    for half_minute in range(4 * 60):
        await household.async_set_p1(-300 if half_minute % 2 else 300)
        await household.async_advance(30)

    report = await _measure(household, "fast flapping around 0 W", 2, start)
    assert report.most == 0, report.line()


async def test_steady_state_writes_nothing(household: Household) -> None:
    """Two hours of the same small demand: the active battery covers it, nothing changes."""
    start = await _start(household)
    household.sim.meter.set_solar(1350)  # the house needs 150 W: below the threshold
    await household.async_advance(2 * HOUR, step=60)

    report = await _measure(household, "steady state", 2, start)
    assert report.most == 0, report.line()


async def test_slow_swings_across_the_thresholds(household: Household) -> None:
    """Sun that swings the house from 1.5 kW surplus to 1.5 kW demand every 20 minutes."""
    start = await _start(household)
    household.sim.meter.set_solar(_swing(20 * MINUTE, 1500, 1500))
    await household.async_advance(3 * HOUR)

    report = await _measure(household, "slow swings across thresholds", 3, start)
    assert report.most > 0, "the scenario should make the rotation switch"


@pytest.mark.parametrize("margin", [None, 0], ids=["default-margin", "no-margin"])
async def test_surplus_and_demand_timed_to_the_cooldown(
    household: Household, margin: float | None
) -> None:
    """The worst weather for the rules: 5 min surplus, 5 min demand, again and again.

    Each spell outlasts the dwell (2 min) and spells follow each other at the cooldown (5 min),
    so the rules would switch every 5 minutes, both batteries writing at every switch: 12
    writes an hour each, and more with a repair or an overflow. With the default SOC margin
    the hysteresis (the margin doubles with every switch of the day) stops the levelling after
    a few switches; with no margin at all the rules press against the budget, which holds them
    back.
    """
    start = await _start(household)
    if margin is not None:
        await household.async_set_number("soc_margin", margin)
    household.sim.meter.set_solar(_square(10 * MINUTE, 0, 3000))
    await household.async_advance(2 * HOUR)

    name = "timed to cooldown, " + ("default margin" if margin is None else "margin 0")
    report = await _measure(household, name, 2, start)
    if margin is None:
        assert report.most <= BUDGET // 2, "the hysteresis should keep the switches few"
    else:
        assert report.most >= BUDGET - 3, "the scenario should press against the budget"


async def test_a_battery_that_drops_out_and_comes_back(household: Household) -> None:
    """Every 15 minutes the active battery stops answering for 5 minutes, under swinging sun."""
    start = await _start(household, poll_timeout=0.3)
    household.sim.meter.set_solar(_swing(20 * MINUTE, 1500, 1500))
    for _cycle in range(6):
        await household.async_advance(10 * MINUTE)
        active = household.active
        dropped = next(
            battery
            for prefix, battery in zip(HOUSEHOLD_PREFIXES, household.batteries, strict=True)
            if prefix == active
        )
        dropped.quirks = Quirks(silent=True)
        await household.async_advance(5 * MINUTE)
        dropped.quirks = Quirks()

    await _measure(household, "a battery drops out and comes back", 2, start)


async def test_home_assistant_restarts(household: Household) -> None:
    """Home Assistant restarts every 10 minutes while the sun swings across the thresholds."""
    start = await _start(household)
    household.sim.meter.set_solar(_swing(20 * MINUTE, 1500, 1500))
    for _restart in range(9):
        await household.async_advance(10 * MINUTE)
        await household.async_restart()

    await _measure(household, "Home Assistant restarts", 2, start)
    assert household.rotation == "rotating"
    assert household.problems() == []
