"""5. Robustness: unwanted datagrams are counted and dropped while polling stays correct.

Four healthy batteries (20 ms reply latency, so requests stay pending long enough to be
spoofed) are polled continuously on one transport. Phase by phase, raw UDP sockets bound to
127.0.0.x fire one kind of unwanted datagram at the transport's port (see `hostile.KINDS`).
After each phase the transport's counters are compared with what was sent, and every poll
result is checked against the battery it came from.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

from pymarstek import MarstekClient, MarstekError, MarstekTransport, TransportStats
from simulator import BatterySpec, SimulatedBattery, Simulator

from .fleet import add_fleet, clients_for, reading_is_correct
from .hostile import KINDS, STRANGERS, Kind, snapshot
from .results import Result, Table
from .settings import CLIENT_HOST, Settings

NAME = "robustness"
TITLE = "unwanted datagrams are dropped and counted; polling stays correct"

BATTERIES = 4
LATENCY_S = 0.02
MIN_INTERVAL_S = 0.05
TIMEOUT_S = 1.0
_SETTLE_S = 0.15
US = 1_000_000.0
_DROPS = tuple(f.name for f in fields(TransportStats) if f.name.startswith("dropped_"))


@dataclass(slots=True)
class _Polls:
    """Poll outcomes during one phase."""

    correct: int = 0
    wrong: int = 0
    failed: int = 0
    wrong_examples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Phase:
    kind: Kind | None
    sent: int = 0
    send_errors: int = 0
    live_ids: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    drops: dict[str, int] = field(default_factory=dict)
    polls: _Polls = field(default_factory=_Polls)


class _Pollers:
    """One polling task per battery, recording outcomes into the current phase."""

    def __init__(self, clients: Sequence[MarstekClient], specs: Sequence[BatterySpec]) -> None:
        self.phase = _Phase(None)
        self._stop = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._loop(client, spec))
            for client, spec in zip(clients, specs, strict=True)
        ]

    async def _loop(self, client: MarstekClient, spec: BatterySpec) -> None:
        while not self._stop.is_set():
            try:
                reading = await client.get_mode()
            except MarstekError:
                self.phase.polls.failed += 1
                continue
            polls = self.phase.polls
            if reading_is_correct(reading, spec):
                polls.correct += 1
            else:
                polls.wrong += 1
                polls.wrong_examples.append(f"{client.host}: {reading}")

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)


@contextlib.contextmanager
def _senders(addresses: Sequence[str]) -> Iterator[dict[str, socket.socket]]:
    sockets: dict[str, socket.socket] = {}
    try:
        for address in addresses:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sockets[address] = sock
            sock.setblocking(False)  # noqa: FBT003 - socket API
            sock.bind((address, 0))
        yield sockets
    finally:
        for sock in sockets.values():
            sock.close()


@dataclass(frozen=True, slots=True)
class _Attack:
    """Everything needed to run phases against one transport."""

    transport: MarstekTransport
    batteries: Sequence[SimulatedBattery]
    sockets: dict[str, socket.socket]
    target: tuple[str, int]
    count: int
    duration: float

    async def phase(self, kind: Kind | None, pollers: _Pollers) -> _Phase:
        """Fire `kind` (nothing for None) while polling; then settle and take the counters."""
        phase = _Phase(kind)
        pollers.phase = phase
        before = self.transport.stats
        loop = asyncio.get_running_loop()
        started, cpu = loop.time(), time.process_time()
        if kind is None:
            await asyncio.sleep(self.duration)
        else:
            await self._fire(kind, max(1, round(self.count * kind.share)), phase)
        await asyncio.sleep(_SETTLE_S)
        phase.seconds = loop.time() - started
        phase.cpu_s = time.process_time() - cpu
        after = self.transport.stats
        phase.drops = {name: getattr(after, name) - getattr(before, name) for name in _DROPS}
        return phase

    async def _fire(self, kind: Kind, count: int, phase: _Phase) -> None:
        """Send `count` datagrams of `kind` in bursts spread evenly over the phase."""
        loop = asyncio.get_running_loop()
        pause = self.duration / max(1, count // kind.burst)
        for first in range(0, count, kind.burst):
            # Nothing reaches the batteries within a burst (no await): one snapshot is exact.
            targets, now = snapshot(self.batteries), loop.time()
            for serial in range(first, min(count, first + kind.burst)):
                shot = kind.build(serial, targets)
                if shot.spoofs is not None and now - shot.spoofs.latest_at < LATENCY_S:
                    phase.live_ids += 1  # its reply is still being delayed by the battery
                try:
                    self.sockets[shot.source].sendto(shot.data, self.target)
                    phase.sent += 1
                except OSError:
                    phase.send_errors += 1
            await asyncio.sleep(pause)


async def run(settings: Settings) -> Result:
    """Poll four batteries while firing each kind of unwanted datagram in its own phase."""
    count = settings.size(quick=300, full=1500)
    duration = settings.size(quick=4, full=10) / 10
    result = Result(NAME, TITLE)
    result.parameters = {
        "batteries": BATTERIES,
        "datagrams_per_kind": count,
        "seconds_per_phase": duration,
        "poll_spacing_s": MIN_INTERVAL_S,
    }
    phases: list[_Phase] = []
    async with Simulator(port=settings.port, broadcast_host=None) as sim:
        batteries = await add_fleet(sim, BATTERIES, latency=LATENCY_S)
        addresses = sorted({b.host for b in batteries} | set(STRANGERS))
        async with MarstekTransport(
            settings.port, CLIENT_HOST, min_interval=MIN_INTERVAL_S
        ) as transport:
            hosts = [battery.host for battery in batteries]
            clients = clients_for(transport, hosts, settings.port, TIMEOUT_S)
            pollers = _Pollers(clients, [battery.spec for battery in batteries])
            try:
                with _senders(addresses) as sockets:
                    target = (CLIENT_HOST, settings.port)
                    attack = _Attack(transport, batteries, sockets, target, count, duration)
                    phases = [await attack.phase(kind, pollers) for kind in (None, *KINDS)]
            finally:
                await pollers.stop()
            final = transport.stats
    _report(result, phases, final)
    return result


@dataclass(slots=True)
class _Totals:
    sent: int = 0
    counted: int = 0
    live_ids: int = 0
    polls: _Polls = field(default_factory=_Polls)

    def add(self, phase: _Phase, counted: int) -> None:
        self.sent += phase.sent
        self.counted += counted
        self.live_ids += phase.live_ids
        self.polls.correct += phase.polls.correct
        self.polls.wrong += phase.polls.wrong
        self.polls.failed += phase.polls.failed


def _report(result: Result, phases: list[_Phase], final: TransportStats) -> None:
    baseline = phases[0]
    idle_cpu_rate = baseline.cpu_s / baseline.seconds if baseline.seconds else 0.0
    totals = _Totals()
    rows = []
    for phase in phases:
        counter = phase.kind.counter if phase.kind else "-"
        counted = phase.drops.get(counter, 0)
        other = sum(phase.drops.values()) - counted
        totals.add(phase, counted)
        extra_cpu = phase.cpu_s - idle_cpu_rate * phase.seconds
        polls = phase.polls
        rows.append(
            (
                phase.kind.name if phase.kind else "(none: baseline)",
                phase.sent,
                round(phase.sent / phase.seconds),
                counter,
                counted,
                other,
                phase.sent - counted - other,
                round(extra_cpu / phase.sent * US, 1) if phase.sent else None,
                f"{polls.correct}/{polls.wrong}/{polls.failed}",
            )
        )
        name = phase.kind.name if phase.kind else "baseline"
        result.notes.extend(f"wrong reading during {name}: {e}" for e in polls.wrong_examples[:3])
    _figures(result, totals, final)
    columns = (
        "kind",
        "sent",
        "sent/s",
        "expected counter",
        "counted there",
        "other drops",
        "not received",
        "extra CPU µs/datagram",
        "polls ok/wrong/failed",
    )
    result.tables.append(Table("per kind (one phase each, polling throughout)", columns, rows))
    result.tables.append(
        Table("what was sent", ("kind", "datagrams"), [(k.name, k.what) for k in KINDS])
    )
    send_errors = sum(phase.send_errors for phase in phases)
    if send_errors:
        result.notes.append(f"{send_errors} datagrams could not be sent (not counted as sent)")
    result.notes.append(
        "extra CPU = the phase's process CPU minus the baseline phase's rate; it includes "
        "building and sending the datagram in this same process, so it is an upper bound"
    )


def _figures(result: Result, totals: _Totals, final: TransportStats) -> None:
    polls = totals.polls
    result.add("unwanted datagrams sent", totals.sent)
    result.add(
        "dropped under the expected counter",
        f"{totals.counted}/{totals.sent}",
        target="all",
        met=totals.counted == totals.sent,
    )
    result.add("other-ip: spoofed replies sent while the real one was pending", totals.live_ids)
    result.add("polls with a correct reading", polls.correct)
    result.add("polls with a wrong reading", polls.wrong, target="0", met=polls.wrong == 0)
    result.add("polls that failed (timeout)", polls.failed, target="0", met=polls.failed == 0)
    answered = polls.correct + polls.wrong
    result.add(
        "replies delivered to callers / polls answered",
        f"{final.replies}/{answered}",
        target="equal",
        met=final.replies == answered,
    )
