"""The night as the energy plan says: prices reach the package, the plan decides the night.

Simulated batteries over real UDP, a real Home Assistant with the package, and the price
sensor in the exact shape of the custom Nord Pool integration (tests/pricing/fixtures).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.util import dt as dt_util

from .conftest import Household, load_household, slot_dict

FIXTURES = Path(__file__).resolve().parents[1] / "pricing" / "fixtures"
PRICES = "sensor.nordpool_kwh_be_eur_3_10_021"
PLAN = "sensor.marstek_rotation_energy_plan"
WINDOW = "binary_sensor.marstek_rotation_night_window"
CHEAP = (2, 5)  # tomorrow's cheap hours in the dynamic day


def _day(date: datetime, price_at: Any) -> list[dict[str, Any]]:
    """One local day of quarters, stepping in UTC (a clock-change day has 92 or 100)."""
    start = dt_util.start_of_local_day(date)
    end = dt_util.start_of_local_day(date + timedelta(days=1))
    cursor = dt_util.as_utc(start)
    quarters = []
    while cursor < dt_util.as_utc(end):
        local = dt_util.as_local(cursor)
        quarters.append(
            {
                "start": local.isoformat(),
                "end": dt_util.as_local(cursor + timedelta(minutes=15)).isoformat(),
                "value": price_at(local),
            }
        )
        cursor += timedelta(minutes=15)
    return quarters


def _nordpool(today: Any, tomorrow: Any | None) -> tuple[str, dict[str, Any]]:
    """State and attributes as the custom Nord Pool sensor has them (its recorded fixture)."""
    recorded = json.loads((FIXTURES / "nordpool_custom_today.json").read_text(encoding="utf-8"))
    now = dt_util.now()
    raw_today = _day(now, today)
    raw_tomorrow = _day(now + timedelta(days=1), tomorrow) if tomorrow else []
    attributes = {
        **{key: value for key, value in recorded.items() if key != "state"},
        "raw_today": raw_today,
        "raw_tomorrow": raw_tomorrow,
        "today": [q["value"] for q in raw_today],
        "tomorrow": [q["value"] for q in raw_tomorrow],
        "tomorrow_valid": bool(raw_tomorrow),
    }
    return str(raw_today[0]["value"]), attributes


def _dynamic_today(moment: datetime) -> float:
    return 0.42 if 17 <= moment.hour < 21 else 0.30


def _dynamic_tomorrow(moment: datetime) -> float:
    if CHEAP[0] <= moment.hour < CHEAP[1]:
        return 0.12 + 0.002 * (moment.minute // 15)  # the cheapest quarters first
    if 7 <= moment.hour < 9:
        return 0.40
    return 0.30


async def _start(
    household: Household,
    tariff: str,
    socs: tuple[float, float, float],
    state: str = "rotating",
    **extra: Any,
) -> None:
    changes: dict[str, Any] = {"tariff": tariff, **extra}
    await household.async_start(socs=socs, household=load_household(**changes), state=state)


def _set_prices(household: Household, today: Any, tomorrow: Any | None) -> None:
    state, attributes = _nordpool(today, tomorrow)
    household.hass.states.async_set(PRICES, state, attributes)


@pytest.mark.freeze_time("2026-03-04 18:50:00+00:00", tick=True)  # Wednesday 19:50, Brussels
async def test_a_dynamic_day_charges_only_in_the_cheapest_block_and_rotates_otherwise(
    household: Household,
) -> None:
    _set_prices(household, _dynamic_today, _dynamic_tomorrow)
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    started = household.sim.time
    await household.async_advance(16 * 60)

    assert household.attr(PLAN, "status") == "planned", household.attr(PLAN, "reason")
    assert household.attr("sensor.marstek_rotation_price", "prices")
    blocks = household.attr(PLAN, "blocks")
    assert blocks, household.attr(PLAN, "reason")
    for block in blocks:
        start, end = _local(block["start"]), _local(block["end"])
        assert start.hour >= CHEAP[0], block
        assert (end.hour, end.minute) <= (CHEAP[1], 0), block
    assert float(household.state(PLAN)) > 0
    assert household.attr(WINDOW, "source") == "planned"

    # The clock's night (01:00) means nothing now: the active battery covers the house.
    await household.async_advance_to("01:30", day_offset=1, step=300)
    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1

    # Inside the plan's night (the plan may still move before it starts: nothing is written
    # before then): every battery in Manual, each planned block in slot 0.
    latest = dt_util.now().replace(hour=CHEAP[1], minute=0)
    while household.state(WINDOW) == "off" and dt_util.now() < latest:
        await household.async_advance(60, step=60)
    assert household.state(WINDOW) == "on", household.attr(PLAN, "reason")
    await household.async_advance(120, step=60)
    decision = "sensor.marstek_rotation_decision"
    assert household.rotation == "night", household.attr(decision, "reason")
    assert household.modes() == ("Manual", "Manual", "Manual")
    planned = {block["prefix"] for block in household.attr(PLAN, "blocks")}
    for battery, prefix in zip(household.batteries, _prefixes(household), strict=True):
        slot = slot_dict(battery, 0)
        assert slot["enabled"] is (prefix in planned), (prefix, slot)
        if slot["enabled"]:
            assert slot["power"] < 0
            assert CHEAP[0] <= int(slot["start"][:2]) < CHEAP[1], slot

    # After it: the rotation again, the slots cleared.
    while household.state(WINDOW) == "on":
        ends_at = float(household.attr(WINDOW, "ends_at"))
        await household.async_advance(ends_at - dt_util.now().timestamp() + 120, step=120)
    await household.async_advance(120)
    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1
    for battery in household.batteries:
        assert slot_dict(battery, 0)["enabled"] is False
    # Device care: each of the plan's nights is written once (slot 0, then cleared in the
    # morning, and the active battery back to Auto); re-plans every 15 minutes write nothing.
    # Some runs also plan a short evening hold (a night of its own): at most two nights.
    hours = math.ceil((household.sim.time - started) / 3600)
    report = household.write_report(["A", "B", "C"], since=started, hours=hours).named(
        "dynamic day 19:50 to the plan's morning"
    )
    assert report.most <= 3, report.line()
    for name, counts in report.hourly.items():
        assert sum(counts) <= 6, (name, report.line())
    assert household.problems() == []


def _local(moment: str) -> datetime:
    """A plan attribute's ISO time in Home Assistant's local time."""
    parsed = dt_util.parse_datetime(moment)
    assert parsed is not None, moment
    return dt_util.as_local(parsed)


def _why(household: Household) -> tuple[Any, ...]:
    """What the package saw, for a failure's message."""
    decision = "sensor.marstek_rotation_decision"
    window = household.hass.states.get(WINDOW)
    return (
        household.state(decision),
        household.attr(decision, "reason"),
        household.attr(decision, "memory"),
        dict(window.attributes) if window else None,
        household.attr(PLAN, "blocks"),
        household.attr(PLAN, "holds"),
        str(dt_util.now()),
    )


