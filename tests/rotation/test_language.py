"""The package and dashboard in the household's language (nl, fr, de).

Each language file covers every visible text of the shipped files and nothing else; a Dutch
package runs in Home Assistant under the same entity ids as the English one, with Dutch names;
the Dutch dashboard shows Dutch words and decimal commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from homeassistant.helpers.template import Template
from homeassistant.util.yaml import load_yaml_dict, parse_yaml

from custom_components.marstek_rotation.household_files import package_version
from custom_components.marstek_rotation.household_language import (
    RotationWords,
    available_languages,
    rotation_words,
    translate_dashboard,
    translate_package,
    translate_words,
    unquote,
    words_in,
)

from .conftest import DASHBOARD, PACKAGE, Household, load_household
from .test_prices import PRICES
from .test_prices import _dynamic_today as dynamic_today
from .test_prices import _dynamic_tomorrow as dynamic_tomorrow
from .test_prices import _set_prices as set_prices

pytestmark = pytest.mark.freeze_time("2026-03-04 11:00:00+00:00", tick=True)

LANGUAGES = ("de", "fr", "nl")
LABEL_KEYS = ("title", "name", "action_name", "text")
_NAME_LINE = re.compile(r"^\s*(?:- )?name: ([^>|{\s].*?)\s*$")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Words that read the same in every language (units, abbreviations).
SAME_EVERYWHERE = {"kWh", "SOC", "PV", "W"}


def _words(language: str) -> RotationWords:
    words = rotation_words(language)
    assert words is not None, language
    return words


def _package_names(text: str) -> list[str]:
    """The plain `name:` values of a package, in order."""
    return [unquote(m.group(1)) for line in text.splitlines() if (m := _NAME_LINE.match(line))]


def _dashboard_labels(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _dashboard_labels(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in LABEL_KEYS and isinstance(value, str):
                yield value.strip()
            elif key != "content":
                yield from _dashboard_labels(value)


def _markdown(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _markdown(item)
    elif isinstance(node, dict):
        if node.get("type") == "markdown":
            yield node["content"]
        for value in node.values():
            yield from _markdown(value)


def _plain_lines(content: str) -> list[str]:
    """The lines of a markdown card with English words outside any template."""
    without_jinja = _JINJA.sub("", content)
    return [
        line
        for line in without_jinja.split("\n")
        if set(re.findall(r"[A-Za-z]{2,}", re.sub(r"&[a-z]+;", "", line))) - SAME_EVERYWHERE
    ]


def test_english_needs_no_language_file_and_the_three_others_have_one() -> None:
    assert available_languages() == list(LANGUAGES)
    assert rotation_words("en") is None
    assert rotation_words("en-GB") is None
    assert rotation_words("de-CH") == rotation_words("de")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_language_file_covers_every_visible_text_and_nothing_else(language: str) -> None:
    words = _words(language)
    package = PACKAGE.read_text(encoding="utf-8")
    dashboard_text = DASHBOARD.read_text(encoding="utf-8")
    dashboard = load_yaml_dict(DASHBOARD)

    labels = set(_package_names(package)) | set(_dashboard_labels(dashboard))
    assert labels - set(words.labels) == set(), "labels without a translation"
    assert set(words.labels) - labels == set(), "translations of labels no file has"

    lines = {line for content in _markdown(dashboard) for line in _plain_lines(content)}
    assert lines - set(words.lines) == set(), "markdown lines without a translation"
    assert set(words.lines) - lines == set(), "translations of lines no card has"

    keys = {key for found in words_in(package) + words_in(dashboard_text) for key in found}
    assert keys - {"decimal"} - set(words.words) == set(), "words without a translation"
    assert set(words.words) - keys == set(), "translations of words no template has"
    assert words.decimal == ","
    assert "{n}" in words.words["empty_slot"]
    assert len(words.words["weekdays"].split(" ")) == 7
    # The notification's title tells the household file from the night times by this name.
    assert "marstek_rotation_household.yaml" in words.words["fix_household"]
    # Every {placeholder} of the English text, and no other.
    english = {key: value for found in words_in(package) + words_in(dashboard_text)
               for key, value in found.items()}  # fmt: skip
    for key, translated in words.words.items():
        assert sorted(re.findall(r"\{\w+\}", translated)) == sorted(
            re.findall(r"\{\w+\}", english[key])
        ), key


def test_the_words_are_written_back_in_the_layout_they_were_read_in() -> None:
    """English words put back unchanged give the shipped files byte for byte."""
    english = RotationWords(language="en", decimal=".")
    for path in (PACKAGE, DASHBOARD):
        text = path.read_text(encoding="utf-8")
        assert words_in(text)
        assert translate_words(text, english) == text, path


def test_a_word_means_one_thing_wherever_it_is_used() -> None:
    """A language file gives one translation per key: a key must not carry two texts."""
    texts: dict[str, set[str]] = {}
    for path in (PACKAGE, DASHBOARD):
        for found in words_in(path.read_text(encoding="utf-8")):
            for key, value in found.items():
                texts.setdefault(key, set()).add(value)
    assert {key: values for key, values in texts.items() if len(values) > 1} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_translated_files_keep_their_version_ids_and_form(language: str) -> None:
    words = _words(language)
    english = PACKAGE.read_text(encoding="utf-8")
    translated = translate_package(english, words)

    assert package_version(translated) == package_version(english)
    assert translated.count("\n") == english.count("\n")
    package = parse_yaml(translated)
    assert isinstance(package, dict)
    assert set(package) == set(parse_yaml(english))  # type: ignore[arg-type]
    assert _package_names(translated) == [words.labels[name] for name in _package_names(english)]
    # Template entities carry their id: a translated name does not become the entity id.
    for block in package["template"]:
        for domain in ("sensor", "binary_sensor"):
            for entity in block.get(domain, []):
                assert entity["default_entity_id"].startswith(f"{domain}.marstek_rotation_")

    dashboard = translate_dashboard(load_yaml_dict(DASHBOARD), words)
    leftover = set(_dashboard_labels(dashboard)) & set(words.labels)
    assert leftover - set(words.labels.values()) == set()
    for content in _markdown(dashboard):
        for line in _plain_lines(content):
            assert line not in words.lines, line


async def test_a_dutch_package_runs_under_the_english_ids_with_dutch_names(
    household: Household,
) -> None:
    words = _words("nl")
    english = parse_yaml(PACKAGE.read_text(encoding="utf-8"))
    assert isinstance(english, dict)
    translated = parse_yaml(translate_package(PACKAGE.read_text(encoding="utf-8"), words))
    assert isinstance(translated, dict)

    await household.async_start(package=translated)
    hass = household.hass

    expected: dict[str, str] = {}  # entity id -> English name
    for block in english["template"]:
        for domain in ("sensor", "binary_sensor"):
            for entity in block.get(domain, []):
                if isinstance(entity.get("name"), str) and "{" not in entity["name"]:
                    expected[entity["default_entity_id"]] = entity["name"]
    for domain in ("input_select", "input_boolean", "input_number", "input_datetime",
                   "input_text", "timer"):  # fmt: skip
        for key, helper in english[domain].items():
            expected[f"{domain}.{key}"] = helper["name"]
    assert len(expected) == 51  # 17 template entities, 34 helpers

    for entity_id, name in expected.items():
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.name == words.labels[name], entity_id
    assert [s.entity_id for s in hass.states.async_all() if "rotatie" in s.entity_id] == []
    # A slot beyond the household is named in Dutch.
    assert hass.states.get("sensor.marstek_rotation_battery_4").name == (
        "Batterijslot 4 (niet in het huishouden)"
    )
    assert household.rotation == "rotating"  # states stay what automations compare with
    assert household.problems() == []
    # The decision's reason, the summaries and the rotation's log speak Dutch.
    decision = "sensor.marstek_rotation_decision"
    assert household.attr(decision, "reason") == "Fase C actief, niets te veranderen"
    assert household.state("input_text.marstek_rotation_last_event").endswith(
        "start: Fase C actief: rotatie aan en het huis vraagt stroom: Fase C (80 %) is de volste"
    )
    summary = household.attr("sensor.marstek_rotation_night_plan", "summary")
    assert re.fullmatch(r"Fase [ABC]: \d+(,\d+)? kWh @ \d+ W( \| .*)?|niets te laden", summary)
    assert household.attr("sensor.marstek_rotation_choices", "summary") == "geen"
    # Surplus: the overflow rule and its log line, in Dutch.
    await household.async_set_p1(-800)
    await household.async_advance(600)
    assert "overloop" in household.attr(decision, "reason")
    assert "overflow" not in household.attr(decision, "reason")  # a waiting rule by its name
    assert "overloop" in household.state("input_text.marstek_rotation_last_event")
    assert household.problems() == []
    # A 12-hour clock slip is reported in Dutch, with the likely fix.
    await hass.services.async_call(
        "input_datetime",
        "set_datetime",
        {"entity_id": "input_datetime.marstek_rotation_night_start", "time": "11:42:00"},
        blocking=True,
    )
    await household.async_advance(120)
    message = household.attr("sensor.marstek_rotation_problems", "message")
    assert message.startswith("Controleer de nachttijden:"), message
    assert "bedoelde je 23:42 als begin nacht? Stel het in op het dashboard (Nachttijden)." in (
        message
    )

    _check_the_dutch_cards(household, words)


def _check_the_dutch_cards(household: Household, words: RotationWords) -> None:
    """The Dutch dashboard's status card: Dutch words, rule names and decimal commas."""
    hass = household.hass
    dashboard = translate_dashboard(load_yaml_dict(DASHBOARD), words)
    status = next(c for c in _markdown(dashboard) if "words.active" in c)
    rendered = Template(status, hass).async_render(parse_result=False, strict=True)
    assert "roteert" in rendered
    assert "| Batterij | SOC | Modus | Vermogen |" in rendered
    assert "Handmatig" in rendered  # the waiting batteries' mode
    rule = household.state("sensor.marstek_rotation_decision")
    assert f"**{words.words['rule_' + rule]}**: " in rendered, (rule, rendered)  # its name
    stored = re.search(r"Opgeslagen \*\*([0-9,.]+)&nbsp;kWh\*\* van ([0-9,.]+)&nbsp;kWh", rendered)
    assert stored is not None, rendered
    assert "." not in stored.group(1) + stored.group(2), rendered
    assert "," in stored.group(2), rendered  # 5,1 + 5,1 + 5,1 kWh rated
    for english_word in ("rotating", " active ", "Stored", "Battery", "writes to one battery"):
        assert english_word not in rendered, english_word
    prices = next(c for c in _markdown(dashboard) if "words.no_tariff" in c)
    rendered = Template(prices, hass).async_render(parse_result=False, strict=True)
    assert rendered.strip().startswith("Geen tarief ingesteld"), rendered


