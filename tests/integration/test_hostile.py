"""A glitching firmware: nothing impossible reaches a sensor, a counter or the log.

The simulated battery answers with raw values patched into its `ES.GetMode` replies (the
simulator's `getmode_overrides` quirk): over real UDP, through the real library and coordinator.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulator import Quirks, SimulatedBattery, Simulator

from .conftest import VENUS_E_D828, config_entry_for, setup_entry

pytestmark = pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)

P = "marstek_venuse_d828"
POLLS = 10


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, times: int = 1) -> None:
    for _ in range(times):
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


def value(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    state = hass.states.get(f"{platform}.{P}_{key}")
    assert state is not None
    return state.state


def energies(hass: HomeAssistant) -> tuple[float, float]:
    return float(value(hass, "energy_charged")), float(value(hass, "energy_discharged"))


def ours_complaining(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings and errors from the integration or about updating its entities."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and (
            record.name.startswith("custom_components.marstek_rotation")
            or "Unexpected error" in record.getMessage()
            or "longer than 255" in record.getMessage()
        )
    ]


@pytest.fixture
async def glitching(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> SimulatedBattery:
    """A healthy Venus E in Auto with no load (0 W), set up, past the startup discovery."""
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    caplog.set_level(logging.INFO)
    caplog.clear()
    return battery


def glitch(battery: SimulatedBattery, **fields: Any) -> None:
    battery.quirks = Quirks(getmode_overrides=fields)


@pytest.mark.parametrize(
    ("raw", "charged_w", "shown"),
    [
        (-2_000_000, 0, STATE_UNKNOWN),  # beyond any battery
        (40_000, 0, STATE_UNKNOWN),  # beyond 2500 W + 20 %
        (65036, 500, "-500"),  # the unsigned 16-bit form of -500 W: undone, then real
    ],
    ids=["minus-two-megawatts", "forty-kilowatts", "uint16-wrap"],
)
async def test_impossible_powers_add_no_energy(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    glitching: SimulatedBattery,
    caplog: pytest.LogCaptureFixture,
    *,
    raw: int,
    charged_w: int,
    shown: str,
) -> None:
    await poll(hass, freezer, 2)
    before = energies(hass)
    glitch(glitching, ongrid_power=raw)

    await poll(hass, freezer, POLLS)

    charged, discharged = (
        after - start for after, start in zip(energies(hass), before, strict=True)
    )
    print(f"FIGURE|energy discharged added by ongrid_power={raw}|{discharged:g}|kWh|<= 0")
    print(
        f"FIGURE|energy charged added by ongrid_power={raw} (real: {charged_w} W)|{charged:g}|kWh|"
    )
    assert value(hass, "grid_power") == shown
    assert discharged == 0
    # Each poll's sample joins the previous one: POLLS - 1 intervals of about 30 s at the
    # real power (the first glitched sample starts a new chain).
    assert charged == pytest.approx(charged_w * (POLLS - 1) * 30 / 3600 / 1000, rel=0.1, abs=1e-6)
    assert value(hass, "state_of_charge") not in ("unavailable", STATE_UNKNOWN)
    assert ours_complaining(caplog) == []


@pytest.mark.parametrize("soc", [250, -5, 1e308], ids=["250", "-5", "1e308"])
async def test_impossible_soc_is_unknown_not_shown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    glitching: SimulatedBattery,
    caplog: pytest.LogCaptureFixture,
    soc: float,
) -> None:
    glitch(glitching, bat_soc=soc)
    await poll(hass, freezer)

    for key in ("state_of_charge", "remaining_capacity", "available_capacity"):
        assert value(hass, key) == STATE_UNKNOWN, key
    # The rest of the reading is still there.
    assert value(hass, "operating_mode") == "auto"
    assert value(hass, "connection", "binary_sensor") == "on"
    assert ours_complaining(caplog) == []

    glitch(glitching)
    await poll(hass, freezer)
    assert value(hass, "state_of_charge") == str(round(glitching.soc))


async def test_a_huge_integer_costs_one_field_not_the_battery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    glitching: SimulatedBattery,
    caplog: pytest.LogCaptureFixture,
) -> None:
    glitch(glitching, input_energy=int("9" * 401), output_energy=10**400)
    await poll(hass, freezer, 3)

    assert value(hass, "state_of_charge") == str(round(glitching.soc))
    assert value(hass, "connection", "binary_sensor") == "on"
    assert ours_complaining(caplog) == []
    assert not [record for record in caplog.records if record.exc_info]


async def test_a_wall_clock_step_adds_no_energy(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, glitching: SimulatedBattery
) -> None:
    glitch(glitching, ongrid_power=2500)
    await poll(hass, freezer, 2)
    coordinator = hass.config_entries.async_entries("marstek_rotation")[0].runtime_data.coordinator
    before = energies(hass)[1]
    data = coordinator.data

    # The next reading arrives 30 s later on the monotonic clock, but the wall clock jumped
    # 9.5 minutes meanwhile (an NTP correction).
    coordinator.async_set_updated_data(
        replace(
            data,
            read_at=data.read_at + timedelta(minutes=9, seconds=30),
            monotonic=data.monotonic + 30,
        )
    )

    added = energies(hass)[1] - before
    print(f"FIGURE|energy added over a 9.5 min wall-clock step (30 s at 2500 W)|{added:g}|kWh|")
    assert added == pytest.approx(2500 * 30 / 3600 / 1000, rel=0.01)
