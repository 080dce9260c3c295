"""The energy planner: charge blocks per battery, hold periods and the reason, from prices.

Pure and deterministic: the same inputs give the same plan. It writes nothing; the caller
(the package, through an action) writes the blocks as Manual schedule slots.

Rules (docs/pricing.md has them in one table):

1. Stored energy and solar serve the house first; only what they cannot cover is a deficit.
2. The deficit is bought only where the price beats the hour it serves by the round-trip loss
   plus the cycle cost; a flat price day never buys.
3. Bought energy comes in the cheapest contiguous block per charging gap, per battery, most
   room first, at a constant power the battery can deliver (never scattered quarters).
4. Negative prices: fill the room nothing else needs, and say so.
5. Hold (no discharge) only where the stored energy serves a dearer hour later.
6. A candidate is kept only if the simulation says it beats plain self-consumption, and it
   replaces the written plan only if it saves `replace_margin` more (no flip-flopping).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .allocate import Pool
from .fleet import (
    Battery,
    BatteryPlan,
    ChargeBlock,
    HoldPeriod,
    Plan,
    PlanInputs,
    Reason,
    power_for,
)
from .model import PriceSlot
from .reasons import explain
from .refine import refine_holds
from .simulate import Outcome, simulate

_EPS = 1e-6
_MIN_BLOCK_KWH = 0.05
_MIN_HOLD_KWH = 0.05

__all__ = ["Battery", "BatteryPlan", "ChargeBlock", "HoldPeriod", "Plan", "PlanInputs", "plan"]


@dataclass(frozen=True, slots=True)
class _Candidate:
    blocks: dict[str, list[ChargeBlock]]
    holds: list[HoldPeriod]
    outcome: Outcome


def _check(inputs: PlanInputs) -> None:
    count = len(inputs.prices)
    if len(inputs.consumption_kwh) != count or len(inputs.solar_kwh) != count:
        msg = "consumption_kwh and solar_kwh need one value per price slot"
        raise ValueError(msg)
    if not 0 < inputs.round_trip <= 1:
        msg = "round_trip must be in (0, 1]"
        raise ValueError(msg)


def _pool(inputs: PlanInputs) -> Pool:
    eta = inputs.round_trip**0.5
    prices = [slot.price for slot in inputs.prices]
    hours = [slot.hours for slot in inputs.prices]
    charge_w = sum(b.max_charge_w for b in inputs.batteries)
    discharge_w = sum(b.max_discharge_w for b in inputs.batteries)
    net = [c - s for c, s in zip(inputs.consumption_kwh, inputs.solar_kwh, strict=True)]
    return Pool(
        prices=prices,
        feed_in=[inputs.feed_in_at(i) for i in range(len(prices))],
        demand=[max(0.0, n) for n in net],
        surplus=[max(0.0, -n) for n in net],
        capacity=sum(b.span_kwh for b in inputs.batteries),
        stored=min(
            sum(b.usable_kwh for b in inputs.batteries),
            sum(b.span_kwh for b in inputs.batteries),
        ),
        charge_limit=[charge_w / 1000 * h * eta for h in hours],
        discharge_limit=[discharge_w / 1000 * h for h in hours],
        eta=eta,
        cycle_cost=inputs.cycle_cost,
    )


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last + 1) of every run of True."""
    runs = []
    start = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _holds(pool: Pool, slots: Sequence[PriceSlot]) -> list[HoldPeriod]:
    """Hours the house needs energy, the pool holds some, and it serves a dearer hour later."""
    count = len(slots)
    dearest_later = [0.0] * (count + 1)
    dearest_later[count] = -math.inf
    for index in range(count - 1, -1, -1):
        served = pool.served[index] > _EPS
        here = pool.prices[index] if served else -math.inf
        dearest_later[index] = max(dearest_later[index + 1], here)
    flags = [
        pool.demand[i] > _EPS
        and pool.served[i] <= _EPS
        and (pool.level[i - 1] if i else pool.stored) > _MIN_HOLD_KWH
        and dearest_later[i + 1] > pool.prices[i] + _EPS
        for i in range(count)
    ]
    return [HoldPeriod(slots[a].start, slots[b - 1].end) for a, b in _runs(flags)]


