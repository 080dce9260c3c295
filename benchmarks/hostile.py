"""Datagrams a transport must drop: one builder per kind, each naming the counter it expects.

Every builder gets a serial number (to vary the datagram) and a snapshot of the simulated
batteries (to reuse request ids they really saw) and returns the datagram and its source.
Forged replies carry an impossible reading (mode UPS, SOC 1 %), so one that reached a caller
would show up as a wrong poll result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pymarstek.const import MAX_DATAGRAM_BYTES
from simulator import SimulatedBattery

# Senders that are not batteries.
STRANGERS = tuple(f"127.0.0.{last}" for last in range(200, 210))
_OVERSIZED_BYTES = (MAX_DATAGRAM_BYTES + 1, 30_000, 65_000)
_ID_SPACE = 0x10000
_FAR_AWAY = 0x8000  # half the id space from any id in use
_ID_SPREAD = 100
_DEEP = 600  # 3.6 KB: under the datagram cap, far over the nesting limit
_RANDOM_BYTES = 64

_GARBAGE: tuple[bytes, ...] = (
    b"\x00\x01\x02\x03",
    b"\xff\xfe\xfd not utf-8",
    b"not json at all",
    b"[1, 2, 3]",
    b'"just a string"',
    b"{}",
    b'{"id": 1}',
    b'{"id": 1, "result": {}, "error": {"code": 1}}',
    b'{"id": "abc", "result": {}}',
    b'{"id": 70000, "result": {}}',
    b'{"id": -1, "result": {}}',
    b'{"id": 1e999, "result": {}}',
    b'{"id": 1, "result": [1]}',
    b'{"id": 1, "result": {"bat_soc": NaN}}',
    b'{"id": 1, "error": "boom"}',
    b'{"id": 1, "src": 5, "result": {}}',
    b'{"id": ' + b"9" * 4000 + b', "result": {}}',
    b'{"a":' * _DEEP + b"1" + b"}" * _DEEP,
    b"[" * 4000,
    b'{"id": 1, "result": {}',
)


@dataclass(frozen=True, slots=True)
class Target:
    """A battery as the attacker sees it at one moment.

    Attributes:
        host: its address.
        src: the `src` its replies carry.
        latest_id: id of the latest request it received (None before the first).
        previous_id: id of the request before that one (finished for sure: the transport
            sends the next datagram to a battery only after the previous one was answered
            or timed out).
        latest_at: event-loop time the latest request arrived.
    """

    host: str
    src: str
    latest_id: int | None
    previous_id: int | None
    latest_at: float


def snapshot(batteries: Sequence[SimulatedBattery]) -> tuple[Target, ...]:
    """What each battery has received so far, reduced to what the builders need."""
    targets = []
    for battery in batteries:
        requests = [d for d in battery.received if isinstance(d.request_id, int)]
        ids = [d.request_id for d in requests if isinstance(d.request_id, int)]
        targets.append(
            Target(
                host=battery.host,
                src=battery.src,
                latest_id=ids[-1] if ids else None,
                previous_id=ids[-2] if len(ids) > 1 else None,
                latest_at=requests[-1].loop_time if requests else 0.0,
            )
        )
    return tuple(targets)


@dataclass(frozen=True, slots=True)
class Shot:
    """One datagram to fire.

    Attributes:
        source: the 127.0.0.x address to send from.
        data: the datagram.
        spoofs: the battery whose latest request id the datagram carries, if any.
    """

    source: str
    data: bytes
    spoofs: Target | None = None


type Builder = Callable[[int, Sequence[Target]], Shot]


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of unwanted datagram.

    Attributes:
        name: short name shown in the table.
        what: one line saying what is sent and from where.
        counter: the `TransportStats` field that should count every one of them.
        build: makes the n-th datagram.
        burst: datagrams sent before yielding to the event loop.
        share: fraction of the phase's datagram count (large datagrams are sent fewer times).
    """

    name: str
    what: str
    counter: str
    build: Builder
    burst: int = 25
    share: float = 1.0


def _forged_reply(request_id: int, src: str) -> bytes:
    reading = {"id": 0, "mode": "UPS", "ongrid_power": 0, "offgrid_power": 0, "bat_soc": 1}
    document = {"id": request_id, "src": src, "result": reading}
    return json.dumps(document, separators=(",", ":")).encode()


def _empty(serial: int, targets: Sequence[Target]) -> Shot:
    del targets
    return Shot(STRANGERS[serial % len(STRANGERS)], b"")


def _garbage(serial: int, targets: Sequence[Target]) -> Shot:
    # From strangers and from the batteries' own addresses (a firmware bug looks like this).
    sources = [*STRANGERS, *(target.host for target in targets)]
    variant = serial % (len(_GARBAGE) + 1)
    data = _GARBAGE[variant] if variant < len(_GARBAGE) else os.urandom(_RANDOM_BYTES)
    return Shot(sources[serial % len(sources)], data)


def _oversized(serial: int, targets: Sequence[Target]) -> Shot:
    target = targets[serial % len(targets)]
    size = _OVERSIZED_BYTES[serial % len(_OVERSIZED_BYTES)]
    head = _forged_reply(target.latest_id or 1, target.src)[: -len(b"}}")]
    padding = b"x" * (size - len(head) - len(b',"pad":""}}'))
    return Shot(target.host, head + b',"pad":"' + padding + b'"}}')


def _echo(serial: int, targets: Sequence[Target]) -> Shot:
    del targets
    request = {"id": serial % _ID_SPACE, "method": "ES.GetMode", "params": {"id": 0}}
    return Shot(STRANGERS[serial % len(STRANGERS)], json.dumps(request).encode())


def _wrong_id(serial: int, targets: Sequence[Target]) -> Shot:
    target = targets[serial % len(targets)]
    request_id = ((target.latest_id or 0) + _FAR_AWAY + serial % _ID_SPREAD) % _ID_SPACE
    return Shot(target.host, _forged_reply(request_id, target.src))


def _duplicate(serial: int, targets: Sequence[Target]) -> Shot:
    target = targets[serial % len(targets)]
    return Shot(target.host, _forged_reply(target.previous_id or 0, target.src))


def _other_ip(serial: int, targets: Sequence[Target]) -> Shot:
    # The latest id is often still waiting for its (delayed) reply: a live id, wrong sender.
    target = targets[serial % len(targets)]
    source = STRANGERS[serial % len(STRANGERS)]
    return Shot(source, _forged_reply(target.latest_id or 0, target.src), spoofs=target)


KINDS: tuple[Kind, ...] = (
    Kind("empty", "zero-length datagrams from strangers", "dropped_garbage", _empty),
    Kind(
        "garbage",
        "non-JSON, bad UTF-8, wrong shapes, bad ids, deep nesting, random bytes",
        "dropped_garbage",
        _garbage,
    ),
    Kind(
        "oversized",
        "4 KiB + 1 to 65000-byte replies from battery addresses",
        "dropped_oversized",
        _oversized,
        burst=3,
        share=0.1,
    ),
    Kind("echo", "request-shaped datagrams (another controller)", "dropped_echo", _echo),
    Kind(
        "wrong-id",
        "replies from battery addresses with ids never sent",
        "dropped_unknown",
        _wrong_id,
    ),
    Kind(
        "duplicate",
        "replies from battery addresses replaying an answered request's id",
        "dropped_duplicate",
        _duplicate,
    ),
    Kind(
        "other-ip",
        "replies carrying a battery's latest (often pending) id, sent from a stranger",
        "dropped_unknown",
        _other_ip,
    ),
)
