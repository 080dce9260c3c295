"""Turning `result` objects into models.

Missing or null fields become None; fields of the wrong type raise `MarstekProtocolError`,
so a reply is either understood completely or rejected as a whole. Numbers of the right type
but impossible value (a SOC of 250 %, -2,000,000 W, a 400-digit energy) become None too and
are named in `ModeStatus.implausible`: a glitching firmware must not reach a user or a counter.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Final, NoReturn

from .const import POWER_MAX_W
from .exceptions import MarstekProtocolError
from .models import DeviceInfo, ModeStatus, OperatingMode
from .validation import reported_ipv4

if TYPE_CHECKING:
    from collections.abc import Mapping

_MAC_PATTERN: Final = re.compile(r"[0-9a-f]{12}")
_MAC_SEPARATORS: Final = str.maketrans("", "", ":-")
# Dotted app versions are packed into four digits: 1476 means 147.6.
_PACKED_VERSION_MIN: Final = 1000
_PACKED_VERSION_MAX: Final = 1999
# Powers sometimes arrive as unsigned 16-bit numbers (65036 for -500).
_INT16_MAX: Final = 0x7FFF
_UINT16_MAX: Final = 0xFFFF
_UINT16_SPAN: Final = 0x10000
# Readings may overshoot the rated power a little; beyond this share of it they are glitches.
_POWER_READING_TOLERANCE: Final = 1.2
# Household meter phases (CT): far beyond any home connection is a glitch.
_CT_POWER_LIMIT_W: Final = 100_000
# Energy counters in 0.1 Wh: 10^10 is 1 GWh, far beyond a home battery's lifetime.
_ENERGY_TENTHS_LIMIT: Final = 10**10
_SOC_MAX: Final = 100
# Firmware numbers seen: 111 to 1476 (packed dotted versions) and 300 (Venus Mini).
_FIRMWARE_MAX: Final = 999_999


def parse_device_info(result: Mapping[str, Any], *, host: str, src: str | None) -> DeviceInfo:
    """Build `DeviceInfo` from a `Marstek.GetDevice` result.

    Args:
        result: the reply's `result` object.
        host: the IP the reply came from.
        src: the reply's `src`, used when the result carries no BLE MAC.

    Raises:
        MarstekProtocolError: `device` or `ver` missing, or a field of the wrong type.
    """
    model = _optional_str(result, "device")
    if model is None:
        _fail("Marstek.GetDevice result has no device model")
    firmware = _optional_int(result, "ver")
    if firmware is None:
        _fail("Marstek.GetDevice result has no firmware version (ver)")
    if not 0 <= firmware <= _FIRMWARE_MAX:
        _fail(f"firmware version (ver) {str(firmware)[:12]} is not a firmware number")
    ble_mac = normalize_mac(_optional_str(result, "ble_mac")) or mac_from_src(src)
    return DeviceInfo(
        model=model,
        firmware=firmware,
        firmware_version=firmware_version(firmware),
        ble_mac=ble_mac,
        wifi_mac=normalize_mac(_optional_str(result, "wifi_mac")),
        ssid=_optional_str(result, "wifi_name"),
        reported_ip=reported_ipv4(_optional_str(result, "ip")),
        host=host,
        src=src,
    )


def parse_mode_status(result: Mapping[str, Any], *, power_limit: int = POWER_MAX_W) -> ModeStatus:
    """Build `ModeStatus` from an `ES.GetMode` result.

    Args:
        result: the reply's `result` object.
        power_limit: the most the battery is reported to run at, W (see `reading_limit_w`,
            which can exceed the write limit); grid and off-grid powers beyond it (with some
            tolerance) count as implausible.

    Raises:
        MarstekProtocolError: a field has the wrong type.
    """
    raw_mode = result.get("mode")
    if raw_mode is not None and (isinstance(raw_mode, bool) or not isinstance(raw_mode, str | int)):
        _fail(f"mode must be a string or an integer, got {type(raw_mode).__name__}")
    checks = _Plausibility()
    battery_power = round(power_limit * _POWER_READING_TOLERANCE)
    return ModeStatus(
        mode=OperatingMode.parse(raw_mode),
        soc=checks.within("bat_soc", _optional_int(result, "bat_soc"), 0, _SOC_MAX),
        ongrid_power=checks.power("ongrid_power", result, battery_power),
        offgrid_power=checks.power("offgrid_power", result, battery_power),
        ct_state=_optional_int(result, "ct_state"),
        a_power=checks.power("a_power", result, _CT_POWER_LIMIT_W),
        b_power=checks.power("b_power", result, _CT_POWER_LIMIT_W),
        c_power=checks.power("c_power", result, _CT_POWER_LIMIT_W),
        total_power=checks.power("total_power", result, _CT_POWER_LIMIT_W),
        input_energy=checks.energy("input_energy", result),
        output_energy=checks.energy("output_energy", result),
        raw_mode=raw_mode,
        implausible=tuple(checks.rejected),
    )


class _Plausibility:
    """Range checks for one reply; remembers the fields it had to discard."""

    def __init__(self) -> None:
        self.rejected: list[str] = []

    def within(self, key: str, value: int | None, low: int, high: int) -> int | None:
        if value is None or low <= value <= high:
            return value
        self.rejected.append(key)
        return None

    def power(self, key: str, result: Mapping[str, Any], limit: int) -> int | None:
        value = _optional_int(result, key)
        return self.within(key, None if value is None else unwrap_int16(value), -limit, limit)

    def energy(self, key: str, result: Mapping[str, Any]) -> float | None:
        tenths = self.within(key, _optional_int(result, key), 0, _ENERGY_TENTHS_LIMIT)
        return None if tenths is None else tenths / 10


def parse_set_result(result: Mapping[str, Any]) -> bool:
    """Read `set_result` from an `ES.SetMode` reply.

    Raises:
        MarstekProtocolError: `set_result` is missing or not a boolean.
    """
    value = result.get("set_result")
    if not isinstance(value, bool):
        _fail(f"set_result must be true or false, got {value!r:.40}")
    return value


def firmware_version(ver: int) -> int:
    """Fold a packed dotted version (1000-1999, e.g. 1476) to its major number (147)."""
    if _PACKED_VERSION_MIN <= ver <= _PACKED_VERSION_MAX:
        return ver // 10
    return ver


def normalize_mac(value: str | None) -> str | None:
    """Lowercase 12-hex form of a MAC ("AC:D9:29:68:D8:28" -> "acd92968d828"), else None."""
    if value is None:
        return None
    candidate = value.strip().lower().translate(_MAC_SEPARATORS)
    if _MAC_PATTERN.fullmatch(candidate) is None or candidate == "0" * 12:
        return None
    return candidate


def mac_from_src(src: str | None) -> str | None:
    """The BLE MAC at the end of a `src` such as "VenusE 3.0-009b08a5e0a0"."""
    if not src or "-" not in src:
        return None
    return normalize_mac(src.rsplit("-", 1)[1])


def unwrap_int16(value: int) -> int:
    """Undo an unsigned 16-bit encoding of a signed value (65535 -> -1)."""
    if _INT16_MAX < value <= _UINT16_MAX:
        return value - _UINT16_SPAN
    return value


def _optional_str(result: Mapping[str, Any], key: str) -> str | None:
    value = result.get(key)
    if value is not None and not isinstance(value, str):
        _fail(f"{key} must be a string, got {type(value).__name__}")
    return value


def _optional_number(result: Mapping[str, Any], key: str) -> float | int | None:
    value = result.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(f"{key} must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        _fail(f"{key} must be a finite number, got {value}")
    return value


def _optional_int(result: Mapping[str, Any], key: str) -> int | None:
    value = _optional_number(result, key)
    if value is None or isinstance(value, int):
        return value
    # The firmware writes integers; tolerate a float rendering such as 98.0. A finite float
    # always rounds to an int (1e308 too); the range checks decide whether it is plausible.
    return round(value)


def _fail(reason: str) -> NoReturn:
    raise MarstekProtocolError(reason)
