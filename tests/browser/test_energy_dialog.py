"""The Energy dashboard's battery dialog of Home Assistant 2026.11, with the household's batteries.

The README names the dialog's fields; this opens it as a user does and checks that those
fields are there and that the energy field offers the batteries' energy totals, not their
capacity sensors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .frontend import rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits

# The fields the README's "Adding a battery" table names, as the dialog labels them.
FIELDS = (
    "Energy discharged from the battery",
    "Energy charged into the battery",
    "Type of power measurement",
    "Battery state of charge sensor",
    "Battery capacity",
)


def test_the_battery_dialog_offers_the_energy_totals_only(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    page.goto(household.url + "/config/energy")
    wait_for_frontend(page)
    add = page.get_by_role("button", name="Add battery system")
    add.wait_for(timeout=30_000)
    add.click()
    picker = page.locator("ha-statistic-picker").first
    picker.wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # the dialog's own animation
    dialog = visits.check(page, "energy - battery dialog", full_page=False)
    for field in FIELDS:
        assert field in dialog.text, field

    picker.click()
    search = page.get_by_placeholder("Search").last
    search.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # the list of statistics arrives
    # The list only renders what fits: ask it by name, as a user searching would.
    search.fill("Energy discharged")
    page.wait_for_timeout(500)
    visits.check(page, "energy - battery dialog, energy discharged", full_page=False)
    for battery in household.batteries:
        assert battery["ble_mac"][-4:] in rendered_text(page), battery["ble_mac"]
    search.fill("capacity")
    page.wait_for_timeout(500)
    visits.check(page, "energy - battery dialog, no capacity", full_page=False)
    assert re.search(r"No statistics found for\W*capacity", rendered_text(page))
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
