"""Adding a battery when every battery on the network is set up: a note, not a red error.

The household's batteries (and the one the suite added) are all configured, so the search
finds nothing new and the flow opens on the manual form. Home Assistant shows form errors in
red; why discovery offered nothing is said in the form's description instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .frontend import call_ws, wait_for_frontend
from .ui_flows import DOMAIN, flow_answers

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits

NOTE = "Every battery that answered the search is already set up."


def test_every_battery_set_up_is_a_note_on_the_manual_form(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    with flow_answers(page) as answers:
        page.goto(f"{household.url}/config/integrations/dashboard/add?domain={DOMAIN}")
        wait_for_frontend(page)
        confirm = page.get_by_role("button", name="OK")
        confirm.wait_for(timeout=30_000)
        confirm.click()
        # With batteries set up the flow first asks: another battery, or the household.
        page.get_by_text("Add a battery", exact=True).click()
        page.get_by_role("button", name="Submit").wait_for(timeout=30_000)
        page.wait_for_timeout(300)  # the dialog's own animation
        record = visits.check(page, "add battery - every battery set up", full_page=False)
    form = answers[-1]
    try:
        assert form["step_id"] == "manual_all_configured", form
        assert form["errors"] in ({}, None), form
        assert NOTE in record.text
        assert page.locator("ha-alert[alert-type='error']").count() == 0
    finally:
        # Nothing is added: closing the dialog ends the flow.
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    progress = call_ws(page, {"type": "config_entries/flow/progress"})
    assert isinstance(progress, list)
    assert form["flow_id"] not in {flow["flow_id"] for flow in progress}
