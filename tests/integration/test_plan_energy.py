"""The plan_energy action over real UDP: prices in every source's shape in, a plan out, no writes.

Two simulated batteries answer on loopback; their readings (SOC, capacity, power limit) are what
the planner is given. Prices reach the action as a real price sensor's attributes (a state set
with the fixture's attributes exactly) or as a list a script passes through. Every test checks
that no battery received an ES.SetMode: the action only answers.
"""

from __future__ import annotations

import json
import re
import statistics
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from custom_components.marstek_rotation.const import DOMAIN
from custom_components.marstek_rotation.naming import default_entity_prefix
from custom_components.marstek_rotation.pricing import normalise
from custom_components.marstek_rotation.pricing.model import ending_after
from simulator import SimulatedBattery, Simulator

from .conftest import VENUS_E3_9A7D, VENUS_E_D828, config_entry_for, setup_entry

FIXTURES = Path(__file__).resolve().parents[1] / "pricing" / "fixtures"
PLAN_ENERGY = "plan_energy"
SET_MODE = "ES.SetMode"
PRICE_SENSOR = "sensor.electricity_prices"
D828 = default_entity_prefix(VENUS_E_D828.model, VENUS_E_D828.ble_mac)
E3_9A7D = default_entity_prefix(VENUS_E3_9A7D.model, VENUS_E3_9A7D.ble_mac)
# Midnight in Amsterdam at the start of the fixtures' winter day (7 December 2026).
WINTER_NIGHT = "2026-12-06 23:00:00+00:00"
TEMPO_PRICES = {
    "blue_offpeak": 0.1296,
    "blue_peak": 0.1609,
    "white_offpeak": 0.1486,
    "white_peak": 0.1894,
    "red_offpeak": 0.1568,
    "red_peak": 0.7562,
}

pytestmark = pytest.mark.freeze_time(WINTER_NIGHT, tick=True)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
async def batteries(hass: HomeAssistant, simulator: Simulator) -> list[SimulatedBattery]:
    """Two loaded batteries (62 % and 45 %, 5.12 kWh, 2500 W) whose setup traffic is forgotten."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    added = []
    for spec in (VENUS_E_D828, VENUS_E3_9A7D):
        added.append(await simulator.add_battery(spec))
        await setup_entry(hass, config_entry_for(spec))
    for battery in added:
        battery.clear_received()
    return added


async def plan_energy(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, PLAN_ENERGY, data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def assert_nothing_written(batteries: list[SimulatedBattery]) -> None:
    for battery in batteries:
        assert SET_MODE not in battery.method_counts(), battery.spec.host


def price_at(response: dict[str, Any], moment: str) -> float:
    """The price of the slot that starts at `moment` in the response's series."""
    start = datetime.fromisoformat(moment)
    prices = [p for p in response["prices"] if datetime.fromisoformat(p["start"]) == start]
    assert len(prices) == 1, moment
    return float(prices[0]["price"])


def assert_blocks_in_cheap_hours(response: dict[str, Any]) -> None:
    """Every charge block lies inside the series, over slots cheaper than its median."""
    series = [
        (datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]), p["price"])
        for p in response["prices"]
    ]
    median = statistics.median(price for _, _, price in series)
    blocks = [block for battery in response["batteries"] for block in battery["blocks"]]
    assert blocks
    for block in blocks:
        start, end = datetime.fromisoformat(block["start"]), datetime.fromisoformat(block["end"])
        inside = [price for s, e, price in series if s >= start and e <= end]
        assert inside, block
        covered = sum((e - s for s, e, _ in series if s >= start and e <= end), timedelta())
        assert covered == end - start
        assert max(inside) < median, block
        assert 0 < block["power"] <= 2500
    assert response["expected_cost"] < response["cost_without_batteries"]


