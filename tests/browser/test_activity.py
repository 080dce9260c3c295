"""The Activity page (logbook) of the running household: the rotation's own lines only.

The entries are what the Activity page itself asks for (`logbook/get_events` over the frontend's
connection) from the real recorder; the page is recorded as it looks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .clients import wait_until
from .frontend import call_ws, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits

# What may show of the package: its log, the mismatch alarm, and settings a person (or the first
# run's defaults) changed.
SHOWN = (
    "input_text.marstek_rotation_last_event",
    "binary_sensor.marstek_rotation_mismatch",
    "input_number.marstek_rotation_",
    "input_datetime.marstek_rotation_",
    "input_boolean.marstek_rotation_",
)
RECORDS = (
    "input_datetime.marstek_rotation_last_switch",
    "input_boolean.marstek_rotation_initialised",
)


def _entries(page: Page) -> list[dict[str, Any]]:
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    entries = call_ws(page, {"type": "logbook/get_events", "start_time": start})
    assert isinstance(entries, list)
    return entries


def test_the_activity_page_shows_the_rotation_s_events_not_its_workings(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    """No automation or script run, record, sensor or mode repeated: one line per event."""
    page.goto(household.url + "/logbook")
    wait_for_frontend(page)
    event = household.ha.state("input_text.marstek_rotation_last_event")
    assert event is not None
    # The household's start made a battery active: its line, with the reason, is there.
    wait_until(
        lambda: any(
            entry.get("entity_id") == "input_text.marstek_rotation_last_event"
            for entry in _entries(page)
        ),
        60,
        "the rotation's log has no line in the Activity page",
    )
    entries = _entries(page)
    record = visits.check(page, "activity page with the rotation")

    package = [entry for entry in entries if "marstek_rotation" in str(entry.get("entity_id"))]
    workings = [
        f"{entry.get('entity_id')}: {entry.get('state') or entry.get('message')}"
        for entry in package
        if not str(entry["entity_id"]).startswith(SHOWN) or entry["entity_id"] in RECORDS
    ]
    assert workings == [], (
        f"{len(workings)} internal lines, e.g. {workings[:10]}; {record.screenshot}"
    )
    modes = [
        entry["entity_id"]
        for entry in entries
        if str(entry.get("entity_id")).startswith("sensor.")
        and str(entry["entity_id"]).endswith("_operating_mode")
    ]
    assert modes == [], f"a battery's mode shown twice: {modes}"
