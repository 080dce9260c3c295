"""The service actions, over real UDP: what the simulated battery receives and then holds."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from itertools import pairwise
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.naming import default_entity_prefix
from simulator import BatterySpec, ManualSlot, Quirks, SimulatedBattery, Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, set_link_timing, setup_entry

SET_MANUAL_SCHEDULE = "set_manual_schedule"
CLEAR_MANUAL_SCHEDULES = "clear_manual_schedules"
SET_PASSIVE_MODE = "set_passive_mode"

SET_MODE = "ES.SetMode"
READ = "ES.GetMode"
EMPTY_SLOT = ManualSlot()  # what a slot the battery was never given holds
D828 = default_entity_prefix(VENUS_E_D828.model, VENUS_E_D828.ble_mac)
E3_9A7D = default_entity_prefix(VENUS_E3_9A7D.model, VENUS_E3_9A7D.ble_mac)

SLOT_3 = {
    "time_num": 3,
    "start_time": "22:00",
    "end_time": "06:00",
    "power": -800,
}


# -- helpers --------------------------------------------------------------------------------


def device_id_of(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The battery's device in the device registry."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    return devices[0].id


def set_mode_messages(battery: SimulatedBattery) -> list[dict[str, Any]]:
    """Every ES.SetMode datagram the battery received, decoded from the raw bytes."""
    return [json.loads(message.raw) for message in battery.received if message.method == SET_MODE]


def manual_message(
    message: dict[str, Any],
    *,
    time_num: int,
    start: str,
    end: str,
    week_set: int,
    power: int,
    enable: int,
) -> dict[str, Any]:
    """The exact ES.SetMode request a manual slot write must be (with the request's own id)."""
    assert isinstance(message["id"], int)
    return {
        "id": message["id"],
        "method": SET_MODE,
        "params": {
            "id": 0,
            "config": {
                "mode": "Manual",
                "manual_cfg": {
                    "time_num": time_num,
                    "start_time": start,
                    "end_time": end,
                    "week_set": week_set,
                    "power": power,
                    "enable": enable,
                },
            },
        },
    }


def cleared_message(message: dict[str, Any], time_num: int) -> dict[str, Any]:
    """What clearing one slot sends."""
    return manual_message(
        message, time_num=time_num, start="00:00", end="00:00", week_set=0, power=0, enable=0
    )


async def after_the_read(hass: HomeAssistant, battery: SimulatedBattery) -> Counter[str]:
    """What the battery received, once the read that follows a call's writes is back.

    The battery's next poll moves to just after a write's quiet period (none in these tests).
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    return battery.method_counts()


def slots_except(slots: tuple[ManualSlot, ...], index: int) -> list[ManualSlot]:
    return [slot for number, slot in enumerate(slots) if number != index]


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any] | None = None,
    target: dict[str, Any] | None = None,
    *,
    return_response: bool = False,
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        data or {},
        blocking=True,
        target=target,
        return_response=return_response,
    )


async def one_battery(
    hass: HomeAssistant, simulator: Simulator, spec: BatterySpec = VENUS_E_D828, **options: Any
) -> tuple[SimulatedBattery, MockConfigEntry]:
    """A loaded battery whose setup traffic is already forgotten."""
    battery = await simulator.add_battery(spec)
    entry = await setup_entry(hass, config_entry_for(spec, **options))
    assert entry.state is ConfigEntryState.LOADED
    battery.clear_received()
    return battery, entry


# -- set_manual_schedule --------------------------------------------------------------------


async def test_set_manual_schedule_writes_exactly_the_slot_asked(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery, entry = await one_battery(hass, simulator)
    assert battery.mode == "Auto"
    before = battery.manual_slots

    response = await call(
        hass, SET_MANUAL_SCHEDULE, SLOT_3, {"device_id": device_id_of(hass, entry)}
    )

    assert response is None
    messages = set_mode_messages(battery)
    assert await after_the_read(hass, battery) == {SET_MODE: 1, READ: 1}
    assert messages == [
        manual_message(
            messages[0], time_num=3, start="22:00", end="06:00", week_set=127, power=-800, enable=1
        )
    ]
    assert battery.manual_slots[3] == ManualSlot("22:00", "06:00", 127, -800, enabled=True)
    assert slots_except(battery.manual_slots, 3) == slots_except(before, 3)
    assert battery.mode == "Manual"
    # The mode select follows the write at once (optimistically), before any poll.
    state = hass.states.get(f"select.{D828}_operating_mode")
    assert state is not None
    assert state.state == "manual"


@pytest.mark.parametrize(
    ("days", "week_set"),
    [
        (["mon"], 0b0000001),
        (["sun"], 0b1000000),
        (["mon", "wed", "fri"], 0b0010101),
        (["sat", "sun"], 0b1100000),
        (["tue", "thu"], 0b0001010),
        ("wed", 0b0000100),
        (["sun", "mon", "tue", "wed", "thu", "fri", "sat"], 0b1111111),
    ],
)
async def test_days_become_the_week_set_bitmask(
    hass: HomeAssistant, simulator: Simulator, days: list[str] | str, week_set: int
) -> None:
    battery, entry = await one_battery(hass, simulator)

    await call(
        hass,
        SET_MANUAL_SCHEDULE,
        {"time_num": 0, "start_time": "08:15", "end_time": "09:45", "days": days, "power": 1200},
        {"device_id": device_id_of(hass, entry)},
    )

    [message] = set_mode_messages(battery)
    assert message == manual_message(
        message, time_num=0, start="08:15", end="09:45", week_set=week_set, power=1200, enable=1
    )
    assert battery.manual_slots[0] == ManualSlot("08:15", "09:45", week_set, 1200, enabled=True)


async def test_enabled_false_writes_a_disabled_slot(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery, entry = await one_battery(hass, simulator)
    target = {"device_id": device_id_of(hass, entry)}
    await call(hass, SET_MANUAL_SCHEDULE, {**SLOT_3, "time_num": 7}, target)
    assert battery.manual_slots[7].enabled
    battery.clear_received()

    await call(hass, SET_MANUAL_SCHEDULE, {**SLOT_3, "time_num": 7, "enabled": False}, target)

    [message] = set_mode_messages(battery)
    assert message == manual_message(
        message, time_num=7, start="22:00", end="06:00", week_set=127, power=-800, enable=0
    )
    assert battery.manual_slots[7] == ManualSlot("22:00", "06:00", 127, -800, enabled=False)


async def test_times_from_the_time_selector_are_sent_as_hh_mm(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The UI's time selector sends "HH:MM:00"; the battery only takes "HH:MM"."""
    battery, entry = await one_battery(hass, simulator)

    await call(
        hass,
        SET_MANUAL_SCHEDULE,
        {"time_num": 9.0, "start_time": "7:05:00", "end_time": "23:59:00", "power": 0.0},
        {"device_id": device_id_of(hass, entry)},
    )

    [message] = set_mode_messages(battery)
    assert message == manual_message(
        message, time_num=9, start="07:05", end="23:59", week_set=127, power=0, enable=1
    )
    assert battery.manual_slots[9] == ManualSlot("07:05", "23:59", 127, 0, enabled=True)


@pytest.mark.parametrize(
    "entity_id",
    [
        f"sensor.{D828}_state_of_charge",
        f"select.{D828}_operating_mode",
        f"sensor.{D828}_operating_mode",
    ],
)
async def test_any_entity_of_the_battery_targets_it(
    hass: HomeAssistant, simulator: Simulator, entity_id: str
) -> None:
    battery, _ = await one_battery(hass, simulator)
    other = await simulator.add_battery(VENUS_E3_9A7D)
    await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))
    other.clear_received()

    await call(hass, SET_MANUAL_SCHEDULE, {**SLOT_3, "power": 450}, {"entity_id": entity_id})

    assert await after_the_read(hass, battery) == {SET_MODE: 1, READ: 1}
    assert battery.manual_slots[3] == ManualSlot("22:00", "06:00", 127, 450, enabled=True)
    # The other battery is not touched.
    assert other.received == []
    assert other.manual_slots[3] == EMPTY_SLOT


