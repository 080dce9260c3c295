"""Sockets: broadcast hub, moving IPs, removal, recording, loopback-only policy, shutdown."""

from __future__ import annotations

import asyncio

import pytest

from simulator import (
    BatterySpec,
    ManualClock,
    NonLoopbackAddressError,
    SimulatedBattery,
    Simulator,
)
from simulator.household import household_specs

from .udp_client import UdpClient

GET_MODE = {"id": 0}


@pytest.fixture
async def household(sim: Simulator) -> list[SimulatedBattery]:
    return [await sim.add_battery(spec) for spec in household_specs(3)]


async def test_household_defaults(household: list[SimulatedBattery]) -> None:
    assert [(b.host, b.src) for b in household] == [
        ("127.0.0.2", "VenusE-acd92968d828"),
        ("127.0.0.3", "VenusE 3.0-009b08a59a7d"),
        ("127.0.0.4", "VenusE-acd92968deb8"),
    ]


async def test_broadcast_discovery_gets_one_reply_per_battery(
    sim: Simulator, client: UdpClient, household: list[SimulatedBattery]
) -> None:
    client.send_request(("127.255.255.255", sim.port), "Marstek.GetDevice", {"ble_mac": "0"}, 0)
    replies = await client.collect(0.3)
    by_source = {source: reply for reply, source in replies}
    assert sorted(by_source) == [(b.host, sim.port) for b in household]
    for battery in household:
        result = by_source[battery.host, sim.port]["result"]
        assert (result["ip"], result["ble_mac"]) == (battery.host, battery.spec.ble_mac)
    assert all(b.received[-1].broadcast for b in household)


async def test_broadcast_to_one_mac(
    sim: Simulator, client: UdpClient, household: list[SimulatedBattery]
) -> None:
    client.send_request(
        ("127.255.255.255", sim.port), "Marstek.GetDevice", {"ble_mac": "009b08a59a7d"}
    )
    replies = await client.collect(0.3)
    assert [source for _, source in replies] == [(household[1].host, sim.port)]


async def test_other_methods_answer_broadcast_too(
    sim: Simulator, client: UdpClient, household: list[SimulatedBattery]
) -> None:
    client.send_request(("127.255.255.255", sim.port), "ES.GetMode", GET_MODE)
    replies = await client.collect(0.3)
    assert sorted(reply["src"] for reply, _ in replies) == sorted(b.src for b in household)


async def test_without_hub_nothing_listens_on_broadcast(port: int, client: UdpClient) -> None:
    async with Simulator(port=port, broadcast_host=None) as simulator:
        await simulator.add_battery(BatterySpec(host="127.0.0.2"))
        client.send_request(("127.255.255.255", port), "Marstek.GetDevice", {"ble_mac": "0"})
        await client.expect_silence()


