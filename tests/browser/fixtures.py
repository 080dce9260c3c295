"""Fixtures of the browser suite: a running household, a browser logged in to it, a page.

The household is the one `scripts/develop` runs (dev_household), started fresh for the suite
in browser-results/household/. One household runs at a time. A test marked
``each_household_size`` runs once per size of ``--household-sizes`` (default 3, e.g.
``scripts/test-browser --household-sizes 1,3,6``); a test can also ask for one size with
``@pytest.mark.parametrize("household", [6], indirect=True)``. The suite stops the running
household and starts the next size as needed (tests are grouped by size to keep that rare).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from .clients import HomeAssistantClient, SimulatorClient
from .frontend import RESULTS, Visits, wait_for_frontend
from .ui_flows import AddedBattery, add_battery_through_the_ui

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SIZE = 3
START_TIMEOUT = 420
# Debian's chromium, driven by Playwright (browser downloads cannot work here). Without a
# sandbox as root; without any background traffic of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}


def chromium_path() -> str:
    """$CHROMIUM, or chromium on PATH (scripts/setup installs Debian's)."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no chromium found: run scripts/setup (or set CHROMIUM)")


@dataclass
class RunningHousehold:
    """A household started for the suite, and what the tests need to use it."""

    size: int
    state_dir: Path
    process: subprocess.Popen[bytes]
    ready: dict[str, Any]
    context: BrowserContext | None = None
    blocked_requests: list[str] = field(default_factory=list)
    # What tests set up once per household (e.g. the battery added through the UI).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Home Assistant's base URL."""
        return str(self.ready["url"])

    @property
    def simulator(self) -> SimulatorClient:
        """The simulator's HTTP API."""
        return SimulatorClient(self.ready["simulator_url"])

    @property
    def ha(self) -> HomeAssistantClient:
        """Home Assistant's REST API as the owner."""
        tokens = self.ready["tokens"]
        return HomeAssistantClient(
            self.url, tokens["access_token"], tokens["refresh_token"], tokens["expires"] / 1000
        )

    @property
    def batteries(self) -> list[dict[str, Any]]:
        """host, ble_mac, model, prefix, label and phase of each configured battery."""
        return list(self.ready["batteries"])

    def stop(self) -> None:
        """Stop the household (Home Assistant saves its state) and its browser context."""
        if self.context is not None:
            with contextlib.suppress(Exception):
                self.context.close()
            self.context = None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=150)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    with path.open(encoding="utf-8", errors="replace") as file:
        return "".join(deque(file, maxlen=lines))


def start_household(size: int, state_dir: Path, *extra: str) -> RunningHousehold:
    """Start a fresh household of ``size`` batteries and wait until it is ready.

    ``extra``: further options of dev_household (``--rotation-by-ui --language nl``).
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    ready_file = state_dir / "ready.json"
    ready_file.unlink(missing_ok=True)
    log = state_dir / "household.out"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "dev_household",
                "--state",
                str(state_dir),
                "--fresh",
                "--batteries",
                str(size),
                "--status-every",
                "0",
                *extra,
            ],
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not ready_file.exists():
        if process.poll() is not None:
            pytest.fail(f"the household stopped while starting:\n{_tail(log)}")
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the household was not ready within {START_TIMEOUT} s:\n{_tail(log)}")
        time.sleep(1)
    ready = json.loads(ready_file.read_text(encoding="utf-8"))
    return RunningHousehold(size, state_dir, process, ready)


class Households:
    """At most one running household; another size replaces it."""

    def __init__(self) -> None:
        """Nothing runs yet."""
        self.current: RunningHousehold | None = None
        self.timings: dict[int, dict[str, float]] = {}
        self.blocked: list[str] = []  # what the browser tried to load beyond loopback

    def get(self, size: int) -> RunningHousehold:
        """The running household of ``size`` batteries, started if needed."""
        if self.current is not None and self.current.size == size:
            return self.current
        self.close()
        state_dir = RESULTS / ("household" if size == DEFAULT_SIZE else f"household-{size}")
        self.current = start_household(size, state_dir)
        self.timings[size] = self.current.ready["timings"]
        return self.current

    def close(self) -> None:
        """Stop the running household."""
        if self.current is not None:
            self.blocked.extend(self.current.blocked_requests)
            self.current.stop()
            self.current = None


@pytest.fixture(scope="session")
def households() -> Iterator[Households]:
    """Every household the suite starts (one at a time)."""
    manager = Households()
    yield manager
    manager.close()
    for size, timings in manager.timings.items():
        print(f"\nhousehold of {size}: {timings}")
    hosts = sorted({urlsplit(url).hostname or url for url in manager.blocked})
    print(f"\nthe browser was kept from {len(manager.blocked)} requests beyond loopback: {hosts}")


@pytest.fixture
def household(request: pytest.FixtureRequest, households: Households) -> RunningHousehold:
    """The running household (3 batteries unless the test asks for another size)."""
    size = getattr(request, "param", DEFAULT_SIZE)
    return households.get(size)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless chromium."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def visits() -> Visits:
    """Every page the suite looked at (screenshots in browser-results/screenshots/)."""
    return Visits()


def _loopback_only(household: RunningHousehold) -> Any:
    def route(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in LOOPBACK_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            household.blocked_requests.append(route.request.url)
            route.abort()

    return route


def new_context(browser: Browser, household: RunningHousehold) -> BrowserContext:
    """A browser context that reaches nothing but loopback, in the household's time zone."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id=household.ready["time_zone"],
        service_workers="block",
    )
    context.route("**/*", _loopback_only(household))
    return context


