"""Many batteries on one transport: dead ones never hold up healthy ones."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.marstek_rotation.pymarstek import (
    MarstekClient,
    MarstekTimeoutError,
    MarstekTransport,
    ModeStatus,
)
from simulator import BatterySpec, Quirks, SimulatedBattery, Simulator

from .timing import report

BATTERIES = 20
DEAD = {3, 7, 11, 15, 19}
TIMEOUT = 0.5


async def add_fleet(sim: Simulator) -> list[SimulatedBattery]:
    batteries = []
    for index in range(BATTERIES):
        spec = BatterySpec(
            host=f"127.0.0.{index + 2}", ble_mac=f"acd92968{index:04x}", soc=float(10 + index)
        )
        batteries.append(await sim.add_battery(spec, quirks=Quirks(silent=index in DEAD)))
    return batteries


async def test_poll_cycle_costs_one_timeout_not_one_per_dead_battery(
    sim: Simulator, device_port: int
) -> None:
    batteries = await add_fleet(sim)
    # Default pacing (1 s) on purpose: one request per battery never waits for it.
    async with MarstekTransport(device_port, "127.0.0.1") as transport:
        clients = [
            MarstekClient(transport, battery.host, device_port, timeout=TIMEOUT)
            for battery in batteries
        ]
        loop = asyncio.get_running_loop()
        finished: dict[int, float] = {}

        async def poll(index: int, client: MarstekClient) -> ModeStatus:
            try:
                return await client.get_mode()
            finally:
                finished[index] = loop.time() - started

        started = loop.time()
        results = await asyncio.gather(
            *(poll(index, client) for index, client in enumerate(clients)),
            return_exceptions=True,
        )
        cycle = loop.time() - started

    healthy_latest = max(finished[index] for index in range(BATTERIES) if index not in DEAD)
    report(
        f"{BATTERIES} batteries, {len(DEAD)} dead: cycle {cycle:.3f} s, "
        f"slowest healthy answer {healthy_latest:.3f} s"
    )
    for index, result in enumerate(results):
        if index in DEAD:
            assert isinstance(result, MarstekTimeoutError)
        else:
            assert isinstance(result, ModeStatus)
            assert result.soc == 10 + index
    assert healthy_latest < TIMEOUT / 2
    assert cycle < TIMEOUT + 0.4  # one timeout, not len(DEAD) of them
    for battery in batteries:
        assert battery.method_counts() == {"ES.GetMode": 1}


async def test_repeated_polls_keep_spacing_per_battery_but_not_across(
    sim: Simulator, device_port: int
) -> None:
    batteries = (await add_fleet(sim))[:10]
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0.2) as transport:
        clients = [
            MarstekClient(transport, b.host, device_port, timeout=TIMEOUT) for b in batteries
        ]
        loop = asyncio.get_running_loop()
        started = loop.time()
        # Two polls per battery queued at once: the second waits for spacing on its own host.
        await asyncio.gather(
            *(client.get_mode() for client in clients for _ in range(2)),
            return_exceptions=True,
        )
        elapsed = loop.time() - started
    report(f"2 polls x 10 batteries took {elapsed:.3f} s")
    for battery in batteries:
        arrivals = [entry.loop_time for entry in battery.received]
        assert len(arrivals) == 2
        if battery.quirks.silent:
            continue
        assert arrivals[1] - arrivals[0] >= 0.19
    # Dead ones time out twice in a row (2 x 0.5 s); everything overlaps across hosts.
    assert elapsed < 2 * TIMEOUT + 0.5


@pytest.mark.parametrize("dead_first", [True, False])
async def test_dead_battery_queued_before_healthy_one_on_other_host(
    sim: Simulator, device_port: int, *, dead_first: bool
) -> None:
    dead = await sim.add_battery(BatterySpec(host="127.0.0.2"), quirks=Quirks(silent=True))
    alive = await sim.add_battery(BatterySpec(host="127.0.0.3", ble_mac="acd92968d829"))
    async with MarstekTransport(device_port, "127.0.0.1") as transport:
        dead_client = MarstekClient(transport, dead.host, device_port, timeout=TIMEOUT)
        alive_client = MarstekClient(transport, alive.host, device_port, timeout=TIMEOUT)
        loop = asyncio.get_running_loop()
        started = loop.time()
        calls = [dead_client.get_mode(), alive_client.get_mode()]
        if not dead_first:
            calls.reverse()
        tasks = [asyncio.create_task(call) for call in calls]
        alive_task = tasks[1] if dead_first else tasks[0]
        status = await alive_task
        alive_elapsed = loop.time() - started
        await asyncio.gather(*tasks, return_exceptions=True)
    assert status.mode is not None
    assert alive_elapsed < TIMEOUT / 2
