"""Depth of discharge, LED and Bluetooth advertising over real UDP against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.switch import SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from simulator import SimulatedBattery, Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, setup_entry

E3 = "marstek_venuse_3_0_9a7d"
DOD = f"number.{E3}_depth_of_discharge"
LED = f"switch.{E3}_led"
BLE = f"switch.{E3}_bluetooth_advertising"
SETTINGS_METHODS = {"DOD.SET", "Led.Ctrl", "Ble.Adv"}


def settings_written(battery: SimulatedBattery) -> list[tuple[str, Any]]:
    return [(d.method, d.payload) for d in battery.received if d.method in SETTINGS_METHODS]


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def switch(hass: HomeAssistant, entity_id: str, *, on: bool) -> None:
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: entity_id},
        blocking=True,
    )


async def set_dod(hass: HomeAssistant, value: float) -> None:
    await hass.services.async_call(
        "number", SERVICE_SET_VALUE, {ATTR_ENTITY_ID: DOD, ATTR_VALUE: value}, blocking=True
    )


async def test_each_write_reaches_the_battery_with_its_params(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    battery = await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    for entity_id in (DOD, LED, BLE):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.entity_category is not None
        assert entry.entity_category.value == "config"
        assert state_of(hass, entity_id) == "unknown"  # the battery cannot be asked

    await set_dod(hass, 40)
    assert battery.state.depth_of_discharge == 40
    assert state_of(hass, DOD) == "40"
    await switch(hass, LED, on=False)
    assert battery.state.led_on is False
    assert state_of(hass, LED) == "off"
    await switch(hass, BLE, on=False)
    assert battery.state.ble_advertising is False
    await switch(hass, BLE, on=True)
    assert battery.state.ble_advertising is True
    assert state_of(hass, BLE) == "on"
    assert settings_written(battery) == [
        ("DOD.SET", {"id": 0, "value": 40}),
        ("Led.Ctrl", {"id": 0, "state": 0}),
        ("Ble.Adv", {"id": 0, "enable": 0}),
        ("Ble.Adv", {"id": 0, "enable": 1}),
    ]


@pytest.mark.parametrize("value", [29, 89])
async def test_out_of_range_depth_of_discharge_is_refused_and_nothing_sent(
    hass: HomeAssistant, simulator: Simulator, value: int
) -> None:
    battery = await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    state = hass.states.get(DOD)
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"]) == (30, 88)

    with pytest.raises(ServiceValidationError) as raised:
        await set_dod(hass, value)
    assert raised.value.translation_key is not None
    # Past the service's range check, the library refuses it too, with our translation.
    entity = hass.data["entity_components"]["number"].get_entity(DOD)
    with pytest.raises(ServiceValidationError) as raised:
        await entity.async_set_native_value(value)
    assert raised.value.translation_domain == "marstek_rotation"
    assert raised.value.translation_key == "out_of_range"
    assert raised.value.translation_placeholders["field"] == "depth_of_discharge"
    assert settings_written(battery) == []
    assert battery.state.depth_of_discharge == 88
    assert state_of(hass, DOD) == "unknown"


async def test_nothing_is_written_at_setup_or_reload_and_the_last_values_are_shown(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(DOD, "50"),
                {
                    "native_max_value": 88,
                    "native_min_value": 30,
                    "native_step": 1,
                    "native_unit_of_measurement": "%",
                    "native_value": 50,
                },
            ),
            (State(LED, "off"), {}),
            (State(BLE, "on"), {}),
        ],
    )
    battery = await simulator.add_battery(VENUS_E3_9A7D)
    entry = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    assert state_of(hass, DOD) == "50"
    assert state_of(hass, LED) == "off"
    assert state_of(hass, BLE) == "on"

    await set_dod(hass, 60)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert state_of(hass, DOD) == "60"
    assert state_of(hass, LED) == "off"
    assert settings_written(battery) == [("DOD.SET", {"id": 0, "value": 60})]
    assert battery.state.led_on is True  # the restored "off" was shown, never sent


async def test_absent_on_a_battery_without_the_settings(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    registered = {
        e.entity_id for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    prefix = "marstek_venuse_d828"
    assert f"number.{prefix}_passive_power" in registered
    for entity_id in (
        f"number.{prefix}_depth_of_discharge",
        f"switch.{prefix}_led",
        f"switch.{prefix}_bluetooth_advertising",
    ):
        assert entity_id not in registered
        assert hass.states.get(entity_id) is None
