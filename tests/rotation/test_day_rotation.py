"""Daytime rotation: which battery the package puts in Auto, and when, as the batteries see it.

Household: Fase A (VenusE d828), Fase B (VenusE 3.0 9a7d), Fase C (VenusE deb8), simulated over
UDP; the P1 meter is a state the test sets. Wednesday 4 March 2026, noon in Brussels.
"""

from __future__ import annotations

import pytest
from homeassistant.const import STATE_UNAVAILABLE

from simulator import Quirks

from .conftest import Household

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

A = "marstek_venuse_d828"
B = "marstek_venuse_3_0_9a7d"
C = "marstek_venuse_deb8"
MINUTE = 60.0
INTERNAL_ERROR = -32603


async def test_rotation_on_puts_the_fullest_in_auto_and_the_others_in_manual(
    household: Household,
) -> None:
    await household.async_start(socs=(60, 45, 80), state=None)
    # As configured by the simulator specs: A starts in Auto, B and C in Manual.
    assert household.modes() == ("Auto", "Manual", "Manual")

    await household.async_set_state("rotating")

    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.active == C
    # C was told Auto; A, which was in Auto, got the neutral manual config (slot 9 disabled);
    # B was in Manual already and is left alone.
    assert household.set_mode_writes(household.c) == [{"mode": "Auto", "auto_cfg": {"enable": 1}}]
    [manual] = household.set_mode_writes(household.a)
    assert manual["mode"] == "Manual"
    assert manual["manual_cfg"]["time_num"] == 9
    assert manual["manual_cfg"]["enable"] == 0
    assert household.set_mode_writes(household.b) == []
    assert household.state("sensor.marstek_rotation_decision") == "steady"
    assert household.problems() == []


