"""Loopback-only address policy: the simulator must never touch a real network."""

from __future__ import annotations

import ipaddress

LOOPBACK_NETWORK = ipaddress.IPv4Network("127.0.0.0/8")


class NonLoopbackAddressError(ValueError):
    """Raised for any address outside 127.0.0.0/8."""


def require_loopback(host: str) -> str:
    """Return ``host`` unchanged if it is a literal IPv4 address in 127.0.0.0/8.

    Host names (even ``localhost``) are refused: resolving them could yield a
    non-loopback address, and the simulator must be provably loopback-only.
    """
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        msg = (
            f"{host!r} is not a literal IPv4 address; the simulator only binds "
            f"loopback addresses in {LOOPBACK_NETWORK} (e.g. 127.0.0.2)"
        )
        raise NonLoopbackAddressError(msg) from None
    if address not in LOOPBACK_NETWORK:
        msg = (
            f"{host} is not a loopback address; the simulator only binds "
            f"addresses in {LOOPBACK_NETWORK} (e.g. 127.0.0.2)"
        )
        raise NonLoopbackAddressError(msg)
    return host


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` is a literal IPv4 address in 127.0.0.0/8."""
    try:
        return ipaddress.IPv4Address(host) in LOOPBACK_NETWORK
    except ValueError:
        return False


def nth_host(base: str, offset: int) -> str:
    """Return the loopback address ``offset`` places after ``base``."""
    address = ipaddress.IPv4Address(require_loopback(base)) + offset
    return require_loopback(str(address))