@pytest.mark.freeze_time("2026-03-04 18:50:00+00:00", tick=True)  # Wednesday 19:50, Brussels
async def test_the_dutch_prices_card_shows_dutch_days_and_decimal_commas(
    household: Household,
) -> None:
    set_prices(household, dynamic_today, dynamic_tomorrow)
    await household.async_start(
        socs=(20, 25, 30),
        household=load_household(tariff="dynamic", prices_entity=PRICES),
    )
    await household.async_advance(16 * 60)
    plan = household.hass.states.get("sensor.marstek_rotation_energy_plan")
    assert plan is not None
    assert plan.attributes["status"] == "planned", plan.attributes["reason"]

    dashboard = translate_dashboard(load_yaml_dict(DASHBOARD), _words("nl"))
    card = next(c for c in _markdown(dashboard) if "words.no_tariff" in c)
    # As the frontend's markdown card renders it: strict, an undefined name is an error.
    rendered = Template(card, household.hass).async_render(parse_result=False, strict=True)

    assert "| uur | prijs | plan |" in rendered, rendered
    assert "| wo 21:00 | 0,300 |" in rendered, rendered  # Wednesday, a 0.30 hour
    assert "| do 02:00 | 0,1" in rendered, rendered  # Thursday in the cheap block
    assert "🔌" in rendered, rendered  # the plan's charge blocks are marked
    assert re.search(r"te kopen \*\*\d+,\d+&nbsp;kWh\*\*", rendered), rendered
    assert "Bespaard" in rendered, rendered
    assert "Wed" not in rendered, rendered
