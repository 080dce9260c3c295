"""Sensors on a mocked client: every sensor, and what a reading becomes."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import MagicMock

import pytest
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .conftest import PREFIX, STATUS, latest_line_only, setup_integration

pytestmark = [pytest.mark.freeze_time("2026-11-23 10:00:00+00:00")]


@latest_line_only
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "mock_marstek_client")
async def test_sensors(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.marstek_rotation.PLATFORMS", [Platform.SENSOR])
    await setup_integration(hass, mock_config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


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
