"""Prices, tariffs, the energy planner and the savings calculator.

Pure Python: nothing here imports Home Assistant or the rest of the integration, so the
planner runs and is tested in milliseconds, and an action can call it with plain data.

* `sources`: every price source shape in use -> one series of `PriceSlot` (start, end, per kWh).
* `tariffs`: time-of-use periods and EDF Tempo colours -> the same series.
* `planner`: the batteries' charge blocks and hold periods for that series.
* `simulate`: the execution model every plan is scored with.
* `savings`: what the batteries saved against the same house without them.
"""

from __future__ import annotations

from .model import PriceSlot, hourly, slot_hours
from .planner import Battery, BatteryPlan, ChargeBlock, HoldPeriod, Plan, PlanInputs, plan
from .savings import Savings, SlotFlows, savings
from .simulate import Outcome, simulate
from .sources import normalise
from .tariffs import TempoPrices, TouPeriod, tempo_series, time_of_use_series

__all__ = [
    "Battery",
    "BatteryPlan",
    "ChargeBlock",
    "HoldPeriod",
    "Outcome",
    "Plan",
    "PlanInputs",
    "PriceSlot",
    "Savings",
    "SlotFlows",
    "TempoPrices",
    "TouPeriod",
    "hourly",
    "normalise",
    "plan",
    "savings",
    "simulate",
    "slot_hours",
    "tempo_series",
    "time_of_use_series",
]
