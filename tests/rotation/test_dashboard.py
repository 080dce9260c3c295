"""The dashboard: a whole dashboard of core cards that names no battery, shows every battery of
the household (1, 3 and 6 here) and only entities, attributes and actions that exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from .conftest import (
    DASHBOARD,
    EXTRA_PREFIXES,
    HOUSEHOLD_PREFIXES,
    Household,
    batteries_block,
    load_household,
)

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

# Cards that ship with Home Assistant's frontend (no custom cards).
CORE_CARDS = {
    "alarm-panel", "area", "button", "calendar", "conditional", "entities", "entity",
    "entity-filter", "gauge", "glance", "grid", "heading", "history-graph", "horizontal-stack",
    "humidifier", "iframe", "light", "logbook", "map", "markdown", "media-control",
    "picture", "picture-elements", "picture-entity", "picture-glance", "plant-status",
    "sensor", "statistic", "statistics-graph", "thermostat", "tile", "todo-list",
    "vertical-stack", "weather-forecast",
}  # fmt: skip
# Records the package keeps for itself: shown as text, never as a field one could edit.
INTERNAL = ("input_text.", "input_datetime.marstek_rotation_last_switch")
ALL_PREFIXES = (*HOUSEHOLD_PREFIXES, *EXTRA_PREFIXES)


def _cards(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every card of the dashboard, nested stacks, grids and conditionals included."""
    for card in node.get("cards", []):
        yield card
        yield from _cards(card)
        if isinstance(card.get("card"), dict):
            yield card["card"]
            yield from _cards(card["card"])


