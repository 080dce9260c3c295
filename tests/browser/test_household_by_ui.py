"""The rotation set up in the UI alone, in Dutch, from a Home Assistant with only the integration.

The household is started with ``--rotation-by-ui --language nl``: Home Assistant has the
integration folder (as HACS installs it), three batteries set up through the config flow, the
meter, the weather and the day-ahead prices, and configuration.yaml loads packages; no
package, household file or dashboard. The test adds the household as a user does (Add entry,
the menu, the forms, entity pickers), restarts Home Assistant, and opens the dashboard the
integration created.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from .clients import wait_until
from .fixtures import RESULTS, Households, RunningHousehold, chromium_path, start_household
from .frontend import Visits, rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

LABELS = ("Fase A", "Fase B", "Fase C")
PICK_NOTHING = "Selecteer een entiteit"  # the Dutch entity picker, empty


@pytest.fixture(scope="module")
def household_by_ui(households: Households) -> Iterator[RunningHousehold]:
    """A household of three batteries and no rotation, in Dutch (the other one is stopped)."""
    households.close()
    running = start_household(
        3, RESULTS / "household-by-ui", "--rotation-by-ui", "--language", "nl"
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def dutch_page(browser: Browser, household_by_ui: RunningHousehold) -> Iterator[Page]:
    """A logged-in page with a Dutch browser."""
    assert chromium_path()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        timezone_id=household_by_ui.ready["time_zone"],
        service_workers="block",
    )
    page = context.new_page()
    page.goto(household_by_ui.url + "/")
    page.wait_for_url("**/auth/authorize**", timeout=60_000)
    page.get_by_role("textbox").nth(0).fill(household_by_ui.ready["username"])
    page.get_by_role("textbox").nth(1).fill(household_by_ui.ready["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/" not in url, timeout=60_000)
    wait_for_frontend(page)
    yield page
    context.close()


def _pick(page: Page, index: int, entity_id: str) -> None:
    """Choose an entity in the index-th empty entity picker, as a user types it."""
    page.get_by_text(PICK_NOTHING).nth(index).click()
    page.wait_for_timeout(500)
    page.keyboard.type(entity_id)
    page.wait_for_timeout(700)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)


def _submit(page: Page) -> None:
    page.get_by_role("button", name="Verzend").click()
    page.wait_for_timeout(1500)


def test_the_household_is_set_up_in_dutch_through_the_ui_and_runs_on_its_dashboard(
    household_by_ui: RunningHousehold, dutch_page: Page, visits: Visits
) -> None:
    household, page = household_by_ui, dutch_page
    assert household.ha.state("sensor.marstek_rotation_household") is None  # nothing installed
    _set_up_the_household_in_the_ui(household, page, visits)

    # The package starts at the next start of Home Assistant.
    household.ha.post("/api/services/homeassistant/restart", {})
    wait_until(
        lambda: _state(household, "sensor.marstek_rotation_household") == "3",
        300,
        "the installed package did not load after the restart",
    )
    # The user switches the rotation on (the dashboard's first setting).
    household.ha.post(
        "/api/services/input_select/select_option",
        {"entity_id": "input_select.marstek_rotation_state", "option": "rotating"},
    )
    household_state = household.ha.state("sensor.marstek_rotation_household")
    assert household_state is not None
    attributes = household_state["attributes"]
    assert [b["label"] for b in attributes["batteries"]] == list(LABELS)
    assert attributes["tariff"] == "dynamic"
    assert attributes["prices_entity"] == household.ready["prices_entity"]

    page.reload()
    wait_for_frontend(page)
    page.get_by_text("Batterijen", exact=True).first.click()  # the sidebar's new dashboard
    page.wait_for_url(re.compile(r"/marstek-rotation/"), timeout=60_000)
    wait_until(
        lambda: all(label in _rendered(page) for label in LABELS),
        180,
        "the dashboard never showed the three batteries by their names",
    )
    # The rotation's log card lists the start (its line is also in the status card). Its
    # list draws only the entries in view: scroll to it first.
    page.locator("hui-logbook-card").scroll_into_view_if_needed()
    wait_until(
        lambda: _rendered(page).count("rotatie aan en") >= 2,
        120,
        "the rotation's log never showed the start",
    )
    seen = visits.record(page, "household by ui - the dashboard it created (nl)")
    assert not seen.problems, seen.problems
    # Written in Home Assistant's language: card titles, rows, the status line.
    for dutch in ("Batterijrotatie", "Bediening", "Instellingen nachtplan", "roteert", "actief"):
        assert dutch in seen.text, dutch
    for english in ("Battery rotation", "Controls", "Night plan settings", "Stored"):
        assert english not in seen.text, english
    # Numbers the Dutch way: "Opgeslagen 7,7 kWh van 15,4 kWh".
    assert re.search(r"Opgeslagen\s+\d+,\d\s*kWh\s+van\s+\d+,\d\s*kWh", seen.text), seen.text


def _state(household: RunningHousehold, entity_id: str) -> str | None:
    try:
        state = household.ha.state(entity_id)
    except OSError:
        return None  # restarting
    return None if state is None else str(state["state"])


def _rendered(page: Page) -> str:
    return rendered_text(page)


def _set_up_the_household_in_the_ui(
    household: RunningHousehold, page: Page, visits: Visits
) -> None:
    """Add entry, the menu, the forms with their entity pickers, and the install step."""
    page.goto(f"{household.url}/config/integrations/dashboard/add?domain=marstek_rotation")
    page.get_by_role("button", name="OK").click()
    menu = page.get_by_text("Het rotatiehuishouden inrichten")
    menu.wait_for(timeout=30_000)
    seen = visits.record(page, "household by ui - menu (nl)", full_page=False)
    assert "Een batterij toevoegen" in seen.text
    menu.click()

    page.get_by_text("Het rotatiehuishouden", exact=True).wait_for(timeout=30_000)
    _pick(page, 0, household.ready["p1_sensor"])
    _pick(page, 2, household.ready["weather_entity"])  # after import and export
    page.get_by_text("Dynamische prijzen").click()
    seen = visits.record(page, "household by ui - batteries, meter, tariff (nl)", full_page=False)
    assert "Netvermogen (één sensor met teken)" in seen.text
    assert not seen.problems, seen.problems
    _submit(page)

    for index, label in enumerate(LABELS):
        page.get_by_role("textbox", name=f"Batterij {index + 1}").fill(label)
    seen = visits.record(page, "household by ui - names (nl)", full_page=False)
    assert "Namen op het dashboard" in seen.text
    _submit(page)

    _pick(page, 0, household.ready["prices_entity"])
    visits.record(page, "household by ui - dynamic prices (nl)", full_page=False)
    _submit(page)

    seen = visits.record(page, "household by ui - messages (nl)", full_page=False)
    assert "Berichten naar je telefoon" in seen.text
    assert not seen.problems, seen.problems
    _submit(page)  # none chosen: no messages

    seen = visits.record(page, "household by ui - install (nl)", full_page=False)
    assert "marstek_rotation_household.yaml" in seen.text, seen.text
    assert "Herstart daarna Home Assistant" in seen.text
    assert not seen.problems, seen.problems
    _submit(page)

    done = page.get_by_role("button", name="Voltooien")
    done.wait_for(timeout=30_000)
    seen = visits.record(page, "household by ui - installed (nl)", full_page=False)
    assert "Rotatiehuishouden" in seen.text
    assert "Batterijen" in seen.text
    done.click()
