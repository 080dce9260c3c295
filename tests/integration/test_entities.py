"""Entities: exact ids, values, the mode select and passive numbers end to end, energy."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.marstek_rotation.entity_ids import planned_entity_ids
from simulator import Quirks, Simulator
from tests.wire import NEUTRAL_MANUAL_CONFIG

from .conftest import (
    VENUS_E3_9A7D,
    VENUS_E_D828,
    LinkTiming,
    config_entry_for,
    set_link_timing,
    setup_entry,
    use_link_timing,
)

CT_KEYS = ("ct_phase_a_power", "ct_phase_b_power", "ct_phase_c_power", "ct_total_power")


SETTINGS_IDS = ("number.{}_depth_of_discharge", "switch.{}_led", "switch.{}_bluetooth_advertising")


def expected_ids(prefix: str, *, ct: bool, settings: bool = False) -> set[str]:
    """Every id a battery can have (the snapshots list them): the CT sensors only with `ct`,
    the depth of discharge, LED and Bluetooth only with `settings` (model and firmware)."""
    ids = set(planned_entity_ids(prefix))
    if not settings:
        ids -= {template.format(prefix) for template in SETTINGS_IDS}
    return ids if ct else ids - {f"sensor.{prefix}_{key}" for key in CT_KEYS}


def registered_ids(entity_registry: er.EntityRegistry, entry_id: str) -> set[str]:
    return {e.entity_id for e in er.async_entries_for_config_entry(entity_registry, entry_id)}


async def test_entity_ids_are_exactly_as_designed(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await simulator.add_battery(VENUS_E3_9A7D)
    venus_e = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    venus_e3 = await setup_entry(hass, config_entry_for(VENUS_E3_9A7D))

    assert registered_ids(entity_registry, venus_e.entry_id) == expected_ids(
        "marstek_venuse_d828", ct=False
    )
    assert registered_ids(entity_registry, venus_e3.entry_id) == expected_ids(
        "marstek_venuse_3_0_9a7d", ct=True, settings=True
    )
    assert hass.states.get("sensor.marstek_venuse_d828_state_of_charge") is not None
    assert hass.states.get("sensor.marstek_venuse_3_0_9a7d_state_of_charge") is not None
    # CT powers only where the reply carries them, and disabled until the user wants them.
    ct = entity_registry.async_get("sensor.marstek_venuse_3_0_9a7d_ct_total_power")
    assert ct is not None
    assert ct.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # Unique ids come from the BLE MAC, never the IP.
    soc = entity_registry.async_get("sensor.marstek_venuse_d828_state_of_charge")
    assert soc is not None
    assert soc.unique_id == "acd92968d828_state_of_charge"


async def test_custom_prefix_sets_every_entity_id(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, entity_prefix="garage_battery"))
    assert registered_ids(entity_registry, entry.entry_id) == expected_ids(
        "garage_battery", ct=False
    )


async def test_ids_do_not_follow_the_device_name_or_area(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    state = hass.states.get("sensor.marstek_venuse_d828_state_of_charge")
    assert state is not None
    assert state.attributes["friendly_name"] == "Marstek VenusE d828 State of charge"
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert registered_ids(entity_registry, entry.entry_id) == expected_ids(
        "marstek_venuse_d828", ct=False
    )


async def test_sensor_values_follow_the_battery(hass: HomeAssistant, simulator: Simulator) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, rated_capacity=5.12))
    soc = round(battery.soc)

    def value(key: str) -> str:
        state = hass.states.get(f"sensor.marstek_venuse_d828_{key}")
        assert state is not None
        return state.state

    assert int(value("state_of_charge")) == soc
    assert value("operating_mode") == "auto"
    assert float(value("remaining_capacity")) == pytest.approx(5.12 * soc / 100, abs=0.001)
    assert float(value("available_capacity")) == pytest.approx(5.12 * (100 - soc) / 100, abs=0.001)
    assert float(value("rated_capacity")) == 5.12

    battery.soc = 20.0
    await entry.runtime_data.coordinator.async_refresh()
    assert int(value("state_of_charge")) == 20
    assert float(value("available_capacity")) == pytest.approx(5.12 * 0.8, abs=0.001)


async def select_mode(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.marstek_venuse_d828_operating_mode", ATTR_OPTION: option},
        blocking=True,
    )


async def set_number(hass: HomeAssistant, key: str, value: float) -> None:
    await hass.services.async_call(
        "number",
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: f"number.marstek_venuse_d828_{key}", ATTR_VALUE: value},
        blocking=True,
    )


async def test_select_writes_each_mode_to_the_battery(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    select_id = "select.marstek_venuse_d828_operating_mode"

    await set_number(hass, "passive_power", -1200)
    await set_number(hass, "passive_duration", 900)
    battery.clear_received()
    await select_mode(hass, "passive")
    assert battery.mode == "Passive"
    assert battery.passive is not None
    assert battery.passive.power == -1200
    assert battery.passive.cd_time == 900
    state = hass.states.get(select_id)
    assert state is not None
    assert state.state == "passive"  # optimistic, before any read
    # The next poll, moved to just after the quiet period (none here), reads it back.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert battery.method_counts() == {"ES.SetMode": 1, "ES.GetMode": 1}

    await select_mode(hass, "manual")
    assert battery.mode == "Manual"
    # The neutral config: slot 9, disabled, touches no real schedule.
    assert battery.manual_slots[9].enabled is False
    assert not any(slot.enabled for slot in battery.manual_slots)
    writes = [d for d in battery.received if d.method == "ES.SetMode"]
    assert writes[-1].payload is not None
    assert writes[-1].payload["id"] == 0
    config = writes[-1].payload["config"]
    assert config == NEUTRAL_MANUAL_CONFIG

    await select_mode(hass, "ai")
    assert battery.mode == "AI"
    await select_mode(hass, "auto")
    assert battery.mode == "Auto"
    state = hass.states.get(select_id)
    assert state is not None
    assert state.state == "auto"
    assert state.attributes["options"] == ["auto", "ai", "manual", "passive"]


async def test_failed_write_raises_a_translated_error(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828, timeout=1.0))
    battery.quirks = Quirks(silent=True)

    with pytest.raises(HomeAssistantError) as raised:
        await select_mode(hass, "manual")
    assert raised.value.translation_key == "write_timeout"
    assert raised.value.translation_placeholders["battery"] == "Marstek VenusE d828"
    state = hass.states.get("select.marstek_venuse_d828_operating_mode")
    assert state is not None
    assert state.state == "auto"  # unchanged: no optimistic update for a failed write

    battery.quirks = Quirks(error_replies={"ES.SetMode": -32602})
    with pytest.raises(HomeAssistantError) as raised:
        await select_mode(hass, "manual")
    assert raised.value.translation_key == "write_rejected"


async def test_passive_numbers_survive_a_reload(hass: HomeAssistant, simulator: Simulator) -> None:
    await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await set_number(hass, "passive_power", 750)
    await set_number(hass, "passive_duration", 120)

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.runtime_data.control.passive_settings == (750, 120)
    state = hass.states.get("number.marstek_venuse_d828_passive_power")
    assert state is not None
    assert float(state.state) == 750


@pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)
async def test_energy_counters_integrate_grid_power_and_survive_reload(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    battery = await simulator.add_battery(VENUS_E_D828)
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828, poll_interval=30))
    await set_number(hass, "passive_power", -1000)
    await set_number(hass, "passive_duration", 7200)
    await select_mode(hass, "passive")

    for _ in range(120):
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    def energy(key: str) -> float:
        state = hass.states.get(f"sensor.marstek_venuse_d828_energy_{key}")
        assert state is not None
        return float(state.state)

    charged = energy("charged")
    print(
        f"one hour of passive charging at 1000 W: {charged:.4f} kWh counted, "
        f"simulator says {battery.charged_wh / 1000:.4f} kWh"
    )
    assert charged == pytest.approx(1.0, abs=0.02)
    assert energy("discharged") == 0.0

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert energy("charged") == pytest.approx(charged)


async def test_energy_counters_restore_after_a_restart(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.marstek_venuse_d828_energy_charged", "12.5"),
                {"native_value": 12.5, "native_unit_of_measurement": "kWh"},
            ),
            (
                State("sensor.marstek_venuse_d828_energy_discharged", "3.25"),
                {"native_value": 3.25, "native_unit_of_measurement": "kWh"},
            ),
        ],
    )
    await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))

    charged = hass.states.get("sensor.marstek_venuse_d828_energy_charged")
    discharged = hass.states.get("sensor.marstek_venuse_d828_energy_discharged")
    assert charged is not None
    assert discharged is not None
    assert float(charged.state) == 12.5
    assert float(discharged.state) == 3.25


@pytest.mark.parametrize(
    ("quiet_period", "mode_after_poll"),
    [(0.0, "Auto"), (1.0, "Manual")],
    ids=["without-quiet-period-the-firmware-reverts", "quiet-period-keeps-the-write"],
)
async def test_quiet_period_after_a_write_prevents_the_revert_quirk(
    hass: HomeAssistant,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    quiet_period: float,
    mode_after_poll: str,
) -> None:
    set_link_timing(monkeypatch, quiet_period=quiet_period)
    # This firmware undoes a write when it is read within 0.8 s after it.
    battery = await simulator.add_battery(VENUS_E_D828, quirks=Quirks(revert_window=0.8))
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))

    await select_mode(hass, "manual")
    await entry.runtime_data.coordinator.async_refresh()

    assert battery.mode == mode_after_poll
    state = hass.states.get("select.marstek_venuse_d828_operating_mode")
    assert state is not None
    assert state.state == mode_after_poll.lower()


def select_state(hass: HomeAssistant) -> str:
    state = hass.states.get("select.marstek_venuse_d828_operating_mode")
    assert state is not None
    return state.state


async def test_set_result_false_for_the_active_mode_is_not_a_refusal(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_link_timing(monkeypatch, quiet_period=0.3)
    battery = await simulator.add_battery(
        VENUS_E_D828, quirks=Quirks(set_result_false="when_active")
    )
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    battery.clear_received()

    await select_mode(hass, "auto")  # already Auto: the battery answers false, a no-op

    assert select_state(hass) == "auto"
    # One write, never repeated, and the one read that follows its quiet period.
    assert [d.method for d in battery.received] == ["ES.SetMode", "ES.GetMode"]

    # A false whose read does not show the wanted mode is still a refusal.
    battery.quirks.set_result_false = "always"
    battery.clear_received()
    with pytest.raises(HomeAssistantError) as raised:
        await select_mode(hass, "manual")
    assert raised.value.translation_key == "write_rejected"
    assert [d.method for d in battery.received] == ["ES.SetMode", "ES.GetMode"]
    assert battery.mode == "Auto"
    assert select_state(hass) == "auto"


async def test_a_mode_the_battery_did_not_keep_is_said_once_and_shown(
    hass: HomeAssistant,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    set_link_timing(monkeypatch, quiet_period=0.3)
    battery = await simulator.add_battery(VENUS_E_D828, quirks=Quirks(drop_passive=True))
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    coordinator = entry.runtime_data.coordinator
    caplog.set_level("WARNING", logger="custom_components.marstek_rotation.control")

    def warnings() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name.endswith(".control") and r.levelname == "WARNING"
        ]

    await select_mode(hass, "passive")
    assert select_state(hass) == "passive"  # optimistic until the read after the quiet period
    assert warnings() == []
    await coordinator.async_refresh()
    assert select_state(hass) == "auto"  # the real mode, not the optimistic one
    assert len(warnings()) == 1
    assert "accepted passive but reads auto" in warnings()[0]
    await coordinator.async_refresh()
    await select_mode(hass, "passive")  # dropped again: not said again
    await coordinator.async_refresh()
    assert select_state(hass) == "auto"
    assert len(warnings()) == 1

    # Manual reverted by a read soon after the write: the same trouble, not said again.
    caplog.clear()
    battery.quirks = Quirks(revert_window=5.0)  # the read after the 0.3 s quiet period is too soon
    await select_mode(hass, "manual")
    await coordinator.async_refresh()
    assert battery.mode == "Auto"
    assert select_state(hass) == "auto"
    assert warnings() == []  # still the same trouble since the last warning: DEBUG only

    # A write that holds re-arms the warning.
    battery.quirks = Quirks()
    await select_mode(hass, "ai")
    await coordinator.async_refresh()
    assert select_state(hass) == "ai"
    battery.quirks = Quirks(drop_passive=True)
    await select_mode(hass, "passive")
    await coordinator.async_refresh()
    assert select_state(hass) == "ai"
    assert len(warnings()) == 1
    assert "accepted passive but reads ai" in warnings()[0]


@pytest.mark.freeze_time("2026-11-23 10:00:00+00:00", tick=True)
async def test_the_real_default_pacing_and_quiet_period(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The library's defaults (1 s spacing, 15 s quiet after a write), which other tests shorten.

    A poll that waits for the quiet period lets a second write go first, 1 s after the first.
    """
    use_link_timing(monkeypatch, LinkTiming())
    battery = await simulator.add_battery(VENUS_E_D828, quirks=Quirks(revert_window=10.0))
    entry = await setup_entry(hass, config_entry_for(VENUS_E_D828))
    battery.clear_received()

    writes = asyncio.gather(select_mode(hass, "ai"), select_mode(hass, "manual"))
    read = asyncio.create_task(entry.runtime_data.coordinator.async_refresh())
    for _ in range(20):  # let 20 s pass on every clock, in steps
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await asyncio.sleep(0.01)
    await writes
    await read

    sent = [(d.method, d.time) for d in battery.received]
    assert [method for method, _ in sent] == ["ES.SetMode", "ES.SetMode", "ES.GetMode"]
    (_, first), (_, second), (_, poll) = sent
    print(f"write -> write {second - first:.2f} s, write -> read {poll - second:.2f} s")
    assert second - first >= 1.0
    assert poll - second >= 15.0
    # Read after the quiet period, the firmware kept the last write.
    assert battery.mode == "Manual"
