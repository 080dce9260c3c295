"""Replies to each read method, and the errors a device gives, checked exactly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from simulator import BatterySpec, Simulator

if TYPE_CHECKING:
    from .udp_client import UdpClient

HOST = "127.0.0.2"


async def add_venus_e(sim: Simulator, **overrides: object) -> tuple[str, int]:
    spec = BatterySpec(
        host=HOST,
        model="VenusE",
        firmware=155,
        ble_mac="acd92968d828",
        wifi_mac="b4b024a2887a",
        ssid="SimNet",
        capacity_kwh=5.12,
        soc=64.4,
        mode="Manual",
        **overrides,  # type: ignore[arg-type]
    )
    await sim.add_battery(spec)
    return HOST, sim.port


async def test_get_device_for_all(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "Marstek.GetDevice", {"ble_mac": "0"}, request_id=0)
    assert reply == {
        "id": 0,
        "src": "VenusE-acd92968d828",
        "result": {
            "device": "VenusE",
            "ver": 155,
            "ble_mac": "acd92968d828",
            "wifi_mac": "b4b024a2887a",
            "wifi_name": "SimNet",
            "ip": HOST,
        },
    }


async def test_get_device_for_its_own_mac_only(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "Marstek.GetDevice", {"ble_mac": "ACD92968D828"})
    assert reply["result"]["ble_mac"] == "acd92968d828"
    client.send_request(device, "Marstek.GetDevice", {"ble_mac": "acd92968deb8"})
    await client.expect_silence()


async def test_get_device_without_ble_mac_is_invalid_params(
    sim: Simulator, client: UdpClient
) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "Marstek.GetDevice", {}, request_id=12)
    assert reply == {
        "id": 12,
        "src": "VenusE-acd92968d828",
        "error": {"code": -32602, "message": "Invalid params", "data": 412},
    }


async def test_get_mode(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "ES.GetMode", {"id": 0}, request_id=41)
    assert reply == {
        "id": 41,
        "src": "VenusE-acd92968d828",
        "result": {
            "id": 0,
            "mode": "Manual",
            "ongrid_power": 0,
            "offgrid_power": 0,
            "bat_soc": 64,
        },
    }


async def test_get_mode_echoes_the_instance_id(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "ES.GetMode", {"id": 1})
    assert reply["result"]["id"] == 1


async def test_get_mode_with_ct_fields(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim, getmode_ct_fields=True)
    sim.meter.set_load(730)
    reply = await client.request(device, "ES.GetMode", {"id": 0})
    assert reply["result"] == {
        "id": 0,
        "mode": "Manual",
        "ongrid_power": 0,
        "offgrid_power": 0,
        "bat_soc": 64,
        "ct_state": 1,
        "a_power": 730,
        "b_power": 0,
        "c_power": 0,
        "total_power": 730,
        "input_energy": 0,
        "output_energy": 0,
    }
    sim.advance(3600)  # one hour importing 730 W = 730 Wh = 7300 x 0.1 Wh
    reply = await client.request(device, "ES.GetMode", {"id": 0})
    assert reply["result"]["input_energy"] == 7300
    assert reply["result"]["output_energy"] == 0


async def test_get_status(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "ES.GetStatus", {"id": 0}, request_id=3)
    assert reply == {
        "id": 3,
        "src": "VenusE-acd92968d828",
        "result": {
            "id": 0,
            "bat_soc": 64,
            "bat_cap": 5120,
            "pv_power": 0,
            "ongrid_power": 0,
            "offgrid_power": 0,
            "bat_power": 0,
            "total_pv_energy": 0,
            "total_grid_output_energy": 0,
            "total_grid_input_energy": 0,
            "total_load_energy": 0,
        },
    }


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (
            "Bat.GetStatus",
            {
                "id": 0,
                "soc": 64,
                "charg_flag": True,
                "dischrg_flag": True,
                "bat_temp": 25.0,
                "bat_capacity": 3297,
                "rated_capacity": 5120,
            },
        ),
        (
            "Wifi.GetStatus",
            {
                "id": 0,
                "wifi_mac": "b4b024a2887a",
                "ssid": "SimNet",
                "rssi": -50,
                "sta_ip": HOST,
                "sta_gate": "127.0.0.1",
                "sta_mask": "255.0.0.0",
                "sta_dns": "127.0.0.1",
            },
        ),
        ("BLE.GetStatus", {"id": 0, "state": "disconnect", "ble_mac": "acd92968d828"}),
    ],
)
async def test_other_read_methods(
    sim: Simulator, client: UdpClient, method: str, expected: dict[str, object]
) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, method, {"id": 0})
    assert reply["result"] == expected


async def test_em_status_reports_the_meter(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    sim.meter.set_solar(1200)
    reply = await client.request(device, "EM.GetStatus", {"id": 0})
    assert reply["result"]["total_power"] == -1200
    assert reply["result"]["ct_state"] == 1


async def test_pv_status_only_on_models_with_pv(sim: Simulator, client: UdpClient) -> None:
    venus_e = await add_venus_e(sim)
    await sim.add_battery(BatterySpec(host="127.0.0.3", model="VenusD", ble_mac="009b08a5ac28"))
    venus_d = ("127.0.0.3", sim.port)
    reply = await client.request(venus_e, "PV.GetStatus", {"id": 0})
    assert reply["error"]["code"] == -32601
    reply = await client.request(venus_d, "PV.GetStatus", {"id": 0})
    assert reply["src"] == "VenusD-009b08a5ac28"
    assert reply["result"]["pv_power"] == 0


@pytest.mark.parametrize("method", ["ES.Reboot", "es.getmode", "wifi.GetStatus", ""])
async def test_unknown_methods_are_not_found(
    sim: Simulator, client: UdpClient, method: str
) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, method, {"id": 0}, request_id=8)
    assert reply == {
        "id": 8,
        "src": "VenusE-acd92968d828",
        "error": {"code": -32601, "message": "Method not found", "data": 424},
    }


@pytest.mark.parametrize(
    "params", [None, {}, {"id": "0"}, {"id": None}, {"ble_mac": "0"}, [0], "id"]
)
@pytest.mark.parametrize("method", ["ES.GetMode", "ES.GetStatus", "ES.SetMode"])
async def test_missing_instance_id_is_invalid_params(
    sim: Simulator, client: UdpClient, method: str, params: object
) -> None:
    device = await add_venus_e(sim)
    client.send({"id": 77, "method": method, "params": params}, device)
    reply, _ = await client.receive()
    assert reply["id"] == 77
    assert reply["error"]["code"] == -32602


async def test_unparseable_datagram_gets_parse_error_with_id_0(
    sim: Simulator, client: UdpClient
) -> None:
    device = await add_venus_e(sim)
    client.send_raw(b'{"id": 99, "method": "ES.GetMode", "params": {"id": 0}', device)
    data, source = await client.receive_raw()
    assert source == device
    assert json.loads(data) == {
        "id": 0,
        "src": "VenusE-acd92968d828",
        "error": {"code": -32700, "message": "Parse error", "data": 402},
    }


async def test_empty_datagram_gets_parse_error(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    client.send_raw(b"", device)
    reply, _ = await client.receive()
    assert reply["error"]["code"] == -32700


async def test_request_without_method_is_invalid_request(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    client.send({"id": 5, "params": {"id": 0}}, device)
    reply, _ = await client.receive()
    assert reply == {
        "id": 5,
        "src": "VenusE-acd92968d828",
        "error": {"code": -32600, "message": "Invalid Request"},
    }


async def test_large_ids_wrap_at_16_bits(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "ES.GetMode", {"id": 0}, request_id=65536 + 17)
    assert reply["id"] == 17


async def test_string_ids_are_echoed_by_default(sim: Simulator, client: UdpClient) -> None:
    device = await add_venus_e(sim)
    reply = await client.request(device, "ES.GetMode", {"id": 0}, request_id="homeassistant-1")
    assert reply["id"] == "homeassistant-1"
