"""One discovery window: a `Marstek.GetDevice` broadcast out of every enabled adapter."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant

from .local_network import BroadcastRoute, async_broadcast_routes
from .pymarstek import DeviceInfo, MarstekError, MarstekTransportError, discover_devices
from .transports import async_borrow_transport

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class DiscoveryResult:
    """What one window found.

    Attributes:
        devices: the batteries that answered, one per BLE MAC, sorted by address.
        blocked: the routes whose local address and port another program holds.
    """

    devices: list[DeviceInfo] = field(default_factory=list)
    blocked: list[BroadcastRoute] = field(default_factory=list)


async def async_discover(
    hass: HomeAssistant, port: int, *, resends: int = 1, gap_wait: float = 0.0
) -> DiscoveryResult:
    """Broadcast on every route at once and merge what answers.

    `resends` extra copies of the broadcast go out inside the window (a user waiting for a
    list gets one; background windows send a single datagram to spare the batteries), after
    waiting up to `gap_wait` seconds for a moment when the broadcast delays no poll.
    """
    routes = await async_broadcast_routes(hass)
    outcomes = await asyncio.gather(
        *(_async_discover_route(hass, route, port, resends, gap_wait) for route in routes)
    )
    result = DiscoveryResult()
    seen: set[str] = set()
    for route, devices in zip(routes, outcomes, strict=True):
        if devices is None:
            result.blocked.append(route)
            continue
        for device in devices:
            key = device.unique_id or device.host
            if key not in seen:
                seen.add(key)
                result.devices.append(device)
    result.devices.sort(key=lambda device: ipaddress.IPv4Address(device.host))
    return result


async def _async_discover_route(
    hass: HomeAssistant, route: BroadcastRoute, port: int, resends: int, gap_wait: float
) -> list[DeviceInfo] | None:
    """The devices found on one route; None when its local address and port are taken."""
    try:
        async with async_borrow_transport(hass, (route.local_host, port)) as transport:
            return await discover_devices(
                transport,
                broadcast_address=route.broadcast,
                port=port,
                resends=resends,
                gap_wait=gap_wait,
            )
    except MarstekTransportError as err:
        _LOGGER.debug("Discovery on %s:%s skipped: %s", route.local_host, port, err)
        return None
    except MarstekError as err:
        _LOGGER.debug("Discovery on %s:%s failed: %s", route.local_host, port, err)
        return []
