"""Small summaries of measured values: spread (min / median / max) and gaps."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Spread:
    """Minimum, median, maximum and mean of a non-empty series."""

    count: int
    minimum: float
    median: float
    maximum: float
    mean: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread | None:
        """Summarise `values`; None when there are none."""
        series = list(values)
        if not series:
            return None
        return cls(
            count=len(series),
            minimum=min(series),
            median=statistics.median(series),
            maximum=max(series),
            mean=statistics.fmean(series),
        )

    def scaled(self, factor: float) -> Spread:
        """The same spread in another unit (for example seconds to milliseconds)."""
        return Spread(
            count=self.count,
            minimum=self.minimum * factor,
            median=self.median * factor,
            maximum=self.maximum * factor,
            mean=self.mean * factor,
        )


def gaps(times: Sequence[float]) -> list[float]:
    """Differences between consecutive times (one fewer than the times)."""
    return [later - earlier for earlier, later in itertools.pairwise(times)]
