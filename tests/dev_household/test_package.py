"""The household block of the rotation package, filled in as a user edits it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dev_household.household import DevHousehold, Options
from dev_household.package import (
    Household,
    HouseholdBattery,
    PackageLayoutError,
    fill_household,
    install_packages,
    load_yaml,
    read_household,
)

REPO = Path(__file__).resolve().parents[2]
ROTATION = REPO / "custom_components" / "marstek_rotation" / "rotation"

PACKAGE = """\
# a comment that stays
template:
  - variables:
      # 1 to 6 batteries
      batteries:
        # prefix, label, phase
        - prefix: old_one
          label: Old
          phase: L1

      # the meter
      p1_sensor: sensor.old_meter
      weather_entity: weather.old
    sensor:
      - name: Household
        state: "{{ batteries | count }}"
"""

SIX = Household(
    tuple(HouseholdBattery(f"marstek_venuse_{n:04x}", f"Battery {n}", "L1") for n in range(6)),
    "sensor.p1_meter_power",
    "weather.forecast_home",
)
# The development household: a dynamic contract with the simulator's day-ahead prices.
DYNAMIC = dataclasses.replace(SIX, tariff="dynamic", prices_entity="sensor.day_ahead_prices")

# A package that already has the contract keys, and a sensor attribute of the same name.
WITH_TARIFF = PACKAGE.replace(
    "      weather_entity: weather.old\n",
    "      weather_entity: weather.old\n"
    "      # the contract\n"
    "      tariff: none\n"
    "      prices_entity:\n",
).replace(
    '        state: "{{ batteries | count }}"\n',
    '        state: "{{ batteries | count }}"\n'
    "        attributes:\n"
    "          tariff: \"{{ tariff | default('none') }}\"\n",
)


def test_fill_rewrites_only_the_block_and_keeps_the_rest() -> None:
    filled = fill_household(PACKAGE, SIX)
    assert read_household(filled) == SIX
    for kept in ("# a comment that stays", "# 1 to 6 batteries", "# prefix, label, phase",
                 "# the meter", '"{{ batteries | count }}"'):  # fmt: skip
        assert kept in filled
    assert "old_one" not in filled
    assert "sensor.old_meter" not in filled


def test_filling_twice_gives_the_same_text() -> None:
    once = fill_household(PACKAGE, SIX)
    assert fill_household(once, SIX) == once


def test_a_package_without_the_block_is_refused() -> None:
    with pytest.raises(PackageLayoutError, match="batteries"):
        fill_household("template:\n  - sensor: []\n", SIX)


def test_install_fills_the_repository_package_with_the_household(tmp_path: Path) -> None:
    written = install_packages(ROTATION / "packages", tmp_path, SIX)
    assert {path.name for path in written} == {
        p.name for p in (ROTATION / "packages").glob("*.yaml")
    }
    assert [read_household_or_none(path) for path in written].count(SIX) == 1


def test_install_refuses_a_folder_without_a_household(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "other.yaml").write_text("input_boolean:\n  x:\n", encoding="utf-8")
    with pytest.raises(PackageLayoutError, match="no package"):
        install_packages(source, tmp_path / "out", SIX)


def read_household_or_none(path: Path) -> Household | None:
    try:
        return read_household(path.read_text(encoding="utf-8"))
    except PackageLayoutError:
        return None


def test_a_block_without_a_contract_reads_as_none() -> None:
    household = read_household(PACKAGE)
    assert (household.tariff, household.prices_entity) == ("none", "")
    filled = fill_household(PACKAGE, SIX)
    assert "tariff" not in filled  # defaults add no lines
    assert "prices_entity" not in filled


def test_a_dynamic_contract_is_added_at_the_end_of_the_block() -> None:
    filled = fill_household(PACKAGE, DYNAMIC)
    assert read_household(filled) == DYNAMIC
    lines = filled.splitlines()
    at = lines.index("      weather_entity: weather.forecast_home")
    assert lines[at + 1 : at + 4] == [
        "      tariff: dynamic",
        "      prices_entity: sensor.day_ahead_prices",
        "    sensor:",
    ]
    assert fill_household(filled, DYNAMIC) == filled


def test_existing_contract_lines_are_rewritten_in_place() -> None:
    filled = fill_household(WITH_TARIFF, DYNAMIC)
    assert read_household(filled) == DYNAMIC
    assert "      # the contract\n      tariff: dynamic\n" in filled
    assert filled.count("prices_entity") == 1
    # The sensor's attribute of the same name is not the household's line.
    assert "          tariff: \"{{ tariff | default('none') }}\"" in filled
    back = fill_household(filled, SIX)
    assert read_household(back) == SIX
    assert "      tariff: none\n" in back


def test_install_fills_the_repository_package_with_a_dynamic_contract(tmp_path: Path) -> None:
    written = install_packages(ROTATION / "packages", tmp_path, DYNAMIC)
    assert [read_household_or_none(path) for path in written].count(DYNAMIC) == 1


def test_the_development_household_writes_its_contract_and_price_source(tmp_path: Path) -> None:
    household = DevHousehold(Options(state_dir=tmp_path, simulator_port=18300))
    household.prepare_config()
    packages = tmp_path / "config" / "packages"
    filled = read_household(
        (packages / "marstek_rotation_household.yaml").read_text(encoding="utf-8")
    )
    assert (filled.tariff, filled.prices_entity) == ("dynamic", "sensor.day_ahead_prices")
    assert filled.p1_sensor == "sensor.p1_meter_power"
    devices = load_yaml((packages / "dev_household.yaml").read_text(encoding="utf-8"))
    [prices] = [r for r in devices["rest"] if r["resource"].endswith("/api/v1/prices")]
    assert prices["resource"] == "http://127.0.0.1:18300/api/v1/prices"
    [sensor] = prices["sensor"]
    assert sensor["unique_id"] == "dev_household_day_ahead_prices"
    assert sensor["json_attributes"] == ["prices", "currency"]
