"""The package and the dashboard as files: they parse, Home Assistant accepts them, the style
rules hold (modern syntax, one place for the batteries, no device ids), and N batteries work.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import check_config
from homeassistant.helpers.template import Template
from homeassistant.util.yaml import load_yaml_dict

from .conftest import (
    DASHBOARD,
    PACKAGE,
    PACKAGE_DOMAINS,
    Household,
    async_detach_package,
    async_setup_package,
    load_package,
    package_problems,
)

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

A = "marstek_venuse_d828"
B = "marstek_venuse_3_0_9a7d"
C = "marstek_venuse_deb8"
HOUSEHOLD_PREFIXES = (A, B, C)

# Cards that ship with Home Assistant's frontend (no custom cards).
CORE_CARDS = {
    "alarm-panel", "area", "button", "calendar", "conditional", "entities", "entity",
    "entity-filter", "gauge", "glance", "grid", "heading", "history-graph", "horizontal-stack",
    "humidifier", "iframe", "light", "logbook", "map", "markdown", "media-control",
    "picture", "picture-elements", "picture-entity", "picture-glance", "plant-status",
    "sensor", "statistic", "statistics-graph", "thermostat", "tile", "todo-list",
    "vertical-stack", "weather-forecast",
}  # fmt: skip


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every (path, key, value) in a nested YAML structure."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def _cards(node: Any) -> Iterator[dict[str, Any]]:
    """Every card of a view, nested stacks included."""
    for card in node.get("cards", []):
        yield card
        yield from _cards(card)
        if isinstance(card.get("card"), dict):
            yield card["card"]


def _rows(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for row in card.get("entities", []):
        yield {"entity": row} if isinstance(row, str) else row


# --- the files ------------------------------------------------------------------------------


def _code(path: Path) -> str:
    """The file without its comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def test_package_is_plain_yaml_of_the_package_domains() -> None:
    text = _code(PACKAGE)
    assert "!include" not in text
    assert "!secret" not in text
    package = load_yaml_dict(PACKAGE)
    assert set(package) == set(PACKAGE_DOMAINS)


def test_package_uses_modern_syntax() -> None:
    package = load_yaml_dict(PACKAGE)
    for path, key, _value in _walk(package):
        assert key != "service", f"legacy `service:` at {path}"
        assert key != "platform", f"legacy `platform:` at {path}"
        assert not (key in {"trigger", "condition", "action"} and path.count("/") <= 2), (
            f"singular `{key}:` block at {path}"
        )
    ids = set()
    for automation in package["automation"]:
        assert {"id", "alias", "description", "triggers", "actions"} <= set(automation)
        assert automation["id"].startswith("marstek_rotation_")
        ids.add(automation["id"])
    assert len(ids) == len(package["automation"])
    for name, script in package["script"].items():
        assert name.startswith("marstek_rotation_")
        assert {"alias", "description", "sequence", "mode"} <= set(script), name
        for field_name, field in script.get("fields", {}).items():
            assert field.get("description") or field.get("name"), (name, field_name)


def test_batteries_are_named_in_one_place_and_no_device_ids() -> None:
    text = _code(PACKAGE)
    for prefix in HOUSEHOLD_PREFIXES:
        assert len(re.findall(rf"\b{prefix}\b", text)) == 1, prefix
    assert "device_id" not in text
    assert not re.search(r"\b[0-9a-f]{32}\b", text), "a hard-coded device id"
    for entity in ("sensor.p1_meter_power", "weather.forecast_home"):
        assert text.count(entity) == 1, entity


def test_every_helper_and_script_is_used() -> None:
    package = load_yaml_dict(PACKAGE)
    text = _code(PACKAGE)
    dashboard = _code(DASHBOARD)
    # Definitions name only the object id: every full entity id in the text is a use.
    for domain in ("input_boolean", "input_number", "input_datetime", "input_text", "timer"):
        for object_id in package[domain]:
            entity_id = f"{domain}.{object_id}"
            assert re.search(rf"{re.escape(entity_id)}\b", text), f"{entity_id} is never used"
    for object_id in package["script"]:
        uses = text.count(f"script.{object_id}") + dashboard.count(f"script.{object_id}")
        assert uses >= 1, f"script.{object_id} is never called"


def test_dashboard_parses_and_uses_only_core_cards() -> None:
    view = load_yaml_dict(DASHBOARD)
    assert view["cards"]
    types = {card["type"] for card in _cards(view)}
    assert types <= CORE_CARDS, types - CORE_CARDS
    assert {"gauge", "markdown", "entities", "history-graph"} <= types


# --- Home Assistant ----------------------------------------------------------------------


