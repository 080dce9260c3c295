"""A scriptable raw UDP peer on a loopback address, standing in for a battery.

Unlike the simulator it knows nothing about the protocol beyond "answer with this": tests use
it to send exactly the bytes they want (garbage, duplicates, spoofed or late replies).
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

type Address = tuple[str, int]
# Given the decoded request and its source, return the datagrams to send back (in order).
type Responder = Callable[[dict[str, Any], Address], list[bytes]]


@dataclass(frozen=True, slots=True)
class Received:
    loop_time: float
    data: bytes
    source: Address

    @property
    def request(self) -> dict[str, Any]:
        decoded = json.loads(self.data)
        assert isinstance(decoded, dict)
        return decoded


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def result_reply(
    request: dict[str, Any], result: dict[str, Any], src: str = "VenusE-acd92968d828"
) -> bytes:
    return json.dumps({"id": request["id"], "src": src, "result": result}).encode()


def error_reply(request: dict[str, Any], code: int, message: str, data: object = None) -> bytes:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return json.dumps({"id": request["id"], "src": "VenusE-acd92968d828", "error": error}).encode()


def answer_with(result: dict[str, Any]) -> Responder:
    def responder(request: dict[str, Any], _source: Address) -> list[bytes]:
        return [result_reply(request, result)]

    return responder


def silent(_request: dict[str, Any], _source: Address) -> list[bytes]:
    return []


class _PeerProtocol(asyncio.DatagramProtocol):
    def __init__(self, peer: FakePeer) -> None:
        self._peer = peer

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._peer.on_datagram(data, addr)


class FakePeer:
    """Bound to (host, port); records every datagram and answers through `responder`."""

    def __init__(self, host: str, responder: Responder) -> None:
        self.host = host
        self.port = 0
        self.responder = responder
        self.received: list[Received] = []
        self._queue: asyncio.Queue[Received] = asyncio.Queue()
        self._transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls, host: str, responder: Responder = silent, port: int = 0) -> FakePeer:
        assert host.startswith("127."), "tests only use loopback"
        peer = cls(host, responder)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _PeerProtocol(peer), local_addr=(host, port)
        )
        peer._transport = transport
        peer.port = int(transport.get_extra_info("sockname")[1])
        return peer

    @property
    def address(self) -> Address:
        return (self.host, self.port)

    def on_datagram(self, data: bytes, source: Address) -> None:
        entry = Received(asyncio.get_running_loop().time(), data, source)
        self.received.append(entry)
        self._queue.put_nowait(entry)
        try:
            request = entry.request
        except (ValueError, AssertionError):
            return
        for datagram in self.responder(request, source):
            self.send(datagram, source)

    def send(self, data: bytes, destination: Address) -> None:
        assert destination[0].startswith("127.")
        assert self._transport is not None
        self._transport.sendto(data, destination)

    async def next_datagram(self, within: float = 2.0) -> Received:
        async with asyncio.timeout(within):
            return await self._queue.get()

    async def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            await asyncio.sleep(0)  # let connection_lost run before the loop ends
