"""Settings writes of Open API revision 2.0 (DOD.SET, Led.Ctrl, Ble.Adv) over real UDP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.marstek_rotation.pymarstek import (
    MarstekClient,
    MarstekDeviceError,
    MarstekTransport,
    MarstekValidationError,
    supports_settings,
)
from simulator import BatterySpec, SimulatedBattery, Simulator

HOST = "127.0.0.2"


@pytest.fixture
async def battery(sim: Simulator) -> SimulatedBattery:
    return await sim.add_battery(
        BatterySpec(host=HOST, model="VenusE 3.0", firmware=153, ble_mac="009b08a59a7d")
    )


@pytest.fixture
def client(sim_transport: MarstekTransport, device_port: int) -> MarstekClient:
    return MarstekClient(sim_transport, HOST, device_port, timeout=1.0, quiet_period=0.0)


def last_request(battery: SimulatedBattery) -> dict[str, Any]:
    decoded = json.loads(battery.received[-1].raw)
    assert isinstance(decoded, dict)
    return decoded


async def test_depth_of_discharge_reaches_the_battery(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    await client.set_depth_of_discharge(36)
    request = last_request(battery)
    assert request["method"] == "DOD.SET"
    assert request["params"] == {"id": 0, "value": 36}
    assert battery.state.depth_of_discharge == 36


@pytest.mark.parametrize("bad", [29, 89, 0, 100, 36.5, "50", True])
async def test_depth_of_discharge_out_of_range_sends_nothing(
    client: MarstekClient, battery: SimulatedBattery, bad: object
) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        await client.set_depth_of_discharge(bad)  # type: ignore[arg-type]
    assert caught.value.field == "depth_of_discharge"
    assert battery.received == []
    assert battery.state.depth_of_discharge == 88


# (client method, Open API method, params field, simulator state)
SWITCH_SETTINGS = [
    ("set_led", "Led.Ctrl", "state", "led_on"),
    ("set_ble_advertising", "Ble.Adv", "enable", "ble_advertising"),
]


@pytest.mark.parametrize("setting", SWITCH_SETTINGS, ids=["led", "ble-advertising"])
async def test_a_switch_setting_reaches_the_battery(
    client: MarstekClient, battery: SimulatedBattery, setting: tuple[str, str, str, str]
) -> None:
    write, method, field, state = setting
    for on in (False, True):
        await getattr(client, write)(on)
        assert last_request(battery)["method"] == method
        assert last_request(battery)["params"] == {"id": 0, field: int(on)}
        assert getattr(battery.state, state) is on


@pytest.mark.parametrize(
    ("model", "firmware"), [("VenusE", 155), ("VenusC", 158), ("VenusE 3.0", 149)]
)
async def test_a_battery_without_the_settings_answers_method_not_found(
    sim: Simulator,
    sim_transport: MarstekTransport,
    device_port: int,
    model: str,
    firmware: int,
) -> None:
    battery = await sim.add_battery(
        BatterySpec(host="127.0.0.3", model=model, firmware=firmware, ble_mac="acd92968d828")
    )
    client = MarstekClient(sim_transport, "127.0.0.3", device_port, timeout=1.0)
    for write in (
        lambda: client.set_depth_of_discharge(50),
        lambda: client.set_led(True),
        lambda: client.set_ble_advertising(True),
    ):
        with pytest.raises(MarstekDeviceError) as caught:
            await write()
        assert caught.value.code == -32601
    assert battery.state.depth_of_discharge == 88
    assert not supports_settings(model, firmware)


@pytest.mark.parametrize(
    ("model", "firmware", "supported"),
    [
        ("VenusE 3.0", 150, True),
        ("VenusE 3.0", 149, False),
        ("VNSE3-0", 153, True),
        ("VenusA", 149, False),
        ("Venus A", 150, True),
        ("VenusD", 155, True),
        ("VenusE", 158, False),
        ("VenusC", 160, False),
        ("HMG-50", 156, False),
        ("VNSEM-0", 300, False),
        ("Unknown", 200, False),
        (None, 200, False),
        ("VenusE 3.0", None, False),
    ],
)
def test_which_models_have_the_settings(
    model: str | None, firmware: int | None, *, supported: bool
) -> None:
    assert supports_settings(model, firmware) is supported
