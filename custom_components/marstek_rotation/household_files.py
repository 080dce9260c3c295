"""The rotation's files in the user's configuration: the household file and the package.

The integration ships the package (`rotation/packages/marstek_rotation.yaml`); HACS upgrades it
with the integration. Installing copies it into the folder `configuration.yaml` loads packages
from. The household file is the user's: it is written once from the set-up's choices and never
replaced by an upgrade. Everything here is blocking file work: run it in the executor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homeassistant.util.yaml import dump, parse_yaml

from .household_language import rotation_words, translate_dashboard, translate_package

SHIPPED = Path(__file__).resolve().parent / "rotation"
SHIPPED_PACKAGE = SHIPPED / "packages" / "marstek_rotation.yaml"
SHIPPED_DASHBOARD = SHIPPED / "dashboards" / "marstek_rotation.yaml"
SHIPPED_EXAMPLE = SHIPPED / "packages" / "marstek_rotation_household.yaml"
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
        packages_in_another_form: configuration.yaml loads packages, but not as a folder of
            named files (merge_named, inline, one file): our files would not fit there.
    """

    packages_folder: Path | None
    installed_version: tuple[int, int] | None
    household_file: bool
    household_written_by_setup: bool
    packages_in_another_form: bool = False


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


def _configuration_text(config_dir: Path) -> str:
    try:
        return (config_dir / "configuration.yaml").read_text(encoding="utf-8")
    except OSError:
        return ""


def _folder_in(config_dir: Path, text: str) -> Path | None:
    match = _PACKAGES_INCLUDE.search(text)
    return None if match is None else config_dir / match[1]


def packages_folder(config_dir: Path) -> Path | None:
    """The folder configuration.yaml loads every file of as a package, if any."""
    return _folder_in(config_dir, _configuration_text(config_dir))


def install_state(config_dir: Path) -> InstallState:
    """Read what is installed where configuration.yaml loads packages (or would)."""
    text = _configuration_text(config_dir)
    folder = _folder_in(config_dir, text)
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
    other_form = folder is None and _PACKAGES_KEY.search(text) is not None
    return InstallState(folder, installed, household.is_file(), written_by_setup, other_form)


def install_package(config_dir: Path, language: str = "en") -> Path:
    """Write the shipped package, in `language`, into the packages folder; returns where."""
    where = packages_folder(config_dir) or config_dir / DEFAULT_PACKAGES_FOLDER
    where.mkdir(parents=True, exist_ok=True)
    target = where / PACKAGE_FILE
    text = SHIPPED_PACKAGE.read_text(encoding="utf-8")
    if (words := rotation_words(language)) is not None:
        text = translate_package(text, words)
    # Written next to it first, then moved: a reader never sees half a package.
    partial = target.with_suffix(".yaml.new")
    partial.write_text(text, encoding="utf-8")
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
        f"{_handover()}"
    )


def _handover() -> str:
    """The example household file's `sensor:` block, which hands the choices to the package.

    Taken from the shipped example, so a written household file and the example never differ
    in what the package reads.
    """
    example = SHIPPED_EXAMPLE.read_text(encoding="utf-8")
    return example[example.index("\n    sensor:\n") + 1 :]


def dashboard_config(language: str = "en") -> dict[str, Any]:
    """The shipped dashboard in `language`, as a storage dashboard's configuration."""
    loaded = parse_yaml(SHIPPED_DASHBOARD.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not isinstance(loaded.get("views"), list):
        msg = f"{SHIPPED_DASHBOARD} is no dashboard"  # pragma: no cover - tests read the file
        raise TypeError(msg)
    if (words := rotation_words(language)) is not None:
        translated: dict[str, Any] = translate_dashboard(loaded, words)
        return translated
    return loaded
