"""Sensors on a mocked client: every sensor, and what a reading becomes."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import MagicMock

from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import PREFIX, STATUS, SnapshotOnePlatform, latest_line_only, setup_integration


async def test_capacities_follow_the_soc(
    hass: HomeAssistant, mock_marstek_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    mock_marstek_client.get_mode.return_value = replace(STATUS, soc=25)
    await setup_integration(hass, mock_config_entry)

    remaining = hass.states.get(f"sensor.{PREFIX}_remaining_capacity")
    available = hass.states.get(f"sensor.{PREFIX}_available_capacity")
    assert remaining is not None
    assert available is not None
    assert (remaining.state, available.state) == ("1.28", "3.84")


async def test_a_missing_soc_is_unknown_not_zero(
    hass: HomeAssistant, mock_marstek_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    mock_marstek_client.get_mode.return_value = replace(STATUS, soc=None, implausible=("soc",))
    await setup_integration(hass, mock_config_entry)

    for key in ("state_of_charge", "remaining_capacity", "available_capacity"):
        state = hass.states.get(f"sensor.{PREFIX}_{key}")
        assert state is not None
        assert state.state == STATE_UNKNOWN


async def test_ct_sensors_only_where_the_reply_has_them(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    mock_marstek_client.get_mode.return_value = replace(
        STATUS, a_power=None, b_power=None, c_power=None, total_power=None
    )
    await setup_integration(hass, mock_config_entry)

    assert entity_registry.async_get(f"sensor.{PREFIX}_grid_power") is not None
    assert entity_registry.async_get(f"sensor.{PREFIX}_ct_total_power") is None


@latest_line_only
async def test_sensors(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.SENSOR)
