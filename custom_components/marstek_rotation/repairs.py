"""The repair issues of one battery: firmware known to reset, and a battery away for long.

Their ids carry the config entry id, so each battery has its own and they go with its entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, ISSUE_RESET_PRONE_FIRMWARE, ISSUE_UNREACHABLE
from .household_setup import ISSUE_PACKAGE_MISSING, ISSUE_PACKAGE_OUTDATED
from .pymarstek import DeviceInfo

if TYPE_CHECKING:
    from homeassistant.components.repairs import RepairsFlow


def _issue_id(key: str, entry: ConfigEntry) -> str:
    return f"{key}_{entry.entry_id}"


def _create(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    severity: ir.IssueSeverity,
    **placeholders: str,
) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(key, entry),
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders={"name": entry.title, **placeholders},
    )


def async_update_firmware_issue(
    hass: HomeAssistant, entry: ConfigEntry, device: DeviceInfo, fixed_in: int | None
) -> None:
    """Warn about firmware that resets under polling (`fixed_in`: the fix); else remove it."""
    if fixed_in is None:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_RESET_PRONE_FIRMWARE, entry))
        return
    _create(
        hass,
        entry,
        ISSUE_RESET_PRONE_FIRMWARE,
        ir.IssueSeverity.WARNING,
        model=device.model,
        firmware=str(device.firmware_version),
        fixed_in=str(fixed_in),
    )


def async_create_unreachable_issue(
    hass: HomeAssistant, entry: ConfigEntry, host: str, port: int
) -> None:
    """Say what to check about a battery that has not answered for a long time."""
    _create(hass, entry, ISSUE_UNREACHABLE, ir.IssueSeverity.ERROR, host=host, port=str(port))


def async_delete_unreachable_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The battery answers again."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_UNREACHABLE, entry))


def async_delete_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The entry is removed: its issues go with it."""
    for key in (ISSUE_UNREACHABLE, ISSUE_RESET_PRONE_FIRMWARE):
        ir.async_delete_issue(hass, DOMAIN, _issue_id(key, entry))


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,  # noqa: ARG001
) -> RepairsFlow:
    """The household's fixable issues install the shipped package."""
    # Imported here: the repairs integration is loaded only when a fix is asked for.
    from .household_fix import InstallPackageFlow  # noqa: PLC0415

    if issue_id in (ISSUE_PACKAGE_MISSING, ISSUE_PACKAGE_OUTDATED):
        issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
        placeholders = dict(issue.translation_placeholders or {}) if issue else {}
        return InstallPackageFlow(placeholders)
    msg = f"no fix for {issue_id}"
    raise ValueError(msg)
