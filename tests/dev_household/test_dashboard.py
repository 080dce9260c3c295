"""dashboards/ as one dashboard: whole dashboards, views and single cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from dev_household.dashboard import DashboardError, dashboard_config, views_from

REPO = Path(__file__).resolve().parents[2]
ROTATION = REPO / "custom_components" / "marstek_rotation" / "rotation"


def test_a_view_is_one_view() -> None:
    view = {"title": "Batteries", "path": "rotation", "cards": [{"type": "markdown"}]}
    assert views_from(view, "view.yaml") == [view]


def test_a_sections_view_is_one_view() -> None:
    view = {"type": "sections", "sections": []}
    assert views_from(view, "view.yaml") == [view]


def test_a_dashboard_gives_its_views() -> None:
    views = [{"title": "A", "cards": []}, {"title": "B", "cards": []}]
    assert views_from({"title": "X", "views": views}, "dash.yaml") == views


def test_a_card_becomes_a_view_holding_it() -> None:
    card = {"type": "vertical-stack", "cards": [{"type": "markdown"}]}
    [view] = views_from(card, "card.yaml")
    assert view["cards"] == [card]


@pytest.mark.parametrize("document", [[], "text", {"title": "nothing else"}])
def test_anything_else_is_refused(document: object) -> None:
    with pytest.raises(DashboardError):
        views_from(document, "odd.yaml")


def test_the_repository_dashboards_load() -> None:
    config = dashboard_config(ROTATION / "dashboards")
    assert config["views"]
    assert all(isinstance(view, dict) for view in config["views"])
