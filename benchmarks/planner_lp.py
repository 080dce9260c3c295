"""The perfect-foresight optimum of a week: a linear program solved with SciPy's HiGHS.

The fleet is one store (the sum of capacities and power limits, as the planner's pool).
Per quarter: import g, export x, charge c (AC), discharge d (AC, only to the house), stored E.

    minimise  sum(price g - feed_in x)   with E_end >= the compared strategy's end energy
    subject to load - solar + c - d = g - x,   E_t = E_t-1 + eta c - d / eta,
               0 <= c <= P_charge dt, 0 <= d <= min(P_discharge dt, net use),
               0 <= x <= solar surplus,
               0 <= E <= capacity

SciPy is a benchmark-only requirement (requirements_bench.txt); it is imported lazily so the
benchmark reports its absence instead of failing to import.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from custom_components.marstek_rotation.pricing import Battery

from .planner_week import DAYS, ROUND_TRIP, Week


@dataclass(frozen=True, slots=True)
class Optimum:
    """The LP's week: cost (before valuing the end energy), kWh imported, stored at the end."""

    cost: float
    imported: float
    grid_charge: float
    end_kwh: float


def scipy_version() -> str | None:
    """SciPy's version, or None when it is not installed."""
    try:
        module: Any = importlib.import_module("scipy")
    except ImportError:
        return None
    return str(module.__version__)


def solve(week: Week, batteries: list[Battery], end_kwh: float) -> Optimum:
    """The cheapest week ending with at least `end_kwh` stored (what a strategy left).

    Comparing at equal end energy needs no guess of what stored energy is worth.
    Raises ImportError without SciPy, RuntimeError when HiGHS fails.
    """
    optimize: Any = importlib.import_module("scipy.optimize")
    sparse: Any = importlib.import_module("scipy.sparse")
    count = DAYS * 96
    eta = ROUND_TRIP**0.5
    capacity = sum(b.span_kwh for b in batteries)
    start = min(sum(b.usable_kwh for b in batteries), capacity)
    charge = sum(b.max_charge_w for b in batteries) / 1000
    discharge = sum(b.max_discharge_w for b in batteries) / 1000
    # Variable blocks: g, x, c, d, E (each `count` long).
    g, x, c, d, e = (k * count for k in range(5))
    cost = [0.0] * (5 * count)
    bounds: list[tuple[float, float | None]] = [(0.0, None)] * (5 * count)
    rows, cols, vals, rhs = [], [], [], []
    for t in range(count):
        hours = week.prices[t].hours
        cost[g + t] = week.prices[t].price
        cost[x + t] = -week.feed_in[t]
        net = week.load[t] - week.solar[t]
        bounds[c + t] = (0.0, charge * hours)
        # As the rotation: batteries cover the house's net use only, solar alone is exported.
        bounds[d + t] = (0.0, min(discharge * hours, max(0.0, net)))
        bounds[x + t] = (0.0, max(0.0, -net))
        bounds[e + t] = (0.0, capacity)
        # Energy balance at the meter: g - x - c + d = load - solar.
        row = 2 * t
        for col, val in ((g + t, 1.0), (x + t, -1.0), (c + t, -1.0), (d + t, 1.0)):
            rows.append(row)
            cols.append(col)
            vals.append(val)
        rhs.append(net)
        # Store: E_t - E_t-1 - eta c + d / eta = 0 (E_-1 = start).
        row += 1
        for col, val in ((e + t, 1.0), (c + t, -eta), (d + t, 1 / eta)):
            rows.append(row)
            cols.append(col)
            vals.append(val)
        if t:
            rows.append(row)
            cols.append(e + t - 1)
            vals.append(-1.0)
        rhs.append(start if t == 0 else 0.0)
    bounds[e + count - 1] = (min(end_kwh, capacity), capacity)
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(2 * count, 5 * count))
    result = optimize.linprog(cost, A_eq=matrix, b_eq=rhs, bounds=bounds, method="highs")
    if not result.success:
        msg = f"HiGHS: {result.message}"
        raise RuntimeError(msg)
    values = result.x
    paid = sum(
        week.prices[t].price * values[g + t] - week.feed_in[t] * values[x + t] for t in range(count)
    )
    charged_from_grid = sum(min(values[c + t], values[g + t]) for t in range(count))
    return Optimum(paid, float(sum(values[g:x])), charged_from_grid, float(values[e + count - 1]))
