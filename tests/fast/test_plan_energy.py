"""plan_energy on a mocked client: what it reads, that it writes nothing, and its helpers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.planning import detect_source, spread_solar
from custom_components.marstek_rotation.pricing import PriceSlot

from .conftest import PREFIX

FIXTURES = Path(__file__).resolve().parents[1] / "pricing" / "fixtures"
WRITES = ("set_mode", "set_passive", "set_manual_slot", "clear_manual_slots")
PRICES = {
    "source": "normalised",
    "prices": [
        {"start": "2026-12-07T00:00:00+01:00", "price": 0.10},
        {"start": "2026-12-07T01:00:00+01:00", "price": 0.10},
        {"start": "2026-12-07T02:00:00+01:00", "price": 0.40},
        {"start": "2026-12-07T03:00:00+01:00", "price": 0.40},
    ],
}

pytestmark = pytest.mark.freeze_time("2026-12-06 23:00:00+00:00")


async def _plan(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "plan_energy", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def _assert_no_writes(client: MagicMock) -> None:
    for name in WRITES:
        assert getattr(client, name).await_count == 0, name


async def test_the_batteries_reading_is_planned_with_and_nothing_written(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    response = await _plan(hass, {**PRICES, "consumption": 1.0, "batteries": [PREFIX]})

    assert response["inputs"]["batteries"] == [
        {
            "name": PREFIX,
            "soc": 45.0,
            "capacity_kwh": init_integration.runtime_data.coordinator.data.rated_capacity,
            "max_power_w": 2500,
        }
    ]
    assert [p["price"] for p in response["prices"]] == [0.1, 0.1, 0.4, 0.4]
    assert response["reason_code"] == "charge_deficit"
    (battery,) = response["batteries"]
    assert battery["name"] == PREFIX
    # One block in the cheap hours (the latest of equal windows), none in the dear ones.
    assert [(b["start"][11:16], b["end"][11:16]) for b in battery["blocks"]] == [("01:00", "02:00")]
    _assert_no_writes(mock_marstek_client)


async def test_the_entry_id_names_a_battery_too(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    response = await _plan(
        hass, {**PRICES, "consumption": 1.0, "batteries": [init_integration.entry_id]}
    )

    assert [b["name"] for b in response["batteries"]] == [PREFIX]
    _assert_no_writes(mock_marstek_client)


async def test_it_only_answers_with_a_response(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "plan_energy", {**PRICES, "consumption": 1.0}, blocking=True
        )
    _assert_no_writes(mock_marstek_client)


async def test_a_battery_without_a_soc_reading_is_refused(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    data = coordinator.data
    coordinator.async_set_updated_data(replace(data, status=replace(data.status, soc=None)))

    with pytest.raises(ServiceValidationError) as refused:
        await _plan(hass, {**PRICES, "consumption": 1.0})

    assert refused.value.translation_key == "battery_no_reading"
    _assert_no_writes(mock_marstek_client)


async def test_an_unloaded_battery_is_refused(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    await hass.config_entries.async_unload(init_integration.entry_id)

    with pytest.raises(ServiceValidationError) as named:
        await _plan(hass, {**PRICES, "consumption": 1.0, "batteries": [PREFIX]})
    with pytest.raises(ServiceValidationError) as every:
        await _plan(hass, {**PRICES, "consumption": 1.0})

    assert named.value.translation_key == "battery_not_loaded"
    assert every.value.translation_key == "no_batteries"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("nordpool_custom_today.json", "nordpool_custom"),
        ("nordpool_custom_dst_spring_cents.json", "nordpool_custom"),
        ("entsoe_dst_autumn.json", "entsoe"),
        ("frank_energie.json", "frank_energie"),
        ("normalised_prices.json", "normalised"),
        ("energyzero_response.json", "energyzero"),
        ("tempo_states.json", None),
        ("tibber_response.json", None),
    ],
)
def test_the_shape_of_a_sensors_attributes_is_detected(name: str, kind: str | None) -> None:
    attributes = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert detect_source(attributes) == kind


async def test_the_solar_forecast_is_spread_over_the_coming_days_daylight(
    hass: HomeAssistant,
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    start = datetime.fromisoformat("2026-12-07T00:00:00+01:00")
    slots = [
        PriceSlot(start + timedelta(hours=h), start + timedelta(hours=h + 1), 0.2)
        for h in range(48)
    ]

    spread = spread_solar(slots, 12.0, start)

    assert sum(spread) == pytest.approx(12.0)
    # Daylight (08:00-18:00 local) of the next 24 hours only, the most around 13:00.
    assert [hour for hour, kwh in enumerate(spread) if kwh > 0] == list(range(8, 18))
    assert max(spread) in (spread[12], spread[13])
    assert spread[12] == pytest.approx(spread[13])
    assert spread_solar(slots, 0.0, start) == [0.0] * 48


async def test_an_hourly_use_profile_is_planned_by_local_hour(
    hass: HomeAssistant, mock_marstek_client: MagicMock, init_integration: MockConfigEntry
) -> None:
    """24 figures: each slot gets the figure of its local hour (a flat one would not differ)."""
    profile = [0.0] * 24
    # Use only in the first cheap hour: the dear hours then have nothing to cover.
    profile[dt_util.as_local(datetime.fromisoformat(PRICES["prices"][0]["start"])).hour] = 2.0
    flat = await _plan(hass, {**PRICES, "consumption": 1.0, "batteries": [PREFIX]})
    shaped = await _plan(hass, {**PRICES, "consumption": profile, "batteries": [PREFIX]})
    assert shaped["inputs"]["consumption_kwh_per_hour"] == round(2.0 / 24, 3)
    assert shaped["deficit_kwh"] != flat["deficit_kwh"]
    with pytest.raises(vol.Invalid):  # 23 figures
        await _plan(hass, {**PRICES, "consumption": [1.0] * 23, "batteries": [PREFIX]})
