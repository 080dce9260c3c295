"""Builders for request `params`.

Pure functions: they validate their inputs (raising `MarstekValidationError` before anything
can be sent) and return the typed payloads of `payloads`, ready for the codec.
"""

from __future__ import annotations

from .const import (
    ALL_DEVICES_BLE_MAC,
    DOD_MAX_PERCENT,
    DOD_MIN_PERCENT,
    NEUTRAL_SLOT,
    PASSIVE_DURATION_MAX_S,
    PASSIVE_DURATION_MIN_S,
    POWER_MAX_W,
    POWER_MIN_W,
    SLOT_MAX,
    SLOT_MIN,
)
from .exceptions import MarstekValidationError
from .models import ManualSlot, OperatingMode
from .payloads import (
    AiConfig,
    AutoConfig,
    BleAdvParams,
    DodParams,
    GetDeviceParams,
    GetterParams,
    LedParams,
    ManualConfig,
    ModeConfig,
    PassiveConfig,
    SetModeParams,
    UpsConfig,
)
from .validation import format_clock, require_int


def getter_params() -> GetterParams:
    """Params of every status getter: the instance id, always 0."""
    return {"id": 0}


def get_device_params(ble_mac: str = ALL_DEVICES_BLE_MAC) -> GetDeviceParams:
    """Params of `Marstek.GetDevice`; "0" addresses every device."""
    if not isinstance(ble_mac, str) or not ble_mac:
        msg = f'ble_mac must be "0" or a 12-hex-digit BLE MAC, got {ble_mac!r}'
        raise MarstekValidationError(field="ble_mac", message=msg)
    return {"ble_mac": ble_mac}


def set_mode_params(config: ModeConfig) -> SetModeParams:
    """Wrap a mode config in the `ES.SetMode` params envelope."""
    return {"id": 0, "config": config}


def auto_config() -> AutoConfig:
    """Config that switches to Auto (self-consumption driven by the CT/meter)."""
    return {"mode": OperatingMode.AUTO.device_name, "auto_cfg": {"enable": 1}}


def ai_config() -> AiConfig:
    """Config that switches to AI mode."""
    return {"mode": OperatingMode.AI.device_name, "ai_cfg": {"enable": 1}}


def ups_config() -> UpsConfig:
    """Config that switches to UPS mode (firmware-dependent; not offered by the client)."""
    return {"mode": OperatingMode.UPS.device_name, "ups_cfg": {"enable": 1}}


def passive_config(power: int, duration: int) -> PassiveConfig:
    """Config for Passive mode: hold `power` W (negative = charge) for `duration` seconds.

    Raises:
        MarstekValidationError: power outside -10000..10000 W or duration outside 1..86400 s.
    """
    checked_power = require_int("power", power, POWER_MIN_W, POWER_MAX_W, "W")
    checked_duration = require_int(
        "duration", duration, PASSIVE_DURATION_MIN_S, PASSIVE_DURATION_MAX_S, "s"
    )
    return {
        "mode": OperatingMode.PASSIVE.device_name,
        "passive_cfg": {"power": checked_power, "cd_time": checked_duration},
    }


def manual_slot_config(slot: ManualSlot) -> ManualConfig:
    """Config that writes one manual schedule slot (and switches to Manual mode)."""
    return {
        "mode": OperatingMode.MANUAL.device_name,
        "manual_cfg": {
            "time_num": slot.time_num,
            "start_time": format_clock(slot.start),
            "end_time": format_clock(slot.end),
            "week_set": slot.week_set,
            "power": slot.power,
            "enable": 1 if slot.enabled else 0,
        },
    }


def disabled_slot(time_num: int) -> ManualSlot:
    """A disabled, empty slot: what clearing a slot writes."""
    checked = require_int("time_num", time_num, SLOT_MIN, SLOT_MAX)
    return ManualSlot(checked, "00:00", "00:00", 0, 0, enabled=False)


def neutral_manual_config() -> ManualConfig:
    """Config that switches to Manual without touching real slots: slot 9 written disabled."""
    return manual_slot_config(disabled_slot(NEUTRAL_SLOT))


def dod_params(percent: int) -> DodParams:
    """Params of `DOD.SET`: depth of discharge in % (30..88).

    Raises:
        MarstekValidationError: outside 30..88 % or not an integer.
    """
    value = require_int("depth_of_discharge", percent, DOD_MIN_PERCENT, DOD_MAX_PERCENT, "%")
    return {"id": 0, "value": value}


def led_params(on: bool) -> LedParams:  # noqa: FBT001
    """Params of `Led.Ctrl`: 1 = panel LED on (Rev 2.0 section 3.10)."""
    return {"id": 0, "state": 1 if on else 0}


def ble_adv_params(advertise: bool) -> BleAdvParams:  # noqa: FBT001
    """Params of `Ble.Adv`: 1 = advertise, 0 = stop.

    The Rev 2.0 table says the reverse (0 = enable), but the firmware (VNSE3-0 and VNSA-0
    control 150) starts advertising on 1 and stops on 0 (taurgis
    `tools/firmware_emulator/AUDIT_FINDINGS.md`, bug 4); the firmware is what runs.
    """
    return {"id": 0, "enable": 1 if advertise else 0}
