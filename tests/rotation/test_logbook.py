"""The Activity page (logbook): one line per real event, not a line per helper and per run.

The lines are counted with the logbook's own live filter (what the Activity page streams):
`async_subscribe_events` forwards state changes the logbook shows (not attribute-only changes,
not sensors with a unit or state class) and the events it describes (automations triggered,
scripts started, `logbook.log` entries), through the entity filter the logbook builds from the
configuration (the package's `logbook: exclude:`), as the logbook's own set-up builds it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from homeassistant.components import logbook as logbook_component
from homeassistant.components.automation import EVENT_AUTOMATION_TRIGGERED
from homeassistant.components.logbook.helpers import async_subscribe_events
from homeassistant.components.recorder.filters import (
    extract_include_exclude_filter_conf,
    merge_include_exclude_filters,
)
from homeassistant.components.script import EVENT_SCRIPT_STARTED
from homeassistant.const import EVENT_LOGBOOK_ENTRY
from homeassistant.core import CALLBACK_TYPE, Context, Event, HomeAssistant, callback
from homeassistant.helpers.entityfilter import convert_include_exclude_filter
from pytest_homeassistant_custom_component.common import MockUser

from .conftest import Household
from .writes import WriteReport

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

B = "marstek_venuse_3_0_9a7d"
C = "marstek_venuse_deb8"
MINUTE = 60.0
# The events the logbook describes here (besides state changes); call_service only gives context.
DESCRIBED = (EVENT_LOGBOOK_ENTRY, EVENT_AUTOMATION_TRIGGERED, EVENT_SCRIPT_STARTED)


class Logbook:
    """The lines the Activity page would show from now on, as (who, what)."""

    def __init__(self, hass: HomeAssistant, config: dict[str, Any]) -> None:
        """Listen the way the Activity page's live stream listens, with `config`'s filter."""
        self.lines: list[tuple[str, str]] = []
        self._subscriptions: list[CALLBACK_TYPE] = []
        config = logbook_component.CONFIG_SCHEMA(config)
        merged = merge_include_exclude_filters(
            extract_include_exclude_filter_conf(config.get("recorder", {})),
            extract_include_exclude_filter_conf(config.get("logbook", {})),
        )
        entities = convert_include_exclude_filter(merged)
        self.filter = None if entities.empty_filter else entities.get_filter()
        async_subscribe_events(
            hass, self._subscriptions, self._line, DESCRIBED, self.filter, None, None
        )

    @callback
    def _line(self, event: Event[Any]) -> None:
        data = event.data
        if event.event_type == "state_changed":
            self.lines.append((data["entity_id"], data["new_state"].state))
        elif event.event_type == EVENT_LOGBOOK_ENTRY:
            self.lines.append((str(data.get("entity_id") or data.get("domain")), data["message"]))
        else:
            self.lines.append((data["entity_id"], event.event_type))

    def close(self) -> None:
        """Stop listening."""
        for unsubscribe in self._subscriptions:
            unsubscribe()

    def text(self) -> str:
        """The lines, one per row (for a failing assert)."""
        return "\n".join(f"{who}: {what}" for who, what in self.lines)


def _rotation_lines(logbook: Logbook) -> list[str]:
    """The rotation's own lines (its last-event record), not the batteries' mode lines."""
    return [what for who, what in logbook.lines if who != "" and not who.startswith("select.")]


async def test_a_switch_is_one_rotation_line_and_one_line_per_battery_mode(
    household: Household,
) -> None:
    """A switch: one rotation line with its reason, one line per battery that changed mode.

    Before: 29 lines (the acting automation at every minute, each script run and its on/off,
    the records behind the switch, the decision's rule, the dashboard list, every mode twice).
    """
    await household.async_start(socs=(60, 45, 80))
    logbook = Logbook(household.hass, household.config)

    await household.async_set_p1(-800)  # surplus: C hands over to B after the dwell
    await household.async_advance(3 * MINUTE)
    logbook.close()
    assert household.active == B

    WriteReport.note(f"Activity (logbook) lines for one switch: {len(logbook.lines)}")
    print(logbook.text())
    assert sorted(logbook.lines) == sorted(
        [
            ("input_text.marstek_rotation_last_event", logbook.lines[-1][1]),
            (f"select.{B}_operating_mode", "auto"),
            (f"select.{C}_operating_mode", "manual"),
        ]
    ), logbook.text()
    assert logbook.lines[-1][1].endswith(
        "surplus: Fase B active (was Fase C): solar surplus"
        " for 2 min: Fase B (45 %) is emptier than Fase C (80 %)"
    )


async def test_a_quiet_half_hour_adds_no_line(household: Household) -> None:
    """Nothing happens for 30 minutes: nothing in the Activity page (was a line a minute)."""
    await household.async_start(socs=(60, 45, 80))
    logbook = Logbook(household.hass, household.config)

    await household.async_advance(30 * MINUTE)
    logbook.close()

    WriteReport.note(f"Activity (logbook) lines in a quiet half hour: {len(logbook.lines)}")
    assert logbook.lines == [], logbook.text()


async def test_pause_and_resume_are_one_rotation_line_each(household: Household) -> None:
    """All full and exporting pauses, the evening resumes: one line each, with the reason.

    Resuming makes the fullest battery active: that switch is a line of its own.
    """
    await household.async_start(socs=(96, 97, 98))
    logbook = Logbook(household.hass, household.config)

    await household.async_set_p1(-900)
    await household.async_advance(6 * MINUTE)
    assert household.rotation == "paused"
    paused = _rotation_lines(logbook)
    await household.async_set_p1(700)
    await household.async_advance(3 * MINUTE)
    logbook.close()
    assert household.rotation == "rotating"

    print(logbook.text())
    assert len(paused) == 1, logbook.text()
    assert " pause: every battery is full" in paused[0]
    resumed = _rotation_lines(logbook)[1:]
    assert len(resumed) == 2, logbook.text()
    assert " resume: the house has needed power" in resumed[0]
    assert " start: Fase C active" in resumed[1]


async def test_a_person_s_state_change_is_one_line(
    household: Household, hass_admin_user: MockUser
) -> None:
    """A person switches the rotation off: one line that says so (the state is not repeated)."""
    await household.async_start(socs=(60, 45, 80))
    logbook = Logbook(household.hass, household.config)

    await household.hass.services.async_call(
        "input_select",
        "select_option",
        {"entity_id": "input_select.marstek_rotation_state", "option": "off"},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await household.async_advance(MINUTE)
    logbook.close()

    print(logbook.text())
    assert len(logbook.lines) == 1, logbook.text()
    assert logbook.lines[0][0] == "input_text.marstek_rotation_last_event"
    assert logbook.lines[0][1].endswith(" off: set by a person (was rotating)")


@pytest.mark.freeze_time("2026-03-04 23:50:00+00:00", tick=True)  # Thursday 00:50 in Brussels
async def test_the_night_and_the_morning_are_a_line_each(household: Household) -> None:
    """Night start: its line, then the plan written (a line of its own: what each battery
    charges). Morning: its line, then the switch to the battery that covers the house."""
    await household.async_start(socs=(30, 20, 50))
    logbook = Logbook(household.hass, household.config)
    await household.async_advance_to("01:00")
    await household.async_advance(MINUTE)
    assert household.rotation == "night"
    night = _rotation_lines(logbook)
    await household.async_advance_to("07:01", step=300)
    await household.async_advance(2 * MINUTE)
    logbook.close()
    assert household.rotation == "rotating"

    assert len(night) == 2, logbook.text()
    assert " night_start: " in night[0]
    assert " night plan 01:00-07:00: Fase B: " in night[1]
    morning = _rotation_lines(logbook)[2:]
    assert len(morning) == 2, logbook.text()
    assert " morning: " in morning[0]
    # Which battery takes over depends on the night's charge and the morning's sun; the line
    # says which, once.
    assert re.search(r" start: Fase [ABC] active", morning[1]), morning[1]
