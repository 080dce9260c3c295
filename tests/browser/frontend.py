"""What a user sees: the page's text as rendered (through shadow roots), checked and recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

RESULTS = Path(__file__).resolve().parents[2] / "browser-results"
SCREENSHOTS = RESULTS / "screenshots"

# Every text node of the page, through open shadow roots (the whole frontend lives in them),
# without scripts and styles.
_RENDERED_TEXT_JS = """() => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    const skipped = ["SCRIPT", "STYLE", "TEMPLATE"];
    if (node.nodeType === Node.ELEMENT_NODE && skipped.includes(node.tagName)) return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document.body);
  return parts.join(" ").replace(/\\s+/g, " ");
}"""

# What the frontend shows instead of a text it could not render or find.
PROBLEMS = (
    # An ICU message that does not parse (for example `<prefix>` read as an unclosed tag).
    re.compile(r"Translation error[^.]{0,80}"),
    # A key shown raw: a translation the frontend did not find.
    re.compile(r"\bcomponent\.[a-z0-9_]+\.[a-z0-9_.]+"),
    re.compile(
        r"\b(?:config|options|config_subentries)\.(?:step|error|abort|progress)\.[a-z0-9_.]+"
    ),
    re.compile(r"\b(?:entity|exceptions|issues|services|selector)\.[a-z0-9_]+\.[a-z0-9_.]+"),
    re.compile(
        r"\bui\.(?:panel|dialogs|card|components|common|errors|notification_drawer)\.[a-z0-9_.]+"
    ),
    re.compile(r"\[%key:[^\]]*\]"),
)


def rendered_text(page: Page) -> str:
    """The page's visible text, shadow roots included, whitespace collapsed."""
    text: str = page.evaluate(_RENDERED_TEXT_JS)
    return text


def problems_in(text: str) -> list[str]:
    """Translation errors and raw translation keys in ``text``."""
    found: list[str] = []
    for pattern in PROBLEMS:
        found.extend(match.group(0) for match in pattern.finditer(text))
    return found


@dataclass
class PageRecord:
    """One page (or dialog) the suite looked at."""

    name: str
    url: str
    screenshot: Path
    text: str
    problems: list[str] = field(default_factory=list)


class Visits:
    """Every page the suite visited, in order: screenshot, text and problems."""

    def __init__(self) -> None:
        """Start empty; screenshots go to browser-results/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.records: list[PageRecord] = []

    def record(self, page: Page, name: str, *, full_page: bool = True) -> PageRecord:
        """Screenshot the page as it is now and check its text."""
        path = SCREENSHOTS / f"{len(self.records) + 1:02d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        text = rendered_text(page)
        record = PageRecord(name, page.url, path, text, problems_in(text))
        self.records.append(record)
        return record

    def check(self, page: Page, name: str, *, full_page: bool = True) -> PageRecord:
        """Record the page and fail if it shows a translation error or a raw key."""
        record = self.record(page, name, full_page=full_page)
        assert not record.problems, (
            f"{name} ({record.url}) shows {record.problems}; screenshot {record.screenshot}"
        )
        return record


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def wait_for_frontend(page: Page) -> None:
    """Wait until the frontend is connected and the panel has rendered."""
    page.wait_for_function(
        "() => { const ha = document.querySelector('home-assistant');"
        " return ha && ha.hass && ha.hass.connected && ha.hass.states; }",
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")


def call_ws(page: Page, message: dict[str, object]) -> object:
    """Send a websocket command through the frontend's own connection."""
    return page.evaluate(
        "async (message) => document.querySelector('home-assistant').hass.callWS(message)",
        message,
    )
