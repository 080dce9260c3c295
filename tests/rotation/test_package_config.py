"""The package files as files: they parse, Home Assistant accepts them, the style rules hold
(modern syntax, the household in its own file, no device ids), defaults are written once, and
the decision sits in one place.
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
from homeassistant.util.yaml import load_yaml_dict

from .conftest import (
    DASHBOARD,
    HOUSEHOLD,
    HOUSEHOLD_PREFIXES,
    PACKAGE,
    PACKAGE_DOMAINS,
    async_detach_package,
    async_setup_package,
    load_household,
    load_package,
    package_problems,
)

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every (path, key, value) in a nested YAML structure."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def _code(path: Path) -> str:
    """The file without its comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


# --- the files ------------------------------------------------------------------------------


def test_package_and_household_are_plain_yaml_of_the_package_domains() -> None:
    for path in (PACKAGE, HOUSEHOLD):
        text = _code(path)
        assert "!include" not in text, path
        assert "!secret" not in text, path
    # `logbook:` only keeps the package's internal entities out of the Activity page.
    assert set(load_package()) == {*PACKAGE_DOMAINS, "logbook"}
    # The household file holds only the household block and the sensor that hands it over.
    household = load_yaml_dict(HOUSEHOLD)
    assert list(household) == ["template"]
    [block] = household["template"]
    assert set(block["variables"]) == {"batteries", "p1_sensor", "weather_entity", "tariff"}
    assert [sensor["unique_id"] for sensor in block["sensor"]] == ["marstek_rotation_household"]


def test_package_uses_modern_syntax() -> None:
    package = load_package()
    for path, key, _value in _walk(package):
        # A call_service event's own field is called `service` (a person's choice listens to it).
        assert key != "service" or path.endswith("/event_data"), f"legacy `service:` at {path}"
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


def test_the_package_names_no_battery_meter_or_weather_entity() -> None:
    """Replacing the package file on upgrade cannot lose a household setting."""
    package = _code(PACKAGE)
    household = _code(HOUSEHOLD)
    for name in (*HOUSEHOLD_PREFIXES, "sensor.p1_meter_power", "weather.forecast_home"):
        assert name not in package, name
        assert len(re.findall(rf"\b{re.escape(name)}\b", household)) == 1, name
    for text in (package, household):
        assert "device_id" not in text
        assert not re.search(r"\b[0-9a-f]{32}\b", text), "a hard-coded device id"


def test_defaults_are_written_once() -> None:
    """The settings section holds every default; nothing else repeats one."""
    package = load_package()
    defaults = package["template"][0]["variables"]["defaults"]
    assert set(defaults["numbers"]) == {
        name.removeprefix("marstek_rotation_") for name in package["input_number"]
    }
    assert set(defaults["times"]) | {"last_switch"} == {
        name.removeprefix("marstek_rotation_") for name in package["input_datetime"]
    }
    assert set(defaults["switches"]) | {"initialised"} == {
        name.removeprefix("marstek_rotation_") for name in package["input_boolean"]
    }
    text = _code(PACKAGE)
    for name, value in defaults["numbers"].items():
        # Reading a setting never falls back to a default of its own, e.g. | float(95).
        reads = re.findall(rf"marstek_rotation_{name}'\) \| (?:float|int)\(([^)]*)\)", text)
        assert reads == [], (name, value, reads)


def test_one_automation_acts_on_one_decision() -> None:
    """A reader finds which rule decides a switch in one place: the decision's rule list."""
    package = load_package()
    writers = [
        automation["id"]
        for automation in package["automation"]
        if "script.marstek_rotation_activate" in str(automation["actions"])
    ]
    # Only the actuator: a person's choice on the dashboard is a rule (`choice`) too.
    assert writers == ["marstek_rotation_act"]
    [decision] = [
        section
        for section in package["template"]
        if any(s.get("unique_id") == "marstek_rotation_decision" for s in section.get("sensor", []))
    ]
    rules = re.findall(r"offer\('(\w+)'", decision["variables"]["decision"])
    assert rules == [
        "night_start",
        "morning",
        "choice",
        "start",
        "lost",
        "pause",
        "full",
        "final_fill",
        "low",
        "surplus",
        "demand",
        "repair",
        "overflow_stop",
        "overflow_start",
        "resume",
    ]
    # Only two scripts talk to the batteries.
    talkers = {
        name
        for name, script in package["script"].items()
        if re.search(r"select\.select_option|marstek_rotation\.set_manual_schedule", str(script))
    }
    assert talkers == {"marstek_rotation_set_mode", "marstek_rotation_write_slot"}


