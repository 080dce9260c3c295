"""The mode select on a mocked client: what each choice sends, and a refusal."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.components.select import DOMAIN as SELECT_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation.pymarstek import MarstekDeviceError, OperatingMode

from .conftest import PREFIX, SnapshotOnePlatform, latest_line_only

SELECT = f"select.{PREFIX}_operating_mode"


async def _select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: SELECT, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.parametrize("mode", [OperatingMode.AUTO, OperatingMode.AI, OperatingMode.MANUAL])
async def test_a_choice_is_sent_and_shown_at_once(
    hass: HomeAssistant,
    mock_marstek_client: MagicMock,
    init_integration: MockConfigEntry,
    mode: OperatingMode,
) -> None:
    await _select(hass, mode.value)

    mock_marstek_client.set_mode.assert_awaited_once_with(
        mode, passive_power=None, passive_duration=None
    )
    state = hass.states.get(SELECT)
    assert state is not None
    assert state.state == mode.value


async def test_passive_takes_the_numbers(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    control = init_integration.runtime_data.control
    control.passive_power, control.passive_duration = -800, 600

    await _select(hass, OperatingMode.PASSIVE.value)

    mock_marstek_client.set_mode.assert_awaited_once_with(
        OperatingMode.PASSIVE, passive_power=-800, passive_duration=600
    )


async def test_a_refused_write_is_an_error_and_the_mode_stays(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    mock_marstek_client.set_mode.side_effect = MarstekDeviceError(-1, "rejected", None)

    with pytest.raises(HomeAssistantError):
        await _select(hass, OperatingMode.AUTO.value)

    state = hass.states.get(SELECT)
    assert state is not None
    assert state.state == OperatingMode.MANUAL.value


@latest_line_only
async def test_selects(snapshot_one_platform: SnapshotOnePlatform) -> None:
    await snapshot_one_platform(Platform.SELECT)
