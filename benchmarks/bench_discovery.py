"""6. Discovery under attack, and discovery among busy pollers.

A. Flood: while a discovery window is open, an attacker who saw the broadcast answers it from
   20,000 distinct loopback addresses, and with replies of nested empty objects. Measured: the
   batteries the window keeps, and the process's peak memory growth (resident set, sampled).
B. Timing: 20 batteries (5 dead) are polled from their own tasks on a fixed rhythm, with the
   pacing on; a discovery broadcast is made in the middle. Measured: the longest interval
   between two polls of a healthy battery, the smallest gap between two datagrams to one
   battery, and how long the broadcast waited for a moment that delays no poll. Time is
   compressed (6 s instead of 30 s, spacing 0.2 s instead of 1 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import time
from contextlib import suppress
from pathlib import Path

from pymarstek import MarstekError, MarstekTransport, discover_devices
from pymarstek.const import METHOD_GET_DEVICE, METHOD_GET_MODE
from simulator import SimulatedBattery, Simulator

from .fleet import add_fleet, clients_for, sleep_until
from .results import Result
from .settings import CLIENT_HOST, Settings
from .stats import gaps

NAME = "discovery"
TITLE = "discovery windows under a reply flood, and broadcasts among busy pollers"

HUB = "127.255.255.255"
FLOOD_SOURCES = 20_000
NESTED_REPLIES = 600
# Long enough for the whole flood to arrive while the window is open.
WINDOW_S = 15.0
KEPT_TARGET = 32
MEMORY_TARGET_MIB = 20

POLL_INTERVAL_S = 6.0
SPACING_S = 0.2
FLEET = 20
DEAD = 5
TIMEOUT_S = 0.5
MS = 1000.0
_PAGE = os.sysconf("SC_PAGE_SIZE")
_MIB = 1024 * 1024


def _rss_bytes() -> int:
    """This process's resident set size now (Linux /proc)."""
    fields = Path("/proc/self/statm").read_text(encoding="ascii").split()
    return int(fields[1]) * _PAGE


def _forged_reply(request_id: int, index: int) -> bytes:
    mac = f"02{index:010x}"
    result = {"device": "VenusE", "ver": 156, "ble_mac": mac, "wifi_mac": mac, "ip": "x"}
    return json.dumps({"id": request_id, "src": f"VenusE-{mac}", "result": result}).encode()


def _nested_reply(request_id: int) -> bytes:
    """A reply just under the datagram limit, made of nested empty objects."""
    depth = 600
    body = '{"a":' * depth + "{}" + "}" * depth
    return f'{{"id":{request_id},"src":"VenusE-020000000000","result":{body}}}'.encode()


def _flood(request_id: int, port: int, destination: str) -> int:
    """Answer the broadcast from many loopback addresses (run in a thread). Returns sends."""
    sent = 0
    for index in range(FLOOD_SOURCES):
        source = f"127.1.{index // 254}.{index % 254 + 1}"  # 20,000 distinct senders
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((source, 0))
            sock.sendto(_forged_reply(request_id, index), (destination, port))
            sent += 1
    nested = _nested_reply(request_id)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.250", 0))
        for _ in range(NESTED_REPLIES):
            sock.sendto(nested, (destination, port))
            sent += 1
    return sent


async def _flood_window(settings: Settings, result: Result) -> None:
    loop = asyncio.get_running_loop()
    eavesdropper = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    eavesdropper.bind((HUB, settings.port))
    eavesdropper.setblocking(False)  # noqa: FBT003 - socket API
    peak = baseline = _rss_bytes()
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_bytes())
            await asyncio.sleep(0.05)

    async def attack() -> int:
        request = await loop.sock_recv(eavesdropper, 4096)
        request_id = json.loads(request)["id"]
        return await asyncio.to_thread(_flood, request_id, settings.port, CLIENT_HOST)

    try:
        async with MarstekTransport(settings.port, CLIENT_HOST, min_interval=0) as transport:
            sampler = asyncio.create_task(sample())
            attacker = asyncio.create_task(attack())
            started = time.perf_counter()
            found = await discover_devices(
                transport, broadcast_address=HUB, port=settings.port, duration=WINDOW_S, resends=0
            )
            elapsed = time.perf_counter() - started
            sent = await attacker
            stop.set()
            await sampler
            stats = transport.stats
    finally:
        eavesdropper.close()
    growth = (peak - baseline) / _MIB
    result.add("forged replies sent during the window", sent)
    result.add("datagrams that reached the transport (the rest the kernel dropped)", stats.received)
    kept = len(found)
    result.add(
        "batteries the window kept", kept, target=f"<= {KEPT_TARGET}", met=kept <= KEPT_TARGET
    )
    result.add(
        "replies dropped: window full / malformed or too deep",
        f"{stats.dropped_window_full} / {stats.dropped_garbage + stats.dropped_oversized}",
    )
    result.add(
        "peak memory growth during the flood",
        growth,
        "MiB",
        target=f"< {MEMORY_TARGET_MIB}",
        met=growth < MEMORY_TARGET_MIB,
    )
    result.add("window length", elapsed, "s", digits=2)


