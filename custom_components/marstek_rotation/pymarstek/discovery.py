"""Finding batteries on the LAN with a `Marstek.GetDevice` broadcast."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

from .commands import get_device_params
from .const import (
    DEFAULT_BROADCAST_ADDRESS,
    DEFAULT_DISCOVERY_DURATION,
    DEFAULT_MAX_BROADCAST_REPLIES,
    DEFAULT_PORT,
    METHOD_GET_DEVICE,
)
from .exceptions import MarstekError
from .parsers import parse_device_info
from .validation import require_int, require_positive_seconds

if TYPE_CHECKING:
    from .models import DeviceInfo
    from .transport import MarstekTransport

_LOGGER = logging.getLogger(__name__)


async def discover_devices(
    transport: MarstekTransport,
    *,
    broadcast_address: str = DEFAULT_BROADCAST_ADDRESS,
    port: int = DEFAULT_PORT,
    duration: float = DEFAULT_DISCOVERY_DURATION,
    resends: int = 1,
    max_devices: int = DEFAULT_MAX_BROADCAST_REPLIES,
    gap_wait: float = 0.0,
) -> list[DeviceInfo]:
    """Broadcast `Marstek.GetDevice` and return every battery that answered.

    The request is sent once more `resends` times, evenly spread over the window, because a
    single datagram is lost often enough on Wi-Fi. Batteries are de-duplicated by BLE MAC
    (by IP when a reply has no MAC) and sorted by IP. Replies that are errors or that cannot
    be parsed are skipped.

    Args:
        transport: the shared, started transport.
        broadcast_address: where to send ("255.255.255.255" or a directed broadcast).
        port: the batteries' Open API port.
        duration: seconds to collect replies.
        resends: extra sends inside the window (0 to 5).
        max_devices: answering addresses kept (the rest are dropped and counted by the
            transport): anyone on the LAN can answer, as often as they like.
        gap_wait: seconds the broadcast may wait for a moment when it delays no request a
            known battery is about to get (background discovery; a user waiting says 0).
    """
    duration = require_positive_seconds("duration", duration)
    resends = require_int("resends", resends, 0, 5)
    replies = await transport.broadcast(
        broadcast_address,
        port,
        METHOD_GET_DEVICE,
        get_device_params(),
        duration=duration,
        resend_interval=duration / (resends + 1) if resends else None,
        max_replies=max_devices,
        gap_wait=gap_wait,
    )
    found: dict[str, DeviceInfo] = {}
    for host, reply in replies:
        try:
            info = parse_device_info(reply.unwrap(), host=host, src=reply.src)
        except MarstekError as err:
            _LOGGER.debug("Ignoring discovery reply from %s: %s", host, err)
            continue
        found.setdefault(info.ble_mac or host, info)
    return sorted(found.values(), key=lambda info: ipaddress.IPv4Address(info.host))
