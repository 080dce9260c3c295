"""One bound UDP socket on a loopback address, with tracked delayed sends."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

from .addresses import require_loopback

_LOGGER = logging.getLogger(__name__)

Address = tuple[str, int]
DatagramHandler = Callable[[bytes, Address], None]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: DatagramHandler) -> None:
        self._on_datagram = on_datagram
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        host, port = addr[0], addr[1]
        if isinstance(host, str) and isinstance(port, int):
            self._on_datagram(data, (host, port))

    def error_received(self, exc: Exception) -> None:
        # A reply to a closed client port bounces (ICMP); the device does not care.
        _LOGGER.debug("UDP error: %s", exc)

    def connection_lost(self, _exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


def _bound_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # SO_REUSEADDR lets a client bind 0.0.0.0:<port> next to the batteries'
        # specific addresses, as a real integration binds the device port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind((host, port))
        sock.setblocking(False)  # noqa: FBT003
    except OSError:
        sock.close()
        raise
    return sock


class UdpEndpoint:
    """A UDP socket bound to (host, port) on loopback that hands datagrams to a callback."""

    def __init__(
        self, transport: asyncio.DatagramTransport, protocol: _Protocol, address: Address
    ) -> None:
        """Wrap an open transport; use :meth:`open`."""
        self._transport = transport
        self._protocol = protocol
        self._address = address
        self._pending: set[asyncio.TimerHandle] = set()

    @classmethod
    async def open(cls, host: str, port: int, on_datagram: DatagramHandler) -> UdpEndpoint:
        """Bind (host, port); refuses anything outside 127.0.0.0/8."""
        require_loopback(host)
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(
            lambda: _Protocol(on_datagram), sock=_bound_socket(host, port)
        )
        return cls(transport, protocol, (host, port))

    @property
    def address(self) -> Address:
        """The bound (host, port)."""
        return self._address

    def send(self, data: bytes, destination: Address) -> None:
        """Send one datagram now (loopback destinations only)."""
        require_loopback(destination[0])
        if not self._transport.is_closing():
            self._transport.sendto(data, destination)

    def send_later(self, delay: float, data: bytes, destination: Address) -> None:
        """Send one datagram after ``delay`` seconds of event-loop time, unless closed first."""
        if delay <= 0:
            self.send(data, destination)
            return
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle

        def fire() -> None:
            self._pending.discard(handle)
            self.send(data, destination)

        handle = loop.call_later(delay, fire)
        self._pending.add(handle)

    @property
    def pending_sends(self) -> int:
        """Number of delayed datagrams not yet sent."""
        return len(self._pending)

    async def close(self) -> None:
        """Cancel delayed sends and close the socket, waiting until it is really closed."""
        for handle in self._pending:
            handle.cancel()
        self._pending.clear()
        self._transport.close()
        await self._protocol.closed
