"""Input checks shared by the models and the command builders.

Each check raises `MarstekValidationError` with the field name and a message that states the
allowed range, so callers can show it to a user unchanged.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import time

from .exceptions import MarstekValidationError

_CLOCK_PATTERN = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def whole_number(value: object) -> int | None:
    """`value` as an int when it is exactly a whole number, else None.

    Accepted: ints and floats without a fraction (800.0, as number fields and JSON often
    send). Refused: bools (True is not 1 W), fractions (800.9 is not silently 800), text and
    anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def require_int(field: str, value: object, minimum: int, maximum: int, unit: str = "") -> int:
    """Return `value` as an int in [minimum, maximum] (see `whole_number`), else raise."""
    suffix = f" {unit}" if unit else ""
    allowed = f"{field} must be an integer from {minimum} to {maximum}{suffix}"
    number = whole_number(value)
    if number is None or not minimum <= number <= maximum:
        msg = f"{allowed}, got {value!r}"
        raise MarstekValidationError(
            field=field, message=msg, value=value, limits=(minimum, maximum)
        )
    return number


def require_bool(field: str, value: object) -> bool:
    """Return `value` if it is a bool, else raise."""
    if not isinstance(value, bool):
        msg = f"{field} must be true or false, got {value!r}"
        raise MarstekValidationError(field=field, message=msg)
    return value


def parse_clock(field: str, value: object) -> time:
    """Turn a `datetime.time` or an "HH:MM" string into a minute-precision `time`.

    "HH:MM:00" is accepted too (Home Assistant time selectors produce it). Seconds other than
    zero are rejected because the device only stores hours and minutes.
    """
    allowed = f"{field} must be a time from 00:00 to 23:59 (HH:MM)"
    if isinstance(value, time):
        if value.second or value.microsecond:
            msg = f"{allowed} without seconds, got {value.isoformat()}"
            raise MarstekValidationError(field=field, message=msg, value=value)
        return time(value.hour, value.minute)
    if not isinstance(value, str):
        msg = f"{allowed}, got {value!r}"
        raise MarstekValidationError(field=field, message=msg, value=value)
    match = _CLOCK_PATTERN.fullmatch(value.strip())
    if match is None:
        msg = f"{allowed}, got {value!r}"
        raise MarstekValidationError(field=field, message=msg, value=value)
    hour, minute, second = (int(part) if part else 0 for part in match.groups())
    if hour > 23 or minute > 59 or second != 0:  # noqa: PLR2004 - clock limits
        msg = f"{allowed}, got {value!r}"
        raise MarstekValidationError(field=field, message=msg, value=value)
    return time(hour, minute)


def format_clock(value: time) -> str:
    """Format a time the way the device expects it: zero-padded "HH:MM"."""
    return f"{value.hour:02d}:{value.minute:02d}"


def require_ipv4(field: str, value: object) -> str:
    """Return the canonical form of an IPv4 address string, else raise.

    Replies are matched by the source IP of the datagram, so the address a caller gives must
    be the literal IP the battery answers from (no host names).
    """
    if not isinstance(value, str):
        msg = f"{field} must be an IPv4 address such as 192.0.2.10, got {value!r}"
        raise MarstekValidationError(field=field, message=msg)
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        msg = f"{field} must be an IPv4 address such as 192.0.2.10, got {value!r}"
        raise MarstekValidationError(field=field, message=msg) from None


def reported_ipv4(value: object) -> str | None:
    """The canonical form of an address a battery reports for itself, else None.

    Firmware pads octets with leading zeros ("192.168.01.50", seen on Venus E 3.0 firmware 150
    and on Venus A), which `ipaddress` refuses as ambiguous. A battery means decimal, so each
    octet is read as a decimal number: "192.168.01.50" is 192.168.1.50. Anything that is not
    four decimal octets of 0-255 is None, so a comparison with a packet's source never raises.
    """
    if not isinstance(value, str):
        return None
    octets = value.strip().split(".")
    if len(octets) != 4 or not all(octet.isascii() and octet.isdigit() for octet in octets):  # noqa: PLR2004
        return None
    numbers = [int(octet) for octet in octets]
    if any(number > 255 for number in numbers):  # noqa: PLR2004
        return None
    return ".".join(str(number) for number in numbers)


_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


def require_unicast_ipv4(
    field: str, value: object, networks: Iterable[ipaddress.IPv4Network] = ()
) -> str:
    """Return an IPv4 address one device can have, else raise.

    Refused besides non-addresses: 0.0.0.0, multicast, reserved (240/4), 255.255.255.255, the
    network and broadcast addresses of 127.0.0.0/8 and of every network in `networks` (the
    caller's own subnets, when it knows them). A request to any of these would reach nobody
    or everybody, and could only time out.
    """
    address = ipaddress.IPv4Address(require_ipv4(field, value))
    special = (
        address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or address == ipaddress.IPv4Address("255.255.255.255")
    )
    for network in (_LOOPBACK, *networks):
        if network.prefixlen <= 30 and address in (  # noqa: PLR2004 - /31 and /32 have no broadcast
            network.network_address,
            network.broadcast_address,
        ):
            special = True
    if special:
        msg = (
            f"{field} must be the address of one device, not {address} "
            "(a broadcast, network or reserved address)"
        )
        raise MarstekValidationError(field=field, message=msg, value=value)
    return str(address)


def require_port(field: str, value: object, *, allow_zero: bool = False) -> int:
    """Return a UDP port number, else raise (0 only when `allow_zero`: ephemeral)."""
    return require_int(field, value, 0 if allow_zero else 1, 65535)


def require_positive_seconds(field: str, value: object) -> float:
    """Return a positive, finite number of seconds, else raise."""
    return _require_seconds(field, value, allow_zero=False)


def require_non_negative_seconds(field: str, value: object) -> float:
    """Return a finite number of seconds >= 0, else raise."""
    return _require_seconds(field, value, allow_zero=True)


def _require_seconds(field: str, value: object, *, allow_zero: bool) -> float:
    kind = "zero or a positive" if allow_zero else "a positive"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (value >= 0 if allow_zero else value > 0)
    ):
        msg = f"{field} must be {kind} number of seconds, got {value!r}"
        raise MarstekValidationError(field=field, message=msg, value=value)
    if value == float("inf"):
        msg = f"{field} must be a finite number of seconds, got {value!r}"
        raise MarstekValidationError(field=field, message=msg, value=value)
    return float(value)
