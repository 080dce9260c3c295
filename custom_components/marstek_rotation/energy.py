"""Charged and discharged energy, integrated from the battery's grid power between polls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Samples further apart than this are not joined: an outage must not invent energy.
MAX_GAP_S: Final = 600.0
_SECONDS_PER_HOUR: Final = 3600.0
_W_PER_KW: Final = 1000.0


@dataclass(slots=True)
class EnergyCounter:
    """kWh moved in one direction, by trapezoids between consecutive plausible readings.

    Attributes:
        direction: +1 counts delivery (positive grid power), -1 counts charging.
        total_kwh: the running total.
    """

    direction: int
    total_kwh: float = 0.0
    _last: tuple[float, float] | None = field(default=None, repr=False)

    def add(self, monotonic: float, power_w: int | None) -> None:
        """Take a reading taken at `monotonic` seconds; None is an impossible or missing one.

        Time comes from the monotonic clock, so a wall-clock step adds nothing. A missing
        reading breaks the chain: the next reading starts a new one rather than joining
        across it.
        """
        if power_w is None:
            self._last = None
            return
        power = max(0.0, self.direction * power_w)
        if self._last is not None:
            previous_at, previous_power = self._last
            if monotonic == previous_at:
                return  # the same poll again (an optimistic mode update)
            gap = monotonic - previous_at
            if 0 < gap <= MAX_GAP_S:
                self.total_kwh += (previous_power + power) / 2 * gap / _SECONDS_PER_HOUR / _W_PER_KW
        self._last = (monotonic, power)
