"""An action with a bad value, performed from Developer tools: the message a user reads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from custom_components.marstek_rotation.pymarstek.catalog import power_limit_w

from .frontend import rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .fixtures import RunningHousehold
    from .frontend import Visits
    from .ui_flows import AddedBattery

STRINGS = (
    Path(__file__).resolve().parents[2] / "custom_components" / "marstek_rotation" / "strings.json"
)


def exception_pattern(key: str, **known: str) -> re.Pattern[str]:
    """The English message of ``exceptions.<key>`` as a pattern: unknown placeholders match
    any text, ``known`` ones their value."""
    template = json.loads(STRINGS.read_text(encoding="utf-8"))["exceptions"][key]["message"]
    pattern = ""
    for part in re.split(r"(\{\w+\})", template):
        name = part[1:-1] if part.startswith("{") else None
        if name is None:
            pattern += re.escape(part)
        else:
            pattern += re.escape(known[name]) if name in known else ".+?"
    return re.compile(pattern)


def perform_in_yaml_mode(page: Page, household: RunningHousehold, yaml: str) -> None:
    page.goto(f"{household.url}/developer-tools/action")
    wait_for_frontend(page)
    page.get_by_role("button", name="YAML mode").click()
    editor = page.locator(".cm-content").first
    editor.wait_for(timeout=30_000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(yaml)
    page.get_by_role("button", name="Perform action").click()


def test_a_bad_power_is_refused_with_a_clear_message_and_nothing_is_sent(
    page: Page, household: RunningHousehold, added_battery: AddedBattery, visits: Visits
) -> None:
    sim = household.simulator
    before = sim.received(added_battery.host)["next"]
    perform_in_yaml_mode(
        page,
        household,
        "action: marstek_rotation.set_passive_mode\n"
        f"target:\n  device_id: {added_battery.device_id}\n"
        "data:\n  power: 99999\n  duration: 60\n",
    )
    limit = power_limit_w(added_battery.model)  # the message names the battery's own limit
    expected = exception_pattern(
        "out_of_range", field="power", min=str(-limit), max=str(limit), value="99999"
    )
    shown = ""
    for _ in range(30):
        shown = rendered_text(page)
        if expected.search(shown):
            break
        page.wait_for_timeout(500)
    record = visits.check(page, "developer tools - action with a bad power")
    assert expected.search(shown), f"no {expected.pattern!r} on the page: {record.screenshot}"
    writes = sim.received(added_battery.host, "ES.SetMode", after=before)["datagrams"]
    assert writes == [], "a refused action must send nothing"
