"""Discovery by broadcast through the simulator's loopback broadcast hub."""

from __future__ import annotations

import asyncio
import json
from itertools import pairwise

from custom_components.marstek_rotation.pymarstek import (
    MarstekClient,
    MarstekTransport,
    discover_devices,
)
from simulator import BatterySpec, Quirks, Simulator

from .conftest import BROADCAST_HUB


async def test_discover_finds_every_answering_battery(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    await sim.add_battery(
        BatterySpec(host="127.0.0.5", model="VenusE 3.0", firmware=1476, ble_mac="009b08a5e0a0")
    )
    await sim.add_battery(BatterySpec(host="127.0.0.2", ble_mac="acd92968d828"))
    await sim.add_battery(
        BatterySpec(host="127.0.0.3", model="VenusC", firmware=153, ble_mac="acd92968d829"),
        quirks=Quirks(omit_macs=True, duplicate_replies=1),
    )
    dead = await sim.add_battery(
        BatterySpec(host="127.0.0.4", ble_mac="acd92968d82a"), quirks=Quirks(silent=True)
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    devices = await discover_devices(
        sim_transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.4
    )
    elapsed = loop.time() - started
    assert 0.39 <= elapsed < 1.0
    assert [(d.host, d.model, d.ble_mac, d.firmware_version) for d in devices] == [
        ("127.0.0.2", "VenusE", "acd92968d828", 155),
        ("127.0.0.3", "VenusC", "acd92968d829", 153),  # MAC taken from src
        ("127.0.0.5", "VenusE 3.0", "009b08a5e0a0", 147),
    ]
    # The request reached every battery through the broadcast address, twice (one resend).
    received = dead.received
    assert len(received) == 2
    assert all(entry.broadcast for entry in received)
    requests = [json.loads(entry.raw) for entry in received]
    assert requests[0] == requests[1]
    assert requests[0]["method"] == "Marstek.GetDevice"
    assert requests[0]["params"] == {"ble_mac": "0"}
    assert requests[0]["id"] != 0


async def test_discover_reads_a_zero_padded_reported_address(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    await sim.add_battery(
        BatterySpec(host="127.0.0.2", model="VenusE 3.0", firmware=150, ble_mac="009b08a5e0a0"),
        quirks=Quirks(zero_padded_ip=True),
    )
    await sim.add_battery(
        BatterySpec(host="127.0.0.3", model="VenusA", firmware=149, ble_mac="acd92968d828"),
        quirks=Quirks(zero_padded_ip=True),
    )
    devices = await discover_devices(
        sim_transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.3
    )
    assert [(d.host, d.reported_ip, d.reports_another_address) for d in devices] == [
        ("127.0.0.2", "127.0.0.2", False),
        ("127.0.0.3", "127.0.0.3", False),
    ]


async def test_discover_deduplicates_by_ble_mac(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    # One battery seen on two addresses (for example Wi-Fi and Ethernet) is one battery.
    await sim.add_battery(BatterySpec(host="127.0.0.2", ble_mac="acd92968d828"))
    await sim.add_battery(BatterySpec(host="127.0.0.3", ble_mac="acd92968d828"))
    devices = await discover_devices(
        sim_transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.3, resends=0
    )
    assert [d.host for d in devices] == ["127.0.0.2"]


async def test_discover_with_nobody_listening(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    assert sim.batteries == ()
    devices = await discover_devices(
        sim_transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.2
    )
    assert devices == []
    assert sim_transport.stats.sent == 2


async def test_discover_skips_error_replies(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"))
    await sim.add_battery(
        BatterySpec(host="127.0.0.3", ble_mac="acd92968d829"),
        quirks=Quirks(error_replies={"Marstek.GetDevice": -32603}),
    )
    devices = await discover_devices(
        sim_transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.3
    )
    assert [d.host for d in devices] == ["127.0.0.2"]


async def test_a_broadcast_keeps_the_spacing_to_every_known_battery(
    sim: Simulator, device_port: int
) -> None:
    """A broadcast reaches every battery, so it obeys and renews each one's spacing."""
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2", ble_mac="acd92968d828"))
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0.3) as transport:
        client = MarstekClient(transport, "127.0.0.2", device_port, timeout=1.0)
        await client.get_mode()
        await discover_devices(
            transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.2, resends=0
        )
        await client.get_mode()

    times = [datagram.loop_time for datagram in battery.received]
    methods = [datagram.method for datagram in battery.received]
    assert methods == ["ES.GetMode", "Marstek.GetDevice", "ES.GetMode"]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    print(f"gaps around a broadcast at 0.3 s spacing: {[round(gap, 3) for gap in gaps]}")
    assert all(gap >= 0.29 for gap in gaps), gaps


async def _poll_every(client: MarstekClient, start: float, period: float, count: int) -> None:
    loop = asyncio.get_running_loop()
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n * period - loop.time()))
        await client.get_mode()


async def test_a_broadcast_waits_for_a_gap_instead_of_delaying_a_poll(
    sim: Simulator, device_port: int
) -> None:
    """The next poll is due 0.05 s after the broadcast is asked for: it goes first, on time."""
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2", ble_mac="acd92968d828"))
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0.3) as transport:
        client = MarstekClient(transport, "127.0.0.2", device_port, timeout=1.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        poller = asyncio.create_task(_poll_every(client, start, 1.0, 4))
        await asyncio.sleep(max(0.0, start + 1.95 - loop.time()))  # poll 3 is due at 2.0
        await discover_devices(
            transport,
            broadcast_address=BROADCAST_HUB,
            port=device_port,
            duration=0.2,
            resends=0,
            gap_wait=2.0,
        )
        await poller

    polls = [d.loop_time - start for d in battery.received if d.method == "ES.GetMode"]
    [broadcast] = [d.loop_time - start for d in battery.received if d.broadcast]
    print(f"polls at {[round(t, 3) for t in polls]}, broadcast at {broadcast:.3f}")
    # Every poll on its rhythm; the broadcast between two polls, spaced from both.
    assert all(abs(at - n) < 0.05 for n, at in enumerate(polls)), polls
    assert 2.29 < broadcast < 2.71


async def test_a_broadcast_does_not_wait_for_a_dead_batterys_reply(
    sim: Simulator, device_port: int
) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"), quirks=Quirks(silent=True))
    alive = await sim.add_battery(BatterySpec(host="127.0.0.3", ble_mac="acd92968d829"))
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0.2) as transport:
        dead = MarstekClient(transport, "127.0.0.2", device_port, timeout=3.0)
        waiting = asyncio.create_task(dead.get_mode())
        await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        asked = loop.time()
        found = await discover_devices(
            transport, broadcast_address=BROADCAST_HUB, port=device_port, duration=0.3, resends=0
        )
        waiting.cancel()
    [broadcast] = [d.loop_time for d in alive.received if d.broadcast]
    print(f"broadcast sent {broadcast - asked:.3f} s after it was asked for")
    # The dead battery's request is 0.05 s old: only its spacing (0.2 s) is waited for.
    assert broadcast - asked < 0.3
    assert [device.host for device in found] == ["127.0.0.3"]


async def test_a_window_keeps_a_bounded_number_of_batteries(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    for n in range(6):
        await sim.add_battery(BatterySpec(host=f"127.0.0.{2 + n}", ble_mac=f"acd9296800{n:02x}"))
    devices = await discover_devices(
        sim_transport,
        broadcast_address=BROADCAST_HUB,
        port=device_port,
        duration=0.3,
        resends=0,
        max_devices=4,
    )
    assert len(devices) == 4
    assert sim_transport.stats.dropped_window_full == 2
