"""1. Healthy batteries: one `ES.GetMode` per poll interval and nothing else while polling.

A library-level copy of the integration's coordinator: every battery reads its identity once
(`Marstek.GetDevice`, setup), then polls `ES.GetMode` on a fixed schedule from its own task,
all batteries on one shared transport. The interval is compressed (0.25 s instead of 30 s;
pacing 0.01 s instead of 1 s) so a few dozen intervals fit in seconds. The datagrams are
counted where they arrive: at the simulated batteries.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter

from pymarstek import MarstekClient, MarstekError, MarstekTransport
from pymarstek.const import METHOD_GET_MODE
from simulator import SimulatedBattery, Simulator

from .fleet import add_fleet, clients_for, reading_is_correct, sleep_until
from .results import Result
from .settings import CLIENT_HOST, Settings
from .stats import Spread, gaps

NAME = "poll-rate"
TITLE = "one ES.GetMode per poll interval per healthy battery, nothing else"

BATTERIES = 3
INTERVAL_S = 0.25
MIN_INTERVAL_S = 0.01
TIMEOUT_S = 1.0
MS = 1000.0


async def _poll_loop(client: MarstekClient, start: float, cycles: int) -> list[object]:
    """Poll on a fixed schedule (start, start + interval, ...), like a coordinator."""
    readings: list[object] = []
    for cycle in range(cycles):
        await sleep_until(start + cycle * INTERVAL_S)
        try:
            readings.append(await client.get_mode())
        except MarstekError as err:
            readings.append(err)
    return readings


def _per_interval_counts(
    battery: SimulatedBattery, mark: int, start: float, cycles: int
) -> tuple[list[int], Counter[str], list[float]]:
    """GetMode datagrams in each interval, other methods, and GetMode arrival times."""
    windows = [0] * cycles
    others: Counter[str] = Counter()
    arrivals: list[float] = []
    for datagram in battery.received[mark:]:
        if datagram.method != METHOD_GET_MODE:
            others[datagram.method or "(not a request)"] += 1
            continue
        arrivals.append(datagram.loop_time)
        index = math.floor((datagram.loop_time - start) / INTERVAL_S)
        if 0 <= index < cycles:
            windows[index] += 1
        else:
            others["ES.GetMode outside the polling window"] += 1
    return windows, others, arrivals


async def run(settings: Settings) -> Result:
    """Poll `BATTERIES` healthy batteries for a number of compressed intervals."""
    cycles = settings.size(quick=12, full=40)
    result = Result(NAME, TITLE)
    result.parameters = {
        "batteries": BATTERIES,
        "interval_s": INTERVAL_S,
        "intervals": cycles,
        "min_interval_s": MIN_INTERVAL_S,
    }
    async with Simulator(port=settings.port, broadcast_host=None) as sim:
        batteries = await add_fleet(sim, BATTERIES)
        async with MarstekTransport(
            settings.port, CLIENT_HOST, min_interval=MIN_INTERVAL_S
        ) as transport:
            hosts = [battery.host for battery in batteries]
            clients = clients_for(transport, hosts, settings.port, TIMEOUT_S)
            for client in clients:  # setup, as the coordinator's first refresh does
                await client.get_device()
            setup_counts = Counter(m for b in batteries for m in b.method_counts().elements())
            marks = [len(battery.received) for battery in batteries]
            sent_before = transport.stats.sent
            start = asyncio.get_running_loop().time() + INTERVAL_S
            readings = await asyncio.gather(*(_poll_loop(c, start, cycles) for c in clients))
            sent = transport.stats.sent - sent_before
    windows: list[int] = []
    others: Counter[str] = Counter()
    poll_gaps: list[float] = []
    for battery, mark in zip(batteries, marks, strict=True):
        counts, other, arrivals = _per_interval_counts(battery, mark, start, cycles)
        windows.extend(counts)
        others.update(other)
        poll_gaps.extend(gaps(arrivals))
    correct = sum(
        reading_is_correct(reading, battery.spec)
        for battery, series in zip(batteries, readings, strict=True)
        for reading in series
    )
    _add_figures(result, windows, others, poll_gaps, correct=correct, sent=sent, cycles=cycles)
    result.notes.append(
        "setup before polling (not counted): "
        + ", ".join(f"{n} {m}" for m, n in sorted(setup_counts.items()))
    )
    return result


def _add_figures(
    result: Result,
    windows: list[int],
    others: Counter[str],
    poll_gaps: list[float],
    *,
    correct: int,
    sent: int,
    cycles: int,
) -> None:
    expected = BATTERIES * cycles
    result.add(
        "ES.GetMode per battery per interval (min)",
        min(windows),
        target="exactly 1",
        met=min(windows) == 1,
    )
    result.add(
        "ES.GetMode per battery per interval (max)",
        max(windows),
        target="exactly 1",
        met=max(windows) == 1,
    )
    result.add(
        "other datagrams while polling",
        sum(others.values()),
        target="0",
        met=not others,
    )
    result.add("datagrams sent by the transport", sent, target=str(expected), met=sent == expected)
    spread = Spread.of(poll_gaps)
    if spread is not None:
        result.add(
            "gap between polls at the battery (min / median / max)",
            spread.scaled(MS),
            "ms",
            target=f"~{INTERVAL_S * MS:.0f}",
            digits=1,
        )
    result.add("readings correct (SOC and mode)", f"{correct}/{expected}", met=correct == expected)
    for method, count in sorted(others.items()):
        result.notes.append(f"unexpected while polling: {count} x {method}")