async def test_two_batteries_in_one_call(hass: HomeAssistant, simulator: Simulator) -> None:
    first, first_entry = await one_battery(hass, simulator)
    second, second_entry = await one_battery(hass, simulator, VENUS_E3_9A7D)

    response = await call(
        hass,
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "days": ["mon", "tue"]},
        {
            "device_id": device_id_of(hass, first_entry),
            "entity_id": f"sensor.{E3_9A7D}_state_of_charge",
        },
        return_response=True,
    )

    assert response == {
        "batteries": {
            D828: {"success": True, "error": None},
            E3_9A7D: {"success": True, "error": None},
        }
    }
    for battery in (first, second):
        [message] = set_mode_messages(battery)
        assert message == manual_message(
            message, time_num=3, start="22:00", end="06:00", week_set=3, power=-800, enable=1
        )
        assert battery.manual_slots[3] == ManualSlot("22:00", "06:00", 3, -800, enabled=True)
    # The device and one of its entities name the same battery: it is written once.
    both = await call(
        hass,
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "time_num": 4},
        {
            "device_id": device_id_of(hass, first_entry),
            "entity_id": [f"sensor.{D828}_state_of_charge", f"select.{D828}_operating_mode"],
        },
        return_response=True,
    )
    assert both == {"batteries": {D828: {"success": True, "error": None}}}
    # One read after each call's write (no quiet period here).
    assert await after_the_read(hass, first) == {SET_MODE: 2, READ: 2}
    assert await after_the_read(hass, second) == {SET_MODE: 1, READ: 1}
    assert second_entry.state is ConfigEntryState.LOADED


