"""One UDP socket shared by every battery, with matching and pacing.

Why one socket: many firmwares answer to their own listen port (30000) rather than to the
request's source port, so the client must own that port; a second socket on the same port
would steal replies. Everything that talks to batteries therefore goes through one
`MarstekTransport`.

What it guarantees per battery (host): one request in flight, at least `min_interval` seconds
between two datagrams, and no read within `quiet_period` seconds after an `ES.SetMode` (some
firmware reverts a mode that is read right after it was written). Different hosts never wait
on each other. Replies are matched by (source IP, request id); anything else that arrives is
counted in `stats` and dropped, never raised into a caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, Final, Self

from .codec import JsonObject, Reply, RequestEcho, decode_message, encode_request
from .const import (
    DEFAULT_LOCAL_HOST,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_PORT,
    DEFAULT_QUIET_PERIOD,
    MAX_DATAGRAM_BYTES,
    METHOD_SET_MODE,
    REQUEST_ID_MAX,
    REQUEST_ID_MIN,
)
from .exceptions import (
    MarstekProtocolError,
    MarstekTimeoutError,
    MarstekTransportError,
    MarstekValidationError,
)
from .validation import (
    require_bool,
    require_ipv4,
    require_non_negative_seconds,
    require_port,
    require_positive_seconds,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

_LOGGER = logging.getLogger(__name__)

# How long a finished request is remembered so a straggler can be told apart from a stranger.
_RECENT_RETENTION_S: Final = 120.0
_RECENT_CAPACITY: Final = 4096

type Address = tuple[str, int]


@dataclass(slots=True)
class TransportStats:
    """Counters of what the transport sent, received and dropped.

    `MarstekTransport.stats` returns a copy, so a snapshot does not change under the reader.
    """

    sent: int = 0
    received: int = 0
    replies: int = 0
    error_replies: int = 0
    timeouts: int = 0
    send_errors: int = 0
    dropped_unknown: int = 0
    dropped_duplicate: int = 0
    dropped_late: int = 0
    dropped_garbage: int = 0
    dropped_oversized: int = 0
    dropped_echo: int = 0

    @property
    def dropped(self) -> int:
        """All datagrams received but not delivered to a caller."""
        return (
            self.dropped_unknown
            + self.dropped_duplicate
            + self.dropped_late
            + self.dropped_garbage
            + self.dropped_oversized
            + self.dropped_echo
        )


class _Outcome(Enum):
    ANSWERED = auto()
    ABANDONED = auto()  # timed out or cancelled: a reply now is late
    BROADCAST_CLOSED = auto()


class _RecentRequests:
    """Bounded, time-limited memory of finished requests, keyed like pending ones."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str | None, int], tuple[float, _Outcome]] = OrderedDict()

    def add(self, key: tuple[str | None, int], outcome: _Outcome, now: float) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (now + _RECENT_RETENTION_S, outcome)
        # Entries share one retention, so insertion order is expiry order.
        while self._entries:
            oldest_key, (expires, _) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= _RECENT_CAPACITY:
                break
            del self._entries[oldest_key]

    def get(self, key: tuple[str | None, int], now: float) -> _Outcome | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]


@dataclass(slots=True)
class _HostState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_sent: float | None = None
    quiet_until: float | None = None
    last_response_time: float | None = None


@dataclass(slots=True)
class _BroadcastWindow:
    request_id: int
    replies: dict[str, Reply] = field(default_factory=dict)


