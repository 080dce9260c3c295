"""Every price source shape normalises to contiguous (start, end, per kWh) slots."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from custom_components.marstek_rotation import pricing
from custom_components.marstek_rotation.pricing import PriceSlot, hourly, normalise
from custom_components.marstek_rotation.pricing.sources import PriceSourceError, parse_time

from .helpers import AMS, fixture


def contiguous(slots: list[PriceSlot]) -> bool:
    return all(a.end == b.start for a, b in pairwise(slots))


def total_hours(slots: list[PriceSlot]) -> float:
    return sum(s.hours for s in slots)


def test_custom_nordpool_today_only_tomorrow_missing():
    slots = normalise("nordpool_custom", fixture("nordpool_custom_today.json"))
    assert len(slots) == 96
    assert slots[0].start == datetime(2026, 12, 7, tzinfo=AMS)
    assert slots[-1].end == datetime(2026, 12, 8, tzinfo=AMS)
    assert contiguous(slots)
    assert slots[0].price == pytest.approx(0.09276)
    assert slots[0].start.utcoffset() == timedelta(hours=1)


def test_custom_nordpool_cents_and_spring_clock_change():
    slots = normalise("nordpool_custom", fixture("nordpool_custom_dst_spring_cents.json"))
    assert len(slots) == 92 + 96
    assert total_hours(slots) == pytest.approx(23 + 24)
    assert contiguous(slots)
    # 01:45+01:00 is followed by 03:00+02:00: one quarter, not 75 minutes.
    assert slots[7].start.isoformat() == "2026-03-29T01:45:00+01:00"
    assert slots[7].hours == pytest.approx(0.25)
    assert slots[8].start.isoformat() == "2026-03-29T03:00:00+02:00"
    assert slots[8].price == pytest.approx(0.07)  # 7.0 cents


def test_unit_override_wins_over_attributes():
    data = fixture("nordpool_custom_today.json") | {"unit": "MWh"}
    assert normalise("nordpool_custom", data)[0].price == pytest.approx(0.09276e-3)
    assert normalise("nordpool_custom", data, unit="kWh")[0].price == pytest.approx(0.09276)


def test_entsoe_space_separated_autumn_day_of_25_hours():
    slots = normalise("entsoe", fixture("entsoe_dst_autumn.json"))
    assert len(slots) == 25 + 24
    assert total_hours(slots) == pytest.approx(49)
    assert contiguous(slots)
    assert [s.start.isoformat() for s in slots[2:4]] == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
    ]
    assert slots[-1].hours == pytest.approx(1.0)  # the last slot takes the series' step


def test_frank_energie_from_till_today_and_tomorrow():
    slots = normalise("frank_energie", fixture("frank_energie.json"))
    assert len(slots) == 192
    assert contiguous(slots)
    assert slots[0].price == pytest.approx(0.09276 + 0.1316)


def test_normalised_start_price_hourly():
    slots = normalise("normalised", fixture("normalised_prices.json"))
    assert len(slots) == 48
    assert all(s.hours == pytest.approx(1.0) for s in slots)


def test_core_nordpool_per_mwh_in_utc():
    slots = normalise("nordpool_core", fixture("nordpool_core_response.json"))
    assert len(slots) == 96
    assert slots[0].start == datetime(2026, 12, 7, tzinfo=AMS)
    assert slots[0].start.utcoffset() == timedelta(0)
    assert slots[0].price == pytest.approx(92.76 / 1000)
    assert normalise("nordpool_core", {"NL": []}) == []
    with pytest.raises(PriceSourceError):
        normalise("nordpool_core", fixture("nordpool_core_response.json"), select="SE3")


def test_core_tibber_first_home_milliseconds():
    slots = normalise("tibber", fixture("tibber_response.json"))
    assert len(slots) == 96
    assert slots[0].start == datetime(2026, 12, 7, tzinfo=AMS)
    assert slots[0].price == pytest.approx(0.2244)
    assert normalise("tibber", {"prices": {}}) == []


@pytest.mark.parametrize("kind", ["energyzero", "easyenergy"])
def test_core_energyzero_and_easyenergy_hourly_utc(kind: str):
    slots = normalise(kind, fixture(f"{kind}_response.json"))
    assert len(slots) == 24
    assert slots[0].start == datetime(2026, 12, 7, tzinfo=AMS)
    assert slots[-1].end == datetime(2026, 12, 8, tzinfo=AMS)
    assert contiguous(slots)


def test_every_fixture_source_agrees_on_the_same_day():
    """The same market day from five shapes gives the same hourly averages."""
    reference = hourly(normalise("nordpool_custom", fixture("nordpool_custom_today.json")))
    core = hourly(normalise("nordpool_core", fixture("nordpool_core_response.json")))
    tibber = hourly(normalise("tibber", fixture("tibber_response.json")))
    frank = hourly(normalise("frank_energie", fixture("frank_energie.json")))[:24]
    zero = normalise("energyzero", fixture("energyzero_response.json"))
    assert len(reference) == 24
    for ref, a, b, c, d in zip(reference, core, tibber, frank, zero, strict=True):
        assert a.start == b.start == c.start == ref.start
        assert a.price == pytest.approx(ref.price, abs=1e-6)
        assert b.price - 0.1316 == pytest.approx(ref.price, abs=1e-3)
        assert c.price - 0.1316 == pytest.approx(ref.price, abs=1e-6)
        assert d.price - 0.1316 == pytest.approx(ref.price, abs=6e-3)


def test_hourly_average_on_the_spring_day_has_23_hours():
    slots = normalise("nordpool_custom", fixture("nordpool_custom_dst_spring_cents.json"))
    hours = hourly(slots)
    assert len(hours) == 23 + 24
    first = slots[:4]
    assert hours[0].price == pytest.approx(sum(s.price for s in first) / 4)


def test_missing_lists_and_junk_values():
    assert normalise("nordpool_custom", {"raw_today": None, "raw_tomorrow": "unknown"}) == []
    data = {
        "prices": [
            {"start": "2026-12-07T00:00:00+01:00", "price": None},
            {"start": "2026-12-07T01:00:00+01:00", "price": "0.2"},
        ]
    }
    assert [s.price for s in normalise("normalised", data)] == [0.2]


def test_errors_are_loud():
    with pytest.raises(PriceSourceError, match="unknown price source"):
        normalise("octopus", {})
    with pytest.raises(PriceSourceError, match="unit"):
        normalise("normalised", fixture("normalised_prices.json"), unit="GJ")
    with pytest.raises(PriceSourceError, match="timezone"):
        parse_time("2026-12-07 00:00:00")


def test_timestamp_styles():
    expected = datetime(2026, 12, 7, tzinfo=AMS)
    for text in (
        "2026-12-07T00:00:00+01:00",
        "2026-12-07 00:00:00+01:00",
        "2026-12-07T00:00:00.000+01:00",
        "2026-12-06T23:00:00Z",
    ):
        assert parse_time(text) == expected
    assert parse_time("2026-12-07 00:00", AMS) == expected


def test_the_package_imports_nothing_from_home_assistant_or_the_integration():
    folder = Path(pricing.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level in (0, 1), f"{path.name} reaches outside the package"
                module = node.module or ""
            elif isinstance(node, ast.Import):
                module = ",".join(alias.name for alias in node.names)
            else:
                continue
            assert "homeassistant" not in module, path.name
            assert "marstek_rotation" not in module, path.name
