"""One UDP socket shared by every battery, with matching and pacing.

Why one socket: many firmwares answer to their own listen port (30000) rather than to the
request's source port, so the client must own that port; a second socket on the same port
would steal replies. Everything that talks to batteries therefore goes through one
`MarstekTransport`.

What it guarantees per battery (host): one request in flight, at least `min_interval` seconds
between two datagrams (a broadcast counts as a datagram to every known battery), and the quiet
period a caller asks for after a request (the client asks for one after every write, because
some firmware reverts a mode that is read right after it was written): other requests to that
host wait for it unless they say otherwise. Different hosts never wait on each other, and a
broadcast never holds a host's turn: it waits for a moment when it delays no one. Replies are
matched by (source IP, request id); anything else that arrives is counted in `stats` and
dropped, never raised into a caller.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import secrets
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, Final, Self

from .codec import Reply, RequestEcho, decode_message, encode_request
from .const import (
    DEFAULT_LOCAL_HOST,
    DEFAULT_MAX_BROADCAST_REPLIES,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_PORT,
    MAX_DATAGRAM_BYTES,
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
    require_int,
    require_ipv4,
    require_non_negative_seconds,
    require_port,
    require_positive_seconds,
    require_unicast_ipv4,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

_LOGGER = logging.getLogger(__name__)

# How long a finished request is remembered so a straggler can be told apart from a stranger.
_RECENT_RETENTION_S: Final = 120.0
_RECENT_CAPACITY: Final = 4096
# A request expected this much earlier or later than its rhythm predicts still counts as coming.
_RHYTHM_SLACK_S: Final = 0.1

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
    dropped_window_full: int = 0

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
            + self.dropped_window_full
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
    # Any datagram that reached the host, broadcasts included: the spacing counts from here.
    last_sent: float | None = None
    # Its own requests: their rhythm (a poller's interval) predicts the next one.
    last_request: float | None = None
    request_period: float | None = None
    # When a request that waits for its turn will be sent.
    waiting_until: float | None = None
    quiet_until: float | None = None
    last_response_time: float | None = None

    def note_request(self, sent_at: float) -> None:
        if self.last_request is not None:
            self.request_period = sent_at - self.last_request
        self.last_request = sent_at
        self.last_sent = sent_at

    def next_request(self, now: float) -> float | None:
        """When this host's next request is expected, if soon enough to matter; else None."""
        candidates = [self.waiting_until]
        if self.last_request is not None and self.request_period is not None:
            candidates.append(self.last_request + self.request_period)
        upcoming = [at for at in candidates if at is not None and at >= now - _RHYTHM_SLACK_S]
        return min(upcoming, default=None)


