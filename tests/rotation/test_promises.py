"""The rotation's promises under restarts, glitches and people.

One battery in Auto while rotating (none at night or while paused), every decision carried out
once, no battery written beyond its budget, and a person's choice kept. Each scenario is one
that broke the 2.0 package (run it with MARSTEK_ROTATION_PACKAGES=<folder with that package> to
see it fail there); the figures it measures are printed with the write-budget table.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from homeassistant.core import Context
from pytest_homeassistant_custom_component.common import MockUser

from simulator import Quirks, SimulatedBattery

from .conftest import Household
from .writes import WriteReport

A = "marstek_venuse_d828"
B = "marstek_venuse_3_0_9a7d"
C = "marstek_venuse_deb8"
MINUTE = 60.0
HOUR = 3600.0
BUDGET = 12
RESERVE = 2

DAY = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)  # Wednesday 12:00
NIGHT = pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)  # Thursday 00:50
SUMMER = pytest.mark.freeze_time("2026-06-10 06:00:00+00:00", tick=True)  # 08:00 in Brussels


async def _watch_auto(
    household: Household,
    seconds: float,
    step: float = 30.0,
    each: Callable[[], None] = lambda: None,
) -> float:
    """Let `seconds` pass; return the minutes during which two batteries or more were in Auto."""
    two = 0.0
    left = seconds
    while left > 0:
        each()
        await household.async_advance(min(step, left))
        if household.modes().count("Auto") >= 2:
            two += min(step, left) / MINUTE
        left -= step
    return two


def _switches(events: list[str]) -> int:
    return sum(" active (was " in event for event in events)


async def _start_with_c_active(household: Household) -> None:
    """A, B and C at 60, 45 and 80 %, rotating: C (the fullest, no surplus) is active."""
    await household.async_start(socs=(60, 45, 80))
    assert household.active == C


async def _choose_on_the_dashboard(household: Household, user: MockUser, label: str) -> None:
    """A person picks a battery in the dashboard's "Active battery (choose to switch)"."""
    await _choose_as_a_person(household, user, "input_select.marstek_rotation_choose_active", label)


async def _choose_as_a_person(
    household: Household, user: MockUser, entity_id: str, option: str
) -> None:
    """A person picks `option` in a select or input_select in Home Assistant's interface."""
    await household.hass.services.async_call(
        entity_id.split(".", 1)[0],
        "select_option",
        {"entity_id": entity_id, "option": option},
        blocking=True,
        context=Context(user_id=user.id),
    )
    await household.async_settle()


# --- 1. decisions made while Home Assistant starts -------------------------------------------


@SUMMER
async def test_a_decision_made_while_home_assistant_starts_is_carried_out(
    household: Household,
) -> None:
    """Down for 40 minutes during overflow charging: the timer ran out meanwhile.

    At the start the decision becomes `overflow_stop` before any automation listens; it must
    still be carried out, and with the record cleared a new overflow can start.
    """
    await household.async_start(socs=(20, 40, 80), meter=True)
    await household.async_call_script("activate", battery=A, reason="test", force=True)
    household.sim.meter.set_load(500)
    household.sim.meter.set_solar(4500)
    await household.async_advance(4 * MINUTE)
    assert household.state("input_text.marstek_rotation_overflow_battery") == B
    events = household.record("input_text.marstek_rotation_last_event")
    for battery in household.all_batteries:
        battery.clear_received()

    # Meanwhile the sun weakened: A alone takes nearly all of it, so after the restart nothing
    # changes that would wake the decision again (no export, the same surplus).
    household.sim.meter.set_solar(3150)
    await household.async_restart(downtime=40 * MINUTE)
    await household.async_advance(3 * MINUTE)

    assert any("overflow stopped (the timer ended)" in event for event in events), events
    assert household.set_mode_writes(household.b) != [], "nothing was carried out"
    assert household.state("input_text.marstek_rotation_overflow_battery") == ""

    # The sun is back: overflow starts again (no stale record blocks it).
    household.sim.meter.set_solar(4500)
    await household.async_advance(3 * MINUTE)
    assert household.state("timer.marstek_rotation_overflow") == "active"
    assert household.state("input_text.marstek_rotation_overflow_battery") != ""
    assert household.problems() == []


