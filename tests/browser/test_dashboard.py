"""The rotation dashboard as installed by the household: every battery, the rotation state.

It runs once per household size: `scripts/test-browser --household-sizes 1,3,6` (each size
starts a household of its own, about 40 s); the default is the three-battery household.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .clients import wait_until
from .frontend import rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits


@pytest.mark.each_household_size
def test_the_dashboard_shows_every_battery_and_the_rotation(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    labels = [battery["label"] for battery in household.batteries]
    wait_until(
        lambda: all(label in rendered_text(page) for label in labels),
        60,
        f"the dashboard does not show {labels}",
    )
    state = household.ha.state("input_select.marstek_rotation_state")
    assert state is not None
    # The household plans with (simulated) day-ahead prices: inside the plan's charge blocks or
    # holds the rotation is in `night`, whatever the hour; otherwise it rotates.
    window = household.ha.state("binary_sensor.marstek_rotation_night_window")
    assert window is not None
    expected = "night" if window["state"] == "on" else "rotating"
    assert state["state"] == expected, (state["state"], window["attributes"])
    text = rendered_text(page)
    assert expected in text
    record = visits.check(page, f"dashboard with {household.size} batteries")
    # Cards that could not render (unknown card type, bad configuration, missing entity).
    assert page.locator("hui-error-card").count() == 0, record.screenshot
    assert page.locator("hui-warning").count() == 0, record.screenshot
    for battery in household.batteries:  # and each battery's numbers are there
        soc = household.ha.state(f"sensor.{battery['prefix']}_state_of_charge")
        assert soc is not None
        float(soc["state"])
    # The P1 meter reaches Home Assistant through its RESTful integration, from the simulator.
    meter = household.ha.state(household.ready["p1_sensor"])
    assert meter is not None
    float(meter["state"])


def test_the_rotation_log_says_why_in_words(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    """The dashboard's log card shows the switch the household's start caused, with its reason."""
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    event = household.ha.state("input_text.marstek_rotation_last_event")
    assert event is not None
    # "14:20 start: Fase C active: rotation on and ...": the reason, without the time.
    reason = event["state"].split(" ", 1)[1][:40]
    card = page.locator("hui-logbook-card").first
    card.scroll_into_view_if_needed()  # the log renders its rows once they are in view
    card.get_by_text(reason).first.wait_for(timeout=30_000)
    visits.check(page, "dashboard rotation log", full_page=False)


def test_a_battery_chosen_on_the_dashboard_is_kept_and_shown_until_released(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    """A person chooses the active battery in the Controls card: it is kept, shown, released."""
    if len(household.batteries) < 2:
        pytest.skip("a choice needs two batteries")
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    active = household.ha.state("input_text.marstek_rotation_active")
    assert active is not None
    other = next(b for b in household.batteries if b["prefix"] != active["state"])

    page.locator("hui-input-select-entity-row ha-select").filter(
        has_text="Active battery (choose to switch)"
    ).click()
    page.get_by_role("menuitem", name=other["label"], exact=True).click()
    page.keyboard.press("Escape")  # close the menu if it stayed open

    def chosen_and_active() -> bool:
        state = household.ha.state("input_text.marstek_rotation_active")
        return state is not None and state["state"] == other["prefix"]

    wait_until(chosen_and_active, 60, f"{other['label']} did not become the active battery")
    notice = page.get_by_text("A person's choice holds:")
    notice.first.wait_for(timeout=30_000)
    assert other["label"] in notice.first.inner_text()
    record = visits.check(page, "dashboard with a person's choice", full_page=False)

    page.locator("hui-button-row").filter(has_text="Release a choice").get_by_role(
        "button", name="Release"
    ).click()
    wait_until(
        lambda: "A person's choice holds:" not in rendered_text(page),
        60,
        "the choice is still shown after Release",
    )
    choices = household.ha.state("sensor.marstek_rotation_choices")
    assert choices is not None
    assert choices["state"] == "0", record.screenshot


def test_the_price_card_shows_the_plan_and_its_reason(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    """Simulated day-ahead prices reach Home Assistant through the RESTful integration; the
    package plans with them and the dashboard's price card shows the plan's reason in words."""
    prices = household.ha.state("sensor.day_ahead_prices")
    assert prices is not None
    assert len(prices["attributes"]["prices"]) in (92, 96, 100, 188, 192, 196, 200)

    def planned() -> bool:
        plan = household.ha.state("sensor.marstek_rotation_energy_plan")
        return plan is not None and plan["attributes"].get("status") == "planned"

    wait_until(planned, 120, "the energy plan was not made from the simulated prices")
    plan = household.ha.state("sensor.marstek_rotation_energy_plan")
    assert plan is not None
    reason = str(plan["attributes"]["reason"])
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    card = page.locator("hui-markdown-card").filter(has_text="Prices and plan").first
    card.scroll_into_view_if_needed()
    card.get_by_text(reason[:40]).first.wait_for(timeout=30_000)
    record = visits.check(page, "dashboard price card", full_page=False)
    text = rendered_text(page)
    assert "Plan:" in text, record.screenshot
    # The hours are a table, not raw markdown: its cells are rendered, its pipes are not.
    assert "| hour |" not in text, record.screenshot
    assert card.locator("table").count() == 1, record.screenshot
    price_now = household.ha.state("sensor.marstek_rotation_price")
    assert price_now is not None
    float(price_now["state"])
