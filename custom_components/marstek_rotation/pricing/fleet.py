"""Plan inputs and outputs: batteries, charge blocks, hold periods, the plan itself."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from .model import PriceSlot

_PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class Battery:
    """One battery as the planner sees it (energy in kWh stored, power in W at the AC side)."""

    name: str
    soc: float
    capacity_kwh: float
    max_charge_w: float
    max_discharge_w: float
    min_soc: float = 10.0
    max_soc: float = 100.0

    @property
    def usable_kwh(self) -> float:
        """Stored energy above the minimum SOC."""
        return max(0.0, (self.soc - self.min_soc) / _PERCENT * self.capacity_kwh)

    @property
    def room_kwh(self) -> float:
        """Room up to the maximum SOC."""
        return max(0.0, (self.max_soc - self.soc) / _PERCENT * self.capacity_kwh)

    @property
    def span_kwh(self) -> float:
        """Energy between the minimum and maximum SOC."""
        return max(0.0, (self.max_soc - self.min_soc) / _PERCENT * self.capacity_kwh)


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """Everything the planner decides on; consumption and solar are aligned with `prices`.

    Attributes:
        prices: the normalised import price series (empty for tariff `none`).
        batteries: the batteries now.
        consumption_kwh: expected house use per price slot.
        solar_kwh: expected solar production per price slot.
        feed_in: export price per kWh, one value or one per slot.
        round_trip: AC round-trip efficiency (measured on a Venus: about 0.86).
        margin_kwh: extra energy bought on top of the deficit (the user's safety margin).
        cycle_cost: per kWh delivered from bought energy (wear and forecast error); a charge
            must beat the round-trip loss by this much.
        max_blocks: charge blocks per battery at most (Marstek has a handful of schedule slots).
        replace_margin: a new plan must save this much more than the written one to replace it.
    """

    prices: Sequence[PriceSlot]
    batteries: Sequence[Battery]
    consumption_kwh: Sequence[float]
    solar_kwh: Sequence[float]
    feed_in: float | Sequence[float] = 0.0
    round_trip: float = 0.86
    margin_kwh: float = 0.0
    cycle_cost: float = 0.01
    max_blocks: int = 3
    replace_margin: float = 0.05

    def feed_in_at(self, index: int) -> float:
        """The export price of one slot."""
        if isinstance(self.feed_in, int | float):
            return float(self.feed_in)
        return float(self.feed_in[index])


@dataclass(frozen=True, slots=True)
class ChargeBlock:
    """Grid charging of one battery at a constant power between start and end."""

    start: datetime
    end: datetime
    power_w: int
    energy_kwh: float
    cost: float

    def schedule_entries(self) -> list[dict[str, Any]]:
        """Marstek Manual schedule entries: local HH:MM, split at midnight, negative = charge.

        A block ending at midnight ends at 23:59 (a slot cannot end at 24:00).
        """
        entries = []
        cursor = self.start
        while cursor < self.end:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), cursor.tzinfo)
            stop = min(self.end, midnight)
            end_text = "23:59" if stop == midnight else stop.strftime("%H:%M")
            entries.append(
                {
                    "start_time": cursor.strftime("%H:%M"),
                    "end_time": end_text,
                    "week_set": 1 << cursor.weekday(),
                    "power": -self.power_w,
                }
            )
            cursor = stop
        return entries

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "power": self.power_w,
            "energy_kwh": round(self.energy_kwh, 3),
            "cost": round(self.cost, 4),
            "schedule": self.schedule_entries(),
        }


@dataclass(frozen=True, slots=True)
class HoldPeriod:
    """No discharge between start and end: the stored energy is worth more later."""

    start: datetime
    end: datetime

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class BatteryPlan:
    """One battery's part: its charge blocks, the fleet's hold periods, energy and cost."""

    name: str
    blocks: tuple[ChargeBlock, ...]
    holds: tuple[HoldPeriod, ...]

    @property
    def energy_kwh(self) -> float:
        """Energy bought for this battery."""
        return sum(block.energy_kwh for block in self.blocks)

    @property
    def cost(self) -> float:
        """What that energy costs."""
        return sum(block.cost for block in self.blocks)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "blocks": [block.as_dict() for block in self.blocks],
            "holds": [hold.as_dict() for hold in self.holds],
            "energy_kwh": round(self.energy_kwh, 3),
            "cost": round(self.cost, 4),
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the plan is what it is: a stable code, its English text and the values in it.

    `values` are the text's placeholders as English writes them ("2.42", "Sun 01:00-04:00"):
    a translation of the code's sentence is filled in with them.
    """

    code: str
    text: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Plan:
    """The planner's answer.

    Attributes:
        batteries: one entry per input battery, in input order.
        holds: the hold periods (the active battery does not discharge then).
        expected_cost: the house's grid cost over the horizon with this plan.
        cost_without_batteries: the same house without batteries.
        cost_self_consumption: with the batteries only covering the house (no plan).
        grid_charge_kwh: energy bought to store.
        deficit_kwh: expected use the stored energy and solar do not cover.
        reason: why.
    """

    batteries: tuple[BatteryPlan, ...]
    holds: tuple[HoldPeriod, ...]
    expected_cost: float
    cost_without_batteries: float
    cost_self_consumption: float
    grid_charge_kwh: float
    deficit_kwh: float
    reason: Reason
    details: dict[str, float] = field(default_factory=dict)

    @property
    def blocks(self) -> list[tuple[str, ChargeBlock]]:
        """Every charge block with its battery's name, in time order."""
        pairs = [(bp.name, block) for bp in self.batteries for block in bp.blocks]
        return sorted(pairs, key=lambda pair: pair[1].start)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (an action response)."""
        return {
            "batteries": [bp.as_dict() for bp in self.batteries],
            "holds": [hold.as_dict() for hold in self.holds],
            "expected_cost": round(self.expected_cost, 4),
            "cost_without_batteries": round(self.cost_without_batteries, 4),
            "cost_self_consumption": round(self.cost_self_consumption, 4),
            "grid_charge_kwh": round(self.grid_charge_kwh, 3),
            "deficit_kwh": round(self.deficit_kwh, 3),
            "reason_code": self.reason.code,
            "reason": self.reason.text,
        }


def power_for(energy_kwh: float, hours: float, limit_w: float) -> int:
    """A block's constant power (W, rounded up to 10 W, at most the battery's limit)."""
    if hours <= 0:
        return 0
    return int(min(limit_w, math.ceil(energy_kwh / hours * 1000 / 10) * 10))