def _prefixes(household: Household) -> list[str]:
    return [
        row["prefix"] for row in household.attr("sensor.marstek_rotation_batteries", "batteries")
    ]


@pytest.mark.freeze_time("2026-03-04 21:50:00+00:00", tick=True)  # Wednesday 22:50, Brussels
async def test_a_flat_price_never_charges_from_the_grid_and_the_night_rotates(
    household: Household,
) -> None:
    _set_prices(household, lambda _: 0.30, lambda _: 0.30)
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    await household.async_advance(16 * 60)
    assert household.attr(PLAN, "status") == "planned"
    assert household.attr(PLAN, "blocks") == []
    assert float(household.state(PLAN)) == 0

    await household.async_advance_to("03:00", day_offset=1, step=300)
    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1
    for battery in household.batteries:
        assert [
            w
            for w in household.set_mode_writes(battery)
            if w["mode"] == "Manual" and w["manual_cfg"]["enable"] == 1
        ] == []
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)  # Thursday 00:50, Brussels
async def test_without_a_tariff_nothing_to_charge_means_no_idle_night(
    household: Household,
) -> None:
    """Tariff none: the clock's night idles the batteries only to charge; with nothing to
    charge, the energy they hold covers the house through the night."""
    await household.async_start(socs=(60, 70, 80))
    await household.async_set_number("desired_capacity", 0)
    assert household.attr(PLAN, "status") == "clock"
    assert household.attr("sensor.marstek_rotation_night_plan", "batteries") == []

    await household.async_advance_to("02:00")
    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 23:30:00+00:00", tick=True)  # Thursday 00:30, Brussels
