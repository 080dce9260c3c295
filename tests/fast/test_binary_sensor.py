"""The connection sensor on a mocked client: on while the battery answers, off at the third miss."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation.pymarstek import MarstekTimeoutError

from .conftest import PREFIX, STATUS, SnapshotOnePlatform, latest_line_only

CONNECTION = f"binary_sensor.{PREFIX}_connection"


async def test_connection_goes_off_on_the_third_missed_poll_and_back_on(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data.coordinator
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


@latest_line_only
async def test_binary_sensors(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.BINARY_SENSOR)
