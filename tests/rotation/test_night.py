"""Night mode: all batteries in Manual, the charging plan written to slot 0, morning re-enable,
weekend times; the plan figures against a calculation by hand and against the simulated physics.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.util import dt as dt_util

from simulator import Quirks

from .conftest import Household, slot_dict

RATED = 5.12  # kWh, every battery of the household
HOURS = 6.0  # 01:00 to 07:00
MINUTE = 60.0
THURSDAY = 1 << 3
SATURDAY = 1 << 5

A = "marstek_venuse_d828"
B = "marstek_venuse_3_0_9a7d"
C = "marstek_venuse_deb8"


def _forecast_hour(day_offset: int, hour: int, condition: str) -> dict[str, Any]:
    moment = (dt_util.now() + timedelta(days=day_offset)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return {"datetime": moment.isoformat(), "condition": condition, "temperature": 9.0}


def _disabled(slot: dict[str, Any]) -> bool:
    return slot["enabled"] is False


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)  # Thursday 00:50 in Brussels
async def test_night_plan_matches_a_hand_calculation_and_charges_the_batteries(
    household: Household,
) -> None:
    # The meter follows the simulation: charging at night shows as import, and the house
    # power (meter + batteries) stays what the house uses.
    await household.async_start(socs=(30, 20, 50), meter=True)  # 00:55 after the settle
    await household.async_set_number("desired_capacity", 12)
    await household.async_set_number("pv_per_sunny_hour", 0.8)
    household.set_forecast(
        [
            _forecast_hour(0, 6, "sunny"),  # before 07:00: not counted
            _forecast_hour(0, 9, "sunny"),
            _forecast_hour(0, 10, "sunny"),
            _forecast_hour(0, 11, "partlycloudy"),  # counts half
            _forecast_hour(0, 12, "cloudy"),
            _forecast_hour(0, 21, "sunny"),  # after 20:00: not counted
            _forecast_hour(1, 9, "sunny"),  # another day
        ]
    )
    await household.async_call_script("refresh_forecast")

    # By hand: what is stored, what is missing, what the sun brings, who charges how fast.
    stored = (30 + 20 + 50) / 100 * RATED  # 5.12 kWh
    deficit = 12 - stored  # 6.88 kWh
    sunny_hours = 2 + 0.5
    expected_pv = sunny_hours * 0.8  # 2.0 kWh
    needed = deficit - expected_pv  # 4.88 kWh
    room = {"A": 0.70 * RATED, "B": 0.80 * RATED, "C": 0.50 * RATED}  # most room first: B, A
    b_kwh = min(room["B"], needed)  # 4.096: B fills up completely
    a_kwh = needed - b_kwh  # 0.784: the rest goes to A
    b_power = round(b_kwh * 1000 / HOURS)  # 683 W
    a_power = round(a_kwh * 1000 / HOURS)  # 131 W
    assert (b_power, a_power) == (683, 131)

    plan = "sensor.marstek_rotation_night_plan"
    assert household.state("sensor.marstek_rotation_sunny_hours") == str(sunny_hours)
    assert household.attr(plan, "stored_kwh") == pytest.approx(stored, abs=0.01)
    assert household.attr(plan, "deficit_kwh") == pytest.approx(deficit, abs=0.01)
    assert household.attr(plan, "expected_pv_kwh") == pytest.approx(expected_pv, abs=0.01)
    assert household.attr(plan, "needed_kwh") == pytest.approx(needed, abs=0.01)
    assert household.attr(plan, "hours") == HOURS
    assert household.attr(plan, "batteries") == [
        {"prefix": B, "label": "Fase B", "kwh": round(b_kwh, 2), "power": b_power},
        {"prefix": A, "label": "Fase A", "kwh": round(a_kwh, 2), "power": a_power},
    ]
    assert float(household.state(plan)) == pytest.approx(needed, abs=0.01)

    await household.async_advance_to("01:00")
    await household.async_advance(MINUTE)

    assert household.rotation == "night"
    assert household.modes() == ("Manual", "Manual", "Manual")
    assert household.active == ""
    assert slot_dict(household.b, 0) == {
        "start": "01:00",
        "end": "07:00",
        "week_set": THURSDAY,
        "power": -b_power,
        "enabled": True,
    }
    assert slot_dict(household.a, 0) == {
        "start": "01:00",
        "end": "07:00",
        "week_set": THURSDAY,
        "power": -a_power,
        "enabled": True,
    }
    assert _disabled(slot_dict(household.c, 0))

    # The simulated batteries charge on those schedules through the night.
    await household.async_advance_to("06:59", step=300)
    charged = sum(b.soc for b in household.batteries) / 100 * RATED
    assert charged == pytest.approx(12 - expected_pv, abs=0.1)

    # Morning: the plan leaves slot 0 and rotation starts with the fullest battery (B).
    await household.async_advance(2 * MINUTE)
    assert household.rotation == "rotating"
    for battery in household.batteries:
        assert _disabled(slot_dict(battery, 0))
    assert household.modes() == ("Manual", "Auto", "Manual")
    assert household.active == B
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)
async def test_unavailable_battery_counts_as_full_and_gets_no_schedule(
    household: Household,
) -> None:
    await household.async_start(socs=(30, 20, 50))
    household.c.quirks = Quirks(silent=True)
    await household.async_advance(4 * MINUTE)  # 00:59: C is unavailable
    household.c.clear_received()

    await household.async_advance_to("01:01")

    # C counts as full: stored = A + B + C's rated capacity; no PV forecast.
    needed = 10 - (0.30 * RATED + 0.20 * RATED + RATED)  # 2.32 kWh, all of it on B
    b_power = round(needed * 1000 / HOURS)  # 387 W
    assert household.attr("sensor.marstek_rotation_night_plan", "needed_kwh") == pytest.approx(
        needed, abs=0.01
    )
    assert slot_dict(household.b, 0)["power"] == -b_power
    assert _disabled(slot_dict(household.a, 0))
    assert household.set_mode_writes(household.c) == []
    assert household.modes()[:2] == ("Manual", "Manual")
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)
async def test_night_without_night_charging_keeps_the_rotation_covering_the_house(
    household: Household,
) -> None:
    """Nothing to charge (tariff none): idling every battery would buy from the grid what the
    batteries hold (2.0 did so for the whole window), so the rotation goes on."""
    await household.async_start(socs=(30, 20, 50))
    await household.async_turn("night_charging", on=False)

    await household.async_advance_to("01:01")

    assert household.rotation == "rotating"
    assert household.modes().count("Auto") == 1
    for battery in household.batteries:
        slot_writes = [
            write
            for write in household.set_mode_writes(battery)
            if write["mode"] == "Manual" and write["manual_cfg"]["time_num"] == 0
        ]
        assert slot_writes == []
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-06 23:50:00+00:00", tick=True)  # Saturday 00:50 in Brussels
async def test_weekend_times_move_the_night_to_the_afternoon(household: Household) -> None:
    await household.async_start(socs=(30, 20, 50))
    # An afternoon weekend night, as for an off-peak period from 11:00 to 17:00 (not the
    # default: a new install has a weekend night from 01:00 to 08:00).
    for name, value in (("weekend_night_start", "11:00:00"), ("weekend_day_start", "17:00:00")):
        await household.hass.services.async_call(
            "input_datetime",
            "set_datetime",
            {"entity_id": f"input_datetime.marstek_rotation_{name}", "time": value},
            blocking=True,
        )
    await household.async_turn("weekend_times", on=True)
    window = "binary_sensor.marstek_rotation_night_window"

    await household.async_advance_to("01:05")
    assert household.rotation == "rotating", "the weekday night start applied on a Saturday"
    assert household.attr(window, "night_start") == "11:00"

    await household.async_advance_to("11:01", step=600)
    assert household.rotation == "night"
    slot = slot_dict(household.b, 0)
    assert (slot["start"], slot["end"], slot["week_set"]) == ("11:00", "17:00", SATURDAY)
    assert slot["enabled"] is True

    await household.async_advance_to("17:01", step=600)
    assert household.rotation == "rotating"
    assert _disabled(slot_dict(household.b, 0))
    assert household.problems() == []


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)
async def test_a_restart_at_night_keeps_the_night_and_the_morning_still_comes(
    household: Household,
) -> None:
    await household.async_start(socs=(30, 20, 50))
    await household.async_advance_to("01:01")
    assert household.rotation == "night"
    for battery in household.batteries:
        battery.clear_received()

    await household.async_advance_to("03:00", step=300)
    await household.async_restart()
    await household.async_advance(5 * MINUTE)

    # Nothing is written at the restart, and the night goes on.
    assert household.rotation == "night"
    for battery in household.batteries:
        assert household.set_mode_writes(battery) == []
    events = household.record("input_text.marstek_rotation_last_event")
    await household.async_advance_to("07:01", step=300)
    # Should this fail again under load (it did once), the message says what the package saw.
    assert household.rotation == "rotating", (
        household.state("sensor.marstek_rotation_decision"),
        household.attr("sensor.marstek_rotation_decision", "reason"),
        household.state("input_text.marstek_rotation_acted"),
        household.state("binary_sensor.marstek_rotation_night_window"),
        household.attr("binary_sensor.marstek_rotation_night_window", "last_end"),
        household.attr("sensor.marstek_rotation_decision", "memory"),
        dt_util.now().isoformat(),
        events,
        household.problems(),
    )
    assert household.modes().count("Auto") == 1
    assert household.problems() == []
