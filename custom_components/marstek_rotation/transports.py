"""One shared UDP transport per local port, used by every battery entry and the config flow.

Two sockets on one port would either fail to bind or split the replies between them, so all
users of a port share one transport. It is opened by the first user and closed with the last.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from . import const
from .pymarstek import MarstekTransport


@dataclass
class _Lease:
    transport: MarstekTransport
    users: int = 0


@dataclass
class TransportPool:
    """The open transports of this Home Assistant instance, keyed by local port."""

    leases: dict[int, _Lease] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


TRANSPORT_POOL: HassKey[TransportPool] = HassKey(f"{const.DOMAIN}_transports")


def _pool(hass: HomeAssistant) -> TransportPool:
    return hass.data.setdefault(TRANSPORT_POOL, TransportPool())


async def async_acquire_transport(hass: HomeAssistant, port: int) -> MarstekTransport:
    """Return the started transport for `port`, opening it if needed.

    Raises:
        MarstekTransportError: the port cannot be bound (another program uses it).
    """
    pool = _pool(hass)
    async with pool.lock:
        lease = pool.leases.get(port)
        if lease is None:
            transport = MarstekTransport(
                local_port=port,
                local_host=const.LOCAL_BIND_HOST,
                min_interval=const.MIN_DATAGRAM_INTERVAL,
                quiet_period=const.QUIET_PERIOD_AFTER_WRITE,
            )
            await transport.start()
            lease = pool.leases[port] = _Lease(transport)
        lease.users += 1
        return lease.transport


async def async_release_transport(hass: HomeAssistant, port: int) -> None:
    """Give back a transport from `async_acquire_transport`; the last user closes it."""
    pool = _pool(hass)
    async with pool.lock:
        lease = pool.leases.get(port)
        if lease is None:
            return
        lease.users -= 1
        if lease.users <= 0:
            del pool.leases[port]
            await lease.transport.close()


@asynccontextmanager
async def async_borrow_transport(hass: HomeAssistant, port: int) -> AsyncIterator[MarstekTransport]:
    """Use the transport for `port` for the duration of a block (config flow probes)."""
    transport = await async_acquire_transport(hass, port)
    try:
        yield transport
    finally:
        await async_release_transport(hass, port)