async def test_move_to_a_new_ip(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2", soc=73.0, mode="Manual"))
    await battery.move_to("127.0.0.9")
    assert battery.host == "127.0.0.9"
    client.send_request(("127.0.0.2", sim.port), "ES.GetMode", GET_MODE)
    await client.expect_silence()
    reply = await client.request(("127.0.0.9", sim.port), "Marstek.GetDevice", {"ble_mac": "0"})
    assert reply["result"]["ip"] == "127.0.0.9"
    assert reply["src"] == "VenusE-acd92968d828"
    reply = await client.request(("127.0.0.9", sim.port), "ES.GetMode", GET_MODE)
    assert (reply["result"]["mode"], reply["result"]["bat_soc"]) == ("Manual", 73)


async def test_moved_battery_still_hears_broadcasts(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2"))
    await battery.move_to("127.0.0.12")
    client.send_request(("127.255.255.255", sim.port), "Marstek.GetDevice", {"ble_mac": "0"})
    (reply, source), *_ = await client.collect()
    assert source == ("127.0.0.12", sim.port)
    assert reply["result"]["ip"] == "127.0.0.12"


async def test_move_to_refuses_taken_and_foreign_addresses(sim: Simulator) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2"))
    await sim.add_battery(BatterySpec(host="127.0.0.3", ble_mac="009b08a59a7d"))
    with pytest.raises(ValueError, match="already in use"):
        await battery.move_to("127.0.0.3")
    with pytest.raises(NonLoopbackAddressError):
        await battery.move_to("192.0.2.7")
    assert battery.host == "127.0.0.2"


async def test_remove_battery(sim: Simulator, client: UdpClient) -> None:
    gone = await sim.add_battery(BatterySpec(host="127.0.0.2", mode="Auto", soc=50.0))
    stays = await sim.add_battery(
        BatterySpec(host="127.0.0.3", mode="Auto", soc=50.0, ble_mac="009b08a59a7d")
    )
    sim.meter.set_load(1000)
    assert stays.power == 500.0
    await sim.remove_battery(gone)
    assert sim.batteries == (stays,)
    assert stays.power == 1000.0
    client.send_request(("127.0.0.2", sim.port), "ES.GetMode", GET_MODE)
    await client.expect_silence()


async def test_same_host_twice_is_refused(sim: Simulator) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"))
    with pytest.raises(ValueError, match="already in use"):
        await sim.add_battery(BatterySpec(host="127.0.0.2", ble_mac="009b08a59a7d"))


async def test_recording(sim: Simulator, client: UdpClient, clock: ManualClock) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2"))
    device = (battery.host, sim.port)
    await client.request(device, "ES.GetMode", GET_MODE, request_id=1)
    clock.advance(30)
    await client.request(device, "ES.GetMode", {"id": 0}, request_id=2)
    client.send_raw(b"not json", device)
    await client.receive()
    await client.request(device, "Marstek.GetDevice", {"ble_mac": "0"}, request_id=3)

    received = battery.received
    assert [entry.method for entry in received] == [
        "ES.GetMode",
        "ES.GetMode",
        None,
        "Marstek.GetDevice",
    ]
    assert [entry.request_id for entry in received] == [1, 2, None, 3]
    assert received[1].time - received[0].time == 30.0
    assert received[0].source == client.address
    assert received[0].payload == {"id": 0}
    assert received[2].raw == b"not json"
    assert received[3].loop_time >= received[0].loop_time
    assert not any(entry.broadcast for entry in received)
    assert battery.method_counts() == {"ES.GetMode": 2, "Marstek.GetDevice": 1}
    battery.clear_received()
    assert battery.received == []
    assert battery.method_counts() == {}


@pytest.mark.parametrize(
    "host",
    ["192.0.2.10", "10.0.0.2", "0.0.0.0", "localhost", "::1", ""],  # noqa: S104 - all refused
)
def test_batteries_only_on_loopback(host: str) -> None:
    with pytest.raises(NonLoopbackAddressError, match="loopback"):
        BatterySpec(host=host)


def test_broadcast_hub_only_on_loopback() -> None:
    with pytest.raises(NonLoopbackAddressError):
        Simulator(broadcast_host="192.0.2.255")


@pytest.mark.parametrize(
    "overrides",
    [
        {"ble_mac": "ACD92968D828"},
        {"ble_mac": "acd92968d8"},
        {"wifi_mac": "zz"},
        {"mode": "auto"},
        {"soc": 101.0},
        {"capacity_kwh": 0.0},
        {"min_soc": 100.0},
    ],
)
def test_impossible_specs_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each has its own message
        BatterySpec(host="127.0.0.2", **overrides)  # type: ignore[arg-type]


async def test_add_battery_needs_a_started_simulator(port: int) -> None:
    simulator = Simulator(port=port)
    with pytest.raises(RuntimeError, match="start"):
        await simulator.add_battery(BatterySpec(host="127.0.0.2"))


async def test_a_client_on_the_wildcard_address_coexists(port: int) -> None:
    # A real integration binds 0.0.0.0:<device port> next to the batteries.
    async with Simulator(port=port) as simulator:
        await simulator.add_battery(BatterySpec(host="127.0.0.2"))
        wildcard = await UdpClient.open("0.0.0.0", port)  # noqa: S104 - listen only
        try:
            reply = await wildcard.request(("127.0.0.2", port), "ES.GetMode", GET_MODE)
            assert reply["result"]["mode"] == "Auto"
        finally:
            await wildcard.close()


async def test_close_leaves_no_tasks_or_sockets(port: int) -> None:
    tasks_before = asyncio.all_tasks()
    async with Simulator(port=port) as simulator:
        await simulator.add_battery(BatterySpec(host="127.0.0.2"))
    assert asyncio.all_tasks() == tasks_before
    # Every address can be bound again right away (exclusively, without SO_REUSEADDR).
    for host in ("127.0.0.2", "127.255.255.255"):
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            asyncio.DatagramProtocol, local_addr=(host, port)
        )
        transport.close()
    await simulator.close()  # closing twice is harmless
