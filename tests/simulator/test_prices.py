"""Day-ahead prices: the curve, the clock-change days, and GET /api/v1/prices over HTTP."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from simulator import ManualClock, Simulator
from simulator.clock import wall_clock_following
from simulator.http_api import HttpApi
from simulator.prices import day_slots, has_negative_dip, price_at

from .test_http_api import http

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A normal winter day (day 6 of the year: no negative dip) and a dip day (day 5).
PLAIN_DAY = date(2026, 1, 6)
DIP_DAY = date(2026, 1, 5)


def _prices_between(day: date, first_hour: int, last_hour: int) -> list[float]:
    """Prices of the quarters starting in [first_hour, last_hour) local time."""
    return [s.price for s in day_slots(day, AMSTERDAM) if first_hour <= s.start.hour < last_hour]


@pytest.mark.parametrize(
    ("day", "quarters"),
    [(PLAIN_DAY, 96), (date(2026, 3, 29), 92), (date(2026, 10, 25), 100)],
    ids=["normal day", "clocks forward", "clocks back"],
)
def test_a_day_has_a_quarter_for_every_quarter_hour_that_exists(day: date, quarters: int) -> None:
    slots = day_slots(day, AMSTERDAM)
    assert len(slots) == quarters
    assert slots[0].start == datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)
    assert slots[-1].end == slots[0].start + timedelta(days=1)  # wall-clock next midnight
    for before, after in itertools.pairwise(slots):
        assert before.end == after.start
    for slot in slots:
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == timedelta(minutes=15)
        assert slot.start.date() == day


def test_the_clock_change_hours_come_out_in_local_time() -> None:
    spring = [s.start.isoformat() for s in day_slots(date(2026, 3, 29), AMSTERDAM)]
    assert "2026-03-29T01:45:00+01:00" in spring
    assert spring[spring.index("2026-03-29T01:45:00+01:00") + 1] == "2026-03-29T03:00:00+02:00"
    autumn = [s.start.isoformat() for s in day_slots(date(2026, 10, 25), AMSTERDAM)]
    assert "2026-10-25T02:30:00+02:00" in autumn
    assert "2026-10-25T02:30:00+01:00" in autumn  # the hour that happens twice


def test_a_winter_day_has_a_cheap_night_and_a_dear_evening() -> None:
    night = _prices_between(PLAIN_DAY, 2, 5)
    morning = _prices_between(PLAIN_DAY, 8, 9)
    midday = _prices_between(PLAIN_DAY, 13, 14)
    evening = _prices_between(PLAIN_DAY, 17, 20)
    assert all(0.17 <= p <= 0.21 for p in night), night
    assert 0.27 <= max(morning) <= 0.33
    assert 0.19 <= statistics.mean(midday) <= 0.23
    assert all(0.35 <= p <= 0.44 for p in evening), evening
    assert min(evening) > max(night) + 0.1
    assert max(morning) > max(midday)


def test_the_curve_is_smooth_and_deterministic() -> None:
    slots = day_slots(PLAIN_DAY, AMSTERDAM)
    steps = [abs(a.price - b.price) for a, b in itertools.pairwise(slots)]
    assert max(steps) < 0.03
    assert sum(step > 0 for step in steps) > 80  # no flat hours either: quarters differ
    assert day_slots(PLAIN_DAY, AMSTERDAM) == slots
    assert [s.price for s in day_slots(PLAIN_DAY + timedelta(days=7), AMSTERDAM)] != [
        s.price for s in slots
    ]
    assert all(s.price == round(s.price, 4) for s in slots)


@pytest.mark.parametrize("day", [DIP_DAY, date(2026, 12, 6), date(2025, 2, 4)])
def test_dip_days_go_negative_around_one_oclock(day: date) -> None:
    assert has_negative_dip(day)
    negative = [s for s in day_slots(day, AMSTERDAM) if s.price < 0]
    assert [s.start.strftime("%H:%M") for s in negative] == ["13:00", "13:15", "13:30", "13:45"]
    assert all(-0.03 <= s.price <= -0.01 for s in negative)


@pytest.mark.parametrize("day", [PLAIN_DAY, date(2026, 12, 7), date(2026, 3, 29)])
def test_other_days_stay_positive(day: date) -> None:
    assert not has_negative_dip(day)
    assert min(s.price for s in day_slots(day, AMSTERDAM)) > 0.15


def test_the_price_is_a_function_of_date_and_hour() -> None:
    assert price_at(PLAIN_DAY, 18.5) == price_at(PLAIN_DAY, 18.5)
    assert price_at(PLAIN_DAY, 18.5) > price_at(PLAIN_DAY, 3.5)


# --- over HTTP ------------------------------------------------------------------------------


@pytest.fixture
def amsterdam_process() -> Iterator[None]:
    """The process's local zone set to Europe/Amsterdam, as the household sets TZ."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Amsterdam"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@contextlib.asynccontextmanager