# -- clear_manual_schedules -----------------------------------------------------------------


async def test_clear_writes_all_ten_slots_disabled(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery, entry = await one_battery(hass, simulator)
    target = {"device_id": device_id_of(hass, entry)}
    for time_num in (0, 3, 9):
        await call(hass, SET_MANUAL_SCHEDULE, {**SLOT_3, "time_num": time_num}, target)
    assert [slot.enabled for slot in battery.manual_slots].count(True) == 3
    battery.clear_received()

    await call(hass, CLEAR_MANUAL_SCHEDULES, target=target)

    messages = set_mode_messages(battery)
    # Ten datagrams, one read after the last.
    assert await after_the_read(hass, battery) == {SET_MODE: 10, READ: 1}
    assert battery.received[-1].method == READ
    assert messages == [cleared_message(message, n) for n, message in enumerate(messages)]
    assert len({message["id"] for message in messages}) == 10
    assert battery.manual_slots == (ManualSlot("00:00", "00:00", 0, 0, enabled=False),) * 10
    assert battery.mode == "Manual"


async def test_clear_runs_batteries_in_parallel(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pacing = 0.05
    set_link_timing(monkeypatch, min_interval=pacing)
    first, first_entry = await one_battery(hass, simulator)
    second, second_entry = await one_battery(hass, simulator, VENUS_E3_9A7D)
    first_target = {"device_id": device_id_of(hass, first_entry)}
    both_target = {"device_id": [device_id_of(hass, first_entry), device_id_of(hass, second_entry)]}
    await asyncio.sleep(pacing)  # let the setup reads' pacing run out

    started = time.perf_counter()
    await call(hass, CLEAR_MANUAL_SCHEDULES, target=first_target)
    single = time.perf_counter() - started
    assert await after_the_read(hass, first) == {SET_MODE: 10, READ: 1}
    writes = [d for d in first.received if d.method == SET_MODE]
    gaps = [b.loop_time - a.loop_time for a, b in pairwise(writes)]
    first.clear_received()
    await asyncio.sleep(pacing)

    started = time.perf_counter()
    await call(hass, CLEAR_MANUAL_SCHEDULES, target=both_target)
    double = time.perf_counter() - started

    print(
        f"clear_manual_schedules at {pacing:.2f} s pacing: one battery {single:.3f} s, "
        f"two batteries {double:.3f} s ({double / single:.2f}x); "
        f"gaps between one battery's writes {min(gaps):.3f}..{max(gaps):.3f} s"
    )
    # The transport spaces one battery's datagrams (each is sent at least `pacing` after the
    # previous one; an arrival delayed by a busy loop can shorten one gap, not the whole run) ...
    assert sum(gaps) >= 8 * pacing
    assert single >= 9 * pacing
    # ... but two batteries are cleared side by side, not one after the other.
    for battery in (first, second):
        messages = set_mode_messages(battery)
        assert messages == [cleared_message(message, n) for n, message in enumerate(messages)]
        assert len(messages) == 10
        assert battery.manual_slots == (ManualSlot(),) * 10
    assert second.received[0].loop_time < first.received[-1].loop_time
    assert first.received[0].loop_time < second.received[-1].loop_time
    assert double < 1.8 * single


# -- set_passive_mode -----------------------------------------------------------------------


async def test_set_passive_mode_holds_the_power(hass: HomeAssistant, simulator: Simulator) -> None:
    battery, entry = await one_battery(hass, simulator)
    assert battery.mode == "Auto"

    response = await call(
        hass,
        SET_PASSIVE_MODE,
        {"power": -1500, "duration": 600},
        {"entity_id": f"select.{D828}_operating_mode"},
    )

    assert response is None
    [message] = set_mode_messages(battery)
    assert await after_the_read(hass, battery) == {SET_MODE: 1, READ: 1}
    assert message == {
        "id": message["id"],
        "method": SET_MODE,
        "params": {
            "id": 0,
            "config": {"mode": "Passive", "passive_cfg": {"power": -1500, "cd_time": 600}},
        },
    }
    assert battery.mode == "Passive"
    passive = battery.passive
    assert passive is not None
    assert (passive.power, passive.cd_time) == (-1500, 600)
    assert passive.remaining is not None
    assert 0 < passive.remaining <= 600
    assert battery.power == -1500  # charging at the requested power
    # Shown at once, and confirmed by the next poll of the battery.
    for _ in range(2):
        for entity_id in (f"select.{D828}_operating_mode", f"sensor.{D828}_operating_mode"):
            state = hass.states.get(entity_id)
            assert state is not None
            assert state.state == "passive", entity_id
        await entry.runtime_data.coordinator.async_refresh()
        await hass.async_block_till_done()
    assert battery.method_counts() == {SET_MODE: 1, READ: 1 + 2}


async def test_set_passive_mode_accepts_the_model_limits(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery, entry = await one_battery(hass, simulator)  # a Venus E: 2500 W
    target = {"device_id": device_id_of(hass, entry)}

    await call(hass, SET_PASSIVE_MODE, {"power": 2500, "duration": 1}, target)
    await call(hass, SET_PASSIVE_MODE, {"power": -2500, "duration": 86400}, target)

    configs = [message["params"]["config"]["passive_cfg"] for message in set_mode_messages(battery)]
    assert configs == [{"power": 2500, "cd_time": 1}, {"power": -2500, "cd_time": 86400}]
    passive = battery.passive
    assert passive is not None
    assert (passive.power, passive.cd_time) == (-2500, 86400)


# -- validation: nothing is sent ------------------------------------------------------------

VALIDATION_CASES = [
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "time_num": 10},
        "out_of_range",
        {"field": "time_num", "min": "0", "max": "9", "value": "10"},
        id="time_num-10",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "time_num": -1},
        "out_of_range",
        {"field": "time_num", "min": "0", "max": "9", "value": "-1"},
        id="time_num--1",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "power": 10001},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "10001"},
        id="manual-power-10001",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "power": -10001},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "-10001"},
        id="manual-power--10001",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "start_time": "25:00"},
        "invalid_time",
        {"field": "start_time", "value": "25:00"},
        id="start_time-25:00",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "start_time": "abc"},
        "invalid_time",
        {"field": "start_time", "value": "abc"},
        id="start_time-abc",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "end_time": "12:60"},
        "invalid_time",
        {"field": "end_time", "value": "12:60"},
        id="end_time-12:60",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "days": ["xyz"]},
        "invalid_days",
        {"value": "xyz", "allowed": "mon, tue, wed, thu, fri, sat, sun"},
        id="days-xyz",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "days": ["mon", "xyz"]},
        "invalid_days",
        {"value": "xyz", "allowed": "mon, tue, wed, thu, fri, sat, sun"},
        id="days-mon-xyz",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "days": []},
        "invalid_days",
        {"value": "-", "allowed": "mon, tue, wed, thu, fri, sat, sun"},
        id="days-empty",
    ),
    # Values that used to be changed silently, then sent, are refused with the field named.
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "start_time": "12:30:45"},
        "invalid_time",
        {"field": "start_time", "value": "12:30:45"},
        id="start_time-with-seconds",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "time_num": 9.99},
        "not_whole_number",
        {"field": "time_num", "min": "0", "max": "9", "value": "9.99"},
        id="time_num-9.99",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "power": 800.9},
        "not_whole_number",
        {"field": "power", "min": "-2500", "max": "2500", "value": "800.9"},
        id="manual-power-800.9",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "power": 2600},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "2600"},
        id="manual-power-beyond-the-model",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": True, "duration": 60},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "True"},
        id="passive-power-true",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": 500, "duration": True},
        "out_of_range",
        {"field": "duration", "min": "1", "max": "86400", "value": "True"},
        id="passive-duration-true",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": "500", "duration": 60},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "500"},
        id="passive-power-text",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": -2501, "duration": 60},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "-2501"},
        id="passive-power-beyond-the-model",
    ),
    pytest.param(
        SET_MANUAL_SCHEDULE,
        {**SLOT_3, "days": ["monkey"]},
        "invalid_days",
        {"value": "monkey", "allowed": "mon, tue, wed, thu, fri, sat, sun"},
        id="days-monkey",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": 500, "duration": 0},
        "out_of_range",
        {"field": "duration", "min": "1", "max": "86400", "value": "0"},
        id="duration-0",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": 500, "duration": 86401},
        "out_of_range",
        {"field": "duration", "min": "1", "max": "86400", "value": "86401"},
        id="duration-86401",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": 10001, "duration": 60},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "10001"},
        id="passive-power-10001",
    ),
    pytest.param(
        SET_PASSIVE_MODE,
        {"power": -10001, "duration": 60},
        "out_of_range",
        {"field": "power", "min": "-2500", "max": "2500", "value": "-10001"},
        id="passive-power--10001",
    ),
]


