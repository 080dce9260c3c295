"""Translations, icons and services.yaml: what hassfest checks, done offline."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .translation_tree import translation_leaves

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components" / "marstek_rotation"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
LANGUAGES = ("en", "nl", "fr", "de")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _translation(language: str) -> dict[str, Any]:
    path = INTEGRATION / "translations" / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_strings_and_english_translation_are_identical() -> None:
    assert _translation("en") == STRINGS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_same_keys_and_placeholders(language: str) -> None:
    english = translation_leaves(STRINGS)
    translated = translation_leaves(_translation(language))
    assert set(translated) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(translated[key])) == set(PLACEHOLDER.findall(text)), key
        assert translated[key].strip(), f"{language}: {key} is empty"


def _keyword_strings(name: str) -> set[str]:
    """Every string literal passed as keyword `name=` anywhere in the integration's code."""
    found: set[str] = set()
    for path in INTEGRATION.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == name
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def _error_keys_in_code() -> set[str]:
    """Form error keys: CannotProbeError("...") and `{field: "..."}` error dicts."""
    found: set[str] = set()
    source = (INTEGRATION / "config_flow.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "CannotProbeError"
        ):
            found.update(arg.value for arg in node.args if isinstance(arg, ast.Constant))
        if isinstance(node, ast.Dict):
            found.update(
                value.value
                for value in node.values
                if isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and value.value.endswith(("_prefix", "_in_use", "_taken", "_long"))
            )
    return found


ENTITY_KEYS = {key for section in STRINGS["entity"].values() for key in section}


def test_exception_translation_keys_used_in_code_exist() -> None:
    keys = _keyword_strings("translation_key") - ENTITY_KEYS
    keys -= set(STRINGS["issues"]) | set(STRINGS["selector"])
    # What is left is raised: it must be an exception message.
    missing = {key for key in keys if key not in STRINGS["exceptions"]}
    assert not missing, f"translation keys without exceptions.<key>.message: {missing}"


def test_translation_keys_passed_to_exceptions_exist() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in INTEGRATION.glob("*.py"))
    raised = set(re.findall(r'_invalid\(\s*"(\w+)"', source))
    raised |= set(re.findall(r'translation_key="(\w+)"', source))
    raised |= set(re.findall(r'key = "(\w+)"', source))
    known = set(STRINGS["exceptions"]) | set(STRINGS["issues"]) | ENTITY_KEYS
    assert raised - known == set()
    assert {"out_of_range", "write_timeout", "poll_failed"} <= raised


def test_config_flow_errors_and_aborts_exist() -> None:
    errors = _error_keys_in_code()
    assert {"cannot_connect", "not_marstek", "invalid_host", "port_in_use", "unknown"} <= errors
    assert {"prefix_in_use", "entity_ids_taken", "prefix_too_long"} <= errors
    assert errors <= set(STRINGS["config"]["error"])
    source = (INTEGRATION / "config_flow.py").read_text(encoding="utf-8")
    aborts = set(re.findall(r'reason="(\w+)"', source)) | {"already_configured"}
    assert aborts <= set(STRINGS["config"]["abort"])


def test_every_config_flow_form_has_a_title_and_description() -> None:
    source = (INTEGRATION / "config_flow.py").read_text(encoding="utf-8")
    steps = set(re.findall(r'^STEP_\w+ = "(\w+)"', source, re.MULTILINE))
    steps |= set(re.findall(r'step_id="(\w+)"', source)) - {"init"}  # init: the options flow
    # Why discovery offered no battery is said by these forms' descriptions.
    assert {"manual_nothing_found", "manual_all_configured", "manual_port_in_use"} <= steps
    for step in steps:
        texts = STRINGS["config"]["step"][step]
        assert texts["title"], step
        assert texts["description"], step


def test_discovery_notes_are_no_form_errors() -> None:
    # Home Assistant shows form errors in red: nothing answering a search is no error.
    notes = {"nothing_found", "all_configured", "discovery_port_in_use"}
    assert not notes & set(STRINGS["config"]["error"])


def test_every_entity_description_has_a_name() -> None:
    keys = _keyword_strings("translation_key")
    for section, entries in STRINGS["entity"].items():
        for key, value in entries.items():
            assert value["name"], f"entity.{section}.{key} has no name"
    # Dynamically built keys (CT sensors) are checked by the entity tests.
    assert {
        "state_of_charge",
        "operating_mode",
        "passive_power",
        "connection",
    } <= keys & ENTITY_KEYS


def test_icons_refer_to_existing_entities_and_services() -> None:
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    for section, entries in icons["entity"].items():
        assert set(entries) <= set(STRINGS["entity"][section]), section
    assert set(icons["services"]) == set(STRINGS["services"])


def test_services_yaml_fields_are_translated() -> None:
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    assert set(services) == set(STRINGS["services"])
    for name, spec in services.items():
        fields = set((spec or {}).get("fields", {}))
        assert fields == set(STRINGS["services"][name].get("fields", {})), name
        assert STRINGS["services"][name]["description"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_exception_is_a_message_entry(language: str) -> None:
    # Home Assistant looks up exceptions.<key>.message; a bare string is never shown.
    for key, value in _translation(language)["exceptions"].items():
        assert isinstance(value, dict), f"{language}: exceptions.{key}"
        assert set(value) == {"message"}, f"{language}: exceptions.{key}"
