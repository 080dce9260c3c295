"""Pages a user of the integration opens: none may show a translation error or a raw key."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from .fixtures import new_context
from .frontend import call_ws, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .fixtures import RunningHousehold
    from .frontend import Visits


def test_the_login_page(browser: Browser, household: RunningHousehold, visits: Visits) -> None:
    context = new_context(browser, household)
    try:
        page = context.new_page()
        page.goto(household.url + "/")
        page.wait_for_url("**/auth/authorize**", timeout=60_000)
        page.get_by_role("textbox", name="Username").wait_for()
        visits.check(page, "login page")
        page.get_by_role("textbox", name="Username").fill(household.ready["username"])
        page.get_by_role("textbox", name="Password").fill(household.ready["password"])
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/auth/" not in url, timeout=60_000)
        wait_for_frontend(page)
        visits.check(page, "first page after login")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("integration page", "/config/integrations/integration/marstek_rotation"),
        ("entities of the integration", "/config/entities?domain=marstek_rotation"),
        ("repairs", "/config/repairs"),
        ("activity", "/logbook"),
    ],
)
def test_page(
    page: Page, household: RunningHousehold, visits: Visits, name: str, path: str
) -> None:
    page.goto(household.url + path)
    wait_for_frontend(page)
    page.wait_for_timeout(1000)  # lists render after the first data arrives
    visits.check(page, name)


def test_the_options_dialog(page: Page, household: RunningHousehold, visits: Visits) -> None:
    page.goto(household.url + "/config/integrations/integration/marstek_rotation")
    wait_for_frontend(page)
    first = household.batteries[0]
    row = page.locator("ha-config-entry-row").filter(has_text=first["ble_mac"][-4:]).first
    row.get_by_role("button", name="Configure").click()
    page.get_by_role("button", name="Submit").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    record = visits.check(page, "options dialog", full_page=False)
    assert first["ble_mac"][-4:] in record.text  # the dialog names the battery it edits


def test_the_options_dialog_gives_a_real_example_after_a_bad_prefix(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    page.goto(household.url + "/config/integrations/integration/marstek_rotation")
    wait_for_frontend(page)
    first = household.batteries[0]
    row = page.locator("ha-config-entry-row").filter(has_text=first["ble_mac"][-4:]).first
    row.get_by_role("button", name="Configure").click()
    submit = page.get_by_role("button", name="Submit")
    submit.wait_for(timeout=30_000)
    page.locator("ha-selector-text input").first.fill("Home Battery")
    submit.click()
    page.get_by_text("Use only lowercase letters").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    record = visits.check(page, "options dialog - invalid prefix", full_page=False)
    # The example is the id as it is now (the prefix typed makes no id), never a bare "-".
    assert f"for example sensor.{first['prefix']}_state_of_charge." in record.text
    assert not re.search(r"example \S* ?-[ .]", record.text), record.screenshot
    page.keyboard.press("Escape")


def test_the_actions_in_developer_tools(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    page.goto(household.url + "/developer-tools/action")
    wait_for_frontend(page)
    page.get_by_role("button", name="YAML mode").click()
    editor = page.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("action: marstek_rotation.set_manual_schedule\n")
    page.get_by_role("button", name="UI mode").click()
    page.get_by_text("Start time").first.wait_for(timeout=30_000)
    visits.check(page, "developer tools - set_manual_schedule form")


def test_the_integrations_page_shows_nothing_failed(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    """A newcomer's first look at Settings -> Devices & services: every integration set up."""
    page.goto(household.url + "/config/integrations/dashboard")
    wait_for_frontend(page)
    page.get_by_text("Marstek Battery Rotation").first.wait_for(timeout=30_000)
    record = visits.check(page, "integrations overview")
    assert "failed to set up" not in record.text.lower(), record.screenshot  # the card says so
    entries = call_ws(page, {"type": "config_entries/get"})
    assert isinstance(entries, list)
    failed = [entry["title"] for entry in entries if entry["state"] != "loaded"]
    assert not failed, f"integrations not loaded: {failed}"