# -- prices from a sensor's attributes -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "now", "first_price", "day", "slots_on_day"),
    [
        # Tomorrow not published yet: today's 96 quarters only.
        ("nordpool_custom_today.json", "nordpool_custom", WINTER_NIGHT, 0.09276, "2026-12-07", 96),
        # The spring clock change: 92 quarters, in cents.
        (
            "nordpool_custom_dst_spring_cents.json",
            "nordpool_custom",
            "2026-03-28 23:00:00+00:00",
            0.09276,
            "2026-03-29",
            92,
        ),
        # The autumn clock change: 25 hours, the repeated 02:00 twice.
        (
            "entsoe_dst_autumn.json",
            "entsoe",
            "2026-10-24 22:00:00+00:00",
            0.09276,
            "2026-10-25",
            25,
        ),
        ("frank_energie.json", "frank_energie", WINTER_NIGHT, 0.22436, "2026-12-07", 96),
        ("normalised_prices.json", "normalised", WINTER_NIGHT, 0.22436, "2026-12-07", 24),
    ],
)
async def test_prices_from_a_sensor_in_every_shape_plan_cheap_blocks_and_write_nothing(  # noqa: PLR0917  # pytest fixtures are positional
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    batteries: list[SimulatedBattery],
    name: str,
    kind: str,
    now: str,
    first_price: float,
    day: str,
    slots_on_day: int,
) -> None:
    freezer.move_to(now)
    attributes = fixture(name)
    hass.states.async_set(PRICE_SENSOR, "0.1", attributes)

    response = await plan_energy(
        hass, {"prices_entity": PRICE_SENSOR, "consumption": 0.5, "batteries": [D828, E3_9A7D]}
    )

    assert response["inputs"]["source"] == kind
    # The series is the fixture's own, normalised, from now on.
    expected = ending_after(
        normalise(kind, attributes, default_tz=dt_util.get_default_time_zone()), dt_util.now()
    )
    assert response["prices"] == [slot.as_dict() for slot in expected]
    assert response["prices"][0]["price"] == pytest.approx(first_price)
    local_days = [
        dt_util.as_local(datetime.fromisoformat(p["start"])).date().isoformat()
        for p in response["prices"]
    ]
    assert local_days.count(day) == slots_on_day
    assert [b["name"] for b in response["batteries"]] == [D828, E3_9A7D]
    assert response["reason_code"] == "charge_deficit"
    assert response["reason"]
    assert_blocks_in_cheap_hours(response)
    assert_nothing_written(batteries)


async def test_the_batteries_readings_are_what_the_planner_gets(
    hass: HomeAssistant, batteries: list[SimulatedBattery]
) -> None:
    hass.states.async_set(PRICE_SENSOR, "0.1", fixture("nordpool_custom_today.json"))

    # No `batteries`: every loaded battery.
    response = await plan_energy(hass, {"prices_entity": PRICE_SENSOR, "consumption": 0.5})

    given = {b["name"]: b for b in response["inputs"]["batteries"]}
    assert set(given) == {D828, E3_9A7D}
    for battery, prefix in zip(batteries, (D828, E3_9A7D), strict=True):
        soc = hass.states.get(f"sensor.{prefix}_state_of_charge")
        assert soc is not None
        assert given[prefix]["soc"] == float(soc.state)
        assert given[prefix]["soc"] == pytest.approx(battery.soc, abs=1)
        assert given[prefix]["capacity_kwh"] == battery.spec.capacity_kwh
        assert given[prefix]["max_power_w"] == 2500
    assert_nothing_written(batteries)


async def test_a_full_fleet_with_sun_buys_nothing(
    hass: HomeAssistant, simulator: Simulator, batteries: list[SimulatedBattery]
) -> None:
    hass.states.async_set(PRICE_SENSOR, "0.1", fixture("nordpool_custom_today.json"))
    hass.states.async_set("sensor.energy_production_today", "40.0", {"unit_of_measurement": "kWh"})

    response = await plan_energy(
        hass,
        {
            "prices_entity": PRICE_SENSOR,
            "consumption": 0.2,
            "solar": "sensor.energy_production_today",
        },
    )

    assert response["inputs"]["solar_kwh"] == 40.0
    assert response["grid_charge_kwh"] == 0
    assert all(not battery["blocks"] for battery in response["batteries"])
    assert response["reason_code"] != "charge_deficit"
    assert_nothing_written(batteries)


# -- prices passed through by a script -----------------------------------------------------