@DAY
async def test_a_decision_open_after_an_automation_reload_is_carried_out(
    household: Household,
) -> None:
    """The automations reloading while the decision changes: it is carried out once."""
    await _start_with_c_active(household)
    await household.hass.services.async_call(
        "automation",
        "turn_off",
        {"entity_id": "automation.marstek_rotation_act_on_the_decision"},
        blocking=True,
    )
    household.c.quirks = Quirks(silent=True)
    await household.async_advance(4 * MINUTE)
    assert household.state("sensor.marstek_rotation_decision") == "lost"
    assert household.active == C, "an automation that is off acted"

    await household.hass.services.async_call(
        "automation",
        "turn_on",
        {"entity_id": "automation.marstek_rotation_act_on_the_decision"},
        blocking=True,
    )
    household.hass.bus.async_fire("automation_reloaded")
    await household.async_advance(30)
    assert household.active == A
    assert household.set_mode_writes(household.a) == [{"mode": "Auto", "auto_cfg": {"enable": 1}}]
    # Carried out once: a minute later nothing more is written.
    await household.async_advance(2 * MINUTE)
    assert len(household.set_mode_writes(household.a)) == 1


# --- 2. a SOC glitch on the active battery ------------------------------------------------


@DAY
async def test_a_soc_glitch_on_the_active_battery_never_leaves_two_in_auto(
    household: Household,
) -> None:
    """The active battery answers, runs in Auto, but reports an impossible SOC for 14 min."""
    await _start_with_c_active(household)
    household.c.quirks = Quirks(getmode_overrides={"bat_soc": 250})

    two_in_auto = await _watch_auto(household, 14 * MINUTE)
    assert household.state("sensor.marstek_venuse_deb8_state_of_charge") == "unknown"
    reason = household.attr("sensor.marstek_rotation_decision", "reason")
    household.c.quirks = Quirks()
    two_in_auto += await _watch_auto(household, 6 * MINUTE)

    writes = sum(len(household.set_mode_writes(b)) for b in household.batteries)
    WriteReport.note(f"SOC glitch 14 min: {two_in_auto:.1f} min two in Auto, {writes} writes")
    assert two_in_auto == 0
    assert "SOC is unknown" in reason
    assert household.active == C, "a switch decided on missing data"
    assert writes == 0
    assert household.problems() == []


# --- 3. a battery briefly unusable at the night start ---------------------------------------


@NIGHT
@pytest.mark.parametrize(
    ("fault", "until"),
    [
        (Quirks(getmode_overrides={"bat_soc": 250}), "01:03"),  # SOC unknown for 6 minutes
        (Quirks(silent=True), "01:04"),  # Wi-Fi gone for 7 minutes
    ],
    ids=["soc-unknown", "wifi-gone"],
)
async def test_a_battery_unusable_at_the_night_start_does_not_stay_in_auto(
    household: Household, fault: Quirks, until: str
) -> None:
    await household.async_start(socs=(30, 20, 50))  # 00:55, C (the fullest) active
    assert household.active == C
    await household.async_advance_to("00:57")
    household.c.quirks = fault
    await household.async_advance_to(until)
    household.c.quirks = Quirks()

    # Minutes C spends in Auto during the night, in all and while Home Assistant sees it
    # answer (a battery that stopped answering is read again after the integration's back-off,
    # up to 10 minutes; the package cannot put right what it cannot reach).
    in_auto = seen_in_auto = 0
    for _ in range(2 * 60):  # until about 03:00
        await household.async_advance(MINUTE, step=MINUTE)
        in_auto += household.c.mode == "Auto"
        seen_in_auto += household.c.mode == "Auto" and household.state(
            "select.marstek_venuse_deb8_operating_mode"
        ) not in ("unavailable", "manual")
    WriteReport.note(
        f"night start, C unusable until {until}: in Auto {in_auto} of 120 min "
        f"({seen_in_auto} of them seen answering)"
    )
    assert household.rotation == "night"
    assert household.modes() == ("Manual", "Manual", "Manual")
    assert seen_in_auto <= 3  # the minute of the check, then the repair
    assert in_auto <= 15
    assert household.state("binary_sensor.marstek_rotation_mismatch") == "off"


