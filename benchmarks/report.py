"""Rendering results as text tables or as one JSON document, and writing them out."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any

from .results import Figure, Result, Scalar, Table
from .stats import Spread


def report(text: str, *, error: bool = False) -> None:
    """Write one block of text (a newline is added) to stdout, or to stderr for progress."""
    stream = sys.stderr if error else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def format_scalar(value: Scalar, digits: int | None = 3) -> str:
    """A value as shown; floats with `digits` decimals, or as short as possible for None."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if digits is None else f"{value:.{digits}f}"
    return str(value)


def _format_value(figure: Figure) -> str:
    value = figure.value
    if isinstance(value, Spread):
        parts = (value.minimum, value.median, value.maximum)
        text = " / ".join(format_scalar(float(p), figure.digits) for p in parts)
        text = f"{text} (n={value.count})"
    else:
        text = format_scalar(value, figure.digits)
    return f"{text} {figure.unit}".rstrip()


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines


def _figure_lines(figures: Sequence[Figure]) -> list[str]:
    header = ("figure", "value", "target", "met")
    rows = [(f.label, _format_value(f), f.target or "-", format_scalar(f.met)) for f in figures]
    return _grid(header, rows)


def _table_lines(table: Table) -> list[str]:
    rows = [tuple(format_scalar(cell, None) for cell in row) for row in table.rows]
    return ["", f"  {table.title}:", *_grid(table.columns, rows, indent="    ")]


def render_text(result: Result) -> str:
    """One benchmark as a text block."""
    params = ", ".join(f"{key}={format_scalar(value)}" for key, value in result.parameters.items())
    lines = [f"== {result.name}: {result.title}", f"   ({params}; took {result.seconds:.1f} s)"]
    if result.error is not None:
        lines.append(f"  FAILED: {result.error}")
    if result.figures:
        lines.extend(_figure_lines(result.figures))
    for table in result.tables:
        lines.extend(_table_lines(table))
    lines.extend(f"  note: {note}" for note in result.notes)
    return "\n".join(lines) + "\n"


def _json_value(value: Scalar | Spread) -> Any:
    if isinstance(value, Spread):
        return {
            "count": value.count,
            "min": value.minimum,
            "median": value.median,
            "max": value.maximum,
            "mean": value.mean,
        }
    return value


def result_to_json(result: Result) -> dict[str, Any]:
    """One benchmark as a JSON-ready object."""
    return {
        "name": result.name,
        "title": result.title,
        "parameters": result.parameters,
        "seconds": round(result.seconds, 3),
        "error": result.error,
        "targets_met": result.targets_met,
        "figures": [
            {
                "label": f.label,
                "value": _json_value(f.value),
                "unit": f.unit,
                "target": f.target or None,
                "met": f.met,
            }
            for f in result.figures
        ],
        "tables": [
            {"title": t.title, "columns": list(t.columns), "rows": [list(r) for r in t.rows]}
            for t in result.tables
        ],
        "notes": result.notes,
    }


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def render_json(results: Sequence[Result], *, quick: bool, port: int, seconds: float) -> str:
    """The whole run as one JSON document."""
    document = {
        "machine": machine(),
        "quick": quick,
        "port": port,
        "seconds": round(seconds, 3),
        "results": [result_to_json(r) for r in results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
