"""Shared builders for the pricing tests: fixtures, day series, batteries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.marstek_rotation.pricing import Battery, PriceSlot

FIXTURES = Path(__file__).parent / "fixtures"
AMS = ZoneInfo("Europe/Amsterdam")
PARIS = ZoneInfo("Europe/Paris")
QUARTER = timedelta(minutes=15)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def quarters(start: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """Local quarter slots, stepping in UTC (DST-safe)."""
    tz = start.tzinfo
    cursor = start.astimezone(UTC)
    out = []
    for _ in range(count):
        out.append((cursor.astimezone(tz), (cursor + QUARTER).astimezone(tz)))
        cursor += QUARTER
    return out


def day_series(
    day: date, price_at: Callable[[float], float], tz: ZoneInfo = AMS, days: int = 1
) -> list[PriceSlot]:
    """Quarter slots over whole local days, priced by the local hour (a float)."""
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=days), time(), tz)
    count = int((end - start).total_seconds() // 900)
    return [PriceSlot(s, e, price_at(s.hour + s.minute / 60)) for s, e in quarters(start, count)]


def by_hour(slots: list[PriceSlot], value_at: Callable[[float], float]) -> list[float]:
    return [value_at(s.start.hour + s.start.minute / 60) for s in slots]


def venus(name: str, soc: float, power: float = 2500) -> Battery:
    """A Venus E: 5.12 kWh, 2500 W both ways, 10 % minimum SOC."""
    return Battery(name, soc, 5.12, power, power)
