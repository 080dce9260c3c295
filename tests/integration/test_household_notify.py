"""Messages a person chose in the household set-up, sent through a real notify action.

The target is core's `notify.persistent_notification`, so each message is read back as the
notification it made; Home Assistant runs in Dutch to show the language follows it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.marstek_rotation import household_notify
from custom_components.marstek_rotation.const import DOMAIN
from simulator import Quirks, Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, setup_entry

TARGET = "notify.persistent_notification"
LOADS_PACKAGES = "homeassistant:\n  packages: !include_dir_named packages\n"


@pytest.fixture
async def household(hass: HomeAssistant, simulator: Simulator, tmp_path: Path) -> list[Any]:
    """Two batteries, notify loaded, Home Assistant in Dutch; returns the battery entries."""
    (tmp_path / "configuration.yaml").write_text(LOADS_PACKAGES, encoding="utf-8")
    hass.config.config_dir = str(tmp_path)
    hass.config.language = "nl"
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    assert await async_setup_component(hass, "notify", {})
    entries = []
    for spec in (VENUS_E_D828, VENUS_E3_9A7D):
        await simulator.add_battery(spec)
        entries.append(await setup_entry(hass, config_entry_for(spec)))
    return entries


async def step(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def until_messages(hass: HomeAssistant) -> FlowResult:
    """The household set-up, answered up to its messages step."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await step(hass, result, {"next_step_id": "household"})
    batteries = [e.entry_id for e in hass.config_entries.async_entries(DOMAIN)]
    result = await step(
        hass, result, {"batteries": batteries, "p1_sensor": "sensor.grid", "tariff": "none"}
    )
    result = await step(hass, result, {"label_1": "Fase A", "label_2": "Fase B"})
    assert result["step_id"] == "notifications"
    return result


async def set_up_household(hass: HomeAssistant, notify: dict[str, Any]) -> FlowResult:
    result = await until_messages(hass)
    assert TARGET in _offered(result)
    result = await step(hass, result, notify)
    if result["type"] is FlowResultType.FORM and result["step_id"] == "install":
        result = await step(hass, result, {})
    await hass.async_block_till_done()
    return result


def _offered(result: FlowResult) -> list[str]:
    for key, selector in result["data_schema"].schema.items():
        if str(key) == "notify_target":
            return [str(option) for option in selector.config["options"]]
    return []


def battery_at(simulator: Simulator, host: str) -> Any:
    return next(b for b in simulator.batteries if b.host == host)


def messages(hass: HomeAssistant) -> list[str]:
    notifications: dict[str, dict[str, Any]] = hass.data.get("persistent_notification", {})
    return [n["message"] for n in notifications.values()]


async def test_a_battery_that_stops_and_starts_answering_is_one_message_each(
    hass: HomeAssistant, household: list[Any], simulator: Simulator
) -> None:
    result = await set_up_household(
        hass, {"notify_target": TARGET, "notify_events": ["battery", "refused"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    coordinator = household[0].runtime_data.coordinator
    battery = battery_at(simulator, "127.0.0.2")

    battery.quirks = Quirks(silent=True)
    for _ in range(4):  # the third missed poll turns the connection off; the fourth says nothing
        await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert messages(hass) == [
        "Fase A antwoordt niet. De rotatie laat hem met rust tot hij weer antwoordt."
    ]

    battery.quirks = Quirks()
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert messages(hass)[-1] == "Fase A antwoordt weer."
    assert len(messages(hass)) == 2


async def test_a_refused_write_is_said_with_the_battery_and_the_mode(
    hass: HomeAssistant, household: list[Any], simulator: Simulator
) -> None:
    await set_up_household(hass, {"notify_target": TARGET, "notify_events": ["refused"]})
    battery_at(simulator, "127.0.0.3").quirks = Quirks(set_result_false="always")
    select = er.async_get(hass).async_get_entity_id(
        "select", DOMAIN, f"{household[1].unique_id}_operating_mode"
    )
    assert select is not None

    with pytest.raises(Exception):  # noqa: B017,PT011  # the refusal reaches the caller too
        await hass.services.async_call(
            "select", "select_option", {"entity_id": select, "option": "auto"}, blocking=True
        )
    await hass.async_block_till_done()

    assert messages(hass) == ["Fase B weigerde over te schakelen naar auto."]


async def test_no_events_means_no_messages_and_events_need_a_target(
    hass: HomeAssistant, household: list[Any], simulator: Simulator
) -> None:
    result = await until_messages(hass)
    refused = await step(hass, result, {"notify_events": ["battery"]})
    assert refused["errors"] == {"notify_target": "notify_target_missing"}
    result = await step(hass, refused, {})
    result = await step(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].options["notifications"] == {"notify_target": "", "notify_events": []}

    battery_at(simulator, "127.0.0.2").quirks = Quirks(silent=True)
    for _ in range(3):
        await household[0].runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert messages(hass) == []


async def test_tonights_plan_is_said_once_an_evening_and_a_household_problem_once(
    hass: HomeAssistant, household: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's plan and problems sensors (set here as the package sets them)."""
    await set_up_household(
        hass, {"notify_target": TARGET, "notify_events": ["plan", "configuration"]}
    )
    hass.states.async_set("sensor.marstek_rotation_household", "2", {"currency": "EUR"})
    clock = {"now": datetime.fromisoformat("2026-12-06 14:00:00+01:00")}
    monkeypatch.setattr(household_notify, "local_now", lambda: clock["now"])
    block = {
        "battery": "a",
        "start": "2026-12-07T02:00:00+01:00",
        "end": "2026-12-07T05:00:00+01:00",
    }
    plan = {"status": "planned", "blocks": [block], "expected_cost": 0.8123}
    hass.states.async_set("sensor.marstek_rotation_energy_plan", "4.5", plan)
    await hass.async_block_till_done()
    assert messages(hass) == []  # the afternoon's plan is not tonight's yet

    clock["now"] = datetime.fromisoformat("2026-12-06 19:00:00+01:00")
    hass.states.async_set("sensor.marstek_rotation_energy_plan", "4.6", plan)
    hass.states.async_set("sensor.marstek_rotation_energy_plan", "4.7", plan)  # a re-plan
    await hass.async_block_till_done()
    assert messages(hass) == [
        "Plan voor vannacht: 4.60 kWh kopen vanaf 02:00; verwachte kosten 0.81 EUR."
    ]

    hass.states.async_set("sensor.marstek_rotation_problems", "0", {"message": ""})
    hass.states.async_set(
        "sensor.marstek_rotation_problems", "1", {"message": "weather.home does not exist"}
    )
    hass.states.async_set(
        "sensor.marstek_rotation_problems", "1", {"message": "weather.home does not exist"}
    )
    await hass.async_block_till_done()
    assert messages(hass)[1:] == [
        "Het huishoudbestand heeft een probleem: weather.home does not exist"
    ]
