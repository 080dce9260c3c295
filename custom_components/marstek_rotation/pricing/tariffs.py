"""Tariffs without a price feed: time-of-use periods and EDF Tempo colours.

Both become the same slot series as a market price source, so the planner needs no special
case for them. Tariff `none` is simply no slots: the planner then never buys energy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .model import PriceSlot

_STEP = timedelta(minutes=15)
_WEEKEND = 5  # Saturday is weekday() 5
DAYS = ("all", "weekdays", "weekends")


@dataclass(frozen=True, slots=True)
class TouPeriod:
    """One time-of-use period: a price on some days between two clock times.

    `end` before `start` wraps past midnight (22:00-01:00). A slot belongs to the first
    period that matches its local day (weekday or weekend) and clock time.
    """

    name: str
    start: time
    end: time
    price: float
    days: str = "all"

    def matches(self, moment: datetime) -> bool:
        """Whether a local moment falls in this period."""
        weekend = moment.weekday() >= _WEEKEND
        if (self.days == "weekdays" and weekend) or (self.days == "weekends" and not weekend):
            return False
        clock = moment.time().replace(tzinfo=None)
        if self.start == self.end:
            return True  # the whole day
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


def _quarters(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """Local quarter slots from start to end, stepping in UTC so DST days come out right."""
    cursor = start.astimezone(UTC)
    cursor -= timedelta(
        minutes=cursor.minute % 15, seconds=cursor.second, microseconds=cursor.microsecond
    )
    stop = end.astimezone(UTC)
    out = []
    while cursor < stop:
        out.append((cursor.astimezone(tz), (cursor + _STEP).astimezone(tz)))
        cursor += _STEP
    return out


def time_of_use_series(
    periods: Sequence[TouPeriod],
    other_price: float,
    *,
    start: datetime,
    end: datetime,
    tz: tzinfo,
    other_name: str = "peak",
) -> list[PriceSlot]:
    """Quarter slots from start to end priced by the first matching period (else `other`)."""
    for period in periods:
        if period.days not in DAYS:
            msg = f"period {period.name}: days must be one of {DAYS}"
            raise ValueError(msg)
    slots = []
    for begin, finish in _quarters(start, end, tz):
        match = next((p for p in periods if p.matches(begin)), None)
        if match is None:
            slots.append(PriceSlot(begin, finish, other_price, other_name))
        else:
            slots.append(PriceSlot(begin, finish, match.price, match.name))
    return slots


@dataclass(frozen=True, slots=True)
class TempoPrices:
    """The six Tempo prices per kWh: off-peak (HC) and peak (HP) for each colour."""

    blue_offpeak: float
    blue_peak: float
    white_offpeak: float
    white_peak: float
    red_offpeak: float
    red_peak: float

    def price(self, colour: str, *, offpeak: bool) -> float:
        """The price of a colour ("blue", "white", "red") in off-peak or peak hours."""
        name = f"{colour}_{'offpeak' if offpeak else 'peak'}"
        value: float = getattr(self, name)
        return value


# The states of the common integrations (rtetempo: Bleu/Blanc/Rouge/inconnu) and others.
_COLOURS = {
    "bleu": "blue", "blue": "blue", "🔵": "blue", "1": "blue",
    "blanc": "white", "white": "white", "⚪": "white", "2": "white",
    "rouge": "red", "red": "red", "🔴": "red", "3": "red",
}  # fmt: skip


# The six prices' names, as the household file, the set-up and the action spell them.
TEMPO_PRICE_KEYS = tuple(field.name for field in fields(TempoPrices))


def tempo_colour(state: object) -> str | None:
    """The colour as "blue", "white" or "red"; None when unknown or not yet published."""
    return _COLOURS.get(str(state).strip().lower()) if state is not None else None


PARIS = ZoneInfo("Europe/Paris")


def tempo_series(
    now: datetime,
    today_colour: object,
    tomorrow_colour: object,
    prices: TempoPrices,
    *,
    tz: tzinfo = PARIS,
    offpeak_start: time = time(22, 0),
    day_change: time = time(6, 0),
) -> list[PriceSlot]:
    """Quarter slots from the start of the current Tempo day to the end of the last known one.

    A Tempo day runs from 06:00 to 06:00; its off-peak hours are 22:00-06:00 at that day's
    colour. `today_colour` is the current Tempo day's, `tomorrow_colour` the next one's
    (unknown until RTE publishes it around 11:00: the series then stops after today).
    """
    local = now.astimezone(tz)
    day = local.date() if local.time() >= day_change else local.date() - timedelta(days=1)
    colours = [tempo_colour(today_colour), tempo_colour(tomorrow_colour)]
    slots: list[PriceSlot] = []
    for offset, colour in enumerate(colours):
        if colour is None:
            break
        begin_day = day + timedelta(days=offset)
        begin = datetime.combine(begin_day, day_change, tz)
        finish = datetime.combine(begin_day + timedelta(days=1), day_change, tz)
        for start, end in _quarters(begin, finish, tz):
            clock = start.time().replace(tzinfo=None)
            offpeak = clock >= offpeak_start or clock < day_change
            label = f"{colour}_{'offpeak' if offpeak else 'peak'}"
            slots.append(PriceSlot(start, end, prices.price(colour, offpeak=offpeak), label))
    return slots
