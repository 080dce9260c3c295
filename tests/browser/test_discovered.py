"""A battery that appears on the network shows up under "Discovered" by itself; one click adds it.

The integration looks for new batteries a minute after Home Assistant starts (then every 6
hours), so the test puts a battery on the simulated network, restarts Home Assistant as a user
would, and waits for the card on Settings -> Devices & services.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

from custom_components.marstek_rotation.pymarstek.catalog import supports_settings

from .clients import wait_until
from .frontend import call_ws, rendered_text, wait_for_frontend
from .ui_flows import DOMAIN, flow_answers, walk_flow

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits

# Home Assistant's restart, the minute before the window and its wait for a quiet moment.
CARD_TIMEOUT_S = 240
# The controls of a battery with the Open API revision 2.0 settings.
SETTINGS = ("Depth of discharge", "LED", "Bluetooth advertising")


def _core_state(household: RunningHousehold) -> str | None:
    try:
        config: dict[str, Any] = household.ha.get("/api/config")
    except (OSError, ValueError):  # down, or answering while it starts
        return None
    return str(config.get("state"))


def _restart_home_assistant(household: RunningHousehold) -> None:
    with contextlib.suppress(OSError):  # the answer may not survive the restart
        household.ha.post("/api/services/homeassistant/restart", {})
    wait_until(lambda: _core_state(household) != "RUNNING", 60, "Home Assistant did not stop", 0.2)
    wait_until(
        lambda: _core_state(household) == "RUNNING", 180, "Home Assistant did not start again"
    )


def test_a_new_battery_appears_under_discovered_and_is_added_with_one_click(
    page: Page, household: RunningHousehold, visits: Visits
) -> None:
    new = household.simulator.add_battery()
    _restart_home_assistant(household)

    page.goto(f"{household.url}/config/integrations/dashboard")
    wait_for_frontend(page)
    name = f"Marstek {new['model']} {new['ble_mac'][-4:]}"
    card = page.locator("ha-config-flow-card").filter(has_text=name)
    card.first.wait_for(timeout=CARD_TIMEOUT_S * 1000)
    page.wait_for_timeout(500)
    visits.check(page, "integrations - a battery discovered")
    flows = call_ws(page, {"type": "config_entries/flow/progress"})
    assert isinstance(flows, list)
    ours = [flow for flow in flows if flow["handler"] == DOMAIN]
    assert [flow["context"]["unique_id"] for flow in ours] == [new["ble_mac"]]
    assert ours[0]["context"]["source"] == "integration_discovery"

    with flow_answers(page) as answers:
        card.first.get_by_role("button", name="Add").click()
        steps = walk_flow(page, new, answers, visits)
    step_ids = [str(step.step_id) for step in steps]
    assert step_ids[0] == "discovery_confirm", step_ids
    assert step_ids[1].startswith("settings"), step_ids
    confirm = steps[0].record.text
    assert new["host"] in confirm
    assert f"firmware: {new['firmware']}" in confirm
    assert not any(step.record.problems for step in steps)
    assert steps[-1].kind == "create_entry"
    entries = call_ws(page, {"type": "config_entries/get", "domain": DOMAIN})
    assert isinstance(entries, list)
    added = [entry for entry in entries if entry["title"] == name]
    assert [entry["source"] for entry in added] == ["integration_discovery"], entries

    # The revision 2.0 settings show on the device page of a battery that has them, and not on
    # one that has not (Fase A, a Venus E 155). In the whole suite the battery found here is the
    # household's fifth, a Venus A on firmware 150, which has them.
    devices = call_ws(page, {"type": "config/device_registry/list"})
    assert isinstance(devices, list)
    by_mac = {
        identifier[1]: device["id"]
        for device in devices
        for identifier in device.get("identifiers", [])
        if identifier[0] == DOMAIN
    }
    fase_a = household.batteries[0]["ble_mac"]
    expected = {
        new["ble_mac"]: supports_settings(new["model"], new["firmware"]),
        fase_a: False,
    }
    for ble_mac, shown in expected.items():
        page.goto(f"{household.url}/config/devices/device/{by_mac[ble_mac]}")
        wait_for_frontend(page)
        page.get_by_text("State of charge").first.wait_for(timeout=30_000)
        # The settings sit in the Configuration card, below the sensors.
        page.get_by_text("Configuration", exact=True).last.scroll_into_view_if_needed()
        record = visits.check(
            page, f"device page {'with' if shown else 'without'} settings", full_page=False
        )
        text = rendered_text(page)
        for control in SETTINGS:
            found = re.search(rf"\b{re.escape(control)}\b", text) is not None
            assert found is shown, (control, record.screenshot)
