"""What a benchmark hands back: headline figures, detail tables and notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .stats import Spread

type Scalar = int | float | str | bool | None


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured value, with the design target it is compared against (for reading only).

    Attributes:
        label: what was measured.
        value: a number, a text, or a spread (min / median / max).
        unit: unit of `value`.
        target: the design target in words ("exactly 1", "< 1000 µs"), or empty.
        met: whether the measurement meets the target; None when there is no target.
        digits: decimals shown for floats.
    """

    label: str
    value: Scalar | Spread
    unit: str = ""
    target: str = ""
    met: bool | None = None
    digits: int = 3


@dataclass(frozen=True, slots=True)
class Table:
    """Detail rows (one per case: a timeout, a kind of datagram ...)."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Scalar]]


@dataclass(slots=True)
class Result:
    """Everything one benchmark measured.

    Attributes:
        name: the `--only` name.
        title: one line saying what is measured.
        parameters: sizes and settings the figures depend on.
        figures: headline values.
        tables: detail tables.
        notes: remarks (anything unexpected seen while measuring).
        seconds: wall time the benchmark took.
        error: why the benchmark could not finish, or None.
    """

    name: str
    title: str
    parameters: dict[str, Scalar] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def add(
        self,
        label: str,
        value: Scalar | Spread,
        unit: str = "",
        *,
        target: str = "",
        met: bool | None = None,
        digits: int = 3,
    ) -> None:
        """Append a figure."""
        self.figures.append(Figure(label, value, unit, target, met, digits))

    @property
    def targets_met(self) -> bool:
        """True when it finished and every figure with a target meets it."""
        return self.error is None and all(f.met is not False for f in self.figures)
