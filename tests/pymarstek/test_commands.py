"""Params builders: exact payloads and validation before sending."""

from __future__ import annotations

import pytest

from custom_components.marstek_rotation.pymarstek import ManualSlot, MarstekValidationError
from custom_components.marstek_rotation.pymarstek.commands import (
    ai_config,
    auto_config,
    disabled_slot,
    get_device_params,
    getter_params,
    manual_slot_config,
    neutral_manual_config,
    passive_config,
    set_mode_params,
    ups_config,
)
from tests.wire import NEUTRAL_MANUAL_CONFIG


def test_getter_and_discovery_params() -> None:
    assert getter_params() == {"id": 0}
    assert get_device_params() == {"ble_mac": "0"}
    assert get_device_params("acd92968d828") == {"ble_mac": "acd92968d828"}
    with pytest.raises(MarstekValidationError):
        get_device_params("")


def test_simple_mode_configs() -> None:
    assert auto_config() == {"mode": "Auto", "auto_cfg": {"enable": 1}}
    assert ai_config() == {"mode": "AI", "ai_cfg": {"enable": 1}}
    assert ups_config() == {"mode": "UPS", "ups_cfg": {"enable": 1}}


def test_set_mode_envelope() -> None:
    assert set_mode_params(auto_config()) == {
        "id": 0,
        "config": {"mode": "Auto", "auto_cfg": {"enable": 1}},
    }


def test_passive_config() -> None:
    assert passive_config(-1000, 300) == {
        "mode": "Passive",
        "passive_cfg": {"power": -1000, "cd_time": 300},
    }
    assert passive_config(10000, 86400)["passive_cfg"] == {"power": 10000, "cd_time": 86400}
    assert passive_config(-10000, 1)["passive_cfg"] == {"power": -10000, "cd_time": 1}


@pytest.mark.parametrize(
    ("power", "duration", "field", "range_text"),
    [
        (10001, 60, "power", "-10000 to 10000 W"),
        (-10001, 60, "power", "-10000 to 10000 W"),
        (100.5, 60, "power", "-10000 to 10000 W"),
        (None, 60, "power", "-10000 to 10000 W"),
        (100, 0, "duration", "1 to 86400 s"),
        (100, 86401, "duration", "1 to 86400 s"),
        (100, True, "duration", "1 to 86400 s"),
    ],
)
def test_passive_config_validation(
    power: object, duration: object, field: str, range_text: str
) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        passive_config(power, duration)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert range_text in str(caught.value)


def test_manual_slot_config() -> None:
    slot = ManualSlot(1, "08:30", "20:30", 127, 100)
    assert manual_slot_config(slot) == {
        "mode": "Manual",
        "manual_cfg": {
            "time_num": 1,
            "start_time": "08:30",
            "end_time": "20:30",
            "week_set": 127,
            "power": 100,
            "enable": 1,
        },
    }


def test_manual_slot_config_disabled_and_padded_times() -> None:
    slot = ManualSlot(3, "7:05", "9:00", ["sat", "sun"], -2500, enabled=False)
    assert manual_slot_config(slot)["manual_cfg"] == {
        "time_num": 3,
        "start_time": "07:05",
        "end_time": "09:00",
        "week_set": 96,
        "power": -2500,
        "enable": 0,
    }


def test_neutral_manual_config_is_slot_nine_disabled() -> None:
    assert neutral_manual_config() == NEUTRAL_MANUAL_CONFIG


def test_disabled_slot() -> None:
    assert disabled_slot(4) == ManualSlot(4, "00:00", "00:00", 0, 0, enabled=False)
    with pytest.raises(MarstekValidationError, match="0 to 9"):
        disabled_slot(10)
