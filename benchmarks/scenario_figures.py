"""Figures from Home Assistant scenario tests: run them with pytest, collect what they print.

Some figures need Home Assistant: they come from scenario tests that run the real integration
against simulated batteries, with time moved by the test clock. Each prints its figures as
`FIGURE|label|value|unit|target` lines; the tests assert the targets, here they are reported.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from .results import Result

_REPO_ROOT = Path(__file__).resolve().parents[1]
_AT_MOST = re.compile(r"^<=\s*([0-9.]+)$")


def _met(value: float, target: str) -> bool | None:
    match = _AT_MOST.match(target.strip())
    return None if match is None else value <= float(match.group(1))


def _parse(output: str, result: Result) -> int:
    count = 0
    for line in output.splitlines():
        if not line.startswith("FIGURE|"):
            continue
        _, label, value, unit, target = line.split("|", 4)
        number = float(value)
        result.add(label, number, unit, target=target, met=_met(number, target))
        count += 1
    return count


async def collect(result: Result, tests: list[str]) -> None:
    """Run `tests` (files or node ids) with pytest in a child process; add their figures."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pytest",
        *tests,
        "-q",
        "-s",
        "-p",
        "no:cacheprovider",
        "--no-cov",
        cwd=_REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    found = _parse(text, result)
    summary = [line for line in text.splitlines() if " passed" in line or " failed" in line]
    result.notes.append(f"scenario tests: {summary[-1].strip() if summary else 'no summary'}")
    if process.returncode != 0 or not found:
        tail = " | ".join(text.strip().splitlines()[-5:])
        result.error = f"the scenario tests did not pass (exit {process.returncode}): {tail}"
