"""When a battery that stops answering counts as away, and how often it is asked then.

Pure bookkeeping (no Home Assistant, no I/O), so the policy is tested in milliseconds.
The rules (README, "How data updates"): values survive two missed polls; the third marks the
battery unreachable. While unreachable it is asked again after 5 minutes and then every 10
minutes, so a battery that dies costs at most a dozen datagrams in its first hour; after 30
minutes away a repair issue is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .const import (
    MISSED_POLLS_BEFORE_UNAVAILABLE,
    UNREACHABLE_INTERVALS,
    UNREACHABLE_REPAIR_AFTER,
)


class Availability:
    """The missed-poll count of one battery and what follows from it."""

    def __init__(self, base_interval: timedelta) -> None:
        """Start as reachable, polled every `base_interval`."""
        self.base_interval = base_interval
        self.missed_polls = 0
        self.unreachable_since: datetime | None = None

    @property
    def reachable(self) -> bool:
        """False from the poll that marks the battery unavailable until it answers again."""
        return self.missed_polls < MISSED_POLLS_BEFORE_UNAVAILABLE

    @property
    def interval(self) -> timedelta:
        """How long until the next poll: the configured interval, or the backoff while away."""
        if self.unreachable_since is None:
            return self.base_interval
        step = self.missed_polls - MISSED_POLLS_BEFORE_UNAVAILABLE
        backoff = UNREACHABLE_INTERVALS[max(0, min(step, len(UNREACHABLE_INTERVALS) - 1))]
        return max(self.base_interval, backoff)

    def missed(self, now: datetime) -> None:
        """A poll got no answer at `now`."""
        self.missed_polls += 1
        if self.unreachable_since is None:
            self.unreachable_since = now

    def repair_due(self, now: datetime) -> bool:
        """Whether the battery has been away long enough for a repair issue."""
        since = self.unreachable_since
        return since is not None and now - since >= UNREACHABLE_REPAIR_AFTER

    def answered(self) -> bool:
        """A poll was answered; returns whether polls had been missed before it."""
        was_missing = self.unreachable_since is not None
        self.missed_polls = 0
        self.unreachable_since = None
        return was_missing