class _DatagramProtocol(asyncio.DatagramProtocol):
    """Forwards socket events to the owning transport's callbacks."""

    def __init__(
        self,
        on_datagram: Callable[[bytes, Address], None],
        on_error: Callable[[Exception], None],
        on_lost: Callable[[Exception | None], None],
    ) -> None:
        self._on_datagram = on_datagram
        self._on_error = on_error
        self._on_lost = on_lost

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._on_datagram(data, addr)

    def error_received(self, exc: Exception) -> None:
        self._on_error(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_lost(exc)


class MarstekTransport:
    """The shared UDP endpoint; see the module docstring for its guarantees."""

    def __init__(
        self,
        local_port: int = DEFAULT_PORT,
        local_host: str = DEFAULT_LOCAL_HOST,
        *,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        quiet_period: float = DEFAULT_QUIET_PERIOD,
        reuse_address: bool = False,
    ) -> None:
        """Configure the transport; nothing is opened until `start()`.

        Args:
            local_port: UDP port to bind; 0 picks an ephemeral port. Default 30000, because
                many firmwares reply to that port whatever the request's source port was.
            local_host: address to bind; "0.0.0.0" receives on every interface.
            min_interval: minimum seconds between two datagrams to the same battery.
            quiet_period: seconds after an `ES.SetMode` during which reads to that battery wait.
            reuse_address: set SO_REUSEADDR (never SO_REUSEPORT, which would split replies
                between sockets).
        """
        self._local_port = require_port("local_port", local_port, allow_zero=True)
        self._local_host = require_ipv4("local_host", local_host)
        self._min_interval = require_non_negative_seconds("min_interval", min_interval)
        self._quiet_period = require_non_negative_seconds("quiet_period", quiet_period)
        self._reuse_address = require_bool("reuse_address", reuse_address)
        self._transport: asyncio.DatagramTransport | None = None
        self._connection_lost: asyncio.Future[None] | None = None
        self._pending: dict[tuple[str, int], asyncio.Future[Reply]] = {}
        self._hosts: dict[str, _HostState] = {}
        self._recent = _RecentRequests()
        self._broadcast: _BroadcastWindow | None = None
        self._broadcast_lock = asyncio.Lock()
        # A random first id keeps a new process from matching stragglers of a previous one.
        self._last_request_id = secrets.randbelow(REQUEST_ID_MAX) + REQUEST_ID_MIN
        self._stats = TransportStats()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the socket.

        Raises:
            MarstekTransportError: the address/port cannot be bound (the message names them),
                or the transport is already started.
        """
        if self._transport is not None:
            msg = "transport is already started"
            raise MarstekTransportError(msg)
        loop = asyncio.get_running_loop()
        sock = self._bind_socket()
        lost: asyncio.Future[None] = loop.create_future()
        protocol = _DatagramProtocol(self._on_datagram, self._on_error, self._make_on_lost(lost))
        try:
            transport, _ = await loop.create_datagram_endpoint(lambda: protocol, sock=sock)
        except OSError as err:
            sock.close()
            msg = f"cannot use UDP {self._local_host}:{self._local_port}: {err.strerror or err}"
            raise MarstekTransportError(msg) from err
        self._transport = transport
        self._connection_lost = lost
        _LOGGER.debug("Listening on UDP %s:%s", *self.local_address)

    async def close(self) -> None:
        """Close the socket; requests still waiting fail with `MarstekTransportError`."""
        transport, lost = self._transport, self._connection_lost
        if transport is None or lost is None:
            return
        self._transport = None
        self._fail_pending("transport closed")
        transport.close()
        await lost

    async def __aenter__(self) -> Self:
        """Start the transport."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the transport."""
        await self.close()

    @property
    def is_open(self) -> bool:
        """True between `start()` and `close()`."""
        return self._transport is not None

    @property
    def local_address(self) -> Address:
        """The bound (host, port); the real port when `local_port` was 0."""
        if self._transport is None:
            return (self._local_host, self._local_port)
        host, port = self._transport.get_extra_info("sockname")[:2]
        return (str(host), int(port))

    @property
    def min_interval(self) -> float:
        """Minimum seconds between two datagrams to one battery."""
        return self._min_interval

    @property
    def quiet_period(self) -> float:
        """Seconds after an `ES.SetMode` before a read is sent to that battery."""
        return self._quiet_period

    @property
    def stats(self) -> TransportStats:
        """A snapshot of the counters."""
        return replace(self._stats)

    # -- per-host state --------------------------------------------------------------------

    def quiet_until(self, host: str) -> float:
        """Monotonic time (the event loop's clock) until which reads to `host` wait; 0 if none."""
        state = self._hosts.get(host)
        if state is None or state.quiet_until is None:
            return 0.0
        return state.quiet_until

    def is_quiet(self, host: str) -> bool:
        """True while a read to `host` would wait for the post-write quiet period."""
        return self.quiet_until(host) > _now()

    def quiet_remaining(self, host: str) -> float:
        """Seconds left in `host`'s quiet period (0.0 when not quiet)."""
        return max(0.0, self.quiet_until(host) - _now())

    def last_response_time(self, host: str) -> float | None:
        """Seconds between the last answered request to `host` and its reply."""
        state = self._hosts.get(host)
        return None if state is None else state.last_response_time

    # -- requests --------------------------------------------------------------------------

    async def request(
        self,
        host: str,
        port: int,
        method: str,
        params: Mapping[str, Any],
        *,
        timeout: float,  # noqa: ASYNC109 - a per-request protocol timeout, part of the API
    ) -> JsonObject:
        """Send one request and return the reply's `result` object.

        Raises:
            MarstekTimeoutError: no reply within `timeout` seconds of sending.
            MarstekDeviceError: the reply carried an error object.
            MarstekValidationError: bad host, port, timeout or params (nothing was sent).
            MarstekTransportError: the transport is not open.
        """
        reply = await self.request_reply(host, port, method, params, timeout=timeout)
        return reply.unwrap()

    async def request_reply(
        self,
        host: str,
        port: int,
        method: str,
        params: Mapping[str, Any],
        *,
        timeout: float,  # noqa: ASYNC109 - a per-request protocol timeout, part of the API
    ) -> Reply:
        """Like `request`, but return the whole `Reply` (with `src`) and do not raise on errors.

        No retries happen here: the caller decides whether and when to try again.
        """
        host = require_ipv4("host", host)
        port = require_port("port", port)
        timeout = require_positive_seconds("timeout", timeout)
        self._require_open()
        request_id = self._allocate_id()
        datagram = encode_request(request_id, method, params)
        key = (host, request_id)
        state = self._hosts.setdefault(host, _HostState())
        async with state.lock:
            await self._wait_for_turn(state, is_read=method != METHOD_SET_MODE)
            loop = asyncio.get_running_loop()
            future: asyncio.Future[Reply] = loop.create_future()
            self._pending[key] = future
            try:
                sent_at = self._send(datagram, (host, port))
                state.last_sent = sent_at
                if method == METHOD_SET_MODE:
                    state.quiet_until = sent_at + self._quiet_period
                try:
                    # The timeout clock starts here, after pacing, when the datagram left.
                    async with asyncio.timeout(timeout):
                        reply = await future
                except TimeoutError:
                    self._stats.timeouts += 1
                    msg = f"{host}:{port} did not answer {method} within {timeout:g} s"
                    raise MarstekTimeoutError(msg) from None
                state.last_response_time = loop.time() - sent_at
            finally:
                del self._pending[key]
                # A timeout or a cancelled caller cancels the future: a reply now is late.
                if future.cancel() or future.cancelled():
                    self._recent.add(key, _Outcome.ABANDONED, loop.time())
        if reply.error is not None:
            self._stats.error_replies += 1
        return reply

    async def broadcast(
        self,
        address: str,
        port: int,
        method: str,
        params: Mapping[str, Any],
        *,
        duration: float,
        resend_interval: float | None = None,
    ) -> list[tuple[str, Reply]]:
        """Broadcast a request and collect the first reply of every host for `duration` s.

        Args:
            address: broadcast address, for example "255.255.255.255".
            port: destination port.
            method: method to call.
            params: its params.
            duration: how long the window stays open.
            resend_interval: send the same datagram (same id) again every so many seconds
                while the window is open; None sends it once.

        Returns:
            (host, reply) pairs in arrival order, one per answering host.
        """
        address = require_ipv4("address", address)
        port = require_port("port", port)
        duration = require_positive_seconds("duration", duration)
        if resend_interval is not None:
            resend_interval = require_positive_seconds("resend_interval", resend_interval)
        self._require_open()
        loop = asyncio.get_running_loop()
        async with self._broadcast_lock:
            request_id = self._allocate_id()
            datagram = encode_request(request_id, method, params)
            window = _BroadcastWindow(request_id)
            self._broadcast = window
            try:
                started = await self._send_broadcast(datagram, (address, port))
                deadline = started + duration
                next_send = started + resend_interval if resend_interval else deadline
                while (now := loop.time()) < deadline:
                    if now >= next_send and resend_interval:
                        await self._send_broadcast(datagram, (address, port))
                        next_send += resend_interval
                        continue
                    await asyncio.sleep(min(deadline, next_send) - now)
            finally:
                self._broadcast = None
                self._recent.add((None, request_id), _Outcome.BROADCAST_CLOSED, loop.time())
        return list(window.replies.items())

    # -- internals -------------------------------------------------------------------------

    def _bind_socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            if self._reuse_address:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            sock.setblocking(False)  # noqa: FBT003 - socket API
            sock.bind((self._local_host, self._local_port))
        except OSError as err:
            sock.close()
            raise MarstekTransportError(self._bind_failure_message(err)) from err
        return sock

    def _bind_failure_message(self, err: OSError) -> str:
        where = f"UDP {self._local_host}:{self._local_port}"
        if err.errno == errno.EADDRINUSE:
            return (
                f"cannot bind {where}: the port is already in use by another program or "
                "integration; stop it or move the battery's Open API to another port"
            )
        if err.errno == errno.EADDRNOTAVAIL:
            return f"cannot bind {where}: the address does not belong to this machine"
        if err.errno == errno.EACCES:
            return f"cannot bind {where}: permission denied"
        return f"cannot bind {where}: {err.strerror or err}"

    def _require_open(self) -> None:
        if self._transport is None:
            msg = "transport is not started (call start() or use 'async with')"
            raise MarstekTransportError(msg)

    def _allocate_id(self) -> int:
        request_id = self._last_request_id + 1
        if request_id > REQUEST_ID_MAX:
            request_id = REQUEST_ID_MIN
        self._last_request_id = request_id
        return request_id

    async def _wait_for_turn(self, state: _HostState, *, is_read: bool) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            ready_at = now
            if state.last_sent is not None:
                ready_at = max(ready_at, state.last_sent + self._min_interval)
            if is_read and state.quiet_until is not None:
                ready_at = max(ready_at, state.quiet_until)
            if ready_at <= now:
                return
            await asyncio.sleep(ready_at - now)

    async def _send_broadcast(self, datagram: bytes, address: Address) -> float:
        """Send a broadcast as if to every known battery, since it reaches them all.

        It waits for each one's turn (no request in flight, spacing) and counts as its latest
        datagram.
        """
        states = [self._hosts[host] for host in sorted(self._hosts)]
        async with contextlib.AsyncExitStack() as held:
            # Only broadcasts take several host locks, one broadcast at a time: no deadlock.
            for state in states:
                await held.enter_async_context(state.lock)
            for state in states:
                await self._wait_for_turn(state, is_read=False)
            sent_at = self._send(datagram, address)
            for state in states:
                state.last_sent = sent_at
        return sent_at

    def _send(self, datagram: bytes, address: Address) -> float:
        transport = self._transport
        if transport is None or transport.is_closing():
            msg = "transport is closed"
            raise MarstekTransportError(msg)
        if not datagram:  # pragma: no cover - encode_request never returns b""
            msg = "refusing to send an empty datagram"
            raise MarstekValidationError(field="datagram", message=msg)
        transport.sendto(datagram, address)
        self._stats.sent += 1
        return asyncio.get_running_loop().time()

    def _on_datagram(self, data: bytes, addr: Address) -> None:
        stats = self._stats
        stats.received += 1
        host = addr[0]
        if len(data) > MAX_DATAGRAM_BYTES:
            stats.dropped_oversized += 1
            _LOGGER.debug("Dropped %d-byte datagram from %s", len(data), host)
            return
        try:
            message = decode_message(data)
        except MarstekProtocolError as err:
            stats.dropped_garbage += 1
            _LOGGER.debug("Dropped malformed datagram from %s: %s", host, err)
            return
        if isinstance(message, RequestEcho):
            stats.dropped_echo += 1
            return
        self._dispatch(host, message)

    def _dispatch(self, host: str, reply: Reply) -> None:
        stats = self._stats
        key = (host, reply.request_id)
        now = asyncio.get_running_loop().time()
        future = self._pending.get(key)
        if future is not None:
            if future.done():
                stats.dropped_duplicate += 1
                return
            future.set_result(reply)
            stats.replies += 1
            self._recent.add(key, _Outcome.ANSWERED, now)
            return
        window = self._broadcast
        if window is not None and reply.request_id == window.request_id:
            if host in window.replies:
                stats.dropped_duplicate += 1
            else:
                window.replies[host] = reply
                stats.replies += 1
            return
        outcome = self._recent.get(key, now) or self._recent.get((None, reply.request_id), now)
        if outcome is _Outcome.ANSWERED:
            stats.dropped_duplicate += 1
        elif outcome is not None:
            stats.dropped_late += 1
            _LOGGER.debug("Dropped late reply %d from %s", reply.request_id, host)
        else:
            stats.dropped_unknown += 1
            _LOGGER.debug("Dropped unmatched reply %d from %s", reply.request_id, host)

    def _on_error(self, exc: Exception) -> None:
        # Send errors (for example "network unreachable") surface here, not in sendto();
        # the request that caused it will time out.
        self._stats.send_errors += 1
        _LOGGER.debug("UDP socket error: %s", exc)

    def _make_on_lost(self, lost: asyncio.Future[None]) -> Callable[[Exception | None], None]:
        def on_lost(exc: Exception | None) -> None:
            if self._transport is not None:
                # Lost without close(): nothing more will arrive.
                _LOGGER.warning("UDP socket closed unexpectedly: %s", exc)
                self._transport = None
                self._fail_pending("socket closed unexpectedly")
            if not lost.done():
                lost.set_result(None)

        return on_lost

    def _fail_pending(self, reason: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(MarstekTransportError(reason))


def _now() -> float:
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        # Outside a loop: the default loop clock is time.monotonic.
        return time.monotonic()
