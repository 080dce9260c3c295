"""The actions on a mocked client: which write each sends, and refusals before anything is sent."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.pymarstek import (
    ManualSlot,
    MarstekTimeoutError,
    OperatingMode,
)

from .conftest import PREFIX

TARGET = {"entity_id": f"sensor.{PREFIX}_state_of_charge"}


async def _act(
    hass: HomeAssistant, service: str, data: dict[str, object], *, response: bool = False
) -> object:
    return await hass.services.async_call(
        DOMAIN, service, {**data, **TARGET}, blocking=True, return_response=response
    )


async def test_a_slot_is_written_and_manual_shown(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    slot = {"time_num": 3, "start_time": "22:00", "end_time": "06:00", "power": -800}
    await _act(hass, "set_manual_schedule", slot)

    mock_marstek_client.set_manual_slot.assert_awaited_once_with(
        ManualSlot(3, "22:00", "06:00", power=-800)
    )
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.data.status.mode is OperatingMode.MANUAL


async def test_passive_beyond_the_models_limit_is_refused_before_sending(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as refused:
        await _act(hass, "set_passive_mode", {"power": 2600, "duration": 600})

    assert refused.value.translation_placeholders is not None
    assert refused.value.translation_placeholders["max"] == "2500"
    assert mock_marstek_client.set_passive.await_count == 0


async def test_a_battery_that_does_not_answer_is_reported_in_the_response(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    mock_marstek_client.clear_manual_slots.side_effect = MarstekTimeoutError("no reply")

    response = await _act(hass, "clear_manual_schedules", {}, response=True)

    assert isinstance(response, dict)
    result = response["batteries"][PREFIX]
    assert result["success"] is False
    assert result["error"]
