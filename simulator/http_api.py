"""A small HTTP API on loopback: the household's P1 meter, and status and control for tests.

Served next to the batteries by ``scripts/simulate --http 127.0.0.1:8300``:

    GET   /api                              HomeWizard-P1-style identification
    GET   /api/v1/data                      the P1 meter reading (HomeWizard P1 v1 fields)
    GET   /api/v1/prices                    day-ahead prices, 15-minute slots (EUR/kWh)
    GET   /sim/status                       time, meter and every battery
    GET   /sim/batteries/<host>             one battery
    GET   /sim/batteries/<host>/received    what it received (?method=ES.SetMode&after=N)
    POST  /sim/batteries                    add the next battery of the household
    PATCH /sim/batteries/<host>/quirks      change quirks, e.g. {"silent": true}

Plain HTTP/1.1, one request per connection, JSON in and out, standard library only. It binds
loopback addresses only, like everything else in the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import typing
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from .addresses import require_loopback
from .prices import price_document
from .quirks import Quirks
from .status import (
    battery_status,
    datagram_record,
    p1_device,
    p1_reading,
    simulator_status,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .battery import SimulatedBattery
    from .simulator import Simulator

_LOGGER = logging.getLogger(__name__)

_MAX_HEADER_BYTES = 16 * 1024
_MAX_BODY_BYTES = 64 * 1024
_READ_TIMEOUT = 10.0
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


class HttpError(Exception):
    """An error answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        """Remember the status and the message."""
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed request."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes

    def json(self) -> dict[str, Any]:
        """The body as a JSON object (an empty body is an empty object)."""
        if not self.body.strip():
            return {}
        try:
            document = json.loads(self.body)
        except ValueError as err:
            raise HttpError(400, f"body is not JSON: {err}") from None
        if not isinstance(document, dict):
            raise HttpError(400, "body must be a JSON object")
        return document

    def query_value(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else None


async def read_request(reader: asyncio.StreamReader) -> Request:
    """Read one HTTP/1.1 request (headers and a Content-Length body)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise HttpError(413, "headers too large") from None
    if len(head) > _MAX_HEADER_BYTES:
        raise HttpError(413, "headers too large")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):  # noqa: PLR2004
        raise HttpError(400, "malformed request line")
    method, target = parts[0].upper(), parts[1]
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise HttpError(400, "bad Content-Length") from None
    if not 0 <= length <= _MAX_BODY_BYTES:
        raise HttpError(413, "body too large")
    body = await reader.readexactly(length) if length else b""
    split = urlsplit(target)
    return Request(method, unquote(split.path), parse_qs(split.query), body)


# (method, path pattern, handler): "*" matches one path segment, handed to the handler.
_ROUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("GET", ("api",), "_get_device"),
    ("GET", ("api", "v1", "data"), "_get_reading"),
    ("GET", ("api", "v1", "prices"), "_get_prices"),
    ("GET", ("sim", "status"), "_get_status"),
    ("POST", ("sim", "batteries"), "_post_battery"),
    ("GET", ("sim", "batteries", "*"), "_get_battery"),
    ("GET", ("sim", "batteries", "*", "received"), "_get_received"),
    ("PATCH", ("sim", "batteries", "*", "quirks"), "_patch_quirks_route"),
)


def _match(pattern: tuple[str, ...], segments: tuple[str, ...]) -> list[str] | None:
    """The segments matched by ``*`` if the path fits the pattern, else None."""
    if len(pattern) != len(segments):
        return None
    arguments = []
    for expected, actual in zip(pattern, segments, strict=True):
        if expected == "*":
            arguments.append(actual)
        elif expected != actual:
            return None
    return arguments


def encode_response(status: int, document: object) -> bytes:
    """A complete HTTP/1.1 response with a JSON body; the connection closes after it."""
    body = json.dumps(document).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _check_quirk(name: str, value: object) -> object:
    """``value`` if it suits quirk ``name``; raises HttpError otherwise."""
    hints = typing.get_type_hints(Quirks)
    if name not in hints:
        known = ", ".join(field.name for field in fields(Quirks))
        raise HttpError(400, f"unknown quirk {name!r}; known: {known}")
    hint = hints[name]
    ok: bool
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value  # type: ignore[arg-type]
    elif hint == int | None:
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    elif typing.get_origin(hint) is typing.Literal:
        ok = value in typing.get_args(hint)
    else:  # error_replies: method -> error code
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in value.items()
        )
    if not ok:
        raise HttpError(400, f"quirk {name!r} cannot be {value!r}")
    return value


class HttpApi:
    """The HTTP API of one running simulator."""

    def __init__(
        self,
        simulator: Simulator,
        host: str = "127.0.0.1",
        port: int = 8300,
        *,
        add_battery: Callable[[], Awaitable[SimulatedBattery]] | None = None,
    ) -> None:
        """Configure; nothing is bound until :meth:`start`.

        Args:
            simulator: the running simulator to serve.
            host: loopback address to listen on.
            port: TCP port (0 picks a free one; see :attr:`port` after start).
            add_battery: what ``POST /sim/batteries`` calls; None refuses that route.
        """
        self._simulator = simulator
        self._host = require_loopback(host)
        self._port = port
        self._add_battery = add_battery
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen on (host, port)."""
        self._server = await asyncio.start_server(self._serve, self._host, self._port)
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and finish open connections."""
        if self._server is not None:
            server, self._server = self._server, None
            server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            await server.wait_closed()

    @property
    def host(self) -> str:
        """The address listened on."""
        return self._host

    @property
    def port(self) -> int:
        """The port listened on."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8300``."""
        return f"http://{self._host}:{self._port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            try:
                request = await asyncio.wait_for(read_request(reader), _READ_TIMEOUT)
                status, document = await self.handle(request)
            except HttpError as err:
                status, document = err.status, {"error": err.message}
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                return
            writer.write(encode_response(status, document))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            if task is not None:
                self._connections.discard(task)

    async def handle(self, request: Request) -> tuple[int, object]:
        """Route one request; returns (status, JSON document)."""
        segments = tuple(part for part in request.path.strip("/").split("/") if part)
        allowed = False
        for method, pattern, name in _ROUTES:
            arguments = _match(pattern, segments)
            if arguments is None:
                continue
            allowed = True
            if method == request.method:
                handler: Callable[..., Awaitable[tuple[int, object]]] = getattr(self, name)
                try:
                    return await handler(request, *arguments)
                except HttpError:
                    raise
                except Exception:
                    _LOGGER.exception("HTTP API failed on %s %s", method, request.path)
                    return 500, {"error": "internal error; see the simulator's log"}
        status = 405 if allowed else 404
        raise HttpError(status, f"no route for {request.method} {request.path}")

    async def _get_device(self, _request: Request) -> tuple[int, object]:
        return 200, p1_device()

    async def _get_reading(self, _request: Request) -> tuple[int, object]:
        return 200, p1_reading(self._simulator.meter)

    async def _get_prices(self, _request: Request) -> tuple[int, object]:
        # By the simulator's wall clock, so a time-scaled or advanced run sees its own day.
        return 200, price_document(self._simulator.wall_time)

    async def _get_status(self, _request: Request) -> tuple[int, object]:
        return 200, simulator_status(self._simulator)

    async def _get_battery(self, _request: Request, host: str) -> tuple[int, object]:
        return 200, battery_status(self._battery(host))

    async def _get_received(self, request: Request, host: str) -> tuple[int, object]:
        return 200, self._received(self._battery(host), request)

    async def _patch_quirks_route(self, request: Request, host: str) -> tuple[int, object]:
        return 200, self._patch_quirks(self._battery(host), request.json())

    def _battery(self, host: str) -> SimulatedBattery:
        for battery in self._simulator.batteries:
            if battery.host == host:
                return battery
        raise HttpError(404, f"no battery at {host}")

    @staticmethod
    def _received(battery: SimulatedBattery, request: Request) -> dict[str, Any]:
        method = request.query_value("method")
        after_text = request.query_value("after") or "0"
        try:
            after = int(after_text)
        except ValueError:
            raise HttpError(400, f"after must be an integer, got {after_text!r}") from None
        entries = battery.received
        records = [
            datagram_record(index, entry)
            for index, entry in enumerate(entries)
            if index >= after and (method is None or entry.method == method)
        ]
        return {"host": battery.host, "datagrams": records, "next": len(entries)}

    async def _post_battery(self, _request: Request) -> tuple[int, object]:
        if self._add_battery is None:
            raise HttpError(405, "this simulator does not add batteries over HTTP")
        try:
            battery = await self._add_battery()
        except ValueError as err:
            raise HttpError(409, str(err)) from None
        return 201, battery_status(battery)

    @staticmethod
    def _patch_quirks(battery: SimulatedBattery, changes: dict[str, Any]) -> dict[str, Any]:
        checked = {name: _check_quirk(name, value) for name, value in changes.items()}
        quirks = battery.quirks
        for name, value in checked.items():  # all checked first: a bad one changes nothing
            setattr(quirks, name, value)
        return battery_status(battery)["quirks"]  # type: ignore[no-any-return]