async def _poll(client: object, start: float, cycles: int) -> None:
    for cycle in range(cycles):
        await sleep_until(start + cycle * POLL_INTERVAL_S)
        with suppress(MarstekError):
            await client.get_mode()  # type: ignore[attr-defined]


def _healthy_intervals(batteries: list[SimulatedBattery]) -> list[float]:
    intervals: list[float] = []
    for battery in batteries:
        polls = [d.loop_time for d in battery.received if d.method == METHOD_GET_MODE]
        intervals.extend(gaps(polls))
    return intervals


async def _busy_fleet(settings: Settings, result: Result, cycles: int) -> None:
    async with Simulator(port=settings.port, broadcast_host=HUB) as sim:
        batteries = await add_fleet(sim, FLEET, silent=set(range(DEAD)))
        async with MarstekTransport(
            settings.port, CLIENT_HOST, min_interval=SPACING_S
        ) as transport:
            clients = clients_for(transport, [b.host for b in batteries], settings.port, TIMEOUT_S)
            loop = asyncio.get_running_loop()
            start = loop.time() + 0.5
            # Each battery has its own phase, as coordinators set up at different moments do.
            chooser = random.Random(7)  # noqa: S311 - reproducible phases, not a secret
            phases = chooser.sample(range(int(POLL_INTERVAL_S * 100)), len(clients))
            pollers = [
                asyncio.create_task(_poll(client, start + phase / 100, cycles))
                for phase, client in zip(phases, clients, strict=True)
            ]
            await sleep_until(start + POLL_INTERVAL_S * cycles / 2)
            asked = loop.time()
            await discover_devices(
                transport,
                broadcast_address=HUB,
                port=settings.port,
                duration=1.0,
                resends=0,
                gap_wait=POLL_INTERVAL_S,
            )
            broadcast = next(
                d.loop_time for d in batteries[-1].received if d.method == METHOD_GET_DEVICE
            )
            await asyncio.gather(*pollers)
    healthy = _healthy_intervals(batteries[DEAD:])
    smallest = min(min(gaps([d.loop_time for d in b.received]), default=9.9) for b in batteries)
    longest = max(healthy)
    delayed = sum(1 for interval in healthy if interval > POLL_INTERVAL_S + 0.01)
    result.add("healthy polls delayed by more than 10 ms", delayed, target="0", met=delayed == 0)
    result.add(
        f"longest interval between two polls of a healthy battery (nominal {POLL_INTERVAL_S:g} s)",
        longest,
        "s",
        target=f"<= {POLL_INTERVAL_S + 0.05:g}",
        met=longest <= POLL_INTERVAL_S + 0.05,
    )
    result.add("time the broadcast waited for a gap", (broadcast - asked) * MS, "ms", digits=0)
    result.add(
        "smallest gap between two datagrams to one battery",
        smallest,
        "s",
        target=f">= {SPACING_S:g}",
        met=smallest >= SPACING_S - 0.005,
        digits=3,
    )


async def run(settings: Settings) -> Result:
    """Flood a window, then time a broadcast among pollers."""
    result = Result(NAME, TITLE)
    cycles = settings.size(quick=4, full=6)
    result.parameters = {
        "flood_sources": FLOOD_SOURCES,
        "nested_replies": NESTED_REPLIES,
        "fleet": FLEET,
        "dead": DEAD,
        "poll_interval_s": POLL_INTERVAL_S,
        "spacing_s": SPACING_S,
        "poll_cycles": cycles,
    }
    await _flood_window(settings, result)
    await _busy_fleet(settings, result, cycles)
    return result