@dataclass(slots=True)
class _BroadcastWindow:
    request_id: int
    max_replies: int
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
        reuse_address: bool = False,
    ) -> None:
        """Configure the transport; nothing is opened until `start()`.

        Args:
            local_port: UDP port to bind; 0 picks an ephemeral port. Default 30000, because
                many firmwares reply to that port whatever the request's source port was.
            local_host: address to bind; "0.0.0.0" receives on every interface.
            min_interval: minimum seconds between two datagrams to the same battery.
            reuse_address: set SO_REUSEADDR (never SO_REUSEPORT, which would split replies
                between sockets).
        """
        self._local_port = require_port("local_port", local_port, allow_zero=True)
        self._local_host = require_ipv4("local_host", local_host)
        self._min_interval = require_non_negative_seconds("min_interval", min_interval)
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
    def stats(self) -> TransportStats:
        """A snapshot of the counters."""
        return replace(self._stats)

    # -- per-host state --------------------------------------------------------------------

    def quiet_remaining(self, host: str) -> float:
        """Seconds left in `host`'s quiet period (0.0 when not quiet)."""
        state = self._hosts.get(host)
        if state is None or state.quiet_until is None:
            return 0.0
        return max(0.0, state.quiet_until - _now())

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
        quiet_after: float = 0.0,
        wait_for_quiet: bool = True,
    ) -> Reply:
        """Send one request and return its reply (an error reply is returned, not raised).

        No retries happen here: the caller decides whether and when to try again.

        Args:
            host: the battery's IPv4 address.
            port: its Open API port.
            method: the method to call.
            params: its params.
            timeout: seconds to wait for the reply, counted from when the datagram left.
            quiet_after: seconds after this request during which other requests to the host
                wait (0: none).
            wait_for_quiet: False lets this request go during a quiet period (a write that
                follows another write).

        Raises:
            MarstekTimeoutError: no reply within `timeout` seconds of sending.
            MarstekValidationError: bad host, port, timeout or params (nothing was sent).
            MarstekTransportError: the transport is not open.
        """
        host = require_unicast_ipv4("host", host)
        port = require_port("port", port)
        timeout = require_positive_seconds("timeout", timeout)
        quiet_after = require_non_negative_seconds("quiet_after", quiet_after)
        self._require_open()
        request_id = self._allocate_id()
        datagram = encode_request(request_id, method, params)
        key = (host, request_id)
        state = self._hosts.setdefault(host, _HostState())
        await self._take_turn(state, honour_quiet=wait_for_quiet)
        try:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[Reply] = loop.create_future()
            self._pending[key] = future
            try:
                sent_at = self._send(datagram, (host, port))
                state.note_request(sent_at)
                if quiet_after:
                    state.quiet_until = sent_at + quiet_after
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
        finally:
            state.lock.release()
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
        max_replies: int = DEFAULT_MAX_BROADCAST_REPLIES,
        gap_wait: float = 0.0,
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
            max_replies: hosts whose replies are kept; later hosts are dropped and counted
                (anyone on the LAN can answer a broadcast, as often as they like).
            gap_wait: seconds the broadcast may wait for a moment when it delays no request
                that a known host is about to send; after that it only keeps the spacing.

        Returns:
            (host, reply) pairs in arrival order, one per answering host.
        """
        address = require_ipv4("address", address)
        port = require_port("port", port)
        duration = require_positive_seconds("duration", duration)
        if resend_interval is not None:
            resend_interval = require_positive_seconds("resend_interval", resend_interval)
        max_replies = require_int("max_replies", max_replies, 1, 10_000)
        gap_wait = require_non_negative_seconds("gap_wait", gap_wait)
        self._require_open()
        loop = asyncio.get_running_loop()
        async with self._broadcast_lock:
            request_id = self._allocate_id()
            datagram = encode_request(request_id, method, params)
            window = _BroadcastWindow(request_id, max_replies)
            self._broadcast = window
            try:
                started = await self._send_broadcast(
                    datagram, (address, port), loop.time() + gap_wait
                )
                deadline = started + duration
                next_send = started + resend_interval if resend_interval else deadline
                while (now := loop.time()) < deadline:
                    if now >= next_send and resend_interval:
                        # A resend may not wait for a gap past the window's end.
                        await self._send_broadcast(datagram, (address, port), deadline)
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

    async def _take_turn(self, state: _HostState, *, honour_quiet: bool) -> None:
        """Return holding the host's lock, when a datagram to it may leave now.

        A read does not hold the lock through a quiet period: a write that comes later may go
        first (and start a new quiet period, which the read then waits out too).
        """
        while True:
            if honour_quiet:
                await self._wait_for_quiet(state)
            await state.lock.acquire()
            if honour_quiet and self._quiet_left(state) > 0:
                state.lock.release()
                continue
            try:
                await self._wait_for_spacing(state)
            except BaseException:
                state.lock.release()
                raise
            return

    def _quiet_left(self, state: _HostState) -> float:
        if state.quiet_until is None:
            return 0.0
        return state.quiet_until - asyncio.get_running_loop().time()

    async def _wait_for_quiet(self, state: _HostState) -> None:
        while (left := self._quiet_left(state)) > 0:
            state.waiting_until = state.quiet_until  # a broadcast planning its moment sees it
            try:
                await asyncio.sleep(left)
            finally:
                state.waiting_until = None

    async def _wait_for_spacing(self, state: _HostState) -> None:
        """Wait until the host's last datagram is `min_interval` old (the lock is held)."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                now = loop.time()
                ready_at = now
                if state.last_sent is not None:
                    ready_at = max(ready_at, state.last_sent + self._min_interval)
                if ready_at <= now:
                    return
                state.waiting_until = ready_at  # a broadcast planning its moment sees it
                await asyncio.sleep(ready_at - now)
        finally:
            state.waiting_until = None

    async def _send_broadcast(self, datagram: bytes, address: Address, gap_until: float) -> float:
        """Send a broadcast as a datagram to every known battery, since it reaches them all.

        It takes no host's turn: it waits until every known host's last datagram is
        `min_interval` old and, until `gap_until`, also until no host is about to send a
        request within `min_interval` (so the broadcast delays no one's next request).
        """
        loop = asyncio.get_running_loop()
        spacing = self._min_interval
        while True:
            now = loop.time()
            states = list(self._hosts.values())
            clear_at = max(
                (state.last_sent + spacing for state in states if state.last_sent is not None),
                default=now,
            )
            if clear_at > now:
                await asyncio.sleep(clear_at - now)
                continue
            if spacing == 0 or now >= gap_until:
                break
            upcoming = [
                at
                for state in states
                if (at := state.next_request(now)) is not None
                and at < now + spacing + _RHYTHM_SLACK_S
            ]
            if not upcoming:
                break
            # Let that request go first; its spacing is then waited for above.
            await asyncio.sleep(
                min(max(min(upcoming) - now, 0.0) + _RHYTHM_SLACK_S, gap_until - now)
            )
        sent_at = self._send(datagram, address)
        for state in self._hosts.values():
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
            elif len(window.replies) >= window.max_replies:
                stats.dropped_window_full += 1
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
