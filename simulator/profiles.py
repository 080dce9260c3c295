"""Day profiles for the household meter: consumption and solar production by local wall time.

Deterministic on purpose: the same wall time always gives the same watts, so a development
household shows the same day every day and a test can compute what the meter should read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from .meter import Profile

_MINUTES_PER_HOUR = 60.0


def _hour(wall: datetime) -> float:
    """Hours since local midnight, with fractions."""
    return wall.hour + wall.minute / _MINUTES_PER_HOUR + wall.second / 3600.0


@dataclass(frozen=True, slots=True)
class Block:
    """Extra consumption of ``watts`` from ``start`` to ``end`` (hours, local time)."""

    start: float
    end: float
    watts: float

    def active(self, hour: float) -> bool:
        """Whether ``hour`` falls in [start, end)."""
        return self.start <= hour < self.end


# A household day: cooking, a kettle, a washing machine and the evening on top of a base load.
HOUSEHOLD_DAY: tuple[Block, ...] = (
    Block(7.0, 8.5, 900.0),  # breakfast, showers
    Block(7.25, 7.3, 2000.0),  # kettle
    Block(10.0, 11.5, 1800.0),  # washing machine heating
    Block(12.5, 12.55, 2000.0),  # kettle
    Block(17.5, 19.0, 2200.0),  # cooking
    Block(19.0, 23.0, 350.0),  # evening: TV, lights
)


def day_load(base_w: float = 250.0, blocks: tuple[Block, ...] = HOUSEHOLD_DAY) -> Profile:
    """Household consumption: ``base_w`` all day, a fridge cycling, plus ``blocks``."""
    if base_w < 0:
        msg = "base_w must not be negative"
        raise ValueError(msg)

    def load(wall: datetime) -> float:
        hour = _hour(wall)
        fridge = 90.0 if (wall.minute % 20) < 7 else 0.0  # noqa: PLR2004  # 7 of every 20 min
        return base_w + fridge + sum(block.watts for block in blocks if block.active(hour))

    return load


def day_solar(peak_w: float = 3500.0, sunrise: float = 7.5, sunset: float = 18.5) -> Profile:
    """Solar production on a clear day: a smooth bell from ``sunrise`` to ``sunset`` (hours)."""
    if peak_w < 0:
        msg = "peak_w must not be negative"
        raise ValueError(msg)
    if not 0.0 <= sunrise < sunset <= 24.0:  # noqa: PLR2004
        msg = "need 0 <= sunrise < sunset <= 24"
        raise ValueError(msg)

    def solar(wall: datetime) -> float:
        hour = _hour(wall)
        if not sunrise < hour < sunset:
            return 0.0
        # sin^2 gives a bell that starts and ends flat, like a panel at a low sun.
        return peak_w * math.sin(math.pi * (hour - sunrise) / (sunset - sunrise)) ** 2

    return solar
