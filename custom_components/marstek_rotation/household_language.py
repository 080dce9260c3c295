"""The rotation package and dashboard in the household's language.

The shipped files are English and stay valid for a manual install. Their visible texts come in
three forms, and `rotation/languages/<language>.yaml` has a section for each:

* `labels`: a whole value: a `name:` of the package (entities, helpers, script fields), and a
  dashboard card's `title`, row `name`, button `action_name` or confirmation `text`.
* `lines`: a whole line of a dashboard markdown card with no template in it.
* `words`: the values of a template's `{% set words = {...} %}` line, by key. Templates build
  their sentences from these, so the Jinja is written once, in English, and a language only
  supplies the words (with `decimal`, its decimal separator).

Entity ids do not depend on any of it: the package's template entities carry
`default_entity_id`, helpers are named by their keys.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from homeassistant.util.yaml import parse_yaml

LANGUAGES_FOLDER = Path(__file__).resolve().parent / "rotation" / "languages"

# `name: value` on one line (a plain or quoted scalar, not a block or a template).
_NAME_LINE = re.compile(r"^(?P<lead>\s*(?:- )?name: )(?P<value>[^>|{\s].*?)\s*$")
# A template's words: `{% set words = {...} %}` (with or without whitespace control), on one
# line or with one entry per line.
WORDS_LINE = re.compile(
    r"(?P<lead>\{%-?\s*set words = )(?P<words>\{.*?\})(?P<tail>\s*-?%\})", re.DOTALL
)
# A decimal point between digits, and English weekday names (as strftime's %a writes them).
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_ENGLISH_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_WEEKDAY = re.compile(r"\b(" + "|".join(_ENGLISH_WEEKDAYS) + r")\b")
# Card keys whose whole value is a visible text.
_LABEL_KEYS = ("title", "name", "action_name", "text")


@dataclass(frozen=True, slots=True)
class RotationWords:
    """One language's texts for the package and the dashboard (see the module's docstring)."""

    language: str
    decimal: str
    labels: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)


def available_languages() -> list[str]:
    """The languages the package and dashboard can be written in, besides English."""
    return sorted(path.stem for path in LANGUAGES_FOLDER.glob("*.yaml"))


@cache
def rotation_words(language: str) -> RotationWords | None:
    """The texts for Home Assistant's `language` ("nl", "de-CH"), None for English or unknown.

    Blocking (reads a file the first time): run it in the executor. Each language is read
    once: the energy plan asks for it at every plan, and the files change only with the
    integration (which needs a restart).
    """
    base = language.split("-", maxsplit=1)[0].lower()
    path = LANGUAGES_FOLDER / f"{base}.yaml"
    if not path.is_file():
        return None
    loaded = parse_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):  # pragma: no cover - tests read every shipped file
        msg = f"{path} is not a mapping"
        raise TypeError(msg)
    return RotationWords(
        language=base,
        decimal=str(loaded.get("decimal", ".")),
        labels=_strings(loaded.get("labels")),
        lines=_strings(loaded.get("lines")),
        words=_strings(loaded.get("words")),
    )


def localise(value: str, words: RotationWords) -> str:
    """An English-written value ("2.42", "Sun 01:00-04:00") in `words`' language.

    Its decimal separator and weekday names; nothing else changes.
    """
    names = dict(zip(_ENGLISH_WEEKDAYS, words.words["weekdays"].split(" "), strict=True))
    with_days = _WEEKDAY.sub(lambda match: names[match.group(1)], value)
    return _DECIMAL.sub(words.decimal, with_days)


def _strings(section: Any) -> dict[str, str]:
    return {str(key): str(value) for key, value in (section or {}).items()}


def words_in(text: str) -> list[dict[str, str]]:
    """Every `{% set words = {...} %}` dictionary in a template text, in order."""
    return [_parse_words(match.group("words")) for match in WORDS_LINE.finditer(text)]


def _parse_words(literal: str) -> dict[str, str]:
    parsed = ast.literal_eval(literal)
    if not isinstance(parsed, dict):  # pragma: no cover - tests read every shipped file
        msg = f"not a dictionary of words: {literal}"
        raise TypeError(msg)
    return {str(key): str(value) for key, value in parsed.items()}


def translate_words(text: str, words: RotationWords) -> str:
    """Replace the values of every words dictionary in `text` (keys stay)."""

    def replace(match: re.Match[str]) -> str:
        english = _parse_words(match.group("words"))
        translated = {
            key: words.decimal if key == "decimal" else words.words.get(key, value)
            for key, value in english.items()
        }
        literal = match.group("words")
        # The same layout: one line, or one entry per line at the second line's indentation.
        separator = ", "
        if "\n" in literal:
            second = literal.split("\n", 2)[1]
            separator = ",\n" + second[: len(second) - len(second.lstrip())]
        body = separator.join(f"{key!r}: {value!r}" for key, value in translated.items())
        return f"{match.group('lead')}{{{body}}}{match.group('tail')}"

    return WORDS_LINE.sub(replace, text)


def translate_package(text: str, words: RotationWords) -> str:
    """The package text with its names and template words in `words`' language."""
    lines = [_translate_name(line, words) for line in text.splitlines(keepends=True)]
    return translate_words("".join(lines), words)


def _translate_name(line: str, words: RotationWords) -> str:
    """A `name:` line with its value translated (JSON quoting is valid YAML); others as they are."""
    match = _NAME_LINE.match(line.rstrip("\n"))
    if match is None:
        return line
    value = unquote(match.group("value"))
    if value not in words.labels:
        return line
    ending = "\n" if line.endswith("\n") else ""
    translated = json.dumps(words.labels[value], ensure_ascii=False)
    return f"{match.group('lead')}{translated}{ending}"


def unquote(value: str) -> str:
    """A YAML scalar's text without the quotes around it."""
    if value[:1] in ("'", '"') and value.endswith(value[0]) and len(value) > 1:
        return value[1:-1]
    return value


def translate_dashboard(config: Any, words: RotationWords) -> Any:
    """A copy of the dashboard configuration with its texts in `words`' language."""
    if isinstance(config, list):
        return [translate_dashboard(item, words) for item in config]
    if not isinstance(config, dict):
        return config
    translated: dict[str, Any] = {}
    for key, value in config.items():
        if key in _LABEL_KEYS and isinstance(value, str):
            translated[key] = words.labels.get(value.strip(), value)
        elif key == "content" and isinstance(value, str):
            translated[key] = _translate_markdown(value, words)
        else:
            translated[key] = translate_dashboard(value, words)
    return translated


def _translate_markdown(content: str, words: RotationWords) -> str:
    lines = [words.lines.get(line, line) for line in content.split("\n")]
    return translate_words("\n".join(lines), words)
