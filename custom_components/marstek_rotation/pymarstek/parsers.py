"""Turning `result` objects into models.

Missing or null fields become None; fields of the wrong type raise `MarstekProtocolError`,
so a reply is either understood completely or rejected as a whole.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Final, NoReturn

from .exceptions import MarstekProtocolError
from .models import DeviceInfo, ModeStatus, OperatingMode

if TYPE_CHECKING:
    from collections.abc import Mapping

_MAC_PATTERN: Final = re.compile(r"[0-9a-f]{12}")
_MAC_SEPARATORS: Final = str.maketrans("", "", ":-")
# Dotted app versions are packed into four digits: 1476 means 147.6.
_PACKED_VERSION_MIN: Final = 1000
_PACKED_VERSION_MAX: Final = 1999
# offgrid_power sometimes arrives as an unsigned 16-bit number.
_INT16_MAX: Final = 0x7FFF
_UINT16_MAX: Final = 0xFFFF
_UINT16_SPAN: Final = 0x10000


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
    ble_mac = normalize_mac(_optional_str(result, "ble_mac")) or mac_from_src(src)
    return DeviceInfo(
        model=model,
        firmware=firmware,
        firmware_version=firmware_version(firmware),
        ble_mac=ble_mac,
        wifi_mac=normalize_mac(_optional_str(result, "wifi_mac")),
        ssid=_optional_str(result, "wifi_name"),
        reported_ip=_optional_str(result, "ip"),
        host=host,
        src=src,
    )


def parse_mode_status(result: Mapping[str, Any]) -> ModeStatus:
    """Build `ModeStatus` from an `ES.GetMode` result.

    Raises:
        MarstekProtocolError: a field has the wrong type.
    """
    raw_mode = result.get("mode")
    if raw_mode is not None and (isinstance(raw_mode, bool) or not isinstance(raw_mode, str | int)):
        _fail(f"mode must be a string or an integer, got {type(raw_mode).__name__}")
    offgrid = _optional_int(result, "offgrid_power")
    return ModeStatus(
        mode=OperatingMode.parse(raw_mode),
        soc=_optional_int(result, "bat_soc"),
        ongrid_power=_optional_int(result, "ongrid_power"),
        offgrid_power=None if offgrid is None else unwrap_int16(offgrid),
        ct_state=_optional_int(result, "ct_state"),
        a_power=_optional_int(result, "a_power"),
        b_power=_optional_int(result, "b_power"),
        c_power=_optional_int(result, "c_power"),
        total_power=_optional_int(result, "total_power"),
        input_energy=_optional_tenths(result, "input_energy"),
        output_energy=_optional_tenths(result, "output_energy"),
        raw_mode=raw_mode,
    )


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
    # The firmware writes integers; tolerate a float rendering such as 98.0.
    return round(value)


def _optional_tenths(result: Mapping[str, Any], key: str) -> float | None:
    value = _optional_number(result, key)
    return None if value is None else value / 10


def _fail(reason: str) -> NoReturn:
    raise MarstekProtocolError(reason)
