"""8. The energy planner over a simulated week per tariff kind (no batteries, no network).

For each tariff kind (dynamic quarters, time-of-use, Tempo, none) one deterministic week with
a winter house (evening peak, some solar) and three Venus E batteries runs three ways through
the same execution model: today's fixed night window (01:00-07:00 in Manual, charging to the
package's target), our planner (re-planned every hour on the prices known then, with the
week's real use and solar as its forecast), and the perfect-foresight optimum (a linear
program, SciPy HiGHS). Energy left at the end is not guessed at a price: each strategy is
compared with the optimum that ends the week with at least as much stored. Also: the
planner's run time for 192 quarters and 6 batteries, and the most mode changes or schedule
rewrites to one battery in any hour.
"""

from __future__ import annotations

import statistics
import time

from custom_components.marstek_rotation.pricing import PlanInputs, plan

from .planner_lp import scipy_version, solve
from .planner_week import (
    ROUND_TRIP,
    WEEKS,
    Week,
    dynamic_week,
    fixed_policy,
    fleet,
    planner_policy,
)
from .planner_week import run as run_week
from .results import Result, Table
from .settings import Settings

NAME = "planner"
TITLE = "energy planner: a week per tariff kind against today's night window and the optimum"

_GAP_TARGET = 0.02
_RUNTIME_TARGET_MS = 50.0
_WRITE_TARGET = 12


def _runtime_ms(repeats: int) -> list[float]:
    """plan() on 192 quarters (two days of dynamic prices) with 6 batteries."""
    week = dynamic_week()
    horizon = slice(0, 192)
    inputs = PlanInputs(
        week.prices[horizon],
        fleet(6),
        week.load[horizon],
        week.solar[horizon],
        feed_in=week.feed_in[horizon],
        round_trip=ROUND_TRIP,
    )
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        plan(inputs)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _week_rows(week: Week, result: Result, *, lp: bool) -> list[list[object]]:
    batteries = fleet()
    count = 7 * 96
    bare = sum(
        max(0.0, week.load[t] - week.solar[t]) * week.prices[t].price
        - max(0.0, week.solar[t] - week.load[t]) * week.feed_in[t]
        for t in range(count)
    )
    bought = sum(max(0.0, week.load[t] - week.solar[t]) for t in range(count))
    rows: list[list[object]] = [
        [week.kind, "no batteries", round(bought, 2), 0.0, round(bare, 2), 0.0, "", "", ""]
    ]
    for policy, name in ((fixed_policy, "fixed night 01-07"), (planner_policy, "planner")):
        strategy = run_week(week, policy, name, batteries)
        writes = strategy.most_writes_in_an_hour()
        best = solve(week, batteries, strategy.end_kwh) if lp else None
        gap = None if best is None else (strategy.cost - best.cost) / abs(best.cost)
        rows.append(
            [
                week.kind,
                name,
                round(strategy.imported, 2),
                round(strategy.grid_charge, 2),
                round(strategy.cost, 2),
                round(bare - strategy.cost, 2),
                "" if gap is None else f"{gap:+.1%}",
                round(strategy.end_kwh, 2),
                writes,
            ]
        )
        if best is not None:
            rows.append(
                [
                    week.kind,
                    "  optimum, same end energy",
                    round(best.imported, 2),
                    round(best.grid_charge, 2),
                    round(best.cost, 2),
                    round(bare - best.cost, 2),
                    "",
                    round(best.end_kwh, 2),
                    "",
                ]
            )
        if name == "planner":
            if gap is not None:
                result.add(
                    f"{week.kind}: planner cost gap to the optimum",
                    gap * 100,
                    "%",
                    target="<= 2 %",
                    met=gap <= _GAP_TARGET,
                    digits=2,
                )
                share = (
                    (bare - strategy.cost) / (bare - best.cost)
                    if best and bare != best.cost
                    else 1.0
                )
                result.add(
                    f"{week.kind}: planner share of the optimum's savings",
                    share * 100,
                    "%",
                    digits=1,
                )
            result.add(
                f"{week.kind}: most writes to one battery in an hour",
                writes,
                target=f"<= {_WRITE_TARGET}",
                met=writes <= _WRITE_TARGET,
            )
    return rows


async def run_benchmark(settings: Settings) -> Result:
    """Run the weeks and the timing; figures are reported, never asserted."""
    result = Result(NAME, TITLE)
    version = scipy_version()
    result.parameters = {
        "batteries": "3 x Venus E 5.12 kWh, 2500 W, start 30 % SOC, min 10 %",
        "round trip": ROUND_TRIP,
        "week": "7 days of 15-min slots per tariff kind",
        "forecast": "the week's real use and solar (perfect forecast for the planner too)",
        "scipy": version or "not installed (pip install -r requirements_bench.txt)",
    }
    times = _runtime_ms(settings.size(quick=5, full=25))
    median = statistics.median(times)
    result.add(
        "planner run time, 192 quarters x 6 batteries (median)",
        median,
        "ms",
        target=f"< {_RUNTIME_TARGET_MS:.0f} ms",
        met=median < _RUNTIME_TARGET_MS,
        digits=1,
    )
    result.add("planner run time, slowest of the runs", max(times), "ms", digits=1)
    weeks = WEEKS[:2] if settings.quick else WEEKS
    rows: list[list[object]] = []
    for make in weeks:
        rows.extend(_week_rows(make(), result, lp=version is not None))
    result.tables.append(
        Table(
            "a week per tariff kind (cost and savings in the tariff's currency)",
            (
                "tariff",
                "strategy",
                "kWh imported",
                "kWh bought to store",
                "cost",
                "saved",
                "gap to optimum",
                "kWh left",
                "max writes/h",
            ),
            rows,  # type: ignore[arg-type]
        )
    )
    if version is None:
        result.notes.append(
            "SciPy is not installed: no optimum column (pip install -r requirements_bench.txt)"
        )
    return result


run = run_benchmark