@pytest.mark.parametrize(("service", "data", "key", "placeholders"), VALIDATION_CASES)
async def test_invalid_input_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    simulator: Simulator,
    *,
    service: str,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    battery, entry = await one_battery(hass, simulator)
    before = battery.manual_slots

    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass, service, data, {"device_id": device_id_of(hass, entry)}, return_response=True
        )

    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders == placeholders
    await asyncio.sleep(0.05)  # anything sent would have arrived by now
    assert battery.received == []
    assert battery.manual_slots == before
    assert battery.passive is None
    assert battery.mode == "Auto"


async def test_no_target_is_refused(hass: HomeAssistant, simulator: Simulator) -> None:
    battery, _ = await one_battery(hass, simulator)

    for service, data in (
        (SET_MANUAL_SCHEDULE, SLOT_3),
        (CLEAR_MANUAL_SCHEDULES, {}),
        (SET_PASSIVE_MODE, {"power": 100, "duration": 60}),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await call(hass, service, data)
        assert caught.value.translation_key == "no_battery_targeted", service
        assert caught.value.translation_domain == DOMAIN

    await asyncio.sleep(0.05)
    assert battery.received == []


async def test_target_outside_the_integration_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery, _ = await one_battery(hass, simulator)
    other_entry = MockConfigEntry(domain="other_integration", title="Other")
    other_entry.add_to_hass(hass)
    other = er.async_get(hass).async_get_or_create(
        "sensor", "other_integration", "meter", config_entry=other_entry
    )
    hass.states.async_set(other.entity_id, "12")
    hass.states.async_set("sensor.unregistered_thing", "3")
    other_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other_integration", "x")}
    )

    for target in (
        {"entity_id": other.entity_id},
        {"entity_id": "sensor.unregistered_thing"},
        {"device_id": other_device.id},
        {"entity_id": "sensor.does_not_exist"},
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await call(hass, CLEAR_MANUAL_SCHEDULES, target=target)
        assert caught.value.translation_key == "no_battery_targeted", target

    await asyncio.sleep(0.05)
    assert battery.received == []


@pytest.mark.parametrize("how", ["unloaded", "setup_retry"])
async def test_battery_that_is_not_loaded_is_refused(
    hass: HomeAssistant, simulator: Simulator, how: str
) -> None:
    battery, entry = await one_battery(hass, simulator, timeout=0.2)
    healthy, _ = await one_battery(hass, simulator, VENUS_E3_9A7D)
    device_id = device_id_of(hass, entry)
    if how == "unloaded":
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert entry.state is ConfigEntryState.NOT_LOADED
    else:
        battery.quirks = Quirks(silent=True)
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_RETRY
        battery.quirks = Quirks()
    battery.clear_received()

    for target in (
        {"device_id": device_id},
        {"entity_id": f"sensor.{D828}_state_of_charge"},
        # One battery not loaded refuses the whole call: nothing goes to the healthy one.
        {"entity_id": [f"sensor.{D828}_state_of_charge", f"sensor.{E3_9A7D}_state_of_charge"]},
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await call(hass, SET_MANUAL_SCHEDULE, SLOT_3, target, return_response=True)
        assert caught.value.translation_key == "battery_not_loaded", target
        assert caught.value.translation_placeholders == {"battery": entry.title}

    await asyncio.sleep(0.05)
    assert battery.received == []
    assert healthy.received == []


# -- responses and failures -----------------------------------------------------------------


async def test_response_reports_success_per_battery(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    first, first_entry = await one_battery(hass, simulator)
    second, second_entry = await one_battery(hass, simulator, VENUS_E3_9A7D)
    target = {"device_id": [device_id_of(hass, first_entry), device_id_of(hass, second_entry)]}

    for service, data in (
        (SET_MANUAL_SCHEDULE, SLOT_3),
        (CLEAR_MANUAL_SCHEDULES, {}),
        (SET_PASSIVE_MODE, {"power": 300, "duration": 60}),
    ):
        response = await call(hass, service, data, target, return_response=True)
        assert response == {
            "batteries": {
                D828: {"success": True, "error": None},
                E3_9A7D: {"success": True, "error": None},
            }
        }, service

    for battery in (first, second):
        assert await after_the_read(hass, battery) == {SET_MODE: 1 + 10 + 1, READ: 3}
        assert battery.mode == "Passive"


async def test_silent_battery_fails_alone_in_the_response(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    healthy, healthy_entry = await one_battery(hass, simulator)
    silent, silent_entry = await one_battery(hass, simulator, VENUS_E3_9A7D, timeout=0.3)
    silent.quirks = Quirks(silent=True)
    target = {"device_id": [device_id_of(hass, healthy_entry), device_id_of(hass, silent_entry)]}

    response = await call(hass, SET_MANUAL_SCHEDULE, SLOT_3, target, return_response=True)

    batteries = response["batteries"]
    assert set(batteries) == {D828, E3_9A7D}
    assert batteries[D828] == {"success": True, "error": None}
    assert batteries[E3_9A7D]["success"] is False
    error = batteries[E3_9A7D]["error"]
    print(f"silent battery's error: {error!r}")
    assert isinstance(error, str)
    assert silent_entry.title in error
    assert "did not confirm" in error
    assert "127.0.0.3" in error
    # The healthy battery holds the slot; the silent one heard the request but holds nothing.
    assert healthy.manual_slots[3] == ManualSlot("22:00", "06:00", 127, -800, enabled=True)
    assert silent.method_counts() == {SET_MODE: 1}
    assert silent.manual_slots[3] == EMPTY_SLOT
    silent_clear = await call(
        hass,
        CLEAR_MANUAL_SCHEDULES,
        target={"device_id": device_id_of(hass, silent_entry)},
        return_response=True,
    )
    assert silent_clear["batteries"][E3_9A7D]["success"] is False
    # Clearing stops at the first slot that gets no answer.
    assert silent.method_counts() == {SET_MODE: 2}


async def test_failure_without_response_raises_action_failed(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    healthy, healthy_entry = await one_battery(hass, simulator)
    silent, silent_entry = await one_battery(hass, simulator, VENUS_E3_9A7D, timeout=0.3)
    silent.quirks = Quirks(silent=True)
    target = {"device_id": [device_id_of(hass, healthy_entry), device_id_of(hass, silent_entry)]}

    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, SET_PASSIVE_MODE, {"power": -700, "duration": 120}, target)

    err = caught.value
    assert not isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == "action_failed"
    assert err.translation_placeholders is not None
    assert err.translation_placeholders["batteries"] == silent_entry.title
    assert "did not confirm" in err.translation_placeholders["error"]
    print(f"action_failed: {err}")
    assert silent_entry.title in str(err)
    # The healthy battery was still written, in parallel with the failing one.
    assert healthy.passive is not None
    assert (healthy.passive.power, healthy.passive.cd_time) == (-700, 120)
    assert silent.method_counts() == {SET_MODE: 1}
    assert silent.passive is None
    assert silent.mode == "Manual"
    # Only the battery that took the write is shown in Passive.
    modes = {
        prefix: hass.states.get(f"select.{prefix}_operating_mode").state
        for prefix in (D828, E3_9A7D)
    }
    assert modes == {D828: "passive", E3_9A7D: "manual"}


# -- writes to one battery never interleave -------------------------------------------------


@pytest.mark.parametrize("clear_first", [True, False], ids=["clear-first", "set-first"])
async def test_clear_and_set_on_one_battery_do_not_interleave(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch, clear_first: bool
) -> None:
    set_link_timing(monkeypatch, min_interval=0.01)
    battery, entry = await one_battery(hass, simulator)
    target = {"device_id": device_id_of(hass, entry)}
    clear = call(hass, CLEAR_MANUAL_SCHEDULES, target=target)
    set_slot = call(hass, SET_MANUAL_SCHEDULE, {**SLOT_3, "power": 999}, target)

    await asyncio.gather(*((clear, set_slot) if clear_first else (set_slot, clear)))

    messages = set_mode_messages(battery)
    assert len(messages) == 11
    slots = [message["params"]["config"]["manual_cfg"]["time_num"] for message in messages]
    enables = [message["params"]["config"]["manual_cfg"]["enable"] for message in messages]
    set_at = enables.index(1)
    first = "clear" if clear_first else "set"
    print(f"{first} started first: slots on the wire {slots}")
    # The slot-3 write is before or after all ten clearing writes, never in between.
    assert set_at in (0, 10)
    clearing = messages[:set_at] + messages[set_at + 1 :]
    assert clearing == [cleared_message(message, n) for n, message in enumerate(clearing)]
    # The battery ends in the state the order on the wire implies.
    if set_at == 10:
        assert battery.manual_slots[3] == ManualSlot("22:00", "06:00", 127, 999, enabled=True)
    else:
        assert battery.manual_slots[3] == ManualSlot()
    assert slots_except(battery.manual_slots, 3) == [ManualSlot()] * 9