# --- 4. the repair keeps to the budget of the battery it writes to ---------------------------


@DAY
async def test_the_repair_keeps_the_write_budget_of_the_battery_it_writes_to(
    household: Household,
) -> None:
    """Someone keeps putting B in Auto in the Marstek app for an hour."""
    await _start_with_c_active(household)
    start = household.sim.time

    def app_user() -> None:
        if household.b.mode != "Auto":
            household.b.mode = "Auto"

    await _watch_auto(household, HOUR, each=app_user)
    report = household.write_report(["A", "B", "C"], since=start, hours=1).named(
        "someone keeps B in Auto (the app)"
    )
    assert report.worst["B"] <= BUDGET - RESERVE, report
    assert report.worst["C"] == 0, report


# --- 5. a person's choice wins --------------------------------------------------------------


@DAY
async def test_a_battery_chosen_on_the_dashboard_stays_active_until_released(
    household: Household, hass_admin_user: MockUser
) -> None:
    await _start_with_c_active(household)
    await _choose_on_the_dashboard(household, hass_admin_user, "Fase B")
    assert household.active == B
    assert household.modes() == ("Manual", "Auto", "Manual")

    # The house needs power for half an hour: C (80 %) is far fuller than B (45 %).
    await household.async_set_p1(800)
    await household.async_advance(30 * MINUTE)
    assert household.active == B, "the rotation undid a person's choice"
    assert household.state("input_select.marstek_rotation_choose_active") == "Fase B"
    assert "chosen by a person" in household.attr("sensor.marstek_rotation_decision", "reason")
    assert household.state("sensor.marstek_rotation_choices") == "1"

    await household.async_call_script("release")
    await household.async_advance(3 * MINUTE)
    assert household.state("sensor.marstek_rotation_choices") == "0"
    assert household.active == C, "the rotation did not decide again after the release"


@DAY
async def test_a_mode_set_by_hand_is_kept_and_worked_around(
    household: Household, hass_admin_user: MockUser
) -> None:
    """A person puts the active battery in Manual with the integration's select."""
    await _start_with_c_active(household)
    await household.async_set_number("choice_hours", 0.5)
    for battery in household.batteries:
        battery.clear_received()
    await _choose_as_a_person(
        household, hass_admin_user, "select.marstek_venuse_deb8_operating_mode", "manual"
    )
    two_in_auto = await _watch_auto(household, 20 * MINUTE)

    assert household.c.mode == "Manual", "the package undid the person's mode"
    assert len(household.set_mode_writes(household.c)) == 1, "only the person's write"
    assert household.active == A, "the fullest of the others takes over"
    assert household.modes() == ("Auto", "Manual", "Manual")
    assert two_in_auto == 0
    # The choice ends after its time: C is the rotation's again.
    await household.async_advance(12 * MINUTE)
    assert household.state("sensor.marstek_rotation_choices") == "0"


@DAY
async def test_a_battery_put_in_auto_by_hand_becomes_the_active_one(
    household: Household, hass_admin_user: MockUser
) -> None:
    await _start_with_c_active(household)
    await _choose_as_a_person(
        household, hass_admin_user, "select.marstek_venuse_d828_operating_mode", "auto"
    )
    two_in_auto = await _watch_auto(household, 20 * MINUTE)

    assert household.active == A
    assert household.modes() == ("Auto", "Manual", "Manual")
    assert two_in_auto <= 0.5  # the moment between the person and the switch
    assert household.set_mode_writes(household.a)[-1]["mode"] == "Auto"