def test_every_helper_and_script_is_used() -> None:
    package = load_package()
    text = _code(PACKAGE)
    dashboard = _code(DASHBOARD)
    # Definitions name only the object id: every full entity id in the text is a use.
    for domain in ("input_boolean", "input_number", "input_datetime", "input_text", "timer"):
        for object_id in package[domain]:
            entity_id = f"{domain}.{object_id}"
            assert re.search(rf"{re.escape(entity_id)}\b", text) or object_id.removeprefix(
                "marstek_rotation_"
            ) in str(package["template"][0]["variables"]), f"{entity_id} is never used"
    for object_id in package["script"]:
        uses = text.count(f"script.{object_id}") + dashboard.count(f"script.{object_id}")
        assert uses >= 1, f"script.{object_id} is never called"


# --- Home Assistant ----------------------------------------------------------------------


async def test_check_config_accepts_the_documented_install(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    (tmp_path / "packages").mkdir()
    for path in (PACKAGE, HOUSEHOLD):
        shutil.copy(path, tmp_path / "packages" / path.name)
    (tmp_path / "configuration.yaml").write_text(
        "homeassistant:\n  packages: !include_dir_named packages\n", encoding="utf-8"
    )
    hass.config.config_dir = str(tmp_path)

    result = await check_config.async_check_ha_config_file(hass)

    assert result.errors == [], result.error_str
    assert result.warnings == []
    package = load_package()
    assert len(result["automation"]) == len(package["automation"])
    assert set(result["script"]) == set(package["script"])


async def test_home_assistant_sets_up_the_package_without_errors(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    await async_setup_package(hass)
    try:
        package = load_package()
        for domain in ("input_boolean", "input_number", "input_datetime", "input_text"):
            for object_id in package[domain]:
                assert hass.states.get(f"{domain}.{object_id}") is not None, object_id
        for object_id in package["script"]:
            assert hass.states.get(f"script.{object_id}") is not None, object_id
        automations = hass.states.async_all("automation")
        assert len(automations) == len(package["automation"])
        assert {state.state for state in automations} == {"on"}
        # No battery of the household exists here: nothing is usable, nothing fails.
        assert hass.states.get("sensor.marstek_rotation_batteries").state == "0"
        await hass.services.async_call(
            "script", "marstek_rotation_activate", {"rule": "test"}, blocking=True
        )
        assert (
            "test: no battery not available"
            in hass.states.get("input_text.marstek_rotation_last_event").state
        )
        assert package_problems(caplog) == []
    finally:
        await async_detach_package(hass)


async def test_every_entity_of_the_package_has_a_name_of_its_own(hass: HomeAssistant) -> None:
    """Settings and pickers list entities by name: two alike (the active battery's record and
    its sensor were both "Marstek rotation active battery") cannot be told apart."""
    await async_setup_package(hass)
    try:
        seen: dict[str, str] = {}
        for state in hass.states.async_all():
            if "marstek_rotation" not in state.entity_id:
                continue
            name = state.name.casefold()
            assert name not in seen, (state.entity_id, seen.get(name), state.name)
            seen[name] = state.entity_id
        assert len(seen) > 50
    finally:
        await async_detach_package(hass)


async def test_first_run_sets_the_defaults_once(hass: HomeAssistant) -> None:
    await async_setup_package(hass)
    try:
        cooldown = "input_number.marstek_rotation_cooldown"
        assert hass.states.get(cooldown).state == "1.0"  # the minimum: nothing restored

        hass.bus.async_fire("automation_reloaded")
        await hass.async_block_till_done()
        assert hass.states.get(cooldown).state == "5.0"
        assert hass.states.get("input_datetime.marstek_rotation_night_start").state == "01:00:00"
        assert hass.states.get("input_boolean.marstek_rotation_night_charging").state == "on"
        assert hass.states.get("input_boolean.marstek_rotation_weekend_times").state == "off"
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


def test_household_file_documents_both_meters() -> None:
    """The DSMR pair is there to switch to (commented), next to the single signed sensor."""
    text = HOUSEHOLD.read_text(encoding="utf-8")
    assert "# p1_import_sensor: sensor.electricity_meter_power_consumption" in text
    assert "# p1_export_sensor: sensor.electricity_meter_power_production" in text
    assert load_household(p1_sensor="sensor.x")["template"][0]["variables"]["p1_sensor"] == (
        "sensor.x"
    )