@pytest.mark.parametrize(
    ("prices", "extra", "first_price", "count"),
    [
        (fixture("nordpool_core_response.json"), {"source": "nordpool_core"}, 0.09276, 96),
        # The area's bare list, per MWh.
        (
            fixture("nordpool_core_response.json")["NL"],
            {"source": "nordpool_core", "area": "NL"},
            0.09276,
            96,
        ),
        (fixture("tibber_response.json"), {"source": "tibber"}, 0.2244, 96),
        (fixture("energyzero_response.json"), {"source": "energyzero"}, 0.22436, 24),
        (fixture("easyenergy_response.json")["prices"], {"source": "easyenergy"}, 0.11224, 24),
        (fixture("normalised_prices.json")["prices"], {"source": "normalised"}, 0.22436, 48),
    ],
)
async def test_prices_passed_through_plan_and_write_nothing(  # noqa: PLR0917  # pytest fixtures are positional
    hass: HomeAssistant,
    batteries: list[SimulatedBattery],
    prices: Any,
    extra: dict[str, Any],
    first_price: float,
    count: int,
) -> None:
    response = await plan_energy(
        hass, {"prices": prices, "consumption": 0.5, "margin_kwh": 0.5, **extra}
    )

    assert response["inputs"]["source"] == extra["source"]
    assert response["inputs"]["margin_kwh"] == 0.5
    assert len(response["prices"]) == count
    assert response["prices"][0]["price"] == pytest.approx(first_price)
    assert price_at(response, "2026-12-07T00:00:00+01:00") == pytest.approx(first_price)
    assert response["reason_code"] == "charge_deficit"
    assert_blocks_in_cheap_hours(response)
    assert_nothing_written(batteries)


# -- tariffs -------------------------------------------------------------------------------


async def test_time_of_use_charges_in_superdal(
    hass: HomeAssistant, batteries: list[SimulatedBattery]
) -> None:
    periods = [
        {"name": "superdal", "start": "01:00", "end": "07:00", "price": 0.10},
        {"name": "dal", "start": "22:00", "end": "01:00", "price": 0.22, "days": "weekdays"},
        {"name": "dal", "start": "00:00", "end": "00:00", "price": 0.22, "days": "weekends"},
    ]

    response = await plan_energy(
        hass,
        {
            "tariff": "time_of_use",
            "periods": periods,
            "other_price": 0.38,
            "other_name": "piek",
            "consumption": 0.5,
        },
    )

    assert response["inputs"]["source"] == "time_of_use"
    assert len(response["prices"]) == 96
    assert {p["label"] for p in response["prices"]} == {"superdal", "dal", "piek"}
    assert response["reason_code"] == "charge_deficit"
    superdal = (
        datetime.fromisoformat("2026-12-07T01:00:00+01:00"),
        datetime.fromisoformat("2026-12-07T07:00:00+01:00"),
    )
    blocks = [block for battery in response["batteries"] for block in battery["blocks"]]
    assert blocks
    for block in blocks:
        assert superdal[0] <= datetime.fromisoformat(block["start"])
        assert datetime.fromisoformat(block["end"]) <= superdal[1]
    assert_nothing_written(batteries)


@pytest.mark.freeze_time("2026-12-07 11:00:00+00:00", tick=True)
async def test_tempo_red_day_ahead_charges_off_peak_from_the_colour_sensors(
    hass: HomeAssistant, batteries: list[SimulatedBattery]
) -> None:
    states = fixture("tempo_states.json")
    for entity_id in ("sensor.rte_tempo_couleur_actuelle", "sensor.rte_tempo_prochaine_couleur"):
        hass.states.async_set(entity_id, states[entity_id])

    response = await plan_energy(
        hass,
        {
            "tariff": "tempo",
            "tempo_today": "sensor.rte_tempo_couleur_actuelle",
            "tempo_tomorrow": "sensor.rte_tempo_prochaine_couleur",
            "tempo_prices": TEMPO_PRICES,
            "consumption": 0.5,
        },
    )

    assert response["reason_code"] == "tempo_red"
    labels = {p["label"] for p in response["prices"]}
    assert labels == {"white_peak", "white_offpeak", "red_peak", "red_offpeak"}
    blocks = [block for battery in response["batteries"] for block in battery["blocks"]]
    assert blocks
    offpeak = {p["start"] for p in response["prices"] if p["label"] == "white_offpeak"}
    for block in blocks:
        assert block["start"] in offpeak
    assert_nothing_written(batteries)


async def test_tariff_none_plans_nothing_to_buy(
    hass: HomeAssistant, batteries: list[SimulatedBattery]
) -> None:
    response = await plan_energy(hass, {"tariff": "none", "consumption": 0.5})

    assert response["reason_code"] == "no_prices"
    assert response["prices"] == []
    assert response["grid_charge_kwh"] == 0
    assert_nothing_written(batteries)