def _gaps(pool: Pool) -> list[tuple[int, int, float]]:
    """(first, last + 1, stored kWh to buy) per stretch in which the batteries only charge.

    Stretches start between two discharging hours. Two neighbours merge when the hours
    between them are worth less than what is bought around them after the round-trip loss:
    covering those hours from the batteries only to buy the energy back at the same price
    wastes the loss (and scatters the charge), so the merged block runs through them.
    """
    # A slot that buys is never a discharging one (a charging battery does not discharge).
    serving = [
        served > _EPS and bought <= _EPS
        for served, bought in zip(pool.served, pool.grid, strict=True)
    ]
    gaps: list[list[float]] = []
    loss = pool.eta * pool.eta
    for first, last in _runs([not s for s in serving]):
        energy = sum(pool.grid[first:last])
        if energy <= _EPS:
            continue
        dearest = max(pool.prices[t] for t in range(first, last) if pool.grid[t] > _EPS)
        if gaps:
            previous = gaps[-1]
            between = max(pool.prices[int(previous[1]) : first], default=-math.inf)
            if between * loss <= max(previous[3], dearest):
                gaps[-1] = [previous[0], last, previous[2] + energy, max(previous[3], dearest)]
                continue
        gaps.append([first, last, energy, dearest])
    return [(int(g[0]), int(g[1]), g[2]) for g in gaps if g[2] > _MIN_BLOCK_KWH]


def _cheapest_window(
    prices: Sequence[float], hours: Sequence[float], first: int, last: int, length: int
) -> int:
    """Start index of the cheapest run of `length` slots in [first, last) (latest on ties)."""
    best_index, best_cost = first, math.inf
    for index in range(first, last - length + 1):
        cost = sum(
            p * h
            for p, h in zip(
                prices[index : index + length], hours[index : index + length], strict=True
            )
        )
        if cost <= best_cost + _EPS:
            best_index, best_cost = index, cost
    return best_index


def _block(
    pool: Pool,
    hours: Sequence[float],
    gap: tuple[int, int],
    grid_kwh: float,
    *,
    limit_w: float,
    sun: list[float],
) -> tuple[int, int, int, float]:
    """(start, length, power W, kWh it buys) of the cheapest block for up to `grid_kwh`.

    Solar surplus in the block feeds the charging battery first (the meter sees the block's
    power as load), so the block's power covers that surplus on top of the energy to buy. When
    the surplus leaves too little room, the block buys less and the next battery takes the
    rest; it grows into dearer hours only when it could buy almost nothing.
    """
    first, last = gap
    per_slot = limit_w / 1000
    length = max(1, min(last - first, math.ceil(grid_kwh / (per_slot * hours[first]) - _EPS)))
    while True:
        start = _cheapest_window(pool.prices, hours, first, last, length)
        window = range(start, start + length)
        span = sum(hours[i] for i in window)
        solar = sum(sun[i] for i in window)
        fits = min(grid_kwh, per_slot * span - solar)
        if fits >= _MIN_BLOCK_KWH or length >= last - first:
            return start, length, power_for(max(fits, 0.0) + solar, span, limit_w), fits
        length += 1


def _blocks(pool: Pool, inputs: PlanInputs) -> dict[str, list[ChargeBlock]]:
    """Turn the pool's bought energy into one contiguous block per battery per gap."""
    slots = inputs.prices
    hours = [slot.hours for slot in slots]
    eta = pool.eta
    sun = list(pool.surplus)  # AC solar surplus not yet taken by a planned block
    out: dict[str, list[ChargeBlock]] = {b.name: [] for b in inputs.batteries}
    now_room = sum(b.room_kwh for b in inputs.batteries)
    for number, (first, last, energy) in enumerate(_gaps(pool)):
        # The room at the gap: today's room, changed by what the pool gave and took before it,
        # spread over the batteries by their span.
        free = pool.capacity - (pool.level[first - 1] if first else pool.stored)
        change = (free - now_room) / pool.capacity if pool.capacity > 0 else 0.0
        room = {b.name: max(0.0, b.room_kwh + change * b.span_kwh) for b in inputs.batteries}
        left = energy + (inputs.margin_kwh * eta if number == 0 else 0.0)
        for battery in sorted(inputs.batteries, key=lambda b: (-room[b.name], b.name)):
            step = battery.max_charge_w / 1000 * eta  # stored kWh per hour at full power
            take = min(left, room[battery.name], step * sum(hours[first:last]))
            if take < _MIN_BLOCK_KWH or step <= 0:
                continue
            start, length, power, fits = _block(
                pool, hours, (first, last), take / eta, limit_w=battery.max_charge_w, sun=sun
            )
            if fits < _MIN_BLOCK_KWH:
                continue
            take = min(take, fits * eta)
            bought = 0.0
            cost = 0.0
            for i in range(start, start + length):
                draw = power / 1000 * hours[i]
                from_sun = min(sun[i], draw)
                sun[i] -= from_sun
                bought += draw - from_sun
                cost += (draw - from_sun) * pool.prices[i]
            block = ChargeBlock(
                slots[start].start, slots[start + length - 1].end, power, bought, cost
            )
            out[battery.name].append(block)
            left -= take
            if left < _MIN_BLOCK_KWH:
                break
    for name, blocks in out.items():
        kept = sorted(blocks, key=lambda b: -b.energy_kwh)[: inputs.max_blocks]
        out[name] = sorted(kept, key=lambda b: b.start)
    return out


