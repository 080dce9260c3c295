"""A last pass over the plan, judged by the execution model: hold where it pays.

The pool decides on the whole fleet in averages; the execution model follows the rotation
slot by slot (solar always charges, every battery not held covers the house). Where the plan
still leaves the house importing at a dear hour while the batteries covered it at a cheaper
hour before, holding in those cheaper hours keeps that energy for the dear one. Each round
holds the cheapest earlier hours for the dearest shortfall and keeps the change only if the
simulated cost falls, so the pass never makes a plan worse.
"""

from __future__ import annotations

from collections.abc import Sequence

from .fleet import ChargeBlock, HoldPeriod, PlanInputs
from .simulate import Outcome, simulate

_EPS = 1e-6
_ROUNDS = 8
_GAIN = 1e-4  # the least saving (currency) that keeps a change


def _periods(inputs: PlanInputs, held: set[int]) -> list[HoldPeriod]:
    slots = inputs.prices
    out: list[HoldPeriod] = []
    for index in sorted(held):
        if out and out[-1].end == slots[index].start:
            out[-1] = HoldPeriod(out[-1].start, slots[index].end)
        else:
            out.append(HoldPeriod(slots[index].start, slots[index].end))
    return out


def _held_slots(inputs: PlanInputs, holds: Sequence[HoldPeriod]) -> set[int]:
    return {
        i
        for i, slot in enumerate(inputs.prices)
        if any(h.start <= slot.start < h.end for h in holds)
    }


def refine_holds(
    inputs: PlanInputs,
    blocks: dict[str, list[ChargeBlock]],
    holds: Sequence[HoldPeriod],
    outcome: Outcome,
) -> tuple[list[HoldPeriod], Outcome]:
    """Add holds that lower the simulated cost; returns the holds and their outcome."""
    prices = [slot.price for slot in inputs.prices]
    demand = [
        max(0.0, c - s) for c, s in zip(inputs.consumption_kwh, inputs.solar_kwh, strict=True)
    ]
    held = _held_slots(inputs, holds)
    best = outcome
    for _ in range(_ROUNDS):
        flows = best.flows
        short = [
            t
            for t in range(len(prices))
            if demand[t] - flows[t].discharge_kwh > _EPS
            and flows[t].grid_charge_kwh <= _EPS
            and t not in held
        ]
        if not short:
            break
        top = max(prices[t] for t in short)
        dear = [t for t in short if prices[t] >= top - _EPS]
        missing = sum(demand[t] - flows[t].discharge_kwh for t in dear)
        givers = sorted(
            (
                s
                for s in range(dear[-1])
                if flows[s].discharge_kwh > _EPS and prices[s] < top - _EPS
            ),
            key=lambda s: (prices[s], -s),
        )
        picked: set[int] = set()
        kept = 0.0
        for slot in givers:
            if kept >= missing:
                break
            picked.add(slot)
            kept += flows[slot].discharge_kwh
        if not picked:
            break
        trial = simulate(inputs, blocks, _periods(inputs, held | picked))
        if trial.cost >= best.cost - _GAIN:
            break
        held |= picked
        best = trial
    return _periods(inputs, held), best
