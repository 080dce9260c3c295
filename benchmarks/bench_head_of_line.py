"""2. No head-of-line blocking: dead batteries cost one timeout per cycle, not one each.

20 batteries on one shared transport, 5 of them silent (`Quirks(silent=True)`). A poll cycle
is one `asyncio.gather` of `client.get_mode()` over all 20, as the integration's coordinators
run side by side. Measured per cycle: the wall time of the whole cycle and when the slowest
healthy battery had its reply. The naive alternative (one battery after the other) costs
about dead x timeout + healthy x round trip; it is computed from the measured round trips,
and in the full run also measured once for the shortest timeout.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pymarstek import MarstekClient, MarstekError, MarstekTimeoutError, MarstekTransport
from simulator import BatterySpec, Simulator

from .fleet import add_fleet, clients_for, reading_is_correct, sleep_until
from .results import Result, Table
from .settings import CLIENT_HOST, Settings
from .stats import Spread

NAME = "head-of-line"
TITLE = "20 batteries, 5 dead: a concurrent poll cycle costs one timeout"

BATTERIES = 20
DEAD = frozenset({3, 7, 11, 15, 19})
TIMEOUTS_S = (1.0, 3.0)
MIN_INTERVAL_S = 1.0  # the transport's default pacing, as in the integration
MS = 1000.0


@dataclass(slots=True)
class _Cycles:
    """What the cycles of one timeout produced."""

    walls: list[float]
    healthy_latest: list[float]
    healthy_rtts: list[float]
    healthy_ok: int = 0
    healthy_total: int = 0
    dead_timed_out: int = 0
    dead_total: int = 0


async def _timed_poll(client: MarstekClient, started: float) -> tuple[object, float]:
    try:
        reading: object = await client.get_mode()
    except MarstekError as err:
        reading = err
    return reading, asyncio.get_running_loop().time() - started


async def _run_cycles(
    clients: list[MarstekClient], specs: list[BatterySpec], cycles: int
) -> _Cycles:
    loop = asyncio.get_running_loop()
    outcome = _Cycles([], [], [])
    for _ in range(cycles):
        started = loop.time()
        polls = await asyncio.gather(*(_timed_poll(c, started) for c in clients))
        outcome.walls.append(loop.time() - started)
        healthy_times = []
        for index, (reading, elapsed) in enumerate(polls):
            if index in DEAD:
                outcome.dead_total += 1
                outcome.dead_timed_out += isinstance(reading, MarstekTimeoutError)
                continue
            outcome.healthy_total += 1
            outcome.healthy_ok += reading_is_correct(reading, specs[index])
            healthy_times.append(elapsed)
        outcome.healthy_latest.append(max(healthy_times))
        outcome.healthy_rtts.extend(healthy_times)
        # Keep the next cycle clear of the per-battery pacing, so it measures only polling.
        await sleep_until(started + MIN_INTERVAL_S)
    return outcome


async def _sequential_cycle(clients: list[MarstekClient]) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    for client in clients:
        await _timed_poll(client, started)
    return loop.time() - started


async def run(settings: Settings) -> Result:
    """Poll the fleet in concurrent cycles for each timeout."""
    cycles = settings.size(quick=2, full=5)
    result = Result(NAME, TITLE)
    result.parameters = {
        "batteries": BATTERIES,
        "dead": len(DEAD),
        "cycles_per_timeout": cycles,
        "min_interval_s": MIN_INTERVAL_S,
    }
    rows = []
    async with Simulator(port=settings.port, broadcast_host=None) as sim:
        batteries = await add_fleet(sim, BATTERIES, silent=DEAD)
        specs = [battery.spec for battery in batteries]
        async with MarstekTransport(
            settings.port, CLIENT_HOST, min_interval=MIN_INTERVAL_S
        ) as transport:
            hosts = [battery.host for battery in batteries]
            for timeout in TIMEOUTS_S:
                clients = clients_for(transport, hosts, settings.port, timeout)
                outcome = await _run_cycles(clients, specs, cycles)
                rows.append(_row(timeout, outcome))
                _add_figures(result, timeout, outcome)
            if not settings.quick:
                clients = clients_for(transport, hosts, settings.port, TIMEOUTS_S[0])
                measured = await _sequential_cycle(clients)
                result.add(
                    f"naive sequential cycle, measured once (timeout {TIMEOUTS_S[0]:g} s)",
                    measured,
                    "s",
                )
    per_battery = {sum(b.method_counts().values()) for b in batteries}
    result.notes.append(
        f"datagrams per battery at the simulator: {sorted(per_battery)} "
        "(one per cycle: dead batteries are not retried within a cycle)"
    )
    result.tables.append(_table(rows))
    return result


def _row(timeout: float, outcome: _Cycles) -> tuple[float | None, ...]:
    walls = Spread.of(outcome.walls)
    rtt = Spread.of(outcome.healthy_rtts)
    if walls is None or rtt is None:
        return (timeout, None, None, None, None, None, None)
    naive = len(DEAD) * timeout + (BATTERIES - len(DEAD)) * rtt.median
    return (
        timeout,
        round(walls.minimum, 3),
        round(walls.median, 3),
        round(walls.maximum, 3),
        round(max(outcome.healthy_latest) * MS, 1),
        round(naive, 3),
        round(naive / walls.median, 2),
    )


def _table(rows: list[tuple[float | None, ...]]) -> Table:
    columns = (
        "timeout s",
        "cycle min s",
        "cycle median s",
        "cycle max s",
        "slowest healthy ms",
        "naive sequential s (computed)",
        "speed-up",
    )
    return Table("per timeout", columns, list(rows))


def _add_figures(result: Result, timeout: float, outcome: _Cycles) -> None:
    walls = Spread.of(outcome.walls)
    latest = Spread.of(outcome.healthy_latest)
    if walls is not None:
        result.add(
            f"timeout {timeout:g} s: cycle wall time (min / median / max)",
            walls,
            "s",
            target=f"~{timeout:g} (one timeout)",
            met=walls.maximum < timeout + MIN_INTERVAL_S / 2,
        )
    if latest is not None:
        result.add(
            f"timeout {timeout:g} s: slowest healthy reply in a cycle",
            latest.scaled(MS),
            "ms",
            target="<< timeout",
            met=latest.maximum < timeout / 2,
            digits=1,
        )
    result.add(
        f"timeout {timeout:g} s: healthy replies correct",
        f"{outcome.healthy_ok}/{outcome.healthy_total}",
        target="all",
        met=outcome.healthy_ok == outcome.healthy_total,
    )
    result.add(
        f"timeout {timeout:g} s: dead batteries timed out",
        f"{outcome.dead_timed_out}/{outcome.dead_total}",
        target="all",
        met=outcome.dead_timed_out == outcome.dead_total,
    )
