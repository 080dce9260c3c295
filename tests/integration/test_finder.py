"""Background discovery: "Discovered" batteries, moved ones, and one shared schedule per port.

Real UDP against simulated batteries; time moves with the freezer, with the real delays
(a window a minute after start, then every 6 hours; 10 minutes after a battery went away).
The shared, backed-off window for unreachable batteries is measured in test_fault_figures.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_INTEGRATION_DISCOVERY
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.finder import FINDERS
from simulator import Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, VENUS_E_DEB8, config_entry_for, setup_entry
from .test_config_flow import finish_settings

pytestmark = pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def discovery_flows(hass: HomeAssistant) -> list[dict[str, object]]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
    ]


async def test_a_new_battery_is_discovered_and_added_from_the_card(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    newcomer = await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    assert discovery_flows(hass) == []

    await advance(hass, freezer, 61)  # the window a minute after start

    [flow] = discovery_flows(hass)
    assert flow["context"]["unique_id"] == "009b08a59a7d"
    assert flow["context"]["title_placeholders"] == {"name": "Marstek VenusE 3.0 9a7d"}
    assert flow["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["description_placeholders"] == {
        "name": "Marstek VenusE 3.0 9a7d",
        "model": "VenusE 3.0",
        "firmware": "150",
        "host": "127.0.0.3",
        "port": "30000",
    }
    newcomer.clear_received()
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    # Confirming reads the battery once more, then asks for the settings.
    assert newcomer.method_counts() == {"Marstek.GetDevice": 1, "ES.GetMode": 1}
    result = await finish_settings(hass, result)  # the defaults
    assert result["data"]["host"] == "127.0.0.3"
    assert hass.states.get("sensor.marstek_venuse_3_0_9a7d_state_of_charge") is not None


async def test_configured_and_ignored_batteries_get_no_flow(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    for spec in (VENUS_E_D828, VENUS_E3_9A7D, VENUS_E_DEB8):
        await simulator.add_battery(spec)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id=VENUS_E_DEB8.ble_mac, title="ignored"
    ).add_to_hass(hass)

    await advance(hass, freezer, 61)

    assert hass.data[FINDERS][30000].windows == 1
    assert discovery_flows(hass) == []


async def test_a_configured_battery_at_a_new_address_is_followed_without_a_flow(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    moved = await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    await moved.move_to("127.0.0.9")

    await advance(hass, freezer, 61)
    await hass.async_block_till_done()

    assert entry.data["host"] == "127.0.0.9"
    assert entry.runtime_data.client.host == "127.0.0.9"
    assert discovery_flows(hass) == []


async def test_the_finder_stops_with_the_last_battery_of_its_port(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    first = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    assert 30000 in hass.data[FINDERS]
    await hass.config_entries.async_unload(first.entry_id)
    assert 30000 not in hass.data[FINDERS]