def _best(inputs: PlanInputs, pool: Pool) -> _Candidate:
    """The cheapest of: the full plan, its blocks alone, its holds alone, nothing."""
    blocks = _blocks(pool, inputs)
    holds = _holds(pool, inputs.prices)
    nothing: dict[str, list[ChargeBlock]] = {}
    options = [(nothing, []), (nothing, holds), (blocks, []), (blocks, holds)]
    best: _Candidate | None = None
    for option_blocks, option_holds in options:
        outcome = simulate(inputs, option_blocks, option_holds)
        # A more active plan must save at least a cent's worth to be worth doing.
        if best is None or outcome.cost < best.outcome.cost - 0.005:
            best = _Candidate(option_blocks, option_holds, outcome)
    assert best is not None  # noqa: S101 - options is never empty
    holds_after, outcome = refine_holds(inputs, best.blocks, best.holds, best.outcome)
    return _Candidate(best.blocks, holds_after, outcome)


def plan(inputs: PlanInputs, previous_plan: Plan | None = None) -> Plan:
    """Plan the batteries over the price horizon.

    Args:
        inputs: prices, batteries, expected use and solar, efficiency and margins.
        previous_plan: the plan written to the batteries, if any. It stays (re-scored on the
            new inputs) unless the new plan saves `inputs.replace_margin` more.
    """
    _check(inputs)
    without = simulate(inputs, {}, [], batteries=False)
    plain = simulate(inputs, {}, [])
    if not inputs.prices:
        return _finish(
            inputs,
            chosen=_Candidate({}, [], plain),
            without=without,
            plain=plain,
            deficit=0.0,
            kept=None,
        )
    pool = _pool(inputs)
    pool.serve_all()
    deficit = sum(pool.demand) - sum(pool.served) + sum(pool.grid) * pool.eta
    pool.fill_negative()
    chosen = _best(inputs, pool)
    kept = None
    if previous_plan is not None:
        old_blocks = {bp.name: list(bp.blocks) for bp in previous_plan.batteries}
        old = simulate(inputs, old_blocks, list(previous_plan.holds))
        if old.cost <= chosen.outcome.cost + inputs.replace_margin:
            kept = chosen.outcome.cost - old.cost
            chosen = _Candidate(old_blocks, list(previous_plan.holds), old)
    return _finish(inputs, chosen=chosen, without=without, plain=plain, deficit=deficit, kept=kept)


def _finish(
    inputs: PlanInputs,
    *,
    chosen: _Candidate,
    without: Outcome,
    plain: Outcome,
    deficit: float,
    kept: float | None,
) -> Plan:
    holds = tuple(chosen.holds)
    batteries = tuple(
        BatteryPlan(b.name, tuple(chosen.blocks.get(b.name, ())), holds) for b in inputs.batteries
    )
    reason: Reason = explain(inputs, batteries, holds, deficit, kept)
    return Plan(
        batteries=batteries,
        holds=holds,
        expected_cost=chosen.outcome.cost,
        cost_without_batteries=without.cost,
        cost_self_consumption=plain.cost,
        grid_charge_kwh=chosen.outcome.grid_charge_kwh,
        deficit_kwh=max(0.0, deficit),
        reason=reason,
    )
