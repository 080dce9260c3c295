"""Simulated batteries for the benchmarks, and clients for them on one shared transport."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Collection, Sequence

from pymarstek import MarstekClient, MarstekTransport, ModeStatus, OperatingMode
from simulator import BatterySpec, Quirks, SimulatedBattery, Simulator

FIRST_BATTERY_HOST = "127.0.0.2"
# Distinct SOCs, so a reply delivered to the wrong caller shows up as a wrong value.
_FIRST_SOC = 20
_SOC_STEP = 3
_SOC_CYCLE = 25


def nth_host(base_ip: str, index: int) -> str:
    """The address `index` places after `base_ip` (127.0.0.2 + 3 = 127.0.0.5)."""
    return str(ipaddress.IPv4Address(base_ip) + index)


def bench_spec(index: int, base_ip: str = FIRST_BATTERY_HOST) -> BatterySpec:
    """A Venus E at `base_ip + index` with its own MAC and SOC."""
    return BatterySpec(
        host=nth_host(base_ip, index),
        ble_mac=f"02be0000{index:04x}",
        soc=float(_FIRST_SOC + _SOC_STEP * (index % _SOC_CYCLE)),
    )


async def add_fleet(
    sim: Simulator,
    count: int,
    *,
    base_ip: str = FIRST_BATTERY_HOST,
    silent: Collection[int] = (),
    latency: float = 0.0,
) -> list[SimulatedBattery]:
    """Add `count` batteries; the ones whose index is in `silent` never answer."""
    return [
        await sim.add_battery(
            bench_spec(index, base_ip), quirks=Quirks(silent=index in silent, latency=latency)
        )
        for index in range(count)
    ]


def clients_for(
    transport: MarstekTransport,
    hosts: Sequence[str],
    port: int,
    timeout: float,
    quiet_period: float = 0.0,
) -> list[MarstekClient]:
    """One client per host, all on the same transport (as the integration shares it)."""
    return [
        MarstekClient(transport, host, port, timeout=timeout, quiet_period=quiet_period)
        for host in hosts
    ]


def reading_is_correct(status: object, spec: BatterySpec) -> bool:
    """True when `status` is this battery's reading: its SOC, mode Auto.

    Batteries in Auto with no household load hold their power at 0 W, so the SOC stays the
    one in the spec for the whole benchmark.
    """
    return (
        isinstance(status, ModeStatus)
        and status.soc == round(spec.soc)
        and status.mode is OperatingMode.AUTO
    )


async def sleep_until(deadline: float) -> None:
    """Sleep until the event loop's clock reaches `deadline` (no-op when it has)."""
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)
