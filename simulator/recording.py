"""What a battery received, kept so tests can assert counts, methods and spacing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ReceivedDatagram:
    """One datagram that reached a battery (whether or not it was answered).

    Attributes:
        time: simulator clock time of arrival, s.
        source: (ip, port) of the sender.
        method: the request's ``method``, or None if the datagram was not a request.
        request_id: the top-level ``id`` as sent (None if absent or unparseable).
        payload: the request's ``params`` object, if it had one.
        raw: the datagram bytes.
        broadcast: True if it arrived through the broadcast address.
        loop_time: event-loop time of arrival, s (real time even under a manual clock).
    """

    time: float
    source: tuple[str, int]
    method: str | None
    request_id: object
    payload: dict[str, Any] | None
    raw: bytes
    broadcast: bool = False
    loop_time: float = 0.0


class DatagramLog:
    """Append-only record of received datagrams."""

    def __init__(self) -> None:
        """Start empty."""
        self._entries: list[ReceivedDatagram] = []

    def append(self, entry: ReceivedDatagram) -> None:
        """Record one datagram."""
        self._entries.append(entry)

    @property
    def entries(self) -> list[ReceivedDatagram]:
        """The recorded datagrams, oldest first (a copy)."""
        return list(self._entries)

    def method_counts(self) -> Counter[str]:
        """How many requests of each method arrived (non-requests are not counted)."""
        return Counter(entry.method for entry in self._entries if entry.method is not None)

    def clear(self) -> None:
        """Forget everything recorded so far."""
        self._entries.clear()
