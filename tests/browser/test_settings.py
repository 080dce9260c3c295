"""The dashboard's settings, as a user reads them on a desktop (1280 px) and a phone (390 px).

Every setting row shows its whole name and its value with its unit (nothing cut off with an
ellipsis, nothing hidden for lack of room), the settings are grouped by topic, and each topic
explains its settings in a line each.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from custom_components.marstek_rotation.household_files import dashboard_config
from custom_components.marstek_rotation.household_language import (
    rotation_words,
    translate_dashboard,
)

from .clients import wait_until
from .frontend import SCREENSHOTS, call_ws, rendered_text, wait_for_frontend

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    from .fixtures import RunningHousehold
    from .frontend import Visits

# What one card shows, through its shadow roots: per row (an entities card's rows, or the card
# itself), its configured entity and name, the texts it shows, its input fields' values, and
# every element that cuts its own content off (wider than its box where the box clips:
# overflow hidden or an ellipsis) or lies outside the card. Inline elements have no box of
# their own: the block around them is checked.
_ROWS_JS = """(card) => {
  const cardBox = card.getBoundingClientRect();
  const cuts = (element) => {
    const style = getComputedStyle(element);
    if (style.display === 'inline' || style.display === 'contents') return false;
    if (!element.getClientRects().length) return false;
    const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    if (clips && element.scrollWidth > element.clientWidth + 1) return true;
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.left < cardBox.left - 1 || box.right > cardBox.right + 1);
  };
  const walk = (node, row) => {
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) {
      return;
    }
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (['STYLE', 'SCRIPT', 'TEMPLATE'].includes(node.tagName)) return;
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return;
      if (node.tagName === 'INPUT' && node.type !== 'checkbox' && node.getClientRects().length) {
        row.inputs.push(node.value);
        const wider = node.scrollWidth > node.clientWidth + 1;
        if (wider || cuts(node)) row.cut.push('input ' + node.value);
      }
      const own = [...node.childNodes].filter((child) => child.nodeType === Node.TEXT_NODE)
        .map((child) => child.textContent.trim()).filter(Boolean).join(' ');
      if (own) {
        row.texts.push(own);
        if (cuts(node)) row.cut.push(own);
      }
      if (node.tagName === 'SLOT') {
        for (const assigned of node.assignedNodes({flatten: true})) walk(assigned, row);
        return;
      }
      if (node.shadowRoot) { walk(node.shadowRoot, row); return; }
    }
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE && node.nodeType === Node.DOCUMENT_FRAGMENT_NODE
          && child.textContent.trim()) row.texts.push(child.textContent.trim());
      walk(child, row);
    }
  };
  const read = (element) => {
    const config = element._config || element.config || {};
    const row = {entity: config.entity || '', name: config.name || '', texts: [], inputs: [],
                 cut: []};
    walk(element, row);
    return row;
  };
  const rows = card.shadowRoot.querySelectorAll('#states > * > *');
  return rows.length ? [...rows].map(read) : [read(card)];
}"""


WIDTHS = (1280, 390)
# English, and the languages the integration writes the dashboard in.
LANGUAGES = ("en", "nl", "fr", "de")


def _screenshot(page: Page, element: Locator, path: Path) -> None:
    """The element as it lies in the whole page (the app's sticky header does not cover it)."""
    box = element.bounding_box()
    assert box is not None, path
    scrolled = page.evaluate("window.scrollY")
    page.screenshot(
        path=str(path),
        full_page=True,
        clip={
            "x": box["x"],
            "y": box["y"] + scrolled,
            "width": box["width"],
            "height": box["height"],
        },
    )


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


@contextmanager
def _dashboard_in(page: Page, household: RunningHousehold, language: str) -> Iterator[None]:
    """The household's dashboard as the integration writes it in `language`, for a while.

    Only the dashboard's texts change (the rows' names, titles and lines); the frontend and
    the entities stay English. The household's own dashboard is put back afterwards.
    """
    words = rotation_words(language)
    if words is None:
        yield
        return
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    url_path = household.ready["dashboard_path"].strip("/").split("/")[0]
    saved = call_ws(page, {"type": "lovelace/config", "url_path": url_path})
    translated = translate_dashboard(dashboard_config(), words)
    call_ws(page, {"type": "lovelace/config/save", "url_path": url_path, "config": translated})
    try:
        yield
    finally:
        call_ws(page, {"type": "lovelace/config/save", "url_path": url_path, "config": saved})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_setting_shows_its_whole_name_its_value_and_what_it_does(
    page: Page, household: RunningHousehold, visits: Visits, width: int, language: str
) -> None:
    """Desktop and phone, in every language the dashboard is written in: no name or value cut
    off, numbers shown with their unit, and every number setting explained by a line in its
    card's group (a markdown card in its stack)."""
    page.set_viewport_size({"width": width, "height": 900})
    with _dashboard_in(page, household, language):
        _check_the_settings(page, household, visits, width, language)


def _check_the_settings(
    page: Page, household: RunningHousehold, visits: Visits, width: int, language: str
) -> None:
    page.goto(household.ready["dashboard_url"])
    wait_for_frontend(page)
    cards = page.locator("hui-entities-card, hui-tile-card")
    wait_until(lambda: cards.count() >= 4, 60, "the dashboard's cards did not render")
    page.wait_for_load_state("networkidle")

    settings: dict[str, str] = {}  # every number setting on the dashboard: entity -> where
    cut: list[str] = []  # every text cut off, all of them reported at once
    for index in range(cards.count()):
        card = cards.nth(index)
        card.scroll_into_view_if_needed()
        for row in card.evaluate(_ROWS_JS):
            where = f"{row['entity'] or row['name']} at {width} px ({language})"
            cut += [f"{where}: {text}" for text in row["cut"]]
            if row["name"]:
                assert row["name"] in row["texts"], f"{where}: name {row['name']!r} not shown"
            if not row["entity"].startswith("input_number."):
                continue
            settings[row["entity"]] = where
            state = household.ha.state(row["entity"])
            assert state is not None, where
            # The value is in its box, whole, with its unit beside it.
            value = float(state["state"])
            assert any(_number(text) == value for text in row["inputs"]), (
                f"{where}: value {value} not shown (fields {row['inputs']})"
            )
            unit = state["attributes"].get("unit_of_measurement")
            if unit:
                assert unit in row["texts"], f"{where}: unit {unit} not shown ({row['texts']})"
    assert cut == [], "cut off:\n" + "\n".join(cut)
    assert len(settings) >= 10, settings

    explained: set[str] = set()
    stacks = page.locator("hui-vertical-stack-card")
    for index in range(stacks.count()):
        stack = stacks.nth(index)
        stack.scroll_into_view_if_needed()
        markdown = stack.locator("hui-markdown-card")
        if not markdown.count():
            continue
        text = " ".join(markdown.first.evaluate(_ROWS_JS)[0]["texts"])
        assert "**" not in text, f"raw markdown: {text}"
        grouped = stack.locator("hui-entities-card, hui-tile-card")
        rows = [row for i in range(grouped.count()) for row in grouped.nth(i).evaluate(_ROWS_JS)]
        title = grouped.first.evaluate(
            "(card) => (card.shadowRoot.querySelector('.card-header') || {}).textContent || ''"
        ).strip() or str(index)
        _screenshot(page, stack, SCREENSHOTS / f"settings-{language}-{width}-{_slug(title)}.png")
        for row in rows:
            if row["entity"].startswith("input_number."):
                assert row["name"] in text, f"{row['entity']}: {row['name']!r} not explained"
                explained.add(row["entity"])
    assert set(settings) <= explained, f"not explained: {sorted(set(settings) - explained)}"
    page.evaluate("window.scrollTo(0, 0)")
    visits.check(page, f"dashboard settings at {width} px ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_status_and_price_cards_fit_a_phone(
    page: Page, household: RunningHousehold, visits: Visits, language: str
) -> None:
    """At 390 px, in every language: the status card's battery table and the price card's
    hours stay inside their cards (nothing sticks out or is cut off)."""
    page.set_viewport_size({"width": 390, "height": 900})
    with _dashboard_in(page, household, language):
        page.goto(household.ready["dashboard_url"])
        wait_for_frontend(page)
        labels = [battery["label"] for battery in household.batteries]
        markdown = page.locator("hui-markdown-card")
        wait_until(
            lambda: markdown.count() >= 2 and all(label in rendered_text(page) for label in labels),
            60,
            "the status card did not render",
        )
        checked = 0
        for index in range(markdown.count()):
            card = markdown.nth(index)
            card.scroll_into_view_if_needed()
            (row,) = card.evaluate(_ROWS_JS)
            if "kWh" not in " ".join(row["texts"]):  # explanation cards: plain wrapping lines
                continue
            assert row["cut"] == [], f"{language}: sticks out or cut off: {row['cut']}"
            checked += 1
        assert checked >= 2, checked  # the status card and the price card
        visits.check(page, f"status and price cards at 390 px ({language})")
