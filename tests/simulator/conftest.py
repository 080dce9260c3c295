"""Fixtures for the simulator tests: a manual clock, a free port, a simulator, a client."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from simulator import ManualClock, Simulator
from simulator.clock import wall_clock_following

from .udp_client import UdpClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

# A Monday morning in the household's summer time zone: schedules use this wall clock.
LOCAL = timezone(timedelta(hours=2))
MONDAY_8AM = datetime(2026, 6, 1, 8, 0, 0, tzinfo=LOCAL)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_udp_port()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1000.0)


@pytest.fixture
async def sim(port: int, clock: ManualClock) -> AsyncIterator[Simulator]:
    async with Simulator(
        port=port, clock=clock, now=wall_clock_following(clock, MONDAY_8AM)
    ) as simulator:
        yield simulator


@pytest.fixture
async def client(port: int) -> AsyncIterator[UdpClient]:
    """Bound to 127.0.0.1:<device port>, where batteries send their replies by default."""
    udp_client = await UdpClient.open("127.0.0.1", port)
    yield udp_client
    await udp_client.close()