async def test_check_config_accepts_the_documented_install(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    (tmp_path / "packages").mkdir()
    shutil.copy(PACKAGE, tmp_path / "packages" / PACKAGE.name)
    (tmp_path / "configuration.yaml").write_text(
        "homeassistant:\n  packages: !include_dir_named packages\n", encoding="utf-8"
    )
    hass.config.config_dir = str(tmp_path)

    result = await check_config.async_check_ha_config_file(hass)

    assert result.errors == [], result.error_str
    assert result.warnings == []
    package = load_yaml_dict(PACKAGE)
    assert len(result["automation"]) == len(package["automation"])
    assert set(result["script"]) == set(package["script"])
    assert sum(len(section.get("sensor", [])) for section in result["template"]) == 8


async def test_home_assistant_sets_up_the_package_without_errors(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    await async_setup_package(hass, load_package())
    try:
        package = load_yaml_dict(PACKAGE)
        for domain in ("input_boolean", "input_number", "input_datetime", "input_text"):
            for object_id in package[domain]:
                assert hass.states.get(f"{domain}.{object_id}") is not None, object_id
        for object_id in package["script"]:
            assert hass.states.get(f"script.{object_id}") is not None, object_id
        automations = hass.states.async_all("automation")
        assert len(automations) == len(package["automation"])
        assert {state.state for state in automations} == {"on"}
        # No battery of the list exists here: nothing is usable, nothing fails.
        assert hass.states.get("sensor.marstek_rotation_batteries").state == "0"
        await hass.services.async_call(
            "script", "marstek_rotation_activate_best", {"reason": "test"}, blocking=True
        )
        assert (
            "no battery available"
            in hass.states.get("input_text.marstek_rotation_last_event").state
        )
        assert package_problems(caplog) == []
    finally:
        await async_detach_package(hass)


async def test_first_run_sets_the_defaults_once(hass: HomeAssistant) -> None:
    await async_setup_package(hass, load_package())
    try:
        cooldown = "input_number.marstek_rotation_cooldown"
        assert hass.states.get(cooldown).state == "1.0"  # the minimum: nothing restored

        hass.bus.async_fire("automation_reloaded")
        await hass.async_block_till_done()
        assert hass.states.get(cooldown).state == "5.0"
        assert hass.states.get("input_datetime.marstek_rotation_night_start").state == "01:00:00"
        assert hass.states.get("input_boolean.marstek_rotation_night_charging").state == "on"
        assert hass.states.get("input_text.marstek_rotation_overflow_battery").state == ""
        assert hass.states.get("input_select.marstek_rotation_state").state == "off"

        # A setting the user changed survives the next reload.
        await hass.services.async_call(
            "input_number", "set_value", {"entity_id": cooldown, "value": 9}, blocking=True
        )
        hass.bus.async_fire("automation_reloaded")
        await hass.async_block_till_done()
        assert hass.states.get(cooldown).state == "9.0"
    finally:
        await async_detach_package(hass)


# --- N batteries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "active"),
    [
        pytest.param([A], A, id="one battery"),
        pytest.param([A, C], C, id="two batteries"),
        pytest.param(
            [A, C, "marstek_venuse_0001", "marstek_venuse_0002", "marstek_venuse_0003", B],
            C,
            id="six batteries, three not installed",
        ),
    ],
)
async def test_the_battery_list_decides_which_batteries_rotate(
    household: Household, configured: list[str], active: str
) -> None:
    batteries = [
        {"prefix": prefix, "label": f"Battery {index}", "phase": f"L{index % 3 + 1}"}
        for index, prefix in enumerate(configured, start=1)
    ]
    await household.async_start(socs=(60, 45, 80), package=load_package(batteries=batteries))

    assert household.active == active
    for prefix, battery in zip(HOUSEHOLD_PREFIXES, household.batteries, strict=True):
        expected = "Auto" if prefix == active else "Manual"
        if prefix in configured:
            assert battery.mode == expected, prefix
    assert household.state("sensor.marstek_rotation_batteries") == str(
        len([prefix for prefix in configured if prefix in HOUSEHOLD_PREFIXES])
    )

    await household.async_set_p1(-800)
    await household.async_advance(3 * 60)

    # Export: the emptiest configured battery takes over; one alone stays put; a battery not
    # in the list is never written to.
    emptiest = min(
        (prefix for prefix in configured if prefix in HOUSEHOLD_PREFIXES),
        key=lambda prefix: {A: 60, B: 45, C: 80}[prefix],
    )
    assert household.active == emptiest
    for prefix, battery in zip(HOUSEHOLD_PREFIXES, household.batteries, strict=True):
        if prefix not in configured:
            assert household.set_mode_writes(battery) == [], prefix
    assert household.problems() == []


async def test_dashboard_refers_only_to_things_that_exist(household: Household) -> None:
    await household.async_start(socs=(60, 45, 80))
    hass = household.hass
    view = load_yaml_dict(DASHBOARD)

    checked = 0
    for card in _cards(view):
        entity_ids = [card["entity"]] if "entity" in card else []
        for row in _rows(card):
            if "entity" in row:
                entity_ids.append(row["entity"])
                if row.get("type") == "attribute":
                    state = hass.states.get(row["entity"])
                    assert row["attribute"] in state.attributes, row
            action = row.get("tap_action", {})
            if action.get("action") == "perform-action":
                domain, service = action["perform_action"].split(".")
                assert hass.services.has_service(domain, service), action
                battery = action.get("data", {}).get("battery")
                assert battery is None or battery in HOUSEHOLD_PREFIXES
                checked += 1
        for entity_id in entity_ids:
            assert hass.states.get(entity_id) is not None, entity_id
            checked += 1
        if card["type"] == "markdown":
            rendered = Template(card["content"], hass).async_render(parse_result=False)
            assert "| 🟢 | Fase C | L3 | 80 % | auto |" in rendered, rendered
    assert checked > 50
    assert household.problems() == []
