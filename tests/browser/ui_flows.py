"""Adding a battery through the frontend: Add integration -> discovered list -> settings -> entry.

The steps are read from what Home Assistant answers the frontend (the flow's JSON), so the
procedure follows the flow as it is; only the answers are fixed: pick the new battery where
the form offers it, keep every default elsewhere, press Submit, and finish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .frontend import PageRecord, Visits, call_ws, wait_for_frontend

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

    from .fixtures import RunningHousehold

DOMAIN = "marstek_rotation"
MAX_STEPS = 8


@dataclass
class StepSeen:
    """One step of the flow as the frontend showed it."""

    step_id: str | None
    kind: str
    result: dict[str, Any]
    record: PageRecord


@dataclass
class AddedBattery:
    """The battery the suite added through the UI, and how that went."""

    host: str
    ble_mac: str
    model: str
    firmware: int
    device_id: str
    entry: dict[str, Any]
    steps: list[StepSeen] = field(default_factory=list)


def _offered_values(result: dict[str, Any]) -> set[str]:
    values: set[str] = set()
    for item in result.get("data_schema", []):
        select = item.get("selector", {}).get("select")
        if isinstance(select, dict):
            for option in select.get("options", []):
                values.add(str(option["value"] if isinstance(option, dict) else option))
    return values


def offered_batteries(step: StepSeen) -> set[str]:
    """The option values a step's form offered (MACs, and "manual")."""
    return _offered_values(step.result)


def entity_prefix_of(step: StepSeen) -> str | None:
    """The entity prefix a step proposed (and the suite kept), if the step asks for one."""
    for item in step.result.get("data_schema", []):
        if item.get("name") == "entity_prefix":
            return str(item.get("default", "")) or None
    return None


@contextmanager
def flow_answers(page: Page) -> Iterator[list[dict[str, Any]]]:
    """Collect what Home Assistant answers the frontend's config-flow requests, in order."""
    answers: list[dict[str, Any]] = []

    def on_response(response: Response) -> None:
        if "/api/config/config_entries/flow" not in response.url:
            return
        try:
            document = response.json()
        except Exception:  # noqa: BLE001 - not every answer is JSON (e.g. errors)
            return
        if isinstance(document, dict) and "type" in document:
            answers.append(document)

    page.on("response", on_response)
    try:
        yield answers
    finally:
        page.remove_listener("response", on_response)


def add_battery_through_the_ui(
    page: Page, household: RunningHousehold, visits: Visits
) -> AddedBattery:
    """Put a new battery on the simulated network and add it as a user would."""
    new = household.simulator.add_battery()
    with flow_answers(page) as answers:
        page.goto(f"{household.url}/config/integrations/dashboard/add?domain={DOMAIN}")
        wait_for_frontend(page)
        # The link first asks whether to set up the integration, as the list does not.
        confirm = page.get_by_role("button", name="OK")
        confirm.wait_for(timeout=30_000)
        visits.record(page, "add integration - confirm", full_page=False)
        confirm.click()
        steps = walk_flow(page, new, answers, visits)
    final = steps[-1].result
    devices = call_ws(page, {"type": "config/device_registry/list"})
    assert isinstance(devices, list)
    device = next(
        (
            d
            for d in devices
            if any(i[0] == DOMAIN and i[1] == new["ble_mac"] for i in d.get("identifiers", []))
        ),
        None,
    )
    assert device is not None, f"no device for {new['ble_mac']} after the flow ({final})"
    return AddedBattery(
        host=new["host"],
        ble_mac=new["ble_mac"],
        model=new["model"],
        firmware=new["firmware"],
        device_id=device["id"],
        entry=final.get("result", {}),
        steps=steps,
    )


def walk_flow(
    page: Page, new: dict[str, Any], answers: list[dict[str, Any]], visits: Visits
) -> list[StepSeen]:
    steps: list[StepSeen] = []
    handled = 0
    for _ in range(MAX_STEPS):
        # Playwright delivers events only while it runs: wait through the page, not sleep().
        for _ in range(240):
            if len(answers) > handled:
                break
            page.wait_for_timeout(250)
        else:
            msg = "the flow did not answer within 60 s"
            raise AssertionError(msg)
        result = answers[-1]
        handled = len(answers)
        kind = str(result["type"])
        step_id = result.get("step_id")
        if kind == "menu":
            # Once a battery is set up the flow asks: another battery, or the household.
            option = page.get_by_text("Add a battery", exact=True)
            option.wait_for(timeout=30_000)
            record = visits.record(page, "add battery - menu", full_page=False)
            steps.append(StepSeen(step_id, kind, result, record))
            option.click()
            continue
        if kind == "form":
            submit = page.get_by_role("button", name="Submit")
            submit.wait_for(timeout=30_000)
            page.wait_for_timeout(300)  # the dialog's own animation
            record = visits.record(page, f"add battery - step {step_id}", full_page=False)
            steps.append(StepSeen(step_id, kind, result, record))
            if new["ble_mac"] in _offered_values(result):
                page.get_by_text(f"({new['host']})").click()
            submit.click()
            continue
        if kind == "create_entry":
            finish = page.get_by_role("button", name=re.compile(r"finish", re.IGNORECASE))
            finish.wait_for(timeout=30_000)
            page.wait_for_timeout(300)
            record = visits.record(page, "add battery - created", full_page=False)
            steps.append(StepSeen(step_id, kind, result, record))
            finish.click()
            return steps
        record = visits.record(page, f"add battery - {kind}", full_page=False)
        steps.append(StepSeen(step_id, kind, result, record))
        msg = f"the flow ended in {kind} ({result.get('reason')}); screenshot {record.screenshot}"
        raise AssertionError(msg)
    msg = f"the flow did not finish within {MAX_STEPS} steps"
    raise AssertionError(msg)