async def test_an_unavailable_price_source_gives_the_clock_night_and_says_so_once(
    household: Household,
) -> None:
    household.hass.states.async_set(PRICES, "unavailable", {})
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    await household.async_advance(16 * 60)

    assert household.attr(PLAN, "status") == "clock"
    assert PRICES in household.attr(PLAN, "reason")
    assert household.attr(WINDOW, "source") == "clock"
    notice = household.notifications.get("marstek_rotation_prices", "")
    assert PRICES in notice, household.notifications

    await household.async_advance_to("01:05", step=60)
    assert household.rotation == "night"  # the clock's night, with something to charge
    assert household.modes() == ("Manual", "Manual", "Manual")

    # Prices come back: a plan again, the notice gone.
    _set_prices(household, _dynamic_tomorrow, _dynamic_tomorrow)
    await household.async_advance(16 * 60, step=60)
    assert household.attr(PLAN, "status") == "planned"
    assert "marstek_rotation_prices" not in household.notifications


@pytest.mark.freeze_time("2026-03-04 10:50:00+00:00", tick=True)  # Wednesday 11:50, Brussels
async def test_savings_match_a_hand_computation(household: Household) -> None:
    """A delivers 800 W, B charges 1000 W while the meter exports 300 W (the house without
    batteries: 500 W surplus), for 30 minutes at 0.30 per kWh and the default feed-in 0.05:

        delivered 800 W at 0.30                        +0.120 per hour
        charging: 500 W solar (the surplus) at 0.05    -0.025 per hour
                  500 W from the grid at 0.30          -0.150 per hour
        saved = (800 - 500) x 0.30 - 500 x 0.05 = 65 per kWh-hour = 0.065 per hour

    so 0.0325 in 30 minutes (docs/rotation.md, "Savings").
    """
    _set_prices(household, lambda _: 0.30, lambda _: 0.30)
    await _start(household, "dynamic", (60, 30, 50), prices_entity=PRICES, state="off")
    await household.async_set_p1(-300)
    await household.hass.services.async_call(
        "marstek_rotation",
        "set_passive_mode",
        {"entity_id": "select.marstek_venuse_d828_operating_mode", "power": 800, "duration": 7200},
        blocking=True,
    )
    await household.hass.services.async_call(
        "marstek_rotation",
        "set_passive_mode",
        {
            "entity_id": "select.marstek_venuse_3_0_9a7d_operating_mode",
            "power": -1000,
            "duration": 7200,
        },
        blocking=True,
    )
    # Both powers are read (the next polls) before counting starts.
    await household.async_advance(120, step=30)
    assert household.state("sensor.marstek_venuse_d828_grid_power") == "800"
    assert household.state("sensor.marstek_venuse_3_0_9a7d_grid_power") == "-1000"
    today = "sensor.marstek_rotation_savings_today"
    before = household.attr(today, "today")
    solar_before = household.attr(today, "solar_charge_kwh")
    since = household.attr(today, "sampled_at")
    await household.async_advance(30 * 60, step=60)
    hours = (household.attr(today, "sampled_at") - since) / 3600
    assert hours == pytest.approx(0.5, abs=1 / 60)  # a sample a minute
    saved = household.attr(today, "today") - before
    assert saved == pytest.approx(0.065 * hours, abs=0.0002)
    assert float(household.state("sensor.marstek_rotation_savings_this_month")) == pytest.approx(
        round(household.attr("sensor.marstek_rotation_savings_today", "today"), 2), abs=0.01
    )
    solar = household.attr(today, "solar_charge_kwh") - solar_before
    assert solar == pytest.approx(0.5 * hours, abs=0.002)  # 500 W


