"""The connection sensor on a mocked client: on while the battery answers, off at the third miss."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.marstek_rotation.pymarstek import MarstekTimeoutError

from .conftest import PREFIX, STATUS, latest_line_only, setup_integration

pytestmark = [pytest.mark.freeze_time("2026-11-23 10:00:00+00:00")]
CONNECTION = f"binary_sensor.{PREFIX}_connection"


@latest_line_only
@pytest.mark.usefixtures("mock_marstek_client")
async def test_binary_sensors(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.marstek_rotation.PLATFORMS", [Platform.BINARY_SENSOR])
    await setup_integration(hass, mock_config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_connection_goes_off_on_the_third_missed_poll_and_back_on(
    hass: HomeAssistant, mock_marstek_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, mock_config_entry)
    coordinator = mock_config_entry.runtime_data.coordinator
    mock_marstek_client.get_mode.side_effect = MarstekTimeoutError("no reply")

    for expected in (STATE_ON, STATE_ON, STATE_OFF):
        await coordinator.async_refresh()
        state = hass.states.get(CONNECTION)
        assert state is not None
        assert state.state == expected

    mock_marstek_client.get_mode.side_effect = None
    mock_marstek_client.get_mode.return_value = STATUS
    await coordinator.async_refresh()
    state = hass.states.get(CONNECTION)
    assert state is not None
    assert state.state == STATE_ON
