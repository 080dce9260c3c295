"""What the coordinator publishes after each answered poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .pymarstek import ModeStatus


@dataclass(frozen=True, slots=True)
class MarstekData:
    """What one successful poll produced.

    Attributes:
        status: the `ES.GetMode` reading (impossible values already None).
        read_at: when the reply arrived (wall clock, for display).
        monotonic: when the reply arrived on the monotonic clock (for energy: a wall-clock
            step must not invent energy).
        response_time: seconds between request and reply, when known.
        rated_capacity: the configured rated capacity, kWh.
    """

    status: ModeStatus
    read_at: datetime
    monotonic: float
    response_time: float | None
    rated_capacity: float