def log_in(page: Page, household: RunningHousehold) -> None:
    """Log in through the login page, as a user does."""
    page.goto(household.url + "/")
    page.wait_for_url("**/auth/authorize**", timeout=60_000)
    page.get_by_role("textbox", name="Username").fill(household.ready["username"])
    page.get_by_role("textbox", name="Password").fill(household.ready["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/" not in url, timeout=60_000)
    wait_for_frontend(page)


@pytest.fixture
def page(browser: Browser, household: RunningHousehold) -> Iterator[Page]:
    """A page of a context that is logged in to the household (one login per household)."""
    if household.context is None:
        household.context = new_context(browser, household)
        first = household.context.new_page()
        log_in(first, household)
        first.close()
    tab = household.context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def added_battery(page: Page, household: RunningHousehold, visits: Visits) -> AddedBattery:
    """A fourth battery, added through the UI once per household (see ui_flows.py)."""
    if "added_battery" not in household.cache:
        try:
            household.cache["added_battery"] = add_battery_through_the_ui(page, household, visits)
        except Exception as err:
            household.cache["added_battery"] = err
            raise
    added = household.cache["added_battery"]
    if isinstance(added, Exception):
        pytest.fail(f"adding a battery through the UI failed earlier: {added}")
    assert isinstance(added, AddedBattery)
    return added


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--household-sizes 1,3,6``: the sizes the per-size tests run with."""
    parser.addoption(
        "--household-sizes",
        default=str(DEFAULT_SIZE),
        help="household sizes for tests marked each_household_size, e.g. 1,3,6 (default 3)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's marker."""
    config.addinivalue_line(
        "markers", "each_household_size: run once per --household-sizes household"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked each_household_size run against a household of every size asked for."""
    if metafunc.definition.get_closest_marker("each_household_size") is None:
        return
    text = str(metafunc.config.getoption("--household-sizes"))
    sizes = [int(part) for part in text.split(",") if part.strip()]
    metafunc.parametrize("household", sizes, indirect=True, ids=[f"{n}-batteries" for n in sizes])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests of the default household first, then each other size together."""

    def size_of(item: pytest.Item) -> int:
        if "household_by_ui" in getattr(item, "fixturenames", ()):
            return 1000  # a household of its own, started last (it stops the others)
        callspec = getattr(item, "callspec", None)
        size = callspec.params.get("household", DEFAULT_SIZE) if callspec else DEFAULT_SIZE
        return 0 if size == DEFAULT_SIZE else int(size)

    items.sort(key=size_of)  # stable: the file order stays within a size
