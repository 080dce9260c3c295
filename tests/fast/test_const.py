"""const imports nothing, so what it repeats from elsewhere is checked here."""

from __future__ import annotations

from homeassistant.const import Platform

from custom_components.marstek_rotation import PLATFORMS, pymarstek
from custom_components.marstek_rotation.binary_sensor import CONNECTION
from custom_components.marstek_rotation.const import DEFAULT_PORT, DEFAULT_TIMEOUT, ENTITY_KEYS
from custom_components.marstek_rotation.number import DEPTH_OF_DISCHARGE, NUMBERS
from custom_components.marstek_rotation.select import OPERATING_MODE
from custom_components.marstek_rotation.sensor import ENERGY_SENSORS, SENSORS
from custom_components.marstek_rotation.switch import SWITCHES


def test_const_lists_every_description_key_in_order() -> None:
    # The config flow takes the entity ids a prefix produces from const, not the platforms.
    described = {
        Platform.SENSOR: tuple(description.key for description in (*SENSORS, *ENERGY_SENSORS)),
        Platform.BINARY_SENSOR: (CONNECTION.key,),
        Platform.SELECT: (OPERATING_MODE.key,),
        Platform.NUMBER: (*(description.key for description in NUMBERS), DEPTH_OF_DISCHARGE.key),
        Platform.SWITCH: tuple(description.key for description in SWITCHES),
    }
    assert described == ENTITY_KEYS
    assert set(ENTITY_KEYS) == set(PLATFORMS)


def test_const_repeats_the_librarys_defaults() -> None:
    assert (DEFAULT_PORT, DEFAULT_TIMEOUT) == (pymarstek.DEFAULT_PORT, pymarstek.DEFAULT_TIMEOUT)
