"""One shared UDP transport per local address and port, used by every battery and the flows.

Two sockets on one address and port would either fail to bind or split the replies between
them, so all users of an address and port share one transport. It is opened by the first user
and closed with the last. Which local address a battery needs comes from local_network.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .pymarstek import MarstekTransport

type LocalEndpoint = tuple[str, int]


@dataclass
class _Lease:
    transport: MarstekTransport
    users: int = 0


@dataclass
class TransportPool:
    """The open transports of this Home Assistant instance, keyed by local (address, port)."""

    leases: dict[LocalEndpoint, _Lease] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


TRANSPORT_POOL: HassKey[TransportPool] = HassKey(f"{DOMAIN}_transports")


def _pool(hass: HomeAssistant) -> TransportPool:
    return hass.data.setdefault(TRANSPORT_POOL, TransportPool())


async def async_acquire_transport(hass: HomeAssistant, local: LocalEndpoint) -> MarstekTransport:
    """Return the started transport bound to `local` (address, port), opening it if needed.

    Raises:
        MarstekTransportError: the address and port cannot be bound (another program uses them).
    """
    pool = _pool(hass)
    async with pool.lock:
        lease = pool.leases.get(local)
        if lease is None:
            transport = MarstekTransport(local_port=local[1], local_host=local[0])
            await transport.start()
            lease = pool.leases[local] = _Lease(transport)
        lease.users += 1
        return lease.transport


async def async_release_transport(hass: HomeAssistant, local: LocalEndpoint) -> None:
    """Give back a transport from `async_acquire_transport`; the last user closes it."""
    pool = _pool(hass)
    async with pool.lock:
        lease = pool.leases.get(local)
        if lease is None:
            return
        lease.users -= 1
        if lease.users <= 0:
            del pool.leases[local]
            await lease.transport.close()


@asynccontextmanager
async def async_borrow_transport(
    hass: HomeAssistant, local: LocalEndpoint
) -> AsyncIterator[MarstekTransport]:
    """Use the transport bound to `local` for the duration of a block (flows, discovery)."""
    transport = await async_acquire_transport(hass, local)
    try:
        yield transport
    finally:
        await async_release_transport(hass, local)
