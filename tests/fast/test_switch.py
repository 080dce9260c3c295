"""The LED and Bluetooth advertising switches on a mocked client."""

from __future__ import annotations

import asyncio
from unittest.mock import MagicMock

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.components.switch import SERVICE_TURN_OFF
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import PREFIX, SnapshotOnePlatform, latest_line_only

LED = f"switch.{PREFIX}_led"


@latest_line_only
async def test_switches(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.SWITCH)


async def test_a_setting_write_waits_for_the_batterys_write_lock(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    control = init_integration.runtime_data.control
    async with control._lock:  # another write to this battery is under way
        task = hass.async_create_task(
            hass.services.async_call(
                SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LED}, blocking=True
            )
        )
        for _ in range(10):
            await asyncio.sleep(0)
        assert not task.done()
        assert mock_marstek_client.set_led.await_count == 0
    await task
    mock_marstek_client.set_led.assert_awaited_once_with(False)
    state = hass.states.get(LED)
    assert state is not None
    assert state.state == "off"
