"""The household file: 1 to 6 batteries, both kinds of meter, and wrong names said out loud."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import (
    EXTRA_PREFIXES,
    HOUSEHOLD_PREFIXES,
    REMOVE,
    Household,
    async_setup_package,
    batteries_block,
    load_household,
)

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

A, B, C = HOUSEHOLD_PREFIXES
MINUTE = 60.0
CONFIGURATION = "marstek_rotation_configuration"
IMPORT = "sensor.electricity_meter_power_consumption"
EXPORT = "sensor.electricity_meter_power_production"


@pytest.mark.parametrize(
    ("configured", "active"),
    [
        pytest.param([A], A, id="one battery"),
        pytest.param([A, C], C, id="two batteries"),
        pytest.param([A, C, *EXTRA_PREFIXES, B], C, id="six batteries"),
    ],
)
async def test_the_battery_list_decides_which_batteries_rotate(
    household: Household, configured: list[str], active: str
) -> None:
    socs = {A: 60, B: 45, C: 80, **dict.fromkeys(EXTRA_PREFIXES, 50)}
    await household.async_start(
        socs=(60, 45, 80),
        household=load_household(batteries=batteries_block(configured)),
        extra_batteries=3 if len(configured) == 6 else 0,
    )
    prefixes = [*HOUSEHOLD_PREFIXES, *EXTRA_PREFIXES]

    assert household.active == active
    for prefix, battery in zip(prefixes, household.all_batteries, strict=False):
        if prefix in configured:
            assert battery.mode == ("Auto" if prefix == active else "Manual"), prefix
    assert household.state("sensor.marstek_rotation_batteries") == str(len(configured))
    assert household.state("sensor.marstek_rotation_household") == str(len(configured))

    await household.async_set_p1(-800)
    await household.async_advance(3 * MINUTE)

    # Surplus: the emptiest configured battery takes over; one alone stays put; a battery not
    # in the list is never written to.
    assert household.active == min(configured, key=lambda prefix: socs[prefix])
    for prefix, battery in zip(prefixes, household.all_batteries, strict=False):
        if prefix not in configured:
            assert household.set_mode_writes(battery) == [], prefix
    assert CONFIGURATION not in household.notifications
    assert household.problems() == []


async def test_a_dsmr_meter_pair_in_kw_works_like_one_signed_sensor(
    household: Household,
) -> None:
    """The Dutch/Belgian DSMR integration: consumption and production, both positive, kW."""
    household_file = load_household(
        p1_sensor=REMOVE, p1_import_sensor=IMPORT, p1_export_sensor=EXPORT
    )
    for entity_id in (IMPORT, EXPORT):
        household.hass.states.async_set(entity_id, "0.0", {"unit_of_measurement": "kW"})
    await household.async_start(socs=(60, 45, 80), household=household_file)
    assert household.state("sensor.marstek_rotation_grid_power") == "0"

    household.hass.states.async_set(EXPORT, "0.85", {"unit_of_measurement": "kW"})
    await household.async_advance(3 * MINUTE)

    assert household.state("sensor.marstek_rotation_grid_power") == "-850"
    assert household.active == B  # surplus: the emptiest took over
    household.hass.states.async_set(EXPORT, "0.0", {"unit_of_measurement": "kW"})
    household.hass.states.async_set(IMPORT, "1.2", {"unit_of_measurement": "kW"})
    await household.async_settle()
    assert household.state("sensor.marstek_rotation_grid_power") == "1200"
    assert CONFIGURATION not in household.notifications
    assert household.problems() == []


async def test_wrong_names_get_one_notification_that_names_them(household: Household) -> None:
    household_file = load_household(
        batteries=[
            {"prefix": A, "label": "Fase A"},
            {"prefix": "marstek_venuse_dee8", "label": "Fase C"},
        ],
        p1_sensor="sensor.p1_meter_powr",
        weather_entity="weather.forcast_home",
    )
    await household.async_start(household=household_file, state=None)
    assert CONFIGURATION not in household.notifications, "reported before it lasted a minute"

    await household.async_advance(2 * MINUTE)

    message = household.notifications[CONFIGURATION]
    assert 'battery prefix "marstek_venuse_dee8" (Fase C)' in message
    assert "sensor.marstek_venuse_dee8_state_of_charge" in message
    assert "meter sensor sensor.p1_meter_powr does not exist" in message
    assert "weather entity weather.forcast_home does not exist" in message
    assert A not in message
    # Nothing is chosen that does not exist; the meter shows nothing rather than 0 W.
    assert household.state("sensor.marstek_rotation_grid_power") == "unknown"
    assert household.problems() == []


@pytest.mark.parametrize(
    ("weather", "reported"),
    [
        pytest.param("none", None, id="none chosen"),
        pytest.param("", "weather_entity is not set", id="left empty"),
    ],
)
async def test_no_weather_entity_is_a_choice_to_make(
    household: Household, weather: str, reported: str | None
) -> None:
    await household.async_start(household=load_household(weather_entity=weather), state=None)
    await household.async_advance(2 * MINUTE)

    assert household.state("sensor.marstek_rotation_sunny_hours") == "0"
    assert household.attr("sensor.marstek_rotation_sunny_hours", "weather_entity") == "none"
    if reported is None:
        assert CONFIGURATION not in household.notifications
    else:
        assert reported in household.notifications[CONFIGURATION]


async def test_a_missing_household_file_is_reported(household: Household) -> None:
    """Upgrading from 1.0 by replacing the package alone leaves the household file missing."""
    hass: HomeAssistant = household.hass
    assert await async_setup_component(hass, "persistent_notification", {})
    await async_setup_package(hass, with_household=False)
    hass.bus.async_fire("automation_reloaded")
    await household.async_settle()

    await household.async_advance(2 * MINUTE)

    assert household.state("sensor.marstek_rotation_problems") == "1"
    assert "the household file is missing" in household.attr(
        "sensor.marstek_rotation_problems", "reported"
    )
    assert household.state("sensor.marstek_rotation_batteries") == "0"
    assert household.state("sensor.marstek_rotation_decision") == "off"
    assert household.problems() == []
