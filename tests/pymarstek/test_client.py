"""MarstekClient against simulated batteries: exact requests on the wire and their effects."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest

from custom_components.marstek_rotation.pymarstek import (
    DeviceInfo,
    ManualSlot,
    MarstekClient,
    MarstekDeviceError,
    MarstekProtocolError,
    MarstekTimeoutError,
    MarstekTransport,
    MarstekValidationError,
    OperatingMode,
)
from custom_components.marstek_rotation.pymarstek import client as client_module
from custom_components.marstek_rotation.pymarstek.commands import passive_config, set_mode_params
from simulator import BatterySpec, Quirks, SimulatedBattery, Simulator
from tests.wire import NEUTRAL_MANUAL_CONFIG

from .conftest import PeerFactory
from .fake_peer import answer_with, result_reply
from .timing import report

HOST = "127.0.0.2"


@pytest.fixture
async def battery(sim: Simulator) -> SimulatedBattery:
    return await sim.add_battery(
        BatterySpec(host=HOST, model="VenusE", firmware=155, ble_mac="acd92968d828", soc=64.0)
    )


@pytest.fixture
def client(sim_transport: MarstekTransport, device_port: int) -> MarstekClient:
    return MarstekClient(sim_transport, HOST, device_port, timeout=1.0)


def last_request(battery: SimulatedBattery) -> dict[str, Any]:
    decoded = json.loads(battery.received[-1].raw)
    assert isinstance(decoded, dict)
    return decoded


def assert_wire(battery: SimulatedBattery, method: str, params: dict[str, Any]) -> None:
    request = last_request(battery)
    assert isinstance(request["id"], int)
    assert 1 <= request["id"] <= 65535
    assert request == {"id": request["id"], "method": method, "params": params}
    compact = json.dumps(request, separators=(",", ":")).encode()
    assert battery.received[-1].raw == compact


async def test_get_device(client: MarstekClient, battery: SimulatedBattery) -> None:
    info = await client.get_device()
    assert_wire(battery, "Marstek.GetDevice", {"ble_mac": "0"})
    assert info == DeviceInfo(
        model="VenusE",
        firmware=155,
        firmware_version=155,
        ble_mac="acd92968d828",
        wifi_mac=battery.spec.reported_wifi_mac,
        ssid="SimNet",
        reported_ip=HOST,
        host=HOST,
        src="VenusE-acd92968d828",
    )


async def test_get_device_without_macs_uses_src(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    battery.quirks.omit_macs = True
    info = await client.get_device()
    assert info.ble_mac == "acd92968d828"
    assert info.wifi_mac is None


async def test_a_zero_padded_reported_address_is_read_as_decimal(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    battery.quirks.zero_padded_ip = True
    info = await client.get_device()
    assert info.reported_ip == HOST
    assert info.host == HOST
    assert not info.reports_another_address


async def test_get_mode(client: MarstekClient, battery: SimulatedBattery) -> None:
    status = await client.get_mode()
    assert_wire(battery, "ES.GetMode", {"id": 0})
    assert status.mode is OperatingMode.AUTO
    assert status.soc == 64
    assert status.ongrid_power is not None
    assert status.offgrid_power == 0
    assert battery.method_counts() == {"ES.GetMode": 1}


async def test_get_mode_with_ct_fields(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    await sim.add_battery(BatterySpec(host="127.0.0.4", getmode_ct_fields=True))
    status = await MarstekClient(sim_transport, "127.0.0.4", device_port).get_mode()
    assert status.ct_state is not None
    assert status.total_power is not None
    assert status.input_energy is not None


@pytest.mark.parametrize(
    ("mode", "config", "reported"),
    [
        (OperatingMode.AUTO, {"mode": "Auto", "auto_cfg": {"enable": 1}}, "Auto"),
        (OperatingMode.AI, {"mode": "AI", "ai_cfg": {"enable": 1}}, "AI"),
        (
            OperatingMode.MANUAL,
            NEUTRAL_MANUAL_CONFIG,
            "Manual",
        ),
    ],
)
async def test_set_mode(
    client: MarstekClient,
    battery: SimulatedBattery,
    mode: OperatingMode,
    config: dict[str, Any],
    reported: str,
) -> None:
    battery.mode = "Passive" if mode is not OperatingMode.MANUAL else "Auto"
    await client.set_mode(mode)
    assert_wire(battery, "ES.SetMode", {"id": 0, "config": config})
    assert battery.mode == reported
    assert (await client.get_mode()).mode is mode


async def test_set_mode_passive(client: MarstekClient, battery: SimulatedBattery) -> None:
    await client.set_mode(OperatingMode.PASSIVE, passive_power=-800, passive_duration=600)
    assert_wire(
        battery,
        "ES.SetMode",
        {"id": 0, "config": {"mode": "Passive", "passive_cfg": {"power": -800, "cd_time": 600}}},
    )
    assert battery.mode == "Passive"
    assert battery.passive is not None
    assert (battery.passive.power, battery.passive.cd_time) == (-800, 600)


async def test_set_passive(client: MarstekClient, battery: SimulatedBattery) -> None:
    await client.set_passive(1200, 30)
    assert_wire(
        battery,
        "ES.SetMode",
        {"id": 0, "config": {"mode": "Passive", "passive_cfg": {"power": 1200, "cd_time": 30}}},
    )
    assert battery.passive is not None
    assert battery.passive.power == 1200


async def test_set_manual_slot(client: MarstekClient, battery: SimulatedBattery) -> None:
    await client.set_manual_slot(ManualSlot(3, "22:00", "06:30", ["sat", "sun"], -1500))
    assert_wire(
        battery,
        "ES.SetMode",
        {
            "id": 0,
            "config": {
                "mode": "Manual",
                "manual_cfg": {
                    "time_num": 3,
                    "start_time": "22:00",
                    "end_time": "06:30",
                    "week_set": 96,
                    "power": -1500,
                    "enable": 1,
                },
            },
        },
    )
    slot = battery.manual_slots[3]
    assert (slot.start, slot.end, slot.week_set, slot.power, slot.enabled) == (
        "22:00",
        "06:30",
        96,
        -1500,
        True,
    )
    assert battery.mode == "Manual"


async def test_clear_manual_slots_writes_all_ten_one_at_a_time(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    for index in (0, 4, 9):
        await client.set_manual_slot(ManualSlot(index, "01:00", "02:00", 127, -100))
    battery.clear_received()
    await client.clear_manual_slots()
    writes = battery.received
    assert [json.loads(entry.raw)["params"]["config"]["manual_cfg"] for entry in writes] == [
        {
            "time_num": index,
            "start_time": "00:00",
            "end_time": "00:00",
            "week_set": 0,
            "power": 0,
            "enable": 0,
        }
        for index in range(10)
    ]
    assert all(not slot.enabled for slot in battery.manual_slots)
    gaps = [b.loop_time - a.loop_time for a, b in itertools.pairwise(writes)]
    assert min(gaps) >= client.transport.min_interval * 0.9


async def test_clear_manual_slots_stops_at_first_failure_and_names_the_slot(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    battery.quirks.error_replies = {"ES.SetMode": -32602}
    with pytest.raises(MarstekDeviceError) as caught:
        await client.clear_manual_slots()
    assert caught.value.code == -32602
    assert any("slot 0" in note for note in getattr(caught.value, "__notes__", []))
    assert battery.method_counts() == {"ES.SetMode": 1}


async def test_device_error_reply(client: MarstekClient, battery: SimulatedBattery) -> None:
    battery.quirks.error_replies = {"ES.GetMode": -32601}
    with pytest.raises(MarstekDeviceError) as caught:
        await client.get_mode()
    assert caught.value.code == -32601


async def test_timeout_of_a_silent_battery(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    battery.quirks.silent = True
    client.timeout = 0.3
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(MarstekTimeoutError):
        await client.get_mode()
    elapsed = loop.time() - started
    report(f"silent battery: timeout after {elapsed:.3f} s")
    assert 0.29 <= elapsed < 1.0
    assert battery.method_counts() == {"ES.GetMode": 1}


async def test_duplicates_and_echoes_from_old_firmware_are_absorbed(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    battery.quirks.duplicate_replies = 2
    battery.quirks.echo_requests = True
    for _ in range(3):
        assert (await client.get_mode()).soc == 64
    transport = client.transport

    async def all_arrived() -> None:
        while transport.stats.received < 12:  # noqa: ASYNC110 - counters have no event
            await asyncio.sleep(0.01)

    await asyncio.wait_for(all_arrived(), 2)
    stats = transport.stats
    assert (stats.replies, stats.dropped_duplicate, stats.dropped_echo) == (3, 6, 3)


async def test_validation_errors_send_nothing(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        await client.set_mode(OperatingMode.PASSIVE, passive_power=-800)
    assert caught.value.field == "passive_duration"
    with pytest.raises(MarstekValidationError) as caught:
        await client.set_mode(OperatingMode.PASSIVE, passive_duration=60)
    assert caught.value.field == "passive_power"
    with pytest.raises(MarstekValidationError, match="-10000 to 10000 W"):
        await client.set_passive(20000, 60)
    with pytest.raises(MarstekValidationError, match="1 to 86400 s"):
        await client.set_passive(100, 0)
    with pytest.raises(MarstekValidationError, match="auto, ai, manual, passive"):
        await client.set_mode(OperatingMode.UPS)
    with pytest.raises(MarstekValidationError):
        await client.set_mode("eco")  # type: ignore[arg-type]
    assert battery.received == []


async def test_mode_given_as_plain_string_is_accepted(
    client: MarstekClient, battery: SimulatedBattery
) -> None:
    await client.set_mode("ai")  # type: ignore[arg-type]
    assert battery.mode == "AI"


async def test_client_settings_are_validated(sim_transport: MarstekTransport) -> None:
    with pytest.raises(MarstekValidationError, match="host"):
        MarstekClient(sim_transport, "battery.local")
    client = MarstekClient(sim_transport, HOST)
    with pytest.raises(MarstekValidationError, match="timeout"):
        client.timeout = 0
    with pytest.raises(MarstekValidationError, match="port"):
        client.port = 0
    with pytest.raises(MarstekValidationError, match="host"):
        client.host = "300.1.2.3"
    assert (client.host, client.port, client.timeout) == (HOST, 30000, 3.0)


async def test_battery_moved_by_dhcp(client: MarstekClient, battery: SimulatedBattery) -> None:
    client.timeout = 0.2
    await battery.move_to("127.0.0.9")
    with pytest.raises(MarstekTimeoutError):
        await client.get_mode()
    client.host = "127.0.0.9"
    assert (await client.get_mode()).soc == 64
    assert (await client.get_device()).host == "127.0.0.9"


async def test_quiet_period_protects_a_write_from_firmware_revert(
    sim: Simulator, device_port: int
) -> None:
    # This firmware undoes a write when it is read back too soon.
    battery = await sim.add_battery(BatterySpec(host=HOST), quirks=Quirks(revert_window=0.3))
    async with MarstekTransport(device_port, "127.0.0.1", min_interval=0) as transport:
        eager = MarstekClient(transport, HOST, device_port, quiet_period=0)
        await eager.set_mode(OperatingMode.AI)
        assert (await eager.get_mode()).mode is OperatingMode.AUTO  # reverted
        patient = MarstekClient(transport, HOST, device_port, quiet_period=0.4)
        await patient.set_mode(OperatingMode.AI)
        assert transport.quiet_remaining(HOST) > 0.3
        assert 0.3 < patient.quiet_remaining <= 0.4  # the transport's, for this battery
        assert (await patient.get_mode()).mode is OperatingMode.AI
        assert patient.quiet_remaining == 0.0
    assert battery.mode == "AI"


async def test_set_result_false_is_a_device_error(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    def reject(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [result_reply(request, {"id": 0, "set_result": False})]

    peer = await make_peer("127.0.0.2", reject)
    client = MarstekClient(transport, peer.host, peer.port, timeout=1)
    with pytest.raises(MarstekDeviceError) as caught:
        await client.set_mode(OperatingMode.AUTO)
    assert caught.value.code == 0
    assert "rejected" in caught.value.message


@pytest.mark.parametrize(
    "result",
    [{"id": 0}, {"id": 0, "set_result": "true"}],
)
async def test_malformed_set_reply_is_a_protocol_error(
    transport: MarstekTransport, make_peer: PeerFactory, result: dict[str, Any]
) -> None:
    def odd(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [result_reply(request, result)]

    peer = await make_peer("127.0.0.2", odd)
    client = MarstekClient(transport, peer.host, peer.port, timeout=1)
    with pytest.raises(MarstekProtocolError, match="set_result"):
        await client.set_passive(-500, 60)


async def test_malformed_mode_reply_is_a_protocol_error(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    def odd(request: dict[str, Any], _source: Any) -> list[bytes]:
        return [result_reply(request, {"id": 0, "mode": "Auto", "bat_soc": "full"})]

    peer = await make_peer("127.0.0.2", odd)
    with pytest.raises(MarstekProtocolError, match="bat_soc"):
        await MarstekClient(transport, peer.host, peer.port, timeout=1).get_mode()


async def test_a_parser_surprise_still_leaves_as_a_protocol_error(
    transport: MarstekTransport, make_peer: PeerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever a parser runs into, only MarstekError may leave the library.
    peer = await make_peer("127.0.0.2", answer_with({"id": 0, "mode": "Auto", "bat_soc": 50}))

    def explode(*_args: object, **_kwargs: object) -> object:
        msg = "int too large to convert to float"
        raise OverflowError(msg)

    monkeypatch.setattr(client_module, "parse_mode_status", explode)
    client = MarstekClient(transport, peer.host, peer.port, timeout=1)
    with pytest.raises(MarstekProtocolError, match="OverflowError"):
        await client.get_mode()


async def test_a_huge_integer_is_dropped_not_raised(
    transport: MarstekTransport, make_peer: PeerFactory
) -> None:
    result = {"id": 0, "mode": "Auto", "bat_soc": 50, "input_energy": int("9" * 401)}
    peer = await make_peer("127.0.0.2", answer_with(result))
    status = await MarstekClient(transport, peer.host, peer.port, timeout=1).get_mode()
    assert status.soc == 50
    assert status.input_energy is None
    assert status.implausible == ("input_energy",)


async def test_a_venus_a_running_at_1500_w_is_read_not_dropped(
    sim: Simulator, sim_transport: MarstekTransport, device_port: int
) -> None:
    # A Venus A set to its 1500 W version (Set.Ver, another app) discharges at 1500 W; the
    # old ceiling (1200 W + 20 %) threw the reading away as a glitch.
    await sim.add_battery(
        BatterySpec(
            host=HOST, model="VenusA", firmware=1492, ble_mac="682499eefdd7", max_power_w=1500
        )
    )
    reply = await sim_transport.request(
        HOST, device_port, "ES.SetMode", set_mode_params(passive_config(1500, 600)), timeout=1.0
    )
    assert reply.unwrap() == {"id": 0, "set_result": True}
    client = MarstekClient(sim_transport, HOST, device_port, timeout=1.0)
    await client.get_device()
    status = await client.get_mode()
    assert status.mode is OperatingMode.PASSIVE
    assert status.ongrid_power is not None
    assert abs(status.ongrid_power) == 1500
    assert status.implausible == ()
    # Writes keep the published limit.
    with pytest.raises(MarstekValidationError):
        client.check_power("power", 1500)


@pytest.mark.parametrize(
    ("model", "allowed", "refused"),
    [
        ("Venus A", 1200, 1201),
        ("VenusD", 2200, 2201),
        ("VenusE 3.0", 2500, 2501),
        (None, 10000, 10001),
    ],
)
def test_writes_are_checked_against_the_models_limit(
    transport: MarstekTransport, model: str | None, allowed: int, refused: int
) -> None:
    client = MarstekClient(transport, "127.0.0.2", model=model)
    assert client.check_power("power", -allowed) == -allowed
    assert client.check_power("power", float(allowed)) == allowed
    with pytest.raises(MarstekValidationError) as caught:
        client.check_power("power", refused)
    assert caught.value.limits == (-allowed, allowed)
    for bad in (True, 800.9, "800", None):
        with pytest.raises(MarstekValidationError):
            client.check_power("power", bad)


@pytest.mark.parametrize(
    "host",
    ["0.0.0.0", "255.255.255.255", "127.255.255.255", "127.0.0.0", "224.0.0.251", "240.0.0.1"],  # noqa: S104
)
def test_a_host_must_be_one_device(transport: MarstekTransport, host: str) -> None:
    with pytest.raises(MarstekValidationError) as caught:
        MarstekClient(transport, host)
    assert caught.value.field == "host"