# --- 6. fewer switches for the same result ----------------------------------------------------


def _sun(hour: float) -> float:
    """A clear June day: 0 W before 06:00 and after 21:00, 5 kW at 13:30."""
    if not 6.0 <= hour <= 21.0:
        return 0.0
    return 5000.0 * math.sin(math.pi * (hour - 6.0) / 15.0) ** 2


@SUMMER
async def test_a_sunny_day_needs_a_handful_of_switches(household: Household) -> None:
    await household.async_start(socs=(10, 15, 20), meter=True, settle=60)
    household.sim.meter.set_load(400)
    events = household.record("input_text.marstek_rotation_last_event")
    start = household.sim.time
    by_hour: dict[int, int] = {}
    for minute in range(8 * 60, 18 * 60):
        household.sim.meter.set_solar(_sun(minute / 60))
        before = _switches(events)
        await household.async_advance(MINUTE, step=MINUTE)
        by_hour[minute // 60] = by_hour.get(minute // 60, 0) + _switches(events) - before
    report = household.write_report(["A", "B", "C"], since=start, hours=10).named(
        "a clear June day, 08:00-18:00"
    )
    morning = sum(by_hour[hour] for hour in (10, 11, 12))
    WriteReport.note(
        f"sunny day: {_switches(events)} switches 08:00-18:00, {morning} between 10:00 and 13:00"
    )
    assert _switches(events) <= 8, events
    assert max(report.worst.values()) <= BUDGET - RESERVE, report
    # The batteries still all took their share of the sun.
    assert min(battery.soc for battery in household.batteries) >= 60


# --- wear levelling -------------------------------------------------------------------------


@DAY
async def test_among_equal_batteries_the_one_with_fewer_cycles_is_chosen(
    household: Household,
) -> None:
    await household.async_start(socs=(50, 50, 50), state=None, meter=True)
    # A has worked: half an hour of charging at 2.5 kW (0.1 equivalent full cycles).
    household.a.mode = "Auto"
    household.sim.meter.set_load(0)
    household.sim.meter.set_solar(2500)
    await household.async_advance(30 * MINUTE)
    household.sim.meter.set_solar(0)
    household.sim.meter.set_load(600)
    battery: SimulatedBattery
    for battery in household.batteries:
        battery.mode = "Manual"
        battery.soc = 50.0
    await household.async_advance(2 * MINUTE)
    rows = household.attr("sensor.marstek_rotation_batteries", "batteries")
    assert [row["cycles"] for row in rows] == [0.1, 0.0, 0.0]

    await household.async_set_state("rotating")
    await household.async_advance(MINUTE)
    assert household.active == B, "equal SOC: the battery with fewer cycles"


# --- a battery's depth of discharge --------------------------------------------------------


@DAY
async def test_a_battery_at_its_depth_of_discharge_counts_as_low(household: Household) -> None:
    """C stops discharging at 30 % (depth of discharge 70 %), far above the low SOC (13 %)."""
    await household.async_start(socs=(38, 35, 30))
    await household.async_set_number("soc_margin", 10)  # no levelling between 30 and 38 %
    await household.async_call_script("activate", battery=C, reason="test", force=True)
    await household.async_advance(6 * MINUTE)  # the cooldown of that switch
    assert household.active == C
    household.hass.states.async_set(
        f"number.{C}_depth_of_discharge", "70", {"unit_of_measurement": "%"}
    )
    await household.async_set_p1(800)
    await household.async_advance(MINUTE)

    rows = household.attr("sensor.marstek_rotation_batteries", "batteries")
    assert [row["floor"] for row in rows] == [0, 0, 30]
    assert household.active == A, "a battery at its floor was left to the house"
    assert "is low" in household.state("input_text.marstek_rotation_last_event")
