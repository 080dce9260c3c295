"""Counting ES.SetMode per battery per hour: the figures behind the write-budget promise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

HOUR = 3600.0
BUDGET = 12  # ES.SetMode per battery in any 60 minutes (docs/rotation.md, "Write budget")


def most_in_any_hour(times: Sequence[float]) -> int:
    """The largest number of `times` that fall within one 60-minute window."""
    ordered = sorted(times)
    best = 0
    first = 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= HOUR:
            first += 1
        best = max(best, last - first + 1)
    return best


@dataclass(frozen=True)
class WriteReport:
    """Per battery: writes in each clock hour from the start, and the most in any 60 minutes."""

    pattern: str
    hourly: Mapping[str, tuple[int, ...]]
    worst: Mapping[str, int]

    collected: ClassVar[list[WriteReport]] = []
    # Other figures the scenarios measured (two-in-Auto minutes, switches), printed after.
    notes: ClassVar[list[str]] = []

    @classmethod
    def note(cls, text: str) -> None:
        """Keep one measured figure for the end-of-run summary."""
        cls.notes.append(text)

    @classmethod
    def count(
        cls, times: Mapping[str, Sequence[float]], since: float, hours: int, pattern: str = ""
    ) -> WriteReport:
        """Count the write `times` (simulator seconds) of each battery."""
        hourly = {
            name: tuple(
                sum(1 for t in moments if since + hour * HOUR <= t < since + (hour + 1) * HOUR)
                for hour in range(hours)
            )
            for name, moments in times.items()
        }
        worst = {
            name: most_in_any_hour([t for t in moments if t >= since])
            for name, moments in times.items()
        }
        return cls(pattern, hourly, worst)

    def named(self, pattern: str) -> WriteReport:
        """The same figures under a pattern name, kept for the end-of-run summary."""
        report = WriteReport(pattern, self.hourly, self.worst)
        WriteReport.collected.append(report)
        return report

    @property
    def most(self) -> int:
        """The most writes any battery had in any 60 minutes."""
        return max(self.worst.values(), default=0)

    def line(self) -> str:
        """One line: the pattern, each battery's hourly counts and its worst 60 minutes."""
        parts = [
            f"{name} {'/'.join(str(n) for n in counts)} (worst {self.worst[name]})"
            for name, counts in self.hourly.items()
        ]
        return f"{self.pattern:<34} {'; '.join(parts)}"

    @classmethod
    def summary_lines(cls) -> list[str]:
        """Every collected report, then the worst case over all of them."""
        lines = [report.line() for report in cls.collected]
        if cls.collected:
            worst = max(cls.collected, key=lambda report: report.most)
            lines.append(
                f"worst case: {worst.most} ES.SetMode to one battery in 60 minutes "
                f"({worst.pattern}); budget {BUDGET}"
            )
        return lines + cls.notes
