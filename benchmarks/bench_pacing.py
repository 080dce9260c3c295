"""3. Pacing: at least `min_interval` between two datagrams to one battery; quiet after writes.

Two batteries on one transport with the integration's spacing (1 s) and a shortened
post-write quiet period (2 s instead of 15 s). Battery A gets several `ES.GetMode` calls fired
at once; at the same moment battery B gets a read, a write (`ES.SetMode` Auto) and, as soon as
the write returns, another read. The gaps are measured where the datagrams arrive, at the
simulator (`ReceivedDatagram.loop_time`, the shared event-loop clock).
"""

from __future__ import annotations

import asyncio
from itertools import pairwise

from pymarstek import MarstekClient, MarstekTransport, OperatingMode
from pymarstek.const import METHOD_GET_MODE, METHOD_SET_MODE
from simulator import SimulatedBattery, Simulator

from .fleet import add_fleet, clients_for
from .results import Result, Table
from .settings import CLIENT_HOST, Settings
from .stats import Spread, gaps

NAME = "pacing"
TITLE = "min 1 s between datagrams to one battery; quiet period after a write"

MIN_INTERVAL_S = 1.0
QUIET_PERIOD_S = 2.0
TIMEOUT_S = 1.0
MS = 1000.0
# Scheduling slack allowed below a target before it counts as missed.
_SLACK_S = 0.005
# Request ids are uint16 and wrap; a later id is less than half the space ahead.
_ID_SPACE = 0x10000


async def _write_then_read(client: MarstekClient) -> tuple[bool, float]:
    """Read, write Auto, read again; whether it is quiet, and how long, after the write."""
    await client.get_mode()
    await client.set_mode(OperatingMode.AUTO)
    remaining = client.transport.quiet_remaining(client.host)
    quiet = remaining > 0
    await client.get_mode()
    return quiet, remaining


def _arrivals(battery: SimulatedBattery) -> list[tuple[float, str | None, object]]:
    return [(d.loop_time, d.method, d.request_id) for d in battery.received]


async def run(settings: Settings) -> Result:
    """Fire requests back to back at one battery while another one is written to."""
    burst = settings.size(quick=3, full=6)
    result = Result(NAME, TITLE)
    result.parameters = {
        "min_interval_s": MIN_INTERVAL_S,
        "quiet_period_s": QUIET_PERIOD_S,
        "back_to_back_requests": burst,
    }
    async with Simulator(port=settings.port, broadcast_host=None) as sim:
        bat_a, bat_b = await add_fleet(sim, 2)
        async with MarstekTransport(
            settings.port, CLIENT_HOST, min_interval=MIN_INTERVAL_S
        ) as transport:
            client_a, client_b = clients_for(
                transport, [bat_a.host, bat_b.host], settings.port, TIMEOUT_S, QUIET_PERIOD_S
            )
            started = asyncio.get_running_loop().time()
            burst_task = asyncio.gather(*(client_a.get_mode() for _ in range(burst)))
            quiet, remaining = await _write_then_read(client_b)
            await burst_task
    a_times = [t for t, _, _ in _arrivals(bat_a)]
    b_log = _arrivals(bat_b)
    _add_burst_figures(result, a_times, started)
    _add_write_figures(result, b_log, started, quiet=quiet, remaining=remaining)
    smallest = min(
        min(gaps([d.loop_time for d in b.received]), default=0.0) for b in (bat_a, bat_b)
    )
    result.add(
        "smallest gap between two datagrams to one battery (A or B)",
        smallest,
        "s",
        target=f">= {MIN_INTERVAL_S:g}",
        met=smallest >= MIN_INTERVAL_S - _SLACK_S,
        digits=4,
    )
    ids = [d.request_id for d in bat_a.received if isinstance(d.request_id, int)]
    in_order = all(
        0 < (later - earlier) % _ID_SPACE < _ID_SPACE // 2 for earlier, later in pairwise(ids)
    )
    result.add("A: requests arrived in call order (ids)", in_order, met=in_order)
    result.tables.append(_timeline(bat_a, bat_b, started))
    return result


def _add_burst_figures(result: Result, a_times: list[float], started: float) -> None:
    spread = Spread.of(gaps(a_times))
    if spread is None:
        result.notes.append("battery A received fewer than two datagrams")
        return
    result.add(
        "A: gap between back-to-back requests (min / median / max)",
        spread,
        "s",
        target=f">= {MIN_INTERVAL_S:g}",
        met=spread.minimum >= MIN_INTERVAL_S - _SLACK_S,
        digits=4,
    )
    result.add("A: first request sent after", (a_times[0] - started) * MS, "ms", digits=2)
    result.add("A: last request sent after", a_times[-1] - started, "s")


def _add_write_figures(
    result: Result,
    b_log: list[tuple[float, str | None, object]],
    started: float,
    *,
    quiet: bool,
    remaining: float,
) -> None:
    methods = [method for _, method, _ in b_log]
    if methods != [METHOD_GET_MODE, METHOD_SET_MODE, METHOD_GET_MODE]:
        result.notes.append(f"battery B received {methods}, expected read, write, read")
        return
    (read1, _, _), (write, _, _), (read2, _, _) = b_log
    result.add(
        "B: first request sent after (while A is busy)",
        (read1 - started) * MS,
        "ms",
        target="~0 (hosts never wait on each other)",
        met=read1 - started < MIN_INTERVAL_S / 2,
        digits=2,
    )
    result.add(
        "B: gap ES.GetMode -> ES.SetMode",
        write - read1,
        "s",
        target=f">= {MIN_INTERVAL_S:g}",
        met=write - read1 >= MIN_INTERVAL_S - _SLACK_S,
        digits=4,
    )
    result.add(
        "B: gap ES.SetMode -> next ES.GetMode (quiet period)",
        read2 - write,
        "s",
        target=f">= {QUIET_PERIOD_S:g}",
        met=read2 - write >= QUIET_PERIOD_S - _SLACK_S,
        digits=4,
    )
    result.add("B: quiet right after the write", quiet, target="yes", met=quiet)
    result.add("B: quiet_remaining() right after the write", remaining, "s")


def _timeline(bat_a: SimulatedBattery, bat_b: SimulatedBattery, started: float) -> Table:
    rows = sorted(
        (round(time - started, 4), battery.host, method or "-")
        for battery in (bat_a, bat_b)
        for time, method, _ in _arrivals(battery)
    )
    return Table("arrivals at the simulator", ("t s", "battery", "method"), rows)
