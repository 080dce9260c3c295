"""Every translation parsed the way the frontend parses it (ICU message format, FormatJS).

The frontend shows "Translation error: UNCLOSED_TAG" (or another kind) instead of a text it
cannot parse; `sensor.<prefix>_state_of_charge` in a description did exactly that. These tests
parse strings.json and translations/*.json with the same grammar (icu_message.py) and refuse:
what does not parse, any tag, a placeholder hidden in quotes (shown as literal `{name}`),
placeholders that differ between languages, and `[%key:...]` references (only Home
Assistant's own build resolves them; a custom integration would show them raw).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .icu_message import IcuError, parse
from .translation_tree import translation_leaves

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "marstek_rotation"
SOURCES = [INTEGRATION / "strings.json", *sorted((INTEGRATION / "translations").glob("*.json"))]
TRANSLATIONS = [path for path in SOURCES if path.parent.name == "translations"]


def strings_of(path: Path) -> dict[str, str]:
    return translation_leaves(json.loads(path.read_text(encoding="utf-8")))


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_every_string_renders_without_a_translation_error(source: Path) -> None:
    failures = []
    for key, text in strings_of(source).items():
        try:
            parse(text)
        except IcuError as err:
            failures.append(f"{key}: Translation error: {err.kind} in {text!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_no_string_has_a_tag(source: Path) -> None:
    tagged = {
        key: sorted(parsed.tags)
        for key, text in strings_of(source).items()
        if (parsed := _parsed_or_none(text)) is not None and parsed.tags
    }
    assert not tagged, f"tags the frontend would try to render: {tagged}"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_no_placeholder_is_hidden_in_quotes(source: Path) -> None:
    hidden = {
        key: parsed.quoted
        for key, text in strings_of(source).items()
        if (parsed := _parsed_or_none(text)) is not None
        and any("{" in part for part in parsed.quoted)
    }
    assert not hidden, f"an apostrophe before '{{' shows the placeholder literally: {hidden}"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_no_unresolved_key_references(source: Path) -> None:
    references = {key: text for key, text in strings_of(source).items() if "[%key:" in text}
    assert not references, f"[%key:...] is not resolved for custom integrations: {references}"


@pytest.mark.parametrize("translation", TRANSLATIONS, ids=_name)
def test_placeholders_are_the_same_in_every_language(translation: Path) -> None:
    english = strings_of(INTEGRATION / "strings.json")
    translated = strings_of(translation)
    differ = {}
    for key, text in english.items():
        if key not in translated:
            continue  # a missing key falls back to English; test_translations.py requires all
        ours = _arguments(text)
        theirs = _arguments(translated[key])
        if ours != theirs:
            differ[key] = {"en": sorted(ours), translation.stem: sorted(theirs)}
    assert not differ, f"placeholders differ from English: {differ}"


def _parsed_or_none(text: str) -> Any:
    try:
        return parse(text)
    except IcuError:
        return None  # reported by the first test


def _arguments(text: str) -> set[str]:
    parsed = _parsed_or_none(text)
    return set() if parsed is None else set(parsed.arguments)


# --- the parser itself: it must find what the frontend rejects, and only that ---------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Entity ids look like sensor.<prefix>_state_of_charge.", "UNCLOSED_TAG"),
        ("<b>bold</i>", "UNMATCHED_CLOSING_TAG"),
        ("text </b>", "UNMATCHED_CLOSING_TAG"),
        ("<b x>", "INVALID_TAG"),
        ("a {} b", "EMPTY_ARGUMENT"),
        ("a {name", "EXPECT_ARGUMENT_CLOSING_BRACE"),
        ("a {first name}", "MALFORMED_ARGUMENT"),
        ("{n, bogus}", "INVALID_ARGUMENT_TYPE"),
        ("{n, number,}", "EXPECT_ARGUMENT_STYLE"),
        ("{n, plural, one {# battery}}", "MISSING_OTHER_CLAUSE"),
        ("{n, plural, one {a} one {b} other {c}}", "DUPLICATE_SELECT_ARGUMENT_SELECTOR"),
        ("{n, select, a b}", "EXPECT_SELECT_ARGUMENT_SELECTOR_FRAGMENT"),
    ],
)
def test_the_parser_rejects_what_the_frontend_rejects(text: str, kind: str) -> None:
    with pytest.raises(IcuError) as caught:
        parse(text)
    assert caught.value.kind == kind


@pytest.mark.parametrize(
    ("text", "arguments", "tags"),
    [
        ("Battery {name} at {host}:{port}", {"name", "host", "port"}, set()),
        ("It's {count, plural, one {# battery} other {# batteries}}", {"count"}, set()),
        ("{mode, select, auto {Auto} other {{mode}}}", {"mode"}, set()),
        ("{power, number} W and { spaced }", {"power", "spaced"}, set()),
        ("SOC < 10 % and 3<4, a } alone", set(), set()),
        ("don't, l'appareil, ''quoted''", set(), set()),
        ("<b>bold</b> and <br/>", set(), {"b", "br"}),
    ],
)
def test_the_parser_accepts_what_the_frontend_renders(
    text: str, arguments: set[str], tags: set[str]
) -> None:
    parsed = parse(text)
    assert parsed.arguments == arguments
    assert parsed.tags == tags


def test_the_parser_sees_placeholders_hidden_in_quotes() -> None:
    parsed = parse("Show '{name}' as it is, and {host}")
    assert parsed.arguments == {"host"}
    assert parsed.quoted == ["{name}"]
