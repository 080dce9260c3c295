"""The rotation dashboard, installed as a dashboard of its own through the websocket API.

Every YAML file in dashboards/ becomes part of one storage-mode dashboard, the way a user
would paste it into the raw configuration editor: a file with ``views:`` is a whole dashboard
(its views are taken), a file that is a view (``cards``/``sections``/``path``) is one view,
and a single card becomes a view holding that card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .package import load_yaml

if TYPE_CHECKING:
    from pathlib import Path

    from .ha_api import WebSocketApi

URL_PATH = "marstek-batteries"
TITLE = "Batteries"
ICON = "mdi:battery-sync"
_VIEW_TYPES = {"masonry", "sidebar", "panel", "sections"}


class DashboardError(RuntimeError):
    """A file in dashboards/ is no dashboard, view or card."""


def views_from(document: Any, name: str) -> list[dict[str, Any]]:
    """The views one dashboards/ file contributes."""
    if not isinstance(document, dict):
        msg = f"{name}: expected a mapping (dashboard, view or card)"
        raise DashboardError(msg)
    if isinstance(document.get("views"), list):
        return list(document["views"])
    is_view = (
        ("cards" in document and document.get("type", "masonry") in _VIEW_TYPES)
        or "sections" in document
        or "path" in document
    )
    if is_view:
        return [document]
    if "type" in document:
        return [{"title": TITLE, "path": "rotation", "cards": [document]}]
    msg = f"{name}: neither a dashboard (views), a view (cards, sections) nor a card (type)"
    raise DashboardError(msg)


def dashboard_config(folder: Path) -> dict[str, Any]:
    """The dashboard built from every YAML file in ``folder``, in name order."""
    views: list[dict[str, Any]] = []
    for file in sorted(folder.glob("*.yaml")):
        views.extend(views_from(load_yaml(file.read_text(encoding="utf-8")), file.name))
    if not views:
        msg = f"no dashboard YAML in {folder}"
        raise DashboardError(msg)
    return {"title": TITLE, "views": views}


async def install_dashboard(ws: WebSocketApi, folder: Path) -> str:
    """Create the dashboard if needed and save the current YAML into it; returns its path."""
    config = dashboard_config(folder)
    existing = await ws.call("lovelace/dashboards/list")
    if not any(item.get("url_path") == URL_PATH for item in existing):
        await ws.call(
            "lovelace/dashboards/create",
            url_path=URL_PATH,
            title=TITLE,
            icon=ICON,
            mode="storage",
            show_in_sidebar=True,
            require_admin=False,
        )
    await ws.call("lovelace/config/save", url_path=URL_PATH, config=config)
    first = config["views"][0]
    return f"/{URL_PATH}/{first.get('path', '0')}"
