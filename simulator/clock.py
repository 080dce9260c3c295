"""Time sources: the physics clock (seconds) and the wall clock used by schedules."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

Clock = Callable[[], float]
WallClock = Callable[[], datetime]


class ManualClock:
    """A clock that only moves when told to; for deterministic tests."""

    def __init__(self, start: float = 0.0) -> None:
        """Start the clock at ``start`` seconds."""
        self._now = start

    def __call__(self) -> float:
        """Return the current time in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            msg = "a clock cannot go backwards"
            raise ValueError(msg)
        self._now += seconds

    def set(self, now: float) -> None:
        """Jump to ``now`` seconds (never backwards)."""
        self.advance(now - self._now)


def scaled_monotonic(time_scale: float = 1.0) -> Clock:
    """Return a clock that starts at 0 and runs ``time_scale`` times faster than real time."""
    if time_scale <= 0:
        msg = "time_scale must be positive"
        raise ValueError(msg)
    origin = time.monotonic()

    def clock() -> float:
        # Looked up on each call so test tools that patch time.monotonic are honoured.
        return (time.monotonic() - origin) * time_scale

    return clock


def wall_clock_following(clock: Clock, start: datetime | None = None) -> WallClock:
    """Return a local wall clock that starts at ``start`` (default: now) and moves with ``clock``.

    This keeps schedules consistent with scaled or manual physics time: one simulated
    hour on ``clock`` is one hour on the wall clock too.
    """
    wall_origin = start if start is not None else datetime.now().astimezone()
    clock_origin = clock()

    def wall() -> datetime:
        return wall_origin + timedelta(seconds=clock() - clock_origin)

    return wall
