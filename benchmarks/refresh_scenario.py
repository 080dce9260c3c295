"""CPU per coordinator refresh inside Home Assistant: a pytest scenario `bench_refresh` runs.

Not part of the test suite (pytest collects `tests/` only): `bench_refresh.py` copies it into a
scratch folder beside one version of the integration and runs it there with pytest, once for
this tree and once for the code before the restructuring, so the two figures come from the same
scenario on the same machine. The simulated batteries run in another process, so the CPU
counted is Home Assistant's and the integration's alone. It prints a `FIGURE|...` line.
"""

from __future__ import annotations

import asyncio
import os
import time
from functools import partial
from typing import Any

import pytest
from homeassistant.components.network.network import async_get_network
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.marstek_rotation import transports
from custom_components.marstek_rotation.pymarstek import MarstekTransport
from simulator.household import household_specs

DOMAIN = "marstek_rotation"
WARMUP = 20


def _without_pacing(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """No 1 s spacing between polls of one battery (the refreshes come back to back)."""
    namespace = vars(transports)
    if "LINK_TIMING" in namespace:  # the code before: a test hook in hass.data
        hass.data[namespace["LINK_TIMING"]] = namespace["LinkTiming"](min_interval=0.0)
    else:
        monkeypatch.setattr(
            transports, "MarstekTransport", partial(MarstekTransport, min_interval=0.0)
        )


def _coordinator(entry: MockConfigEntry) -> Any:
    runtime = entry.runtime_data
    return getattr(runtime, "coordinator", runtime)  # the code before: the coordinator itself


@pytest.mark.usefixtures("enable_custom_integrations")
async def test_cpu_per_refresh(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the batteries up, refresh them all many times, print the CPU per refresh."""
    port = int(os.environ["BENCH_PORT"])
    refreshes = int(os.environ["BENCH_REFRESHES"])
    specs = household_specs(int(os.environ["BENCH_BATTERIES"]), os.environ["BENCH_BASE_IP"])
    assert await async_setup_component(hass, "network", {})
    await (await async_get_network(hass)).async_reconfig({"configured_adapters": ["lo"]})
    _without_pacing(hass, monkeypatch)
    entries = []
    for spec in specs:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=spec.ble_mac,
            unique_id=spec.ble_mac,
            data={
                CONF_HOST: spec.host,
                CONF_PORT: port,
                "ble_mac": spec.ble_mac,
                "model": spec.model,
            },
            options={
                "entity_prefix": f"bench_{spec.ble_mac}",
                "rated_capacity": spec.capacity_kwh,
                "poll_interval": 30,
                "timeout": 1.0,
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        entries.append(entry)
    await hass.async_block_till_done()
    coordinators = [_coordinator(entry) for entry in entries]

    async def cycle() -> None:
        await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
        await hass.async_block_till_done()

    for _ in range(WARMUP):
        await cycle()
    start = time.process_time()
    for _ in range(refreshes):
        await cycle()
    cpu = time.process_time() - start

    assert all(coordinator.last_update_success for coordinator in coordinators)
    per_refresh_us = cpu / (refreshes * len(coordinators)) * 1_000_000
    print(f"\nFIGURE|cpu per refresh|{per_refresh_us:.0f}|µs|<= 2000")
    for entry in entries:
        assert await hass.config_entries.async_unload(entry.entry_id)
