"""ES.SetMode: accepted payloads, their effect, and validation like the firmware's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from simulator import BatterySpec, ManualSlot, SimulatedBattery, Simulator
from tests.wire import NEUTRAL_MANUAL_CONFIG

if TYPE_CHECKING:
    from .udp_client import UdpClient

SRC = "VenusE-acd92968d828"


@pytest.fixture
async def battery(sim: Simulator) -> SimulatedBattery:
    return await sim.add_battery(BatterySpec(host="127.0.0.2", mode="Auto", soc=50.0))


def device(battery: SimulatedBattery, sim: Simulator) -> tuple[str, int]:
    return battery.host, sim.port


async def set_mode(
    client: UdpClient, destination: tuple[str, int], config: Any, request_id: int = 21
) -> dict[str, Any]:
    return await client.request(
        destination, "ES.SetMode", {"id": 0, "config": config}, request_id=request_id
    )


@pytest.mark.parametrize(
    ("config", "mode"),
    [
        ({"mode": "AI", "ai_cfg": {"enable": 1}}, "AI"),
        ({"mode": "UPS", "ups_cfg": {"enable": 1}}, "UPS"),
        ({"mode": "Passive", "passive_cfg": {"power": -1000, "cd_time": 300}}, "Passive"),
        (
            NEUTRAL_MANUAL_CONFIG,
            "Manual",
        ),
    ],
)
async def test_set_mode_switches_and_get_mode_reports_it(
    sim: Simulator,
    client: UdpClient,
    battery: SimulatedBattery,
    config: dict[str, Any],
    mode: str,
) -> None:
    reply = await set_mode(client, device(battery, sim), config)
    assert reply == {"id": 21, "src": SRC, "result": {"id": 0, "set_result": True}}
    assert battery.mode == mode
    reply = await client.request(device(battery, sim), "ES.GetMode", {"id": 0})
    assert reply["result"]["mode"] == mode


async def test_back_to_auto(sim: Simulator, client: UdpClient, battery: SimulatedBattery) -> None:
    battery.mode = "Manual"
    reply = await set_mode(
        client, device(battery, sim), {"mode": "Auto", "auto_cfg": {"enable": 1}}
    )
    assert reply["result"] == {"id": 0, "set_result": True}
    assert battery.mode == "Auto"


async def test_manual_slot_is_stored(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery
) -> None:
    config = {
        "mode": "Manual",
        "manual_cfg": {
            "time_num": 3,
            "start_time": "08:30",
            "end_time": "20:30",
            "week_set": 31,
            "power": -1300,
            "enable": 1,
        },
    }
    await set_mode(client, device(battery, sim), config)
    assert battery.manual_slots[3] == ManualSlot("08:30", "20:30", 31, -1300, enabled=True)
    assert len(battery.manual_slots) == 10
    assert all(not slot.enabled for index, slot in enumerate(battery.manual_slots) if index != 3)


async def test_passive_setpoint_is_stored(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery
) -> None:
    config = {"mode": "Passive", "passive_cfg": {"power": 800, "cd_time": 120}}
    await set_mode(client, device(battery, sim), config)
    passive = battery.passive
    assert passive is not None
    assert (passive.power, passive.cd_time, passive.remaining) == (800, 120, 120.0)


@pytest.mark.parametrize("mode", ["Auto", "AI", "UPS"])
async def test_enable_0_is_rejected(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery, mode: str
) -> None:
    battery.mode = "Manual"
    key = {"Auto": "auto_cfg", "AI": "ai_cfg", "UPS": "ups_cfg"}[mode]
    reply = await set_mode(client, device(battery, sim), {"mode": mode, key: {"enable": 0}})
    assert reply["result"] == {"id": 0, "set_result": False}
    assert battery.mode == "Manual"


GOOD_SLOT = {
    "time_num": 0,
    "start_time": "00:00",
    "end_time": "23:59",
    "week_set": 127,
    "power": -1300,
    "enable": 1,
}


@pytest.mark.parametrize(
    "config",
    [
        None,
        "Auto",
        {},
        {"mode": "Auto"},
        {"mode": "Auto", "ai_cfg": {"enable": 1}},
        {"mode": "auto", "auto_cfg": {"enable": 1}},
        {"mode": "Eco", "eco_cfg": {"enable": 1}},
        {"mode": "Auto", "auto_cfg": {}},
        {"mode": "Auto", "auto_cfg": {"enable": 2}},
        {"mode": "Auto", "auto_cfg": 1},
        {"mode": "Manual"},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "time_num": 10}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "time_num": -1}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "start_time": "24:00"}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "end_time": "8:60"}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "end_time": "0830"}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "week_set": 128}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "power": "100"}},
        {"mode": "Manual", "manual_cfg": {**GOOD_SLOT, "enable": True}},
        {"mode": "Manual", "manual_cfg": {k: v for k, v in GOOD_SLOT.items() if k != "power"}},
        {"mode": "Passive", "passive_cfg": {"power": -1000}},
        {"mode": "Passive", "passive_cfg": {"cd_time": 300}},
        {"mode": "Passive", "passive_cfg": {"power": -1000, "cd_time": -1}},
    ],
)
async def test_invalid_configs_are_invalid_params_and_change_nothing(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery, config: object
) -> None:
    reply = await set_mode(client, device(battery, sim), config, request_id=33)
    assert reply == {
        "id": 33,
        "src": SRC,
        "error": {"code": -32602, "message": "Invalid params", "data": 412},
    }
    assert battery.mode == "Auto"
    assert battery.manual_slots[0] == ManualSlot()
    assert battery.passive is None


async def test_set_mode_without_config_is_invalid_params(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery
) -> None:
    reply = await client.request(device(battery, sim), "ES.SetMode", {"id": 0})
    assert reply["error"]["code"] == -32602


async def test_set_mode_moves_power_at_once(
    sim: Simulator, client: UdpClient, battery: SimulatedBattery
) -> None:
    config = {"mode": "Passive", "passive_cfg": {"power": -1500, "cd_time": 60}}
    await set_mode(client, device(battery, sim), config)
    reply = await client.request(device(battery, sim), "ES.GetMode", {"id": 0})
    assert reply["result"]["ongrid_power"] == -1500
    assert sim.meter.power == 1500  # the charging power is drawn from the grid
