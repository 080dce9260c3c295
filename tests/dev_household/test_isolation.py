"""The relays that make the household's private network reachable: TCP -> Unix -> TCP."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

from dev_household.isolation import Exposure, HostRelay, PrivateEnd

if TYPE_CHECKING:
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_bytes_travel_both_ways_through_both_relays(tmp_path: Path) -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            writer.write(data.upper())
            await writer.drain()
        writer.close()

    inner_port = free_port()
    server = await asyncio.start_server(echo, "127.0.0.1", inner_port)
    exposure = Exposure(tmp_path / "run" / "service.sock", inner_port)
    private_end = PrivateEnd(exposure)
    host_port = free_port()
    relay = HostRelay(exposure, host_port)
    await private_end.start()
    await relay.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", host_port)
        writer.write(b"hello " * 20000)  # more than one chunk
        await writer.drain()
        writer.write_eof()
        async with asyncio.timeout(10):
            answer = await reader.read()
        writer.close()
        assert answer == b"HELLO " * 20000
    finally:
        await relay.close()
        await private_end.close()
        server.close()
        await server.wait_closed()
    assert not exposure.socket_path.exists()


async def test_a_relay_without_its_inner_end_closes_the_connection(tmp_path: Path) -> None:
    relay = HostRelay(Exposure(tmp_path / "missing.sock", 1), free_port())
    await relay.start()
    try:
        port = relay._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        async with asyncio.timeout(5):
            assert await reader.read() == b""
        writer.close()
    finally:
        await relay.close()