async def test_export_switches_to_the_emptiest_after_the_dwell(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    assert household.modes() == ("Manual", "Manual", "Auto")

    await household.async_set_p1(-800)
    await household.async_advance(100, step=10)
    assert household.modes() == ("Manual", "Manual", "Auto"), "switched before the dwell"

    # The decision looks again at least every 30 s: the switch follows the 2-minute dwell.
    await household.async_advance(60, step=10)

    assert household.modes() == ("Manual", "Auto", "Manual")
    assert household.active == B
    assert household.state("sensor.marstek_rotation_active_battery") == "Fase B"
    assert household.state("input_text.marstek_rotation_last_event").endswith(
        "surplus: Fase B active (was Fase C): solar surplus for 2 min: Fase B (45 %) is emptier"
        " than Fase C (80 %)"
    )
    assert household.problems() == []


async def test_export_does_not_switch_within_the_soc_margin(household: Household) -> None:
    await household.async_start(socs=(78, 77, 80))

    await household.async_set_p1(-800)
    await household.async_advance(5 * MINUTE)

    # The emptiest (77 %) is within the 5 % margin of the active battery (80 %): no flapping.
    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.auto_writes(household.b) == []


async def test_import_switches_to_the_fullest(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    await household.async_call_script("activate", battery=B, reason="test", force=True)
    await household.async_advance(5 * MINUTE)  # the cooldown after that switch
    assert household.modes() == ("Manual", "Auto", "Manual")

    await household.async_set_p1(600)
    await household.async_advance(3 * MINUTE)

    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.active == C
    assert household.problems() == []


async def test_cooldown_holds_back_the_next_switch(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))

    await household.async_set_p1(-800)
    await household.async_advance(3 * MINUTE)
    assert household.active == B
    first = household.auto_writes(household.b)[-1]

    # The house turns to import right after: the fullest (C) should take over, but only
    # once the 5-minute cooldown since the last switch is over.
    await household.async_set_p1(800)
    await household.async_advance(4 * MINUTE)
    assert household.active == B, "switched again within the cooldown"
    assert household.auto_writes(household.c) == []

    await household.async_advance(3 * MINUTE)

    assert household.active == C
    assert household.modes() == ("Manual", "Manual", "Auto")
    second = household.auto_writes(household.c)[0]
    assert second - first >= 5 * MINUTE
    assert household.problems() == []


async def test_full_battery_hands_over_to_the_emptiest_while_there_is_surplus(
    household: Household,
) -> None:
    await household.async_start(socs=(60, 45, 80))
    await household.async_set_p1(-100)  # surplus, but below the export threshold

    household.c.soc = 95.0
    await household.async_advance(MINUTE)

    assert household.modes() == ("Manual", "Auto", "Manual")
    assert household.active == B
    assert "full" in household.state("input_text.marstek_rotation_last_event")


async def test_full_battery_stays_active_without_surplus(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    await household.async_set_p1(100)  # the house takes power: the full battery is the right one

    household.c.soc = 96.0
    await household.async_advance(3 * MINUTE)

    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.auto_writes(household.b) == []


async def test_final_fill_hands_over_at_99_percent(household: Household) -> None:
    await household.async_start(socs=(96, 97, 98))
    await household.async_set_p1(-100)

    # At 98 % no battery is below the full SOC (95 %): the active one keeps charging.
    household.c.soc = 98.0
    await household.async_advance(2 * MINUTE)
    assert household.modes() == ("Manual", "Manual", "Auto")

    # At 99 % (final fill) any battery below 99 % takes over: the emptiest, A at 96 %.
    household.c.soc = 99.0
    await household.async_advance(MINUTE)

    assert household.modes() == ("Auto", "Manual", "Manual")
    assert "final fill" in household.state("input_text.marstek_rotation_last_event")


async def test_low_battery_hands_over_to_the_fullest(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    await household.async_call_script("activate", battery=B, reason="test", force=True)
    await household.async_advance(5 * MINUTE)
    await household.async_set_p1(50)  # below the import threshold: only the low-SOC rule applies

    household.b.soc = 13.0
    await household.async_advance(MINUTE)

    assert household.modes() == ("Manual", "Manual", "Auto")
    assert "low: Fase C active (was Fase B)" in household.state(
        "input_text.marstek_rotation_last_event"
    )


async def test_unavailable_battery_is_never_chosen(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    household.b.quirks = Quirks(silent=True)  # the emptiest battery stops answering
    await household.async_advance(4 * MINUTE)
    assert household.state(f"sensor.{B}_state_of_charge") == STATE_UNAVAILABLE
    assert household.attr("sensor.marstek_rotation_decision", "emptiest") == A
    household.b.clear_received()

    await household.async_set_p1(-800)
    await household.async_advance(4 * MINUTE)

    # The emptiest battery that answers takes over; the silent one is not even written to.
    assert household.active == A
    assert household.a.mode == "Auto"
    assert household.c.mode == "Manual"
    assert household.set_mode_writes(household.b) == []
    assert household.problems() == []


async def test_active_battery_going_unavailable_hands_over(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    assert household.active == C

    household.c.quirks = Quirks(silent=True)
    await household.async_advance(4 * MINUTE)

    # Not importing or exporting: the fullest battery that answers (A, 60 %) takes over.
    assert household.active == A
    assert household.a.mode == "Auto"
    assert household.b.mode == "Manual"
    assert household.set_mode_writes(household.c) == []
    assert household.problems() == []

    # When C answers again it is still in Auto: the mismatch check puts it back in Manual.
    household.c.quirks = Quirks()
    await household.async_advance(8 * MINUTE)
    assert household.modes() == ("Auto", "Manual", "Manual")
    assert household.state("binary_sensor.marstek_rotation_mismatch") == "off"


async def test_mismatch_is_detected_and_the_mode_reasserted(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    assert household.state("binary_sensor.marstek_rotation_mismatch") == "off"

    mismatch = household.record("binary_sensor.marstek_rotation_mismatch")
    events = household.record("input_text.marstek_rotation_last_event")

    # Someone switches the active battery to Manual in the app.
    household.c.mode = "Manual"
    await household.async_advance(30)
    assert household.attr("sensor.marstek_rotation_decision", "mismatch") == (
        "active battery in manual"
    )
    assert mismatch == [], "reported before it lasted a minute"

    await household.async_advance(2 * MINUTE)

    # Reported once it lasted a minute, repaired at once, and over.
    assert mismatch == ["on", "off"]
    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.set_mode_writes(household.c) == [{"mode": "Auto", "auto_cfg": {"enable": 1}}]
    assert events[-1].endswith(
        "repair: Fase C active: mismatch for a minute: active battery in manual"
    )


async def test_second_battery_in_auto_is_a_mismatch(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))

    mismatch = household.record("binary_sensor.marstek_rotation_mismatch")

    household.a.mode = "Auto"  # two batteries following the meter would feed each other
    await household.async_advance(30)
    assert household.attr("sensor.marstek_rotation_decision", "mismatch") == (
        "another battery in auto: Fase A"
    )

    await household.async_advance(2 * MINUTE)

    assert mismatch == ["on", "off"]
    assert household.modes() == ("Manual", "Manual", "Auto")
    # Only A was written (back to Manual); C was in Auto already.
    assert [write["mode"] for write in household.set_mode_writes(household.a)] == ["Manual"]
    assert household.set_mode_writes(household.c) == []


async def test_all_full_and_exporting_pauses_then_import_resumes(household: Household) -> None:
    await household.async_start(socs=(96, 97, 98))
    assert household.active == C

    await household.async_set_p1(-900)
    await household.async_advance(6 * MINUTE)

    assert household.rotation == "paused"
    assert household.modes() == ("Manual", "Manual", "Manual")
    assert household.active == ""

    # Evening: the house imports for the dwell time; rotation resumes with the fullest.
    await household.async_set_p1(700)
    await household.async_advance(3 * MINUTE)

    assert household.rotation == "rotating"
    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.problems() == []


async def test_rotation_switched_off_by_hand_stays_off(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    await household.async_set_state("off")
    household.c.clear_received()

    await household.async_set_p1(700)
    await household.async_advance(6 * MINUTE)

    # Off means hands off: no auto start, no writes at all.
    assert household.rotation == "off"
    assert household.set_mode_writes(household.a) == []
    assert household.set_mode_writes(household.b) == []
    assert household.set_mode_writes(household.c) == []


async def test_activate_refuses_an_unknown_battery(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))

    await household.async_call_script("activate", battery="marstek_nope_0000", force=True)

    assert household.active == C
    assert "not available" in household.state("input_text.marstek_rotation_last_event")
    assert household.problems() == []


async def test_a_battery_refusing_auto_leaves_the_others_alone(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    household.b.quirks = Quirks(error_replies={"ES.SetMode": INTERNAL_ERROR})
    household.a.clear_received()
    household.c.clear_received()

    await household.async_set_p1(-800)
    await household.async_advance(4 * MINUTE)

    # B was asked once; C stays active and nobody else was written to.
    assert len(household.set_mode_writes(household.b)) == 1
    assert household.active == C
    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.set_mode_writes(household.a) == []
    assert household.set_mode_writes(household.c) == []
    assert "did not accept Auto" in household.notifications["marstek_rotation_switch_failed"]
    # The select reports the failure (that is an error worth logging); nothing else is.
    problems = household.problems()
    assert len(problems) == 1
    assert problems[0].startswith("homeassistant.components.script.marstek_rotation_set_mode")
    assert "9a7d rejected the command" in problems[0]

    # After the cooldown it is tried again, once.
    await household.async_advance(5 * MINUTE)
    assert len(household.set_mode_writes(household.b)) == 2


async def test_clear_all_schedules_removes_app_schedules_and_resumes(
    household: Household,
) -> None:
    await household.async_start(socs=(60, 45, 80))
    # A schedule made in the Marstek app on B (slot 3), which would charge it every day.
    await household.hass.services.async_call(
        "marstek_rotation",
        "set_manual_schedule",
        {
            "entity_id": f"select.{B}_operating_mode",
            "time_num": 3,
            "start_time": "13:00",
            "end_time": "14:00",
            "power": -800,
        },
        blocking=True,
    )
    assert household.b.manual_slots[3].enabled

    await household.async_call_script("clear_all_schedules")

    for battery in household.batteries:
        assert not any(slot.enabled for slot in battery.manual_slots)
    # Clearing puts every battery in Manual; rotation then activates the best one again.
    assert household.modes() == ("Manual", "Manual", "Auto")
    assert household.active == C
    assert household.problems() == []
