"""Day-ahead electricity prices: a Dutch winter day on a dynamic (quarter-hour) contract.

What a dynamic-contract supplier publishes for a household, in EUR/kWh including energy tax
and VAT: cheap at night, a morning peak, a midday dip, the evening peak. The curve is a smooth
function of local wall time with a small per-quarter variation, and it is deterministic per
date (the variation is a hash of the date, never random), so a development household and a test
see the same prices for the same day. On some dates (day of the year divisible by 5) a sunny
midday pushes prices below zero for an hour, as happens on real spring days.

Slots are built by stepping 15 minutes in UTC from local midnight to the next local midnight, so
the days the clocks change have 92 or 100 quarters, as the real market's days do.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

CURRENCY = "EUR"
UNIT = "kWh"
SLOT = timedelta(minutes=15)
# Day-ahead prices for tomorrow are published around 13:00 local time.
PUBLISH_HOUR = 13

_BASE = 0.245  # EUR/kWh, the level between the peaks
_NIGHT = (3.5, 2.0, -0.058)  # (centre h, width h, height EUR/kWh): about 0.19 at 02:00-05:00
_MORNING = (8.0, 1.0, 0.06)  # about 0.30 at 08:00
_MIDDAY = (13.5, 1.8, -0.035)  # about 0.21 at 13:30
_EVENING = (18.5, 2.0, 0.16)  # a flat-topped peak, about 0.38-0.41 from 17:00 to 20:00
_DIP_PRICE = -0.02  # the negative hour on sunny dates
_DIP = (12.5, 13.0, 14.0, 14.5)  # ramp in, the hour at _DIP_PRICE, ramp out (local hours)
_DIP_EVERY = 5  # dates whose day of the year is a multiple of this get the dip
_JITTER = 0.002  # EUR/kWh, largest quarter-to-quarter wobble
_HOURS = 24.0


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """One quarter: [start, end) in local time, and its price in EUR/kWh."""

    start: datetime
    end: datetime
    price: float

    def as_json(self) -> dict[str, Any]:
        """The slot as served: ISO 8601 times with their UTC offset."""
        # No "end": every quarter ends where the next starts, and two days of {start, price}
        # (about 10 KB) stay under the recorder's 16 KB attribute limit.
        return {"start": self.start.isoformat(), "price": self.price}


def _bump(hour: float, centre: float, width: float, power: int = 2) -> float:
    """A bell around ``centre`` (1 there), measured around the clock so midnight is smooth."""
    distance = abs(hour - centre) % _HOURS
    distance = min(distance, _HOURS - distance)
    return math.exp(-0.5 * (distance / width) ** power)


def _smoothstep(low: float, high: float, hour: float) -> float:
    """0 before ``low``, 1 after ``high``, a smooth S in between."""
    x = min(max((hour - low) / (high - low), 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def _unit(day: date, salt: str) -> float:
    """A number in [-1, 1] fixed by the date and ``salt``: variation without randomness."""
    digest = hashlib.blake2b(f"{day.isoformat()}/{salt}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) / 0xFFFFFFFF * 2.0 - 1.0


def has_negative_dip(day: date) -> bool:
    """Whether ``day`` has the negative hour around 13:00-14:00."""
    return day.timetuple().tm_yday % _DIP_EVERY == 0


def price_at(day: date, hour: float) -> float:
    """The price, EUR/kWh incl. tax, on ``day`` at ``hour`` (local hours since midnight)."""
    level = _BASE + 0.006 * _unit(day, "level")  # some days are a little dearer than others
    evening = _EVENING[2] * (1.0 + 0.05 * _unit(day, "evening"))
    price = (
        level
        + _NIGHT[2] * _bump(hour, _NIGHT[0], _NIGHT[1])
        + _MORNING[2] * _bump(hour, _MORNING[0], _MORNING[1])
        + _MIDDAY[2] * _bump(hour, _MIDDAY[0], _MIDDAY[1])
        # To the fourth power: a plateau over the evening rather than a point.
        + evening * _bump(hour, _EVENING[0], _EVENING[1], power=4)
    )
    if has_negative_dip(day):
        weight = _smoothstep(_DIP[0], _DIP[1], hour) - _smoothstep(_DIP[2], _DIP[3], hour)
        price = (1.0 - weight) * price + weight * _DIP_PRICE
    quarter = int(hour * 4) % 96
    return price + _JITTER * _unit(day, f"q{quarter}")


def _local(instant: datetime, tz: tzinfo | None) -> datetime:
    # astimezone(None) is the process's local zone, with the offset valid at that instant.
    return instant.astimezone(tz)


def _local_midnight_utc(day: date, tz: tzinfo | None) -> datetime:
    # A naive datetime (tz None) is taken as the process's local time by astimezone.
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def day_slots(day: date, tz: tzinfo | None = None) -> list[PriceSlot]:
    """The quarters of local ``day`` in ``tz`` (None: the process's zone), 92 to 100 of them."""
    start = _local_midnight_utc(day, tz)
    stop = _local_midnight_utc(day + timedelta(days=1), tz)
    slots = []
    while start < stop:
        local_start = _local(start, tz)
        # Priced at the middle of the quarter, by local wall time.
        middle = local_start + SLOT / 2
        hour = middle.hour + middle.minute / 60.0 + middle.second / 3600.0
        price = round(price_at(day, hour), 4)
        slots.append(PriceSlot(local_start, _local(start + SLOT, tz), price))
        start += SLOT
    return slots


def price_document(now: datetime, tz: tzinfo | None = None) -> dict[str, Any]:
    """What ``GET /api/v1/prices`` serves at ``now``: today, and tomorrow from 13:00 on."""
    local_now = _local(now, tz)
    today = local_now.date()
    slots = day_slots(today, tz)
    if local_now.hour >= PUBLISH_HOUR:
        slots += day_slots(today + timedelta(days=1), tz)
    current = next(slot.price for slot in slots if slot.start <= now < slot.end)
    return {
        "currency": CURRENCY,
        "unit": UNIT,
        "current": current,
        "prices": [slot.as_json() for slot in slots],
    }