def _all_cards(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for view in dashboard["views"]:
        yield from _cards(view)


def _rows(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for row in card.get("entities", []):
        yield {"entity": row} if isinstance(row, str) else row


def _entities(card: dict[str, Any]) -> list[str]:
    """The entity ids a card names (its own, its rows', its conditions')."""
    names = [card["entity"]] if "entity" in card else []
    names += [row["entity"] for row in _rows(card) if "entity" in row]
    names += [condition["entity"] for condition in card.get("conditions", [])]
    return names


def _visible(hass: HomeAssistant, conditional: dict[str, Any]) -> bool:
    """Whether a conditional card shows its card now (the state conditions it uses)."""
    for condition in conditional["conditions"]:
        assert condition["condition"] in ("state", "numeric_state"), condition
        state = hass.states.get(condition["entity"])
        assert state is not None, condition
        if condition["condition"] == "numeric_state":
            if "above" in condition and not float(state.state) > condition["above"]:
                return False
            if "below" in condition and not float(state.state) < condition["below"]:
                return False
            continue
        if "state" in condition and state.state != condition["state"]:
            return False
        if "state_not" in condition and state.state == condition["state_not"]:
            return False
    return True


def test_a_whole_dashboard_of_core_cards_that_names_no_battery() -> None:
    dashboard = load_yaml_dict(DASHBOARD)
    assert dashboard["title"]
    assert len(dashboard["views"]) == 1
    types = {card["type"] for card in _all_cards(dashboard)}
    assert types <= CORE_CARDS, types - CORE_CARDS
    assert {"gauge", "markdown", "entities", "history-graph", "logbook"} <= types
    text = DASHBOARD.read_text(encoding="utf-8")
    assert "marstek_venuse" not in text
    for card in _all_cards(dashboard):
        if card["type"] == "entities":
            for row in _rows(card):
                assert not row.get("entity", "").startswith(INTERNAL), row


def _check_references(hass: HomeAssistant, card: dict[str, Any]) -> int:
    """Every entity, attribute and action the card names exists; returns how many."""
    checked = 0
    for entity_id in _entities(card):
        assert hass.states.get(entity_id) is not None, entity_id
        checked += 1
    for row in _rows(card):
        if row.get("type") == "attribute":
            assert row["attribute"] in hass.states.get(row["entity"]).attributes, row
        action = row.get("tap_action", {})
        if action.get("action") == "perform-action":
            domain, service = action["perform_action"].split(".")
            assert hass.services.has_service(domain, service), action
            checked += 1
    return checked


def _check_status_table(hass: HomeAssistant, card: dict[str, Any], count: int) -> None:
    """The status card renders one row per battery, and a percentage never breaks."""
    # Strict, as the frontend's markdown card renders: an undefined name empties the card.
    rendered = Template(card["content"], hass).async_render(parse_result=False, strict=True)
    table = [line for line in rendered.splitlines() if line.startswith("| ") and "|:" not in line]
    assert len(table) == 1 + count, rendered  # the header and one row per battery
    for index in range(1, count + 1):
        assert f"| Battery {index} |" in rendered, rendered
    assert "&nbsp;%" in rendered  # "60 %" is never split over two lines


@pytest.mark.parametrize("count", [1, 3, 6])
async def test_the_dashboard_shows_every_battery_and_only_what_exists(
    household: Household, count: int
) -> None:
    configured = ALL_PREFIXES[:count]
    await household.async_start(
        household=load_household(batteries=batteries_block(configured)),
        extra_batteries=max(0, count - 3),
    )
    hass = household.hass
    dashboard = load_yaml_dict(DASHBOARD)

    checked = 0
    shown: list[dict[str, Any]] = []
    for card in _all_cards(dashboard):
        checked += _check_references(hass, card)
        if card["type"] == "conditional" and _visible(hass, card):
            shown.append(card["card"])
        if card["type"] == "markdown" and card.get("title") == "Battery rotation":
            _check_status_table(hass, card, count)
        elif card["type"] == "markdown":  # every other one renders without an error
            content = Template(card["content"], hass)
            assert content.async_render(parse_result=False, strict=True).strip()

    slots = [f"sensor.marstek_rotation_battery_{index}" for index in range(1, count + 1)]
    assert [card["entity"] for card in shown if card["type"] == "gauge"] == slots
    assert [card["entities"] for card in shown if card["type"] == "history-graph"] == [slots]
    for index, slot in enumerate(slots, start=1):
        assert hass.states.get(slot).name == f"Battery {index}"
    assert checked > 40
    assert household.problems() == []


async def test_the_prices_card_renders_before_the_first_plan(hass: HomeAssistant) -> None:
    """A first start: the energy plan has no attributes yet (the card once rendered empty)."""
    dashboard = load_yaml_dict(DASHBOARD)
    card = next(c for c in _all_cards(dashboard) if c.get("title") == "Prices and plan")
    for attributes in (None, {}):
        if attributes is not None:
            hass.states.async_set("sensor.marstek_rotation_energy_plan", "unknown", attributes)
        rendered = Template(card["content"], hass).async_render(parse_result=False, strict=True)
        assert rendered.strip() == "The first plan is made within a few minutes of a start."


async def test_the_dashboard_saves_as_a_dashboard_over_the_websocket(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """The call the raw configuration editor (and the browser suite) makes to install it."""
    assert await async_setup_component(hass, "lovelace", {})
    client = await hass_ws_client(hass)
    dashboard = load_yaml_dict(DASHBOARD)

    await client.send_json_auto_id(
        {
            "type": "lovelace/dashboards/create",
            "url_path": "marstek-rotation",
            "title": dashboard["title"],
            "icon": "mdi:battery-sync",
            "mode": "storage",
        }
    )
    assert (await client.receive_json())["success"]
    await client.send_json_auto_id(
        {"type": "lovelace/config/save", "url_path": "marstek-rotation", "config": dashboard}
    )
    assert (await client.receive_json())["success"]
    await client.send_json_auto_id({"type": "lovelace/config", "url_path": "marstek-rotation"})
    reply = await client.receive_json()

    assert reply["success"]
    assert reply["result"] == dashboard


async def test_choosing_a_battery_on_the_dashboard_makes_it_active(
    household: Household, hass_admin_user: MockUser
) -> None:
    """The "active battery" choice: the package keeps it in step, a person's choice switches."""
    await household.async_start(socs=(60, 45, 80))
    choice = "input_select.marstek_rotation_choose_active"
    assert household.attr(choice, "options") == ["none", "Fase A", "Fase B", "Fase C"]
    assert household.state(choice) == "Fase C"  # the active battery

    async def choose(option: str, context: Context | None) -> None:
        await household.hass.services.async_call(
            "input_select",
            "select_option",
            {"entity_id": choice, "option": option},
            blocking=True,
            context=context,
        )
        await household.async_settle()

    # An automation choosing (no person behind it) changes nothing but the choice itself.
    await choose("Fase A", None)
    assert household.active == HOUSEHOLD_PREFIXES[2]
    assert household.set_mode_writes(household.a) == []

    # A person choosing in the dashboard switches at once (no cooldown for a person).
    await choose("Fase B", Context(user_id=hass_admin_user.id))
    assert household.active == HOUSEHOLD_PREFIXES[1]
    assert household.modes() == ("Manual", "Auto", "Manual")
    assert household.state(choice) == "Fase B"
    assert "choice: Fase B active (was Fase C)" in household.state(
        "input_text.marstek_rotation_last_event"
    )

    # "Best battery now" (no battery named): with no surplus, the fullest.
    await household.async_call_script("activate", rule="dashboard", force=True)
    assert household.active == HOUSEHOLD_PREFIXES[2]
    assert household.state(choice) == "Fase C"
    assert household.problems() == []
