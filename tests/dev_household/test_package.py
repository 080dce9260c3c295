"""The household block of the rotation package, filled in as a user edits it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dev_household.package import (
    Household,
    HouseholdBattery,
    PackageLayoutError,
    fill_household,
    install_packages,
    read_household,
)

REPO = Path(__file__).resolve().parents[2]

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
    written = install_packages(REPO / "packages", tmp_path, SIX)
    assert {path.name for path in written} == {p.name for p in (REPO / "packages").glob("*.yaml")}
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
