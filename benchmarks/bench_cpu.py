"""4. Event-loop CPU per poll: what one `client.get_mode()` costs the client process.

The simulated batteries run in a child process (`python -m simulator`), so the CPU measured
here (`time.process_time` and `time.thread_time` around many polls) is the client's alone:
encoding, the send, the receive callback, decoding, matching and parsing. Two patterns:
all batteries polled at once (one `asyncio.gather` per cycle) and one poll at a time (each
poll pays a whole event-loop wake-up by itself). The child's CPU is read from /proc for
comparison, and the same cycle is repeated with the simulator in-process, to show what a
client+simulator figure would have included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pymarstek import MarstekClient, MarstekError, MarstekTransport
from simulator import BatterySpec, Simulator
from simulator.household import household_specs

from .fleet import add_fleet, clients_for, reading_is_correct
from .results import Result, Table
from .settings import CLIENT_HOST, Settings
from .sim_process import SimulatorProcess, simulator_process

NAME = "cpu"
TITLE = "client CPU per ES.GetMode poll (simulator in another process)"

BATTERIES = 10
BASE_IP = "127.0.0.20"
TIMEOUT_S = 1.0
US = 1_000_000.0
TARGET_US = 1000.0
_WARMUP_CYCLES = 20


@dataclass(frozen=True, slots=True)
class _Measurement:
    pattern: str
    polls: int
    correct: int
    wall_s: float
    process_s: float
    thread_s: float
    child_s: float | None

    def per_poll_us(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / self.polls * US


async def _poll(client: MarstekClient, spec: BatterySpec) -> bool:
    try:
        return reading_is_correct(await client.get_mode(), spec)
    except MarstekError:
        return False


async def _concurrent_cycles(
    clients: list[MarstekClient], specs: list[BatterySpec], cycles: int
) -> int:
    correct = 0
    for _ in range(cycles):
        results = await asyncio.gather(*(_poll(c, s) for c, s in zip(clients, specs, strict=True)))
        correct += sum(results)
    return correct


async def _one_at_a_time(clients: list[MarstekClient], specs: list[BatterySpec], polls: int) -> int:
    correct = 0
    for index in range(polls):
        slot = index % len(clients)
        correct += await _poll(clients[slot], specs[slot])
    return correct


async def _measure(
    pattern: str,
    polls: int,
    work: Callable[[], Awaitable[int]],
    child: SimulatorProcess | None,
) -> _Measurement:
    child_before = child.cpu_seconds() if child else None
    wall, process, thread = time.perf_counter(), time.process_time(), time.thread_time()
    correct = await work()
    wall = time.perf_counter() - wall
    process = time.process_time() - process
    thread = time.thread_time() - thread
    child_after = child.cpu_seconds() if child else None
    child_s = None
    if child_before is not None and child_after is not None:
        child_s = child_after - child_before
    return _Measurement(pattern, polls, correct, wall, process, thread, child_s)


async def _measure_patterns(
    clients: list[MarstekClient],
    specs: list[BatterySpec],
    *,
    cycles: int,
    sequential: int,
    child: SimulatorProcess | None,
    label: str,
) -> list[_Measurement]:
    await _concurrent_cycles(clients, specs, _WARMUP_CYCLES)
    concurrent = await _measure(
        f"{label}: {len(clients)} at once",
        cycles * len(clients),
        lambda: _concurrent_cycles(clients, specs, cycles),
        child,
    )
    single = await _measure(
        f"{label}: one at a time",
        sequential,
        lambda: _one_at_a_time(clients, specs, sequential),
        child,
    )
    return [concurrent, single]


def _transport(settings: Settings) -> MarstekTransport:
    # No pacing: the integration polls far apart, so pacing never sleeps there either.
    return MarstekTransport(settings.port, CLIENT_HOST, min_interval=0.0)


async def _separate_process(settings: Settings, cycles: int, sequential: int) -> list[_Measurement]:
    specs = household_specs(BATTERIES, BASE_IP)  # what `python -m simulator` runs
    async with (
        simulator_process(batteries=BATTERIES, base_ip=BASE_IP, port=settings.port) as child,
        _transport(settings) as transport,
    ):
        clients = clients_for(transport, [s.host for s in specs], settings.port, TIMEOUT_S)
        return await _measure_patterns(
            clients, specs, cycles=cycles, sequential=sequential, child=child, label="client"
        )


async def _in_process(settings: Settings, cycles: int, sequential: int) -> list[_Measurement]:
    async with Simulator(port=settings.port, broadcast_host=None) as sim:
        batteries = await add_fleet(sim, BATTERIES, base_ip=BASE_IP)
        async with _transport(settings) as transport:
            hosts = [battery.host for battery in batteries]
            clients = clients_for(transport, hosts, settings.port, TIMEOUT_S)
            specs = [battery.spec for battery in batteries]
            return await _measure_patterns(
                clients,
                specs,
                cycles=cycles,
                sequential=sequential,
                child=None,
                label="client + in-process simulator",
            )


async def run(settings: Settings) -> Result:
    """Measure CPU per poll with the simulator out of process, then in process."""
    cycles = settings.size(quick=100, full=400)
    sequential = settings.size(quick=500, full=2000)
    result = Result(NAME, TITLE)
    result.parameters = {
        "batteries": BATTERIES,
        "concurrent_polls": cycles * BATTERIES,
        "one_at_a_time_polls": sequential,
    }
    measurements = await _separate_process(settings, cycles, sequential)
    measurements += await _in_process(settings, cycles, sequential)
    for measurement in measurements[:2]:
        per_poll = measurement.per_poll_us(measurement.process_s)
        result.add(
            f"{measurement.pattern}: process CPU per poll",
            per_poll,
            "µs",
            target=f"< {TARGET_US:g}",
            met=per_poll is not None and per_poll < TARGET_US,
            digits=1,
        )
    total = sum(m.polls for m in measurements)
    correct = sum(m.correct for m in measurements)
    result.add("readings correct", f"{correct}/{total}", target="all", met=correct == total)
    result.tables.append(_table(measurements))
    return result


def _table(measurements: list[_Measurement]) -> Table:
    columns = (
        "pattern",
        "polls",
        "polls/s",
        "wall µs/poll",
        "process CPU µs/poll",
        "thread CPU µs/poll",
        "simulator process CPU µs/poll",
    )
    rows = [
        (
            m.pattern,
            m.polls,
            round(m.polls / m.wall_s),
            _round(m.per_poll_us(m.wall_s)),
            _round(m.per_poll_us(m.process_s)),
            _round(m.per_poll_us(m.thread_s)),
            _round(m.per_poll_us(m.child_s)),
        )
        for m in measurements
    ]
    return Table("per pattern", columns, rows)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
