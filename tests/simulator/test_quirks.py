"""Each firmware quirk, switched on per battery and changed at runtime."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from simulator import BatterySpec, Quirks, SimulatedBattery, Simulator
from tests.wire import NEUTRAL_MANUAL_CONFIG

from .udp_client import UdpClient

GET_MODE = {"id": 0}
TO_MANUAL = {
    "id": 0,
    "config": NEUTRAL_MANUAL_CONFIG,
}


def _to_passive(seconds: int) -> dict[str, object]:
    """ES.SetMode params: Passive, 500 W for `seconds`."""
    return {
        "id": 0,
        "config": {"mode": "Passive", "passive_cfg": {"power": 500, "cd_time": seconds}},
    }


async def add(
    sim: Simulator, quirks: Quirks | None = None, host: str = "127.0.0.2", **spec: Any
) -> tuple[SimulatedBattery, tuple[str, int]]:
    battery = await sim.add_battery(BatterySpec(host=host, **spec), quirks)
    return battery, (host, sim.port)


async def test_silent_battery_records_but_never_answers(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim, Quirks(silent=True))
    client.send_request(device, "ES.GetMode", GET_MODE)
    client.send_request(device, "Marstek.GetDevice", {"ble_mac": "0"})
    await client.expect_silence()
    assert battery.method_counts() == {"ES.GetMode": 1, "Marstek.GetDevice": 1}


async def test_total_loss(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim, Quirks(loss_rate=1.0))
    client.send_request(device, "ES.SetMode", TO_MANUAL)
    await client.expect_silence()
    assert battery.mode == "Auto"  # a lost request has no effect


async def answered_pattern(client: UdpClient, device: tuple[str, int], count: int) -> list[int]:
    sent = [client.send_request(device, "ES.GetMode", GET_MODE) for _ in range(count)]
    replies = await client.collect(0.2)
    answered = {reply["id"] for reply, _ in replies}
    return [index for index, request_id in enumerate(sent) if request_id in answered]


async def test_partial_loss_is_deterministic_per_seed(sim: Simulator, client: UdpClient) -> None:
    first, first_device = await add(sim, Quirks(loss_rate=0.5, seed=7))
    _, second_device = await add(sim, Quirks(loss_rate=0.5, seed=7), host="127.0.0.3")
    pattern = await answered_pattern(client, first_device, 40)
    assert 5 < len(pattern) < 35
    assert await answered_pattern(client, second_device, 40) == pattern
    first.quirks.seed = 8  # a new seed restarts the sequence differently
    assert await answered_pattern(client, first_device, 40) != pattern


async def test_lost_reply_still_applies_the_write(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim, Quirks(reply_loss_rate=1.0))
    client.send_request(device, "ES.SetMode", TO_MANUAL)
    await client.expect_silence()
    assert battery.mode == "Manual"


async def test_latency_delays_the_reply(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(latency=0.3))
    loop = asyncio.get_running_loop()
    started = loop.time()
    client.send_request(device, "ES.GetMode", GET_MODE, request_id=5)
    with pytest.raises(TimeoutError):
        await client.receive(wait=0.1)  # a caller with a shorter timeout gives up
    reply, _ = await client.receive(wait=1.0)  # ...and the late reply still arrives
    assert reply["id"] == 5
    assert loop.time() - started >= 0.29


async def test_pending_latency_replies_are_cancelled_on_close(port: int) -> None:
    loop = asyncio.get_running_loop()
    client = await UdpClient.open("127.0.0.1", port)
    try:
        async with Simulator(port=port, broadcast_host=None) as simulator:
            battery, device = await add(simulator, Quirks(latency=30.0, duplicate_replies=1))
            client.send_request(device, "ES.GetMode", GET_MODE)
            await wait_until(lambda: battery.pending_replies == 2)
        assert battery.pending_replies == 0
        assert not [
            handle
            for handle in loop._scheduled  # type: ignore[attr-defined]
            if not handle.cancelled()
        ]
    finally:
        await client.close()


async def wait_until(condition: Any, wait: float = 1.0) -> None:
    async with asyncio.timeout(wait):
        while not condition():  # noqa: ASYNC110 - polls simulator state, no event to wait on
            await asyncio.sleep(0.005)


async def test_duplicate_replies(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(duplicate_replies=2))
    client.send_request(device, "ES.GetMode", GET_MODE, request_id=9)
    replies = await client.collect()
    assert len(replies) == 3
    assert all(reply == replies[0] for reply in replies)


async def test_duplicates_can_be_spaced(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(duplicate_replies=1, duplicate_delay=0.2))
    client.send_request(device, "ES.GetMode", GET_MODE)
    assert len(await client.collect(0.1)) == 1
    assert len(await client.collect(0.3)) == 1


async def test_reply_goes_to_the_device_port_by_default(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim)
    ephemeral = await UdpClient.open()
    try:
        ephemeral.send_request(device, "ES.GetMode", GET_MODE, request_id=3)
        await ephemeral.expect_silence()
        reply, source = await client.receive()  # whoever listens on the device port gets it
        assert (reply["id"], source) == (3, device)
    finally:
        await ephemeral.close()


async def test_reply_to_source_port(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(reply_to_source_port=True))
    ephemeral = await UdpClient.open()
    try:
        reply = await ephemeral.request(device, "ES.GetMode", GET_MODE, request_id=4)
        assert reply["id"] == 4
        await client.expect_silence()
    finally:
        await ephemeral.close()


async def test_error_replies_replace_the_method(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim, Quirks(error_replies={"ES.SetMode": -32603}))
    reply = await client.request(device, "ES.SetMode", TO_MANUAL, request_id=6)
    assert reply["error"] == {"code": -32603, "message": "Internal error"}
    assert battery.mode == "Auto"
    battery.quirks.error_replies["ES.GetMode"] = -32601
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["error"]["code"] == -32601
    battery.quirks.error_replies.clear()
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["result"]["mode"] == "Auto"


async def test_lockup_after_too_many_requests_per_minute(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim, Quirks(lockup_after_per_minute=3, lockup_seconds=120))
    for _ in range(3):
        await client.request(device, "ES.GetMode", GET_MODE)
    client.send_request(device, "ES.GetMode", GET_MODE)  # the 4th within a minute
    await client.expect_silence()
    sim.advance(119)
    client.send_request(device, "ES.GetMode", GET_MODE)
    await client.expect_silence()
    sim.advance(2)
    await client.request(device, "ES.GetMode", GET_MODE)
    assert battery.method_counts()["ES.GetMode"] == 6


async def test_no_lockup_when_requests_are_spread(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(lockup_after_per_minute=3))
    for _ in range(10):
        await client.request(device, "ES.GetMode", GET_MODE)
        sim.advance(20.5)


async def test_empty_datagram_can_lock_up(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(lockup_on_empty_datagram=True, lockup_seconds=60))
    client.send_raw(b"", device)
    client.send_request(device, "ES.GetMode", GET_MODE)
    await client.expect_silence()
    sim.advance(60)
    await client.request(device, "ES.GetMode", GET_MODE)


async def test_mode_reverts_when_read_right_after_a_write(
    sim: Simulator, client: UdpClient
) -> None:
    battery, device = await add(sim, Quirks(revert_window=5.0), mode="Auto")
    reply = await client.request(device, "ES.SetMode", TO_MANUAL)
    assert reply["result"]["set_result"] is True
    assert battery.mode == "Manual"
    sim.advance(4)
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["result"]["mode"] == "Auto"
    assert battery.mode == "Auto"  # the write is undone for good
    await client.request(device, "ES.SetMode", TO_MANUAL)
    sim.advance(5)
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["result"]["mode"] == "Manual"


@pytest.mark.parametrize(
    ("quirks", "seconds"),
    [(Quirks(revert_window=5.0), 60), (Quirks(drop_passive=True), 600)],
    ids=["reverted-by-a-read-too-soon", "dropped-silently"],
)
async def test_passive_accepted_but_not_kept(
    sim: Simulator, client: UdpClient, quirks: Quirks, seconds: int
) -> None:
    battery, device = await add(sim, quirks, mode="Auto")
    reply = await client.request(device, "ES.SetMode", _to_passive(seconds=seconds))
    assert reply["result"]["set_result"] is True
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["result"]["mode"] == "Auto"
    assert battery.passive is None


async def test_set_result_false_when_the_mode_is_already_active(
    sim: Simulator, client: UdpClient
) -> None:
    battery, device = await add(sim, Quirks(set_result_false="when_active"), mode="Manual")
    reply = await client.request(device, "ES.SetMode", TO_MANUAL)
    assert reply["result"]["set_result"] is False  # a no-op: Manual already
    assert battery.mode == "Manual"
    to_auto = {"id": 0, "config": {"mode": "Auto", "auto_cfg": {"enable": 1}}}
    reply = await client.request(device, "ES.SetMode", to_auto)
    assert reply["result"]["set_result"] is True
    assert battery.mode == "Auto"
    battery.quirks.set_result_false = "always"
    reply = await client.request(device, "ES.SetMode", TO_MANUAL)
    assert reply["result"]["set_result"] is False  # a refusal: nothing changes
    assert battery.mode == "Auto"


async def test_a_single_receive_channel_loses_the_meter_when_polled_often(
    sim: Simulator, client: UdpClient
) -> None:
    # HMG-50: more than one request a minute collides with the meter's datagrams.
    battery, device = await add(sim, Quirks(meter_collision_polls=1), mode="Auto", soc=50.0)
    sim.meter.set_load(400)
    sim.meter.set_solar(1900)
    assert battery.power == -1500.0  # charging from export
    for _ in range(3):  # once a minute: no collision
        await client.request(device, "ES.GetMode", GET_MODE)
        sim.advance(60)
    assert battery.power == -1500.0
    await client.request(device, "ES.GetMode", GET_MODE)
    sim.advance(30)
    await client.request(device, "ES.GetMode", GET_MODE)  # two within a minute
    assert battery.power == 0.0  # the meter is lost: no more charging from solar
    assert sim.meter.power == -1500.0
    sim.advance(61)  # polling stopped: the meter comes back
    assert battery.power == -1500.0


async def test_es_getstatus_can_be_silent(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(es_getstatus="silent"))
    client.send_request(device, "ES.GetStatus", GET_MODE)
    await client.expect_silence()
    reply = await client.request(device, "ES.GetMode", GET_MODE)
    assert reply["result"]["mode"] == "Auto"


async def test_string_ids_can_be_ignored(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(ignore_string_ids=True))
    client.send_request(device, "ES.GetMode", GET_MODE, request_id="ha-1")
    await client.expect_silence()
    reply = await client.request(device, "ES.GetMode", GET_MODE, request_id=1)
    assert reply["id"] == 1


async def test_echo_requests(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(echo_requests=True))
    client.send_request(device, "ES.GetMode", GET_MODE, request_id=12)
    (echo, _), (reply, _) = await client.collect()
    assert echo == {"id": 12, "method": "ES.GetMode", "params": {"id": 0}}
    assert reply["result"]["id"] == 0


async def test_omit_macs(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(omit_macs=True), model="VenusC", firmware=153)
    reply = await client.request(device, "Marstek.GetDevice", {"ble_mac": "0"})
    assert reply["src"] == "VenusC-acd92968d828"
    assert reply["result"] == {
        "device": "VenusC",
        "ver": 153,
        "wifi_name": "SimNet",
        "ip": "127.0.0.2",
    }


async def test_zero_padded_ip(sim: Simulator, client: UdpClient) -> None:
    _, device = await add(sim, Quirks(zero_padded_ip=True))
    reply = await client.request(device, "Marstek.GetDevice", {"ble_mac": "0"})
    assert reply["result"]["ip"] == "127.000.000.002"


async def test_quirks_change_at_runtime(sim: Simulator, client: UdpClient) -> None:
    battery, device = await add(sim)
    await client.request(device, "ES.GetMode", GET_MODE)
    battery.quirks.silent = True
    client.send_request(device, "ES.GetMode", GET_MODE)
    await client.expect_silence()
    battery.quirks = Quirks(duplicate_replies=1)
    client.send_request(device, "ES.GetMode", GET_MODE)
    assert len(await client.collect()) == 2


def test_quirks_are_independent_per_instance() -> None:
    first, second = Quirks(), Quirks()
    first.error_replies["ES.GetMode"] = -32601
    assert second.error_replies == {}


@pytest.mark.parametrize(
    ("model", "firmware", "silent_status", "string_ids_ignored", "duplicates"),
    [
        ("VenusE 3.0", 139, True, True, 1),
        ("VenusE 3.0", 148, False, False, 1),
        ("VenusE 3.0", 150, False, False, 0),
        ("VenusE", 155, False, False, 1),
        ("VenusE", 156, False, False, 0),
        ("VenusD", 147, False, False, 0),
    ],
)
def test_typical_quirks(
    model: str, firmware: int, silent_status: bool, string_ids_ignored: bool, duplicates: int
) -> None:
    quirks = Quirks.typical_for(model, firmware)
    assert (quirks.es_getstatus == "silent") is silent_status
    assert quirks.ignore_string_ids is string_ids_ignored
    assert quirks.duplicate_replies == duplicates


@pytest.mark.parametrize(
    ("model", "collision_polls"),
    [("VenusE", 1), ("VenusC", 1), ("VenusE 3.0", None), ("VenusD", None)],
)
def test_typical_quirks_of_a_single_receive_channel(
    model: str, collision_polls: int | None
) -> None:
    assert Quirks.typical_for(model, 156).meter_collision_polls == collision_polls