# -- bad input: a translated error, nothing sent ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({}, "one_price_input", {"given": "-"}),
        (
            {"prices_entity": PRICE_SENSOR, "tariff": "none"},
            "one_price_input",
            {"given": f"{'prices_entity'}, tariff"},
        ),
        ({"prices_entity": "sensor.no_such_prices"}, "entity_not_found", {}),
        ({"prices_entity": "sensor.not_prices"}, "prices_not_recognised", {}),
        ({"prices": [{"start": "2026-12-07T00:00:00+01:00", "price": 1}]}, "source_missing", {}),
        (
            {
                "prices": fixture("nordpool_core_response.json"),
                "source": "nordpool_core",
                "area": "SE3",
            },
            "prices_invalid",
            {"source": "nordpool_core"},
        ),
        (
            {"prices": [{"start": "yesterday", "price": 0.2}], "source": "normalised"},
            "prices_invalid",
            {"source": "normalised"},
        ),
        (
            {
                "prices": [{"start": "2026-12-05T00:00:00+01:00", "price": 0.2}],
                "source": "normalised",
            },
            "no_prices_ahead",
            {"source": "normalised"},
        ),
        ({"tariff": "time_of_use"}, "tariff_field_missing", {"field": "other_price"}),
        (
            {"tariff": "tempo", "tempo_today": "Rouge"},
            "tariff_field_missing",
            {"field": "tempo_prices"},
        ),
        (
            {"tariff": "tempo", "tempo_today": "inconnu", "tempo_prices": TEMPO_PRICES},
            "tempo_colour_unknown",
            {"value": "inconnu"},
        ),
        (
            {"tariff": "none", "batteries": [D828, "marstek_venuse_0000"]},
            "unknown_battery",
            {"battery": "marstek_venuse_0000"},
        ),
        ({"tariff": "none", "solar": "sensor.forecast_down"}, "solar_invalid", {}),
    ],
)
async def test_bad_input_is_refused_with_a_translated_error_and_nothing_is_sent(
    hass: HomeAssistant,
    batteries: list[SimulatedBattery],
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    hass.states.async_set("sensor.not_prices", "12", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.forecast_down", "unavailable", {"unit_of_measurement": "kWh"})

    with pytest.raises(ServiceValidationError) as refused:
        await plan_energy(hass, {"consumption": 0.5, **data})

    assert refused.value.translation_domain == DOMAIN
    assert refused.value.translation_key == key
    assert placeholders.items() <= (refused.value.translation_placeholders or {}).items()
    assert_nothing_written(batteries)


async def test_an_error_reads_in_the_users_language(
    hass: HomeAssistant, batteries: list[SimulatedBattery]
) -> None:
    await async_get_translations(hass, "en", "exceptions", {DOMAIN})

    with pytest.raises(ServiceValidationError) as refused:
        await plan_energy(hass, {"prices_entity": "sensor.no_such_prices", "consumption": 0.5})

    assert str(refused.value) == "Entity sensor.no_such_prices does not exist"
    assert_nothing_written(batteries)


# The sentence's start and its "(<weekday> hh:mm-hh:mm, from <price> per" part.
WHEN = r"\d\d:\d\d-\d\d:\d\d"


@pytest.mark.parametrize(
    ("language", "start", "when"),
    [
        ("en", r"^\d+\.\d\d kWh of the expected use ", rf"\(Mon {WHEN}, from 0\.\d{{3}} per"),
        ("nl", r"^\d+,\d\d kWh van het verwachte verbruik ", rf"\(ma {WHEN}, vanaf 0,\d{{3}} per"),
        (
            "fr",
            r"^\d+,\d\d kWh de la consommation prévue ",
            rf"\(lun {WHEN}, à partir de 0,\d{{3}}",
        ),
        ("de", r"^\d+,\d\d kWh des erwarteten Verbrauchs ", rf"\(Mo {WHEN}, ab 0,\d{{3}} pro"),
    ],
)
async def test_the_plans_reason_reads_in_the_users_language(
    hass: HomeAssistant, batteries: list[SimulatedBattery], language: str, start: str, when: str
) -> None:
    """The sentence in Home Assistant's language, its numbers and weekday written that way."""
    hass.config.language = language
    periods = [{"name": "superdal", "start": "01:00", "end": "07:00", "price": 0.10}]
    response = await plan_energy(
        hass,
        {"tariff": "time_of_use", "periods": periods, "other_price": 0.38, "consumption": 0.5},
    )

    assert response["reason_code"] == "charge_deficit"  # the code stays the same
    assert re.search(start, response["reason"]), response["reason"]
    assert re.search(when, response["reason"]), response["reason"]
