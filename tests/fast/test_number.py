"""The passive numbers on a mocked client: stored, ranged by model, nothing sent."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.number import DOMAIN as NUMBER_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .conftest import PREFIX, latest_line_only, setup_integration

pytestmark = [pytest.mark.freeze_time("2026-11-23 10:00:00+00:00")]


@latest_line_only
@pytest.mark.usefixtures("mock_marstek_client")
async def test_numbers(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.marstek_rotation.PLATFORMS", [Platform.NUMBER])
    await setup_integration(hass, mock_config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_setting_a_number_stores_it_and_sends_nothing(
    hass: HomeAssistant, mock_marstek_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, mock_config_entry)

    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: f"number.{PREFIX}_passive_power", ATTR_VALUE: -1200},
        blocking=True,
    )

    assert mock_config_entry.runtime_data.control.passive_settings == (-1200, 3600)
    assert mock_marstek_client.set_mode.await_count == 0
    assert mock_marstek_client.set_passive.await_count == 0


async def test_power_range_is_the_models_limit(
    hass: HomeAssistant, mock_marstek_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, mock_config_entry)
    state = hass.states.get(f"number.{PREFIX}_passive_power")
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"]) == (-2500, 2500)
    assert mock_marstek_client.power_limit == 2500
