"""Setup and unload on a mocked client: the device, a battery that does not answer, unload."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.marstek_rotation.pymarstek import MarstekTimeoutError

from .conftest import latest_line_only


@latest_line_only
@pytest.mark.usefixtures("mock_marstek_client")
async def test_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    devices = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    assert devices == snapshot


# A first poll that fails reports the battery away: its port's finder plans a window to look for
# it (at a new address, maybe), which is still planned when the test ends (Home Assistant's
# test fixtures read `expected_lingering_timers`).
@pytest.mark.parametrize(
    ("method", "expected_lingering_timers"), [("get_device", False), ("get_mode", True)]
)
async def test_a_battery_that_does_not_answer_is_retried(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    mock_release_transport: AsyncMock,
    mock_config_entry: MockConfigEntry,
    method: str,
) -> None:
    getattr(mock_marstek_client, method).side_effect = MarstekTimeoutError("no reply")
    mock_config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(mock_config_entry.entry_id)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    # The transport taken for the attempt is given back.
    mock_release_transport.assert_awaited_once()


async def test_unload_gives_the_transport_back(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    mock_release_transport: AsyncMock,
    init_integration: MockConfigEntry,
) -> None:
    assert mock_marstek_client.get_mode.await_count == 1

    assert await hass.config_entries.async_unload(init_integration.entry_id)

    assert init_integration.state is ConfigEntryState.NOT_LOADED
    mock_release_transport.assert_awaited_once_with(hass, ("127.0.0.1", 30000))