async def _serve(port: int, clock: ManualClock, start: datetime) -> AsyncIterator[HttpApi]:
    """An HTTP API on a simulator whose wall clock starts at ``start``."""
    async with Simulator(port=port, clock=clock, now=wall_clock_following(clock, start)) as sim:
        server = HttpApi(sim, "127.0.0.1", 0)
        await server.start()
        try:
            yield server
        finally:
            await server.close()


@pytest.fixture
async def noon_api(port: int, clock: ManualClock) -> AsyncIterator[HttpApi]:
    """A simulator whose wall clock reads 12:59 local time on 2026-12-07 (a plain day)."""
    # A naive datetime's astimezone() is the process's local zone: the zone prices use.
    async with _serve(port, clock, datetime(2026, 12, 7, 12, 59).astimezone()) as server:
        yield server


async def test_the_document_lists_today_and_the_current_price(noon_api: HttpApi) -> None:
    status, document = await http(noon_api, "GET", "/api/v1/prices")
    assert status == 200
    assert set(document) == {"currency", "unit", "current", "prices"}
    assert (document["currency"], document["unit"]) == ("EUR", "kWh")
    prices = document["prices"]
    assert len(prices) == 96
    for entry in prices:
        assert set(entry) == {"start", "price"}
        assert isinstance(entry["price"], float)
        assert datetime.fromisoformat(entry["start"]).utcoffset() is not None
    starts = [datetime.fromisoformat(entry["start"]) for entry in prices]
    assert {start.date() for start in starts} == {date(2026, 12, 7)}
    now = datetime(2026, 12, 7, 12, 59).astimezone()
    [current] = [
        entry
        for entry, following in pairwise(prices)
        if datetime.fromisoformat(entry["start"])
        <= now
        < datetime.fromisoformat(following["start"])
    ]
    assert current["start"].startswith("2026-12-07T12:45:00")
    assert document["current"] == current["price"]


async def test_tomorrow_appears_at_one_oclock(noon_api: HttpApi, clock: ManualClock) -> None:
    _, before = await http(noon_api, "GET", "/api/v1/prices")
    assert len(before["prices"]) == 96
    clock.advance(60)  # 13:00 local: tomorrow's prices are out
    _, after = await http(noon_api, "GET", "/api/v1/prices")
    assert len(after["prices"]) == 192
    assert after["prices"][:96] == before["prices"]
    assert after["prices"][96]["start"].startswith("2026-12-08T00:00:00")
    assert after["current"] == after["prices"][52]["price"]  # the 13:00 quarter


@pytest.mark.usefixtures("amsterdam_process")
async def test_the_process_zone_decides_the_local_day(port: int, clock: ManualClock) -> None:
    # 13:30 Amsterdam summer time on the day the clocks went forward: 92 + 96 quarters.
    start = datetime(2026, 3, 29, 11, 30, tzinfo=UTC)
    async with _serve(port, clock, start) as api:
        _, document = await http(api, "GET", "/api/v1/prices")
        prices = document["prices"]
        assert len(prices) == 92 + 96
        assert prices[0]["start"] == "2026-03-29T00:00:00+01:00"
        assert prices[-1]["start"] == "2026-03-30T23:45:00+02:00"
        assert len(json.dumps(document)) < 16 * 1024  # the recorder keeps the attributes
        assert document["current"] == next(
            p["price"] for p in prices if p["start"] == "2026-03-29T13:30:00+02:00"
        )
