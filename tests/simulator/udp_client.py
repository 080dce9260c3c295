"""A raw UDP client for talking to the simulator in tests (independent of pymarstek)."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

Address = tuple[str, int]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[bytes, Address]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.queue.put_nowait((data, (addr[0], addr[1])))


class UdpClient:
    """Sends JSON requests and collects every datagram that comes back."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._next_id = 1

    @classmethod
    async def open(cls, host: str = "127.0.0.1", port: int = 0) -> UdpClient:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind((host, port))
        sock.setblocking(False)
        transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
            _Protocol, sock=sock
        )
        return cls(transport, protocol)

    @property
    def address(self) -> Address:
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    def send_raw(self, data: bytes, destination: Address) -> None:
        assert destination[0].startswith("127."), "tests talk to loopback only"
        self._transport.sendto(data, destination)

    def send(self, document: dict[str, Any], destination: Address) -> None:
        self.send_raw(json.dumps(document).encode(), destination)

    def send_request(
        self,
        destination: Address,
        method: str,
        params: Any = None,
        request_id: Any = None,
    ) -> Any:
        if request_id is None:
            request_id = self._next_id
            self._next_id += 1
        document: dict[str, Any] = {"id": request_id, "method": method}
        if params is not None:
            document["params"] = params
        self.send(document, destination)
        return request_id

    async def receive_raw(self, wait: float = 1.0) -> tuple[bytes, Address]:
        async with asyncio.timeout(wait):
            return await self._protocol.queue.get()

    async def receive(self, wait: float = 1.0) -> tuple[dict[str, Any], Address]:
        data, source = await self.receive_raw(wait)
        return json.loads(data), source

    async def request(
        self,
        destination: Address,
        method: str,
        params: Any = None,
        request_id: Any = None,
        wait: float = 1.0,
    ) -> dict[str, Any]:
        """Send one request and return the first reply (asserting where it came from)."""
        self.send_request(destination, method, params, request_id)
        reply, source = await self.receive(wait)
        assert source == destination
        return reply

    async def collect(self, window: float = 0.15) -> list[tuple[dict[str, Any], Address]]:
        """Everything that arrives within ``window`` seconds."""
        replies = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + window
        while (remaining := deadline - loop.time()) > 0:
            try:
                replies.append(await self.receive(remaining))
            except TimeoutError:
                break
        return replies

    async def expect_silence(self, window: float = 0.15) -> None:
        replies = await self.collect(window)
        assert replies == [], f"expected no reply, got {replies}"

    async def close(self) -> None:
        self._transport.close()
        await asyncio.sleep(0)
