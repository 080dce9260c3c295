"""Adding batteries through the integration's own config flow, over Home Assistant's REST API.

Nothing here knows the flow's steps in advance beyond what a user would answer: the form
Home Assistant returns is read (its fields, their defaults and options) and filled in the way
a user adding this battery would fill it. The flow may grow or reorder steps; the answers
stay the same:

* a field offering the battery (an option whose value is its MAC, or whose label names its
  address) gets that option, or "manual" when the battery is not on offer;
* ``host`` and ``port`` get the battery's address (the manual form);
* every other field keeps the default the form shows (entity prefix, capacity, poll interval,
  timeout, confirmations).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .ha_api import HomeAssistantError

if TYPE_CHECKING:
    from .ha_api import HomeAssistantApi

_LOGGER = logging.getLogger(__name__)

DOMAIN = "marstek_rotation"
MANUAL = "manual"
MAX_STEPS = 10


@dataclass(frozen=True, slots=True)
class BatteryAddress:
    """What a user knows about the battery being added."""

    host: str
    port: int
    ble_mac: str


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One step a flow went through (for the log and for tests)."""

    step_id: str | None
    result_type: str
    answer: dict[str, Any]


class FlowError(HomeAssistantError):
    """The flow ended without creating the battery's entry."""


def _option_values(field: dict[str, Any]) -> list[tuple[str, str]]:
    """(value, label) pairs a select field offers, in whatever shape the schema gives them."""
    select = field.get("selector", {}).get("select")
    raw = select.get("options", []) if isinstance(select, dict) else field.get("options", [])
    pairs = []
    for option in raw:
        if isinstance(option, dict):
            pairs.append((str(option.get("value")), str(option.get("label", ""))))
        elif isinstance(option, list | tuple) and len(option) == 2:  # noqa: PLR2004
            pairs.append((str(option[0]), str(option[1])))
        else:
            pairs.append((str(option), str(option)))
    return pairs


def answer_form(form: dict[str, Any], battery: BatteryAddress) -> dict[str, Any]:
    """What a user adding ``battery`` enters in this form."""
    answer: dict[str, Any] = {}
    for field in form.get("data_schema", []):
        name = field["name"]
        options = _option_values(field)
        if options:
            chosen = next(
                (
                    value
                    for value, label in options
                    if value.lower() == battery.ble_mac or f"({battery.host})" in label
                ),
                None,
            )
            if chosen is None and any(value == MANUAL for value, _ in options):
                chosen = MANUAL  # not discovered: the user enters the address by hand
            if chosen is not None:
                answer[name] = chosen
                continue
        if name == "host":
            answer[name] = battery.host
        elif name == "port":
            answer[name] = battery.port
        elif "default" in field:
            answer[name] = field["default"]
    return answer


async def _discovered_flow(api: HomeAssistantApi, battery: BatteryAddress) -> str | None:
    """A discovery flow Home Assistant already started for this battery, if any."""
    async with await api.websocket() as ws:
        flows = await ws.call("config_entries/flow/progress")
    for flow in flows:
        context = flow.get("context", {})
        if flow.get("handler") == DOMAIN and context.get("unique_id") == battery.ble_mac:
            return str(flow["flow_id"])
    return None


async def add_battery(api: HomeAssistantApi, battery: BatteryAddress) -> list[FlowStep]:
    """Run the config flow for ``battery`` to its entry; returns the steps taken.

    A "Discovered" flow for this battery is continued when there is one (as a user clicking
    its card would); otherwise the flow starts from "Add integration". If the background
    discovery finds the battery while the user flow runs, that flow stops as "already in
    progress": then the discovered one is continued.
    """
    try:
        return await _run_flow(api, battery)
    except FlowError as err:
        if "already_in_progress" not in str(err):
            raise
        _LOGGER.info("%s was discovered meanwhile; continuing its discovered flow", battery.host)
        return await _run_flow(api, battery)


async def _run_flow(api: HomeAssistantApi, battery: BatteryAddress) -> list[FlowStep]:
    flow_id = await _discovered_flow(api, battery)
    if flow_id is not None:
        result = await api.get(f"/api/config/config_entries/flow/{flow_id}")
    else:
        result = await api.post("/api/config/config_entries/flow", {"handler": DOMAIN})
    steps: list[FlowStep] = []
    for _ in range(MAX_STEPS):
        kind = result.get("type")
        if kind == "menu":
            # Once a battery is set up the flow asks: another battery, or the household.
            steps.append(FlowStep(result.get("step_id"), "menu", {"next_step_id": "battery"}))
            result = await api.post(
                f"/api/config/config_entries/flow/{result['flow_id']}", {"next_step_id": "battery"}
            )
            continue
        if kind != "form":
            steps.append(FlowStep(result.get("step_id"), str(kind), {}))
            break
        if result.get("errors"):
            msg = f"step {result.get('step_id')!r} answered errors {result['errors']}"
            raise FlowError(msg)
        answer = answer_form(result, battery)
        steps.append(FlowStep(result.get("step_id"), "form", answer))
        _LOGGER.debug("flow %s step %s: %s", result["flow_id"], result.get("step_id"), answer)
        result = await api.post(f"/api/config/config_entries/flow/{result['flow_id']}", answer)
    else:
        msg = f"the flow did not finish within {MAX_STEPS} steps: {steps}"
        raise FlowError(msg)
    if result.get("type") != "create_entry":
        msg = f"adding {battery.host} ended in {result.get('type')}: {result.get('reason')}"
        raise FlowError(msg)
    return steps


async def configured_macs(api: HomeAssistantApi) -> set[str]:
    """BLE MACs of the batteries that already have a device (the integration's identifiers)."""
    async with await api.websocket() as ws:
        devices = await ws.call("config/device_registry/list")
    return {
        str(identifier[1])
        for device in devices
        for identifier in device.get("identifiers", [])
        if identifier[0] == DOMAIN
    }
