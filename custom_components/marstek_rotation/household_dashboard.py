"""The rotation dashboard, created in Home Assistant's own dashboard storage.

Home Assistant offers no action to create a dashboard; its websocket command does it for the
frontend. The same collection is reached through that command's handler, so the dashboard is
an ordinary storage dashboard: listed under Settings -> Dashboards, editable, and removable.
"""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.components import websocket_api
from homeassistant.components.lovelace.const import LOVELACE_DATA

from .household_files import dashboard_config

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.collection import DictStorageCollection

_LOGGER = logging.getLogger(__name__)

URL_PATH = "marstek-rotation"
ICON = "mdi:battery-sync"


class DashboardUnavailableError(Exception):
    """Home Assistant's dashboard storage could not be reached (lovelace not loaded)."""


def _dashboards_collection(hass: HomeAssistant) -> DictStorageCollection:
    """Home Assistant's collection of storage dashboards, through its list command."""
    handlers: dict[str, Any] = hass.data.get(websocket_api.DOMAIN, {})
    registered = handlers.get("lovelace/dashboards/list")
    if registered is None:
        raise DashboardUnavailableError
    owner = getattr(inspect.unwrap(registered[0]), "__self__", None)
    collection = getattr(owner, "storage_collection", None)
    if collection is None:
        raise DashboardUnavailableError
    return collection  # type: ignore[no-any-return]


def dashboard_exists(hass: HomeAssistant) -> bool:
    """A dashboard is served at our path (made before, or by the user)."""
    data = hass.data.get(LOVELACE_DATA)
    return data is not None and URL_PATH in data.dashboards


async def async_create_dashboard(hass: HomeAssistant, title: str) -> str:
    """Create the rotation dashboard unless one is at its path; returns its path.

    Raises:
        DashboardUnavailableError: Home Assistant's dashboards cannot be reached.
    """
    if dashboard_exists(hass):
        return URL_PATH
    collection = _dashboards_collection(hass)
    await collection.async_create_item(
        {
            "url_path": URL_PATH,
            "title": title,
            "icon": ICON,
            "mode": "storage",
            "show_in_sidebar": True,
            "require_admin": False,
        }
    )
    config = await hass.async_add_executor_job(dashboard_config, hass.config.language)
    data = hass.data[LOVELACE_DATA]
    await data.dashboards[URL_PATH].async_save(config)
    _LOGGER.debug("Created the rotation dashboard at /%s", URL_PATH)
    return URL_PATH
