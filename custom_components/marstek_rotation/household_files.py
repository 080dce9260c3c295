"""The rotation's files in the user's configuration: the household file and the package.

The integration ships the package (`rotation/packages/marstek_rotation.yaml`); HACS upgrades it
with the integration. Installing copies it into the folder `configuration.yaml` loads packages
from. The household file is the user's: it is written once from the set-up's choices and never
replaced by an upgrade. Everything here is blocking file work: run it in the executor.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homeassistant.util.yaml import dump, parse_yaml

SHIPPED = Path(__file__).resolve().parent / "rotation"
SHIPPED_PACKAGE = SHIPPED / "packages" / "marstek_rotation.yaml"
SHIPPED_DASHBOARD = SHIPPED / "dashboards" / "marstek_rotation.yaml"
PACKAGE_FILE = "marstek_rotation.yaml"
HOUSEHOLD_FILE = "marstek_rotation_household.yaml"
DEFAULT_PACKAGES_FOLDER = "packages"
# What configuration.yaml needs (said word for word when it is missing).
PACKAGES_LINES = "homeassistant:\n  packages: !include_dir_named packages"
# Written at the top of a household file the set-up made: only such a file is rewritten when
# the household's choices change; a file written by hand is never touched.
WRITTEN_BY_SETUP = "# Written by the Marstek Battery Rotation set-up"

_VERSION = re.compile(r"^# Marstek battery rotation (\d+)\.(\d+)\b")
_PACKAGES_INCLUDE = re.compile(
    r"^\s*packages:\s*!include_dir_named\s+['\"]?([^'\"\s#]+)", re.MULTILINE
)
# Packages loaded some other way (inline, !include_dir_merge_named, one file): our files would
# not fit that form, and a second `packages:` key would break configuration.yaml.
_PACKAGES_KEY = re.compile(r"^\s+packages:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class InstallState:
    """What the configuration folder holds now.

    Attributes:
        packages_folder: the folder configuration.yaml loads packages from, None when it loads
            none from a folder.
        installed_version: the package's version in that folder, None when it is not there.
        household_file: a household file exists there.
        household_written_by_setup: that file carries the set-up's mark.
    """

    packages_folder: Path | None
    installed_version: tuple[int, int] | None
    household_file: bool
    household_written_by_setup: bool


def package_version(text: str) -> tuple[int, int] | None:
    """The version on a package's first line ("# Marstek battery rotation 2.2: ...")."""
    match = _VERSION.match(text)
    return None if match is None else (int(match[1]), int(match[2]))


def shipped_version() -> tuple[int, int]:
    """The version of the package this integration carries."""
    version = package_version(SHIPPED_PACKAGE.read_text(encoding="utf-8"))
    if version is None:  # pragma: no cover - a broken release; tests read the real file
        msg = f"{SHIPPED_PACKAGE} has no version line"
        raise RuntimeError(msg)
    return version


def packages_folder(config_dir: Path) -> Path | None:
    """The folder configuration.yaml loads every file of as a package, if any."""
    try:
        text = (config_dir / "configuration.yaml").read_text(encoding="utf-8")
    except OSError:
        return None
    match = _PACKAGES_INCLUDE.search(text)
    return None if match is None else config_dir / match[1]


def packages_in_another_form(config_dir: Path) -> bool:
    """configuration.yaml loads packages, but not as a folder of named files."""
    try:
        text = (config_dir / "configuration.yaml").read_text(encoding="utf-8")
    except OSError:
        return False
    return _PACKAGES_INCLUDE.search(text) is None and _PACKAGES_KEY.search(text) is not None


def install_state(config_dir: Path) -> InstallState:
    """Read what is installed where configuration.yaml loads packages (or would)."""
    folder = packages_folder(config_dir)
    where = folder or config_dir / DEFAULT_PACKAGES_FOLDER
    try:
        installed = package_version((where / PACKAGE_FILE).read_text(encoding="utf-8"))
    except OSError:
        installed = None
    household = where / HOUSEHOLD_FILE
    try:
        written_by_setup = household.read_text(encoding="utf-8").startswith(WRITTEN_BY_SETUP)
    except OSError:
        written_by_setup = False
    return InstallState(folder, installed, household.is_file(), written_by_setup)


def install_package(config_dir: Path) -> Path:
    """Copy the shipped package into the packages folder; returns where it went."""
    where = packages_folder(config_dir) or config_dir / DEFAULT_PACKAGES_FOLDER
    where.mkdir(parents=True, exist_ok=True)
    target = where / PACKAGE_FILE
    # Written next to it first, then moved: a reader never sees half a package.
    partial = target.with_suffix(".yaml.new")
    shutil.copyfile(SHIPPED_PACKAGE, partial)
    partial.replace(target)
    return target


def write_household(config_dir: Path, household: dict[str, Any]) -> Path:
    """Write the household file from the set-up's choices; returns its path."""
    where = packages_folder(config_dir) or config_dir / DEFAULT_PACKAGES_FOLDER
    where.mkdir(parents=True, exist_ok=True)
    target = where / HOUSEHOLD_FILE
    partial = target.with_suffix(".yaml.new")
    partial.write_text(household_yaml(household), encoding="utf-8")
    partial.replace(target)
    return target


def household_yaml(household: dict[str, Any]) -> str:
    """The household file for `household` (the keys of the household file's `variables:`)."""
    body = dump(household)
    variables = "".join(f"      {line}\n" for line in body.splitlines())
    return (
        f"{WRITTEN_BY_SETUP}: change the household in Settings -> Devices & services ->\n"
        "# Marstek Battery Rotation -> Rotation household -> Configure; this file is then written\n"
        "# again. To edit it by hand, remove the first line: the set-up then leaves it alone.\n"
        "# docs/rotation.md describes every key.\n"
        "template:\n"
        "  - variables:\n"
        f"{variables}"
        f"{_HANDOVER}"
    )


# The household sensor the package reads the choices from: the same as in the example file.
_HANDOVER = """    sensor:
      - name: Marstek Rotation Household
        unique_id: marstek_rotation_household
        icon: mdi:home-battery-outline
        state: "{{ batteries | count }}"
        attributes:
          format: "{{ 2 }}"
          batteries: "{{ batteries }}"
          p1_sensor: "{{ p1_sensor | default('') }}"
          p1_import_sensor: "{{ p1_import_sensor | default('') }}"
          p1_export_sensor: "{{ p1_export_sensor | default('') }}"
          weather_entity: "{{ weather_entity | default('') }}"
          tariff: "{{ tariff | default('none') }}"
          prices_entity: "{{ prices_entity | default('') }}"
          time_of_use: "{{ time_of_use | default({}) }}"
          tempo: "{{ tempo | default({}) }}"
          solar_forecast_sensor: "{{ solar_forecast_sensor | default('') }}"
          currency: "{{ currency | default('EUR') }}"
"""


def dashboard_config() -> dict[str, Any]:
    """The shipped dashboard, as a storage dashboard's configuration."""
    loaded = parse_yaml(SHIPPED_DASHBOARD.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not isinstance(loaded.get("views"), list):
        msg = f"{SHIPPED_DASHBOARD} is no dashboard"  # pragma: no cover - tests read the file
        raise TypeError(msg)
    return loaded