TEMPO_PRICES = {
    "blue_offpeak": 0.1296,
    "blue_peak": 0.1609,
    "white_offpeak": 0.1486,
    "white_peak": 0.1894,
    "red_offpeak": 0.1568,
    "red_peak": 0.7562,
}


@pytest.mark.freeze_time("2026-01-14 20:50:00+00:00", tick=True)  # Wednesday 21:50, Brussels
async def test_the_night_before_a_tempo_red_day_charges_off_peak_and_covers_the_red_peak(
    household: Household,
) -> None:
    household.hass.states.async_set("sensor.rte_tempo_couleur_actuelle", "Blanc")
    household.hass.states.async_set("sensor.rte_tempo_prochaine_couleur", "Rouge")
    tempo = {
        "today": "sensor.rte_tempo_couleur_actuelle",
        "tomorrow": "sensor.rte_tempo_prochaine_couleur",
        "prices": TEMPO_PRICES,
    }
    await _start(household, "tempo", (20, 25, 30), tempo=tempo)
    await household.async_advance(16 * 60)

    assert household.attr(PLAN, "status") == "planned", household.attr(PLAN, "reason")
    blocks = household.attr(PLAN, "blocks")
    assert blocks, household.attr(PLAN, "reason")
    for block in blocks:  # all bought in the off-peak hours, 22:00 to 06:00
        start, end = _local(block["start"]), _local(block["end"])
        assert start.hour >= 22 or start.hour < 6, block
        assert end.hour < 6 or (end.hour, end.minute) == (6, 0) or end.hour >= 22, block
    # Off-peak: the plan's night with the blocks in slot 0.
    latest = dt_util.now().replace(hour=23, minute=59)
    while household.state(WINDOW) == "off" and dt_util.now() < latest:
        await household.async_advance(60, step=60)
    assert household.state(WINDOW) == "on"
    await household.async_advance(120, step=60)
    assert household.rotation == "night", _why(household)
    assert any(slot_dict(battery, 0)["enabled"] for battery in household.batteries)
    # The red day's peak: the stored energy covers the house (one battery in Auto).
    await household.async_advance_to("08:00", day_offset=1, step=300)
    assert household.rotation == "rotating", household.attr(PLAN, "reason")
    assert household.modes().count("Auto") == 1
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-03 20:50:00+00:00", tick=True)  # Tuesday 21:50, Brussels
async def test_time_of_use_charges_in_superdal_only(household: Household) -> None:
    """superdal 01:00-07:00 (0.12), dal 22:00-01:00 (0.20), piek otherwise (0.32): what is
    missing is bought in superdal; dal is dearer and is not used for it."""
    time_of_use = {
        "periods": [
            {"name": "superdal", "start": "01:00", "end": "07:00", "price": 0.12},
            {"name": "dal", "start": "22:00", "end": "01:00", "price": 0.20},
        ],
        "other_price": 0.32,
        "other_name": "piek",
    }
    await _start(household, "time_of_use", (20, 25, 30), time_of_use=time_of_use)
    await household.async_advance(16 * 60)

    assert household.attr(PLAN, "status") == "planned", household.attr(PLAN, "reason")
    blocks = household.attr(PLAN, "blocks")
    assert blocks, household.attr(PLAN, "reason")
    for block in blocks:
        start, end = _local(block["start"]), _local(block["end"])
        assert 1 <= start.hour < 7, block
        assert (end.hour, end.minute) <= (7, 0), block
    # Dal (22:00-01:00) is no night: the batteries cover the house.
    await household.async_advance_to("00:30", day_offset=1, step=300)
    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 20:50:00+00:00", tick=True)  # Wednesday 21:50, Brussels
