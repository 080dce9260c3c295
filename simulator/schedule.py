"""Manual-mode schedule slots and the passive-mode setpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

SLOT_COUNT = 10
ALL_DAYS = 0b1111111
_SECONDS_PER_MINUTE = 60
_MINUTES_PER_DAY = 24 * 60
_BOUNDARY_OVERSHOOT = 0.001
_HH_MM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_hh_mm(text: str) -> int | None:
    """Return minutes since midnight for ``"HH:MM"``, or ``None`` if it is not a valid time."""
    match = _HH_MM.match(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:  # noqa: PLR2004
        return None
    return hours * 60 + minutes


def _runs_on(week_set: int, day: datetime) -> bool:
    # bit0 = Monday ... bit6 = Sunday, matching datetime.weekday().
    return bool(week_set & (1 << day.weekday()))


@dataclass(frozen=True, slots=True)
class ManualSlot:
    """One of the ten Manual-mode slots (``time_num`` 0-9).

    ``power`` is signed like the API: negative = charge, positive = discharge.
    """

    start: str = "00:00"
    end: str = "00:00"
    week_set: int = 0
    power: int = 0
    enabled: bool = False

    def is_active(self, now: datetime) -> bool:
        """Tell whether the slot governs the battery at local wall time ``now``.

        The window is [start, end) at minute resolution. An end before the start
        runs past midnight; the part after midnight belongs to the start day.
        """
        start = parse_hh_mm(self.start)
        end = parse_hh_mm(self.end)
        if not self.enabled or start is None or end is None or start == end:
            return False
        minute_of_day = now.hour * 60 + now.minute
        if start < end:
            return start <= minute_of_day < end and _runs_on(self.week_set, now)
        if minute_of_day >= start:
            return _runs_on(self.week_set, now)
        return minute_of_day < end and _runs_on(self.week_set, now - timedelta(days=1))


def empty_slots() -> tuple[ManualSlot, ...]:
    """Ten disabled slots, as a factory-fresh device has."""
    return tuple(ManualSlot() for _ in range(SLOT_COUNT))


def seconds_to_next_boundary(slots: tuple[ManualSlot, ...], now: datetime) -> float | None:
    """Seconds until just after a slot may start or stop (its start, its end, or midnight).

    The result overshoots the boundary by a millisecond so that wall times, which
    carry microsecond rounding, are certainly past it. None when no slot is enabled:
    then nothing in the schedule ever changes.
    """
    enabled = [slot for slot in slots if slot.enabled]
    if not enabled:
        return None
    minutes = {0}  # midnight: the day of the week changes
    for slot in enabled:
        minutes.update(m for m in (parse_hh_mm(slot.start), parse_hh_mm(slot.end)) if m is not None)
    into_minute = now.second + now.microsecond / 1_000_000
    minute_of_day = now.hour * 60 + now.minute
    waits = []
    for minute in minutes:
        ahead = (minute - minute_of_day) % _MINUTES_PER_DAY
        wait = ahead * _SECONDS_PER_MINUTE - into_minute
        waits.append(wait if wait > 0 else wait + _MINUTES_PER_DAY * _SECONDS_PER_MINUTE)
    return min(waits) + _BOUNDARY_OVERSHOOT


@dataclass(frozen=True, slots=True)
class PassiveState:
    """The last accepted passive setpoint.

    Attributes:
        power: W, negative = charge, positive = discharge.
        cd_time: the countdown that was requested, s.
        remaining: seconds left, or ``None`` once the countdown ran out (or the mode changed).
    """

    power: int
    cd_time: int
    remaining: float | None
