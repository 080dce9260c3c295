"""The normalised price series: contiguous (start, end, price per kWh) slots."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

_SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """One price interval.

    Attributes:
        start: aware start (any timezone; compared as instants).
        end: aware end, after start.
        price: import price in currency per kWh.
        label: the tariff period ("superdal", "Rouge HP"), empty for market prices.
    """

    start: datetime
    end: datetime
    price: float
    label: str = ""

    @property
    def hours(self) -> float:
        """Length in hours (0.25 for a quarter; DST-safe, instants are subtracted)."""
        return slot_hours(self.start, self.end)

    def as_dict(self) -> dict[str, str | float]:
        """JSON-ready form for an action response or an attribute."""
        out: dict[str, str | float] = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "price": round(self.price, 5),
        }
        if self.label:
            out["label"] = self.label
        return out


def slot_hours(start: datetime, end: datetime) -> float:
    """Hours between two aware datetimes."""
    return (end - start).total_seconds() / _SECONDS_PER_HOUR


def finish(slots: Iterable[PriceSlot]) -> list[PriceSlot]:
    """Sort by start and drop duplicates (a later source entry for the same start wins)."""
    by_start: dict[datetime, PriceSlot] = {}
    for slot in slots:
        by_start[slot.start] = slot
    return [by_start[key] for key in sorted(by_start)]


def close_ends(starts: Sequence[tuple[datetime, float]]) -> list[PriceSlot]:
    """Slots from (start, price) pairs: each ends where the next starts.

    The last one gets the shortest step seen (15 or 60 min); a lone entry is one hour.
    A gap longer than that step (missing data) ends the slot after one step instead.
    """
    ordered = sorted(starts, key=lambda item: item[0])
    if not ordered:
        return []
    steps = [b[0] - a[0] for a, b in pairwise(ordered) if b[0] > a[0]]
    step = min(steps) if steps else timedelta(hours=1)
    out: list[PriceSlot] = []
    for index, (start, price) in enumerate(ordered):
        following = ordered[index + 1][0] if index + 1 < len(ordered) else start + step
        end = following if following - start <= step else start + step
        if end > start:
            out.append(PriceSlot(start, end, price))
    return finish(out)


def hourly(slots: Sequence[PriceSlot]) -> list[PriceSlot]:
    """Average quarter prices into whole hours (retail tariffs that still bill hourly).

    Hours are cut at the slot's own offset (whole hours in every European zone), so the
    repeated hour of an October clock change stays two hours. The average is time-weighted.
    """
    buckets: dict[datetime, list[PriceSlot]] = {}
    for slot in slots:
        buckets.setdefault(slot.start.replace(minute=0, second=0, microsecond=0), []).append(slot)
    out = []
    for key in sorted(buckets):
        group = buckets[key]
        weight = sum(slot.hours for slot in group)
        price = sum(slot.price * slot.hours for slot in group) / weight
        out.append(PriceSlot(key, group[-1].end, price, group[0].label))
    return out


def ending_after(slots: Sequence[PriceSlot], moment: datetime) -> list[PriceSlot]:
    """The slots still running or to come at `moment` (the planning horizon)."""
    return [slot for slot in slots if slot.end > moment]
