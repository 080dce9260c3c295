"""The rotation package with the household's own block filled in, as a user edits it.

The package names the batteries, the P1 meter and the weather entity in one place: the
`batteries`, `p1_sensor` and `weather_entity` variables of its first `template:` section, and,
for a household on a dynamic contract, `tariff` and `prices_entity`. This module rewrites exactly
those lines of a copy (adding the last two at the end of the block when the package has no line
for them) and leaves every other line (and comment) alone, then reads the copy back to prove the
household came out as intended. If the package's layout
changes so that the block cannot be found, it says so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from pathlib import Path


class PackageLayoutError(RuntimeError):
    """The package no longer has the household block where this module expects it."""


@dataclass(frozen=True, slots=True)
class HouseholdBattery:
    """One battery of the household block."""

    prefix: str
    label: str
    phase: str


@dataclass(frozen=True, slots=True)
class Household:
    """Everything the household block names."""

    batteries: tuple[HouseholdBattery, ...]
    p1_sensor: str
    weather_entity: str
    # The energy contract: "none" (no price source), or e.g. "dynamic" with the sensor that
    # holds the day-ahead prices. Written only when set; a block without them reads as these.
    tariff: str = "none"
    prices_entity: str = ""


_DEFAULT_TARIFF = "none"


class _AnyTagLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Reads Home Assistant YAML, keeping `!tag value` as plain values."""


def _tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTagLoader.add_multi_constructor("!", _tagged)


def load_yaml(text: str) -> Any:
    """Parse Home Assistant YAML for inspection (tags are read as plain values)."""
    return yaml.load(text, Loader=_AnyTagLoader)  # noqa: S506


def _key_line(lines: list[str], key: str) -> tuple[int, int]:
    """(index, indent) of the first line that is exactly ``key:`` with optional value."""
    pattern = re.compile(rf"^(\s*){re.escape(key)}:(\s.*)?$")
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            return index, len(match.group(1))
    msg = f"no `{key}:` line in the package"
    raise PackageLayoutError(msg)


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _block_items(lines: list[str], start: int, indent: int) -> tuple[int, int]:
    """[first, end) of the items nested under the key on line ``start``.

    Comments and blank lines before the first item and after the last one are left out, so
    that rewriting the items keeps them.
    """
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        end += 1
    first = start + 1
    while first < end and _is_filler(lines[first]):
        first += 1
    while end > first and _is_filler(lines[end - 1]):
        end -= 1
    return first, end


def _batteries_yaml(batteries: tuple[HouseholdBattery, ...], indent: int) -> list[str]:
    pad = " " * (indent + 2)
    out = []
    for battery in batteries:
        out.append(f"{pad}- prefix: {battery.prefix}")
        out.append(f"{pad}  label: {battery.label}")
        out.append(f"{pad}  phase: {battery.phase}")
    return out


def _variables_end(lines: list[str], start: int, indent: int) -> int:
    """Index after the last item of the variables block that has a key at line ``start``.

    The block's keys are at ``indent``; comments and blank lines after its last item are left
    out, so that a line added there stays with the block.
    """
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not _is_filler(line) and len(line) - len(line.lstrip()) < indent:
            break
        end += 1
    while end > start + 1 and _is_filler(lines[end - 1]):
        end -= 1
    return end


def _set_optional_variable(lines: list[str], key: str, value: str, *, written: bool) -> None:
    """Set ``key`` in the variables block.

    Its line is rewritten if the package has one; otherwise a line is added at the block's end,
    unless ``written`` is false (a default value needs no line).
    """
    start, indent = _key_line(lines, "batteries")
    end = _variables_end(lines, start, indent)
    # Only inside the block: the package's sensor may have an attribute of the same name.
    pattern = re.compile(rf"^ {{{indent}}}{re.escape(key)}:(\s.*)?$")
    line = f"{' ' * indent}{key}: {value}"
    for index in range(start, end):
        if pattern.match(lines[index]):
            lines[index] = line
            return
    if written:
        lines.insert(end, line)


def fill_household(text: str, household: Household) -> str:
    """The package text with its household block set to ``household``."""
    lines = text.splitlines()
    start, indent = _key_line(lines, "batteries")
    first, end = _block_items(lines, start, indent)
    lines[first:end] = _batteries_yaml(household.batteries, indent)
    for key, value in (
        ("p1_sensor", household.p1_sensor),
        ("weather_entity", household.weather_entity),
    ):
        index, key_indent = _key_line(lines, key)
        lines[index] = f"{' ' * key_indent}{key}: {value}"
    _set_optional_variable(
        lines, "tariff", household.tariff, written=household.tariff != _DEFAULT_TARIFF
    )
    _set_optional_variable(
        lines,
        "prices_entity",
        household.prices_entity or '""',
        written=bool(household.prices_entity),
    )
    filled = "\n".join(lines) + "\n"
    check_household(filled, household)
    return filled


def read_household(text: str) -> Household:
    """The household block of a package, read back through YAML."""
    document = load_yaml(text)
    try:
        variables = document["template"][0]["variables"]
        batteries = tuple(
            HouseholdBattery(str(b["prefix"]), str(b["label"]), str(b["phase"]))
            for b in variables["batteries"]
        )
        return Household(
            batteries,
            str(variables["p1_sensor"]),
            str(variables["weather_entity"]),
            # Absent (or empty) in a household without a price source.
            tariff=str(variables.get("tariff") or _DEFAULT_TARIFF),
            prices_entity=str(variables.get("prices_entity") or ""),
        )
    except (KeyError, IndexError, TypeError) as err:
        msg = f"the household block is not where expected ({err!r})"
        raise PackageLayoutError(msg) from None


def check_household(text: str, household: Household) -> None:
    """Raise PackageLayoutError unless ``text`` holds exactly ``household``."""
    found = read_household(text)
    if found != household:
        msg = f"the household block reads back as {found}, not {household}"
        raise PackageLayoutError(msg)


def install_packages(source: Path, target: Path, household: Household) -> list[Path]:
    """Copy every package from ``source`` to ``target``; the one with the block gets filled."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    filled_any = False
    for package in sorted(source.glob("*.yaml")):
        text = package.read_text(encoding="utf-8")
        if re.search(r"^\s*batteries:\s*$", text, re.MULTILINE) and "p1_sensor:" in text:
            text = fill_household(text, household)
            filled_any = True
        destination = target / package.name
        destination.write_text(text, encoding="utf-8")
        written.append(destination)
    if not filled_any:
        msg = f"no package in {source} has a household block (batteries, p1_sensor)"
        raise PackageLayoutError(msg)
    return written
