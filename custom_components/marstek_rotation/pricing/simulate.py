"""The execution model: what a plan does to the batteries and the grid bill, slot by slot.

The planner scores its candidates with it, the stability rule re-scores the written plan
with it, and the benchmark runs every strategy through it, so all are judged alike.
The rotation is modelled as one pool: the battery with the most room takes solar surplus,
the fullest one covers the house, each within its own power limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .fleet import Battery, ChargeBlock, HoldPeriod, PlanInputs
from .model import slot_hours
from .savings import SlotFlows

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Outcome:
    """Totals of one simulated horizon (kWh and currency).

    `stored_kwh` is the pool's usable energy after each slot, `battery_kwh` each battery's at
    the end (in input order).
    """

    cost: float
    import_kwh: float
    export_kwh: float
    grid_charge_kwh: float
    stored_end_kwh: float
    flows: tuple[SlotFlows, ...]
    stored_kwh: tuple[float, ...]
    battery_kwh: tuple[float, ...] = ()


def _overlap_hours(block: ChargeBlock | HoldPeriod, start: datetime, end: datetime) -> float:
    begin = max(block.start, start)
    finish = min(block.end, end)
    return max(0.0, slot_hours(begin, finish))


def simulate(
    inputs: PlanInputs,
    blocks: Mapping[str, Sequence[ChargeBlock]],
    holds: Sequence[HoldPeriod],
    *,
    batteries: bool = True,
) -> Outcome:
    """Run a plan over the price horizon; `batteries=False` gives the house without them."""
    fleet: Sequence[Battery] = inputs.batteries if batteries else ()
    eta = inputs.round_trip**0.5
    stored = [b.usable_kwh for b in fleet]
    spans = [b.span_kwh for b in fleet]
    cost = imported = exported = bought = 0.0
    flows = []
    levels = []
    for index, slot in enumerate(inputs.prices):
        hours = slot.hours
        feed_in = inputs.feed_in_at(index)
        load = inputs.consumption_kwh[index]
        solar = inputs.solar_kwh[index]
        # Planned grid charging: a fixed draw the house meter sees.
        draws = [0.0] * len(fleet)
        for number, battery in enumerate(fleet):
            wanted = sum(
                b.power_w / 1000 * _overlap_hours(b, slot.start, slot.end)
                for b in blocks.get(battery.name, ())
            )
            draws[number] = min(wanted, (spans[number] - stored[number]) / eta)
            stored[number] += draws[number] * eta
        held = any(_overlap_hours(h, slot.start, slot.end) >= hours / 2 for h in holds)
        surplus = max(0.0, solar - load)
        # The part of the planned draw that solar surplus covers is solar charging.
        from_solar = min(surplus, sum(draws))
        surplus -= from_solar
        solar_charge = from_solar
        demand = max(0.0, load - solar)
        delivered = 0.0
        free = [n for n in range(len(fleet)) if draws[n] <= _EPS]
        for number in sorted(free, key=lambda n: stored[n] - spans[n]):
            if surplus <= _EPS:
                break
            limit = fleet[number].max_charge_w / 1000 * hours
            take = min(surplus, limit, (spans[number] - stored[number]) / eta)
            stored[number] += take * eta
            surplus -= take
            solar_charge += take
        # While any battery buys, none discharges: that would only cycle energy through them.
        if not held and sum(draws) <= _EPS:
            for number in sorted(free, key=lambda n: -stored[n]):
                if demand - delivered <= _EPS:
                    break
                limit = fleet[number].max_discharge_w / 1000 * hours
                give = min(demand - delivered, limit, stored[number] * eta)
                stored[number] -= give / eta
                delivered += give
        grid_charge = sum(draws) - from_solar
        slot_import = demand - delivered + grid_charge
        cost += slot_import * slot.price - surplus * feed_in
        imported += slot_import
        exported += surplus
        bought += grid_charge
        flows.append(SlotFlows(slot.price, feed_in, delivered, grid_charge, solar_charge))
        levels.append(sum(stored))
    return Outcome(
        cost, imported, exported, bought, sum(stored), tuple(flows), tuple(levels), tuple(stored)
    )
