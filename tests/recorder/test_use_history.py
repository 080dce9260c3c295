"""plan_energy's consumption_entity with a real recorder: the last 7 days, hour by hour.

Hourly statistics of a power sensor are imported into Home Assistant's own recorder (an
in-memory database); the action reads them back through the recorder's statistics API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.recorder.models import StatisticMeanType, StatisticMetaData
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.naming import default_entity_prefix
from simulator import Simulator
from tests.integration.conftest import VENUS_E_D828, config_entry_for, setup_entry

HOUSE = "sensor.house_power"
D828 = default_entity_prefix(VENUS_E_D828.model, VENUS_E_D828.ble_mac)
FLAT = {"source": "normalised", "unit": "kWh"}


def _watts(hour: int) -> float:
    """An evening-heavy house: 300 W at night, 1500 W from 17:00 to 21:00."""
    return 1500.0 if 17 <= hour < 21 else 300.0


async def _plan(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    start = dt_util.start_of_local_day() + timedelta(days=1)
    prices = [
        {"start": (start + timedelta(hours=h)).isoformat(), "price": 0.10 if h < 6 else 0.40}
        for h in range(24)
    ]
    response = await hass.services.async_call(
        DOMAIN,
        "plan_energy",
        {**FLAT, "prices": prices, "batteries": [D828], **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


async def test_the_last_seven_days_give_the_use_hour_by_hour(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    await simulator.add_battery(VENUS_E_D828)
    await setup_entry(hass, config_entry_for(VENUS_E_D828))
    hass.states.async_set(HOUSE, "400", {"unit_of_measurement": "W", "state_class": "measurement"})
    now = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    rows = []
    for back in range(1, 7 * 24 + 1):
        start = now - timedelta(hours=back)
        watts = _watts(dt_util.as_local(start).hour)
        rows.append({"start": start, "mean": watts, "min": watts, "max": watts})
    metadata: dict[str, Any] = {
        "mean_type": StatisticMeanType.ARITHMETIC,
        "has_sum": False,
        "name": "House power",
        "source": "recorder",
        "statistic_id": HOUSE,
        "unit_of_measurement": "W",
    }
    if "unit_class" in StatisticMetaData.__annotations__:  # newer Home Assistant only
        metadata["unit_class"] = "power"
    async_import_statistics(hass, metadata, rows)  # type: ignore[arg-type]
    await async_wait_recording_done(hass)

    shaped = await _plan(hass, consumption=0.4, consumption_entity=HOUSE)
    assert shaped["inputs"]["consumption_source"] == "history"
    profile = shaped["inputs"]["consumption_profile"]
    assert profile == [1.5 if 17 <= hour < 21 else 0.3 for hour in range(24)]

    # Without a history (another sensor) the given figure is used.
    hass.states.async_set("sensor.new_meter", "400", {"unit_of_measurement": "W"})
    given = await _plan(hass, consumption=0.4, consumption_entity="sensor.new_meter")
    assert given["inputs"]["consumption_source"] == "given"
    assert given["inputs"]["consumption_profile"] == [0.4] * 24
    # The evening's heavy use needs more stored energy than a flat 0.4 kWh an hour.
    assert shaped["deficit_kwh"] > given["deficit_kwh"]
