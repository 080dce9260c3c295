"""The HTTP API: the P1 meter as Home Assistant reads it, and status and control for tests."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest

from simulator import BatterySpec, NonLoopbackAddressError, SimulatedBattery, Simulator
from simulator.household import household_specs
from simulator.http_api import HttpApi

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from .udp_client import UdpClient


async def http(
    api: HttpApi, method: str, path: str, body: object = None, *, raw: bytes | None = None
) -> tuple[int, Any]:
    """One request over a real TCP connection; returns (status, decoded JSON)."""
    reader, writer = await asyncio.open_connection(api.host, api.port)
    if raw is None:
        payload = b"" if body is None else json.dumps(body).encode()
        raw = (
            f"{method} {path} HTTP/1.1\r\nHost: {api.host}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload
    writer.write(raw)
    await writer.drain()
    async with asyncio.timeout(5):
        response = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, content = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert b"Content-Type: application/json" in head
    return status, json.loads(content)


@pytest.fixture
async def api(sim: Simulator) -> AsyncIterator[HttpApi]:
    async def add_next() -> SimulatedBattery:
        count = len(sim.batteries) + 1
        return await sim.add_battery(household_specs(count, "127.0.0.2")[-1])

    server = HttpApi(sim, "127.0.0.1", 0, add_battery=add_next)
    await server.start()
    yield server
    await server.close()


async def test_p1_reading_follows_the_simulation(sim: Simulator, api: HttpApi) -> None:
    waiting = await sim.add_battery(BatterySpec(host="127.0.0.2", mode="Manual"))
    sim.meter.set_load(800)
    sim.meter.set_solar(300)

    status, reading = await http(api, "GET", "/api/v1/data")
    assert status == 200
    assert reading["active_power_w"] == 500  # the Manual battery is idle: load - solar

    waiting.mode = "Auto"  # now it covers the load
    _, reading = await http(api, "GET", "/api/v1/data")
    assert reading["active_power_w"] == 0

    waiting.mode = "Manual"
    sim.advance(3600)
    _, reading = await http(api, "GET", "/api/v1/data")
    assert reading["total_power_import_kwh"] == pytest.approx(0.5, abs=0.001)
    assert reading["total_power_export_kwh"] == 0

    sim.meter.set_solar(1500)
    sim.advance(1800)
    _, reading = await http(api, "GET", "/api/v1/data")
    assert reading["active_power_w"] == -700
    assert reading["total_power_export_kwh"] == pytest.approx(0.35, abs=0.001)


async def test_device_identification(api: HttpApi) -> None:
    status, device = await http(api, "GET", "/api")
    assert status == 200
    assert device["product_type"] == "HWE-P1"
    assert device["api_version"] == "v1"


async def test_status_lists_batteries_and_meter(sim: Simulator, api: HttpApi) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2", soc=61.6, mode="Manual"))
    sim.meter.set_load(250)

    status, document = await http(api, "GET", "/sim/status")

    assert status == 200
    assert document["meter"]["load"] == 250
    assert document["meter"]["power"] == 250
    assert document["wall_time"].startswith("2026-06-01T08:00")
    [battery] = document["batteries"]
    assert battery["host"] == "127.0.0.2"
    assert battery["mode"] == "Manual"
    assert battery["soc"] == pytest.approx(61.6)
    assert battery["bat_soc"] == 62
    assert len(battery["manual_slots"]) == 10
    _, single = await http(api, "GET", "/sim/batteries/127.0.0.2")
    assert single["ble_mac"] == battery["ble_mac"]


async def test_received_datagrams_with_method_filter_and_cursor(
    sim: Simulator, api: HttpApi, client: UdpClient
) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2", mode="Auto"))
    destination = (battery.host, sim.port)
    await client.request(destination, "ES.GetMode", {"id": 0})
    config = {"mode": "Manual", "manual_cfg": {"time_num": 9, "start_time": "00:00",
              "end_time": "00:00", "week_set": 0, "power": 0, "enable": 0}}  # fmt: skip
    await client.request(destination, "ES.SetMode", {"id": 0, "config": config})

    status, received = await http(api, "GET", "/sim/batteries/127.0.0.2/received?method=ES.SetMode")

    assert status == 200
    assert received["next"] == 2
    [write] = received["datagrams"]
    assert write["index"] == 1
    assert write["params"] == {"id": 0, "config": config}
    assert write["source"] == list(client.address)
    assert write["broadcast"] is False

    await client.request(destination, "ES.GetMode", {"id": 0})
    _, later = await http(api, "GET", f"/sim/batteries/127.0.0.2/received?after={received['next']}")
    assert [entry["method"] for entry in later["datagrams"]] == ["ES.GetMode"]
    assert later["next"] == 3


async def test_post_adds_the_next_household_battery(sim: Simulator, api: HttpApi) -> None:
    for _ in range(3):
        await http(api, "POST", "/sim/batteries")

    status, fourth = await http(api, "POST", "/sim/batteries")

    assert status == 201
    assert fourth["host"] == "127.0.0.5"
    assert fourth["ble_mac"] == household_specs(4)[3].ble_mac
    assert [battery.host for battery in sim.batteries][-1] == "127.0.0.5"


async def test_post_without_an_adder_or_on_a_taken_address(sim: Simulator) -> None:
    async def add_taken() -> SimulatedBattery:
        return await sim.add_battery(BatterySpec(host="127.0.0.2"))

    plain = HttpApi(sim, "127.0.0.1", 0)
    taken = HttpApi(sim, "127.0.0.1", 0, add_battery=add_taken)
    await plain.start()
    await taken.start()
    try:
        assert (await http(plain, "POST", "/sim/batteries"))[0] == 405
        assert (await http(taken, "POST", "/sim/batteries"))[0] == 201
        status, error = await http(taken, "POST", "/sim/batteries")
        assert status == 409
        assert "already in use" in error["error"]
    finally:
        await plain.close()
        await taken.close()


async def test_quirks_can_be_changed_and_a_bad_change_changes_nothing(
    sim: Simulator, api: HttpApi, client: UdpClient
) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2"))

    status, error = await http(
        api, "PATCH", "/sim/batteries/127.0.0.2/quirks", {"latency": 0.1, "silent": "yes"}
    )
    assert status == 400
    assert "silent" in error["error"]
    assert battery.quirks.latency == 0.0  # the good half was not applied either

    status, quirks = await http(api, "PATCH", "/sim/batteries/127.0.0.2/quirks", {"silent": True})
    assert status == 200
    assert quirks["silent"] is True
    client.send_request((battery.host, sim.port), "ES.GetMode", {"id": 0})
    with pytest.raises(TimeoutError):
        await client.receive(wait=0.3)

    status, error = await http(api, "PATCH", "/sim/batteries/127.0.0.2/quirks", {"volume": 11})
    assert status == 400
    assert "unknown quirk" in error["error"]


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"latency": 2}, "latency", 2.0),
        ({"lockup_after_per_minute": None}, "lockup_after_per_minute", None),
        ({"es_getstatus": "silent"}, "es_getstatus", "silent"),
        ({"error_replies": {"ES.GetStatus": -32601}}, "error_replies", {"ES.GetStatus": -32601}),
    ],
)
async def test_quirk_types(
    sim: Simulator, api: HttpApi, changes: dict[str, Any], field: str, expected: object
) -> None:
    battery = await sim.add_battery(BatterySpec(host="127.0.0.2"))
    status, _ = await http(api, "PATCH", "/sim/batteries/127.0.0.2/quirks", changes)
    assert status == 200
    assert getattr(battery.quirks, field) == expected


@pytest.mark.parametrize(
    ("changes"),
    [
        {"latency": True},
        {"duplicate_replies": 1.5},
        {"es_getstatus": "sometimes"},
        {"error_replies": {"ES.GetStatus": "x"}},
        {"error_replies": [1]},
    ],
)
async def test_bad_quirk_values(sim: Simulator, api: HttpApi, changes: dict[str, Any]) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"))
    assert (await http(api, "PATCH", "/sim/batteries/127.0.0.2/quirks", changes))[0] == 400


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/sim/batteries/127.0.0.9", 404),
        ("GET", "/sim/batteries/127.0.0.9/received", 404),
        ("GET", "/nothing/here", 404),
        ("DELETE", "/sim/status", 405),
        ("POST", "/api/v1/data", 405),
        ("POST", "/api/v1/prices", 405),
        ("GET", "/sim/batteries/127.0.0.2/received?after=soon", 400),
    ],
)
async def test_errors(sim: Simulator, api: HttpApi, method: str, path: str, status: int) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"))
    answer, document = await http(api, method, path)
    assert answer == status
    assert document["error"]


async def test_malformed_requests(sim: Simulator, api: HttpApi) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.2"))
    assert (await http(api, "GET", "/", raw=b"NONSENSE\r\n\r\n"))[0] == 400
    too_long = b"PATCH /sim/batteries/127.0.0.2/quirks HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"
    assert (await http(api, "PATCH", "/", raw=too_long))[0] == 413
    not_json = b"PATCH /sim/batteries/127.0.0.2/quirks HTTP/1.1\r\nContent-Length: 3\r\n\r\n{x}"
    assert (await http(api, "PATCH", "/", raw=not_json))[0] == 400
    array = b"PATCH /sim/batteries/127.0.0.2/quirks HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]"
    assert (await http(api, "PATCH", "/", raw=array))[0] == 400
    # The server is still there after all of that.
    assert (await http(api, "GET", "/sim/status"))[0] == 200


async def test_a_client_that_hangs_up_early_does_no_harm(api: HttpApi) -> None:
    _, writer = await asyncio.open_connection(api.host, api.port)
    writer.write(b"GET /sim/sta")
    writer.close()
    await writer.wait_closed()
    assert (await http(api, "GET", "/sim/status"))[0] == 200


def test_only_loopback(sim: Simulator) -> None:
    with pytest.raises(NonLoopbackAddressError):
        HttpApi(sim, "0.0.0.0")  # noqa: S104
    with pytest.raises(NonLoopbackAddressError):
        HttpApi(sim, "192.168.1.5")
