"""Overflow charging: a second battery charges on schedule slot 9 while the active one cannot
absorb all the export; it stops on import or when its timer ends.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest

from simulator import Quirks

from .conftest import Household, slot_dict

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

A = "marstek_venuse_d828"
B = "marstek_venuse_3_0_9a7d"
MINUTE = 60.0
WEDNESDAY = 1 << 2
INTERNAL_ERROR = -32603


def _minutes(hhmm: str) -> int:
    parsed = datetime.strptime(hhmm, "%H:%M")  # noqa: DTZ007  # a time of day only
    return parsed.hour * 60 + parsed.minute


async def _overflow_running(household: Household) -> None:
    """A (the emptiest) is active when a sunny spell comes: more surplus than A can take.

    The meter follows the simulation: 4 kW of sun, 0.5 kW of load, A absorbs its 2.5 kW and
    1 kW is exported; after a minute of that, B starts overflow charging.
    """
    await household.async_start(socs=(30, 45, 80), meter=True)
    await household.async_call_script("activate", battery=A, reason="test", force=True)
    await household.async_advance(5 * MINUTE)
    for battery in household.batteries:
        battery.clear_received()

    household.sim.meter.set_load(500)
    household.sim.meter.set_solar(4000)
    await household.async_advance(90, step=10)


async def test_export_with_the_emptiest_active_starts_overflow_on_slot_9(
    household: Household,
) -> None:
    await _overflow_running(household)

    slot = slot_dict(household.b, 9)
    assert slot["enabled"] is True
    assert slot["power"] == -1500
    assert slot["week_set"] == WEDNESDAY
    assert (_minutes(slot["end"]) - _minutes(slot["start"])) % 1440 == 30
    # B charges on its schedule (Manual); A keeps following the meter; C is not touched.
    assert household.modes() == ("Auto", "Manual", "Manual")
    assert household.set_mode_writes(household.c) == []
    assert household.state("input_text.marstek_rotation_overflow_battery") == B
    assert household.state("timer.marstek_rotation_overflow") == "active"
    # B takes 1.5 kW of the surplus and A the rest: nothing is exported, nothing else happens.
    await household.async_advance(3 * MINUTE)
    assert abs(household.sim.meter.power) < 50
    assert household.active == A
    assert len(household.set_mode_writes(household.b)) == 1
    assert household.problems() == []


async def test_overflow_stops_when_the_house_imports(household: Household) -> None:
    await _overflow_running(household)
    assert slot_dict(household.b, 9)["enabled"] is True

    # A cloud: the sun is gone, A would have to cover what B takes. B stops after a minute of
    # import, counted once the house power is known again: it holds its value until B is read
    # 15 s after its overflow write. (This meter does not change, so the house power is
    # worked out again at a minute boundary, up to two after the write; a real meter's
    # readings change every few seconds.)
    household.sim.meter.set_solar(0)
    for _ in range(21):
        await household.async_advance(10, step=10)
        if not slot_dict(household.b, 9)["enabled"]:
            break

    # Manual on B: the neutral config disables slot 9.
    assert household.set_mode_writes(household.b)[-1]["manual_cfg"]["time_num"] == 9
    assert slot_dict(household.b, 9)["enabled"] is False
    assert household.b.mode == "Manual"
    assert household.state("input_text.marstek_rotation_overflow_battery") == ""
    # The timer runs on: it is the back-off, no new overflow before it ends.
    assert household.state("timer.marstek_rotation_overflow") == "active"
    assert household.state("input_text.marstek_rotation_last_event").endswith(
        "overflow stopped (the house imports, or the batteries would feed each other): Fase B"
    )
    assert household.problems() == []


async def test_overflow_stops_when_its_timer_ends(household: Household) -> None:
    await _overflow_running(household)
    # Less sun: the surplus (2 kW) still covers what B takes, so only the timer ends it.
    household.sim.meter.set_solar(2500)

    await household.async_advance(25 * MINUTE, step=60)
    assert slot_dict(household.b, 9)["enabled"] is True
    assert household.b.soc > 45  # it really charged meanwhile

    await household.async_advance(6 * MINUTE, step=60)

    assert slot_dict(household.b, 9)["enabled"] is False
    assert household.state("input_text.marstek_rotation_overflow_battery") == ""
    assert "timer ended" in household.state("input_text.marstek_rotation_last_event")
    assert household.active == A
    assert household.problems() == []


async def test_no_overflow_when_switched_off(household: Household) -> None:
    await household.async_start(socs=(30, 45, 80))
    await household.async_turn("overflow", on=False)
    await household.async_call_script("activate", battery=A, reason="test", force=True)
    await household.async_advance(5 * MINUTE)
    household.b.clear_received()

    await household.async_set_p1(-800)
    await household.async_advance(3 * MINUTE)

    assert household.set_mode_writes(household.b) == []
    assert slot_dict(household.b, 9)["enabled"] is False


async def test_a_refused_schedule_is_retried_reported_and_backed_off(
    household: Household,
) -> None:
    await household.async_start(socs=(30, 45, 80))
    await household.async_call_script("activate", battery=A, reason="test", force=True)
    await household.async_advance(5 * MINUTE)
    household.b.quirks = Quirks(error_replies={"ES.SetMode": INTERNAL_ERROR})
    household.b.clear_received()

    await household.async_set_p1(-800)
    await household.async_advance(2 * MINUTE, step=5, wait_for_scripts=False)
    await household.async_settle()

    # Three attempts, 10 s apart, then a notification; overflow is not tracked.
    attempts = [d for d in household.b.received if d.method == "ES.SetMode"]
    assert len(attempts) == 3
    assert [round(b.time - a.time) for a, b in pairwise(attempts)] == [
        10,
        10,
    ]
    assert "failed three times" in household.notifications[f"marstek_rotation_slot_{B}"]
    assert household.state("input_text.marstek_rotation_overflow_battery") == ""
    # The export goes on, but the next attempt waits for the overflow duration.
    await household.async_advance(10 * MINUTE, step=60)
    assert len([d for d in household.b.received if d.method == "ES.SetMode"]) == 3
    assert household.problems() == []
