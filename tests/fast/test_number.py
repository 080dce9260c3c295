"""The passive numbers on a mocked client: stored, ranged by model, nothing sent."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.number import DOMAIN as NUMBER_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import PREFIX, SnapshotOnePlatform, latest_line_only


async def test_setting_a_number_stores_it_and_sends_nothing(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: f"number.{PREFIX}_passive_power", ATTR_VALUE: -1200},
        blocking=True,
    )

    assert init_integration.runtime_data.control.passive_settings == (-1200, 3600)
    assert mock_marstek_client.set_mode.await_count == 0
    assert mock_marstek_client.set_passive.await_count == 0


async def test_power_range_is_the_models_limit(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    state = hass.states.get(f"number.{PREFIX}_passive_power")
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"]) == (-2500, 2500)
    assert mock_marstek_client.power_limit == 2500


@latest_line_only
async def test_numbers(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.NUMBER)
