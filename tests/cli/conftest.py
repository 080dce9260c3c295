"""Fixtures for the CLI tests: simulated batteries the CLI subprocess talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from simulator import Simulator
from tests.pymarstek.fake_peer import free_udp_port

BROADCAST_HUB = "127.255.255.255"


@pytest.fixture
def device_port() -> int:
    return free_udp_port()


@pytest.fixture
async def sim(device_port: int) -> AsyncIterator[Simulator]:
    async with Simulator(port=device_port, broadcast_host=BROADCAST_HUB) as simulator:
        yield simulator