async def test_tomorrow_missing_is_planned_without_and_replanned_when_it_arrives(
    household: Household,
) -> None:
    _set_prices(household, _dynamic_today, None)  # tomorrow not published
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    await household.async_advance(16 * 60)
    assert household.attr(PLAN, "status") == "planned", household.attr(PLAN, "reason")
    assert household.attr(PLAN, "blocks") == []  # nothing cheaper is known
    assert household.rotation == "rotating"

    log = household.record("input_text.marstek_rotation_last_event")
    _set_prices(household, _dynamic_today, _dynamic_tomorrow)  # published late
    await household.async_advance(15 * 60, step=60)
    # The new plan is logged once, with its reason; the re-plans that keep it say nothing.
    reason = household.attr(PLAN, "reason")
    await household.async_advance(30 * 60, step=300)
    plan_lines = [line for line in log if " plan: " in line]
    assert len(plan_lines) == 1, log
    assert reason[:60] in plan_lines[0], (plan_lines, log)
    blocks = household.attr(PLAN, "blocks")
    assert blocks, household.attr(PLAN, "reason")
    for block in blocks:
        start = _local(block["start"])
        assert CHEAP[0] <= start.hour < CHEAP[1], block
    assert household.problems() == []


async def _clock_change_night(household: Household, quarters: int) -> None:
    """The night the clocks change (21:50 local the evening before): tomorrow has 92 or 100
    quarters, and the night is still the plan's cheap block, written in local time."""
    _set_prices(household, _dynamic_today, _dynamic_tomorrow)
    attributes = household.hass.states.get(PRICES).attributes  # type: ignore[union-attr]
    assert len(attributes["raw_tomorrow"]) == quarters
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    await household.async_advance(16 * 60)
    blocks = household.attr(PLAN, "blocks")
    assert blocks, household.attr(PLAN, "reason")
    starts_at = float(household.attr(WINDOW, "starts_at"))
    await household.async_advance(starts_at - dt_util.now().timestamp() - 600, step=600)
    latest = starts_at + 3600
    while household.state(WINDOW) == "off" and dt_util.now().timestamp() < latest:
        await household.async_advance(60, step=60)
    assert household.state(WINDOW) == "on"
    await household.async_advance(120, step=60)
    assert household.rotation == "night"
    for battery in household.batteries:
        slot = slot_dict(battery, 0)
        if slot["enabled"]:
            assert CHEAP[0] <= int(slot["start"][:2]) < CHEAP[1], slot
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-28 20:50:00+00:00", tick=True)  # Saturday 21:50, Brussels
async def test_the_spring_forward_night_charges_in_the_cheap_hours(household: Household) -> None:
    await _clock_change_night(household, 92)


@pytest.mark.freeze_time("2026-10-24 19:50:00+00:00", tick=True)  # Saturday 21:50, Brussels
async def test_the_fall_back_night_charges_in_the_cheap_hours(household: Household) -> None:
    await _clock_change_night(household, 100)


@pytest.mark.freeze_time("2026-03-05 01:07:00+00:00", tick=True)  # Thursday 02:07, Brussels
async def test_a_plan_made_mid_quarter_still_starts_its_night(household: Household) -> None:
    """Switched on at 02:07, inside the clock's night and the cheap hours: the plan's night
    (a hold from the quarter's start, 02:00, then the blocks) may be seen before the rotation
    is switched on; it is what the plan wants now, so it begins (the clock's would not)."""
    _set_prices(household, _dynamic_tomorrow, _dynamic_tomorrow)
    await _start(household, "dynamic", (20, 25, 30), prices_entity=PRICES)
    await household.async_advance(120, step=60)
    assert household.state(WINDOW) == "on", _why(household)
    assert household.rotation == "night", _why(household)
    assert household.modes() == ("Manual", "Manual", "Manual")
    assert household.problems() == []
