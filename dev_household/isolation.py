"""A private network for the household, reachable from the host's loopback through relays.

Home Assistant 2026.11 reaches out on its own (the Marketplace fetches its catalog from GitHub,
the HTTP client starts multicast DNS), and the household must never send anything beyond
127.0.0.0/8. So the household runs in a network namespace of its own: a loopback device and
nothing else, where nothing can leave. The browser and the developer stay outside, on the
host's loopback: a relay listens there on Home Assistant's and the simulator's ports and hands
every connection through a Unix socket (file-system sockets cross network namespaces) to the
same port inside.

    host 127.0.0.1:8123 --relay--> .develop/run/home-assistant.sock --> private 127.0.0.1:8123
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import socket
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_SIOCADDRT = 0x890B
_IFF_UP = 0x1
_IFF_MULTICAST = 0x1000
_RTF_UP = 0x1
_IFREQ = "16sH14x"
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Exposure:
    """One TCP port of the private network, offered on the host through ``socket_path``."""

    socket_path: Path
    port: int  # on 127.0.0.1 inside the private network


def network_is_private() -> bool:
    """Whether this process's network has nothing but loopback (a private namespace)."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def can_isolate() -> bool:
    """Whether this process may create a network namespace (root on Linux)."""
    return hasattr(os, "unshare") and os.geteuid() == 0


class _SockaddrIn(ctypes.Structure):
    _fields_ = (
        ("family", ctypes.c_ushort),
        ("port", ctypes.c_ushort),
        ("address", ctypes.c_uint32),
        ("zero", ctypes.c_ubyte * 8),
    )


class _RouteEntry(ctypes.Structure):
    """Linux's struct rtentry (SIOCADDRT)."""

    _fields_ = (
        ("pad1", ctypes.c_ulong),
        ("destination", _SockaddrIn),
        ("gateway", _SockaddrIn),
        ("netmask", _SockaddrIn),
        ("flags", ctypes.c_ushort),
        ("pad2", ctypes.c_short),
        ("pad3", ctypes.c_ulong),
        ("pad4", ctypes.c_void_p),
        ("metric", ctypes.c_short),
        ("device", ctypes.c_char_p),
        ("mtu", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("irtt", ctypes.c_ushort),
    )


def _ipv4(address: str) -> _SockaddrIn:
    packed = int.from_bytes(socket.inet_aton(address), "little")  # kept in network order
    return _SockaddrIn(socket.AF_INET, 0, packed)


def prepare_private_loopback() -> None:
    """Loopback up, with multicast, and the multicast range routed to it.

    Only for a private network (it changes the namespace's only device). Home Assistant's
    HTTP client starts an mDNS responder at its first request; without a multicast route it
    fails ("No such device") and integrations such as the RESTful P1 meter wait a minute.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        request = struct.pack(_IFREQ, b"lo", 0)
        flags = struct.unpack(_IFREQ, fcntl.ioctl(control, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(
            control, _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | _IFF_UP | _IFF_MULTICAST)
        )
        device = ctypes.create_string_buffer(b"lo")
        route = _RouteEntry(
            destination=_ipv4("224.0.0.0"),
            netmask=_ipv4("240.0.0.0"),
            flags=_RTF_UP,
            device=ctypes.cast(device, ctypes.c_char_p),
        )
        try:
            fcntl.ioctl(control, _SIOCADDRT, bytearray(route))
        except OSError as err:
            if err.errno != errno.EEXIST:
                raise


def enter_private_network() -> None:
    """Move this process into a new network namespace with its loopback prepared.

    Call it first thing, before any thread or socket exists: children inherit the namespace.
    """
    os.unshare(os.CLONE_NEWNET)
    prepare_private_loopback()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(_CHUNK):
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


async def _splice(
    client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    server: tuple[asyncio.StreamReader, asyncio.StreamWriter],
) -> None:
    """Copy both ways until both sides are done, then close both."""
    try:
        await asyncio.gather(_pipe(client[0], server[1]), _pipe(server[0], client[1]))
    finally:
        for writer in (client[1], server[1]):
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()


class _Forwarder:
    """Accepts connections and splices each to a freshly opened upstream connection."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        raise NotImplementedError

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            try:
                upstream = await self._open_upstream()
            except OSError as err:
                _LOGGER.debug("relay: upstream not reachable (%s)", err)
                writer.close()
                return
            await _splice((reader, writer), upstream)
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def close(self) -> None:
        """Stop accepting and cut open connections."""
        if self._server is not None:
            server, self._server = self._server, None
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()


class HostRelay(_Forwarder):
    """On the host: 127.0.0.1:<host port> -> the exposure's Unix socket."""

    def __init__(self, exposure: Exposure, host_port: int) -> None:
        """Relay host port ``host_port`` to one exposure."""
        super().__init__()
        self._exposure = exposure
        self._host_port = host_port

    async def start(self) -> None:
        """Listen on the host's 127.0.0.1:<host_port>."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self._host_port)

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_unix_connection(str(self._exposure.socket_path))


class PrivateEnd(_Forwarder):
    """Inside the private network: the exposure's Unix socket -> 127.0.0.1:PORT."""

    def __init__(self, exposure: Exposure) -> None:
        """Serve one exposure."""
        super().__init__()
        self._exposure = exposure

    async def start(self) -> None:
        """Listen on the Unix socket (replacing a stale one)."""
        path = self._exposure.socket_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self._server = await asyncio.start_unix_server(self._accept, str(path))

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self._exposure.port)

    async def close(self) -> None:
        """Stop and remove the socket file."""
        await super().close()
        self._exposure.socket_path.unlink(missing_ok=True)
