"""The entity keys in const (used by the config flow) are exactly the platforms' descriptions."""

from __future__ import annotations

from homeassistant.const import Platform

from custom_components.marstek_rotation import PLATFORMS
from custom_components.marstek_rotation.binary_sensor import CONNECTION
from custom_components.marstek_rotation.const import ENTITY_KEYS
from custom_components.marstek_rotation.number import NUMBERS
from custom_components.marstek_rotation.select import OPERATING_MODE
from custom_components.marstek_rotation.sensor import ENERGY_SENSORS, SENSORS


def test_const_lists_every_description_key_in_order() -> None:
    described = {
        Platform.SENSOR: tuple(description.key for description in (*SENSORS, *ENERGY_SENSORS)),
        Platform.BINARY_SENSOR: (CONNECTION.key,),
        Platform.SELECT: (OPERATING_MODE.key,),
        Platform.NUMBER: tuple(description.key for description in NUMBERS),
    }
    assert described == ENTITY_KEYS
    assert set(ENTITY_KEYS) == set(PLATFORMS)
