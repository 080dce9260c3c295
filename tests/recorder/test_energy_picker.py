"""What the Energy dashboard's battery dialog offers, from a real recorder.

Home Assistant 2026.11's dialog asks the recorder for every statistic id (mean and sum alike,
`recorder/list_statistic_ids` without a type) and keeps, for the two energy fields, those of
unit class "energy"; for the state of charge, those in % of device class battery. A kWh sensor
with any state class has statistics of unit class "energy", so it would be offered as energy
charged or discharged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.recorder.models import StatisticMeanType, StatisticMetaData
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.marstek_rotation.naming import default_entity_prefix
from simulator import Simulator
from tests.integration.conftest import VENUS_E_D828, config_entry_for, setup_entry

D828 = default_entity_prefix(VENUS_E_D828.model, VENUS_E_D828.ble_mac)


async def _statistic_ids(
    hass: HomeAssistant, ws_client: WebSocketGenerator
) -> list[dict[str, Any]]:
    """The battery's statistic ids, asked for the way the dialog asks (no statistic type)."""
    await async_wait_recording_done(hass)
    client = await ws_client(hass)
    await client.send_json_auto_id({"type": "recorder/list_statistic_ids"})
    response = await client.receive_json()
    assert response["success"], response
    return [
        item for item in response["result"] if item["statistic_id"].startswith(f"sensor.{D828}_")
    ]


async def test_only_the_energy_totals_are_offered_as_battery_energy(
    hass: HomeAssistant, simulator: Simulator, hass_ws_client: WebSocketGenerator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))

    statistics = await _statistic_ids(hass, hass_ws_client)

    energy = {item["statistic_id"] for item in statistics if item["unit_class"] == "energy"}
    # Not the capacities (stored, room left, rated): they are no energy that flowed.
    assert energy == {f"sensor.{D828}_energy_charged", f"sensor.{D828}_energy_discharged"}
    assert all(item["has_sum"] for item in statistics if item["statistic_id"] in energy)


async def test_the_state_of_charge_is_offered_for_the_soc_field(
    hass: HomeAssistant, simulator: Simulator, hass_ws_client: WebSocketGenerator
) -> None:
    await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))

    statistics = await _statistic_ids(hass, hass_ws_client)

    in_percent = [
        item["statistic_id"] for item in statistics if item["statistics_unit_of_measurement"] == "%"
    ]
    soc = f"sensor.{D828}_state_of_charge"
    assert in_percent == [soc]
    state = hass.states.get(soc)
    assert state is not None
    assert state.attributes["device_class"] == "battery"


async def test_old_capacity_statistics_give_the_documented_repair(
    hass: HomeAssistant, simulator: Simulator, hass_ws_client: WebSocketGenerator
) -> None:
    # Statistics made while the capacity had a state class, as after an update (README,
    # "Capacity sensors and long-term statistics").
    remaining = f"sensor.{D828}_remaining_capacity"
    metadata: dict[str, Any] = {
        "mean_type": StatisticMeanType.ARITHMETIC,
        "has_sum": False,
        "name": None,
        "source": "recorder",
        "statistic_id": remaining,
        "unit_of_measurement": "kWh",
    }
    if "unit_class" in StatisticMetaData.__annotations__:  # newer Home Assistant only
        metadata["unit_class"] = "energy"
    start = dt_util.utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    row = {"start": start, "mean": 2.5, "min": 2.5, "max": 2.5}
    async_import_statistics(hass, metadata, [row])  # type: ignore[arg-type]
    await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    await async_wait_recording_done(hass)

    # What the frontend asks when Repairs or the statistics page opens.
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "recorder/update_statistics_issues"})
    assert (await client.receive_json())["success"]

    issue = ir.async_get(hass).async_get_issue("sensor", f"state_class_removed_{remaining}")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {"statistic_id": remaining}
