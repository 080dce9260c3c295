"""The shapes of what the library sends: request params and `ES.SetMode` configs.

Typed so that a key spelled wrong (`cd_time`, `week_set`, `auto_cfg`) is a type error, not a
datagram the battery ignores. The builders in `commands` return them; the codec encodes any
mapping.
"""

from __future__ import annotations

from typing import TypedDict


class GetterParams(TypedDict):
    """Params of every status getter (`ES.GetMode`, ...): the instance id, always 0."""

    id: int


class GetDeviceParams(TypedDict):
    """Params of `Marstek.GetDevice`: a BLE MAC, or "0" for every device."""

    ble_mac: str


class EnableSettings(TypedDict):
    """`auto_cfg`, `ai_cfg`, `ups_cfg`: the mode switched on."""

    enable: int


class AutoConfig(TypedDict):
    """Auto: self-consumption driven by the CT or meter."""

    mode: str
    auto_cfg: EnableSettings


class AiConfig(TypedDict):
    """AI mode."""

    mode: str
    ai_cfg: EnableSettings


class UpsConfig(TypedDict):
    """UPS mode (firmware-dependent)."""

    mode: str
    ups_cfg: EnableSettings


class PassiveSettings(TypedDict):
    """`passive_cfg`: power in W (negative = charge) held for `cd_time` seconds."""

    power: int
    cd_time: int


class PassiveConfig(TypedDict):
    """Passive mode."""

    mode: str
    passive_cfg: PassiveSettings


class ManualSettings(TypedDict):
    """`manual_cfg`: one schedule slot (HH:MM times, week_set bit 0 = Monday)."""

    time_num: int
    start_time: str
    end_time: str
    week_set: int
    power: int
    enable: int


class ManualConfig(TypedDict):
    """Manual mode with one schedule slot written."""

    mode: str
    manual_cfg: ManualSettings


type ModeConfig = AutoConfig | AiConfig | UpsConfig | PassiveConfig | ManualConfig


class SetModeParams(TypedDict):
    """Params of `ES.SetMode`: the instance id and one mode config."""

    id: int
    config: ModeConfig


class DodParams(TypedDict):
    """Params of `DOD.SET`: the instance id and the depth of discharge, % (30-88)."""

    id: int
    value: int


class LedParams(TypedDict):
    """Params of `Led.Ctrl`: the instance id and `state` 1 = panel LED on, 0 = off."""

    id: int
    state: int


class BleAdvParams(TypedDict):
    """Params of `Ble.Adv`: the instance id and `enable` 1 = advertise, 0 = stop (see builder)."""

    id: int
    enable: int
