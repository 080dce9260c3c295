"""Fixtures for the library tests: a transport on 127.0.0.1 and raw peers on 127.0.0.x."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from custom_components.marstek_rotation.pymarstek import MarstekTransport
from simulator import Simulator

from .fake_peer import FakePeer, Responder, free_udp_port, silent

BROADCAST_HUB = "127.255.255.255"

type PeerFactory = Callable[..., Awaitable[FakePeer]]


@pytest.fixture
async def transport() -> AsyncIterator[MarstekTransport]:
    """Ephemeral port, no pacing: for tests where spacing is not the subject."""
    async with MarstekTransport(0, "127.0.0.1", min_interval=0) as opened:
        yield opened


@pytest.fixture
async def make_peer() -> AsyncIterator[PeerFactory]:
    """Open raw peers on loopback addresses; all are closed after the test."""
    peers: list[FakePeer] = []

    async def factory(host: str = "127.0.0.2", responder: Responder = silent) -> FakePeer:
        peer = await FakePeer.open(host, responder)
        peers.append(peer)
        return peer

    yield factory
    for peer in peers:
        await peer.close()


@pytest.fixture
def device_port() -> int:
    """A free port shared by the simulated batteries and the transport under test."""
    return free_udp_port()


@pytest.fixture
async def sim(device_port: int) -> AsyncIterator[Simulator]:
    """Simulated batteries (added by each test) on 127.0.0.x:<device_port>, hub included."""
    async with Simulator(port=device_port, broadcast_host=BROADCAST_HUB) as simulator:
        yield simulator


@pytest.fixture
async def sim_transport(device_port: int) -> AsyncIterator[MarstekTransport]:
    """Bound to 127.0.0.1:<device_port>: batteries answer to the device port, as real ones do."""
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0.02) as opened:
        yield opened
