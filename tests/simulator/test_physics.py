"""SOC, power and the household meter over an injected clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from simulator import BatterySpec, ManualClock, SimulatedBattery, Simulator
from simulator.clock import wall_clock_following

from .conftest import LOCAL, MONDAY_8AM

if TYPE_CHECKING:
    from .udp_client import UdpClient

HOUR = 3600.0


def spec(host: str = "127.0.0.2", **overrides: object) -> BatterySpec:
    return BatterySpec(host=host, **overrides)  # type: ignore[arg-type]


async def passive(client: UdpClient, battery: SimulatedBattery, power: int, cd_time: int) -> None:
    config = {"mode": "Passive", "passive_cfg": {"power": power, "cd_time": cd_time}}
    # The client is bound to the device port, which is also where the battery listens.
    device = (battery.host, client.address[1])
    reply = await client.request(device, "ES.SetMode", {"id": 0, "config": config})
    assert reply["result"]["set_result"] is True


async def test_soc_follows_power_over_the_clock(
    sim: Simulator, client: UdpClient, clock: ManualClock
) -> None:
    battery = await sim.add_battery(spec(soc=50.0, capacity_kwh=5.12))
    await passive(client, battery, power=-1280, cd_time=7200)
    clock.advance(HOUR)  # 1.28 kWh into 5.12 kWh = +25 %
    assert battery.soc == pytest.approx(75.0)
    assert battery.charged_wh == pytest.approx(1280.0)
    reply = await client.request((battery.host, sim.port), "ES.GetMode", {"id": 0})
    assert reply["result"]["bat_soc"] == 75
    assert reply["result"]["ongrid_power"] == -1280


async def test_advance_moves_physics_too(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(soc=50.0))
    await passive(client, battery, power=2048, cd_time=7200)
    sim.advance(HOUR * 0.625)  # 1.28 kWh out of 5.12 kWh = -25 %
    assert battery.soc == pytest.approx(25.0)
    assert battery.discharged_wh == pytest.approx(1280.0)


async def test_charging_stops_at_100(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(soc=95.0))
    await passive(client, battery, power=-2500, cd_time=7200)
    sim.advance(HOUR)
    assert battery.soc == 100.0
    assert battery.power == 0.0
    assert battery.charged_wh == pytest.approx(0.05 * 5120)


async def test_discharging_stops_at_min_soc(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(soc=20.0, min_soc=11.0))
    await passive(client, battery, power=2500, cd_time=7200)
    sim.advance(HOUR)
    assert battery.soc == pytest.approx(11.0)
    assert battery.power == 0.0


async def test_power_is_limited_to_the_rating(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(model="VenusD", soc=50.0))
    await passive(client, battery, power=-5000, cd_time=60)
    assert battery.power == -2200.0


async def test_auto_covers_household_load(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=80.0))
    sim.meter.set_load(800)
    assert battery.power == 800.0
    assert sim.meter.power == 0.0
    sim.advance(HOUR)
    assert battery.soc == pytest.approx(80.0 - 800 / 5120 * 100)


async def test_auto_is_limited_and_the_rest_is_imported(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=80.0))
    sim.meter.set_load(3000)
    assert battery.power == 2500.0
    assert sim.meter.power == 500.0


async def test_auto_charges_from_export(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    sim.meter.set_load(400)
    sim.meter.set_solar(1900)
    assert battery.power == -1500.0
    assert sim.meter.power == 0.0
    sim.meter.set_solar(4400)
    assert battery.power == -2500.0
    assert sim.meter.power == -1500.0  # export beyond what the battery can take


async def test_auto_batteries_share_and_others_hold_their_setpoint(
    sim: Simulator, client: UdpClient
) -> None:
    first = await sim.add_battery(spec("127.0.0.2", mode="Auto", soc=60.0))
    second = await sim.add_battery(spec("127.0.0.3", mode="Auto", soc=60.0, ble_mac="009b08a59a7d"))
    manual = await sim.add_battery(spec("127.0.0.4", mode="Manual", ble_mac="acd92968deb8"))
    sim.meter.set_load(1000)
    assert (first.power, second.power, manual.power) == (500.0, 500.0, 0.0)
    await passive(client, manual, power=-600, cd_time=600)
    # The Auto pair now also covers what the passive battery draws from the house.
    assert (first.power, second.power) == (800.0, 800.0)
    assert sim.meter.power == 0.0


async def test_full_battery_leaves_export_to_the_others(sim: Simulator) -> None:
    full = await sim.add_battery(spec("127.0.0.2", mode="Auto", soc=100.0))
    empty = await sim.add_battery(spec("127.0.0.3", mode="Auto", soc=30.0, ble_mac="009b08a59a7d"))
    sim.meter.set_solar(1200)
    assert (full.power, empty.power) == (0.0, -1200.0)


async def test_empty_battery_stops_covering_load(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=12.0, min_soc=11.0))
    sim.meter.set_load(512)
    sim.advance(2 * HOUR)  # 1 % of 5.12 kWh is 51.2 Wh: empty after ~6 minutes
    assert battery.soc == pytest.approx(11.0)
    assert battery.power == 0.0
    assert sim.meter.power == 512.0
    assert sim.meter.imported_wh == pytest.approx(2 * 512 - 51.2)  # stepping is exact


async def test_meter_profiles_follow_wall_time(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    sim.meter.set_solar(lambda now: 2000.0 if 10 <= now.hour < 16 else 0.0)
    assert sim.meter.solar == 0.0  # 08:00
    sim.advance(3 * HOUR)  # 11:00
    assert sim.meter.solar == 2000.0
    assert battery.power == -2000.0
    assert sim.wall_time == MONDAY_8AM + timedelta(hours=3)


def slot_config(**slot: object) -> dict[str, object]:
    manual_cfg = {
        "time_num": 0,
        "start_time": "09:00",
        "end_time": "10:00",
        "week_set": 0b0000001,  # Monday only
        "power": -1000,
        "enable": 1,
    }
    manual_cfg.update(slot)
    return {"mode": "Manual", "manual_cfg": manual_cfg}


async def write_slot(
    client: UdpClient, battery: SimulatedBattery, port: int, **slot: object
) -> None:
    reply = await client.request(
        (battery.host, port), "ES.SetMode", {"id": 0, "config": slot_config(**slot)}
    )
    assert reply["result"]["set_result"] is True


async def test_manual_slot_runs_in_its_window_on_its_days(
    sim: Simulator, client: UdpClient
) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    sim.meter.set_load(300)
    await write_slot(client, battery, sim.port)
    assert battery.mode == "Manual"
    assert battery.power == 0.0  # Monday 08:00: before the window, and Manual ignores the load
    sim.advance(HOUR)  # Monday 09:00
    assert battery.power == -1000.0
    sim.advance(HOUR - 1)  # Monday 09:59:59
    assert battery.power == -1000.0
    assert battery.soc == pytest.approx(50.0 + (HOUR - 1) * 1000 / HOUR / 5120 * 100)
    sim.advance(1)  # Monday 10:00
    assert battery.power == 0.0
    sim.advance(23 * HOUR)  # Tuesday 09:00: not in week_set
    assert battery.power == 0.0
    sim.advance(6 * 24 * HOUR)  # next Monday 09:00
    assert battery.power == -1000.0


async def test_manual_slot_across_midnight_and_discharge(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=90.0))
    # Sunday only (bit 6), 22:00 -> 02:00, discharging 700 W.
    await write_slot(
        client, battery, sim.port, start_time="22:00", end_time="02:00", week_set=64, power=700
    )
    sim.advance(24 * HOUR)  # Tuesday 08:00
    assert battery.power == 0.0
    sim.advance(5 * 24 * HOUR + 14 * HOUR)  # Sunday 22:00
    assert sim.wall_time.weekday() == 6
    assert battery.power == 700.0
    sim.advance(3 * HOUR)  # Monday 01:00, still Sunday's slot
    assert battery.power == 700.0
    sim.advance(HOUR)  # Monday 02:00
    assert battery.power == 0.0


async def test_one_long_jump_integrates_slots_exactly(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    await write_slot(client, battery, sim.port, week_set=127, power=-512)  # 09:00-10:00 daily
    sim.advance(3 * 24 * HOUR)  # three windows of one hour at 512 W, 10 % each
    assert battery.charged_wh == pytest.approx(3 * 512, rel=1e-6)
    assert battery.soc == pytest.approx(80.0, rel=1e-6)


async def test_disabled_slot_and_first_slot_wins(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    await write_slot(client, battery, sim.port, time_num=4, week_set=127, power=-500)
    await write_slot(client, battery, sim.port, time_num=2, week_set=127, power=-900)
    await write_slot(client, battery, sim.port, time_num=1, week_set=127, power=600, enable=0)
    sim.advance(HOUR)
    assert battery.power == -900.0


async def test_passive_expires_to_idle_by_default(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    await passive(client, battery, power=-1000, cd_time=300)
    sim.advance(299)
    passive_state = battery.passive
    assert passive_state is not None
    assert passive_state.remaining == pytest.approx(1.0)
    assert battery.power == -1000.0
    sim.advance(10)
    assert battery.mode == "Passive"
    assert battery.power == 0.0
    passive_state = battery.passive
    assert passive_state is not None
    assert passive_state.remaining is None
    # exactly 300 s of charging, not 309
    assert battery.charged_wh == pytest.approx(1000 * 300 / HOUR)


async def test_passive_can_fall_back_to_the_previous_mode(
    sim: Simulator, client: UdpClient
) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    battery.quirks.passive_fallback = "previous"
    sim.meter.set_load(400)
    await passive(client, battery, power=-1000, cd_time=60)
    assert battery.power == -1000.0
    sim.advance(61)
    assert battery.mode == "Auto"
    assert battery.power == 400.0


async def test_leaving_passive_ends_the_countdown(sim: Simulator, client: UdpClient) -> None:
    battery = await sim.add_battery(spec(mode="Auto", soc=50.0))
    await passive(client, battery, power=-1000, cd_time=600)
    battery.mode = "Auto"
    passive_state = battery.passive
    assert passive_state is not None
    assert passive_state.remaining is None


async def test_ups_holds_charge(sim: Simulator) -> None:
    battery = await sim.add_battery(spec(mode="UPS", soc=50.0))
    sim.meter.set_load(1000)
    sim.advance(HOUR)
    assert battery.soc == 50.0
    assert sim.meter.power == 1000.0


async def test_default_wall_clock_moves_with_the_clock(port: int) -> None:
    clock = ManualClock()
    async with Simulator(port=port, clock=clock, broadcast_host=None) as simulator:
        start = simulator.wall_time
        clock.advance(90)
        simulator.advance(30)
        assert simulator.wall_time - start == timedelta(seconds=120)
        assert simulator.time == 120.0


async def test_time_scale_speeds_up_the_default_clock(port: int) -> None:
    async with Simulator(port=port, broadcast_host=None, time_scale=1000.0) as simulator:
        before = simulator.time
        await asyncio.sleep(0.05)
        assert simulator.time - before >= 40.0


def test_time_scale_with_own_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="time_scale"):
        Simulator(clock=ManualClock(), time_scale=2.0)


async def test_wall_clock_can_be_injected(port: int) -> None:
    clock = ManualClock()
    saturday_noon = datetime(2026, 6, 6, 12, 0, tzinfo=LOCAL)
    async with Simulator(
        port=port, clock=clock, now=wall_clock_following(clock, saturday_noon)
    ) as simulator:
        assert simulator.wall_time == saturday_noon
