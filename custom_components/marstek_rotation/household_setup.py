"""A household entry at start: is the package loaded, installed and current?

Each answer is a repair issue (repairs.py): packages not loaded from a folder (the exact lines
to add), the package missing, or older than the one the integration ships (one click
installs it). The household file is never touched here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .household_files import PACKAGES_LINES, install_state, shipped_version
from .household_notify import (
    CONF_NOTIFY,
    CONF_NOTIFY_EVENTS,
    CONF_NOTIFY_TARGET,
    HouseholdNotifier,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

ISSUE_PACKAGES_NOT_LOADED = "packages_not_loaded"
ISSUE_PACKAGE_OUTDATED = "package_outdated"
ISSUE_PACKAGE_MISSING = "package_missing"


def _version(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


async def async_check_household(hass: HomeAssistant, entry: ConfigEntry) -> None:  # noqa: ARG001
    """Create or clear the household's repair issues for what is installed now."""
    config_dir = Path(hass.config.config_dir)
    state = await hass.async_add_executor_job(install_state, config_dir)
    shipped = await hass.async_add_executor_job(shipped_version)
    folder = state.packages_folder or config_dir / "packages"
    _set_issue(
        hass,
        ISSUE_PACKAGES_NOT_LOADED,
        active=state.packages_folder is None,
        severity=ir.IssueSeverity.ERROR,
        placeholders={"lines": PACKAGES_LINES, "folder": str(folder)},
    )
    _set_issue(
        hass,
        ISSUE_PACKAGE_MISSING,
        active=state.installed_version is None,
        severity=ir.IssueSeverity.ERROR,
        fixable=True,
        placeholders={"folder": str(folder), "shipped": _version(shipped)},
    )
    outdated = state.installed_version is not None and state.installed_version < shipped
    _set_issue(
        hass,
        ISSUE_PACKAGE_OUTDATED,
        active=outdated,
        severity=ir.IssueSeverity.WARNING,
        fixable=True,
        placeholders={
            "folder": str(folder),
            "shipped": _version(shipped),
            "installed": _version(state.installed_version) if state.installed_version else "-",
        },
    )


def async_start_notifications(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Send the messages the household chose, while its entry is loaded."""
    chosen = entry.options.get(CONF_NOTIFY, {})
    target, events = chosen.get(CONF_NOTIFY_TARGET), chosen.get(CONF_NOTIFY_EVENTS)
    if not target or not events:
        return
    notifier = HouseholdNotifier(hass, target, events, entry.options.get("batteries", []))
    entry.async_on_unload(notifier.async_start())


def async_clear_household_issues(hass: HomeAssistant) -> None:
    """The household is gone: so are its issues."""
    for key in (ISSUE_PACKAGES_NOT_LOADED, ISSUE_PACKAGE_MISSING, ISSUE_PACKAGE_OUTDATED):
        ir.async_delete_issue(hass, DOMAIN, key)


def _set_issue(
    hass: HomeAssistant,
    key: str,
    *,
    active: bool,
    severity: ir.IssueSeverity,
    placeholders: dict[str, str],
    fixable: bool = False,
) -> None:
    if not active:
        ir.async_delete_issue(hass, DOMAIN, key)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        key,
        is_fixable=fixable,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )
