"""Removing the household: say, in the user's language, what stays and how to remove it.

Nothing is deleted: the package, the household file and the dashboard may hold the user's own
edits, and deleting the package's helpers loses the settings made on the dashboard.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components import persistent_notification

from .const import DOMAIN
from .household_dashboard import URL_PATH
from .household_files import DEFAULT_PACKAGES_FOLDER, HOUSEHOLD_FILE, PACKAGE_FILE, packages_folder
from .household_texts import async_household_text

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

NOTIFICATION_ID = f"{DOMAIN}_household_removed"


async def async_say_what_stays(hass: HomeAssistant) -> None:
    """One notification naming the files and the dashboard left behind."""
    config_dir = Path(hass.config.config_dir)
    folder = await hass.async_add_executor_job(packages_folder, config_dir)
    where = folder or config_dir / DEFAULT_PACKAGES_FOLDER
    placeholders = {
        "package": str(where / PACKAGE_FILE),
        "household": str(where / HOUSEHOLD_FILE),
        "dashboard": f"/{URL_PATH}",
    }
    title = await async_household_text(
        hass, "household_removed_title", "Rotation household removed"
    )
    message = await async_household_text(
        hass, "household_removed", "{package}\n{household}\n{dashboard}", **placeholders
    )
    persistent_notification.async_create(
        hass, message, title=title, notification_id=NOTIFICATION_ID
    )
