"""What the batteries saved against the same house without batteries, at the same prices.

Per slot, the batteries change the grid bill in exactly three ways:

* energy they deliver to the house is not imported: worth the import price of that moment;
* energy bought to charge them costs the import price of that moment;
* solar energy they store is not exported: it loses the feed-in price.

So savings = sum(discharge x price) - sum(grid charge x price) - sum(solar charge x feed-in).
This equals (bill without batteries) - (bill with batteries) when the flows are measured at
the house's connection (tests/pricing/test_savings.py checks both against hand-computed numbers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SlotFlows:
    """The batteries' AC energy in one price slot (kWh) and the prices (per kWh)."""

    price: float
    feed_in: float
    discharge_kwh: float = 0.0
    grid_charge_kwh: float = 0.0
    solar_charge_kwh: float = 0.0


@dataclass(frozen=True, slots=True)
class Savings:
    """The three parts of the savings and their total, in the tariff's currency."""

    avoided_import: float
    grid_charge_cost: float
    lost_feed_in: float

    @property
    def total(self) -> float:
        """Saved money (negative when the batteries cost money)."""
        return self.avoided_import - self.grid_charge_cost - self.lost_feed_in


def savings(flows: Iterable[SlotFlows]) -> Savings:
    """Sum the savings over slots (a day, a month)."""
    avoided = charged = lost = 0.0
    for slot in flows:
        avoided += slot.discharge_kwh * slot.price
        charged += slot.grid_charge_kwh * slot.price
        lost += slot.solar_charge_kwh * slot.feed_in
    return Savings(avoided, charged, lost)
