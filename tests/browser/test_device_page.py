"""The device page of a battery: what it shows against the simulator, and its mode select."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .clients import wait_until
from .frontend import rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits
    from .ui_flows import AddedBattery

MODE_LABELS = {"Auto": "Auto", "AI": "AI", "Manual": "Manual", "Passive": "Passive", "UPS": "UPS"}


def open_device_page(page: Page, household: RunningHousehold, device_id: str) -> None:
    page.goto(f"{household.url}/config/devices/device/{device_id}")
    wait_for_frontend(page)
    page.get_by_text("State of charge").first.wait_for(timeout=30_000)


def shown_soc(page: Page) -> int | None:
    match = re.search(r"State of charge (\d+) ?%", rendered_text(page))
    return int(match.group(1)) if match else None


def shown_mode(page: Page) -> str | None:
    match = re.search(r"Sensors .*?Operating mode (\w+)", rendered_text(page))
    return match.group(1) if match else None


def test_device_page_shows_soc_and_mode_of_the_simulated_battery(
    page: Page, household: RunningHousehold, added_battery: AddedBattery, visits: Visits
) -> None:
    open_device_page(page, household, added_battery.device_id)
    visits.check(page, "device page")
    battery = household.simulator.battery(added_battery.host)
    soc = wait_until(lambda: shown_soc(page), 30, "the device page shows no state of charge")
    assert abs(soc - battery["soc"]) <= 1, (soc, battery["soc"])
    assert shown_mode(page) == MODE_LABELS[battery["mode"]]


def test_the_mode_select_sends_es_setmode(
    page: Page, household: RunningHousehold, added_battery: AddedBattery, visits: Visits
) -> None:
    sim = household.simulator
    host = added_battery.host
    assert sim.battery(host)["mode"] != "Manual"
    before = sim.received(host)["next"]
    open_device_page(page, household, added_battery.device_id)

    # The select entity row of the Controls card: its menu lists the mode labels.
    page.locator("hui-select-entity-row ha-select").filter(has_text="Operating mode").click()
    page.get_by_role("menuitem", name="Manual", exact=True).click()

    writes = wait_until(
        lambda: sim.received(host, "ES.SetMode", after=before)["datagrams"],
        30,
        "the battery received no ES.SetMode",
    )
    assert len(writes) == 1, writes
    config = writes[0]["params"]["config"]
    assert config["mode"] == "Manual"
    # The neutral manual config: slot 9 written disabled (what stops overflow charging).
    assert config["manual_cfg"]["time_num"] == 9
    assert config["manual_cfg"]["enable"] == 0
    assert sim.battery(host)["mode"] == "Manual"
    page.keyboard.press("Escape")  # close the select's menu if it stayed open
    wait_until(lambda: shown_mode(page) == "Manual", 90, "the page never showed Manual")
    visits.check(page, "device page after choosing Manual")
